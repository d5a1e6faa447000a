"""nn.train: the acceptance runs (classic demo, spirals), history, seeds, progress bar, errors."""

from __future__ import annotations

import functools
import io
import math
import sys

import pytest

import nn
from nn.train import make_step

CLASSIC_ACCURACY = 0.99  # the bar for the classic demo
SPIRALS_ACCURACY = 0.90  # the bar for 3-class spirals
SOFT_ACCURACY = 0.8  # three well-separated blobs, soft labels, 30 epochs
MODES_TOLERANCE = 1e-12  # eager and compiled losses differ by rounding only


def classic_demo():
    X, y = nn.make_moons(100, noise=0.1, seed=0)
    model = nn.MLP(2, [16, 16, 1], activation="relu", seed=1337)
    opt = nn.SGD(model.parameters(), lr=1.0)
    sched = nn.LinearLR(opt, start_factor=1.0, end_factor=0.1, total_iters=100)
    history = nn.fit(
        model, X, y, nn.hinge_loss, opt, epochs=100, scheduler=sched, l2=1e-4, progress=False
    )
    return model, X, y, opt, history


def test_classic_demo_reaches_99_percent():
    model, X, y, opt, history = classic_demo()
    final = nn.evaluate(model, X, y, nn.hinge_loss)
    assert final["accuracy"] >= CLASSIC_ACCURACY, final
    assert history["loss"][-1] < history["loss"][0] / 10
    assert math.isclose(opt.lr, 0.1)


def test_spirals_with_cross_entropy_and_adam_reach_90_percent():
    X, y = nn.make_spirals(150, classes=3, noise=0.2, seed=0)
    model = nn.MLP(2, [16, 16, 3], activation="relu", seed=0)
    opt = nn.Adam(model.parameters(), lr=0.05)
    nn.fit(model, X, y, nn.cross_entropy, opt, epochs=50, progress=False)
    assert nn.evaluate(model, X, y, nn.cross_entropy)["accuracy"] >= SPIRALS_ACCURACY


def small_run(seed, batch_size=8, validation=True):
    X, y = nn.make_moons(40, noise=0.1, seed=1)
    Xv, yv = nn.make_moons(20, noise=0.1, seed=2)
    model = nn.MLP(2, [6, 1], seed=seed)
    opt = nn.SGD(model.parameters(), lr=0.1, momentum=0.9)
    history = nn.fit(
        model,
        X,
        y,
        nn.hinge_loss,
        opt,
        epochs=4,
        batch_size=batch_size,
        validation=(Xv, yv) if validation else None,
        progress=False,
        seed=seed,
    )
    return model, history


def test_mini_batch_fit_is_reproducible_from_seeds():
    model_a, a = small_run(seed=3)
    model_b, b = small_run(seed=3)
    _, c = small_run(seed=4)
    assert a == b
    assert model_a.state_dict() == model_b.state_dict()
    assert a != c


def test_history_keys_and_lengths():
    _, history = small_run(seed=0)
    assert sorted(history) == ["accuracy", "loss", "val_accuracy", "val_loss"]
    assert all(len(v) == 4 for v in history.values())
    assert all(0.0 <= a <= 1.0 for a in history["accuracy"] + history["val_accuracy"])


def test_regression_history_has_loss_only():
    X, y = nn.make_regression(20, seed=0)
    model = nn.MLP(1, [4, 1], seed=0)
    history = nn.fit(
        model, X, y, nn.mse_loss, nn.Adam(model.parameters(), lr=0.05), 30, progress=False
    )
    assert sorted(history) == ["loss"]
    assert history["loss"][-1] < history["loss"][0]


def test_full_batch_history_is_the_loss_before_each_step():
    X, y = nn.make_moons(30, noise=0.1, seed=5)
    model = nn.MLP(2, [4, 1], seed=5)
    before = nn.evaluate(model, X, y, nn.hinge_loss, l2=1e-3)
    history = nn.fit(
        model, X, y, nn.hinge_loss, nn.SGD(model.parameters(), lr=0.1), 2, l2=1e-3, progress=False
    )
    assert math.isclose(history["loss"][0], before["loss"], rel_tol=1e-12)
    assert history["accuracy"][0] == before["accuracy"]


