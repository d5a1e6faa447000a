"""Batched replay: one tape over many rows equals the engine's per-sample loop."""

from __future__ import annotations

import math
import random
import re
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from random_graphs import NUDGE_ROWS, build, eager, instruction, start_values

from autograd import Value, compile, dot
from autograd import sum as vsum
from autograd.batched import BatchedTape, numpy_source
from autograd.ops import Op
from autograd.vectorize import Group, find_groups, product_op

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
    source = numpy_source(tape.trace)
    # each layer's neurons ran as one matrix product, not one product per neuron
    assert len(re.findall(r"_Z\d+ = _W\d+ @ ", source)) == 3
    assert "np.dot(W_" not in source


def test_neuron_written_inputs_first_is_stacked_too():
    w = [Value(0.3, label="w0"), Value(-0.8, label="w1")]
    x = [Value(0.0, label="x0"), Value(0.0, label="x1")]
    root = dot(x, w).tanh() + dot(w, x) * 0.5  # both orders share one stack of inputs
    tape = compile(root, params=w, data=x)
    source = numpy_source(tape.trace)
    assert source.count("= rows[0:2]") == 1  # the inputs, stacked once: rows x0 and x1
    assert len(re.findall(r"= _W\d+ @ ", source)) == 1  # both neurons in one product
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


def test_every_replay_refuses_what_the_engine_refuses_naming_the_row_and_the_op():
    """numpy's 1/0 is inf and atan(inf) a number: the engine raises at 1/x, and so does
    every batched replay, for the row where it does (issue 23, item 10)."""
    w, x = Value(0.3, label="w"), Value(2.0, label="x")
    root = w + (1.0 / x).atan()
    tape = compile(root, params=[w], data=[x])
    rows = [[2.0], [0.0], [1.0]]
    with pytest.raises(ZeroDivisionError):
        compile(w + (1.0 / Value(0.0)).atan(), params=[w])
    for run in (tape.grad_batch, tape.grad_rows, tape.forward_batch):
        with pytest.raises(ZeroDivisionError, match=r"row 1: div: a/b divides by zero"):
            run(rows)
    with pytest.raises(ZeroDivisionError, match=r"row 1: div"):
        tape.grad_batch_keeping(rows, [root])


def test_forward_batch_checks_the_domain_as_the_engine_does():
    w, x = Value(1.0, label="w"), Value(2.0, label="x")
    tape = compile((w * x).log() + w, params=[w], data=[x])
    with pytest.raises(ValueError, match=r"row 2: log: log\(a\) is undefined"):
        tape.forward_batch([[1.0], [2.0], [-1.0]])
    assert tape.forward_batch([[1.0], [2.0]]).tolist() == [
        tape.forward(data=[1.0]), tape.forward(data=[2.0])]


def test_an_overflow_the_engine_computes_is_no_error_in_a_batch():
    """x·1e308 is inf in Python too: a batch gives inf, not an error."""
    w, x = Value(1.0, label="w"), Value(2.0, label="x")
    tape = compile(w * x * 1e308, params=[w], data=[x])
    assert tape.forward_batch([[10.0], [1.0]]).tolist() == [math.inf, 1e308]
    loss, (g,) = tape.grad_batch([[10.0], [1.0]], reduction="sum")
    expected = [tape.grad(data=[10.0]), tape.grad(data=[1.0])]
    assert loss == expected[0][0] + expected[1][0] == math.inf
    assert g == expected[0][1][0] + expected[1][1][0]


def test_rule_branches_become_elementwise():
    w, x = Value(1.0, label="w"), Value(0.0, label="x")
    z = w * x
    root = z.relu() + abs(z) + z.leaky_relu(0.1) + (z * z + 1.0) ** (z * 0.5)
    tape = compile(root, params=[w], data=[x])
    # relu and leaky_relu one each, abs two, vpow eleven (a safe log and a safe power, torch's
    # values where aᵇ·ln a and b·aᵇ⁻¹ are no numbers; ∂/∂a's test is written at both uses)
    assert numpy_source(tape.trace).count("np.where(") == 15
    check_batch(tape, root, [[-1.5], [0.7], [2.0], [-0.2]], "sum")


