"""The moons lesson: the classic demo fits every point, on every data seed it tries, and a
big model on few points does better on them than on new ones."""

from examples import moons

RESULT = moons.run(fast=True)


def test_classic_demo_fits_every_training_point():
    assert RESULT.train_accuracy == 1.0


def test_every_data_seed_reaches_100_percent_with_the_full_steps():
    assert RESULT.seeds[moons.STEPS] == [1.0] * len(RESULT.seeds[moons.STEPS])
    assert set(RESULT.seeds) == {moons.STEPS // 2, moons.STEPS}


def test_fresh_points_are_mostly_right():
    assert RESULT.split_test_accuracy >= 0.9


def test_big_model_on_few_points_overfits():
    assert RESULT.overfit_train_accuracy > RESULT.overfit_test_accuracy
    assert RESULT.overfit_best_test >= RESULT.overfit_test_accuracy
