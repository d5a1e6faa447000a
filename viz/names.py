"""Where every name on a picture or in a narration is chosen.

A node is called, in this order of preference: its label (qualified by its scope path
when several nodes share it, ``layers.0.neurons.2.w₁``; a label or scope name over
``MAX_NAME`` characters is cut in the middle); its value when it is a constant
(``½``, ``−1``); ``L`` when it is the unlabelled root; its expression in its inputs' names
when that is short (``w₁·x``); else a stable short name (``n₃``, numbered in topological
order). The op table's formulas are written over ``a``, ``b``, ``k``, ``xᵢ``/``wᵢ``; a
picture substitutes the nodes' own names (``∂(d·f)/∂f = d``), with parentheses where a
compound name needs them.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping

from autograd import Op, Value
from autograd.ops import subscript

from ._text import MINUS, clean, fmt, shorten

MAX_EXPRESSION = 16
"""Longest expression (in characters) an unlabelled intermediate is named by."""

FRACTIONS = {0.5: "½", 0.25: "¼", 0.75: "¾", 1 / 3: "⅓", 2 / 3: "⅔", 0.2: "⅕", 0.125: "⅛"}
_SUPERSCRIPTS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
# A superscript letter in a formula is that letter as an exponent (aᵏ, aᵇ⁻¹).
_EXPONENT = re.compile("([ᵏᵇ])(⁻¹)?")
_EXPONENT_LETTER = {"ᵏ": "k", "ᵇ": "b"}
_OPERATORS = set("+−-·/^*×=<> ")


def number(x: float) -> str:
    """A constant as a learner writes it: ``½``, ``−1``, ``2``, ``0.1``."""
    sign = MINUS if x < 0 else ""
    if abs(x) in FRACTIONS:
        return sign + FRACTIONS[abs(x)]
    if float(x).is_integer() and abs(x) < 1e6:
        return sign + str(int(abs(x)))
    return fmt(x)


def level(name: str) -> int:
    """How tightly a name binds: 1 a sum or a negation (``e − ê``, ``−1``), 2 a product or
    quotient (``w·x``), 3 a single symbol, number or bracketed whole (``(e − ê)²``)."""
    if name.startswith(("−", "-")):
        return 1
    depth, found = 0, 3
    for k, c in enumerate(name):
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif depth == 0 and c in "+−-" and k and name[k - 1] == " ":
            return 1
        elif depth == 0 and c in "·/×^ ":
            found = 2
    return found


def paren(name: str, need: int = 3) -> str:
    """The name in parentheses unless it binds at least as tightly as ``need``."""
    return f"({name})" if level(name) < need else name


@functools.lru_cache(maxsize=4096)
def of(name: str) -> str:
    """The name after a ∂: in parentheses unless it is a plain symbol (``∂(e − ê)²`` would
    read as a square, so it becomes ``∂((e − ê)²)``)."""
    plain = not any(c in _OPERATORS or c in "()[]|" for c in name)
    return "∂" + (name if plain else f"({name})")


def _exponent(value: float | None, name: str, minus_one: bool) -> str:
    if value is not None and float(value).is_integer() and abs(value) < 100:
        power = int(value - 1 if minus_one else value)
        return "" if power == 1 else str(power).translate(_SUPERSCRIPTS)
    base = number(value) if value is not None else name
    return f"^({base} − 1)" if minus_one else f"^{paren(base)}"


def _need(text: str, start: int, end: int) -> int:
    # How tightly a name must bind in the slot text[start:end], from its neighbours.
    left = text[:start].rstrip()
    right = text[end:].lstrip()
    before, after = left[-1:] or "", right[:1] or ""
    need = 1
    if before == "−" and left[:-1].endswith(" "):
        need = 2  # the right operand of a binary minus
    if before in ("·", "×") or after in ("·", "×", "/"):
        need = max(need, 2)
    if before in ("/", "√") or (after and after in "⁰¹²³⁴⁵⁶⁷⁸⁹⁻ᵏᵇ^"):
        need = 3
    if before == "−" and not left[:-1].endswith(" "):
        need = max(need, 2)  # a negation
    if before and before not in "(=+−·×/√ " and before.isalpha():
        need = 3
    return need


def substitute(text: str, names: Mapping[str, str], params: Mapping[str, float]) -> str:
    """The op table's ``text`` with its letters replaced by nodes' names and parameters.

    ``names`` maps formula letters (``a``, ``b``, ``w₂``) to node names, ``params`` maps
    parameter letters (``k``) to numbers. A compound name gets parentheses unless its
    slot is already enclosed (``tanh(a)``, ``|a|``).

    Example:
        >>> substitute("∂(a·b)/∂b = a", {"a": "d", "b": "e − ê"}, {})
        '∂(d·(e − ê))/∂(e − ê) = d'
        >>> substitute("k·aᵏ⁻¹", {"a": "x"}, {"k": 3.0})
        '3·x²'
    """

    def exponent(match: re.Match) -> str:
        letter = _EXPONENT_LETTER[match.group(1)]
        value = params.get(letter)
        return _exponent(value, names.get(letter, letter), bool(match.group(2)))

    text = _EXPONENT.sub(exponent, text)
    words = {k: v for k, v in names.items() if k in text}
    words.update((k, number(v)) for k, v in params.items() if k in text)
    if not words:
        return text
    keys = sorted(words, key=len, reverse=True)
    pattern = re.compile(
        r"(?<![A-Za-z₀-₉])(" + "|".join(map(re.escape, keys)) + r")(?![A-Za-z₀-₉ᵢ])"
    )

    def replace(match: re.Match) -> str:
        name = words[match.group(1)]
        before = text[match.start() - 1] if match.start() else ""
        after = text[match.end()] if match.end() < len(text) else ""
        if before == "∂":
            return of(name)[1:]
        if (before, after) in (("(", ")"), ("|", "|")):
            return name
        return paren(name, _need(text, match.start(), match.end()))

    return pattern.sub(replace, text)


def _op(node: Value) -> Op:
    if node.op is None:
        raise ValueError(f"viz.names: {node!r} is a leaf; only op nodes have formulas")
    return node.op


def _letters(node: Value, short: Mapping[Value, str]) -> tuple[dict[str, str], dict[str, float]]:
    op, parents = _op(node), node.parents
    names = {op.input_name(i, len(parents)): short[p] for i, p in enumerate(parents)}
    params = {op.param[0]: node.arg} if op.param and isinstance(node.arg, float) else {}
    return names, params


def expression(node: Value, short: Mapping[Value, str]) -> str:
    """The node's op written over its inputs' names: ``w₁·x``, ``tanh(w₁·x + b)``."""
    op = _op(node)
    if not op.arity:
        # Σ xᵢ over named inputs: the sum (or dot product) written out.
        return f"{op.symbol}({', '.join(short[p] for p in node.parents)})"
    names, params = _letters(node, short)
    return substitute(op.expr, names, params)


def formula(node: Value, index: int, short: Mapping[Value, str]) -> str:
    """The local derivative of ``node`` by its input ``index``, in the nodes' own names:
    ``∂(d·f)/∂f = d``."""
    names, params = _letters(node, short)
    return substitute(_op(node).formula(index, len(node.parents)), names, params)


def formulas(node: Value, short: Mapping[Value, str]) -> list[str]:
    """:func:`formula` for every input of ``node`` (its names looked up once)."""
    names, params = _letters(node, short)
    op, n = _op(node), len(node.parents)
    return [substitute(op.formula(i, n), names, params) for i in range(n)]


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
