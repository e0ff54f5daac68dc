"""The markers `browser`, `server`, `reasoner`, `slow` (registered in pyproject.toml), so that a run can leave
out what it cannot or need not run: `pytest -m "not browser"`, `-m "not slow"`, `-m server`, ...

A test is marked by its module's `pytestmark`, by its own decorator, or here from the shared fixtures it
uses (a test that asks for `server` starts one, whichever file it is in). The marks are then checked as
the tests run: starting a server or a browser from a test that is not marked so fails that test, so a new
test cannot slip past `-m "not server"` unmarked. (A pytest plugin, loaded by tests/conftest.py.)
"""

from __future__ import annotations

import pytest

# Shared fixtures and what using one means. Module fixtures of the same name (each browser test file has
# its own `browser`) count too: the name is the contract.
FIXTURE_MARKS = {
    "server": "server",
    "oxigraph_server": "server",
    "endpoint_graph": "server",
    "curate_server": "server",
    "served": "server",  # tests/test_serve_release.py
    "amber_server": "server",
    "limited": "server",  # tests/test_serve_protocol.py
    "tight": "server",  # tests/test_serve_load_limits.py
    "fragile": "server",
    "fronting": "server",  # tests/test_formats.py: servers in front of a failing endpoint
    "browser": "browser",
}

_running: list[pytest.Item] = []  # the test being set up, run or torn down in this process


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        for fixture in sorted(set(getattr(item, "fixturenames", ())) & FIXTURE_MARKS.keys()):
            item.add_marker(FIXTURE_MARKS[fixture])


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    # Before the item's fixtures are set up, so a session fixture started for it is checked against it.
    _running[:] = [item]


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item: pytest.Item) -> None:
    _running.clear()


def expect_mark(name: str, what: str) -> None:
    """Called where a server or a browser starts: the current test must carry the marker `name`. Outside a
    test (the benchmarks use the same helpers) there is nothing to check."""
    if _running and _running[0].get_closest_marker(name) is None:
        raise AssertionError(f"{_running[0].nodeid} {what} but is not marked `{name}`: add "
                             f"@pytest.mark.{name} (or the module's pytestmark), see tests/marks.py")
