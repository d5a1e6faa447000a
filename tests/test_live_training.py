"""The lessons' live trainers (examples/live_training.py), each opened in headless Chromium.

Each trainer is built from its lesson's own data and settings, embedded in a lesson page
as the lesson embeds it, and must carry the controls, train on Step, and load without a
console error or a network request. Each lesson calls its trainer's setup once.
"""

from __future__ import annotations

import importlib
import inspect

import pytest

import nn
from examples import chain, live_training, minibatch, moons, regression
from examples.page import Page

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
    small = view.evaluate("""min => [...document.querySelectorAll('body *')]
        .filter(e => [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))
        .filter(e => e.getClientRects().length)
        .filter(e => parseFloat(getComputedStyle(e).fontSize) < min)
        .map(e => e.textContent.slice(0, 30))""", MIN_FONT_PX)
    assert small == []
    assert errors == [] and fetched == []
    view.close()


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
