"""How `minekg serve` answers an error: an HTML page for a browser, one line of text for anyone else
(error_response), and the exception handlers that turn each kind of failure a route raises (PageError, an
HTTP error, a MinekgError, an overload, a slow body, a client gone, anything unexpected) into that answer."""

from __future__ import annotations

import logging

from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response

from minekg import formats as registry
from minekg.errors import MinekgError
from minekg.server import protocol
from minekg.server.limits import BodyTimeout
from minekg.server.pool import Overloaded
from minekg.server.state import PageError, state_of

log = logging.getLogger("minekg.server")

REASONS = {
    400: "Bad Request",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    406: "Not Acceptable",
    408: "Request Timeout",
    413: "Content Too Large",
    415: "Unsupported Media Type",
    422: "Unprocessable Content",
    429: "Too Many Requests",
    502: "Bad Gateway",
    503: "Service Unavailable",
}


def _wants_html(request: Request) -> bool:
    """An error as an HTML page only for a client that prefers HTML to text (a browser); else one line."""
    offered = (registry.get("text"), registry.get("html"))
    try:
        return registry.negotiate(offered, request.headers.get("accept")).kind == "page"
    except registry.NotAcceptable:
        return False  # a client that takes neither still gets the one line


def error_response(request: Request, status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    if _wants_html(request):
        reason = REASONS.get(status, "Error")
        response = state_of(request).render("error.html", status=status, reason=reason, message=message)
        response.status_code = status
        if headers:
            response.headers.update(headers)
        return response
    return protocol.text_error(status, message, headers)


async def _page_error(request: Request, exc: PageError) -> Response:
    # A 406 depends on the Accept header: caches must not hand it to a client that asks for another type.
    headers = {"Vary": "Accept"} if exc.status == 406 else None
    return error_response(request, exc.status, str(exc), headers)


async def _http_error(request: Request, exc: HTTPException) -> Response:
    message = {404: f"no page at {request.url.path}", 405: f"{request.method} is not allowed here"}.get(
        exc.status_code, str(exc.detail)
    )
    return error_response(request, exc.status_code, message, dict(exc.headers or {}))


async def _minekg_error(request: Request, exc: MinekgError) -> Response:
    return error_response(request, 400, str(exc))


async def _overloaded(request: Request, exc: Overloaded) -> Response:
    return error_response(request, 429, str(exc), {"Retry-After": str(exc.retry_after)})


async def _body_timeout(request: Request, exc: BodyTimeout) -> Response:
    return error_response(request, 408, str(exc), {"Connection": "close"})


async def _client_gone(request: Request, exc: ClientDisconnect) -> Response:
    # Nobody is left to read an answer: one line for the operator, not a traceback.
    client = request.client.host if request.client else "a client"
    log.warning("minekg serve: %s disconnected during %s %s", client, request.method, request.url.path)
    return Response(status_code=499)


async def _unexpected(request: Request, exc: Exception) -> Response:
    # Logged with its traceback for the operator; the client gets one line, never the traceback.
    log.error("error serving %s %s", request.method, request.url.path, exc_info=exc)
    return protocol.text_error(500, "internal error while serving this request (logged on the server)")


def exception_handlers() -> dict:
    """The application's exception handlers, by the exception they answer."""
    return {
        PageError: _page_error,
        HTTPException: _http_error,
        MinekgError: _minekg_error,
        Overloaded: _overloaded,
        BodyTimeout: _body_timeout,
        ClientDisconnect: _client_gone,
        Exception: _unexpected,
    }
