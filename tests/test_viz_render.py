"""viz.render: real SVG and PNG from `dot`, and one clear error when `dot` is missing."""

import html
import re
import xml.etree.ElementTree as ET

import pytest

import autograd
import viz
from autograd import Value
from viz._text import ELLIPSIS, MAX_NAME, MAX_TEXT, clean, shorten
from viz.render import GraphvizNotFound, svg

SVG = "{http://www.w3.org/2000/svg}"
INSTALL_HINTS = (
    "apt-get install graphviz",
    "brew install graphviz",
    "conda install -c conda-forge graphviz",
)


def small_graph():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    y = a * b
    y.label = "y"
    y.backward()
    return viz.draw_graph(y)


def test_svg_parses_and_holds_labels_and_products():
    root = ET.fromstring(svg(small_graph()))
    texts = [t.text for t in root.iter(f"{SVG}text")]
    for expected in ("a", "b", "y", "data −3.0", "∂(a·b)/∂a = b = −3.0", "1.0 × −3.0 = −3.0"):
        assert expected in texts, (expected, texts)


def test_png_has_png_magic_bytes():
    assert small_graph().pipe(format="png")[:8] == b"\x89PNG\r\n\x1a\n"


def test_render_writes_a_file(tmp_path):
    out = small_graph().render(tmp_path / "graph", format="svg")
    assert out.endswith(".svg")
    assert ET.parse(out).getroot().tag == f"{SVG}svg"


@pytest.fixture
def no_dot(tmp_path, monkeypatch):
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))


def test_without_dot_draw_graph_still_returns_the_graph(no_dot):
    graph = small_graph()
    assert "∂(a·b)/∂a = b = −3.0" in graph.source


def test_without_dot_pipe_says_how_to_install(no_dot):
    with pytest.raises(GraphvizNotFound) as info:
        small_graph().pipe(format="svg")
    message = str(info.value)
    assert isinstance(info.value, RuntimeError)
    for hint in (*INSTALL_HINTS, ".source"):
        assert hint in message


def test_without_dot_render_names_the_written_source(no_dot, tmp_path):
    with pytest.raises(GraphvizNotFound) as info:
        small_graph().render(tmp_path / "g", format="png")
    assert str(tmp_path / "g") in str(info.value)
    assert (tmp_path / "g").read_text(encoding="utf-8").startswith("digraph")


def test_without_dot_html_export_raises_the_same_error(no_dot, tmp_path):
    x = Value(1.5, label="x")
    lesson = viz.step_through(x * x)
    with pytest.raises(GraphvizNotFound) as info:
        lesson.to_html(tmp_path / "lesson.html")
    for hint in INSTALL_HINTS:
        assert hint in str(info.value)
    assert not (tmp_path / "lesson.html").exists()


# ----------------------------------------------------------------------------- long texts

TITLE = f"{SVG}title"
PAGE_TITLE = re.compile("<title>([^<]*)</title>")
LONG_TEXTS = {  # (text, whole in a tooltip?): over 16 KiB escaped, or full of markup and escapes
    "5,000 letters (the report)": ("a" * 5000, True),
    "markup, quotes, \\N and backslashes": ('say "<b>" & \\N\\G\\\\ end\\' * 4, True),
    "markup to escape": ('<&>"' * 3000, False),
    "backslashes and \\N": ("\\N\\G\\" * 3000, False),
    "four-byte characters": ("😀" * 6000, False),
    "a million letters": ("x" * 10**6, False),
}


def long_graph(text: str):
    """Two leaves labelled ``text`` (two variants of it) in a scope named ``text``."""
    a, b = Value(2.0, label=text + "1"), Value(3.0, label=text + "2")
    with autograd.record_scopes() as scopes:
        with autograd.name_scope(text):
            y = (a * b).tanh()
    y.label = "y"
    y.backward()
    return y, scopes


def long_tooltips(titles: list[str]) -> list[str]:
    return sorted(t for t in titles if len(t) > MAX_NAME)


@pytest.mark.parametrize(("text", "whole"), list(LONG_TEXTS.values()), ids=list(LONG_TEXTS))
def test_huge_labels_are_drawn_short_with_the_whole_text_in_a_tooltip(tmp_path, text, whole):
    y, scopes = long_graph(text)
    pictures = [viz.draw_graph(y, scopes=scopes), viz.draw_graph(y, scopes=scopes, collapse=True)]
    for graph in pictures:  # dot had refused any label over 16 KiB
        drawn = [t.text or "" for t in ET.fromstring(svg(graph)).iter(f"{SVG}text")]
        assert max(map(len, drawn)) <= MAX_TEXT
        assert graph.pipe(format="png")[:4] == b"\x89PNG"
    root = ET.fromstring(svg(pictures[0]))
    drawn = [t.text for t in root.iter(f"{SVG}text")]
    assert clean(shorten(text + "1")) in drawn and clean(shorten(text + "2")) in drawn
    tips = long_tooltips([t.text or "" for t in root.iter(TITLE)])
    wholes = sorted([clean(text + "1"), clean(text + "2"), clean(text)])  # leaves, scope
    if whole:
        assert tips == wholes
    else:  # as much as a tooltip holds, then how long the text is
        assert len(tips) == 3
        for tip in tips:
            head, _, length = tip.rpartition(f"{ELLIPSIS} (")
            assert clean(text).startswith(head) and len(head) > MAX_NAME
            assert length in (f"{len(text)} characters)", f"{len(text) + 1} characters)")
    viz.step_through(y, scopes=scopes).to_html(tmp_path / "lesson.html")
    viz.live(y, scopes=scopes).to_html(tmp_path / "live.html")
    for page in ("lesson.html", "live.html"):  # the tooltips reach the pages
        titles = PAGE_TITLE.findall((tmp_path / page).read_text(encoding="utf-8"))
        assert set(tips) <= {html.unescape(t) for t in titles}
