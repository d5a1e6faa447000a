"""backward, backward_steps, grad: the chain rule over whole graphs, and its known traps."""

from __future__ import annotations

import math
import sys

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oracle import TORCH, leaves
from random_graphs import build, instruction, start_values

import autograd
from autograd import OPS_BY_NAME, Value, backward_steps, grad, no_grad, topological_order

DAG_TOL = 1e-9  # relative to max(1, |torch|): the bar for random graphs


def test_reused_node_accumulates():
    a = Value(3.0)
    b = a + a
    c = b + b
    c.backward()
    assert (a.grad, b.grad, c.grad) == (4.0, 2.0, 1.0)


def test_same_input_twice_keeps_two_parents():
    a = Value(3.0)
    y = a * a
    assert y.parents == (a, a)
    y.backward()
    assert a.grad == 6.0


def test_backward_twice_accumulates_exactly():
    x, w = Value(0.7), Value(-1.3)
    h = (x * w).tanh()
    loss = h * h + h.exp() * x
    loss.backward()
    once = {id(n): n.grad for n in topological_order(loss)}
    loss.backward()
    for node in topological_order(loss):
        assert node.grad == 2 * once[id(node)], f"{node!r}: expected twice {once[id(node)]!r}"


def test_backward_fills_interior_nodes():
    x = Value(2.0, label="x")
    h = x * 3.0
    y = h.tanh()
    y.backward()
    assert h.grad == pytest.approx(1 - math.tanh(6.0) ** 2)
    assert y.grad == 1.0
    assert all(n.grad_computed for n in topological_order(y))


def test_grad_not_computed_until_a_pass_reaches_the_node():
    x = Value(2.0)
    y = x * 2
    assert not x.grad_computed and x.grad == 0.0
    y.backward()
    assert x.grad_computed


