"""The cross-treaty queries timed at about 10^6 triples on the embedded Oxigraph store (the default backend).

The graph is bench/generate.py's (seed 1, from the real build, reference tables kept once), loaded and derived
with rules/*.rq as the build does. Each case is a named query with its parameters, run RUNS times; the median
is kept. The whole suite, on every backend and size, is bench/queries_bench.py's section.

    python -m bench --only treaties
"""

from __future__ import annotations

import statistics
import sys
import time

from .queries_bench import ROOT, SEED, WORK, derive_into

SIZE = 1_000_000
RUNS = 5
INSTR = "https://w3id.org/minekg/id/instrument/"
# (query, parameters): 001 for each instrument, the counts, the new cross-treaty queries.
CASES: list[tuple[str, dict[str, str]]] = [
    *[("001", {"date": "2024-01-01", "instrument": INSTR + i}) for i in ("mbt", "ccw", "ccw-apii", "ccw-pv", "ccm")],
    ("101", {"date": "2024-01-01", "instrument": INSTR + "ccm"}),
    ("108", {"date": "2024-01-01"}),
    ("108", {"date": "2024-01-01", "bound_by": INSTR + "ccm", "not_bound_by": INSTR + "mbt"}),
    ("109", {"state": "BLR"}),
    ("109", {"state": "USA"}),
]


def measure(size: int = SIZE, log=print) -> dict:
    sys.path.insert(0, str(ROOT))
    import pyoxigraph as ox

    from bench.generate import generate
    from minekg.build.assemble import load_built
    from minekg.query import catalogue as named
    from minekg.query.stores import OxigraphStore

    base = WORK / f"treaties-base-{size}.nq"
    gen = generate(load_built(), size, base, seed=SEED)
    t0 = time.perf_counter()
    store = OxigraphStore()
    store.store.bulk_load(path=str(base), format=ox.RdfFormat.N_QUADS)
    derive_into(store.store, ROOT / "rules")
    load_s = time.perf_counter() - t0
    log(f"treaties: {len(store.store)} triples, loaded and derived in {load_s:.1f} s")
    rows = []
    for name, params in CASES:
        query = named.find(name)
        text = named.bind(query, params)
        times, count = [], 0
        for _ in range(RUNS):
            t = time.perf_counter()
            count = len(list(store.query(text).rows))
            times.append(time.perf_counter() - t)
        rows.append((query.name, params, statistics.median(times) * 1000, count))
        log(f"  {query.name} {params}: {rows[-1][2]:.1f} ms, {count} rows")
    return {"triples": len(store.store), "documents": gen.documents, "load_s": load_s, "rows": rows}


def markdown(m: dict) -> str:
    lines = ["## Cross-treaty status (queries 001, 101, 108, 109)", "",
             f"Embedded Oxigraph, {m['triples']:,} triples (bench/generate.py, seed {SEED}: {m['documents']} "
             f"synthetic documents, the Mine Ban Treaty register and the arms treaties' table kept once), loaded "
             f"and derived in {m['load_s']:.1f} s; each query {RUNS} times, median.", "",
             "| query | parameters | median (ms) | rows |", "|---|---|---:|---:|"]
    for name, params, ms, count in m["rows"]:
        shown = ", ".join(f"{k}={v.removeprefix(INSTR)}" for k, v in params.items())
        lines.append(f"| {name} | {shown} | {ms:,.1f} | {count:,} |")
    return "\n".join(lines) + "\n"


def section() -> str:
    return markdown(measure(log=lambda m: print(m, file=sys.stderr, flush=True)))


if __name__ == "__main__":
    print(section(), end="")
