"""The reference: one full-batch step of the classic demo on micrograd==0.1.0."""

from __future__ import annotations

from micrograd.engine import Value
from micrograd.nn import MLP
from moons import ALPHA, LR, SIZES


def model(weights):
    """micrograd's own MLP, its weights set to ours."""
    mlp = MLP(SIZES[0], SIZES[1:])
    for layer, ws in zip(mlp.layers, weights):
        for neuron, (w, b) in zip(layer.neurons, ws):
            for p, v in zip(neuron.w, w):
                p.data = v
            neuron.b.data = b
    return mlp


def step(mlp, X, y):
    """Forward, hinge loss + L2, backward, SGD: the demo's loop body. Returns the loss."""
    inputs = [list(map(Value, xrow)) for xrow in X]
    scores = list(map(mlp, inputs))
    losses = [(1 + -yi * si).relu() for yi, si in zip(y, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = ALPHA * sum(p * p for p in mlp.parameters())
    total = data_loss + reg_loss
    mlp.zero_grad()
    total.backward()
    for p in mlp.parameters():
        p.data -= LR * p.grad
    return total.data
