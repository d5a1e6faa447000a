"""Lesson 4, curve: a network with one hidden layer is a constant plus a sum of pieces.

``MLP(1, [k, 1])`` computes f(x) = b + Σᵢ vᵢ·act(wᵢx + cᵢ): each hidden neuron, scaled by
its output weight, is one piece. With sigmoids each piece is a soft step; with ReLUs a
hinge, and two hinges make a "hard sigmoid": relu(x + ½) − relu(x − ½) climbs from 0 to 1
and stays. Training places the pieces; more pieces fit a curve better.

Run it: ``python examples/curve.py`` (writes ``out/curve/index.html``).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path

import nn
from autograd import Value, no_grad

if __package__ in (None, ""):  # ``python examples/curve.py``
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from examples.page import Page

TITLE = "curve: a constant plus a sum of sigmoids (or ReLUs)"
PIECES = (1, 2, 4, 8)
SHOWN = 4  # the width whose pieces are drawn


def pieces(model: nn.MLP, x: float) -> tuple[float, list[float]]:
    """The constant b and each piece vᵢ·act(wᵢx + cᵢ) of a one-hidden-layer MLP at x."""
    hidden, last = model.layers[0], model.layers[1].neurons[0]
    with no_grad():
        acts = hidden([x])
        acts = acts if isinstance(acts, list) else [acts]
        return last.b.data, [v.data * a.data for v, a in zip(last.w, acts)]


def fit_curve(k: int, activation: str, X, y, epochs: int, seed: int = 0) -> tuple[nn.MLP, float]:
    """Train MLP(1, [k, 1]) with Adam on the mean squared error; return it and its final loss."""
    model = nn.MLP(1, [k, 1], activation=activation, seed=seed)
    opt = nn.Adam(model.parameters(), lr=0.05)
    nn.fit(model, X, y, nn.mse_loss, opt, epochs=epochs, progress=False)
    return model, nn.evaluate(model, X, y, nn.mse_loss)["loss"]


@dataclass
class CurveResult:
    """What the curve lesson found: the final MSE per activation and number of pieces."""

    mse: dict[str, dict[int, float]]
    hard_sigmoid: list[tuple[float, float]]
    sum_error: float  # |model(x) − (b + Σ pieces)|, max over the grid: the pieces ARE the model

    def summary(self) -> str:
        """One line: the MSE as pieces are added, for each activation."""
        parts = [
            f"{act}: " + " → ".join(f"{self.mse[act][k]:.4f}" for k in sorted(self.mse[act]))
            for act in self.mse
        ]
        ks = "/".join(str(k) for k in sorted(next(iter(self.mse.values()))))
        return f"MSE with {ks} pieces — " + "; ".join(parts)


def run(fast: bool = False, out: Path | None = None, verbose: bool = False) -> CurveResult:
    """Run the lesson (``fast``: fewer points, epochs and widths)."""
    page = Page("curve", TITLE, out, verbose)
    n, epochs = (30, 60) if fast else (60, 300)
    widths = (1, 4) if fast else PIECES
    X, y = nn.make_regression(n, noise=0.05, seed=0, kind="curved")
    page.say(
        f"Target: y = sin(πx) + noise on {n} points in [−1, 1]. Model: MLP(1, [k, 1]), "
        "f(x) = b + Σᵢ vᵢ·act(wᵢx + cᵢ), trained with Adam (lr 0.05) on the mean squared "
        f"error for {epochs} full-batch epochs."
    )
    page.heading("A hard sigmoid is two ReLUs")
    grid = [-1.0, -0.5, 0.0, 0.5, 1.0]
    hard = []
    for x in grid:
        v = Value(x)
        hard.append((x, ((v + 0.5).relu() - (v - 0.5).relu()).data))
    page.table(["x", "relu(x + ½) − relu(x − ½)"], [[f"{x:+.1f}", f"{h:.2f}"] for x, h in hard])
    page.say("Flat at 0, a ramp, flat at 1: a sigmoid with corners. So whatever sigmoids can "
             "build, pairs of ReLUs can build too.")
    mse: dict[str, dict[int, float]] = {}
    models: dict[str, nn.MLP] = {}
    for act in ("sigmoid", "relu"):
        mse[act] = {}
        for k in widths:
            model, loss = fit_curve(k, act, X, y, epochs)
            mse[act][k] = loss
            if k == max(w for w in widths if w <= SHOWN):
                models[act] = model
    page.heading("More pieces fit better")
    page.table(["pieces k", *(f"MSE ({a})" for a in mse)],
               [[k, *(f"{mse[a][k]:.5f}" for a in mse)] for k in widths])
    page.say(
        "One sigmoid is a single step: it cannot make the rise and fall of sin(πx). A few "
        "pieces can: each one adds a bump or a ramp where training put it. The noise sets a "
        "floor near 0.05² = 0.0025 that no number of pieces should go below on fresh data."
    )
    stalls = [f"{a} with {k2} after {k1}" for a in mse
              for k1, k2 in itertools.pairwise(widths) if mse[a][k2] >= mse[a][k1]]
    if stalls:
        page.say(
            "Not strictly, in this run: " + ", ".join(stalls) + " did not improve. Gradient "
            "descent can leave pieces where they do nothing (a ReLU that is off on every "
            "point gets zero gradient and stays dead; a saturated sigmoid barely moves). "
            "The capacity is there; this training did not use it."
        )
    worst = 0.0
    for model in models.values():
        for x in (-0.9, -0.3, 0.2, 0.8):
            b, ps = pieces(model, x)
            with no_grad():
                worst = max(worst, abs(model([x]).data - (b + sum(ps))))
    page.say(
        f"Check: at sample points, b + Σ pieces equals the model's output to {worst:.1e}: "
        "the pieces are not an analogy, they are the network."
    )
    if page.drawing:
        _pictures(page, models, X, y)
    result = CurveResult(mse, hard, worst)
    page.write(result.summary())
    return result


def _pictures(page: Page, models: dict[str, nn.MLP], X, y) -> None:
    import matplotlib.pyplot as plt

    xs = [-1 + 2 * i / 199 for i in range(200)]
    fig, axes = plt.subplots(1, len(models), figsize=(6 * len(models), 4))
    for ax, (act, model) in zip(axes, models.items()):
        evals = [pieces(model, x) for x in xs]
        b = evals[0][0]
        for i in range(len(evals[0][1])):
            ax.plot(xs, [e[1][i] for e in evals], "--", lw=1, label=f"piece {i + 1}")
        ax.plot(xs, [b + sum(e[1]) for e in evals], color="black", lw=2, label="b + Σ pieces")
        ax.scatter([p[0] for p in X], y, s=10, color="crimson", label="data")
        ax.axhline(b, color="gray", lw=0.8)
        ax.set_title(f"{act}: {len(evals[0][1])} pieces, constant b = {b:.2f}")
        ax.legend(fontsize=7)
    page.figure(fig, "pieces.png", "Each learned piece vᵢ·act(wᵢx + cᵢ) (dashed), the constant "
                "(gray) and their sum (black) against the data.")


if __name__ == "__main__":
    run(out=Path("out") / "curve", verbose=True)
