"""The DOT renderer: a :class:`~viz.model.Picture` as Graphviz source.

The only place DOT markup is written. Every text passes through
:func:`viz._text.dot_text`, cut to :data:`~viz._text.MAX_TEXT` characters (Graphviz reads
no label over 16 KiB); a label or scope name longer than the picture shows it
(:data:`~viz._text.MAX_NAME`) is there whole, in a tooltip. Every node and edge carries
the picture's id (``id="v3"``), so the SVG ``dot`` draws can be addressed by the page
that shows it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._text import MAX_NAME, MAX_TEXT, dot_string, dot_text, shorten
from .groups import ClusterTree
from .model import Cell, Picture, Shape
from .render import digraph_class

FONT = 12
"""Font size of every text, in points; the pages draw one point as one CSS pixel."""
WHITE = "white"
CONSTANT = "#eeeeee"
FAILED = "#f4cccc"
BOX = "#e8f0fe"


def _draw(text: str) -> str:
    return dot_text(shorten(text, MAX_TEXT))


def _tooltip(whole: str, drawn: str) -> str:
    """A tooltip attribute with the whole text when less of it is drawn, else nothing."""
    return f" tooltip={dot_string(whole)}" if drawn != whole else ""


def _scopes(title: str) -> str:
    """A box's title (its scope path) with each scope name shortened."""
    return " / ".join(shorten(part) for part in title.split(" / "))


def _td(text: str, role: str, attrs: str = "") -> str:
    body = _draw(text)
    if role == "name" or role == "title":
        body = f"<B>{body}</B>"
    elif role == "constant":
        body = f"<I>{body}</I>"
    return f"<TD{attrs}>{body}</TD>"


def _value(shape: Shape, text: Mapping[str, str]) -> str:
    cells = [c for c in shape.cells if text[c.id]]
    name, rest = cells[0], [c for c in cells[1:] if c.role in ("data", "grad")]
    rows = []
    span = f' ROWSPAN="{len(rest)}"' if len(rest) > 1 else ""
    first = _td(text[name.id], name.role, span)
    for j, cell in enumerate(rest):
        rows.append((first if j == 0 else "") + _td(text[cell.id], cell.role, ' ALIGN="LEFT"'))
    if not rest:
        rows.append(first)
    for cell in cells[1:]:
        if cell.role == "failed":
            rows.append(_td(text[cell.id], cell.role, f' COLSPAN="{1 + bool(rest)}"'))
    color = FAILED if shape.failed else CONSTANT if shape.constant else WHITE
    table = "".join(f"<TR>{r}</TR>" for r in rows)
    return (
        f'<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="4" '
        f'BGCOLOR="{color}">{table}</TABLE>>'
    )


def _op(shape: Shape, text: Mapping[str, str]) -> str:
    symbol, *param = shape.cells
    label = _draw(text[symbol.id])
    for cell in param:
        label += f'<BR/><FONT POINT-SIZE="{FONT - 1}">{_draw(text[cell.id])}</FONT>'
    return f"<{label}>"


def _box(shape: Shape, text: Mapping[str, str]) -> str:
    title, count, *rest = shape.cells
    rows = [
        f'<TR><TD COLSPAN="3"><B>{_draw(_scopes(text[title.id]))}</B><BR/>'
        f"{_draw(text[count.id])}</TD></TR>"
    ]
    row: list[str] = []
    for cell in rest:
        if cell.role == "name" and row:
            rows.append(f"<TR>{''.join(row)}</TR>")
            row = []
        if cell.role == "count":
            rows.append(f"<TR>{''.join(row)}</TR>" if row else "")
            row = []
            rows.append(f'<TR><TD COLSPAN="3">{_draw(text[cell.id])}</TD></TR>')
            continue
        row.append(_td(text[cell.id], "" if cell.role == "name" else cell.role, ' ALIGN="LEFT"'))
    if row:
        rows.append(f"<TR>{''.join(row)}</TR>")
    return (
        '<<TABLE BORDER="1" CELLBORDER="0" CELLSPACING="0" CELLPADDING="3" '
        f'BGCOLOR="{BOX}" STYLE="ROUNDED">{"".join(rows)}</TABLE>>'
    )


def _edge(shape: Shape, text: Mapping[str, str]) -> str:
    cells: list[Cell] = [c for c in shape.cells if text[c.id]]
    if not cells:
        return ""
    rows = "".join(f'<TR><TD ALIGN="LEFT">{_draw(text[c.id])}</TD></TR>' for c in cells)
    return f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">{rows}</TABLE>>'


def lines(picture: Picture, texts: Mapping[str, str] | None = None) -> list[str]:
    """The DOT statements of ``picture``; ``texts`` overrides cell texts by cell id (a
    lesson lays its graph out with each changing cell's longest text)."""
    text = {c.id: c.text for c in picture.cells()}
    if texts:
        text.update(texts)
    labels = {shape: node.label for node, shape in picture.element.items()}
    tree = ClusterTree(lambda name: _draw(shorten(name)))
    named: set[tuple[str, ...]] = set()
    for shape in picture.shapes:
        if shape.kind == "value":
            whole = labels.get(shape.id, "")
            attrs = f"shape=none margin=0 label={_value(shape, text)}"
            attrs += _tooltip(whole, shorten(whole))
        elif shape.kind == "op":
            attrs = f"shape=circle label={_op(shape, text)}"
        else:
            whole = text[shape.cells[0].id]
            attrs = f"shape=none margin=0 label={_box(shape, text)}"
            attrs += _tooltip(whole, _scopes(whole))
        tree.add(shape.scope, f'{shape.id} [id="{shape.id}" {attrs}]')
        for k in range(1, len(shape.scope) + 1):  # a long scope name whole, on its cluster
            scope = shape.scope[:k]
            if scope not in named and len(scope[-1]) > MAX_NAME:
                named.add(scope)
                tree.add(scope, f"tooltip={dot_string(scope[-1])}")
    out = tree.render()
    for edge in picture.edges:
        label = _edge(edge, text)
        attrs = f" label={label}" if label else ""
        out.append(f'\t{edge.src} -> {edge.dst} [id="{edge.id}"{attrs}]\n')
    return out


def digraph(picture: Picture, texts: Mapping[str, str] | None = None, cls: Any = None) -> Any:
    """The picture as a ``graphviz.Digraph`` (or ``cls``, a subclass); ``.source`` is DOT."""
    graph = (cls or digraph_class())(
        name="chainrule",
        graph_attr={
            "rankdir": picture.rankdir,
            "nodesep": "0.3",
            "ranksep": "0.4",
            "fontname": "Helvetica",
            "fontsize": str(FONT + 1),
        },
        node_attr={"fontname": "Helvetica", "fontsize": str(FONT)},
        edge_attr={"fontname": "Helvetica", "fontsize": str(FONT), "arrowsize": "0.6"},
    )
    graph.body.extend(lines(picture, texts))
    graph.picture = picture
    return graph
