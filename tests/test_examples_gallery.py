"""The gallery: a fast build of every lesson, opened in headless Chromium.

Every link and image on the gallery and on each lesson's page resolves to a file that
loads, and no page logs a console error.
"""

import html
import importlib
import json
import re
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

import pytest

import examples
from examples import LESSONS


@pytest.fixture(scope="module")
def gallery(tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    return examples.build(out, fast=True)


def _visit(browser, url: str) -> tuple[list[str], list[str], list[bool]]:
    """Open url; return its console errors, link targets and whether each image loaded."""
    page = browser.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    page.wait_for_load_state("load")
    links = page.eval_on_selector_all("a", "els => els.map(e => e.href)")
    images = page.eval_on_selector_all(
        "img", "els => els.map(e => e.complete && e.naturalWidth > 0)"
    )
    page.close()
    return errors, links, images


def _file(url: str) -> Path:
    return Path(url2pathname(urlparse(url).path))


def test_gallery_links_every_lesson(gallery, browser):
    errors, links, _ = _visit(browser, gallery.as_uri())
    assert errors == []
    assert [_file(u) for u in links] == [gallery.parent / n / "index.html" for n in LESSONS]


@pytest.mark.parametrize("name", LESSONS)
def test_lesson_page_resolves(gallery, browser, name):
    errors, links, images = _visit(browser, (gallery.parent / name / "index.html").as_uri())
    assert errors == []
    assert all(images), images
    for url in links:
        target = _file(url)
        assert target.is_file(), url
        if target.name != "index.html":  # a step-through page: open it too
            assert _visit(browser, url)[0] == []


def test_text_is_escaped(gallery):
    assert "<script" not in gallery.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", LESSONS)
def test_every_plot_says_what_it_shows(gallery, name):
    """Read from the matplotlib figures as they were saved (examples.page.describe_figure)."""
    page = gallery.parent / name
    records = json.loads((page / "figures.json").read_text(encoding="utf-8"))
    html = (page / "index.html").read_text(encoding="utf-8")
    for filename, axes in records.items():
        assert f'src="{filename}"' in html, filename
        for ax in axes:
            if ax.get("twin"):
                assert ax["ylabel"], (filename, ax)
                continue
            assert ax["title"], (filename, ax)
            if ax["diagram"]:
                continue
            assert ax["xlabel"] and ax["ylabel"], (filename, ax)
            assert ax["series"] <= 1 or ax["legend"], (filename, ax)
            assert not ax["contour"] or ax["colorbars"] > 0, (filename, ax)


def test_gallery_is_a_learning_path(gallery):
    text = gallery.read_text(encoding="utf-8")
    for name in LESSONS:
        module = importlib.import_module(f"examples.{name}")
        assert module.BLURB in text or html.escape(module.BLURB) in text
        assert f"about {module.MINUTES} min" in text
    assert LESSONS.index("regression") < LESSONS.index("chain") < LESSONS.index("modes")


LIVE = {"chain": 1, "neuron": 2, "modes": 1, "equations": 1}
"""The lessons that step through a graph, and how many live step-throughs each shows."""
DRAG = re.compile(r"[Dd]rag (\S+?)[ ,(]")
"""What a caption asks the learner to drag ("drag w³ to watch C₀ move")."""
GENERIC_NAME = re.compile(r"n[₀-₉]+")
"""The name viz gives a node with no label and no short expression (n₃)."""
NUMBER_NAME = re.compile(r"∂\(?[−-]?[0-9½¼¾⅓⅔⅕⅛][0-9.]*\)?(?=[\s/,)]|$)")


@pytest.mark.parametrize("name", LIVE)
def test_every_step_through_a_lesson_shows_is_live(gallery, browser, name):
    """Framed in the lesson: leaf controls labelled by the leaves' names, no step named by
    a number, the lesson's title and a way back when opened on its own."""
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto((gallery.parent / name / "index.html").as_uri())
    page.wait_for_load_state("load")
    framed = [f for f in page.frames if f.parent_frame is page.main_frame]
    frames = [f for f in framed if f.evaluate("document.getElementById('leaves') !== null")]
    assert len(frames) == LIVE[name]  # a live trainer the lesson also frames is not counted
    for frame in frames:
        frame.wait_for_function("window.chainruleLive !== undefined")
        labels = frame.eval_on_selector_all("#leaves input[type=number]",
                                            "els => els.map(e => e.getAttribute('aria-label'))")
        assert labels and not [x for x in labels if NUMBER_NAME.match("∂" + x)], labels
        sentences = frame.evaluate("""() => Array.from(
            {length: chainrulePage.data.frames.length}, (_, k) => chainrulePage.frame(k))
            .map(f => f.sentence + " " + f.detail)""")
        assert not [s for s in sentences if NUMBER_NAME.search(s)], name
        names = frame.evaluate("JSON.parse(document.getElementById('page-extra').textContent)"
                               ".nodes.map(n => n.name)")
        assert not [n for n in names if GENERIC_NAME.fullmatch(n)], names  # n₃: say what it is
        caption = page.locator(f"iframe[name='{frame.name}'] + figcaption").inner_text()
        cited = page.locator(f"iframe[name='{frame.name}'] + figcaption a.cite").evaluate_all(
            "els => els.map(e => decodeURIComponent(e.hash.replace('#show=', '')))")
        drawn = frame.evaluate("Object.values(chainrulePage.data.graph.labels)")
        for label in cited:  # every part of the picture a caption links to is drawn
            assert label.replace(" ", "") in {d.replace(" ", "") for d in drawn}, (name, label)
        for asked in DRAG.findall(caption):  # the input the caption asks for is in sight
            if asked in labels:
                row = frame.get_by_label(asked, exact=True).bounding_box()
                box = frame.locator("#leaves").bounding_box()
                assert box["y"] <= row["y"] and row["y"] + row["height"] <= \
                    box["y"] + box["height"], (name, asked)
        assert frame.locator(".back").is_hidden()  # inside the lesson: no way back needed
    alone = browser.new_page(viewport={"width": 1280, "height": 800})
    alone.goto(frames[0].url)
    assert alone.locator("h1").inner_text() == importlib.import_module(f"examples.{name}").TITLE
    assert _file(alone.locator(".back a").evaluate("a => a.href")) == gallery.parent / name / \
        "index.html"
    alone.close()
    page.close()
    assert errors == []
