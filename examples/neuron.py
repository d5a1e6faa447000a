"""Lesson: neuron: the three factors of ∂C/∂w, sums over paths, and batch averages.

A chain of sigmoid neurons, one per layer: aˡ = σ(wˡaˡ⁻¹ + bˡ), cost C₀ = (aᴸ − y)². The
chain rule splits ∂C₀/∂wᴸ into three numbers the engine has already computed; with two
neurons per layer, a gradient becomes a sum over paths; over a batch, an average.

Run it: ``python examples/neuron.py`` (writes ``out/neuron/index.html``).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from autograd import Value, backward_steps, local_derivatives
from autograd import sum as vsum

if __package__ in (None, ""):  # ``python examples/neuron.py``
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from examples.page import Page, difference

TITLE = "neuron: the three factors of ∂C/∂w, paths, and batches"
BLURB = (
    "One neuron per layer: ∂C₀/∂w as three factors, how backprop moves to the previous "
    "layer, and the gradient as a prediction of what a nudge does."
)
MINUTES = 15
WEIGHTS = (0.8, -1.2, 1.5)  # w¹, w², w³ of the one-neuron chain
BIASES = (0.1, 0.3, -0.4)
X, Y = 1.0, 0.0
SUP = "¹²³"
SUB = "₀₁"


def chain_of_neurons() -> dict[str, Value]:
    """Three one-neuron layers on input X, with cost (a³ − y)², after one backward pass
    (the target y is a labelled leaf: the picture names it y, not 0)."""
    nodes: dict[str, Value] = {"a⁰": Value(X, label="a⁰"), "y": Value(Y, label="y")}
    a = nodes["a⁰"]
    for layer, (w0, b0) in enumerate(zip(WEIGHTS, BIASES)):
        s = SUP[layer]
        w, b = Value(w0, label=f"w{s}"), Value(b0, label=f"b{s}")
        z = w * a + b
        z.label = f"z{s}"
        a = z.sigmoid()
        a.label = f"a{s}"
        nodes.update({f"w{s}": w, f"b{s}": b, f"z{s}": z, f"a{s}": a})
    cost = (a - nodes["y"]) ** 2
    cost.label = "C₀"
    nodes["C₀"] = cost
    cost.backward()
    return nodes


def cost_at(weights: tuple[float, ...], biases: tuple[float, ...] = BIASES) -> float:
    """C₀ for the chain of neurons at the given weights (a forward pass only)."""
    a: Value | float = X
    for w, b in zip(weights, biases):
        a = (Value(w) * a + b).sigmoid()
    return ((a - Y) ** 2).data


def nudges(layer: int, grad: float, sizes: tuple[float, ...]) -> list[tuple[float, float, float]]:
    """Nudge wˡ by Δ: (Δ, predicted change ∂C₀/∂wˡ·Δ, actual change C₀(w + Δ) − C₀(w))."""
    base = cost_at(WEIGHTS)
    rows = []
    for delta in sizes:
        moved = list(WEIGHTS)
        moved[layer] += delta
        rows.append((delta, grad * delta, cost_at(tuple(moved)) - base))
    return rows


def wide_network(seed: int = 0) -> tuple[Value, list[list[Value]], list[list[list[Value]]]]:
    """Two sigmoid neurons per layer, two layers, cost Σₖ(aₖ − yₖ)² on one sample.

    Returns the cost, the activations per layer and the weights W[l][k][j] (into
    neuron k of layer l from neuron j of the layer before).
    """
    rng = random.Random(seed)
    acts = [[Value(v, label=f"a⁰{SUB[j]}") for j, v in enumerate((0.5, -1.0))]]
    weights = []
    for layer in (1, 2):
        w = [[Value(rng.uniform(-1.5, 1.5), label=f"w{SUP[layer - 1]}{SUB[k]}{SUB[j]}")
              for j in range(2)] for k in range(2)]
        out = []
        for k in range(2):
            z = w[k][0] * acts[-1][0] + w[k][1] * acts[-1][1]
            z.label = f"z{SUP[layer - 1]}{SUB[k]}"
            a = z.sigmoid()
            a.label = f"a{SUP[layer - 1]}{SUB[k]}"
            out.append(a)
        weights.append(w)
        acts.append(out)
    targets = [Value(t, label=f"y{SUB[k]}") for k, t in enumerate((1.0, 0.0))]
    cost = vsum((a - t) ** 2 for a, t in zip(acts[-1], targets))
    cost.label = "C"
    cost.backward()
    return cost, acts, weights


def path_contributions(cost: Value, node: Value) -> list[float]:
    """What each edge out of ``node`` sent back to it, from the engine's backward steps."""
    return [s.contribution for s in backward_steps(cost) if s.input is node]


