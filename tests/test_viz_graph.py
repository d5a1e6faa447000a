"""viz.draw_graph: DOT source with data, grads, local derivatives and chain-rule products."""

import html
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

import viz
from autograd import OPS, Op, Value, apply, backward_steps, local_derivatives
from viz._text import fmt, parse, shorten
from viz.names import formula

EVIL = '<script>alert(1)</script>"]; x -> y ['
EDGE = re.compile(r'^\t(\w+) -> (\w+) \[id="(\w+)"(?: label=(.*))?\]$', re.M)
CELL = re.compile(r"<TD[^>]*>(.*?)</TD>")
# A valid input for every op in the table (log, sqrt need a > 0; pow a whole exponent).
ARGS = {"pow": {"k": 3.0}, "leaky_relu": {"slope": 0.1}}


def edges(source):
    """(src, dst, id, label) of every edge statement in DOT source."""
    return EDGE.findall(source)


def lines_of(label):
    """The text lines of an HTML-like label, unescaped."""
    return [html.unescape(re.sub(r"</?[BI]>", "", c)) for c in CELL.findall(label)]


def edge_texts(source):
    """Each edge's label lines, in DOT order (edges without a label left out)."""
    return [lines_of(label) for *_, label in edges(source) if label]


def product_graph():
    d, f = Value(2.0, label="d"), Value(-3.0, label="f")
    y = d * f
    y.label = "y"
    return d, f, y


def test_before_backward_grad_reads_not_computed_never_zero():
    *_, y = product_graph()
    src = viz.draw_graph(y).source
    assert src.count("grad: not computed") == 3
    assert "grad 0.0" not in src and "×" not in src


def test_edges_carry_formula_in_the_nodes_own_names():
    *_, y = product_graph()
    texts = edge_texts(viz.draw_graph(y).source)
    assert ["∂(d·f)/∂d = f = −3.0"] in texts
    assert ["∂(d·f)/∂f = d = 2.0"] in texts


def test_no_generic_letters_when_inputs_are_labelled():
    a_node, b_node = Value(2.0, label="p"), Value(3.0, label="q")
    y = (a_node * b_node + a_node / b_node - b_node) ** 2
    y.backward()
    for lines in edge_texts(viz.draw_graph(y).source):
        formula_line = lines[0]
        assert not re.search(r"(?<![A-Za-z])[ab](?![A-Za-z])", formula_line), formula_line


def test_after_backward_edges_carry_upstream_times_local():
    d, f, y = product_graph()
    y.backward()
    texts = edge_texts(viz.draw_graph(y).source)
    assert ["∂(d·f)/∂d = f = −3.0", "1.0 × −3.0 = −3.0"] in texts
    assert ["∂(d·f)/∂f = d = 2.0", "1.0 × 2.0 = 2.0"] in texts
    src = viz.draw_graph(y).source
    assert f"grad {fmt(d.grad)}" in src and f"grad {fmt(f.grad)}" in src


def test_same_input_twice_draws_two_edges():
    a = Value(3.0, label="a")
    y = a * a
    y.backward()
    src = viz.draw_graph(y).source
    pairs = [(s, d) for s, d, *_ in edges(src)]
    assert pairs.count(("v0", "o1")) == 2
    texts = edge_texts(src)
    assert texts.count(["∂(a·a)/∂a = a = 3.0", "1.0 × 3.0 = 3.0"]) == 2
    assert "grad = 3.0 + 3.0 = 6.0" in src


def test_reused_node_shows_each_contribution_and_their_sum():
    x = Value(1.5, label="x")
    y = x * 3.0 + x * 5.0
    y.backward()
    match = re.search(r"grad = ([^ <]+) \+ ([^ <]+) = ([^ <]+)<", viz.draw_graph(y).source)
    terms = sorted(parse(t) for t in match.groups()[:2])
    assert terms == [3.0, 5.0] and parse(match.group(3)) == x.grad == 8.0


def test_negative_terms_of_a_sum_are_parenthesised():
    x = Value(1.5, label="x")
    y = x * 3.0 - x * 5.0
    y.backward()
    assert "grad = 3.0 + (−5.0) = −2.0" in viz.draw_graph(y).source


def test_many_contributions_are_summarised():
    x = Value(0.5, label="x")
    y = x * 1.0
    for k in range(2, 9):
        y = y + x * float(k)
    y.backward()
    assert "+ … (8 terms) = 36.0" in viz.draw_graph(y).source


