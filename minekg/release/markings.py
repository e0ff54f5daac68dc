"""Release markings: which statements, sources and nodes a release profile withholds.

Sources, statements (and any other node) may carry `mk:marking` with a Traffic Light Protocol level
(ontology/vocabularies.ttl: mk:TLP_CLEAR < mk:TLP_GREEN < mk:TLP_AMBER < mk:TLP_RED, by mk:rank);
unmarked means CLEAR. A release at profile P keeps only what may be shared at P:

- a node marked above P is withheld;
- a source document's footnotes go with it, and so do the works only withheld footnotes or evidence cite;
- evidence goes when its source, footnote or cited work goes, or when every statement citing it goes;
- a statement goes when it is marked above P or any of its evidence goes (its evidence rests on a more
  restricted source), and a speech act goes when its content goes; a content statement (one without
  evidence of its own) goes when every speech act about it goes;
- a thing described only in document graphs (a person, a meeting, a place only that document names)
  goes when everything that referred to it has gone: it is what the withheld material alone names.
  Things in the reference graph (states, shared organisations) always stay;
- blank nodes hanging from a withheld node (quantities, intervals, breakdown parts) go with it, and so
  does every triple that mentions a withheld node;
- the derived graph is derived again from what remains, so no derived fact computed from withheld
  statements survives.
"""

from __future__ import annotations

import tempfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS
from rdflib.term import Node

from minekg.build.assembled import DERIVED_GRAPH, ONTOLOGY_GRAPH, REFERENCE_GRAPH
from minekg.build.checks import _superclasses
from minekg.build.derivation import derive_graph
from minekg.errors import MinekgError
from minekg.project import Project
from minekg.rdf import oxi
from minekg.rdf.namespaces import MK, shorten

Quad = tuple[Node, Node, Node, str]
DEFAULT_PROFILE = "CLEAR"  # the safe default: what anyone may see


@dataclass(frozen=True)
class Profile:
    name: str  # CLEAR, GREEN, AMBER, RED
    rank: int
    concept: URIRef  # mk:TLP_<name>
    label: str  # TLP:<name>


@dataclass
class Release:
    """The quads a profile releases, and what it withheld (for the report and the leak tests)."""

    profile: Profile
    quads: list[Quad]
    withheld: set[Node] = field(default_factory=set)


# ------------------------------------------------------------------ reading


def parse_nquads(path: Path, shown: str | None = None) -> Iterator:
    """pyoxigraph's quads of an N-Quads file; a missing or malformed file is one line of error (the one
    reader of the built dataset: export, release filtering and push)."""
    import pyoxigraph as ox

    shown = shown or str(path)
    try:
        yield from ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS)
    except FileNotFoundError:
        raise MinekgError(f"{shown}: file not found") from None
    except SyntaxError as e:
        raise MinekgError(f"{shown}: not valid N-Quads: {str(e).strip().splitlines()[0]}") from None


def graph_of(q) -> str:
    """The graph IRI of a pyoxigraph quad, "" for the default graph."""
    import pyoxigraph as ox

    return "" if isinstance(q.graph_name, ox.DefaultGraph) else q.graph_name.value


def _rdflib_quad(q) -> Quad:
    return (oxi.to_rdflib(q.subject), oxi.to_rdflib(q.predicate), oxi.to_rdflib(q.object), graph_of(q))


def read_nquads(path: Path, shown: str | None = None) -> list[Quad]:
    """The quads of an N-Quads file (the built dataset), as rdflib terms with the graph IRI as text."""
    return [_rdflib_quad(q) for q in parse_nquads(path, shown)]


def _profile_and_marks(path: Path, name: str) -> tuple[Profile, bool]:
    """The profile called `name`, and whether anything in the dataset is marked above it (or with a value
    that is not a release marking), found in one pass without building rdflib terms for every quad: so that
    an unmarked dataset of a million quads is not converted just to learn that nothing is withheld."""
    onto: list[Quad] = []
    marks: set[str] = set()
    marking = str(MK.marking)
    for q in parse_nquads(path):
        g = graph_of(q)
        if g == ONTOLOGY_GRAPH:
            onto.append(_rdflib_quad(q))
        elif q.predicate.value == marking and g != DERIVED_GRAPH:
            marks.add(q.object.value)
    known = profiles(onto)
    profile = find_profile(name, known)
    rank = {str(p.concept): p.rank for p in known.values()}
    return profile, any(rank.get(m, profile.rank + 1) > profile.rank for m in marks)


