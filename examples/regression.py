"""Lesson: regression by gradient descent — the loss, the learning rate, and its limit.

A channel's daily views grow roughly linearly; fit views ≈ w·t + b by gradient descent,
with the engine computing ∂L/∂w and ∂L/∂b, on the mean absolute error (the source post's
loss) and the mean squared error. The learning rate has a limit, 2/λmax, computed here;
several inputs make the model r = b + Wx; a non-convex loss has local minima.

Run it: ``python examples/regression.py`` (writes ``out/regression/index.html``).
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from autograd import Value, compile
from autograd import sum as vsum

if __package__ in (None, ""):  # ``python examples/regression.py``
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from examples import live_training
from examples.page import Page

TITLE = "regression: a line by gradient descent, and the learning rate"
BLURB = (
    "Start here: fit a line by gradient descent, with squared and absolute error, "
    "and see why one learning rate converges and a slightly larger one explodes."
)
MINUTES = 15
DAYS = 30
TRUE_W, TRUE_B = 1.1, 1.2  # views in hundreds, time in tens of days
RATES = {"too small": 0.01, "good": 0.2, "too large": 0.3}
STEPS = 100
START = (-1.0, 4.0)  # (w, b) where every descent starts


def views(seed: int = 0, outliers: int = 0) -> tuple[list[float], list[float]]:
    """Days (in tens of days) and views (in hundreds), a noisy line; some viral days."""
    rng = random.Random(seed)
    t = [d / 10 for d in range(DAYS)]
    y = [TRUE_W * ti + TRUE_B + rng.gauss(0, 0.25) for ti in t]
    for day in rng.sample(range(DAYS // 2, DAYS), outliers):
        y[day] += 6.0  # a video goes viral: six hundred extra views that day
    return t, y


def squared(pred: Value, y: float) -> Value:
    """(pred − y)²."""
    return (pred - y) ** 2


def absolute(pred: Value, y: float) -> Value:
    """|pred − y|."""
    return abs(pred - y)


def descend(
    t: list[float], y: list[float], lr: float, steps: int,
    error: Callable[[Value, float], Value] = squared,
) -> list[tuple[float, float, float]]:
    """Full-batch gradient descent from START: (w, b, loss) before each step and at the end.

    One day's loss error(w·t + b, y) is traced once (``autograd.compile``: the engine's
    forward and backward written out) and replayed for every day at every step; the mean
    loss and gradients it returns are what ``loss.backward()`` on the mean would give.
    """
    w, b = Value(START[0], label="w"), Value(START[1], label="b")
    day, views_ = Value(0.0, label="t"), Value(0.0, label="y")
    tape = compile(error(w * day + b, views_), params=[w, b], data=[day, views_])
    rows = [[ti, yi] for ti, yi in zip(t, y)]
    path = []
    with np.errstate(over="ignore", invalid="ignore"):  # a diverging rate overflows: shown
        for _ in range(steps + 1):
            loss, (gw, gb) = tape.grad_batch(rows)
            path.append((w.data, b.data, float(loss)))
            w.data -= lr * float(gw)
            b.data -= lr * float(gb)
    return path


def descend_eagerly(
    t: list[float], y: list[float], lr: float, steps: int,
    error: Callable[[Value, float], Value] = squared,
) -> list[tuple[float, float, float]]:
    """The same descent, building the whole loss's graph and calling backward() each step."""
    w, b = Value(START[0], label="w"), Value(START[1], label="b")
    path = []
    for _ in range(steps + 1):
        loss = vsum(error(w * ti + b, yi) for ti, yi in zip(t, y)) / len(t)
        path.append((w.data, b.data, loss.data))
        w.zero_grad()
        b.zero_grad()
        loss.backward()
        w.data -= lr * w.grad
        b.data -= lr * b.grad
    return path


