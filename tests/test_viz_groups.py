"""viz.groups: clusters per name scope, collapsed to boxes with edges re-routed."""

import re

import pytest

import nn
import viz
from autograd import Value, backward_steps, dot, name_scope, record_scopes, sum
from viz.groups import collapse_rule

EDGE = re.compile(r"^\t+(\w+) -> (\w+)", re.M)
NODE = re.compile(r'^\t+(\w+) \[id="\w+" shape', re.M)


def tiny_network(inputs=((1.0, -2.0), (0.5, 0.5)), width=3):
    """Two layers of neurons, each opened as scopes ("layer0", "neuron1"), on 2 points."""
    ws = [
        [
            [
                Value(0.1 * (i + j + k) - 0.2, label=f"w{i}{j}{k}")
                for k in range(2 if i == 0 else width)
            ]
            for j in range(width if i == 0 else 1)
        ]
        for i in range(2)
    ]
    with record_scopes() as scopes:
        outs = []
        for point in inputs:
            xs = [Value(x, label="x") for x in point]
            for i, layer in enumerate(ws):
                with name_scope(f"layer{i}"):
                    ys = []
                    for j, w in enumerate(layer):
                        with name_scope(f"neuron{j}"):
                            ys.append(dot(w, xs).tanh())
                xs = ys
            outs.append((xs[0] - 1.0) ** 2)
        loss = sum(outs)
    loss.label = "loss"
    return loss, scopes


def test_clusters_nest_by_scope_and_hold_their_weights():
    loss, scopes = tiny_network()
    src = viz.draw_graph(loss, scopes=scopes).source
    assert src.count("subgraph cluster_") == 1 + 3 + 1 + 1  # layer0 + 3 neurons, layer1 + 1
    neuron = src[src.index("label=<<B>neuron1</B>>") :]
    neuron = neuron[: neuron.index("}")]
    assert "<B>w010</B>" in neuron and "<B>w011</B>" in neuron
    assert "<B>loss</B>" not in neuron


def count(src):
    return len(NODE.findall(src)), len(EDGE.findall(src))


def test_collapse_depth_two_makes_one_box_per_neuron():
    loss, scopes = tiny_network()
    full = viz.draw_graph(loss, scopes=scopes).source
    boxed = viz.draw_graph(loss, scopes=scopes, collapse=2).source
    boxes = re.findall(r"^\t+(g\d+) \[", boxed, re.M)
    assert boxes == ["g0", "g1", "g2", "g3"]
    assert "<B>layer0 / neuron2</B><BR/>" in boxed
    assert count(boxed)[0] < count(full)[0]
    ids = set(NODE.findall(boxed))
    assert all(s in ids and d in ids for s, d in EDGE.findall(boxed))  # edges re-routed


def test_collapsed_box_shows_counts_and_outputs():
    loss, scopes = tiny_network(inputs=((1.0, -2.0),))
    loss.backward()
    src = viz.draw_graph(loss, scopes=scopes, collapse={"layer1"}).source
    box = next(line for line in src.splitlines() if line.strip().startswith("g0 "))
    # layer1 holds one neuron: dot + tanh ops, and its 3 weights
    assert "<B>layer1</B><BR/>2 ops, 3 leaves" in box
    out = loss.parents[0].parents[0].parents[0]
    assert f"data {viz._text.fmt(out.data)}" in box and f"grad {viz._text.fmt(out.grad)}" in box


def test_collapse_true_leaves_only_top_level_boxes():
    loss, scopes = tiny_network()
    src = viz.draw_graph(loss, scopes=scopes, collapse=True, show={"data", "grad"}).source
    assert re.findall(r"^\t+(g\d+) \[", src, re.M) == ["g0", "g1"]
    assert "subgraph cluster_" not in src
    # g0 → g1 once per data point and per layer-0 neuron, merged into one counted edge
    merged = [line for line in src.splitlines() if line.startswith("\tg0 -> g1 ")]
    assert len(merged) == 1 and ">×6<" in merged[0]


def test_collapse_prefixes_as_tuples_or_strings_agree():
    loss, scopes = tiny_network()
    as_str = viz.draw_graph(loss, scopes=scopes, collapse={"layer0/neuron1"}).source
    as_tuple = viz.draw_graph(loss, scopes=scopes, collapse=[("layer0", "neuron1")]).source
    assert as_str == as_tuple and "<B>layer0 / neuron1</B>" in as_str


