"""Status on a date for every state (Articles 17 and 20 of the Mine Ban Treaty) and the compliance queries
(101-107), each against an expected answer worked out from the register table and the documents."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from minekg.build.assemble import build
from minekg.project import Project
from minekg.query.graph import Graph
from tests.seed import SEED_DATA

ROOT = Path(__file__).resolve().parent.parent
TABLE = SEED_DATA / "sources" / "mbt_status.csv"
DATES = ("2003-12-31", "2004-03-01", "2025-12-27", "2026-03-01")
PARTY = "State Party"
DEPOSITED = "ratified or acceded, not yet in force"

# Worked out by hand from the table's rows and the rules (Ukraine's 2025 withdrawal was announced, never
# notified: it stays a party; Estonia's withdrawal takes effect on 2025-12-27 itself).
EXPECTED = {
    "2003-12-31": {"BLR": (DEPOSITED, "2003-09-03"), "UKR": ("signatory", "1999-02-24"), "FIN": ("not party", None),
                   "POL": ("signatory", "1997-12-04"), "EST": ("not party", None), "RUS": ("not party", None)},
    "2004-03-01": {"BLR": (PARTY, "2004-03-01"), "UKR": ("signatory", "1999-02-24"), "FIN": ("not party", None),
                   "POL": ("signatory", "1997-12-04"), "EST": ("not party", None), "RUS": ("not party", None)},
    "2025-12-27": {"BLR": (PARTY, "2004-03-01"), "UKR": (PARTY, "2006-06-01"),
                   "FIN": ("withdrawal notified", "2025-07-10"), "POL": ("withdrawal notified", "2025-08-20"),
                   "EST": ("withdrawn", "2025-12-27"), "RUS": ("not party", None)},
    "2026-03-01": {"BLR": (PARTY, "2004-03-01"), "UKR": (PARTY, "2006-06-01"), "FIN": ("withdrawn", "2026-01-10"),
                   "POL": ("withdrawn", "2026-02-20"), "EST": ("withdrawn", "2025-12-27"), "RUS": ("not party", None)},
}


def code(iri) -> str:
    return str(iri).rsplit("/", 1)[1]


def rows_of(result) -> list[dict[str, str]]:
    return [{k: ("" if v is None else str(v)) for k, v in row.items()} for row in result.dicts()]


def table_status(row: dict[str, str], day: str) -> str:
    """Articles 17 and 20 over one register row, independently of the queries (no recorded conflict
    concerns a state with a withdrawal in the table: checked below)."""
    def by(column: str) -> bool:
        return bool(row[column]) and row[column] <= day
    if by("withdrawal_effective"):
        return "withdrawn"
    if by("withdrawal_notified"):
        return "withdrawal notified"
    if by("entry_into_force"):
        return PARTY
    if by("ratified_or_acceded"):
        return DEPOSITED
    return "signatory" if by("signed") else "not party"


@pytest.fixture(scope="module")
def table() -> dict[str, dict[str, str]]:
    with TABLE.open(encoding="utf-8", newline="") as f:
        return {r["iso3"]: r for r in csv.DictReader(f)}


@pytest.fixture(scope="module")
def statuses(graph) -> dict[str, dict[str, tuple[str, str | None, set[str]]]]:
    """date -> state -> (status, since, documents deciding it), from 001_treaty_status_on_date."""
    out: dict[str, dict[str, tuple[str, str | None, set[str]]]] = {}
    for day in DATES:
        per: dict[str, tuple[str, str | None, set[str]]] = {}
        for r in rows_of(graph.query("001_treaty_status_on_date", date=day)):
            status, since, docs = per.get(code(r["state"]), (r["status"], r["since"] or None, set()))
            if r["document"]:
                docs.add(code(r["document"]))
            per[code(r["state"])] = (status, since, docs)
        out[day] = per
    return out


# ------------------------------------------------------------------ status on a date


@pytest.mark.parametrize("day", DATES)
def test_status_of_the_six_states(statuses, day):
    got = {c: statuses[day][c][:2] for c in EXPECTED[day]}
    assert got == EXPECTED[day]
    # Register and document agree on Belarus: both decide its status once it has joined.
    if day != "2003-12-31":
        assert {"register-mbt-status", "belarus-2022"} <= statuses[day]["BLR"][2]


@pytest.mark.parametrize("day", DATES)
def test_every_states_status_follows_the_table_and_the_rules(statuses, table, day):
    got = {c: s[0] for c, s in statuses[day].items()}
    assert set(got) == set(table)  # all 197 states, no territory
    assert got == {c: table_status(r, day) for c, r in table.items()}


def test_no_recorded_conflict_concerns_a_withdrawing_state(graph, table):
    parties = graph.sparql("PREFIX mk: <https://w3id.org/minekg/ontology#> "
                           "SELECT ?s WHERE { ?c a mk:Conflict ; mk:conflictParty ?s }")
    withdrawing = {c for c, r in table.items() if r["withdrawal_notified"]}
    assert withdrawing == {"EST", "FIN", "LTU", "LVA", "POL"}
    assert not withdrawing & {code(r[0]) for r in parties.rows}


@pytest.mark.parametrize("day", DATES)
def test_counts_by_status(graph, statuses, day):
    rows = rows_of(graph.query("101_status_counts_on_date", date=day))
    totals = {r["status"]: int(r["states"]) for r in rows if r["scope"] == "all sources"}
    expected: dict[str, int] = {}
    for status, _since, _docs in statuses[day].values():
        expected[status] = expected.get(status, 0) + 1
    assert totals == expected and sum(totals.values()) == 197
    by_doc = {(r["status"], code(r["document"])): int(r["states"]) for r in rows if r["scope"] != "all sources"}
    # The register decides every state's status; the documents decide the few they speak of.
    assert {s: n for (s, d), n in by_doc.items() if d == "register-mbt-status"} == expected
    assert all(r["document"] for r in rows if r["scope"] != "all sources")


def test_counts_on_the_days_the_issue_names(graph):
    def totals(day):
        return {r["status"]: int(r["states"]) for r in rows_of(graph.query("101_status_counts_on_date", date=day))
                if r["scope"] == "all sources"}
    assert totals("2026-03-01") == {PARTY: 160, "not party": 32, "withdrawn": 5}
    assert totals("2025-12-27") == {PARTY: 160, "not party": 32, "withdrawn": 3, "withdrawal notified": 2}


def test_a_state_timeline(graph):
    rows = rows_of(graph.query("102_state_timeline", state="BLR"))
    steps = [(r["day"], code(r["step"]) if "#" not in r["step"] else r["step"].split("#")[1], r["status_then"],
              code(r["document"])) for r in rows]
    assert steps == [
        ("2003-09-03", "Accession", DEPOSITED, "belarus-2022"),
        ("2003-09-03", "Accession", DEPOSITED, "register-mbt-status"),
        ("2004-03-01", "EntryIntoForce", PARTY, "belarus-2022"),
        ("2004-03-01", "EntryIntoForce", PARTY, "register-mbt-status"),
        ("2022-09-28", "StatusParty", PARTY, "belarus-2022"),
    ]
    register_rows = [r for r in rows if r["document"].endswith("register-mbt-status")]
    assert all(r["row"] == "17" and r["confidence"].endswith("HighConfidence") and "UNTS scrape" in r["note"]
               for r in register_rows)
    ukr = rows_of(graph.query("102_state_timeline", state="UKR"))
    assert [r["status_then"] for r in ukr] == ["signatory", DEPOSITED, PARTY, PARTY, ""]
    assert ukr[-1]["step"].endswith("WithdrawalAnnouncement") and ukr[-1]["day"] == ""  # announced, undated


# ------------------------------------------------------------------ compliance


def test_allegations_against_states_parties(graph):
    rows = rows_of(graph.query("104_allegations_against_states_parties"))
    assert {(code(r["state"]), code(r["allegation"])) for r in rows} == {
        ("UKR", "news-2025-zakharova-alleges-ukr-use")}
    for r in rows:
        assert code(r["claimant"]) == "maria-zakharova" and code(r["claimant_state"]) == "RUS"  # rolled up
        assert r["act"].endswith("UseAct") and r["party_since"] == "2006-06-01" and r["party_until"] == ""
        assert r["dating"].startswith("the act is undated")
        assert code(r["document"]) == "news-2025-russia-ukraine-landmines" and r["quote"]
        assert code(r["party_statement"]) == "register-mbt-UKR-entry-into-force" and r["party_row"] == "187"
    # Allegations against states that never joined (Armenia, Russia) are not listed.
    assert graph.query("104_allegations_against_states_parties", state="ARM").rows == []
    assert graph.query("104_allegations_against_states_parties", state="RUS").rows == []


def test_missed_destruction_deadlines(graph):
    rows = rows_of(graph.query("105_stockpile_deadlines_computed"))
    assert {code(r["state"]) for r in rows} == {"BLR"}
    assert {(r["entry_into_force"], r["deadline"], r["completed"]) for r in rows} == {
        ("2004-03-01", "2008-03-01", "2017")}
    roles = {(r["role"], code(r["statement"])) for r in rows}
    assert roles == {
        ("entry into force", "register-mbt-BLR-entry-into-force"),
        ("entry into force", "belarus-2022-entry-into-force"),
        ("deadline not met", "belarus-2022-deadline-2008"),
        ("stockpile destruction completed", "belarus-2022-stockpile-destruction-completed"),
        ("stockpile destruction completed", "belarus-2022-completion-announced-msp-2017"),
        ("stockpile destruction completed", "belarus-2022-mod-pfm1-destruction-2017"),
    }
    assert all(r["document"] for r in rows)
    # Russia alleges Ukraine missed its 2010 deadline: listed only when alleged misses are asked for.
    alleged = [r for r in rows_of(graph.query("105_stockpile_deadlines_computed", include_alleged="true"))
               if code(r["state"]) == "UKR"]
    assert {(r["role"], r["deadline"], code(r["alleged_by"]) if r["alleged_by"] else "") for r in alleged} == {
        ("deadline not met", "2010-06-01", "maria-zakharova"), ("entry into force", "2010-06-01", "")}
    assert all(r["document"] for r in alleged)


def test_positions_that_differ_from_status(graph):
    rows = rows_of(graph.query("106_position_status_mismatch"))
    assert {(code(r["state"]), code(r["statement"])) for r in rows} == {
        ("ARM", "armenia-2023-supports-mbt-2010"), ("ARM", "armenia-2023-demining-after-settlement"),
        ("ARM", "armenia-2023-values-mbt-2021"), ("ARM", "armenia-2023-vote-77-63"),
        ("ARM", "armenia-2023-votes-previous"),
        ("KAZ", "kazakhstan-2019-supports-humanitarian-aims"), ("KAZ", "kazakhstan-2019-vote-73-61"),
        ("KAZ", "kazakhstan-2019-votes-since-2007"),
        ("RUS", "russia-2012-humanitarian-support-2006"), ("RUS", "russia-2012-mine-free-world-2009"),
        ("RUS", "russia-2012-mine-free-world-2010-letter"),
    }
    assert {r["status_then"] for r in rows} == {"not party"}
    assert {(code(r["state"]), code(r["status_statement"]), r["status_row"]) for r in rows} == {
        ("ARM", "register-mbt-ARM-not-party", "9"), ("KAZ", "register-mbt-KAZ-not-party", "90"),
        ("RUS", "register-mbt-RUS-not-party", "147")}
    assert all(r["document"] and r["quote"] for r in rows)


def test_withdrawals_and_their_effective_dates(graph, table):
    rows = rows_of(graph.query("107_withdrawals"))
    assert {code(r["state"]) for r in rows} == {"EST", "FIN", "LTU", "LVA", "POL", "UKR"}
    for c in ("EST", "FIN", "LTU", "LVA", "POL"):
        mine = [r for r in rows if code(r["state"]) == c]
        assert {r["notified"] for r in mine} == {table[c]["withdrawal_notified"]}
        assert {r["recorded_effect"] for r in mine} == {table[c]["withdrawal_effective"]}
        assert {r["expected_effect"] for r in mine} == {table[c]["withdrawal_effective"]}  # Article 20(2)
        assert {r["step"].split("#")[1] for r in mine} == {"WithdrawalAnnouncement", "WithdrawalNotification",
                                                           "WithdrawalEffect"}
        assert all(r["conflict"] == "" for r in mine)
    ukr = [r for r in rows if code(r["state"]) == "UKR"]
    assert [(r["step"].split("#")[1], r["notified"], r["recorded_effect"], code(r["conflict"])) for r in ukr] == [
        ("WithdrawalAnnouncement", "", "", "russia-ukraine-war")]
    assert all(r["document"] for r in rows)


# ------------------------------------------------------------------ Article 20(3), with a conflict on purpose


EXTRA = """@prefix mk: <https://w3id.org/minekg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix st: <https://w3id.org/minekg/id/state/> .
@prefix ag: <https://w3id.org/minekg/id/agent/> .
@prefix mt: <https://w3id.org/minekg/id/minetype/> .
@prefix doc: <https://w3id.org/minekg/id/document/> .
@prefix conflict: <https://w3id.org/minekg/id/conflict/> .
@prefix s: <https://w3id.org/minekg/id/statement/> .

