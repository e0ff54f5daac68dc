"""The claims of the claims network, read from the named queries queries/201_claims_network.rq (who is
involved, in which role) and queries/202_claim_details.rq (what each act says, and its evidence): one Claim
per speech act and author, with its counterparts by role (an allegation's accused, else the author of the
claim it answers, else the actor of its content; never anyone else), its evidence in document order, the
status its recorded responses give it and the bounds of when it was asserted. minekg.viz.network draws them.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from rdflib import Literal

from minekg.query.graph import Graph
from minekg.rdf.namespaces import shorten

QUERY = "201_claims_network"
DETAILS = "202_claim_details"

KINDS = ("allegation", "denial", "acknowledgement", "assessment", "non-response")

# Actor kinds by the most specific class the query finds; a former state is drawn as a state.
ACTOR_KINDS: dict[str, str] = {
    "State": "state",
    "FormerState": "state",
    "GovernmentBody": "government body",
    "Person": "person",
    "InternationalOrganisation": "international organisation",
    "NonGovernmentalOrganisation": "non-governmental organisation",
    "NewsOutlet": "news outlet",
    "Company": "company",
    "Organisation": "organisation",
    "NonStateArmedGroup": "non-state armed group",
    "Actor": "actor",
}

# An allegation's status is the first of these its responses give; "unanswered" when none is recorded.
STATUS_ORDER = (
    "acknowledged",
    "denied",
    "corroborated",
    "unconfirmed",
    "concern",
    "no response",
    "unanswered",
)
OWN_STATUS = {"denial": "denied", "acknowledgement": "acknowledged", "non-response": "no response"}

_LEXICAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?(?:Z|[+-]\d{2}:\d{2})?$")


# ------------------------------------------------------------------ dates


def date_bounds(lexical: str) -> tuple[datetime.date, datetime.date] | None:
    """The first and last day a date of any precision can denote ("2021-04" gives 2021-04-01 .. 04-30),
    for comparing only (rules/050_date_bounds.rq does the same in the graph); None if not a date."""
    m = _LEXICAL_DATE.match(lexical.strip())
    if not m:
        return None
    year, month, day = int(m.group(1)), m.group(2), m.group(3)
    try:
        if month is None:
            return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        mon = int(month)
        if day is None:
            last = calendar.monthrange(year, mon)[1]
            return datetime.date(year, mon, 1), datetime.date(year, mon, last)
        d = datetime.date(year, mon, int(day))
        return d, d
    except ValueError:
        return None


# ------------------------------------------------------------------ claims


@dataclass(frozen=True)
class Party:
    iri: str
    label: str
    kind: str
    states: tuple[str, ...] = ()  # the states it belongs to (one for a body or an official, itself for a state)
    state_labels: tuple[str, ...] = ()

    @property
    def state(self) -> str | None:
        """The one state it rolls up to, or None (no state, or ambiguous)."""
        return self.states[0] if len(self.states) == 1 else None


@dataclass(frozen=True)
class Evidence:
    iri: str
    document: str
    document_title: str
    document_date: str
    footnote: str
    offset: int | None
    quote: str


@dataclass
class Claim:
    iri: str
    kind: str
    author: Party
    targets: list[tuple[Party, str]] = field(default_factory=list)  # (party, role)
    responds_to: list[str] = field(default_factory=list)
    act: str = ""
    assessment: str = ""  # the concept IRI
    assessment_label: str = ""
    content: str = ""
    content_kind: str = ""
    negated: bool = False
    weapons: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    period_start: str = ""
    period_end: str = ""
    content_date: str = ""
    asserted: str = ""
    summary: str = ""
    content_summary: str = ""
    evidence: list[Evidence] = field(default_factory=list)
    # derived from the whole set of claims
    status: str = ""
    statuses: list[str] = field(default_factory=list)
    earliest: datetime.date | None = None
    latest: datetime.date | None = None

    @property
    def id(self) -> str:
        return shorten(self.iri)

    @property
    def period(self) -> str:
        if not self.period_start and not self.period_end:
            return ""
        return f"{self.period_start or '..'}/{self.period_end or '..'}"

    def text(self, author_label: str | None = None, target_label: str | None = None) -> str:
        """One line saying the claim: the curator's summary where there is one, else built from its parts."""
        if self.summary:
            return self.summary
        who = author_label or self.author.label
        parts = [f"{who}: {self.kind}"]
        if target_label:
            parts.append(f"({target_label})")
        about = self.content_summary or self.content_kind
        if about:
            parts.append(f"of: {'not ' if self.negated else ''}{about}")
        return " ".join(parts)


