"""The 10^7 benchmark's paths (bench/scale.py) at a small size: the generator writing one replica at a time
stays deterministic and never puts a triple in two graphs; the embedded store on disk derives and answers
every named query as the store in memory does; validation with its store on disk gives the same results.
(The 10^7 figures themselves are in bench/results.md: speed is measured there, not asserted here.)"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest

from bench import queries_bench
from bench.generate import generate, load_template
from minekg.build import shacl_data, shacl_sparql
from minekg.build.validation import load_shapes, report_graph, result_tuples
from minekg.project import Project

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def small(built, tmp_path_factory) -> Path:
    return generate(built, 10_000, tmp_path_factory.mktemp("scale") / "base-10000.nq", seed=1).path


def test_generator_streams_replicas_deterministically_and_keeps_each_triple_in_one_graph(built, tmp_path):
    # Large enough that every template document is replicated more than once: a triple two replicas of
    # one document could share is what the generator must still write once.
    first = generate(built, 60_000, tmp_path / "a.nq", seed=1)
    second = generate(built, 60_000, tmp_path / "b.nq", seed=1)
    assert first.documents > len(load_template(built).documents)
    assert first.path.read_bytes() == second.path.read_bytes()
    quads = list(ox.parse(path=str(first.path), format=ox.RdfFormat.N_QUADS))
    assert len(quads) == first.quads
    graphs_of = Counter((q.subject, q.predicate, q.object) for q in quads)
    twice = [t for t, n in graphs_of.items() if n > 1]
    assert not twice, f"{len(twice)} triples in two graphs, e.g. {twice[:3]}"
    assert not (tmp_path / "a.nq.part").exists()


def test_embedded_store_on_disk_derives_and_answers_as_in_memory(small, tmp_path):
    memory = queries_bench._run_worker("oxigraph", small, tmp_path / "full-memory.nq", None, set())
    disk = queries_bench._run_worker("disk", small, tmp_path / "full-disk.nq", None, set())
    assert "error" not in disk, disk.get("error")
    assert queries_bench.disk_location(tmp_path / "full-disk.nq").is_dir()
    assert disk["derived"] == memory["derived"] > 0
    assert disk["triples"] == memory["triples"]
    assert set(disk["queries"]) == set(memory["queries"])
    for name, q in disk["queries"].items():
        assert q["status"] == "ok", f"{name}: {q}"
        assert q["digest"] == memory["queries"][name]["digest"], f"{name}: the disk store answers differently"


def test_validation_with_its_store_on_disk_gives_the_same_results(small, tmp_path):
    shapes = load_shapes(Project(ROOT))

    def results(location: Path | None) -> list:
        data = shacl_data.data_from_nquads(small, location)
        return result_tuples(report_graph(shacl_sparql.validate(data, shapes)), shapes)

    in_memory = results(None)
    on_disk = results(tmp_path / "store")
    assert in_memory, "the generated graph has findings to compare"
    assert on_disk == in_memory
    assert any((tmp_path / "store").iterdir()), "the store was written on disk"
