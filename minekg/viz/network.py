"""The claims network: who alleges, denies, acknowledges or assesses what, about whom.

Built from the named queries queries/201_claims_network.rq (who is involved, in which role) and
queries/202_claim_details.rq (what each act says, and its evidence) into a networkx MultiDiGraph whose
nodes are actors and whose edges are speech acts, one edge per act and counterpart:

- an allegation goes from the claimant to each accused;
- a denial, acknowledgement, non-response or assessment that answers a recorded claim (mk:respondsTo)
  goes to that claim's author (a denial's edge runs from the denier to the claimant);
- any other goes to the actor of the content it is about (an assessment of Armenia's production, an
  official acknowledging their state's use), with `target_role` "subject".

No counterpart is ever invented. A speech act with no counterpart (a denial that answers no recorded
allegation and whose content has no actor, or whose content's actor is its own author, such as "Russia
denied using mines in Georgia") is not drawn as an edge: it stays with its author as an "unpaired" claim,
counted in the node's `unpaired` attribute and listed when the node is clicked. A self-loop would read as
"Russia accuses Russia", which no source says.

With `rollup`, ministries, forces and officials become the state they belong to (an official through the
post they spoke in, mk:inCapacity, else the posts they hold); an actor that belongs to no state, or to
more than one, stays itself.

The claims themselves are read by minekg.viz.claims; this module filters them and makes the graph.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass

import networkx as nx
from rdflib import URIRef

from minekg.build import states
from minekg.errors import MinekgError
from minekg.query.catalogue import expand
from minekg.query.graph import Graph
from minekg.rdf.namespaces import MK, ST, shorten
from minekg.viz.claims import KINDS, Claim, Party, claims, date_bounds

# The act kinds (mk:ActKinds in ontology/vocabularies.ttl; tests/test_network.py checks they agree), by
# the prefLabel the query returns and the CLI accepts.
ACTS: dict[str, URIRef] = {
    "use": MK.UseAct,
    "production": MK.ProductionAct,
    "transfer": MK.TransferAct,
    "stockpiling": MK.StockpilingAct,
    "other": MK.OtherAct,
}


# ------------------------------------------------------------------ filters


@dataclass(frozen=True)
class Filters:
    """Which claims to draw. Dates may be YYYY, YYYY-MM or YYYY-MM-DD: a claim is kept when everything
    known about when it was asserted places it inside [since, until]."""

    since: str | None = None
    until: str | None = None
    acts: tuple[str, ...] = ()
    actor: str | None = None  # an ISO alpha-3 code, a prefixed name (ag:aze-mod) or an IRI
    rollup: bool = False

    def describe(self) -> str:
        parts = []
        if self.since:
            parts.append(f"asserted since {self.since}")
        if self.until:
            parts.append(f"asserted until {self.until}")
        if self.acts:
            parts.append("act " + " or ".join(self.acts))
        if self.actor:
            parts.append(f"involving {self.actor}")
        if self.rollup:
            parts.append("bodies and officials rolled up to their state")
        return "; ".join(parts) or "all claims"


def _date_filter(name: str, value: str | None, end: int) -> datetime.date | None:
    if value is None or value == "":
        return None
    bounds = date_bounds(value) if re.match(r"^\d{4}(-\d{2}){0,2}$", value.strip()) else None
    if bounds is None:
        raise MinekgError(f"{name} {value!r}: not a date (YYYY, YYYY-MM or YYYY-MM-DD)")
    return bounds[end]


def resolve_actor(value: str, all_claims: list[Claim]) -> str:
    """The IRI of the actor a user named, by ISO alpha-3 code, prefixed name or IRI."""
    raw = value.strip()
    if re.fullmatch(r"[A-Za-z]{3}", raw):
        if states.lookup(raw.upper()) is None:
            raise MinekgError(f"actor {value!r}: not an ISO 3166 alpha-3 code (nor an actor IRI such as ag:aze-mod)")
        return str(ST[raw.upper()])
    iri = expand(raw)
    known = set()
    for c in all_claims:
        for p in [c.author] + [t for t, _ in c.targets]:
            known.add(p.iri)
            known.update(p.states)
    if iri not in known:
        raise MinekgError(
            f"actor {value!r}: no such actor in the claims network "
            "(give an ISO alpha-3 code such as ARM, or an actor IRI such as ag:aze-mod)"
        )
    return iri


def check(filters: Filters) -> tuple[datetime.date | None, datetime.date | None]:
    """Fail early, before any query, on an unknown act or a malformed date; the (since, until) days."""
    for act in filters.acts:
        if act not in ACTS:
            raise MinekgError(f"act {act!r}: unknown (one of {', '.join(ACTS)})")
    since = _date_filter("since", filters.since, 0)
    until = _date_filter("until", filters.until, 1)
    if since and until and since > until:
        raise MinekgError(f"since {filters.since} is after until {filters.until}")
    return since, until


def select(all_claims: list[Claim], filters: Filters) -> list[Claim]:
    """The claims the filters keep (one-line errors for an unknown act, actor or date)."""
    since, until = check(filters)
    actor = resolve_actor(filters.actor, all_claims) if filters.actor else None
    kept = []
    for c in all_claims:
        if filters.acts and c.act not in filters.acts:
            continue
        if since and (c.earliest is None or c.earliest < since):
            continue
        if until and (c.latest is None or c.latest > until):
            continue
        if actor:
            parties = [c.author] + [t for t, _ in c.targets]
            if not any(actor == p.iri or actor in p.states for p in parties):
                continue
        kept.append(c)
    return kept


# ------------------------------------------------------------------ the network


@dataclass
class Network:
    graph: nx.MultiDiGraph
    filters: Filters
    claims: list[Claim]  # the claims selected, drawn or unpaired
    unpaired: dict[str, list[tuple[Claim, str]]]  # node -> its claims with no counterpart, and why

    @property
    def empty(self) -> bool:
        return not self.claims


def _node_for(p: Party, rollup: bool) -> tuple[str, str, str]:
    """(node id, label, kind) of a party: its state when rolling up and it belongs to exactly one."""
    if rollup and p.state and p.state != p.iri:
        return shorten(p.state), p.state_labels[0], "state"
    return shorten(p.iri), p.label, p.kind


def build(selected: list[Claim], filters: Filters) -> Network:
    """The MultiDiGraph of the selected claims, with node metrics."""
    g = nx.MultiDiGraph()
    unpaired: dict[str, list[tuple[Claim, str]]] = defaultdict(list)
    nodes: dict[str, dict] = {}

    def node(p: Party) -> str:
        nid, label, kind = _node_for(p, filters.rollup)
        if nid not in nodes:
            iri = p.state if nid != shorten(p.iri) else p.iri
            state = p.state if p.state else ""
            nodes[nid] = {
                "label": label,
                "kind": kind,
                "iri": iri,
                "iso": iri.rsplit("/", 1)[-1] if iri.startswith(str(ST)) else "",
                "state": shorten(state) if state else "",
            }
        return nid

    edges = []
    for c in selected:
        source = node(c.author)
        seen = []
        for party, role in c.targets:
            target = node(party)
            if target == source:
                unpaired[source].append(
                    (
                        c,
                        f"about its author ({party.label})"
                        if role == "subject"
                        else f"answers its author's own claim ({party.label})",
                    )
                )
                continue
            if target in seen:
                continue
            seen.append(target)
            edges.append((c, source, target, party, role))
        if not c.targets:
            unpaired[source].append((c, "no recorded claimant and no actor in its content"))
    for nid in sorted(nodes):
        g.add_node(nid, **nodes[nid])
    per_claim: dict[str, int] = defaultdict(int)
    for c, *_ in edges:
        per_claim[c.iri] += 1
    for c, source, target, party, role in edges:
        key = c.id if per_claim[c.iri] == 1 else f"{c.id}:{source}>{target}"
        g.add_edge(
            source,
            target,
            key=key,
            **edge_attributes(c, g.nodes[source]["label"], party, role, g.nodes[target]["label"]),
        )
    _metrics(g, unpaired)
    return Network(g, filters, list(selected), dict(unpaired))


def edge_attributes(c: Claim, source_label: str, party: Party, role: str, target_label: str) -> dict:
    """An edge's attributes: scalars only, so GraphML and GEXF keep every one."""
    first = c.evidence[0] if c.evidence else None
    return {
        "kind": c.kind,
        "claim": c.id,
        "claim_iri": c.iri,
        "label": c.kind,
        "act": c.act,
        "status": c.status,
        "statuses": "; ".join(c.statuses),
        "assessment": c.assessment_label,
        "target_role": role,
        "target_actor": shorten(party.iri),
        "answers": " ".join(shorten(r) for r in c.responds_to),
        "content": shorten(c.content) if c.content else "",
        "content_kind": c.content_kind,
        "negated": c.negated,
        "weapon": "; ".join(c.weapons),
        "place": "; ".join(c.places),
        "period": c.period,
        "content_date": c.content_date,
        "asserted": c.asserted,
        "asserted_earliest": c.earliest.isoformat() if c.earliest else "",
        "asserted_latest": c.latest.isoformat() if c.latest else "",
        "document": " ".join(dict.fromkeys(shorten(e.document) for e in c.evidence)),
        "document_title": first.document_title if first else "",
        "quote": first.quote if first else "",
        "evidence": " ".join(e.iri for e in c.evidence),
        "text": c.text(source_label, target_label),
        "mutual": False,
    }


