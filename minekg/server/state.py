"""What `minekg serve` holds while it runs: its settings (Config), the state every route reads (State: the
query runner, the templates, the server's own page queries, the rendered pages kept, the background tasks and
the generated ontology documentation and visualisation), and PageError, which a route raises to answer
with an error page."""

from __future__ import annotations

import asyncio
import json
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

import anyio.to_thread
from jinja2 import Environment
from rdflib import Graph
from starlette.requests import Request
from starlette.responses import HTMLResponse

from minekg import resources
from minekg.project import Project
from minekg.query import catalogue as named
from minekg.query.stores import Result, parse_json_results
from minekg.release.markings import DEFAULT_PROFILE
from minekg.server import ontodoc, protocol
from minekg.server.pool import HEAVY, QueryPool
from minekg.server.runners import CachedRunner, EndpointRunner
from minekg.server.worker import Reply
from minekg.server.worker import Request as QueryRequest

PAGES_KEPT, PAGE_MAX_BYTES = 512, 2**20  # rendered entity pages kept, at most this large each



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


def state_of(request: Request) -> State:
    """The running server's State, which every route reads."""
    return request.app.state.minekg
