"""Where a project's files live: one root folder (ontology/, graph_data/, queries/, rules/, validate/, build/)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT_VARIABLE = "MINEKG_ROOT"  # the environment variable naming the project folder


@dataclass(frozen=True)
class Project:
    root: Path

    @classmethod
    def default(cls) -> Project:
        """The project named by MINEKG_ROOT (which `minekg --project DIR` sets), else the current directory.

        Never the folder the package is installed in: an installed minekg works on the user's project."""
        env = os.environ.get(ROOT_VARIABLE)
        return cls(Path(env).resolve() if env else Path.cwd())

    @property
    def ontology(self) -> Path:
        return self.root / "ontology"

    @property
    def graph_data(self) -> Path:
        return self.root / "graph_data"

    @property
    def sources(self) -> Path:
        return self.graph_data / "sources"

    @property
    def reference(self) -> Path:
        return self.graph_data / "reference"

    @property
    def statements(self) -> Path:
        return self.graph_data / "statements"

    @property
    def exclusions(self) -> Path:
        return self.graph_data / "coverage_exclusions"

    @property
    def rules(self) -> Path:
        return self.root / "rules"

    @property
    def queries(self) -> Path:
        return self.root / "queries"

    @property
    def validate(self) -> Path:
        return self.root / "validate"

    @property
    def build(self) -> Path:
        return self.root / "build"

    def rel(self, path: Path) -> str:
        """A path as the user should see it: relative to the root where it can be."""
        # The path as given first: a root whose folders are symlinks (the tests' frozen seed tree) still
        # shows graph_data/... rather than where the link points.
        for candidate in (Path(os.path.abspath(path)), path.resolve()):
            try:
                return str(candidate.relative_to(self.root))
            except ValueError:
                continue
        return str(path)
