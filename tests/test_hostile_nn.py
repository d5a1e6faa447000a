"""Hostile input to nn, round 3: model files shaped to be slow, interrupted training steps,
long file names, and inputs that eager and compiled ``fit`` must refuse alike.

Timing cases run in a child process with a timeout, so a regression to quadratic time fails
the test instead of hanging the run; they compare the times of two sizes, never a clock.
"""

from __future__ import annotations

import dis
import errno
import functools
import json
import math
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nn
import nn.compiled
import nn.optim
import nn.safejson
import nn.schedulers
from nn.serialize import ModelFileError

ROOT = Path(nn.__file__).resolve().parent.parent
CHILD_TIMEOUT = 120  # seconds; the quadratic nesting check took ~an hour on 1 MB
MESSAGE_LIMIT = 1000  # characters an error about a hostile file may have
SMALL, GROWTH = 48_000, 16  # bytes of the smaller hostile file, and how much larger the other is
LINEAR_SLACK = 3.0  # a load may take this many times GROWTH longer on the larger file
REPEATS = 3  # each load is timed this often, and the fastest run counts


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
                  {**MLP1, "nouts": [n // 120, 1]},
                  nn.MLP(1, [n // 120, 1], seed=0).state_dict())}
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


# ----------------------------------------------------------------------------- interrupts

TRAINING_CODE = {str(ROOT / "nn" / name) for name in ("train.py", "optim.py", "compiled.py",
                                                       "schedulers.py")}
# A step starts with the first of these; what runs before it changes no state.
FIRST_OF_A_STEP = {nn.optim.Optimizer.zero_grad.__code__,
                   nn.compiled.CompiledTraining.train.__code__}
NOP = dis.opmap["NOP"]
STEPS = 2  # full-batch epochs, each one training step: the second has an optimizer state
X_FIT, Y_FIT = [[0.5, -1.0], [1.0, 2.0]], [1.0, -0.5]
OPTIMIZERS = {
    "SGD with momentum": lambda params: nn.SGD(params, lr=0.05, momentum=0.9),
    "Adam": lambda params: nn.Adam(params, lr=0.05),
}


class Interrupt:
    """A trace function that counts the bytecodes nn's training code runs from the first
    step on (fit's loop, the optimizers, the compiled update, the schedulers) and raises
    KeyboardInterrupt before the ``at``-th, as a Ctrl-C arriving there would.

    NOPs are not counted: CPython never handles a signal at one (a NOP does not look for
    pending signals), and one raised there by a trace function escapes the frame's
    handlers, which no Ctrl-C can do.
    """

    def __init__(self, at: int | None = None, first: set | None = None) -> None:
        self.at, self.count, self.started = at, 0, False
        self.first = FIRST_OF_A_STEP if first is None else first

    def __call__(self, frame, event, arg):
        if event == "call":
            if frame.f_code.co_filename not in TRAINING_CODE:
                return None
            self.started = self.started or frame.f_code in self.first
            frame.f_trace_opcodes = True
        elif event == "opcode" and self.started and frame.f_code.co_code[frame.f_lasti] != NOP:
            self.count += 1
            if self.count == self.at:
                raise KeyboardInterrupt(f"at bytecode {self.at}")
        return self


def training_state(model, optimizer) -> tuple:
    """The weights and the optimizer's state, bit for bit."""
    numbers = [p.data for p in model.parameters()]
    if isinstance(optimizer, nn.SGD):
        numbers += optimizer.velocity
    else:
        numbers += [*optimizer.m, *optimizer.v, *map(float, optimizer.steps)]
    return tuple(None if x is None else x.hex() for x in numbers)


@pytest.fixture
def one_trace(monkeypatch):
    """Compiled fits of one model share its traced tape: the tracing is not what is tested
    here, and each fit would spend most of its time on it."""
    traced = {}
    make = nn.compiled.make_compiled_step

    def shared(model, *args):
        if id(model) not in traced:
            traced[id(model)] = model, make(model, *args)
        return traced[id(model)][1]

    monkeypatch.setattr(nn.compiled, "make_compiled_step", shared)


def train(model, make_optimizer, compile, epochs, tracer=None) -> tuple[tuple, bool]:
    """``model`` from its first weights, trained ``epochs`` full-batch steps under
    ``tracer`` by a new optimizer: the training state, and whether fit was interrupted."""
    model.load_state_dict(nn.MLP(2, [1], seed=0).state_dict())
    optimizer = make_optimizer(model.parameters())
    interrupted = False
    sys.settrace(tracer)
    try:
        nn.fit(model, X_FIT, Y_FIT, nn.mse_loss, optimizer, epochs, progress=False,
               compile=compile)
    except KeyboardInterrupt:
        interrupted = True
    finally:
        sys.settrace(None)
    return training_state(model, optimizer), interrupted


@pytest.mark.parametrize("compile", [False, True], ids=["eager", "compiled"])
@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
def test_an_interrupt_anywhere_in_fit_leaves_weights_and_optimizer_at_a_finished_step(
        one_trace, optimizer, compile):
    make, model = OPTIMIZERS[optimizer], nn.MLP(2, [1], seed=0)
    after = [training_state(model, make(model.parameters()))]  # after k finished steps
    after += [train(model, make, compile, k)[0] for k in range(1, STEPS + 1)]
    assert len(set(after)) == STEPS + 1
    counter = Interrupt()
    train(model, make, compile, STEPS, counter)
    finished = []
    for at in range(1, counter.count + 1):
        state, interrupted = train(model, make, compile, STEPS, Interrupt(at))
        assert interrupted, f"bytecode {at}: the Ctrl-C was swallowed"
        assert state in after, f"bytecode {at}: weights or optimizer state half-way"
        finished.append(after.index(state))
    # each step counts once it has finished, and no sooner
    assert finished == sorted(finished) and finished[-1] == STEPS, finished
    assert [finished.count(k) > 0 for k in range(STEPS + 1)] == [True] * (STEPS + 1)


SCHEDULERS = {
    "StepLR": lambda opt: nn.StepLR(opt, step_size=1, gamma=0.5),
    "LinearLR": lambda opt: nn.LinearLR(opt, start_factor=0.5, total_iters=3),
    "CosineAnnealingLR": lambda opt: nn.CosineAnnealingLR(opt, T_max=3),
}


@pytest.mark.parametrize("kind", list(SCHEDULERS))
def test_an_interrupted_scheduler_step_moves_the_lr_and_the_epoch_together(kind):
    def run(tracer=None, steps=1):
        scheduler = SCHEDULERS[kind](nn.SGD([nn.Neuron(1, seed=0).b], lr=0.1))
        sys.settrace(tracer)
        try:
            for _ in range(steps):
                scheduler.step()
        except KeyboardInterrupt:
            pass
        finally:
            sys.settrace(None)
        return scheduler.optimizer.lr, scheduler.last_epoch

    first = {nn.schedulers.LRScheduler.step.__code__}
    before, after = run(steps=0), run()
    assert before != after
    counter = Interrupt(None, first)
    run(counter)
    assert [run(Interrupt(at, first)) in (before, after)
            for at in range(1, counter.count + 1)] == [True] * counter.count


# ----------------------------------------------------------------------------- eager = compiled

FIT_X = [[0.5, -1.0], [1.0, 2.0], [-0.5, 0.0]]
FIT_LOSSES = {  # loss, outputs, good targets
    "hinge": (nn.hinge_loss, 1, [1, -1, 1]),
    "mse": (nn.mse_loss, 1, [0.5, -1.0, 2.0]),
    "l1, summed": (functools.partial(nn.l1_loss, reduction="sum"), 1, [0.5, -1.0, 2.0]),
    "bce with logits": (nn.binary_cross_entropy_with_logits, 1, [1, 0, 1]),
    "cross entropy": (nn.cross_entropy, 3, [0, 2, 1]),
}
HOSTILE_TARGETS = [10**400, -(10**400), 2**1024, 1e308, 0.5, 2, -1, 3, True, "1", None, b"1",
                   [0.2, 0.8], [0.2, 0.3, 0.5], [0.5, math.nan, 0.5], 1j, object(), math.inf,
                   Fraction(1, 3), Decimal("1"), np.int64(-1), np.float32(0.5), np.bool_(True)]
HOSTILE_INPUTS = [10**400, 2**1023, 1e308, -1e200, math.nan, Fraction(1, 3), Decimal("0.5"),
                  np.float32(0.5), np.int64(3), 1j, np.bool_(True), "0.5", None]
FIT_CASES = [
    (loss, f"{where}{what} {value!r:.30}", value)
    for loss in FIT_LOSSES
    for what, values in (("target", HOSTILE_TARGETS), ("input", HOSTILE_INPUTS))
    for where in ("", "validation ")
    for value in values
]
WEIGHTS_TOLERANCE = 1e-12  # eager and compiled training differ by rounding only


def fit_outcome(loss: str, case: str, value, compile: bool) -> tuple:
    loss_fn, nout, y = FIT_LOSSES[loss]
    X, y = [list(x) for x in FIT_X], list(y)
    if "target" in case:
        y[1] = value
    else:
        X[2][0] = value
    data = (FIT_X, FIT_LOSSES[loss][2], (X, y)) if case.startswith("validation") else (X, y, None)
    model = nn.MLP(2, [3, nout], seed=0)
    before = model.state_dict()
    try:
        nn.fit(model, data[0], data[1], loss_fn, nn.Adam(model.parameters(), lr=0.1), 2,
               validation=data[2], progress=False, compile=compile)
    except Exception as err:  # the outcome is compared, whatever it is
        return type(err), str(err), model.state_dict() == before
    return None, list(model.state_dict().values())


@pytest.mark.filterwarnings("error")  # numpy may not warn where the engine refuses
@pytest.mark.parametrize(("loss", "case", "value"), FIT_CASES,
                         ids=[f"{loss}: {case}" for loss, case, _ in FIT_CASES])
def test_eager_and_compiled_fit_treat_every_hostile_value_alike(loss, case, value):
    eager, compiled = (fit_outcome(loss, case, value, compile) for compile in (False, True))
    if eager[0] is None and compiled[0] is None:  # both trained: to rounding, the same
        assert max(abs(a - b) for a, b in zip(eager[1], compiled[1])) < WEIGHTS_TOLERANCE
    else:  # refused alike: same error, same message, no weight moved
        assert eager == compiled
        assert eager[2], "a refused fit moved a weight"


def dead_neuron():
    model = nn.Neuron(1, activation="relu", seed=0)
    model.load_state_dict({"w.0": -1.0, "b": -1.0})  # relu(−2): no gradient reaches it
    return model


OVERFLOWING_RUNS = {  # numbers that overflow or divide 0 by 0 in the loss or the update
    "l2 = 1e300": (lambda: nn.MLP(2, [3, 1], seed=0), {"l2": 1e300},
                   lambda params: nn.Adam(params, lr=0.1)),
    "lr = 1e308": (lambda: nn.MLP(2, [3, 1], seed=0), {},
                   lambda params: nn.SGD(params, lr=1e308, momentum=0.9)),
    "Adam, eps = 0, no gradient": (dead_neuron, {}, lambda params: nn.Adam(params, lr=0.1,
                                                                           eps=0.0)),
}


@pytest.mark.filterwarnings("error")  # numpy may not warn where the floats do not
@pytest.mark.parametrize("run", list(OVERFLOWING_RUNS))
@pytest.mark.parametrize("on_nonfinite", ["raise", "ignore"])
def test_eager_and_compiled_fit_stop_alike_when_the_numbers_overflow(run, on_nonfinite):
    make_model, options, make_optimizer = OVERFLOWING_RUNS[run]
    outcomes = []
    for compile in (False, True):
        model = make_model()
        X = FIT_X if len(model.parameters()) > 2 else [[1.0]]
        try:
            history = nn.fit(model, X, [1.0] * len(X), nn.mse_loss,
                             make_optimizer(model.parameters()), 3, progress=False,
                             compile=compile, on_nonfinite=on_nonfinite, **options)
        except nn.checks.NonFiniteError as err:
            outcomes.append(str(err))
        else:
            outcomes.append([math.isfinite(v) for v in history["loss"]])
    assert outcomes[0] == outcomes[1]
