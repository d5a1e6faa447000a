"""Find groups of isomorphic per-sample nodes, so batched replay runs each group as one array op.

A traced per-sample graph of a layer is n copies of the same few nodes: n ``dot`` nodes
reading the same inputs with their own weights, n bias adds, n activations. Batched
replay (:mod:`autograd.batched`) would run each of them as its own numpy call on a
(batch,) array. This pass finds such copies and lays them out as the rows of one
(n, batch) array, so that each *group* costs one numpy call:

- an **elementwise group**: nodes with the same op (and parameter) whose inputs, position
  by position, are either the members of one earlier group (member i reads member i's
  slot: the slot of a member is fixed by its inputs), one per-sample node shared by all
  (broadcast along the rows), one shared node needing a gradient (a scalar), params (a
  column gathered from the parameter vector), or constants (a column of values). It is
  run as the op's rule read on whole arrays (its trees printed for numpy), nothing per
  op;
- a **product group**: nodes of an op whose term is ``w·x`` (see :func:`product_op`,
  decided by running the op's own term and rules on symbols, not by its name) whose ``x``
  half is the same tuple of per-sample nodes and whose ``w`` half is params (or
  constants). The group is one matrix product ``Z = W @ S`` with S the stacked inputs;
- a **reduction**: a node of an op whose term is its input and whose rule is 1 (a sum,
  see :func:`reduction_op`) over every row of one group, each once: one reduce.

Nodes shared by every row (an l2 penalty: p·p for each param, then their sum) are grouped
the same way, as (n,) arrays, before the per-sample nodes, whose groups may read them.

Groups are found level by level (a node's level is one more than its deepest per-sample
input), so the inputs' groups are final when a level is grouped; each node is keyed once
by its op and its inputs' kinds, so the pass is linear in the number of edges. Nodes that
do not group are replayed one by one, as before.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from .expr import Bin, Num, Var, lift
from .ops import Op
from .reading import same
from .symbols import symbols

MIN_ELEMENTWISE = 2  # an elementwise group of one node is the node itself


class Group:
    """Nodes run as the rows of one (n, batch) array.

    Attributes:
        members: the nodes, row i is ``members[i]``.
        kinds: elementwise groups: per input position, how the members' inputs there are
            read: ``("g", group)`` the rows of an earlier group (row i reads its row i),
            ``("n", node)`` one per-sample node for all, ``("s", node)`` one shared node
            needing a gradient, ``("P",)`` params gathered into a column, ``("C",)``
            constants gathered into a column.
        product: product groups: True. ``ws[i]`` are member i's weights, ``xs`` the inputs
            every member reads; ``wkind`` is ``"P"`` (params) or ``"C"`` (constants).
        source: product groups whose inputs are all rows of one earlier group: that group
            (the stack is its array indexed by ``rows``), else None (a stack of the nodes).
    """

    def __init__(self, op: Op, arg: Any, members: list[Any], kinds: list[tuple]) -> None:
        self.op, self.arg, self.members, self.kinds = op, arg, members, kinds
        self.product = False
        self.ws: list[tuple] = []
        self.xs: tuple = ()
        self.wkind = ""
        self.source: Group | None = None
        self.rows: list[int] = []
        self.slot: dict[Any, int] = {m: i for i, m in enumerate(members)}


@functools.cache
def product_op(op: Op) -> bool:
    """An n-ary op whose term is ``w·x`` with ∂/∂w = x and ∂/∂x = w: a row of a matrix product.

    Decided from the op's own term and rules run on symbols, never from its name.
    """
    if op.arity != 0 or op.term is None or len(op.rules) != 2:
        return False
    m = symbols(op)
    w, x, out = Var("w"), Var("x"), Var("out")
    try:
        term = lift(op.term(m, w, x))
        locals_ = [lift(rule(m, w, x, out)) for rule in op.rules]
    except Exception:  # a term or rule that does not run on symbols: no product
        return False
    return same(term, Bin("*", w, x)) and locals_[0] is x and locals_[1] is w


@functools.cache
def reduction_op(op: Op) -> bool:
    """An n-ary op whose term is its input and whose rule is 1: a sum of its inputs.

    Decided from the op's own term and rule run on symbols, never from its name.
    """
    if op.arity != 0 or op.term is None or len(op.rules) != 1:
        return False
    m = symbols(op)
    x, out = Var("x"), Var("out")
    try:
        term, local = lift(op.term(m, x)), lift(op.rules[0](m, x, out))
    except Exception:  # a term or rule that does not run on symbols: no reduction
        return False
    return term is x and same(local, Num(1.0))


class Reduction:
    """A sum (see :func:`reduction_op`) of every row of one group, each once: one reduce."""

    def __init__(self, node: Any, source: Group) -> None:
        self.node, self.source = node, source


def halves(node: Any, per_sample: set) -> tuple[tuple, tuple, bool] | None:
    """A product node's (weights, inputs, swapped): the per-sample half is the inputs."""
    half = len(node.parents) // 2
    first, second = node.parents[:half], node.parents[half:]
    if not any(p in per_sample for p in first) and all(p in per_sample for p in second):
        return tuple(first), tuple(second), False
    if all(p in per_sample for p in first) and not any(p in per_sample for p in second):
        return tuple(second), tuple(first), True
    return None


