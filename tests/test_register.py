"""The Mine Ban Treaty status register: imported as a source like a document, malformed rows reported and
skipped, every row's evidence checked by the build, and its disagreements with documents visible."""

from __future__ import annotations

import csv
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph as RDFGraph
from rdflib import Literal, URIRef
from rdflib.namespace import RDF

from minekg.build.assemble import build
from minekg.curation import register, register_table, treaties
from minekg.errors import MinekgError
from minekg.project import Project
from minekg.query.graph import Graph
from minekg.rdf.namespaces import DOC, EV, MK, ST, S
from tests.seed import SEED_DATA

ROOT = Path(__file__).resolve().parent.parent
TABLE = SEED_DATA / register.SOURCE_FILE
STATEMENTS = SEED_DATA / register.STATEMENTS_FILE
DESCRIPTION = SEED_DATA / register.DESCRIPTION_FILE


def table_rows() -> list[dict[str, str]]:
    with TABLE.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


# The source the test rows below cite: one the table's own Belarus row lists (a row must cite http(s)
# URLs or github: references).
SOURCE = next(u for r in table_rows() if r["iso3"] == "BLR" for u in r["source_urls"].split(" | ")
              if u.startswith("http"))


def run_cli(tree: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "MINEKG_ROOT": str(tree)}
    # The installed console script, as a user runs it.
    return subprocess.run([str(Path(sys.executable).with_name("minekg")), *args], env=env, capture_output=True,
                          text=True, timeout=120)


def write_table(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(line if line.endswith("\n") else line + "\n" for line in lines), encoding="utf-8")
    return path


def table_lines() -> list[str]:
    return TABLE.read_text(encoding="utf-8").splitlines(keepends=True)


def replace_row(lines: list[str], iso3: str, new: str) -> list[str]:
    out = [new + "\n" if line.split(",")[1:2] == [iso3] else line for line in lines]
    assert out != lines, iso3
    return out


def rows_of(result) -> list[dict[str, str]]:
    return [{k: ("" if v is None else str(v)) for k, v in row.items()} for row in result.dicts()]


# ------------------------------------------------------------------ the committed import


def test_the_table_is_the_shared_reference_copied_byte_for_byte():
    description = RDFGraph().parse(DESCRIPTION, format="turtle")
    doc = URIRef(DOC[register.DOC_SLUG])
    assert (doc, RDF.type, MK.ReferenceTable) in description
    assert str(description.value(doc, MK.sourceFile)) == register.SOURCE_FILE
    assert str(description.value(doc, MK.sha256)) == hashlib.sha256(TABLE.read_bytes()).hexdigest()
    # The compiler is the project's contributors: never the UN or the ICBL.
    publisher = description.value(doc, URIRef("http://purl.org/dc/terms/publisher"))
    assert publisher == URIRef("https://w3id.org/minekg/id/agent/minekg-contributors")


def test_reimporting_the_table_reproduces_the_committed_files(fixture_tree):
    result = run_cli(fixture_tree, "import-register", str(TABLE))
    assert result.returncode == 0, result.stderr
    assert "imported 197 rows" in result.stdout and result.stderr == ""
    for rel in (register.SOURCE_FILE, register.DESCRIPTION_FILE, register.STATEMENTS_FILE):
        assert (fixture_tree / "graph_data" / rel).read_bytes() == (SEED_DATA / rel).read_bytes(), rel


