"""Lesson 1, chain: three weights in a row, and backprop as one factor passed down the chain.

The model is y = w₁x, z = w₂y, e = w₃z with loss L = ½(e − ê)². It should learn to flip
the sign of its input (targets ê = −x). Everything shown is computed by the engine, and
every gradient is checked against a central difference.

Run it: ``python examples/chain.py`` (writes ``out/chain/index.html``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from autograd import Value

if __package__ in (None, ""):  # ``python examples/chain.py``
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from examples.page import Page

TITLE = "chain: three weights, one chain rule"
WEIGHTS = (0.2333, -0.233, -0.52133)
DATA = ((1.0, -1.0), (-1.0, 1.0))  # (x, target ê = −x)
LR = 0.05
EPOCHS = 160
EPS = 1e-4  # the central-difference step the lesson's table uses
CHECKED_UPDATES = 4  # how many of the first updates the table shows


def forward(ws: list[Value], x: float, target: float) -> dict[str, Value]:
    """The chain's graph for one sample: every intermediate, labelled as in the lesson."""
    w1, w2, w3 = ws
    y = w1 * x
    y.label = "y"
    z = w2 * y
    z.label = "z"
    e = w3 * z
    e.label = "e"
    error = e - target
    error.label = "e − ê"
    squared = error**2
    squared.label = "(e − ê)²"
    loss = 0.5 * squared
    loss.label = "L"
    return {"y": y, "z": z, "e": e, "L": loss}


def loss_at(weights: list[float], x: float, target: float) -> float:
    """L at the given weights, by the engine's forward pass (for central differences)."""
    return forward([Value(w) for w in weights], x, target)["L"].data


def central_difference(weights: list[float], i: int, x: float, target: float) -> float:
    """(L(wᵢ + ε) − L(wᵢ − ε)) / 2ε with ε = EPS."""
    up, down = list(weights), list(weights)
    up[i] += EPS
    down[i] -= EPS
    return (loss_at(up, x, target) - loss_at(down, x, target)) / (2 * EPS)


def naive_gradients(weights: list[float], x: float, target: float) -> list[float]:
    """The classic hand-coding bug: w₃ is updated before w₂'s and w₁'s gradients use it."""
    w1, w2, w3 = weights
    y, z = w1 * x, w2 * w1 * x
    error = w3 * z - target
    g3 = error * z
    w3 = w3 - LR * g3  # too early: the gradients below need the w₃ of the forward pass
    return [error * w3 * w2 * x, error * w3 * y, g3]


def first_pass() -> dict[str, Value]:
    """The first sample's graph at the initial weights, after one backward pass."""
    ws = [Value(w, label=f"w{s}") for w, s in zip(WEIGHTS, "₁₂₃")]
    x, target = DATA[0]
    nodes = forward(ws, x, target)
    nodes["L"].backward()
    return {**nodes, "w₁": ws[0], "w₂": ws[1], "w₃": ws[2]}


@dataclass
class GradientRow:
    """One weight at one update: the engine, central differences, the hand-coded bug."""

    update: int
    x: float
    weight: str
    engine: float
    numeric: float
    naive: float


@dataclass
class ChainResult:
    """What the chain lesson found."""

    predictions: dict[float, float]
    weights: tuple[float, float, float]
    loss: float
    rows: list[GradientRow]
    engine_error: float
    naive_error: float
    shared_factor: float
    shared_factor_by_hand: float
    naive_weights: tuple[float, float, float]
    converged_epoch: int | None
    history: list[float]

    def summary(self) -> str:
        """One line: what it learned and how its gradients checked out."""
        p = self.predictions
        return (
            f"after {len(self.history)} epochs 1 → {p[1.0]:+.4f}, −1 → {p[-1.0]:+.4f} "
            f"(signs flipped), loss {self.loss:.4f}; engine vs central differences "
            f"≤ {self.engine_error:.1e}, hand-coded pitfall off by {self.naive_error:.1e}"
        )


