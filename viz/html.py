"""The HTML renderer: one self-contained page that shows a picture, or steps through one.

The only place page markup is written. The graph is drawn once (the SVG of
:mod:`viz.layout`); frames are JSON data: per frame a sentence, the ids of the current
elements, and the cell texts that change. One JavaScript function, ``setText(id, text)``,
writes every text, so a page that recomputes numbers live only has to supply new texts.
Nothing is fetched: CSS and JS are inline. Text enters the page escaped by
:func:`viz._text.html_text`, inside the SVG as ``dot`` escaped it, or as JSON in a
``<script type="application/json">`` with ``<``, ``>``, ``&`` written as ``\\u003c``.
"""

from __future__ import annotations

import html as _html
import json
from collections.abc import Sequence
from typing import Any

from ._text import html_text
from .layout import Drawing
from .narrate import Frame

HEIGHT = 560
"""Height in pixels of a picture embedded in a page or a notebook (an iframe)."""

CSS = """
html, body { height: 100%; margin: 0; }
body { font-family: system-ui, sans-serif; color: #222; display: flex;
       flex-direction: column; }
header { padding: .6rem 1rem .3rem; }
h1 { font-size: 1.15rem; margin: 0 0 .4rem; }
.controls { display: flex; gap: .5rem; align-items: center; flex-wrap: wrap; }
.controls .zoom { margin-left: auto; display: flex; gap: .3rem; }
button { font-size: .95rem; padding: .25rem .8rem; }
button[aria-pressed="true"] { background: #1f4e9c; color: white; }
#slider { width: 16rem; }
#narration { font-size: 1.1rem; font-family: ui-monospace, monospace; margin: .5rem 0 .1rem;
             min-height: 1.4em; }
#detail { color: #444; margin: 0 0 .3rem; min-height: 1.2em; }
.note { color: #8a4b00; margin: .2rem 0; }
.legend { font-size: .85rem; color: #333; margin: .2rem 0 .2rem; display: flex;
          flex-wrap: wrap; gap: .2rem 1.1rem; }
.legend span::before { content: ""; display: inline-block; width: 1.6em; height: .7em;
                       margin-right: .35em; vertical-align: middle; }
.legend .k-current::before { border-top: 3px solid #d62728; height: 0; }
.legend .k-done::before { border-top: 2px solid #1f4e9c; height: 0; }
.legend .k-pending::before { border-top: 2px solid #b0b0b0; height: 0; }
.legend .k-target::before { background: #ffd966; border: 1px solid #555; }
.legend .k-constant::before { background: #eeeeee; border: 1px solid #555; }
.legend .k-box::before { background: #e8f0fe; border: 1px solid #555; }
.legend .k-plain::before { display: none; }
#view { flex: 1; min-height: 240px; position: relative; overflow: hidden;
        border-top: 1px solid #ccc; background: white; touch-action: none; cursor: grab; }
#view.dragging { cursor: grabbing; }
#graph { width: 100%; height: 100%; display: block; user-select: none; }
.lesson .edge.pending path, .lesson .edge.pending polygon { stroke: #b0b0b0; }
.lesson .edge.pending polygon { fill: #b0b0b0; }
.lesson .edge.done path, .lesson .edge.done polygon { stroke: #1f4e9c; }
.lesson .edge.done polygon { fill: #1f4e9c; }
.lesson .edge.current path { stroke: #d62728; stroke-width: 3; }
.lesson .edge.current polygon { stroke: #d62728; fill: #d62728; }
.lesson .edge.current text { fill: #d62728; }
.lesson .node.current > polygon:first-of-type, .lesson .node.current > path:first-of-type
  { fill: #ffd966; }
"""

