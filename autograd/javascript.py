"""Lowering a traced graph to JavaScript, from the op table: what a live page runs.

:class:`JavaScriptSource` is the symbolic interpretation (:mod:`autograd.source`) that
prints JavaScript. It decides what every language decides (how a number, a branch and
a comparison are written) and how each op is applied, in this order of preference:

1. a Python operator (``+ - * /``, unary ``-``): JavaScript's own operator;
2. an op whose forward *is* Python's ``math.<name>`` (or the builtin ``abs``) for a
   function ``Math.<name>`` also has: that function (``Math.tanh``), ops from outside
   the table included;
3. an op with a ``via`` (the op written with other ops): a helper function whose body
   is the ``via`` run on symbols (``sigmoid``, ``relu``; one helper per parameter value);
4. a parameter op with ``promote`` (``pow``): the promoted op with the parameter as its
   second input (``vpow(a, k)``);
5. an n-ary op: its ``term`` over each row, summed left to right as Python's ``sum``
   does on Python 3.11 (3.12's compensated float sum would differ in the last bits).

Any other op cannot run in JavaScript: :class:`NotLive` names it, and a page says so.

JavaScript and Python share IEEE doubles, so ``+ - * /`` and ``Math.sqrt``/``Math.abs``
give the very same bits. Where they differ:

- ``Math.exp``, ``log``, ``sin`` … ``tanh``, ``log1p``, ``expm1``, ``atan2``, ``hypot``
  and ``**`` are V8's ports of fdlibm, while CPython calls the C library: results may
  differ in the last bit (tests allow a few ulps per op, 1e-12 over a graph).
- ``**`` is not C's ``pow`` at two points: ``1 ** NaN`` and ``(-1) ** ±Infinity`` are
  NaN in JavaScript and 1 in Python; generated code calls ``_pow``, which gives 1 there.
- Python raises where JavaScript goes on with a non-finite number (``1 / 0``, ``log(-1)``,
  ``(-8) ** (1/3)``): a page shows such a node as outside its op's domain.
- a comparison of equals is ``===``; a branch is ``test ? x : y`` (only one side runs,
  as with Python's ``if``).
"""

from __future__ import annotations

import builtins
import math
import operator
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .engine import Step, backward_steps
from .lowering import Trace, edge_listing
from .ops import OPS_BY_NAME, Op
from .source import ADD, ATOM, COND, INFIX, MUL, POW, SourceMath, Sym, _reads
from .value import Value

MATH = frozenset({
    "abs", "acos", "acosh", "asin", "asinh", "atan", "atan2", "atanh", "cbrt", "cos",
    "cosh", "exp", "expm1", "hypot", "log", "log10", "log1p", "log2", "sin", "sinh",
    "sqrt", "tan", "tanh",
})
"""Functions of JavaScript's ``Math`` that compute what Python's function of the same name
computes (``math.<name>``, or the builtin ``abs``)."""

POW_HELPER = (
    "function _pow(a, b) {\n"
    "  // C's pow (and Python's **): 1 ** y and (-1) ** ±Infinity are 1, not NaN.\n"
    "  return a === 1 || (a === -1 && (b === Infinity || b === -Infinity)) ? 1 : a ** b;\n"
    "}\n"
)


class NotLive(ValueError):
    """An op JavaScript cannot compute: no operator, no ``Math`` function, no ``via``."""


def native(op: Op) -> str | None:
    """The ``Math`` function computing ``op``'s forward, or None."""
    fn = getattr(op.forward, "__name__", "")
    if fn in MATH and op.forward in (getattr(math, fn, None), getattr(builtins, fn, None)):
        return f"Math.{fn}"
    return None


def how(op: Op) -> str | None:
    """How generated JavaScript computes ``op`` (None: it cannot)."""
    if op.forward in INFIX or op.forward is operator.neg:
        return "operator"
    if native(op):
        return "Math"
    if op.via is not None:
        return "via"
    if op.param and op.promote in OPS_BY_NAME and how(OPS_BY_NAME[op.promote]) is not None:
        return "promote"
    if op.arity == 0 and op.term is not None:
        return "term"
    return None


def not_live(ops: Iterable[Op]) -> list[Op]:
    """The ops of ``ops`` that JavaScript cannot compute (their pages cannot recompute)."""
    return [op for op in dict.fromkeys(ops) if how(op) is None]


