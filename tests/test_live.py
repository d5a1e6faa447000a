"""Live lessons in headless Chromium: nudge an input, and every number equals the engine's."""

from __future__ import annotations

import math
from pathlib import Path

import lesson_graphs
import pytest

import viz
from autograd import OPS, Op, Value, apply, topological_order
from autograd import sum as vsum
from viz._text import fmt, shorten
from viz.live import tape_names

VIEWPORT = {"width": 1280, "height": 800}
REL = 1e-12  # page against engine: V8's and the C library's elementary functions differ by ulps
MIN_FONT_PX = 11
SHOTS = Path(__file__).resolve().parent.parent / "out" / "live"


# ---- the graphs ----------------------------------------------------------------------------


def neuron():
    """One tanh neuron: o = tanh(x₁w₁ + x₂w₂ + b)."""
    x1, x2 = Value(2.0, label="x₁"), Value(0.0, label="x₂")
    w1, w2 = Value(-3.0, label="w₁"), Value(1.0, label="w₂")
    b = Value(6.8813735870195432, label="b")
    n = x1 * w1 + x2 * w2 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return o


def mlp_neuron():
    """A 2-2-1 MLP's squared error on one point (its scopes name the weights)."""
    loss, SCOPES["mlp"] = lesson_graphs.mlp_neuron()
    return loss


def every_op():
    """One node of every op of the table, each fed inputs squashed into (0.2, 0.8), where
    every op is defined and smooth, whatever the leaves; their sum is the output."""
    leaves = [Value(0.3, label="a"), Value(-0.8, label="b"), Value(1.1, label="c")]

    def squash(j):
        t = leaves[j % 3] * (0.5 + 0.1 * j) + leaves[(j + 1) % 3] * 0.3
        return t.sigmoid() * 0.6 + 0.2

    pool = [squash(j) for j in range(4)]
    outs = []
    for j, op in enumerate(OPS):
        n = 2 * len(op.rules) if op.arity == 0 else op.arity
        ins = [pool[(j + i) % len(pool)] for i in range(n)]
        if op.name in ("maximum", "minimum"):
            ins[1] = ins[1] + 1.0  # never a tie
        params = {}
        if op.param:
            params = {op.param[0]: {"pow": 1.5, "leaky_relu": 0.1}.get(op.name, (0.0, 0.9))}
        out = apply(op, *ins, **params)
        out.label = op.name
        outs.append(out)
    root = vsum(outs)
    root.label = "L"
    return root


def paths_2_and_3():
    """u = x·w, v = tanh(u + w), L = u·v: x reaches L by 2 paths, w by 3."""
    x, w = Value(0.7, label="x"), Value(-1.3, label="w")
    u = x * w
    u.label = "u"
    v = (u + w).tanh()
    v.label = "v"
    loss = u * v
    loss.label = "L"
    return loss


SCOPES: dict = {}
GRAPHS = {"chain": lesson_graphs.chain, "neuron": neuron, "mlp": mlp_neuron,
          "every_op": every_op, "paths": paths_2_and_3}


def leaves_of(root):
    return viz.live(root).program.leaves


def rebuild(root, values):
    """The same graph built again by the engine (labels kept, constants shared), with the
    non-constant leaves set to ``values``; then ``backward()``."""
    leaves = leaves_of(root)
    new = {leaf: Value(v, label=leaf.label) for leaf, v in zip(leaves, values)}
    for node in topological_order(root):
        if node.op is None:
            new.setdefault(node, node)
            continue
        params = {node.op.param[0]: node.arg} if node.op.param else {}
        new[node] = apply(node.op, *[new[p] for p in node.parents], **params)
        new[node].label = node.label
    out = new[root]
    out.backward()
    return out, [new[leaf] for leaf in leaves]


def close(ours, theirs, rel=REL):
    return math.isclose(ours, theirs, rel_tol=rel, abs_tol=rel * 1e-3)


# ---- the browser ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    out = tmp_path_factory.mktemp("live")
    roots = {name: make() for name, make in GRAPHS.items()}
    paths = {name: viz.live(root, scopes=SCOPES.get(name), rankdir="TB").save(out / f"{name}.html")
             for name, root in roots.items()}
    return paths, roots


