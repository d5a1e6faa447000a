"""A live page and the engine agree on where the engine refuses: op by op, at the edges.

For every op of the table (and parameters that change its domain), a one-op page is set
to a grid of hard inputs (0, ±1, the largest float, 1e-310, ±∞, nan, past exp's overflow);
the page's status line must name the node exactly when building the graph or calling
``backward()`` raises in Python, and stay empty when the engine returns numbers (∞ and
nan included). Nothing on the page logs an error, whatever the inputs.
"""

from __future__ import annotations

import itertools
import math

import pytest

import autograd
import viz
from autograd import OPS, Value, apply

GRID = [0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, -3.0, 1e-310, 1e308, -1e308, 709.9, 711.0,
        -1000.0, math.inf, -math.inf, math.nan]
PAIRS = [0.0, -1.0, 0.5, 2.0, 1e-310, 1e308, math.inf, -math.inf, math.nan]
PARAMS = {"pow": [2.0, 0.5, -1.0, 3.0], "leaky_relu": [0.1], "clamp": [(0.0, 1.0)]}
VIEWPORT = {"width": 1280, "height": 800}


def cases():
    for op in OPS:
        for k in PARAMS.get(op.name, [None]):
            yield pytest.param(op, k, id=op.name + ("" if k is None else f"-{k}"))


def graph(op, k):
    """y = op(inputs) with labelled leaves at harmless values."""
    leaves = [Value(0.3 + 0.1 * i, label=f"x{i}") for i in range(op.arity or 4)]
    y = apply(op, *leaves, **({op.param[0]: k} if op.param else {}))
    y.label = "y"
    return y


def engine_refuses(op, k, values):
    leaves = [Value(v, label=f"x{i}") for i, v in enumerate(values)]
    params = {op.param[0]: k} if op.param else {}
    try:
        y = apply(op, *leaves, **params)
        y.backward()
    except (ArithmeticError, ValueError):
        return True
    return False


@pytest.fixture(scope="module")
def tab(browser):
    page = browser.new_page(viewport=VIEWPORT)
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning")
            else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    yield page, problems
    page.close()


NEXT_FRAME = "new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)))"
STATUS = """(grid) => grid.map((values) => {
  chainruleLive.setLeaves(values);
  return document.getElementById("live-status").textContent;
})"""


@pytest.mark.parametrize(("op", "k"), list(cases()))
def test_the_page_refuses_exactly_where_the_engine_does(op, k, tab, tmp_path):
    page, problems = tab
    problems.clear()
    n = op.arity or 4
    y = graph(op, k)
    page.goto(viz.live(y).save(tmp_path / f"{op.name}.html").as_uri())
    page.wait_for_function("window.chainruleLive !== undefined")
    points = GRID if n == 1 else PAIRS
    grid = [list(p) for p in itertools.product(points, repeat=n)] if n <= 2 else \
        [[a, b, 0.5, 0.25] for a, b in itertools.product(PAIRS, repeat=2)]
    said = page.evaluate(STATUS, grid)
    wrong = [(values, text) for values, text in zip(grid, said)
             if bool(text) != engine_refuses(op, k, values)]
    assert not wrong, f"{op.name}: (inputs, page's status) where the engine disagrees: {wrong[:6]}"
    refused = [text for text in said if text]
    assert all("y = " in text or "at y," in text for text in refused)  # names the node
    page.evaluate(NEXT_FRAME)  # the plot is drawn at the next frame: no NaN reaches it
    assert problems == []


def one_leaf(make):
    x = Value(0.5, label="x")
    y = make(x)
    y.label = "y"
    return y


ISSUE = {  # graph, input, whether the engine refuses (checked below, not assumed)
    "√0": (lambda x: x.sqrt(), 0.0),
    "asin(1)": (lambda x: x.asin(), 1.0),
    "atan2(0, 0)": (lambda x: autograd.atan2(x, x * 1.0), 0.0),
    "x · 1e308 at 10": (lambda x: x * 1e308, 10.0),
    "1 / 1e-310": (lambda x: 1 / x, 1e-310),
    "0 ** x (a constant base)": (lambda x: 0.0 ** x, 0.5),
    "a leaf of 1e308": (lambda x: (x * 2.0).tanh(), 1e308),
    "a leaf of ∞": (lambda x: (x * 2.0).tanh(), math.inf),
}


@pytest.mark.parametrize("case", ISSUE)
def test_the_cases_the_issue_names(case, tab, tmp_path):
    page, problems = tab
    problems.clear()
    make, value = ISSUE[case]
    y = one_leaf(make)
    page.goto(viz.live(y).save(tmp_path / "case.html").as_uri())
    page.wait_for_function("window.chainruleLive !== undefined")
    page.evaluate("(v) => chainruleLive.setLeaves([v])", value)
    status = page.locator("#live-status").inner_text()
    try:
        again = make(Value(value, label="x"))
        again.backward()
        refused = False
    except (ArithmeticError, ValueError):
        refused = True
    assert bool(status) is refused, (case, status)
    if refused:
        assert "refuses" in status
    page.click("#next")  # every frame renders, whatever the numbers
    page.evaluate(NEXT_FRAME)
    assert problems == []
