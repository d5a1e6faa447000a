"""Programs as lists of instructions: a name bound to an expression tree, and a few
statements around them (a loop over rows, a function, a return).

The lowering (:mod:`autograd.lowering`) turns a traced graph into these lists, the passes
(:mod:`autograd.passes`) rewrite them, and a printer (:mod:`autograd.printing`,
:mod:`autograd.javascript`) writes them in one language. Nothing here knows a language.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from .code import Tup
from .expr import Expr, Var
from .reading import variables


class Assign:
    """``target = expr``, or with ``add`` ``target += expr`` (``target`` a Var, a tuple of
    them to unpack, or an item or attribute to store into)."""

    __slots__ = ("add", "expr", "target")

    def __init__(self, target: Expr, expr: Expr, add: bool = False) -> None:
        self.target, self.expr, self.add = target, expr, add

    def __repr__(self) -> str:
        return f"Assign({self.target!r}, {self.expr!r}{', add=True' if self.add else ''})"


class Do:
    """An expression evaluated for what it does (``np.add.at(...)``)."""

    __slots__ = ("expr",)

    def __init__(self, expr: Expr) -> None:
        self.expr = expr


class Return:
    """``return expr``."""

    __slots__ = ("expr",)

    def __init__(self, expr: Expr) -> None:
        self.expr = expr


class Comment:
    """A line for the reader."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


class For:
    """``for target in iterable:`` over ``body``."""

    __slots__ = ("body", "iterable", "target")

    def __init__(self, target: Expr, iterable: Expr, body: list[Statement]) -> None:
        self.target, self.iterable, self.body = target, iterable, body


class If:
    """``if test:`` ``body``."""

    __slots__ = ("body", "test")

    def __init__(self, test: Expr, body: list[Statement]) -> None:
        self.test, self.body = test, body


class Def:
    """A function ``name(params)`` with ``body``."""

    __slots__ = ("body", "name", "params")

    def __init__(self, name: str, params: Sequence[str], body: list[Statement]) -> None:
        self.name, self.params, self.body = name, tuple(params), body


Statement = Assign | Do | Return | Comment | For | If | Def


def walk(statements: Sequence[Statement]) -> Iterator[Statement]:
    """Every statement, those inside loops and functions included, in order."""
    stack = [iter(statements)]
    while stack:
        for statement in stack[-1]:
            yield statement
            if isinstance(statement, (For, If, Def)):
                stack.append(iter(statement.body))
                break
        else:
            stack.pop()


def reads(statement: Statement) -> list[str]:
    """The names one statement reads, once per read (not those inside its body)."""
    if isinstance(statement, Assign):
        return variables(statement.expr) + target_reads(statement)
    if isinstance(statement, (Do, Return)):
        return variables(statement.expr)
    if isinstance(statement, For):
        return variables(statement.iterable)
    if isinstance(statement, If):
        return variables(statement.test)
    return []


def target_reads(statement: Assign) -> list[str]:
    """What storing reads: ``x += e`` reads x; ``x[i] = e`` reads x and i; ``a, b = e``
    and ``x = e`` read nothing."""
    target = statement.target
    if isinstance(target, Var):
        return [target.name] if statement.add else []
    if isinstance(target, Tup):
        return []
    return variables(target)
