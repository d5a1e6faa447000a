"""The symbolic interpretation: rules evaluated on symbols that print source code.

A :class:`Sym` is a piece of code (an expression and its precedence). Python's
operators on Syms write the operator (``a * b``); an ``m`` built from the op table
(:class:`SourceMath`) writes each op's call, each branch and each comparison. So the
compiler gets a local derivative's code by *running the rule* on Syms named after the
generated code's variables, with no parsing and no rewriting.

What is specific to one target language is four small methods of :class:`SourceMath`:
how a number is written (:meth:`~SourceMath.number`), how an op is applied
(:meth:`~SourceMath.call`), how a branch is written (:meth:`~SourceMath.where`) and how
two values are compared (:meth:`~SourceMath.compare`). :class:`PythonSource` writes float
Python (the tapes), :class:`NumpySource` the same over numpy arrays (batched replay), and
:class:`autograd.javascript.JavaScriptSource` JavaScript for live pages (``Math.tanh(x)``,
``c ? x : y``, ``NaN``; an op JavaScript lacks through the op's ``via``). Another target
is one more subclass overriding those four.

Example:
    >>> from autograd import OPS_BY_NAME
    >>> from autograd.source import PythonSource
    >>> m = PythonSource()
    >>> a, out = m.var("a"), m.var("out")
    >>> [rule(m, a, out).text for rule in OPS_BY_NAME["tanh"].rules]
    ['1.0 - out * out']
    >>> OPS_BY_NAME["relu"].rules[0](m, a, out).text
    '0.0 if a <= 0.0 else 1.0'
"""

from __future__ import annotations

import keyword
import math
import operator
from collections.abc import Callable, Iterable
from typing import Any

from .interpret import Interpretation
from .ops import OPS, Op

# Names generated code uses for its own helpers: never an op's function.
RESERVED = frozenset({"np", "nan", "inf", "float", "None", "True", "False"})

# Precedences shared by Python and JavaScript for the operators used here.
COND, CMP, ADD, MUL, UNARY, POW, ATOM = 1, 5, 10, 11, 12, 13, 15

INFIX: dict[Callable[..., Any], tuple[str, int]] = {
    operator.add: ("+", ADD),
    operator.sub: ("-", ADD),
    operator.mul: ("*", MUL),
    operator.truediv: ("/", MUL),
}


class Sym:
    """A piece of code of one language: its text, precedence and the names it reads."""

    __slots__ = ("lang", "prec", "reads", "text")

    def __init__(self, lang: SourceMath, text: str, prec: int = ATOM,
                 reads: frozenset = frozenset()) -> None:
        self.lang, self.text, self.prec, self.reads = lang, text, prec, reads

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"Sym({self.text!r})"

    def _binary(self, other: Any, symbol: str, prec: int, reflected: bool = False) -> Sym:
        left, right = (self.lang.lift_value(other), self) if reflected else (
            self, self.lang.lift_value(other))
        return self.lang.infix(left, symbol, prec, right)

    def __add__(self, other: Any) -> Sym:
        return self._binary(other, "+", ADD)

    def __radd__(self, other: Any) -> Sym:
        return self._binary(other, "+", ADD, True)

    def __sub__(self, other: Any) -> Sym:
        return self._binary(other, "-", ADD)

    def __rsub__(self, other: Any) -> Sym:
        return self._binary(other, "-", ADD, True)

    def __mul__(self, other: Any) -> Sym:
        return self._binary(other, "*", MUL)

    def __rmul__(self, other: Any) -> Sym:
        return self._binary(other, "*", MUL, True)

    def __truediv__(self, other: Any) -> Sym:
        return self._binary(other, "/", MUL)

    def __rtruediv__(self, other: Any) -> Sym:
        return self._binary(other, "/", MUL, True)

    def __pow__(self, other: Any) -> Sym:
        return self._binary(other, "**", POW)

    def __rpow__(self, other: Any) -> Sym:
        return self._binary(other, "**", POW, True)

    def __neg__(self) -> Sym:
        return self.lang.negate(self)

    def __bool__(self) -> bool:
        raise TypeError(f"a symbolic value ({self.text}) has no truth value: "
                        "a rule must branch with m.where, not Python's if")


