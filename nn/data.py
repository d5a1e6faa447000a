"""Splitting a dataset and walking it in mini-batches; the toy datasets are re-exported here.

``nn.data`` is the one place to import data helpers from: the generators live in
:mod:`nn.datasets` (``make_moons``, ``make_circles``, ``make_spirals``, ``make_blobs``,
``make_xor``, ``make_regression``).
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator, Sequence
from typing import Any

from .datasets import (
    make_blobs,
    make_circles,
    make_moons,
    make_regression,
    make_spirals,
    make_xor,
)

__all__ = [
    "batches",
    "make_blobs",
    "make_circles",
    "make_moons",
    "make_regression",
    "make_spirals",
    "make_xor",
    "train_test_split",
]


def _rng(seed: int | random.Random | None) -> random.Random:
    return seed if isinstance(seed, random.Random) else random.Random(seed)


def _same_length(name: str, X: Sequence[Any], y: Sequence[Any]) -> None:
    if len(X) != len(y):
        raise ValueError(f"{name}: X has {len(X)} samples but y has {len(y)}")
    if not len(X):
        raise ValueError(f"{name}: got no samples")


def train_test_split(
    X: Sequence[Any],
    y: Sequence[Any],
    test_size: float = 0.25,
    seed: Any = None,
    shuffle: bool = True,
) -> tuple[list[Any], list[Any], list[Any], list[Any]]:
    """Split into ``X_train, X_test, y_train, y_test`` (scikit-learn's order).

    ``test_size`` is a fraction in (0, 1) (the test set gets ⌈test_size·n⌉ samples) or
    a whole count. Shuffled first unless ``shuffle=False``.

    Example:
        >>> from nn.data import train_test_split
        >>> X_tr, X_te, y_tr, y_te = train_test_split([[i] for i in range(8)], list(range(8)),
        ...                                           test_size=0.25, seed=0)
        >>> len(X_tr), len(X_te)
        (6, 2)
    """
    _same_length("train_test_split", X, y)
    n = len(X)
    if isinstance(test_size, float) and 0 < test_size < 1:
        n_test = math.ceil(test_size * n)
    elif isinstance(test_size, int) and not isinstance(test_size, bool) and 0 < test_size:
        n_test = test_size
    else:
        raise ValueError(
            "train_test_split: test_size must be a fraction in (0, 1) or a whole count, "
            f"got {test_size!r}"
        )
    if n_test >= n:
        raise ValueError(f"train_test_split: test_size {test_size!r} leaves no training samples")
    order = list(range(n))
    if shuffle:
        _rng(seed).shuffle(order)
    train, test = order[: n - n_test], order[n - n_test :]
    return [X[i] for i in train], [X[i] for i in test], [y[i] for i in train], [y[i] for i in test]


def batches(
    X: Sequence[Any], y: Sequence[Any], batch_size: int, shuffle: bool = True, seed: Any = None
) -> Iterator[tuple[list[Any], list[Any]]]:
    """Yield ``(X_batch, y_batch)`` pairs covering the data once (the last may be smaller).

    Pass one ``random.Random`` as ``seed`` for a new, reproducible order every epoch.

    Example:
        >>> from nn.data import batches
        >>> [yb for _, yb in batches([[0], [1], [2]], [0, 1, 2], batch_size=2, shuffle=False)]
        [[0, 1], [2]]
    """
    _same_length("batches", X, y)
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batches: batch_size must be a positive whole number, got {batch_size!r}")
    order = list(range(len(X)))
    if shuffle:
        _rng(seed).shuffle(order)
    return _chunks(X, y, order, batch_size)


def _chunks(
    X: Sequence[Any], y: Sequence[Any], order: list[int], batch_size: int
) -> Iterator[tuple[list[Any], list[Any]]]:
    for start in range(0, len(order), batch_size):
        chunk = order[start : start + batch_size]
        yield [X[i] for i in chunk], [y[i] for i in chunk]
