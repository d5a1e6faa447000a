"""``python -m examples`` (``make demo``): run every lesson and write the gallery.

Each lesson runs in its default setting and writes ``out/<lesson>/index.html``; then
``out/index.html`` links them all. One line of result per lesson is printed.
``python -m examples --fast [--out DIR]`` runs the quick settings the tests use.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")

from examples import LESSONS, build


def main(argv: list[str] | None = None) -> None:
    """Parse the command line, build every lesson, print the gallery's path."""
    parser = argparse.ArgumentParser(prog="python -m examples", description=__doc__)
    parser.add_argument("--fast", action="store_true", help="the quick settings of the tests")
    parser.add_argument("--out", type=Path, default=Path("out"), help="output folder")
    parser.add_argument("lessons", nargs="*", help=f"only these, of {', '.join(LESSONS)}")
    args = parser.parse_args(argv)
    unknown = [name for name in args.lessons if name not in LESSONS]
    if unknown:
        parser.error(f"no lesson named {', '.join(unknown)}; the lessons are {', '.join(LESSONS)}")
    start = time.perf_counter()

    def report(name: str, summary: str, seconds: float) -> None:
        print(f"{name:<11} {seconds:5.1f}s  {summary}", flush=True)

    gallery = build(args.out, fast=args.fast, only=args.lessons or None, report=report)
    print(f"\ngallery: {gallery.resolve()}  ({time.perf_counter() - start:.0f}s)")


if __name__ == "__main__":
    main()