def _metrics(g: nx.MultiDiGraph, unpaired: dict[str, list[tuple[Claim, str]]]) -> None:
    counts: dict[str, dict[str, int]] = {n: defaultdict(int) for n in g}
    alleges: dict[str, set[str]] = defaultdict(set)
    for u, v, d in g.edges(data=True):
        kind = d["kind"].replace("-", "_")
        counts[u][f"{kind}s_made"] += 1
        counts[v][f"{kind}s_received"] += 1
        if d["kind"] == "allegation":
            alleges[u].add(v)
    mutual = {n: sorted(v for v in alleges[n] if n in alleges[v]) for n in g}
    for u, v, d in g.edges(data=True):
        if d["kind"] == "allegation" and v in mutual[u]:
            d["mutual"] = True
    centrality = nx.degree_centrality(nx.Graph(g)) if len(g) > 1 else {n: 0.0 for n in g}
    for n, data in g.nodes(data=True):
        for kind in KINDS:
            k = kind.replace("-", "_")
            data[f"{k}s_made"] = counts[n][f"{k}s_made"]
            data[f"{k}s_received"] = counts[n][f"{k}s_received"]
        data["claims_made"] = g.out_degree(n) + len(unpaired.get(n, []))
        data["mutual_pairs"] = len(mutual[n])
        data["mutual_with"] = " ".join(mutual[n])
        data["degree_centrality"] = round(centrality[n], 6)
        data["unpaired"] = len(unpaired.get(n, []))
        data["unpaired_claims"] = " ".join(c.id for c, _ in unpaired.get(n, []))


def load(graph: Graph, filters: Filters | None = None) -> Network:
    """The claims network of a graph, filtered."""
    filters = filters or Filters()
    return build(select(claims(graph), filters), filters)