def find_groups(trace: Any, sample: Sequence[Any], known: dict[Any, Group] | None = None,
                ) -> tuple[list[Any], dict[Any, Group]]:
    """The per-sample nodes as a replay order of single nodes and :class:`Group` s.

    Args:
        trace: the :class:`~autograd.lowering.Trace`.
        sample: its per-sample op nodes in topological order (or its shared ones).
        known: groups found before (the shared nodes'), which inputs may be rows of.

    Returns:
        ``(items, group_of)``: items in an order where every input comes first (level by
        level), each a node, a Group or a Reduction; ``group_of`` maps each grouped node
        to its group (``known`` included).
    """
    per_sample, needs_grad, params = trace.per_sample, trace.needs_grad, set(trace.params)
    level: dict[Any, int] = {}
    levels: list[list[Any]] = []
    for node in sample:
        d = 1 + max((level.get(p, 0) for p in node.parents), default=0)
        level[node] = d
        while len(levels) < d:
            levels.append([])
        levels[d - 1].append(node)
    group_of: dict[Any, Group] = dict(known or {})
    items: list[Any] = []

    def column_kind(nodes: Sequence[Any]) -> str | None:
        if all(p in params for p in nodes):
            return "P"
        if not any(p in needs_grad for p in nodes):
            return "C"
        return None

    for nodes in levels:
        buckets: dict[tuple, list[tuple[int, Any]]] = {}
        reductions: dict[Any, Reduction] = {}
        for node in nodes:
            reduction = _reduction(node, group_of)
            if reduction is not None:
                reductions[node] = reduction
                continue
            key, slot = _key(node, per_sample, needs_grad, params, group_of, column_kind)
            if key is not None:
                try:
                    buckets.setdefault(key, []).append((slot, node))
                except TypeError:  # a parameter that cannot be hashed: replayed alone
                    continue
        made: dict[Any, Group] = {}
        for key, found in buckets.items():
            group = _make(key, found, group_of)
            if group is not None:
                for m in group.members:
                    made[m] = group
        group_of |= made
        placed: set[int] = set()
        for node in nodes:
            group = made.get(node)
            if group is None:
                items.append(reductions.get(node, node))
            elif id(group) not in placed:
                placed.add(id(group))
                items.append(group)
    return items, group_of


