"""viz.fixed: every frame of a lesson has the same layout (only text and highlights change)."""

import json
import re

import pytest

import viz
from autograd import Value, name_scope, record_scopes
from viz.fixed import measure
from viz.graph import build
from viz.labels import EDGE_TABLE, VALUE_TABLE
from viz.render import digraph_class, svg

ITEM = re.compile(
    r'<g id="(?:node|edge)\d+" class="(?:node|edge)">\s*<title>(.*?)</title>(.*?)</g>', re.S
)
SHAPE = re.compile(r'<(?:polygon|ellipse|path)[^>]*?\b(?:points|cx|cy|rx|ry|d)="([^"]*)"')
TEXT = re.compile(r'<text[^>]*?\bx="([^"]*)" y="([^"]*)"[^>]*>([^<]*)</text>')


def geometry(picture: str) -> list:
    """Every node and edge of an SVG, in order, with the coordinates of its shapes."""
    return [(m.group(1), SHAPE.findall(m.group(2))) for m in ITEM.finditer(picture)]


def texts(picture: str) -> list:
    return TEXT.findall(picture)


def chain():
    x, t = Value(1.5, label="x"), Value(0.2, label="t")
    w1, w2, w3 = Value(0.7, label="w1"), Value(-1.2, label="w2"), Value(0.4, label="w3")
    y = w1 * x
    z = w2 * y
    e = w3 * z
    y.label, z.label, e.label = "y", "z", "e"
    loss = 0.5 * (e - t) ** 2
    loss.label = "L"
    return loss


def mlp_ish():
    """Two neurons reading the same input x (used four times, x*x included), one output."""
    x, t = Value(-0.8, label="x"), Value(0.5, label="t")
    w = [Value(v, label=f"w{k}") for k, v in enumerate((0.9, -1.1, 0.4, 0.7))]
    h1 = (w[0] * x + 0.1).tanh()
    h2 = (w[1] * x + x * x).relu()
    out = w[2] * h1 + w[3] * h2
    loss = (out - t) ** 2
    loss.label = "L"
    return loss


def scoped():
    x = Value(0.3, label="x")
    with record_scopes() as scopes:
        with name_scope("layer"):
            h = (x * Value(2.0, label="w")).tanh() + x.sigmoid()
        loss = h * h
    loss.label = "L"
    return loss, scopes


@pytest.mark.parametrize(
    "make, options",
    [
        (lambda: chain(), {}),
        (lambda: mlp_ish(), {}),
        (lambda: mlp_ish(), {"rankdir": "TB"}),
        (lambda: scoped()[0], {"scopes_of": scoped, "collapse": True}),
    ],
)
def test_every_frame_has_the_same_layout(make, options):
    options = dict(options)
    if options.pop("scopes_of", None):
        root, scopes = scoped()
        options["scopes"] = scopes
    else:
        root = make()
    lesson = viz.step_through(root, **options)
    pictures = lesson.svgs()
    assert len(pictures) == len(lesson) >= 5
    first = geometry(pictures[0])
    assert len(first) >= 5 and all(shapes for _, shapes in first)
    for k, picture in enumerate(pictures[1:], start=2):
        assert geometry(picture) == first, f"frame {k} moved"
    # The text does change: gradients appear, products are written on edges.
    assert texts(pictures[0]) != texts(pictures[-1])
    assert any("×" in t for *_, t in texts(pictures[-1]))


def test_local_derivative_lines_stay_in_place():
    lesson = viz.step_through(chain())
    pictures = lesson.svgs()
    placed = [sorted(t for t in texts(p) if "∂" in t[2]) for p in pictures]
    assert len(placed[0]) == 11  # one per edge into an op
    assert all(p == placed[0] for p in placed)


def test_without_reserved_sizes_frames_would_move():
    # The check above can fail: the same frames laid out at their natural sizes jump.
    lesson = viz.step_through(chain())
    natural = []
    for frame in lesson.frames:
        frame_flow = frame.graph  # reserved
        assert 'WIDTH="' in frame_flow.source
        loose = frame._build(None)
        assert 'WIDTH="' not in loose.source
        natural.append(geometry(svg(loose)))
    assert any(g != natural[0] for g in natural[1:])


def test_measured_size_holds_the_text():
    contents = ["grad: not computed", "grad = 1.0 + −2.5 + 0.0001234 = −1.5", "W" * 40, "·"]
    variants = [(11, VALUE_TABLE, c) for c in contents]
    variants.append((9, EDGE_TABLE, "∂tanh(a)/∂a = 1 − tanh(a)² = 0.42<BR/>&#160;"))
    variants.append((9, EDGE_TABLE, "∂tanh(a)/∂a = 1 − tanh(a)² = 0.42"))
    sizes = measure(variants)
    assert sizes[2][0] > sizes[0][0] > sizes[3][0]
    assert sizes[4][1] > sizes[5][1] and sizes[4][0] == sizes[5][0]
    # A cell given the measured WIDTH/HEIGHT is exactly that size: the text fits inside.
    graph = digraph_class()(
        node_attr={
            "shape": "none",
            "margin": "0",
            "width": "0",
            "height": "0",
            "fontname": "Helvetica",
        }
    )
    for k, ((font, table, content), (w, h)) in enumerate(zip(variants, sizes)):
        cell = f'<TR><TD WIDTH="{w}" HEIGHT="{h}">{content}</TD></TR></TABLE>'
        graph.body.append(f"\tm{k} [fontsize={font} label=<{table}{cell}>]\n")
    layout = json.loads(graph.pipe(format="json", encoding="utf-8"))
    got = {o["name"]: (float(o["width"]) * 72, float(o["height"]) * 72) for o in layout["objects"]}
    for k, (w, h) in enumerate(sizes):
        assert abs(got[f"m{k}"][0] - w) <= 1 and abs(got[f"m{k}"][1] - h) <= 1, (k, got, w, h)


def test_measure_of_nothing_runs_nothing():
    assert measure([]) == []


def test_draw_graph_is_unchanged_by_lessons():
    a = Value(2.0, label="a")
    y = a * Value(-3.0, label="b")
    y.backward()
    assert "WIDTH=" not in viz.draw_graph(y).source
    assert "WIDTH=" not in build(y, None, None).source
