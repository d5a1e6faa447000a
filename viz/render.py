"""Running Graphviz's ``dot``, and the one error raised when it is not installed."""

from __future__ import annotations

import re
from typing import Any

_INSTALL = (
    "Install Graphviz (the `dot` program), then try again:\n"
    "  Debian/Ubuntu: sudo apt-get install graphviz\n"
    "  macOS:         brew install graphviz\n"
    "  conda:         conda install -c conda-forge graphviz"
)


class GraphvizNotFound(RuntimeError):
    """Rendering needs Graphviz's ``dot`` program, which is not on PATH.

    The message says how to install it and where the DOT source can be read meanwhile.
    """

    def __init__(self, what: str, source_hint: str) -> None:
        super().__init__(
            f"{what} needs Graphviz's `dot` program, which was not found on PATH.\n"
            f"{_INSTALL}\n"
            f"Meanwhile the DOT source {source_hint}."
        )


def _import_graphviz() -> Any:
    try:
        import graphviz
    except ImportError:  # pragma: no cover - graphviz is part of the viz extra
        raise ImportError(
            "viz pictures need the Python package graphviz: pip install graphviz "
            "(from a chainrule checkout: pip install -e '.[viz]')"
        ) from None
    return graphviz


_CLASS: Any = None


def digraph_class() -> Any:
    """``graphviz.Digraph`` whose rendering raises :class:`GraphvizNotFound` without ``dot``.

    Made on first use, so that ``import viz`` does not import graphviz.
    """
    global _CLASS
    if _CLASS is None:
        graphviz = _import_graphviz()

        class Digraph(graphviz.Digraph):  # type: ignore[name-defined,misc]  # made at run time
            """A chain-rule picture: ``.source`` is DOT text, ``.pipe(format="svg")`` renders it."""

            def pipe(self, *args: Any, **kwargs: Any) -> Any:
                try:
                    out = super().pipe(*args, **kwargs)
                except graphviz.ExecutableNotFound:
                    raise GraphvizNotFound(
                        "Rendering the graph", "is the graph's `.source` attribute"
                    ) from None
                if (kwargs.get("format") or (args[0] if args else self.format)) != "svg":
                    return out
                if isinstance(out, bytes):
                    return with_titles(out.decode("utf-8")).encode("utf-8")
                return with_titles(out)

            def render(self, *args: Any, **kwargs: Any) -> Any:
                try:
                    return super().render(*args, **kwargs)
                except graphviz.ExecutableNotFound:
                    raise GraphvizNotFound(
                        "Rendering the graph",
                        f"was written to {self.filepath} (and is the graph's `.source`)",
                    ) from None

        _CLASS = Digraph
    return _CLASS


# dot writes a tooltip as a link to nowhere, <a xlink:title="…">…</a>, which Chromium does
# not show; an SVG <title> child is what every browser shows (and reads out).
_TOOLTIP = re.compile(r'<a xlink:title="([^"]*)">')


def with_titles(svg_text: str) -> str:
    """``dot``'s SVG with each tooltip as a ``<title>`` (text never holds a raw ``</a>``)."""
    return _TOOLTIP.sub(r"<title>\1</title>", svg_text).replace("</a>", "")


def svg(graph: Any) -> str:
    """The graph rendered by ``dot`` as SVG text (without the XML prologue), tooltips as
    ``<title>`` elements."""
    text = with_titles(graph.pipe(format="svg", encoding="utf-8"))
    start = text.find("<svg")
    return text[start:] if start >= 0 else text
