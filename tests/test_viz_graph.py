"""viz.draw_graph: DOT source with data, grads, local derivatives and chain-rule products."""

import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

import viz
from autograd import OPS, Op, Value, apply, backward_steps, local_derivatives
from viz._text import escape, fmt, parse
from viz.graph import CURRENT

EVIL = '<script>alert(1)</script>"]; x -> y ['
EDGE = re.compile(r"^\t(\w+) -> (\w+)(?: \[(.*)\])?$", re.M)
# A valid input for every op in the table (log, sqrt need a > 0; pow a whole exponent).
ARGS = {"pow": {"k": 3.0}, "leaky_relu": {"slope": 0.1}}


def edges(source):
    """(src, dst, attributes) of every edge statement in DOT source."""
    return EDGE.findall(source)


def product_graph():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    y = a * b
    y.label = "y"
    return a, b, y


def test_before_backward_grad_reads_not_computed_never_zero():
    *_, y = product_graph()
    src = viz.draw_graph(y).source
    assert src.count("grad: not computed") == 3
    assert "grad 0.0" not in src and "×" not in src


def test_edges_carry_formula_and_local_number():
    *_, y = product_graph()
    labels = [attrs for _, _, attrs in edges(viz.draw_graph(y).source)]
    assert "label=<∂(a·b)/∂a = b = −3.0>" in labels
    assert "label=<∂(a·b)/∂b = a = 2.0>" in labels


def test_after_backward_edges_carry_upstream_times_local():
    a, b, y = product_graph()
    y.backward()
    src = viz.draw_graph(y).source
    assert "∂(a·b)/∂a = b = −3.0<BR/>1.0 × −3.0 = −3.0" in src
    assert "∂(a·b)/∂b = a = 2.0<BR/>1.0 × 2.0 = 2.0" in src
    assert f"grad {fmt(a.grad)}" in src and f"grad {fmt(b.grad)}" in src


def test_same_input_twice_draws_two_edges():
    a = Value(3.0, label="a")
    y = a * a
    y.backward()
    pairs = [(s, d) for s, d, _ in edges(viz.draw_graph(y).source)]
    assert pairs.count(("v0", "o1")) == 2
    src = viz.draw_graph(y).source
    assert "∂(a·b)/∂a = b = 3.0<BR/>1.0 × 3.0 = 3.0" in src
    assert "∂(a·b)/∂b = a = 3.0<BR/>1.0 × 3.0 = 3.0" in src
    assert "grad = 3.0 + 3.0 = 6.0" in src


def test_reused_node_shows_each_contribution_and_their_sum():
    x = Value(1.5, label="x")
    y = x * 3.0 + x * 5.0
    y.backward()
    match = re.search(r"grad = ([^ <]+) \+ ([^ <]+) = ([^ <]+)<", viz.draw_graph(y).source)
    terms = sorted(parse(t) for t in match.groups()[:2])
    assert terms == [3.0, 5.0] and parse(match.group(3)) == x.grad == 8.0


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
    assert "grad 13.0 (from this root: 3.0)" in viz.draw_graph(second).source


def test_backward_twice_seeds_with_accumulated_gradient():
    *_, y = product_graph()
    y.backward()
    y.backward()
    src = viz.draw_graph(y).source
    assert "2.0 × −3.0 = −6.0" in src and "from this root" not in src


@pytest.mark.parametrize("op", OPS, ids=lambda op: op.name)
def test_every_op_is_drawn_from_the_table(op):
    inputs = [Value(0.7 + 0.4 * i, label=f"in{i}") for i in range(op.arity or 4)]
    y = apply(op, *inputs, **ARGS.get(op.name, {}))
    y.label = "out"
    y.backward()
    src = viz.draw_graph(y).source
    n = len(y.parents)
    assert f"label=<{escape(op.symbol)}" in src
    steps = {s.index: s for s in backward_steps(y)}
    for i, local in enumerate(local_derivatives(y)):
        product = f"{fmt(1.0)} × {fmt(local)} = {fmt(steps[i].contribution)}"
        assert f"{escape(op.formula(i, n))} = {fmt(local)}<BR/>{product}" in src
    assert len(edges(src)) == n + 1


def cube_op():
    return Op("cube", "x³", 1, "a³", lambda a: a**3, ("3.0 * a * a",), ("3·a²",), "a cubed")


def test_new_op_is_drawn_without_touching_viz():
    x = Value(2.0, label="x")
    y = Value(8.0, label="y")
    y.parents, y.op = (x,), cube_op()
    y.backward()
    src = viz.draw_graph(y).source
    assert "label=<x³>" in src
    assert "∂(a³)/∂a = 3·a² = 12.0<BR/>1.0 × 12.0 = 12.0" in src


def test_check_highlights_only_the_wrong_gradient():
    x, w = Value(2.0, label="x"), Value(0.5, label="w")
    wrong = Op("cube", "x³", 1, "a³", lambda a: a**3, ("2.0 * a",), ("2·a",), "wrong rule")
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
    assert "∂(√a)/∂a = 1/(2√a) = undefined" in src


def test_show_chooses_what_is_written():
    *_, y = product_graph()
    y.backward()
    src = viz.draw_graph(y, show={"data"}).source
    assert "∂" not in src and "grad" not in src and "data 2.0" in src
    assert len(edges(src)) == 3


def test_param_of_op_is_shown():
    y = Value(2.0, label="x") ** 3
    assert '^<BR/><FONT POINT-SIZE="10">k = 3.0</FONT>' in viz.draw_graph(y).source


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
    assert texts.count(EVIL) == 2


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
    assert viz.draw_graph(y, show=()).source.count("->") == 3 * 3000


def test_no_current_step_colour_outside_lessons():
    *_, y = product_graph()
    y.backward()
    assert CURRENT not in viz.draw_graph(y).source
