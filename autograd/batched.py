"""Replay one traced per-sample graph for a whole batch at once.

A tape's nodes fall in two kinds. *Shared* nodes depend on parameters and constants
only (a weight, an L2 penalty): they are computed once per batch, on floats. *Per-sample*
nodes depend on a data leaf: they get one value per row. Two ways to run the rows:

- :func:`loop_source`: pure Python, a ``for`` loop over the rows around the per-sample
  straight-line code. No numpy needed.
- :func:`numpy_source`: every per-sample variable is a numpy array along the batch axis,
  so each line of code runs for the whole batch. Ops come from :class:`NumpyMath` (the
  table read on arrays), and a rule's ``m.where(test, x, y)`` is written ``np.where``.
  Isomorphic nodes (a layer's neurons, their bias adds, their activations) are found by
  :mod:`autograd.vectorize` and run as the rows of one (n, batch) array: a layer of
  neurons (an n-ary op whose term is w·x, of shared weights and per-sample inputs) is
  one matrix product ``W @ S`` forward and ``G @ Sᵀ``, ``Wᵀ @ G`` backward; the rest, one
  node per line as before.

The backward pass of a per-sample node adds into a shared parent's gradient the sum
over the rows of its contributions: summed over a batch exactly as the per-sample loop
of the engine would (up to the order of the additions, so equal to ~1e-15; a matrix
product sums in its own order too, so grouped and one-by-one replays agree to ~1e-15,
not bit for bit).
"""

from __future__ import annotations

import builtins
import math
import operator
import re
from collections.abc import Sequence
from typing import Any

from .interpret import Interpretation
from .lowering import Trace, backward_lines, float_namespace, numbers_in
from .ops import OPS_BY_NAME, Op
from .source import INFIX, MUL, NumpySource, SourceMath
from .value import Value
from .vectorize import Group, Reduction, find_groups, product_op


def _numpy() -> Any:
    try:
        import numpy
    except ImportError:  # pragma: no cover - numpy is in the test extra
        raise ImportError(
            "batched replay needs numpy: pip install numpy (from a chainrule checkout: "
            "pip install -e '.[fast]')"
        ) from None
    return numpy


FEW = 8  # up to this many params' float gradients are added into _GR one by one


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
    return ns


