"""viz.step_through: the seed, then one frame per engine backward step, with the numbers."""

import math
import re

import pytest

import viz
from autograd import Value, backward_steps
from viz._text import DIGITS, parse

# Numbers are written with DIGITS significant digits.
NARRATION_RTOL = 0.5 * 10 ** (1 - DIGITS)
NUMBER = r"(\(?−?[0-9.]+(?:e[+−]\d+)?\)?)"
SENTENCE = re.compile(rf"^∂(.+)/∂(.+) \+= ∂(.+)/∂(.+) · ∂(.+) = {NUMBER} · {NUMBER} = {NUMBER}$")
SO_FAR = re.compile(r"so far = (?:(.+) = )?(\S+)\.$")
COMPLETE = re.compile(r"sum over its (\d+) paths = (.+) = (\S+)\.$")


def net():
    w1, x, b = Value(2.0, label="w₁"), Value(-0.5, label="x"), Value(0.3, label="b")
    h = (w1 * x + b).tanh()
    h.label = "h"
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


def test_first_frame_is_the_seed_at_the_output():
    loss, _ = net()
    lesson = viz.step_through(loss, gradient=2.0)
    first = lesson.frames[0]
    assert first.step is None and first.sentence.startswith("∂L/∂L = 2.0: the seed")
    assert first.current == [lesson.picture.element[loss]]


def test_no_circular_step_from_the_root():
    d, f = Value(2.0, label="d"), Value(4.0, label="f")
    loss = d * f
    loss.label = "L"
    lesson = viz.step_through(loss)
    assert lesson.frames[2].sentence == "∂L/∂f += ∂L/∂L · ∂(d·f)/∂f = 1.0 · 2.0 = 2.0"
    for frame in lesson.frames[1:]:
        target = frame.sentence.split(" += ")[0]
        assert target not in frame.sentence.split(" += ")[1], frame.sentence


def test_one_frame_per_engine_step_in_engine_order():
    loss, _ = net()
    lesson = viz.step_through(loss)
    every = list(backward_steps(loss))
    steps = [s for s in every if not s.input.is_constant]
    assert len(steps) == len(every) - 1  # w₁ * 0.1: the 0.1 gets no step
    assert len(lesson) == len(steps) + 1 == len(lesson.frames)
    assert [f.step for f in lesson.frames[1:]] == steps


def test_no_step_names_a_constant():
    x, target = Value(1.0, label="x"), Value(-1.0, label="ê")
    e = Value(0.3, label="w") * x * 2.0 + 1.0
    e.label = "e"
    loss = 0.5 * (e - target) ** 2 + (Value(2.0) * 3.0) * 0.0  # a node of constants only
    loss.label = "L"
    lesson = viz.step_through(loss)
    text = lesson.to_text()
    for number in ("½", "2", "1", "3", "0"):
        assert f"∂L/∂{number}" not in text and f"/∂({number})" not in text, number
    named = {f.step.input.label for f in lesson.frames[1:] if f.step.input.label}
    assert {"x", "ê", "w", "e"} <= named  # data leaves made with Value(...) are stepped
    half = [s for s in lesson.picture.shapes if s.cells[0].text == "½"]
    assert half and half[0].constant and [c.role for c in half[0].cells] == ["constant"]


def test_narration_numbers_equal_the_engine():
    loss, leaves = net()
    lesson = viz.step_through(loss)
    loss.backward()
    summed = {}
    for frame in lesson.frames[1:]:
        match = SENTENCE.match(frame.sentence)
        assert match, frame.sentence
        upstream, local, contribution = (parse(g) for g in match.groups()[5:])
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


def test_fan_in_shows_running_total_path_and_completion():
    loss, (w1, *_) = net()
    lesson = viz.step_through(loss)
    loss.backward()
    frames = [f for f in lesson.frames[1:] if f.step.input is w1]
    assert len(frames) == 2
    first, last = frames
    assert "Path 1 of 2 to w₁, via " in first.detail
    so_far = SO_FAR.search(first.detail)
    assert so_far and math.isclose(
        parse(so_far.group(2)), first.step.contribution, rel_tol=NARRATION_RTOL
    )
    assert "Path 2 of 2 to w₁" in last.detail and "complete" in last.detail
    done = COMPLETE.search(last.detail)
    assert done and done.group(1) == "2"
    terms = [parse(t) for t in done.group(2).split(" + ")]
    expected = [f.step.contribution for f in frames]
    assert all(math.isclose(a, b, rel_tol=NARRATION_RTOL) for a, b in zip(terms, expected))
    assert math.isclose(parse(done.group(3)), w1.grad, rel_tol=NARRATION_RTOL)
    # The picture's grad cell follows: "(so far)" after the first path, the sum after the last.
    cell = lesson.picture.grad_cell[w1]
    assert first.texts[cell].endswith("(so far)")
    assert last.texts[cell].startswith("grad = ") and "(so far)" not in last.texts[cell]


