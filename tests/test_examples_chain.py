"""The chain lesson: the post's algorithm reproduced line by line, the exact one at the saddle.

The post's hand-written algorithm is re-implemented here in plain floats, independently of
the lesson, and the ten gradient-check lines the post prints are asserted digit by digit.
"""

import pytest

from autograd import Value, apply, grad
from examples import chain

SAME = 1e-12  # two float computations of the same formulas
PRINTED = 5e-7  # the post prints six decimals
# The ten lines the source post prints: (weight index, backprop value, finite difference).
POST_LINES = [
    (1, -0.026729, -0.026727),
    (3, 0.003970, 0.004164),
    (2, -0.032617, -0.033257),
    (1, -0.027502, -0.027499),
    (3, 0.004164, 0.004367),
    (2, -0.033272, -0.033932),
    (1, -0.028291, -0.028288),
    (3, 0.004367, 0.004579),
    (2, -0.033947, -0.034625),
    (1, -0.029097, -0.029094),
]
RESULT = chain.run()


def post_algorithm(epochs, w1=0.2333, w2=-0.233, w3=-0.52133, lr=0.05):
    """The post's training loop in floats; returns its weights and every checked line."""

    def loss(a, b, c, x, t):
        return 0.5 * (a * b * c * x - t) ** 2

    eps = 1e-4
    lines = []
    for _ in range(epochs):
        for x, t in ((1, -1), (-1, 1)):
            y = w1 * x
            z = w2 * y
            r3 = w3 * z - t
            w3 -= lr * r3 * z
            r2 = r3 * w3
            w2 -= lr * r2 * y
            w1 -= lr * r2 * w2 * x
            d3 = (loss(w1, w2, w3 + eps, x, t) - loss(w1, w2, w3 - eps, x, t)) / (2 * eps)
            d2 = (loss(w1, w2 + eps, w3, x, t) - loss(w1, w2 - eps, w3, x, t)) / (2 * eps)
            d1 = (loss(w1 + eps, w2, w3, x, t) - loss(w1 - eps, w2, w3, x, t)) / (2 * eps)
            lines += [(3, r3 * z, d3), (2, r2 * y, d2), (1, r2 * w2 * x, d1)]
    return (w1, w2, w3), lines


def test_post_lines_appear_at_the_updates_the_lesson_names():
    _, lines = post_algorithm(chain.EPOCHS)
    start = 3 * RESULT.printed_update - 1  # the w₁ line closes each update's three lines
    found = lines[start : start + len(POST_LINES)]
    for (wi, b, d), (wj, ours_b, ours_d) in zip(POST_LINES, found, strict=True):
        assert wi == wj
        assert abs(ours_b - b) <= PRINTED and abs(ours_d - d) <= PRINTED, (b, d, ours_b, ours_d)


def test_post_lines_appear_exactly_once():
    _, lines = post_algorithm(chain.EPOCHS)
    text = [f"{w} {b:f} {d:f}" for w, b, d in lines]
    want = [f"{w} {b:f} {d:f}" for w, b, d in POST_LINES]
    hits = [k for k in range(len(text)) if text[k : k + len(want)] == want]
    assert len(hits) == 1
    assert hits[0] == 3 * RESULT.printed_update - 1


def test_post_predictions_flip_the_sign_as_printed():
    weights, _ = post_algorithm(chain.EPOCHS)
    p = weights[0] * weights[1] * weights[2]
    assert abs(RESULT.post_predictions[1.0] - p) <= SAME
    assert abs(RESULT.post_predictions[-1.0] + p) <= SAME
    assert round(p, 5) == -0.99997  # the outputs reach ∓0.99997


def test_exact_descent_sits_at_the_saddle_after_160_epochs():
    ws = [Value(w) for w in chain.WEIGHTS]
    losses = []
    for _ in range(chain.EPOCHS):
        epoch = []
        for x, t in chain.DATA:
            loss = 0.5 * (ws[0] * ws[1] * ws[2] * x - t) ** 2
            epoch.append(loss.data)
            for w, g in zip(ws, grad(loss, ws)):
                w.data -= chain.LR * g
        losses.append(sum(epoch) / len(epoch))
    p = ws[0].data * ws[1].data * ws[2].data
    assert abs(RESULT.correct_predictions[1.0] - p) <= SAME
    assert abs(RESULT.correct_loss - losses[-1]) <= SAME
    assert round(p, 4) == -0.0386 and round(losses[-1], 4) == 0.4652
    assert RESULT.escape_epoch_post < chain.EPOCHS < RESULT.escape_epoch_correct


