"""Batched replay over numpy arrays: one traced per-sample graph run for a whole batch.

Every per-sample variable is an array along the batch axis, so each line runs for all
the rows; ops are the table's read on arrays (``np_<op>``), a rule's ``m.where`` is
``np.where``. Isomorphic nodes (a layer's neurons, their bias adds, their activations)
are found by :mod:`autograd.vectorize` and run as the rows of one (n, batch) array: a
layer of neurons (an n-ary op whose term is w·x, of shared weights and per-sample
inputs) is one matrix product ``W @ S`` forward and ``G @ Sᵀ``, ``Wᵀ @ G`` backward; the
rest, one node per instruction. The backward of a per-sample node adds into a shared
parent's gradient the sum over the rows of its contributions (numpy's summation order,
so equal to the engine to ~1e-15, not bit for bit).

:func:`numpy_program` writes the function as instructions (:mod:`autograd.instructions`)
for the Python printer in its numpy flavour.
"""

from __future__ import annotations

from typing import Any

from .arraygroups import Adder, GroupCode, np_call, over_rows
from .code import Attr, Fn, Item, Lst, Scalar, Tup
from .expr import Bin, Expr, Num, Var, mul, neg
from .instructions import Assign, Def, Return, Statement, reads, walk
from .lowering import edges
from .reading import variables
from .trace import Trace
from .vectorize import Group, Reduction, find_groups, product_op

FEW = 8  # up to this many params' float gradients are added into _GR one by one


