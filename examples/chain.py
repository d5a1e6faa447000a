"""Lesson: the chain rule on three weights in a row, and a hand-written backprop debugged.

The model is y = w₁x, z = w₂y, e = w₃z with loss L = ½(e − ê)², trained to flip the sign
of its input (ê = −x). The source post (seed 001) writes its backprop by hand; this lesson
runs that algorithm exactly as the post wrote it, reproduces the lines the post printed,
then debugs it with the engine and central differences, slip by slip.

Run it: ``python examples/chain.py`` (writes ``out/chain/index.html``).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from pathlib import Path

from autograd import GradcheckError, GradcheckRow, Op, Value, apply, grad, gradcheck

if __package__ in (None, ""):  # ``python examples/chain.py``
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from examples import live_training
from examples.page import Page

TITLE = "chain: three weights, one chain rule, and a hand-written backprop debugged"
BLURB = (
    "Backprop on y = w₁x, z = w₂y, e = w₃z by hand and by the engine; why a published "
    "hand-written version prints slightly wrong gradients and still learns."
)
MINUTES = 15
WEIGHTS = (0.2333, -0.233, -0.52133)  # the post's starting weights (w₁, w₂, w₃)
DATA = ((1.0, -1.0), (-1.0, 1.0))  # (x, target ê = −x)
LR = 0.05
EPOCHS = 160
EPS = 1e-4  # the post's finite-difference step
ATOL, RTOL = 1e-6, 1e-4  # gradcheck's tolerance for the debugging section
NAMES = ("w₁", "w₂", "w₃")


def forward(ws: list[Value], x: float | Value, target: float | Value) -> dict[str, Value]:
    """The chain's graph for one sample: every intermediate, labelled as in the lesson."""
    w1, w2, w3 = ws
    y = w1 * x
    y.label = "y"
    z = w2 * y
    z.label = "z"
    e = w3 * z
    e.label = "e"
    error = e - target
    error.label = "e − ê"
    squared = error**2
    squared.label = "(e − ê)²"
    loss = 0.5 * squared
    loss.label = "L"
    return {"y": y, "z": z, "e": e, "L": loss}


def loss_at(weights: tuple[float, ...], x: float, target: float) -> float:
    """L at the given weights, by the engine's forward pass."""
    return forward([Value(w) for w in weights], x, target)["L"].data


def central(weights: tuple[float, ...], i: int, x: float, target: float) -> float:
    """(L(wᵢ + ε) − L(wᵢ − ε)) / 2ε with the post's ε = 10⁻⁴."""
    up, down = list(weights), list(weights)
    up[i] += EPS
    down[i] -= EPS
    return (loss_at(tuple(up), x, target) - loss_at(tuple(down), x, target)) / (2 * EPS)


def engine_gradients(weights: tuple[float, ...], x: float, target: float) -> list[float]:
    """∂L/∂w₁, ∂L/∂w₂, ∂L/∂w₃ from the engine's backward pass."""
    ws = [Value(w) for w in weights]
    return [float(g) for g in grad(forward(ws, x, target)["L"], ws)]


@dataclass
class Update:
    """One update of the post's hand-written algorithm."""

    before: tuple[float, float, float]
    after: tuple[float, float, float]
    used: tuple[float, float, float]  # the gradients it subtracted (its dw₁, dw₂, dw₃)
    checked: tuple[float, float, float]  # the post's finite differences, at the NEW weights


