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
