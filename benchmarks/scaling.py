"""Where the cost bends: one scaling case per fresh process (``worker.py scale JOB ...``).

- ``chain ENGINE N``: a chain of N scalar ops (+ − × ÷ ** relu), build + backward;
- ``wide ENGINE N``: one output summing N leaves, build + backward;
- ``mlp MODE WIDTH``: one full-batch training step of the demo with MLP 2-W-W-1;
- ``compile SAMPLES``: ``autograd.compile`` of the demo's whole-batch loss graph, and
  its first replay (which writes and compiles the function);
- ``lower N``: a chain of N scalar ops lowered for a live page
  (``autograd.javascript.lower``) against its compile and first replay.

Times are per node (per weight per sample for the MLP); memory is what tracemalloc sees
held by the graph after the build, per node.
"""

from __future__ import annotations

import gc
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import chain
import moons

# How long the repetitions of one case should last in all (at least one runs).
BUDGET_S = 0.6


def _repeat(once: Callable[[], tuple[float, ...]], budget: float = BUDGET_S) -> list[tuple]:
    runs, started = [], time.perf_counter()
    while not runs or time.perf_counter() - started < budget:
        runs.append(once())
    return runs


def _summary(values: list[float]) -> dict[str, float]:
    return {"min": min(values), "median": statistics.median(values), "max": max(values)}


def _engine(name: str) -> tuple[Callable[..., Any], Callable[[Any], Any], Callable[..., Any]]:
    """(leaf maker, parents of a node, sum of a list) for micrograd or chainrule."""
    if name == "micrograd":
        from micrograd.engine import Value as MValue

        # micrograd's topological sort recurses once per node of the chain.
        sys.setrecursionlimit(10_000_000)
        return MValue, lambda v: v._prev, sum
    import autograd

    return autograd.Value, lambda v: v.parents, autograd.sum


def _held_bytes(build: Callable[[], Any]) -> float:
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    root = build()
    held = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    del root
    return held


def _graph_case(engine: str, build: Callable[[Any], Any], per: int | None = None) -> dict[str, Any]:
    """Build + backward timings and held bytes, per node (or per ``per`` items)."""
    make_leaf, parents, _ = _engine(engine)

    def once() -> tuple[float, float]:
        leaf = make_leaf(1.0)
        t0 = time.perf_counter()
        root = build(leaf)
        t1 = time.perf_counter()
        root.backward()
        t2 = time.perf_counter()
        return t1 - t0, t2 - t1

    root = build(make_leaf(1.0))
    nodes = chain.count_nodes(root, parents)
    del root
    runs = _repeat(once)
    held = _held_bytes(lambda: build(make_leaf(1.0)))
    unit = per or nodes
    return {"nodes": nodes, "per": unit, "build": _summary([b / unit for b, _ in runs]),
            "backward": _summary([f / unit for _, f in runs]),
            "total": _summary([(b + f) / unit for b, f in runs]), "bytes": held / unit,
            "runs": len(runs)}


def chain_case(engine: str, n: str) -> dict[str, Any]:
    return _graph_case(engine, lambda leaf: chain.build(leaf, int(n)))


def wide_case(engine: str, n: str) -> dict[str, Any]:
    make_leaf, _, total = _engine(engine)
    count = int(n)

    def build(leaf: Any) -> Any:
        # leaves made inside the build: they are part of the graph, as a model's are
        return total([leaf, *(make_leaf(0.5) for _ in range(count - 1))])

    return _graph_case(engine, build, per=count)  # per leaf summed