class JavaScriptSource(SourceMath):
    """Rules on Syms that print JavaScript; helpers it needs collect in :attr:`helpers`.

    Variables are written with a leading ``$`` (``$w``), which no Python name and no
    helper has, so labels never clash with JavaScript's reserved words or globals.
    """

    def __init__(self, ops: Iterable[Op] = ()) -> None:
        super().__init__(ops)
        self.helpers: dict[Any, tuple[str, str]] = {}  # key -> (name, definition)
        self.pow_used = False

    # -- what JavaScript decides ---------------------------------------------------------
    def number(self, x: float) -> Sym:
        """A number literal: ``NaN``, ``Infinity``, or Python's shortest repr (which
        JavaScript reads back as the same double)."""
        if math.isnan(x):
            return Sym(self, "NaN")
        if math.isinf(x):
            return Sym(self, "Infinity" if x > 0 else "(-Infinity)")
        text = repr(float(x))
        return Sym(self, f"({text})" if text.startswith("-") else text)

    def lift_value(self, x: Any) -> Sym:
        """A Sym as it is; ``true``/``false``; a number as a literal."""
        if isinstance(x, bool):
            return Sym(self, "true" if x else "false")
        return super().lift_value(x)

    def var(self, name: str, reads: Any = None) -> Sym:
        """A variable of the generated code: ``$name``."""
        return super().var("$" + name, reads)

    def call(self, op: Op, args: list[Sym], k: Any = None) -> Sym:
        """``op`` applied to ``args`` (and its parameter ``k``)."""
        way = how(op)
        if way == "operator":
            return super().call(op, args, k)
        if way == "Math":
            return self._apply(f"{native(op)}", args)
        if way == "via":
            return self._apply(self._helper(op, k), args)
        if way == "promote":
            promoted = OPS_BY_NAME[op.promote]  # type: ignore[index]
            return self.call(promoted, [args[0], self.number(k)])
        if way == "term":
            size = len(op.rules)
            term: Callable[..., Any] = op.term  # type: ignore[assignment]
            terms = [self.lift_value(term(self, *self._row(args, r, size)))
                     for r in range(len(args) // size)]
            if not terms:
                return self.number(0.0)
            text = " + ".join(self.wrap(t, ADD + 1) if i else self.wrap(t, ADD)
                              for i, t in enumerate(terms))
            return Sym(self, f"({text})", ATOM, _reads(terms))
        raise NotLive(
            f"op {op.name!r} cannot run in JavaScript: it is no Python operator, its "
            "forward is not a math function JavaScript's Math has, and it has no via. "
            f"Declare it with via=lambda m, {', '.join(op.inputs)}: … (written with other ops) "
            "to make it live."
        )

    @staticmethod
    def _row(args: Sequence[Sym], r: int, size: int) -> list[Sym]:
        # Inputs of an n-ary node: all of the first input name, then all of the second…
        n = len(args) // size
        return [args[j * n + r] for j in range(size)]

    def where(self, test: Any, x: Any, y: Any) -> Sym:
        """``test ? x : y``."""
        test, x, y = self.lift_value(test), self.lift_value(x), self.lift_value(y)
        text = f"{self.wrap(test, COND + 1)} ? {self.wrap(x, COND)} : {self.wrap(y, COND)}"
        return Sym(self, text, COND, _reads([test, x, y]))

    def compare(self, a: Any, symbol: str, b: Any) -> Sym:
        """``a > b``; equality is ``===``."""
        return super().compare(a, "===" if symbol == "==" else symbol, b)

    def infix(self, left: Sym, symbol: str, prec: int, right: Sym) -> Sym:
        """Operators as Python writes them, but ``**`` through :data:`POW_HELPER`."""
        if prec == POW:
            self.pow_used = True
            return Sym(self, f"_pow({left.text}, {right.text})", ATOM, left.reads | right.reads)
        return super().infix(left, symbol, prec, right)

    # -- helpers -------------------------------------------------------------------------
    def _apply(self, function: str, args: Sequence[Sym]) -> Sym:
        return Sym(self, f"{function}({', '.join(a.text for a in args)})", ATOM, _reads(args))

    def _helper(self, op: Op, k: Any) -> str:
        """The name of the helper computing ``op`` (for this parameter), defined once."""
        key = (op, k) if op.param else (op, None)
        if key in self.helpers:
            return self.helpers[key][0]
        base = re.sub(r"\W", "_", self.names[op], flags=re.ASCII)
        name = f"op_{base}" + (f"_{sum(1 for h in self.helpers if h[0] is op)}" if op.param else "")
        self.helpers[key] = (name, "")  # a via that calls itself would end here
        params = [Sym(self, p) for p in op.inputs] if op.arity else []
        via: Callable[..., Any] = op.via  # type: ignore[assignment]
        body = self.lift_value(via(self, *params, *((k,) if op.param else ())))
        ps = ", ".join(p.text for p in params)
        self.helpers[key] = (name, f"function {name}({ps}) {{\n  return {body.text};\n}}\n")
        return name

    def preamble(self) -> str:
        """The helper functions the code written so far calls."""
        text = "".join(definition for _, definition in self.helpers.values())
        return (POW_HELPER if self.pow_used else "") + text


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
    js = JavaScriptSource(trace.ops)
    body = []
    for i, leaf in enumerate(trace.params):
        body.append(f"  const ${trace.var[leaf]} = p[{i}];")
    for node in trace.order:
        if node.op is not None:
            body.append(f"  const ${trace.var[node]} = {trace.forward_expr(node, js)};")
    gvar = dict(trace.gvar)
    for node in trace.order:  # nodes made of constants only also pass their gradient on
        if node.op is not None and node not in gvar:
            gvar[node] = trace.names.new("g_" + trace.var[node])
    root = trace.root
    body.append("  const locals = [], upstreams = [], contributions = [];")
    if root in gvar:
        body.append(f"  let ${gvar[root]} = seed;")
    seen = {root}
    for k, s in enumerate(steps):
        node, parent = s.node, s.input
        op: Any = node.op
        ins = [trace.sym(p, js) for p in node.parents]
        local = js.lift_value(op.local(s.index, js, ins, js.var(trace.var[node]), node.arg))
        body.append(f"  locals[{k}] = {local.text}; upstreams[{k}] = ${gvar[node]}; "
                    f"contributions[{k}] = upstreams[{k}] * locals[{k}];")
        if parent in gvar:
            if parent in seen:
                body.append(f"  ${gvar[parent]} = ${gvar[parent]} + contributions[{k}];")
            else:
                body.append(f"  let ${gvar[parent]} = contributions[{k}];")
                seen.add(parent)
    values = ", ".join(trace.sym(n, js).text for n in trace.order)
    grads = ", ".join(f"${gvar[p]}" if p in seen else "0" for p in trace.params)
    body.append(f"  return {{values: [{values}], locals: locals, upstreams: upstreams, "
                f"contributions: contributions, grads: [{grads}]}};")
    return js.preamble() + "function run(p, seed) {\n" + "\n".join(body) + "\n}\n"


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
          let $g_tanh1 = seed;
          let $g_mul1 = $g_tanh1 * (1.0 - $tanh1 * $tanh1);
          let $g_w = $g_mul1 * $x;
          return [$tanh1, [$g_w]];
        }
        <BLANKLINE>
    """
    trace: Trace = tape.trace
    missing = not_live(n.op for n in trace.order if n.op is not None)
    if missing:
        raise NotLive(f"tape_source: JavaScript cannot compute op(s) "
                      f"{', '.join(op.name for op in missing)}; declare each with a via")
    js = JavaScriptSource(trace.ops)
    head = [f"  const ${trace.var[p]} = params[{i}];" for i, p in enumerate(trace.params)]
    head += [f"  const ${trace.var[d]} = data[{i}];" for i, d in enumerate(trace.data)]
    head += [f"  const ${trace.var[n]} = {trace.forward_expr(n, js)};"
             for n in trace.order if n.op is not None]
    out = trace.sym(trace.root, js).text
    forward = ["function forward(params, data) {", *head, f"  return {out};", "}"]
    body = ["function grad(params, data, seed) {", *head]
    seen: set[Value] = set()
    if trace.root in trace.needs_grad:
        body.append(f"  let ${trace.gvar[trace.root]} = seed;")
        seen.add(trace.root)
    for node in reversed(trace.order):
        if node.op is None or node not in seen:
            continue
        op: Any = node.op
        ins = [trace.sym(p, js) for p in trace.parents[node]]
        g = js.var(trace.gvar[node])
        for i, parent in enumerate(trace.parents[node]):
            if parent not in trace.needs_grad:
                continue
            local = js.lift_value(op.local(i, js, ins, js.var(trace.var[node]), node.arg))
            if local.text == "1.0":  # upstream · 1 is upstream, exactly
                product = g.text
            elif local.text == "(-1.0)":
                product = f"-{g.text}"
            else:
                product = f"{g.text} * {js.wrap(local, MUL + 1)}"
            name = f"${trace.gvar[parent]}"
            if parent in seen:
                body.append(f"  {name} = {name} + {product};")
            else:
                body.append(f"  let {name} = {product};")
                seen.add(parent)
    grads = ", ".join(f"${trace.gvar[p]}" if p in seen else "0.0" for p in trace.params)
    body += [f"  return [{out}, [{grads}]];", "}"]
    return js.preamble() + "\n".join(forward + body) + "\n"