def _reduction(node: Any, group_of: dict[Any, Group]) -> Reduction | None:
    """A sum of all the rows of one group, each once (in any order), or None."""
    if not node.parents or not reduction_op(node.op):
        return None
    source = group_of.get(node.parents[0])
    if source is None or len(node.parents) != len(source.members):
        return None
    slots = set()
    for p in node.parents:
        if group_of.get(p) is not source:
            return None
        slots.add(source.slot[p])
    return Reduction(node, source) if len(slots) == len(source.members) else None


def _key(node: Any, per_sample: set, needs_grad: set, params: set,
         group_of: dict[Any, Group], column_kind: Any) -> tuple[tuple | None, int]:
    """What a node must share with the others of its group, and its row (-1: any row)."""
    op = node.op
    grad = node in needs_grad
    if product_op(op):
        split = halves(node, per_sample)
        if split is not None:
            ws, xs, _ = split
            wkind = column_kind(ws)
            if wkind is not None:
                return ("product", op, grad, wkind, xs), -1
    kinds: list[tuple] = []
    slot = -1
    rowwise = False
    for p in node.parents:
        group = group_of.get(p)
        if group is not None:
            s = group.slot[p]
            if slot not in (-1, s):
                return None, -1
            slot = s
            kinds.append(("g", id(group)))
            rowwise = True
        elif p in per_sample:
            kinds.append(("n", p))
        elif p in params:
            kinds.append(("P",))
            rowwise = True
        elif p not in needs_grad:
            kinds.append(("C",))
            rowwise = True
        else:
            kinds.append(("s", p))
    if not rowwise:  # every member would compute the same thing
        return None, -1
    return ("elementwise", op, node.arg, grad, tuple(kinds)), slot


def _make(key: tuple, found: list[tuple[int, Any]],
          group_of: dict[Any, Group]) -> Group | None:
    first = found[0][1]
    if key[0] == "product":
        _, op, _, wkind, xs = key
        members = [node for _, node in found]
        group = Group(op, first.arg, members, [])
        group.product, group.wkind, group.xs = True, wkind, xs
        # Each member's weights are its half that is not xs (w·x or x·w alike).
        half = len(first.parents) // 2
        group.ws = [tuple(m.parents[half:] if tuple(m.parents[:half]) == xs else m.parents[:half])
                    for m in members]
        sources = {id(group_of.get(x)) for x in xs}
        source = group_of.get(xs[0])
        if source is not None and len(sources) == 1:  # the inputs are rows of one group
            group.source, group.rows = source, [source.slot[x] for x in xs]
            size = len(source.members)
            if sorted(group.rows) == list(range(size)):
                # The group's rows in another order: reorder each member's weights
                # instead (Σⱼ wⱼ·x_rows[j] = Σᵢ w'ᵢ·xᵢ), so the product reads the rows as
                # they are and nothing is copied.
                reordered = []
                for ws in group.ws:
                    row: list[Any] = [None] * size
                    for j, i in enumerate(group.rows):
                        row[i] = ws[j]
                    reordered.append(tuple(row))
                group.ws, group.xs = reordered, tuple(source.members)
                group.rows = list(range(size))
        return group
    kinds = [("g", group_of[first.parents[i]]) if kind[0] == "g" else kind
             for i, kind in enumerate(key[4])]
    if found[0][0] == -1:  # no input group fixes the rows: first come, first row
        members = [node for _, node in found]
    else:
        # The rows are the input group's: every row filled exactly once (extra nodes
        # for a row leave them to be replayed one by one; so does a row nobody fills).
        sizes = {len(k[1].members) for k in kinds if k[0] == "g"}
        if len(sizes) != 1:  # rows of groups of different lengths do not line up
            return None
        size = sizes.pop()
        by_slot: dict[int, Any] = {}
        for slot, node in found:
            by_slot.setdefault(slot, node)
        if len(by_slot) != size:
            return None
        members = [by_slot[i] for i in range(size)]
    if len(members) < MIN_ELEMENTWISE:
        return None
    return Group(key[1], first.arg, members, kinds)
