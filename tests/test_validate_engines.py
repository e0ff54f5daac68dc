"""The SPARQL engine (minekg/shacl_sparql.py, the default of `minekg validate`) against pySHACL, the reference:
the same results, as sorted (focus, path, shape, severity, message, value) tuples, on every shape case and
on a generated benchmark graph; an unsupported SHACL feature is a one-line error naming its shape; and
validation restricted to some focus nodes gives exactly the full results about them."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from bench.generate import generate
from bench.validate import union_graph
from minekg.build import shacl_data, shacl_sparql
from minekg.build.validation import load_shapes, report_graph, result_tuples, run_shacl
from minekg.errors import MinekgError
from minekg.project import Project
from minekg.rdf.loading import parse_turtle
from minekg.rdf.namespaces import MK
from tests.test_shapes import CASES, CONTEXT, load_case, with_states

ROOT = Path(__file__).resolve().parent.parent
MINEKG = ROOT / ".venv" / "bin" / "minekg"


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes(Project(ROOT))


@pytest.fixture(scope="module")
def base() -> Graph:
    """The ontology (so sh:targetClass follows rdfs:subClassOf) and the shape cases' context."""
    g = Graph()
    for path in sorted((ROOT / "ontology").glob("*.ttl")):
        g += parse_turtle(path, path.name)
    g += parse_turtle(CONTEXT, CONTEXT.name)
    return g


def both(data: Graph, shapes: Graph) -> tuple[list, list]:
    return (result_tuples(run_shacl(data, shapes, engine="pyshacl"), shapes),
            result_tuples(run_shacl(data, shapes, engine="sparql"), shapes))


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_engines_agree_on_shape_case(path: Path, base, shapes):
    data = Graph()
    data += base
    data += with_states(load_case(path).data)
    reference, fast = both(data, shapes)
    assert reference, f"{path.name}: the case makes pySHACL report something"
    assert fast == reference, (f"{path.name}:\nonly pySHACL: {sorted(set(reference) - set(fast))}\n"
                               f"only sparql: {sorted(set(fast) - set(reference))}")


def test_engines_agree_on_a_generated_benchmark_graph(built, tmp_path, shapes):
    nq = generate(built, 10_000, tmp_path / "base-10000.nq", seed=1).path
    reference = result_tuples(run_shacl(union_graph(nq), shapes, engine="pyshacl"), shapes)
    fast = result_tuples(report_graph(shacl_sparql.validate(shacl_data.data_from_nquads(nq), shapes)), shapes)
    assert reference, "the generated graph has findings to compare"
    assert fast == reference


def test_numbers_keep_their_written_datatype_and_form(shapes, base):
    # Oxigraph stores "18"^^xsd:nonNegativeInteger as "18"^^xsd:integer and "1.50" as "1.5": pySHACL sees
    # them as written, and so must the engine (a report count as written is fine; as stored it is not).
    text = (ROOT / "tests" / "shapes" / "transparency_report.ttl").read_text(encoding="utf-8")
    assert "nonNegativeInteger" in text
    data = Graph()
    data += base
    data += with_states(load_case(ROOT / "tests" / "shapes" / "transparency_report.ttl").data)
    reference, fast = both(data, shapes)
    assert fast == reference


UNSUPPORTED = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix mk: <https://w3id.org/minekg/ontology#> .
@prefix shape: <https://w3id.org/minekg/shapes#> .
shape:Unsupported_Shape a sh:NodeShape ; sh:targetClass mk:Statement ; sh:name "uses xone" ;
    sh:description "A shape using sh:xone, which the SPARQL engine does not compile." ;
    sh:severity sh:Violation ;
    sh:xone ( [ sh:path mk:date ; sh:minCount 1 ] [ sh:path mk:asOf ; sh:minCount 1 ] ) .
"""


def test_unsupported_feature_is_an_error_naming_the_shape(base):
    shapes = Graph().parse(data=UNSUPPORTED, format="turtle")
    with pytest.raises(MinekgError) as raised:
        run_shacl(base, shapes, engine="sparql")
    assert str(raised.value) == ("<https://w3id.org/minekg/shapes#Unsupported_Shape>: sh:xone is not supported "
                                 "by the fast engine: use --engine pyshacl")


def test_unsupported_feature_from_the_cli_is_one_line_and_pyshacl_still_runs(fixture_tree):
    (fixture_tree / "validate" / "shapes_zz_unsupported.ttl").write_text(UNSUPPORTED, encoding="utf-8")
    env = {**os.environ, "MINEKG_ROOT": str(fixture_tree)}
    done = subprocess.run([str(MINEKG), "validate"], cwd=fixture_tree, env=env, capture_output=True, text=True,
                          timeout=900)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == ("minekg: error: <https://w3id.org/minekg/shapes#Unsupported_Shape>: sh:xone is not "
                           "supported by the fast engine: use --engine pyshacl\n")
    reference = subprocess.run([str(MINEKG), "validate", "--engine", "pyshacl"], cwd=fixture_tree, env=env,
                               capture_output=True, text=True, timeout=900)
    assert reference.returncode in (0, 1), reference.stderr
    assert "Traceback" not in reference.stderr


def test_focus_restricted_to_one_documents_statements_is_the_subset_about_them(assembled, shapes):
    data = assembled.union()
    full = shacl_sparql.validate(data, shapes)
    files = sorted({assembled.origin.get(r.focus) for r in full if assembled.origin.get(r.focus)})
    assert len(files) > 1, "results about several files, so that restricting to one leaves some out"
    file = files[0]
    focus = [n for n, f in assembled.origin.items() if f == file and isinstance(n, URIRef)]
    restricted = shacl_sparql.validate(data, shapes, focus=focus)
    expected = [r for r in full if r.focus in set(focus)]
    assert restricted and len(restricted) < len(full)
    assert restricted == expected


def test_focus_may_be_blank_nodes_a_values_clause_cannot_hold(shapes):
    """One document's check validates its quantities and dates, which are blank nodes."""
    data = Graph()
    mine, other = BNode("mine"), BNode("other")
    for q in (mine, other):  # both break "non-negative value"
        data.add((q, RDF.type, MK.Quantity))
        data.add((q, MK.qualifier, MK.Exact))
        data.add((q, MK.value, Literal("-5", datatype=XSD.integer)))
    full = shacl_sparql.validate(data, shapes)
    assert {r.focus for r in full} == {mine, other}
    restricted = shacl_sparql.validate(data, shapes, focus=[mine])
    assert restricted == [r for r in full if r.focus == mine] != []
