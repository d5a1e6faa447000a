"""autograd.functional against torch.autograd.functional, and forward mode against reverse."""

from __future__ import annotations

import math

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from random_graphs import build, instruction, rebuild, start_values

import autograd
from autograd import Value, grad
from autograd.forward import forward_mode
from autograd.functional import hessian, jacobian, jvp, vjp

TOL = 1e-12  # same float64 formulas, rounding apart
FORWARD_TOL = 1e-9  # forward and reverse sum the same products in another order


def t(xs):
    return tuple(torch.tensor(x, dtype=torch.float64) for x in xs)


# Each function written once for both engines: `lib` is autograd or torch.
def f_scalar(lib):
    return lambda x, y: (x * y).tanh() + y.exp() * x


def f_pair(lib):
    return lambda x, y: (x * x * y, (x - y).sin())


def f_three(lib):
    hyp = torch.hypot if lib is torch else autograd.hypot
    return lambda x, y, z: hyp(x, z) * y.sigmoid() + (x / z).log1p()


FUNCTIONS = [
    (f_scalar, (0.3, -1.2), (1.5, -0.5)),
    (f_pair, (0.7, 2.1), (-1.0, 0.25)),
    (f_three, (1.1, 0.4, 2.3), (0.5, 1.0, -2.0)),
]


def floats(x):
    """A torch result (tensor or nested tuples of tensors) as floats, nested the same way."""
    if isinstance(x, tuple):
        return tuple(floats(e) for e in x)
    return x.item()


def close(ours, theirs):
    if isinstance(theirs, tuple):
        assert isinstance(ours, tuple) and len(ours) == len(theirs), (ours, theirs)
        for a, b in zip(ours, theirs):
            close(a, b)
    else:
        assert isinstance(ours, float), ours
        assert ours == pytest.approx(theirs, rel=TOL, abs=TOL), (ours, theirs)


@pytest.mark.parametrize("make, x, v", FUNCTIONS, ids=["scalar", "pair", "three"])
def test_jvp_matches_torch(make, x, v):
    theirs = torch.autograd.functional.jvp(make(torch), t(x), t(v))
    close(jvp(make(autograd), x, v), floats(theirs))


@pytest.mark.parametrize("make, x, v", FUNCTIONS, ids=["scalar", "pair", "three"])
def test_vjp_matches_torch(make, x, v):
    outs = make(torch)(*t(x))
    w = (0.7, -1.3) if isinstance(outs, tuple) else None
    theirs = torch.autograd.functional.vjp(make(torch), t(x), None if w is None else t(w))
    close(vjp(make(autograd), x, w), floats(theirs))


@pytest.mark.parametrize("make, x, v", FUNCTIONS, ids=["scalar", "pair", "three"])
def test_jacobian_matches_torch(make, x, v):
    theirs = torch.autograd.functional.jacobian(make(torch), t(x))
    close(jacobian(make(autograd), x), floats(theirs))


@pytest.mark.parametrize("make, x", [(f_scalar, (0.3, -1.2)), (f_three, (1.1, 0.4, 2.3))])
def test_hessian_matches_torch(make, x):
    theirs = torch.autograd.functional.hessian(make(torch), t(x))
    close(hessian(make(autograd), x), floats(theirs))


@pytest.mark.parametrize("make, x, v", FUNCTIONS, ids=["scalar", "pair", "three"])
def test_the_functional_api_differentiates_inside_no_grad_like_torch(make, x, v):
    outs = make(torch)(*t(x))
    w = (0.7, -1.3) if isinstance(outs, tuple) else None
    tw = None if w is None else t(w)
    with torch.no_grad():
        theirs = [torch.autograd.functional.jvp(make(torch), t(x), t(v)),
                  torch.autograd.functional.vjp(make(torch), t(x), tw),
                  torch.autograd.functional.jacobian(make(torch), t(x))]
        if w is None:
            theirs.append(torch.autograd.functional.hessian(make(torch), t(x)))
    with autograd.no_grad():
        ours = [jvp(make(autograd), x, v), vjp(make(autograd), x, w), jacobian(make(autograd), x)]
        if w is None:
            ours.append(hessian(make(autograd), x))
        assert not autograd.is_grad_enabled()  # and no_grad is still on afterwards
    for mine, torch_result in zip(ours, theirs):
        close(mine, floats(torch_result))


def test_jacobian_of_exp_under_no_grad_is_not_zero():
    with autograd.no_grad():
        assert jacobian(lambda x: x.exp(), 0.3) == math.exp(0.3)


@pytest.mark.parametrize("make, x, v", FUNCTIONS, ids=["scalar", "pair", "three"])
def test_numpy_arrays_count_as_tuples_of_inputs(make, x, v):
    import numpy as np

    assert jvp(make(autograd), np.array(x), np.array(v)) == jvp(make(autograd), x, v)
    assert jacobian(make(autograd), np.array(x)) == jacobian(make(autograd), x)
    assert jacobian(make(autograd), [np.float64(e) for e in x]) == jacobian(make(autograd), x)
    assert jacobian(lambda a: a * a, np.float64(0.5)) == 1.0  # a numpy scalar: one number


