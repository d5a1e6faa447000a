"""How long pictures take: drawing a graph, exporting lessons, and how big the pages are.

Run: ``python benchmarks/bench_viz.py``. ``main()`` returns the table as Markdown
(``benchmarks/run.py`` collects it). A lesson runs ``dot`` once, whatever its length.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import nn
import viz
from autograd import Value, backward_steps, record_scopes, topological_order

RUNS = 3


def chain_of(n_nodes: int) -> Value:
    """A chain of tanh neurons h = tanh(h·w + b), about ``n_nodes`` nodes, after backward."""
    h = Value(0.5, label="x")
    k = 0
    while len(topological_order(h)) < n_nodes:
        w = Value(0.1 + 0.01 * (k % 7), label=f"w{k}")
        b = Value(0.01 * k, label=f"b{k}")
        h = (h * w + b).tanh()
        k += 1
    h.label = "out"
    h.backward()
    return h


def mlp_loss(samples: int = 5) -> tuple[Value, dict]:
    """The MSE loss of a 2-16-16-1 MLP on ``samples`` points (~850 nodes for 5), with scopes."""
    X, y = nn.make_moons(samples, noise=0.1, seed=0)
    model = nn.MLP(2, [16, 16, 1], seed=0)
    with record_scopes() as scopes:
        loss = nn.mse_loss([model(x) for x in X], y)
    loss.backward()
    return loss, scopes


def lesson_of(n_steps: int) -> Value:
    """A neuron chain whose backward pass takes about ``n_steps`` steps (5 per neuron)."""
    h = Value(0.3, label="x")
    k = 0
    while len(list(backward_steps(h))) < n_steps:
        h = (h * Value(0.9, label=f"w{k}") + Value(0.1, label=f"b{k}")).tanh()
        k += 1
    return h


def chain_lesson() -> Value:
    """The chain lesson's first sample: y = w₁x, z = w₂y, e = w₃z, L = ½(e − ê)²."""
    from examples import chain

    return chain.first_pass()["L"]


def fan_out(n_uses: int) -> Value:
    """One input read by ``n_uses`` neurons tanh(x·wₖ), summed: ~5 backward steps per use."""
    x = Value(0.5, label="x")
    total = (x * Value(0.1, label="w0")).tanh()
    for k in range(1, n_uses):
        total = total + (x * Value(0.1 * (k + 1), label=f"w{k}")).tanh()
    total.label = "L"
    return total


CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
LIVE_TARGETS = {"first frame": 0.5, "nudge": 0.050, "panel": 0.050}
"""Issue 21's targets, in seconds: a live lesson page's first frame after opening it, a
nudge on a 300-node graph updating every number, opening a chain-rule panel."""
REPEATS = 9


def mlp_sample() -> Value:
    """One sample's squared error through a 2-12-12-1 MLP (287 nodes): its inputs reach
    the output along 144 paths each, the panel's hardest case."""
    model = nn.MLP(2, [12, 12, 1], seed=0)
    x = [Value(0.5, label="x₁"), Value(-1.0, label="x₂")]
    loss = nn.mse_loss([model(x)], [Value(1.0, label="y")])
    loss.label = "L"
    return loss


NUDGE = """async (leaf) => {
  const box = document.getElementById("leaf-" + leaf), took = [], frame = [];
  for (let k = 0; k < REPEATS; k++) {
    const t0 = performance.now();
    box.value = String(Number(box.value) + 0.01);
    box.dispatchEvent(new Event("input", {bubbles: true}));
    took.push(performance.now() - t0);  // every number rewritten, laid out, measured
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    frame.push(performance.now() - t0);  // and painted, at the next frame
  }
  return [took, frame];
}""".replace("REPEATS", str(REPEATS))
PANEL = """(element) => {
  const el = document.getElementById(element), took = [];
  for (let k = 0; k < REPEATS; k++) {
    chainrulePaths.close();
    const t0 = performance.now();
    el.dispatchEvent(new MouseEvent("click", {bubbles: true}));
    took.push(performance.now() - t0);
  }
  return [took, document.getElementById("paths-panel").querySelectorAll("li").length];
}""".replace("REPEATS", str(REPEATS))


def live_timings(
    pages: dict[str, tuple[Path, str]],
) -> list[tuple[str, float, float, float, float]]:
    """Per live page (path, the element of the node whose panel is opened): seconds to the
    first live frame (the page's own clock from navigation), and the medians of a nudge
    (script), a nudge to the next painted frame, and opening the panel. Empty without
    playwright or Debian's chromium."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return []
    if not Path(CHROMIUM).exists():
        return []
    rows = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        for name, (path, element) in pages.items():
            firsts = []
            for _ in range(3):
                page = browser.new_page(viewport={"width": 1280, "height": 800})
                page.goto(path.as_uri())
                page.wait_for_function("window.chainruleLive !== undefined")
                firsts.append(page.evaluate(
                    "performance.getEntriesByName('chainrule-live-ready')[0].startTime"))
                page.close()
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.goto(path.as_uri())
            page.wait_for_function("window.chainruleLive !== undefined")
            took, frame = page.evaluate(NUDGE, 0)
            panel, _ = page.evaluate(PANEL, element)
            page.close()
            rows.append((name, min(firsts) / 1e3, statistics.median(took) / 1e3,
                         statistics.median(frame) / 1e3, statistics.median(panel) / 1e3))
        browser.close()
    return rows


def first_frame(paths: list[Path]) -> list[tuple[str, float]]:
    """Seconds from opening each page in headless Chromium to its first frame being shown
    (an element marked ``aria-current``); empty without playwright or Debian's chromium."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return []
    if not Path(CHROMIUM).exists():
        return []
    seconds = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        for path in paths:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            start = time.perf_counter()
            page.goto(path.as_uri())
            page.wait_for_selector('[aria-current="step"]', state="attached")
            seconds.append((path.stem, time.perf_counter() - start))
            page.close()
        browser.close()
    return seconds