def train(epochs: int) -> tuple[ChainResult, dict[str, Value]]:
    """Per-sample gradient descent on the chain, checking the first updates' gradients."""
    ws = [Value(w, label=f"w{s}") for w, s in zip(WEIGHTS, "₁₂₃")]
    rows: list[GradientRow] = []
    history: list[float] = []
    naive = list(WEIGHTS)
    shared = by_hand = 0.0
    converged = None
    update = 0
    for epoch in range(epochs):
        total = 0.0
        for x, target in DATA:
            before = [w.data for w in ws]
            nodes = forward(ws, x, target)
            for w in ws:
                w.zero_grad()
            nodes["L"].backward()
            total += nodes["L"].data
            if update < CHECKED_UPDATES:
                hand = naive_gradients(before, x, target)
                for i, w in enumerate(ws):
                    rows.append(
                        GradientRow(
                            update + 1,
                            x,
                            w.label,
                            w.grad,
                            central_difference(before, i, x, target),
                            hand[i],
                        )
                    )
            for w in ws:
                w.data -= LR * w.grad
            g = naive_gradients(naive, x, target)
            naive = [w - LR * gi for w, gi in zip(naive, g)]
            update += 1
        history.append(total / len(DATA))
        if converged is None and history[-1] < 0.01:
            converged = epoch + 1
    predictions = {x: forward(ws, x, t)["e"].data for x, t in DATA}
    first = first_pass()
    shared = first["z"].grad
    by_hand = (first["e"].data - DATA[0][1]) * WEIGHTS[2]
    result = ChainResult(
        predictions=predictions,
        weights=tuple(w.data for w in ws),
        loss=history[-1] if history else float("nan"),
        rows=rows,
        engine_error=max(abs(r.engine - r.numeric) for r in rows),
        naive_error=max(abs(r.naive - r.numeric) for r in rows),
        shared_factor=shared,
        shared_factor_by_hand=by_hand,
        naive_weights=tuple(naive),
        converged_epoch=converged,
        history=history,
    )
    return result, first


