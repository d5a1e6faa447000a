"""A traced graph: walked once, its nodes in order, named, and known as symbols.

:class:`Trace` is what every lowering starts from (:mod:`autograd.lowering` for tapes,
:mod:`autograd.batch` for batched replay, :mod:`autograd.javascript` for live pages):
the nodes in topological order, which need a gradient (they depend on a param), which
change per sample (they depend on a data leaf), a unique Python name for each, and each
node's forward and local derivatives as expression trees over those names.
"""

from __future__ import annotations

import builtins
import keyword
import numbers
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .expr import Expr, Num, Var, lift
from .graph import topological_order
from .nodes import apply as apply_op
from .printing import PythonPrinter
from .reading import substitute, variables
from .symbols import Symbols, apply, symbols
from .value import Value

# Every name the generated functions use for themselves: no node can be named so.
RESERVED = frozenset({
    "params", "data", "seed", "rows", "n", "total", "outs", "grad", "forward",
    "grad_batch", "grad_rows", "forward_batch", "forward_rows", "float", "sum", "inf",
    "nan", "m", "np",
})


_NOT_NAME = re.compile(r"[^0-9A-Za-z_]")  # what a label may hold that a name may not


class Names:
    """Unique, deterministic Python identifiers made from node labels."""

    def __init__(self, reserved: Sequence[str] = ()) -> None:
        self.used = set(RESERVED) | set(reserved) | set(dir(builtins))
        self.next: dict[str, int] = {}  # per base name, the next suffix to try

    def new(self, base: str) -> str:
        """A fresh identifier from ``base`` (ASCII letters, digits and ``_`` only)."""
        if (base not in self.used and base.isascii() and base.isidentifier()
                and not base.startswith(("np_", "m_", "_")) and not keyword.iskeyword(base)
                and not keyword.issoftkeyword(base)):
            self.used.add(base)  # already a fresh identifier: the common case
            return base
        name = base
        if not (base.isascii() and base.isidentifier()):
            name = _NOT_NAME.sub("_", unicodedata.normalize("NFKC", base)) or "v"
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


class Lazy(dict):
    """A dict that makes an entry when it is first read (``make(key)``; KeyError if none)."""

    __slots__ = ("make",)

    def __init__(self, make: Callable[[Any], Any]) -> None:
        super().__init__()
        self.make = make

    def __missing__(self, key: Any) -> Any:
        value = self[key] = self.make(key)
        return value


