"""Hostile input to nn: model files built to hurt, saves killed mid-write, bad numbers in fit.

Memory and kill cases run in child processes (a memory limit set with ``resource.setrlimit``
in the child, or a real SIGKILL), so a failure cannot take the test run down with it.
"""

from __future__ import annotations

import copy
import json
import math
import os
import pickle
import random
import re
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import nn
import nn.serialize
from nn.serialize import ModelFileError

ROOT = Path(nn.__file__).resolve().parent.parent
MEMORY_LIMIT = 512 * 2**20  # address space of a child that must refuse a memory bomb
CHILD_TIMEOUT = 60  # seconds before a hung child counts as a failure
MESSAGE_LIMIT = 1000  # characters an error about a hostile file may have
TEMPORARY = re.compile(r"^\.model\.json\.tmp-[0-9a-f]{8}$")  # what a killed save leaves
KILLS = 6  # SIGKILLs sent to children in the middle of saving
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def run_child(code: str, memory: int | None = MEMORY_LIMIT) -> dict:
    """Run ``code`` in a fresh Python under an address-space limit; it prints one JSON line."""
    preamble = textwrap.dedent(
        f"""
        import json, resource, sys
        if {memory!r} is not None:
            resource.setrlimit(resource.RLIMIT_AS, ({memory!r}, {memory!r}))
        """
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", preamble + textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT,
        env=env,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def model_file(architecture: dict, parameters: dict | None = None) -> str:
    return json.dumps(
        {
            "format": "chainrule.nn",
            "version": 1,
            "architecture": architecture,
            "parameters": {} if parameters is None else parameters,
        }
    )


LOAD_IN_CHILD = """
    import nn
    try:
        nn.load({path!r})
        result = {{"error": None}}
    except nn.ModelFileError as err:
        result = {{"error": "ModelFileError", "message": str(err)}}
    except BaseException as err:
        result = {{"error": type(err).__name__, "message": str(err)[:500]}}
    print(json.dumps(result))
"""


def test_memory_bomb_architecture_is_refused_before_building(tmp_path):
    bomb = tmp_path / "bomb.json"
    arch = {"type": "MLP", "nin": 1, "nouts": [100000, 100000], "activation": "relu",
            "last_activation": "linear"}
    bomb.write_text(model_file(arch))
    assert bomb.stat().st_size < 200
    result = run_child(LOAD_IN_CHILD.format(path=str(bomb)))
    assert result["error"] == "ModelFileError", result
    assert "10000300000 parameters but the file holds 0" in result["message"]


def test_dev_zero_is_refused_by_the_size_cap():
    result = run_child(LOAD_IN_CHILD.format(path="/dev/zero"))
    assert result["error"] == "ModelFileError", result
    assert "larger than max_bytes" in result["message"]


def test_a_file_over_max_bytes_is_refused_unless_the_cap_is_raised(tmp_path):
    path = tmp_path / "model.json"
    model = nn.MLP(2, [8, 1], seed=0)
    nn.save(model, path)
    size = path.stat().st_size
    with pytest.raises(ModelFileError, match=f"larger than max_bytes={size - 1}"):
        nn.load(path, max_bytes=size - 1)
    assert nn.load(path, max_bytes=size).state_dict() == model.state_dict()
    assert nn.load(path, max_bytes=None).state_dict() == model.state_dict()
    with pytest.raises(ValueError, match="max_bytes"):
        nn.load(path, max_bytes=0)


@pytest.mark.parametrize("where", ["top", "parameter", "architecture"])
def test_deeply_nested_json_is_a_model_file_error(tmp_path, where):
    deep = "[" * 100_000 + "]" * 100_000
    text = {
        "top": deep,
        "parameter": model_file({"type": "Neuron", "nin": 1, "activation": "tanh"},
                                {"w.0": 0.5, "b": 0.0}).replace("0.5", deep),
        "architecture": model_file({"type": "Neuron", "nin": 1, "activation": "tanh"}
                                   ).replace('"tanh"', deep),
    }[where]
    path = tmp_path / "deep.json"
    path.write_text(text)
    with pytest.raises(ModelFileError, match="nests JSON arrays and objects more than 32 levels"):
        nn.load(path)


def test_brackets_inside_strings_do_not_count_as_nesting(tmp_path):
    path = tmp_path / "m.json"
    path.write_text(model_file({"type": "Neuron", "nin": 1, "activation": "[[[{" * 50},
                               {"w.0": 0.5, "b": 0.0}))
    with pytest.raises(ModelFileError, match="unknown activation"):
        nn.load(path)


@pytest.mark.parametrize("kind", [["MLP"], {"MLP": 1}, 3, None, True, "Sequential"])
def test_an_odd_architecture_type_is_a_model_file_error(tmp_path, kind):
    path = tmp_path / "m.json"
    path.write_text(model_file({"type": kind, "nin": 1, "activation": "tanh"}))
    with pytest.raises(ModelFileError, match="'type' is one of"):
        nn.load(path)


HUGE = "x" * 10**7
HOSTILE_FILES = {
    "long format": lambda: json.dumps({"format": HUGE, "version": 1, "architecture": {},
                                       "parameters": {}}),
    "long version": lambda: json.dumps({"format": "chainrule.nn", "version": HUGE,
                                        "architecture": {}, "parameters": {}}),
    "long extra keys": lambda: json.dumps({f"{HUGE[:10**5]}{i}": 0 for i in range(100)}),
    "long architecture": lambda: model_file({"type": HUGE}),
    "long activation": lambda: model_file({"type": "Neuron", "nin": 1, "activation": HUGE}),
    "long width list": lambda: model_file({"type": "MLP", "nin": 1, "nouts": [0] * 10**6,
                                           "activation": "tanh", "last_activation": "linear"}),
    "huge width": lambda: model_file({"type": "MLP", "nin": 1, "nouts": [10**4000],
                                      "activation": "tanh", "last_activation": "linear"}),
    "long parameter name": lambda: model_file(
        {"type": "Neuron", "nin": 1, "activation": "tanh"}, {HUGE: 0.0, "b": 0.0}),
    "many wrong names": lambda: model_file(
        {"type": "Layer", "nin": 99, "nout": 1000, "activation": "tanh"},
        {f"p{i}": 0.0 for i in range(100_000)}),
    "long string value": lambda: model_file(
        {"type": "Neuron", "nin": 1, "activation": "tanh"}, {"w.0": HUGE, "b": 0.0}),
    "long duplicate keys": lambda: '{"' + HUGE + '": 1, "' + HUGE + '": 2}',
    "digits past the limit": lambda: model_file(
        {"type": "Neuron", "nin": 1, "activation": "tanh"}, {"w.0": 0.0, "b": 0.0}
    ).replace('"w.0": 0.0', '"w.0": ' + "9" * 5000),
}


@pytest.mark.parametrize("case", list(HOSTILE_FILES))
def test_errors_quote_a_hostile_file_briefly(tmp_path, case):
    path = tmp_path / "m.json"
    path.write_text(HOSTILE_FILES[case]())
    with pytest.raises(ModelFileError) as info:
        nn.load(path)
    assert len(str(info.value)) < MESSAGE_LIMIT, str(info.value)[:MESSAGE_LIMIT]
    target = nn.Neuron(1, seed=0)
    before = target.state_dict()
    with pytest.raises(ModelFileError) as info:
        nn.load(path, model=target)
    assert len(str(info.value)) < MESSAGE_LIMIT, str(info.value)[:MESSAGE_LIMIT]
    assert target.state_dict() == before


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner,
                                                                 max_size=4),
    max_leaves=20,
)
GOOD = json.loads(model_file({"type": "MLP", "nin": 2, "nouts": [2, 1], "activation": "tanh",
                              "last_activation": "linear"},
                             nn.MLP(2, [2, 1], seed=0).state_dict()))


