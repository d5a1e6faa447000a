"""Hand-written update rules a training page runs beside gradient descent.

A :class:`Rule` is an update written as code over Values — a published algorithm, a
slip in one — that takes the weights, one sample and the learning rate and returns the
new weights. The page lowers it as it lowers the loss (the op table's JavaScript, one
tape per new weight, for every combination of the rule's :class:`Switch` es) and runs it
in lockstep with the engine's gradient descent, from the same weights on the same
samples in the same order, so a learner sees where the two part.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from autograd import Value, compile
from autograd.javascript import tape_source

MAX_SWITCHES = 3
"""A rule's switches at most: every combination is lowered (2³ = 8 variants)."""


@dataclass(frozen=True)
class Switch:
    """An on/off choice inside a rule: ``keyword`` is passed to the update as a bool."""

    keyword: str
    label: str
    on: bool = True


@dataclass(frozen=True)
class Rule:
    """An update the page runs beside gradient descent, one sample per step.

    Attributes:
        name: what the page calls the run ("the post's code").
        update: ``update(weights, x, target, lr, **switches)`` returning the new weights,
            built from the Values it is given (the model's weights in the order of
            ``model.parameters()``, the sample's inputs, its target and the rate).
        switches: the choices a learner can flip while it trains.
    """

    name: str
    update: Callable[..., Sequence[Any]]
    switches: tuple[Switch, ...] = ()


def _refuse(rule: Any, why: str) -> ValueError:
    name = getattr(rule, "name", rule)
    return ValueError(f"train_live: rule {name!r}: {why}")


def lower(rule: Rule, labels: Sequence[str], values: Sequence[float],
          input_names: Sequence[str], target_name: str) -> dict[str, Any]:
    """The rule as the page runs it: per combination of switches (a string of 0s and 1s,
    one per switch), one JavaScript tape per new weight over the data
    ``[*weights, *inputs, target, lr]``."""
    if not isinstance(rule, Rule):
        raise _refuse(rule, "rules must be viz.Rule(name, update, switches)")
    if len(rule.switches) > MAX_SWITCHES or not all(isinstance(s, Switch)
                                                    for s in rule.switches):
        raise _refuse(rule, f"up to {MAX_SWITCHES} viz.Switch(keyword, label) switches")
    weights = [Value(v, label=label) for v, label in zip(values, labels)]
    inputs = [Value(0.0, label=name) for name in input_names]
    target, lr = Value(0.0, label=target_name), Value(0.0, label="η")
    leaves = [*weights, *inputs, target, lr]
    variants: dict[str, list[str]] = {}
    for bits in itertools.product((False, True), repeat=len(rule.switches)):
        flags = {s.keyword: bit for s, bit in zip(rule.switches, bits)}
        try:
            new = list(rule.update(weights, inputs, target, lr, **flags))
        except TypeError as err:
            raise _refuse(rule, f"update(weights, x, target, lr, **switches) failed: {err}"
                          ) from None
        if len(new) != len(weights) or not all(isinstance(v, Value) for v in new):
            raise _refuse(rule, f"update must return {len(weights)} Values, one per weight, "
                          f"got {new!r}")
        key = "".join("1" if bit else "0" for bit in bits)
        variants[key] = [tape_source(compile(v, params=[], data=leaves)) for v in new]
    return {
        "name": rule.name,
        "switches": [{"label": s.label, "on": s.on} for s in rule.switches],
        "tapes": variants,
    }


def check(rules: Sequence[Rule], batch_size: int | None, l2: float, classes: int) -> None:
    """Refuse rules on a page that cannot run them."""
    if isinstance(rules, Rule) or not isinstance(rules, (list, tuple)):
        raise _refuse(rules, "rules must be a list of viz.Rule")
    if not rules:
        return
    if batch_size != 1:
        raise _refuse(rules[0], "a rule updates from one sample at a time: pass batch_size=1")
    if l2:
        raise _refuse(rules[0], "a rule is the whole update: pass l2=0")
    if classes:
        raise _refuse(rules[0], "a rule takes one target: cross_entropy's class targets "
                      "are not supported")
    names = [getattr(r, "name", None) for r in rules]
    if len(set(names)) != len(names):
        raise _refuse(rules[0], f"every rule needs its own name, got {names}")