def _str(term) -> str:
    return "" if term is None else str(term)


def _kind_of(class_iri: str) -> str:
    return ACTOR_KINDS.get(class_iri.rsplit("#", 1)[-1], "actor")


def claims(graph: Graph) -> list[Claim]:
    """Every speech act in the graph, with its counterparts and evidence, and its derived status and
    assertion-date bounds."""
    found, parties = _read_roles(graph)
    assessment_status = _read_details(graph, found)
    ordered = _with_counterparts(found, parties)
    _derive(ordered, assessment_status)
    return ordered


# (claim, role, party) -> (label, kind, {state: state label})
_Parties = dict[tuple[str, str, str], tuple[str, str, dict[str, str]]]


def _read_roles(graph: Graph) -> tuple[dict[str, Claim], _Parties]:
    """Query 201's rows: each claim once (its author chosen later), and each party in each role with the
    states it belongs to."""
    result = graph.query(QUERY)
    col = {v: i for i, v in enumerate(result.variables)}
    found: dict[str, Claim] = {}
    parties: _Parties = {}
    for row in result.rows:

        def get(name: str, row=row) -> str:
            return _str(row[col[name]])

        iri, role, party = get("claim"), get("role"), get("party")
        if iri not in found:
            found[iri] = Claim(iri=iri, kind=get("kind"), author=Party("", "", "actor"))
        key = (iri, role, party)
        if key not in parties:
            parties[key] = (get("partyLabel"), _kind_of(get("partyClass")), {})
        if get("partyState"):
            parties[key][2][get("partyState")] = get("partyStateLabel") or get("partyState")
    return found, parties


def _read_details(graph: Graph, found: dict[str, Claim]) -> dict[str, str]:
    """Query 202's rows into the claims found; returns what each assessment value says of the claim it judges."""
    details = graph.query(DETAILS)
    col = {v: i for i, v in enumerate(details.variables)}
    # What each assessment value says about the claim it judges: the skos:Collection of assessments it is
    # a member of (ontology/vocabularies.ttl), as 202 gives it.
    assessment_status: dict[str, str] = {}
    for row in details.rows:

        def get(name: str, row=row) -> str:
            return _str(row[col[name]])

        if get("assessmentStatus"):
            assessment_status[get("assessment")] = get("assessmentStatus")

        c = found.get(get("claim"))
        if c is None:  # a speech act with no one in any role: nothing to draw (201 has no row for it)
            continue
        _add_details(c, row, col, get)
    return assessment_status


def _add_details(c: Claim, row: Sequence[Any], col: dict[str, int], get: Callable[[str], str]) -> None:
    """One row of 202 into its claim: the first value of each field, and every weapon, place and evidence."""
    _add(c.responds_to, get("respondsTo"))
    c.act = c.act or get("act")
    c.assessment = c.assessment or get("assessment")
    c.assessment_label = c.assessment_label or get("assessmentLabel")
    c.content = c.content or get("content")
    c.content_kind = c.content_kind or get("contentKind")
    negated = row[col["negated"]]
    if isinstance(negated, Literal) and negated.toPython() is True:
        c.negated = True
    _add(c.weapons, get("weapon"))
    _add(c.places, get("place"))
    c.period_start = c.period_start or get("periodStart")
    c.period_end = c.period_end or get("periodEnd")
    c.content_date = c.content_date or get("contentDate")
    c.asserted = c.asserted or get("asserted")
    c.summary = c.summary or get("summary")
    c.content_summary = c.content_summary or get("contentSummary")
    if get("evidence") and all(e.iri != get("evidence") for e in c.evidence):
        offset = row[col["offset"]]
        c.evidence.append(
            Evidence(
                iri=get("evidence"),
                document=get("document"),
                document_title=get("documentTitle"),
                document_date=get("documentDate"),
                footnote=get("footnote"),
                offset=int(offset) if isinstance(offset, Literal) else None,
                quote=get("quote"),
            )
        )


