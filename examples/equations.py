"""Lesson: the forward pass in matrix form and the four equations of backpropagation.

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
from dataclasses import dataclass, field
from pathlib import Path

from autograd import Value, dot, topological_order
from autograd import sum as vsum

if __package__ in (None, ""):  # ``python examples/equations.py``
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from examples.page import Page, agreement, difference

TITLE = "equations: the four equations of backpropagation, checked against the engine"
BLURB = (
    "The forward pass z = Wa + b, the error δ = ∂C/∂z, and the four equations of "
    "backpropagation derived on a picture, checked, and saturation that stops learning."
)
MINUTES = 20
SIZES = (3, 4, 3, 2)
AGREEMENT = 1e-12  # the bar for hand-computed vs engine gradients

Matrix = list[list[float]]


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


def forward(
    ws: list[Matrix], bs: list[list[float]], x: list[float],
    nudge: tuple[int, int, float] | None = None,
) -> tuple[list[list[float]], list[list[float]]]:
    """zˡ = Wˡaˡ⁻¹ + bˡ, aˡ = σ(zˡ), layer by layer; returns (zs, activations).

    ``nudge = (l, j, Δz)`` is the demon: it adds Δz to neuron j's z in layer l (counted from
    1 for the first layer of weights) before σ, and the change flows on to the cost.
    """
    activations, zs = [x], []
    for layer, (w, b) in enumerate(zip(ws, bs), start=1):
        z = [sum(wjk * ak for wjk, ak in zip(row, activations[-1])) + bj for row, bj in zip(w, b)]
        if nudge is not None and nudge[0] == layer:
            z[nudge[1]] += nudge[2]
        zs.append(z)
        activations.append([sigma(zj) for zj in z])
    return zs, activations


def cost(a: list[float], y: list[float]) -> float:
    """C = ½‖a − y‖² (this lesson's convention: the ½ makes ∇ₐC = a − y)."""
    return 0.5 * sum((aj - yj) ** 2 for aj, yj in zip(a, y))


def _flat(xs) -> list[float]:
    if isinstance(xs, list):
        return [v for x in xs for v in _flat(x)]
    return [xs]


def _mean(trees: list) -> list:
    """The elementwise mean of equally nested lists of floats."""
    if isinstance(trees[0], list):
        return [_mean(list(parts)) for parts in zip(*trees)]
    return sum(trees) / len(trees)


def _maxdifference(a, b) -> float:
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
    # per equation: (largest |difference|, one entry by hand, the same entry by the engine)
    per_equation: dict[str, tuple[float, float, float]] = field(default_factory=dict)
    nudges: list[tuple[int, int, float, float, float]] = field(default_factory=list)
    saturation: dict[float, list[float]] = field(default_factory=dict)

    def summary(self) -> str:
        """One line: what the learner will see, with its numbers."""
        worst = max(self.sample_difference, self.delta_difference, self.batch_difference)
        z0 = max(self.saturation)
        return (
            "You will build BP1–BP4 from the forward pass and the error δ = ∂C/∂z, watch δ "
            "collect over paths on a live 2-2-2 network, check all four against the engine on "
            f"{self.parameters} parameters "
            + f"(largest difference {difference(worst)})"
            + f", and see a neuron started saturated at z = {z0:g} barely learn in "
            f"{len(self.saturation[z0]) - 1} steps."
        )


def minus(text: str) -> str:
    """Unicode minus signs."""
    return text.replace("-", "−")


def vec(values: list[float], digits: int = 3) -> str:
    """A column vector written on one line."""
    return "(" + ", ".join(minus(f"{v:+.{digits}f}") for v in values) + ")ᵀ"


def saturation_run(z0: float, steps: int, lr: float = 1.0) -> list[float]:
    """One sigmoid neuron a = σ(wx + b), x = 1, target 0, started at w = z0, b = 0.

    Returns the cost C = ½a² after each gradient-descent step (and before the first).
    """
    w, b, history = z0, 0.0, []
    for _ in range(steps + 1):
        a = sigma(w + b)
        history.append(0.5 * a * a)
        delta = a * sigma_prime(w + b)  # BP1 with ∇ₐC = a − 0
        w, b = w - lr * delta, b - lr * delta  # BP4 (x = 1) and BP3
    return history


def draw_network(page: Page) -> None:
    """The index convention wˡⱼₖ and BP2's sum, drawn on the lesson's own 3-4-3-2 network
    with the text's numbering: x = a⁰, then layers 1, 2, 3 of weights and neurons."""
    if not page.drawing:
        return
    from matplotlib.figure import Figure

    layers = SIZES
    names = ("x", "a¹", "a²", "a³")

    def pos(layer: int, i: int) -> tuple[float, float]:
        n = layers[layer]
        return layer * 2.0, (n - 1) / 2 - i

    fig = Figure(figsize=(10, 3.9))
    for panel, ax in enumerate(fig.subplots(1, 2)):
        for layer in range(1, len(layers)):
            for j in range(layers[layer]):
                for k in range(layers[layer - 1]):
                    (x0, y0), (x1, y1) = pos(layer - 1, k), pos(layer, j)
                    hot = layer == 2 and k == 1 and (panel == 1 or j == 0)
                    ax.plot([x0, x1], [y0, y1], color="crimson" if hot else "0.8",
                            lw=2.2 if hot else 0.8, zorder=1)
        for layer, n in enumerate(layers):
            for i in range(n):
                x, y = pos(layer, i)
                ax.scatter([x], [y], s=700, color="white", edgecolor="0.3", zorder=2)
                ax.text(x, y, f"{names[layer]}{'₁₂₃₄'[i]}", ha="center", va="center",
                        fontsize=9, zorder=3)
        if panel == 0:
            ax.annotate("w²₁₂: to neuron j = 1 of layer 2\nfrom neuron k = 2 of layer 1",
                        xy=(3.0, 0.75), xytext=(2.3, 2.05), fontsize=9, color="crimson",
                        arrowprops={"arrowstyle": "->", "color": "crimson"})
            ax.set_title("Forward: zⱼ = Σₖ wⱼₖ aₖ + bⱼ\n(row j of W: every weight into neuron j)",
                         fontsize=10)
        else:
            ax.annotate("BP2: δ¹₂ = Σⱼ w²ⱼ₂ δ²ⱼ · σ′(z¹₂)\n(column 2 of W², i.e. Wᵀ)",
                        xy=(2.0, 0.5), xytext=(0.1, 2.05), fontsize=9, color="crimson",
                        arrowprops={"arrowstyle": "->", "color": "crimson"})
            ax.set_title("Backward (BP2): a neuron's error collects\nfrom every neuron it feeds",
                         fontsize=10)
        ax.set_xlim(-0.6, 6.6)
        ax.set_ylim(-2.0, 2.6)
        ax.set_axis_off()
    page.figure(fig, "network.png", "The lesson's 3-4-3-2 network: inputs x (a⁰), then layers "
                "1, 2 and 3; the red edges are the ones the formula above each panel uses.")


def small_network() -> Value:
    """A 2-2-2 sigmoid network's cost C = ½‖a² − y‖² on one sample, every z labelled (zˡⱼ,
    whose gradient is δˡⱼ) and the sample's x and y labelled leaves."""
    rng = random.Random(2)
    sub = "₁₂"
    a: list[Value] = [Value(v, label=f"x{sub[k]}") for k, v in enumerate((0.8, -0.4))]
    for layer in (1, 2):
        sup = "¹²"[layer - 1]
        out = []
        for j in range(2):
            w = [Value(rng.gauss(0, 1), label=f"w{sup}{sub[j]}{sub[k]}") for k in range(2)]
            weighted = dot(w, a)
            weighted.label = f"Σₖ w{sup}{sub[j]}ₖ{'x' if layer == 1 else 'a¹'}ₖ"
            z = weighted + Value(rng.gauss(0, 0.5), label=f"b{sup}{sub[j]}")
            z.label = f"z{sup}{sub[j]}"
            act = z.sigmoid()
            act.label = f"a{sup}{sub[j]}"
            out.append(act)
        a = out
    y = [Value(t, label=f"y{sub[k]}") for k, t in enumerate((1.0, 0.0))]
    squares = vsum((aj - t) ** 2 for aj, t in zip(a, y))
    squares.label = "‖a² − y‖²"
    loss = 0.5 * squares
    loss.label = "C"
    return loss


def tell_forward(page: Page, ws: list[Matrix], bs: list[list[float]], x: list[float]) -> None:
    """The forward pass written in matrix form, with numbers."""
    page.heading("The forward pass in matrix form")
    page.say(
        "Write wˡⱼₖ for the weight from neuron k of layer l − 1 to neuron j of layer l, bˡⱼ "
        "for neuron j's bias and aˡⱼ = σ(zˡⱼ) for its activation. The indices look reversed "
        "(j, the destination, first) so that one layer is one matrix product: row j of Wˡ "
        "holds every weight INTO neuron j, and"
    )
    page.pre("zˡ = Wˡ aˡ⁻¹ + bˡ,    aˡ = σ(zˡ)")
    draw_network(page)
    zs, acts = forward(ws, bs, x)
    rows = "\n".join(
        "  [" + "  ".join(minus(f"{v:+.3f}") for v in row) + "]" for row in ws[0]
    )
    page.say(f"The lesson's network has layer sizes {SIZES}. Its first layer, on x = {vec(x)}:")
    page.pre(
        f"W¹ =\n{rows}\n"
        f"b¹ = {vec(bs[0])}\n"
        f"z¹ = W¹x + b¹ = {vec(zs[0])}\n"
        f"a¹ = σ(z¹)    = {vec(acts[1])}"
    )
    page.say(
        "(Here layers of weights are counted from 1 for the first; the post counts the input "
        "as layer 1, so its first weights are w⁽²⁾. Only the labels differ.) Each later layer "
        f"repeats the product; the output is aᴸ = {vec(acts[-1])}."
    )


def tell_demon(page: Page, result: EquationsResult) -> None:
    """δ as the demon's lever."""
    page.heading("δ: what the cost does when a neuron's z is nudged")
    page.say(
        "Imagine a demon sitting in neuron j of layer l. It adds a small Δz to the neuron's "
        "weighted input, so the neuron outputs σ(zˡⱼ + Δz) instead of σ(zˡⱼ); the change "
        "flows through every later layer and the cost changes by about ∂C/∂zˡⱼ · Δz. That "
        "rate is the quantity backprop carries, the neuron's error:"
    )
    page.pre("δˡⱼ = ∂C/∂zˡⱼ")
    page.say(
        "A helpful demon picks Δz with the opposite sign of δ, and the cost falls: that is "
        "gradient descent seen from one neuron. When δ is near 0 no nudge helps (the neuron "
        "is at a local optimum, or saturated: see below). Why carry δ and not ∂C/∂a? Because "
        "every weight into the neuron and its bias reach the cost only through z, so their "
        "gradients are δ times something local (BP3, BP4). Nudging with Δz = 10⁻³:"
    )
    page.table(
        ["layer l", "neuron j", "δˡⱼ (BP1/BP2)", "predicted δ·Δz", "actual ΔC"],
        [[lay, j + 1, minus(f"{d:+.6f}"), minus(f"{d * 1e-3:+.3e}"), minus(f"{dc:+.3e}")]
         for lay, j, _, d, dc in result.nudges],
    )


def tell_equations(page: Page, result: EquationsResult) -> None:
    """BP1–BP4 derived from the picture, then checked."""
    page.heading("The four equations, derived from the picture")
    page.pre(
        "BP1  The output neuron's z reaches C only through its own a:\n"
        "     δᴸⱼ = ∂C/∂aᴸⱼ · σ′(zᴸⱼ)              vector form: δᴸ = ∇ₐC ⊙ σ′(zᴸ)\n"
        "BP2  zˡₖ reaches C through every zˡ⁺¹ⱼ it feeds, and ∂zˡ⁺¹ⱼ/∂zˡₖ = wˡ⁺¹ⱼₖ·σ′(zˡₖ):\n"
        "     δˡₖ = Σⱼ wˡ⁺¹ⱼₖ δˡ⁺¹ⱼ · σ′(zˡₖ)         vector form: δˡ = ((Wˡ⁺¹)ᵀ δˡ⁺¹) ⊙ σ′(zˡ)\n"
        "BP3  zˡⱼ = … + bˡⱼ, so ∂zˡⱼ/∂bˡⱼ = 1:\n"
        "     ∂C/∂bˡⱼ = δˡⱼ\n"
        "BP4  zˡⱼ = Σₖ wˡⱼₖ aˡ⁻¹ₖ + bˡⱼ, so ∂zˡⱼ/∂wˡⱼₖ = aˡ⁻¹ₖ:\n"
        "     ∂C/∂wˡⱼₖ = aˡ⁻¹ₖ δˡⱼ"
    )
    page.say(
        "The sum in BP2 is the chain rule's sum over paths (the right panel above): the "
        "transpose appears because neuron k's error collects along column k of Wˡ⁺¹, the "
        "weights that leave it. ⊙ multiplies element by element. Watch it happen on a "
        "2-2-2 network below: click z¹₁ and its panel lists δ¹₁ = ∂C/∂z¹₁ as the sum over "
        "the two paths through z²₁ and z²₂, each a product of local derivatives. The cost "
        "convention: this lesson uses C = ½‖aᴸ − y‖², so ∇ₐC = aᴸ − y. Without the ½ (the "
        "neuron lesson's C₀ = (a − y)²) every gradient doubles, the minimum is the same, and "
        "a learning rate α there does what 2α does here."
    )
    net = small_network()
    named = {node.label: node for node in topological_order(net)}
    page.live(net, "step_through.html",
              "A 2-2-2 network's cost, live (δˡⱼ is the gradient of zˡⱼ). Click z¹₁ for BP2 "
              "as a sum over paths; step with Next to see BP1 at z²₁ and z²₂ first; drag "
              "w²₁₁ and every δ follows.", cites=("z¹₁",), first=[named["w²₁₁"]])
    page.heading("Checked against the engine")
    page.say(
        "Computed with plain lists and for-loops, then compared with the engine, which knows "
        "nothing of δ: it applies the chain rule node by node (δˡ is its zˡ.grad). The "
        "largest difference over every neuron or parameter, for one sample:"
    )
    page.table(
        ["equation", "compared with", "one entry", "by hand", "engine",
         "largest |difference|, all entries"],
        [[name, what, entry, minus(f"{result.per_equation[name][1]:+.9f}"),
          minus(f"{result.per_equation[name][2]:+.9f}"), difference(result.per_equation[name][0])]
         for name, what, entry in (
            ("BP1", "zᴸ.grad of the output neurons", "δ³₁"),
            ("BP2", "zˡ.grad of the hidden neurons", "δ¹₂"),
            ("BP3", "∂C/∂b from backward()", "∂C/∂b²₃"),
            ("BP4", "∂C/∂w from backward()", "∂C/∂w¹₁₂"),
        )],
    )
    page.say(
        "Equal to the last bit here; in general they may differ by rounding, since the two "
        "compute the same products in a different order. For a batch "
        f"the cost is the mean C = (1/n)Σₓ Cₓ, so its gradient is the mean of the per-sample "
        f"BP1–BP4 gradients: over {result.batch_size} samples, the engine's gradient of the "
        f"batch cost and that mean agree {agreement(result.batch_difference)}."
    )


def tell_saturation(page: Page, result: EquationsResult) -> None:
    """σ′ ≈ 0 stops learning."""
    page.heading("Saturation: when σ′(z) ≈ 0, learning stops")
    page.say(
        "BP1 multiplies by σ′(zᴸ) and BP2 by σ′(zˡ). σ′(z) = σ(z)(1 − σ(z)) is at most 0.25 "
        "(at z = 0) and vanishes fast:"
    )
    page.table(["z", "σ(z)", "σ′(z)"],
               [[z, f"{sigma(z):.5f}", f"{sigma_prime(z):.2e}"] for z in (0, 2, 5, 10)])
    page.say(
        "So a neuron whose z is far from 0 has δ ≈ 0 however wrong its output is: a "
        "saturated neuron stops learning. One sigmoid neuron, input 1, target 0, cost "
        "C = ½a², gradient descent with rate 1, started at different z:"
    )
    steps = len(next(iter(result.saturation.values()))) - 1
    page.table(
        ["start z", "a at start", "C at start", f"C after {steps // 10} steps",
         f"C after {steps} steps"],
        [[z0, f"{sigma(z0):.4f}", f"{h[0]:.4f}", f"{h[steps // 10]:.4f}", f"{h[-1]:.4f}"]
         for z0, h in result.saturation.items()],
    )
    page.say(
        "Started at z = 2 it learns at once. Started at z = 8 its output is 0.9997 — as wrong "
        "as it gets — yet for hundreds of steps the cost hardly moves: δ = a·σ′(z) ≈ 3·10⁻⁴. "
        "(This is why output layers pair sigmoids with the cross-entropy cost, whose "
        "gradient cancels σ′, and why hidden layers often use ReLU.)"
    )
    if page.drawing:
        from matplotlib.figure import Figure

        fig = Figure(figsize=(7, 3.4))
        ax = fig.add_subplot()
        for z0, history in result.saturation.items():
            ax.plot(range(len(history)), history, label=f"start z = {z0}")
        ax.set_xlabel("gradient-descent step")
        ax.set_ylabel("cost C = ½a²")
        ax.set_title("A saturated sigmoid (large z) learns slowly: σ′(z) ≈ 0")
        ax.legend()
        page.figure(fig, "saturation.png", "Cost per step for three starting points.")


def run(fast: bool = False, out: Path | None = None, verbose: bool = False) -> EquationsResult:
    """Run the lesson (``fast`` uses a batch of 5 samples instead of 50)."""
    page = Page("equations", TITLE, out, verbose)
    ws, bs = network()
    rng = random.Random(1)
    size = 5 if fast else 50
    samples = [([rng.uniform(-1, 1) for _ in range(SIZES[0])],
                [rng.uniform(0, 1) for _ in range(SIZES[-1])]) for _ in range(size)]
    count = sum(len(b) * (len(w[0]) + 1) for w, b in zip(ws, bs))
    x, y = samples[0]
    hand_w, hand_b, deltas = by_hand(ws, bs, x, y)
    eng_w, eng_b, z_nodes = by_engine(ws, bs, [(x, y)])
    engine_deltas = [[z.grad for z in layer] for layer in z_nodes[0]]
    per_equation = {
        "BP1": (_maxdifference(deltas[-1], engine_deltas[-1]), deltas[-1][0],
                engine_deltas[-1][0]),
        "BP2": (_maxdifference(deltas[:-1], engine_deltas[:-1]), deltas[0][1],
                engine_deltas[0][1]),
        "BP3": (_maxdifference(hand_b, eng_b), hand_b[1][2], eng_b[1][2]),
        "BP4": (_maxdifference(hand_w, eng_w), hand_w[0][0][1], eng_w[0][0][1]),
    }
    per_sample = [by_hand(ws, bs, xs, ys) for xs, ys in samples]
    batch_w, batch_b, _ = by_engine(ws, bs, samples)
    batch_diff = max(_maxdifference(_mean([g[0] for g in per_sample]), batch_w),
                     _maxdifference(_mean([g[1] for g in per_sample]), batch_b))
    base = cost(forward(ws, bs, x)[1][-1], y)
    nudges = []
    for layer, j in ((1, 0), (2, 2), (3, 1)):
        changed = cost(forward(ws, bs, x, (layer, j, 1e-3))[1][-1], y) - base
        nudges.append((layer, j, 1e-3, deltas[layer - 1][j], changed))
    result = EquationsResult(
        parameters=count,
        sample_difference=max(per_equation["BP3"][0], per_equation["BP4"][0]),
        delta_difference=max(per_equation["BP1"][0], per_equation["BP2"][0]),
        batch_difference=batch_diff,
        batch_size=size,
        per_equation=per_equation,
        nudges=nudges,
        saturation={z0: saturation_run(z0, 300) for z0 in (2.0, 5.0, 8.0)},
    )
    page.say(
        "Backpropagation is usually taught as four equations. This lesson builds them from "
        "the forward pass and one idea (the error δ of a neuron), checks them against the "
        "engine, and shows the case where they say a network cannot learn."
    )
    tell_forward(page, ws, bs, x)
    tell_demon(page, result)
    tell_equations(page, result)
    tell_saturation(page, result)
    page.write(result.summary())
    return result


if __name__ == "__main__":
    run(out=Path("out") / "equations", verbose=True)
