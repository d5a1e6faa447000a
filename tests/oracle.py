"""The PyTorch twin of every op in the table, for the tests (float64)."""

from __future__ import annotations

import torch
import torch.nn.functional as F

TORCH = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "neg": lambda a: -a,
    "pow": lambda a, k: a**k,
    "vpow": lambda a, b: a**b,
    "exp": torch.exp,
    "log": torch.log,
    "tanh": torch.tanh,
    "sigmoid": torch.sigmoid,
    "relu": torch.relu,
    "leaky_relu": lambda a, slope: F.leaky_relu(a, slope),
    "softplus": F.softplus,
    "sin": torch.sin,
    "cos": torch.cos,
    "sqrt": torch.sqrt,
    "abs": torch.abs,
    "sum": lambda *xs: torch.stack(xs).sum(),
    "dot": lambda *xs: torch.dot(torch.stack(xs[: len(xs) // 2]), torch.stack(xs[len(xs) // 2 :])),
}


def leaves(values: list[float]) -> list[torch.Tensor]:
    """0-d float64 tensors that record gradients."""
    return [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in values]
