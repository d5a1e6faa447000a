"""The live page's side panel and the data its scripts read (``viz/static/live.js``,
``practice.js``, ``sensitivity.js``): a control per input, the nudge's explanation, practice
and the tape. Every control and readout carries an ``aria-label``; text enters escaped
(:func:`viz._text.html_text`).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from autograd import Value
from autograd.javascript import Program

from . import names as naming
from . import template
from ._text import html_text

if TYPE_CHECKING:
    from .live import Live

BOX_DIGITS = 7
"""Significant digits a leaf's number box shows (the leaf keeps its exact value)."""
SLIDER_STEPS = 100
"""A slider moves a leaf in steps of a round number, about this many across its range."""


def check_keys(program: Program) -> list[tuple[Any, int, Any]]:
    """One domain check per (op, number of inputs, parameter) of the graph."""
    return list(dict.fromkeys(_key(n) for n in program.order if n.op is not None))


def _key(node: Value) -> tuple[Any, int, Any]:
    return node.op, len(node.parents), node.arg if node.op and node.op.param else None


def slider(value: float) -> tuple[str, str, str]:
    """A leaf's slider (min, max, step): ± max(1, 2|value|) around it, in steps of a
    round number (10ⁿ, about :data:`SLIDER_STEPS` of them), so dragging gives 1.2, not
    1.20371666666667."""
    centre = value if math.isfinite(value) else 0.0
    span = max(1.0, 2.0 * abs(centre))
    exponent = math.floor(math.log10(2.0 * span / SLIDER_STEPS))
    step = 10.0**exponent
    places = max(0, -exponent)
    lo = math.floor((centre - span) / step) * step
    hi = math.ceil((centre + span) / step) * step
    return f"{lo:.{places}f}", f"{hi:.{places}f}", f"{step:.{places}f}"


def _boxed(value: float) -> str:
    """A leaf's value as its number box shows it: :data:`BOX_DIGITS` significant digits."""
    return repr(float(f"{value:.{BOX_DIGITS}g}")) if math.isfinite(value) else ""


def aside(page: Live) -> str:
    program, names = page.program, page.lesson.names
    r = names[page.lesson.root]
    rows = []
    for i in page.shown:
        leaf, name = program.leaves[i], html_text(page.leaf_names[i])
        lo, hi, step = slider(leaf.data)
        rows.append(
            f'<div class="leaf" id="leaf-{i}-row"><label class="name" for="leaf-{i}">{name}'
            f'</label><input type="number" id="leaf-{i}" step="any" value="{_boxed(leaf.data)}" '
            f'aria-label="{name}"><input type="range" id="leaf-{i}-range" min="{lo}" '
            f'max="{hi}" step="{step}" value="{leaf.data!r}" aria-label="{name} slider" '
            f'tabindex="-1"><output id="leaf-{i}-grad" class="grad"></output></div>'
        )
    code = "".join(f'<span class="line" id="code-{k}">{html_text(line) or " "}</span>'
                   for k, line in enumerate(program.python.splitlines()))
    disabled = " disabled" if program.not_live else ""
    practice = " checked" if page.predict else ""
    rd = html_text(naming.of(r))
    return f"""<aside id="live" aria-label="live lesson">
<div role="tablist" aria-label="panels">
<button type="button" role="tab" id="tab-nudge" aria-controls="panel-nudge"
aria-selected="true">Nudge</button><button type="button" role="tab" id="tab-practice"
aria-controls="panel-practice" aria-selected="false" tabindex="-1">Practice</button><button
type="button" role="tab" id="tab-code" aria-controls="panel-code" aria-selected="false"
tabindex="-1">Code</button></div>
<section role="tabpanel" id="panel-nudge" aria-labelledby="tab-nudge">
<p class="out"><span>{html_text(r)} = <output id="live-output"></output></span>
<button type="button" id="reset">Reset</button></p>
<p id="live-status" role="status"></p>
<fieldset id="leaves"{disabled}><legend>Drag a slider or type a number</legend>
{''.join(rows)}</fieldset>
<div id="nudge" role="status" aria-label="nudge" hidden>
<p><span id="nudge-leaf"></span>: <output id="nudge-from"></output> →
<output id="nudge-to"></output>, Δ = <output id="nudge-delta"></output></p>
<p>{html_text(r)}: <output id="nudge-before"></output> → <output id="nudge-after"></output>,
actual Δ{html_text(r)} = <output id="nudge-actual" class="actual"></output></p>
<p>predicted {rd}/∂<span class="sens-name"></span> · Δ = <output id="nudge-slope"></output>
× <output id="nudge-by"></output> = <output id="nudge-predicted" class="predicted"></output>
</p>
<p>actual − predicted = <output id="nudge-gap" class="gap"></output></p>
</div>
<figure id="sens"><svg id="sens-plot" viewBox="0 0 380 165" role="img"
aria-label="sensitivity plot"></svg><figcaption id="sens-caption"></figcaption></figure>
</section>
<section role="tabpanel" id="panel-practice" aria-labelledby="tab-practice" hidden>
<p><label><input type="checkbox" id="predict"{practice}> Practice: at each step, type the
local derivative, then the product, before the page shows them</label></p>
<p id="score" aria-label="score" aria-live="polite"></p>
<div id="quiz"><p id="quiz-question"></p>
<form id="guess"><label for="guess-value" id="guess-label"></label>
<input type="number" id="guess-value" step="any" aria-label="your answer">
<button type="submit">Check</button>
<button type="button" id="reveal">Show me</button></form>
<p id="guess-result" role="status"></p></div>
</section>
<section role="tabpanel" id="panel-code" aria-labelledby="tab-code" hidden>
<p class="key">autograd.compile's tape for this graph, a line per edge:
<span class="swatch now"></span>this step <span class="swatch fwd"></span>where its node was
computed</p>
<pre id="code">{code}</pre>
<p id="code-numbers"></p>
</section>
</aside>"""


