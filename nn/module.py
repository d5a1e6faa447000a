"""``Module``: a function with parameters, found by walking its attributes.

A module's parameters are the ``Value``s among its attributes; its children are the
modules among them. Lists and tuples are looked into, so ``self.layers = [Layer(...)]``
is found as ``layers.0``. The dotted path of every parameter is its name, in the order
the attributes were set: ``layers.0.neurons.3.w.1``.
"""

from __future__ import annotations

import math
import numbers
import reprlib
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, NamedTuple

from autograd import Value, name_scope, recording_scopes


class IncompatibleKeys(NamedTuple):
    """What ``load_state_dict(strict=False)`` skipped: names the model lacks, and extras."""

    missing_keys: list[str]
    unexpected_keys: list[str]


def _members(obj: Any) -> Iterator[tuple[str, Any]]:
    """(name, item) for each Value or Module attribute, looking one level into lists."""
    for name, item in vars(obj).items():
        if name.startswith("_"):
            continue
        if isinstance(item, (Value, Module)):
            yield name, item
        elif isinstance(item, (list, tuple)):
            for i, sub in enumerate(item):
                if isinstance(sub, (Value, Module)):
                    yield f"{name}.{i}", sub


# Values quoted in error messages are cut short: a hostile file's 10 MB string must not
# become a 10 MB message.
_BRIEF = reprlib.Repr()
_BRIEF.maxstring = _BRIEF.maxother = 60
_BRIEF.maxlong = 40
_BRIEF.maxlist = _BRIEF.maxtuple = _BRIEF.maxdict = 6
_BRIEF.maxlevel = 3


def brief(value: Any) -> str:
    """``repr(value)`` cut to a few dozen characters (long strings, lists, ints shortened)."""
    return _BRIEF.repr(value)


def brief_names(names: Sequence[str], shown: int = 5) -> str:
    """A list of names for a message: the first ``shown``, each cut short, then a count."""
    head = ", ".join(brief(n) for n in names[:shown])
    more = len(names) - shown
    return f"[{head}, … and {more} more]" if more > 0 else f"[{head}]"


