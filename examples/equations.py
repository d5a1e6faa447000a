"""Lesson 7, equations: the four fundamental equations of backpropagation, by hand.

For a sigmoid MLP with quadratic cost C = ½‖aᴸ − y‖², with zˡ = Wˡaˡ⁻¹ + bˡ, aˡ = σ(zˡ):

    (BP1) δᴸ = ∇ₐC ⊙ σ′(zᴸ)                 the error at the output
    (BP2) δˡ = ((Wˡ⁺¹)ᵀ δˡ⁺¹) ⊙ σ′(zˡ)        the error moved back one layer
    (BP3) ∂C/∂bˡⱼ = δˡⱼ
    (BP4) ∂C/∂wˡⱼₖ = aˡ⁻¹ₖ δˡⱼ

computed here with plain Python lists, then compared with the engine, which knows none of
them: it only applies the chain rule node by node. δˡ is the engine's ``zˡ.grad``.

Run it: ``python examples/equations.py`` (writes ``out/equations/index.html``).
"""

from __future__ import annotations

import itertools
import math
import random
from dataclasses import dataclass
from pathlib import Path

from autograd import Value, dot
from autograd import sum as vsum

if __package__ in (None, ""):  # ``python examples/equations.py``
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from examples.page import Page

TITLE = "equations: the four equations of backpropagation, checked against the engine"
BLURB = (
    "The forward pass z = Wa + b, the error δ = ∂C/∂z, and the four equations of "
    "backpropagation derived on a picture, checked, and saturation that stops learning."
)
MINUTES = 20
SIZES = (3, 4, 3, 2)
AGREEMENT = 1e-12  # the bar for hand-computed vs engine gradients

Matrix = list[list[float]]
EQUATIONS = """\
(BP1) δᴸ = ∇ₐC ⊙ σ′(zᴸ)              the error at the output (here ∇ₐC = aᴸ − y)
(BP2) δˡ = ((Wˡ⁺¹)ᵀ δˡ⁺¹) ⊙ σ′(zˡ)     the error moved back one layer
(BP3) ∂C/∂bˡⱼ = δˡⱼ
(BP4) ∂C/∂wˡⱼₖ = aˡ⁻¹ₖ δˡⱼ"""


def network(seed: int = 0) -> tuple[list[Matrix], list[list[float]]]:
    """Weights W[l] (rows: neurons of layer l+1) and biases b[l], seeded."""
    rng = random.Random(seed)
    ws = [[[rng.gauss(0, 1) for _ in range(n_in)] for _ in range(n_out)]
          for n_in, n_out in itertools.pairwise(SIZES)]
    bs = [[rng.gauss(0, 1) for _ in range(n_out)] for n_out in SIZES[1:]]
    return ws, bs


def sigma(z: float) -> float:
    """The logistic function 1/(1 + e⁻ᶻ)."""
    return 1.0 / (1.0 + math.exp(-z))


def sigma_prime(z: float) -> float:
    """σ′(z) = σ(z)(1 − σ(z))."""
    s = sigma(z)
    return s * (1.0 - s)


def by_hand(ws: list[Matrix], bs: list[list[float]], x: list[float], y: list[float]):
    """BP1–BP4 with lists: returns (∂C/∂W per layer, ∂C/∂b per layer, δ per layer)."""
    activations, zs = [x], []
    for w, b in zip(ws, bs):
        z = [sum(wjk * ak for wjk, ak in zip(row, activations[-1])) + bj for row, bj in zip(w, b)]
        zs.append(z)
        activations.append([sigma(zj) for zj in z])
    # BP1: for C = ½‖a − y‖², ∇ₐC = a − y.
    delta = [(a - t) * sigma_prime(z) for a, t, z in zip(activations[-1], y, zs[-1])]
    deltas = [delta]
    for layer in range(len(ws) - 2, -1, -1):
        w_next = ws[layer + 1]
        # BP2: (Wᵀδ)ₖ = Σⱼ wⱼₖ δⱼ, then ⊙ σ′(z).
        back = [sum(w_next[j][k] * delta[j] for j in range(len(delta)))
                for k in range(len(w_next[0]))]
        delta = [bk * sigma_prime(z) for bk, z in zip(back, zs[layer])]
        deltas.insert(0, delta)
    grad_b = [list(d) for d in deltas]  # BP3
    grad_w = [[[a_k * d_j for a_k in a_prev] for d_j in d]  # BP4
              for d, a_prev in zip(deltas, activations)]
    return grad_w, grad_b, deltas


def by_engine(ws: list[Matrix], bs: list[list[float]], samples: list[tuple[list, list]]):
    """The engine's gradients of the mean cost over samples: (∂C/∂W, ∂C/∂b, z nodes)."""
    wv = [[[Value(v) for v in row] for row in w] for w in ws]
    bv = [[Value(v) for v in b] for b in bs]
    costs, z_nodes = [], []
    for x, y in samples:
        a: list = x
        zs = []
        for w, b in zip(wv, bv):
            z = [dot(row, a) + bj for row, bj in zip(w, b)]
            zs.append(z)
            a = [zj.sigmoid() for zj in z]
        z_nodes.append(zs)
        costs.append(0.5 * vsum((aj - t) ** 2 for aj, t in zip(a, y)))
    cost = vsum(costs) / len(samples)
    cost.backward()
    grad_w = [[[v.grad for v in row] for row in w] for w in wv]
    grad_b = [[v.grad for v in b] for b in bv]
    return grad_w, grad_b, z_nodes


