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


SCOPES: dict = {}
GRAPHS = {"chain": lesson_graphs.chain, "neuron": neuron, "mlp": mlp_neuron, "every_op": every_op}


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
    paths = {name: viz.live(root, scopes=SCOPES.get(name)).save(out / f"{name}.html")
             for name, root in roots.items()}
    return paths, roots


@pytest.fixture
def open_page(browser, pages):
    opened = []

    def open_(name, path=None):
        paths, roots = pages
        page = browser.new_page(viewport=VIEWPORT)
        requests, problems = [], []
        page.on("request", lambda r: requests.append(r.url))
        page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning")
                else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on("dialog", lambda d: (problems.append("dialog: " + d.message), d.dismiss()))
        page.goto((path or paths[name]).as_uri())
        page.wait_for_function("window.chainrulePage !== undefined")
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


FRAMES = """() => chainrulePage.data.frames.map(f => [f.sentence, f.detail, f.texts])"""
INITIAL = """() => chainrulePage.data.initial"""


def lesson_texts(root):
    """What a lesson made in Python says: per frame (sentence, detail, texts), and the
    data and local-derivative texts of the picture."""
    lesson = viz.step_through(root)
    frames = [[f.sentence, f.detail, f.texts] for f in lesson.frames]
    cells = {c.id: c.text for c in lesson.picture.cells() if c.role in ("data", "local")}
    return frames, cells


# ---- tests ---------------------------------------------------------------------------------


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


@pytest.mark.parametrize("name", ["chain", "neuron"])
def test_every_text_and_sentence_recomputes_as_the_engine_would_write_it(name, open_page):
    page, root = open_page(name)
    leaves = leaves_of(root)
    values = [leaf.data for leaf in leaves]
    values[0] = -0.4375  # 4-digit rounding ties and all, the page writes numbers as Python does
    page.fill("#leaf-0", repr(values[0]))
    engine_root, _ = rebuild(root, values)
    frames, cells = lesson_texts(engine_root)
    assert page.evaluate(FRAMES) == frames
    initial = page.evaluate(INITIAL)
    assert {cid: initial[cid] for cid in cells} == cells
    page.click("#next")
    page.click("#next")
    assert page.locator("#narration").inner_text() == frames[2][0]
    for cid, text in frames[2][2].items():
        assert page.locator(f"#{cid}").text_content() == text


def test_number_format_matches_python_on_ties_and_extremes(open_page):
    page, _ = open_page("neuron")
    xs = [0.0, -0.0, 1.0625, -1.0625, 0.4375, 2.5, 1234.5, 12345.0, 1e-5, 1.5e-5, 0.0001,
          99995.0, 9.9995, 1e100, -3.0, 123.456, 1e-300, math.inf, -math.inf, math.nan]
    ours = page.evaluate("(xs) => xs.map(chainrulePage.fmt)", xs)
    assert ours == [fmt(x) for x in xs]


def test_sensitivity_is_grad_times_delta_beside_the_actual_change(open_page):
    page, root = open_page("neuron")
    leaves = leaves_of(root)
    k = [leaf.label for leaf in leaves].index("w₁")
    page.select_option("#sens-leaf", str(k))
    for delta in (0.01, 0.25, 1.5):
        page.fill("#sens-delta", repr(delta))
        grad = number(page, f"#leaf-{k}-grad")
        assert number(page, "#sens-predicted") == grad * delta
        values = [leaf.data for leaf in leaves]
        values[k] += delta
        moved, _ = rebuild(root, values)
        actual = number(page, "#sens-actual")
        assert math.isclose(actual, moved.data - root.data, rel_tol=1e-9, abs_tol=1e-15)
        gap = number(page, "#sens-gap")
        assert gap == actual - grad * delta
    # the linear approximation parts from the actual change as Δ grows
    gaps = []
    for delta in (0.01, 0.1, 1.0):
        page.fill("#sens-delta", repr(delta))
        gaps.append(abs(number(page, "#sens-gap")))
    assert gaps[0] < gaps[1] < gaps[2]


@pytest.mark.parametrize("name", ["chain", "every_op"])
def test_highlighted_code_line_is_the_current_step(name, open_page):
    page, root = open_page(name)
    program = viz.live(root).program
    lines = program.python.splitlines()
    assert page.locator("#code .current").inner_text().strip() == lines[program.seed_line].strip()
    for k, line in enumerate(program.step_line[:12], start=1):
        page.click("#next")
        current = page.locator("#code .current")
        if line is None:
            assert current.count() == 0
        else:
            assert current.inner_text().strip() == lines[line].strip()
            step = program.steps[k - 1]
            forward = page.locator("#code .forward").inner_text().strip()
            assert forward == lines[program.node_line[step.node]].strip()
            numbers = page.locator("#code-numbers").inner_text()
            assert numbers.endswith(f"{fmt(step.upstream)} × {fmt(step.local)} = "
                                    f"{fmt(step.contribution)}")


