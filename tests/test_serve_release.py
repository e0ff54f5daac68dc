"""`minekg serve` releases, it does not dump: every route serves only what the release profile releases.

A copy of the tree gets the restricted fixtures of tests/fixtures/markings (a RED source, AMBER and GREEN
statements) and, as in the audit of issue 18, one real source (the 2025 news report) and one real
statement (Armenia values the Mine Ban Treaty) marked TLP:AMBER. A real `minekg serve` with its default
profile (CLEAR) is asked on every route, and every answer is searched for the marked quotes, labels and
IRIs; then `minekg viz` and `minekg push` without a profile, and the CORS allow-list.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
import time
import urllib.parse
from pathlib import Path

import pyoxigraph as ox
import pytest

from minekg.build.assemble import build
from minekg.errors import MinekgError
from minekg.project import Project
from minekg.query.stores import EndpointStore
from minekg.release.markings import released_file

from .export_support import make_marked_tree
from .oxigraph_server import OxigraphServer
from .serve_server import MINEKG, ServeServer
from .test_markings import AMBER_DERIVED, ID, RED_DERIVED, expected_withheld
from .test_serve_protocol import http

AMBER_DOC = "news-2025-russia-ukraine-landmines"
AMBER_STATEMENT = "armenia-2023-values-mbt-2021"
MK = "https://w3id.org/minekg/ontology#"
# Written out by hand from graph_data/: what only the marked news report and statement say or name.
AMBER_TEXTS = [
    "Russia's Foreign Ministry accuses Ukraine of using antipersonnel mines; NATO members leaving",
    "Heikki Autto", "Karolis Aleksa", "Reuters", "Russian embassy in Helsinki", "Finnish military",
    "Finnish parliamentary defence committee", "Lithuanian Deputy Defence Minister",
    "Russian Foreign Ministry televised briefing", "unknown publisher of the 2025 news report",
    "Armenia stated that it values the Mine Ban Treaty",
]
# Every IRI of the news report's own material starts news-2025-. Its statements' graph (graph/document/news-2025,
# named after graph_data/statements/news-2025.ttl) stays: it also describes a person the reference graph
# names, and reference things always stay (docs/export.md).
AMBER_SLUGS = ["news-2025-", AMBER_STATEMENT]
CONTROL = "fixture-markings-clear-control"  # unmarked: every profile releases it
ANALYST = "http://analyst.example:8080"


def mark_amber(root: Path) -> None:
    """Mark the news report and one Armenian statement TLP:AMBER in the tree's curated Turtle."""
    for rel, subject in [("graph_data/sources/sources.ttl", f"doc:{AMBER_DOC} a mk:NewsReport ;"),
                         ("graph_data/statements/armenia-2023.ttl", f"s:{AMBER_STATEMENT} a mk:PolicyPosition ;")]:
        path = root / rel
        text = path.read_text(encoding="utf-8")
        assert subject in text, f"{rel} no longer has {subject!r}: choose another marked example"
        path.write_text(text.replace(subject, subject + " mk:marking mk:TLP_AMBER ;", 1), encoding="utf-8")


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> tuple[Project, Path]:
    root = make_marked_tree(tmp_path_factory.mktemp("served"))
    mark_amber(root)
    project = Project(root)
    build(project)
    return project, project.build / "minekg.nq"


@pytest.fixture(scope="module")
def unfiltered(tree) -> ox.Store:
    """The whole build (nothing withheld), to find what the marked material is."""
    store = ox.Store()
    store.bulk_load(path=str(tree[1]), format=ox.RdfFormat.N_QUADS)
    return store


def _values(store: ox.Store, query: str) -> list[str]:
    rows = store.query(f"PREFIX mk: <{MK}> " + query, use_default_graph_as_union=True)
    return sorted({row[0].value for row in rows})


