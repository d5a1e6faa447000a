"""fit's checks: the data before any weight moves, and every step's numbers after it.

Eager and compiled training read the same data, so it is checked once, here, before
either starts: every sample a row of real numbers (lists, tuples or numpy rows) of one
width, the model's width; every target one the loss accepts (the loss itself is run on
the model's first output to say so); with ``on_nonfinite="raise"`` no nan or ±inf
anywhere. Samples come back as lists of floats and targets as plain Python numbers, so
both modes train on exactly the same values.

During training, :func:`first_nonfinite` names the first loss, gradient or parameter that
is nan or infinite, so that ``fit`` can stop at the step where it happened instead of
reporting a perfect loss over nan weights.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence
from typing import Any

from autograd import Value, no_grad

from .module import Module, brief

ON_NONFINITE = ("raise", "ignore")


class NonFiniteError(FloatingPointError):
    """``fit`` stopped: a loss, gradient or parameter became nan or infinite.

    Attributes say where: ``epoch`` and ``batch`` (counted from 1; batch 0 for the
    validation loss at the end of an epoch), ``culprit`` (e.g. ``"the gradient of parameter
    'layers.0.neurons.1.w.0' is nan"``) and ``history`` (the epochs finished before it).
    """

    def __init__(self, message: str, epoch: int, batch: int, culprit: str,
                 history: dict[str, list[float]]) -> None:
        super().__init__(message)
        self.epoch, self.batch, self.culprit, self.history = epoch, batch, culprit, history

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickles whole (a fit in a worker process reports back where it stopped).
        return type(self), (str(self), self.epoch, self.batch, self.culprit, self.history)


def _number(v: Any, what: str, at: str, finite: bool) -> float:
    if isinstance(v, bool) or not isinstance(v, numbers.Real):
        raise TypeError(
            f"fit: {what} must hold numbers, got {brief(v)} ({type(v).__name__}){at}"
        )
    try:
        x = float(v)
    except OverflowError:
        raise ValueError(f"fit: {what} holds {brief(v)}{at}, too large for a float") from None
    if finite and not math.isfinite(x):
        raise ValueError(
            f"fit: {what} holds {x!r}{at}; only finite numbers train (drop or fill in that "
            "value, or pass on_nonfinite='ignore')"
        )
    return x


def samples(X: Any, where: str, finite: bool) -> list[list[float]]:
    """``X`` as lists of floats, one per sample, all of one width (a number is one input)."""
    rows = []
    width = None
    prefix = "validation " if where == "the validation set" else ""
    for i, x in enumerate(X):
        what = f"{prefix}sample {i}"
        if isinstance(x, numbers.Real) and not isinstance(x, bool):
            row = [_number(x, what, "", finite)]
        elif isinstance(x, (str, bytes, Value)) or not hasattr(x, "__iter__"):
            raise TypeError(f"fit: {what} must be a list of numbers, got {brief(x)}")
        else:
            row = [_number(v, what, f" at input {j}", finite) for j, v in enumerate(x)]
        if width is None:
            width = len(row)
        elif len(row) != width:
            raise ValueError(f"fit: {what} has {len(row)} inputs, {prefix}sample 0 has {width}; "
                             "every sample needs the same number")
        rows.append(row)
    return rows


def _target(t: Any, i: int, prefix: str, finite: bool) -> Any:
    if isinstance(t, numbers.Integral) and not isinstance(t, bool):
        _number(t, f"{prefix}target {i}", "", finite)  # 10**400 is no label and no target
        return int(t)
    if isinstance(t, numbers.Real) and not isinstance(t, bool):
        return _number(t, f"{prefix}target {i}", "", finite)
    if isinstance(t, (str, bytes, Value)) or not hasattr(t, "__iter__"):
        return t  # not a number: the loss says what it takes
    return [_number(p, f"{prefix}target {i}", f" at class {k}", finite)  # probabilities
            for k, p in enumerate(t)]


def targets(y: Any, where: str, finite: bool) -> list[Any]:
    """``y`` as plain Python numbers (numpy scalars converted), or lists of them."""
    prefix = "validation " if where == "the validation set" else ""
    return [_target(t, i, prefix, finite) for i, t in enumerate(y)]


def _nin(model: Module) -> int | None:
    config = getattr(model, "config", None)
    if not callable(config):
        return None
    nin = config().get("nin")
    return nin if isinstance(nin, int) else None


def check_data(
    model: Module, X: Any, y: Any, where: str, finite: bool
) -> tuple[list[list[float]], list[Any]]:
    """Check one data set's shape and numbers for ``fit``; return it as plain lists.

    Raises ValueError or TypeError naming the set, the sample and the value.
    """
    for name, data in (("inputs", X), ("targets", y)):
        if isinstance(data, (str, bytes)) or not hasattr(data, "__len__"):
            raise TypeError(f"fit: the {name} of {where} must be a list (or a numpy array), "
                            f"got {brief(data)}")
    if len(X) != len(y):
        raise ValueError(f"fit: {where} has {len(X)} inputs but {len(y)} targets")
    if not len(X):
        raise ValueError(f"fit: {where} is empty")
    rows, labels = samples(X, where, finite), targets(y, where, finite)
    nin = _nin(model)
    if nin is not None and len(rows[0]) != nin:
        prefix = "validation " if where == "the validation set" else ""
        raise ValueError(f"fit: {prefix}sample 0 has {len(rows[0])} inputs, the model takes "
                         f"{nin}")
    return rows, labels


def check_targets(model: Module, loss_fn: Callable[..., Any], X: list[list[float]],
                  y: list[Any], where: str) -> None:
    """Run the loss once on the model's first output for every target: a target the loss
    refuses fails here, with the loss's own message, before any training."""
    with no_grad():
        out = model(X[0])
        try:
            loss_fn([out] * len(y), y)
        except (TypeError, ValueError) as err:
            if where == "the training set":
                raise
            raise type(err)(f"fit: the targets of {where}: {err}") from None


def _first_bad(values: Any) -> int | None:
    """The index of the first nan or ±inf in a list of floats or a numpy array, or None."""
    if hasattr(values, "dtype"):  # a numpy array (a compiled fit's): one pass in C
        import numpy

        finite = numpy.isfinite(values)
        return None if finite.all() else int(numpy.argmin(finite))
    # One C-speed sum decides the usual case (a sum of finite numbers overflows only
    # when they are huge; the scan below then finds nothing).
    if math.isfinite(sum(values)):
        return None
    return next((i for i, v in enumerate(values) if not math.isfinite(v)), None)


def first_nonfinite(loss: float, grads: Any, names: Sequence[str]) -> str | None:
    """What is not finite after a backward pass: the loss, else the first gradient; or None.

    ``grads`` lists the gradients (floats, or a numpy array) in the order of ``names``.
    """
    if not math.isfinite(loss):
        return f"the loss is {loss!r}"
    i = _first_bad(grads)
    if i is None:
        return None
    return f"the gradient of parameter {names[i]!r} is {float(grads[i])!r}"


def first_nonfinite_parameter(weights: Any, names: Sequence[str]) -> str | None:
    """The first parameter value that is nan or infinite (after an optimizer step), or None."""
    i = _first_bad(weights)
    if i is None:
        return None
    return f"parameter {names[i]!r} became {float(weights[i])!r} in the optimizer step"
