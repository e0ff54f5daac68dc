"""Ten million triples (issue 20, item 3): the named-query suite and validation at 10^7, opt-in.

`python -m bench --only scale` (never part of a plain `make bench`: it takes most of an hour). One
synthetic graph of about 10^7 triples (bench/generate.py, seed 1, written to bench/work/, out of git) is
measured three ways, each in its own process so that its peak memory is its own:

- the embedded Oxigraph store on disk (pyoxigraph Store(path)): bulk load, derivation with rules/*.rq,
  then the named-query suite (bench/queries_bench.py's worker, its runs, budget and cap);
- validation with the SPARQL engine (`minekg validate`'s default), its store on disk too;
- an Oxigraph server (`oxigraph serve`, the PyPI package the tests use) loaded with `minekg push`'s
  push() and queried over HTTP with the same suite.

The figures go into bench/results.md as the section "Ten million triples", with the machine's load average.

    python -m bench.scale [SIZE]      # the section, printed (SIZE: a smaller graph, to try the path)
    python -m bench.scale markdown    # the section again from bench/work/scale.json
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

from . import queries_bench
from . import validate as validate_bench

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / "work"
SIZE = 10_000_000
SEED = 1
SAVED = WORK / "scale.json"
# Issue 20's targets at 10^7.
VALIDATE_CAP_S = 3600  # validation on disk at 10^7 is given an hour (the 10^6 bench gives 900 s)
LOAD_TARGET_S, MEDIAN_TARGET_S, SLOWEST_TARGET_S, MEMORY_TARGET_MB = 180.0, 0.2, 2.0, 8192


def measure(size: int = SIZE, log=print) -> dict:
    """Each stage's figures are saved in bench/work/scale.json as soon as they are taken, so a run stopped
    midway still gives its section (`python -m bench.scale markdown`)."""
    sys.path.insert(0, str(ROOT))
    from tests.oxigraph_server import OxigraphServer

    base, full = WORK / f"base-{size}.nq", WORK / f"full-{size}.nq"
    _clear(full)
    out: dict = {"size": size, "load_before": os.getloadavg(), **_generated(size, base, log)}
    _save(out)
    try:
        out["disk"] = queries_bench._run_worker("disk", base, full, None, set())
        _save(out)
        log(f"  disk: {_summary(out['disk'])}")
        # The same in memory: where the machine has the memory, what the disk costs.
        out["memory"] = queries_bench._run_worker("oxigraph", base, full, None, set())
        _save(out)
        log(f"  memory: {_summary(out['memory'])}")
        # An analyst's question is mostly about one country: the queries that take a state, asked about one.
        out["memory_state"] = queries_bench._run_worker("oxigraph", base, full, None, set(), state=STATE)
        _save(out)
        log(f"  memory, {STATE}: {_summary(out['memory_state'])}")
        v = validate_bench._run("sparql", base, on_disk=True, cap_s=VALIDATE_CAP_S)
        if v:
            v["result_count"] = len(v.pop("results"))  # the count is kept; the list itself is large
        out["validate"] = v
        _save(out)
        log(f"  validate: {v['validate_s']:.0f} s, {v['result_count']} results" if v else "  validate: over the cap")
        with OxigraphServer(timeout_s=queries_bench.CAP_S) as server:
            out["endpoint"] = queries_bench._run_worker("endpoint", base, full, server.query_url, set())
            out["endpoint"]["server_peak_rss_mb"] = queries_bench._peak_rss_mb(server.process.pid)
        log(f"  endpoint: {_summary(out['endpoint'])}")
    finally:
        out["load_after"] = os.getloadavg()
        _save(out)
        _clear(full)  # the stores are large; the base N-Quads stay in bench/work/ (ignored by git)
    return out


def _generated(size: int, base: Path, log) -> dict:
    """Generate the graph, or reuse the one a run of this size left (the generator is deterministic, and
    writes the file whole or not at all), with the figures saved when it was made."""
    from bench.generate import generate
    from minekg.build.assemble import load_built

    saved = json.loads(SAVED.read_text(encoding="utf-8")) if SAVED.exists() else {}
    if base.exists() and saved.get("size") == size and "generate_s" in saved:
        log(f"size {size}: reusing {base.name} (made in {saved['generate_s']:.0f} s)")
        return {k: saved[k] for k in ("generated", "generate_s", "bytes")}
    t0 = time.perf_counter()
    gen = generate(load_built(), size, base, seed=SEED)
    log(f"size {size}: {gen.quads} base quads in {time.perf_counter() - t0:.0f} s")
    return {"generated": gen.quads, "generate_s": time.perf_counter() - t0, "bytes": base.stat().st_size}


def _save(m: dict) -> None:
    SAVED.write_text(json.dumps(m, indent=1), encoding="utf-8")


def _clear(full: Path) -> None:
    full.unlink(missing_ok=True)
    location = queries_bench.disk_location(full)
    shutil.rmtree(location, ignore_errors=True)
    location.with_suffix(".loaded").unlink(missing_ok=True)
    queries_bench._pushed(full).unlink(missing_ok=True)


def _summary(r: dict) -> str:
    return r.get("error") or f"load {r['load_s']:.0f} s, suite {queries_bench._total(r):.1f} s"


# ------------------------------------------------------------------ Markdown


SUITE = [n for n, _ in queries_bench._suite()]
# The one-state suite asks each query that takes a state about this one: the state the generated graph says
# most about (at 10^6, 333 statements with it as actor; Ukraine 143), so the worst case of one country.
STATE = "THA"


def _suite_of(r: dict) -> list[str]:
    return SUITE if not r.get("state") else [n for n, _ in queries_bench._suite(r["state"])]


def _medians(r: dict) -> dict[str, float | None]:
    return {n: queries_bench._median(q) for n, q in r.get("queries", {}).items()}


def _slowest_run(q: dict) -> float | None:
    return max(q["times"]) if q.get("status") == "ok" and q.get("times") else None


def _ok(flag: bool) -> str:
    return "yes" if flag else "**no**"


def markdown(m: dict) -> str:
    disk, mem, ep, v = m.get("disk", {}), m.get("memory", {}), m.get("endpoint", {}), m.get("validate")
    one = m.get("memory_state", {})
    lines = [
        "## Ten million triples",
        "",
        f"One synthetic graph of {m['generated']:,} base quads ({m['bytes'] / 1e9:.1f} GB of N-Quads, made by "
        f"bench/generate.py with seed 1 in {m['generate_s']:.0f} s, one replica at a time), measured by "
        "`python -m bench --only scale` (bench/scale.py; not part of a plain `make bench`, it takes most of an "
        "hour and about 10 GB of disk under bench/work/). Each line runs in its own process, so its peak memory "
        "is its own. `disk`: the embedded Oxigraph store on disk (pyoxigraph `Store(path)`), bulk-loaded, "
        "derived with rules/*.rq, then the named-query suite as in the query section above (up to "
        f"{queries_bench.RUNS} runs per query, {queries_bench.CAP_S} s cap). `memory`: the same with "
        "pyoxigraph's in-memory `Store()`, for machines with the memory; `memory, one state`: each query that "
        f"takes a state asked about {STATE} alone, as an analyst mostly asks. `endpoint`: an Oxigraph server "
        "(`oxigraph serve`, its store on disk) loaded by `minekg push` (push(), streamed as one N-Quads POST, as "
        "the derived graph shares blank nodes with the documents) and queried over HTTP; its peak memory is the "
        "server's, the pushing client's in brackets. Validation: the SPARQL engine on the base graph, its "
        f"store on disk. Load average (1, 5, 15 min) {_load(m['load_before'])} before and "
        f"{_load(m.get('load_after', ()))} after, on {os.cpu_count()} cores (a load above 1 or 2 means other "
        "work shared them, and the times include it)."
        + ("" if "endpoint" in m else " **This run was stopped before it finished**: what it did not reach is "
           "marked so below."),
        "",
        "| measured | load (s; CPU s) | derive (s) | suite total (s) | median query (ms) | slowest query (ms) | "
        "not finished | peak memory (MB) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, r in (("disk", disk), ("memory", mem), (f"memory, one state ({STATE})", one), ("endpoint", ep)):
        if not r.get("queries"):
            lines.append(f"| {name} | {'failed: ' + r['error'] if 'error' in r else 'not run'} |||||||")
            continue
        meds = _medians(r)
        done = {n: x for n, x in meds.items() if x is not None}
        slow = max(done, key=done.get, default="")
        peak = f"{r['peak_rss_mb']:,.0f}" if name != "endpoint" else \
            f"{r.get('server_peak_rss_mb') or 0:,.0f} ({r['peak_rss_mb']:,.0f})"
        derive = f"{r['derive_s']:.1f}" if "derive_s" in r else "—"
        cpu = f" ({r['load_cpu_s']:.0f} CPU)" if "load_cpu_s" in r else ""
        unreached = len(_suite_of(r)) - len(done)
        stopped = " (the run was stopped)" if "error" in r else ""
        lines.append(f"| {name} | {r['load_s']:.1f}{cpu} | {derive} | {queries_bench._total(r):.1f}"
                     f"{' +' if unreached else ''} | "
                     f"{queries_bench._ms(statistics.median(done.values()) if done else None)} | "
                     f"{queries_bench._ms(done.get(slow))} ({slow.split('_')[0]}) | {unreached} of {len(_suite_of(r))}"
                     f"{stopped} | {peak} |")
    if v:
        lines.append(f"| validation (sparql) | {v['load_s']:.1f} | — | validate {v['validate_s']:.1f}, "
                     f"{v['result_count']:,} results | | | | {v['peak_rss_mb']:,.0f} |")
    else:
        stopped = f"did not finish in {VALIDATE_CAP_S} s" if "validate" in m else "not run (the run was stopped before)"
        lines.append(f"| validation (sparql) | {stopped} |||||||")
    if "validate_load_before" in m:  # validation run again on its own, after a stopped run
        lines += ["", f"Validation was run on its own after the stop (`validate._run` with its store on disk), at a "
                  f"load average of {_load(m['validate_load_before'])} before and "
                  f"{_load(m.get('validate_load_after', ()))} after."]
    for r, where in ((disk, "embedded store on disk"), (mem, "embedded store in memory"),
                     (one, f"in memory, each query that takes a state asked about {STATE}")):
        if r.get("queries"):
            lines += ["", f"### Targets at 10^7 (issue 20, item 3; {where})", "",
                      "| target | measured | met |", "|---|---|---|", *_targets(r)]
    if v:
        lines.append(f"| validation within {MEMORY_TARGET_MB // 1024} GB | {v['peak_rss_mb']:,.0f} MB "
                     f"({v['load_s'] + v['validate_s']:.0f} s) | {_ok(v['peak_rss_mb'] < MEMORY_TARGET_MB)} |")
    lines += ["", "### Per query at 10^7 (ms)", "",
              f"| query | rows | disk median | disk slowest run | memory median | endpoint median | "
              f"memory, {STATE}: median | rows |",
              "|---|---:|---:|---:|---:|---:|---:|---:|"]
    dq, mq, eq, oq = disk.get("queries", {}), mem.get("queries", {}), ep.get("queries", {}), one.get("queries", {})
    for n in sorted(set(dq) | set(mq) | set(eq)):
        rows = next((q[n]["rows"] for q in (dq, mq, eq) if q.get(n, {}).get("rows") is not None), None)
        lines.append(f"| {n} | {_count(rows)} | {_cell(dq, n)} | "
                     f"{queries_bench._ms(_slowest_run(dq.get(n, {})))} | {_cell(mq, n)} | {_cell(eq, n)} | "
                     f"{_cell(oq, n) if n in oq else '(no state parameter)'} | {_count(oq.get(n, {}).get('rows'))} |")
    return "\n".join(lines) + "\n"


def _targets(r: dict) -> list[str]:
    """Issue 20's targets at 10^7 against one store's run, as table rows."""
    meds = _medians(r)
    # Measured: finished (a median) or over the cap; a query the run did not reach is neither.
    measured = {n: (x if x is not None else float("inf")) for n, x in meds.items()
                if x is not None or r["queries"][n]["status"] == "timeout"}
    suite = _suite_of(r)
    unmeasured = len(suite) - len(measured)
    med = statistics.median(measured.values()) if measured else float("inf")
    # The median whatever the queries not reached would take: from all of them instant to all over the cap.
    low = statistics.median(list(measured.values()) + [0.0] * unmeasured)
    high = statistics.median(list(measured.values()) + [float("inf")] * unmeasured)
    median_met = _ok(high < MEDIAN_TARGET_S) if (high < MEDIAN_TARGET_S) == (low < MEDIAN_TARGET_S) else "not known"
    over = sorted(n.split("_")[0] for n, x in measured.items() if x > SLOWEST_TARGET_S)
    worst = max((x for q in r["queries"].values() if (x := _slowest_run(q)) is not None), default=0.0)
    partial = f" ({len(measured)} of {len(suite)} queries measured)" if unmeasured else ""
    return [
        f"| load and derive under {LOAD_TARGET_S:.0f} s | {r['load_s']:.0f} s | "
        f"{_ok(r['load_s'] < LOAD_TARGET_S)} |",
        f"| suite median under {MEDIAN_TARGET_S * 1000:.0f} ms | "
        f"{'over the cap' if med == float('inf') else queries_bench._ms(med) + ' ms'}{partial} | "
        f"{median_met} |",
        f"| no query over {SLOWEST_TARGET_S:g} s (median) | over: {', '.join(over) or 'none'} (slowest single "
        f"run {worst:.1f} s){partial} | {_ok(not over) if over or not unmeasured else 'not known'} |",
        f"| load, derive and queries within {MEMORY_TARGET_MB // 1024} GB | {r['peak_rss_mb']:,.0f} MB | "
        f"{_ok(r['peak_rss_mb'] < MEMORY_TARGET_MB)} |",
    ]


def _count(rows: int | None) -> str:
    return "" if rows is None else f"{rows:,}"


def _cell(qs: dict, name: str) -> str:
    return queries_bench._status(qs[name]) if name in qs else "not run"


def _load(avg) -> str:
    return ", ".join(f"{x:.1f}" for x in avg) or "(not recorded: the run was stopped)"


def section(size: int = SIZE) -> str:
    """Run the measurement and return its Markdown section (for bench/__main__.py)."""
    return markdown(measure(size, log=lambda s: print(s, file=sys.stderr, flush=True)))


if __name__ == "__main__":
    if sys.argv[1:] == ["markdown"]:  # the section again from the last run's bench/work/scale.json
        print(markdown(json.loads(SAVED.read_text(encoding="utf-8"))), end="")
    else:
        print(section(int(sys.argv[1]) if len(sys.argv) > 1 else SIZE), end="")
