"""An outlined tape: each family of copies written once as two functions, called per row.

See :mod:`autograd.outline` for how the copies are found and why the result is exact:
``_forward<f>(params, data, _a0, …)`` computes a copy's output and what its backward
reads; ``_backward<f>(params, data, _S, _g, _G)`` takes that and the copy's root's
gradient ``_g``, and adds its contributions to the targets' gradients in ``_G``, the
list every node that adds to those gradients adds to, in the engine's order.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Mapping

from . import passes
from .code import Fn, Item, Lst, Tup
from .expr import Bin, Expr, Num, Var, mul
from .instructions import Assign, Def, Do, Return, Statement, reads
from .lowering import assembled, gradient, head, needed, returned
from .outline import Family
from .reading import variables
from .trace import Trace
from .value import Value


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
    if not backward:
        body += assembled(trace, values)
        return [*helpers, fn]
    grads, grad_of = _outer_backward(trace, calls, inside, targets, names, saved)
    grads.append(returned(trace, grad_of))
    body += assembled(trace, values, grads, notes=(
        "forward: the copies of a block are calls (each returns what its backward reads)",
        "backward: _G adds each param's gradient in the engine's order"))
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


def _block_syms(trace: Trace, family: Family) -> Mapping[Value, Expr]:
    """How the functions read the template's nodes: its own nodes and the leaves by their
    names, a constant equal in every copy by its value, any other argument as ``_a<j>``
    (``family.passed`` lists those, by slot)."""
    syms: dict[Value, Expr] = {}  # read before the trace's own (ChainMap)
    family.passed = []
    for j, node in enumerate(family.args[0]):
        if node.op is None and len({repr(args[j].data) for args in family.args}) == 1:
            continue  # the same constant in every copy: written into the functions
        syms[node] = Var(f"_a{j}")
        family.passed.append(j)
    return ChainMap(syms, trace.syms)


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


def _block_forward(trace: Trace, family: Family, syms: Mapping[Value, Expr], saved: list[str],
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


def _block_backward(trace: Trace, family: Family, syms: Mapping[Value, Expr],
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
