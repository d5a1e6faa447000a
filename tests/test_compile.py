"""autograd.compile: a traced graph replayed as straight-line code equals the engine, exactly."""

from __future__ import annotations

import builtins
import math
import random
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from random_graphs import build, eager, instruction, rebuild, same, start_values

from autograd import OPS, Value, apply, compile, dot
from autograd import sum as vsum
from autograd.lowering import dot_seq, float_source
from autograd.outline import MIN_ROWS
from autograd.passes import INLINE_DEPTH, TERMS_PER_LINE, dot_seq_helper
from autograd.printing import PythonPrinter
from autograd.trace import Trace, float_namespace

NUDGE = 0.05  # replays move every leaf by up to this fraction: new values, same graph
POINTS = {  # an input well inside each op's domain, for the per-op tests
    "log": [0.7, 1.9], "sqrt": [0.7, 1.9], "vpow": [1.3, 0.6], "pow": [1.3, 0.6],
}


def _replays_match(root, leaves, values, n_params):
    """The tape's replay at ``values`` against the engine rebuilt at ``values``."""
    tape = compile(root, params=leaves[:n_params], data=leaves[n_params:])
    expected = eager(root, leaves, values)
    params, data = values[:n_params], values[n_params:]
    if isinstance(expected, Exception):
        with pytest.raises(type(expected)):
            tape.grad(params, data)
        return
    out, grads = tape.grad(params, data)
    assert same(out, expected[0]), (out, expected[0])
    assert all(same(g, e) for g, e in zip(grads, expected[1][:n_params])), (grads, expected[1])
    assert same(tape.forward(params, data), expected[0])


@pytest.mark.parametrize("op", OPS, ids=lambda op: op.name)
def test_every_op_replays_bit_identical(op):
    x, y = (Value(v, label=n) for v, n in zip(POINTS.get(op.name, [0.8, -1.7]), "xy"))
    if op.arity == 0:
        root = dot([x, y], [y, x * 3.0]) if op.name == "dot" else vsum([x, y, x * y])
    elif op.arity == 2:
        root = apply(op, x, y * y + 0.5)
    else:
        param = {op.param[0]: op.param[1] or 1.5} if op.param else {}
        root = apply(op, x, **param) * y
    rng = random.Random(op.name)
    for _ in range(5):
        values = [v * (1 + rng.uniform(-NUDGE, NUDGE)) for v in (x.data, y.data)]
        _replays_match(root, [x, y], values, 2)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(start=start_values, program=st.lists(instruction, min_size=1, max_size=25),
       nudge=st.lists(st.floats(-NUDGE, NUDGE), min_size=3, max_size=3),
       n_params=st.integers(0, 3))
def test_random_graphs_replay_bit_identical(start, program, nudge, n_params):
    leaves, root = build(start, program)
    _replays_match(root, leaves, start, n_params)  # the traced point itself
    _replays_match(root, leaves, [v * (1 + d) for v, d in zip(start, nudge)], n_params)


def test_source_is_backprop_written_out_with_labels_as_names():
    w, x, b = Value(0.5, label="w"), Value(2.0, label="x"), Value(0.1, label="b")
    y = (w * x + b).tanh()
    y.label = "y"
    source = compile(y, params=[w, b], data=[x]).source
    # w * x + b is used once and its value is not needed by the backward (add passes
    # its gradient through, mul reads w and x): it is written inside tanh's line
    assert "    y = tanh(w * x + b)" in source
    assert "    g_add1 = g_y * (1.0 - y * y)" in source  # tanh's rule, from the table
    # add passes its gradient through to mul1 unchanged: mul1 shares add1's variable
    assert "    g_w = g_add1 * x" in source
    assert "g_mul1" not in source
    assert "g_x" not in source  # no gradient is computed that nobody asked for


def test_a_value_used_once_is_written_into_its_use_unless_something_reads_it():
    a, b = Value(0.5, label="a"), Value(-1.5, label="b")
    s = a + b            # used twice: keeps its line
    t = s * s            # used once, but relu's rule reads its input: keeps its line
    u = t.relu()         # used once, read by no rule: written into the subtraction
    w = u - 2.0          # used once, but mul's rule reads it (b's local): keeps its line
    v = w * b
    source = compile(v, params=[a, b]).source
    forward = source[source.index("# forward"):source.index("# backward")]
    assert forward.splitlines()[1:] == [
        "    add1 = a + b", "    mul1 = add1 * add1", "    sub1 = relu(mul1) - 2.0",
        "    mul2 = sub1 * b", "    "]
    # the subtraction passes its gradient through, so relu's is g_sub1's; g_sub1 (one
    # term, read by one line) is written into that line
    assert "g_relu1" not in source and "g_sub1" not in source
    assert "    g_mul1 = g_mul2 * b * (0.0 if mul1 <= 0.0 else 1.0)\n" in source
    v.backward()
    assert compile(v, params=[a, b]).grad() == (v.data, [a.grad, b.grad])


