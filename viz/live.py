"""Live lessons: nudge any input of a step-through and watch every number recompute.

:func:`live` is a :func:`viz.step_through` lesson whose page also carries the graph
lowered to JavaScript (:func:`autograd.javascript.lower`, from the op table). Each
non-constant leaf gets a number box and a slider; a change reruns the forward pass, every
local derivative, every chain-rule product and every gradient in the browser, with the
engine's own float operations, and rewrites the picture's texts and the narration from
templates (the narration's wording, with its numbers as slots). Beside the graph, each
frame shows the formula term it computes and the line of ``autograd.compile``'s tape that
computes it, highlighted. A nudge panel shows, for a change Δ of one leaf, the predicted
change of the output ``grad · Δ`` beside the actual one, and plots how they part as Δ
grows. "Predict, then reveal" hides each product until the learner has typed it.

The templates are checked when a page is made: rendered in Python at the traced values
they must give the lesson's own texts, word for word (so they cannot drift from
:mod:`viz.narrate`); the tests check the browser's rendering at nudged values against a
lesson rebuilt in Python.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from autograd import Value
from autograd.javascript import Program, lower

from . import html, layout
from . import names as naming
from ._text import DIGITS, fmt, html_text
from .groups import Scope
from .model import MAX_NODES, MAX_TERMS, NOT_COMPUTED, grad_text
from .narrate import MAX_SUM_TERMS, sum_text
from .stepthrough import MAX_STEPS, TITLE, Lesson, step_through

Part = str | dict[str, Any]
WIDE = -1.234e-05
"""A number as wide as :func:`viz._text.fmt` writes one: cells are sized to hold it."""


class Live:
    """A live lesson: a :class:`viz.Lesson` whose page recomputes when an input changes.

    Show it with ``to_html(path)`` / ``save(path)`` (one self-contained page, nothing
    fetched), ``to_page()`` (the HTML text), or let Jupyter call ``_repr_html_()``.

    Attributes:
        lesson: the step-through at the traced values.
        program: the graph lowered to JavaScript (and the tape it mirrors).
        predict: whether the page opens in "predict, then reveal" mode.
    """

    def __init__(self, lesson: Lesson, program: Program, predict: bool = False) -> None:
        self.lesson, self.program, self.predict = lesson, program, predict
        self.templates = _templates(lesson, program)
        self.leaf_names = _unique([lesson.names[leaf] for leaf in program.leaves])
        _check(self.templates, lesson, program)

    def __len__(self) -> int:
        return len(self.lesson)

    def to_page(self, title: str = TITLE) -> str:
        """The live lesson as one self-contained HTML page (text); ``dot`` runs once."""
        lesson, picture = self.lesson, self.lesson.picture
        variants = lesson.texts()
        sizing = {cid: _render(parts, _wide) for cid, parts in self.templates["cells"].items()}
        for frame in self.templates["frames"]:  # gradients and products: the widest numbers
            for cid, parts in frame["texts"].items():
                sizing[cid] = max(sizing.get(cid, ""), _render(parts, _wide), key=len)
        for cell in picture.cells():
            if cell.id in self.templates["cells"]:
                variants.setdefault(cell.id, [cell.text])
        for cid, text in sizing.items():
            variants[cid] = [*variants.get(cid, []), text]
        drawing = layout.draw(picture, layout.widest(picture, variants))
        initial = {cid: texts[0] for cid, texts in variants.items()}
        note = picture.note
        if self.program.not_live:
            ops = ", ".join(self.program.not_live)
            note = (f"{note} Live recomputation is off: JavaScript cannot compute op(s) {ops} "
                    "(declare each with a via, written with other ops).").strip()
        return html.page(drawing, lesson.frames, initial, title, True, note,
                         aside=_aside(self), styles=("live.css",),
                         scripts=("numbers.js", "live.js") if self.program.javascript else (),
                         code=self.program.javascript, extra=_data(self))

    def to_html(self, path: str | os.PathLike[str], title: str = "") -> Path:
        """Write the live lesson as ONE self-contained HTML file; returns its path."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.to_page(title or TITLE), encoding="utf-8")
        return path

    save = to_html

    def iframe(self, title: str = TITLE) -> str:
        """The page inside an ``<iframe srcdoc>``, to embed in another page or a notebook."""
        return html.iframe(self.to_page(title), title, height=html.HEIGHT + 240)

    def _repr_html_(self) -> str:
        return self.iframe()


