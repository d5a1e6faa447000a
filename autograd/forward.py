"""Forward mode: dual numbers, from the same rules as backward.

:func:`forward_mode` runs ordinary ``Value`` code with a tangent riding along each new
node, the derivative along one direction: each node and its tangent are a dual number
``(x, ẋ)``. Applying an op gives ``(f(x), Σᵢ ∂f/∂xᵢ · ẋᵢ)``, the local derivatives
being the op's rules from the table evaluated on floats, so forward and reverse mode can
never disagree about an op. One pass, no backward: :func:`autograd.functional.jvp` is
built on it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from .interpret import FLOATS
from .modes import FORWARD, state
from .ops import Op
from .value import _CONSTANT, Value, _to_float, local_error


def tangent_of(op: Op, values: list[float], tangents: list[float], out: float, k: Any) -> float:
    """Σᵢ ∂out/∂inputᵢ · tangentᵢ, from the op's rules on floats (zero tangents skipped)."""
    total = 0.0
    for i, t in enumerate(tangents):
        if t:
            total += op.local(i, FLOATS, values, out, k) * t
    return total


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
            try:
                self.tangents[out] = tangent_of(op, values, tangents, out.data, arg)
            except (ArithmeticError, ValueError) as err:
                raise local_error("forward mode", op, parents, err) from None

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
    tangents: dict[Value, float] = {}
    for leaf, t in seeds.items():
        if not isinstance(leaf, Value) or leaf.arg is _CONSTANT:
            raise TypeError(f"forward_mode: seeds must be keyed by input Values, got {leaf!r}")
        tangent = _to_float(t, f"forward_mode: the seed of {leaf!r}")
        if tangent:
            tangents[leaf] = tangent
    fwd = ForwardPass(tangents)
    before = (state.mode, state.forward)
    state.mode |= FORWARD
    state.forward = fwd
    try:
        yield fwd
    finally:
        state.mode, state.forward = before

