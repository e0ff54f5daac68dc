"""The runners that stand in for the worker pool (minekg.server.pool) with the same interface (start, run,
health, close): EndpointRunner (--endpoint URL) sends the query to an existing triple store through
minekg.query.stores and applies the same limits and formats; CachedRunner keeps the embedded store's answers
(read-only data: the same query, the same answer) in front of either.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict

import anyio.to_thread

from minekg.errors import MinekgError, TooManyRows
from minekg.query.stores import EndpointStore
from minekg.server import formats, worker
from minekg.server.pool import LIGHT, Health, QueryPool
from minekg.server.worker import Reply, Request


class EndpointRunner:
    """Front an existing SPARQL endpoint: the same limits and formats, the endpoint does the work."""

    def __init__(self, url: str, timeout: float, max_answer_bytes: int = 0) -> None:
        self.store = EndpointStore(url, timeout=timeout)
        self.timeout = timeout
        self.max_answer_bytes = max_answer_bytes
        self.size = 0

    async def start(self) -> None:
        pass

    def health(self) -> Health:
        return Health(0, 0, None)

    async def run(self, req: Request, lane: str = LIGHT) -> Reply:
        try:
            result = await anyio.to_thread.run_sync(self.store.query, req.text)
            size = len(result.rows) if result.graph is None else len(result.graph)
            if size > req.max_rows:
                raise TooManyRows(
                    f"the result has more than {req.max_rows} rows, the server's limit; add a LIMIT or narrow the query"
                )
            media = formats.negotiate(formats.candidates_for(result.form), req.accept, req.fmt)
        except MinekgError as e:  # typed: the upstream's failures carry their status (minekg.query.remote)
            return worker.failed(e)
        body = formats.serialize(result, media)
        return worker.capped(Reply(200, f"{media.media_type}; charset=utf-8", body), self.max_answer_bytes)

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

    @property
    def size(self) -> int:
        return self.inner.size

    async def start(self) -> None:
        await self.inner.start()

    async def close(self) -> None:
        await self.inner.close()

    def health(self) -> Health:
        return self.inner.health()

    async def run(self, req: Request, lane: str = LIGHT) -> Reply:
        key = (req.text, req.accept, req.fmt, req.max_rows)
        cached = self._cache.get(key)
        if cached is not None:
            self._cache.move_to_end(key)
            return cached
        running = self._running.get(key)
        if running is not None:
            return await asyncio.shield(running)
        future = asyncio.get_running_loop().create_future()
        self._running[key] = future
        try:
            reply = await self.inner.run(req, lane)
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
