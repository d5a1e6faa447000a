"""viz.train_live in headless Chromium: the page trains with nn.fit's numbers.

Each test builds a small model twice from one seed: once for the page, once for nn.fit
(the oracle), so the page's loss after Reset + k Steps is compared with fit's history.
"""

from __future__ import annotations

import functools
import math
import random

import pytest

import nn
import viz
from autograd import Value

VIEWPORT = {"width": 1280, "height": 800}
REL = 1e-9  # the page's epoch loss against nn.fit's (summation order differs by ulps)
GRAD_REL = 1e-9  # a sample's gradients on the page against the engine's backward()
MIN_FONT_PX = 11
LESSON_FRAME_PX = 700  # examples/live_training.py's HEIGHT: a trainer's frame in a lesson
FULL_WIDTH = 0.95  # of the chain panel's width, the step-through's at least (its padding aside)


# ---- the training problems -------------------------------------------------------------


def regression():
    """A curve with a tanh MLP, full batch, mean squared error."""
    X, y = nn.make_regression(16, noise=0.05, seed=3, kind="curved")
    return (lambda: nn.MLP(1, [4, 1], activation="tanh", seed=1)), X, y, nn.mse_loss, {}


def classifier():
    """Moons with a ReLU MLP, hinge loss and an L2 penalty, full batch."""
    X, y = nn.make_moons(24, noise=0.1, seed=2)
    return (lambda: nn.MLP(2, [5, 1], activation="relu", seed=4)), X, y, nn.hinge_loss, {
        "l2": 1e-3}


def minibatch():
    """Mini-batches of 4 (the last one smaller) in fit's shuffled order, seed 7."""
    X, y = nn.make_regression(18, noise=0.1, seed=5)
    return (lambda: nn.MLP(1, [3, 1], activation="tanh", seed=2)), X, y, nn.mse_loss, {
        "batch_size": 4, "seed": 7}


def classes():
    """Three blobs with softmax cross-entropy over three outputs, mini-batches of 7."""
    X, y = nn.make_blobs(21, seed=1)
    return (lambda: nn.MLP(2, [4, 3], activation="relu", seed=3)), X, y, nn.cross_entropy, {
        "batch_size": 7, "seed": 2}


def soft_classes():
    """Three blobs with class probabilities as targets (label smoothing), mini-batches of 5:
    the cross-entropy nn.fit(compile=True) also trains."""
    X, y = nn.make_blobs(15, seed=4)
    soft = [[0.8 if k == t else 0.1 for k in range(3)] for t in y]
    return (lambda: nn.MLP(2, [4, 3], activation="tanh", seed=6)), X, soft, nn.cross_entropy, {
        "batch_size": 5, "seed": 3}


def logits():
    """0/1 moons with the logistic loss on raw scores, summed over the batch."""
    X, y = nn.make_moons(14, noise=0.1, seed=6)
    loss = functools.partial(nn.binary_cross_entropy_with_logits, reduction="sum")
    return (lambda: nn.MLP(2, [3, 1], activation="tanh", seed=5)), X, [max(t, 0) for t in y], \
        loss, {}


def big():
    """The classic demo's network: its per-sample graph is too large to step through."""
    X, y = nn.make_moons(12, noise=0.1, seed=0)
    return (lambda: nn.MLP(2, [16, 16, 1], activation="relu", seed=0)), X, y, nn.hinge_loss, {}


def line():
    """views ≈ w·t + b from w = −1, b = 4 (the regression lesson's start): two weights."""
    rng = random.Random(0)
    t = [d / 10 for d in range(30)]
    views = [1.1 * a + 1.2 + rng.gauss(0, 0.25) for a in t]

    def model():
        m = nn.MLP(1, [1], seed=0)
        for p, v in zip(m.parameters(), (-1.0, 4.0)):
            p.data = v
        return m

    return model, [[a] for a in t], views, nn.mse_loss, {}


