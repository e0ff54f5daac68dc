"""One builder per statement kind: given a rule's match in a sentence, the candidate statements it makes,
with the actor, dates, figures and other fields found around the match."""

from __future__ import annotations

import re

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from minekg.curation import dates, names, quantities
from minekg.curation.model import Candidate, Context, Doc, Rule, RuleSet
from minekg.rdf.namespaces import ID, MK

# A capitalised name (possibly with "of the") right before a verb: a speaker the graph may not know.
_PROPER = re.compile(r"((?:(?:[A-Z][\w’'.-]+|of|the|for|and)\s+){0,7}[A-Z][\w’'.-]+)\s*,?\s*(?:\w+\s+){0,3}$")
# A treaty meeting named by ordinal that the graph may not know yet ("Thirty-Fifth Meeting of States Parties").
MEETING_PHRASE = re.compile(r"\b(?:[A-Z][a-z]+-)?[A-Z][a-z]+ (?:Meeting of (?:the )?States Parties|Review Conference"
                            r"|Annual Conference of (?:the )?(?:High Contracting Parties|States Parties))\b")
NOT_NAMES = {"He", "She", "It", "They", "We", "I", "This", "That", "These", "Those", "However", "Moreover", "But",
             "And", "In", "On", "At", "Since", "After", "Before", "Separately", "Meanwhile", "Also", "Officials"}
_PRONOUN = re.compile(r"(?:^|\b)(?:It|it|its|The country|the country|The government|the government|they|They)\b")


PASSIVE = re.compile(r"\b(?:were|was|have been|has been|had been|would be|will be)\s+(?:also\s+|\w+ly\s+)?$")
_SECOND_VERB = re.compile(r"\bbut\s+(?:has|have|had|did|does|do)?\s*(?:not\s+)?$")


def _subjects(ctx: Context, pos: int) -> list[URIRef]:
    """The actor(s) a verb at `pos` has as subject: the last actor named before it, with any actors
    coordinated with it ("Finland and Lithuania", "Finland, Lithuania, and Poland"); for a second verb
    ("X inherited ... from Y but has not provided"), the sentence's first actor."""
    if ctx.actors and ctx.actors[0].end <= pos and _SECOND_VERB.search(ctx.text[:pos]):
        pos = ctx.actors[0].end
    before = [m for m in ctx.actors if m.end <= pos]
    if not before:
        return []
    chain = [before[-1]]
    for m in reversed(before[:-1]):
        gap = ctx.text[m.end : chain[0].start]
        if re.fullmatch(r"\s*(?:,\s*(?:and\s+)?|\s+and\s+|-including\s+|\s*-\s*)\s*", gap):
            chain.insert(0, m)
        else:
            break
    seen: list[URIRef] = []
    for m in chain:
        if m.iri not in seen:
            seen.append(m.iri)
    return seen


def _after(items, pos: int):
    return [x for x in items if x.start >= pos]


def _since(ctx: Context, d: dates.DateMention) -> bool:
    return bool(re.search(r"\bsince\s+$", ctx.text[max(0, d.start - 8) : d.start]))


def _date_near(ctx: Context, pos: int, since: bool = False) -> dates.DateMention | None:
    """The date a verb at `pos` most likely has: the first after it (not a "since" date, which starts a
    period, unless asked), else the last before it."""
    after = [d for d in _after(ctx.dates, pos) if since or not _since(ctx, d)]
    if after:
        return after[0]
    before = [d for d in ctx.dates if d.end <= pos]
    return before[-1] if before else None


def _negated(rs: RuleSet, ctx: Context, pos: int, rule: Rule) -> bool:
    return bool(rule.set.get("negated")) or bool(rs.negation.search(ctx.text[max(0, pos - 40) : pos]))


def _actors_for(ctx: Context, m: re.Match, doc: Doc) -> list[URIRef]:
    found = _subjects(ctx, m.start())
    if not found and PASSIVE.search(ctx.text[: m.start()]):
        # a passive ("300,000 mines were destroyed ... before Belarus joined"): the state named after it
        after = [a.iri for a in _after(ctx.actors, m.end()) if str(a.iri).startswith(ID + "state/")]
        found = after[:1] or list(doc.about)[:1] if len(doc.about) == 1 or after else []
    if not found and _PRONOUN.search(ctx.text[: m.start()]) and len(doc.about) == 1:
        found = list(doc.about)
    if not found and m.start() == 0 and len(doc.about) == 1:
        found = list(doc.about)  # a summary-block line ("Not a State Party") is about the profile's state
    return [a for a in found if str(a).startswith(ID + "state/")] or found