def live(
    root: Value,
    gradient: float = 1.0,
    rankdir: str = "LR",
    digits: int = DIGITS,
    predict: bool = False,
    max_nodes: int | None = MAX_NODES,
    max_steps: int | None = MAX_STEPS,
    scopes: Mapping[Value, Scope] | None = None,
) -> Live:
    """A step-through of the backward pass from ``root`` whose inputs a learner can nudge.

    Args:
        root: the output to differentiate.
        gradient: the seed ∂root/∂root.
        rankdir, digits, max_nodes, max_steps, scopes: as in :func:`viz.step_through` (a
            live page draws every node: a graph that would be collapsed is refused; scopes
            only name the nodes, ``layers.0.neurons.1.w₁``).
        predict: open in "predict, then reveal" mode (the learner types each product).

    Returns:
        A :class:`Live`: ``save(path)`` writes the page, Jupyter shows it inline.

    Example:
        >>> from autograd import Value
        >>> w, x = Value(2.0, label="w"), Value(-0.5, label="x")
        >>> y = (w * x).tanh()
        >>> y.label = "y"
        >>> page = live(y)
        >>> [leaf.label for leaf in page.program.leaves], len(page)
        (['w', 'x'], 4)
    """
    lesson = step_through(root, gradient, scopes=scopes, rankdir=rankdir, digits=digits,
                          max_nodes=max_nodes, max_steps=max_steps)
    if lesson.picture.note:
        raise ValueError(
            f"live: the graph of {root.label or 'L'!r} has more than {max_nodes} nodes; a live "
            "page draws every node. Make a page of a sub-graph (one neuron's output, one "
            "sample's loss), or pass max_nodes=None."
        )
    return Live(lesson, lower(root, float(gradient)), predict)


# ---- templates: the lesson's texts with their numbers as slots --------------------------


def _templates(lesson: Lesson, program: Program) -> dict[str, Any]:
    """Every text that depends on a number, as parts (strings and number slots)."""
    picture, steps = lesson.picture, program.steps
    names, root, short = picture.names, picture.root, picture.short
    index = {node: i for i, node in enumerate(program.order)}
    ids = {c.id for c in picture.cells()}
    cells: dict[str, list[Part]] = {}
    for node in program.order:
        element = picture.element.get(node, "")
        if f"{element}-data" in ids:
            cells[f"{element}-data"] = ["data ", {"v": index[node]}]
    at = {(s.node, s.index): k for k, s in enumerate(steps)}
    for node in program.order:
        if node.op is None:
            continue
        formulas = naming.formulas(node, short)
        for i in range(len(node.parents)):
            edge = picture.edge_of.get((node, i), "")
            if (node, i) in at and f"{edge}-local" in ids:
                cells[f"{edge}-local"] = [f"{formulas[i]} = ", {"l": at[(node, i)]}]
    d, r = naming.of, names[root]
    total: dict[Value, int] = {}
    for s in steps:
        total[s.input] = total.get(s.input, 0) + 1
    frames: list[dict[str, Any]] = []
    mine: dict[Value, list[int]] = {}
    for k, s in enumerate(steps):
        node, inp = s.node, s.input
        nm, im = names[node], names[inp]
        local = (f"∂({naming.expression(node, short)})/{d(im)}" if node is root
                 else f"{d(nm)}/{d(im)}")
        term_text = f"{d(r)}/{d(im)} += {d(r)}/{d(nm)} · {local}"
        ks = mine.setdefault(inp, [])
        ks.append(k)
        m, paths = len(ks), total[inp]
        formula = naming.formulas(node, short)[s.index]
        grad = f"{d(r)}/{d(im)}"
        fan: list[Part]
        if paths == 1:
            fan = [f"{grad} = ", {"c": k}, f": complete (one path from {r} to {im})."]
        elif m < paths:
            fan = [f"Path {m} of {paths} to {im}, via {nm}: {grad} so far = ", {"sum": list(ks)},
                   "."]
        else:
            fan = [f"Path {m} of {paths} to {im}, via {nm}: complete. {grad} is the sum over "
                   f"its {paths} paths = ", {"sum": list(ks)}, "."]
        texts: dict[str, list[Part]] = {}
        if inp in picture.grad_cell:
            texts[picture.grad_cell[inp]] = [{"grad": list(ks), "done": m == paths}]
        if (node, s.index) in picture.flow_cell:
            texts[picture.flow_cell[(node, s.index)]] = [
                {"u": k}, " × ", {"l": k}, " = ", {"c": k}]
        frames.append({
            "term": term_text,
            "sentence": [f"{term_text} = ", {"u": k}, " · ", {"l": k}, " = ", {"c": k}],
            "detail": [f"Local derivative {formula} = ", {"l": k}, ". ", *fan],
            "local": [f"{formula} = ", {"l": k}],
            "texts": texts,
            "grad": picture.grad_cell.get(inp),
            "flow": picture.flow_cell.get((node, s.index)),
        })
    return {"cells": cells, "frames": frames}


