"""Every ISO 3166-1 entry is in the graph, from pycountry: a state where the register counts it as one, a
territory where graph_data/reference/iso_territories.csv says why it is not; never classified silently."""

from __future__ import annotations

import csv
from pathlib import Path

import pycountry
import pytest

from minekg.build import states
from minekg.build.assemble import build
from minekg.errors import MinekgError
from minekg.project import Project
from tests.seed import SEED_DATA

ROOT = Path(__file__).resolve().parent.parent
TERRITORIES = SEED_DATA / states.TERRITORIES_FILE
TABLE = SEED_DATA / "sources" / "mbt_status.csv"


def codes_of(graph, cls: str) -> set[str]:
    result = graph.sparql(f"PREFIX mk: <https://w3id.org/minekg/ontology#> SELECT ?s WHERE {{ ?s a mk:{cls} }}")
    return {str(r[0]).rsplit("/", 1)[1] for r in result.rows}


def register_codes() -> set[str]:
    with TABLE.open(encoding="utf-8", newline="") as f:
        return {r["iso3"] for r in csv.DictReader(f)}


def territory_rows() -> list[dict[str, str]]:
    with TERRITORIES.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_every_iso_entry_is_a_state_or_a_territory(graph):
    iso = {c.alpha_3 for c in pycountry.countries}
    current_states = codes_of(graph, "State") - codes_of(graph, "FormerState")
    territories = codes_of(graph, "Territory")
    assert len(iso) == 249
    assert current_states | territories == iso
    assert not current_states & territories
    # The states are the register's 197 (its 165 that joined and 32 UN members that never did).
    assert current_states == register_codes() and len(current_states) == 197
    assert territories == {r["iso3"] for r in territory_rows()} and len(territories) == 52


def test_each_territory_says_why_and_from_which_source():
    rows = territory_rows()
    assert {"GUM", "PRI", "HKG", "GRL", "TWN", "ESH", "ATA"} <= {r["iso3"] for r in rows}
    for r in rows:
        assert r["independent"] == "false"
        assert "world-countries 5.1.0" in r["source"] and "ISO 3166-1 independence status" in r["source"]
        assert r["reason"].strip()
        assert pycountry.countries.get(alpha_3=r["iso3"]).name == r["iso_name"]


def test_codes_and_names_come_from_pycountry(graph):
    result = graph.sparql("""PREFIX mk: <https://w3id.org/minekg/ontology#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?s ?type ?label ?alt ?a2 ?num WHERE {
          VALUES ?s { <https://w3id.org/minekg/id/state/BOL> <https://w3id.org/minekg/id/state/GUM> }
          ?s a ?type ; rdfs:label ?label ; mk:isoAlpha2 ?a2 ; mk:isoNumeric ?num .
          FILTER (?type != mk:Actor)  # the membership rule (rules/000) adds mk:Actor to every state
          OPTIONAL { ?s skos:altLabel ?alt } }""")
    seen: dict[str, dict] = {}
    for s, typ, label, alt, a2, num in result.rows:
        entry = seen.setdefault(str(s).rsplit("/", 1)[1], {"alt": set()})
        entry.update(type=str(typ).split("#")[1], label=str(label), a2=str(a2), num=str(num))
        if alt is not None:
            entry["alt"].add(str(alt))
    assert seen["BOL"]["type"] == "State" and seen["BOL"]["label"] == "Bolivia"  # pycountry's common name
    assert seen["BOL"]["alt"] == {"Bolivia, Plurinational State of", "Plurinational State of Bolivia"}
    assert (seen["BOL"]["a2"], seen["BOL"]["num"]) == ("BO", "068")
    assert seen["GUM"]["type"] == "Territory" and seen["GUM"]["label"] == "Guam" and seen["GUM"]["num"] == "316"


def test_no_territory_is_given_un_membership_or_treaty_actions(graph):
    result = graph.sparql("""PREFIX mk: <https://w3id.org/minekg/ontology#>
        ASK { ?t a mk:Territory . { ?t mk:unMember ?v } UNION { ?s mk:actor ?t } }""")
    assert result.boolean is False


def test_an_unclassified_iso_entry_stops_the_build(fixture_tree, tmp_path):
    path = fixture_tree / "graph_data" / states.TERRITORIES_FILE
    path.write_text("".join(line for line in path.read_text(encoding="utf-8").splitlines(keepends=True)
                            if not line.startswith("GUM,")), encoding="utf-8")
    with pytest.raises(MinekgError, match="ISO 3166-1 entry GUM is neither listed there as a territory nor named"):
        build(Project(fixture_tree), out=tmp_path / "build")


@pytest.mark.parametrize(("line", "message"), [
    ("XKX,Kosovo,false,somewhere,a reason", r"iso_territories.csv:54: 'XKX' is not an ISO 3166-1 alpha-3 code"),
    ("GUM,Guam,false,somewhere,a reason", r"iso_territories.csv:54: GUM is listed twice \(first on line 24\)"),
    ("FRA,France,false,,", r"iso_territories.csv:54: FRA needs a source and a reason"),
    ("ABW,Aruba", r"iso_territories.csv:54: expected 5 cells, found 2"),
])
def test_a_bad_territories_file_is_a_clear_error(fixture_tree, line, message):
    path = fixture_tree / "graph_data" / states.TERRITORIES_FILE
    with path.open("a", encoding="utf-8") as f:
        f.write(line + "\n")
    with pytest.raises(MinekgError, match=message):
        states.load_territories(Project(fixture_tree))
