"""Every query file parses, has a complete header, and returns its evidence (or a link to it) with each row."""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest
from rdflib.plugins.sparql import prepareQuery

from minekg.project import Project
from minekg.query import catalogue as named

CATALOG = named.catalog(Project.default())
# A row carries its evidence (document, quote) or the statement it is about, whose evidence 019 and 202 list.
EVIDENCE_COLUMNS = {"document", "evidence", "statement", "basis", "allegation", "denial", "assessment", "use",
                    "deadlineStatement", "first", "claim"}


def test_catalog_holds_the_competency_questions():
    numbers = {q.number for q in CATALOG}
    assert {f"{n:03d}" for n in range(1, 22)} <= numbers


@pytest.mark.parametrize("query", CATALOG, ids=lambda q: q.name)
def test_query_file_header_and_syntax(query):
    assert re.fullmatch(r"\d{3}_[a-z0-9_]+", query.name)
    assert query.summary and query.description and query.tags, "header needs summary, description and tags"
    for p in query.params:
        assert p.type in named.PARAM_TYPES and p.description
        if p.default is not None:
            named.to_term(p, p.default)  # a default must be a valid value of its type
    text = named.bind(query, {})
    prepareQuery(text)  # rdflib's parser
    ox.Store().query(text)  # Oxigraph's parser (and an empty run)


@pytest.mark.parametrize("query", [q for q in CATALOG if q.form == "SELECT"], ids=lambda q: q.name)
def test_select_rows_carry_evidence(query, graph):
    result = graph.query(query.name)
    assert set(result.variables) & EVIDENCE_COLUMNS, f"{query.name} returns no evidence column"