def paths(doc, prefix=()):
    """Every (path, value) inside a JSON document, the document itself first."""
    yield prefix, doc
    items = doc.items() if isinstance(doc, dict) else enumerate(doc) if isinstance(
        doc, list) else ()
    for key, value in items:
        yield from paths(value, (*prefix, key))


def replaced(doc, path, value):
    if not path:
        return value
    doc = copy.deepcopy(doc)
    node = doc
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return doc


@FAST
@given(doc=JSON)
def test_any_json_document_loads_or_is_a_model_file_error(tmp_path_factory, doc):
    path = tmp_path_factory.mktemp("json") / "m.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(ModelFileError) as info:
        nn.load(path)
    assert len(str(info.value)) < MESSAGE_LIMIT


@FAST
@given(data=st.data())
def test_any_part_of_a_good_file_replaced_loads_or_is_a_model_file_error(tmp_path_factory, data):
    where = data.draw(st.sampled_from([p for p, _ in paths(GOOD)]), label="path")
    doc = replaced(GOOD, where, data.draw(JSON, label="value"))
    path = tmp_path_factory.mktemp("json") / "m.json"
    path.write_text(json.dumps(doc))
    try:
        loaded = nn.load(path)
    except ModelFileError as err:
        assert len(str(err)) < MESSAGE_LIMIT
    else:  # the replacement happened to be valid: then it is exactly what was loaded
        assert loaded.state_dict() == {k: float(v) for k, v in doc["parameters"].items()}