def curvature(t: list[float]) -> tuple[float, float]:
    """The eigenvalues (λmin, λmax) of the MSE's Hessian over (w, b).

    L(w, b) = (1/n)Σ(w·tᵢ + b − yᵢ)² is quadratic, so its Hessian is constant:
    H = (2/n)·[[Σtᵢ², Σtᵢ], [Σtᵢ, n]] (it does not depend on y).
    """
    n = len(t)
    a, c, d = 2 * sum(x * x for x in t) / n, 2 * sum(t) / n, 2.0
    mid, half = (a + d) / 2, math.hypot((a - d) / 2, c)
    return mid - half, mid + half


def lagged(t: list[float], y: list[float], lags: int) -> tuple[list[list[float]], list[float]]:
    """Inputs xⱼ = the views j days earlier (j = 1…lags) and the target: today's views."""
    return [[y[i - j] for j in range(1, lags + 1)] for i in range(lags, len(y))], y[lags:]


def descend_many(xs: list[list[float]], y: list[float], lr: float, steps: int):
    """Gradient descent on ŷ = b + w·x (several inputs), MSE; returns (w, b, loss)."""
    w = [Value(0.0, label=f"w{j + 1}") for j in range(len(xs[0]))]
    b = Value(0.0, label="b")
    for _ in range(steps):
        loss = vsum((vsum(wj * xj for wj, xj in zip(w, x)) + b - yi) ** 2
                    for x, yi in zip(xs, y)) / len(y)
        for v in (*w, b):
            v.zero_grad()
        loss.backward()
        for v in (*w, b):
            v.data -= lr * v.grad
    return [v.data for v in w], b.data, loss.data


def wave(seed: int = 3) -> tuple[list[float], list[float]]:
    """Data for the non-convex example: y = sin(2t) + noise."""
    rng = random.Random(seed)
    t = [i / 10 for i in range(40)]
    return t, [math.sin(2 * ti) + rng.gauss(0, 0.1) for ti in t]


def wave_loss(w: Value | float, t: list[float], y: list[float]) -> Value | float:
    """L(w) = (1/n)Σ(sin(w·tᵢ) − yᵢ)²: one parameter, many valleys."""
    if isinstance(w, Value):
        return vsum(((w * ti).sin() - yi) ** 2 for ti, yi in zip(t, y)) / len(t)
    return sum((math.sin(w * ti) - yi) ** 2 for ti, yi in zip(t, y)) / len(t)


def descend_wave(w0: float, t: list[float], y: list[float], lr: float, steps: int) -> float:
    """Gradient descent on wave_loss from w0; returns where it stops."""
    w = Value(w0, label="w")
    for _ in range(steps):
        w.zero_grad()
        wave_loss(w, t, y).backward()
        w.data -= lr * w.grad
    return w.data


def least_squares(t: list[float], y: list[float]) -> tuple[float, float]:
    """The exact minimizer of the mean squared error (the normal equations)."""
    n = len(t)
    mt, my = sum(t) / n, sum(y) / n
    w = sum((a - mt) * (c - my) for a, c in zip(t, y)) / sum((a - mt) ** 2 for a in t)
    return w, my - w * mt


@dataclass
class RegressionResult:
    """What the regression lesson found."""

    fit: tuple[float, float]  # (w, b) after descent with the good rate, squared error
    exact: tuple[float, float]  # the least-squares solution
    final_loss: dict[str, float]  # per rate name
    diverged: dict[str, bool]
    squared_fit: tuple[float, float]  # on data with viral days
    absolute_fit: tuple[float, float]
    mae_fit: tuple[float, float, float] = (0.0, 0.0, 0.0)  # (w, b, MAE), the post's loss
    curvature: tuple[float, float] = (0.0, 0.0)  # (λmin, λmax)
    sweep: list[tuple[float, float]] = field(default_factory=list)  # (η, loss after steps)
    many: tuple[list[float], float, float] = ([], 0.0, 0.0)  # (w, b, loss), three inputs
    many_exact: float = 0.0  # least-squares loss of the three-input model
    valleys: list[tuple[float, float, float]] = field(default_factory=list)  # (w₀, w, L)

    @property
    def critical_rate(self) -> float:
        """2/λmax: the largest learning rate for which descent on the MSE converges."""
        return 2.0 / self.curvature[1]

    def summary(self) -> str:
        """One line: what the learner will see, with its numbers."""
        w, b = self.fit
        valleys = len({round(v[1], 2) for v in self.valleys})
        return (
            f"You will fit views ≈ {w:.3f}·t + {b:.3f} by gradient descent (least squares "
            f"gives {self.exact[0]:.3f}, {self.exact[1]:.3f}), see the learning rate decide "
            f"everything around the critical rate 2/λmax = {self.critical_rate:.3f} (η = 0.2 "
            f"converges, 0.3 diverges), and find {valleys} different valleys from 4 starts on "
            "a non-convex loss."
        )


