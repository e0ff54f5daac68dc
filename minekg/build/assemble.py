"""The build: curated Turtle in, one checked dataset out.

assemble() loads the ontology, reference data and curated statements, makes the states from ISO 3166,
checks every term, type and source file, finds every evidence quote in its document, labels blank
nodes deterministically and applies the derivation rules. build() writes the result to build/.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS
from rdflib.term import Node

from minekg import atomic
from minekg.build import evidence, states
from minekg.rdf import oxi
from minekg.curation import register
from minekg.curation import diagnose
from minekg.errors import MinekgError
from minekg.rdf.loading import parse_turtle, read_text
from minekg.rdf.namespaces import GRAPH, ID, MK, ST, expand, shorten
from minekg.project import Project
from minekg.curation import diagnose, register

ONTOLOGY_GRAPH = str(GRAPH["ontology"])
REFERENCE_GRAPH = str(GRAPH["reference"])
DERIVED_GRAPH = str(GRAPH["derived"])
DECLARING_TYPES = {
    OWL.Class, RDFS.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty,
    RDF.Property, SKOS.ConceptScheme, MK.Concept, OWL.Ontology, RDFS.Datatype,
}
# The allow-list of standard terms the data may use: an input to the term check only, never loaded into
# the ontology graph (it declares rdf:type a rdf:Property and the like, which is not minekg's to publish).
TERMS_FILE = "external_terms.ttl"


def document_graph(slug: str) -> str:
    return str(GRAPH[f"document/{slug}"])


@dataclass
class SourceText:
    iri: URIRef
    file: str  # as shown to users
    text: str


@dataclass
class Assembled:
    project: Project
    graphs: dict[str, Graph] = field(default_factory=dict)  # graph IRI -> triples
    files: dict[str, str] = field(default_factory=dict)  # curated file -> graph IRI
    origin: dict[Node, str] = field(default_factory=dict)  # subject -> curated file it is described in
    sources: dict[URIRef, SourceText] = field(default_factory=dict)
    quote_problems: list[evidence.QuoteProblem] = field(default_factory=list)
    namespaces: dict[str, dict[str, URIRef]] = field(default_factory=dict)  # file -> its prefixes
    described: dict[Node, list[str]] = field(default_factory=dict)  # subject -> data files typing or naming it

    def union(self) -> Graph:
        g = Graph()
        for part in self.graphs.values():
            g += part
        return g

    def quads(self):
        for name, g in self.graphs.items():
            for s, p, o in g:
                yield s, p, o, name


# ------------------------------------------------------------------ loading


def _load_dir(asm: Assembled, folder: Path, graph_name, pattern: str = "*.ttl", skip: tuple[str, ...] = ()) -> None:
    for path in sorted(p for p in folder.glob(pattern) if p.name not in skip):
        shown = asm.project.rel(path)
        g = parse_turtle(path, shown, strict=True)
        name = graph_name(path)
        asm.graphs.setdefault(name, Graph())
        asm.graphs[name] += g
        asm.files[shown] = name
        for s in g.subjects(unique=True):
            asm.origin.setdefault(s, shown)
            # Described = typed or named here; other files may add to it (an alias, a marking).
            if name != ONTOLOGY_GRAPH and ((s, RDF.type, None) in g or (s, RDFS.label, None) in g):
                asm.described.setdefault(s, []).append(shown)
        asm.namespaces[shown] = dict(g.namespaces())


def _line_of(asm: Assembled, shown: str, iri: Node) -> int | None:
    """The first line of a curated file that mentions `iri`, prefixed or in full."""
    try:
        text = (asm.project.root / shown).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    forms = [f"<{iri}>"]
    for prefix, ns in asm.namespaces.get(shown, {}).items():
        if str(iri).startswith(str(ns)) and prefix:
            forms.append(f"{prefix}:{str(iri)[len(str(ns)):]}")
    for n, line in enumerate(text.splitlines(), 1):
        for form in forms:
            for m in re.finditer(re.escape(form), line):
                after = line[m.end() : m.end() + 1]
                if not after or not (after.isalnum() or after in "-_"):
                    return n
    return None


def _where(asm: Assembled, iri: Node, files: list[str] | None = None) -> str:
    for shown in files or sorted(asm.files):
        line = _line_of(asm, shown, iri)
        if line:
            return f"{shown}:{line}"
    return files[0] if files else "graph_data"


# ------------------------------------------------------------------ checks


def _declared_terms(ontology: Graph) -> set[Node]:
    declared = set()
    for s, o in ontology.subject_objects(RDF.type):
        if o in DECLARING_TYPES or (o, RDF.type, OWL.Class) in ontology:
            declared.add(s)
    return declared


def _allowed_terms(project: Project) -> set[Node]:
    """The standard terms ontology/external_terms.ttl allows (none if the project has no such file)."""
    path = project.ontology / TERMS_FILE
    if not path.is_file():
        return set()
    return _declared_terms(parse_turtle(path, project.rel(path), strict=True))


def _check_terms(asm: Assembled, declared: set[Node], typed_elsewhere: frozenset[Node] = frozenset()) -> None:
    """Every predicate and class in the data is a term of the ontology or a declared standard one.
    `typed_elsewhere`: what files not loaded into `asm` define (the one-document check loads only its own)."""
    data_files = [f for f, gname in asm.files.items() if gname != ONTOLOGY_GRAPH]
    typed = set(typed_elsewhere)
    for f in data_files:
        typed.update(asm.graphs[asm.files[f]].subjects(RDF.type))
    for f in data_files:
        g = parse_turtle(asm.project.root / f, f)
        for s, p, o in sorted(g, key=lambda t: tuple(str(x) for x in t)):
            if p not in declared:
                raise MinekgError(f"{_where(asm, p, [f])}: unknown term {shorten(str(p))} "
                                  "(not defined in ontology/; a typo?)")
            if p == RDF.type and o not in declared:
                raise MinekgError(f"{_where(asm, o, [f])}: unknown class {shorten(str(o))} "
                                  "(not defined in ontology/; a typo?)")
            for term in (s, o):
                if isinstance(term, URIRef) and str(term).startswith(str(MK)) and term not in declared:
                    raise MinekgError(f"{_where(asm, term, [f])}: unknown term {shorten(str(term))} "
                                      "(not defined in ontology/; a typo?)")
            if (isinstance(o, URIRef) and str(o).startswith(ID) and not str(o).startswith(str(ST))
                    and o not in typed and p != RDF.type):
                raise MinekgError(f"{_where(asm, o, [f])}: {shorten(str(o))} is used but never defined "
                                  "(no rdf:type for it in graph_data/; a typo?)")


def _check_described_once(asm: Assembled) -> None:
    """An entity is described in one file, so that two curators never give it two different accounts."""
    twice = diagnose.described_twice(asm.described)
    if twice:
        iri, first, second = twice
        raise MinekgError(f"{_where(asm, iri, [second])}: {shorten(str(iri))} is also described in "
                          f"{_where(asm, iri, [first])}; describe each entity in one file and refer to it elsewhere")


def _add_states(asm: Assembled) -> None:
    reference = asm.graphs.setdefault(REFERENCE_GRAPH, Graph())
    used: dict[str, str] = {}
    for f, gname in sorted(asm.files.items()):
        if gname == ONTOLOGY_GRAPH:
            continue
        for term in set(asm.graphs[gname].all_nodes()):
            if isinstance(term, URIRef) and str(term).startswith(str(ST)):
                used.setdefault(str(term)[len(str(ST)) :], f)
    for code in sorted(used):
        if states.lookup(code) is None:
            where = _where(asm, ST[code])
            raise MinekgError(f"{where}: st:{code} is not an ISO 3166 alpha-3 code (pycountry does not know it)")
    # Every ISO 3166-1 entry: a territory where iso_territories.csv lists it (with its source), else a
    # state, which some source must name (the register names all its states): pycountry cannot tell.
    territories = states.load_territories(asm.project)
    for code in sorted(set(states.iso_codes()) | set(used)):
        if code not in territories and code not in used:
            raise MinekgError(f"graph_data/{states.TERRITORIES_FILE}: ISO 3166-1 entry {code} is neither "
                              "listed there as a territory nor named as a state by any source: classify it")
        reference += states.state_triples(code, territories.get(code))


def _superclasses(ontology: Graph) -> dict[Node, set[Node]]:
    direct = defaultdict(set)
    for c, sup in ontology.subject_objects(RDFS.subClassOf):
        direct[c].add(sup)
    closure: dict[Node, set[Node]] = {}

    def up(c: Node) -> set[Node]:
        if c not in closure:
            closure[c] = {c}
            for sup in direct.get(c, ()):
                closure[c] |= up(sup)
        return closure[c]

    for c in list(direct) + list(ontology.subjects(RDF.type, OWL.Class)):
        up(c)
    return closure


def _disjoint_pairs(ontology: Graph) -> set[frozenset]:
    pairs = set()
    for node in ontology.subjects(RDF.type, OWL.AllDisjointClasses):
        members = list(ontology.items(ontology.value(node, OWL.members)))
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                pairs.add(frozenset((a, b)))
    for a, b in ontology.subject_objects(OWL.disjointWith):
        pairs.add(frozenset((a, b)))
    return pairs


def _check_types(asm: Assembled, data: Graph, ontology: Graph) -> None:
    sup = _superclasses(ontology)
    disjoint = _disjoint_pairs(ontology)
    for s in sorted(set(data.subjects(RDF.type)), key=str):
        types = sorted(set(data.objects(s, RDF.type)), key=str)
        for i, a in enumerate(types):
            for b in types[i + 1 :]:
                for x in sup.get(a, {a}):
                    for y in sup.get(b, {b}):
                        if frozenset((x, y)) in disjoint:
                            where = _where(asm, s, [asm.origin[s]] if s in asm.origin else None)
                            raise MinekgError(
                                f"{where}: {shorten(str(s))} is given incompatible types "
                                f"{shorten(str(a))} and {shorten(str(b))} ({shorten(str(x))} and "
                                f"{shorten(str(y))} are disjoint)")


def _load_sources(asm: Assembled) -> None:
    reference = asm.graphs[REFERENCE_GRAPH]
    for doc, rel in sorted(reference.subject_objects(MK.sourceFile)):
        path = asm.project.graph_data / str(rel)
        shown = asm.project.rel(path)
        where = _where(asm, doc, [f for f in asm.files if f.startswith("graph_data/sources")])
        # resolve() follows symbolic links too: a link in sources/ pointing elsewhere is refused the same way
        if not path.resolve().is_relative_to(asm.project.sources.resolve()):
            raise MinekgError(f"{where}: source file \"{rel}\" of {shorten(str(doc))} is outside "
                              f"{asm.project.rel(asm.project.sources)}/: sources must be kept there")
        if not path.is_file():
            raise MinekgError(f"{where}: source file {shown} of {shorten(str(doc))} not found")
        expected = reference.value(doc, MK.sha256)
        if expected is None:
            raise MinekgError(f"{where}: {shorten(str(doc))} has no mk:sha256: record the SHA-256 of {shown} "
                              "so that an edited source is caught")
        text = read_text(path, shown)
        actual = hashlib.sha256(text.encode("utf-8")).hexdigest()  # strict UTF-8 round-trips byte for byte
        if str(expected) != actual:
            raise MinekgError(f"{shown}: SHA-256 {actual[:12]}… differs from mk:sha256 {str(expected)[:12]}… "
                              f"recorded for {shorten(str(doc))}: source documents must not be edited")
        asm.sources[doc] = SourceText(doc, shown, text)


# ------------------------------------------------------------------ evidence


def _ground_evidence(asm: Assembled) -> None:
    """Find every quote in its document, record offsets, and give evidence nodes stable IRIs."""
    for gname in sorted(asm.graphs):
        g = asm.graphs[gname]
        if gname == ONTOLOGY_GRAPH:
            continue
        for stmt, ev in sorted(set(g.subject_objects(MK.evidence)), key=lambda t: (str(t[0]), str(t[1]))):
            if (ev, None, None) not in g:
                continue  # already renamed via another statement sharing this evidence
            source = g.value(ev, MK.source)
            quote = g.value(ev, MK.quote)
            if source is None or quote is None:
                # A reference-table row has no quote: the row must exist and be the statement's state's.
                row = g.value(ev, MK.row)
                if source is not None and row is not None:
                    src = asm.sources.get(source)
                    shown = src.file if src else shorten(str(source))
                    why = register.row_problem(src.text if src else None, shown, row, g.value(stmt, MK.actor))
                    if why:
                        asm.quote_problems.append(evidence.QuoteProblem(shorten(str(stmt)), why))
                continue  # SHACL reports evidence missing both
            src = asm.sources.get(source)
            label = shorten(str(stmt))
            if src is None:
                asm.quote_problems.append(evidence.QuoteProblem(
                    label, f"evidence cites {shorten(str(source))}, which has no source file in graph_data/sources"))
                continue
            if not str(quote).strip():
                # an empty quote is found at every offset of the document: say so, not where
                asm.quote_problems.append(evidence.QuoteProblem(
                    label, f"empty quote (mk:quote \"{quote}\"): quote the passage of {src.file} it rests on"))
                continue
            prefix, suffix = g.value(ev, MK.quotePrefix), g.value(ev, MK.quoteSuffix)
            hits = evidence.locate(src.text, str(quote), prefix and str(prefix), suffix and str(suffix))
            if not hits:
                asm.quote_problems.append(evidence.QuoteProblem(
                    label, f"quote not found in {src.file}: \"{_clip(str(quote))}\"; "
                    f"{diagnose.describe_mismatch(src.text, str(quote))}; closest passage: "
                    f"\"{_clip(evidence.closest_passage(src.text, str(quote)))}\""))
                continue
            if len(hits) > 1:
                asm.quote_problems.append(evidence.QuoteProblem(
                    label, f"quote occurs {len(hits)} times in {src.file} (offsets "
                    f"{_offsets(hits)}): \"{_clip(str(quote))}\"; add mk:quotePrefix or mk:quoteSuffix"))
                continue
            start = hits[0]
            loc = evidence.Located(start, start + len(str(quote)))
            target = ev
            if isinstance(ev, BNode):
                slug = str(source).rsplit("/", 1)[-1]
                target = evidence.evidence_iri(slug, str(quote), prefix and str(prefix), suffix and str(suffix),
                                               evidence.describe(g, ev))
                _rename(g, ev, target)
                asm.origin.setdefault(target, asm.origin.get(stmt, ""))
            for t in evidence.offsets_triples(target, loc):
                g.add(t)
            g.add((target, RDF.type, MK.Evidence))


def _offsets(hits: list[int], n: int = 5) -> str:
    return ", ".join(map(str, hits[:n])) + (", …" if len(hits) > n else "")


def _clip(text: str, n: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _rename(g: Graph, old: Node, new: Node) -> None:
    for s, p, o in list(g.triples((old, None, None))):
        g.remove((s, p, o))
        g.add((new, p, o))
    for s, p, o in list(g.triples((None, None, old))):
        g.remove((s, p, o))
        g.add((s, p, new))


def _blank_order(g: Graph) -> tuple[list[BNode], list[tuple[Node, Node, Node]]]:
    """The blank nodes, each after every blank node that points at it (Kahn's algorithm); if some blank
    nodes point at each other in a cycle, the order is incomplete and the triples among those left over
    (the cycles and what hangs from them) come second."""
    blanks = {n for n in g.all_nodes() if isinstance(n, BNode)}
    edges = [(s, p, o) for s, p, o in g if isinstance(s, BNode) and isinstance(o, BNode)]
    into: Counter = Counter(o for _, _, o in edges)
    out = defaultdict(list)
    for s, _, o in edges:
        out[s].append(o)
    order = [b for b in blanks if not into[b]]
    for b in order:  # grows while it is walked
        for o in out[b]:
            into[o] -= 1
            if not into[o]:
                order.append(o)
    left = blanks - set(order)
    return order, [(s, p, o) for s, p, o in edges if s in left and o in left]


def _label_blank_nodes(asm: Assembled, g: Graph) -> None:
    """Give every blank node a label derived from where it hangs and what it holds.

    Linear in the size of the graph: a blank node's content is hashed once and its parents include that
    hash, not its text; blank nodes that point at each other in a cycle are refused, as no such labelling
    can tell them apart.
    """
    order, cycle = _blank_order(g)
    if cycle:
        _refuse_cycle(asm, cycle)
    down: dict[BNode, str] = {}
    for b in reversed(order):  # children first
        parts = sorted(f"{p.n3()} {'_:' + down[o] if isinstance(o, BNode) else o.n3()}"
                       for p, o in g.predicate_objects(b))
        down[b] = hashlib.sha256(("[" + ";".join(parts) + "]").encode("utf-8")).hexdigest()
    keys: dict[BNode, str] = {}
    for b in order:  # parents first
        parents = sorted(((keys[s] if isinstance(s, BNode) else s.n3()) + p.n3() for s, p in g.subject_predicates(b)))
        keys[b] = hashlib.sha256(((parents[0] if parents else "") + down[b]).encode("utf-8")).hexdigest()[:16]
    seen: Counter = Counter()
    renames = {}
    for b in sorted(order, key=lambda b: (keys[b], str(b))):
        k = keys[b]
        seen[k] += 1
        renames[b] = BNode(f"g{k}" + (f"x{seen[k]}" if seen[k] > 1 else ""))
    for t in list(g):
        if any(isinstance(x, BNode) for x in t):
            g.remove(t)
            g.add(tuple(renames.get(x, x) for x in t))


def _refuse_cycle(asm: Assembled, cycle: list[tuple[Node, Node, Node]]) -> None:
    # Blank nodes have no names to tell which cycle is "first": the message names the first file (and the
    # predicates) of them all, so the same input always gives the same message.
    shown = min((asm.origin[s] for s, _, _ in cycle if s in asm.origin), default="graph_data")
    preds = sorted({p for s, p, _ in cycle if asm.origin.get(s, "graph_data") == shown}, key=str)
    line = _blank_line(asm, shown, preds)
    raise MinekgError(f"{shown}{f':{line}' if line else ''}: blank nodes refer to each other in a cycle "
                      f"(through {', '.join(shorten(str(p)) for p in preds)}), so they cannot be told apart "
                      "or labelled; give one of them an IRI")


def _blank_line(asm: Assembled, shown: str, preds: list[Node]) -> int | None:
    """The first line of `shown` using a labelled blank node (_:x) with one of `preds`, else any _:x."""
    try:
        lines = (asm.project.root / shown).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    labelled = [n for n, line in enumerate(lines, 1) if re.search(r"(^|[\s;,(\[])_:", line)]
    forms = [f"<{p}>" for p in preds]
    for prefix, ns in asm.namespaces.get(shown, {}).items():
        forms += [f"{prefix}:{str(p)[len(str(ns)):]}" for p in preds if str(p).startswith(str(ns))]
    with_pred = [n for n in labelled if any(f in lines[n - 1] for f in forms)]
    return (with_pred or labelled or [None])[0]


# ------------------------------------------------------------------ derivation


def _derive(asm: Assembled) -> None:
    """Apply rules/*.rq (SPARQL CONSTRUCT) over everything, into the derived graph."""
    asm.graphs[DERIVED_GRAPH] = derive_graph(asm.quads(), asm.project)


def derive_graph(quads, project: Project) -> Graph:
    """The triples rules/*.rq (SPARQL CONSTRUCT) derive from `quads` (s, p, o, graph IRI); also used by
    the export, which re-derives from what a release profile leaves so nothing derived from a withheld
    statement survives."""
    import pyoxigraph as ox

    store = ox.Store()
    store.bulk_extend(
        ox.Quad(oxi.to_oxigraph(s), oxi.to_oxigraph(p), oxi.to_oxigraph(o), ox.NamedNode(gname))
        for s, p, o, gname in quads
    )
    derived = Graph()
    for t in apply_rules(store, project.rules, project.rel):
        derived.add((oxi.to_rdflib(t.subject), oxi.to_rdflib(t.predicate), oxi.to_rdflib(t.object)))
    return derived


def apply_rules(store, rules: Path, shown=lambda p: p.name) -> list:
    """Run rules/*.rq (SPARQL CONSTRUCT over the union) in file order on a pyoxigraph store, adding what each
    derives to the store's derived graph, so that each rule sees what the earlier ones derived (070 reads
    050's date bounds); return every triple derived. The bench derives its synthetic graphs with this too."""
    import pyoxigraph as ox

    graph = ox.NamedNode(DERIVED_GRAPH)
    out = []
    for rule in sorted(rules.glob("*.rq")):
        text = read_text(rule, shown(rule))
        try:
            result = store.query(text, use_default_graph_as_union=True)
        except SyntaxError as e:
            raise MinekgError(f"{shown(rule)}: SPARQL syntax error: {e}") from None
        if not isinstance(result, ox.QueryTriples):
            kind = "an ASK" if isinstance(result, ox.QueryBoolean) else "a SELECT"
            raise MinekgError(f"{shown(rule)}: a rule must be a SPARQL CONSTRUCT, not {kind} query")
        triples = list(result)
        # A triple the store holds already is not added again: in the union it would count twice.
        fresh = [t for t in dict.fromkeys(triples)
                 if next(store.quads_for_pattern(t.subject, t.predicate, t.object), None) is None]
        store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in fresh)
        out.extend(triples)
    return out


# ------------------------------------------------------------------ entry points


def assemble(project: Project | None = None, derive: bool = True) -> Assembled:
    project = project or Project.default()
    asm = Assembled(project)
    for folder in (project.ontology, project.reference, project.sources, project.statements):
        if not folder.is_dir():
            raise MinekgError(f"{project.rel(folder)}: folder not found (is this a minekg checkout?)")
    _load_dir(asm, project.ontology, lambda p: ONTOLOGY_GRAPH, skip=(TERMS_FILE,))
    _load_dir(asm, project.reference, lambda p: REFERENCE_GRAPH)
    _load_dir(asm, project.sources, lambda p: REFERENCE_GRAPH)
    _load_dir(asm, project.statements, lambda p: document_graph(p.stem))
    _check_described_once(asm)
    ontology = asm.graphs[ONTOLOGY_GRAPH]
    _check_terms(asm, _declared_terms(ontology) | _allowed_terms(project))
    _add_states(asm)
    data = Graph()
    for gname, g in asm.graphs.items():
        if gname != ONTOLOGY_GRAPH:
            data += g
    _check_types(asm, data, ontology)
    _load_sources(asm)
    _ground_evidence(asm)
    for g in asm.graphs.values():
        _label_blank_nodes(asm, g)
    if derive:
        _derive(asm)
    return asm


def summarize(asm: Assembled) -> dict:
    union = asm.union()
    ontology = asm.graphs[ONTOLOGY_GRAPH]
    sup = _superclasses(ontology)
    statement_classes = {c for c, ups in sup.items() if MK.Statement in ups and c != MK.Statement}
    by_kind: Counter = Counter()
    by_doc: Counter = Counter()
    statements = set()
    for s in set(union.subjects(RDF.type)):
        types = set(union.objects(s, RDF.type)) & statement_classes
        if not types:
            continue
        statements.add(s)
        specific = [t for t in types if not any(t != u and t in sup.get(u, ()) for u in types)]
        for t in specific:
            by_kind[shorten(str(t)).removeprefix("mk:")] += 1
    for s in statements:
        docs = {union.value(ev, MK.source) for ev in union.objects(s, MK.evidence)}
        for d in docs - {None}:
            by_doc[shorten(str(d))] += 1
    return {
        "triples": sum(len(g) for g in asm.graphs.values()),
        "graphs": {name: len(g) for name, g in sorted(asm.graphs.items())},
        "statements": len(statements),
        "evidence": len(set(union.subjects(RDF.type, MK.Evidence))),
        "statements_by_kind": dict(sorted(by_kind.items())),
        "statements_by_document": dict(sorted(by_doc.items())),
        "files": dict(sorted(asm.files.items())),
    }


def build(project: Project | None = None, out: Path | None = None) -> dict:
    """Assemble and write build/ atomically: minekg.nq (sorted N-Quads) and summary.json."""
    project = project or Project.default()
    asm = assemble(project)
    if asm.quote_problems:
        first = asm.quote_problems[0]
        more = f" (and {len(asm.quote_problems) - 1} more quote problems)" if len(asm.quote_problems) > 1 else ""
        iri = URIRef(expand(first.statement))
        where = _where(asm, iri, [asm.origin.get(iri, "graph_data")])
        raise MinekgError(f"{where}: {first.statement}: {first.message}{more}")
    summary = summarize(asm)
    lines = oxi.nquads_lines(asm.quads())
    with atomic.replace_dir(out or project.build) as tmp:
        (tmp / "minekg.nq").write_text("".join(lines), encoding="utf-8")
        (tmp / "summary.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return summary


def load_built(project: Project | None = None) -> Path:
    """The built dataset's path; a clear error if there is none yet."""
    project = project or Project.default()
    path = project.build / "minekg.nq"
    if not path.is_file():
        raise MinekgError(f"{project.rel(path)}: no built dataset; run `minekg build` first")
    return path