def test_framework_gradients_against_the_engine():
    ws = [Value(w) for w in chain.WEIGHTS]
    x, t = chain.DATA[0]
    true = grad(0.5 * (ws[2] * (ws[1] * (ws[0] * x)) - t) ** 2, ws)
    assert RESULT.engine_first == pytest.approx(true, abs=SAME)
    assert [round(g, 3) for g in true] == [0.125, -0.125, -0.056]
    assert [round(g, 4) for g in RESULT.framework_first] == [-0.1251, 0.0068, 0.0008]


def test_debugging_finds_one_slip_at_a_time():
    failing = [[row.name for row in rows if not row.ok(chain.ATOL, chain.RTOL)]
               for _, rows, _ in RESULT.debug]
    assert failing == [["w₁", "w₂"], ["w₁"], []]


def test_equal_start_stays_at_the_saddle():
    weights, _ = post_algorithm(chain.EPOCHS, 0.2333, 0.2333, 0.2333)
    p = weights[0] * weights[1] * weights[2]
    assert abs(RESULT.equal_start_product - p) <= SAME
    assert 0 < p < 1e-3  # still the wrong sign, near zero


def test_post_op_carries_the_posts_backward():
    # The op's forward is the loss; its local derivatives are the post's own gradients.
    x, t = chain.DATA[0]
    for slip1, slip2 in ((True, True), (False, True), (False, False)):
        ws = [Value(w) for w in chain.WEIGHTS]
        out = apply(chain.post_op(slip1, slip2), *ws)
        assert abs(out.data - 0.5 * (product(chain.WEIGHTS) * x - t) ** 2) <= SAME
        hand = chain.hand_update(chain.WEIGHTS, x, t, slip1, slip2).used
        assert grad(out, ws) == pytest.approx(list(hand), abs=SAME)


def product(ws):
    return ws[0] * ws[1] * ws[2]


def framework_in_floats(ws, x, t):
    """The post's framework as it is written: layers with input, w, public value, grad."""
    inputs, out = [], x
    for w in ws:
        inputs.append(out)
        out = w * out
    public, grads = [0.0] * 3, [0.0] * 3

    def backward(i, value):
        public[i] = value * ws[i]
        grads[i] = public[i] * inputs[i]

    backward(2, out - t)  # calc_gradient: the last layer first, then the loop over all
    value = public[2]
    for i in range(3):
        backward(i, value)
        value = public[i]
    return grads


def test_framework_tally_from_random_starts():
    import math
    import random

    want = {"right signs": 0, "wrong signs": 0, "overflow": 0}
    for seed in range(chain.STARTS):
        rng = random.Random(seed)
        ws = [rng.random() - 0.5 for _ in range(3)]
        for _ in range(chain.EPOCHS):
            for x, t in ((1, -1), (-1, 1)):
                ws = [w - 0.05 * g for w, g in zip(ws, framework_in_floats(ws, x, t))]
            if not all(math.isfinite(w) for w in ws):
                break
        key = ("overflow" if not all(math.isfinite(w) for w in ws)
               else "right signs" if product(ws) < 0 else "wrong signs")
        want[key] += 1
    assert RESULT.starts["the post's framework"] == want
    assert RESULT.starts["exact gradient descent"]["right signs"] >= 0.95 * chain.STARTS
    assert framework_in_floats(chain.WEIGHTS, 1, -1) == pytest.approx(RESULT.framework_first)


def test_the_page_says_what_its_tables_show(tmp_path):
    """The tally's sentence gives the exact run's count (it said 'almost every start' beside
    200 of 200), and the saddle's arithmetic works by hand from the digits it prints."""
    import math
    import re

    chain.run(fast=True, out=tmp_path)
    text = (tmp_path / "index.html").read_text(encoding="utf-8")
    exact = RESULT.starts["exact gradient descent"]
    assert f"{exact['right signs']} of the" in text or "every one of the" in text
    ln, by, epochs = re.search(r"ln ([\d.]+) / ([\d.]+) ≈ (\d+) epochs", text).groups()
    assert round(math.log(float(ln)) / float(by)) == int(epochs)