JS = """
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("viz-data").textContent);
  const view = document.getElementById("view");
  const camera = document.getElementById("camera");
  const byId = function (id) { return document.getElementById(id); };
  const frames = data.frames;
  const reduced = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  const cam = { s: 1, x: 0, y: 0 };
  let anim = null;
  function place() {
    camera.setAttribute("transform",
      "translate(" + cam.x + " " + cam.y + ") scale(" + cam.s + ")");
  }
  function stopMoving() {
    if (anim !== null) { cancelAnimationFrame(anim); anim = null; }
    delete view.dataset.moving;
  }
  function moveTo(x, y, smooth) {
    stopMoving();
    if (!smooth || reduced) { cam.x = x; cam.y = y; place(); return; }
    const x0 = cam.x, y0 = cam.y, t0 = performance.now(), ms = 350;
    view.dataset.moving = "1";
    function tick(t) {
      const u = Math.min(1, (t - t0) / ms);
      const e = u < 0.5 ? 2 * u * u : 1 - Math.pow(-2 * u + 2, 2) / 2;
      cam.x = x0 + (x - x0) * e; cam.y = y0 + (y - y0) * e; place();
      if (u < 1) { anim = requestAnimationFrame(tick); return; }
      anim = null;
      delete view.dataset.moving;
    }
    anim = requestAnimationFrame(tick);
  }
  function zoomAt(px, py, factor) {
    stopMoving();
    const s = Math.max(0.05, Math.min(4, cam.s * factor));
    const f = s / cam.s;
    cam.x = px - (px - cam.x) * f; cam.y = py - (py - cam.y) * f; cam.s = s; place();
  }
  function fit() {
    const w = view.clientWidth, h = view.clientHeight;
    stopMoving();
    cam.s = Math.min(w / data.width, h / data.height);
    cam.x = (w - data.width * cam.s) / 2; cam.y = (h - data.height * cam.s) / 2; place();
  }
  function actual() {
    const w = view.clientWidth / 2, h = view.clientHeight / 2;
    zoomAt(w, h, 1 / cam.s);
    reveal(true, false);
  }
  // Bring the current elements into view (centred) unless they are already well inside.
  function reveal(force, smooth) {
    const els = current.map(byId).filter(Boolean);
    if (!els.length) { return; }
    const v = view.getBoundingClientRect();
    const margin = 24;
    function box(list) {
      const rs = list.map(function (e) { return e.getBoundingClientRect(); });
      return { l: Math.min.apply(null, rs.map(function (r) { return r.left; })),
               t: Math.min.apply(null, rs.map(function (r) { return r.top; })),
               r: Math.max.apply(null, rs.map(function (r) { return r.right; })),
               b: Math.max.apply(null, rs.map(function (r) { return r.bottom; })) };
    }
    let r = box(els);
    if (r.r - r.l > v.width - 2 * margin || r.b - r.t > v.height - 2 * margin) {
      r = box([els[0]]);
      const label = els[0].querySelector("text");
      if ((r.r - r.l > v.width - 2 * margin || r.b - r.t > v.height - 2 * margin) && label) {
        r = box([label]);
      }
    }
    const inside = r.l >= v.left + margin && r.r <= v.right - margin &&
                   r.t >= v.top + margin && r.b <= v.bottom - margin;
    if (inside && !force) { return; }
    const at = index === 0 ? data.anchor : [0.5, 0.5];
    const dx = (v.left + v.width * at[0]) - (r.l + r.r) / 2;
    const dy = (v.top + v.height * at[1]) - (r.t + r.b) / 2;
    moveTo(cam.x + dx, cam.y + dy, smooth);
  }
  // The one function that writes a text of the picture.
  const room = {};
  function setText(id, text) {
    const el = byId(id);
    if (!el) { return; }
    el.textContent = text;
    el.removeAttribute("textLength");
    if (room[id] && text && el.getComputedTextLength() > room[id]) {
      el.setAttribute("textLength", room[id]);
      el.setAttribute("lengthAdjust", "spacingAndGlyphs");
    }
  }
  Object.keys(data.initial).forEach(function (id) {
    const el = byId(id);
    if (el) { room[id] = el.getComputedTextLength(); }
  });
  const reached = {};
  frames.forEach(function (f, k) {
    f.current.forEach(function (id) { if (!(id in reached)) { reached[id] = k; } });
  });
  let current = [];
  let index = 0;
  let shown = {};
  const hooks = [];
  function show(k, smooth) {
    index = Math.max(0, Math.min(frames.length - 1, k));
    const texts = Object.assign({}, data.initial);
    for (let i = 0; i <= index; i++) { Object.assign(texts, frames[i].texts); }
    Object.keys(texts).forEach(function (id) {
      if (shown[id] !== texts[id]) { setText(id, texts[id]); }
    });
    shown = texts;
    const f = frames[index];
    current.forEach(function (id) {
      const el = byId(id);
      if (el) { el.removeAttribute("aria-current"); el.classList.remove("current"); }
    });
    current = f.current.slice();
    Object.keys(reached).forEach(function (id) {
      const el = byId(id);
      if (!el) { return; }
      el.classList.toggle("done", reached[id] < index);
      el.classList.toggle("pending", reached[id] > index);
    });
    current.forEach(function (id) {
      const el = byId(id);
      if (el) { el.setAttribute("aria-current", "step"); el.classList.add("current"); }
    });
    if (data.lesson) {
      byId("slider").value = String(index);
      byId("counter").textContent = "Step " + index + " / " + (frames.length - 1);
      byId("narration").textContent = f.sentence;
      byId("detail").textContent = f.detail;
    }
    hooks.forEach(function (hook) { hook(index); });
    reveal(false, smooth);
  }
  // For scripts that extend a page (live lessons): rewrite data, then show(k) again.
  window.chainrulePage = { data: data, setText: setText, hooks: hooks,
                           index: function () { return index; },
                           show: function (k) { show(k, false); } };
  // Pan (drag), zoom (wheel, pinch), fit.
  const pointers = new Map();
  let pinch = null;
  view.addEventListener("pointerdown", function (e) {
    stopMoving();
    try { view.setPointerCapture(e.pointerId); } catch (err) { /* a pointer already gone */ }
    pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
    view.classList.add("dragging");
  });
  view.addEventListener("pointermove", function (e) {
    const p = pointers.get(e.pointerId);
    if (!p) { return; }
    if (pointers.size === 1) {
      cam.x += e.clientX - p.x; cam.y += e.clientY - p.y; place();
    }
    p.x = e.clientX; p.y = e.clientY;
    if (pointers.size === 2) {
      const [a, b] = Array.from(pointers.values());
      const d = Math.hypot(a.x - b.x, a.y - b.y);
      const v = view.getBoundingClientRect();
      const mx = (a.x + b.x) / 2 - v.left, my = (a.y + b.y) / 2 - v.top;
      if (pinch !== null && pinch > 0) { zoomAt(mx, my, d / pinch); }
      pinch = d;
    }
  });
  function release(e) {
    pointers.delete(e.pointerId);
    pinch = null;
    if (!pointers.size) { view.classList.remove("dragging"); }
  }
  view.addEventListener("pointerup", release);
  view.addEventListener("pointercancel", release);
  view.addEventListener("wheel", function (e) {
    e.preventDefault();
    const v = view.getBoundingClientRect();
    zoomAt(e.clientX - v.left, e.clientY - v.top, Math.exp(-e.deltaY * 0.0015));
  }, { passive: false });
  byId("fit").addEventListener("click", fit);
  byId("actual").addEventListener("click", actual);
  byId("zoom-in").addEventListener("click", function () {
    zoomAt(view.clientWidth / 2, view.clientHeight / 2, 1.25);
  });
  byId("zoom-out").addEventListener("click", function () {
    zoomAt(view.clientWidth / 2, view.clientHeight / 2, 0.8);
  });
  if (data.lesson) {
    const play = byId("play");
    const slider = byId("slider");
    let timer = null;
    const stop = function () {
      if (timer !== null) { clearInterval(timer); timer = null; }
      play.setAttribute("aria-pressed", "false");
    };
    const step = function (by) { stop(); show(index + by, true); };
    byId("prev").addEventListener("click", function () { step(-1); });
    byId("next").addEventListener("click", function () { step(1); });
    play.addEventListener("click", function () {
      if (timer !== null) { stop(); return; }
      if (index === frames.length - 1) { show(0, true); }
      play.setAttribute("aria-pressed", "true");
      timer = setInterval(function () {
        if (index >= frames.length - 1) { stop(); } else { show(index + 1, true); }
      }, data.interval);
    });
    slider.addEventListener("input", function () { stop(); show(Number(slider.value), true); });
    document.addEventListener("keydown", function (e) {
      if (e.target === slider) { return; }
      if (e.key === "ArrowLeft") { step(-1); e.preventDefault(); }
      if (e.key === "ArrowRight") { step(1); e.preventDefault(); }
    });
  }
  place();
  show(0, false);
  reveal(true, false);
})();
"""

