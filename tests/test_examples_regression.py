"""The regression lesson: descent approaches least squares; the critical rate is 2/λmax."""

import numpy as np

from autograd import Value, grad
from examples import regression

FIT_TOLERANCE = 0.02  # 100 steps at η = 0.2 land within this of the normal equations
SAME = 1e-9  # two float computations of the same eigenvalues
RESULT = regression.run(fast=True)
STEPS = 40  # the fast setting's steps


def test_good_rate_reaches_least_squares():
    full = regression.descend(*regression.views(), 0.2, regression.STEPS)[-1]
    assert abs(full[0] - RESULT.exact[0]) <= FIT_TOLERANCE
    assert abs(full[1] - RESULT.exact[1]) <= FIT_TOLERANCE


def test_rates_order_and_divergence():
    loss = RESULT.final_loss
    assert RESULT.diverged == {"too small": False, "good": False, "too large": True}
    assert loss["good"] < loss["too small"] < loss["too large"]


def test_critical_rate_is_two_over_the_largest_hessian_eigenvalue():
    t, y = regression.views()
    # The Hessian from the engine: the gradient of each engine gradient (create_graph).
    w, b = Value(0.3), Value(-0.2)
    loss = sum(((w * ti + b - yi) ** 2 for ti, yi in zip(t, y)), Value(0.0)) / len(t)
    gw, gb = grad(loss, [w, b], create_graph=True)
    hessian = np.array([[float(g) for g in grad(gi, [w, b])] for gi in (gw, gb)])
    lam = np.linalg.eigvalsh(hessian)
    assert abs(RESULT.curvature[0] - lam[0]) <= SAME
    assert abs(RESULT.curvature[1] - lam[1]) <= SAME
    assert round(RESULT.critical_rate, 3) == 0.274


def test_sweep_turns_at_the_critical_rate():
    critical = RESULT.critical_rate
    below = [loss for lr, loss in RESULT.sweep if lr < critical]
    start = regression.descend(*regression.views(), 0.1, 0)[0][2]
    assert max(below) < start
    # Just either side of 2/λmax, given time: one converges, the other grows without bound.
    slow = regression.descend(*regression.views(), 0.99 * critical, 400)[-1][2]
    fast = regression.descend(*regression.views(), 1.01 * critical, 400)[-1][2]
    assert slow < 0.1 < start < fast


def test_absolute_error_resists_viral_days():
    assert abs(RESULT.absolute_fit[0] - regression.TRUE_W) < abs(
        RESULT.squared_fit[0] - regression.TRUE_W
    )


def test_three_inputs_reach_least_squares():
    _, _, loss = RESULT.many
    assert loss <= RESULT.many_exact * 1.05


def test_local_minima_are_flat_and_different():
    t, y = regression.wave()
    stops = {round(w, 2) for _, w, _ in RESULT.valleys}
    assert len(stops) >= 3
    for _, w, loss in RESULT.valleys:
        wv = Value(w)
        (slope,) = grad(regression.wave_loss(wv, t, y), [wv])
        assert abs(slope) < 1e-2 and abs(loss - regression.wave_loss(w, t, y)) <= SAME


def test_least_squares_on_an_exact_line():
    assert regression.least_squares([0.0, 1.0, 2.0], [1.0, 3.0, 5.0]) == (2.0, 1.0)


def test_replayed_descent_is_the_eager_descent():
    t, y = regression.views()
    for error in (regression.squared, regression.absolute):
        replay = regression.descend(t, y, 0.2, 5, error)
        eager = regression.descend_eagerly(t, y, 0.2, 5, error)
        for a, b in zip(replay, eager, strict=True):
            assert max(abs(u - v) for u, v in zip(a, b)) <= SAME


def test_no_legend_hides_a_data_point(tmp_path, monkeypatch):
    """Every figure's legend sits clear of its scatter points (the outliers panel's legend
    covered one of its three viral days)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from examples.page import Page

    figures = []
    monkeypatch.setattr(Page, "figure", lambda self, fig, name, caption: figures.append(fig))
    regression.run(fast=True, out=tmp_path)
    hidden = []
    for fig in figures:
        FigureCanvasAgg(fig).draw()
        renderer = fig.canvas.get_renderer()
        for ax in fig.axes:
            legend = ax.get_legend()
            if legend is None:
                continue
            box = legend.get_window_extent(renderer)
            for points in ax.collections:
                for x, y in points.get_offset_transform().transform(points.get_offsets()):
                    if box.contains(x, y):
                        hidden.append((ax.get_title(), x, y))
    assert figures and not hidden
