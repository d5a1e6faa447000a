"""viz.html: the step-through page and the picture page, in real headless Chromium.

Every frame of a chain lesson and of an MLP neuron lesson keeps the current step
(``aria-current="step"``) inside the 1280×800 viewport, after Next and after the arrow
keys; graph text is legible at the default zoom; nothing is fetched; nothing logs an error.
"""

import math
import re

import lesson_graphs
import pytest

import viz
from autograd import Value, backward_steps, grad
from examples import modes
from viz._text import DIGITS, fmt, parse, shorten

NARRATION_RTOL = 0.5 * 10 ** (1 - DIGITS)
EVIL = '<script>alert(1)</script>"]; x -> y [</script>'
NUMBERS = re.compile(r"= (−?[0-9.]+(?:e[+−]\d+)?) · (−?[0-9.]+(?:e[+−]\d+)?) = (\S+)$")
VIEWPORT = {"width": 1280, "height": 800}
MIN_FONT_PX = 11
"""The smallest font of graph text on screen at the first view (its size × the zoom)."""
LINEAR = 6.0
"""A lesson 4× as long may make a page at most this many times larger (n² would be 16)."""

CURRENT_BOXES = """() => {
  const view = document.getElementById("view").getBoundingClientRect();
  const els = Array.from(document.querySelectorAll('[aria-current="step"]'));
  return {view: [view.left, view.top, view.right, view.bottom],
          boxes: els.map(e => { const r = e.getBoundingClientRect();
                                return [e.id, r.left, r.top, r.right, r.bottom]; })};
}"""
FONT_PX = """() => Array.from(document.querySelectorAll("#graph text"))
  .filter(t => t.textContent.trim())
  .map(t => t.getScreenCTM().a * parseFloat(getComputedStyle(t).fontSize))"""
SCALE = """() => document.getElementById("camera").getAttribute("transform")"""


def evil_lesson():
    w, x, b = Value(2.0, label="w"), Value(-0.5, label=EVIL), Value(0.3, label="b")
    h = (w * x + b).tanh()
    loss = h * h + w * 0.1
    loss.label = "L"
    return loss


def modes_graph():
    """The modes lesson's y₁ = sin(x₁x₂) + x₁²: it fits the view just below 100%."""
    return modes.example()[1][0]


def doubling(levels=4):
    """aₖ = aₖ₋₁·aₖ₋₁ from a₀ = x: every level doubles the paths from the output to x."""
    x = Value(1.05, label="x")
    a = x
    for k in range(1, levels + 1):
        a = a * a
        a.label = f"a{k}"
    return a


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    out = tmp_path_factory.mktemp("lessons")
    chain = lesson_graphs.chain()
    mlp, scopes = lesson_graphs.mlp_neuron()
    evil = evil_lesson()
    paths = {
        "chain": viz.step_through(chain).to_html(out / "chain.html"),
        "mlp": viz.step_through(mlp, scopes=scopes).to_html(out / "mlp.html"),
        "evil": viz.step_through(evil).to_html(out / "evil.html"),
    }
    paths["modes"] = viz.step_through(modes_graph(), rankdir="TB").to_html(out / "modes.html")
    paths["doubling"] = viz.step_through(doubling()).to_html(out / "doubling.html")
    chain.backward()
    paths["picture"] = viz.draw_graph(chain).to_html(out / "picture.html")
    roots = {"chain": chain, "mlp": mlp, "evil": evil, "picture": chain, "modes": None,
             "doubling": None}
    return paths, roots


@pytest.fixture
def open_page(browser, pages):
    opened = []

    def open_(name):
        paths, roots = pages
        page = browser.new_page(viewport=VIEWPORT)
        requests, problems = [], []
        page.on("request", lambda r: requests.append(r.url))
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on("dialog", lambda d: (problems.append("dialog: " + d.message), d.dismiss()))
        page.goto(paths[name].as_uri())
        opened.append((page, requests, problems))
        settle(page)
        return page, roots[name]

    yield open_
    for page, requests, problems in opened:
        assert all(u.startswith(("file:", "data:", "about:")) for u in requests), requests
        assert problems == []
        page.close()


