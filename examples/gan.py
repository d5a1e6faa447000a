"""Lesson: gan: two networks in a game, every training trick a switch, measured.

Real samples come from N(4, 1.25²) (or a two-mode mixture). A generator G turns noise into
numbers; a discriminator D gives each number a logit, "real" or "generated". They take
turns: D learns on real and generated samples, then G learns through D (frozen), its loss
asking D to call its samples real. Each trick of the source post is a switch of
:class:`Tricks`, and an ablation turns each off over several seeds.

Run it: ``python examples/gan.py`` (writes ``out/gan/index.html``).
"""

from __future__ import annotations

import multiprocessing
import os
import statistics
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

import nn
from autograd import Tape, Value, compile
from autograd.ops import subscript

if __package__ in (None, ""):  # ``python examples/gan.py``
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from examples import live_training
from examples.page import Page

TITLE = "gan: a generator and a discriminator, trained in turns"
BLURB = (
    "Two networks in a game: the GAN objective, each training trick of the post as a "
    "switch, and what breaks without it, measured over seeds."
)
MINUTES = 20
MEAN, STD = 4.0, 1.25
MEAN_TOLERANCE, STD_TOLERANCE = 0.25, 0.25  # the target: |mean − 4| ≤ 0.25, |std/1.25 − 1| ≤ 25%
MIXTURE = ((1.0, 0.5), (7.0, 0.5))  # two equally likely modes: (mean, std)
CENTER, SPREAD = 4.0, 4.0  # normalising: D sees (x − 4)/4; G outputs 4 + 4·tanh(·)
NOISE = 2  # the generator's noise dimension
HIDDEN = 16  # G: noise → 16 tanh → x
HIDDEN_D = 16  # D: x → 16 → 16 LeakyReLU → logit
LR = 0.005  # Adam's rate for both players, decaying linearly to LR · FINAL_LR
FINAL_LR = 0.01
BATCH = 64
STEPS = 1200
FAST_STEPS = 200
ABLATION_STEPS = 300
SEEDS = 5
EVAL = 1000  # samples drawn to measure a distribution
SIGNAL_ROUNDS = 20  # the generator's signal is shown after this many rounds
WATCH = 10  # every WATCH rounds, record D's mean verdict on each set
GRID = [i / 10 for i in range(-20, 101)]  # where D(x) is drawn


@dataclass(frozen=True)
class Tricks:
    """The source post's training tricks, each a switch. The defaults are the lesson's
    setting (smoothing, turns, a frozen D); the ablation flips each in turn and says
    which setting measured best.

    normalize: D sees (x − 4)/4, in about (−1, 1), and G's output is 4 + 4·tanh(·).
    smooth: real samples are labelled 0.9, not 1 (one-sided label smoothing).
    flip: 5% of D's labels are flipped each step.
    noise: Gaussian noise (std 0.5, fading to 0) is added to every input D sees.
    alternate: D steps, then G steps against the updated D (off: both at once).
    freeze: G's step changes only G (off: D is also stepped on G's loss).
    wasserstein: a critic's score difference instead of the cross-entropy (WGAN-style,
        weights clipped to ±0.5); off by default, a switch to try.
    """

    normalize: bool = False
    smooth: bool = True
    flip: bool = False
    noise: bool = False
    alternate: bool = True
    freeze: bool = True
    wasserstein: bool = False

    @property
    def real_label(self) -> float:
        """The target D learns for real samples."""
        return 0.9 if self.smooth else 1.0


