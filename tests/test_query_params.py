"""`minekg query`: typed parameters bound as RDF terms (injection attempts rejected or inert), missing
and unknown parameters, output formats read back by independent parsers, --file and --sparql.

The probe queries in tests/queries/ are files like any named query; the CLI runs against a copy of the
repository whose build/ holds the freshly built dataset."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from pyld import jsonld
from rdflib import Graph as RdfGraph
from rdflib import Literal, URIRef
from rdflib import namespace as ns

from minekg import Graph
from minekg.cli.root import main
from minekg.project import Project
from minekg.query import catalogue as named
from tests.seed import seed_path

ROOT = Path(__file__).resolve().parent.parent
PROBES = Path(__file__).resolve().parent / "queries"
ARM = "https://w3id.org/minekg/id/state/ARM"
BLR = "https://w3id.org/minekg/id/state/BLR"


@pytest.fixture(scope="module")
def cli_root(tmp_path_factory, built) -> Path:
    root = tmp_path_factory.mktemp("cli-root")
    for name in ("ontology", "graph_data", "rules", "queries", "validate"):
        (root / name).symlink_to(seed_path(name))
    (root / "build").mkdir()
    shutil.copy(built, root / "build" / "minekg.nq")
    return root


def run(root: Path, *args: str):
    return CliRunner().invoke(main, ["query", *args], env={"MINEKG_ROOT": str(root)})


def probe(name: str) -> str:
    return str(PROBES / f"{name}.rq")


def assert_one_line_error(result, starts: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"minekg: error: {starts}"), lines[0]
    assert "Traceback" not in result.stderr


# ------------------------------------------------------------------ types


def test_every_type_is_bound_as_its_rdf_term(cli_root):
    result = run(cli_root, "--file", probe("probe_types"), "--format", "json", "--param", "day=2004-03-01",
                 "--param", "note=seen \"quoted\" {braces} <angles> # hash")
    assert result.exit_code == 0, result.stderr
    (row,) = json.loads(result.stdout)["results"]["bindings"]
    assert row["code"] == {"type": "uri", "value": ARM}
    assert row["iri"] == {"type": "uri", "value": ARM}  # st:ARM expanded with minekg's prefixes
    assert row["day"] == {"type": "literal", "value": "2004-03-01", "datatype": str(ns.XSD.date)}
    assert row["year"] == {"type": "literal", "value": "2019", "datatype": str(ns.XSD.gYear)}
    assert row["count"] == {"type": "literal", "value": "3", "datatype": str(ns.XSD.integer)}
    assert row["flag"] == {"type": "literal", "value": "true", "datatype": str(ns.XSD.boolean)}
    assert row["note"]["value"] == 'seen "quoted" {braces} <angles> # hash'


def test_lowercase_state_code_is_accepted(cli_root):
    result = run(cli_root, "--file", probe("probe_types"), "--format", "csv", "--param", "code=blr",
                 "--param", "iri=" + BLR)
    assert result.exit_code == 0, result.stderr
    assert list(csv.DictReader(io.StringIO(result.stdout)))[0]["code"] == BLR


BAD_VALUES = [
    ("code", "ARMX"),
    ("code", 'ARM" } ; DROP ALL ; #'),
    ("code", "ARM> } ; DROP ALL ; #"),
    ("iri", "<x> } "),
    ("iri", f"{ARM}> }} ; DROP ALL ; #"),
    ("iri", f'{ARM}" . ?s ?p ?o'),
    ("iri", "st:ARM> } UNION { ?s ?p ?o"),
    ("iri", "javascript:alert(1)"),
    ("iri", "not an iri"),
    ("day", "2019-02-30"),
    ("day", '2019-06-30" } ; DROP ALL ; #'),
    ("day", "30/06/2019"),
    ("year", "19"),
    ("year", '2019"^^<http://example.org/x>'),
    ("count", "3 } ; DROP ALL ; #"),
    ("count", "1.5"),
    ("flag", "yes"),
    ("note", 'x\\u0022) } ASK { ("'),  # a \u escape, which rdflib and Oxigraph read differently
    ("note", "nul\x00byte"),
]


@pytest.mark.parametrize(("param", "value"), BAD_VALUES, ids=[f"{p}={v!r}" for p, v in BAD_VALUES])
def test_bad_or_hostile_values_are_rejected_naming_the_parameter(cli_root, param, value):
    result = run(cli_root, "--file", probe("probe_types"), "--param", f"{param}={value}")
    assert_one_line_error(result, f"parameter {param}:")


# ------------------------------------------------------------------ injection: inert when it is valid text

BREAKOUTS = [
    'Nowhere") ("Armenia',  # would add an Armenia row to the VALUES block if pasted in
    'ARM" } ; DROP ALL ; #',
    'Armenia" } UNION { ?state a ?t } #',
    "Armenia' } UNION { ?state a ?t } #",
    'Armenia"\n} #',
    'x""") ("Armenia',
    "Armenia\\",
]


