"""The fast one-document check (minekg/curation/check_fast.py) gives the findings the full validation gives
about the document: on every seed document, and on a synthetic document with violations written for this
test; it rebuilds only the document's files when only they changed, and the whole cache when anything else
did."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from minekg.build import assemble as building
from minekg.build import assembled
from minekg.build.validation import validate
from minekg.cli.root import main
from minekg.curation import check_cache
from minekg.curation.check import _concerned, _original_unchanged, _statement_files, check
from minekg.curation.check_fast import fast_check
from minekg.project import Project
from minekg.rdf.namespaces import MK, shorten

SLUG = "fast-check-profile"
# A country-profile-style sentence written for this test (no third-party text).
TEXT = ("Mine Action Review. Country profile: Testland\n\n"
        "In 2021, the Ministry of Defence of Armenia stated that Armenia had laid mines near the border, "
        "and that a stockpile of -5 antipersonnel mines remained.\n")
STATEMENTS = f"""@prefix mk:  <https://w3id.org/minekg/ontology#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix st:  <https://w3id.org/minekg/id/state/> .
@prefix mt:  <https://w3id.org/minekg/id/minetype/> .
@prefix doc: <https://w3id.org/minekg/id/document/> .
@prefix s:   <https://w3id.org/minekg/id/statement/> .

# Written for tests/test_check_fast.py: each statement breaks a rule on purpose.

# Violation: the claimant is the accused.
s:{SLUG}-arm-accuses-itself a mk:Allegation ;
    mk:assertedBy st:ARM ; mk:accused st:ARM ; mk:content s:{SLUG}-use ;
    mk:evidence [ mk:source doc:{SLUG} ; mk:quote "Armenia had laid mines near the border" ] .

s:{SLUG}-use a mk:MineUse ; mk:actor st:ARM .

# Violations on a blank node: a negative number, and a range without its ends.
s:{SLUG}-stockpile a mk:StockpileFigure ;
    mk:actor st:ARM ; mk:mineType mt:antipersonnel ;
    mk:quantity [ a mk:Quantity ; mk:value -5 ; mk:qualifier mk:Exact ] ,
                [ a mk:Quantity ; mk:qualifier mk:Range ] ;
    mk:assertedBy st:ARM ;
    mk:evidence [ mk:source doc:{SLUG} ; mk:quote "a stockpile of -5 antipersonnel mines remained" ] .

# Violation of the evidence check: the quote is not in the document.
s:{SLUG}-misquoted a mk:MineUse ;
    mk:actor st:ARM ; mk:assertedBy st:ARM ;
    mk:evidence [ mk:source doc:{SLUG} ; mk:quote "Armenia had laid 500 mines near the border" ] .
