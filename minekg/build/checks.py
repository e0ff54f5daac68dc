"""The build's checks of the curated data: every term and class is declared, each entity is described in
one file, no entity has disjoint types, every state is an ISO 3166 code, and every source file is inside
sources/ with its recorded SHA-256. Also the ontology's class closure (_superclasses), which the summary
and the export read too."""

from __future__ import annotations

import hashlib
from collections import defaultdict

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS
from rdflib.term import Node

from minekg.build import states
from minekg.build.assembled import ONTOLOGY_GRAPH, REFERENCE_GRAPH, Assembled, SourceText, _where
from minekg.curation import diagnose
from minekg.errors import MinekgError
from minekg.project import Project
from minekg.rdf.loading import parse_turtle, read_text
from minekg.rdf.namespaces import ID, MK, ST, shorten

DECLARING_TYPES = {
    OWL.Class, RDFS.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty,
    RDF.Property, SKOS.ConceptScheme, MK.Concept, OWL.Ontology, RDFS.Datatype,
}


# The allow-list of standard terms the data may use: an input to the term check only, never loaded into
# the ontology graph (it declares rdf:type a rdf:Property and the like, which is not minekg's to publish).
TERMS_FILE = "external_terms.ttl"


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
