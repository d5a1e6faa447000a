"""Groups of isomorphic nodes as the rows of one array (see :mod:`autograd.vectorize`):
their forward and backward as instructions over numpy arrays.

A product group (a layer's neurons) is one matrix product ``Z = W @ S`` forward, and
``∂L/∂W = G @ Sᵀ`` summed over the batch, ``∂L/∂S = Wᵀ @ G`` backward: the op's rules
``∂(w·x)/∂w = x``, ``∂(w·x)/∂x = w`` for a whole group (checked by ``product_op``). An
elementwise group is its op, and its rules, read on whole arrays. :class:`GroupCode` is
the part of :class:`autograd.arrays.Arrays` that writes them.
"""

from __future__ import annotations

from typing import Any

from .code import Attr, Fn, Item, Lst, Tup
from .expr import Bin, Expr, Num, Sum, Var, lift, mul
from .instructions import Assign, Do, Statement
from .symbols import apply, symbols
from .trace import Trace
from .vectorize import Group

NONE = Var("None")
ROWS = ":, None"  # an (n,) array as a column, the same for every row of the batch


def np_call(name: str, *args: Expr) -> Expr:
    """``np.<name>(args)``."""
    return Fn(f"np.{name}", args)


def over_rows(x: Expr) -> Expr:
    """The sum over every row, as a float (np.sum without its Python wrapper)."""
    return Fn("float", (Fn("_sum", (x, NONE)),))


def _index(values: Any) -> Expr:
    # A (nested) list of positions as a tree of counts.
    if isinstance(values, list):
        return Lst(tuple(_index(v) for v in values))
    return Num(values)


class Adder:
    """Adds a contribution to a gradient: the first assigns it, later ones add (arrays
    as ``g = g + c``, never in place: two names may share one array, ``g_b = g_a``)."""

    def __init__(self, trace: Trace, seen: set[Any], out: list[Statement]) -> None:
        self.t, self.seen, self.out = trace, seen, out

    def __call__(self, target: Any, name: str, expr: Expr) -> None:
        """``name`` (the gradient of ``target``: a node, or an array's name) gets ``expr``."""
        v = Var(name)
        if target not in self.seen:
            self.out.append(Assign(v, expr))
        elif target in self.t.per_sample or isinstance(target, str):
            self.out.append(Assign(v, Sum((v, expr))))
        else:
            self.out.append(Assign(v, expr, add=True))
        self.seen.add(target)


