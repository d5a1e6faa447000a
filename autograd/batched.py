"""Replay one traced per-sample graph for a whole batch at once.

Two ways to run the rows: :func:`autograd.rowloop.loop_program`, a pure-Python loop
around the per-sample tape (no numpy needed), and :func:`autograd.arrays.numpy_program`,
every per-sample variable a numpy array along the batch (layers as matrix products).
:class:`BatchedTape` compiles them on first use and runs them for
:meth:`~autograd.compile.Tape.grad_batch`, :meth:`~autograd.compile.Tape.grad_rows`,
:meth:`~autograd.compile.Tape.forward_batch` and
:meth:`~autograd.compile.Tape.grad_batch_keeping`.

Every replay refuses what the engine refuses: numpy goes on with ``inf`` and ``nan``
where Python raises (``1/0``, ``log(-1)``), so the arrays are computed with numpy's
floating-point errors raised; on one, the rows are replayed one by one on floats, and
the first row the engine refuses raises the engine's message (naming the op), prefixed
with the row. Where no row fails (a product overflowing to ``inf``, which the engine
computes too), the batch is computed again with those errors ignored.
"""

from __future__ import annotations

import builtins
import math
import operator
from collections.abc import Callable, Sequence
from typing import Any

from .arrays import numpy_program
from .interpret import Interpretation
from .ops import OPS_BY_NAME, Op
from .rowloop import loop_program
from .symbols import INFIX
from .trace import Trace, float_namespace, numbers_in
from .value import Value


def _numpy() -> Any:
    try:
        import numpy
    except ImportError:  # pragma: no cover - numpy is in the test extra
        raise ImportError(
            "batched replay needs numpy: pip install numpy (from a chainrule checkout: "
            "pip install -e '.[fast]')"
        ) from None
    return numpy


class NumpyMath(Interpretation):
    """Rules and ops on numpy arrays, elementwise: the interpretation batched code runs in.

    An op is, in order of preference: written with other ops (its ``via``, as for relu
    and sigmoid), a Python operator (which numpy applies elementwise), numpy's function of
    the same name (table ops only: an op from outside the table named ``tanh`` is not
    numpy's tanh), or its float forward applied one element at a time.
    """

    def __init__(self, ops: Any) -> None:
        self.np = _numpy()
        super().__init__(ops)

    def lift(self, op: Op) -> Any:
        """``op`` on arrays."""
        via = op.via
        if via is not None:
            return lambda *args: via(self, *args)
        if op.forward in INFIX or op.arity == 0 or op.forward is operator.neg:
            return op.forward
        native = getattr(self.np, op.name, None)
        if native is not None and OPS_BY_NAME.get(op.name) is op:
            return native
        return self.np.vectorize(op.forward, otypes=[float])

    def where(self, test: Any, x: Any, y: Any) -> Any:
        """Elementwise choice."""
        return self.np.where(test, x, y)


def numpy_namespace(trace: Trace) -> dict[str, Any]:
    """What generated numpy code can see: each op on arrays as ``np_<name>``, numpy's
    helpers, and the float namespace for the nodes shared by every row."""
    np = _numpy()
    m = NumpyMath(trace.ops)
    ns = float_namespace(trace.py)
    ns |= {"np_" + name: m.lift(op) for op, name in trace.py.names.items()}
    ns["np"] = np
    ns["_sum"] = np.add.reduce  # np.sum without its Python wrapper: the same sums
    ns["None"] = None
    return ns


def numpy_source(trace: Trace, backward: bool = True, groups: bool = True,
                 keep: tuple[Any, ...] = ()) -> str:
    """The batched function over numpy arrays, as Python source (see
    :func:`autograd.arrays.numpy_program`)."""
    return trace.py.like(numpy=True).source(numpy_program(trace, backward, groups, keep))


def loop_source(trace: Trace, backward: bool = True) -> str:
    """The batched function in pure Python, as source (see
    :func:`autograd.rowloop.loop_program`)."""
    return trace.py.source(loop_program(trace, backward))


