"""How an op is written for people, read once from its ``expr``.

The letters of the op's inputs in its ``expr`` (``tanh(a)``, ``√a``, ``|a|``, ``aᵏ``,
``√(1 + a²)``) mark where the arguments go, and what surrounds each says whether the
argument is enclosed (``tanh(w·x)``: any argument goes in as it is) or needs parentheses
unless it is an atom (``√(w·x)``). :class:`autograd.maths.MathsPrinter` prints each
:class:`~autograd.expr.Call` so.
"""

from __future__ import annotations

import functools

from .ops import Op

# Precedences for people, higher binds tighter: a choice, a comparison, a sum, a product
# or quotient, a negation, a root (√a), a power, an atom.
COND, CMP, ADD, MUL, NEG, PREFIX, POW, ATOM = 1, 5, 10, 11, 12, 13, 14, 15
RAISED = "abcdefghijklmnoprstuvwxyz"  # the letters Unicode has superscripts of (not q)
SUPERSCRIPT = str.maketrans("0123456789-−" + RAISED,
                             "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁻ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻ")
OPERATORS = frozenset("+−-·/×^*=<>≤≥≠ ,")


class Notation:
    """How an op is written, read once from its ``expr``: ``kind`` is ``power`` (``aᵏ``),
    ``prefix`` (``√a``: a symbol, then one argument) or ``template`` (``tanh(a)``,
    ``√(1 + a²)``, ``|a|``: ``pieces`` of text and argument positions). An argument that
    is a whole item between brackets (``tanh(a)``, ``max(a, b)``) goes in as it is; any
    other (``√(1 + a²)``) is parenthesized unless it is an atom. ``prec`` is how tightly
    the written op binds: an atom when brackets enclose it all, else as a sum."""

    __slots__ = ("enclosed", "kind", "pieces", "prec")

    def __init__(self, kind: str, pieces: tuple[str | int, ...] = (),
                 enclosed: tuple[bool, ...] = (), prec: int = ATOM) -> None:
        self.kind, self.pieces, self.enclosed, self.prec = kind, pieces, enclosed, prec


_OPEN, _CLOSE = "([{|⌊⌈", ")]}|⌋⌉"


@functools.cache
def notation(op: Op) -> Notation:
    """How ``op`` is written for people (see :class:`Notation`)."""
    expr, letters = op.expr, op.inputs
    if op.arity == 1 and op.param and expr == letters[0] + op.param[0].translate(SUPERSCRIPT):
        return Notation("power")
    if op.arity == 2 and expr == letters[0] + letters[1].translate(SUPERSCRIPT):
        return Notation("power")
    if op.arity == 1 and expr.endswith(letters[0]) and len(expr) > 1 \
            and not any(c.isalnum() or c in OPERATORS or c in _OPEN for c in expr[:-1]):
        return Notation("prefix", (expr[:-1],), prec=PREFIX)
    pieces: list[str | int] = []
    text = ""
    for i, c in enumerate(expr):
        before, after = expr[i - 1:i], expr[i + 1:i + 2]
        if c in letters and not before.isalpha() and not (after.isalpha() or after in _SUBSCRIPTS):
            pieces += [text, letters.index(c)]
            text = ""
        else:
            text += c
    pieces.append(text)
    slots = [p for p in pieces if isinstance(p, int)]
    if op.arity and sorted(set(slots)) == list(range(op.arity)):
        enclosed = tuple(_enclosed(str(pieces[i - 1]), str(pieces[i + 1]))
                         for i, p in enumerate(pieces) if isinstance(p, int))
        return Notation("template", tuple(pieces), enclosed, ATOM if _wrapped(expr) else ADD)
    name = op.symbol if _word(op.symbol) else op.name
    return Notation("template", (f"{name}(", *_commas(op.arity), ")"),
                    (True,) * op.arity)


_SUBSCRIPTS = "₀₁₂₃₄₅₆₇₈₉ᵢ"


def _commas(n: int) -> list[str | int]:
    out: list[str | int] = []
    for i in range(n):
        out += [", ", i] if i else [i]
    return out


def _enclosed(before: str, after: str) -> bool:
    # A whole item between brackets: ``f(a)``, ``max(a, b)``, ``|a|``.
    return (before.endswith(tuple(_OPEN)) or before.endswith(", ")) and \
        (after.startswith(tuple(_CLOSE)) or after.startswith(","))


def _wrapped(expr: str) -> bool:
    # Brackets enclose all of it, after a name or symbol: ``log(1 + a)``, ``√(1 + a²)``, ``|a|``.
    if not expr or expr[-1] not in _CLOSE:
        return False
    depth = 0
    for i in range(len(expr) - 1, -1, -1):
        c = expr[i]
        if c in _CLOSE and not (c == "|" and depth and expr[i] in _OPEN and i < len(expr) - 1):
            depth += 1
        elif c in _OPEN:
            depth -= 1
        if depth == 0:
            head = expr[:i]
            return not any(ch in OPERATORS for ch in head)
    return False


def _word(text: str) -> bool:
    # A function's name: letters, digits, subscripts; no operator, space or bracket.
    return bool(text) and not (OPERATORS | set("()[]|")) & set(text)
