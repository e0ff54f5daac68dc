"""What a curator types into the curation page's new-statement form to make a curated statement again.

payload() reads a statement of a curated statements file and gives the body the page posts to
/curate/{slug}/new: its kind, its name, the quote on its sentence and any further quotes, each with its
footnote (or missing-footnote) number, and its fields (several values as a list, a quantity or an
interval as its parts, a speech act's content as the statement made with it, or as the name of one made
before). bench/curate_kazakhstan.py types these into the page; tests/test_curate_form.py posts them
through the library and checks the result is the curated file again.
"""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from minekg.build import coverage
from minekg.curation import canonical, structured
from minekg.project import Project
from minekg.rdf.namespaces import DOC, MK, S, shorten

EVIDENCE_KEYS = {MK.footnote: "footnote", MK.missingFootnoteNumber: "missingFootnote"}


def _number(term) -> str:
    return str(term).rsplit("-", 1)[1] if isinstance(term, URIRef) else str(term)


def _evidence(g: Graph, ev) -> dict:
    out = {"quote": str(g.value(ev, MK.quote))}
    for p, key in EVIDENCE_KEYS.items():
        if g.value(ev, p) is not None:
            out[key] = _number(g.value(ev, p))
    return out


def _value(g: Graph, o, made: set[URIRef], doc: str):
    if isinstance(o, Literal):
        if o.datatype == XSD.boolean:
            return "true" if o.toPython() else "false"
        return str(o)
    if isinstance(o, URIRef):
        return shorten(str(o))
    kinds = set(g.objects(o, RDF.type))
    keys = {**{v: k for k, v in structured.QUANTITY_NUMBERS.items()},
            **{v: k for k, v in structured.QUANTITY_CONCEPTS.items()},
            MK.orderOfMagnitude: "orderOfMagnitude", MK.duration: "duration", MK.start: "start", MK.end: "end"}
    if kinds & {MK.Quantity, MK.Interval}:
        return {keys[p]: _value(g, v, made, doc) for p, v in sorted(g.predicate_objects(o)) if p != RDF.type}
    raise ValueError(f"a blank node the form does not make: {sorted(kinds)}")


def fields(g: Graph, s: URIRef, made: set[URIRef], doc: str) -> dict:
    """The statement's fields as the form sends them; a content statement not made yet comes with it."""
    out: dict = {}
    for p in sorted(set(g.predicates(s))):
        if p in (RDF.type, MK.evidence):
            continue
        values = []
        for o in sorted(g.objects(s, p)):
            if p == MK.content and o not in made:
                made.add(o)
                values.append({"kind": shorten(str(g.value(o, RDF.type))), "name": name(o, doc),
                               "values": fields(g, o, made, doc)})
            else:
                values.append(_value(g, o, made, doc))
        out[shorten(str(p))] = values[0] if len(values) == 1 else values
    return out


def name(s: URIRef, doc: str) -> str:
    return str(s).removeprefix(f"{S}{doc}-")


def payload(g: Graph, s: URIRef, doc: str, text: str, made: set[URIRef]) -> dict:
    """The form's body for statement `s` (its first quote the one that lies in one sentence, once)."""
    sentences = coverage.sentences(text)
    evs = sorted(g.objects(s, MK.evidence), key=lambda ev: (str(g.value(ev, MK.quote)), str(g.value(ev, MK.footnote))))
    assert all(g.value(ev, MK.source) == URIRef(DOC[doc]) for ev in evs)

    def placed(ev) -> coverage.Sentence | None:
        quote = str(g.value(ev, MK.quote))
        return next((x for x in sentences if quote in x.text), None) if text.count(quote) == 1 else None

    first = next(ev for ev in evs if placed(ev) is not None)
    made.add(s)
    return {"kind": shorten(str(g.value(s, RDF.type))), "name": name(s, doc), "start": placed(first).start,
            **_evidence(g, first), "quotes": [_evidence(g, ev) for ev in evs if ev != first],
            "values": fields(g, s, made, doc)}


def statements(g: Graph) -> list[URIRef]:
    """The statements of a curated file that have evidence (content statements come with their speech act)."""
    return sorted({s for s in g.subjects(MK.evidence, None) if isinstance(s, URIRef)}, key=str)


def strip_statements(project: Project, slug: str) -> Graph:
    """Remove the statements of the document's file (kept: its things, footnotes, cited works, which the
    build needs and the form does not make); return the file's graph as it was."""
    path = project.statements / f"{slug}.ttl"
    g = Graph().parse(path, format="turtle")
    onto = Graph().parse(project.ontology / "minekg.ttl", format="turtle")
    kinds = set(onto.transitive_subjects(RDFS.subClassOf, MK.Statement))
    kept = Graph()
    todo = [s for s in set(g.subjects()) if not isinstance(s, BNode) and not set(g.objects(s, RDF.type)) & kinds]
    while todo:  # a kept thing with its blank nodes
        n = todo.pop()
        for t in g.triples((n, None, None)):
            kept.add(t)
            if isinstance(t[2], BNode):
                todo.append(t[2])
    path.write_text(canonical.serialize(kept, f"# {slug} without its statements (bench)"), encoding="utf-8")
    return g