@pytest.fixture
def open_page(browser, pages):
    opened = []

    def open_(name, path=None, hash=""):
        paths, roots = pages
        page = browser.new_page(viewport=VIEWPORT)
        requests, problems = [], []
        page.on("request", lambda r: requests.append(r.url))
        page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning")
                else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on("dialog", lambda d: (problems.append("dialog: " + d.message), d.dismiss()))
        page.goto((path or paths[name]).as_uri() + hash)
        page.wait_for_function("window.chainruleLive !== undefined || "
                               "document.querySelector('#leaves[disabled]') !== null")
        opened.append((page, requests, problems))
        return page, roots.get(name)

    yield open_
    for page, requests, problems in opened:
        assert all(u.startswith(("file:", "data:", "about:")) for u in requests), requests
        assert problems == []
        page.close()


def number(page, selector):
    return float(page.locator(selector).get_attribute("data-value"))


def read(page, n):
    """The page's output and every leaf's gradient (full precision)."""
    return number(page, "#live-output"), [number(page, f"#leaf-{i}-grad") for i in range(n)]


FRAME = """(k) => { const f = chainrulePage.frame(k); return [f.sentence, f.detail, f.texts]; }"""


# ---- the numbers ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", GRAPHS)
def test_nudged_input_gives_the_engines_numbers(name, open_page):
    page, root = open_page(name)
    leaves = leaves_of(root)
    out, grads = read(page, len(leaves))
    assert out == root.data  # the traced values, recomputed in the browser
    values = [leaf.data for leaf in leaves]
    for k in (0, len(leaves) - 1):  # one input, then another as well
        values[k] = values[k] * 0.8 + 0.13
        page.fill(f"#leaf-{k}", repr(values[k]))
        engine_out, engine_leaves = rebuild(root, values)
        out, grads = read(page, len(leaves))
        assert close(out, engine_out.data), (out, engine_out.data)
        bad = [(leaf.label, g, e.grad) for leaf, g, e in zip(leaves, grads, engine_leaves)
               if not close(g, e.grad)]
        assert not bad, f"{name}, {leaves[k].label} nudged: (leaf, page, engine) {bad}"
    page.click("#reset")
    out, grads = read(page, len(leaves))
    assert out == root.data


@pytest.mark.parametrize("name", ["chain", "neuron", "mlp"])
def test_a_nudge_explains_itself_with_the_engines_numbers(name, open_page):
    """Before → after, the actual change, and the gradient's prediction taken BEFORE the
    nudge, beside the control that was moved; the next nudge starts where this one ended."""
    page, root = open_page(name)
    leaves = leaves_of(root)
    assert page.locator("#nudge").is_hidden()
    values = [leaf.data for leaf in leaves]
    k = len(leaves) // 2
    for delta in (0.5, -0.2):
        before_out, before_leaves = rebuild(root, values)
        moved = list(values)
        moved[k] += delta
        page.fill(f"#leaf-{k}", repr(moved[k]))
        after_out, _ = rebuild(root, moved)
        nudge = page.locator(f"#leaf-{k}-row #nudge")
        assert nudge.is_visible()  # by the control
        slope = before_leaves[k].grad
        assert close(number(page, "#nudge-from"), values[k])
        assert close(number(page, "#nudge-before"), before_out.data)
        assert close(number(page, "#nudge-after"), after_out.data)
        actual = number(page, "#nudge-actual")
        assert math.isclose(actual, after_out.data - before_out.data, rel_tol=1e-9,
                            abs_tol=1e-14)
        assert close(number(page, "#nudge-slope"), slope)
        predicted = number(page, "#nudge-predicted")
        assert math.isclose(predicted, slope * (moved[k] - values[k]), rel_tol=1e-9)
        assert number(page, "#nudge-gap") == actual - predicted
        assert fmt(after_out.data) in nudge.inner_text()
        page.press(f"#leaf-{k}", "Enter")  # let go: the next nudge starts from here
        page.locator(f"#leaf-{k}").dispatch_event("change")
        values = moved
    box = page.locator("#nudge").bounding_box()
    assert box["y"] + box["height"] <= VIEWPORT["height"]  # seen without scrolling


def test_the_readout_of_the_last_input_is_in_view_in_a_short_frame(browser, pages):
    paths, roots = pages
    page = browser.new_page(viewport={"width": 1240, "height": 680})  # a lesson's frame
    page.goto(paths["mlp"].as_uri())
    page.wait_for_function("window.chainruleLive !== undefined")
    last = len(leaves_of(roots["mlp"])) - 1
    page.locator(f"#leaf-{last}").scroll_into_view_if_needed()
    page.fill(f"#leaf-{last}", "0.5")
    page.wait_for_function("""() => {  // scrolled there at the next frame
        const n = document.getElementById("nudge").getBoundingClientRect();
        const l = document.getElementById("leaves").getBoundingClientRect();
        return n.top >= l.top - 1 && n.bottom <= l.bottom + 1 && n.bottom <= innerHeight; }""",
        timeout=2000)
    page.close()