def _unique(names: list[str]) -> list[str]:
    """Names for the input controls, told apart when leaves share one (``w₁ (2)``)."""
    seen: dict[str, int] = {}
    counts = {n: names.count(n) for n in names}
    out = []
    for n in names:
        seen[n] = seen.get(n, 0) + 1
        out.append(f"{n} ({seen[n]})" if counts[n] > 1 else n)
    return out


class _Numbers:
    """The numbers a template's slots read: a run of the program (values, steps)."""

    def __init__(self, values: Sequence[float], locals_: Sequence[float],
                 upstreams: Sequence[float], contributions: Sequence[float]) -> None:
        self.v, self.l, self.u, self.c = values, locals_, upstreams, contributions


def _render(parts: Sequence[Part], numbers: Any) -> str:
    """A template's text for ``numbers`` (a :class:`_Numbers`, or ``_wide`` for sizing)."""
    out = []
    for part in parts:
        if isinstance(part, str):
            out.append(part)
        elif numbers is _wide:
            out.append(_wide(part))
        elif "sum" in part:
            out.append(sum_text([numbers.c[k] for k in part["sum"]]))
        elif "grad" in part:
            out.append(grad_text([numbers.c[k] for k in part["grad"]], part["done"]))
        else:
            (slot, k), = part.items()
            out.append(fmt(getattr(numbers, slot)[k]))
    return "".join(out)


def _wide(part: Part) -> str:
    if isinstance(part, dict) and "sum" in part:
        return sum_text([WIDE] * len(part["sum"]))
    if isinstance(part, dict) and "grad" in part:
        return grad_text([WIDE] * len(part["grad"]), False)
    return fmt(WIDE)


def _check(templates: dict[str, Any], lesson: Lesson, program: Program) -> None:
    """The templates at the traced values must give the lesson's texts exactly."""
    steps = program.steps
    numbers = _Numbers([n.data for n in program.order], [s.local for s in steps],
                       [s.upstream for s in steps], [s.contribution for s in steps])
    cells = {c.id: c.text for c in lesson.picture.cells()}
    wrong = [(cid, _render(parts, numbers), cells[cid])
             for cid, parts in templates["cells"].items()
             if _render(parts, numbers) != cells[cid]]
    for frame, t in zip(lesson.frames[1:], templates["frames"]):
        pairs = [(frame.sentence, t["sentence"]), (frame.detail, t["detail"])]
        pairs += [(frame.texts[cid], parts) for cid, parts in t["texts"].items()]
        wrong += [(f"frame {frame.number}", _render(parts, numbers), text)
                  for text, parts in pairs if _render(parts, numbers) != text]
    if wrong:
        raise RuntimeError(f"viz.live: the live templates disagree with the lesson "
                           f"(where, template, lesson): {wrong[:3]}; update viz/live.py")


# ---- the page -------------------------------------------------------------------------------


