"""The lessons' live trainers (examples/live_training.py), each opened in headless Chromium.

Each trainer is built from its lesson's own data and settings, embedded in a lesson page
as the lesson embeds it, and must carry the controls, train on Step, and load without a
console error or a network request. Each lesson calls its trainer's setup once.
"""

from __future__ import annotations

import importlib
import inspect
import re

import pytest

import nn
from examples import chain, live_training, minibatch, moons, regression
from examples.page import Page
from nn.layers import as_inputs

LESSONS = ["regression", "minibatch", "moons", "chain", "gan"]
MIN_FONT_PX = 11


def build(name, page):
    """Call the lesson's setup with the lesson's own data (a fast size where it has one)."""
    if name == "regression":
        t, y = regression.views()
        hi = regression.curvature(t)[1]
        live_training.regression(page, t, y, regression.START, 2 / hi)
    elif name == "minibatch":
        X, y = nn.make_regression(24, noise=0.05, seed=0, kind="curved")
        live_training.minibatch(page, X, y, minibatch.LR)
    elif name == "moons":
        X, y = nn.make_moons(60, noise=0.1, seed=0)
        live_training.moons(page, X, y, moons.L2)
    elif name == "chain":
        live_training.chain(page, chain.WEIGHTS, chain.DATA, chain.LR)
    else:
        live_training.gan(page)


@pytest.mark.parametrize("name", LESSONS)
def test_each_lesson_carries_a_trainer_with_its_controls(browser, tmp_path, name):
    page = Page(name, name, tmp_path)
    build(name, page)
    filename = live_training.FILES[name]
    assert f'<iframe src="{filename}"' in page.blocks[-1]
    view = browser.new_page(viewport={"width": 1280, "height": 800})
    errors, fetched = [], []
    view.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    view.on("pageerror", lambda e: errors.append(str(e)))
    view.on("request", lambda r: None if r.url.startswith(("file:", "data:", "about:"))
            else fetched.append(r.url))
    view.goto((tmp_path / filename).as_uri())
    for button in ("Step", "Play", "Reset"):
        assert view.get_by_role("button", name=button, exact=True).is_visible()
    assert view.get_by_label("learning rate", exact=True).is_visible()
    if name == "minibatch":
        assert view.get_by_label("batch size", exact=True).is_visible()
    unit = "round" if name == "gan" else "epoch"
    view.get_by_role("button", name="Step", exact=True).click()
    assert view.get_by_label(unit, exact=True).text_content() == "1"
    assert too_small(view) == []
    # The chain rule behind one sample (one of G's arrows): its panel's text too.
    view.locator("circle.point, circle.sample").first.click()
    assert view.get_by_label("chain rule", exact=True).is_visible()
    assert too_small(view) == []
    assert errors == [] and fetched == []
    view.close()


def too_small(view):
    """The texts shown below MIN_FONT_PX, with their first words."""
    return view.evaluate("""min => [...document.querySelectorAll('body *')]
        .filter(e => [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))
        .filter(e => e.getClientRects().length)
        .filter(e => parseFloat(getComputedStyle(e).fontSize) < min)
        .map(e => e.textContent.slice(0, 30))""", MIN_FONT_PX)


@pytest.mark.parametrize("name", LESSONS)
def test_each_lesson_calls_its_trainer_once(name):
    source = inspect.getsource(importlib.import_module(f"examples.{name}"))
    assert source.count(f"live_training.{name}(page") == 1


def test_no_trainer_is_built_when_a_lesson_draws_nothing():
    page = Page("regression", "regression", None)
    t, y = regression.views()
    live_training.regression(page, t, y, regression.START, 0.27)
    assert page.blocks == []


def test_the_regression_trainer_marks_the_lessons_critical_rate(tmp_path):
    page = Page("regression", "regression", tmp_path)
    t, y = regression.views()
    hi = regression.curvature(t)[1]
    live_training.regression(page, t, y, regression.START, 2 / hi)
    text = (tmp_path / live_training.FILES["regression"]).read_text(encoding="utf-8")
    assert f'data-lr="{2 / hi!r}"' in text


def axis_labels(view, figure):
    return view.locator(f"#{figure} svg text.label").all_text_contents()


def test_the_trainers_name_their_axes_as_the_engine_and_the_lesson_do(browser, tmp_path):
    """The moons trainer's inputs are x₁, x₂, as nn labels a sample's inputs (the
    step-through's w₁·x₁ + w₂·x₂ + b); the regression trainer's are the lesson's t and views."""
    X, y = nn.make_moons(20, noise=0.1, seed=0)
    engine = [v.label for v in as_inputs(X[0])]
    view = browser.new_page(viewport={"width": 1280, "height": 800})
    page = Page("moons", "moons", tmp_path)
    live_training.moons(page, X, y, moons.L2)
    view.goto((tmp_path / live_training.FILES["moons"]).as_uri())
    assert axis_labels(view, "picture") == engine
    build("regression", page)
    view.goto((tmp_path / live_training.FILES["regression"]).as_uri())
    assert axis_labels(view, "picture") == ["t", "views (dots), output (lines)"]
    view.close()


def test_the_regression_caption_names_the_epoch_the_page_stops_at(browser, tmp_path):
    page = Page("regression", "regression", tmp_path)
    build("regression", page)
    said = re.search(r"overflows at epoch ([\d,]+)", page.blocks[-1])
    assert said, page.blocks[-1]
    view = browser.new_page(viewport={"width": 1280, "height": 800})
    view.goto((tmp_path / live_training.FILES["regression"]).as_uri())
    view.get_by_label("learning rate", exact=True).fill("0.3")
    view.get_by_label("speed", exact=True).select_option("max")
    view.get_by_role("button", name="Play", exact=True).click()
    view.wait_for_function("document.querySelector('#status').textContent.length > 0")
    status = view.get_by_label("status", exact=True).text_content()
    assert f"Training stopped at epoch {said.group(1).replace(',', '')}," in status, status
    view.close()


def test_a_trainer_on_its_own_page_links_back_to_its_lesson(browser, tmp_path):
    page = Page("chain", "The chain lesson", tmp_path)
    build("chain", page)
    filename = live_training.FILES["chain"]
    view = browser.new_page(viewport={"width": 1280, "height": 800})
    view.goto((tmp_path / filename).as_uri())
    link = view.get_by_role("link", name="← the lesson: The chain lesson")
    assert link.is_visible() and link.get_attribute("href") == "index.html"
    # Framed in its lesson the link would lead to the page the reader is on: hidden.
    (tmp_path / "lesson.html").write_text(f'<iframe name="t" src="{filename}"></iframe>',
                                          encoding="utf-8")
    view.goto((tmp_path / "lesson.html").as_uri())
    inner = view.frame(name="t")
    inner.wait_for_selector("#step")
    assert inner.locator(".back").count() == 1 and not inner.locator(".back").is_visible()
    view.close()
