"""Curation: the steps between a new document and its statements in the graph.

This package owns taking a source document in (`intake`: `minekg add-source` copies it into
graph_data/sources/, turns a web page or PDF into text once, and describes it in sources.ttl), drafting
candidate statements from its text (`minekg draft`: sentences with their footnotes, names resolved against
the graph's labels and ISO 3166, dates and quantities at the precision given, rules in draft_rules.yaml
applied by `rules` with one builder per statement kind, `writer` into graph_data/drafts/, which the build
never loads), the curator's check of one document (`check`: `minekg check SLUG` builds into a temporary
folder and reports the validation results and coverage that concern that document), and the curation
diagnostics the build and the check share (`diagnose`: why a quote was not found, an entity described in
two files, labels that nearly repeat an existing one).
Library API: draft(project, slug) -> rdflib.Graph, and write(project, slug, graph) -> path; for a
profile's next edition (carry.py, diff.py), carry(project, old, new) -> CarryReport and
diff(project, old, new) -> DiffReport, both with .to_json().
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, Literal, URIRef

from minekg.curation import editions, names, rejections, rules, sentences, writer
from minekg.project import Project
from minekg.rdf.namespaces import DCTERMS, MK

SPEECH_ACTS = rules.SPEECH
__all__ = ["CarryReport", "DiffReport", "candidates", "carry", "diff", "draft", "write"]


def _document(project: Project, slug: str, gz: names.Gazetteer) -> tuple[rules.Doc, str]:
    g, iri, text = editions.source(project, slug, "to draft from")
    updated = g.value(iri, MK.lastUpdated)
    doc = rules.Doc(slug, iri, updated if isinstance(updated, Literal) else None, g.value(iri, DCTERMS.publisher),
                    sorted(g.objects(iri, MK.aboutActor)), str(g.value(iri, DCTERMS.title) or slug), gz)
    doc.text = text
    return doc, text


def candidates(project: Project, slug: str, rule_set: rules.RuleSet | None = None):
    """The document, its text and its candidates, in text order."""
    rs = rule_set or rules.load_rules()
    gz = names.gazetteer(project, rs.aliases)
    doc, text = _document(project, slug, gz)
    found = []
    for s in sentences.split(text):
        found.extend(rules.apply(rs, doc, s))
    return doc, text, found


def draft(project: Project, slug: str) -> Graph:
    """Candidate statements for every sentence of doc:SLUG, as a graph in the curated model."""
    doc, text, found = candidates(project, slug)
    rejected = rejections.load(project, slug)  # what a curator rejected is not proposed again
    g = writer.new_graph()
    answered: dict[tuple, tuple[URIRef, URIRef]] = {}  # (accused, content kind) -> (allegation, content)
    for c in found:
        iri = writer.statement_iri(doc, c)
        if rejections.is_rejected(rejected, str(iri), c.rule, c.sentence.text):
            continue
        content = None
        if c.content is not None:
            key = (c.value("assertedBy"), c.content.kind)
            if c.kind == "Denial" and key in answered:
                allegation, content = answered[key]
                g.add((iri, MK.respondsTo, allegation))
            else:
                content = URIRef(f"{iri}-content")
                writer.body(g, content, c.content)
            if c.kind == "Allegation":
                answered.setdefault((c.value("accused"), c.content.kind), (iri, content))
        writer.add_candidate(g, doc, text, c, iri, content)
    return g


def write(project: Project, slug: str, graph: Graph) -> Path:
    """graph_data/drafts/SLUG.ttl (atomically), which the build never loads."""
    return writer.write(project, slug, graph)


# (last: they build on the drafter's modules; as functions, they shadow their modules' names here, so
# reach the rest of the modules by `from minekg.curation.carry import write`)
from minekg.curation.carry import CarryReport, carry  # noqa: E402
from minekg.curation.diff import DiffReport, diff  # noqa: E402
