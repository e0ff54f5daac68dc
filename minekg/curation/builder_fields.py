"""What every builder looks for around a rule's match in a sentence: the actors a verb has as subject
(coordinated, passive, by pronoun), the date nearest it, negation, who asserts it, the instrument and the
mine type; and _each_actor, one candidate per actor with the rule's fixed concepts."""

from __future__ import annotations

import re

from rdflib import URIRef

from minekg.curation import dates, names
from minekg.curation.model import Candidate, Context, Doc, Rule, RuleSet
from minekg.rdf.namespaces import ID, MK

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
