"""Optimizers: SGD (with momentum and Nesterov), Adam and AdamW, as PyTorch documents them.

An optimizer holds a list of parameters and moves each one against its gradient on
``step()``. The update rules are PyTorch's (``torch.optim``), term for term, so the
same gradients give the same parameters. Like PyTorch, a parameter that no backward
pass has reached (``grad_computed`` is False) is skipped. A step computes every new value
first and then sets them all, with the optimizer's new state, through :func:`finish`: a
Ctrl-C never leaves some parameters moved and others not.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterable
from typing import Any

from autograd import Value


def check_number(name: str, value: Any, ok: Callable[[float], bool], need: str) -> float:
    """``value`` as a float if it is a finite real number (not a bool) for which ``ok`` holds.

    Raises a ValueError naming the argument, the condition and the value: PyTorch's range
    checks, and nan or ±inf refused everywhere (an infinite lr or weight decay, a nan
    dampening, only ever turns every parameter into nan).
    """
    good = not isinstance(value, bool) and isinstance(value, numbers.Real)
    if good:
        try:
            good = math.isfinite(value) and ok(value)
        except (OverflowError, TypeError):  # an int too large for a float
            good = False
    if not good:
        raise ValueError(f"{name}: need a finite {need}, got {value!r}")
    return float(value)


FINISH_TRIES = 100  # a write interrupted this often fails for a reason of its own


def finish(write: Callable[[], None]) -> None:
    """Run ``write`` to its end even when an exception (a Ctrl-C) arrives while it runs.

    ``write`` only assigns values computed beforehand, so running it again from the start
    completes it; the first exception is raised once it has. Every optimizer step, and
    compiled ``fit``'s write-back, changes the parameters and the optimizer's state through
    it: an interrupt leaves them both as the last finished step left them, never half-way.
    """
    interrupted: BaseException | None = None
    for _ in range(FINISH_TRIES):
        try:
            write()
        except BaseException as err:  # KeyboardInterrupt, or what a signal handler raised
            interrupted = interrupted or err
        else:
            break
    if interrupted is not None:
        raise interrupted


class Optimizer:
    """Base class: a parameter list, a learning rate ``lr``, ``zero_grad`` and ``step``."""

    def __init__(self, params: Iterable[Value], lr: float):
        name = type(self).__name__
        self.params = list(params)
        if not self.params:
            raise ValueError(f"{name} got an empty parameter list; pass model.parameters()")
        seen: set[int] = set()
        for i, p in enumerate(self.params):
            if not isinstance(p, Value):
                raise TypeError(f"{name}: params[{i}] must be a Value, got {p!r}")
            if id(p) in seen:
                raise ValueError(f"{name}: params[{i}] appears twice in the parameter list")
            seen.add(id(p))
        self.lr = lr

    @property
    def lr(self) -> float:
        """The learning rate (a scheduler sets it; any finite number ≥ 0)."""
        return self._lr

    @lr.setter
    def lr(self, value: float) -> None:
        self._lr = check_number(f"{type(self).__name__} lr", value, lambda x: x >= 0, "lr ≥ 0")

    def zero_grad(self) -> None:
        """Set every parameter's gradient to 0.0 (call before each backward pass)."""
        for p in self.params:
            p.grad = 0.0

    def step(self) -> None:
        """Update every parameter from its gradient."""
        raise NotImplementedError

    def _commit(self, new: list[tuple[Value, float]], **state: Any) -> None:
        """Set each parameter's new value and the optimizer's new state, all of them."""

        def write() -> None:
            for p, x in new:
                p.data = x
            self.__dict__.update(state)

        finish(write)


class SGD(Optimizer):
    """Stochastic gradient descent, with optional momentum, Nesterov and weight decay.

    Per parameter p with gradient g (PyTorch's ``torch.optim.SGD``)::

        g ← g + weight_decay·p
        b ← g on the first step, else momentum·b + (1 − dampening)·g
        g ← g + momentum·b if nesterov else b          (when momentum ≠ 0)
        p ← p − lr·g

    Args:
        params: the parameters to train (``model.parameters()``).
        lr: learning rate.
        momentum: factor of the running velocity b (0 = plain SGD).
        dampening: scales the new gradient in b (0 in PyTorch's default).
        nesterov: look ahead along the velocity (needs momentum > 0, dampening = 0).
        weight_decay: L2 penalty factor added to the gradient.

    Example:
        >>> from autograd import Value
        >>> from nn.optim import SGD
        >>> w = Value(1.0)
        >>> opt = SGD([w], lr=0.1)
        >>> (w * w).backward()
        >>> opt.step()
        >>> w.data
        0.8
    """

    def __init__(
        self,
        params: Iterable[Value],
        lr: float,
        momentum: float = 0.0,
        dampening: float = 0.0,
        nesterov: bool = False,
        weight_decay: float = 0.0,
    ):
        super().__init__(params, lr)
        self.momentum = check_number("SGD momentum", momentum, lambda x: x >= 0, "momentum ≥ 0")
        self.dampening = check_number("SGD dampening", dampening, lambda x: True, "dampening")
        self.weight_decay = check_number(
            "SGD weight_decay", weight_decay, lambda x: x >= 0, "weight_decay ≥ 0"
        )
        if nesterov and (self.momentum <= 0 or self.dampening != 0):
            raise ValueError(
                f"SGD: nesterov needs momentum > 0 and dampening = 0, got momentum={momentum!r}, "
                f"dampening={dampening!r}"
            )
        self.nesterov = bool(nesterov)
        self.velocity: list[float | None] = [None] * len(self.params)

    def step(self) -> None:
        """One SGD update of every parameter from its current gradient."""
        lr, mu, wd = self.lr, self.momentum, self.weight_decay
        velocity = self.velocity[:]  # the new state is made apart, then set in one commit
        new = []
        for i, p in enumerate(self.params):
            if not p.grad_computed:
                continue
            g = p.grad
            if wd:
                g = g + wd * p.data
            if mu:
                b = velocity[i]
                b = g if b is None else mu * b + (1.0 - self.dampening) * g
                velocity[i] = b
                g = g + mu * b if self.nesterov else b
            new.append((p, p.data - lr * g))
        self._commit(new, velocity=velocity)


