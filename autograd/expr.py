"""Expression trees: the values of the symbolic interpretation, and what printers print.

Every reader that writes code or formulas (the compiler, batched replay, live pages, the
engine's own backward steps, the formulas in pictures) runs the table's rules on
:class:`Expr` trees (:data:`SYMBOLS`), never on text. A tree is built through the
functions of this module, which keep the numbers 1 and −1 as structure: ``x·1`` is
``x``, ``x·(−1)`` is ``−x``, ``−(−x)`` is ``x``, and two numbers fold into one. Each of
these is exact in IEEE arithmetic, so a tree computes the very floats its rule does.
(``x + 0`` and ``x·0`` are not exact, for ``x = −0.0`` or ``x = ∞``: they stay.)

Example:
    >>> from autograd.expr import SYMBOLS, Var
    >>> from autograd.ops import OPS_BY_NAME
    >>> a, b, out = Var("a"), Var("b"), Var("out")
    >>> OPS_BY_NAME["mul"].rules[0](SYMBOLS, a, b, out)
    Var('b')
    >>> OPS_BY_NAME["sub"].rules[1](SYMBOLS, a, b, out) * a
    Neg(Var('a'))
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from .interpret import Interpretation
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
        """The number, told apart from −0.0 and equal to itself when nan."""
        return (repr(self.value),)


class Var(Expr):
    """A variable of the generated code (or a name in a formula)."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def key(self) -> tuple[Any, ...]:
        """The name."""
        return (self.name,)


class Bin(Expr):
    """``left symbol right`` for ``+ - * / **`` (and numpy's ``@``), grouped as built."""

    __slots__ = ("left", "right", "symbol")

    def __init__(self, symbol: str, left: Expr, right: Expr) -> None:
        self.symbol, self.left, self.right = symbol, left, right

    def parts(self) -> tuple[Expr, ...]:
        """Both operands."""
        return (self.left, self.right)

    def rebuild(self, parts: tuple[Expr, ...]) -> Expr:
        """The operator over other operands."""
        return Bin(self.symbol, *parts)

    def key(self) -> tuple[Any, ...]:
        """The operator."""
        return (self.symbol,)


class Neg(Expr):
    """``−x``."""

    __slots__ = ("x",)

    def __init__(self, x: Expr) -> None:
        self.x = x

    def parts(self) -> tuple[Expr, ...]:
        """The negated tree."""
        return (self.x,)

    def rebuild(self, parts: tuple[Expr, ...]) -> Expr:
        """Another tree negated."""
        return Neg(parts[0])


class Call(Expr):
    """An op of the table (or one declared outside it) applied to ``args`` (and ``k``)."""

    __slots__ = ("args", "k", "op")

    def __init__(self, op: Op, args: tuple[Expr, ...], k: Any = None) -> None:
        self.op, self.args, self.k = op, args, k

    def parts(self) -> tuple[Expr, ...]:
        """The arguments."""
        return self.args

    def rebuild(self, parts: tuple[Expr, ...]) -> Expr:
        """The op applied to other arguments."""
        return Call(self.op, parts, self.k)

    def key(self) -> tuple[Any, ...]:
        """The op and its parameter."""
        return (self.op, repr(self.k))


class Where(Expr):
    """``x`` where ``test`` holds, else ``y``."""

    __slots__ = ("test", "x", "y")

    def __init__(self, test: Expr, x: Expr, y: Expr) -> None:
        self.test, self.x, self.y = test, x, y

    def parts(self) -> tuple[Expr, ...]:
        """The test and both branches."""
        return (self.test, self.x, self.y)

    def rebuild(self, parts: tuple[Expr, ...]) -> Expr:
        """The choice over other trees."""
        return Where(*parts)


class Cmp(Expr):
    """A comparison ``a symbol b``, symbol one of ``> >= < <= == !=`` (or, in code about
    the engine's own objects, ``is`` and ``is not``)."""

    __slots__ = ("a", "b", "symbol")

    def __init__(self, symbol: str, a: Expr, b: Expr) -> None:
        self.symbol, self.a, self.b = symbol, a, b

    def parts(self) -> tuple[Expr, ...]:
        """Both sides."""
        return (self.a, self.b)

    def rebuild(self, parts: tuple[Expr, ...]) -> Expr:
        """The comparison of other trees."""
        return Cmp(self.symbol, *parts)

    def key(self) -> tuple[Any, ...]:
        """The comparison."""
        return (self.symbol,)


class Logic(Expr):
    """``a or b`` / ``a and b`` of two tests (symbol ``or`` or ``and``)."""

    __slots__ = ("a", "b", "symbol")

    def __init__(self, symbol: str, a: Expr, b: Expr) -> None:
        self.symbol, self.a, self.b = symbol, a, b

    def parts(self) -> tuple[Expr, ...]:
        """Both tests."""
        return (self.a, self.b)

    def rebuild(self, parts: tuple[Expr, ...]) -> Expr:
        """The same connective over other tests."""
        return Logic(self.symbol, *parts)

    def key(self) -> tuple[Any, ...]:
        """The connective."""
        return (self.symbol,)