def test_single_number_in_and_out_gives_bare_floats_as_torch():
    f = lambda lib: (lambda x: x.sin() * x)  # noqa: E731
    x = torch.tensor(0.8, dtype=torch.float64)
    close(jvp(f(autograd), 0.8, 2.0), floats(torch.autograd.functional.jvp(f(torch), x,
                                                                          torch.tensor(2.0,
                                                                          dtype=torch.float64))))
    close(jacobian(f(autograd), 0.8), floats(torch.autograd.functional.jacobian(f(torch), x)))
    close(hessian(f(autograd), 0.8), floats(torch.autograd.functional.hessian(f(torch), x)))
    close(vjp(f(autograd), 0.8), floats(torch.autograd.functional.vjp(f(torch), x)))


def test_outputs_that_ignore_an_input_give_zeros():
    assert jacobian(lambda x, y: (x * 2.0, Value(3.0) * 1.0), (1.0, 2.0)) == ((2.0, 0.0),
                                                                              (0.0, 0.0))
    assert hessian(lambda x, y: x * 3.0, (1.0, 2.0)) == ((0.0, 0.0), (0.0, 0.0))


def test_jvp_is_one_forward_pass_without_backward(monkeypatch):
    import autograd.engine as engine

    def refuse(*args, **kwargs):
        raise AssertionError("jvp must not run backward")

    monkeypatch.setattr(engine, "chain", refuse)
    monkeypatch.setattr(engine, "backward", refuse)
    calls = []

    def f(x, y):
        calls.append(1)
        return x * y.exp()

    assert jvp(f, (2.0, 0.0), (0.0, 1.0)) == (2.0, 2.0)
    assert len(calls) == 1


@pytest.mark.parametrize("bad, words", [
    (lambda: jvp(lambda x: x, "1"), "inputs must be a real number"),
    (lambda: jvp(lambda x, y: x, (1.0, 2.0), (1.0,)), "v must be shaped like inputs"),
    (lambda: jvp(lambda x, y: x, (1.0, 2.0)), "only for a single input"),
    (lambda: vjp(lambda x: (x, x), 1.0), "only when f returns a single Value"),
    (lambda: jacobian(lambda x: 2.0, 1.0), "f must return a Value"),
    (lambda: hessian(lambda x: (x, x), 1.0), "single Value"),
    (lambda: jacobian(lambda x: x, Value(1.0)), "pass .data"),
])
def test_bad_arguments_raise_clear_errors(bad, words):
    with pytest.raises((TypeError, ValueError), match=words):
        bad()


def test_forward_mode_skips_a_constant_whose_local_is_undefined():
    y = Value(0.14)
    with forward_mode({y: 1.0}) as fwd:
        out = 0.0 ** y
    assert out.data == 0.0 and fwd.tangent(out) == 0.0  # torch: ∂(0ʸ)/∂y = 0


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(start=start_values, program=st.lists(instruction, min_size=1, max_size=20),
       direction=st.lists(st.floats(-2, 2), min_size=3, max_size=3))
def test_forward_mode_equals_reverse_mode_on_random_graphs(start, program, direction):
    leaves, root = build(start, program)
    reverse = grad(root, leaves)
    fresh = [Value(leaf.data) for leaf in leaves]
    with forward_mode(dict(zip(fresh, direction))) as fwd:
        new_root, _ = rebuild(root, leaves, None, into=fresh)
    expected = sum(g * d for g, d in zip(reverse, direction))
    assert new_root.data == root.data
    assert abs(fwd.tangent(new_root) - expected) <= FORWARD_TOL * max(1.0, abs(expected))


@pytest.mark.parametrize("f, op, given", [
    (lambda x: x.sqrt(), "sqrt", "a = 0.0 (node 'inputs[0]')"),
    (lambda x: x ** 0.5, "pow", "a = 0.0 (node 'inputs[0]')"),
    (lambda x: (x + 1.0).asin(), "asin", "a = 1.0"),
])
def test_a_jvp_domain_error_names_the_op_and_the_node(f, op, given):
    record = autograd.OPS_BY_NAME[op]
    words = f"through {op} ({record.expr}): the local derivative is undefined for {given}"
    formula = record.formula(0, 1)
    x = Value(0.0, label="inputs[0]")
    for how, run in (("forward mode", lambda: jvp(f, 0.0)),
                     ("backward", lambda: grad(f(x), [x]))):
        with pytest.raises((ZeroDivisionError, ValueError)) as err:
            run()
        assert str(err.value).startswith(f"{how} {words}") and formula in str(err.value)
