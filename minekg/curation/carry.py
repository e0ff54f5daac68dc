"""`minekg carry OLD NEW`: the statements of a profile's last edition re-anchored in its next one.

Each statement whose evidence is in doc:OLD becomes a candidate for doc:NEW: unchanged where every quote
is found exactly, changed where a quote is found in a sentence that changed a little (with the words that
changed, and the fields they feed updated from the new words where they are a figure or a date), gone
where no quote is found. Sentences of NEW with no counterpart in OLD are listed for `minekg draft`.
Candidates go to graph_data/drafts/NEW.ttl in the drafter's format; the statements files are not touched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.term import Node

from minekg import atomic
from minekg.build import coverage, evidence
from minekg.curation import dates, quantities, sentences, writer
from minekg.curation.anchor import Anchor, WordChange, anchor, counterpart, word_changes
from minekg.curation.editions import (
    Document,
    document,
    field_values,
    kind,
    owned,
    show,
    statements_graph,
    statements_of,
)
from minekg.errors import MinekgError
from minekg.project import Project
from minekg.rdf.namespaces import MK, S, shorten

CONFIDENCE = {"unchanged": Decimal("1.0"), "changed": Decimal("0.7")}


@dataclass(frozen=True)
class FieldChange:
    field: str  # a path of mk: terms, e.g. mk:quantity/mk:value
    old: str
    new: str

    def to_json(self) -> dict:
        return {"field": self.field, "old": self.old, "new": self.new}


@dataclass
class Carried:
    old: URIRef
    new: URIRef
    kind: str
    status: str  # unchanged | changed
    quotes: list[tuple[str, Anchor]] = field(default_factory=list)  # (old quote, where it now stands)
    lost: list[str] = field(default_factory=list)  # old quotes of this statement no longer found
    words: list[WordChange] = field(default_factory=list)
    fields: list[FieldChange] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"old": shorten(str(self.old)), "new": shorten(str(self.new)), "kind": self.kind,
                "status": self.status,
                "quotes": [{"old": o, "new": a.quote, "start": a.start, "end": a.end} for o, a in self.quotes],
                "lost_quotes": self.lost, "words": [w.to_json() for w in self.words],
                "fields": [f.to_json() for f in self.fields]}


@dataclass(frozen=True)
class Gone:
    old: URIRef
    kind: str
    quotes: tuple[str, ...]

    def to_json(self) -> dict:
        return {"old": shorten(str(self.old)), "kind": self.kind, "quotes": list(self.quotes)}


@dataclass
class CarryReport:
    old: str
    new: str
    carried: list[Carried]
    gone: list[Gone]
    new_sentences: list[coverage.Sentence]
    graph: Graph

    def count(self, status: str) -> int:
        return sum(1 for c in self.carried if c.status == status)

    def to_json(self) -> dict:
        return {"old": self.old, "new": self.new,
                "counts": {"unchanged": self.count("unchanged"), "changed": self.count("changed"),
                           "gone": len(self.gone), "new_sentences": len(self.new_sentences)},
                "changed": [c.to_json() for c in self.carried if c.status == "changed"],
                "unchanged": [c.to_json() for c in self.carried if c.status == "unchanged"],
                "gone": [g.to_json() for g in self.gone],
                "new_sentences": [{"start": s.start, "end": s.end, "text": s.text} for s in self.new_sentences]}

    def to_table(self) -> str:
        lines = [f"carry doc:{self.old} -> doc:{self.new}: {self.count('unchanged')} unchanged, "
                 f"{self.count('changed')} changed, {len(self.gone)} gone, {len(self.new_sentences)} new sentences"]
        for c in self.carried:
            if c.status == "changed":
                lines.append(f"changed   {shorten(str(c.old))} -> {shorten(str(c.new))} ({c.kind})")
                lines += [f"          words: {w.old!r} -> {w.new!r}" for w in c.words]
                lines += [f"          field: {f.field} {f.old} -> {f.new}" for f in c.fields]
                lines += [f"          quote no longer found: {q!r}" for q in c.lost]
        lines += [f"gone      {shorten(str(g.old))} ({g.kind}): {g.quotes[0]!r}" for g in self.gone]
        lines += [f"new       [{s.start}:{s.end}] {s.text}" for s in self.new_sentences]
        return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ which fields the changed words feed


def _mentions(text: str, span: tuple[int, int]) -> list[tuple[str, Literal, str]]:
    """The dates and figures of `text` that overlap `span`, as (kind, value, as written) in text order."""
    a, b = span
    found = []
    ds = dates.find_dates(text)
    for d in ds:
        if d.start < b and a < d.end or (a == b and d.start <= a <= d.end):
            found.append((d.start, "date", d.value, text[d.start : d.end]))
            if d.until is not None:
                found.append((d.start + 1, "date", d.until, text[d.start : d.end]))
    for f in quantities.find_figures(text, [(d.start, d.end) for d in ds]):
        if f.start < b and a < f.end:
            found.append((f.start, "figure", Literal(f.value, datatype=XSD.integer), text[f.start : f.end]))
    return [m[1:] for m in sorted(found, key=lambda m: m[0])]


def _same(kind_: str, a: Node, b: Literal) -> bool:
    if not isinstance(a, Literal):
        return False
    if kind_ == "figure":
        return a.datatype != XSD.string and str(a.toPython()) == str(b.toPython())
    return str(a) == str(b) and a.datatype == b.datatype


def _fields_fed(g: Graph, stmt: URIRef, old_quote: str, new_quote: str, w: WordChange):
    """(path, node, predicate, old value, new value) for each field the changed words feed."""
    olds, news = _mentions(old_quote, w.old_span), _mentions(new_quote, w.new_span)
    out = []
    # (a mention with no counterpart on the other side feeds no field that can be said to change)
    for (k_old, v_old, w_old), (k_new, v_new, w_new) in zip(olds, news, strict=False):
        if k_old != k_new:
            continue
        for path, node, p, value in field_values(g, stmt):
            if _same(k_old, value, v_old):
                out.append((path, node, p, value, v_new))
        summary = g.value(stmt, MK.summary)
        if summary is not None and str(summary).count(w_old) == 1 and w_old != w_new:
            # the curator's summary says the same figure or date as written: it follows the text
            out.append(("mk:summary", stmt, MK.summary, summary, Literal(str(summary).replace(w_old, w_new))))
    return out


# ------------------------------------------------------------------ the candidate graph


def new_iri(old: URIRef, old_slugs: tuple[str, ...], new_slug: str) -> URIRef:
    """s:NEW-<the old local name without its document's slug>: the same statement gets the same IRI."""
    local = str(old).rsplit("/", 1)[-1]
    for slug in old_slugs:
        if local.startswith(f"{slug}-"):
            local = local[len(slug) + 1 :]
            break
    return URIRef(S[f"{new_slug}-{local}"])


