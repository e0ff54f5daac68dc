"""Fixtures built once per session from the repository's own data."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from minekg import network
from minekg.build import assemble, build
from minekg.graph import Graph
from minekg.project import Project

ROOT = Path(__file__).resolve().parent.parent
pytest_plugins = ["tests.fixtures_server"]
OUTPUT = ROOT / "tests" / "output"  # screenshots and other artefacts tests leave for people to look at


@pytest.fixture(scope="session")
def project() -> Project:
    return Project(ROOT)


@pytest.fixture(scope="session")
def built(tmp_path_factory, project) -> Path:
    """The real graph, built from the repository into a temporary folder (build/ is left alone)."""
    out = tmp_path_factory.mktemp("build") / "build"
    build(project, out=out)
    return out / "minekg.nq"


@pytest.fixture(scope="session")
def assembled(project):
    return assemble(project)


@pytest.fixture(scope="session")
def graph(built, project) -> Graph:
    """The built graph on the default (embedded Oxigraph) backend."""
    return Graph.open(path=built, project=project)


@pytest.fixture(scope="session")
def memory_graph(built, project) -> Graph:
    return Graph.open(store="memory", path=built, project=project)


@pytest.fixture()
def fixture_tree(tmp_path) -> Path:
    """A writable copy of the repository's data tree, for tests that break things on purpose."""
    for name in ("ontology", "graph_data", "rules", "queries", "validate"):
        shutil.copytree(ROOT / name, tmp_path / name)
    return tmp_path


@pytest.fixture(scope="session")
def output_dir() -> Path:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    return OUTPUT


@pytest.fixture(scope="session")
def claims(graph):
    """The claims of the built graph (queries/201), shared by the network and viz tests."""
    return network.claims(graph)


@pytest.fixture(scope="session")
def net(claims):
    return network.build(network.select(claims, network.Filters()), network.Filters())
