"""The structured values of the curation page's new-statement form: what a field holds beyond one plain value.

A quantity with its qualifier, bounds, units, order of magnitude or duration; an interval (a period, "since
2007"); the content statement of a speech act (an existing statement, or a new one made with it); the
evidence of a statement, one or more quotes, each with its footnote number or the number of a footnote
the document lacks. Each function adds the nodes to the statement's graph and returns the node to link,
or raises MinekgError / review.Invalid with what is wrong, so nothing is written.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from minekg.build import evidence
from minekg.curation import review, review_writes
from minekg.errors import MinekgError
from minekg.rdf.namespaces import DOC, MK, PREFIXES, S, expand

# the keys of a quantity object the form sends, and the property each fills
QUANTITY_NUMBERS = {"value": MK.value, "minValue": MK.minValue, "maxValue": MK.maxValue}
QUANTITY_CONCEPTS = {"qualifier": MK.qualifier, "measureUnit": MK.measureUnit, "minUnit": MK.minUnit,
                     "maxUnit": MK.maxUnit}
NAME = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
DURATION = re.compile(r"P(?=\d|T\d)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(\d+H)?(\d+M)?(\d+S)?)?")


def number(key: str, text: str) -> Literal:
    """A figure as the source gives it: a whole number stays xsd:integer, else xsd:decimal."""
    text = text.strip().replace(",", "")
    if re.fullmatch(r"[0-9]+", text):
        return Literal(int(text), datatype=XSD.integer)
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise MinekgError(f"{key}: {text!r} is not a number (write it in digits, as the source gives it)") from None
    if value < 0:
        raise MinekgError(f"{key}: {text!r}: a quantity is not negative")
    return Literal(text, datatype=XSD.decimal)


def _concept(key: str, value: str) -> URIRef:
    if not value.startswith("mk:"):
        raise MinekgError(f"{key}: {value!r}: pick a value from the list")
    return URIRef(expand(value))


def quantity(g: Graph, key: str, value: str | dict) -> BNode:
    """mk:quantity: "1200" (exact, as before) or {qualifier, value, minValue, maxValue, measureUnit, minUnit,
    maxUnit, orderOfMagnitude, duration}; empty entries are left out, so unknown stays unknown."""
    if not isinstance(value, dict):
        value = {"value": str(value)}
    unknown = set(value) - set(QUANTITY_NUMBERS) - set(QUANTITY_CONCEPTS) - {"orderOfMagnitude", "duration"}
    if unknown:
        raise MinekgError(f"{key}: {', '.join(sorted(unknown))}: not a part of a quantity")
    q = BNode()
    g.add((q, RDF.type, MK.Quantity))
    filled = {k: str(v).strip() for k, v in value.items() if v not in (None, "") and str(v).strip()}
    for k, p in QUANTITY_NUMBERS.items():
        if k in filled:
            g.add((q, p, number(f"{key} {k}", filled[k])))
    for k, p in QUANTITY_CONCEPTS.items():
        if k in filled:
            g.add((q, p, _concept(f"{key} {k}", filled[k])))
    if "orderOfMagnitude" in filled:
        if not re.fullmatch(r"[0-9]+", filled["orderOfMagnitude"]):
            raise MinekgError(f"{key} orderOfMagnitude: the power of ten, a whole number (hundreds: 2)")
        g.add((q, MK.orderOfMagnitude, Literal(int(filled["orderOfMagnitude"]), datatype=XSD.integer)))
    if "duration" in filled:
        if not DURATION.fullmatch(filled["duration"]):
            raise MinekgError(f"{key} duration: {filled['duration']!r}: an ISO 8601 duration such as P18M or P2Y")
        g.add((q, MK.duration, Literal(filled["duration"], datatype=XSD.duration)))
    if len(filled) == 0:
        raise MinekgError(f"{key}: give the figure, or its qualifier (unknown, not disclosed, several, ...)")
    return q


def interval(g: Graph, key: str, value: dict) -> BNode:
    """mk:period and the like: {start, end}, each a date at the source's precision; either may be open."""
    if not isinstance(value, dict) or not (set(value) <= {"start", "end"}):
        raise MinekgError(f"{key}: a period is its start and/or its end")
    ends = {k: str(v).strip() for k, v in value.items() if v not in (None, "") and str(v).strip()}
    if not ends:
        raise MinekgError(f"{key}: give the start or the end of the period (\"since 2007\" has no end)")
    i = BNode()
    g.add((i, RDF.type, MK.Interval))
    for k in sorted(ends):
        g.add((i, MK[k], review_writes._term(ends[k], Literal("2000", datatype=XSD.gYear))))
    return i


def named(doc: str, name: str) -> URIRef:
    """s:<doc>-<name>: the readable IRI the curator chose (docs/curation.md, IRIs)."""
    name = name.strip()
    if not NAME.fullmatch(name):
        raise MinekgError(f"name {name!r}: lower-case letters, digits and single hyphens (it becomes s:{doc}-NAME)")
    return URIRef(f"{S}{doc}-{name}")


def add_evidence(g: Graph, stmt: URIRef, doc: str, text: str, entry: dict, focus: str) -> None:
    """One quote of `stmt` with its footnote (a number of the document's footnotes) or the number of a
    footnote the document lacks. The quote must occur exactly once in the source."""
    quote = str(entry.get("quote") or "")
    if not quote.strip():
        raise review.Invalid([review.Problem(focus, "an added quote is empty: paste the passage or remove it")])
    hits = evidence.locate(text, quote, None, None)
    if len(hits) != 1:
        where = "not found in the source" if not hits else f"found {len(hits)} times in the source, not once"
        raise review.Invalid([review.Problem(focus, f"quote {quote!r}: {where}; copy the passage exactly "
                                                    "(a longer one if it occurs several times)")])
    ev = BNode()
    g.add((stmt, MK.evidence, ev))
    g.add((ev, MK.source, URIRef(DOC[doc])))
    g.add((ev, MK.quote, Literal(quote)))
    for key, p in (("footnote", MK.footnote), ("missingFootnote", MK.missingFootnoteNumber)):
        n = str(entry.get(key) or "").strip()
        if not n:
            continue
        if not re.fullmatch(r"[1-9][0-9]*", n):
            raise MinekgError(f"{key} {n!r}: a footnote number is a positive whole number")
        g.add((ev, p, URIRef(f"{PREFIXES['fn']}{doc}-{n}") if key == "footnote"
               else Literal(int(n), datatype=XSD.integer)))