def _flat(xs) -> list[float]:
    if isinstance(xs, list):
        return [v for x in xs for v in _flat(x)]
    return [xs]


def _mean(trees: list) -> list:
    """The elementwise mean of equally nested lists of floats."""
    if isinstance(trees[0], list):
        return [_mean(list(parts)) for parts in zip(*trees)]
    return sum(trees) / len(trees)


def _max_difference(a, b) -> float:
    fa, fb = _flat(a), _flat(b)
    assert len(fa) == len(fb)
    return max(abs(x - y) for x, y in zip(fa, fb))


@dataclass
class EquationsResult:
    """What the equations lesson found."""

    parameters: int
    sample_difference: float  # one sample: BP1–BP4 vs engine, max over every parameter
    delta_difference: float  # δ by BP1/BP2 vs the engine's z.grad
    batch_difference: float  # mean of per-sample BP gradients vs engine on the mean cost
    batch_size: int

    def summary(self) -> str:
        """One line: the agreements."""
        return (
            f"BP1–BP4 by hand = engine on all {self.parameters} parameters to "
            f"{self.sample_difference:.1e} (δ = z.grad to {self.delta_difference:.1e}); "
            f"batch of {self.batch_size} averaged to {self.batch_difference:.1e}"
        )


def run(fast: bool = False, out: Path | None = None, verbose: bool = False) -> EquationsResult:
    """Run the lesson (``fast`` uses a batch of 5 samples instead of 50)."""
    page = Page("equations", TITLE, out, verbose)
    ws, bs = network()
    rng = random.Random(1)
    size = 5 if fast else 50
    samples = [([rng.uniform(-1, 1) for _ in range(SIZES[0])],
                [rng.uniform(0, 1) for _ in range(SIZES[-1])]) for _ in range(size)]
    count = sum(len(b) * (len(w[0]) + 1) for w, b in zip(ws, bs))
    page.say(
        f"A sigmoid MLP with layer sizes {SIZES} ({count} parameters, seeded Gaussian "
        "weights), quadratic cost C = ½‖aᴸ − y‖². Backpropagation is usually taught as four "
        "equations over vectors:"
    )
    page.pre(EQUATIONS)
    page.say(
        "Below they are computed with plain lists and for-loops, and compared with the "
        "engine, which never heard of δ or of these equations."
    )
    x, y = samples[0]
    hand_w, hand_b, deltas = by_hand(ws, bs, x, y)
    eng_w, eng_b, z_nodes = by_engine(ws, bs, [(x, y)])
    page.heading("One sample")
    rows = []
    for layer in range(len(ws)):
        engine_delta = [z.grad for z in z_nodes[0][layer]]
        rows.append([
            layer + 1,
            " ".join(f"{d:+.5f}" for d in deltas[layer]),
            f"{_max_difference(deltas[layer], engine_delta):.1e}",
            f"{_max_difference(hand_b[layer], eng_b[layer]):.1e}",
            f"{_max_difference(hand_w[layer], eng_w[layer]):.1e}",
        ])
    page.table(["layer l", "δˡ by BP1/BP2", "|δˡ − zˡ.grad|", "|BP3 − engine|", "|BP4 − engine|"],
               rows)
    d_last = deltas[-1]
    page.say(
        f"For example the output layer: δᴸ = (aᴸ − y) ⊙ σ′(zᴸ) = "
        f"{', '.join(f'{d:+.6f}' for d in d_last)}; the engine's zᴸ.grad = "
        f"{', '.join(f'{z.grad:+.6f}' for z in z_nodes[0][-1])}. The error δ of a neuron "
        "is exactly the gradient the engine leaves on its weighted input z."
    )
    sample_diff = max(_max_difference(hand_w, eng_w), _max_difference(hand_b, eng_b))
    delta_diff = max(_max_difference(deltas[i], [z.grad for z in z_nodes[0][i]])
                     for i in range(len(ws)))
    page.heading(f"A batch of {size}: the gradient is the average")
    per_sample = [by_hand(ws, bs, x, y) for x, y in samples]
    mean_w = _mean([g[0] for g in per_sample])
    mean_b = _mean([g[1] for g in per_sample])
    batch_w, batch_b, _ = by_engine(ws, bs, samples)
    batch_diff = max(_max_difference(mean_w, batch_w), _max_difference(mean_b, batch_b))
    page.say(
        f"The cost of a batch is the mean of the samples' costs, C = (1/n)Σₓ Cₓ, so its "
        f"gradient is the mean of the per-sample BP1–BP4 gradients. Over {size} samples the "
        f"engine's gradient of the batch cost and that mean agree to {batch_diff:.1e}."
    )
    ok = max(sample_diff, batch_diff, delta_diff) <= AGREEMENT
    page.say(
        f"Largest difference anywhere: {max(sample_diff, batch_diff, delta_diff):.1e} "
        f"({'within' if ok else 'OUTSIDE'} the {AGREEMENT:g} bar): floating-point rounding, "
        "because the two compute the same products in a different order."
    )
    result = EquationsResult(count, sample_diff, delta_diff, batch_diff, size)
    page.write(result.summary())
    return result


if __name__ == "__main__":
    run(out=Path("out") / "equations", verbose=True)