class _Emitter:
    """Writes the batched function: shared forward, per-sample forward and backward,
    shared backward."""

    def __init__(self, trace: Trace, vectorized: bool, groups: bool = True,
                 keep: tuple[Any, ...] = ()) -> None:
        self.t, self.vec, self.keep = trace, vectorized, keep
        self.flavor = NumpySource(names=trace.py.names) if vectorized else trace.py
        self.sample = [n for n in trace.order if n.op is not None and n in trace.per_sample]
        self.shared = [n for n in trace.order if n.op is not None and n not in trace.per_sample]
        self.stacks: dict[tuple, tuple[str, str]] = {}  # a neuron's inputs -> stack, its grad
        self.stacked: dict[Any, tuple[str, tuple, bool]] = {}  # dot node -> (W, stack, swapped)
        # Isomorphic nodes run as the rows of one array (autograd.vectorize); the rest,
        # and everything in the pure-Python loop, one node per line.
        self.items: list[Any] = list(self.sample)
        self.group_of: dict[Any, Group] = {}
        # Nodes shared by every row group too (an l2 penalty: p·p for every param, then
        # their sum), as (n,) arrays, when the output is per row (else floats throughout).
        self.shared_items: list[Any] = list(self.shared)
        if vectorized and groups:
            shared_groups: dict[Any, Group] = {}
            if trace.root in trace.per_sample:
                self.shared_items, shared_groups = find_groups(trace, self.shared)
            self.items, self.group_of = find_groups(trace, self.sample, shared_groups)
        everything = [*self.items, *self.shared_items]
        self.groups = [g for g in everything if isinstance(g, Group)]
        reduced = {r.node for r in everything if isinstance(r, Reduction)}
        self.pindex = {p: i for i, p in enumerate(trace.params)}
        # Gradients of params read by groups are gathered in one array, _GR.
        self.flat = any(g.wkind == "P" if g.product else any(k[0] == "P" for k in g.kinds)
                        for g in self.groups)
        self.consts: list[str] = []  # module-level index arrays
        self.temps = 0
        self.touched: set[int] = set()  # params whose gradient _GR holds a term of already
        self.arr: dict[Group, tuple[str, str]] = {}  # group -> its array, its gradient
        self.ins: dict[Group, list[Any]] = {}  # elementwise group -> its inputs' symbols
        self.ws_stack: dict[Group, tuple[str, str]] = {}  # product group -> W, S
        self.alias: set[Any] = set()  # grouped nodes also read one by one: named rows
        if self.groups:
            self.alias.update(n for n in (trace.root, *keep) if n in self.group_of)
            for node in [*self.sample, *self.shared]:
                g = self.group_of.get(node)
                if node in reduced:
                    continue
                if g is None or (g.product and g.source is None):
                    self.alias.update(p for p in node.parents if p in self.group_of)

    def stackable(self, node: Any) -> bool | None:
        """For a per-sample dot: False when ws are shared and xs per-sample, True when
        swapped, None when neither (then it is unrolled like any op)."""
        if not self.vec or not product_op(node.op):
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
        """The function's source; with groups, only the params read one by one are named."""
        text = self._source(backward)
        t = self.t
        if not (self.groups and t.params):
            return text
        unpack = f"    {', '.join(t.var[p] for p in t.params)}, = params\n"
        head, _, rest = text.partition(unpack)
        used = set(re.findall(r"[A-Za-z_][A-Za-z_0-9]*", rest))
        named = [(i, t.var[p]) for i, p in enumerate(t.params) if t.var[p] in used]
        if len(named) == len(t.params):
            return text
        if not named:
            return head + rest
        names = ", ".join(name for _, name in named)
        return (head + f"    {names}, = {', '.join(f'params[{i}]' for i, _ in named)},\n"
                + rest)

    def _source(self, backward: bool) -> str:
        t = self.t
        name = ("grad" if backward else "forward") + ("_batch" if self.vec else "_rows")
        lines = [f"def {name}(params, rows, n, seed):"]
        if t.params:
            lines.append(f"    {', '.join(t.var[p] for p in t.params)}, = params")
        if self.flat:
            lines.append("    _P = np.asarray(params)")
        for item in self.shared_items:
            lines += self.item_forward(item, "    ")
        root = t.ref(t.root)
        if t.root not in t.per_sample:  # every row has the same output
            if backward:
                seen: set[Any] = set()
                lines += backward_lines(t, list(reversed(self.shared)), seen, "seed * n", "    ")
                grads = ", ".join(t.gvar[p] if p in seen else "0.0" for p in t.params)
                return "\n".join([*lines, f"    return {root} * n, [{grads}]{self.kept()}"]) + "\n"
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
        for item in self.items:
            body += self.item_forward(item, indent)
        if not backward:
            tail = (f"    return {root}" if self.vec
                    else f"        outs.append({root})\n    return outs")
            return "\n".join([*self.consts, *lines, *body, tail]) + "\n"
        if not self.vec:
            body.append(f"        total += {root}")
        if self.flat:
            body.append(f"{indent}_GR = np.zeros({len(t.params)})")
        if t.root in t.needs_grad:
            seed = "np.full(n, seed)" if self.vec else "seed"
            body.append(f"{indent}{t.gvar[t.root]} = {seed}")
            seen.add(t.root)
        body += self.sample_backward(seen, indent, self.items)
        body += self.sample_backward(seen, "    ", self.shared_items)
        total = f"float(_sum({root}, None))" if self.vec else "total"
        if self.flat:
            # gradients summed one by one, as floats
            singles = [(i, t.gvar[p]) for i, p in enumerate(t.params) if p in seen]
            if len(singles) > FEW:
                items = ", ".join(t.gvar[p] if p in seen else "0.0" for p in t.params)
                body.append(f"    _GR += np.array(({items},))")
            else:
                body += [f"    _GR[{i}] += {g}" for i, g in singles]
            return "\n".join([*self.consts, *lines, *body,
                              f"    return {total}, _GR{self.kept()}"]) + "\n"
        grads = ", ".join(t.gvar[p] if p in seen else "0.0" for p in t.params)
        return "\n".join([*self.consts, *lines, *body,
                          f"    return {total}, [{grads}]{self.kept()}"]) + "\n"

    def item_forward(self, item: Any, indent: str) -> list[str]:
        """The forward lines of a node, a group or a reduction."""
        if isinstance(item, Group):
            return self.group_forward(item, indent)
        if isinstance(item, Reduction):
            z = self.arr[item.source][0]
            total = f"_sum({z}, 0)" if item.node in self.t.per_sample else f"float(_sum({z}, None))"
            return [f"{indent}{self.t.var[item.node]} = {total}"]
        return self.forward(item, indent)

    def sample_backward(self, seen: set[Any], indent: str, items: list[Any]) -> list[str]:
        t, lines = self.t, []
        # the last consumer of a stack, in reverse order, flushes its gradient
        last_use: dict[tuple, Any] = {}
        for node in items:
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

        for node in reversed(items):
            if isinstance(node, Group):
                self.group_backward(node, seen, add, lines.append, indent)
                continue
            if isinstance(node, Reduction):
                # ∂Σ/∂ each row = 1 (the op's rule): the sum's gradient, on every row
                if node.node in seen and node.source.members[0] in t.needs_grad:
                    z, gz = self.arr[node.source]
                    add(gz, gz, f"np.broadcast_to({t.gvar[node.node]}, {z}.shape)")
                continue
            if node not in t.needs_grad:
                continue
            if node not in t.per_sample:  # shared by every row: float code
                lines += backward_lines(t, [node], seen, "", indent)
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
                    add(parent, gp, f"{local[:-3]}float(_sum({g}, None))")
                elif reads & t.per_sample:
                    add(parent, gp, f"float(np.dot({g}, {local}))")
                else:
                    add(parent, gp, f"float(_sum({g}, None)) * ({local})")
        return lines

    def kept(self) -> str:
        """The values of the nodes asked for, after the gradient (``, (a, b,)``)."""
        if not self.keep:
            return ""
        return f", ({', '.join(self.t.ref(node) for node in self.keep)},)"

    # -- groups: the rows of one (members, batch) array ----------------------------------
    def const(self, values: Any) -> str:
        """A module-level index array (built once, when the source is compiled)."""
        name = f"_i{len(self.consts)}"
        self.consts.append(f"{name} = np.array({values!r}, dtype=np.intp)")
        return name

    def temp(self) -> str:
        """A fresh name for a gradient of stacked inputs."""
        self.temps += 1
        return f"_gS{self.temps}"

    def scatter(self, index: list[Any], expr: str, emit: Any, indent: str) -> None:
        """Add ``expr`` (shaped like ``index``) into the params' gradient array."""
        flat = [i for row in index for i in (row if isinstance(row, list) else [row])]
        name = self.const(index)
        if len(set(flat)) == len(flat) and self.touched.isdisjoint(flat):
            emit(f"{indent}_GR[{name}] = {expr}")  # the first terms of these gradients
        elif len(set(flat)) == len(flat):
            emit(f"{indent}_GR[{name}] += {expr}")
        else:  # a param read twice: += through an index would keep one of its terms
            emit(f"{indent}np.add.at(_GR, {name}, {expr})")
        self.touched.update(flat)

    def group_forward(self, g: Group, indent: str) -> list[str]:
        t, k, lines = self.t, len(self.arr), []
        z = f"_Z{k}"
        self.arr[g] = (z, f"_gZ{k}")
        if g.product:
            # Row i of Z is member i's Σ wᵢⱼ·xⱼ: the whole group is one product W @ S.
            w = f"_W{k}"
            if g.wkind == "P":
                index: Any = [[self.pindex[p] for p in ws] for ws in g.ws]
                lines.append(f"{indent}{w} = _P[{self.const(index)}]")
            else:
                rows = ", ".join("(" + ", ".join(t.ref(p) for p in ws) + ",)" for ws in g.ws)
                lines.append(f"{indent}{w} = np.array(({rows},))")
            if g.source is not None:
                src = self.arr[g.source][0]
                stack = src
                if g.rows != list(range(len(g.source.members))):
                    stack = f"_S{k}"
                    lines.append(f"{indent}{stack} = {src}[{self.const(g.rows)}]")
            else:
                stack = f"_S{k}"
                data = {d: i for i, d in enumerate(t.data)}
                if all(x in data for x in g.xs):  # data leaves: rows of ``rows`` itself
                    at = [data[x] for x in g.xs]
                    if at == list(range(at[0], at[0] + len(at))):
                        lines.append(f"{indent}{stack} = rows[{at[0]}:{at[0] + len(at)}]")
                    else:
                        lines.append(f"{indent}{stack} = rows[{self.const(at)}]")
                else:
                    refs = ", ".join(t.ref(x) for x in g.xs)
                    lines.append(f"{indent}{stack} = np.array(({refs},))")
            self.ws_stack[g] = (w, stack)
            lines.append(f"{indent}{z} = {w} @ {stack}")
        else:
            # The op's own forward read on arrays (NumpySource), its inputs whole rows.
            lang, ins = self.flavor, []
            for i, kind in enumerate(g.kinds):
                if kind[0] == "g":
                    source = self.arr[kind[1]][0]
                    if g.members[0] in t.per_sample and kind[1].members[0] not in t.per_sample:
                        source += "[:, None]"  # a shared group's rows, the same on every row
                    ins.append(lang.var(source))
                elif kind[0] in ("n", "s"):
                    ins.append(t.sym(kind[1], lang))
                else:
                    col = f"_c{k}_{i}"
                    across = "[:, None]" if g.members[0] in t.per_sample else ""
                    if kind[0] == "P":
                        column: Any = [self.pindex[m.parents[i]] for m in g.members]
                        lines.append(f"{indent}{col} = _P[{self.const(column)}]{across}")
                    else:
                        refs = ", ".join(t.ref(m.parents[i]) for m in g.members)
                        lines.append(f"{indent}{col} = np.array(({refs},)){across}")
                    ins.append(lang.var(col))
            self.ins[g] = ins
            expr = lang.call(g.op, ins, g.arg).text
            if g.op.via is not None:
                # What np_<op> runs (the op written with other ops, its via), printed
                # inline: one numpy expression instead of three Python calls per group.
                try:
                    extra = (g.arg,) if g.op.param else ()
                    expr = lang.lift_value(g.op.via(lang, *ins, *extra)).text
                except (TypeError, ValueError, AttributeError):  # a via for values only
                    pass
            lines.append(f"{indent}{z} = {expr}")
        lines += [f"{indent}{t.var[m]} = {z}[{i}]" for i, m in enumerate(g.members)
                  if m in self.alias]
        return lines

    def group_backward(self, g: Group, seen: set[Any], add: Any, emit: Any,
                       indent: str) -> None:
        t = self.t
        if g.members[0] not in t.needs_grad:  # the same for every member
            return
        z, gz = self.arr[g]
        batch = g.members[0] in t.per_sample  # else a group of nodes shared by every row
        if any(m in seen for m in g.members):  # rows read one by one: their gradients
            zero = "np.zeros(n)" if batch else "0.0"
            rows = ", ".join(t.gvar[m] if m in seen else zero for m in g.members)
            add(gz, gz, f"np.array(({rows},))")
        if gz not in seen:
            return
        if g.product:
            # The product rule ∂(w·x)/∂w = x, ∂(w·x)/∂x = w (the op's rules, checked by
            # product_op) for a whole group: ∂L/∂W = G @ Sᵀ summed over the batch, and
            # ∂L/∂S = Wᵀ @ G.
            w, stack = self.ws_stack[g]
            if g.wkind == "P":
                matrix: Any = [[self.pindex[p] for p in ws] for ws in g.ws]
                self.scatter(matrix, f"{gz} @ {stack}.T", emit, indent)
            if not any(x in t.needs_grad for x in g.xs):
                return
            gs = f"{w}.T @ {gz}"
            src = g.source
            if src is not None:
                n_src = len(src.members)
                gsrc = self.arr[src][1]
                if g.rows == list(range(n_src)):
                    add(gsrc, gsrc, gs)
                elif sorted(g.rows) == list(range(n_src)):  # the rows reordered: undo it
                    inverse = sorted(range(n_src), key=g.rows.__getitem__)
                    add(gsrc, gsrc, f"({gs})[{self.const(inverse)}]")
                else:  # some rows twice, or not at all
                    tmp = self.temp()
                    emit(f"{indent}{tmp} = np.zeros(({n_src}, n))")
                    emit(f"{indent}np.add.at({tmp}, {self.const(g.rows)}, {gs})")
                    add(gsrc, gsrc, tmp)
                return
            tmp = self.temp()
            emit(f"{indent}{tmp} = {gs}")
            for j, x in enumerate(g.xs):
                if x in t.needs_grad:
                    add(x, t.gvar[x], f"{tmp}[{j}]")
            return
        # Elementwise: the op's rule per input, run on the group's arrays (NumpySource).
        lang, ins = self.flavor, self.ins[g]
        out = lang.var(z)
        for i, kind in enumerate(g.kinds):
            if kind[0] == "C" or (kind[0] in "gns" and kind[0] != "g"
                                  and kind[1] not in t.needs_grad):
                continue
            if kind[0] == "g" and kind[1].members[0] not in t.needs_grad:
                continue
            local = lang.lift_value(g.op.local(i, lang, ins, out, g.arg))
            if local.text == "1.0":
                product = gz
            elif local.text == "(-1.0)":
                product = f"(-{gz})"
            else:
                product = f"{gz} * {SourceMath.wrap(local, MUL + 1)}"
            if kind[0] == "g":
                target = self.arr[kind[1]][1]
                if batch and kind[1].members[0] not in t.per_sample:  # summed over the rows
                    product = f"_sum({product}, 1)"
                add(target, target, product)
            elif kind[0] == "n":
                add(kind[1], t.gvar[kind[1]], f"_sum({product}, 0)")
            elif kind[0] == "s":
                add(kind[1], t.gvar[kind[1]], f"float(_sum({product}, None))")
            else:
                column = [self.pindex[m.parents[i]] for m in g.members]
                self.scatter(column, f"_sum({product}, 1)" if batch else product, emit, indent)

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


