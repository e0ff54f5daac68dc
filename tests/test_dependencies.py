"""pyproject.toml declares what the code imports, no more and no less: every third-party module that minekg/
imports belongs to a distribution in `dependencies`, every one that tests/ or bench/ import to one in
`dependencies` or the `test` extra, and every declared distribution is imported somewhere (or is listed
below with the reason it is needed all the same). A module that only works because something else
happened to install it breaks on the day that something drops it."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OWN = {"minekg", "tests", "bench"}

# Declared and needed, though no module imports them by name.
USED_WITHOUT_IMPORT = {
    "lxml-html-clean": "trafilatura imports lxml.html.clean, which lxml ships separately since 5.2",
    "ruff": "the linter, run by `make test` as a command",
    "oxigraph": "the `oxigraph serve` command, the real SPARQL server of the endpoint tests",
    "pytest-xdist": "a pytest plugin, run by `make test` as `pytest -n`",
}
# Imported inside minekg/ but declared in the test extra, because only the tests run that code.
TEST_ONLY_IN_PACKAGE = {
    "owlready2": "minekg/reasoning.py (HermiT) is run by tests/test_reasoner.py, not by any command",
}


def normal(name: str) -> str:
    """A distribution name as PEP 503 compares them."""
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(requirement: str) -> str:
    return normal(re.split(r"[\s<>=!~;\[]", requirement, maxsplit=1)[0])


def declared() -> tuple[set[str], set[str]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return ({requirement_name(r) for r in project["dependencies"]},
            {requirement_name(r) for r in project["optional-dependencies"]["test"]})


def imported_modules(source: str) -> set[str]:
    """Top-level names of the absolute imports in a file, wherever they stand (a function's own imports
    count), and of the modules the tests load by name through conftest's `require_module`."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
        elif (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "require_module" and node.args
              and isinstance(node.args[0], ast.Constant)):
            found.add(node.args[0].value)
    return {name.split(".")[0] for name in found}


def third_party(folders: tuple[str, ...]) -> dict[str, set[str]]:
    """Each distribution imported from the folders, with the files that import it."""
    owners = packages_distributions()
    out: dict[str, set[str]] = {}
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if ".venv" in path.parts:
                continue
            for module in imported_modules(path.read_text(encoding="utf-8")) - OWN - set(sys.stdlib_module_names):
                for dist in owners.get(module, [f"<no installed distribution provides {module}>"]):
                    out.setdefault(normal(dist), set()).add(str(path.relative_to(ROOT)))
    return out


def test_every_import_of_the_package_is_a_declared_dependency():
    runtime, test = declared()
    allowed = runtime | (set(TEST_ONLY_IN_PACKAGE) & test)
    undeclared = {d: sorted(f) for d, f in third_party(("minekg",)).items() if d not in allowed}
    assert not undeclared, f"imported by minekg/ but not in pyproject.toml's dependencies: {undeclared}"


def test_every_import_of_the_tests_and_benchmarks_is_declared():
    runtime, test = declared()
    undeclared = {d: sorted(f) for d, f in third_party(("tests", "bench")).items() if d not in runtime | test}
    assert not undeclared, f"imported by tests/ or bench/ but not declared (dependencies or the test extra): " \
                           f"{undeclared}"


def test_every_declared_dependency_is_used():
    runtime, test = declared()
    used = set(third_party(("minekg", "tests", "bench"))) | set(USED_WITHOUT_IMPORT)
    assert not runtime - used, f"declared but imported nowhere: {sorted(runtime - used)}"
    assert not test - used, f"in the test extra but imported nowhere: {sorted(test - used)}"


def test_the_walk_sees_imports_inside_functions_and_require_module():
    source = "import os\nimport a.b\ndef f():\n    from c.d import e\n    require_module('f.g', 'x')\n"
    assert imported_modules(source) == {"os", "a", "c", "f"}