def steps_of(root):
    """The steps a lesson narrates: the engine's, less those into constants."""
    return [s for s in backward_steps(root) if not s.input.is_constant]


def settle(page):
    page.wait_for_function("!document.getElementById('view').dataset.moving")


def counter(page):
    return page.locator("#counter").inner_text()


def assert_current_in_view(page, frame):
    seen = page.evaluate(CURRENT_BOXES)
    left, top, right, bottom = seen["view"]
    assert 0 <= left and right <= VIEWPORT["width"] and 0 <= top and bottom <= VIEWPORT["height"]
    assert seen["boxes"], f"frame {frame}: nothing carries aria-current"
    for name, x0, y0, x1, y1 in seen["boxes"]:
        inside = left <= x0 and x1 <= right and top <= y0 and y1 <= bottom
        assert inside, (frame, name, (x0, y0, x1, y1), seen["view"])


def test_file_is_self_contained_and_draws_the_graph_once(pages):
    paths, _ = pages
    for name in ("chain", "mlp", "evil", "picture"):
        html = paths[name].read_text(encoding="utf-8")
        urls = set(re.findall(r"https?://[^\s\"'<>]+", html))
        assert urls <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}, urls
        assert "<link" not in html and " src=" not in html
        assert html.count("<script") == 2  # the JSON data and the page's code, nothing from labels
        assert html.count("<svg") == 2  # the graph once, and its overview (a copy made on load)
        assert html.count('<g id="camera"') == 1


def test_page_size_grows_linearly(tmp_path):
    def chain_of(neurons):
        h = Value(0.3, label="x")
        for k in range(neurons):
            h = (h * Value(0.9, label=f"w{k}") + Value(0.1, label=f"b{k}")).tanh()
        return h

    small = viz.step_through(chain_of(10)).to_html(tmp_path / "small.html").stat().st_size
    large = viz.step_through(chain_of(40)).to_html(tmp_path / "large.html").stat().st_size
    assert large / small < LINEAR, (small, large)


def test_a_graph_wider_than_the_view_opens_with_its_output_at_the_far_side(browser, tmp_path):
    """A left-to-right graph too wide to show whole opens at 100% with the output against
    the view's right side (one margin in), so the steps to come fill the rest of the view;
    it used to sit 72% of the way across, leaving the right fifth empty."""
    h = Value(0.3, label="x")
    for k in range(12):
        h = (h * Value(0.9, label=f"w{k}") + Value(0.1, label=f"b{k}")).tanh()
    page = browser.new_page(viewport=VIEWPORT)
    page.goto(viz.step_through(h).to_html(tmp_path / "wide.html").as_uri())
    settle(page)
    seen = page.evaluate(CURRENT_BOXES)
    left, _, right, _ = seen["view"]
    (_, x0, _, x1, _), = seen["boxes"]
    assert right - 24 - 2 <= x1 <= right - 24 + 2, (x1, right)
    assert x0 > left + (right - left) / 2
    page.close()


@pytest.mark.parametrize("name", ["chain", "mlp"])
def test_every_frame_keeps_the_current_step_in_view(open_page, name):
    page, root = open_page(name)
    n = len(steps_of(root))
    assert counter(page) == f"Step 0 / {n}"
    assert_current_in_view(page, 0)
    for k in range(1, n + 1):
        page.get_by_role("button", name="Next").click()
        settle(page)
        assert counter(page) == f"Step {k} / {n}"
        assert_current_in_view(page, k)
    for k in range(n - 1, -1, -1):
        page.keyboard.press("ArrowLeft")
        settle(page)
        assert_current_in_view(page, k)
    for k in range(1, n + 1):
        page.keyboard.press("ArrowRight")
        settle(page)
        assert counter(page) == f"Step {k} / {n}"
        assert_current_in_view(page, k)