class BatchedTape:
    """The batched replays of a :class:`~autograd.compile.Tape` (built on first use)."""

    def __init__(self, tape: Any, groups: bool = True) -> None:
        self.tape, self.trace, self.groups = tape, tape.trace, groups
        self._fns: dict[tuple[bool, bool, tuple[Any, ...]], Any] = {}

    def function(self, vectorized: bool, backward: bool, keep: tuple[Any, ...] = ()) -> Any:
        """The generated function (compiled once, then cached)."""
        key = (vectorized, backward, keep)
        if key not in self._fns:
            if vectorized:
                source = numpy_source(self.trace, backward, self.groups, keep)
            else:
                source = loop_source(self.trace, backward)
            ns = numpy_namespace(self.trace) if vectorized else float_namespace(self.trace.py)
            name = ("grad" if backward else "forward") + ("_batch" if vectorized else "_rows")
            exec(builtins.compile(source, f"<tape {name}>", "exec"), ns)
            self._fns[key] = ns[name]
        return self._fns[key]

    def _params(self, params: Any) -> Any:
        tape = self.tape
        if params is None:
            return [p.data for p in tape.params]
        if getattr(params, "dtype", None) == "float64" and params.shape == (len(tape.params),):
            return params  # a float64 vector (a trainer's weights): numbers already
        return numbers_in(params, len(tape.params), tape.params, "params")

    def _rows(self, rows: Any, vectorized: bool) -> tuple[Any, int]:
        n_data = len(self.trace.data)
        if vectorized:
            np = _numpy()
            try:
                array = np.asarray(rows, dtype=np.float64)
            except (TypeError, ValueError) as err:
                raise TypeError(f"tape: rows must be numbers, one row of {n_data} per sample "
                                f"({err})") from None
            if array.ndim != 2 or array.shape[1] != n_data or array.shape[0] == 0:
                raise ValueError(f"tape: rows must have shape (batch, {n_data}) with batch ≥ 1, "
                                 f"got shape {array.shape}")
            return np.ascontiguousarray(array.T), array.shape[0]
        rows = [numbers_in(r, n_data, self.trace.data, "data") for r in rows]
        if not rows:
            raise ValueError("tape: rows is empty; a batch needs at least one row")
        return rows, len(rows)

    def forward(self, rows: Any, params: Any = None, vectorized: bool = True) -> Any:
        """The output for every row (a numpy array, or a list without numpy)."""
        data, n = self._rows(rows, vectorized)
        ps = self._params(params)
        fn = self.function(vectorized, False)
        if not vectorized:
            try:
                return fn(ps, data, n, 1.0)
            except (ArithmeticError, ValueError, TypeError):
                self._explain(ps, data, self.tape.forward)
                raise
        np = _numpy()
        out = self._checked(lambda: fn(ps, data, n, 1.0), ps, data, self.tape.forward)
        return np.broadcast_to(np.asarray(out, dtype=np.float64), (n,)).copy()

    def _checked(self, run: Callable[[], Any], ps: Any, data: Any,
                 replay: Callable[..., Any]) -> Any:
        """``run()`` with numpy's floating-point errors raised; on one, the rows replayed on
        floats (``replay(params, row)``) raise the engine's error; where none fails, the
        result of ``run()`` with those errors ignored (an ``inf`` the engine computes too)."""
        np = _numpy()
        try:
            with np.errstate(divide="raise", invalid="raise", over="raise"):
                return run()
        except (ArithmeticError, ValueError):
            self._explain(list(ps), data.T.tolist(), replay)
        with np.errstate(all="ignore"):
            return run()

    def grad(self, rows: Any, params: Any = None, reduction: str = "mean",
             vectorized: bool = True) -> tuple[float, list[float]]:
        """Reduced output over the rows and its gradient per param."""
        total, grads, _ = self._grad(rows, params, reduction, vectorized, ())
        return total, grads

    def grad_keeping(self, rows: Any, nodes: Sequence[Value], params: Any = None,
                     reduction: str = "mean") -> tuple[float, Any, list[Any]]:
        """:meth:`grad` (numpy), and the value of each of ``nodes`` for every row, from the
        same replay: what :meth:`Tape.grad_batch_keeping` runs (its docstring has an example)."""
        keep = tuple(nodes)
        if (True, True, keep) not in self._fns:
            order = set(self.trace.order)
            for i, node in enumerate(keep):
                if node not in order:
                    raise ValueError(f"tape: nodes[{i}] ({node!r}) is not in the traced graph; "
                                     "keep only nodes the traced output depends on")
        total, grads, values = self._grad(rows, params, reduction, True, keep)
        np = _numpy()
        if type(grads) is not np.ndarray:
            grads = np.array(grads, dtype=np.float64)
        n = len(rows)  # a node no row changes has one value: one per row all the same
        return total, grads, [v if type(v) is np.ndarray and v.ndim else
                              np.full(n, v, dtype=np.float64) for v in values]

    def _grad(self, rows: Any, params: Any, reduction: str, vectorized: bool,
              keep: tuple[Any, ...]) -> tuple[float, list[float], Any]:
        if reduction not in ("mean", "sum"):
            raise ValueError(f"tape: reduction must be 'mean' or 'sum', got {reduction!r}")
        ps = self._params(params)
        data, n = self._rows(rows, vectorized)
        seed = 1.0 / n if reduction == "mean" else 1.0
        fn = self.function(vectorized, True, keep)
        values: Any = ()
        if vectorized:
            np = _numpy()
            total, grads, *rest = self._checked(lambda: fn(ps, data, n, seed), ps, data,
                                                self.tape.grad)
            if keep:
                values = rest[0]
            if isinstance(grads, np.ndarray):  # grouped: the gradients in one array
                # a finite sum has finite terms (an overflowing one is checked term by term)
                finite = math.isfinite(np.add.reduce(grads)) or bool(np.isfinite(grads).all())
                if not keep:
                    grads = grads.tolist()
            else:
                finite = all(map(math.isfinite, grads))
            if not (math.isfinite(total) and finite):
                self._explain(list(ps), data.T.tolist(), self.tape.grad)
        else:
            try:
                total, grads = fn(ps, data, n, seed)
            except (ArithmeticError, ValueError, TypeError):
                self._explain(ps, data, self.tape.grad)
                raise
        return (total / n if reduction == "mean" else total), grads, values

    def _explain(self, ps: list[float], rows: list[list[float]],
                 replay: Callable[..., Any]) -> None:
        # numpy turns a domain error into nan silently; the engine raises. Replay the
        # rows one by one on floats: the first failing row raises the engine's message.
        for i, row in enumerate(rows):
            try:
                replay(ps, row)
            except (ArithmeticError, ValueError, TypeError) as err:
                raise type(err)(f"row {i}: {err}") from None
