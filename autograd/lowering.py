"""Lowering a traced graph to Python source, from the op table.

Every line the compiler writes comes from the table: a node's forward from its op's
``code`` template, an edge's local derivative from its op's ``local`` rule text, with
the template's names (``a``, ``b``, ``out``, ``k``) replaced by the generated code's
variables and ``m.`` calls by the math functions of the target (floats or numpy).
Only the n-ary ``sum`` and ``dot`` are unrolled by hand. :mod:`autograd.compile` and
:mod:`autograd.batched` both build on this module.
"""

from __future__ import annotations

import ast
import builtins
import functools
import keyword
import math
import numbers
import re
import string
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from .engine import topological_order
from .nodes import apply
from .ops import FLOAT_MATH, OPS, Op
from .value import Value

_FUNCTIONS: dict[str, Callable[..., Any]] = {op.name: op.forward for op in OPS if op.arity}
_RESERVED = {"params", "data", "seed", "cols", "sum", "float", "inf", "nan", "m", "np"}


class Names:
    """Unique, deterministic Python identifiers made from node labels."""

    def __init__(self, reserved: Sequence[str] = ()) -> None:
        self.used = set(_RESERVED) | set(reserved) | set(dir(builtins))

    def new(self, base: str) -> str:
        """A fresh identifier from ``base`` (ASCII letters, digits and ``_`` only)."""
        name = re.sub(r"[^0-9A-Za-z_]", "_", unicodedata.normalize("NFKC", base)) or "v"
        if name[0].isdigit() or name.startswith(("np_", "m_")):
            name = "v_" + name
        if keyword.iskeyword(name) or keyword.issoftkeyword(name):
            name += "_"
        candidate, n = name, 2
        while candidate in self.used:
            candidate, n = f"{name}_{n}", n + 1
        self.used.add(candidate)
        return candidate


class Rewrite(ast.NodeTransformer):
    """Put a template's names in terms of the generated code's variables.

    ``names`` maps template names (``a``, ``out``, ``k``) to expressions; ``funcs``
    maps a called function (``exp``, or ``m.cos`` written ``m.cos``) to the name the
    generated code calls; ``where`` (a function name or None) turns every
    ``x if test else y`` into ``where(test, x, y)`` so a branch works elementwise.
    """

    def __init__(self, names: dict[str, ast.expr], funcs: Callable[[str, bool], str],
                 where: str | None = None) -> None:
        self.names, self.funcs, self.where = names, funcs, where

    def visit_Name(self, node: ast.Name) -> ast.expr:
        if node.id == "NAN":
            return ast.Name("nan", ast.Load())
        return self.names.get(node.id, node)

    def visit_Attribute(self, node: ast.Attribute) -> ast.AST:
        if isinstance(node.value, ast.Name) and node.value.id == "m":
            return ast.Name(self.funcs(node.attr, True), ast.Load())
        return self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> ast.expr:
        if isinstance(node.func, ast.Name):
            node.func = ast.Name(self.funcs(node.func.id, False), ast.Load())
        else:
            node.func = self.visit(node.func)
        node.args = [self.visit(a) for a in node.args]
        return node

    def visit_Subscript(self, node: ast.Subscript) -> ast.AST:
        # n-ary rules speak of ``x[i]``, ``w[i]``: the caller names each element.
        if isinstance(node.value, ast.Name) and isinstance(node.slice, ast.Name):
            key = f"{node.value.id}[{node.slice.id}]"
            if key in self.names:
                return self.names[key]
        return self.generic_visit(node)

    def visit_IfExp(self, node: ast.IfExp) -> ast.expr:
        self.generic_visit(node)  # in place
        if self.where is None:
            return node
        args = [node.test, node.body, node.orelse]
        return ast.Call(ast.Name(self.where, ast.Load()), args, [])


def rewrite(template: str, rw: Rewrite) -> ast.expr:
    """Parse ``template`` and rewrite it with ``rw``."""
    return rw.visit(ast.parse(template, mode="eval").body)


