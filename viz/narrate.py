"""The frames of a lesson: one sentence of chain rule per step, and what it changes.

Frame 0 is the seed at the output (``∂L/∂L = 1.0``); frame k is the engine's k-th
backward step. Each frame says which picture elements are current (``aria-current``) and
which cell texts change from then on, so a page holds every frame as a few strings:
its size grows linearly with the graph. Names come from the picture; numbers are
formatted by :func:`viz._text.fmt`; cell texts by the functions of :mod:`viz.model`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from autograd import Step, Value

from . import names as naming
from ._text import DIGITS, fmt, term
from .model import Picture, flow_text, grad_text

MAX_SUM_TERMS = 6
"""A narrated sum over more paths than this shows the first few and the count."""


@dataclass
class Frame:
    """One frame: its ``step`` (None for the seed), its sentences, the ids of the
    elements it is about, and the cell texts that change at this frame."""

    number: int
    step: Step | None
    sentence: str
    detail: str
    current: list[str]
    texts: dict[str, str] = field(default_factory=dict)


_d = naming.of


def sum_text(terms: Sequence[float], digits: int = DIGITS) -> str:
    """The sum over paths: ``0.2461 + (−0.7384) = −0.4923`` (long sums shortened)."""
    if len(terms) == 1:
        return fmt(terms[0], digits)
    shown = " + ".join(term(t, digits) for t in terms[:MAX_SUM_TERMS])
    if len(terms) > MAX_SUM_TERMS:
        shown += f" + … ({len(terms)} terms)"
    return f"{shown} = {fmt(sum(terms), digits)}"


def frames(
    picture: Picture, steps: Sequence[Step], seed: float, digits: int = DIGITS
) -> list[Frame]:
    """The frames of the backward pass ``steps`` over ``picture``."""
    root, names = picture.root, picture.names
    r = names[root]
    total: dict[Value, int] = {}
    for s in steps:
        total[s.input] = total.get(s.input, 0) + 1
    first = Frame(
        0,
        None,
        f"{_d(r)}/{_d(r)} = {fmt(seed, digits)}: the seed. Backprop starts at the output {r}.",
        f"Each step multiplies the gradient that reached a node (upstream) by one local "
        f"derivative and adds the product to an input's gradient: {len(steps)} steps.",
        [picture.element[root]],
    )
    result = [first]
    terms: dict[Value, list[float]] = {}
    local_formulas: dict[Value, list[str]] = {}
    for k, s in enumerate(steps, start=1):
        node, inp = s.node, s.input
        n, i = names[node], names[inp]
        local = (
            f"∂({naming.expression(node, picture.short)})/{_d(i)}"
            if node is root
            else f"{_d(n)}/{_d(i)}"
        )
        sentence = (
            f"{_d(r)}/{_d(i)} += {_d(r)}/{_d(n)} · {local} = "
            f"{fmt(s.upstream, digits)} · {fmt(s.local, digits)} = {fmt(s.contribution, digits)}"
        )
        mine = terms.setdefault(inp, [])
        mine.append(s.contribution)
        m, paths = len(mine), total[inp]
        if node not in local_formulas:
            local_formulas[node] = naming.formulas(node, picture.short)
        formula = local_formulas[node][s.index]
        grad = f"{_d(r)}/{_d(i)}"
        if paths == 1:
            fan = f"{grad} = {fmt(s.contribution, digits)}: complete (one path from {r} to {i})."
        elif m < paths:
            fan = f"Path {m} of {paths} to {i}, via {n}: {grad} so far = {sum_text(mine, digits)}."
        else:
            fan = (
                f"Path {m} of {paths} to {i}, via {n}: complete. {grad} is the sum over its "
                f"{paths} paths = {sum_text(mine, digits)}."
            )
        detail = f"Local derivative {formula} = {fmt(s.local, digits)}. {fan}"
        texts = {}
        if inp in picture.grad_cell:
            texts[picture.grad_cell[inp]] = grad_text(mine, m == paths, digits)
        if (node, s.index) in picture.flow_cell:
            texts[picture.flow_cell[(node, s.index)]] = flow_text(s, digits)
        current = [picture.edge_of.get((node, s.index)), picture.element[inp]]
        if picture.element[node] == picture.element[inp]:
            current = [picture.element[inp]]  # a step inside one collapsed box
        ids = list(dict.fromkeys(c for c in current if c))
        result.append(Frame(k, s, sentence, detail, ids, texts))
    return result


def text(picture: Picture, frames: Sequence[Frame], digits: int = DIGITS) -> str:
    """The narration as plain text: a header, then each frame's sentence and detail."""
    root = picture.root
    n = len(frames) - 1
    lines = [f"Backward pass from {picture.names[root]} = {fmt(root.data, digits)}, {n} steps:"]
    for frame in frames:
        lines.append(f"Step {frame.number} / {n}: {frame.sentence}")
        lines.append(f"    {frame.detail}")
    return "\n".join(lines) + "\n"
