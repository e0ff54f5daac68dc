"""`minekg diff OLD NEW`: what changed between two editions of a profile, in their curated statements.

The statements with evidence in doc:OLD and in doc:NEW (every file of graph_data/statements/) are paired:
by mk:carriedFrom where the new one has it, else by kind, main actor and the same fields, else by kind and
main actor with the most fields in common. A pair whose fields differ is changed (each field with its old
and new values, and both statements' quotes); an old statement left unpaired was removed, a new one added.
An as-of date that was each edition's own date is the edition restating the finding, not a change.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from rdflib import Graph, URIRef
from rdflib.term import Node

from minekg.curation.editions import (
    Document,
    document,
    field_values,
    kind,
    main_actor,
    show,
    statements_graph,
    statements_of,
)
from minekg.errors import MinekgError
from minekg.project import Project
from minekg.query import csv_safe
from minekg.rdf.namespaces import MK, shorten


@dataclass(frozen=True)
class FieldDiff:
    field: str
    old: str
    new: str

    def to_json(self) -> dict:
        return {"field": self.field, "old": self.old, "new": self.new}


@dataclass
class Entry:
    change: str  # added | removed | changed
    kind: str
    old: URIRef | None
    new: URIRef | None
    old_quotes: list[str] = field(default_factory=list)
    new_quotes: list[str] = field(default_factory=list)
    fields: list[FieldDiff] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"change": self.change, "kind": self.kind, "old": self.old and shorten(str(self.old)),
                "new": self.new and shorten(str(self.new)), "fields": [f.to_json() for f in self.fields],
                "old_quotes": self.old_quotes, "new_quotes": self.new_quotes}


@dataclass
class DiffReport:
    old: str
    new: str
    unchanged: int
    entries: list[Entry]

    def of(self, change: str) -> list[Entry]:
        return [e for e in self.entries if e.change == change]

    def to_json(self) -> dict:
        return {"old": self.old, "new": self.new,
                "counts": {"unchanged": self.unchanged,
                           **{c: len(self.of(c)) for c in ("changed", "removed", "added")}},
                "entries": [e.to_json() for e in self.entries]}

    def to_json_text(self) -> str:
        return json.dumps(self.to_json(), indent=2, ensure_ascii=False) + "\n"

    def rows(self) -> list[list[str]]:
        out = []
        for e in self.entries:
            base = [e.change, e.kind, e.old and shorten(str(e.old)) or "", e.new and shorten(str(e.new)) or ""]
            quotes = [" | ".join(e.old_quotes), " | ".join(e.new_quotes)]
            for f in e.fields or [FieldDiff("", "", "")]:
                out.append(base + [f.field, f.old, f.new] + quotes)
        return out

    def to_csv(self) -> str:
        header = ["change", "kind", "old_statement", "new_statement", "field", "old_value", "new_value",
                  "old_quote", "new_quote"]
        return csv_safe.text(header, self.rows())

    def to_table(self) -> str:
        lines = [f"diff doc:{self.old} -> doc:{self.new}: {self.unchanged} unchanged, {len(self.of('changed'))} "
                 f"changed, {len(self.of('removed'))} removed, {len(self.of('added'))} added"]
        for e in self.entries:
            who = " -> ".join(shorten(str(x)) for x in (e.old, e.new) if x is not None)
            lines.append(f"{e.change:<9} {who} ({e.kind})")
            lines += [f"          {f.field}: {f.old or '(none)'} -> {f.new or '(none)'}" for f in e.fields]
            lines += [f"          old quote: {q}" for q in e.old_quotes if e.change != "added"]
            lines += [f"          new quote: {q}" for q in e.new_quotes if e.change != "removed"]
        return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ fields, with links made comparable


def _fields(g: Graph, s: URIRef, same: dict[Node, Node]) -> dict[str, tuple[str, ...]]:
    """path -> its values as shown; a link to a statement of the new edition shown as its old counterpart."""
    found: dict[str, list[str]] = {}
    for path, _, _, value in field_values(g, s):
        found.setdefault(path, []).append(show(same.get(value, value)))
    return {p: tuple(sorted(v)) for p, v in found.items()}


def _quotes(g: Graph, s: URIRef, doc: Document) -> list[str]:
    return sorted(str(g.value(ev, MK.quote)) for ev in g.objects(s, MK.evidence)
                  if (ev, MK.source, doc.iri) in g and g.value(ev, MK.quote) is not None)


def _differences(old: dict, new: dict, docs: tuple[Document, Document]) -> list[FieldDiff]:
    out = []
    for path in sorted(set(old) | set(new)):
        a, b = old.get(path, ()), new.get(path, ())
        if a == b or (path == "mk:asOf" and _restated(a, b, docs)):
            continue
        out.append(FieldDiff(path, "; ".join(a), "; ".join(b)))
    return out


def _restated(a: tuple, b: tuple, docs: tuple[Document, Document]) -> bool:
    """An as-of date that is each edition's own 'last updated' date: the finding restated, not changed."""
    old_date, new_date = (d.last_updated for d in docs)
    return old_date is not None and new_date is not None and a == (str(old_date),) and b == (str(new_date),)


