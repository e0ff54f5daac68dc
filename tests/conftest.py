"""Fixtures built once per session from the frozen seed data (tests/seed.py).

Every test sees the frozen copy of graph_data/ in tests/fixtures/seed/, never the live one, so adding a
document to graph_data/ cannot change an exact answer: the session fixtures below use it, and
MINEKG_ROOT points the CLI (in-process or in a subprocess that inherits the environment) at it too.
"""

from __future__ import annotations

import fcntl
import importlib
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

from minekg.build.assemble import assemble, build
from minekg.project import Project
from minekg.query.graph import Graph
from minekg.viz import network
from minekg.viz.claims import claims as read_claims
from tests.seed import copy_tree, seed_root

ROOT = Path(__file__).resolve().parent.parent
pytest_plugins = ["tests.marks", "tests.fixtures_server"]
OUTPUT = ROOT / "tests" / "output"  # screenshots and other artefacts tests leave for people to look at


def pytest_configure(config) -> None:
    # Set before any test runs, so `minekg` invoked without an explicit root reads the frozen data and
    # writes its build/ into the temporary root, never into the repository's.
    os.environ["MINEKG_ROOT"] = str(seed_root())


def under_ci() -> bool:
    """CI runs `.ci/run` with CI=true, after installing every system tool; there a missing one is a failure."""
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def missing_tool(reason: str) -> None:
    """The one way a test gives up for want of a tool: skipped with its reason locally, failed under CI=true
    (a skip there would pass a run that checked nothing). Works at module level too."""
    if under_ci():
        pytest.fail(f"{reason} (CI=true: a missing tool fails the run instead of skipping)", pytrace=False)
    pytest.skip(reason, allow_module_level=True)


def require_tool(name: str, install: str) -> str:
    """The path of a system program (a name on PATH or an absolute path), or `missing_tool`."""
    found = name if os.path.isabs(name) and os.access(name, os.X_OK) else shutil.which(name)
    if not found:
        missing_tool(f"{name} not found: {install}")
    return str(found)


def require_module(name: str, install: str) -> ModuleType:
    """An importable Python module of the test extra, or `missing_tool`."""
    try:
        return importlib.import_module(name)
    except ImportError:
        missing_tool(f"Python module {name} not importable: {install}")
        raise  # not reached: missing_tool always raises


@pytest.fixture(scope="session")
def project() -> Project:
    return Project(seed_root())


def made_once(tmp_path_factory: pytest.TempPathFactory, name: str, make: Callable[[Path], None]) -> Path:
    """A folder `make` fills once per test run, shared by the processes of a parallel run (pytest -n): the
    first to get here makes it under a file lock, the others wait for it and then read it. Nothing may write
    in it afterwards. Made in a folder beside it and renamed into place, so a crash leaves nothing half-made."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # the run's folder, above each worker's own
    done = base / f"shared-{name}"
    with open(base / f"shared-{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
        if not done.is_dir():
            part = Path(tempfile.mkdtemp(prefix=f".{name}.", dir=base))
            make(part)
            part.rename(done)
    return done


@pytest.fixture(scope="session")
def built(tmp_path_factory, project) -> Path:
    """The frozen seed graph, built into a temporary folder (build/ is left alone), once per run."""
    return made_once(tmp_path_factory, "seed-build", lambda d: build(project, out=d / "build")) / "build" / "minekg.nq"


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
    """A writable copy of the frozen data tree, for tests that break things on purpose."""
    return copy_tree(tmp_path, ("ontology", "graph_data", "rules", "queries", "validate"))


@pytest.fixture(scope="session")
def output_dir() -> Path:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    return OUTPUT


@pytest.fixture(scope="session")
def claims(graph):
    """The claims of the built graph (queries/201), shared by the network and viz tests."""
    return read_claims(graph)


@pytest.fixture(scope="session")
def net(claims):
    return network.build(network.select(claims, network.Filters()), network.Filters())