def test_grad_from_other_roots_is_told_apart():
    x = Value(2.0, label="x")
    first, second = x * 10.0, x * 3.0
    first.backward()
    second.backward()
    assert "grad = 10.0 (earlier passes) + 3.0 (this pass) = 13.0" in viz.draw_graph(second).source


def test_backward_twice_shows_the_earlier_pass_never_a_second_path():
    x = Value(2.0, label="x")
    y = x * x  # two paths to x
    y.label = "y"
    y.backward()
    once = viz.draw_graph(y).source
    assert "grad = 2.0 + 2.0 = 4.0" in once and "grad 1.0 (seed)" in once
    y.backward()
    twice = viz.draw_graph(y).source
    assert "grad = 4.0 (earlier passes) + 4.0 (this pass: 2.0 + 2.0) = 8.0" in twice
    assert "grad = 1.0 (earlier passes) + 1.0 (seed) = 2.0" in twice
    assert twice.count("1.0 × 2.0 = 2.0") == 2  # each edge: this pass's product
    assert "4.0 + 4.0" not in twice


def test_a_seed_other_than_one_is_said():
    *_, y = product_graph()
    y.backward(2.0)
    src = viz.draw_graph(y, seed=2.0).source
    assert "grad 2.0 (seed)" in src and "2.0 × −3.0 = −6.0" in src


@pytest.mark.parametrize("op", OPS, ids=lambda op: op.name)
def test_every_op_is_drawn_from_the_table(op):
    inputs = [Value(0.7 + 0.4 * i, label=f"in{i}") for i in range(op.arity or 4)]
    y = apply(op, *inputs, **ARGS.get(op.name, {}))
    y.label = "out"
    y.backward()
    src = viz.draw_graph(y).source
    assert f"label=<{html.escape(op.symbol, quote=False)}" in src
    steps = {s.index: s for s in backward_steps(y)}
    short = {p: p.label for p in y.parents}
    short[y] = "out"
    texts = edge_texts(src)
    for i, local in enumerate(local_derivatives(y)):
        product = f"{fmt(1.0)} × {fmt(local)} = {fmt(steps[i].contribution)}"
        assert [f"{formula(y, i, short)} = {fmt(local)}", product] in texts
    assert len(edges(src)) == len(y.parents) + 1


def cube_op():
    return Op(
        "cube", "x³", "a³", lambda a: a**3, (lambda m, a, out: 3.0 * a * a,), None, "a cubed"
    )


def test_new_op_is_drawn_without_touching_viz():
    x = Value(2.0, label="x")
    y = Value(8.0, label="y")
    y.parents, y.op = (x,), cube_op()
    y.backward()
    src = viz.draw_graph(y).source
    assert "label=<x³>" in src
    assert ["∂(x³)/∂x = 3·x² = 12.0", "1.0 × 12.0 = 12.0"] in edge_texts(src)


def test_check_highlights_only_the_wrong_gradient():
    x, w = Value(2.0, label="x"), Value(0.5, label="w")
    wrong = Op(
        "cube", "x³", "a³", lambda a: a**3, (lambda m, a, out: 2.0 * a,), None, "wrong rule"
    )
    y = Value(8.0, label="y")
    y.parents, y.op = (x,), wrong
    loss = y * w
    src = viz.draw_graph(loss, check=True).source
    assert src.count("gradcheck failed") == 1
    failed_line = next(line for line in src.splitlines() if "gradcheck failed" in line)
    assert "<B>x</B>" in failed_line and "analytic 2.0 ≠ numeric 6.0" in failed_line
    assert "gradcheck failed" not in viz.draw_graph(x * w, check=True).source


def test_undefined_local_derivative_is_written_not_raised():
    x = Value(0.0, label="x")
    src = viz.draw_graph(x.sqrt()).source
    assert ["∂(√x)/∂x = 1/(2·√x) = undefined"] in edge_texts(src)


def test_show_chooses_what_is_written():
    *_, y = product_graph()
    y.backward()
    src = viz.draw_graph(y, show={"data"}).source
    assert "∂" not in src and "grad" not in src and "data 2.0" in src
    assert len(edges(src)) == 3


def test_param_of_op_is_shown():
    y = Value(2.0, label="x") ** 3
    assert '^<BR/><FONT POINT-SIZE="11">k = 3.0</FONT>' in viz.draw_graph(y).source


