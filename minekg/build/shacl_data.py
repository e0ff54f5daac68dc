"""The data side of the SPARQL validation engine (shacl_sparql.py): the Oxigraph store it validates, the
numbers and durations as the data wrote them (Oxigraph keeps their canonical form), the engine's scratch
graph, and DataView, which shows a data node as pySHACL's messages do."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from pyshacl.rdfutil.stringify import stringify_node
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from minekg.rdf.oxi import to_oxigraph, to_rdflib

# The engine's scratch graph: each shape's focus nodes, computed once (Oxigraph would compute the
# targets again in every query of the shape). Removed when validation ends; no query reads it by accident,
# as its one predicate is the engine's own.
SCRATCH = URIRef("urn:minekg:shacl-sparql:scratch")
MARK = URIRef("urn:minekg:shacl-sparql:focusOf")
FOCUS = URIRef("urn:minekg:shacl-sparql:restricted")  # what the nodes a caller restricts validation to are marked


# Oxigraph stores a valid number in canonical form: "18"^^xsd:nonNegativeInteger comes back as
# "18"^^xsd:integer, "1.50" as "1.5". pySHACL sees the literal as written, so the engine keeps those
# literals as written, by subject and predicate, to give them back to the checks and the results.
NUMERIC = {XSD[t] for t in ("integer", "decimal", "float", "double", "nonNegativeInteger", "positiveInteger",
                            "nonPositiveInteger", "negativeInteger", "long", "int", "short", "byte",
                            "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte")}
# Durations too: "P18M" comes back as "P1Y6M".
CANONICALISED = NUMERIC | {XSD[t] for t in ("duration", "dayTimeDuration", "yearMonthDuration")}
Written = dict[tuple[Node, Node], list[Literal]]


@dataclass
class Data:
    store: ox.Store
    written: Written


def _keep_written(written: Written, s: Node, p: Node, o: Node) -> None:
    if isinstance(o, Literal) and o.datatype in CANONICALISED:
        written.setdefault((s, p), []).append(o)


def as_written(written: Written, this: Node, path: Node | None, value: Node | None) -> Node | None:
    """A value as the data wrote it (Oxigraph gives numbers and durations back in canonical form)."""
    if path is None or not isinstance(value, Literal) or value.datatype not in CANONICALISED:
        return value
    for original in written.get((this, path), []):
        if original == value or (original.value is not None and original.value == value.value
                                 and not original.ill_typed):
            return original
    return value


def data_of(graph: Graph) -> Data:
    """An Oxigraph store holding `graph` (its blank nodes keep their labels, so results point into it)."""
    store, written = ox.Store(), {}
    for s, p, o in graph:
        _keep_written(written, s, p, o)
    store.bulk_extend(ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)) for s, p, o in graph)
    return Data(store, written)


def data_from_nquads(path: Path, location: Path | None = None) -> Data:
    """An Oxigraph store loaded from an N-Quads file, its graphs read as one, with its numbers as written.
    Blank nodes keep the file's labels (Oxigraph's bulk loader would rename them). The quads go from
    Oxigraph's parser to its store without Python looking at each; only the lines with a number are
    parsed again, to keep those numbers as written. With `location` (an empty folder), the store is on
    disk there: 10^7 triples would not fit in a few GB of memory."""
    store, written = (ox.Store() if location is None else ox.Store(str(location))), {}
    store.bulk_extend(ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS))
    with path.open("rb") as f:
        numeric = b"".join(line for line in f if NUMERIC_LINE.search(line))
    for q in ox.parse(numeric, format=ox.RdfFormat.N_QUADS):
        _keep_written(written, to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object))
    return Data(store, written)


NUMERIC_LINE = re.compile(rb"\^\^<http://www\.w3\.org/2001/XMLSchema#(" + b"|".join(
    str(t)[len(str(XSD)):].encode() for t in sorted(CANONICALISED)) + rb")>")


class DataView:
    """What pySHACL's messages show of a data node: an IRI as such, a blank node by its triples. Only the
    blank nodes a message names are copied out of the store, into a graph with rdflib's default prefixes
    (the graph pySHACL stringifies is a fresh rdflib Graph too)."""

    def __init__(self, store: ox.Store, written: Written) -> None:
        self.store = store
        self.written = written
        self.graph = Graph()
        self.copied: set[Node] = set()

    def text(self, node: Node) -> str:
        self._copy(node, 0)
        return stringify_node(self.graph, node)

    def _copy(self, node: Node, depth: int) -> None:
        if not isinstance(node, BNode) or node in self.copied or depth > 12:
            return
        self.copied.add(node)
        for q in self.store.quads_for_pattern(to_oxigraph(node), None, None):
            if q.graph_name == ox.NamedNode(str(SCRATCH)):
                continue
            p = to_rdflib(q.predicate)
            o = as_written(self.written, node, p, to_rdflib(q.object))
            self.graph.add((node, p, o))
            self._copy(o, depth + 1)
