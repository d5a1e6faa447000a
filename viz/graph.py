"""``draw_graph``: a computation graph with the chain rule written on its edges.

Each op node ``N = op(x₁, …, xₙ)`` is drawn as a value box (label, data, grad) fed by a
small op circle (the op's symbol). Edge ``xᵢ → op`` carries the local derivative
∂N/∂xᵢ from the op table, as formula and number, and after a backward pass the product
upstream × local = contribution that flowed along it (from :func:`autograd.backward_steps`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from autograd import Step, Value, backward_steps, check_graph, local_derivatives, topological_order

from . import labels
from ._text import DIGITS, escape, fmt, node_names
from .fixed import Reserve
from .flow import Flow
from .groups import ClusterTree, Scope, boxes, collapse_rule, node_scopes
from .render import digraph_class

SHOW = frozenset({"data", "grad", "local", "flow"})
"""What a picture can show: node ``data`` and ``grad``, the ``local`` derivative on each
edge, and the chain-rule product that ``flow``-ed along it."""
CHECK_ATOL = 1e-5
CHECK_RTOL = 1e-3
SUM_RTOL = 1e-9
CURRENT = "#d62728"
DONE = "#1f4e9c"
PENDING = "gray60"


def draw_graph(
    root: Value,
    rankdir: str = "LR",
    show: Iterable[str] = SHOW,
    collapse: Any = None,
    check: bool = False,
    scopes: Mapping[Value, Scope] | None = None,
    digits: int = DIGITS,
) -> Any:
    """Draw the graph that computed ``root``, with the chain rule on every edge.

    Args:
        root: the output (usually the loss).
        rankdir: Graphviz direction: ``"LR"`` (inputs left), ``"TB"``, ``"RL"``, ``"BT"``.
        show: any of ``"data"``, ``"grad"``, ``"local"``, ``"flow"`` (see :data:`SHOW`);
            drop ``"local"`` and ``"flow"`` for a lighter picture of a large graph.
        collapse: with ``scopes``, draw scopes as single boxes: ``True`` (top-level
            scopes), a depth (``2``: every scope two deep, e.g. each neuron), or a set of
            scope prefixes (``{"layers.0"}``, ``{("layers.1", "neurons.0")}``).
        check: highlight leaves whose gradient disagrees with central differences.
        scopes: the dict from ``autograd.record_scopes()``: one cluster per scope.
        digits: significant digits of every number.

    Returns:
        A ``graphviz.Digraph``: Jupyter shows it; ``.source`` is the DOT text;
        ``.pipe(format="svg")`` renders it (raising ``viz.GraphvizNotFound`` without ``dot``).

    Example:
        >>> from autograd import Value
        >>> a, b = Value(2.0, label="a"), Value(-3.0, label="b")
        >>> y = a * b
        >>> y.label = "y"
        >>> y.backward()
        >>> src = draw_graph(y).source
        >>> "∂(a·b)/∂a = b = −3.0" in src, "1.0 × −3.0 = −3.0" in src
        (True, True)
    """
    if not isinstance(root, Value):
        raise TypeError(f"draw_graph: root must be a Value, got {root!r} ({type(root).__name__})")
    flow = None
    if root.grad_computed:
        flow = Flow(root, root.grad, list(backward_steps(root, root.grad)))
    return build(root, flow, None, show, collapse, check, scopes, rankdir, digits)


def _check_options(show: Iterable[str], rankdir: str, collapse: Any, scopes: Any) -> frozenset:
    if isinstance(show, str):
        show = [show]
    chosen = frozenset(show)
    if not chosen <= SHOW:
        raise ValueError(
            f"draw_graph: show may hold {sorted(SHOW)}, got unknown {sorted(chosen - SHOW)}"
        )
    if rankdir not in ("LR", "RL", "TB", "BT"):
        raise ValueError(f"draw_graph: rankdir must be LR, RL, TB or BT, got {rankdir!r}")
    if collapse not in (None, False) and scopes is None:
        raise ValueError(
            "draw_graph: collapse needs scopes; build the graph inside "
            "`with autograd.record_scopes() as scopes:` and pass scopes=scopes"
        )
    return chosen


def build(
    root: Value,
    flow: Flow | None,
    lesson: Flow | None,
    show: Iterable[str] = SHOW,
    collapse: Any = None,
    check: bool = False,
    scopes: Mapping[Value, Scope] | None = None,
    rankdir: str = "LR",
    digits: int = DIGITS,
    reserve: Reserve | None = None,
) -> Any:
    """The picture itself. ``flow``: a finished pass (``draw_graph``); ``lesson``: the
    steps so far of a step-through, with the current one highlighted; ``reserve``: the
    fixed sizes of a lesson's changing cells, so all its frames share one layout."""
    shown = _check_options(show, rankdir, collapse, scopes)
    order = topological_order(root)
    index = {node: k for k, node in enumerate(order)}
    names = node_names(order, root)
    children: dict[Value, list[Value]] = {}
    for node in order:
        for parent in node.parents:
            children.setdefault(parent, []).append(node)
    scope_of = node_scopes(order, children, scopes) if scopes is not None else {}
    box_of = boxes(scope_of, collapse_rule(collapse)) if scopes is not None else {}
    failed = {}
    if check:
        leaves = [n for n in order if n.op is None and not n.is_constant]
        rows = check_graph(root, leaves)
        failed = {leaf: r for leaf, r in zip(leaves, rows) if not r.ok(CHECK_ATOL, CHECK_RTOL)}
    current = lesson.current if lesson else None

    def grad_text(node: Value) -> str:
        if lesson is not None:
            return lesson.lesson_grad(node, digits)
        if flow is not None:
            return flow.live_grad(node, digits, SUM_RTOL)
        return "grad: not computed"

    graph = digraph_class()(
        name="chainrule",
        graph_attr={"rankdir": rankdir, "nodesep": "0.3", "ranksep": "0.4"},
        node_attr={"fontname": "Helvetica", "fontsize": "11"},
        edge_attr={"fontname": "Helvetica", "fontsize": "9", "arrowsize": "0.6"},
    )
    tree = ClusterTree(escape)
    box_ids: dict[Scope, str] = {}
    members: dict[Scope, list[Value]] = {}
    for node in order:
        prefix = box_of.get(node)
        if prefix is not None:
            box_ids.setdefault(prefix, f"g{len(box_ids)}")
            members.setdefault(prefix, []).append(node)
            continue
        k = index[node]
        scope = scope_of.get(node, ())
        fill = ""
        if current is not None and node is current.input:
            fill = labels.HIGHLIGHT
        label = labels.value_label(
            names[node],
            node,
            shown,
            grad_text(node),
            digits,
            fill,
            failed.get(node),
            _sizer(reserve, ("v", k)),
        )
        tree.add(scope, f"v{k} [shape=none margin=0 label={label}]")
        if node.op is not None:
            style = ' style=filled fillcolor="#ffd966"' if current and node is current.node else ""
            tree.add(scope, f"o{k} [shape=circle label={labels.op_label(node, digits)}{style}]")
            tree.add(scope, f"o{k} -> v{k}")
    for prefix, nodes in members.items():
        inside = set(nodes)
        outputs = [
            (names[n], n, grad_text(n) if lesson else _short_grad(n, digits))
            for n in nodes
            if n is root or any(c not in inside for c in children.get(n, ()))
        ]
        sizer = (lambda n: _sizer(reserve, ("b", index[n]))) if reserve else None
        label = labels.box_label(prefix, nodes, outputs, shown, digits, sizer=sizer)
        tree.add(prefix[:-1], f"{box_ids[prefix]} [shape=none margin=0 label={label}]")
    graph.body.extend(tree.render())
    graph.body.extend(
        _edges(order, index, box_of, box_ids, flow or lesson, current, shown, digits, reserve)
    )
    return graph