def fit_loss(problem, lr, epochs, compile=False, **changes):
    """nn.fit on a fresh model at the page's initial weights: (the model, its history)."""
    make, X, y, loss_fn, options = problem()
    model = make()
    options = {**options, **changes}
    history = nn.fit(model, X, y, loss_fn, nn.SGD(model.parameters(), lr=lr), epochs=epochs,
                     batch_size=options.get("batch_size"), l2=options.get("l2", 0.0),
                     seed=options.get("seed", 0), progress=False, compile=compile)
    return model, history


# ---- the browser -------------------------------------------------------------------------


class Opened:
    """A page in Chromium, with what it printed to the console and what it fetched."""

    def __init__(self, browser, widget, path):
        self.widget = widget
        self.page = browser.new_page(viewport=VIEWPORT)
        self.errors: list[str] = []
        self.fetched: list[str] = []
        self.page.on("console",
                     lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: None if r.url.startswith(("file:", "data:", "about:"))
                     else self.fetched.append(r.url))
        self.page.goto(path.as_uri())

    def button(self, name):
        return self.page.get_by_role("button", name=name, exact=True)

    def read(self, label):
        return self.page.get_by_label(label, exact=True).text_content()

    def train(self, lr, steps):
        """Type the learning rate, Reset, Step k times; the loss readout as a float."""
        self.page.get_by_label("learning rate", exact=True).fill(repr(lr))
        self.button("Reset").click()
        for _ in range(steps):
            self.button("Step").click()
        assert self.read("epoch") == str(steps)
        return float(self.read("loss"))

    def close(self):
        self.page.close()


@pytest.fixture
def opened(browser, tmp_path):
    pages = []

    def open_(problem, name="page.html", **changes):
        make, X, y, loss_fn, options = problem()
        widget = viz.train_live(make(), X, y, loss_fn, **{**options, **changes})
        pages.append(Opened(browser, widget, widget.to_html(tmp_path / name)))
        return pages[-1]

    yield open_
    for p in pages:
        assert p.errors == [], f"console errors: {p.errors}"
        assert p.fetched == [], f"the page fetched {p.fetched}"
        p.close()


# ---- the page's contract ------------------------------------------------------------------


@pytest.mark.parametrize("problem, lr, steps", [(regression, 0.05, 7), (classifier, 0.3, 5),
                                                (minibatch, 0.1, 4), (line, 0.2, 6),
                                                (classes, 0.2, 3), (soft_classes, 0.5, 3),
                                                (logits, 0.05, 4)],
                         ids=["regression", "classifier", "minibatch", "two-weights",
                              "cross-entropy", "class-probabilities", "logits-sum"])
def test_reset_and_steps_give_fits_loss(opened, problem, lr, steps):
    page = opened(problem, lr=0.01)  # built at another rate: the typed one must count
    _, history = fit_loss(problem, lr, steps)
    _, compiled = fit_loss(problem, lr, steps, compile=True)
    got = page.train(lr, steps)
    for want in (history["loss"][-1], compiled["loss"][-1]):
        assert math.isclose(got, want, rel_tol=REL), (got, want)
    if "accuracy" in history:  # fit's accuracy, as the readout prints it
        assert page.read("accuracy") == f"{100 * history['accuracy'][-1]:.1f}%"
    else:
        assert page.page.get_by_label("accuracy", exact=True).count() == 0
    again = page.train(lr, steps)  # Reset starts over: the same numbers
    assert again == got


def test_a_typed_batch_size_and_seed_give_fits_loss(opened):
    page = opened(minibatch)
    page.page.get_by_label("batch size", exact=True).fill("5")
    page.page.get_by_label("seed", exact=True).fill("2024")
    assert "Reset" in page.read("status")  # a seed orders the batches from the first epoch
    got = page.train(0.2, 3)
    _, history = fit_loss(minibatch, 0.2, 3, batch_size=5, seed=2024)
    assert math.isclose(got, history["loss"][-1], rel_tol=REL), (got, history["loss"][-1])


def test_play_advances_the_epoch_and_pause_stops_it(opened):
    page = opened(classifier)
    page.button("Play").click()
    page.page.wait_for_function(
        "Number(document.querySelector('[aria-label=epoch]').textContent) >= 20")
    page.button("Pause").click()
    stopped = page.read("epoch")
    page.page.wait_for_timeout(300)
    assert page.read("epoch") == stopped
    assert page.button("Play").is_visible()
    assert float(page.read("loss")) > 0


