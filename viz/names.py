"""Where every name on a picture or in a narration is chosen.

A node is called, in this order of preference: its label (qualified by its scope path
when several nodes share it, ``layers.0.neurons.2.w₁``; a label or scope name over
``MAX_NAME`` characters is cut in the middle); its value when it is a constant
(``½``, ``−1``); ``L`` when it is the unlabelled root; its expression in its inputs' names
when that is short (``w₁·x``); else a stable short name (``n₃``, numbered in topological
order). Formulas are the op table's rules printed for people (:mod:`autograd.maths`) over
those names: ``∂(d·f)/∂f = d``, ``1 − o²``; a name that is an expression keeps its tree,
so the printer groups it by structure (``√(w·x)``, ``(e − ê)²``).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

from autograd import Op, Value
from autograd.expr import Expr, Num, Var
from autograd.maths import MathsPrinter, derivative
from autograd.ops import subscript
from autograd.symbols import apply

from ._text import MINUS, clean, fmt, shorten

MAX_EXPRESSION = 16
"""Longest expression (in characters) an unlabelled intermediate is named by."""

FRACTIONS = {0.5: "½", 0.25: "¼", 0.75: "¾", 1 / 3: "⅓", 2 / 3: "⅔", 0.2: "⅕", 0.125: "⅛"}
_OPERATORS = set("+−-·/^*×=<> ")


def number(x: float) -> str:
    """A constant as a learner writes it: ``½``, ``−1``, ``2``, ``0.1``."""
    sign = MINUS if x < 0 else ""
    if abs(x) in FRACTIONS:
        return sign + FRACTIONS[abs(x)]
    if float(x).is_integer() and abs(x) < 1e6:
        return sign + str(int(abs(x)))
    return fmt(x)


PRINTER = MathsPrinter(number)  # derivatives: x·x as x²
WRITTEN = PRINTER.literal()  # a node's own expression, as the learner wrote it


class Expression(str):
    """A node's name that is its expression (``w₁·x``): the text, and the tree it prints,
    so that a formula around it is grouped by structure, not by guessing from glyphs."""

    tree: Expr


@functools.lru_cache(maxsize=4096)
def of(name: str) -> str:
    """The name after a ∂: in parentheses unless it is a plain symbol (``∂(e − ê)²`` would
    read as a square, so it becomes ``∂((e − ê)²)``)."""
    plain = not any(c in _OPERATORS or c in "()[]|" for c in name)
    return "∂" + (name if plain else f"({name})")


def _op(node: Value) -> Op:
    if node.op is None:
        raise ValueError(f"viz.names: {node!r} is a leaf; only op nodes have formulas")
    return node.op


def symbol(node: Value, short: Mapping[Value, str]) -> Expr:
    """How formulas read a node: its value when it is a constant, the tree of its
    expression when that is its name, else its name."""
    name = short.get(node)
    if isinstance(name, Expression):
        return name.tree
    if node.is_constant:
        return Num(node.data)
    if name is None:  # a node the caller did not name: its expression, or its label
        return _tree(node, short) if node.op is not None else Var(node.label or "?")
    return Var(name)


def _tree(node: Value, short: Mapping[Value, str]) -> Expr:
    op = _op(node)
    return apply(op, [symbol(p, short) for p in node.parents], node.arg)


def expression(node: Value, short: Mapping[Value, str]) -> str:
    """The node's op written over its inputs' names: ``w₁·x``, ``tanh(w₁·x + b)``."""
    op = _op(node)
    if not op.arity:
        # Σ xᵢ over named inputs: the sum (or dot product) written out.
        return f"{op.symbol}({', '.join(short[p] for p in node.parents)})"
    tree = _tree(node, short)
    name = Expression(WRITTEN.text(tree))
    name.tree = tree
    return name


def formula(node: Value, index: int, short: Mapping[Value, str]) -> str:
    """The local derivative of ``node`` by its input ``index``, in the nodes' own names:
    ``∂(d·f)/∂f = d``."""
    return formulas(node, short)[index]


def formulas(node: Value, short: Mapping[Value, str]) -> list[str]:
    """:func:`formula` for every input of ``node``, printed from the op's rules (or the
    nicer forms the op declares)."""
    op = _op(node)
    ins = [symbol(p, short) for p in node.parents]
    out = symbol(node, short) if node in short else _tree(node, short)
    if op.arity:
        whole = WRITTEN.of(apply(op, ins, node.arg))
    else:
        whole = f"∂({op.expr})"
    result = []
    for i, p in enumerate(ins):
        try:
            rhs = PRINTER.text(derivative(op, i, ins, out, node.arg))
        except (TypeError, ValueError, AttributeError):
            rhs = op.formula(i, len(ins)).split(" = ", 1)[1]
        result.append(f"{whole}/{PRINTER.of(p)} = {rhs}")
    return result


def choose(
    order: list[Value], root: Value, scope_of: Mapping[Value, tuple[str, ...]]
) -> tuple[dict[Value, str], dict[Value, str]]:
    """Every node's (full, short) name: full in narration, short inside its scope's cluster.

    They differ only for a label that several nodes share, which the full name prefixes
    with the node's scope path (``layers.0.neurons.2.w₁``).
    """
    count: dict[str, int] = {}
    for node in order:
        if node.label:
            count[node.label] = count.get(node.label, 0) + 1
    full: dict[Value, str] = {}
    short: dict[Value, str] = {}
    unnamed = 0
    for node in order:
        if node.label:
            # Drawn short (a picture shows it whole in a tooltip), with a lone surrogate
            # or a control character as U+FFFD.
            name = clean(shorten(node.label))
            scope = tuple(clean(shorten(part)) for part in scope_of.get(node, ()))
            short[node] = name
            full[node] = ".".join((*scope, name)) if count[node.label] > 1 and scope else name
            continue
        if node.is_constant:
            name = number(node.data)
        elif node is root:
            name = "L"
        else:
            name = expression(node, short) if node.op is not None else ""
            if not name or len(name) > MAX_EXPRESSION:
                unnamed += 1
                name = "n" + subscript(unnamed)
        short[node] = full[node] = name
    return full, short