@pytest.fixture(scope="module")
def marked(unfiltered) -> dict[str, list[str]]:
    """The marked material of the build: statements, evidence, quotes, and what the statements touch."""
    doc, st = f"<{ID}document/{AMBER_DOC}>", f"<{ID}statement/{AMBER_STATEMENT}>"
    statements = _values(unfiltered, f"SELECT DISTINCT ?s WHERE {{ {{ ?s mk:evidence/mk:source {doc} }} "
                                     f"UNION {{ VALUES ?s {{ {st} }} }} }}")
    values = " ".join(f"<{s}>" for s in statements)
    quotes = _values(unfiltered, f"SELECT DISTINCT ?q WHERE {{ VALUES ?s {{ {values} }} ?s mk:evidence ?e . "
                                 "?e mk:quote ?q }")
    evidence = _values(unfiltered, f"SELECT DISTINCT ?e WHERE {{ VALUES ?s {{ {values} }} ?s mk:evidence ?e }}")
    touched = _values(unfiltered, f"SELECT DISTINCT ?o WHERE {{ VALUES ?s {{ {values} }} ?s ?p ?o "
                                  f"FILTER(isIRI(?o) && STRSTARTS(STR(?o), '{ID}')) }}")
    fixture_iris, fixture_texts = expected_withheld("CLEAR")
    withheld = statements + [f"{ID}document/{AMBER_DOC}"] + [ID + p for p in fixture_iris]
    withheld += [t for t in touched if "news-2025-" in t]  # what only the report names (a meeting, its publisher)
    return {
        "texts": quotes + AMBER_TEXTS + fixture_texts,
        "slugs": AMBER_SLUGS + [e.rsplit("/", 1)[-1] for e in evidence] + [p.rsplit("/", 1)[-1] for p in fixture_iris],
        "withheld": sorted(withheld),
        "touched": sorted(set(touched) - set(withheld) - set(evidence)),
        "evidence": evidence,
    }


@pytest.fixture(scope="module")
def served(tree):
    """`minekg serve` over the marked build with its defaults (profile CLEAR, no CORS); enough rows for
    every triple in one answer."""
    # The time limit is not what these tests are about: whole-graph reads must not hit it on a busy machine.
    s = ServeServer(tree[1], "--workers", "2", "--max-rows", "1000000", "--timeout", "120",
                    root=tree[0].root).start()
    yield s
    assert s.stop() == 0, s.output


@pytest.fixture(scope="module")
def amber_server(tree):
    """The same build served at profile AMBER, answering CORS requests of one listed origin."""
    s = ServeServer(tree[1], "--workers", "1", "--profile", "AMBER", "--cors-origin", ANALYST,
                    root=tree[0].root).start()
    yield s
    assert s.stop() == 0, s.output


# ------------------------------------------------------------------ searching answers


def readable(body: bytes) -> list[str]:
    """An answer's text as a reader would see it, whatever escaped it: HTML entities, JSON and Turtle
    string escapes, CSV's doubled quotes."""
    text = body.decode("utf-8", "replace")
    unescaped = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)
    unescaped = unescaped.replace('\\"', '"').replace("\\/", "/").replace("\\\\", "\\")
    return [text, html.unescape(text), unescaped, html.unescape(unescaped), text.replace('""', '"')]


def leaks(body: bytes, needles: list[str]) -> list[str]:
    variants = readable(body)
    return [n for n in needles if any(n in v for v in variants)]


def assert_released(where: str, body: bytes, marked: dict, echoed: bool = False) -> None:
    """No marked quote, label or IRI in `body`; `echoed`: a refusal that may repeat the requested IRI, so
    only the texts are searched."""
    needles = marked["texts"] + ([] if echoed else marked["slugs"])
    found = leaks(body, needles)
    assert not found, f"{where} leaks {found[:5]}"


def get(server: ServeServer, path: str, accept: str | None = None, **params: str):
    qs = ("?" + urllib.parse.urlencode(params)) if params else ""
    return http(server.url(path) + qs, headers={"Accept": accept} if accept else {})


