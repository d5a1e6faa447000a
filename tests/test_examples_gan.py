"""The GAN lesson: its tapes are the engine's gradients, its statistics are computed right,
and the default setting lands on target."""

import random
import statistics

import pytest

import nn
from autograd import Value
from examples import gan

REPLAY = 1e-12  # compiled replay vs eager backward (same arithmetic, summed in another order)
DEFAULT = gan.train(0, gan.STEPS)  # one run of the lesson's default setting (~4 s)


@pytest.fixture(scope="module")
def players():
    return gan.Players.build(3, gan.LR, 10)


def _eager_grads(loss, params):
    for p in params:
        p.grad = 0.0
    loss.backward()
    return [p.grad for p in params]


def test_discriminator_tape_is_the_eager_gradient(players):
    xs = [3.0, 5.5, -1.0, 4.2]
    loss, grads = players.d_real.grad_batch([[x] for x in xs])
    d = players.discriminator
    eager = nn.binary_cross_entropy_with_logits([d([x / gan.SCALE]) for x in xs],
                                                [gan.REAL_LABEL] * len(xs))
    expected = _eager_grads(eager, d.parameters())
    assert loss == pytest.approx(eager.data, abs=REPLAY)
    assert grads == pytest.approx(expected, abs=REPLAY)


def test_generator_tape_is_the_eager_gradient_through_d(players):
    noise = [[0.3, -1.2], [1.5, 0.1], [-0.7, 0.9]]
    loss, grads = players.g_loss.grad_batch(noise)
    g, d = players.generator, players.discriminator
    logits = [d([g([Value(a), Value(b)]) * gan.SCALE / gan.SCALE]) for a, b in noise]
    eager = nn.binary_cross_entropy_with_logits(logits, [1.0] * len(noise))
    expected = _eager_grads(eager, g.parameters() + d.parameters())
    assert loss == pytest.approx(eager.data, abs=REPLAY)
    assert grads == pytest.approx(expected, abs=REPLAY)


def test_generator_tape_reads_the_current_discriminator(players):
    noise = [[0.3, -1.2], [1.5, 0.1]]
    before, _ = players.g_loss.grad_batch(noise)
    last = players.discriminator.parameters()[-1]  # D's output bias
    last.data += 1.0
    after, _ = players.g_loss.grad_batch(noise)
    last.data -= 1.0
    assert after < before  # a bigger logit everywhere: G's samples look more real


def test_default_setting_lands_on_target():
    assert DEFAULT.on_target, (DEFAULT.mean, DEFAULT.std)
    assert DEFAULT.wasserstein < 0.25
    start = statistics.fmean(DEFAULT.snapshots[0])
    assert abs(start - gan.MEAN) > 1.0  # it started far away


def test_wasserstein_of_shifted_samples_is_the_shift():
    a = [random.Random(1).gauss(0, 1) for _ in range(50)]
    assert abs(gan.wasserstein(a, [x + 2.5 for x in a]) - 2.5) <= 1e-12
    assert gan.wasserstein([0.0, 1.0], [1.0, 0.0]) == 0.0


def test_final_statistics_are_the_last_snapshot():
    final = DEFAULT.snapshots[gan.STEPS]
    assert len(final) == gan.EVAL == len(DEFAULT.real)
    assert DEFAULT.mean == statistics.fmean(final) and DEFAULT.std == statistics.pstdev(final)
    assert DEFAULT.wasserstein == gan.wasserstein(final, DEFAULT.real)
    assert len(DEFAULT.d_loss) == len(DEFAULT.g_loss) == gan.STEPS


def test_mixture_samples_have_both_modes():
    import numpy as np

    draws = gan.real_sampler(True)(np.random.default_rng(0), 4000)
    middle = (gan.MIXTURE[0][0] + gan.MIXTURE[1][0]) / 2
    assert 0.45 < float(np.mean(draws < middle)) < 0.55


def test_on_target_rule():
    run = gan.GanRun(0, False, 4.2, 1.5, 0.1)
    assert run.on_target
    assert not gan.GanRun(0, False, 4.3, 1.25, 0.1).on_target
    assert not gan.GanRun(0, False, 4.0, 0.9, 0.1).on_target
