"""Lesson 8, gan: two networks, one backward pass each, playing a game in one dimension.

Real samples come from N(4, 1.25²) (or a two-mode mixture). A generator G turns noise into
numbers; a discriminator D gives each number a logit: "real" or "generated". They take
turns. D learns on real samples (label 1, smoothed to 0.9) and generated ones (label 0);
then G learns with D frozen (only G's optimizer steps), its loss asking D to call its
samples real. Both use Adam. Both losses are ``binary_cross_entropy_with_logits``.

Run it: ``python examples/gan.py`` (writes ``out/gan/index.html``).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

import nn
from autograd import Tape, Value, compile
from autograd.ops import subscript

if __package__ in (None, ""):  # ``python examples/gan.py``
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from examples.page import Page

TITLE = "gan: a generator and a discriminator, trained in turns"
BLURB = (
    "Two networks in a game: the GAN objective, each training trick of the post as a "
    "switch, and what breaks without it, measured over seeds."
)
MINUTES = 15
MEAN, STD = 4.0, 1.25
MEAN_TOLERANCE, STD_TOLERANCE = 0.25, 0.25  # the target: |mean − 4| ≤ 0.25, |std/1.25 − 1| ≤ 25%
MIXTURE = ((1.0, 0.5), (7.0, 0.5))  # two equally likely modes: (mean, std)
REAL_LABEL = 0.9  # one-sided label smoothing: D is never asked for certainty about real data
NOISE = 2  # the generator's noise dimension
HIDDEN = 16  # G: noise → 16 tanh → x; D: x → 16 → 16 LeakyReLU → logit
SCALE = 4.0  # G's output is multiplied and D's input divided by it: both see numbers near 1
LR = 0.005  # Adam's rate for both players, decaying linearly to LR · FINAL_LR
FINAL_LR = 0.01
BATCH = 64
STEPS = 2000
FAST_STEPS = 300
SEEDS = 5
EVAL = 1000  # samples drawn to measure the final distribution


def real_sampler(mixture: bool):
    """A function (numpy Generator, n) -> n real samples (Gaussian, or the two-mode mixture)."""
    if mixture:
        means, stds = np.array(MIXTURE).T

        def draw(rng, n):
            mode = rng.integers(0, len(MIXTURE), n)
            return rng.normal(means[mode], stds[mode])

        return draw
    return lambda rng, n: rng.normal(MEAN, STD, n)


def wasserstein(a, b) -> float:
    """The 1-D Wasserstein-1 distance of two equal-size samples: mean |sorted a − sorted b|."""
    return sum(abs(x - y) for x, y in zip(sorted(a), sorted(b))) / len(a)


@dataclass
class GanRun:
    """One training run: its final statistics, loss curves and snapshots of samples."""

    seed: int
    mixture: bool
    mean: float
    std: float
    wasserstein: float
    d_loss: list[float] = field(default_factory=list)
    g_loss: list[float] = field(default_factory=list)
    snapshots: dict[int, list[float]] = field(default_factory=dict)
    real: list[float] = field(default_factory=list)

    @property
    def on_target(self) -> bool:
        """Mean within 0.25 of 4 and std within 25% of 1.25."""
        return abs(self.mean - MEAN) <= MEAN_TOLERANCE and abs(self.std / STD - 1) <= STD_TOLERANCE

    def mode_mass(self) -> tuple[float, float]:
        """Fraction of generated samples nearer each mixture mode (balanced: 0.5, 0.5)."""
        samples = self.snapshots[max(self.snapshots)]
        middle = (MIXTURE[0][0] + MIXTURE[1][0]) / 2
        low = sum(x < middle for x in samples) / len(samples)
        return low, 1 - low


@dataclass
class Players:
    """The two networks, their optimizers, and each loss compiled once into a tape.

    A tape is the engine's forward and backward pass of one sample's loss, written out
    as straight-line code (``autograd.compile``); ``grad_batch`` replays it for a whole
    batch with numpy along the batch axis and returns the mean loss and its gradient
    per parameter: the numbers ``loss.backward()`` would leave in ``.grad``.
    """

    generator: nn.MLP
    discriminator: nn.MLP
    opt_g: nn.Adam
    opt_d: nn.Adam
    sample: Tape  # noise → G(noise)·scale, one generated number
    d_real: Tape  # x → D's loss calling x real (label 0.9)
    d_fake: Tape  # x → D's loss calling x generated (label 0)
    g_loss: Tape  # noise → G's loss: D should call G(noise) real (label 1)

    @classmethod
    def build(cls, seed: int, lr: float, steps: int) -> Players:
        """Fresh networks from ``seed`` and their four tapes."""
        generator = nn.MLP(NOISE, [HIDDEN, 1], activation="tanh", seed=seed)
        discriminator = nn.MLP(1, [HIDDEN, HIDDEN, 1], activation="leaky_relu", seed=seed + 1)
        g_params, d_params = generator.parameters(), discriminator.parameters()
        opt_g = nn.Adam(g_params, lr=lr, betas=(0.5, 0.999))
        opt_d = nn.Adam(d_params, lr=lr, betas=(0.5, 0.999))
        loss = nn.binary_cross_entropy_with_logits
        noise = [Value(0.0, label=f"z{subscript(i + 1)}") for i in range(NOISE)]
        x = Value(0.0, label="x")
        # G's outputs are scaled up and D's inputs scaled down by SCALE: both networks
        # work with numbers near 1, where their initial weights are sized for.
        fake = generator(noise) * SCALE
        return cls(
            generator, discriminator, opt_g, opt_d,
            compile(fake, params=g_params, data=noise),
            compile(loss([discriminator([x / SCALE])], [REAL_LABEL]), d_params, [x]),
            compile(loss([discriminator([x / SCALE])], [0.0]), d_params, [x]),
            # D's parameters are listed so each replay reads their current values; only
            # G's gradients are used: D is frozen during G's turn.
            compile(loss([discriminator([fake / SCALE])], [1.0]), g_params + d_params, noise),
        )


def train(seed: int, steps: int, mixture: bool = False, snapshots: int = 4, lr: float = LR,
          batch: int = BATCH) -> GanRun:
    """Train one GAN from ``seed`` for ``steps`` alternating updates; return its run."""
    rng = np.random.default_rng(seed)
    draw = real_sampler(mixture)
    players = Players.build(seed, lr, steps)
    g_params, d_params = players.generator.parameters(), players.discriminator.parameters()
    # Both rates decay linearly to a hundredth: late steps then settle the players'
    # oscillation instead of riding it.
    decays = [nn.LinearLR(o, start_factor=1.0, end_factor=FINAL_LR, total_iters=steps)
              for o in (players.opt_g, players.opt_d)]

    def noise(n: int):
        return rng.normal(size=(n, NOISE))

    marks = {round(steps * k / (snapshots - 1)) for k in range(snapshots)}
    run = GanRun(seed, mixture, 0.0, 0.0, 0.0)
    for step in range(steps + 1):
        if step in marks:
            run.snapshots[step] = players.sample.forward_batch(noise(EVAL)).tolist()
        if step == steps:
            break
        # D's turn: real samples labelled 0.9, G's samples (just numbers to D) labelled 0.
        # The mean over both halves is the mean of the two halves' means.
        fake = players.sample.forward_batch(noise(batch))
        real_loss, real_grads = players.d_real.grad_batch(draw(rng, batch)[:, None])
        fake_loss, fake_grads = players.d_fake.grad_batch(fake[:, None])
        for p, a, b in zip(d_params, real_grads, fake_grads):
            p.grad = (a + b) / 2
        players.opt_d.step()
        # G's turn: the loss runs through D, but only G's optimizer steps.
        g_loss, g_grads = players.g_loss.grad_batch(noise(batch))
        for p, g in zip(g_params, g_grads):
            p.grad = g
        players.opt_g.step()
        for decay in decays:
            decay.step()
        run.d_loss.append((real_loss + fake_loss) / 2)
        run.g_loss.append(g_loss)
    final = run.snapshots[steps]
    run.real = draw(rng, EVAL).tolist()
    run.mean, run.std = statistics.fmean(final), statistics.pstdev(final)
    run.wasserstein = wasserstein(final, run.real)
    return run


@dataclass
class GanResult:
    """What the GAN lesson found: one run per seed on the Gaussian, one on the mixture."""

    runs: list[GanRun]
    mixture: GanRun

    @property
    def hits(self) -> int:
        """How many seeds ended on target."""
        return sum(r.on_target for r in self.runs)

    @property
    def collapsed(self) -> bool:
        """True when the mixture run put under 10% of its samples on one of the two modes."""
        return min(self.mixture.mode_mass()) < 0.10

    def summary(self) -> str:
        """One line: seeds on target, the first run's numbers, the mixture's verdict."""
        r = self.runs[0]
        low, high = self.mixture.mode_mass()
        return (
            f"{self.hits}/{len(self.runs)} seeds on target (seed {r.seed}: mean {r.mean:.2f}, "
            f"std {r.std:.2f}, W₁ {r.wasserstein:.3f}); mixture: {low:.0%}/{high:.0%} of samples "
            f"per mode{' (mode collapse)' if self.collapsed else ''}"
        )


def run(fast: bool = False, out: Path | None = None, verbose: bool = False,
        seeds: int = SEEDS) -> GanResult:
    """Run the lesson (``fast``: fewer steps, two seeds)."""
    page = Page("gan", TITLE, out, verbose)
    steps = FAST_STEPS if fast else STEPS
    seeds = 2 if fast else seeds
    page.say(
        f"Real data: N({MEAN}, {STD}²). Generator: noise in R^{NOISE} → MLP tanh {HIDDEN} → "
        f"one number. Discriminator: one number → MLP LeakyReLU {HIDDEN}-{HIDDEN} → a logit. "
        f"Each step, {BATCH} real and {BATCH} generated samples: D learns to label real "
        f"{REAL_LABEL} (smoothed) and generated 0; then G learns, through the frozen D, to make "
        f"D say 1. Adam for both (β₁ = 0.5, rate {LR} decaying linearly to {LR * FINAL_LR:g}). "
        f"{steps} steps per run."
    )
    page.say(
        "Speed without a second engine: each player's loss for ONE sample is traced once "
        "through chainrule and compiled (autograd.compile) into straight-line code, the "
        "engine's forward and backward passes written out; a batch replays it with numpy "
        "along the batch axis. The mean loss and gradients it returns are the ones "
        "loss.backward() would leave in .grad (the compile tests check the two agree)."
    )
    runs = [train(seed, steps) for seed in range(seeds)]
    page.heading(f"{seeds} seeds")
    page.table(
        ["seed", "mean", "std", "W₁ to real", "on target?"],
        [[r.seed, f"{r.mean:.3f}", f"{r.std:.3f}", f"{r.wasserstein:.3f}",
          "yes" if r.on_target else "no"] for r in runs],
    )
    hits = sum(r.on_target for r in runs)
    page.say(
        f"{hits} of {seeds} runs end with the mean within {MEAN_TOLERANCE} of {MEAN} and the "
        f"std within {STD_TOLERANCE:.0%} of {STD} (measured on {EVAL} generated samples; "
        "W₁ is the 1-D Wasserstein distance to as many real samples: the mean gap between "
        "the sorted samples). A GAN is a game, not a descent: each player's step changes "
        "the other's loss, so runs wander, and with other seeds or fewer steps some miss "
        "(try run(seeds=10))."
    )
    mixture = train(0, steps, mixture=True)
    low, high = mixture.mode_mass()
    page.heading("A two-mode mixture")
    page.say(
        f"Real data now: half N({MIXTURE[0][0]}, {MIXTURE[0][1]}²), half N({MIXTURE[1][0]}, "
        f"{MIXTURE[1][1]}²). The generator puts {low:.0%} of its samples near the first mode "
        f"and {high:.0%} near the second (W₁ {mixture.wasserstein:.3f}). "
        + (
            "That is mode collapse: G found one mode that fools D and stays there."
            if min(low, high) < 0.10
            else "No mode collapse in this run: both modes get samples, though a smooth "
            "generator also leaves some mass in the gap between them."
        )
    )
    result = GanResult(runs, mixture)
    if page.drawing:
        _pictures(page, runs[0], mixture)
    page.write(result.summary())
    return result


def _pictures(page: Page, run: GanRun, mixture: GanRun) -> None:
    import matplotlib.pyplot as plt

    for name, r in (("gaussian", run), ("mixture", mixture)):
        marks = sorted(r.snapshots)
        fig, axes = plt.subplots(1, len(marks), figsize=(3.2 * len(marks), 2.8), sharey=True)
        for ax, step in zip(axes, marks):
            ax.hist(r.real, bins=40, range=(-2, 10), alpha=0.5, density=True, label="real")
            ax.hist(r.snapshots[step], bins=40, range=(-2, 10), alpha=0.5, density=True,
                    label="generated")
            ax.set_title(f"step {step}")
        axes[0].legend()
        page.figure(fig, f"{name}_histograms.png",
                    f"Real vs generated samples during training ({name}, seed {r.seed}).")
    fig, ax = plt.subplots(figsize=(6, 3))
    ax.plot(run.d_loss, label="discriminator", lw=0.8)
    ax.plot(run.g_loss, label="generator", lw=0.8)
    ax.set_xlabel("step")
    ax.set_ylabel("loss")
    ax.legend()
    page.figure(fig, "losses.png", "Both losses per step (seed 0). They do not go to zero: "
                "each network's progress is the other's loss.")


if __name__ == "__main__":
    run(out=Path("out") / "gan", verbose=True)
