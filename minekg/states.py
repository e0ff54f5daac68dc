"""States from ISO 3166 (pycountry), never typed by hand."""

from __future__ import annotations

import pycountry
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from .namespaces import MK, ST


def lookup(code: str):
    """The pycountry record for an alpha-3 code (ISO 3166-1, else ISO 3166-3), or None."""
    if len(code) != 3 or not code.isalpha() or not code.isupper():
        return None
    country = pycountry.countries.get(alpha_3=code)
    if country is not None:
        return country
    return pycountry.historic_countries.get(alpha_3=code)


def is_current(record) -> bool:
    return pycountry.countries.get(alpha_3=record.alpha_3) is not None


def state_triples(code: str) -> Graph:
    """The triples minekg states about one state, from its ISO record."""
    record = lookup(code)
    if record is None:
        raise KeyError(code)
    g = Graph()
    s = URIRef(ST[code])
    g.add((s, RDF.type, MK.State if is_current(record) else MK.FormerState))
    name = getattr(record, "common_name", None) or record.name
    g.add((s, RDFS.label, Literal(name, lang="en")))
    for alt in {record.name, getattr(record, "official_name", None)} - {name, None}:
        g.add((s, SKOS.altLabel, Literal(alt, lang="en")))
    g.add((s, MK.isoAlpha3, Literal(record.alpha_3)))
    if getattr(record, "alpha_2", None):
        g.add((s, MK.isoAlpha2, Literal(record.alpha_2)))
    if getattr(record, "numeric", None):
        g.add((s, MK.isoNumeric, Literal(record.numeric)))
    return g
