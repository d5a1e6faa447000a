"""Where the engine refuses, in JavaScript: the op table's rules read with Python's float
semantics, so a live page says exactly when ``backward()`` would raise.

Python's floats raise where JavaScript's go on: ``x / 0`` (ZeroDivisionError, even
``0 / 0``), a ``math`` function whose result is nan from a number, or infinite from a
finite number (``log(0)``, ``asin(2)``, ``sin(∞)``, ``exp(1000)``), and ``**`` that
overflows, divides by zero (``0 ** −1``) or would be complex (``(−8) ** ⅓``, which the
engine refuses). ``+ − ·`` never raise: ``10 · 1e308`` is ∞ in both languages, and so is
``1 / 1e-310``. The engine refuses a node when its forward raises, or when the rule of
an input that is not a constant raises (a constant's derivative is never needed).

:func:`checks` evaluates each op's rules (and, for the forward, the op itself as the
live page computes it: ``Math.<fn>``, an operator, its ``via``) on symbols that print
JavaScript calling three checked primitives, ``_pyDiv``, ``_pyPow`` and ``_pyMath``
(``viz/static/domains.js``); a branch (``m.where``) becomes ``?:``, so only the branch
Python takes is checked. Tested in Chromium against the engine, op by op, at the edges of
every domain.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence
from typing import Any

from autograd import Op
from autograd.interpret import Interpretation
from autograd.javascript import how, native
from autograd.ops import OPS_BY_NAME


class Js:
    """A JavaScript expression over the node's inputs, fully parenthesised."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __bool__(self) -> bool:
        raise TypeError("a rule branched on an input with Python's if; rules use m.where")

    def _bin(self, other: Any, symbol: str, swap: bool = False) -> Js:
        a, b = (other, self) if swap else (self, other)
        if symbol == "/":
            return Js(f"_pyDiv({js(a)}, {js(b)})")
        if symbol == "**":
            return Js(f"_pyPow({js(a)}, {js(b)})")
        return Js(f"({js(a)} {symbol} {js(b)})")

    def __add__(self, o: Any) -> Js:
        return self._bin(o, "+")

    def __radd__(self, o: Any) -> Js:
        return self._bin(o, "+", True)

    def __sub__(self, o: Any) -> Js:
        return self._bin(o, "-")

    def __rsub__(self, o: Any) -> Js:
        return self._bin(o, "-", True)

    def __mul__(self, o: Any) -> Js:
        return self._bin(o, "*")

    def __rmul__(self, o: Any) -> Js:
        return self._bin(o, "*", True)

    def __truediv__(self, o: Any) -> Js:
        return self._bin(o, "/")

    def __rtruediv__(self, o: Any) -> Js:
        return self._bin(o, "/", True)

    def __pow__(self, o: Any) -> Js:
        return self._bin(o, "**")

    def __rpow__(self, o: Any) -> Js:
        return self._bin(o, "**", True)

    def __neg__(self) -> Js:
        return Js(f"(-{js(self)})")

    def __abs__(self) -> Js:
        return Js(f"Math.abs({js(self)})")


def js(x: Any) -> str:
    """A value as JavaScript: a :class:`Js`, a boolean, or a number literal."""
    if isinstance(x, Js):
        return x.text
    if isinstance(x, bool):
        return "true" if x else "false"
    x = float(x)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "(-Infinity)"
    return f"({x!r})"


class Checked(Interpretation):
    """Rules on :class:`Js` symbols, with Python's float semantics (see the module)."""

    def lift(self, op: Op) -> Any:
        """``m.<op>``: the op applied as the live page computes it, checked."""
        return lambda *args: apply(self, op, list(args[:op.arity or len(args)]),
                                   args[op.arity] if op.param and op.arity else None)

    def where(self, test: Any, x: Any, y: Any) -> Any:
        """``test ? x : y``: only the branch taken runs, as with Python's ``if``."""
        if isinstance(test, bool):
            return x if test else y
        return Js(f"({js(test)} ? {js(x)} : {js(y)})")

    def _compare(self, a: Any, symbol: str, b: Any) -> Any:
        if not isinstance(a, Js) and not isinstance(b, Js):
            return {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le,
                    "===": operator.eq}[symbol](a, b)
        return Js(f"({js(a)} {symbol} {js(b)})")

    def gt(self, a: Any, b: Any) -> Any:
        """a > b."""
        return self._compare(a, ">", b)

    def ge(self, a: Any, b: Any) -> Any:
        """a ≥ b."""
        return self._compare(a, ">=", b)

    def lt(self, a: Any, b: Any) -> Any:
        """a < b."""
        return self._compare(a, "<", b)

    def le(self, a: Any, b: Any) -> Any:
        """a ≤ b."""
        return self._compare(a, "<=", b)

    def eq(self, a: Any, b: Any) -> Any:
        """a = b."""
        return self._compare(a, "===", b)


_OPERATORS = {operator.add: "+", operator.sub: "-", operator.mul: "*", operator.truediv: "/",
              operator.pow: "**"}


def apply(m: Checked, op: Op, args: list[Any], k: Any = None) -> Any:
    """``op`` applied to ``args`` (and its parameter ``k``) the way the page computes it,
    every primitive checked; raises ValueError for an op JavaScript cannot compute."""
    way = how(op)
    if way == "operator":
        return -args[0] if op.forward is operator.neg else _binary(op, args)
    if way == "Math":
        return Js(f"_pyMath({native(op)}, {', '.join(js(a) for a in args)})")
    if way == "via":
        via: Any = op.via
        return via(m, *args, *((k,) if op.param else ()))
    if way == "promote":
        return apply(m, OPS_BY_NAME[op.promote], [args[0], k])  # type: ignore[index]
    if way == "term":
        size = len(op.rules)
        n = len(args) // size
        term: Any = op.term
        total: Any = 0.0
        for r in range(n):
            total = total + term(m, *[args[j * n + r] for j in range(size)])
        return total
    raise ValueError(f"op {op.name!r} cannot run in JavaScript")


def _binary(op: Op, args: list[Any]) -> Any:
    a, b = args
    symbol = _OPERATORS[op.forward]
    if isinstance(a, Js):
        return a._bin(b, symbol)
    if isinstance(b, Js):
        return b._bin(a, symbol, True)
    return Js(f"({js(a)} {symbol} {js(b)})")


def check_source(op: Op, n_inputs: int, k: Any) -> str:
    """``{forward: (x) => …, rules: [(x, out) => …, …]}``: the op's forward and the rule of
    each input, computed with the checked primitives (each throws where Python raises)."""
    m = Checked([op])
    ins = [Js(f"x[{i}]") for i in range(n_inputs)]
    out = Js("out")
    forward = js(apply(m, op, ins, k))
    rules = ", ".join(f"function (x, out) {{ return {js(op.local(i, m, ins, out, k))}; }}"
                      for i in range(n_inputs))
    return f"{{forward: function (x) {{ return {forward}; }},\n rules: [{rules}]}}"


def checks(keys: Sequence[tuple[Op, int, Any]]) -> str:
    """``const CHECKS = [...]``: one check per (op, number of inputs, parameter) a page
    uses, in the order of ``keys``; the page calls a rule only for an input that is not a
    constant, as the engine does."""
    return "const CHECKS = [\n" + ",\n".join(check_source(*key) for key in keys) + "\n];\n"
