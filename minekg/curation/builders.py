"""One builder per statement kind: given a rule's match in a sentence, the candidate statements it makes,
with the actor, dates, figures and other fields found around the match (builder_fields.py). The builders of
treaty actions, status, votes, meetings and transparency reports are here, those of figures in
builders_figures.py, those of speech acts in builders_speech.py; BUILDERS maps each kind to its builder."""

from __future__ import annotations

import re

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from minekg.curation import names
from minekg.curation.builder_fields import (
    _actors_for,
    _after,
    _attribution,
    _date_near,
    _each_actor,
    _instrument,
    _negated,
)
from minekg.curation.builders_figures import destruction, mine_find, production, quantified, transfer_policy
from minekg.curation.builders_speech import assessment, speech_act
from minekg.curation.model import Candidate
from minekg.rdf.namespaces import ID, MK

# A treaty meeting named by ordinal that the graph may not know yet ("Thirty-Fifth Meeting of States Parties").
MEETING_PHRASE = re.compile(r"\b(?:[A-Z][a-z]+-)?[A-Z][a-z]+ (?:Meeting of (?:the )?States Parties|Review Conference"
                            r"|Annual Conference of (?:the )?(?:High Contracting Parties|States Parties))\b")


def treaty_action(rs, rule, ctx, m, doc):
    out = []
    when = _date_near(ctx, m.start())
    for actor in _actors_for(ctx, m, doc):
        c = Candidate(rule.kind, rule.id, rule.confidence, ctx.sentence)
        c.add("actor", actor)
        c.add("instrument", _instrument(ctx, m.start()))
        c.add("actionType", MK[rule.set["actionType"]])
        if _negated(rs, ctx, m.end(), rule):
            c.add("negated", Literal(True))
        if when is not None:
            c.add("date", when.value)
        elif not c.value("negated"):
            c.confidence -= 0.2
        _attribution(rs, ctx, m.start(), doc, c)
        out.append(c)
    return out


def treaty_status(rs, rule, ctx, m, doc):
    def fill(c: Candidate) -> None:
        c.add("instrument", _instrument(ctx, m.start()))
        c.add("asOf", doc.last_updated)

    return _each_actor(rs, rule, ctx, m, doc, fill)


def vote(rs, rule, ctx, m, doc):
    res = [r for r in ctx.resolutions if r[0] >= m.start()] or ctx.resolutions
    if not res:
        return []
    out = []
    when = _date_near(ctx, m.start())
    for actor in _actors_for(ctx, m, doc):
        c = Candidate(rule.kind, rule.id, rule.confidence, ctx.sentence)
        c.add("actor", actor)
        number = res[0][2]
        iri = URIRef(ID + "resolution/A-RES-" + number.replace("/", "-"))
        iri = doc.gz.resolutions.get(number, iri)
        if number not in doc.gz.resolutions:
            c.proposals.append((iri, MK.UNGAResolution, f"UNGA Resolution {number}"))
        c.add("resolution", iri)
        c.add("voteValue", MK[rule.set["voteValue"]])
        c.add("date", when.value if when else None)
        _attribution(rs, ctx, m.start(), doc, c)
        out.append(c)
    return out


def meeting_participation(rs, rule, ctx, m, doc):
    meetings = _after(ctx.meetings, m.start()) or ctx.meetings
    when = _date_near(ctx, m.start())
    out = []
    for actor in _actors_for(ctx, m, doc):
        c = Candidate(rule.kind, rule.id, rule.confidence, ctx.sentence)
        c.add("actor", actor)
        named = MEETING_PHRASE.search(ctx.text, m.start()) or MEETING_PHRASE.search(ctx.text)
        if meetings:
            c.add("meeting", meetings[0].iri)
        elif named:
            iri = names.proposed_iri("meeting", named.group(0))
            c.proposals.append((iri, MK.TreatyMeeting, named.group(0)))
            c.add("meeting", iri)
            c.confidence -= 0.1
        elif when is not None:
            c.period = (when.value, when.until or when.value)
            c.add("instrument", _instrument(ctx, m.start()))
        else:
            continue
        c.add("attended", Literal(bool(rule.set["attended"])))
        if "role" in rule.set:
            c.add("role", MK[rule.set["role"]])
        if rule.set.get("madeStatement"):
            c.add("madeStatement", Literal(True))
        _attribution(rs, ctx, m.start(), doc, c)
        out.append(c)
    return out


def transparency_report(rs, rule, ctx, m, doc):
    out = []
    when = _date_near(ctx, m.start())
    cover = re.search(r"\bcovering (?:the period )?(?:from )?", ctx.text[m.start():])
    for actor in _actors_for(ctx, m, doc):
        c = Candidate(rule.kind, rule.id, rule.confidence, ctx.sentence)
        c.add("actor", actor)
        c.add("instrument", _instrument(ctx, m.start()))
        count = [f for f in _after(ctx.figures, m.start()) if "total of" in ctx.text[max(0, f.start - 12) : f.start]]
        if count:
            c.add("reportCount", Literal(count[0].value, datatype=XSD.nonNegativeInteger))
        covered = _after(ctx.dates, m.start() + cover.end()) if cover else []
        date_mentions = [d for d in _after(ctx.dates, m.start()) if d not in covered]
        if date_mentions:
            c.add("date", date_mentions[0].value)
        elif when is not None and not covered:
            c.add("date", when.value)
        if covered:
            first = covered[0]
            end = first.until or (covered[1].value if len(covered) > 1 else first.value)
            c.covers = (first.value, end)
        _attribution(rs, ctx, m.start(), doc, c)
        out.append(c)
    return out


BUILDERS = {
    "TreatyAction": treaty_action, "TreatyStatus": treaty_status, "Vote": vote,
    "MeetingParticipation": meeting_participation, "TransparencyReport": transparency_report,
    "RetainedMines": quantified, "StockpileFigure": quantified, "Destruction": destruction,
    "Production": production, "TransferPolicy": transfer_policy, "MineFind": mine_find,
    "Allegation": speech_act, "Denial": speech_act, "Acknowledgement": speech_act, "NonResponse": speech_act,
    "Assessment": assessment,
}

SPEECH = {"Allegation", "Denial", "Acknowledgement", "Assessment", "NonResponse"}