def test_row_counts_imported(graph):
    rows = table_rows()
    assert len(rows) == 197
    joined = [r for r in rows if r["action"]]
    never = [r for r in rows if not r["action"]]
    assert (len(joined), len(never)) == (165, 32)
    states = graph.sparql("""PREFIX mk: <https://w3id.org/minekg/ontology#>
        SELECT DISTINCT ?state WHERE { ?s mk:actor ?state ; mk:evidence/mk:source
            <https://w3id.org/minekg/id/document/register-mbt-status> }""")
    assert {str(r[0]).rsplit("/", 1)[1] for r in states.rows} == {r["iso3"] for r in rows}
    not_party = graph.sparql("""PREFIX mk: <https://w3id.org/minekg/ontology#>
        SELECT ?state WHERE { ?s a mk:TreatyStatus ; mk:status mk:StatusNotParty ; mk:actor ?state ;
            mk:evidence/mk:source <https://w3id.org/minekg/id/document/register-mbt-status> }""")
    assert {str(r[0]).rsplit("/", 1)[1] for r in not_party.rows} == {r["iso3"] for r in never}
    # One treaty action per dated cell, of the cell's kind.
    kinds = graph.sparql("""PREFIX mk: <https://w3id.org/minekg/ontology#>
        SELECT ?kind (COUNT(?s) AS ?n) WHERE { ?s a mk:TreatyAction ; mk:actionType ?kind ;
            mk:evidence/mk:source <https://w3id.org/minekg/id/document/register-mbt-status> } GROUP BY ?kind""")
    counted = {str(k).split("#")[1]: int(n) for k, n in kinds.rows}
    expected = {
        "Signature": sum(1 for r in rows if r["signed"]),
        "Ratification": sum(1 for r in rows if r["action"] == "ratification"),
        "Accession": sum(1 for r in rows if r["action"] == "accession"),
        "Succession": sum(1 for r in rows if r["action"] == "succession"),
        "EntryIntoForce": sum(1 for r in rows if r["entry_into_force"]),
        "WithdrawalNotification": sum(1 for r in rows if r["withdrawal_notified"]),
        "WithdrawalEffect": sum(1 for r in rows if r["withdrawal_effective"]),
    }
    assert counted == {k: v for k, v in expected.items() if v}
    assert expected["Succession"] == 2 and expected["WithdrawalEffect"] == 5


def test_each_statement_carries_the_rows_confidence_note_and_evidence(graph):
    rows = {r["iso3"]: (i, r) for i, r in enumerate(table_rows(), start=2)}
    result = graph.sparql("""PREFIX mk: <https://w3id.org/minekg/ontology#>
        SELECT ?s ?state ?by ?confidence ?note ?row (COUNT(?url) AS ?urls) WHERE {
          ?s mk:actor ?state ; mk:evidence ?ev ; mk:assertedBy ?by ; mk:confidence ?confidence .
          ?ev mk:source <https://w3id.org/minekg/id/document/register-mbt-status> ; mk:row ?row .
          OPTIONAL { ?s mk:note ?note } OPTIONAL { ?ev mk:sourceUrl ?url }
        } GROUP BY ?s ?state ?by ?confidence ?note ?row""")
    assert len(result.rows) >= 197 + 165
    for s, state, by, confidence, note, row, urls in result.rows:
        line, cells = rows[str(state).rsplit("/", 1)[1]]
        assert int(row) == line, s
        assert str(by).endswith("/agent/minekg-contributors")
        assert str(confidence).endswith({"high": "HighConfidence", "low": "LowConfidence"}[cells["confidence"]])
        assert (str(note) if note is not None else "") == cells["note"], s
        assert int(urls) == len([u for u in cells["source_urls"].split(" | ") if u.strip()]), s


def test_belarus_dates_from_the_register_and_the_document_agree(graph):
    result = graph.sparql("""PREFIX mk: <https://w3id.org/minekg/ontology#>
        PREFIX st: <https://w3id.org/minekg/id/state/>
        PREFIX instr: <https://w3id.org/minekg/id/instrument/>
        SELECT ?kind ?doc ?date WHERE { ?s mk:actor st:BLR ; mk:instrument instr:mbt ; a mk:TreatyAction ;
            mk:actionType ?kind ; mk:date ?date ; mk:evidence/mk:source ?doc }""")
    by_kind: dict[str, dict[str, str]] = {}
    for kind, doc, date in result.rows:
        by_kind.setdefault(str(kind).split("#")[1], {})[str(doc).rsplit("/", 1)[1]] = str(date)
    assert by_kind["Accession"] == {"register-mbt-status": "2003-09-03", "belarus-2022": "2003-09-03"}
    assert by_kind["EntryIntoForce"] == {"register-mbt-status": "2004-03-01", "belarus-2022": "2004-03-01"}


def test_un_membership_only_where_the_table_gives_it(graph):
    never = {r["iso3"] for r in table_rows() if not r["action"]}
    result = graph.sparql("PREFIX mk: <https://w3id.org/minekg/ontology#> SELECT ?s ?v WHERE { ?s mk:unMember ?v }")
    assert {str(s).rsplit("/", 1)[1] for s, v in result.rows} == never
    assert all(v == Literal(True) for s, v in result.rows)


