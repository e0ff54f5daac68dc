"""Sentence coverage: every factual sentence of every document is overlapped by a quote, or excluded with a reason."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from click.testing import CliRunner

from minekg.build.coverage import coverage, sentences
from minekg.cli.root import main


def cli(tree: Path | None, *args: str):
    env = {"MINEKG_ROOT": str(tree)} if tree else {}
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def test_all_five_documents_fully_covered(assembled):
    results = {r.document: r for r in coverage(assembled)}
    assert set(results) >= {"doc:russia-2012", "doc:belarus-2022", "doc:armenia-2023", "doc:kazakhstan-2019",
                            "doc:news-2025-russia-ukraine-landmines"}
    for r in results.values():
        assert r.uncovered == [], (r.document, [s.text for s in r.uncovered])
        assert r.coverage == 1.0 and r.unused_exclusions == []
        assert r.covered > 10


def test_every_exclusion_has_a_reason(project):
    for path in project.exclusions.glob("*.yaml"):
        for entry in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            assert str(entry["reason"]).strip(), (path.name, entry)


def test_json_format_for_tooling():
    out = cli(None, "coverage", "--format", "json")
    assert out.exit_code == 0
    doc = json.loads(out.output)["documents"][0]
    assert set(doc) >= {"document", "sentences", "covered", "excluded", "coverage", "uncovered"}
    assert doc["coverage"] == round(doc["covered"] / (doc["sentences"] - doc["excluded"]), 4)


def test_a_sentence_losing_its_quote_is_reported_uncovered(fixture_tree):
    path = fixture_tree / "graph_data/statements/kazakhstan-2019.ttl"
    text = path.read_text(encoding="utf-8")
    sentence = "Kazakhstan has stated that it is not a producer of antipersonnel mines."
    start = text.index(sentence[:40])
    statement_start = text.rfind("\ns:", 0, start) + 1
    statement_end = text.index(" .\n", start) + 3
    path.write_text(text[:statement_start] + text[statement_end:], encoding="utf-8")
    out = cli(fixture_tree, "coverage", "--format", "json")
    kaz = next(d for d in json.loads(out.output)["documents"] if d["document"] == "doc:kazakhstan-2019")
    assert kaz["coverage"] < 1.0
    assert any(u["text"].startswith("Kazakhstan has stated that it is not a producer") for u in kaz["uncovered"])
    table = cli(fixture_tree, "coverage").output
    assert "uncovered doc:kazakhstan-2019" in table


def test_footnote_markers_stay_with_their_sentence():
    text = "First sentence here.[1] Second one.\n[1] A footnote. Its second sentence."
    found = [s.text for s in sentences(text)]
    assert found == ["First sentence here.[1]", "Second one.", "[1] A footnote.", "Its second sentence."]
