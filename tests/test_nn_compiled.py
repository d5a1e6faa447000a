"""nn.compiled: fit(compile=True) trains to the same weights as eager fit, with or without numpy."""

from __future__ import annotations

import functools
import math
import sys

import pytest

import nn
from autograd import Value
from nn.compiled import (
    CompiledStep,
    NotCompilable,
    make_compiled_step,
    make_compiled_training,
)
from nn.train import make_step

WEIGHT_TOL = 1e-12  # |compiled − eager| / max(1, |eager|): rounding of sums in another order


def close(a: float, b: float) -> bool:
    return abs(a - b) <= WEIGHT_TOL * max(1.0, abs(b))


def assert_same_run(eager, compiled):
    (model_a, hist_a), (model_b, hist_b) = eager, compiled
    pairs = [(b.data, a.data) for a, b in zip(model_a.parameters(), model_b.parameters())]
    bad = [(i, got, want) for i, (got, want) in enumerate(pairs) if not close(got, want)]
    assert not bad, f"compiled vs eager weights differ (index, compiled, eager): {bad[:5]}"
    assert sorted(hist_a) == sorted(hist_b)
    for key in hist_a:
        if "accuracy" in key:
            assert hist_b[key] == hist_a[key], (key, hist_b[key], hist_a[key])
        else:
            assert all(map(close, hist_b[key], hist_a[key])), (key, hist_b[key], hist_a[key])


def train(compile, data, sizes, loss_fn, optimizer, epochs, activation="relu", **kwargs):
    X, y = data
    model = nn.MLP(len(X[0]), sizes, activation=activation, seed=7)
    opt = optimizer(model.parameters())
    history = nn.fit(model, X, y, loss_fn, opt, epochs, progress=False, compile=compile,
                     **kwargs)
    return model, history


def both(*args, **kwargs):
    return train(False, *args, **kwargs), train(True, *args, **kwargs)


def test_hinge_l2_sgd_full_batch_with_a_scheduler():
    def sgd(params):
        return nn.SGD(params, lr=1.0)

    runs = []
    for compile in (False, True):
        X, y = nn.make_moons(40, noise=0.1, seed=0)
        model = nn.MLP(2, [8, 8, 1], activation="relu", seed=1337)
        opt = sgd(model.parameters())
        sched = nn.LinearLR(opt, start_factor=1.0, end_factor=0.1, total_iters=25)
        history = nn.fit(model, X, y, nn.hinge_loss, opt, 25, scheduler=sched, l2=1e-4,
                         progress=False, compile=compile)
        runs.append((model, history))
    assert_same_run(*runs)
    assert runs[1][1]["loss"][-1] < runs[1][1]["loss"][0]  # it trained


def test_ragged_mini_batches_with_adam_and_validation():
    X, y = nn.make_moons(30, noise=0.15, seed=2)  # batches of 8, 8, 8 and 6
    val = nn.make_moons(10, noise=0.15, seed=3)
    eager, compiled = both((X, y), [6, 1], nn.hinge_loss,
                           lambda p: nn.Adam(p, lr=0.05), 4, activation="tanh",
                           batch_size=8, seed=11, l2=1e-3, validation=val)
    assert_same_run(eager, compiled)
    assert sorted(compiled[1]) == ["accuracy", "loss", "val_accuracy", "val_loss"]


def test_cross_entropy_on_three_class_spirals():
    data = nn.make_spirals(45, classes=3, noise=0.2, seed=0)
    eager, compiled = both(data, [8, 3], nn.cross_entropy, lambda p: nn.Adam(p, lr=0.05), 5,
                           batch_size=16, seed=0)
    assert_same_run(eager, compiled)


def test_mse_regression_with_momentum():
    data = nn.make_regression(25, seed=0)
    eager, compiled = both(data, [5, 1], nn.mse_loss,
                           lambda p: nn.SGD(p, lr=0.05, momentum=0.9), 8, activation="tanh")
    assert_same_run(eager, compiled)
    assert sorted(compiled[1]) == ["loss"]


