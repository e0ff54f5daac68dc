"""The DCAT and VoID description every export carries (description.ttl), and its SHA256SUMS.

Fixed fields (title, publisher, licence, keywords) come from export/dataset.ttl; the rest from the release
itself: the version (minekg.__version__), issued and modified (the latest date among the source documents
the release keeps, never the clock: a withheld source's date would give it away), the profile, every file
with its media type, byte size and SHA-256, triple counts (in all and per named graph), the vocabularies
used, a few example statements, and the SPARQL endpoint where one is given. Files are referred to by
relative IRIs (<minekg.ttl>), so the description stays true wherever the folder is published.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from minekg import formats as registry
from minekg.build.assembled import ONTOLOGY_GRAPH
from minekg.build.checks import _superclasses
from minekg.rdf import isodates
from minekg.rdf.loading import parse_turtle
from minekg.rdf.namespaces import MK, PREFIXES
from minekg.release.export_rdf import turtle
from minekg.release.markings import Profile, Quad

DCAT = Namespace("http://www.w3.org/ns/dcat#")
VOID = Namespace("http://rdfs.org/ns/void#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
DATASET = URIRef("https://w3id.org/minekg/dataset")
# Files are named relative to the description: built under this never-resolving base, written relative.
HERE = "https://minekg.invalid/release/"
DESCRIPTION_PREFIXES = {**PREFIXES, "dcat": str(DCAT), "void": str(VOID), "spdx": str(SPDX),
                        "foaf": str(FOAF)}
RDF_SUFFIXES = {"." + f.extension for f in registry.of_kind("graph", "dataset")}
EXAMPLE_KINDS = (MK.TreatyAction, MK.Allegation, MK.Denial, MK.StockpileFigure, MK.MineUse)


def media_type(name: str) -> str:
    f = registry.by_extension(Path(name).suffix)
    if f is None:  # a file kind the registry does not know: a programming error, not the user's
        raise KeyError(name)
    return f.media_type


def latest_source_date(quads: Iterable[Quad]) -> Literal | None:
    """The latest mk:lastUpdated or dcterms:date of a source document in `quads`, at its own precision."""
    quads = list(quads)
    onto = Graph()
    for s, p, o, g in quads:
        if g == ONTOLOGY_GRAPH and p == RDFS.subClassOf:
            onto.add((s, p, o))
    document_types = {c for c, ups in _superclasses(onto).items() if MK.SourceDocument in ups}
    documents = {s for s, p, o, _g in quads if p == RDF.type and o in document_types}
    dates = [o for s, p, o, _g in quads if s in documents and p in (MK.lastUpdated, DCTERMS.date)
             and isinstance(o, Literal) and isodates.datatype(str(o)) is not None]
    if not dates:
        return None
    # Partial dates are compared by their first day, a more precise date winning a tie; never completed.
    return max(dates, key=lambda d: (str(d) + "-01-01"[len(str(d)) - 4:], len(str(d))))


def release_iri(version: str, profile: Profile) -> URIRef:
    return URIRef(f"{DATASET}/{version}/{profile.name.lower()}")


def _namespace(iri: str) -> str:
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1]


def describe(quads: list[Quad], profile: Profile, version: str, files: dict[str, bytes], template: Path,
             template_shown: str, endpoint: str | None = None) -> str:
    """description.ttl for a release of `quads` written as `files` (name -> bytes)."""
    g = Graph()
    ds = release_iri(version, profile)
    for s, p, o in parse_turtle(template, template_shown):
        g.add((ds if s == DATASET else s, p, o))
    g.add((ds, DCTERMS.isVersionOf, DATASET))
    g.add((ds, DCAT.version, Literal(version)))
    latest = latest_source_date(quads)
    if latest is not None:
        g.add((ds, DCTERMS.issued, latest))
        g.add((ds, DCTERMS.modified, latest))
    _add_profile(g, ds, quads, profile)
    if endpoint:
        g.add((ds, VOID.sparqlEndpoint, URIRef(endpoint)))
    _add_statistics(g, ds, quads)
    # Distributions: every file of the export but this description and the checksums.
    _add_distributions(g, ds, files)
    return turtle(g, DESCRIPTION_PREFIXES, relative_to=HERE)


def _add_profile(g: Graph, ds: URIRef, quads: list[Quad], profile: Profile) -> None:
    """The profile: as the concept partners' tools read, and in words."""
    g.add((ds, MK.marking, profile.concept))
    rights = BNode("rights")
    definition = next((o for s, p, o, _g in quads if s == profile.concept and p == SKOS.definition), None)
    g.add((ds, DCTERMS.accessRights, rights))
    g.add((rights, RDF.type, DCTERMS.RightsStatement))
    meaning = f" ({str(definition).rstrip('.')})" if definition else ""
    g.add((rights, RDFS.label, Literal(
        f"Release profile {profile.label}: holds only statements, sources and evidence that may be shared "
        f"at {profile.label}{meaning}; anything marked more restrictively, and every fact derived from it, "
        "is withheld.", lang="en")))