def test_without_numpy_the_error_says_how_to_get_it(monkeypatch):
    w, x = Value(1.0, label="w"), Value(2.0, label="x")
    tape = compile(w * x, params=[w], data=[x])
    monkeypatch.setitem(sys.modules, "numpy", None)
    with pytest.raises(ImportError, match=r"pip install numpy .*pip install -e '\.\[fast\]'"):
        tape.grad_batch([[1.0]])
    assert tape.grad_rows([[1.0], [3.0]]) == (2.0, [2.0])  # pure Python needs no numpy


# ---- grouping isomorphic nodes (autograd.vectorize) ------------------------------------


def ungrouped(tape, rows, reduction="mean"):
    """The batched replay one node per numpy call (no groups)."""
    return BatchedTape(tape, groups=False).grad(rows, None, reduction)


def check_grouping(tape, root, rows, reduction="mean", min_groups=1):
    """Grouped replay equals the one-by-one replay and the engine's per-sample loop."""
    trace = tape.trace
    sample = [n for n in trace.order if n.op is not None and n in trace.per_sample]
    items, _ = find_groups(trace, sample)
    assert sum(isinstance(i, Group) for i in items) >= min_groups
    out, grads = tape.grad_batch(rows, reduction=reduction)
    out0, grads0 = ungrouped(tape, rows, reduction)
    assert close(out, out0) and all(close(g, e) for g, e in zip(grads, grads0))
    check_batch(tape, root, rows, reduction)
    forward = tape.forward_batch(rows)
    forward0 = BatchedTape(tape, groups=False).forward(rows)
    assert all(close(a, b) for a, b in zip(forward.tolist(), forward0.tolist()))


def mlp(sizes, activation, rng, bias=True, shared_weight=None, const_layer=None):
    """A per-sample MLP graph built from Values: layers of dot(w, x) (+ b), then activation."""
    params, layers = [], []
    for i in range(len(sizes) - 1):
        layer = []
        for j in range(sizes[i + 1]):
            if const_layer == i:  # weights baked in as constants
                w = [Value(rng.uniform(-1, 1)) for _ in range(sizes[i])]
            else:
                w = [shared_weight if shared_weight is not None and k == 0
                     else Value(rng.uniform(-1, 1), label=f"w{i}.{j}.{k}")
                     for k in range(sizes[i])]
                params += [p for p in w if p not in params]
            b = Value(rng.uniform(-0.5, 0.5), label=f"b{i}.{j}") if bias else None
            if b is not None:
                params.append(b)
            layer.append((w, b))
        layers.append(layer)

    def model(x):
        for i, layer in enumerate(layers):
            z = [dot(w, x) + b if b is not None else dot(w, x) for w, b in layer]
            x = [getattr(v, activation)() for v in z] if i < len(layers) - 1 else z
        return x

    return params, model


@pytest.mark.parametrize("sizes, activation", [
    ([2, 16, 16, 1], "relu"), ([3, 4, 1], "tanh"), ([1, 7, 3, 2], "sigmoid"),
    ([4, 1, 5, 1], "relu"), ([2, 3, 3, 3, 1], "tanh"),
])
def test_mlps_of_several_shapes_group_and_equal_the_engine(sizes, activation):
    rng = random.Random(sum(sizes))
    params, model = mlp(sizes, activation, rng)
    xs = [Value(0.0, label=f"x{i}") for i in range(sizes[0])]
    y = Value(1.0, label="y")
    outs = model(xs)
    root = (1.0 - y * vsum(outs)).relu() + 1e-4 * vsum([p * p for p in params])
    tape = compile(root, params=params, data=[*xs, y])
    rows = [[rng.uniform(-2, 2) for _ in xs] + [rng.choice([-1.0, 1.0])] for _ in range(9)]
    check_grouping(tape, root, rows, "mean", min_groups=len(sizes) - 1)
    check_grouping(tape, root, rows[:1], "sum")  # a batch of one row


