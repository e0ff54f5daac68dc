"""The frozen seed data the tests that assert exact answers run on.

tests/fixtures/seed/graph_data/ is a copy of graph_data/ as it was when the expected answers were
written; `make freeze-fixture` refreshes it on purpose. Curators adding documents to graph_data/ then
change nothing the exact-answer tests see. A test gets a project root made of the repository's code
folders (ontology/, rules/, queries/, validate/) and the frozen graph_data/.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED_DATA = ROOT / "tests" / "fixtures" / "seed" / "graph_data"
FOLDERS = ("ontology", "graph_data", "rules", "queries", "validate")


def seed_path(name: str) -> Path:
    """Where a top-level folder of the frozen project is: graph_data/ frozen, the rest the repository's."""
    return SEED_DATA if name == "graph_data" else ROOT / name


def link_tree(dest: Path, names: tuple[str, ...] = FOLDERS) -> Path:
    """A project root at `dest` whose folders are symlinks into the frozen project (read-only use)."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in names:
        (dest / name).symlink_to(seed_path(name))
    return dest


def copy_tree(dest: Path, names: tuple[str, ...] = FOLDERS) -> Path:
    """A writable copy of the frozen project at `dest`, for tests that change files."""
    for name in names:
        shutil.copytree(seed_path(name), dest / name)
    return dest


@cache
def seed_root() -> Path:
    """One read-only frozen project root per test process, removed when the process ends."""
    tmp = Path(tempfile.mkdtemp(prefix="minekg-seed-"))
    atexit.register(shutil.rmtree, tmp, True)
    return link_tree(tmp / "root")
