"""nn.losses against PyTorch (float64): values and gradients, reductions, extremes, bad input."""

from __future__ import annotations

import math
import random

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

import nn
from autograd import Value

REL = 1e-12  # relative tolerance: same formula, float64 rounding only
ABS = 1e-12
N = 7


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=REL, abs_tol=ABS)


def values(xs):
    return [Value(x) for x in xs]


def check_against_torch(ours_fn, torch_fn, preds, targets, reduction):
    vs = values(preds)
    loss = ours_fn(vs, targets, reduction=reduction)
    loss.backward()
    tp = torch.tensor(preds, dtype=torch.float64, requires_grad=True)
    tt = torch.tensor(targets, dtype=torch.float64)
    expected = torch_fn(tp, tt, reduction=reduction)
    expected.backward()
    assert close(loss.data, expected.item()), (loss.data, expected.item())
    for v, g in zip(vs, tp.grad.tolist()):
        assert close(v.grad, g), (v.grad, g)


def torch_hinge(s, y, reduction):
    terms = torch.relu(1 - y * s)
    return terms.mean() if reduction == "mean" else terms.sum()


def rng_data(seed, kind):
    rng = random.Random(seed)
    preds = [rng.uniform(-3, 3) for _ in range(N)]
    if kind == "real":
        targets = [rng.uniform(-3, 3) for _ in range(N)]
    elif kind == "prob":
        preds = [rng.uniform(0.01, 0.99) for _ in range(N)]
        targets = [rng.choice([0.0, 1.0, rng.random()]) for _ in range(N)]
    elif kind == "binary":
        targets = [rng.choice([0.0, 1.0, rng.random()]) for _ in range(N)]
    else:  # ±1
        targets = [rng.choice([-1.0, 1.0]) for _ in range(N)]
    return preds, targets


CASES = [
    ("mse_loss", nn.mse_loss, F.mse_loss, "real"),
    ("l1_loss", nn.l1_loss, F.l1_loss, "real"),
    ("binary_cross_entropy", nn.binary_cross_entropy, F.binary_cross_entropy, "prob"),
    (
        "binary_cross_entropy_with_logits",
        nn.binary_cross_entropy_with_logits,
        F.binary_cross_entropy_with_logits,
        "binary",
    ),
    ("hinge_loss", nn.hinge_loss, torch_hinge, "pm1"),
]


@pytest.mark.parametrize("reduction", ["mean", "sum"])
@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize(("name", "ours", "theirs", "kind"), CASES, ids=[c[0] for c in CASES])
def test_loss_matches_torch(name, ours, theirs, kind, seed, reduction):
    preds, targets = rng_data(seed, kind)
    check_against_torch(ours, theirs, preds, targets, reduction)


@pytest.mark.parametrize(("name", "ours", "theirs", "kind"), CASES, ids=[c[0] for c in CASES])
def test_reduction_none_gives_per_sample_losses(name, ours, theirs, kind):
    preds, targets = rng_data(5, kind)
    terms = ours(values(preds), targets, reduction="none")
    total = ours(values(preds), targets, reduction="sum")
    assert len(terms) == N
    assert close(math.fsum(t.data for t in terms), total.data)


def test_bce_with_logits_exact_at_plus_minus_1000():
    zs = values([1000.0, -1000.0, 1000.0, -1000.0])
    loss = nn.binary_cross_entropy_with_logits(zs, [1.0, 1.0, 0.0, 0.0], reduction="sum")
    loss.backward()
    assert loss.data == 2000.0
    assert [z.grad for z in zs] == [0.0, -1.0, 1.0, 0.0]
    tz = torch.tensor([1000.0, -1000.0, 1000.0, -1000.0], dtype=torch.float64, requires_grad=True)
    F.binary_cross_entropy_with_logits(
        tz, torch.tensor([1.0, 1.0, 0.0, 0.0], dtype=torch.float64), reduction="sum"
    ).backward()
    assert tz.grad.tolist() == [z.grad for z in zs]


