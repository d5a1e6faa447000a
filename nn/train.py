"""``fit``: the training loop (forward, loss, backward, step) with a history and a progress bar.

Classification is recognised from the loss function itself: ``hinge_loss``,
``binary_cross_entropy``, ``binary_cross_entropy_with_logits`` and ``cross_entropy``
(also wrapped in ``functools.partial``) each come with the rule that turns a model
output into a predicted label, and ``fit`` then reports accuracy. Any other loss is
treated as regression: loss only.
"""

from __future__ import annotations

import functools
import math
import random
import sys
from collections.abc import Callable, Sequence
from typing import Any

from autograd import Value, dot, no_grad

from .checks import (
    ON_NONFINITE,
    NonFiniteError,
    check_data,
    check_targets,
    first_nonfinite,
    first_nonfinite_parameter,
)
from .compiled import loss_parts, make_compiled_training
from .data import batches
from .losses import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    hinge_loss,
)
from .module import Module
from .optim import Optimizer


def _argmax(row: Sequence[float]) -> int:
    return max(range(len(row)), key=row.__getitem__)


class _Threshold:
    """The label ``above`` for an output over ``at``, else ``below`` (nan: ``below``)."""

    def __init__(self, at: float, above: int, below: int) -> None:
        self.at, self.above, self.below = at, above, below

    def __call__(self, output: float) -> int:
        return self.above if output > self.at else self.below

    def accuracy(self, outputs: Any, targets: Sequence[Any]) -> float:
        """The fraction right, for a 1-D numpy array of outputs (a compiled fit's), at once."""
        import numpy

        predicted = numpy.where(outputs > self.at, self.above, self.below)
        return int(numpy.count_nonzero(predicted == numpy.asarray(targets))) / len(targets)


# How each classification loss reads an output (its data) as a label. Labels are
# ±1 for hinge, 0/1 for the binary cross-entropies, class indices for cross_entropy.
PREDICTED_LABEL: dict[Callable[..., Any], Callable[[Any], Any]] = {
    hinge_loss: _Threshold(0.0, 1, -1),
    binary_cross_entropy_with_logits: _Threshold(0.0, 1, 0),
    binary_cross_entropy: _Threshold(0.5, 1, 0),
    cross_entropy: _argmax,
}


def label_rule(loss_fn: Callable[..., Any]) -> Callable[[Any], Any] | None:
    """The output → label rule of a classification loss, or None for any other loss."""
    while isinstance(loss_fn, functools.partial):
        loss_fn = loss_fn.func
    return PREDICTED_LABEL.get(loss_fn)


def _data(out: Any) -> Any:
    return out.data if type(out) is Value else [v.data for v in out]


def accuracy(outputs: Sequence[Any], targets: Sequence[Any], loss_fn: Callable[..., Any]) -> float:
    """The fraction of outputs (floats, lists of floats, or a numpy array of either) whose
    predicted label is the target (for class probabilities, the most likely class).

    Example:
        >>> from nn import hinge_loss
        >>> from nn.train import accuracy
        >>> accuracy([0.3, -2.0, 0.1], [1, -1, -1], hinge_loss)
        0.6666666666666666
    """
    rule = label_rule(loss_fn)
    if rule is None:
        raise ValueError(f"accuracy: {loss_fn!r} is not a classification loss")
    if rule is _argmax:  # a target given as class probabilities: its most likely class
        targets = [_argmax(t) if isinstance(t, (list, tuple)) else t for t in targets]
    if getattr(outputs, "ndim", None) == 1 and isinstance(rule, _Threshold):
        return rule.accuracy(outputs, targets)
    if hasattr(outputs, "tolist"):
        outputs = outputs.tolist()
    return sum(rule(o) == t for o, t in zip(outputs, targets)) / len(targets)


def make_step(
    model: Module, loss_fn: Callable[..., Any], params: list[Value], l2: float
) -> Callable[[Sequence[Any], Sequence[Any]], tuple[float, list[Any]]]:
    """The per-batch computation: forward, loss, backward. Gradients land in ``params``.

    Returns ``step(X_batch, y_batch) -> (loss, outputs)`` with the loss as a float and
    each output's data (a float, or a list for several outputs). This is the one piece a
    compiled replay of the graph can replace; the loop around it stays the same.
    """

    def step(xb: Sequence[Any], yb: Sequence[Any]) -> tuple[float, list[Any]]:
        outputs = [model(x) for x in xb]
        loss = loss_fn(outputs, yb)
        if l2:
            # Σ p² as one dot node of the parameters with themselves: ∂/∂p = 2p.
            loss = loss + l2 * dot(params, params)
        loss.backward()
        return loss.data, [_data(o) for o in outputs]

    return step


def evaluate(
    model: Module, X: Sequence[Any], y: Sequence[Any], loss_fn: Callable[..., Any], l2: float = 0.0
) -> dict[str, float]:
    """The loss (plus ``l2``·Σp²) and, for classification, the accuracy of ``model`` on (X, y).

    Runs under ``no_grad``: no graph is kept.
    """
    with no_grad():
        outputs = [model(x) for x in X]
        loss = loss_fn(outputs, y).data
        if l2:
            params = model.parameters()
            loss += l2 * dot(params, params).data
    result = {"loss": loss}
    if label_rule(loss_fn) is not None:
        result["accuracy"] = accuracy([_data(o) for o in outputs], y, loss_fn)
    return result


