"""The picture model: what a drawing of a graph shows, before any markup is written.

:func:`build` reads the engine's graph (``parents``, ``op``, ``data``) and the steps of a
backward pass, and returns a :class:`Picture`: shapes (value nodes, op nodes, collapsed
scope boxes) and edges, each a list of text :class:`Cell` s with stable ids (``v3-grad``,
``e5_0-flow``). Names are chosen by :mod:`viz.names`, numbers formatted by
:func:`viz._text.fmt`, and the texts of the cells that change during a lesson (gradients,
chain-rule products) are written by the functions here, for pictures and frames alike.
Nothing here knows DOT or HTML.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from autograd import Step, Value, check_graph, local_derivatives, topological_order

from . import names as naming
from . import template
from ._text import DIGITS, fmt
from .groups import Scope, auto_depth, boxes, collapse_rule, node_scopes
from .template import Edge, Numbers, Part, Slot

SHOW = frozenset({"data", "grad", "local", "flow"})
"""What a picture can show: node ``data`` and ``grad``, the ``local`` derivative on each
edge, and the chain-rule product that ``flow``-ed along it."""
MAX_NODES = 300
"""The most nodes a picture draws one by one: a larger graph is collapsed by its recorded
scopes, or refused with a message saying how to draw it (``max_nodes=None`` insists)."""
MAX_TERMS = 4
"""A gradient with more contributions than this lists the first few and the count."""
NOT_COMPUTED = "grad: not computed"
CHECK_ATOL = 1e-5
CHECK_RTOL = 1e-3
SUM_RTOL = 1e-9


@dataclass
class Cell:
    """One piece of text of a shape: ``role`` says what it is (``name``, ``constant``,
    ``data``, ``grad``, ``failed``, ``symbol``, ``param``, ``title``, ``count``,
    ``local``, ``flow``)."""

    id: str
    role: str
    text: str
    parts: list[Part] | None = None
    """The text with its numbers as slots, where a live page recomputes them."""


@dataclass
class Shape:
    """A node (``value``, ``op``, ``box``) or an ``edge`` of the picture, with its texts."""

    id: str
    kind: str
    cells: list[Cell]
    scope: Scope = ()
    src: str = ""
    dst: str = ""
    constant: bool = False
    failed: bool = False


@dataclass
class Picture:
    """Everything a renderer needs, and where each engine node and edge is drawn."""

    shapes: list[Shape]
    edges: list[Shape]
    rankdir: str
    root: Value
    names: dict[Value, str]
    short: dict[Value, str]
    element: dict[Value, str] = field(default_factory=dict)
    """The shape showing each node: its value node, or the box it is collapsed into."""
    grad_cell: dict[Value, str] = field(default_factory=dict)
    edge_of: dict[tuple[Value, int], str] = field(default_factory=dict)
    """The drawn edge of (node, input index), absent when inside a collapsed box."""
    flow_cell: dict[tuple[Value, int], str] = field(default_factory=dict)
    arrow: dict[Value, str] = field(default_factory=dict)
    """The arrow from each drawn node's op circle to its value node."""
    note: str = ""

    def cells(self) -> Iterable[Cell]:
        """Every cell of every shape and edge."""
        for shape in (*self.shapes, *self.edges):
            yield from shape.cells

    @property
    def size(self) -> int:
        """Shapes drawn (value nodes and boxes; op circles not counted)."""
        return sum(1 for s in self.shapes if s.kind != "op")


def grad_parts(edges: Sequence[Edge], complete: bool = True) -> list[Part]:
    """A node's gradient line over its paths so far: ``grad 0.5``,
    ``grad = 0.2461 + (−0.7384) = −0.4923``, ``… (so far)`` while paths are missing."""
    if not edges:
        return [NOT_COMPUTED]
    if len(edges) == 1:
        parts: list[Part] = ["grad ", Slot("c", edges[0])]
    else:
        parts = ["grad = ", *template.joined(edges, MAX_TERMS), " = ", Slot("s", tuple(edges))]
    return parts if complete else [*parts, " (so far)"]