def test_validation_numbers_match_evaluate_after_training():
    X, y = nn.make_moons(30, noise=0.1, seed=5)
    Xv, yv = nn.make_moons(10, noise=0.1, seed=6)
    model = nn.MLP(2, [4, 1], seed=5)
    history = nn.fit(
        model,
        X,
        y,
        nn.hinge_loss,
        nn.SGD(model.parameters(), lr=0.1),
        1,
        validation=(Xv, yv),
        progress=False,
    )
    after = nn.evaluate(model, Xv, yv, nn.hinge_loss)
    assert history["val_loss"] == [after["loss"]]
    assert history["val_accuracy"] == [after["accuracy"]]


def test_make_step_fills_gradients_like_a_manual_backward():
    X, y = nn.make_moons(10, noise=0.1, seed=0)
    model = nn.MLP(2, [3, 1], seed=0)
    params = model.parameters()
    loss, outputs = make_step(model, nn.hinge_loss, params, 1e-2)(X, y)
    grads = [p.grad for p in params]
    model.zero_grad()
    manual = nn.hinge_loss([model(x) for x in X], y) + 1e-2 * sum(p * p for p in params)
    manual.backward()
    assert math.isclose(loss, manual.data, rel_tol=1e-12)
    assert all(math.isclose(a, p.grad, rel_tol=1e-9, abs_tol=1e-15) for a, p in zip(grads, params))
    assert outputs == [model(x).data for x in X]


@pytest.mark.parametrize(
    ("loss_fn", "outputs", "targets", "expected"),
    [
        (nn.hinge_loss, [0.5, -0.1, 0.0], [1, 1, -1], 2 / 3),
        (nn.binary_cross_entropy_with_logits, [0.5, -0.1, 0.0], [1, 1, 0], 2 / 3),
        (nn.binary_cross_entropy, [0.7, 0.4, 0.5], [1, 1, 0], 2 / 3),
        (nn.cross_entropy, [[0.1, 2.0], [3.0, 1.0]], [1, 1], 1 / 2),
        (functools.partial(nn.cross_entropy, reduction="sum"), [[0.0, 1.0]], [1], 1.0),
    ],
)
def test_accuracy_rule_per_loss(loss_fn, outputs, targets, expected):
    assert nn.accuracy(outputs, targets, loss_fn) == expected
    # a compiled fit hands its outputs over as a numpy array: the same answer
    np = pytest.importorskip("numpy")
    assert nn.accuracy(np.array(outputs), targets, loss_fn) == expected


@pytest.mark.parametrize("loss_fn", [nn.hinge_loss, nn.binary_cross_entropy_with_logits,
                                     nn.binary_cross_entropy])
def test_accuracy_of_an_array_reads_labels_as_the_list_rule_does(loss_fn):
    np = pytest.importorskip("numpy")
    outputs = [0.5, 0.0, -0.0, 0.5000000000000001, 0.4999999999999999, math.nan, math.inf,
               -math.inf, 1e-300, -1e-300]
    rule = nn.train.label_rule(loss_fn)
    # every label right, then (negated or 0 → 0) mostly wrong
    for labels in ([rule(o) for o in outputs], [-rule(o) for o in outputs]):
        expected = sum(rule(o) == t for o, t in zip(outputs, labels)) / len(labels)
        assert nn.accuracy(np.array(outputs), labels, loss_fn) == expected