class Sum(Expr):
    """``terms[0] + terms[1] + …``, added left to right (a gradient over its uses)."""

    __slots__ = ("terms",)

    def __init__(self, terms: tuple[Expr, ...]) -> None:
        self.terms = terms

    def parts(self) -> tuple[Expr, ...]:
        """The terms."""
        return self.terms

    def rebuild(self, parts: tuple[Expr, ...]) -> Expr:
        """The sum of other terms."""
        return Sum(parts)


class Fn(Expr):
    """A function of the generated code itself, by name (``_dot_seq4``, ``np.stack``)."""

    __slots__ = ("args", "name")

    def __init__(self, name: str, args: tuple[Expr, ...]) -> None:
        self.name, self.args = name, args

    def parts(self) -> tuple[Expr, ...]:
        """The arguments."""
        return self.args

    def rebuild(self, parts: tuple[Expr, ...]) -> Expr:
        """The function applied to other arguments."""
        return Fn(self.name, parts)

    def key(self) -> tuple[Any, ...]:
        """The function's name."""
        return (self.name,)


class Tup(Expr):
    """A tuple of values."""

    __slots__ = ("items",)

    def __init__(self, items: tuple[Expr, ...]) -> None:
        self.items = items

    def parts(self) -> tuple[Expr, ...]:
        """The items."""
        return self.items

    def rebuild(self, parts: tuple[Expr, ...]) -> Expr:
        """A tuple of other items."""
        return Tup(parts)


class Lst(Expr):
    """A list of values (what a tape returns its gradients in)."""

    __slots__ = ("items",)

    def __init__(self, items: tuple[Expr, ...]) -> None:
        self.items = items

    def parts(self) -> tuple[Expr, ...]:
        """The items."""
        return self.items

    def rebuild(self, parts: tuple[Expr, ...]) -> Expr:
        """A list of other items."""
        return Lst(parts)


class Fields(Expr):
    """A record of named values (a JavaScript object, a Python dict)."""

    __slots__ = ("items",)

    def __init__(self, items: tuple[tuple[str, Expr], ...]) -> None:
        self.items = items

    def parts(self) -> tuple[Expr, ...]:
        """The values."""
        return tuple(v for _, v in self.items)

    def rebuild(self, parts: tuple[Expr, ...]) -> Expr:
        """The same names over other values."""
        return Fields(tuple((k, v) for (k, _), v in zip(self.items, parts)))

    def key(self) -> tuple[Any, ...]:
        """The names."""
        return tuple(k for k, _ in self.items)


class Scalar(Expr):
    """``x`` computed on floats, in code that otherwise runs on arrays over a batch (a
    node shared by every row): printed as float code."""

    __slots__ = ("x",)

    def __init__(self, x: Expr) -> None:
        self.x = x

    def parts(self) -> tuple[Expr, ...]:
        """The tree."""
        return (self.x,)

    def rebuild(self, parts: tuple[Expr, ...]) -> Expr:
        """Another tree, on floats."""
        return Scalar(parts[0])


class Star(Expr):
    """``*x``: a tuple's items as arguments of a call."""

    __slots__ = ("x",)

    def __init__(self, x: Expr) -> None:
        self.x = x

    def parts(self) -> tuple[Expr, ...]:
        """The tuple."""
        return (self.x,)

    def rebuild(self, parts: tuple[Expr, ...]) -> Expr:
        """Another tuple's items."""
        return Star(parts[0])


class Item(Expr):
    """``x[index]``; an index written as text is numpy's (``:, None``)."""

    __slots__ = ("index", "x")

    def __init__(self, x: Expr, index: Expr | str) -> None:
        self.x, self.index = x, index

    def parts(self) -> tuple[Expr, ...]:
        """The indexed tree, and the index when it is a tree."""
        return (self.x, self.index) if isinstance(self.index, Expr) else (self.x,)

    def rebuild(self, parts: tuple[Expr, ...]) -> Expr:
        """Another tree indexed the same way."""
        return Item(parts[0], parts[1] if len(parts) > 1 else self.index)

    def key(self) -> tuple[Any, ...]:
        """A written index."""
        return (self.index,) if isinstance(self.index, str) else ()


class Attr(Expr):
    """``x.name`` (a node's slot, an array's transpose)."""

    __slots__ = ("name", "x")

    def __init__(self, x: Expr, name: str) -> None:
        self.x, self.name = x, name

    def parts(self) -> tuple[Expr, ...]:
        """The tree whose attribute it is."""
        return (self.x,)

    def rebuild(self, parts: tuple[Expr, ...]) -> Expr:
        """The same attribute of another tree."""
        return Attr(parts[0], self.name)

    def key(self) -> tuple[Any, ...]:
        """The attribute's name."""
        return (self.name,)


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
    """``a ** b``; ``x¹ = x`` and ``x⁰ = 1`` exactly (also for nan and ∞, as C's pow)."""
    if type(b) is Num:
        if b.value == 1.0:
            return a
        if b.value == 0.0:
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


