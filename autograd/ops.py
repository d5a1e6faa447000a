"""The op table: every operation chainrule knows, declared once.

Each record says everything any reader of a graph needs: the forward function on
floats, one local-derivative rule per input (∂out/∂input), the same rule written for
people, the names it installs on ``Value``, and its input domain.

A rule is a plain Python function of a namespace ``m``, the op's inputs (``a``, ``b``),
its output ``out`` and, for ops with one, its parameter ``k``. It computes with Python's
operators and with ``m``: ``m.cos`` is the table's own ``cos`` op, ``m.where(test, x, y)``
a branch, ``m.gt(a, b)`` a comparison. Each reader of a graph is an *interpretation*:
an ``m`` built from this table (:mod:`autograd.interpret`), so the same rule gives floats
(first-order backward), Values (higher order), dual numbers (forward mode), numpy arrays
(batched replay) or source code (the compiler). Parameters are plain numbers in every
interpretation, so a rule may branch on them with Python's ``if``; on inputs it uses
``m.where``, whose two branches are both evaluated by array and source interpretations.

N-ary ops (``sum``, ``dot``) are sums of a *term* over rows of inputs: ``dot``'s inputs
are w₁…wₙ then x₁…xₙ, row i is (wᵢ, xᵢ), and ∂out/∂wᵢ is a rule over that row, the
same shape as ``mul``'s rule over (a, b).

``python -m autograd.ops`` prints the table as Markdown; ``--write`` updates README.md.
"""

from __future__ import annotations

import builtins
import keyword
import math
import operator
from collections.abc import Callable
from typing import Any

_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
LN2 = math.log(2.0)
LN10 = math.log(10.0)


def subscript(i: int) -> str:
    """Write a whole number with subscript digits: ``subscript(12) == '₁₂'``."""
    return str(i).translate(_SUBSCRIPTS)


# ---- forward functions on floats --------------------------------------------------------


def _sigmoid(a: float) -> float:
    # Two forms, each evaluating exp of a non-positive number, so neither overflows.
    if a >= 0.0:
        return 1.0 / (1.0 + math.exp(-a))
    e = math.exp(a)
    return e / (1.0 + e)


def _softplus(a: float) -> float:
    # log(1 + eᵃ) = max(a, 0) + log(1 + e^-|a|): exact at ±1000 instead of overflowing.
    return _maximum(a, 0.0) + math.log1p(math.exp(-abs(a)))


def _relu(a: float) -> float:
    # Written so that nan falls through to ``a``: nan in, nan out (as in torch).
    return 0.0 if a <= 0.0 else a


def _leaky_relu(a: float, slope: float) -> float:
    return a if a > 0.0 else slope * a


def _pow(a: float, k: float) -> float:
    # Python would return a complex number here; a real engine refuses instead.
    if a < 0.0 and not k.is_integer():
        raise ValueError("negative base with a non-integer exponent")
    return a**k


def _maximum(a: float, b: float) -> float:
    if a != a or b != b:
        return math.nan
    return a if a >= b else b


def _minimum(a: float, b: float) -> float:
    if a != a or b != b:
        return math.nan
    return a if a <= b else b


def _clamp(a: float, k: tuple[float | None, float | None]) -> float:
    # Like torch: nan stays nan, and with min > max every input gives max.
    lo, hi = k
    if lo is not None and a < lo:
        a = lo
    if hi is not None and a > hi:
        a = hi
    return a


def _sum(*xs: float) -> float:
    return builtins.sum(xs)


def _dot(*ins: float) -> float:
    half = len(ins) // 2
    return builtins.sum([w * x for w, x in zip(ins[:half], ins[half:])])


# ---- the record --------------------------------------------------------------------------

# Generated code calls an op by its name, next to helpers of its own whose names start
# with these (``_dot_seq``, ``_up``, ``np_tanh``); a rule reaches it as ``m.<name>``,
# next to m's branch and comparisons.
HELPER_PREFIXES = ("_", "np_", "m_")
M_NAMES = frozenset({"where", "gt", "ge", "lt", "le", "eq"})


