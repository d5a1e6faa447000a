"""nn.serialize: exact round trip, every corruption case, atomic writes, no pickle."""

from __future__ import annotations

import json
import math
import os
import re
import struct

import pytest

import nn
import nn.serialize
from nn.serialize import ModelFileError

X_PROBE = [[0.1, -0.7], [2.5, 1e-3], [-3.0, 0.25]]


def bits(x: float) -> bytes:
    return struct.pack("<d", x)


def outputs(model):
    return [bits(model(x).data) for x in X_PROBE]


@pytest.fixture
def model():
    m = nn.MLP(2, [5, 4, 1], activation="relu", last_activation="tanh", seed=9)
    # Awkward floats on purpose: subnormal, huge, many digits, negative zero.
    m.layers[0].neurons[0].w[0].data = 5e-324
    m.layers[0].neurons[0].w[1].data = 1.7976931348623157e308 / 1e300
    m.layers[0].neurons[1].b.data = 0.1 + 0.2
    m.layers[0].neurons[2].b.data = -0.0
    return m


def test_round_trip_is_bit_identical(tmp_path, model):
    path = tmp_path / "model.json"
    nn.save(model, path)
    loaded = nn.load(path)
    assert type(loaded) is nn.MLP and loaded.config() == model.config()
    assert [bits(v) for v in loaded.state_dict().values()] == [
        bits(v) for v in model.state_dict().values()
    ]
    assert outputs(loaded) == outputs(model)


@pytest.mark.parametrize(
    "make",
    [lambda: nn.Neuron(3, activation="sigmoid", seed=1), lambda: nn.Layer(2, 3, "relu", seed=2)],
)
def test_neurons_and_layers_round_trip_too(tmp_path, make):
    m = make()
    nn.save(m, tmp_path / "m.json")
    loaded = nn.load(tmp_path / "m.json")
    assert type(loaded) is type(m) and loaded.state_dict() == m.state_dict()


def test_file_is_plain_json_with_format_version_and_architecture(tmp_path, model):
    nn.save(model, tmp_path / "m.json")
    doc = json.loads((tmp_path / "m.json").read_text())
    assert doc["format"] == "chainrule.nn" and doc["version"] == 1
    assert doc["architecture"] == {
        "type": "MLP",
        "nin": 2,
        "nouts": [5, 4, 1],
        "activation": "relu",
        "last_activation": "tanh",
    }
    assert list(doc["parameters"]) == [name for name, _ in model.named_parameters()]


def test_load_into_an_existing_model(tmp_path, model):
    nn.save(model, tmp_path / "m.json")
    other = nn.MLP(2, [5, 4, 1], activation="relu", last_activation="tanh", seed=0)
    assert nn.load(tmp_path / "m.json", model=other) is other
    assert outputs(other) == outputs(model)


def test_load_into_a_model_of_another_shape_changes_nothing(tmp_path, model):
    nn.save(model, tmp_path / "m.json")
    other = nn.MLP(2, [5, 1], seed=0)
    before = other.state_dict()
    with pytest.raises(ModelFileError, match="architecture"):
        nn.load(tmp_path / "m.json", model=other)
    assert other.state_dict() == before


def corrupt(doc: dict, case: str) -> str:
    params = doc["parameters"]
    first = next(iter(params))
    if case == "truncated":
        return json.dumps(doc)[:-40]
    if case == "not json":
        return "\x00\x01 model"
    if case == "a list":
        return "[1, 2]"
    if case == "wrong version":
        doc["version"] = 2
    elif case == "wrong format":
        doc["format"] = "keras"
    elif case == "missing top key":
        del doc["architecture"]
    elif case == "extra top key":
        doc["pickle"] = "no"
    elif case == "missing parameter":
        del params[first]
    elif case == "extra parameter":
        params["layers.9.neurons.0.b"] = 0.0
    elif case == "string number":
        params[first] = "0.5"
    elif case == "bool number":
        params[first] = True
    elif case == "nan":
        return json.dumps(doc).replace(repr(params[first]), "NaN", 1)
    elif case == "infinity":
        return json.dumps(doc).replace(repr(params[first]), "-Infinity", 1)
    elif case == "overflowing number":
        return json.dumps(doc).replace(repr(params[first]), "1e999", 1)
    elif case == "duplicate key":
        text = json.dumps(doc)
        return text.replace(f'"{first}":', f'"{first}": 0.0, "{first}":', 1)
    elif case == "unknown type":
        doc["architecture"]["type"] = "Transformer"
    elif case == "bad width":
        doc["architecture"]["nouts"] = [5, -4, 1]
    elif case == "unknown activation":
        doc["architecture"]["activation"] = "gelu"
    elif case == "extra architecture key":
        doc["architecture"]["seed"] = 3
    elif case == "parameters not an object":
        doc["parameters"] = [1.0, 2.0]
    return json.dumps(doc)


