"""Trees of the generated code's own making: its helpers' calls, tuples and lists,
subscripts and attributes, tests joined by ``and``/``or``. The maths is in
:mod:`autograd.expr`; these only carry values around (an instruction list's tuples of
names, numpy's index arrays, a node's slots in the engine's steps).
"""

from __future__ import annotations

from typing import Any

from .expr import Expr


class Logic(Expr):
    """``a or b`` / ``a and b`` of two tests (symbol ``or`` or ``and``)."""

    __slots__ = ("a", "b", "symbol")

    def __init__(self, symbol: str, a: Expr, b: Expr) -> None:
        self.symbol, self.a, self.b = symbol, a, b

    def parts(self) -> tuple[Expr, ...]:
        return (self.a, self.b)

    def rebuild(self, parts: tuple[Expr, ...]) -> Expr:
        return Logic(self.symbol, *parts)

    def key(self) -> tuple[Any, ...]:
        return (self.symbol,)


class Fn(Expr):
    """A function of the generated code itself, by name (``_dot_seq4``, ``np.stack``)."""

    __slots__ = ("args", "name")

    def __init__(self, name: str, args: tuple[Expr, ...]) -> None:
        self.name, self.args = name, args

    def parts(self) -> tuple[Expr, ...]:
        return self.args

    def rebuild(self, parts: tuple[Expr, ...]) -> Expr:
        return Fn(self.name, parts)

    def key(self) -> tuple[Any, ...]:
        return (self.name,)


class Tup(Expr):
    """A tuple of values."""

    __slots__ = ("items",)

    def __init__(self, items: tuple[Expr, ...]) -> None:
        self.items = items

    def parts(self) -> tuple[Expr, ...]:
        return self.items

    def rebuild(self, parts: tuple[Expr, ...]) -> Expr:
        return Tup(parts)


class Lst(Expr):
    """A list of values (what a tape returns its gradients in)."""

    __slots__ = ("items",)

    def __init__(self, items: tuple[Expr, ...]) -> None:
        self.items = items

    def parts(self) -> tuple[Expr, ...]:
        return self.items

    def rebuild(self, parts: tuple[Expr, ...]) -> Expr:
        return Lst(parts)


class Fields(Expr):
    """A record of named values (a JavaScript object, a Python dict)."""

    __slots__ = ("items",)

    def __init__(self, items: tuple[tuple[str, Expr], ...]) -> None:
        self.items = items

    def parts(self) -> tuple[Expr, ...]:
        return tuple(v for _, v in self.items)

    def rebuild(self, parts: tuple[Expr, ...]) -> Expr:
        return Fields(tuple((k, v) for (k, _), v in zip(self.items, parts)))

    def key(self) -> tuple[Any, ...]:
        return tuple(k for k, _ in self.items)


class Scalar(Expr):
    """``x`` computed on floats, in code that otherwise runs on arrays over a batch (a
    node shared by every row): printed as float code."""

    __slots__ = ("x",)

    def __init__(self, x: Expr) -> None:
        self.x = x

    def parts(self) -> tuple[Expr, ...]:
        return (self.x,)

    def rebuild(self, parts: tuple[Expr, ...]) -> Expr:
        return Scalar(parts[0])


class Star(Expr):
    """``*x``: a tuple's items as arguments of a call."""

    __slots__ = ("x",)

    def __init__(self, x: Expr) -> None:
        self.x = x

    def parts(self) -> tuple[Expr, ...]:
        return (self.x,)

    def rebuild(self, parts: tuple[Expr, ...]) -> Expr:
        return Star(parts[0])


class Item(Expr):
    """``x[index]``; an index written as text is numpy's (``:, None``)."""

    __slots__ = ("index", "x")

    def __init__(self, x: Expr, index: Expr | str) -> None:
        self.x, self.index = x, index

    def parts(self) -> tuple[Expr, ...]:
        return (self.x, self.index) if isinstance(self.index, Expr) else (self.x,)

    def rebuild(self, parts: tuple[Expr, ...]) -> Expr:
        return Item(parts[0], parts[1] if len(parts) > 1 else self.index)

    def key(self) -> tuple[Any, ...]:
        return (self.index,) if isinstance(self.index, str) else ()


class Attr(Expr):
    """``x.name`` (a node's slot, an array's transpose)."""

    __slots__ = ("name", "x")

    def __init__(self, x: Expr, name: str) -> None:
        self.x, self.name = x, name

    def parts(self) -> tuple[Expr, ...]:
        return (self.x,)

    def rebuild(self, parts: tuple[Expr, ...]) -> Expr:
        return Attr(parts[0], self.name)

    def key(self) -> tuple[Any, ...]:
        return (self.name,)
