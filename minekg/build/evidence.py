"""Finding evidence quotes in their source documents, and minting evidence IRIs."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from difflib import SequenceMatcher

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from minekg.rdf.namespaces import EV, MK


@dataclass(frozen=True)
class Located:
    start: int
    end: int


@dataclass(frozen=True)
class QuoteProblem:
    statement: str
    message: str


def occurrences(text: str, quote: str) -> list[int]:
    found, i = [], text.find(quote)
    while i != -1:
        found.append(i)
        i = text.find(quote, i + 1)
    return found


def locate(text: str, quote: str, prefix: str | None, suffix: str | None) -> list[int]:
    """Start offsets of the quote that agree with the given prefix and suffix (Web Annotation style)."""
    hits = occurrences(text, quote)
    if prefix:
        hits = [i for i in hits if text[max(0, i - len(prefix)) : i] == prefix]
    if suffix:
        hits = [i for i in hits if text[i + len(quote) : i + len(quote) + len(suffix)] == suffix]
    return hits


def closest_passage(text: str, quote: str, width: int = 100) -> str:
    """The passage of `text` most like `quote`, to show a curator what they probably meant."""
    matcher = SequenceMatcher(None, text, quote, autojunk=False)
    m = matcher.find_longest_match(0, len(text), 0, len(quote))
    start = max(0, m.a - m.b)
    passage = text[start : start + min(len(quote), width)]
    return " ".join(passage.split())


def evidence_iri(doc_slug: str, quote: str, prefix: str | None, suffix: str | None, extra: str) -> URIRef:
    # Deterministic from what defines the evidence, so rebuilding never renumbers anything.
    key = "\x1f".join([doc_slug, quote, prefix or "", suffix or "", extra])
    return URIRef(EV[f"{doc_slug}-{hashlib.sha256(key.encode('utf-8')).hexdigest()[:12]}"])


def describe(g: Graph, node: Node) -> str:
    """A stable text form of a node's own triples, for hashing."""
    return "\n".join(sorted(f"{p.n3()} {o.n3()}" for p, o in g.predicate_objects(node)))


def offsets_triples(ev: URIRef, loc: Located) -> list[tuple[URIRef, URIRef, Literal]]:
    return [
        (ev, MK.startOffset, Literal(loc.start, datatype=XSD.nonNegativeInteger)),
        (ev, MK.endOffset, Literal(loc.end, datatype=XSD.nonNegativeInteger)),
    ]