class GroupCode:
    """Writes groups: their forward (:meth:`group_forward`), their backward
    (:meth:`group_backward`), dots stacked one by one, and the index arrays they use."""

    t: Trace
    consts: list[Statement]
    temps: int
    touched: set[int]
    pindex: dict[Any, int]
    arr: dict[Group, tuple[str, str]]
    ins: dict[Group, list[Expr]]
    ws_stack: dict[Group, tuple[str, str]]
    alias: set[Any]
    stacks: dict[tuple[Any, ...], tuple[str, str]]
    stacked: dict[Any, tuple[str, tuple[Any, ...], bool]]
    out: list[Statement]

    def const(self, values: Any) -> Var:
        """A module-level index array (built once, when the source is compiled)."""
        name = f"_i{len(self.consts)}"
        self.consts.append(Assign(Var(name), np_call("array", _index(values), Var("np.intp"))))
        return Var(name)

    def temp(self) -> str:
        """A fresh name for a gradient of stacked inputs."""
        self.temps += 1
        return f"_gS{self.temps}"

    def scatter(self, index: list[Any], expr: Expr, emit: list[Statement]) -> None:
        """Add ``expr`` (shaped like ``index``) into the params' gradient array."""
        flat = [i for row in index for i in (row if isinstance(row, list) else [row])]
        at = Item(Var("_GR"), self.const(index))
        if len(set(flat)) == len(flat) and self.touched.isdisjoint(flat):
            emit.append(Assign(at, expr))  # the first terms of these gradients
        elif len(set(flat)) == len(flat):
            emit.append(Assign(at, expr, add=True))
        else:  # a param read twice: += through an index would keep one of its terms
            emit.append(Do(Fn("np.add.at", (Var("_GR"), at.index, expr))))  # type: ignore[arg-type]
        self.touched.update(flat)

    def group_forward(self, g: Group) -> list[Statement]:
        """A group's forward: one matrix product, or its op on whole arrays."""
        t, k = self.t, len(self.arr)
        out: list[Statement] = []
        z = f"_Z{k}"
        self.arr[g] = (z, f"_gZ{k}")
        if g.product:
            # Row i of Z is member i's Σ wᵢⱼ·xⱼ: the whole group is one product W @ S.
            w = f"_W{k}"
            if g.wkind == "P":
                index: Any = [[self.pindex[p] for p in ws] for ws in g.ws]
                out.append(Assign(Var(w), Item(Var("_P"), self.const(index))))
            else:
                rows = tuple(Tup(tuple(t.syms[p] for p in ws)) for ws in g.ws)
                out.append(Assign(Var(w), np_call("array", Tup(rows))))
            if g.source is not None:
                stack = src = self.arr[g.source][0]
                if g.rows != list(range(len(g.source.members))):
                    stack = f"_S{k}"
                    out.append(Assign(Var(stack), Item(Var(src), self.const(g.rows))))
            else:
                stack = f"_S{k}"
                data = {d: i for i, d in enumerate(t.data)}
                if all(x in data for x in g.xs):  # data leaves: rows of ``rows`` itself
                    at = [data[x] for x in g.xs]
                    if at == list(range(at[0], at[0] + len(at))):
                        rows_of: Expr = Item(Var("rows"), f"{at[0]}:{at[0] + len(at)}")
                    else:
                        rows_of = Item(Var("rows"), self.const(at))
                    out.append(Assign(Var(stack), rows_of))
                else:
                    out.append(Assign(Var(stack), np_call("array", Tup(tuple(
                        t.syms[x] for x in g.xs)))))
            self.ws_stack[g] = (w, stack)
            out.append(Assign(Var(z), Bin("@", Var(w), Var(stack))))
        else:
            out += self._elementwise(g, k, z)
        out += [Assign(Var(t.var[m]), Item(Var(z), Num(i))) for i, m in enumerate(g.members)
                if m in self.alias]
        return out

    def _elementwise(self, g: Group, k: int, z: str) -> list[Statement]:
        # The op's own forward read on arrays, its inputs whole rows.
        t = self.t
        out: list[Statement] = []
        ins: list[Expr] = []
        batch = g.members[0] in t.per_sample
        for i, kind in enumerate(g.kinds):
            if kind[0] == "g":
                source: Expr = Var(self.arr[kind[1]][0])
                if batch and kind[1].members[0] not in t.per_sample:
                    source = Item(source, ROWS)  # a shared group's rows, the same on every row
                ins.append(source)
            elif kind[0] in ("n", "s"):
                ins.append(t.syms[kind[1]])
            else:
                col = f"_c{k}_{i}"
                if kind[0] == "P":
                    column: Any = [self.pindex[m.parents[i]] for m in g.members]
                    value: Expr = Item(Var("_P"), self.const(column))
                else:
                    value = np_call("array", Tup(tuple(t.syms[m.parents[i]] for m in g.members)))
                out.append(Assign(Var(col), Item(value, ROWS) if batch else value))
                ins.append(Var(col))
        self.ins[g] = ins
        out.append(Assign(Var(z), _applied(g, ins)))
        return out

    def group_backward(self, g: Group, add: Adder) -> None:
        """A group's backward: the product rule for a whole layer, or the op's rules on
        whole arrays."""
        t = self.t
        if g.members[0] not in t.needs_grad:  # the same for every member
            return
        z, gz = self.arr[g]
        batch = g.members[0] in t.per_sample  # else a group of nodes shared by every row
        seen = add.seen
        if any(m in seen for m in g.members):  # rows read one by one: their gradients
            zero: Expr = np_call("zeros", Var("n")) if batch else Num(0.0)
            rows = tuple(Var(t.gvar[m]) if m in seen else zero for m in g.members)
            add(gz, gz, np_call("array", Tup(rows)))
        if gz not in seen:
            return
        if g.product:
            self._product_backward(g, Var(gz), add)
            return
        out = Var(z)
        for i, kind in enumerate(g.kinds):
            if kind[0] == "C" or (kind[0] in "ns" and kind[1] not in t.needs_grad):
                continue
            if kind[0] == "g" and kind[1].members[0] not in t.needs_grad:
                continue
            local = lift(g.op.local(i, t.m, self.ins[g], out, g.arg))
            product = mul(Var(gz), local)
            if kind[0] == "g":
                target = self.arr[kind[1]][1]
                if batch and kind[1].members[0] not in t.per_sample:  # summed over the rows
                    product = Fn("_sum", (product, Num(1)))
                add(target, target, product)
            elif kind[0] == "n":
                add(kind[1], t.gvar[kind[1]], Fn("_sum", (product, Num(0))))
            elif kind[0] == "s":
                add(kind[1], t.gvar[kind[1]], over_rows(product))
            else:
                column = [self.pindex[m.parents[i]] for m in g.members]
                self.scatter(column, Fn("_sum", (product, Num(1))) if batch else product,
                             add.out)

    def _product_backward(self, g: Group, gz: Var, add: Adder) -> None:
        t = self.t
        emit = add.out
        w, stack = self.ws_stack[g]
        if g.wkind == "P":
            matrix: Any = [[self.pindex[p] for p in ws] for ws in g.ws]
            self.scatter(matrix, Bin("@", gz, Attr(Var(stack), "T")), emit)
        if not any(x in t.needs_grad for x in g.xs):
            return
        gs = Bin("@", Attr(Var(w), "T"), gz)
        src = g.source
        if src is not None:
            n_src = len(src.members)
            gsrc = self.arr[src][1]
            if g.rows == list(range(n_src)):
                add(gsrc, gsrc, gs)
            elif sorted(g.rows) == list(range(n_src)):  # the rows reordered: undo it
                inverse = sorted(range(n_src), key=g.rows.__getitem__)
                add(gsrc, gsrc, Item(gs, self.const(inverse)))
            else:  # some rows twice, or not at all
                tmp = Var(self.temp())
                emit.append(Assign(tmp, np_call("zeros", Tup((Num(n_src), Var("n"))))))
                emit.append(Do(Fn("np.add.at", (tmp, self.const(g.rows), gs))))
                add(gsrc, gsrc, tmp)
            return
        tmp = Var(self.temp())
        emit.append(Assign(tmp, gs))
        for j, x in enumerate(g.xs):
            if x in t.needs_grad:
                add(x, t.gvar[x], Item(tmp, Num(j)))

    def stacked_backward(self, node: Any, g: Var, add: Adder) -> None:
        """A dot as a matrix-vector product: ∂z/∂W sums the stacked inputs against g,
        ∂z/∂S is the outer product W⊗g."""
        t = self.t
        w, xs, swapped = self.stacked[node]
        half = len(node.parents) // 2
        ws = node.parents[half:] if swapped else node.parents[:half]
        stack, gstack = self.stacks[xs]
        if any(x in t.needs_grad for x in xs):
            add(gstack, gstack, np_call("outer", Var(w), g))
        if any(p in t.needs_grad for p in ws):
            tmp = t.names.new("gW_" + t.var[node])
            add(tmp, tmp, Fn("np.ndarray.tolist", (np_call("dot", Var(stack), g),)))
            for j, p in enumerate(ws):
                if p in t.needs_grad:
                    add(p, t.gvar[p], Item(Var(tmp), Num(j)))

    def flush(self, xs: tuple[Any, ...], add: Adder) -> None:
        """Hand a stack's gradient to its inputs, row by row."""
        gstack = self.stacks[xs][1]
        for j, x in enumerate(xs):
            if x in self.t.needs_grad:
                add(x, self.t.gvar[x], Item(Var(gstack), Num(j)))


def _applied(g: Group, ins: list[Expr]) -> Expr:
    """The group's op on its inputs' arrays: its ``via`` written inline where it has one
    (one numpy expression instead of three Python calls per group), else ``np_<op>``."""
    if g.op.via is not None:
        try:
            return lift(g.op.via(symbols(g.op), *ins, *((g.arg,) if g.op.param else ())))
        except (TypeError, ValueError, AttributeError):  # a via for values only
            pass
    return apply(g.op, ins, g.arg)
