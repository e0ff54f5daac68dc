"""The world map of treaty status at /map: the page minekg.viz.map writes as index.html (`minekg map`), made
on the first request for an instrument and day (?instrument=mbt|ccw|…, default mbt; today) and kept
while the day lasts. Making it runs query 001 once per year since 1997 on its own store of what the
server's release profile releases, in a thread."""

from __future__ import annotations

import datetime

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from minekg.errors import MinekgError


def _make(config, instrument: str, day: datetime.date) -> str:
    """The page, drawn from what the server's release profile allows (its data already is that release;
    filtering it again at the same profile keeps it as it is), as `minekg map --profile` does."""
    from minekg.viz import map as world
    from minekg.viz.map_status import released_graph

    data = None if config.nquads is None else str(config.nquads)
    with released_graph(config.project, "oxigraph", config.endpoint, 60.0, data, config.profile) as g:
        return world.page(g, world.collect(g, instrument, day, config.project), config.project)


async def page(request: Request) -> Response:
    from minekg.server.state import PageError
    from minekg.viz.map_status import DEFAULT_INSTRUMENT, instrument_iri

    state = request.app.state.minekg
    instrument = request.query_params.get("instrument", DEFAULT_INSTRUMENT)
    day = datetime.date.today()
    pages: dict | None = getattr(request.app.state, "minekg_maps", None)
    if pages is None:
        pages = request.app.state.minekg_maps = {}
    key = (instrument, day)
    if key not in pages:
        try:
            instrument_iri(instrument)
            pages[key] = await anyio.to_thread.run_sync(_make, state.config, instrument, day)
        except MinekgError as e:
            raise PageError(400, str(e)) from None
    return HTMLResponse(pages[key])