def numpy_source(trace: Trace, backward: bool = True, groups: bool = True,
                 keep: tuple[Any, ...] = ()) -> str:
    """The batched function in numpy: one array per per-sample node, along the rows, or
    with ``groups`` (the default) one (n, batch) array per group of isomorphic nodes
    (see :mod:`autograd.vectorize`)."""
    return _Emitter(trace, vectorized=True, groups=groups, keep=keep).source(backward)




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
        out = self.function(vectorized, False)(self._params(params), data, n, 1.0)
        if vectorized:
            np = _numpy()
            return np.broadcast_to(np.asarray(out, dtype=np.float64), (n,)).copy()
        return out

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
            with np.errstate(all="ignore"):
                total, grads, *rest = fn(ps, data, n, seed)
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
                self._explain(list(ps), data.T.tolist())
        else:
            try:
                total, grads = fn(ps, data, n, seed)
            except (ArithmeticError, ValueError, TypeError):
                self._explain(ps, data)
                raise
        return (total / n if reduction == "mean" else total), grads, values

    def _explain(self, ps: list[float], rows: list[list[float]]) -> None:
        # numpy turns a domain error into nan silently; the engine raises. Replay the
        # rows one by one on floats: the first failing row raises the engine's message.
        for i, row in enumerate(rows):
            try:
                self.tape.grad(ps, row)
            except (ArithmeticError, ValueError, TypeError) as err:
                raise type(err)(f"row {i}: {err}") from None
