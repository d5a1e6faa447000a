"""autograd.steps: the code backward() runs, one printed function per op, readable."""

from __future__ import annotations

import math

import pytest

from autograd import OPS, Op, Value, apply, backward_steps
from autograd.engine import step_source
from autograd.steps import STEPS, step

ARGS = {"pow": {"k": 3.0}, "leaky_relu": {"slope": 0.1}, "clamp": {"min": -1.0, "max": 2.0}}


def graph(op):
    leaves = [Value(0.3 + 0.25 * i, label=f"x{i}") for i in range(op.arity or 6)]
    return leaves, apply(op, *leaves, **ARGS.get(op.name, {}))


@pytest.mark.parametrize("op", OPS, ids=lambda op: op.name)
def test_every_step_source_compiles_and_is_the_code_backward_runs(op):
    source = step_source(op.name)
    code = compile(source, f"<backward step of {op.name}>", "exec")
    (function,) = [c for c in code.co_consts if hasattr(c, "co_code")]
    assert step(op).__code__.co_code == function.co_code  # the very bytecode that runs
    assert source.startswith("def step(node, upstream):\n")
    leaves, y = graph(op)
    y.backward(1.5)
    expected: dict[Value, float] = {}
    for s in backward_steps(y, 1.5):
        expected[s.input] = expected.get(s.input, 0.0) + s.contribution
    assert [leaf.grad for leaf in leaves] == [expected[leaf] for leaf in leaves]


@pytest.mark.parametrize("op", OPS, ids=lambda op: op.name)
def test_no_step_multiplies_by_one_or_writes_minus_one(op):
    source = step_source(op)
    assert "((-1.0))" not in source and "* 1.0\n" not in source and "1.0 *" not in source
    assert "* (-1.0)" not in source and "(-1.0) *" not in source


def test_tanh_step_reads_like_the_chain_rule():
    assert step_source("tanh") == (
        "def step(node, upstream):\n"
        "    out = node.data\n"
        "    node._a._grad += upstream * (1.0 - out * out)\n"
    )


def test_the_cache_lives_in_the_engine_not_on_the_op_record():
    op = OPS[0]
    assert not hasattr(op, "step")
    assert step(op) is STEPS[op] is step(op)


def test_an_unknown_name_is_refused():
    with pytest.raises(KeyError, match="no op named 'nope'"):
        step_source("nope")


@pytest.mark.parametrize("name", ["node", "upstream", "out", "rows", "zip", "a", "node_a"])
def test_an_outside_op_named_like_the_steps_own_names(name):
    """The step calls the op's forward on floats by a name of its own: never a clash."""
    op = Op(name, "f", "f(a)", lambda a: math.sin(a) * 2.0,
            (lambda m, a, out: 2.0 * m.cos(a) + getattr(m, name)(a) * 0.0,))
    x = Value(0.4)
    y = apply(op, x)
    y.backward()
    assert x.grad == 2.0 * math.cos(0.4) + 2.0 * math.sin(0.4) * 0.0
    assert f"{name}_2(a)" in step_source(op) or f"{name}(a)" not in step_source(op)


def test_an_nary_step_loops_over_its_rows():
    source = step_source("dot")
    assert "for w, x in zip(node_w, node_x):" in source
    assert "w._grad += upstream * x.data" in source


def test_a_rule_that_branches_with_python_if_is_called_on_floats():
    heaviside = Op("soft_step", "s", "s(a)", lambda a: max(a, 0.0),
                   (lambda m, a, out: 1.0 if a > 0.0 else 0.0,))
    x, z = Value(0.5), Value(-0.5)
    (apply(heaviside, x) + apply(heaviside, z)).backward()
    assert (x.grad, z.grad) == (1.0, 0.0)
    assert "rule_a(FLOATS, a, out)" in step_source(heaviside)
