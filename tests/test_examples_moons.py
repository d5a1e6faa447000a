"""The moons lesson: the classic demo fits every point; the big model does worse on new ones."""

from examples import moons

CLASSIC_ACCURACY = 0.99
RESULT = moons.run(fast=True)


def test_classic_demo_fits_the_training_set():
    assert RESULT.train_accuracy >= CLASSIC_ACCURACY


def test_fresh_points_are_mostly_right():
    assert RESULT.split_test_accuracy >= 0.9


def test_big_model_on_few_points_overfits():
    assert RESULT.overfit_train_accuracy > RESULT.overfit_test_accuracy
