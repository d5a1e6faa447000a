"""`make bench`: chainrule against micrograd 0.1.0 and PyTorch, in one process.

Writes benchmarks/RESULTS.md (and prints it). Every figure is the min / median / max of
several runs; ratios use the minimum (this machine is shared and noisy).
"""

from __future__ import annotations

import gc
import os
import platform
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import chain  # noqa: E402
import demo  # noqa: E402
import micrograd_demo  # noqa: E402
import moons  # noqa: E402

import autograd  # noqa: E402

CHAIN_OPS, DEEP_OPS = 100_000, 1_000_000
RUNS = {"slow": 3, "fast": 15}


def stats(times):
    return min(times), statistics.median(times), max(times)


def fmt(t, unit=1e-3, digits=2):
    return f"{t / unit:.{digits}f}"


def machine():
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import numpy
    import torch

    return (f"{cpu}, {os.cpu_count()} logical CPUs (shared), {platform.system()} "
            f"{platform.release()}; Python {platform.python_version()}; numpy {numpy.__version__}; "
            f"torch {torch.__version__} (CPU, {torch.get_num_threads()} threads)")


def chains():
    from micrograd.engine import Value as MValue

    rows, notes = [], []
    limit = sys.getrecursionlimit()
    try:
        chain.time_chain(lambda: MValue(1.0), CHAIN_OPS)
        notes.append("micrograd ran the 100k chain at the default recursion limit")
    except RecursionError:
        notes.append(f"micrograd's recursive topological sort fails on the 100k chain at the "
                     f"default recursion limit ({limit}): RecursionError; raised to 10⁶ for it")
    cases = [
        ("micrograd 0.1.0, + − × ÷ ** relu", lambda: MValue(1.0), chain.BASIC,
         lambda v: v._prev, True),
        ("chainrule, + − × ÷ ** relu", lambda: autograd.Value(1.0), chain.BASIC,
         lambda v: v.parents, False),
        ("chainrule, tanh + log exp σ √ × sin −", lambda: autograd.Value(1.0), chain.EXTENDED,
         lambda v: v.parents, False),
    ]
    results = {}
    for name, leaf, ops, parents, raise_limit in cases:
        if raise_limit:
            sys.setrecursionlimit(1_000_000)
        try:
            runs = [chain.time_chain(leaf, CHAIN_OPS, ops) for _ in range(RUNS["slow"])]
            per_node, nodes, _ = chain.memory_chain(leaf, CHAIN_OPS, parents, ops)
        finally:
            sys.setrecursionlimit(limit)
        build = stats([r[0] / CHAIN_OPS for r in runs])
        back = stats([r[1] / CHAIN_OPS for r in runs])
        results[name] = (build, back, per_node, nodes)
    base = results[cases[0][0]]
    rows.append("| chain of 100,000 ops | build ns/op (min / med / max) | backward ns/op "
                "(min / med / max) | build+backward vs micrograd | bytes/node | nodes |")
    rows.append("| --- | --- | --- | --- | --- | --- |")
    for name, (build, back, per_node, nodes) in results.items():
        ratio = (base[0][0] + base[1][0]) / (build[0] + back[0])
        rows.append(f"| {name} | {' / '.join(fmt(t, 1e-9, 0) for t in build)} | "
                    f"{' / '.join(fmt(t, 1e-9, 0) for t in back)} | {ratio:.1f}x | "
                    f"{per_node:.0f} | {nodes:,} |")
    return rows, notes


def deep_chain():
    limit = sys.getrecursionlimit()
    runs = [chain.time_chain(lambda: autograd.Value(1.0), DEEP_OPS) for _ in range(2)]
    _, nodes, peak = chain.memory_chain(lambda: autograd.Value(1.0), DEEP_OPS,
                                        lambda v: v.parents, backward=True)
    build, back = stats([r[0] for r in runs]), stats([r[1] for r in runs])
    return [
        f"A chain {DEEP_OPS:,} ops deep (+ − × ÷ ** relu, {nodes:,} nodes), at the default "
        f"recursion limit ({limit}): build {fmt(build[0], 1, 2)} s (max {fmt(build[2], 1, 2)}), "
        f"backward {fmt(back[0], 1, 2)} s (max {fmt(back[2], 1, 2)}); peak traced memory "
        f"(build + backward) {peak / 2**20:.0f} MiB = {peak / nodes:.0f} bytes per node.",
    ]


