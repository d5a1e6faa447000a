"""Live lessons: nudge any input of a step-through and watch every number recompute.

:func:`live` is a :func:`viz.step_through` lesson whose page also carries the graph
lowered to JavaScript (:func:`autograd.javascript.lower`, from the op table). Each
non-constant leaf gets a control (a number box and a slider, one value); a change reruns
the forward pass, every local derivative, every chain-rule product and every gradient in
the browser, with the engine's own float operations, and rewrites every text of the
picture and the narration from the same parts Python rendered them from
(:mod:`viz.template`). Beside the control, the nudge explains itself: the output before →
after, the actual change, the gradient's prediction ∂out/∂leaf·Δ taken before the nudge,
and how they part, with a plot of both against Δ. Practice mode asks for each step's
local derivative, then its product. The tape panel shows the line of
``autograd.compile``'s tape that computes each step; where the engine would refuse the
inputs (:mod:`autograd.jschecked`), the page names the node and why.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path

from autograd import Value
from autograd.javascript import Program, lower
from autograd.jschecked import checks

from . import html, live_page
from ._text import DIGITS
from .groups import Scope
from .model import MAX_NODES
from .narrate import Frame
from .stepthrough import MAX_STEPS, TITLE, Lesson, step_through


class Live:
    """A live lesson: a :class:`viz.Lesson` whose page recomputes when an input changes.

    Show it with ``to_html(path)`` / ``save(path)`` (one self-contained page, nothing
    fetched), ``to_page()`` (the HTML text), or let Jupyter call ``_repr_html_()``.

    Attributes:
        lesson: the step-through at the traced values.
        program: the graph lowered to JavaScript (and the tape it mirrors).
        predict: whether the page opens in practice mode (predict, then reveal).
    """

    def __init__(self, lesson: Lesson, program: Program, predict: bool = False,
                 first: Sequence[Value] = ()) -> None:
        self.lesson, self.program, self.predict = lesson, program, predict
        self.leaf_names = _unique([lesson.names[leaf] for leaf in program.leaves])
        at = {leaf: i for i, leaf in enumerate(program.leaves)}
        for leaf in first:
            if leaf not in at:
                raise ValueError(f"live: first= names {leaf!r}, which is not an input of the "
                                 "graph that a learner can change (a leaf that is not a "
                                 "constant)")
        top = list(dict.fromkeys(at[leaf] for leaf in first))
        self.shown = top + [i for i in reading_order(program.leaves, program.order)
                            if i not in top]
        """The leaves' controls from top to bottom, as indices into ``program.leaves``."""

    def __len__(self) -> int:
        return len(self.lesson)

    def to_page(self, title: str = TITLE, back: html.Link | None = None) -> str:
        """The live lesson as one self-contained HTML page (text); ``dot`` runs once."""
        lesson, program = self.lesson, self.program
        drawing, initial = lesson.drawing(wide=True)
        note = lesson.picture.note
        if program.not_live:
            note = (f"{note} Live recomputation is off: JavaScript cannot compute op(s) "
                    f"{', '.join(program.not_live)} (declare each with a via, written with "
                    "other ops).").strip()
        code, frames = "", lesson.frames
        if program.javascript:
            code = program.javascript + checks(live_page.check_keys(program))
            # live.js renders every step's texts from their parts: only frame 0 is written
            frames = [frames[0], *(Frame(f.number, f.step, "", "", f.current) for f in frames[1:])]
        scripts = ("domains.js", "sensitivity.js", "practice.js", "live.js") if code else ()
        return html.page(drawing, frames, initial, title, True, note,
                         aside=live_page.aside(self), styles=("live.css",), scripts=scripts,
                         code=code, extra=live_page.data(self), graph=lesson.graph_data(),
                         back=back)

    def to_html(self, path: str | os.PathLike[str], title: str = "",
                back: html.Link | None = None) -> Path:
        """Write the live lesson as ONE self-contained HTML file; returns its path.
        ``back``: (href, text) of the page this one belongs to (its lesson)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.to_page(title or TITLE, back), encoding="utf-8")
        return path

    save = to_html

    def iframe(self, title: str = TITLE) -> str:
        """The page inside an ``<iframe srcdoc>``, to embed in another page or a notebook.

        Its script is reachable from the embedding page as
        ``iframe.contentWindow.chainruleLive``: ``setLeaves(values)`` (in the order of
        ``program.leaves``) recomputes every number, ``leaves()`` reads them back."""
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
    first: Sequence[Value] = (),
) -> Live:
    """A step-through of the backward pass from ``root`` whose inputs a learner can nudge.

    Args:
        root: the output to differentiate.
        gradient: the seed ∂root/∂root.
        rankdir, digits, max_nodes, max_steps, scopes: as in :func:`viz.step_through` (a
            live page draws every node: a graph that would be collapsed is refused; scopes
            only name the nodes, ``layers.0.neurons.1.w₁``).
        predict: open in practice mode (the learner types each local derivative, then
            each product, before it is shown).
        first: inputs whose controls head the list (the ones a lesson asks the learner to
            drag); the others follow in the order the forward pass reads them, the
            farthest from the output first. The plot shown before a nudge is of the first.

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
    return Live(lesson, lower(root, float(gradient), names=tape_names(lesson)), predict, first)