def hand_update(
    weights: tuple[float, ...], x: float, target: float, slip1: bool = True, slip2: bool = True,
    check: bool = True,
) -> Update:
    """One sample's step of the post's backprop, in its order: w₃, then w₂, then w₁.

    ``slip1``: w₂'s gradient multiplies by the already-updated w₃ (the post does).
    ``slip2``: w₁'s gradient multiplies by the already-updated w₂ (the post does).
    With both False this is exact per-sample gradient descent.
    """
    w1, w2, w3 = weights
    y = w1 * x
    z = w2 * y
    e = w3 * z
    delta_e = e - target  # ∂L/∂e
    g3 = delta_e * z
    new_w3 = w3 - LR * g3
    delta_z = delta_e * (new_w3 if slip1 else w3)  # ∂L/∂z: needs the w₃ of the forward pass
    g2 = delta_z * y
    new_w2 = w2 - LR * g2
    g1 = delta_z * (new_w2 if slip2 else w2) * x  # ∂L/∂w₁ = ∂L/∂z · w₂ · x
    new_w1 = w1 - LR * g1
    after = (new_w1, new_w2, new_w3)
    # The post checks after the update: its finite differences are taken at the new weights.
    checked = tuple(central(after, i, x, target) for i in range(3)) if check else (0.0,) * 3
    return Update(tuple(weights), after, (g1, g2, g3), checked)


# The ten lines the post prints (its numbers; our wording): (weight, backprop, definition).
POST_PRINTED = (
    (1, -0.026729, -0.026727),
    (3, 0.003970, 0.004164),
    (2, -0.032617, -0.033257),
    (1, -0.027502, -0.027499),
    (3, 0.004164, 0.004367),
    (2, -0.033272, -0.033932),
    (1, -0.028291, -0.028288),
    (3, 0.004367, 0.004579),
    (2, -0.033947, -0.034625),
    (1, -0.029097, -0.029094),
)


def framework_gradients(weights: tuple[float, ...], x: float, target: float) -> list[float]:
    """The post's backprop "framework", re-expressed: its layer loop and its products.

    Each layer sends back upstream·w and keeps (upstream·w)·input as its gradient; the
    network seeds the last layer with e − ê and then walks the layers first to last.
    """
    inputs, out = [], x
    for w in weights:
        inputs.append(out)
        out = w * out
    passed = [0.0] * 3
    grads = [0.0] * 3

    def layer_backward(i: int, upstream: float) -> None:
        passed[i] = upstream * weights[i]
        grads[i] = passed[i] * inputs[i]

    layer_backward(2, out - target)
    upstream = passed[2]
    for i in range(3):
        layer_backward(i, upstream)
        upstream = passed[i]
    return grads


def train_framework(start: tuple[float, ...], epochs: int = EPOCHS) -> tuple[float, ...] | None:
    """The post's framework trained per sample from ``start``; None if a weight overflows."""
    weights = tuple(start)
    for _ in range(epochs):
        for x, target in DATA:
            step = framework_gradients(weights, x, target)
            weights = tuple(w - LR * g for w, g in zip(weights, step))
            if not all(math.isfinite(w) for w in weights):
                return None
    return weights


STARTS = 200  # random starts drawn as the post's framework draws them


def random_starts(n: int = STARTS) -> dict[str, dict[str, int]]:
    """From n starts with each weight uniform in [−0.5, 0.5) (the framework's own draw):
    how often each algorithm ends with the right signs, the wrong ones, or overflows."""
    tally = {name: {"right signs": 0, "wrong signs": 0, "overflow": 0}
             for name in ("the post's framework", "exact gradient descent")}
    for seed in range(n):
        rng = random.Random(seed)
        start = tuple(rng.random() - 0.5 for _ in range(3))
        ends = {
            "the post's framework": train_framework(start),
            "exact gradient descent": train_hand(EPOCHS, False, False, start, False)[-1].after,
        }
        for name, end in ends.items():
            key = "overflow" if end is None else (
                "right signs" if product(end) < 0 else "wrong signs")
            tally[name][key] += 1
    return tally


def train_hand(
    epochs: int, slip1: bool, slip2: bool, start: tuple[float, ...] = WEIGHTS,
    check: bool = True,
) -> list[Update]:
    """Every update of the hand-written algorithm over ``epochs`` passes of the data."""
    updates, weights = [], tuple(start)
    for _ in range(epochs):
        for x, target in DATA:
            updates.append(hand_update(weights, x, target, slip1, slip2, check))
            weights = updates[-1].after
    return updates


def product(weights: tuple[float, ...]) -> float:
    """w₁w₂w₃: the chain's whole function is e = (w₁w₂w₃)·x."""
    return weights[0] * weights[1] * weights[2]


