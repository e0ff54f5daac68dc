"""The assembled dataset as the build holds it: the named graphs and their IRIs, the curated file each
graph and subject comes from, the source texts, and the loading of a folder of Turtle into it. _where() finds
the file and line that mention an IRI, for the messages of every check."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS
from rdflib.term import Node

from minekg.build import evidence
from minekg.project import Project
from minekg.rdf.loading import parse_turtle
from minekg.rdf.namespaces import GRAPH

ONTOLOGY_GRAPH = str(GRAPH["ontology"])


REFERENCE_GRAPH = str(GRAPH["reference"])


DERIVED_GRAPH = str(GRAPH["derived"])


def document_graph(slug: str) -> str:
    return str(GRAPH[f"document/{slug}"])


@dataclass
class SourceText:
    iri: URIRef
    file: str  # as shown to users
    text: str


@dataclass
class Assembled:
    project: Project
    graphs: dict[str, Graph] = field(default_factory=dict)  # graph IRI -> triples
    files: dict[str, str] = field(default_factory=dict)  # curated file -> graph IRI
    origin: dict[Node, str] = field(default_factory=dict)  # subject -> curated file it is described in
    sources: dict[URIRef, SourceText] = field(default_factory=dict)
    quote_problems: list[evidence.QuoteProblem] = field(default_factory=list)
    namespaces: dict[str, dict[str, URIRef]] = field(default_factory=dict)  # file -> its prefixes
    described: dict[Node, list[str]] = field(default_factory=dict)  # subject -> data files typing or naming it

    def union(self) -> Graph:
        g = Graph()
        for part in self.graphs.values():
            g += part
        return g

    def quads(self):
        for name, g in self.graphs.items():
            for s, p, o in g:
                yield s, p, o, name


def _load_dir(asm: Assembled, folder: Path, graph_name, pattern: str = "*.ttl", skip: tuple[str, ...] = ()) -> None:
    for path in sorted(p for p in folder.glob(pattern) if p.name not in skip):
        shown = asm.project.rel(path)
        g = parse_turtle(path, shown, strict=True)
        name = graph_name(path)
        asm.graphs.setdefault(name, Graph())
        asm.graphs[name] += g
        asm.files[shown] = name
        for s in g.subjects(unique=True):
            asm.origin.setdefault(s, shown)
            # Described = typed or named here; other files may add to it (an alias, a marking).
            if name != ONTOLOGY_GRAPH and ((s, RDF.type, None) in g or (s, RDFS.label, None) in g):
                asm.described.setdefault(s, []).append(shown)
        asm.namespaces[shown] = dict(g.namespaces())


def _line_of(asm: Assembled, shown: str, iri: Node) -> int | None:
    """The first line of a curated file that mentions `iri`, prefixed or in full."""
    try:
        text = (asm.project.root / shown).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    forms = [f"<{iri}>"]
    for prefix, ns in asm.namespaces.get(shown, {}).items():
        if str(iri).startswith(str(ns)) and prefix:
            forms.append(f"{prefix}:{str(iri)[len(str(ns)):]}")
    for n, line in enumerate(text.splitlines(), 1):
        for form in forms:
            for m in re.finditer(re.escape(form), line):
                after = line[m.end() : m.end() + 1]
                if not after or not (after.isalnum() or after in "-_"):
                    return n
    return None


def _where(asm: Assembled, iri: Node, files: list[str] | None = None) -> str:
    for shown in files or sorted(asm.files):
        line = _line_of(asm, shown, iri)
        if line:
            return f"{shown}:{line}"
    return files[0] if files else "graph_data"
