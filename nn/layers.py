"""``Neuron``, ``Layer`` and ``MLP``: the fully connected network, one scalar at a time.

A neuron computes ``act(w · x + b)``: one ``autograd.dot`` node for the weighted sum,
one ``add`` node for the bias, one node for the activation. Weights and bias start
uniform in ``[-1/√nin, 1/√nin]``, PyTorch's ``nn.Linear`` default, drawn from
``random.Random(seed)`` in the order of ``named_parameters()``: the same seed gives the
same network.
"""

from __future__ import annotations

import itertools
import numbers
import random
from collections.abc import Mapping, Sequence
from typing import Any

from autograd import Value, dot
from autograd.ops import subscript

from .module import Module, brief

ACTIVATIONS = ("tanh", "relu", "sigmoid", "leaky_relu", "linear")


def _activation(name: Any, where: str) -> Any:
    """The Value method for an activation name (None for linear)."""
    if name not in ACTIVATIONS:
        raise ValueError(f"{where}: unknown activation {brief(name)}; choose one of {ACTIVATIONS}")
    return None if name == "linear" else getattr(Value, name)


def _config_keys(config: Any, keys: tuple[str, ...], where: str) -> None:
    """Check that ``config`` is a mapping with exactly ``keys`` (what ``config()`` returns)."""
    if not isinstance(config, Mapping):
        raise TypeError(f"{where}: a config is a mapping of {keys}, got {type(config).__name__}")
    missing = [k for k in keys if k not in config]
    extra = [k for k in config if k not in keys]
    if missing or extra:
        raise ValueError(
            f"{where}: not a complete {where} config: missing {missing}, unknown "
            f"{brief(extra)}; its keys are exactly {list(keys)}"
        )


def _size(n: Any, what: str, where: str) -> int:
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"{where}: {what} must be a positive whole number, got {brief(n)}")
    return n


def _rng(seed: int | random.Random | None) -> random.Random:
    return seed if isinstance(seed, random.Random) else random.Random(seed)


def as_inputs(x: Any) -> tuple[Value, ...]:
    """The inputs as a tuple of Values: numbers become leaves labelled x₁, x₂, … (once per call).

    A single Value or number counts as a list of one input.
    """
    x = (x,) if isinstance(x, (Value, numbers.Real)) else tuple(x)
    for v in x:
        if type(v) is not Value:
            return tuple(
                v if isinstance(v, Value) else Value(v, label=f"x{subscript(i + 1)}")
                for i, v in enumerate(x)
            )
    return x


class Neuron(Module):
    """One neuron: ``act(w₁x₁ + … + wₙxₙ + b)``.

    Args:
        nin: number of inputs.
        activation: one of ``tanh relu sigmoid leaky_relu linear``.
        seed: an int (or a ``random.Random`` to draw from) for reproducible weights.

    Example:
        >>> from nn import Neuron
        >>> n = Neuron(2, activation="linear", seed=0)
        >>> out = n([1.0, -1.0])
        >>> out.data == n.w[0].data - n.w[1].data + n.b.data
        True
    """

    def __init__(self, nin: int, activation: str = "tanh", seed: int | random.Random | None = None):
        nin = _size(nin, "nin", "Neuron")
        _activation(activation, "Neuron")
        # The name, not Value's method: a module holds only data, so it pickles and copies.
        self._activation = activation
        rng = _rng(seed)
        bound = nin**-0.5
        self.w = tuple(
            Value(rng.uniform(-bound, bound), label=f"w{subscript(i + 1)}") for i in range(nin)
        )
        self.b = Value(rng.uniform(-bound, bound), label="b")

    def forward(self, x: Sequence[Any]) -> Value:
        """act(w · x + b) for one input vector."""
        z = dot(self.w, x) + self.b
        name = self._activation
        return z if name == "linear" else getattr(z, name)()

    def config(self) -> dict[str, Any]:
        """The arguments that rebuild this neuron's shape (``nn.save`` stores them)."""
        return {"nin": len(self.w), "activation": self._activation}

    @staticmethod
    def parameter_count(config: Mapping[str, Any]) -> int:
        """How many parameters ``Neuron(**config)`` has, checked as ``__init__`` checks it,
        without building anything (``nn.load`` compares it with a file's count first)."""
        _config_keys(config, ("nin", "activation"), "Neuron")
        _activation(config["activation"], "Neuron")
        return _size(config["nin"], "nin", "Neuron") + 1

    def extra_repr(self) -> str:
        return f"{len(self.w)}, activation={self._activation!r}"