def batch_gradients(n: int, seed: int = 1) -> tuple[list[float], list[float]]:
    """The batch cost's gradient, and the average of the n per-sample gradients (w¹, b¹, …)."""
    rng = random.Random(seed)
    samples = [(rng.uniform(-2, 2), rng.uniform(0, 1)) for _ in range(n)]
    params = [Value(v) for pair in zip(WEIGHTS, BIASES) for v in pair]

    def cost(x: float, y: float) -> Value:
        a: Value | float = x
        for layer in range(3):
            a = (params[2 * layer] * a + params[2 * layer + 1]).sigmoid()
        return (a - y) ** 2

    batch = vsum(cost(x, y) for x, y in samples) / n
    batch.backward()
    whole = [p.grad for p in params]
    average = [0.0] * len(params)
    for x, y in samples:
        for p in params:
            p.zero_grad()
        cost(x, y).backward()
        average = [s + p.grad / n for s, p in zip(average, params)]
    return whole, average


@dataclass
class NeuronResult:
    """What the neuron lesson found."""

    factors: tuple[float, float, float]  # aᴸ⁻¹, σ′(zᴸ), 2(aᴸ − y)
    grad_wL: float  # the engine's ∂C₀/∂wᴸ
    sensitivities: dict[str, float]
    paths: list[float]
    path_sum: float
    back_step: tuple[float, float, float, float]  # w³, σ′(z³), 2(a³ − y), engine's ∂C₀/∂a²
    bias_grad: tuple[float, float]  # σ′(z³)·2(a³ − y)·1, engine's ∂C₀/∂b³
    nudge_rows: list[tuple[float, float, float]]
    path_grad: float
    batch_difference: float

    def summary(self) -> str:
        """One line: what the learner will see, with its numbers."""
        a, s, c = self.factors
        return (
            f"You will split ∂C₀/∂w³ into three factors, a² · σ′(z³) · 2(a³ − y) = {a:.4f} · "
            f"{s:.4f} · {c:.4f} = {self.grad_wL:.6f} (the engine's w³.grad), drag w³ and read "
            "the change of C₀ beside the gradient's prediction, and click a¹₀ to see its "
            f"gradient as the sum over its {len(self.paths)} paths ({self.path_grad:.6f})."
        ).replace("-", "−")