@pytest.mark.parametrize("name", ["chain", "mlp", "picture", "modes"])
def test_graph_text_is_legible_at_the_default_zoom(open_page, name):
    """The first view shrinks a graph to fit only while its smallest text (an op's
    parameter, ``k = 2.0``, is drawn a size smaller) stays 11 px on screen."""
    page, _ = open_page(name)
    sizes = page.evaluate(FONT_PX)
    assert sizes and min(sizes) >= MIN_FONT_PX - 0.01, min(sizes)


@pytest.mark.parametrize("name", ["chain", "picture"])
def test_every_page_has_a_legend(open_page, name):
    page, _ = open_page(name)
    legend = page.locator(".legend")
    assert legend.is_visible()
    text = legend.inner_text()
    assert "not computed" in text and "sum over every path" in text
    if name == "chain":
        assert "red" in text and "blue" in text and "grey" in text


def test_controls(open_page):
    page, root = open_page("chain")
    n = len(steps_of(root))
    page.get_by_role("button", name="Next").click()
    page.get_by_role("button", name="Next").click()
    assert counter(page) == f"Step 2 / {n}"
    page.get_by_role("button", name="Prev").click()
    assert counter(page) == f"Step 1 / {n}"
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert counter(page) == f"Step 3 / {n}"
    page.locator("#slider").fill(str(n))
    assert counter(page) == f"Step {n} / {n}"
    assert "not computed" not in " ".join(page.locator("#graph text").all_text_contents())
    page.locator("#slider").fill("0")
    assert counter(page) == f"Step 0 / {n}"
    assert "grad: not computed" in page.locator("#graph text").all_text_contents()
    play = page.get_by_role("button", name="Play")
    play.click()
    assert play.get_attribute("aria-pressed") == "true"
    page.wait_for_function("document.getElementById('counter').textContent.startsWith('Step 2')")
    play.click()
    assert play.get_attribute("aria-pressed") == "false"


def scale_of(page):
    return float(re.search(r"scale\(([^)]+)\)", page.evaluate(SCALE)).group(1))


def test_zoom_is_kept_across_frames_and_fit_shows_everything(open_page):
    page, _ = open_page("mlp")
    before = page.evaluate(SCALE)
    box = page.locator("#view").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.keyboard.down("Control")
    page.mouse.wheel(0, 300)
    page.keyboard.up("Control")
    zoomed = page.evaluate(SCALE)
    scale = re.search(r"scale\(([^)]+)\)", zoomed).group(1)
    assert zoomed != before and float(scale) < 1
    page.keyboard.press("ArrowRight")
    settle(page)
    assert re.search(r"scale\(([^)]+)\)", page.evaluate(SCALE)).group(1) == scale
    page.get_by_role("button", name="Fit").click()
    graph = page.locator("#camera").bounding_box()
    view = page.locator("#view").bounding_box()
    assert graph["x"] >= view["x"] - 1 and graph["y"] >= view["y"] - 1
    assert graph["x"] + graph["width"] <= view["x"] + view["width"] + 1
    assert graph["y"] + graph["height"] <= view["y"] + view["height"] + 1


def test_plain_wheel_scrolls_the_lesson_and_ctrl_wheel_zooms(browser, pages, tmp_path):
    paths, _ = pages
    lesson = tmp_path / "lesson.html"
    lesson.write_text(f"""<!doctype html><p style="height: 300px">text</p>
<iframe src="{paths['chain'].as_uri()}" style="width: 1200px; height: 600px"></iframe>
<p style="height: 2000px">more text</p>""", encoding="utf-8")
    page = browser.new_page(viewport=VIEWPORT)
    page.goto(lesson.as_uri())
    frame = page.frames[1]
    frame.wait_for_function("window.chainrulePage !== undefined")
    before = frame.evaluate(SCALE)
    box = page.locator("iframe").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 3, box["y"] + box["height"] / 2)
    page.mouse.wheel(0, 200)
    page.wait_for_function("window.scrollY > 0")
    assert frame.evaluate(SCALE) == before  # the graph kept its zoom; the lesson scrolled
    assert frame.locator("#zoom-hint").is_visible()  # and says how to zoom
    scrolled = page.evaluate("window.scrollY")
    page.keyboard.down("Control")
    page.mouse.wheel(0, -200)
    page.keyboard.up("Control")
    assert float(re.search(r"scale\(([^)]+)\)", frame.evaluate(SCALE)).group(1)) > \
        float(re.search(r"scale\(([^)]+)\)", before).group(1))
    assert page.evaluate("window.scrollY") == scrolled
    page.close()


