"""Expression trees: the values of the symbolic interpretation, and what printers print.

Every reader that writes code or formulas (the compiler, batched replay, live pages, the
engine's own backward steps, the formulas in pictures) runs the table's rules on
:class:`Expr` trees (:data:`autograd.symbols.SYMBOLS`), never on text; the trees that
only carry the generated code's own values (tuples, subscripts) are in :mod:`autograd.code`,
reading and rewriting trees in :mod:`autograd.reading`. A tree is built through the
functions of this module, which keep the numbers 1 and −1 as structure: ``x·1`` is
``x``, ``x·(−1)`` is ``−x``, ``−(−x)`` is ``x``, and two numbers fold into one. Each of
these is exact in IEEE arithmetic, so a tree computes the very floats its rule does.
(``x + 0`` and ``x·0`` are not exact, for ``x = −0.0`` or ``x = ∞``: they stay.) No
part that could raise in Python is dropped (``0·(1/a)``, ``(1/a)⁰`` stay).

Example:
    >>> from autograd.expr import Var
    >>> from autograd.symbols import SYMBOLS
    >>> from autograd.ops import OPS_BY_NAME
    >>> a, b, out = Var("a"), Var("b"), Var("out")
    >>> OPS_BY_NAME["mul"].rules[0](SYMBOLS, a, b, out)
    Var('b')
    >>> OPS_BY_NAME["sub"].rules[1](SYMBOLS, a, b, out) * a
    Neg(Var('a'))
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

from .ops import Op


class Expr:
    """A node of an expression tree; Python's operators on it build (simplified) trees."""

    __slots__: tuple[str, ...] = ()

    def parts(self) -> tuple[Expr, ...]:
        """The trees directly inside this one, in order."""
        return ()

    def rebuild(self, parts: tuple[Expr, ...]) -> Expr:
        """The same node over other parts (as many, in the same order)."""
        return self

    def key(self) -> tuple[Any, ...]:
        """What, besides its parts, tells this node apart from another of its kind."""
        return ()

    def __add__(self, other: Any) -> Expr:
        return add(self, lift(other))

    def __radd__(self, other: Any) -> Expr:
        return add(lift(other), self)

    def __sub__(self, other: Any) -> Expr:
        return sub(self, lift(other))

    def __rsub__(self, other: Any) -> Expr:
        return sub(lift(other), self)

    def __mul__(self, other: Any) -> Expr:
        return mul(self, lift(other))

    def __rmul__(self, other: Any) -> Expr:
        return mul(lift(other), self)

    def __truediv__(self, other: Any) -> Expr:
        return div(self, lift(other))

    def __rtruediv__(self, other: Any) -> Expr:
        return div(lift(other), self)

    def __pow__(self, other: Any) -> Expr:
        return power(self, lift(other))

    def __rpow__(self, other: Any) -> Expr:
        return power(lift(other), self)

    def __neg__(self) -> Expr:
        return neg(self)

    def __bool__(self) -> bool:
        raise TypeError("a symbolic value has no truth value: a rule must branch on its "
                        "inputs with m.where, not Python's if")

    def __repr__(self) -> str:
        fields = ", ".join(repr(getattr(self, name)) for name in self.__slots__)
        return f"{type(self).__name__}({fields})"


class Num(Expr):
    """A number."""

    __slots__ = ("value",)

    def __init__(self, value: float) -> None:
        self.value = value

    def key(self) -> tuple[Any, ...]:
        return (repr(self.value),)


