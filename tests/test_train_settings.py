"""What viz.train_live refuses, in Python, before anything is written: settings, losses
and models nn.fit(compile=True) cannot train, data nn.fit would refuse."""

from __future__ import annotations

import functools

import pytest

import nn
import viz


def _args():
    """A classifier train_live takes: moons, a ReLU MLP, the hinge loss."""
    X, y = nn.make_moons(24, noise=0.1, seed=2)
    return nn.MLP(2, [5, 1], activation="relu", seed=4), X, y, nn.hinge_loss


@pytest.mark.parametrize("change, match", [
    ({"lr": float("nan")}, "lr must be a finite number ≥ 0, got nan"),
    ({"lr": -0.1}, "lr must be a finite number ≥ 0"),
    ({"lr": True}, "lr must be"),
    ({"batch_size": 0}, "batch_size must be a positive whole number"),
    ({"batch_size": 2.0}, "batch_size must be a positive whole number"),
    ({"l2": -1.0}, "l2 must be a finite number ≥ 0"),
    ({"seed": 1.5}, "seed must be a whole number"),
    ({"speed": 0}, "speed must be"),
    ({"lr_marks": {"2/λmax": float("inf")}}, "lr_marks"),
])
def test_bad_settings_are_refused(change, match):
    with pytest.raises(ValueError, match=match):
        viz.train_live(*_args(), **change)


def test_losses_fit_cannot_trace_are_refused_with_the_reason():
    model, X, y, _ = _args()
    with pytest.raises(ValueError, match="train_live: cannot compile binary_cross_entropy: it "
                       "clamps"):
        viz.train_live(model, X, [max(t, 0) for t in y], nn.binary_cross_entropy)
    with pytest.raises(ValueError, match="cannot compile the loss <lambda>"):
        viz.train_live(model, X, y, lambda outs, ys: outs[0])
    with pytest.raises(ValueError, match="reduction 'mean' or 'sum'"):
        viz.train_live(model, X, y, functools.partial(nn.hinge_loss, reduction="none"))


def test_bad_data_and_models_are_refused(tmp_path):
    model, X, y, loss_fn = _args()
    with pytest.raises(TypeError, match=r"model must be an nn\.Module"):
        viz.train_live(lambda x: x, X, y, loss_fn)
    with pytest.raises(ValueError, match="train_live: sample 3 holds nan at input 1"):
        viz.train_live(model, [*X[:3], [0.0, float("nan")], *X[4:]], y, loss_fn)
    with pytest.raises(ValueError, match="train_live: sample 0 has 1 inputs, the model takes 2"):
        viz.train_live(model, [[x[0]] for x in X], y, loss_fn)
    with pytest.raises(ValueError, match=r"train_live: hinge_loss: targets\[0\] = 0; hinge labels"):
        viz.train_live(model, X, [0] * len(y), loss_fn)
    assert list(tmp_path.iterdir()) == []
