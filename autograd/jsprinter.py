"""The JavaScript printer: expression trees and instructions as JavaScript for live pages.

It writes what every printer writes (numbers, operators with their precedence, choices,
comparisons, statements) the way JavaScript spells them, and applies each op, in this
order of preference:

1. a Python operator (``+ - * /``, unary ``-``): JavaScript's own operator;
2. an op whose forward *is* Python's ``math.<name>`` (or the builtin ``abs``) for a
   function ``Math.<name>`` also has: that function (``Math.tanh``), ops from outside
   the table included;
3. an op with a ``via`` (the op written with other ops): a helper function whose body
   is the ``via`` run on trees (``sigmoid``, ``relu``; one helper per parameter value);
4. a parameter op with ``promote`` (``pow``): the promoted op with the parameter as its
   second input (``vpow(a, k)``);
5. an n-ary op: its ``term`` over each row, summed left to right as Python's ``sum``
   does on Python 3.11 (3.12's compensated float sum would differ in the last bits).

Any other op cannot run in JavaScript: :class:`NotLive` names it, and a page says so.

JavaScript and Python share IEEE doubles, so ``+ - * /`` and ``Math.sqrt``/``Math.abs``
give the very same bits. Where they differ:

- ``Math.exp``, ``log``, ``sin`` … ``tanh``, ``log1p``, ``expm1``, ``atan2``, ``hypot``
  and ``**`` are V8's ports of fdlibm, while CPython calls the C library: results may
  differ in the last bit (tests allow a few ulps per op, 1e-12 over a graph).
- ``**`` is not C's ``pow`` at two points: ``1 ** NaN`` and ``(-1) ** ±Infinity`` are
  NaN in JavaScript and 1 in Python; generated code calls ``_pow``, which gives 1 there.
- Python raises where JavaScript goes on with a non-finite number (``1 / 0``, ``log(-1)``,
  ``(-8) ** (1/3)``): a page shows such a node as outside its op's domain, found by the
  same trees printed with Python's semantics (:mod:`autograd.jschecked`).
- a comparison of equals is ``===``; a branch is ``test ? x : y`` (only one side runs,
  as with Python's ``if``).
"""

from __future__ import annotations

import builtins
import math
import operator
from collections.abc import Collection, Iterable, Sequence
from typing import Any

from .code import Fn, Logic
from .expr import Bin, Call, Cmp, Num, Sum, Var, Where, lift
from .instructions import Assign, Comment, Def, Do, For, If, Return, Statement
from .ops import OPS_BY_NAME, Op
from .printing import ATOM, COND, Printer
from .symbols import INFIX, symbols

MATH = frozenset({
    "abs", "acos", "acosh", "asin", "asinh", "atan", "atan2", "atanh", "cbrt", "cos",
    "cosh", "exp", "expm1", "hypot", "log", "log10", "log1p", "log2", "sin", "sinh",
    "sqrt", "tan", "tanh",
})
"""Functions of JavaScript's ``Math`` that compute what Python's function of the same name
computes (``math.<name>``, or the builtin ``abs``)."""


class NotLive(ValueError):
    """An op JavaScript cannot compute: no operator, no ``Math`` function, no ``via``."""


def native(op: Op) -> str | None:
    """The ``Math`` function computing ``op``'s forward, or None."""
    fn = getattr(op.forward, "__name__", "")
    if fn in MATH and op.forward in (getattr(math, fn, None), getattr(builtins, fn, None)):
        return f"Math.{fn}"
    return None


def how(op: Op) -> str | None:
    """How generated JavaScript computes ``op`` (None: it cannot)."""
    if op.forward in INFIX or op.forward is operator.neg:
        return "operator"
    if native(op):
        return "Math"
    if op.via is not None:
        return "via"
    if op.param and op.promote in OPS_BY_NAME and how(OPS_BY_NAME[op.promote]) is not None:
        return "promote"
    if op.arity == 0 and op.term is not None:
        return "term"
    return None


def not_live(ops: Iterable[Op]) -> list[Op]:
    """The ops of ``ops`` that JavaScript cannot compute (their pages cannot recompute)."""
    return [op for op in dict.fromkeys(ops) if how(op) is None]


