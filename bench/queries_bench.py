"""The named-query suite timed on each backend, on synthetic graphs of about 10^4, 10^5 and 10^6 triples.

Each (size, backend) runs in its own process, so its peak memory is its own: it loads the dataset (the
embedded Oxigraph store also derives, from the base triples with rules/*.rq, as the build does), then runs
every named query with its default parameters up to RUNS times (fewer when a query is slow: runs stop once
a query has used BUDGET_S seconds) and keeps the median. Every backend gets CAP_S seconds per query (the
parent ends a worker whose query overruns, and restarts it past that query); a query that does not finish
on a backend is recorded as such, and not tried on that backend at larger sizes.

    python -m bench.queries_bench worker BACKEND BASE_NQ FULL_NQ [ENDPOINT]   # one measurement, JSON out
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / "work"
SIZES = (10_000, 100_000, 1_000_000)
BACKENDS = ("oxigraph", "memory", "endpoint")
RUNS = 5
BUDGET_S = 20.0
CAP_S = 60
SEED = 1
# rdflib is not run above this size: at 10^5 it already needs minutes for the suite and does not finish
# some queries, and at 10^6 its queries would mostly run into the cap (recorded in the results).
MEMORY_MAX_SIZE = 100_000
# Loading is allowed longer than a query: pushing 10^7 triples to a server takes minutes (bench/scale.py).
LOAD_CAP_S = 3600
PUSH_TIMEOUT_S = 3600.0


# ------------------------------------------------------------------ the worker (one process per measurement)


def _suite(state: str | None = None):
    """The named queries with their defaults; with `state`, those that take a state, asked about that one
    (their first state parameter bound to it): an analyst's question about one country."""
    from minekg.query import catalogue as named

    out = []
    for q in named.catalog():
        if q.extra.get("endpoint"):
            continue  # written for another store, not minekg's graph
        if state is None:
            out.append((q.name, named.bind(q, {})))
        elif (p := next((p for p in q.params if p.type == "state"), None)) is not None:
            out.append((q.name, named.bind(q, {p.name: state})))
    return out


def _digest(result) -> str:
    sys.path.insert(0, str(ROOT))
    from tests.answers import canonical

    return hashlib.sha256(repr(canonical(result)).encode()).hexdigest()[:16]


def _rows(result) -> int | None:
    """How many rows a SELECT answered (triples for a CONSTRUCT): at 10^7, what a query's time grows with."""
    rows = getattr(result, "rows", None)
    if rows is not None:
        return len(rows)
    graph = getattr(result, "graph", None)
    return len(graph) if graph is not None else None


def _pushed(full: Path) -> Path:
    """Marks that the worker pushed `full` to this run's server, so that a worker restarted past a query over
    the cap does not push it again (at 10^7 that takes minutes)."""
    return full.with_suffix(".pushed")


def disk_location(full: Path) -> Path:
    """Where the `disk` backend keeps its store: beside the full N-Quads, under bench/work/."""
    return full.with_suffix(".store")


def derive_into(store, rules: Path) -> int:
    """The build's derivation (rules/*.rq CONSTRUCTs over the union, in order, into the derived graph)."""
    from minekg.build.derivation import apply_rules

    return len(apply_rules(store, rules))


