"""The build: one checked dataset from the curated files, deterministic, and one-line errors on bad input."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Dataset, Literal, URIRef

from minekg.build.assemble import build
from minekg.cli.root import main
from minekg.project import Project
from minekg.rdf.namespaces import MK

ROOT = Path(__file__).resolve().parent.parent
BELARUS = "graph_data/statements/belarus-2022.ttl"


def run_cli(tree: Path, *args: str):
    return CliRunner().invoke(main, list(args), env={"MINEKG_ROOT": str(tree)}, catch_exceptions=False)


def built_ok(tree: Path):
    result = run_cli(tree, "build")
    assert result.exit_code == 0, result.output
    return (tree / "build" / "minekg.nq").read_bytes()


def edit(tree: Path, rel: str, old: str, new: str) -> None:
    path = tree / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {rel}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def one_line_error(result, *fragments: str) -> str:
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert lines[0].startswith("minekg: error: ") and "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


def test_every_quote_has_offsets_that_point_at_it(built, project):
    ds = Dataset(default_union=True)
    ds.parse(built, format="nquads")
    files = {}
    for doc, rel in ds.subject_objects(MK.sourceFile):
        files[doc] = (project.graph_data / str(rel)).read_text(encoding="utf-8")
    checked = 0
    for ev, quote in ds.subject_objects(MK.quote):
        text = files[ds.value(ev, MK.source)]
        start, end = int(ds.value(ev, MK.startOffset)), int(ds.value(ev, MK.endOffset))
        assert text[start:end] == str(quote)
        checked += 1
    assert checked > 300
    # every statement of a curated document has evidence, directly or through a speech act about it
    assert not list(ds.query("""
        PREFIX mk: <https://w3id.org/minekg/ontology#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?s WHERE { ?s a ?k . ?k rdfs:subClassOf* mk:Statement .
          FILTER NOT EXISTS { ?s mk:evidence ?e } FILTER NOT EXISTS { ?a mk:content ?s } }"""))


def test_summary_counts_statements_by_kind_and_document(built):
    summary = json.loads((built.parent / "summary.json").read_text(encoding="utf-8"))
    assert summary["statements"] == sum(summary["statements_by_kind"].values())
    assert summary["statements_by_kind"]["Allegation"] >= 15
    for doc in ("doc:belarus-2022", "doc:russia-2012", "doc:armenia-2023", "doc:kazakhstan-2019",
                "doc:news-2025-russia-ukraine-landmines"):
        assert summary["statements_by_document"][doc] > 10


def test_states_come_from_iso_3166(built):
    ds = Dataset(default_union=True)
    ds.parse(built, format="nquads")
    blr = URIRef("https://w3id.org/minekg/id/state/BLR")
    assert ds.value(blr, MK.isoAlpha2) == Literal("BY")
    assert str(ds.value(URIRef("https://w3id.org/minekg/id/state/SUN"), MK.isoAlpha3)) == "SUN"


def test_two_builds_are_byte_identical(tmp_path, project):
    a, b = tmp_path / "a", tmp_path / "b"
    build(project, out=a)
    build(project, out=b)
    assert (a / "minekg.nq").read_bytes() == (b / "minekg.nq").read_bytes()
    assert (a / "summary.json").read_bytes() == (b / "summary.json").read_bytes()


def test_broken_quote_names_statement_file_and_closest_passage(fixture_tree):
    before = built_ok(fixture_tree)
    edit(fixture_tree, BELARUS, "acceded to the Mine Ban Treaty on 3 September 2003",
         "acceded to the Mine Ban Treaty on 4 September 2003")
    line = one_line_error(run_cli(fixture_tree, "build"), BELARUS, "s:belarus-2022-accession",
                          "quote not found in graph_data/sources/001_468ac05468c00f4e.txt", "closest passage")
    assert "on 3 September 2003" in line.split("closest passage")[1]
    assert (fixture_tree / "build" / "minekg.nq").read_bytes() == before, "build/ must be left as it was"


def test_ambiguous_quote_asks_for_a_prefix_or_suffix(fixture_tree):
    edit(fixture_tree, BELARUS,
         'mk:quote "The Republic of Belarus acceded to the Mine Ban Treaty on 3 September 2003"',
         'mk:quote "Belarus"')
    one_line_error(run_cli(fixture_tree, "build"), BELARUS, "s:belarus-2022-accession", "times in",
                   "mk:quotePrefix")


def test_prefix_disambiguates_a_repeated_quote(fixture_tree):
    edit(fixture_tree, BELARUS,
         'mk:quote "The Republic of Belarus acceded to the Mine Ban Treaty on 3 September 2003"',
         'mk:quotePrefix "The Republic of " ; mk:quote "Belarus" ; mk:quoteSuffix " acceded"')
    built_ok(fixture_tree)


def test_typo_in_predicate_is_an_error_not_a_new_term(fixture_tree):
    edit(fixture_tree, BELARUS, "mk:actionType mk:Accession", "mk:actiontype mk:Accession")
    line = one_line_error(run_cli(fixture_tree, "build"), "unknown term mk:actiontype", BELARUS)
    assert re.search(r"belarus-2022\.ttl:\d+:", line)


def test_typo_in_class_and_in_reference_are_errors(fixture_tree):
    edit(fixture_tree, BELARUS, "s:belarus-2022-accession a mk:TreatyAction",
         "s:belarus-2022-accession a mk:TreatyActoin")
    one_line_error(run_cli(fixture_tree, "build"), "unknown class mk:TreatyActoin")


def test_dangling_reference_is_an_error(fixture_tree):
    edit(fixture_tree, BELARUS, "mk:instrument instr:mbt ; mk:actionType mk:Accession",
         "mk:instrument instr:mtb ; mk:actionType mk:Accession")
    one_line_error(run_cli(fixture_tree, "build"), "instr:mtb is used but never defined")


def test_unknown_iso_code_is_an_error(fixture_tree):
    edit(fixture_tree, BELARUS, "mk:actor st:BLR ; mk:instrument instr:mbt ; mk:actionType mk:Accession",
         "mk:actor st:BLX ; mk:instrument instr:mbt ; mk:actionType mk:Accession")
    one_line_error(run_cli(fixture_tree, "build"), "st:BLX is not an ISO 3166 alpha-3 code")


def test_turtle_syntax_error_names_file_and_line(fixture_tree):
    path = fixture_tree / BELARUS
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    n = next(i for i, line in enumerate(lines) if line.startswith("s:belarus-2022-accession"))
    lines[n] = lines[n].replace(" a mk:TreatyAction", " a mk:TreatyAction ]")
    path.write_text("".join(lines), encoding="utf-8")
    one_line_error(run_cli(fixture_tree, "build"), f"{BELARUS}:{n + 1}: Turtle syntax error")


def test_incompatible_types_are_an_error(fixture_tree):
    with (fixture_tree / BELARUS).open("a", encoding="utf-8") as f:
        # in the file that describes it: described in a second file, it would be refused for that first
        f.write("\ns:belarus-2022-accession a mk:Person .\n")
    one_line_error(run_cli(fixture_tree, "build"), "s:belarus-2022-accession is given incompatible types",
                   "disjoint")


def test_missing_source_file_is_an_error(fixture_tree):
    (fixture_tree / "graph_data/sources/003_6e55b677930c3a7a.txt").unlink()
    one_line_error(run_cli(fixture_tree, "build"), "source file graph_data/sources/003_6e55b677930c3a7a.txt",
                   "not found")


def test_edited_source_fails_its_checksum(fixture_tree):
    path = fixture_tree / "graph_data/sources/003_6e55b677930c3a7a.txt"
    path.write_text(path.read_text(encoding="utf-8") + " ", encoding="utf-8")
    one_line_error(run_cli(fixture_tree, "build"), "SHA-256", "must not be edited")


def test_wrong_encoding_is_an_error(fixture_tree):
    path = fixture_tree / BELARUS
    path.write_bytes(path.read_bytes().replace(b"Belarus", "Belarus\xe9".encode("latin-1"), 1))
    one_line_error(run_cli(fixture_tree, "build"), BELARUS, "not valid UTF-8")


def test_console_script_is_installed_and_runs():
    exe = Path(sys.executable).parent / "minekg"
    out = subprocess.run([str(exe), "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.startswith("minekg, version ")


@pytest.fixture()
def tree_project(fixture_tree) -> Project:
    return Project(fixture_tree)


# ------------------------------------------------------------------ ill-typed literals (issue 18, item 10)


def append_line(tree: Path, rel: str, line: str) -> int:
    """Append one line to a curated file; return its line number."""
    path = tree / rel
    text = path.read_text(encoding="utf-8").rstrip("\n") + "\n"
    path.write_text(text + line + "\n", encoding="utf-8")
    return text.count("\n") + 1


ILL_TYPED = [
    ('"2003-13-45"^^xsd:date', "not a real calendar date (YYYY-MM-DD)"),
    ('"2021-04"^^xsd:date', 'not an xsd:date (YYYY-MM-DD); for a month use "2021-04"^^xsd:gYearMonth'),
    ('"2021"^^xsd:date', 'not an xsd:date (YYYY-MM-DD); for a year use "2021"^^xsd:gYear'),
    ('"21"^^xsd:gYear', "not an xsd:gYear (YYYY)"),
    ('"2021-04-05"^^xsd:gYear', 'not an xsd:gYear (YYYY); for a day use "2021-04-05"^^xsd:date'),
    ('"2021-13"^^xsd:gYearMonth', "not a real calendar month (YYYY-MM)"),
    ('"2021"^^xsd:gYearMonth', 'not an xsd:gYearMonth (YYYY-MM); for a year use "2021"^^xsd:gYear'),
    ('"2021-04-31T10:00:00"^^xsd:dateTime', "not a real date and time (YYYY-MM-DDThh:mm:ss)"),
    ('"2021-04-05"^^xsd:dateTime',
     'not an xsd:dateTime (YYYY-MM-DDThh:mm:ss); for a day use "2021-04-05"^^xsd:date'),
    ('"1,486"^^xsd:integer', "not an xsd:integer: write it without thousands separators"),
    ('"1.5"^^xsd:integer', 'not an xsd:integer (digits, optional sign); for a fraction use "1.5"^^xsd:decimal'),
    ('"12 mines"^^xsd:decimal', "not an xsd:decimal (digits with an optional decimal point)"),
    ('"yes"^^xsd:boolean', "not an xsd:boolean (true or false)"),
    ('"-1"^^xsd:nonNegativeInteger', "not a valid xsd:nonNegativeInteger"),
]


@pytest.mark.parametrize(("literal", "why"), ILL_TYPED, ids=[lit for lit, _ in ILL_TYPED])
def test_an_ill_typed_literal_is_one_line_naming_file_line_and_the_right_form(fixture_tree, literal, why):
    before = built_ok(fixture_tree)
    n = append_line(fixture_tree, BELARUS, f"s:belarus-2022-accession mk:date {literal} .")
    result = run_cli(fixture_tree, "build")
    assert one_line_error(result) == f"minekg: error: {BELARUS}:{n}: {literal}: {why}"
    assert (fixture_tree / "build" / "minekg.nq").read_bytes() == before, "build/ must be left as it was"


def test_validate_reports_an_ill_typed_literal_in_one_line_too(fixture_tree):
    n = append_line(fixture_tree, BELARUS, 's:belarus-2022-accession mk:date "2003-13-45"^^xsd:date .')
    result = CliRunner().invoke(main, ["validate"], env={"MINEKG_ROOT": str(fixture_tree)},
                                catch_exceptions=False)
    assert result.output.strip() == (f"minekg: error: {BELARUS}:{n}: \"2003-13-45\"^^xsd:date: "
                                     "not a real calendar date (YYYY-MM-DD)")
    assert result.exit_code == 2


def test_well_typed_dates_of_every_kind_still_build(fixture_tree):
    append_line(fixture_tree, BELARUS, 's:belarus-2022-accession mk:date "2003-09-03"^^xsd:date .')
    append_line(fixture_tree, BELARUS, 'doc:belarus-2022 dcterms:date "2022"^^xsd:gYear .')
    append_line(fixture_tree, BELARUS, 'doc:belarus-2022 dcterms:date "2022-09"^^xsd:gYearMonth .')
    built_ok(fixture_tree)


def test_an_iri_with_a_space_is_one_line(fixture_tree):
    n = append_line(fixture_tree, BELARUS, "<https://w3id.org/minekg/id/agent/foo bar> a mk:Organisation .")
    line = one_line_error(run_cli(fixture_tree, "build"))
    assert line == (f"minekg: error: {BELARUS}:{n}: IRI <https://w3id.org/minekg/id/agent/foo bar> contains a "
                    "space, which IRIs cannot hold; use %20 or a hyphen")


# ------------------------------------------------------------------ blank nodes (item 12)


def test_blank_nodes_in_a_cycle_are_refused_at_once_naming_file_and_line(fixture_tree):
    """Four triples making two blank nodes point at each other took over 120 s to label."""
    n = append_line(fixture_tree, BELARUS, "_:a mk:partOf _:b ; rdfs:seeAlso _:b . "
                                           "_:b mk:partOf _:a ; rdfs:seeAlso _:a .")
    result = subprocess.run([str(Path(sys.executable).parent / "minekg"), "build"], capture_output=True,
                            text=True, env={**os.environ, "MINEKG_ROOT": str(fixture_tree)}, timeout=60)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip() == (
        f"minekg: error: {BELARUS}:{n}: blank nodes refer to each other in a cycle (through rdfs:seeAlso, "
        "mk:partOf), so they cannot be told apart or labelled; give one of them an IRI")


def test_a_long_chain_of_blank_nodes_is_labelled_deterministically(tmp_path, fixture_tree):
    """A chain far deeper than the old labeller's depth cut-off (20): labels come from content, not from the
    parser's random blank node ids, and no recursion limit is hit."""
    chain = " ".join(f"_:c{i} rdfs:seeAlso _:c{i + 1} ." for i in range(2000))
    append_line(fixture_tree, BELARUS, f"ag:nato-maintenance-supply-agency rdfs:seeAlso _:c0 . {chain}")
    project = Project(fixture_tree)
    build(project, out=tmp_path / "a")
    build(project, out=tmp_path / "b")
    a = (tmp_path / "a" / "minekg.nq").read_bytes()
    assert a == (tmp_path / "b" / "minekg.nq").read_bytes()
    assert a.count(b"<http://www.w3.org/2000/01/rdf-schema#seeAlso>") >= 2001