def _aside(page: Live) -> str:
    program, names = page.program, page.lesson.names
    r = names[page.lesson.root]
    rows = []
    for i, leaf in enumerate(program.leaves):
        name = html_text(page.leaf_names[i])
        value = repr(leaf.data)
        span = max(1.0, 2.0 * abs(leaf.data))
        rows.append(
            f'<div class="leaf"><label class="name" for="leaf-{i}">{name}</label>'
            f'<input type="number" id="leaf-{i}" step="any" value="{value}" aria-label="{name}">'
            f'<input type="range" id="leaf-{i}-range" min="{leaf.data - span!r}" '
            f'max="{leaf.data + span!r}" step="any" value="{value}" '
            f'aria-label="{name} (slider)">'
            f'<output id="leaf-{i}-grad" data-value="{leaf.grad!r}"></output></div>'
        )
    options = "".join(f'<option value="{i}">{html_text(page.leaf_names[i])}</option>'
                      for i, leaf in enumerate(program.leaves))
    code = "".join(f'<span class="line" id="code-{k}">{html_text(line) or " "}</span>'
                   for k, line in enumerate(program.python.splitlines()))
    disabled = " disabled" if program.not_live else ""
    predict = " checked" if page.predict else ""
    rd = html_text(naming.of(r))
    return f"""<aside id="live" aria-label="live lesson">
<section aria-label="inputs"><h2>Nudge the inputs</h2>
<fieldset id="leaves"{disabled}>{''.join(rows)}</fieldset>
<p class="out">{html_text(r)} = <output id="live-output"></output>
<button type="button" id="reset">Reset</button></p>
<p><label class="predict"><input type="checkbox" id="predict"{predict}>
Predict, then reveal: type each product before it is shown</label></p>
<p id="live-status" role="status"></p>
</section>
<section aria-label="maths"><h2>Maths</h2>
<p id="maths-term"></p><p id="maths-numbers"></p><p id="maths-local"></p>
<form id="guess" hidden><label>upstream × local = <input type="number" id="guess-value"
step="any" aria-label="your product"></label> <button type="submit">Check</button>
<button type="button" id="reveal">Reveal</button>
</form><p id="guess-result" role="status"></p>
</section>
<section aria-label="code"><h2>Code <small>(autograd.compile's tape, a line per edge)</small>
</h2>
<pre id="code">{code}</pre><p id="code-numbers"></p>
<p class="key"><span class="swatch now"></span>this step&#8195;<span class="swatch fwd"></span>where
its node was computed</p>
</section>
<section aria-label="sensitivity"><h2>Sensitivity: nudge one input by Δ</h2>
<p><label>input <select id="sens-leaf" aria-label="input to nudge">{options}</select></label>
<label>Δ <input type="number" id="sens-delta" step="any" aria-label="Δ"></label>
<input type="range" id="sens-range" step="any" aria-label="Δ (slider)"></p>
<p>predicted {rd}/∂<span class="sens-name"></span> · Δ = <output id="sens-predicted"></output></p>
<p>actual change of {html_text(r)} = <output id="sens-actual"></output></p>
<p class="gap">they part by <output id="sens-gap"></output></p>
<svg id="sens-plot" viewBox="0 0 360 150" role="img" aria-label="actual change (blue)
against the prediction grad·Δ (dashed) as Δ grows"></svg>
</section>
</aside>"""


def _data(page: Live) -> dict[str, Any]:
    """What ``viz/static/live.js`` reads (the ``live-data`` element)."""
    program, lesson = page.program, page.lesson
    names = lesson.names
    where = {node: i for i, node in enumerate(program.order)}
    return {
        "live": not program.not_live,
        "seed": lesson.seed,
        "digits": lesson.digits,
        "maxTerms": MAX_TERMS,
        "maxSumTerms": MAX_SUM_TERMS,
        "notComputed": NOT_COMPUTED,
        "leaves": [leaf.data for leaf in program.leaves],
        "leafNames": page.leaf_names,
        "leafIndex": [where[leaf] for leaf in program.leaves],
        "root": names[lesson.root],
        "nodes": [{"name": names[n], "op": n.op.name if n.op else None,
                   "domain": n.op.domain_text if n.op else "",
                   "parents": [where[p] for p in n.parents]}
                  for n in program.order],
        "cells": page.templates["cells"],
        "frames": page.templates["frames"],
        "seedLine": program.seed_line,
        "stepLine": program.step_line,
        "forwardLine": [program.node_line.get(s.node) for s in program.steps],
        "code": program.python.splitlines(),
        "seedTerm": f"{naming.of(names[lesson.root])}/{naming.of(names[lesson.root])}",
        "predict": page.predict,
    }

