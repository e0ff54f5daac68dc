"""`minekg carry` and `minekg diff`: a profile's next edition, made here from a seed text by known edits
(a figure and a date changed, a sentence removed, one added, the "last updated" date moved), must give
back exactly those edits; and query 110 must find them in the built graph."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from minekg.build import evidence
from minekg.build.assemble import assemble, build
from minekg.curation.carry import carry
from minekg.curation.diff import diff
from minekg.curation.editions import document, statements_graph, statements_of
from minekg.project import Project
from minekg.query.graph import Graph as MinekgGraph
from minekg.rdf.namespaces import MK
from tests.draft_support import candidate_violations

ROOT = Path(__file__).resolve().parent.parent
S = "https://w3id.org/minekg/id/statement/"
OLD, NEW = "kazakhstan-2019", "test-kazakhstan-2020"
ADDED = "Kazakhstan has not provided a voluntary transparency report."
REMOVED = " Kazakhstan is also not party to the Convention on Cluster Munitions."
# (old text, new text): the edition's edits to the seed text, each of a passage found once in it.
EDITS = [
    ("Last updated: 18 December 2019", "Last updated: 17 December 2020"),
    ("On 5 December 2018, Kazakhstan voted", "On 7 December 2018, Kazakhstan voted"),  # a date
    ("between 800,000 and one million", "between 750,000 and one million"),  # a figure
    (REMOVED, ""),
    ("in place since 1997.[4]", f"in place since 1997.[4] {ADDED}"),
]
CHANGED = {  # the old statement -> (field, old value, new value) its edited quote feeds
    f"{S}{OLD}-vote-73-61": ("mk:date", "2018-12-05", "2018-12-07"),
    f"{S}{OLD}-stockpile-1998-estimate": ("mk:quantity/mk:minValue", "800000", "750000"),
}
GONE = f"{S}{OLD}-ccm-not-party"
# What a curator adds for the new sentence (the test's own statement of the test's own text).
HAND = f"""
@prefix mk: <https://w3id.org/minekg/ontology#> .
@prefix st: <https://w3id.org/minekg/id/state/> .
@prefix ag: <https://w3id.org/minekg/id/agent/> .
@prefix instr: <https://w3id.org/minekg/id/instrument/> .
@prefix doc: <https://w3id.org/minekg/id/document/> .
@prefix s: <{S}> .
s:{NEW}-no-voluntary-report a mk:TransparencyReport ;
    mk:actor st:KAZ ; mk:instrument instr:mbt ; mk:negated true ; mk:assertedBy ag:monitor ;
    mk:evidence [ mk:source doc:{NEW} ; mk:quote "{ADDED}" ] .
"""
DRAFT_ONLY = (MK.draftRule, MK.draftConfidence, MK.carryStatus, MK.carryChange)


def _edition(base: Path) -> Project:
    """A copy of the project with the next edition of the Kazakhstan profile added as a source."""
    for name in ("ontology", "graph_data", "rules", "queries", "validate"):
        shutil.copytree(ROOT / name, base / name)
    text = (base / "graph_data/sources/003_6e55b677930c3a7a.txt").read_text(encoding="utf-8")
    for old, new in EDITS:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path = base / "graph_data/sources/900_test_kazakhstan_2020.txt"
    path.write_bytes(text.encode("utf-8"))
    with open(base / "graph_data/sources/sources.ttl", "a", encoding="utf-8") as f:
        f.write(f"""
doc:{NEW} a mk:CountryProfile ;
    dcterms:title "Kazakhstan: Mine Ban Policy (test edition)"@en ;
    dcterms:publisher ag:monitor ;
    mk:lastUpdated "2020-12-17"^^xsd:date ;
    mk:aboutActor st:KAZ ;
    mk:sourceFile "sources/900_test_kazakhstan_2020.txt" ;
    mk:sha256 "{hashlib.sha256(path.read_bytes()).hexdigest()}" .
""")
    return Project(base)


def _curate(project: Project, keep_links: bool = True) -> None:
    """What a curator does with the carried draft: keep every candidate, drop the drafting marks, add a
    statement for the new sentence, and save it as the new edition's statements file."""
    g = Graph().parse(project.graph_data / "drafts" / f"{NEW}.ttl")
    for p in DRAFT_ONLY + (() if keep_links else (MK.carriedFrom,)):
        g.remove((None, p, None))
    g.parse(data=HAND, format="turtle")
    g.serialize(project.statements / f"{NEW}.ttl", format="turtle")