def _with_counterparts(found: dict[str, Claim], parties: _Parties) -> list[Claim]:
    """Each claim with its author and counterparts by role and its evidence, weapons and places in order; a
    claim several actors asserted together once per author. Sorted by claim, then author."""
    by_role: dict[str, dict[str, list[Party]]] = defaultdict(lambda: defaultdict(list))
    for (iri, role, party), (label, kind, states_) in sorted(parties.items()):
        ordered = sorted(states_)
        by_role[iri][role].append(Party(party, label, kind, tuple(ordered), tuple(states_[s] for s in ordered)))
    jointly: list[Claim] = []
    for iri, c in found.items():
        roles = by_role[iri]
        c.author = roles["author"][0]
        # The counterpart: an allegation's accused; else the author of the claim answered; else the
        # actor of the content. Never anyone else.
        if c.kind == "allegation":
            c.targets = [(p, "accused") for p in roles.get("accused", [])]
        elif roles.get("claimant"):
            c.targets = [(p, "claimant") for p in roles["claimant"]]
        else:
            c.targets = [(p, "subject") for p in roles.get("subject", [])]
        # the main text's quote first: evidence in document order, footnotes after
        c.evidence.sort(
            key=lambda e: (e.document, e.footnote != "", e.offset if e.offset is not None else 1 << 62, e.iri)
        )
        c.weapons.sort()
        c.places.sort()
        # A claim several actors asserted together is drawn once from each of them.
        jointly += [dataclasses.replace(c, author=other) for other in roles["author"][1:]]
    return sorted([*found.values(), *jointly], key=lambda c: (c.iri, c.author.iri))


def _add(values: list[str], value: str) -> None:
    if value and value not in values:
        values.append(value)


def _derive(all_claims: list[Claim], assessment_status: dict[str, str]) -> None:
    """Each claim's status (from the responses recorded to it) and the bounds of when it was asserted."""
    responses: dict[str, list[Claim]] = defaultdict(list)
    for c in all_claims:
        for answered in c.responds_to:
            responses[answered].append(c)
    by_content: dict[str, list[Claim]] = defaultdict(list)
    for c in all_claims:
        if c.content and not c.responds_to and c.kind != "allegation":
            by_content[c.content].append(c)
    for c in all_claims:
        if c.kind == "allegation":
            # A response names the allegation (mk:respondsTo) or, naming none, speaks of the same content.
            said = {_response_status(r, assessment_status)
                    for r in responses.get(c.iri, []) + by_content.get(c.content, [])}
            said.discard("")
            c.statuses = [s for s in STATUS_ORDER if s in said] or ["unanswered"]
        else:
            c.statuses = [_response_status(c, assessment_status) or "unanswered"]
        c.status = c.statuses[0]
        bounds = date_bounds(c.asserted) if c.asserted else None
        if bounds:
            c.earliest, c.latest = bounds
        else:
            # Not dated: it was asserted no later than the earliest document that reports it. That is a
            # bound for filtering, never shown as the date of the claim.
            reported = [b[1] for e in c.evidence if e.document_date for b in [date_bounds(e.document_date)] if b]
            c.earliest, c.latest = None, min(reported) if reported else None


def _response_status(c: Claim, assessment_status: dict[str, str]) -> str:
    if c.kind == "assessment":
        return assessment_status.get(c.assessment, "")
    return OWN_STATUS.get(c.kind, "")
