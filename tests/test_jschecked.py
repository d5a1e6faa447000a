"""The checked JavaScript printer: the op table's trees with Python's float semantics.

Every operation that can raise in Python goes through a checked primitive; run in
Chromium, a check computes the very numbers the plain printer's code computes from the same
trees, or refuses; a rule whose raising part sits under a simplification (``0·(1/a)``,
``(1/a)⁰``) is refused on the page exactly where the engine refuses; and no module of
``viz`` writes JavaScript expressions itself.
"""

from __future__ import annotations

import ast
import itertools
import math
import re
from pathlib import Path

import pytest

import viz
from autograd import OPS, Op, Value, apply
from autograd.code import Fields, Lst
from autograd.expr import Var
from autograd.instructions import Assign, Def, Return
from autograd.javascript import JavaScriptPrinter
from autograd.jschecked import CheckedPrinter, check_trees, checks
from viz import assets

PARAMS = {"pow": [2.0, 0.5, -1.0, 3.0, 1.0, 0.0], "leaky_relu": [0.1],
          "clamp": [(0.0, 1.0), (None, 0.5)]}
GRID = [0.0, -0.0, 1.0, -1.0, 0.5, -3.0, 1e-310, 1e308, 711.0, -1000.0, math.inf, -math.inf,
        math.nan]
PAIRS = [0.0, -1.0, 0.5, 2.0, 1e308, math.inf, math.nan]
N_ARY = 4  # inputs of sum and dot (dot: two rows)
KEYS = [(op, op.arity or N_ARY, k) for op in OPS for k in PARAMS.get(op.name, [None])]
IDS = [op.name + ("" if k is None else f"-{k}") for op, _, k in KEYS]
VIZ = Path(viz.__file__).parent
HAND_WRITTEN_JS = re.compile(r"_py(Div|Pow|Math)|Math\.\w|function\s*\w*\s*\(|=>")


@pytest.mark.parametrize(("op", "n", "k"), KEYS, ids=IDS)
def test_every_operation_that_can_raise_is_checked(op, n, k):
    printer = CheckedPrinter(bare={"x", "out"})
    forward, rules = check_trees(op, n, k)
    texts = [printer.text(t) for t in (forward, *rules)] + [printer.preamble()]
    for text in texts:
        bare = re.sub(r"_pyMath\(Math\.\w+, ", "", text)
        assert "Math." not in bare and " / " not in bare and "**" not in bare, text
        assert "_pow(" not in bare and "op_" not in bare, text  # the plain printer's helpers


def _inputs(n):
    if n == 1:
        return [[v] for v in GRID]
    rows = [list(p) for p in itertools.product(PAIRS, repeat=2)]
    return rows if n == 2 else [[a, b, 0.5, 0.25] for a, b in rows]


COMPARE = """([points]) => points.map(([j, x]) => {
  const c = CHECKS[j], p = PLAIN[j];
  const same = (f, g, ...args) => {
    let y;
    try { y = f(...args); } catch (e) {
      if (e instanceof PyRefusal) { return true; }
      throw e;
    }
    return Object.is(y, g(...args));
  };
  const out = p.forward(x);
  return [same(c.forward, p.forward, x), ...c.rules.map((r, i) => same(r, p.rules[i], x, out))];
})"""


def _plain(keys):
    """The same trees through the plain printer, as ``const PLAIN = [{forward, rules}]``."""
    defs, entries = [], []
    for j, (op, n, k) in enumerate(keys):
        forward, rules = check_trees(op, n, k)
        defs.append(Def(f"plain{j}", ("x",), [Return(forward)]))
        defs += [Def(f"plain{j}_{i}", ("x", "out"), [Return(r)]) for i, r in enumerate(rules)]
        entries.append(Fields((("forward", Var(f"plain{j}")),
                               ("rules", Lst(tuple(Var(f"plain{j}_{i}") for i in range(n)))))))
    printer = JavaScriptPrinter(bare={"x", "out", "PLAIN", *(d.name for d in defs)})
    return printer.source([*defs, Assign(Var("PLAIN"), Lst(tuple(entries)))])


def test_a_check_computes_what_the_plain_printer_computes_or_refuses(browser):
    page = browser.new_page()
    page.set_content("<!DOCTYPE html><title>checks</title>")
    page.add_script_tag(content=assets.text("domains.js") + checks(KEYS) + _plain(KEYS))
    points = [[j, x] for j, (_, n, _) in enumerate(KEYS) for x in _inputs(n)]
    same = page.evaluate(COMPARE, [points])
    page.close()
    wrong = [(KEYS[j][0].name, x, s) for (j, x), s in zip(points, same) if not all(s)]
    assert not wrong, wrong[:6]


HIDDEN = {  # a rule whose raising part a simplification might drop
    "0 · (1/a)": lambda m, a, out: 0.0 * (1.0 / a),
    "(1/a) ** 0": lambda m, a, out: (1.0 / a) ** 0.0,
    "(1/a) · 1": lambda m, a, out: (1.0 / a) * 1.0,
    "(1/a) · (−1) · (−1)": lambda m, a, out: (1.0 / a) * -1.0 * -1.0,
}


def _engine_refuses(op, value):
    try:
        apply(op, Value(value, label="x")).backward()
    except (ArithmeticError, ValueError):
        return True
    return False


@pytest.mark.parametrize("case", HIDDEN)
def test_a_simplified_rule_is_refused_where_the_engine_refuses(case, browser, tmp_path):
    op = Op("hidden", "h", "h(a)", math.sin, (HIDDEN[case],), None, "sin with a hidden rule")
    x = Value(0.5, label="x")
    y = apply(op, x)
    y.label = "y"
    page = browser.new_page()
    page.goto(viz.live(y).save(tmp_path / "hidden.html").as_uri())
    page.wait_for_function("window.chainruleLive !== undefined")
    for value in (0.0, -0.0, 2.0):
        page.evaluate("(v) => chainruleLive.setLeaves([v])", value)
        status = page.locator("#live-status").inner_text()
        assert bool(status) is _engine_refuses(op, value), (case, value, status)
    assert _engine_refuses(op, 0.0)  # the case is a refusal, not assumed
    page.close()


def _code_strings(tree):
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr)
                  and isinstance(node.body[0].value, ast.Constant)}
    for node in ast.walk(tree):
        if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                and id(node) not in docstrings):
            yield node.lineno, node.value


@pytest.mark.parametrize("path", sorted(VIZ.glob("*.py")), ids=lambda p: p.name)
def test_no_viz_module_writes_javascript_expressions(path):
    found = [(line, text) for line, text in _code_strings(ast.parse(path.read_text("utf-8")))
             if HAND_WRITTEN_JS.search(text)]
    assert not found, f"{path.name}: JavaScript written by hand: {found[:3]}"
