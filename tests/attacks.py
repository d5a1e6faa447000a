"""Attacks on the engine that run in a child process (see test_engine_attacks.py).

Each attack is a function returning a JSON-able report; ``python attacks.py NAME [ARG]``
prints it as one line, so a test can run the attack under a timeout and read the verdict.
"""

from __future__ import annotations

import copy
import dis
import json
import pickle
import sys
import threading
from contextlib import nullcontext
from typing import Any

import autograd
from autograd import Value, detect_anomaly, engine

# Where CPython delivers a signal: at the start of a function, and after a call or a
# jump back (the bytecodes that check for pending work), whatever the Python version.
CHECKED = frozenset(op for op in dis.opmap if op.startswith("CALL")) | {"JUMP_BACKWARD",
                                                                         "JUMP_ABSOLUTE"}


class Interrupt:
    """A trace function that raises KeyboardInterrupt at the ``n``-th point where Ctrl-C
    could land: a frame's start, or the bytecode after a call or a jump back.

    Raising at the next bytecode is, if anything, stricter than CPython (whose interrupt
    belongs to the call itself, which may sit inside a try the next bytecode is not).
    CPython removes a trace function that raises, so each run takes one interrupt.
    """

    def __init__(self, n: int) -> None:
        self.n, self.points, self.fired = n, 0, False
        self.checked: dict[Any, bool] = {}  # frame -> did its last bytecode check?

    def __call__(self, frame: Any, event: str, arg: Any) -> Interrupt:
        frame.f_trace_opcodes = True
        if event == "call" or (event == "opcode" and self.checked.get(frame)):
            self.points += 1
            if self.points == self.n:
                self.fired = True
                raise KeyboardInterrupt
        if event == "opcode":
            self.checked[frame] = dis.opname[frame.f_code.co_code[frame.f_lasti]] in CHECKED
        return self


def small_graph() -> tuple[Value, list[Value]]:
    """Every kind of step (unary, binary, n-ary, reused nodes, a constant whose local is
    undefined), with gradients already on a leaf and on interior nodes."""
    w, x, c = Value(0.5, label="w"), Value(-1.5, label="x"), Value(2.0, label="c")
    h = (w * x).tanh()
    (h * 3.0).backward()  # h, w, x hold gradients from an earlier pass
    w.grad = 1.25
    z = autograd.dot([w, h, x], [x, w, h]) + h * h
    y = z.sigmoid() + 0.0 ** (c * 0.25) + h
    return y, autograd.topological_order(y)


def interrupt_everywhere(mode: str) -> dict[str, Any]:
    """Ctrl-C at every point of one backward pass: after each, every .grad is as before
    the pass (or, once the pass is published, as after it), the lock is free and the next
    pass is whole. Returns the outcome at each point: "before" or "after"."""
    expected = []  # every node's gradient after 0, 1 and 2 whole passes
    twin, twin_nodes = small_graph()
    for _ in range(3):
        expected.append([v._total for v in twin_nodes])
        twin.backward()
    outcomes: list[str] = []
    failures: list[str] = []
    while True:
        y, nodes = small_graph()
        trap = Interrupt(len(outcomes) + 1)
        with detect_anomaly() if mode == "anomaly" else nullcontext():
            sys.settrace(trap)
            try:
                y.backward()
            except KeyboardInterrupt:
                pass
            finally:
                sys.settrace(None)
        if not trap.fired:
            break
        where = f"point {trap.n}"
        state = [v._total for v in nodes]
        passes = expected.index(state) if state in expected[:2] else None
        outcomes.append({0: "before", 1: "after"}.get(passes, "mixed"))  # type: ignore[arg-type]
        if passes is None:
            failures.append(f"{where}: gradients neither as before nor as after the pass")
            continue
        if engine._LOCK._is_owned():  # type: ignore[attr-defined]
            failures.append(f"{where}: the lock is still held")
            break
        y.backward()
        if [v._total for v in nodes] != expected[passes + 1]:
            failures.append(f"{where}: the next pass is not whole")
    return {"outcomes": outcomes, "failures": failures[:20]}


def readers_during_backward() -> dict[str, Any]:
    """Two threads read .grad, grad_computed and repr of every node while the main thread
    runs backward passes over the same graph: each read must be a float."""
    sys.setswitchinterval(1e-6)  # a thread switch every few bytecodes
    xs = [Value(0.01 * i, label=f"x{i}") for i in range(100)]
    y = autograd.sum([(x * w).tanh() for w in xs[:30] for x in xs])
    for x in xs[:30]:
        y = y * 0.5 + x
    nodes = autograd.topological_order(y)
    stop, odd, sweeps = threading.Event(), [], [0]

    def read() -> None:
        while not stop.is_set():
            for v in nodes:
                g = v.grad
                if type(g) is not float or not isinstance(v.grad_computed, bool):
                    odd.append(repr(g))
                repr(v)
            sweeps[0] += 1

    readers = [threading.Thread(target=read) for _ in range(2)]
    for t in readers:
        t.start()
    try:
        for _ in range(4):
            y.backward()
    finally:
        stop.set()
        for t in readers:
            t.join()
    return {"odd": odd[:5], "sweeps": sweeps[0]}


def two_fits_one_model() -> dict[str, Any]:
    """Two eager fits of one model in two threads: both finish, every weight a float."""
    import nn

    sys.setswitchinterval(1e-6)
    X, y = nn.make_moons(100, seed=0)
    model = nn.MLP(2, [16, 16, 1], seed=0)
    errors: list[str] = []

    def fit(seed: int) -> None:
        try:
            nn.fit(model, X, y, nn.hinge_loss, nn.SGD(model.parameters(), lr=0.05), 4,
                   batch_size=25, seed=seed, progress=False)
        except Exception as err:  # any failure is the report
            errors.append(f"{type(err).__name__}: {err}")

    threads = [threading.Thread(target=fit, args=(seed,)) for seed in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    weights = [p.data for p in model.parameters()] + [p.grad for p in model.parameters()]
    return {"errors": errors, "floats": all(type(w) is float for w in weights)}


def deep_copies(depth: str) -> dict[str, Any]:
    """A chain ``depth`` nodes deep (y = y·0.5 + x, over and over) through pickle and
    deepcopy, with a leaf pickled beside it: the same numbers, the same gradient, the
    same number of nodes, the leaf still the chain's own."""
    x = Value(0.5, label="x")
    y = x
    for _ in range(int(depth) // 2):
        y = y * 0.5 + x
    nodes = len(autograd.topological_order(y))
    expected = autograd.grad(y, [x])
    report: dict[str, Any] = {}
    for name, clone in (("pickle", lambda o: pickle.loads(pickle.dumps(o))),
                        ("deepcopy", copy.deepcopy)):
        y2, x2 = clone([y, x])
        order = autograd.topological_order(y2)
        report[name] = {"data": y2.data == y.data, "nodes": len(order) == nodes,
                        "leaf": any(v is x2 for v in order),
                        "grad": autograd.grad(y2, [x2]) == expected}
    return report


ATTACKS = {"interrupt_everywhere": interrupt_everywhere,
           "readers_during_backward": readers_during_backward,
           "two_fits_one_model": two_fits_one_model,
           "deep_copies": deep_copies}

if __name__ == "__main__":
    print(json.dumps(ATTACKS[sys.argv[1]](*sys.argv[2:])))
