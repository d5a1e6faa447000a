"""The op table is the test matrix: every op against central differences and PyTorch."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import pytest
import torch
from oracle import TORCH, leaves

from autograd import OPS, OPS_BY_NAME, Op, Value, apply, grad, local_derivatives
from autograd.ops import table_markdown

FD_STEP = 1e-6  # central differences: error ~ step² · f‴ + ε/step
FD_TOL = 1e-6
TORCH_TOL = 1e-12  # same float64 formulas, rounding apart
HIGHER_TOL = 1e-10
FD_MIXED_TOL = 1e-5  # central differences of a first derivative

GRID = [-2.3, -0.7, 0.4, 1.9]
PARAMS = {
    "pow": [2.0, 3.0, 0.5, -1.5],
    "leaky_relu": [0.01, 0.2],
    "clamp": [(-1.0, 1.0), (None, 0.5), (0.0, None)],
}


def cases(op):
    """(inputs, params) points inside the op's domain, away from kinks."""
    if op.arity == 0:  # three rows of inputs
        values = [0.3, -1.2, 2.5, 1.1, 0.7, -0.4, 1.6, -0.9, 0.2]
        return [(values[: 3 * len(op.rules)], {})]
    if op.param:
        name = op.param[0]
        return [
            ([a], {name: k})
            for a in GRID
            for k in PARAMS[op.name]
            if op.domain is None or op.domain(a, k)
        ]
    points = itertools.product(GRID, repeat=op.arity)
    return [(list(p), {}) for p in points if op.domain is None or op.domain(*p)]


def ids(op):
    return op.name


def test_every_op_has_a_torch_oracle():
    assert {op.name for op in OPS} == set(TORCH)


@pytest.mark.parametrize("op", OPS, ids=ids)
def test_op_has_points_to_test(op):
    assert cases(op), f"{op.name}: no test points inside its domain"


def forward(op, xs, params):
    return op.forward(*xs, *params.values())


@pytest.mark.parametrize("op", OPS, ids=ids)
def test_local_derivatives_match_central_differences(op):
    for xs, params in cases(op):
        out = apply(op, *[Value(x) for x in xs], **params)
        analytic = local_derivatives(out)
        for i in range(len(xs)):
            up, down = list(xs), list(xs)
            up[i] += FD_STEP
            down[i] -= FD_STEP
            numeric = (forward(op, up, params) - forward(op, down, params)) / (2 * FD_STEP)
            assert analytic[i] == pytest.approx(numeric, rel=FD_TOL, abs=FD_TOL), (
                f"{op.name} at {xs} {params}: input {i}: "
                f"analytic {analytic[i]!r} vs numeric {numeric!r}"
            )


@pytest.mark.parametrize("op", OPS, ids=ids)
def test_forward_and_gradient_match_torch(op):
    for xs, params in cases(op):
        ours = [Value(x) for x in xs]
        out = apply(op, *ours, **params)
        out.backward()
        theirs = leaves(xs)
        expected = TORCH[op.name](*theirs, *params.values())
        expected.backward()
        assert out.data == pytest.approx(expected.item(), rel=TORCH_TOL, abs=TORCH_TOL)
        for v, t in zip(ours, theirs):
            assert v.grad == pytest.approx(t.grad.item(), rel=TORCH_TOL, abs=TORCH_TOL), (
                f"{op.name} at {xs} {params}: ours {v.grad!r} vs torch {t.grad.item()!r}"
            )


def torch_derivatives(f, x, order):
    t = torch.tensor(x, requires_grad=True)
    y = f(t)
    out = []
    for _ in range(order):
        # A derivative that no longer depends on x (constant) differentiates to 0.
        if y.requires_grad:
            (y,) = torch.autograd.grad(y, t, create_graph=True, allow_unused=True)
        else:
            y = None
        if y is None:
            y = torch.zeros(())
        out.append(y.item())
    return out


def our_derivatives(f, x, order):
    v = Value(x)
    y = f(v)
    out = []
    for _ in range(order):
        (y,) = grad(y, [v], create_graph=True)
        out.append(y.data)
    return out


UNARY = [op for op in OPS if op.arity == 1]


@pytest.mark.parametrize("op", UNARY, ids=ids)
def test_second_and_third_derivatives_match_torch(op):
    for (x,), params in cases(op):
        ours = our_derivatives(lambda a, p=params: apply(op, a, **p), x, 3)
        theirs = torch_derivatives(lambda a, p=params: TORCH[op.name](a, *p.values()), x, 3)
        assert ours == pytest.approx(theirs, rel=HIGHER_TOL, abs=HIGHER_TOL), (
            f"{op.name} at {x} {params}: ours {ours} vs torch {theirs}"
        )


