"""Batched replay: one tape over many rows equals the engine's per-sample loop."""

from __future__ import annotations

import math
import random
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from random_graphs import NUDGE_ROWS, build, eager, instruction, start_values

from autograd import Value, compile, dot
from autograd import sum as vsum
from autograd.batched import numpy_source

BATCH_TOL = 1e-12  # relative to max(1, |expected|): summation order and numpy's last ulp


def close(actual, expected):
    """Equal to BATCH_TOL (nan equals nan)."""
    if math.isnan(expected):
        return math.isnan(actual)
    return abs(actual - expected) <= BATCH_TOL * max(1.0, abs(expected))


def per_sample_loop(root, params, data, rows, reduction):
    """The engine, one graph per row: reduced output and parameter gradients."""
    outs, grads = [], [0.0] * len(params)
    for row in rows:
        result = eager(root, list(params) + list(data), [p.data for p in params] + list(row))
        if isinstance(result, Exception):
            return result
        outs.append(result[0])
        grads = [g + e for g, e in zip(grads, result[1])]
    scale = 1.0 / len(rows) if reduction == "mean" else 1.0
    return math.fsum(outs) * scale, [g * scale for g in grads]


def check_batch(tape, root, rows, reduction):
    expected = per_sample_loop(root, tape.params, tape.data, rows, reduction)
    for run in (tape.grad_batch, tape.grad_rows):
        if isinstance(expected, Exception):
            with pytest.raises(type(expected)):
                run(rows, reduction=reduction)
            continue
        out, grads = run(rows, reduction=reduction)
        assert close(out, expected[0]), (run.__name__, out, expected[0])
        pairs = list(zip(grads, expected[1]))
        assert all(close(g, e) for g, e in pairs), (run.__name__, pairs)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(start=start_values, program=st.lists(instruction, min_size=1, max_size=25),
       n_params=st.integers(0, 2), reduction=st.sampled_from(["mean", "sum"]),
       seed=st.integers(0, 1000))
def test_random_graphs_batched_equal_the_per_sample_loop(start, program, n_params, reduction,
                                                         seed):
    leaves, root = build(start, program)
    tape = compile(root, params=leaves[:n_params], data=leaves[n_params:])
    rng = random.Random(seed)
    rows = [[v * (1 + rng.uniform(-NUDGE_ROWS, NUDGE_ROWS)) for v in start[n_params:]]
            for _ in range(rng.randint(1, 6))]
    check_batch(tape, root, rows, reduction)


def _demo(n_samples=12, seed=0):
    """The classic demo's per-sample graph: an MLP, hinge loss, L2 on every weight."""
    rng = random.Random(seed)
    sizes = [2, 5, 4, 1]
    layers = [[([Value(rng.uniform(-1, 1), label=f"w{i}.{j}.{k}") for k in range(sizes[i])],
                Value(0.0, label=f"b{i}.{j}")) for j in range(sizes[i + 1])]
              for i in range(len(sizes) - 1)]
    params = [p for layer in layers for w, b in layer for p in (*w, b)]

    def model(x):
        for i, layer in enumerate(layers):
            x = [dot(w, x) + b for w, b in layer]
            x = [v.relu() for v in x] if i < len(layers) - 1 else x
        return x[0]

    def loss(x, y):
        return (1.0 - y * model(x)).relu()

    X = [[rng.uniform(-1, 2), rng.uniform(-1, 1)] for _ in range(n_samples)]
    Y = [rng.choice([-1.0, 1.0]) for _ in range(n_samples)]
    reg = 1e-4 * vsum([p * p for p in params])
    return params, model, loss, reg, X, Y


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_demo_step_equals_the_eager_full_batch_graph(reduction):
    params, _, loss, reg, X, Y = _demo()
    losses = [loss(x, y) for x, y in zip(X, Y)]
    scale = 1.0 / len(X) if reduction == "mean" else 1.0
    total = vsum(losses) * scale + reg * (1.0 if reduction == "mean" else len(X))
    total.backward()
    xs, y = [Value(0.0, label="x0"), Value(0.0, label="x1")], Value(0.0, label="y")
    tape = compile(loss(xs, y) + reg, params=params, data=[*xs, y])
    rows = [[*x, yy] for x, yy in zip(X, Y)]
    for run in (tape.grad_batch, tape.grad_rows):
        out, grads = run(rows, reduction=reduction)
        assert close(out, total.data)
        assert all(close(g, p.grad) for g, p in zip(grads, params))
    assert "np.dot(W_" in numpy_source(tape.trace)  # neurons ran as matrix products


