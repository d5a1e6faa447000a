"""The chain rule, run backwards over a graph.

One backward pass is a sequence of steps. For each node, from the output back to the
leaves, and for each of its inputs in order:

    local        = ∂node/∂input            (the op's rule from the table)
    upstream     = ∂root/∂node             (complete: every consumer was visited first)
    contribution = upstream · local
    ∂root/∂input += contribution

:func:`backward_steps` yields exactly these steps, for lessons and pictures;
:func:`backward` is the same loop written for speed; :func:`grad` runs it without
touching ``.grad`` and, with ``create_graph=True``, on Values.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from typing import Any, NamedTuple

from .modes import ANOMALY, AnomalyError, enable_grad, state
from .nodes import VALUE_MATH
from .ops import FLOAT_MATH, OPS_BY_NAME, Op
from .value import Value, _describe, _to_float

_DOT = OPS_BY_NAME["dot"]


def topological_order(root: Value) -> list[Value]:
    """Every node reachable from ``root``, each after all of its inputs (root last).

    Iterative, so a graph a million nodes deep needs no recursion.
    """
    order: list[Value] = []
    seen: set[Value] = set()
    done: set[Value] = set()
    stack = [root]
    pop, push = stack.pop, stack.append
    while stack:
        node = pop()
        if node in seen:
            # Second visit: all inputs pushed above it have been finished. In a DAG a
            # node still in ``seen`` but not ``done`` can only be this post-visit.
            if node not in done:
                done.add(node)
                order.append(node)
            continue
        seen.add(node)
        push(node)
        for parent in node.parents:
            if parent not in seen:
                push(parent)
    return order


def local_derivatives(node: Value, create_graph: bool = False) -> list[Any]:
    """∂node/∂input for each input of ``node`` in order, from the op's rule.

    Floats by default; with ``create_graph=True`` Values whose own graphs can be
    differentiated again.
    """
    op = node.op
    if op is None:
        return []
    if create_graph:
        ins: Sequence[Any] = node.parents
        out: Any = node
        m: Any = VALUE_MATH
    else:
        ins = [p.data for p in node.parents]
        out = node.data
        m = FLOAT_MATH
    try:
        if op.arity == 1:
            return [op.rule(ins[0], out, node.arg, m)]
        if op.arity == 2:
            return list(op.rule(ins[0], ins[1], out, m))
        return op.rule(list(ins), out, m)
    except (ArithmeticError, ValueError) as err:
        raise _backward_error(node, err) from None


def _backward_error(node: Value, err: Exception) -> Exception:
    op: Op = node.op  # type: ignore[assignment]
    n = len(node.parents)
    given = ", ".join(_describe(p, op.input_name(i, n)) for i, p in enumerate(node.parents))
    formulas = "; ".join(op.formula(i, n) for i in range(min(n, 2 if op.arity else n)))
    return type(err)(
        f"backward through {op.name} ({op.expr}): the local derivative is undefined "
        f"for {given} ({formulas}): {err}"
    )


class Step(NamedTuple):
    """One application of the chain rule: ``grad[input] += upstream · local``."""

    node: Value
    index: int  # type: ignore[assignment]  # a field shadowing tuple.index, on purpose
    input: Value
    local: float
    upstream: float
    contribution: float


def backward_steps(root: Value, gradient: float = 1.0) -> Iterator[Step]:
    """The steps of one backward pass from ``root``, in the order ``backward`` takes them.

    Touches no ``.grad``: summing each input's contributions gives exactly what one
    ``root.backward(gradient)`` adds to its gradient.

    Example:
        >>> from autograd import Value
        >>> from autograd.engine import backward_steps
        >>> w, x = Value(2.0, label="w"), Value(3.0, label="x")
        >>> y = w * x
        >>> [(s.input.label, s.local, s.contribution) for s in backward_steps(y)]
        [('w', 3.0, 3.0), ('x', 2.0, 2.0)]
    """
    check = state.mode & ANOMALY
    grads: dict[Value, float] = {root: _to_float(gradient, "backward_steps(gradient=...)")}
    for node in reversed(topological_order(root)):
        if node.op is None:
            continue
        upstream = grads[node]
        for i, (parent, local) in enumerate(zip(node.parents, local_derivatives(node))):
            contribution = upstream * local
            if check and not math.isfinite(contribution):
                raise _anomaly(node, i, local, upstream, contribution)
            grads[parent] = grads.get(parent, 0.0) + contribution
            yield Step(node, i, parent, local, upstream, contribution)


def _anomaly(node: Value, i: int, local: float, upstream: float, contribution: float) -> Exception:
    op: Op = node.op  # type: ignore[assignment]
    parent = node.parents[i]
    name = op.input_name(i, len(node.parents))
    return AnomalyError(
        f"backward through {op.name} ({op.expr}) gave {contribution!r} for input {name} = "
        f"{_describe(parent)}: upstream {upstream!r} × local {local!r} "
        f"({op.formula(i, len(node.parents))})"
    )


def backward(root: Value, gradient: float = 1.0) -> None:
    """Add ∂root/∂node · gradient to ``.grad`` of every node reachable from ``root``.

    See :meth:`Value.backward`. If a local derivative is undefined (√a at 0), the
    error names the node and every ``.grad`` is left as it was before the call.
    """
    seed = _to_float(gradient, "backward(gradient=...)")
    order, visited, before = _order_and_reset(root)
    root._grad = seed
    try:
        if state.mode & ANOMALY:
            for step in backward_steps(root, seed):
                step.input._grad += step.contribution
        else:
            _propagate(order)
    except BaseException:
        for node, old in zip(visited, before):
            node._grad = old
        raise
    # This pass was computed from zero; now add what each node held before, so that
    # gradients from an earlier pass are never pushed through the graph again.
    for node, old in zip(visited, before):
        if old:
            node._grad += old


def _order_and_reset(root: Value) -> tuple[list[Value], list[Value], list[Any]]:
    """topological_order, fused with saving and zeroing every node's gradient.

    The same depth-first walk, but the marks live in each node's ``_grad`` (two
    sentinels for "on the stack" and "finished") instead of in sets: no hashing, which
    makes backward's bookkeeping about twice as fast. Returns the order, the nodes in
    visiting order and their gradients before this pass.
    """
    on_stack, finished = object(), object()
    order: list[Value] = []
    visited: list[Value] = []
    before: list[Any] = []
    stack = [root]
    pop, push = stack.pop, stack.append
    while stack:
        node = pop()
        mark = node._grad
        if mark is on_stack:
            node._grad = finished
            order.append(node)
        elif mark is not finished:
            visited.append(node)
            before.append(mark)
            node._grad = on_stack
            push(node)
            for parent in node.parents:
                if parent._grad is not finished:
                    push(parent)
    for node in visited:
        node._grad = 0.0
    return order, visited, before


def _propagate(order: list[Value]) -> None:
    # backward_steps, unrolled by arity for speed: same rules, same order, same sums.
    m = FLOAT_MATH
    node = None
    try:
        for node in reversed(order):
            op = node.op
            if op is None:
                continue
            upstream = node._grad
            parents = node.parents
            arity = op.arity
            if arity == 1:
                a = parents[0]
                a._grad += upstream * op.rule(a.data, node.data, node.arg, m)
            elif arity == 2:
                a, b = parents
                local_a, local_b = op.rule(a.data, b.data, node.data, m)
                a._grad += upstream * local_a
                b._grad += upstream * local_b
            elif op is _DOT:
                # dot's rule, read in place: ∂/∂wᵢ = xᵢ for the first half, then
                # ∂/∂xᵢ = wᵢ, in the rule's order (w and x may share nodes).
                half = len(parents) // 2
                ws, xs = parents[:half], parents[half:]
                for w, x in zip(ws, xs):
                    w._grad += upstream * x.data
                for w, x in zip(ws, xs):
                    x._grad += upstream * w.data
            else:
                for p, local in zip(parents, op.rule([p.data for p in parents], node.data, m)):
                    p._grad += upstream * local
    except (ArithmeticError, ValueError) as err:
        raise _backward_error(node, err) from None  # type: ignore[arg-type]


def grad(output: Value, inputs: Sequence[Value], create_graph: bool = False) -> list[Any]:
    """∂output/∂input for each input, without touching any ``.grad``.

    Args:
        output: the node to differentiate.
        inputs: the nodes to differentiate with respect to (an input ``output`` does
            not depend on gets 0.0).
        create_graph: return Values whose graphs can be differentiated again
            (second, third, mixed derivatives) instead of floats.

    Returns:
        One gradient per input, in order.

    Example:
        >>> from autograd import Value, grad
        >>> x = Value(3.0)
        >>> y = x ** 3
        >>> (dy,) = grad(y, [x], create_graph=True)
        >>> (d2y,) = grad(dy, [x])
        >>> dy.data, d2y
        (27.0, 18.0)
    """
    for i, v in enumerate(inputs):
        if not isinstance(v, Value):
            raise TypeError(f"grad: inputs[{i}] must be a Value, got {v!r} ({type(v).__name__})")
    if not isinstance(output, Value):
        raise TypeError(f"grad: output must be a Value, got {output!r} ({type(output).__name__})")
    with enable_grad():
        seed: Any = Value(1.0) if create_graph else 1.0
        grads: dict[Value, Any] = {output: seed}
        for node in reversed(topological_order(output)):
            if node.op is None:
                continue
            upstream = grads[node]
            for parent, local in zip(node.parents, local_derivatives(node, create_graph)):
                contribution = upstream * local
                previous = grads.get(parent)
                grads[parent] = contribution if previous is None else previous + contribution
    if create_graph:
        return [grads[v] if v in grads else Value(0.0) for v in inputs]
    return [float(grads.get(v, 0.0)) for v in inputs]