def find_printed(updates: list[Update]) -> int | None:
    """The update whose w₁ line is the post's first printed line (then 3 full updates)."""
    want = [f"{b:f} {d:f}" for _, b, d in POST_PRINTED]
    for k in range(len(updates) - 3):
        got = [f"{updates[k].used[0]:f} {updates[k].checked[0]:f}"]
        for u in updates[k + 1 : k + 4]:
            got += [f"{u.used[i]:f} {u.checked[i]:f}" for i in (2, 1, 0)]
        if got == want:
            return k + 1
    return None


def post_op(slip1: bool, slip2: bool) -> Op:
    """The post's loss on the first sample as an op whose local derivatives are the post's
    hand-written gradients: an ``Op`` declared outside the table, the way a new op with a
    hand-written backward is tried before it joins the table."""
    x, target = DATA[0]

    def hand(m: object, w1: float, w2: float, w3: float) -> tuple[float, float, float]:
        return hand_update((w1, w2, w3), x, target, slip1, slip2).used

    def loss(w1: float, w2: float, w3: float) -> float:
        return 0.5 * (w1 * w2 * w3 * x - target) ** 2

    return Op(
        "post_loss", "L", "½(w₁w₂w₃x − ê)²", loss,
        tuple(lambda m, a, b, c, out, i=i: hand(m, a, b, c)[i] for i in range(3)),
        None,
        "the source post's loss with its hand-written backward",
        inputs=("w₁", "w₂", "w₃"), nary=True, term=lambda m, a, b, c: loss(a, b, c),
    )


def gradcheck_hand(slip1: bool, slip2: bool) -> tuple[list[GradcheckRow], str]:
    """gradcheck on the post's backward: its gradients of the first update against central
    differences at the weights of the forward pass (where a gradient check belongs)."""
    op = post_op(slip1, slip2)
    weights = [Value(w, label=name) for w, name in zip(WEIGHTS, NAMES)]
    try:
        gradcheck(lambda a, b, c: apply(op, a, b, c), weights, eps=1e-6, atol=ATOL, rtol=RTOL)
    except GradcheckError as err:
        return err.rows, str(err)
    return [], "gradcheck(...) returns True: every gradient agrees"


@dataclass
class ChainResult:
    """What the chain lesson found."""

    post_predictions: dict[float, float]
    post_loss: float
    printed_update: int | None
    post_lines: list[tuple[int, float, float]]
    correct_predictions: dict[float, float]
    correct_loss: float
    correct_history: list[float]
    post_history: list[float]
    escape_epoch_post: int | None
    escape_epoch_correct: int | None
    engine_first: list[float]
    framework_first: list[float]
    debug: list[tuple[str, list[GradcheckRow], str]] = field(default_factory=list)
    starts: dict[str, dict[str, int]] = field(default_factory=dict)
    framework_overflow_epoch: int | None = None  # from the post's start
    equal_start_product: float = 0.0

    def summary(self) -> str:
        """One line: what the learner will see, with its numbers."""
        p, c = self.post_predictions, self.correct_predictions
        return (
            "You will step through the chain's backward pass live, rerun the source post's "
            f"hand-written backprop (its printed check lines are updates {self.printed_update}"
            f"–{(self.printed_update or 0) + 3}), find its two slips with gradcheck, and see "
            f"why the slipped code reaches {signed(p[1.0], 5)} while exact gradient descent "
            f"is still at the saddle (1 → {signed(c[1.0], 4)}) after {EPOCHS} epochs."
        )


