"""The curve lesson: the pieces sum to the network, two ReLUs make a hard sigmoid, pieces
spread over the inputs all start alive, and more of them fit better."""

import itertools

import pytest

import nn
from examples import curve

EXACT = 1e-12
RESULT = curve.run(fast=True)


def test_hard_sigmoid_from_two_relus():
    assert RESULT.hard_sigmoid == [(-1.0, 0.0), (-0.5, 0.0), (0.0, 0.5), (0.5, 1.0), (1.0, 1.0)]


def test_pieces_are_the_network():
    assert RESULT.sum_error <= EXACT


@pytest.mark.parametrize("activation", ["sigmoid", "relu"])
def test_more_spread_pieces_fit_better(activation):
    mse = RESULT.mse[activation]
    ks = sorted(mse)
    assert all(mse[b] < (1 - curve.GAIN) * mse[a] for a, b in itertools.pairwise(ks)), mse


@pytest.mark.parametrize("activation", ["sigmoid", "relu"])
def test_spread_puts_each_step_at_its_centre(activation):
    model = nn.MLP(1, [4, 1], activation=activation, seed=0)
    curve.spread(model, activation)
    centres = [-n.b.data / n.w[0].data for n in model.layers[0].neurons]
    assert centres == pytest.approx([-0.75, -0.25, 0.25, 0.75], abs=EXACT)
    X = [[-1 + 2 * i / 20] for i in range(21)]
    assert curve.dead(model, X) == 0


def test_dead_counts_a_relu_off_on_every_point():
    model = nn.MLP(1, [2, 1], activation="relu", seed=0)
    first, second = model.layers[0].neurons
    first.w[0].data, first.b.data = 1.0, -5.0  # relu(x − 5) is 0 on [−1, 1]
    second.w[0].data, second.b.data = 1.0, 0.0
    assert curve.dead(model, [[-1.0], [0.5], [1.0]]) == 1
    assert set(RESULT.dead_relus) == set(RESULT.default_mse["relu"])


def test_training_error_near_the_expected_noise_level():
    # The lesson's claim: a right-shaped fit with p parameters on n points leaves about
    # σ²(1 − p/n) on the training points; for 4 sigmoid pieces (p = 13) that is below σ².
    n, p = RESULT.points, 13
    expected = curve.NOISE**2 * (1 - p / n)
    assert expected < curve.NOISE**2
    assert 0.5 * expected < RESULT.mse["sigmoid"][4] < 1.5 * curve.NOISE**2


def test_fresh_error_is_measured_by_the_engine():
    import nn as nnlib

    X, y = nnlib.make_regression(RESULT.points, noise=curve.NOISE, seed=0, kind="curved")
    Xn, yn = nnlib.make_regression(curve.FRESH, noise=curve.NOISE, seed=1, kind="curved")
    model, _ = curve.fit_curve(4, "sigmoid", X, y, epochs=300)
    fresh = nnlib.evaluate(model, Xn, yn, nnlib.mse_loss)["loss"]
    assert abs(fresh - RESULT.fresh_mse["sigmoid"][4]) <= EXACT
    assert fresh > curve.NOISE**2 * 0.9  # fresh noise cannot be fitted