class Flavor(NamedTuple):
    """What generated code computes on: how it names functions, how it writes a branch."""

    name: str
    funcs: Callable[[str, bool], str]
    where: str | None = None


def _slot(name: str) -> ast.expr:
    # A placeholder that str.format fills with a variable name or a literal in parentheses.
    return ast.Name("{" + name + "}", ast.Load())


@functools.cache
def forward_template(op: Op, flavor: Flavor) -> str:
    """The op's ``code`` with ``{a}``, ``{b}``, ``{k}`` slots, for ``str.format``."""
    names = {n: _slot(n) for n in ("a", "b", "out", *(op.param[:1] if op.param else ()))}
    return ast.unparse(rewrite(op.code, Rewrite(names, flavor.funcs)))


@functools.cache
def local_template(op: Op, index: int, flavor: Flavor) -> tuple[str, str, frozenset[str]]:
    """Local derivative ``index`` (n-ary: of input group ``index``) with slots.

    Returns the local alone, the contribution ``{g} * local`` (without the
    multiplications by ±1.0 that change nothing), and the slots the local reads.
    """
    names = {n: _slot(n) for n in ("a", "b", "out", *(op.param[:1] if op.param else ()))}
    if op.arity == 0:
        names |= {f"{c}[i]": _slot(c) for c in "wx"}
    local = rewrite(op.local[index], Rewrite(names, flavor.funcs, flavor.where))
    text = ast.unparse(local)
    if text == "1.0":
        product = "{g}"
    elif text == "-1.0":
        product = "-{g}"
    else:
        product = ast.unparse(ast.BinOp(_slot("g"), ast.Mult(), local))
    fields = frozenset(f for _, f, _, _ in string.Formatter().parse(text) if f)
    return text, product, fields


def float_function(name: str, is_math: bool) -> str:
    """The name generated float code calls for an op's ``name(...)`` or a rule's ``m.name``."""
    if is_math and _FUNCTIONS.get(name) is not getattr(FLOAT_MATH, name):
        return "m_" + name
    return name


def float_namespace(ops: Sequence[Op] = ()) -> dict[str, Any]:
    """What generated float code can see: every op's forward, the rules' math, ``sum``.

    ``ops`` adds ops declared outside the table (their ``code`` calls them by name).
    """
    ns: dict[str, Any] = {"__builtins__": {}, "sum": builtins.sum, "inf": math.inf,
                          "nan": math.nan, **_FUNCTIONS}
    ns |= {op.name: op.forward for op in ops if op.arity and op.name not in ns}
    for name in dir(FLOAT_MATH):
        if not name.startswith("_"):
            ns[float_function(name, True)] = getattr(FLOAT_MATH, name)
    return ns


FLOAT = Flavor("float", float_function)


