"""Failures of HTTP requests to a remote store, turned into typed errors in one place: the queries sent to an
endpoint (stores.EndpointStore) and the graphs pushed to a Graph Store (push) fail alike, with one line
that names the endpoint, and an error type carrying the HTTP status `minekg serve --endpoint` answers with.
"""

from __future__ import annotations

import socket
import urllib.error
from collections.abc import Iterator
from contextlib import contextmanager

from minekg.errors import QueryFailure, UpstreamRejected, UpstreamTimedOut, UpstreamUnavailable, first_line


def status_error(code: int, message: str) -> QueryFailure:
    """The error for an endpoint's HTTP status: 4xx is the request's fault, anything else the endpoint's."""
    return UpstreamRejected(message) if 400 <= code < 500 else UpstreamUnavailable(message)


def said(body: bytes | str, limit: int = 300) -> str:
    """What the endpoint said, on one line: the first non-blank line of its error body, clipped."""
    text = body.decode("utf-8", errors="replace") if isinstance(body, bytes) else body
    first = next((" ".join(line.split()) for line in text.splitlines() if line.strip()), "")
    if not first:
        return ""
    return ": " + (first if len(first) <= limit else first[: limit - 1] + "…")


def _body(e: urllib.error.HTTPError) -> bytes:
    try:
        return e.read()
    except OSError:
        return b""


@contextmanager
def http_errors(shown: str, timeout: float, method: str | None = None, missing_ok: bool = False) -> Iterator[None]:
    """Run an HTTP exchange with `shown`; its failures leave as one-line typed errors. `method` is named in
    the message (push sends several kinds); with `missing_ok` a 404 is no failure (deleting what is absent)."""
    on = f" on {method}" if method else ""
    try:
        yield
    except urllib.error.HTTPError as e:
        if missing_ok and e.code == 404:
            return
        raise status_error(e.code, f"endpoint {shown}: HTTP {e.code} {e.reason}{on}{said(_body(e))}") from None
    except urllib.error.URLError as e:
        if isinstance(e.reason, socket.timeout | TimeoutError):
            raise UpstreamTimedOut(f"endpoint {shown}: timed out after {timeout:g} s") from None
        raise UpstreamUnavailable(f"endpoint {shown}: cannot connect ({e.reason})") from None
    except TimeoutError:
        raise UpstreamTimedOut(f"endpoint {shown}: timed out after {timeout:g} s") from None
    except (ConnectionError, OSError) as e:
        raise UpstreamUnavailable(f"endpoint {shown}: connection failed ({first_line(e)})") from None
