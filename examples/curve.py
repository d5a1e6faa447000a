"""Lesson: curve: a network with one hidden layer is a constant plus a sum of pieces.

``MLP(1, [k, 1])`` computes f(x) = b + Σᵢ vᵢ·act(wᵢx + cᵢ): each hidden neuron, scaled by
its output weight, is one piece. With sigmoids each piece is a soft step; with ReLUs a
hinge, and two hinges make a "hard sigmoid": relu(x + ½) − relu(x − ½) climbs from 0 to 1
and stays. Training places the pieces; more pieces fit a curve better, once each piece
starts where it can matter: spread over the inputs, not dead on all of them.

Run it: ``python examples/curve.py`` (writes ``out/curve/index.html``).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path

import nn
from autograd import Value, no_grad

if __package__ in (None, ""):  # ``python examples/curve.py``
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from examples.page import Page

TITLE = "curve: a constant plus a sum of sigmoids (or ReLUs)"
BLURB = (
    "A constant plus a few sigmoids or ReLUs can draw any curve: see the pieces, and "
    "how much training error to expect from 13 parameters on 60 noisy points."
)
MINUTES = 10
PIECES = (1, 2, 4, 8)
SHOWN = 4  # the width whose pieces are drawn
EPOCHS, LR = 2000, 0.02
GAIN = 0.01  # an added piece "helped" when the MSE fell by at least 1%
NOISE = 0.05  # the standard deviation of the data's noise
FRESH = 1000  # fresh points to measure the error on data the training never saw


def pieces(model: nn.MLP, x: float) -> tuple[float, list[float]]:
    """The constant b and each piece vᵢ·act(wᵢx + cᵢ) of a one-hidden-layer MLP at x."""
    hidden, last = model.layers[0], model.layers[1].neurons[0]
    with no_grad():
        acts = hidden([x])
        acts = acts if isinstance(acts, list) else [acts]
        return last.b.data, [v.data * a.data for v, a in zip(last.w, acts)]


def spread(model: nn.MLP, activation: str) -> None:
    """Start piece i of k centred at mᵢ = −1 + (2i + 1)/k, evenly over the inputs [−1, 1].

    Piece i is act(wᵢx + cᵢ) with cᵢ = −wᵢmᵢ, so its step (sigmoid) or kink (ReLU) sits at
    x = mᵢ. Directions alternate, so half the ReLUs are on to the left of their kink and
    half to the right: every ReLU is on for some inputs, none starts dead. A sigmoid's
    slope 4k makes its step about as wide as the gap between centres.
    """
    hidden = model.layers[0].neurons
    k = len(hidden)
    for i, neuron in enumerate(hidden):
        centre = -1 + (2 * i + 1) / k
        w = (4.0 * k if activation == "sigmoid" else 2.0) * (1 if i % 2 == 0 else -1)
        neuron.w[0].data, neuron.b.data = w, -w * centre


def fit_curve(k: int, activation: str, X, y, epochs: int = EPOCHS, seed: int = 0,
              spread_pieces: bool = True) -> tuple[nn.MLP, float]:
    """Train MLP(1, [k, 1]) with Adam on the mean squared error; return it and its final loss.

    ``nn.fit(compile=True)`` compiles one sample's loss once (``autograd.compile``: the
    engine's forward and backward written out) and replays it for all points with numpy;
    the final loss is measured by the engine itself (``nn.evaluate``).
    """
    model = nn.MLP(1, [k, 1], activation=activation, seed=seed)
    if spread_pieces:
        spread(model, activation)
    opt = nn.Adam(model.parameters(), lr=LR)
    nn.fit(model, X, y, nn.mse_loss, opt, epochs=epochs, progress=False, compile=True)
    return model, nn.evaluate(model, X, y, nn.mse_loss)["loss"]


def dead(model: nn.MLP, X) -> int:
    """How many hidden units output exactly 0 on every input in X (a dead ReLU)."""
    rows = []
    with no_grad():
        for x in X:
            acts = model.layers[0]([x[0]])
            rows.append([a.data for a in (acts if isinstance(acts, list) else [acts])])
    return sum(all(r[i] == 0.0 for r in rows) for i in range(len(rows[0])))


@dataclass
class CurveResult:
    """What the curve lesson found: the final MSE per activation and number of pieces."""

    mse: dict[str, dict[int, float]]  # pieces spread over the inputs at the start
    default_mse: dict[str, dict[int, float]]  # nn's default start (uniform ±1/√nin)
    dead_relus: dict[int, int]  # default start: ReLUs off on every point, per width
    hard_sigmoid: list[tuple[float, float]]
    sum_error: float  # |model(x) − (b + Σ pieces)|, max over the grid: the pieces ARE the model
    points: int = 0  # training points n
    fresh_mse: dict[str, dict[int, float]] = field(default_factory=dict)  # on FRESH new points

    def summary(self) -> str:
        """One line: what the learner will see, with its numbers."""
        ks = sorted(next(iter(self.mse.values())))
        parts = [f"{self.mse[act][ks[0]]:.4f} → {self.mse[act][ks[-1]]:.4f} ({act})"
                 for act in self.mse]
        return (
            "You will watch sigmoid and ReLU pieces add up to a curve: from "
            f"{ks[0]} to {ks[-1]} pieces the error falls " + " and ".join(parts)
            + ", and see where more pieces start fitting the noise."
        )


def run(fast: bool = False, out: Path | None = None, verbose: bool = False) -> CurveResult:
    """Run the lesson (``fast``: fewer points, epochs and widths)."""
    page = Page("curve", TITLE, out, verbose)
    n, epochs = (30, 300) if fast else (60, EPOCHS)
    widths = (1, 4) if fast else PIECES
    X, y = nn.make_regression(n, noise=NOISE, seed=0, kind="curved")
    X_new, y_new = nn.make_regression(FRESH, noise=NOISE, seed=1, kind="curved")
    page.say(
        f"Target: y = sin(πx) + noise on {n} points in [−1, 1]. Model: MLP(1, [k, 1]), "
        f"f(x) = b + Σᵢ vᵢ·act(wᵢx + cᵢ), trained with Adam (lr {LR}) on the mean squared "
        f"error for {epochs} full-batch epochs by nn.fit(compile=True): one sample's loss is "
        "compiled once (autograd.compile, the engine's backward written out) and replayed "
        "for all points; "
        "the MSEs below are measured by the engine itself after training."
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
    if page.drawing:
        _hard_sigmoid(page)
    mse: dict[str, dict[int, float]] = {"sigmoid": {}, "relu": {}}
    default: dict[str, dict[int, float]] = {"sigmoid": {}, "relu": {}}
    dead_relus: dict[int, int] = {}
    models: dict[str, nn.MLP] = {}
    every: dict[tuple[str, int], nn.MLP] = {}
    fresh: dict[str, dict[int, float]] = {"sigmoid": {}, "relu": {}}
    for act in mse:
        for k in widths:
            model, mse[act][k] = fit_curve(k, act, X, y, epochs)
            every[act, k] = model
            fresh[act][k] = nn.evaluate(model, X_new, y_new, nn.mse_loss)["loss"]
            if k == max(w for w in widths if w <= SHOWN):
                models[act] = model
            plain, default[act][k] = fit_curve(k, act, X, y, epochs, spread_pieces=False)
            if act == "relu":
                dead_relus[k] = dead(plain, X)
    page.heading("More pieces fit better")
    page.say(
        "Each piece starts with its step or kink at its own place, evenly spread over "
        "[−1, 1] (sigmoids rising and falling in turn, ReLUs facing left and right in turn), "
        "so every piece touches some of the data from the first step."
    )
    if page.drawing:
        _grid(page, every, widths, X, y)
    var = NOISE**2
    page.table(
        ["pieces k", "parameters p = 3k + 1", *(f"training MSE ({a})" for a in mse),
         "σ²(1 − p/n)", *(f"fresh MSE ({a})" for a in mse), "σ²(1 + p/n)"],
        [[k, 3 * k + 1, *(f"{mse[a][k]:.5f}" for a in mse),
          f"{var * (1 - (3 * k + 1) / n):.5f}", *(f"{fresh[a][k]:.5f}" for a in mse),
          f"{var * (1 + (3 * k + 1) / n):.5f}"] for k in widths],
    )
    page.say(
        "One sigmoid is a single step and one ReLU a single hinge: neither can make the "
        "rise and fall of sin(πx). Each added piece adds a bump or a ramp where training "
        "moves it. How low should the error go? The noise has variance σ² = "
        f"{NOISE}² = {var:g}, but that is not the floor on the training points: a model "
        f"with p parameters fitted to n = {n} points bends towards the noise of those very "
        "points, and for a model whose shape is right the expected training error is "
        "σ²(1 − p/n), the expected error on fresh data σ²(1 + p/n) (exact for models "
        "linear in their parameters, a good guide here). With 4 pieces, p = 13: "
        f"{var:g}·(1 − 13/{n}) = {var * (1 - 13 / n):.5f} — so a training MSE below "
        f"{var:g} is what a correct fit looks like, not proof of fitting noise. The fresh "
        f"column (MSE on {FRESH} new points) is the honest test: it sits above σ²."
        + (
            f" From {widths[-2]} to {widths[-1]} sigmoid pieces the training error falls "
            f"({mse['sigmoid'][widths[-2]]:.5f} → {mse['sigmoid'][widths[-1]]:.5f}) while "
            f"the fresh error rises ({fresh['sigmoid'][widths[-2]]:.5f} → "
            f"{fresh['sigmoid'][widths[-1]]:.5f}): that, not a training error below σ², is "
            "the sign of fitting the noise."
            if len(widths) > 2 and fresh["sigmoid"][widths[-1]] > fresh["sigmoid"][widths[-2]]
            else ""
        )
    )
    page.say(_verdict(mse, widths, "With the spread start"))
    page.heading("The same networks from nn's default start")
    page.table(["pieces k", *(f"MSE ({a})" for a in default), "dead ReLUs at the end"],
               [[k, *(f"{default[a][k]:.5f}" for a in default), dead_relus[k]]
                for k in widths])
    page.say(
        "nn's default start (PyTorch's: every weight and bias uniform in ±1/√nin) puts "
        "all the kinks and steps at random places, some outside the data. A ReLU that is "
        "off on every point gets zero gradient and stays off: a dead piece, capacity the "
        "training cannot use. " + _verdict(default, widths, "From this start")
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
    result = CurveResult(mse, default, dead_relus, hard, worst, n, fresh)
    page.write(result.summary())
    return result


def _verdict(mse: dict[str, dict[int, float]], widths, where: str) -> str:
    """Whether every added piece lowered the MSE, naming the widths where it did not."""
    stalls = [f"{a} {k1} → {k2}" for a in mse
              for k1, k2 in itertools.pairwise(widths) if mse[a][k2] > (1 - GAIN) * mse[a][k1]]
    if not stalls:
        return (f"{where}, every added piece lowered the error (by at least {GAIN:.0%}), for "
                "both activations.")
    return (f"{where}, adding pieces did not lower the error by {GAIN:.0%} at: "
            + ", ".join(stalls) + ". The capacity was there; this training did not use it.")


def _hard_sigmoid(page: Page) -> None:
    """The two ReLUs, their difference, and a sigmoid of the same slope, computed by the engine."""
    from matplotlib.figure import Figure

    xs = [-2 + 4 * i / 200 for i in range(201)]
    up = [Value(x + 0.5).relu().data for x in xs]
    down = [Value(x - 0.5).relu().data for x in xs]
    fig = Figure(figsize=(6.5, 3.4))
    ax = fig.add_subplot()
    ax.plot(xs, up, "--", label="relu(x + ½)")
    ax.plot(xs, [-d for d in down], "--", label="−relu(x − ½)")
    ax.plot(xs, [u - d for u, d in zip(up, down)], color="black", lw=2,
            label="their sum: a hard sigmoid")
    ax.plot(xs, [Value(4 * x).sigmoid().data for x in xs], color="crimson", lw=1,
            label="σ(4x), a sigmoid of the same slope at 0")
    ax.set_xlabel("x")
    ax.set_ylabel("output")
    ax.set_ylim(-1.6, 1.6)
    ax.set_title("Two ReLUs make a step: relu(x + ½) − relu(x − ½)")
    ax.legend(fontsize=9, loc="lower right")
    page.figure(fig, "hard_sigmoid.png", "A hard sigmoid from two ReLUs, beside a sigmoid.")


def _draw_pieces(ax, model: nn.MLP, X, y, title: str, fontsize: int = 10,
                 legend: bool = True) -> None:
    """One panel: each piece dashed, the constant, their sum and the data."""
    xs = [-1 + 2 * i / 199 for i in range(200)]
    evals = [pieces(model, x) for x in xs]
    b = evals[0][0]
    for i in range(len(evals[0][1])):
        ax.plot(xs, [e[1][i] for e in evals], "--", lw=1,
                label="each piece vᵢ·act(wᵢx + cᵢ)" if i == 0 else "_piece")
    ax.axhline(b, color="gray", lw=0.8, label=f"constant b = {b:.2f}")
    ax.plot(xs, [b + sum(e[1]) for e in evals], color="black", lw=2, label="b + Σ pieces")
    ax.scatter([p[0] for p in X], y, s=8, color="crimson", label="data", zorder=3)
    ax.set_ylim(-2.6, 2.2)  # pieces may leave the picture: the sum is what must fit
    ax.set_title(title, fontsize=fontsize + 1)
    ax.set_xlabel("x", fontsize=fontsize)
    ax.set_ylabel("y", fontsize=fontsize)
    ax.tick_params(labelsize=fontsize - 1)
    if legend:
        ax.legend(fontsize=fontsize - 1, loc="lower left")


def _grid(page: Page, every: dict[tuple[str, int], nn.MLP], widths, X, y) -> None:
    """Every trained network's pieces, sigmoid above ReLU, more pieces to the right."""
    from matplotlib.figure import Figure

    acts = ("sigmoid", "relu")
    fig = Figure(figsize=(10, 6.6), layout="constrained")  # 900 px: the page's column
    axes = fig.subplots(2, len(widths), squeeze=False, sharex=True, sharey=True)
    for row, act in enumerate(acts):
        for col, k in enumerate(widths):
            _draw_pieces(axes[row][col], every[act, k], X, y,
                         f"{act}, {k} piece{'s' if k > 1 else ''}", legend=False)
    handles, labels = axes[0][-1].get_legend_handles_labels()
    keep = [(h, t) for h, t in zip(handles, labels) if not t.startswith("constant")]
    fig.legend([h for h, _ in keep], [t for _, t in keep], loc="outside upper center",
               ncols=len(keep), fontsize=9)
    page.figure(fig, "grid.png", "Sigmoid pieces (top) and ReLU pieces (bottom) for "
                f"{', '.join(map(str, widths))} pieces: each dashed curve is one hidden "
                "neuron times its output weight; the grey line is the constant b, the black curve "
                "the sum of them all.")


def _pictures(page: Page, models: dict[str, nn.MLP], X, y) -> None:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6 * len(models), 4))
    axes = fig.subplots(1, len(models), squeeze=False)[0]
    for ax, (act, model) in zip(axes, models.items()):
        k = len(model.layers[0].neurons)
        _draw_pieces(ax, model, X, y, f"{act}: {k} pieces add up to the curve")
    page.figure(fig, "pieces.png", "One width up close: each learned piece (dashed), the "
                "constant (gray) and their sum (black) against the data.")


if __name__ == "__main__":
    run(out=Path("out") / "curve", verbose=True)
