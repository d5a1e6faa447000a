"""The frames of a lesson: one sentence of chain rule per step, and what it changes.

Frame 0 is the seed at the output (``∂L/∂L = 1.0``); frame k is the k-th backward step
of the engine (steps into constants left out: a number written in an expression gets no
step). Each frame says which picture elements are current (``aria-current``) and which
cell texts change from then on, so a page holds every frame as a few strings: its size
grows linearly with the graph. Every text is written here once, with its numbers as
slots (:mod:`viz.template`): Python renders them for static pages and text, a live page
renders the same parts with the numbers it recomputes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from autograd import Step, Value

from . import names as naming
from . import template
from ._text import DIGITS, fmt
from .model import Picture, grad_parts
from .template import Edge, Numbers, Part, Slot

MAX_SUM_TERMS = 6
"""A narrated sum over more paths than this shows the first few and the count."""


@dataclass
class Frame:
    """One frame: its ``step`` (None for the seed), its sentences, the ids of the
    elements it is about, and the cell texts that change at this frame; ``parts`` holds
    the same texts with their numbers as slots (``sentence``, ``detail``, and cell ids)."""

    number: int
    step: Step | None
    sentence: str
    detail: str
    current: list[str]
    texts: dict[str, str] = field(default_factory=dict)
    parts: dict[str, list[Part]] = field(default_factory=dict)
    term: str = ""
    """The step's chain rule in names, ``∂L/∂x += ∂L/∂y · ∂y/∂x`` (its sentence's left part)."""
    local: str = ""
    """The name of its local derivative, ``∂y/∂x`` (at the output, ``∂(w·x)/∂x``)."""
    formula: str = ""
    """Its local derivative's formula, ``∂(w·x)/∂x = w``."""


_d = naming.of


def frames(
    picture: Picture, steps: Sequence[Step], seed: float, digits: int = DIGITS
) -> list[Frame]:
    """The frames of the backward pass ``steps`` over ``picture``."""
    root, names = picture.root, picture.names
    r = names[root]
    numbers = Numbers.of((), steps)
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
    paths: dict[Value, list[Edge]] = {}
    local_formulas: dict[Value, list[str]] = {}
    for k, s in enumerate(steps, start=1):
        node, inp = s.node, s.input
        edge = (node, s.index)
        n, i = names[node], names[inp]
        local = (
            f"∂({naming.expression(node, picture.short)})/{_d(i)}"
            if node is root
            else f"{_d(n)}/{_d(i)}"
        )
        term = f"{_d(r)}/{_d(i)} += {_d(r)}/{_d(n)} · {local}"
        mine = paths.setdefault(inp, [])
        mine.append(edge)
        m, count = len(mine), total[inp]
        if node not in local_formulas:
            local_formulas[node] = naming.formulas(node, picture.short)
        formula = local_formulas[node][s.index]
        grad = f"{_d(r)}/{_d(i)}"
        fan: list[Part]
        if count == 1:
            fan = [f"{grad} = ", Slot("c", edge), f": complete (one path from {r} to {i})."]
        elif m < count:
            fan = [f"Path {m} of {count} to {i}, via {n}: {grad} so far = ",
                   *template.total(mine, MAX_SUM_TERMS), "."]
        else:
            fan = [f"Path {m} of {count} to {i}, via {n}: complete. {grad} is the sum over its "
                   f"{count} paths = ", *template.total(mine, MAX_SUM_TERMS), "."]
        parts: dict[str, list[Part]] = {
            "sentence": [f"{term} = ", Slot("u", edge), " · ", Slot("l", edge), " = ",
                         Slot("c", edge)],
            "detail": [f"Local derivative {formula} = ", Slot("l", edge), ". ", *fan],
        }
        if inp in picture.grad_cell:
            parts[picture.grad_cell[inp]] = grad_parts(list(mine), m == count)
        if edge in picture.flow_cell:
            parts[picture.flow_cell[edge]] = template.flow(edge)
        current = [picture.edge_of.get(edge), picture.element[inp]]
        if picture.element[node] == picture.element[inp]:
            current = [picture.element[inp]]  # a step inside one collapsed box
        ids = list(dict.fromkeys(c for c in current if c))
        texts = {key: template.render(p, numbers, digits) for key, p in parts.items()}
        sentence, detail = texts.pop("sentence"), texts.pop("detail")
        result.append(Frame(k, s, sentence, detail, ids, texts, parts, term, local, formula))
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
