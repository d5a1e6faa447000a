"""Lesson 5, minibatch: one epoch, many ways to slice it.

The same model and data, trained full-batch (one update per epoch), with mini-batches of
several sizes, and per sample (one update per point). Per epoch, smaller batches make more
progress, because they update more often, until their noise costs more than the extra
updates gain. Per update, big batches make more: each of their gradients averages more
samples, so it is less noisy.

Run it: ``python examples/minibatch.py`` (writes ``out/minibatch/index.html``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import nn

if __package__ in (None, ""):  # ``python examples/minibatch.py``
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from examples import live_training
from examples.page import Page

TITLE = "minibatch: full batch, mini-batches and single samples"
BLURB = (
    "Full batch, mini-batches and single samples: what a batch averages and what "
    "each update costs."
)
MINUTES = 5
LR = 0.1


@dataclass
class MinibatchResult:
    """What the minibatch lesson found: per batch size, the full-data loss per epoch."""

    n: int
    losses: dict[int, list[float]]  # batch size -> loss on all the data after each epoch
    updates_per_epoch: dict[int, int]
    updates_to_match_full: dict[int, int | None]  # updates to reach the full batch's final loss

    def summary(self) -> str:
        """One line: what the learner will see, with its numbers."""
        epochs = len(next(iter(self.losses.values())))
        best = min(self.losses, key=lambda s: self.losses[s][-1])
        name = "the full batch" if best == self.n else f"batch {best}"
        updates, size = min((u, s) for s, u in self.updates_to_match_full.items()
                            if u is not None)
        fewest = "the full batch" if size == self.n else f"batch {size}"
        return (
            "You will train one model with the full batch, mini-batches and single samples: "
            f"per epoch {name} gets lowest ({self.losses[best][-1]:.4f} after {epochs} "
            f"epochs), per update {fewest} needs fewest ({updates} updates)."
        )


def per_epoch(losses: dict[int, list[float]], n: int, epochs: int) -> str:
    """What the table says per epoch, read from its numbers (smaller is not always better)."""
    ranked = sorted(losses, key=lambda s: losses[s][-1])
    best, smallest = ranked[0], min(losses)
    name = {s: "the full batch" if s == n else f"batch {s}" for s in losses}
    text = (f"Read it two ways. Per epoch (the same number of gradient evaluations), "
            f"{name[best]} ends lowest after {epochs} epochs ({losses[best][-1]:.4f})")
    if best == smallest:
        return text + ": the smaller the batch, the more steps, the further it gets."
    return (text + f", ahead of the larger batches, which take fewer steps; but "
            f"{name[smallest]} ends at {losses[smallest][-1]:.4f}, behind it: at this "
            "learning rate a single sample's gradient is noisy enough that its extra steps "
            "partly undo each other.")


def run(fast: bool = False, out: Path | None = None, verbose: bool = False) -> MinibatchResult:
    """Run the lesson (``fast``: fewer points and epochs)."""
    page = Page("minibatch", TITLE, out, verbose)
    n, epochs = (24, 8) if fast else (64, 40)
    X, y = nn.make_regression(n, noise=0.05, seed=0, kind="curved")
    sizes = [n, 16, 4, 1] if not fast else [n, 4, 1]
    page.say(
        f"{n} points of sin(πx) + noise; MLP(1, [8, 1]) with tanh, mean squared error, plain "
        f"SGD with lr {LR}, the same initial weights (seed 0) every time, {epochs} epochs. "
        "After each epoch the loss on ALL the data is measured, so the curves compare fairly. "
        "nn.fit(compile=True) replays one sample's compiled loss (the engine's backward "
        "written out) for each batch: the same updates as eager training, faster."
    )
    page.say(
        "The recipe: shuffle the data into batches of B samples; for each batch, the "
        "gradient is the mean over its samples, g = (1/B)·Σ ∇Lᵢ, and the parameters step "
        "θ ← θ − η·g. One epoch visits every batch once, so it makes ⌈N/B⌉ updates: one "
        "for the full batch, N for single samples."
    )
    live_training.minibatch(page, X, y, LR)
    losses: dict[int, list[float]] = {}
    updates: dict[int, int] = {}
    for size in sizes:
        model = nn.MLP(1, [8, 1], activation="tanh", seed=0)
        opt = nn.SGD(model.parameters(), lr=LR)
        history = nn.fit(model, X, y, nn.mse_loss, opt, epochs=epochs, progress=False,
                         batch_size=None if size == n else size, validation=(X, y), seed=1,
                         compile=True)
        losses[size] = history["val_loss"]
        updates[size] = math.ceil(n / size)
    target = losses[n][-1]
    reach = {
        s: next((updates[s] * (e + 1) for e, v in enumerate(losses[s]) if v <= target), None)
        for s in sizes
    }
    page.table(
        ["batch size", "updates / epoch", "loss after 1 epoch", f"after {epochs}",
         f"updates to reach {target:.4f}"],
        [["full" if s == n else s, updates[s], f"{losses[s][0]:.4f}", f"{losses[s][-1]:.4f}",
          reach[s] if reach[s] is not None else "not reached"] for s in sizes],
    )
    page.say(per_epoch(losses, n, epochs) + " Per update (last column, measured at epoch ends: "
             f"the updates needed to reach the full batch's final loss {target:.4f}), big "
             "batches need fewest: each of their gradients averages more samples, a single "
             "sample's gradient is a noisy estimate. Mini-batches trade between the two.")
    if page.drawing:
        from matplotlib.figure import Figure

        fig = Figure(figsize=(10, 3.8), layout="constrained")  # labels never overlap
        axes = fig.subplots(1, 2)
        for s in sizes:
            label = "full batch" if s == n else f"batch {s}"
            axes[0].semilogy(range(1, epochs + 1), losses[s], label=label)
            axes[1].semilogy([updates[s] * (e + 1) for e in range(epochs)], losses[s], label=label)
        axes[0].set_xlabel("epoch")
        axes[1].set_xlabel("parameter updates")
        axes[1].set_xscale("log")
        axes[0].set_title("Loss per epoch (one pass over the data)")
        axes[1].set_title("Loss per parameter update")
        for ax in axes:
            ax.set_ylabel("loss on all data")
            ax.legend()
        page.figure(fig, "loss.png", "Loss against epochs (left) and against parameter "
                    "updates (right) for each batch size.")
    result = MinibatchResult(n, losses, updates, reach)
    page.write(result.summary())
    return result


if __name__ == "__main__":
    run(out=Path("out") / "minibatch", verbose=True)
