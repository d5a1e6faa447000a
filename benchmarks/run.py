"""`make bench`: chainrule against its peers and the hand-written floors, each in a fresh process.

Writes benchmarks/RESULTS.md and prints it. How it measures, so that no engine pays for
another's heap (CPython's cyclic garbage collector scans every live object):

- every contender runs in a process of its own (``worker.py``), one per round, so its
  heap holds its own objects only; HIPS autograd runs in a venv of its own
  (``.venv-peers``: its package is also called ``autograd``);
- the contenders are interleaved: each round runs all of them once, in an order rotated
  from round to round, so a slow minute of a shared machine hits every contender;
- ratios are taken per round (a contender against micrograd, the numpy floor and JAX of
  the same round), and reported as the median with the min–max over the rounds;
- before timing, every contender's first step is checked against the hand-written
  float floor: the same loss, and the same gradient (lr = 1: weights before − after);
- every process runs one thread (OPENBLAS/OMP/MKL_NUM_THREADS=1, torch.set_num_threads(1)):
  these matrices are far too small to gain from more, and threads on a busy 2-core
  machine cost far more than they give.

Environment: BENCH_ROUNDS (default 5), BENCH_QUICK=1 (smaller scaling cases, for a
smoke run: writes out/bench-quick.md instead), BENCH_PEERS_PYTHON (the python that has
HIPS autograd).
"""

from __future__ import annotations

import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from contenders import CONTENDERS  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
QUICK = bool(os.environ.get("BENCH_QUICK"))
# absolute: workers run in benchmarks/, and make passes a path relative to the repository
PEERS = Path(os.environ.get("BENCH_PEERS_PYTHON", REPO / ".venv-peers" / "bin" / "python")
             ).absolute()
LOSS_TOL = 1e-12  # relative: the same loss up to the order of the sums
GRAD_TOL = 1e-10  # absolute, on gradients read back as (weights before − after) / lr
TIMEOUT_S = 900

ENV = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
       "MKL_NUM_THREADS": "1", "JAX_PLATFORMS": "cpu"}