def check_name(name: object) -> str:
    """``name`` if it can name an op in generated code and in ``m``; else a clear error."""
    if not isinstance(name, str):
        raise TypeError(f"an op's name must be a str, got {name!r} ({type(name).__name__})")
    if not (name.isascii() and name.isidentifier()) or keyword.iskeyword(name):
        raise ValueError(
            f"op name {name!r} is not a Python identifier: generated code calls the op by "
            "its name, so use ASCII letters, digits and _, not starting with a digit and not "
            f"a keyword (e.g. {_suggest(name)!r})"
        )
    if name.startswith(HELPER_PREFIXES):
        prefix = next(p for p in HELPER_PREFIXES if name.startswith(p))
        raise ValueError(
            f"op name {name!r} starts with {prefix!r}, which generated code keeps for its own "
            "helpers (_dot_seq, np_tanh, …): choose a name without it"
        )
    if name in M_NAMES:
        raise ValueError(
            f"op name {name!r} is taken by m.{name}, a rule's own branch or comparison: "
            "choose another name"
        )
    return name


def _suggest(name: str) -> str:
    text = "".join(c if c.isascii() and (c.isalnum() or c == "_") else "_" for c in name)
    text = text.strip("_") or "my_op"
    return f"op_{text}" if text[0].isdigit() or keyword.iskeyword(text) else text