@pytest.mark.parametrize("op", [op for op in OPS if op.arity == 2], ids=ids)
def test_mixed_partial_matches_torch(op):
    for (a, b), _ in cases(op):
        va, vb = Value(a), Value(b)
        (da,) = grad(apply(op, va, vb), [va], create_graph=True)
        ours = grad(da, [va, vb])
        ta, tb = leaves([a, b])
        (tda,) = torch.autograd.grad(TORCH[op.name](ta, tb), ta, create_graph=True)
        theirs = (
            [
                0.0 if g is None else g.item()
                for g in torch.autograd.grad(tda, [ta, tb], allow_unused=True)
            ]
            if tda.requires_grad
            else [0.0, 0.0]
        )
        assert ours == pytest.approx(theirs, rel=HIGHER_TOL, abs=HIGHER_TOL), (
            f"{op.name} at {a}, {b}"
        )


@pytest.mark.parametrize("name", ["tanh", "sigmoid", "softplus"])
@pytest.mark.parametrize("x", [-1000.0, 1000.0])
def test_saturating_ops_are_exact_at_extremes(name, x):
    v = Value(x)
    out = getattr(v, name)()
    out.backward()
    t = torch.tensor(x, requires_grad=True)
    expected = TORCH[name](t)
    expected.backward()
    assert math.isfinite(out.data) and math.isfinite(v.grad)
    assert out.data == expected.item()
    assert v.grad == t.grad.item()


def test_readme_op_table_is_generated_from_the_code():
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    start = readme.index("<!-- op-table:start -->\n") + len("<!-- op-table:start -->\n")
    end = readme.index("<!-- op-table:end -->")
    assert readme[start:end] == table_markdown(), (
        "README's op table is stale: paste autograd.ops.table_markdown() between the markers"
    )


@pytest.mark.parametrize("op", OPS, ids=ids)
def test_formulas_name_every_input(op):
    n = len(op.rules)
    for i in range(n):
        formula = op.formula(i, n)
        assert formula.startswith(f"∂({op.expr})/∂{op.input_name(i, n)} = ")


# ---- an op declared outside the table, through every interpretation --------------------

# √(1 + a²): its rule calls the table's sqrt through m, as a table entry would.
HYP = Op("hyp", "√(1+a²)", "√(1 + a²)", lambda a: math.sqrt(1.0 + a * a),
         (lambda m, a, out: a / m.sqrt(1.0 + a * a),), None, "hyperbola")
# Named like a table op on purpose: no reader may swap in the table's tanh.
FAKE_TANH = Op("tanh", "t", "t(a)", lambda a: 2.0 * a, (lambda m, a, out: 2.0,), None,
               "twice a, named tanh")


def hyp_torch(a):
    return torch.sqrt(1.0 + a * a)


def test_outside_op_eager_and_higher_order_match_torch():
    for x in GRID:
        ours = our_derivatives(lambda a: apply(HYP, a), x, 3)
        theirs = torch_derivatives(hyp_torch, x, 3)
        assert ours == pytest.approx(theirs, rel=HIGHER_TOL, abs=HIGHER_TOL)
        v, (t,) = Value(x), leaves([x])
        apply(HYP, v * 2.0).backward()
        hyp_torch(t * 2.0).backward()
        assert v.grad == pytest.approx(t.grad.item(), rel=TORCH_TOL, abs=TORCH_TOL)


def test_outside_op_forward_mode_compile_and_batch():
    from autograd import compile
    from autograd.functional import jvp

    def f(w, x):
        return apply(HYP, w * x) + apply(FAKE_TANH, w)

    _, tangent = jvp(f, (0.5, 1.5), (1.0, 0.0))
    w, x = Value(0.5, label="w"), Value(1.5, label="x")
    root = f(w, x)
    (dw,) = grad(root, [w])
    assert tangent == pytest.approx(dw, rel=TORCH_TOL)
    tape = compile(root, params=[w], data=[x])
    assert tape.grad(data=[1.5]) == (root.data, [dw])
    assert "tanh_2(" in tape.source  # its own function, not the table's tanh
    rows = [[1.5], [-0.3], [2.0]]
    loss, (g,) = tape.grad_batch(rows, reduction="sum")
    expected = [tape.grad(data=r) for r in rows]
    assert loss == pytest.approx(sum(e[0] for e in expected), rel=TORCH_TOL)
    assert g == pytest.approx(sum(e[1][0] for e in expected), rel=TORCH_TOL)
    loop_loss, (loop_g,) = tape.grad_rows(rows, reduction="sum")
    assert (loop_loss, loop_g) == pytest.approx((loss, g), rel=TORCH_TOL)


def test_outside_op_is_drawn():
    import viz

    x = Value(0.5, label="x")
    y = apply(HYP, x)
    y.backward()
    src = viz.draw_graph(y).source
    assert "∂(√(1 + x²))/∂x = x/√(1 + x²)" in src  # the picture's formula, in x's own name


def test_the_readme_command_rewrites_a_stale_table(tmp_path):
    from autograd.ops import END, START, update_readme

    readme = tmp_path / "README.md"
    readme.write_text(f"intro\n{START}| stale |\n{END}\noutro\n", encoding="utf-8")
    assert update_readme(str(readme)) is True
    assert readme.read_text(encoding="utf-8") == f"intro\n{START}{table_markdown()}{END}\noutro\n"
    assert update_readme(str(readme)) is False  # already fresh: nothing written