def worker(backend: str, base: Path, full: Path, endpoint: str | None, skip: set[str],
           state: str | None = None) -> None:
    """Load, then run the suite; one JSON line per event on stdout, so the parent can stop a query that
    overruns the cap (Oxigraph cannot be interrupted from Python) by ending this process."""
    from minekg.errors import MinekgError
    from minekg.query.stores import EndpointStore, MemoryStore, OxigraphStore

    def emit(**record) -> None:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        record["peak_rss_mb"] = usage.ru_maxrss / 1024
        # CPU seconds so far: on a machine shared with other work, wall time also counts the waiting.
        record["cpu_s"] = usage.ru_utime + usage.ru_stime
        print(json.dumps(record), flush=True)

    t0 = time.perf_counter()
    if backend in ("oxigraph", "disk"):
        import pyoxigraph as ox

        store = OxigraphStore()
        if backend == "disk":  # the same store on disk (bench/scale.py: 10^7 would not fit in memory)
            location = disk_location(full)
            store.store = ox.Store(str(location))
            if location.with_suffix(".loaded").exists():  # a worker restarted past a query over the cap
                emit(event="load", load_s=0.0, triples=0, reused=True)
        if backend == "oxigraph" or not location.with_suffix(".loaded").exists():
            store.store.bulk_load(path=str(base), format=ox.RdfFormat.N_QUADS)
            loaded_s = time.perf_counter() - t0
            derived = derive_into(store.store, ROOT / "rules")
            load_s = time.perf_counter() - t0
            if backend == "disk":
                store.store.optimize()  # compact what the derivation wrote, as a served store would be
                store.store.flush()
                location.with_suffix(".loaded").touch()
            if not full.exists():
                tmp = full.with_suffix(".tmp")
                store.store.dump(str(tmp), format=ox.RdfFormat.N_QUADS)
                tmp.replace(full)
            emit(event="load", load_s=load_s, derive_s=load_s - loaded_s, triples=len(store.store),
                 derived=derived)
    elif backend == "memory":
        store = MemoryStore(full)
        emit(event="load", load_s=time.perf_counter() - t0, triples=len(store.ds))
    else:
        from minekg.release.push import push, store_url_for

        if _pushed(full).exists():  # a worker restarted past a query over the cap: the server holds the graph
            emit(event="load", load_s=0.0, triples=0, reused=True)
        else:
            report = push(full, store_url_for(endpoint), endpoint=endpoint, timeout=PUSH_TIMEOUT_S)
            _pushed(full).touch()
            emit(event="load", load_s=time.perf_counter() - t0, triples=report.triples)
        store = EndpointStore(endpoint, timeout=CAP_S + 5)
    for name, text in _suite(state):
        if name in skip:
            continue
        times: list[float] = []
        while len(times) < RUNS and sum(times) < BUDGET_S:
            t = time.perf_counter()
            try:
                result = store.query(text)
            except MinekgError as e:  # the endpoint's own timeout, or a failure
                emit(event="error", query=name, message=str(e), timeout="timed out" in str(e) or "504" in str(e))
                break
            times.append(time.perf_counter() - t)
            emit(event="run", query=name, time=times[-1], digest=_digest(result) if len(times) == 1 else None,
                 rows=_rows(result))
        else:
            emit(event="done", query=name)
            continue
        emit(event="done", query=name)


# ------------------------------------------------------------------ the orchestration


def _run_worker(backend: str, base: Path, full: Path, endpoint: str | None, skip: set[str],
                state: str | None = None) -> dict:
    """Run the worker, restarting it past any query that overruns CAP_S (with `state`: the one-state suite)."""
    import queue
    import threading

    names = [n for n, _ in _suite(state)]
    _pushed(full).unlink(missing_ok=True)  # a new server: the first worker pushes to it
    info: dict = {"backend": backend, "state": state, "queries": {}, "peak_rss_mb": 0.0, "load_s": None}
    for n in names:
        if n in skip:
            info["queries"][n] = {"status": "skipped", "times": []}
    while True:
        done = set(info["queries"])
        todo = [n for n in names if n not in done]
        if not todo and info["load_s"] is not None:
            return info
        cmd = [sys.executable, "-m", "bench.queries_bench", "worker", backend, str(base), str(full),
               endpoint or "-", ",".join(sorted(done)) or "-", *([state] if state else [])]
        errors = tempfile.TemporaryFile(mode="w+")  # a file, so a chatty worker never blocks on a pipe
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=errors, text=True)
        lines: queue.Queue = queue.Queue()
        threading.Thread(target=_pump, args=(proc.stdout, lines), daemon=True).start()
        current = todo[0] if todo else None
        loading = True
        while True:
            try:
                line = lines.get(timeout=(LOAD_CAP_S if loading else CAP_S + 10))
            except queue.Empty:
                proc.kill()
                proc.wait()
                if loading:
                    info["error"] = f"load did not finish in {LOAD_CAP_S} s"
                    return info
                info["queries"][current] = {"status": "timeout", "times": []}
                break
            if line is None:
                proc.wait()
                if proc.returncode != 0:
                    errors.seek(0)
                    tail = (errors.read().strip().splitlines() or ["(no output)"])[-1]
                    info["error"] = tail
                    return info
                # the worker finished the whole suite
                for n in todo:
                    info["queries"].setdefault(n, {"status": "ok", "times": []})
                return info
            rec = json.loads(line)
            info["peak_rss_mb"] = max(info["peak_rss_mb"], rec["peak_rss_mb"])
            if rec["event"] == "load":
                loading = False
                if info["load_s"] is None:  # the first load is the one measured
                    info.update(load_s=rec["load_s"], triples=rec["triples"])
                    info.update({k: rec[k] for k in ("derived", "derive_s") if k in rec}, load_cpu_s=rec["cpu_s"])
            elif rec["event"] == "run":
                q = info["queries"].setdefault(rec["query"], {"status": "running", "times": []})
                q["times"].append(rec["time"])
                q["digest"] = q.get("digest") or rec["digest"]
                q["rows"] = rec.get("rows")
                current = rec["query"]
            elif rec["event"] == "error":
                info["queries"][rec["query"]] = {"status": "timeout" if rec["timeout"] else "error",
                                                 "times": [], "message": rec["message"]}
            elif rec["event"] == "done":
                q = info["queries"].setdefault(rec["query"], {"status": "ok", "times": []})
                if q["status"] == "running":
                    q["status"] = "ok"
                remaining = [n for n in names if n not in info["queries"]]
                current = remaining[0] if remaining else None