# ------------------------------------------------------------------ sources (item 13)


SOURCES = "graph_data/sources/sources.ttl"
BELARUS_SOURCE = 'mk:sourceFile "sources/001_468ac05468c00f4e.txt"'


@pytest.mark.parametrize("path", ["../../../../etc/hostname", "/etc/hostname", "statements/belarus-2022.ttl",
                                  "sources/../reference/actors.ttl"])
def test_a_source_outside_graph_data_sources_is_refused(fixture_tree, path):
    edit(fixture_tree, SOURCES, BELARUS_SOURCE, f'mk:sourceFile "{path}"')
    line = one_line_error(run_cli(fixture_tree, "build"))
    assert re.fullmatch(rf'minekg: error: {SOURCES}:\d+: source file "{re.escape(path)}" of doc:belarus-2022 '
                        r"is outside graph_data/sources/: sources must be kept there", line), line


def test_a_source_linked_from_outside_is_refused(fixture_tree, tmp_path):
    outside = tmp_path / "elsewhere.txt"
    outside.write_text("anything", encoding="utf-8")
    (fixture_tree / "graph_data/sources/linked.txt").symlink_to(outside)
    edit(fixture_tree, SOURCES, BELARUS_SOURCE, 'mk:sourceFile "sources/linked.txt"')
    one_line_error(run_cli(fixture_tree, "build"), 'source file "sources/linked.txt" of doc:belarus-2022 is outside')


