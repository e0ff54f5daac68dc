"""What an entity page shows, computed from its page graph (minekg/sparql/server/page.rq) into plain objects
the HTML template walks: the entity's facts, the statements involving it as sentences with their quotes,
and what points at it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS
from rdflib.term import Node

from minekg.rdf.namespaces import DOC, EV, ID, MK
from minekg.server.sentences import LABELS, Token, label, link, local_href, most_specific_kinds, sentence, value_tokens

DESCRIPTIONS = (SKOS.definition, DCTERMS.description, RDFS.comment, MK.summary)


@dataclass
class QuoteView:
    text: str
    document: Token | None
    highlight_href: str | None
    footnote: Token | None
    evidence: Token


@dataclass
class StatementView:
    iri: Token
    sentence: list[Token]
    summary: str | None
    quotes: list[QuoteView]


@dataclass
class Section:
    title: str
    statements: list[StatementView]


@dataclass
class EntityView:
    iri: str
    label: str
    kinds: list[Token]
    alt_labels: list[str]
    descriptions: list[str]
    facts: list[tuple[Token, list[list[Token]]]]
    sections: list[Section] = field(default_factory=list)
    referenced_by: list[tuple[Token, Token]] = field(default_factory=list)
    text_href: str | None = None  # a source document's text
    data_links: list[tuple[str, str]] = field(default_factory=list)  # (format name, href)


def _order(term: Node) -> tuple:
    # Numbers in numeric order (footnotes 4, 8, 14), everything else by its text.
    if isinstance(term, Literal) and isinstance(term.toPython(), int | float):
        return (0, float(term.toPython()), "")
    return (1, 0.0, str(term))


def highlight_href(doc: Node, ev: Node) -> str | None:
    """The document's text page with this evidence's passage highlighted."""
    if not (isinstance(doc, URIRef) and str(doc).startswith(str(DOC)) and str(ev).startswith(str(EV))):
        return None
    return f"/text/document/{str(doc)[len(str(DOC)) :]}?evidence={str(ev)[len(str(EV)) :]}#quote"


def quotes(g: Graph, st: Node) -> list[QuoteView]:
    out = []
    for ev in sorted(g.objects(st, MK.evidence), key=str):
        quote = g.value(ev, MK.quote)
        doc = g.value(ev, MK.source)
        footnote = g.value(ev, MK.footnote)
        out.append(
            QuoteView(
                text=str(quote) if quote is not None else "",
                document=link(g, doc) if isinstance(doc, URIRef) else None,
                highlight_href=highlight_href(doc, ev) if quote is not None and doc is not None else None,
                footnote=link(g, footnote) if isinstance(footnote, URIRef) else None,
                evidence=link(g, ev) if isinstance(ev, URIRef) else Token("evidence"),
            )
        )
    return out


def statement_view(g: Graph, st: Node, wording_file: Path) -> StatementView:
    summary = g.value(st, MK.summary)
    return StatementView(
        link(g, st) if isinstance(st, URIRef) else Token("statement"),
        sentence(g, st, wording_file),
        str(summary) if summary is not None else None,
        quotes(g, st),
    )


def _statements(g: Graph) -> set[Node]:
    """Nodes of the page graph that are statements shown in their own right (attributed ones)."""
    return {s for s in g.subjects(MK.assertedBy) if isinstance(s, URIRef)}


def _mentions(g: Graph, st: Node, iri: URIRef) -> bool:
    if iri in set(g.objects(st)):
        return True
    return any(iri in set(g.objects(c)) for c in g.objects(st, MK.content))


def entity_view(g: Graph, iri: URIRef, wording_file: Path) -> EntityView:
    view = _head(g, iri)
    statements = _statements(g)
    if iri in statements or (None, MK.content, iri) in g:
        view.sections += _statement_sections(g, iri, statements, wording_file)
    else:
        view.sections += _entity_sections(g, iri, view, statements, wording_file)
    view.referenced_by = _referenced_by(g, iri, view, statements)
    return view


def _head(g: Graph, iri: URIRef) -> EntityView:
    """The top of the page: the entity's label, kinds, descriptions, facts and links to its data and text."""
    kinds = [link(g, k) for k in most_specific_kinds(g, iri)]
    main = label(g, iri)
    alt = sorted({str(o) for p in (*LABELS, SKOS.altLabel) for o in g.objects(iri, p)} - {main})
    descriptions = [str(o) for p in DESCRIPTIONS for o in sorted(g.objects(iri, p), key=str)]
    shown_elsewhere = {*LABELS, SKOS.altLabel, RDF.type, *DESCRIPTIONS}
    facts: dict[Node, list[list[Token]]] = {}
    for p, o in sorted(g.predicate_objects(iri), key=lambda po: (label(g, po[0]), _order(po[1]))):
        if p in shown_elsewhere:
            continue
        facts.setdefault(p, []).append(value_tokens(g, o))
    view = EntityView(str(iri), main, kinds, alt, descriptions, [(link(g, p), values) for p, values in facts.items()])
    view.data_links = [
        (name, f"/data/{str(iri)[len(ID) :]}.{ext}")
        for name, ext in (("Turtle", "ttl"), ("JSON-LD", "jsonld"), ("N-Triples", "nt"), ("RDF/XML", "rdf"))
    ]
    if (iri, MK.sourceFile, None) in g and str(iri).startswith(str(DOC)):
        view.text_href = f"/text/document/{str(iri)[len(str(DOC)) :]}"
    return view


