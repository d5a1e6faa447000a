"""nn.optim against torch.optim (float64): 50 steps on the same gradient sequence."""

from __future__ import annotations

import math
import random

import pytest
import torch

import nn
from autograd import Value

REL = 1e-10  # the bar: parameters equal torch's to 1e-10 relative after STEPS
STEPS = 50
SIZE = 5


def gradient_sequence(seed: int) -> list[list[float]]:
    rng = random.Random(seed)
    return [[rng.gauss(0.0, 1.0) for _ in range(SIZE)] for _ in range(STEPS)]


def run_ours(make, start, grads, skip=None):
    params = [Value(x) for x in start]
    opt = make(params)
    for t, g in enumerate(grads):
        opt.zero_grad()
        for i, (p, gi) in enumerate(zip(params, g)):
            if skip and skip(t, i):
                p.grad = None  # as if no backward pass reached p this step
            else:
                p.grad = gi
        opt.step()
    return [p.data for p in params]


def run_torch(make, start, grads, skip=None):
    params = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in start]
    opt = make(params)
    for t, g in enumerate(grads):
        opt.zero_grad()
        for i, (p, gi) in enumerate(zip(params, g)):
            p.grad = None if skip and skip(t, i) else torch.tensor(gi, dtype=torch.float64)
        opt.step()
    return [p.item() for p in params]


CONFIGS = {
    "sgd": (lambda p: nn.SGD(p, lr=0.1), lambda p: torch.optim.SGD(p, lr=0.1)),
    "sgd_momentum": (
        lambda p: nn.SGD(p, lr=0.05, momentum=0.9),
        lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9),
    ),
    "sgd_dampening_wd": (
        lambda p: nn.SGD(p, lr=0.05, momentum=0.8, dampening=0.3, weight_decay=0.01),
        lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.8, dampening=0.3, weight_decay=0.01),
    ),
    "sgd_nesterov_wd": (
        lambda p: nn.SGD(p, lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-3),
        lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-3),
    ),
    "adam_defaults": (lambda p: nn.Adam(p), lambda p: torch.optim.Adam(p)),
    "adam_custom": (
        lambda p: nn.Adam(p, lr=0.02, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.05),
        lambda p: torch.optim.Adam(p, lr=0.02, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.05),
    ),
    "adamw_defaults": (lambda p: nn.AdamW(p), lambda p: torch.optim.AdamW(p)),
    "adamw_custom": (
        lambda p: nn.AdamW(p, lr=0.03, betas=(0.85, 0.995), weight_decay=0.1),
        lambda p: torch.optim.AdamW(p, lr=0.03, betas=(0.85, 0.995), weight_decay=0.1),
    ),
}


def assert_same(ours, theirs):
    for a, b in zip(ours, theirs):
        assert math.isclose(a, b, rel_tol=REL), f"ours {a!r} vs torch {b!r}"


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_fifty_steps_equal_torch(name, seed):
    ours, theirs = CONFIGS[name]
    start = [random.Random(seed + 100).uniform(-2, 2) for _ in range(SIZE)]
    grads = gradient_sequence(seed)
    result = run_ours(ours, start, grads)
    assert result != start
    assert_same(result, run_torch(theirs, start, grads))


@pytest.mark.parametrize("name", ["sgd_momentum", "adam_custom", "adamw_defaults"])
def test_parameter_without_gradient_is_skipped_like_torch(name):
    ours, theirs = CONFIGS[name]
    start = [0.5, -1.0, 1.5, 2.0, -0.25]
    grads = gradient_sequence(7)

    def skip(t, i):  # parameter 1 misses every third step, parameter 4 the first ten
        return (i == 1 and t % 3 == 0) or (i == 4 and t < 10)

    assert_same(run_ours(ours, start, grads, skip), run_torch(theirs, start, grads, skip))


def test_zero_grad_sets_every_gradient_to_zero():
    params = [Value(1.0), Value(2.0)]
    opt = nn.SGD(params, lr=0.1)
    (params[0] * params[1]).backward()
    opt.zero_grad()
    assert [p.grad for p in params] == [0.0, 0.0]


def test_sgd_on_a_quadratic_reaches_the_minimum():
    w = Value(5.0)
    opt = nn.SGD([w], lr=0.1, momentum=0.5)
    for _ in range(200):
        opt.zero_grad()
        ((w - 3.0) ** 2).backward()
        opt.step()
    assert abs(w.data - 3.0) < 1e-9