def _sizer(reserve: Reserve | None, key: tuple) -> labels.Sizer | None:
    if reserve is None:
        return None
    return lambda fontsize, table, content: reserve.td(key, fontsize, table, content)


def _short_grad(node: Value, digits: int) -> str:
    return f"grad {fmt(node.grad, digits)}" if node.grad_computed else "grad: not computed"


def _edges(order: list[Value], index: dict[Value, int], box_of: dict[Value, Any],
           box_ids: dict[Any, str], flow: Flow | None, current: Step | None,
           shown: frozenset[str], digits: int, reserve: Reserve | None) -> list[str]:
    lines: list[str] = []
    merged: dict[tuple[str, str], int] = {}
    for node in order:
        if node.op is None:
            continue
        box = box_of.get(node)
        dst = box_ids[box] if box is not None else f"o{index[node]}"
        locals_: list[Any] = []
        if box is None:
            try:
                locals_ = local_derivatives(node)
            except (ArithmeticError, ValueError):
                locals_ = [None] * len(node.parents)
        for i, parent in enumerate(node.parents):
            parent_box = box_of.get(parent)
            src = box_ids[parent_box] if parent_box is not None else f"v{index[parent]}"
            if box is not None:
                if parent_box != box:
                    merged[(src, dst)] = merged.get((src, dst), 0) + 1
                continue
            step = flow.by_edge.get((node, i)) if flow is not None else None
            sizer = _sizer(reserve, ("e", index[node], i))
            label = labels.edge_label(node, i, locals_[i], step, shown, digits, sizer)
            attrs = [f"label={label}"] if label else []
            if current is not None:
                if step is current:
                    attrs.append(f'color="{CURRENT}" fontcolor="{CURRENT}" penwidth=2.5')
                else:
                    attrs.append(f'color="{DONE if step else PENDING}"')
            attr = f" [{' '.join(attrs)}]" if attrs else ""
            lines.append(f"\t{src} -> {dst}{attr}\n")
    for (src, dst), count in merged.items():
        attr = f' [label="×{count}"]' if count > 1 else ""
        lines.append(f"\t{src} -> {dst}{attr}\n")
    return lines
