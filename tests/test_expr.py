"""autograd.expr and the Python printer: trees that compute the very floats their rules do."""

from __future__ import annotations

import math
import operator
import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import OPS_BY_NAME
from autograd.expr import Bin, Neg, Num, Var
from autograd.printing import PythonPrinter
from autograd.reading import same, substitute, variables
from autograd.symbols import SYMBOLS

CONSTANTS = [1.0, -1.0, 0.0, -0.0, 2.5, -0.75, math.nan, math.inf, -math.inf, 1e308, 3.0]
VALUES = st.sampled_from([0.5, -2.0, 0.0, -0.0, 1.0, -1.0, 7.25, 1e-300, math.inf, math.nan])


def bits(x):
    return struct.pack("<d", x)


def test_one_and_minus_one_are_structure():
    x = Var("x")
    assert x * 1.0 is x and 1.0 * x is x and x / 1.0 is x
    assert same(x * -1.0, Neg(x)) and same(-1.0 * x, Neg(x)) and same(x / -1.0, Neg(x))
    minus_x = -x
    assert -minus_x is x and same(-Num(2.0), Num(-2.0))
    assert x ** 1.0 is x and same(x ** 0.0, Num(1.0))
    assert same(Num(2.0) * 3.0, Num(6.0)) and same(Num(1.0) - 3.0, Num(-2.0))
    assert same(Num(1.0) / 0.0, Bin("/", Num(1.0), Num(0.0)))  # raises at run time, as written
    # not exact for -0.0 or ∞, so they stay
    assert same(x + 0.0, Bin("+", x, Num(0.0))) and same(x * 0.0, Bin("*", x, Num(0.0)))


def test_no_simplification_drops_a_part_that_raises():
    """Python raises at a = 0 in each of these rules: so does the printed tree (a tape)."""
    a = Var("a")
    for tree in (0.0 * (1.0 / a), (1.0 / a) ** 0.0, (1.0 / a) * 1.0, (1.0 / a) * -1.0 * -1.0):
        with pytest.raises(ZeroDivisionError):
            eval(PythonPrinter().text(tree), {"a": 0.0})


def test_known_comparisons_choose_at_once():
    x = Var("x")
    assert SYMBOLS.where(SYMBOLS.gt(Num(2.0), 0.0), x, 1.0) is x
    assert same(SYMBOLS.where(SYMBOLS.eq(Num(math.nan), math.nan), x, 1.0), Num(1.0))


def test_a_rule_may_not_branch_on_a_symbol_with_python_if():
    with pytest.raises(TypeError, match=r"m\.where"):
        bool(SYMBOLS.gt(Var("a"), 0.0))


def test_substitute_and_variables():
    a, b = Var("a"), Var("b")
    tree = OPS_BY_NAME["atan2"].rules[0](SYMBOLS, a, b, Var("out"))
    assert sorted(variables(tree)) == ["a", "a", "b", "b", "b"]
    swapped = substitute(tree, {"a": b, "b": a})
    assert PythonPrinter().text(swapped) == "a / (b * b + a * a)"


def test_python_keeps_the_grouping_floats_need():
    p = PythonPrinter()
    a, b, c = Var("a"), Var("b"), Var("c")
    assert p.text(a - (b - c)) == "a - (b - c)"
    assert p.text((a - b) - c) == "a - b - c"
    assert p.text(a / (b * c)) == "a / (b * c)"
    assert p.text(-(a ** b)) == "-(a ** b)"
    assert p.text((-a) ** b) == "(-a) ** b"
    assert p.text(a ** (b ** c)) == "a ** b ** c"
    assert p.text((a ** b) ** c) == "(a ** b) ** c"
    assert p.text(a * -2.0) == "a * (-2.0)"
    where = SYMBOLS.where(SYMBOLS.gt(a, 0.0), SYMBOLS.where(SYMBOLS.lt(b, 1.0), a, b), c)
    assert p.text(where) == "(a if b < 1.0 else b) if a > 0.0 else c"
    assert PythonPrinter(numpy=True).text(where) == "np.where(a > 0.0, np.where(b < 1.0, a, b), c)"


# A random program: each step applies an operator to two earlier values or constants.
STEP = st.tuples(st.sampled_from(["+", "-", "*", "/", "**", "neg", "where"]),
                 st.integers(0, 50), st.integers(0, 50), st.integers(0, len(CONSTANTS) - 1),
                 st.booleans())
OPERATORS = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
             "**": operator.pow}


def run(program, start, m):
    """The program over ``start`` values in interpretation ``m`` (floats, or trees); on
    floats a failing step gives its error's type, and so does every step that reads it."""
    values = list(start)
    for name, i, j, c, constant in program:
        left = values[i % len(values)]
        right = CONSTANTS[c] if constant else values[j % len(values)]
        failed = [v for v in (left, right)[: 1 if name == "neg" else 2] if isinstance(v, type)]
        if failed:
            values.append(failed[0])
            continue
        try:
            if name == "neg":
                values.append(-left)
            elif name == "where":
                values.append(m.where(m.gt(left, right), left, right))
            else:
                values.append(OPERATORS[name](left, right))
            if isinstance(values[-1], complex):  # a fractional power of a negative
                values[-1] = ValueError
        except (ArithmeticError, ValueError) as err:
            values.append(type(err))
    return values[-1]


class Real(float):
    """A float whose arithmetic refuses a complex result where it arises, as ``run`` does:
    Python's ``(-2.0) ** 2.5`` is complex, and a complex value met later fails differently
    (``inf ** z`` divides by zero, ``z > 0`` is a TypeError). Its results are the float's
    own bits."""

    def __neg__(self) -> Real:
        return Real(float.__neg__(self))


def _real(name):
    def apply(self, other):
        result = getattr(float, name)(self, other)
        if isinstance(result, complex):
            raise ValueError(f"{name}: complex result")
        return result if result is NotImplemented else Real(result)
    return apply


for _op in ("add", "sub", "mul", "truediv", "pow"):
    setattr(Real, f"__{_op}__", _real(f"__{_op}__"))
    setattr(Real, f"__r{_op}__", _real(f"__r{_op}__"))


@settings(max_examples=300, deadline=None)
@given(st.lists(STEP, min_size=1, max_size=12), st.lists(VALUES, min_size=3, max_size=3))
def test_printed_python_computes_the_same_bits(program, start):
    """Simplified trees, printed, give what the operations on floats give: bit for bit."""
    from autograd.interpret import FLOATS

    expected = run(program, start, FLOATS)
    names = [Var(n) for n in ("a", "b", "c")]
    tree = run(program, names, SYMBOLS)
    code = PythonPrinter().text(tree) if hasattr(tree, "parts") else repr(tree)
    namespace = {"a": Real(start[0]), "b": Real(start[1]), "c": Real(start[2]),
                 "nan": Real(math.nan), "inf": Real(math.inf)}
    try:
        got = float(eval(code, namespace))
    except (ArithmeticError, ValueError) as err:
        got = type(err)
    if isinstance(expected, type) or isinstance(got, type):
        assert got == expected, code
    else:
        assert bits(got) == bits(expected) or (math.isnan(got) and math.isnan(expected)), code
