"""viz.html: the step-through page, in real headless Chromium (no network, no errors)."""

import math
import re

import pytest

import viz
from autograd import Value, backward_steps
from viz._text import DIGITS, parse

NARRATION_RTOL = 0.5 * 10 ** (1 - DIGITS)
EVIL = '<script>alert(1)</script>"]; x -> y [</script>'
NUMBERS = re.compile(r"= (−?[0-9.]+(?:e[+−]\d+)?) · (−?[0-9.]+(?:e[+−]\d+)?) = (\S+)$")


def lesson_graph():
    w, x, b = Value(2.0, label="w"), Value(-0.5, label=EVIL), Value(0.3, label="b")
    h = (w * x + b).tanh()
    loss = h * h + w * 0.1
    loss.label = "L"
    return loss


@pytest.fixture(scope="module")
def page_file(tmp_path_factory):
    loss = lesson_graph()
    path = viz.step_through(loss).to_html(tmp_path_factory.mktemp("lesson") / "lesson.html")
    return loss, path


@pytest.fixture
def page(browser, page_file):
    loss, path = page_file
    page = browser.new_page()
    requests, problems = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("dialog", lambda d: (problems.append("dialog: " + d.message), d.dismiss()))
    page.goto(path.as_uri())
    yield page, loss
    assert all(u.startswith(("file:", "data:")) for u in requests), requests
    assert problems == []
    page.close()


def counter(page):
    return page.locator("#counter").inner_text()


def test_file_is_self_contained(page_file):
    loss, path = page_file
    html = path.read_text(encoding="utf-8")
    urls = set(re.findall(r"https?://[^\s\"'<>]+", html))
    assert urls <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}, urls
    assert "<link" not in html and " src=" not in html
    assert html.count("<script") == 2  # the JSON data and the page's code, nothing from labels
    assert html.count('<figure class="frame"') == len(list(backward_steps(loss)))


def test_frames_and_controls(page):
    page, loss = page
    n = len(list(backward_steps(loss)))
    assert page.locator("figure.frame").count() == n
    assert page.locator("figure.frame:visible").count() == 1
    assert counter(page) == f"Step 1 / {n}"
    page.get_by_role("button", name="Next").click()
    page.get_by_role("button", name="Next").click()
    assert counter(page) == f"Step 3 / {n}"
    page.get_by_role("button", name="Prev").click()
    assert counter(page) == f"Step 2 / {n}"
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert counter(page) == f"Step 4 / {n}"
    page.keyboard.press("ArrowLeft")
    assert counter(page) == f"Step 3 / {n}"
    page.locator("#slider").fill(str(n))
    assert counter(page) == f"Step {n} / {n}"
    assert page.locator(f'figure.frame[data-step="{n}"]').is_visible()
    page.locator("#slider").fill("1")
    play = page.get_by_role("button", name="Play")
    play.click()
    assert play.get_attribute("aria-pressed") == "true"
    page.wait_for_function("document.getElementById('counter').textContent.startsWith('Step 3')")
    play.click()
    assert play.get_attribute("aria-pressed") == "false"


def test_narration_numbers_equal_the_engine(page):
    page, loss = page
    steps = list(backward_steps(loss))
    sums = {}
    for k, step in enumerate(steps):
        text = page.locator("#narration").inner_text()
        shown = [parse(g) for g in NUMBERS.search(text).groups()]
        exact = (step.upstream, step.local, step.contribution)
        assert all(math.isclose(a, b, rel_tol=NARRATION_RTOL) for a, b in zip(shown, exact)), (
            text,
            exact,
        )
        sums[step.input] = sums.get(step.input, 0.0) + shown[2]
        if k < len(steps) - 1:
            page.keyboard.press("ArrowRight")
    loss.backward()
    for node, total in sums.items():
        assert math.isclose(total, node.grad, rel_tol=len(steps) * NARRATION_RTOL)


def test_evil_label_is_shown_as_text(page):
    page, _ = page
    texts = page.locator("figure.frame:visible svg text").all_text_contents()
    assert EVIL in texts
    assert page.locator("script").count() == 2