conflict:test-finland a mk:Conflict ; rdfs:label "a conflict made up for a test"@en ;
    mk:conflictParty st:FIN ;
    mk:period [ a mk:Interval ; mk:start "2025-12"^^xsd:gYearMonth ; mk:end "2026-03"^^xsd:gYearMonth ] .

s:test-use-2010 a mk:MineUse ; mk:actor ag:blr-mod ; mk:mineType mt:antipersonnel ; mk:date "2010-05"^^xsd:gYearMonth .
s:test-use-2003 a mk:MineUse ; mk:actor ag:blr-mod ; mk:mineType mt:antipersonnel ; mk:date "2003"^^xsd:gYear .
s:test-alleges-2010 a mk:Allegation ; mk:assertedBy ag:aze-mod ; mk:accused ag:blr-mod ; mk:content s:test-use-2010 ;
    mk:evidence [ mk:source doc:belarus-2022 ;
        mk:quote "The Republic of Belarus acceded to the Mine Ban Treaty on 3 September 2003" ] .
s:test-alleges-2003 a mk:Allegation ; mk:assertedBy ag:aze-mod ; mk:accused ag:blr-mod ; mk:content s:test-use-2003 ;
    mk:evidence [ mk:source doc:belarus-2022 ;
        mk:quote "The Republic of Belarus acceded to the Mine Ban Treaty on 3 September 2003" ] .
