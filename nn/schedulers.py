"""Learning-rate schedules that set an optimizer's ``lr``, named as in ``torch.optim.lr_scheduler``.

Create the scheduler after the optimizer and call ``scheduler.step()`` once per epoch,
after ``optimizer.step()``. Epoch e (``last_epoch``) uses the lr of the closed form below,
where ``base`` is the optimizer's lr when the scheduler was made. One scheduler per
optimizer (PyTorch can chain several; these do not).
"""

from __future__ import annotations

import math
from typing import Any

from .optim import Optimizer, check_number, finish


def _count(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name}: must be a positive whole number, got {value!r}")
    return value


class LRScheduler:
    """Base class: ``step()`` moves to the next epoch and sets the optimizer's lr."""

    def __init__(self, optimizer: Optimizer):
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(self).__name__} needs an nn.optim optimizer, got {optimizer!r}")
        self.optimizer = optimizer
        self.base_lrs = [optimizer.lr]
        self.last_epoch = 0
        optimizer.lr = self.lr_at(0)

    def lr_at(self, epoch: int) -> float:
        """The learning rate of epoch ``epoch`` (the closed form of the schedule)."""
        raise NotImplementedError

    def step(self) -> None:
        """Advance one epoch and set the optimizer's lr for it (nothing changes on an error)."""
        epoch = self.last_epoch + 1
        try:
            lr = self.lr_at(epoch)
        except OverflowError:
            lr = math.inf
        if not math.isfinite(lr):
            raise ValueError(
                f"{type(self).__name__}: the lr of epoch {epoch} is not a finite number "
                f"(base lr {self.base_lrs[0]!r}); choose arguments that keep it finite"
            )

        def write() -> None:
            self.optimizer.lr = lr
            self.last_epoch = epoch

        finish(write)  # the lr and the epoch move together, even under a Ctrl-C

    def get_last_lr(self) -> list[float]:
        """The lr set by the last step, as a list (PyTorch has one per parameter group)."""
        return [self.optimizer.lr]


class StepLR(LRScheduler):
    """Multiply the lr by ``gamma`` every ``step_size`` epochs: base·γ^⌊e / step_size⌋.

    Example:
        >>> from autograd import Value
        >>> from nn.optim import SGD
        >>> from nn.schedulers import StepLR
        >>> sched = StepLR(SGD([Value(0.0)], lr=1.0), step_size=2, gamma=0.5)
        >>> lrs = []
        >>> for _ in range(5):
        ...     lrs.append(sched.get_last_lr()[0])
        ...     sched.step()
        >>> lrs
        [1.0, 1.0, 0.5, 0.5, 0.25]
    """

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1):
        self.step_size = _count("StepLR step_size", step_size)
        self.gamma = check_number("StepLR gamma", gamma, lambda x: x >= 0, "gamma ≥ 0")
        super().__init__(optimizer)

    def lr_at(self, epoch: int) -> float:
        return self.base_lrs[0] * self.gamma ** (epoch // self.step_size)


class LinearLR(LRScheduler):
    """Scale the lr linearly from ``start_factor`` to ``end_factor`` over ``total_iters`` epochs.

    lr(e) = base·(start + (end − start)·min(e, total_iters)/total_iters), constant after.

    Example:
        >>> from autograd import Value
        >>> from nn.optim import SGD
        >>> from nn.schedulers import LinearLR
        >>> opt = SGD([Value(0.0)], lr=1.0)
        >>> sched = LinearLR(opt, start_factor=1.0, end_factor=0.1, total_iters=100)
        >>> for _ in range(100):
        ...     sched.step()
        >>> round(opt.lr, 12)
        0.1
    """

    def __init__(
        self,
        optimizer: Optimizer,
        start_factor: float = 1.0 / 3,
        end_factor: float = 1.0,
        total_iters: int = 5,
    ):
        self.start_factor = check_number(
            "LinearLR start_factor", start_factor, lambda x: 0 < x <= 1, "0 < start_factor ≤ 1"
        )
        self.end_factor = check_number(
            "LinearLR end_factor", end_factor, lambda x: 0 <= x <= 1, "0 ≤ end_factor ≤ 1"
        )
        self.total_iters = _count("LinearLR total_iters", total_iters)
        super().__init__(optimizer)

    def lr_at(self, epoch: int) -> float:
        fraction = min(epoch, self.total_iters) / self.total_iters
        factor = self.start_factor + (self.end_factor - self.start_factor) * fraction
        return self.base_lrs[0] * factor


class CosineAnnealingLR(LRScheduler):
    """Follow half a cosine from the base lr down to ``eta_min`` over ``T_max`` epochs.

    lr(e) = eta_min + (base − eta_min)·(1 + cos(π·e/T_max))/2 (rising again after T_max,
    as PyTorch's does).

    Example:
        >>> from autograd import Value
        >>> from nn.optim import SGD
        >>> from nn.schedulers import CosineAnnealingLR
        >>> sched = CosineAnnealingLR(SGD([Value(0.0)], lr=1.0), T_max=2)
        >>> sched.step()
        >>> round(sched.get_last_lr()[0], 12)
        0.5
    """

    def __init__(self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0):
        self.T_max = _count("CosineAnnealingLR T_max", T_max)
        self.eta_min = check_number(
            "CosineAnnealingLR eta_min", eta_min, lambda x: x >= 0, "eta_min ≥ 0"
        )
        super().__init__(optimizer)

    def lr_at(self, epoch: int) -> float:
        base, low = self.base_lrs[0], self.eta_min
        return low + (base - low) * (1.0 + math.cos(math.pi * epoch / self.T_max)) / 2.0