FLIP = 0.05
INPUT_NOISE = 0.5
CLIP = 0.5


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
class Players:
    """The two networks, their optimizers, and each loss compiled once into a tape.

    A tape is the engine's forward and backward pass of one sample's loss, written out as
    straight-line code (``autograd.compile``); ``grad_batch`` replays it for a whole batch
    with numpy and returns the mean loss and its gradient per parameter: the numbers
    ``loss.backward()`` would leave in ``.grad``.
    """

    tricks: Tricks
    generator: nn.MLP
    discriminator: nn.MLP
    opt_g: nn.Adam
    opt_d: nn.Adam
    sample: Tape  # noise → G's number
    d_loss: Tape  # (x, target) → D's loss on x: target 0.9/1 real, 0 generated (±1 critic)
    g_loss: Tape  # (noise, input noise ε) → G's loss through D: D should call G(noise) real
    d_prob: Tape  # x → D(x), D's probability that x is real (the critic's score for WGAN)

    @classmethod
    def build(cls, seed: int, lr: float = LR, tricks: Tricks = Tricks()) -> Players:
        """Fresh networks from ``seed`` and their tapes."""
        generator = nn.MLP(NOISE, [HIDDEN, 1], activation="tanh", seed=seed)
        discriminator = nn.MLP(1, [HIDDEN_D, HIDDEN_D, 1], activation="leaky_relu",
                               seed=seed + 1)
        g_params, d_params = generator.parameters(), discriminator.parameters()
        opt_g = nn.Adam(g_params, lr=lr, betas=(0.5, 0.999))
        opt_d = nn.Adam(d_params, lr=lr, betas=(0.5, 0.999))
        noise = [Value(0.0, label=f"z{subscript(i + 1)}") for i in range(NOISE)]
        x, target, eps = Value(0.0, label="x"), Value(0.0, label="t"), Value(0.0, label="ε")

        def d(v: Value) -> Value:
            return discriminator([(v - CENTER) / SPREAD if tricks.normalize else v])

        g_out = generator(noise)
        fake = CENTER + SPREAD * g_out.tanh() if tricks.normalize else g_out
        if tricks.wasserstein:  # the critic lowers target·score: −score on real, +score on fake
            d_loss, g_loss = target * d(x), -d(fake + eps)
        else:
            bce = nn.binary_cross_entropy_with_logits
            d_loss, g_loss = bce([d(x)], [target]), bce([d(fake + eps)], [1.0])
        return cls(
            tricks, generator, discriminator, opt_g, opt_d,
            compile(fake, params=g_params, data=noise),
            compile(d_loss, d_params, [x, target]),
            # D's parameters are listed so each replay reads their current values; with
            # the freeze switch on, only G's part of the gradient is used.
            compile(g_loss, g_params + d_params, [*noise, eps]),
            compile(d(x) if tricks.wasserstein else d(x).sigmoid(), d_params, [x]),
        )


@dataclass
class GanRun:
    """One training run: its final statistics, loss curves and snapshots."""

    seed: int
    mixture: bool
    mean: float
    std: float
    wasserstein: float
    d_loss: list[float] = field(default_factory=list)
    g_loss: list[float] = field(default_factory=list)
    snapshots: dict[int, list[float]] = field(default_factory=dict)  # generated samples
    d_curves: dict[int, list[float]] = field(default_factory=dict)  # D(x) over GRID
    d_real_mean: list[float] = field(default_factory=list)  # mean D(real), every WATCH rounds
    d_fake_mean: list[float] = field(default_factory=list)  # mean D(G(z)), every WATCH rounds
    real: list[float] = field(default_factory=list)
    players: Players | None = field(default=None, repr=False)  # the networks at the end

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