class Adam(Optimizer):
    """Adam: steps scaled by running averages of the gradient and of its square.

    Per parameter, at step t (PyTorch's ``torch.optim.Adam``)::

        g ← g + weight_decay·p
        m ← β₁·m + (1 − β₁)·g          v ← β₂·v + (1 − β₂)·g²
        p ← p − (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + eps)

    Args:
        params: the parameters to train.
        lr: learning rate.
        betas: decay rates (β₁, β₂) of the two averages.
        eps: added to the denominator so it is never zero.
        weight_decay: L2 penalty factor added to the gradient (see AdamW for decoupled decay).

    Example:
        >>> from autograd import Value
        >>> from nn.optim import Adam
        >>> w = Value(1.0)
        >>> opt = Adam([w], lr=0.1)
        >>> (w * w).backward()
        >>> opt.step()
        >>> round(w.data, 6)   # the first Adam step moves by lr whatever the gradient's size
        0.9
    """

    _decoupled = False

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ):
        super().__init__(params, lr)
        name = type(self).__name__
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise ValueError(f"{name}: betas must be a pair (β₁, β₂), got {betas!r}")
        self.betas = tuple(
            check_number(f"{name} betas[{i}]", b, lambda x: 0 <= x < 1, "0 ≤ β < 1")
            for i, b in enumerate(betas)
        )
        self.eps = check_number(f"{name} eps", eps, lambda x: x >= 0, "eps ≥ 0")
        self.weight_decay = check_number(
            f"{name} weight_decay",
            weight_decay,
            lambda x: x >= 0,
            "weight_decay ≥ 0",
        )
        n = len(self.params)
        # Each parameter counts its own steps, as in PyTorch (a skipped one does not advance).
        self.steps = [0] * n
        self.m = [0.0] * n
        self.v = [0.0] * n

    def step(self) -> None:
        """One Adam update of every parameter from its current gradient."""
        lr, wd, eps = self.lr, self.weight_decay, self.eps
        beta1, beta2 = self.betas
        decoupled = self._decoupled
        m, v, steps = self.m[:], self.v[:], self.steps[:]  # set in one commit at the end
        corrections: dict[int, tuple[float, float]] = {}
        new = []
        for i, p in enumerate(self.params):
            if not p.grad_computed:
                continue
            g, x = p.grad, p.data
            if wd:
                if decoupled:
                    # AdamW shrinks the weight itself, apart from the adaptive step.
                    x = x * (1.0 - lr * wd)
                else:
                    g = g + wd * x
            t = steps[i] = steps[i] + 1
            if t not in corrections:
                # Bias corrections: m and v start at 0, so early averages are too small.
                corrections[t] = (lr / (1.0 - beta1**t), math.sqrt(1.0 - beta2**t))
            step_size, bias2_sqrt = corrections[t]
            m[i] = beta1 * m[i] + (1.0 - beta1) * g
            v[i] = beta2 * v[i] + (1.0 - beta2) * g * g
            denominator = math.sqrt(v[i]) / bias2_sqrt + eps
            # 0 only with eps = 0 before any gradient: 0/0, nan as torch (and numpy) give
            ratio = m[i] / denominator if denominator else math.nan
            new.append((p, x - step_size * ratio))
        self._commit(new, m=m, v=v, steps=steps)


class AdamW(Adam):
    """Adam with decoupled weight decay: p ← p·(1 − lr·weight_decay) before the Adam step.

    Same arguments as :class:`Adam`; ``weight_decay`` defaults to 0.01 as in PyTorch.

    Example:
        >>> from autograd import Value
        >>> from nn.optim import AdamW
        >>> w = Value(1.0)
        >>> opt = AdamW([w], lr=0.1)
        >>> (w * w).backward()
        >>> opt.step()
        >>> round(w.data, 6)
        0.899
    """

    _decoupled = True

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
    ):
        super().__init__(params, lr, betas, eps, weight_decay)
