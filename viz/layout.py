"""Layout: ``dot`` places the picture once; its SVG becomes the page's fixed drawing.

One ``dot -Tsvg`` run per picture. Each changing cell is laid out with the longest text
it will ever show, so no later text outgrows its place. The SVG is then made
addressable: every text element gets its cell's id (``v3-grad``), in the order ``dot``
writes a node's or an edge's texts, which is the order of the picture's cells.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass

from . import dot
from .model import Picture
from .render import svg as render_svg

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", XLINK_NS)
_G, _TEXT, _TITLE = f"{{{SVG_NS}}}g", f"{{{SVG_NS}}}text", f"{{{SVG_NS}}}title"
_USUAL = {"font-family": "Helvetica,sans-Serif", "font-size": f"{dot.FONT}.00"}
"""What ``dot`` writes on almost every text: a page's #graph inherits it from its CSS
(viz/static/stepthrough.css), which keeps a 300-node page ~10% smaller."""


@dataclass
class Drawing:
    """The laid-out picture: SVG markup (ids on shapes and texts) and its natural size."""

    svg: str
    width: float
    height: float
    rankdir: str = "LR"


def widest(picture: Picture, variants: Mapping[str, list[str]]) -> dict[str, str]:
    """For each changing cell, the longest of the texts it shows (its layout text)."""
    return {cid: max(texts, key=len) for cid, texts in variants.items() if texts}


def draw(picture: Picture, texts: Mapping[str, str] | None = None) -> Drawing:
    """Lay ``picture`` out with ``dot`` (once) and return its addressable SVG.

    Raises ``viz.GraphvizNotFound`` without ``dot``.
    """
    graph = dot.digraph(picture, texts)
    root = ET.fromstring(render_svg(graph))
    shown = {c.id: c.text for c in picture.cells()}
    if texts:
        shown.update(texts)
    cells = {
        s.id: [c.id for c in s.cells if shown[c.id]] for s in (*picture.shapes, *picture.edges)
    }
    for group in root.iter(_G):
        for title in group.findall(_TITLE) if group.get("class") else ():  # a tooltip stays
            group.remove(title)
        ids = cells.get(group.get("id", ""))
        if ids is None:
            continue
        elements = list(group.iter(_TEXT))
        for element in elements:  # the page's style sheet sets these once for every text
            for attr, usual in _USUAL.items():
                if element.get(attr) == usual:
                    del element.attrib[attr]
        if len(elements) == len(ids):
            for element, cid in zip(elements, ids):
                element.set("id", cid)
    for title in root.findall(_TITLE):
        root.remove(title)
    _, _, width, height = (float(v) for v in root.get("viewBox", "0 0 0 0").split())
    for attr in ("width", "height", "viewBox"):
        root.attrib.pop(attr, None)
    graph0 = root.find(_G)
    camera = ET.Element(_G, {"id": "camera"})
    if graph0 is not None:
        root.remove(graph0)
        camera.append(graph0)
    root.append(camera)
    root.set("id", "graph")
    root.set("role", "img")
    root.set("aria-label", "the computation graph")
    return Drawing(ET.tostring(root, encoding="unicode"), width, height, picture.rankdir)
