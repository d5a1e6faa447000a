"""Lesson: forward or reverse — one graph, the chain rule walked in either direction.

Both modes multiply the same local derivatives, the ones the op table gives each edge.
Forward mode carries "how much does this node move when x₁ moves" from the inputs to the
outputs; reverse mode (backprop) carries "how much does the output move when this node
moves" from an output back to the inputs. Which is cheaper depends on the shape of the
function: many inputs and one output (a loss), or one input and many outputs.

Run it: ``python examples/modes.py`` (writes ``out/modes/index.html``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

from autograd import Value, backward_steps, local_derivatives, topological_order
from autograd.functional import jacobian, jvp

if __package__ in (None, ""):  # ``python examples/modes.py``
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from examples.page import Page, agreement, difference

TITLE = "modes: forward or reverse, the same chain rule walked two ways"
BLURB = (
    "The same graph differentiated forward (one input at a time) and in reverse (one "
    "output at a time), and a count of the work that shows why training uses reverse."
)
MINUTES = 10
X1, X2 = 1.5, 0.5
SIZES = (1, 10, 100)


def example() -> tuple[list[Value], list[Value]]:
    """Two inputs, two outputs: a = x₁x₂, b = sin a, c = x₁², y₁ = b + c, y₂ = b·x₂."""
    x1, x2 = Value(X1, label="x₁"), Value(X2, label="x₂")
    return [x1, x2], list(f(x1, x2))


def f(x1: Value, x2: Value) -> tuple[Value, Value]:
    """The lesson's function, (y₁, y₂), with every intermediate labelled."""
    a = x1 * x2
    a.label = "a"
    b = a.sin()
    b.label = "b"
    c = x1**2
    c.label = "c"
    y1 = b + c
    y1.label = "y₁"
    y2 = b * x2
    y2.label = "y₂"
    return y1, y2


def graph_order(outputs: list[Value]) -> list[Value]:
    """Every node of the outputs' graph, each after its inputs."""
    order: list[Value] = []
    seen: set[Value] = set()
    for out in outputs:
        for node in topological_order(out):
            if node not in seen:
                seen.add(node)
                order.append(node)
    return order


@dataclass
class ForwardStep:
    """One node of a forward-mode pass: its tangent from its inputs' tangents."""

    node: Value
    terms: list[tuple[Value, float, float]]  # (input, ∂node/∂input, the input's tangent)
    tangent: float


def forward_pass(
    outputs: list[Value], seed: dict[Value, float]
) -> tuple[dict[Value, float], list[ForwardStep]]:
    """Forward mode: ṅ = Σᵢ ∂n/∂inputᵢ · inputᵢ̇, node by node from the inputs.

    ``seed`` gives each input's tangent (the direction we move the inputs in); the
    local derivatives are the engine's (``local_derivatives``: the op table's rules).
    """
    tangents: dict[Value, float] = {}
    steps = []
    for node in graph_order(outputs):
        if node.op is None:
            tangents[node] = seed.get(node, 0.0)
            continue
        terms = [(p, local, tangents[p]) for p, local in zip(node.parents, local_derivatives(node))]
        tangents[node] = sum(local * t for _, local, t in terms)
        steps.append(ForwardStep(node, terms, tangents[node]))
    return tangents, steps


def products(steps: list[ForwardStep]) -> int:
    """Multiplications of a local derivative by a tangent in a forward pass."""
    return sum(len(s.terms) for s in steps)


def many_inputs(n: int) -> tuple[list[Value], Value]:
    """A loss-shaped function of n inputs: L = Σᵢ sin(xᵢ)·xᵢ₊₁ (cyclic), one output."""
    xs = [Value(0.1 * (i + 1), label=f"x{i}") for i in range(n)]
    loss = Value(0.0)
    for i in range(n):
        loss = loss + xs[i].sin() * xs[(i + 1) % n]
    return xs, loss


TRUNK = 10  # layers of shared work before the outputs branch off


