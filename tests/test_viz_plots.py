"""viz.plots: figures written to disk, and their axes hold the data they were given."""

import subprocess
import sys

import pytest

import viz
from autograd import Value, is_grad_enabled

PNG = b"\x89PNG\r\n\x1a\n"


def test_history_lines_hold_the_history(tmp_path):
    history = {
        "loss": [0.9, 0.5, 0.3],
        "val_loss": [1.0, 0.6, 0.4],
        "accuracy": [0.5, 0.7, 0.9],
        "val_accuracy": [0.4, 0.6, 0.8],
    }
    fig = viz.plot_history(history, path=tmp_path / "sub" / "history.png")
    assert (tmp_path / "sub" / "history.png").read_bytes()[:8] == PNG
    loss_ax, acc_ax = fig.axes
    assert {ln.get_label(): list(ln.get_ydata()) for ln in loss_ax.lines} == {
        "loss": history["loss"],
        "val_loss": history["val_loss"],
    }
    assert {ln.get_label(): list(ln.get_ydata()) for ln in acc_ax.lines} == {
        "accuracy": history["accuracy"],
        "val_accuracy": history["val_accuracy"],
    }
    assert list(loss_ax.lines[0].get_xdata()) == [1, 2, 3]


def test_history_bad_input():
    with pytest.raises(TypeError, match="non-empty dict"):
        viz.plot_history([0.1, 0.2])
    with pytest.raises(TypeError, match=r"history\['loss'\] must be a list"):
        viz.plot_history({"loss": 0.5})
    with pytest.raises(TypeError, match="expected a number or a Value, got 'x'"):
        viz.plot_history({"loss": ["x"]})


def test_decision_boundary_image_is_the_models_classes(tmp_path):
    calls = []

    def model(p):
        calls.append(is_grad_enabled())
        return Value(p[0]) - Value(p[1])  # class = x0 > x1

    X = [[0.0, 1.0], [1.0, 0.0], [2.0, 2.5]]
    fig = viz.plot_decision_boundary(
        model, X, [-1, 1, -1], path=tmp_path / "b.png", resolution=8, margin=0.5
    )
    assert (tmp_path / "b.png").read_bytes()[:8] == PNG
    assert calls and not any(calls)  # evaluated under no_grad
    ax = fig.axes[0]
    image = ax.images[0].get_array()
    lo, hi = -0.5, 3.0  # x0 and x1 ranges are the data's ± margin
    for i in range(8):
        for j in range(8):
            x0 = lo + (2.5 - lo) * (j + 0.5) / 8
            x1 = lo + (hi - lo) * (i + 0.5) / 8
            assert image[i][j] == max(-1.0, min(1.0, x0 - x1))  # the score, clipped
    assert ax.collections[0].get_offsets().tolist() == X


def test_decision_boundary_multiclass_is_argmax():
    fig = viz.plot_decision_boundary(
        lambda p: [Value(p[0]), Value(p[1]), Value(0.25)],
        [[0.0, 0.0], [1.0, 1.0]],
        [0, 2],
        resolution=4,
        margin=0.0,
    )
    image = fig.axes[0].images[0].get_array()
    # cell centres 0.125 … 0.875; row = x1, column = x0; a tie goes to the first logit
    assert image.tolist() == [[2, 0, 0, 0], [1, 0, 0, 0], [1, 1, 0, 0], [1, 1, 1, 0]]


def test_decision_boundary_bad_input():
    with pytest.raises(ValueError, match="got 2 points and 1 labels"):
        viz.plot_decision_boundary(lambda p: Value(0.0), [[0, 0], [1, 1]], [1])


def test_regression_curve_is_the_model(tmp_path):
    fig = viz.plot_regression(
        lambda x: x * x, [-1.0, 0.0, 2.0], [1.0, 0.0, 4.0], path=tmp_path / "r.svg", points=4
    )
    assert (tmp_path / "r.svg").read_text().lstrip().startswith("<?xml")
    line = fig.axes[0].lines[0]
    assert list(line.get_xdata()) == [-1.0, 0.0, 1.0, 2.0]
    assert list(line.get_ydata()) == [1.0, 0.0, 1.0, 4.0]
    assert fig.axes[0].collections[0].get_offsets().tolist() == [[-1, 1], [0, 0], [2, 4]]


def test_regression_with_list_inputs_like_an_mlp():
    fig = viz.plot_regression(
        lambda x: [Value(3.0) * x[0]], [[0.0], [1.0]], [[0.0], [3.0]], points=3
    )
    assert list(fig.axes[0].lines[0].get_ydata()) == [0.0, 1.5, 3.0]


def test_plots_leave_pyplot_alone():
    code = (
        "import sys, viz\n"
        "viz.plot_history({'loss': [1.0, 0.5]})\n"
        "print('matplotlib.pyplot' in sys.modules, end='')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True)
    assert out.stdout == b"False"
