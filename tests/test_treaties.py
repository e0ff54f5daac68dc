"""The CCW, Amended Protocol II, Protocol V and CCM status table: imported as a source like the Mine Ban Treaty
register, entry into force derived by each instrument's rule where the table does not give it, and status on a
date for any instrument (001, 108, 109), disagreements with the documents kept visible (021)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from rdflib import Graph as RDFGraph
from rdflib import Literal, URIRef
from rdflib.namespace import RDF

from minekg.build.assemble import build
from minekg.curation import treaties
from minekg.project import Project
from minekg.query.graph import Graph
from minekg.rdf.namespaces import DOC, EV, MK, S

from .answers import canonical
from .test_register import rows_of, run_cli, write_table

ROOT = Path(__file__).resolve().parent.parent
TABLE = ROOT / "graph_data" / treaties.SOURCE_FILE
README = ROOT / "graph_data" / treaties.README_FILE
STATEMENTS = ROOT / "graph_data" / treaties.STATEMENTS_FILE
INSTR = "https://w3id.org/minekg/id/instrument/"


# A source reference of the form the table uses (its own UN depositary record copy), for synthetic rows.
UN = "github:mgaldino/treaties-ideal-point@746a24fa:data/raw/arms_control/html/ccm.html"

def table_rows() -> list[dict[str, str]]:
    with TABLE.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def table_lines() -> list[str]:
    return TABLE.read_text(encoding="utf-8").splitlines(keepends=True)


def code(iri: str) -> str:
    return iri.rsplit("/", 1)[1]


def build_tree(tree: Path, tmp_path: Path) -> Graph:
    out = tmp_path / "build"
    build(Project(tree), out=out)
    return Graph.open(path=out / "minekg.nq", project=Project(tree))


# ------------------------------------------------------------------ the committed import


def test_the_import_is_the_committed_one_and_deterministic(fixture_tree):
    result = treaties.import_treaty_table(TABLE, Project(fixture_tree))
    assert result.rows == 462 and result.problems == []
    for rel in (treaties.SOURCE_FILE, treaties.README_FILE, treaties.DESCRIPTION_FILE, treaties.STATEMENTS_FILE):
        assert (fixture_tree / "graph_data" / rel).read_bytes() == (ROOT / "graph_data" / rel).read_bytes(), rel


def test_every_row_is_evidence_and_every_dated_cell_a_statement():
    g = RDFGraph().parse(STATEMENTS, format="turtle")  # rdflib's own parser, not the build
    rows = table_rows()
    for line, row in enumerate(rows, start=2):  # no note in this table spans two lines
        ev = EV[f"register-arms-row-{line}"]
        assert g.value(ev, MK.row) == Literal(line)
        assert {str(u) for u in g.objects(ev, MK.sourceUrl)} == {u.strip() for u in row["source_urls"].split(" | ")}
        instrument = treaties.INSTRUMENTS[row["instrument"]]
        cited = {s for s in g.subjects(MK.evidence, ev)}
        dated = [c for c in ("signed", "consent_date", "entry_into_force") if row[c]]
        assert len(cited) == len(dated), (line, cited)
        for stmt in cited:
            assert str(g.value(stmt, MK.instrument)) == INSTR + instrument
            assert str(g.value(stmt, MK.date)) in {row[c] for c in dated}
            confidence = {"high": "HighConfidence", "low": "LowConfidence"}[row["confidence"]]
            assert g.value(stmt, MK.confidence) == MK[confidence]
    # The UN's "acceptance" is a ratification in the ontology's sense; the protocols' deposits are consents.
    assert g.value(S["register-arms-JPN-ccm-acceptance"], MK.actionType) == MK.Ratification
    assert str(g.value(S["register-arms-JPN-ccm-acceptance"], MK.date)) == "2009-07-14"
    assert {g.value(s, MK.actionType) for s in g.subjects(MK.instrument, URIRef(INSTR + "ccw-pv"))} <= {
        MK.ConsentToBeBound, MK.EntryIntoForce, None}


def test_a_missing_row_is_not_party_as_the_readme_defines_it():
    g = RDFGraph().parse(STATEMENTS, format="turtle")
    listed = {(r["iso3"], r["instrument"]) for r in table_rows()}
    # Armenia has no row: not party to any of the four, as at the table's date, grounded in the README.
    for instrument in treaties.INSTRUMENTS.values():
        stmt = S[f"register-arms-ARM-{instrument}-not-party"]
        assert g.value(stmt, MK.status) == MK.StatusNotParty and str(g.value(stmt, MK.asOf)) == "2026-02-03"
        ev = g.value(stmt, MK.evidence)
        assert g.value(ev, MK.source) == DOC[treaties.README_SLUG]
        assert str(g.value(ev, MK.quote)) in README.read_text(encoding="utf-8")
    assert ("LTU", "ccm") not in listed and (S["register-arms-LTU-ccm-not-party"], RDF.type, MK.TreatyStatus) in g
    # A state with a row for an instrument gets no not-party status for it.
    assert ("BLR", "ccw") in listed and (S["register-arms-BLR-ccw-not-party"], None, None) not in g


def test_import_counts_by_instrument_and_kind():
    g = RDFGraph().parse(STATEMENTS, format="turtle")
    rows = table_rows()
    got = treaties.counts(g)
    for table_code, instrument in treaties.INSTRUMENTS.items():
        mine = [r for r in rows if r["instrument"] == table_code]
        assert got[instrument].get("Signature", 0) == sum(1 for r in mine if r["signed"])
        assert got[instrument].get("EntryIntoForce", 0) == sum(1 for r in mine if r["entry_into_force"])
        deposits = sum(n for k, n in got[instrument].items() if k in ("Ratification", "Accession", "Succession",
                                                                       "ConsentToBeBound"))
        assert deposits == sum(1 for r in mine if r["consent_date"])
        assert got[instrument]["StatusNotParty"] == 197 - len({r["iso3"] for r in mine})


# ------------------------------------------------------------------ bad input


def test_malformed_rows_are_reported_with_their_line_and_skipped(fixture_tree, tmp_path):
    lines = table_lines()
    header, rows = lines[0], lines[1:]
    bad = [
        f"Armenia,ARM,ccw_p4,,2004-03-02,consent,,{UN},low,",               # not one of the four instruments
        f"Armenia,ARM,ccw_apii,,2004-03-02,,,{UN},low,",                     # a deposit without its action
        f"Armenia,ARM,ccw_apii,,2004-02-30,consent,,{UN},low,",              # not a calendar date
        rows[0].rstrip("\n"),                                               # a second row for AFG ccw
    ]
    table = write_table(tmp_path / "broken.csv", [header, *rows, *bad])
    result = run_cli(fixture_tree, "import-treaty-status", str(table))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    first = len(lines) + 1
    assert result.stderr.strip().splitlines() == [
        f"{table}:{first}: instrument: 'ccw_p4' is not one of ccw, ccw_apii, ccw_pv, ccm",
        f"{table}:{first + 1}: consent_date: a date without an action "
        "(ratification, accession, succession, acceptance or consent)",
        f"{table}:{first + 2}: consent_date: '2004-02-30' is not a real calendar date",
        f"{table}:{first + 3}: iso3, instrument: AFG ccw already has a row (line 2)",
    ]
    assert "imported 462 rows" in result.stdout and "ccw-apii: ConsentToBeBound 107" in result.stdout


def test_unusable_input_writes_nothing(fixture_tree, tmp_path):
    before = {p: p.read_bytes() for p in (fixture_tree / "graph_data").rglob("*") if p.is_file()}
    header = write_table(tmp_path / "h.csv", ["state,iso3,instrument", "Belarus,BLR,ccw"])
    result = run_cli(fixture_tree, "import-treaty-status", str(header))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"minekg: error: {header}:1: the header must be the columns {','.join(treaties.BASE_COLUMNS)} or "
        f"{','.join(treaties.WITH_WITHDRAWALS)} (see docs/register.md)"]
    readme = write_table(tmp_path / "README.md", ["# A table", "No word on missing rows."])
    result = run_cli(fixture_tree, "import-treaty-status", str(TABLE), "--readme", str(readme))
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith(f"minekg: error: {readme}: the README does not say what a missing row means")
    after = {p: p.read_bytes() for p in (fixture_tree / "graph_data").rglob("*") if p.is_file()}
    assert after == before


# ------------------------------------------------------------------ withdrawal columns, when a table has them


def test_a_table_with_withdrawal_columns_is_imported_and_dates_the_withdrawal(fixture_tree, tmp_path):
    # The README notes Lithuania's withdrawal from the CCM (notified 2024-09-06, effective 2025-03-06), which
    # the table has no column for yet: a synthetic table with those columns.
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=treaties.WITH_WITHDRAWALS, lineterminator="\n")
    writer.writeheader()
    for row in table_rows():
        writer.writerow({**row, "withdrawal_notified": "", "withdrawal_effective": ""})
    writer.writerow({"state": "Lithuania", "iso3": "LTU", "instrument": "ccm", "withdrawal_notified": "2024-09-06",
                     "withdrawal_effective": "2025-03-06", "source_urls": UN, "confidence": "low",
                     "note": "synthetic: the withdrawal the README notes", "signed": "", "consent_date": "",
                     "action": "", "entry_into_force": ""})
    table = tmp_path / "with_withdrawals.csv"
    table.write_text(out.getvalue(), encoding="utf-8")
    result = treaties.import_treaty_table(table, Project(fixture_tree))
    assert result.rows == 463 and result.problems == []
    text = (fixture_tree / "graph_data" / treaties.STATEMENTS_FILE).read_text(encoding="utf-8")
    assert "s:register-arms-LTU-ccm-withdrawal-notification a mk:TreatyAction" in text
    assert "s:register-arms-LTU-ccm-not-party" not in text
    with build_tree(fixture_tree, tmp_path) as g:
        def status(day: str) -> str:
            found = rows_of(g.query("001", date=day, state="LTU", instrument=INSTR + "ccm"))
            return {r["status"] for r in found}.pop()
        assert status("2024-12-31") == "withdrawal notified"
        assert status("2025-03-06") == "withdrawn"


# ------------------------------------------------------------------ entry into force by the instrument's rule


def test_the_rule_gives_the_entry_into_force_the_table_states(fixture_tree, tmp_path):
    # With the table's 77 stated entries into force removed, rules/055 must derive each of them.
    stated = {(r["iso3"], treaties.INSTRUMENTS[r["instrument"]]): r["entry_into_force"]
              for r in table_rows() if r["entry_into_force"]}
    assert len(stated) == 77
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=treaties.BASE_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in table_rows():
        writer.writerow({**row, "entry_into_force": ""})
    table = tmp_path / "no_eif.csv"
    table.write_text(out.getvalue(), encoding="utf-8")
    treaties.import_treaty_table(table, Project(fixture_tree))
    with build_tree(fixture_tree, tmp_path) as g:
        derived = g.sparql("""PREFIX mk: <https://w3id.org/minekg/ontology#>
            SELECT ?state ?instrument ?date WHERE { ?x a mk:DerivedEntryIntoForce ; mk:actor ?state ;
                mk:instrument ?instrument ; mk:date ?date }""")
        got = {(code(str(s)), code(str(i))): str(d) for s, i, d in derived.rows}
    assert {k: got.get(k) for k in stated} == stated


def test_derived_entry_into_force_is_no_claim_and_only_where_no_source_gives_one(graph):
    result = graph.sparql("""PREFIX mk: <https://w3id.org/minekg/ontology#>
        SELECT ?x ?stated ?who WHERE { ?x a mk:DerivedEntryIntoForce ; mk:actor ?s ; mk:instrument ?i .
          OPTIONAL { ?stated mk:actionType mk:EntryIntoForce ; mk:actor ?s ; mk:instrument ?i }
          OPTIONAL { ?x mk:assertedBy ?who } }""")
    assert len(result.rows) == 125 + 105 + 52 + 87  # CCW, APII, Protocol V, CCM parties without a stated one
    assert all(stated is None and who is None for _, stated, who in result.rows)
    # None in the derived graph is stored in graph_data/ either.
    assert "DerivedEntryIntoForce" not in STATEMENTS.read_text(encoding="utf-8")


# ------------------------------------------------------------------ status on a date, any instrument


def test_001_takes_the_instrument_and_defaults_to_the_mine_ban_treaty(graph):
    default = rows_of(graph.query("001", date="2024-01-01", state="USA"))
    assert default == rows_of(graph.query("001", date="2024-01-01", state="USA", instrument=INSTR + "mbt"))
    assert [r["status"] for r in default] == ["not party"]
    apii = rows_of(graph.query("001", date="2024-01-01", state="USA", instrument="instr:ccw-apii"))
    assert [(r["status"], r["since"], code(r["document"]), r["row"]) for r in apii] == [
        ("State Party", "1999-11-24", treaties.DOC_SLUG, str(next(
            n for n, r in enumerate(table_rows(), start=2) if r["iso3"] == "USA" and r["instrument"] == "ccw_apii")))]
    # Before the deposit's six months ran out: deposited, not yet in force.
    early = rows_of(graph.query("001", date="1999-06-01", state="USA", instrument="instr:ccw-apii"))
    assert [r["status"] for r in early] == ["ratified or acceded, not yet in force"]


def test_108_states_bound_by_amended_protocol_ii_but_not_the_mine_ban_treaty(graph):
    found = rows_of(graph.query("108", date="2024-01-01"))
    states = {code(r["state"]) for r in found}
    assert {"USA", "RUS", "CHN", "IND", "PAK", "ISR"} <= states
    assert not states & {"BLR", "UKR", "FRA", "DEU"}  # party to both
    assert all(r["document"] and (r["row"] or r["quote"]) and r["basis"] for r in found)
    assert {r["other_status"] for r in found} == {"not party"}
    # And the other way round: bound by the Mine Ban Treaty, not by Amended Protocol II.
    reverse = {code(r["state"]) for r in rows_of(graph.query(
        "108", date="2024-01-01", bound_by="instr:mbt", not_bound_by="instr:ccw-apii"))}
    assert "ARM" not in reverse and {"AGO", "ETH"} & reverse  # Armenia is party to neither


def test_109_a_states_history_across_instruments(graph):
    found = rows_of(graph.query("109", state="BLR"))
    steps = {(code(r["instrument"]), r["step"].rsplit("#", 1)[1], r["day"]) for r in found}
    assert {("mbt", "Accession", "2003-09-03"), ("ccw-apii", "ConsentToBeBound", "2004-03-02"),
            ("ccw-apii", "EntryIntoForce", "2004-09-02"), ("ccm", "StatusNotParty", "2026-02-03")} <= steps
    derived = [r for r in found if r["statement"].endswith("-in-force-by-rule")]
    assert derived and all(r["asserted_by"] == "" and r["row"] for r in derived)


# ------------------------------------------------------------------ the documents and the table


def test_the_documents_ccm_statements_agree_with_the_table(graph):
    # Belarus (2022), Armenia (2023) and Kazakhstan (2019) are not party to the CCM, say their profiles: the
    # table has no CCM row for them, so it says the same, and 021 pairs no party with a not-party statement.
    for state in ("BLR", "ARM", "KAZ"):
        found = rows_of(graph.query("001", date="2024-01-01", state=state, instrument="instr:ccm"))
        assert {r["status"] for r in found} == {"not party"}
        assert {code(r["document"]) for r in found} >= {treaties.README_SLUG, {"BLR": "belarus-2022", "ARM":
                                                        "armenia-2023", "KAZ": "kazakhstan-2019"}[state]}
    conflicts = rows_of(graph.query("021"))
    assert not [r for r in conflicts if r["kind"] == "party and not party"
                and "register-arms" in r["first"] + r["second"]]


def test_a_document_that_disagrees_with_the_table_is_a_conflict(fixture_tree, tmp_path):
    # Without Belarus's CCW row the table says it is not party; its 2022 profile says it is: both stand.
    lines = [line for line in table_lines() if not line.startswith("Belarus,BLR,ccw,")]
    treaties.import_treaty_table(write_table(tmp_path / "t.csv", lines), Project(fixture_tree))
    with build_tree(fixture_tree, tmp_path) as g:
        conflicts = rows_of(g.query("021"))
    pairs = {(code(r["first"]), code(r["second"]), code(r["secondDocument"])) for r in conflicts
             if r["kind"] == "party and not party"}
    assert ("belarus-2022-ccw-status", "register-arms-BLR-ccw-not-party", treaties.README_SLUG) in pairs


@pytest.mark.parametrize("param", ["instrument=not an iri", "instrument=<x>"])
def test_a_bad_instrument_is_one_line(fixture_tree, param):
    result = run_cli(fixture_tree, "query", "001", "--param", param)
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith("minekg: error: parameter instrument:")


@pytest.mark.parametrize(("name", "params"), [
    ("001", {"date": "2024-01-01", "instrument": INSTR + "ccm"}),
    ("101", {"date": "2024-01-01", "instrument": INSTR + "ccw-apii"}),
    ("108", {"date": "2015-01-01", "bound_by": INSTR + "ccm", "not_bound_by": INSTR + "ccw-pv"}),
])
def test_other_instruments_give_the_same_rows_on_rdflib(graph, memory_graph, name, params):
    # tests/test_backends.py compares every query with its defaults (the Mine Ban Treaty); these are the
    # arms treaties' answers, compared with rdflib's engine, the reference.
    answer = canonical(graph.query(name, **params))
    assert answer[2] and answer == canonical(memory_graph.query(name, **params))