def many_outputs(m: int) -> tuple[Value, list[Value]]:
    """One input, m outputs sharing a trunk: h = tanh(1.1·…tanh(1.1·x)), yⱼ = sin(j·h)·h."""
    x = Value(0.7, label="x")
    h = x
    for _ in range(TRUNK):
        h = (1.1 * h).tanh()
    return x, [(j * h).sin() * h for j in range(1, m + 1)]


@dataclass
class Count:
    """The work of a full derivative, counted in local-derivative products."""

    shape: str
    size: int
    forward_passes: int
    forward_products: int
    reverse_passes: int
    reverse_products: int
    largest_difference: float  # forward vs reverse, over every derivative computed


@dataclass
class ModesResult:
    """What the modes lesson found."""

    jacobian_forward: list[list[float]]  # columns filled by forward passes
    jacobian_reverse: list[list[float]]  # rows filled by reverse passes
    counts: list[Count] = field(default_factory=list)

    def summary(self) -> str:
        """One line: what the learner will see, with its numbers."""
        worst = max(abs(a - b) for ra, rb in zip(self.jacobian_forward, self.jacobian_reverse)
                    for a, b in zip(ra, rb))
        size = max(c.size for c in self.counts)
        big = {c.shape: c for c in self.counts if c.size == size}
        many, one = big["many inputs → one output"], big["one input → many outputs"]
        return (
            "You will walk one graph's chain rule forward from x₁ and backward from y₁ (the "
            f"Jacobians agree {agreement(worst)}), then count the work at size {size}: for "
            f"a loss of many inputs reverse mode needs {many.reverse_products} products where "
            f"forward needs {many.forward_products}; for one input and many outputs forward "
            f"wins, {one.forward_products} against {one.reverse_products}."
        )


def jacobians() -> tuple[list[list[float]], list[list[float]]]:
    """The example's Jacobian twice: column by column forward, row by row in reverse."""
    inputs, outputs = example()
    forward = [[0.0] * len(inputs) for _ in outputs]
    for j, x in enumerate(inputs):
        tangents, _ = forward_pass(outputs, {x: 1.0})
        for i, y in enumerate(outputs):
            forward[i][j] = tangents[y]
    reverse = []
    for y in outputs:
        grads = {x: 0.0 for x in inputs}
        for s in backward_steps(y):
            if s.input in grads:
                grads[s.input] += s.contribution
        reverse.append([grads[x] for x in inputs])
    return forward, reverse


def count(shape: str, size: int) -> Count:
    """Forward passes (one per input) against reverse passes (one per output)."""
    if shape == "many inputs → one output":
        xs, loss = many_inputs(size)
        fwd, total = [], 0
        for x in xs:
            tangents, steps = forward_pass([loss], {x: 1.0})
            fwd.append(tangents[loss])
            total += products(steps)
        rev_steps = list(backward_steps(loss))
        grads = {x: 0.0 for x in xs}
        for s in rev_steps:
            if s.input in grads:
                grads[s.input] += s.contribution
        diff = max(abs(a - grads[x]) for a, x in zip(fwd, xs))
        return Count(shape, size, size, total, 1, len(rev_steps), diff)
    x, ys = many_outputs(size)
    tangents, steps = forward_pass(ys, {x: 1.0})
    rev_total, diff = 0, 0.0
    for y in ys:
        grad = 0.0
        for s in backward_steps(y):
            rev_total += 1
            if s.input is x:
                grad += s.contribution
        diff = max(diff, abs(grad - tangents[y]))
    return Count(shape, size, 1, products(steps), size, rev_total, diff)


def fmt(v: float) -> str:
    """A number with a Unicode minus."""
    return f"{v:+.6f}".replace("-", "−")


