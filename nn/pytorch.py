"""The bridge to PyTorch: an ``nn.MLP`` as a ``torch.nn.Sequential`` and back.

A learner who outgrows scalars keeps the network: ``MLP.to_torch()`` gives the same
layers (``Linear`` then the activation module PyTorch names it by), the same weights in
float64, and so the same outputs and gradients; ``MLP.from_torch(module)`` reads such a
``Sequential`` back after checking all of it. torch is imported here, inside the functions,
so ``import nn`` never needs it (the ``torch`` extra: ``pip install -e '.[torch]'``).
"""

from __future__ import annotations

import math
from typing import Any

from .layers import MLP

# Our activation name -> the torch.nn module class that computes it (leaky_relu: slope 0.01
# in both libraries).
TORCH_ACTIVATIONS = {
    "tanh": "Tanh",
    "relu": "ReLU",
    "sigmoid": "Sigmoid",
    "leaky_relu": "LeakyReLU",
}
LEAKY_SLOPE = 0.01


def _torch(what: str) -> Any:
    try:
        import torch
    except ImportError:
        raise ImportError(
            f"{what} needs PyTorch: pip install torch (or chainrule's torch extra, "
            "from a checkout: pip install -e '.[torch]')"
        ) from None
    return torch


def _finite(name: str, values: list[float], where: str) -> None:
    for i, v in enumerate(values):
        if not math.isfinite(v):
            raise ValueError(
                f"{where}: {name}[{i}] is {v!r}; only finite weights are converted "
                "(a network that diverged needs retraining, not converting)"
            )


