"""The curve lesson: the pieces sum to the network, two ReLUs make a hard sigmoid."""

from examples import curve

EXACT = 1e-12
RESULT = curve.run(fast=True)


def test_hard_sigmoid_from_two_relus():
    assert RESULT.hard_sigmoid == [(-1.0, 0.0), (-0.5, 0.0), (0.0, 0.5), (0.5, 1.0), (1.0, 1.0)]


def test_pieces_are_the_network():
    assert RESULT.sum_error <= EXACT


def test_more_sigmoids_fit_better():
    mse = RESULT.mse["sigmoid"]
    assert mse[4] < mse[1]