@pytest.mark.parametrize("loss_fn, labels", [
    (nn.l1_loss, "real"),
    (functools.partial(nn.binary_cross_entropy_with_logits, reduction="sum"), "01"),
    (functools.partial(nn.hinge_loss, reduction="sum"), "pm1"),
    (functools.partial(nn.cross_entropy, reduction="sum"), "classes"),
], ids=["l1", "bce_logits_sum", "hinge_sum", "cross_entropy_sum"])
def test_every_compilable_loss_and_reduction(loss_fn, labels):
    X, y = nn.make_moons(12, noise=0.1, seed=4)
    targets = {"real": [0.5 * t for t in y], "01": [(t + 1) // 2 for t in y], "pm1": y,
               "classes": [(t + 1) // 2 for t in y]}[labels]
    sizes = [4, 2] if labels == "classes" else [4, 1]
    eager, compiled = both((X, targets), sizes, loss_fn, lambda p: nn.SGD(p, lr=0.1), 3,
                           batch_size=5, seed=1, l2=1e-2)
    assert_same_run(eager, compiled)


def test_one_step_gradients_and_outputs_equal_eager():
    X, y = nn.make_spirals(9, classes=3, noise=0.1, seed=1)
    model = nn.MLP(2, [4, 3], seed=0)
    params = model.parameters()
    loss, outputs = make_step(model, nn.cross_entropy, params, 1e-2)(X, y)
    expected = [p.grad for p in params]
    model.zero_grad()
    step = make_compiled_step(model, nn.cross_entropy, params, 1e-2, X, outputs=True)
    got_loss, got_outputs = step(X, y)
    assert close(got_loss, loss), (got_loss, loss)
    assert all(close(p.grad, e) for p, e in zip(params, expected))
    assert all(close(a, b) for row_a, row_b in zip(got_outputs, outputs)
               for a, b in zip(row_a, row_b))


def test_gradients_accumulate_like_backward():
    X, y = nn.make_moons(6, noise=0.1, seed=0)
    model = nn.MLP(2, [3, 1], seed=0)
    params = model.parameters()
    step = make_compiled_step(model, nn.hinge_loss, params, 0.0, X, outputs=False)
    _, outputs = step(X, y)
    once = [p.grad for p in params]
    step(X, y)
    assert outputs == []  # regression-style: no output replay asked for
    assert all(close(p.grad, 2 * g) for p, g in zip(params, once))


def test_without_numpy_the_row_loop_trains_the_same(monkeypatch):
    data = nn.make_spirals(18, classes=3, noise=0.2, seed=5)
    eager = train(False, data, [5, 3], nn.cross_entropy, lambda p: nn.Adam(p, lr=0.05), 3,
                  batch_size=7, seed=2, l2=1e-3)
    monkeypatch.setitem(sys.modules, "numpy", None)
    model = nn.MLP(2, [5, 3], seed=7)
    step = CompiledStep(model, nn.cross_entropy, model.parameters(), 0.0, 2)
    assert step.vectorized is False  # numpy cannot be imported: the pure-Python row loop
    compiled = train(True, data, [5, 3], nn.cross_entropy, lambda p: nn.Adam(p, lr=0.05), 3,
                     batch_size=7, seed=2, l2=1e-3)
    assert_same_run(eager, compiled)


def my_loss(predictions, targets):
    return nn.mse_loss(predictions, targets)


@pytest.mark.parametrize("loss_fn, words", [
    (my_loss, "cannot compile the loss my_loss"),
    (nn.binary_cross_entropy, "binary_cross_entropy_with_logits"),
    (functools.partial(nn.mse_loss, [Value(1.0)]), "positional"),
], ids=["custom", "bce_clamp", "partial_args"])
def test_a_loss_fit_cannot_compile_is_refused_with_a_way_out(loss_fn, words):
    model = nn.MLP(2, [2, 1], seed=0)
    with pytest.raises(ValueError) as info:
        nn.fit(model, [[0.0, 1.0]], [1.0], loss_fn, nn.SGD(model.parameters(), lr=0.1), 1,
               progress=False, compile=True)
    assert words in str(info.value) and "compile=False" in str(info.value), str(info.value)
    assert isinstance(info.value, NotCompilable)
    assert words in info.value.reason and "compile=False" not in info.value.reason


def test_a_per_sample_reduction_is_refused():
    model = nn.MLP(2, [2, 1], seed=0)
    with pytest.raises(ValueError, match="reduction 'mean' or 'sum', got 'none'"):
        nn.fit(model, [[0.0, 1.0]], [1.0], functools.partial(nn.mse_loss, reduction="none"),
               nn.SGD(model.parameters(), lr=0.1), 1, progress=False, compile=True)


@pytest.mark.parametrize("X, y, loss_fn, error, words", [
    ([[0.0, 1.0], [1.0]], [1, -1], nn.hinge_loss, ValueError, "sample 1 has 1 inputs"),
    ([[0.0, "a"]], [1], nn.hinge_loss, TypeError, "sample 0 must hold numbers"),
    ([[0.0, 1.0]], [0], nn.hinge_loss, ValueError, "+1 or -1"),
    ([[0.0, 1.0]], [3], nn.cross_entropy, ValueError, "class index 0 … 1"),
])
def test_bad_training_data_is_refused_before_training(X, y, loss_fn, error, words):
    model = nn.MLP(2, [2, 2 if loss_fn is nn.cross_entropy else 1], seed=0)
    before = model.state_dict()
    with pytest.raises(error) as info:
        nn.fit(model, X, y, loss_fn, nn.SGD(model.parameters(), lr=0.1), 1, progress=False,
               compile=True)
    assert words in str(info.value), str(info.value)
    assert model.state_dict() == before


def test_bad_validation_data_is_refused_before_training():
    model = nn.MLP(2, [2, 1], seed=0)
    with pytest.raises(ValueError, match="validation sample 0 has 3 inputs"):
        nn.fit(model, [[0.0, 1.0]], [1], nn.hinge_loss, nn.SGD(model.parameters(), lr=0.1), 1,
               validation=([[0.0, 1.0, 2.0]], [1]), progress=False, compile=True)
    with pytest.raises(ValueError, match="hinge labels"):
        nn.fit(model, [[0.0, 1.0]], [1], nn.hinge_loss, nn.SGD(model.parameters(), lr=0.1), 1,
               validation=([[0.0, 1.0]], [2]), progress=False, compile=True)


@pytest.mark.parametrize("compile", [False, True])
def test_cross_entropy_needs_one_output_per_class(compile):
    model = nn.MLP(2, [2, 1], seed=0)
    with pytest.raises(TypeError, match="needs a list of logits \\(one per class\\)"):
        nn.fit(model, [[0.0, 1.0]], [0], nn.cross_entropy, nn.SGD(model.parameters(), lr=0.1),
               1, progress=False, compile=compile)


def test_classic_demo_compiled_reaches_99_percent():
    X, y = nn.make_moons(100, noise=0.1, seed=0)
    model = nn.MLP(2, [16, 16, 1], activation="relu", seed=1337)
    opt = nn.SGD(model.parameters(), lr=1.0)
    sched = nn.LinearLR(opt, start_factor=1.0, end_factor=0.1, total_iters=100)
    nn.fit(model, X, y, nn.hinge_loss, opt, 100, scheduler=sched, l2=1e-4, progress=False,
           compile=True)
    assert nn.evaluate(model, X, y, nn.hinge_loss)["accuracy"] >= 0.99
    assert math.isclose(opt.lr, 0.1)


@pytest.mark.parametrize("optimizer", [
    lambda p: nn.SGD(p, lr=0.1, momentum=0.9, nesterov=True, weight_decay=1e-2),
    lambda p: nn.SGD(p, lr=0.1, momentum=0.5, dampening=0.3, weight_decay=1e-3),
    lambda p: nn.Adam(p, lr=0.02, weight_decay=1e-2),
    lambda p: nn.AdamW(p, lr=0.02, betas=(0.8, 0.99), eps=1e-6),
], ids=["sgd_nesterov_wd", "sgd_dampening_wd", "adam_wd", "adamw"])
def test_every_optimizer_setting_trains_the_same_weights_in_arrays(optimizer):
    X, y = nn.make_moons(24, noise=0.1, seed=6)
    eager, compiled = both((X, y), [5, 1], nn.hinge_loss, optimizer, 6, batch_size=10, seed=3,
                           l2=1e-3)
    assert_same_run(eager, compiled)


def fit_then_continue_eagerly(compile, optimizer):
    X, y = nn.make_moons(20, noise=0.1, seed=8)
    model = nn.MLP(2, [4, 1], activation="tanh", seed=2)
    opt = optimizer(model.parameters())
    nn.fit(model, X, y, nn.hinge_loss, opt, 3, progress=False, l2=1e-3, compile=compile)
    grads = [p.grad for p in model.parameters()]
    history = nn.fit(model, X, y, nn.hinge_loss, opt, 3, progress=False, l2=1e-3)
    return model, history, grads


@pytest.mark.parametrize("optimizer", [
    lambda p: nn.SGD(p, lr=0.1, momentum=0.9),
    lambda p: nn.Adam(p, lr=0.05),
], ids=["sgd_momentum", "adam"])
def test_optimizer_state_and_gradients_are_written_back(optimizer):
    model_a, hist_a, grads_a = fit_then_continue_eagerly(False, optimizer)
    model_b, hist_b, grads_b = fit_then_continue_eagerly(True, optimizer)
    assert all(close(b, a) for a, b in zip(grads_a, grads_b)), (grads_b[:3], grads_a[:3])
    # the velocity / moments / step counts carried over: the eager epochs after agree
    assert_same_run((model_a, hist_a), (model_b, hist_b))


class StopAfter:
    """A scheduler whose step() interrupts fit after ``epochs`` epochs."""

    def __init__(self, epochs):
        self.epochs = epochs

    def step(self):
        self.epochs -= 1
        if not self.epochs:
            raise KeyboardInterrupt


def test_an_interrupted_fit_leaves_the_weights_trained_so_far():
    X, y = nn.make_moons(16, noise=0.1, seed=9)
    runs = []
    for compile, epochs, scheduler in ((False, 2, None), (True, 5, StopAfter(2))):
        model = nn.MLP(2, [4, 1], seed=4)
        opt = nn.SGD(model.parameters(), lr=0.2)
        try:
            nn.fit(model, X, y, nn.hinge_loss, opt, epochs, progress=False, compile=compile,
                   scheduler=scheduler)
        except KeyboardInterrupt:
            pass
        runs.append([p.data for p in model.parameters()])
    eager, interrupted = runs
    assert all(close(b, a) for a, b in zip(eager, interrupted)), (interrupted[:3], eager[:3])


class HalfStepSGD(nn.SGD):
    """An optimizer fit cannot know: it must go through the Values and its own step()."""

    def step(self):
        for p in self.params:
            p.data -= 0.5 * self.lr * p.grad


@pytest.mark.parametrize("optimizer", [
    lambda p: HalfStepSGD(p, lr=0.2),
    lambda p: nn.SGD(list(reversed(p)), lr=0.2, momentum=0.5),
    lambda p: nn.Adam(p[:-3], lr=0.05),
], ids=["subclass", "reordered_params", "subset_of_params"])
def test_other_optimizers_train_through_the_values(optimizer):
    X, y = nn.make_moons(14, noise=0.1, seed=10)
    eager, compiled = both((X, y), [3, 1], nn.hinge_loss, optimizer, 4, batch_size=5, seed=0,
                           l2=1e-2)
    assert_same_run(eager, compiled)


def test_arrays_hold_the_weights_only_for_known_optimizers_over_the_traced_params():
    X, y = nn.make_moons(6, noise=0.1, seed=0)
    model = nn.MLP(2, [3, 1], seed=0)
    params = model.parameters()

    def held_in_arrays(opt):
        return make_compiled_training(model, nn.hinge_loss, params, 0.0, X, y, False,
                                      opt).update is not None

    assert held_in_arrays(nn.SGD(params, lr=0.1, momentum=0.9))
    assert held_in_arrays(nn.AdamW(params))
    assert not held_in_arrays(HalfStepSGD(params, lr=0.1))
    assert not held_in_arrays(nn.SGD(params[1:], lr=0.1))


class Refuse(Exception):
    pass


@pytest.mark.parametrize("optimizer", [
    lambda p: nn.SGD(p, lr=0.3, momentum=0.5),
    lambda p: HalfStepSGD(p, lr=0.3),
], ids=["arrays", "through_values"])
def test_a_check_sees_loss_and_gradients_before_the_update_and_can_stop_it(optimizer):
    X, y = nn.make_moons(10, noise=0.1, seed=11)
    model = nn.MLP(2, [3, 1], seed=5)
    params = model.parameters()
    eager_loss, _ = make_step(model, nn.hinge_loss, params, 1e-2)(X, y)
    expected = [p.grad for p in params]
    model.zero_grad()
    before = [p.data for p in params]
    training = make_compiled_training(model, nn.hinge_loss, params, 1e-2, X, y, True,
                                      optimizer(params))
    seen = []

    def check(loss, grads):
        seen.append((loss, list(grads)))
        raise Refuse

    training.check = check
    with pytest.raises(Refuse):
        try:
            training.train(X, y)
        finally:
            training.close()
    (loss, grads), = seen
    assert close(loss, eager_loss), (loss, eager_loss)
    assert all(close(g, e) for g, e in zip(grads, expected)), (grads[:3], expected[:3])
    assert [p.data for p in params] == before  # refused: no update reached the weights
