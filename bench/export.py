"""Export speed and size: every format of `minekg export`, from the built graph, at TLP:CLEAR.

    from bench import export
    print(export.section())        # the Markdown section for bench/results.md

or `python -m bench.export`. Builds build/minekg.nq first if it is missing; exports into a temporary folder
(removed afterwards), as the command line does (reading the build, applying the profile, writing the folder
atomically). Each format is exported REPEAT times and the median reported, with the files' total size.
The release filter is timed on its own too: at CLEAR (nothing in the repository's data is marked, so it
keeps the build as it is) and, to time the withholding itself, with every source document marked RED.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from minekg.build.assemble import build, load_built
from minekg.errors import MinekgError
from minekg.project import Project
from minekg.rdf.namespaces import MK
from minekg.release.export import FORMATS, export
from minekg.release.markings import profiles, read_nquads, release

REPEAT = 3


def _built(project: Project) -> Path:
    try:
        return load_built(project)
    except MinekgError:
        build(project)
        return load_built(project)


def measure(project: Project | None = None) -> dict:
    project = project or Project.default()
    nquads = _built(project)
    out: dict = {"formats": {}}
    with tempfile.TemporaryDirectory(prefix="minekg-bench-export-") as tmp:
        for fmt in FORMATS:
            times, size = [], 0
            for i in range(REPEAT):
                start = time.perf_counter()
                report = export(fmt, Path(tmp) / f"{fmt}-{i}", project=project, nquads=nquads)
                times.append(time.perf_counter() - start)
                size = sum(report.files.values())
            out["formats"][fmt] = {"seconds": statistics.median(times), "bytes": size,
                                   "files": len(report.files), "triples": report.triples}
    quads = read_nquads(nquads)
    known = profiles(quads)
    start = time.perf_counter()
    release(quads, known["CLEAR"], known, project)
    out["filter_clear_s"] = time.perf_counter() - start
    documents = {o for _s, p, o, _g in quads if p == MK.source}  # every document some evidence cites
    marked = quads + [(d, MK.marking, MK.TLP_RED, "https://w3id.org/minekg/graph/reference") for d in documents]
    start = time.perf_counter()
    rel = release(marked, known["CLEAR"], known, project)
    out["filter_all_red_s"] = time.perf_counter() - start
    out["filter_all_red_withheld"] = len(rel.withheld)
    out["quads"] = len(quads)
    return out


def section(project: Project | None = None) -> str:
    m = measure(project)
    lines = [
        "## Export (`minekg export`)", "",
        f"The built graph ({m['quads']} quads), exported at TLP:CLEAR in every format; median of {REPEAT} runs,",
        "each reading the build, applying the profile and writing the folder atomically "
        "(data, description.ttl, SHA256SUMS).", "",
        "| format | seconds | files | bytes |", "|---|---:|---:|---:|",
    ]
    for fmt, r in m["formats"].items():
        lines.append(f"| {fmt} | {r['seconds']:.2f} | {r['files']} | {r['bytes']:,} |")
    lines += ["",
              f"Release filter alone: {m['filter_clear_s']:.2f} s at CLEAR with nothing marked; "
              f"{m['filter_all_red_s']:.2f} s with every source document marked RED "
              f"({m['filter_all_red_withheld']} nodes withheld, derived graph derived again).", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    print(section())
