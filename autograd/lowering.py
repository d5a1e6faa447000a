"""Lowering a traced graph to Python source, from the op table.

Every line the compiler writes comes from the table, read through the symbolic
interpretation (:mod:`autograd.source`): a node's forward is its op applied to the
symbols of its inputs, an edge's local derivative is the op's rule *run* on those
symbols. Nothing is parsed or rewritten, and nothing depends on an op's name: ops
declared outside the table, even one named like a table op, get their own function.
:mod:`autograd.compile` and :mod:`autograd.batched` both build on this module.
"""

from __future__ import annotations

import builtins
import keyword
import numbers
import re
import unicodedata
from collections.abc import Sequence
from typing import Any

from .engine import topological_order
from .nodes import apply
from .source import MUL, PythonSource, SourceMath, Sym
from .value import Value

# Every name the generated functions use for themselves: no node can be named so.
RESERVED = frozenset({
    "params", "data", "seed", "rows", "n", "total", "outs", "grad", "forward",
    "grad_batch", "grad_rows", "forward_batch", "forward_rows", "float", "sum", "inf",
    "nan", "m", "np",
})


class Names:
    """Unique, deterministic Python identifiers made from node labels."""

    def __init__(self, reserved: Sequence[str] = ()) -> None:
        self.used = set(RESERVED) | set(reserved) | set(dir(builtins))
        self.next: dict[str, int] = {}  # per base name, the next suffix to try

    def new(self, base: str) -> str:
        """A fresh identifier from ``base`` (ASCII letters, digits and ``_`` only)."""
        name = re.sub(r"[^0-9A-Za-z_]", "_", unicodedata.normalize("NFKC", base)) or "v"
        # Generated helpers start with ``_``, ``np_`` or ``m_``: a label never does.
        if name[0].isdigit() or name.startswith(("np_", "m_", "_")):
            name = "v_" + name
        if keyword.iskeyword(name) or keyword.issoftkeyword(name):
            name += "_"
        candidate, n = name, self.next.get(name, 2)
        while candidate in self.used:  # many leaves sharing a label: linear, not quadratic
            candidate, n = f"{name}_{n}", n + 1
        self.next[name] = n
        self.used.add(candidate)
        return candidate


def literal_text(x: float) -> str:
    """A baked-in number as source: an atom wherever it is substituted."""
    return PythonSource([]).number(x).text


def float_namespace(lang: PythonSource) -> dict[str, Any]:
    """What generated float code can see: every op's forward under its name."""
    return lang.namespace() | {"float": float}


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
        ops = {n.op: None for n in self.order if n.op is not None}
        self.ops = sorted(ops, key=lambda op: op.name)
        self.py = PythonSource(self.ops, reserved=RESERVED)
        self.needs_grad: set[Value] = set(self.params)
        self.per_sample: set[Value] = set(self.data)
        for node in self.order:
            if node.op is not None:
                if any(p in self.needs_grad for p in node.parents):
                    self.needs_grad.add(node)
                if any(p in self.per_sample for p in node.parents):
                    self.per_sample.add(node)
        self.names = Names(list(float_namespace(self.py)))
        self.var: dict[Value, str] = {}
        counts: dict[Any, int] = {}
        for i, p in enumerate(self.params):
            self.var[p] = self.names.new(p.label or f"param{i}")
        for i, d in enumerate(self.data):
            self.var[d] = self.names.new(d.label or f"x{i}")
        for node in self.order:
            if node.op is not None:
                n = counts[node.op] = counts.get(node.op, 0) + 1
                self.var[node] = self.names.new(node.label or f"{self.py.names[node.op]}{n}")
        self.gvar = {n: self.names.new("g_" + self.var[n]) for n in self.order
                     if n in self.needs_grad}

    def ref(self, node: Value) -> str:
        """How generated code reads a node: its variable, or its value baked in."""
        name = self.var.get(node)
        return literal_text(node.data) if name is None else name

    def sym(self, node: Value, lang: SourceMath) -> Sym:
        """The node as a symbol of ``lang`` (a variable, or its value baked in)."""
        name = self.var.get(node)
        return lang.number(node.data) if name is None else lang.var(name, node)

    def forward_expr(self, node: Value, lang: SourceMath) -> str:
        """The node's forward computation: its op applied to its inputs' symbols."""
        op: Any = node.op
        return lang.call(op, [self.sym(p, lang) for p in node.parents], node.arg).text

    def edges(self, node: Value, lang: SourceMath) -> list[tuple[Value, str, str, frozenset]]:
        """Per input needing a gradient: (input, local, g·local template, nodes the local reads).

        The templates still hold the ``{g}`` slot for the upstream gradient.
        """
        op: Any = node.op
        ins = [self.sym(p, lang) for p in node.parents]
        out = lang.var(self.var[node], node)
        result = []
        for i, parent in enumerate(node.parents):
            if parent in self.needs_grad:
                local = lang.lift_value(op.local(i, lang, ins, out, node.arg))
                if local.text == "1.0":
                    product = "{g}"
                elif local.text == "(-1.0)":
                    product = "-{g}"
                else:
                    product = "{g} * " + SourceMath.wrap(local, MUL + 1)
                result.append((parent, local.text, product, local.reads))
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
            lines.append(f"    {trace.var[node]} = {trace.forward_expr(node, trace.py)}")
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
        for parent, _, product, _ in trace.edges(node, trace.py):
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
