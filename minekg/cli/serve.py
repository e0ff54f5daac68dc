"""`minekg serve`: the SPARQL endpoint, linked-data pages and the workbench on one local server."""

from __future__ import annotations

import re
import socket
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import click

from minekg.errors import MinekgError
from minekg.project import Project
from minekg.release.markings import DEFAULT_PROFILE, released_file

if TYPE_CHECKING:  # the server's modules load only when it starts (a quick --help)
    from minekg.server.state import Config

ORIGIN = re.compile(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?|https?://\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="address to listen on")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--endpoint", metavar="URL", help="front this SPARQL endpoint instead of the embedded store")
@click.option(
    "--data",
    "data",
    type=click.Path(dir_okay=False, path_type=Path),
    help="N-Quads for the embedded store [default: build/minekg.nq]",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=4,
    show_default=True,
    help="query worker processes (embedded store)",
)
@click.option(
    "--timeout",
    type=click.FloatRange(0.1, 3600),
    default=10.0,
    show_default=True,
    help="seconds a query may run before it is stopped",
)
@click.option(
    "--max-rows",
    type=click.IntRange(1),
    default=10_000,
    show_default=True,
    help="rows (or triples) an answer may have",
)
@click.option(
    "--max-request-bytes",
    type=click.IntRange(1024),
    default=100_000,
    show_default=True,
    help="largest query text or request body accepted",
)
@click.option(
    "--memory-limit-mb",
    type=click.IntRange(0),
    default=2048,
    show_default=True,
    help="address space of each query worker (0: no limit)",
)
@click.option(
    "--cache-mb",
    type=click.IntRange(0),
    default=64,
    show_default=True,
    help="memory for answers kept by query (embedded store only; 0: none)",
)
@click.option(
    "--max-answer-bytes",
    type=click.IntRange(1024),
    default=16 * 2**20,
    show_default=True,
    help="largest serialised answer (bigger ones are refused with 422)",
)
@click.option(
    "--per-client",
    type=click.IntRange(1),
    default=2,
    show_default=True,
    help="free queries (/sparql, /graph-store) one client address may have running; more get 429",
)
@click.option(
    "--queue",
    type=click.IntRange(0),
    default=8,
    show_default=True,
    help="free queries that may wait for a worker; more get 429 at once",
)
@click.option(
    "--reserved-workers",
    type=click.IntRange(0),
    default=1,
    show_default=True,
    help="query workers kept for named queries and pages (at most --workers minus 1)",
)
@click.option(
    "--header-timeout",
    type=click.FloatRange(0.5, 600),
    default=10.0,
    show_default=True,
    help="seconds a request's headers may take to arrive",
)
@click.option(
    "--body-timeout",
    type=click.FloatRange(0.5, 3600),
    default=30.0,
    show_default=True,
    help="seconds a request's body may take to arrive",
)
@click.option(
    "--profile",
    metavar="P",
    help="serve only what this release profile allows: CLEAR | GREEN | AMBER | RED [default: CLEAR]",
)
@click.option(
    "--cors-origin",
    "cors_origins",
    multiple=True,
    metavar="ORIGIN",
    help="let web pages of this origin (scheme://host[:port]) read the answers (repeatable; default: none)",
)
@click.option(
    "--curate",
    is_flag=True,
    help="also serve the curation page (/curate), which writes graph_data/ (bind it to 127.0.0.1)",
)
def serve(
    host,
    port,
    endpoint,
    data,
    workers,
    timeout,
    max_rows,
    max_request_bytes,
    memory_limit_mb,
    cache_mb,
    max_answer_bytes,
    per_client,
    queue,
    reserved_workers,
    header_timeout,
    body_timeout,
    profile,
    cors_origins,
    curate,
) -> None:
    """Serve the graph: SPARQL 1.1 endpoint (/sparql), linked-data pages (/id/...) and the workbench (/).

    Runs until Ctrl-C. Every minekg IRI https://w3id.org/minekg/PATH is served at http://HOST:PORT/PATH.
    Only what the release profile allows is served, on every route.
    """
    from minekg.server.state import Config

    project = Project.default()
    config = Config(
        project=project,
        endpoint=endpoint,
        cors_origins=tuple(_check_origin(o) for o in cors_origins),
        host=host,
        port=port,
        workers=workers,
        timeout=timeout,
        max_rows=max_rows,
        max_request_bytes=max_request_bytes,
        memory_limit_mb=memory_limit_mb,
        cache_mb=cache_mb,
        max_answer_bytes=max_answer_bytes,
        per_client=per_client,
        queue=queue,
        reserved_workers=reserved_workers,
        header_timeout=header_timeout,
        body_timeout=body_timeout,
        curate=curate,
    )
    if endpoint and curate:
        # The page writes this checkout's files and checks them against this checkout's build, not a remote store.
        raise MinekgError("--curate: the curation page works on this checkout's files and build; "
                          "it cannot be used with --endpoint")
    if endpoint:
        _serve_endpoint(config, profile)
    else:
        _serve_embedded(config, data, profile)


def _serve_endpoint(config: Config, profile: str | None) -> None:
    """Front config.endpoint: the store serves what was pushed into it, so no profile applies here."""
    if profile:
        # The server cannot filter a store it does not hold: fill that store with `minekg push --profile`.
        raise MinekgError("--profile: with --endpoint the store serves what was pushed into it "
                          "(`minekg push --profile P`, CLEAR by default); give one or the other")
    _check_port_free(config.host, config.port)
    _run(config, f"endpoint {config.endpoint}")


def _serve_embedded(config: Config, data: Path | None, profile: str | None) -> None:
    """Serve the built N-Quads (or --data) from the embedded store, filtered at the release profile first."""
    from minekg.build.assemble import load_built

    project = config.project
    nquads = data if data is not None else load_built(project)
    if not nquads.is_file():
        raise MinekgError(f"{nquads}: file not found")
    _check_port_free(config.host, config.port)
    with tempfile.TemporaryDirectory(prefix="minekg-serve-release-") as tmp:
        # Filtered once, here: the workers, the view and every page then see the released dataset only.
        served, chosen, withheld = released_file(nquads, profile or DEFAULT_PROFILE, Path(tmp) / "release.nq", project)
        config.nquads, config.profile = served, chosen.name
        shown = f"{config.workers} query workers over the {chosen.label} release of {project.rel(nquads)}"
        _run(config, shown + (f" ({withheld} nodes withheld)" if withheld else ""))


def _check_origin(origin: str) -> str:
    """An origin as browsers send it (scheme://host[:port]); '*' is refused: any page could read the server."""
    if not ORIGIN.fullmatch(origin):
        raise MinekgError(
            f"--cors-origin {origin!r}: not an origin; give scheme://host[:port] as the browser sends it "
            "(e.g. http://localhost:3000), one option per origin ('*' is not accepted)"
        )
    return origin


def _run(config: Config, backend: str) -> None:
    import uvicorn

    from minekg.server.app import create_app
    from minekg.server.limits import limited

    host, port = config.host, config.port
    shown_host = f"[{host}]" if ":" in host else host

    def ready() -> None:
        click.echo(
            f"minekg serve: http://{shown_host}:{port}/  (SPARQL: http://{shown_host}:{port}/sparql; "
            f"{backend}; Ctrl-C stops)"
        )
        sys.stdout.flush()

    app = create_app(config, on_ready=ready)
    # h11 must buffer a request line long enough to hold a percent-encoded query of the allowed size, so
    # that an over-long GET query is answered with our 413 rather than a dropped connection.
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=5,
        lifespan="on",
        h11_max_incomplete_event_size=3 * config.max_request_bytes + 16_384,
        http=limited(config.header_timeout),  # uvicorn's h11 with a deadline for each request's headers
    )
    click.echo("minekg serve: stopped")


def _check_port_free(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as e:
            raise MinekgError(f"cannot listen on {host}:{port}: {e.strerror}") from None