def _cli(root: Path, *args: str, seed: str = "0") -> subprocess.CompletedProcess:
    env = {**os.environ, "MINEKG_ROOT": str(root), "PYTHONHASHSEED": seed}
    command = [sys.executable, "-c", "from minekg.cli.root import main; main()", *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, cwd=root)


@pytest.fixture(scope="module")
def edition(tmp_path_factory) -> Project:
    """The edition, carried by the command line (the draft written) and curated."""
    project = _edition(tmp_path_factory.mktemp("edition"))
    r = _cli(project.root, "carry", OLD, NEW)
    assert r.returncode == 0, r.stderr
    _curate(project)
    return project


@pytest.fixture(scope="module")
def old_count(project) -> int:
    return len(statements_of(statements_graph(project), document(project, OLD)))


def test_carry_reports_exactly_the_edits(edition, old_count):
    report = carry(edition, OLD, NEW)
    changed = {str(c.old): c for c in report.carried if c.status == "changed"}
    assert set(changed) == set(CHANGED)
    for old, (field, before, after) in CHANGED.items():
        fields = {(f.field, f.old, f.new) for f in changed[old].fields if f.field != "mk:summary"}
        assert fields == {(field, before, after)}, old
    assert [str(g.old) for g in report.gone] == [GONE]
    assert report.count("unchanged") == old_count - len(CHANGED) - 1
    assert [s.text for s in report.new_sentences] == [ADDED]
    j = report.to_json()
    assert j["counts"] == {"unchanged": old_count - 3, "changed": 2, "gone": 1, "new_sentences": 1}
    assert {w["old"]: w["new"] for c in j["changed"] for w in c["words"]} == {"5": "7", "800,000": "750,000"}


def test_carried_candidates_are_anchored_in_the_new_text(edition, old_count):
    text = (edition.sources / "900_test_kazakhstan_2020.txt").read_text(encoding="utf-8")
    g = Graph().parse(edition.graph_data / "drafts" / f"{NEW}.ttl")
    carried = sorted(g.subjects(MK.carriedFrom, None))
    statuses = {str(g.value(s, MK.carryStatus)) for s in carried if (s, MK.evidence, None) in g}
    assert statuses == {"unchanged", "changed"}
    assert len([s for s in carried if (s, MK.evidence, None) in g]) == old_count - 1
    for s in carried:
        assert str(s).startswith(f"{S}{NEW}-"), s  # the IRI derives from the new slug
        for ev in g.objects(s, MK.evidence):
            quote, prefix = str(g.value(ev, MK.quote)), g.value(ev, MK.quotePrefix)
            assert g.value(ev, MK.source) == URIRef(f"https://w3id.org/minekg/id/document/{NEW}")
            hits = evidence.locate(text, quote, prefix and str(prefix), None)
            assert hits == [int(g.value(ev, MK.startOffset))], quote
            assert int(g.value(ev, MK.endOffset)) == hits[0] + len(quote)
    vote = URIRef(f"{S}{NEW}-vote-73-61")
    assert str(g.value(vote, MK.date)) == "2018-12-07" and str(g.value(vote, MK.draftRule)) == "carry:changed"


def test_carried_candidates_pass_the_statement_shapes(edition):
    """As drafts do (tests/test_draft.py): the candidates, read with the ontology and what they point at."""
    g = carry(edition, OLD, NEW).graph
    assert candidate_violations(edition, assemble(edition, derive=False), g) == []


def test_carry_is_byte_identical_and_leaves_statements_alone(tmp_path):
    project = _edition(tmp_path)
    before = {p.name: p.read_bytes() for p in project.statements.glob("*.ttl")}
    first = _cli(project.root, "carry", OLD, NEW, "--format", "json", seed="1")
    assert first.returncode == 0, first.stderr
    draft = (project.graph_data / "drafts" / f"{NEW}.ttl").read_bytes()
    second = _cli(project.root, "carry", OLD, NEW, "--format", "json", seed="2")
    assert second.stdout == first.stdout and (project.graph_data / "drafts" / f"{NEW}.ttl").read_bytes() == draft
    assert json.loads(first.stdout)["counts"]["gone"] == 1
    assert {p.name: p.read_bytes() for p in project.statements.glob("*.ttl")} == before