def test_in_a_very_short_frame_the_plots_caption_can_be_scrolled_to(browser, pages, tmp_path):
    """A frame too short for the inputs and the plot scrolls the panel under the wheel (its
    caption was cut off by overflow: hidden); a wide graph's overview stays tall enough to
    see and click (a chain drawn left to right made it a 12-px strip)."""
    paths, _ = pages
    page = browser.new_page(viewport={"width": 1000, "height": 520})
    page.goto(paths["mlp"].as_uri())
    page.wait_for_function("window.chainruleLive !== undefined")
    panel = page.locator("#panel-nudge")
    plot = page.locator("#sens-plot").bounding_box()
    page.mouse.move(plot["x"] + plot["width"] / 2, plot["y"] + 10)
    for _ in range(10):
        page.mouse.wheel(0, 200)
    page.wait_for_timeout(300)
    caption = page.locator("#sens figcaption").bounding_box()
    box = panel.bounding_box()
    assert caption["y"] + caption["height"] <= box["y"] + box["height"] + 1, (caption, box)
    x = Value(0.3, label="x")
    y = x
    for i in range(12):
        y = (y * Value(0.9, label=f"w{i}")).tanh()
    page.goto(viz.live(y).save(tmp_path / "wide.html").as_uri())
    page.wait_for_function("window.chainruleLive !== undefined")
    assert page.get_by_label("overview", exact=True).bounding_box()["height"] >= 36
    page.close()


def test_the_sensitivity_plot_has_labelled_axes_with_a_scale(open_page):
    page, _ = open_page("neuron")
    page.fill("#leaf-1", "-2.5")  # w₁: −3 → −2.5
    page.wait_for_function("document.querySelector('#sens-plot text.label') !== null && "
                           "document.getElementById('sens-caption').textContent.includes('w₁')")
    labels = page.locator("#sens-plot text.label").all_text_contents()
    assert labels == ["Δ, the nudge of w₁", "change of o"]
    ticks = page.locator("#sens-plot text:not(.label)").all_text_contents()
    values = [float(t.replace("−", "-")) for t in ticks]
    assert len(values) >= 6 and 0.0 in values  # both axes numbered, through 0
    dots = page.locator("#sens-plot circle").count()
    assert dots == 2  # the actual change and the prediction, at this Δ
    box = page.locator("#sens-plot").bounding_box()
    assert box["y"] + box["height"] <= VIEWPORT["height"]


@pytest.mark.parametrize("name", ["chain", "mlp"])
def test_the_plots_axis_labels_stay_clear_of_its_numbers(name, open_page):
    page, root = open_page(name)
    first = leaves_of(root)[0].data
    for value in (first, first + 1e-3):  # before a nudge, then a small one: long tick labels
        page.fill("#leaf-0", repr(value))
        page.evaluate("() => new Promise(requestAnimationFrame)")
        page.evaluate("() => new Promise(requestAnimationFrame)")
        boxes = page.eval_on_selector_all("#sens-plot text", """els => els.map(e => {
            const r = e.getBoundingClientRect();
            return [e.classList.contains('label'), r.left, r.top, r.right, r.bottom]; })""")
        labels = [b[1:] for b in boxes if b[0]]
        numbers = [b[1:] for b in boxes if not b[0]]
        for a in labels:
            for b in numbers:
                apart = a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
                assert apart, (name, value, a, b)


def test_typing_keeps_one_nudge_from_the_value_before(open_page):
    page, _ = open_page("neuron")
    page.click("#leaf-1")
    page.keyboard.press("Control+A")
    page.keyboard.type("-2.5")  # keystrokes of one edit: −, −2, −2., −2.5
    assert number(page, "#nudge-from") == -3.0 and number(page, "#nudge-to") == -2.5
    assert page.locator("#nudge-actual").inner_text() == "+0.2475"  # o 0.7071 → 0.9546
    assert page.locator("#nudge-predicted").inner_text() == "+0.5"


def test_the_slider_moves_in_round_steps_of_the_leafs_scale(open_page):
    page, root = open_page("neuron")
    slider = page.locator("#leaf-1-range")  # w₁ = −3: range ±6 around it
    assert slider.get_attribute("step") == "0.1"
    slider.focus()
    page.keyboard.press("ArrowRight")
    assert page.locator("#leaf-1").input_value() == "-2.9"
    assert number(page, "#nudge-to") == -2.9
    out, _ = rebuild(root, [2.0, -2.9, 0.0, 1.0, 6.8813735870195432])
    assert close(number(page, "#live-output"), out.data)


