"""Live pages: a traced graph lowered to JavaScript, from the op table.

:func:`lower` lowers a graph and its backward pass for a live step-through: JavaScript
that recomputes every value, local derivative, upstream gradient and contribution of the
engine's steps for new leaf values, and the by-edge Python tape it mirrors line for line.
:func:`tape_source` prints a compiled :class:`~autograd.compile.Tape` as JavaScript, for
pages that train with the tape's numbers. Both are instruction lists
(:mod:`autograd.lowering`) printed by :class:`~autograd.jsprinter.JavaScriptPrinter`;
which ops can run in a browser, and how, is said there.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .code import Fields, Item, Lst
from .engine import Step, backward_steps
from .expr import Num, Var, mul
from .instructions import Assign, Def, Return, Statement
from .jsprinter import MATH, JavaScriptPrinter, NotLive, how, native, not_live
from .lowering import edge_listing, edges, forward
from .trace import Trace
from .value import Value

__all__ = ["MATH", "JavaScriptPrinter", "NotLive", "Program", "how", "lower", "native",
           "not_live", "tape_source"]


@dataclass
class Program:
    """A graph lowered for a page: the JavaScript that recomputes every number of a
    backward pass, and the Python tape it mirrors line for line.

    Attributes:
        order: every node, inputs first (``values[i]`` in the code's output is ``order[i]``).
        leaves: the leaves the code takes as inputs (the non-constant ones), in order.
        steps: the backward steps the code recomputes (``locals[k]`` is ``steps[k]``'s).
        javascript: ``function run(p, seed)`` returning ``{values, locals, upstreams,
            contributions, grads}`` (grads: one per leaf).
        python: the Python tape of ``autograd.compile`` for the same leaves, written one
            line per edge (:func:`~autograd.lowering.edge_listing`) so each step has its line.
        step_line: per step, the line of ``python`` that computes it (0-based), or None.
        seed_line: the line that sets the output's gradient, or None.
        node_line: per node with an op, the line of its forward computation.
        not_live: names of ops JavaScript cannot compute (then ``javascript`` is empty).
    """

    order: list[Value]
    leaves: list[Value]
    steps: list[Step]
    javascript: str
    python: str
    step_line: list[int | None] = field(default_factory=list)
    seed_line: int | None = None
    node_line: dict[Value, int] = field(default_factory=dict)
    not_live: list[str] = field(default_factory=list)


def lower(root: Value, gradient: float = 1.0, names: Mapping[Value, str] | None = None
          ) -> Program:
    """Lower ``root``'s graph and its backward pass to JavaScript (and Python).

    Args:
        root: the output.
        gradient: the seed ∂root/∂root.
        names: preferred names for the tape's variables (a picture's names, so that the
            tape reads like the picture): made into identifiers (``w₁`` → ``w1``) and
            kept unique; a node not in it is named by its label, as by ``compile``.

    Returns:
        A :class:`Program`; run ``program.javascript`` in a browser, then
        ``run([leaf values…], seed)``.

    Example:
        >>> from autograd import Value
        >>> w, x = Value(2.0, label="w"), Value(3.0, label="x")
        >>> program = lower((w * x).tanh())
        >>> [leaf.label for leaf in program.leaves]
        ['w', 'x']
        >>> "Math.tanh($" in program.javascript
        True
        >>> y = (w * x).tanh()
        >>> lower(y, names={w: "w₁", y: "n₃"}).python.splitlines()[-1]
        '    return n3, [g_w1, g_x]'
    """
    steps = list(backward_steps(root, gradient))
    leaves = _leaves(root)
    trace = Trace(root, leaves, [], names)
    listing = edge_listing(trace)
    program = Program(trace.order, leaves, steps, "", listing.source)
    program.node_line = listing.node_line
    program.seed_line, program.step_line = _backward_lines(trace, listing.backward, steps)
    missing = not_live(n.op for n in trace.order if n.op is not None)
    if missing:
        program.not_live = [op.name for op in missing]
        return program
    program.javascript = _javascript(trace, steps)
    return program


def _leaves(root: Value) -> list[Value]:
    """The non-constant leaves as the expression reads, left to right (``w·x + b``: w, x, b)."""
    found: list[Value] = []
    seen: set[Value] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        if node.op is None:
            if not node.is_constant:
                found.append(node)
        else:
            stack.extend(reversed(node.parents))
    return found


def _backward_lines(trace: Trace, at: int, steps: Sequence[Step]
                    ) -> tuple[int | None, list[int | None]]:
    """Which tape line each step is: the by-edge tape writes, from line ``at``, one line
    per edge into a node that needs a gradient, in the engine's order, after
    ``g_root = seed``."""
    seed_line = None
    if trace.root in trace.needs_grad:
        seed_line, at = at, at + 1
    result: list[int | None] = []
    for s in steps:
        if s.node in trace.needs_grad and s.input in trace.needs_grad:
            result.append(at)
            at += 1
        else:
            result.append(None)
    return seed_line, result


def _javascript(trace: Trace, steps: Sequence[Step]) -> str:
    """``run(p, seed)``: the forward, then every step's local, upstream and contribution
    in the engine's order, each input's gradient summed as the steps add to it."""
    taken = {*trace.var.values(), *trace.gvar.values()}
    own = {n: n if n not in taken else trace.names.new(n)
           for n in ("p", "locals", "upstreams", "contributions")}
    p, arrays = Var(own["p"]), [Var(own[n]) for n in ("locals", "upstreams", "contributions")]
    body: list[Statement] = [Assign(Var(trace.var[leaf]), Item(p, Num(i)))
                             for i, leaf in enumerate(trace.params)]
    body += forward(trace)
    gvar = {node: trace.gvar[node] if node in trace.needs_grad
            # nodes made of constants only also pass their gradient on
            else trace.names.new("g_" + trace.var[node])
            for node in trace.order if node.op is not None or node in trace.needs_grad}
    body += [Assign(a, Lst(())) for a in arrays]
    root = trace.root
    seen = {root}
    if root in gvar:
        body.append(Assign(Var(gvar[root]), Var("seed")))
    locals_, upstreams, contributions = arrays
    for k, s in enumerate(steps):
        at = Num(k)
        upstream = Item(upstreams, at)
        body += [Assign(Item(locals_, at), trace.local(s.node, s.index)),
                 Assign(upstream, Var(gvar[s.node])),
                 Assign(Item(contributions, at), mul(upstream, Item(locals_, at)))]
        if s.input in gvar:
            body.append(Assign(Var(gvar[s.input]), Item(contributions, at), add=s.input in seen))
            seen.add(s.input)
    values = Lst(tuple(trace.syms[n] for n in trace.order))
    grads = Lst(tuple(Var(gvar[q]) if q in seen else Num(0.0) for q in trace.params))
    body.append(Return(Fields((("values", values), ("locals", locals_),
                               ("upstreams", upstreams), ("contributions", contributions),
                               ("grads", grads)))))
    printer = JavaScriptPrinter(bare={*own.values(), "seed"})
    return printer.source([Def("run", (own["p"], "seed"), body)])


def tape_source(tape: Any) -> str:
    """A :class:`~autograd.compile.Tape` in JavaScript: what a page trains with.

    Defines ``grad(params, data, seed)``, returning ``[output, grads]`` (grads in the
    order of ``tape.params``), and ``forward(params, data)``, returning the output: the
    same float operations in the same order as ``tape.grad`` and ``tape.forward``, one
    line per node forward and one line per edge backward (each gradient summed over its
    uses in the engine's order). Ops that JavaScript cannot compute raise :class:`NotLive`.

    Example:
        >>> from autograd import Value, compile
        >>> w, x = Value(2.0, label="w"), Value(3.0, label="x")
        >>> source = tape_source(compile((w * x).tanh(), params=[w], data=[x]))
        >>> print(source)
        function forward(params, data) {
          const $w = params[0];
          const $x = data[0];
          const $mul1 = $w * $x;
          const $tanh1 = Math.tanh($mul1);
          return $tanh1;
        }
        function grad(params, data, seed) {
          const $w = params[0];
          const $x = data[0];
          const $mul1 = $w * $x;
          const $tanh1 = Math.tanh($mul1);
          const $g_tanh1 = seed;
          const $g_mul1 = $g_tanh1 * (1.0 - $tanh1 * $tanh1);
          const $g_w = $g_mul1 * $x;
          return [$tanh1, [$g_w]];
        }
        <BLANKLINE>
    """
    trace: Trace = tape.trace
    missing = not_live(n.op for n in trace.order if n.op is not None)
    if missing:
        raise NotLive(f"tape_source: JavaScript cannot compute op(s) "
                      f"{', '.join(op.name for op in missing)}; declare each with a via")
    head: list[Statement] = [Assign(Var(trace.var[q]), Item(Var(group), Num(i)))
                             for group, leaves in (("params", trace.params), ("data", trace.data))
                             for i, q in enumerate(leaves)]
    head += forward(trace)
    out = trace.syms[trace.root]
    seen: set[Value] = set()
    backward = edges(trace, list(reversed(trace.order)), seen, Var("seed"))
    grads = Lst(tuple(Var(trace.gvar[q]) if q in seen else Num(0.0) for q in trace.params))
    printer = JavaScriptPrinter(bare={"params", "data", "seed"})
    return printer.source([
        Def("forward", ("params", "data"), [*head, Return(out)]),
        Def("grad", ("params", "data", "seed"), [*head, *backward, Return(Lst((out, grads)))]),
    ])