def local(iri: str) -> str:
    return "/" + iri.removeprefix("https://w3id.org/minekg/")


# ------------------------------------------------------------------ the tests


def test_the_marked_material_is_in_the_build(tree, marked):
    # Otherwise every test below would pass for want of anything to withhold.
    text = tree[1].read_text(encoding="utf-8").replace('\\"', '"')
    missing = [n for n in marked["texts"] + marked["slugs"] if n not in text]
    assert not missing, missing
    assert len(marked["texts"]) > 40 and len(marked["withheld"]) > 30 and len(marked["touched"]) > 10


def test_sparql_endpoint_answers_from_the_release(served, marked):
    literals = "SELECT ?o WHERE { GRAPH ?g { ?s ?p ?o } FILTER(isLiteral(?o)) }"
    everything = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"
    quads = "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }"
    for query, fmt in [(literals, "json"), (literals, "csv"), (everything, "turtle"), (everything, "ntriples"),
                       (quads, "tsv")]:
        status, _h, body = get(served, "/sparql", query=query, format=fmt)
        assert status == 200, body[:300]
        assert_released(f"/sparql {fmt} {query[:30]}", body, marked)
    status, _h, body = get(served, "/sparql", query=everything, format="ntriples")
    assert CONTROL.encode() in body  # the release is not empty: unmarked statements are there
    for s, p, o in (RED_DERIVED, AMBER_DERIVED):  # no fact derived from withheld statements
        status, _h, body = get(served, "/sparql", query=f"ASK {{ <{s}> <{p}> <{o}> }}", format="json")
        assert status == 200 and json.loads(body)["boolean"] is False, f"derived {s} {p} {o}"
    status, _h, body = get(served, "/sparql", accept="text/turtle")  # the service description
    assert status == 200 and b"graph/document/belarus-2022" in body
    assert_released("the service description", body, marked)


def test_named_queries_answer_from_the_release(served, marked):
    status, _h, body = get(served, "/api/queries")
    assert status == 200
    names = [q["name"] for q in json.loads(body)]
    assert "202_claim_details" in names
    for name in names:
        for fmt in ("json", "csv"):
            status, _h, body = get(served, f"/api/queries/{name}", format=fmt)
            assert status == 200, f"{name}: {body[:300]}"
            assert_released(f"/api/queries/{name}", body, marked)
    for statement in marked["withheld"]:
        if "/statement/" in statement:
            status, _h, body = get(served, "/api/queries/019_statement_evidence", statement=statement)
            assert status == 200
            assert_released(f"019 for {statement}", body, marked, echoed=True)


def test_search_finds_nothing_withheld(served, marked):
    for text in ["Autto", "Aleksa", "Reuters", "embassy", "Finnish", "Fixture", "informant", "news", "briefing"]:
        status, _h, body = get(served, "/api/search", q=text)
        assert status == 200, body[:300]
        assert_released(f"/api/search?q={text}", body, marked)
    status, _h, body = get(served, "/api/search", q="Belarus")
    assert b"/id/state/BLR" in body  # search works


def test_pages_and_data_of_what_the_marked_material_touches(served, marked):
    assert any(t.endswith("/state/UKR") for t in marked["touched"])
    for iri in marked["touched"] + [f"{ID}document/armenia-2023", f"{ID}statement/{CONTROL}"]:
        path = local(iri)
        for route, accept in [(path.replace("/id/", "/page/", 1), None), (path, "text/html"),
                              (path.replace("/id/", "/data/", 1) + ".ttl", None)]:
            status, _h, body = get(served, route, accept=accept)
            assert status in (200, 404), f"{route}: {status}"
            assert_released(route, body, marked)
    status, _h, body = get(served, f"/page/statement/{CONTROL}")
    assert status == 200 and b"Fixture clear control statement" in body


