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
from collections import Counter
from collections.abc import Mapping, Sequence
from itertools import chain
from typing import Any, NamedTuple

from .engine import topological_order
from .nodes import apply
from .source import ATOM, MUL, UNARY, PythonSource, SourceMath, Sym
from .value import Value

# Every name the generated functions use for themselves: no node can be named so.
RESERVED = frozenset({
    "params", "data", "seed", "rows", "n", "total", "outs", "grad", "forward",
    "grad_batch", "grad_rows", "forward_batch", "forward_rows", "float", "sum", "inf",
    "nan", "m", "np",
})


_NOT_NAME = re.compile(r"[^0-9A-Za-z_]")


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


def literal_text(x: float) -> str:
    """A baked-in number as source: an atom wherever it is substituted."""
    return PythonSource([]).number(x).text


def float_namespace(lang: PythonSource) -> dict[str, Any]:
    """What generated float code can see: every op's forward under its name."""
    return lang.namespace() | {"float": float, "_dot_seq": dot_seq}


class Trace:
    """A graph walked once: its nodes in order, their names, which need a gradient.

    ``names`` gives preferred base names for nodes' variables (else a node's label).
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
        self.py = PythonSource(self.ops, reserved=RESERVED)
        self.needs_grad: set[Value] = set(self.params)
        self.per_sample: set[Value] = set(self.data)
        needs_grad, per_sample = self.needs_grad, self.per_sample
        for node, parents in self.parents.items():
            if not needs_grad.isdisjoint(parents):
                needs_grad.add(node)
            if not per_sample.isdisjoint(parents):
                per_sample.add(node)
        self.names = Names(list(float_namespace(self.py)))
        self.var: dict[Value, str] = {}
        counts: dict[Any, int] = {}
        preferred = names or {}
        for i, p in enumerate(self.params):
            self.var[p] = self.names.new(preferred.get(p) or p.label or f"param{i}")
        for i, d in enumerate(self.data):
            self.var[d] = self.names.new(preferred.get(d) or d.label or f"x{i}")
        for node in self.order:
            if node.op is not None:
                n = counts[node.op] = counts.get(node.op, 0) + 1
                self.var[node] = self.names.new(preferred.get(node) or node.label
                                                or f"{self.py.names[node.op]}{n}")
        self.gvar = {n: self.names.new("g_" + self.var[n]) for n in self.order
                     if n in self.needs_grad}
        self._rules: dict[tuple, list[tuple[str, tuple[int, ...], int, int | None]]] = {}
        self._texts: dict[SourceMath, dict[Value, str]] = {}

    def ref(self, node: Value) -> str:
        """How generated code reads a node: its variable, or its value baked in."""
        name = self.var.get(node)
        return literal_text(node.data) if name is None else name

    def sym(self, node: Value, lang: SourceMath) -> Sym:
        """The node as a symbol of ``lang`` (a variable, or its value baked in)."""
        name = self.var.get(node)
        return lang.number(node.data) if name is None else lang.var(name, node)

    def forward_expr(self, node: Value, lang: SourceMath, ins: list[Sym] | None = None) -> str:
        """The node's forward computation: its op applied to its inputs' symbols
        (``ins``, when given, stand for the inputs)."""
        op: Any = node.op
        if ins is None:
            ins = [self.sym(p, lang) for p in self.parents[node]]
        return lang.call(op, ins, node.arg).text

    def edges(self, node: Value, lang: SourceMath) -> list[tuple[Value, str, str, frozenset]]:
        """Per input needing a gradient: (input, local, g·local template, nodes the local reads).

        The templates still hold the ``{g}`` slot for the upstream gradient.
        """
        op: Any = node.op
        parents = self.parents[node]
        size = 1 if op.arity else len(parents) // len(op.rules)
        result = []
        for inputs, locals_, prec, used in self.local_texts(node, lang):
            for r, (parent, local) in enumerate(zip(inputs, locals_)):
                if parent not in self.needs_grad:
                    continue
                if local == "1.0":
                    product = "{g}"
                elif local == "(-1.0)":
                    product = "-{g}"
                else:
                    product = "{g} * " + (local if prec > MUL else f"({local})")
                # the row the rule read: every input (fixed arity) or row r (n-ary)
                members = (*parents, node) if op.arity else (*parents[r::size], node)
                reads = frozenset([members[j] for j in used if members[j] in self.var])
                result.append((parent, local, product, reads))
        return result

    def local_texts(self, node: Value, lang: SourceMath
                    ) -> list[tuple[Sequence[Value], list[str], int, tuple[int, ...]]]:
        """Per rule of the node's op: (the inputs it is for, their local derivatives as code,
        the code's precedence, which of the row's members it reads). Inputs come in order.
        """
        op: Any = node.op
        parents = self.parents[node]
        texts = self.texts(lang)
        width = len(op.rules)
        k = node.arg
        try:
            rules = self._rules.get((lang, op, k))
        except TypeError:  # an unhashable parameter: nothing to reuse
            rules = [self._rule_text(lang, op, rule, width, k) for rule in range(width)]
        if rules is None:
            rules = self._rules[lang, op, k] = [self._rule_text(lang, op, rule, width, k)
                                                for rule in range(width)]
        result: list[tuple[Sequence[Value], list[str], int, tuple[int, ...]]] = []
        if op.arity:  # one row: every input, then the output
            row = [texts[m] for m in parents]
            row.append(texts[node])
            for rule, (text, used, prec, only) in enumerate(rules):
                local = row[only] if only is not None else text.format(*row)
                result.append(((parents[rule],), [local], prec, used))
            return result
        size = len(parents) // width  # n-ary: input rule·size + r has row r
        out = texts[node]
        for rule, (text, used, prec, only) in enumerate(rules):
            if only is None:
                locals_ = [text.format(*[texts[m] for m in parents[r::size]], out)
                           for r in range(size)]
            elif only == width:
                locals_ = [out] * size
            else:
                locals_ = [texts[p] for p in parents[only * size:(only + 1) * size]]
            result.append((parents[rule * size:(rule + 1) * size], locals_, prec, used))
        return result

    def texts(self, lang: SourceMath) -> dict[Value, str]:
        """How ``lang`` code reads each node: its variable, or its value as a literal."""
        texts = self._texts.get(lang)
        if texts is None:
            var = self.var
            texts = self._texts[lang] = {n: var[n] if n in var else lang.number(n.data).text
                                         for n in self.order}
        return texts

    def _rule_text(self, lang: SourceMath, op: Any, rule: int, width: int,
                   k: Any) -> tuple[str, tuple[int, ...], int, int | None]:
        """An op's rule written once over placeholders ``{0}``… (the row's inputs, then the
        output): (format string, placeholders it uses, its precedence, and the placeholder
        it is when it is nothing else).

        Inputs and outputs are atoms (a variable or a literal), so filling the
        placeholders writes exactly what running the rule on the real symbols would.
        """
        extra = (k,) if op.param else ()
        local = lang.lift_value(op.rules[rule](lang, *_marks(lang, width + 1), *extra))
        used = tuple(j for j in range(width + 1) if _mark(j) in local.text)
        only = used[0] if len(used) == 1 and local.text == _mark(used[0]) else None
        return _format_string(local.text, used), used, local.prec, only


def _mark(j: int) -> str:
    """Placeholder ``j`` while a template is written (no code contains ``\\x00``)."""
    return f"\x00{j}\x00"


def _marks(lang: SourceMath, n: int) -> list[Sym]:
    return [lang.var(_mark(j)) for j in range(n)]


def _format_string(text: str, used: Sequence[int]) -> str:
    """Code written over placeholders ``used`` as a format string: ``{0}``, ``{1}``…"""
    text = text.replace("{", "{{").replace("}", "}}")
    for j in used:
        text = text.replace(_mark(j), f"{{{j}}}")
    return text


def _leaves(values: Sequence[Value], what: str) -> tuple[Value, ...]:
    values = tuple(values)
    for i, v in enumerate(values):
        if not isinstance(v, Value) or v.op is not None:
            raise TypeError(f"compile: {what}[{i}] must be a leaf Value, got {v!r}")
    if len(set(values)) != len(values):
        raise ValueError(f"compile: {what} lists the same leaf twice")
    return values


def float_source(trace: Trace, backward: bool, by_edge: bool = False) -> str:
    """The straight-line function over floats: forward, then (optionally) backward.

    The backward is one line per node that needs a gradient (the sum over its uses), or
    with ``by_edge`` one line per edge (``g_input += g_node * local``, for a reader who
    follows backprop step by step); both add the same floats in the same order.

    Without ``by_edge``, a value used once and read nowhere else (a dot product under a
    bias add; a gradient passed on through one relu) is written into the line that uses
    it instead of a line of its own: the same operations in the same order, fewer lines
    for CPython to compile. With ``by_edge`` every node keeps its line.
    """
    name = "grad" if backward else "forward"
    lines = [f"def {name}(params, data, seed):"]
    for group, leaves in (("params", trace.params), ("data", trace.data)):
        if leaves:
            names = ", ".join(trace.var[v] for v in leaves)
            lines.append(f"    {names}{',' if len(leaves) == 1 else ''} = {group}")
    out = trace.ref(trace.root)
    if not backward:
        lines.append("    # forward (a value used once is written into its use)")
        lines += forward_lines(trace, "    ", keep={trace.root})
        lines.append(f"    return {out}")
        return "\n".join(lines) + "\n"
    if by_edge:
        return edge_listing(trace).source
    else:
        more, grads, helpers, reads = gradient_lines(trace, "seed", "    ")
        lines = helpers + lines
        lines.append("    # forward (a value used once that no gradient reads is written into "
                     "its use)")
        lines += forward_lines(trace, "    ", keep=reads | {trace.root})
        lines.append("    # backward, nodes in reverse order: g_node = Σ over its uses of "
                     "g_use * ∂use/∂node")
        lines += more
    listed = ", ".join(grads.get(p, "0.0") for p in trace.params)
    lines.append(f"    return {out}, [{listed}]")
    return "\n".join(lines) + "\n"


class Listing(NamedTuple):
    """The by-edge tape and where its lines are (0-based line numbers)."""

    source: str
    node_line: dict[Value, int]  # each op node's forward line
    backward: int  # the first backward line: ``g_root = seed``, then one per edge


def edge_listing(trace: Trace) -> Listing:
    """``float_source(trace, backward=True, by_edge=True)`` and where its lines are, known
    as they are written (never found by reading the text back)."""
    lines = ["def grad(params, data, seed):"]
    if trace.params:
        names = ", ".join(trace.var[v] for v in trace.params)
        lines.append(f"    {names}{',' if len(trace.params) == 1 else ''} = params")
    if trace.data:
        names = ", ".join(trace.var[v] for v in trace.data)
        lines.append(f"    {names}{',' if len(trace.data) == 1 else ''} = data")
    lines.append("    # forward: one line per node")
    where: dict[Value, int] = {}
    start = len(lines)
    lines += forward_lines(trace, "    ", where=where)
    node_line = {node: start + at for node, at in where.items()}
    lines.append("    # backward: g_input += g_node * ∂node/∂input, nodes in reverse order")
    backward = len(lines)
    seen: set[Value] = set()
    lines += backward_lines(trace, list(reversed(trace.order)), seen, "seed", "    ")
    listed = ", ".join(trace.gvar[p] if p in seen else "0.0" for p in trace.params)
    lines.append(f"    return {trace.ref(trace.root)}, [{listed}]")
    return Listing("\n".join(lines) + "\n", node_line, backward)


# Inputs of n-ary nodes: a block of inputs that several nodes share (a layer's weights,
# its inputs) is written once as a tuple and passed as ``*_t1``.
SHARED_BLOCK = 3
# How deep values used once nest inside the line that uses them: a long chain of them
# still gets a line every few links, so no line nests deeper than CPython compiles.
INLINE_DEPTH = 3


def forward_lines(trace: Trace, indent: str, keep: set[Value] | None = None,
                  where: dict[Value, int] | None = None) -> list[str]:
    """The forward in float code, in order: ``name = op(inputs)``.

    With ``keep`` (the nodes something else reads), a node used by one other node only
    and not kept is written inside that node's line; without it, one line per node.
    ``where`` receives, for each node with a line of its own, how many lines were
    written before it (its line's index in the list returned).
    """
    lang = trace.py
    blocks: dict[tuple[Value, ...], int] = {}
    split: dict[Value, list[tuple[Value, ...]]] = {}
    # how many inputs each value is (needed only when values used once are written in)
    count = Counter(chain(*trace.parents.values())) if keep is not None else Counter()
    for node, parents in trace.parents.items():
        op: Any = node.op
        if op.arity == 0 and len(parents) >= SHARED_BLOCK * len(op.rules):
            size = len(parents) // len(op.rules)
            split[node] = parts = [parents[i:i + size] for i in range(0, len(parents), size)]
            for part in parts:
                blocks[part] = blocks.get(part, 0) + 1
    tuples: dict[tuple[Value, ...], str] = {}
    inlined: dict[Value, tuple[str, int]] = {}  # a value used once: its code, precedence
    depths: dict[Value, int] = {}  # how deep its code nests values used once
    texts = trace.texts(lang)
    templates: dict[tuple, tuple[str, int]] = {}
    var, call = trace.var, lang.call
    lines = []
    of: Sequence[Value | None]  # the node each argument is (None: a tuple of them)
    for node, parents in trace.parents.items():
        op = node.op
        if node in split:
            args: list[str] = []
            nodes: list[Value | None] = []
            for part in split[node]:
                if blocks[part] < 2:
                    args += [texts[p] for p in part]
                    nodes += part
                    continue
                name = tuples.get(part)
                if name is None:
                    name = tuples[part] = f"_t{len(tuples) + 1}"
                    lines.append(f"{indent}{name} = ({', '.join([texts[p] for p in part])})")
                args.append("*" + name)
                nodes.append(None)
            of = nodes
        else:
            args, of = [texts[p] for p in parents], parents
        atoms = True
        if inlined and not inlined.keys().isdisjoint(parents):  # values written in
            for i, p in enumerate(of):
                if p is not None and p in inlined:
                    args[i], prec = inlined[p]
                    atoms = atoms and prec >= ATOM
        if atoms:
            text, prec = _call_text(lang, op, args, node.arg, templates)
        else:  # the op applied to the code written in, parenthesized as it needs
            ins = [Sym(lang, a, ATOM if p is None or p not in inlined else inlined[p][1])
                   for p, a in zip(of, args)]
            code = call(op, ins, node.arg)
            text, prec = code.text, code.prec
        if keep is not None and count[node] == 1 and node not in keep:
            depth = 1
            if not depths.keys().isdisjoint(parents):
                depth += max([depths[p] for p in parents if p in depths], default=0)
            if depth <= INLINE_DEPTH:
                inlined[node], depths[node] = (text, prec), depth
                continue
        if where is not None:
            where[node] = len(lines)
        lines.append(f"{indent}{var[node]} = {text}")
    return lines


def _call_text(lang: SourceMath, op: Any, args: list[str], k: Any,
               templates: dict[tuple, tuple[str, int]]) -> tuple[str, int]:
    """``lang.call(op, args, k)`` for atoms ``args`` (variables, literals, ``*tuples``):
    its text and precedence, from the call written once per (op, argument count, k)
    over placeholders."""
    try:
        key = (op, len(args), k)
        found = templates.get(key)
    except TypeError:  # an unhashable parameter: write the call itself
        code = lang.call(op, [Sym(lang, a) for a in args], k)
        return code.text, code.prec
    if found is None:
        code = lang.call(op, _marks(lang, len(args)), k)
        found = templates[key] = (_format_string(code.text, range(len(args))), code.prec)
    return found[0].format(*args), found[1]


# The most terms one line adds: a longer sum continues on the next line (``g = g + …``,
# the same additions in the same order), so compiling it never nests too deep.
TERMS_PER_LINE = 100
# A run of at least this many products ``g_use * x`` whose two tuples of names both recur
# in other sums is written ``_dot_seq(_u1, _u2)`` over tuples written once.
SHARED_RUN = 4
_ATOM = re.compile(r"[A-Za-z_][0-9A-Za-z_]*|\(?-?[0-9][0-9.e+-]*\)?")


def dot_seq(gs: Sequence[float], xs: Sequence[float]) -> float:
    """``gs[0]*xs[0] + gs[1]*xs[1] + …``, added left to right (as the written-out sum is).

    Tapes call it for runs longer than :data:`TERMS_PER_LINE`; shorter runs call a
    version written out for their length (:func:`dot_seq_source`), which runs faster.
    """
    total = gs[0] * xs[0]
    for i in range(1, len(gs)):
        total = total + gs[i] * xs[i]
    return total


def dot_seq_source(n: int) -> str:
    """``_dot_seq<n>``: :func:`dot_seq` for tuples of ``n``, unpacked and written out."""
    gs = ", ".join(f"g{i}" for i in range(n))
    xs = ", ".join(f"x{i}" for i in range(n))
    total = " + ".join(f"g{i} * x{i}" for i in range(n))
    return f"def _dot_seq{n}(gs, xs):\n    {gs}, = gs\n    {xs}, = xs\n    return {total}\n"


def gradient_lines(trace: Trace, seed: str, indent: str
                   ) -> tuple[list[str], dict[Value, str], list[str], set[Value]]:
    """The chain rule in float code, one line per node that needs a gradient; returns the
    lines, the variable holding each node's gradient, the helpers the lines call
    (module-level source) and the nodes whose forward values the lines read.

    Nodes come in reverse order, so when a node is reached every use of it has been: its
    gradient is written at once as the sum of what each use passes back, in the order the
    engine adds them (the same floats, added in the same order). Layers make the same
    tuples recur: a weight's gradient sums ``g_dot * x`` over the samples, and every weight
    of that neuron sums over the same ``g_dot`` values; such runs are summed by
    :func:`dot_seq` over tuples written once, which CPython compiles far faster than
    the products written out. A gradient of one term that one other line reads (a
    relu's, passed on to its input) is written inside that line.
    """
    root = trace.root
    nodes = [n for n in reversed(trace.order) if n in trace.needs_grad]
    # every node's terms in the engine's order: its uses and their locals (in parentheses
    # where a product needs them)
    uses: dict[Value, list[Value]] = {}
    xs: dict[Value, list[str]] = {}
    needs_grad = trace.needs_grad
    reads: set[Value] = set()  # nodes whose forward values the locals read
    local_texts, py, all_parents = trace.local_texts, trace.py, trace.parents
    for node in nodes:
        op: Any = node.op
        if op is None:
            continue
        parents = all_parents[node]
        width = len(op.rules)
        for inputs, locals_, prec, used in local_texts(node, py):
            for j in used:  # the row's members: its inputs, then the output
                if j == width:
                    reads.add(node)
                elif op.arity:
                    reads.add(parents[j])
                else:
                    size = len(parents) // width
                    reads.update(parents[j * size:(j + 1) * size])
            if prec <= MUL:
                locals_ = [f"({local})" for local in locals_]
            for parent, local in zip(inputs, locals_):
                if parent in needs_grad:
                    users = uses.get(parent)
                    if users is None:
                        uses[parent], xs[parent] = [node], [local]
                    else:
                        users.append(node)
                        xs[parent].append(local)
    # A node whose one use passes its gradient through unchanged (the dot under a bias add)
    # has the same gradient: it shares that use's variable instead of a line of its own.
    gvar: dict[Value, str] = {}
    for node in nodes:
        users = uses.get(node)
        if users is not None and len(users) == 1 and xs[node][0] == "1.0":
            gvar[node] = gvar[users[0]]
        else:
            gvar[node] = trace.gvar[node]
    # runs of products whose tuples recur: (start, stop, tuple of g_use, tuple of x)
    runs: dict[Value, list[tuple[int, int, tuple[str, ...], tuple[str, ...]]]] = {}
    seen: dict[tuple[str, ...], int] = {}
    atoms: dict[str, bool] = {}
    for node, users in uses.items():
        if len(users) < SHARED_RUN:
            continue
        found = []
        for start, stop in _runs(users, xs[node], atoms):
            gs = tuple([gvar[u] for u in users[start:stop]])
            ws = tuple(xs[node][start:stop])
            seen[gs] = seen.get(gs, 0) + 1
            seen[ws] = seen.get(ws, 0) + 1
            found.append((start, stop, gs, ws))
        if found:
            runs[node] = found
    # Which gradients one term of one line reads, outside shared tuples and the return:
    # those of a single term are written into that term (``inline``: code, depth).
    own = trace.gvar
    refs = Counter(map(gvar.__getitem__, chain.from_iterable(
        [uses[n] for n in nodes if n is not root and gvar[n] == own[n]])))
    # gradients that keep their variable whatever refs says: those in a shared tuple (a
    # layer's few tuples, each read by many lines) and those returned
    shared = {gs for found in runs.values() for _, _, gs, ws in found
              if seen[gs] > 1 and seen[ws] > 1}
    pinned = {name for gs in shared for name in gs}
    pinned.update(gvar[p] for p in trace.params if p in gvar)
    inline: dict[str, tuple[str, int, int]] = {}  # code, its precedence, its depth
    depth = 0  # how deep the line being written nests inlined gradients
    tuples: dict[tuple[str, ...], str] = {}
    lines: list[str] = []
    helpers: dict[int, str] = {}

    def term(user: Value, x: str) -> str:
        nonlocal depth, prec
        code = inline.get(gvar[user])
        if code is None:
            text, prec = _product(gvar[user], ATOM, x)
            return text
        depth = max(depth, code[2])
        text, prec = _product(code[0], code[1], x)
        return text

    def tuple_name(part: tuple[str, ...]) -> str:
        name = tuples.get(part)
        if name is None:
            name = tuples[part] = f"_u{len(tuples) + 1}"
            lines.append(f"{indent}{name} = ({', '.join(part)},)")
        return name

    for node in nodes:
        g = gvar[node]
        if node is root:
            lines.append(f"{indent}{g} = {seed}")
            continue
        if g != trace.gvar[node]:
            continue
        mine, users, summands, at = xs[node], uses[node], [], 0
        depth, prec = 0, ATOM  # prec: how tightly the last term binds
        for start, stop, gs, ws in runs.get(node, ()):
            if seen[gs] > 1 and seen[ws] > 1:
                summands += [term(u, x) for u, x in zip(users[at:start], mine[at:start])]
                n = stop - start
                if n > TERMS_PER_LINE:
                    function = "_dot_seq"
                else:
                    function = f"_dot_seq{n}"
                    if n not in helpers:
                        helpers[n] = dot_seq_source(n)
                summands.append(f"{function}({tuple_name(gs)}, {tuple_name(ws)})")
                prec = ATOM
                at = stop
        summands += [term(u, x) for u, x in zip(users[at:], mine[at:])]
        if len(summands) == 1 and refs[g] == 1 and g not in pinned and depth < INLINE_DEPTH:
            inline[g] = (summands[0], prec, depth + 1)
            continue
        for i in range(0, len(summands), TERMS_PER_LINE):
            more = " + ".join(summands[i:i + TERMS_PER_LINE])
            lines.append(f"{indent}{g} = {g} + {more}" if i else f"{indent}{g} = {more}")
    return lines, gvar, [helpers[n] for n in sorted(helpers)], reads


def _product(g: str, prec: int, local: str) -> tuple[str, int]:
    """``g * local`` and its precedence, for ``g`` of precedence ``prec`` (``local``
    already in parentheses where it needs them). A product on the left needs none: ``*``
    groups to the left, so ``a * b * c`` multiplies in the order ``(a * b) * c`` does."""
    if local == "1.0":
        return g, prec
    if local == "(-1.0)":
        return "-" + (g if prec >= UNARY and g[0] != "-" else f"({g})"), UNARY
    return (g if prec >= MUL else f"({g})") + " * " + local, MUL


def _runs(users: list[Value], xs: list[str], atoms: dict[str, bool]) -> list[tuple[int, int]]:
    """Stretches of ≥ SHARED_RUN consecutive terms ``g * x`` (x a name or a number) whose
    uses have one op: (start, stop) indices."""
    found: list[tuple[int, int]] = []
    n = len(users)  # ≥ SHARED_RUN: the caller skips shorter lists
    products = list(map(atoms.get, xs))  # each local seen before: known at once
    if None in products:
        for i, x in enumerate(xs):
            if products[i] is None:
                products[i] = atoms[x] = (x not in ("1.0", "(-1.0)")
                                          and _ATOM.fullmatch(x) is not None)
    ops = [u.op for u in users]
    if all(products) and ops.count(ops[0]) == n:  # the common case: one run of them all
        return [(0, n)]
    if not any(products):  # a bias's gradient: every local is 1.0
        return found
    start = 0
    for i in range(n + 1):
        product = i < n and products[i]
        if product and (i == start or ops[i] is ops[start]):
            continue
        if i - start >= SHARED_RUN:
            found.append((start, i))
        start = i if product else i + 1
    return found


def backward_lines(trace: Trace, nodes: list[Value], seen: set[Value], seed: str,
                   indent: str) -> list[str]:
    """The chain rule over ``nodes`` (reverse order) as one line per edge, for code that
    adds to gradients across calls or rows; ``seen`` tracks which gradients already exist
    (a first contribution assigns, later ones add)."""
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
