"""nn.layers: Neuron, Layer, MLP: graph shape, shared inputs, initialization, activations."""

from __future__ import annotations

import math
import random

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import nn
from autograd import OPS_BY_NAME, Value

REL = 1e-12
DOT = OPS_BY_NAME["dot"]


def test_neuron_pre_activation_is_one_dot_plus_bias():
    n = nn.Neuron(3, activation="tanh", seed=0)
    x = [Value(1.0), Value(-2.0), Value(0.5)]
    out = n(x)
    assert out.op.name == "tanh"
    (z,) = out.parents
    assert z.op.name == "add"
    d, b = z.parents
    assert d.op is DOT and b is n.b
    assert d.parents == (*n.w, *x)


def test_neuron_value_matches_the_formula():
    n = nn.Neuron(2, activation="sigmoid", seed=3)
    x = [0.7, -1.3]
    z = n.w[0].data * x[0] + n.w[1].data * x[1] + n.b.data
    assert math.isclose(n(x).data, 1 / (1 + math.exp(-z)), rel_tol=REL)


@pytest.mark.parametrize("activation", nn.ACTIVATIONS)
def test_each_activation_matches_torch(activation):
    n = nn.Neuron(3, activation=activation, seed=1)
    x = [0.3, -0.9, 0.4]
    w = torch.tensor([p.data for p in n.w], dtype=torch.float64)
    z = w @ torch.tensor(x, dtype=torch.float64) + n.b.data
    act = {
        "tanh": torch.tanh,
        "relu": torch.relu,
        "sigmoid": torch.sigmoid,
        "leaky_relu": torch.nn.functional.leaky_relu,
        "linear": lambda t: t,
    }[activation]
    assert math.isclose(n(x).data, act(z).item(), rel_tol=REL, abs_tol=1e-15)


def test_first_layer_neurons_share_the_input_nodes():
    layer = nn.Layer(2, 4, seed=0)
    outs = layer([1.0, 2.0])
    inputs = {id(o.parents[0].parents[0].parents[2]) for o in outs}
    assert len(inputs) == 1
    x1 = outs[0].parents[0].parents[0].parents[2]
    assert x1.label == "x₁" and x1.data == 1.0 and not x1.is_constant


def test_mlp_wraps_plain_inputs_once_per_call():
    model = nn.MLP(2, [3, 1], seed=0)
    out = model([0.5, -0.5])
    first_layer_dots = [node for node in _nodes(out) if node.op is DOT and len(node.parents) == 4]
    assert len(first_layer_dots) == 3
    assert len({id(d.parents[2]) for d in first_layer_dots}) == 1


def _nodes(root):
    seen, stack = {}, [root]
    while stack:
        node = stack.pop()
        if id(node) not in seen:
            seen[id(node)] = node
            stack.extend(node.parents)
    return list(seen.values())


def test_a_numpy_array_is_an_input_like_a_list():
    import numpy as np

    model = nn.MLP(3, [4, 1], seed=0)
    x = [0.5, -1.0, 2.0]
    for arrays in (np.array(x), np.array(x, dtype=np.float32), [np.float64(v) for v in x]):
        assert model(arrays).data == model(x).data
    assert nn.Neuron(3, seed=1)(np.array(x)).data == nn.Neuron(3, seed=1)(x).data


def test_mlp_output_is_a_value_or_a_list():
    assert isinstance(nn.MLP(2, [4, 1], seed=0)([1.0, 2.0]), Value)
    outs = nn.MLP(2, [4, 3], seed=0)([1.0, 2.0])
    assert isinstance(outs, list) and len(outs) == 3


def test_width_one_hidden_layer_and_scalar_input_work():
    model = nn.MLP(1, [1, 2], seed=0)
    assert len(model(0.5)) == 2
    assert len(model([Value(0.5)])) == 2


def test_last_layer_is_linear_unless_asked():
    model = nn.MLP(2, [3, 1], activation="relu", seed=0)
    assert model([1.0, 1.0]).op.name == "add"
    squashed = nn.MLP(2, [3, 1], activation="relu", last_activation="sigmoid", seed=0)
    assert squashed([1.0, 1.0]).op.name == "sigmoid"
    assert model([1.0, 1.0]).parents[0].parents[3].op.name == "relu"  # dot: w₁…w₃, x₁…


def test_mlp_matches_torch_forward_and_backward():
    model = nn.MLP(3, [5, 4, 2], activation="tanh", seed=4)
    x = [0.2, -0.4, 0.9]
    torch_layers = []
    for layer in model.layers:
        w = torch.tensor([[p.data for p in n.w] for n in layer.neurons], dtype=torch.float64)
        b = torch.tensor([n.b.data for n in layer.neurons], dtype=torch.float64)
        torch_layers.append((w.requires_grad_(), b.requires_grad_()))
    h = torch.tensor(x, dtype=torch.float64)
    for i, (w, b) in enumerate(torch_layers):
        h = w @ h + b
        if i < len(torch_layers) - 1:
            h = torch.tanh(h)
    outs = model(x)
    (outs[0] * outs[1]).backward()
    (h[0] * h[1]).backward()
    assert all(math.isclose(o.data, t, rel_tol=REL) for o, t in zip(outs, h.tolist()))
    for layer, (w, b) in zip(model.layers, torch_layers):
        for n, wrow, bg in zip(layer.neurons, w.grad.tolist(), b.grad.tolist()):
            assert all(math.isclose(p.grad, g, rel_tol=1e-10) for p, g in zip(n.w, wrow))
            assert math.isclose(n.b.grad, bg, rel_tol=1e-10)


