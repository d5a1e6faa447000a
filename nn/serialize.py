"""``save`` and ``load``: a model as a JSON file, written atomically, read with full checks.

The file holds a format name and version, the architecture (the arguments that
rebuild the model) and every parameter by name. Floats are written with ``repr``,
which Python reads back to the very same float, so a loaded model's outputs are
bit-identical. Never pickle: a JSON file cannot run code when it is opened.
"""

from __future__ import annotations

import errno
import json
import math
import os
import secrets
import stat
from typing import Any

from . import safejson
from .layers import MLP, Layer, Neuron
from .module import Module, brief, brief_names

FORMAT = "chainrule.nn"
VERSION = 1
KEYS = ("format", "version", "architecture", "parameters")
MODELS: dict[str, type[Module]] = {"MLP": MLP, "Layer": Layer, "Neuron": Neuron}
MAX_BYTES = 64 * 2**20  # load's default size cap: ~1M parameters (override with max_bytes=)
O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
NAME_MAX = 255  # bytes in a file name, where the file system does not say (most say 255)
TOKEN_BYTES = 4  # random bytes in a temporary file's name, written as hex


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


def _name_max(directory: str) -> int:
    """The longest file name, in bytes, that ``directory``'s file system takes."""
    try:
        return os.pathconf(directory, "PC_NAME_MAX")
    except (AttributeError, OSError, ValueError):  # no pathconf (Windows), or no answer
        return NAME_MAX


def _target(path: str | os.PathLike[str]) -> str:
    """The path to save to, refused before anything is created when it cannot be a file."""
    path = os.fsdecode(os.fspath(path))
    if not path or path.endswith((os.sep, "/")) or os.path.isdir(path):
        raise IsADirectoryError(
            f"save: {path!r} is not a file path (empty, or a directory); give a file name "
            "such as 'model.json'"
        )
    directory, name = os.path.split(os.path.abspath(path))
    size, limit = len(os.fsencode(name)), _name_max(directory)
    if size > limit:
        raise OSError(errno.ENAMETOOLONG, f"save: the file name is {size} bytes long; this "
                      f"file system takes at most {limit}: choose a shorter one", path)
    return path


def _create_temporary(directory: str, name: str) -> tuple[int, str]:
    """A new file ``.NAME.tmp-XXXXXXXX`` next to the target, NAME cut to fit the file
    system's limit on names, which counts bytes (and a cut never splits a character)."""
    keep = _name_max(directory) - len(".") - len(".tmp-") - TOKEN_BYTES * 2
    while len(os.fsencode(name)) > keep:
        name = name[:-1]
    # O_EXCL with mode 0o666: the kernel applies the umask, as it does for open(path, "w").
    for _ in range(100):
        tmp = os.path.join(directory, f".{name}.tmp-{secrets.token_hex(TOKEN_BYTES)}")
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | O_CLOEXEC, 0o666), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"save: could not create a temporary file next to {name!r}")