def test_demo_mlp_runs_one_array_op_per_layer_and_activation():
    rng = random.Random(0)
    params, model = mlp([2, 16, 16, 1], "relu", rng)
    xs, y = [Value(0.0, label="x0"), Value(0.0, label="x1")], Value(1.0, label="y")
    tape = compile((1.0 - y * model(xs)[0]).relu(), params=params, data=[*xs, y])
    source = numpy_source(tape.trace)
    assert len(re.findall(r"= _W\d+ @ ", source)) == 3  # the forward's matrix products
    # each hidden layer's relu on one array (its via, m.where(a <= 0, 0, a), inline)
    assert len(re.findall(r"_Z\d+ = np.where\(_Z\d+ <= 0.0, 0.0, _Z\d+\)", source)) == 2
    assert len(re.findall(r"^ +g_\w+ = ", source, re.M)) < 10  # no per-neuron gradients


def test_inputs_read_twice_and_by_two_layers():
    rng = random.Random(3)
    w = [[Value(rng.uniform(-1, 1), label=f"w{j}{k}") for k in range(3)] for j in range(4)]
    params = [p for row in w for p in row]
    x0, x1 = Value(0.0, label="x0"), Value(0.0, label="x1")
    xs = [x0, x1, x0]  # one input twice in every neuron
    h = [dot(row, xs).tanh() for row in w]
    g = [dot(row[:2], [h[0], h[0]]) for row in w]  # a group's row read twice by a product
    root = vsum(h) * x1 + vsum(g) + dot(w[0], h[1:])  # rows of a group in another order
    tape = compile(root, params=params, data=[x0, x1])
    rows = [[rng.uniform(-1, 1), rng.uniform(-1, 1)] for _ in range(5)]
    check_grouping(tape, root, rows, "sum", min_groups=2)


def test_a_weight_shared_by_every_neuron_sums_its_gradients():
    rng = random.Random(4)
    shared = Value(0.7, label="shared")
    params, model = mlp([3, 5, 1], "tanh", rng, shared_weight=shared)
    assert params.count(shared) == 1
    xs = [Value(0.0, label=f"x{i}") for i in range(3)]
    root = model(xs)[0]
    tape = compile(root, params=params, data=xs)
    assert "np.add.at(_GR" in numpy_source(tape.trace)
    rows = [[rng.uniform(-1, 1) for _ in xs] for _ in range(6)]
    check_grouping(tape, root, rows, "mean", min_groups=2)


def test_constant_weights_layers_without_bias_and_computed_shared_inputs():
    rng = random.Random(5)
    params, model = mlp([2, 4, 3, 1], "relu", rng, bias=False, const_layer=1)
    scale = Value(0.5, label="scale")  # a shared node needing a gradient, read by every row
    xs = [Value(0.0, label=f"x{i}") for i in range(2)]
    h = [v * (scale * 2.0) + 1.5 for v in model(xs)[:1]]
    z = [dot(w, xs) for w in ([params[0], params[1]], [params[2], params[3]])]
    mixed = [(v * (scale * 3.0)).sigmoid() * xs[1] for v in z]  # s and n kinds
    root = vsum(h) + vsum(mixed)
    tape = compile(root, params=[*params, scale], data=xs)
    rows = [[rng.uniform(-1, 1) for _ in xs] for _ in range(7)]
    check_grouping(tape, root, rows, "sum", min_groups=2)


# An op outside the table named like a table op: the group must run the op itself.
FAKE_RELU = Op("relu", "f", "f(a)", lambda a: a * a * 0.5, (lambda m, a, out: a,), None,
               "half a squared, named relu")
