"""What the drafter works with: a rule, one sentence with what it offers (actors, dates, figures,
instruments, meetings, mine types, resolutions), a candidate statement, and the document."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rdflib import Literal, URIRef

from minekg.curation import dates, names, quantities
from minekg.curation.sentences import DraftSentence
from minekg.rdf.namespaces import MK

RESOLUTION = re.compile(r"\b[Rr]esolution\s+(?:A/RES/)?(\d{2,3}/\d{1,3})\b")
@dataclass(frozen=True)
class Rule:
    id: str
    kind: str
    trigger: re.Pattern
    unless: re.Pattern | None
    set: dict
    confidence: float


@dataclass
class RuleSet:
    rules: list[Rule]
    aliases: dict
    negation: re.Pattern
    reporting: re.Pattern
    according_to: re.Pattern
    content_kinds: list[tuple[str, re.Pattern]]


# ------------------------------------------------------------------ what a sentence offers


@dataclass
class Context:
    """One sentence with everything the builders look for in it, found once."""

    sentence: DraftSentence
    actors: list[names.Mention]
    dates: list[dates.DateMention]
    figures: list[quantities.Figure]
    instruments: list[names.Mention]
    meetings: list[names.Mention]
    minetypes: list[names.Mention]
    resolutions: list[tuple[int, int, str]]
    paragraph_date: dates.DateMention | None = None  # the last date of the paragraph's earlier sentences

    @property
    def text(self) -> str:
        return self.sentence.text


def context(s: DraftSentence, gz: names.Gazetteer) -> Context:
    text = s.text
    actors = gz.find(text, "actor")
    taken = [(m.start, m.end) for m in actors]
    actors += [m for m in gz.find(text, "demonym") if not any(a < m.end and m.start < b for a, b in taken)]
    found_dates = dates.find_dates(text)
    res = [(m.start(), m.end(), m.group(1)) for m in RESOLUTION.finditer(text)]
    minetypes = gz.find(text, "minetype")
    skip = [(d.start, d.end) for d in found_dates] + [(a, b) for a, b, _ in res] + [(m.start, m.end) for m in minetypes]
    skip += [(m.start(), m.end()) for m in re.finditer(r"\[\d+\]|\bArticle \d+|\bProtocol [IVX]+", text)]
    return Context(s, sorted(actors, key=lambda m: m.start), found_dates, quantities.find_figures(text, skip),
                   gz.find(text, "instrument"), gz.find(text, "meeting"), minetypes, res)


# ------------------------------------------------------------------ a candidate statement


@dataclass
class Candidate:
    kind: str
    rule: str
    confidence: float
    sentence: DraftSentence
    props: list[tuple[URIRef, object]] = field(default_factory=list)
    quantity: quantities.Figure | None = None
    unknown_quantity: URIRef | None = None  # the qualifier of a figure the source says it lacks
    parts: list[tuple[URIRef, quantities.Figure]] = field(default_factory=list)
    period: tuple[Literal | None, Literal | None] | None = None
    covers: tuple[Literal | None, Literal | None] | None = None
    content: Candidate | None = None
    proposals: list[tuple[URIRef, URIRef, str]] = field(default_factory=list)  # (IRI, class, label as written)

    def add(self, prop: str, value) -> None:
        if value is not None:
            self.props.append((MK[prop], value))

    def value(self, prop: str):
        return next((v for p, v in self.props if p == MK[prop]), None)


@dataclass
class Doc:
    """What the drafter knows about the document: its slug, IRI, date and who publishes it."""

    slug: str
    iri: URIRef
    last_updated: Literal | None
    publisher: URIRef | None
    about: list[URIRef]
    title: str
    gz: names.Gazetteer
    last_speaker: URIRef | None = None  # who "he", "she" or "it" before a speech verb most likely is
    last_said: Literal | None = None  # and when they said it
    paragraph_date: dates.DateMention | None = None
    previous_end: int = 0
    text: str = ""  # the document's text, to see where paragraphs end