def seed_text(seed: float, digits: int = DIGITS, earlier: float = 0.0) -> str:
    """The root's gradient line: the seed the pass starts from, after what earlier passes
    left in ``.grad`` (``grad = 1.0 (earlier passes) + 1.0 (seed) = 2.0``)."""
    if not earlier:
        return f"grad {fmt(seed, digits)} (seed)"
    return (f"grad = {fmt(earlier, digits)} (earlier passes) + {fmt(seed, digits)} (seed) = "
            f"{fmt(earlier + seed, digits)}")


def constants(order: Sequence[Value]) -> set[Value]:
    """The nodes whose value no input can change: constants (``x * 2``'s 2) and ops on
    constants only. They get no backward step in a lesson and no ∂L/∂(number)."""
    found: set[Value] = set()
    for node in order:
        if node.is_constant or (node.op is not None and all(p in found for p in node.parents)):
            found.add(node)
    return found


def check_options(
    show: Iterable[str], rankdir: str, collapse: Any, scopes: Any, where: str
) -> frozenset[str]:
    """The ``show`` set, after refusing unknown options with a message naming them."""
    if isinstance(show, str):
        show = [show]
    chosen = frozenset(show)
    if not chosen <= SHOW:
        unknown = sorted(chosen - SHOW)
        raise ValueError(f"{where}: show may hold {sorted(SHOW)}, got unknown {unknown}")
    if rankdir not in ("LR", "RL", "TB", "BT"):
        raise ValueError(f"{where}: rankdir must be LR, RL, TB or BT, got {rankdir!r}")
    if collapse not in (None, False) and scopes is None:
        raise ValueError(
            f"{where}: collapse needs scopes; build the graph inside "
            "`with autograd.record_scopes() as scopes:` and pass scopes=scopes"
        )
    return chosen


def _refuse(where: str, root_name: str, n: int, limit: int, scopes: Any) -> ValueError:
    how = (
        "its scopes do not collapse below that; pass collapse=1 (one box per top-level "
        "scope) or collapse={'a/prefix'} explicitly"
        if scopes is not None
        else "build it inside `with autograd.record_scopes() as scopes:` and pass "
        "scopes=scopes, collapse=1 (one box per layer) or collapse=2 (per neuron)"
    )
    return ValueError(
        f"{where}: the graph of {root_name!r} has {n} nodes, more than the {limit} a picture "
        f"shows legibly. To draw it: {how}; or draw a sub-graph (one sample's loss, one "
        f"neuron's output); or pass max_nodes=None to draw all {n} anyway (slow)."
    )