@pytest.mark.parametrize("store", ["oxigraph", "memory"])
def test_the_probe_finds_a_plain_value(cli_root, store):
    # The control: the same query does return a row for an honest value.
    result = run(cli_root, "--file", probe("probe_string"), "--store", store, "--format", "csv",
                 "--param", "label=Armenia")
    assert result.exit_code == 0, result.stderr
    assert [r["state"] for r in csv.DictReader(io.StringIO(result.stdout))] == [ARM]


@pytest.mark.parametrize("store", ["oxigraph", "memory"])
@pytest.mark.parametrize("payload", BREAKOUTS, ids=[repr(p) for p in BREAKOUTS])
def test_string_breakouts_stay_one_inert_literal(cli_root, store, payload):
    result = run(cli_root, "--file", probe("probe_string"), "--store", store, "--format", "json",
                 "--param", f"label={payload}")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["results"]["bindings"] == []


def test_string_breakouts_are_inert_on_an_endpoint(cli_root, oxigraph_server, endpoint_graph):
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    before = endpoint_graph.sparql(count).rows
    for payload in BREAKOUTS:
        result = run(cli_root, "--file", probe("probe_string"), "--endpoint", oxigraph_server.query_url,
                     "--format", "json", "--param", f"label={payload}")
        assert result.exit_code == 0, result.stderr
        assert json.loads(result.stdout)["results"]["bindings"] == [], payload
    assert endpoint_graph.sparql(count).rows == before
    assert int(before[0][0]) > 0


# ------------------------------------------------------------------ missing and unknown


def test_unknown_parameter(cli_root):
    assert_one_line_error(run(cli_root, "--file", probe("probe_string"), "--param", "nosuch=1"),
                          "parameter nosuch: not a parameter")


def test_parameter_without_value(cli_root):
    assert_one_line_error(run(cli_root, "--file", probe("probe_string"), "--param", "label"), "parameter 'label'")


def test_missing_required_parameter(cli_root):
    assert_one_line_error(run(cli_root, "--file", probe("probe_required")), "parameter code: missing")
    ok = run(cli_root, "--file", probe("probe_required"), "--param", "code=ARM", "--format", "csv")
    assert ok.exit_code == 0 and "Armenia" in ok.stdout


def test_unknown_named_query(cli_root):
    assert_one_line_error(run(cli_root, "no_such_query"), "query 'no_such_query' not found")


def test_params_need_a_query_that_declares_them(cli_root):
    assert_one_line_error(run(cli_root, "--sparql", "ASK {}", "--param", "x=1"), "--param needs")


# ------------------------------------------------------------------ formats


def test_table(cli_root):
    result = run(cli_root, "--file", probe("probe_string"))
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["state", "label"]
    assert lines[2].split() == ["st:ARM", "Armenia"]
    assert lines[-1] == "(1 row)"


@pytest.mark.parametrize(("fmt", "delimiter"), [("csv", ","), ("tsv", "\t")])
def test_csv_and_tsv(cli_root, fmt, delimiter):
    result = run(cli_root, "--file", probe("probe_types"), "--format", fmt)
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout), delimiter=delimiter))
    assert rows == [{"code": ARM, "iri": ARM, "name": "Armenia", "day": "2019-06-30", "year": "2019",
                     "count": "3", "flag": "true", "note": ""}]


def test_sparql_json_results(cli_root):
    result = run(cli_root, "--file", probe("probe_types"), "--format", "json")
    doc = json.loads(result.stdout)
    assert doc["head"]["vars"] == ["code", "iri", "name", "day", "year", "count", "flag", "note"]
    (row,) = doc["results"]["bindings"]
    assert "note" not in row  # unbound variables are left out, as SPARQL 1.1 JSON results say
    assert row["name"] == {"type": "literal", "value": "Armenia", "xml:lang": "en"}


