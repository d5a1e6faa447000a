"""nn.module: parameter discovery and names, zero_grad, state dicts, name scopes, repr."""

from __future__ import annotations

import math

import pytest

import nn
from autograd import Value, record_scopes


class Affine(nn.Module):
    def __init__(self):
        self.scale = Value(2.0)
        self.shift = Value(0.5)
        self._cache = Value(99.0)  # private: never a parameter

    def forward(self, x):
        return self.scale * x + self.shift


class Stack(nn.Module):
    def __init__(self):
        self.first = Affine()
        self.blocks = [Affine(), Affine()]
        self.gain = Value(1.0)

    def forward(self, x):
        x = self.first(x)
        for block in self.blocks:
            x = block(x)
        return self.gain * x


def test_nested_modules_and_lists_are_found_in_attribute_order():
    names = [name for name, _ in Stack().named_parameters()]
    assert names == [
        "first.scale",
        "first.shift",
        "blocks.0.scale",
        "blocks.0.shift",
        "blocks.1.scale",
        "blocks.1.shift",
        "gain",
    ]


def test_named_modules_lists_every_module_with_its_path():
    assert [name for name, _ in Stack().named_modules()] == ["", "first", "blocks.0", "blocks.1"]


def test_parameters_are_the_same_objects_as_named_parameters():
    m = Stack()
    assert m.parameters() == [p for _, p in m.named_parameters()]
    assert all(type(p) is Value for p in m.parameters())


def test_mlp_names_are_stable_dotted_paths():
    names = [name for name, _ in nn.MLP(2, [3, 1], seed=0).named_parameters()]
    assert names[:3] == ["layers.0.neurons.0.w.0", "layers.0.neurons.0.w.1", "layers.0.neurons.0.b"]
    assert names[-1] == "layers.1.neurons.0.b"
    assert len(names) == len(set(names)) == 3 * 3 + 4


def test_zero_grad_clears_every_parameter():
    m = Stack()
    m(3.0).backward()
    assert any(p.grad != 0.0 for p in m.parameters())
    m.zero_grad()
    assert all(p.grad == 0.0 for p in m.parameters())


def test_state_dict_round_trip_restores_outputs():
    a, b = nn.MLP(3, [4, 2], seed=1), nn.MLP(3, [4, 2], seed=2)
    x = [0.1, -0.2, 0.3]
    assert [v.data for v in a(x)] != [v.data for v in b(x)]
    result = b.load_state_dict(a.state_dict())
    assert result == nn.IncompatibleKeys([], [])
    assert [v.data for v in a(x)] == [v.data for v in b(x)]


def test_state_dict_is_a_copy_of_numbers():
    m = Affine()
    state = m.state_dict()
    state["scale"] = 5.0
    assert m.scale.data == 2.0


def snapshot(m):
    return [p.data for p in m.parameters()]


@pytest.mark.parametrize(
    ("state", "error", "words"),
    [
        ({"scale": 1.0}, KeyError, "missing ['shift']"),
        ({"scale": 1.0, "shift": 1.0, "bias": 0.0}, KeyError, "unexpected ['bias']"),
        ({"scale": 1.0, "shift": "0.5"}, TypeError, "'shift' must be a number"),
        ({"scale": 1.0, "shift": True}, TypeError, "'shift' must be a number"),
        ({"scale": 3.0, "shift": math.nan}, ValueError, "only finite"),
        ({"scale": 3.0, "shift": -math.inf}, ValueError, "only finite"),
        ([("scale", 1.0)], TypeError, "mapping"),
    ],
)
def test_load_state_dict_validates_before_changing_anything(state, error, words):
    m = Affine()
    before = snapshot(m)
    with pytest.raises(error) as info:
        m.load_state_dict(state)
    assert words in str(info.value)
    assert snapshot(m) == before


def test_load_state_dict_non_strict_loads_the_common_names():
    m = Affine()
    result = m.load_state_dict({"scale": 3, "extra": 1.0}, strict=False)
    assert result.missing_keys == ["shift"]
    assert result.unexpected_keys == ["extra"]
    assert snapshot(m) == [3.0, 0.5]
    assert type(m.scale.data) is float


def test_name_scopes_follow_the_parameter_paths():
    model = nn.MLP(2, [3, 1], seed=0)
    with record_scopes() as scopes:
        out = model([1.0, 2.0])
    assert scopes[out] == ("layers.1", "neurons.0")
    assert set(scopes.values()) == {
        *(("layers.0", f"neurons.{i}") for i in range(3)),
        ("layers.1", "neurons.0"),
    }


def test_no_scopes_are_recorded_outside_record_scopes():
    model = nn.MLP(2, [3, 1], seed=0)
    with record_scopes() as scopes:
        model([1.0, 2.0])
    recorded = len(scopes)
    model([1.0, 2.0])
    assert recorded == 3 * 3 + 2  # hidden: dot, add, tanh; output: dot, add
    assert len(scopes) == recorded


def test_forward_must_be_defined():
    with pytest.raises(NotImplementedError, match="Bare must define forward"):
        type("Bare", (nn.Module,), {})()(1.0)


def test_repr_shows_the_tree():
    text = repr(Stack())
    assert text.startswith("Stack(\n  (first): Affine()")
    assert "(blocks.1): Affine()" in text
    assert repr(nn.Neuron(3, activation="relu", seed=0)) == "Neuron(3, activation='relu')"