def test_predict_then_reveal(open_page):
    page, root = open_page("chain")
    steps = viz.live(root).program.steps
    page.check("#predict")
    page.click("#next")
    assert page.locator("#narration").inner_text().endswith("= ?")
    assert page.locator("#maths-numbers").inner_text().endswith("= ?")
    page.fill("#guess-value", "12345")
    page.click("#guess button[type=submit]")
    assert page.locator("#guess-result").get_attribute("data-ok") == "false"
    assert page.locator("#narration").inner_text().endswith(fmt(steps[0].contribution))
    page.click("#next")
    assert page.locator("#narration").inner_text().endswith("= ?")
    page.fill("#guess-value", repr(steps[1].contribution))
    page.click("#guess button[type=submit]")
    assert page.locator("#guess-result").get_attribute("data-ok") == "true"
    assert page.locator("#narration").inner_text().endswith(fmt(steps[1].contribution))


def test_every_leaf_has_a_labelled_control(open_page):
    page, root = open_page("mlp")
    labels = page.eval_on_selector_all("#leaves input[type=number]",
                                       "els => els.map(e => e.getAttribute('aria-label'))")
    assert len(set(labels)) == len(labels) == len(leaves_of(root))
    assert any(label.startswith("layers.") for label in labels)  # named by their scopes
    page, root = open_page("neuron")
    for leaf in leaves_of(root):
        box = page.get_by_label(leaf.label, exact=True)
        assert box.get_attribute("type") == "number"
        assert float(box.input_value()) == leaf.data
        assert page.get_by_label(f"{leaf.label} (slider)").get_attribute("type") == "range"


def test_an_op_javascript_cannot_compute_is_named_on_the_page(tmp_path, open_page):
    opaque = Op("hyp2", "h", "h(a)", lambda a: math.sqrt(1.0 + a * a),
                (lambda m, a, out: a / out,), ("a/h(a)",), "a hyperbola with no via")
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
            Array.from(e.childNodes).some(n => n.nodeType === 3 && n.textContent.trim()))
            .map(e => [e.tagName, parseFloat(getComputedStyle(e).fontSize)])""")
        small = [s for s in sizes if s[1] < MIN_FONT_PX]
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
        line = page.evaluate("""() => { const l = document.querySelector("#code .current");
          const p = document.getElementById("code").getBoundingClientRect();
          if (!l) { return null; } const r = l.getBoundingClientRect();
          return r.top >= p.top && r.bottom <= p.bottom; }""")
        assert line in (True, None)
    page.fill("#sens-delta", "0.5")
    page.locator("#sens-plot").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "mlp-sensitivity.png"))
    page.check("#predict")
    page.click("#next")
    page.wait_for_function("!document.getElementById('view').dataset.moving")
    page.screenshot(path=str(SHOTS / "mlp-predict.png"))


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
    frame.wait_for_function("window.chainrulePage !== undefined")
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


def test_leaving_an_ops_domain_is_said_and_the_slider_recomputes(tmp_path, open_page):
    x = Value(2.0, label="x")
    y = x.log() * x
    y.label = "y"
    page, _ = open_page("domain", viz.live(y).save(tmp_path / "domain.html"))
    assert page.locator("#live-status").inner_text() == ""
    page.fill("#leaf-0", "-1")
    assert "log is outside its domain (a > 0)" in page.locator("#live-status").inner_text()
    page.eval_on_selector("#leaf-0-range", """e => { e.value = "3";
        e.dispatchEvent(new Event("input", {bubbles: true})); }""")
    assert page.locator("#leaf-0").input_value() == "3"
    assert page.locator("#live-status").inner_text() == ""
    assert close(number(page, "#live-output"), math.log(3.0) * 3.0)
    assert close(number(page, "#leaf-0-grad"), math.log(3.0) + 1.0)


def test_a_graph_too_big_to_draw_is_refused_with_how_to():
    xs = [Value(0.01 * i, label=f"x{i}") for i in range(200)]
    root = vsum([x * x for x in xs])
    with pytest.raises(ValueError, match="sub-graph"):
        viz.live(root, max_nodes=50)
