"""Queries that hold (issue 16 item 7): class membership, the actor-to-state roll-up, dates compared by their
bounds, a States Parties' finding counted; and the term allow-list kept out of the build (issue 19).

The fixture (tests/fixtures/holds/: a document and statements over it) is written for these tests and
reports nothing real: the document says so in its first lines.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import Dataset
from rdflib import Graph as RdfGraph
from rdflib.namespace import RDF, RDFS

from minekg.build.assemble import build
from minekg.project import Project
from minekg.query.graph import Graph
from minekg.rdf.namespaces import MK
from tests.seed import copy_tree

ROOT = Path(__file__).resolve().parent.parent

HOLDS = ROOT / "tests" / "fixtures" / "holds"


def code(iri) -> str:
    return str(iri).rsplit("/", 1)[-1]


def rows_of(result) -> list[dict[str, str]]:
    return [{k: ("" if v is None else str(v)) for k, v in row.items()} for row in result.dicts()]


@pytest.fixture(scope="module")
def holds_graph(tmp_path_factory):
    root = copy_tree(tmp_path_factory.mktemp("holds"), ("ontology", "graph_data", "rules", "queries", "validate"))
    for part in ("sources/test-holds.txt", "sources/test-holds.ttl", "statements/test-holds.ttl"):
        shutil.copyfile(HOLDS / part, root / "graph_data" / part)
    out = root / "build"
    build(Project(root), out=out)
    with Graph.open(path=out / "minekg.nq", project=Project(root)) as g:
        yield g


# ------------------------------------------------------------------ 1. class membership


@pytest.fixture(scope="module")
def dataset(built) -> Dataset:
    ds = Dataset()
    ds.parse(built, format="nquads")
    return ds


def _members(ds: Dataset, top) -> tuple[set, set]:
    """Everything typed with a subclass of `top` (at any depth), by the ontology, and everything typed `top`."""
    union = RdfGraph()
    for s, p, o, _g in ds.quads((None, None, None, None)):
        union.add((s, p, o))
    subclasses = set(union.transitive_subjects(RDFS.subClassOf, top)) - {top}
    typed = {s for c in subclasses for s in union.subjects(RDF.type, c)}
    return typed, set(union.subjects(RDF.type, top))


@pytest.mark.parametrize("top", [MK.Statement, MK.Actor], ids=["Statement", "Actor"])
def test_every_subclass_instance_is_a_member_of_the_class(dataset, top):
    typed, members = _members(dataset, top)
    assert typed and members == typed  # every statement (actor) is `a mk:Statement` (mk:Actor), nothing else is


def test_the_seed_states_statements_and_actors_only_by_their_subclasses(project):
    # So the membership the test above sees is the build's rule at work, not the curators' typing.
    data = RdfGraph()
    for folder in (project.reference, project.sources, project.statements):
        for path in folder.glob("*.ttl"):
            data.parse(path, format="turtle")
    assert not set(data.subjects(RDF.type, MK.Statement)) and not set(data.subjects(RDF.type, MK.Actor))


def test_statement_count_by_membership_matches_the_summary(built, dataset):
    import json

    summary = json.loads((built.parent / "summary.json").read_text(encoding="utf-8"))
    _typed, members = _members(dataset, MK.Statement)
    assert len(members) == summary["statements"]


# ------------------------------------------------------------------ 2. actor -> state roll-up


def test_an_allegation_against_a_states_forces_is_one_against_the_state_in_004_018_and_104(holds_graph):
    a004 = rows_of(holds_graph.query("004_allegations", accused="UKR"))
    assert {(code(r["allegation"]), code(r["accused"]), code(r["accusedOf"])) for r in a004} >= {
        ("test-holds-allegation", "test-ukr-forces", "UKR")}
    a018 = rows_of(holds_graph.query("018_mine_use", state="UKR"))
    assert {(code(r["use"]), code(r["account"])) for r in a018} >= {("test-holds-use", "test-holds-allegation")}
    a104 = rows_of(holds_graph.query("104_allegations_against_states_parties", state="UKR"))
    assert {(code(r["allegation"]), code(r["accused"])) for r in a104} >= {("test-holds-allegation", "test-ukr-forces")}


def test_004_by_state_still_lists_the_allegation_against_the_state_itself(holds_graph):
    rows = rows_of(holds_graph.query("004_allegations", accused="UKR", claimantState="RUS"))
    assert {code(r["allegation"]) for r in rows} >= {"news-2025-zakharova-alleges-ukr-use", "test-holds-allegation"}
    assert {code(r["accusedOf"]) for r in rows} == {"UKR"}


# ------------------------------------------------------------------ 3. dates by bounds and precision


def test_021_compares_dates_by_their_bounds(holds_graph):
    rows = rows_of(holds_graph.query("021_conflicting_statements"))
    ours = {frozenset((code(r["first"]), code(r["second"]))) for r in rows
            if r["kind"] == "treaty action dated differently" and code(r["first"]).startswith("test-holds")}
    assert ours == {
        frozenset(("test-holds-step-2005", "test-holds-step-2006-01-03")),
        frozenset(("test-holds-step-2005-12-27", "test-holds-step-2006-01-03")),
    }  # "2005" and "2005-12-27" are the same day told at two precisions: no conflict


# ------------------------------------------------------------------ 4. a States Parties' finding


def test_105_counts_a_missed_deadline_the_states_parties_find(holds_graph):
    rows = rows_of(holds_graph.query("105_stockpile_deadlines_computed", state="UKR"))
    missed = [r for r in rows if r["role"] == "deadline not met"]
    assert {(code(r["statement"]), code(r["asserted_by"]), code(r["document"])) for r in missed} == {
        ("test-holds-deadline", "mbt-states-parties", "test-holds")}
    assert {r["deadline"] for r in rows} == {"2010-06-01"}  # four years after Ukraine's entry into force


# ------------------------------------------------------------------ 6. the term allow-list is not published


def test_the_built_dataset_holds_nothing_only_the_term_allow_list_says(dataset, project):
    allow = RdfGraph().parse(project.ontology / "external_terms.ttl", format="turtle")
    ontology = RdfGraph()
    for path in project.ontology.glob("*.ttl"):
        if path.name != "external_terms.ttl":
            ontology.parse(path, format="turtle")
    only_allowed = {t for t in allow if t not in ontology}
    assert (RDF.type, RDF.type, RDF.Property) in only_allowed
    built = {(s, p, o) for s, p, o, _g in dataset.quads((None, None, None, None))}
    assert only_allowed.isdisjoint(built)
