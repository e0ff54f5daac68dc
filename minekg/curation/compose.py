"""A statement the curator makes on a sentence that has no (right) candidate (`minekg serve --curate`).

kinds() reads what a statement of each kind may say from the ontology (properties whose domain is
mk:Statement or the kind, or that have no domain) and the shapes (the paths of the kind's shapes and of
its superclasses'; sh:minCount 1 makes a field required, sh:in gives its choices, a date sh:or makes it
a date). create() builds the statement from the page's form, with the sentence (or the curator's
selection in it, which must occur exactly once in the source) as its quote, and saves it through the
same checked, atomic, stale-aware path as an accepted candidate (review_writes.save).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS, XSD

from minekg.build import coverage, evidence
from minekg.curation import review, review_writes, structured
from minekg.errors import MinekgError
from minekg.project import Project
from minekg.rdf.loading import parse_turtle, read_text
from minekg.rdf.namespaces import MK, S, expand, shorten

# fields the form cannot fill, their values being nodes of their own (a breakdown, a fuzzy date, a relay
# chain, an exchanged item: written by hand); the evidence has its own quote rows
STRUCTURED = {MK.part, MK.evidence, MK.when, MK.relay, MK.exchanged}
INTERVALS = {MK.period, MK.assertedDuring, MK.coversPeriod}
DATE_TYPES = {XSD.date, XSD.gYearMonth, XSD.gYear}
INTEGER_TYPES = {XSD.integer, XSD.nonNegativeInteger, XSD.positiveInteger}
# datatype properties without a domain are mostly about things (ISO codes, file digests): only these two
# free-text notes are offered on every statement
FREE_TEXT = {MK.summary, MK.note, SKOS.editorialNote}
# datatype properties without a domain in the ontology that are said of a statement (a policy's coverage and
# purpose, a recurring vote), unlike the ISO codes and digests of things
STATEMENT_FLAGS = {MK.recurring, MK.coverage, MK.purpose, MK.unlimitedDuration, MK.expired, MK.observedAsOf}
# what the drafter, the editions carrier and the release machinery write, never a curator's form
NOT_OFFERED = {*review.DRAFT_ONLY, MK.carriedFrom, MK.carryChange, MK.carryStatus, MK.marking}


def _offered(onto: Graph, p: URIRef, classes: list[URIRef]) -> bool:
    return str(p).startswith(str(MK)) and onto.value(p, RDFS.domain) in (None, *classes)


def _superclasses(onto: Graph, kind: URIRef) -> list[URIRef]:
    return [c for c in onto.transitive_objects(kind, RDFS.subClassOf) if isinstance(c, URIRef)]


def _shape_paths(shapes: Graph, classes: list[URIRef]) -> dict[URIRef, list]:
    """path -> the property shapes (nodes) that constrain it for a statement of these classes."""
    out: dict[URIRef, list] = {}
    for shape in sorted({s for c in classes for s in shapes.subjects(SH.targetClass, c)}, key=str):
        for prop in shapes.objects(shape, SH.property):
            path = shapes.value(prop, SH.path)
            if isinstance(path, URIRef):
                out.setdefault(path, []).append(prop)
    return out


def _is_date(shapes: Graph, props: list) -> bool:
    for prop in props:
        for alt in shapes.objects(prop, SH["or"]):
            if {shapes.value(m, SH.datatype) for m in Collection(shapes, alt)} & DATE_TYPES:
                return True
    return False


def _field(onto: Graph, shapes: Graph, p: URIRef, props: list) -> dict | None:
    if p in STRUCTURED:
        return None
    rng = onto.value(p, RDFS.range)
    if rng == MK.BreakdownItem:
        return None
    choices = [shorten(str(v)) for prop in props for lst in shapes.objects(prop, SH["in"])
               for v in Collection(shapes, lst)]
    datatypes = {shapes.value(prop, SH.datatype) for prop in props} | {rng}
    if p == MK.quantity:
        widget = "quantity"
    elif p in INTERVALS:
        widget = "interval"
    elif p == MK.content:
        widget = "content"
    elif p in FREE_TEXT:
        widget = "text"
    elif choices:
        widget = "choice"
    elif _is_date(shapes, props) or datatypes & DATE_TYPES:
        widget = "date"
    elif XSD.boolean in datatypes:
        widget = "boolean"
    elif datatypes & INTEGER_TYPES:
        widget = "integer"
    elif rng == MK.Concept:
        widget = "concept"
    elif (p, RDF.type, OWL.DatatypeProperty) in onto:
        widget = "text"
    else:
        widget = "entity"
    required = any(int(shapes.value(prop, SH.minCount) or 0) >= 1 for prop in props) or p == MK.assertedBy
    shaped = {shapes.value(prop, SH.datatype) for prop in props} & INTEGER_TYPES  # the shapes' type wins
    integer = sorted(shaped or datatypes & INTEGER_TYPES, key=str)
    return {"key": shorten(str(p)), "widget": widget, "required": required, "choices": choices,
            "label": str(onto.value(p, RDFS.label) or shorten(str(p)).removeprefix("mk:")),
            "datatype": str(integer[0]) if integer else None}


@cache
def _kinds(ontology: Path, shapes: Path) -> dict[str, dict]:
    onto = parse_turtle(ontology, ontology.name)
    sh = parse_turtle(shapes, shapes.name)
    out = {}
    statement_kinds = {c for c in onto.transitive_subjects(RDFS.subClassOf, MK.Statement) if isinstance(c, URIRef)}
    for kind in sorted(statement_kinds - {MK.Statement, MK.SpeechAct}, key=str):  # not the abstract ones
        classes = _superclasses(onto, kind)
        paths = _shape_paths(sh, classes)
        props = {p for p in onto.subjects(RDF.type, OWL.ObjectProperty) if _offered(onto, p, classes)}
        props |= {p for p in onto.subjects(RDF.type, OWL.DatatypeProperty)
                  if onto.value(p, RDFS.domain) in classes or p in FREE_TEXT | STATEMENT_FLAGS}
        props |= FREE_TEXT
        props -= NOT_OFFERED
        fields = [f for p in sorted(props | set(paths), key=str)
                  if (f := _field(onto, sh, p, paths.get(p, []))) is not None]
        fields.sort(key=lambda f: (not f["required"], f["key"]))
        out[shorten(str(kind))] = {"label": str(onto.value(kind, RDFS.label) or shorten(str(kind))),
                                   "fields": fields, "speechAct": MK.SpeechAct in classes}
    return out


def kinds(project: Project) -> dict[str, dict]:
    """Statement kind (prefixed) -> its label and fields, required ones first."""
    return _kinds(project.ontology / "minekg.ttl", project.root / "validate" / "shapes_violations.ttl")


def new_iri(slug: str, kind: str, start: int, taken: Graph) -> URIRef:
    """Deterministic from the document, the kind and the sentence offset; -2, -3 … if already used."""
    local = re.sub(r"(?<!^)(?=[A-Z])", "-", kind.removeprefix("mk:")).lower()
    base = f"{S}{slug}-new-{start:06d}-{local}"
    n, iri = 1, URIRef(base)
    while (iri, None, None) in taken:
        n += 1
        iri = URIRef(f"{base}-{n}")
    return iri


def _quote(text: str, sentence: coverage.Sentence, quote: str | None) -> str:
    quote = sentence.text if quote is None or not quote.strip() else quote
    if quote not in sentence.text:
        raise review.Invalid([review.Problem(None, f"quote {quote!r}: not part of this sentence")])
    hits = evidence.locate(text, quote, None, None)
    if len(hits) != 1:
        raise review.Invalid([review.Problem(None, f"quote {quote!r}: found {len(hits)} times in the source, "
                                                   "not once; select a longer passage")])
    return quote


def _value(g: Graph, field: dict, value, ctx: dict) -> object:
    widget = field["widget"]
    if widget == "entity" and isinstance(value, dict):
        return review_writes.new_entity(g, str(value.get("label", "")), str(value.get("kind", "")))
    if widget == "quantity":
        return structured.quantity(g, field["key"], value)
    if widget == "interval":
        return structured.interval(g, field["key"], value)
    if widget == "content":
        return _content(g, value, ctx)
    value = str(value).strip()
    if widget == "date":
        return review_writes._term(value, Literal("2000", datatype=XSD.gYear))
    if widget == "boolean":
        if value not in ("true", "false"):
            raise MinekgError(f"{field['key']}: true or false")
        return Literal(value == "true")
    if widget == "integer":
        if not re.fullmatch(r"[0-9]+", value):
            raise MinekgError(f"{field['key']}: a whole number")
        return Literal(int(value), datatype=URIRef(field["datatype"]))  # the shapes' integer type
    if widget == "text":
        return Literal(value)
    if widget == "choice" and value not in field["choices"]:
        raise MinekgError(f"{field['key']}: one of {', '.join(field['choices'])}")
    return review_writes._term(value, URIRef(str(MK)))


def _spec(project: Project, kind: str) -> dict:
    spec = kinds(project).get(kind)
    if spec is None:
        raise MinekgError(f"kind {kind!r}: not a statement kind the page can make ({', '.join(kinds(project))})")
    return spec


def add_values(g: Graph, iri: URIRef, kind: str, values: dict, ctx: dict, *, content: bool = False) -> None:
    """The kind's fields from the form; a list gives the field several values. A content statement has no
    speaker of its own (mk:assertedBy is the speech act's), so it takes no mk:assertedBy."""
    by_key = {fd["key"]: fd for fd in _spec(ctx["project"], kind)["fields"]}
    for key, given in sorted(values.items()):
        if key not in by_key or (content and key == "mk:assertedBy"):
            raise MinekgError(f"{key}: not a field of {kind}" + (" as a content statement" if content else ""))
        for value in given if isinstance(given, list) else [given]:
            if value in ("", None):
                continue
            g.add((iri, URIRef(expand(key)), _value(g, by_key[key], value, ctx)))


def _fill(g: Graph, iri: URIRef, kind: str, values: dict, ctx: dict, *, content: bool = False) -> None:
    """A new statement of `kind` with these fields, every field the shapes require given."""
    g.add((iri, RDF.type, URIRef(expand(kind))))
    add_values(g, iri, kind, values, ctx, content=content)
    missing = [fd["key"] for fd in _spec(ctx["project"], kind)["fields"] if fd["required"]
               and not (content and fd["key"] == "mk:assertedBy") and (iri, URIRef(expand(fd["key"])), None) not in g]
    if missing:
        raise review.Invalid([review.Problem(shorten(str(iri)), f"{k}: required for {kind}") for k in missing])


def amend(project: Project, f: review.Files, g: Graph, iri: URIRef, add: dict, quotes: list[dict],
          quote: dict | None = None) -> None:
    """What the edit form adds to a candidate being accepted: fields it lacks (or further values), its quote
    changed (a passage of its sentence the curator selects instead; footnote numbers set where given) and
    further quotes, with the new-statement form's widgets and checks."""
    if not add and not quotes and not quote:
        return
    kind = shorten(str(g.value(iri, RDF.type)))
    add_values(g, iri, kind, add, {"project": project, "doc": f.doc, "iri": iri, "taken": review.curated(f)})
    text = read_text(f.source, project.rel(f.source))
    if quote:
        _requote(g, iri, f.doc, text, quote)
    for entry in quotes:
        structured.add_evidence(g, iri, f.doc, text, entry, shorten(str(iri)))


def _requote(g: Graph, iri: URIRef, doc: str, text: str, quote: dict) -> None:
    evs = list(g.objects(iri, MK.evidence))
    if len(evs) != 1:
        raise MinekgError(f"{shorten(str(iri))}: its quote can be changed only when it has one")
    scratch = Graph()  # checked and built as a new quote would be, then put in place of the old one
    structured.add_evidence(scratch, iri, doc, text, quote, shorten(str(iri)))
    new = scratch.value(iri, MK.evidence)
    g.set((evs[0], MK.quote, scratch.value(new, MK.quote)))
    for p in (MK.footnote, MK.missingFootnoteNumber):
        if scratch.value(new, p) is not None:
            g.set((evs[0], p, scratch.value(new, p)))


def _content(g: Graph, value, ctx: dict) -> URIRef:
    """A speech act's content: an existing statement ("s:…"), or {kind, name, values} made with it."""
    if not isinstance(value, dict):
        return review_writes._term(str(value), URIRef(str(MK)))
    kind = str(value.get("kind") or "")
    if _spec(ctx["project"], kind)["speechAct"]:
        raise MinekgError(f"content kind {kind!r}: the content of a speech act is a statement that is not itself one")
    name = str(value.get("name") or "").strip()
    iri = structured.named(ctx["doc"], name) if name else URIRef(f"{ctx['iri']}-content")
    if (iri, None, None) in ctx["taken"]:
        raise MinekgError(f"{shorten(str(iri))}: already in the statements file; pick it as the content instead")
    _fill(g, iri, kind, dict(value.get("values") or {}), ctx, content=True)
    return iri


def statement(project: Project, f: review.Files, kind: str, start: int, quote: str | None,
              values: dict, footnote: int | None, taken: Graph, *, quotes: list[dict] | None = None,
              name: str | None = None, missing_footnote: int | None = None) -> tuple[URIRef, Graph]:
    """The new statement as a graph: its kind, fields and evidence (the quote on the sentence, then any
    further quotes anywhere in this document), named s:<doc>-<name> when the curator gives a name."""
    text = read_text(f.source, project.rel(f.source))
    sentence = next((s for s in coverage.sentences(text) if s.start == start), None)
    if sentence is None:
        raise MinekgError(f"start={start}: no sentence of doc:{f.doc} starts there (reload the page)")
    quote = _quote(text, sentence, quote)
    if name:
        iri = structured.named(f.doc, name)
        if (iri, None, None) in taken:
            raise review.Invalid([review.Problem(shorten(str(iri)), "this name is already used in the statements "
                                                                    "file; choose another")])
    else:
        iri = new_iri(f.doc, kind, start, taken)
    g = Graph()
    _fill(g, iri, kind, values, {"project": project, "doc": f.doc, "iri": iri, "taken": taken})
    first = {"quote": quote, "footnote": footnote, "missingFootnote": missing_footnote}
    for entry in [first, *(quotes or [])]:
        structured.add_evidence(g, iri, f.doc, text, entry, shorten(str(iri)))
    return iri, g


def create(project: Project, slug: str, kind: str, start: int, quote: str | None, values: dict,
           footnote: int | None, expected: str, *, quotes: list[dict] | None = None, name: str | None = None,
           missing_footnote: int | None = None) -> dict:
    f = review.files(project, slug)
    with review._LOCK:
        review._check_fresh(f.statements, expected, project)
        merged = review.curated(f)
        iri, new = statement(project, f, kind, start, quote, values, footnote, merged, quotes=quotes, name=name,
                             missing_footnote=missing_footnote)
        done = review_writes.save(project, f, merged, new)
    return {**done, "statement": shorten(str(iri))}
