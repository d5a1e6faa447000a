"""autograd.outline: a block copied per sample is written once and called per row, exactly."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest

from autograd import Value, compile, dot
from autograd import sum as vsum
from autograd.outline import MIN_ROWS, find
from autograd.trace import Trace

ROOT = Path(__file__).resolve().parent.parent
LINEAR_SLACK = 25  # 10x the samples may cost at most this many times (quadratic: 100x)


def batch_loss(n_samples, width=4, seed=1, shared=None):
    """A whole batch's loss: an MLP per sample with its numbers baked in, plus an l2 term."""
    rng = random.Random(seed)
    layers = [[[Value(rng.uniform(-1, 1), label="w") for _ in range(n_in)]
               + [Value(0.0, label="b")] for _ in range(n_out)]
              for n_in, n_out in ((2, width), (width, 1))]
    params = [p for layer in layers for neuron in layer for p in neuron]
    losses = []
    for _ in range(n_samples):
        h = [Value(rng.uniform(-2, 2)), Value(rng.uniform(-2, 2))]
        if shared is not None:
            h = [h[0] * shared, h[1]]
        for layer in layers:
            h = [(dot(n[:-1], h) + n[-1]).tanh() for n in layer]
        losses.append((1.0 - h[0] * rng.choice((-1.0, 1.0))).relu())
    reg = vsum([p * p for p in params]) * 1e-3
    return vsum(losses) * (1.0 / n_samples) + reg, params


def eager(root, params, values):
    for p, v in zip(params, values):
        p.data = v
    order = _recompute(root)
    for node in order:
        node.grad = 0.0
    root.backward()
    return root.data, [p.grad for p in params]


def _recompute(root):
    from autograd import topological_order

    order = topological_order(root)
    for node in order:
        if node.op is not None:
            ins = [p.data for p in node.parents]
            node.data = node.op.forward(*ins, node.arg) if node.op.param else node.op.forward(*ins)
    return order


@pytest.mark.parametrize("n_samples", [MIN_ROWS, 30])
def test_copies_are_calls_and_the_numbers_are_the_engines(n_samples):
    root, params = batch_loss(n_samples)
    tape = compile(root, params=params)
    assert tape.source.count("= _forward1(params, data, ") == n_samples
    assert tape.source.count("\n    _backward1(params, data, ") == n_samples
    rng = random.Random(7)
    for _ in range(3):
        values = [p.data * (1 + rng.uniform(-0.2, 0.2)) for p in params]
        expected = eager(root, params, values)
        assert tape.grad(values) == expected  # bit for bit, the engine's order
        assert tape.forward(values) == expected[0]


def test_outline_false_writes_every_copy_out_with_the_same_bits():
    root, params = batch_loss(30)
    outlined, written = compile(root, params=params), compile(root, params=params, outline=False)
    assert "_forward1" in outlined.source and "_forward1" not in written.source
    # each sample's 5 tanh (4 hidden, 1 output) written out, against the template's 5
    assert written.source.count("tanh(") >= 30 * 5 > 5 == outlined.source.count(" = tanh(")
    values = [p.data * 1.1 for p in params]
    assert written.grad(values) == outlined.grad(values) == eager(root, params, values)
    with pytest.raises(TypeError, match="compile: outline must be True or False, got 'no'"):
        compile(root, params=params, outline="no")


def test_too_few_copies_stay_written_out():
    root, params = batch_loss(MIN_ROWS - 1)
    assert find(Trace(root, params, [])) == []
    assert "_forward1" not in compile(root, params=params).source


def test_a_node_every_copy_reads_gets_its_gradient_in_order():
    """A shared node (w² for all samples) is an argument of each call, and what the
    copies add to its gradient is added where the engine adds it."""
    w = Value(0.7, label="w")
    root, params = batch_loss(20, shared=w * w)
    params = [w, *params]
    tape = compile(root, params=params)
    assert "_forward1" in tape.source
    assert tape.grad() == eager(root, params, [p.data for p in params])


def test_constants_equal_in_every_copy_are_written_in_the_others_passed():
    root, params = batch_loss(MIN_ROWS + 2)
    source = compile(root, params=params).source
    head = next(line for line in source.splitlines() if line.startswith("def _forward1("))
    assert head == "def _forward1(params, data, _a0, _a1, _a2):"  # x₀, x₁ and the label
    assert "1.0 - " in source  # the hinge's 1 is the same in every copy


def test_copies_that_are_not_contiguous_stay_written_out():
    """A node outside the copies, taken between two of them, would break the order in
    which the engine adds their contributions: no outlining then."""
    w = Value(0.4, label="w")
    terms, extra = [], []
    for i in range(MIN_ROWS + 2):
        x = Value(0.1 * i + 0.3)
        h = x * w
        for _ in range(20):
            h = (h * w + x).tanh()
        terms.append(h)
        extra.append((w * float(i)).sin())  # interleaved with the copies' nodes
    root = vsum([vsum(terms), vsum(extra)])
    tape = compile(root, params=[w])
    root.backward()
    assert tape.grad()[1] == [w.grad]


LINEAR = """
import sys, time
sys.path.insert(0, "tests")
from test_outline import batch_loss
from autograd import compile
def cost(n):
    root, params = batch_loss(n, width=4)
    best = float("inf")
    for _ in range(2):
        t = time.perf_counter()
        compile(root, params=params).grad()
        best = min(best, time.perf_counter() - t)
    return best
print(cost(2000) / cost(200))
"""


def test_a_whole_batch_compiles_in_time_linear_in_its_samples():
    done = subprocess.run([sys.executable, "-c", LINEAR], capture_output=True, text=True,
                          timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    ratio = float(done.stdout)
    assert ratio <= LINEAR_SLACK, f"10x the samples cost {ratio:.1f}x to compile"