# ---- the interpretation ---------------------------------------------------------------------

INFIX: dict[Callable[..., Any], Callable[[Expr, Expr], Expr]] = {
    operator.add: add, operator.sub: sub, operator.mul: mul, operator.truediv: div,
}


def apply(op: Op, args: Iterable[Expr], k: Any = None) -> Expr:
    """``op`` applied to trees: an operator for ``+ − · /`` and negation, else a call."""
    args = tuple(args)
    infix = INFIX.get(op.forward)
    if infix is not None and len(args) == 2:
        return infix(*args)
    if op.forward is operator.neg and len(args) == 1:
        return neg(args[0])
    return Call(op, args, k if op.param else None)


class Symbols(Interpretation):
    """Rules on trees: ``m.cos(x)`` is the tree of cos applied to ``x``."""

    def lift(self, op: Op) -> Callable[..., Any]:
        """``m.<op>``: the op applied to trees (numbers lifted)."""
        if op.param:
            return lambda a, k=op.param[1]: apply(op, (lift(a),), k)
        return lambda *args: apply(op, map(lift, args))

    def where(self, test: Any, x: Any, y: Any) -> Expr:
        """``x`` where ``test`` holds, else ``y``."""
        return where(test, lift(x), lift(y))

    def gt(self, a: Any, b: Any) -> Any:
        """a > b."""
        return compare(">", lift(a), lift(b))

    def ge(self, a: Any, b: Any) -> Any:
        """a ≥ b."""
        return compare(">=", lift(a), lift(b))

    def lt(self, a: Any, b: Any) -> Any:
        """a < b."""
        return compare("<", lift(a), lift(b))

    def le(self, a: Any, b: Any) -> Any:
        """a ≤ b."""
        return compare("<=", lift(a), lift(b))

    def eq(self, a: Any, b: Any) -> Any:
        """a = b."""
        return compare("==", lift(a), lift(b))


SYMBOLS = Symbols()
"""The symbolic interpretation of the table's ops."""

_OUTSIDE: dict[Op, Symbols] = {}


def symbols(op: Op) -> Symbols:
    """The symbolic interpretation a rule of ``op`` runs in: the table's, plus ``op``
    itself when it is declared outside the table (its rules may call it)."""
    if op in SYMBOLS.ops:
        return SYMBOLS
    found = _OUTSIDE.get(op)
    if found is None:
        found = _OUTSIDE[op] = Symbols([op])
    return found


def local(op: Op, index: int, ins: Sequence[Expr], out: Expr, k: Any = None) -> Expr:
    """∂out/∂input ``index`` as a tree: the op's rule run on trees."""
    return lift(op.local(index, symbols(op), ins, out, k))


# ---- reading trees --------------------------------------------------------------------------


def variables(e: Expr) -> list[str]:
    """The names of the variables ``e`` reads, once per read, in no particular order."""
    found: list[str] = []
    stack = [e]
    pop, push, add = stack.pop, stack.append, found.append
    while stack:
        node = pop()
        kind = type(node)
        if kind is Var:
            add(node.name)  # type: ignore[attr-defined]
        elif kind is Bin:
            push(node.left)  # type: ignore[attr-defined]
            push(node.right)  # type: ignore[attr-defined]
        elif kind is not Num:
            stack.extend(node.parts())
    return found


def same(a: Expr, b: Expr) -> bool:
    """Whether two trees are the same computation (variables by name, numbers by value)."""
    if a is b:
        return True
    if type(a) is not type(b) or a.key() != b.key():
        return False
    pa, pb = a.parts(), b.parts()
    return len(pa) == len(pb) and all(same(x, y) for x, y in zip(pa, pb))


def substitute(e: Expr, values: Mapping[str, Expr]) -> Expr:
    """``e`` with each variable named in ``values`` replaced by its tree (the same
    operations, so the same floats: nothing is simplified again). Parts with nothing to
    replace are the very same objects."""
    kind = type(e)
    if kind is Var:
        return values.get(e.name, e)  # type: ignore[attr-defined]
    if kind is Num:
        return e
    if kind is Bin:
        left, right = e.left, e.right  # type: ignore[attr-defined]
        new_left, new_right = substitute(left, values), substitute(right, values)
        if new_left is left and new_right is right:
            return e
        return Bin(e.symbol, new_left, new_right)  # type: ignore[attr-defined]
    parts = e.parts()
    if not parts:
        return e
    new = [substitute(p, values) for p in parts]
    if all(a is b for a, b in zip(new, parts)):
        return e
    return e.rebuild(tuple(new))
