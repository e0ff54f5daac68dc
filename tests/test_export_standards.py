"""The export's DCAT/VoID description keeps to the vocabularies it uses (issue 18, item 17): void:entities
counts only entities in the declared void:uriSpace, and every distribution has the dcat:accessURL DCAT-AP
requires. The export is made by the CLI, as a user makes it, and read by rdflib."""

from __future__ import annotations

import subprocess

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import RDF

from .serve_server import MINEKG, ROOT

DCAT = Namespace("http://www.w3.org/ns/dcat#")
VOID = Namespace("http://rdfs.org/ns/void#")


def export_turtle(built, out) -> tuple[Graph, Graph]:
    done = subprocess.run([MINEKG, "export", "--format", "turtle", "--out", str(out), "--nquads", str(built)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    description = Graph().parse(out / "description.ttl", format="turtle", publicID=out.as_uri() + "/")
    return description, Graph().parse(out / "minekg.ttl", format="turtle")


def test_void_entities_counts_the_uri_space_and_distributions_have_an_access_url(built, tmp_path):
    description, data = export_turtle(built, tmp_path / "ttl")
    dataset = next(description.subjects(VOID.uriSpace, None))
    space = str(description.value(dataset, VOID.uriSpace))
    entities = {s for s in data.subjects() if isinstance(s, URIRef) and str(s).startswith(space)}
    outside = {s for s in data.subjects() if isinstance(s, URIRef) and not str(s).startswith(space)}
    assert entities and outside  # the ontology's terms are described too, outside the uriSpace
    assert int(description.value(dataset, VOID.entities)) == len(entities)
    distributions = set(description.subjects(RDF.type, DCAT.Distribution))
    assert distributions
    for dist in distributions:
        assert description.value(dist, DCAT.accessURL) == description.value(dist, DCAT.downloadURL) == dist