def _pump(stream, lines) -> None:
    for line in stream:
        lines.put(line)
    lines.put(None)


def measure(sizes=SIZES, log=print) -> list[dict]:
    sys.path.insert(0, str(ROOT))
    from bench.generate import generate
    from minekg.build.assemble import load_built
    from tests.oxigraph_server import OxigraphServer

    built = load_built()
    out = []
    # A query that did not finish within the cap on a backend is not tried on that backend at larger sizes.
    timed_out: dict[str, set[str]] = {b: set() for b in BACKENDS}
    for size in sizes:
        base, full = WORK / f"base-{size}.nq", WORK / f"full-{size}.nq"
        full.unlink(missing_ok=True)
        gen = generate(built, size, base, seed=SEED)
        log(f"size {size}: {gen.quads} base quads, {gen.documents} synthetic documents, {gen.states} states")
        row = {"size": size, "generated": gen.__dict__ | {"path": str(gen.path.relative_to(ROOT))}, "backends": {}}
        out.append(row)
        for backend in BACKENDS:
            skip = timed_out[backend]
            if backend == "memory" and size > MEMORY_MAX_SIZE:
                row["backends"][backend] = {"backend": backend, "not_run": f"not run above {MEMORY_MAX_SIZE:,} "
                                            "triples (time budget; see the note below)", "queries": {}}
                log(f"  {backend}: not run")
                continue
            if backend == "endpoint":
                with OxigraphServer(timeout_s=CAP_S) as server:
                    r = _run_worker(backend, base, full, server.query_url, skip)
                    r["server_peak_rss_mb"] = _peak_rss_mb(server.process.pid)
            else:
                r = _run_worker(backend, base, full, None, skip)
            timed_out[backend] |= {n for n, q in r.get("queries", {}).items() if q["status"] in ("timeout", "skipped")}
            row["backends"][backend] = r
            (WORK / "queries_bench.json").write_text(json.dumps(out, indent=1), encoding="utf-8")  # progress
            log(f"  {backend}: " + (r.get("error") or f"load {r['load_s']:.2f} s, suite {_total(r):.3f} s, "
                                    f"not finished {sum(q['status'] != 'ok' for q in r['queries'].values())}"))
    return out


def _peak_rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def _median(q: dict) -> float | None:
    return statistics.median(q["times"]) if q.get("status") == "ok" and q.get("times") else None


def _total(r: dict) -> float:
    return sum(m for q in r.get("queries", {}).values() if (m := _median(q)) is not None)


# ------------------------------------------------------------------ Markdown


def _ms(x: float | None) -> str:
    return "—" if x is None else f"{x * 1000:,.1f}"


def _status(q: dict) -> str:
    if q.get("status") == "timeout":
        return f"> {CAP_S} s"
    if q.get("status") == "error":
        return "error"
    if q.get("status") == "skipped":
        return f"not run (> {CAP_S} s on a smaller size)"
    return _ms(_median(q))


