"""The README tells the truth: its picture is the quickstart's graph as drawn today."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from autograd import Value
from viz import draw_graph

ROOT = Path(__file__).parent.parent
PICTURE = ROOT / "examples" / "quickstart.svg"


def quickstart_graph() -> Value:
    """The README's quickstart graph, after backward (the picture shows its gradients)."""
    x = Value(2.0, label="x")
    w = Value(-0.5, label="w")
    b = Value(0.3, label="b")
    y = (w * x + b).tanh()
    y.label = "y"
    y.backward()
    return y


def texts(svg: bytes | str) -> list[str]:
    """Every piece of text an SVG shows, sorted (layout coordinates left out)."""
    tree = ET.fromstring(svg)
    return sorted(t.text or "" for t in tree.iter("{http://www.w3.org/2000/svg}text"))


def test_readme_picture_is_the_quickstart_graph():
    fresh = texts(draw_graph(quickstart_graph()).pipe(format="svg"))
    assert "grad 1.269" in fresh  # the picture carries the numbers the quickstart prints
    assert texts(PICTURE.read_text(encoding="utf-8")) == fresh, (
        "examples/quickstart.svg is stale: python tests/test_readme.py rewrites it"
    )
    assert "examples/quickstart.svg" in (ROOT / "README.md").read_text(encoding="utf-8")


if __name__ == "__main__":
    PICTURE.write_bytes(draw_graph(quickstart_graph()).pipe(format="svg"))