def _pow_helper() -> Def:
    # C's pow (and Python's **): 1 ** y and (-1) ** ±Infinity are 1, not NaN.
    a, b = Var("a"), Var("b")
    infinite = Logic("or", Cmp("==", b, Num(math.inf)), Cmp("==", b, Num(-math.inf)))
    one = Logic("or", Cmp("==", a, Num(1.0)), Logic("and", Cmp("==", a, Num(-1.0)), infinite))
    return Def("_pow", ("a", "b"), [Return(Where(one, Num(1.0), Fn("Math.pow", (a, b))))])


def _assignments(statements: Sequence[Statement]) -> dict[str, int]:
    # How often each variable is assigned, outside nested functions.
    counts: dict[str, int] = {}
    stack = [iter(statements)]
    while stack:
        for s in stack[-1]:
            if isinstance(s, Assign) and isinstance(s.target, Var):
                counts[s.target.name] = counts.get(s.target.name, 0) + 1
            elif isinstance(s, (If, For)):
                stack.append(iter(s.body))
                break
        else:
            stack.pop()
    return counts


class JavaScriptPrinter(Printer):
    """Trees and statements as JavaScript; the helper functions it calls collect in
    :meth:`preamble`.

    Args:
        bare: variable names written as they are (the code's own: ``p``, ``seed``,
            ``locals``); every other variable is a node's and is written with a leading
            ``$`` (``$w``), which no JavaScript word or global has.
    """

    indent = "  "
    helper_prefix = "op_"  # of the helpers an op's via becomes

    def __init__(self, bare: Collection[str] = ()) -> None:
        super().__init__()
        self.bare = frozenset(bare)
        self.helpers: dict[Any, tuple[str, Def | None]] = {}  # key -> (name, definition)

    def number(self, e: Num) -> tuple[str, int]:
        """``NaN``, ``Infinity``, or Python's shortest repr (which JavaScript reads back as
        the same double), negatives in parentheses."""
        x = e.value
        if type(x) is int:  # a count (an index)
            return str(x), ATOM
        if x != x:
            return "NaN", ATOM
        if math.isinf(x):
            return ("Infinity" if x > 0 else "(-Infinity)"), ATOM
        text = repr(float(x))
        return (f"({text})" if text[0] == "-" else text), ATOM

    def variable(self, e: Var) -> tuple[str, int]:
        """``$name`` (a node's), or a name of the code's own as it is."""
        return (e.name if e.name in self.bare else "$" + e.name), ATOM

    def field_name(self, name: str) -> str:
        """An object's field name, unquoted."""
        return name

    def binary(self, e: Bin) -> tuple[str, int]:
        """Operators as Python writes them, but ``**`` through ``_pow``."""
        if e.symbol == "**":
            self.helpers.setdefault("_pow", ("_pow", _pow_helper()))
            return f"_pow({self.text(e.left)}, {self.text(e.right)})", ATOM
        return super().binary(e)

    def compare(self, e: Cmp) -> tuple[str, int]:
        """``a > b``; equality is ``===``."""
        symbol = {"==": "===", "!=": "!=="}.get(e.symbol, e.symbol)
        return super().compare(Cmp(symbol, e.a, e.b))

    def logic(self, e: Logic) -> tuple[str, int]:
        """``a || b``, ``a && b``."""
        text, prec = super().logic(e)
        return text.replace(f" {e.symbol} ", " || " if e.symbol == "or" else " && "), prec

    def where(self, e: Where) -> tuple[str, int]:
        """``test ? x : y``."""
        return (f"{self.wrap(e.test, COND + 1)} ? {self.wrap(e.x, COND)} : "
                f"{self.wrap(e.y, COND)}"), COND

    def call(self, e: Call) -> tuple[str, int]:
        """``op`` applied to its arguments (see the module's text)."""
        op, args, k = e.op, e.args, e.k
        way = how(op)
        if way == "Math":
            return f"{native(op)}({self.arguments(args)})", ATOM
        if way == "via":
            return f"{self._helper(op, k)}({self.arguments(args)})", ATOM
        if way == "promote":
            promoted = OPS_BY_NAME[op.promote]  # type: ignore[index]
            return self.call(Call(promoted, (args[0], lift(k))))
        if way == "term":
            size = len(op.rules)
            n = len(args) // size
            m = symbols(op)
            terms = tuple(lift(op.term(m, *[args[j * n + r] for j in range(size)]))  # type: ignore
                          for r in range(n))
            if not terms:
                return self.number(Num(0.0))
            return f"({self.sum(Sum(terms))[0]})", ATOM
        raise NotLive(
            f"op {op.name!r} cannot run in JavaScript: it is no Python operator, its "
            "forward is not a math function JavaScript's Math has, and it has no via. "
            f"Declare it with via=lambda m, {', '.join(op.inputs)}: … (written with other ops) "
            "to make it live."
        )

    def _helper(self, op: Op, k: Any) -> str:
        """The name of the helper computing ``op`` (for this parameter), defined once."""
        key = (op, k) if op.param else (op, None)
        if key in self.helpers:
            return self.helpers[key][0]
        base = "".join(c if c.isascii() and (c.isalnum() or c == "_") else "_" for c in op.name)
        count = sum(1 for h in self.helpers if isinstance(h, tuple) and h[0] is op)
        name = f"{self.helper_prefix}{base}" + (f"_{count}" if op.param else "")
        self.helpers[key] = (name, None)  # a via that calls itself would end here
        inputs = [Var(p) for p in op.inputs] if op.arity else []
        body = lift(op.via(symbols(op), *inputs, *((k,) if op.param else ())))  # type: ignore
        self.helpers[key] = (name, Def(name, op.inputs if op.arity else (), [Return(body)]))
        return name

    def preamble(self) -> str:
        """The helper functions the code printed so far calls (and those they call:
        JavaScript hoists functions, so their order does not matter)."""
        text, done = "", 0
        while done < len(self.helpers):
            defs = [d for _, d in list(self.helpers.values())[done:] if d is not None]
            done = len(self.helpers)
            for d in defs:
                inner = type(self)(bare=d.params)
                inner.helpers = self.helpers
                text += "\n".join(inner.lines([d])) + "\n"
        return text

    def lines(self, statements: Sequence[Statement], depth: int = 0) -> list[str]:
        """The statements as JavaScript, each variable declared where it is first
        assigned in its function (``let`` when it is assigned again, else ``const``)."""
        return self._lines(statements, depth, _assignments(statements), set())

    def _lines(self, statements: Sequence[Statement], depth: int, counts: dict[str, int],
               declared: set[str]) -> list[str]:
        pad = self.indent * depth
        out: list[str] = []
        for s in statements:
            if isinstance(s, Assign):
                target, text = self.text(s.target), self.text(s.expr)
                name = s.target.name if isinstance(s.target, Var) else None
                if s.add:
                    out.append(f"{pad}{target} += {text};")
                elif name is not None and name not in declared:
                    declared.add(name)
                    word = "let" if counts.get(name, 0) > 1 else "const"
                    out.append(f"{pad}{word} {target} = {text};")
                else:
                    out.append(f"{pad}{target} = {text};")
            elif isinstance(s, Return):
                out.append(f"{pad}return {self.text(s.expr)};")
            elif isinstance(s, Comment):
                out.append(f"{pad}// {s.text}")
            elif isinstance(s, Do):
                out.append(f"{pad}{self.text(s.expr)};")
            elif isinstance(s, If):
                out.append(f"{pad}if ({self.text(s.test)}) {{")
                out += self._lines(s.body, depth + 1, counts, declared)
                out.append(pad + "}")
            elif isinstance(s, For):
                raise NotImplementedError("JavaScript printer: loops are not written")
            elif isinstance(s, Def):
                out.append(f"{pad}function {s.name}({', '.join(s.params)}) {{")
                out += self._lines(s.body, depth + 1, _assignments(s.body), set(s.params))
                out.append(pad + "}")
        return out

    def source(self, statements: Sequence[Statement]) -> str:
        """The helpers, then the statements."""
        body = "\n".join(self.lines(statements)) + "\n"
        return self.preamble() + body

