"""Where the engine refuses, in JavaScript: the op table's rules printed with Python's float
semantics, so a live page says exactly when ``backward()`` would raise.

Python's floats raise where JavaScript's go on: ``x / 0`` (ZeroDivisionError, even
``0 / 0``), a ``math`` function whose result is nan from a number, or infinite from a
finite number (``log(0)``, ``asin(2)``, ``sin(∞)``, ``exp(1000)``), and ``**`` that
overflows, divides by zero (``0 ** −1``) or would be complex (``(−8) ** ⅓``, which the
engine refuses). ``+ − ·`` never raise: ``10 · 1e308`` is ∞ in both languages, and so is
``1 / 1e-310``. The engine refuses a node when its forward raises, or when the rule of
an input that is not a constant raises (a constant's derivative is never needed).

An op's forward and rules are the trees of the symbolic interpretation
(:mod:`autograd.symbols`), the very trees tapes and live pages print; the
:class:`CheckedPrinter` writes them as the :class:`~autograd.jsprinter.JavaScriptPrinter`
does, except that ``/``, ``**`` and a ``Math`` function call the checked primitives
``_pyDiv``, ``_pyPow`` and ``_pyMath`` (``viz/static/domains.js``), which throw where
Python raises. A branch stays ``?:``, so only the branch Python takes is checked; tree
construction never drops a part that could raise (see :mod:`autograd.expr`).

Example:
    >>> from autograd.ops import OPS_BY_NAME
    >>> forward, rules = check_trees(OPS_BY_NAME["div"], 2)
    >>> printer = CheckedPrinter(bare={"x", "out"})
    >>> printer.text(forward), printer.text(rules[1])
    ('_pyDiv(x[0], x[1])', '_pyDiv(-out, x[1])')
    >>> JavaScriptPrinter(bare={"x", "out"}).text(rules[1])
    '-out / x[1]'
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .code import Fields, Item, Lst
from .expr import Bin, Call, Expr, Num, Var
from .instructions import Assign, Def, Return, Statement
from .jsprinter import JavaScriptPrinter, how, native
from .ops import Op
from .printing import ATOM
from .symbols import apply, local

PRIMITIVES = {"/": "_pyDiv", "**": "_pyPow"}
"""The checked primitive each operator that may raise in Python is printed as."""


class CheckedPrinter(JavaScriptPrinter):
    """JavaScript with Python's float semantics: ``a / b`` is ``_pyDiv(a, b)``, ``a ** b``
    is ``_pyPow(a, b)``, ``Math.log(a)`` is ``_pyMath(Math.log, a)``; the rest (and the
    helpers an op's ``via`` becomes, named ``checked_<op>`` to stand beside the plain
    printer's ``op_<op>``) as the :class:`~autograd.jsprinter.JavaScriptPrinter` writes."""

    helper_prefix = "checked_"

    def binary(self, e: Bin) -> tuple[str, int]:
        """``_pyDiv(a, b)``, ``_pyPow(a, b)``; ``+ - *`` as they are."""
        primitive = PRIMITIVES.get(e.symbol)
        if primitive is None:
            return super().binary(e)
        return f"{primitive}({self.text(e.left)}, {self.text(e.right)})", ATOM

    def call(self, e: Call) -> tuple[str, int]:
        """``_pyMath(Math.fn, args)`` for an op ``Math`` computes; any other as the
        plain printer applies it."""
        if how(e.op) == "Math":
            return f"_pyMath({native(e.op)}, {self.arguments(e.args)})", ATOM
        return super().call(e)


def check_trees(op: Op, n_inputs: int, k: Any = None) -> tuple[Expr, list[Expr]]:
    """The forward of ``op`` over inputs ``x[0]`` … and the rule of each input (over them
    and ``out``), as the symbolic interpretation builds them."""
    ins = [Item(Var("x"), Num(i)) for i in range(n_inputs)]
    out = Var("out")
    return apply(op, ins, k), [local(op, i, ins, out, k) for i in range(n_inputs)]


def checks(keys: Sequence[tuple[Op, int, Any]]) -> str:
    """``const CHECKS = [{forward, rules}, …]``: one check per (op, number of inputs,
    parameter) in the order of ``keys``; ``forward(x)`` computes the op on the input
    values ``x``, ``rules[i](x, out)`` input i's local derivative, each throwing a
    ``PyRefusal`` where Python raises. (A page calls a rule only for an input that is not
    a constant, as the engine does.)

    Raises:
        NotLive: an op JavaScript cannot compute.
    """
    functions: list[Statement] = []
    entries: list[Expr] = []
    for j, (op, n_inputs, k) in enumerate(keys):
        forward, rules = check_trees(op, n_inputs, k)
        functions.append(Def(f"check{j}", ("x",), [Return(forward)]))
        functions += [Def(f"check{j}_rule{i}", ("x", "out"), [Return(rule)])
                      for i, rule in enumerate(rules)]
        entries.append(Fields((("forward", Var(f"check{j}")),
                               ("rules", Lst(tuple(Var(f"check{j}_rule{i}")
                                                   for i in range(len(rules))))))))
    names = {d.name for d in functions if isinstance(d, Def)}
    printer = CheckedPrinter(bare={"x", "out", "CHECKS", *names})
    return printer.source([*functions, Assign(Var("CHECKS"), Lst(tuple(entries)))])
