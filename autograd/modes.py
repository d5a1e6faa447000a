"""Thread-local recording modes: ``no_grad``, ``detect_anomaly``, scopes, forward mode."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

NO_GRAD = 1
ANOMALY = 2
SCOPES = 4
FORWARD = 8


class _State(threading.local):
    # One small int, so the hot path pays one attribute read: zero means "record
    # parents, check nothing".
    mode = 0
    scope_path: tuple[str, ...] = ()
    scope_map: dict | None = None
    forward: Any = None  # the forward-mode pass in progress (see autograd.forward)


state = _State()


@contextmanager
def _mode(flag: int, on: bool) -> Iterator[None]:
    before = state.mode
    state.mode = (before | flag) if on else (before & ~flag)
    try:
        yield
    finally:
        state.mode = before


def no_grad() -> AbstractContextManager[None]:
    """A context in which new Values record no parents (nothing to backpropagate).

    Thread-local, and nestable. Use it for evaluation and for parameter updates.

    Example:
        >>> from autograd import Value, no_grad
        >>> x = Value(2.0)
        >>> with no_grad():
        ...     y = x * 3
        >>> y.parents
        ()
    """
    return _mode(NO_GRAD, True)


def enable_grad() -> AbstractContextManager[None]:
    """A context that records parents again, even inside ``no_grad``."""
    return _mode(NO_GRAD, False)


def is_grad_enabled() -> bool:
    """True when new Values record their parents in this thread."""
    return not state.mode & NO_GRAD


def detect_anomaly() -> AbstractContextManager[None]:
    """A context in which the first non-finite value raises ``AnomalyError``.

    Forward: the first op whose output is nan or ±inf. Backward: the first
    contribution that is. The message names the op, its inputs and their labels.
    Costs a check per op: use it to hunt a nan, not to train.

    Example:
        >>> from autograd import Value, detect_anomaly
        >>> with detect_anomaly():
        ...     Value(1e308, label="big") * 10
        Traceback (most recent call last):
        ...
        autograd.modes.AnomalyError: mul produced inf from a = 1e+308 (node 'big'), b = 10.0
    """
    return _mode(ANOMALY, True)


class AnomalyError(FloatingPointError):
    """Raised inside ``detect_anomaly()`` where a nan or an infinity first appears."""


@contextmanager
def record_scopes() -> Iterator[dict]:
    """Record, for every op node created inside, the name scopes it was created in.

    Yields a dict ``{node: ("Layer 0", "Neuron 3")}`` that fills as ops run. Modules
    open scopes with :func:`name_scope`; ``viz.draw_graph`` draws them as clusters.

    Example:
        >>> from autograd import Value, record_scopes, name_scope
        >>> x = Value(1.0)
        >>> with record_scopes() as scopes:
        ...     with name_scope("square"):
        ...         y = x * x
        >>> scopes[y]
        ('square',)
    """
    before = (state.mode, state.scope_map, state.scope_path)
    scopes: dict = {}
    state.mode |= SCOPES
    state.scope_map = scopes
    state.scope_path = ()
    try:
        yield scopes
    finally:
        state.mode, state.scope_map, state.scope_path = before


def recording_scopes() -> bool:
    """True inside :func:`record_scopes` (modules open name scopes only then)."""
    return bool(state.mode & SCOPES)


@contextmanager
def name_scope(name: str) -> Iterator[None]:
    """Name the ops created inside (nested scopes make a path); see :func:`record_scopes`."""
    before = state.scope_path
    state.scope_path = (*before, name)
    try:
        yield
    finally:
        state.scope_path = before
