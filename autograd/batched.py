"""Replay one traced per-sample graph for a whole batch at once.

A tape's nodes fall in two kinds. *Shared* nodes depend on parameters and constants
only (a weight, an L2 penalty): they are computed once per batch, on floats. *Per-sample*
nodes depend on a data leaf: they get one value per row. Two ways to run the rows:

- :func:`loop_source`: pure Python, a ``for`` loop over the rows around the per-sample
  straight-line code. No numpy needed.
- :func:`numpy_source`: every per-sample variable is a numpy array along the batch axis,
  so each line of code runs for the whole batch. Ops come from :class:`NumpyMath` (the
  table read on arrays), and a rule's ``m.where(test, x, y)`` is written ``np.where``. A
  neuron (an n-ary op whose term is w·x, of shared weights and per-sample inputs) becomes
  one matrix product.

The backward pass of a per-sample node adds into a shared parent's gradient the sum
over the rows of its contributions: summed over a batch exactly as the per-sample loop
of the engine would (up to the order of the additions, so equal to ~1e-15).
"""

from __future__ import annotations

import builtins
import functools
import math
import operator
from typing import Any

from .interpret import Interpretation
from .lowering import Trace, backward_lines, float_namespace, numbers_in
from .ops import OPS_BY_NAME, Op
from .source import INFIX, NumpySource


