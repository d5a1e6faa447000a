"""Batched replay in pure Python: a loop over the rows around the per-sample tape.

A tape's nodes fall in two kinds. *Shared* nodes depend on parameters and constants
only (a weight, an L2 penalty): they are computed once per batch. *Per-sample* nodes
depend on a data leaf: they are computed for each row, inside the loop, and add what
they pass back to a shared node into its gradient, row after row, as one line per edge
(:func:`autograd.lowering.edges`). No numpy needed.
"""

from __future__ import annotations

from typing import Any

from .code import Fn, Lst, Tup
from .expr import Bin, Expr, Num, Var
from .instructions import Assign, Def, Do, For, Return, Statement
from .lowering import edges, needed
from .trace import Trace
from .value import Value


def loop_program(trace: Trace, backward: bool = True) -> list[Statement]:
    """``grad_rows(params, rows, n, seed)`` → (total, grads), or ``forward_rows`` → the
    output of each row."""
    t = trace
    sample = [n for n in t.order if n.op is not None and n in t.per_sample]
    shared = [n for n in t.order if n.op is not None and n not in t.per_sample]
    body: list[Statement] = []
    if t.params:
        body.append(Assign(Tup(tuple(Var(t.var[p]) for p in t.params)), Var("params")))
    body += [Assign(Var(t.var[n]), t.forward(n)) for n in shared]
    root = t.syms[t.root]
    name = "grad_rows" if backward else "forward_rows"
    if t.root not in t.per_sample:  # every row has the same output
        if backward:
            seen: set[Value] = set()
            body += edges(t, list(reversed(shared)), seen, Bin("*", Var("seed"), Var("n")))
            body.append(Return(Tup((Bin("*", root, Var("n")), _grads(t, seen)))))
        else:
            body.append(Return(Bin("*", Lst((root,)), Var("n"))))
        return [Def(name, ("params", "rows", "n", "seed"), body)]
    row = Tup(tuple(Var(t.var[d]) for d in t.data))
    loop: list[Statement] = [Assign(Var(t.var[n]), t.forward(n)) for n in sample]
    if not backward:
        loop.append(Do(Fn("outs.append", (root,))))
        return [Def(name, ("params", "rows", "n", "seed"), [
            *body, Assign(Var("outs"), Lst(())), For(row, Var("rows"), loop),
            Return(Var("outs"))])]
    into = {p for n in sample for p, _ in needed(t, n)} - t.per_sample
    seen = set(into)
    body += [Assign(Var(t.gvar[p]), Num(0.0)) for p in t.order if p in into]
    body.append(Assign(Var("total"), Num(0.0)))
    loop.append(Assign(Var("total"), root, add=True))
    loop += edges(t, list(reversed(sample)), seen, Var("seed"))
    body.append(For(row, Var("rows"), loop))
    body += edges(t, list(reversed(shared)), seen, None)
    body.append(Return(Tup((Var("total"), _grads(t, seen)))))
    return [Def(name, ("params", "rows", "n", "seed"), body)]


def _grads(t: Trace, seen: set[Any]) -> Expr:
    return Lst(tuple(Var(t.gvar[p]) if p in seen else Num(0.0) for p in t.params))