def _mlp_step(mode: str, width: int) -> tuple[Callable[[], float], int, Callable[[], Any]]:
    """(one training step, parameter count, builder of one step's graph or None)."""
    X, y = moons.make_moons()
    sizes = [2, width, width, 1]
    import random

    rng = random.Random(0)
    weights = [[([rng.uniform(-1, 1) / sizes[i] ** 0.5 for _ in range(sizes[i])], 0.0)
                for _ in range(sizes[i + 1])] for i in range(len(sizes) - 1)]
    n_params = sum(len(w) + 1 for layer in weights for w, _ in layer)
    if mode == "floor_numpy":
        import contenders

        runner = contenders.floor_numpy(X, y, weights)
        return lambda: runner.run(1), n_params, None
    import demo

    import nn

    model = nn.MLP(2, sizes[1:], activation="relu", seed=0)
    for layer, ws in zip(model.layers, weights):
        for neuron, (w, b) in zip(layer.neurons, ws):
            for p, v in zip(neuron.w, w):
                p.data = v
            neuron.b.data = b
    if mode == "eager":
        def graph() -> Any:
            params = model.parameters()
            return nn.hinge_loss([model(x) for x in X], y) + demo.regularization(params)

        return lambda: demo.eager_step(model, X, y), n_params, graph
    tape = demo.per_sample_tape(model)
    if mode == "rows":
        rows = [[*x, t] for x, t in zip(X, y)]
        return lambda: demo.tape_step(tape, tape.grad_rows, rows), n_params, None
    import numpy as np

    rows = np.array([[*x, t] for x, t in zip(X, y)])
    return lambda: demo.tape_step(tape, tape.grad_batch, rows), n_params, None


def mlp_case(mode: str, width: str) -> dict[str, Any]:
    step, n_params, graph = _mlp_step(mode, int(width))
    step()  # warm: the replays are generated on first use

    def once() -> tuple[float]:
        t0 = time.perf_counter()
        step()
        return (time.perf_counter() - t0,)

    times = [t for (t,) in _repeat(once)]
    result = {"params": n_params, "samples": moons.N_POINTS, "step": _summary(times),
              "runs": len(times)}
    if graph is not None:
        import autograd

        root = graph()
        result["nodes"] = chain.count_nodes(root, lambda v: v.parents)
        del root
        result["bytes"] = _held_bytes(graph) / result["nodes"]
        del autograd
    return result


def compile_case(samples: str) -> dict[str, Any]:
    import builtins

    import demo

    X, y = moons.make_moons(int(samples))
    model = demo.chainrule_model(moons.initial_weights())
    params = model.parameters()
    import autograd
    import nn

    root = nn.hinge_loss([model(x) for x in X], y) + demo.regularization(params)
    nodes = chain.count_nodes(root, lambda v: v.parents)
    t0 = time.perf_counter()
    tape = autograd.compile(root, params=params)
    tape.grad()  # a tape writes and compiles its function when first replayed
    seconds = time.perf_counter() - t0
    # CPython's share: compiling the same source once more (the tape's own compile ran above)
    t0 = time.perf_counter()
    builtins.compile(tape.source, "<tape>", "exec")
    python_compile = time.perf_counter() - t0
    return {"samples": int(samples), "nodes": nodes, "seconds": seconds,
            "cpython": python_compile, "lines": len(tape.source.splitlines())}


def lower_case(n: str) -> dict[str, Any]:
    import autograd
    from autograd.javascript import lower

    x = autograd.Value(0.5, label="x")
    root = chain.build(x, int(n))

    def compiled() -> None:
        autograd.compile(root, params=[x]).grad()

    def lowered() -> None:
        lower(root)

    times = {}
    for name, work in (("compile", compiled), ("lower", lowered)):
        best = float("inf")
        for _ in range(3):
            t0 = time.perf_counter()
            work()
            best = min(best, time.perf_counter() - t0)
        times[name] = best
    return {"ops": int(n), **times, "ratio": times["lower"] / times["compile"]}


JOBS = {"chain": chain_case, "wide": wide_case, "mlp": mlp_case, "compile": compile_case,
        "lower": lower_case}


def run(job: str, *args: str) -> dict[str, Any]:
    """One scaling case, as a dict for JSON."""
    return {"job": job, "args": list(args), **JOBS[job](*args)}
