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
from .html import Link, script_json
from .live import Live
from .render import GraphvizNotFound
from .train_settings import SPEEDS

HEIGHT = 640
"""Height in pixels of a training page embedded in a lesson or a notebook."""

SCRIPTS = ("numbers.js", "pyrandom.js", "train_core.js", "train_plot.js", "train_figures.js",
           "train_weights.js", "train_panel.js", "train_chain.js", "train_shell.js",
           "train_live.js")
STEP_TITLE = "the chain rule for one sample"


def _speed(spec: dict[str, Any], unit: str) -> str:
    chosen = spec["speed"]
    options = [("max", "as fast as it can")] + [
        (str(s), f"{s} {unit}{'s' if s != 1 else ''} / s") for s in SPEEDS]
    if chosen is not None and all(float(v) != chosen for v, _ in options[1:]):
        options.append((repr(chosen), f"{chosen:g} {unit}s / s"))
    want = "max" if chosen is None else next(v for v, _ in options[1:] if float(v) == chosen)
    return "".join(
        f'<option value="{v}"{" selected" if v == want else ""}>{html_text(t)}</option>'
        for v, t in options)


def _controls(spec: dict[str, Any], extra: str, unit: str) -> str:
    """Step, Play, Reset, the learning rate (box, slider, marked rates), ``extra``, speed."""
    marks = "".join(
        f'<button type="button" class="mark" data-lr="{m["value"]!r}" '
        f'aria-label="set the learning rate to {html_text(m["label"])}">'
        f'{html_text(m["label"])} = {m["value"]:.4g}</button>' for m in spec["marks"])
    return (
        '<div class="controls" role="group" aria-label="training">'
        '<button type="button" id="step">Step</button>'
        '<button type="button" id="play">Play</button>'
        '<button type="button" id="reset">Reset</button>'
        f'<label>learning rate <input id="lr" type="number" min="0" step="any" '
        f'value="{spec["lr"]!r}" aria-label="learning rate"></label>'
        '<input id="lr-slider" type="range" min="0" max="1000" step="1" '
        'aria-label="learning rate slider">'
        f'{marks}{extra}'
        f'<label>speed <select id="speed" aria-label="speed">{_speed(spec, unit)}</select></label>'
        "</div>"
    )


def _batch(spec: dict[str, Any]) -> str:
    if spec["batchSize"] is None or spec["rules"]:
        return ""
    return (
        f'<label>batch size <input id="batch" type="number" min="1" max="{len(spec["rows"])}" '
        f'step="1" value="{spec["batchSize"]}" aria-label="batch size"></label>'
        f'<label>shuffle seed <input id="seed" type="text" inputmode="numeric" size="6" '
        f'value="{html_text(spec["seed"])}" aria-label="seed"></label>')


def _checkbox(label: str, on: bool, data: str) -> str:
    text = html_text(label)
    return (f'<label class="switch"><input type="checkbox" {data}{" checked" if on else ""} '
            f'aria-label="{text}"> {text}</label>')


def _switches(spec: dict[str, Any]) -> str:
    return "".join(_checkbox(switch["label"], switch["on"], f'data-rule="{r}" data-switch="{k}"')
                   for r, rule in enumerate(spec["rules"])
                   for k, switch in enumerate(rule["switches"]))


def _readouts(spec: dict[str, Any]) -> str:
    accuracy = ('<span>accuracy <output id="accuracy" aria-label="accuracy">—</output></span>'
                if spec["classify"] else "")
    return (
        '<div class="readouts">'
        '<span>epoch <output id="epoch" aria-label="epoch">0</output></span>'
        f'<span>loss <output id="loss" aria-label="loss">—</output></span>{accuracy}'
        '<span class="what">(the mean over the epoch of each batch\'s loss before its '
        'update, as nn.fit reports it)</span></div>'
        + ('<table id="runs" aria-label="runs"></table>' if spec["rules"] else "")
        + '<p id="status" role="status" aria-label="status"></p>'
    )


def _stepthrough(stepthrough: Live | None) -> str:
    if stepthrough is None:
        return ""
    try:
        inner = stepthrough.to_page("")  # the panel has the heading
    except GraphvizNotFound as err:
        return f'<p class="why">{html_text(str(err))}</p>'
    # Loaded when the panel first opens (train_chain.js), so that the step-through frames
    # its first view at the size it is shown, beside the filled table.
    return (f'<iframe id="stepthrough" title="{STEP_TITLE}" '
            f'data-srcdoc="{_html.escape(inner, quote=True)}"></iframe>')