def _attribution(rs: RuleSet, ctx: Context, pos: int, doc: Doc, cand: Candidate) -> None:
    """Who asserts it: the subject of a reporting verb before the trigger ("Belarus reported that"),
    the actor of "according to X", else the document's publisher, else a proposed publisher."""
    head = ctx.text[:pos]
    rep = list(rs.reporting.finditer(head))
    speaker = None
    if rep:
        subj = _subjects(ctx, rep[-1].start())
        # "Finland and Lithuania have announced ...": each speaks for itself
        speaker = cand.value("actor") if cand.value("actor") in subj else (subj[0] if subj else None)
    acc = rs.according_to.search(head)
    if speaker is None and acc:
        after = _after(ctx.actors, acc.end())
        speaker = after[0].iri if after else None
    if speaker is None:
        speaker = doc.publisher
    if speaker is None:
        speaker = names.proposed_iri("agent", f"{doc.slug}-publisher")
        cand.proposals.append((speaker, MK.Organisation, f"Publisher of {doc.title}"))
    cand.add("assertedBy", speaker)


def _instrument(ctx: Context, pos: int) -> URIRef:
    after = _after(ctx.instruments, pos)
    if after:
        return after[0].iri
    return ctx.instruments[-1].iri if ctx.instruments else URIRef(ID + "instrument/mbt")


def _mine_type(ctx: Context) -> URIRef | None:
    return ctx.minetypes[0].iri if ctx.minetypes else None


# ------------------------------------------------------------------ builders, one per statement kind


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


CONCEPTS = ("actionType", "status", "voteValue", "role", "scope", "modality", "assessment")


def _each_actor(rs, rule, ctx, m, doc, fill) -> list[Candidate]:
    """A candidate per subject of the match, with the rule's fixed concepts, filled in by `fill`, attributed."""
    out = []
    for actor in _actors_for(ctx, m, doc):
        c = Candidate(rule.kind, rule.id, rule.confidence, ctx.sentence)
        c.add("actor", actor)
        for key in CONCEPTS:
            if key in rule.set:
                c.add(key, MK[rule.set[key]])
        fill(c)
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


def _content(rs: RuleSet, rule: Rule, ctx: Context, pos: int, actor: URIRef | None) -> Candidate:
    tail = ctx.text[pos:]
    kind = next((k for k, cue in rs.content_kinds if cue.search(tail)), "Statement")
    figures = _after(ctx.figures, pos)
    if kind == "StockpileFigure" and not figures:
        kind = "Statement"  # a stockpile with no figure is not a figure statement
    c = Candidate(kind, rule.id, rule.confidence, ctx.sentence,
                  quantity=figures[0] if kind == "StockpileFigure" else None)
    c.add("actor", actor)
    if kind in ("MineUse", "Production", "Transfer", "StockpileFigure"):
        c.add("mineType", _mine_type(ctx))
    when = _after(ctx.dates, pos)
    if when:
        c.period = (when[0].value, when[0].until or when[0].value)
    return c


def _is_person(iri: URIRef) -> bool:
    return str(iri).startswith(ID + "person/")