def half(name):
    """An op computing a/2, declared outside the table under ``name``."""
    return Op(name, "½", "a/2", lambda a: 0.5 * a, (lambda m, a, out: 0.5,), None, "half")


@pytest.mark.parametrize("name, words", [
    ("soft-clip", "not a Python identifier.*'soft_clip'"),
    ("my op", "not a Python identifier.*'my_op'"),
    ("1x", "not a Python identifier.*'op_1x'"),
    ("", "not a Python identifier"),
    ("lambda", "not a Python identifier.*keyword"),
    ("σ", "not a Python identifier"),  # CPython would NFKC-normalise some letters in source
    ("_dot_seq", "starts with '_'.*own helpers"),
    ("_up", "starts with '_'"),
    ("np_tanh", "starts with 'np_'"),
    ("m_x", "starts with 'm_'"),
    ("where", "m.where"),
    ("gt", "m.gt"),
])
def test_op_names_that_generated_code_cannot_call_are_refused_at_declaration(name, words):
    with pytest.raises(ValueError, match=words):
        half(name)


def test_an_op_name_must_be_text():
    with pytest.raises(TypeError, match=r"must be a str, got 3 \(int\)"):
        half(3)


@pytest.mark.parametrize("name", ["soft_clip", "halve2", "float", "nan", "np", "tanh", "match"])
def test_an_identifier_op_name_compiles_to_the_same_numbers(name):
    from autograd import compile

    x = Value(3.0, label="x")
    y = apply(half(name), x) * x
    tape = compile(y, params=[x])
    assert tape.grad() == (y.data, grad(y, [x]))


def same_float(ours, theirs):
    """Equal as IEEE numbers, nan equal to nan (signed zeros compare equal)."""
    return (math.isnan(ours) and math.isnan(theirs)) or ours == theirs


@pytest.mark.parametrize("a", [0.5, 2.0, 4.0, 7.5, 1e300])
def test_the_mixed_partial_of_a_power_is_symmetric_at_a_zero_exponent(a):
    # ∂²(aᵇ)/∂b∂a = aᵇ⁻¹(1 + b·ln a) = 1/a at b = 0. torch's hessian row for a is 0 there
    # (its ∂/∂a branches on b = 0); its row for b has the true value, as central
    # differences of ∂/∂a along b do.
    from autograd.functional import hessian

    (haa, hab), (hba, hbb) = hessian(lambda x, y: x ** y, (a, 0.0))
    theirs = torch.autograd.functional.hessian(lambda x, y: x ** y, tuple(leaves([a, 0.0])))
    assert hab == hba == pytest.approx(theirs[1][0].item(), rel=HIGHER_TOL) == 1.0 / a
    assert (haa, hbb) == pytest.approx((theirs[0][0].item(), theirs[1][1].item()), rel=HIGHER_TOL)
    step = FD_STEP * min(1.0, 1.0 / abs(math.log(a)))

    def da(b):
        x = Value(a)
        return grad(x ** Value(b), [x])[0]

    assert hab == pytest.approx((da(step) - da(-step)) / (2 * step), rel=FD_MIXED_TOL)


BASES = (math.nan, 0.0, -0.0, 1e-300, 0.5, 1.0, 2.0, math.inf, -2.0, -math.inf)
EXPONENTS = (math.nan, -math.inf, -1.0, 0.0, 0.5, 1.0, 3.0, math.inf)
POWER_EDGES = [(a, b) for a in BASES for b in EXPONENTS]


@pytest.mark.parametrize("a, b", POWER_EDGES, ids=str)
def test_the_derivatives_of_a_power_keep_nan_and_inf_like_torch(a, b):
    from autograd.functional import jvp

    x, y = Value(a), Value(b)
    try:
        out = x ** y
    except (ValueError, ZeroDivisionError):  # outside the domain: refused, nothing to compare
        assert not OPS_BY_NAME["vpow"].domain(a, b) or b != b
        return
    ta, tb = leaves([a, b])
    theirs = [g.item() for g in torch.autograd.grad(ta ** tb, [ta, tb])]
    for i, (leaf, v) in enumerate([(x, (1.0, 0.0)), (y, (0.0, 1.0))]):
        try:
            ours = [grad(out, [leaf])[0], jvp(lambda p, q: p ** q, (a, b), v)[1]]
        except (ZeroDivisionError, OverflowError):
            # The engine refuses an infinite slope (b·0ᵇ⁻¹ for 0 < b < 1), as √a's at 0.
            assert i == 0 and math.isinf(theirs[0]), f"a = {a}, b = {b}: torch {theirs}"
            continue
        for mine in ours:
            assert same_float(mine, theirs[i]), f"a = {a}, b = {b}, input {i}: {mine} vs {theirs}"