def test_bce_clamps_log_at_minus_100_like_torch():
    loss = nn.binary_cross_entropy(values([0.0, 1.0]), [1.0, 0.0], reduction="none")
    expected = F.binary_cross_entropy(
        torch.tensor([0.0, 1.0], dtype=torch.float64),
        torch.tensor([1.0, 0.0], dtype=torch.float64),
        reduction="none",
    ).tolist()
    assert [t.data for t in loss] == expected == [100.0, 100.0]


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_cross_entropy_batch_matches_torch(reduction):
    rng = random.Random(3)
    rows = [[rng.uniform(-5, 5) for _ in range(4)] for _ in range(6)]
    targets = [rng.randrange(4) for _ in range(6)]
    logits = [values(r) for r in rows]
    loss = nn.cross_entropy(logits, targets, reduction=reduction)
    tz = torch.tensor(rows, dtype=torch.float64, requires_grad=True)
    expected = F.cross_entropy(tz, torch.tensor(targets), reduction=reduction)
    if reduction == "none":
        assert all(close(a.data, b) for a, b in zip(loss, expected.tolist()))
        loss = nn.cross_entropy(logits, targets, reduction="sum")
        expected = expected.sum()
    else:
        assert close(loss.data, expected.item())
    loss.backward()
    expected.backward()
    for row, grads in zip(logits, tz.grad.tolist()):
        assert all(close(v.grad, g) for v, g in zip(row, grads))


def test_cross_entropy_single_sample_and_extreme_logits():
    z = values([1000.0, 0.0, -1000.0])
    assert nn.cross_entropy(z, 0).data == 0.0
    assert nn.cross_entropy(z, 2).data == 2000.0
    loss = nn.cross_entropy(z, 1)
    loss.backward()
    assert loss.data == 1000.0
    assert [v.grad for v in z] == [1.0, -1.0, 0.0]


@pytest.mark.parametrize(("name", "ours", "theirs", "kind"), CASES, ids=[c[0] for c in CASES])
def test_value_targets_give_the_numbers_of_plain_targets(name, ours, theirs, kind):
    # Targets as leaves (the data leaves of a compiled graph) change nothing.
    preds, targets = rng_data(6, kind)
    plain, leaves = values(preds), values(preds)
    expected, got = ours(plain, targets), ours(leaves, values(targets))
    expected.backward()
    got.backward()
    assert got.data == expected.data
    assert [v.grad for v in leaves] == [v.grad for v in plain]


def test_value_targets_are_checked_on_their_data():
    with pytest.raises(ValueError, match=r"targets\[1\] = Value\(data=0.0\); hinge labels"):
        nn.hinge_loss(values([1.0, 2.0]), values([1.0, 0.0]))


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_cross_entropy_with_class_probabilities_matches_torch(reduction):
    rng = random.Random(8)
    rows = [[rng.uniform(-5, 5) for _ in range(3)] for _ in range(5)]
    probs = [[rng.random() for _ in range(3)] for _ in range(5)]
    logits = [values(r) for r in rows]
    loss = nn.cross_entropy(logits, probs, reduction=reduction)
    loss.backward()
    tz = torch.tensor(rows, dtype=torch.float64, requires_grad=True)
    expected = F.cross_entropy(tz, torch.tensor(probs, dtype=torch.float64), reduction=reduction)
    expected.backward()
    assert close(loss.data, expected.item()), (loss.data, expected.item())
    for row, grads in zip(logits, tz.grad.tolist()):
        assert all(close(v.grad, g) for v, g in zip(row, grads)), ([v.grad for v in row], grads)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(-800, 800), min_size=2, max_size=5), st.data())