def test_the_loss_curve_shows_a_single_epoch(opened):
    """After one Step the loss curve has one point: it is drawn (a path of a single point
    draws nothing), at the height of the loss readout's value."""
    page = opened(classifier)
    page.button("Step").click()
    length, box = page.page.evaluate("""() => {
        const line = document.querySelector('path.loss');
        const b = line.getBBox();
        return [line.getTotalLength(), [b.x, b.width]];
    }""")
    assert length > 0 and box[1] > 0, (length, box)


def test_divergence_stops_and_says_where_as_fit_does(opened):
    page = opened(line, speed=None)
    page.page.get_by_label("learning rate", exact=True).fill("0.3")  # above 2/λmax ≈ 0.274
    page.button("Play").click()
    page.page.wait_for_function("document.querySelector('#status').textContent.length > 0",
                                timeout=20_000)
    with pytest.raises(nn.NonFiniteError) as stop:
        fit_loss(line, 0.3, 5000)
    err = stop.value
    said = page.read("status")
    assert f"epoch {err.epoch}, batch {err.batch}: {err.culprit};" in said
    assert page.read("epoch") == str(err.epoch - 1)
    assert page.button("Step").is_disabled()
    page.button("Reset").click()
    assert page.read("epoch") == "0" and page.read("status") == ""
    page.page.get_by_label("learning rate", exact=True).fill("0.2")
    page.button("Step").click()
    assert page.read("epoch") == "1"


def test_the_stop_is_marked_inside_the_loss_chart(opened):
    """The minibatch lesson's run at rate 5 stops in epoch 21 (fit: epoch 21, batch 2), one
    past its chart's 20 epochs: the mark beside the curve's end stays inside the chart."""
    def lesson():
        X, y = nn.make_regression(64, noise=0.05, seed=0, kind="curved")
        return (lambda: nn.MLP(1, [8, 1], activation="tanh", seed=0)), X, y, nn.mse_loss, {
            "batch_size": 16, "seed": 1}

    with pytest.raises(nn.NonFiniteError) as stop:
        fit_loss(lesson, 5.0, 100)
    page = opened(lesson, speed=None, lr=5.0)
    page.button("Play").click()
    page.page.wait_for_function("document.querySelector('#status').textContent.length > 0",
                                timeout=20_000)
    assert f"epoch {stop.value.epoch}, batch {stop.value.batch}:" in page.read("status")
    mark, chart = page.page.evaluate("""() => {
        const mark = document.querySelector('#curve text.stop'), svg = mark.ownerSVGElement;
        const box = e => { const r = e.getBoundingClientRect();
                           return [r.left, r.top, r.right, r.bottom]; };
        return [box(mark), box(svg)]; }""")
    assert mark[2] > mark[0], mark
    assert chart[0] <= mark[0] and mark[2] <= chart[2], (mark, chart)
    assert chart[1] <= mark[1] and mark[3] <= chart[3], (mark, chart)


def test_a_samples_chain_rule_shows_the_engines_gradients_now(opened):
    page = opened(classifier)
    page.train(0.3, 3)
    model, _ = fit_loss(classifier, 0.3, 3)
    _, X, y, loss_fn, _ = classifier()
    i = 5
    page.page.get_by_label("sample", exact=True).fill(str(i))
    page.button("Chain rule").click()
    panel = page.page.get_by_label("chain rule", exact=True)
    assert panel.is_visible()
    page.page.wait_for_selector("#stepthrough:not([aria-busy])")
    # The engine's backward on this sample's graph, at the weights fit reached.
    xs = [Value(v) for v in X[i]]
    target = Value(float(y[i]))
    model.zero_grad()
    loss_fn([model(xs)], [target]).backward()
    params = model.parameters()
    cells = panel.locator("tbody tr td:nth-child(3)")
    got = [float(c.get_attribute("data-value")) for c in cells.all()]
    assert len(got) == len(params)
    for g, p in zip(got, params):
        assert math.isclose(g, p.grad, rel_tol=GRAD_REL, abs_tol=1e-15), (g, p.grad)
    # The step-through beside it: its leaves are these weights and this sample, and its
    # gradients the engine's.
    leaves = page.widget.spec["chain"]["leaves"]
    engine = {("param", j): p for j, p in enumerate(params)}
    engine.update({("data", j): v for j, v in enumerate([*xs, target])})
    inner = page.page.locator("#stepthrough").element_handle().content_frame()
    values = inner.evaluate("chainruleLive.leaves()")
    assert values == [engine[tuple(where)].data for where in leaves]
    for k, where in enumerate(leaves):
        shown = float(inner.locator(f"#leaf-{k}-grad").get_attribute("data-value"))
        want = engine[tuple(where)].grad
        assert math.isclose(shown, want, rel_tol=GRAD_REL, abs_tol=1e-15), (where, shown, want)


