"""The library behind the curation page (minekg/curation/review.py, canonical.py, rejections.py): the
canonical Turtle layout, safe writes (stale, invalid) and the drafter's memory of rejected candidates.
The page itself, in Chromium, is tests/test_curate_browser.py."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic

from minekg.curation import canonical, compose, draft, review, review_writes
from minekg.project import Project
from minekg.rdf.namespaces import MK

from .seed import SEED_DATA
from .test_curate_browser import ABROAD, MON, PARTY, SLUG, add_sources

SEED = sorted((SEED_DATA / "statements").glob("*.ttl"))


@pytest.mark.parametrize("path", SEED, ids=[p.stem for p in SEED])
def test_canonical_layout_is_stable_and_lossless(path):
    """parse -> write -> parse -> write gives the same bytes and the same graph as the hand-written file."""
    g = Graph().parse(path, format="turtle")
    first = canonical.serialize(g, "# header")
    again = Graph().parse(data=first, format="turtle")
    assert isomorphic(g, again)
    assert canonical.serialize(again, "# header") == first


def test_canonical_layout_ignores_the_order_triples_come_in():
    g = Graph().parse(SEED_DATA / "statements/belarus-2022.ttl", format="turtle")
    triples = sorted(g, key=str)
    random.Random(7).shuffle(triples)
    shuffled = Graph()
    for t in triples:
        shuffled.add(t)
    assert canonical.serialize(shuffled) == canonical.serialize(g)
    text = canonical.serialize(g)
    # one block per subject, type first, evidence last, nested
    block = text.split("\ns:belarus-2022-accession\n", 1)[1].split(" .\n", 1)[0]
    lines = block.splitlines()
    assert lines[0] == "    a mk:TreatyAction ;" and lines[-1] == "    ]"
    assert "    mk:evidence [" in lines


@pytest.fixture()
def own(fixture_tree) -> Project:
    add_sources(fixture_tree)
    return Project(fixture_tree)


def test_accept_writes_the_curated_form_checked(own):
    f = review.files(own, SLUG)
    done = review_writes.accept(own, SLUG, PARTY, {}, "absent")
    text = f.statements.read_text(encoding="utf-8")
    assert done["digest"] == review.digest(f.statements) and done["coverage"]["covered"] == 1
    g = Graph().parse(data=text, format="turtle")
    assert (URIRef(PARTY), MK.status, MK.StatusParty) in g
    assert not set(g.predicates()) & (review.DRAFT_ONLY | review.RECORDED_BY_BUILD)
    assert canonical.serialize(g, review_writes.header(f)) == text  # written in the canonical layout


def test_stale_or_invalid_saves_leave_the_file_as_it_was(own):
    f = review.files(own, SLUG)
    review_writes.accept(own, SLUG, PARTY, {}, "absent")
    before = f.statements.read_bytes()
    with pytest.raises(review.Stale, match="changed since this page was loaded"):
        review_writes.accept(own, SLUG, MON, {"mk:mineType": "mt:PMN"}, "absent")  # the page saw no file
    with pytest.raises(review.Invalid, match="proposed"):
        review_writes.accept(own, SLUG, MON, {}, review.digest(f.statements))
    with pytest.raises(review.Invalid) as e:  # a state the ISO table does not know: the build fails
        review_writes.accept(own, SLUG, MON, {"mk:actor": "st:XXX", "mk:mineType": "mt:PMN"},
                             review.digest(f.statements))
    assert "XXX" in e.value.problems[0].message
    assert f.statements.read_bytes() == before


def test_a_rejected_candidate_is_not_drafted_again(own):
    assert ABROAD in {str(s) for s in draft(own, SLUG).subjects(MK.draftRule, None)}
    f = review.files(own, SLUG)
    review_writes.reject(own, SLUG, ABROAD, "of forces abroad", review.digest(f.rejections))
    assert ABROAD not in {str(s) for s in draft(own, SLUG).subjects(MK.draftRule, None)}
    with pytest.raises(review.Stale):
        review_writes.reject(own, SLUG, PARTY, "again", "absent")


def test_exclusion_is_appended_as_yaml_coverage_reads(own):
    from minekg.build.coverage import load_exclusions

    f = review.files(own, SLUG)
    review_writes.exclude(own, SLUG, 54, 'Heading "status".', review.digest(f.exclusions))
    assert load_exclusions(own, f.stem) == [{"sentence": "Mine Ban Treaty status", "reason": 'Heading "status".'}]
    with pytest.raises(review.MinekgError, match="no sentence"):
        review_writes.exclude(own, SLUG, 55, "x", review.digest(f.exclusions))


def test_curate_is_refused_with_a_remote_endpoint():
    cmd = [str(Path(sys.executable).with_name("minekg")), "serve", "--curate", "--endpoint", "http://127.0.0.1:9/q"]
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    assert run.returncode == 2 and run.stdout == ""
    assert run.stderr.startswith("minekg: error: --curate:") and run.stderr.count("\n") == 1


def test_a_statement_marked_above_the_profile_is_not_shown(own):
    review_writes.accept(own, SLUG, PARTY, {}, "absent")
    f = review.files(own, SLUG)
    shown = {i["iri"] for row in review.view(own, SLUG)["sentences"] for i in row["items"]}
    assert PARTY in shown
    marked = f.statements.read_text(encoding="utf-8").replace(
        "    mk:status mk:StatusParty", "    mk:marking mk:TLP_AMBER ;\n    mk:status mk:StatusParty")
    f.statements.write_text(marked, encoding="utf-8")
    shown = {i["iri"] for row in review.view(own, SLUG)["sentences"] for i in row["items"]}
    assert PARTY not in shown
    shown = {i["iri"] for row in review.view(own, SLUG, profile="AMBER")["sentences"] for i in row["items"]}
    assert PARTY in shown


def test_new_statement_kinds_and_fields_come_from_ontology_and_shapes(own):
    kinds = compose.kinds(own)
    assert "mk:TreatyStatus" in kinds and "mk:SpeechAct" not in kinds  # not the abstract kind
    allegation = {f["key"]: f for f in kinds["mk:Allegation"]["fields"]}  # a speech act asks for its content
    assert kinds["mk:Allegation"]["speechAct"] and allegation["mk:content"]["widget"] == "content"
    assert allegation["mk:content"]["required"] and not kinds["mk:TreatyStatus"]["speechAct"]
    fields = {f["key"]: f for f in kinds["mk:TreatyStatus"]["fields"]}
    assert sorted(k for k, f in fields.items() if f["required"]) == [
        "mk:actor", "mk:assertedBy", "mk:instrument", "mk:status"]
    assert "mk:StatusNotParty" in fields["mk:status"]["choices"] and fields["mk:asOf"]["widget"] == "date"
    assert {f["key"]: f["widget"] for f in kinds["mk:StockpileFigure"]["fields"]}["mk:quantity"] == "quantity"
    report_count = next(f for f in kinds["mk:TransparencyReport"]["fields"] if f["key"] == "mk:reportCount")
    assert report_count["datatype"] == "http://www.w3.org/2001/XMLSchema#nonNegativeInteger"  # as the shape says
    assert not {"mk:draftRule", "mk:content", "mk:part", "mk:evidence"} & set(fields)
    assert fields["mk:period"]["widget"] == "interval" and fields["skos:editorialNote"]["widget"] == "text"


def test_new_statement_is_checked_and_its_iri_never_collides(own):
    f = review.files(own, SLUG)
    values = {"mk:actor": "st:MNG", "mk:assertedBy": "ag:monitor", "mk:instrument": "instr:ccm",
              "mk:status": "mk:StatusNotParty"}
    with pytest.raises(review.Invalid, match="found 15 times"):
        compose.create(own, SLUG, "mk:TreatyStatus", 648, "Mongolia", values, None, "absent")
    with pytest.raises(review.Invalid, match="mk:status: required"):
        compose.create(own, SLUG, "mk:TreatyStatus", 648, None, {**values, "mk:status": ""}, None, "absent")
    assert not f.statements.exists()
    first = compose.create(own, SLUG, "mk:TreatyStatus", 648, None, values, None, "absent")
    assert first["statement"] == f"s:{SLUG}-new-000648-treaty-status" and first["coverage"]["covered"] == 1
    second = compose.create(own, SLUG, "mk:TreatyStatus", 648, "not party to the Convention on Cluster Munitions",
                            values, None, review.digest(f.statements))
    assert second["statement"] == f"s:{SLUG}-new-000648-treaty-status-2"
    g = Graph().parse(f.statements)
    quotes = sorted(str(q) for q in g.objects(None, MK.quote))
    assert quotes == ["Mongolia is not party to the Convention on Cluster Munitions.",
                      "not party to the Convention on Cluster Munitions"]
