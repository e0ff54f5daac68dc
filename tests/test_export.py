"""`minekg export`: every format round-trips into an isomorphic graph and passes independent parsers
(rapper, serdi, pyld), the dataset description and SHA256SUMS are true, the same build gives the same
bytes, and bad input fails in one line with nothing left behind.

Exports are made from the marked tree at profile RED (the repository's data plus the fixtures of
tests/fixtures/markings, with names in Ukrainian, Russian and Azerbaijani), so nothing is withheld.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pyld import jsonld
from pyld.documentloader.file import FileDocumentLoader
from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, SKOS, XSD

from minekg import __version__, resources
from minekg.build.assembled import ONTOLOGY_GRAPH
from minekg.build.checks import _superclasses
from minekg.project import Project
from minekg.rdf.loading import parse_turtle
from minekg.rdf.namespaces import MK, ST, shorten
from minekg.release.export import FORMATS, export
from minekg.release.export_jsonld import context_from_ontology, project_context
from minekg.release.markings import profiles, read_nquads, release
from tests.export_support import ROOT, assert_isomorphic, build_marked, dataset_of, rapper, serdi, union

MINEKG = str(ROOT / ".venv" / "bin" / "minekg")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
VOID = Namespace("http://rdfs.org/ns/void#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
RDF_FORMATS = ["turtle", "ntriples", "nquads", "trig", "rdfxml", "jsonld"]
EXPORT_SCRIPT = """
import sys
from pathlib import Path
from minekg.release.export import FORMATS, export
from minekg.project import Project
project = Project(Path(sys.argv[1]))
for fmt in FORMATS:
    export(fmt, Path(sys.argv[2]) / fmt, profile="RED", project=project)
"""


@pytest.fixture(scope="module")
def marked(tmp_path_factory):
    return build_marked(tmp_path_factory)


@pytest.fixture(scope="module")
def small(marked, tmp_path_factory) -> Path:
    """A tree whose build holds only the ontology graph: for the command-line tests, where what matters is
    how the exporter behaves, not how much it writes."""
    root = tmp_path_factory.mktemp("small")
    for name in ("rules",):
        shutil.copytree(marked[0].root / name, root / name)
    (root / "build").mkdir()
    lines = marked[1].read_text(encoding="utf-8").splitlines(keepends=True)
    (root / "build" / "minekg.nq").write_text("".join(x for x in lines if x.endswith(f"<{ONTOLOGY_GRAPH}> .\n")),
                                            encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def red(marked):
    """The RED release of the marked tree: everything."""
    project, nquads = marked
    quads = read_nquads(nquads)
    known = profiles(quads)
    return release(quads, known["RED"], known, project)


@pytest.fixture(scope="module")
def exported(marked, tmp_path_factory) -> dict[str, Path]:
    """format -> export folder, through the library's export() (as the command line calls it)."""
    project, _nquads = marked
    base = tmp_path_factory.mktemp("exports")
    return {fmt: export(fmt, base / fmt, profile="RED", project=project).out for fmt in FORMATS}


