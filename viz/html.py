"""The step-through page: one self-contained HTML file (inline SVG, CSS and JS).

Nothing is fetched when the page is viewed. Text enters the page three ways, each
made safe: HTML-escaped into markup, as SVG that ``dot`` already XML-escaped, and as
JSON inside ``<script type="application/json">`` with ``<``, ``>``, ``&`` written as
``\\u003c``-style escapes, so no label can close the script element.
"""

from __future__ import annotations

import html as _html
import json
import re
from typing import Any

from ._text import escape

_ID = re.compile(r'\bid="')

CSS = """
body { font-family: system-ui, sans-serif; margin: 1.5rem; color: #222; }
h1 { font-size: 1.3rem; margin: 0 0 .8rem; }
.controls { display: flex; gap: .6rem; align-items: center; flex-wrap: wrap; }
button { font-size: 1rem; padding: .3rem .9rem; }
button[aria-pressed="true"] { background: #1f4e9c; color: white; }
#slider { width: 18rem; }
#narration { font-size: 1.15rem; font-family: ui-monospace, monospace; margin: .8rem 0 .2rem; }
#detail { color: #555; margin: 0 0 .8rem; }
figure { margin: 0; overflow: auto; border: 1px solid #ddd; }
figure svg { display: block; }  /* natural size: wide graphs scroll, text stays legible */
"""

JS = """
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("lesson-data").textContent);
  const frames = Array.from(document.querySelectorAll("figure.frame"));
  const slider = document.getElementById("slider");
  const counter = document.getElementById("counter");
  const narration = document.getElementById("narration");
  const detail = document.getElementById("detail");
  const play = document.getElementById("play");
  let current = 0;
  let timer = null;
  function show(k) {
    current = Math.max(0, Math.min(frames.length - 1, k));
    frames.forEach(function (f, i) { f.hidden = i !== current; });
    slider.value = String(current + 1);
    counter.textContent = "Step " + (current + 1) + " / " + frames.length;
    narration.textContent = data.sentences[current];
    detail.textContent = data.details[current];
  }
  function stop() {
    if (timer !== null) { clearInterval(timer); timer = null; }
    play.setAttribute("aria-pressed", "false");
  }
  function toggle() {
    if (timer !== null) { stop(); return; }
    if (current === frames.length - 1) { show(0); }
    play.setAttribute("aria-pressed", "true");
    timer = setInterval(function () {
      if (current >= frames.length - 1) { stop(); } else { show(current + 1); }
    }, data.interval);
  }
  function step(by) { stop(); show(current + by); }
  document.getElementById("prev").addEventListener("click", function () { step(-1); });
  document.getElementById("next").addEventListener("click", function () { step(1); });
  play.addEventListener("click", toggle);
  slider.addEventListener("input", function () { stop(); show(Number(slider.value) - 1); });
  document.addEventListener("keydown", function (e) {
    if (e.target === slider) { return; }
    if (e.key === "ArrowLeft") { step(-1); e.preventDefault(); }
    if (e.key === "ArrowRight") { step(1); e.preventDefault(); }
  });
  show(0);
})();
"""


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


def page(lesson: Any, svgs: list[str], title: str, interval_ms: int = 900) -> str:
    """The HTML page of a lesson whose frames ``dot`` rendered as ``svgs``."""
    n = len(svgs)
    data = {
        "sentences": [f.sentence for f in lesson.frames],
        "details": [f.detail for f in lesson.frames],
        "interval": interval_ms,
    }
    figures = "\n".join(_figure(k, svg) for k, svg in enumerate(svgs))
    first = escape(lesson.frames[0].sentence) if n else ""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<style>{CSS}</style>
</head>
<body>
<h1>{escape(title)}</h1>
<div class="controls">
<button type="button" id="prev">Prev</button>
<button type="button" id="play" aria-pressed="false">Play</button>
<button type="button" id="next">Next</button>
<input type="range" id="slider" min="1" max="{max(n, 1)}" value="1" aria-label="Step">
<span id="counter" aria-live="polite">Step {min(n, 1)} / {n}</span>
</div>
<p id="narration">{first}</p>
<p id="detail"></p>
<div id="frames">
{figures}
</div>
<script type="application/json" id="lesson-data">{script_json(data)}</script>
<script>{JS}</script>
</body>
</html>
"""


def _figure(k: int, svg: str) -> str:
    # Every frame is its own <svg>: prefix dot's element ids so they stay unique.
    svg = _ID.sub(f'id="f{k + 1}-', svg)
    hidden = " hidden" if k else ""
    return f'<figure class="frame" data-step="{k + 1}"{hidden}>{svg}</figure>'


def iframe(html: str) -> str:
    """A page inside an ``<iframe srcdoc>``, for Jupyter: its script and ids stay its own."""
    return (
        f'<iframe srcdoc="{_html.escape(html, quote=True)}" '
        'style="width:100%;height:640px;border:0" title="Backpropagation, step by step"></iframe>'
    )
