"""autograd.maths: formulas for people, printed from the rules and grouped by structure."""

from __future__ import annotations

import itertools
import math

import pytest

import viz
from autograd import OPS, Op, Value
from autograd import apply as node
from autograd.expr import Num, Var, neg
from autograd.interpret import FLOATS
from autograd.maths import MathsPrinter, derivative, notation
from autograd.symbols import SYMBOLS, apply
from viz.names import formulas

SAME = 1e-12  # a nicer form and its rule: the same mathematics, rounded differently
GRID = [-2.3, -0.7, -0.05, 0.4, 1.9]
PARAMS = {"pow": [2.0, 3.0, 0.5, -1.5], "leaky_relu": [0.01, 0.2],
          "clamp": [(-1.0, 1.0), (None, 0.5), (0.0, None)]}
a, b, c, w, x = (Var(n) for n in "abcwx")
CBRT = Op("cbrt", "∛", "∛a", math.cbrt, (lambda m, a, out: 1.0 / (3.0 * out * out),),
          doc="cube root, declared with no formula")


def text(tree):
    return MathsPrinter().text(tree)


@pytest.mark.parametrize(("tree", "expected"), [
    (neg(a * b), "−(a·b)"),
    (neg(a) * b, "−a·b"),
    ((a + b) ** 2.0, "(a + b)²"),
    (neg(a) ** 2.0, "(−a)²"),
    (neg(a ** 2.0), "−a²"),
    (a ** (b ** c), "a^(bᶜ)"),
    ((a ** b) ** c, "(aᵇ)ᶜ"),
    (a ** (b - 1.0), "aᵇ⁻¹"),
    (a ** 0.5, "a^½"),
    (a / b / c, "(a/b)/c"),
    (a / (b / c), "a/(b/c)"),
    (a / (b * c), "a/(b·c)"),
    (a * b / c, "a·b/c"),
    (a / b * c, "(a/b)·c"),
    (a - (b - c), "a − (b − c)"),
    (a - (b + c), "a − (b + c)"),
    (a + neg(b), "a + (−b)"),
    (a * -2.0, "a·(−2)"),
    (-2.0 * a, "−2·a"),
    (a / -0.5, "a/(−½)"),
    (3.0 * x * x, "3·x²"),
    (1.0 - x * x, "1 − x²"),
    (Num(-1.0) / (1.0 + a * a), "−1/(1 + a²)"),
])
def test_tricky_grouping(tree, expected):
    assert text(tree) == expected


def test_ops_are_written_as_their_expr_says():
    assert text(apply(CBRT, [w * x])) == "∛(w·x)"
    assert text(apply(CBRT, [x])) == "∛x"
    ops = {op.name: op for op in OPS}
    assert text(apply(ops["sqrt"], [w * x])) == "√(w·x)"
    assert text(apply(ops["abs"], [x - 1.0])) == "|x − 1|"
    assert text(apply(ops["tanh"], [w * x + b])) == "tanh(w·x + b)"
    assert text(apply(ops["pow"], [w + x], 3.0)) == "(w + x)³"
    assert text(apply(ops["maximum"], [a + b, c])) == "max(a + b, c)"
    assert text(apply(ops["sqrt"], [x]) ** 2.0) == "(√x)²"
    assert text(apply(ops["tanh"], [x]) ** 2.0) == "tanh(x)²"
    assert notation(ops["expm1"]).pieces == ("expm1(", 0, ")")  # eᵃ − 1 has no plain slot


def test_a_formula_of_the_table_in_its_own_letters():
    ops = {op.name: op for op in OPS}
    assert ops["mul"].formula(0, 2) == "∂(a·b)/∂a = b"
    assert ops["tanh"].formula(0, 1) == "∂(tanh(a))/∂a = 1 − tanh(a)²"
    assert ops["div"].formula(1, 2) == "∂(a/b)/∂b = −a/b²"
    assert ops["dot"].formula(5, 8) == "∂(Σ wᵢ·xᵢ)/∂x₂ = w₂"
    assert ops["pow"].formulas == ("k·aᵏ⁻¹",)
    assert ops["clamp"].formulas == ("1 if min ≤ a ≤ max else 0",)


def test_derivatives_in_the_nodes_names():
    tanh = next(op for op in OPS if op.name == "tanh")
    assert text(derivative(tanh, 0, [w * x], Var("o"))) == "1 − o²"
    assert text(derivative(CBRT, 0, [w * x], apply(CBRT, [w * x]))) == "1/(3·(∛(w·x))²)"


def test_strings_as_formulas_are_refused_with_the_new_way():
    with pytest.raises(TypeError, match="printed from the rules"):
        Op("sq", "²", "a²", lambda a: a * a, (lambda m, a, out: 2.0 * a,), ("2·a",))


def points(op):
    """Inputs (and parameters) where the op's rule is defined."""
    if op.arity == 0:
        return [([0.3, -1.2, 2.5, 1.1], None)]
    params = PARAMS.get(op.name, [None])
    found = []
    for xs in itertools.product(GRID, repeat=op.arity):
        for k in params:
            args = (*xs, k) if op.param else xs
            if op.domain is None or op.domain(*args):
                found.append((list(xs), k))
    return found


@pytest.mark.parametrize("op", [op for op in OPS if op.nicer], ids=lambda op: op.name)
def test_every_kept_formula_equals_its_rule_over_the_domain(op):
    checked = 0
    for xs, k in points(op):
        out = op.forward(*xs, k) if op.param else op.forward(*xs)
        for i in range(len(xs)):
            form = op.nicer[op.row(i, len(xs))[0]]
            if form is None:
                continue
            try:
                rule = op.local(i, FLOATS, xs, out, k)
            except (ArithmeticError, ValueError):
                continue  # the rule itself is undefined here (√0's derivative)
            extra = (k,) if op.param else ()
            nicer = form(FLOATS, *xs, out, *extra)
            assert math.isclose(nicer, rule, rel_tol=SAME, abs_tol=SAME), (op.name, xs, k, i)
            checked += 1
    assert checked >= 2


@pytest.mark.parametrize("op", OPS, ids=lambda op: op.name)
def test_every_formula_prints_from_its_rule(op):
    assert all("?" not in f for f in op.formulas), op.formulas
    ins = [Var(f"p{i}") for i in range(op.arity or 4)]
    k = {"pow": 3.0, "leaky_relu": 0.1, "clamp": (-1.0, 1.0)}.get(op.name)
    for i in range(len(ins)):
        assert text(derivative(op, i, ins, Var("out"), k))


def test_an_op_declared_without_formulas_shows_printed_ones_everywhere():
    w_, x_ = Value(0.5, label="w"), Value(2.0, label="x")
    y = node(CBRT, w_ * x_)
    y.label = "y"
    loss = y * 3.0
    loss.backward()
    expected = "∂(∛(w·x))/∂(w·x) = 1/(3·y²)"
    assert formulas(y, {w_: "w", x_: "x", y: "y"})[0] == expected
    assert expected in viz.draw_graph(loss).source
    assert expected in viz.step_through(loss).to_text()
    assert CBRT.formula(0, 1) == "∂(∛a)/∂a = 1/(3·(∛a)²)"


def test_a_rule_that_branches_with_python_if_is_named_not_printed():
    bad = Op("step", "H", "H(a)", lambda a: 1.0 if a > 0 else 0.0,
             (lambda m, a, out: 1.0 if a > 0 else 0.5,))
    assert bad.formulas[0].startswith("? (its rule cannot be written out")
    with pytest.raises(TypeError, match=r"m\.where"):
        bool(SYMBOLS.gt(a, 0.0))
