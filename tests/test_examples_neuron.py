"""The neuron lesson: three factors, a sum over paths, a batch average, all from the engine."""

import math

from examples import neuron

EXACT = 1e-12
RESULT = neuron.run(fast=True)


def test_three_factors_multiply_to_the_engines_gradient():
    a, s, c = RESULT.factors
    assert math.isclose(a * s * c, RESULT.grad_wL, rel_tol=EXACT)
    assert 0 < s <= 0.25  # σ′ never exceeds a quarter


def test_paths_sum_to_the_gradient():
    assert len(RESULT.paths) == 2
    assert math.isclose(sum(RESULT.paths), RESULT.path_grad, rel_tol=EXACT)


def test_batch_gradient_is_the_mean():
    assert RESULT.batch_difference <= EXACT


def test_last_layer_is_most_sensitive():
    weights = {k: abs(v) for k, v in RESULT.sensitivities.items() if k.startswith("w")}
    assert max(weights, key=weights.get) == "w³"
