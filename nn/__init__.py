"""chainrule's neural-net library: PyTorch-shaped modules, losses, optimizers and training.

Everything computes with :class:`autograd.Value`; nothing here differentiates by itself.

Example:
    >>> import nn
    >>> X, y = nn.make_moons(40, noise=0.1, seed=0)
    >>> model = nn.MLP(2, [8, 1], activation="relu", seed=0)
    >>> opt = nn.SGD(model.parameters(), lr=0.5)
    >>> history = nn.fit(model, X, y, nn.hinge_loss, opt, epochs=3, progress=False)
    >>> len(history["loss"]), sorted(history)
    (3, ['accuracy', 'loss'])
"""

from .checks import NonFiniteError
from .data import (
    batches,
    make_blobs,
    make_circles,
    make_moons,
    make_regression,
    make_spirals,
    make_xor,
    train_test_split,
)
from .layers import ACTIVATIONS, MLP, Layer, Neuron
from .losses import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    hinge_loss,
    l1_loss,
    mse_loss,
    softmax,
)
from .module import IncompatibleKeys, Module
from .optim import SGD, Adam, AdamW, Optimizer
from .schedulers import CosineAnnealingLR, LinearLR, LRScheduler, StepLR
from .serialize import ModelFileError, load, save
from .train import accuracy, evaluate, fit

# Other projects use this import name too (HIPS autograd, PyPI's nn and viz): this tells
# ours apart; see the README's "Installing next to other packages".
__distribution__ = "chainrule"

__all__ = [
    "ACTIVATIONS",
    "MLP",
    "SGD",
    "Adam",
    "AdamW",
    "CosineAnnealingLR",
    "IncompatibleKeys",
    "LRScheduler",
    "Layer",
    "LinearLR",
    "ModelFileError",
    "Module",
    "Neuron",
    "NonFiniteError",
    "Optimizer",
    "StepLR",
    "accuracy",
    "batches",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "evaluate",
    "fit",
    "hinge_loss",
    "l1_loss",
    "load",
    "make_blobs",
    "make_circles",
    "make_moons",
    "make_regression",
    "make_spirals",
    "make_xor",
    "mse_loss",
    "save",
    "softmax",
    "train_test_split",
]