def test_ask_as_table_and_json(cli_root):
    ask = "ASK { ?s a <https://w3id.org/minekg/ontology#State> }"
    assert run(cli_root, "--sparql", ask).stdout == "true\n"
    assert json.loads(run(cli_root, "--sparql", ask, "--format", "json").stdout) == {"head": {}, "boolean": True}


def _expected_construct() -> set:
    return {(URIRef(BLR), ns.RDFS.label, Literal("Belarus", lang="en")),
            (URIRef(BLR), URIRef("https://w3id.org/minekg/ontology#isoAlpha3"), Literal("BLR"))}


def test_construct_as_turtle(cli_root):
    result = run(cli_root, "--file", probe("probe_construct"))  # turtle is the default for CONSTRUCT
    assert result.exit_code == 0, result.stderr
    assert set(RdfGraph().parse(data=result.stdout, format="turtle")) == _expected_construct()


def test_construct_as_ntriples_read_by_oxigraph(cli_root):
    result = run(cli_root, "--file", probe("probe_construct"), "--format", "ntriples")
    triples = {(t.subject.value, t.predicate.value, t.object.value)
               for t in ox.parse(result.stdout.encode(), format=ox.RdfFormat.N_TRIPLES)}
    assert triples == {(str(s), str(p), str(o)) for s, p, o in _expected_construct()}


def test_construct_as_jsonld_read_by_pyld(cli_root):
    result = run(cli_root, "--file", probe("probe_construct"), "--format", "jsonld", "--param", "code=ARM")
    quads = jsonld.to_rdf(json.loads(result.stdout), {"format": "application/n-quads"})
    assert f'<{ARM}> <{ns.RDFS.label}> "Armenia"@en .' in quads.splitlines()
    assert BLR not in quads


@pytest.mark.parametrize(("alias", "name"), [("ttl", "turtle"), ("nt", "ntriples"), ("n-triples", "ntriples"),
                                             ("json-ld", "jsonld"), ("TTL", "turtle")])
def test_the_registry_s_other_names_give_the_same_output(cli_root, alias, name):
    """--format takes a format's other names from the one registry (minekg/formats.py), as the endpoint's
    ?format= and the export do."""
    by_alias = run(cli_root, "--file", probe("probe_construct"), "--format", alias)
    assert by_alias.exit_code == 0, by_alias.stderr
    assert by_alias.stdout == run(cli_root, "--file", probe("probe_construct"), "--format", name).stdout != ""


def test_format_that_does_not_fit_the_query_form(cli_root):
    assert_one_line_error(run(cli_root, "--file", probe("probe_construct"), "--format", "csv"), "format 'csv'")
    assert_one_line_error(run(cli_root, "--file", probe("probe_string"), "--format", "turtle"), "format 'turtle'")
    assert_one_line_error(run(cli_root, "--file", probe("probe_string"), "--format", "yaml"), "format 'yaml'")


# ------------------------------------------------------------------ query sources


def test_named_query_by_number_runs_with_its_defaults(cli_root):
    first = named.catalog(Project(ROOT))[0]
    result = run(cli_root, first.number, "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert "head" in json.loads(result.stdout)


def test_ad_hoc_sparql(cli_root):
    text = f"SELECT ?code WHERE {{ <{ARM}> <https://w3id.org/minekg/ontology#isoAlpha3> ?code }}"
    result = run(cli_root, "--sparql", text, "--format", "csv", "--store", "memory")
    assert result.stdout.splitlines() == ["code", "ARM"]


def test_sparql_syntax_error(cli_root):
    assert_one_line_error(run(cli_root, "--sparql", "SELECT ?x WHERE { ?x ?y }"), "SPARQL syntax error")


def test_missing_query_file(cli_root):
    assert_one_line_error(run(cli_root, "--file", str(PROBES / "absent.rq")), f"{PROBES / 'absent.rq'}: file not found")


def test_exactly_one_query_source(cli_root):
    assert_one_line_error(run(cli_root), "give exactly one of")
    assert_one_line_error(run(cli_root, "001", "--sparql", "ASK {}"), "give exactly one of")


# ------------------------------------------------------------------ Python API


def test_python_api_rows_as_dicts(built):
    with Graph.open(path=built, project=Project(ROOT)) as g:
        text = named.bind(named.load_query(PROBES / "probe_string.rq"), {"label": "Belarus"})
        assert g.sparql(text).dicts() == [{"state": BLR, "label": "Belarus"}]
        first = g.queries()[0]
        result = g.query(first.name)
        assert all(set(d) == set(result.variables) for d in result.dicts())
