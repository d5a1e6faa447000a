"""The live trainers the lessons embed: one ``viz.train_live`` page per lesson.

Each function takes the lesson's :class:`~examples.page.Page` and the lesson's own data
and settings, builds the page that trains in the browser with the engine's numbers, and
embeds it beside the text it illustrates (nothing is built when the lesson draws nothing).
"""

from __future__ import annotations

from typing import Any

import nn
import viz
from autograd import Value
from autograd.ops import subscript
from examples.page import Page

HEIGHT = 700  # the embedded trainer's height in a lesson: controls, figures, no scrolling
FILES = {"regression": "live_rate.html", "minibatch": "live_batches.html",
         "moons": "live_boundary.html", "chain": "live_slips.html", "gan": "live_gan.html"}
"""Each lesson's trainer page, written next to the lesson's ``index.html``."""


def regression(page: Page, t: list[float], y: list[float], start: tuple[float, float],
               critical: float) -> None:
    """views ≈ w·t + b from ``start``, mean squared error, the critical rate 2/λmax marked."""
    if not page.drawing:
        return
    model = nn.MLP(1, [1], seed=0)
    for p, value, label in zip(model.parameters(), start, ("w", "b")):
        p.data, p.label = value, label
    widget = viz.train_live(
        model, [[ti] for ti in t], y, nn.mse_loss, lr=0.2, speed=20,
        lr_marks={"2/λmax": critical}, input_names=["t"], target_name="views",
        title="Gradient descent on views ≈ w·t + b: type a learning rate, press Play")
    page.embed(widget, FILES["regression"], (
        f"Live: the same descent in your browser, from (w, b) = {start}, at 20 epochs a "
        "second. At η = 0.2 each step lands on the other side of the narrow valley, nearer "
        "its floor: the path zigzags in and then slides along the valley, and the loss "
        f"falls. At 2/λmax = {critical:.4f} exactly (the red button sets it) the zigzag keeps "
        "its width for ever and the loss stops falling. Type 0.3 and every step overshoots "
        f"further than the last: the loss climbs until it overflows at epoch "
        f"{_overflow(model, t, y, 0.3):,} ('as fast as it can' gets there at once) and the "
        "page says so. Reset starts again; pause and click a day for the chain rule of its "
        "loss."), HEIGHT)


def _overflow(model: nn.Module, t: list[float], y: list[float], lr: float) -> int:
    """The epoch at which nn.fit at rate ``lr`` stops on an overflow, from ``model``'s
    weights (which stay as they are), as the page stops there."""
    copy = nn.MLP(1, [1], seed=0)
    for p, q in zip(copy.parameters(), model.parameters()):
        p.data = q.data
    try:
        nn.fit(copy, [[ti] for ti in t], y, nn.mse_loss, nn.SGD(copy.parameters(), lr=lr),
               100_000, progress=False, compile=True)
    except nn.NonFiniteError as err:
        return err.epoch
    raise ValueError(f"rate {lr} does not diverge from {[p.data for p in model.parameters()]}")


def minibatch(page: Page, X: list[list[float]], y: list[float], lr: float) -> None:
    """The lesson's network and data, with the batch size and the rate to play with."""
    if not page.drawing:
        return
    model = nn.MLP(1, [8, 1], activation="tanh", seed=0)
    widget = viz.train_live(model, X, y, nn.mse_loss, lr=lr, batch_size=16, seed=1,
                            speed=20, title="Mini-batch SGD: change the batch size and the "
                            "learning rate, press Reset, then Play")
    page.embed(widget, FILES["minibatch"], (
        f"Live: MLP(1, [8, 1]) on these {len(X)} points, from the lesson's initial weights. "
        f"A batch size of {len(X)} is the full batch (one update per epoch), 1 is one update "
        "per sample. Each epoch the samples are shuffled as nn.fit shuffles them (seed 1), "
        "so the loss after k epochs is nn.fit's training loss: the mean of each batch's "
        "loss before its update, which runs a little apart from the table's loss on all "
        "the data after the epoch. Watch the curve: small batches fall faster per epoch "
        "but jitter."), HEIGHT)


def moons(page: Page, X: list[list[float]], y: list[int], l2: float) -> None:
    """The classic demo's network on the moons, the boundary drawn as it forms."""
    if not page.drawing:
        return
    model = nn.MLP(2, [16, 16, 1], activation="relu", seed=0)
    widget = viz.train_live(model, X, y, nn.hinge_loss, lr=0.3, l2=l2, speed=20,
                            title="MLP 2-16-16-1 on the moons: press Play and watch the "
                            "boundary form")
    page.embed(widget, FILES["moons"], (
        "Live: the classic demo trains in your browser, one full-batch epoch at a time "
        f"(constant learning rate 0.3, hinge loss + {l2:g}·Σp²). Colour is the network's "
        "score, the black line its decision boundary. 'as fast as it can' runs thousands "
        "of epochs a second; pause and click a point for its gradients."), HEIGHT)