def train(seed: int, steps: int, mixture: bool = False, snapshots: int = 4, lr: float = LR,
          batch: int = BATCH, tricks: Tricks = Tricks(),
          at: tuple[int, ...] = ()) -> GanRun:
    """Train one GAN from ``seed`` for ``steps`` rounds of D's turn and G's turn.

    Samples and D(x) are recorded at ``snapshots`` evenly spaced rounds, or at ``at``.
    """
    rng = np.random.default_rng(seed)
    draw = real_sampler(mixture)
    players = Players.build(seed, lr, tricks)
    g_params, d_params = players.generator.parameters(), players.discriminator.parameters()
    # Both rates decay linearly to a hundredth: late steps settle the players' oscillation.
    decays = [nn.LinearLR(o, start_factor=1.0, end_factor=FINAL_LR, total_iters=steps)
              for o in (players.opt_g, players.opt_d)]
    marks = set(at) | {steps} if at else {
        round(steps * k / (snapshots - 1)) for k in range(snapshots)}
    run = GanRun(seed, mixture, 0.0, 0.0, 0.0)
    grid = np.array(GRID)[:, None]
    real_target, fake_target = (-1.0, 1.0) if tricks.wasserstein else (tricks.real_label, 0.0)
    for step in range(steps + 1):
        if step in marks:
            run.snapshots[step] = players.sample.forward_batch(
                rng.normal(size=(EVAL, NOISE))).tolist()
            run.d_curves[step] = players.d_prob.forward_batch(grid).tolist()
        if step == steps:
            break
        sd = INPUT_NOISE * (1 - step / steps) if tricks.noise else 0.0
        real = draw(rng, batch)
        fake = players.sample.forward_batch(rng.normal(size=(batch, NOISE)))
        targets = np.concatenate([np.full(batch, real_target), np.full(batch, fake_target)])
        if tricks.flip and not tricks.wasserstein:
            flipped = rng.random(2 * batch) < FLIP
            targets[flipped] = np.where(targets[flipped] == fake_target, real_target, fake_target)
        seen = np.concatenate([real, fake]) + rng.normal(0.0, 1.0, 2 * batch) * sd
        if step % WATCH == 0:
            probs = players.d_prob.forward_batch(seen[:, None])
            run.d_real_mean.append(float(np.mean(probs[:batch])))
            run.d_fake_mean.append(float(np.mean(probs[batch:])))
        g_rows = np.hstack([rng.normal(size=(batch, NOISE)), rng.normal(0, 1, (batch, 1)) * sd])
        if not tricks.alternate:  # both gradients at the same point, then both steps
            g_loss, g_grads = players.g_loss.grad_batch(g_rows)
        # D's turn: the mean over the 2·batch rows is the mean of the two halves' means.
        d_loss, d_grads = players.d_loss.grad_batch(np.stack([seen, targets], axis=1))
        for p, g in zip(d_params, d_grads):
            p.grad = g
        players.opt_d.step()
        if tricks.wasserstein:
            for p in d_params:
                p.data = min(CLIP, max(-CLIP, p.data))
        # G's turn: the loss runs through D; with D frozen only G's optimizer steps.
        if tricks.alternate:
            g_loss, g_grads = players.g_loss.grad_batch(g_rows)
        for p, g in zip(g_params + d_params, g_grads):
            p.grad = g
        players.opt_g.step()
        if not tricks.freeze:
            players.opt_d.step()
        for decay in decays:
            decay.step()
        run.d_loss.append(float(d_loss))
        run.g_loss.append(float(g_loss))
    final = run.snapshots[steps]
    run.real = draw(rng, EVAL).tolist()
    run.mean, run.std = statistics.fmean(final), statistics.pstdev(final)
    run.wasserstein = wasserstein(final, run.real)
    run.players = players
    return run


def _train_job(job: tuple[int, int, dict]) -> GanRun:
    """One run for a worker process: its networks stay behind (compiled tapes do not travel)."""
    seed, steps, options = job
    run = train(seed, steps, **options)
    run.players = None
    return run


def train_many(jobs: list[tuple[int, int, dict]]) -> list[GanRun]:
    """Independent runs, one per (seed, steps, options), on every core when there are several.

    Each run depends only on its seed, so the results are the same in any process.
    """
    workers = min(len(jobs), os.cpu_count() or 1)
    if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return [_train_job(job) for job in jobs]
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        return list(pool.map(_train_job, jobs))


def generator_signal(
    players: Players, noise: list[list[float]]
) -> list[tuple[float, float, float]]:
    """What G learns from: for each noise, (G(z), D(G(z)), ∂L_G/∂x̂), D's gradient at x̂.

    The engine differentiates G's loss with respect to the generated number x̂ itself:
    that one number per sample is everything G is told about the data.
    """
    rows = []
    t = players.tricks
    for z in noise:
        x_hat = Value(float(players.sample.forward(data=z)), label="x̂")
        logit = players.discriminator([(x_hat - CENTER) / SPREAD if t.normalize else x_hat])
        loss = nn.binary_cross_entropy_with_logits([logit], [1.0])
        loss.backward()
        rows.append((x_hat.data, logit.sigmoid().data, x_hat.grad))
    return rows


@dataclass
class Ablation:
    """One row of the ablation: a setting, and how its seeds ended."""

    name: str
    tricks: Tricks
    runs: list[GanRun]

    @property
    def hits(self) -> int:
        """Seeds on target."""
        return sum(r.on_target for r in self.runs)

    @property
    def median_w1(self) -> float:
        """The median Wasserstein distance to the real data over the seeds."""
        return statistics.median(r.wasserstein for r in self.runs)


