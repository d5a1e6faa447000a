"""A GAN trained in the browser: ``train_gan_live``, two players on one training page.

The generator G turns noise into a number, the discriminator D gives a number a logit
("real" or "generated"). Each player's loss for one sample is traced once and printed as
JavaScript, as :func:`viz.train_live` does for one model; the page then plays the rounds
of ``examples/gan.py``: real samples drawn from the chosen distribution, G's samples from
fresh noise, D's step on both (Adam, as ``nn.Adam``), then G's step through D. The post's
tricks are switches a learner flips while it trains; the two that change the graph
(normalising, the Wasserstein critic) are traced in each setting.

The chain rule one click away: a click on one of G's samples x̂ shows
∂L_G/∂θ = ∂L_G/∂x̂ · ∂x̂/∂θ for every weight θ of G, each factor from its own tape (D's
verdict on x̂, G's own derivative), beside the gradient of G's whole loss: the same numbers.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Mapping, Sequence
from typing import Any

import nn
from autograd import Value, compile
from autograd.javascript import tape_source
from autograd.ops import subscript

from . import train_settings
from .train_live import TrainLive

number = functools.partial(train_settings.number, where="train_gan_live")
whole = functools.partial(train_settings.whole, where="train_gan_live")

TRICKS = ("normalize", "smooth", "flip", "noise", "alternate", "freeze", "wasserstein")
"""The post's tricks, each a switch on the page (see :func:`train_gan_live`)."""


def _labels(real_label: float, flip: float, input_noise: float, clip: float) -> dict[str, str]:
    return {
        "normalize": "normalise (D sees (x − c)/s, G outputs c + s·tanh)",
        "smooth": f"label smoothing (real labelled {real_label:g})",
        "flip": f"flip {flip:.0%} of D's labels",
        "noise": f"noise on D's inputs (std {input_noise:g}, fading)",
        "alternate": "alternate turns (off: simultaneous)",
        "freeze": "freeze D in G's turn",
        "wasserstein": f"Wasserstein critic (weights clipped to ±{clip:g})",
    }


def _real(real: Any) -> list[dict[str, Any]]:
    if not isinstance(real, Mapping) or not real:
        raise ValueError("train_gan_live: real must map names to distributions, e.g. "
                         "{'N(4, 1.25²)': [(4.0, 1.25)]}")
    out = []
    for name, modes in real.items():
        ok = isinstance(name, str) and isinstance(modes, Sequence) and len(modes) > 0
        checked = []
        for mode in modes if ok else ():
            try:
                mean, std = mode
            except (TypeError, ValueError):
                ok = False
                break
            checked.append([number(f"the mean of {name!r}", mean, lambda v: True, ""),
                            number(f"the std of {name!r}", std, lambda v: v > 0, "> 0")])
        if not ok:
            raise ValueError(f"train_gan_live: real[{name!r}] must be equally likely (mean, "
                             f"std) modes, got {modes!r}")
        out.append({"name": name, "modes": checked})
    return out


def _variant(generator: nn.Module, discriminator: nn.Module, noise: int, center: float,
             spread: float, normalize: bool, wasserstein: bool) -> dict[str, str]:
    """One setting's tapes, as JavaScript: G's sample, D's loss, G's loss through D, D's
    verdict, and ∂L_G/∂x̂ (G's loss as a function of its sample x̂)."""
    g_params, d_params = generator.parameters(), discriminator.parameters()
    zs = [Value(0.0, label=f"z{subscript(i + 1)}") for i in range(noise)]
    x, t, eps, xhat = (Value(0.0, label=n) for n in ("x", "t", "ε", "x̂"))

    def d(v: Value) -> Value:
        return discriminator([(v - center) / spread if normalize else v])

    g_out = generator(zs)
    fake = center + spread * g_out.tanh() if normalize else g_out
    bce = nn.binary_cross_entropy_with_logits
    if wasserstein:  # the critic lowers target·score: −score on real, +score on fake
        d_loss, g_loss, told = t * d(x), -d(fake + eps), -d(xhat + eps)
        verdict = d(x)
    else:
        d_loss, g_loss = bce([d(x)], [t]), bce([d(fake + eps)], [1.0])
        told, verdict = bce([d(xhat + eps)], [1.0]), d(x).sigmoid()
    return {
        "sample": tape_source(compile(fake, g_params, zs)),
        "dLoss": tape_source(compile(d_loss, d_params, [x, t])),
        "gLoss": tape_source(compile(g_loss, g_params + d_params, [*zs, eps])),
        "verdict": tape_source(compile(verdict, d_params, [x])),
        "told": tape_source(compile(told, [xhat], [*d_params, eps])),
    }


