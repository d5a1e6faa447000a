"""viz.step_through: one frame per engine backward step, narrated with the numbers."""

import math
import re

import pytest

import viz
from autograd import Value, backward_steps
from viz._text import DIGITS, parse
from viz.graph import CURRENT, DONE

# Numbers are written with DIGITS significant digits.
NARRATION_RTOL = 0.5 * 10 ** (1 - DIGITS)
NUMBER = r"(−?[0-9.]+(?:e[+−]\d+)?)"
SENTENCE = re.compile(
    rf"^∂(.+)/∂(.+) \+= ∂(.+)/∂(.+) · ∂(.+)/∂(.+) = {NUMBER} · {NUMBER} = {NUMBER}$"
)


def net():
    w1, x, b = Value(2.0, label="w₁"), Value(-0.5, label="x"), Value(0.3, label="b")
    h = (w1 * x + b).tanh()
    loss = h * h + w1 * 0.1
    loss.label = "L"
    return loss, (w1, x, b)


def test_spec_sentence():
    w1, c = Value(3.0, label="w₁"), Value(-0.5, label="c")
    y = w1 * 2.0
    y.label = "y"
    loss = y * c
    loss.label = "L"
    sentences = [f.sentence for f in viz.step_through(loss).frames]
    assert "∂L/∂w₁ += ∂L/∂y · ∂y/∂w₁ = −0.5 · 2.0 = −1.0" in sentences


def test_one_frame_per_engine_step_in_engine_order():
    loss, _ = net()
    lesson = viz.step_through(loss)
    steps = list(backward_steps(loss))
    assert len(lesson) == len(steps) == len(lesson.frames)
    assert [f.step for f in lesson.frames] == steps


def test_narration_numbers_equal_the_engine():
    loss, leaves = net()
    lesson = viz.step_through(loss)
    loss.backward()
    summed = {}
    for frame in lesson.frames:
        match = SENTENCE.match(frame.sentence)
        assert match, frame.sentence
        upstream, local, contribution = (parse(g) for g in match.groups()[6:])
        s = frame.step
        for shown, exact in (
            (upstream, s.upstream),
            (local, s.local),
            (contribution, s.contribution),
        ):
            assert math.isclose(shown, exact, rel_tol=NARRATION_RTOL), (frame.sentence, exact)
        summed[s.input] = summed.get(s.input, 0.0) + s.contribution
    for leaf in leaves:
        assert math.isclose(summed[leaf], leaf.grad, rel_tol=1e-12)


def test_gradients_appear_as_they_are_computed():
    loss, (w1, *_) = net()
    lesson = viz.step_through(loss)
    first = lesson.frames[0].graph.source
    assert "grad 1.0 (seed)" in first
    assert first.count("grad: not computed") >= 3
    # w₁ gets one contribution early, its second only at the end.
    w1_steps = [f.number for f in lesson.frames if f.step.input is w1]
    middle = lesson.frames[w1_steps[0] - 1].graph.source
    assert "(so far)" in middle
    last = lesson.frames[-1].graph.source
    assert "(so far)" not in last and "not computed" not in last
    assert "complete" in lesson.frames[w1_steps[-1] - 1].detail


def test_current_edge_highlighted_and_traversed_edges_carry_products():
    loss, _ = net()
    lesson = viz.step_through(loss)
    k = 4
    src = lesson.frames[k - 1].graph.source
    assert src.count(f'color="{CURRENT}" fontcolor="{CURRENT}" penwidth=2.5') == 1
    assert src.count(f'color="{DONE}"') == k - 1
    assert src.count(" × ") == k


def test_same_input_twice():
    a = Value(3.0, label="a")
    lesson = viz.step_through(a * a)
    assert [f.sentence for f in lesson.frames] == [
        "∂L/∂a += ∂L/∂L · ∂L/∂a = 1.0 · 3.0 = 3.0",
        "∂L/∂a += ∂L/∂L · ∂L/∂a = 1.0 · 3.0 = 3.0",
    ]
    assert lesson.frames[1].detail.endswith("∂L/∂a = 6.0 (complete)")


def test_to_text_numbers_every_step():
    loss, _ = net()
    lesson = viz.step_through(loss, gradient=2.0)
    lines = lesson.to_text().splitlines()
    assert lines[0].startswith("Backward pass from L = ") and "seed ∂L/∂L = 2.0" in lines[0]
    assert len(lines) == 1 + len(lesson)
    assert lines[3].startswith(f"Step 3 / {len(lesson)}: ∂L/∂")


def test_unlabelled_nodes_get_stable_names():
    def build():
        x = Value(1.0)
        return (x * 2.0).exp()

    assert viz.step_through(build()).to_text() == viz.step_through(build()).to_text()
    assert "∂L/∂n₂ += ∂L/∂L · ∂L/∂n₂" in viz.step_through(build()).to_text()


def test_repr_html_is_an_isolated_page():
    x = Value(0.5, label="x")
    html = viz.step_through(x.sin())._repr_html_()
    assert html.startswith('<iframe srcdoc="&lt;!DOCTYPE html&gt;')
    assert "<script" not in html


def test_bad_arguments():
    with pytest.raises(TypeError, match="root must be a Value"):
        viz.step_through([1.0])
    with pytest.raises(ValueError, match="unknown"):
        viz.step_through(Value(1.0) * 2, show={"nope"})


def test_a_leaf_root_has_no_steps():
    lesson = viz.step_through(Value(1.0, label="x"))
    assert len(lesson) == 0 and lesson.to_text().endswith("0 steps:\n")
