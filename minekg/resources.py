"""The files minekg ships inside its package: templates, static files, JSON-LD frames, viz assets, and
every SPARQL query the code itself runs (minekg/sparql/<area>/*.rq, with the `#+` header of named queries).

Found through importlib.resources, never through a checkout's layout, so an installed wheel serves,
exports and draws as a checkout does. The project's own files (ontology/, graph_data/, queries/, rules/,
validate/) are not here: minekg.project finds them.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def _package_file(*parts: str) -> Path:
    # minekg is installed as plain files (setuptools, not a zip), so the resource is a real path: the
    # server's StaticFiles and Jinja2 loader need a folder on disk.
    return Path(str(files("minekg").joinpath(*parts)))


def asset(*parts: str) -> Path:
    """A file or folder under minekg/assets/ (templates, static files, frames, palettes, vendored code)."""
    return _package_file("assets", *parts)


def sparql(area: str, name: str | None = None) -> Path:
    """minekg/sparql/<area>/ or one query in it: the queries the code runs, as opposed to the named ones."""
    return _package_file("sparql", area, *([name] if name else []))


def package_root() -> Path:
    """The installed package's folder: what a cache hashes to notice that minekg itself changed."""
    return _package_file()


def shown(path: Path) -> str:
    """How an error names a packaged file: from minekg/ on, the same in a checkout and an installed wheel."""
    parts = path.parts
    return "/".join(parts[len(parts) - 1 - parts[::-1].index("minekg"):])