def test_a_graph_too_large_to_read_is_said_and_its_gradients_shown(opened):
    page = opened(big)
    assert page.widget.stepthrough is None
    page.button("Step").click()
    page.page.locator("circle.point").nth(0).focus()
    page.page.keyboard.press("Enter")
    panel = page.page.get_by_label("chain rule", exact=True)
    assert panel.is_visible()
    assert f"up to {viz.MAX_NODES}" in panel.text_content()
    assert page.page.locator("#stepthrough").count() == 0
    assert panel.locator("tbody tr").count() == len(big()[0]().parameters())


def test_the_chain_panel_fits_a_lessons_frame_without_scrolling(opened):
    """In a lesson's 700-px frame the panel covers the page: the step-through takes the
    height left, a long gradient table scrolls inside itself, the panel never."""
    for problem, inner in ((line, "#stepthrough"), (big, "#chain-grads")):
        page = opened(problem, name=f"{problem.__name__}.html")
        page.page.set_viewport_size({"width": 1280, "height": LESSON_FRAME_PX})
        page.button("Step").click()
        page.page.get_by_label("sample", exact=True).fill("2")
        page.button("Chain rule").click()
        sizes = page.page.evaluate("""inner => {
            const panel = document.getElementById('chain'), box = document.querySelector(inner);
            return [panel.scrollHeight - panel.clientHeight,
                    box.getBoundingClientRect().bottom, box.getBoundingClientRect().height];
        }""", inner)
        overflow, bottom, height = sizes
        assert overflow == 0 and bottom <= LESSON_FRAME_PX, (problem.__name__, sizes)
        assert height > LESSON_FRAME_PX / 2, (problem.__name__, sizes)


def test_the_step_through_takes_the_panels_width_under_the_table(opened):
    """In a lesson's frame the gradient table sits beside the sentence, above the
    step-through, which takes the panel's full width (beside a two-row table it had 63% of
    it, a column standing empty); a table of ten rows scrolls inside itself."""
    for problem in (line, minibatch):
        page = opened(problem, name=f"{problem.__name__}.html")
        page.page.set_viewport_size({"width": 1280, "height": LESSON_FRAME_PX})
        page.button("Step").click()
        page.button("Chain rule").click()
        sizes = page.page.evaluate("""() => {
            const box = id => document.getElementById(id).getBoundingClientRect();
            const table = document.getElementById('chain-grads');
            return {panel: document.getElementById('chain').clientWidth,
                    table: box('chain-grads').bottom, frame: box('stepthrough').top,
                    width: box('stepthrough').width, height: box('stepthrough').height,
                    hidden: table.scrollHeight - table.clientHeight}; }""")
        assert sizes["width"] >= FULL_WIDTH * sizes["panel"], (problem.__name__, sizes)
        assert sizes["frame"] >= sizes["table"], (problem.__name__, sizes)
        assert sizes["height"] >= LESSON_FRAME_PX * 0.6, (problem.__name__, sizes)
        assert (sizes["hidden"] > 0) == (problem is minibatch), (problem.__name__, sizes)
    page.page.set_viewport_size({"width": 700, "height": LESSON_FRAME_PX})  # a narrow window
    tops = page.page.evaluate("""() => ['chain-sample', 'chain-grads', 'stepthrough'].map(
        id => document.getElementById(id).getBoundingClientRect())
        .map(r => [Math.round(r.top), Math.round(r.bottom)])""")
    assert tops[0][1] <= tops[1][0] and tops[1][1] <= tops[2][0], tops  # one under another