def epoch_losses(updates: list[Update]) -> list[float]:
    """Mean loss per epoch, each sample's loss taken before its own update."""
    per = [loss_at(u.before, x, t) for u, (x, t) in zip(updates, DATA * (len(updates) // 2))]
    return [sum(per[i : i + len(DATA)]) / len(DATA) for i in range(0, len(per), len(DATA))]


def escape(history: list[float]) -> int | None:
    """The first epoch whose mean loss is below 0.01."""
    return next((i + 1 for i, h in enumerate(history) if h < 0.01), None)


def compute(epochs: int = EPOCHS) -> ChainResult:
    """Run the post's algorithm and the exact one; gather every number the page shows."""
    post = train_hand(epochs, True, True)
    exact = train_hand(epochs, False, False)
    first = find_printed(post)
    lines = []
    if first is not None:
        lines.append((first, post[first - 1].used[0], post[first - 1].checked[0]))
    # The exact algorithm must be the engine's gradient descent: check its first update.
    x, target = DATA[0]
    engine_first = engine_gradients(WEIGHTS, x, target)
    assert all(math.isclose(a, b, abs_tol=1e-15) for a, b in zip(engine_first, exact[0].used))
    long_post = post_history = epoch_losses(post)
    long_exact = exact_history = epoch_losses(exact)
    if epochs < 300:
        long_post = epoch_losses(train_hand(300, True, True))
        long_exact = epoch_losses(train_hand(300, False, False))
    final_post, final_exact = post[-1].after, exact[-1].after
    result = ChainResult(
        post_predictions={x: product(final_post) * x for x, _ in DATA},
        post_loss=post_history[-1],
        printed_update=first,
        post_lines=lines,
        correct_predictions={x: product(final_exact) * x for x, _ in DATA},
        correct_loss=exact_history[-1],
        correct_history=exact_history,
        post_history=post_history,
        escape_epoch_post=escape(long_post),
        escape_epoch_correct=escape(long_exact),
        engine_first=engine_first,
        framework_first=framework_gradients(WEIGHTS, x, target),
        equal_start_product=product(train_hand(epochs, True, True, (0.2333,) * 3)[-1].after),
        starts=random_starts(),
        framework_overflow_epoch=next(
            (e for e in range(1, epochs + 1) if train_framework(WEIGHTS, e) is None), None),
    )
    for title, s1, s2 in (
        ("1. the post's code as written", True, True),
        ("2. slip 1 fixed: w₂'s gradient uses the w₃ of the forward pass", False, True),
        ("3. slip 2 fixed too: w₁'s gradient uses the w₂ of the forward pass", False, False),
    ):
        rows, verdict = gradcheck_hand(s1, s2)
        result.debug.append((title, rows, verdict))
    return result


def signed(v: float, digits: int = 6) -> str:
    """A number with a Unicode minus sign."""
    return f"{v:+.{digits}f}".replace("-", "−")


def first_pass() -> dict[str, Value]:
    """The first sample's graph at the starting weights, after one backward pass; the
    sample's x and ê are labelled leaves, so the picture names them (not by their value)."""
    ws = [Value(w, label=name) for w, name in zip(WEIGHTS, NAMES)]
    x, target = (Value(v, label=name) for v, name in zip(DATA[0], ("x", "ê")))
    nodes = forward(ws, x, target)
    nodes["L"].backward()
    return {**nodes, **dict(zip(NAMES, ws))}


def tell_backprop(page: Page) -> None:
    """Backprop as one factor passed down the chain, with the work it saves counted."""
    w1, w2, w3 = WEIGHTS
    page.say(
        "Three weights in a row and no activation: y = w₁x, z = w₂y, e = w₃z, and the loss "
        "L = ½(e − ê)² (the ½ cancels the 2 of the derivative, so ∂L/∂e = e − ê). The data are "
        "x = 1 with target −1 and x = −1 with target 1: the chain must learn to flip the sign. "
        f"It starts at w₁ = {signed(w1, 4)}, w₂ = {signed(w2, 3)}, w₃ = {signed(w3, 5)}, so "
        "w₁w₂w₃ = "
        f"{signed(w1 * w2 * w3, 5)}: the wrong sign. Learning rate α = {LR}, one update per "
        "sample, 160 epochs — the source post's settings."
    )
    page.say(
        "Training is gradient descent: repeat w ← w − α·∂L/∂w. Backprop is only the "
        "derivative step of that loop: it computes every ∂L/∂w at once, from the back, "
        "reusing the products it has already formed. The update itself is not backprop."
    )
    page.heading("Backprop computes one factor and passes it on")
    first = first_pass()
    e, target = first["e"].data, DATA[0][1]
    y, z = first["y"], first["z"]
    page.say(
        f"First sample (x = 1): e = {signed(e)}, so ∂L/∂e = e − ê = {signed(e - target)}. "
        "Written out, each weight's derivative is a product along the chain, and the "
        "products share their left part:"
    )
    page.pre(
        f"∂L/∂w₃ = (e − ê)·z           = {signed(e - target)} · {signed(z.data)}"
        f" = {signed(first['w₃'].grad)}\n"
        f"∂L/∂z  = (e − ê)·w₃          = {signed(e - target)} · {signed(w3)}"
        f" = {signed(z.grad)}   ← computed once\n"
        f"∂L/∂w₂ = [∂L/∂z]·y           = {signed(z.grad)} · {signed(y.data)}"
        f" = {signed(first['w₂'].grad)}\n"
        f"∂L/∂y  = [∂L/∂z]·w₂          = {signed(z.grad)} · {signed(w2)}"
        f" = {signed(y.grad)}   ← computed once\n"
        f"∂L/∂w₁ = [∂L/∂y]·x           = {signed(y.grad)} · {signed(DATA[0][0], 0)}"
        f" = {signed(first['w₁'].grad)}"
    )
    page.say(
        "Every number on the right is the engine's .grad after one backward() call. Written "
        "weight by weight, ∂L/∂w₁ = (e − ê)·w₃·w₂·x would recompute (e − ê)·w₃, which "
        "∂L/∂w₂ already needed. Backprop keeps that number and passes it on. For a chain of "
        "n weights, the multiplications needed for all n derivatives:"
    )
    page.table(
        ["weights n", "each derivative on its own: n(n + 1)/2", "backprop: 2n − 1"],
        [[n, n * (n + 1) // 2, 2 * n - 1] for n in (3, 10, 100, 1000)],
    )
    page.say(
        "An analogy from another of the source posts: people stand in a row; the first "
        "looks at a picture and describes it to the second, who describes it to the "
        "third, and the last one draws it — badly. Show the last person the original (the "
        "error); they tell the one before what to change, who tells the one before them, "
        "and so on. Each person needs only what the next one said and their own part: "
        "that is ∂L/∂z and ∂L/∂y above, passed back one step at a time."
    )
    page.live(
        first["L"],
        "step_through.html",
        "The first sample's backward pass, live. Next steps through it: each edge shows its "
        "local derivative, then the product that flows along it. Drag w₁ (or type a value) "
        "to see L move beside the gradient's prediction; click z to see ∂L/∂z as its one "
        "path, the factor ∂L/∂w₂ and ∂L/∂w₁ both reuse.",
        cites=("z → e", "w₂ → z"),
    )


def tell_post(page: Page, r: ChainResult) -> None:
    """The post's algorithm as written, its printed lines, and why they disagree."""
    page.heading("The post's hand-written backprop, run exactly as written")
    page.say(
        "For each sample the post computes y, z, e, then updates the weights from the back:"
    )
    page.pre(
        "δₑ  = e − ê\n"
        "w₃ ← w₃ − α·δₑ·z\n"
        "δ_z = δₑ·w₃            slip 1: this w₃ is already the NEW one\n"
        "w₂ ← w₂ − α·δ_z·y\n"
        "w₁ ← w₁ − α·δ_z·w₂·x   slip 2: this w₂ is already the NEW one"
    )
    page.say(
        "The chain rule wants the weights of the forward pass in every factor (δ_z = δₑ·w₃ "
        "with the w₃ that produced e). Each slip multiplies by a weight that has already moved "
        "by α times its gradient. Run as written for 160 epochs, the post's algorithm ends at:"
    )
    p = r.post_predictions
    page.table(
        ["input x", "target ê", "output e", "the post prints sign(e)"],
        [[f"{x:+g}".replace("-", "−"), f"{t:+g}".replace("-", "−"), signed(p[x], 5),
          f"{x:+g} , {-x:+g}".replace("+", "").replace("-", "−")] for x, t in DATA],
    )
    page.say(
        f"So the outputs reach {signed(p[1.0], 5)} and {signed(p[-1.0], 5)}; the post prints "
        "only the signs (1 , −1 and −1 , 1), which we reproduce."
    )
    page.heading("The post's gradient check, line by line")
    page.say(
        "The post then adds a check: for each weight it prints the gradient its backprop "
        "used beside (L(w + ε) − L(w − ε))/2ε with ε = 10⁻⁴. It prints ten lines; running its "
        "algorithm we find them at updates "
        f"{r.printed_update}–{(r.printed_update or 0) + 3} of {2 * EPOCHS} (epochs "
        f"{((r.printed_update or 1) + 1) // 2}–{((r.printed_update or 1) + 4) // 2}), where "
        "every digit matches:"
    )
    post = train_hand(EPOCHS, True, True)
    k = (r.printed_update or 1) - 1
    rows = []
    order = [(k, 0)] + [(j, i) for j in range(k + 1, k + 4) for i in (2, 1, 0)]
    for (j, i), (weight, b, d) in zip(order, POST_PRINTED):
        assert weight == i + 1, "the printed lines go w₃, w₂, w₁ within an update"
        u = post[j]
        x, t = DATA[j % 2]
        rows.append([
            j + 1, NAMES[i], signed(b), signed(d), signed(u.used[i]), signed(u.checked[i]),
            signed(engine_gradients(u.before, x, t)[i]),
        ])
    page.table(
        ["update", "weight", "post: backprop", "post: definition", "ours: backprop",
         "ours: definition", "engine, before the update"],
        rows,
    )
    page.say(
        "Why do its two columns disagree in the 3rd–4th digit? The check runs AFTER the "
        "update: 'backprop' is the gradient used at the old weights, 'definition' is the "
        "slope at the new weights. They describe two different points. Both samples have "
        "the same loss (for x = 1, ê = −1 and for x = −1, ê = 1 it is ½(w₁w₂w₃ + 1)²), so the "
        "'definition' of one update is the true gradient of the next: 0.004164 is printed "
        "as the definition at one update and as the backprop value at the next. The last "
        "column shows the engine at the weights of the forward pass. There w₃'s backprop "
        "value agrees exactly (its formula has no slip); w₂'s and w₁'s differ by the slips "
        "— which a check taken after the update cannot tell apart from the weights' motion."
    )


def tell_debug(page: Page, r: ChainResult) -> None:
    """gradcheck finds the slips, one at a time."""
    page.heading("Debug the post: a gradient check where it belongs")
    page.say(
        "A gradient check compares the gradient a backprop computes with central "
        "differences at the SAME weights: the weights of the forward pass, before any "
        "update. To let the engine's gradcheck do it, the post's loss becomes one op whose "
        "local derivatives are the post's hand-written gradients (autograd.apply takes an "
        "Op declared outside the table: the way a new op with a hand-written backward is "
        "tried). gradcheck then differentiates through that op and compares with central "
        "differences, on the first update (x = 1), tolerance 10⁻⁶ + 10⁻⁴·|numeric|, "
        "fixing one slip at a time (its verdict as it prints it):"
    )
    for title, _rows, verdict in r.debug:
        page.say(title)
        page.pre(verdict)
    page.say(
        "The first run flags w₂ and w₁ (both multiply by the updated w₃); with slip 1 fixed "
        "only w₁ is left (it multiplies by the updated w₂); with both fixed every gradient "
        "agrees, and the algorithm is exactly the engine's gradient descent."
    )


def tell_saddle(page: Page, r: ChainResult) -> None:
    """Why the slipped code converges, and what exact gradient descent does instead."""
    page.heading("Why the slipped code still learns — and the exact one is slower here")
    c = r.correct_predictions
    page.say(
        f"Exact gradient descent, same start, same 160 epochs: 1 → {signed(c[1.0], 4)}, "
        f"−1 → {signed(c[-1.0], 4)}, mean loss {r.correct_loss:.4f}. It has only just "
        f"crossed zero; it gets below a loss of 0.01 at epoch {r.escape_epoch_correct}, the "
        f"post's code at epoch {r.escape_epoch_post}."
    )
    page.say(
        "The whole chain computes e = (w₁w₂w₃)·x, and the loss has a saddle where the "
        "product's gradient vanishes: at w₁ = w₂ = 0 every partial derivative (w₂w₃, w₁w₃, "
        "w₁w₂, times δₑ) is zero. The start is w₁ = 0.2333 ≈ −w₂ = 0.233. Near it, one exact "
        "step changes the pair (w₁, w₂) by w₁ ← w₁ − c·w₂, w₂ ← w₂ − c·w₁ with the same c "
        "(c = αδₑw₃x ≈ −0.026): the part along w₁ = −w₂, (w₁ − w₂)/2, shrinks by (1 + c) "
        "per step, and the part along w₁ = w₂, (w₁ + w₂)/2, grows by (1 − c). The start is "
        "almost entirely the shrinking part; the growing part is (0.2333 − 0.233)/2 = "
        "0.00015, and the descent crawls towards the saddle until it has grown."
    )
    runs = {
        "post (both slips)": train_hand(EPOCHS, True, True),
        "slip 1 fixed": train_hand(EPOCHS, False, True),
        "exact": train_hand(EPOCHS, False, False),
    }

    def growing(name: str, epoch: int) -> float:
        w = runs[name][2 * epoch - 1].after
        return (w[0] + w[1]) / 2

    w1, _, w3 = WEIGHTS
    c = LR * (product(WEIGHTS) + 1) * w3
    at80 = runs["exact"][159].after
    c80 = LR * (product(at80) + 1) * at80[2]  # c near the saddle: w₃ ≈ −0.47, δₑ ≈ 1
    ahead = growing("post (both slips)", 80) / growing("exact", 80)
    page.say(
        "Slip 2 breaks that symmetry: w₁'s step uses w₂ after w₂'s own step, "
        "w₁ ← w₁ − c·(w₂ − c·w₁), which adds c²·w₁/2 to (w₁ + w₂)/2 at every step. While w₁ "
        f"is still large that is ≈ {c * c * w1 / 2 * 1e5:.0f}·10⁻⁵ per step — half the exact "
        "run's whole growing part, added every step. After 20 epochs the growing part is "
        f"{growing('post (both slips)', 20) / growing('exact', 20):.0f} times the exact "
        "run's, and it stays about that far ahead (epoch 80: "
        f"{ahead:.0f} times). Near the saddle the growing part grows by |c| ≈ {-c80:.3f} per "
        f"update, two updates an epoch, so a lead of {ahead:.2f} times is worth "
        f"ln {ahead:.2f} / {-2 * c80:.4f} ≈ {math.log(ahead) / (-2 * c80):.0f} epochs; the "
        "measured gap is "
        f"{(r.escape_epoch_correct or 0) - (r.escape_epoch_post or 0)} epochs. Slip 1 "
        "barely matters: w₃ hardly moves (it stays near −0.47). The table shows (w₁ + w₂)/2 "
        "and the product w₁w₂w₃:"
    )
    live_training.chain(page, WEIGHTS, DATA, LR)
    rows = []
    for epoch in (1, 20, 40, 60, 80, 120, 160):
        row = [epoch]
        for updates in runs.values():
            w = updates[2 * epoch - 1].after
            row += [signed((w[0] + w[1]) / 2, 5), signed(product(w), 5)]
        rows.append(row)
    page.table(
        ["epoch"] + [f"{name}: {col}" for name in runs for col in ("(w₁ + w₂)/2", "w₁w₂w₃")],
        rows,
    )
    page.say(
        "So the post's code converges here by luck of its start, not because its gradients "
        "are right. The post itself reports that starting all three weights at 0.2333 does "
        "not work; its algorithm from there ends at w₁w₂w₃ = "
        f"{signed(r.equal_start_product, 5)} after 160 epochs: the wrong sign, stuck at the "
        "saddle (w₁ = w₂ = w₃ is on its own shrinking direction)."
    )
    if page.drawing:
        from matplotlib.figure import Figure

        long = {
            "the post's code (both slips)": train_hand(240, True, True),
            "exact gradient descent (the engine)": train_hand(240, False, False),
        }
        fig = Figure(figsize=(7, 3.4))
        ax = fig.add_subplot()
        for name, updates in long.items():
            ax.plot(
                [i / 2 for i in range(1, len(updates) + 1)],
                [product(u.after) for u in updates],
                label=name,
            )
        ax.axhline(-1.0, color="grey", lw=0.8, ls=":", label="target w₁w₂w₃ = −1")
        ax.axvline(EPOCHS, color="grey", lw=0.8, ls="--", label="the post stops (160 epochs)")
        ax.set_xlabel("epoch")
        ax.set_ylabel("w₁w₂w₃ (the chain's slope)")
        gap = (r.escape_epoch_correct or 0) - (r.escape_epoch_post or 0)
        ax.set_title(f"Both cross the saddle at 0; the slipped code arrives {gap} epochs sooner")
        ax.legend(fontsize=9)
        page.figure(fig, "saddle.png", "The product w₁w₂w₃ after each update.")


def tell_framework(page: Page, r: ChainResult) -> None:
    """The post's framework against the engine."""
    page.heading("The post's backprop 'framework', checked against the engine")
    page.say(
        "The post ends with a small framework: each layer keeps its input, and on the way "
        "back it passes upstream·w to the layer before and stores (upstream·w)·input as its "
        "gradient; the network seeds the last layer with e − ê, then calls each layer's "
        "backward from the FIRST to the last. The post starts it from random weights; here "
        "it gets the post's starting weights and the first sample (x = 1, ê = −1):"
    )
    page.table(
        ["", "∂L/∂w₁", "∂L/∂w₂", "∂L/∂w₃"],
        [
            ["the post's framework", *(signed(g, 4) for g in r.framework_first)],
            ["the engine", *(signed(g, 4) for g in r.engine_first)],
        ],
    )
    page.say(
        "Two slips again. A layer out = w·input has ∂out/∂w = input, so its gradient is "
        "upstream·input; multiplying by its own w first is wrong. And the walk must go from "
        "the last layer to the first, each layer receiving what the layer AFTER it passed "
        "back; walking first to last hands layer 1 the number δₑ·w₃ = ∂L/∂z, which belongs to "
        "layer 2. That "
        "∂L/∂w₁ comes out as −0.125, the engine's value with the wrong sign, is a "
        "coincidence of this start: the framework computes δₑ·w₃·w₁·x where the chain rule "
        "has δₑ·w₃·w₂·x, and w₁ ≈ −w₂. The engine cannot make either slip: it visits the "
        "nodes in reverse topological order and each edge's local derivative comes from the "
        "op that made it."
    )
    page.say(
        "Does the framework still learn? The post prints −1 and 1 after training it. From "
        "the post's own starting weights its weights overflow to ±∞ in epoch "
        f"{r.framework_overflow_epoch}. From {STARTS} random starts drawn the way the "
        "framework draws them (each weight uniform in [−0.5, 0.5)), 160 epochs each:"
    )
    page.table(
        ["algorithm", "right signs", "wrong signs", "overflow"],
        [[name, *counts.values()] for name, counts in r.starts.items()],
    )
    exact = r.starts["exact gradient descent"]
    right, starts = exact["right signs"], sum(exact.values())
    page.say(
        "So the framework's printed −1 and 1 is close to a coin toss; exact gradient "
        "descent flips the sign from "
        + (f"every one of the {starts} starts." if right == starts else
           f"{right} of the {starts} starts.")
    )


def run(
    fast: bool = False, out: Path | None = None, verbose: bool = False, epochs: int = EPOCHS
) -> ChainResult:
    """Run the lesson (``fast`` changes nothing here: it takes well under a second)."""
    result = compute(epochs)
    page = Page("chain", TITLE, out, verbose)
    tell_backprop(page)
    tell_post(page, result)
    tell_debug(page, result)
    tell_saddle(page, result)
    tell_framework(page, result)
    page.write(result.summary())
    return result


if __name__ == "__main__":
    run(out=Path("out") / "chain", verbose=True)
