"""Adding a document cannot break the suite: a new document with statements, added to a copy of the project
as it is now (the live graph_data/, not the frozen seed), builds, validates, passes `minekg check`, and the
competency questions' rows still hold. The document is a synthetic news report written for this test.
"""

from __future__ import annotations

import inspect
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import tests.test_competency as competency
from minekg.build.assemble import build
from minekg.build.validation import validate
from minekg.cli.root import main
from minekg.project import Project
from minekg.query.graph import Graph

ROOT = Path(__file__).resolve().parent.parent
SLUG = "deminers-finish-survey-of-former-training-range"
REPORT = (
    "Deminers finish survey of former training range\n"
    "\n"
    "A clearance team said on Monday that it had found 42 antipersonnel mines buried on a former army training "
    "range outside the city.\n"
    "The team leader said the mines had been destroyed where they lay and that the survey of the range was now "
    "complete.\n"
)
STATEMENTS = f"""@prefix mk:    <https://w3id.org/minekg/ontology#> .
@prefix rdfs:  <http://www.w3.org/2000/01/rdf-schema#> .
@prefix st:    <https://w3id.org/minekg/id/state/> .
@prefix ag:    <https://w3id.org/minekg/id/agent/> .
@prefix place: <https://w3id.org/minekg/id/place/> .
@prefix mt:    <https://w3id.org/minekg/id/minetype/> .
@prefix doc:   <https://w3id.org/minekg/id/document/> .
@prefix s:     <https://w3id.org/minekg/id/statement/> .

# Synthetic news report written for tests/test_new_document.py.

ag:{SLUG}-team a mk:NonGovernmentalOrganisation ; rdfs:label "clearance team of the synthetic report"@en .
place:{SLUG}-range a mk:Place ; rdfs:label "Oslo Region"@en ; mk:locatedIn st:NOR .

s:{SLUG}-find a mk:MineFind ;
    mk:mineType mt:antipersonnel ; mk:place place:{SLUG}-range ;
    mk:quantity [ a mk:Quantity ; mk:value 42 ; mk:qualifier mk:Exact ] ;
    mk:assertedBy ag:{SLUG}-team ;
    mk:evidence [ mk:source doc:{SLUG} ;
        mk:quote "it had found 42 antipersonnel mines buried on a former army training range outside the city" ] .
"""


def cli(tree: Path, *args: str):
    return CliRunner().invoke(main, list(args), env={"MINEKG_ROOT": str(tree)})


@pytest.fixture(scope="module")
def grown(tmp_path_factory) -> Path:
    """A copy of the repository's live data tree with the synthetic report added as a curator would."""
    tree = tmp_path_factory.mktemp("grown")
    for name in ("ontology", "graph_data", "rules", "queries", "validate"):
        shutil.copytree(ROOT / name, tree / name)
    (tree / "report.txt").write_text(REPORT, encoding="utf-8")
    added = cli(tree, "add-source", str(tree / "report.txt"), "--type", "news-report",
                "--title", "Deminers finish survey of former training range", "--publisher-unknown",
                "--date", "2025-06")
    assert added.exit_code == 0, added.output
    (tree / "added.txt").write_text(added.output, encoding="utf-8")  # which file the text became
    (tree / "graph_data" / "statements" / f"{SLUG}.ttl").write_text(STATEMENTS, encoding="utf-8")
    return tree


def test_the_check_reports_the_new_document_only(grown):
    result = cli(grown, "check", SLUG)
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith(f"check doc:{SLUG}: graph_data/sources/sources.ttl, graph_data/statements/{SLUG}.ttl\n")
    assert "; 1 statements cite this document\n" in out
    assert (f"  graph_data/sources/sources.ttl: doc:{SLUG} dcterms:publisher: publisher unknown [publisher]"
            in out)
    assert "doc:russia-2012" not in out and "doc:news-2025" not in out  # other documents' findings left out
    assert (f"  graph_data/statements/{SLUG}.ttl:13: place:{SLUG}-range \"Oslo Region\" nearly repeats the label "
            "of place:oslo \"Oslo\": the same thing? reuse it, or tell them apart in the label") in out
    assert "coverage: 1 of 3 sentences covered (33.3%), 0 excluded, 0 partly covered" in out
    assert "  uncovered [" in out and "The team leader said" in out
    assert out.rstrip().endswith(f"doc:{SLUG} conforms: 0 violations, 2 warnings")


def test_the_grown_project_builds_validates_and_answers_the_competency_questions(grown, tmp_path):
    project = Project(grown)
    summary = build(project, out=tmp_path / "build")
    assert summary["statements_by_document"][f"doc:{SLUG}"] == 1
    report = validate(project)
    assert report.violations == []
    with Graph.open(path=tmp_path / "build" / "minekg.nq", project=project) as graph:
        ran = 0
        for name, test in inspect.getmembers(competency, inspect.isfunction):
            if not name.startswith("test_"):
                continue
            marks = getattr(test, "pytestmark", [])
            cases = [m.args for m in marks if m.name == "parametrize"]
            if cases:
                names, rows = cases[0]
                for row in rows:
                    test(graph, **dict(zip([n.strip() for n in names.split(",")], row, strict=True)))
            else:
                assert list(inspect.signature(test).parameters) == ["graph"], name
                test(graph)
            ran += 1
        assert ran >= 20


def test_a_broken_quote_in_the_new_document_fails_its_check(grown, tmp_path):
    tree = tmp_path / "broken"
    shutil.copytree(grown, tree)
    path = tree / "graph_data" / "statements" / f"{SLUG}.ttl"
    path.write_text(path.read_text(encoding="utf-8").replace("found 42", "found 24"), encoding="utf-8")
    result = cli(tree, "check", SLUG)
    assert result.exit_code == 1, result.output
    text_file = next(line.split()[2] for line in (grown / "added.txt").read_text(encoding="utf-8").splitlines()
                     if line.startswith("added "))
    assert (f"  graph_data/statements/{SLUG}.ttl: s:{SLUG}-find mk:evidence: quote not found in "
            f"{text_file}: ") in result.output
    assert "first difference at character 14 of the quote, which has \"2\" (U+0032) where the text has \"4\"" \
        in result.output
    assert result.output.rstrip().endswith("does not conform: 1 violations, 2 warnings")


def test_an_unknown_slug_is_a_one_line_error(project):
    result = cli(project.root, "check", "no-such-document")
    assert result.exit_code == 2
    assert result.stderr == ("minekg: error: no-such-document: no document doc:no-such-document is described in "
                             "graph_data/sources/ (add it with `minekg add-source`)\n")
