"""``step_through``: a backward pass as a lesson, one frame per step of the chain rule.

The frames are the engine's own :func:`autograd.backward_steps`, after a first frame at
the output (the seed ∂L/∂L). The walk: engine graph + steps → :func:`viz.model.build`
(the picture, gradients *not computed*) → :func:`viz.narrate.frames` (sentences and the
texts each step changes) → :func:`viz.layout.draw` (``dot`` once, every changing cell
sized for its longest text) → :func:`viz.html.page` or :func:`viz.narrate.text`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from autograd import Step, Value, backward_steps, topological_order

from . import html, layout, model, narrate, paths, template
from ._text import DIGITS
from .groups import Scope
from .model import MAX_NODES, SHOW
from .narrate import Frame

TITLE = "Backpropagation, step by step"
MAX_STEPS = 5000
"""The most steps a lesson narrates: its page then opens in about a second. A longer pass
is refused with a message saying how to step through a part of it (``max_steps=None``
insists)."""


class Lesson:
    """A backward pass, step by step. ``len(lesson)`` is its number of frames (the seed
    and one per step); ``lesson.frames[k].sentence`` narrates frame k.

    Show it with ``to_html(path)`` (one self-contained page), ``to_text()`` (a terminal),
    or let Jupyter call ``_repr_html_()``.
    """

    def __init__(self, picture: model.Picture, steps: list[Step], seed: float, digits: int):
        self.picture = picture
        self.root = picture.root
        self.names = picture.names
        self.steps = steps
        self.seed = seed
        self.digits = digits
        self.frames: list[Frame] = narrate.frames(picture, steps, seed, digits)

    def __len__(self) -> int:
        return len(self.frames)

    def to_text(self) -> str:
        """The narration: each step's sentence, then its local derivative and the
        gradient it adds to (running total over paths, and when it is complete)."""
        return narrate.text(self.picture, self.frames, self.digits)

    def texts(self, wide: bool = False) -> dict[str, list[str]]:
        """Every text each changing cell shows, in frame order (cell id → texts); ``wide``
        adds each number slot's widest rendering (a live page's numbers change)."""
        initial = {c.id: c.text for c in self.picture.cells()}
        variants: dict[str, list[str]] = {}
        for frame in self.frames:
            for cid, text in frame.texts.items():
                variants.setdefault(cid, [initial[cid]]).append(text)
        if wide:
            for cell in self.picture.cells():
                if cell.parts is not None:
                    variants.setdefault(cell.id, [cell.text]).append(
                        template.render(cell.parts, None, self.digits))
            for frame in self.frames:
                for cid, parts in frame.parts.items():
                    if cid in variants:
                        variants[cid].append(template.render(parts, None, self.digits))
        return variants

    def drawing(self, wide: bool = False) -> tuple[layout.Drawing, dict[str, str]]:
        """The picture laid out once (each changing cell sized for its longest text), and
        the text each changing cell starts with."""
        variants = self.texts(wide)
        drawing = layout.draw(self.picture, layout.widest(self.picture, variants))
        return drawing, {cid: texts[0] for cid, texts in variants.items()}

    def graph_data(self) -> dict[str, Any]:
        """What the page's viewer reads: names to cite, and the paths of every node."""
        order = topological_order(self.root)
        return paths.graph_data(self.picture, order, self.steps, self.seed)

    def to_page(self, title: str = TITLE, back: html.Link | None = None) -> str:
        """The lesson as one self-contained HTML page (text); ``dot`` runs once."""
        drawing, initial = self.drawing()
        return html.page(drawing, self.frames, initial, title, True, self.picture.note,
                         graph=self.graph_data(), back=back)

    def to_html(self, path: str | os.PathLike[str], title: str = "",
                back: html.Link | None = None) -> Path:
        """Write the lesson as ONE self-contained HTML file; returns its path.

        The graph is drawn once; Prev, Next, Play, a slider and the arrow keys change
        only texts and highlights, and bring the current step into view. Drag to pan,
        Ctrl + wheel or pinch to zoom, "Fit" to see it all, the overview to jump; a click
        on a node shows its gradient as the sum over paths. Nothing is fetched.
        ``back``: (href, text) of the page this one belongs to (its lesson).
        """
        path = Path(path)
        text = self.to_page(title or TITLE, back)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def iframe(self, title: str = TITLE) -> str:
        """The page inside an ``<iframe>``, to embed in another page."""
        return html.iframe(self.to_page(title), title, height=html.HEIGHT + 140)

    def _repr_html_(self) -> str:
        return self.iframe()


def step_through(
    root: Value,
    gradient: float = 1.0,
    show: Iterable[str] = SHOW,
    scopes: Mapping[Value, Scope] | None = None,
    collapse: Any = None,
    rankdir: str = "LR",
    digits: int = DIGITS,
    max_nodes: int | None = MAX_NODES,
    max_steps: int | None = MAX_STEPS,
) -> Lesson:
    """A lesson of the backward pass from ``root``: the seed, then one frame per step.

    Args:
        root: the output to differentiate (usually the loss).
        gradient: the seed ∂root/∂root.
        show, scopes, collapse, rankdir, digits, max_nodes: as in :func:`viz.draw_graph`
            (a graph above ``max_nodes`` nodes is collapsed by its scopes, or refused).
        max_steps: a pass of more steps (:data:`MAX_STEPS`) is refused with a
            ``ValueError`` saying how to narrate a part of it; ``None`` narrates any length.

    Returns:
        A :class:`Lesson`; ``len(lesson)`` is the number of backward steps plus one.

    Example:
        >>> from autograd import Value
        >>> w, x = Value(2.0, label="w"), Value(-0.5, label="x")
        >>> y = w * x
        >>> y.label = "y"
        >>> lesson = step_through(y)
        >>> len(lesson)
        3
        >>> print(lesson.frames[0].sentence)
        ∂y/∂y = 1.0: the seed. Backprop starts at the output y.
        >>> print(lesson.frames[1].sentence)
        ∂y/∂w += ∂y/∂y · ∂(w·x)/∂w = 1.0 · −0.5 = −0.5
    """
    if not isinstance(root, Value):
        raise TypeError(f"step_through: root must be a Value, got {root!r} ({type(root).__name__})")
    model.check_options(show, rankdir, collapse, scopes, "step_through")
    fixed = model.constants(topological_order(root))
    steps = [s for s in backward_steps(root, float(gradient)) if s.input not in fixed]
    if max_steps is not None and len(steps) > max_steps:
        raise ValueError(
            f"step_through: the backward pass from {root.label or 'L'!r} takes {len(steps)} "
            f"steps, more than the {max_steps} a lesson narrates. Step through a part of it "
            "(one sample's loss, one neuron's output), or pass max_steps=None to narrate "
            "every step anyway (a large page)."
        )
    picture = model.build(
        root,
        steps,
        show,
        collapse,
        False,
        scopes,
        rankdir,
        digits,
        lesson=True,
        max_nodes=max_nodes,
        where="step_through",
        seed=float(gradient),
    )
    return Lesson(picture, steps, float(gradient), digits)