def run(fast: bool = False, out: Path | None = None, verbose: bool = False) -> NeuronResult:
    """Run the lesson (``fast`` uses a batch of 4 samples instead of 32)."""
    page = Page("neuron", TITLE, out, verbose)
    n = chain_of_neurons()
    page.say(
        "Three layers of one sigmoid neuron each: aˡ = σ(zˡ) with zˡ = wˡaˡ⁻¹ + bˡ, input "
        f"a⁰ = {X:g}, target y = {Y:g}, cost C₀ = (a³ − y)² for this one training sample. "
        "Weights w¹, w², w³ = " + ", ".join(f"{w:+g}".replace("-", "−") for w in WEIGHTS)
        + "; biases b¹, b², b³ = " + ", ".join(f"{b:+g}".replace("-", "−") for b in BIASES)
        + ". The cost has no ½ here, as in the source (so ∂C₀/∂a³ = 2(a³ − y)); the "
        "equations lesson writes C = ½(a − y)², whose gradients are half as large. The "
        "superscripts number layers, they are not powers."
    )
    page.table(["layer", "z", "a = σ(z)"],
               [[s, f"{n['z' + s].data:+.6f}", f"{n['a' + s].data:.6f}"] for s in SUP])
    page.heading("∂C₀/∂w³ is a product of three factors")
    (sigma_prime,) = local_derivatives(n["a³"])
    (dz_dw,) = local_derivatives(n["z³"].parents[0])[:1]  # ∂(w·a)/∂w = a
    factors = (dz_dw, sigma_prime, n["a³"].grad)
    page.pre(
        "∂C₀/∂w³ = ∂z³/∂w³ · ∂a³/∂z³ · ∂C₀/∂a³ = a² · σ′(z³) · 2(a³ − y)\n"
        f"        = {factors[0]:.6f} · {factors[1]:.6f} · {factors[2]:.6f}\n"
        f"        = {factors[0] * factors[1] * factors[2]:.6f}   (engine's w³.grad: "
        f"{n['w³'].grad:.6f})"
    )
    page.say(
        "a² is how strongly the previous neuron fires (weights from active neurons learn "
        "faster); σ′(z³) is how steep the sigmoid is where it sits (flat = saturated = slow); "
        "2(a³ − y) is how wrong the output is. Each number is one the engine computed: the "
        "local derivatives from the op table, ∂C₀/∂a³ from backward()."
    )
    page.say(
        "The bias takes the same path with its first factor replaced: zˡ = wˡaˡ⁻¹ + bˡ, so "
        "∂z³/∂b³ = 1 (the edge from b³ into z³ in the picture below carries the local "
        "derivative 1):"
    )
    bias_product = factors[1] * factors[2]
    page.pre(
        "∂C₀/∂b³ = ∂z³/∂b³ · ∂a³/∂z³ · ∂C₀/∂a³ = 1 · σ′(z³) · 2(a³ − y)\n"
        f"        = 1 · {factors[1]:.6f} · {factors[2]:.6f} = {bias_product:.6f}"
        f"   (engine's b³.grad: {n['b³'].grad:.6f})"
    )
    page.heading("Moving back one layer: ∂C₀/∂a²")
    w3 = n["w³"].data
    page.say(
        "We cannot change a² directly, but the cost's sensitivity to it is the step where "
        "backprop moves to the previous layer. Replace ∂z³/∂w³ = a² by ∂z³/∂a² = w³:"
    )
    page.pre(
        "∂C₀/∂a² = ∂z³/∂a² · ∂a³/∂z³ · ∂C₀/∂a³ = w³ · σ′(z³) · 2(a³ − y)\n"
        f"        = {w3:.6f} · {factors[1]:.6f} · {factors[2]:.6f} = "
        f"{w3 * factors[1] * factors[2]:.6f}   (engine's a².grad: {n['a²'].grad:.6f})"
    )
    (sp2,) = local_derivatives(n["a²"])
    page.say(
        "From here layer 2 repeats the same three-factor pattern with ∂C₀/∂a² in place of "
        f"2(a³ − y): ∂C₀/∂w² = a¹ · σ′(z²) · ∂C₀/∂a² = {n['a¹'].data:.6f} · {sp2:.6f} · "
        f"{n['a²'].grad:.6f} = {n['a¹'].data * sp2 * n['a²'].grad:.6f} (engine: "
        f"{n['w²'].grad:.6f}). That is all backprop is: compute the sensitivity to the "
        "previous activation, and repeat."
    )
    page.live(n["C₀"], "step_through.html",
              "The chain of neurons, live: each edge shows its local derivative (b³ → z³ "
              "carries 1, w³ → w³·a² carries a², a² → w³·a² carries w³; the links below "
              "bring each into view). Next steps through the backward pass; drag w³ to "
              "watch C₀ move beside the gradient's prediction; click a² for ∂C₀/∂a² as its "
              "path's product.",
              cites=("b³ → z³", "w³ → w³·a²", "a² → w³·a²"), first=[n["w³"]])
    page.heading("How sensitive is C₀ to each number?")
    names = [f"{k}{s}" for s in SUP for k in "wba"] + ["a⁰"]
    sens = {k: n[k].grad for k in names}
    page.table(["∂C₀/∂…", "value", "gradient"],
               [[k, f"{n[k].data:+.4f}", f"{sens[k]:+.6f}"]
                for k in sorted(names, key=lambda k: -abs(sens[k]))])
    page.say(
        "The last layer's numbers move the cost most; each layer further back multiplies in "
        "one more σ′ ≤ 0.25 and one more weight, which is why early layers of deep sigmoid "
        "networks learn slowly (vanishing gradients)."
    )
    page.heading("The gradient predicts what a nudge does")
    page.say(
        "∂C₀/∂w³ says: nudge w³ by a small Δ and C₀ changes by about ∂C₀/∂w³ · Δ. Nudging "
        "for real and recomputing the cost (a forward pass only):"
    )
    rows3 = nudges(2, n["w³"].grad, (0.5, 0.1, 0.01, 0.001, -0.01))
    rows1 = nudges(0, n["w¹"].grad, (0.1, 0.01))
    page.table(
        ["weight", "nudge Δ", "predicted ∂C₀/∂w·Δ", "actual change of C₀", "actual / predicted"],
        [[name, f"{d:+g}".replace("-", "−"), f"{p:+.3e}".replace("-", "−"),
          f"{a:+.3e}".replace("-", "−"), f"{a / p:.4f}"]
         for name, rows in (("w³", rows3), ("w¹", rows1)) for d, p, a in rows],
    )
    page.say(
        "The smaller the nudge, the closer the ratio gets to 1: the gradient is the slope of "
        "the cost at this point, a first-order prediction. And w¹ moves the cost far less "
        "than w³ per unit of nudge — the sensitivity table above says by how much for every "
        "number. In the live step-through above, drag w³ and read the same comparison "
        "beside it: C₀ before → after, the actual change, and ∂C₀/∂w³·Δ taken before the "
        "nudge, with a plot of both against Δ."
    )
    page.heading("Two neurons per layer: a sum over paths")
    cost, acts, weights = wide_network()
    node = acts[1][0]
    paths = path_contributions(cost, node)
    page.say(
        "Now each layer has two neurons and C = Σₖ(a²ₖ − yₖ)². The neuron a¹₀ feeds both "
        "neurons of the last layer, so its gradient is the sum over the two paths: "
        "∂C/∂a¹₀ = Σₖ w²ₖ₀ · σ′(z²ₖ) · 2(a²ₖ − yₖ)."
    )
    rows = []
    for k in range(2):
        (sp,) = local_derivatives(acts[2][k])
        w = weights[1][k][0].data
        rows.append([f"through a²{SUB[k]}", f"{w:+.6f}", f"{sp:.6f}", f"{acts[2][k].grad:+.6f}",
                     f"{w * sp * acts[2][k].grad:+.6f}"])
    page.table(["path", "w²ₖ₀", "σ′(z²ₖ)", "2(a²ₖ − yₖ)", "product"], rows)
    page.say(
        f"The engine's backward steps sent "
        f"{', '.join(f'{p:+.6f}'.replace('-', '−') for p in paths)} along "
        f"the edges out of a¹₀; their sum is {sum(paths):+.6f} and a¹₀.grad is "
        f"{node.grad:+.6f}: the `+=` in backward is the sum over paths."
    )
    page.live(cost, "paths.html",
              "The two-layer network, live. Click a¹₀ (the link below brings it into view): "
              "its panel lists both paths from C, each as the product of its local "
              "derivatives, and their sum, the gradient; the paths light up in the picture. "
              "Drag a weight and the sum follows.",
              cites=("a¹₀",))
    page.heading("A batch's gradient is the average of the samples' gradients")
    size = 4 if fast else 32
    whole, average = batch_gradients(size)
    diff = max(abs(a - b) for a, b in zip(whole, average))
    labels = [f"{k}{s}" for s in SUP for k in "wb"]
    page.table(["parameter", "∂(batch cost)/∂p", "mean of per-sample"],
               [[lab, f"{a:+.9f}", f"{b:+.9f}"] for lab, a, b in zip(labels, whole, average)])
    page.say(
        f"Cost = (1/{size})·Σᵢ C₀ᵢ over {size} samples. Differentiation is linear, so one "
        "backward pass over the batch cost equals the average of per-sample passes (up to "
        "rounding; here " + ("they agree exactly)." if diff == 0 else
                             f"the largest difference is {difference(diff)}).")
    )
    result = NeuronResult(
        factors, n["w³"].grad, sens, paths, sum(paths),
        (w3, factors[1], factors[2], n["a²"].grad), (bias_product, n["b³"].grad),
        rows3, node.grad, diff,
    )
    page.write(result.summary())
    return result


if __name__ == "__main__":
    run(out=Path("out") / "neuron", verbose=True)