@pytest.mark.parametrize("name", ["chain", "neuron"])
def test_every_text_and_sentence_recomputes_as_the_engine_would_write_it(name, open_page):
    page, root = open_page(name)
    leaves = leaves_of(root)
    values = [leaf.data for leaf in leaves]
    values[0] = -0.4375  # 4-digit rounding ties and all, the page writes numbers as Python does
    page.fill("#leaf-0", repr(values[0]))
    engine_root, _ = rebuild(root, values)
    lesson = viz.step_through(engine_root)
    cells = {c.id: c.text for c in lesson.picture.cells() if c.role in ("data", "local")}
    first = page.evaluate(FRAME, 0)[2]
    assert {cid: first[cid] for cid in cells} == cells
    for k, frame in enumerate(lesson.frames):
        sentence, detail, texts = page.evaluate(FRAME, k)
        assert (sentence, detail) == (frame.sentence, frame.detail)
        assert {cid: texts[cid] for cid in frame.texts} == frame.texts
    page.click("#next")
    page.click("#next")
    assert page.locator("#narration").inner_text() == lesson.frames[2].sentence
    for cid, text in lesson.frames[2].texts.items():
        assert page.locator(f"#{cid}").text_content() == text


def test_no_step_names_a_constant_and_data_leaves_have_controls(open_page):
    page, root = open_page("chain")
    sentences = [page.evaluate(FRAME, k)[0] for k in range(len(viz.step_through(root)))]
    assert not [s for s in sentences if "∂½" in s or "∂(−1)" in s or "∂1 " in s]
    labels = page.eval_on_selector_all("#leaves input[type=number]",
                                       "els => els.map(e => e.getAttribute('aria-label'))")
    assert labels == ["w₁", "x", "w₂", "w₃", "ê"]  # top to bottom, as the forward pass reads them
    page.wait_for_function(  # the plot, before any nudge, is of the first input listed
        "document.getElementById('sens-plot').textContent.includes('the nudge of w₁')")


def test_the_inputs_a_lesson_asks_for_head_the_list(tmp_path, open_page):
    root = lesson_graphs.chain()
    named = {n.label: n for n in topological_order(root)}
    path = viz.live(root, first=[named["w₃"]]).save(tmp_path / "first.html")
    page, _ = open_page("first", path)
    labels = page.eval_on_selector_all("#leaves input[type=number]",
                                       "els => els.map(e => e.getAttribute('aria-label'))")
    assert labels == ["w₃", "w₁", "x", "w₂", "ê"]
    page.wait_for_function(
        "document.getElementById('sens-plot').textContent.includes('the nudge of w₃')")
    for node in (named["y"], Value(1.0, label="elsewhere")):
        with pytest.raises(ValueError, match=r"first= names .* not an input of the graph"):
            viz.live(root, first=[node])


def test_the_plot_before_a_nudge_is_of_the_first_input_that_moves_the_output(browser):
    """A trainer's sample at t = 0 gives ∂L/∂w = 0: the plot is of the next input listed
    (a flat line of w taught nothing), and of w again once leaves with t ≠ 0 are set."""
    w, t, b = Value(-0.23, label="w"), Value(0.0, label="t"), Value(4.09, label="b")
    loss = (w * t + b + -1.0) ** 2
    loss.label = "L"
    outer = browser.new_page(viewport=VIEWPORT)
    outer.set_content(viz.live(loss).iframe())
    frame = outer.frames[1]
    frame.wait_for_function("window.chainruleLive !== undefined")
    plotted = "document.getElementById('sens-plot').textContent.includes('the nudge of {}')"
    assert frame.eval_on_selector_all("#leaves input[type=number]", "els => els.map(e => "
                                      "e.getAttribute('aria-label'))")[0] == "w"
    frame.wait_for_function(plotted.format("t"))
    frame.evaluate("chainruleLive.setLeaves(chainruleLive.leaves().map(v => v === 0 ? 2 : v))")
    frame.wait_for_function(plotted.format("w"))
    outer.close()


def test_on_its_own_page_the_legend_is_open_without_a_summary(open_page):
    """The legend folds only where a trainer's short panel folds it (tests/test_train_live.py)."""
    page, _ = open_page("neuron")
    assert page.get_by_label("legend").is_visible()
    assert not page.locator(".legend-fold summary").is_visible()


# ---- the sum over paths ----------------------------------------------------------------------


