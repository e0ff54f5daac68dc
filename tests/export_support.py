"""Shared by test_export.py and test_markings.py: a copy of the repository's tree with the restricted
fixtures of tests/fixtures/markings added, built once; and the independent parsers the exports must pass."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from rdflib import BNode, Dataset, Graph, URIRef
from rdflib.compare import isomorphic

from minekg.build.assemble import build
from minekg.project import Project
from tests.conftest import made_once, require_tool
from tests.seed import seed_path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "markings"
RAPPER = "/usr/bin/rapper"
SERDI = "/usr/bin/serdi"
PROFILES = ("CLEAR", "GREEN", "AMBER", "RED")


def make_marked_tree(dest: Path) -> Path:
    """The repository's data tree with the marked fixtures in it (graph_data itself stays unmarked)."""
    for name in ("ontology", "graph_data", "rules", "queries", "validate"):
        shutil.copytree(seed_path(name), dest / name)
    sources = dest / "graph_data" / "sources"
    shutil.copy(FIXTURES / "fixture_red_briefing.txt", sources / "fixture_red_briefing.txt")
    shutil.copy(FIXTURES / "sources.ttl", dest / "graph_data" / "sources" / "fixture-markings.ttl")
    shutil.copy(FIXTURES / "reference.ttl", dest / "graph_data" / "reference" / "fixture-markings.ttl")
    for name in ("fixture-red-briefing.ttl", "fixture-markings.ttl"):
        shutil.copy(FIXTURES / name, dest / "graph_data" / "statements" / name)
    return dest


def build_marked(tmp_path_factory: pytest.TempPathFactory) -> tuple[Project, Path]:
    """(project, built N-Quads) of the marked tree: built once per run, whichever module asks first, and
    shared by the processes of a parallel run (the tree lives under the run's temporary folder; the tests
    only read it)."""
    def make(dest: Path) -> None:
        build(Project(make_marked_tree(dest / "root")))

    root = made_once(tmp_path_factory, "marked", make) / "root"
    project = Project(root)
    return project, project.build / "minekg.nq"


def run_parser(args: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, timeout=120)


def rapper(path: Path, syntax: str) -> int:
    """How many triples rapper (raptor2) parsed; fails the test on any error or warning."""
    require_tool(RAPPER, "raptor2-utils: apt-get install raptor2-utils, as .ci/run does")
    done = run_parser([RAPPER, "-i", syntax, "-o", "ntriples", path.as_uri()])
    assert done.returncode == 0, f"rapper -i {syntax} {path.name}: {done.stderr[-2000:]}"
    assert "error" not in done.stderr.lower() and "warning" not in done.stderr.lower(), done.stderr[-2000:]
    return sum(1 for line in done.stdout.splitlines() if line.strip())


def serdi(path: Path, syntax: str) -> int:
    """How many statements serdi parsed (strict mode, -l lax off); fails on any error."""
    require_tool(SERDI, "apt-get install serdi, as .ci/run does")
    done = run_parser([SERDI, "-i", syntax, "-o", "nquads" if syntax in ("trig", "nquads") else "ntriples",
                       str(path)])
    assert done.returncode == 0, f"serdi -i {syntax} {path.name}: {done.stderr[-2000:]}"
    assert not done.stderr.strip(), done.stderr[-2000:]
    return sum(1 for line in done.stdout.splitlines() if line.strip())


def assert_isomorphic(a: Graph, b: Graph, what: str = "graph") -> None:
    """rdflib's isomorphism check, on the part that needs it: the triples without blank nodes must be
    equal as they are, and those with blank nodes isomorphic (the same thing, much faster than checking
    17,000 triples whole)."""
    def ground(g: Graph) -> set:
        return {t for t in g if not any(isinstance(x, BNode) for x in t)}

    def blank(g: Graph) -> Graph:
        out = Graph()
        for t in g:
            if any(isinstance(x, BNode) for x in t):
                out.add(t)
        return out

    ga, gb = ground(a), ground(b)
    assert ga == gb, f"{what}: {len(ga - gb)} triples lost, {len(gb - ga)} added, e.g. {sorted(ga ^ gb)[:3]}"
    assert isomorphic(blank(a), blank(b)), f"{what}: the triples with blank nodes are not isomorphic"


def union(quads) -> Graph:
    g = Graph()
    for s, p, o, _g in quads:
        g.add((s, p, o))
    return g


def dataset_of(quads) -> Dataset:
    ds = Dataset()
    for s, p, o, g in quads:
        ds.graph(URIRef(g)).add((s, p, o))
    return ds