def state_value(name: str, value: Any, where: str) -> float:
    """Check one number of a state dict: a finite real (not a bool), returned as float."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"{where}: parameter {brief(name)} must be a number, got {brief(value)} "
            f"({type(value).__name__})"
        )
    try:
        value = float(value)
    except OverflowError:
        raise ValueError(
            f"{where}: parameter {brief(name)} is {brief(value)}, too large for a float"
        ) from None
    if not math.isfinite(value):
        raise ValueError(
            f"{where}: parameter {brief(name)} is {value!r}; only finite numbers can be loaded"
        )
    return value


class Module:
    """Base class of every layer and model: parameters, names, gradients and state.

    Subclasses set their parameters (``Value``) and sub-modules as attributes in
    ``__init__`` and define ``forward``; calling the module calls ``forward``.
    Attributes whose names start with ``_`` are private and never searched.

    Example:
        >>> from autograd import Value
        >>> from nn import Module
        >>> class Scale(Module):
        ...     def __init__(self):
        ...         self.k = Value(2.0)
        ...     def forward(self, x):
        ...         return self.k * x
        >>> m = Scale()
        >>> m(3.0).data, [name for name, _ in m.named_parameters()]
        (6.0, ['k'])
    """

    # The module's path segment under its parent ("layers.0"), set when a parent names
    # its children; a module with none is a root and opens no name scope.
    _scope: str | None = None

    def forward(self, x: Any) -> Any:
        """The computation; subclasses define it."""
        raise NotImplementedError(f"{type(self).__name__} must define forward(self, x)")

    def __call__(self, x: Any) -> Any:
        if recording_scopes():
            return self._call_in_scope(x)
        return self.forward(x)

    def _call_in_scope(self, x: Any) -> Any:
        # Only when a picture is being recorded: name the children, then run the forward
        # inside this module's own scope, so every node knows the modules it came from.
        for name, child in self.named_children():
            child._scope = name
        if self._scope is None:
            return self.forward(x)
        with name_scope(self._scope):
            return self.forward(x)

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """(name, module) for each direct sub-module, in attribute order."""
        for name, item in _members(self):
            if isinstance(item, Module):
                yield name, item

    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, Module]]:
        """(dotted name, module) for this module ("") and every module inside it."""
        yield prefix, self
        for name, child in self.named_children():
            yield from child.named_modules(f"{prefix}.{name}" if prefix else name)

    def named_parameters(self, prefix: str = "") -> Iterator[tuple[str, Value]]:
        """(dotted name, parameter) for every parameter, in attribute order.

        Example:
            >>> from nn import Neuron
            >>> [name for name, _ in Neuron(2, seed=0).named_parameters()]
            ['w.0', 'w.1', 'b']
        """
        for name, item in _members(self):
            full = f"{prefix}.{name}" if prefix else name
            if isinstance(item, Module):
                yield from item.named_parameters(full)
            else:
                yield full, item

    def parameters(self) -> list[Value]:
        """Every parameter, in the order of ``named_parameters()``."""
        return [p for _, p in self.named_parameters()]

    def zero_grad(self) -> None:
        """Set every parameter's gradient to 0.0 (before the next backward pass)."""
        for p in self.parameters():
            p.grad = 0.0

    def state_dict(self) -> dict[str, float]:
        """``{name: value}`` for every parameter: the numbers that make this model."""
        return {name: p.data for name, p in self.named_parameters()}

    def load_state_dict(self, state: Mapping[str, Any], strict: bool = True) -> IncompatibleKeys:
        """Copy numbers from ``state`` into the parameters of the same name.

        Everything is checked before anything changes: on any error no parameter moves.

        Args:
            state: ``{name: number}``, e.g. from ``state_dict()``.
            strict: require exactly this model's names (else load the names both have).

        Returns:
            ``IncompatibleKeys(missing_keys, unexpected_keys)``; both empty when strict.

        Raises:
            TypeError: ``state`` is not a mapping, or a value is not a number.
            ValueError: a value is nan or infinite.
            KeyError: (strict) names missing from ``state`` or not in the model.

        Example:
            >>> from nn import MLP
            >>> a, b = MLP(2, [3, 1], seed=0), MLP(2, [3, 1], seed=1)
            >>> b.load_state_dict(a.state_dict())
            IncompatibleKeys(missing_keys=[], unexpected_keys=[])
            >>> a([1.0, 2.0]).data == b([1.0, 2.0]).data
            True
        """
        where = f"{type(self).__name__}.load_state_dict"
        if not isinstance(state, Mapping):
            raise TypeError(
                f"{where} needs a mapping of names to numbers, got {type(state).__name__}"
            )
        params = dict(self.named_parameters())
        missing = [name for name in params if name not in state]
        unexpected = [name for name in state if name not in params]
        if strict and (missing or unexpected):
            raise KeyError(
                f"{where}: state does not match the model: missing {brief_names(missing)}, "
                f"unexpected {brief_names(unexpected)}; pass strict=False to load only the "
                "names both have"
            )
        new = {name: state_value(name, state[name], where) for name in params if name in state}
        for name, value in new.items():
            params[name].data = value
        return IncompatibleKeys(missing, unexpected)

    def extra_repr(self) -> str:
        """The text inside this module's parentheses in ``repr``."""
        return ""

    def __repr__(self) -> str:
        children = list(self.named_children())
        head = f"{type(self).__name__}({self.extra_repr()}"
        if not children:
            return head + ")"
        lines = [head]
        for name, child in children:
            body = repr(child).replace("\n", "\n  ")
            lines.append(f"  ({name}): {body}")
        return "\n".join(lines) + "\n)"
