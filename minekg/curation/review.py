"""Reviewing a document's drafted candidates (the library behind `minekg serve --curate`).

view() gives the document sentence by sentence with its coverage status, curated statements and open
candidates; accept(), reject() and exclude() (review_writes.py) write one file each, atomically, and only
when the file is still the one the curator saw (its sha256, sent with the page): otherwise Stale (HTTP
409). An accepted candidate is rewritten in the curated model (draft-only terms dropped, values and
evidence as blank nodes), merged into graph_data/statements/FILE.ttl in the canonical layout
(canonical.py) and the result is checked (build, validation, coverage) before anything is written: a
problem raises Invalid, naming the statement it concerns, and the file stays as it was.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from minekg.build import coverage, evidence
from minekg.curation import canonical, rejections
from minekg.errors import MinekgError
from minekg.project import Project
from minekg.rdf.loading import parse_turtle, read_text
from minekg.rdf.namespaces import DOC, ID, MK, expand, shorten

DRAFT_ONLY = {MK.draftRule, MK.draftConfidence, MK.proposedEntity, MK.proposedLabel}
RECORDED_BY_BUILD = {MK.startOffset, MK.endOffset}
VALUE_TYPES = {MK.Quantity, MK.Interval, MK.BreakdownItem}
NEW_KINDS = {  # kinds a curator may create on purpose, and the namespace of each (states come from ISO)
    "mk:GovernmentBody": "agent", "mk:Organisation": "agent", "mk:NonStateArmedGroup": "agent",
    "mk:Person": "person", "mk:Place": "place", "mk:TreatyMeeting": "meeting", "mk:MineType": "minetype",
}
_LOCK = threading.Lock()  # one write at a time: compare-then-write must not interleave


class Stale(MinekgError):
    """The file changed since the page was loaded."""


@dataclass
class Problem:
    focus: str | None  # the statement (prefixed name) it concerns, where known
    message: str


class Invalid(MinekgError):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


@dataclass
class Files:
    project: Project
    doc: str  # the document's slug
    stem: str  # the statements file's (and exclusions file's) stem
    source: Path = field(init=False)

    @property
    def statements(self) -> Path:
        return self.project.statements / f"{self.stem}.ttl"

    @property
    def exclusions(self) -> Path:
        return self.project.exclusions / f"{self.stem}.yaml"

    @property
    def rejections(self) -> Path:
        return rejections.path(self.project, self.doc)

    @property
    def draft(self) -> Path:
        return self.project.graph_data / "drafts" / f"{self.doc}.ttl"

    def digests(self) -> dict[str, str]:
        return {"statements": digest(self.statements), "exclusions": digest(self.exclusions),
                "rejections": digest(self.rejections)}


def digest(path: Path) -> str:
    """sha256 of the file's bytes; 'absent' for a file not written yet."""
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else "absent"


def documents(project: Project) -> dict[str, Path]:
    """Text documents described in sources.ttl: slug -> source file."""
    path = project.sources / "sources.ttl"
    g = parse_turtle(path, project.rel(path))
    found = {}
    for doc, rel in g.subject_objects(MK.sourceFile):
        if str(doc).startswith(str(DOC)) and not str(rel).endswith(".csv"):
            found[str(doc)[len(DOC):]] = project.graph_data / str(rel)
    return dict(sorted(found.items()))


def files(project: Project, slug: str) -> Files:
    known = documents(project)
    if slug not in known:
        raise MinekgError(f"doc:{slug}: no such text document in graph_data/sources/sources.ttl")
    # a document's statements file is named by its slug or a prefix of it (news-2025 for news-2025-…)
    stems = [p.stem for p in sorted(project.statements.glob("*.ttl"))]
    stem = next((s for s in stems if s == slug or slug.startswith(s + "-")), slug)
    f = Files(project, slug, stem)
    f.source = known[slug]
    return f


def _check_fresh(path: Path, expected: str, project: Project) -> None:
    if digest(path) != expected:
        raise Stale(f"{project.rel(path)} changed since this page was loaded (in another tab or by hand); "
                    "reload the page to see it, then decide again")


# ------------------------------------------------------------------ reading


