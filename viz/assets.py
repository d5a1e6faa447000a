"""The JavaScript and CSS that pages inline, kept as real files in ``viz/static/``.

Scripts and style sheets are package data (see ``pyproject.toml``): a linter and the
browser tests read the very files a page inlines. A page inlines them, so it works
offline and from a notebook; :func:`script` and :func:`style` wrap them for that.
"""

from __future__ import annotations

import functools
import re
from importlib import resources

_CLOSING = re.compile(r"</(script|style)", re.IGNORECASE)


@functools.cache
def text(name: str) -> str:
    """The text of ``viz/static/<name>`` (``"live.js"``, ``"page.css"``).

    Raises:
        FileNotFoundError: no such file ships with viz.
        ValueError: the file would end the ``<script>``/``<style>`` element it is inlined in.
    """
    source = (resources.files("viz") / "static" / name).read_text(encoding="utf-8")
    found = _CLOSING.search(source)
    if found:
        raise ValueError(f"viz/static/{name} contains {found.group(0)!r}, which would end the "
                         "element it is inlined in; write it as '<\\/' inside strings")
    return source


def script(*names: str) -> str:
    """The files as one inline ``<script>`` element, in the order given."""
    return "<script>\n" + "\n".join(text(n) for n in names) + "\n</script>"


def style(*names: str) -> str:
    """The files as one inline ``<style>`` element, in the order given."""
    return "<style>\n" + "\n".join(text(n) for n in names) + "\n</style>"