def tell_walks(page: Page) -> None:
    """The example graph walked forward from x₁ and backward from y₁."""
    inputs, outputs = example()
    page.say(
        "Two inputs, two outputs: a = x₁·x₂, b = sin a, c = x₁², y₁ = b + c, y₂ = b·x₂, at "
        f"x₁ = {X1}, x₂ = {X2}. Each edge of the graph has a local derivative, the op "
        "table's rule (∂(x₁·x₂)/∂x₁ = x₂, ∂sin a/∂a = cos a, …). The chain rule says a "
        "derivative along the graph is a sum over paths of products of local derivatives. "
        "Both modes compute exactly those sums; they differ in the order they multiply."
    )
    page.live(example()[1][0], "step_through.html",
              "The graph of y₁ (y₂ shares a and b with it), live: each edge shows its local "
              "derivative. Next runs the reverse pass below step by step; drag x₁ to see y₁ "
              "move beside ∂y₁/∂x₁·Δ, the number one forward pass computes; click x₁ for "
              "∂y₁/∂x₁ as the sum over its two paths (through a and through c).",
              cites=("x₁ → a", "x₁ → c"))
    page.heading("Forward mode: push a tangent from x₁ to every output")
    page.say(
        "Choose an input direction — here 'move x₁, keep x₂': tangents ẋ₁ = 1, ẋ₂ = 0. "
        "Visit the nodes from the inputs on; each node's tangent is the sum over its inputs "
        "of local derivative × that input's tangent (ṅ = Σ ∂n/∂u · u̇). The numbers, with "
        "the engine's local derivatives:"
    )
    _, steps = forward_pass(outputs, {inputs[0]: 1.0})
    page.table(
        ["node", "ṅ = Σ ∂n/∂u · u̇", "tangent ṅ"],
        [[s.node.label, " + ".join(f"{fmt(loc)}·{fmt(t)}" for _, loc, t in s.terms),
          fmt(s.tangent)] for s in steps],
    )
    page.say(
        f"One pass gives ∂y₁/∂x₁ = {fmt(steps[-2].tangent)} and ∂y₂/∂x₁ = "
        f"{fmt(steps[-1].tangent)}: the derivative of EVERY output with respect to ONE "
        f"input (a column of the Jacobian), with {products(steps)} products. For x₂ we "
        "would need a second pass."
    )
    _, engine = jvp(f, (X1, X2), (1.0, 0.0))
    page.say(
        "The engine has forward mode built in: autograd.functional.jvp runs f once with a "
        "dual number (value, tangent) riding along each node, using the same op rules. "
        f"jvp(f, (x₁, x₂), (1, 0)) gives ({fmt(engine[0])}, {fmt(engine[1])}): the same "
        "column, computed while f runs, without a separate walk."
    )
    page.heading("Reverse mode: pull an adjoint from y₁ back to every input")
    page.say(
        "Now start at one output with ȳ₁ = ∂y₁/∂y₁ = 1 and visit the nodes backwards; each "
        "input u of a node n receives ∂y₁/∂n · ∂n/∂u and adds it up (the engine's "
        "backward() and its steps):"
    )
    rev = list(backward_steps(outputs[0]))
    page.table(
        ["step", "edge", "∂y₁/∂n · ∂n/∂u", "adds to ∂y₁/∂u"],
        [[k + 1, f"{s.node.label} → {s.input.label}", f"{fmt(s.upstream)}·{fmt(s.local)}",
          fmt(s.contribution)] for k, s in enumerate(rev)],
    )
    grads: dict[str, float] = {}
    for s in rev:
        grads[s.input.label] = grads.get(s.input.label, 0.0) + s.contribution
    page.say(
        f"One pass gives ∂y₁/∂x₁ = {fmt(grads['x₁'])} and ∂y₁/∂x₂ = {fmt(grads['x₂'])}: the "
        "derivative of ONE output with respect to EVERY input (a row of the Jacobian), "
        f"with {len(rev)} products. ∂y₁/∂x₁ appears in both passes, equal. The two passes "
        "used the same local derivatives, only grouped differently: forward multiplies "
        "from the input end of each path, reverse from the output end."
    )
    page.say("The live graph above steps through exactly these steps: press Next.")


