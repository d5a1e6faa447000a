"""The symbolic interpretation: rules run on symbols print code that computes the same."""

from __future__ import annotations

import math

import pytest

from autograd import OPS, Value, apply, local_derivatives
from autograd.source import PythonSource

POINT = {"a": 0.35, "b": 0.8, "w1": 0.3, "w2": -1.2, "x1": 2.5, "x2": 1.1}
PARAM = {"pow": 3.0, "leaky_relu": 0.1, "clamp": (-0.2, 0.3)}


def op_inputs(op):
    """The input names of one node of ``op`` (n-ary ops: two rows)."""
    if op.arity:
        return list(op.inputs)
    return [f"{name}{row}" for name in op.inputs for row in (1, 2)]


def node_of(op):
    names = op_inputs(op)
    k = PARAM.get(op.name)
    param = {op.param[0]: k} if op.param else {}
    return names, k, apply(op, *[Value(POINT[n]) for n in names], **param)


@pytest.mark.parametrize("op", OPS, ids=lambda op: op.name)
def test_python_source_of_every_rule_computes_the_engines_numbers(op):
    names, k, node = node_of(op)
    m = PythonSource()
    ins = [m.var(n) for n in names]
    env = m.namespace() | dict(zip(names, (POINT[n] for n in names)))
    assert eval(m.call(op, ins, k).text, env) == node.data
    env["out"] = node.data
    texts = [m.lift_value(op.local(i, m, ins, m.var("out"), k)).text for i in range(len(ins))]
    assert [eval(t, env) for t in texts] == local_derivatives(node)


def test_source_keeps_the_grouping_the_rule_computed():
    m = PythonSource()
    a, b, c = m.var("a"), m.var("b"), m.var("c")
    assert (a - (b - c)).text == "a - (b - c)" and ((a - b) - c).text == "a - b - c"
    assert (-(a ** 2.0)).text == "-(a ** 2.0)" and ((-a) ** 2.0).text == "(-a) ** 2.0"
    assert (a ** (b ** c)).text == "a ** b ** c" and ((a ** b) ** c).text == "(a ** b) ** c"
    assert m.where(m.gt(a, 0.0), math.nan, -1.0).text == "nan if a > 0.0 else (-1.0)"


def test_a_rule_cannot_branch_with_python_if_on_a_symbol():
    m = PythonSource()
    with pytest.raises(TypeError, match=r"m\.where"):
        bool(m.gt(m.var("a"), 0.0))


def test_code_reads_exactly_the_variables_it_is_written_from():
    from autograd.ops import OPS_BY_NAME

    m = PythonSource()
    leaves = [Value(float(i)) for i in range(40)]
    xs = [m.var(f"x{i}", leaf) for i, leaf in enumerate(leaves)]
    dot = OPS_BY_NAME["dot"]
    wide = m.call(dot, [*xs[:20], *xs[20:]])
    assert wide.reads == frozenset(leaves)
    assert (xs[3] * 2.0 - xs[3]).reads == frozenset([leaves[3]])
    assert m.call(dot, [m.number(1.0), m.number(2.0)]).reads == frozenset()
    assert m.where(m.le(xs[0], 0.0), 0.0, 1.0).reads == frozenset([leaves[0]])
