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
from statistics import fmean

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
        late = max(1, epochs // 4)
        mean = {s: fmean(losses[-late:]) for s, losses in self.losses.items()}
        best = min(mean, key=mean.__getitem__)
        updates, size = min((u, s) for s, u in self.updates_to_match_full.items()
                            if u is not None)
        return (
            "You will train one model with the full batch, mini-batches and single samples: "
            f"per epoch {_name(best, self.n)} gets lowest (a mean {mean[best]:.4f} over the "
            f"last {late} of {epochs} epochs, where small batches jitter), per update "
            f"{_name(size, self.n)} needs fewest ({updates} updates)."
        )


def _name(size: int, n: int) -> str:
    return "the full batch" if size == n else f"batch {size}"


def per_epoch(losses: dict[int, list[float]], n: int, epochs: int) -> str:
    """What the table says per epoch, read from its numbers: how fast each batch size falls,
    and, since a small batch's loss jitters from epoch to epoch, which is lowest on average
    over the last quarter of training (the last epoch alone may rank them otherwise)."""
    early = late = max(1, epochs // 4)  # a quarter of the training, at each end
    mean = {s: fmean(history[-late:]) for s, history in losses.items()}
    by_size = sorted(losses, reverse=True)
    fall = sorted(losses, key=lambda s: losses[s][early - 1])
    after = ", ".join(f"{_name(s, n)} {losses[s][early - 1]:.4f}" for s in by_size)
    text = "Read it two ways. Per epoch (the same number of gradient evaluations), "
    when = f"after {early} epoch{'s' if early > 1 else ''}"
    if fall == sorted(losses):
        text += f"the smaller the batch, the faster the loss falls: {when}, {after}."
    else:
        text += f"{when} {_name(fall[0], n)} is lowest: {after}."
    smallest = min(losses)
    tail = losses[smallest][-late:]
    text += (f" Smaller batches also jitter: over the last {late} epochs {_name(smallest, n)} "
             f"moves between {min(tail):.4f} and {max(tail):.4f}")
    best, last = min(mean, key=mean.__getitem__), min(losses, key=lambda s: losses[s][-1])
    if last != best:
        return text + (f", so the last epoch alone puts {_name(last, n)} first "
                       f"({losses[last][-1]:.4f} against {losses[best][-1]:.4f}) although "
                       f"{_name(best, n)} is lower on average over those epochs "
                       f"({mean[best]:.4f} against {mean[last]:.4f}).")
    return text + f"; on average over them {_name(best, n)} gets lowest ({mean[best]:.4f})."


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
    late = max(1, epochs // 4)
    page.table(
        ["batch size", "updates / epoch", "loss after 1 epoch", f"after {late}",
         f"after {epochs}", f"last {late} epochs: mean (lowest–highest)",
         f"updates to reach {target:.4f}"],
        [["full" if s == n else s, updates[s], f"{losses[s][0]:.4f}",
          f"{losses[s][late - 1]:.4f}", f"{losses[s][-1]:.4f}",
          f"{fmean(losses[s][-late:]):.4f} ({min(losses[s][-late:]):.4f}–"
          f"{max(losses[s][-late:]):.4f})",
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
