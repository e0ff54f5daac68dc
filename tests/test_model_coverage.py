"""Issue 16: every fact of a real profile has a home.

The fuzzy-date bounds of rules 050 and 051, run by the build's own rule runner over the real ontology and a
small data file (the seeds have one fuzzy date only); the curated seed examples of the new terms, read from
the built graph; query 111 (which reports a state submitted under which instrument); and the seed fixes of
item 8 (the Lachin find as an allegation, the dated 29 April 2010 statement, the Monitor's conversion).
Each new shape has its failing case in tests/shapes/ (test_shapes.py).
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from minekg.build.derivation import apply_rules

ROOT = Path(__file__).resolve().parent.parent
ID = "https://w3id.org/minekg/id/"
MK = "https://w3id.org/minekg/ontology#"

FUZZY = """
@prefix mk: <https://w3id.org/minekg/ontology#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix t: <https://w3id.org/minekg/id/test/> .
t:early-2015 a mk:FuzzyDate ; mk:within "2015"^^xsd:gYear ; mk:subPeriod mk:EarlyPart .
t:mid-2015 a mk:FuzzyDate ; mk:within "2015"^^xsd:gYear ; mk:subPeriod mk:MidPart .
t:first-half-2012 a mk:FuzzyDate ; mk:within "2012"^^xsd:gYear ; mk:subPeriod mk:FirstHalf .
t:fourth-quarter-2019 a mk:FuzzyDate ; mk:within "2019"^^xsd:gYear ; mk:subPeriod mk:FourthQuarter .
t:winter-2023 a mk:FuzzyDate ; mk:within "2023"^^xsd:gYear ; mk:subPeriod mk:Winter .
t:spring-2019 a mk:FuzzyDate ; mk:within "2019"^^xsd:gYear ; mk:subPeriod mk:Spring .
t:late-february-2024 a mk:FuzzyDate ; mk:within "2024-02"^^xsd:gYearMonth ; mk:subPeriod mk:LatePart .
t:early-june-2021 a mk:FuzzyDate ; mk:within "2021-06"^^xsd:gYearMonth ; mk:subPeriod mk:EarlyPart .
t:june-2021 a mk:FuzzyDate ; mk:within "2021-06"^^xsd:gYearMonth .
t:by-end-2015 a mk:FuzzyDate ; mk:noLaterThan "2015"^^xsd:gYear ; mk:dateText "by the end of 2015" .
t:after-2015 a mk:FuzzyDate ; mk:noEarlierThan "2015"^^xsd:gYear .
t:exchange mk:date "2021-06-12"^^xsd:date .
t:after-exchange a mk:FuzzyDate ; mk:relativeTo t:exchange ; mk:relation mk:AfterEvent ; mk:offset "P2D"^^xsd:duration .
t:before-exchange a mk:FuzzyDate ; mk:relativeTo t:exchange ; mk:relation mk:BeforeEvent .
t:twice-dated mk:when t:early-2015 , t:by-end-2015 .
t:dated-early-and-late mk:when t:early-2015 , t:late-february-2024 .
t:after-the-exchange mk:when t:after-exchange .
"""

EXPECTED = {  # node: (earliest, latest); None where the text leaves that side open
    "early-2015": ("2015-01-01", "2015-04-30"),
    "mid-2015": ("2015-05-01", "2015-08-31"),
    "first-half-2012": ("2012-01-01", "2012-06-30"),
    "fourth-quarter-2019": ("2019-10-01", "2019-12-31"),
    "winter-2023": ("2023-12-01", "2024-02-29"),  # into the next year, a leap year
    "spring-2019": ("2019-03-01", "2019-05-31"),
    "late-february-2024": ("2024-02-21", "2024-02-29"),
    "early-june-2021": ("2021-06-01", "2021-06-10"),
    "june-2021": ("2021-06-01", "2021-06-30"),
    "by-end-2015": (None, "2015-12-31"),
    "after-2015": ("2015-01-01", None),
    "after-exchange": ("2021-06-12", None),
    "before-exchange": (None, "2021-06-12"),
    "dated-early-and-late": ("2015-01-01", "2024-02-29"),
    # one of its dates has no earliest day, so neither has the statement; both end by 2015
    "twice-dated": (None, "2015-12-31"),
    "after-the-exchange": ("2021-06-12", None),
}


@pytest.fixture(scope="module")
def fuzzy_bounds() -> dict[str, tuple[str | None, str | None]]:
    store = ox.Store()
    for path in sorted((ROOT / "ontology").glob("*.ttl")):
        store.load(path.read_bytes(), ox.RdfFormat.TURTLE, base_iri="https://w3id.org/minekg/ontology")
    store.load(FUZZY.encode(), ox.RdfFormat.TURTLE)
    derived = apply_rules(store, ROOT / "rules")
    found: dict[str, dict[str, list[str]]] = {}
    for t in derived:
        iri = t.subject.value
        if iri.startswith(f"{ID}test/") and t.predicate.value in (MK + "earliest", MK + "latest"):
            assert t.object.datatype.value == "http://www.w3.org/2001/XMLSchema#date"
            node, side = iri[len(f"{ID}test/"):], t.predicate.value[len(MK):]
            found.setdefault(node, {}).setdefault(side, []).append(t.object.value)
    out = {}
    for node, bounds in found.items():
        for side, values in bounds.items():
            assert len(set(values)) == 1, f"{node}: several {side} bounds {values}"
        out[node] = (bounds.get("earliest", [None])[0], bounds.get("latest", [None])[0])
    return out


@pytest.mark.parametrize("node", sorted(EXPECTED))
def test_fuzzy_date_bounds(fuzzy_bounds, node):
    assert fuzzy_bounds.get(node, (None, None)) == EXPECTED[node]


def test_fuzzy_dates_sort_by_their_bounds(fuzzy_bounds):
    """Sorting by the earliest day puts early 2015 before mid 2015 before June 2021: comparisons work."""
    order = sorted(("mid-2015", "june-2021", "early-2015"), key=lambda n: fuzzy_bounds[n][0])
    assert order == ["early-2015", "mid-2015", "june-2021"]


# ------------------------------------------------------------------ the built graph


def values(graph, sparql: str) -> list[dict]:
    return graph.sparql("PREFIX mk: <https://w3id.org/minekg/ontology#>\n"
                        "PREFIX s: <https://w3id.org/minekg/id/statement/>\n" + sparql).dicts()


def test_report_statements_by_instrument(graph):
    """Query 111: the compliance reports footnotes cite are report statements, with instrument, article,
    form and date; the counted and the 'most recent annual' reports are there too; called-for ones are not."""
    rows = graph.query("111", state="BLR").dicts()
    cited = {(r["date"], r["form"], r["article"]) for r in rows if r.get("work")}
    assert cited == {("2011-04-30", "Form B", f"{ID}instrument/mbt-article-7"),
                     ("2022-04-30", "Form B", f"{ID}instrument/mbt-article-7")}
    assert [r["report_count"] for r in rows if r.get("report_count")] == ["18"]
    assert [r["date"] for r in rows if r.get("kind") == "annual report"] == ["2022-04"]
    assert all(r["document"] and r["quote"] for r in rows)
    assert not [r for r in rows if r["statement"].endswith("addresses-concerns-requested")]
    russia = graph.query("111", state="RUS").dicts()
    assert {(r["instrument_name"], r["date"], r.get("form")) for r in russia} == {
        ("CCW Amended Protocol II", "2009-09-30", "Form C"), ("CCW Amended Protocol II", "2012-03-15", None)}


def test_lachin_find_is_an_allegation_against_armenia(graph):
    """Item 8: the August 2022 Lachin find is, like the September 2022 find, the content of Azerbaijan's
    Ministry of Defense allegation against Armenia, not a statement the Ministry asserts itself."""
    rows = values(graph, """SELECT ?find ?accused ?claimant ?assertedBy WHERE {
        VALUES ?find { s:armenia-2023-find-lachin-2022-08 s:armenia-2023-find-2022-09 }
        ?allegation a mk:Allegation ; mk:content ?find ; mk:accused ?accused ; mk:assertedBy ?claimant .
        OPTIONAL { ?find mk:assertedBy ?assertedBy } }""")
    got = {(r["find"].rsplit("/", 1)[1], r["accused"], r["claimant"], r.get("assertedBy")) for r in rows}
    assert got == {(f, f"{ID}state/ARM", f"{ID}agent/aze-mod", None)
                   for f in ("armenia-2023-find-lachin-2022-08", "armenia-2023-find-2022-09")}


def test_sensitive_information_statement_dated_like_its_siblings(graph):
    """Item 8: every statement citing the 29 April 2010 letter as asserted by its author carries the
    letter's date and the author's post."""
    rows = values(graph, """SELECT ?s ?on ?post WHERE {
        ?s mk:assertedBy <https://w3id.org/minekg/id/person/armen-yedigarian> .
        OPTIONAL { ?s mk:assertedOn ?on } OPTIONAL { ?s mk:inCapacity ?post } }""")
    sensitive = [r for r in rows if r["s"].endswith("stockpile-info-sensitive")]
    assert sensitive and sensitive[0]["on"] == "2010-04-29"
    assert sensitive[0]["post"] == f"{ID}post/arm-mfa-head-arms-control-department"


def test_dollar_figure_is_the_monitors_conversion(graph):
    """Items 4 and 8: Ivanov's rouble amount is his and exact; the dollar amount beside it converts it, is
    approximate (3.33 billion x 0.03472 is 115.6176 million) and is the Monitor's."""
    rows = values(graph, """SELECT ?currency ?qualifier ?convertedBy ?of ?rate WHERE {
        s:russia-2012-research-spending-2004 mk:quantity ?q .
        ?q mk:currency ?currency ; mk:qualifier ?qualifier .
        OPTIONAL { ?q mk:convertedBy ?convertedBy } OPTIONAL { ?q mk:conversionOf/mk:currency ?of }
        OPTIONAL { ?q mk:conversionRate ?rate } }""")
    by = {r["currency"]: r for r in rows}
    assert set(by) == {"RUB", "USD"}
    assert by["RUB"]["qualifier"] == MK + "Exact" and not by["RUB"].get("convertedBy")
    assert by["USD"]["qualifier"] == MK + "Approximately"
    assert by["USD"]["convertedBy"] == f"{ID}agent/monitor" and by["USD"]["of"] == "RUB"
    assert float(by["USD"]["rate"]) == pytest.approx(0.03472)