def profiles(quads: Iterable[Quad]) -> dict[str, Profile]:
    """The release profiles the ontology defines: the TLP concepts of mk:ReleaseMarkings with their rank."""
    onto = Graph()
    for s, p, o, g in quads:
        if g == ONTOLOGY_GRAPH and p in (SKOS.inScheme, MK.rank, SKOS.prefLabel, RDFS.label):
            onto.add((s, p, o))
    found = {}
    for concept in onto.subjects(SKOS.inScheme, MK.ReleaseMarkings):
        rank = onto.value(concept, MK.rank)
        label = str(onto.value(concept, SKOS.prefLabel) or onto.value(concept, RDFS.label) or "")
        if rank is None or not label.startswith("TLP:"):
            continue
        name = label.removeprefix("TLP:")
        found[name] = Profile(name, int(rank), URIRef(concept), label)
    if not found:
        raise MinekgError("ontology: no release markings (mk:ReleaseMarkings with mk:rank) in the dataset")
    return dict(sorted(found.items(), key=lambda kv: kv[1].rank))


def find_profile(name: str, known: dict[str, Profile]) -> Profile:
    key = name.strip().upper().removeprefix("TLP:").removeprefix("TLP_")
    if key not in known:
        raise MinekgError(f"unknown profile {name!r} (one of: {', '.join(known)})")
    return known[key]


# ------------------------------------------------------------------ withholding


class _Index:
    """Who points at whom in the curated (non-derived) quads."""

    def __init__(self, quads: list[Quad]) -> None:
        self.out: dict[Node, dict[Node, set[Node]]] = defaultdict(lambda: defaultdict(set))
        self.inc: dict[Node, set[tuple[Node, Node]]] = defaultdict(set)
        self.graphs_of: dict[Node, set[str]] = defaultdict(set)
        self.types: dict[Node, set[Node]] = defaultdict(set)
        for s, p, o, g in quads:
            if g == DERIVED_GRAPH:
                continue
            self.out[s][p].add(o)
            self.graphs_of[s].add(g)
            if p == RDF.type:
                self.types[s].add(o)
            elif not isinstance(o, Literal):
                self.inc[o].add((s, p))

    def values(self, s: Node, p: Node) -> set[Node]:
        return self.out.get(s, {}).get(p, set())

    def referrers(self, o: Node, *predicates: Node) -> set[Node]:
        return {s for s, p in self.inc.get(o, ()) if not predicates or p in predicates}


def _ranks(quads: list[Quad], known: dict[str, Profile]) -> dict[Node, int]:
    """Each marked node's rank (the highest of its markings); an unknown marking is an error."""
    by_concept = {p.concept: p.rank for p in known.values()}
    ranks: dict[Node, int] = {}
    for s, p, o, g in quads:
        if p != MK.marking or g == DERIVED_GRAPH:
            continue
        if o not in by_concept:
            raise MinekgError(f"{shorten(str(s))}: mk:marking {shorten(str(o))} is not a release marking "
                              f"(one of: {', '.join(shorten(str(c)) for c in by_concept)})")
        ranks[s] = max(ranks.get(s, 0), by_concept[o])
    return ranks


def withheld_nodes(quads: list[Quad], profile: Profile, known: dict[str, Profile]) -> set[Node]:
    """Every IRI or blank node the profile withholds (see the module's docstring for the rules)."""
    ranks = _ranks(quads, known)
    withheld: set[Node] = {n for n, r in ranks.items() if r > profile.rank}
    if not withheld:
        return set()
    return _Withholding(quads, withheld).close()


_SHARED_GRAPHS = frozenset({REFERENCE_GRAPH, ONTOLOGY_GRAPH})


