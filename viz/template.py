"""Texts with their numbers as slots: each written once, rendered by Python and JavaScript.

Every text of a picture or a lesson that shows a number of the backward pass (a node's
data, a gradient, a sentence of chain rule) is built once, here or in :mod:`viz.model`
and :mod:`viz.narrate`, as a list of parts: plain strings and :class:`Slot` s. Python
renders the parts with the engine's numbers (:func:`render`: static pages, text); a live
page renders the very same parts with the numbers its browser recomputes
(``viz/static/live.js``, after :func:`viz.live` has turned each slot's key into an index).
So a sentence cannot read differently in the two, and the browser needs no wording of its
own. Numbers are written by :func:`viz._text.fmt` (``viz/static/numbers.js`` in the page).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from autograd import Step, Value

from ._text import fmt, term

Edge = tuple[Value, int]
"""An edge of the graph: (node, index of its input)."""

KINDS = {
    "v": "the data of a node",
    "l": "an edge's local derivative ∂node/∂input",
    "u": "the gradient upstream of an edge (∂root/∂node)",
    "c": "an edge's contribution, upstream · local",
    "t": "an edge's contribution as a term of a sum (negative in parentheses)",
    "s": "the sum of some edges' contributions, left to right",
}


@dataclass(frozen=True)
class Slot:
    """A number in a text: ``kind`` (one of :data:`KINDS`) of ``key`` (a node for ``v``,
    an :data:`Edge` for ``l``/``u``/``c``/``t``, a tuple of edges for ``s``)."""

    kind: str
    key: Any


Part = str | Slot


@dataclass
class Numbers:
    """The numbers slots read: each node's data and each edge's backward step."""

    data: Mapping[Value, float]
    steps: Mapping[Edge, Step]

    @classmethod
    def of(cls, nodes: Iterable[Value], steps: Iterable[Step]) -> Numbers:
        """The numbers of a traced graph and its backward steps."""
        return cls({n: n.data for n in nodes}, {(s.node, s.index): s for s in steps})

    def number(self, slot: Slot) -> float:
        """The float a slot stands for."""
        if slot.kind == "v":
            return self.data[slot.key]
        if slot.kind == "s":
            total = 0.0
            for edge in slot.key:
                total = total + self.steps[edge].contribution
            return total
        step = self.steps[slot.key]
        return {"l": step.local, "u": step.upstream}.get(slot.kind, step.contribution)


def render(parts: Sequence[Part], numbers: Numbers | None, digits: int) -> str:
    """The text of ``parts``; ``numbers=None`` writes every number as wide as a number
    gets (:data:`WIDE`), for laying out a cell whose numbers will change."""
    out = []
    for part in parts:
        if isinstance(part, str):
            out.append(part)
            continue
        x = WIDE if numbers is None else numbers.number(part)
        out.append(term(x, digits) if part.kind == "t" else fmt(x, digits))
    return "".join(out)


WIDE = -1.234e-05
"""A number as wide as :func:`viz._text.fmt` writes one at 4 digits."""


def joined(edges: Sequence[Edge], most: int) -> list[Part]:
    """``a + (−b) + …`` over the edges' contributions: the first ``most``, then the count."""
    parts: list[Part] = []
    for j, edge in enumerate(edges[:most]):
        parts += [" + "] if j else []
        parts.append(Slot("t", edge))
    if len(edges) > most:
        parts.append(f" + … ({len(edges)} terms)")
    return parts


def total(edges: Sequence[Edge], most: int) -> list[Part]:
    """A sum over paths, ``a + b = s``; one term alone is just that number."""
    if len(edges) == 1:
        return [Slot("c", edges[0])]
    return [*joined(edges, most), " = ", Slot("s", tuple(edges))]


def flow(edge: Edge) -> list[Part]:
    """An edge's chain-rule product: ``upstream × local = contribution``."""
    return [Slot("u", edge), " × ", Slot("l", edge), " = ", Slot("c", edge)]


def indexed(parts: Sequence[Part], node_index: Mapping[Value, int],
            step_index: Mapping[Edge, int]) -> list[Any]:
    """The parts as JSON for a page: a slot becomes ``{kind: index}`` into the arrays the
    page's ``run()`` returns (values by node, locals/upstreams/contributions by step)."""
    out: list[Any] = []
    for part in parts:
        if isinstance(part, str):
            if out and isinstance(out[-1], str):
                out[-1] += part
            else:
                out.append(part)
        elif part.kind == "v":
            out.append({"v": node_index[part.key]})
        elif part.kind == "s":
            out.append({"s": [step_index[e] for e in part.key]})
        else:
            out.append({part.kind: step_index[part.key]})
    return out