def test_curated_examples_of_new_terms(graph):
    """Each new kind of fact the seeds hold is in the graph with its own term, not a note."""
    checks = {
        "vague amount": """ASK { s:news-2025-ltu-planned-mine-spending mk:quantity [ mk:qualifier mk:Hundreds ;
                              mk:orderOfMagnitude 8 ; mk:currency "EUR" ] }""",
        "fuzzy date": """ASK { s:russia-2012-syria-use-2012 mk:when ?w . ?w mk:subPeriod mk:EarlyPart ;
                             mk:earliest "2012-01-01"^^<http://www.w3.org/2001/XMLSchema#date> }""",
        "hedge": "ASK { s:russia-2012-caucasus-ied-use mk:certainty mk:Apparent }",
        "call": """ASK { ?c a mk:Call ; mk:addressee st:BLR ; mk:callKind mk:Recommendation ;
                        mk:content ?act . ?act mk:modality mk:Requested ; mk:recipient ?parties .
                        ?parties a mk:CollectiveActor ; mk:partiesOf instr:mbt }""",
        "exchange": """ASK { s:armenia-2023-exchange-2021-06 mk:exchanged ?maps , ?people .
                            ?maps mk:itemKind mk:MinefieldMaps ; mk:about s:armenia-2023-mines-laid-aghdam .
                            ?people mk:itemKind mk:Detainees ; mk:givenBy st:AZE }""",
        "report kind": "ASK { s:russia-2012-apii-report-2012 mk:reportKind mk:AnnualReport }",
        "attribution chain": """ASK { s:armenia-2023-exchange-2021-06 mk:assertedBy ?ministry ;
                                    mk:relay [ mk:step 1 ; mk:relayer ?outlet ] , [ mk:step 2 ; mk:relayer ?monitor ] .
                                    ?ministry mk:bodyOf st:AZE . ?outlet a mk:NewsOutlet .
                                    FILTER (STRENDS(STR(?monitor), "/agent/monitor")) }""",
    }
    prefixes = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in (
        ("mk", MK), ("s", f"{ID}statement/"), ("st", f"{ID}state/"), ("instr", f"{ID}instrument/")))
    missing = [name for name, ask in checks.items() if not graph.sparql(prefixes + ask).boolean]
    assert not missing, f"curated examples missing: {missing}"
