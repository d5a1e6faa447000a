"""Reading JSON that nobody vouches for, in time and memory linear in its size.

``json.loads`` recurses once per level of nesting, reads an integer of n digits in time
quadratic in n, and keeps only the last of repeated keys. :func:`parse` refuses nesting
deeper than :data:`MAX_DEPTH` before parsing (in a few passes over the bytes that never
backtrack), reads an integer too long to be a float as a :class:`LongInteger`, and keeps
an object with repeated keys as a :class:`Repeats`, so that the reader can say which field
of the document is wrong. NaN and ±Infinity are read as floats, for the same reason.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from typing import Any

MAX_DEPTH = 32  # deeper JSON is refused before parsing (json recurses once per level)
INT_DIGITS = 309  # the digits of the largest float: a longer integer is no number to read


class Repeats(dict[str, Any]):
    """A JSON object in which some keys repeat (``repeated``, sorted), the last value kept."""

    repeated: list[str]


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    doc = dict(pairs)
    if len(doc) == len(pairs):
        return doc
    repeats = Repeats(doc)
    repeats.repeated = sorted(k for k, n in Counter(k for k, _ in pairs).items() if n > 1)
    return repeats


class LongInteger:
    """An integer written with more than :data:`INT_DIGITS` digits, not read as an int.

    Reading n digits takes time quadratic in n, and Python's own limit on digits
    (``sys.set_int_max_str_digits``) can be lifted by the program that reads the file.
    """

    def __init__(self, digits: int) -> None:
        self.digits = digits

    def __repr__(self) -> str:
        return f"an integer of {self.digits} digits"


def _int(text: str) -> int | LongInteger:
    digits = len(text) - text.startswith("-")
    return LongInteger(digits) if digits > INT_DIGITS else int(text)


# The nesting is what remains of the bytes once escapes (a backslash and the byte after it),
# strings (an unterminated one runs to the end) and every byte but a bracket are removed.
# UTF-8 never uses these ASCII bytes inside a longer character, so the bytes can be read
# before decoding. Each step is one left-to-right pass without backtracking: linear.
_STRING = re.compile(rb'"[^"]*"?')
_NOT_STRUCTURE = bytes(b for b in range(256) if b not in b'[]{}"')
_ONE_KIND = bytes.maketrans(b"{}", b"[]")


def _without_pairs(brackets: bytes) -> bytes | None:
    """``brackets`` with every pair removed, or None if pairs nest over MAX_DEPTH deep.

    Each pass removes every innermost pair ``[]``: after k passes only pairs enclosing
    k levels or more are left.
    """
    if b"[" * (MAX_DEPTH + 1) in brackets:  # as deep at once (the usual attack: quick)
        return None
    for _ in range(MAX_DEPTH + 1):
        shorter = brackets.replace(b"[]", b"")
        if len(shorter) == len(brackets):
            return brackets
        brackets = shorter
    return None


def too_deep(data: bytes) -> bool:
    """Whether the JSON text ``data`` nests arrays and objects over :data:`MAX_DEPTH` deep.

    Both kinds of bracket count as one; a closer without an opener counts as nothing (the
    parser stops there). What is left once the pairs are gone is closers, then openers
    never closed, which are closed at the end and counted again.
    """
    skeleton = data.replace(b"\\\\", b"").replace(b'\\"', b"").translate(None, _NOT_STRUCTURE)
    # Strings without brackets go first, in one pass (removing two quotes in a row keeps
    # every byte inside or outside a string as it was).
    brackets = _STRING.sub(b"", skeleton.replace(b'""', b"")).translate(_ONE_KIND)
    rest = _without_pairs(brackets)
    if rest is None:
        return True
    unclosed = rest.count(b"[")
    return unclosed > 0 and _without_pairs(brackets + b"]" * unclosed) is None


def read_bytes(path: str, max_bytes: int | None) -> bytes | None:
    """The file's bytes, or None when it has more than ``max_bytes`` (not read past them)."""
    with open(path, "rb") as f:
        if max_bytes is None:
            return f.read()
        size = os.fstat(f.fileno()).st_size
        chunks: list[bytes] = []
        total = 0
        while size <= max_bytes and total <= max_bytes:
            chunk = f.read(min(1 << 20, max_bytes + 1 - total))
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
            total += len(chunk)
    return None


def parse(data: bytes) -> Any:
    """The JSON document in ``data`` (UTF-8, a leading byte order mark skipped).

    Raises:
        ValueError: with a message that reads after the file's name ("is not UTF-8
            text …", "nests JSON …", "is truncated or corrupt JSON: …").
    """
    try:
        text = data.decode("utf-8-sig")  # a byte order mark (a Windows editor's) is skipped
    except UnicodeDecodeError as err:
        hint = "; it starts as UTF-16 does: save it as UTF-8" if data[:2] in (
            b"\xff\xfe", b"\xfe\xff") else ""
        raise ValueError(f"is not UTF-8 text ({err}){hint}") from None
    if too_deep(data):
        raise ValueError(f"nests JSON arrays and objects more than {MAX_DEPTH} levels deep")
    try:
        return json.loads(text, parse_int=_int, object_pairs_hook=_object)
    except json.JSONDecodeError as err:
        raise ValueError(f"is truncated or corrupt JSON: {err}") from None
