"""The HTML-like labels of a picture's nodes and edges (all user text escaped here)."""

from __future__ import annotations

from collections.abc import Callable

from autograd import GradcheckRow, Step, Value

from ._text import escape, fmt

Sizer = Callable[[int, str, str], str]
"""(font size, opening table tag, cell content) → the cell's fixed-size attributes
(see :class:`viz.fixed.Reserve`); lesson frames pass one so cells keep their size."""
NODE_FONT = 11
EDGE_FONT = 9
VALUE_TABLE = '<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="4">'
BOX_TABLE = '<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="3">'
EDGE_TABLE = '<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="0">'
BLANK = "&#160;"
"""The product line's placeholder before the chain rule reaches an edge: the local
derivative line stays put when the product appears."""
HIGHLIGHT = "#ffd966"
FAILED = "#f4cccc"
CONSTANT = "#eeeeee"


def value_label(
    name: str,
    node: Value,
    show: frozenset[str],
    grad: str,
    digits: int,
    fill: str = "",
    failed: GradcheckRow | None = None,
    sizer: Sizer | None = None,
) -> str:
    """A value node: name, data and grad in one row (plus a gradcheck row when it failed).
    ``sizer`` fixes the size of the grad cell, the one that changes during a lesson."""
    name_cell = f"<I>{escape(name)}</I>" if node.is_constant else f"<B>{escape(name)}</B>"
    cells = [f"<TD>{name_cell}</TD>"]
    if "data" in show:
        cells.append(f"<TD>data {fmt(node.data, digits)}</TD>")
    if "grad" in show:
        text = escape(grad)
        attrs = sizer(NODE_FONT, VALUE_TABLE, text) if sizer else ""
        cells.append(f"<TD{attrs}>{text}</TD>")
    color = fill or (FAILED if failed else (CONSTANT if node.is_constant else "white"))
    rows = [f"<TR>{''.join(cells)}</TR>"]
    if failed is not None:
        rows.append(
            f'<TR><TD COLSPAN="{len(cells)}">gradcheck failed: analytic '
            f"{fmt(failed.analytic, digits)} ≠ numeric {fmt(failed.numeric, digits)}</TD></TR>"
        )
    return (
        f'<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="4" BGCOLOR="{color}">'
        f"{''.join(rows)}</TABLE>>"
    )


def op_label(node: Value, digits: int) -> str:
    """An op node: the op's symbol from the table, and its parameter if it has one."""
    op = node.op
    assert op is not None, "op_label draws op nodes only"
    text = escape(op.symbol)
    if op.param and isinstance(node.arg, float):
        text += f'<BR/><FONT POINT-SIZE="10">{escape(op.param[0])} = {fmt(node.arg, digits)}</FONT>'
    return f"<{text}>"


def edge_label(
    node: Value,
    index: int,
    local: float | None,
    step: Step | None,
    show: frozenset[str],
    digits: int,
    sizer: Sizer | None = None,
) -> str:
    """Edge input → op: the local derivative (formula and number) and, once the chain
    rule has flowed along it, upstream × local = contribution.

    With ``sizer`` (a lesson frame) the label is one fixed-size cell and holds a blank
    line where the product will appear, so it keeps its size and place in every frame."""
    lines = []
    if "local" in show:
        assert node.op is not None, "an edge leads into an op node"
        formula = node.op.formula(index, len(node.parents))
        number = "undefined" if local is None else fmt(local, digits)
        lines.append(f"{escape(formula)} = {number}")
    if "flow" in show and step is not None:
        lines.append(
            f"{fmt(step.upstream, digits)} × {fmt(step.local, digits)} = "
            f"{fmt(step.contribution, digits)}"
        )
    elif "flow" in show and sizer is not None:
        lines.append(BLANK)
    if not lines:
        return ""
    if sizer is None:
        return f"<{'<BR/>'.join(lines)}>"
    content = "<BR/>".join(lines)
    attrs = sizer(EDGE_FONT, EDGE_TABLE, content)
    return f"<{EDGE_TABLE}<TR><TD{attrs}>{content}</TD></TR></TABLE>>"


def box_label(
    prefix: tuple[str, ...],
    members: list[Value],
    outputs: list[tuple[str, Value, str]],
    show: frozenset[str],
    digits: int,
    most: int = 3,
    sizer: Callable[[Value], Sizer | None] | None = None,
) -> str:
    """A collapsed scope: its path, what it holds, and its outputs' data and grad.
    ``sizer(node)`` fixes the size of each output's grad cell."""
    ops = sum(1 for m in members if m.op is not None)
    leaves = len(members) - ops
    title = escape(" / ".join(prefix))
    rows = [f'<TR><TD COLSPAN="3"><B>{title}</B><BR/>{ops} ops, {leaves} leaves</TD></TR>']
    for name, node, grad in outputs[:most]:
        cells = [f"<TD>{escape(name)}</TD>"]
        cells.append(f"<TD>data {fmt(node.data, digits)}</TD>" if "data" in show else "<TD></TD>")
        if "grad" in show:
            text = escape(grad)
            cell = sizer(node) if sizer else None
            attrs = cell(NODE_FONT, BOX_TABLE, text) if cell else ""
            cells.append(f"<TD{attrs}>{text}</TD>")
        else:
            cells.append("<TD></TD>")
        rows.append(f"<TR>{''.join(cells)}</TR>")
    if len(outputs) > most:
        rows.append(f'<TR><TD COLSPAN="3">… {len(outputs)} outputs</TD></TR>')
    return (
        '<<TABLE BORDER="1" CELLBORDER="0" CELLSPACING="0" CELLPADDING="3" '
        f'BGCOLOR="#e8f0fe" STYLE="ROUNDED">{"".join(rows)}</TABLE>>'
    )
