"""The chain rule, run backwards over a graph.

One backward pass is a sequence of steps. For each node, from the output back to the
leaves, and for each of its inputs in order:

    local        = ∂node/∂input            (the op's rule from the table)
    upstream     = ∂root/∂node             (complete: every consumer was visited first)
    contribution = upstream · local
    ∂root/∂input += contribution

:func:`chain` is that loop, once, for any interpretation of the rules: on floats it is
:func:`backward_steps` (lessons, pictures, ``detect_anomaly``), on Values it is
``grad(create_graph=True)``. :func:`backward` runs the same steps specialised: each op's
rules are printed once as Python (:mod:`autograd.steps`) into one small function per
op that reads a node's inputs and adds its contributions, with no per-step objects;
:func:`step_source` shows it. The tests check that the two give bit-identical gradients.

A constant's local derivative is never needed: where it is undefined (``0.0 ** b``
at the constant 0), the constant's step is left out instead of failing the pass.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Collection, Iterator, Sequence
from typing import Any, NamedTuple

from .graph import topological_order as topological_order  # the walk's order, for readers
from .interpret import FLOATS
from .modes import ANOMALY, AnomalyError, enable_grad, state
from .nodes import VALUES
from .ops import Op
from .steps import STEPS
from .steps import step as make_step
from .steps import step_source as step_source  # the code backward runs, for readers
from .value import _CONSTANT, Value, _describe, _to_float, local_error


def local_derivatives(node: Value, create_graph: bool = False) -> list[Any]:
    """∂node/∂input for each input of ``node`` in order, from the op's rules.

    Floats by default; with ``create_graph=True`` Values whose own graphs can be
    differentiated again.
    """
    op = node.op
    if op is None:
        return []
    m, ins, out = _reading(node, create_graph)
    try:
        return op.locals(m, ins, out, node.arg)
    except (ArithmeticError, ValueError) as err:
        raise _backward_error(node, err) from None


def _reading(node: Value, values: bool) -> tuple[Any, Any, Any]:
    """The interpretation and how it reads a node: (m, inputs, output)."""
    if values:
        return VALUES, node.parents, node
    return FLOATS, [p.data for p in node.parents], node.data


def _backward_error(node: Value, err: Exception) -> Exception:
    return local_error("backward", node.op, node.parents, err)  # type: ignore[arg-type]


def chain(root: Value, grads: dict[Value, Any], values: bool = False,
          wrt: Collection[Value] | None = None
          ) -> Iterator[tuple[Value, int, Value, Any, Any, Any]]:
    """The chain rule's steps from ``root``: (node, index, input, local, upstream, contribution).

    ``grads`` holds the seed (``{root: seed}``) and receives every node's gradient as
    the steps run. On floats by default; ``values=True`` evaluates the rules on Values
    (the gradient is then a graph of its own). With ``wrt``, only the steps into nodes
    that lead to one of those nodes are taken: a local derivative off their paths is
    never evaluated (it may be undefined where the ones on the paths are not).
    """
    order = topological_order(root)
    needed = None if wrt is None else _leading_to(order, wrt)
    for node in reversed(order):
        op = node.op
        if op is None or (needed is not None and node not in needed):
            continue
        upstream = grads[node]
        m, ins, out = _reading(node, values)
        for i, parent in enumerate(node.parents):
            if needed is not None and parent not in needed:
                continue
            try:
                local = op.local(i, m, ins, out, node.arg)
            except (ArithmeticError, ValueError) as err:
                if parent.arg is _CONSTANT:
                    continue
                raise _backward_error(node, err) from None
            if type(local) is float and (local == 1.0 or local == -1.0):
                # upstream·1 is upstream exactly: on Values, no node for the product.
                contribution = upstream if local == 1.0 else -upstream
            else:
                contribution = upstream * local
            previous = grads.get(parent)
            grads[parent] = contribution if previous is None else previous + contribution
            yield node, i, parent, local, upstream, contribution


def _leading_to(order: list[Value], targets: Collection[Value]) -> set[Value]:
    # The nodes of ``order`` (inputs first) from which some target can be reached.
    wanted = set(targets)
    leading: set[Value] = set()
    for node in order:
        if node in wanted or not leading.isdisjoint(node.parents):
            leading.add(node)
    return leading


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
    grads: dict[Value, Any] = {root: _to_float(gradient, "backward_steps(gradient=...)")}
    for step in chain(root, grads):
        if check and not math.isfinite(step[5]):
            raise _anomaly(*step)
        yield Step(*step)


def _anomaly(node: Value, i: int, parent: Value, local: float, upstream: float,
             contribution: float) -> Exception:
    op: Op = node.op  # type: ignore[assignment]
    name = op.input_name(i, len(node.parents))
    return AnomalyError(
        f"backward through {op.name} ({op.expr}) gave {contribution!r} for input {name} = "
        f"{_describe(parent)}: upstream {upstream!r} × local {local!r} "
        f"({op.formula(i, len(node.parents))})"
    )


# One backward at a time: the walk marks nodes in their working slot, and graphs of
# two threads may share leaves (a model's parameters).
_LOCK = threading.RLock()


def backward(root: Value, gradient: float = 1.0) -> None:
    """Backpropagate from ``root``, adding ∂root/∂node·gradient to every node's ``.grad``.

    ``Value.backward``: ``y.backward()`` is ``backward(y)``. Every node reachable from
    ``root`` gets its gradient, interior nodes included. Gradients accumulate across
    calls, exactly: two calls give twice one call.

    The pass is computed in each node's working slot (``_grad``, where the generated
    steps add their contributions); ``.grad`` changes only at the end, when
    :func:`_publish` adds the pass to it node by node. So another thread reading
    ``.grad`` meanwhile sees a float, the old one or the new one; if a local derivative
    is undefined (√a at 0), the error names the node and no ``.grad`` has changed; after
    an interrupt (Ctrl-C) anywhere, every ``.grad`` is as it was. Calls from several
    threads run one at a time.

    Args:
        gradient: the seed ∂L/∂root (1.0 when root is the loss).

    Example:
        >>> from autograd import Value
        >>> x = Value(3.0)
        >>> y = x * x
        >>> y.backward()
        >>> x.grad
        6.0
    """
    seed = _to_float(gradient, "backward(gradient=...)")
    with _LOCK:
        order, visited = _order_and_reset(root)
        root._grad = seed
        if state.mode & ANOMALY:
            for step in backward_steps(root, seed):
                step.input._grad += step.contribution
        else:
            _propagate(order)
        _publish(visited)


Value.backward = backward  # type: ignore[method-assign, assignment]  # root is self


def _order_and_reset(root: Value) -> tuple[list[Value], list[Value]]:
    """topological_order without the leaves, fused with zeroing every working slot.

    The same depth-first walk, but the marks live in each node's working slot ``_grad``
    instead of in sets: no hashing, which makes backward's bookkeeping about twice as
    fast. Both marks are new for each pass, so whatever a slot held before (an earlier
    pass's sum, an interrupted pass's mark) counts as not reached. A leaf is finished as
    soon as it is reached (it waits for no input, and backward has no step to take at
    it). Returns the order and every node reached.
    """
    # "Finished" is a zero made for this pass, told from every other float by identity:
    # the pass's sums start from it, with no second loop to zero the slots.
    on_stack, finished = object(), float("0")
    order: list[Value] = []
    visited: list[Value] = []
    stack = [root]
    pop, push, visit = stack.pop, stack.append, visited.append
    while stack:
        node = pop()
        mark = node._grad
        if mark is on_stack:
            node._grad = finished
            order.append(node)
        elif mark is not finished:
            visit(node)
            # The inputs are pushed in order, so the last is walked first, as in
            # topological_order: both walks give the same order, hence the same sums.
            a = node._a
            if a is not None:  # one or two inputs, in slots
                node._grad = on_stack
                push(node)
                if a._grad is not finished:
                    push(a)
                b = node._b
                if b is not None and b._grad is not finished:
                    push(b)
            else:
                rows = node._b
                if rows is None:  # a leaf
                    node._grad = finished
                    continue
                node._grad = on_stack
                push(node)
                for row in rows:  # an n-ary node's inputs, row by row
                    for parent in row:
                        if parent._grad is not finished:
                            push(parent)
    return order, visited


def _publish(visited: list[Value]) -> None:
    # Add the pass (computed from zero, so an earlier pass's gradient is never pushed
    # through the graph again) to each .grad. Every old value is read before the first is
    # written, so an interrupt part way puts them all back.
    olds = [node._total for node in visited]
    try:
        for node in visited:
            old = node._total
            node._total = node._grad + old if old else node._grad
    except BaseException:
        for node, old in zip(visited, olds):
            node._total = old
        raise


def _propagate(order: list[Value]) -> None:
    # chain(), specialised: each op's steps run as one generated function (autograd.steps).
    steps = STEPS
    for node in reversed(order):
        op: Op = node.op  # type: ignore[assignment]  # every node of the order has an op
        try:
            steps[op](node, node._grad)
        except (ArithmeticError, ValueError):
            _careful_step(node)
        except KeyError:
            _first_step(node)


def _first_step(node: Value) -> None:
    # The first node of its op: make the op's step (unless the KeyError came from inside it).
    if node.op in STEPS:
        raise
    try:
        make_step(node.op)(node, node._grad)  # type: ignore[arg-type]
    except (ArithmeticError, ValueError):
        _careful_step(node)


def _careful_step(node: Value) -> None:
    # A local derivative failed: take the node's steps one input at a time, leaving out
    # constants whose local is undefined; any other failure is the user's error.
    grads: dict[Value, Any] = {node: node._grad}
    op: Op = node.op  # type: ignore[assignment]
    ins, out = [p.data for p in node.parents], node.data
    locals_ = []
    for i, parent in enumerate(node.parents):
        try:
            locals_.append((parent, op.local(i, FLOATS, ins, out, node.arg)))
        except (ArithmeticError, ValueError) as err:
            if parent.arg is not _CONSTANT:
                raise _backward_error(node, err) from None
    upstream = grads[node]
    for parent, local in locals_:
        parent._grad += upstream * local


def _constant(x: float) -> Value:
    out = Value(x)
    out.arg = _CONSTANT
    return out


def grad(output: Value, inputs: Sequence[Value], create_graph: bool = False) -> list[Any]:
    """∂output/∂input for each input, without touching any ``.grad``.

    Only the local derivatives on paths from ``output`` to ``inputs`` are evaluated, so
    ``grad(w * x.sqrt(), [w])`` is √x even at x = 0, where ∂/∂x is undefined.

    Args:
        output: the node to differentiate.
        inputs: the nodes to differentiate with respect to (an input ``output`` does
            not depend on gets 0.0).
        create_graph: return Values whose graphs can be differentiated again
            (second, third, mixed derivatives) instead of floats.

    Returns:
        One gradient per input, in order.

    Raises:
        ValueError: ``output`` has no graph at all (a leaf that is not one of the inputs
            nor a constant, e.g. computed under ``no_grad()``), so every gradient would
            silently be 0.

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
    if output.op is None and not output.is_constant and not any(v is output for v in inputs):
        raise ValueError(
            f"grad: the output {output!r} has no graph: it is a leaf, so no input can "
            "change it (was it computed under no_grad(), or from .data?); build it from the "
            "inputs with grad enabled"
        )
    with enable_grad():
        seed: Any = _constant(1.0) if create_graph else 1.0
        grads: dict[Value, Any] = {output: seed}
        for _ in chain(output, grads, values=create_graph, wrt=inputs):
            pass
    if create_graph:
        # An input the output does not depend on: the constant 0 (its own derivatives are 0).
        return [grads[v] if v in grads else _constant(0.0) for v in inputs]
    return [grads.get(v, 0.0) for v in inputs]