class Arrays(GroupCode):
    """The batched function's instructions: shared forward, per-sample forward and
    backward, shared backward (see :func:`numpy_program`)."""

    def __init__(self, trace: Trace, groups: bool = True, keep: tuple[Any, ...] = ()) -> None:
        t = self.t = trace
        self.keep = keep
        self.sample = [n for n in t.order if n.op is not None and n in t.per_sample]
        self.shared = [n for n in t.order if n.op is not None and n not in t.per_sample]
        self.stacks: dict[tuple[Any, ...], tuple[str, str]] = {}  # inputs -> stack, its grad
        self.stacked: dict[Any, tuple[str, tuple[Any, ...], bool]] = {}  # dot -> W, xs, swapped
        self.items: list[Any] = list(self.sample)
        self.group_of: dict[Any, Group] = {}
        # Nodes shared by every row group too (an l2 penalty: p·p for every param, then
        # their sum), as (n,) arrays, when the output is per row (else floats throughout).
        self.shared_items: list[Any] = list(self.shared)
        if groups:
            shared_groups: dict[Any, Group] = {}
            if t.root in t.per_sample:
                self.shared_items, shared_groups = find_groups(t, self.shared)
            self.items, self.group_of = find_groups(t, self.sample, shared_groups)
        everything = [*self.items, *self.shared_items]
        self.groups = [g for g in everything if isinstance(g, Group)]
        reduced = {r.node for r in everything if isinstance(r, Reduction)}
        self.pindex = {p: i for i, p in enumerate(t.params)}
        # Gradients of params read by groups are gathered in one array, _GR.
        self.flat = any(g.wkind == "P" if g.product else any(k[0] == "P" for k in g.kinds)
                        for g in self.groups)
        self.consts: list[Statement] = []  # module-level index arrays
        self.temps = 0
        self.touched: set[int] = set()  # params whose gradient _GR holds a term of already
        self.arr: dict[Group, tuple[str, str]] = {}  # group -> its array, its gradient
        self.ins: dict[Group, list[Expr]] = {}  # elementwise group -> its inputs
        self.ws_stack: dict[Group, tuple[str, str]] = {}  # product group -> W, S
        self.alias: set[Any] = set()  # grouped nodes also read one by one: named rows
        if self.groups:
            self.alias.update(n for n in (t.root, *keep) if n in self.group_of)
            for node in [*self.sample, *self.shared]:
                g = self.group_of.get(node)
                if node in reduced:
                    continue
                if g is None or (g.product and g.source is None):
                    self.alias.update(p for p in node.parents if p in self.group_of)

    # -- nodes one by one ------------------------------------------------------------------
    def stackable(self, node: Any) -> bool | None:
        """For a per-sample dot: False when ws are shared and xs per-sample, True when
        swapped, None when neither (then it is replayed like any op)."""
        if not product_op(node.op):
            return None
        half = len(node.parents) // 2
        first = [p in self.t.per_sample for p in node.parents[:half]]
        second = [p in self.t.per_sample for p in node.parents[half:]]
        if not any(first) and all(second):
            return False
        if all(first) and not any(second):
            return True
        return None

    def forward(self, node: Any) -> list[Statement]:
        """A node's forward: its op on arrays, or a dot as a matrix-vector product."""
        t = self.t
        swapped = self.stackable(node) if node in t.per_sample else None
        if swapped is None:
            value = t.forward(node)
            return [Assign(Var(t.var[node]), value if node in t.per_sample else Scalar(value))]
        half = len(node.parents) // 2
        ws, xs = node.parents[:half], node.parents[half:]
        if swapped:
            ws, xs = xs, ws
        out: list[Statement] = []
        if xs not in self.stacks:
            stack = t.names.new("stack")
            self.stacks[xs] = (stack, t.names.new("g_" + stack))
            out.append(Assign(Var(stack), np_call("stack", Tup(tuple(t.syms[x] for x in xs)))))
        w = t.names.new("W_" + t.var[node])
        self.stacked[node] = (w, xs, swapped)
        out.append(Assign(Var(w), np_call("array", Tup(tuple(t.syms[x] for x in ws)))))
        out.append(Assign(Var(t.var[node]), np_call("dot", Var(w), Var(self.stacks[xs][0]))))
        return out

    def item_forward(self, item: Any) -> list[Statement]:
        """The forward of a node, a group or a reduction."""
        if isinstance(item, Group):
            return self.group_forward(item)
        if isinstance(item, Reduction):
            z = Var(self.arr[item.source][0])
            total = Fn("_sum", (z, Num(0))) if item.node in self.t.per_sample else over_rows(z)
            return [Assign(Var(self.t.var[item.node]), total)]
        return self.forward(item)

    def program(self, backward: bool) -> list[Statement]:
        """The module: index arrays, then ``grad_batch`` / ``forward_batch``."""
        t = self.t
        name = "grad_batch" if backward else "forward_batch"
        head: list[Statement] = []
        if self.flat:
            head.append(Assign(Var("_P"), np_call("asarray", Var("params"))))
        for item in self.shared_items:
            head += self.item_forward(item)
        root = t.syms[t.root]
        if t.root not in t.per_sample:  # every row has the same output
            if backward:
                seen: set[Any] = set()
                head += floats(edges(t, list(reversed(self.shared)), seen,
                                     Bin("*", Var("seed"), Var("n"))))
                head.append(Return(Tup((Bin("*", root, Var("n")), self.grads(seen), *self.kept()))))
            else:
                head.append(Return(Bin("*", Lst((root,)), Var("n"))))
            return self.module(name, head)
        body: list[Statement] = [Assign(Tup(tuple(Var(t.var[d]) for d in t.data)), Var("rows"))]
        for item in self.items:
            body += self.item_forward(item)
        if not backward:
            return self.module(name, [*head, *body, Return(root)])
        seen = set()
        if self.flat:
            body.append(Assign(Var("_GR"), np_call("zeros", Num(len(t.params)))))
        if t.root in t.needs_grad:
            body.append(Assign(Var(t.gvar[t.root]), np_call("full", Var("n"), Var("seed"))))
            seen.add(t.root)
        body += self.sample_backward(seen, self.items)
        body += self.sample_backward(seen, self.shared_items)
        total = over_rows(root)
        if not self.flat:
            return self.module(name, [*head, *body, Return(Tup((total, self.grads(seen),
                                                               *self.kept())))])
        singles = [(i, Var(t.gvar[p])) for i, p in enumerate(t.params) if p in seen]
        if len(singles) > FEW:  # gradients summed one by one, as floats
            items = tuple(Var(t.gvar[p]) if p in seen else Num(0.0) for p in t.params)
            body.append(Assign(Var("_GR"), np_call("array", Tup(items)), add=True))
        else:
            body += [Assign(Item(Var("_GR"), Num(i)), g, add=True) for i, g in singles]
        return self.module(name, [*head, *body, Return(Tup((total, Var("_GR"), *self.kept())))])

    def module(self, name: str, body: list[Statement]) -> list[Statement]:
        """The function, only the params it reads one by one unpacked."""
        t = self.t
        read = {v for s in body for v in _reads(s)}
        named = [(i, p) for i, p in enumerate(t.params) if t.var[p] in read]
        unpack: list[Statement] = []
        if len(named) == len(t.params) and named:
            unpack = [Assign(Tup(tuple(Var(t.var[p]) for p in t.params)), Var("params"))]
        elif named:
            unpack = [Assign(Tup(tuple(Var(t.var[p]) for _, p in named)),
                             Tup(tuple(Item(Var("params"), Num(i)) for i, _ in named)))]
        return [*self.consts, Def(name, ("params", "rows", "n", "seed"), [*unpack, *body])]

    def grads(self, seen: set[Any]) -> Expr:
        """The params' gradients as a list (0.0 for one no row reaches)."""
        t = self.t
        return Lst(tuple(Var(t.gvar[p]) if p in seen else Num(0.0) for p in t.params))

    def kept(self) -> tuple[Expr, ...]:
        """The values of the nodes asked for, after the gradients."""
        return (Tup(tuple(self.t.syms[n] for n in self.keep)),) if self.keep else ()

    def sample_backward(self, seen: set[Any], items: list[Any]) -> list[Statement]:
        """The chain rule over ``items`` in reverse: nodes, groups, reductions."""
        t = self.t
        out: list[Statement] = []
        # the last consumer of a stack, in reverse order, flushes its gradient
        last_use: dict[tuple[Any, ...], Any] = {}
        for node in items:
            if node in self.stacked and node in t.needs_grad:
                last_use.setdefault(self.stacked[node][1], node)
        flush_after = {node: xs for xs, node in last_use.items()}
        add = Adder(t, seen, out)
        for node in reversed(items):
            if isinstance(node, Group):
                self.group_backward(node, add)
                continue
            if isinstance(node, Reduction):
                # ∂Σ/∂ each row = 1 (the op's rule): the sum's gradient, on every row
                if node.node in seen and node.source.members[0] in t.needs_grad:
                    z, gz = self.arr[node.source]
                    add(gz, gz, np_call("broadcast_to", Var(t.gvar[node.node]),
                                    Attr(Var(z), "shape")))
                continue
            if node not in t.needs_grad:
                continue
            if node not in t.per_sample:  # shared by every row: float code
                out += floats(edges(t, [node], seen, None))
                continue
            g = Var(t.gvar[node])
            if node in self.stacked:
                self.stacked_backward(node, g, add)
                if node in flush_after:
                    self.flush(flush_after[node], add)
                continue
            sample = {t.var[n] for n in t.per_sample}
            for i, parent in enumerate(t.parents[node]):
                if parent not in t.needs_grad:
                    continue
                local = t.local(node, i)
                gp = t.gvar[parent]
                if parent in t.per_sample:
                    add(parent, gp, mul(g, local))
                elif type(local) is Num and local.value in (1.0, -1.0):
                    total = over_rows(g)
                    add(parent, gp, total if local.value == 1.0 else neg(total))
                elif not sample.isdisjoint(variables(local)):
                    add(parent, gp, Fn("float", (np_call("dot", g, local),)))
                else:
                    add(parent, gp, mul(over_rows(g), local))
        return out


def floats(statements: list[Statement]) -> list[Statement]:
    """Assignments computed on floats (nodes shared by every row), in array code."""
    return [Assign(s.target, Scalar(s.expr), s.add) if isinstance(s, Assign) else s
            for s in statements]


def _reads(s: Statement) -> list[str]:
    return [v for x in walk([s]) for v in reads(x)]


def numpy_program(trace: Trace, backward: bool = True, groups: bool = True,
                  keep: tuple[Any, ...] = ()) -> list[Statement]:
    """The batched function over numpy arrays: ``grad_batch(params, rows, n, seed)`` →
    (total, grads[, kept values]) or ``forward_batch`` → the output per row; with
    ``groups`` (the default) isomorphic nodes run as one (n, batch) array each."""
    return Arrays(trace, groups, keep).program(backward)