def _numpy() -> Any:
    try:
        import numpy
    except ImportError:  # pragma: no cover - numpy is in the test extra
        raise ImportError(
            "batched replay needs numpy: pip install chainrule[fast]  (or: pip install numpy)"
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
    return ns


@functools.cache
def _is_product(op: Op) -> bool:
    """An n-ary op whose term is the product of its row (w·x): a matrix product."""
    if op.arity != 0 or op.term is None or len(op.rules) != 2:
        return False
    m = NumpySource([])
    return op.term(m, m.var("w"), m.var("x")).text == "w * x"


class _Emitter:
    """Writes the batched function: shared forward, per-sample forward and backward,
    shared backward."""

    def __init__(self, trace: Trace, vectorized: bool) -> None:
        self.t, self.vec = trace, vectorized
        self.flavor = NumpySource(names=trace.py.names) if vectorized else trace.py
        self.sample = [n for n in trace.order if n.op is not None and n in trace.per_sample]
        self.shared = [n for n in trace.order if n.op is not None and n not in trace.per_sample]
        self.stacks: dict[tuple, tuple[str, str]] = {}  # a neuron's inputs -> stack, its grad
        self.stacked: dict[Any, tuple[str, tuple, bool]] = {}  # dot node -> (W, stack, swapped)

    def stackable(self, node: Any) -> bool | None:
        """For a per-sample dot: False when ws are shared and xs per-sample, True when
        swapped, None when neither (then it is unrolled like any op)."""
        if not self.vec or not _is_product(node.op):
            return None
        half = len(node.parents) // 2
        first = [p in self.t.per_sample for p in node.parents[:half]]
        second = [p in self.t.per_sample for p in node.parents[half:]]
        if not any(first) and all(second):
            return False
        if all(first) and not any(second):
            return True
        return None

    def forward(self, node: Any, indent: str) -> list[str]:
        t = self.t
        swapped = self.stackable(node) if node in t.per_sample else None
        if swapped is None:
            flavor = self.flavor if node in t.per_sample else t.py
            return [f"{indent}{t.var[node]} = {t.forward_expr(node, flavor)}"]
        half = len(node.parents) // 2
        ws, xs = node.parents[:half], node.parents[half:]
        if swapped:
            ws, xs = xs, ws
        lines = []
        if xs not in self.stacks:
            stack = t.names.new("stack")
            self.stacks[xs] = (stack, t.names.new("g_" + stack))
            refs = ", ".join(t.ref(x) for x in xs)
            lines.append(f"{indent}{stack} = np.stack(({refs},))")
        w = t.names.new("W_" + t.var[node])
        self.stacked[node] = (w, xs, swapped)
        lines.append(f"{indent}{w} = np.array(({', '.join(t.ref(x) for x in ws)},))")
        lines.append(f"{indent}{t.var[node]} = np.dot({w}, {self.stacks[xs][0]})")
        return lines

    def source(self, backward: bool) -> str:
        t = self.t
        name = ("grad" if backward else "forward") + ("_batch" if self.vec else "_rows")
        lines = [f"def {name}(params, rows, n, seed):"]
        if t.params:
            lines.append(f"    {', '.join(t.var[p] for p in t.params)}, = params")
        for node in self.shared:
            lines += self.forward(node, "    ")
        root = t.ref(t.root)
        if t.root not in t.per_sample:  # every row has the same output
            if backward:
                seen: set[Any] = set()
                lines += backward_lines(t, list(reversed(self.shared)), seen, "seed * n", "    ")
                grads = ", ".join(t.gvar[p] if p in seen else "0.0" for p in t.params)
                return "\n".join([*lines, f"    return {root} * n, [{grads}]"]) + "\n"
            return "\n".join([*lines, f"    return [{root}] * n"]) + "\n"
        data = ", ".join(t.var[d] for d in t.data) + ","
        seen = set()
        if self.vec:
            body, indent = [f"    {data} = rows"], "    "
        else:
            into = {p for n in self.sample for p, *_ in t.edges(n, t.py)} - t.per_sample
            body = [f"    {t.gvar[p]} = 0.0" for p in t.order if p in into]
            seen |= into
            body += ["    total = 0.0" if backward else "    outs = []", f"    for {data} in rows:"]
            indent = "        "
        for node in self.sample:
            body += self.forward(node, indent)
        if not backward:
            tail = (f"    return {root}" if self.vec
                    else f"        outs.append({root})\n    return outs")
            return "\n".join([*lines, *body, tail]) + "\n"
        if not self.vec:
            body.append(f"        total += {root}")
        if t.root in t.needs_grad:
            seed = "np.full(n, seed)" if self.vec else "seed"
            body.append(f"{indent}{t.gvar[t.root]} = {seed}")
            seen.add(t.root)
        body += self.sample_backward(seen, indent)
        body += backward_lines(t, list(reversed(self.shared)), seen, "", "    ")
        total = f"float(np.sum({root}))" if self.vec else "total"
        grads = ", ".join(t.gvar[p] if p in seen else "0.0" for p in t.params)
        return "\n".join([*lines, *body, f"    return {total}, [{grads}]"]) + "\n"

    def sample_backward(self, seen: set[Any], indent: str) -> list[str]:
        t, lines = self.t, []
        # the last consumer of a stack, in reverse order, flushes its gradient
        last_use: dict[tuple, Any] = {}
        for node in self.sample:
            if node in self.stacked and node in t.needs_grad:
                last_use.setdefault(self.stacked[node][1], node)
        flush_after = {node: xs for xs, node in last_use.items()}

        def add(target: Any, name: str, expr: str) -> None:
            if target not in seen:
                lines.append(f"{indent}{name} = {expr}")
            elif self.vec and (target in t.per_sample or isinstance(target, str)):
                # Arrays may be shared by two names (g_b = g_a): never add in place.
                lines.append(f"{indent}{name} = {name} + {expr}")
            else:
                lines.append(f"{indent}{name} += {expr}")
            seen.add(target)

        for node in reversed(self.sample):
            if node not in t.needs_grad:
                continue
            g = t.gvar[node]
            if node in self.stacked:
                self.stacked_backward(node, g, add)
                if node in flush_after:
                    self.flush(flush_after[node], add)
                continue
            for parent, local, product, reads in t.edges(node, self.flavor):
                gp = t.gvar[parent]
                if parent in t.per_sample or not self.vec:
                    add(parent, gp, product.format(g=g))
                elif local in ("1.0", "-1.0"):
                    add(parent, gp, f"{local[:-3]}float(np.sum({g}))")
                elif reads & t.per_sample:
                    add(parent, gp, f"float(np.dot({g}, {local}))")
                else:
                    add(parent, gp, f"float(np.sum({g})) * ({local})")
        return lines

    def stacked_backward(self, node: Any, g: str, add: Any) -> None:
        # z = W·S: ∂z/∂W sums the stacked inputs against g; ∂z/∂S is the outer product W⊗g.
        t = self.t
        w, xs, swapped = self.stacked[node]
        half = len(node.parents) // 2
        ws = node.parents[half:] if swapped else node.parents[:half]
        stack, gstack = self.stacks[xs]
        if any(x in t.needs_grad for x in xs):
            add(gstack, gstack, f"np.outer({w}, {g})")
        if any(p in t.needs_grad for p in ws):
            tmp = t.names.new("gW_" + t.var[node])
            add(tmp, tmp, f"np.dot({stack}, {g}).tolist()")
            for j, p in enumerate(ws):
                if p in t.needs_grad:
                    add(p, t.gvar[p], f"{tmp}[{j}]")

    def flush(self, xs: tuple, add: Any) -> None:
        gstack = self.stacks[xs][1]
        for j, x in enumerate(xs):
            if x in self.t.needs_grad:
                add(x, self.t.gvar[x], f"{gstack}[{j}]")


def loop_source(trace: Trace, backward: bool = True) -> str:
    """The batched function in pure Python: a loop over the rows."""
    return _Emitter(trace, vectorized=False).source(backward)


def numpy_source(trace: Trace, backward: bool = True) -> str:
    """The batched function in numpy: one array per per-sample node, along the rows."""
    return _Emitter(trace, vectorized=True).source(backward)




class BatchedTape:
    """The batched replays of a :class:`~autograd.compile.Tape` (built on first use)."""

    def __init__(self, tape: Any) -> None:
        self.tape, self.trace = tape, tape.trace
        self._fns: dict[tuple[bool, bool], Any] = {}

    def function(self, vectorized: bool, backward: bool) -> Any:
        """The generated function (compiled once, then cached)."""
        key = (vectorized, backward)
        if key not in self._fns:
            source = (numpy_source if vectorized else loop_source)(self.trace, backward)
            ns = numpy_namespace(self.trace) if vectorized else float_namespace(self.trace.py)
            name = ("grad" if backward else "forward") + ("_batch" if vectorized else "_rows")
            exec(builtins.compile(source, f"<tape {name}>", "exec"), ns)
            self._fns[key] = ns[name]
        return self._fns[key]

    def _params(self, params: Any) -> list[float]:
        tape = self.tape
        if params is None:
            return [p.data for p in tape.params]
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
        out = self.function(vectorized, False)(self._params(params), data, n, 1.0)
        if vectorized:
            np = _numpy()
            return np.broadcast_to(np.asarray(out, dtype=np.float64), (n,)).copy()
        return out

    def grad(self, rows: Any, params: Any = None, reduction: str = "mean",
             vectorized: bool = True) -> tuple[float, list[float]]:
        """Reduced output over the rows and its gradient per param."""
        if reduction not in ("mean", "sum"):
            raise ValueError(f"tape: reduction must be 'mean' or 'sum', got {reduction!r}")
        ps = self._params(params)
        data, n = self._rows(rows, vectorized)
        seed = 1.0 / n if reduction == "mean" else 1.0
        fn = self.function(vectorized, True)
        if vectorized:
            np = _numpy()
            with np.errstate(all="ignore"):
                total, grads = fn(ps, data, n, seed)
            if not (math.isfinite(total) and all(map(math.isfinite, grads))):
                self._explain(ps, data.T.tolist())
        else:
            try:
                total, grads = fn(ps, data, n, seed)
            except (ArithmeticError, ValueError, TypeError):
                self._explain(ps, data)
                raise
        return (total / n if reduction == "mean" else total), grads

    def _explain(self, ps: list[float], rows: list[list[float]]) -> None:
        # numpy turns a domain error into nan silently; the engine raises. Replay the
        # rows one by one on floats: the first failing row raises the engine's message.
        for i, row in enumerate(rows):
            try:
                self.tape.grad(ps, row)
            except (ArithmeticError, ValueError, TypeError) as err:
                raise type(err)(f"row {i}: {err}") from None