def test_in_a_short_frame_the_step_throughs_legend_folds_under_its_summary(opened):
    """In a lesson's frame the legend's two lines go to the graph: it starts folded, and its
    summary opens it; in a taller window it is open, with no summary (as on its own page)."""
    for height, folded in ((LESSON_FRAME_PX, True), (VIEWPORT["height"], False)):
        page = opened(line, name=f"{height}.html")
        page.page.set_viewport_size({"width": 1280, "height": height})
        page.button("Chain rule").click()
        page.page.wait_for_selector("#stepthrough:not([aria-busy])")
        inner = page.page.frame_locator("#stepthrough")
        legend, summary = inner.get_by_label("legend"), inner.locator(".legend-fold summary")
        assert legend.is_visible() != folded and summary.is_visible() == folded, height
    page = opened(line, name="again.html")
    page.page.set_viewport_size({"width": 1280, "height": LESSON_FRAME_PX})
    page.button("Chain rule").click()
    page.page.wait_for_selector("#stepthrough:not([aria-busy])")
    summary_opens = page.page.frame_locator("#stepthrough")
    summary_opens.locator(".legend-fold summary").click()
    assert summary_opens.get_by_label("legend").is_visible()
    small = summary_opens.locator("body").evaluate("""(b, min) =>
        [...b.querySelectorAll('.legend-fold, .legend-fold *')]
        .filter(e => parseFloat(getComputedStyle(e).fontSize) < min).map(e => e.tagName)""",
                                                   MIN_FONT_PX)
    assert small == []


def test_the_step_through_opens_on_its_output_in_the_panel(opened):
    """Opened from the panel, in a lesson's frame, the step-through shows its output node
    (the current step) inside its view: it frames its first view at the size it is shown."""
    page = opened(line)
    page.page.set_viewport_size({"width": 1280, "height": LESSON_FRAME_PX})
    page.button("Step").click()
    page.page.get_by_label("sample", exact=True).fill("3")
    page.button("Chain rule").click()
    page.page.wait_for_selector("#stepthrough:not([aria-busy])")
    inner = page.page.locator("#stepthrough").element_handle().content_frame()
    inner.wait_for_function("window.chainruleLive")
    where = inner.evaluate("""() => {
        const box = e => { const r = e.getBoundingClientRect();
                           return [r.left, r.top, r.right, r.bottom]; };
        return [box(document.getElementById('view')),
                [...document.querySelectorAll('#view .current')].map(box)]; }""")
    view, current = where
    assert current, where
    for left, top, right, bottom in current:
        assert view[0] <= left and right <= view[2] and view[1] <= top and bottom <= view[3], \
            where


def test_text_is_at_least_11px(opened):
    page = opened(line)
    page.page.get_by_label("sample", exact=True).fill("2")
    page.button("Chain rule").click()
    small = page.page.evaluate("""min => [...document.querySelectorAll('body *')]
        .filter(e => [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))
        .filter(e => e.getClientRects().length)
        .map(e => [e.tagName, e.textContent.slice(0, 30), parseFloat(getComputedStyle(e).fontSize)])
        .filter(x => x[2] < min)""", MIN_FONT_PX)
    assert small == []


def test_jupyter_gets_the_page_in_an_iframe(browser, tmp_path):
    make, X, y, loss_fn, options = classifier()
    widget = viz.train_live(make(), X, y, loss_fn, **options)
    html = widget._repr_html_()
    assert html.startswith("<iframe srcdoc=")
    page = browser.new_page()
    page.set_content(html)
    inner = page.frame_locator("iframe")
    inner.get_by_role("button", name="Step", exact=True).click()
    assert inner.get_by_label("epoch", exact=True).text_content() == "1"
    page.close()
