"""The GAN lesson: its tapes are the engine's gradients, each trick switch does what it says,
G's only signal is D's gradient, and the lesson's setting lands on target."""

import random
import statistics

import pytest

import nn
from autograd import Value
from examples import gan

REPLAY = 1e-12  # compiled replay vs eager backward (same arithmetic, summed in another order)
CENTRAL = 1e-6  # central difference with h = 1e-6 on a smooth loss
DEFAULT = gan.train(0, gan.STEPS)  # one run of the lesson's setting (a few seconds)
RESULT = gan.run(fast=True)


@pytest.fixture(scope="module")
def players():
    return gan.Players.build(3)


def _eager_grads(loss, params):
    for p in params:
        p.grad = 0.0
    loss.backward()
    return [p.grad for p in params]


def test_discriminator_tape_is_the_eager_gradient(players):
    rows = [[3.0, 0.9], [5.5, 0.9], [-1.0, 0.0], [4.2, 0.0]]
    loss, grads = players.d_loss.grad_batch(rows)
    d = players.discriminator
    eager = nn.binary_cross_entropy_with_logits([d([x]) for x, _ in rows], [t for _, t in rows])
    assert loss == pytest.approx(eager.data, abs=REPLAY)
    assert grads == pytest.approx(_eager_grads(eager, d.parameters()), abs=REPLAY)


def test_generator_tape_is_the_eager_gradient_through_d(players):
    noise = [[0.3, -1.2], [1.5, 0.1], [-0.7, 0.9]]
    loss, grads = players.g_loss.grad_batch([[a, b, 0.0] for a, b in noise])
    g, d = players.generator, players.discriminator
    logits = [d([g([Value(a), Value(b)])]) for a, b in noise]
    eager = nn.binary_cross_entropy_with_logits(logits, [1.0] * len(noise))
    expected = _eager_grads(eager, g.parameters() + d.parameters())
    assert loss == pytest.approx(eager.data, abs=REPLAY)
    assert grads == pytest.approx(expected, abs=REPLAY)


def test_generator_tape_reads_the_current_discriminator(players):
    rows = [[0.3, -1.2, 0.0], [1.5, 0.1, 0.0]]
    before, _ = players.g_loss.grad_batch(rows)
    last = players.discriminator.parameters()[-1]  # D's output bias
    last.data += 1.0
    after, _ = players.g_loss.grad_batch(rows)
    last.data -= 1.0
    assert after < before  # a bigger logit everywhere: G's samples look more real


def test_generator_never_sees_the_data(players):
    # G's loss has no data leaf but its noise and D's input noise ε: no real sample.
    assert len(players.g_loss.data) == gan.NOISE + 1
    assert len(players.d_loss.data) == 2  # D does see x (real or generated) and a target


def test_generator_signal_is_ds_gradient_at_the_sample(players):
    z = [0.4, -0.8]
    ((x_hat, prob, slope),) = gan.generator_signal(players, [z])
    d, h = players.discriminator, 1e-6

    def loss(x):
        return nn.binary_cross_entropy_with_logits([d([Value(x)])], [1.0]).data

    assert abs(slope - (loss(x_hat + h) - loss(x_hat - h)) / (2 * h)) <= CENTRAL
    assert 0 < prob < 1


def test_unfrozen_discriminator_moves_in_gs_turn():
    frozen = gan.train(5, 1, snapshots=2)
    loose = gan.train(5, 1, snapshots=2, tricks=gan.Tricks(freeze=False))
    g_same = [p.data for p in frozen.players.generator.parameters()] == [
        p.data for p in loose.players.generator.parameters()]
    d_frozen = [p.data for p in frozen.players.discriminator.parameters()]
    d_loose = [p.data for p in loose.players.discriminator.parameters()]
    assert g_same and d_frozen != d_loose


def test_critic_weights_are_clipped():
    run = gan.train(2, 3, snapshots=2, tricks=gan.Tricks(wasserstein=True))
    assert all(abs(p.data) <= gan.CLIP for p in run.players.discriminator.parameters())


def test_switches_flip_one_trick_each():
    base = gan.Tricks()
    rows = gan.switches()
    assert rows[0][1] == base and len(rows) == 1 + len(gan.TRICK_NAMES)
    for _, tricks in rows[1:]:
        changed = [n for n in gan.TRICK_NAMES if getattr(tricks, n) != getattr(base, n)]
        assert len(changed) == 1


def test_ablation_runs_every_switch_on_several_seeds():
    assert [a.tricks for a in RESULT.ablation] == [t for _, t in gan.switches()]
    assert all(len(a.runs) == 2 for a in RESULT.ablation)
    assert [r.seed for r in RESULT.ablation[0].runs] == [0, 1]


def test_lesson_setting_lands_on_target():
    assert DEFAULT.on_target, (DEFAULT.mean, DEFAULT.std)
    assert DEFAULT.wasserstein < 0.25
    start = statistics.fmean(DEFAULT.snapshots[0])
    assert abs(start - gan.MEAN) > 1.0  # it started far away


def test_discriminator_curves_are_probabilities():
    for curve in DEFAULT.d_curves.values():
        assert len(curve) == len(gan.GRID) and all(0 < p < 1 for p in curve)
    assert len(DEFAULT.d_real_mean) == gan.STEPS // gan.WATCH


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


def test_the_lesson_names_the_setting_that_measured_best():
    """Its own setting is called best only when it is (most seeds on target, lowest W₁)."""
    text = gan.best_setting(RESULT.ablation)
    best = max(RESULT.ablation, key=lambda a: (a.hits, -a.median_w1))
    assert best.name in text or (best is RESULT.ablation[0] and "lesson's setting" in text)
    if best is not RESULT.ablation[0]:
        assert "the lesson's setting measured best" not in text


def test_normalising_is_called_worse_only_outside_the_seeds_spread():
    text = gan.normalising(RESULT.ablation)
    base = RESULT.ablation[0]
    normalised = next(a for a in RESULT.ablation if a.tricks.normalize)
    spread = [r.wasserstein for r in base.runs]
    assert f"{normalised.median_w1:.3f} against the lesson's setting's {base.median_w1:.3f}" \
        in text
    inside = min(spread) <= normalised.median_w1 <= max(spread)
    assert ("seed-to-seed spread" in text) == inside and ("worse" in text) == (
        not inside and normalised.median_w1 > base.median_w1)


def test_each_ablation_row_says_what_it_switched():
    names = dict(gan.switches())
    assert "without label smoothing (real labelled 1)" in names  # the smoothing is what is off
    assert not any("0.9" in n and n.startswith("without") for n in names)
