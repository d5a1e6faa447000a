"""The JavaScript lowering: every op of the table, run in Chromium, against the engine."""

from __future__ import annotations

import itertools
import math

import pytest

from autograd import OPS, Op, Value, apply
from autograd.expr import Call, Var
from autograd.javascript import JavaScriptPrinter, NotLive, how, lower, not_live

ULPS = 4  # V8's fdlibm ports and the C library may differ in the last bits, per op
REL = ULPS * 2.0**-52
ABS = 1e-300
GRID = [-2.3, -0.7, 0.4, 1.9]
PARAMS = {"pow": [2.0, 3.0, 0.5, -1.5], "leaky_relu": [0.01, 0.2],
          "clamp": [(-1.0, 1.0), (None, 0.5), (0.0, None)]}
# Written with operators, sqrt or abs: the same IEEE operations, so the same bits.
EXACT = {"add", "sub", "mul", "div", "neg", "relu", "leaky_relu", "sqrt", "abs", "clamp",
         "maximum", "minimum", "sum", "dot"}

RUN = """([code, p, seed]) => {
  const run = new Function(code + "\\nreturn run;")();
  return run(p, seed);
}"""


@pytest.fixture(scope="module")
def js(browser):
    """Run a lowered program in a blank Chromium page: ``js(program, values, seed)``."""
    page = browser.new_page()
    page.set_content("<!DOCTYPE html><title>js</title>")

    def run(program, values, seed=1.0):
        assert program.javascript, f"not live: {program.not_live}"
        return page.evaluate(RUN, [program.javascript, values, seed])

    yield run
    page.close()


def cases(op):
    """Points (inputs, parameter) inside the op's domain."""
    if op.arity == 0:
        values = [0.3, -1.2, 2.5, 1.1, 0.7, -0.4, 1.6, -0.9, 0.2]
        return [(values[: 3 * len(op.rules)], None)]
    if op.param:
        return [([a], k) for a in GRID for k in PARAMS[op.name]
                if op.domain is None or op.domain(a, k)]
    return [(list(p), None) for p in itertools.product(GRID, repeat=op.arity)
            if op.domain is None or op.domain(*p)]


def graph(op, xs, k):
    leaves = [Value(x, label=f"x{i}") for i, x in enumerate(xs)]
    kwargs = {op.param[0]: k} if op.param else {}
    root = apply(op, *leaves, **kwargs)
    root.label = "y"
    return leaves, root


def close(ours, theirs, exact):
    if exact or math.isnan(theirs) or math.isinf(theirs):
        return ours == theirs or (math.isnan(ours) and math.isnan(theirs))
    return math.isclose(ours, theirs, rel_tol=REL, abs_tol=ABS)


def check(program, result, root, leaves, exact=False):
    """The page's numbers against the engine's: values, every step, every gradient."""
    root.backward()
    pairs = [("output", result["values"][-1], root.data)]
    pairs += [(f"value of {n.label}", v, n.data) for n, v in zip(program.order, result["values"])]
    for k, s in enumerate(program.steps):
        pairs += [(f"step {k} local", result["locals"][k], s.local),
                  (f"step {k} upstream", result["upstreams"][k], s.upstream),
                  (f"step {k} contribution", result["contributions"][k], s.contribution)]
    pairs += [(f"grad {leaf.label}", g, leaf.grad)
              for leaf, g in zip(program.leaves, result["grads"])]
    bad = [(what, ours, theirs) for what, ours, theirs in pairs if not close(ours, theirs, exact)]
    assert not bad, f"JavaScript vs engine (what, js, python): {bad}"


def test_every_op_runs_in_javascript():
    assert not_live(OPS) == []


@pytest.mark.parametrize("op", OPS, ids=lambda op: op.name)
def test_op_matches_engine_at_several_points(op, js):
    points = cases(op)
    assert len(points) >= 2 or op.arity == 0, f"{op.name}: too few points"
    for xs, k in points:
        leaves, root = graph(op, xs, k)
        program = lower(root)
        assert [leaf.label for leaf in program.leaves] == [leaf.label for leaf in leaves]
        check(program, js(program, xs), root, leaves, exact=op.name in EXACT)


