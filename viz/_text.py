"""Text for pictures and lessons: the one number format, and the escapings.

Every number a picture or a lesson shows passes through :func:`fmt`. Text a user
controls (labels, scope names) is first :func:`clean`-ed (characters XML cannot hold
become a visible U+FFFD) and :func:`shorten`-ed (a long label is cut in the middle, and
shown whole in a tooltip), then escaped for where it goes: :func:`html_text` for HTML
pages and SVG, :func:`dot_text` for Graphviz's HTML-like labels (which also reads a
backslash as the start of an escape such as ``\\N``, the node's name) and
:func:`dot_string` for a tooltip.
"""

from __future__ import annotations

import functools
import math
import re

DIGITS = 4
"""Significant digits of every number in pictures and narration."""

MINUS = "−"
REPLACEMENT = "\ufffd"
ELLIPSIS = "…"
MAX_NAME = 24
"""Characters of a label or a scope name that pictures and lessons show: a longer one is
cut in the middle (:func:`shorten`), and a picture shows it whole in a tooltip."""
MAX_TEXT = 200
"""Characters of any one text a picture draws (a formula, a gradient line), whatever it is."""
DOT_STRING_BYTES = 16_000
"""Graphviz reads no quoted or HTML-like string longer than 16 KiB: a tooltip stays below."""
# Characters XML 1.0 cannot hold (C0 controls but tab and newlines, lone surrogates,
# U+FFFE/U+FFFF), plus DEL: each is shown as U+FFFD. Line breaks and tabs become spaces.
_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_SPACES = re.compile("\r\n|[\r\n\t]")


def clean(text: str) -> str:
    """Text that any XML, HTML or DOT output can hold: invalid characters shown as U+FFFD.

    Example:
        >>> clean("a\\ufffeb\\nc")
        'a\\ufffdb c'
    """
    return _INVALID.sub(REPLACEMENT, _SPACES.sub(" ", text))


def shorten(text: str, limit: int = MAX_NAME) -> str:
    """``text`` in at most ``limit`` characters: cut in the middle, where an ellipsis shows it.

    The start and the end are kept (a long name's prefix and its index tell it apart).

    Example:
        >>> shorten("layer_with_a_rather_long_name_weight_17", 16)
        'layer_with…ht_17'
    """
    if len(text) <= limit:
        return text
    end = (limit - 1) // 3
    return text[: limit - 1 - end] + ELLIPSIS + text[len(text) - end:]


def html_text(text: str) -> str:
    """Text safe inside HTML or SVG markup and inside quoted attributes.

    Example:
        >>> html_text('<b> & "x"')
        '&lt;b&gt; &amp; &quot;x&quot;'
    """
    return (
        clean(text)
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#39;")
    )


def dot_text(text: str) -> str:
    """Text safe inside a Graphviz HTML-like label, drawn literally (``\\N`` stays ``\\N``).

    Example:
        >>> dot_text("a\\\\N <b>")
        'a\\\\\\\\N &lt;b&gt;'
    """
    return html_text(text).replace("\\", "\\\\")


def _tooltip_text(text: str) -> str:
    # A tooltip is unescaped twice (as a quoted string, then as an escString that reads
    # \N as the node's name): one backslash is written as four. Markup becomes entities,
    # which Graphviz passes through to the SVG as they are.
    return html_text(text).replace("\\", "\\" * 4)


def dot_string(text: str, max_bytes: int = DOT_STRING_BYTES) -> str:
    r"""``text`` as a Graphviz quoted string for a tooltip, cut to stay under ``max_bytes``.

    A text that had to be cut ends with how long it is whole.

    Example:
        >>> print(dot_string('<b> "\\N"'))
        "&lt;b&gt; &quot;\\\\N&quot;"
    """
    def size(n: int) -> int:  # bytes of the first n characters, escaped
        return len(_tooltip_text(text[:n]).encode("utf-8"))

    if size(len(text)) <= max_bytes:
        return f'"{_tooltip_text(text)}"'
    note = f"{ELLIPSIS} ({len(text)} characters)"
    low, high = 0, min(len(text), max_bytes)  # the longest start that fits, with the note
    while low < high:
        mid = (low + high + 1) // 2
        low, high = (mid, high) if size(mid) + len(note.encode()) <= max_bytes else (low, mid - 1)
    return f'"{_tooltip_text(text[:low])}{note}"'


def fmt(x: float, digits: int = DIGITS) -> str:
    """A number as pictures and lessons write it: ``digits`` significant digits, real minus.

    Example:
        >>> fmt(-3.0), fmt(0.761594), fmt(2e-7), fmt(float("nan")), fmt(-0.0)
        ('−3.0', '0.7616', '2.0e−07', 'nan', '−0.0')
    """
    if x == 0.0:  # 0.0 and −0.0 are one key to a cache: answer the sign here
        return MINUS + "0.0" if math.copysign(1.0, x) < 0.0 else "0.0"
    return _fmt(x, digits)


@functools.lru_cache(maxsize=1 << 16)  # a lesson writes each gradient in several places
def _fmt(x: float, digits: int) -> str:
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "∞" if x > 0 else MINUS + "∞"
    text = f"{x:.{digits}g}"
    mantissa, e, exponent = text.partition("e")
    if "." not in mantissa and len(mantissa.lstrip("-")) < digits:
        mantissa += ".0"  # 3.0 reads as a float; 1234 already shows its 4 digits
    return (mantissa + e + exponent).replace("-", MINUS)


def term(x: float, digits: int = DIGITS) -> str:
    """A number as a term of a sum: negative numbers in parentheses (``(−0.7384)``)."""
    text = fmt(x, digits)
    return f"({text})" if text.startswith(MINUS) else text


def parse(text: str) -> float:
    """Read back a number written by :func:`fmt` (for tests and tools)."""
    return float(text.strip("()").replace(MINUS, "-").replace("∞", "inf"))
