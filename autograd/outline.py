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

from . import passes
from .expr import Bin, Expr, Fn, Item, Lst, Num, Tup, Var, mul, variables
from .instructions import Assign, Comment, Def, Do, Return, Statement, reads
from .lowering import gradient, head, needed, returned
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
    for node in trace.order:
        if node.op is None:
            key: tuple[Any, ...] = index.get(node, ("C",))
            size[node] = 0
        else:
            parents = node.parents
            key = (node.op, repr(node.arg), tuple([shape[p] for p in parents]))
            size[node] = min(1 + sum([size[p] for p in parents]), 1 << 20)
        s = shape[node] = ids.setdefault(key, len(ids))
        count[s] = count.get(s, 0) + 1
    return shape, count, size


def find(trace: Trace) -> list[Family]:
    """The families of copies worth outlining in ``trace`` (see the module's text)."""
    if len(trace.parents) < MIN_ROWS * MIN_BLOCK:  # too small to hold enough copies
        return []
    if sum(1 for n in trace.syms.values() if type(n) is Num) < MIN_ROWS:
        return []  # copies differ by their constants (a sample's numbers, baked in)
    shape, count, size = _shapes(trace)
    users: dict[Value, list[Value]] = {}
    for node in trace.order:
        for p in node.parents:
            users.setdefault(p, []).append(node)
    candidates = {n for n in trace.parents
                  if count[shape[n]] >= MIN_ROWS and size[n] >= MIN_BLOCK
                  and all(count[shape[u]] < MIN_ROWS for u in users.get(n, ()))}
    if not candidates:
        return []
    owner: dict[Value, Value | None] = {}
    for node in reversed(trace.order):
        if node.op is None:
            continue
        if node in candidates:
            owner[node] = node
            continue
        mine = users.get(node)
        first = owner.get(mine[0]) if mine else None
        owner[node] = first if first is not None and all(owner.get(u) is first
                                                        for u in mine) else None  # type: ignore
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
    for node in nodes:
        pattern.append((node.op, repr(node.arg)))
        for p in node.parents:
            if p in inside:
                pattern.append(inside[p])
            elif p in leaves:
                pattern.append(("leaf", id(p)))
            else:
                slot = slots.setdefault(p, len(slots))
                pattern.append(("target", id(p), slot) if p in trace.needs_grad else ("arg", slot))
    return pattern, list(slots)


def program(trace: Trace, families: list[Family], backward: bool) -> list[Statement]:
    """A tape's module with each family's copies outlined: its two functions per family,
    then ``grad`` (or ``forward``) calling them once per copy."""
    helpers: list[Statement] = []
    calls: dict[Value, tuple[int, int]] = {}  # a copy's root -> (family, copy)
    inside: dict[Value, int] = {}
    for f, family in enumerate(families, start=1):
        for i, nodes in enumerate(family.instances):
            calls[nodes[-1]] = (f, i)
            inside.update((n, f) for n in nodes)
    targets = _targets(trace, families, inside)
    saved: dict[int, list[str]] = {}
    for f, family in enumerate(families, start=1):
        syms = _block_syms(trace, family)
        back: list[Statement] = []
        if backward:
            back, saved[f] = _block_backward(trace, family, syms, targets, f)
        helpers.append(_block_forward(trace, family, syms, saved.get(f, []), f))
        if back:
            helpers.append(Def(f"_backward{f}", ("params", "data", "_S", "_g", "_G"), back))
    fn, body = head(trace, "grad" if backward else "forward")
    values: list[Statement] = []
    names: dict[Value, str] = {}
    for node in trace.parents:
        if node in calls:
            f, i = calls[node]
            names[node] = trace.names.new(f"saved{f}")
            args = (Var("params"), Var("data"), *_args(trace, families[f - 1], i))
            result = Var(trace.var[node])
            target = Tup((result, Var(names[node]))) if saved.get(f) else result
            values.append(Assign(target, Fn(f"_forward{f}", args)))
        elif node not in inside:
            values.append(Assign(Var(trace.var[node]), trace.forward(node)))
    root = trace.root
    if not backward:
        body += passes.inline(values, keep={trace.var.get(root, "")})
        body.append(Return(trace.syms[root]))
        return [*helpers, fn]
    grads, grad_of = _outer_backward(trace, calls, inside, targets, names, saved)
    grads.append(returned(trace, grad_of))
    pinned = set(variables(grads[-1].expr)) | {trace.gvar.get(root, "")}  # type: ignore
    read: set[str] = set()
    grads = passes.split_sums(passes.inline(grads, keep=pinned, sums=False, read=read))
    body.append(Comment("forward: the copies of a block are calls (each returns what its "
                        "backward reads)"))
    body += passes.inline(values, keep=read | {trace.var.get(root, "")})
    body.append(Comment("backward: _G adds each param's gradient in the engine's order"))
    body += grads
    return [*helpers, fn]


def _targets(trace: Trace, families: list[Family], inside: dict[Value, int]) -> dict[Value, int]:
    """The gradients the copies add to (a param's, or a node's outside every copy), each
    with its place in ``_G``."""
    found: dict[Value, int] = {}
    for family in families:
        for node in family.template:
            for p in node.parents:
                if p not in inside and p in trace.needs_grad and p not in found:
                    found[p] = len(found)
    return found


