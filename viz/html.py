"""The HTML renderer: one self-contained page that shows a picture, or steps through one.

The frame every page shares (a live page adds its side panel: :mod:`viz.live_page`,
:mod:`viz.train_page`). The graph is drawn once (the SVG of
:mod:`viz.layout`); frames are JSON data: per frame a sentence, the ids of the current
elements, and the cell texts that change. The viewer asks one function what frame k
shows (``chainrulePage.frame``), so a page that recomputes numbers live only replaces it.
Nothing is fetched: the page's CSS and JS (``viz/static/stepthrough.*``, read by
:mod:`viz.assets`) are inline. Text enters the page escaped by
:func:`viz._text.html_text`, inside the SVG as ``dot`` escaped it, or as JSON in a
``<script type="application/json">`` with ``<``, ``>``, ``&`` written as ``\\u003c``.
"""

from __future__ import annotations

import html as _html
import json
import re
from collections.abc import Sequence
from typing import Any

from . import assets
from ._text import html_text
from .layout import Drawing
from .narrate import Frame

_CLOSING = re.compile(r"</(script)", re.IGNORECASE)
HEIGHT = 560
"""Height in pixels of a picture embedded in a page or a notebook (an iframe)."""

ANCHOR = {"LR": [0.72, 0.5], "RL": [0.28, 0.5], "TB": [0.5, 0.72], "BT": [0.5, 0.28]}
"""Which side of the view the first frame puts the output against (a coordinate above ½:
the far side): the end of the graph, so the steps to come (towards the inputs) fill the
rest of the view."""

LEGEND_LESSON = (
    ("k-current", "red: this step, upstream × local = contribution"),
    ("k-done", "blue: the chain rule has passed here"),
    ("k-pending", "grey: not reached yet"),
    ("k-target", "yellow: the node this step adds to"),
    ("k-plain", "“not computed”: backward has not reached this node yet"),
    ("k-plain", "grad = a + b: the sum over every path"),
)
LEGEND_GRAPH = (
    (
        "k-plain",
        "each edge: the local derivative ∂out/∂in (formula = number), then "
        "upstream × local = contribution",
    ),
    ("k-plain", "grad = a + b: the sum over every path"),
    ("k-plain", "“not computed”: no backward pass has reached this node"),
    ("k-constant", "a constant"),
    ("k-box", "a collapsed scope"),
)
LEGEND_PATHS = "click a node: its gradient as the sum over paths"


def script_json(value: Any) -> str:
    """JSON safe inside a ``<script>`` element: no ``</script>``, ``<!--`` or line separators."""
    text = json.dumps(value, ensure_ascii=False)
    for char, code in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, code)
    return text


Link = tuple[str, str]
"""A link: (href, text)."""


