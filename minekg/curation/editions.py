"""What carry and diff share: a document's text and date, the statements whose evidence is in it, the
fields of a statement as paths, and the word tokens quotes are compared by."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from minekg.curation.rules import SPEECH
from minekg.errors import MinekgError
from minekg.project import Project
from minekg.rdf.loading import parse_turtle, read_text
from minekg.rdf.namespaces import DOC, MK, shorten

# A figure with its thousands separators is one token ("4,492"), so a changed figure is one changed word.
_TOKEN = re.compile(r"\d[\d,.]*\d|\w+|[^\w\s]")
# Terms a field comparison leaves out: provenance of the statement itself, prose, and drafting marks.
NOT_FIELDS = {MK.evidence, MK.summary, MK.draftRule, MK.draftConfidence, MK.carriedFrom, MK.carryStatus,
              MK.carryChange}


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    text: str


def tokens(text: str) -> list[Token]:
    return [Token(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]


@dataclass(frozen=True)
class Document:
    slug: str
    iri: URIRef
    text: str
    last_updated: Literal | None


def source(project: Project, slug: str, what: str) -> tuple[Graph, URIRef, str]:
    """sources.ttl, doc:SLUG and its text; an unknown slug or a table is a one-line error."""
    path = project.sources / "sources.ttl"
    g = parse_turtle(path, project.rel(path))
    iri = URIRef(DOC[slug])
    rel = g.value(iri, MK.sourceFile)
    if rel is None:
        known = ", ".join(sorted(str(d).rsplit("/", 1)[-1] for d in g.subjects(MK.sourceFile, None)))
        raise MinekgError(f"doc:{slug}: no such document in {project.rel(path)} (known: {known})")
    if str(rel).endswith(".csv"):
        raise MinekgError(f"doc:{slug}: a reference table, not a text {what}")
    file = project.graph_data / str(rel)
    return g, iri, read_text(file, project.rel(file))


def document(project: Project, slug: str) -> Document:
    """doc:SLUG's text and date."""
    g, iri, text = source(project, slug, "with statements")
    updated = g.value(iri, MK.lastUpdated)
    return Document(slug, iri, text, updated if isinstance(updated, Literal) else None)


def statements_graph(project: Project) -> Graph:
    """Every curated statements file, merged (blank nodes stay apart: one parse per file)."""
    g = Graph()
    for path in sorted(project.statements.glob("*.ttl")):
        g += parse_turtle(path, project.rel(path))
    return g


def statements_of(g: Graph, doc: Document) -> list[URIRef]:
    """The statements with evidence in the document, in IRI order."""
    found = {s for s, ev in g.subject_objects(MK.evidence) if (ev, MK.source, doc.iri) in g}
    return sorted(s for s in found if isinstance(s, URIRef))


def kind(g: Graph, s: Node) -> str:
    types = sorted(str(t).rsplit("#", 1)[-1] for t in g.objects(s, RDF.type) if str(t).startswith(str(MK)))
    return types[0] if types else "Statement"


def main_actor(g: Graph, s: Node) -> Node | None:
    """The speaker of a speech act, else the actor (as the draft score pairs statements)."""
    return g.value(s, MK.assertedBy) if kind(g, s) in SPEECH else g.value(s, MK.actor) or g.value(s, MK.assertedBy)


def owned(s: Node, o: Node) -> bool:
    """Whether `o` is part of statement `s`: a blank node, or an IRI the drafter derived from s's."""
    return isinstance(o, BNode) or (isinstance(o, URIRef) and str(o).startswith(f"{s}-"))


def field_values(g: Graph, s: Node, path: str = "", depth: int = 0) -> list[tuple[str, Node, Node, Node]]:
    """(path, subject, predicate, value) for every leaf of the statement: its own values, and those of the
    nodes it owns (quantity, period, parts, content), paths like mk:quantity/mk:value."""
    out = []
    for p, o in sorted(g.predicate_objects(s)):
        if p in NOT_FIELDS:
            continue
        here = f"{path}{shorten(str(p))}"
        # a content statement's fields are the speech act's: its IRI differs from edition to edition
        if depth < 3 and (owned(s, o) or p == MK.content):
            out.extend(field_values(g, o, here + "/", depth + 1))
        else:
            out.append((here, s, p, o))
    return out


def show(node: Node) -> str:
    return str(node) if isinstance(node, Literal) else shorten(str(node))
