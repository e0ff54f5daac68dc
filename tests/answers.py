"""Query answers in a form that compares across backends: sorted multisets of N-Triples terms."""

from __future__ import annotations

from rdflib import BNode, Literal
from rdflib import namespace as ns
from rdflib.term import Node

from minekg.query.stores import Result
from minekg.rdf.oxi import nt_term

# Oxigraph stores literals of the XSD integer subtypes as xsd:integer with the same value, so
# "67"^^xsd:nonNegativeInteger comes back as "67"^^xsd:integer from Oxigraph and unchanged from rdflib.
# This is the one difference the comparison allows: such literals are compared as xsd:integer.
INTEGER_SUBTYPES = {ns.XSD[t] for t in ("nonNegativeInteger", "positiveInteger", "nonPositiveInteger",
                                         "negativeInteger", "long", "int", "short", "byte", "unsignedLong",
                                         "unsignedInt", "unsignedShort", "unsignedByte")}


def term(t: Node | None) -> str:
    if t is None:
        return "UNDEF"
    if isinstance(t, BNode):
        return "_:b"  # each store labels blank nodes its own way
    if isinstance(t, Literal) and t.datatype in INTEGER_SUBTYPES:
        return nt_term(Literal(str(t), datatype=ns.XSD.integer))
    return nt_term(t)


def canonical(result: Result) -> tuple:
    if result.form == "ASK":
        return ("ASK", result.boolean)
    if result.graph is not None:
        return (result.form, sorted(" ".join(term(x) for x in t) for t in result.graph))
    return ("SELECT", tuple(result.variables), sorted(tuple(term(t) for t in row) for row in result.rows))


def row_count(result: Result) -> int:
    return len(result.graph) if result.graph is not None else len(result.rows) + bool(result.boolean)