# ------------------------------------------------------------------ pairing


def _pair(g: Graph, olds: list[URIRef], news: list[URIRef], docs) -> list[tuple[URIRef, URIRef]]:
    pairs = []
    left, right = set(olds), []
    for n in news:
        o = g.value(n, MK.carriedFrom)
        if o in left:
            pairs.append((o, n))
            left.discard(o)
        else:
            right.append(n)
    same = {n: o for o, n in pairs}

    def key(s: URIRef) -> tuple:
        return kind(g, s), main_actor(g, s)

    for exact in (True, False):
        for n in list(right):
            candidates = [o for o in sorted(left) if key(o) == key(n)]
            fn = _fields(g, n, same)
            scored = [(len(_differences(_fields(g, o, same), fn, docs)), str(o), o) for o in candidates]
            # (the loose pass still wants most fields alike: two different votes of one state are two statements)
            scored = [x for x in sorted(scored) if x[0] == 0 or not exact and 2 * x[0] <= len(fn)]
            if scored:
                o = scored[0][2]
                pairs.append((o, n))
                left.discard(o)
                right.remove(n)
                same[n] = o
    return pairs


def diff(project: Project, old: str, new: str) -> DiffReport:
    """doc:OLD's and doc:NEW's curated statements, paired, with what changed."""
    if old == new:
        raise MinekgError(f"doc:{new}: compare two editions, not one document with itself")
    docs = document(project, old), document(project, new)
    g = statements_graph(project)
    olds, news = statements_of(g, docs[0]), statements_of(g, docs[1])
    for d, found in zip(docs, (olds, news), strict=True):
        if not found:
            raise MinekgError(f"doc:{d.slug}: no statement in {project.rel(project.statements)}/ has evidence in it")
    pairs = _pair(g, olds, news, docs)
    same = {n: o for o, n in pairs}
    entries, unchanged = [], 0
    for o, n in sorted(pairs, key=lambda p: str(p[0])):
        fields = _differences(_fields(g, o, same), _fields(g, n, same), docs)
        if not fields:
            unchanged += 1
            continue
        entries.append(Entry("changed", kind(g, n), o, n, _quotes(g, o, docs[0]), _quotes(g, n, docs[1]), fields))
    paired_old, paired_new = {o for o, _ in pairs}, set(same)
    entries += [Entry("removed", kind(g, o), o, None, _quotes(g, o, docs[0])) for o in olds if o not in paired_old]
    entries += [Entry("added", kind(g, n), None, n, [], _quotes(g, n, docs[1])) for n in news if n not in paired_new]
    return DiffReport(old, new, unchanged, entries)