def _copy(src: Graph, out: Graph, node: Node, target: URIRef, rename: dict[Node, URIRef]) -> None:
    """The node's triples under the new IRI; the nodes it owns get IRIs derived from it, in a stable order."""
    seen: dict[URIRef, int] = {}
    for p, o in sorted(src.predicate_objects(node), key=lambda t: (str(t[0]), src.value(t[1], RDF.type) or "",
                                                                      _describe(src, t[1]))):
        if p in (MK.evidence,):
            continue
        if owned(node, o):
            seen[p] = seen.get(p, 0) + 1
            n = len([x for x in src.objects(node, p) if owned(node, x)])
            child = URIRef(f"{target}-{str(p).rsplit('#', 1)[-1].lower()}" + (f"-{seen[p]}" if n > 1 else ""))
            rename[o] = child
            _copy(src, out, o, child, rename)
            o = child
        out.add((target, p, rename.get(o, o)))


def _describe(g: Graph, node: Node) -> str:
    return evidence.describe(g, node) if not isinstance(node, Literal) else str(node)


def _evidence(out: Graph, new: Document, stmt: URIRef, a: Anchor, old_fn: Node | None, split) -> None:
    footnote = None
    if old_fn is not None:
        # the footnote of the sentence the quote now stands in (footnotes are renumbered between editions)
        here = next((s.footnote for s in split if s.start <= a.start < s.end and s.footnote is not None), None)
        footnote = here if here is not None else _number(old_fn)
    writer.add_evidence(out, new.slug, new.iri, stmt, new.text, evidence.Located(a.start, a.end), footnote)


def _number(fn: Node) -> int:
    return int(str(fn).rsplit("-", 1)[-1])


# ------------------------------------------------------------------ carry


@dataclass
class _Texts:
    old: Document
    new: Document
    old_sentences: list[sentences.DraftSentence]
    new_sentences: list[sentences.DraftSentence]
    split: list[sentences.DraftSentence]


def _carry_one(g: Graph, stmt: URIRef, t: _Texts) -> tuple[Carried | None, Gone | None]:
    quotes, lost = [], []
    for ev in sorted(g.objects(stmt, MK.evidence), key=lambda e: str(g.value(e, MK.quote))):
        if g.value(ev, MK.source) != t.old.iri:
            continue
        q = str(g.value(ev, MK.quote))
        pre, suf = g.value(ev, MK.quotePrefix), g.value(ev, MK.quoteSuffix)
        a = anchor(t.old.text, t.new.text, q, pre and str(pre), suf and str(suf), t.old_sentences, t.new_sentences)
        if a is None:
            lost.append(q)
        else:
            quotes.append((q, a, g.value(ev, MK.footnote)))
    if not quotes:
        return None, Gone(stmt, kind(g, stmt), tuple(lost))
    status = "unchanged" if not lost and all(a.exact for _, a, _ in quotes) else "changed"
    c = Carried(stmt, URIRef(""), kind(g, stmt), status, [(q, a) for q, a, _ in quotes], lost)
    for q, a, _ in quotes:
        if not a.exact:
            c.words += word_changes(q, a.quote)
    return c, None


