"""JSON-LD: compacted with context.jsonld and framed with frame.jsonld (pyld, no network),
both package data in minekg/assets/export/.

The frame puts every node at the top level except the ones a statement owns (evidence, quantities,
intervals), which it nests where they are used, so a statement reads as one object with its attribution
and evidence; things and documents are referenced by IRI, never copied in. Breakdown parts, which the
frame cannot tell from statements by their properties, are nested too and their top-level copies dropped.
The context is generated from the ontology (`context_from_ontology`): the ontology's terms as short keys
(its namespace is the @vocab), IRI-valued properties typed @id, controlled values (mk:Concept) @vocab.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from minekg.errors import MinekgError
from minekg.rdf.namespaces import DCTERMS, MK, PREFIXES
from minekg.rdf.oxi import nt_term

CONTEXT_FILE = "context.jsonld"
FRAME_FILE = "frame.jsonld"
# Values only the build writes, always with this datatype, so a coerced key never has to fall back.
COERCED = {"startOffset": XSD.nonNegativeInteger, "endOffset": XSD.nonNegativeInteger,
           "earliest": XSD.date, "latest": XSD.date}
# A few terms of other vocabularies that nearly every node uses.
ALIASES = {"label": (RDFS.label, None), "altLabel": (SKOS.altLabel, None), "title": (DCTERMS.title, None)}


def context_from_ontology(ontology: Graph) -> dict[str, Any]:
    """The JSON-LD context for minekg's data: see the module docstring."""
    mk = str(MK)
    terms: dict[str, Any] = {}
    properties = sorted(set(ontology.subjects(RDF.type, OWL.ObjectProperty))
                        | set(ontology.subjects(RDF.type, OWL.DatatypeProperty)), key=str)
    for prop in properties:
        if not str(prop).startswith(mk):
            continue
        local = str(prop)[len(mk):]
        if (prop, RDF.type, OWL.ObjectProperty) in ontology:
            kind = "@vocab" if (prop, RDFS.range, MK.Concept) in ontology else "@id"
            terms[local] = {"@id": f"mk:{local}", "@type": kind}
        elif local in COERCED:
            terms[local] = {"@id": f"mk:{local}", "@type": f"xsd:{str(COERCED[local])[len(str(XSD)):]}"}
    for key, (iri, kind) in ALIASES.items():
        if key in terms:
            raise MinekgError(f"ontology: mk:{key} clashes with the JSON-LD alias {key!r} for <{iri}>")
        terms[key] = {"@id": str(iri)} if kind is None else {"@id": str(iri), "@type": kind}
    prefixes: dict[str, str] = {}
    for name, ns in PREFIXES.items():
        # A prefix and a term cannot share a name (mk:place and place:, mk:meeting and meeting:): the term
        # keeps it, and the prefix takes the plural.
        key = name if name not in terms else name + "s"
        if key in terms or key in prefixes:
            raise MinekgError(f"JSON-LD context: prefix {name}: clashes with a term; rename one")
        prefixes[key] = ns
    context: dict[str, Any] = {"@version": 1.1, "@vocab": mk}
    context.update(dict(sorted(prefixes.items())))
    context.update(dict(sorted(terms.items())))
    return {"@context": context}


def context_text(context: dict[str, Any]) -> str:
    return json.dumps(context, indent=2, ensure_ascii=False) + "\n"


def project_context(project) -> dict[str, Any]:
    """The context for the project's ontology (ontology/*.ttl), as minekg/assets/export/context.jsonld must hold it."""
    from minekg.rdf.loading import parse_turtle

    ontology = Graph()
    for path in sorted(project.ontology.glob("*.ttl")):
        ontology += parse_turtle(path, project.rel(path))
    return context_from_ontology(ontology)


def _pyld_term(term: Node) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "IRI", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "blank node", "value": f"_:{term}"}
    if term.language:
        return {"type": "literal", "value": str(term), "datatype": str(RDF.langString),
                "language": term.language}
    return {"type": "literal", "value": str(term), "datatype": str(term.datatype or XSD.string)}


