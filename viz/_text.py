"""Text for pictures and lessons: the one number format, and the two escapings.

Every number a picture or a lesson shows passes through :func:`fmt`. Text a user
controls (labels, scope names) is first :func:`clean`-ed (characters XML cannot hold
become a visible U+FFFD), then escaped for where it goes: :func:`html_text` for HTML
pages and SVG, :func:`dot_text` for Graphviz's HTML-like labels (which also reads a
backslash as the start of an escape such as ``\\N``, the node's name).
"""

from __future__ import annotations

import functools
import math
import re

DIGITS = 4
"""Significant digits of every number in pictures and narration."""

MINUS = "−"
REPLACEMENT = "\ufffd"
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