@pytest.mark.parametrize(
    ("make", "error", "words"),
    [
        (lambda: nn.SGD([], lr=0.1), ValueError, "empty parameter list"),
        (lambda: nn.SGD([1.0], lr=0.1), TypeError, "params[0]"),
        (lambda: nn.SGD([V := Value(1.0), V], lr=0.1), ValueError, "twice"),
        (lambda: nn.SGD([Value(1.0)], lr=-1), ValueError, "lr ≥ 0"),
        (lambda: nn.SGD([Value(1.0)], lr="fast"), ValueError, "'fast'"),
        (lambda: nn.SGD([Value(1.0)], lr=0.1, momentum=-0.5), ValueError, "momentum"),
        (lambda: nn.SGD([Value(1.0)], lr=0.1, nesterov=True), ValueError, "nesterov"),
        (lambda: nn.Adam([Value(1.0)], betas=(0.9, 1.0)), ValueError, "betas[1]"),
        (lambda: nn.Adam([Value(1.0)], betas=0.9), ValueError, "pair"),
        (lambda: nn.AdamW([Value(1.0)], eps=-1.0), ValueError, "eps"),
        (lambda: nn.Adam([Value(1.0)], weight_decay=-0.1), ValueError, "weight_decay"),
    ],
)
def test_bad_arguments_are_refused(make, error, words):
    with pytest.raises(error) as info:
        make()
    assert words in str(info.value)


# Arguments PyTorch refuses are refused here too; beyond PyTorch, nan and ±inf are refused
# everywhere (torch.optim.SGD takes lr=inf or dampening=nan and trains every weight to nan).
ARGUMENTS = [
    ("SGD", "lr", v) for v in (-1.0, math.nan, math.inf, -math.inf)
] + [
    ("SGD", name, v)
    for name in ("momentum", "dampening", "weight_decay")
    for v in (-1.0, math.nan, math.inf, 2.0)
] + [
    (kind, name, v)
    for kind in ("Adam", "AdamW")
    for name in ("lr", "eps", "weight_decay")
    for v in (-1.0, math.nan, math.inf, 0.5)
] + [
    (kind, "betas", betas)
    for kind in ("Adam", "AdamW")
    for betas in ((math.nan, 0.9), (0.9, math.inf), (-0.1, 0.9), (0.9, 1.0), (0.5, 0.5))
]


@pytest.mark.parametrize(("kind", "name", "value"), ARGUMENTS, ids=str)
def test_arguments_refused_as_torch_refuses_them_and_every_non_finite_one(kind, name, value):
    def make(module, params):
        return getattr(module, kind)(params, **{"lr": 0.1, name: value})

    try:
        make(torch.optim, [torch.zeros(1, requires_grad=True)])
        torch_refuses = False
    except ValueError:
        torch_refuses = True
    finite = all(math.isfinite(v) for v in (value if isinstance(value, tuple) else (value,)))
    if torch_refuses or not finite:
        with pytest.raises(ValueError) as info:
            make(nn, [Value(1.0)])
        assert name in str(info.value) and "finite" in str(info.value), str(info.value)
    else:
        make(nn, [Value(1.0)])


@pytest.mark.parametrize("value", [math.inf, math.nan, -0.5, "0.1", 10**400])
def test_setting_a_bad_lr_later_is_refused_too(value):
    opt = nn.Adam([Value(1.0)], lr=0.1)
    with pytest.raises(ValueError, match="Adam lr: need a finite lr ≥ 0"):
        opt.lr = value
    assert opt.lr == 0.1


@pytest.mark.parametrize("kind", ["Adam", "AdamW"])
def test_adam_without_eps_on_a_zero_gradient_gives_nan_as_torch_does(kind):
    # 0/0 in the update: Python floats would raise ZeroDivisionError mid-step.
    w = Value(1.0)
    opt = getattr(nn, kind)([w], lr=0.1, eps=0.0)
    w.grad = 0.0
    opt.step()
    t = torch.tensor([1.0], requires_grad=True)
    reference = getattr(torch.optim, kind)([t], lr=0.1, eps=0.0)
    t.grad = torch.zeros(1)
    reference.step()
    assert math.isnan(w.data) and math.isnan(t.item())
