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
    "tan": torch.tan,
    "sinh": torch.sinh,
    "cosh": torch.cosh,
    "asin": torch.asin,
    "acos": torch.acos,
    "atan": torch.atan,
    "log1p": torch.log1p,
    "expm1": torch.expm1,
    "log2": torch.log2,
    "log10": torch.log10,
    "clamp": lambda a, bounds: torch.clamp(a, *bounds),
    "atan2": torch.atan2,
    "hypot": torch.hypot,
    "maximum": torch.maximum,
    "minimum": torch.minimum,
    "sum": lambda *xs: torch.stack(xs).sum(),
    "dot": lambda *xs: torch.dot(torch.stack(xs[: len(xs) // 2]), torch.stack(xs[len(xs) // 2 :])),
}


def leaves(values: list[float]) -> list[torch.Tensor]:
    """0-d float64 tensors that record gradients."""
    return [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in values]