def _sync_directory(directory: str) -> None:
    # Makes the rename itself durable; some file systems cannot open or sync a directory.
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def save(model: Module, path: str | os.PathLike[str]) -> None:
    """Write ``model`` to ``path`` as JSON, atomically: the old file survives any failure.

    The text goes to a temporary file ``.NAME.tmp-XXXXXXXX`` in the same directory, is
    flushed to disk, and then replaces ``path`` in one ``os.replace``. Any error (or
    Ctrl-C) on the way removes the temporary file and leaves the old ``path`` as it was;
    only a hard kill (SIGKILL, power loss) can leave a ``.NAME.tmp-*`` file behind, which
    is safe to delete. A new file gets the usual permissions (0o666 minus the umask); an
    existing file keeps its own.

    Args:
        model: an ``MLP``, ``Layer`` or ``Neuron``.
        path: where to write (conventionally ``*.json``).

    Raises:
        TypeError: the model is not one whose architecture can be saved.
        ValueError: a parameter is nan or infinite.
        IsADirectoryError: ``path`` is empty or names a directory (nothing is created).
        OSError: the file could not be written (the old one is left as it was), or its
            name is longer than the file system takes (nothing is created).

    Example:
        >>> import os, tempfile
        >>> import nn
        >>> model = nn.MLP(2, [4, 1], seed=0)
        >>> path = os.path.join(tempfile.mkdtemp(), "model.json")
        >>> nn.save(model, path)
        >>> nn.load(path)([0.5, -0.25]).data == model([0.5, -0.25]).data
        True
    """
    path = _target(path)
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
    directory, name = os.path.split(os.path.abspath(path))
    fd, tmp = _create_temporary(directory, name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            try:
                old = os.stat(path)
            except FileNotFoundError:
                pass
            else:
                if stat.S_ISREG(old.st_mode):
                    os.fchmod(f.fileno(), stat.S_IMODE(old.st_mode))
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
    _sync_directory(directory)


def _read(path: str, max_bytes: int | None) -> dict[str, Any]:
    data = safejson.read_bytes(path, max_bytes)
    if data is None:
        raise ModelFileError(
            f"load: {path!r} is larger than max_bytes={max_bytes} bytes; is it a model file? "
            "(pass a larger max_bytes, or None, to read a bigger model)"
        )
    try:
        doc = safejson.parse(data)
    except ValueError as err:
        raise ModelFileError(f"load: {path!r} {err}; is it a model file?") from None
    if not isinstance(doc, dict):
        raise ModelFileError(f"load: {path!r} holds a {type(doc).__name__}, not a model object")
    for where, part in (("the file", doc), ("its 'architecture'", doc.get("architecture")),
                        ("its 'parameters'", doc.get("parameters"))):
        if isinstance(part, safejson.Repeats):
            raise ModelFileError(f"load: {path!r}: {where} repeats the keys "
                                 f"{brief_names(part.repeated)}; each may appear once")
    missing = [k for k in KEYS if k not in doc]
    extra = [k for k in doc if k not in KEYS]
    if missing or extra:
        raise ModelFileError(
            f"load: {path!r} has missing keys {missing} and extra keys {brief_names(extra)}"
        )
    if doc["format"] != FORMAT:
        raise ModelFileError(
            f"load: {path!r} has format {brief(doc['format'])}, expected {FORMAT!r}"
        )
    if doc["version"] != VERSION or isinstance(doc["version"], bool):
        raise ModelFileError(
            f"load: {path!r} has format version {brief(doc['version'])}; this chainrule reads "
            f"version {VERSION}"
        )
    if not isinstance(doc["parameters"], dict):
        raise ModelFileError(f"load: {path!r}: 'parameters' must be an object of name: number")
    return doc


def _architecture(arch: Any, path: str) -> tuple[Any, dict[str, Any], int]:
    """The model class, its arguments and its parameter count, checked without building."""
    kind_name = arch.get("type") if isinstance(arch, dict) else None
    if not isinstance(kind_name, str) or kind_name not in MODELS:
        raise ModelFileError(
            f"load: {path!r} has architecture {brief(arch)}; it must be an object whose "
            f"'type' is one of {sorted(MODELS)}"
        )
    kind: Any = MODELS[kind_name]
    args = {k: v for k, v in arch.items() if k != "type"}
    try:
        count = kind.parameter_count(args)
    except (TypeError, ValueError) as err:
        raise ModelFileError(
            f"load: {path!r} has an invalid {kind_name} architecture: {err}"
        ) from None
    return kind, args, count


def load(
    path: str | os.PathLike[str], model: Module | None = None, *, max_bytes: int | None = MAX_BYTES
) -> Module:
    """Read a model saved by :func:`save`: a new one, or the parameters into ``model``.

    Everything is checked before anything changes: a file over ``max_bytes``, a
    truncated or corrupt file, JSON nested deeper than a model file is, another format or
    version, missing or extra keys, a wrong architecture, a parameter count the
    architecture does not have (compared before any parameter is built), a non-number
    or a non-finite number each raise an error naming the problem (quoting at most a few
    dozen characters of the file), and ``model`` is untouched. Time and memory are
    linear in the file's size.

    Args:
        path: the file written by ``save``.
        model: if given, load into it in place (its architecture must match the file's).
        max_bytes: refuse files larger than this (default :data:`MAX_BYTES`, 64 MiB,
            about a million parameters); None reads any size.

    Returns:
        The loaded model (``model`` itself when one was given).

    Raises:
        ModelFileError: the file is not a valid model file (a ``ValueError``).
        OSError: the file cannot be read.
    """
    if max_bytes is not None and (
        isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes < 1
    ):
        raise ValueError(f"load: max_bytes must be a positive whole number or None, "
                         f"got {max_bytes!r}")
    path = os.fsdecode(os.fspath(path))
    doc = _read(path, max_bytes)
    arch = doc["architecture"]
    params: dict[str, Any] = doc["parameters"]
    kind, args, count = _architecture(arch, path)
    if model is not None:
        if _config(model) != arch:
            raise ModelFileError(
                f"load: {path!r} holds a model with architecture {brief(arch)}, but the "
                f"model given is {_config(model)!r}"
            )
        built = model
    elif count != len(params):
        # Compared before building: a few bytes of architecture can describe 10¹⁰ weights.
        raise ModelFileError(
            f"load: {path!r}: its {arch['type']} architecture has {brief(count)} parameters "
            f"but the file holds {len(params)}; the file is corrupt or was edited"
        )
    else:
        built = kind(**args)
    for name, value in params.items():
        if isinstance(value, safejson.LongInteger):
            raise ModelFileError(f"load: {path!r}: parameter {brief(name)} is {value!r}, too "
                                 "large for a float")
    try:
        built.load_state_dict(params, strict=True)
    except (KeyError, TypeError, ValueError) as err:
        message = err.args[0] if isinstance(err, KeyError) else str(err)
        raise ModelFileError(f"load: {path!r}: {message}") from None
    return built