# ------------------------------------------------------------------ malformed rows


MALFORMED = {
    "Belarus": (f"Belarus,BLR,,2003-02-30,accession,2004-03-01,,,{SOURCE},high,", "ratified_or_acceded: '2003-02-30'"),
    "Tuvalu": (f"Tuvalu,XXZ,,,,,,,{SOURCE},high,", "iso3: 'XXZ' is not an ISO 3166-1 alpha-3 code"),
    "Benin": (f"Benin,BEN,1997-12-03,,ratification,1999-03-01,,,{SOURCE},low,", "action: ratification without a"),
    "Bolivia": (f"Bolivia,BOL,1997-12-03,1998-06-09,,1999-03-01,,,{SOURCE},low,", "a date without an action"),
    "Bhutan": (f"Bhutan,BTN,,2005-08-18,accession,2006-02-01,,,{SOURCE},medium,", "confidence: 'medium' is not"),
    "Barbados": ("Barbados,BRB,1997-12-03,1999-01-26,ratification,1999-07-01,,,javascript:alert(1),high,",
                 "source_urls: 'javascript:alert(1)' is neither an http(s) URL nor a github: reference"),
    "Guam": (f"Guam,GUM,,,,,,,{SOURCE},high,", "iso3: GUM is listed as a territory"),
    "Angola": ("Angola,AGO,1997-12-04,2002-07-05,ratification", "expected 11 cells, found 5"),
    "Brazil": (f"Brazil,BRA,1997-12-03,1999-04-30,ratification,1999-10-01,,,{SOURCE},high,", None),
}


def malformed_table(tmp_path: Path) -> tuple[Path, dict[int, str]]:
    """The real table with some rows broken on purpose, and the line -> expected message of each."""
    lines = table_lines()
    expected = {}
    for i, line in enumerate(lines):
        name = line.split(",", 1)[0]
        if name in MALFORMED:
            new, why = MALFORMED[name]
            lines[i] = new + "\n"
            if why:
                expected[i + 1] = why
    # A duplicate row at the end: a state may have one row only.
    lines.append(lines[1])
    expected[len(lines)] = "iso3: AFG already has a row (line 2)"
    return write_table(tmp_path / "broken.csv", lines), expected


def register_files(tree: Path) -> dict[str, bytes]:
    return {rel: (tree / "graph_data" / rel).read_bytes()
            for rel in (register.SOURCE_FILE, register.DESCRIPTION_FILE, register.STATEMENTS_FILE)}


def test_malformed_rows_are_reported_with_their_line_and_skipped(fixture_tree, tmp_path):
    # Every state keeps its row; the rows added at the end are broken: each is reported and skipped.
    lines = table_lines()
    lines.append(lines[1])
    lines.append(f"Guam,GUM,,,,,,,{SOURCE},high,\n")
    lines.append(f"Tuvalu,XXZ,,,,,,,{SOURCE},high,\n")
    lines.append("Barbados,BRB,1997-12-03,1999-01-26,ratification,1999-07-01,,,javascript:alert(1),high,\n")
    n = len(lines)
    expected = {n - 3: "iso3: AFG already has a row (line 2)", n - 2: "iso3: GUM is listed as a territory",
                n - 1: "iso3: 'XXZ' is not an ISO 3166-1 alpha-3 code",
                n: "source_urls: 'javascript:alert(1)' is neither an http(s) URL nor a github: reference"}
    table = write_table(tmp_path / "broken.csv", lines)
    result = run_cli(fixture_tree, "import-register", str(table))
    assert result.returncode == 1, result.stderr
    reported = result.stderr.strip().splitlines()
    assert len(reported) == len(expected), reported
    for line, why in expected.items():
        hits = [r for r in reported if r.startswith(f"{table}:{line}: ")]
        assert len(hits) == 1 and why in hits[0], (line, why, reported)
    assert "Traceback" not in result.stderr
    assert "imported 197 rows" in result.stdout
    text = (fixture_tree / "graph_data" / register.STATEMENTS_FILE).read_text(encoding="utf-8")
    assert text == STATEMENTS.read_text(encoding="utf-8").replace(f"imported from {TABLE.name}", "imported from "
                                                                  "broken.csv")
    assert "javascript:" not in text and "st:GUM " not in text
    # The copy is the table as given, byte for byte, and its checksum is recorded.
    assert (fixture_tree / "graph_data" / register.SOURCE_FILE).read_bytes() == table.read_bytes()