def candidates(f: Files) -> Graph:
    """The drafted candidates: graph_data/drafts/DOC.ttl, or drafted now when there is none yet."""
    from minekg.curation import draft  # the drafter loads its rules and gazetteer: only when a page asks for it

    g = parse_turtle(f.draft, f.project.rel(f.draft)) if f.draft.exists() else draft(f.project, f.doc)
    rejected = rejections.load(f.project, f.doc)
    for c in list(g.subjects(MK.draftRule, None)):
        ev = g.value(c, MK.evidence)
        quote = str(g.value(ev, MK.quote) or "") if ev is not None else ""
        if rejections.is_rejected(rejected, str(c), str(g.value(c, MK.draftRule)), quote):
            g.remove((c, MK.draftRule, None))  # no longer a candidate
    return g


def curated(f: Files) -> Graph:
    return parse_turtle(f.statements, f.project.rel(f.statements)) if f.statements.exists() else Graph()


def _span(g: Graph, stmt: Node, text: str, doc: URIRef) -> tuple[int, int] | None:
    for ev in sorted(g.objects(stmt, MK.evidence), key=str):
        quote = g.value(ev, MK.quote)
        if g.value(ev, MK.source) != doc or quote is None:
            continue
        prefix, suffix = g.value(ev, MK.quotePrefix), g.value(ev, MK.quoteSuffix)
        hits = evidence.locate(text, str(quote), prefix and str(prefix), suffix and str(suffix))
        if len(hits) == 1:
            return hits[0], hits[0] + len(str(quote))
    return None


def _label(g: Graph, labels: dict[str, str], o: Node) -> str:
    if isinstance(o, Literal):
        return str(o)
    return str(g.value(o, RDFS.label) or labels.get(str(o)) or shorten(str(o)))


def fields(g: Graph, s: Node, labels: dict[str, str], vocab: dict[str, str]) -> list[dict]:
    """What a statement says, field by field, with how each may be edited."""
    out = []
    for p in sorted(set(g.predicates(s)), key=canonical._predicate_key):
        if p in DRAFT_ONLY or p in (RDF.type, MK.evidence):
            continue
        objs = sorted(g.objects(s, p), key=str)
        for o in objs:
            row = {"key": shorten(str(p)), "value": shorten(str(o)) if isinstance(o, URIRef) else str(o),
                   "label": _label(g, labels, o), "widget": _widget(g, o, vocab), "single": len(objs) == 1,
                   "proposed": (o, MK.proposedEntity, Literal(True)) in g}
            if isinstance(o, Literal) and o.datatype:
                row["datatype"] = shorten(str(o.datatype))
            if isinstance(o, (BNode, URIRef)) and set(g.objects(o, RDF.type)) & VALUE_TYPES:
                row["widget"] = "value"
                row["label"] = ", ".join(f"{shorten(str(q)).removeprefix('mk:')} {_label(g, labels, v)}"
                                         for q, v in sorted(g.predicate_objects(o)) if q != RDF.type)
                quantity = g.value(o, MK.value)
                if p == MK.quantity and quantity is not None:
                    row.update(widget="quantity", value=str(quantity))
            out.append(row)
    return out


def _widget(g: Graph, o: Node, vocab: dict[str, str]) -> str:
    if isinstance(o, Literal):
        if o.datatype in (XSD.date, XSD.gYearMonth, XSD.gYear):
            return "date"
        return "boolean" if o.datatype == XSD.boolean else "text"
    if str(o) in vocab:
        return "concept:" + vocab[str(o)]
    return "entity" if str(o).startswith(ID) else "fixed"


def vocabularies(project: Project) -> tuple[dict[str, str], dict[str, list[dict]]]:
    """ontology/vocabularies.ttl: concept -> its scheme, and scheme -> its concepts (value and label)."""
    path = project.ontology / "vocabularies.ttl"
    g = parse_turtle(path, project.rel(path))
    of, schemes = {}, {}
    for c, scheme in sorted(g.subject_objects(SKOS.inScheme)):
        key = shorten(str(scheme))
        of[str(c)] = key
        schemes.setdefault(key, []).append({"value": shorten(str(c)), "label": str(g.value(c, SKOS.prefLabel)
                                                                                 or g.value(c, RDFS.label) or c)})
    return of, schemes