def test_overview_shows_the_whole_graph_the_view_and_the_step_and_moves_there(open_page):
    page, _ = open_page("chain")
    overview = page.get_by_label("overview")
    assert overview.is_visible()
    region = page.locator("#overview .ov-region").bounding_box()
    ov = overview.bounding_box()
    assert 0 < region["width"] and region["width"] <= ov["width"] + 1  # the visible part
    marker = page.locator("#overview .ov-current").bounding_box()
    assert marker["width"] > 0
    before = page.evaluate(SCALE)
    page.mouse.click(ov["x"] + 3, ov["y"] + ov["height"] - 3)  # a corner of the graph
    settle(page)
    after = page.evaluate(SCALE)
    assert after != before and scale_of(page) == float(re.search(r"scale\(([^)]+)\)",
                                                                   before).group(1))
    view = page.locator("#view").bounding_box()
    moved = page.locator("#overview .ov-region").bounding_box()
    centre = (moved["x"] + moved["width"] / 2, moved["y"] + moved["height"] / 2)
    # the view is centred on the point clicked (where the graph lets it be)
    assert abs(centre[0] - (ov["x"] + 3)) < view["width"] and moved != region


def test_a_cited_edge_is_brought_into_view(browser, pages):
    paths, _ = pages
    page = browser.new_page(viewport=VIEWPORT)
    page.goto(paths["mlp"].as_uri() + "#show=x₂ → n₁")
    page.wait_for_function("document.querySelector('.cited') !== null")
    settle(page)
    cited = page.locator(".edge.cited")
    assert cited.count() >= 1
    box, view = cited.first.bounding_box(), page.locator("#view").bounding_box()
    assert view["x"] <= box["x"] and box["x"] + box["width"] <= view["x"] + view["width"]
    assert view["y"] <= box["y"] and box["y"] + box["height"] <= view["y"] + view["height"]
    page.close()


def test_drag_pans_and_next_keeps_the_zoom_it_found(open_page):
    page, _ = open_page("chain")
    before = page.evaluate(SCALE)
    box = page.locator("#view").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 120, y + 40, steps=4)
    page.mouse.up()
    moved = page.evaluate(SCALE)
    shift = [float(v) for v in re.search(r"translate\(([^ ]+) ([^)]+)\)", moved).groups()]
    start = [float(v) for v in re.search(r"translate\(([^ ]+) ([^)]+)\)", before).groups()]
    assert math.isclose(shift[0] - start[0], 120, abs_tol=1)
    assert math.isclose(shift[1] - start[1], 40, abs_tol=1)
    assert "scale(1)" in moved


PINCH = """(spread) => {
  const view = document.getElementById("view");
  const r = view.getBoundingClientRect();
  const cx = r.left + r.width / 2, cy = r.top + r.height / 2;
  const send = (type, id, x) => view.dispatchEvent(new PointerEvent(type, {
    pointerId: id, pointerType: "touch", clientX: x, clientY: cy, bubbles: true}));
  send("pointerdown", 11, cx - 50); send("pointerdown", 12, cx + 50);
  for (let k = 1; k <= 5; k++) {
    send("pointermove", 11, cx - 50 - spread * k); send("pointermove", 12, cx + 50 + spread * k);
  }
  send("pointerup", 11, cx); send("pointerup", 12, cx);
  return document.getElementById("camera").getAttribute("transform");
}"""


