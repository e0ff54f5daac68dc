"""How well `minekg draft` proposes what curators wrote: precision and recall per statement kind on the
five seed documents, against their hand-curated statements.

    from bench import draft
    print(draft.section())         # the Markdown section for bench/results.md

or `python -m bench --only draft`. A candidate matches a curated statement of the same document when
their kinds are the same, their main actor agrees (the speaker for a speech act, else mk:actor, where
the curated statement has one), the date agrees at the curated precision (mk:date, else mk:asOf, the
period's start, mk:assertedOn), the quantity's value agrees (where the curated statement has one), and
their quotes overlap. Precision: the share of candidates matching some curated statement; recall: the
share of curated statements some candidate matches.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from minekg import curation
from minekg.build.assemble import assemble
from minekg.project import Project
from minekg.rdf.namespaces import MK

SEEDS = ["russia-2012", "belarus-2022", "armenia-2023", "kazakhstan-2019", "news-2025-russia-ukraine-landmines"]
FORMULAIC = ["TreatyAction", "TreatyStatus", "Vote", "MeetingParticipation", "TransparencyReport",
             "StockpileFigure", "RetainedMines", "Destruction"]
SPEECH = ["Allegation", "Denial", "Acknowledgement", "Assessment", "NonResponse"]
TARGETS = {"precision": 0.9, "formulaic recall": 0.7, "speech-act recall": 0.5}


@dataclass(frozen=True)
class Item:
    iri: URIRef
    kind: str
    actor: URIRef | None
    date: str | None
    quantity: str | None
    spans: tuple[tuple[int, int], ...]


@dataclass
class Score:
    candidates: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    correct: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    curated: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    recalled: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    seconds: dict[str, float] = field(default_factory=dict)


def _kind(g: Graph, s: URIRef) -> str:
    kinds = sorted(str(t).rsplit("#", 1)[-1] for t in g.objects(s, RDF.type) if str(t).startswith(str(MK)))
    return kinds[0] if kinds else "Statement"


def _date(g: Graph, s: URIRef) -> str | None:
    for p in (MK.date, MK.asOf):
        v = g.value(s, p)
        if v is not None:
            return str(v)
    period = g.value(s, MK.period)
    if period is not None and g.value(period, MK.start) is not None:
        return str(g.value(period, MK.start))
    v = g.value(s, MK.assertedOn)
    return str(v) if v is not None else None


def _item(g: Graph, s: URIRef, doc: URIRef) -> Item:
    kind = _kind(g, s)
    actor = g.value(s, MK.assertedBy) if kind in SPEECH else g.value(s, MK.actor)
    q = g.value(s, MK.quantity)
    value = g.value(q, MK.value) if q is not None else None
    spans = tuple(sorted((int(g.value(ev, MK.startOffset)), int(g.value(ev, MK.endOffset)))
                         for ev in g.objects(s, MK.evidence)
                         if g.value(ev, MK.source) == doc and g.value(ev, MK.startOffset) is not None))
    return Item(s, kind, actor, _date(g, s), str(int(value)) if value is not None else None, spans)


def matches(cand: Item, cur: Item) -> bool:
    if cand.kind != cur.kind:
        return False
    if cur.actor is not None and cand.actor != cur.actor:
        return False
    if cur.date is not None and (cand.date is None or cand.date[: len(cur.date)] != cur.date):
        return False
    if cur.quantity is not None and cand.quantity != cur.quantity:
        return False
    return any(a < d and c < b for a, b in cand.spans for c, d in cur.spans)


def curated_items(union: Graph, doc: URIRef) -> list[Item]:
    stmts = {s for ev in union.subjects(MK.source, doc) for s in union.subjects(MK.evidence, ev)}
    return [_item(union, s, doc) for s in sorted(stmts)]


def score(project: Project | None = None) -> Score:
    project = project or Project.default()
    union = assemble(project, derive=False).union()
    result = Score()
    for slug in SEEDS:
        doc = URIRef(str(MK).replace("ontology#", "id/document/") + slug)
        start = time.perf_counter()
        g = curation.draft(project, slug)
        result.seconds[slug] = time.perf_counter() - start
        cands = [_item(g, s, doc) for s in sorted(set(g.subjects(MK.draftRule, None)))]
        cur = curated_items(union, doc)
        for c in cands:
            result.candidates[c.kind] += 1
            result.correct[c.kind] += any(matches(c, k) for k in cur)
        for k in cur:
            result.curated[k.kind] += 1
            result.recalled[k.kind] += any(matches(c, k) for c in cands)
    return result


def _ratio(a: int, b: int) -> str:
    return f"{a / b:.2f}" if b else "–"


def _sum(d: dict, kinds) -> int:
    return sum(d.get(k, 0) for k in kinds)


def section() -> str:
    s = score()
    kinds = sorted(set(s.candidates) | set(s.curated))
    lines = ["## draft", "",
             "`minekg draft` on the five seed documents against their hand-curated statements "
             "(bench/draft.py; a match needs kind, main actor, date at the curated precision, quantity and "
             "overlapping quotes).", "",
             "| kind | candidates | correct | precision | curated | recalled | recall |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for k in kinds:
        lines.append(f"| {k} | {s.candidates.get(k, 0)} | {s.correct.get(k, 0)} | "
                     f"{_ratio(s.correct.get(k, 0), s.candidates.get(k, 0))} | {s.curated.get(k, 0)} | "
                     f"{s.recalled.get(k, 0)} | {_ratio(s.recalled.get(k, 0), s.curated.get(k, 0))} |")
    total_c, total_ok = sum(s.candidates.values()), sum(s.correct.values())
    total_cur, total_rec = sum(s.curated.values()), sum(s.recalled.values())
    lines.append(f"| **all** | {total_c} | {total_ok} | {_ratio(total_ok, total_c)} | {total_cur} | {total_rec} | "
                 f"{_ratio(total_rec, total_cur)} |")
    precision = total_ok / total_c if total_c else 0.0
    formulaic = _sum(s.recalled, FORMULAIC) / max(1, _sum(s.curated, FORMULAIC))
    speech = _sum(s.recalled, SPEECH) / max(1, _sum(s.curated, SPEECH))
    verdict = [("precision, overall", precision, TARGETS["precision"]),
               ("recall, formulaic kinds (" + ", ".join(FORMULAIC) + ")", formulaic, TARGETS["formulaic recall"]),
               ("recall, speech acts (" + ", ".join(SPEECH) + ")", speech, TARGETS["speech-act recall"])]
    lines += ["", "| target | measured | goal | met |", "|---|---:|---:|---|"]
    for name, got, goal in verdict:
        lines.append(f"| {name} | {got:.2f} | ≥ {goal} | {'yes' if got >= goal else 'no'} |")
    slowest = max(s.seconds.items(), key=lambda kv: kv[1])
    lines += ["", f"Drafting time per document (names loaded from the graph each time): slowest "
              f"{slowest[0]} at {slowest[1]:.2f} s (goal < 5 s)."]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(section())
