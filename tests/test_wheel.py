"""An installed minekg works on a project it was not installed from (issue 19 item 2).

The wheel is built from a copy of the package (never in the checkout, whose build/ is the project's own),
installed with its dependencies into a fresh virtual environment outside the repository, and run as a user
runs it: build, validate, query, export, viz and serve, on a project folder named by the current directory
or --project. Every template, static file, frame and query the code reads must therefore be in the wheel.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import urllib.request
import zipfile
from pathlib import Path

import pytest

from tests.seed import link_tree
from tests.serve_server import ServeServer

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [pytest.mark.slow, pytest.mark.server]  # builds a wheel, installs its dependencies: minutes


def _run(args: list[str], cwd: Path, env: dict[str, str], timeout: float = 900) -> subprocess.CompletedProcess:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, (args, done.stdout[-2000:], done.stderr[-2000:])
    return done


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> tuple[Path, Path, dict[str, str]]:
    """(the built wheel, the fresh environment's bin/, an environment without MINEKG_ROOT or PYTHONPATH)."""
    tmp = tmp_path_factory.mktemp("wheel")
    source = tmp / "minekg-source"  # not "src": setuptools would take that for a src-layout folder
    source.mkdir()
    shutil.copytree(ROOT / "minekg", source / "minekg", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    env = {k: v for k, v in os.environ.items() if k not in ("MINEKG_ROOT", "PYTHONPATH")}
    _run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(tmp / "dist"), str(source)], tmp, env)
    wheel = next((tmp / "dist").glob("minekg-*.whl"))
    base = getattr(sys, "_base_executable", sys.executable)  # a venv of the interpreter, not of our venv
    _run([base, "-m", "venv", str(tmp / "venv")], tmp, env)
    _run([str(tmp / "venv" / "bin" / "python"), "-m", "pip", "install", "--quiet", str(wheel)], tmp, env)
    return wheel, tmp / "venv" / "bin", env


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """The repository's project folders (ontology, rules, queries, validate; graph_data frozen), writable
    build/ of its own."""
    return link_tree(tmp_path_factory.mktemp("project") / "project")


def test_the_wheel_holds_every_file_the_code_reads(installed):
    wheel, _bin, _env = installed
    with zipfile.ZipFile(wheel) as z:
        held = set(z.namelist())
    wanted = {str(p.relative_to(ROOT)) for area in ("assets", "sparql") for p in (ROOT / "minekg" / area).rglob("*")
              if p.is_file()}
    assert wanted and wanted <= held, sorted(wanted - held)[:10]


def test_the_installed_package_is_the_one_that_runs(installed, tmp_path):
    _wheel, bin_, env = installed
    done = _run([str(bin_ / "python"), "-c", "import minekg; print(minekg.__file__)"], tmp_path, env)
    assert Path(done.stdout.strip()).is_relative_to(bin_.parent), done.stdout


def test_build_validate_query_export_and_viz_from_the_project_folder(installed, project, tmp_path):
    _wheel, bin_, env = installed
    minekg = str(bin_ / "minekg")
    _run([minekg, "build"], project, env)  # the current directory is the project
    assert (project / "build" / "minekg.nq").stat().st_size > 0
    _run([minekg, "validate"], project, env)  # the SHACL templates compiled to SPARQL: package data
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    rows = _run([minekg, "--project", str(project), "query", "001", "--format", "csv"], elsewhere, env).stdout
    assert rows.splitlines()[0].startswith("state") and len(rows.splitlines()) > 100
    _run([minekg, "--project", str(project), "export", "--format", "csv", "--out", str(tmp_path / "csv")],
         elsewhere, env)
    assert (tmp_path / "csv" / "tables" / "allegations.csv").read_text(encoding="utf-8").count("\n") > 1
    _run([minekg, "--project", str(project), "export", "--format", "jsonld", "--out", str(tmp_path / "jsonld")],
         elsewhere, env)
    assert (tmp_path / "jsonld" / "context.jsonld").read_bytes() == \
        (ROOT / "minekg" / "assets" / "export" / "context.jsonld").read_bytes()
    _run([minekg, "--project", str(project), "viz", "--out", str(tmp_path / "viz")], elsewhere, env)
    page = (tmp_path / "viz" / "index.html").read_text(encoding="utf-8")
    vendored = (ROOT / "minekg" / "assets" / "viz" / "vendor" / "graph-libs.min.js").read_text(encoding="utf-8")
    assert vendored.strip()[:200] in page


def test_serve_answers_a_page_from_the_installed_package(installed, project):
    _wheel, bin_, _env = installed
    if not (project / "build" / "minekg.nq").exists():
        subprocess.run([str(bin_ / "minekg"), "--project", str(project), "build"], check=True, capture_output=True)
    server = ServeServer(root=project)
    server.args[0] = str(bin_ / "minekg")  # the installed console script, not the checkout's
    server.start()
    try:
        with urllib.request.urlopen(urllib.request.Request(server.url("/id/state/BLR"),
                                                           headers={"Accept": "text/html"}), timeout=120) as r:
            html = r.read().decode("utf-8")
        with urllib.request.urlopen(server.url("/static/style.css"), timeout=60) as r:
            css = r.read()
    finally:
        assert server.stop() == 0, server.output
    assert "Belarus" in html and "/static/style.css" in html  # page.rq, the templates and sentences.yaml
    assert css == (ROOT / "minekg" / "assets" / "server" / "static" / "style.css").read_bytes()