def test_pinch_zooms(open_page):
    page, _ = open_page("chain")
    spread = page.evaluate(PINCH, 10)
    assert float(re.search(r"scale\(([^)]+)\)", spread).group(1)) > 1.2
    pinched = page.evaluate(PINCH, -8)
    assert float(re.search(r"scale\(([^)]+)\)", pinched).group(1)) < 1.2


def test_narration_numbers_equal_the_engine(open_page):
    page, loss = open_page("evil")
    steps = steps_of(loss)
    sums = {}
    for k, step in enumerate(steps):
        page.keyboard.press("ArrowRight")
        text = page.locator("#narration").inner_text()
        shown = [parse(g) for g in NUMBERS.search(text).groups()]
        exact = (step.upstream, step.local, step.contribution)
        assert all(math.isclose(a, b, rel_tol=NARRATION_RTOL) for a, b in zip(shown, exact)), (
            k,
            text,
            exact,
        )
        sums[step.input] = sums.get(step.input, 0.0) + shown[2]
    nodes = list(sums)
    for node, exact in zip(nodes, grad(loss, nodes)):
        assert math.isclose(sums[node], exact, rel_tol=len(steps) * NARRATION_RTOL)


def test_fan_in_total_is_shown_in_the_page(open_page):
    page, loss = open_page("evil")
    w = next(s.input for s in steps_of(loss) if s.input.label == "w")
    frames = [k + 1 for k, s in enumerate(steps_of(loss)) if s.input is w]
    page.locator("#slider").fill(str(frames[-1]))
    detail = page.locator("#detail").inner_text()
    assert "Path 2 of 2 to w" in detail and "sum over its 2 paths" in detail
    (exact,) = grad(loss, [w])
    texts = page.locator("#graph text").all_text_contents()
    total = [t for t in texts if t.startswith("grad = ") and " + " in t]
    assert any(
        math.isclose(parse(t.split(" = ")[-1]), exact, rel_tol=NARRATION_RTOL) for t in total
    )


def test_evil_label_is_shown_as_text(open_page):
    page, _ = open_page("evil")
    texts = page.locator("#graph text").all_text_contents()
    assert shorten(EVIL) in texts  # drawn short, whole in the tooltip
    assert page.locator("script").count() == 2


def test_assets_refuse_a_script_that_would_end_its_element(tmp_path, monkeypatch):
    from viz import assets

    static = tmp_path / "viz" / "static"
    static.mkdir(parents=True)
    (static / "bad.js").write_text('const s = "</script>";\n', encoding="utf-8")
    monkeypatch.setattr(assets.resources, "files", lambda package: tmp_path / "viz")
    assets.text.cache_clear()
    try:
        with pytest.raises(ValueError, match=r"bad\.js.*</script"):
            assets.text("bad.js")
    finally:
        assets.text.cache_clear()


def test_a_node_of_many_paths_lists_the_first_and_sums_them_all(open_page):
    """16 paths: the panel lists 8, says how many there are, and gives their sum, computed
    over every path (not read from backward()), equal to the engine's gradient."""
    page, _ = open_page("doubling")
    x = page.locator("#graph .node").filter(has=page.locator("text", has_text=re.compile("^x$")))
    page.evaluate("(id) => chainrulePage.reveal([id])", x.get_attribute("id"))
    settle(page)
    x.click()
    panel = page.get_by_label("chain rule for x")
    assert panel.locator("li").count() == 8
    assert "16 paths from a4 to x (the first 8 shown)" in panel.inner_text()
    root = doubling()
    leaf = next(n for n in viz.step_through(root).names if n.label == "x")
    (expected,) = grad(root, [leaf])
    total = float(panel.locator(".sum").get_attribute("data-value"))
    assert math.isclose(total, expected, rel_tol=1e-12), (total, expected)
    assert panel.locator(".sum").inner_text().endswith(f"all 16 paths = {fmt(expected)}")
