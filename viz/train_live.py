"""Training you can watch and steer: ``train_live`` trains a model in the browser.

The page trains with the engine's own numbers: one sample's loss is traced as
``nn.fit(compile=True)`` traces it (:class:`nn.compiled.CompiledStep`), the tape is
printed as JavaScript (:func:`autograd.javascript.tape_source`), and the page replays it
for every sample of every batch, in ``fit``'s order:

- the batches: the whole set in order (``batch_size=None``), or, every epoch,
  ``random.Random(seed).shuffle`` of the sample indices cut into batches (the page carries
  Python's Mersenne Twister, ``viz/static/pyrandom.js``);
- a batch's loss: the per-sample losses reduced as the loss reduces them, plus
  ``l2·Σp²``, measured before the batch's update; the epoch's loss is the mean of its
  batches' losses weighted by their sizes (``fit``'s ``history["loss"]``);
- the update: plain SGD, ``p ← p − lr·(∂loss/∂p + l2·p + l2·p)``;
- the checks: the first loss, gradient or parameter that is nan or infinite stops
  training with ``nn.checks.NonFiniteError``'s words (epoch, batch, which value).

So after Reset and k Steps at a learning rate η the page's loss is
``nn.fit(model, X, y, loss_fn, nn.SGD(params, lr=η), epochs=k, batch_size=…, l2=…,
seed=…)["loss"][-1]`` to rounding. Pausing and clicking a sample opens the chain rule
behind the step: that sample's gradients at the current weights from the same tape, and
the live step-through (:func:`viz.live`) of its loss when the graph is small enough to read.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import nn
from autograd.javascript import tape_source
from autograd.ops import subscript
from nn.checks import check_data, check_targets
from nn.compiled import CompiledStep, NotCompilable, make_compiled_step
from nn.train import label_rule

from . import html, train_page, train_rules
from .live import Live, live
from .model import MAX_NODES
from .train_rules import Rule
from .train_settings import settings as _settings
from .train_settings import whole


class TrainLive:
    """A page that trains in the browser; made by :func:`train_live` (one model, and any
    :class:`viz.Rule` beside it) or :func:`viz.train_gan_live` (a generator and a
    discriminator).

    Show it with ``to_html(path)`` (one self-contained page, nothing fetched),
    ``to_page()`` (the HTML text), or let Jupyter call ``_repr_html_()``.

    Attributes:
        spec: everything the page's script reads (data, tapes, settings), as JSON-ready data.
        stepthrough: the live step-through of one sample's loss, or None when the graph is
            too large to read (``spec["chain"]["why"]`` says so).
        title: the page's heading.
    """

    def __init__(self, spec: dict[str, Any], stepthrough: Live | None, title: str) -> None:
        self.spec, self.stepthrough, self.title = spec, stepthrough, title

    def to_page(self, back: html.Link | None = None) -> str:
        """The page as HTML text; ``back``: (href, text) of the page it belongs to."""
        return train_page.page(self.spec, self.stepthrough, self.title, back)

    def to_html(self, path: str | os.PathLike[str], back: html.Link | None = None) -> Path:
        """Write the page as ONE self-contained HTML file; returns its path. ``back``:
        (href, text) of the page it belongs to (its lesson), linked above the heading."""
        text = self.to_page(back)
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    save = to_html

    def iframe(self, height: int = train_page.HEIGHT) -> str:
        """The page inside an ``<iframe srcdoc>``, to embed in another page or a notebook."""
        return html.iframe(self.to_page(), self.title, height)

    def _repr_html_(self) -> str:
        return self.iframe()


def _trace(model: nn.Module, loss_fn: Callable[..., Any], l2: float,
           X: list[list[float]]) -> CompiledStep:
    """One sample's loss and the model's output, traced as ``fit(compile=True)`` traces them."""
    try:
        return make_compiled_step(model, loss_fn, model.parameters(), l2, X, outputs=True)
    except NotCompilable as err:
        raise ValueError(f"train_live: {err.reason}; a page trains what nn.fit(compile=True) "
                         "traces (train other losses in Python with nn.fit)") from None
    except ValueError as err:
        raise ValueError(f"train_live: {str(err).removeprefix('fit: ')}") from None


def _checked(model: Any, X: Any, y: Any) -> tuple[list[list[float]], list[Any]]:
    """The data as fit checks it: finite rows of the model's width; the targets are judged
    by the loss later (:func:`_check_targets`)."""
    if not isinstance(model, nn.Module):
        raise TypeError(f"train_live: model must be an nn.Module (nn.MLP, …), got "
                        f"{type(model).__name__}")
    if not model.parameters():
        raise ValueError("train_live: the model has no parameters to train")
    try:
        return check_data(model, X, y, "the training set", True)
    except (TypeError, ValueError) as err:
        raise type(err)(f"train_live: {str(err).removeprefix('fit: ')}") from None


def _check_targets(model: nn.Module, loss_fn: Callable[..., Any], X: list[list[float]],
                   y: list[Any]) -> None:
    """The targets as fit judges them for this loss (±1 for hinge, class indices or
    probabilities for cross_entropy, …), once the loss is known to be traceable."""
    try:
        check_targets(model, loss_fn, X, y, "the training set")
    except (TypeError, ValueError) as err:
        raise type(err)(f"train_live: {err}") from None


def _names(input_names: Sequence[str] | None, target_name: str, nin: int,
           step: CompiledStep) -> tuple[list[str], str]:
    """The names of the inputs and the target; the traced data leaves take them, so the
    step-through reads them too (x, or x₁, x₂ … as nn labels a sample's inputs, and y
    unless named)."""
    if input_names is None:
        names = ["x"] if nin == 1 else [f"x{subscript(j + 1)}" for j in range(nin)]
    elif isinstance(input_names, str) or len(input_names) != nin or not all(
            isinstance(n, str) and n for n in input_names):
        raise ValueError(f"train_live: input_names must be {nin} non-empty names, one per "
                         f"input, got {input_names!r}")
    else:
        names = list(input_names)
    if not isinstance(target_name, str) or not target_name:
        raise ValueError(f"train_live: target_name must be a non-empty name, got "
                         f"{target_name!r}")
    data = step.loss_tape.data
    for leaf, name in zip(data, names):
        leaf.label = name
    targets = data[nin:]
    for k, leaf in enumerate(targets):
        leaf.label = target_name if len(targets) == 1 else f"{target_name}{subscript(k)}"
    return names, target_name


def _chain(step: CompiledStep, row: list[float]) -> tuple[Live | None, dict[str, Any]]:
    """The live step-through of one sample's loss, and how the page sets its leaves."""
    tape = step.loss_tape
    nodes = len(tape.trace.order)
    if nodes > MAX_NODES:
        return None, {"why": (
            f"This sample's loss is a graph of {nodes} nodes: too many to step through "
            f"readably (a step-through draws up to {MAX_NODES}). Below are its gradients for "
            "every parameter, from the very tape the page trains with; the chain lesson "
            "steps through a small graph node by node.")}
    for leaf, value in zip(tape.data, row):
        leaf.data = value
    page = live(tape.root)
    where = {id(p): ["param", i] for i, p in enumerate(tape.params)}
    where.update({id(d): ["data", j] for j, d in enumerate(tape.data)})
    return page, {"leaves": [where[id(leaf)] for leaf in page.program.leaves], "nodes": nodes}