"""


@pytest.fixture()
def conflict_graph(fixture_tree, tmp_path):
    (fixture_tree / "graph_data" / "statements" / "test-extra.ttl").write_text(EXTRA, encoding="utf-8")
    build(Project(fixture_tree), out=tmp_path / "build")
    with Graph.open(path=tmp_path / "build" / "minekg.nq", project=Project(fixture_tree)) as g:
        yield g


def test_a_withdrawal_due_during_a_conflict_takes_effect_at_its_end(conflict_graph):
    def fin(day):
        rows = rows_of(conflict_graph.query("101_status_counts_on_date", date=day))
        return {r["status"]: int(r["states"]) for r in rows if r["scope"] == "all sources"}
    assert fin("2026-02-01")["withdrawn"] == 3 and fin("2026-02-01")["withdrawal notified"] == 2  # FIN deferred
    assert fin("2026-04-01")["withdrawn"] == 5  # the conflict ended in March 2026
    timeline = rows_of(conflict_graph.query("102_state_timeline", state="FIN"))
    effect = [r for r in timeline if r["step"].endswith("WithdrawalEffect")]
    assert [r["status_then"] for r in effect] == ["withdrawal notified"]
    withdrawals = [r for r in rows_of(conflict_graph.query("107_withdrawals", state="FIN"))]
    assert {code(r["conflict"]) for r in withdrawals} == {"test-finland"}


def test_allegations_roll_up_bodies_and_respect_the_party_period(conflict_graph):
    rows = rows_of(conflict_graph.query("104_allegations_against_states_parties", state="BLR"))
    assert {(code(r["allegation"]), r["dating"]) for r in rows} == {
        ("test-alleges-2010", "the act's dates fall within the party period")}
    assert {(code(r["accused"]), code(r["claimant_state"]), r["act_from"], r["party_since"]) for r in rows} == {
        ("blr-mod", "AZE", "2010-05", "2004-03-01")}
