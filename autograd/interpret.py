"""Interpretations: what a rule's ``m`` means, each one built from the op table.

A rule (see :mod:`autograd.ops`) computes with Python's operators and with ``m``:
``m.<op name>`` applies that op of the table, ``m.where(test, x, y)`` chooses, and
``m.gt``, ``m.ge``, ``m.lt``, ``m.le``, ``m.eq`` compare. An :class:`Interpretation`
fills those names for one kind of value, from the table itself, so ``m.cos`` *is*
the table's cos read one way:

=================  ======================  ====================================
interpretation     values                  used by
=================  ======================  ====================================
:data:`FLOATS`     floats                  backward (first order), tapes, forward mode
``VALUES``         Values                  ``grad(create_graph=True)`` (nodes.py)
``NumpyMath``      numpy arrays            batched replay (batched.py)
``SYMBOLS``        expression trees        compiler, live pages, formulas (expr.py)
=================  ======================  ====================================

A new interpretation subclasses :class:`Interpretation` and says how to apply one op
(:meth:`Interpretation.lift`), how to choose and how to compare.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable
from typing import Any

from .ops import OPS, Op


class Interpretation:
    """A namespace ``m`` for rules: one attribute per op of the table, plus the branches.

    Args:
        ops: the ops it knows (the table, plus any declared outside it).
    """

    def __init__(self, ops: Iterable[Op] = ()) -> None:
        # The table first: an op from outside named like a table op never replaces it.
        self.ops = OPS + tuple(op for op in ops if op not in OPS)
        for op in self.ops:
            if op.name not in self.__dict__ and not hasattr(type(self), op.name):
                setattr(self, op.name, self.lift(op))

    def lift(self, op: Op) -> Callable[..., Any]:
        """The function ``m.<op.name>``: ``op`` applied to this interpretation's values."""
        raise NotImplementedError

    def where(self, test: Any, x: Any, y: Any) -> Any:
        """``x`` where ``test`` holds, else ``y``."""
        return x if test else y

    def primal(self, x: Any) -> Any:
        """What a comparison reads of a value (a Value's data, a dual number's value)."""
        return x

    def gt(self, a: Any, b: Any) -> Any:
        """a > b."""
        return self.primal(a) > self.primal(b)

    def ge(self, a: Any, b: Any) -> Any:
        """a ≥ b."""
        return self.primal(a) >= self.primal(b)

    def lt(self, a: Any, b: Any) -> Any:
        """a < b."""
        return self.primal(a) < self.primal(b)

    def le(self, a: Any, b: Any) -> Any:
        """a ≤ b."""
        return self.primal(a) <= self.primal(b)

    def eq(self, a: Any, b: Any) -> Any:
        """a = b."""
        return self.primal(a) == self.primal(b)


class Floats(Interpretation):
    """Rules on floats: ``m.cos`` is the op's forward function, branches are Python's."""

    def lift(self, op: Op) -> Callable[..., Any]:
        """The op's forward on floats."""
        return op.forward

    gt = staticmethod(operator.gt)  # type: ignore[assignment]
    ge = staticmethod(operator.ge)  # type: ignore[assignment]
    lt = staticmethod(operator.lt)  # type: ignore[assignment]
    le = staticmethod(operator.le)  # type: ignore[assignment]
    eq = staticmethod(operator.eq)  # type: ignore[assignment]


FLOATS = Floats()