def build(
    root: Value,
    steps: Sequence[Step] | None,
    show: Iterable[str] = SHOW,
    collapse: Any = None,
    check: bool = False,
    scopes: Mapping[Value, Scope] | None = None,
    rankdir: str = "LR",
    digits: int = DIGITS,
    lesson: bool = False,
    max_nodes: int | None = MAX_NODES,
    where: str = "draw_graph",
    seed: float = 1.0,
) -> Picture:
    """The picture of ``root``'s graph.

    ``steps``: a backward pass from ``seed``. For a picture (``lesson=False``) they are all
    done: every edge carries its product and every node its sum over paths (what earlier
    passes left in ``.grad`` is told apart); for a lesson they are still to come: gradients
    read *not computed* and products are blank (frames fill them). Steps into constants
    are left out (:func:`constants`).
    """
    shown = check_options(show, rankdir, collapse, scopes, where)
    order = topological_order(root)
    index = {node: k for k, node in enumerate(order)}
    children: dict[Value, list[Value]] = {}
    for node in order:
        for parent in node.parents:
            children.setdefault(parent, []).append(node)
    scope_of = node_scopes(order, children, scopes) if scopes is not None else {}
    note = ""
    if collapse in (None, False) and max_nodes is not None and len(order) > max_nodes:
        depth = auto_depth(scope_of, max_nodes) if scopes is not None else None
        root_name = root.label or "L"
        if depth is None:
            raise _refuse(where, root_name, len(order), max_nodes, scopes)
        collapse = depth
        note = (
            f"{len(order)} nodes: collapsed by scope (collapse={depth}) to stay legible; "
            "pass collapse= or a sub-graph to choose another view."
        )
    box_of = boxes(scope_of, collapse_rule(collapse)) if scopes is not None else {}
    drawn = len(set(box_of.values())) + len(order) - len(box_of)
    if max_nodes is not None and drawn > max_nodes:
        raise _refuse(where, root.label or "L", drawn, max_nodes, scopes)
    full, short = naming.choose(order, root, scope_of)

    failed: dict[Value, Any] = {}
    if check:
        leaves = [n for n in order if n.op is None and not n.is_constant]
        rows = check_graph(root, leaves)
        failed = {leaf: r for leaf, r in zip(leaves, rows) if not r.ok(CHECK_ATOL, CHECK_RTOL)}

    fixed = constants(order)
    kept = [s for s in steps or () if s.input not in fixed]
    numbers = Numbers.of(order, kept)
    into: dict[Value, list[Edge]] = {}
    for s in kept:
        into.setdefault(s.input, []).append((s.node, s.index))

    def grad_of(node: Value) -> str:
        if lesson:
            return seed_text(seed, digits) if node is root else NOT_COMPUTED
        if not node.grad_computed:
            return NOT_COMPUTED
        edges = into.get(node, [])
        this = seed if node is root else numbers.number(Slot("s", tuple(edges)))
        earlier = node.grad - this
        if abs(earlier) <= SUM_RTOL * max(1.0, abs(node.grad)):
            earlier = 0.0
        if node is root:
            return seed_text(seed, digits, earlier)
        if not edges:
            return f"grad {fmt(node.grad, digits)}"
        if not earlier:
            return template.render(grad_parts(edges), numbers, digits)
        # .grad also holds earlier passes (or other roots'): never drawn as another path.
        paths = ""
        if len(edges) > 1:
            paths = ": " + template.render(template.joined(edges, MAX_TERMS), numbers, digits)
        return (f"grad = {fmt(earlier, digits)} (earlier passes) + {fmt(this, digits)} "
                f"(this pass{paths}) = {fmt(node.grad, digits)}")

    picture = Picture([], [], rankdir, root, full, short, note=note)
    box_ids: dict[Scope, str] = {}
    members: dict[Scope, list[Value]] = {}
    for node in order:
        prefix = box_of.get(node)
        if prefix is not None:
            box_ids.setdefault(prefix, f"g{len(box_ids)}")
            members.setdefault(prefix, []).append(node)
            picture.element[node] = box_ids[prefix]
            continue
        k = index[node]
        vid = f"v{k}"
        picture.element[node] = vid
        cells = [Cell(f"{vid}-name", "constant" if node.is_constant else "name", short[node])]
        if "data" in shown and not node.is_constant:  # a constant's name is its value
            cells.append(Cell(f"{vid}-data", "data", f"data {fmt(node.data, digits)}",
                              ["data ", Slot("v", node)]))
        if "grad" in shown and node not in fixed:
            cells.append(Cell(f"{vid}-grad", "grad", grad_of(node)))
            picture.grad_cell[node] = f"{vid}-grad"
        if node in failed:
            row = failed[node]
            cells.append(
                Cell(
                    f"{vid}-check",
                    "failed",
                    f"gradcheck failed: analytic {fmt(row.analytic, digits)} ≠ numeric "
                    f"{fmt(row.numeric, digits)}",
                )
            )
        scope = scope_of.get(node, ())
        picture.shapes.append(
            Shape(vid, "value", cells, scope, constant=node in fixed, failed=node in failed)
        )
        if node.op is not None:
            op = node.op
            op_cells = [Cell(f"o{k}-symbol", "symbol", op.symbol)]
            if op.param and isinstance(node.arg, float):
                op_cells.append(
                    Cell(f"o{k}-param", "param", f"{op.param[0]} = {fmt(node.arg, digits)}")
                )
            picture.shapes.append(Shape(f"o{k}", "op", op_cells, scope))
            picture.edges.append(Shape(f"a{k}", "edge", [], src=f"o{k}", dst=vid))
            picture.arrow[node] = f"a{k}"

    for prefix, nodes in members.items():
        gid = box_ids[prefix]
        ops = sum(1 for m in nodes if m.op is not None)
        cells = [
            Cell(f"{gid}-title", "title", " / ".join(prefix)),
            Cell(f"{gid}-count", "count", f"{ops} ops, {len(nodes) - ops} leaves"),
        ]
        inside = set(nodes)
        outputs = [
            n for n in nodes if n is root or any(c not in inside for c in children.get(n, ()))
        ]
        for j, node in enumerate(outputs[:3]):
            cells.append(Cell(f"{gid}-out{j}", "name", short[node]))
            if "data" in shown:
                cells.append(Cell(f"{gid}-out{j}-data", "data", f"data {fmt(node.data, digits)}",
                                  ["data ", Slot("v", node)]))
            if "grad" in shown and node not in fixed:
                cells.append(Cell(f"{gid}-out{j}-grad", "grad", grad_of(node)))
                picture.grad_cell[node] = f"{gid}-out{j}-grad"
        if len(outputs) > 3:
            cells.append(Cell(f"{gid}-more", "count", f"… {len(outputs)} outputs"))
        picture.shapes.append(Shape(gid, "box", cells, prefix[:-1]))

    _edges(picture, order, index, box_of, box_ids, fixed, numbers, shown, lesson, digits)
    return picture


