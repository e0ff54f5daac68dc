"""A synthetic minekg dataset of a chosen size, shaped like the real one.

The real build is the template: its ontology and reference graphs, and the treaty register (a reference
table: the depositary's one record of every state), are kept once, and its other document graphs (country
profiles, the news report) are replicated as synthetic documents until the size is reached. Each replica
is a new document: its statements, evidence, footnotes, cited works, blank nodes and the actors, posts,
places and conflicts that belong to its states get new identifiers (with their reference records); the
states it speaks of are renamed by a random permutation of the ISO 3166 codes (so more states appear, each
with its ISO record); every date moves by a random number of years; and each allegation gains 0-3 relays
(the same claim asserted by other states, pointing at the same content), the fan-out claims have. A treaty
action is one event however many documents report it: the first report of a state's action (its instrument
and kind) fixes the action's date, and later reports repeat it, except one in DISSENT that keeps its own
shifted date, so that sources dating an action differently (queries 021 and 103) stay in the graph at every
size. (Without this, every state got about twenty reports of each of its actions, nearly all dated
differently: the real build has none so dated.) As in the build, no triple is put in two graphs. Derived
triples are not generated: the benchmark derives them with the project's own rules, as the build does.
Deterministic: the same template, size and seed give the same file.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from pathlib import Path

import pycountry
import pyoxigraph as ox

from minekg.build import states
from minekg.rdf.namespaces import GRAPH, ID, MK, ST
from minekg.rdf.oxi import to_oxigraph

DOCUMENT_GRAPH = str(GRAPH) + "document/"
DERIVED_GRAPH = str(GRAPH["derived"])
LOCAL = tuple(ID + kind for kind in ("statement/", "evidence/", "footnote/", "work/", "document/"))
# Actors and things that belong to a state (its bodies, officials, posts, places, conflicts) are renamed
# with the replica too: the replica's states are permuted, so keeping "the Armenian ministry" would make it
# a body of a new state in every replica (one ministry of 500 states, one conflict of 1,000 parties). Shared
# things (meetings, resolutions, instruments, mine types) stay shared, as in the real world.
OWNED = tuple(ID + kind for kind in ("agent/", "person/", "post/", "place/", "conflict/"))
RENAMED = LOCAL + OWNED
DATED = {"http://www.w3.org/2001/XMLSchema#" + t for t in ("date", "gYearMonth", "gYear", "dateTime")}
ALLEGATION = ox.NamedNode(str(MK.Allegation))
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
ASSERTED_BY = ox.NamedNode(str(MK.assertedBy))
CODES = sorted(c.alpha_3 for c in pycountry.countries)
TREATY_ACTION = ox.NamedNode(str(MK.TreatyAction))
REFERENCE_TABLE = ox.NamedNode(str(MK.ReferenceTable))
DATE = ox.NamedNode(str(MK.date))
ACTION_KEY = tuple(ox.NamedNode(str(p)) for p in (MK.actor, MK.instrument, MK.actionType))
DISSENT = 20  # one report in DISSENT of an already-dated treaty action keeps its own date


@dataclass
class Template:
    shared: list[ox.Quad]  # ontology and reference graphs, kept once
    documents: dict[str, list[ox.Quad]]  # document graph -> its quads
    actions: dict[ox.NamedNode, tuple]  # treaty action -> its (actor, instrument, action type)
    metadata: dict[str, list[ox.Triple]]  # renamed IRI (document, actor, ...) -> its triples in the reference graph


@dataclass
class Generated:
    path: Path
    quads: int
    documents: int
    states: int


def load_template(built: Path) -> Template:
    shared, documents = [], {}
    for q in ox.parse(path=str(built), format=ox.RdfFormat.N_QUADS):
        g = q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else ""
        if g == DERIVED_GRAPH:
            continue
        if g.startswith(DOCUMENT_GRAPH):
            documents.setdefault(g, []).append(q)
        else:
            shared.append(q)
    # A reference table (the treaty register) is the depositary's one record of every state, kept once like
    # the reference graphs: replicated, it would give each state a hundred registers at 10^6 triples.
    tables = {q.subject.value for q in shared if q.predicate == RDF_TYPE and q.object == REFERENCE_TABLE}
    for g in [g for g in documents if ID + "document/" + g[len(DOCUMENT_GRAPH):] in tables]:
        shared.extend(documents.pop(g))
    metadata: dict[str, list[ox.Triple]] = {}
    for q in shared:
        if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(RENAMED):
            metadata.setdefault(q.subject.value, []).append(ox.Triple(q.subject, q.predicate, q.object))
    actions = {}
    for quads in documents.values():
        typed = {q.subject for q in quads if q.predicate == RDF_TYPE and q.object == TREATY_ACTION}
        key: dict = {}
        for q in quads:
            if q.subject in typed and q.predicate in ACTION_KEY:
                key[(q.subject, q.predicate)] = q.object
        for a in typed:
            if all((a, p) in key for p in ACTION_KEY):
                actions[a] = tuple(key[(a, p)] for p in ACTION_KEY)
    return Template(shared, dict(sorted(documents.items())), actions, metadata)


class Replica:
    """The renaming of one synthetic document: identifiers, states and dates."""

    def __init__(self, k: int, rng: random.Random) -> None:
        self.suffix = f"-x{k}"
        shuffled = CODES[:]
        rng.shuffle(shuffled)
        self.codes = dict(zip(CODES, shuffled, strict=True))
        self.years = rng.randint(-8, 8)
        self.memo: dict = {}

    def term(self, t):
        if t in self.memo:
            return self.memo[t]
        out = t
        if isinstance(t, ox.NamedNode):
            v = t.value
            if v.startswith(RENAMED) or v.startswith(DOCUMENT_GRAPH):
                out = ox.NamedNode(v + self.suffix)
            elif v.startswith(str(ST)) and v[len(str(ST)):] in self.codes:
                out = ox.NamedNode(str(ST) + self.codes[v[len(str(ST)):]])
        elif isinstance(t, ox.BlankNode):
            out = ox.BlankNode(t.value + self.suffix.replace("-", ""))
        elif isinstance(t, ox.Literal) and t.datatype.value in DATED:
            out = ox.Literal(self.shift(t.value), datatype=t.datatype)
        self.memo[t] = out
        return out

    def shift(self, value: str) -> str:
        m = re.match(r"^(-?\d{4})(.*)$", value)
        if not m:
            return value
        year = int(m.group(1)) + self.years
        rest = m.group(2)
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        if rest.startswith("-02-29") and not leap:
            rest = "-02-28" + rest[6:]  # a shifted 29 February must stay a real date
        return f"{year:04d}{rest}"


def generate(built: Path, target: int, out: Path, seed: int = 1) -> Generated:
    """Write about `target` quads (before derivation) shaped like `built` to `out` (N-Quads).

    The quads are written one replica at a time, so that 10^7 fits in memory: only the triples that two
    replicas could share (about states and shared things) are remembered across replicas. A triple whose
    subject is a replica's own (a renamed IRI or blank node: renaming appends the replica's suffix) can only
    meet another of the same replica, so those are remembered for one replica only. The file is the same,
    byte for byte, as when every triple was remembered."""
    template = load_template(built)
    rng = random.Random(seed)
    names = list(template.documents)
    used_codes: set[str] = set()
    action_dates: dict[tuple, ox.Literal] = {}  # (actor, instrument, action type) -> its first reported date
    seen = {(q.subject, q.predicate, q.object) for q in template.shared}
    k = 0
    # The derived graph adds about 13 % to the real build; aim the base below the target by that much.
    base_target = int(target / 1.13)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    with tmp.open("wb") as f:
        written = _write(f, template.shared)
        # ... and leave room for the ISO records of the states used (about 6 triples each).
        while written + 6 * len(used_codes) < base_target:
            source = names[k % len(names)]
            r = Replica(k, rng)
            quads = _replica(template, source, r, seen, action_dates, rng)
            quads.extend(_relays(template.documents[source], r, ox.NamedNode(source + r.suffix), rng, used_codes))
            used_codes.update(r.codes[c] for c in _codes_in(template.documents[source]) if c in r.codes)
            written += _write(f, quads)
            k += 1
        iso = []
        for code in sorted(used_codes):
            for s, p, o in sorted(states.state_triples(code)):  # an rdflib Graph's order varies by run
                triple = (to_oxigraph(s), to_oxigraph(p), to_oxigraph(o))
                if triple not in seen:
                    seen.add(triple)
                    iso.append(ox.Quad(*triple, ox.NamedNode(str(GRAPH["reference"]))))
        written += _write(f, iso)
    tmp.replace(out)
    return Generated(out, written, k, len(used_codes))


def _write(f, quads: list[ox.Quad]) -> int:
    if quads:
        ox.serialize(quads, output=f, format=ox.RdfFormat.N_QUADS)
    return len(quads)


def _own(term) -> bool:
    """A template term that renaming makes the replica's own (so no other replica can hold it)."""
    return isinstance(term, ox.BlankNode) or (
        isinstance(term, ox.NamedNode) and term.value.startswith(RENAMED + (DOCUMENT_GRAPH,)))


