"""The one Turtle layout every write of a statements file uses, so that a diff shows only what changed.

Prefixes are minekg's (namespaces.PREFIXES, in that order); subjects are written sorted by IRI, one block
each; predicates come in a fixed order (rdf:type, rdfs:label, then by prefixed name, mk:evidence last);
objects are sorted by their written form; a blank node used once as an object (evidence, a quantity, an
interval, a breakdown part) is nested where it is used; one used more than once (a quantity another one
converts) or never is written as a block of its own after the IRIs, labelled by a hash of what it holds.
The same graph therefore always gives the same bytes, whatever order its triples were read or added in.
Comments of a hand-written file are not kept.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD
from rdflib.term import Node

from minekg.errors import MinekgError
from minekg.rdf.namespaces import MK, PREFIXES

_LOCAL = re.compile(r"[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_-])?")
_BARE = {
    XSD.integer: re.compile(r"[+-]?[0-9]+"),
    XSD.decimal: re.compile(r"[+-]?[0-9]*\.[0-9]+"),
    XSD.boolean: re.compile(r"true|false"),
}
_FIRST = [RDF.type, RDFS.label]
_LAST = [MK.evidence]
INDENT = "    "


def iri(term: URIRef) -> str:
    """A prefixed name where one of minekg's prefixes gives a plain local name, else <IRI>."""
    text = str(term)
    best = max((ns for ns in PREFIXES.values() if text.startswith(ns)), key=len, default=None)
    if best is not None:
        local = text[len(best) :]
        if local == "" or _LOCAL.fullmatch(local):
            prefix = next(p for p, ns in PREFIXES.items() if ns == best)
            return f"{prefix}:{local}"
    return f"<{text}>"


def literal(term: Literal) -> str:
    if term.datatype in _BARE and _BARE[term.datatype].fullmatch(str(term)):
        return str(term)
    if term.datatype is not None:
        return f"{Literal(str(term)).n3()}^^{iri(term.datatype)}"
    return term.n3()  # plain or language-tagged: rdflib escapes quotes, backslashes and newlines


def _predicate_key(p: URIRef) -> tuple:
    if p in _FIRST:
        return (0, _FIRST.index(p), "")
    if p in _LAST:
        return (2, _LAST.index(p), "")
    return (1, 0, iri(p))


class _Writer:
    def __init__(self, g: Graph) -> None:
        self.g = g
        uses = Counter(o for o in g.objects() if isinstance(o, BNode))
        # nested where used: a blank node that is the object of exactly one triple
        self.nested = {b for b, n in uses.items() if n == 1}
        self.open: set[BNode] = set()
        self.labels: dict[BNode, str] = {}  # the others: labelled by their content, so the label never varies

    def label(self, b: BNode) -> str:
        if b not in self.labels:
            if b in self.open:
                raise MinekgError("a blank node contains itself; give it an IRI")
            self.open.add(b)
            body = self.block(b, 1)
            self.open.discard(b)
            label = "_:n" + hashlib.sha256(body.encode("utf-8")).hexdigest()[:16]
            if label in self.labels.values():
                raise MinekgError("two blank nodes hold the same values; give one of them an IRI")
            self.labels[b] = label
        return self.labels[b]

    def obj(self, o: Node, depth: int) -> str:
        if isinstance(o, URIRef):
            return iri(o)
        if isinstance(o, Literal):
            return literal(o)
        if o in self.nested:
            if o in self.open:
                raise MinekgError("a blank node contains itself; give it an IRI")
            self.open.add(o)
            inner = self.block(o, depth + 1)
            self.open.discard(o)
            return "[\n" + inner + "\n" + INDENT * depth + "]"
        return self.label(o)

    def block(self, s: Node, depth: int) -> str:
        lines = []
        for p in sorted(set(self.g.predicates(s)), key=_predicate_key):
            objs = sorted(self.obj(o, depth) for o in self.g.objects(s, p))
            verb = "a" if p == RDF.type else iri(p)
            lines.append(f"{INDENT * depth}{verb} " + ", ".join(objs))
        return " ;\n".join(lines)


def serialize(g: Graph, header: str = "") -> str:
    """`g` in the canonical layout, after `header` (comment lines, each starting with '#')."""
    w = _Writer(g)
    out = [header] if header else []
    out += [f"@prefix {p}: <{ns}> ." for p, ns in PREFIXES.items()]
    subjects = {s for s in g.subjects() if not (isinstance(s, BNode) and s in w.nested)}
    for s in sorted((s for s in subjects if not isinstance(s, BNode)), key=str):
        out.append("")
        out.append(iri(s) + "\n" + w.block(s, 1) + " .")
    shared = sorted((w.label(b), b) for b in subjects if isinstance(b, BNode))
    for label, b in shared:
        out.append("")
        out.append(label + "\n" + w.block(b, 1) + " .")
    return "\n".join(out) + "\n"