CASES = [
    ("truncated", "truncated or corrupt"),
    ("not json", "truncated or corrupt"),
    ("a list", "not a model object"),
    ("wrong version", "version 2"),
    ("wrong format", "'keras'"),
    ("missing top key", "missing keys ['architecture']"),
    ("extra top key", "extra keys ['pickle']"),
    ("missing parameter", "missing ['layers.0.neurons.0.w.0']"),
    ("extra parameter", "unexpected ['layers.9.neurons.0.b']"),
    ("string number", "must be a number"),
    ("bool number", "must be a number"),
    ("nan", "parameter 'layers.0.neurons.0.w.0' is nan"),
    ("infinity", "parameter 'layers.0.neurons.0.w.0' is -inf"),
    ("overflowing number", "parameter 'layers.0.neurons.0.w.0' is inf"),
    ("duplicate key", "its 'parameters' repeats the keys ['layers.0.neurons.0.w.0']"),
    ("unknown type", "'Transformer'"),
    ("bad width", "width"),
    ("unknown activation", "'gelu'"),
    ("extra architecture key", "not a complete MLP config"),
    ("parameters not an object", "'parameters' must be an object"),
]


@pytest.mark.parametrize(("case", "words"), CASES, ids=[c for c, _ in CASES])
def test_each_corruption_is_refused_and_the_model_is_unchanged(tmp_path, model, case, words):
    good = tmp_path / "good.json"
    nn.save(model, good)
    bad = tmp_path / "bad.json"
    bad.write_text(corrupt(json.loads(good.read_text()), case), encoding="utf-8")
    target = nn.MLP(2, [5, 4, 1], activation="relu", last_activation="tanh", seed=1)
    before = target.state_dict()
    with pytest.raises(ModelFileError) as info:
        nn.load(bad, model=target)
    assert words in str(info.value)
    assert str(bad) in str(info.value)
    assert target.state_dict() == before
    with pytest.raises(ModelFileError):
        nn.load(bad)


def test_binary_garbage_is_refused(tmp_path):
    path = tmp_path / "m.json"
    path.write_bytes(b"\x80\x04\x95 pickle bytes")
    with pytest.raises(ModelFileError, match="not UTF-8"):
        nn.load(path)


def test_missing_file_is_an_os_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        nn.load(tmp_path / "absent.json")


def test_failing_replace_leaves_the_old_file_and_no_temporary(tmp_path, model, monkeypatch):
    path = tmp_path / "m.json"
    nn.save(nn.MLP(2, [5, 4, 1], seed=0), path)
    old = path.read_bytes()

    def broken_replace(src, dst):
        raise OSError("disk unplugged")

    monkeypatch.setattr(nn.serialize.os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk unplugged"):
        nn.save(model, path)
    assert path.read_bytes() == old
    assert os.listdir(tmp_path) == ["m.json"]


def test_failing_write_leaves_the_old_file_and_no_temporary(tmp_path, model, monkeypatch):
    path = tmp_path / "m.json"
    nn.save(nn.MLP(2, [5, 4, 1], seed=0), path)
    old = path.read_bytes()

    def broken_fsync(fd):
        raise OSError("no space left")

    monkeypatch.setattr(nn.serialize.os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="no space left"):
        nn.save(model, path)
    assert path.read_bytes() == old
    assert os.listdir(tmp_path) == ["m.json"]


def test_non_finite_parameter_is_not_saved(tmp_path, model):
    path = tmp_path / "m.json"
    model.layers[1].neurons[2].b.data = math.inf
    with pytest.raises(ValueError, match=re.escape("'layers.1.neurons.2.b' is inf")):
        nn.save(model, path)
    assert os.listdir(tmp_path) == []


def test_custom_modules_are_refused_with_advice(tmp_path):
    class Custom(nn.Module):
        pass

    with pytest.raises(TypeError, match="state_dict"):
        nn.save(Custom(), tmp_path / "m.json")


def test_library_never_uses_pickle():
    source = open(nn.serialize.__file__, encoding="utf-8").read()
    assert "import pickle" not in source and "pickle.load" not in source
