"""Loss functions over lists of Values, with PyTorch's names, formulas and reductions.

Every loss is ``loss(predictions, targets, reduction="mean")``: one prediction per
target. ``reduction`` is ``"mean"`` (the default, as in PyTorch), ``"sum"``, or
``"none"`` (the list of per-sample losses). Targets are plain numbers, or Values
(e.g. the data leaves of a graph traced by ``autograd.compile``; such a target is
checked on its current ``data``).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Any

from autograd import Value, dot
from autograd import sum as vsum

REDUCTIONS = ("mean", "sum", "none")
# PyTorch clamps binary_cross_entropy's logarithms at -100 so that p = 0 or 1 stays finite.
LOG_CLAMP = -100.0
_LOG_FLOOR = math.exp(LOG_CLAMP)


def _values(name: str, xs: Any, what: str) -> list[Value]:
    out = list(xs)
    for i, x in enumerate(out):
        if type(x) is not Value:
            if isinstance(x, bool) or not isinstance(x, (Value, numbers.Real)):
                raise TypeError(f"{name}: {what}[{i}] must be a Value or a number, got {x!r}")
            out[i] = x if isinstance(x, Value) else Value(x)
    return out


def _pairs(name: str, predictions: Any, targets: Any) -> tuple[list[Value], list[Any]]:
    if isinstance(predictions, (Value, numbers.Real)):
        predictions = [predictions]
    if isinstance(targets, (Value, numbers.Real)):
        targets = [targets]
    predictions, targets = _values(name, predictions, "predictions"), list(targets)
    if len(predictions) != len(targets):
        raise ValueError(
            f"{name}: got {len(predictions)} predictions but {len(targets)} targets; "
            "give one target per prediction"
        )
    if not predictions:
        raise ValueError(f"{name}: got no predictions; a loss needs at least one sample")
    for i, t in enumerate(targets):
        if isinstance(t, bool) or not isinstance(t, (numbers.Real, Value)):
            raise TypeError(f"{name}: targets[{i}] must be a number or a Value, got {t!r}")
    return predictions, targets


def _reduce(name: str, terms: list[Value], reduction: str) -> Any:
    if reduction == "mean":
        return vsum(terms) / len(terms)
    if reduction == "sum":
        return vsum(terms)
    if reduction == "none":
        return terms
    raise ValueError(f"{name}: reduction must be one of {REDUCTIONS}, got {reduction!r}")


def mse_loss(predictions: Any, targets: Any, reduction: str = "mean") -> Any:
    """Mean squared error: (p − t)² per sample.

    Example:
        >>> from autograd import Value, dot
        >>> from nn import mse_loss
        >>> mse_loss([Value(1.0), Value(3.0)], [0.0, 1.0]).data
        2.5
    """
    ps, ts = _pairs("mse_loss", predictions, targets)
    return _reduce("mse_loss", [(p - t) ** 2 for p, t in zip(ps, ts)], reduction)


def l1_loss(predictions: Any, targets: Any, reduction: str = "mean") -> Any:
    """Mean absolute error: |p − t| per sample."""
    ps, ts = _pairs("l1_loss", predictions, targets)
    return _reduce("l1_loss", [abs(p - t) for p, t in zip(ps, ts)], reduction)


def _labels(name: str, ts: list[Any], allowed: tuple[float, ...], hint: str) -> None:
    for i, t in enumerate(ts):
        if (t.data if type(t) is Value else t) not in allowed:
            raise ValueError(f"{name}: targets[{i}] = {t!r}; {hint}")


def _probabilities(name: str, ts: list[Any]) -> None:
    for i, t in enumerate(ts):
        if not 0.0 <= t <= 1.0:
            raise ValueError(f"{name}: targets[{i}] = {t!r}; targets must lie in [0, 1]")


def _clamped_log(p: Any) -> Any:
    # log p, but never below -100 (as PyTorch): the clamped value is a constant.
    return p.log() if p > _LOG_FLOOR else LOG_CLAMP


def binary_cross_entropy(probabilities: Any, targets: Any, reduction: str = "mean") -> Any:
    """−(t·log p + (1 − t)·log(1 − p)) for probabilities p in [0, 1] (e.g. after sigmoid).

    Logarithms are clamped at −100 as in PyTorch. Prefer
    :func:`binary_cross_entropy_with_logits` on raw scores: it is exact where this one
    rounds p to 0 or 1.
    """
    name = "binary_cross_entropy"
    ps, ts = _pairs(name, probabilities, targets)
    _probabilities(name, ts)
    for i, p in enumerate(ps):
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"{name}: predictions[{i}] = {p!r} is not a probability in [0, 1]")
    terms = [-(t * _clamped_log(p) + (1.0 - t) * _clamped_log(1.0 - p)) for p, t in zip(ps, ts)]
    return _reduce(name, terms, reduction)


def binary_cross_entropy_with_logits(logits: Any, targets: Any, reduction: str = "mean") -> Any:
    """Binary cross-entropy of sigmoid(z) against t, computed stably from the logit z.

    −(t·log σ(z) + (1 − t)·log(1 − σ(z))) = softplus(z) − t·z, and softplus never
    overflows: the loss is exact for logits of ±1000, and its gradient is σ(z) − t.

    Example:
        >>> from autograd import Value, dot
        >>> from nn import binary_cross_entropy_with_logits as bce
        >>> bce([Value(1000.0), Value(-1000.0)], [1.0, 1.0], reduction="none")
        [Value(data=0.0), Value(data=1000.0)]
    """
    name = "binary_cross_entropy_with_logits"
    zs, ts = _pairs(name, logits, targets)
    _probabilities(name, ts)
    return _reduce(name, [z.softplus() - t * z for z, t in zip(zs, ts)], reduction)


def hinge_loss(scores: Any, labels: Any, reduction: str = "mean") -> Any:
    """The SVM max-margin loss max(0, 1 − y·s) for labels y = ±1.

    Zero once a score is on the right side with margin 1; pushes the others.

    Example:
        >>> from autograd import Value, dot
        >>> from nn import hinge_loss
        >>> hinge_loss([Value(2.0), Value(0.5)], [1, -1]).data
        0.75
    """
    name = "hinge_loss"
    ss, ys = _pairs(name, scores, labels)
    _labels(name, ys, (1, -1), "hinge labels are +1 or -1 (map 0/1 labels with 2*y - 1)")
    return _reduce(name, [(1.0 - y * s).relu() for s, y in zip(ss, ys)], reduction)


def _single(logits: Any, targets: Any) -> bool:
    # One sample: an index, or one row of logits with a list of probabilities. Integers
    # in a list are class indices (a batch), as in PyTorch, where probabilities are floats.
    if isinstance(targets, numbers.Integral):
        return not isinstance(targets, bool)
    if not isinstance(logits, Sequence) or not logits or isinstance(targets, (str, Value)):
        return False
    if not isinstance(logits[0], (Value, numbers.Real)) or not isinstance(targets, Sequence):
        return False
    return bool(targets) and not isinstance(targets[0], numbers.Integral)


def _rows(name: str, logits: Any, targets: Any) -> tuple[list[list[Value]], list[Any], bool]:
    single = _single(logits, targets)
    rows, ts = ([logits], [targets]) if single else (list(logits), list(targets))
    if len(rows) != len(ts):
        raise ValueError(f"{name}: got {len(rows)} rows of logits but {len(ts)} targets")
    if not rows:
        raise ValueError(f"{name}: got no predictions; a loss needs at least one sample")
    for i, (row, t) in enumerate(zip(rows, ts)):
        if isinstance(row, (Value, numbers.Real, str)):
            raise TypeError(
                f"{name}: sample {i} needs a list of logits (one per class), got {row!r}"
            )
        rows[i] = row = _values(name, row, f"logits of sample {i}")
        if isinstance(t, numbers.Integral) and not isinstance(t, bool) and 0 <= int(t) < len(row):
            continue
        if isinstance(t, (Value, numbers.Real, str)) or not hasattr(t, "__len__"):
            raise ValueError(f"{name}: target {i} is {t!r}; it must be a class index "
                             f"0 … {len(row) - 1} or a list of {len(row)} class probabilities")
        if len(t) != len(row):
            raise ValueError(f"{name}: target {i} has {len(t)} class probabilities for "
                             f"{len(row)} logits; give one per class")
        probs = list(t)
        where = f"{name} (target {i})"
        _pairs(where, row, probs)  # each a number or a Value
        _probabilities(where, probs)
        ts[i] = probs
    return rows, ts, single


def _log_sum_exp(row: Sequence[Any]) -> Any:
    # log Σ exp(zᵢ) = m + log Σ exp(zᵢ − m) with m = max zᵢ: no exp overflows. m is a
    # plain number: the result does not depend on it, so no gradient needs to flow there.
    m = max(z.data if isinstance(z, Value) else float(z) for z in row)
    return vsum([(z - m).exp() for z in row]).log() + m


def _log_sum_exp_in_graph(row: Sequence[Value]) -> Value:
    # The same shift, but m = max zᵢ is built from graph nodes (max(m, z) = m + relu(z − m))
    # rather than chosen in Python, so a traced graph (autograd.compile) shifts every
    # sample by its own maximum. Mathematically ∂/∂m = 0: what flows through m is rounding.
    m = row[0]
    for z in row[1:]:
        m = m + (z - m).relu()
    return vsum([(z - m).exp() for z in row]).log() + m


def _cross_entropy_term(row: list[Value], t: Any) -> Value:
    if not isinstance(t, list):
        return _log_sum_exp(row) - row[t]
    lse = _log_sum_exp_in_graph(row)
    return dot(t, [lse - z for z in row])  # Σₖ tₖ·(−log softmaxₖ)


def cross_entropy(logits: Any, target: Any, reduction: str = "mean") -> Any:
    """−Σₖ tₖ·log softmax(z)ₖ: the classification loss over raw class scores (logits).

    With a class index t this is −log softmax(z)[t], computed as log-sum-exp(z) − z[t],
    stable for any logits. As in PyTorch, a target may instead be a list of class
    probabilities tₖ (numbers or Values, e.g. one-hot): that form is written without
    any Python choice on the data (no indexing by the label, the max shift built from
    graph nodes), so a graph traced by ``autograd.compile`` replays it for any sample;
    ``fit(compile=True)`` uses it with one-hot targets.

    Args:
        logits: one list of class scores, or a list of such lists (a batch).
        target: the correct class (an int) or a list of class probabilities; a list of
            those for a batch.
        reduction: ``"mean"``, ``"sum"`` or ``"none"`` (batches only).

    Example:
        >>> from autograd import Value, dot
        >>> from nn import cross_entropy
        >>> z = [Value(1000.0), Value(0.0), Value(-1000.0)]
        >>> cross_entropy(z, 0).data, cross_entropy(z, 1).data
        (0.0, 1000.0)
        >>> cross_entropy(z, [0.0, 1.0, 0.0]).data
        1000.0
    """
    name = "cross_entropy"
    rows, ts, single = _rows(name, logits, target)
    terms = [_cross_entropy_term(row, t) for row, t in zip(rows, ts)]
    return terms[0] if single else _reduce(name, terms, reduction)


def softmax(logits: Sequence[Any]) -> list[Value]:
    """exp(zᵢ) / Σ exp(zⱼ), shifted by max z so that nothing overflows.

    Example:
        >>> from autograd import Value, dot
        >>> from nn import softmax
        >>> [round(p.data, 4) for p in softmax([Value(0.0), Value(0.0)])]
        [0.5, 0.5]
    """
    if not logits:
        raise ValueError("softmax: got no logits")
    m = max(z.data if isinstance(z, Value) else float(z) for z in logits)
    es = [(z - m).exp() if isinstance(z, Value) else Value(math.exp(z - m)) for z in logits]
    total = vsum(es)
    return [e / total for e in es]