class _Withholding:
    """The withholding closure: from the nodes withheld by their own marking, every node that goes with
    them (a statement whose evidence or content is withheld, evidence whose source is, what only withheld
    nodes refer to, and the blank nodes hanging from withheld nodes)."""

    def __init__(self, quads: list[Quad], withheld: set[Node]) -> None:
        self.idx = _Index(quads)
        self.withheld = withheld
        onto = Graph()
        for s, p, o, g in quads:
            if g == ONTOLOGY_GRAPH and p == RDFS.subClassOf:
                onto.add((s, p, o))
        sup = _superclasses(onto)
        self.statement_types = {c for c, ups in sup.items() if MK.Statement in ups}
        self.document_types = {c for c, ups in sup.items() if MK.SourceDocument in ups}

    def is_statement(self, n: Node) -> bool:
        return bool(self.idx.types.get(n, set()) & self.statement_types)

    def evidence_of(self, n: Node) -> set[Node]:
        return self.idx.values(n, MK.evidence)

    def roots(self, n: Node, seen: frozenset = frozenset()) -> set[Node]:
        """The IRIs a blank node hangs from (itself for an IRI)."""
        if not isinstance(n, BNode):
            return {n}
        out: set[Node] = set()
        for s, _p in self.idx.inc.get(n, ()):
            if s not in seen:
                out |= self.roots(s, seen | {n})
        return out

    def gone(self, n: Node) -> bool:
        return n in self.withheld or (isinstance(n, BNode) and bool(self.roots(n)) and self.roots(n) <= self.withheld)

    def all_gone(self, referrers: set[Node]) -> bool:
        return bool(referrers) and all(self.gone(r) for r in referrers)

    def decide(self, n: Node) -> bool:
        idx, withheld = self.idx, self.withheld
        types = idx.types.get(n, set())
        if self.is_statement(n):
            for ev in self.evidence_of(n):
                if ev in withheld or any(x in withheld for p in (MK.source, MK.footnote, MK.citedWork)
                                         for x in idx.values(ev, p)):
                    return True
            if any(c in withheld for c in idx.values(n, MK.content)):
                return True
            speech_acts = idx.referrers(n, MK.content)
            return not self.evidence_of(n) and self.all_gone(speech_acts)
        if MK.Evidence in types or idx.referrers(n, MK.evidence):
            if any(x in withheld for p in (MK.source, MK.footnote, MK.citedWork) for x in idx.values(n, p)):
                return True
            return self.all_gone(idx.referrers(n, MK.evidence))
        if MK.Footnote in types:
            return any(d in withheld for d in idx.values(n, MK.footnoteOf))
        if types & self.document_types:
            return False  # a document is withheld by its own marking only
        if idx.referrers(n, MK.cites, MK.citedWork):
            return self.all_gone(idx.referrers(n))
        if idx.graphs_of.get(n) and not idx.graphs_of[n] & _SHARED_GRAPHS:
            return self.all_gone({s for s in idx.referrers(n) if s != n})
        return False

    def close(self) -> set[Node]:
        """Withholds what goes with the withheld nodes until nothing changes; the withheld set."""
        withheld = self.withheld
        candidates = sorted((n for n in self.idx.out if isinstance(n, URIRef)), key=str)
        changed = True
        while changed:
            changed = False
            for n in candidates:
                if n not in withheld and self.decide(n):
                    withheld.add(n)
                    changed = True
        # Blank nodes hanging from withheld nodes go with them.
        stack = list(withheld)
        while stack:
            n = stack.pop()
            for objects in self.idx.out.get(n, {}).values():
                for o in objects:
                    if isinstance(o, BNode) and o not in withheld and self.gone(o):
                        withheld.add(o)
                        stack.append(o)
        return withheld


def release(quads: list[Quad], profile: Profile, known: dict[str, Profile], project: Project) -> Release:
    """The quads `profile` releases: withheld nodes and every triple mentioning one removed, and the
    derived graph derived again from what remains (left as built when nothing is withheld)."""
    withheld = withheld_nodes(quads, profile, known)
    if not withheld:
        return Release(profile, list(quads), set())
    kept = [q for q in quads if q[3] != DERIVED_GRAPH and q[0] not in withheld and q[2] not in withheld]
    derived = derive_graph(kept, project)
    kept += [(s, p, o, DERIVED_GRAPH) for s, p, o in derived]
    return Release(profile, kept, withheld)


def filtered_quads(nquads_path: Path, profile: str, project: Project | None = None) -> list[Quad]:
    """The quads of a built dataset that `profile` (CLEAR, GREEN, AMBER or RED) releases: for `minekg push
    --profile`, so that a partner's store never receives more than its profile."""
    project = project or Project.default()
    quads = read_nquads(nquads_path)
    known = profiles(quads)
    return release(quads, find_profile(profile, known), known, project).quads


def released_file(nquads_path: Path, profile: str, dest: Path,
                  project: Project | None = None) -> tuple[Path, Profile, int]:
    """The N-Quads file of what `profile` releases, the profile, and how many nodes it withholds:
    `nquads_path` itself when nothing is marked above the profile (no copy of a large build for nothing),
    else `dest`, written atomically. What `minekg serve`, `minekg viz` and `minekg push` read, so that a
    server, a drawing or a partner's store never holds more than its profile."""
    from minekg import atomic

    chosen, marked_above = _profile_and_marks(nquads_path, profile)
    if not marked_above:
        return nquads_path, chosen, 0
    project = project or Project.default()
    quads = read_nquads(nquads_path)
    known = profiles(quads)
    rel = release(quads, known[chosen.name], known, project)
    atomic.write_text(dest, "".join(oxi.nquads_lines(rel.quads)))
    return dest, chosen, len(rel.withheld)


@contextmanager
def released_nquads(nquads_path: Path, profile: str | None, project: Project | None = None) -> Iterator[Path]:
    """`nquads_path` itself when no profile is given or the profile withholds nothing, else a temporary
    N-Quads file of what `profile` releases (removed afterwards): what `minekg push` sends."""
    if not profile:
        yield nquads_path
        return
    with tempfile.TemporaryDirectory(prefix="minekg-release-") as tmp:
        yield released_file(nquads_path, profile, Path(tmp) / "release.nq", project)[0]
