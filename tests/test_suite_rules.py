"""The test suite's own rules: a missing system tool skips a test with its reason on a developer's machine
but fails it under CI=true (where .ci/run has installed every tool, so a skip would hide a broken setup),
and a test that starts a server or a browser must carry the marker that lets `-m "not server"` leave it out."""

from __future__ import annotations

import subprocess
import sys

import pytest

from .conftest import ROOT, require_module, require_tool
from .marks import expect_mark

ABSENT = "/nonexistent/minekg-no-such-tool"
NO_MODULE = "minekg_no_such_module"  # a name, not a literal in the call: tests/test_dependencies.py reads those


@pytest.mark.parametrize("ci", ["", "false", "0"])
def test_a_missing_tool_is_a_skip_with_its_reason_locally(monkeypatch, ci):
    monkeypatch.setenv("CI", ci)
    with pytest.raises(pytest.skip.Exception, match="minekg-no-such-tool not found: apt-get install it"):
        require_tool(ABSENT, "apt-get install it")


@pytest.mark.parametrize("ci", ["true", "TRUE", "1"])
def test_a_missing_tool_fails_under_ci(monkeypatch, ci):
    monkeypatch.setenv("CI", ci)
    with pytest.raises(pytest.fail.Exception, match="minekg-no-such-tool not found: apt-get install it.*CI=true"):
        require_tool(ABSENT, "apt-get install it")


def test_a_missing_python_module_fails_under_ci(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="minekg_no_such_module not importable"):
        require_module(NO_MODULE, "pip install -e '.[test]'")
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="minekg_no_such_module not importable"):
        require_module(NO_MODULE, "pip install -e '.[test]'")


def test_a_present_tool_is_its_path(monkeypatch):
    monkeypatch.setenv("CI", "true")
    assert require_tool(sys.executable, "never said") == sys.executable
    assert require_tool("sh", "never said").endswith("/sh")
    assert require_module("json", "never said").dumps([]) == "[]"


def test_a_module_level_skip_is_a_failed_collection_under_ci(tmp_path, monkeypatch):
    # As a browser test module calls it at import: the whole run must fail (exit 2, a collection error), not
    # report the module skipped (exit 5 here: nothing else ran).
    case = tmp_path / "test_case.py"
    case.write_text("from tests.conftest import missing_tool\nmissing_tool('no such tool here')\n"
                    "def test_x():\n    pass\n", encoding="utf-8")
    for ci, code, said in (("true", 2, "no such tool here (CI=true"), ("", 5, "SKIPPED")):
        done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider",
                               "--rootdir", str(tmp_path), "-c", "/dev/null", str(case)],
                              cwd=ROOT, env={**_env(), "CI": ci}, capture_output=True, text=True, timeout=300)
        assert done.returncode == code and said in done.stdout, done.stdout + done.stderr


def _env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if k != "CI"} | {"PYTHONPATH": str(ROOT)}


def test_starting_a_server_in_an_unmarked_test_fails_it():
    with pytest.raises(AssertionError, match="is not marked `server`"):
        expect_mark("server", "starts `minekg serve`")


@pytest.mark.browser
def test_a_marked_test_may_start_what_its_marker_says():
    expect_mark("browser", "starts Chromium")
    with pytest.raises(AssertionError, match="test_a_marked_test_may_start_what_its_marker_says starts a "
                                             "server but is not marked `server`"):
        expect_mark("server", "starts a server")


@pytest.mark.slow  # four collections of the whole suite in subprocesses
def test_the_markers_select_what_they_name():
    # Collected, not run: each marker picks out its modules, and the rest is what `-m "not ..."` keeps.
    def collect(expr: str) -> set[str]:
        done = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
                               "-m", expr], cwd=ROOT, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
        return {line.split("::")[0] for line in done.stdout.splitlines() if "::" in line}

    browser, server, reasoner = collect("browser"), collect("server"), collect("reasoner")
    assert {"tests/test_viz_browser.py", "tests/test_map_browser.py", "tests/test_serve_browser.py",
            "tests/test_workbench_browser.py", "tests/test_curate_browser.py",
            "tests/test_curate_new_browser.py"} <= browser
    assert {"tests/test_serve_protocol.py", "tests/test_serve_ld.py", "tests/test_push.py",
            "tests/test_backends.py"} <= server
    assert reasoner == {"tests/test_reasoner.py", "tests/test_owl_profile.py"}
    rest = collect("not browser and not server and not reasoner")
    assert not rest & {"tests/test_viz_browser.py", "tests/test_serve_ld.py", "tests/test_reasoner.py"}
    assert "tests/test_shapes.py" in rest
