"""The SPARQL 1.1 Protocol at /sparql (query only), the read-only Graph Store at /graph-store, and the
service description at the endpoint root.

Query by GET (?query=), POST form-encoded (query=) and POST application/sparql-query. Updates (POST
update=, application/sparql-update, or an update in query=) are refused with 403; Graph Store writes
(PUT, POST, DELETE, PATCH) with 405. Every refusal and client error is a short text/plain message.
"""

from __future__ import annotations

from urllib.parse import parse_qs

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from minekg import formats as registry
from minekg.errors import MinekgError
from minekg.query import guard
from minekg.server import formats
from minekg.server.worker import Reply
from minekg.server.worker import Request as QueryRequest

READ_METHODS = "GET, HEAD, POST, OPTIONS"
# The Graph Store hands out whole graphs, not query answers: --max-rows (a query's rows) would refuse the
# project's own default graph. Its bound is this many triples (or --max-rows when larger); the query
# worker's memory limit still applies.
GRAPH_STORE_MAX_TRIPLES = 1_000_000
DRAIN_LIMIT = 64 * 2**20


class ProtocolError(MinekgError):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.headers = headers or {}

    def response(self) -> Response:
        return text_error(self.status, str(self), self.headers)


def text_error(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return PlainTextResponse(message.rstrip() + "\n", status_code=status, headers=headers)


def reply_response(reply: Reply, head: bool = False, extra: dict[str, str] | None = None) -> Response:
    headers = {"Vary": "Accept"} | (extra or {})
    body = b"" if head else reply.body
    return Response(body, status_code=reply.status, media_type=reply.content_type, headers=headers)


async def check_query_text(text: str, max_bytes: int, parse_here: bool) -> None:
    """Refuse what may not run: too long, empty, nested too deep (a cheap scan, before any parser). The
    parse that refuses an update (403), SERVICE or a syntax error (400) runs in the query worker, under the
    time limit (Request.guard); with `parse_here` (an endpoint behind the server, no worker) it runs here,
    in a thread, so the event loop keeps serving."""
    if len(text.encode("utf-8")) > max_bytes:
        raise ProtocolError(413, f"the query is longer than the server's limit of {max_bytes} bytes")
    if not text.strip():
        raise ProtocolError(400, "empty query: give a SPARQL query in the `query` parameter")
    try:
        guard.check_depth(text)
        if parse_here:
            await anyio.to_thread.run_sync(guard.inspect, text)
    except guard.QueryRefused as e:
        raise ProtocolError(e.status, str(e)) from None


def _too_large(max_bytes: int) -> str:
    return f"the request body is larger than the server's limit of {max_bytes} bytes"


async def read_body(request: Request, max_bytes: int) -> bytes:
    declared = request.headers.get("content-length")
    try:
        too_large = declared is not None and int(declared) > max_bytes
    except ValueError:
        raise ProtocolError(400, "malformed Content-Length header") from None
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            too_large = True
        if too_large:
            # Read and drop the rest (up to a bound), so the client gets the 413 instead of a reset
            # connection while it is still sending.
            if size > DRAIN_LIMIT:
                break
            continue
        chunks.append(chunk)
    if too_large:
        raise ProtocolError(413, _too_large(max_bytes))
    return b"".join(chunks)


def _decode(body: bytes, what: str) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise ProtocolError(400, f"the {what} is not valid UTF-8") from None


async def query_from_request(request: Request, max_bytes: int) -> tuple[str | None, dict[str, list[str]]]:
    """The query text of a protocol request (None: no query, the service description is asked for)
    and the other parameters (format, default-graph-uri, ...)."""
    params = parse_qs(request.url.query, keep_blank_values=True)
    if request.method in ("GET", "HEAD"):
        if "update" in params:
            raise ProtocolError(403, "this endpoint is read-only: SPARQL Update is refused")
        queries = params.pop("query", [])
    else:
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype == "application/sparql-update":
            raise ProtocolError(403, "this endpoint is read-only: SPARQL Update is refused")
        body = await read_body(request, max_bytes)
        if ctype == "application/x-www-form-urlencoded":
            form = parse_qs(_decode(body, "form body"), keep_blank_values=True)
            if "update" in form:
                raise ProtocolError(403, "this endpoint is read-only: SPARQL Update is refused")
            queries = form.pop("query", [])
            for k, v in form.items():
                params.setdefault(k, []).extend(v)
        elif ctype == "application/sparql-query":
            if "query" in params:
                raise ProtocolError(400, "give the query either in the body or in ?query=, not both")
            queries = [_decode(body, "query")]
        else:
            raise ProtocolError(
                415,
                f"unsupported Content-Type {ctype or '(none)'} for POST: use "
                "application/x-www-form-urlencoded or application/sparql-query",
            )
    if len(queries) > 1:
        raise ProtocolError(400, "more than one `query` parameter")
    if params.get("default-graph-uri") or params.get("named-graph-uri"):
        raise ProtocolError(
            400,
            "default-graph-uri and named-graph-uri are not supported: the default graph "
            "is the union of all graphs; use GRAPH or FROM NAMED in the query",
        )
    return (queries[0] if queries else None), params


async def handle_query(request: Request, settings, runner) -> Response:
    if request.method not in ("GET", "HEAD", "POST"):
        return text_error(
            405,
            f"{request.method} is not allowed on the SPARQL endpoint: it is read-only (queries by GET or POST)",
            {"Allow": READ_METHODS},
        )
    try:
        text, params = await query_from_request(request, settings.max_request_bytes)
        fmt = (params.get("format") or [None])[0]
        accept = request.headers.get("accept")
        if text is None:
            return await service_description(request, settings, runner, accept, fmt)
        await check_query_text(text, settings.max_request_bytes, parse_here=settings.config.endpoint is not None)
        formats.acceptable_at_all(accept, fmt)
    except ProtocolError as e:
        return e.response()
    except formats.NotAcceptable as e:
        return text_error(e.status, str(e))
    reply = await runner.run(QueryRequest(text, accept, fmt, settings.max_rows, guard=True))
    return reply_response(reply, head=request.method == "HEAD")


def bound_endpoint(host: str, port: int) -> str:
    """The endpoint's IRI from the address the server is bound to, never from the request's Host header
    (which any client may forge, and the description would then name the client's choice)."""
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/sparql"


async def service_description(request: Request, settings, runner, accept: str | None, fmt: str | None) -> Response:
    """The endpoint root without a query: its SPARQL service description (a browser goes to the workbench)."""
    try:
        # A browser (preferring HTML to every RDF format) is sent to the workbench.
        media = formats.negotiate(formats.GRAPH_TYPES + (registry.get("html"),), accept, fmt)
    except formats.NotAcceptable as e:
        return text_error(e.status, str(e))
    if media.kind == "page":
        return RedirectResponse("/", status_code=303)
    endpoint = bound_endpoint(settings.config.host, settings.config.port)
    turtle = settings.render_text(
        "service-description.ttl",
        endpoint=endpoint,
        timeout=f"{settings.timeout:g}",
        max_rows=settings.max_rows,
        graphs=await settings.named_graphs(runner),
        result_formats=SD_FORMATS,
    )
    from rdflib import Graph

    from minekg.query.stores import Result

    g = Graph()
    g.parse(data=turtle, format="turtle")
    body = formats.serialize(Result("CONSTRUCT", [], [], graph=g), media)
    return Response(body, media_type=f"{media.media_type}; charset=utf-8", headers={"Vary": "Accept"})


SD_FORMATS = tuple(registry.FORMATS_NS + f.w3c for f in formats.SELECT_TYPES + formats.GRAPH_TYPES)


async def handle_graph_store(request: Request, settings, runner) -> Response:
    """The SPARQL 1.1 Graph Store HTTP Protocol, reads only: GET ?graph=IRI or ?default."""
    if request.method not in ("GET", "HEAD"):
        return text_error(
            405,
            f"{request.method} is not allowed: the graph store is read-only (Graph Store Protocol writes are refused)",
            {"Allow": "GET, HEAD, OPTIONS"},
        )
    params = parse_qs(request.url.query, keep_blank_values=True)
    graphs = params.get("graph", [])
    if ("default" in params) == bool(graphs) or len(graphs) > 1:
        return text_error(400, "give exactly one of ?graph=IRI or ?default")
    from minekg.query import catalogue as named

    q = settings.page_query("graph")
    try:
        text = named.bind(q, {"graph": graphs[0]} if graphs else {})
        accept = request.headers.get("accept")
        fmt = (params.get("format") or [None])[0]
        formats.negotiate(formats.GRAPH_TYPES, accept, fmt)
    except formats.NotAcceptable as e:
        return text_error(e.status, str(e))
    except MinekgError as e:
        return text_error(400, str(e))
    limit = max(settings.max_rows, GRAPH_STORE_MAX_TRIPLES)
    reply = await runner.run(QueryRequest(text, accept, fmt, limit))
    if reply.status == 200 and graphs and not await settings.graph_exists(runner, graphs[0]):
        return text_error(404, f"no graph {graphs[0]} in this store")
    return reply_response(reply, head=request.method == "HEAD")
