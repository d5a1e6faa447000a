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


def test_moving_back_one_layer():
    w3, sp, c, engine = RESULT.back_step
    assert w3 == neuron.WEIGHTS[2]
    assert math.isclose(w3 * sp * c, engine, rel_tol=EXACT)


def test_bias_factor_is_one():
    product, engine = RESULT.bias_grad
    assert math.isclose(product, engine, rel_tol=EXACT)
    a = RESULT.factors[0]
    assert math.isclose(RESULT.grad_wL, a * product, rel_tol=EXACT)


def test_nudges_approach_the_prediction():
    ratios = {d: actual / predicted for d, predicted, actual in RESULT.nudge_rows}
    assert abs(ratios[0.001] - 1) < abs(ratios[0.1] - 1) < abs(ratios[0.5] - 1)
    assert abs(ratios[0.001] - 1) < 1e-2
    h = 1e-6  # an independent central difference of the cost in w³
    up = neuron.cost_at((*neuron.WEIGHTS[:2], neuron.WEIGHTS[2] + h))
    down = neuron.cost_at((*neuron.WEIGHTS[:2], neuron.WEIGHTS[2] - h))
    assert math.isclose((up - down) / (2 * h), RESULT.grad_wL, rel_tol=1e-6)


def test_the_page_says_an_exact_agreement_in_words(tmp_path):
    """A difference of zero reads 'exactly' or 0, never the test-log '0e+00'."""
    neuron.run(fast=True, out=tmp_path)
    text = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "e+00" not in text and "exactly" in text