# An n-ary op whose term is twice a product: no matrix product, an elementwise group.
FAKE_DOT = Op("fdot", "Σ", "Σ 2wᵢ·xᵢ", lambda *ins: sum(
    2.0 * w * x for w, x in zip(ins[:len(ins) // 2], ins[len(ins) // 2:])),
    (lambda m, w, x, out: 2.0 * x, lambda m, w, x, out: 2.0 * w), None,
    "twice a dot", inputs=("w", "x"), nary=True, term=lambda m, w, x: 2.0 * w * x)


def test_ops_outside_the_table_group_by_their_own_rules():
    from autograd import apply

    assert not product_op(FAKE_DOT)
    rng = random.Random(6)
    w = [[Value(rng.uniform(-1, 1), label=f"w{j}{k}") for k in range(2)] for j in range(3)]
    params = [p for row in w for p in row]
    xs = [Value(0.0, label="x0"), Value(0.0, label="x1")]
    h = [apply(FAKE_RELU, dot(row, xs)) for row in w]
    f = [apply(FAKE_DOT, *row, *xs) for row in w]
    root = vsum(h) + vsum(f)
    tape = compile(root, params=params, data=xs)
    source = numpy_source(tape.trace)
    assert "np_relu_2(_Z" in source  # the outside op on a group's array, not numpy's relu
    rows = [[rng.uniform(-1, 1), rng.uniform(-1, 1)] for _ in range(4)]
    check_grouping(tape, root, rows, "mean", min_groups=2)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sizes=st.lists(st.integers(1, 5), min_size=2, max_size=4),
       activation=st.sampled_from(["relu", "tanh", "sigmoid", "abs"]),
       bias=st.booleans(), share=st.booleans(), seed=st.integers(0, 1000))
def test_random_layered_graphs_group_without_changing_results(sizes, activation, bias, share,
                                                              seed):
    rng = random.Random(seed)
    shared = Value(0.3, label="shared") if share else None
    params, model = mlp(sizes, activation, rng, bias=bias, shared_weight=shared)
    xs = [Value(0.0, label=f"x{i}") for i in range(sizes[0])]
    outs = model(xs)
    root = vsum([o * o for o in outs]) if len(outs) > 1 else outs[0]
    tape = compile(root, params=params, data=xs)
    rows = [[rng.uniform(-1, 1) for _ in xs] for _ in range(rng.randint(1, 5))]
    check_grouping(tape, root, rows, "mean", min_groups=0)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(start=start_values, program=st.lists(instruction, min_size=1, max_size=25),
       n_params=st.integers(0, 2), seed=st.integers(0, 1000))
def test_random_graphs_grouped_equal_ungrouped(start, program, n_params, seed):
    leaves, root = build(start, program)
    tape = compile(root, params=leaves[:n_params], data=leaves[n_params:])
    rng = random.Random(seed)
    rows = [[v * (1 + rng.uniform(-NUDGE_ROWS, NUDGE_ROWS)) for v in start[n_params:]]
            for _ in range(rng.randint(1, 6))]
    with np.errstate(all="ignore"):
        try:
            expected = ungrouped(tape, rows)
        except (ArithmeticError, ValueError, TypeError) as err:
            with pytest.raises(type(err)):
                tape.grad_batch(rows)
            return
        out, grads = tape.grad_batch(rows)
    assert close(out, expected[0])
    assert all(close(g, e) for g, e in zip(grads, expected[1]))


def test_grad_keeping_returns_inner_values_from_the_same_replay():
    rng = random.Random(7)
    params, model = mlp([2, 4, 3], "tanh", rng)
    xs, y = [Value(0.0, label="x0"), Value(0.0, label="x1")], Value(1.0, label="y")
    outs = model(xs)
    shared = params[0] * 2.0  # no row changes it
    root = vsum([(o - y) * (o - y) for o in outs]) + shared
    tape = compile(root, params=params, data=[*xs, y])
    rows = [[rng.uniform(-1, 1), rng.uniform(-1, 1), rng.uniform(-1, 1)] for _ in range(5)]
    keep = [*outs, xs[1], shared]
    loss, grads, values = tape._batch().grad_keeping(rows, keep, reduction="sum")
    assert (loss, grads.tolist()) == tape.grad_batch(rows, reduction="sum")
    for node, got in zip(keep, values):
        alone = compile(node, params=params, data=xs)
        expected = alone.forward_batch([r[:2] for r in rows])
        assert got.shape == (5,) and all(close(a, b) for a, b in zip(got, expected))
    with pytest.raises(ValueError, match="not in the traced graph"):
        tape._batch().grad_keeping(rows, [Value(1.0)])


def test_a_domain_error_inside_a_group_names_the_row_and_the_op():
    w = [[Value(1.0, label=f"w{j}{k}") for k in range(2)] for j in range(3)]
    xs = [Value(1.0, label="x0"), Value(1.0, label="x1")]
    root = vsum([dot(row, xs).log() for row in w])
    tape = compile(root, params=[p for row in w for p in row], data=xs)
    assert "np_log(_Z" in numpy_source(tape.trace)  # the logs ran as one group
    with pytest.raises(ValueError, match=r"row 1: log: log\(a\) is undefined"):
        tape.grad_batch([[1.0, 2.0], [-3.0, 1.0], [2.0, 2.0]])
    with pytest.raises(ValueError, match=r"row 1: log"):
        tape._batch().grad_keeping([[1.0, 2.0], [-3.0, 1.0]], [root])


def test_l2_penalty_shared_by_every_row_is_one_array_op_and_one_reduce():
    params, _, loss, reg, X, Y = _demo()
    xs, y = [Value(0.0, label="x0"), Value(0.0, label="x1")], Value(0.0, label="y")
    root = loss(xs, y) + reg
    tape = compile(root, params=params, data=[*xs, y])
    source = numpy_source(tape.trace)
    assert re.search(r"_Z\d+ = _c\d+_0 \* _c\d+_1\n", source)  # every p·p at once
    assert re.search(r"= float\(_sum\(_Z\d+, None\)\)", source)  # their sum: one reduce
    check_grouping(tape, root, [[*x, t] for x, t in zip(X, Y)], "mean", min_groups=4)


def test_sums_of_a_groups_rows_and_shared_groups_read_one_by_one():
    rng = random.Random(8)
    mixed = 0
    for order in (1, -1):  # a per-row group times a shared one groups when rows line up
        params, model = mlp([2, 4, 1], "tanh", rng)
        xs = [Value(0.0, label=f"x{i}") for i in range(2)]
        outs = model(xs)
        hidden = [n for n in compile(outs[0], params=params, data=xs).trace.order
                  if n.op is not None and n.op.name == "tanh"]
        scales = [p * 0.5 for p in params[:4]]  # a shared group
        root = (vsum(hidden[::-1])  # every row of a group once, in another order: one reduce
                + vsum([hidden[0], hidden[0], hidden[1], hidden[2]])  # a row twice: no reduce
                + vsum([h * s for h, s in zip(hidden[::order], scales)])
                + outs[0] * scales[1] + vsum(scales))  # shared rows read one by one
        tape = compile(root, params=params, data=xs)
        source = numpy_source(tape.trace)
        assert re.search(r"= _sum\(_Z\d+, 0\)", source)
        mixed += bool(re.search(r" \* _Z\d+\[:, None\]", source))
        for batch in (4, 5):  # four rows as long as the groups: no accidental broadcasting
            rows = [[rng.uniform(-1, 1), rng.uniform(-1, 1)] for _ in range(batch)]
            check_grouping(tape, root, rows, "sum", min_groups=3)
    assert mixed  # a shared group was read across the rows