def _apply_fields(g: Graph, c: Carried, out: Graph, rename: dict[Node, URIRef], t: _Texts) -> None:
    """Update the candidate's fields the changed words feed, and its as-of date where it was the old
    edition's own date (a present-tense finding is as of the edition that states it)."""
    for q, a in c.quotes:
        if a.exact:
            continue
        for w in word_changes(q, a.quote):
            for path, node, p, value, v_new in _fields_fed(g, c.old, q, a.quote, w):
                target = rename.get(node, c.new if node == c.old else node)
                if (target, p, value) in out:
                    out.remove((target, p, value))
                    out.add((target, p, v_new))
                    c.fields.append(FieldChange(path, show(value), show(v_new)))
    as_of = g.value(c.old, MK.asOf)
    if as_of is not None and as_of == t.old.last_updated and t.new.last_updated is not None:
        out.remove((c.new, MK.asOf, as_of))
        out.add((c.new, MK.asOf, t.new.last_updated))


def _add(g: Graph, out: Graph, c: Carried, quotes_fn: dict, t: _Texts, old_slugs, rename) -> None:
    _copy(g, out, c.old, c.new, rename)
    for content in g.objects(c.old, MK.content):
        if isinstance(content, URIRef) and content not in rename:
            rename[content] = new_iri(content, old_slugs, t.new.slug)
            _copy(g, out, content, rename[content], rename)
            out.add((rename[content], MK.carriedFrom, content))
    out.add((c.new, MK.draftRule, Literal(f"carry:{c.status}")))
    out.add((c.new, MK.draftConfidence, Literal(CONFIDENCE[c.status], datatype=XSD.decimal)))
    out.add((c.new, MK.carriedFrom, c.old))
    out.add((c.new, MK.carryStatus, Literal(c.status)))
    for q, a in c.quotes:
        _evidence(out, t.new, c.new, a, quotes_fn.get(q), t.split)
    _apply_fields(g, c, out, rename, t)
    for w in c.words:
        out.add((c.new, MK.carryChange, Literal(f"{w.old!r} -> {w.new!r}")))
    for q in c.lost:
        out.add((c.new, MK.carryChange, Literal(f"quote no longer found: {q!r}")))


def _fresh(t: _Texts) -> list[coverage.Sentence]:
    """Sentences of the new text with no counterpart (exact or edited) in the old one."""
    old = {s.text for s in t.old_sentences}
    return [coverage.Sentence(s.start, s.end, s.text) for s in t.new_sentences
            if s.text not in old and counterpart(s.text, t.old_sentences, t.old.text) is None]


def carry(project: Project, old: str, new: str) -> CarryReport:
    """doc:OLD's statements re-anchored in doc:NEW, as a report and a draft graph (not yet written)."""
    if old == new:
        raise MinekgError(f"doc:{new}: the new edition must be another document than doc:{old}")
    t_old, t_new = document(project, old), document(project, new)
    g = statements_graph(project)
    stmts = statements_of(g, t_old)
    if not stmts:
        raise MinekgError(f"doc:{old}: no statement in {project.rel(project.statements)}/ has evidence in it")
    # the drafter's sentences (split after a footnote marker too), so a new sentence is listed on its own
    split = sentences.split(t_new.text)
    t = _Texts(t_old, t_new, sentences.split(t_old.text), split, split)
    old_slugs = tuple(sorted({old, *(p.stem for p in project.statements.glob("*.ttl"))}, key=len, reverse=True))
    out, rename = writer.new_graph(), {}
    carried, gone = [], []
    for stmt in stmts:
        c, lost = _carry_one(g, stmt, t)
        if lost is not None:
            gone.append(lost)
            continue
        c.new = new_iri(stmt, old_slugs, new)
        rename[stmt] = c.new
        carried.append(c)
    for c in carried:
        fns = {str(g.value(ev, MK.quote)): g.value(ev, MK.footnote) for ev in g.objects(c.old, MK.evidence)}
        _add(g, out, c, fns, t, old_slugs, rename)
    _relink(out, rename)
    return CarryReport(old, new, carried, gone, _fresh(t), out)


def _relink(out: Graph, rename: dict[Node, URIRef]) -> None:
    """Links between carried statements (mk:respondsTo, mk:content) point at the new ones."""
    for s, p, o in list(out):
        if p != MK.carriedFrom and o in rename and rename[o] != o:
            out.remove((s, p, o))
            out.add((s, p, rename[o]))


def write(project: Project, report: CarryReport) -> Path:
    """graph_data/drafts/NEW.ttl, whole or not at all."""
    path = project.graph_data / "drafts" / f"{report.new}.ttl"
    header = (f"# Candidates for {report.new}, carried from {report.old} by `minekg carry {report.old} "
              f"{report.new}` (not loaded by the build).\n# mk:carryStatus says whether the quote was found "
              "unchanged or changed (mk:carryChange: the words); review, then move what stands into "
              "graph_data/statements/.\n")
    atomic.write_text(path, header + report.graph.serialize(format="turtle"))
    return path
