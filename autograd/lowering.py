"""Lowering a traced graph to instructions, and the tapes' Python programs.

A node's forward is its op applied to its inputs' symbols; an edge's local derivative
is the op's rule run on those symbols (:class:`autograd.trace.Trace`); both are
expression trees, so the chain rule becomes a list of instructions:

- :func:`forward`: one instruction per op node, ``name = op(inputs)``;
- :func:`gradients`: one per node that needs a gradient, its sum over its uses in the
  engine's order: ``g_x = g_use₁ · local₁ + g_use₂ · local₂``;
- :func:`edges`: one per edge, ``g_input += g_node · local`` (a reader's step by step).

:func:`program` assembles a tape's function from them and runs the passes
(:mod:`autograd.passes`); the Python printer writes it. Nothing here reads text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple

from . import passes
from .code import Lst, Tup
from .expr import Expr, Num, Sum, Var, mul
from .instructions import Assign, Comment, Def, Return, Statement
from .reading import variables
from .trace import Trace
from .value import Value

_ZERO = Num(0.0)  # the gradient of a param the output does not depend on


def forward(trace: Trace) -> list[Statement]:
    """Every op node in order: ``name = op(inputs)``."""
    var = trace.var
    return [Assign(Var(var[n]), trace.forward(n)) for n in trace.parents]


def gradients(trace: Trace, seed: Expr) -> tuple[list[Statement], dict[Value, Expr]]:
    """The chain rule, nodes in reverse order, one instruction per node that needs a
    gradient: the sum over its uses of ``g_use · ∂use/∂node``, in the engine's order (so
    the same floats, added in the same order). Returns the instructions and how each
    node's gradient is read (its variable, or the one it shares: see :func:`gradient`)."""
    needs_grad, gvar, root = trace.needs_grad, trace.gvar, trace.root
    terms: dict[Value, list[Expr]] = {}
    read: dict[Value, Expr] = {}
    out: list[Statement] = []
    for node in reversed(trace.order):
        if node not in needs_grad:
            continue
        if node is root:
            g: Expr = Var(gvar[node])
            out.append(Assign(g, seed))
        else:
            g = gradient(Var(gvar[node]), terms.pop(node), out)
        read[node] = g
        if node.op is not None:
            for parent, local in needed(trace, node):
                terms.setdefault(parent, []).append(mul(g, local))
    return out, read


def gradient(target: Var, terms: list[Expr], out: list[Statement]) -> Expr:
    """A node's gradient from its terms: ``target = Σ terms`` appended to ``out``, and the
    variable returned; but a gradient that is one use's passed through unchanged (the
    local was exactly 1: a bias ``add``) is that variable itself, with no line of its own
    (the same float under the name it already has)."""
    if len(terms) == 1 and type(terms[0]) is Var:
        return terms[0]
    out.append(Assign(target, Sum(tuple(terms))))
    return target


def needed(trace: Trace, node: Value, syms: Mapping[Value, Expr] | None = None
           ) -> list[tuple[Value, Expr]]:
    """(input, local) for each input of ``node`` that needs a gradient, in order (the
    locals over the nodes' symbols, or over ``syms``)."""
    parents = trace.parents[node]
    needs_grad = trace.needs_grad
    if syms is None and all(p in needs_grad for p in parents):
        return list(zip(parents, trace.locals(node)))
    return [(p, trace.local(node, i, syms)) for i, p in enumerate(parents) if p in needs_grad]


def edges(trace: Trace, nodes: Sequence[Value], seen: set[Value], seed: Expr | None
          ) -> list[Statement]:
    """The chain rule over ``nodes`` (reverse order) as one instruction per edge, for code
    that adds to gradients across calls or rows; ``seen`` tracks which gradients exist
    already (a first contribution assigns, later ones add)."""
    out: list[Statement] = []
    root, gvar = trace.root, trace.gvar
    if seed is not None and root in trace.needs_grad and root in nodes:
        out.append(Assign(Var(gvar[root]), seed))
        seen.add(root)
    for node in nodes:
        if node.op is None or node not in trace.needs_grad:
            continue
        g = Var(gvar[node])
        for parent, local in needed(trace, node):
            out.append(Assign(Var(gvar[parent]), mul(g, local), add=parent in seen))
            seen.add(parent)
    return out


def head(trace: Trace, name: str) -> tuple[Def, list[Statement]]:
    """A tape's function ``name(params, data, seed)`` and its body, which starts by
    unpacking the leaves' values."""
    body: list[Statement] = []
    for group, leaves in (("params", trace.params), ("data", trace.data)):
        if leaves:
            body.append(Assign(Tup(tuple(Var(trace.var[v]) for v in leaves)), Var(group)))
    return Def(name, ("params", "data", "seed"), body), body


def returned(trace: Trace, grads: Mapping[Value, Expr]) -> Return:
    """``return output, [g_param, …]``: each param's gradient as ``grads`` reads it (0.0
    for a param the output does not depend on)."""
    listed = tuple(grads.get(p, _ZERO) for p in trace.params)
    return Return(Tup((trace.syms[trace.root], Lst(listed))))


