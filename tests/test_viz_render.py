"""viz.render: real SVG and PNG from `dot`, and one clear error when `dot` is missing."""

import xml.etree.ElementTree as ET

import pytest

import viz
from autograd import Value
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
