"""``save`` and ``load``: a model as a JSON file, written atomically, read with full checks.

The file holds a format name and version, the architecture (the arguments that
rebuild the model) and every parameter by name. Floats are written with ``repr``,
which Python reads back to the very same float, so a loaded model's outputs are
bit-identical. Never pickle: a JSON file cannot run code when it is opened.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Callable, Mapping
from typing import Any

from .layers import MLP, Layer, Neuron
from .module import Module

FORMAT = "chainrule.nn"
VERSION = 1
KEYS = ("format", "version", "architecture", "parameters")
MODELS: dict[str, type[Module]] = {"MLP": MLP, "Layer": Layer, "Neuron": Neuron}


class ModelFileError(ValueError):
    """A model file that cannot be loaded: unreadable, corrupt, or not matching the model."""


def _config(model: Module) -> dict[str, Any]:
    kind = type(model).__name__
    if MODELS.get(kind) is not type(model):
        raise TypeError(
            f"save: cannot describe the architecture of {kind}; save works for "
            f"{sorted(MODELS)} (for another module, save model.state_dict() yourself)"
        )
    return {"type": kind, **model.config()}  # type: ignore[attr-defined]


def save(model: Module, path: str | os.PathLike[str]) -> None:
    """Write ``model`` to ``path`` as JSON, atomically: the old file survives any failure.

    The text goes to a temporary file in the same directory, is flushed to disk, and
    then replaces ``path`` in one ``os.replace``; on failure the temporary file is removed.

    Args:
        model: an ``MLP``, ``Layer`` or ``Neuron``.
        path: where to write (conventionally ``*.json``).

    Raises:
        TypeError: the model is not one whose architecture can be saved.
        ValueError: a parameter is nan or infinite.
        OSError: the file could not be written (the old one is left as it was).

    Example:
        >>> import os, tempfile
        >>> import nn
        >>> model = nn.MLP(2, [4, 1], seed=0)
        >>> path = os.path.join(tempfile.mkdtemp(), "model.json")
        >>> nn.save(model, path)
        >>> nn.load(path)([0.5, -0.25]).data == model([0.5, -0.25]).data
        True
    """
    doc: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "architecture": _config(model),
        "parameters": {},
    }
    for name, p in model.named_parameters():
        if not math.isfinite(p.data):
            raise ValueError(
                f"save: parameter {name!r} is {p.data!r}; only finite models are saved"
            )
        doc["parameters"][name] = p.data
    text = json.dumps(doc, indent=1, allow_nan=False)
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def _reject_constant(token: str) -> None:
    raise ValueError(f"{token} is not a finite number")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [k for k, _ in pairs]
    repeated = sorted({k for k in keys if keys.count(k) > 1})
    if repeated:
        raise ValueError(f"keys {repeated} appear more than once")
    return dict(pairs)


def _read(path: str) -> dict[str, Any]:
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except UnicodeDecodeError as err:
        raise ModelFileError(
            f"load: {path!r} is not UTF-8 text ({err}); is it a model file?"
        ) from None
    try:
        doc = json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as err:
        raise ModelFileError(f"load: {path!r} is truncated or corrupt JSON: {err}") from None
    except ValueError as err:  # NaN, Infinity, -Infinity, or a repeated key
        raise ModelFileError(f"load: {path!r} is not a valid model file: {err}") from None
    if not isinstance(doc, dict):
        raise ModelFileError(f"load: {path!r} holds a {type(doc).__name__}, not a model object")
    missing = [k for k in KEYS if k not in doc]
    extra = [k for k in doc if k not in KEYS]
    if missing or extra:
        raise ModelFileError(f"load: {path!r} has missing keys {missing} and extra keys {extra}")
    if doc["format"] != FORMAT:
        raise ModelFileError(f"load: {path!r} has format {doc['format']!r}, expected {FORMAT!r}")
    if doc["version"] != VERSION or isinstance(doc["version"], bool):
        raise ModelFileError(
            f"load: {path!r} has format version {doc['version']!r}; this chainrule reads "
            f"version {VERSION}"
        )
    if not isinstance(doc["parameters"], dict):
        raise ModelFileError(f"load: {path!r}: 'parameters' must be an object of name: number")
    return doc


def _build(arch: Any, path: str) -> Module:
    if not isinstance(arch, dict) or arch.get("type") not in MODELS:
        raise ModelFileError(
            f"load: {path!r} has architecture {arch!r}; its 'type' must be one of {sorted(MODELS)}"
        )
    kind: Callable[..., Module] = MODELS[arch["type"]]
    args = {k: v for k, v in arch.items() if k != "type"}
    try:
        model = kind(**args)
    except (TypeError, ValueError) as err:
        raise ModelFileError(
            f"load: {path!r} has an invalid {arch['type']} architecture: {err}"
        ) from None
    if model.config() != args:  # type: ignore[attr-defined]
        raise ModelFileError(
            f"load: {path!r} architecture {args!r} is not a complete {arch['type']} config"
        )
    return model


def load(path: str | os.PathLike[str], model: Module | None = None) -> Module:
    """Read a model saved by :func:`save`: a new one, or the parameters into ``model``.

    Everything is checked before anything changes: a truncated or corrupt file, another
    format or version, missing or extra keys, a wrong architecture, a non-number or a
    non-finite number each raise an error naming the problem, and ``model`` is untouched.

    Args:
        path: the file written by ``save``.
        model: if given, load into it in place (its architecture must match the file's).

    Returns:
        The loaded model (``model`` itself when one was given).

    Raises:
        ModelFileError: the file is not a valid model file (a ``ValueError``).
        OSError: the file cannot be read.
    """
    path = os.fspath(path)
    doc = _read(path)
    built = _build(doc["architecture"], path)
    if model is not None:
        arch = doc["architecture"]
        if _config(model) != arch:
            raise ModelFileError(
                f"load: {path!r} holds a model with architecture {arch!r}, but the model "
                f"given is {_config(model)!r}"
            )
        built = model
    params: Mapping[str, Any] = doc["parameters"]
    try:
        built.load_state_dict(params, strict=True)
    except (KeyError, TypeError, ValueError) as err:
        message = err.args[0] if isinstance(err, KeyError) else str(err)
        raise ModelFileError(f"load: {path!r}: {message}") from None
    return built