@FAST
@given(numbers=st.lists(st.floats(allow_nan=False, allow_infinity=False), min_size=3,
                        max_size=3))
def test_any_finite_float_round_trips_bit_for_bit(tmp_path_factory, numbers):
    model = nn.Neuron(2, seed=0)
    model.load_state_dict(dict(zip(["w.0", "w.1", "b"], numbers)))
    path = tmp_path_factory.mktemp("floats") / "m.json"
    nn.save(model, path)
    loaded = nn.load(path).state_dict()
    assert [math.copysign(1, v) for v in loaded.values()] == [math.copysign(1, v)
                                                              for v in numbers]
    assert list(loaded.values()) == numbers


FILE_NAMES = st.text(
    st.characters(blacklist_categories=["Cs"], blacklist_characters="/\x00"), min_size=1,
    max_size=255,
).filter(lambda s: s not in (".", "..") and len(s.encode()) <= 255)  # ext4's limit, in bytes


@FAST
@given(name=FILE_NAMES)
def test_any_file_name_round_trips(tmp_path_factory, name):
    directory = tmp_path_factory.mktemp("names")
    model = nn.MLP(1, [2, 1], seed=0)
    nn.save(model, directory / name)
    assert os.listdir(directory) == [name]
    assert nn.load(directory / name).state_dict() == model.state_dict()


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_save_respects_the_umask(tmp_path, umask):
    old = os.umask(umask)
    try:
        nn.save(nn.Neuron(1, seed=0), tmp_path / "model.json")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "model.json").stat().st_mode) == 0o666 & ~umask


