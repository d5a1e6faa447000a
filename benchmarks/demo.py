"""One full-batch step of the classic demo, six ways: the same data, weights and loss."""

from __future__ import annotations

from moons import ALPHA, LR, SIZES

import autograd
import nn
from autograd import Value


def chainrule_model(weights):
    """nn.MLP(2, [16, 16, 1], activation="relu") holding the shared initial weights."""
    model = nn.MLP(SIZES[0], SIZES[1:], activation="relu", seed=0)
    for layer, ws in zip(model.layers, weights):
        for neuron, (w, b) in zip(layer.neurons, ws):
            for p, v in zip(neuron.w, w):
                p.data = v
            neuron.b.data = b
    return model


def regularization(params):
    return ALPHA * autograd.sum([p * p for p in params])


def eager_step(model, X, y):
    """The demo's loop body on the engine, building the whole graph every step."""
    params = model.parameters()
    total = nn.hinge_loss([model(xi) for xi in X], y) + regularization(params)
    for p in params:
        p.grad = 0.0
    total.backward()
    for p in params:
        p.data -= LR * p.grad
    return total.data


def whole_graph_tape(model, X, y, outline=True):
    """The full-batch loss traced once (data baked in): replays bit-identical to eager.
    ``outline=False``: every sample's nodes written out, none called as a block."""
    params = model.parameters()
    total = nn.hinge_loss([model(xi) for xi in X], y) + regularization(params)
    return autograd.compile(total, params=params, outline=outline)


def per_sample_tape(model):
    """One sample's loss (+ the L2 term, computed once per batch) with data leaves.

    The hinge term is written out: nn.hinge_loss takes numbers as targets, and here
    the target must be a data leaf.
    """
    x = [Value(0.0, label="x0"), Value(0.0, label="x1")]
    label = Value(0.0, label="y")
    loss = (1.0 - label * model(x)).relu() + regularization(model.parameters())
    return autograd.compile(loss, params=model.parameters(), data=[*x, label])


def tape_step(tape, run, rows):
    """A compiled step: replay, then the same SGD update."""
    loss, grads = run(rows) if rows is not None else run()
    for p, g in zip(tape.params, grads):
        p.data -= LR * g
    return loss


def torch_scalar(weights):
    import torch

    params = [[([torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in w],
                torch.tensor(b, dtype=torch.float64, requires_grad=True)) for w, b in layer]
              for layer in weights]
    flat = [p for layer in params for w, b in layer for p in (*w, b)]

    def step(X, y):
        losses = []
        for xi, yi in zip(X, y):
            x = [torch.tensor(v, dtype=torch.float64) for v in xi]
            for i, layer in enumerate(params):
                x = [sum((wi * xj for wi, xj in zip(w, x)), b) for w, b in layer]
                if i < len(params) - 1:
                    x = [torch.relu(v) for v in x]
            losses.append(torch.relu(1.0 - yi * x[0]))
        total = sum(losses) * (1.0 / len(losses)) + ALPHA * sum(p * p for p in flat)
        for p in flat:
            p.grad = None
        total.backward()
        with torch.no_grad():
            for p in flat:
                p -= LR * p.grad
        return total.item()

    step.params = lambda: [p.item() for p in flat]
    return step


def torch_batched(weights, dtype_name):
    import torch

    dtype = getattr(torch, dtype_name)
    params = []
    for layer in weights:
        params.append(torch.tensor([w for w, _ in layer], dtype=dtype, requires_grad=True))
        params.append(torch.tensor([b for _, b in layer], dtype=dtype, requires_grad=True))

    def step(Xt, yt):
        h = Xt
        for i in range(0, len(params), 2):
            h = h @ params[i].T + params[i + 1]
            if i < len(params) - 2:
                h = torch.relu(h)
        data_loss = torch.relu(1.0 - yt * h[:, 0]).mean()
        total = data_loss + ALPHA * sum((p * p).sum() for p in params)
        for p in params:
            p.grad = None
        total.backward()
        with torch.no_grad():
            for p in params:
                p -= LR * p.grad
        return total.item()

    def flat():
        pairs = zip(params[0::2], params[1::2])
        return [v for W, b in pairs for row, bj in zip(W.tolist(), b.tolist()) for v in (*row, bj)]

    step.params = flat
    return step
