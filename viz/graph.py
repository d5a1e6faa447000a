"""``draw_graph``: a computation graph with the chain rule written on its edges.

Each op node ``N = op(x₁, …, xₙ)`` is drawn as a value box (name, data, grad) fed by a
small op circle (the op's symbol). Edge ``xᵢ → op`` carries the local derivative
∂N/∂xᵢ in the nodes' own names, as formula and number, and after a backward pass the
product upstream × local = contribution that flowed along it (read from
:func:`autograd.backward_steps`).

The walk: engine graph + steps → :func:`viz.model.build` (the picture: names, numbers)
→ :func:`viz.dot.digraph` (DOT) → ``dot`` (SVG), or :func:`viz.layout.draw` →
:func:`viz.html.page` (the pan-and-zoom page).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from autograd import Value, backward_steps, topological_order

from . import dot, html, layout, model, paths
from ._text import DIGITS
from .groups import Scope
from .model import MAX_NODES, SHOW
from .narrate import Frame
from .render import digraph_class


def draw_graph(
    root: Value,
    rankdir: str = "LR",
    show: Iterable[str] = SHOW,
    collapse: Any = None,
    check: bool = False,
    scopes: Mapping[Value, Scope] | None = None,
    digits: int = DIGITS,
    max_nodes: int | None = MAX_NODES,
    seed: float = 1.0,
) -> Any:
    """Draw the graph that computed ``root``, with the chain rule on every edge.

    Args:
        root: the output (usually the loss).
        rankdir: Graphviz direction: ``"LR"`` (inputs left), ``"TB"``, ``"RL"``, ``"BT"``.
        show: any of ``"data"``, ``"grad"``, ``"local"``, ``"flow"`` (see :data:`SHOW`);
            drop ``"local"`` and ``"flow"`` for a lighter picture of a large graph.
        collapse: with ``scopes``, draw scopes as single boxes: ``True`` (top-level
            scopes), a depth (``2``: every scope two deep, e.g. each neuron), or a set of
            scope prefixes (``{"layers.0"}``, ``{("layers.1", "neurons.0")}``).
        check: highlight leaves whose gradient disagrees with central differences.
        scopes: the dict from ``autograd.record_scopes()``: one cluster per scope.
        digits: significant digits of every number.
        max_nodes: above this many nodes (:data:`viz.model.MAX_NODES`), a graph with
            ``scopes`` is collapsed automatically and one without is refused with a
            ``ValueError`` saying how to draw it; ``None`` draws any size.
        seed: the gradient the last ``backward()`` started from (1.0, its default): the
            edges show that pass; what earlier passes left in ``.grad`` is shown apart
            (``grad = 4.0 (earlier passes) + 4.0 (this pass: 2.0 + 2.0) = 8.0``), never
            as another path.

    Returns:
        A ``graphviz.Digraph``: Jupyter shows it; ``.source`` is the DOT text;
        ``.pipe(format="svg")`` renders it (raising ``viz.GraphvizNotFound`` without
        ``dot``); ``.to_html(path)`` writes it as a pan-and-zoom page.

    Example:
        >>> from autograd import Value
        >>> d, f = Value(2.0, label="d"), Value(4.0, label="f")
        >>> L = d * f
        >>> L.label = "L"
        >>> L.backward()
        >>> src = draw_graph(L).source
        >>> "∂(d·f)/∂f = d = 2.0" in src, "1.0 × 4.0 = 4.0" in src
        (True, True)
    """
    if not isinstance(root, Value):
        raise TypeError(f"draw_graph: root must be a Value, got {root!r} ({type(root).__name__})")
    steps = list(backward_steps(root, float(seed))) if root.grad_computed else None
    picture = model.build(
        root, steps, show, collapse, check, scopes, rankdir, digits, max_nodes=max_nodes,
        seed=float(seed),
    )
    graph = dot.digraph(picture, cls=_picture_class(digraph_class()))
    if steps is not None:
        fixed = model.constants(topological_order(root))
        steps = [s for s in steps if s.input not in fixed]
    graph.paths = paths.graph_data(picture, topological_order(root), steps, float(seed))
    return graph


_CLASSES: dict[type, type] = {}


def _picture_class(base: type) -> type:
    """``base`` (graphviz's Digraph) with the pan-and-zoom page added."""
    if base not in _CLASSES:

        class Picture(base):  # type: ignore[misc]  # graphviz.Digraph, made at run time
            """A chain-rule picture: DOT (``.source``), SVG (``.pipe``), or a page."""

            def to_page(self, title: str = "") -> str:
                """The picture as one self-contained pan-and-zoom HTML page (text)."""
                picture = self.picture
                drawing = layout.draw(picture)
                frame = Frame(0, None, "", "", [picture.element[picture.root]])
                return html.page(drawing, [frame], {}, title, False, picture.note,
                                 graph=self.paths)

            def to_html(self, path: str | os.PathLike[str], title: str = "") -> Path:
                """Write :meth:`to_page` to ``path``; returns the path."""
                path = Path(path)
                text = self.to_page(title)
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
                return path

            def iframe(self, title: str = "the computation graph") -> str:
                """The page inside an ``<iframe>``, to embed in another page."""
                return html.iframe(self.to_page(), title)

            def _repr_html_(self) -> str:
                return self.iframe()

        _CLASSES[base] = Picture
    return _CLASSES[base]