def _released(project: Project, profile: str):
    """A test: is a node of a graph releasable at `profile` (no mk:marking ranked above it; unmarked is CLEAR)?"""
    path = project.ontology / "vocabularies.ttl"
    g = parse_turtle(path, project.rel(path))
    ranks = {m: int(r) for m, r in g.subject_objects(MK.rank)}
    allowed = ranks.get(MK[f"TLP_{profile}"])
    if allowed is None:
        raise MinekgError(f"unknown release profile {profile!r}")
    return lambda graph, node: all(ranks.get(m, allowed + 1) <= allowed for m in graph.objects(node, MK.marking))


def view(project: Project, slug: str, labels: dict[str, str] | None = None, profile: str = "CLEAR") -> dict:
    """The document sentence by sentence: status, exclusion reason, curated statements, open candidates;
    a statement marked above the release profile is left out, as every other channel leaves it out."""
    f = files(project, slug)
    text = read_text(f.source, project.rel(f.source))
    doc = URIRef(DOC[slug])
    vocab, schemes = vocabularies(project)
    concepts = {expand(c["value"]): c["label"] for values in schemes.values() for c in values}
    labels = {**concepts, **(labels or {})}
    cur, cand = curated(f), candidates(f)
    released = _released(project, profile)
    exclusions = coverage.load_exclusions(project, f.stem)
    items = []
    for s in sorted({s for s in cur.subjects(MK.evidence, None) if isinstance(s, URIRef)}, key=str):
        span = _span(cur, s, text, doc)
        if span and released(cur, s):
            items.append(("statement", s, span, cur))
    for s in sorted(cand.subjects(MK.draftRule, None), key=str):
        if (s, None, None) in cur:
            continue  # accepted already
        span = _span(cand, s, text, doc)
        if span and released(cand, s):
            items.append(("candidate", s, span, cand))
    sents = coverage.sentences(text)
    rows = []
    for n, sent in enumerate(sents):
        covered = [it[2] for it in items if it[0] == "statement" and it[2][0] < sent.end and sent.start < it[2][1]]
        reason = None if covered else _exclusion(exclusions, sent.text)  # as coverage counts it
        rows.append({"n": n, "start": sent.start, "end": sent.end, "text": sent.text,
                     "status": _status(sent, covered, reason), "reason": reason, "items": []})
    for kind, s, span, g in items:  # each shown once, at the first sentence its quote overlaps
        n = next((i for i, x in enumerate(sents) if span[0] < x.end and x.start < span[1]), None)
        if n is not None:
            rows[n]["items"].append(_item(kind, s, span, g, sents[n], labels, vocab))
    return {"slug": slug, "stem": f.stem, "sentences": rows, "digests": f.digests(), "schemes": schemes,
            "files": {"statements": project.rel(f.statements), "exclusions": project.rel(f.exclusions),
                      "rejections": project.rel(f.rejections)}}


def _exclusion(exclusions: list[dict], sentence: str) -> str | None:
    text = coverage._norm(sentence)
    for x in exclusions:
        other = coverage._norm(str(x["sentence"]))
        if text.startswith(other) or other.startswith(text):
            return str(x["reason"])
    return None


def _status(sent: coverage.Sentence, spans: list[tuple[int, int]], reason: str | None) -> str:
    if spans:
        inside = set()
        for a, b in spans:
            inside.update(range(max(a, sent.start), min(b, sent.end)))
        letters = {i for i in range(sent.start, sent.end) if not sent.text[i - sent.start].isspace()}
        return "covered" if letters <= inside else "partly covered"
    return "excluded" if reason is not None else "not covered"


def _item(kind: str, s: URIRef, span: tuple[int, int], g: Graph, sent, labels, vocab) -> dict:
    content = g.value(s, MK.content)
    return {
        "kind": kind, "iri": str(s), "short": shorten(str(s)),
        "type": ", ".join(shorten(str(t)).removeprefix("mk:") for t in sorted(g.objects(s, RDF.type))),
        "rule": str(g.value(s, MK.draftRule) or ""), "confidence": str(g.value(s, MK.draftConfidence) or ""),
        "fields": fields(g, s, labels, vocab),
        "content": fields(g, content, labels, vocab) if content is not None else [],
        "quote_start": max(span[0], sent.start) - sent.start, "quote_end": min(span[1], sent.end) - sent.start,
    }
