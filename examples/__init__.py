"""chainrule's lessons: each module is a runnable, literate demo (``python -m examples``).

Every lesson module has ``run(fast=False, out=None, verbose=False)`` returning a result
object whose fields are the lesson's numbers and whose ``summary()`` is one line, and a
``TITLE``, a one-sentence ``BLURB`` of what it teaches and the ``MINUTES`` it takes to
read. :func:`build` runs them all and writes the gallery.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from examples.page import write_gallery

# The learning path: gradient descent first, then the chain rule that feeds it its
# derivatives, then networks and their equations, then training, then a game.
LESSONS = (
    "regression", "chain", "neuron", "equations", "modes", "curve", "minibatch", "moons",
    "gan",
)


def build(
    out: Path,
    fast: bool = False,
    only: Sequence[str] | None = None,
    report: Callable[[str, str, float], None] | None = None,
) -> Path:
    """Run the lessons into ``out/<lesson>/`` and write ``out/index.html``; return its path."""
    entries = []
    for name in only or LESSONS:
        module = importlib.import_module(f"examples.{name}")
        start = time.perf_counter()
        result = module.run(fast=fast, out=Path(out) / name)
        summary = result.summary()
        if report is not None:
            report(name, summary, time.perf_counter() - start)
        entries.append((name, module.TITLE, module.BLURB, module.MINUTES))
    return write_gallery(Path(out), entries)