def train_gan_live(
    generator: nn.Module,
    discriminator: nn.Module,
    real: Mapping[str, Sequence[tuple[float, float]]],
    *,
    noise: int,
    lr: float = 0.005,
    betas: tuple[float, float] = (0.5, 0.999),
    batch_size: int = 64,
    rounds: int = 1200,
    final_lr: float = 0.01,
    tricks: Mapping[str, bool] | None = None,
    center: float = 0.0,
    spread: float = 1.0,
    real_label: float = 0.9,
    flip: float = 0.05,
    input_noise: float = 0.5,
    clip: float = 0.5,
    seed: int = 0,
    speed: float | None = 100,
    title: str = "A GAN, live",
) -> TrainLive:
    """A page that trains a 1-D GAN in the browser: G and D in turns, the tricks as switches.

    Args:
        generator: noise (``noise`` numbers) → one number.
        discriminator: one number → one logit (or a critic's score).
        real: named distributions of the real data, each equally likely (mean, std)
            modes; the page offers them in a menu, the first one chosen.
        noise: the generator's noise dimension.
        lr, betas: Adam's rate and decay rates for both players; the rate decays linearly
            to ``lr·final_lr`` over ``rounds`` rounds (Play pauses there).
        batch_size: real and generated samples per round.
        tricks: which of :data:`TRICKS` start on (default: smooth, alternate, freeze).
        center, spread: normalising's c and s; real_label, flip, input_noise, clip: the
            tricks' numbers (label smoothing's real label, the fraction of labels flipped,
            the input noise's starting std, the critic's weight clip).
        seed: the page's random draws (Python's random.Random(seed) sequence).
        speed: rounds per second when playing; None for as fast as the browser can.
        title: the page's heading.

    Returns:
        A :class:`viz.TrainLive` page (``to_html``, ``_repr_html_``).

    Example:
        >>> import nn, viz
        >>> G = nn.MLP(2, [8, 1], activation="tanh", seed=0)
        >>> D = nn.MLP(1, [8, 1], activation="leaky_relu", seed=1)
        >>> page = viz.train_gan_live(G, D, {"N(4, 1)": [(4.0, 1.0)]}, noise=2)
        >>> sorted(page.spec["tapes"])
        ['n0w0', 'n0w1', 'n1w0', 'n1w1']
    """
    for name, module in (("generator", generator), ("discriminator", discriminator)):
        if not isinstance(module, nn.Module) or not module.parameters():
            raise TypeError(f"train_gan_live: {name} must be an nn.Module with parameters, "
                            f"got {type(module).__name__}")
    noise = whole("noise", noise, "a positive whole number")
    if noise < 1:
        raise ValueError(f"train_gan_live: noise must be a positive whole number, got {noise}")
    on = {"smooth": True, "alternate": True, "freeze": True, **(tricks or {})}
    unknown = set(on) - set(TRICKS)
    if unknown or not all(isinstance(v, bool) for v in on.values()):
        raise ValueError(f"train_gan_live: tricks maps {TRICKS} to True/False, got {tricks!r}")
    size = whole("batch_size", batch_size, "a positive whole number")
    count = whole("rounds", rounds, "a positive whole number")
    if size < 1 or count < 1:
        raise ValueError("train_gan_live: batch_size and rounds must be positive, got "
                         f"{batch_size!r} and {rounds!r}")
    if not isinstance(betas, (tuple, list)) or len(betas) != 2:
        raise ValueError(f"train_gan_live: betas must be a pair (β₁, β₂), got {betas!r}")
    numbers: dict[str, Any] = {
        "lr": number("lr", lr, lambda v: v >= 0, "≥ 0"),
        "betas": [number("betas", b, lambda v: 0 <= v < 1, "in [0, 1)") for b in betas],
        "finalLr": number("final_lr", final_lr, lambda v: 0 <= v <= 1, "in [0, 1]"),
        "center": number("center", center, lambda v: True, ""),
        "spread": number("spread", spread, lambda v: v > 0, "> 0"),
        "realLabel": number("real_label", real_label, lambda v: 0 < v <= 1, "in (0, 1]"),
        "flip": number("flip", flip, lambda v: 0 <= v <= 1, "in [0, 1]"),
        "inputNoise": number("input_noise", input_noise, lambda v: v >= 0, "≥ 0"),
        "clip": number("clip", clip, lambda v: v > 0, "> 0"),
    }
    labels = _labels(numbers["realLabel"], numbers["flip"], numbers["inputNoise"],
                     numbers["clip"])
    tapes = {f"n{int(n)}w{int(w)}": _variant(generator, discriminator, noise,
                                             numbers["center"], numbers["spread"], n, w)
             for n, w in itertools.product((False, True), repeat=2)}
    g_named, d_named = list(generator.named_parameters()), list(discriminator.named_parameters())
    spec: dict[str, Any] = {
        **numbers, "gan": True, "noise": noise, "batchSize": size, "rounds": count,
        "pauseAt": count, "marks": [], "rules": [],
        "speed": None if speed is None else number("speed", speed, lambda v: v > 0, "> 0"),
        "seed": str(whole("seed", seed, "a whole number")),
        "real": _real(real),
        "tricks": [{"key": k, "label": labels[k], "on": bool(on.get(k, False))} for k in TRICKS],
        "gNames": [f"G.{n}" for n, _ in g_named], "dNames": [f"D.{n}" for n, _ in d_named],
        "gLabels": [p.label or n for n, p in g_named],
        "gInitial": [p.data for _, p in g_named], "dInitial": [p.data for _, p in d_named],
        "tapes": tapes,
        "eps": 1e-8,
    }
    return TrainLive(spec, None, title)
