"""The sum over paths, as data for a page: ∂L/∂x is Σ over every path from L to x of the
product of the local derivatives along it.

A page lets the learner click any node and read its gradient that way
(``viz/static/paths.js``): each path's factors and product, then their sum, with the
paths highlighted in the picture. The page gets the graph's structure and every edge's
local derivative here, from the engine's backward steps; a live page replaces the local
derivatives with the ones it recomputes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from autograd import Step, Value

from .model import Picture

MAX_PATHS = 8
"""A panel lists this many paths, then says how many there are in all."""


def data(picture: Picture, order: Sequence[Value], steps: Sequence[Step],
         seed: float) -> dict[str, Any]:
    """The graph as the page's panel reads it.

    ``nodes``: every node of ``order`` (name, the element drawing it when it is drawn on
    its own, else null); ``edges``: one per step, input → node, with the element drawing it
    (null inside a collapsed box) and the arrow from its op to the node; ``locals`` and
    ``contributions`` (one per edge); ``seed`` and ``root`` (an index into nodes). Steps
    into constants are left out by the caller: no path leads to a number.
    """
    index = {node: k for k, node in enumerate(order)}
    nodes = []
    for node in order:
        element = picture.element.get(node, "")
        nodes.append({"name": picture.names[node],
                      "el": element if element.startswith("v") else None})
    edges = []
    for s in steps:
        edge = picture.edge_of.get((s.node, s.index), "")
        drawn = edge.startswith("e")  # not merged into a collapsed box's edge
        edges.append({"i": index[s.input], "o": index[s.node], "el": edge if drawn else None,
                      "arrow": picture.arrow.get(s.node) if drawn else None})
    return {"nodes": nodes, "edges": edges, "locals": [s.local for s in steps],
            "contributions": [s.contribution for s in steps],
            "seed": seed, "root": index[picture.root], "most": MAX_PATHS}


def labels(picture: Picture) -> dict[str, str]:
    """What a link can cite to bring a part of the picture into view (``page.html#show=``):
    each drawn node by its name, each drawn edge as ``input → node``."""
    found = {element: picture.names[node] for node, element in picture.element.items()
             if element.startswith("v")}
    for (node, i), edge in picture.edge_of.items():
        if edge.startswith("e"):
            found[edge] = f"{picture.names[node.parents[i]]} → {picture.names[node]}"
    return found


def graph_data(picture: Picture, order: Sequence[Value], steps: Sequence[Step] | None,
               seed: float) -> dict[str, Any]:
    """Everything a page's viewer reads about the graph: names to cite, and the paths
    (none when there is no backward pass to read local derivatives from)."""
    return {"labels": labels(picture),
            "paths": data(picture, order, steps, seed) if steps is not None else None}