class Op:
    """One operation: how to compute it, how to differentiate it, how to show it.

    Attributes:
        name: the op's name (the ``Value`` method of most unary ops: ``tanh``); a Python
            identifier, since generated code calls the op by it (see :func:`check_name`).
        symbol: what a picture shows in the op's node (``·``).
        arity: 1, 2, or 0 for n-ary (``sum``, ``dot``).
        expr: the op written for people, over its input names (``a·b``).
        forward: the function on floats, over the inputs (then the parameter).
        inputs: the inputs' names (``("a", "b")``; n-ary: one per row member, ``("w", "x")``).
        rules: one function per input name: ∂out/∂input as ``rule(m, *row, out[, k])``.
        nicer: per rule, None or the same derivative in a form nicer to read, written
            like the rule (``−a/b²`` for the rule's ``−out/b``): pictures print it
            instead, and a test holds it equal to the rule.
        formulas: the derivatives as people read them, printed from ``nicer`` or the
            rules (:mod:`autograd.maths`): ``("b", "a")`` for mul.
        term: n-ary ops: the row's term, ``term(m, *row)`` (the output sums them).
        via: the op written with other ops and operators, ``via(m, *inputs[, k])``, for
            interpretations that have no native version of it (numpy arrays, JavaScript).
        doc: a one-line description.
        methods: names installed on ``Value`` that take the node first (``__mul__``).
        reflected: names installed that take the node second (``__rmul__``: ``2 * x``).
        function: installed as ``autograd.<name>(a, b)`` (binary ops on numbers or Values).
        param: ``(name, default)`` of a number parameter (``pow``'s exponent), or None.
        promote: for a parameter op, the binary op used when the parameter is a Value.
        domain: predicate over the forward's arguments: where the op *and* its derivative
            are defined (asin's and sqrt's exclude the edge the forward accepts), or None
            when every real input works.
        domain_text: the domain written for people and error messages.
    """

    __slots__ = (
        "_formulas",
        "arity",
        "doc",
        "domain",
        "domain_text",
        "expr",
        "forward",
        "function",
        "inputs",
        "methods",
        "name",
        "nicer",
        "param",
        "promote",
        "reflected",
        "rules",
        "symbol",
        "term",
        "via",
    )

    def __init__(
        self,
        name: str,
        symbol: str,
        expr: str,
        forward: Callable[..., Any],
        rules: tuple[Callable[..., Any], ...],
        formulas: tuple[Callable[..., Any] | None, ...] | None = None,
        doc: str = "",
        inputs: tuple[str, ...] | None = None,
        nary: bool = False,
        term: Callable[..., Any] | None = None,
        via: Callable[..., Any] | None = None,
        methods: tuple[str, ...] = (),
        reflected: tuple[str, ...] = (),
        function: bool = False,
        param: tuple[str, Any] | None = None,
        promote: str | None = None,
        domain: Callable[..., bool] | None = None,
        domain_text: str = "",
    ) -> None:
        self.name = check_name(name)
        self.inputs = inputs or ("a", "b")[: len(rules)]
        if len(self.inputs) != len(rules) or (formulas is not None and len(formulas) != len(rules)):
            raise ValueError(f"op {name}: one rule (and one formula, if any) per input name")
        if formulas is not None and any(isinstance(f, str) for f in formulas):
            raise TypeError(
                f"op {name}: formulas are printed from the rules; to show a nicer form, "
                "give it as a rule-shaped function (lambda m, a, b, out: -a / b**2), or "
                "None to print the rule"
            )
        self.symbol = symbol
        self.arity = 0 if nary else len(rules)
        self.expr = expr
        self.forward = forward
        self.rules = rules
        self.nicer = formulas
        self._formulas: tuple[str, ...] | None = None
        self.term = term
        self.via = via
        self.doc = doc
        self.methods = methods
        self.reflected = reflected
        self.function = function
        self.param = param
        self.promote = promote
        self.domain = domain
        self.domain_text = domain_text

    def row(self, index: int, n_inputs: int) -> tuple[int, int, int]:
        """Input ``index`` of a node with ``n_inputs``: (its rule, its row, the row size).

        The inputs of row r are ``parents[r::size]``; fixed-arity ops have one row.
        """
        size = n_inputs // len(self.rules)
        return index // size, index % size, size

    def input_name(self, index: int, n_inputs: int) -> str:
        """The name an input has in this op's formulas: ``a``, ``b``, ``w₂``, ``x₂``."""
        rule, row, _ = self.row(index, n_inputs)
        return self.inputs[rule] + (subscript(row + 1) if self.arity == 0 else "")

    @property
    def formulas(self) -> tuple[str, ...]:
        """Per input name, its local derivative for people: ``("b", "a")`` for mul,
        ``("xᵢ", "wᵢ")`` for dot (printed from the rules, see :mod:`autograd.maths`)."""
        if self._formulas is None:
            from .maths import row_formula

            self._formulas = tuple(row_formula(self, r) for r in range(len(self.rules)))
        return self._formulas

    def formula(self, index: int, n_inputs: int) -> str:
        """The local derivative for people: ``∂(a·b)/∂a = b``, ``∂(Σ wᵢ·xᵢ)/∂w₂ = x₂``."""
        from .maths import formula

        rhs = formula(self, index, n_inputs)
        return f"∂({self.expr})/∂{self.input_name(index, n_inputs)} = {rhs}"

    def locals(self, m: Any, ins: Any, out: Any, k: Any = None) -> list[Any]:
        """∂out/∂input for every input, in ``m``'s interpretation (``ins`` in order)."""
        return [self.local(i, m, ins, out, k) for i in range(len(ins))]

    def local(self, index: int, m: Any, ins: Any, out: Any, k: Any = None) -> Any:
        """∂out/∂input for input ``index`` alone, in ``m``'s interpretation."""
        if self.arity:  # one row: every input
            if self.param:
                return self.rules[index](m, *ins, out, k)
            return self.rules[index](m, *ins, out)
        rule, row, size = self.row(index, len(ins))
        return self.rules[rule](m, *ins[row::size], out, *((k,) if self.param else ()))

    def __repr__(self) -> str:
        return f"<op {self.name}>"

    # An op is an immutable record: copies of a graph share it, and a pickle names it.
    def __copy__(self) -> Op:
        return self

    def __deepcopy__(self, memo: dict) -> Op:
        return self

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        if OPS_BY_NAME.get(self.name) is not self:
            raise TypeError(f"cannot pickle op {self.name!r}: it is not in the op table "
                            "(a graph pickles only with table ops)")
        return _table_op, (self.name,)


def _table_op(name: str) -> Op:
    """The table's op of this name (how a pickled graph finds its ops again)."""
    return OPS_BY_NAME[name]


