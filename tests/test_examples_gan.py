"""The GAN lesson: its statistics are computed right and a short run moves toward the data."""

import random
import statistics

from examples import gan

RUN = gan.train(0, 120)


def test_wasserstein_of_shifted_samples_is_the_shift():
    a = [random.Random(1).gauss(0, 1) for _ in range(50)]
    assert abs(gan.wasserstein(a, [x + 2.5 for x in a]) - 2.5) <= 1e-12
    assert gan.wasserstein([0.0, 1.0], [1.0, 0.0]) == 0.0


def test_final_statistics_are_the_last_snapshot():
    final = RUN.snapshots[120]
    assert len(final) == gan.EVAL == len(RUN.real)
    assert RUN.mean == statistics.fmean(final) and RUN.std == statistics.pstdev(final)
    assert RUN.wasserstein == gan.wasserstein(final, RUN.real)


def test_generator_moves_toward_the_real_mean():
    start = statistics.fmean(RUN.snapshots[0])
    assert abs(RUN.mean - gan.MEAN) < abs(start - gan.MEAN)
    assert len(RUN.d_loss) == len(RUN.g_loss) == 120


def test_on_target_rule():
    run = gan.GanRun(0, False, 4.2, 1.5, 0.1)
    assert run.on_target
    assert not gan.GanRun(0, False, 4.3, 1.25, 0.1).on_target
    assert not gan.GanRun(0, False, 4.0, 0.9, 0.1).on_target
