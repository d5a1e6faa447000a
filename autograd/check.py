"""Gradient checking: the engine's gradients against central finite differences."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from .engine import grad
from .graph import topological_order
from .value import Value, _to_float


class GradcheckRow(NamedTuple):
    """One input's verdict: analytic vs numeric gradient."""

    name: str
    analytic: float
    numeric: float

    @property
    def difference(self) -> float:
        """|analytic − numeric|."""
        return abs(self.analytic - self.numeric)

    def ok(self, atol: float, rtol: float) -> bool:
        """True when the two agree within ``atol + rtol·|numeric|``."""
        return self.difference <= atol + rtol * abs(self.numeric)


class GradcheckError(AssertionError):
    """Analytic and numeric gradients disagree; ``.rows`` holds every input's numbers."""

    def __init__(self, rows: list[GradcheckRow], atol: float, rtol: float) -> None:
        self.rows = rows
        bad = [r for r in rows if not r.ok(atol, rtol)]
        lines = [
            f"gradcheck failed for {len(bad)} of {len(rows)} inputs "
            f"(tolerance {atol:g} + {rtol:g}·|numeric|):",
            f"  {'input':<12} {'analytic':>22} {'numeric':>22} {'difference':>12}",
        ]
        for r in rows:
            mark = "  <-" if not r.ok(atol, rtol) else ""
            numbers = f"{r.analytic:>22.15g} {r.numeric:>22.15g} {r.difference:>12.3g}"
            lines.append(f"  {r.name:<12} {numbers}{mark}")
        super().__init__("\n".join(lines))


def _central(f: Callable[[list[float]], float], x: list[float], i: int, eps: float) -> float:
    up, down = list(x), list(x)
    up[i] += eps
    down[i] -= eps
    return (f(up) - f(down)) / (2.0 * eps)


def gradcheck(
    fn: Callable[..., Value],
    inputs: Sequence[Any],
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
) -> bool:
    """Check ``fn``'s gradients from the engine against central differences.

    Args:
        fn: takes one Value per input and returns a Value.
        inputs: numbers or Values: the point to check at.
        eps: the finite-difference step (central: (f(x+eps) − f(x−eps)) / 2eps).
        atol, rtol: an input passes when |analytic − numeric| ≤ atol + rtol·|numeric|.

    Returns:
        True when every input passes.

    Raises:
        GradcheckError: listing, per input, analytic vs numeric and their difference.

    Example:
        >>> from autograd import gradcheck
        >>> gradcheck(lambda x, y: (x * y).tanh() + x.exp(), [0.3, -1.2])
        True
    """
    x = [v.data if isinstance(v, Value) else _to_float(v, f"gradcheck: inputs[{i}]")
         for i, v in enumerate(inputs)]
    names = [
        (v.label if isinstance(v, Value) and v.label else f"inputs[{i}]")
        for i, v in enumerate(inputs)
    ]
    leaves = [Value(xi, label=name) for xi, name in zip(x, names)]
    out = fn(*leaves)
    if not isinstance(out, Value):
        raise TypeError(f"gradcheck: fn must return a Value, got {out!r} ({type(out).__name__})")
    analytic = grad(out, leaves)

    def f(point: list[float]) -> float:
        # With grad enabled: fn may itself call grad(), which needs the graph it builds.
        return fn(*[Value(p) for p in point]).data

    rows = [
        GradcheckRow(name, a, _central(f, x, i, eps))
        for i, (name, a) in enumerate(zip(names, analytic))
    ]
    if not all(r.ok(atol, rtol) for r in rows):
        raise GradcheckError(rows, atol, rtol)
    return True


def replay(root: Value, data: dict[Value, float]) -> float:
    """Recompute ``root`` from its graph, with the leaves in ``data`` set to new values."""
    data = {leaf: _to_float(x, f"replay: the value for {leaf!r}") for leaf, x in data.items()}
    values: dict[Value, float] = {}
    for node in topological_order(root):
        op = node.op
        if op is None:
            values[node] = data.get(node, node.data)
            continue
        ins = [values[p] for p in node.parents]
        try:
            values[node] = op.forward(*ins, *([node.arg] if op.param else []))
        except (ArithmeticError, ValueError) as err:
            moved = ", ".join(f"{leaf.label or 'a leaf'} = {x!r}" for leaf, x in data.items())
            names = [op.input_name(i, len(ins)) for i in range(len(ins))]
            given = ", ".join(f"{n} = {x!r}" for n, x in zip(names, ins))
            need = f" ({op.name} needs {op.domain_text})" if op.domain_text else ""
            raise type(err)(
                f"replay with {moved}: {op.name} ({op.expr}) is undefined for {given}{need}; "
                "a leaf this close to the edge of a domain needs a smaller eps"
            ) from None
    return values[root]


def check_graph(
    root: Value, leaves: Sequence[Value] | None = None, eps: float = 1e-6
) -> list[GradcheckRow]:
    """Analytic vs central-difference gradient of ``root`` for each leaf of its graph.

    The graph is replayed with each leaf nudged by ±eps, so no function is needed:
    this checks a graph that is already built (``viz.draw_graph(check=True)`` uses it).
    Constants are left out unless passed in ``leaves``. Rows are in the order of
    ``leaves`` (by default, the leaves in topological order); an unlabelled leaf is
    named by its position, ``leaves[i]``.
    """
    if leaves is None:
        leaves = [n for n in topological_order(root) if n.op is None and not n.is_constant]
    analytic = grad(root, leaves)
    rows = []
    for i, (leaf, a) in enumerate(zip(leaves, analytic)):
        up = replay(root, {leaf: leaf.data + eps})
        down = replay(root, {leaf: leaf.data - eps})
        rows.append(GradcheckRow(leaf.label or f"leaves[{i}]", a, (up - down) / (2 * eps)))
    return rows