def test_bad_collapse_is_refused():
    with pytest.raises(ValueError, match="at least 1, got 0"):
        collapse_rule(0)
    with pytest.raises(TypeError, match=r"got 2\.5"):
        collapse_rule(2.5)


def test_scope_names_are_escaped():
    x = Value(1.0, label="x")
    with record_scopes() as scopes, name_scope('<script>"]; a -> b ['):
        y = x * 2.0
    src = viz.draw_graph(y, scopes=scopes).source
    assert "<script>" not in src and "&lt;script&gt;&quot;]; a -&gt; b [" in src
    boxed = viz.draw_graph(y, scopes=scopes, collapse=True).source
    assert "<script>" not in boxed


def test_mlp_loss_graph_collapses_to_a_readable_picture():
    X, y = nn.make_moons(4, noise=0.1, seed=0)
    model = nn.MLP(2, [16, 16, 1], seed=0)
    with record_scopes() as scopes:
        loss = nn.mse_loss([model(x) for x in X], y)
    loss.backward()
    full = viz.draw_graph(loss, scopes=scopes, max_nodes=None).source
    layers = viz.draw_graph(loss, scopes=scopes, collapse=1).source
    assert count(full)[0] > 1000
    nodes, edge_count = count(layers)
    assert nodes <= 40 and edge_count <= 40, (nodes, edge_count)
    for name in ("layers.0", "layers.1", "layers.2"):
        assert f"<B>{name}</B><BR/>" in layers
    assert '<B>L</B></TD><TD ALIGN="LEFT">data ' in layers and "grad 1.0" in layers
    neurons = viz.draw_graph(loss, scopes=scopes, collapse=2, show={"data", "grad"}).source
    assert len(re.findall(r"^\t+(g\d+) \[", neurons, re.M)) == 16 + 16 + 1


def mlp_loss(samples=4):
    X, y = nn.make_moons(samples, noise=0.1, seed=0)
    model = nn.MLP(2, [16, 16, 1], seed=0)
    with record_scopes() as scopes:
        loss = nn.mse_loss([model(x) for x in X], y)
    return loss, scopes


def test_a_huge_graph_with_scopes_collapses_itself_and_says_so():
    loss, scopes = mlp_loss()
    src = viz.draw_graph(loss, scopes=scopes).source
    boxes = re.findall(r"^\t+(g\d+) \[", src, re.M)
    assert 3 <= len(boxes) <= viz.MAX_NODES
    assert count(src)[0] <= viz.MAX_NODES
    picture = viz.draw_graph(loss, scopes=scopes).picture
    assert "collapsed by scope" in picture.note and "nodes" in picture.note


def test_whole_mlp_step_through_at_collapse_level_one():
    loss, scopes = mlp_loss(samples=2)
    lesson = viz.step_through(loss, scopes=scopes, collapse=1)
    steps = [s for s in backward_steps(loss) if not s.input.is_constant]
    assert len(lesson) == len(steps) + 1
    boxes = {s.id for s in lesson.picture.shapes if s.kind == "box"}
    assert len(boxes) == 3
    # every frame points at something drawn: a box, a value node or an edge between them
    drawn = {s.id for s in (*lesson.picture.shapes, *lesson.picture.edges)}
    assert all(f.current and set(f.current) <= drawn for f in lesson.frames)
    assert sum(1 for f in lesson.frames if set(f.current) <= boxes) > len(lesson) / 2


def test_scope_names_with_backslashes_are_drawn_literally():
    x = Value(1.0, label="x")
    with record_scopes() as scopes, name_scope("layer\\N"):
        y = x * 2.0
    svg = viz.draw_graph(y, scopes=scopes).pipe(format="svg", encoding="utf-8")
    assert ">layer\\N<" in svg


def test_every_text_a_collapsed_lesson_changes_is_addressable_in_its_page():
    loss, scopes = mlp_loss(samples=2)
    for collapse in (1, 2):
        lesson = viz.step_through(loss, scopes=scopes, collapse=collapse)
        page = lesson.to_page()
        changing = lesson.texts()
        assert changing
        missing = [cid for cid in changing if f'id="{cid}"' not in page]
        assert missing == [], missing