@pytest.mark.parametrize("args, message", [
    (("carry", "no-such-doc", NEW), "doc:no-such-doc: no such document"),
    (("carry", OLD, "no-such-doc"), "doc:no-such-doc: no such document"),
    (("carry", NEW, OLD), f"doc:{NEW}: no statement in graph_data/statements/ has evidence in it"),
    (("carry", OLD, OLD), f"doc:{OLD}: the new edition must be another document"),
    (("diff", OLD, "no-such-doc"), "doc:no-such-doc: no such document"),
    (("diff", OLD, NEW), f"doc:{NEW}: no statement in graph_data/statements/ has evidence in it"),
])
def test_bad_input_is_a_one_line_error(tmp_path, args, message):
    project = _edition(tmp_path)
    r = _cli(project.root, *args)
    assert r.returncode == 2, r.stderr
    assert r.stderr.startswith(f"minekg: error: {message}") and r.stderr.count("\n") == 1, r.stderr
    assert not (project.graph_data / "drafts").exists()


def _diff_summary(report) -> tuple:
    changed = {str(e.old): {(f.field, f.old, f.new) for f in e.fields} for e in report.of("changed")}
    return (report.unchanged, changed, [str(e.old) for e in report.of("removed")],
            [str(e.new) for e in report.of("added")])


def test_diff_reports_exactly_the_edits(edition, old_count):
    report = diff(edition, OLD, NEW)
    unchanged, changed, removed, added = _diff_summary(report)
    assert changed == {old: {fields} for old, fields in CHANGED.items()}
    assert removed == [GONE] and added == [f"{S}{NEW}-no-voluntary-report"]
    assert unchanged == old_count - 3  # the moved as-of dates are each edition's own: restated, not changed
    vote = next(e for e in report.of("changed") if str(e.old) == f"{S}{OLD}-vote-73-61")
    assert any("On 5 December 2018" in q for q in vote.old_quotes)
    assert any("On 7 December 2018" in q for q in vote.new_quotes)


def test_diff_pairs_by_kind_actor_and_fields_without_links(tmp_path, edition):
    project = _edition(tmp_path)
    shutil.copytree(edition.graph_data / "drafts", project.graph_data / "drafts")
    _curate(project, keep_links=False)
    assert _diff_summary(diff(project, OLD, NEW)) == _diff_summary(diff(edition, OLD, NEW))


def test_diff_cli_formats_are_stable(edition):
    outputs = {}
    for fmt in ("table", "json", "csv"):
        first = _cli(edition.root, "diff", OLD, NEW, "--format", fmt, seed="1")
        second = _cli(edition.root, "diff", OLD, NEW, "--format", fmt, seed="2")
        assert first.returncode == 0, first.stderr
        assert first.stdout == second.stdout
        outputs[fmt] = first.stdout
    rows = list(csv.DictReader(io.StringIO(outputs["csv"])))
    assert {(r["change"], r["field"], r["old_value"], r["new_value"]) for r in rows if r["change"] == "changed"} \
        == {("changed", *v) for v in CHANGED.values()}
    assert all(r["old_quote"] or r["new_quote"] for r in rows)
    assert json.loads(outputs["json"])["counts"]["removed"] == 1


def _quote_sets(row: dict) -> dict:
    return {k: frozenset(v.split(" | ")) if k in ("quote", "old_quote") and v else v for k, v in row.items()}


def test_query_110_finds_the_edits_in_the_built_graph(edition, tmp_path):
    build(edition, out=tmp_path / "build")
    answers = []
    for store in ("oxigraph", "memory"):  # the seed graph has no edition, so test_backends compares empty answers
        with MinekgGraph.open(store=store, path=tmp_path / "build" / "minekg.nq", project=edition) as g:
            answers.append(g.query("110_profile_changes_between_editions", state="KAZ", old_document=f"doc:{OLD}",
                                   new_document=f"doc:{NEW}").dicts())
    rows = answers[0]
    # (GROUP_CONCAT's order is each engine's own: the quotes are compared as sets)
    assert [_quote_sets(r) for r in answers[1]] == [_quote_sets(r) for r in rows]
    mk = "https://w3id.org/minekg/ontology#"
    changed = {(r["old_statement"], r["field"], r["old_value"], r["new_value"])
               for r in rows if r["change"] == "changed"}
    assert changed == {
        (f"{S}{OLD}-vote-73-61", f"{mk}date", "2018-12-05", "2018-12-07"),
        (f"{S}{OLD}-stockpile-1998-estimate", f"{mk}quantity / {mk}minValue", "800000", "750000"),
    }
    assert [r["old_statement"] for r in rows if r["change"] == "gone"] == [GONE]
    assert [r["statement"] for r in rows if r["change"] == "new"] == [f"{S}{NEW}-no-voluntary-report"]
    for r in rows:  # evidence on every row: the quote of each side it has
        assert (r["old_statement"] is None or r["old_quote"]) and (r["statement"] is None or r["quote"]), r