def test_bad_arguments_name_the_problem():
    *_, y = product_graph()
    with pytest.raises(TypeError, match=r"root must be a Value, got 3\.0"):
        viz.draw_graph(3.0)
    with pytest.raises(ValueError, match="unknown \\['colour'\\]"):
        viz.draw_graph(y, show={"data", "colour"})
    with pytest.raises(ValueError, match="rankdir must be LR, RL, TB or BT, got 'XY'"):
        viz.draw_graph(y, rankdir="XY")
    with pytest.raises(ValueError, match="collapse needs scopes"):
        viz.draw_graph(y, collapse=True)


def test_labels_are_escaped_in_dot_and_render_as_text():
    x = Value(1.0, label=EVIL)
    y = x * 2.0
    y.label = EVIL
    graph = viz.draw_graph(y)
    assert "<script>" not in graph.source and "&lt;script&gt;" in graph.source
    assert len(edges(graph.source)) == 3
    root = ET.fromstring(graph.pipe(format="svg", encoding="utf-8"))
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert texts.count(shorten(EVIL)) == 2  # drawn short, whole in the tooltip
    assert [t.text for t in root.iter("{http://www.w3.org/2000/svg}title")].count(EVIL) == 2


@pytest.mark.parametrize("label", ["a\\N", "\\G and \\L", "back\\\\slash\\", "\\E\\T\\H"])
def test_backslashes_are_drawn_literally_not_as_graphviz_escapes(label):
    x = Value(1.0, label=label)
    y = x * 2.0
    y.label = "y"
    svg = viz.draw_graph(y).pipe(format="svg", encoding="utf-8")
    texts = [t.text for t in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")]
    assert label in texts, texts
    assert "chainrule" not in " ".join(texts) and "v0" not in texts


@pytest.mark.parametrize("char", ["\ufffe", "\ud800", "\x00", "\x1b", "\uffff"])
def test_xml_invalid_characters_are_replaced_visibly(char):
    x = Value(1.0, label=f"x{char}y")
    y = x * 2.0
    svg = viz.draw_graph(y).pipe(format="svg", encoding="utf-8")
    texts = [t.text for t in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")]
    assert "x\ufffdy" in texts


PROGRAM = """
from autograd import Value
import viz
a, b = Value(2.0, label="a"), Value(-3.0, label="b")
h = (a * b + a).tanh()
y = h * h + b ** 2
y.backward()
print(viz.draw_graph(y).source, end="")
"""


def test_same_graph_gives_byte_identical_source_across_processes():
    namespace = {}
    exec(PROGRAM.replace('print(viz.draw_graph(y).source, end="")', ""), namespace)
    here = viz.draw_graph(namespace["y"]).source
    assert here == viz.draw_graph(namespace["y"]).source
    there = subprocess.run(
        [sys.executable, "-c", PROGRAM], capture_output=True, check=True
    ).stdout.decode("utf-8")
    assert there == here
    assert re.findall(r"\b[vo]\d+\b", here)  # ids are topological indices, not id()


def test_deep_chain_no_recursion_error():
    x = Value(0.1, label="x")
    y = x
    for _ in range(3000):
        y = y + 1.0
    y.backward()
    src = viz.draw_graph(y, show=(), max_nodes=None).source
    assert src.count("->") == 3 * 3000


def huge_chain(n):
    y = Value(0.1, label="x")
    for _ in range(n):
        y = (y * 0.9).tanh()
    return y


def test_a_huge_graph_without_scopes_is_refused_with_how_to_draw_it():
    y = huge_chain(200)  # 601 nodes
    for draw in (viz.draw_graph, viz.step_through):
        with pytest.raises(ValueError) as info:
            draw(y)
        message = str(info.value)
        assert "601 nodes" in message and f"{viz.MAX_NODES}" in message
        for hint in ("record_scopes", "collapse=1", "sub-graph", "max_nodes=None"):
            assert hint in message, (hint, message)


def test_the_size_limit_is_documented_and_adjustable():
    y = huge_chain(20)  # 61 nodes
    with pytest.raises(ValueError, match="61 nodes, more than the 50"):
        viz.draw_graph(y, max_nodes=50)
    assert viz.draw_graph(y, max_nodes=61).source.count("->") == 5 * 20  # 2 ops, 3 inputs


def test_jupyter_shows_the_picture_in_the_viewer_and_as_svg():
    *_, y = product_graph()
    y.backward()
    graph = viz.draw_graph(y)
    shown = graph._repr_html_()
    assert shown.startswith('<iframe srcdoc="&lt;!DOCTYPE html&gt;') and "<script" not in shown
    assert "∂(d·f)/∂d = f = −3.0" in shown and "class=&quot;legend&quot;" in shown
    assert "<svg" in graph._repr_image_svg_xml()