def markdown(rows: list[dict]) -> str:
    lines = [
        "## Query backends",
        "",
        "The named-query suite (every query in queries/ with its default parameters) on synthetic graphs "
        "made by `bench/generate.py` (seed 1) from the real build: the treaty register kept once (one "
        "depositary record per treaty), the other curated documents replicated as new documents with "
        "renamed identifiers, permuted states, shifted dates and relayed allegations; a treaty "
        "action keeps the date of its first report across the documents that report it, but for one report "
        "in 20, which keeps its own (so sources dating an action differently stay in every size). Each "
        "(size, backend) runs in its own process: load (for `oxigraph`, bulk load of the base triples plus "
        "derivation with rules/*.rq, as the build does), then each query up to "
        f"{RUNS} times (fewer once a query has used {BUDGET_S:g} s), median kept. Every backend gets "
        f"{CAP_S} s per query; a query that does not finish on a backend is not tried on it at larger sizes. "
        "`endpoint` is an Oxigraph server "
        "(`oxigraph serve`, union default graph) on 127.0.0.1 loaded with `minekg push` (its load time) and "
        "queried through SPARQLWrapper; its peak memory is the server's. Peak memory is the process's peak "
        "resident set. \"identical\" compares each query's answer with rdflib's (tests/answers.py).",
        "",
        "| triples | backend | load (s) | suite total (s) | median query (ms) | slowest query (ms) | "
        "not finished | peak memory (MB) | answers identical to memory |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        ref = row["backends"].get("memory", {}).get("queries", {})
        for backend, r in row["backends"].items():
            if "error" in r or "not_run" in r:
                lines.append(f"| ≈ {row['size']:,} | {backend} | {r.get('not_run') or 'failed: ' + r['error']} |||||||")
                continue
            qs = r["queries"]
            medians = [m for q in qs.values() if (m := _median(q)) is not None]
            slow_name = max((n for n in qs if _median(qs[n]) is not None), key=lambda n: _median(qs[n]), default="")
            unfinished = sum(q["status"] != "ok" for q in qs.values())
            peak = r.get("server_peak_rss_mb") or r["peak_rss_mb"]
            compared = [n for n in qs if qs[n].get("digest") and ref.get(n, {}).get("digest")]
            same = sum(qs[n]["digest"] == ref[n]["digest"] for n in compared)
            lines.append(
                f"| {r['triples']:,} | {backend} | {r['load_s']:.2f} | {_total(r):.3f}"
                f"{' +' if unfinished else ''} | {_ms(statistics.median(medians) if medians else None)} | "
                f"{_ms(_median(qs[slow_name]) if slow_name else None)} ({slow_name.split('_')[0]}) | {unfinished} | "
                f"{peak:,.0f} | {same}/{len(compared)} |")
    lines += ["", "Suite total: sum of the per-query medians; `+` where some queries did not finish "
              "(their time is not in the total, so those totals are lower bounds). rdflib (`memory`) is not run "
              f"above {MEMORY_MAX_SIZE:,} triples: the whole benchmark would take hours, its queries mostly "
              "running into the cap.", ""]
    lines += _ratios(rows) + [""] + _targets(rows) + [""] + _per_query(rows)
    return "\n".join(lines) + "\n"


def _ratios(rows: list[dict]) -> list[str]:
    out = ["### Speed-up over rdflib (suite total, queries both finished)", "",
           "| triples | oxigraph ÷ memory | endpoint ÷ memory |", "|---:|---:|---:|"]
    for row in rows:
        b = row["backends"]
        mem = b.get("memory", {}).get("queries", {})
        cells = []
        for backend in ("oxigraph", "endpoint"):
            qs = b.get(backend, {}).get("queries", {})
            both = [n for n in qs if _median(qs[n]) is not None and _median(mem.get(n, {})) is not None]
            fast, slow = sum(_median(qs[n]) for n in both), sum(_median(mem[n]) for n in both)
            extra = sum(1 for n in mem if mem[n].get("status") != "ok")
            note = f" (+{extra} not finished)" if extra else ""
            cells.append("—" if not both or not fast else f"{slow / fast:,.0f}×{note}")
        out.append(f"| {b.get('oxigraph', {}).get('triples', row['size']):,} | {cells[0]} | {cells[1]} |")
    return out


def _targets(rows: list[dict]) -> list[str]:
    by = {row["size"]: row["backends"] for row in rows}
    out = ["### Targets (default backend: oxigraph)", "", "| target | measured | met |", "|---|---|---|"]

    def ox(size):
        return by.get(size, {}).get("oxigraph", {})

    big = ox(1_000_000)
    if big.get("queries"):
        # A query that did not finish (or was not run, having not finished on a smaller graph) counts as
        # slower than any that did.
        meds = sorted(_median(q) if _median(q) is not None else float("inf") for q in big["queries"].values())
        med = statistics.median(meds)
        slow = [n for n, q in big["queries"].items() if _median(q) is None or _median(q) > 1]
        unfinished = sum(1 for q in big["queries"].values() if _median(q) is None)
        shown = "over the cap" if med == float("inf") else f"{med * 1000:,.1f} ms"
        out.append(f"| 10^6: suite median under 100 ms | {shown} (over {len(meds)} queries, {unfinished} not "
                   f"finished) | {'yes' if med < 0.1 else 'no'} |")
        out.append(f"| 10^6: no named query over 1 s | over 1 s or not finished: "
                   f"{', '.join(n.split('_')[0] for n in sorted(slow)) or 'none'} | {'yes' if not slow else 'no'} |")
        out.append(f"| 10^6: load and derive under 30 s | {big['load_s']:.1f} s | "
                   f"{'yes' if big['load_s'] < 30 else 'no'} |")
        out.append(f"| 10^6: peak memory under 2 GB | {big['peak_rss_mb']:,.0f} MB (load, derive and the suite) | "
                   f"{'yes' if big['peak_rss_mb'] < 2048 else 'no'} |")
    mid = by.get(100_000, {})
    if mid.get("oxigraph", {}).get("queries") and mid.get("memory", {}).get("queries"):
        o, m = mid["oxigraph"]["queries"], mid["memory"]["queries"]
        both = [n for n in o if _median(o[n]) is not None and _median(m.get(n, {})) is not None]
        ratio = sum(_median(m[n]) for n in both) / sum(_median(o[n]) for n in both)
        unfinished = sum(1 for q in m.values() if q.get("status") != "ok")
        note = f"; rdflib did not finish {unfinished}" if unfinished else ""
        out.append(f"| 10^5: oxigraph at least 50× faster than memory on the suite total | {ratio:,.0f}× on the "
                   f"{len(both)} queries both finished{note} | {'yes' if ratio >= 50 else 'no'} |")
    return out


def _per_query(rows: list[dict]) -> list[str]:
    out = ["### Per query (median ms)", ""]
    header = "| query |" + "".join(f" {row['size']:.0e} {b} |".replace("+0", "") for row in rows for b in BACKENDS)
    out += [header, "|---|" + "---:|" * (len(rows) * len(BACKENDS))]
    names = sorted({n for row in rows for r in row["backends"].values() for n in r.get("queries", {})})
    for n in names:
        cells = [_status(row["backends"].get(b, {}).get("queries", {}).get(n, {"status": "skipped"}))
                 for row in rows for b in BACKENDS]
        out.append(f"| {n} | " + " | ".join(cells) + " |")
    return out


def environment() -> str:
    import pyoxigraph
    import rdflib

    return (f"Machine: {os.cpu_count()} cores, {platform.machine()}, Linux {platform.release()}; Python "
            f"{platform.python_version()}, pyoxigraph {pyoxigraph.__version__}, rdflib {rdflib.__version__}.")


def section(sizes=SIZES) -> str:
    """Run the measurements and return their Markdown section (for bench/__main__.py)."""
    return markdown(measure(sizes, log=lambda m: print(m, file=sys.stderr, flush=True)))


if __name__ == "__main__":
    if len(sys.argv) >= 7 and sys.argv[1] == "worker":
        backend, base, full, endpoint, skip = sys.argv[2:7]
        worker(backend, Path(base), Path(full), None if endpoint == "-" else endpoint,
               set() if skip == "-" else set(skip.split(",")), sys.argv[7] if len(sys.argv) > 7 else None)
    elif sys.argv[1:] == ["run"]:  # measure only (bench/work/queries_bench.json), results.md untouched
        measure(log=lambda m: print(m, file=sys.stderr, flush=True))
    elif sys.argv[1:] == ["markdown"]:  # the section again from the last run's bench/work/queries_bench.json
        print(markdown(json.loads((WORK / "queries_bench.json").read_text(encoding="utf-8"))), end="")
    else:
        print(__doc__)