class Var(Expr):
    """A variable of the generated code (or a name in a formula)."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def key(self) -> tuple[Any, ...]:
        return (self.name,)


class Bin(Expr):
    """``left symbol right`` for ``+ - * / **`` (and numpy's ``@``), grouped as built."""

    __slots__ = ("left", "right", "symbol")

    def __init__(self, symbol: str, left: Expr, right: Expr) -> None:
        self.symbol, self.left, self.right = symbol, left, right

    def parts(self) -> tuple[Expr, ...]:
        return (self.left, self.right)

    def rebuild(self, parts: tuple[Expr, ...]) -> Expr:
        return Bin(self.symbol, *parts)

    def key(self) -> tuple[Any, ...]:
        return (self.symbol,)


class Neg(Expr):
    """``−x``."""

    __slots__ = ("x",)

    def __init__(self, x: Expr) -> None:
        self.x = x

    def parts(self) -> tuple[Expr, ...]:
        return (self.x,)

    def rebuild(self, parts: tuple[Expr, ...]) -> Expr:
        return Neg(parts[0])


class Call(Expr):
    """An op of the table (or one declared outside it) applied to ``args`` (and ``k``)."""

    __slots__ = ("args", "k", "op")

    def __init__(self, op: Op, args: tuple[Expr, ...], k: Any = None) -> None:
        self.op, self.args, self.k = op, args, k

    def parts(self) -> tuple[Expr, ...]:
        return self.args

    def rebuild(self, parts: tuple[Expr, ...]) -> Expr:
        return Call(self.op, parts, self.k)

    def key(self) -> tuple[Any, ...]:
        return (self.op, repr(self.k))


class Where(Expr):
    """``x`` where ``test`` holds, else ``y``."""

    __slots__ = ("test", "x", "y")

    def __init__(self, test: Expr, x: Expr, y: Expr) -> None:
        self.test, self.x, self.y = test, x, y

    def parts(self) -> tuple[Expr, ...]:
        return (self.test, self.x, self.y)

    def rebuild(self, parts: tuple[Expr, ...]) -> Expr:
        return Where(*parts)


class Cmp(Expr):
    """A comparison ``a symbol b``, symbol one of ``> >= < <= == !=`` (or, in code about
    the engine's own objects, ``is`` and ``is not``)."""

    __slots__ = ("a", "b", "symbol")

    def __init__(self, symbol: str, a: Expr, b: Expr) -> None:
        self.symbol, self.a, self.b = symbol, a, b

    def parts(self) -> tuple[Expr, ...]:
        return (self.a, self.b)

    def rebuild(self, parts: tuple[Expr, ...]) -> Expr:
        return Cmp(self.symbol, *parts)

    def key(self) -> tuple[Any, ...]:
        return (self.symbol,)


class Sum(Expr):
    """``terms[0] + terms[1] + …``, added left to right (a gradient over its uses)."""

    __slots__ = ("terms",)

    def __init__(self, terms: tuple[Expr, ...]) -> None:
        self.terms = terms

    def parts(self) -> tuple[Expr, ...]:
        return self.terms

    def rebuild(self, parts: tuple[Expr, ...]) -> Expr:
        return Sum(parts)


# ---- building trees: 0, 1 and −1 are structure ---------------------------------------------


def lift(x: Any) -> Expr:
    """A tree as it is, a number as :class:`Num`."""
    if isinstance(x, Expr):
        return x
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        raise TypeError(f"a rule gave {x!r} ({type(x).__name__}) where a number or a "
                        "symbolic value belongs")
    return Num(float(x))


def _fold(f: Callable[[float, float], float], symbol: str, a: Expr, b: Expr) -> Expr:
    # Two numbers: the one number the generated code would compute (unless it raises).
    if type(a) is Num and type(b) is Num:
        try:
            return Num(f(a.value, b.value))
        except ArithmeticError:
            pass
    return Bin(symbol, a, b)


def add(a: Expr, b: Expr) -> Expr:
    """``a + b``."""
    return _fold(operator.add, "+", a, b)


def sub(a: Expr, b: Expr) -> Expr:
    """``a − b``."""
    return _fold(operator.sub, "-", a, b)


def mul(a: Expr, b: Expr) -> Expr:
    """``a · b``; ``x·1 = x`` and ``x·(−1) = −x`` exactly."""
    if type(b) is Num:
        if b.value == 1.0:
            return a
        if b.value == -1.0:
            return neg(a)
    if type(a) is Num:
        if a.value == 1.0:
            return b
        if a.value == -1.0:
            return neg(b)
    return _fold(operator.mul, "*", a, b)


def div(a: Expr, b: Expr) -> Expr:
    """``a / b``; ``x/1 = x`` and ``x/(−1) = −x`` exactly."""
    if type(b) is Num:
        if b.value == 1.0:
            return a
        if b.value == -1.0:
            return neg(a)
    return _fold(operator.truediv, "/", a, b)


def power(a: Expr, b: Expr) -> Expr:
    """``a ** b``; ``x¹ = x``, and ``x⁰ = 1`` for a variable or number x (nan and ∞ too)."""
    if type(b) is Num:
        if b.value == 1.0:
            return a
        if b.value == 0.0 and type(a) in (Var, Num):
            return Num(1.0)
    return Bin("**", a, b)


def neg(x: Expr) -> Expr:
    """``−x``; ``−(−x) = x``."""
    if type(x) is Num:
        return Num(-x.value)
    if type(x) is Neg:
        return x.x
    return Neg(x)


_COMPARE: dict[str, Callable[[float, float], bool]] = {
    ">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le,
    "==": operator.eq,
}


def compare(symbol: str, a: Expr, b: Expr) -> Expr | bool:
    """``a symbol b``; between two numbers, the answer itself."""
    if type(a) is Num and type(b) is Num:
        return _COMPARE[symbol](a.value, b.value)
    return Cmp(symbol, a, b)


def where(test: Expr | bool, x: Expr, y: Expr) -> Expr:
    """``x`` where ``test`` holds, else ``y``; a known test chooses at once."""
    if isinstance(test, bool):
        return x if test else y
    return Where(test, x, y)
