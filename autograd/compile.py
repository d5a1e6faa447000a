"""Compile a traced graph into straight-line Python: backprop written out.

A training loop rebuilds the same graph every step. :func:`compile` walks it once and
writes one Python function that does what ``root.backward()`` does, with no graph:
the forward pass, then one line per node for the backward pass, its gradient as the
sum over its uses (``g_x = g_use1 * local1 + g_use2 * local2``). A node whose only use
passes the gradient through unchanged (the ``dot`` under a bias ``add``) shares that
use's variable; a value or a one-term gradient that one line uses and nothing else
reads (the ``dot`` itself; a relu's gradient) is written inside that line; sums whose
tuples of names recur across a layer are added by ``_dot_seq`` over tuples written
once. The source is compiled once; a replay for new leaf values costs a few float
operations per edge.

The replay does the same float operations in the same order as the engine, so its
numbers equal eager ones (a zero's sign aside: the engine's ``0.0 + c`` is written ``c``).

The traced structure is fixed. Branches *inside* an op's rule (relu's ``0.0 if a <= 0.0
else 1.0``) are evaluated on every replay, so they stay right; but a Python ``if`` on
data in *your* code ran once, while tracing, and its choice is baked into the tape.
Leaves not listed as ``params`` or ``data`` are baked in as constants.
"""

from __future__ import annotations

import builtins
import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from .lowering import float_source
from .trace import Trace, float_namespace, numbers_in, rerun_eagerly
from .value import Value, _to_float


class Tape:
    """A graph compiled to Python: replay it for new parameter and data values.

    Attributes:
        root: the traced output.
        params: leaves whose gradients a replay returns (shared across a batch).
        data: leaves whose values a replay takes per call (one row per sample).
        source: the generated function, forward then backward, node labels as names.

    Each replay's function is written and compiled the first time it is asked for
    (``grad``, ``forward``, the batched ones): a tape replayed only for batches never
    pays for the float function it does not run.
    """

    def __init__(self, root: Value, params: Sequence[Value], data: Sequence[Value],
                 outline: bool = True) -> None:
        with _collector_paused():
            self.trace = Trace(root, params, data)
        self._outline = outline
        self.root, self.params, self.data = root, self.trace.params, self.trace.data
        self._source: str | None = None
        self._grad: Any = None
        self._forward: Any = None
        self._batched: Any = None

    @property
    def source(self) -> str:
        """The generated function, forward then backward, node labels as names."""
        if self._source is None:
            with _collector_paused():
                self._source = float_source(self.trace, backward=True, outline=self._outline)
        return self._source

    def __repr__(self) -> str:
        return (f"<Tape: {len(self.trace.order)} nodes, {len(self.params)} params, "
                f"{len(self.data)} data>")

    def _inputs(self, params: Any, data: Any) -> tuple[list[float], list[float]]:
        if params is None:
            ps = [p.data for p in self.params]
        else:
            ps = numbers_in(params, len(self.params), self.params, "params")
        if data is None:
            if self.data:
                raise ValueError(f"tape: this tape takes {len(self.data)} data values per "
                                 "replay (the data leaves given to compile); pass data=[...]")
            return ps, []
        return ps, numbers_in(data, len(self.data), self.data, "data")

    def forward(self, params: Sequence[float] | None = None,
                data: Sequence[float] | None = None) -> float:
        """The output for these leaf values (params default to the leaves' current data)."""
        ps, xs = self._inputs(params, data)
        if self._forward is None:
            with _collector_paused():
                source = float_source(self.trace, backward=False, outline=self._outline)
                self._forward = _build(source, "forward", self.trace)
        return self._run(self._forward, ps, xs, 1.0)

    def grad(self, params: Sequence[float] | None = None, data: Sequence[float] | None = None,
             gradient: float = 1.0) -> tuple[float, list[float]]:
        """The output and ∂output/∂param · gradient for every param, touching no ``.grad``.

        Args:
            params: one number per param leaf; None reads their current ``.data``.
            data: one number per data leaf (required when the tape has data leaves).
            gradient: the seed ∂L/∂output.

        Returns:
            ``(output, grads)`` with grads in the order of ``params``.

        Example:
            >>> from autograd import Value, compile
            >>> w, x = Value(2.0, label="w"), Value(3.0, label="x")
            >>> tape = compile((w * x).tanh(), params=[w], data=[x])
            >>> out, (dw,) = tape.grad(data=[0.1])
            >>> round(out, 6), round(dw, 6)
            (0.197375, 0.096104)
        """
        ps, xs = self._inputs(params, data)
        if self._grad is None:
            with _collector_paused():
                self._grad = _build(self.source, "grad", self.trace)
        return self._run(self._grad, ps, xs, _to_float(gradient, "tape.grad(gradient=...)"))

    def backward(self, data: Sequence[float] | None = None, gradient: float = 1.0) -> float:
        """Like ``root.backward()``: add each param's gradient to its ``.grad``; return the output.

        Reads the params' current ``.data``, so an optimizer's updates are seen. Gradients
        accumulate exactly as the engine's do (call ``zero_grad`` between steps).
        """
        out, grads = self.grad(None, data, gradient)
        for p, g in zip(self.params, grads):
            p.grad = g + p.grad if p.grad_computed and p.grad else g
        return out

    def _run(self, fn: Any, ps: list[float], xs: list[float], seed: float) -> Any:
        try:
            result = fn(ps, xs, seed)
        except (ArithmeticError, ValueError, TypeError):
            result = None
        out = result[0] if isinstance(result, tuple) else result
        if type(out) is not float:
            # A domain error (log of a negative, a complex power): replay the graph
            # through Value's own operators for the engine's message, which names the op.
            rerun_eagerly(self.trace, ps, xs)
            raise ValueError("tape: the compiled replay failed where the engine did not; "
                             "please report this graph")
        return result

    # Batched replay lives in autograd.batched (numpy is imported only there).
    def forward_batch(self, rows: Any, params: Sequence[float] | None = None) -> Any:
        """The output for every row of data at once, as a numpy array (needs numpy)."""
        return self._batch().forward(rows, params)

    def grad_rows(self, rows: Any, params: Sequence[float] | None = None,
                  reduction: str = "mean") -> tuple[float, list[float]]:
        """:meth:`grad_batch` in pure Python (no numpy): a generated loop over the rows."""
        return self._batch().grad(rows, params, reduction, vectorized=False)

    def grad_batch(self, rows: Any, params: Sequence[float] | None = None,
                   reduction: str = "mean") -> tuple[float, list[float]]:
        """Mean (or sum) output over the rows and the params' gradients of it, at once.

        Args:
            rows: a sequence of data rows (one value per data leaf), or a 2-D numpy array.
            params: one number per param leaf; None reads their current ``.data``.
            reduction: ``"mean"`` or ``"sum"`` over the rows.

        Returns:
            ``(loss, grads)``: equal (to rounding) to averaging/summing ``grad`` over the rows.

        Example:
            >>> from autograd import Value, compile
            >>> w, x = Value(2.0, label="w"), Value(0.0, label="x")
            >>> tape = compile(w * x * x, params=[w], data=[x])
            >>> tape.grad_batch([[1.0], [3.0]])
            (10.0, [5.0])
        """
        return self._batch().grad(rows, params, reduction)

    def grad_batch_keeping(self, rows: Any, nodes: Sequence[Value], params: Any = None,
                           reduction: str = "mean") -> tuple[float, Any, list[Any]]:
        """:meth:`grad_batch`, plus the value of each of ``nodes`` (nodes inside the traced
        graph, e.g. a model's outputs inside its loss) for every row, from the same replay.

        Returns:
            ``(loss, grads, values)``: the gradients as one float64 array, the values as one
            array of shape (batch,) per node.

        Example:
            >>> from autograd import Value, compile
            >>> w, x = Value(2.0, label="w"), Value(0.0, label="x")
            >>> out = w * x
            >>> tape = compile(out * out, params=[w], data=[x])
            >>> loss, grads, (outs,) = tape.grad_batch_keeping([[1.0], [3.0]], [out])
            >>> loss, grads.tolist(), outs.tolist()
            (20.0, [20.0], [2.0, 6.0])
        """
        return self._batch().grad_keeping(rows, nodes, params, reduction)

    def backward_batch(self, rows: Any, reduction: str = "mean") -> float:
        """Like :meth:`backward` for a whole batch: add the reduced gradients to ``.grad``."""
        out, grads = self.grad_batch(rows, None, reduction)
        for p, g in zip(self.params, grads):
            p.grad = g + p.grad if p.grad_computed and p.grad else g
        return out

    def _batch(self) -> Any:
        if self._batched is None:
            from .batched import BatchedTape

            self._batched = BatchedTape(self)
        return self._batched


