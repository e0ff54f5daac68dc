"""Running queries for the server under a time limit, without ever blocking its event loop.

QueryPool (the embedded store): N worker processes, each with its own Oxigraph store loaded from the
built N-Quads. A request takes an idle worker (waiting in line, first come first served), sends it the
query and waits in a thread; at the time limit the worker is killed and a fresh one started in its
place, while the other workers keep serving. EndpointRunner (--endpoint URL) sends the query to an
existing triple store through minekg.stores and applies the same limits and formats. CachedRunner keeps
the embedded store's answers (read-only data: the same query, the same answer).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import re
from collections import OrderedDict
from pathlib import Path

import anyio.to_thread

from ..errors import MinekgError
from ..stores import EndpointStore
from . import formats, worker
from .worker import Reply, Request

_CTX = multiprocessing.get_context("spawn")  # a clean interpreter: forking a running event loop is unsafe
READY_TIMEOUT = 120.0


class QueryTimeout(Exception):
    pass


class WorkerDied(Exception):
    pass


class _Worker:
    def __init__(self, nquads: Path, memory_limit: int) -> None:
        self.conn, child = _CTX.Pipe()
        self.process = _CTX.Process(
            target=worker.main,
            args=(child, str(nquads), memory_limit),
            name="minekg-query-worker",
            daemon=True,
        )
        self.process.start()
        child.close()

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
            raise MinekgError(f"a query worker failed to start (exit status {self.process.exitcode})")

    def exchange(self, req: Request, timeout: float) -> Reply:
        try:
            self.conn.send(req)
            if not self.conn.poll(timeout):
                raise QueryTimeout()
            return self.conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            raise WorkerDied() from None

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


class QueryPool:
    def __init__(self, nquads: Path, size: int, timeout: float, memory_limit: int = 0) -> None:
        self.nquads = nquads
        self.size = size
        self.timeout = timeout
        # Waiting in line may outlast one time limit: the workers ahead may all be running to theirs and
        # then need a restart (about a second) before they take the next query.
        self.queue_timeout = max(2 * timeout, timeout + 15.0)
        self.memory_limit = memory_limit
        self._idle: asyncio.Queue[_Worker] = asyncio.Queue()
        self._all: set[_Worker] = set()
        self._tasks: set[asyncio.Task] = set()
        self.replaced = 0  # workers killed at the time limit or lost, and started again

    async def start(self) -> None:
        started = [self._spawn() for _ in range(self.size)]
        for w in started:
            await anyio.to_thread.run_sync(w.wait_ready)
            self._idle.put_nowait(w)

    def _spawn(self) -> _Worker:
        w = _Worker(self.nquads, self.memory_limit)
        self._all.add(w)
        return w

    async def _replace(self, dead: _Worker) -> None:
        self._all.discard(dead)
        await anyio.to_thread.run_sync(dead.kill)
        self.replaced += 1
        fresh = self._spawn()
        try:
            await anyio.to_thread.run_sync(fresh.wait_ready)
        except MinekgError:
            self._all.discard(fresh)
            return
        self._idle.put_nowait(fresh)

    async def run(self, req: Request) -> Reply:
        try:
            w = await asyncio.wait_for(self._idle.get(), timeout=self.queue_timeout)
        except TimeoutError:
            return Reply.error(
                503, f"all {self.size} query workers stayed busy for {self.queue_timeout:g} s; try again shortly"
            )
        try:  # the time limit counts evaluation; waiting in line has its own limit above
            reply = await anyio.to_thread.run_sync(w.exchange, req, self.timeout)
        except QueryTimeout:
            self._background(self._replace(w))
            return Reply.error(
                503,
                f"the query ran past the server's time limit of {self.timeout:g} s "
                "and was stopped; narrow it or add a LIMIT",
            )
        except WorkerDied:
            self._background(self._replace(w))
            return Reply.error(422, "the query exhausted a query worker's memory and was stopped; narrow it")
        self._idle.put_nowait(w)
        return reply

    def _background(self, coro) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        workers = list(self._all)
        self._all.clear()
        await anyio.to_thread.run_sync(lambda: [w.stop() for w in workers])


class EndpointRunner:
    """Front an existing SPARQL endpoint: the same limits and formats, the endpoint does the work."""

    def __init__(self, url: str, timeout: float) -> None:
        self.store = EndpointStore(url, timeout=timeout)
        self.timeout = timeout
        self.size = 0
        self.replaced = 0

    async def start(self) -> None:
        pass

    async def run(self, req: Request) -> Reply:
        try:
            result = await anyio.to_thread.run_sync(self.store.query, req.text)
        except MinekgError as e:
            message = str(e)
            if "timed out" in message:
                status = 503
            elif re.search(r": HTTP 4\d\d ", message) or not message.startswith("endpoint "):
                status = 400  # the upstream store rejected the query itself
            else:
                status = 502
            return Reply.error(status, message)
        size = len(result.rows) if result.graph is None else len(result.graph)
        if size > req.max_rows:
            return Reply.error(
                422,
                f"the result has more than {req.max_rows} rows, the server's limit; add a LIMIT or narrow the query",
            )
        try:
            media = formats.negotiate(formats.candidates_for(result.form), req.accept, req.fmt)
        except formats.NotAcceptable as e:
            return Reply.error(e.status, str(e))
        return Reply(200, f"{media.mime}; charset=utf-8", formats.serialize(result, media))

    async def close(self) -> None:
        pass


class CachedRunner:
    """Answers kept by query text and requested format: the embedded store is read-only while the server
    runs, so the same query always has the same answer. Identical queries arriving together run once.
    Only successful answers are kept, least recently used first out, within `max_bytes`."""

    def __init__(self, inner: QueryPool | EndpointRunner, max_bytes: int) -> None:
        self.inner = inner
        self.max_bytes = max_bytes
        self._cache: OrderedDict[tuple, Reply] = OrderedDict()
        self._bytes = 0
        self._running: dict[tuple, asyncio.Future] = {}
        self.hits = self.misses = 0

    @property
    def size(self) -> int:
        return self.inner.size

    @property
    def replaced(self) -> int:
        return self.inner.replaced

    async def start(self) -> None:
        await self.inner.start()

    async def close(self) -> None:
        await self.inner.close()

    async def run(self, req: Request) -> Reply:
        key = (req.text, req.accept, req.fmt, req.max_rows)
        cached = self._cache.get(key)
        if cached is not None:
            self._cache.move_to_end(key)
            self.hits += 1
            return cached
        running = self._running.get(key)
        if running is not None:
            return await asyncio.shield(running)
        self.misses += 1
        future = asyncio.get_running_loop().create_future()
        self._running[key] = future
        try:
            reply = await self.inner.run(req)
        except BaseException as e:
            future.set_exception(e)
            future.exception()  # retrieved here, so an unawaited failure is not reported twice
            raise
        finally:
            self._running.pop(key, None)
        future.set_result(reply)
        if reply.status == 200 and len(reply.body) <= self.max_bytes // 4:
            self._cache[key] = reply
            self._bytes += len(reply.body)
            while self._bytes > self.max_bytes:
                _, old = self._cache.popitem(last=False)
                self._bytes -= len(old.body)
        return reply