@pytest.mark.parametrize("op", OPS, ids=lambda op: op.name)
def test_op_composed_with_itself_and_reused(op, js):
    """The op fed by a node and by a reused node, seeded with 2.5: the chain through it."""
    xs, k = cases(op)[-1]
    leaves = [Value(x, label=f"x{i}") for i, x in enumerate(xs)]
    kwargs = {op.param[0]: k} if op.param else {}
    inner = apply(op, *leaves, **kwargs)
    shifted = [inner * 0.5 + leaf * 0.5 for leaf in leaves]  # the same point, nudged
    if op.domain is not None and not op.domain(*[s.data for s in shifted], *kwargs.values()):
        shifted = leaves
    root = apply(op, *shifted, **kwargs) * inner
    program = lower(root, 2.5)
    result = js(program, xs, 2.5)
    root.backward(2.5)
    assert close(result["values"][-1], root.data, False)
    for leaf, g in zip(program.leaves, result["grads"]):
        assert math.isclose(g, leaf.grad, rel_tol=1e-12, abs_tol=1e-300), (leaf.label, g, leaf.grad)


@pytest.mark.parametrize(("a", "b"), [(1.0, math.nan), (-1.0, math.inf), (-1.0, -math.inf),
                                      (math.nan, 0.0), (2.0, 0.5), (0.0, 3.0), (-2.0, 3.0),
                                      (1.5, -2.0), (10.0, 15.0), (0.1, 2.0)])
def test_pow_follows_python_where_javascript_differs(a, b, js):
    """JavaScript's ** gives NaN for 1 ** NaN and (-1) ** ±∞; Python (C's pow) gives 1."""
    x, y = Value(2.0, label="a"), Value(3.0, label="b")
    program = lower(x**y)  # traced where the engine works, replayed at the edge cases
    result = js(program, [a, b])
    assert close(result["values"][-1], a**b, exact=False), (a, b, result["values"][-1], a**b)


@pytest.mark.parametrize("x", [-745.0, -40.0, -1e-9, 0.0, 1e-9, 40.0, 745.0])
def test_sigmoid_and_softplus_formulations_match_at_extremes(x, js):
    for name in ("sigmoid", "softplus", "tanh", "expm1", "log1p"):
        op = next(o for o in OPS if o.name == name)
        if op.domain is not None and not op.domain(x):
            continue
        leaf = Value(x, label="a")
        root = apply(op, leaf)
        program = lower(root)
        check(program, js(program, [x]), root, [leaf])


@pytest.mark.parametrize("k", [2.0, 3.0, -1.0, -2.0, 0.0, 1.0])
@pytest.mark.parametrize("a", [-3.0, -0.5, 0.0, 1e-8, 7.0])
def test_whole_powers_of_any_sign(a, k, js):
    if a == 0.0 and k < 0:
        return  # outside pow's domain: the engine refuses it
    leaf = Value(a, label="a")
    root = leaf**k
    program = lower(root)
    check(program, js(program, [a]), root, [leaf])


# ---- ops declared outside the table --------------------------------------------------------

HYP = Op("hyp", "√(1+a²)", "√(1 + a²)", lambda a: math.sqrt(1.0 + a * a),
         (lambda m, a, out: a / m.sqrt(1.0 + a * a),), None, "hyperbola",
         via=lambda m, a: m.sqrt(1.0 + a * a))
NO_VIA = Op("hyp2", "h", "h(a)", lambda a: math.sqrt(1.0 + a * a),
            (lambda m, a, out: a / out,), None, "a hyperbola with no via")
FAKE_TANH = Op("tanh", "t", "t(a)", lambda a: 2.0 * a, (lambda m, a, out: 2.0,), None,
               "twice a, named tanh", via=lambda m, a: 2.0 * a)
CBRT = Op("cbrt", "∛", "∛a", math.cbrt, (lambda m, a, out: 1.0 / (3.0 * out * out),),
          None, "cube root: Python's math.cbrt is JavaScript's Math.cbrt")