def program(trace: Trace, backward: bool, outline: bool = True) -> list[Statement]:
    """A tape's module: ``grad(params, data, seed)`` → ``(output, grads)``, or with
    ``backward=False`` ``forward(params, data, seed)`` → output. With ``outline``, a block
    repeated per sample is written once and called per row (:mod:`autograd.outline`).

    A value read once that no gradient reads is written into its use (:func:`passes.inline`,
    also for one-term gradients read once); gradients passed through unchanged share a
    variable; blocks of inputs and runs of products recurring across a layer are written
    once as tuples.
    """
    from .outline import find
    from .outlined import program as outlined

    families = find(trace) if outline else []
    if families:
        return outlined(trace, families, backward)
    fn, body = head(trace, "grad" if backward else "forward")
    values = passes.shared_blocks(forward(trace))
    if not backward:
        body.append(Comment("forward (a value used once is written into its use)"))
        body += assembled(trace, values)
        return [fn]
    grads, grad_of = gradients(trace, Var("seed"))
    grads.append(returned(trace, grad_of))
    kinds = {trace.gvar[n]: n.op for n in trace.gvar}
    grads, sizes = passes.product_runs(grads, kinds)
    pinned = {v for s in grads if isinstance(s, Assign) and isinstance(s.expr, Tup)
              for v in variables(s.expr)}
    body += assembled(trace, values, grads, pinned, (
        "forward (a value used once that no gradient reads is written into its use)",
        "backward, nodes in reverse order: g_node = Σ over its uses of g_use * ∂use/∂node"))
    return [*(passes.dot_seq_helper(n) for n in sorted(sizes)), fn]


def assembled(trace: Trace, values: list[Statement], grads: list[Statement] | None = None,
              pinned: set[str] | frozenset[str] = frozenset(),
              notes: tuple[str, str] = ("", "")) -> list[Statement]:
    """A tape function's body: the forward ``values``, then (given ``grads``, ending with
    its return) the backward, each value read once written into its use. A name in
    ``pinned``, what the return reads and the root's gradient (``g_root = seed``, where the
    backward starts) keep their lines; so does every value a kept gradient line reads.
    ``notes``: the comments above the forward and the backward. Without ``grads``: the
    forward and ``return`` of the root."""
    root = trace.root
    if grads is None:
        return [*passes.inline(values, keep={trace.name(root)}), Return(trace.syms[root])]
    keep = set(pinned) | set(variables(grads[-1].expr))  # type: ignore[union-attr]
    if root in trace.needs_grad:
        keep.add(trace.gvar[root])
    read: set[str] = set()
    grads = passes.split_sums(passes.inline(grads, keep=keep, sums=False, read=read))
    return [Comment(notes[0]), *passes.inline(values, keep=read | {trace.name(root)}),
            Comment(notes[1]), *grads]


class Listing(NamedTuple):
    """The by-edge tape and where its lines are (0-based line numbers)."""

    source: str
    node_line: dict[Value, int]  # each op node's forward line
    backward: int  # the first backward line: ``g_root = seed``, then one per edge


def edge_listing(trace: Trace) -> Listing:
    """The tape written for a reader following backprop step by step: one line per node
    forward, then one line per edge (``g_input += g_node * local``), the same floats as
    the engine in the same order; and where its lines are, known as they are written."""
    fn, body = head(trace, "grad")
    body.append(Comment("forward: one line per node"))
    start = len(body) + 1  # the def line comes first
    values = forward(trace)
    node_line = {n: start + i for i, n in enumerate(trace.parents)}
    body += values
    body.append(Comment("backward: g_input += g_node * ∂node/∂input, nodes in reverse order"))
    backward = len(body) + 1
    seen: set[Value] = set()
    body += edges(trace, list(reversed(trace.order)), seen, Var("seed"))
    body.append(returned(trace, {p: Var(trace.gvar[p]) for p in seen}))
    return Listing(trace.py.source([fn]), node_line, backward)


def float_source(trace: Trace, backward: bool, by_edge: bool = False,
                 outline: bool = True) -> str:
    """The straight-line function over floats: forward, then (optionally) backward;
    with ``by_edge``, one line per node and one per edge (see :func:`edge_listing`);
    ``outline`` as for :func:`program`."""
    if by_edge:
        return edge_listing(trace).source
    return trace.py.source(program(trace, backward, outline))


def dot_seq(gs: Sequence[float], xs: Sequence[float]) -> float:
    """``gs[0]*xs[0] + gs[1]*xs[1] + …``, added left to right (as the written-out sum is).

    Tapes call it for runs longer than :data:`passes.TERMS_PER_LINE`; shorter runs call a
    version written out for their length (:func:`passes.dot_seq_helper`), which runs faster.
    """
    total = gs[0] * xs[0]
    for i in range(1, len(gs)):
        total = total + gs[i] * xs[i]
    return total