def data(page: Live) -> dict[str, Any]:
    """What ``viz/static/live.js`` reads (the ``page-extra`` element)."""
    program, lesson = page.program, page.lesson
    names, picture = lesson.names, lesson.picture
    where = {node: i for i, node in enumerate(program.order)}
    at = {(s.node, s.index): k for k, s in enumerate(program.steps)}
    keys = check_keys(program) if program.javascript else []
    check = {key: j for j, key in enumerate(keys)}

    def slots(parts: list[template.Part]) -> list[Any]:
        return template.indexed(parts, where, at)

    cells = {c.id: slots(c.parts) for c in picture.cells() if c.parts is not None}
    frames = []
    for frame in lesson.frames[1:]:
        s = frame.step
        assert s is not None
        edge = (s.node, s.index)
        local_cell = picture.edge_of.get(edge, "")
        frames.append({
            "k": at[edge],
            "sentence": slots(frame.parts["sentence"]),
            "detail": slots(frame.parts["detail"]),
            "texts": {cid: slots(p) for cid, p in frame.parts.items()
                      if cid not in ("sentence", "detail")},
            "term": frame.term,
            "local": frame.local,
            "formula": frame.formula,
            "localCell": f"{local_cell}-local" if local_cell.startswith("e") else None,
            "flow": picture.flow_cell.get(edge),
            "grad": picture.grad_cell.get(s.input),
        })
    return {
        "live": bool(program.javascript),
        "seed": lesson.seed,
        "digits": lesson.digits,
        "leaves": [leaf.data for leaf in program.leaves],
        "leafNames": page.leaf_names,
        "shown": page.shown,
        "root": names[lesson.root],
        "nodes": [{"name": names[n], "el": picture.element.get(n),
                   "check": check.get(_key(n), -1) if n.op is not None else -1,
                   "parents": [where[p] for p in n.parents],
                   "need": [not p.is_constant for p in n.parents],
                   "op": n.op.name if n.op else None,
                   "domain": n.op.domain_text if n.op else "",
                   "formulas": naming.formulas(n, picture.short) if n.op else []}
                  for n in program.order],
        "cells": cells,
        "frames": frames,
        "pathSteps": [at[(s.node, s.index)] for s in lesson.steps],
        "seedLine": program.seed_line,
        "stepLine": program.step_line,
        "forwardLine": [program.node_line.get(n) for n in program.order],
        "stepNode": [where[s.node] for s in program.steps],
        "predict": page.predict,
        "boxDigits": BOX_DIGITS,
    }
