"""The op table: every operation chainrule knows, declared once.

Each record says everything any reader of a graph needs: the forward function on
floats, one local-derivative rule per input (∂out/∂input), the same rule written for
people, the operator names it installs on ``Value``, and its input domain.

A rule is a Python expression over the op's inputs (``a``, ``b``), its output
(``out``), its parameter (``k`` or ``slope``) and a small math namespace ``m``.
The expression is compiled once into a function; called with floats and ``m`` =
:data:`FLOAT_MATH` it gives a number (first-order backward), called with ``Value``
nodes and the ``Value`` namespace it builds the graph of the derivative itself
(higher-order gradients). The text of the rule is also what the compiler emits.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from typing import Any

NAN = math.nan
_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def subscript(i: int) -> str:
    """Write a whole number with subscript digits: ``subscript(12) == '₁₂'``."""
    return str(i).translate(_SUBSCRIPTS)


def _sigmoid(a: float) -> float:
    # Two forms, each evaluating exp of a non-positive number, so neither overflows.
    if a >= 0.0:
        return 1.0 / (1.0 + math.exp(-a))
    e = math.exp(a)
    return e / (1.0 + e)


def _softplus(a: float) -> float:
    # log(1 + eᵃ) = max(a, 0) + log(1 + e^-|a|): exact at ±1000 instead of overflowing.
    return max(a, 0.0) + math.log1p(math.exp(-abs(a)))


def _relu(a: float) -> float:
    return a if a > 0.0 else 0.0


def _leaky_relu(a: float, slope: float) -> float:
    return a if a > 0.0 else slope * a


def _pow(a: float, k: float) -> float:
    # Python would return a complex number here; a real engine refuses instead.
    if a < 0.0 and not k.is_integer():
        raise ValueError("negative base with a non-integer exponent")
    return a**k


def _dot(ws: list[float], xs: list[float]) -> float:
    return sum([w * x for w, x in zip(ws, xs)])


class FLOAT_MATH:
    """The math a rule may call, on floats."""

    exp = staticmethod(math.exp)
    log = staticmethod(math.log)
    sin = staticmethod(math.sin)
    cos = staticmethod(math.cos)
    sigmoid = staticmethod(_sigmoid)


class Op:
    """One operation: how to compute it, how to differentiate it, how to show it.

    Attributes:
        name: the op's name, also the ``Value`` method for unary ops (``tanh``).
        symbol: what a picture shows in the op's node (``·``).
        arity: 1, 2, or 0 for n-ary (``sum``, ``dot``).
        expr: the op written for people, over ``a``, ``b``, ``k`` (``a·b``).
        forward: the function on floats.
        code: the forward written as Python over the same names (for the compiler).
        local: one Python expression per input: ∂out/∂input (n-ary: one per input group).
        formulas: the same derivatives written for people.
        rule: ``local`` compiled into one function returning every input's local derivative.
        methods: names installed on ``Value``.
        param: ``(name, default)`` of a number parameter (``pow``'s exponent), or None.
        domain: predicate over the forward's arguments, or None when every real input works.
        domain_text: the domain written for people and error messages.
    """

    __slots__ = (
        "arity",
        "code",
        "doc",
        "domain",
        "domain_text",
        "expr",
        "formulas",
        "forward",
        "local",
        "methods",
        "name",
        "param",
        "rule",
        "symbol",
    )

    def __init__(
        self,
        name: str,
        symbol: str,
        arity: int,
        expr: str,
        forward: Callable[..., float],
        local: tuple[str, ...],
        formulas: tuple[str, ...],
        doc: str,
        methods: tuple[str, ...] = (),
        code: str | None = None,
        param: tuple[str, float | None] | None = None,
        domain: Callable[..., bool] | None = None,
        domain_text: str = "",
        rule: Callable[..., Any] | None = None,
    ) -> None:
        self.name = name
        self.symbol = symbol
        self.arity = arity
        self.expr = expr
        self.forward = forward
        self.local = local
        self.formulas = formulas
        self.doc = doc
        self.methods = methods
        self.param = param
        self.code = code or f"{name}({', '.join(self._argnames())})"
        self.domain = domain
        self.domain_text = domain_text
        self.rule = rule or self._compile_rule()

    def _argnames(self) -> list[str]:
        names = ["a", "b"][: self.arity] if self.arity else ["xs"]
        return names + ([self.param[0]] if self.param else [])

    def _compile_rule(self) -> Callable[..., Any]:
        # Unary rules take (a, out, k, m), binary (a, b, out, m): one call per node
        # returns every local derivative (a tuple for binary ops).
        if self.arity == 1:
            k = self.param[0] if self.param else "_"
            source = f"lambda a, out, {k}, m: {self.local[0]}"
        else:
            source = f"lambda a, b, out, m: ({self.local[0]}, {self.local[1]})"
        return eval(source, {"NAN": NAN, "__builtins__": {}})

    def input_name(self, index: int, n_inputs: int) -> str:
        """The name an input has in this op's formulas: ``a``, ``b``, ``w₂``, ``x₂``."""
        if self.arity:
            return "ab"[index]
        if self.name == "dot":
            half = n_inputs // 2
            return ("w" if index < half else "x") + subscript(index % half + 1)
        return "x" + subscript(index + 1)

    def formula(self, index: int, n_inputs: int) -> str:
        """The local derivative for people: ``∂(a·b)/∂a = b``, ``∂(Σ wᵢ·xᵢ)/∂w₂ = x₂``."""
        name = self.input_name(index, n_inputs)
        if self.arity:
            rhs = self.formulas[index]
        else:
            half = n_inputs // 2 if self.name == "dot" else n_inputs
            group = 0 if index < half else 1
            rhs = self.formulas[group].replace("ᵢ", subscript(index % half + 1))
        return f"∂({self.expr})/∂{name} = {rhs}"

    def __repr__(self) -> str:
        return f"<op {self.name}>"


def _sum_rule(xs: list[Any], out: Any, m: Any) -> list[float]:
    return [1.0] * len(xs)


def _dot_rule(xs: list[Any], out: Any, m: Any) -> list[Any]:
    # Inputs are w₁…wₙ then x₁…xₙ: ∂/∂wᵢ = xᵢ and ∂/∂xᵢ = wᵢ, so the halves swap.
    half = len(xs) // 2
    return xs[half:] + xs[:half]


def _pow_domain(a: float, k: float) -> bool:
    return (a > 0.0 or k.is_integer()) and (a != 0.0 or k >= 0.0)


# fmt: off
OPS: tuple[Op, ...] = (
    Op("add", "+", 2, "a + b", operator.add, ("1.0", "1.0"), ("1", "1"),
       "a + b", methods=("__add__", "__radd__"), code="a + b"),
    Op("sub", "−", 2, "a − b", operator.sub, ("1.0", "-1.0"), ("1", "−1"),
       "a − b", methods=("__sub__", "__rsub__"), code="a - b"),
    Op("mul", "·", 2, "a·b", operator.mul, ("b", "a"), ("b", "a"),
       "a · b", methods=("__mul__", "__rmul__"), code="a * b"),
    Op("div", "/", 2, "a/b", operator.truediv, ("1.0 / b", "-out / b"), ("1/b", "−a/b²"),
       "a / b", methods=("__truediv__", "__rtruediv__"), code="a / b",
       domain=lambda a, b: b != 0.0, domain_text="b ≠ 0"),
    Op("neg", "−", 1, "−a", operator.neg, ("-1.0",), ("−1",),
       "−a", methods=("__neg__",), code="-a"),
    Op("pow", "^", 1, "aᵏ", _pow, ("k * a ** (k - 1.0)",), ("k·aᵏ⁻¹",),
       "a ** k with a number exponent k", methods=("__pow__",), code="a ** k",
       param=("k", None), domain=_pow_domain,
       domain_text="a > 0 unless k is a whole number; a ≠ 0 when k < 0"),
    Op("vpow", "^", 2, "aᵇ", _pow,
       ("b * a ** (b - 1.0)", "out * m.log(a) if a > 0 else (NAN if a < 0 else 0.0)"),
       ("b·aᵇ⁻¹", "aᵇ·ln a"),
       "a ** b with a Value exponent b", methods=("__rpow__",), code="a ** b",
       domain=lambda a, b: _pow_domain(a, b),
       domain_text="a > 0 unless b is a whole number; a ≠ 0 when b < 0"),
    Op("exp", "exp", 1, "exp(a)", math.exp, ("out",), ("exp(a)",), "eᵃ",
       domain=lambda a: a <= 709.78, domain_text="a ≤ 709.78 (beyond, eᵃ overflows a float)"),
    Op("log", "log", 1, "log(a)", math.log, ("1.0 / a",), ("1/a",), "natural logarithm",
       domain=lambda a: a > 0.0, domain_text="a > 0"),
    Op("tanh", "tanh", 1, "tanh(a)", math.tanh, ("1.0 - out * out",), ("1 − tanh²(a)",),
       "hyperbolic tangent"),
    Op("sigmoid", "σ", 1, "σ(a)", _sigmoid, ("out * (1.0 - out)",), ("σ(a)·(1 − σ(a))",),
       "logistic sigmoid 1/(1 + e⁻ᵃ)"),
    Op("relu", "relu", 1, "relu(a)", _relu, ("1.0 if a > 0 else 0.0",), ("1 if a > 0 else 0",),
       "max(a, 0)"),
    Op("leaky_relu", "lrelu", 1, "lrelu(a)", _leaky_relu, ("1.0 if a > 0 else slope",),
       ("1 if a > 0 else slope",), "a if a > 0 else slope·a", param=("slope", 0.01)),
    Op("softplus", "softplus", 1, "softplus(a)", _softplus, ("m.sigmoid(a)",), ("σ(a)",),
       "log(1 + eᵃ)"),
    Op("sin", "sin", 1, "sin(a)", math.sin, ("m.cos(a)",), ("cos(a)",), "sine"),
    Op("cos", "cos", 1, "cos(a)", math.cos, ("-m.sin(a)",), ("−sin(a)",), "cosine"),
    Op("sqrt", "√", 1, "√a", math.sqrt, ("0.5 / out",), ("1/(2√a)",), "square root",
       domain=lambda a: a >= 0.0, domain_text="a ≥ 0"),
    Op("abs", "|·|", 1, "|a|", abs, ("1.0 if a > 0 else (-1.0 if a < 0 else 0.0)",),
       ("sign(a)",), "absolute value", methods=("__abs__",)),
    Op("sum", "Σ", 0, "Σ xᵢ", sum, ("1.0",), ("1",), "x₁ + x₂ + … + xₙ as one node",
       rule=_sum_rule),
    Op("dot", "Σw·x", 0, "Σ wᵢ·xᵢ", _dot, ("x[i]", "w[i]"), ("xᵢ", "wᵢ"),
       "w₁·x₁ + … + wₙ·xₙ as one node", rule=_dot_rule),
)
# fmt: on

OPS_BY_NAME: dict[str, Op] = {op.name: op for op in OPS}


def table_markdown() -> str:
    """The op table as Markdown, for the README (a test keeps the README's copy fresh)."""
    rows = [
        "| op | written | local derivatives | domain |",
        "| --- | --- | --- | --- |",
    ]
    for op in OPS:
        n = 2 if op.arity == 0 and op.name == "dot" else max(op.arity, 1)
        derivs = "; ".join(op.formula(i, n) for i in range(n))
        written = {
            0: f"`autograd.{op.name}(...)`",
            1: f"`{op.code}`" if op.code.startswith(("-", "a")) else f"`a.{op.name}()`",
            2: f"`{op.code}`",
        }[op.arity]
        if op.param and op.param[1] is not None:
            written = f"`a.{op.name}({op.param[0]}={op.param[1]})`"
        cells = [op.name, written, derivs, op.domain_text or "all reals"]
        rows.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(rows) + "\n"
