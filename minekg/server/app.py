"""minekg serve: the ASGI application (Starlette): its route table, middleware and lifespan (the query runner
started and stopped, the ontology documentation and the visualisation made in the background), and the
small routes of its own (/viz/, /health, /sparql, /graph-store). The workbench's routes are in
minekg.server.routes_workbench, the linked-data routes in minekg.server.routes_ld, what the server holds
while it runs in minekg.server.state, and its error answers in minekg.server.handlers.

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

import logging
import shutil
import tempfile
from collections.abc import Callable
from contextlib import asynccontextmanager
from pathlib import Path

import anyio.to_thread
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from minekg import resources
from minekg.errors import MinekgError
from minekg.query import catalogue as named
from minekg.server import mapmount, ontodoc, protocol, routes_ld, routes_workbench, vizmount
from minekg.server.handlers import exception_handlers
from minekg.server.limits import RequestLimits, retry_after
from minekg.server.pool import QueryPool
from minekg.server.runners import CachedRunner, EndpointRunner
from minekg.server.state import Config, PageError, State, state_of

log = logging.getLogger("minekg.server")


# ------------------------------------------------------------------ the who-alleges-what view


async def viz(request: Request) -> Response:
    state = state_of(request)
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
    report = state_of(request).runner.health()
    return PlainTextResponse(report.text() + "\n", status_code=200 if report.ok else 503)


# ------------------------------------------------------------------ protocol routes


async def sparql(request: Request) -> Response:
    return await protocol.handle_query(request, state_of(request), state_of(request).heavy)


async def graph_store(request: Request) -> Response:
    return await protocol.handle_graph_store(request, state_of(request), state_of(request).heavy)


# ------------------------------------------------------------------ assembling the application


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


def create_app(config: Config, on_ready: Callable[[], None] | None = None) -> Starlette:
    env = Environment(
        loader=FileSystemLoader(str(resources.asset("server", "templates"))),
        autoescape=select_autoescape(["html"]),
        keep_trailing_newline=True,
    )
    routes = _routes()
    # ---- the curation page (minekg/server/curate.py): writes only with --curate, else every route answers 403
    from minekg.server import curate

    routes[1:1] = curate.routes(config.curate)
    app = Starlette(
        routes=routes,
        middleware=_middleware(config),
        exception_handlers=exception_handlers(),
        lifespan=_lifespan(config, env, on_ready),
    )
    app.state.curate_token = curate.new_token()
    return app


def _runner(config: Config) -> QueryPool | EndpointRunner | CachedRunner:
    """What runs the queries: the endpoint's runner, or the embedded store's worker pool (its answers kept)."""
    if config.endpoint:
        return EndpointRunner(config.endpoint, config.timeout, config.max_answer_bytes)
    assert config.nquads is not None
    runner: QueryPool | CachedRunner = QueryPool(
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
    return runner


def _lifespan(config: Config, env: Environment, on_ready: Callable[[], None] | None):
    """The application's lifespan: the runner started (and the extras made in the background), then stopped."""

    @asynccontextmanager
    async def lifespan(app: Starlette):
        tmp = Path(tempfile.mkdtemp(prefix="minekg-serve-"))
        runner = _runner(config)
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

    return lifespan


def _routes() -> list[BaseRoute]:
    ld, wb = routes_ld, routes_workbench
    return [
        Route("/", wb.workbench),
        Route("/health", health),
        Route("/sparql", sparql, methods=["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"]),
        Route("/graph-store", graph_store, methods=["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"]),
        Route("/api/queries", wb.api_queries),
        Route("/api/queries/{name}", wb.api_run_query),
        Route("/api/search", wb.api_search),
        Route("/api/states", wb.api_states),
        Route("/id/{rest:path}", ld.dereference),
        Route("/page/{rest:path}", ld.entity_page),
        Route("/data/{rest:path}", ld.entity_data),
        Route("/ontology", ld.ontology_iri),
        Route("/ontology.html", ld.ontology_html),
        Route("/ontology.{ext}", ld.ontology_data),
        Route("/ontology/{version:path}", ld.ontology_version),
        Route("/graph/{rest:path}", ld.graph_iri),
        Route("/text/document/{slug}", ld.document_text),
        Route("/viz/", viz),
        Route("/viz/{rest:path}", viz),
        Route("/map", mapmount.page),  # the world map of treaty status (minekg.viz.map)
        Mount("/static", StaticFiles(directory=str(resources.asset("server", "static"))), name="static"),
    ]


def _middleware(config: Config) -> list[Middleware]:
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
    return middleware