def test_save_keeps_an_existing_files_permissions(tmp_path):
    path = tmp_path / "model.json"
    nn.save(nn.Neuron(1, seed=0), path)
    path.chmod(0o640)
    nn.save(nn.Neuron(1, seed=1), path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


@pytest.mark.parametrize("path", ["", "sub", "sub/", "."])
def test_save_to_a_non_file_path_fails_before_creating_anything(tmp_path, monkeypatch, path):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    with pytest.raises(IsADirectoryError, match="not a file path"):
        nn.save(nn.Neuron(1, seed=0), path)
    assert sorted(os.listdir(tmp_path)) == ["sub"] and os.listdir(tmp_path / "sub") == []


@pytest.mark.parametrize("failure", ["fsync", "fchmod", "replace", "write"])
@pytest.mark.parametrize("error", [OSError("disk gone"), KeyboardInterrupt()])
def test_an_interrupted_save_leaves_the_old_file_and_no_temporary(
    tmp_path, monkeypatch, failure, error
):
    path = tmp_path / "model.json"
    nn.save(nn.MLP(2, [3, 1], seed=0), path)
    path.chmod(0o644)  # an existing file: save copies its mode with fchmod
    old = path.read_bytes()

    def broken(*args, **kwargs):
        raise error

    if failure == "write":
        fdopen = os.fdopen
        monkeypatch.setattr(nn.serialize.os, "fdopen",
                            lambda *a, **k: HalfWritten(fdopen(*a, **k), error))
    else:
        monkeypatch.setattr(nn.serialize.os, failure, broken)
    with pytest.raises(type(error)):
        nn.save(nn.MLP(2, [3, 1], seed=1), path)
    assert path.read_bytes() == old
    assert os.listdir(tmp_path) == ["model.json"]


class HalfWritten:
    """A file whose write stops half-way with ``error`` (a full disk, a Ctrl-C)."""

    def __init__(self, file, error):
        self.file, self.error = file, error

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.file.close()

    def __getattr__(self, name):
        return getattr(self.file, name)

    def write(self, text):
        self.file.write(text[: len(text) // 2])
        raise self.error


def test_temporary_files_are_named_after_the_target(tmp_path, monkeypatch):
    seen = []
    replace = os.replace

    def spy(src, dst):
        seen.append(os.path.basename(src))
        replace(src, dst)

    monkeypatch.setattr(nn.serialize.os, "replace", spy)
    nn.save(nn.Neuron(1, seed=0), tmp_path / "model.json")
    assert len(seen) == 1 and TEMPORARY.match(seen[0]), seen


SAVER = """
    import json, sys
    import nn
    path, which = sys.argv[1], 0
    models = [nn.MLP(2, [90, 90, 1], seed=s) for s in (0, 1)]
    nn.save(models[0], path)
    print(json.dumps("ready"), flush=True)
    while True:
        which = 1 - which
        nn.save(models[which], path)
"""


def test_sigkill_during_save_leaves_a_whole_old_or_new_file(tmp_path):
    path = tmp_path / "model.json"
    states = [nn.MLP(2, [90, 90, 1], seed=s).state_dict() for s in (0, 1)]
    rng = random.Random(0)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for _ in range(KILLS):
        child = subprocess.Popen(
            [sys.executable, "-c", textwrap.dedent(SAVER), str(path)],
            stdout=subprocess.PIPE, env=env, text=True,
        )
        try:
            assert child.stdout.readline().strip() == '"ready"'
            time.sleep(rng.uniform(0.0, 0.3))
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait(CHILD_TIMEOUT)
            child.stdout.close()
        assert nn.load(path).state_dict() in states
        leftovers = [name for name in os.listdir(tmp_path) if name != "model.json"]
        assert all(TEMPORARY.match(name) for name in leftovers), leftovers


def test_an_mlp_pickles_in_memory_and_computes_the_same():
    model = nn.MLP(3, [4, 4, 2], activation="tanh", last_activation="sigmoid", seed=0)
    X, y = nn.make_blobs(20, centers=2, seed=0)
    X = [[*x, 0.5] for x in X]
    nn.fit(model, X, y, nn.cross_entropy, nn.SGD(model.parameters(), lr=0.1), 2, progress=False)
    for twin in (pickle.loads(pickle.dumps(model)), copy.deepcopy(model)):
        assert twin.state_dict() == model.state_dict() and twin.config() == model.config()
        assert [twin(x)[1].data for x in X] == [model(x)[1].data for x in X]
        assert all(a is not b for a, b in zip(twin.parameters(), model.parameters()))


# ----------------------------------------------------------------------------- fit and nan

def regression(n=8, seed=0):
    rng = random.Random(seed)
    X = [[rng.uniform(-1, 1), rng.uniform(-1, 1)] for _ in range(n)]
    return X, [x[0] - 2 * x[1] for x in X]


@pytest.mark.parametrize("compile", [False, True])
@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_nan_in_the_data_is_refused_before_any_weight_moves(compile, bad):
    X, y = regression()
    X[3][1] = bad
    model = nn.MLP(2, [4, 1], activation="relu", seed=0)
    before = model.state_dict()
    with pytest.raises(ValueError, match=f"sample 3 holds {bad!r} at input 1"):
        nn.fit(model, X, y, nn.mse_loss, nn.SGD(model.parameters(), lr=0.1), 2,
               progress=False, compile=compile)
    X[3][1], y[5] = 0.0, bad
    with pytest.raises(ValueError, match=f"target 5 holds {bad!r}"):
        nn.fit(model, X, y, nn.mse_loss, nn.SGD(model.parameters(), lr=0.1), 2,
               progress=False, compile=compile)
    assert model.state_dict() == before


def first_bad_epoch(model, X, y, lr, epochs):
    """Full-batch SGD by hand: the epoch of the first loss, gradient or parameter that is not
    finite, or of the engine's refusal to overflow (the oracle for fit's stop)."""
    params = model.parameters()
    for epoch in range(1, epochs + 1):
        model.zero_grad()
        try:
            loss = nn.mse_loss([model(x) for x in X], y)
            loss.backward()
        except ArithmeticError:
            return epoch
        if not all(math.isfinite(v) for v in [loss.data, *(p.grad for p in params)]):
            return epoch
        for p in params:
            p.data -= lr * p.grad
        if not all(math.isfinite(p.data) for p in params):
            return epoch
    return None


@pytest.mark.parametrize("compile", [False, True])
def test_a_diverging_run_stops_where_the_numbers_stop_being_finite(compile):
    X, y = regression()
    lr = 1e30
    expected = first_bad_epoch(nn.MLP(2, [3, 1], activation="linear", seed=0), X, y, lr, 50)
    assert expected is not None and expected > 1
    model = nn.MLP(2, [3, 1], activation="linear", seed=0)
    with pytest.raises(nn.checks.NonFiniteError) as info:
        nn.fit(model, X, y, nn.mse_loss, nn.SGD(model.parameters(), lr=lr), 50,
               progress=False, compile=compile)
    err = pickle.loads(pickle.dumps(info.value))  # whole, as from a worker process
    assert (err.epoch, err.batch) == (expected, 1), str(err)
    assert f"at epoch {expected}, batch 1" in str(err) and "on_nonfinite='ignore'" in str(err)
    assert len(err.history["loss"]) == expected - 1
    assert all(math.isfinite(p.data) for p in model.parameters())


@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")  # numpy's, on purpose
@pytest.mark.parametrize("compile", [False, True])
def test_a_step_that_makes_a_parameter_infinite_names_it(compile):
    model = nn.Neuron(1, activation="linear", seed=0)
    model.load_state_dict({"w.0": 1.0, "b": 0.0})
    with pytest.raises(nn.checks.NonFiniteError) as info:
        nn.fit(model, [[10.0]], [0.0], nn.mse_loss, nn.SGD(model.parameters(), lr=1e307), 3,
               progress=False, compile=compile)
    first = next(name for name, p in model.named_parameters() if not math.isfinite(p.data))
    assert first == "w.0" and (info.value.epoch, info.value.batch) == (1, 1)
    assert f"parameter {first!r} became -inf in the optimizer step at epoch 1, batch 1" in str(
        info.value)


def exp_loss(outputs, targets):
    """A loss that is finite while its gradient overflows: e^z at z = 709."""
    return outputs[0].exp()


def test_a_nonfinite_gradient_stops_before_the_step_and_names_the_parameter():
    model = nn.Neuron(1, activation="linear", seed=0)
    model.load_state_dict({"w.0": 70.9, "b": 0.0})
    before = model.state_dict()
    with pytest.raises(nn.checks.NonFiniteError) as info:
        nn.fit(model, [[10.0]], [0.0], exp_loss, nn.SGD(model.parameters(), lr=0.1), 3,
               progress=False)
    assert "the gradient of parameter 'w.0' is inf at epoch 1, batch 1" in str(info.value)
    assert model.state_dict() == before


def test_on_nonfinite_ignore_trains_on_as_asked():
    X, y = regression()
    X[2][0] = math.nan
    model = nn.MLP(2, [3, 1], activation="relu", seed=0)
    history = nn.fit(model, X, y, nn.mse_loss, nn.SGD(model.parameters(), lr=0.1), 2,
                     progress=False, on_nonfinite="ignore")
    assert len(history["loss"]) == 2 and all(math.isnan(v) for v in history["loss"])
    with pytest.raises(ValueError, match="on_nonfinite must be one of"):
        nn.fit(model, X, y, nn.mse_loss, nn.SGD(model.parameters(), lr=0.1), 2,
               progress=False, on_nonfinite="warn")


@pytest.mark.parametrize("compile", [False, True])
def test_one_nan_feature_is_never_reported_as_a_perfect_run(compile):
    # The reported case: hinge loss, relu, one nan feature gave loss [0.76, 0.0, 0.0].
    X, y = nn.make_moons(17, noise=0.1, seed=0)
    X[4][1] = math.nan

    def run(**kwargs):
        model = nn.MLP(2, [4, 1], activation="relu", seed=0)
        opt = nn.SGD(model.parameters(), lr=0.1)
        return nn.fit(model, X, y, nn.hinge_loss, opt, 3, progress=False, compile=compile,
                      **kwargs)

    with pytest.raises(ValueError, match="sample 4 holds nan at input 1"):
        run()
    assert all(math.isnan(v) for v in run(on_nonfinite="ignore")["loss"])


np = pytest.importorskip("numpy")
X_GOOD, Y_GOOD = [[0.5, -1.0], [1.0, 2.0], [-0.5, 0.0]], [1, -1, 1]
BAD_FIT_INPUTS = {
    "nan input": ([[0.5, math.nan], *X_GOOD[1:]], Y_GOOD, None),
    "bool input": ([[True, 0.0], *X_GOOD[1:]], Y_GOOD, None),
    "string input": ([[0.5, "1"], *X_GOOD[1:]], Y_GOOD, None),
    "string sample": (["ab", *X_GOOD[1:]], Y_GOOD, None),
    "ragged samples": ([[0.5], *X_GOOD[1:]], Y_GOOD, None),
    "model's width": ([[0.5, 1.0, 2.0]] * 3, Y_GOOD, None),
    "huge int": ([[10**400, 0.0], *X_GOOD[1:]], Y_GOOD, None),
    "huge int target": (X_GOOD, [1, 10**400, 1], None),
    "validation huge int target": (X_GOOD, Y_GOOD, ([[0.5, 1.0]], [-(10**400)])),
    "complex target": (X_GOOD, [1, 1j, 1], None),
    "probabilities as targets": (X_GOOD, [[0.5, 0.5], 1, -1], None),
    "bad label": (X_GOOD, [1, 0, 1], None),
    "nan label": (X_GOOD, [1, math.nan, 1], None),
    "fewer targets": (X_GOOD, Y_GOOD[:2], None),
    "no samples": ([], [], None),
    "validation width": (X_GOOD, Y_GOOD, ([[0.5]], [1])),
    "validation nan": (X_GOOD, Y_GOOD, ([[0.5, math.inf]], [1])),
    "validation label": (X_GOOD, Y_GOOD, ([[0.5, 1.0]], [2])),
    "validation empty": (X_GOOD, Y_GOOD, ([], [])),
    "validation not a pair": (X_GOOD, Y_GOOD, [X_GOOD]),
}


def fit_error(X, y, validation, compile):
    model = nn.MLP(2, [3, 1], seed=0)
    before = model.state_dict()
    with pytest.raises((TypeError, ValueError)) as info:
        nn.fit(model, X, y, nn.hinge_loss, nn.SGD(model.parameters(), lr=0.5), 3,
               validation=validation, progress=False, compile=compile)
    assert model.state_dict() == before
    return info.value


@pytest.mark.parametrize("case", list(BAD_FIT_INPUTS))
def test_both_modes_refuse_the_same_inputs_the_same_way_before_training(case):
    eager, compiled = (fit_error(*BAD_FIT_INPUTS[case], compile) for compile in (False, True))
    assert type(eager) is type(compiled)
    assert str(eager) == str(compiled)


@pytest.mark.parametrize("compile", [False, True])
def test_numpy_arrays_train_exactly_like_lists(compile):
    X, y = nn.make_moons(30, noise=0.1, seed=3)
    runs = []
    for data in ((X, y), (np.array(X), np.array(y))):
        model = nn.MLP(2, [4, 1], seed=0)
        history = nn.fit(model, *data, nn.hinge_loss, nn.SGD(model.parameters(), lr=0.3), 3,
                         batch_size=8, seed=1, validation=data, progress=False, compile=compile)
        runs.append((history, model.state_dict()))
    assert runs[0] == runs[1]


def test_every_guarantee_in_the_readme_names_a_test_that_exists():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Guarantees", 1)[1].split("\n## ", 1)[0]
    named = set(re.findall(r"`(test_\w+)`", section))
    defined = {
        name
        for path in (ROOT / "tests").glob("test_*.py")
        for name in re.findall(r"^def (test_\w+)\(", path.read_text(encoding="utf-8"), re.M)
    }
    assert len(named) >= 15 and named <= defined, sorted(named - defined)
