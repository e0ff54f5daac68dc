"""The Python entry point: open the built graph on any backend and run named queries.

    from minekg import Graph
    g = Graph.open()                                  # embedded Oxigraph over build/minekg.nq
    rows = g.query("treaty_status_on_date", date="2003-12-31").dicts()
    g = Graph.open(store="memory")                    # rdflib's engine, the reference
    g = Graph.open(endpoint="http://127.0.0.1:7878/query")
"""

from __future__ import annotations

from pathlib import Path

from minekg.build.assemble import load_built
from minekg.project import Project
from minekg.query import catalogue as named
from minekg.query.stores import DEFAULT_BACKEND, Result, Store, open_store


class Graph:
    def __init__(self, store: Store, project: Project) -> None:
        self.store = store
        self.project = project

    @classmethod
    def open(cls, store: str = DEFAULT_BACKEND, endpoint: str | None = None, path: Path | None = None,
             project: Project | None = None, timeout: float = 30.0) -> Graph:
        project = project or Project.default()
        nquads = None if endpoint else (path or load_built(project))
        return cls(open_store(store, nquads=nquads, endpoint=endpoint, timeout=timeout), project)

    def queries(self) -> list[named.NamedQuery]:
        return named.catalog(self.project)

    def query(self, name: str, **params: str) -> Result:
        """Run a named query with parameters given as strings (validated against their declared types)."""
        q = named.find(name, self.project)
        return self.store.query(named.bind(q, {k: str(v) for k, v in params.items()}))

    def sparql(self, text: str) -> Result:
        return self.store.query(text)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Graph:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