def test_deep_chain_no_recursion_error():
    depth = 100_000
    assert sys.getrecursionlimit() < depth
    x = Value(0.5)
    y = x
    for _ in range(depth // 2):
        y = y + x  # each step adds one path from x
        y = y * 1.0
    y.backward()
    assert x.grad == depth // 2 + 1
    assert len(topological_order(y)) == depth + 1 + depth // 2  # ops, x, and the constants


@pytest.mark.parametrize(
    "build, expected",
    [
        (lambda x: 2 - x, -1.0),
        (lambda x: x - 2, 1.0),
        (lambda x: 2 / x, -2 / 9),
        (lambda x: x / 2, 0.5),
        (lambda x: 2 * x, 2.0),
        (lambda x: x * 2, 2.0),
        (lambda x: 2 + x, 1.0),
        (lambda x: 2**x, 8 * math.log(2)),
        (lambda x: x**2, 6.0),
    ],
    ids=["2-x", "x-2", "2/x", "x/2", "2*x", "x*2", "2+x", "2**x", "x**2"],
)
def test_constants_left_and_right(build, expected):
    x = Value(3.0)
    y = build(x)
    y.backward()
    assert x.grad == pytest.approx(expected, rel=1e-15)
    constants = [p for p in y.parents if p is not x]
    assert all(c.is_constant and c.data == 2.0 for c in constants)


def test_value_exponent_records_both_edges():
    a, b = Value(2.0), Value(3.0)
    y = a**b
    assert y.op is OPS_BY_NAME["vpow"] and y.parents == (a, b)
    y.backward()
    assert (a.grad, b.grad) == pytest.approx((12.0, 8 * math.log(2)))


def test_sum_and_dot_are_single_nodes():
    ws = [Value(w) for w in (0.5, -1.0, 2.0)]
    xs = [Value(x) for x in (1.0, 3.0, -2.0)]
    z = autograd.dot(ws, xs)
    s = autograd.sum(xs)
    assert len(z.parents) == 6 and len(s.parents) == 3
    assert z.data == -6.5 and s.data == 2.0
    (z + s).backward()
    assert [w.grad for w in ws] == [1.0, 3.0, -2.0]
    assert [x.grad for x in xs] == [1.5, 0.0, 3.0]


def test_steps_sum_to_backward_exactly():
    x, w, b = Value(0.3, label="x"), Value(-0.8, label="w"), Value(0.1, label="b")
    # dot with nodes shared between and within its halves, as an L2 term dot(p, p) has
    y = (autograd.dot([w, w, x], [x, x, w]) + b).sigmoid() * x + autograd.dot([w, b], [w, b])
    sums: dict[Value, float] = {}
    for step in backward_steps(y):
        assert step.contribution == step.upstream * step.local
        sums[step.input] = sums.get(step.input, 0.0) + step.contribution
    y.backward()
    for node, total in sums.items():
        assert node.grad == total


def test_steps_visit_each_edge_once_in_reverse_order():
    a = Value(2.0)
    b = a * a
    c = b + a
    steps = list(backward_steps(c))
    assert [(s.node, s.index) for s in steps] == [(c, 0), (c, 1), (b, 0), (b, 1)]


def test_grad_leaves_dot_grad_alone_and_returns_floats():
    x, y = Value(2.0), Value(5.0)
    z = x * y
    assert grad(z, [x, y, Value(1.0)]) == [5.0, 2.0, 0.0]
    assert not x.grad_computed


def test_grad_of_grad_mixed_partial():
    x, y = Value(0.4), Value(-1.1)
    f = (x * y).sin() * x
    dfdx, dfdy = grad(f, [x, y], create_graph=True)
    (d2,) = grad(dfdx, [y])
    tx, ty = leaves([0.4, -1.1])
    (tdx,) = torch.autograd.grad(torch.sin(tx * ty) * tx, tx, create_graph=True)
    (td2,) = torch.autograd.grad(tdx, ty)
    assert d2 == pytest.approx(td2.item(), rel=1e-12)
    assert isinstance(dfdy, Value)


def test_backward_error_names_the_node_and_keeps_old_grads():
    x = Value(0.0, label="x")
    y = x.sqrt() + x
    with pytest.raises(ZeroDivisionError, match=r"sqrt.*x"):
        y.backward()
    assert not x.grad_computed and not y.grad_computed


def test_seed_gradient_must_be_a_number():
    x = Value(1.5, label="x")
    y = x * 2
    with pytest.raises(TypeError, match=r"backward\(gradient=\.\.\.\).*'one'"):
        y.backward(gradient="one")
    assert not x.grad_computed


def test_seed_gradient_scales_everything():
    x = Value(1.5)
    y = x.exp()
    y.backward(gradient=-2.0)
    assert x.grad == -2.0 * math.exp(1.5)


# ---- random expression DAGs against PyTorch -------------------------------------------


def torch_twin(root, leaves_):
    """The same graph in PyTorch, read off the structure: (torch root, torch leaves)."""
    twin = dict(zip(leaves_, leaves([v.data for v in leaves_])))
    for node in topological_order(root):
        if node.op is None:
            twin.setdefault(node, torch.tensor(node.data))  # a constant
        else:
            param = [node.arg] if node.op.param else []
            twin[node] = TORCH[node.op.name](*[twin[p] for p in node.parents], *param)
    return twin[root], [twin[v] for v in leaves_]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(start=start_values, program=st.lists(instruction, min_size=1, max_size=25))
def test_random_dags_match_torch(start, program):
    ours, root = build(start, program)
    troot, theirs = torch_twin(root, ours)
    root.backward()
    troot.backward()
    assert root.data == pytest.approx(troot.item(), rel=DAG_TOL, abs=DAG_TOL)
    for v, t in zip(ours, theirs):
        expected = t.grad.item() if t.grad is not None else 0.0
        assert abs(v.grad - expected) <= DAG_TOL * max(1.0, abs(expected)), (
            f"ours {v.grad!r} vs torch {expected!r}"
        )


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(start=start_values, program=st.lists(instruction, min_size=1, max_size=25))
def test_random_dags_steps_equal_backward_exactly(start, program):
    _, root = build(start, program)
    sums: dict[Value, float] = {}
    for step in backward_steps(root):
        sums[step.input] = sums.get(step.input, 0.0) + step.contribution
    root.backward()
    assert all(node.grad == total for node, total in sums.items())


# ---- defects: whole powers at 0, constant bases, graphs that are not there -------------


@pytest.mark.parametrize("k, order", [(0, 1), (1, 2), (2, 3), (3, 4), (2, 5)])
def test_whole_powers_have_every_derivative_at_zero(k, order):
    x = Value(0.0)
    y = x**k
    ours = []
    for _ in range(order):
        (y,) = grad(y, [x], create_graph=True)
        ours.append(y.data)
    expected = [math.perm(k, n) * 0.0**(k - n) if n <= k else 0.0 for n in range(1, order + 1)]
    assert ours == expected


def test_zero_to_the_zero_backward_is_zero_like_torch():
    x = Value(0.0)
    (x**0).backward()
    assert x.grad == 0.0


def test_constant_zero_base_with_a_value_exponent():
    y = Value(0.14, label="y")
    out = 0.0 ** y
    out.backward()
    assert out.data == 0.0 and y.grad == 0.0  # torch: ∂(0ʸ)/∂y = 0
    assert list(backward_steps(0.0 ** y))[-1].input is y  # the constant's step left out


def test_grad_of_an_output_without_a_graph_is_an_error():
    x = Value(2.0, label="x")
    with no_grad():
        y = x * x
    with pytest.raises(ValueError, match=r"has no graph.*no_grad"):
        grad(y, [x])
    assert grad(x, [x]) == [1.0]  # an input is its own output


def test_concurrent_backward_on_shared_leaves_adds_exactly():
    import threading

    w = Value(0.5, label="w")
    graphs = [[(w * float(i)).tanh() * w for i in range(1, 30)] for _ in range(4)]
    expected = sum(grad(y, [w])[0] for ys in graphs for y in ys)

    def work(ys):
        for y in ys:
            y.backward()

    threads = [threading.Thread(target=work, args=(ys,)) for ys in graphs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert w.grad == pytest.approx(expected, rel=1e-12)
    assert all(type(y.grad) is float for ys in graphs for y in ys)


def test_fast_backward_equals_the_generic_chain_loop_for_every_op():
    from random_graphs import param, usable

    from autograd import OPS, apply

    for op in OPS:
        n = len(op.rules) * (2 if op.arity == 0 else 1)
        ins = [Value(v) for v in (0.3, -0.45, 0.6, 0.2)[:n]]
        k = 2.0
        if not usable(op, [v.data for v in ins], k):
            ins = [Value(abs(v.data) + 0.2) for v in ins]
        out = apply(op, *ins, **param(op, k)) * 1.5
        sums = {}
        for step in backward_steps(out):
            sums[step.input] = sums.get(step.input, 0.0) + step.contribution
        out.backward()
        assert [v.grad for v in ins] == [sums[v] for v in ins], op.name


def test_an_input_in_both_halves_of_a_dot_sums_in_step_order():
    # w is a weight and an input of the same dot, x twice: backward's generated dot step
    # must add their contributions in backward_steps' order, bit for bit.
    w, x = Value(0.1, label="w"), Value(0.7, label="x")
    out = autograd.dot([w, x, w], [x, w, x]) * 1.3
    sums = {}
    for step in backward_steps(out):
        sums[step.input] = sums.get(step.input, 0.0) + step.contribution
    out.backward()
    assert (w.grad, x.grad) == (sums[w], sums[x])


@pytest.mark.parametrize("n", [1, 2, 3])
def test_an_nary_op_with_inputs_set_by_hand_backpropagates(n):
    # Two inputs set through Value.parents land in the slots, not in a tuple.
    xs = [Value(float(i + 1)) for i in range(n)]
    y = Value(sum(v.data for v in xs))
    y.parents, y.op = tuple(xs), OPS_BY_NAME["sum"]
    (y * 2.0).backward()
    assert [v.grad for v in xs] == [2.0] * n


def test_leaves_are_reset_and_restored_like_interior_nodes():
    # The walk finishes a leaf at once: its gradient still accumulates exactly.
    a, c = Value(3.0), Value(0.5)
    a.grad = 1.0
    y = (a * c + a).relu()
    y.backward()
    y.backward()
    assert (a.grad, c.grad, y.grad) == (1.0 + 2 * 1.5, 2 * 3.0, 2.0)


def test_a_dot_with_inputs_set_by_hand_splits_them_into_its_rows():
    w1, w2, x1, x2 = (Value(v) for v in (0.5, -1.0, 2.0, 3.0))
    y = Value(w1.data * x1.data + w2.data * x2.data)
    y.parents, y.op = (w1, w2, x1, x2), OPS_BY_NAME["dot"]
    y.backward()
    assert [v.grad for v in (w1, w2, x1, x2)] == [2.0, 3.0, 0.5, -1.0]


OFF_PATH = {  # y(w, x, z) at points where ∂y/∂x (or ∂y/∂z) is undefined but ∂y/∂w is not
    "√x at 0": (lambda lib, w, x, z: w * x.sqrt(), 0.0, 0.0),
    "x ** 0.5 at 0": (lambda lib, w, x, z: w * x ** 0.5, 0.0, 0.0),
    "asin at 1": (lambda lib, w, x, z: (w * x.asin()).tanh(), 1.0, 0.0),
    "hypot at (0, 0)": (lambda lib, w, x, z: w * lib.hypot(x, z) + w, 0.0, 0.0),
    "atan2 at (0, 0)": (lambda lib, w, x, z: lib.atan2(x, z) * w * w, 0.0, 0.0),
}


@pytest.mark.parametrize("case", OFF_PATH)
@pytest.mark.parametrize("create_graph", [False, True])
def test_grad_evaluates_only_the_locals_on_paths_to_its_inputs(case, create_graph):
    f, x0, z0 = OFF_PATH[case]
    w, x, z = Value(1.5, label="w"), Value(x0, label="x"), Value(z0, label="z")
    (dw,) = grad(f(autograd, w, x, z), [w], create_graph=create_graph)
    tw, tx, tz = (torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in (1.5, x0, z0))
    (theirs,) = torch.autograd.grad(f(torch, tw, tx, tz), [tw])
    assert (dw.data if create_graph else dw) == pytest.approx(theirs.item(), rel=1e-15)
    with pytest.raises((ZeroDivisionError, ValueError), match="backward through"):
        grad(f(autograd, w, x, z), [w, x])  # on x's path the local is undefined


def test_grad_never_evaluates_a_rule_off_the_paths():
    calls = []

    def rule(m, a, out):
        calls.append(a)
        return 2.0

    double = autograd.Op("double", "2·", "2a", lambda a: 2.0 * a, (rule,), None, "2a")
    w, x = Value(0.5, label="w"), Value(3.0, label="x")
    y = w * autograd.apply(double, x) + x
    assert grad(y, [w]) == [6.0] and calls == []
    assert grad(y, [x]) == [2.0] and calls == [3.0]


def autograd_imports():
    """{module: the autograd modules it imports}, from the source (lazy imports included,
    typing-only ones not)."""
    import ast
    from pathlib import Path

    package = Path(autograd.__file__).parent
    names = {p.stem for p in package.glob("*.py")} - {"__init__"}
    graph = {}
    for name in names:
        found = set()
        todo = [ast.parse((package / f"{name}.py").read_text(encoding="utf-8"))]
        while todo:
            node = todo.pop()
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                todo += node.orelse
                continue
            if isinstance(node, ast.ImportFrom) and node.level == 1:  # from .x import y
                found |= {(node.module or "").split(".")[0]} | {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("autograd"):
                found |= {node.module.partition(".")[2].split(".")[0]} | {
                    a.name for a in node.names}
            elif isinstance(node, ast.Import):
                found |= {a.name.partition(".")[2] for a in node.names}
            todo += ast.iter_child_nodes(node)
        graph[name] = found & names - {name}
    return graph


@pytest.mark.parametrize("module", ["value", "engine", "nodes"])
def test_value_engine_and_nodes_import_no_circle(module):
    graph = autograd_imports()
    paths = [[module]]
    while paths:  # every import path from the module: none may lead back to it
        path = paths.pop()
        for nxt in graph[path[-1]]:
            assert nxt != module, " -> ".join([*path, nxt])
            if nxt not in path:
                paths.append([*path, nxt])
