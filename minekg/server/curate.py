"""The curation page of `minekg serve --curate`: review a document's drafted candidates in the browser.

    /curate                    the documents the release serves
    /curate/{slug}             one document, sentence by sentence, with statements and candidates
    /curate/{slug}/accept      POST {candidate, edits, add, quote, quotes, digest} -> graph_data/statements/FILE.ttl
    /curate/{slug}/reject      POST {candidate, reason, digest}    -> graph_data/drafts/SLUG.rejections.yaml
    /curate/{slug}/exclude     POST {start, reason, digest}        -> graph_data/coverage_exclusions/FILE.yaml
    /curate/{slug}/new         POST {kind, start, quote, values, footnote, missingFootnote, quotes, name, digest}
                                                               -> graph_data/statements/FILE.ttl

Writes happen only when the server was started with --curate, only from the page's own origin with the
token the page was served with, and only over the file the curator saw (its sha256; else 409). Without
--curate every route answers 403: the plain server never writes.
"""

from __future__ import annotations

import json
import secrets

import anyio.to_thread
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from minekg.curation import compose, review, review_writes
from minekg.errors import MinekgError
from minekg.rdf.namespaces import DOC, PREFIXES, shorten
from minekg.server import protocol

TOKEN_HEADER = "X-Minekg-Token"
NEW_KINDS = list(review.NEW_KINDS)


def _state(request: Request):
    return request.app.state.minekg


async def _released_documents(state) -> dict[str, str]:
    """slug -> title of the documents the release profile serves (minekg/sparql/server/curate_documents.rq)."""
    result = await state.select("curate_documents", {})
    return {str(r["doc"])[len(DOC):]: str(r["title"] or r["doc"]) for r in result.dicts()
            if str(r["doc"]).startswith(str(DOC))}


async def _entities(state) -> tuple[list[dict], dict[str, str]]:
    result = await state.select("curate_entities", {})
    found: dict[str, dict] = {}
    for r in result.dicts():
        e = found.setdefault(r["entity"], {"value": shorten(r["entity"]), "label": r["label"], "kinds": []})
        kind = shorten(r["kind"]).removeprefix("mk:")
        if kind not in e["kinds"]:
            e["kinds"].append(kind)
    return list(found.values()), {iri: e["label"] for iri, e in found.items()}


async def index(request: Request) -> Response:
    state = _state(request)
    docs = await _released_documents(state)
    return state.render("curate_index.html", documents=docs)


async def page(request: Request) -> Response:
    state = _state(request)
    slug = request.path_params["slug"]
    docs = await _released_documents(state)
    if slug not in docs:
        return protocol.text_error(404, f"doc:{slug}: not a document this server releases for review")
    entities, labels = await _entities(state)
    view = await anyio.to_thread.run_sync(review.view, state.config.project, slug, labels, state.config.profile)
    return state.render("curate.html", view=view, title=docs[slug], token=request.app.state.curate_token,
                        data=Markup(_script_json({"slug": slug, "digests": view["digests"], "schemes": view["schemes"],
                                                  "entities": entities, "kinds": NEW_KINDS, "prefixes": PREFIXES,
                                                  "statementKinds": compose.kinds(state.config.project)})))


def _script_json(value) -> str:
    """JSON safe inside a <script> element: no '<' that could close it."""
    return json.dumps(value, ensure_ascii=False).replace("<", "\\u003c")


def _refuse_foreign(request: Request) -> Response | None:
    """Writes come only from the page this server served: its token, and its own origin when one is sent."""
    origin = request.headers.get("origin")
    own = f"{request.url.scheme}://{request.headers.get('host', '')}"
    if origin is not None and origin != own:
        return protocol.text_error(403, f"Origin {origin}: the curation page accepts changes only from {own}")
    given = request.headers.get(TOKEN_HEADER, "").encode("utf-8", "replace")
    if not secrets.compare_digest(given, request.app.state.curate_token.encode()):
        return protocol.text_error(403, f"{TOKEN_HEADER}: missing or wrong; reload the curation page")
    return None