def test_the_chain_rule_panel_is_the_sum_over_paths_and_follows_a_nudge(open_page):
    page, root = open_page("paths")
    lesson = viz.step_through(root)
    named = {lesson.names[n]: n for n in topological_order(root)}
    for name, count in (("x", 2), ("w", 3)):
        element = lesson.picture.element[named[name]]
        page.evaluate("(id) => chainrulePage.reveal([id])", element)
        page.wait_for_function("!document.getElementById('view').dataset.moving")
        page.click(f"#{element}")
        panel = page.get_by_label(f"chain rule for {name}")
        assert panel.is_visible()
        products = [float(v) for v in panel.locator("li").evaluate_all(
            "els => els.map(e => e.dataset.value)")]
        assert len(products) == count
        expected = sorted(path_products(root, named[name]))
        assert all(close(a, b) for a, b in zip(sorted(products), expected)), (products, expected)
        _, fresh = rebuild(root, [leaf.data for leaf in leaves_of(root)])
        grad = fresh[[leaf.label for leaf in leaves_of(root)].index(name)].grad
        assert close(float(panel.locator(".sum").get_attribute("data-value")), grad)
        assert close(float(panel.locator(".grad").get_attribute("data-value")), grad)
        lit = page.locator("#graph .edge.on-path").count()
        assert lit >= count  # the paths light up in the picture
    page.fill("#leaf-0", "0.25")  # x
    panel = page.get_by_label("chain rule for w")
    _, fresh = rebuild(root, [0.25, -1.3])
    assert close(float(panel.locator(".grad").get_attribute("data-value")), fresh[1].grad)
    page.keyboard.press("Escape")
    assert panel.is_hidden() and page.locator(".on-path").count() == 0
    page.focus(f"#{lesson.picture.element[named['u']]}")
    page.keyboard.press("Enter")
    assert page.get_by_label("chain rule for u").is_visible()


def test_each_path_names_its_seed_before_its_local_derivatives(open_page):
    """A path of n arrows reads as n + 1 factors: the panel says the first is the seed."""
    page, root = open_page("paths")
    lesson = viz.step_through(root)
    named = {lesson.names[n]: n for n in topological_order(root)}
    element = lesson.picture.element[named["x"]]
    page.evaluate("(id) => chainrulePage.reveal([id])", element)
    page.wait_for_function(SETTLED)
    page.click(f"#{element}")
    panel = page.get_by_label("chain rule for x")
    assert f"each starts at the seed ∂L/∂L = {fmt(1.0)}" in panel.inner_text()
    for item in panel.locator("li").all():
        arrows = item.locator(".route").inner_text().count("→")
        factors = item.locator(".product").inner_text().split(" = ")[0].split(" × ")
        assert len(factors) == arrows + 1 and factors[0] == fmt(1.0)


def in_view(page, element):
    box, view = page.locator(f"#{element}").bounding_box(), page.locator("#view").bounding_box()
    return (view["x"] <= box["x"] and box["x"] + box["width"] <= view["x"] + view["width"]
            and view["y"] <= box["y"] and box["y"] + box["height"] <= view["y"] + view["height"])


CAMERA = "document.getElementById('camera').getAttribute('transform')"
SETTLED = "!document.getElementById('view').dataset.moving"


def test_a_nudge_leaves_the_view_where_the_learner_put_it(open_page):
    """A caption's link (even on a page just opened) or a click puts a node in view; a
    nudge, an answer in practice or the practice switch rewrite numbers, never the view."""
    page, root = open_page("paths", hash="#show=u")
    lesson = viz.step_through(root)
    u = lesson.picture.element[next(n for n in lesson.names if lesson.names[n] == "u")]
    page.wait_for_function(SETTLED)
    assert in_view(page, u)
    page.click(f"#{u}")
    camera = page.evaluate(CAMERA)
    page.fill("#leaf-0", "0.25")
    page.evaluate("() => new Promise(requestAnimationFrame)")
    page.click("#tab-practice")
    page.check("#predict")
    assert page.evaluate(CAMERA) == camera and in_view(page, u)


def test_the_chain_rule_panel_leaves_its_node_in_sight(open_page):
    page, root = open_page("neuron")
    lesson = viz.step_through(root)
    x1 = lesson.picture.element[next(n for n in lesson.names if lesson.names[n] == "x₁")]
    page.evaluate("(id) => chainrulePage.reveal([id])", x1)
    page.wait_for_function(SETTLED)
    node, view = page.locator(f"#{x1}").bounding_box(), page.locator("#view").bounding_box()
    start = (node["x"] + 10, node["y"] + 10)  # drag the node to the view's lower left corner
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move(view["x"] + 30, view["y"] + view["height"] - node["height"] - 10, steps=5)
    page.mouse.up()
    page.click(f"#{x1}")
    page.wait_for_function(SETTLED)
    node = page.locator(f"#{x1}").bounding_box()
    panel = page.get_by_label("chain rule for x₁").bounding_box()
    apart = (node["x"] >= panel["x"] + panel["width"] or node["y"] + node["height"] <= panel["y"])
    assert apart, (node, panel)
    assert in_view(page, x1)