def test_a_table_that_drops_states_is_refused_unless_forced(fixture_tree, tmp_path):
    # Rows broken on purpose drop their states: the table is refused in one line naming them.
    table, expected = malformed_table(tmp_path)
    before = register_files(fixture_tree)
    result = run_cli(fixture_tree, "import-register", str(table))
    assert result.returncode == 2, result.stderr
    reported = result.stderr.strip().splitlines()
    assert len(reported) == len(expected) + 1, reported
    assert reported[-1] == (f"minekg: error: {table}: drops 7 of the register's 197 states (AGO, BEN, BLR, BOL, "
                            "BRB, BTN, TUV); nothing imported (--force imports it all the same)")
    assert register_files(fixture_tree) == before
    # A valid table of two rows, as the audit found it: refused, the list abridged.
    two = write_table(tmp_path / "two.csv", [table_lines()[0], *(line for line in table_lines()
                                                                 if line.split(",")[1:2] in (["BLR"], ["UKR"]))])
    result = run_cli(fixture_tree, "import-register", str(two))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"minekg: error: {two}: drops 195 of the register's 197 states (AFG, AGO, ALB, AND, ARE, ARG, ARM, ATG, "
        "AUS, AUT and 185 more); nothing imported (--force imports it all the same)"]
    assert register_files(fixture_tree) == before


def without_arms_table(tree: Path) -> None:
    """A project whose only word on most states is the register: the arms treaties' table gives every
    register state a status, so with it no state would be named by one source alone."""
    for rel in (treaties.SOURCE_FILE, treaties.README_FILE, treaties.DESCRIPTION_FILE, treaties.STATEMENTS_FILE):
        (tree / "graph_data" / rel).unlink(missing_ok=True)


def test_a_forced_import_is_written_only_if_the_graph_builds(fixture_tree, tmp_path):
    without_arms_table(fixture_tree)
    table, _expected = malformed_table(tmp_path)
    before = register_files(fixture_tree)
    # Benin and Tuvalu are named by no other source: without their rows the build has no word on them.
    result = run_cli(fixture_tree, "import-register", "--force", str(table))
    assert result.returncode == 2
    error = result.stderr.strip().splitlines()[-1]
    assert error.startswith(f"minekg: error: {table}: not imported, the graph would not build with it: "
                            "graph_data/reference/iso_territories.csv: ISO 3166-1 entry BEN is neither"), error
    assert register_files(fixture_tree) == before
    # Belarus is named by its documents: the table without its row builds, and --force imports it.
    without = write_table(tmp_path / "no-blr.csv", [line for line in table_lines() if line.split(",")[1:2] != ["BLR"]])
    result = run_cli(fixture_tree, "import-register", str(without))
    assert result.returncode == 2 and "drops 1 of the register's 197 states (BLR)" in result.stderr
    result = run_cli(fixture_tree, "import-register", "--force", str(without))
    assert result.returncode == 0, result.stderr
    assert "imported 196 rows" in result.stdout
    assert "st:BLR " not in (fixture_tree / "graph_data" / register.STATEMENTS_FILE).read_text(encoding="utf-8")
    build(Project(fixture_tree), out=tmp_path / "build")


def test_line_numbers_count_physical_lines_past_a_note_on_two_lines(fixture_tree, tmp_path):
    lines = replace_row(table_lines(), "BLR",
                        f'Belarus,BLR,,2003-09-03,accession,2004-03-01,,,{SOURCE},high,"a note\non two lines"')
    lines.append(f"Nowhere,QQQ,,,,,,,{SOURCE},high,\n")
    table = write_table(tmp_path / "two.csv", lines)
    result = register.import_register(table, Project(fixture_tree))
    # The note adds a physical line: the last row starts one line after its place in the list.
    assert result.problem_lines() == [f"{table}:{len(lines) + 1}: iso3: 'QQQ' is not an ISO 3166-1 alpha-3 code"]
    written = RDFGraph().parse(fixture_tree / "graph_data" / register.STATEMENTS_FILE, format="turtle")
    assert (URIRef(str(EV) + "register-mbt-row-17"), RDF.type, MK.Evidence) in written
    assert Literal("a note\non two lines") in set(written.objects(None, MK.note))


