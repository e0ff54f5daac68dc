"""Run every benchmark section and write bench/results.md (whole, or not at all).

A section is a title and a callable returning its Markdown; another topic's benchmark joins with one line
in SECTIONS. `python -m bench --only TITLE` runs one section (its output still replaces results.md)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from minekg import atomic

from . import export, queries_bench, serve_load, viz

RESULTS = Path(__file__).resolve().parent / "results.md"

SECTIONS: list[tuple[str, Callable[[], str]]] = [
    ("queries", queries_bench.section),
    ("export", export.section),
    ("viz", viz.section),
    ("serve", serve_load.section),
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--only", action="append", choices=[title for title, _ in SECTIONS],
                        help="run only this section (repeatable)")
    args = parser.parse_args(argv)
    parts = ["# minekg benchmarks", "", queries_bench.environment(), ""]
    for title, run in SECTIONS:
        if args.only and title not in args.only:
            continue
        print(f"bench: {title}", file=sys.stderr, flush=True)
        parts.append(run().rstrip("\n"))
        parts.append("")
    atomic.write_text(RESULTS, "\n".join(parts))
    print(f"bench: wrote {RESULTS.relative_to(Path.cwd()) if RESULTS.is_relative_to(Path.cwd()) else RESULTS}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