def test_a_single_path_is_complete_at_once():
    loss, (_, x, _) = net()
    frame = next(f for f in viz.step_through(loss).frames[1:] if f.step.input is x)
    assert "complete (one path from L to x)" in frame.detail


def test_frames_change_only_the_cells_of_their_step():
    loss, _ = net()
    lesson = viz.step_through(loss)
    picture = lesson.picture
    for frame in lesson.frames[1:]:
        s = frame.step
        flow = picture.flow_cell[(s.node, s.index)]
        assert set(frame.texts) == {flow, picture.grad_cell[s.input]}
        assert parse(frame.texts[flow].split(" = ")[-1]) == pytest.approx(
            s.contribution, rel=NARRATION_RTOL
        )
        assert frame.current == [picture.edge_of[(s.node, s.index)], picture.element[s.input]]


def test_same_input_twice():
    a = Value(3.0, label="a")
    lesson = viz.step_through(a * a)
    assert [f.sentence for f in lesson.frames[1:]] == [
        "∂L/∂a += ∂L/∂L · ∂(a·a)/∂a = 1.0 · 3.0 = 3.0",
        "∂L/∂a += ∂L/∂L · ∂(a·a)/∂a = 1.0 · 3.0 = 3.0",
    ]
    assert lesson.frames[2].detail.endswith("sum over its 2 paths = 3.0 + 3.0 = 6.0.")


def test_to_text_numbers_every_step_and_its_running_total():
    loss, _ = net()
    lesson = viz.step_through(loss, gradient=2.0)
    lines = lesson.to_text().splitlines()
    n = len(lesson) - 1
    assert lines[0].startswith("Backward pass from L = ") and f"{n} steps" in lines[0]
    seed = "∂L/∂L = 2.0: the seed. Backprop starts at the output L."
    assert lines[1] == f"Step 0 / {n}: {seed}"
    assert len(lines) == 1 + 2 * len(lesson)
    assert lines[5].startswith(f"Step 2 / {n}: ∂L/∂")
    assert sum("so far = " in line for line in lines) >= 1
    assert sum("sum over its 2 paths" in line for line in lines) >= 1


def test_unlabelled_nodes_get_stable_names():
    def build():
        x = Value(1.0)
        return (x * 2.0).exp()

    assert viz.step_through(build()).to_text() == viz.step_through(build()).to_text()
    assert "∂L/∂(n₁·2) += ∂L/∂L · ∂(exp(n₁·2))/∂(n₁·2)" in viz.step_through(build()).to_text()


def test_repr_html_is_an_isolated_page():
    x = Value(0.5, label="x")
    html = viz.step_through(x.sin())._repr_html_()
    assert html.startswith('<iframe srcdoc="&lt;!DOCTYPE html&gt;')
    assert "<script" not in html


def test_bad_arguments():
    with pytest.raises(TypeError, match="root must be a Value"):
        viz.step_through([1.0])
    with pytest.raises(ValueError, match="step_through: show may hold"):
        viz.step_through(Value(1.0) * 2, show={"nope"})


def test_a_leaf_root_has_only_the_seed():
    lesson = viz.step_through(Value(1.0, label="x"))
    assert len(lesson) == 1 and "0 steps" in lesson.to_text().splitlines()[0]


def test_a_very_long_pass_is_refused_with_how_to_narrate_a_part():
    y = Value(0.1, label="x")
    for _ in range(30):
        y = (y * 0.9).tanh()
    n = sum(1 for s in backward_steps(y) if not s.input.is_constant)  # 0.9 gets no step
    with pytest.raises(ValueError) as info:
        viz.step_through(y, max_steps=n - 1)
    message = str(info.value)
    assert (
        f"{n} steps" in message and "one sample's loss" in message and "max_steps=None" in message
    )
    assert len(viz.step_through(y, max_steps=n)) == n + 1


def test_every_text_a_lesson_changes_is_addressable_in_its_page():
    loss, _ = net()
    lesson = viz.step_through(loss)
    page = lesson.to_page()
    changing = lesson.texts()
    assert len(changing) == len({c for f in lesson.frames for c in f.texts})
    assert [cid for cid in changing if f'id="{cid}"' not in page] == []
