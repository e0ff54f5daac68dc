"""The builders of the statement kinds about mines and figures: stockpiles and retained mines (with a
per-type breakdown), destruction, production, transfer policy and mine finds."""

from __future__ import annotations

import re

from rdflib import Literal, URIRef

from minekg.curation import names, quantities
from minekg.curation.builder_fields import (
    _actors_for,
    _after,
    _attribution,
    _date_near,
    _each_actor,
    _mine_type,
    _negated,
    _since,
)
from minekg.curation.model import Candidate, Context
from minekg.rdf.namespaces import ID, MK

_MODEL = re.compile(r"\s+([A-Z][A-Z0-9]+(?:-[A-Za-z0-9]+)*)\b")
GENERIC_TYPES = {URIRef(ID + "minetype/antipersonnel"), URIRef(ID + "minetype/landmine")}


def _breakdown(ctx: Context, after: int, proposals: list | None = None) -> list[tuple[URIRef, quantities.Figure]]:
    """"...: 1,486 PMN mines, 1,687 POMZ-2M mines": each figure followed by a mine model, known or (a
    capitalised model name the graph lacks, "MON-type") proposed into `proposals`."""
    parts = []
    for f in _after(ctx.figures, after):
        mt = next((t for t in ctx.minetypes if 0 <= t.start - f.end <= 2), None)
        if mt is not None and mt.iri not in GENERIC_TYPES:
            parts.append((mt.iri, f))
            continue
        model = _MODEL.match(ctx.text, f.end)
        if model and proposals is not None:
            iri = names.proposed_iri("minetype", model.group(1))
            proposals.append((iri, MK.MineType, model.group(1)))
            parts.append((iri, f))
    return parts


def unknown_figure(rs, rule, ctx, m, doc):
    """"The size of its stockpile is not known": a figure statement whose quantity is only a qualifier."""
    out = []
    for actor in _actors_for(ctx, m, doc) or [a.iri for a in ctx.actors[:1]]:
        c = Candidate(rule.kind, rule.id, rule.confidence, ctx.sentence, unknown_quantity=MK[rule.set["qualifier"]])
        c.add("actor", actor)
        c.add("mineType", _mine_type(ctx) or URIRef(ID + "minetype/antipersonnel"))
        c.add("asOf", doc.last_updated)
        _attribution(rs, ctx, m.start(), doc, c)
        out.append(c)
    return out


def quantified(rs, rule, ctx, m, doc):
    if rule.set.get("qualifier"):
        return unknown_figure(rs, rule, ctx, m, doc)
    figures = [f for f in ctx.figures if f.start >= m.start() - 40] or ctx.figures
    if not figures:
        return []
    total = figures[0]
    forecast = re.search(r"\b(?:would|will) be\s+(?:\w+ly\s+)?$", ctx.text[: m.start()])
    proposed: list = []
    listed = _breakdown(ctx, total.start - 1, proposed)
    if len(listed) >= 2 and listed[0][1] == total:
        return _per_type(rs, rule, ctx, m, doc, listed, proposed)  # "5,536 MON-type and 200,826 OZM-72 mines": no total
    out = []
    for actor in _actors_for(ctx, m, doc):
        c = Candidate(rule.kind, rule.id, rule.confidence, ctx.sentence, quantity=total)
        c.add("actor", actor)
        c.add("mineType", _mine_type(ctx) or URIRef(ID + "minetype/antipersonnel"))
        when = _date_near(ctx, 0)
        if when is None and ctx.paragraph_date is not None:
            when = ctx.paragraph_date  # "From 2003 to 2006, ... A total of 217,133 were destroyed"
            c.confidence -= 0.15
        c.add("asOf" if rule.kind != "Destruction" else "date", when.value if when else None)
        if forecast:
            c.add("modality", MK.Forecast)
        parts = _breakdown(ctx, total.end)
        if parts and sum(f.value for _, f in parts) == total.value:
            c.parts = parts
        _attribution(rs, ctx, m.start(), doc, c)
        out.append(c)
    return out


def _per_type(rs, rule, ctx, m, doc, listed, proposed):
    out = []
    when = _date_near(ctx, 0)
    for actor in _actors_for(ctx, m, doc):
        for mt, figure in listed:
            c = Candidate(rule.kind, rule.id, rule.confidence - 0.1, ctx.sentence, quantity=figure)
            c.add("actor", actor)
            c.add("mineType", mt)
            c.proposals = [p for p in proposed if p[0] == mt]
            c.add("asOf" if rule.kind != "Destruction" else "date", when.value if when else None)
            _attribution(rs, ctx, m.start(), doc, c)
            out.append(c)
    return out


def destruction(rs, rule, ctx, m, doc):
    if not rule.set.get("status"):
        return quantified(rs, rule, ctx, m, doc)
    when = _date_near(ctx, m.start())

    def fill(c: Candidate) -> None:  # "completed destruction": the activity stopped, no figure
        c.add("mineType", _mine_type(ctx) or URIRef(ID + "minetype/antipersonnel"))
        c.add("date", when.value if when else None)

    return _each_actor(rs, rule, ctx, m, doc, fill)


def production(rs, rule, ctx, m, doc):
    when = _date_near(ctx, m.start(), since=True)

    def fill(c: Candidate) -> None:
        c.add("mineType", _mine_type(ctx))
        if rule.set.get("negated") or _negated(rs, ctx, m.end(), rule):
            c.add("negated", Literal(True))
        counted = [f for f in _after(ctx.figures, m.end()) if f.start - m.end() <= 12]
        if counted:
            c.quantity = counted[0]  # "has produced at least 10 types of ..."
        if when and _since(ctx, when):
            c.period = (when.value, None)
        elif when:
            c.add("date", when.value)

    return _each_actor(rs, rule, ctx, m, doc, fill)


def transfer_policy(rs, rule, ctx, m, doc):
    when = _date_near(ctx, m.start(), since=True)

    def fill(c: Candidate) -> None:
        c.add("mineType", _mine_type(ctx))
        if when:
            c.period = (when.value, None)  # "a moratorium since 1 December 1994"

    return _each_actor(rs, rule, ctx, m, doc, fill)


def mine_find(rs, rule, ctx, m, doc):
    c = Candidate(rule.kind, rule.id, rule.confidence, ctx.sentence)
    c.add("mineType", _mine_type(ctx))
    figures = _after(ctx.figures, 0)
    if figures:
        c.quantity = figures[0]
    places = [a for a in ctx.actors if a.start > m.start()]
    if places:
        c.add("place", places[0].iri)
    _attribution(rs, ctx, m.start(), doc, c)
    return [c]
