"""viz/static/: every script and style sheet a page inlines is read by Chromium here.

Scripts must parse; every rule of a style sheet must survive the CSS parser and every
declaration be one Chromium supports (a typo in a property or a value is dropped silently
by a browser, so it is caught here). ``numbers.js`` writes numbers exactly as
:func:`viz._text.fmt` does.
"""

from __future__ import annotations

import math
import random
import re
from importlib import resources

import pytest

from viz import assets
from viz._text import fmt

STATIC = resources.files("viz") / "static"
SCRIPTS = sorted(p.name for p in STATIC.iterdir() if p.name.endswith(".js"))
SHEETS = sorted(p.name for p in STATIC.iterdir() if p.name.endswith(".css"))
COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)


@pytest.fixture(scope="module")
def page(browser):
    page = browser.new_page()
    yield page
    page.close()


def blocks(css: str) -> list[tuple[str, str]]:
    """Top-level (prelude, body) pairs of a style sheet; @media bodies are opened up."""
    css = COMMENT.sub("", css)
    found, depth, start, prelude = [], 0, 0, ""
    for k, char in enumerate(css):
        if char == "{":
            if depth == 0:
                prelude, start = css[start:k].strip(), k + 1
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                body = css[start:k]
                if prelude.startswith("@media"):
                    found += blocks(body)
                else:
                    found.append((prelude, body))
                start = k + 1
    assert depth == 0, "unbalanced braces"
    return found


def test_every_static_file_is_shipped_and_inlinable():
    assert {"numbers.js", "stepthrough.js", "stepthrough.css"} <= set(SCRIPTS + SHEETS)
    for name in SCRIPTS + SHEETS:
        assert assets.text(name)  # raises on a "</script" or "</style" inside


@pytest.mark.parametrize("name", SCRIPTS)
def test_script_parses(name, page):
    error = page.evaluate("""(source) => {
        try { new Function(source); return null; } catch (e) { return String(e); }
    }""", assets.text(name))
    assert error is None, f"viz/static/{name}: {error}"


@pytest.mark.parametrize("name", SHEETS)
def test_style_sheet_parses_and_every_declaration_is_supported(name, page):
    source = assets.text(name)
    expected = blocks(source)
    rules = page.evaluate("""(source) => {
        const sheet = new CSSStyleSheet();
        sheet.replaceSync(source);
        const out = [];
        const walk = (rules) => Array.from(rules).forEach((r) => {
            if (r.cssRules && !r.selectorText) { walk(r.cssRules); } else { out.push(r.cssText); }
        });
        walk(sheet.cssRules);
        return out;
    }""", source)
    assert len(rules) == len(expected), (
        f"viz/static/{name}: {len(expected)} rules written, the parser kept {len(rules)}")
    declarations = [
        (prelude, prop.strip(), value.strip())
        for prelude, body in expected
        for prop, _, value in (d.partition(":") for d in body.split(";") if d.strip())
    ]
    unsupported = page.evaluate("""(ds) => ds.filter(([, p, v]) =>
        !CSS.supports(p, v.replace(/\\s*!important$/, "")))""", declarations)
    assert not unsupported, f"viz/static/{name}: (rule, property, value) {unsupported}"


def test_numbers_js_writes_numbers_as_python_does(page):
    page.add_script_tag(content=assets.text("numbers.js"))
    rng = random.Random(7)
    xs = [0.0, -0.0, 1.0625, -1.0625, 0.4375, 2.5, 1234.5, 12345.0, 1e-5, 1.5e-5, 0.0001,
          99995.0, 9.9995, 1e100, -3.0, 123.456, 1e-300, 5e-324, 1.7976931348623157e308,
          math.inf, -math.inf, math.nan]
    xs += [rng.uniform(-1, 1) * 10 ** rng.randint(-12, 12) for _ in range(400)]
    xs += [round(rng.uniform(-10, 10), rng.randint(0, 5)) for _ in range(400)]  # many ties
    for digits in (2, 4, 6):
        ours = page.evaluate("([xs, d]) => xs.map((x) => chainruleNumbers.fmt(x, d))",
                             [xs, digits])
        wrong = [(x, a, fmt(x, digits)) for x, a in zip(xs, ours) if a != fmt(x, digits)]
        assert not wrong, f"digits={digits}: (x, JavaScript, Python) {wrong[:5]}"
    terms = page.evaluate("(xs) => xs.map((x) => chainruleNumbers.term(x))", [-2.5, 2.5])
    assert terms == ["(−2.5)", "2.5"]