def _edges(picture: Picture, order: Sequence[Value], index: Mapping[Value, int],
           box_of: Mapping[Value, Scope], box_ids: Mapping[Scope, str], fixed: set[Value],
           numbers: Numbers, shown: frozenset[str], lesson: bool, digits: int) -> None:
    """The picture's edges: each input → op edge with its local derivative (formula and
    number) and, once the pass has reached it, its chain-rule product. An edge from a
    constant carries no text: nothing flows into a number."""
    merged: dict[tuple[str, str], list[Edge]] = {}
    for node in order:
        if node.op is None:
            continue
        k = index[node]
        box = box_of.get(node)
        locals_: list[Any] = [None] * len(node.parents)
        texts: list[str] = []
        if box is None and "local" in shown:
            texts = naming.formulas(node, picture.short)
            try:
                locals_ = local_derivatives(node)
            except (ArithmeticError, ValueError):
                pass
        for i, parent in enumerate(node.parents):
            src = picture.element[parent]
            if box is not None:
                if box_of.get(parent) != box:
                    merged.setdefault((src, box_ids[box]), []).append((node, i))
                continue
            eid = f"e{k}_{i}"
            edge = (node, i)
            cells = []
            stepped = edge in numbers.steps
            if "local" in shown and parent not in fixed:
                number = "undefined" if locals_[i] is None else fmt(locals_[i], digits)
                parts: list[Part] | None = [f"{texts[i]} = ", Slot("l", edge)] if stepped else None
                cells.append(Cell(f"{eid}-local", "local", f"{texts[i]} = {number}", parts))
            if "flow" in shown and parent not in fixed:
                done = stepped and not lesson
                text = template.render(template.flow(edge), numbers, digits) if done else ""
                cells.append(Cell(f"{eid}-flow", "flow", text))
                picture.flow_cell[edge] = f"{eid}-flow"
            picture.edges.append(Shape(eid, "edge", cells, src=src, dst=f"o{k}"))
            picture.edge_of[edge] = eid
    for j, ((src, dst), pairs) in enumerate(merged.items()):
        mid = f"m{j}"
        cells = [Cell(f"{mid}-count", "count", f"×{len(pairs)}")] if len(pairs) > 1 else []
        picture.edges.append(Shape(mid, "edge", cells, src=src, dst=dst))
        for pair in pairs:
            picture.edge_of[pair] = mid
