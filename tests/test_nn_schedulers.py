"""nn.schedulers against torch.optim.lr_scheduler: the lr of every epoch, and its effect on SGD."""

from __future__ import annotations

import math
import random

import pytest
import torch

import nn
from autograd import Value

REL = 1e-10  # the bar for optimizers, applied to learning rates too
ABS = 1e-15  # cosine reaches eta_min = 0, where a relative bound means nothing
EPOCHS = 50

CASES = {
    "step": (
        lambda o: nn.StepLR(o, step_size=7, gamma=0.5),
        lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=7, gamma=0.5),
    ),
    "linear_defaults": (
        lambda o: nn.LinearLR(o),
        lambda o: torch.optim.lr_scheduler.LinearLR(o),
    ),
    "linear_decay": (
        lambda o: nn.LinearLR(o, start_factor=1.0, end_factor=0.1, total_iters=30),
        lambda o: torch.optim.lr_scheduler.LinearLR(
            o, start_factor=1.0, end_factor=0.1, total_iters=30
        ),
    ),
    "cosine": (
        lambda o: nn.CosineAnnealingLR(o, T_max=20),
        lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=20),
    ),
    "cosine_eta_min": (
        lambda o: nn.CosineAnnealingLR(o, T_max=15, eta_min=0.01),
        lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=15, eta_min=0.01),
    ),
}


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=REL, abs_tol=ABS)


@pytest.mark.parametrize("name", sorted(CASES))
def test_learning_rates_equal_torch(name):
    ours_make, torch_make = CASES[name]
    ours = ours_make(nn.SGD([Value(0.0)], lr=0.3))
    tp = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    topt = torch.optim.SGD([tp], lr=0.3)
    theirs = torch_make(topt)
    for epoch in range(EPOCHS):
        a, b = ours.get_last_lr()[0], theirs.get_last_lr()[0]
        assert close(a, b), f"epoch {epoch}: ours {a!r} vs torch {b!r}"
        assert ours.optimizer.lr == a
        topt.step()
        ours.step()
        theirs.step()
    assert ours.last_epoch == EPOCHS


@pytest.mark.parametrize("name", sorted(CASES))
def test_sgd_with_scheduler_equals_torch_after_fifty_steps(name):
    ours_make, torch_make = CASES[name]
    rng = random.Random(11)
    start = [rng.uniform(-1, 1) for _ in range(3)]
    grads = [[rng.gauss(0, 1) for _ in range(3)] for _ in range(EPOCHS)]
    params = [Value(x) for x in start]
    opt = nn.SGD(params, lr=0.2, momentum=0.9)
    sched = ours_make(opt)
    tps = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in start]
    topt = torch.optim.SGD(tps, lr=0.2, momentum=0.9)
    tsched = torch_make(topt)
    for g in grads:
        for p, tp, gi in zip(params, tps, g):
            p.grad = gi
            tp.grad = torch.tensor(gi, dtype=torch.float64)
        opt.step()
        topt.step()
        sched.step()
        tsched.step()
    for p, tp in zip(params, tps):
        assert math.isclose(p.data, tp.item(), rel_tol=REL), (p.data, tp.item())


def test_classic_demo_schedule_is_one_to_a_tenth():
    opt = nn.SGD([Value(0.0)], lr=1.0)
    sched = nn.LinearLR(opt, start_factor=1.0, end_factor=0.1, total_iters=100)
    lrs = []
    for _ in range(100):
        lrs.append(opt.lr)
        sched.step()
    assert all(math.isclose(lr, 1.0 - 0.9 * k / 100, rel_tol=REL) for k, lr in enumerate(lrs))
    assert math.isclose(opt.lr, 0.1, rel_tol=REL)


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda o: nn.StepLR(o, step_size=0), "step_size"),
        (lambda o: nn.StepLR(o, step_size=2.5), "step_size"),
        (lambda o: nn.LinearLR(o, start_factor=0.0), "start_factor"),
        (lambda o: nn.LinearLR(o, end_factor=1.5), "end_factor"),
        (lambda o: nn.LinearLR(o, total_iters=-3), "total_iters"),
        (lambda o: nn.CosineAnnealingLR(o, T_max=0), "T_max"),
        (lambda o: nn.CosineAnnealingLR(o, T_max=5, eta_min=-1), "eta_min"),
        (lambda o: nn.StepLR(object(), step_size=1), "optimizer"),
    ],
)
def test_bad_arguments_are_refused(make, words):
    with pytest.raises((ValueError, TypeError)) as info:
        make(nn.SGD([Value(0.0)], lr=0.1))
    assert words in str(info.value)


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda o: nn.StepLR(o, step_size=1, gamma=math.nan), "gamma"),
        (lambda o: nn.StepLR(o, step_size=1, gamma=math.inf), "gamma"),
        (lambda o: nn.StepLR(o, step_size=1, gamma=-0.5), "gamma"),
        (lambda o: nn.LinearLR(o, start_factor=math.nan), "start_factor"),
        (lambda o: nn.LinearLR(o, end_factor=math.nan), "end_factor"),
        (lambda o: nn.CosineAnnealingLR(o, T_max=5, eta_min=math.inf), "eta_min"),
        (lambda o: nn.CosineAnnealingLR(o, T_max=5, eta_min=math.nan), "eta_min"),
    ],
)
def test_non_finite_arguments_are_refused_by_name(make, words):
    opt = nn.SGD([Value(0.0)], lr=0.1)
    with pytest.raises(ValueError) as info:
        make(opt)
    assert words in str(info.value) and "finite" in str(info.value), str(info.value)
    assert opt.lr == 0.1


def test_a_schedule_that_overflows_stops_with_the_lr_unchanged():
    opt = nn.SGD([Value(0.0)], lr=1.0)
    sched = nn.StepLR(opt, step_size=1, gamma=1e200)
    sched.step()
    with pytest.raises(ValueError, match="StepLR: the lr of epoch 2 is not a finite number"):
        sched.step()
    assert opt.lr == 1e200 and sched.last_epoch == 1