def path_products(root, node):
    """Every path's product of local derivatives from root down to node (the oracle: the
    engine's backward steps, multiplied along each path)."""
    from autograd import backward_steps

    steps = [s for s in backward_steps(root) if not s.input.is_constant]
    out = []

    def walk(at, product):
        if at is node:
            out.append(product)
            return
        for s in steps:
            if s.node is at:
                walk(s.input, product * s.local)

    walk(root, 1.0)
    return out


# ---- practice, the tape, the controls ------------------------------------------------------


def test_practice_asks_the_local_derivative_then_the_product(open_page):
    page, root = open_page("chain")
    steps = viz.step_through(root).steps
    page.click("#tab-practice")
    page.check("#predict")
    page.click("#next")
    assert page.locator("#narration").inner_text().endswith("· ? = ?")
    term = viz.step_through(root).frames[1].sentence.split(" = ")[0]  # the narration's words
    assert page.locator("#narration").inner_text() == f"{term} = {fmt(steps[0].upstream)} · ? = ?"
    local_cell = page.locator("#graph text").filter(has_text="= ?")
    assert local_cell.count() >= 1  # the local derivatives to come are hidden in the picture
    page.fill("#guess-value", "12345")
    page.click("#guess button[type=submit]")
    assert page.locator("#guess-result").get_attribute("data-ok") == "false"
    assert page.locator("#narration").inner_text().endswith("· ? = ?")  # a retry, no reveal
    page.fill("#guess-value", repr(steps[0].local))
    page.click("#guess button[type=submit]")
    assert page.locator("#guess-result").get_attribute("data-ok") == "true"
    assert page.locator("#narration").inner_text().endswith(f"· {fmt(steps[0].local)} = ?")
    page.fill("#guess-value", fmt(steps[0].contribution).replace("−", "-"))
    page.click("#guess button[type=submit]")
    assert page.locator("#narration").inner_text().endswith(fmt(steps[0].contribution))
    score = page.locator("#score")
    assert (score.get_attribute("data-right"), score.get_attribute("data-asked")) == ("1", "2")
    page.click("#next")
    page.click("#reveal")  # show me
    assert page.locator("#guess-result").inner_text() == f"It is {fmt(steps[1].local)}."
    assert score.get_attribute("data-asked") == "3" and score.get_attribute("data-right") == "1"


def test_practice_shows_its_answer_box_only_while_it_asks(open_page):
    """Off, or at the seed, there is no question: no answer box, and a stray submit is
    ignored (it used to read the frame before the first and throw)."""
    page, _ = open_page("chain")
    page.click("#tab-practice")
    assert page.locator("#guess").is_hidden()
    page.evaluate("document.getElementById('guess').requestSubmit()")
    page.evaluate("document.getElementById('reveal').click()")
    assert page.locator("#guess-result").inner_text() == ""
    assert page.locator("#score").get_attribute("data-asked") == "0"
    page.check("#predict")
    assert page.locator("#guess").is_hidden()  # step 0, the seed: nothing to answer
    page.click("#next")
    assert page.locator("#guess").is_visible()


def test_practice_hides_the_steps_to_come_and_shows_the_steps_passed(open_page):
    """A step passed without an answer shows its local derivative beside its product; the
    current step's and those to come stay hidden."""
    page, root = open_page("chain")
    lesson = viz.step_through(root)
    page.click("#tab-practice")
    page.check("#predict")
    at = 3
    for _ in range(at):
        page.click("#next")
    texts = page.evaluate(FRAME, at)[2]
    for k, frame in enumerate(lesson.frames[1:], start=1):
        step = frame.step
        local = texts[lesson.picture.edge_of[(step.node, step.index)] + "-local"]
        assert local.endswith("= ?" if k >= at else f"= {fmt(step.local)}"), (k, local)