def test_a_source_without_checksum_is_refused(fixture_tree):
    edit(fixture_tree, SOURCES,
         BELARUS_SOURCE + ' ;\n    mk:sha256 "e3828185c93600fd91de5fa15aa7cf88f9fea60b15d383bc5e9eebfa695a09e6" .',
         BELARUS_SOURCE + " .")
    line = one_line_error(run_cli(fixture_tree, "build"))
    assert re.fullmatch(rf"minekg: error: {SOURCES}:\d+: doc:belarus-2022 has no mk:sha256: record the SHA-256 of "
                        r"graph_data/sources/001_468ac05468c00f4e.txt so that an edited source is caught", line), line


# ------------------------------------------------------------------ one line, not a traceback (item 16)


def test_a_select_in_rules_is_named(fixture_tree):
    (fixture_tree / "rules/080_select.rq").write_text("#+ summary: a first row\nSELECT ?s WHERE { ?s ?p ?o } LIMIT 1\n",
                                                      encoding="utf-8")
    line = one_line_error(run_cli(fixture_tree, "build"))
    assert line == "minekg: error: rules/080_select.rq: a rule must be a SPARQL CONSTRUCT, not a SELECT query"


@pytest.mark.parametrize(("header", "says"), [
    ("", "no `#+ summary:` header line saying what it does"),
    ("#+ summary: every triple again\n#+ params: []\n", "unknown header key(s) params"),
    ("#+ summary: [unclosed\n", "query header is not valid YAML (header line 1)"),
])
def test_a_rule_without_its_header_is_named(fixture_tree, header, says):
    """Rules share the named queries' `#+` header: a rule that does not say what it derives is refused."""
    (fixture_tree / "rules/080_copy.rq").write_text(header + "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }\n",
                                                    encoding="utf-8")
    line = one_line_error(run_cli(fixture_tree, "build"))
    assert line == f"minekg: error: rules/080_copy.rq: {says}"


