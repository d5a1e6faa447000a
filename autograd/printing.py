"""Printers: expression trees and instructions written in one language.

A printer knows its language's precedence and spelling, nothing about ops or graphs: it
writes ``a - (b - c)`` because the tree groups so, and a parenthesis exactly where the
language needs one. :class:`Printer` holds what languages share; :class:`PythonPrinter`
writes Python over floats (tapes, the engine's backward steps) or, with ``numpy=True``,
over numpy arrays (batched replay). JavaScript and maths for people are printed by
:class:`autograd.javascript.JavaScriptPrinter` and :class:`autograd.maths.MathsPrinter`.

Example:
    >>> from autograd.expr import Var
    >>> from autograd.symbols import SYMBOLS
    >>> from autograd.ops import OPS_BY_NAME
    >>> rule = OPS_BY_NAME["relu"].rules[0]
    >>> PythonPrinter().text(rule(SYMBOLS, Var("a"), Var("out")))
    '0.0 if a <= 0.0 else 1.0'
    >>> PythonPrinter(numpy=True).text(rule(SYMBOLS, Var("a"), Var("out")))
    'np.where(a <= 0.0, 0.0, 1.0)'
"""

from __future__ import annotations

import keyword
import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from .code import Attr, Fields, Fn, Item, Logic, Lst, Scalar, Star, Tup
from .expr import Bin, Call, Cmp, Expr, Neg, Num, Sum, Var, Where
from .instructions import Assign, Comment, Def, Do, For, If, Return, Statement
from .ops import OPS, Op

# Precedences (Python's, which JavaScript shares for these operators): higher binds tighter.
COND, OR, AND, CMP, ADD, MUL, UNARY, POW, ATOM = 1, 2, 3, 5, 10, 11, 12, 13, 15
BINARY = {"+": ADD, "-": ADD, "*": MUL, "/": MUL, "@": MUL}

# Names generated Python uses for itself: never an op's function.
RESERVED = frozenset({"np", "nan", "inf", "float", "None", "True", "False"})