@pytest.mark.parametrize("name", ["chain", "every_op"])
def test_highlighted_code_line_is_the_current_step(name, open_page):
    page, root = open_page(name)
    program, lesson = viz.live(root).program, viz.step_through(root)
    at = {(s.node, s.index): k for k, s in enumerate(program.steps)}
    lines = program.python.splitlines()
    page.click("#tab-code")
    assert page.locator("#code .current").inner_text().strip() == lines[program.seed_line].strip()
    for step in lesson.steps[:12]:
        page.click("#next")
        line = program.step_line[at[(step.node, step.index)]]
        current = page.locator("#code .current")
        if line is None:
            assert current.count() == 0
            continue
        assert current.inner_text().strip() == lines[line].strip()
        forward = page.locator("#code .forward").inner_text().strip()
        assert forward == lines[program.node_line[step.node]].strip()
        numbers = page.locator("#code-numbers").inner_text()
        assert numbers.endswith(f"{fmt(step.upstream)} × {fmt(step.local)} = "
                                f"{fmt(step.contribution)}")
    clipped = page.evaluate("""() => Array.from(document.querySelectorAll('#code .line'))
        .filter(e => e.scrollWidth > e.clientWidth + 1).length""")
    assert clipped == 0  # long lines wrap: nothing is cut off


def test_the_code_panel_opened_late_shows_the_current_line(open_page):
    page, root = open_page("every_op")
    page.locator("#slider").fill(str(len(viz.step_through(root)) - 2))  # the tape's last lines
    page.click("#tab-code")
    line, box = page.locator("#code .current").bounding_box(), page.locator("#code").bounding_box()
    assert box["y"] <= line["y"] and line["y"] + line["height"] <= box["y"] + box["height"]


def test_an_embedding_page_sets_and_reads_the_leaves(browser):
    """A live trainer frames the page (Live.iframe) and shows one sample at its current
    weights through window.chainruleLive, in the order of Live.program.leaves."""
    root = neuron()
    leaves = leaves_of(root)
    outer = browser.new_page(viewport=VIEWPORT)
    problems = []
    outer.on("pageerror", lambda e: problems.append(str(e)))
    outer.set_content(viz.live(root).iframe())
    frame = outer.frames[1]
    frame.wait_for_function("window.chainruleLive !== undefined")
    assert frame.evaluate("chainruleLive.leaves()") == [leaf.data for leaf in leaves]
    values = [leaf.data * 0.5 - 0.25 for leaf in leaves]
    outer.evaluate("(v) => document.querySelector('iframe').contentWindow"
                   ".chainruleLive.setLeaves(v)", values)
    engine_out, engine_leaves = rebuild(root, values)
    out, grads = read(frame, len(leaves))
    assert close(out, engine_out.data)
    assert all(close(g, e.grad) for g, e in zip(grads, engine_leaves))
    assert frame.evaluate("chainruleLive.leaves()") == values
    shown = [float(frame.locator(f"#leaf-{i}").input_value()) for i in range(len(leaves))]
    assert shown == [float(f"{v:.7g}") for v in values]  # 7 digits shown, nothing cut off
    with pytest.raises(Exception, match="5 values needed, got 2"):
        frame.evaluate("chainruleLive.setLeaves([1, 2])")
    assert problems == []
    outer.close()


def test_every_leaf_has_a_labelled_control(open_page):
    page, root = open_page("mlp")
    labels = page.eval_on_selector_all("#leaves input[type=number]",
                                       "els => els.map(e => e.getAttribute('aria-label'))")
    assert len(set(labels)) == len(labels) == len(leaves_of(root))
    assert any(label.startswith("layers.") for label in labels)  # named by their scopes
    cut = page.eval_on_selector_all("#leaves input[type=number]",
                                    "els => els.filter(e => e.scrollWidth > e.clientWidth)"
                                    ".map(e => e.value)")
    assert cut == []  # every value fits its box
    page, root = open_page("neuron")
    for leaf in leaves_of(root):
        box = page.get_by_label(leaf.label, exact=True)
        assert box.get_attribute("type") == "number"
        assert float(box.input_value()) == float(f"{leaf.data:.7g}")
        assert page.get_by_label(f"{leaf.label} slider").get_attribute("type") == "range"


def test_an_op_javascript_cannot_compute_is_named_on_the_page(tmp_path, open_page):
    opaque = Op("hyp2", "h", "h(a)", lambda a: math.sqrt(1.0 + a * a),
                (lambda m, a, out: a / out,), None, "a hyperbola with no via")
    x = Value(0.7, label="x")
    y = apply(opaque, x).tanh()
    y.label = "y"
    path = viz.live(y).save(tmp_path / "opaque.html")
    page, _ = open_page("opaque", path)
    assert "cannot compute op(s) hyp2" in page.locator(".note").inner_text()
    assert page.locator("#leaf-0").is_disabled()  # inside the disabled fieldset