def test_initialization_is_reproducible_and_bounded_like_torch_linear():
    a, b, c = (nn.MLP(4, [8, 2], seed=s) for s in (7, 7, 8))
    assert a.state_dict() == b.state_dict() != c.state_dict()
    for layer in a.layers:
        bound = 1 / math.sqrt(len(layer.neurons[0].w))
        assert all(abs(p.data) <= bound for p in layer.parameters())


def test_seed_may_be_a_shared_random_generator():
    rng1, rng2 = random.Random(5), random.Random(5)
    assert nn.Layer(2, 3, seed=rng1).state_dict() == nn.Layer(2, 3, seed=rng2).state_dict()
    assert rng1.random() == rng2.random()


@pytest.mark.parametrize(
    ("make", "error", "words"),
    [
        (lambda: nn.MLP(2, [16, 1], activation="swish"), ValueError, "'swish'"),
        (lambda: nn.MLP(2, [16, 1], last_activation="softmax"), ValueError, "'softmax'"),
        (lambda: nn.MLP(0, [1]), ValueError, "nin"),
        (lambda: nn.MLP(2, []), ValueError, "nouts"),
        (lambda: nn.MLP(2, 3), ValueError, "nouts"),
        (lambda: nn.MLP(2, [4, 0]), ValueError, "width"),
        (lambda: nn.Neuron(2.5), ValueError, "nin"),
        (lambda: nn.Layer(2, True), ValueError, "nout"),
        (lambda: nn.MLP(2, [3, 1], seed=0)([1.0, 2.0, 3.0]), ValueError, "expects 2 inputs"),
        (lambda: nn.MLP(2, [3, 1], seed=0)([1.0, "a"]), TypeError, "'a'"),
    ],
)
def test_bad_arguments_are_refused(make, error, words):
    with pytest.raises(error) as info:
        make()
    assert words in str(info.value)


def test_layer_repr_is_compact():
    assert repr(nn.Layer(16, 8, activation="relu", seed=0)) == "Layer(16 → 8, activation='relu')"


CONFIGS = st.one_of(
    st.builds(lambda nin, act: (nn.Neuron, {"nin": nin, "activation": act}),
              st.integers(1, 6), st.sampled_from(nn.ACTIVATIONS)),
    st.builds(lambda nin, nout, act: (nn.Layer, {"nin": nin, "nout": nout, "activation": act}),
              st.integers(1, 6), st.integers(1, 6), st.sampled_from(nn.ACTIVATIONS)),
    st.builds(lambda nin, nouts, act, last: (nn.MLP, {"nin": nin, "nouts": nouts,
                                                      "activation": act,
                                                      "last_activation": last}),
              st.integers(1, 5), st.lists(st.integers(1, 5), min_size=1, max_size=3),
              st.sampled_from(nn.ACTIVATIONS), st.sampled_from(nn.ACTIVATIONS)),
)


@settings(max_examples=60, deadline=None)
@given(case=CONFIGS)
def test_parameter_count_from_a_config_equals_the_built_models(case):
    kind, config = case
    model = kind(**config, seed=0)
    assert model.config() == config
    assert kind.parameter_count(config) == len(model.parameters())


@pytest.mark.parametrize(
    ("kind", "config", "words"),
    [
        (nn.MLP, {"nin": 2, "nouts": [3], "activation": "tanh"}, "missing ['last_activation']"),
        (nn.MLP, {"nin": 2, "nouts": [3], "activation": "tanh", "last_activation": "linear",
                  "seed": 1}, "unknown ['seed']"),
        (nn.MLP, {"nin": 2, "nouts": [3, 0], "activation": "tanh", "last_activation": "linear"},
         "width"),
        (nn.Layer, {"nin": 2, "nout": True, "activation": "tanh"}, "nout"),
        (nn.Neuron, {"nin": 2, "activation": ["tanh"]}, "unknown activation"),
        (nn.Neuron, [("nin", 2)], "mapping"),
    ],
)
def test_parameter_count_checks_the_config_as_the_constructor_does(kind, config, words):
    with pytest.raises((TypeError, ValueError)) as info:
        kind.parameter_count(config)
    assert words in str(info.value), str(info.value)


def test_a_huge_config_is_counted_without_building_it():
    config = {"nin": 1, "nouts": [10**6, 10**6], "activation": "relu", "last_activation": "linear"}
    assert nn.MLP.parameter_count(config) == 2 * 10**6 + (10**6 + 1) * 10**6