ANCHOR = {"LR": [0.72, 0.5], "RL": [0.28, 0.5], "TB": [0.5, 0.72], "BT": [0.5, 0.28]}
"""Where the first frame puts the output: towards the end of the graph, so the steps to
come (towards the inputs) fill the rest of the view."""

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
    css: str = "",
    script: str = "",
) -> str:
    """The page: controls, narration, legend, and the graph in a pan-and-zoom viewer.

    ``panel`` (HTML under the narration), ``aside`` (HTML beside the graph), ``css`` and
    ``script`` (run after the viewer, through ``window.chainrulePage``) extend it."""
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
    note_html = f'<p class="note">{html_text(note)}</p>' if note else ""
    heading = f"<h1>{html_text(title)}</h1>" if title else ""
    graph = f"""<div id="view" aria-label="graph: drag to pan, wheel or pinch to zoom">
{drawing.svg}
</div>"""
    if aside:
        graph = f'<div class="row">{graph}{aside}</div>'
    extra = f"<script>{script}</script>" if script else ""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html_text(title or "chainrule graph")}</title>
<style>{CSS}{css}</style>
</head>
<body class="{"lesson" if lesson else "picture"}">
<header>
{heading}
<div class="controls">{steps}{zoom}</div>
{narration}
{panel}
{note_html}
<p class="legend" aria-label="legend">{legend}</p>
</header>
{graph}
<script type="application/json" id="viz-data">{script_json(data)}</script>
<script>{JS}</script>{extra}
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
