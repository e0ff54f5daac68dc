"""Load test of `minekg serve`: 32 concurrent clients sending a mix of named queries and entity pages for
60 s (with and without the answer cache), then 12 hostile clients sending distinct cartesian products
alongside 20 ordinary ones.

    python -m bench --only serve   # runs this section alone and replaces it in bench/results.md
    python -m bench.serve_load     # prints the section

The server is started as a user starts it (`minekg serve`, default settings: 4 query workers, one of them
reserved for pages and named queries, 10 s time limit, 2 free queries per client) on 127.0.0.1 and a
free port, over build/minekg.nq (built first if missing), and stopped with Ctrl-C (SIGINT) at the end.
All traffic stays on loopback; every loop is bounded in time. Clients are threads with keep-alive
HTTP/1.1 connections (http.client), on the same 2-core machine as the server, so the figures include the
clients' own cost. Each hostile client connects from its own loopback address (127.0.1.N; all of 127/8
is this machine), so the server sees 12 different clients, as it would on a network.

Targets: zero errors; p95 under 100 ms for the seed graph with the defaults (issue 8); with 12 hostile
clients, the others keep p95 under 1 s (issue 18): hostile queries are refused at once (429) beyond their
share or end at the time limit (503).
"""

from __future__ import annotations

import http.client
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from minekg.project import Project
from minekg.query import catalogue as named

CLIENTS = 32
DURATION_S = 60.0
HOSTILE_CLIENTS = 12
FAIR_CLIENTS = 20  # ordinary clients alongside the hostile ones
P95_TARGET_MS = 100.0
FAIR_P95_TARGET_MS = 1000.0
REFUSED_PAUSE_S = 0.1  # a hostile client refused with 429 tries again this soon (it ignores Retry-After)
# A cartesian product made distinct by a constant, so that no two are the same query (no cache helps).
HOSTILE = "SELECT (COUNT(*) AS ?n) WHERE {{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l FILTER(?a != <urn:x:{n}>) }}"
PAGES = ("BLR", "RUS", "ARM", "AZE", "KAZ", "UKR", "FIN", "POL", "USA", "CHN")  # /page/state/CODE
PARAM_SAMPLES = {
    "state": ["BLR", "RUS", "ARM", "AZE", "KAZ", "UKR"],
    "date": ["2003-12-31", "2023-12-31", "2012-06-30"],
}


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)  # seconds, successful answers
    statuses: dict[int, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)  # connection errors and unexpected statuses
    pages: list[float] = field(default_factory=list)  # seconds, successful entity pages (also in latencies)
    queries: list[float] = field(default_factory=list)  # seconds, the other successful answers (also there)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, status: int, seconds: float, ok: bool, note: str = "") -> None:
        with self.lock:
            self.statuses[status] = self.statuses.get(status, 0) + 1
            if ok:
                self.latencies.append(seconds)
            elif note and len(self.failures) < 20:
                self.failures.append(note)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_ready(port: int, proc: subprocess.Popen, limit: float = 120.0) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"minekg serve exited with status {proc.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/health")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("minekg serve did not start")


def requests_mix(project: Project, seed: int = 8) -> list[str]:
    """Paths of the named-query API: every catalogue query with its defaults, and with sample values."""
    rng = random.Random(seed)
    paths = []
    for q in named.catalog(project):
        base = f"/api/queries/{q.name}"
        required = {
            p.name: PARAM_SAMPLES.get(p.type, [p.default])[0]
            for p in q.params
            if p.required and p.default is None
        }
        if all(v is not None for v in required.values()):
            paths.append(base + ("?" + urllib.parse.urlencode(required) if required else ""))
        for p in q.params:
            for value in PARAM_SAMPLES.get(p.type, []):
                paths.append(base + "?" + urllib.parse.urlencode({**required, p.name: value}))
    paths += [f"/page/state/{code}" for code in PAGES] * 3  # pages: about a sixth of the requests
    rng.shuffle(paths)
    return paths


def _client(port: int, paths: list[str], until: float, tally: Tally, seed: int) -> None:
    rng = random.Random(seed)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    while time.monotonic() < until:
        path = rng.choice(paths)
        start = time.perf_counter()
        try:
            conn.request("GET", path, headers={"Accept": "application/sparql-results+json"})
            response = conn.getresponse()
            body = response.read()
            seconds = time.perf_counter() - start
            ok = response.status == 200
            tally.add(response.status, seconds, ok, "" if ok else f"{response.status} {path}: {body[:120]!r}")
            if ok:
                with tally.lock:
                    (tally.pages if path.startswith("/page/") else tally.queries).append(seconds)
        except (OSError, http.client.HTTPException) as e:
            tally.add(0, time.perf_counter() - start, False, f"{type(e).__name__} {path}")
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.close()