def files_of(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def pyld_graph(folder: Path, name: str) -> Graph:
    """The JSON-LD file as pyld expands it (its context served from the export folder, no network)."""
    loader = FileDocumentLoader(root=folder)
    doc = json.loads((folder / name).read_text(encoding="utf-8"))
    options = {"documentLoader": loader, "base": (folder / name).as_uri()}
    expanded = jsonld.expand(doc, options)
    assert expanded, "pyld expanded nothing"
    nquads = jsonld.to_rdf(expanded, {**options, "format": "application/n-quads"})
    return union(Dataset().parse(data=nquads, format="nquads").quads())


# ------------------------------------------------------------------ round trips and independent parsers


@pytest.fixture(scope="module")
def parsed(exported) -> dict[str, tuple[Graph, Dataset | None]]:
    """format -> (union graph, dataset for the named-graph formats), each export parsed back once: by
    rdflib, and for JSON-LD by pyld's expansion."""
    out: dict[str, tuple[Graph, Dataset | None]] = {}
    for fmt in RDF_FORMATS:
        path = exported[fmt] / FORMATS[fmt].file
        if fmt in ("nquads", "trig"):
            ds = Dataset()
            ds.parse(path, format=fmt)
            out[fmt] = (union(ds.quads()), ds)
        elif fmt == "jsonld":
            out[fmt] = (pyld_graph(exported[fmt], path.name), None)
        else:
            syntax = {"turtle": "turtle", "ntriples": "nt", "rdfxml": "xml"}[fmt]
            out[fmt] = (Graph().parse(path, format=syntax), None)
    return out


@pytest.mark.parametrize("fmt", RDF_FORMATS)
def test_round_trip_is_isomorphic_and_independent_parsers_agree(exported, parsed, red, fmt):
    path = exported[fmt] / FORMATS[fmt].file
    back, back_dataset = parsed[fmt]
    expected = union(red.quads)
    n = len(expected)
    assert_isomorphic(back, expected, fmt)
    if back_dataset is not None:  # named graphs keep each source's statements apart
        want = dataset_of(red.quads)
        names = {str(g.identifier) for g in back_dataset.graphs() if len(g)}
        assert names == {g for *_t, g in red.quads}, "named graphs differ"
        for name in sorted(names):
            assert_isomorphic(back_dataset.graph(URIRef(name)), want.graph(URIRef(name)), f"{fmt} {name}")
        assert serdi(path, fmt) == len(set(red.quads))
    if fmt in ("turtle", "ntriples", "rdfxml"):
        assert rapper(path, {"turtle": "turtle", "ntriples": "ntriples", "rdfxml": "rdfxml"}[fmt]) == n
    if fmt in ("turtle", "ntriples"):
        assert serdi(path, fmt) == n


@pytest.mark.parametrize("fmt", RDF_FORMATS)
def test_literals_language_tags_partial_dates_and_non_ascii_names_survive(parsed, fmt):
    g = parsed[fmt][0]
    assert (ST.UKR, SKOS.altLabel, Literal("Україна", lang="uk")) in g
    assert (ST.RUS, SKOS.altLabel, Literal("Россия", lang="ru")) in g
    assert (ST.AZE, SKOS.altLabel, Literal("Azərbaycan Respublikası", lang="az")) in g
    person = URIRef("https://w3id.org/minekg/id/person/maria-zakharova")
    assert (person, SKOS.altLabel, Literal("Мария Владимировна Захарова", lang="ru")) in g
    datatypes = {o.datatype for o in g.objects() if isinstance(o, Literal)}
    assert {XSD.gYear, XSD.gYearMonth, XSD.date, XSD.nonNegativeInteger, XSD.boolean} <= datatypes
    assert (None, MK.end, Literal("2020-11", datatype=XSD.gYearMonth)) in g  # never completed to a day


def test_description_and_support_files_pass_rapper_and_serdi(exported):
    for fmt, folder in exported.items():
        assert rapper(folder / "description.ttl", "turtle") > 20, fmt
        assert serdi(folder / "description.ttl", "turtle") > 20, fmt


def test_unmarked_build_exports_itself_byte_for_byte(built, project, tmp_path):
    """Nothing marked in the real data: the CLEAR N-Quads export is the build, byte for byte."""
    out = export("nquads", tmp_path / "nq", profile="CLEAR", project=project, nquads=built).out
    assert (out / "minekg.nq").read_bytes() == built.read_bytes()


# ------------------------------------------------------------------ JSON-LD shape


def test_context_file_is_generated_from_the_ontology(project):
    shipped = json.loads(resources.asset("export", "context.jsonld").read_text(encoding="utf-8"))
    assert shipped == project_context(project), \
        "minekg/assets/export/context.jsonld is stale: regenerate it with " \
        "`.venv/bin/python -m minekg.release.export_jsonld`"


def test_context_gives_every_ontology_term_a_short_key(project):
    ontology = Graph()
    for path in sorted(project.ontology.glob("*.ttl")):
        ontology += parse_turtle(path)
    ctx = context_from_ontology(ontology)["@context"]
    assert ctx["@vocab"] == str(MK)
    for prop in ontology.subjects(RDF.type, URIRef("http://www.w3.org/2002/07/owl#ObjectProperty")):
        if str(prop).startswith(str(MK)):
            local = str(prop)[len(str(MK)):]
            assert ctx[local]["@id"] == f"mk:{local}" and ctx[local]["@type"] in ("@id", "@vocab"), local


def test_jsonld_statement_is_one_object_with_attribution_and_evidence_nested(exported):
    doc = json.loads((exported["jsonld"] / "minekg.jsonld").read_text(encoding="utf-8"))
    assert doc["@context"] == "context.jsonld"
    nodes = {n["@id"]: n for n in doc["@graph"] if "@id" in n}
    s = nodes["s:armenia-2023-arm-denies-use-2020"]
    # its curated kind, and the membership rules/000_class_membership.rq derives
    assert sorted(s["@type"]) == ["Denial", "Statement"]
    assert s["assertedBy"] == "st:ARM" and s["assertedOn"] == {"@type": "xsd:gYearMonth", "@value": "2021-06"}
    assert s["respondsTo"] == "s:armenia-2023-aze-alleges-use-2020"
    evidence = s["evidence"] if isinstance(s["evidence"], list) else [s["evidence"]]
    assert evidence[0]["source"] == "doc:armenia-2023"
    assert "denied using antipersonnel mines" in evidence[0]["quote"]
    assert isinstance(evidence[0]["startOffset"], str) and evidence[0]["footnote"].startswith("fn:")
    # Evidence is nested, never repeated at the top level; things are referenced, never copied in.
    assert not [n for n in doc["@graph"] if n.get("@type") == "Evidence"]
    assert not [n for n in doc["@graph"] if n.get("@type") in ("Quantity", "Interval", "BreakdownItem")]
    assert nodes["st:ARM"]["label"] == {"@language": "en", "@value": "Armenia"}
    use = nodes["s:armenia-2023-use-2020"]
    assert use["period"]["@type"] == "Interval" and use["period"]["start"]["@value"] == "2020-09"


# ------------------------------------------------------------------ CSV


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    data = path.read_bytes()
    assert data.endswith(b"\r\n") and b"\xef\xbb\xbf" not in data[:3]
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    return rows[0], [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def test_csv_has_a_table_for_every_statement_kind_and_every_statement_in_it(exported, red):
    folder = exported["csv"]
    kinds = {}
    for path in sorted(resources.sparql("export").glob("*.rq")):
        header = next(line for line in path.read_text().splitlines() if line.startswith("#+ kind:"))
        kind = header.split(":", 1)[1]
        kinds[kind.strip()] = path.stem
    ontology = Graph()
    for s, p, o, g in red.quads:
        if g == ONTOLOGY_GRAPH:
            ontology.add((s, p, o))
    sup = _superclasses(ontology)
    concrete = {c for c, ups in sup.items() if MK.Statement in ups and c not in (MK.Statement, MK.SpeechAct)}
    assert {shorten(str(c)) for c in concrete} <= set(kinds), "a statement kind has no table in minekg/sparql/export"
    graph = union(red.quads)
    for cls in sorted(concrete):
        _header, rows = read_csv(folder / "tables" / f"{kinds[shorten(str(cls))]}.csv")
        listed = {r["statement"] for r in rows}
        for s in graph.subjects(RDF.type, cls):
            assert shorten(str(s)) in listed, f"{shorten(str(s))} missing from {kinds[shorten(str(cls))]}.csv"
        # One row per (statement, evidence): as many rows as the statement has evidence (at least one).
        for s in graph.subjects(RDF.type, cls):
            n = len([r for r in rows if r["statement"] == shorten(str(s))])
            assert n == max(1, len(set(graph.objects(s, MK.evidence))))


def test_csv_provenance_columns_point_at_the_quote_in_its_source(exported, marked, red):
    header, rows = read_csv(exported["csv"] / "tables" / "allegations.csv")
    for col in ("asserted_by", "document", "quote", "start_offset", "end_offset", "confidence"):
        assert col in header
    graph = union(red.quads)
    checked = 0
    for r in rows:
        if not r["quote"] or not r["start_offset"]:
            continue
        doc = URIRef(r["document"].replace("doc:", "https://w3id.org/minekg/id/document/"))
        source = graph.value(doc, MK.sourceFile)
        text = (marked[0].graph_data / str(source)).read_text(encoding="utf-8")
        assert text[int(r["start_offset"]):int(r["end_offset"])] == r["quote"]
        checked += 1
    assert checked >= 10
    _h, actions = read_csv(exported["csv"] / "tables" / "treaty_actions.csv")
    assert {r["action_type"] for r in actions} >= {"mk:Accession", "mk:Signature"}


def test_csv_readme_documents_every_table_and_column(exported):
    readme = (exported["csv"] / "README.md").read_text(encoding="utf-8")
    assert "TLP:RED" in readme and __version__ in readme and "{" not in readme
    for path in sorted((exported["csv"] / "tables").glob("*.csv")):
        header, _rows = read_csv(path)
        assert f"`{path.name}`" in readme
        for col in header:
            assert f"| `{col}` |" in readme, f"{path.name}: column {col} undocumented"


# ------------------------------------------------------------------ description and checksums


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_description_is_true_of_the_files(exported, red, fmt):
    folder = exported[fmt].resolve()
    description = folder / "description.ttl"
    g = Graph().parse(description, format="turtle", publicID=description.as_uri())
    dataset = URIRef(f"https://w3id.org/minekg/dataset/{__version__}/red")
    assert (dataset, RDF.type, DCAT.Dataset) in g and (dataset, RDF.type, VOID.Dataset) in g
    assert g.value(dataset, DCAT.version) == Literal(__version__)
    assert g.value(dataset, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert g.value(dataset, DCTERMS.publisher) is not None and g.value(dataset, DCTERMS.title) is not None
    # Issued and modified: the latest source date (the RED fixture's, at RED), not the clock.
    assert g.value(dataset, DCTERMS.issued) == Literal("2030-01-15", datatype=XSD.date)
    assert int(g.value(dataset, VOID.triples)) == len(union(red.quads))
    assert URIRef(str(MK)) in set(g.objects(dataset, VOID.vocabulary))
    assert len(set(g.objects(dataset, VOID.exampleResource))) >= 3
    assert g.value(dataset, VOID.sparqlEndpoint) is None  # only when --endpoint is given
    files = files_of(folder)
    distributions = set(g.objects(dataset, DCAT.distribution))
    base = folder.as_uri() + "/"  # files are named relative to the description
    assert {str(d).removeprefix(base) for d in distributions} == set(files) - {description.name, "SHA256SUMS"}
    for dist in distributions:
        name = str(dist).removeprefix(base)
        assert (dist, DCAT.downloadURL, dist) in g
        assert int(g.value(dist, DCAT.byteSize)) == len(files[name])
        checksum = g.value(dist, SPDX.checksum)
        assert str(g.value(checksum, SPDX.checksumValue)) == hashlib.sha256(files[name]).hexdigest()
        assert str(g.value(dist, DCAT.mediaType)).startswith("https://www.iana.org/assignments/media-types/")
    # SHA256SUMS, checked by coreutils' sha256sum itself.
    done = subprocess.run(["sha256sum", "--strict", "-c", "SHA256SUMS"], cwd=folder, capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert len(done.stdout.splitlines()) == len(files) - 1


def test_endpoint_is_named_only_when_given(small, tmp_path):
    out = export("nquads", tmp_path / "e", profile="RED", project=Project(small),
                 endpoint="https://partner.example/sparql").out
    g = Graph().parse(out / "description.ttl", format="turtle")
    assert (None, VOID.sparqlEndpoint, URIRef("https://partner.example/sparql")) in g


def test_media_types(exported):
    expected = {"turtle": "text/turtle", "ntriples": "application/n-triples", "nquads": "application/n-quads",
                "trig": "application/trig", "rdfxml": "application/rdf+xml", "jsonld": "application/ld+json",
                "csv": "text/markdown"}
    for fmt, media in expected.items():
        g = Graph().parse(exported[fmt] / "description.ttl", format="turtle")
        distributions = g.subjects(RDF.type, DCAT.Distribution)
        main = [d for d in distributions if str(d).endswith("/" + FORMATS[fmt].file)]
        assert str(g.value(main[0], DCAT.mediaType)).endswith("/" + media)


# ------------------------------------------------------------------ determinism


def test_same_build_gives_byte_identical_exports(marked, exported, tmp_path):
    """A second export in another process, with another hash seed, gives the same bytes in every format."""
    project, _nq = marked
    env = {**os.environ, "PYTHONHASHSEED": "4242"}
    done = subprocess.run([sys.executable, "-c", EXPORT_SCRIPT, str(project.root), str(tmp_path)],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    for fmt, folder in exported.items():
        first, second = files_of(folder), files_of(tmp_path / fmt)
        assert first.keys() == second.keys(), fmt
        for name in first:
            assert first[name] == second[name], f"{fmt}/{name} differs between two exports of the same build"


# ------------------------------------------------------------------ command line and bad input


def run_cli(args: list[str], root: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "MINEKG_ROOT": str(root)}
    return subprocess.run([MINEKG, *args], capture_output=True, text=True, env=env, timeout=300)


def assert_one_line_error(done: subprocess.CompletedProcess, *words: str) -> None:
    assert done.returncode == 2, (done.returncode, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("minekg: error: "), done.stderr
    assert "Traceback" not in done.stderr
    for word in words:
        assert word in lines[0], lines[0]


def leftovers(parent: Path) -> list[str]:
    """Temporary or replaced folders an export left beside its target (none, if the parent is gone)."""
    if not parent.exists():
        return []
    return sorted(p.name for p in parent.iterdir() if ".tmp-" in p.name or ".old-" in p.name)


def test_cli_exports(small, tmp_path):
    out = tmp_path / "x"
    done = run_cli(["export", "--format", "ttl", "--out", str(out), "--profile", "amber"], small)
    assert done.returncode == 0, done.stderr
    assert "as turtle at TLP:AMBER" in done.stdout
    assert sorted(p.name for p in out.iterdir()) == ["SHA256SUMS", "description.ttl", "minekg.ttl"]


@pytest.mark.parametrize("args,words", [
    (["--format", "yaml"], ["unknown format 'yaml'", "turtle"]),
    (["--format", "turtle", "--profile", "YELLOW"], ["unknown profile 'YELLOW'", "AMBER"]),
    (["--format", "turtle", "--endpoint", "ftp://x"], ["not an http(s) URL"]),
])
def test_bad_format_profile_or_endpoint(small, tmp_path, args, words):
    done = run_cli(["export", "--out", str(tmp_path / "out"), *args], small)
    assert_one_line_error(done, *words)
    assert not (tmp_path / "out").exists() and leftovers(tmp_path) == []


def test_non_empty_folder_needs_force_and_force_replaces_only_an_export(small, tmp_path):
    root = small
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("a partner's own file\n")
    done = run_cli(["export", "--format", "nt", "--out", str(out)], root)
    assert_one_line_error(done, "not empty", "--force")
    assert_one_line_error(run_cli(["export", "--format", "nt", "--out", str(out), "--force"], root),
                          "not a minekg export")
    assert [p.name for p in out.iterdir()] == ["notes.txt"]
    shutil.rmtree(out)
    assert run_cli(["export", "--format", "nt", "--out", str(out)], root).returncode == 0
    (out / "stale.txt").write_text("left from before\n")
    assert run_cli(["export", "--format", "nq", "--out", str(out), "--force"], root).returncode == 0
    assert sorted(p.name for p in out.iterdir()) == ["SHA256SUMS", "description.ttl", "minekg.nq"]
    assert leftovers(tmp_path) == []


def test_unwritable_or_file_target(small, tmp_path):
    root = small
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder\n")
    assert_one_line_error(run_cli(["export", "--format", "nt", "--out", str(blocker)], root), "not a folder")
    assert_one_line_error(run_cli(["export", "--format", "nt", "--out", str(blocker / "sub")], root),
                          "cannot write")
    assert blocker.read_text() == "not a folder\n" and leftovers(tmp_path) == []


def test_failure_midway_leaves_nothing_behind(small, tmp_path):
    """A table query that fails while the export is being made: no folder, no temporary folder. The tables
    are package data, so the broken one is in a copy of the package the command runs from."""
    package = tmp_path / "package"
    shutil.copytree(ROOT / "minekg", package / "minekg", ignore=shutil.ignore_patterns("__pycache__"))
    votes = package / "minekg" / "sparql" / "export" / "votes.rq"
    votes.write_text(votes.read_text().replace("WHERE {", "WHERE {{", 1))
    out = tmp_path / "exports" / "csv"
    out.parent.mkdir()
    env = {**os.environ, "MINEKG_ROOT": str(small), "PYTHONPATH": str(package)}
    done = subprocess.run([sys.executable, "-c", "from minekg.cli.root import main; main()", "export", "--format",
                           "csv", "--out", str(out)], capture_output=True, text=True, env=env, timeout=300,
                          cwd=tmp_path)  # not the checkout: `python -c` puts the current directory first on the path
    assert_one_line_error(done, "minekg/sparql/export/votes.rq", "SPARQL syntax error")
    assert not out.exists() and leftovers(tmp_path / "exports") == []
