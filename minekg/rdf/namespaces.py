"""The one IRI scheme of minekg: https://w3id.org/minekg/{ontology#,id/{kind}/,graph/}."""

from rdflib import Namespace
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD

BASE = "https://w3id.org/minekg/"
MK = Namespace(BASE + "ontology#")
ONTOLOGY_IRI = BASE + "ontology"
ID = BASE + "id/"
ST = Namespace(ID + "state/")
AG = Namespace(ID + "agent/")
DOC = Namespace(ID + "document/")
EV = Namespace(ID + "evidence/")
S = Namespace(ID + "statement/")
GRAPH = Namespace(BASE + "graph/")
PROV = Namespace("http://www.w3.org/ns/prov#")
OA = Namespace("http://www.w3.org/ns/oa#")
SCHEMA = Namespace("https://schema.org/")

# Prefixes used when minekg writes Turtle or tables (the same as docs/curation.md).
PREFIXES: dict[str, str] = {
    "mk": str(MK),
    "st": str(ST),
    "ag": str(AG),
    "person": ID + "person/",
    "post": ID + "post/",
    "place": ID + "place/",
    "conflict": ID + "conflict/",
    "instr": ID + "instrument/",
    "meeting": ID + "meeting/",
    "res": ID + "resolution/",
    "mt": ID + "minetype/",
    "doc": str(DOC),
    "fn": ID + "footnote/",
    "work": ID + "work/",
    "s": str(S),
    "ev": str(EV),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "prov": str(PROV),
    "oa": str(OA),
    "schema": str(SCHEMA),
}


def shorten(iri: str) -> str:
    """The prefixed form of an IRI where one of minekg's prefixes fits, else the IRI itself."""
    best = ""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(ns) > len(PREFIXES.get(best, "")):
            rest = iri[len(ns) :]
            if rest and "/" not in rest and "#" not in rest:
                best = prefix
    return f"{best}:{iri[len(PREFIXES[best]):]}" if best else iri


def expand(value: str) -> str:
    """Expand a prefixed name (st:BLR, s:belarus-2022-accession) with minekg's prefixes; else unchanged."""
    prefix, sep, local = value.partition(":")
    if sep and prefix in PREFIXES and not local.startswith("//"):
        return PREFIXES[prefix] + local
    return value