def test_one_hot_probabilities_equal_the_class_index(row, data):
    t = data.draw(st.integers(0, len(row) - 1))
    by_index, by_probs = values(row), values(row)
    a = nn.cross_entropy(by_index, t)
    b = nn.cross_entropy(by_probs, values([float(k == t) for k in range(len(row))]))
    a.backward()
    b.backward()
    assert math.isclose(b.data, a.data, rel_tol=REL, abs_tol=1e-9), (b.data, a.data)
    pairs = [(v.grad, u.grad) for v, u in zip(by_probs, by_index)]
    assert all(math.isclose(g, e, rel_tol=1e-9, abs_tol=1e-12) for g, e in pairs), pairs


def test_cross_entropy_probability_errors():
    with pytest.raises(ValueError, match="2 class probabilities for 3 logits"):
        nn.cross_entropy(values([1.0, 2.0, 3.0]), [0.5, 0.5])
    with pytest.raises(ValueError, match=r"must lie in \[0, 1\]"):
        nn.cross_entropy([values([1.0, 2.0])], [[1.5, -0.5]])


def test_softmax_matches_torch_and_sums_to_one():
    xs = [2.0, -1.0, 700.0, 699.0]
    ps = nn.softmax(values(xs))
    expected = torch.softmax(torch.tensor(xs, dtype=torch.float64), 0).tolist()
    assert all(close(p.data, e) for p, e in zip(ps, expected))
    assert close(math.fsum(p.data for p in ps), 1.0)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(st.floats(-50, 50), st.sampled_from([-1.0, 1.0])), min_size=1, max_size=6)
)
def test_hinge_matches_torch_on_random_inputs(pairs):
    preds, targets = [p for p, _ in pairs], [t for _, t in pairs]
    check_against_torch(nn.hinge_loss, torch_hinge, preds, targets, "mean")


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(-800, 800), min_size=2, max_size=5), st.data())
def test_cross_entropy_matches_torch_on_random_logits(row, data):
    t = data.draw(st.integers(0, len(row) - 1))
    z = values(row)
    loss = nn.cross_entropy(z, t)
    loss.backward()
    tz = torch.tensor(row, dtype=torch.float64, requires_grad=True)
    expected = F.cross_entropy(tz, torch.tensor(t))
    expected.backward()
    assert math.isclose(loss.data, expected.item(), rel_tol=REL, abs_tol=1e-9)
    assert all(math.isclose(v.grad, g, rel_tol=1e-9, abs_tol=1e-12) for v, g in zip(z, tz.grad))


def test_numbers_are_accepted_as_predictions():
    assert nn.mse_loss([1.0, 3.0], [0.0, 1.0]).data == 2.5


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: nn.mse_loss(values([1.0, 2.0]), [1.0]), ValueError, "2 predictions but 1"),
        (lambda: nn.mse_loss([], []), ValueError, "no predictions"),
        (lambda: nn.mse_loss(values([1.0]), ["a"]), TypeError, "targets[0]"),
        (lambda: nn.mse_loss(["a"], [1.0]), TypeError, "predictions[0]"),
        (lambda: nn.mse_loss(values([1.0]), [1.0], reduction="avg"), ValueError, "'avg'"),
        (lambda: nn.hinge_loss(values([1.0]), [0]), ValueError, "+1 or -1"),
        (lambda: nn.binary_cross_entropy(values([1.5]), [1.0]), ValueError, "1.5"),
        (lambda: nn.binary_cross_entropy(values([0.5]), [2.0]), ValueError, "[0, 1]"),
        (lambda: nn.binary_cross_entropy_with_logits(values([0.5]), [-1]), ValueError, "-1"),
        (lambda: nn.cross_entropy(values([1.0, 2.0]), 2), ValueError, "class index 0 … 1"),
        (lambda: nn.cross_entropy([values([1.0])], [0, 1]), ValueError, "2 targets"),
        (lambda: nn.cross_entropy(values([1.0]), [0]), TypeError, "list of logits"),
        (lambda: nn.softmax([]), ValueError, "no logits"),
    ],
)
def test_bad_input_names_the_problem(call, error, words):
    with pytest.raises(error) as info:
        call()
    assert words in str(info.value)
