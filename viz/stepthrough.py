"""``step_through``: a backward pass as a lesson, one frame per step of the chain rule.

The frames are the engine's own :func:`autograd.backward_steps`: frame k shows the
graph after k steps (gradients appear as they are computed, edges already traversed
carry their contributions, the current step is highlighted) and one sentence of the
chain rule with the numbers plugged in.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from autograd import Step, Value, backward_steps, topological_order

from ._text import DIGITS, fmt, node_names
from .fixed import Reserve
from .flow import Flow
from .graph import SHOW, _check_options, build
from .groups import Scope
from .render import GraphvizNotFound


class Frame:
    """One step: the ``Step`` itself, its sentence, and (built on demand) its picture."""

    def __init__(self, lesson: Lesson, number: int, step: Step) -> None:
        self.lesson = lesson
        self.number = number
        self.step = step

    @property
    def sentence(self) -> str:
        """``∂L/∂w += ∂L/∂y · ∂y/∂w = −0.5 · 2.0 = −1.0``."""
        s, names, d = self.step, self.lesson.names, self.lesson.digits
        root, out, inp = names[self.lesson.root], names[s.node], names[s.input]
        return (
            f"∂{root}/∂{inp} += ∂{root}/∂{out} · ∂{out}/∂{inp} = "
            f"{fmt(s.upstream, d)} · {fmt(s.local, d)} = {fmt(s.contribution, d)}"
        )

    @property
    def detail(self) -> str:
        """Where the local derivative comes from, and the input's gradient so far."""
        s, names, d = self.step, self.lesson.names, self.lesson.digits
        n = len(s.node.parents)
        assert s.node.op is not None, "a step's node is an op node"
        formula = s.node.op.formula(s.index, n)
        total = self.lesson.running[self.number - 1]
        done = "complete" if self.lesson.last_step[s.input] == self.number - 1 else "so far"
        return (
            f"local derivative {formula} = {fmt(s.local, d)}; "
            f"∂{names[self.lesson.root]}/∂{names[s.input]} = {fmt(total, d)} ({done})"
        )

    @property
    def graph(self) -> Any:
        """The picture of the graph after this step (a ``graphviz.Digraph``). Its changing
        cells have the sizes :meth:`Lesson.reserve` fixed, so every frame has one layout."""
        try:
            reserve = self.lesson.reserve()
        except GraphvizNotFound:
            reserve = None  # still a picture (DOT text); its layout just is not pinned
        return self._build(reserve)

    def _build(self, reserve: Reserve | None) -> Any:
        lesson = self.lesson
        flow = Flow(lesson.root, lesson.seed, lesson.steps[: self.number], lesson.total, self.step)
        return build(lesson.root, None, flow, reserve=reserve, **lesson.options)


class Lesson:
    """A backward pass, step by step. ``len(lesson)`` is its number of frames.

    Show it with ``to_html(path)`` (one self-contained page), ``to_text()`` (a terminal),
    or let Jupyter call ``_repr_html_()``.
    """

    def __init__(self, root: Value, seed: float, digits: int, options: dict[str, Any]) -> None:
        self.root = root
        self.seed = seed
        self.digits = digits
        self.options = {**options, "digits": digits}
        order = topological_order(root)
        self.names = node_names(order, root)
        self.steps: list[Step] = list(backward_steps(root, seed))
        self.total: dict[Value, int] = {}
        self.last_step: dict[Value, int] = {}
        self.running: list[float] = []
        sums: dict[Value, float] = {}
        for k, s in enumerate(self.steps):
            self.total[s.input] = self.total.get(s.input, 0) + 1
            self.last_step[s.input] = k
            sums[s.input] = sums.get(s.input, 0.0) + s.contribution
            self.running.append(sums[s.input])
        self.frames = [Frame(self, k + 1, s) for k, s in enumerate(self.steps)]
        self._reserve: Reserve | None = None

    def reserve(self) -> Reserve:
        """The size every changing cell keeps in every frame: the largest text it shows in
        any frame, measured once by ``dot`` (so all frames get the same layout)."""
        if self._reserve is None:
            reserve = Reserve()
            for frame in self.frames:
                frame._build(reserve)  # records what each cell shows in this frame
            reserve.measure()
            self._reserve = reserve
        return self._reserve

    def __len__(self) -> int:
        return len(self.frames)

    def to_text(self) -> str:
        """The narration, one numbered sentence per step."""
        n = len(self)
        lines = [
            f"Backward pass from {self.names[self.root]} = {fmt(self.root.data, self.digits)}"
            f" (seed ∂{self.names[self.root]}/∂{self.names[self.root]} = "
            f"{fmt(self.seed, self.digits)}), {n} steps:"
        ]
        lines += [f"Step {f.number} / {n}: {f.sentence}" for f in self.frames]
        return "\n".join(lines) + "\n"

    def svgs(self, workers: int | None = None) -> list[str]:
        """Every frame rendered by ``dot`` (in parallel: each is its own process)."""
        from .render import svg

        graphs = [f.graph for f in self.frames]
        with ThreadPoolExecutor(max_workers=workers or os.cpu_count() or 2) as pool:
            return list(pool.map(svg, graphs))

    def to_page(self, title: str = "Backpropagation, step by step") -> str:
        """The lesson as one self-contained HTML page (text)."""
        from .html import page

        return page(self, self.svgs(), title)

    def to_html(self, path: str | os.PathLike[str], title: str = "") -> Path:
        """Write the lesson as ONE self-contained HTML file; returns its path.

        Inline SVG frames, CSS and JS; nothing is fetched when it is viewed. Buttons
        Prev, Next and Play, a slider, and the left/right arrow keys move between steps.
        """
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.to_page(title or "Backpropagation, step by step"), encoding="utf-8")
        return path

    def _repr_html_(self) -> str:
        from .html import iframe

        return iframe(self.to_page())


def step_through(
    root: Value,
    gradient: float = 1.0,
    show: Iterable[str] = SHOW,
    scopes: Mapping[Value, Scope] | None = None,
    collapse: Any = None,
    rankdir: str = "LR",
    digits: int = DIGITS,
) -> Lesson:
    """A lesson of the backward pass from ``root``: one frame per chain-rule step.

    Args:
        root: the output to differentiate (usually the loss).
        gradient: the seed ∂root/∂root.
        show, scopes, collapse, rankdir, digits: as in :func:`viz.draw_graph`.

    Returns:
        A :class:`Lesson`; ``len(lesson)`` equals the number of backward steps.

    Example:
        >>> from autograd import Value
        >>> w, x = Value(2.0, label="w"), Value(-0.5, label="x")
        >>> y = w * x
        >>> y.label = "y"
        >>> lesson = step_through(y)
        >>> len(lesson)
        2
        >>> print(lesson.frames[0].sentence)
        ∂y/∂w += ∂y/∂y · ∂y/∂w = 1.0 · −0.5 = −0.5
    """
    if not isinstance(root, Value):
        raise TypeError(f"step_through: root must be a Value, got {root!r} ({type(root).__name__})")
    _check_options(show, rankdir, collapse, scopes)
    options = {"show": show, "scopes": scopes, "collapse": collapse, "rankdir": rankdir}
    return Lesson(root, float(gradient), digits, options)