def _view(nin: int, params: int, step: CompiledStep) -> dict[str, Any]:
    """What the page draws besides the loss curve."""
    shown: dict[str, Any] = {"contours": params == 2}
    if step.picks:
        shown["picture"] = "classes" if nin == 2 and step.classes else "none"
    else:
        shown["picture"] = {1: "curve", 2: "field"}.get(nin, "none")
    return shown


def train_live(
    model: nn.Module,
    X: Sequence[Any],
    y: Sequence[Any],
    loss_fn: Callable[..., Any],
    *,
    lr: float = 0.1,
    batch_size: int | None = None,
    l2: float = 0.0,
    seed: int = 0,
    title: str = "Training, live",
    speed: float | None = None,
    lr_marks: Mapping[str, float] | None = None,
    input_names: Sequence[str] | None = None,
    target_name: str = "y",
    rules: Sequence[Rule] = (),
    pause_at: int | None = None,
) -> TrainLive:
    """A page that trains ``model`` on (X, y) in the browser, with the engine's numbers.

    Args:
        model: the module to train, from its current weights (an ``nn.Module``; its
            forward must make no Python choice on the data, as for ``fit(compile=True)``).
        X, y: the training set, as ``nn.fit`` takes it.
        loss_fn: a loss ``nn.fit(compile=True)`` traces: hinge, mse, l1,
            binary_cross_entropy_with_logits, cross_entropy (its targets class indices or
            class probabilities), with reduction mean or sum.
        lr: the learning rate the page starts with (the learner can type another).
        batch_size: samples per update (the page then offers a batch size control);
            None for the whole set in one update.
        l2: adds ``l2·Σp²`` to every batch's loss, as ``nn.fit`` does.
        seed: the mini-batch order's seed, as ``nn.fit``'s ``seed``.
        title: the page's heading.
        speed: epochs per second when playing; None for as fast as the browser can.
        lr_marks: named learning rates marked beside the rate control, e.g.
            ``{"2/λmax": 0.274}``.
        input_names, target_name: what the axes and the step-through call the inputs
            (default x, or x₁, x₂ … as nn labels a model's inputs, so the weights read
            w₁·x₁ + w₂·x₂ + b) and the target (default y).
        rules: hand-written updates (:class:`viz.Rule`) run beside gradient descent from
            the same weights on the same samples (needs ``batch_size=1``); the readouts
            stay gradient descent's, each rule gets its own row.
        pause_at: Play pauses when training reaches this epoch (a lesson's own number of
            epochs); Play again goes on.

    Returns:
        A :class:`TrainLive`: ``to_html(path)`` writes the page, Jupyter shows it inline.

    Raises:
        ValueError, TypeError: for anything the page could not train, before anything
            is written: a loss or model ``fit(compile=True)`` cannot trace, data ``fit``
            would refuse, a learning rate that is not a finite number ≥ 0, …

    Example:
        >>> import nn, viz
        >>> X, y = nn.make_moons(40, noise=0.1, seed=0)
        >>> model = nn.MLP(2, [8, 1], activation="relu", seed=0)
        >>> page = viz.train_live(model, X, y, nn.hinge_loss, lr=0.5)
        >>> page.spec["picture"], len(page.spec["initial"])
        ('field', 33)
    """
    rows, labels = _checked(model, X, y)
    settings = _settings(lr, batch_size, l2, seed, speed, lr_marks, len(rows))
    if pause_at is not None and whole("pause_at", pause_at, "a positive whole number") < 1:
        raise ValueError(f"train_live: pause_at must be a positive whole number, got "
                         f"{pause_at!r}")
    settings["pauseAt"] = pause_at
    step = _trace(model, loss_fn, settings["l2"], rows)
    _check_targets(model, loss_fn, rows, labels)
    inputs, target = _names(input_names, target_name, len(rows[0]), step)
    train_rules.check(rules, settings["batchSize"], settings["l2"], step.classes)
    data = step.rows(rows, labels)
    data = data.tolist() if hasattr(data, "tolist") else data
    named = list(model.named_parameters())
    rule = label_rule(loss_fn)
    stepthrough, chain = _chain(step, data[0])
    spec: dict[str, Any] = {
        **settings,
        "names": [name for name, _ in named],
        "quoted": [repr(name) for name, _ in named],
        "labels": [p.label or name for name, p in named],
        "initial": [p.data for _, p in named],
        "inputs": rows,
        "targets": labels,
        "inputNames": inputs,
        "targetName": target,
        "rows": data,
        "reduction": step.reduction,
        "classify": None if rule is None else (
            {"at": rule.at, "above": rule.above, "below": rule.below}  # type: ignore[attr-defined]
            if hasattr(rule, "at") else {"argmax": True}),
        "picks": step.picks,
        "tapes": {"loss": tape_source(step.loss_tape),
                  "output": tape_source(step.output_tape)},
        "chain": chain,
        "rules": [train_rules.lower(r, [p.label or n for n, p in named],
                                    [p.data for _, p in named], inputs, target) for r in rules],
        **_view(len(rows[0]), len(named), step),
    }
    return TrainLive(spec, stepthrough, title)

