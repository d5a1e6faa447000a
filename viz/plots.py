"""Training plots: loss/accuracy history, a 2-D decision boundary, a 1-D regression fit.

Figures are made with matplotlib's object API and the Agg canvas, never ``pyplot``: no
window, no global state changed for the caller, safe on a headless machine.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from autograd import Value, no_grad


def _figure(size: tuple[float, float]) -> Any:
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:  # pragma: no cover - matplotlib is part of the viz extra
        raise ImportError("viz plots need matplotlib: pip install matplotlib "
                          "(from a chainrule checkout: pip install -e '.[viz]')") from None
    fig = Figure(figsize=size, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _save(fig: Any, path: str | os.PathLike[str] | None) -> Any:
    if path is not None:
        os.makedirs(os.path.dirname(os.fspath(path)) or ".", exist_ok=True)
        fig.savefig(path, dpi=110)
    return fig


def _number(x: Any, where: str) -> float:
    if isinstance(x, Value):
        return x.data
    if isinstance(x, (int, float)) and not isinstance(x, bool):
        return float(x)
    raise TypeError(f"{where}: expected a number or a Value, got {x!r} ({type(x).__name__})")


def plot_history(history: Mapping[str, Sequence[float]], path: Any = None) -> Any:
    """Loss (and accuracy, if recorded) per epoch, as ``nn.fit`` returns them.

    Args:
        history: ``{"loss": [...], "accuracy": [...], "val_loss": [...], ...}``; keys
            containing ``loss`` go on the left plot, keys containing ``acc`` on the right.
        path: write the figure there (PNG, SVG or PDF by extension) when given.

    Returns:
        The matplotlib ``Figure`` (one line per key, x = epoch 1, 2, …).

    Example:
        >>> fig = plot_history({"loss": [1.0, 0.5, 0.25], "accuracy": [0.5, 0.75, 1.0]})
        >>> [[float(v) for v in line.get_ydata()] for ax in fig.axes for line in ax.lines]
        [[1.0, 0.5, 0.25], [0.5, 0.75, 1.0]]
    """
    if not isinstance(history, Mapping) or not history:
        raise TypeError(
            "plot_history: history must be a non-empty dict of lists like "
            f"{{'loss': [0.9, 0.5]}}, got {history!r}"
        )
    series = {}
    for key, values in history.items():
        if isinstance(values, (str, bytes)) or not isinstance(values, Sequence):
            raise TypeError(f"plot_history: history[{key!r}] must be a list, got {values!r}")
        series[key] = [_number(v, f"plot_history: history[{key!r}]") for v in values]
    groups = [
        ("loss", [k for k in series if "loss" in k]),
        ("accuracy", [k for k in series if "acc" in k]),
    ]
    other = [k for k in series if "loss" not in k and "acc" not in k]
    groups = [(name, keys) for name, keys in groups if keys]
    if other:
        groups.append(("other", other))
    fig = _figure((5.0 * len(groups), 3.6))
    for ax, (name, keys) in zip(fig.subplots(1, len(groups), squeeze=False)[0], groups):
        for key in keys:
            ax.plot(range(1, len(series[key]) + 1), series[key], label=key, marker=".")
        ax.set_xlabel("epoch")
        ax.set_ylabel(name)
        ax.grid(alpha=0.3)
        ax.legend()
    return _save(fig, path)


def _score(out: Any) -> tuple[bool, float]:
    # A model gives one score (class = score > 0) or a list of logits (class = argmax).
    if isinstance(out, (list, tuple)):
        if len(out) == 1:
            return True, _number(out[0], "plot_decision_boundary: model output")
        scores = [_number(o, "plot_decision_boundary: model output") for o in out]
        return False, float(max(range(len(scores)), key=scores.__getitem__))
    return True, _number(out, "plot_decision_boundary: model output")


def plot_decision_boundary(
    model: Callable[[list[float]], Any],
    X: Sequence[Sequence[float]],
    y: Sequence[Any],
    path: Any = None,
    resolution: int = 60,
    margin: float = 0.5,
) -> Any:
    """The classes a 2-D model predicts over the plane, with the data on top.

    Args:
        model: takes ``[x0, x1]`` and returns a Value (class = score > 0) or a list of
            Values (class = argmax); evaluated under ``autograd.no_grad()``.
        X: the points, each two numbers. y: their labels (±1, 0/1 or class indices).
        path: write the figure there when given.
        resolution: grid points per side. margin: space around the data.

    Returns:
        The matplotlib ``Figure``. For one score its image is the score clipped to ±1,
        drawn smooth (interpolated between grid points, so the boundary, where it crosses
        0, is a curve and not a staircase), with a colour bar; for logits, the predicted
        class on the grid.
    """
    points = [
        (_number(p[0], "plot_decision_boundary: X"), _number(p[1], "plot_decision_boundary: X"))
        for p in X
    ]
    if not points or len(points) != len(y):
        raise ValueError(
            f"plot_decision_boundary: need as many labels as points, got {len(points)} points "
            f"and {len(y)} labels"
        )
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    x_lo, x_hi = min(xs) - margin, max(xs) + margin
    y_lo, y_hi = min(ys) - margin, max(ys) + margin
    grid = []
    with no_grad():
        for i in range(resolution):
            y_at = y_lo + (y_hi - y_lo) * (i + 0.5) / resolution
            row = []
            for j in range(resolution):
                x_at = x_lo + (x_hi - x_lo) * (j + 0.5) / resolution
                binary, score = _score(model([x_at, y_at]))
                row.append(max(-1.0, min(1.0, score)) if binary else score)
            grid.append(row)
    fig = _figure((5.4, 4.4))
    ax = fig.add_subplot()
    image = ax.imshow(
        grid,
        origin="lower",
        extent=(x_lo, x_hi, y_lo, y_hi),
        cmap="coolwarm",
        alpha=0.45,
        aspect="auto",
        interpolation="bilinear" if binary else "nearest",
        vmin=-1.0 if binary else None,
        vmax=1.0 if binary else None,
    )
    if binary:
        bar = fig.colorbar(image, ax=ax, shrink=0.85)
        bar.set_label("model score, clipped to ±1 (class = its sign)")
    labels = [_number(v, "plot_decision_boundary: y") for v in y]
    ax.scatter(xs, ys, c=labels, cmap="coolwarm", edgecolors="black", linewidths=0.5, s=22)
    ax.set_xlabel("x₁")
    ax.set_ylabel("x₂")
    ax.set_title("decision boundary")
    return _save(fig, path)


def plot_regression(
    model: Callable[[Any], Any],
    X: Sequence[Any],
    y: Sequence[Any],
    path: Any = None,
    points: int = 200,
) -> Any:
    """A 1-D model's curve over the data range, against the data.

    Args:
        model: called like the elements of ``X``: with a number when ``X`` holds
            numbers, with ``[x]`` when it holds one-element lists (an ``nn.MLP``); returns
            a number, a Value or a one-element list.
        X, y: the data. path: write the figure there when given.
        points: how many x values the curve is drawn through.

    Returns:
        The matplotlib ``Figure``: ``ax.lines[0]`` is the model's curve.

    Example:
        >>> fig = plot_regression(lambda x: 2 * x, [0.0, 1.0], [0.1, 1.9], points=3)
        >>> [float(v) for v in fig.axes[0].lines[0].get_ydata()]
        [0.0, 1.0, 2.0]
    """
    if not X or len(X) != len(y):
        raise ValueError(
            f"plot_regression: need as many targets as inputs, got {len(X)} and {len(y)}"
        )
    as_list = isinstance(X[0], (list, tuple))
    xs = [_number(x[0] if as_list else x, "plot_regression: X") for x in X]
    ts = [_number(t[0] if isinstance(t, (list, tuple)) else t, "plot_regression: y") for t in y]
    lo, hi = min(xs), max(xs)
    grid = [lo + (hi - lo) * k / max(points - 1, 1) for k in range(points)]
    curve = []
    with no_grad():
        for g in grid:
            out = model([g] if as_list else g)
            if isinstance(out, (list, tuple)):
                out = out[0]
            curve.append(_number(out, "plot_regression: model output"))
    if not all(math.isfinite(c) for c in curve):
        raise ValueError("plot_regression: the model gave a non-finite output on the data range")
    fig = _figure((5.0, 3.6))
    ax = fig.add_subplot()
    ax.plot(grid, curve, color="#1f4e9c", label="model")
    ax.scatter(xs, ts, color="#d62728", s=14, label="data", zorder=3)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.grid(alpha=0.3)
    ax.legend()
    return _save(fig, path)
