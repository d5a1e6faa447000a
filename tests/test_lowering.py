"""One lowering, every tape kind: the engine's floats, and code with no arithmetic on ±1."""

from __future__ import annotations

import builtins
import math
import re

import pytest

from autograd import OPS, Value, apply, compile
from autograd.batched import loop_source, numpy_source
from autograd.javascript import lower, tape_source
from autograd.lowering import edge_listing, float_source
from autograd.steps import step_source
from autograd.trace import Trace, float_namespace

POINTS = {"log": 0.7, "sqrt": 0.7, "log1p": 0.7, "log2": 0.7, "log10": 0.7, "asin": 0.3,
          "acos": 0.3, "vpow": 1.3, "pow": 1.3}
ARGS = {"pow": {"k": 3.0}, "leaky_relu": {"slope": 0.1}, "clamp": {"min": -1.0, "max": 2.0}}
# x·1, 1·x, x/1 and their −1 twins: a literal ±1 as a whole factor or divisor
ONE = r"(?:1\.0|-1\.0|\(-1\.0\))"
BY_ONE = re.compile(rf"[*/] {ONE}(?=$|[),;\]]| [-+*/?:]| if | else )"
                    rf"|(?:^|[(,]|[-+*/=?:] |return |if |else ){ONE} \*")


def graphs(op):
    """The op fed by a data leaf times a param, plus 1, minus 1, times ±1 constants:
    places where a naive lowering writes ``* 1.0`` or ``((-1.0))``."""
    w, x = Value(0.9, label="w"), Value(POINTS.get(op.name, 0.6), label="x")
    ins = [w * x] + [x * 0.5 + 0.2 * i for i in range(1, (op.arity or 4))]
    y = apply(op, *ins, **ARGS.get(op.name, {}))
    root = (y * 1.0 - y * -1.0 + (1.0 - y) * w) / 1.0
    return w, x, root


def sources(op):
    w, x, root = graphs(op)
    tape = compile(root, params=[w], data=[x])
    trace = tape.trace
    texts = {
        "tape": tape.source, "forward": float_source(trace, backward=False),
        "by edge": edge_listing(trace).source, "rows": loop_source(trace),
        "numpy": numpy_source(trace), "numpy forward": numpy_source(trace, backward=False),
        "javascript": tape_source(tape), "step": step_source(op),
    }
    texts["live"] = lower(root).javascript
    return texts


@pytest.mark.parametrize("op", OPS, ids=lambda op: op.name)
def test_no_generated_source_multiplies_by_one_or_writes_minus_one_twice(op):
    for kind, text in sources(op).items():
        assert "((-1.0))" not in text, (kind, text)
        found = [line for line in text.splitlines() if BY_ONE.search(line)]
        assert not found, (op.name, kind, found)


def bits(x):
    return x.hex() if isinstance(x, float) else [bits(v) for v in x]


@pytest.mark.parametrize("op", OPS, ids=lambda op: op.name)
def test_every_float_tape_gives_the_engines_bits(op):
    """Whole graph, forward only, one line per edge, the row loop: the engine's floats."""
    w, x, root = graphs(op)
    w.grad = 0.0
    root.backward(0.5)
    tape = compile(root, params=[w], data=[x])
    assert bits(tape.grad(data=[x.data], gradient=0.5)) == bits((root.data, [w.grad]))
    assert bits(tape.forward(data=[x.data])) == bits(root.data)
    trace = Trace(root, [w], [x])
    namespace = float_namespace(trace.py)
    exec(builtins.compile(edge_listing(trace).source, "<by edge>", "exec"), namespace)
    assert bits(namespace["grad"]([w.data], [x.data], 0.5)) == bits((root.data, [w.grad]))
    loss, grads = tape.grad_rows([[x.data]], reduction="sum")
    assert bits((loss, grads)) == bits((root.data, [2.0 * w.grad]))


def test_a_leaf_or_a_constant_as_the_output():
    w = Value(2.0, label="w")
    assert compile(w, params=[w]).grad() == (2.0, [1.0])
    assert compile(Value(3.0), params=[w]).grad() == (3.0, [0.0])
    assert math.isnan(compile(Value(math.nan), params=[w]).forward())