"""


def tuples(findings) -> list[tuple[str, ...]]:
    return sorted((f.focus, f.path or "", f.shape, f.severity, f.message) for f in findings)


def full_findings(project: Project) -> dict[str, list[tuple[str, ...]]]:
    """The full validation, filtered to each document as the full check (check.check) filters it."""
    asm = building.assemble(project)
    report = validate(project, asm)
    out = {}
    for doc in sorted(asm.graphs[assembled.REFERENCE_GRAPH].subjects(MK.sourceFile)):
        files = _statement_files(asm, doc)
        concerned = _concerned(asm, doc, files)
        found = [f for f in report.findings if f.focus in concerned or f.file in files]
        out[shorten(str(doc)).removeprefix("doc:")] = tuples(_original_unchanged(project, asm, doc) + found)
    return out


def test_fast_check_of_every_seed_document_equals_the_full_validation(project, tmp_path):
    expected = full_findings(project)
    assert len(expected) >= 5
    for slug, findings in expected.items():
        fast = fast_check(slug, project, cache=tmp_path / "cache")
        assert tuples(fast.findings) == findings, slug
    assert any(findings for findings in expected.values())  # some document has a finding to compare


@pytest.fixture(scope="module")
def grown(tmp_path_factory) -> Path:
    """The frozen seed project with the synthetic profile added as a curator would."""
    from tests.seed import copy_tree

    tree = copy_tree(tmp_path_factory.mktemp("grown"), ("ontology", "graph_data", "rules", "queries", "validate"))
    (tree / "profile.txt").write_text(TEXT, encoding="utf-8")
    added = CliRunner().invoke(main, ["add-source", str(tree / "profile.txt"), "--type", "country-profile",
                                      "--title", "Country profile: Testland", "--publisher-unknown",
                                      "--date", "2022", "--slug", SLUG], env={"MINEKG_ROOT": str(tree)})
    assert added.exit_code == 0, added.output
    (tree / "graph_data" / "statements" / f"{SLUG}.ttl").write_text(STATEMENTS, encoding="utf-8")
    return tree


def test_fast_check_of_a_document_with_violations_equals_the_full_check(grown, tmp_path):
    project = Project(grown)
    full = check(SLUG, project)
    fast = fast_check(SLUG, project, cache=tmp_path / "cache")
    assert tuples(fast.findings) == tuples(full.findings)
    shapes = {f.shape for f in fast.violations}
    # each deliberate violation is there: the claimant accused (a SPARQL constraint of the Allegation shape),
    # the two on blank quantities (reported as their statement), the quote the evidence check does not find
    assert {"Allegation", "non-negative value", "Quantity", "evidence quote found once in its source"} <= shapes
    assert (f"s:{SLUG}-stockpile", "mk:value") in {(f.focus, f.path) for f in fast.violations}
    assert fast.files == full.files
    assert fast.similar == full.similar
    assert fast.coverage == full.coverage


def test_an_edit_of_the_document_rebuilds_only_its_file(grown, tmp_path):
    tree = tmp_path / "tree"
    os.system(f"cp -r {grown} {tree}")  # noqa: S605 (a plain copy of the module's tree)
    project, cache = Project(tree), tmp_path / "cache"
    first = fast_check(SLUG, project, cache=cache)
    inode = cache.stat().st_ino
    path = tree / "graph_data" / "statements" / f"{SLUG}.ttl"
    path.write_text(path.read_text(encoding="utf-8").replace("mk:value -5", "mk:value 5"), encoding="utf-8")
    second = fast_check(SLUG, project, cache=cache)
    assert cache.stat().st_ino == inode  # the cache was updated in place, not rebuilt
    assert "non-negative value" in {f.shape for f in first.violations}
    assert "non-negative value" not in {f.shape for f in second.violations}
    assert tuples(second.findings) == tuples(check(SLUG, project).findings)


def test_a_change_elsewhere_rebuilds_the_cache_once(grown, tmp_path):
    tree = tmp_path / "tree"
    os.system(f"cp -r {grown} {tree}")  # noqa: S605
    project, cache = Project(tree), tmp_path / "cache"
    fast_check(SLUG, project, cache=cache)
    inode = cache.stat().st_ino
    # any change to a file outside the document's own (here a comment in the reference data) is a change
    actors = tree / "graph_data" / "reference" / "actors.ttl"
    actors.write_text(actors.read_text(encoding="utf-8") + "\n# edited by tests/test_check_fast.py\n",
                      encoding="utf-8")
    fast_check(SLUG, project, cache=cache)
    assert cache.stat().st_ino != inode  # rebuilt whole
    manifest = check_cache.load(cache)
    assert manifest.inputs["graph_data/reference/actors.ttl"] == check_cache.sha256(actors)
    inode = cache.stat().st_ino
    fast_check(SLUG, project, cache=cache)
    assert cache.stat().st_ino == inode  # once


def test_the_cli_uses_the_cache_and_full_does_not(grown, tmp_path):
    tree = tmp_path / "tree"
    os.system(f"cp -r {grown} {tree}")  # noqa: S605
    fast = CliRunner().invoke(main, ["check", SLUG], env={"MINEKG_ROOT": str(tree)})
    full = CliRunner().invoke(main, ["check", "--full", SLUG], env={"MINEKG_ROOT": str(tree)})
    assert fast.exit_code == full.exit_code == 1
    assert "checked against the cached build" in fast.output.splitlines()[1]
    assert "into a temporary folder" in full.output.splitlines()[1]
    assert fast.output.splitlines()[2:] == full.output.splitlines()[2:]
    assert (tree / check_cache.CACHE_DIR / "store").is_dir()

