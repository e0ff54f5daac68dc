"""Run every benchmark section and write bench/results.md (whole, or not at all).

A section is a title and a callable returning its Markdown (which opens with a `## ` heading); another
topic's benchmark joins with one line in SECTIONS. `python -m bench --only TITLE` runs one section and
replaces only that section of results.md, keeping the others as they were last measured. A section in
OPT_IN (the 10^7 one, which takes most of an hour) runs only when named with --only; otherwise its last
measurement is kept."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from minekg import atomic

from . import check_bench, curate_kazakhstan, draft, export, queries_bench, scale, serve_load, treaties_bench, viz
from . import validate as validate_bench

RESULTS = Path(__file__).resolve().parent / "results.md"

SECTIONS: list[tuple[str, Callable[[], str]]] = [
    ("queries", queries_bench.section),
    ("export", export.section),
    ("viz", viz.section),
    ("serve", serve_load.section),
    ("draft", draft.section),
    ("treaties", treaties_bench.section),
    ("validate", validate_bench.section),
    ("curate", curate_kazakhstan.section),
    ("check", check_bench.section),
    ("scale", scale.section),  # last: results.md keeps sections by position
]
OPT_IN = {"scale"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--only", action="append", choices=[title for title, _ in SECTIONS],
                        help="run only this section (repeatable)")
    args = parser.parse_args(argv)
    kept = _sections(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else []
    parts = ["# minekg benchmarks", "", queries_bench.environment(), ""]
    for i, (title, run) in enumerate(SECTIONS):
        if (title not in args.only) if args.only else (title in OPT_IN):
            if i < len(kept):
                parts += [kept[i], ""]
            continue
        print(f"bench: {title}", file=sys.stderr, flush=True)
        parts.append(run().rstrip("\n"))
        parts.append("")
    atomic.write_text(RESULTS, "\n".join(parts))
    print(f"bench: wrote {RESULTS.relative_to(Path.cwd()) if RESULTS.is_relative_to(Path.cwd()) else RESULTS}",
          file=sys.stderr)
    return 0


def _sections(text: str) -> list[str]:
    """The `## ` sections of a results.md, in order (the title and machine line before them dropped)."""
    chunks = ("\n" + text).split("\n## ")[1:]
    return ["## " + c.rstrip("\n") for c in chunks]


if __name__ == "__main__":
    sys.exit(main())
