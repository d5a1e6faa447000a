"""The classic demo's training step, once per engine: every contender trains the same model.

100 two-moons points, MLP 2-16-16-1 (ReLU hidden layers, linear output), hinge loss
+ 1e-4·Σp², full batch, SGD with lr 1.0, all from the same initial weights.

A contender is ``make(X, y, weights) -> Runner``. ``runner.run(k)`` does k training steps
and returns the loss of the first; ``runner.params()`` reads the weights back as one flat
list in one order (layer by layer, neuron by neuron, its weights then its bias), so the
harness can check that every contender computes the same loss and gradients (with
lr = 1, the first step's gradient is the weights before minus the weights after).

Each contender imports its own engine inside ``make``: the harness runs it in a fresh
process (HIPS autograd's in a venv of its own: its package is also called ``autograd``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from moons import ALPHA, LR


@dataclass
class Runner:
    run: Callable[[int], float]
    params: Callable[[], list[float]]
    # fit() traces and compiles on every call: this runs fit for k epochs and returns the
    # time at the end of each epoch, so the harness times epochs without that setup.
    epoch_stamps: Callable[[int], list[float]] | None = None


def _loop(step: Callable[[], float]) -> Callable[[int], float]:
    def run(k: int) -> float:
        first = step()
        for _ in range(k - 1):
            step()
        return first

    return run


def _value_params(model: Any) -> Callable[[], list[float]]:
    return lambda: [p.data for p in model.parameters()]


def micrograd(X, y, weights) -> Runner:
    import micrograd_demo

    model = micrograd_demo.model(weights)
    return Runner(_loop(lambda: micrograd_demo.step(model, X, y)), _value_params(model))


def eager(X, y, weights) -> Runner:
    import demo

    model = demo.chainrule_model(weights)
    return Runner(_loop(lambda: demo.eager_step(model, X, y)), _value_params(model))


def whole_tape(X, y, weights) -> Runner:
    import demo

    model = demo.chainrule_model(weights)
    tape = demo.whole_graph_tape(model, X, y)
    return Runner(_loop(lambda: demo.tape_step(tape, tape.grad, None)), _value_params(model))


def whole_tape_written(X, y, weights) -> Runner:
    import demo

    model = demo.chainrule_model(weights)
    tape = demo.whole_graph_tape(model, X, y, outline=False)
    return Runner(_loop(lambda: demo.tape_step(tape, tape.grad, None)), _value_params(model))


def grad_batch(X, y, weights) -> Runner:
    import demo
    import numpy as np

    model = demo.chainrule_model(weights)
    tape = demo.per_sample_tape(model)
    rows = np.array([[*x, t] for x, t in zip(X, y)])
    return Runner(_loop(lambda: demo.tape_step(tape, tape.grad_batch, rows)),
                  _value_params(model))


def fit_compiled(X, y, weights) -> Runner:
    import demo

    import nn

    model = demo.chainrule_model(weights)
    opt = nn.SGD(model.parameters(), lr=LR)

    def run(k: int, clock: _EpochClock | None = None) -> float:
        history = nn.fit(model, X, y, nn.hinge_loss, opt, k, l2=ALPHA, progress=False,
                         compile=True, scheduler=clock)
        return history["loss"][0]

    def epoch_stamps(k: int) -> list[float]:
        clock = _EpochClock()
        run(k, clock)
        return clock.stamps

    return Runner(run, _value_params(model), epoch_stamps=epoch_stamps)


class _EpochClock:
    """Given to fit as its scheduler: fit steps it after every epoch, so its stamps time
    whole epochs (fit's own loop included) without the trace and compile before them."""

    def __init__(self) -> None:
        self.stamps: list[float] = []

    def step(self) -> None:
        self.stamps.append(time.perf_counter())


def torch_scalar(X, y, weights) -> Runner:
    import demo
    import torch

    torch.set_num_threads(1)
    step = demo.torch_scalar(weights)
    return Runner(_loop(lambda: step(X, y)), step.params)


def torch_batched(X, y, weights) -> Runner:
    import demo
    import torch

    # 100×16 tensors are far below PyTorch's grain for intra-op threads.
    torch.set_num_threads(1)
    step = demo.torch_batched(weights, "float64")
    Xt, yt = torch.tensor(X, dtype=torch.float64), torch.tensor(y, dtype=torch.float64)
    return Runner(_loop(lambda: step(Xt, yt)), step.params)


def _layers(weights):
    """Per layer: (W as rows of weights, b), as nested lists."""
    return [([list(w) for w, _ in layer], [b for _, b in layer]) for layer in weights]


def _flat(layers) -> list[float]:
    return [float(v) for W, b in layers for row, bj in zip(W, b) for v in (*row, bj)]


def jax(X, y, weights) -> Runner:
    import os

    os.environ.setdefault("JAX_PLATFORMS", "cpu")
    import jax as jx
    import jax.numpy as jnp

    jx.config.update("jax_enable_x64", True)
    Xj, yj = jnp.asarray(X, dtype=jnp.float64), jnp.asarray(y, dtype=jnp.float64)

    def loss(params, X, y):
        h = X
        for i, (W, b) in enumerate(params):
            h = h @ W.T + b
            if i < len(params) - 1:
                h = jnp.maximum(h, 0.0)
        data = jnp.mean(jnp.maximum(1.0 - y * h[:, 0], 0.0))
        return data + ALPHA * sum(jnp.sum(W * W) + jnp.sum(b * b) for W, b in params)

    @jx.jit
    def update(params, X, y):
        value, grads = jx.value_and_grad(loss)(params, X, y)
        new = [(W - LR * gW, b - LR * gb) for (W, b), (gW, gb) in zip(params, grads)]
        return new, value

    state = [[(jnp.asarray(W, dtype=jnp.float64), jnp.asarray(b, dtype=jnp.float64))
              for W, b in _layers(weights)]]

    def step() -> float:
        state[0], value = update(state[0], Xj, yj)
        return float(value)  # waits for the result

    def params() -> list[float]:
        return _flat([(W.tolist(), b.tolist()) for W, b in state[0]])

    return Runner(_loop(step), params)


def hips_autograd(X, y, weights) -> Runner:
    import autograd.numpy as anp
    import numpy as np

    import autograd

    assert hasattr(autograd, "grad") and not hasattr(autograd, "Value"), autograd.__file__
    Xa, ya = np.array(X), np.array(y)

    def loss(params):
        h = Xa
        for i, (W, b) in enumerate(params):
            h = anp.dot(h, W.T) + b
            if i < len(params) - 1:
                h = anp.maximum(h, 0.0)
        data = anp.mean(anp.maximum(1.0 - ya * h[:, 0], 0.0))
        return data + ALPHA * sum(anp.sum(W * W) + anp.sum(b * b) for W, b in params)

    value_and_grad = autograd.value_and_grad(loss)
    params = [(np.array(W), np.array(b)) for W, b in _layers(weights)]

    def step() -> float:
        value, grads = value_and_grad(params)
        for (W, b), (gW, gb) in zip(params, grads):
            W -= LR * gW
            b -= LR * gb
        return float(value)

    return Runner(_loop(step), lambda: _flat([(W.tolist(), b.tolist()) for W, b in params]))


def floor_floats(X, y, weights) -> Runner:
    """Hand-written pure Python: forward and backward per sample, lists of floats."""
    from operator import mul

    layers = _layers(weights)
    n, last = len(X), len(layers) - 1

    def step() -> float:
        grads = [([[0.0] * len(W[0]) for _ in W], [0.0] * len(b)) for W, b in layers]
        columns = [list(zip(*W)) for W, _ in layers]
        total = 0.0
        for x, t in zip(X, y):
            acts, h = [], x
            for i, (W, b) in enumerate(layers):
                acts.append(h)
                z = [sum(map(mul, row, h)) + bj for row, bj in zip(W, b)]
                h = z if i == last else [v if v > 0.0 else 0.0 for v in z]
            margin = 1.0 - t * h[0]
            if margin <= 0.0:
                continue  # relu's flat side: this sample adds nothing to the gradient
            total += margin
            g = [-t / n]
            for i in range(last, -1, -1):
                gW, gb = grads[i]
                a = acts[i]
                for j, gj in enumerate(g):
                    if gj:
                        gW[j] = [r + gj * ak for r, ak in zip(gW[j], a)]
                        gb[j] += gj
                if i:
                    # back through W, then through the previous layer's relu (a > 0)
                    g = [sum(map(mul, col, g)) if ak > 0.0 else 0.0
                         for col, ak in zip(columns[i], a)]
        penalty = 0.0
        for (W, b), (gW, gb) in zip(layers, grads):
            for j, (row, grow) in enumerate(zip(W, gW)):
                penalty += sum(map(mul, row, row))
                W[j] = [w - LR * (gw + 2.0 * ALPHA * w) for w, gw in zip(row, grow)]
            penalty += sum(map(mul, b, b))
            b[:] = [bj - LR * (gbj + 2.0 * ALPHA * bj) for bj, gbj in zip(b, gb)]
        return total / n + ALPHA * penalty

    return Runner(_loop(step), lambda: _flat(layers))


def floor_numpy(X, y, weights) -> Runner:
    """Hand-written numpy float64: the batch as matrices, backward by hand."""
    import numpy as np

    Xa, ya = np.array(X), np.array(y)
    n = len(X)
    params = [(np.array(W), np.array(b)) for W, b in _layers(weights)]

    def step() -> float:
        (W1, b1), (W2, b2), (W3, b3) = params
        z1 = Xa @ W1.T + b1
        h1 = np.maximum(z1, 0.0)
        z2 = h1 @ W2.T + b2
        h2 = np.maximum(z2, 0.0)
        s = h2 @ W3[0] + b3[0]
        margin = 1.0 - ya * s
        active = margin > 0.0
        penalty = sum(float(np.dot(W.ravel(), W.ravel())) + float(np.dot(b, b))
                      for W, b in params)
        loss = float(margin[active].sum()) / n + ALPHA * penalty
        gs = np.where(active, ya * (-1.0 / n), 0.0)
        gz2 = np.outer(gs, W3[0]) * (z2 > 0.0)
        gz1 = (gz2 @ W2) * (z1 > 0.0)
        grads = [(gz1.T @ Xa, gz1.sum(0)), (gz2.T @ h1, gz2.sum(0)),
                 ((gs @ h2)[None, :], np.array([gs.sum()]))]
        for (W, b), (gW, gb) in zip(params, grads):
            W -= LR * (gW + 2.0 * ALPHA * W)
            b -= LR * (gb + 2.0 * ALPHA * b)
        return loss

    return Runner(_loop(step), lambda: _flat([(W.tolist(), b.tolist()) for W, b in params]))


def floor_numpy_flat(X, y, weights) -> Runner:
    """The numpy floor in a tape's layout: one flat parameter vector, one data array.

    What ``grad_batch`` would run if autograd's batched replay grouped a layer's ``dot``
    nodes into one matrix product: each layer's weights gathered from the vector by an
    index array, its gradient scattered back the same way; l2 and SGD on the vector,
    as ``fit(compile=True)`` does. The target for that lowering (see issue #12).
    """
    import numpy as np

    layers = _layers(weights)
    blocks, start = [], 0
    for W, _ in layers:
        k, nin = len(W), len(W[0])
        idx = start + np.arange(k)[:, None] * (nin + 1) + np.arange(nin)[None, :]
        blocks.append((idx, idx[:, -1] + 1))  # a neuron's weights, then its bias
        start += k * (nin + 1)
    P = np.array(_flat(layers))
    R = np.array([[*x, t] for x, t in zip(X, y)])
    seed = 1.0 / len(X)
    (i1, b1), (i2, b2), (i3, b3) = blocks

    def step() -> float:
        S = np.ascontiguousarray(R[:, :2].T)
        t = R[:, 2]
        W1, W2, W3 = P[i1], P[i2], P[i3]
        Z1 = W1 @ S + P[b1][:, None]
        H1 = np.where(Z1 > 0.0, Z1, 0.0)
        Z2 = W2 @ H1 + P[b2][:, None]
        H2 = np.where(Z2 > 0.0, Z2, 0.0)
        s = (W3 @ H2 + P[b3][:, None])[0]
        m = 1.0 - t * s
        loss = float(np.where(m > 0.0, m, 0.0).sum()) * seed + ALPHA * float(P @ P)
        G3 = (-t * np.where(m > 0.0, seed, 0.0))[None, :]
        g = np.zeros_like(P)
        g[i3], g[b3] = G3 @ H2.T, G3.sum(1)
        G2 = (W3.T @ G3) * (Z2 > 0.0)
        g[i2], g[b2] = G2 @ H1.T, G2.sum(1)
        G1 = (W2.T @ G2) * (Z1 > 0.0)
        g[i1], g[b1] = G1 @ S.T, G1.sum(1)
        g += ALPHA * P
        g += ALPHA * P
        P[:] -= LR * g
        return loss

    return Runner(_loop(step), lambda: P.tolist())


# name: (label, make, needs the chainrule checkout on sys.path)
CONTENDERS: dict[str, tuple[str, Callable[..., Runner], bool]] = {
    "micrograd": ("micrograd 0.1.0 (reference)", micrograd, True),
    "eager": ("chainrule eager (nn.MLP, backward)", eager, True),
    "whole_tape": ("chainrule whole-graph tape (`tape.grad`, floats)", whole_tape, True),
    "whole_tape_written": ("chainrule whole-graph tape written out (`outline=False`)",
                           whole_tape_written, True),
    "grad_batch": ("chainrule per-sample tape, `grad_batch` (numpy)", grad_batch, True),
    "fit_compiled": ("chainrule `nn.fit(compile=True)`, per step", fit_compiled, True),
    "torch_scalar": ("PyTorch 0-d tensors (float64)", torch_scalar, True),
    "torch_batched": ("PyTorch batched (float64)", torch_batched, True),
    "jax": ("JAX `jit(value_and_grad)` step (float64, CPU)", jax, True),
    "hips_autograd": ("HIPS autograd (numpy float64)", hips_autograd, False),
    "floor_floats": ("floor: hand-written floats (pure Python)", floor_floats, False),
    "floor_numpy": ("floor: hand-written numpy (float64)", floor_numpy, False),
    "floor_numpy_flat": ("floor: numpy over one flat parameter vector (a tape's layout)",
                         floor_numpy_flat, False),
}
SLOW = {"micrograd", "torch_scalar"}
