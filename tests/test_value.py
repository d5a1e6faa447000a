"""Value: construction, operators, and clear errors for bad input."""

from __future__ import annotations

import copy
import inspect
import math
import pickle
import re
from fractions import Fraction

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import autograd
from autograd import Value


@pytest.mark.parametrize("bad", ["2.0", None, 1 + 2j, [1.0], object()])
def test_construction_rejects_non_numbers(bad):
    with pytest.raises(TypeError) as err:
        Value(bad)
    assert repr(bad) in str(err.value) and type(bad).__name__ in str(err.value)


@pytest.mark.parametrize("good, expected", [(2, 2.0), (True, 1.0), (Fraction(1, 4), 0.25)])
def test_construction_accepts_real_numbers(good, expected):
    v = Value(good)
    assert type(v.data) is float and v.data == expected


def test_label_must_be_text():
    with pytest.raises(TypeError, match="label"):
        Value(1.0, label=3)


@pytest.mark.parametrize("bad", ["x", None, 2j])
@pytest.mark.parametrize("side", ["left", "right"])
def test_operators_reject_non_numbers(bad, side):
    x = Value(1.0)
    with pytest.raises(TypeError) as err:
        _ = (x * bad) if side == "left" else (bad * x)
    assert "mul" in str(err.value) and repr(bad) in str(err.value)


def test_log_of_negative_names_op_value_and_label():
    with pytest.raises(ValueError) as err:
        Value(-2.0, label="x").log()
    message = str(err.value)
    assert "log" in message and "-2.0" in message and "'x'" in message and "a > 0" in message
    assert "math domain error" not in message


def test_sqrt_of_negative():
    with pytest.raises(ValueError, match=r"sqrt.*-1\.0.*a ≥ 0"):
        Value(-1.0).sqrt()


@pytest.mark.parametrize(
    "build", [lambda x: x / 0, lambda x: 1 / (x - 1.0)], ids=["x/0", "1/(x-1)"]
)
def test_division_by_zero(build):
    with pytest.raises(ZeroDivisionError, match=r"div.*b = 0\.0"):
        build(Value(1.0, label="x"))


def test_zero_to_a_negative_power():
    with pytest.raises(ZeroDivisionError, match=r"pow.*a = 0\.0.*k = -1\.0"):
        Value(0.0) ** -1


@pytest.mark.parametrize("exponent", [0.5, Value(0.5)], ids=["number", "Value"])
def test_negative_base_to_non_integer_power_is_an_error_not_complex(exponent):
    with pytest.raises(ValueError, match=r"pow.*-8\.0"):
        Value(-8.0) ** exponent


def test_negative_base_to_integer_power_is_fine():
    assert (Value(-2.0) ** 3).data == -8.0


def test_exp_overflow():
    with pytest.raises(OverflowError, match=r"exp.*1000\.0.*709"):
        Value(1000.0).exp()


def test_power_overflow():
    with pytest.raises(OverflowError, match=r"pow.*1e\+200"):
        Value(1e200) ** 2


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_log_errors_exactly_outside_its_domain(x):
    if x > 0:
        assert Value(x).log().data == math.log(x)
    else:
        with pytest.raises(ValueError, match=repr(x).replace("+", r"\+").replace(".", r"\.")):
            Value(x).log()


@given(st.one_of(st.text(), st.none(), st.complex_numbers(), st.binary()))
def test_any_non_number_is_a_type_error(bad):
    with pytest.raises(TypeError):
        Value(bad)


def test_comparisons_use_data_and_equality_stays_identity():
    a, b = Value(1.0), Value(1.0)
    assert a <= b and a >= b and not a < b and a < 2 and 0 < a
    assert a != b and a == a and len({a, b}) == 2


def test_detach_cuts_the_graph():
    x = Value(2.0, label="x")
    y = (x * x).detach()
    assert y.data == 4.0 and y.parents == () and y.op is None
    (y * x).backward()
    assert x.grad == 4.0  # only the direct edge


def test_grad_setter_validates():
    v = Value(1.0)
    v.grad = 2
    assert v.grad == 2.0
    with pytest.raises(TypeError, match="grad"):
        v.grad = "big"


def test_repr_shows_data_grad_label():
    v = Value(2.0, label="w")
    assert repr(v) == "Value(data=2.0, label='w')"
    v.grad = 0.5
    assert repr(v) == "Value(data=2.0, grad=0.5, label='w')"