def test_gradients_written_into_their_use_keep_the_engines_order_of_operations():
    w, x = Value(-1.25, label="w"), Value(0.75, label="x")
    # each gradient below is one term read by one line: negations and products nest
    flipped = -(w * x).tanh()
    y = (-flipped * 3.0).relu() * w
    source = compile(y, params=[w]).source
    # relu1's gradient g_mul3·w, through the relu, then mul2's 3.0: one product, written
    # left to right as the chain rule multiplies it, with no parentheses around its start
    assert "-(g_mul3 * w * (0.0 if mul2 <= 0.0 else 1.0) * 3.0)" in source
    assert "--" not in source  # a double negation is written -(-…)
    y.backward()
    assert compile(y, params=[w]).grad() == (y.data, [w.grad])
    for value in (0.5, -2.0, 3.0):  # both sides of the relu, new values of w
        w2 = Value(value)
        flipped2 = -(w2 * x).tanh()
        y2 = (-flipped2 * 3.0).relu() * w2
        y2.backward()
        assert compile(y, params=[w]).grad([value]) == (y2.data, [w2.grad])


def test_values_used_once_nest_at_most_inline_depth_deep():
    x = Value(0.25, label="x")
    y = x
    for i in range(40):  # a chain of adds: each used once, read by no rule
        y = y + float(i)
    tape = compile(y, params=[x])
    forward = tape.source[tape.source.index("# forward"):tape.source.index("# backward")]
    lines = forward.strip().splitlines()[1:]
    # a line's own add, plus INLINE_DEPTH adds written into it
    assert [line.count("+") for line in lines] == [INLINE_DEPTH + 1] * (40 // (INLINE_DEPTH + 1))
    assert tape.grad() == (y.data, [1.0])
    # the forward-only function inlines the same way and computes the same value
    assert tape.forward() == y.data


def test_by_edge_source_writes_one_line_per_edge_with_the_same_numbers():
    w, x, b = Value(0.5, label="w"), Value(2.0, label="x"), Value(0.1, label="b")
    y = (w * x + b).tanh() * w
    trace = Trace(y, [w, b], [x])
    lines = float_source(trace, backward=True, by_edge=True).splitlines()
    backward = lines[next(i for i, line in enumerate(lines) if "# backward" in line) + 1:-1]
    assert [line.strip() for line in backward] == [
        "g_mul2 = seed", "g_tanh1 = g_mul2 * w", "g_w = g_mul2 * tanh1",
        "g_add1 = g_tanh1 * (1.0 - tanh1 * tanh1)", "g_mul1 = g_add1", "g_b = g_add1",
        "g_w += g_mul1 * x"]
    # both forms run to the same floats as the engine
    y.backward()
    for by_edge in (False, True):
        namespace = float_namespace(trace.py)
        exec(builtins.compile(float_source(trace, True, by_edge), "<t>", "exec"), namespace)
        assert namespace["grad"]([0.5, 0.1], [2.0], 1.0) == (y.data, [w.grad, b.grad])


def _batch_loss(n_samples, width=5, seed=4):
    """A whole batch's loss through a 2-width-1 tanh network (the demo's shape, smaller)."""
    rng = random.Random(seed)
    layers = [[[Value(rng.uniform(-1, 1), label="w") for _ in range(n_in)]
               + [Value(0.0, label="b")] for _ in range(n_out)]
              for n_in, n_out in ((2, width), (width, width), (width, 1))]
    params = [p for layer in layers for neuron in layer for p in neuron]
    losses = []
    for _ in range(n_samples):
        h = [Value(rng.uniform(-2, 2)), Value(rng.uniform(-2, 2))]
        for layer in layers:
            h = [(dot(n[:-1], h) + n[-1]).tanh() for n in layer]
        losses.append((h[0] - rng.choice((-1.0, 1.0))) ** 2)
    reg = vsum([p * p for p in params]) * 1e-3
    return vsum(losses) * (1.0 / n_samples) + reg, params


@pytest.mark.parametrize("n_samples", [3, 40, 250])
def test_a_whole_batch_replays_bit_identical_with_layers_summed_over_shared_tuples(n_samples):
    root, params = _batch_loss(n_samples)
    tape = compile(root, params=params)
    source = tape.source
    if n_samples < MIN_ROWS:
        # weights' and activations' gradients are sums over recurring tuples of names …
        assert re.search(r"_dot_seq\d+\(_u\d+, _u\d+\)", source)  # written out per length
    else:  # … or, with enough samples, each sample's block is a call
        assert source.count("= _forward1(params, data, ") == n_samples
        assert source.count("\n    _backward1(params, data, ") == n_samples
    assert max(line.count(" + ") for line in source.splitlines()) <= TERMS_PER_LINE
    root.backward()
    expected = [p.grad for p in params]
    # … and still the engine's floats, added in the engine's order
    assert tape.grad() == (root.data, expected)
    nudged = [p.data * 1.01 + 0.001 for p in params]
    rebuilt, _ = rebuild(root, params, nudged)
    assert tape.grad(nudged)[0] == rebuilt.data


def test_a_sum_too_long_for_one_line_continues_in_order():
    w = Value(0.3, label="w")
    xs = [Value(1.0 + i / 7, label="x") for i in range(2 * TERMS_PER_LINE + 17)]
    root = vsum([(w * x).sin() for x in xs])  # w's gradient: one term per use
    tape = compile(root, params=[w])
    assert len([line for line in tape.source.splitlines() if "g_w = " in line]) == 3
    root.backward()
    assert tape.grad()[1] == [w.grad]


def test_dot_seq_adds_left_to_right():
    gs, xs = [1e16, 1.0, -1e16, 1.0], [1.0, 1.0, 1.0, 1.0]
    assert dot_seq(gs, xs) == ((1e16 * 1.0 + 1.0 * 1.0) + -1e16 * 1.0) + 1.0 * 1.0 == 1.0
    namespace: dict = {}
    exec(PythonPrinter().source([dot_seq_helper(4)]), namespace)
    assert namespace["_dot_seq4"](gs, xs) == 1.0
    rng = random.Random(5)
    for n in (4, 17, 100):
        gs = [rng.uniform(-1e3, 1e3) for _ in range(n)]
        xs = [rng.uniform(-1, 1) for _ in range(n)]
        exec(PythonPrinter().source([dot_seq_helper(n)]), namespace)
        assert namespace[f"_dot_seq{n}"](gs, xs) == dot_seq(gs, xs)


def test_labels_are_sanitized_unique_and_not_keywords():
    leaves = [Value(1.0, label=s) for s in ("w 1", "w_1", "lambda", "2x", "σ", "sum", "g_w_1")]
    root = vsum(leaves) * leaves[0]
    tape = compile(root, params=leaves)
    first_line = tape.source.splitlines()[1]
    names = first_line.strip().split(" = ")[0].rstrip(",").split(", ")
    assert len(set(names)) == len(leaves)
    assert all(n.isidentifier() and n.isascii() for n in names)
    assert "lambda_" in names and "sum" not in names
    assert tape.grad()[1] == pytest.approx([1.0 + vsum(leaves).data] + [1.0] * 6)


def test_source_compiles_and_is_deterministic():
    def graph():
        rng = random.Random(7)
        ws = [Value(rng.uniform(-1, 1), label=f"w{i}") for i in range(4)]
        xs = [Value(rng.uniform(-1, 1), label=f"x{i}") for i in range(4)]
        h = [dot(ws, xs).relu(), (ws[0] * xs[1]).sigmoid(), xs[2].exp() / 3.0]
        return vsum(h) ** 2, ws, xs

    first, second = (compile(r, params=ws, data=xs) for r, ws, xs in (graph(), graph()))
    assert first.source == second.source
    builtins.compile(first.source, "<test>", "exec")


def test_constants_are_baked_in_and_unlisted_leaves_too():
    x, frozen = Value(3.0, label="x"), Value(10.0, label="frozen")
    tape = compile(x * 2.5 + frozen, params=[x])
    assert "2.5" in tape.source and "10.0" in tape.source
    assert tape.grad([1.0]) == (12.5, [2.5])


def test_negative_constants_keep_their_meaning():
    x = Value(3.0, label="x")
    root = (-2.0) ** (x * 0.0 + 2.0) + x ** -2.0 - 3.0 * x  # vpow of a negative constant base
    out, grads = compile(root, params=[x]).grad([3.0])
    assert out == 4.0 + 3.0**-2.0 - 9.0
    expected = eager(root, [x], [3.0])
    assert "vpow((-2.0), " in compile(root, params=[x]).source
    assert math.isnan(grads[0]) and math.isnan(expected[1][0])  # ∂/∂b of (-2)ᵇ is undefined


def test_python_if_in_user_code_is_baked_in_but_rule_branches_are_not():
    x = Value(2.0, label="x")
    branch = x * 10.0 if x.data > 0 else x * -10.0  # decided once, while tracing
    tape = compile(branch + x.relu(), params=[x])
    assert tape.grad([-1.0]) == (-10.0, [10.0])  # relu's rule took its other branch


def test_root_that_is_a_param():
    x = Value(4.0, label="x")
    assert compile(x, params=[x]).grad([5.0], gradient=2.0) == (5.0, [2.0])


def test_backward_accumulates_like_the_engine():
    w, x = Value(0.3, label="w"), Value(-1.2, label="x")
    root = (w * x).sigmoid() * w
    tape = compile(root, params=[w], data=[x])
    root.backward()
    root.backward()
    expected = w.grad
    w.grad = 0.0
    tape.backward([-1.2])
    assert tape.backward([-1.2]) == root.data
    assert w.grad == expected


@pytest.mark.parametrize("bad, error, words", [
    ([1.0], ValueError, "expected 2 params"),
    ([1.0, 2.0, 3.0], ValueError, "got 3"),
    ([1.0, "2"], TypeError, "params[1] (leaf 'b') must be a real number, got '2'"),
    ([1.0, None], TypeError, "NoneType"),
    ("ab", TypeError, "sequence of 2 numbers"),
])
def test_inputs_that_do_not_fit_raise_clear_errors(bad, error, words):
    a, b = Value(1.0, label="a"), Value(2.0, label="b")
    tape = compile(a * b, params=[a, b])
    with pytest.raises(error) as err:
        tape.grad(bad)
    assert words in str(err.value)


def test_missing_data_is_a_clear_error():
    w, x = Value(1.0, label="w"), Value(2.0, label="x")
    with pytest.raises(ValueError, match="takes 1 data values"):
        compile(w * x, params=[w], data=[x]).grad()


@pytest.mark.parametrize("graph, value, words", [
    (lambda x: (x * 1.0).log(), -2.0, "log: log(a) is undefined for a = -2.0"),
    (lambda x: (x + 0.0) ** 0.5, -4.0, "pow"),
    (lambda x: 1.0 / (x - 1.0), 1.0, "div"),
    (lambda x: (x * x).sqrt(), 0.0, "backward through sqrt"),
])
def test_domain_errors_in_replay_name_the_op(graph, value, words):
    x = Value(3.0, label="x")
    tape = compile(graph(x), params=[x])
    with pytest.raises((ArithmeticError, ValueError)) as err:
        tape.grad([value])
    assert words in str(err.value)


@pytest.mark.parametrize("bad", [
    lambda x: compile(3.0, params=[x]),
    lambda x: compile(x * 2, params=[x * 2]),
    lambda x: compile(x * 2, params=[x, x]),
    lambda x: compile(x * 2, params=[x], data=[x]),
])
def test_bad_compile_arguments(bad):
    with pytest.raises((TypeError, ValueError)):
        bad(Value(1.0, label="x"))


def test_deep_chain_compiles_and_replays():
    x = Value(0.5, label="x")
    y = x
    for i in range(3000):
        y = (y * 0.999 + 0.001).tanh() if i % 2 else y + 0.001
    y.backward()
    out, (g,) = compile(y, params=[x]).grad()
    assert (out, g) == (y.data, x.grad)


def test_a_tiny_mlp_replays_exactly():
    rng = random.Random(3)
    ws = [[Value(rng.uniform(-1, 1), label=f"w{i}{j}") for j in range(3)] for i in range(4)]
    x = [Value(rng.uniform(-1, 1), label=f"x{j}") for j in range(3)]
    hidden = [dot(w, x).tanh() for w in ws]
    root = (vsum(hidden) - 1.0) ** 2
    params = [w for row in ws for w in row]
    tape = compile(root, params=params, data=x)
    new_x = [rng.uniform(-1, 1) for _ in x]
    expected = eager(root, params + x, [p.data for p in params] + new_x)
    assert tape.grad(data=new_x) == (expected[0], expected[1][: len(params)])
    assert math.isfinite(tape.forward(data=new_x))


def test_rebuilt_graph_oracle_agrees_with_the_original():
    # The oracle itself: rebuilding at the traced values gives the traced numbers.
    leaves, root = build([0.5, -1.5, 1.2], [("mul", [0, 1, 2, 3, 4, 5], [False] * 6, 2.0)])
    new_root, _ = rebuild(root, leaves, [v.data for v in leaves])
    assert new_root.data == root.data


def test_a_tape_raises_where_the_engine_raises():
    x, w = Value(4.0, label="x"), Value(1.0, label="w")
    tape = compile(abs(x**0.5) * w, params=[w], data=[x])
    with pytest.raises(ValueError, match="pow"):
        tape.grad(data=[-4.0])  # (-4)**0.5 would be complex in Python; abs() of it is 2.0


@pytest.mark.parametrize("label", ["total", "n", "rows", "outs", "seed", "params", "data",
                                   "float", "np", "sum", "tanh", "_x", "np_x"])
def test_labels_never_collide_with_the_generated_codes_own_names(label):
    w = Value(0.5, label=label)
    x = Value(2.0, label="x")
    root = (w * x).tanh() + vsum([w, x]) * w
    tape = compile(root, params=[w], data=[x])
    rows = [[2.0], [-1.0], [0.5]]
    expected = [eager(root, [w, x], [0.5, r[0]]) for r in rows]
    loss, (g,) = tape.grad_batch(rows, reduction="sum")
    assert loss == pytest.approx(sum(e[0] for e in expected), rel=1e-12)
    assert g == pytest.approx(sum(e[1][0] for e in expected), rel=1e-12)
    loop_loss, (loop_g,) = tape.grad_rows(rows, reduction="sum")
    assert (loop_loss, loop_g) == pytest.approx((loss, g), rel=1e-12)


def test_many_leaves_sharing_a_label_get_distinct_names():
    ws = [Value(0.1 * i, label="w") for i in range(300)]
    tape = compile(vsum(ws), params=ws)
    assert tape.grad()[1] == [1.0] * 300
    assert len(set(tape.trace.var[w] for w in ws)) == 300


@pytest.mark.parametrize("seed", ["2", None, [1.0], 1j])
def test_tape_seed_must_be_a_real_number(seed):
    """A seed that is not a real number is refused by name, as backward refuses it
    (``float("2")`` used to turn the text into 2.0)."""
    x = Value(4.0, label="x")
    with pytest.raises(TypeError, match=r"tape\.grad\(gradient=\.\.\.\) needs a real number"):
        compile(x * x, params=[x]).grad(gradient=seed)


def test_compiling_leaves_the_garbage_collector_as_it_found_it():
    """The collector is paused while a tape is traced, lowered and compiled, and resumed
    after, also when lowering fails; a collector the user disabled stays disabled."""
    import gc

    x = Value(0.5, label="x")
    assert gc.isenabled()
    compile((x * x).tanh(), params=[x]).grad()
    assert gc.isenabled()
    with pytest.raises(TypeError):
        compile(x * x, params=[x]).grad(gradient="2")
    assert gc.isenabled()
    gc.disable()
    try:
        compile(x.exp(), params=[x]).forward()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_no_collection_runs_while_a_tape_is_lowered():
    """Lowering makes thousands of short-lived trees and no cycles: the cyclic collector,
    which would re-scan the user's whole graph each pass, does not run meanwhile; at most
    one young-generation pass follows each of the three pauses (trace, source, compile)."""
    import gc

    xs = [Value(0.1 * i, label=f"x{i}") for i in range(300)]
    root = vsum([(x * x + 1.0).tanh() for x in xs])
    passes = []

    def count(phase, info):
        if phase == "start":
            passes.append(info["generation"])

    gc.callbacks.append(count)
    try:
        tape = compile(root, params=xs)
        assert tape.source.startswith("def ")
        tape.forward()
    finally:
        gc.callbacks.remove(count)
    assert len(passes) <= 3 and 2 not in passes, passes
