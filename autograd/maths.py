"""Maths for people: expression trees printed as a learner writes them.

The formulas pictures and narration show (``∂(d·f)/∂f = d``, ``1 − o²``, ``∛(w·x)``)
are the table's rules printed, in the nodes' own names: the rule is run on trees
(:mod:`autograd.expr`) whose leaves are names, and :class:`MathsPrinter` writes the tree
in Unicode, with parentheses where the grouping needs them (``−(a·b)``, ``(a + b)²``,
``a^(bᶜ)``, ``(a/b)/c``). An op may declare nicer forms of its derivatives
(``formulas=``); they are printed instead, and a test holds each equal to its rule.
How each op is written comes from its ``expr`` (:mod:`autograd.notation`).

Example:
    >>> from autograd.expr import Var
    >>> from autograd.ops import OPS_BY_NAME
    >>> tanh = OPS_BY_NAME["tanh"]
    >>> MathsPrinter().text(derivative(tanh, 0, [Var("n")], Var("o")))
    '1 − o²'
    >>> MathsPrinter().text(Var("w") * Var("x") ** 2.0 / (Var("a") + 1.0))
    'w·x²/(a + 1)'
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from .expr import Bin, Call, Cmp, Expr, Neg, Num, Var, Where, lift
from .notation import (
    ADD,
    ATOM,
    CMP,
    COND,
    MUL,
    NEG,
    OPERATORS,
    POW,
    PREFIX,
    RAISED,
    SUPERSCRIPT,
    notation,
)
from .ops import Op
from .printing import Printer
from .reading import same
from .symbols import apply, local, symbols

MINUS = "−"
_SYMBOL = {">": ">", ">=": "≥", "<": "<", "<=": "≤", "==": "=", "!=": "≠"}
_FLIP = {">": "<", ">=": "<="}  # a > b is b < a
FRACTIONS = {0.5: "½", 0.25: "¼", 0.75: "¾", 1 / 3: "⅓", 2 / 3: "⅔", 0.2: "⅕", 0.125: "⅛"}


def number(x: float) -> str:
    """A constant as a learner writes it: ``½``, ``−1``, ``2``, ``0.6931``."""
    if x != x:
        return "nan"
    sign = MINUS if x < 0 else ""
    if abs(x) == float("inf"):
        return sign + "∞"
    if abs(x) in FRACTIONS:
        return sign + FRACTIONS[abs(x)]
    if float(x).is_integer() and abs(x) < 1e6:
        return sign + str(int(abs(x)))
    return sign + f"{abs(x):.4g}".replace("-", MINUS)


class MathsPrinter(Printer):
    """Trees as Unicode maths: ``·`` and ``−``, powers as superscripts (``x²``) or ``^``,
    each op as its ``expr`` writes it.

    Args:
        numbers: how a constant is written (default :func:`number`).
        squares: write ``x·x`` as ``x²`` (in derivatives; a node's own expression keeps
            what the learner wrote, one factor per edge).
    """

    def __init__(self, numbers: Callable[[float], str] = number, squares: bool = True) -> None:
        super().__init__()
        self.numbers, self.squares = numbers, squares

    def literal(self) -> MathsPrinter:
        """This printer, writing every product as written (``a·a``, not ``a²``)."""
        return MathsPrinter(self.numbers, squares=False)

    def number(self, e: Num) -> tuple[str, int]:
        """``½``, ``2``, ``−1`` (a negation)."""
        text = self.numbers(e.value)
        return text, NEG if text.startswith(MINUS) else ATOM

    def variable(self, e: Var) -> tuple[str, int]:
        """A name: one word binds as an atom; a label with operators in it (``e − ê``)
        as a sum, so it gets parentheses wherever a sum would."""
        name = e.name
        if name.startswith((MINUS, "-")):
            return name, NEG
        return name, ADD if OPERATORS & set(name) else ATOM

    def operand(self, e: Expr, need: int) -> str:
        """``e`` as an operand: parenthesized when it binds less than ``need``, and when
        it starts with a minus (``a·(−b)``, never ``a·−b``)."""
        text, prec = self.show(e)
        return text if prec >= need and prec != NEG else f"({text})"

    def binary(self, e: Bin) -> tuple[str, int]:
        """``a + b``, ``a − (b − c)``, ``a·b``, ``(a/b)/c``, ``x²``, ``a^(b^c)``."""
        s, left, right = e.symbol, e.left, e.right
        if s == "**":
            return self.power(left, right)
        if s == "*" and self.squares:
            return self.product(e)
        if s in "+-":
            sign = "+" if s == "+" else MINUS
            return f"{self.wrap(left, ADD)} {sign} {self.operand(right, ADD + (s == '-'))}", ADD
        if s == "*":
            return f"{self.factor(left, True)}·{self.factor(right, False)}", MUL
        numerator = self.factor(left, True) if _is_div(left) else self.wrap(left, MUL)
        return f"{numerator}/{self.operand(right, PREFIX)}", MUL

    def product(self, e: Bin) -> tuple[str, int]:
        """A run of factors with equal neighbours as powers: ``3·x·x`` is ``3·x²``."""
        factors: list[Expr] = []
        stack: list[Expr] = [e]
        while stack:
            f = stack.pop()
            if type(f) is Bin and f.symbol == "*":
                stack += [f.right, f.left]
            else:
                factors.append(f)
        runs: list[list[Any]] = []
        for f in factors:
            if runs and same(runs[-1][0], f):
                runs[-1][1] += 1
            else:
                runs.append([f, 1])
        texts = []
        for i, (f, n) in enumerate(runs):
            if n > 1:
                text, prec = self.power(f, Num(float(n)))
                texts.append(text if prec > NEG else f"({text})")
            else:
                texts.append(self.factor(f, i == 0))
        if len(texts) == 1:
            return texts[0], POW
        return "·".join(texts), MUL

    def factor(self, e: Expr, first: bool) -> str:
        """A factor of a product: a quotient in parentheses (``(a/b)·c``)."""
        if _is_div(e):
            return f"({self.text(e)})"
        return self.wrap(e, MUL) if first else self.operand(e, MUL)

    def power(self, base: Expr, exponent: Expr) -> tuple[str, int]:
        """``x²``, ``aᵏ⁻¹`` for an exponent that is a whole number, a letter, or one
        plus or minus the other; else ``x^e`` (``a^(bᶜ)``, ``x^½``)."""
        b = self.operand(base, ATOM)
        raised = self.superscript(exponent)
        if raised is not None:
            return b + raised, POW
        return f"{b}^{self.operand(exponent, ATOM)}", POW

    def superscript(self, e: Expr) -> str | None:
        """A simple exponent in superscript letters (``ᵏ⁻¹``), or None."""
        if type(e) is Num:
            x = e.value
            if float(x).is_integer() and abs(x) < 100:
                return str(int(x)).translate(SUPERSCRIPT)
            return None
        if type(e) is Var:
            name = e.name
            return name.translate(SUPERSCRIPT) if len(name) == 1 and name in RAISED else None
        if type(e) is Bin and e.symbol in "+-":
            left, right = self.superscript(e.left), self.superscript(e.right)
            if left is not None and right is not None and type(e.right) is not Var:
                return left + ("⁺" if e.symbol == "+" else "⁻") + right
        return None

    def negation(self, e: Neg) -> tuple[str, int]:
        """``−a``, ``−a²``, ``−(a·b)``."""
        return MINUS + self.operand(e.x, PREFIX), NEG

    def call(self, e: Call) -> tuple[str, int]:
        """The op as its ``expr`` writes it: ``tanh(x)``, ``√(w·x)``, ``|x − 1|``."""
        if e.op.arity == 0:
            return f"{e.op.symbol}({self.arguments(e.args)})", ATOM
        how = notation(e.op)
        if how.kind == "power":
            exponent = e.args[1] if len(e.args) > 1 else lift(e.k)
            return self.power(e.args[0], exponent)
        if how.kind == "prefix":
            return f"{how.pieces[0]}{self.operand(e.args[0], ATOM)}", PREFIX
        parts, slot = [], 0
        for piece in how.pieces:
            if isinstance(piece, str):
                parts.append(piece)
            else:
                arg = e.args[piece]
                parts.append(self.text(arg) if how.enclosed[slot] else self.operand(arg, ATOM))
                slot += 1
        return "".join(parts), how.prec

    def where(self, e: Where) -> tuple[str, int]:
        """``1 if a > 0 else 0``; a chain of choices as ``x if s, y if t, else z``; two
        tests with one otherwise as ``x if s and t else y`` (``x if lo ≤ a ≤ hi else y``
        when they bound one value from both sides)."""
        parts = []
        node: Expr = e
        while type(node) is Where:
            tests, chosen = [node.test], node.x
            while type(chosen) is Where and same(chosen.y, node.y):
                tests.append(chosen.test)
                chosen = chosen.x
            parts.append(f"{self.wrap(chosen, CMP)} if {self.tests(tests)}")
            node = node.y
        last = self.wrap(node, CMP)
        if len(parts) == 1:
            return f"{parts[0]} else {last}", COND
        return ", ".join(parts) + f", else {last}", COND

    def tests(self, tests: list[Expr]) -> str:
        """Tests that must all hold: ``s and t``, or ``lo ≤ a ≤ hi``."""
        cmps = [t for t in tests if isinstance(t, Cmp)]
        if len(tests) == len(cmps) == 2:
            lower, upper = sorted(cmps, key=lambda t: t.symbol not in _FLIP)
            if lower.symbol in _FLIP and upper.symbol in ("<", "<=") and same(lower.a, upper.a):
                return (f"{self.wrap(lower.b, ADD)} {_SYMBOL[_FLIP[lower.symbol]]} "
                        f"{self.wrap(lower.a, ADD)} {_SYMBOL[upper.symbol]} "
                        f"{self.wrap(upper.b, ADD)}")
        return " and ".join(self.wrap(t, CMP) for t in tests)

    def compare(self, e: Cmp) -> tuple[str, int]:
        """``a ≤ b``."""
        return f"{self.wrap(e.a, ADD)} {_SYMBOL[e.symbol]} {self.wrap(e.b, ADD)}", CMP

    def sum(self, e: Any) -> tuple[str, int]:
        """Terms added."""
        return " + ".join(self.operand(t, ADD) if i else self.wrap(t, ADD)
                          for i, t in enumerate(e.terms)), ADD

    def of(self, e: Expr) -> str:
        """What follows a ∂: ``∂x``, ``∂(w·x)``, ``∂(x³)``."""
        text, prec = self.show(e)
        return "∂" + (text if prec == ATOM and not OPERATORS & set(text) and "(" not in text
                      and "|" not in text else f"({text})")


_PRINTER = MathsPrinter()


def _is_div(e: Expr) -> bool:
    return type(e) is Bin and e.symbol == "/"


def derivative(op: Op, index: int, ins: Sequence[Expr], out: Expr, k: Any = None) -> Expr:
    """∂out/∂input ``index`` as a tree for people: the op's nicer form where it declares
    one, else its rule."""
    nicer = op.nicer
    if not nicer:
        return local(op, index, ins, out, k)
    rule, row, size = op.row(index, len(ins))
    form = nicer[rule] or op.rules[rule]
    members = list(ins) if op.arity else list(ins[row::size])
    extra = (k,) if op.param else ()
    return lift(form(symbols(op), *members, out, *extra))


def letters(op: Op, n_inputs: int) -> tuple[list[Expr], Expr, Any]:
    """The op over its own letters: (inputs ``a``, ``b`` or ``w₂``…, its output written
    as the op over them, its parameter by name: ``k``, or ``(min, max)``)."""
    ins: list[Expr] = [Var(op.input_name(i, n_inputs)) for i in range(n_inputs)]
    k: Any = None
    if op.param:
        name, default = op.param
        k = (Var("min"), Var("max")) if isinstance(default, tuple) else Var(name)
    out = apply(op, ins, k) if op.arity else Var("out")
    return ins, out, k


def formula(op: Op, index: int, n_inputs: int) -> str:
    """The right-hand side of ``op``'s local derivative by input ``index``, in its letters
    (``b`` for ``∂(a·b)/∂a``; ``x₂`` for ``∂(Σ wᵢ·xᵢ)/∂w₂``)."""
    ins, out, k = letters(op, n_inputs)
    return written(lambda: derivative(op, index, ins, out, k))


def row_formula(op: Op, rule: int) -> str:
    """An op's local derivative by its input ``op.inputs[rule]``, for any row
    (``xᵢ`` for ``dot``'s ``wᵢ``)."""
    if op.arity:
        return formula(op, rule, op.arity)
    row: list[Expr] = [Var(name + "ᵢ") for name in op.inputs]
    return written(lambda: derivative(op, rule, row, Var("out")))


def written(tree: Callable[[], Expr]) -> str:
    """A derivative's tree printed, or why its rule cannot be written out (a rule that
    branches on its inputs with Python's ``if``)."""
    try:
        return _PRINTER.text(tree())
    except (TypeError, ValueError, AttributeError) as err:
        return f"? (its rule cannot be written out: {err})"