class SourceMath(Interpretation):
    """Rules on Syms of one language: ``m.cos(x)`` writes the code that calls cos.

    Args:
        ops: the ops the generated code can call (the table, plus ops from outside it).
        names: how generated code names each op's function (default: the op's name,
            with a suffix when two ops share one or the name is taken).
        reserved: names the generated code uses for itself.
    """

    def __init__(self, ops: Iterable[Op] = (), names: dict[Op, str] | None = None,
                 reserved: Iterable[str] = ()) -> None:
        self.names: dict[Op, str] = dict(names or {})
        used = set(self.names.values()) | set(reserved) | RESERVED | set(keyword.kwlist)
        for op in (*OPS, *ops):
            if op not in self.names:
                name, n = op.name, 2
                while name in used:
                    name, n = f"{op.name}_{n}", n + 1
                self.names[op] = name
                used.add(name)
        super().__init__(self.names)

    # -- what a language decides ---------------------------------------------------------
    def number(self, x: float) -> Sym:
        """A number as a literal."""
        if math.isnan(x):
            return Sym(self, "nan")
        if math.isinf(x):
            return Sym(self, "inf" if x > 0 else "(-inf)")
        text = repr(float(x))
        return Sym(self, f"({text})" if text.startswith("-") else text)

    def call(self, op: Op, args: list[Sym], k: Any = None) -> Sym:
        """``op`` applied to ``args`` (and its parameter ``k``)."""
        if op.forward in INFIX and len(args) == 2:
            symbol, prec = INFIX[op.forward]
            return self.infix(args[0], symbol, prec, args[1])
        if op.forward is operator.neg:
            return self.negate(args[0])
        texts = [a.text for a in args] + ([self.param(k)] if op.param else [])
        return Sym(self, f"{self.function(op)}({', '.join(texts)})", ATOM, _reads(args))

    def function(self, op: Op) -> str:
        """The name generated code calls for ``op``."""
        return self.names[op]

    def param(self, k: Any) -> str:
        """A parameter as a literal (a number, or a tuple of numbers and Nones)."""
        if isinstance(k, tuple):
            items = ["None" if x is None else self.number(x).text for x in k]
            return f"({', '.join(items)}{',' if len(items) == 1 else ''})"
        return self.number(k).text

    def where(self, test: Any, x: Any, y: Any) -> Sym:
        """``x if test else y``."""
        test, x, y = self.lift_value(test), self.lift_value(x), self.lift_value(y)
        text = f"{self.wrap(x, COND + 1)} if {self.wrap(test, COND + 1)} else {self.wrap(y, COND)}"
        return Sym(self, text, COND, _reads([test, x, y]))

    def compare(self, a: Any, symbol: str, b: Any) -> Sym:
        """``a > b`` and the like."""
        a, b = self.lift_value(a), self.lift_value(b)
        return Sym(self, f"{self.wrap(a, CMP + 1)} {symbol} {self.wrap(b, CMP + 1)}", CMP,
                   _reads([a, b]))

    # -- the same in every language -------------------------------------------------------
    def lift(self, op: Op) -> Callable[..., Any]:
        """``m.<op>``: write the op's call (nodes of the generated code use :meth:`call`)."""
        if op.arity == 0:
            return lambda *args: self.call(op, [self.lift_value(a) for a in args])
        if op.param:
            return lambda a, k=op.param[1]: self.call(op, [self.lift_value(a)], k)
        return lambda *args: self.call(op, [self.lift_value(a) for a in args])

    def lift_value(self, x: Any) -> Sym:
        """A Sym as it is, a number as a literal."""
        if isinstance(x, Sym):
            return x
        if isinstance(x, bool):
            return Sym(self, "True" if x else "False")
        return self.number(x)

    def var(self, name: str, reads: Any = None) -> Sym:
        """A variable of the generated code (``reads``: what it stands for, if anything)."""
        return Sym(self, name, ATOM, frozenset() if reads is None else frozenset([reads]))

    @staticmethod
    def wrap(x: Sym, prec: int) -> str:
        """``x``'s text, in parentheses when it binds less tightly than ``prec``."""
        return x.text if x.prec >= prec else f"({x.text})"

    def infix(self, left: Sym, symbol: str, prec: int, right: Sym) -> Sym:
        """``left symbol right``, keeping the grouping the rule computed (floats are not
        associative, so ``a - (b - c)`` keeps its parentheses)."""
        if prec == POW:  # right-associative; a unary minus is parenthesized on both sides
            text = f"{self.wrap(left, POW + 1)} ** {self.wrap(right, POW)}"
        else:
            text = f"{self.wrap(left, prec)} {symbol} {self.wrap(right, prec + 1)}"
        return Sym(self, text, prec, left.reads | right.reads)

    def negate(self, x: Sym) -> Sym:
        """``-x``."""
        # -(a ** b) keeps its parentheses: JavaScript refuses -a ** b.
        inner = self.wrap(x, UNARY) if x.prec != POW else f"({x.text})"
        if inner.startswith("-"):
            inner = f"({inner})"
        return Sym(self, f"-{inner}", UNARY, x.reads)

    def gt(self, a: Any, b: Any) -> Sym:
        """a > b."""
        return self.compare(a, ">", b)

    def ge(self, a: Any, b: Any) -> Sym:
        """a ≥ b."""
        return self.compare(a, ">=", b)

    def lt(self, a: Any, b: Any) -> Sym:
        """a < b."""
        return self.compare(a, "<", b)

    def le(self, a: Any, b: Any) -> Sym:
        """a ≤ b."""
        return self.compare(a, "<=", b)

    def eq(self, a: Any, b: Any) -> Sym:
        """a = b."""
        return self.compare(a, "==", b)


def _reads(syms: Iterable[Sym]) -> frozenset:
    sets = [s.reads for s in syms if s.reads]
    if len(sets) < 2:
        return sets[0] if sets else frozenset()
    return frozenset().union(*sets)  # at once: adding them one by one copies each time


class PythonSource(SourceMath):
    """Python over floats: ops are called by name from :meth:`namespace`."""

    def namespace(self) -> dict[str, Any]:
        """What the generated code sees: every op's forward by its name, nan and inf."""
        ns: dict[str, Any] = {"__builtins__": {}, "nan": math.nan, "inf": math.inf}
        ns |= {name: op.forward for op, name in self.names.items()}
        return ns


class NumpySource(SourceMath):
    """Python over numpy arrays: ``np_<op>`` functions, branches as ``np.where``."""

    def function(self, op: Op) -> str:
        """``np_tanh``: the numpy interpretation's version of the op."""
        return "np_" + self.names[op]

    def where(self, test: Any, x: Any, y: Any) -> Sym:
        """``np.where(test, x, y)``: both branches computed, chosen per element."""
        args = [self.lift_value(v) for v in (test, x, y)]
        return Sym(self, f"np.where({', '.join(a.text for a in args)})", ATOM, _reads(args))