def page(
    drawing: Drawing,
    frames: Sequence[Frame],
    initial: dict[str, str],
    title: str,
    lesson: bool,
    note: str = "",
    interval_ms: int = 900,
    panel: str = "",
    aside: str = "",
    styles: Sequence[str] = (),
    scripts: Sequence[str] = (),
    code: str = "",
    extra: Any = None,
    graph: dict[str, Any] | None = None,
    back: Link | None = None,
) -> str:
    """The page: controls, narration, legend, and the graph in a pan-and-zoom viewer with
    an overview; clicking a node opens its chain-rule panel (``graph``: the data of
    :mod:`viz.paths`, and the names a link can cite with ``#show=w₁ → y``).

    Extensions: ``panel`` (HTML under the narration), ``aside`` (HTML beside the graph),
    ``styles`` (style sheets of ``viz/static/``), ``extra`` (data, as JSON in the element
    ``page-extra``), ``code`` (generated JavaScript) and ``scripts`` (files of
    ``viz/static/``), run in that order after the viewer, which they reach through
    ``window.chainrulePage``. ``back``: a link to the page this one belongs to."""
    data = {
        "lesson": lesson,
        "width": drawing.width,
        "height": drawing.height,
        "interval": interval_ms,
        "anchor": ANCHOR[drawing.rankdir],
        "initial": initial,
        "frames": [
            {"sentence": f.sentence, "detail": f.detail, "current": f.current, "texts": f.texts}
            for f in frames
        ],
        "graph": graph or {},
    }
    n = len(frames) - 1
    steps = ""
    if lesson:
        steps = (
            '<button type="button" id="prev">Prev</button>'
            '<button type="button" id="play" aria-pressed="false">Play</button>'
            '<button type="button" id="next">Next</button>'
            f'<input type="range" id="slider" min="0" max="{max(n, 0)}" value="0" '
            'aria-label="Step">'
            f'<span id="counter" aria-live="polite">Step 0 / {n}</span>'
        )
    zoom = (
        '<span class="zoom"><button type="button" id="zoom-out" aria-label="Zoom out">−</button>'
        '<button type="button" id="zoom-in" aria-label="Zoom in">+</button>'
        '<button type="button" id="actual">100%</button>'
        '<button type="button" id="fit">Fit</button></span>'
    )
    narration = ""
    if lesson:
        first = frames[0]
        narration = (
            f'<p id="narration" aria-live="polite">{html_text(first.sentence)}</p>'
            f'<p id="detail">{html_text(first.detail)}</p>'
        )
    legend = "".join(
        f'<span class="{cls}">{html_text(text)}</span>'
        for cls, text in (LEGEND_LESSON if lesson else LEGEND_GRAPH)
    )
    if graph and graph.get("paths"):
        legend += f'<span class="k-plain">{html_text(LEGEND_PATHS)}</span>'
    note_html = f'<p class="note">{html_text(note)}</p>' if note else ""
    heading = f"<h1>{html_text(title)}</h1>" if title else ""
    if back:
        heading = (f'<p class="back"><a href="{html_text(back[0])}" target="_top">'
                   f"← {html_text(back[1])}</a></p>{heading}")
    box = f"0 0 {drawing.width} {drawing.height}"
    view = f"""<div id="view" aria-label="graph: drag to pan, Ctrl + wheel or pinch to zoom">
{drawing.svg}
<svg id="overview" role="img" aria-label="overview" viewBox="{box}"></svg>
<p id="zoom-hint" hidden>Ctrl + wheel (⌘ + wheel on a Mac) or pinch to zoom</p>
<section id="paths-panel" hidden></section>
</div>"""
    if aside:
        view = f'<div class="row">{view}{aside}</div>'
    after = ""
    if extra is not None:
        after += f'<script type="application/json" id="page-extra">{script_json(extra)}</script>\n'
    if code:
        # Generated code holds no "</script" of its own; a label inside a string might.
        after += "<script>" + _CLOSING.sub(r"<\\/\1", code) + "</script>\n"
    after += "\n".join(assets.script(name) for name in scripts)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html_text(title or "chainrule graph")}</title>
{assets.style("stepthrough.css", *styles)}
</head>
<body class="{"lesson" if lesson else "picture"}">
<header>
{heading}
<div class="controls">{steps}{zoom}</div>
{narration}
{panel}
{note_html}
<details class="legend-fold" open><summary>Key: the colours and marks</summary>
<p class="legend" aria-label="legend">{legend}</p></details>
</header>
{view}
<script type="application/json" id="viz-data">{script_json(data)}</script>
{assets.script("numbers.js", "stepthrough.js", "paths.js")}
{after}
</body>
</html>
"""


def iframe(page_html: str, title: str, height: int = HEIGHT) -> str:
    """A page inside an ``<iframe srcdoc>`` (lesson pages, Jupyter): its ids stay its own."""
    return (
        f'<iframe srcdoc="{_html.escape(page_html, quote=True)}" '
        f'style="width:100%;height:{height}px;border:1px solid #ddd" '
        f'title="{html_text(title)}"></iframe>'
    )