def _add_statistics(g: Graph, ds: URIRef, quads: list[Quad]) -> None:
    """Statistics: VoID's counts, vocabularies, named graphs (subsets) and example resources."""
    triples = {(s, p, o) for s, p, o, _g in quads}
    classes = {t[2] for t in triples if t[1] == RDF.type}
    # VoID's entities are the resources whose IRIs start with the dataset's void:uriSpace (the template
    # declares it): the ontology's terms, also described in the release, are not among them.
    space = str(g.value(ds, VOID.uriSpace) or "")
    entities = {t[0] for t in triples if isinstance(t[0], URIRef) and space and str(t[0]).startswith(space)}
    for prop, n in ((VOID.triples, len(triples)), (VOID.distinctSubjects, len({t[0] for t in triples})),
                    (VOID.entities, len(entities)),
                    (VOID.properties, len({t[1] for t in triples})), (VOID.classes, len(classes))):
        g.add((ds, prop, Literal(n, datatype=XSD.integer)))
    for ns in sorted({_namespace(str(t[1])) for t in triples} | {_namespace(str(c)) for c in classes}):
        g.add((ds, VOID.vocabulary, URIRef(ns)))
    per_graph: dict[str, int] = {}
    for _s, _p, _o, name in quads:
        if name:
            per_graph[name] = per_graph.get(name, 0) + 1
    for name, n in sorted(per_graph.items()):
        g.add((ds, VOID.subset, URIRef(name)))
        g.add((URIRef(name), RDF.type, VOID.Dataset))
        g.add((URIRef(name), VOID.triples, Literal(n, datatype=XSD.integer)))
    for kind in EXAMPLE_KINDS:
        found = sorted(str(s) for s, p, o in triples if p == RDF.type and o == kind and isinstance(s, URIRef))
        if found:
            g.add((ds, VOID.exampleResource, URIRef(found[0])))


def _add_distributions(g: Graph, ds: URIRef, files: dict[str, bytes]) -> None:
    """One dcat:Distribution per file, with its media type, byte size and SHA-256 (spdx:checksum)."""
    here = Namespace(HERE)
    for name in sorted(files):
        data = files[name]
        dist = here[name]
        g.add((ds, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCTERMS.title, Literal(name)))
        g.add((dist, DCAT.downloadURL, dist))
        g.add((dist, DCAT.accessURL, dist))  # DCAT-AP requires it; a file is its own access point
        g.add((dist, DCAT.mediaType, URIRef(f"https://www.iana.org/assignments/media-types/{media_type(name)}")))
        g.add((dist, DCAT.byteSize, Literal(len(data), datatype=XSD.nonNegativeInteger)))
        checksum = BNode(f"sha256{hashlib.sha256(name.encode('utf-8')).hexdigest()[:16]}")
        g.add((dist, SPDX.checksum, checksum))
        g.add((checksum, RDF.type, SPDX.Checksum))
        g.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        digest = hashlib.sha256(data).hexdigest()
        g.add((checksum, SPDX.checksumValue, Literal(digest, datatype=XSD.hexBinary)))
        if Path(name).suffix in RDF_SUFFIXES:
            g.add((ds, VOID.dataDump, dist))


def sha256sums(files: dict[str, bytes]) -> str:
    """The SHA256SUMS file (`sha256sum -c SHA256SUMS` checks it), sorted by file name."""
    return "".join(f"{hashlib.sha256(files[name]).hexdigest()}  {name}\n" for name in sorted(files))
