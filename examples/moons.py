"""Lesson 6, moons: an MLP learns a curved decision boundary, and a big one overfits.

The classic demo with chainrule's names: 100 two-moons points, ``MLP(2, [16, 16, 1])``
with ReLU, the SVM hinge loss plus 1e-4·L2, full-batch SGD whose learning rate decays
linearly from 1.0 to 0.1. It fits every point when given enough steps; a table over
data seeds shows how many. Then a train/test split, and a big model on few points.

Run it: ``python examples/moons.py`` (writes ``out/moons/index.html``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nn

if __package__ in (None, ""):  # ``python examples/moons.py``
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from examples import live_training
from examples.page import Page

TITLE = "moons: a decision boundary, a test set, and overfitting"
BLURB = (
    "A small network learns a curved boundary; a test set tells learning from "
    "memorising."
)
MINUTES = 10
L2 = 1e-4
STEPS = 200
SEEDS = 5  # data seeds in the robustness table


def classic(n: int = 100, steps: int = STEPS, seed: int = 0):
    """Train the classic demo on data seed ``seed``; return (model, X, y, history)."""
    X, y = nn.make_moons(n, noise=0.1, seed=seed)
    model = nn.MLP(2, [16, 16, 1], activation="relu", seed=seed)
    opt = nn.SGD(model.parameters(), lr=1.0)
    sched = nn.LinearLR(opt, start_factor=1.0, end_factor=0.1, total_iters=steps)
    history = nn.fit(model, X, y, nn.hinge_loss, opt, epochs=steps, progress=False,
                     scheduler=sched, l2=L2, compile=True)
    return model, X, y, history


def overfit(train_points: int, epochs: int, seed: int = 1):
    """A big model on few noisy points, with the test accuracy watched every epoch."""
    X, y = nn.make_moons(train_points + 200, noise=0.3, seed=seed)
    X_tr, X_te, y_tr, y_te = nn.train_test_split(X, y, test_size=200, seed=seed)
    model = nn.MLP(2, [32, 32, 1], activation="relu", seed=seed)
    opt = nn.Adam(model.parameters(), lr=0.01)
    history = nn.fit(model, X_tr, y_tr, nn.hinge_loss, opt, epochs=epochs, progress=False,
                     validation=(X_te, y_te), compile=True)
    return model, (X_tr, y_tr, X_te, y_te), history


@dataclass
class MoonsResult:
    """What the moons lesson found."""

    points: int
    train_accuracy: float  # the classic demo, measured by the engine after the last update
    final_loss: float
    split_test_accuracy: float  # the classic model on 200 fresh points
    seeds: dict[int, list[float]]  # steps -> train accuracy for each data seed
    overfit_train_accuracy: float
    overfit_test_accuracy: float
    overfit_best_test: float

    def summary(self) -> str:
        """One line: what the learner will see, with its numbers."""
        perfect = sum(a == 1.0 for a in self.seeds[STEPS])
        return (
            f"You will train a 2-16-16-1 MLP on {self.points} moons to "
            f"{self.train_accuracy:.0%} (on {perfect}/{len(self.seeds[STEPS])} data seeds; "
            f"{self.split_test_accuracy:.0%} on 200 fresh points) and watch its boundary form, "
            f"then overfit 20 noisy points with 32-32: {self.overfit_train_accuracy:.0%} train, "
            f"{self.overfit_test_accuracy:.0%} test."
        )


def run(fast: bool = False, out: Path | None = None, verbose: bool = False) -> MoonsResult:
    """Run the lesson (``fast``: 60 points, fewer seeds and epochs)."""
    page = Page("moons", TITLE, out, verbose)
    n, seeds = (60, 3) if fast else (100, SEEDS)
    page.say(
        f"{n} points on two interleaving half-moons (noise 0.1), labels ±1. Model: "
        "MLP(2, [16, 16, 1]) with ReLU (337 parameters), output = a score, class = its sign. "
        f"Loss: hinge max(0, 1 − y·score) averaged, plus {L2:g}·Σp². SGD, learning rate "
        f"decaying linearly from 1.0 to 0.1 over {STEPS} full-batch steps."
    )
    page.say(
        "Training uses nn.fit(compile=True): one sample's loss is traced once through the "
        "engine and compiled (autograd.compile), the engine's forward and backward passes "
        "written out as straight-line code, then replayed for all points at once with "
        "numpy. Its losses and gradients are those of loss.backward() (nn's tests check "
        "the weights match eager training to ~1e-12)."
    )
    model, X, y, history = classic(n)
    every = max(1, STEPS // 5)
    page.table(["step", "loss", "train accuracy"],
               [[i + 1, f"{history['loss'][i]:.4f}", f"{history['accuracy'][i]:.0%}"]
                for i in [*range(0, STEPS - 1, every), STEPS - 1]])
    final = nn.evaluate(model, X, y, nn.hinge_loss, L2)
    page.say(
        f"After training: loss {final['loss']:.4f}, train accuracy {final['accuracy']:.0%} "
        "(measured by the engine itself, nn.evaluate, after the last update; the table's "
        "numbers are measured before each one)."
    )
    if page.drawing:
        from viz import plot_decision_boundary, plot_history

        page.figure(_boundary(plot_decision_boundary(model, X, y),
                              f"MLP 2-16-16-1 after {STEPS} steps: {n} training points"),
                    "boundary.png",
                    "The decision boundary the MLP learned, with the training points.")
        page.figure(_titled(plot_history(history),
                            "training on the moons: an epoch is one full-batch step"),
                    "history.png", "Loss and accuracy per epoch: the full batch, so one "
                    "update each.")
    live_training.moons(page, X, y, L2)
    page.heading("Is 100% luck? Other draws of the data")
    short = STEPS // 2
    table = {k: [_final_accuracy(classic(n, k, seed=s)) for s in range(seeds)]
             for k in (short, STEPS)}
    page.table(["data seed", f"train accuracy after {short} steps", f"after {STEPS} steps"],
               [[s, f"{table[short][s]:.0%}", f"{table[STEPS][s]:.0%}"] for s in range(seeds)])
    perfect = {k: sum(a == 1.0 for a in v) for k, v in table.items()}
    page.say(
        f"The same recipe on {seeds} draws of the moons (each with its own starting weights; "
        f"the rate decays from 1.0 to 0.1 over the run's length): {STEPS} steps fit every "
        f"point on {perfect[STEPS]} of {seeds}, {short} steps on {perfect[short]}. The last "
        "few points sit where the moons' tips reach into each other; bending the boundary "
        "around them takes the extra steps."
    )
    page.heading("A test set")
    X_new, y_new = nn.make_moons(200, noise=0.1, seed=123)
    test = nn.evaluate(model, X_new, y_new, nn.hinge_loss)
    page.say(
        f"Training accuracy says how well the model fits what it saw. On 200 fresh points "
        f"from the same moons it scores {test['accuracy']:.0%}: the boundary generalizes "
        "because it is smooth and the moons are well separated."
    )
    page.heading("Overfitting: a big model on few points")
    epochs = 150 if fast else 300
    big, (X_tr, y_tr, X_te, y_te), hist = overfit(20, epochs)
    best = max(hist["val_accuracy"])
    page.say(
        "Now 20 training points with noise 0.3 (the moons overlap) and a bigger model, "
        f"MLP(2, [32, 32, 1]) with 1,153 parameters trained with Adam "
        f"for {epochs} epochs, no L2. 200 held-out points are checked after every epoch."
    )
    page.table(["epoch", "train loss", "train acc", "test loss", "test acc"],
               [[i + 1, f"{hist['loss'][i]:.4f}", f"{hist['accuracy'][i]:.0%}",
                 f"{hist['val_loss'][i]:.4f}", f"{hist['val_accuracy'][i]:.0%}"]
                for i in [0, 9, 29, epochs // 2 - 1, epochs - 1]])
    final_big = nn.evaluate(big, X_tr, y_tr, nn.hinge_loss)
    test_big = nn.evaluate(big, X_te, y_te, nn.hinge_loss)
    page.say(
        f"The model ends at {final_big['accuracy']:.0%} on its 20 points but "
        f"{test_big['accuracy']:.0%} on the held-out ones (best along the way: {best:.0%}); "
        "its test loss climbs while its train loss falls. With 1,153 parameters for 20 "
        "points it memorizes the noise: the boundary bends around single points."
    )
    if page.drawing:
        from viz import plot_decision_boundary, plot_history

        page.figure(_boundary(plot_decision_boundary(big, X_tr, y_tr),
                              "MLP 2-32-32-1: its 20 noisy training points"),
                    "overfit_boundary.png",
                    "The big model's boundary around its 20 training points.")
        page.figure(_boundary(plot_decision_boundary(big, X_te, y_te),
                              "the same boundary: 200 held-out points"),
                    "overfit_test.png", "The same boundary with the 200 held-out points.")
        page.figure(_titled(plot_history(hist), "overfitting: train vs held-out, per epoch"),
                    "overfit_history.png", "Train vs held-out loss and accuracy per epoch.")
    result = MoonsResult(
        n, final["accuracy"], final["loss"], test["accuracy"], table,
        final_big["accuracy"], test_big["accuracy"], best,
    )
    page.write(result.summary())
    return result


def _final_accuracy(trained) -> float:
    model, X, y, _ = trained
    return nn.evaluate(model, X, y, nn.hinge_loss)["accuracy"]



def _boundary(fig: Any, title: str) -> Any:
    """viz's decision-boundary figure with a title that says which, and a class legend."""
    from matplotlib.lines import Line2D

    ax = fig.axes[0]
    ax.set_title(title)
    image = ax.get_images()[0]
    handles = [
        Line2D([], [], marker="o", ls="", markeredgecolor="black",
               markerfacecolor=image.cmap(value), label=f"class {name} (shaded: predicted)")
        for value, name in ((0.0, "−1"), (1.0, "+1"))
    ]
    ax.legend(handles=handles, fontsize=9, loc="lower right")
    return fig


def _titled(fig: Any, title: str) -> Any:
    """viz's history figure, each panel titled by what it plots."""
    for ax in fig.axes:
        ax.set_title(f"{ax.get_ylabel()}: {title}", fontsize=9)
    return fig

if __name__ == "__main__":
    run(out=Path("out") / "moons", verbose=True)