class Printer:
    """What every language's printer shares: dispatch, parentheses, statements."""

    indent = "    "

    def __init__(self) -> None:
        self._show: dict[type, Callable[[Any], tuple[str, int]]] = {
            Num: self.number, Var: self.variable, Bin: self.binary, Neg: self.negation,
            Call: self.call, Where: self.where, Cmp: self.compare, Sum: self.sum,
            Logic: self.logic,
            Fn: self.function, Tup: self.tup, Lst: self.lst, Star: self.star, Item: self.item,
            Fields: self.fields, Scalar: self.scalar,
            Attr: self.attribute,
        }

    def text(self, e: Expr) -> str:
        """The tree as code."""
        return self._show[type(e)](e)[0]

    def show(self, e: Expr) -> tuple[str, int]:
        """The tree as code, and how tightly that code binds."""
        return self._show[type(e)](e)

    def wrap(self, e: Expr, need: int) -> str:
        """The tree as code, in parentheses when it binds less tightly than ``need``."""
        text, prec = self._show[type(e)](e)
        return text if prec >= need else f"({text})"

    def arguments(self, args: Iterable[Expr]) -> str:
        """Arguments of a call, separated by commas."""
        show = self._show
        return ", ".join([show[type(a)](a)[0] for a in args])

    # -- the same in Python and JavaScript ------------------------------------------------
    def variable(self, e: Var) -> tuple[str, int]:
        """A variable by its name."""
        return e.name, ATOM

    def binary(self, e: Bin) -> tuple[str, int]:
        """``left symbol right``, parenthesized as grouped (floats are not associative)."""
        if e.symbol == "**":  # right-associative
            return f"{self.wrap(e.left, POW + 1)} ** {self.wrap(e.right, POW)}", POW
        prec = BINARY[e.symbol]
        return f"{self.wrap(e.left, prec)} {e.symbol} {self.wrap(e.right, prec + 1)}", prec

    def negation(self, e: Neg) -> tuple[str, int]:
        """``-x``; ``-(a ** b)`` and ``-(-x)`` keep their parentheses (JavaScript refuses
        ``-a ** b``, and reads ``--x`` as a decrement)."""
        x = e.x
        if type(x) is Neg or (type(x) is Bin and x.symbol == "**"):
            return f"-({self.text(x)})", UNARY
        inner = self.wrap(x, UNARY)
        return "-" + inner, UNARY

    def compare(self, e: Cmp) -> tuple[str, int]:
        """``a > b`` (never chained)."""
        return f"{self.wrap(e.a, CMP + 1)} {e.symbol} {self.wrap(e.b, CMP + 1)}", CMP

    def logic(self, e: Logic) -> tuple[str, int]:
        """``a or b``, ``a and b``."""
        prec = OR if e.symbol == "or" else AND
        return f"{self.wrap(e.a, prec)} {e.symbol} {self.wrap(e.b, prec + 1)}", prec

    def sum(self, e: Sum) -> tuple[str, int]:
        """Terms added left to right."""
        terms = e.terms
        if len(terms) == 1:
            return self.show(terms[0])
        wrap = self.wrap
        return " + ".join([wrap(terms[0], ADD), *[wrap(t, ADD + 1) for t in terms[1:]]]), ADD

    def function(self, e: Fn) -> tuple[str, int]:
        """``name(args)``."""
        return f"{e.name}({self.arguments(e.args)})", ATOM

    def tup(self, e: Tup) -> tuple[str, int]:
        """``(a, b)``."""
        return f"({self.arguments(e.items)}{',' if len(e.items) == 1 else ''})", ATOM

    def lst(self, e: Lst) -> tuple[str, int]:
        """``[a, b]``."""
        return f"[{self.arguments(e.items)}]", ATOM

    def fields(self, e: Fields) -> tuple[str, int]:
        """``{"name": value, …}`` (JavaScript: ``{name: value, …}``)."""
        items = ", ".join(f"{self.field_name(k)}: {self.text(v)}" for k, v in e.items)
        return "{" + items + "}", ATOM

    def field_name(self, name: str) -> str:
        """A record's field name as the language writes it."""
        return repr(name)

    def scalar(self, e: Scalar) -> tuple[str, int]:
        """A tree on floats: as any other (see :class:`PythonPrinter` for arrays)."""
        return self.show(e.x)

    def star(self, e: Star) -> tuple[str, int]:
        """``*x``."""
        return "*" + self.wrap(e.x, ATOM), ATOM

    def item(self, e: Item) -> tuple[str, int]:
        """``x[index]``."""
        index = e.index if isinstance(e.index, str) else self.text(e.index)
        return f"{self.wrap(e.x, ATOM)}[{index}]", ATOM

    def attribute(self, e: Attr) -> tuple[str, int]:
        """``x.name``."""
        return f"{self.wrap(e.x, ATOM)}.{e.name}", ATOM

    # -- what each language decides ---------------------------------------------------------
    def number(self, e: Num) -> tuple[str, int]:
        """A number as a literal."""
        raise NotImplementedError

    def call(self, e: Call) -> tuple[str, int]:
        """An op applied to its arguments."""
        raise NotImplementedError

    def where(self, e: Where) -> tuple[str, int]:
        """A choice."""
        raise NotImplementedError

    def lines(self, statements: Sequence[Statement], depth: int = 0) -> list[str]:
        """The statements as lines of code."""
        raise NotImplementedError


