"""The code ``backward()`` runs: each op's chain-rule steps as one small Python function.

:func:`autograd.engine.backward` takes, for every node, the steps of :func:`autograd.engine.chain`
(for each input: local = the op's rule, contribution = upstream · local, added to the
input's gradient). Running the rule on floats for every edge costs a call per edge; so
each op's rules are run once on expression trees (:mod:`autograd.expr`) and printed by
the Python printer into one function ``step(node, upstream)`` that reads the node's
inputs and adds each contribution, the rule written inline. :func:`step_source` shows
that function: the code you read is the code that runs.

Example:
    >>> print(step_source("tanh"), end="")
    def step(node, upstream):
        out = node.data
        node._a._grad += upstream * (1.0 - out * out)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .code import Attr, Fn, Logic, Tup
from .expr import Cmp, Expr, Num, Var, lift, mul
from .instructions import Assign, Def, For, If, Statement
from .interpret import FLOATS
from .ops import OPS_BY_NAME, Op
from .printing import PythonPrinter
from .reading import variables
from .symbols import local, symbols

# Names a step uses for itself (an op's function may never be called so).
OWN = ("node", "upstream", "out", "rows", "zip", "len", "regroup", "FLOATS")

Step = Callable[[Any, float], None]
STEPS: dict[Op, Step] = {}  # each op's step, made on first use (see step)
_SOURCES: dict[Op, str] = {}


def step(op: Op) -> Step:
    """The function ``step(node, upstream)`` backward runs at every node of ``op``."""
    found = STEPS.get(op)
    if found is None:
        source = _SOURCES[op] = _source(op)
        namespace = _namespace(op)
        exec(compile(source, f"<backward step of {op.name}>", "exec"), namespace)
        found = STEPS[op] = namespace["step"]
    return found


def step_source(op: str | Op) -> str:
    """The Python source of the step ``backward()`` runs for an op (given by name or record).

    Example:
        >>> print(step_source("mul"), end="")
        def step(node, upstream):
            node_a = node._a
            node_b = node._b
            a = node_a.data
            b = node_b.data
            node_a._grad += upstream * b
            node_b._grad += upstream * a
    """
    if isinstance(op, str):
        if op not in OPS_BY_NAME:
            raise KeyError(f"step_source: no op named {op!r} in the table")
        op = OPS_BY_NAME[op]
    step(op)
    return _SOURCES[op]


def _printer(op: Op) -> PythonPrinter:
    return PythonPrinter([op], reserved=(*OWN, *_names(op)))


def _names(op: Op) -> list[str]:
    return [*op.inputs, *(f"node_{n}" for n in op.inputs), *(f"local_{n}" for n in op.inputs),
            *(f"rule_{n}" for n in op.inputs)]


def _namespace(op: Op) -> dict[str, Any]:
    ns = _printer(op).namespace()
    ns |= {"FLOATS": FLOATS, "zip": zip, "len": len, "regroup": regroup, "None": None}
    ns |= {f"rule_{name}": rule for name, rule in zip(op.inputs, op.rules)}
    return ns


def _source(op: Op) -> str:
    node, upstream, out = Var("node"), Var("upstream"), Var("out")
    body: list[Statement] = []
    if op.arity == 0:
        body += _nary(op, node, upstream, out)
    else:
        inputs: list[Expr] = [Var(f"node_{n}") for n in op.inputs]
        values: list[Expr] = [Var(n) for n in op.inputs]
        locals_ = _locals(op, values, out, node, lambda m: [
            local(op, i, values, out) for i in range(op.arity)])
        read = {name for t in locals_ for name in variables(t)}
        if op.arity == 1 and op.inputs[0] not in read:  # the input is read once: in place
            slots: list[Expr] = [Attr(node, "_a")]
        else:
            slots = inputs
            body += [Assign(v, Attr(node, s)) for v, s in zip(inputs, ("_a", "_b"))]
        body += [Assign(Var(n), Attr(slot, "data")) for n, slot in zip(op.inputs, slots)
                 if n in read]
        if "out" in read:
            body.append(Assign(out, Attr(node, "data")))
        if op.arity > 1:  # every local first: a failing rule leaves no partial sum
            for i, (name, t) in enumerate(zip(op.inputs, locals_)):
                if not isinstance(t, (Num, Var)):
                    body.append(Assign(Var(f"local_{name}"), t))
                    locals_[i] = Var(f"local_{name}")
        body += [Assign(Attr(slot, "_grad"), mul(upstream, t), add=True)
                 for slot, t in zip(slots, locals_)]
    return _printer(op).source([Def("step", ("node", "upstream"), body)])


def _locals(op: Op, values: list[Expr], out: Var, node: Var,
            inline: Callable[[Any], list[Expr]]) -> list[Expr]:
    # Each rule run on trees and written inline; a rule that branches on its parameter
    # (pow's k) or, with Python's if, on its inputs is called on floats instead.
    if not op.param:
        try:
            return inline(symbols(op))
        except (TypeError, AttributeError):
            pass
    args = (Var("FLOATS"), *values, out, *((Attr(node, "arg"),) if op.param else ()))
    return [Fn(f"rule_{n}", args) for n in op.inputs]


def _nary(op: Op, node: Var, upstream: Var, out: Var) -> list[Statement]:
    # One loop per rule over the rows, each row's members read in place (x.data).
    groups = [Var(f"node_{n}") for n in op.inputs]  # all w, all x, …
    members = [Var(n) for n in op.inputs]
    rows = Var("rows")
    # Inputs set by hand (Value.parents) may sit in the slots, or in one row.
    by_hand = Logic("or", Cmp("is not", Attr(node, "_a"), Var("None")),
                    Cmp("!=", Fn("len", (rows,)), Num(len(op.rules))))
    body: list[Statement] = [
        Assign(rows, Attr(node, "_b")),
        If(by_hand, [Assign(rows, Fn("regroup", (node, Num(len(op.rules)))))]),
        Assign(Tup(tuple(groups)), rows),
    ]
    values: list[Expr] = [Attr(m, "data") for m in members]
    locals_ = _locals(op, values, out, node, lambda m: [
        lift(rule(m, *values, out)) for rule in op.rules])
    if any("out" in variables(t) for t in locals_):
        body.append(Assign(out, Attr(node, "data")))
    target: Expr = members[0] if len(members) == 1 else Tup(tuple(members))
    iterable: Expr = groups[0] if len(groups) == 1 else Fn("zip", tuple(groups))
    for member, t in zip(members, locals_):
        add = Assign(Attr(member, "_grad"), mul(upstream, t), add=True)
        body.append(For(target, iterable, [add]))
    return body


def regroup(node: Any, width: int) -> tuple[tuple[Any, ...], ...]:
    """An n-ary node's inputs set by hand (``Value.parents``), grouped as the op groups
    them: by input name (``dot``: all w, then all x)."""
    inputs = node.parents
    size = len(inputs) // width
    return tuple(inputs[r * size:(r + 1) * size] for r in range(width))