TRICK_NAMES = {  # each trick: what the row says when it is switched on, and off
    "normalize": ("with normalising (x in (−1, 1), tanh output)",
                  "without normalising (raw x, linear output)"),
    "smooth": ("with label smoothing (real labelled 0.9)",
               "without label smoothing (real labelled 1)"),
    "flip": (f"with label flipping ({FLIP:.0%} of labels)", "without label flipping"),
    "noise": (f"with input noise (std {INPUT_NOISE}, fading)", "without input noise"),
    "alternate": ("with alternating turns", "without alternating turns (simultaneous steps)"),
    "freeze": ("with D frozen in G's turn", "without freezing D (G's loss also steps D)"),
    "wasserstein": ("with a WGAN-style critic instead of the cross-entropy",
                    "without the WGAN-style critic"),
}


def switches() -> list[tuple[str, Tricks]]:
    """The lesson's setting, then each trick flipped from it."""
    base = Tricks()
    rows = [("the lesson's setting", base)]
    for name, (with_it, without_it) in TRICK_NAMES.items():
        on = not getattr(base, name)
        rows.append((with_it if on else without_it, replace(base, **{name: on})))
    return rows


@dataclass
class GanResult:
    """What the GAN lesson found."""

    main: GanRun
    mixture: GanRun
    ablation: list[Ablation]
    signal: list[tuple[float, float, float]]
    ablation_steps: int

    @property
    def collapsed(self) -> bool:
        """True when the mixture run put under 10% of its samples on one of the two modes."""
        return min(self.mixture.mode_mass()) < 0.10

    def summary(self) -> str:
        """One line: what the learner will see, with its numbers."""
        r, base = self.main, self.ablation[0]
        low, high = self.mixture.mode_mass()
        return (
            f"You will train a generator to mimic N({MEAN:g}, {STD}²) — it ends at mean "
            f"{r.mean:.2f}, std {r.std:.2f}, W₁ {r.wasserstein:.3f} after {len(r.d_loss)} "
            f"rounds — flip each of the source post's tricks over {len(base.runs)} seeds, and "
            f"check a two-mode mixture for mode collapse ({low:.0%}/{high:.0%} per mode)."
        )


def d_swing(run: GanRun, part: float = 0.1) -> tuple[float, float]:
    """The standard deviation of D's loss over the first and the last ``part`` of training."""
    n = max(2, int(len(run.d_loss) * part))
    return statistics.pstdev(run.d_loss[:n]), statistics.pstdev(run.d_loss[-n:])


