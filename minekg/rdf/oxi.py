"""Moving terms between rdflib and pyoxigraph, and writing canonical N-Quads."""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.plugins.serializers.nt import _quoteLiteral
from rdflib.term import Node


def to_rdflib(term) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        dt = term.datatype.value
        if dt == "http://www.w3.org/2001/XMLSchema#string":
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(dt))
    raise TypeError(f"unexpected term {term!r}")


def to_oxigraph(term: Node):
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"unexpected term {term!r}")


def nt_term(term: Node) -> str:
    """A term in N-Triples syntax (rdflib's own escaping)."""
    if isinstance(term, Literal):
        return _quoteLiteral(term)
    if isinstance(term, BNode):
        return f"_:{term}"
    return f"<{term}>"


def nquads_lines(quads: Iterable[tuple[Node, Node, Node, str | None]]) -> list[str]:
    """Sorted, de-duplicated N-Quads lines: the canonical byte form of a built dataset."""
    lines = set()
    for s, p, o, g in quads:
        graph = f" <{g}>" if g else ""
        lines.add(f"{nt_term(s)} {nt_term(p)} {nt_term(o)}{graph} .\n")
    return sorted(lines)