def test_class_probabilities_train_in_both_modes_and_count_as_their_likeliest_class():
    assert nn.accuracy([[0.1, 2.0, 0.3], [1.0, 0.0, 0.0]], [[0.2, 0.7, 0.1], [0.1, 0.1, 0.8]],
                       nn.cross_entropy) == 0.5
    X, labels = nn.make_blobs(30, centers=3, seed=0)
    soft = [[0.8 if k == c else 0.1 for k in range(3)] for c in labels]
    histories = []
    for compile in (False, True):
        model = nn.MLP(2, [8, 3], seed=0)
        histories.append(nn.fit(model, X, soft, nn.cross_entropy,
                                nn.Adam(model.parameters(), lr=0.05), 30, progress=False,
                                compile=compile))
    eager, compiled = histories
    assert eager["accuracy"] == compiled["accuracy"] and eager["accuracy"][-1] > SOFT_ACCURACY
    assert eager["loss"] == pytest.approx(compiled["loss"], rel=MODES_TOLERANCE)


def test_accuracy_refuses_a_regression_loss():
    with pytest.raises(ValueError, match="not a classification loss"):
        nn.accuracy([1.0], [1.0], nn.mse_loss)


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_bar_shows_on_a_terminal_only(monkeypatch):
    terminal = FakeTerminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    small_run(seed=0, validation=False)  # progress=False
    assert terminal.getvalue() == ""
    X, y = nn.make_moons(10, seed=0)
    model = nn.MLP(2, [2, 1], seed=0)
    nn.fit(model, X, y, nn.hinge_loss, nn.SGD(model.parameters(), lr=0.1), 3)
    assert "3/3" in terminal.getvalue() and "epoch" in terminal.getvalue()
    pipe = io.StringIO()
    monkeypatch.setattr(sys, "stderr", pipe)
    nn.fit(model, X, y, nn.hinge_loss, nn.SGD(model.parameters(), lr=0.1), 3)
    assert pipe.getvalue() == ""


def test_without_tqdm_fit_trains_silently(monkeypatch):
    terminal = FakeTerminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.setitem(sys.modules, "tqdm", None)
    X, y = nn.make_moons(10, seed=0)
    model = nn.MLP(2, [2, 1], seed=0)
    history = nn.fit(model, X, y, nn.hinge_loss, nn.SGD(model.parameters(), lr=0.1), 2)
    assert len(history["loss"]) == 2
    assert terminal.getvalue() == ""


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"epochs": 0}, "epochs"),
        ({"epochs": 1, "batch_size": 0}, "batch_size"),
        ({"epochs": 1, "validation": ([[0.0, 0.0]], [1, -1])}, "validation set"),
        ({"epochs": 1, "validation": [[0.0, 0.0]]}, "pair"),
        ({"epochs": 1, "l2": math.nan}, "l2"),
        ({"epochs": 1, "l2": -1e-3}, "l2"),
        ({"epochs": 1, "on_nonfinite": "skip"}, "on_nonfinite"),
        ({"epochs": 1, "validation": ([[0.0, math.nan]], [1])}, "validation sample 0 holds nan"),
    ],
)
def test_bad_arguments_are_refused(kwargs, words):
    model = nn.MLP(2, [2, 1], seed=0)
    opt = nn.SGD(model.parameters(), lr=0.1)
    with pytest.raises(ValueError) as info:
        nn.fit(model, [[0.0, 0.0]], [1], nn.hinge_loss, opt, progress=False, **kwargs)
    assert words in str(info.value)


def test_scheduler_without_step_is_refused():
    model = nn.MLP(2, [2, 1], seed=0)
    opt = nn.SGD(model.parameters(), lr=0.1)
    with pytest.raises(TypeError, match="scheduler must have a step"):
        nn.fit(model, [[0.0, 0.0]], [1], nn.hinge_loss, opt, 1, scheduler=0.5, progress=False)


def test_mismatched_training_set_is_refused():
    model = nn.MLP(2, [2, 1], seed=0)
    with pytest.raises(ValueError, match="2 inputs but 1 targets"):
        nn.fit(model, [[0.0, 0.0]] * 2, [1], nn.hinge_loss, nn.SGD(model.parameters(), 0.1), 1)