def test_outside_op_with_via_runs_and_keeps_its_own_name(js):
    x = Value(0.7, label="x")
    root = apply(HYP, x * 2.0) + apply(FAKE_TANH, x) + apply(CBRT, x)
    program = lower(root)
    assert "Math.tanh" not in program.javascript  # named tanh, but not the table's tanh
    assert "Math.cbrt" in program.javascript
    check(program, js(program, [0.7]), root, [x])


def test_outside_op_without_via_is_named_not_live():
    x = Value(0.7, label="x")
    program = lower(apply(NO_VIA, x).tanh())
    assert program.not_live == ["hyp2"] and program.javascript == ""
    assert how(NO_VIA) is None
    with pytest.raises(NotLive, match=r"hyp2.*via="):
        JavaScriptPrinter().text(Call(NO_VIA, (Var("a"),)))


def test_labels_that_are_javascript_words_or_globals(js):
    names = ["var", "new", "Math", "NaN", "function", "undefined", "p", "seed", "run"]
    leaves = [Value(0.1 * (i + 1), label=n) for i, n in enumerate(names)]
    root = leaves[0]
    for leaf in leaves[1:]:
        root = root * leaf + leaf
    root.label = "return"
    program = lower(root)
    check(program, js(program, [leaf.data for leaf in leaves]), root, leaves)


def test_each_step_knows_its_tape_line():
    w, x = Value(2.0, label="w"), Value(-0.5, label="x")
    y = (w * x + 3.0).tanh()
    y.label = "y"
    program = lower(y)
    lines = program.python.splitlines()
    assert lines[program.seed_line].strip() == "g_y = seed"
    texts = [None if i is None else lines[i].strip() for i in program.step_line]
    # tanh → add (the sum and the constant 3.0, which needs no line) → mul
    assert texts == ["g_add1 = g_y * (1.0 - y * y)", "g_mul1 = g_add1", None,
                     "g_w = g_mul1 * x", "g_x = g_mul1 * w"]
    assert lines[program.node_line[y]].strip() == "y = tanh(add1)"


def test_preferred_names_name_the_tape_and_the_page_runs(js):
    """A picture's names (w₁, n₃) become the tape's variables, unique, and lines stay addressed."""
    w1, w2, x = Value(0.4, label="w"), Value(-1.3, label="w"), Value(0.8)
    hidden = w1 * x
    y = (hidden + w2 * x).tanh()
    names = {w1: "w₁", w2: "w₂", x: "x", hidden: "n₃", y: "L"}
    program = lower(y, names=names)
    lines = program.python.splitlines()
    assert lines[program.node_line[hidden]].strip() == "n3 = w1 * x"
    assert lines[program.node_line[y]].strip().startswith("L = tanh(")
    assert lines[program.seed_line].strip() == "g_L = seed"
    texts = [None if i is None else lines[i].split(" ")[4] for i in program.step_line]
    assert "g_n3" in texts and "g_w1" in texts and "g_w2" in texts
    check(program, js(program, [leaf.data for leaf in program.leaves]), y, program.leaves)


def test_preferred_names_that_clash_or_are_no_identifiers_stay_unique():
    a, b, c = Value(1.0), Value(2.0), Value(3.0)
    y = a * b + c
    program = lower(y, names={a: "q", b: "q", c: "1x", y: "sum"})  # sum: the tape's own
    lines = program.python.splitlines()
    assert lines[1] == "    q, q_2, v_1x = params"
    name, _, code = lines[program.node_line[y]].strip().partition(" = ")
    assert name.startswith("sum_") and name.isidentifier() and code.endswith(" + v_1x")
    assert lower(y).python.splitlines()[1] == "    param0, param1, param2 = params"