def test_withheld_entities_are_not_known(served, marked):
    for iri in marked["withheld"] + marked["evidence"]:
        path = local(iri)
        for route, accept in [(path.replace("/id/", "/page/", 1), None), (path, "text/turtle"),
                              (path.replace("/id/", "/data/", 1) + ".jsonld", None)]:
            status, _h, body = get(served, route, accept=accept)
            assert status == 404, f"{route} answered {status}"
            assert_released(route, body, marked, echoed=True)


def test_text_viewer_withholds_restricted_documents(served, marked):
    for slug in (AMBER_DOC, "fixture-red-briefing"):
        status, _h, body = get(served, f"/text/document/{slug}")
        assert status == 404, f"{slug}: {status}"
        assert_released(f"/text/document/{slug}", body, marked, echoed=True)
    # Withheld evidence is not highlighted in a released document (the AMBER statement's, on a CLEAR one).
    for ev in marked["evidence"]:
        doc = ev.rsplit("/", 1)[-1].rsplit("-", 1)[0]
        status, _h, body = get(served, f"/text/document/{doc}", evidence=ev.rsplit("/", 1)[-1])
        assert status == 404, f"{ev}: {status}"
        assert_released(f"/text/document/{doc}?evidence=...", body, marked, echoed=True)
    status, _h, body = get(served, "/text/document/belarus-2022")
    assert status == 200  # a released document's text is still served


def test_graph_store_serves_released_graphs(served, marked, unfiltered):
    status, _h, body = get(served, "/graph-store", accept="application/n-triples", default="")
    assert status == 200 and CONTROL.encode() in body
    assert_released("/graph-store?default", body, marked)
    graphs = sorted({q.graph_name.value for q in unfiltered.quads_for_pattern(None, None, None)
                     if isinstance(q.graph_name, ox.NamedNode)})
    assert "https://w3id.org/minekg/graph/document/fixture-red-briefing" in graphs
    for graph in graphs:
        status, _h, body = get(served, "/graph-store", accept="application/n-triples", graph=graph)
        assert status in (200, 404), f"{graph}: {status}"
        withheld_graph = "fixture-red" in graph  # everything in it is withheld
        assert status == 404 or not withheld_graph, f"{graph} is served"
        assert_released(f"/graph-store?graph={graph}", body, marked, echoed=withheld_graph)


def test_viz_draws_only_released_claims(served, marked):
    deadline = time.monotonic() + 180
    while True:
        status, _h, body = get(served, "/viz/claims.json")
        if status == 200 or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert status == 200, "the server's visualisation was not generated"
    for name in ("", "index.html", "claims.json", "claims.graphml", "claims.gexf", "claims.svg"):
        status, _h, body = get(served, f"/viz/{name}")
        assert status == 200
        assert_released(f"/viz/{name}", body, marked)
    assert json.loads(get(served, "/viz/claims.json")[2])["nodes"]  # the view is drawn, not empty


def test_map_and_state_list_hold_nothing_withheld(served, marked):
    for route in ("/api/states", "/map"):
        status, _h, body = get(served, route)
        assert status == 200, f"{route}: {body[:300]}"
        assert_released(route, body, marked)


def test_a_higher_profile_is_served_when_asked(amber_server, marked):
    statement = f"/page/statement/{AMBER_STATEMENT}"
    status, _h, body = get(amber_server, statement)
    assert status == 200 and b"values the Mine Ban Treaty" in body
    status, _h, _b = get(amber_server, "/page/statement/fixture-red-briefing-use")
    assert status == 404  # RED is above AMBER


