"""The linked-data routes: an entity's IRI (/id/..., 303 to its page or its data by the Accept header), its
HTML page (/page/...) and RDF files (/data/...), the ontology's IRI, page and files (/ontology...), a named
graph's IRI (/graph/..., 303 to the Graph Store) and a source document's text with a quoted passage
highlighted (/text/document/{slug})."""

from __future__ import annotations

import re
from urllib.parse import quote as urlquote

import anyio.to_thread
from rdflib import URIRef
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from minekg import formats as registry
from minekg import resources
from minekg.errors import MinekgError
from minekg.query import catalogue as named
from minekg.rdf.namespaces import BASE, DOC, EV, ID
from minekg.server import formats, protocol, views
from minekg.server.sentences import local_href
from minekg.server.state import PageError, state_of
from minekg.server.worker import Request as QueryRequest

# /data/... and /ontology.* files: one per graph format of the registry, by its extension
RDF_EXT = {f.extension: f.name for f in formats.GRAPH_TYPES}

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
    state = state_of(request)
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
    state = state_of(request)
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
    state = state_of(request)
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
    state = state_of(request)
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
    state = state_of(request)
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
    state = state_of(request)
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