def _hostile(port: int, until: float, tally: Tally, seed: int) -> None:
    """Distinct cartesian products back to back from one address of its own (127.0.1.seed)."""
    rng = random.Random(seed)
    source = (f"127.0.1.{seed % 250 + 1}", 0)
    while time.monotonic() < until:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120, source_address=source)
        body = urllib.parse.urlencode({"query": HOSTILE.format(n=rng.getrandbits(64))})
        start = time.perf_counter()
        try:
            conn.request(
                "POST", "/sparql", body=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
            )
            response = conn.getresponse()
            response.read()
            # a refusal at a limit is the expected outcome; a 500 or a dropped connection is not
            tally.add(response.status, time.perf_counter() - start, response.status in (200, 422, 429, 503))
            if response.status == 429:
                time.sleep(REFUSED_PAUSE_S)
        except (OSError, http.client.HTTPException) as e:
            tally.add(0, time.perf_counter() - start, False, type(e).__name__)
        finally:
            conn.close()


def _phase(
    port: int, paths: list[str], duration: float, clients: int, hostile: int
) -> tuple[Tally, Tally, float]:
    normal, bad = Tally(), Tally()
    until = time.monotonic() + duration
    threads = [
        threading.Thread(target=_client, args=(port, paths, until, normal, i))
        for i in range(clients - hostile)
    ]
    threads += [threading.Thread(target=_hostile, args=(port, until, bad, 100 + i)) for i in range(hostile)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return normal, bad, time.monotonic() - started


def _pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] * 1000


def _row(name: str, t: Tally, elapsed: float) -> str:
    n = sum(t.statuses.values())
    errors = n - len(t.latencies)
    return (
        f"| {name} | {n} | {len(t.latencies) / elapsed:.0f} | {_pct(t.latencies, 50):.1f} | "
        f"{_pct(t.latencies, 95):.1f} | {_pct(t.latencies, 99):.1f} | "
        f"{max(t.latencies, default=0) * 1000:.0f} | "
        f"{errors} |"
    )


