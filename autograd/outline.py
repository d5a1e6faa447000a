"""Outlining: a block of nodes repeated once per sample, written once as two functions
called per row.

A whole-batch loss traced once (``compile(loss_over_all_samples, params)``) holds one
copy of the model per sample, with that sample's numbers baked in. Written out, the tape
grows with the batch, and CPython's compiler is not linear in the size of one function
(1,000 samples cost 17x what 100 do). So the copies are found and each is replaced by a
call: ``r, s = _forward1(params, data, 0.52, -1.3)`` computes one copy's output and the
values its backward needs; ``_backward1(params, data, s, g_r, _G)`` adds its contributions
to the params' gradients, in the list ``_G``.

A copy (an *instance*) is the part of the graph only one node (its *root*) uses: the
nodes every path from which to the output goes through the root. Copies are found by
their shape (op, parameter and the shapes of the inputs, a param by identity and a
constant by kind only), checked node by node, and outlined only where that is exact:

- each copy's nodes are one contiguous stretch of the engine's order, so the engine
  takes all of a copy's steps together, and the call takes them in the same order;
- every gradient the copies add to (a param's) is accumulated in ``_G`` in the engine's
  order, by the copies and by every other node that adds to it, starting from −0.0
  (``−0.0 + x`` is ``x``, bit for bit), so the sums are the sums the engine adds.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .trace import Trace
from .value import Value

MIN_ROWS = 8  # copies of a block before writing it once pays
MIN_BLOCK = 16  # nodes in a block before a call pays


class Family:
    """Copies of one block: ``instances[i]`` are copy i's nodes in the engine's order
    (the root last); copy 0 is the template the functions are written from. ``args[i]``
    are the values copy i passes (constants, and nodes outside it that it reads)."""

    def __init__(self, instances: list[list[Value]], args: list[list[Value]]) -> None:
        self.instances, self.args = instances, args
        self.passed: list[int] = []  # argument slots passed per call (see _block_syms)
        self.members = {n: (i, j) for i, nodes in enumerate(instances) for j, n in enumerate(nodes)}

    @property
    def template(self) -> list[Value]:
        """Copy 0's nodes: what the functions are written from."""
        return self.instances[0]

    def root(self, i: int) -> Value:
        """Copy i's root (the node outside users read)."""
        return self.instances[i][-1]


def _shapes(trace: Trace) -> tuple[dict[Value, int], dict[int, int], dict[Value, int]]:
    """Each node's shape id (equal shapes: the same computation up to constants), how
    many nodes have each shape, and each node's size as a tree (capped)."""
    ids: dict[tuple[Any, ...], int] = {}
    shape: dict[Value, int] = {}
    size: dict[Value, int] = {}
    count: dict[int, int] = {}
    index = {p: ("P", i) for i, p in enumerate(trace.params)}
    index.update((d, ("D", i)) for i, d in enumerate(trace.data))
    all_parents = trace.parents
    for node in trace.order:
        parents = all_parents.get(node)
        if parents is None:  # a leaf
            key: tuple[Any, ...] = index.get(node, ("C",))
            size[node] = 0
        else:
            key = (node.op, _arg(node.arg), tuple([shape[p] for p in parents]))
            size[node] = min(1 + sum([size[p] for p in parents]), 1 << 20)
        s = shape[node] = ids.setdefault(key, len(ids))
        count[s] = count.get(s, 0) + 1
    return shape, count, size


def _arg(k: Any) -> Any:
    # A parameter as a dict key: itself (a float, a tuple of bounds), else its text.
    try:
        hash(k)
    except TypeError:
        return repr(k)
    return k


def find(trace: Trace) -> list[Family]:
    """The families of copies worth outlining in ``trace`` (see the module's text)."""
    if len(trace.parents) < MIN_ROWS * MIN_BLOCK:  # too small to hold enough copies
        return []
    leaves = set(trace.params) | set(trace.data)
    if sum(1 for n in trace.order if n.op is None and n not in leaves) < MIN_ROWS:
        return []  # copies differ by their constants (a sample's numbers, baked in)
    shape, count, size = _shapes(trace)
    users: dict[Value, list[Value]] = {}
    for node, parents in trace.parents.items():
        for p in parents:
            users.setdefault(p, []).append(node)
    repeated = {s for s, c in count.items() if c >= MIN_ROWS}
    candidates = {n for n in trace.parents
                  if shape[n] in repeated and size[n] >= MIN_BLOCK
                  and not any(shape[u] in repeated for u in users.get(n, ()))}
    if not candidates:
        return []
    owner: dict[Value, Value | None] = {}
    for node in reversed(list(trace.parents)):  # op nodes, users first
        if node in candidates:
            owner[node] = node
            continue
        mine = users.get(node)
        first = owner.get(mine[0]) if mine else None
        if first is not None:
            for u in mine:  # type: ignore[union-attr]
                if owner.get(u) is not first:
                    first = None
                    break
        owner[node] = first
    position = {n: i for i, n in enumerate(trace.parents)}  # op nodes, the engine's order
    copies: dict[Value, list[Value]] = {}
    for node in trace.parents:
        o = owner[node]
        if o is not None:
            copies.setdefault(o, []).append(node)
    by_shape: dict[int, list[Value]] = {}
    for root in copies:
        by_shape.setdefault(shape[root], []).append(root)
    families = []
    for roots in by_shape.values():
        family = _family(trace, [copies[r] for r in roots], position)
        if family is not None:
            families.append(family)
    return families


def _family(trace: Trace, instances: list[list[Value]], position: dict[Value, int]
            ) -> Family | None:
    """The copies that are contiguous and match the first node by node, if enough do."""
    instances = [nodes for nodes in instances if len(nodes) >= MIN_BLOCK
                 and position[nodes[-1]] - position[nodes[0]] == len(nodes) - 1]
    if len(instances) < MIN_ROWS:
        return None
    template = instances[0]
    pattern, _ = _pattern(trace, template)
    kept, args = [], []
    for nodes in instances:
        mine, values = _pattern(trace, nodes)
        if len(nodes) == len(template) and mine == pattern:
            kept.append(nodes)
            args.append(values)
    return Family(kept, args) if len(kept) >= MIN_ROWS else None


def _pattern(trace: Trace, nodes: Sequence[Value]) -> tuple[list[Any], list[Value]]:
    """A copy's structure, comparable across copies: per node its op and parameter, per
    input where it comes from (a node of the copy by position, a param or data leaf by
    identity, else an argument by first use, which must be the same node in every copy
    when its gradient is wanted: the functions add to that gradient); and the arguments'
    nodes."""
    inside = {n: j for j, n in enumerate(nodes)}
    slots: dict[Value, int] = {}
    pattern: list[Any] = []
    leaves = set(trace.params) | set(trace.data)
    all_parents = trace.parents
    for node in nodes:
        pattern.append(node.op)
        pattern.append(node.arg)
        for p in all_parents[node]:
            if p in inside:
                pattern.append(inside[p])
            elif p in leaves:
                pattern.append(("leaf", id(p)))
            else:
                slot = slots.setdefault(p, len(slots))
                pattern.append(("target", id(p), slot) if p in trace.needs_grad else ("arg", slot))
    return pattern, list(slots)