def to_torch(model: MLP) -> Any:
    """The ``torch.nn.Sequential`` that computes what ``model`` computes, in float64.

    Each layer becomes ``torch.nn.Linear(nin, nout)`` (weight row j = neuron j's weights,
    bias j = its bias), followed by ``Tanh``/``ReLU``/``Sigmoid``/``LeakyReLU`` unless the
    layer is linear. The torch module owns copies: training one leaves the other as it was.

    Args:
        model: the ``nn.MLP`` to convert.

    Returns:
        A ``torch.nn.Sequential`` with float64 parameters (a one-output network returns a
        tensor of shape ``(1,)`` where the MLP returns one Value).

    Example:
        >>> import nn, torch
        >>> model = nn.MLP(2, [3, 1], activation="tanh", seed=0)
        >>> net = model.to_torch()
        >>> net
        Sequential(
          (0): Linear(in_features=2, out_features=3, bias=True)
          (1): Tanh()
          (2): Linear(in_features=3, out_features=1, bias=True)
        )
        >>> x = [0.5, -1.0]
        >>> abs(net(torch.tensor(x, dtype=torch.float64)).item() - model(x).data) < 1e-12
        True
    """
    if not isinstance(model, MLP):
        raise TypeError(f"to_torch: needs an nn.MLP, got {type(model).__name__}")
    torch = _torch("MLP.to_torch()")
    modules = []
    for k, layer in enumerate(model.layers):
        where = f"to_torch: layer {k}"
        weights = [[w.data for w in n.w] for n in layer.neurons]
        biases = [n.b.data for n in layer.neurons]
        for j, row in enumerate(weights):
            _finite(f"neuron {j} weight", row, where)
        _finite("bias", biases, where)
        linear = torch.nn.Linear(len(weights[0]), len(weights), dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(torch.tensor(weights, dtype=torch.float64))
            linear.bias.copy_(torch.tensor(biases, dtype=torch.float64))
        modules.append(linear)
        act = layer.config()["activation"]
        if act != "linear":
            modules.append(getattr(torch.nn, TORCH_ACTIVATIONS[act])())
    return torch.nn.Sequential(*modules)


def _activation_name(torch: Any, module: Any, index: int) -> str:
    for name, cls in TORCH_ACTIVATIONS.items():
        if type(module) is getattr(torch.nn, cls):
            if name == "leaky_relu" and module.negative_slope != LEAKY_SLOPE:
                raise ValueError(
                    f"from_torch: module {index} is LeakyReLU(negative_slope="
                    f"{module.negative_slope}); nn.MLP's leaky_relu has slope {LEAKY_SLOPE}"
                )
            return name
    supported = ", ".join(["Linear", *TORCH_ACTIVATIONS.values()])
    raise ValueError(
        f"from_torch: module {index} is {type(module).__name__}, which nn.MLP has no "
        f"counterpart for; a Sequential of {supported} converts"
    )


def _layers(torch: Any, module: Any) -> list[tuple[Any, str]]:
    """(Linear, activation name) per layer, after checking the order of the modules."""
    layers: list[tuple[Any, str]] = []
    for i, m in enumerate(module):
        if type(m) is torch.nn.Linear:
            if m.bias is None:
                raise ValueError(f"from_torch: module {i} is Linear without a bias; "
                                 "every nn.MLP neuron has one (use bias=True)")
            layers.append((m, "linear"))
            continue
        name = _activation_name(torch, m, i)
        if not layers or layers[-1][1] != "linear":
            raise ValueError(f"from_torch: module {i} ({type(m).__name__}) must follow a "
                             "Linear: nn.MLP applies one activation after each layer")
        layers[-1] = (layers[-1][0], name)
    if not layers:
        raise ValueError("from_torch: the Sequential has no Linear layer to convert")
    return layers


def from_torch(module: Any) -> MLP:
    """The ``nn.MLP`` that computes what a ``torch.nn.Sequential`` of Linear layers and
    activations computes, with its weights as float64 Values.

    Everything is checked before anything is built: the modules (``Linear`` with a bias,
    each optionally followed by ``Tanh``, ``ReLU``, ``Sigmoid`` or ``LeakyReLU(0.01)``;
    the hidden layers sharing one activation), the shapes (each Linear reads what the one
    before writes) and the weights (finite). The torch module is never changed.

    Args:
        module: a ``torch.nn.Sequential``.

    Returns:
        A new ``nn.MLP``.

    Example:
        >>> import nn, torch
        >>> net = torch.nn.Sequential(torch.nn.Linear(2, 4), torch.nn.ReLU(), torch.nn.Linear(4, 1))
        >>> nn.MLP.from_torch(net)
        MLP(
          (layers.0): Layer(2 → 4, activation='relu')
          (layers.1): Layer(4 → 1, activation='linear')
        )
    """
    torch = _torch("MLP.from_torch()")
    if not isinstance(module, torch.nn.Sequential):
        raise TypeError(f"from_torch: needs a torch.nn.Sequential, got {type(module).__name__}")
    layers = _layers(torch, module)
    hidden = {act for _, act in layers[:-1]}
    if len(hidden) > 1:
        raise ValueError(f"from_torch: the hidden layers use different activations "
                         f"{sorted(hidden)}; nn.MLP gives every hidden layer the same one")
    weights, biases = [], []
    nin = layers[0][0].in_features
    width = nin
    for k, (linear, _) in enumerate(layers):
        where = f"from_torch: layer {k}"
        w = linear.weight.detach().to("cpu", torch.float64)
        b = linear.bias.detach().to("cpu", torch.float64)
        if w.dim() != 2 or w.shape[1] != width or b.shape != (w.shape[0],):
            raise ValueError(
                f"{where} has weight {tuple(w.shape)} and bias {tuple(b.shape)}, but the "
                f"layer before gives {width} outputs: expected weight (n, {width}), bias (n,)"
            )
        rows, bias = w.tolist(), b.tolist()
        for j, row in enumerate(rows):
            _finite(f"weight row {j}", row, where)
        _finite("bias", bias, where)
        weights.append(rows)
        biases.append(bias)
        width = len(rows)
    model = MLP(
        nin,
        [len(rows) for rows in weights],
        activation=hidden.pop() if hidden else "tanh",
        last_activation=layers[-1][1],
        seed=0,
    )
    for layer, rows, bias in zip(model.layers, weights, biases):
        for neuron, row, b in zip(layer.neurons, rows, bias):
            for w_value, x in zip(neuron.w, row):
                w_value.data = x
            neuron.b.data = b
    return model