class Chain(nn.Module):
    """y = w₁x, z = w₂y, e = w₃z: the chain lesson's three weights in a row, as a module."""

    def __init__(self, weights: tuple[float, float, float]) -> None:
        self.w = [Value(v, label=f"w{subscript(i + 1)}") for i, v in enumerate(weights)]

    def forward(self, x: Any) -> Value:
        """e = w₃·(w₂·(w₁·x))."""
        w1, w2, w3 = self.w
        return w3 * (w2 * (w1 * x[0]))


def post_update(weights: list[Value], x: list[Value], target: Value, lr: Value, *,
                slip1: bool, slip2: bool) -> list[Value]:
    """The source post's per-sample update (examples.chain.hand_update), on Values.

    Its α on ½(e − ê)² is 2η on (e − ê)², the mean squared error the page measures. The
    weights move from the back, each as soon as its gradient is known; ``slip1``: w₂'s
    gradient multiplies by the updated w₃, ``slip2``: w₁'s by the updated w₂.
    """
    w1, w2, w3 = weights
    alpha = 2 * lr
    y = w1 * x[0]
    z = w2 * y
    e = w3 * z
    delta_e = e - target
    new_w3 = w3 - alpha * (delta_e * z)
    delta_z = delta_e * (new_w3 if slip1 else w3)
    new_w2 = w2 - alpha * (delta_z * y)
    new_w1 = w1 - alpha * (delta_z * (new_w2 if slip2 else w2) * x[0])
    return [new_w1, new_w2, new_w3]


POST = viz.Rule("the post's code", post_update, (
    viz.Switch("slip1", "slip 1: w₂'s gradient uses the updated w₃"),
    viz.Switch("slip2", "slip 2: w₁'s gradient uses the updated w₂"),
))


def chain(page: Page, weights: tuple[float, float, float],
          data: tuple[tuple[float, float], ...], alpha: float) -> None:
    """The post's algorithm with its slips as switches, beside exact gradient descent."""
    if not page.drawing:
        return
    X, y = [[x] for x, _ in data], [t for _, t in data]
    widget = viz.train_live(
        Chain(weights), X, y, nn.mse_loss, lr=alpha / 2, batch_size=1, speed=20,
        target_name="ê", rules=[POST], pause_at=160,
        title="The post's backprop (blue) beside the engine's gradient descent (red)")
    page.embed(widget, FILES["chain"], (
        "Live: both algorithms from the post's start, one update per sample. Press Play "
        "(it pauses at the post's 160 epochs): with both slips on, the post's outputs "
        "reach ∓0.99997; the engine's exact gradient descent crawls along the saddle and "
        "has only just crossed zero. Play again and it gets there too. "
        "Untick both slips and the two runs move as one. The loss here is the mean "
        f"squared error (e − ê)², twice the lesson's ½(e − ê)², so η = {alpha / 2:g} takes "
        f"the post's steps of α = {alpha:g}."), HEIGHT)


def gan(page: Page) -> None:
    """The gan lesson's two networks and setting, trained in the browser, tricks as switches."""
    if not page.drawing:
        return
    from examples import gan as lesson  # the lesson imports this module

    generator = nn.MLP(lesson.NOISE, [lesson.HIDDEN, 1], activation="tanh", seed=0)
    discriminator = nn.MLP(1, [lesson.HIDDEN_D, lesson.HIDDEN_D, 1], activation="leaky_relu",
                           seed=1)
    tricks = lesson.Tricks()
    widget = viz.train_gan_live(
        generator, discriminator,
        {f"N({lesson.MEAN:g}, {lesson.STD}²)": [(lesson.MEAN, lesson.STD)],
         "two modes": list(lesson.MIXTURE)},
        noise=lesson.NOISE, lr=lesson.LR, batch_size=lesson.BATCH, rounds=lesson.STEPS,
        final_lr=lesson.FINAL_LR, tricks={k: getattr(tricks, k) for k in viz.GAN_TRICKS},
        center=lesson.CENTER, spread=lesson.SPREAD, real_label=tricks.real_label,
        flip=lesson.FLIP, input_noise=lesson.INPUT_NOISE, clip=lesson.CLIP,
        title="A GAN in your browser: D and G take turns; flip a trick, press Reset, Play")
    page.embed(widget, FILES["gan"], (
        f"Live: the lesson's G and D (seed 0) play {lesson.STEPS} rounds in your browser, "
        "each loss traced and run by the engine's tapes, Adam as nn.Adam; the page draws its "
        "own random numbers (Python's Mersenne Twister), so its run ends near the lesson's "
        "numbers, not on them. Every trick above "
        "is a switch: change it (now, or before Reset) and watch G's histogram chase the "
        "real density, D's verdict flatten towards the equilibrium, and the arrows, the "
        "one number per sample G is told. Pause and click an arrow for the chain rule that "
        "turns that number into G's gradient."), HEIGHT)