def _by_key(s: Node) -> str:
    return str(s)  # statement slugs start with their document: a readable order


def _statement_sections(g: Graph, iri: URIRef, statements: set[Node], wording_file: Path) -> list[Section]:
    """The sections of a statement's page (or its content's): itself, and the speech acts about the same content."""
    sections = []
    own = [iri] if iri in statements else []
    about = sorted(
        (
            s
            for s in statements - {iri}
            if (s, MK.content, iri) in g
            or (s, MK.respondsTo, iri) in g
            or (iri, MK.respondsTo, s) in g
            or (iri, MK.content, None) in g
            and g.value(iri, MK.content) == g.value(s, MK.content)
        ),
        key=_by_key,
    )
    if own:
        sections.append(Section("This statement", [statement_view(g, iri, wording_file)]))
    if about:
        sections.append(
            Section("Speech acts about the same content", [statement_view(g, s, wording_file) for s in about])
        )
    return sections


def _entity_sections(
    g: Graph, iri: URIRef, view: EntityView, statements: set[Node], wording_file: Path
) -> list[Section]:
    """The sections of any other entity's page: the claims it made, and the statements about or reported in it."""
    sections = []
    main = view.label
    made = sorted((s for s in statements if (s, MK.assertedBy, iri) in g), key=_by_key)
    about = sorted((s for s in statements - set(made) if _mentions(g, s, iri)), key=_by_key)
    if made:
        sections.append(Section(f"Claims made by {main}", [statement_view(g, s, wording_file) for s in made]))
    if about:
        title = (
            f"Statements reported in {main}"
            if view.text_href
            else f"Claims about {main}, made by others"
            if made or (None, MK.accused, iri) in g
            else f"Statements involving {main}"
        )
        sections.append(Section(title, [statement_view(g, s, wording_file) for s in about]))
    return sections


def _referenced_by(g: Graph, iri: URIRef, view: EntityView, statements: set[Node]) -> list[tuple[Token, Token]]:
    """What points at the entity, leaving out the statements already listed in the sections."""
    shown = {v.iri.title for sec in view.sections for v in sec.statements}
    listed = {s for s in statements if str(s) in shown}
    refs = set()
    for s, p in g.subject_predicates(iri):
        if s in listed or not isinstance(s, URIRef) or p in (MK.content, MK.reportedIn, MK.source):
            continue
        if any((x, MK.content, s) in g for x in listed):
            continue  # a content statement, shown inside the speech acts listed above
        refs.add((s, p))
    return [(link(g, s), link(g, p)) for s, p in sorted(refs, key=lambda sp: (label(g, sp[0]), str(sp)))]


__all__ = ["EntityView", "Section", "StatementView", "QuoteView", "entity_view", "local_href"]