def signed(v: float, digits: int = 3) -> str:
    """A number with a Unicode minus sign."""
    return f"{v:+.{digits}f}".replace("-", "−")


def run(fast: bool = False, out: Path | None = None, verbose: bool = False) -> RegressionResult:
    """Run the lesson (``fast`` takes 40 steps instead of 100 and a coarser rate sweep)."""
    page = Page("regression", TITLE, out, verbose)
    steps = 40 if fast else STEPS
    t, y = views()
    page.say(
        f"{DAYS} days of a channel's views (time t in tens of days, views in hundreds), "
        "noisy but growing; the goal is tomorrow's views. Machine learning in three steps: "
        "(1) guess a function with unknown parameters from what you know of the problem, "
        "here views ≈ w·t + b (w the weight, b the bias); (2) a loss L(w, b) that says how "
        "bad a choice of parameters is on the data we have; (3) optimisation: find the w, b "
        "with the smallest loss."
    )
    page.heading("The loss: absolute or squared error")
    page.say(
        "Each day's miss is e = |w·t + b − y| (mean absolute error, MAE, the source post's "
        "main loss) or e = (w·t + b − y)² (mean squared error, MSE); the loss is the mean "
        "L = (1/n)Σeᵢ. Gradient descent: pick a start, let the engine build L's graph, "
        "backward() gives ∂L/∂w and ∂L/∂b, step against them: w ← w − η·∂L/∂w, and repeat. "
        "(For speed the lesson traces one day's loss once and replays it for every day, "
        "autograd.compile: the same numbers, tested against backward().) "
        "The learning rate η, the number of steps and the start are hyperparameters: we set "
        "them, the descent does not learn them."
    )
    paths = {name: descend(t, y, lr, steps) for name, lr in RATES.items()}
    exact = least_squares(t, y)
    good = paths["good"]
    mae_steps = 400 if fast else 2000
    mae_path = descend(t, y, 0.1, mae_steps, absolute)
    mae = mae_path[-1]
    shown = sorted({0, 1, 2, 5, 10, 20, steps // 2, steps})
    page.table(["step", "w (MSE)", "b (MSE)", "MSE"],
               [[i, signed(good[i][0], 5), signed(good[i][1], 5), f"{good[i][2]:.6f}"]
                for i in shown])
    page.say(
        f"MSE with η = {RATES['good']}: after {steps} steps w = {good[-1][0]:.5f}, b = "
        f"{good[-1][1]:.5f}; the exact least-squares line (normal equations) is w = "
        f"{exact[0]:.5f}, b = {exact[1]:.5f}. MAE with η = 0.1: after {mae_steps} steps "
        f"w = {mae[0]:.4f}, b = {mae[1]:.4f}, MAE {mae[2]:.4f} (about "
        f"{mae[2] * 100:.0f} views a day). The data were made with w = {TRUE_W}, b = "
        f"{TRUE_B} plus noise. MAE needs more steps: its gradient is ±1 per point (the sign "
        "of the miss) whatever the size of the miss, so it never shrinks near the minimum "
        "and the steps keep their size; MSE's gradient is 2·(miss), which fades as the line "
        "fits."
    )
    if page.drawing:
        _surface_picture(page, t, y, paths, mae_path, exact)
    lo, hi = curvature(t)
    critical = 2.0 / hi
    page.heading("The learning rate has a limit: 2/λmax")
    page.say(
        "The MSE is a quadratic bowl in (w, b): L = L* + ½(θ − θ*)ᵀH(θ − θ*) with the "
        "constant Hessian H = (2/n)·[[Σt², Σt], [Σt, n]]. One step of descent multiplies "
        "the distance to the minimum along each eigenvector of H by (1 − ηλ). Along the "
        f"steep direction λmax = {hi:.3f}, along the shallow one λmin = {lo:.3f}. Descent "
        "converges only if |1 − ηλ| < 1 in every direction, that is"
    )
    page.pre(f"η < 2/λmax = 2/{hi:.3f} = {critical:.4f}")
    page.say(
        f"η = 0.2 is below: the steep direction shrinks by |1 − 0.2·{hi:.2f}| = "
        f"{abs(1 - 0.2 * hi):.2f} per step and the shallow one by {1 - 0.2 * lo:.3f} (that "
        f"one sets the pace). η = 0.3 is above: |1 − 0.3·{hi:.2f}| = {abs(1 - 0.3 * hi):.2f}, "
        "so each step overshoots to the other side of the valley, further than it started: "
        f"after {steps} steps the distance has grown {abs(1 - 0.3 * hi) ** steps:.1e} times. "
        "And η = 0.01 is safe but crawls: the shallow direction shrinks by only "
        f"{1 - 0.01 * lo:.4f} per step."
    )
    live_training.regression(page, t, y, START, critical)
    diverged = {n: not (p[-1][2] < p[0][2]) for n, p in paths.items()}
    page.table(["rate", "η", "|1 − ηλmax|", "loss at start", f"loss after {steps} steps"],
               [[n, RATES[n], f"{abs(1 - RATES[n] * hi):.3f}", f"{p[0][2]:.4f}",
                 f"{p[-1][2]:.4g}"] for n, p in paths.items()])
    count = 12 if fast else 40
    rates = [0.3 * (i + 1) / count for i in range(count)] + [0.99 * critical, 1.01 * critical]
    sweep = sorted((lr, descend(t, y, lr, steps)[-1][2]) for lr in rates)
    page.say(
        f"A sweep over η (the loss after {steps} steps) turns at exactly that value: at "
        f"0.99·2/λmax the loss is {dict(sweep)[0.99 * critical]:.3g}, at 1.01·2/λmax it "
        f"is {dict(sweep)[1.01 * critical]:.3g}."
    )
    if page.drawing:
        _sweep_picture(page, sweep, critical, steps)
    t2, y2 = views(outliers=3)
    sq = descend(t2, y2, RATES["good"], steps * 3)[-1]
    ab = descend(t2, y2, 0.1, mae_steps, absolute)[-1]
    page.heading("Absolute error shrugs off outliers")
    page.say(
        f"Now three days go viral (+600 views). Squared error punishes a miss by its square, "
        f"so the three outliers drag the line up: w = {sq[0]:.3f}, b = {sq[1]:.3f}. Absolute "
        f"error grows only linearly, each point pulls with ±1 whatever its miss, so the "
        f"outliers count like any other point: w = {ab[0]:.3f}, b = {ab[1]:.3f}."
    )
    xs, target = lagged(t, y, 3)
    many = descend_many(xs, target, 0.01, 1000)
    many_exact = _lstsq_loss(xs, target)
    page.heading("Several inputs: r = b + Wx")
    page.say(
        "One input is rarely enough. Let the model see the views of the last three days, "
        "x = (x₁, x₂, x₃): ŷ = b + w₁x₁ + w₂x₂ + w₃x₃ = b + w·x. Trained the same way (MSE, "
        f"η = 0.01): w = ({', '.join(signed(v) for v in many[0])}), b = {signed(many[1])}, "
        f"MSE {many[2]:.4f} (the exact least-squares MSE of this model: {many_exact:.4f})."
    )
    page.say(
        "With several outputs as well (a layer of neurons), each neuron i has its own row of "
        "weights and its own bias, rᵢ = bᵢ + Σⱼ wᵢⱼxⱼ, and the layer is one matrix product:"
    )
    page.pre("r = b + W x        (r, b: one entry per neuron; W: one row per neuron)\n"
             "a = σ(r)           (a sigmoid on each entry)\n"
             "ŷ = b′ + cᵀa       (the next layer; stacking more makes the network deep)")
    page.say("The curve lesson builds exactly this model and shows what each sigmoid adds.")
    wt, wy = wave()
    starts = (0.3, 1.2, 3.2, 4.5)
    valleys = [(w0, w := descend_wave(w0, wt, wy, 0.05, 100 if fast else 300),
                wave_loss(w, wt, wy)) for w0 in starts]
    page.heading("Local minima")
    page.say(
        "The line's MSE is a single bowl, but most losses are not. Fit ŷ = sin(w·t) to data "
        "made from sin(2t): the loss L(w) has several valleys. Gradient descent only looks "
        "at the slope where it stands, so where it ends depends on where it starts — a "
        "hyperparameter again:"
    )
    page.table(["start w₀", "stops at w", "L there", "a minimum of"],
               [[w0, f"{w:.3f}", f"{loss:.4f}", "all (global)" if loss < 0.1 else "its valley"]
                for w0, w, loss in valleys])
    page.say(
        "At every stop the slope is 0, and gradient descent cannot tell a local minimum "
        "from the global one. In networks with many parameters bad local minima are rarer "
        "than this one-parameter picture suggests, but the start still matters."
    )
    result = RegressionResult(
        (good[-1][0], good[-1][1]), exact, {n: p[-1][2] for n, p in paths.items()}, diverged,
        (sq[0], sq[1]), (ab[0], ab[1]), (mae[0], mae[1], mae[2]), (lo, hi), sweep,
        many, many_exact, valleys,
    )
    if page.drawing:
        _fits_picture(page, t, y, paths, result, t2, y2, (wt, wy))
    page.write(result.summary())
    return result


def _lstsq_loss(xs: list[list[float]], y: list[float]) -> float:
    """The smallest MSE of ŷ = b + w·x (numpy's least squares)."""
    import numpy as np

    a = np.hstack([np.array(xs), np.ones((len(xs), 1))])
    coef = np.linalg.lstsq(a, np.array(y), rcond=None)[0]
    return float(np.mean((a @ coef - np.array(y)) ** 2))


def _surface(ax, fig, tt, yy, kind: str, paths: dict, exact) -> None:
    import numpy as np

    wg, bg = np.meshgrid(np.linspace(-1.5, 3.0, 120), np.linspace(-1.0, 4.5, 120))
    miss = wg[..., None] * tt + bg[..., None] - yy
    loss = (miss**2 if kind == "MSE" else np.abs(miss)).mean(axis=-1)
    levels = np.geomspace(loss.min() * 1.05, loss.max(), 16)
    cs = ax.contour(wg, bg, loss, levels=levels, cmap="viridis")
    fig.colorbar(cs, ax=ax, label=f"{kind} L(w, b)")
    for name, path in paths.items():
        inside = [p for p in path if -1.5 <= p[0] <= 3.0 and -1.0 <= p[1] <= 4.5]
        shown = path[: len(inside) + (len(inside) < len(path))]
        shown = [(min(max(p[0], -1.5), 3.0), min(max(p[1], -1.0), 4.5)) for p in shown]
        ax.plot([p[0] for p in shown], [p[1] for p in shown], ".-", ms=3, lw=0.8, label=name)
    ax.plot(*START, "ks", ms=7, label="start")
    ax.plot(*exact, "r*", ms=13, label="minimum")
    ax.set_xlim(-1.5, 3.0)
    ax.set_ylim(-1.0, 4.5)
    ax.set_xlabel("w (slope)")
    ax.set_ylabel("b (intercept)")
    ax.legend(fontsize=9, loc="upper right")


def _surface_picture(page: Page, t, y, paths, mae_path, exact) -> None:
    import numpy as np
    from matplotlib.figure import Figure

    tt, yy = np.array(t), np.array(y)
    fig = Figure(figsize=(13, 4.6))
    left, right = fig.subplots(1, 2)
    _surface(left, fig, tt, yy, "MSE",
             {f"{n}, η = {RATES[n]}": p for n, p in paths.items()}, exact)
    left.set_title("MSE: descent paths for three learning rates")
    mae_min = min(mae_path, key=lambda p: p[2])
    _surface(right, fig, tt, yy, "MAE", {"η = 0.1": mae_path}, mae_min[:2])
    right.set_title("MAE: the same start, a different valley floor")
    page.figure(fig, "surface.png", "The loss surfaces as contours with each descent path "
                "(η = 0.3 zig-zags out of the picture; its path stops at the edge).")


def _sweep_picture(page: Page, sweep, critical: float, steps: int) -> None:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7, 3.6))
    ax = fig.add_subplot()
    ax.semilogy([lr for lr, _ in sweep], [loss for _, loss in sweep], "o-", ms=3,
                label=f"MSE after {steps} steps")
    ax.axvline(critical, color="crimson", ls="--", label=f"2/λmax = {critical:.3f}")
    for name, lr in RATES.items():
        ax.axvline(lr, color="0.6", lw=0.8, ls=":")
        ax.text(lr, ax.get_ylim()[1], f" {name}", rotation=90, va="top", fontsize=9)
    ax.set_xlabel("learning rate η")
    ax.set_ylabel("loss after the run (log scale)")
    ax.set_title("Rate sweep: descent converges below 2/λmax and explodes above it")
    ax.legend(fontsize=9, loc="center left")
    page.figure(fig, "sweep.png", "Final loss against the learning rate.")