# ---- rules that need more than one line ---------------------------------------------------
# Source and array interpretations evaluate both branches of m.where: a branch that
# would fail where it is not chosen (log of a ≤ 0) is fed a harmless value there.


def _pow_rule(m: Any, a: Any, out: Any, k: float) -> Any:
    # d/da a⁰ = 0 everywhere, also at 0 (never 0·0⁻¹): so every derivative of a whole
    # power is defined at 0, the 3rd of a² and the 4th of a³ included.
    # Python's ** is safe here: the forward already refused a < 0 with a fractional k.
    return 0.0 if k == 0.0 else k * a ** (k - 1.0)


def _vpow_da(m: Any, a: Any, b: Any, out: Any) -> Any:
    # a⁰ = 1 for every a, so at b = 0 the derivative is 0; the formula b·aᵇ⁻¹ gives that
    # itself except where a⁻¹ is no number (a = 0 or nan: 0·∞, 0·nan), which alone branch
    # (torch's values). A branch on b = 0 everywhere would cut the formula's derivative in b
    # there: the mixed partial a⁻¹.
    b_where_a_fails = m.where(m.gt(a, 0.0), 1.0, m.where(m.lt(a, 0.0), 1.0, b))
    undefined = m.eq(b_where_a_fails, 0.0)  # b = 0 and a is 0 or nan
    return m.where(undefined, 0.0, b * m.vpow(m.where(undefined, 1.0, a), b - 1.0))


def _vpow_db(m: Any, a: Any, b: Any, out: Any) -> Any:
    # aᵇ·ln a. Where a is no positive number, ln a is −∞ (a = 0) or nan, and the product
    # is torch's: at a = 0 the limit 0 for b ≥ 0, aᵇ·(−∞) = −∞ for b < 0 (aᵇ = ∞), nan for
    # b = nan; nan for a < 0 and a = nan. Constants there: no node that is not a number.
    positive = m.gt(a, 0.0)
    at_zero = m.where(m.ge(b, 0.0), 0.0, m.where(m.lt(b, 0.0), -math.inf, math.nan))
    return m.where(positive, out * m.log(m.where(positive, a, 1.0)),
                   m.where(m.eq(a, 0.0), at_zero, math.nan))


def _clamp_rule(m: Any, a: Any, out: Any, k: Any) -> Any:
    # 1 inside [min, max] bounds included (torch's convention), 0 outside and for nan.
    lo, hi = k
    inside: Any = 1.0
    if hi is not None:
        inside = m.where(m.le(a, hi), inside, 0.0)
    if lo is not None:
        inside = m.where(m.ge(a, lo), inside, 0.0)
    return inside


def _clamp_via(m: Any, a: Any, k: Any) -> Any:
    lo, hi = k
    if lo is not None:
        a = m.where(m.lt(a, lo), lo, a)
    if hi is not None:
        a = m.where(m.gt(a, hi), hi, a)
    return a


def _sigmoid_via(m: Any, a: Any) -> Any:
    e = m.exp(-m.abs(a))
    return m.where(m.ge(a, 0.0), 1.0 / (1.0 + e), e / (1.0 + e))


def _tie(m: Any, mine_loses: Any, a: Any, b: Any) -> Any:
    # maximum/minimum: the winner takes the gradient, a tie splits it (torch's 0.5/0.5),
    # and with a nan both sides get it.
    return m.where(mine_loses, 0.0, m.where(m.eq(a, b), 0.5, 1.0))


def _pow_domain(a: float, k: float) -> bool:
    return (a > 0.0 or k.is_integer()) and (a != 0.0 or k >= 0.0)


def _clamp_domain(a: float, k: Any) -> bool:
    return True


