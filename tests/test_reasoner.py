"""The ontology with the data is consistent for a real OWL DL reasoner (HermiT via owlready2, system Java)."""

from __future__ import annotations

import pytest
from rdflib import RDF, Graph, URIRef

from minekg.build.reasoning import consistent, reasoner_input
from minekg.rdf.namespaces import MK, ST

from .conftest import require_tool

pytestmark = [pytest.mark.reasoner, pytest.mark.slow]  # HermiT over ~35,000 triples, three times


@pytest.fixture(scope="module", autouse=True)
def java() -> str:
    return require_tool("java", "HermiT runs on Java: apt-get install default-jre-headless, as .ci/run does")


@pytest.fixture(scope="module")
def kb(project, built):
    return reasoner_input(project, built)


def test_ontology_and_data_are_consistent(kb):
    assert len(kb) > 5000
    assert consistent(kb)


def with_triple(kb: Graph, triple) -> Graph:
    g = Graph()
    g += kb
    g.add(triple)
    return g


def test_reasoner_detects_a_state_typed_as_a_person(kb):
    assert not consistent(with_triple(kb, (URIRef(ST["BLR"]), RDF.type, MK.Person)))


def test_reasoner_detects_a_meeting_used_as_a_statement(kb):
    # mk:assertedBy has domain mk:Statement, and meetings are disjoint from statements.
    meeting = URIRef("https://w3id.org/minekg/id/meeting/mbt-msp-10")
    assert not consistent(with_triple(kb, (meeting, MK.assertedBy, URIRef(ST["BLR"]))))
