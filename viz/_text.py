"""Text for pictures and lessons: escaping, numbers, and the names of nodes.

Every piece of text a user controls (labels, scope names) passes through
:func:`escape` before it enters DOT or HTML; every number through :func:`fmt`.
"""

from __future__ import annotations

import math
import re

from autograd import Value
from autograd.ops import subscript

DIGITS = 4
"""Significant digits of every number in pictures and narration."""

MINUS = "−"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def escape(text: str) -> str:
    """Make text safe inside a Graphviz HTML-like label, an HTML page or an XML attribute.

    The five XML specials become entities; line breaks become spaces and other control
    characters become U+FFFD, so nothing a label holds can end the label or the page.

    Example:
        >>> escape('<b> & "x"')
        '&lt;b&gt; &amp; &quot;x&quot;'
    """
    text = (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#39;")
        .replace("\r\n", " ")
        .replace("\n", " ")
        .replace("\r", " ")
        .replace("\t", " ")
    )
    return _CONTROL.sub("\ufffd", text)


def fmt(x: float, digits: int = DIGITS) -> str:
    """A number as pictures and lessons write it: ``digits`` significant digits, real minus.

    Example:
        >>> fmt(-3.0), fmt(0.761594), fmt(2e-7), fmt(float("nan"))
        ('−3.0', '0.7616', '2.0e−07', 'nan')
    """
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "∞" if x > 0 else MINUS + "∞"
    text = f"{x:.{digits}g}"
    mantissa, e, exponent = text.partition("e")
    if "." not in mantissa and len(mantissa.lstrip("-")) < digits:
        mantissa += ".0"  # 3.0 reads as a float; 1234 already shows its 4 digits
    return (mantissa + e + exponent).replace("-", MINUS)


def parse(text: str) -> float:
    """Read back a number written by :func:`fmt` (for tests and tools)."""
    return float(text.replace(MINUS, "-").replace("∞", "inf"))


def node_names(order: list[Value], root: Value) -> dict[Value, str]:
    """A name for every node: its label, else ``L`` for the root, ``cₖ`` for a constant
    and ``nₖ`` for any other node, ``k`` being its place in topological order (stable
    for a given graph, unlike ``id``)."""
    names: dict[Value, str] = {}
    for k, node in enumerate(order):
        if node.label:
            names[node] = node.label
        elif node is root:
            names[node] = "L"
        else:
            names[node] = ("c" if node.is_constant else "n") + subscript(k)
    return names