def _replica(template: Template, source: str, r: Replica, seen: set, action_dates: dict,
             rng: random.Random) -> list[ox.Quad]:
    """One synthetic document: the source document's quads renamed, and the reference records they name."""
    graph = ox.NamedNode(source + r.suffix)
    local: set = set()  # the triples whose subject is this replica's own
    quads, docs = [], set()

    def fresh(subject, triple) -> bool:
        # The build never puts one triple in two graphs (about a shared person, place or meeting, say);
        # keep that, as engines differ on such duplicates (Oxigraph's union repeats them).
        kept = local if _own(subject) else seen
        if triple in kept:
            return False
        kept.add(triple)
        return True

    for q in template.documents[source]:
        s, p, o = r.term(q.subject), r.term(q.predicate), r.term(q.object)
        if p == DATE and q.subject in template.actions:
            key = tuple(r.term(t) for t in template.actions[q.subject])
            first = action_dates.setdefault(key, o)
            if first != o and rng.randrange(DISSENT):
                o = first
        if not fresh(q.subject, (s, p, o)):
            continue
        quads.append(ox.Quad(s, p, o, graph))
        for t in (q.subject, q.object):
            if isinstance(t, ox.NamedNode) and t.value in template.metadata:
                docs.add(t.value)
    # The reference records of what the replica names, and of what those records name in turn.
    todo, done = sorted(docs), set()
    while todo:
        doc = todo.pop()
        if doc in done:
            continue
        done.add(doc)
        for t in template.metadata[doc]:
            triple = (r.term(t.subject), t.predicate, r.term(t.object))
            if isinstance(t.object, ox.NamedNode) and t.object.value in template.metadata:
                todo.append(t.object.value)
            if fresh(t.subject, triple):
                quads.append(ox.Quad(*triple, graph))
    return quads


def _relays(quads: list[ox.Quad], r: Replica, graph: ox.NamedNode, rng: random.Random,
            used_codes: set[str]) -> list[ox.Quad]:
    allegations = sorted({q.subject.value for q in quads if q.predicate == RDF_TYPE
                          and q.object == ALLEGATION and isinstance(q.subject, ox.NamedNode)})
    out = []
    for a in allegations:
        node = ox.NamedNode(a)
        own = [q for q in quads if q.subject == node]
        for j in range(rng.choice((0, 0, 1, 1, 2, 3))):
            relay = ox.NamedNode(r.term(node).value + f"-relay{j}")
            code = rng.choice(CODES)
            used_codes.add(code)
            claimant = ox.NamedNode(str(ST) + code)
            for q in own:
                o = claimant if q.predicate == ASSERTED_BY else r.term(q.object)
                out.append(ox.Quad(relay, q.predicate, o, graph))
    return out


def _codes_in(quads: list[ox.Quad]) -> set[str]:
    prefix = str(ST)
    return {t.value[len(prefix):] for q in quads for t in (q.subject, q.object)
            if isinstance(t, ox.NamedNode) and t.value.startswith(prefix)}