def demo_steps():
    import numpy as np
    import torch

    X, y = moons.make_moons()
    weights = moons.initial_weights()
    rows = [[*x, yy] for x, yy in zip(X, y)]
    R = np.array(rows)
    variants = []

    mg = micrograd_demo.model(weights)
    variants.append(("micrograd 0.1.0 (reference)", lambda: micrograd_demo.step(mg, X, y),
                     "slow"))
    tstep = demo.torch_scalar(weights)
    variants.append(("PyTorch, 0-d scalar tensors (float64)", lambda: tstep(X, y), "slow"))
    for dtype in ("float64", "float32"):
        dt = getattr(torch, dtype)
        Xt, yt = torch.tensor(X, dtype=dt), torch.tensor(y, dtype=dt)
        step = demo.torch_batched(weights, dtype)
        variants.append((f"PyTorch, batched tensors ({dtype})",
                         lambda step=step, Xt=Xt, yt=yt: step(Xt, yt), "fast"))
    eager_model = demo.chainrule_model(weights)
    variants.append(("chainrule eager (nn.MLP)", lambda: demo.eager_step(eager_model, X, y),
                     "fast"))

    compile_rows = []
    whole_model = demo.chainrule_model(weights)
    t, whole = demo.timed(demo.whole_graph_tape, whole_model, X, y)
    compile_rows.append(("whole full-batch graph (bit-identical to eager)", t,
                         len(whole.source.splitlines())))
    variants.append(("chainrule compiled, whole graph (floats)",
                     lambda: demo.tape_step(whole, whole.grad, None), "fast"))
    rows_model = demo.chainrule_model(weights)
    t, per_sample = demo.timed(demo.per_sample_tape, rows_model)
    t2, _ = demo.timed(per_sample.grad_rows, rows)
    compile_rows.append(("per-sample graph → row loop (trace + generate + compile, "
                         "incl. first replay)", t + t2, len(per_sample.source.splitlines())))
    variants.append(("chainrule compiled, per-sample tape looping over rows (floats)",
                     lambda: demo.tape_step(per_sample, per_sample.grad_rows, rows), "fast"))
    batch_model = demo.chainrule_model(weights)
    t, batched = demo.timed(demo.per_sample_tape, batch_model)
    t2, _ = demo.timed(batched.grad_batch, R)
    compile_rows.append(("per-sample graph → numpy batch (incl. first replay)", t + t2,
                         len(batched.source.splitlines())))
    variants.append(("chainrule batched (numpy, float64)",
                     lambda: demo.tape_step(batched, batched.grad_batch, R), "fast"))

    results, first_loss = {}, {}
    for name, fn, speed in variants:
        gc.collect()
        times = []
        for i in range(RUNS[speed]):
            t0 = time.perf_counter()
            loss = fn()
            times.append(time.perf_counter() - t0)
            if i == 0:
                first_loss[name] = loss
        results[name] = stats(times)
    ref = results[variants[0][0]][0]
    torch_batched = results["PyTorch, batched tensors (float64)"][0]
    out = ["| one full-batch step | ms (min / median / max) | speed-up vs micrograd | "
           "time ÷ PyTorch batched f64 | loss at step 1 |", "| --- | --- | --- | --- | --- |"]
    for name, (lo, med, hi) in results.items():
        out.append(f"| {name} | {fmt(lo, 1e-3, 3)} / {fmt(med, 1e-3, 3)} / {fmt(hi, 1e-3, 3)} "
                   f"| {ref / lo:.0f}x | {lo / torch_batched:.2f} | "
                   f"{first_loss[name]:.15f} |")
    comp = ["| compile | seconds | lines of generated source |", "| --- | --- | --- |"]
    comp += [f"| {name} | {t:.3f} | {lines:,} |" for name, t, lines in compile_rows]
    return out, comp


def main():
    import torch

    # Tensors of 100×16 are far below PyTorch's grain for intra-op threads; one thread
    # gives the same speed with less noise on a shared machine.
    torch.set_num_threads(1)
    started = time.perf_counter()
    parts = ["# Benchmarks", "", f"Machine: {machine()}.", "",
             "Generated by `make bench` (`benchmarks/run.py`), everything in one process. "
             "Times are min / median / max over several runs; ratios use the minimum.", ""]
    # Chains first: the cyclic GC scans every live object, so a heap full of demo
    # models would slow whichever engine allocates most; frozen objects are not scanned.
    gc.collect()
    gc.freeze()
    rows, notes = chains()
    deep = deep_chain()
    gc.unfreeze()
    steps, compile_rows = demo_steps()
    parts += ["## The classic demo: one full-batch training step", "",
              "100 two-moons points (noise 0.1), MLP 2-16-16-1 (ReLU), hinge loss + 1e-4·L2, "
              "SGD lr 1.0, every variant starting from the same weights (so the first losses "
              "agree).", "", *steps, "", "## Compile time for that graph", "", *compile_rows,
              ""]
    parts += ["## A 100,000-op chain", "", *rows, "", *[f"- {n}" for n in notes], "",
              "## A 1,000,000-op chain", "", *deep, ""]
    viz = HERE / "bench_viz.py"
    if viz.exists():
        import bench_viz

        parts += [bench_viz.main(), ""]
    parts.append(f"Whole run: {time.perf_counter() - started:.0f} s.")
    text = "\n".join(parts) + "\n"
    (HERE / "RESULTS.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