def test_dot_length_mismatch():
    with pytest.raises(ValueError, match="2 and 3"):
        autograd.dot([Value(1.0), Value(2.0)], [1.0, 2.0, 3.0])


def test_dot_and_sum_accept_numbers():
    w = Value(2.0)
    z = autograd.dot([w, 3.0], [4.0, Value(5.0)])
    assert z.data == 23.0 and sum(p.is_constant for p in z.parents) == 2


def test_empty_sum_is_zero():
    assert autograd.sum([]).data == 0.0


def test_leaky_relu_slope_must_be_a_number():
    with pytest.raises(TypeError, match="slope"):
        Value(-1.0).leaky_relu(Value(0.1))
    assert Value(-1.0).leaky_relu(0.2).data == -0.2


def test_operator_methods_are_installed_from_the_table():
    for op in autograd.OPS:
        for name in op.methods:
            assert callable(getattr(Value, name)), name


# ---- defects found by peers' test suites and by new users -------------------------------


def test_float_of_a_value_raises_instead_of_cutting_the_graph():
    v = Value(1.0, label="v")
    with pytest.raises(TypeError, match=r"cut the graph.*v\.exp\(\).*v\.data"):
        v * math.exp(v)
    with pytest.raises(TypeError, match="cut the graph"):
        float(v)


def test_format_with_a_spec_shows_the_data():
    v = Value(2.0 / 3.0, label="v")
    assert f"{v:.3f}" == "0.667" and f"{v:>8.2f}" == "    0.67"
    assert f"{v}" == repr(v)


@pytest.mark.parametrize("side", ["left", "right"])
def test_numpy_arrays_on_either_side_are_one_clear_type_error(side):
    v, array = Value(2.0), np.array([1.0, 2.0])
    with pytest.raises(TypeError, match=r"mul.*ndarray.*do not mix.*each element"):
        _ = array * v if side == "left" else v * array


def test_numpy_scalars_are_numbers():
    assert (np.float64(2.0) * Value(3.0)).data == 6.0
    assert (Value(3.0) + np.float32(0.5)).data == 3.5


NUMPY_NUMBERS = [
    pytest.param(lambda xs: [np.float64(x) for x in xs], id="float64 scalars"),
    pytest.param(lambda xs: [np.float32(x) for x in xs], id="float32 scalars"),
    pytest.param(lambda xs: np.array(xs), id="1-D array"),
    pytest.param(lambda xs: np.array([int(x) for x in xs]), id="1-D int array"),
]


def dot_and_sum(numbers):
    """Outputs and weight gradients of dot (numbers on either side) and sum over ``numbers``."""
    ws = [Value(v, label=f"w{i}") for i, v in enumerate([0.25, 1.5, -2.0])]
    outs = [autograd.dot(ws, numbers), autograd.dot(numbers, ws), autograd.sum(numbers) * ws[0]]
    for out in outs:
        out.backward()
    return [o.data for o in outs], [w.grad for w in ws]


@pytest.mark.parametrize("numpy", NUMPY_NUMBERS)
def test_numpy_scalars_and_arrays_are_numbers_in_dot_and_sum(numpy):
    # A numpy scalar has a .data of its own (a buffer), which dot's fast path must not read.
    xs = [2.0, -3.0, 4.0]  # whole numbers: the same in every dtype
    outputs, grads = dot_and_sum(numpy(xs))
    assert (outputs, grads) == dot_and_sum(xs)
    assert all(type(x) is float for x in outputs + grads)


def test_dot_refuses_an_object_that_only_has_a_data_attribute():
    # A tensor's .data is a tensor: it must not become a Value's data.
    w = Value(1.5)
    with pytest.raises(TypeError, match=r"dot.*Tensor"):
        autograd.dot([w], [torch.tensor(2.0, dtype=torch.float64)])


def test_value_of_a_value_says_what_to_do():
    with pytest.raises(TypeError, match=r"got a Value.*detach\(\)"):
        Value(Value(2.0))


@pytest.mark.parametrize("build", [
    lambda x: x.relu(), lambda x: x.leaky_relu(0.1), lambda x: abs(x),
    lambda x: x.clamp(-1.0, 1.0), lambda x: autograd.maximum(x, 0.0),
    lambda x: autograd.minimum(0.0, x), lambda x: x.clamp(max=2.0),
])
def test_nan_in_nan_out(build):
    assert math.isnan(build(Value(math.nan)).data)


