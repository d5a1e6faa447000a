"""nn.data: train_test_split and batches partition the data, reproducibly from seeds."""

from __future__ import annotations

import random

import pytest

import nn


def test_train_test_split_partitions_the_data():
    X = [[float(i)] for i in range(20)]
    y = list(range(20))
    X_tr, X_te, y_tr, y_te = nn.train_test_split(X, y, test_size=0.25, seed=0)
    assert len(X_te) == 5 and len(X_tr) == 15
    assert sorted(y_tr + y_te) == y
    assert all(x == [float(t)] for x, t in zip(X_tr + X_te, y_tr + y_te))
    assert nn.train_test_split(X, y, test_size=0.25, seed=0)[3] == y_te
    assert nn.train_test_split(X, y, test_size=3, shuffle=False)[3] == [17, 18, 19]


def test_batches_cover_every_sample_once():
    X = [[float(i)] for i in range(10)]
    y = list(range(10))
    chunks = list(nn.batches(X, y, batch_size=4, seed=1))
    assert [len(yb) for _, yb in chunks] == [4, 4, 2]
    assert sorted(t for _, yb in chunks for t in yb) == y
    assert all(x == [float(t)] for xb, yb in chunks for x, t in zip(xb, yb))
    assert [yb for _, yb in nn.batches(X, y, 4, seed=1)] == [yb for _, yb in chunks]


def test_batches_with_a_shared_generator_reshuffle_each_epoch_reproducibly():
    X, y = [[0.0]] * 8, list(range(8))

    def epochs(seed):
        rng = random.Random(seed)
        return [[yb for _, yb in nn.batches(X, y, 8, seed=rng)] for _ in range(3)]

    first = epochs(0)
    assert first == epochs(0)
    assert first[0] != first[1]


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda: nn.train_test_split([[1.0]], [1, 2]), "1 samples but y has 2"),
        (lambda: nn.train_test_split([[1.0], [2.0]], [1, 2], test_size=2), "no training"),
        (lambda: nn.train_test_split([[1.0], [2.0]], [1, 2], test_size=1.5), "test_size"),
        (lambda: nn.batches([[1.0]], [1], batch_size=0), "batch_size"),
    ],
)
def test_bad_arguments_are_refused_at_the_call(call, words):
    with pytest.raises(ValueError) as info:
        call()
    assert words in str(info.value)
