"""The markup of a :func:`viz.train_live` page: controls, readouts, figures, the chain panel.

Every control and readout carries an ``aria-label`` (what a person hears and what the
tests find); the script (``viz/static/train_*.js``) fills the figures and keeps the
readouts. Text enters escaped (:func:`viz._text.html_text`); the page's data goes in as
JSON (:func:`viz.html.script_json`); nothing is fetched.
"""

from __future__ import annotations

import html as _html
from typing import Any

from . import assets
from ._text import html_text
from .html import script_json
from .live import Live
from .render import GraphvizNotFound

HEIGHT = 640
"""Height in pixels of a training page embedded in a lesson or a notebook."""

SCRIPTS = ("pyrandom.js", "train_core.js", "train_plot.js", "train_figures.js",
           "train_weights.js", "train_chain.js", "train_live.js")
STEP_TITLE = "the chain rule for one sample"


def _speed(spec: dict[str, Any]) -> str:
    from .train_live import SPEEDS

    chosen = spec["speed"]
    options = [("max", "as fast as it can")] + [
        (str(s), f"{s} epoch{'s' if s != 1 else ''} / s") for s in SPEEDS]
    if chosen is not None and all(float(v) != chosen for v, _ in options[1:]):
        options.append((repr(chosen), f"{chosen:g} epochs / s"))
    want = "max" if chosen is None else next(v for v, _ in options[1:] if float(v) == chosen)
    return "".join(
        f'<option value="{v}"{" selected" if v == want else ""}>{html_text(t)}</option>'
        for v, t in options)


def _controls(spec: dict[str, Any]) -> str:
    n = len(spec["rows"])
    marks = "".join(
        f'<button type="button" class="mark" data-lr="{m["value"]!r}" '
        f'aria-label="set the learning rate to {html_text(m["label"])}">'
        f'{html_text(m["label"])} = {m["value"]:.4g}</button>' for m in spec["marks"])
    batch = ""
    if spec["batchSize"] is not None:
        batch = (
            f'<label>batch size <input id="batch" type="number" min="1" max="{n}" step="1" '
            f'value="{spec["batchSize"]}" aria-label="batch size"></label>'
            f'<label>shuffle seed <input id="seed" type="text" inputmode="numeric" size="6" '
            f'value="{html_text(spec["seed"])}" aria-label="seed"></label>')
    return (
        '<div class="controls" role="group" aria-label="training">'
        '<button type="button" id="step">Step</button>'
        '<button type="button" id="play">Play</button>'
        '<button type="button" id="reset">Reset</button>'
        f'<label>learning rate <input id="lr" type="number" min="0" step="any" '
        f'value="{spec["lr"]!r}" aria-label="learning rate"></label>'
        '<input id="lr-slider" type="range" min="0" max="1000" step="1" '
        'aria-label="learning rate slider">'
        f'{marks}{batch}'
        f'<label>speed <select id="speed" aria-label="speed">{_speed(spec)}</select></label>'
        "</div>"
    )


def _readouts(spec: dict[str, Any]) -> str:
    accuracy = ('<span>accuracy <output id="accuracy" aria-label="accuracy">—</output></span>'
                if spec["classify"] else "")
    return (
        '<div class="readouts">'
        '<span>epoch <output id="epoch" aria-label="epoch">0</output></span>'
        f'<span>loss <output id="loss" aria-label="loss">—</output></span>{accuracy}'
        '<span class="what">(the mean over the epoch of each batch\'s loss before its '
        'update, as nn.fit reports it)</span></div>'
        '<p id="status" role="status" aria-label="status"></p>'
    )


def _stepthrough(stepthrough: Live | None) -> str:
    if stepthrough is None:
        return ""
    try:
        inner = stepthrough.to_page(STEP_TITLE)
    except GraphvizNotFound as err:
        return f'<p class="why">{html_text(str(err))}</p>'
    return (f'<iframe id="stepthrough" title="{STEP_TITLE}" '
            f'srcdoc="{_html.escape(inner, quote=True)}"></iframe>')


def _chain(spec: dict[str, Any], stepthrough: Live | None) -> str:
    why = spec["chain"].get("why", "")
    return (
        '<section id="chain" aria-label="chain rule" hidden>'
        '<div class="chain-head"><h2 id="chain-title">The chain rule for one sample</h2>'
        '<button type="button" id="chain-close">Close</button></div>'
        '<p id="chain-sample" aria-live="polite"></p>'
        + (f'<p class="why">{html_text(why)}</p>' if why else "")
        + '<div class="chain-body">'
        '<table id="chain-grads" aria-label="gradients of this sample\'s loss"><thead><tr>'
        "<th>parameter</th><th>value</th><th>∂loss/∂parameter</th></tr></thead>"
        "<tbody></tbody></table>"
        + _stepthrough(stepthrough)
        + "</div></section>"
    )


def page(spec: dict[str, Any], stepthrough: Live | None, title: str) -> str:
    """The whole page (HTML text)."""
    n = len(spec["rows"])
    opener = (
        '<div class="open" role="group" aria-label="open the chain rule">'
        f'<label>sample <input id="sample" type="number" min="0" max="{n - 1}" step="1" '
        'value="0" aria-label="sample"></label>'
        '<button type="button" id="open">Chain rule</button>'
        '<span class="hint">(or pause and click a point)</span></div>'
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html_text(title)}</title>
<style>{assets.text("train_live.css")}</style>
</head>
<body>
<header>
<h1>{html_text(title)}</h1>
{_controls(spec)}
{_readouts(spec)}
</header>
<main>
<figure id="picture" aria-label="the model and the data"></figure>
<div class="side">
<figure id="curve" aria-label="loss curve"></figure>
<figure id="weights" aria-label="the weights"></figure>
{opener}
</div>
</main>
{_chain(spec, stepthrough)}
<script type="application/json" id="train-data">{script_json(spec)}</script>
{assets.script(*SCRIPTS)}
</body>
</html>
"""

