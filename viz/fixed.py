"""Frames that keep still: every frame of a lesson gets the same layout.

``dot`` places nodes from their sizes, and a lesson's text changes from frame to frame
(a gradient goes from "not computed" to a sum, an edge gains the chain-rule product),
so frames laid out one by one jump around. A :class:`Reserve` first records every text
each changing table cell shows in ANY frame, measures them all in one ``dot`` run, then
gives each cell ``WIDTH``/``HEIGHT`` equal to its widest content. With every size the
same in every frame, ``dot`` sees the same geometry and returns the same layout, so
Prev/Next only changes text and highlights.
"""

from __future__ import annotations

import json
from collections.abc import Hashable

from .render import digraph_class

SLACK = 2
"""Points added to a measured size: ``dot`` reports node sizes rounded to whole points
(each half rounded), so a measured cell may be up to one point smaller than its text."""

Variant = tuple[int, str, str]
"""(font size, opening ``<TABLE …>`` tag, cell content) of one text a cell shows."""


class Reserve:
    """The size each changing cell must keep: its largest content over all frames.

    Used in two passes over the frames: while recording, :meth:`td` notes the text
    and returns no attributes; after :meth:`measure`, it returns the cell's fixed
    ``WIDTH``/``HEIGHT``.
    """

    def __init__(self) -> None:
        self.variants: dict[Hashable, set[Variant]] = {}
        self.sizes: dict[Hashable, tuple[int, int]] | None = None

    def td(self, key: Hashable, fontsize: int, table: str, content: str) -> str:
        """Attributes for the ``<TD>`` that holds ``content`` (already escaped markup)."""
        if self.sizes is None:
            self.variants.setdefault(key, set()).add((fontsize, table, content))
            return ""
        width, height = self.sizes[key]
        return f' WIDTH="{width}" HEIGHT="{height}"'

    def measure(self) -> None:
        """Measure every recorded text with one ``dot`` run and fix each cell's size."""
        distinct = sorted({v for vs in self.variants.values() for v in vs})
        size = dict(zip(distinct, measure(distinct)))
        self.sizes = {
            key: (max(size[v][0] for v in vs), max(size[v][1] for v in vs))
            for key, vs in self.variants.items()
        }


def measure(variants: list[Variant]) -> list[tuple[int, int]]:
    """The (width, height) in points, rounded up, of one-cell tables as ``dot`` sizes them.

    Raises ``viz.GraphvizNotFound`` without ``dot``.

    Example:
        >>> table = '<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="4">'
        >>> cells = [(11, table, "grad 1.0"), (11, table, "grad = 1.0 + 2.0")]
        >>> [(w1, h1), (w2, h2)] = measure(cells)
        >>> w1 < w2 and h1 == h2
        True
    """
    if not variants:
        return []
    graph = digraph_class()(
        name="measure",
        node_attr={
            "shape": "none",
            "margin": "0",
            "width": "0",
            "height": "0",
            "fontname": "Helvetica",
        },
    )
    for k, (fontsize, table, content) in enumerate(variants):
        graph.body.append(
            f"\tm{k} [fontsize={fontsize} label=<{table}<TR><TD>{content}</TD></TR></TABLE>>]\n"
        )
    layout = json.loads(graph.pipe(format="json", encoding="utf-8"))
    inches = {o["name"]: (float(o["width"]), float(o["height"])) for o in layout["objects"]}
    return [
        (round(72 * inches[f"m{k}"][0]) + SLACK, round(72 * inches[f"m{k}"][1]) + SLACK)
        for k in range(len(variants))
    ]
