"""The settings a training page takes, checked before anything is built or written.

Every refusal names ``train_live`` (or the page's maker), the argument and its value.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Mapping
from typing import Any

SPEEDS = (1, 5, 20, 100)
"""Epochs (or rounds) per second a page offers besides "as fast as it can" (None)."""


def number(name: str, value: Any, ok: Callable[[float], bool], need: str,
           where: str = "train_live") -> float:
    """``value`` as a float when it is a finite real number (not a bool) for which ``ok``
    holds; else a ValueError naming ``where``, the argument and the value."""
    good = isinstance(value, numbers.Real) and not isinstance(value, bool)
    if good:
        try:
            good = math.isfinite(value) and ok(value)
        except (OverflowError, TypeError):
            good = False
    if not good:
        raise ValueError(f"{where}: {name} must be a finite number {need}, got {value!r}")
    return float(value)


def whole(name: str, value: Any, need: str, where: str = "train_live") -> int:
    """``value`` as an int when it is a whole number (not a bool), else a ValueError."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{where}: {name} must be {need}, got {value!r}")
    return int(value)


def settings(lr: Any, batch_size: Any, l2: Any, seed: Any, speed: Any,
             lr_marks: Mapping[str, float] | None, n: int) -> dict[str, Any]:
    """:func:`viz.train_live`'s settings as the page's script reads them."""
    checked: dict[str, Any] = {
        "lr": number("lr", lr, lambda v: v >= 0, "≥ 0"),
        "l2": number("l2", l2, lambda v: v >= 0, "≥ 0"),
        "seed": str(whole("seed", seed, "a whole number (random.Random's seed)")),
        "batchSize": None,
        "speed": None if speed is None else number("speed", speed, lambda v: v > 0,
                                                    "> 0 (epochs per second) or None"),
    }
    if batch_size is not None:
        size = whole("batch_size", batch_size, "a positive whole number or None")
        if size < 1:
            raise ValueError(f"train_live: batch_size must be a positive whole number or None, "
                             f"got {batch_size!r}")
        checked["batchSize"] = min(size, n)
    marks = []
    for label, value in (lr_marks or {}).items():
        if not isinstance(label, str):
            raise ValueError(f"train_live: lr_marks must map names to rates, got key {label!r}")
        marks.append({"label": label,
                      "value": number(f"lr_marks[{label!r}]", value, lambda v: v > 0, "> 0")})
    checked["marks"] = marks
    return checked
