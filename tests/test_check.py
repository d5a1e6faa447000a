"""gradcheck and check_graph: the engine judged by central differences."""

from __future__ import annotations

import math

import pytest

from autograd import GradcheckError, Op, Value, apply, check_graph, gradcheck, replay

# An op whose declared derivative is wrong (it claims d sin = sin): the checker must catch it.
BROKEN = Op("badsin", "sin", "sin(a)", math.sin, (lambda m, a, out: m.sin(a),), None,
            "wrong on purpose")


def test_gradcheck_passes_a_correct_function():
    assert gradcheck(lambda x, y: (x / y).log() * x.sigmoid(), [1.3, 0.4])


def test_gradcheck_accepts_values_and_uses_their_labels():
    with pytest.raises(GradcheckError) as err:
        gradcheck(lambda x: apply(BROKEN, x), [Value(0.7, label="theta")])
    assert "theta" in str(err.value)


def test_gradcheck_reports_analytic_and_numeric_side_by_side():
    def f(x, y):
        return apply(BROKEN, x) * y

    with pytest.raises(GradcheckError) as err:
        gradcheck(f, [0.7, 2.0])
    rows = {r.name: r for r in err.value.rows}
    assert rows["inputs[0]"].analytic == pytest.approx(math.sin(0.7) * 2.0)
    assert rows["inputs[0]"].numeric == pytest.approx(math.cos(0.7) * 2.0, rel=1e-6)
    assert rows["inputs[1]"].ok(1e-5, 1e-3)
    message = str(err.value)
    assert "1 of 2 inputs" in message and "analytic" in message and "numeric" in message
    assert f"{math.sin(0.7) * 2.0:.15g}" in message


def test_gradcheck_needs_a_value_back():
    with pytest.raises(TypeError, match="must return a Value"):
        gradcheck(lambda x: 3.0, [1.0])


def test_check_graph_finds_the_broken_leaf():
    x, y = Value(0.7, label="x"), Value(2.0, label="y")
    out = apply(BROKEN, x) * y + y.tanh()
    rows = {r.name: r for r in check_graph(out)}
    assert set(rows) == {"x", "y"}
    assert not rows["x"].ok(1e-5, 1e-3) and rows["y"].ok(1e-5, 1e-3)


def test_replay_recomputes_with_new_leaf_values():
    x, w = Value(0.5), Value(-1.5)
    out = (w * x + 2.0).tanh() ** 2
    assert replay(out, {}) == out.data
    assert replay(out, {x: 1.0}) == pytest.approx(math.tanh(-1.5 + 2.0) ** 2)


def test_check_graph_names_unlabelled_leaves_by_position():
    x, y = Value(0.5), Value(1.5, label="y")
    rows = check_graph(x * y + x.exp())
    assert [r.name for r in rows] == ["leaves[0]", "y"]
    assert all(r.ok(1e-6, 1e-6) for r in rows)


def test_gradcheck_of_a_function_that_itself_calls_grad():
    from autograd import grad

    def slope(x):
        (dy,) = grad(x * x * x, [x], create_graph=True)  # 3x²: its gradient is 6x
        return dy

    assert gradcheck(slope, [0.7])


def test_check_graph_near_a_domain_edge_names_the_op_and_the_leaf():
    x = Value(1e-7, label="x")
    with pytest.raises(ValueError, match=r"x = -9.*e-07.*log.*a > 0.*smaller eps"):
        check_graph(x.log())