def test_huge_integer_exponent_names_the_op():
    with pytest.raises(OverflowError, match=r"pow: k = 1000.*too large for a float"):
        Value(2.0) ** 10**400
    with pytest.raises(OverflowError, match=r"mul.*too large for a float"):
        Value(2.0) * 10**400


def test_deepcopy_keeps_constants_constant_and_shares_ops():
    x = Value(1.5, label="x")
    y = (x * 2.0).tanh()
    z = copy.deepcopy(y)
    assert z.parents[0].parents[1].is_constant and z.op is y.op
    assert z.parents[0].parents[0] is not x


def test_pickle_round_trip_keeps_the_graph():
    x = Value(1.5, label="x")
    y = (x * 2.0).tanh() + x.clamp(max=1.0)
    z = pickle.loads(pickle.dumps(y))
    z.backward()
    y.backward()
    leaf = z.parents[0].parents[0].parents[0]
    assert leaf.label == "x" and leaf.grad == x.grad
    assert z.parents[0].parents[0].parents[1].is_constant


CLONES = {"pickle": lambda o: pickle.loads(pickle.dumps(o)),
          "pickle protocol 0": lambda o: pickle.loads(pickle.dumps(o, protocol=0)),
          "deepcopy": copy.deepcopy}


def shape(root):
    """The graph as (op, label, data, grad, input positions) per node, in topological order."""
    order = autograd.topological_order(root)
    where = {node: i for i, node in enumerate(order)}
    return [(n.op and n.op.name, n.label, n.data, n._total, n.arg,
             [where[p] for p in n.parents]) for n in order]


@pytest.mark.parametrize("clone", CLONES)
def test_a_clone_keeps_every_node_and_edge_and_who_shares_them(clone):
    w, x = Value(0.5, label="w"), Value(-1.5, label="x")
    h = (w * x).tanh()
    y = autograd.dot([w, h, x], [x, w, h]) + h * h + x.leaky_relu(0.2) + 2.0 ** w
    y.backward()
    x.grad = 7.0
    y2, x2, h2 = CLONES[clone]([y, x, h])
    assert shape(y2) == shape(y)
    order = autograd.topological_order(y2)
    assert any(v is x2 for v in order) and any(v is h2 for v in order)
    assert not set(order) & set(autograd.topological_order(y))


@pytest.mark.parametrize("clone", CLONES)
def test_a_clone_of_every_node_of_a_graph_is_as_large_as_one_of_the_graph(clone):
    # Each node brings only the nodes the clone has not met yet: linear, not quadratic.
    x = Value(0.5, label="x")
    y = x
    for _ in range(300):
        y = y * 0.5 + x
    nodes = autograd.topological_order(y)
    if clone.startswith("pickle"):
        assert len(pickle.dumps(nodes)) < 1.5 * len(pickle.dumps(y))
    twins = CLONES[clone](nodes)
    assert [shape(t) for t in twins[-3:]] == [shape(n) for n in nodes[-3:]]
    assert set(autograd.topological_order(twins[-1])) == set(twins)


def test_neurons_of_a_deep_copy_still_share_their_weight_rows():
    import nn

    neuron = nn.Neuron(3, activation="linear", seed=0)
    xs = [[Value(v) for v in row] for row in ([1.0, 2.0, 3.0], [0.5, 0.1, 0.2])]
    dots = [neuron(row).parents[0] for row in xs]
    assert dots[0]._b[0] is dots[1]._b[0]  # the weights' tuple, as given
    twins = copy.deepcopy(dots)
    assert twins[0]._b[0] is twins[1]._b[0] and twins[0]._b[0] is not dots[0]._b[0]


def test_a_shallow_copy_shares_the_inputs():
    x = Value(2.0, label="x")
    y = x * 3.0
    y.grad = 1.5
    z = copy.copy(y)
    assert z is not y and z.parents == y.parents and (z.data, z.grad, z.op) == (y.data, 1.5, y.op)


class Tagged(Value):
    """A Value subclass with attributes of its own."""


@pytest.mark.parametrize("clone", CLONES)
def test_a_subclass_clones_with_its_attributes(clone):
    x = Tagged(2.0, label="x")
    x.note = "kept"
    y = CLONES[clone](x * x)
    assert type(y.parents[0]) is Tagged and y.parents[0].note == "kept"


