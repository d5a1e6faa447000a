"""The equations lesson: BP1–BP4 by hand agree with the engine; δ predicts a nudge; saturation."""

from autograd import Value
from examples import equations

RESULT = equations.run(fast=True)
NUDGE = 1e-2  # relative: a first-order prediction with Δz = 1e-3 is off by O(Δz)


def test_four_equations_match_the_engine():
    assert RESULT.parameters == 39
    assert RESULT.sample_difference <= equations.AGREEMENT
    assert RESULT.delta_difference <= equations.AGREEMENT
    for name, (difference, hand, engine) in RESULT.per_equation.items():
        assert difference <= equations.AGREEMENT, name
        assert abs(hand - engine) <= equations.AGREEMENT and abs(hand) > 1e-6, name


def test_batch_gradient_is_the_average():
    assert RESULT.batch_size == 5
    assert RESULT.batch_difference <= equations.AGREEMENT


def test_by_hand_is_not_trivially_zero():
    ws, bs = equations.network()
    grad_w, _, _ = equations.by_hand(ws, bs, [0.3, -0.2, 0.9], [0.1, 0.8])
    assert max(abs(g) for g in equations._flat(grad_w)) > 1e-4


def test_forward_is_the_matrix_product():
    ws, bs = equations.network()
    x = [0.3, -0.2, 0.9]
    zs, acts = equations.forward(ws, bs, x)
    xv = [Value(v) for v in x]
    z1 = [sum((Value(w) * a for w, a in zip(row, xv)), Value(0.0)) + b
          for row, b in zip(ws[0], bs[0])]
    assert max(abs(z.data - v) for z, v in zip(z1, zs[0], strict=True)) <= equations.AGREEMENT
    assert len(acts) == len(equations.SIZES) and len(acts[-1]) == equations.SIZES[-1]


def test_delta_predicts_the_demons_nudge():
    assert len(RESULT.nudges) == 3
    for _layer, _j, dz, delta, changed in RESULT.nudges:
        assert abs(changed - delta * dz) <= NUDGE * abs(delta * dz)


def test_saturated_neuron_barely_learns():
    fast, slow = RESULT.saturation[2.0], RESULT.saturation[8.0]
    assert fast[-1] < 0.01 * fast[0]
    assert slow[-1] > 0.99 * slow[0]
    a = equations.sigma(8.0)
    assert abs(slow[0] - 0.5 * a * a) <= equations.AGREEMENT


def test_the_page_says_an_exact_agreement_in_words(tmp_path):
    """A difference of zero reads 0, never the test-log '0e+00'."""
    equations.run(fast=True, out=tmp_path)
    text = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "e+00" not in text and "e-1" not in text  # 0, or 2e−17 with a minus sign
