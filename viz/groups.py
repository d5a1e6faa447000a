"""Grouping a graph by name scope: clusters per module, collapsed to boxes on request.

``autograd.record_scopes()`` maps each op node to the scopes it was made in, e.g.
``("layers.0", "neurons.3")``. A leaf (a weight, an input) has no scope of its own; it
belongs to the longest scope prefix shared by every op that uses it, so a neuron's
weights sit inside the neuron and the network's inputs inside the first layer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from autograd import Value

Scope = tuple[str, ...]


def _common_prefix(paths: list[Scope]) -> Scope:
    first = paths[0]
    n = len(first)
    for p in paths[1:]:
        n = min(n, len(p))
        for i in range(n):
            if p[i] != first[i]:
                n = i
                break
    return first[:n]


def node_scopes(
    order: list[Value], children: Mapping[Value, list[Value]], scopes: Mapping[Value, Scope]
) -> dict[Value, Scope]:
    """Every node's scope: recorded for ops, inferred from its consumers for leaves."""
    result: dict[Value, Scope] = {}
    for node in order:
        if node.op is not None:
            result[node] = tuple(scopes.get(node, ()))
    for node in order:
        if node.op is None:
            users = [result[c] for c in children.get(node, ())]
            result[node] = _common_prefix(users) if users else ()
    return result


def collapse_rule(collapse: Any) -> Any:
    """A predicate over scope prefixes: should this prefix be drawn as one box?

    ``None``/``False``: never; ``True``: the top-level scopes; an int ``d``: every
    scope ``d`` deep; an iterable of prefixes (tuples, or strings with ``/`` between
    scope names): exactly those.
    """
    if collapse is None or collapse is False:
        return lambda prefix: False
    if collapse is True:
        return lambda prefix: len(prefix) == 1
    if isinstance(collapse, int):
        if collapse < 1:
            raise ValueError(f"draw_graph: collapse depth must be at least 1, got {collapse!r}")
        return lambda prefix: len(prefix) == collapse
    if isinstance(collapse, Iterable):
        wanted = {tuple(p.split("/")) if isinstance(p, str) else tuple(p) for p in collapse}
        return lambda prefix: prefix in wanted
    raise TypeError(
        "draw_graph: collapse must be None, True, a depth (int) or a set of scope prefixes, "
        f"got {collapse!r} ({type(collapse).__name__})"
    )


def auto_depth(scope_of: Mapping[Value, Scope], limit: int) -> int | None:
    """The deepest collapse depth that draws at most ``limit`` shapes (None if none does)."""
    deepest = max((len(path) for path in scope_of.values()), default=0)
    for depth in range(deepest, 0, -1):
        inside = boxes(scope_of, lambda prefix, d=depth: len(prefix) == d)
        if len(set(inside.values())) + len(scope_of) - len(inside) <= limit:
            return depth
    return None


def boxes(scope_of: Mapping[Value, Scope], rule: Any) -> dict[Value, Scope]:
    """The collapsed prefix each node disappears into (nodes drawn as themselves are absent)."""
    box: dict[Value, Scope] = {}
    for node, path in scope_of.items():
        for k in range(1, len(path) + 1):
            if rule(path[:k]):
                box[node] = path[:k]
                break
    return box


class ClusterTree:
    """Nested ``subgraph cluster_k`` blocks, numbered in order of first use."""

    def __init__(self, escape: Callable[[str], str]) -> None:
        self.escape = escape
        self.lines: dict[Scope, list[str]] = {(): []}
        self.children: dict[Scope, list[Scope]] = {(): []}

    def add(self, scope: Scope, line: str) -> None:
        """Put a DOT statement inside the cluster of ``scope`` (and its parents)."""
        for k in range(1, len(scope) + 1):
            prefix = scope[:k]
            if prefix not in self.lines:
                self.lines[prefix] = []
                self.children[prefix] = []
                self.children[prefix[:-1]].append(prefix)
        self.lines[scope].append(line)

    def render(self) -> list[str]:
        """DOT lines: top-level statements, then each cluster with its children inside."""
        out: list[str] = []
        counter = [0]

        def emit(prefix: Scope, indent: str) -> None:
            if prefix:
                name = self.escape(prefix[-1])
                out.append(f"{indent}subgraph cluster_{counter[0]} {{")
                counter[0] += 1
                out.append(f'{indent}\tlabel=<<B>{name}</B>> style="rounded,dashed" color=gray50')
                indent += "\t"
            out.extend(indent + line for line in self.lines[prefix])
            for child in self.children[prefix]:
                emit(child, indent)
            if prefix:
                out.append(indent[:-1] + "}")

        emit((), "\t")
        return [line + "\n" for line in out]
