"""The symbolic interpretation: the op table's rules run on expression trees.

``m.cos(x)`` is the tree of cos applied to ``x``; ``m.where``, ``m.gt`` … build choices
and comparisons (a comparison of two numbers is answered at once). So the compiler, the
live pages and the formulas people read all get an edge's local derivative by running
the op's own rule on trees (:func:`local`).
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from .expr import Call, Expr, add, compare, div, lift, mul, neg, sub, where
from .interpret import Interpretation
from .ops import Op

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