class PythonPrinter(Printer):
    """Python over floats, or with ``numpy`` over arrays (ops as ``np_<name>``, choices
    as ``np.where``).

    Args:
        ops: ops the code may call besides the table's (each gets its own function name,
            with a suffix when its name is taken).
        reserved: names the generated code uses for itself.
        numpy: print for numpy arrays.
    """

    def __init__(self, ops: Iterable[Op] = (), reserved: Iterable[str] = (),
                 numpy: bool = False) -> None:
        super().__init__()
        self.numpy = numpy
        self._floats: PythonPrinter | None = None  # for floats inside array code
        self.names: dict[Op, str] = {}
        used = set(reserved) | RESERVED | set(keyword.kwlist)
        for op in (*OPS, *ops):
            if op not in self.names:
                name, n = op.name, 2
                while name in used:
                    name, n = f"{op.name}_{n}", n + 1
                self.names[op] = name
                used.add(name)

    def wrap(self, e: Expr, need: int) -> str:
        """The tree as code, in parentheses when it binds less tightly than ``need`` (a
        variable at once: most operands are)."""
        if type(e) is Var:
            return e.name
        text, prec = self._show[type(e)](e)
        return text if prec >= need else f"({text})"

    def like(self, numpy: bool) -> PythonPrinter:
        """A printer with the same op names, for floats or for arrays."""
        other = PythonPrinter(numpy=numpy)
        other.names = self.names
        return other

    def namespace(self) -> dict[str, Any]:
        """What generated float code sees: every op's forward by its name, nan and inf."""
        ns: dict[str, Any] = {"__builtins__": {}, "nan": math.nan, "inf": math.inf}
        ns |= {name: op.forward for op, name in self.names.items()}
        return ns

    def number(self, e: Num) -> tuple[str, int]:
        """``1.5``, ``(-1.5)``, ``nan``, ``inf``: an atom wherever it stands."""
        return literal(e.value), ATOM

    def scalar(self, e: Scalar) -> tuple[str, int]:
        """A tree on floats inside array code: printed for floats (``tanh(x)``, not
        ``np_tanh(x)``: numpy's functions may round differently from the C library's)."""
        if not self.numpy:
            return self.show(e.x)
        if self._floats is None:
            self._floats = self.like(numpy=False)
        return self._floats.show(e.x)

    def call(self, e: Call) -> tuple[str, int]:
        """``tanh(x)``, ``pow(x, 2.0)``, or for arrays ``np_tanh(x)``."""
        name = self.names.get(e.op)
        if name is None:  # an op first met here (a step of the engine for an outside op)
            name = self.names[e.op] = e.op.name
        args = self.arguments(e.args)
        if e.op.param:
            args += ", " + parameter(e.k)
        return f"{'np_' if self.numpy else ''}{name}({args})", ATOM

    def where(self, e: Where) -> tuple[str, int]:
        """``x if test else y``, or for arrays ``np.where(test, x, y)``."""
        if self.numpy:
            return f"np.where({self.arguments(e.parts())})", ATOM
        text = (f"{self.wrap(e.x, COND + 1)} if {self.wrap(e.test, COND + 1)} "
                f"else {self.wrap(e.y, COND)}")
        return text, COND

    def target(self, e: Expr) -> str:
        """What an assignment stores into: ``x``, ``a, b`` (unpacking), ``_G[3]``."""
        if isinstance(e, Tup):
            names = ", ".join([self.text(t) for t in e.items])
            return names + ("," if len(e.items) == 1 else "")
        return self.text(e)

    def lines(self, statements: Sequence[Statement], depth: int = 0) -> list[str]:
        """The statements as indented lines."""
        pad = self.indent * depth
        out: list[str] = []
        for s in statements:
            if isinstance(s, Assign):
                out.append(f"{pad}{self.target(s.target)} {'+=' if s.add else '='} "
                           f"{self.text(s.expr)}")
            elif isinstance(s, Return):
                out.append(f"{pad}return {self.target(s.expr)}")
            elif isinstance(s, Comment):
                out.append(f"{pad}# {s.text}")
            elif isinstance(s, Do):
                out.append(pad + self.text(s.expr))
            elif isinstance(s, For):
                out.append(f"{pad}for {self.target(s.target)} in {self.text(s.iterable)}:")
                out += self.lines(s.body, depth + 1)
            elif isinstance(s, If):
                out.append(f"{pad}if {self.text(s.test)}:")
                out += self.lines(s.body, depth + 1)
            elif isinstance(s, Def):
                out.append(f"{pad}def {s.name}({', '.join(s.params)}):")
                out += self.lines(s.body, depth + 1)
        return out

    def source(self, statements: Sequence[Statement]) -> str:
        """The statements as a module's source."""
        return "\n".join(self.lines(statements)) + "\n"


def literal(x: float) -> str:
    """A number as Python: an atom (``(-1.5)``), ``nan``, ``inf``; a count (an int) as
    itself."""
    if type(x) is int:
        return str(x)
    if x != x:
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "(-inf)"
    text = repr(float(x))
    return f"({text})" if text[0] == "-" else text


def parameter(k: Any) -> str:
    """An op's parameter as Python: a number, or a tuple of numbers and Nones."""
    if isinstance(k, tuple):
        items = ["None" if x is None else literal(x) for x in k]
        return f"({', '.join(items)}{',' if len(items) == 1 else ''})"
    return literal(k)