def worker(args: list[str], peers: bool = False) -> dict[str, Any]:
    """Run ``worker.py args`` in a fresh process; its JSON, or {"error": ...}."""
    env = dict(ENV)
    if peers:
        env.pop("PYTHONPATH", None)  # HIPS's `autograd` must not meet ours
    python = str(PEERS) if peers else sys.executable
    try:
        done = subprocess.run([python, str(HERE / "worker.py"), *args], cwd=HERE, env=env,
                              capture_output=True, text=True, timeout=TIMEOUT_S)
    except (OSError, subprocess.TimeoutExpired) as err:
        return {"error": f"{type(err).__name__}: {err}"}
    if done.returncode:
        tail = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
        return {"error": f"exit {done.returncode}: {tail}"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def fmt_time(seconds: float) -> str:
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def spread(values: list[float], digits: str = ".3g", suffix: str = "") -> str:
    """median (min–max); a dash when there is nothing to compare (a contender failed)."""
    if not values:
        return "—"
    med = statistics.median(values)
    return (f"{med:{digits}}{suffix} ({min(values):{digits}}–{max(values):{digits}})"
            if len(values) > 1 else f"{med:{digits}}{suffix}")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------- the demo step

def demo_rounds() -> dict[str, list[dict[str, Any]]]:
    names = list(CONTENDERS)
    results: dict[str, list[dict[str, Any]]] = {n: [] for n in names}
    for r in range(ROUNDS):
        order = names[r % len(names):] + names[:r % len(names)]
        for name in order:
            res = worker(["demo", name], peers=name == "hips_autograd")
            results[name].append(res)
            shown = res.get("error") or fmt_time(res["step"])
            log(f"  round {r + 1}/{ROUNDS}  {name:14s} {shown}")
    return results


def check(res: dict[str, Any], ref: dict[str, Any]) -> str:
    """'' when the first step's loss and gradients match the float floor's, else why not."""
    loss_err = abs(res["loss"] - ref["loss"]) / max(1.0, abs(ref["loss"]))
    grad_err = max(abs(a - b) for a, b in zip(res["grads"], ref["grads"]))
    if len(res["grads"]) != len(ref["grads"]):
        return f"{len(res['grads'])} gradients, expected {len(ref['grads'])}"
    if loss_err > LOSS_TOL or grad_err > GRAD_TOL:
        return f"loss off by {loss_err:.1e}, a gradient by {grad_err:.1e}"
    return ""


def demo_table(results: dict[str, list[dict[str, Any]]]) -> tuple[list[str], dict, list[str]]:
    ref = next((r for r in results["floor_floats"] if "error" not in r), None)
    problems, ratios = [], {}
    rows = ["| contender | time per step: median (min–max) over rounds | × faster than "
            "micrograd | ÷ numpy floor | ÷ JAX | setup | first step checked |",
            "| --- | --- | --- | --- | --- | --- | --- |"]
    for name, runs in results.items():
        label = CONTENDERS[name][0]
        errors = [r["error"] for r in runs if "error" in r]
        if errors or ref is None:
            why = errors[0] if errors else "the float floor did not run"
            problems.append(f"{name}: {why}")
            rows.append(f"| {label} | did not run: {why} | | | | | |")
            continue
        bad = [c for c in (check(r, ref) for r in runs) if c]
        if bad:
            problems.append(f"{name}: first step differs from the float floor: {bad[0]}")
        steps = [r["step"] for r in runs]

        def per_round(other: str, mine_over_theirs: bool = True, runs=runs) -> list[float]:
            out = []
            for mine, theirs in zip(runs, results[other]):
                if "error" not in theirs:
                    a, b = mine["step"], theirs["step"]
                    out.append(a / b if mine_over_theirs else b / a)
            return out

        r_mg, r_np, r_jax = per_round("micrograd", False), per_round("floor_numpy"), \
            per_round("jax")
        ratios[name] = {"micrograd": r_mg, "numpy": r_np, "jax": r_jax, "steps": steps}
        rows.append(
            f"| {label} | {fmt_time(statistics.median(steps))} ({fmt_time(min(steps))}–"
            f"{fmt_time(max(steps))}) | {spread(r_mg, '.3g', 'x')} | {spread(r_np, '.3g')} | "
            f"{spread(r_jax, '.3g')} | {fmt_time(statistics.median(r['setup'] for r in runs))} "
            f"| {'✗ ' + bad[0] if bad else '✓'} |")
    return rows, ratios, problems


# ---------------------------------------------------------------------------- scaling

def sizes(full: list[int], quick: list[int]) -> list[int]:
    return quick if QUICK else full


def graph_table(job: str, what: str) -> list[str]:
    rows = [f"| {what} | engine | build ns | backward ns | build + backward ns "
            "(min–max) | × faster than micrograd | bytes held | nodes |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    ns = sizes([1_000, 10_000, 100_000, 1_000_000], [1_000, 10_000])
    for n in ns:
        cells = {}
        # micrograd at 10⁶ would take minutes and a 10⁶-deep recursion: left out.
        for engine in ("micrograd", "chainrule"):
            if engine == "micrograd" and n > 100_000:
                continue
            cells[engine] = res = worker(["scale", job, engine, str(n)])
            log(f"  {job} {engine} {n}: {res.get('error') or fmt_time(res['total']['median'])}")
        base = cells.get("micrograd")
        for engine, res in cells.items():
            if "error" in res:
                rows.append(f"| {n:,} | {engine} | did not run: {res['error']} | | | | | |")
                continue
            t = res["total"]
            speed = (f"{base['total']['median'] / t['median']:.1f}x"
                     if base and "error" not in base else "—")
            rows.append(f"| {n:,} | {engine} | {res['build']['median'] * 1e9:.0f} | "
                        f"{res['backward']['median'] * 1e9:.0f} | {t['median'] * 1e9:.0f} "
                        f"({t['min'] * 1e9:.0f}–{t['max'] * 1e9:.0f}) | {speed} | "
                        f"{res['bytes']:.0f} | {res['nodes']:,} |")
    return rows


MLP_MODES = {
    "eager": "chainrule eager",
    "rows": "per-sample tape, row loop (floats)",
    "batch": "per-sample tape, `grad_batch` (numpy)",
    "floor_numpy": "floor: hand-written numpy",
}


def mlp_table() -> list[str]:
    rows = ["| width | params | mode | time per step: median (min–max) | ns per weight per "
            "sample | graph nodes per step | bytes per node |",
            "| --- | --- | --- | --- | --- | --- | --- |"]
    for width in sizes([16, 64, 256], [16, 64]):
        for mode, label in MLP_MODES.items():
            res = worker(["scale", "mlp", mode, str(width)])
            log(f"  mlp {mode} {width}: {res.get('error') or fmt_time(res['step']['median'])}")
            if "error" in res:
                rows.append(f"| {width} | | {label} | did not run: {res['error']} | | | |")
                continue
            per = res["step"]["median"] / (res["params"] * res["samples"]) * 1e9
            rows.append(_mlp_row(width, label, res, per))
    return rows


def _mlp_row(width: int, label: str, res: dict[str, Any], per: float) -> str:
    s = res["step"]
    nodes = f"{res['nodes']:,}" if "nodes" in res else "—"
    held = f"{res['bytes']:.0f}" if "bytes" in res else "—"
    return (f"| {width} | {res['params']:,} | {label} | {fmt_time(s['median'])} "
            f"({fmt_time(s['min'])}–{fmt_time(s['max'])}) | {per:.1f} | {nodes} | {held} |")


COMPILE_RUNS = 5  # fresh processes per size; the table shows median (min–max)


def compile_table() -> tuple[list[str], str | None, str | None]:
    rows = ["| samples in the batch | graph nodes | compile: median (min–max) | µs per node "
            "| of which CPython's compile() | lines of source |",
            "| --- | --- | --- | --- | --- | --- |"]
    demo_seconds = None
    medians: dict[int, list[float]] = {}
    for samples in sizes([10, 100, 1000], [10, 100]):
        runs = [worker(["scale", "compile", str(samples)]) for _ in range(COMPILE_RUNS)]
        failed = [r["error"] for r in runs if "error" in r]
        log(f"  compile {samples}: {failed[0] if failed else fmt_time(runs[0]['seconds'])}")
        if failed:
            rows.append(f"| {samples} | did not run: {failed[0]} | | | | |")
            continue
        seconds = [r["seconds"] for r in runs]
        medians[samples] = seconds
        res, median = runs[0], statistics.median(seconds)
        text = f"{median:.3f} s ({min(seconds):.3f}–{max(seconds):.3f})"
        if samples == 100:
            demo_seconds = text
        cpython = statistics.median(r["cpython"] for r in runs)
        rows.append(f"| {samples}{' (the demo)' if samples == 100 else ''} | {res['nodes']:,} "
                    f"| {text} | {median / res['nodes'] * 1e6:.1f} | {cpython:.3f} s | "
                    f"{res['lines']:,} |")
    linear = None
    if 100 in medians and 1000 in medians:  # the runs of a size, paired in order
        linear = spread([a / b for a, b in zip(medians[1000], medians[100])], ".3g", "x")
    return rows, demo_seconds, linear


LOWER_OPS = 6000  # the chain the issue names (issue 20 and 23 item 18)


def lower_table() -> tuple[list[str], str | None]:
    rows = ["| ops in the chain | compile and first replay | `javascript.lower` | ratio |",
            "| --- | --- | --- | --- |"]
    ratio = None
    for n in sizes([1000, LOWER_OPS], [1000]):
        res = worker(["scale", "lower", str(n)])
        log(f"  lower {n}: {res.get('error') or fmt_time(res['lower'])}")
        if "error" in res:
            rows.append(f"| {n:,} | did not run: {res['error']} | | |")
            continue
        rows.append(f"| {n:,} | {fmt_time(res['compile'])} | {fmt_time(res['lower'])} | "
                    f"{res['ratio']:.2f} |")
        if n == LOWER_OPS:
            ratio = f"{res['ratio']:.2f}"
    return rows, ratio


# ---------------------------------------------------------------------------- report

def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = ", load average {:.1f} {:.1f} {:.1f} at the start".format(*os.getloadavg())
    return (f"{cpu}, {os.cpu_count()} logical CPUs{load}; {platform.system()} "
            f"{platform.release()}; Python {platform.python_version()}")


# The host's own speed drifts (a shared VM: a fixed loop's time can vary by 1.5x within
# minutes). A fixed pure-Python loop is timed between the sections, so a reader can tell
# a slow run from a slow engine; ratios within a round are unaffected.
SPEED_PROBES: list[float] = []


def probe_speed() -> None:
    """Time a fixed pure-Python loop (best of 3) in this otherwise idle process."""
    best = math.inf
    for _ in range(3):
        t0 = time.perf_counter()
        total = 0
        for i in range(1_000_000):
            total += i * i
        best = min(best, time.perf_counter() - t0)
    SPEED_PROBES.append(best)


def speed_line() -> str:
    ms = sorted(1e3 * t for t in SPEED_PROBES)
    return (f"Host speed during the run: a fixed pure-Python loop (10⁶ multiply-adds) took "
            f"{statistics.median(ms):.0f} ms, {ms[0]:.0f}–{ms[-1]:.0f} ms over {len(ms)} "
            "probes between the sections; absolute times scale with it.")


def versions() -> str:
    code = ("import importlib.metadata as m\nout=[]\n"
            "for p in ('numpy','torch','jax','jaxlib','micrograd'):\n"
            "    try: out.append(f'{p} {m.version(p)}')\n"
            "    except m.PackageNotFoundError: out.append(f'{p} missing')\nprint(', '.join(out))")
    main = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=ENV).stdout.strip()
    peers = subprocess.run([str(PEERS), "-c", "import importlib.metadata as m; "
                            "print('HIPS autograd', m.version('autograd'))"],
                           capture_output=True, text=True).stdout.strip() if PEERS.exists() \
        else "HIPS autograd: no .venv-peers"
    return f"{main}; {peers or 'HIPS autograd missing'}"


def targets(ratios: dict, demo_seconds: str | None, linear: str | None = None,
            lowering: str | None = None) -> list[str]:
    def med(name: str, key: str, suffix: str = "") -> str:
        values = ratios.get(name, {}).get(key)
        return spread(values, ".3g", suffix) if values else "not measured"

    compile_s = demo_seconds if demo_seconds is not None else "not measured"
    return [
        f"- eager vs micrograd (target ≥ 40x faster): {med('eager', 'micrograd', 'x')}",
        f"- `fit(compile=True)` per step ÷ numpy floor (target ≤ 1.5): "
        f"{med('fit_compiled', 'numpy')}",
        f"- `fit(compile=True)` per step ÷ JAX jitted step: {med('fit_compiled', 'jax')}",
        f"- whole-graph compile of the demo (target ≤ 0.5 s): {compile_s}",
        f"- whole-graph compile of 1,000 samples ÷ 100 samples (target ≤ 10x, issue 20): "
        f"{linear or 'not measured'}",
        f"- JavaScript lowering of a {LOWER_OPS:,}-op chain ÷ its compile (target ≤ 2, "
        f"issue 20): {lowering or 'not measured'}",
        f"- what a layer-grouped replay could reach: numpy over one flat parameter vector "
        f"÷ numpy floor: {med('floor_numpy_flat', 'numpy')}",
    ]


def main() -> None:
    started = time.perf_counter()
    log(f"make bench: {ROUNDS} rounds of {len(CONTENDERS)} contenders, each in a fresh "
        "process")
    header = machine()
    probe_speed()
    results = demo_rounds()
    probe_speed()
    demo_rows, ratios, problems = demo_table(results)
    log("scaling cases, one fresh process each")
    chain_rows = graph_table("chain", "ops in the chain")
    probe_speed()
    wide_rows = graph_table("wide", "leaves summed")
    probe_speed()
    mlp_rows = mlp_table()
    probe_speed()
    compile_rows, demo_seconds, linear = compile_table()
    probe_speed()
    lower_rows, lowering = lower_table()
    probe_speed()
    goal = targets(ratios, demo_seconds, linear, lowering)
    parts = [
        "# Benchmarks", "",
        f"Machine: {header}. {versions()}.", "", speed_line(), "",
        "Generated by `make bench` (`benchmarks/run.py`). Every contender runs in a fresh "
        "process of its own (HIPS autograd in `.venv-peers`, its package is also called "
        f"`autograd`), one thread each; {ROUNDS} rounds, the contenders interleaved in an "
        "order rotated per round. In a round, a contender's time is the best of its "
        "repetitions (on a shared host a slower repetition is interference, not the code). "
        "Ratios are taken within a round and shown as median "
        "(min–max) over the rounds. A shared machine makes every figure noisy: compare "
        "ratios, not absolute times, and trust a run made while the machine was quiet.", "",
        "## Targets (issue #12)", "", *goal, "",
        "## The classic demo: one full-batch training step", "",
        "100 two-moons points (noise 0.1), MLP 2-16-16-1 (ReLU), hinge loss + 1e-4·Σp², SGD "
        "lr 1.0, every contender from the same weights. Before timing, each contender's "
        f"first step was checked against the float floor: loss to {LOSS_TOL:g} (relative), "
        f"every gradient to {GRAD_TOL:g}. `nn.fit(compile=True)` per step is the time "
        "from the end of its first epoch to the end of its last over the epochs between "
        "(a clock passed to fit as its scheduler, which fit steps after every epoch): it "
        "includes fit's own loop (accuracy, history). Setup is what comes before the "
        "steps: building the contender plus what its first step took beyond a step (a "
        "tape writes and compiles its replay then, JAX traces, fit traces and compiles). "
        "The whole-graph tape is written with a sample's block once, called per row "
        "(`compile`'s default, linear to compile); written out, every node has its line.", "",
        *demo_rows, "",
        "## Chains: per node", "",
        "A chain of scalar ops (+ − × ÷ ** relu, cycling), built then differentiated; "
        "times per node, median (min–max) of repetitions in one fresh process, the "
        "garbage collector as the user gets it (on). Bytes held: tracemalloc, the graph "
        "after the build, per node. micrograd stops at 10⁵ (10⁶ takes minutes and a "
        "10⁶-deep recursion).", "", *chain_rows, "",
        "## Wide sums: per leaf", "",
        "One output summing N fresh leaves, then backward: micrograd with Python's `sum` "
        "(a chain of N additions, its idiom), chainrule with `autograd.sum` (one node of N "
        "edges). Times and bytes per leaf.", "", *wide_rows, "",
        "## MLP width: one full-batch step of the demo with MLP 2-W-W-1", "",
        "Time per step and per weight per sample (the unit of work of a dense layer), so "
        "a reader sees where each path's cost bends. Graph nodes and bytes: eager's graph "
        "of one step.", "", *mlp_rows, "",
        "## Whole-graph compile time (`autograd.compile`)", "",
        "The demo's full-batch loss graph for batches of 10, 100 (the demo) and 1000 "
        f"samples, each size compiled in {COMPILE_RUNS} fresh processes. The time is "
        "`autograd.compile` and the first `tape.grad()`, as a user meets them: trace the "
        "graph, write the source (a sample's block written once and called per row), "
        "CPython's `compile()`, one replay; the CPython column times `compile()` of the "
        "same source once more.", "", *compile_rows, "",
        "## Lowering for a live page (`autograd.javascript.lower`)", "",
        "A chain of scalar ops lowered to JavaScript (the page's recomputation and the "
        "by-edge Python tape it mirrors, every tape line addressed by its position), "
        "against its compile and first replay; best of 3 in one fresh process.", "",
        *lower_rows, "",
    ]
    if problems:
        parts += ["## Problems in this run", "", *[f"- {p}" for p in problems], ""]
    viz = HERE / "bench_viz.py"
    if viz.exists() and not QUICK:
        sys.path.insert(1, str(REPO))
        import bench_viz

        parts += [bench_viz.main(), ""]
    if (HERE / "bench_train_live.py").exists() and not QUICK:
        import bench_train_live

        measured = ("fit_compiled", "floor_numpy")
        steps = ({n: ratios[n]["steps"] for n in measured}
                 if all(n in ratios for n in measured) else None)
        parts += [bench_train_live.main(steps), ""]
    parts.append(f"Whole run: {time.perf_counter() - started:.0f} s.")
    text = "\n".join(parts) + "\n"
    # A smoke run must not overwrite the figures of a real one.
    target = REPO / "out" / "bench-quick.md" if QUICK else HERE / "RESULTS.md"
    target.parent.mkdir(exist_ok=True)
    target.write_text(text, encoding="utf-8")
    print(text)
    print("\n".join(["Targets:", *goal]))
    if problems:
        print("\n".join(["PROBLEMS:", *problems]), file=sys.stderr)
        raise SystemExit(1)


if __name__ == "__main__":
    main()