# fmt: off
OPS: tuple[Op, ...] = (
    Op("add", "+", "a + b", operator.add,
       (lambda m, a, b, out: 1.0, lambda m, a, b, out: 1.0), None,
       "a + b", methods=("__add__",), reflected=("__radd__",)),
    Op("sub", "−", "a − b", operator.sub,
       (lambda m, a, b, out: 1.0, lambda m, a, b, out: -1.0), None,
       "a − b", methods=("__sub__",), reflected=("__rsub__",)),
    Op("mul", "·", "a·b", operator.mul,
       (lambda m, a, b, out: b, lambda m, a, b, out: a), None,
       "a · b", methods=("__mul__",), reflected=("__rmul__",)),
    Op("div", "/", "a/b", operator.truediv,
       (lambda m, a, b, out: 1.0 / b, lambda m, a, b, out: -out / b),
       (None, lambda m, a, b, out: -a / b**2),
       "a / b", methods=("__truediv__",), reflected=("__rtruediv__",),
       domain=lambda a, b: b != 0.0, domain_text="b ≠ 0"),
    Op("neg", "−", "−a", operator.neg, (lambda m, a, out: -1.0,), None,
       "−a", methods=("__neg__",)),
    Op("pow", "^", "aᵏ", _pow, (_pow_rule,), None,
       "a ** k with a number exponent k", methods=("__pow__",), param=("k", None),
       promote="vpow", domain=_pow_domain,
       domain_text="a > 0 unless k is a whole number; a ≠ 0 when k < 0"),
    Op("vpow", "^", "aᵇ", _pow, (_vpow_da, _vpow_db),
       (lambda m, a, b, out: b * a ** (b - 1.0), lambda m, a, b, out: a**b * m.log(a)),
       "a ** b with a Value exponent b", reflected=("__rpow__",),
       via=lambda m, a, b: a ** b, domain=_pow_domain,
       domain_text="a > 0 unless b is a whole number; a ≠ 0 when b < 0"),
    Op("exp", "exp", "exp(a)", math.exp, (lambda m, a, out: out,), None, "eᵃ",
       methods=("exp",),
       domain=lambda a: a <= 709.78, domain_text="a ≤ 709.78 (beyond, eᵃ overflows a float)"),
    Op("log", "log", "log(a)", math.log, (lambda m, a, out: 1.0 / a,), None,
       "natural logarithm", methods=("log",), domain=lambda a: a > 0.0, domain_text="a > 0"),
    Op("tanh", "tanh", "tanh(a)", math.tanh, (lambda m, a, out: 1.0 - out * out,),
       None, "hyperbolic tangent", methods=("tanh",)),
    Op("sigmoid", "σ", "σ(a)", _sigmoid, (lambda m, a, out: out * (1.0 - out),),
       None, "logistic sigmoid 1/(1 + e⁻ᵃ)", methods=("sigmoid",),
       via=_sigmoid_via),
    Op("relu", "relu", "relu(a)", _relu,
       (lambda m, a, out: m.where(m.le(a, 0.0), 0.0, 1.0),), None,
       "max(a, 0)", methods=("relu",), via=lambda m, a: m.where(m.le(a, 0.0), 0.0, a)),
    Op("leaky_relu", "lrelu", "lrelu(a)", _leaky_relu,
       (lambda m, a, out, slope: m.where(m.gt(a, 0.0), 1.0, slope),),
       None, "a if a > 0 else slope·a", methods=("leaky_relu",),
       param=("slope", 0.01), via=lambda m, a, slope: m.where(m.gt(a, 0.0), a, slope * a)),
    Op("softplus", "softplus", "softplus(a)", _softplus, (lambda m, a, out: m.sigmoid(a),),
       None, "log(1 + eᵃ)", methods=("softplus",),
       via=lambda m, a: m.maximum(a, 0.0) + m.log1p(m.exp(-m.abs(a)))),
    Op("sin", "sin", "sin(a)", math.sin, (lambda m, a, out: m.cos(a),), None, "sine",
       methods=("sin",)),
    Op("cos", "cos", "cos(a)", math.cos, (lambda m, a, out: -m.sin(a),), None,
       "cosine", methods=("cos",)),
    Op("tan", "tan", "tan(a)", math.tan, (lambda m, a, out: 1.0 + out * out,), None,
       "tangent", methods=("tan",)),
    Op("sinh", "sinh", "sinh(a)", math.sinh, (lambda m, a, out: m.cosh(a),), None,
       "hyperbolic sine", methods=("sinh",),
       domain=lambda a: abs(a) <= 710.0, domain_text="|a| ≤ 710 (beyond, overflows a float)"),
    Op("cosh", "cosh", "cosh(a)", math.cosh, (lambda m, a, out: m.sinh(a),), None,
       "hyperbolic cosine", methods=("cosh",),
       domain=lambda a: abs(a) <= 710.0, domain_text="|a| ≤ 710 (beyond, overflows a float)"),
    Op("asin", "asin", "asin(a)", math.asin,
       (lambda m, a, out: 1.0 / m.sqrt(1.0 - a * a),), None, "inverse sine",
       methods=("asin",), domain=lambda a: -1.0 < a < 1.0,
       domain_text="−1 ≤ a ≤ 1 (the derivative: −1 < a < 1)"),
    Op("acos", "acos", "acos(a)", math.acos,
       (lambda m, a, out: -1.0 / m.sqrt(1.0 - a * a),), None, "inverse cosine",
       methods=("acos",), domain=lambda a: -1.0 < a < 1.0,
       domain_text="−1 ≤ a ≤ 1 (the derivative: −1 < a < 1)"),
    Op("atan", "atan", "atan(a)", math.atan, (lambda m, a, out: 1.0 / (1.0 + a * a),),
       None, "inverse tangent", methods=("atan",)),
    Op("sqrt", "√", "√a", math.sqrt, (lambda m, a, out: 0.5 / out,),
       (lambda m, a, out: 1.0 / (2.0 * m.sqrt(a)),),
       "square root", methods=("sqrt",),
       domain=lambda a: a > 0.0, domain_text="a ≥ 0 (the derivative: a > 0)"),
    Op("log1p", "log1p", "log(1 + a)", math.log1p, (lambda m, a, out: 1.0 / (1.0 + a),),
       None, "log(1 + a), exact for small a", methods=("log1p",),
       domain=lambda a: a > -1.0, domain_text="a > −1"),
    Op("expm1", "expm1", "eᵃ − 1", math.expm1, (lambda m, a, out: out + 1.0,),
       (lambda m, a, out: m.exp(a),),
       "eᵃ − 1, exact for small a", methods=("expm1",),
       domain=lambda a: a <= 709.78, domain_text="a ≤ 709.78 (beyond, eᵃ overflows a float)"),
    Op("log2", "log₂", "log₂(a)", math.log2, (lambda m, a, out: 1.0 / (a * LN2),),
       (lambda m, a, out: 1.0 / (a * m.log(2.0)),), "base-2 logarithm", methods=("log2",),
       domain=lambda a: a > 0.0, domain_text="a > 0"),
    Op("log10", "log₁₀", "log₁₀(a)", math.log10, (lambda m, a, out: 1.0 / (a * LN10),),
       (lambda m, a, out: 1.0 / (a * m.log(10.0)),), "base-10 logarithm", methods=("log10",),
       domain=lambda a: a > 0.0, domain_text="a > 0"),
    Op("abs", "|·|", "|a|", abs,
       (lambda m, a, out: m.where(m.gt(a, 0.0), 1.0, m.where(m.lt(a, 0.0), -1.0, 0.0)),),
       None, "absolute value", methods=("abs", "__abs__")),
    Op("clamp", "clamp", "clamp(a)", _clamp, (_clamp_rule,), None,
       "a limited to [min, max] (either bound optional)", methods=("clamp",),
       param=("bounds", (None, None)), via=_clamp_via, domain=_clamp_domain),
    Op("atan2", "atan2", "atan2(a, b)", math.atan2,
       (lambda m, a, b, out: b / (a * a + b * b), lambda m, a, b, out: -a / (a * a + b * b)),
       None, "the angle of the point (b, a)", function=True,
       domain=lambda a, b: a != 0.0 or b != 0.0,
       domain_text="all reals (the derivative: (a, b) ≠ (0, 0))"),
    Op("hypot", "hypot", "√(a² + b²)", math.hypot,
       (lambda m, a, b, out: a / out, lambda m, a, b, out: b / out),
       (lambda m, a, b, out: a / m.sqrt(a * a + b * b),
        lambda m, a, b, out: b / m.sqrt(a * a + b * b)),
       "the length √(a² + b²), without overflow", function=True,
       domain=lambda a, b: a != 0.0 or b != 0.0,
       domain_text="all reals (the derivative: (a, b) ≠ (0, 0))"),
    Op("maximum", "max", "max(a, b)", _maximum,
       (lambda m, a, b, out: _tie(m, m.lt(a, b), a, b),
        lambda m, a, b, out: _tie(m, m.gt(a, b), a, b)),
       None, "the larger of a and b (nan if either is)", function=True,
       via=lambda m, a, b: m.where(m.ge(a, b), a, m.where(m.lt(a, b), b, math.nan))),
    Op("minimum", "min", "min(a, b)", _minimum,
       (lambda m, a, b, out: _tie(m, m.gt(a, b), a, b),
        lambda m, a, b, out: _tie(m, m.lt(a, b), a, b)),
       None, "the smaller of a and b (nan if either is)", function=True,
       via=lambda m, a, b: m.where(m.le(a, b), a, m.where(m.gt(a, b), b, math.nan))),
    Op("sum", "Σ", "Σ xᵢ", _sum, (lambda m, x, out: 1.0,), None,
       "x₁ + x₂ + … + xₙ as one node", inputs=("x",), nary=True, term=lambda m, x: x),
    Op("dot", "Σw·x", "Σ wᵢ·xᵢ", _dot, (lambda m, w, x, out: x, lambda m, w, x, out: w),
       None, "w₁·x₁ + … + wₙ·xₙ as one node", inputs=("w", "x"), nary=True,
       term=lambda m, w, x: w * x),
)
# fmt: on