def _block_syms(trace: Trace, family: Family) -> dict[Value, Expr]:
    """How the functions read the template's nodes: its own nodes and the leaves by their
    names, a constant equal in every copy by its value, any other argument as ``_a<j>``
    (``family.passed`` lists those, by slot)."""
    syms = dict(trace.syms)
    family.passed = []
    for j, node in enumerate(family.args[0]):
        if node.op is None and len({repr(args[j].data) for args in family.args}) == 1:
            continue  # the same constant in every copy: written into the functions
        syms[node] = Var(f"_a{j}")
        family.passed.append(j)
    return syms


def _args(trace: Trace, family: Family, i: int) -> list[Expr]:
    """What copy i passes for the template's arguments (``_a<j>``)."""
    return [trace.syms[family.args[i][j]] for j in family.passed]


def _unpack(trace: Trace, read: set[str]) -> list[Statement]:
    # The params and data leaves a function reads, unpacked from the lists it is given.
    out: list[Statement] = []
    for group, leaves in (("params", trace.params), ("data", trace.data)):
        if any(trace.var[v] in read for v in leaves):
            out.append(Assign(Tup(tuple(Var(trace.var[v]) for v in leaves)), Var(group)))
    return out


def _block_forward(trace: Trace, family: Family, syms: dict[Value, Expr], saved: list[str],
                   f: int) -> Def:
    """``_forward<f>(params, data, _a0, …)``: the template's forward; returns its root's
    value and (with a backward) the values its backward reads."""
    body: list[Statement] = [Assign(Var(trace.var[n]), trace.forward(n, syms))
                             for n in family.template]
    root = trace.var[family.template[-1]]
    body = passes.inline(body, keep={root, *saved})
    read = {v for s in body for v in reads(s)}
    result: Expr = Var(root)
    if saved:
        result = Tup((result, Tup(tuple(Var(v) for v in saved))))
    body = [*_unpack(trace, read | set(variables(result))), *body, Return(result)]
    params = ("params", "data", *(f"_a{j}" for j in family.passed))
    return Def(f"_forward{f}", params, body)


def _block_backward(trace: Trace, family: Family, syms: dict[Value, Expr],
                    targets: dict[Value, int], f: int) -> tuple[list[Statement], list[str]]:
    """``_backward<f>(params, data, _S, _g, _G)``: the chain rule over the template, its
    root's gradient ``_g`` given; what it adds to a target goes into ``_G``. Returns the
    body and the names it reads of the forward (``_S``, saved by the forward)."""
    template = family.template
    root = template[-1]
    if root not in trace.needs_grad:
        return [], []
    mine = set(template)
    terms: dict[Value, list[Expr]] = {}
    body: list[Statement] = []
    for node in reversed(template):
        if node not in trace.needs_grad:
            continue
        g = Var("_g") if node is root else gradient(Var(trace.gvar[node]), terms.pop(node), body)
        for parent, local in needed(trace, node, syms):
            term = mul(g, local)
            if parent in mine:
                terms.setdefault(parent, []).append(term)
            else:
                body.append(Assign(Item(Var("_G"), Num(targets[parent])), term, add=True))
    body = passes.inline(body, sums=False)
    read = {v for s in body for v in reads(s)}
    own = [*(f"_a{j}" for j in family.passed), *(trace.var[n] for n in template)]
    saved = [v for v in own if v in read]
    head: list[Statement] = _unpack(trace, read)
    if saved:
        head.append(Assign(Tup(tuple(Var(v) for v in saved)), Var("_S")))
    return [*head, *body], saved


def _outer_backward(trace: Trace, calls: dict[Value, tuple[int, int]], inside: dict[Value, int],
                    targets: dict[Value, int], names: dict[Value, str],
                    saved: dict[int, list[str]]) -> tuple[list[Statement], dict[Value, Expr]]:
    """The chain rule over the nodes outside the copies, in the engine's order, a copy's
    backward called where its nodes stand; every target's gradient accumulated in ``_G``.
    Returns the instructions and how each node's gradient is read."""
    gvar, needs_grad = trace.gvar, trace.needs_grad
    out: list[Statement] = []
    grad_of: dict[Value, Expr] = {}
    if targets:
        out.append(Assign(Var("_G"), Bin("*", Lst((Num(-0.0),)), Num(len(targets)))))
    terms: dict[Value, list[Expr]] = {}
    for node in reversed(trace.order):
        if node not in needs_grad or (node in inside and node not in calls):
            continue
        g: Expr = Var(gvar[node])
        if node in targets:
            out.append(Assign(g, Item(Var("_G"), Num(targets[node]))))
        elif node is trace.root:
            out.append(Assign(g, Var("seed")))
        else:
            g = gradient(Var(gvar[node]), terms.pop(node), out)
        grad_of[node] = g
        if node in calls:
            f, _ = calls[node]
            if saved.get(f):
                out.append(Do(Fn(f"_backward{f}", (Var("params"), Var("data"),
                                                   Var(names[node]), g, Var("_G")))))
            continue
        if node.op is None:
            continue
        for parent, local in needed(trace, node):
            term = mul(g, local)
            if parent in targets:
                out.append(Assign(Item(Var("_G"), Num(targets[parent])), term, add=True))
            else:
                terms.setdefault(parent, []).append(term)
    return out, grad_of