def test_a_state_that_lost_its_only_row_stops_the_import(fixture_tree, tmp_path):
    # Tuvalu is named by no other source: with its row rejected, nothing says it is a state.
    without_arms_table(fixture_tree)
    lines = replace_row(table_lines(), "TUV", f"Tuvalu,TUV,,,,,,,{SOURCE},unsure,")
    before = register_files(fixture_tree)
    with pytest.raises(MinekgError, match="not imported, the graph would not build with it: .*"
                                          "ISO 3166-1 entry TUV is neither listed there as a territory"):
        register.import_register(write_table(tmp_path / "t.csv", lines), Project(fixture_tree), force=True)
    assert register_files(fixture_tree) == before


def test_a_table_with_no_usable_row_imports_nothing(fixture_tree, tmp_path):
    before = {rel: (fixture_tree / "graph_data" / rel).read_bytes()
              for rel in (register.SOURCE_FILE, register.DESCRIPTION_FILE, register.STATEMENTS_FILE)}
    table = write_table(tmp_path / "bad.csv", [",".join(register_table.COLUMNS), "Nowhere,QQQ,,,,,,,,high,",
                                               "Belarus,BLR,,2003-09-03,,,,,,high,"])
    result = run_cli(fixture_tree, "import-register", str(table))
    assert result.returncode == 2
    assert f"{table}:2: iso3: 'QQQ'" in result.stderr and f"{table}:3: ratified_or_acceded" in result.stderr
    assert "no usable row (2 rejected); nothing imported" in result.stderr
    for rel, data in before.items():
        assert (fixture_tree / "graph_data" / rel).read_bytes() == data


def test_a_bad_header_is_one_clear_error(fixture_tree, tmp_path):
    table = write_table(tmp_path / "h.csv", ["state,iso,signed", "Belarus,BLR,"])
    result = run_cli(fixture_tree, "import-register", str(table))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"minekg: error: {table}:1: the header must be the columns {','.join(register_table.COLUMNS)} "
        "(see docs/register.md)"]


def test_a_missing_file_is_one_clear_error(fixture_tree, tmp_path):
    result = run_cli(fixture_tree, "import-register", str(tmp_path / "nope.csv"))
    assert result.returncode == 2 and result.stderr.strip() == f"minekg: error: {tmp_path / 'nope.csv'}: file not found"


# ------------------------------------------------------------------ the build checks the register's evidence


def test_the_build_checks_the_row_each_register_statement_cites(fixture_tree, tmp_path):
    statements = fixture_tree / "graph_data" / register.STATEMENTS_FILE
    text = statements.read_text(encoding="utf-8")
    # Belarus is on line 17; line 18 is Belgium's row.
    statements.write_text(text.replace("mk:row 17 ;", "mk:row 18 ;"), encoding="utf-8")
    with pytest.raises(MinekgError, match=r"s:register-mbt-BLR-\S+: evidence cites row 18 of "
                                          r"graph_data/sources/mbt_status.csv, which is about st:BEL, "
                                          r"but the statement is about st:BLR"):
        build(Project(fixture_tree), out=tmp_path / "build")
    statements.write_text(text.replace("mk:row 17 ;", "mk:row 999 ;"), encoding="utf-8")
    with pytest.raises(MinekgError, match="which has no row starting on that line"):
        build(Project(fixture_tree), out=tmp_path / "build")


def test_an_edited_table_fails_its_checksum(fixture_tree, tmp_path):
    table = fixture_tree / "graph_data" / register.SOURCE_FILE
    table.write_bytes(table.read_bytes().replace(b"2003-09-03", b"2003-09-04", 1))
    with pytest.raises(MinekgError, match="SHA-256 .* differs from mk:sha256"):
        build(Project(fixture_tree), out=tmp_path / "build")


# ------------------------------------------------------------------ disagreements stay visible


def conflicts_after_import(tree: Path, tmp_path: Path, lines: list[str]) -> list[dict[str, str]]:
    register.import_register(write_table(tmp_path / "changed.csv", lines), Project(tree))
    out = tmp_path / "build"
    build(Project(tree), out=out)
    with Graph.open(path=out / "minekg.nq", project=Project(tree)) as g:
        return rows_of(g.query("103_register_document_conflicts"))


def test_no_disagreement_between_the_register_and_the_documents(graph):
    assert graph.query("103_register_document_conflicts").rows == []


