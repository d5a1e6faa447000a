"""The engine under attack: Ctrl-C at every point of a pass, readers in other threads,
graphs too deep for recursion.

Each attack (tests/attacks.py) runs in a child process under a timeout, so a regression
that hangs (a lock left held, a walk that loops) fails instead of stalling the suite.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
ATTACK_TIMEOUT = 120  # seconds before a hung attack counts as a failure
AFTER_POINTS = 4  # interrupt points once the pass is published: backward's way out


def attack(name: str, *args: str) -> dict:
    """Run attacks.<name>(*args) in a fresh Python; its report."""
    env = {**os.environ, "PYTHONPATH": str(TESTS.parent)}
    done = subprocess.run([sys.executable, "attacks.py", name, *args], capture_output=True,
                          text=True, timeout=ATTACK_TIMEOUT, cwd=TESTS, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("mode", ["plain", "anomaly"])
def test_an_interrupt_anywhere_in_backward_restores_every_gradient(mode):
    # Ctrl-C at each point CPython can deliver it during one pass (every node kind, gradients
    # already on leaves and interior nodes): every .grad as before, the lock free, the next
    # pass whole. Only once the pass is published, on backward's way out, is it kept whole.
    report = attack("interrupt_everywhere", mode)
    assert report["failures"] == []
    runs = [(state, len(list(group))) for state, group in itertools.groupby(report["outcomes"])]
    assert runs[0][0] == "before" and runs[0][1] > 100, runs
    assert len(runs) == 1 or (len(runs) == 2 and runs[1][0] == "after"
                              and runs[1][1] <= AFTER_POINTS), runs


def test_grad_is_a_float_to_every_reader_while_backward_runs():
    report = attack("readers_during_backward")
    assert report["odd"] == [] and report["sweeps"] > 0


def test_two_eager_fits_of_one_model_in_two_threads_finish():
    assert attack("two_fits_one_model") == {"errors": [], "floats": True}


def test_a_graph_100000_nodes_deep_pickles_and_deep_copies():
    # Both recursed before, failing at ~247 (pickle) and ~141 (deepcopy) nodes deep.
    whole = {"data": True, "nodes": True, "leaf": True, "grad": True}
    assert attack("deep_copies", "100000") == {"pickle": whole, "deepcopy": whole}