def test_pickle_refuses_an_op_outside_the_table():
    from autograd import Op, apply

    cube = Op("cube", "x³", "a³", lambda a: a**3, (lambda m, a, out: 3.0 * a * a,), None,
              "a cubed")
    with pytest.raises(TypeError, match="not in the op table"):
        pickle.dumps(apply(cube, Value(2.0)))


def test_parents_are_the_ordered_inputs_of_every_shape():
    a, b = Value(1.0), Value(2.0)
    assert a.parents == ()
    assert (a.exp()).parents == (a,)
    assert (a * a).parents == (a, a) and (b - a).parents == (b, a)
    assert autograd.sum([a, b, a]).parents == (a, b, a)
    assert autograd.dot([a], [b]).parents == (a, b)  # one row: still the n-ary op's tuple
    assert (2.0 * a).parents[1] is a and (2.0 * a).parents[0].is_constant


@pytest.mark.parametrize("inputs", [(), (1,), (1, 2), (1, 2, 1)])
def test_parents_set_by_hand_read_back_in_order(inputs):
    xs = [Value(1.0), Value(2.0), Value(3.0)]
    y = Value(0.0)
    y.parents = tuple(xs[i] for i in inputs)
    assert y.parents == tuple(xs[i] for i in inputs)


def test_item_is_the_float_the_node_holds():
    v = Value(3, label="v") * 0.5
    assert v.item() == 1.5 and type(v.item()) is float


STRINGS_REFUSED = {
    "Value()": lambda x, s: Value(s),
    "operator": lambda x, s: x + s,
    "reflected operator": lambda x, s: s * x,
    "apply": lambda x, s: autograd.apply(autograd.OPS_BY_NAME["tanh"], s),
    "sum": lambda x, s: autograd.sum([x, s]),
    "dot": lambda x, s: autograd.dot([x], [s]),
    "parameter": lambda x, s: x.leaky_relu(s),
    "bound": lambda x, s: x.clamp(min=s),
    "exponent": lambda x, s: x ** s,
    "backward seed": lambda x, s: (x * x).backward(s),
    "grad setter": lambda x, s: setattr(x, "grad", s),
    "gradcheck input": lambda x, s: autograd.gradcheck(lambda a: a * a, [s]),
    "forward_mode seed": lambda x, s: autograd.forward.forward_mode({x: s}).__enter__(),
    "jvp input": lambda x, s: autograd.functional.jvp(lambda a: a, s),
    "replay value": lambda x, s: autograd.replay(x * x, {x: s}),
}


@pytest.mark.parametrize("where", STRINGS_REFUSED)
@pytest.mark.parametrize("text", ["3", "", "nan"])
def test_a_string_is_refused_wherever_a_number_is_taken(where, text):
    # float("3") would accept it: every entry point checks for a real number first.
    x = Value(2.0, label="x")
    with pytest.raises(TypeError, match=re.escape(repr(text))):
        STRINGS_REFUSED[where](x, text)
    assert x.data == 2.0 and not x.grad_computed


@pytest.mark.parametrize("op", [op for op in autograd.OPS if op.param and op.methods],
                         ids=lambda op: op.name)
def test_a_parameter_is_passed_by_the_name_the_table_gives_it(op):
    # README: a.leaky_relu(slope=0.01); the signatures in autograd/methods.py say so too.
    x = Value(-1.5, label="x")
    method = getattr(x, op.methods[0])
    if isinstance(op.param[1], tuple):
        assert method(min=-1.0, max=2.0).data == method(-1.0, 2.0).data
    else:
        assert method(**{op.param[0]: 3.0}).data == method(3.0).data
        assert list(inspect.signature(method).parameters) == [op.param[0]]


def test_value_method_signatures_are_generated_from_the_table():
    from autograd import signatures

    assert signatures.PATH.read_text(encoding="utf-8") == signatures.source(), (
        "autograd/methods.py is stale: run python -m autograd.signatures --write"
    )


def test_every_method_the_table_installs_has_a_signature():
    import ast

    from autograd import methods

    tree = ast.parse(inspect.getsource(methods))
    declared = {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}
    installed = {name for name, f in vars(Value).items()
                 if getattr(f, "__module__", None) == "autograd.nodes"}
    assert declared == installed and len(installed) > 30