def input_groups(op: Op, n: int) -> list[tuple[str, int, int]]:
    """For an n-ary op: per input, its group letter, index in the group, group number."""
    groups = len(op.local)
    size = n // groups
    letters = [op.input_name(g * size, n)[0] for g in range(groups)]
    return [(letters[j // size], j % size, j // size) for j in range(n)]


def literal_text(x: float) -> str:
    """A baked-in number as source: an atom wherever it is substituted."""
    text = repr(float(x))
    return f"({text})" if text.startswith("-") else text


class Trace:
    """A graph walked once: its nodes in order, their names, which need a gradient."""

    def __init__(self, root: Value, params: Sequence[Value], data: Sequence[Value]) -> None:
        if not isinstance(root, Value):
            raise TypeError(f"compile: root must be a Value, got {root!r} ({type(root).__name__})")
        self.root = root
        self.params = _leaves(params, "params")
        self.data = _leaves(data, "data")
        both = set(self.params) & set(self.data)
        if both:
            raise ValueError(f"compile: {next(iter(both))!r} is in both params and data")
        self.order = topological_order(root)
        self.ops = sorted({n.op for n in self.order if n.op is not None}, key=lambda op: op.name)
        self.needs_grad: set[Value] = set(self.params)
        self.per_sample: set[Value] = set(self.data)
        for node in self.order:
            if node.op is not None:
                if any(p in self.needs_grad for p in node.parents):
                    self.needs_grad.add(node)
                if any(p in self.per_sample for p in node.parents):
                    self.per_sample.add(node)
        self.names = Names(list(float_namespace(self.ops)))
        self.var: dict[Value, str] = {}
        counts: dict[str, int] = {}
        for i, p in enumerate(self.params):
            self.var[p] = self.names.new(p.label or f"param{i}")
        for i, d in enumerate(self.data):
            self.var[d] = self.names.new(d.label or f"x{i}")
        for node in self.order:
            if node.op is not None:
                n = counts[node.op.name] = counts.get(node.op.name, 0) + 1
                self.var[node] = self.names.new(node.label or f"{node.op.name}{n}")
        self.gvar = {n: self.names.new("g_" + self.var[n]) for n in self.order
                     if n in self.needs_grad}

    def ref(self, node: Value) -> str:
        """How generated code reads a node: its variable, or its value baked in."""
        name = self.var.get(node)
        return literal_text(node.data) if name is None else name

    def slots(self, node: Value) -> dict[str, str]:
        """What ``a``, ``b``, ``out`` and the op's parameter stand for at this node."""
        op: Op = node.op  # type: ignore[assignment]
        slots = {"ab"[i]: self.ref(p) for i, p in enumerate(node.parents[:2])}
        slots["out"] = self.var[node]
        if op.param:
            slots[op.param[0]] = literal_text(node.arg)
        return slots

    def forward_expr(self, node: Value, flavor: Flavor) -> str:
        """The node's forward computation from its op's ``code`` template."""
        op: Op = node.op  # type: ignore[assignment]
        if op.arity == 0:  # n-ary ops are unrolled: the same builtin sum the engine calls
            ins = [self.ref(p) for p in node.parents]
            if op.name == "dot":
                half = len(ins) // 2
                terms = [f"{w} * {x}" for w, x in zip(ins[:half], ins[half:])]
            else:
                terms = ins
            return f"sum(({', '.join(terms)}{',' if len(terms) == 1 else ''}))"
        return forward_template(op, flavor).format(**self.slots(node))

    def edges(self, node: Value, flavor: Flavor) -> list[tuple[Value, str, str, frozenset]]:
        """Per input needing a gradient: (input, local, g·local template, nodes the local reads).

        The templates still hold the ``{g}`` slot for the upstream gradient.
        """
        op: Op = node.op  # type: ignore[assignment]
        parents = node.parents
        result = []
        if op.arity:
            slots = self.slots(node)
            for i, parent in enumerate(parents):
                if parent in self.needs_grad:
                    local, product, fields = local_template(op, i, flavor)
                    reads = frozenset(node if f == "out" else parents["ab".index(f)]
                                      for f in fields if f in ("a", "b", "out"))
                    result.append((parent, local.format(g="{g}", **slots),
                                   product.format(g="{g}", **slots), reads))
            return result
        groups = input_groups(op, len(parents))
        size = len(parents) // len(op.local)
        letters = [groups[k * size][0] for k in range(len(op.local))]
        for j, parent in enumerate(parents):
            if parent not in self.needs_grad:
                continue
            _, index, group = groups[j]
            members = {c: parents[k * size + index] for k, c in enumerate(letters)}
            slots = {c: self.ref(v) for c, v in members.items()} | {"out": self.var[node]}
            local, product, fields = local_template(op, group, flavor)
            reads = frozenset(node if f == "out" else members[f] for f in fields)
            result.append((parent, local.format(g="{g}", **slots),
                           product.format(g="{g}", **slots), reads))
        return result


def _leaves(values: Sequence[Value], what: str) -> tuple[Value, ...]:
    values = tuple(values)
    for i, v in enumerate(values):
        if not isinstance(v, Value) or v.op is not None:
            raise TypeError(f"compile: {what}[{i}] must be a leaf Value, got {v!r}")
    if len(set(values)) != len(values):
        raise ValueError(f"compile: {what} lists the same leaf twice")
    return values


def float_source(trace: Trace, backward: bool) -> str:
    """The straight-line function over floats: forward, then (optionally) backward."""
    name = "grad" if backward else "forward"
    lines = [f"def {name}(params, data, seed):"]
    for group, leaves in (("params", trace.params), ("data", trace.data)):
        if leaves:
            names = ", ".join(trace.var[v] for v in leaves)
            lines.append(f"    {names}{',' if len(leaves) == 1 else ''} = {group}")
    lines.append("    # forward: one line per node")
    for node in trace.order:
        if node.op is not None:
            lines.append(f"    {trace.var[node]} = {trace.forward_expr(node, FLOAT)}")
    out = trace.ref(trace.root)
    if not backward:
        lines.append(f"    return {out}")
        return "\n".join(lines) + "\n"
    lines.append("    # backward: g_input += g_node * ∂node/∂input, nodes in reverse order")
    seen: set[Value] = set()
    lines += backward_lines(trace, [n for n in reversed(trace.order)], seen, "seed", "    ")
    grads = ", ".join(trace.gvar[p] if p in seen else "0.0" for p in trace.params)
    lines.append(f"    return {out}, [{grads}]")
    return "\n".join(lines) + "\n"


def backward_lines(trace: Trace, nodes: list[Value], seen: set[Value], seed: str,
                   indent: str) -> list[str]:
    """The chain rule over ``nodes`` (reverse order), in float code; ``seen`` tracks
    which gradients already exist (a first contribution assigns, later ones add)."""
    lines = []
    root = trace.root
    if root in trace.needs_grad and root in nodes:
        lines.append(f"{indent}{trace.gvar[root]} = {seed}")
        seen.add(root)
    for node in nodes:
        if node.op is None or node not in trace.needs_grad:
            continue
        g = trace.gvar[node]
        for parent, _, product, _ in trace.edges(node, FLOAT):
            sign = "+=" if parent in seen else "="
            seen.add(parent)
            lines.append(f"{indent}{trace.gvar[parent]} {sign} {product.format(g=g)}")
    return lines


def numbers_in(values: Any, count: int, leaves: Sequence[Value], what: str) -> list[float]:
    """``values`` as a list of ``count`` floats, or a clear error naming the input."""
    if isinstance(values, (str, bytes)) or not hasattr(values, "__len__"):
        raise TypeError(f"tape: {what} must be a sequence of {count} numbers, got {values!r}")
    if len(values) != count:
        names = ", ".join(v.label or "?" for v in leaves[:8])
        raise ValueError(
            f"tape: expected {count} {what} values (the {what} leaves given to compile: "
            f"{names}{', …' if count > 8 else ''}), got {len(values)}"
        )
    values = list(values)
    if not {type(v) for v in values} <= {float}:
        for i, v in enumerate(values):
            if not isinstance(v, numbers.Real):
                label = f" (leaf {leaves[i].label!r})" if leaves[i].label else ""
                raise TypeError(f"tape: {what}[{i}]{label} must be a real number, got {v!r} "
                                f"({type(v).__name__})")
        values = [float(v) for v in values]
    return values


def rerun_eagerly(trace: Trace, params: Sequence[float], data: Sequence[float]) -> Value:
    """Rebuild the graph with the given leaf values through ``Value``'s own operators.

    Used only after a replay failed: the engine then raises its usual error, which
    names the op, its inputs and their labels, and the op's domain.
    """
    new: dict[Value, Value] = {}
    given = dict(zip(trace.params, params)) | dict(zip(trace.data, data))
    for node in trace.order:
        op = node.op
        if op is None:
            new[node] = Value(given.get(node, node.data), node.label)
            continue
        param = {op.param[0]: node.arg} if op.param else {}
        new[node] = apply(op, *[new[p] for p in node.parents], **param)
        new[node].label = node.label
    root = new[trace.root]
    root.backward()
    return root