_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9₀-₉⁰-⁹.]*")
_MARKS = {"\u0302": "hat", "\u0303": "tilde", "\u0304": "bar", "\u0305": "bar", "\u0307": "dot"}
# An expression's words: its operators, a power of a bracket, a function's bracket.
_WORDS = [(re.compile(r"\)²"), "_sq"), (re.compile(r"\)³"), "_cube"),
          (re.compile(r"\s*[−-]\s*"), "_minus_"), (re.compile(r"\s*\+\s*"), "_plus_"),
          (re.compile(r"\s*[·×*]\s*"), "_times_"), (re.compile(r"\s*/\s*"), "_over_"),
          (re.compile(r"(?<=[A-Za-z])\("), "_"), (re.compile(r"[()]"), "")]
_IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


def _spelled(name: str) -> str:
    """``name`` in ASCII: marks spelled (``ê`` → ``e_hat``), sub- and superscripts as
    digits (``w²₁`` → ``w21``)."""
    return "".join("_" + _MARKS[c] if c in _MARKS else c
                   for c in unicodedata.normalize("NFKD", name)
                   if c in _MARKS or not unicodedata.combining(c))


def tape_names(lesson: Lesson) -> dict[Value, str]:
    """The names the tape panel's variables take from the picture: a plain name as it is
    (``w₁`` → ``w1``, ``layers.0.neurons.1.b``), a letter with a mark spelled out (``ê`` →
    ``e_hat``), an expression in words (``(e − ê)²`` → ``e_minus_e_hat_sq``, ``w³·a²`` →
    ``w3_times_a2``), and one that has no words here (``Σₖ w¹₁ₖxₖ``) by its op (``dot``):
    the lowering makes them identifiers and unique."""
    names = {}
    for node, name in lesson.picture.names.items():
        if node.is_constant:
            continue
        spelled = _spelled(name)
        if _PLAIN.fullmatch(spelled.replace("_", "")):
            names[node] = spelled
            continue
        words = name
        for pattern, word in _WORDS:
            words = pattern.sub(word, words)
        words = re.sub("_+", "_", _spelled(words)).strip("_")
        if _IDENTIFIER.fullmatch(words):
            names[node] = words
        elif node.op is not None:
            names[node] = node.op.name
    return names


def reading_order(leaves: list[Value], order: list[Value]) -> list[int]:
    """The leaves in the order the forward pass consumes them: the farthest from the output
    first (the longest path down from it), ties in the order of ``leaves``, so a chain lists
    w₁, x, w₂, w₃, ê and a network its first layer's weights before the second's."""
    depth = {node: 0 for node in order}
    for node in reversed(order):
        for parent in node.parents:
            depth[parent] = max(depth[parent], depth[node] + 1)
    return sorted(range(len(leaves)), key=lambda i: -depth[leaves[i]])


def _unique(names: list[str]) -> list[str]:
    """Names for the input controls, told apart when leaves share one (``w₁ (2)``)."""
    seen: dict[str, int] = {}
    counts = {n: names.count(n) for n in names}
    out = []
    for n in names:
        seen[n] = seen.get(n, 0) + 1
        out.append(f"{n} ({seen[n]})" if counts[n] > 1 else n)
    return out