class Layer(Module):
    """``nout`` neurons reading the same inputs; returns a list (a Value when ``nout == 1``).

    Args:
        nin: inputs per neuron.
        nout: number of neurons.
        activation: every neuron's activation.
        seed: an int (or a ``random.Random`` to draw from) for reproducible weights.

    Example:
        >>> from nn import Layer
        >>> layer = Layer(3, 2, activation="relu", seed=0)
        >>> len(layer([1.0, 2.0, 3.0]))
        2
    """

    def __init__(
        self,
        nin: int,
        nout: int,
        activation: str = "tanh",
        seed: int | random.Random | None = None,
    ):
        _size(nin, "nin", "Layer")
        _size(nout, "nout", "Layer")
        _activation(activation, "Layer")
        rng = _rng(seed)
        self._activation = activation
        self.neurons = [Neuron(nin, activation, rng) for _ in range(nout)]

    def forward(self, x: Sequence[Any]) -> Value | list[Value]:
        """Every neuron on the same inputs (numbers are made Values once, shared by all)."""
        x = as_inputs(x)
        neurons = self.neurons
        if len(x) != len(neurons[0].w):
            raise ValueError(f"Layer expects {len(neurons[0].w)} inputs, got {len(x)}: {x!r}")
        outs = [n(x) for n in neurons]
        return outs[0] if len(outs) == 1 else outs

    def config(self) -> dict[str, Any]:
        """The arguments that rebuild this layer's shape (``nn.save`` stores them)."""
        return {
            "nin": len(self.neurons[0].w),
            "nout": len(self.neurons),
            "activation": self._activation,
        }

    @staticmethod
    def parameter_count(config: Mapping[str, Any]) -> int:
        """How many parameters ``Layer(**config)`` has, checked without building anything."""
        _config_keys(config, ("nin", "nout", "activation"), "Layer")
        _activation(config["activation"], "Layer")
        nin, nout = _size(config["nin"], "nin", "Layer"), _size(config["nout"], "nout", "Layer")
        return (nin + 1) * nout

    def __repr__(self) -> str:
        c = self.config()
        return f"Layer({c['nin']} → {c['nout']}, activation={c['activation']!r})"


class MLP(Module):
    """A multi-layer perceptron: fully connected layers, the last one linear by default.

    Args:
        nin: number of inputs.
        nouts: the width of each layer, e.g. ``[16, 16, 1]``.
        activation: the hidden layers' activation (``tanh relu sigmoid leaky_relu linear``).
        seed: an int for reproducible weights (None: different every time).
        last_activation: the output layer's activation; ``"linear"`` gives raw scores
            (logits) for the losses, as in PyTorch.

    Returns (when called):
        A Value for a one-output network, else a list of Values.

    Example:
        >>> from nn import MLP
        >>> model = MLP(2, [16, 16, 1], activation="relu", seed=0)
        >>> len(model.parameters())
        337
        >>> model([0.5, -1.0])
        Value(data=...)
        >>> model
        MLP(
          (layers.0): Layer(2 → 16, activation='relu')
          (layers.1): Layer(16 → 16, activation='relu')
          (layers.2): Layer(16 → 1, activation='linear')
        )
    """

    def __init__(
        self,
        nin: int,
        nouts: Sequence[int],
        activation: str = "tanh",
        seed: int | random.Random | None = None,
        last_activation: str = "linear",
    ):
        sizes = _mlp_sizes(nin, nouts, activation, last_activation)
        rng = _rng(seed)
        acts = [activation] * (len(nouts) - 1) + [last_activation]
        self._config: dict[str, Any] = {
            "nin": nin,
            "nouts": list(nouts),
            "activation": activation,
            "last_activation": last_activation,
        }
        self.layers = [Layer(sizes[i], sizes[i + 1], acts[i], rng) for i in range(len(nouts))]

    def forward(self, x: Sequence[Any]) -> Value | list[Value]:
        """The layers in turn; plain-number inputs become Values once per call."""
        out: Any = as_inputs(x)
        for layer in self.layers:
            out = layer(out)
        return out

    def config(self) -> dict[str, Any]:
        """The arguments that rebuild this network's shape (``nn.save`` stores them)."""
        return {**self._config, "nouts": list(self._config["nouts"])}

    def to_torch(self) -> Any:
        """This network as a float64 ``torch.nn.Sequential`` with the same weights (nn.pytorch)."""
        from .pytorch import to_torch

        return to_torch(self)

    @classmethod
    def from_torch(cls, module: Any) -> MLP:
        """A new MLP with the layers and weights of a ``torch.nn.Sequential`` (nn.pytorch)."""
        from .pytorch import from_torch

        return from_torch(module)

    @staticmethod
    def parameter_count(config: Mapping[str, Any]) -> int:
        """How many parameters ``MLP(**config)`` has, checked as ``__init__`` checks it,
        without building anything (``nn.load`` compares it with a file's count first).

        Example:
            >>> from nn import MLP
            >>> config = MLP(2, [16, 16, 1], seed=0).config()
            >>> MLP.parameter_count(config), len(MLP(**config).parameters())
            (337, 337)
        """
        _config_keys(config, ("nin", "nouts", "activation", "last_activation"), "MLP")
        sizes = _mlp_sizes(
            config["nin"], config["nouts"], config["activation"], config["last_activation"]
        )
        return sum((a + 1) * b for a, b in itertools.pairwise(sizes))


def _mlp_sizes(nin: Any, nouts: Any, activation: Any, last_activation: Any) -> list[int]:
    """``[nin, *nouts]`` after checking every argument of ``MLP`` but the seed."""
    _size(nin, "nin", "MLP")
    if isinstance(nouts, (str, bytes)) or not isinstance(nouts, Sequence) or not nouts:
        raise ValueError(
            f"MLP: nouts must be a non-empty list of layer widths, got {brief(nouts)}"
        )
    for n in nouts:
        _size(n, "each layer width in nouts", "MLP")
    _activation(activation, "MLP")
    _activation(last_activation, "MLP (last_activation)")
    return [nin, *nouts]