def _fits_picture(page: Page, t, y, paths, r: RegressionResult, t2, y2, wave_data) -> None:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(13, 3.8))
    axes = fig.subplots(1, 3)
    good = paths["good"][-1]
    sq, ab = r.squared_fit, r.absolute_fit
    axes[0].scatter(t, y, s=12, label="views")
    axes[0].plot(t, [good[0] * a + good[1] for a in t], color="crimson", label="MSE fit")
    axes[0].plot(t, [r.mae_fit[0] * a + r.mae_fit[1] for a in t], ls="--", label="MAE fit")
    axes[0].set_title("The fitted lines")
    axes[1].scatter(t2, y2, s=12, label="views, 3 viral days")
    axes[1].plot(t2, [sq[0] * a + sq[1] for a in t2], label="squared error")
    axes[1].plot(t2, [ab[0] * a + ab[1] for a in t2], label="absolute error")
    axes[1].set_title("Outliers pull the squared-error line")
    for ax in axes[:2]:
        ax.set_xlabel("time t (tens of days)")
        ax.set_ylabel("views (hundreds)")
        ax.legend(fontsize=9, loc="upper left")
    wt, wy = wave_data
    grid = [i / 100 for i in range(0, 600)]
    axes[2].plot(grid, [wave_loss(w, wt, wy) for w in grid], color="0.4", label="L(w)")
    axes[2].plot([v[0] for v in r.valleys], [wave_loss(v[0], wt, wy) for v in r.valleys],
                 "ks", label="starts")
    axes[2].plot([v[1] for v in r.valleys], [v[2] for v in r.valleys], "r*", ms=11,
                 label="where descent stops")
    axes[2].set_xlabel("w")
    axes[2].set_ylabel("L(w) = mean (sin(w·t) − y)²")
    axes[2].set_title("A non-convex loss: the start picks the valley")
    axes[2].legend(fontsize=9)
    page.figure(fig, "fits.png", "Left: the lines found. Middle: squared vs absolute error "
                "with outliers. Right: local minima.")


if __name__ == "__main__":
    run(out=Path("out") / "regression", verbose=True)
