"""Running queries for the server under a time limit, without ever blocking its event loop.

QueryPool (the embedded store): N worker processes, each with its own Oxigraph store loaded from the
built N-Quads. A request takes an idle worker, sends it the query and waits in a thread; at the time limit
the worker is killed and a fresh one started in its place, while the other workers keep serving.

Two lanes share the workers so that free queries cannot starve the pages: the *light* lane (named queries,
entity pages, the server's own queries) may take any idle worker and goes first; the *heavy* lane (free
SPARQL and graph-store reads) never takes the reserved workers (`reserved`), and only `queue` heavy
requests may wait for a worker: the next one is refused at once (Overloaded, answered 429). Workers that
may run free queries get a lower CPU priority, so a page's query on a reserved worker is not slowed by
runaway queries on the others.

A worker that dies or cannot be started again (its data file briefly missing) is restarted with backoff;
`health()` says how many workers are alive, and while none is, requests are answered at once with the
reason instead of waiting.

The other runners with the same interface (an endpoint's, and the answers kept) are in minekg.server.runners.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import signal
from dataclasses import dataclass
from pathlib import Path

import anyio.to_thread

from minekg.errors import MinekgError, OutOfMemory, QueryTimedOut, WorkersUnavailable
from minekg.server import worker
from minekg.server.limits import retry_after
from minekg.server.worker import Reply, Request

log = logging.getLogger("minekg.server")

_CTX = multiprocessing.get_context("spawn")  # a clean interpreter: forking a running event loop is unsafe
READY_TIMEOUT = 120.0
LIGHT, HEAVY = "light", "heavy"
HEAVY_NICE = 10  # added to the niceness of workers that may run free queries
RESTART_BACKOFF = (0.5, 5.0)  # first and longest pause between attempts to start a worker again
WATCH_INTERVAL = 1.0  # seconds between checks that the idle workers are still alive


class QueryTimeout(Exception):
    pass


class WorkerDied(Exception):
    pass


class Overloaded(Exception):
    """Too many requests already waiting: refused at once, to be retried after `retry_after` seconds."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Health:
    live: int  # workers loaded and not known to be dead
    size: int  # workers the pool keeps
    problem: str | None  # why some are missing, while they are
    busy: int = 0  # workers running a query
    waiting: int = 0  # requests waiting for a worker

    @property
    def ok(self) -> bool:
        return self.size == 0 or self.live > 0

    def text(self) -> str:
        if self.size == 0:
            return "ok: queries go to the endpoint"
        state = "ok" if self.live == self.size else ("degraded" if self.live else "unavailable")
        line = f"{state}: {self.live} of {self.size} query workers running, {self.busy} busy, {self.waiting} waiting"
        return f"{line}; {self.problem}" if self.problem and self.live < self.size else line


class _Worker:
    def __init__(self, nquads: Path, memory_limit: int, max_answer_bytes: int, reserved: bool) -> None:
        self.reserved = reserved
        self.conn, child = _CTX.Pipe()
        self.process = _CTX.Process(
            target=worker.main,
            args=(child, str(nquads), memory_limit, max_answer_bytes),
            name="minekg-query-worker",
            daemon=True,
        )
        self.process.start()
        child.close()
        if not reserved:
            _lower_priority(self.process.pid)

    def wait_ready(self) -> None:
        if not self.conn.poll(READY_TIMEOUT):
            self.kill()
            raise MinekgError(f"a query worker did not load the data within {READY_TIMEOUT:g} s")
        try:
            message = self.conn.recv_bytes()
        except (EOFError, OSError):
            message = b""
        if message != b"ready":
            self.kill()
            raise MinekgError(f"a query worker failed to start ({self.ending()})")

    def exchange(self, req: Request, timeout: float) -> Reply:
        try:
            self.conn.send(req)
            if not self.conn.poll(timeout):
                raise QueryTimeout()
            return self.conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            raise WorkerDied() from None

    def ending(self) -> str:
        """How the process ended, once it has: `killed by SIGKILL`, `exit status 1`."""
        self.process.join(5)
        code = self.process.exitcode
        if code is not None and code < 0:
            return f"killed by {signal.Signals(-code).name}"
        return f"exit status {code}"

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except OSError:
            pass
        self.process.join(2)
        self.kill()


