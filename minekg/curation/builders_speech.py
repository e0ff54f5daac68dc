"""The builders of speech acts and assessments: who alleges, denies or acknowledges what about whom
(the speaker before the verb, or after "according to"; the accused and the content after it), and the
publisher's own findings. The content is itself a candidate statement of the kind its cue names."""

from __future__ import annotations

import re

from rdflib import URIRef

from minekg.curation import names
from minekg.curation.builder_fields import _after, _mine_type, _negated, _subjects
from minekg.curation.model import Candidate, Context, Rule, RuleSet
from minekg.rdf.namespaces import ID, MK

# A capitalised name (possibly with "of the") right before a verb: a speaker the graph may not know.
_PROPER = re.compile(r"((?:(?:[A-Z][\w’'.-]+|of|the|for|and)\s+){0,7}[A-Z][\w’'.-]+)\s*,?\s*(?:\w+\s+){0,3}$")
NOT_NAMES = {"He", "She", "It", "They", "We", "I", "This", "That", "These", "Those", "However", "Moreover", "But",
             "And", "In", "On", "At", "Since", "After", "Before", "Separately", "Meanwhile", "Also", "Officials"}


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