def test_neuron_written_inputs_first_is_stacked_too():
    w = [Value(0.3, label="w0"), Value(-0.8, label="w1")]
    x = [Value(0.0, label="x0"), Value(0.0, label="x1")]
    root = dot(x, w).tanh() + dot(w, x) * 0.5  # both orders share one stack of inputs
    tape = compile(root, params=w, data=x)
    assert numpy_source(tape.trace).count("np.stack") == 1
    check_batch(tape, root, [[0.5, -1.0], [2.0, 0.25], [-0.3, 0.9]], "mean")


def test_forward_batch_gives_every_row():
    params, model, *_ = _demo()
    xs = [Value(0.0, label="x0"), Value(0.0, label="x1")]
    tape = compile(model(xs), params=params, data=xs)
    rows = [[0.1, 0.2], [-1.0, 0.5], [2.0, -0.3]]
    out = tape.forward_batch(rows)
    assert isinstance(out, np.ndarray) and out.shape == (3,)
    assert all(close(o, tape.forward(data=r)) for o, r in zip(out, rows))


def test_output_that_no_row_changes():
    w, x = Value(2.0, label="w"), Value(0.0, label="x")
    root = w * w + x * 0.0 - x * 0.0  # depends on data only through zeros
    tape = compile(w * w, params=[w], data=[x])
    assert tape.grad_batch([[1.0], [2.0], [3.0]], reduction="sum") == (12.0, [12.0])
    assert tape.grad_rows([[1.0], [2.0]], reduction="mean") == (4.0, [4.0])
    assert list(tape.forward_batch([[1.0], [2.0]])) == [4.0, 4.0]
    assert root.data == 4.0


def test_backward_batch_adds_to_grad():
    params, _, loss, reg, X, Y = _demo(n_samples=4)
    xs, y = [Value(0.0, label="x0"), Value(0.0, label="x1")], Value(0.0, label="y")
    tape = compile(loss(xs, y) + reg, params=params, data=[*xs, y])
    rows = np.array([[*x, yy] for x, yy in zip(X, Y)])
    _, grads = tape.grad_batch(rows)
    tape.backward_batch(rows)
    tape.backward_batch(rows)
    assert all(close(p.grad, 2 * g) for p, g in zip(params, grads))


@pytest.mark.parametrize("rows, error, words", [
    ([[1.0, 2.0]], ValueError, "shape (batch, 1)"),
    ([], ValueError, "batch ≥ 1"),
    ([["a"]], TypeError, "rows must be numbers"),
])
def test_rows_that_do_not_fit_raise_clear_errors(rows, error, words):
    w, x = Value(1.0, label="w"), Value(2.0, label="x")
    tape = compile(w * x, params=[w], data=[x])
    with pytest.raises(error, match=None) as err:
        tape.grad_batch(rows)
    assert words in str(err.value)
    with pytest.raises((TypeError, ValueError)):
        tape.grad_rows(rows if rows else [])


def test_bad_reduction():
    w, x = Value(1.0, label="w"), Value(2.0, label="x")
    with pytest.raises(ValueError, match="'mean' or 'sum'"):
        compile(w * x, params=[w], data=[x]).grad_batch([[1.0]], reduction="max")


def test_domain_error_in_a_batch_names_the_row_and_the_op():
    w, x = Value(1.0, label="w"), Value(2.0, label="x")
    tape = compile((w * x).log(), params=[w], data=[x])
    for run in (tape.grad_batch, tape.grad_rows):
        with pytest.raises(ValueError, match=r"row 1: log: log\(a\) is undefined"):
            run([[1.0], [-3.0], [2.0]])


def test_rule_branches_become_elementwise():
    w, x = Value(1.0, label="w"), Value(0.0, label="x")
    z = w * x
    root = z.relu() + abs(z) + z.leaky_relu(0.1) + (z * z + 1.0) ** (z * 0.5)
    tape = compile(root, params=[w], data=[x])
    # relu and leaky_relu one each, abs two, vpow five (a safe log and a safe power)
    assert numpy_source(tape.trace).count("np.where(") == 9
    check_batch(tape, root, [[-1.5], [0.7], [2.0], [-0.2]], "sum")


def test_without_numpy_the_error_says_how_to_get_it(monkeypatch):
    w, x = Value(1.0, label="w"), Value(2.0, label="x")
    tape = compile(w * x, params=[w], data=[x])
    monkeypatch.setitem(sys.modules, "numpy", None)
    with pytest.raises(ImportError, match=r"pip install chainrule\[fast\]"):
        tape.grad_batch([[1.0]])
    assert tape.grad_rows([[1.0], [3.0]]) == (2.0, [2.0])  # pure Python needs no numpy
