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


def fan_out(n_uses: int) -> Value:
    """One input read by ``n_uses`` neurons tanh(x·wₖ), summed: ~5 backward steps per use."""
    x = Value(0.5, label="x")
    total = (x * Value(0.1, label="w0")).tanh()
    for k in range(1, n_uses):
        total = total + (x * Value(0.1 * (k + 1), label=f"w{k}")).tanh()
    total.label = "L"
    return total


CHROMIUM = "/usr/bin/chromium"


def first_frame(paths: list[Path]) -> list[tuple[str, float]]:
    """Seconds from opening each page in headless Chromium to its first frame being shown
    (an element marked ``aria-current``); empty without playwright or Debian's chromium."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return []
    if not Path(CHROMIUM).exists():
        return []
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
    seconds = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=flags)
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
    text = "\n".join(lines) + "\n"
    print(text)
    return text


if __name__ == "__main__":
    main()
