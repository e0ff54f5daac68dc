"""The workbench page at / and the JSON API it calls: the named-query catalogue and running one with typed
parameters (/api/queries[/{name}]), entities by label (/api/search) and the states the graph knows, for
its state picker (/api/states)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from minekg.errors import MinekgError
from minekg.query import catalogue as named
from minekg.rdf.namespaces import MK, PREFIXES
from minekg.server import formats, protocol
from minekg.server.sentences import local_href
from minekg.server.state import PageError, state_of
from minekg.server.worker import Request as QueryRequest

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


async def workbench(request: Request) -> Response:
    state = state_of(request)
    return state.render(
        "workbench.html",
        endpoint_backed=state.config.endpoint is not None,
        timeout=f"{state.config.timeout:g}",
        max_rows=state.config.max_rows,
        kinds=list(SEARCH_KINDS),
        prefixes=PREFIXES,
    )


async def api_queries(request: Request) -> Response:
    catalog = state_of(request).catalog()
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
    state = state_of(request)
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
    state = state_of(request)
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
        result = await state_of(request).select("states", {})
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