def tell_counts(page: Page, counts: list[Count]) -> None:
    """Which mode is cheaper for which shape."""
    page.heading("Counting the work")
    page.say(
        "A full set of derivatives of f: ℝⁿ → ℝᵐ takes n forward passes (one per input) "
        "or m reverse passes (one per output); each pass costs about one walk over the "
        "graph. Counting products of local derivatives for two shapes of function: "
        "L = Σᵢ sin(xᵢ)·xᵢ₊₁ with n inputs, and yⱼ = sin(j·h)·h for j = 1…m where "
        f"h = tanh(1.1·…tanh(1.1·x)) is {TRUNK} layers of work all outputs share:"
    )
    page.table(
        ["function", "size", "forward passes", "forward products", "reverse passes",
         "reverse products", "largest |forward − reverse|"],
        [[c.shape, c.size, c.forward_passes, c.forward_products, c.reverse_passes,
          c.reverse_products, difference(c.largest_difference)] for c in counts],
    )
    page.say(
        "A loss is the first shape: millions of weights in, one number out. Reverse mode "
        "gets the whole gradient for the price of about one evaluation, forward mode "
        "would need one pass per weight. That is why training uses backprop. For one input "
        "and many outputs (a curve's points as a parameter changes, a sensitivity of many "
        "quantities to one knob) forward mode wins: it walks the shared trunk once, "
        "reverse walks it again for every output. Reverse mode also pays "
        "in memory: it must keep every intermediate value of the forward pass to walk "
        "back through them; forward mode carries its tangents along and forgets as it goes."
    )


def run(fast: bool = False, out: Path | None = None, verbose: bool = False) -> ModesResult:
    """Run the lesson (``fast`` counts up to size 10 only)."""
    page = Page("modes", TITLE, out, verbose)
    tell_walks(page)
    forward, reverse = jacobians()
    page.heading("The whole Jacobian, both ways")
    page.table(
        ["", "∂/∂x₁ (forward pass 1)", "∂/∂x₂ (forward pass 2)"],
        [[f"y{'₁₂'[i]} (reverse pass {i + 1})", fmt(forward[i][0]), fmt(forward[i][1])]
         for i in range(2)],
    )
    worst = max(abs(a - b) for ra, rb in zip(forward, reverse) for a, b in zip(ra, rb))
    engine = jacobian(f, (X1, X2))
    against = max(abs(forward[i][j] - engine[i][j]) for i in range(2) for j in range(2))
    page.say(
        "Two forward passes fill it column by column, two reverse passes row by row; the "
        f"two agree {agreement(worst)}, and autograd.functional.jacobian agrees "
        f"{agreement(against)}. By hand: ∂y₁/∂x₁ = cos(x₁x₂)·x₂ + 2x₁ = "
        f"{fmt(math.cos(X1 * X2) * X2 + 2 * X1)}."
    )
    sizes = [s for s in SIZES if not fast or s <= 10]
    counts = [count(shape, n) for shape in ("many inputs → one output",
                                             "one input → many outputs") for n in sizes]
    tell_counts(page, counts)
    if page.drawing:
        _plot(page, counts)
    result = ModesResult(forward, reverse, counts)
    page.write(result.summary())
    return result


def _plot(page: Page, counts: list[Count]) -> None:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(10, 3.6))
    for ax, shape in zip(fig.subplots(1, 2), ("many inputs → one output",
                                               "one input → many outputs")):
        rows = [c for c in counts if c.shape == shape]
        ax.loglog([c.size for c in rows], [c.forward_products for c in rows], "o-",
                  label="forward mode")
        ax.loglog([c.size for c in rows], [c.reverse_products for c in rows], "s-",
                  label="reverse mode")
        ax.set_xlabel("number of inputs n" if shape.startswith("many inputs")
                      else "number of outputs m")
        ax.set_ylabel("local-derivative products")
        ax.set_title(f"{shape}: {'reverse' if shape.startswith('many') else 'forward'} "
                     "is cheaper")
        ax.legend()
    fig.tight_layout()
    page.figure(fig, "work.png", "The work of all the derivatives, counted, for the two "
                "shapes of function (log scales).")


if __name__ == "__main__":
    run(out=Path("out") / "modes", verbose=True)
