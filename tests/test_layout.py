"""The package's shape (docs/architecture.md): subpackages with no import cycle, every module importable on
its own, modules and functions small enough to read, and no code finding files through its own location."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "minekg"
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60

# What could not be split yet, each with why. A module or function listed here that has become small
# enough fails the test too, so the list only ever shrinks.
LONG_MODULES = {
}
LONG_FUNCTIONS = {
}


def modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def name_of(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


NAMES = {name_of(p): p for p in modules()}


def imported_at_load(path: Path) -> set[str]:
    """The minekg modules a module imports when it is loaded: its module-level imports (also under `if` or
    `try`), not the ones inside functions, which run later and are how a module defers a heavy import."""
    me = name_of(path)
    package = me if path.name == "__init__.py" else me.rpartition(".")[0]
    found: set[str] = set()
    stack = list(ast.parse(path.read_text(encoding="utf-8")).body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(up + ([node.module] if node.module else []))
            for alias in node.names:
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in NAMES else base)
        elif isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue  # read by type checkers only, never run
        elif isinstance(node, ast.If | ast.Try):
            stack += node.body + node.orelse + getattr(node, "finalbody", [])
            stack += [s for h in getattr(node, "handlers", []) for s in h.body]
    # Importing a.b.c runs a/__init__ and a/b/__init__ first: they are imported too.
    closed = set()
    for name in found:
        parts = name.split(".")
        closed |= {".".join(parts[:i]) for i in range(1, len(parts) + 1)}
    return {n for n in closed if n in NAMES and n != me}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A cycle in the graph as the list of modules on it, or None (depth-first search, three colours)."""
    colour = dict.fromkeys(graph, 0)
    trail: list[str] = []

    def visit(node: str) -> list[str] | None:
        colour[node] = 1
        trail.append(node)
        for nxt in sorted(graph[node]):
            if colour[nxt] == 1:
                return trail[trail.index(nxt):] + [nxt]
            if colour[nxt] == 0 and (cycle := visit(nxt)):
                return cycle
        colour[node] = 2
        trail.pop()
        return None

    for start in sorted(graph):
        if colour[start] == 0 and (cycle := visit(start)):
            return cycle
    return None


def test_cycle_finder_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_import_cycle():
    graph = {name: imported_at_load(path) for name, path in NAMES.items()}
    # A package's __init__ importing its parent package is not a cycle (Python loads the parent first).
    for name in graph:
        graph[name] = {n for n in graph[name] if not name.startswith(n + ".")}
    assert find_cycle(graph) is None, " -> ".join(find_cycle(graph) or [])


def test_every_module_imports_alone_in_a_fresh_interpreter():
    """`python -c "import minekg.X"` for every module: none depends on another having been imported first."""
    failed = []
    names = sorted(NAMES)
    for start in range(0, len(names), 4):  # a few interpreters at a time, not sixty
        batch = names[start:start + 4]
        procs = {n: subprocess.Popen([sys.executable, "-c", f"import {n}"], cwd=ROOT, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, text=True) for n in batch}
        for n, proc in procs.items():
            _out, err = proc.communicate(timeout=300)
            if proc.returncode:
                failed.append(f"{n}: {err.strip().splitlines()[-1]}")
    assert not failed, "\n".join(failed)


def _function_lengths(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node.name, node.end_lineno - node.lineno + 1


def test_modules_and_functions_are_small_or_listed_with_a_reason():
    long_modules, long_functions = set(), set()
    for path in modules():
        rel = str(path.relative_to(ROOT))
        if len(path.read_text(encoding="utf-8").splitlines()) > MAX_MODULE_LINES:
            long_modules.add(rel)
        long_functions |= {f"{rel}:{name}" for name, n in _function_lengths(path) if n > MAX_FUNCTION_LINES}
    assert long_modules - set(LONG_MODULES) == set(), f"modules over {MAX_MODULE_LINES} lines: split them"
    assert long_functions - set(LONG_FUNCTIONS) == set(), f"functions over {MAX_FUNCTION_LINES} lines: split them"
    assert set(LONG_MODULES) - long_modules == set(), "now small enough: take them off LONG_MODULES"
    assert set(LONG_FUNCTIONS) - long_functions == set(), "now small enough: take them off LONG_FUNCTIONS"


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_file_is_found_through_the_module_location(path):
    """Package data comes through importlib.resources (minekg.resources), the project through --project or
    MINEKG_ROOT (minekg.project): a path built from __file__ breaks in an installed wheel."""
    assert "__file__" not in path.read_text(encoding="utf-8")


def test_every_package_says_what_it_owns():
    for init in sorted(PACKAGE.glob("*/__init__.py")):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc and len(doc.split()) >= 20, f"{init.relative_to(ROOT)}: a docstring saying what it owns"


SPARQL = PACKAGE / "sparql"


def test_the_code_queries_live_under_sparql_by_area_with_the_named_query_header():
    """One layout for the SPARQL the code runs: minekg/sparql/<area>/*.rq, each with the `#+` YAML header of
    the named queries (a summary at least), and no .rq anywhere else in the package."""
    from minekg.rdf.headers import parse_header

    found = sorted(PACKAGE.rglob("*.rq"))
    assert found and all(p.parent.parent == SPARQL for p in found), [str(p) for p in found if p.parent.parent != SPARQL]
    for path in found:
        header = parse_header(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
        assert str(header.get("summary") or "").strip(), f"{path.relative_to(ROOT)}: no #+ summary"


def test_every_sparql_file_of_the_project_has_the_one_header():
    """The project's SPARQL (named queries and derivation rules) has the same `#+` header as the package's:
    one header format for every query the code runs. A file with only plain `#` comments fails."""
    from minekg.rdf.headers import parse_header

    found = sorted((ROOT / "queries").glob("*.rq")) + sorted((ROOT / "rules").glob("*.rq"))
    assert len([p for p in found if p.parent.name == "rules"]) >= 10
    for path in found:
        header = parse_header(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
        assert str(header.get("summary") or "").strip(), f"{path.relative_to(ROOT)}: no #+ summary"