def speech_act(rs, rule, ctx, m, doc):
    """Alleges, accuses, denies, acknowledges: speaker before the verb; accused and content after it."""
    c = Candidate(rule.kind, rule.id, rule.confidence, ctx.sentence)
    if rule.set.get("speaker") == "after":  # "According to Armenia, ..."
        return _according_to(rs, rule, ctx, m, doc, c)
    speakers = _subjects(ctx, m.start())
    speaker = speakers[0] if speakers else None
    head = ctx.text[: m.start()]
    pronoun = re.search(r"\b(?:([Ii]t|[Tt]hey)|[Hh]e|[Ss]he)\s+(?:\w+\s+){0,2}$", head)
    inherited = None
    # "it" and "they" stand for a state or body, "he" and "she" for a person
    if pronoun and doc.last_speaker is not None and bool(pronoun.group(1)) == _is_person(doc.last_speaker):
        pronoun = None
    if speaker is None and pronoun and doc.last_speaker is not None:
        speaker, inherited = doc.last_speaker, doc.last_said  # "Moreover, it alleged": the speaker before
        c.confidence -= 0.1
    if speaker is None:
        proper = _PROPER.search(ctx.text[: m.start()])
        if proper and proper.group(1).split()[0] not in NOT_NAMES:
            label = re.sub(r"^(?:The|the)\s+", "", proper.group(1).strip())
            speaker = names.proposed_iri("agent", label)
            c.proposals.append((speaker, MK.Actor, label))
            c.confidence -= 0.2
    if speaker is None:
        return []
    c.add("assertedBy", speaker)
    side = doc.gz.state_of.get(speaker, speaker)
    if rule.set.get("own_side"):
        return _own_act(rs, rule, ctx, m, doc, c, speaker, side)
    accused = next((a.iri for a in _after(ctx.actors, m.end()) if doc.gz.state_of.get(a.iri, a.iri) != side), None)
    if rule.kind == "Allegation":
        if accused is None:
            return []
        c.add("accused", accused)
        c.content = _content(rs, rule, ctx, m.end(), accused)
    else:
        c.content = _content(rs, rule, ctx, m.end(), speaker if rule.kind != "Assessment" else accused)
    when = [d for d in ctx.dates if d.end <= m.start()]
    dated = [d for d in ctx.dates if re.search(r"\b(?:dated|on)\s+$", ctx.text[max(0, d.start - 7) : d.start])]
    if when:
        c.add("assertedOn", when[-1].value)
    elif dated:
        c.add("assertedOn", dated[0].value)
    elif inherited is not None:
        c.add("assertedOn", inherited)
    doc.last_speaker, doc.last_said = speaker, c.value("assertedOn")
    meetings = ctx.meetings
    if meetings:
        c.add("assertedAt", meetings[0].iri)
    return [c]


def _according_to(rs, rule, ctx, m, doc, c):
    after = _after(ctx.actors, m.end())
    if not after:
        return []
    speaker = after[0].iri
    side = doc.gz.state_of.get(speaker, speaker)
    accused = next((a.iri for a in after[1:] if doc.gz.state_of.get(a.iri, a.iri) != side), None)
    content = _content(rs, rule, ctx, after[0].end, accused)
    if accused is None or content.kind == "Statement":
        return []
    c.add("assertedBy", speaker)
    c.add("accused", accused)
    c.content = content
    return [c]


def _own_act(rs, rule, ctx, m, doc, c, speaker, side):
    """"X told ... that X's soldiers emplaced mines": X acknowledges an act of its own side."""
    after = _after(ctx.actors, m.end())
    if not after or doc.gz.state_of.get(after[0].iri, after[0].iri) != side or side is None:
        return []
    content = _content(rs, rule, ctx, m.end(), after[0].iri)
    if content.kind not in ("MineUse", "Production", "Transfer") or _negated(rs, ctx, m.end(), rule):
        return []
    c.add("assertedBy", speaker)
    c.content = content
    return [c]


def assessment(rs, rule, ctx, m, doc):
    """The publisher's own finding: "could not confirm", "is not aware of", "expressed concern"."""
    c = Candidate(rule.kind, rule.id, rule.confidence, ctx.sentence)
    c.add("assessment", MK[rule.set["assessment"]])
    subject = _subjects(ctx, m.start())
    target = next((a.iri for a in _after(ctx.actors, m.end())), None)
    if subject and subject[0] != doc.publisher and not str(subject[0]).startswith(ID + "agent/"):
        target = target or subject[0]  # "Russia is not known to have": the state is what is assessed
    judge = subject[0] if subject and str(subject[0]).startswith(ID + "agent/") else doc.publisher
    said = [d for d in ctx.dates if d.end <= m.start()]
    if said:
        c.add("assertedOn", said[-1].value)
    c.add("assertedBy", judge if judge is not None else (subject[0] if subject else None))
    if c.value("assertedBy") is None:
        return []
    c.content = _content(rs, rule, ctx, m.end(), target)
    if c.content.kind == "Statement" and target is None:
        return []
    return [c]


BUILDERS = {
    "TreatyAction": treaty_action, "TreatyStatus": treaty_status, "Vote": vote,
    "MeetingParticipation": meeting_participation, "TransparencyReport": transparency_report,
    "RetainedMines": quantified, "StockpileFigure": quantified, "Destruction": destruction,
    "Production": production, "TransferPolicy": transfer_policy, "MineFind": mine_find,
    "Allegation": speech_act, "Denial": speech_act, "Acknowledgement": speech_act, "NonResponse": speech_act,
    "Assessment": assessment,
}

SPEECH = {"Allegation", "Denial", "Acknowledgement", "Assessment", "NonResponse"}