OPS_BY_NAME: dict[str, Op] = {op.name: op for op in OPS}


def written(op: Op) -> str:
    """How a learner writes the op: ``a + b``, ``a.tanh()``, ``autograd.atan2(a, b)``."""
    if op.arity == 0:
        return f"`autograd.{op.name}(...)`"
    if op.function:
        return f"`autograd.{op.name}({', '.join(op.inputs)})`"
    dunders = {"__add__": "a + b", "__sub__": "a - b", "__mul__": "a * b",
               "__truediv__": "a / b", "__neg__": "-a", "__pow__": "a ** k",
               "__rpow__": "a ** b"}
    for name in (*op.methods, *op.reflected):
        if name in dunders:
            return f"`{dunders[name]}`"
    if op.param and op.param[1] is not None:
        if isinstance(op.param[1], tuple):
            return f"`a.{op.name}(min=None, max=None)`"
        return f"`a.{op.name}({op.param[0]}={op.param[1]})`"
    return f"`a.{op.methods[0] if op.methods else op.name}()`"


def table_markdown() -> str:
    """The op table as Markdown, for the README (a test keeps the README's copy fresh)."""
    rows = [
        "| op | written | local derivatives | domain |",
        "| --- | --- | --- | --- |",
    ]
    for op in OPS:
        n = len(op.rules)
        derivs = "; ".join(op.formula(i, n) for i in range(n))
        cells = [op.name, written(op), derivs, op.domain_text or "all reals"]
        rows.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(rows) + "\n"


START, END = "<!-- op-table:start -->\n", "<!-- op-table:end -->"


def update_readme(path: str) -> bool:
    """Rewrite the op table between README's markers; True when it changed."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    new = head + START + table_markdown() + END + tail
    if new != text:
        with open(path, "w", encoding="utf-8") as f:
            f.write(new)
    return new != text


if __name__ == "__main__":
    import sys

    if sys.argv[1:2] == ["--write"]:
        readme = sys.argv[2] if len(sys.argv) > 2 else "README.md"
        print(f"{readme}: {'updated' if update_readme(readme) else 'already fresh'}")
    else:
        print(table_markdown(), end="")
