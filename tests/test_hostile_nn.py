"""Hostile input to nn, round 3: model files shaped to be slow, interrupted training steps,
long file names, and inputs that eager and compiled ``fit`` must refuse alike.

Timing cases run in a child process with a timeout, so a regression to quadratic time fails
the test instead of hanging the run; they compare the times of two sizes, never a clock.
"""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nn
import nn.safejson
from nn.serialize import ModelFileError

ROOT = Path(nn.__file__).resolve().parent.parent
CHILD_TIMEOUT = 120  # seconds; the quadratic nesting check took ~an hour on 1 MB
MESSAGE_LIMIT = 1000  # characters an error about a hostile file may have
SMALL, GROWTH = 96_000, 16  # bytes of the smaller hostile file, and how much larger the other is
LINEAR_SLACK = 3.0  # a load may take this many times GROWTH longer on the larger file
REPEATS = 5  # each load is timed this often, and the fastest run counts


def model_file(architecture: dict | None = None, parameters: dict | None = None) -> str:
    return json.dumps({
        "format": "chainrule.nn",
        "version": 1,
        "architecture": architecture or {"type": "Neuron", "nin": 1, "activation": "tanh"},
        "parameters": {"w.0": 0.5, "b": 0.0} if parameters is None else parameters,
    })


GOOD = model_file()
MLP1 = {"type": "MLP", "nin": 1, "nouts": [1], "activation": "tanh", "last_activation": "linear"}


def edit(old: str, new: str, base: str = GOOD) -> str:
    assert old in base
    return base.replace(old, new, 1)


def padded(text: str, size: int) -> str:
    """``text`` grown to ``size`` bytes with trailing spaces (JSON whitespace)."""
    return text + " " * max(0, size - len(text))


