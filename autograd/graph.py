"""A graph as a whole: its topological order, and its copies and pickles.

Every walk here is iterative, so a graph a million nodes deep needs no recursion. That
matters most for ``pickle``, which saves an object's parts from inside the call that
saves the object: a chain saved input after input would nest one call per node and fail
at a few hundred. So each node that pickle meets first brings a *prelude*: every node it
depends on that this pickle has not met yet, inputs first. Saving those in order, each
node finds its own inputs already saved, and nothing nests. ``copy.deepcopy`` copies the
same way, inputs first, looking nodes up in its memo.

Nodes are duck-typed here (``_a``, ``_b``, ``parents`` and the other slots of
:class:`~autograd.value.Value`), so this module imports nothing of the engine's.
"""

from __future__ import annotations

import copy
import threading
import weakref
from collections.abc import Container
from typing import Any, Protocol, TypeVar


class Node(Protocol):
    """Anything with ordered inputs: a Value."""

    @property
    def parents(self) -> tuple[Any, ...]:
        """The node's inputs in order."""


N = TypeVar("N", bound=Node)


def topological_order(root: N) -> list[N]:
    """Every node reachable from ``root``, each after all of its inputs (root last).

    Iterative, so a graph a million nodes deep needs no recursion.
    """
    return _order(root, ())


def _order(root: N, known: Container[int]) -> list[N]:
    # The depth-first walk of topological_order, passing through no node whose id is in
    # ``known`` (neither it nor its inputs are listed).
    order: list[N] = []
    seen: set[N] = set()
    done: set[N] = set()
    stack = [root]
    pop, push = stack.pop, stack.append
    while stack:
        node = pop()
        if node in seen:
            # Second visit: all inputs pushed above it have been finished. In a DAG a
            # node still in ``seen`` but not ``done`` can only be this post-visit.
            if node not in done:
                done.add(node)
                order.append(node)
            continue
        seen.add(node)
        push(node)
        for parent in node.parents:
            if parent not in seen and id(parent) not in known:
                push(parent)
    return order


# ---- copies ------------------------------------------------------------------------------


def shallow_copy(node: Any) -> Any:
    """``copy.copy(node)``: a new node with the same data, inputs (shared), op, parameter,
    label and gradient."""
    twin = object.__new__(type(node))
    twin.data, twin.op, twin.arg, twin.label = node.data, node.op, node.arg, node.label
    twin._a, twin._b, twin._grad, twin._total = node._a, node._b, None, node._total
    if type(node).__dictoffset__:  # a subclass with attributes of its own
        twin.__dict__.update(node.__dict__)
    return twin


def deep_copy(root: Any, memo: dict[int, Any]) -> Any:
    """``copy.deepcopy(root)``: each node of its graph copied once, inputs first (so each
    input is in the memo when its consumer is copied, and no copy nests another)."""
    for node in _order(root, memo):
        twin = object.__new__(type(node))
        twin.data, twin.op, twin.label = node.data, node.op, node.label
        twin.arg = copy.deepcopy(node.arg, memo)
        twin._a = copy.deepcopy(node._a, memo)  # an input, or None
        twin._b = copy.deepcopy(node._b, memo)  # an input, an n-ary node's rows, or None
        twin._grad, twin._total = None, node._total
        if type(node).__dictoffset__:
            twin.__dict__.update(copy.deepcopy(node.__dict__, memo))
        memo[id(node)] = twin
    return memo[id(root)]


# ---- pickles -----------------------------------------------------------------------------


def reduce_node(node: Any) -> tuple[Any, ...]:
    """``node.__reduce_ex__``: rebuilt by :func:`rebuild`, its inputs set afterwards (when
    the pickle has them), after its prelude if it is the first of its graph met."""
    fields: tuple[Any, ...] = (type(node), node.data, node.op, node.arg, node.label, node._total)
    state = (node.__dict__ if type(node).__dictoffset__ else None, {"_a": node._a, "_b": node._b})
    met = _MET.nodes
    if id(node) in met:  # in a prelude: its inputs come before it
        return rebuild, fields, state
    prelude = _Prelude(_order(node, met)[:-1])
    _MET.add([*prelude, node], prelude)
    return rebuild, (*fields, prelude), state


def rebuild(cls: type, data: float, op: Any, arg: Any, label: str, grad: float | None,
            prelude: Any = ()) -> Any:
    """A pickled node, without its inputs yet (the pickle sets them next)."""
    node: Any = object.__new__(cls)
    node.data, node.op, node.arg, node.label = data, op, arg, label
    node._a = node._b = node._grad = None
    node._total = grad
    return node


class _Prelude(list):
    """The nodes a pickled node needs saved before it, inputs first.

    It lives as long as the pickle (a pickler keeps everything it saved until it is
    done), and its nodes count as met as long as it lives.
    """

    __slots__ = ("__weakref__",)

    def __reduce_ex__(self, protocol: Any) -> tuple[Any, ...]:
        return _Prelude, (), None, iter(self)


class _Met(threading.local):
    """The nodes that pickles under way in this thread have met: ``id(node) in nodes``.

    Each is kept with a weak reference to the prelude that brought it, and forgotten when
    that prelude goes (a pickle's end: its nodes and its preludes go together, so no id
    can be reused while it is kept).
    """

    def __init__(self) -> None:
        self.nodes: dict[int, weakref.ref] = {}

    def add(self, nodes: list[Any], prelude: _Prelude) -> None:
        """Count ``nodes`` as met while ``prelude`` lives."""
        met, ids = self.nodes, [id(n) for n in nodes]

        def forget(gone: weakref.ref, ids: list[int] = ids) -> None:
            for i in ids:
                if met.get(i) is gone:
                    del met[i]

        token = weakref.ref(prelude, forget)
        for i in ids:
            met[i] = token


_MET = _Met()