def test_screenshots_text_size_and_current_step_in_view(open_page):
    SHOTS.mkdir(parents=True, exist_ok=True)
    for name in ("neuron", "chain", "mlp"):
        page, _ = open_page(name)
        page.fill("#leaf-0", "0.75")
        for _ in range(3):
            page.click("#next")
        page.wait_for_function("!document.getElementById('view').dataset.moving")
        page.screenshot(path=str(SHOTS / f"{name}.png"))
        sizes = page.evaluate("""() => Array.from(document.querySelectorAll(
            '#live *, header *')).filter(e => e.childNodes.length &&
            Array.from(e.childNodes).some(n => n.nodeType === 3 && n.textContent.trim()) &&
            e.getClientRects().length)
            .map(e => [e.tagName, e.id, parseFloat(getComputedStyle(e).fontSize)])""")
        small = [s for s in sizes if s[2] < MIN_FONT_PX]
        assert not small, small
        boxes = page.evaluate("""() => {
          const v = document.getElementById("view").getBoundingClientRect();
          return [[v.left, v.top, v.right, v.bottom]].concat(
            Array.from(document.querySelectorAll('#graph [aria-current="step"]')).map(e => {
              const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; }));
        }""")
        (left, top, right, bottom), *current = boxes
        assert current
        for x0, y0, x1, y1 in current:
            assert left <= x0 and x1 <= right and top <= y0 and y1 <= bottom, (name, boxes)
    page.click("#tab-practice")
    page.check("#predict")
    page.click("#next")
    page.wait_for_function("!document.getElementById('view').dataset.moving")
    page.screenshot(path=str(SHOTS / "mlp-practice.png"))


def test_repr_html_runs_in_a_notebook(tmp_path, browser):
    nbformat = pytest.importorskip("nbformat", reason="nbformat is in the test extra")
    nbclient = pytest.importorskip("nbclient", reason="nbclient is in the test extra")
    notebook = nbformat.v4.new_notebook()
    notebook.cells.append(nbformat.v4.new_code_cell(
        "from autograd import Value\nimport viz\n"
        "w, x = Value(2.0, label='w'), Value(-0.5, label='x')\n"
        "y = (w * x).tanh()\ny.label = 'y'\nviz.live(y)"))
    nbclient.NotebookClient(notebook, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(Path.cwd())}}).execute()
    html = notebook.cells[0].outputs[0]["data"]["text/html"]
    assert html.startswith("<iframe srcdoc=")
    page = browser.new_page(viewport=VIEWPORT)
    page.set_content(html)
    frame = page.frames[1]
    frame.wait_for_function("window.chainruleLive !== undefined")
    frame.fill("#leaf-0", "1.5")
    w, x = Value(1.5), Value(-0.5)
    y = (w * x).tanh()
    y.backward()
    assert close(float(frame.locator("#live-output").get_attribute("data-value")), y.data)
    assert close(float(frame.locator("#leaf-0-grad").get_attribute("data-value")), w.grad)
    page.close()


def test_hostile_labels_stay_text(tmp_path, open_page):
    evil = '<script>alert(1)</script>"]; x -> y [</script>'
    w, x = Value(2.0, label="w"), Value(-0.5, label=evil)
    y = (w * x).tanh()
    y.label = "</script><b>y"
    page, _ = open_page("evil", viz.live(y).save(tmp_path / "evil.html"))
    assert page.get_by_label(shorten(evil), exact=True).get_attribute("type") == "number"
    page.fill("#leaf-1", "0.25")
    engine, _ = rebuild(y, [2.0, 0.25])
    assert close(number(page, "#live-output"), engine.data)
    assert page.locator("b").count() == 0


def test_a_graph_too_big_to_draw_is_refused_with_how_to():
    xs = [Value(0.01 * i, label=f"x{i}") for i in range(200)]
    root = vsum([x * x for x in xs])
    with pytest.raises(ValueError, match="sub-graph"):
        viz.live(root, max_nodes=50)


def test_the_tape_panel_reads_like_the_picture(open_page):
    page, _ = open_page("chain")
    code = page.locator("#code").inner_text()
    for name in ("w1", "w2", "w3", "x", "e_hat", "y", "z", "e", "L", "e_minus_e_hat",
                 "e_minus_e_hat_sq"):
        assert f" {name} " in code or f" {name}," in code or f"({name}" in code, name
    assert "__" not in code  # no label mangled into underscores


def test_the_tape_names_an_expression_in_words():
    """Named as the picture names it: an expression in words, never a numbered op (sub_2)."""
    lesson = viz.step_through(lesson_graphs.chain())
    named = {lesson.names[n]: name for n, name in tape_names(lesson).items()}
    assert (named["ê"], named["e − ê"], named["(e − ê)²"]) == \
        ("e_hat", "e_minus_e_hat", "e_minus_e_hat_sq")
