"""minekg serve: the ASGI application (Starlette) and what it holds while it runs.

Routes (the local server serves every minekg IRI at its path under https://w3id.org/minekg/):

    /                      the workbench (named queries, free SPARQL, label search, who-alleges-what)
    /sparql                SPARQL 1.1 Protocol, read-only; its service description without ?query
    /graph-store           Graph Store Protocol, reads only (?graph=IRI or ?default)
    /id/{kind}/{slug}      an entity's IRI: 303 See Other to its page or its data, by the Accept header
    /page/{kind}/{slug}    the entity's HTML page
    /data/{kind}/{slug}.ttl|.jsonld|.nt|.rdf   its RDF description
    /ontology              the ontology IRI: 303 to /ontology.html (pyLODE) or /ontology.ttl|...
    /text/document/{slug}  a source document's text, ?evidence=... highlights the quoted passage
    /graph/...             a named graph's IRI: 303 to /graph-store?graph=...
    /viz/                  the who-alleges-what view (or a panel saying why it is not available)
    /map                   the world map of treaty status (?instrument=mbt|ccw|…), by minekg.viz.map
    /api/queries[/{name}]  the named-query catalogue and running one with typed parameters
    /api/search            entities by label
    /api/states            the states the graph knows, for the workbench's state picker
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import shutil
import tempfile
from collections import OrderedDict
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote as urlquote

import anyio.to_thread
from jinja2 import Environment, FileSystemLoader, select_autoescape
from rdflib import Graph, URIRef
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import (
    FileResponse,
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from minekg import formats as registry
from minekg import resources
from minekg.errors import MinekgError
from minekg.project import Project
from minekg.query import catalogue as named
from minekg.query.stores import Result, parse_json_results
from minekg.rdf.namespaces import BASE, DOC, EV, ID, MK, PREFIXES
from minekg.release.markings import DEFAULT_PROFILE
from minekg.server import formats, mapmount, ontodoc, protocol, views, vizmount
from minekg.server.limits import BodyTimeout, RequestLimits, retry_after
from minekg.server.pool import HEAVY, Overloaded, QueryPool
from minekg.server.runners import CachedRunner, EndpointRunner
from minekg.server.sentences import local_href
from minekg.server.worker import Reply
from minekg.server.worker import Request as QueryRequest

log = logging.getLogger("minekg.server")

# /data/... and /ontology.* files: one per graph format of the registry, by its extension
RDF_EXT = {f.extension: f.name for f in formats.GRAPH_TYPES}
SEARCH_KINDS = {
    "state": MK.State,
    "person": MK.Person,
    "minetype": MK.MineType,
    "actor": MK.Actor,
    "place": MK.Place,
    "document": MK.SourceDocument,
    "any": None,
}
RESERVED_PARAMS = {"format", "download"}
PAGES_KEPT, PAGE_MAX_BYTES = 512, 2**20  # rendered entity pages kept, at most this large each
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


@dataclass
class Config:
    project: Project
    # The embedded store's data: what the release profile releases (minekg serve filters the build
    # first, export_markings.released_file); every route and the views read only this.
    nquads: Path | None = None
    profile: str = DEFAULT_PROFILE  # the release profile `nquads` was filtered at (/map draws at the same)
    endpoint: str | None = None  # front this SPARQL endpoint instead of the embedded store
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 4
    timeout: float = 10.0  # seconds per query
    max_rows: int = 10_000  # rows (or triples) per answer
    max_request_bytes: int = 100_000  # query text or request body
    memory_limit_mb: int = 2048  # address space per query worker
    cache_mb: int = 64  # answers kept (embedded store only: an endpoint's data may change); 0: none
    cors_origins: tuple[str, ...] = ()  # web origins allowed to read answers (CORS); none by default
    curate: bool = False  # the curation page may write graph_data/ (minekg serve --curate); off by default
    max_answer_bytes: int = 16 * 2**20  # serialised answer, checked in the worker
    per_client: int = 2  # free queries (/sparql, /graph-store) in flight per client address
    queue: int = 8  # free queries waiting for a worker before the next is refused with 429
    reserved_workers: int = 1  # workers kept for named queries and pages
    header_timeout: float = 10.0  # seconds for a request's headers to arrive
    body_timeout: float = 30.0  # seconds for a request's body to arrive


class PageError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class State:
    config: Config
    runner: QueryPool | EndpointRunner | CachedRunner
    env: Environment
    tmp: Path
    ontology_html: Path | None = None
    ontology_problem: str | None = None  # None while it is being generated
    viz_dir: Path | None = None
    viz_problem: str | None = None  # None while it is being generated
    _queries: dict[str, named.NamedQuery] = field(default_factory=dict)
    _graphs: list[str] | None = None
    _tasks: set = field(default_factory=set)
    _pages: OrderedDict[str, bytes] = field(default_factory=OrderedDict)  # rendered entity pages, by path
    children: ontodoc.ChildProcesses = field(default_factory=ontodoc.ChildProcesses)  # pyLODE, ended at stop

    @property
    def heavy(self) -> _Lane:
        """The runner for free queries: the heavy lane, which leaves the reserved workers to the pages."""
        return _Lane(self.runner, HEAVY)

    # ---- settings the protocol module reads
    @property
    def timeout(self) -> float:
        return self.config.timeout

    @property
    def max_rows(self) -> int:
        return self.config.max_rows

    @property
    def max_request_bytes(self) -> int:
        return self.config.max_request_bytes

    # ---- templates and queries (files under serve/)
    def render(self, template: str, status: int = 200, **ctx) -> HTMLResponse:
        return HTMLResponse(self.env.get_template(template).render(**ctx), status_code=status)

    def render_text(self, template: str, **ctx) -> str:
        return self.env.get_template(template).render(**ctx)

    def catalog(self) -> list[named.NamedQuery]:
        """The named queries (queries.catalog() reads them again only when a file in queries/ changed)."""
        return named.catalog(self.config.project)

    def find(self, name: str) -> named.NamedQuery:
        """A named query by file stem, number or slug (as `minekg query NAME`)."""
        return named.find(name, self.config.project)

    def page_query(self, name: str) -> named.NamedQuery:
        if name not in self._queries:
            path = resources.sparql("server", f"{name}.rq")
            self._queries[name] = named.load_query(path, resources.shown(path))
        return self._queries[name]

    async def run(self, text: str, fmt: str) -> Reply:
        # The server's own page queries are not the user's: --max-rows bounds what a client asks for, while a
        # page must show a whole entity (the register's compilers assert thousands of statements). They
        # share the Graph Store's bound; the answer byte limit still applies.
        limit = max(self.config.max_rows, protocol.GRAPH_STORE_MAX_TRIPLES)
        reply = await self.runner.run(QueryRequest(text, None, fmt, limit))
        if reply.status != 200:
            raise PageError(reply.status, reply.body.decode("utf-8", "replace").strip())
        return reply

    async def select(self, name: str, params: dict[str, str]) -> Result:
        reply = await self.run(named.bind(self.page_query(name), params), "json")
        return parse_json_results(json.loads(reply.body), "the query worker")

    async def construct(self, name: str, params: dict[str, str]) -> Graph:
        reply = await self.run(named.bind(self.page_query(name), params), "ntriples")
        return await anyio.to_thread.run_sync(_parse_nt, reply.body)

    async def named_graphs(self, runner=None) -> list[str]:
        if self._graphs is None:
            result = await self.select("named_graphs", {})
            self._graphs = [str(row[0]) for row in result.rows if row[0] is not None]
        return self._graphs

    async def graph_exists(self, runner, graph: str) -> bool:
        return bool((await self.select("graph_exists", {"graph": graph})).boolean)

    def kept_page(self, path: str) -> bytes | None:
        page = self._pages.get(path)
        if page is not None:
            self._pages.move_to_end(path)
        return page

    def keep_page(self, path: str, html: bytes) -> None:
        """Rendering a page costs the server process far more than its query (rdflib and the sentences):
        with answers kept (the embedded store's data cannot change), the rendered page is kept too."""
        if not isinstance(self.runner, CachedRunner) or len(html) > PAGE_MAX_BYTES:
            return
        self._pages[path] = html
        while len(self._pages) > PAGES_KEPT:
            self._pages.popitem(last=False)

    def background(self, coro) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


@dataclass(frozen=True)
class _Lane:
    runner: QueryPool | EndpointRunner | CachedRunner
    lane: str

    async def run(self, req: QueryRequest) -> Reply:
        return await self.runner.run(req, self.lane)


def _parse_nt(body: bytes) -> Graph:
    g = Graph()
    g.parse(data=body.decode("utf-8"), format="nt")
    return g


def _state(request: Request) -> State:
    return request.app.state.minekg


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
        response = _state(request).render("error.html", status=status, reason=reason, message=message)
        response.status_code = status
        if headers:
            response.headers.update(headers)
        return response
    return protocol.text_error(status, message, headers)


# ------------------------------------------------------------------ the workbench and its API


async def workbench(request: Request) -> Response:
    state = _state(request)
    return state.render(
        "workbench.html",
        endpoint_backed=state.config.endpoint is not None,
        timeout=f"{state.config.timeout:g}",
        max_rows=state.config.max_rows,
        kinds=list(SEARCH_KINDS),
        prefixes=PREFIXES,
    )


async def api_queries(request: Request) -> Response:
    catalog = _state(request).catalog()
    return JSONResponse(
        [
            {
                "name": q.name,
                "number": q.number,
                "summary": q.summary,
                "description": q.description,
                "tags": list(q.tags),
                "form": q.form,
                "params": [
                    {
                        "name": p.name,
                        "type": p.type,
                        "default": p.default,
                        "description": p.description,
                        "required": p.required,
                    }
                    for p in q.params
                ],
            }
            for q in catalog
        ]
    )


async def api_run_query(request: Request) -> Response:
    state = _state(request)
    name = request.path_params["name"]
    try:
        q = state.find(name)
    except MinekgError as e:
        return protocol.text_error(404, str(e))
    given: dict[str, str] = {}
    for key, value in request.query_params.multi_items():
        if key in RESERVED_PARAMS:
            continue
        if key in given:
            return protocol.text_error(400, f"parameter {key}: given more than once")
        if value != "":  # an empty form field means "not given": the default (or unbound) applies
            given[key] = value
    fmt = request.query_params.get("format")
    accept = request.headers.get("accept")
    try:
        text = named.bind(q, given)  # typed, validated, bound by VALUES: never pasted into the text
        formats.negotiate(formats.candidates_for(q.form), accept, fmt)
    except formats.NotAcceptable as e:
        return protocol.text_error(e.status, str(e))
    except MinekgError as e:
        return protocol.text_error(400, str(e))
    reply = await state.runner.run(QueryRequest(text, accept, fmt, state.config.max_rows))
    extra = {}
    if request.query_params.get("download") and reply.status == 200:
        ext = _extension_of(reply.content_type)
        extra["Content-Disposition"] = f'attachment; filename="{q.name}.{ext}"'
    return protocol.reply_response(reply, extra=extra)


def _extension_of(content_type: str) -> str:
    mime = content_type.split(";")[0].strip()
    f = next((f for f in formats.SELECT_TYPES + formats.GRAPH_TYPES if f.media_type == mime), None)
    return f.extension if f else "txt"


async def api_search(request: Request) -> Response:
    state = _state(request)
    text = request.query_params.get("q", "").strip()
    kind = request.query_params.get("kind", "any")
    if not text:
        return protocol.text_error(400, "give the text to search for in ?q=")
    if len(text) > 200:
        return protocol.text_error(400, "search text longer than 200 characters")
    if kind not in SEARCH_KINDS:
        return protocol.text_error(400, f"unknown kind {kind!r} (one of {', '.join(SEARCH_KINDS)})")
    params = {"text": text}
    if SEARCH_KINDS[kind] is not None:
        params["kind"] = str(SEARCH_KINDS[kind])
    try:
        result = await state.select("search_labels", params)
    except PageError as e:
        return protocol.text_error(e.status, str(e))
    except MinekgError as e:
        return protocol.text_error(400, str(e))
    found: dict[str, dict] = {}
    for row in result.dicts():
        iri = row["entity"]
        entry = found.setdefault(
            iri,
            {
                "iri": iri,
                "href": local_href(iri),
                "label": row["label"],
                "matched": row["matched"],
                "kinds": [],
            },
        )
        kind_label = row["typeLabel"] or row["type"]
        if kind_label not in entry["kinds"]:
            entry["kinds"].append(kind_label)
    return JSONResponse(list(found.values()))


# ------------------------------------------------------------------ the workbench's state picker


async def api_states(request: Request) -> Response:
    """The states the graph knows (minekg/sparql/server/states.rq): code, label and alternative labels, by label."""
    try:
        result = await _state(request).select("states", {})
    except PageError as e:
        return protocol.text_error(e.status, str(e))
    found: dict[str, dict] = {}
    for row in result.dicts():
        entry = found.setdefault(
            row["state"], {"iri": row["state"], "code": row["code"], "label": row["label"], "altLabels": []}
        )
        alt = row["altLabel"]
        if alt and alt != entry["label"] and alt not in entry["altLabels"]:
            entry["altLabels"].append(alt)
    return JSONResponse(list(found.values()))


# ------------------------------------------------------------------ linked data


_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


def _iri_or_404(iri: str) -> str:
    try:
        if _BAD_PERCENT.search(iri):  # `%ZZ` is no IRI (RFC 3987 pct-encoded): nothing to look up
            raise MinekgError("bad percent-encoding")
        named.to_term(named.Param("iri", "iri", None), iri)
    except MinekgError:
        raise PageError(404, f"{iri} is not an IRI this server can serve") from None
    return iri


async def dereference(request: Request) -> Response:
    """An entity's IRI: 303 See Other to the representation the client asked for (Cool URIs, httpRange-14)."""
    state = _state(request)
    rest = request.path_params["rest"]
    iri = _iri_or_404(ID + rest)
    result = await state.select("exists", {"iri": iri})
    if not result.boolean:
        raise PageError(404, f"nothing is known about {iri}")
    target = _negotiated_target(request, f"/page/{rest}", f"/data/{rest}")
    return RedirectResponse(target, status_code=303, headers={"Vary": "Accept"})


def _negotiated_target(request: Request, html: str, data_stem: str) -> str:
    """Where an IRI's 303 points: its HTML page for browsers (and */*), else the RDF file asked for."""
    accept = request.headers.get("accept")
    # The page first: a browser's */* and text/* mean HTML; plain JSON means JSON-LD (its alias).
    try:
        chosen = registry.negotiate((registry.get("html"),) + formats.GRAPH_TYPES, accept)
    except registry.NotAcceptable:
        raise PageError(
            406,
            f"cannot serve {accept!r}: pages are text/html; data is "
            + ", ".join(t.media_type for t in formats.GRAPH_TYPES),
        ) from None
    return html if chosen.kind == "page" else f"{data_stem}.{chosen.extension}"


async def entity_page(request: Request) -> Response:
    state = _state(request)
    rest = request.path_params["rest"]
    kept = state.kept_page(rest)
    if kept is not None:
        return HTMLResponse(kept)
    iri = _iri_or_404(ID + rest)
    g = await state.construct("page", {"iri": iri})
    if (URIRef(iri), None, None) not in g and (None, None, URIRef(iri)) not in g:
        raise PageError(404, f"nothing is known about {iri}")
    wording = resources.asset("server", "sentences.yaml")
    view = await anyio.to_thread.run_sync(views.entity_view, g, URIRef(iri), wording)
    response = state.render("entity.html", view=view)
    state.keep_page(rest, response.body)
    return response


async def entity_data(request: Request) -> Response:
    state = _state(request)
    rest = request.path_params["rest"]
    stem, dot, ext = rest.rpartition(".")
    if not dot or ext not in RDF_EXT:
        raise PageError(404, f"no such data file: /data/{rest} (use .ttl, .jsonld, .nt or .rdf)")
    iri = _iri_or_404(ID + stem)
    if not (await state.select("exists", {"iri": iri})).boolean:
        raise PageError(404, f"nothing is known about {iri}")
    reply = await state.runner.run(
        QueryRequest(named.bind(state.page_query("describe"), {"iri": iri}), None, RDF_EXT[ext], state.config.max_rows)
    )
    return protocol.reply_response(reply, extra={"Link": f'<{iri}>; rel="describes"'})


async def ontology_iri(request: Request) -> Response:
    target = _negotiated_target(request, "/ontology.html", "/ontology")
    return RedirectResponse(target, status_code=303, headers={"Vary": "Accept"})


async def ontology_version(request: Request) -> Response:
    return RedirectResponse("/ontology", status_code=303)


async def ontology_html(request: Request) -> Response:
    state = _state(request)
    if state.ontology_html is None:
        return state.render(
            "unavailable.html",
            status=503,
            heading="Ontology documentation",
            reason=state.ontology_problem,
            pending=state.ontology_problem is None,
            hint="The ontology itself is at /ontology.ttl.",
        )
    return FileResponse(state.ontology_html, media_type="text/html; charset=utf-8")


async def ontology_data(request: Request) -> Response:
    state = _state(request)
    ext = request.path_params["ext"]
    if ext not in RDF_EXT:
        raise PageError(404, f"no such file /ontology.{ext} (use .html, .ttl, .jsonld, .nt or .rdf)")
    text = named.bind(state.page_query("ontology"), {})
    reply = await state.runner.run(QueryRequest(text, None, RDF_EXT[ext], state.config.max_rows))
    return protocol.reply_response(reply)


async def graph_iri(request: Request) -> Response:
    iri = _iri_or_404(BASE + "graph/" + request.path_params["rest"])
    return RedirectResponse(f"/graph-store?graph={urlquote(iri, safe='')}", status_code=303)


async def document_text(request: Request) -> Response:
    state = _state(request)
    slug = request.path_params["slug"]
    doc = _iri_or_404(str(DOC) + slug)
    evidence = request.query_params.get("evidence")
    params = {"doc": doc}
    if evidence:
        params["evidence"] = _iri_or_404(str(EV) + evidence)
    result = await state.select("document_text", params)
    if not result.rows:
        raise PageError(404, f"no source text is known for {doc}")
    row = result.dicts()[0]
    root = (state.config.project.graph_data).resolve()
    path = (root / row["file"]).resolve()
    if root not in path.parents or not path.is_file():
        raise PageError(404, f"the source file of {doc} is not in this checkout")
    text = path.read_text(encoding="utf-8")
    before, passage, after = text, "", ""
    statement_href = statement_label = None
    if evidence:
        if row["start"] is None:
            raise PageError(404, f"{params['evidence']} is not evidence quoted from {doc}")
        start, end = int(row["start"]), int(row["end"])
        before, passage, after = text[:start], text[start:end], text[end:]
        if row["statement"]:
            statement_href = local_href(row["statement"])
            statement_label = row["statement"].rsplit("/", 1)[-1]
    return state.render(
        "document_text.html",
        title=row["title"] or slug,
        doc_iri=doc,
        doc_href=local_href(doc),
        file=f"graph_data/{row['file']}",
        before=before,
        passage=passage,
        after=after,
        statement_href=statement_href,
        statement_label=statement_label,
    )


# ------------------------------------------------------------------ the who-alleges-what view


async def viz(request: Request) -> Response:
    state = _state(request)
    rest = request.path_params.get("rest", "") or "index.html"
    if state.viz_dir is None:
        if rest != "index.html":
            raise PageError(404, f"no file /viz/{rest}")
        return state.render(
            "unavailable.html",
            heading="Who alleges what",
            reason=state.viz_problem,
            pending=state.viz_problem is None,
            hint="The same allegations can be listed from the workbench: run the named queries "
            "about allegations and denials.",
        )
    path = (state.viz_dir / rest).resolve()
    if state.viz_dir.resolve() not in path.parents or not path.is_file():
        raise PageError(404, f"no file /viz/{rest}")
    return FileResponse(path)


async def health(request: Request) -> Response:
    """`ok: 4 of 4 query workers running`, `degraded: ...` (200) or `unavailable: ...` (503) with the reason."""
    report = _state(request).runner.health()
    return PlainTextResponse(report.text() + "\n", status_code=200 if report.ok else 503)


# ------------------------------------------------------------------ protocol routes


async def sparql(request: Request) -> Response:
    return await protocol.handle_query(request, _state(request), _state(request).heavy)


async def graph_store(request: Request) -> Response:
    return await protocol.handle_graph_store(request, _state(request), _state(request).heavy)


# ------------------------------------------------------------------ assembling the application


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


async def _prepare_extras(state: State) -> None:
    """Generate the ontology documentation and the visualisation after the server is up."""
    try:
        reply = await state.run(named.bind(state.page_query("ontology"), {}), "ntriples")
        nt = state.tmp / "ontology.nt"
        nt.write_bytes(reply.body)
        out = state.tmp / "ontology.html"
        await anyio.to_thread.run_sync(ontodoc.generate, nt, out, state.children)
        state.ontology_html = out
    except (MinekgError, PageError, OSError) as e:
        state.ontology_problem = f"The ontology documentation could not be generated: {e}"
        log.warning(state.ontology_problem)
    c = state.config
    folder, problem = await anyio.to_thread.run_sync(
        vizmount.prepare, c.project, c.nquads, c.endpoint, state.tmp / "viz", c.timeout
    )
    state.viz_dir, state.viz_problem = folder, problem


def create_app(config: Config, on_ready=None) -> Starlette:
    env = Environment(
        loader=FileSystemLoader(str(resources.asset("server", "templates"))),
        autoescape=select_autoescape(["html"]),
        keep_trailing_newline=True,
    )

    @asynccontextmanager
    async def lifespan(app: Starlette):
        tmp = Path(tempfile.mkdtemp(prefix="minekg-serve-"))
        if config.endpoint:
            runner = EndpointRunner(config.endpoint, config.timeout, config.max_answer_bytes)
        else:
            assert config.nquads is not None
            runner = QueryPool(
                config.nquads,
                config.workers,
                config.timeout,
                config.memory_limit_mb * 2**20,
                reserved=config.reserved_workers,
                queue=config.queue,
                max_answer_bytes=config.max_answer_bytes,
            )
            if config.cache_mb > 0:
                runner = CachedRunner(runner, config.cache_mb * 2**20)
        state = State(config, runner, env, tmp)
        app.state.minekg = state
        try:
            await runner.start()
            state.background(_prepare_extras(state))
            if on_ready is not None:
                on_ready()
            yield
        finally:
            for task in list(state._tasks):
                task.cancel()
            state.children.close()
            await runner.close()
            shutil.rmtree(tmp, ignore_errors=True)

    routes = [
        Route("/", workbench),
        Route("/health", health),
        Route("/sparql", sparql, methods=["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"]),
        Route("/graph-store", graph_store, methods=["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"]),
        Route("/api/queries", api_queries),
        Route("/api/queries/{name}", api_run_query),
        Route("/api/search", api_search),
        Route("/api/states", api_states),
        Route("/id/{rest:path}", dereference),
        Route("/page/{rest:path}", entity_page),
        Route("/data/{rest:path}", entity_data),
        Route("/ontology", ontology_iri),
        Route("/ontology.html", ontology_html),
        Route("/ontology.{ext}", ontology_data),
        Route("/ontology/{version:path}", ontology_version),
        Route("/graph/{rest:path}", graph_iri),
        Route("/text/document/{slug}", document_text),
        Route("/viz/", viz),
        Route("/viz/{rest:path}", viz),
        Route("/map", mapmount.page),  # the world map of treaty status (minekg.viz.map)
        Mount("/static", StaticFiles(directory=str(resources.asset("server", "static"))), name="static"),
    ]
    # ---- the curation page (minekg/server/curate.py): writes only with --curate, else every route answers 403
    from minekg.server import curate

    routes[1:1] = curate.routes(config.curate)
    # No CORS unless asked: any web page an analyst visits could otherwise read their local server. Listed
    # origins (browser tools the operator trusts) get their own origin echoed, no one else.
    middleware = [
        Middleware(
            CORSMiddleware,
            allow_origins=list(config.cors_origins),
            allow_methods=["GET", "HEAD", "POST", "OPTIONS"],
            allow_headers=["*"],
            expose_headers=["Content-Type", "Content-Disposition", "Link"],
            max_age=3600,
        )
    ] if config.cors_origins else []
    # After CORS (when it is on), so that its refusals (429, 413) can be read by browser tools too.
    middleware.append(
        Middleware(
            RequestLimits,
            per_client=config.per_client,
            retry_after=retry_after(config.timeout),
            max_request_bytes=config.max_request_bytes,
            body_timeout=config.body_timeout,
        )
    )
    handlers = {
        PageError: _page_error,
        HTTPException: _http_error,
        MinekgError: _minekg_error,
        Overloaded: _overloaded,
        BodyTimeout: _body_timeout,
        ClientDisconnect: _client_gone,
        Exception: _unexpected,
    }
    app = Starlette(routes=routes, middleware=middleware, exception_handlers=handlers, lifespan=lifespan)
    app.state.curate_token = curate.new_token()
    return app