def _lower_priority(pid: int) -> None:
    try:
        os.setpriority(os.PRIO_PROCESS, pid, os.getpriority(os.PRIO_PROCESS, pid) + HEAVY_NICE)
    except OSError:  # a platform without priorities: the lanes still keep a worker free
        pass


class QueryPool:
    def __init__(
        self,
        nquads: Path,
        size: int,
        timeout: float,
        memory_limit: int = 0,
        *,
        reserved: int = 1,
        queue: int = 8,
        max_answer_bytes: int = 0,
    ) -> None:
        self.nquads = nquads
        self.size = size
        self.timeout = timeout
        # Waiting in line may outlast one time limit: the workers ahead may all be running to theirs and
        # then need a restart (about a second) before they take the next query.
        self.queue_timeout = max(2 * timeout, timeout + 15.0)
        self.memory_limit = memory_limit
        self.max_answer_bytes = max_answer_bytes
        self.reserved = min(reserved, size - 1)  # at least one worker must be able to run free queries
        self.queue = queue
        self.retry_after = retry_after(timeout)
        self._idle: dict[bool, list[_Worker]] = {True: [], False: []}  # by `reserved`
        self._live: set[_Worker] = set()
        self._waiting = {LIGHT: 0, HEAVY: 0}
        self._changed = asyncio.Condition()
        self._tasks: set[asyncio.Task] = set()
        self._closing = False
        self.problem: str | None = None

    async def start(self) -> None:
        try:
            started = [self._spawn(i < self.reserved) for i in range(self.size)]
        except MinekgError:
            await self.close()
            raise
        for w in started:
            await anyio.to_thread.run_sync(w.wait_ready)
            self._live.add(w)
            self._idle[w.reserved].append(w)
        self._background(self._watch())

    def _spawn(self, reserved: bool) -> _Worker:
        if not self.nquads.is_file():  # said in one line here, not as a traceback from the worker
            raise MinekgError(f"{self.nquads}: file not found")
        return _Worker(self.nquads, self.memory_limit, self.max_answer_bytes, reserved)

    def health(self) -> Health:
        idle = sum(1 for ws in self._idle.values() for w in ws if w in self._live)
        waiting = self._waiting[LIGHT] + self._waiting[HEAVY]
        return Health(len(self._live), self.size, self.problem, len(self._live) - idle, waiting)

    # ---- taking and giving back workers

    def _can_take(self, lane: str) -> bool:
        if lane == LIGHT:
            return bool(self._idle[True] or self._idle[False])
        return not self._waiting[LIGHT] and bool(self._idle[False])  # pages and named queries go first

    def _pop(self, lane: str) -> _Worker:
        idle = self._idle[True] if lane == LIGHT and self._idle[True] else self._idle[False]
        return idle.pop(0)

    async def _take(self, lane: str) -> _Worker:
        # Taken without yielding to the event loop when a worker is free and nobody in this lane is ahead,
        # so that the idle workers and the waiting line seen by the next request are exact.
        if self._can_take(lane) and not self._waiting[lane]:
            return self._pop(lane)
        if lane == HEAVY and self._waiting[HEAVY] >= self.queue:
            raise Overloaded(
                f"every query worker for free queries is busy and {self._waiting[HEAVY]} queries are waiting, "
                f"the server's limit; try again in {self.retry_after} s",
                self.retry_after,
            )
        self._waiting[lane] += 1
        try:
            async with self._changed:
                await asyncio.wait_for(
                    self._changed.wait_for(lambda: self._can_take(lane) or not self._live), self.queue_timeout
                )
                if not self._can_take(lane):
                    raise WorkersUnavailable(self._unavailable())
                return self._pop(lane)
        except TimeoutError:
            raise WorkersUnavailable(
                f"all {self.size} query workers stayed busy for {self.queue_timeout:g} s; try again shortly"
            ) from None
        finally:
            self._waiting[lane] -= 1

    def _unavailable(self) -> str:
        return f"no query worker is running ({self.problem or 'they are being started again'}); try again shortly"

    async def _give_back(self, w: _Worker) -> None:
        async with self._changed:
            self._idle[w.reserved].append(w)
            self._changed.notify_all()

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    # ---- running a query

    async def run(self, req: Request, lane: str = LIGHT) -> Reply:
        try:
            return await self._run(req, lane)
        except (QueryTimedOut, OutOfMemory, WorkersUnavailable) as e:
            return worker.failed(e)

    async def _run(self, req: Request, lane: str) -> Reply:
        if not self._live:  # said at once: waiting would not help until a worker is back
            raise WorkersUnavailable(self._unavailable())
        w = await self._take(lane)
        try:  # the time limit counts evaluation; waiting in line has its own limit above
            reply = await anyio.to_thread.run_sync(w.exchange, req, self.timeout)
        except QueryTimeout:
            self._lost(w)
            raise QueryTimedOut(
                f"the query ran past the server's time limit of {self.timeout:g} s "
                "and was stopped; narrow it or add a LIMIT"
            ) from None
        except WorkerDied:
            ending = await anyio.to_thread.run_sync(w.ending)
            self._lost(w)
            raise self._death(ending) from None
        await self._give_back(w)
        return reply

    def _death(self, ending: str) -> OutOfMemory | WorkersUnavailable:
        # A worker over its address-space limit fails an allocation in oxigraph, which aborts the process;
        # any other death (an operator's kill, the system's OOM killer) is reported as what it was.
        if ending == "killed by SIGABRT" and self.memory_limit:
            return OutOfMemory("the query exhausted a query worker's memory and was stopped; narrow it")
        return WorkersUnavailable(f"the query worker running this query was {ending} and has been replaced; try again")

    # ---- keeping the pool full

    def _lost(self, w: _Worker) -> None:
        self._live.discard(w)
        self._background(self._replace(w))

    async def _replace(self, dead: _Worker) -> None:
        await anyio.to_thread.run_sync(dead.kill)
        pause, longest = RESTART_BACKOFF
        while not self._closing:
            try:
                fresh = self._spawn(dead.reserved)
                await anyio.to_thread.run_sync(fresh.wait_ready)
            except MinekgError as e:
                self.problem = f"a query worker could not be started again: {e}; retrying every {longest:g} s at most"
                log.warning("minekg serve: %s", self.problem)
                await self._notify()  # requests waiting for a worker are told why at once
                await asyncio.sleep(pause)
                pause = min(2 * pause, longest)
                continue
            self._live.add(fresh)
            if len(self._live) == self.size:
                self.problem = None
            await self._give_back(fresh)
            return

    async def _watch(self) -> None:
        """Replace idle workers that died (killed from outside): a busy one is noticed by its request."""
        while True:
            await asyncio.sleep(WATCH_INTERVAL)
            async with self._changed:
                dead = [w for idle in self._idle.values() for w in idle if not w.process.is_alive()]
                for w in dead:
                    self._idle[w.reserved].remove(w)
            for w in dead:
                ending = await anyio.to_thread.run_sync(w.ending)
                log.warning("minekg serve: an idle query worker was %s; starting another", ending)
                self.problem = f"a query worker was {ending}"
                self._lost(w)
            if dead and not self._live:
                await self._notify()

    def _background(self, coro) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def close(self) -> None:
        self._closing = True
        for task in list(self._tasks):
            task.cancel()
        workers = list(self._live) + [w for idle in self._idle.values() for w in idle if w not in self._live]
        self._live.clear()
        await anyio.to_thread.run_sync(lambda: [w.stop() for w in workers])
