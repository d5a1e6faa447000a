"""The equations lesson: BP1–BP4 by hand agree with the engine to 1e-12."""

from examples import equations

RESULT = equations.run(fast=True)


def test_four_equations_match_the_engine():
    assert RESULT.parameters == 39
    assert RESULT.sample_difference <= equations.AGREEMENT
    assert RESULT.delta_difference <= equations.AGREEMENT


def test_batch_gradient_is_the_average():
    assert RESULT.batch_size == 5
    assert RESULT.batch_difference <= equations.AGREEMENT


def test_by_hand_is_not_trivially_zero():
    ws, bs = equations.network()
    grad_w, _, _ = equations.by_hand(ws, bs, [0.3, -0.2, 0.9], [0.1, 0.8])
    assert max(abs(g) for g in equations._flat(grad_w)) > 1e-4
