"""One measurement in a fresh process; ``run.py`` starts one of these per contender per round.

    python benchmarks/worker.py demo NAME      # the classic demo step (contenders.py)
    python benchmarks/worker.py scale JOB ...  # a scaling case (scaling.py)

Prints one line of JSON. Nothing else runs in the process, so no engine pays for
another's objects (CPython's cyclic garbage collector scans every live one).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
# How long one timed repetition should last, and how many a process runs.
REPETITION_S, REPETITIONS = 0.25, 5
# fit() traces and compiles on every call: its epochs after the first are timed, per step.
FIT_STEPS = 500


def _use_checkout() -> None:
    # This checkout's autograd/nn, ahead of any installed copy; HIPS autograd's
    # process skips this, so there `import autograd` finds HIPS's package.
    sys.path.insert(1, str(REPO))


def demo(name: str) -> dict:
    import contenders
    import moons

    label, make, needs_checkout = contenders.CONTENDERS[name]
    if needs_checkout:
        _use_checkout()
    X, y = moons.make_moons()
    weights = moons.initial_weights()
    before = [v for layer in weights for w, b in layer for v in (*w, b)]
    t0 = time.perf_counter()
    runner = make(X, y, weights)
    setup = time.perf_counter() - t0
    t0 = time.perf_counter()
    loss = runner.run(1)
    first = time.perf_counter() - t0
    after = runner.params()
    # lr = 1: the first step moved each weight by exactly its gradient (to rounding).
    grads = [(b - a) / moons.LR for b, a in zip(before, after)]
    slow = first >= REPETITION_S  # micrograd, PyTorch scalars: one step is a repetition
    if not slow:
        runner.run(1)  # warm: jit caches, lazily built replays
    times = []
    for _ in range(REPETITIONS):
        if runner.epoch_stamps is not None:  # fit: the epochs after the first, timed
            stamps = runner.epoch_stamps(1 + FIT_STEPS)
            times.append((stamps[-1] - stamps[0]) / FIT_STEPS)
            continue
        t0 = time.perf_counter()
        runner.run(1)
        one = time.perf_counter() - t0
        if slow:
            times.append(one)
            continue
        k = max(1, min(10_000, int(REPETITION_S / max(one, 1e-7))))
        t0 = time.perf_counter()
        runner.run(k)
        times.append((time.perf_counter() - t0) / k)
    # Best of the repetitions, for every contender alike: on a shared host a slower
    # repetition is interference, not the code (the advice of timeit's documentation).
    step = min(times)
    # Setup is everything before the steps: building the contender and what its first
    # step did beyond a step (a tape compiles its replay, JAX traces, fit traces there).
    if runner.epoch_stamps is not None:
        setup = first - step
    else:
        setup += max(0.0, first - step)
    return {"name": name, "label": label, "loss": loss, "grads": grads, "setup": setup,
            "times": times, "step": step}


def main() -> None:
    kind, *args = sys.argv[1:]
    if kind == "demo":
        result = demo(*args)
    elif kind == "scale":
        _use_checkout()
        import scaling

        result = scaling.run(*args)
    else:
        raise SystemExit(f"worker: unknown kind {kind!r} (demo or scale)")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