def tell(page: Page, r: ChainResult, first: dict[str, Value]) -> None:
    """The lesson's narrative, with r's numbers."""
    w1, w2, w3 = WEIGHTS
    page.say(
        "Three weights in a row and no activation: y = w₁x, z = w₂y, e = w₃z, and the loss "
        "L = ½(e − ê)². The data are x = 1 with target −1 and x = −1 with target 1: the chain "
        f"must learn to flip the sign. It starts at w₁ = {w1}, w₂ = {w2}, w₃ = {w3}, so "
        f"w₁w₂w₃ = {w1 * w2 * w3:+.5f}: the wrong sign. Learning rate {LR}, one update per sample."
    )
    page.heading("Backprop computes one factor and passes it on")
    e, target = first["e"].data, DATA[0][1]
    page.say(
        f"First sample (x = 1): e = {e:+.6f}, so ∂L/∂e = e − ê = {e - target:+.6f}. "
        f"Backprop multiplies by w₃ once: ∂L/∂z = (e − ê)·w₃ = {r.shared_factor:+.6f} "
        f"(by hand: {r.shared_factor_by_hand:+.6f}). Every weight before z reuses that number:"
    )
    y, z = first["y"], first["z"]
    page.pre(
        f"∂L/∂w₃ = (e − ê)·z          = {e - target:+.6f} · {z.data:+.6f}"
        f" = {first['w₃'].grad:+.6f}\n"
        f"∂L/∂w₂ = [(e − ê)·w₃]·y      = {z.grad:+.6f} · {y.data:+.6f}"
        f" = {first['w₂'].grad:+.6f}\n"
        f"∂L/∂y  = [(e − ê)·w₃]·w₂     = {z.grad:+.6f} · {w2:+.6f} = {y.grad:+.6f}\n"
        f"∂L/∂w₁ = [(e − ê)·w₃·w₂]·x   = {y.grad:+.6f} · {DATA[0][0]:+g}"
        f" = {first['w₁'].grad:+.6f}"
    )
    page.say("(The right-hand numbers are the engine's .grad of each node after one backward().)")
    page.graph(
        first["L"],
        "graph.svg",
        "The first sample's graph after backward: every edge "
        "shows its local derivative and the product that flowed along it.",
    )
    page.step_through(first["L"], "step_through.html", "Step through this backward pass")
    page.heading("Every gradient checked against central differences")
    page.say(
        f"For the first {CHECKED_UPDATES} updates, the engine's gradient of each weight beside "
        f"(L(w + ε) − L(w − ε))/2ε with ε = {EPS:g}, and beside a hand-coded backward pass "
        "with the classic bug: it updates w₃ first and then uses the NEW w₃ in w₂'s and w₁'s "
        "gradients."
    )
    page.table(
        [
            "update",
            "x",
            "weight",
            "engine",
            "central diff",
            "|engine − cd|",
            "buggy hand code",
            "|bug − cd|",
        ],
        [
            [
                row.update,
                f"{row.x:+g}",
                row.weight,
                f"{row.engine:+.9f}",
                f"{row.numeric:+.9f}",
                f"{abs(row.engine - row.numeric):.1e}",
                f"{row.naive:+.9f}",
                f"{abs(row.naive - row.numeric):.1e}",
            ]
            for row in r.rows
        ],
    )
    page.say(
        f"The engine agrees to {r.engine_error:.1e} (the finite difference's own error); the "
        f"buggy code is off by up to {r.naive_error:.1e} on w₂ and w₁ while w₃ itself is right. "
        f"Small per step, but it is another algorithm: after {len(r.history)} epochs it is at "
        + ", ".join(f"{w:+.4f}" for w in r.naive_weights)
        + " instead of "
        + ", ".join(f"{w:+.4f}" for w in r.weights)
        + "."
    )
    page.heading("Training")
    step = max(1, len(r.history) // 8)
    page.table(
        ["epoch", "mean loss"],
        [
            [i + 1, f"{r.history[i]:.6f}"]
            for i in [*range(0, len(r.history) - 1, step), -1 + len(r.history)]
        ],
    )
    p = r.predictions
    page.say(
        f"After {len(r.history)} epochs: 1 → {p[1.0]:+.6f} and −1 → {p[-1.0]:+.6f}, so both "
        f"signs are now right; weights {', '.join(f'{w:+.6f}' for w in r.weights)}; mean loss "
        f"{r.loss:.6f}. The loss is still large: the weights had to pass through zero, where "
        "the gradient of a product of three small numbers is tiny (a saddle). "
        + (
            f"Kept going, the same run's loss falls below 0.01 at epoch {r.converged_epoch}."
            if r.converged_epoch
            else "Even 250 epochs do not bring the loss below 0.01."
        )
    )
    if page.drawing:
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(6, 3))
        ax.plot(range(1, len(r.history) + 1), r.history)
        ax.set_xlabel("epoch")
        ax.set_ylabel("mean loss")
        ax.set_title("The chain's loss: a long plateau at the saddle, then the drop")
        page.figure(fig, "loss.png", "Mean loss per epoch.")


def run(
    fast: bool = False, out: Path | None = None, verbose: bool = False, epochs: int = EPOCHS
) -> ChainResult:
    """Run the lesson (``fast`` changes nothing here: it takes milliseconds)."""
    result, first = train(epochs)
    if result.converged_epoch is None:
        result.converged_epoch = train(max(250, epochs))[0].converged_epoch
    page = Page("chain", TITLE, out, verbose)
    tell(page, result, first)
    page.write(result.summary())
    return result


if __name__ == "__main__":
    run(out=Path("out") / "chain", verbose=True)