def timed(fn: Callable[[], object], runs: int = RUNS) -> tuple[float, float]:
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        seconds.append(time.perf_counter() - start)
    return min(seconds), statistics.median(seconds)


def main() -> str:
    """Measure, print a small table, and return it as a Markdown section."""
    chain = chain_of(viz.MAX_NODES - 4)
    loss, scopes = mlp_loss()
    n_chain, n_mlp = len(topological_order(chain)), len(topological_order(loss))
    lesson_root = lesson_of(100)
    steps = len(list(backward_steps(lesson_root)))
    fan_root = fan_out(20)
    fan_steps = len(list(backward_steps(fan_root)))
    big_root = lesson_of(viz.MAX_NODES - 10)
    big_steps = len(list(backward_steps(big_root)))
    mlp_steps = len(list(backward_steps(loss)))
    chain_graph = viz.draw_graph(chain)
    sizes: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as tmp:

        def export(name: str, make: Callable[[], viz.Lesson]) -> Callable[[], None]:
            def run() -> None:
                path = make().to_html(Path(tmp) / f"{name}.html")
                sizes[name] = path.stat().st_size

            return run

        rows = [
            (f"draw_graph → DOT, chain ({n_chain} nodes)", timed(lambda: viz.draw_graph(chain))),
            (f"render SVG, chain ({n_chain} nodes)", timed(lambda: chain_graph.pipe("svg"))),
            (
                f"draw_graph → page, MLP loss ({n_mlp} nodes, auto-collapsed per neuron)",
                timed(lambda: viz.draw_graph(loss, scopes=scopes).to_page()),
            ),
            (
                f"step_through → HTML ({steps} steps)",
                timed(export(f"lesson{steps}", lambda: viz.step_through(lesson_root))),
            ),
            (
                f"step_through → HTML, x fanned out to 20 nodes ({fan_steps} steps)",
                timed(export(f"fan-out{fan_steps}", lambda: viz.step_through(fan_root))),
            ),
            (
                f"step_through → HTML ({big_steps} steps)",
                timed(export(f"lesson{big_steps}", lambda: viz.step_through(big_root))),
            ),
            (
                f"step_through → HTML, whole MLP loss at collapse=1 ({mlp_steps} steps)",
                timed(
                    export(
                        f"mlp{mlp_steps}", lambda: viz.step_through(loss, scopes=scopes, collapse=1)
                    )
                ),
            ),
        ]
        opened = first_frame(sorted(Path(tmp).glob("*.html")))
        live_pages = {}
        for name, root in (("the chain lesson's graph", chain_lesson()),
                           (f"chain of tanh neurons ({n_chain} nodes)", chain),
                           ("2-12-12-1 MLP, one sample (287 nodes)", mlp_sample())):
            page = viz.live(root, rankdir="TB")
            x = next(leaf for leaf in page.program.leaves if leaf.label.startswith("x"))
            path = page.to_html(Path(tmp) / f"live-{len(live_pages)}.html")
            live_pages[name] = (path, page.lesson.picture.element[x])
        live = live_timings(live_pages)
    lines = [
        "## viz",
        "",
        f"Seconds, min and median of {RUNS} runs. Every picture shows data, grad, local",
        "derivative and chain-rule product unless collapsed. A lesson page holds the graph",
        "once and each frame as a few strings, so its size grows linearly:",
        ", ".join(f"{name} {size / 1e3:.0f} kB" for name, size in sizes.items()) + ".",
        "",
        "| task | min (s) | median (s) |",
        "| --- | ---: | ---: |",
    ]
    lines += [f"| {name} | {lo:.3f} | {mid:.3f} |" for name, (lo, mid) in rows]
    if opened:
        lines += [
            "",
            "Seconds from opening a page in headless Chromium (1280×800) to its first frame: "
            + ", ".join(f"{name} {s:.2f}" for name, s in opened)
            + ".",
        ]
    if live:
        # First frame: the lesson's page; nudge: the 300-node graphs; panel: every page.
        met = {"first frame": live[0][1] <= LIVE_TARGETS["first frame"],
               "nudge": all(row[2] <= LIVE_TARGETS["nudge"] for row in live[1:]),
               "panel": all(row[4] <= LIVE_TARGETS["panel"] for row in live)}
        lines += [
            "",
            "Live step-throughs in headless Chromium (1280×800), the page's own clock: first "
            "live frame after opening the page (best of 3), a nudge of x rewriting every number "
            f"(median of {REPEATS}; then to the next painted frame), opening x's chain-rule "
            "panel (every path counted, the first listed). Targets: a lesson page's first frame "
            f"≤ 0.5 s ({'met' if met['first frame'] else 'NOT met'}), nudge ≤ 50 ms on a "
            "300-node graph "
            f"({'met' if met['nudge'] else 'NOT met'}), panel ≤ 50 ms "
            f"({'met' if met['panel'] else 'NOT met'}).",
            "",
            "| live page | first frame (s) | nudge (ms) | nudge to next frame (ms) | panel (ms) |",
            "| --- | ---: | ---: | ---: | ---: |",
        ]
        lines += [f"| {name} | {first:.3f} | {nudge * 1e3:.1f} | {frame * 1e3:.1f} | "
                  f"{panel * 1e3:.1f} |" for name, first, nudge, frame, panel in live]
    text = "\n".join(lines) + "\n"
    print(text)
    return text


if __name__ == "__main__":
    main()
