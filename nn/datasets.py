"""Toy datasets generated in pure Python, seeded: moons, circles, spirals, blobs, xor, regression.

Every generator takes ``seed`` (an int, a ``random.Random``, or None for fresh
randomness) and returns ``X`` as a list of lists of floats and ``y`` as a list:

- binary problems (``make_moons``, ``make_circles``, ``make_xor``) give labels ±1 by
  default, ready for ``hinge_loss``; pass ``labels=(0, 1)`` for binary cross-entropy;
- multi-class problems (``make_spirals``, ``make_blobs``) give class indices 0 … k−1,
  ready for ``cross_entropy``;
- ``make_regression`` gives float targets.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from typing import Any, cast

Dataset = tuple[list[list[float]], list[Any]]


def _rng(seed: int | random.Random | None) -> random.Random:
    return seed if isinstance(seed, random.Random) else random.Random(seed)


def _n(name: str, n: Any, least: int = 1) -> int:
    if isinstance(n, bool) or not isinstance(n, int) or n < least:
        raise ValueError(f"{name}: n must be a whole number ≥ {least}, got {n!r}")
    return n


def _noise(name: str, noise: Any) -> float:
    if isinstance(noise, bool) or not isinstance(noise, (int, float)) or not noise >= 0:
        raise ValueError(f"{name}: noise must be a number ≥ 0, got {noise!r}")
    return float(noise)


def _pair(name: str, labels: Any) -> tuple[Any, Any]:
    if not isinstance(labels, (tuple, list)) or len(labels) != 2 or labels[0] == labels[1]:
        raise ValueError(
            f"{name}: labels must be two different values (negative, positive), got {labels!r}"
        )
    return labels[0], labels[1]


def _linspace(start: float, stop: float, n: int) -> list[float]:
    if n == 1:
        return [start]
    return [start + (stop - start) * i / (n - 1) for i in range(n)]


def _shuffled(X: list[list[float]], y: list[Any], rng: random.Random) -> Dataset:
    order = list(range(len(X)))
    rng.shuffle(order)
    return [X[i] for i in order], [y[i] for i in order]


def make_moons(
    n: int = 100, noise: float = 0.1, seed: Any = None, labels: tuple[Any, Any] = (-1, 1)
) -> Dataset:
    """Two interleaving half circles (as scikit-learn's ``make_moons``), shuffled.

    The upper moon gets ``labels[0]`` (−1), the lower one ``labels[1]`` (+1); each point
    moves by Gaussian noise of standard deviation ``noise``.

    Example:
        >>> from nn.data import make_moons
        >>> X, y = make_moons(100, noise=0.1, seed=0)
        >>> len(X), len(X[0]), sorted(set(y))
        (100, 2, [-1, 1])
    """
    _n("make_moons", n, 2)
    noise = _noise("make_moons", noise)
    neg, pos = _pair("make_moons", labels)
    rng = _rng(seed)
    n_out = n // 2
    X = [[math.cos(t), math.sin(t)] for t in _linspace(0.0, math.pi, n_out)]
    X += [[1.0 - math.cos(t), 0.5 - math.sin(t)] for t in _linspace(0.0, math.pi, n - n_out)]
    y = [neg] * n_out + [pos] * (n - n_out)
    X = [[a + rng.gauss(0.0, noise), b + rng.gauss(0.0, noise)] for a, b in X]
    return _shuffled(X, y, rng)


def make_circles(
    n: int = 100,
    noise: float = 0.05,
    factor: float = 0.5,
    seed: Any = None,
    labels: tuple[Any, Any] = (-1, 1),
) -> Dataset:
    """A small circle inside a large one: outer ``labels[0]`` (−1), inner ``labels[1]`` (+1).

    The inner radius is ``factor`` (the outer is 1); ``noise`` is the Gaussian standard deviation.
    """
    _n("make_circles", n, 2)
    noise = _noise("make_circles", noise)
    if isinstance(factor, bool) or not isinstance(factor, (int, float)) or not 0 < factor < 1:
        raise ValueError(f"make_circles: factor must be between 0 and 1, got {factor!r}")
    neg, pos = _pair("make_circles", labels)
    rng = _rng(seed)
    n_out = n // 2

    def ring(m: int, r: float) -> list[list[float]]:
        return [
            [r * math.cos(2 * math.pi * i / m), r * math.sin(2 * math.pi * i / m)] for i in range(m)
        ]

    X = ring(n_out, 1.0) + ring(n - n_out, float(factor))
    y = [neg] * n_out + [pos] * (n - n_out)
    X = [[a + rng.gauss(0.0, noise), b + rng.gauss(0.0, noise)] for a, b in X]
    return _shuffled(X, y, rng)


def make_spirals(n: int = 300, classes: int = 3, noise: float = 0.2, seed: Any = None) -> Dataset:
    """``classes`` interleaved spiral arms (the CS231n toy problem); labels 0 … classes−1.

    ``n`` points in all, split as evenly as the count allows. Arm k's points run from the
    centre out to radius 1 over 4 radians of angle; ``noise`` is the Gaussian standard
    deviation added to each angle (in radians).

    Example:
        >>> from nn.data import make_spirals
        >>> X, y = make_spirals(90, classes=3, seed=0)
        >>> [y.count(k) for k in range(3)]
        [30, 30, 30]
    """
    _n("make_spirals", n, 1)
    _n("make_spirals (classes)", classes, 2)
    noise = _noise("make_spirals", noise)
    rng = _rng(seed)
    X: list[list[float]] = []
    y: list[int] = []
    for k in range(classes):
        m = n // classes + (1 if k < n % classes else 0)
        for r, t in zip(_linspace(0.0, 1.0, m), _linspace(4.0 * k, 4.0 * (k + 1), m)):
            t += rng.gauss(0.0, noise)
            X.append([r * math.sin(t), r * math.cos(t)])
            y.append(k)
    return _shuffled(X, y, rng)


def make_blobs(
    n: int = 100,
    centers: int | Sequence[Sequence[float]] = 3,
    std: float = 1.0,
    n_features: int = 2,
    seed: Any = None,
) -> Dataset:
    """Gaussian blobs around ``centers``; labels are the blob indices 0 … k−1.

    ``centers`` is a count (centres drawn uniformly in [−10, 10] per coordinate, as
    scikit-learn does) or a list of points; ``std`` is each blob's standard deviation.
    """
    _n("make_blobs", n, 1)
    std = _noise("make_blobs (std)", std)
    rng = _rng(seed)
    if isinstance(centers, int) and not isinstance(centers, bool):
        _n("make_blobs (centers)", centers, 1)
        _n("make_blobs (n_features)", n_features, 1)
        points = [[rng.uniform(-10.0, 10.0) for _ in range(n_features)] for _ in range(centers)]
    else:
        points = [[float(c) for c in p] for p in cast(Sequence[Sequence[float]], centers)]
        if not points or any(len(p) != len(points[0]) or not p for p in points):
            raise ValueError(
                f"make_blobs: centers must be points of one dimension, got {centers!r}"
            )
    X: list[list[float]] = []
    y: list[int] = []
    for k, centre in enumerate(points):
        for _ in range(n // len(points) + (1 if k < n % len(points) else 0)):
            X.append([c + rng.gauss(0.0, std) for c in centre])
            y.append(k)
    return _shuffled(X, y, rng)


def make_xor(
    n: int = 100, noise: float = 0.0, seed: Any = None, labels: tuple[Any, Any] = (-1, 1)
) -> Dataset:
    """Points uniform in the square [−1, 1]²: ``labels[1]`` (+1) where exactly one
    coordinate is positive (x·y < 0), else ``labels[0]``. The label is decided before
    ``noise`` (Gaussian standard deviation) moves the point.
    """
    _n("make_xor", n, 1)
    noise = _noise("make_xor", noise)
    neg, pos = _pair("make_xor", labels)
    rng = _rng(seed)
    X: list[list[float]] = []
    y: list[Any] = []
    for _ in range(n):
        a, b = rng.uniform(-1.0, 1.0), rng.uniform(-1.0, 1.0)
        y.append(pos if a * b < 0 else neg)
        X.append([a + rng.gauss(0.0, noise), b + rng.gauss(0.0, noise)])
    return X, y


def make_regression(
    n: int = 100, noise: float = 0.1, seed: Any = None, kind: str = "linear"
) -> tuple[list[list[float]], list[float]]:
    """One input x uniform in [−1, 1] and a float target with Gaussian noise.

    ``kind="linear"``: y = 2x − 1 + ε; ``kind="curved"``: y = sin(πx) + ε, where ε has
    standard deviation ``noise``. X is a list of one-element lists.

    Example:
        >>> from nn.data import make_regression
        >>> X, y = make_regression(3, noise=0.0, seed=0)
        >>> all(t == 2 * x - 1 for (x,), t in zip(X, y))
        True
    """
    _n("make_regression", n, 1)
    noise = _noise("make_regression", noise)
    targets: dict[str, Callable[[float], float]] = {
        "linear": lambda x: 2.0 * x - 1.0,
        "curved": lambda x: math.sin(math.pi * x),
    }
    if kind not in targets:
        raise ValueError(f"make_regression: kind must be 'linear' or 'curved', got {kind!r}")
    rng = _rng(seed)
    xs = [rng.uniform(-1.0, 1.0) for _ in range(n)]
    return [[x] for x in xs], [targets[kind](x) + rng.gauss(0.0, noise) for x in xs]
