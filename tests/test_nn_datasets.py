"""nn.datasets: every generator's shape, labels, seeding and geometry; bad arguments."""

from __future__ import annotations

import math

import pytest

import nn

GENERATORS = {
    "moons": lambda seed: nn.make_moons(60, noise=0.1, seed=seed),
    "circles": lambda seed: nn.make_circles(60, seed=seed),
    "spirals": lambda seed: nn.make_spirals(60, classes=3, seed=seed),
    "blobs": lambda seed: nn.make_blobs(60, centers=4, seed=seed),
    "xor": lambda seed: nn.make_xor(60, noise=0.1, seed=seed),
    "regression": lambda seed: nn.make_regression(60, seed=seed),
    "curved": lambda seed: nn.make_regression(60, seed=seed, kind="curved"),
}
LABELS = {
    "moons": [-1, 1],
    "circles": [-1, 1],
    "spirals": [0, 1, 2],
    "blobs": [0, 1, 2, 3],
    "xor": [-1, 1],
}


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_generators_are_plain_lists_and_seeded(name):
    X, y = GENERATORS[name](3)
    assert type(X) is list and type(y) is list and len(X) == len(y) == 60
    assert all(type(row) is list and all(type(v) is float for v in row) for row in X)
    assert all(math.isfinite(v) for row in X for v in row)
    assert GENERATORS[name](3) == (X, y)
    assert GENERATORS[name](4) != (X, y)
    if name in LABELS:
        assert sorted(set(y)) == LABELS[name]
    else:
        assert all(type(t) is float for t in y)


def test_binary_generators_take_zero_one_labels():
    for make in (nn.make_moons, nn.make_circles, nn.make_xor):
        _, y = make(20, seed=0, labels=(0, 1))
        assert sorted(set(y)) == [0, 1]


def test_moons_without_noise_lie_on_their_half_circles():
    X, y = nn.make_moons(50, noise=0.0, seed=0)
    for (a, b), label in zip(X, y):
        if label == -1:  # upper moon: the unit circle, centre (0, 0)
            assert math.isclose(a * a + b * b, 1.0) and b >= -1e-12
        else:  # lower moon: centre (1, 0.5)
            assert math.isclose((a - 1) ** 2 + (b - 0.5) ** 2, 1.0) and b <= 0.5 + 1e-12


def test_circles_without_noise_have_radius_one_and_factor():
    X, y = nn.make_circles(40, noise=0.0, factor=0.3, seed=0)
    for (a, b), label in zip(X, y):
        assert math.isclose(math.hypot(a, b), 1.0 if label == -1 else 0.3)


def test_xor_labels_follow_the_quadrants_without_noise():
    X, y = nn.make_xor(50, seed=2)
    assert all((a * b < 0) == (label == 1) for (a, b), label in zip(X, y))


def test_regression_targets_without_noise():
    X, y = nn.make_regression(20, noise=0.0, seed=1, kind="curved")
    assert all(math.isclose(t, math.sin(math.pi * x)) for (x,), t in zip(X, y))


def test_spirals_split_counts_evenly():
    _, y = nn.make_spirals(100, classes=3, seed=0)
    assert [y.count(k) for k in range(3)] == [34, 33, 33]


def test_blobs_cluster_around_given_centres():
    X, y = nn.make_blobs(300, centers=[[0.0, 0.0], [10.0, 10.0]], std=0.5, seed=0)
    for k, centre in enumerate([[0.0, 0.0], [10.0, 10.0]]):
        pts = [x for x, label in zip(X, y) if label == k]
        mean = [sum(p[i] for p in pts) / len(pts) for i in range(2)]
        assert all(abs(m - c) < 0.2 for m, c in zip(mean, centre))


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda: nn.make_moons(1), "n must be"),
        (lambda: nn.make_moons(10, noise=-0.1), "noise"),
        (lambda: nn.make_moons(10, labels=(1, 1)), "labels"),
        (lambda: nn.make_circles(10, factor=1.5), "factor"),
        (lambda: nn.make_spirals(10, classes=1), "classes"),
        (lambda: nn.make_blobs(10, centers=[[0.0], [1.0, 2.0]]), "one dimension"),
        (lambda: nn.make_regression(10, kind="cubic"), "'cubic'"),
    ],
)
def test_bad_arguments_are_refused_at_the_call(call, words):
    with pytest.raises(ValueError) as info:
        call()
    assert words in str(info.value)
