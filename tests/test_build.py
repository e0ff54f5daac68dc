"""The build: one checked dataset from the curated files, deterministic, and one-line errors on bad input."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Dataset, Literal, URIRef

from minekg.build import build
from minekg.cli import main
from minekg.namespaces import MK
from minekg.project import Project

ROOT = Path(__file__).resolve().parent.parent
BELARUS = "graph_data/statements/belarus-2022.ttl"


def run_cli(tree: Path, *args: str):
    return CliRunner().invoke(main, list(args), env={"MINEKG_ROOT": str(tree)}, catch_exceptions=False)


def built_ok(tree: Path):
    result = run_cli(tree, "build")
    assert result.exit_code == 0, result.output
    return (tree / "build" / "minekg.nq").read_bytes()


def edit(tree: Path, rel: str, old: str, new: str) -> None:
    path = tree / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {rel}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def one_line_error(result, *fragments: str) -> str:
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert lines[0].startswith("minekg: error: ") and "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


def test_every_quote_has_offsets_that_point_at_it(built, project):
    ds = Dataset(default_union=True)
    ds.parse(built, format="nquads")
    files = {}
    for doc, rel in ds.subject_objects(MK.sourceFile):
        files[doc] = (project.graph_data / str(rel)).read_text(encoding="utf-8")
    checked = 0
    for ev, quote in ds.subject_objects(MK.quote):
        text = files[ds.value(ev, MK.source)]
        start, end = int(ds.value(ev, MK.startOffset)), int(ds.value(ev, MK.endOffset))
        assert text[start:end] == str(quote)
        checked += 1
    assert checked > 300
    # every statement of a curated document has evidence, directly or through a speech act about it
    assert not list(ds.query("""
        PREFIX mk: <https://w3id.org/minekg/ontology#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?s WHERE { ?s a ?k . ?k rdfs:subClassOf* mk:Statement .
          FILTER NOT EXISTS { ?s mk:evidence ?e } FILTER NOT EXISTS { ?a mk:content ?s } }"""))


def test_summary_counts_statements_by_kind_and_document(built):
    summary = json.loads((built.parent / "summary.json").read_text(encoding="utf-8"))
    assert summary["statements"] == sum(summary["statements_by_kind"].values())
    assert summary["statements_by_kind"]["Allegation"] >= 15
    for doc in ("doc:belarus-2022", "doc:russia-2012", "doc:armenia-2023", "doc:kazakhstan-2019",
                "doc:news-2025-russia-ukraine-landmines"):
        assert summary["statements_by_document"][doc] > 10


def test_states_come_from_iso_3166(built):
    ds = Dataset(default_union=True)
    ds.parse(built, format="nquads")
    blr = URIRef("https://w3id.org/minekg/id/state/BLR")
    assert ds.value(blr, MK.isoAlpha2) == Literal("BY")
    assert str(ds.value(URIRef("https://w3id.org/minekg/id/state/SUN"), MK.isoAlpha3)) == "SUN"


def test_two_builds_are_byte_identical(tmp_path, project):
    a, b = tmp_path / "a", tmp_path / "b"
    build(project, out=a)
    build(project, out=b)
    assert (a / "minekg.nq").read_bytes() == (b / "minekg.nq").read_bytes()
    assert (a / "summary.json").read_bytes() == (b / "summary.json").read_bytes()


def test_broken_quote_names_statement_file_and_closest_passage(fixture_tree):
    before = built_ok(fixture_tree)
    edit(fixture_tree, BELARUS, "acceded to the Mine Ban Treaty on 3 September 2003",
         "acceded to the Mine Ban Treaty on 4 September 2003")
    line = one_line_error(run_cli(fixture_tree, "build"), BELARUS, "s:belarus-2022-accession",
                          "quote not found in graph_data/sources/001_468ac05468c00f4e.txt", "closest passage")
    assert "on 3 September 2003" in line.split("closest passage")[1]
    assert (fixture_tree / "build" / "minekg.nq").read_bytes() == before, "build/ must be left as it was"


def test_ambiguous_quote_asks_for_a_prefix_or_suffix(fixture_tree):
    edit(fixture_tree, BELARUS,
         'mk:quote "The Republic of Belarus acceded to the Mine Ban Treaty on 3 September 2003"',
         'mk:quote "Belarus"')
    one_line_error(run_cli(fixture_tree, "build"), BELARUS, "s:belarus-2022-accession", "times in",
                   "mk:quotePrefix")


def test_prefix_disambiguates_a_repeated_quote(fixture_tree):
    edit(fixture_tree, BELARUS,
         'mk:quote "The Republic of Belarus acceded to the Mine Ban Treaty on 3 September 2003"',
         'mk:quotePrefix "The Republic of " ; mk:quote "Belarus" ; mk:quoteSuffix " acceded"')
    built_ok(fixture_tree)


def test_typo_in_predicate_is_an_error_not_a_new_term(fixture_tree):
    edit(fixture_tree, BELARUS, "mk:actionType mk:Accession", "mk:actiontype mk:Accession")
    line = one_line_error(run_cli(fixture_tree, "build"), "unknown term mk:actiontype", BELARUS)
    assert re.search(r"belarus-2022\.ttl:\d+:", line)


def test_typo_in_class_and_in_reference_are_errors(fixture_tree):
    edit(fixture_tree, BELARUS, "s:belarus-2022-accession a mk:TreatyAction",
         "s:belarus-2022-accession a mk:TreatyActoin")
    one_line_error(run_cli(fixture_tree, "build"), "unknown class mk:TreatyActoin")


def test_dangling_reference_is_an_error(fixture_tree):
    edit(fixture_tree, BELARUS, "mk:instrument instr:mbt ; mk:actionType mk:Accession",
         "mk:instrument instr:mtb ; mk:actionType mk:Accession")
    one_line_error(run_cli(fixture_tree, "build"), "instr:mtb is used but never defined")


def test_unknown_iso_code_is_an_error(fixture_tree):
    edit(fixture_tree, BELARUS, "mk:actor st:BLR ; mk:instrument instr:mbt ; mk:actionType mk:Accession",
         "mk:actor st:BLX ; mk:instrument instr:mbt ; mk:actionType mk:Accession")
    one_line_error(run_cli(fixture_tree, "build"), "st:BLX is not an ISO 3166 alpha-3 code")


def test_turtle_syntax_error_names_file_and_line(fixture_tree):
    path = fixture_tree / BELARUS
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    n = next(i for i, line in enumerate(lines) if line.startswith("s:belarus-2022-accession"))
    lines[n] = lines[n].replace(" a mk:TreatyAction", " a mk:TreatyAction ]")
    path.write_text("".join(lines), encoding="utf-8")
    one_line_error(run_cli(fixture_tree, "build"), f"{BELARUS}:{n + 1}: Turtle syntax error")


def test_incompatible_types_are_an_error(fixture_tree):
    with (fixture_tree / BELARUS).open("a", encoding="utf-8") as f:
        # in the file that describes it: described in a second file, it would be refused for that first
        f.write("\ns:belarus-2022-accession a mk:Person .\n")
    one_line_error(run_cli(fixture_tree, "build"), "s:belarus-2022-accession is given incompatible types",
                   "disjoint")


def test_missing_source_file_is_an_error(fixture_tree):
    (fixture_tree / "graph_data/sources/003_6e55b677930c3a7a.txt").unlink()
    one_line_error(run_cli(fixture_tree, "build"), "source file graph_data/sources/003_6e55b677930c3a7a.txt",
                   "not found")


def test_edited_source_fails_its_checksum(fixture_tree):
    path = fixture_tree / "graph_data/sources/003_6e55b677930c3a7a.txt"
    path.write_text(path.read_text(encoding="utf-8") + " ", encoding="utf-8")
    one_line_error(run_cli(fixture_tree, "build"), "SHA-256", "must not be edited")


def test_wrong_encoding_is_an_error(fixture_tree):
    path = fixture_tree / BELARUS
    path.write_bytes(path.read_bytes().replace(b"Belarus", "Belarus\xe9".encode("latin-1"), 1))
    one_line_error(run_cli(fixture_tree, "build"), BELARUS, "not valid UTF-8")


def test_console_script_is_installed_and_runs():
    exe = Path(sys.executable).parent / "minekg"
    out = subprocess.run([str(exe), "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.startswith("minekg, version ")


@pytest.fixture()
def tree_project(fixture_tree) -> Project:
    return Project(fixture_tree)
