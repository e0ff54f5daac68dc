"""Candidates as Turtle: each a complete statement in the curated model, with its evidence (quote found
exactly once, offsets as the build records them), footnote, mk:draftRule and mk:draftConfidence.
Every node is an IRI derived from the document slug, the sentence offset and the rule, so the same
document always gives the same bytes."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from minekg import atomic
from minekg.build import evidence
from minekg.curation import names
from minekg.curation.rules import Candidate, Doc
from minekg.project import Project
from minekg.rdf.namespaces import ID, MK, PREFIXES, S


def _local(iri: URIRef | None) -> str:
    return str(iri).rstrip("/").rsplit("/", 1)[-1].lower() if iri is not None else "none"


def statement_iri(doc: Doc, c: Candidate) -> URIRef:
    who = c.value("actor") or c.value("assertedBy")
    # one sentence can give a rule several candidates for one actor (a figure per mine type)
    what = f"-{_local(c.value('mineType'))}" if c.quantity is not None and c.rule.startswith("figure-") else ""
    return URIRef(S[f"{doc.slug}-draft-{c.sentence.start:06d}-{c.rule}-{_local(who)}{what}"])


def _quote_anchor(text: str, quote: str, start: int) -> str | None:
    """A prefix that makes the quote unique where the sentence occurs more than once, else None."""
    if len(evidence.occurrences(text, quote)) == 1:
        return None
    for width in range(4, 200, 4):
        prefix = text[max(0, start - width) : start]
        if len(evidence.locate(text, quote, prefix, None)) == 1:
            return prefix
    return None


def _interval(g: Graph, node: URIRef, start: Literal | None, end: Literal | None) -> URIRef:
    g.add((node, RDF.type, MK.Interval))
    if start is not None:
        g.add((node, MK.start, start))
    if end is not None:
        g.add((node, MK.end, end))
    return node


def _quantity(g: Graph, node: URIRef, figure) -> URIRef:
    g.add((node, RDF.type, MK.Quantity))
    g.add((node, MK.value, Literal(figure.value, datatype=XSD.integer)))
    g.add((node, MK.qualifier, figure.qualifier))
    return node


def body(g: Graph, iri: URIRef, c: Candidate) -> None:
    """The statement's own triples: type, fields, quantity, breakdown, periods, and the proposals it needs."""
    g.add((iri, RDF.type, MK[c.kind]))
    for p, v in c.props:
        g.add((iri, p, v))
    if c.quantity is not None:
        g.add((iri, MK.quantity, _quantity(g, URIRef(f"{iri}-quantity"), c.quantity)))
    if c.unknown_quantity is not None:
        q = URIRef(f"{iri}-quantity")
        g.add((q, RDF.type, MK.Quantity))
        g.add((q, MK.qualifier, c.unknown_quantity))
        g.add((iri, MK.quantity, q))
    for i, (mt, figure) in enumerate(c.parts, 1):
        part = URIRef(f"{iri}-part-{i}")
        g.add((part, RDF.type, MK.BreakdownItem))
        g.add((part, MK.mineType, mt))
        g.add((part, MK.quantity, _quantity(g, URIRef(f"{part}-quantity"), figure)))
        g.add((iri, MK.part, part))
    if c.period is not None and (c.period[0] is not None or c.period[1] is not None):
        g.add((iri, MK.period, _interval(g, URIRef(f"{iri}-period"), *c.period)))
    if c.covers is not None:
        g.add((iri, MK.coversPeriod, _interval(g, URIRef(f"{iri}-covers"), *c.covers)))
    for iri_, cls, label in c.proposals:
        names.propose(g, iri_, cls, label)


def add_candidate(g: Graph, doc: Doc, text: str, c: Candidate, iri: URIRef, content: URIRef | None) -> None:
    body(g, iri, c)
    g.add((iri, MK.draftRule, Literal(c.rule)))
    g.add((iri, MK.draftConfidence, Literal(Decimal(str(round(max(c.confidence, 0.05), 2))), datatype=XSD.decimal)))
    if content is not None:
        g.add((iri, MK.content, content))
    s = c.sentence
    add_evidence(g, doc.slug, doc.iri, iri, text, evidence.Located(s.start, s.end), s.footnote)


def add_evidence(g: Graph, slug: str, doc: URIRef, iri: URIRef, text: str, at: evidence.Located,
                 footnote: int | None) -> None:
    """The statement's evidence as an IRI: quote text[at], pinned where it occurs twice, offsets, footnote."""
    quote = text[at.start : at.end]
    prefix = _quote_anchor(text, quote, at.start)
    ev = evidence.evidence_iri(slug, quote, prefix, None, str(iri))
    g.add((iri, MK.evidence, ev))
    g.add((ev, RDF.type, MK.Evidence))
    g.add((ev, MK.source, doc))
    g.add((ev, MK.quote, Literal(quote)))
    if prefix:
        g.add((ev, MK.quotePrefix, Literal(prefix)))
    for t in evidence.offsets_triples(ev, at):
        g.add(t)
    if footnote is not None:
        fn = URIRef(f"{ID}footnote/{slug}-{footnote}")
        g.add((ev, MK.footnote, fn))
        g.add((fn, RDF.type, MK.Footnote))
        g.add((fn, MK.footnoteOf, doc))
        g.add((fn, MK.footnoteNumber, Literal(footnote)))


def new_graph() -> Graph:
    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, override=True)
    return g


def serialize(g: Graph, slug: str) -> str:
    header = (f"# Draft statements for {slug}, proposed by `minekg draft {slug}` (not loaded by the build).\n"
              "# Review each candidate, fix or delete it, then move what stands into graph_data/statements/.\n")
    return header + g.serialize(format="turtle")


def write(project: Project, slug: str, g: Graph) -> Path:
    """graph_data/drafts/SLUG.ttl, whole or not at all."""
    path = project.graph_data / "drafts" / f"{slug}.ttl"
    atomic.write_text(path, serialize(g, slug))
    return path
