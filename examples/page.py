"""A lesson's page: what it prints, as an HTML page with its pictures, and the gallery.

A lesson speaks through one :class:`Page`: each paragraph, table or figure it adds is
printed to the terminal (when ``verbose``) and kept for ``out/<lesson>/index.html``.
So the terminal and the page tell the same story with the same numbers. All text is
escaped; pages fetch nothing from the network.
"""

from __future__ import annotations

import html
import inspect
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

STYLE = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem;
       line-height: 1.5; color: #222; }
pre { background: #f6f6f4; padding: .6rem .8rem; overflow-x: auto; }
table { border-collapse: collapse; margin: .5rem 0; }
td, th { border: 1px solid #ccc; padding: .2rem .6rem; text-align: right;
         font-family: ui-monospace, monospace; }
th { background: #f0f0ee; }
img { max-width: 100%; height: auto; border: 1px solid #ddd; margin: .5rem 0; }
figure { margin: 1rem 0; }
figure.wide { position: relative; left: 50%; transform: translateX(-50%); }
.summary { font-weight: bold; }
figure.embed { margin: 1rem 0; width: min(80rem, calc(100vw - 2rem)); position: relative;
                left: 50%; transform: translateX(-50%); }
figure.embed iframe { width: 100%; border: 1px solid #ccc; display: block; }
figure.embed figcaption { max-width: 58rem; margin: .3rem auto 0; }
a.cite { white-space: nowrap; }
"""
DPI = 90
"""Pixels per inch of a lesson's figures: a 9-point label is 11 px on the page."""
COLUMN = 926
"""Pixels of a lesson's text column (60rem less its padding)."""
LIVE_HEIGHT = 680
"""Pixels of a framed live step-through: its controls, narration and graph, and the side
panel's inputs with a nudge's explanation and plot, all in view on a 1280×800 screen."""


def difference(x: float) -> str:
    """A largest difference as a learner reads it: 0, or its order of magnitude (3e−17)."""
    return f"{x:.0e}".replace("-", "−") if x else "0"


def agreement(x: float) -> str:
    """How two computations agree, after "agree": 'exactly', or 'to 3e−17'."""
    return f"to {difference(x)}" if x else "exactly"


def _cell(value: Any) -> str:
    """A table cell as text; a number's minus sign is the Unicode minus (−), as in the prose."""
    text = str(value)
    try:
        float(text)
    except ValueError:
        return text
    return text.replace("-", "−")


def _table_text(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    cells = [[str(h) for h in headers]] + [[_cell(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = ["  ".join(c.rjust(w) for c, w in zip(r, widths)) for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


@dataclass
class Page:
    """The narrative of one lesson, printed as it grows and written as HTML at the end.

    Args:
        name: the lesson's module name (its folder under ``out/``).
        title: the page's heading.
        out: the folder to write into, or None to write nothing (fast tests).
        verbose: print each block as it is added.
    """

    name: str
    title: str
    out: Path | None = None
    verbose: bool = False
    blocks: list[str] = field(default_factory=list)
    figures: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.out is not None:
            self.out = Path(self.out)
            self.out.mkdir(parents=True, exist_ok=True)
        self._echo(f"\n=== {self.title} ===\n")

    @property
    def drawing(self) -> bool:
        """True when pictures are wanted (an output folder was given)."""
        return self.out is not None

    def _echo(self, text: str) -> None:
        if self.verbose:
            print(text)

    def heading(self, text: str) -> None:
        """A section heading."""
        self._echo(f"\n-- {text} --")
        self.blocks.append(f"<h2>{html.escape(text)}</h2>")

    def say(self, text: str) -> None:
        """A paragraph of narrative."""
        self._echo(text)
        self.blocks.append(f"<p>{html.escape(text)}</p>")

    def pre(self, text: str) -> None:
        """Preformatted text (formulas laid out by hand, traces)."""
        self._echo(text)
        self.blocks.append(f"<pre>{html.escape(text)}</pre>")

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """A table of numbers (cells are shown as given: format them before)."""
        self._echo(_table_text(headers, rows))
        head = "".join(f"<th>{html.escape(str(h))}</th>" for h in headers)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(_cell(c))}</td>" for c in row) + "</tr>"
            for row in rows
        )
        self.blocks.append(f"<table><tr>{head}</tr>{body}</table>")

    def path(self, filename: str) -> Path:
        """Where a picture called ``filename`` goes (only when ``drawing``)."""
        assert self.out is not None, "path() is for drawing pages; check page.drawing first"
        return self.out / filename

    def figure(self, fig: Any, filename: str, caption: str) -> None:
        """Save a matplotlib figure next to the page, show it there, and record its axes."""
        if self.out is None:
            return
        self.figures[filename] = describe_figure(fig)
        fig.savefig(self.out / filename, dpi=DPI, bbox_inches="tight")
        import matplotlib.pyplot as plt

        plt.close(fig)
        self.image(filename, caption)

    def image(self, filename: str, caption: str) -> None:
        """Show an image file already written next to the page: at its own size (a PNG
        wider than the text column leaves the column rather than shrink its text)."""
        self._echo(f"[picture: {self.out / filename if self.out else filename}] {caption}")
        size, wide = "", ""
        if self.out is not None and filename.endswith(".png"):
            width, height = png_size(self.out / filename)
            size = f' width="{width}" height="{height}"'
            if width > COLUMN:
                wide = (f' class="wide" style="width: min({width + 2}px, '
                        'calc(100vw - 2rem))"')
        self.blocks.append(
            f'<figure{wide}><img src="{html.escape(filename)}"{size} '
            f'alt="{html.escape(caption)}"><figcaption>{html.escape(caption)}</figcaption>'
            "</figure>"
        )

    def graph(self, root: Any, filename: str, caption: str, **options: Any) -> None:
        """Draw ``root``'s graph with viz: an SVG file, shown in the page in viz's
        pan-and-zoom viewer at full size (local derivatives on the edges)."""
        if self.out is None:
            return
        from viz import draw_graph

        graph = draw_graph(root, **options)
        (self.out / filename).write_bytes(graph.pipe(format="svg"))
        self._echo(f"[picture: {self.out / filename}] {caption}")
        self.blocks.append(
            f"<figure>{graph.iframe(caption)}<figcaption>{html.escape(caption)}</figcaption>"
            "</figure>"
        )

    def embed(self, widget: Any, filename: str, caption: str, height: int = 620,
              cites: Sequence[str] = ()) -> None:
        """Show an interactive page (a ``viz.live`` step-through, a ``viz.train_live``
        trainer: anything with ``to_html(path)``) inside the lesson, here, beside the text
        it illustrates: written to ``filename`` next to the lesson and framed in it, as wide
        as the window allows, with a link that opens it on its own (where it carries the
        lesson's title and a link back, when its ``to_html`` takes ``title`` and ``back``).
        ``cites``: parts of its picture the caption names (``"w³ → z³"``, a node's name),
        each a link that brings it into view."""
        if self.out is None:
            return
        options = {"title": self.title, "back": ("index.html", f"the lesson: {self.title}")}
        accepted = inspect.signature(widget.to_html).parameters
        widget.to_html(self.out / filename, **{k: v for k, v in options.items() if k in accepted})
        self._echo(f"[interactive: {self.out / filename}] {caption}")
        name, text = html.escape(filename), html.escape(caption)
        frame = html.escape(Path(filename).stem, quote=True)
        links = "".join(
            f' <a class="cite" href="{name}#show={html.escape(quote(c))}" target="{frame}">'
            f"show {html.escape(c)}</a>" for c in cites)
        self.blocks.append(
            f'<figure class="embed"><iframe src="{name}" name="{frame}" title="{text}" '
            f'style="height: {int(height)}px"></iframe>'
            f'<figcaption>{text}{links} (<a href="{name}">open on its own page</a>)</figcaption>'
            "</figure>"
        )

    def live(self, root: Any, filename: str, caption: str, height: int = LIVE_HEIGHT,
             cites: Sequence[str] = (), **options: Any) -> int:
        """Embed viz's live step-through of ``root``'s backward pass (drawn top to bottom,
        the whole graph at a legible size where it fits); return its number of frames."""
        if self.out is None:
            return 0
        from viz import live

        page = live(root, **{"rankdir": "TB", **options})
        self.embed(page, filename, caption, height, cites)
        return len(page)

    def link(self, filename: str, text: str) -> None:
        """A link to a file next to the page (a step-through, say)."""
        self._echo(f"[{text}: {self.out / filename if self.out else filename}]")
        self.blocks.append(f'<p><a href="{html.escape(filename)}">{html.escape(text)}</a></p>')

    def write(self, summary: str) -> Path | None:
        """Write ``index.html`` (the summary line first); return its path."""
        self._echo(f"\nResult: {summary}")
        if self.out is None:
            return None
        body = "\n".join(self.blocks)
        text = (
            '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{html.escape(self.title)}</title><style>{STYLE}</style></head><body>"
            f'<p><a href="../index.html">all lessons</a></p><h1>{html.escape(self.title)}</h1>'
            f'<p class="summary">{html.escape(summary)}</p>\n{body}\n</body></html>\n'
        )
        path = self.out / "index.html"
        path.write_text(text, encoding="utf-8")
        (self.out / "figures.json").write_text(
            json.dumps(self.figures, ensure_ascii=False, indent=1), encoding="utf-8"
        )
        return path


def png_size(path: Path) -> tuple[int, int]:
    """A PNG's (width, height) in pixels, read from its header."""
    header = path.read_bytes()[:24]
    if header[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path} is not a PNG file")
    return int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big")


def describe_figure(fig: Any) -> list[dict[str, Any]]:
    """Each plotting axes of a matplotlib figure: title, axis labels, series, legend, colour bar.

    The gallery's tests read these records (``figures.json``) to check that every plot says
    what it shows.
    """
    bars = [ax for ax in fig.axes if ax.get_label() == "<colorbar>"]
    records: list[dict[str, Any]] = []
    for k, ax in enumerate(fig.axes):
        if ax in bars:
            continue
        if any(ax.get_shared_x_axes().joined(ax, other) for other in fig.axes[:k]):
            # a twin (twinx): a second y axis over another plot, it needs only its label
            records.append({"twin": True, "ylabel": ax.get_ylabel()})
            continue
        labelled = [
            a for a in [*ax.lines, *ax.collections, *ax.patches]
            if a.get_label() and not a.get_label().startswith("_")
        ]
        records.append({
            "title": ax.get_title(),
            "xlabel": ax.get_xlabel(),
            "ylabel": ax.get_ylabel(),
            "series": len(labelled),
            "legend": ax.get_legend() is not None or bool(fig.legends),  # its own or the figure's
            "contour": any(type(c).__name__.endswith("ContourSet") for c in ax.collections),
            "colorbars": len(bars),
            "diagram": not ax.axison,  # a drawing with its axes turned off, not a plot
        })
    return records


def write_gallery(out: Path, entries: Sequence[tuple[str, str, str, int]]) -> Path:
    """Write ``out/index.html``, the learning path: entries are (name, title, blurb, minutes)."""
    items = "\n".join(
        f'<li><a href="{html.escape(name)}/index.html">{html.escape(title)}</a>'
        f' <span class="time">(about {minutes} min)</span>'
        f"<br><span>{html.escape(blurb)}</span></li>"
        for name, title, blurb, minutes in entries
    )
    text = (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>chainrule lessons</title><style>{STYLE} li {{ margin: .8rem 0; }}</style>"
        "</head><body><h1>chainrule: backpropagation, one lesson at a time</h1>"
        "<p>A learning path, in reading order: gradient descent first, then the chain rule "
        "that computes its derivatives, then networks, training and a game of two networks. "
        "Every number on these pages was computed as the lesson ran. Costs: the chain and "
        "equations lessons use ½(a − y)², whose derivative is a − y; the neuron lesson, "
        "like its source, uses C₀ = (a − y)², whose derivative is 2(a − y); regression "
        "averages squared or absolute errors. Each lesson states its cost; a constant "
        "factor in a cost scales every gradient by the same factor and moves no minimum."
        "</p>"
        f"<ol>\n{items}\n</ol></body></html>\n"
    )
    out.mkdir(parents=True, exist_ok=True)
    path = out / "index.html"
    path.write_text(text, encoding="utf-8")
    return path
