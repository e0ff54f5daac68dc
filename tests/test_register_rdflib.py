"""The register importer builds an rdflib graph and writes it in the canonical layout (issue 19): the same
triples as the f-string Turtle it wrote before, and the same bytes run to run."""

from __future__ import annotations

import gzip
from pathlib import Path

from rdflib import Graph
from rdflib.compare import isomorphic

from minekg.curation import register
from minekg.project import Project
from tests.seed import SEED_DATA

# The register's two files as the f-string writer made them from the same table (commit 19205e9), kept
# compressed: the proof that moving to rdflib changed the layout and not one triple.
BEFORE = Path(__file__).parent / "fixtures" / "register_before_rdflib"


def _prepared(project: Project) -> register.Prepared:
    table = SEED_DATA / register.SOURCE_FILE
    return register.prepare(table, project, "mbt_status.csv")


def _graph(data: bytes) -> Graph:
    return Graph().parse(data=data.decode("utf-8"), format="turtle")


def test_register_output_has_the_triples_the_f_string_writer_made(project):
    files = _prepared(project).files
    for rel in (register.STATEMENTS_FILE, register.DESCRIPTION_FILE):
        before = _graph(gzip.decompress((BEFORE / (Path(rel).name + ".gz")).read_bytes()))
        after = _graph(files[rel])
        assert len(after) == len(before) > 0
        assert isomorphic(before, after), rel


def test_register_import_is_byte_identical_run_to_run_and_matches_the_committed_files(project):
    first, second = _prepared(project), _prepared(project)
    assert first.files == second.files
    # The files in graph_data/ are what the importer writes, byte for byte (generated, not hand-edited).
    for rel in (register.STATEMENTS_FILE, register.DESCRIPTION_FILE):
        assert first.files[rel] == (SEED_DATA / rel).read_bytes(), rel
    assert first.result.statements == 505


def test_register_statements_are_counted_from_the_graph(project):
    prepared = _prepared(project)
    g = _graph(prepared.files[register.STATEMENTS_FILE])
    typed = {s for s in g.subjects() if str(s).startswith(str(register.S))}
    assert prepared.result.statements == len(typed)