def _pyld_dataset(quads: Iterable[tuple[Node, Node, Node, str]]) -> dict[str, list]:
    """pyld's RDF dataset form, built directly: its N-Quads parser checks duplicates in quadratic time."""
    dataset: dict[str, list] = {}
    def order(q: tuple) -> tuple[str, ...]:
        return q[3] or "", nt_term(q[0]), nt_term(q[1]), nt_term(q[2])

    for s, p, o, g in sorted(set(quads), key=order):
        dataset.setdefault(g or "@default", []).append(
            {"subject": _pyld_term(s), "predicate": _pyld_term(p), "object": _pyld_term(o)})
    return dataset


def frame_dataset(quads: Iterable[tuple[Node, Node, Node, str]], context: dict[str, Any],
                  frame: dict[str, Any]) -> dict[str, Any]:
    """The framed, compacted JSON-LD document for the union of the dataset's graphs. It refers to its
    context as "context.jsonld", the file shipped beside it."""
    from pyld import jsonld

    # Framed with the context inline, so nothing is ever fetched; the output then names the shipped file.
    inline = {**frame, "@context": context["@context"]}
    options = {"processingMode": "json-ld-1.1", "omitDefault": True, "omitGraph": False}
    try:
        expanded = jsonld.from_rdf(_pyld_dataset(quads), {})
        framed = jsonld.frame(expanded, inline, options)
    except jsonld.JsonLdError as e:
        raise MinekgError(f"JSON-LD framing failed: {str(e).splitlines()[0]}") from None
    _nest_blank_copies(framed)
    return {"@context": CONTEXT_FILE, **{k: v for k, v in framed.items() if k != "@context"}}


def _nest_blank_copies(doc: dict[str, Any]) -> None:
    """Drop top-level blank nodes the frame already nested in full, and the then unneeded blank ids."""
    nested: set[str] = set()
    counts: dict[str, int] = {}

    def walk(value: Any, top: bool) -> None:
        if isinstance(value, list):
            for v in value:
                walk(v, top)
        elif isinstance(value, dict):
            ident = value.get("@id")
            if isinstance(ident, str) and ident.startswith("_:"):
                counts[ident] = counts.get(ident, 0) + 1
                if not top and len(value) > 1:
                    nested.add(ident)
            for k, v in value.items():
                if k != "@context":
                    walk(v, False)
        elif isinstance(value, str) and value.startswith("_:"):
            counts[value] = counts.get(value, 0) + 1  # a bare reference under a term typed @id

    graph = doc.get("@graph", [])
    for node in graph:
        walk(node, True)
    doc["@graph"] = [n for n in graph if n.get("@id") not in nested]

    def prune(value: Any) -> None:
        if isinstance(value, list):
            for v in value:
                prune(v)
        elif isinstance(value, dict):
            ident = value.get("@id")
            if isinstance(ident, str) and ident in nested and counts.get(ident) == 2 and len(value) > 1:
                del value["@id"]  # it was named only for the top-level copy just dropped
            for k, v in value.items():
                if k != "@context":
                    prune(v)

    for node in doc["@graph"]:
        prune(node)


def jsonld_text(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def count_triples(doc: dict[str, Any], context: dict[str, Any]) -> int:
    """How many distinct triples the document denotes (the export checks none was lost in framing)."""
    from pyld import jsonld

    inline = {**doc, "@context": context["@context"]}
    lines = jsonld.to_rdf(inline, {"format": "application/n-quads"}).splitlines()
    return len({line for line in lines if line.strip()})


def load_json(path: Path, shown: str) -> dict[str, Any]:
    from minekg.rdf.loading import read_text

    try:
        return json.loads(read_text(path, shown))
    except json.JSONDecodeError as e:
        raise MinekgError(f"{shown}:{e.lineno}: not valid JSON: {e.msg}") from None



if __name__ == "__main__":  # regenerate minekg/assets/export/context.jsonld after the ontology changes
    from minekg import resources
    from minekg.atomic import write_text
    from minekg.project import Project

    _project = Project.default()
    write_text(resources.asset("export", CONTEXT_FILE), context_text(project_context(_project)))
