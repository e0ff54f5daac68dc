"""Limits that protect `minekg serve` from its clients: fair shares, slow senders, oversized bodies.

- RequestLimits (ASGI middleware): a client (its remote address) may have `per_client` free queries
  (/sparql, /graph-store) in flight; one more is refused at once with 429 and Retry-After. A declared body
  (Content-Length) over the request limit is refused with 413 before any of it is read. A body must arrive
  within `body_timeout` seconds of the request's start (408 otherwise, and the connection is closed).
- HeaderTimeoutH11: uvicorn's HTTP/1.1 protocol with a limit on the time a request's headers may take to
  arrive (uvicorn only limits the idle time between requests): a client sending one header byte a second
  (slowloris) is answered 408 and cut off after `header_timeout` seconds.
"""

from __future__ import annotations

import asyncio
import math
from collections import Counter
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

FREE_QUERY_PATHS = ("/sparql", "/graph-store")  # where any query text (or a whole graph) may be asked for


def retry_after(timeout: float) -> int:
    """Seconds a refused client should wait: by then a running query has ended, one way or another."""
    return max(1, math.ceil(timeout))


class BodyTimeout(Exception):
    """The request body did not arrive in time (answered 408 by the application's handler)."""


class RequestLimits:
    def __init__(
        self,
        app: ASGIApp,
        *,
        per_client: int,
        retry_after: int,
        max_request_bytes: int,
        body_timeout: float,
    ) -> None:
        self.app = app
        self.per_client = per_client
        self.retry_after = retry_after
        self.max_request_bytes = max_request_bytes
        self.body_timeout = body_timeout
        self.in_flight: Counter[str] = Counter()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_request_bytes:
            await _refuse(
                send, 413, f"the request body is larger than the server's limit of {self.max_request_bytes} bytes"
            )
            return  # uvicorn reads and drops what the client still sends, so it gets this answer, not a reset
        receive = self._with_deadline(receive)
        if not scope["path"].startswith(FREE_QUERY_PATHS):
            await self.app(scope, receive, send)
            return
        client = scope["client"][0] if scope.get("client") else ""
        if self.in_flight[client] >= self.per_client:
            await _refuse(
                send,
                429,
                f"this client already has {self.per_client} queries running, the server's limit per client; "
                f"try again in {self.retry_after} s",
                {"Retry-After": str(self.retry_after)},
            )
            return
        self.in_flight[client] += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.in_flight[client] -= 1
            if not self.in_flight[client]:
                del self.in_flight[client]

    def _with_deadline(self, receive: Receive) -> Receive:
        """`receive`, but the body's messages must all arrive before the deadline (then it passes through:
        after the body, the application only listens for a disconnect)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.body_timeout
        done = False

        async def receive_in_time() -> Message:
            nonlocal done
            if done:
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), max(0.0, deadline - loop.time()))
            except TimeoutError:
                raise BodyTimeout(f"the request body did not arrive within {self.body_timeout:g} s") from None
            done = message["type"] != "http.request" or not message.get("more_body", False)
            return message

        return receive_in_time


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None  # malformed: h11 has refused it already; the protocol module says so otherwise
    return None


async def _refuse(send: Send, status: int, message: str, headers: dict[str, str] | None = None) -> None:
    body = (message + "\n").encode("utf-8")
    raw = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]
    raw += [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


class HeaderTimeoutH11(H11Protocol):
    """uvicorn's h11 protocol, with a deadline for each request's headers (set on the class by `limited`)."""

    header_timeout = 10.0
    linger = 2.0  # seconds the bytes a cut-off client still sends are read and dropped before closing

    def connection_made(self, transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._header_timer: asyncio.TimerHandle | None = None
        self._cut = False
        self._arm()  # a connection that sends nothing at all is cut off too

    def data_received(self, data: bytes) -> None:
        if self._cut:
            return
        super().data_received(data)
        if self.conn.their_state is h11.IDLE:  # still reading a request's head (or between requests)
            self._arm()
        else:
            self._disarm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        if self._header_timer is None:
            self._header_timer = self.loop.call_later(self.header_timeout, self._headers_too_slow)

    def _disarm(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_too_slow(self) -> None:
        self._header_timer = None
        if self.transport.is_closing() or self.conn.their_state is not h11.IDLE:
            return
        if self.cycle is not None and not self.cycle.response_complete:
            return  # an answer is still being written: the keep-alive timer takes over after it
        body = f"the request headers did not arrive within {self.header_timeout:g} s\n".encode()
        # h11 cannot answer a request it has not seen yet: the 408 is written as bytes. Then our side is
        # shut, but what the client still sends is read and dropped for a moment: closing a socket with
        # unread bytes sends a reset, which can destroy the 408 before the client reads it.
        self._cut = True
        self.transport.write(
            b"HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain; charset=utf-8\r\nconnection: close\r\n"
            + f"content-length: {len(body)}\r\n\r\n".encode()
            + body
        )
        self.transport.write_eof()
        self.loop.call_later(self.linger, self.transport.close)


def limited(header_timeout: float) -> type[HeaderTimeoutH11]:
    """The protocol class for uvicorn.run(http=...), with this header deadline."""
    return type("LimitedH11", (HeaderTimeoutH11,), {"header_timeout": header_timeout})