def _bar(progress: bool, epochs: int) -> Any:
    # A bar only for a person watching a terminal; tqdm is optional (extra "progress").
    if not progress or not sys.stderr.isatty():
        return None
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    return tqdm(total=epochs, unit="epoch", file=sys.stderr, leave=True)


def fit(
    model: Module,
    X: Sequence[Any],
    y: Sequence[Any],
    loss_fn: Callable[..., Any],
    optimizer: Optimizer,
    epochs: int,
    batch_size: int | None = None,
    validation: tuple[Sequence[Any], Sequence[Any]] | None = None,
    progress: bool = True,
    *,
    scheduler: Any = None,
    l2: float = 0.0,
    seed: int | random.Random | None = None,
    compile: bool = False,
    on_nonfinite: str = "raise",
) -> dict[str, list[float]]:
    """Train ``model`` on (X, y): per batch zero_grad, forward, loss, backward, optimizer step.

    Args:
        model: the module to train (its outputs go to ``loss_fn``).
        X, y: inputs (lists of numbers) and targets.
        loss_fn: ``loss(outputs, targets)``, e.g. ``nn.hinge_loss``; classification
            losses also give accuracy (see the module docstring).
        optimizer: built on ``model.parameters()``.
        epochs: passes over the data.
        batch_size: samples per step; None for the whole set in one step (full batch).
        validation: ``(X_val, y_val)`` evaluated after each epoch.
        progress: show a tqdm bar when stderr is a terminal (silent otherwise, or
            without tqdm installed).
        scheduler: an ``nn.schedulers`` scheduler, stepped once after each epoch.
        l2: adds l2·Σp² over the parameters to the loss (reported losses include it).
        seed: an int or ``random.Random`` for the mini-batch order (same seed, same run).
        compile: trace one sample's loss once with ``autograd.compile`` and replay it
            for each batch (see :mod:`nn.compiled`): the same weights as eager training
            to rounding (~1e-15 per step), many times faster. Uses numpy batches when
            numpy is installed, else a pure-Python loop over the rows (slower, still
            compiled). The traced structure is fixed, so the model's forward must make
            no Python choice on the data (MLP makes none). Losses: hinge, mse, l1,
            binary_cross_entropy_with_logits, cross_entropy (mean or sum); any other
            raises a ValueError that says so (train it with compile=False).
        on_nonfinite: ``"raise"`` (the default) refuses nan or ±inf in the data before
            training, and stops with :class:`nn.checks.NonFiniteError` (a
            ``FloatingPointError``) naming the epoch, the batch and the first loss,
            gradient or parameter that is nan or infinite, as soon as one is: before the
            optimizer step for a loss or gradient (so the parameters are those before that
            batch), after it for a parameter the step made infinite. ``"ignore"`` trains on
            whatever the numbers are.

    A Ctrl-C (or any exception) stops ``fit`` with the weights and the optimizer's state
    exactly as the last finished step left them, in both modes: a step changes them all
    or none (see :func:`nn.optim.finish`).

    Both modes check the same things before any weight moves (see :mod:`nn.checks`):
    samples are rows of real numbers (lists, tuples or numpy arrays) of the model's
    width, targets are what the loss accepts; validation data too.

    Returns:
        A history ``{"loss": [...], "accuracy": [...], "val_loss": [...],
        "val_accuracy": [...]}``, one number per epoch; accuracy keys only for
        classification, ``val_`` keys only with ``validation``. Training numbers are
        averaged over the epoch's batches, each measured before its update (as Keras does).

    Example:
        >>> from nn import MLP, SGD, fit, hinge_loss
        >>> model = MLP(1, [4, 1], seed=0)
        >>> X, y = [[-2.0], [-1.0], [1.0], [2.0]], [-1, -1, 1, 1]
        >>> history = fit(model, X, y, hinge_loss, SGD(model.parameters(), lr=0.1), epochs=20,
        ...               progress=False)
        >>> sorted(history), history["accuracy"][-1]
        (['accuracy', 'loss'], 1.0)
    """
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"fit: epochs must be a positive whole number, got {epochs!r}")
    if batch_size is not None and (
        isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1
    ):
        raise ValueError(
            f"fit: batch_size must be a positive whole number or None, got {batch_size!r}"
        )
    if scheduler is not None and not callable(getattr(scheduler, "step", None)):
        raise TypeError(
            f"fit: scheduler must have a step() method (nn.StepLR, …), got {scheduler!r}"
        )
    if on_nonfinite not in ON_NONFINITE:
        raise ValueError(f"fit: on_nonfinite must be one of {ON_NONFINITE}, got {on_nonfinite!r}")
    watch = on_nonfinite == "raise"
    if isinstance(l2, bool) or not isinstance(l2, (int, float)) or not (
        math.isfinite(l2) and l2 >= 0
    ):
        raise ValueError(f"fit: l2 must be a finite number ≥ 0, got {l2!r}")
    if validation is not None and (
        not isinstance(validation, (tuple, list)) or len(validation) != 2
    ):
        raise ValueError(f"fit: validation must be a pair (X_val, y_val), got {validation!r}")
    X, y = check_data(model, X, y, "the training set", watch)
    if validation is not None:
        validation = check_data(model, validation[0], validation[1], "the validation set", watch)
    named = list(model.named_parameters())
    params, names = [p for _, p in named], [name for name, _ in named]
    rule = label_rule(loss_fn)
    classify = rule is not None
    if compile:
        loss_parts(loss_fn)  # a loss no tape can trace: the compiler's advice, not the loss's
    # The loss judges every target in both modes, before anything else can fail on one.
    check_targets(model, loss_fn, X, y, "the training set")
    if validation is not None:
        check_targets(model, loss_fn, *validation, "the validation set")
    if compile:
        # zero_grad, replay and update in one: the weights stay in arrays until close()
        step: Any = make_compiled_training(model, loss_fn, params, l2, X, y, classify,
                                           optimizer)
    else:
        step = make_step(model, loss_fn, params, l2)
    rng = seed if isinstance(seed, random.Random) else random.Random(seed)
    history: dict[str, list[float]] = {"loss": []}
    if classify:
        history["accuracy"] = []
    if validation is not None:
        history["val_loss"] = []
        if classify:
            history["val_accuracy"] = []
    before_update = None
    if watch:

        def before_update(loss: float, grads: Sequence[float]) -> None:
            # Called between the backward pass and the optimizer step (epoch, batch: the loop's).
            _stop_if(first_nonfinite(loss, grads, names), epoch, batch, history, BEFORE)

    if compile:
        step.check = before_update
    # What accuracy compares the full batch's outputs with: made once, not every epoch.
    labels = step.as_array(y) if compile and isinstance(rule, _Threshold) else y
    epoch = batch = 0
    bar = _bar(progress, epochs)
    try:
        for epoch in range(1, epochs + 1):
            total, correct = 0.0, 0.0
            if batch_size is None:
                chunks: Any = [(X, y)]
            else:
                chunks = batches(X, y, batch_size, shuffle=True, seed=rng)
            for batch, (xb, yb) in enumerate(chunks, 1):
                try:
                    if compile:
                        loss, outputs = step.train(xb, yb)
                    else:
                        optimizer.zero_grad()
                        loss, outputs = step(xb, yb)
                        if before_update is not None:
                            before_update(loss, [p.grad for p in params])
                        optimizer.step()
                except NonFiniteError:
                    raise
                except ArithmeticError as err:  # the engine refuses to overflow (exp, pow)
                    if not watch:
                        raise
                    culprit = f"the forward or backward pass raised {type(err).__name__} ({err})"
                    _stop_if(culprit, epoch, batch, history, BEFORE, err)
                if watch:
                    weights = step.weights() if compile else [p.data for p in params]
                    _stop_if(first_nonfinite_parameter(weights, names), epoch, batch, history,
                             "the model holds the parameters of that step")
                total += loss * len(yb)
                if classify:
                    correct += accuracy(outputs, labels if yb is y else yb, loss_fn) * len(yb)
            history["loss"].append(total / len(y))
            if classify:
                history["accuracy"].append(correct / len(y))
            if validation is not None:
                if compile:
                    loss, outputs = step.evaluate(*validation)
                    scores = {"loss": loss}
                    if classify:
                        scores["accuracy"] = accuracy(outputs, validation[1], loss_fn)
                else:
                    scores = evaluate(model, validation[0], validation[1], loss_fn, l2)
                history["val_loss"].append(scores["loss"])
                if classify:
                    history["val_accuracy"].append(scores["accuracy"])
                if watch and not math.isfinite(scores["loss"]):
                    _stop_if(f"the validation loss is {scores['loss']!r}", epoch, 0, history,
                             "the model holds the parameters after this epoch")
            if scheduler is not None:
                scheduler.step()
            if bar is not None:
                bar.set_postfix({k: f"{v[-1]:.4g}" for k, v in history.items()}, refresh=False)
                bar.update(1)
        if compile:
            step.close()  # the weights back into the model
    except BaseException:
        # Also when interrupted. Not in a `finally`: a Ctrl-C at its first line on the way
        # out of a finished fit would skip it, here it lands in the `try` and comes here.
        if compile:
            step.close()
        raise
    finally:
        if bar is not None:
            bar.close()
    return history


BEFORE = "the parameters are as they were before this batch"


def _stop_if(culprit: str | None, epoch: int, batch: int, history: dict[str, list[float]],
             state: str, cause: BaseException | None = None) -> None:
    if culprit is None:
        return
    where = f"epoch {epoch}, batch {batch}" if batch else f"the end of epoch {epoch}"
    raise NonFiniteError(
        f"fit: {culprit} at {where}; {state}. Look for nan or huge values in the data, "
        "lower the learning rate, or pass on_nonfinite='ignore' to train on regardless",
        epoch, batch, culprit, history,
    ) from cause
