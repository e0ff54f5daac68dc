"""Standards details of `minekg serve` and `minekg query` (issue 18, item 17), against a real server on
127.0.0.1: the Graph Store's own size limit, deterministic JSON-LD, Vary on a 406, and a service
description that does not echo the request's Host header."""

from __future__ import annotations

import json
import os
import subprocess

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef

from .serve_server import MINEKG, ROOT
from .test_serve_protocol import get, http

pytestmark = pytest.mark.server

CONSTRUCT_BLR = """PREFIX mk: <https://w3id.org/minekg/ontology#>
CONSTRUCT { ?s ?p ?o } WHERE { ?s mk:actor <https://w3id.org/minekg/id/state/BLR> ; ?p ?o }"""
SD = "http://www.w3.org/ns/sparql-service-description#"


def test_graph_store_default_graph_is_not_held_to_the_query_row_limit(server, built):
    union = {(q.subject, q.predicate, q.object) for q in ox.parse(path=str(built), format=ox.RdfFormat.N_QUADS)}
    assert len(union) > 10_000  # more than the default --max-rows of a query answer
    status, headers, body = get(server, "/graph-store?default", "application/n-triples")
    assert status == 200, body[:300]
    served = list(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))
    assert len(served) == len(union)


def jsonld_by_cli(built, seed: str) -> bytes:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    done = subprocess.run([MINEKG, "query", "--sparql", CONSTRUCT_BLR, "--format", "jsonld", "--data", str(built)],
                          cwd=ROOT, env=env, capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_construct_as_jsonld_is_the_same_bytes_every_time(server, built):
    # Different hash seeds stand for different processes (the server's workers): same query, same bytes.
    first = jsonld_by_cli(built, "1")
    assert all(jsonld_by_cli(built, seed) == first for seed in ("2", "3"))
    status, _headers, body = get(server, "/sparql", "application/ld+json", query=CONSTRUCT_BLR)
    assert status == 200 and body == first
    nodes = json.loads(first)
    assert len(nodes) > 10 and [n["@id"] for n in nodes] == sorted(n["@id"] for n in nodes)


def test_a_406_from_an_iri_varies_on_accept(server):
    status, headers, _body = http(server.url("/id/state/BLR"), headers={"Accept": "image/png"})
    assert status == 406
    assert "accept" in [v.strip().lower() for v in headers.get("vary", "").split(",")], headers


def test_service_description_ignores_a_forged_host_header(server):
    status, _headers, body = http(server.url("/sparql"), headers={"Accept": "text/turtle",
                                                                   "Host": "attacker.example"})
    assert status == 200
    g = Graph().parse(data=body.decode("utf-8"), format="turtle")
    endpoints = {str(o) for o in g.objects(None, URIRef(SD + "endpoint"))}
    assert endpoints == {server.url("/sparql")}
    assert "attacker.example" not in body.decode("utf-8")
