"""No CSV minekg writes can run as a spreadsheet formula (issue 18, item 14): a register note `=HYPERLINK(…)`
reaches the export tables, `minekg query --format csv|tsv` and the server's CSV answers with a leading `'`,
while numbers, dates and IRIs stay as they are."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import urllib.parse
import urllib.request

import pytest

from minekg.curation import register, register_table
from minekg.query.csv_safe import neutral

from .serve_server import MINEKG, ROOT

ROW_NOTE = '=HYPERLINK("https://example.org/","click")'
# A SELECT whose cells are each kind: formulas (the first four), a negative number, a date, an IRI.
CELLS = {"eq": "=1+2", "plus": "+A1", "minus": "-A1", "at": "@SUM(A1)", "tab": "\t=1", "neg": "-3",
         "dec": "-2.5e3", "date": "2003-09-03", "iri": "https://w3id.org/minekg/id/state/BLR"}
EXPECTED = {"eq": "'=1+2", "plus": "'+A1", "minus": "'-A1", "at": "'@SUM(A1)", "tab": "'\t=1", "neg": "-3",
            "dec": "-2.5e3", "date": "2003-09-03", "iri": "https://w3id.org/minekg/id/state/BLR"}
SELECT = "SELECT " + " ".join(f'("{v.encode("unicode_escape").decode()}" AS ?{k})' for k, v in CELLS.items()) \
    + " WHERE {}"


def rows(data: str, delimiter: str = ",") -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data, newline=""), delimiter=delimiter))


@pytest.mark.parametrize("value,shown", [
    ("=1+2", "'=1+2"), ("+1+2", "'+1+2"), ("-1+2", "'-1+2"), ("@A1", "'@A1"), ("\t=A1", "'\t=A1"),
    ("\r=A1", "'\r=A1"), ("-3", "-3"), ("+4", "+4"), ("-0.5", "-0.5"), ("-2e3", "-2e3"), ("2003-09-03", "2003-09-03"),
    ("st:BLR", "st:BLR"), ("", ""), ("a = b", "a = b"), ("- a list item", "'- a list item"),
])
def test_a_cell_that_would_run_as_a_formula_gets_a_quote(value, shown):
    assert neutral(value) == shown


def test_a_register_note_reaches_the_export_table_as_text(fixture_tree, tmp_path):
    with (fixture_tree / "graph_data" / register.SOURCE_FILE).open(encoding="utf-8", newline="") as f:
        table = list(csv.reader(f))
    at = register_table.COLUMNS.index("note")
    blr = next(r for r in table if r[1] == "BLR")
    blr[at] = ROW_NOTE
    given = tmp_path / "noted.csv"
    with given.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(table)
    env = {**os.environ, "MINEKG_ROOT": str(fixture_tree)}
    for args in (["import-register", str(given)], ["build"],
                 ["export", "--format", "csv", "--out", str(tmp_path / "csv")]):
        done = subprocess.run([MINEKG, *args], env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
    actions = rows((tmp_path / "csv" / "tables" / "treaty_actions.csv").read_text(encoding="utf-8"))
    noted = [r for r in actions if r["statement"].startswith("s:register-mbt-BLR-")]
    assert noted and all(r["note"] == "'" + ROW_NOTE for r in noted), noted
    assert not any(cell.startswith(("=", "+", "@")) for r in actions for cell in r.values())


@pytest.mark.parametrize("fmt,delimiter", [("csv", ","), ("tsv", "\t")])
def test_query_csv_and_tsv_cells_are_neutral(built, fmt, delimiter):
    done = subprocess.run([MINEKG, "query", "--sparql", SELECT, "--format", fmt, "--data", str(built)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert rows(done.stdout, delimiter) == [EXPECTED]


def test_server_csv_cells_are_neutral(server):
    url = server.url("/sparql") + "?" + urllib.parse.urlencode({"query": SELECT})
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": "text/csv"}), timeout=60) as r:
        assert r.headers["content-type"].startswith("text/csv")
        assert rows(r.read().decode("utf-8")) == [EXPECTED]


def test_the_committed_exports_use_the_one_writer():
    # Every module that writes CSV goes through minekg.csv_safe: no other csv.writer in the package.
    writers = [p.name for p in sorted((ROOT / "minekg").rglob("*.py"))
               if "csv.writer(" in p.read_text(encoding="utf-8") and p.name != "csv_safe.py"]
    assert writers == []

