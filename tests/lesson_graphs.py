"""The graphs the browser tests open: the chain lesson's and a small MLP's, built once here."""

from __future__ import annotations

import nn
from autograd import Value, record_scopes


def chain():
    """The chain lesson's graph: y = w₁x, z = w₂y, e = w₃z, L = ½(e − ê)²."""
    x, target = Value(1.0, label="x"), Value(-1.0, label="ê")
    w1, w2, w3 = Value(0.2333, label="w₁"), Value(-0.233, label="w₂"), Value(-0.5213, label="w₃")
    y = w1 * x
    z = w2 * y
    e = w3 * z
    y.label, z.label, e.label = "y", "z", "e"
    d = e - target
    d.label = "e − ê"
    loss = 0.5 * d**2
    loss.label = "L"
    return loss


def mlp_neuron():
    """A 2-2-1 MLP's squared error on one point, and the scopes that name its weights."""
    model = nn.MLP(2, [2, 1], seed=0)
    with record_scopes() as scopes:
        loss = nn.mse_loss([model([0.5, -1.0])], [1.0])
    return loss, scopes