class _Server:
    """`minekg serve` on 127.0.0.1 and a free port, stopped with Ctrl-C (SIGINT)."""

    def __init__(self, project: Project, *extra: str) -> None:
        self.port = _free_port()
        self.args = [
            str(Path(sys.executable).with_name("minekg")),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            *extra,
        ]
        self.project = project
        self.status: int | None = None

    def __enter__(self) -> _Server:
        self.log = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(
            self.args,
            cwd=self.project.root,
            stdout=self.log,
            stderr=self.log,
            env=dict(os.environ, MINEKG_ROOT=str(self.project.root)),
        )
        _wait_ready(self.port, self.proc)
        return self

    def __exit__(self, *exc) -> None:
        self.proc.send_signal(signal.SIGINT)
        try:
            self.status = self.proc.wait(60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.status = self.proc.wait()
        self.log.close()


def run(project: Project | None = None, duration: float = DURATION_S, clients: int = CLIENTS) -> dict:
    project = project or Project.default()
    if not (project.build / "minekg.nq").is_file():
        from minekg.build.assemble import build

        build(project)
    paths = requests_mix(project)
    out: dict = {"paths": len(paths), "clients": clients, "duration": duration}
    out["load_before"] = os.getloadavg()[0]
    with _Server(project) as cached:  # the defaults, answers kept by query
        _phase(cached.port, paths, min(5.0, duration), clients, 0)  # warm-up, not reported
        out["cached"] = _phase(cached.port, paths, duration, clients, 0)
        hostile = HOSTILE_CLIENTS
        out["mixed"] = _phase(cached.port, paths, duration, FAIR_CLIENTS + hostile, hostile)
    with _Server(project, "--cache-mb", "0") as uncached:  # every request evaluated by a worker
        _phase(uncached.port, paths, min(5.0, duration), clients, 0)
        out["uncached"] = _phase(uncached.port, paths, duration, clients, 0)
    out["load_after"] = os.getloadavg()[0]
    out["stop_status"] = (cached.status, uncached.status)
    return out


def section(project: Project | None = None, duration: float = DURATION_S, clients: int = CLIENTS) -> str:
    r = run(project, duration, clients)
    cached, _, cached_s = r["cached"]
    uncached, _, uncached_s = r["uncached"]
    mixed, hostile, mixed_s = r["mixed"]

    def errors(t: Tally) -> int:
        return sum(t.statuses.values()) - len(t.latencies)

    p95 = _pct(cached.latencies, 95)
    fair_p95 = _pct(mixed.latencies, 95)
    hostile_outcomes = ", ".join(
        f"{count} × HTTP {status}" for status, count in sorted(hostile.statuses.items())
    )
    normal = r["clients"]
    lines = [
        "## Server load (minekg serve)",
        "",
        "`minekg serve` over the seed graph with its defaults (4 query worker processes, one reserved for "
        "pages and named queries, 10 s per query, 10,000 rows, 16 MiB per answer, 2 free queries per "
        f"client, 8 waiting, 64 MB of answers kept by query); keep-alive clients on the same "
        f"{os.cpu_count()}-core machine, sending named queries through `/api/queries/NAME` and entity pages "
        f"`/page/state/CODE` (a mix of {r['paths']} requests: every catalogue query with its defaults and "
        f"with sample states and dates, and {len(PAGES)} state pages) for {r['duration']:g} s per row, "
        "after a 5 s warm-up. Latency is measured by the client, from sending the request to reading the "
        "whole answer. The second row has "
        f"{FAIR_CLIENTS} such clients while {HOSTILE_CLIENTS} hostile clients, each from its own loopback "
        f"address, send distinct cartesian products to `/sparql` back to back (again {REFUSED_PAUSE_S:g} s "
        "after a 429). The third runs with `--cache-mb 0`, so every request is evaluated by a worker and "
        "every page rendered (the realistic uncached mix). Measured with `python -m bench --only serve` "
        f"(this section alone); the machine's load average was {r['load_before']:.1f} before and "
        f"{r['load_after']:.1f} after (other work shared its cores), which the latencies include.",
        "",
        "| run | requests | answers/s | p50 ms | p95 ms | p99 ms | max ms | errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
        _row(f"defaults, {normal} clients", cached, cached_s),
        _row(f"defaults, {FAIR_CLIENTS} clients + {HOSTILE_CLIENTS} hostile", mixed, mixed_s),
        _row(f"no answer cache, {normal} clients", uncached, uncached_s),
        "",
        f"Hostile queries: {hostile_outcomes or 'none finished'}. Beyond a client's share (2) or the "
        "queue (8) a query is refused at once with 429 and Retry-After; the others end at the time limit "
        "(503) and their worker is replaced, while pages and named queries run on the reserved worker "
        "(and on any other that is free; they go first).",
        "",
        f"Against the targets: errors {errors(cached)} (defaults), {errors(uncached)} (no cache), "
        f"{errors(mixed)} (with hostile clients); p95 {p95:.1f} ms with the defaults against "
        f"{P95_TARGET_MS:g} ms: {'met' if p95 < P95_TARGET_MS else 'NOT met'}; p95 {fair_p95:.1f} ms "
        f"for the ordinary clients beside {HOSTILE_CLIENTS} hostile ones against {FAIR_P95_TARGET_MS:g} ms: "
        f"{'met' if fair_p95 < FAIR_P95_TARGET_MS else 'NOT met'}. Without the cache, entity pages have a "
        f"p95 of {_pct(uncached.pages, 95):.1f} ms (p50 {_pct(uncached.pages, 50):.1f}) and named queries "
        f"{_pct(uncached.queries, 95):.1f} ms (p50 {_pct(uncached.queries, 50):.1f}): without kept pages, "
        "each page is rendered again in the server process (its triples parsed with rdflib, its sentences "
        "composed), which costs more than its query. The unreserved workers run at a lower CPU priority: "
        "on a machine shared with other busy processes they also yield to those. Both servers "
        f"stopped by Ctrl-C with exit status {r['stop_status'][0]} and {r['stop_status'][1]}.",
        "",
    ]
    failures = (cached.failures + uncached.failures + mixed.failures)[:10]
    if failures:
        lines += ["First failures:", ""] + [f"- `{f}`" for f in failures] + [""]
    return "\n".join(lines)


if __name__ == "__main__":
    print(section())
