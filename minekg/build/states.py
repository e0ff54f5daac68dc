"""States and territories from ISO 3166 (pycountry), never typed by hand.

pycountry gives every ISO 3166-1 entry its codes and names but not whether the entry is a sovereign state.
That comes from sources: graph_data/reference/iso_territories.csv lists the entries that are not states,
each with its reason and source; every other ISO 3166-1 entry is a state, and the build refuses one that
no source names at all (see docs/register.md), so a new ISO code is never classified silently.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import pycountry
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from minekg.errors import MinekgError
from minekg.project import Project
from minekg.rdf.loading import read_text
from minekg.rdf.namespaces import MK, ST

TERRITORIES_FILE = "reference/iso_territories.csv"  # relative to graph_data/
TERRITORY_COLUMNS = ("iso3", "iso_name", "independent", "source", "reason")


@dataclass(frozen=True)
class Territory:
    code: str
    line: int
    source: str
    reason: str


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


def iso_codes() -> list[str]:
    """Every current ISO 3166-1 alpha-3 code pycountry knows, sorted."""
    return sorted(c.alpha_3 for c in pycountry.countries)


def load_territories(project: Project) -> dict[str, Territory]:
    """The ISO 3166-1 entries that are not states, from graph_data/reference/iso_territories.csv."""
    path = project.graph_data / TERRITORIES_FILE
    shown = project.rel(path)
    text = read_text(path, shown)
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if tuple(header or ()) != TERRITORY_COLUMNS:
        raise MinekgError(f"{shown}:1: header must be {','.join(TERRITORY_COLUMNS)}")
    found: dict[str, Territory] = {}
    for cells in reader:
        line = reader.line_num
        if not cells:
            continue
        if len(cells) != len(TERRITORY_COLUMNS):
            raise MinekgError(f"{shown}:{line}: expected {len(TERRITORY_COLUMNS)} cells, found {len(cells)}")
        code, _name, _independent, source, reason = cells
        if pycountry.countries.get(alpha_3=code) is None or code != code.upper():
            raise MinekgError(f"{shown}:{line}: {code!r} is not an ISO 3166-1 alpha-3 code "
                              "(pycountry does not know it)")
        if code in found:
            raise MinekgError(f"{shown}:{line}: {code} is listed twice (first on line {found[code].line})")
        if not source.strip() or not reason.strip():
            raise MinekgError(f"{shown}:{line}: {code} needs a source and a reason")
        found[code] = Territory(code, line, source, reason)
    return found


def state_triples(code: str, territory: Territory | None = None) -> Graph:
    """The triples minekg states about one ISO entry: a state (or former state), or a territory."""
    record = lookup(code)
    if record is None:
        raise KeyError(code)
    g = Graph()
    s = URIRef(ST[code])
    if territory is not None:
        g.add((s, RDF.type, MK.Territory))
        g.add((s, SKOS.note, Literal(f"Not typed as a state: {territory.reason} (source: {territory.source})",
                                     lang="en")))
    else:
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
