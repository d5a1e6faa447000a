"""Lesson 3, regression: fit a line by gradient descent, and watch the learning rate.

A channel's daily views grow roughly linearly; fit views ≈ w·t + b by gradient descent on
the mean squared error, with the engine computing ∂L/∂w and ∂L/∂b. The loss over (w, b) is
a bowl; descent walks down it. Too small a step crawls, too large a step diverges. Then
squared against absolute error when a few days go viral.

Run it: ``python examples/regression.py`` (writes ``out/regression/index.html``).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from autograd import Value
from autograd import sum as vsum

if __package__ in (None, ""):  # ``python examples/regression.py``
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
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
    """Full-batch gradient descent from START: (w, b, loss) before each step and at the end."""
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


def least_squares(t: list[float], y: list[float]) -> tuple[float, float]:
    """The exact minimizer of the mean squared error (the normal equations)."""
    n = len(t)
    mt, my = sum(t) / n, sum(y) / n
    w = sum((a - mt) * (c - my) for a, c in zip(t, y)) / sum((a - mt) ** 2 for a in t)
    return w, my - w * mt


@dataclass
class RegressionResult:
    """What the regression lesson found."""

    fit: tuple[float, float]  # (w, b) after descent with the good rate
    exact: tuple[float, float]  # the least-squares solution
    final_loss: dict[str, float]  # per rate name
    diverged: dict[str, bool]
    squared_fit: tuple[float, float]  # on data with viral days
    absolute_fit: tuple[float, float]

    def summary(self) -> str:
        """One line: the fit and what each rate did."""
        w, b = self.fit
        rates = ", ".join(
            f"{name} {'diverged' if self.diverged[name] else f'{loss:.4f}'}"
            for name, loss in self.final_loss.items()
        )
        return (
            f"views ≈ {w:.3f}·t + {b:.3f} (least squares {self.exact[0]:.3f}, "
            f"{self.exact[1]:.3f}); final loss by rate: {rates}; with viral days the slope is "
            f"{self.squared_fit[0]:.2f} (squared) vs {self.absolute_fit[0]:.2f} (absolute)"
        )


def run(fast: bool = False, out: Path | None = None, verbose: bool = False) -> RegressionResult:
    """Run the lesson (``fast`` takes 40 steps instead of 100 and fewer for |error|)."""
    page = Page("regression", TITLE, out, verbose)
    steps = 40 if fast else STEPS
    t, y = views()
    page.say(
        f"{DAYS} days of a channel's views (time t in tens of days, views in hundreds), "
        "noisy but growing. Model: views ≈ w·t + b. Loss: the mean squared error "
        "L(w, b) = (1/n)Σ(w·tᵢ + b − yᵢ)². Each step the engine builds L's graph, backward() "
        "gives ∂L/∂w and ∂L/∂b, and we step against them: w ← w − η·∂L/∂w."
    )
    paths = {name: descend(t, y, lr, steps) for name, lr in RATES.items()}
    exact = least_squares(t, y)
    good = paths["good"]
    page.heading("Descent with a good learning rate")
    shown = sorted({0, 1, 2, 5, 10, 20, steps // 2, steps})
    page.table(["step", "w", "b", "loss"],
               [[i, f"{good[i][0]:+.5f}", f"{good[i][1]:+.5f}", f"{good[i][2]:.6f}"]
                for i in shown])
    page.say(
        f"After {steps} steps with η = {RATES['good']}: w = {good[-1][0]:.5f}, "
        f"b = {good[-1][1]:.5f}; the exact least-squares line (normal equations) is "
        f"w = {exact[0]:.5f}, b = {exact[1]:.5f}. (The data were made with w = {TRUE_W}, "
        f"b = {TRUE_B} plus noise.)"
    )
    page.heading("Three learning rates")
    diverged = {n: not (p[-1][2] < p[0][2]) for n, p in paths.items()}
    page.table(["rate", "η", "loss at start", f"loss after {steps} steps", "verdict"],
               [[n, RATES[n], f"{p[0][2]:.4f}", f"{p[-1][2]:.4g}",
                 "diverged" if diverged[n] else "converging"] for n, p in paths.items()])
    page.say(
        "The bowl is steep along one direction and shallow along the other. Too small a step "
        "crawls down the shallow direction; too large a step overshoots the steep one by more "
        "than it gained, so each step lands higher than the last and the loss explodes."
    )
    t2, y2 = views(outliers=3)
    absolute_steps = 400 if fast else 2000
    sq = descend(t2, y2, RATES["good"], steps * 3)[-1]
    ab = descend(t2, y2, 0.1, absolute_steps, absolute)[-1]
    page.heading("Squared or absolute error")
    page.say(
        f"Now three days go viral (+600 views). Squared error punishes a miss by its square, "
        f"so the three outliers drag the line up: w = {sq[0]:.3f}, b = {sq[1]:.3f}. Absolute "
        f"error |w·t + b − y| grows only linearly, its gradient is ±1 per point whatever the "
        f"miss, so the outliers count like any other point: w = {ab[0]:.3f}, b = {ab[1]:.3f} "
        f"(η = 0.1, {absolute_steps} steps: the ±1 gradient never shrinks, so it needs more)."
    )
    if page.drawing:
        _pictures(page, t, y, paths, t2, y2, sq, ab)
    result = RegressionResult(
        (good[-1][0], good[-1][1]), exact, {n: p[-1][2] for n, p in paths.items()}, diverged,
        (sq[0], sq[1]), (ab[0], ab[1]),
    )
    page.write(result.summary())
    return result


def _pictures(page: Page, t, y, paths, t2, y2, sq, ab) -> None:
    import matplotlib.pyplot as plt
    import numpy as np

    tt, yy = np.array(t), np.array(y)
    fig, axes = plt.subplots(1, 3, figsize=(13, 4))
    for ax, (name, path) in zip(axes, paths.items()):
        inside = [i for i, p in enumerate(path) if abs(p[0]) > 10 or abs(p[1]) > 10]
        shown = path[: inside[0] + 1] if inside else path  # up to where it leaves the picture
        wg, bg = np.meshgrid(np.linspace(-1.5, 3.0, 120), np.linspace(-1.0, 4.5, 120))
        loss = ((wg[..., None] * tt + bg[..., None] - yy) ** 2).mean(axis=-1)
        ax.contour(wg, bg, loss, levels=np.geomspace(0.05, 60, 18), cmap="viridis")
        ax.plot([p[0] for p in shown], [p[1] for p in shown], "o-", ms=2, color="crimson")
        ax.set_title(f"{name}: η = {RATES[name]}")
        ax.set_xlabel("w")
        ax.set_ylabel("b")
        ax.set_xlim(-1.5, 3.0)
        ax.set_ylim(-1.0, 4.5)
    page.figure(fig, "surface.png", "The loss surface L(w, b) as contours, and each rate's "
                "descent path from the same start (the diverging path leaves the picture).")
    fig, ax = plt.subplots(figsize=(6, 3.5))
    for name, path in paths.items():
        ax.semilogy([p[2] for p in path], label=f"{name} (η = {RATES[name]})")
    ax.set_xlabel("step")
    ax.set_ylabel("loss")
    ax.legend()
    page.figure(fig, "loss.png", "Loss per step for the three learning rates (log scale).")
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.8))
    good = paths["good"][-1]
    axes[0].scatter(t, y, s=12)
    axes[0].plot(t, [good[0] * a + good[1] for a in t], color="crimson")
    axes[0].set_title("the fitted line")
    axes[1].scatter(t2, y2, s=12)
    axes[1].plot(t2, [sq[0] * a + sq[1] for a in t2], label="squared error")
    axes[1].plot(t2, [ab[0] * a + ab[1] for a in t2], label="absolute error")
    axes[1].set_title("three viral days")
    axes[1].legend()
    for ax in axes:
        ax.set_xlabel("time (tens of days)")
        ax.set_ylabel("views (hundreds)")
    page.figure(fig, "fits.png", "Left: the line gradient descent found. Right: squared vs "
                "absolute error when three days go viral.")


if __name__ == "__main__":
    run(out=Path("out") / "regression", verbose=True)