# Each shape makes a file of about ``size`` bytes, and names what its refusal must say.
HOSTILE: dict[str, tuple[Callable[[int], str], str]] = {
    # the reported one: a string of escaped quotes, never closed
    "escaped quotes": (lambda n: '"' + '\\"' * (n // 2), "Unterminated string"),
    "escaped quotes in a name": (lambda n: edit('"w.0"', '"' + '\\"' * (n // 2) + '"'),
                                 "unexpected ['\"\"\""),
    "escaped quotes as the format": (
        lambda n: edit('"chainrule.nn"', '"' + '\\"' * (n // 2) + '"'), "has format '\"\"\""),
    "backslashes": (lambda n: '"' + "\\" * n, "Unterminated string"),
    "quotes": (lambda n: '"' * n, "Extra data"),
    "nested arrays": (lambda n: "[" * (n // 2) + "]" * (n // 2), "more than 32 levels deep"),
    "nested objects": (lambda n: '{"a":' * (n // 6) + "1" + "}" * (n // 6),
                       "more than 32 levels deep"),
    "arrays never closed": (lambda n: "[" * n, "more than 32 levels deep"),
    "nesting as a parameter": (lambda n: edit("0.5", "[" * (n // 2) + "]" * (n // 2)),
                               "more than 32 levels deep"),
    "nesting at the limit, repeated": (
        lambda n: "[" + ("[" * 31 + "]" * 31 + ",") * (n // 63) + "[]]", "holds a list"),
    "a long activation": (lambda n: edit('"tanh"', '"' + "x" * n + '"'),
                          "unknown activation 'xxx"),
    "a long parameter name": (lambda n: edit('"w.0"', '"' + "x" * n + '"'),
                              "missing ['w.0'], unexpected ['xxx"),
    "many parameter names": (
        lambda n: model_file({"type": "Layer", "nin": 1, "nout": n // 24, "activation": "tanh"},
                             {f"p{i}": 0.0 for i in range(n // 24 * 2)}),
        "unexpected ['p0', 'p1'"),
    "many architecture keys": (
        lambda n: model_file({"type": "Neuron", "nin": 1, "activation": "tanh",
                              **{f"k{i}": 0 for i in range(n // 10)}}), "unknown ['k0', 'k1'"),
    "an integer of many digits": (lambda n: edit("0.5", "9" * n),
                                  "parameter 'w.0' is an integer of"),
    "an exponent of many digits": (lambda n: edit("0.5", "1e" + "9" * n),
                                   "parameter 'w.0' is inf"),
    "a width of many digits": (lambda n: edit("[1]", "[" + "9" * n + "]", model_file(MLP1)),
                               "each layer width in nouts must be a positive whole number, "
                               "got an integer of"),
    "a negative nin of many digits": (lambda n: edit('"nin": 1', '"nin": -' + "9" * n),
                                      "nin must be a positive whole number, got an integer of"),
    "NaN as a parameter": (lambda n: padded(edit("0.5", "NaN"), n), "parameter 'w.0' is nan"),
    "Infinity as the version": (lambda n: padded(edit('"version": 1', '"version": Infinity'), n),
                                "has format version inf"),
    "-Infinity as nin": (lambda n: padded(edit('"nin": 1', '"nin": -Infinity'), n),
                         "nin must be a positive whole number, got -inf"),
    "a parameter twice": (lambda n: padded(edit('"w.0": 0.5', '"w.0": 0.5, "w.0": 0.5'), n),
                          "its 'parameters' repeats the keys ['w.0']"),
    "a top-level key twice": (lambda n: padded(GOOD[:-1] + ', "format": "x"}', n),
                              "the file repeats the keys ['format']"),
    "an architecture key twice": (lambda n: padded(edit('"nin": 1', '"nin": 1, "nin": 2'), n),
                                  "its 'architecture' repeats the keys ['nin']"),
    "one key many times": (lambda n: "{" + ", ".join(['"a": 1'] * (n // 8)) + "}",
                           "the file repeats the keys ['a']"),
    "two byte order marks": (lambda n: padded("\ufeff\ufeff" + GOOD, n), "corrupt JSON"),
    "a byte order mark in a name": (lambda n: padded(edit('"w.0"', '"\ufeffw.0"'), n),
                                    "unexpected ['\\ufeffw.0']"),
    "a lone surrogate as the format": (lambda n: padded(edit('"chainrule.nn"', '"\\ud800"'), n),
                                       "has format '\\ud800'"),
    "a lone surrogate as a name": (lambda n: padded(edit('"w.0"', '"\\udfff"'), n),
                                   "unexpected ['\\udfff']"),
    "a lone surrogate in a long activation": (
        lambda n: edit('"tanh"', '"\\ud83d' + "x" * n + '"'), "unknown activation '\\ud83dxxx"),
    "NUL bytes": (lambda n: "\x00" * n, "corrupt JSON"),
    "a NUL in a name": (lambda n: padded(edit('"w.0"', '"w\\u0000.0"'), n),
                        "unexpected ['w\\x00.0']"),
    "parameters as a list": (lambda n: model_file(parameters=[0.0] * (n // 5)),
                             "'parameters' must be an object"),
    "a long string as a parameter": (
        lambda n: model_file(parameters={"w.0": "x" * n, "b": 0.0}),
        "parameter 'w.0' must be a number, got 'xxx"),
    "an object as a parameter": (
        lambda n: model_file(parameters={"w.0": {"a": [1] * (n // 3)}, "b": 0.0}),
        "parameter 'w.0' must be a number, got {'a': [1, 1"),
    "truncated, then spaces": (lambda n: padded(GOOD[:-3], n), "corrupt JSON"),
    "the type as a long list": (lambda n: model_file({"type": ["MLP"] * (n // 7)}),
                                "'type' is one of"),
}


@pytest.mark.parametrize("shape", list(HOSTILE))
def test_every_hostile_model_file_is_refused_by_name_and_changes_nothing(tmp_path, shape):
    make, words = HOSTILE[shape]
    path = tmp_path / "m.json"
    path.write_text(make(SMALL), encoding="utf-8")
    model = nn.Neuron(1, seed=0)
    before = model.state_dict()
    messages = []
    for target in (None, model):
        with pytest.raises(ModelFileError) as info:
            nn.load(path, model=target)
        messages.append(str(info.value))
    assert words in messages[0], messages[0][:MESSAGE_LIMIT]
    assert all(len(m) < MESSAGE_LIMIT and m.encode("utf-8") for m in messages)
    assert model.state_dict() == before


TIME_LOADS = """
    import json, sys, time
    import nn
    times = {}
    for path in json.load(sys.stdin):
        best = float("inf")
        for _ in range(int(sys.argv[1])):
            start = time.process_time()
            try:
                nn.load(path)
            except nn.ModelFileError:
                pass
            best = min(best, time.process_time() - start)
        times[path] = best
    print(json.dumps(times))
"""


def test_load_is_linear_in_the_file_size_for_every_hostile_shape(tmp_path):
    # A valid model too: reading it, building it and setting its weights are linear as well.
    shapes = {**{name: make for name, (make, _) in HOSTILE.items()},
              "a valid model": lambda n: model_file(
                  {**MLP1, "nouts": [n // 60, 1]},
                  nn.MLP(1, [n // 60, 1], seed=0).state_dict())}
    paths = {}
    for i, (name, make) in enumerate(shapes.items()):
        for size in (SMALL, SMALL * GROWTH):
            path = tmp_path / f"{i}-{size}.json"
            path.write_text(make(size), encoding="utf-8")
            paths[name, size] = str(path)
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(TIME_LOADS), str(REPEATS)], input=json.dumps(list(
            paths.values())), capture_output=True, text=True, timeout=CHILD_TIMEOUT,
        env={**os.environ, "PYTHONPATH": str(ROOT)}, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    times = json.loads(done.stdout)
    slow = {}
    for name in shapes:
        small, large = times[paths[name, SMALL]], times[paths[name, SMALL * GROWTH]]
        growth = os.path.getsize(paths[name, SMALL * GROWTH]) / os.path.getsize(
            paths[name, SMALL])
        if large > LINEAR_SLACK * growth * max(small, 1e-4):
            slow[name] = (small, large)
    assert not slow, f"these loads grow faster than the file: {slow}"


def parser_depth(text: str) -> tuple[int, bool]:
    """How deep a JSON parser nests reading ``text`` up to where it must stop (a closer
    with nothing open, a backslash outside a string), and whether there is such a place."""
    depth = deepest = 0
    in_string = escaped = False
    for c in text:
        if in_string:
            if escaped:
                escaped = False
            elif c == "\\":
                escaped = True
            elif c == '"':
                in_string = False
        elif c == '"':
            in_string = True
        elif c == "\\":
            return deepest, True
        elif c in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif c in "]}":
            if not depth:
                return deepest, True
            depth -= 1
    return deepest, False


SMALL_DEPTH = 3  # the limit while the nesting check is compared with the parser


@settings(max_examples=3000, deadline=None)
@given(text=st.text(alphabet='[]{}"\\a', max_size=40))
def test_the_nesting_check_sees_what_the_parser_would(text):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(nn.safejson, "MAX_DEPTH", SMALL_DEPTH)
        refused = nn.safejson.too_deep(text.encode())
    depth, stops = parser_depth(text)
    if depth > SMALL_DEPTH:  # never lets the parser go deeper than the limit
        assert refused
    if not stops:  # and exactly the limit on any text the parser reads to its end
        assert refused == (depth > SMALL_DEPTH)


def test_a_byte_order_mark_is_skipped_and_utf16_is_named(tmp_path):
    model = nn.MLP(2, [3, 1], seed=0)
    nn.save(model, tmp_path / "m.json")
    text = (tmp_path / "m.json").read_text(encoding="utf-8")
    (tmp_path / "bom.json").write_bytes(b"\xef\xbb\xbf" + text.encode())
    assert nn.load(tmp_path / "bom.json").state_dict() == model.state_dict()
    (tmp_path / "utf16.json").write_text(text, encoding="utf-16")
    with pytest.raises(ModelFileError, match="UTF-16 does: save it as UTF-8"):
        nn.load(tmp_path / "utf16.json")


# ----------------------------------------------------------------------------- long names

NAME_MAX = 255  # bytes in a file name on the file systems the tests run on (ext4, tmpfs)
LONG_NAMES = {  # valid names of up to NAME_MAX bytes, whose characters take 2 to 4 bytes
    "245 bytes of é (the report)": "é" * 120 + ".json",
    "255 bytes of é": "é" * 125 + ".json",
    "255 bytes of €": "€" * 83 + "x.json",
    "255 bytes of emoji": "😀" * 62 + "xy.json",
}


@pytest.mark.parametrize("name", list(LONG_NAMES.values()), ids=list(LONG_NAMES))
def test_a_long_non_ascii_file_name_saves_and_a_failed_save_keeps_it(tmp_path, monkeypatch,
                                                                     name):
    assert len(name.encode()) <= NAME_MAX
    temporaries = []
    replace = os.replace

    def spy(src, dst):
        temporaries.append(os.path.basename(src))
        replace(src, dst)

    monkeypatch.setattr(nn.serialize.os, "replace", spy)
    first, second = nn.MLP(2, [3, 1], seed=0), nn.MLP(2, [3, 1], seed=1)
    nn.save(first, tmp_path / name)
    nn.save(second, tmp_path / name)  # over the existing file
    assert os.listdir(tmp_path) == [name]
    assert nn.load(tmp_path / name).state_dict() == second.state_dict()
    for temporary in temporaries:  # cut by bytes, between characters
        assert len(temporary.encode()) <= NAME_MAX
        prefix, _, token = temporary[1:].rpartition(".tmp-")
        assert name.startswith(prefix) and len(prefix) > 50 and len(token) == 8
    old = (tmp_path / name).read_bytes()

    def broken(src, dst):
        raise OSError("disk gone")

    monkeypatch.setattr(nn.serialize.os, "replace", broken)
    with pytest.raises(OSError, match="disk gone"):
        nn.save(first, tmp_path / name)
    assert os.listdir(tmp_path) == [name] and (tmp_path / name).read_bytes() == old


def test_a_name_longer_than_the_file_system_takes_is_refused_before_anything_is_made(tmp_path):
    name = "é" * 126 + ".json"  # 257 bytes
    with pytest.raises(OSError, match="257 bytes long; this file system takes at most 255") as info:
        nn.save(nn.Neuron(1, seed=0), tmp_path / name)
    assert info.value.errno == errno.ENAMETOOLONG
    assert os.listdir(tmp_path) == []