def _build(source: str, name: str, trace: Trace) -> Any:
    namespace = float_namespace(trace.py)
    exec(builtins.compile(source, f"<tape {name}>", "exec"), namespace)
    return namespace[name]


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Tracing, lowering and compiling make many short-lived objects and no cycles, so the
    cyclic garbage collector, which each pass re-scans the whole heap (the user's graph
    included), finds nothing: paused meanwhile, the demo's 1,000 samples compile in about
    ¾ of the time. Garbage from elsewhere is collected when it resumes."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def compile(root: Value, params: Sequence[Value] = (), data: Sequence[Value] = (),
            outline: bool = True) -> Tape:
    """Trace ``root``'s graph once into a :class:`Tape` that replays it as straight-line code.

    Args:
        root: the output to differentiate (a loss).
        params: leaves to differentiate with respect to (weights, biases): their values
            are read on each replay, their gradients returned.
        data: leaves that change per call or per sample (inputs, targets).
        outline: a block of nodes repeated per sample (a batch's forward and backward)
            is written once as a function called per row, so compiling stays linear in
            the samples. ``False`` writes every node out: the classic demo's 100 samples
            then take about 5x longer to compile and replay about 1.5x faster (both in
            ``benchmarks/RESULTS.md``), worth it for a tape replayed hundreds of times.
            Same floats either way.

    Returns:
        A Tape. Every other leaf is baked in as a constant; ``tape.source`` shows the code.

    Example:
        >>> from autograd import Value, compile
        >>> a, b = Value(2.0, label="a"), Value(-3.0, label="b")
        >>> tape = compile(a * b + a, params=[a, b])
        >>> print(tape.source)
        def grad(params, data, seed):
            a, b = params
            # forward (a value used once that no gradient reads is written into its use)
            add1 = a * b + a
            # backward, nodes in reverse order: g_node = Σ over its uses of g_use * ∂use/∂node
            g_add1 = seed
            g_b = g_add1 * a
            g_a = g_add1 + g_add1 * b
            return add1, [g_a, g_b]
        >>> tape.grad([2.0, -3.0])
        (-4.0, [-2.0, 2.0])

        ``a * b`` has no line of its own: it is used once and no gradient reads it, so it
        is written into ``add1``'s line; and ``add1`` passes the gradient through
        unchanged, so ``g_add1`` is its gradient too.
    """
    if not isinstance(outline, bool):
        raise TypeError(f"compile: outline must be True or False, got {outline!r}")
    return Tape(root, params, data, outline)