def test_every_node_line_is_its_forward_line():
    """n-ary nodes sharing inputs, a product, a sum: each node knows its own line (the
    by-edge tape writes one line per node, addressed by position)."""
    from autograd import dot

    xs = [Value(0.1 * i, label=f"x{i}") for i in range(4)]
    outs = []
    for j in range(3):
        ws = [Value(0.2 * (i + j), label=f"w{j}{i}") for i in range(4)]
        outs.append(dot(ws, xs))
        outs[-1].label = f"d{j}"
    product = outs[0] * outs[1]
    total = product + outs[2]
    y = total.relu()
    product.label, total.label, y.label = "p", "t", "y"
    program = lower(y)
    lines = program.python.splitlines()
    assert len(program.node_line) == 6
    for node, at in program.node_line.items():
        assert lines[at].split(" = ")[0].strip() == node.label


LINEAR = """
import sys, time
sys.path.insert(0, "benchmarks")
from chain import build
from autograd import Value
from autograd.javascript import lower
def per_op(n):
    x = Value(0.5, label="x")
    y = build(x, n)
    best = float("inf")
    for _ in range(3):
        t = time.perf_counter()
        lower(y)
        best = min(best, time.perf_counter() - t)
    return best / n
print(per_op(8000) / per_op(1000))
"""
LINEAR_SLACK = 2.5  # per-op time may grow this much from 1,000 to 8,000 ops (quadratic: 8x)


def test_lowering_a_long_chain_is_linear():
    """Tape lines are addressed by position, never by searching the text: linear time."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    done = subprocess.run([sys.executable, "-c", LINEAR], capture_output=True, text=True,
                          timeout=120, cwd=root)
    assert done.returncode == 0, done.stderr[-2000:]
    ratio = float(done.stdout)
    assert ratio <= LINEAR_SLACK, f"per-op lowering time grew {ratio:.1f}x from 1,000 to 8,000 ops"


def test_a_leaf_root_is_its_own_gradient(js):
    x = Value(0.5, label="x")
    result = js(lower(x, 2.5), [0.75], 2.5)
    assert result["values"] == [0.75] and result["grads"] == [2.5]


# ---- whole tapes: what a page trains with --------------------------------------------------

TAPE = """([code, params, rows, seed]) => {
  const made = new Function(code + "\\nreturn [grad, forward];")();
  return rows.map(function (row) {
    return {grad: made[0](params, row, seed), forward: made[1](params, row)};
  });
}"""


def mlp_loss_tape(activation):
    """One sample's hinge loss of a 2-4-1 MLP, traced as nn.fit(compile=True) traces it."""
    from nn import MLP, hinge_loss

    model = MLP(2, [4, 1], activation=activation, seed=3)
    xs = [Value(0.0, label="x0"), Value(0.0, label="x1")]
    y = Value(1.0, label="y")
    loss = hinge_loss([model(xs)], [y], reduction="none")[0]
    from autograd import compile

    return compile(loss, params=model.parameters(), data=[*xs, y])


@pytest.mark.parametrize(("activation", "exact"), [("relu", True), ("tanh", False)])
def test_tape_source_gives_the_tapes_numbers(activation, exact, browser):
    from autograd.javascript import tape_source

    tape = mlp_loss_tape(activation)
    rows = [[0.3, -1.2, 1.0], [-0.8, 0.5, -1.0], [1.7, 0.9, 1.0], [0.0, 0.0, -1.0]]
    params = [p.data for p in tape.params]
    page = browser.new_page()
    page.set_content("<!DOCTYPE html><title>tape</title>")
    results = page.evaluate(TAPE, [tape_source(tape), params, rows, 0.25])
    page.close()
    for row, result in zip(rows, results):
        out, grads = tape.grad(params, row, 0.25)
        ours = [result["grad"][0], result["forward"], *result["grad"][1]]
        theirs = [out, tape.forward(params, row), *grads]
        bad = [(i, a, b) for i, (a, b) in enumerate(zip(ours, theirs))
               if not (a == b if exact else close(a, b, False) or abs(a - b) <= 1e-15)]
        assert not bad, f"row {row}: (position, JavaScript, tape) {bad}"


def test_tape_source_refuses_an_op_javascript_cannot_compute():
    from autograd import compile
    from autograd.javascript import tape_source

    x = Value(0.7, label="x")
    with pytest.raises(NotLive, match="hyp2"):
        tape_source(compile(apply(NO_VIA, x), params=[x]))