def test_no_cors_by_default_and_only_listed_origins(served, amber_server):
    query = "/sparql?" + urllib.parse.urlencode({"query": "ASK {}"})
    preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
    for server, origin, allowed in [(served, ANALYST, False), (amber_server, ANALYST, True),
                                    (amber_server, "http://evil.example", False)]:
        status, headers, _ = http(server.url(query), headers={"Origin": origin})
        assert status == 200
        assert headers.get("access-control-allow-origin") == (origin if allowed else None), (server.args, origin)
        status, headers, _ = http(server.url("/sparql"), method="OPTIONS", headers={"Origin": origin, **preflight})
        assert headers.get("access-control-allow-origin") == (origin if allowed else None), (server.args, origin)
        if allowed:
            assert status == 200 and "POST" in headers["access-control-allow-methods"]
    status, headers, _ = http(amber_server.url(query), headers={"Origin": ANALYST})
    assert "origin" in headers.get("vary", "").lower()  # caches must not hand one origin's answer to another


@pytest.mark.parametrize("args, words", [
    (["--profile", "YELLOW"], ["unknown profile 'YELLOW'"]),
    (["--cors-origin", "*"], ["--cors-origin", "'*'"]),
    (["--cors-origin", "analyst.example"], ["--cors-origin", "analyst.example"]),
])
def test_bad_profile_or_origin_is_one_line(tree, args, words):
    env = {"MINEKG_ROOT": str(tree[0].root), "PATH": "/usr/bin:/bin"}
    done = subprocess.run([MINEKG, "serve", "--data", str(tree[1]), *args], capture_output=True, text=True,
                          env=env, timeout=120)
    assert done.returncode != 0
    assert done.stderr.startswith("minekg: error: ") and len(done.stderr.strip().splitlines()) == 1, done.stderr
    for word in words:
        assert word in done.stderr


def test_viz_command_draws_only_released_claims(tree, marked, tmp_path):
    env = {"MINEKG_ROOT": str(tree[0].root), "PATH": "/usr/bin:/bin"}
    outputs = {}
    for profile in (None, "RED"):
        out = tmp_path / (profile or "default")
        args = [MINEKG, "viz", "--out", str(out)] + (["--profile", profile] if profile else [])
        done = subprocess.run(args, capture_output=True, text=True, env=env, timeout=600)
        assert done.returncode == 0, done.stderr
        outputs[profile] = {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.is_file()}
    assert len(outputs[None]) >= 5
    for name, body in outputs[None].items():
        assert_released(f"minekg viz: {name}", body, marked)
    # At RED everything is drawn: the same search finds the news report's claims (the check is not void).
    assert leaks(outputs["RED"]["claims.json"], marked["slugs"])


@pytest.mark.server
def test_push_defaults_to_clear(tree, marked, tmp_path):
    project, nquads = tree
    env = {"MINEKG_ROOT": str(project.root), "PATH": "/usr/bin:/bin"}
    with OxigraphServer(tmp_path / "store") as server:
        done = subprocess.run([MINEKG, "push", "--endpoint", server.query_url, "--nquads", str(nquads)],
                              capture_output=True, text=True, env=env, timeout=300)
        assert done.returncode == 0, done.stderr
        store = EndpointStore(server.query_url, timeout=60)
        body = store.query("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }").graph.serialize(format="nt")
        assert CONTROL in body
        assert_released("the pushed store", body.encode("utf-8"), marked)


def test_released_file_copies_only_when_something_is_withheld(tree, tmp_path):
    project, nquads = tree
    path, profile, withheld = released_file(nquads, "RED", tmp_path / "red.nq", project)
    assert (path, profile.name, withheld) == (nquads, "RED", 0)  # nothing is marked above RED: the build
    path, profile, withheld = released_file(nquads, "amber", tmp_path / "amber.nq", project)
    assert path == tmp_path / "amber.nq" and profile.name == "AMBER" and withheld > 0
    text = path.read_text(encoding="utf-8")
    assert f"statement/{AMBER_STATEMENT}>" in text and "fixture-red-briefing-use" not in text
    with pytest.raises(MinekgError, match="unknown profile 'YELLOW'"):
        released_file(nquads, "YELLOW", tmp_path / "x.nq", project)
    assert not (tmp_path / "x.nq").exists() and not (tmp_path / "red.nq").exists()
