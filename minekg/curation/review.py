"""Reviewing a document's drafted candidates (the library behind `minekg serve --curate`).

view() gives the document sentence by sentence with its coverage status, curated statements and open
candidates; accept(), reject() and exclude() write one file each, atomically, and only when the file is
still the one the curator saw (its sha256, sent with the page): otherwise Stale (HTTP 409). An accepted
candidate is rewritten in the curated model (draft-only terms dropped, values and evidence as blank
nodes), merged into graph_data/statements/FILE.ttl in the canonical layout (canonical.py) and the result
is checked (build, validation, coverage) before anything is written: a problem raises Invalid, naming
the statement it concerns, and the file stays as it was.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from minekg import atomic
from minekg.build import coverage, evidence
from minekg.curation import canonical, rejections
from minekg.errors import MinekgError
from minekg.project import Project
from minekg.rdf import isodates
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


# ------------------------------------------------------------------ accepting


def _owned(cand: Graph, root: URIRef) -> list[Node]:
    """The nodes an accepted candidate brings along: its values, evidence, footnote and content."""
    todo, seen = [root], []
    while todo:
        n = todo.pop()
        if n in seen:
            continue
        seen.append(n)
        for p, o in cand.predicate_objects(n):
            if isinstance(o, (URIRef, BNode)) and (p in (MK.evidence, MK.footnote, MK.content, MK.quantity, MK.part,
                                                          MK.period, MK.coversPeriod) or str(o).startswith(f"{n}-")):
                todo.append(o)
    return seen


def curated_form(cand: Graph, iri: URIRef) -> Graph:
    """The candidate as a curator would write it: draft-only terms and build-recorded offsets dropped,
    quantities, intervals, parts and evidence as blank nodes (the build names evidence itself)."""
    if (iri, MK.draftRule, None) not in cand:
        raise MinekgError(f"{shorten(str(iri))}: not an open candidate of this document (reload the page)")
    nodes = _owned(cand, iri)
    blank = {n: BNode() for n in nodes if set(cand.objects(n, RDF.type)) & VALUE_TYPES
             or (None, MK.evidence, n) in cand}
    out = Graph()
    for n in nodes:
        for p, o in cand.predicate_objects(n):
            if p in DRAFT_ONLY or p in RECORDED_BY_BUILD or (p == RDF.type and o == MK.Evidence):
                continue
            out.add((blank.get(n, n), p, blank.get(o, o)))
    return out


def _term(value: str, old: Node) -> Node:
    """An edited value, typed like the value it replaces."""
    value = value.strip()
    if isinstance(old, Literal):
        if old.datatype in (XSD.date, XSD.gYearMonth, XSD.gYear):
            dt = isodates.datatype(value)
            if dt is None:
                raise MinekgError(f"{value!r}: a date is YYYY-MM-DD, YYYY-MM or YYYY (keep the source's precision)")
            return Literal(value, datatype=dt)
        return Literal(value, datatype=old.datatype, lang=old.language)
    full = expand(value) if ":" in value and not value.startswith("http") else value
    if not full.startswith(("https://", "http://")):
        raise MinekgError(f"{value!r}: pick a value from the list")
    return URIRef(full)


def new_entity(g: Graph, label: str, kind: str) -> URIRef:
    """An entity created on purpose by the curator, with its label and kind."""
    label = " ".join(label.split())
    if not label or kind not in NEW_KINDS:
        raise MinekgError(f"new entity: give its label and one of the kinds {', '.join(NEW_KINDS)}")
    slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
    iri = URIRef(f"{ID}{NEW_KINDS[kind]}/{slug}")
    g.add((iri, RDF.type, URIRef(expand(kind))))
    g.add((iri, RDFS.label, Literal(label, lang="en")))
    return iri


def apply_edits(g: Graph, iri: URIRef, edits: dict) -> None:
    """Field edits from the page: {"mk:actor": "st:MNG" | {"label":…, "kind":…}, "mk:quantity": "1200"}."""
    for key, value in sorted(edits.items()):
        p = URIRef(expand(key))
        olds = list(g.objects(iri, p))
        if len(olds) != 1:
            raise MinekgError(f"{key}: not a single-valued field of {shorten(str(iri))}")
        old = olds[0]
        if p == MK.quantity:
            if not re.fullmatch(r"[0-9]+", str(value).strip()):
                raise MinekgError(f"{key}: a whole number, as the source gives it")
            g.set((old, MK.value, Literal(int(str(value).strip()), datatype=XSD.integer)))
            continue
        new = new_entity(g, value.get("label", ""), value.get("kind", "")) if isinstance(value, dict) \
            else _term(str(value), old)
        g.remove((iri, p, old))
        g.add((iri, p, new))


def _proposals(cand: Graph, g: Graph) -> list[Problem]:
    return [Problem(shorten(str(s)), f"{shorten(str(p))}: {shorten(str(o))} is a name the drafter proposed "
                    f"(\"{cand.value(o, MK.proposedLabel)}\"); pick a known one, or create it on purpose")
            for s, p, o in sorted(g) if (o, MK.proposedEntity, Literal(True)) in cand]


def header(f: Files) -> str:
    return (f"# Statements of doc:{f.doc} and what only it names ({f.project.rel(f.statements)}).\n"
            "# Canonical layout (minekg/curation/canonical.py), written by `minekg serve --curate`; "
            "comments are not kept.")


def accept(project: Project, slug: str, iri: str, edits: dict, expected: str,
           amend: Callable[[Files, Graph, URIRef], None] | None = None) -> dict:
    """`amend` adds what the edit form adds beyond changed values (fields, quotes: compose.amend)."""
    f = files(project, slug)
    with _LOCK:
        _check_fresh(f.statements, expected, project)
        cand = candidates(f)
        new = curated_form(cand, URIRef(iri))
        apply_edits(new, URIRef(iri), edits)
        if amend is not None:
            amend(f, new, URIRef(iri))
        problems = _proposals(cand, new)
        if problems:
            raise Invalid(problems)
        return save(project, f, curated(f), new)


def save(project: Project, f: Files, merged: Graph, new: Graph) -> dict:
    """`new` added to the statements file (`merged`, as read), checked, then written atomically in the
    canonical layout; the caller holds _LOCK and has checked the file is the one the curator saw."""
    for t in new:
        merged.add(t)
    text = canonical.serialize(merged, header(f))
    report = check(project, f, text)
    atomic.write_text(f.statements, text)
    return {"digest": digest(f.statements), "coverage": report}


# ------------------------------------------------------------------ rejecting and excluding


def _append(path: Path, first: str, entry: str, project: Project) -> None:
    old = read_text(path, project.rel(path)) if path.exists() else first
    atomic.write_text(path, old + ("" if old.endswith("\n") else "\n") + entry)


def reject(project: Project, slug: str, iri: str, reason: str, expected: str) -> dict:
    f = files(project, slug)
    if not reason.strip():
        raise MinekgError("reason: say why the candidate is rejected (the next draft will not propose it)")
    with _LOCK:
        _check_fresh(f.rejections, expected, project)
        cand = candidates(f)
        s = URIRef(iri)
        if (s, MK.draftRule, None) not in cand:
            raise MinekgError(f"{shorten(iri)}: not an open candidate of this document (reload the page)")
        quote = str(cand.value(cand.value(s, MK.evidence), MK.quote))
        r = rejections.Rejection(iri, str(cand.value(s, MK.draftRule)), quote, " ".join(reason.split()))
        _append(f.rejections, rejections.HEADER, rejections.entry(r), project)
    return {"digest": digest(f.rejections)}


def exclude(project: Project, slug: str, start: int, reason: str, expected: str) -> dict:
    f = files(project, slug)
    if not reason.strip():
        raise MinekgError("reason: say why the sentence is not turned into statements")
    text = read_text(f.source, project.rel(f.source))
    sent = next((s for s in coverage.sentences(text) if s.start == start), None)
    if sent is None:
        raise MinekgError(f"start={start}: no sentence of doc:{slug} starts there (reload the page)")
    with _LOCK:
        _check_fresh(f.exclusions, expected, project)
        entry = rejections.yaml_item({"sentence": sent.text, "reason": " ".join(reason.split())})
        _append(f.exclusions, f"# Sentences of doc:{slug} deliberately not turned into statements.\n", entry, project)
    return {"digest": digest(f.exclusions)}


# ------------------------------------------------------------------ checking before a write


def check(project: Project, f: Files, text: str) -> dict:
    """`minekg check` of the document (minekg/curation/check_fast.py: its statements files rebuilt into the
    project's cached build, what they touch validated, coverage) with `text` as its statements file, in a
    temporary copy of the project; Invalid lists what is violated, by statement."""
    from minekg.curation.check_cache import cache_dir
    from minekg.curation.check_fast import fast_check

    with tempfile.TemporaryDirectory(prefix="minekg-curate-") as tmp:
        root = Path(tmp).resolve()
        for name in ("ontology", "rules", "queries", "validate"):
            (root / name).symlink_to(project.root / name)
        (root / "graph_data" / "statements").mkdir(parents=True)
        for name in ("reference", "sources", "coverage_exclusions"):
            if (project.graph_data / name).exists():
                (root / "graph_data" / name).symlink_to(project.graph_data / name)
        for other in project.statements.glob("*.ttl"):
            if other.name != f.statements.name:
                shutil.copy(other, root / "graph_data" / "statements" / other.name)
        (root / "graph_data" / "statements" / f.statements.name).write_text(text, encoding="utf-8")
        try:
            report = fast_check(f.doc, Project(root), cache=cache_dir(project))
        except MinekgError as e:  # the build itself failed: a syntax error, an unknown term or ISO code
            raise Invalid([Problem(None, str(e))]) from None
        if report.violations:
            raise Invalid([Problem(v.focus, f"{v.path + ': ' if v.path else ''}{v.message} [{v.shape}]")
                           for v in report.violations])
        cov = report.coverage
        return {"sentences": cov.sentences, "covered": cov.covered, "excluded": cov.excluded,
                "coverage": round(cov.coverage, 4)} if cov else {}
