"""Forward mode: dual numbers, from the same rules as backward.

A dual number ``Dual(x, ẋ)`` carries a value and its tangent, the derivative along one
direction. Applying an op gives ``(f(x), Σᵢ ∂f/∂xᵢ · ẋᵢ)``: the local derivatives are
the op's rules from the table, evaluated on floats, so forward and reverse mode can
never disagree about an op. :class:`Duals` is that interpretation (``m.cos`` on duals).

:func:`forward_mode` runs ordinary ``Value`` code with a tangent riding along each new
node: one pass, no backward. :func:`autograd.functional.jvp` is built on it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from .interpret import FLOATS, Interpretation
from .modes import FORWARD, state
from .ops import Op
from .value import _CONSTANT, Value


class Dual:
    """A value and its tangent: ``Dual(2.0, 1.0)`` is x = 2 moving at speed 1."""

    __slots__ = ("tangent", "value")

    def __init__(self, value: float, tangent: float = 0.0) -> None:
        self.value, self.tangent = float(value), float(tangent)

    def __repr__(self) -> str:
        return f"Dual({self.value!r}, {self.tangent!r})"

    def _op(self, name: str, a: Any, b: Any) -> Dual:
        return getattr(DUALS, name)(a, b)

    def __add__(self, other: Any) -> Dual:
        return self._op("add", self, other)

    def __radd__(self, other: Any) -> Dual:
        return self._op("add", other, self)

    def __sub__(self, other: Any) -> Dual:
        return self._op("sub", self, other)

    def __rsub__(self, other: Any) -> Dual:
        return self._op("sub", other, self)

    def __mul__(self, other: Any) -> Dual:
        return self._op("mul", self, other)

    def __rmul__(self, other: Any) -> Dual:
        return self._op("mul", other, self)

    def __truediv__(self, other: Any) -> Dual:
        return self._op("div", self, other)

    def __rtruediv__(self, other: Any) -> Dual:
        return self._op("div", other, self)

    def __pow__(self, other: Any) -> Dual:
        if isinstance(other, Dual):
            return self._op("vpow", self, other)
        return self._op("pow", self, float(other))

    def __rpow__(self, other: Any) -> Dual:
        return self._op("vpow", other, self)

    def __neg__(self) -> Dual:
        return self._op("mul", -1.0, self)  # exactly −x, and tangent −ẋ


def _primal(x: Any) -> float:
    return x.value if isinstance(x, Dual) else float(x)


def tangent_of(op: Op, values: list[float], tangents: list[float], out: float, k: Any) -> float:
    """Σᵢ ∂out/∂inputᵢ · tangentᵢ, from the op's rules on floats (zero tangents skipped)."""
    total = 0.0
    for i, t in enumerate(tangents):
        if t:
            total += op.local(i, FLOATS, values, out, k) * t
    return total


class Duals(Interpretation):
    """Rules and ops on dual numbers: value by the op's forward, tangent by its rules."""

    def lift(self, op: Op) -> Callable[..., Any]:
        """``op`` on duals (numbers count as duals with tangent 0)."""
        def apply(*args: Any) -> Dual:
            ins = args[: len(args) - 1] if op.param and len(args) > 1 else args
            k = args[-1] if op.param and len(args) > 1 else (op.param[1] if op.param else None)
            values = [_primal(a) for a in ins]
            extra = (k,) if op.param else ()
            out = op.forward(*values, *extra)
            tangents = [a.tangent if isinstance(a, Dual) else 0.0 for a in ins]
            return Dual(out, tangent_of(op, values, tangents, out, k))

        return apply

    # Comparisons and branches read the value, as for Values.
    def primal(self, x: Any) -> float:
        """A dual number's value."""
        return _primal(x)


DUALS = Duals()


class ForwardPass:
    """The tangents of one forward-mode pass, filled as nodes are made."""

    def __init__(self, tangents: dict[Value, float]) -> None:
        self.tangents = tangents

    def push(self, out: Value, op: Op, parents: tuple[Value, ...], arg: Any) -> None:
        """Give the new node ``out`` its tangent (nodes with tangent 0 are not stored)."""
        tangents = [self.tangents.get(p, 0.0) for p in parents]
        if any(tangents):
            # A constant's tangent is 0, so its local derivative is never evaluated.
            values = [p.data for p in parents]
            self.tangents[out] = tangent_of(op, values, tangents, out.data, arg)

    def tangent(self, node: Any) -> float:
        """The tangent of a node (0.0 for a node that does not depend on the seeds)."""
        if not isinstance(node, Value):
            return 0.0
        return self.tangents.get(node, 0.0)


@contextmanager
def forward_mode(seeds: dict[Value, float]) -> Iterator[ForwardPass]:
    """Run Value code with tangents: every node made inside gets ∂node/∂(seeds · direction).

    One direction per pass; a pass opened inside another hides the outer one until it
    closes (forward-over-forward is not supported; use ``grad(create_graph=True)``).

    Args:
        seeds: the tangent of each input leaf (the direction v of a jvp).

    Example:
        >>> from autograd import Value
        >>> from autograd.forward import forward_mode
        >>> x = Value(3.0)
        >>> with forward_mode({x: 1.0}) as fwd:
        ...     y = x * x + x
        >>> fwd.tangent(y)
        7.0
    """
    for leaf in seeds:
        if not isinstance(leaf, Value) or leaf.arg is _CONSTANT:
            raise TypeError(f"forward_mode: seeds must be keyed by input Values, got {leaf!r}")
    fwd = ForwardPass({leaf: float(t) for leaf, t in seeds.items() if t})
    before = (state.mode, state.forward)
    state.mode |= FORWARD
    state.forward = fwd
    try:
        yield fwd
    finally:
        state.mode, state.forward = before