class Trace:
    """A graph walked once: its nodes in order, their names, which need a gradient.

    Args:
        root: the output.
        params: leaves whose gradients are wanted (their values read per replay).
        data: leaves whose values change per call or per sample.
        names: preferred base names for nodes' variables (else a node's label).
    """

    def __init__(self, root: Value, params: Sequence[Value], data: Sequence[Value],
                 names: Mapping[Value, str] | None = None) -> None:
        if not isinstance(root, Value):
            raise TypeError(f"compile: root must be a Value, got {root!r} ({type(root).__name__})")
        self.root = root
        self.params = _leaves(params, "params")
        self.data = _leaves(data, "data")
        both = set(self.params) & set(self.data)
        if both:
            raise ValueError(f"compile: {next(iter(both))!r} is in both params and data")
        self.order = topological_order(root)
        self.parents = {n: n.parents for n in self.order if n.op is not None}
        ops = {n.op: None for n in self.order if n.op is not None}
        self.ops = sorted(ops, key=lambda op: op.name)
        self.py = PythonPrinter(self.ops, reserved=RESERVED)
        outside = [op for op in self.ops if symbols(op) is not symbols(self.ops[0])] \
            if self.ops else []
        self.m = Symbols(self.ops) if outside else symbols(self.ops[0]) if self.ops else None
        self.needs_grad: set[Value] = set(self.params)
        self.per_sample: set[Value] = set(self.data)
        needs_grad, per_sample = self.needs_grad, self.per_sample
        counts: dict[Any, int] = {}
        self._number: dict[Value, int] = {}  # a node's place among its op's, for its name
        for node, parents in self.parents.items():
            if not needs_grad.isdisjoint(parents):
                needs_grad.add(node)
            if not per_sample.isdisjoint(parents):
                per_sample.add(node)
            self._number[node] = counts[node.op] = counts.get(node.op, 0) + 1
        self.names = Names(list(float_namespace(self.py)))
        self._preferred = names or {}
        # Names and symbols are made when a lowering first asks for them (an outlined
        # tape names one copy, not all of them); the leaves' first, in order.
        self.var: dict[Value, str] = Lazy(self._name)
        for i, p in enumerate(self.params):
            self.var[p] = self.names.new(self._preferred.get(p) or p.label or f"param{i}")
        for i, d in enumerate(self.data):
            self.var[d] = self.names.new(self._preferred.get(d) or d.label or f"x{i}")
        self.gvar: dict[Value, str] = Lazy(self._gradient_name)
        # how generated code reads a node: its variable, or its value baked in
        self.syms: dict[Value, Expr] = Lazy(self._symbol)
        self._templates: dict[tuple[Any, ...], Any] = {}

    def _name(self, node: Value) -> str:
        if node.op is None:  # a constant: it has a value, not a name
            raise KeyError(node)
        return self.names.new(self._preferred.get(node) or node.label
                              or f"{self.py.names[node.op]}{self._number[node]}")

    def _gradient_name(self, node: Value) -> str:
        if node not in self.needs_grad:
            raise KeyError(node)
        return self.names.new("g_" + self.var[node])

    def _symbol(self, node: Value) -> Expr:
        return Num(node.data) if node.op is None and node not in self.var else Var(self.var[node])

    def name(self, node: Value) -> str:
        """A node's variable, or "" for a constant (it is written as its value)."""
        return "" if node.op is None and node not in self.var else self.var[node]

    def forward(self, node: Value, syms: Mapping[Value, Expr] | None = None) -> Expr:
        """The node's forward computation: its op applied to its inputs' symbols (or to
        ``syms``, how other code reads them)."""
        syms = syms or self.syms
        args = [syms[p] for p in self.parents[node]]
        return apply(node.op, args, node.arg)  # type: ignore[arg-type]

    def local(self, node: Value, index: int, syms: Mapping[Value, Expr] | None = None) -> Expr:
        """∂node/∂input ``index`` as a tree (the op's rule for that input alone), over the
        nodes' symbols (or over ``syms``, how other code reads them)."""
        op: Any = node.op
        parents = self.parents[node]
        n = len(parents)
        width = op.arity or len(op.rules)  # a row: every input, or one per input name
        size = n // width
        rule, row = (index, 0) if op.arity else divmod(index, size)
        return self._local(node, op, parents, rule, row, size, syms or self.syms)

    def locals(self, node: Value, ins: Sequence[Expr] | None = None,
               out: Expr | None = None) -> list[Expr]:
        """∂node/∂input for every input, as trees: the op's rules run on the inputs'
        symbols (or on ``ins`` and ``out``)."""
        op: Any = node.op
        if ins is None and out is None:
            parents = self.parents[node]
            syms = self.syms
            if op.arity:
                return [self._local(node, op, parents, i, 0, 1, syms) for i in range(op.arity)]
            width = len(op.rules)
            size = len(parents) // width
            found: list[Expr] = []
            for rule in range(width):  # rows of an n-ary node: the rule's template once
                template = self._template(op, node.arg, rule)
                if template is not None and type(template[0]) is Var:  # a member (dot's x)
                    j = template[1][0][1]
                    found += ([syms[p] for p in parents[j * size:(j + 1) * size]] if j < width
                              else [syms[node]] * size)
                elif template is not None and not template[1]:  # a number (sum's 1)
                    found += [template[0]] * size
                else:
                    found += [self._local(node, op, parents, rule, row, size, syms)
                              for row in range(size)]
            return found
        syms = self.syms
        args = [syms[p] for p in self.parents[node]] if ins is None else list(ins)
        result = syms[node] if out is None else out
        return [lift(t) for t in op.locals(self.m, args, result, node.arg)]

    def _local(self, node: Value, op: Any, parents: tuple[Value, ...], rule: int, row: int,
               size: int, syms: Mapping[Value, Expr]) -> Expr:
        # Member j of row ``row`` is input j·size + row (n-ary) or input j; then the output.
        template = self._template(op, node.arg, rule)
        if template is not None:
            tree, used = template
            width = len(parents) // size
            if type(tree) is Var:  # the rule gives a member itself (mul's b, dot's x)
                j = used[0][1]
                return syms[parents[j * size + row] if j < width else node]
            if not used:  # a number (add's 1)
                return tree
            picked = {name: syms[parents[j * size + row] if j < width else node]
                      for name, j in used}
            if not any(type(v) is Num for v in picked.values()):
                return substitute(tree, picked)
        ins = [syms[p] for p in parents]
        index = rule * size + row
        return lift(op.local(index, self.m, ins, syms[node], node.arg))

    def _template(self, op: Any, k: Any, rule: int) -> tuple[Any, list[tuple[str, int]]] | None:
        """A rule run once per op (and parameter) on placeholders ``#0``, ``#1``… for the
        row's members and the output: (its tree, the placeholders it reads with their
        positions). Filling them with variables gives what the rule gives on those
        variables (trees simplify only numbers as they are built); None when the rule
        does not run on placeholders or the parameter is no dict key."""
        try:
            key = (op, k, rule)
            found = self._templates.get(key, False)
        except TypeError:  # an unhashable parameter
            return None
        if found is False:
            width = op.arity or len(op.rules)
            marks = [Var(f"#{j}") for j in range(width + 1)]
            try:
                extra = (k,) if op.param else ()
                tree = lift(op.rules[rule](self.m, *marks[:width], marks[width], *extra))
            except (TypeError, AttributeError, ArithmeticError, ValueError):
                found = None
            else:
                used = sorted({name for name in variables(tree) if name.startswith("#")})
                found = (tree, [(name, int(name[1:])) for name in used])
            self._templates[key] = found
        return found


def float_namespace(printer: PythonPrinter) -> dict[str, Any]:
    """What generated float code can see: every op's forward under its name."""
    from .lowering import dot_seq

    return printer.namespace() | {"float": float, "_dot_seq": dot_seq}


def _leaves(values: Sequence[Value], what: str) -> tuple[Value, ...]:
    values = tuple(values)
    for i, v in enumerate(values):
        if not isinstance(v, Value) or v.op is not None:
            raise TypeError(f"compile: {what}[{i}] must be a leaf Value, got {v!r}")
    if len(set(values)) != len(values):
        raise ValueError(f"compile: {what} lists the same leaf twice")
    return values


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
        new[node] = apply_op(op, *[new[p] for p in node.parents], **param)
        new[node].label = node.label
    root = new[trace.root]
    root.backward()
    return root
