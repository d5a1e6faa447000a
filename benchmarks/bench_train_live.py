"""The classic demo trained live in headless Chromium (viz.train_live), beside Python.

Run: ``python benchmarks/bench_train_live.py``. ``main(steps)`` returns the section as
Markdown; ``benchmarks/run.py`` passes the per-step times it measured for
``nn.fit(compile=True)`` and the numpy floor (their epochs per second are 1 / step).

What is timed:

- building the page: ``viz.train_live(...)`` and ``to_html`` in a fresh process, after
  the imports (a user's first page in a new notebook), several processes;
- training in the browser: the page opened in headless Chromium (the tests' launch
  flags), speed "as fast as it can", Play for a few seconds, then Pause; epochs per
  second from the epoch readout, and the animation frames drawn meanwhile (each frame
  recomputes the model's score over a 40×40 grid and redraws the field, the boundary,
  the loss curve and the readouts). A fresh page per run.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(1, str(REPO))

RUNS = 5
PLAY_S = 4.0
TARGET_EPOCHS_PER_S = 200
TARGET_BUILD_S = 1.0
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]

BUILD = """
import sys, time
sys.path[:0] = [{here!r}, {repo!r}]
import demo, moons, nn, viz
X, y = moons.make_moons()
model = demo.chainrule_model(moons.initial_weights())
t0 = time.perf_counter()
page = viz.train_live(model, X, y, nn.hinge_loss, lr=moons.LR, l2=moons.ALPHA,
                      title="the classic demo")
page.to_html({path!r})
print(time.perf_counter() - t0)
"""


def build(path: Path) -> float:
    """Seconds to build and write the page, in a fresh process."""
    code = BUILD.format(here=str(HERE), repo=str(REPO), path=str(path))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, timeout=300)
    return float(done.stdout.strip().splitlines()[-1])


def play(browser: object, path: Path) -> tuple[float, float, str]:
    """Epochs per second and frames per second while playing at full speed; the loss."""
    page = browser.new_page(viewport={"width": 1280, "height": 800})  # type: ignore[attr-defined]
    page.goto(path.as_uri())
    page.get_by_label("speed", exact=True).select_option("max")
    play_button = page.get_by_role("button", name="Play", exact=True)
    play_button.click()
    t0 = time.perf_counter()
    page.wait_for_timeout(PLAY_S * 1000)
    page.get_by_role("button", name="Pause", exact=True).click()
    elapsed = time.perf_counter() - t0
    epochs = int(page.get_by_label("epoch", exact=True).text_content())
    frames = page.evaluate("window.chainruleTrain.frames")
    loss = page.get_by_label("loss", exact=True).text_content()
    page.close()
    return epochs / elapsed, frames / elapsed, loss


def python_steps() -> dict[str, list[float]]:
    """Per-step times of fit(compile=True) and the numpy floor, one fresh process each."""
    steps: dict[str, list[float]] = {"fit_compiled": [], "floor_numpy": []}
    for _ in range(RUNS):
        for name in steps:
            done = subprocess.run([sys.executable, str(HERE / "worker.py"), "demo", name],
                                  cwd=HERE, capture_output=True, text=True, timeout=900)
            steps[name].append(json.loads(done.stdout.strip().splitlines()[-1])["step"])
    return steps


def rate(values: list[float], digits: str = ".0f") -> str:
    """median (min–max) over the runs."""
    return (f"{statistics.median(values):{digits}} ({min(values):{digits}}–"
            f"{max(values):{digits}})")


def main(steps: dict[str, list[float]] | None = None) -> str:
    """The section for RESULTS.md."""
    from playwright.sync_api import sync_playwright

    steps = steps or python_steps()
    builds, epochs, frames = [], [], []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        for k in range(RUNS):
            path = Path(tmp) / f"demo{k}.html"
            builds.append(build(path))
            per_s, fps, _ = play(browser, path)
            epochs.append(per_s)
            frames.append(fps)
        browser.close()
    fit = [1 / s for s in steps["fit_compiled"]]
    floor = [1 / s for s in steps["floor_numpy"]]
    best = statistics.median(epochs)
    ok = "met" if best >= TARGET_EPOCHS_PER_S else "NOT met"
    built = "met" if statistics.median(builds) <= TARGET_BUILD_S else "NOT met"
    return "\n".join([
        "## Training live in the browser (`viz.train_live`)", "",
        "The classic demo (100 moons, MLP 2-16-16-1 ReLU, hinge + 1e-4·Σp², full batch, "
        "SGD lr 1.0, the same initial weights as above) on a `viz.train_live` page in "
        f"headless Chromium: Play at full speed for {PLAY_S:g} s, then Pause; every "
        "animation frame recomputes the score over a 40×40 grid and redraws the field, the "
        "boundary, the loss curve and the readouts. "
        f"Median (min–max) over {RUNS} runs, a fresh page each; the Python rows are the "
        "per-step times of the same demo (1 / step), each in a fresh process. The machine "
        "is shared: the spread is the noise.", "",
        "| trainer | epochs per second | |",
        "| --- | --- | --- |",
        f"| browser page (`viz.train_live`, V8) | {rate(epochs)} | "
        f"{rate(frames, '.0f')} frames/s drawn |",
        f"| `nn.fit(compile=True)` (numpy) | {rate(fit)} | |",
        f"| numpy floor (hand-written) | {rate(floor)} | |", "",
        f"- target ≥ {TARGET_EPOCHS_PER_S} epochs/s in the browser while drawing every "
        f"frame: {ok} ({best:.0f})",
        f"- building the page (train_live + to_html, fresh process) ≤ {TARGET_BUILD_S:g} s: "
        f"{built} ({rate(builds, '.3f')} s)",
    ])


if __name__ == "__main__":
    print(main())