def run(fast: bool = False, out: Path | None = None, verbose: bool = False,
        seeds: int = SEEDS) -> GanResult:
    """Run the lesson (``fast``: fewer steps, two seeds per ablation row)."""
    page = Page("gan", TITLE, out, verbose)
    steps = FAST_STEPS if fast else STEPS
    ablation_steps = FAST_STEPS if fast else ABLATION_STEPS
    seeds = 2 if fast else seeds
    tell_objective(page, steps)
    rows = switches()
    jobs = [(0, steps, {"at": (0, 25, steps // 5, steps)}), (0, steps, {"mixture": True})]
    jobs += [(seed, ablation_steps, {"tricks": tricks, "snapshots": 2})
             for _, tricks in rows for seed in range(seeds)]
    main, mixture, *runs = train_many(jobs)
    early = train(0, SIGNAL_ROUNDS, snapshots=2)
    signal = generator_signal(early.players, [[-1.0, 0.5], [0.0, 0.0], [1.2, -0.3]])
    tell_main(page, main, signal)
    if page.drawing:
        _histograms(page, main, "gaussian")
        _losses(page, main)
    ablation = [Ablation(name, tricks, runs[k * seeds:(k + 1) * seeds])
                for k, (name, tricks) in enumerate(rows)]
    tell_ablation(page, ablation, ablation_steps)
    live_training.gan(page)
    result = GanResult(main, mixture, ablation, signal, ablation_steps)
    tell_mixture(page, result)
    if page.drawing:
        _histograms(page, mixture, "mixture")
    page.write(result.summary())
    return result


def tell_objective(page: Page, steps: int) -> None:
    """The game and its objective."""
    power = str(NOISE).translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))
    page.say(
        "A generator G and a discriminator D play a game. D looks at a number and says how "
        "likely it is to be real (a sample of the data) rather than generated; G turns "
        "random noise z into numbers and wants D to be fooled. Here the data are numbers "
        f"from N({MEAN:g}, {STD}²). G: noise in ℝ{power} → {HIDDEN} tanh neurons → one "
        f"number. D: one number → {HIDDEN_D}–{HIDDEN_D} LeakyReLU neurons → a logit; "
        "D(x) = σ(logit) is its probability that x is real."
    )
    page.heading("The objective")
    page.pre(
        "min over G, max over D of  V(D, G) = E_x∼data[log D(x)] + E_z[log(1 − D(G(z)))]"
    )
    page.say(
        "D maximises V: it wants D(x) → 1 on real samples and D(G(z)) → 0 on generated "
        "ones; that is the binary cross-entropy with labels 1 and 0, so D's turn is a "
        "classifier's step. G minimises V, but log(1 − D(G(z))) is flat exactly when G is "
        "bad (D(G(z)) ≈ 0), so in practice G minimises −log D(G(z)): the cross-entropy "
        "with its samples labelled 'real'. For a fixed G the best D is "
        "D*(x) = p_data(x) / (p_data(x) + p_G(x)); when G matches the data, D* = ½ "
        "everywhere and neither can improve: the game's equilibrium."
    )
    page.say(
        f"Training alternates: D takes a step on {BATCH} real and {BATCH} generated "
        "samples, then G takes a step through D with D frozen. Adam for both (β₁ = 0.5, "
        f"rate {LR} decaying linearly to {LR * FINAL_LR:.5f}), {steps} rounds. Each player's "
        "loss for ONE sample is traced once through chainrule and compiled "
        "(autograd.compile: the engine's forward and backward written out); a batch "
        "replays it with numpy. Its gradients are the ones loss.backward() would give "
        "(the lesson's tests check the two agree)."
    )


def tell_main(page: Page, main: GanRun, signal: list[tuple[float, float, float]]) -> None:
    """The main run: D(x) over training, and what G is told."""
    page.heading("The generator never sees the data")
    page.say(
        "Look at G's loss: −log D(G(z)). No real sample appears in it. G's gradient is "
        "∂L_G/∂θ_G = ∂L_G/∂x̂ · ∂x̂/∂θ_G, where x̂ = G(z) and the first factor is D's "
        "gradient at x̂: one number per sample, 'move this way'. That is all G ever learns "
        "about the data; everything else it knows comes through D (the source post: the "
        f"generator never sees a training image). After {SIGNAL_ROUNDS} rounds, for three "
        "noise vectors:"
    )
    page.table(
        ["generated x̂ = G(z)", "D(x̂)", "∂L_G/∂x̂ (engine)", "G is told"],
        [[f"{x:+.3f}", f"{p:.3f}", f"{g:+.4f}",
          "move right" if g < 0 else "move left"] for x, p, g in signal],
    )
    page.say(
        "A negative ∂L_G/∂x̂ means a larger x̂ lowers G's loss: D currently finds larger "
        "numbers more real, so G is pushed towards the data at 4 without ever seeing a 4 "
        "(a positive one pushes it left). "
        "The picture-passing game of the source post is the same shape: the last person "
        "is shown the original picture and only tells the others which way they were off."
    )
    low, high = main.mean, main.std
    page.heading(f"One run, {len(main.d_loss)} rounds")
    page.say(
        f"It ends with mean {low:.3f} and std {high:.3f} (target {MEAN:g} and {STD}), "
        f"Wasserstein distance {main.wasserstein:.3f} to {EVAL} real samples (W₁: the mean "
        "gap between the sorted samples)."
    )
    early, late = d_swing(main)
    last = [p for x, p in zip(GRID, main.d_curves[max(main.d_curves)]) if 1.5 <= x <= 6.5]
    page.say(
        "D swings most early on: the standard deviation of its loss over the first 10% of "
        f"rounds is {early:.3f}, over the last 10% {late:.3f}, while each player keeps "
        "moving the other's target. The source post's advice: when a GAN misbehaves, "
        "tune D first. The black D(x) "
        "curves below show D rising where the real samples are and falling where the "
        "generated ones are; as "
        "the two overlap it flattens. With real samples labelled 0.9 (label smoothing) "
        "the best D is 0.9·p_data/(p_data + p_G), so at the equilibrium it is 0.45 "
        f"everywhere, not ½: at the end D(x) averages {statistics.fmean(last):.3f} over "
        "the real data's range."
    )


def tell_ablation(page: Page, ablation: list[Ablation], steps: int) -> None:
    """Each trick off, in turn, over seeds."""
    page.heading("The tricks, one switch at a time")
    seeds = len(ablation[0].runs)
    page.say(
        "The source post lists tricks for training GANs: inputs scaled into (−1, 1) with a "
        "tanh at G's output; one-sided label smoothing; flipping some labels; noise on D's "
        "inputs; training D and G in turns; keeping D fixed during G's step; the "
        "Wasserstein loss. Each is a switch here. The run above uses smoothing, turns and "
        "a frozen D; below, each switch is flipped in turn, "
        f"{seeds} seeds each, {steps} rounds (a short budget, so differences show). 'On "
        f"target' is mean within {MEAN_TOLERANCE} of {MEAN:g} and std within "
        f"{STD_TOLERANCE:.0%} of {STD}."
    )
    page.table(
        ["setting", "on target", "median W₁", "W₁ per seed", "mean per seed"],
        [[a.name, f"{a.hits}/{len(a.runs)}", f"{a.median_w1:.3f}",
          " ".join(f"{r.wasserstein:.2f}" for r in a.runs),
          " ".join(f"{r.mean:.1f}" for r in a.runs)] for a in ablation],
    )
    base = ablation[0].median_w1
    worse = [a.name for a in ablation[1:] if a.median_w1 > 1.5 * base]
    spread = [r.wasserstein for r in ablation[0].runs]
    inside = [a.name for a in ablation[1:]
              if a.name not in worse and min(spread) <= a.median_w1 <= max(spread)]
    page.say(
        "What each trick is for: normalising keeps D's inputs and G's outputs near the "
        "range the initial weights are sized for (and tanh bounds G's output) — but D here "
        f"is piecewise linear (LeakyReLU), so scale matters less; {normalising(ablation)} "
        "The post's advice comes from images, whose pixels (0–255) are far from the "
        "weights' scale. Smoothing keeps D "
        "from becoming certain, so its gradient for G never vanishes; flipping a few labels "
        "and adding input noise blur D's view, so it cannot separate the two sets too "
        "early; alternating lets G answer the D it actually faces; freezing D in G's turn "
        "keeps G's loss from training D to call fakes real. Measured here, with this "
        f"budget, the median W₁ rises above 1.5× the lesson's setting's ({base:.3f}) for: "
        + (", ".join(worse) if worse else "none of them")
        + ". The others' medians lie within the lesson's own seed-to-seed spread (W₁ from "
        f"{min(spread):.2f} to {max(spread):.2f}): "
        + (", ".join(inside) if inside else "none")
        + " — at this budget those switches are not distinguishable from luck. Tricks that "
        "do not matter on a one-dimensional Gaussian may matter on images; "
        "the table is what they do here."
    )
    page.say(best_setting(ablation))


def normalising(ablation: list[Ablation]) -> str:
    """What normalising measured against the lesson's setting, with the seeds' spread: a
    higher median inside the spread is not called worse."""
    base, normalised = ablation[0], next(a for a in ablation if a.tricks.normalize)
    spread = [r.wasserstein for r in base.runs]
    median = normalised.median_w1
    if min(spread) <= median <= max(spread):
        verdict = "inside the lesson's own seed-to-seed spread"
    else:
        verdict = "worse" if median > base.median_w1 else "better"
    return (f"measured, its median W₁ is {median:.3f} against the lesson's setting's "
            f"{base.median_w1:.3f}: {verdict}.")


def best_setting(ablation: list[Ablation]) -> str:
    """Which row measured best (most seeds on target, then the lowest median W₁), said as
    it is: the lesson's own setting need not be it."""
    base = ablation[0]
    best = max(ablation, key=lambda a: (a.hits, -a.median_w1))
    n = len(base.runs)
    if best is base:
        return (f"Of the rows above, the lesson's setting measured best: {base.hits}/{n} seeds "
                f"on target, median W₁ {base.median_w1:.3f}.")
    spread = [r.wasserstein for r in base.runs]
    within = min(spread) <= best.median_w1 <= max(spread)
    return (f"Of the rows above, the best measured is {best.name}: {best.hits}/{n} seeds on "
            f"target, median W₁ {best.median_w1:.3f}, against the lesson's setting's "
            f"{base.hits}/{n} and {base.median_w1:.3f}"
            + (" — inside the lesson's own seed-to-seed spread, so a hint, not a verdict."
               if within else ".")
            + " The main run above keeps the lesson's setting; the live trainer on this page "
            "has the same switches, to train with either.")


def tell_mixture(page: Page, result: GanResult) -> None:
    """A two-mode mixture and mode collapse."""
    low, high = result.mixture.mode_mass()
    page.heading("A two-mode mixture")
    page.say(
        f"Real data now: half N({MIXTURE[0][0]:g}, {MIXTURE[0][1]}²), half "
        f"N({MIXTURE[1][0]:g}, {MIXTURE[1][1]}²). The generator puts {low:.0%} of its "
        f"samples near the first mode and {high:.0%} near the second (W₁ "
        f"{result.mixture.wasserstein:.3f}). "
        + (
            "That is mode collapse: G found one mode that fools D and stays there."
            if result.collapsed
            else "No mode collapse in this run: both modes get samples, though a smooth "
            "generator also leaves some mass in the gap between them."
        )
    )


def _histograms(page: Page, r: GanRun, name: str) -> None:
    from matplotlib.figure import Figure

    marks = sorted(r.snapshots)
    rows = (len(marks) + 1) // 2
    fig = Figure(figsize=(10, 3.3 * rows), layout="constrained")  # 900 px: the column
    axes = fig.subplots(rows, 2, sharey=True, squeeze=False).ravel().tolist()
    for ax, step in zip(axes, marks):
        ax.hist(r.real, bins=40, range=(-2, 10), alpha=0.45, density=True, label="real")
        ax.hist(r.snapshots[step], bins=40, range=(-2, 10), alpha=0.45, density=True,
                label="generated")
        twin = ax.twinx()
        twin.plot(GRID, r.d_curves[step], color="black", lw=1.2)
        twin.set_ylim(0, 1.05)
        twin.set_ylabel("D(x): D's 'real'", fontsize=9)
        ax.set_title(f"round {step}")
        ax.set_xlabel("x")
        ax.set_ylabel("density")
        ax.plot([], [], color="black", lw=1.2, label="D(x)")
    fig.suptitle(f"Real vs generated samples and D(x) during training ({name}, "
                 f"seed {r.seed})")
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, fontsize=9, loc="outside lower center", ncols=3)
    page.figure(fig, f"{name}_histograms.png",
                "Histograms of real and generated samples (left axis) and the "
                "discriminator's D(x) (black, right axis) at four moments of training.")


def _losses(page: Page, run: GanRun) -> None:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(11, 3.4))
    left, right = fig.subplots(1, 2)
    left.plot(run.d_loss, label="discriminator", lw=0.8)
    left.plot(run.g_loss, label="generator", lw=0.8)
    left.set_xlabel("round")
    left.set_ylabel("loss (cross-entropy)")
    left.set_title("Both losses: neither goes to 0")
    left.legend()
    rounds = [WATCH * i for i in range(len(run.d_real_mean))]
    right.plot(rounds, run.d_real_mean, label="mean D(real)", lw=0.8)
    right.plot(rounds, run.d_fake_mean, label="mean D(generated)", lw=0.8)
    right.axhline(Tricks().real_label / 2, color="grey", ls=":",
                  label=f"equilibrium {Tricks().real_label / 2:g} (real labelled "
                  f"{Tricks().real_label:g})")
    right.set_xlabel("round")
    right.set_ylabel("D's probability 'real'")
    right.set_title("D's verdicts meet at the equilibrium")
    right.legend()
    page.figure(fig, "losses.png", "Left: both losses per round (seed 0): each network's "
                "progress is the other's loss. Right: what D says about each set.")


if __name__ == "__main__":
    run(out=Path("out") / "gan", verbose=True)