def _chain(why: str, stepthrough: Live | None, title: str) -> str:
    return (
        '<section id="chain" class="closed" aria-label="chain rule">'
        f'<div class="chain-head"><h2 id="chain-title">{html_text(title)}</h2>'
        '<button type="button" id="chain-close">Close</button></div>'
        '<p id="chain-sample" aria-live="polite"></p>'
        + (f'<p class="why">{html_text(why)}</p>' if why else "")
        + '<div class="chain-body">'
        '<table id="chain-grads" aria-label="gradients"><thead><tr></tr></thead>'
        "<tbody></tbody></table>"
        + _stepthrough(stepthrough)
        + "</div></section>"
    )


def _document(spec: dict[str, Any], title: str, header: str, main: str, panel: str,
              scripts: tuple[str, ...], back: Link | None) -> str:
    # On its own page, a link back to the lesson; framed in that lesson, the script hides it.
    link = "" if back is None else (
        f'<p class="back"><a href="{html_text(back[0])}" target="_top">'
        f"← {html_text(back[1])}</a></p>")
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
{link}<h1>{html_text(title)}</h1>
{header}
</header>
<main>
{main}
</main>
{panel}
<script type="application/json" id="train-data">{script_json(spec)}</script>
{assets.script(*scripts)}
</body>
</html>
"""


def page(spec: dict[str, Any], stepthrough: Live | None, title: str,
         back: Link | None = None) -> str:
    """The whole page (HTML text): a :func:`viz.train_live` page, or a GAN's; ``back``:
    (href, text) of the page it belongs to (its lesson)."""
    if spec.get("gan"):
        return gan_page(spec, title, back)
    n = len(spec["rows"])
    opener = (
        '<div class="open" role="group" aria-label="open the chain rule">'
        f'<label>sample <input id="sample" type="number" min="0" max="{n - 1}" step="1" '
        'value="0" aria-label="sample"></label>'
        '<button type="button" id="open">Chain rule</button>'
        '<span class="hint">(or pause and click a point)</span></div>'
    )
    main = ('<figure id="picture" aria-label="the model and the data"></figure>'
            '<div class="side"><figure id="curve" aria-label="loss curve"></figure>'
            f'<figure id="weights" aria-label="the weights"></figure>{opener}</div>')
    header = _controls(spec, _batch(spec) + _switches(spec), "epoch") + _readouts(spec)
    panel = _chain(spec["chain"].get("why", ""), stepthrough, "The chain rule for one sample")
    return _document(spec, title, header, main, panel, SCRIPTS, back)


GAN_SCRIPTS = ("numbers.js", "pyrandom.js", "train_core.js", "train_plot.js", "train_panel.js",
               "train_gan_figures.js", "train_shell.js", "train_gan.js")


def gan_page(spec: dict[str, Any], title: str, back: Link | None = None) -> str:
    """A :func:`viz.train_gan_live` page."""
    real = "".join(f'<option value="{k}">{html_text(r["name"])}</option>'
                   for k, r in enumerate(spec["real"]))
    tricks = "".join(_checkbox(t["label"], t["on"], f'data-trick="{t["key"]}"')
                     for t in spec["tricks"])
    extra = (f'<label>real data <select id="real" aria-label="real data">{real}</select></label>'
             f'<span class="tricks" role="group" aria-label="tricks">{tricks}</span>')
    readouts = (
        '<div class="readouts">'
        '<span>round <output id="epoch" aria-label="round">0</output></span>'
        '<span>D\'s loss <output id="d-loss" aria-label="discriminator loss">—</output></span>'
        '<span>G\'s loss <output id="g-loss" aria-label="generator loss">—</output></span>'
        '<span>G\'s samples <output id="moments" aria-label="generated mean and std">—</output>'
        '</span></div><p id="status" role="status" aria-label="status"></p>')
    main = ('<figure id="picture" aria-label="real and generated distributions"></figure>'
            '<div class="side"><figure id="curve" aria-label="losses"></figure>'
            '<p class="hint">Pause and click one of G\'s samples (an arrow): the chain rule '
            "that moves it.</p></div>")
    panel = _chain("", None, "What G is told")
    return _document(spec, title, _controls(spec, extra, "round") + readouts, main, panel,
                     GAN_SCRIPTS, back)