async def _write(request: Request, action) -> Response:
    refused = _refuse_foreign(request)
    if refused is not None:
        return refused
    state = _state(request)
    slug = request.path_params["slug"]
    if slug not in await _released_documents(state):
        return protocol.text_error(404, f"doc:{slug}: not a document this server releases for review")
    try:
        body = json.loads(await request.body())
        if not isinstance(body, dict):
            raise ValueError
    except ValueError:
        return protocol.text_error(400, "the request body must be a JSON object")
    try:
        done = await anyio.to_thread.run_sync(action, state.config.project, slug, body)
    except review.Stale as e:
        return JSONResponse({"error": str(e), "stale": True}, status_code=409)
    except review.Invalid as e:
        return JSONResponse({"error": "not saved: the file would not build or validate; it is unchanged",
                             "problems": [{"focus": p.focus, "message": p.message} for p in e.problems]},
                            status_code=422)
    except (MinekgError, KeyError, TypeError, ValueError) as e:
        return JSONResponse({"error": f"not saved: {e}"}, status_code=400)
    return JSONResponse(done)


def _quotes(b: dict) -> list[dict]:
    quotes = b.get("quotes") or []
    if not isinstance(quotes, list) or not all(isinstance(q, dict) for q in quotes):
        raise ValueError("quotes: a list of {quote, footnote, missingFootnote}")
    return quotes


async def accept(request: Request) -> Response:
    def done(p, slug, b):
        add, quotes, quote = dict(b.get("add") or {}), _quotes(b), b.get("quote")
        if quote is not None and not isinstance(quote, dict):
            raise ValueError("quote: {quote, footnote, missingFootnote}")
        return review_writes.accept(p, slug, str(b["candidate"]), dict(b.get("edits") or {}), str(b["digest"]),
                             amend=lambda f, g, iri: compose.amend(p, f, g, iri, add, quotes, quote))
    return await _write(request, done)


async def reject(request: Request) -> Response:
    return await _write(request, lambda p, slug, b: review_writes.reject(
        p, slug, str(b["candidate"]), str(b["reason"]), str(b["digest"])))


async def exclude(request: Request) -> Response:
    return await _write(request, lambda p, slug, b: review_writes.exclude(
        p, slug, int(b["start"]), str(b["reason"]), str(b["digest"])))


async def new_statement(request: Request) -> Response:
    def make(p, slug, b):
        quote = b.get("quote")
        footnote = b.get("footnote")
        missing = b.get("missingFootnote")
        quotes = _quotes(b)
        return compose.create(p, slug, str(b["kind"]), int(b["start"]), None if quote is None else str(quote),
                              dict(b.get("values") or {}), None if footnote in (None, "") else int(footnote),
                              str(b["digest"]), quotes=quotes, name=str(b.get("name") or "") or None,
                              missing_footnote=None if missing in (None, "") else int(missing))
    return await _write(request, make)


async def off(request: Request) -> Response:
    return protocol.text_error(403, "curation is off: this server never writes; start `minekg serve --curate` "
                               "on your own machine to review drafts")


def routes(enabled: bool) -> list[Route]:
    """The curate routes: the real ones with --curate, else the same paths answering 403."""
    if not enabled:
        return [Route("/curate", off, methods=["GET", "POST"]),
                Route("/curate/{rest:path}", off, methods=["GET", "POST", "PUT", "DELETE", "PATCH"])]
    return [
        Route("/curate", index),
        Route("/curate/{slug}", page),
        Route("/curate/{slug}/accept", accept, methods=["POST"]),
        Route("/curate/{slug}/reject", reject, methods=["POST"]),
        Route("/curate/{slug}/exclude", exclude, methods=["POST"]),
        Route("/curate/{slug}/new", new_statement, methods=["POST"]),
    ]


def new_token() -> str:
    return secrets.token_urlsafe(32)