@pytest.mark.parametrize("quote", ["", "  "])
def test_an_empty_quote_is_said_in_one_short_line(fixture_tree, quote):
    edit(fixture_tree, BELARUS,
         'mk:quote "The Republic of Belarus acceded to the Mine Ban Treaty on 3 September 2003"',
         f'mk:quote "{quote}"')
    line = one_line_error(run_cli(fixture_tree, "build"))
    # The error names the line where the statement starts, as every curation error does.
    lines = (fixture_tree / BELARUS).read_text(encoding="utf-8").splitlines()
    at = next(n for n, text in enumerate(lines, 1) if text.startswith("s:belarus-2022-accession "))
    assert line == (f'minekg: error: {BELARUS}:{at}: s:belarus-2022-accession: empty quote (mk:quote "{quote}"): '
                    "quote the passage of graph_data/sources/001_468ac05468c00f4e.txt it rests on")


def test_a_quote_found_many_times_lists_a_few_offsets_not_all(fixture_tree):
    edit(fixture_tree, BELARUS,
         'mk:quote "The Republic of Belarus acceded to the Mine Ban Treaty on 3 September 2003"',
         'mk:quote "e"')
    line = one_line_error(run_cli(fixture_tree, "build"), "s:belarus-2022-accession", "times in")
    assert len(line) < 400 and ", …)" in line, line


def test_a_register_table_with_a_utf8_bom_is_named(fixture_tree, tmp_path):
    table = tmp_path / "bom.csv"
    table.write_bytes(b"\xef\xbb\xbf" + (fixture_tree / "graph_data/sources/mbt_status.csv").read_bytes())
    before = (fixture_tree / "graph_data/sources/mbt_status.csv").read_bytes()
    line = one_line_error(run_cli(fixture_tree, "import-register", str(table)))
    assert line == (f"minekg: error: {table}:1: the file starts with a UTF-8 BOM (byte order mark); "
                    "save it as UTF-8 without BOM")
    assert (fixture_tree / "graph_data/sources/mbt_status.csv").read_bytes() == before