def test_disagreements_are_listed_with_both_sources(fixture_tree, tmp_path):
    lines = table_lines()
    lines = replace_row(lines, "BLR", f"Belarus,BLR,,2003-09-04,accession,2004-03-01,,,{SOURCE},high,")
    lines = replace_row(lines, "RUS", f"Russia,RUS,,2010-01-15,accession,2010-07-01,,,{SOURCE},high,")
    lines = replace_row(lines, "ARM", f"Armenia,ARM,2000-01-01,,,,,,{SOURCE},high,")
    found = {(r["state"].rsplit("/", 1)[1], r["conflict"], r["register_statement"].rsplit("/", 1)[1],
              r["document_statement"].rsplit("/", 1)[1]): r
             for r in conflicts_after_import(fixture_tree, tmp_path, lines)}
    assert set(found) == {
        ("BLR", "date", "register-mbt-BLR-accession", "belarus-2022-accession"),
        ("RUS", "status", "register-mbt-RUS-accession", "russia-2012-not-party"),
        ("RUS", "status", "register-mbt-RUS-accession", "belarus-2022-rus-mbt-status"),
        ("RUS", "negation", "register-mbt-RUS-accession", "russia-2012-not-acceded"),
        ("ARM", "negation", "register-mbt-ARM-signature", "armenia-2023-not-signed"),
    }
    blr = found[("BLR", "date", "register-mbt-BLR-accession", "belarus-2022-accession")]
    assert (blr["register_says"], blr["document_says"]) == ("Accession 2003-09-04", "Accession 2003-09-03")
    assert blr["register"].endswith("/register-mbt-status") and blr["row"] == "17"
    assert blr["document"].endswith("/belarus-2022")
    assert "acceded to the Mine Ban Treaty on 3 September 2003" in blr["quote"]
    ru = found[("RUS", "status", "register-mbt-RUS-accession", "russia-2012-not-party")]
    assert ru["register_says"] == "State Party on 2012-10-11" and ru["document_says"] == "not party on 2012-10-11"
    assert ru["row"] == "147"
    # Both statements stand: the graph keeps the document's date beside the register's.
    with Graph.open(path=tmp_path / "build" / "minekg.nq", project=Project(fixture_tree)) as g:
        dates = g.sparql("""PREFIX mk: <https://w3id.org/minekg/ontology#>
            SELECT ?d WHERE { ?s mk:actor <https://w3id.org/minekg/id/state/BLR> ; mk:actionType mk:Accession ;
            mk:date ?d }""")
        assert sorted(str(r[0]) for r in dates.rows) == ["2003-09-03", "2003-09-04"]


def test_a_deposit_of_another_kind_and_a_state_said_never_to_have_joined(fixture_tree, tmp_path):
    lines = replace_row(table_lines(), "BLR", f"Belarus,BLR,,2003-09-03,ratification,2004-03-01,,,{SOURCE},high,")
    rows = conflicts_after_import(fixture_tree, tmp_path, lines)
    assert [(r["conflict"], r["register_says"], r["document_says"]) for r in rows] == [
        ("action type", "Ratification 2003-09-03", "Accession 2003-09-03")]
    lines = replace_row(table_lines(), "BLR", f"Belarus,BLR,,,,,,,{SOURCE},high,never joined (on purpose)")
    rows = conflicts_after_import(fixture_tree, tmp_path, lines)
    assert {(r["conflict"], r["register_says"], r["document_statement"].rsplit("/", 1)[1]) for r in rows} >= {
        ("status", "never joined (not party)", "belarus-2022-accession"),
        ("status", "never joined (not party)", "belarus-2022-entry-into-force")}
    assert all(r["register_statement"].endswith("/register-mbt-BLR-not-party") for r in rows
               if r["register_says"] == "never joined (not party)")


def test_statement_iris_are_stable(graph):
    evidence = "https://w3id.org/minekg/id/evidence/register-mbt-row-17"
    result = graph.sparql(f"ASK {{ <{S['register-mbt-BLR-accession']}> <{MK.actor}> <{ST['BLR']}> . "
                          f"<{S['register-mbt-RUS-not-party']}> ?q ?r . "
                          f"<{evidence}> <{MK.source}> <{DOC['register-mbt-status']}> }}")
    assert result.boolean
