"""Sharper curation errors: why a quote was not found, an entity described in two files, partial coverage."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from minekg.build.assemble import assemble
from minekg.cli.root import main
from minekg.curation.diagnose import near
from minekg.project import Project

KAZ = "graph_data/statements/kazakhstan-2019.ttl"
KAZ_TEXT = "graph_data/sources/003_6e55b677930c3a7a.txt"


def edit(tree: Path, old: str, new: str, rel: str = KAZ) -> None:
    path = tree / rel
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def cli(tree: Path, *args: str):
    return CliRunner().invoke(main, list(args), env={"MINEKG_ROOT": str(tree)})


def problems(tree: Path) -> dict[str, str]:
    return {p.statement: p.message for p in assemble(Project(tree), derive=False).quote_problems}


def test_a_quote_not_found_names_the_first_difference_and_its_likely_cause(fixture_tree):
    edit(fixture_tree, "treaty’s humanitarian objectives", "treaty's humanitarian objectives")
    edit(fixture_tree, 'mk:quote "Kazakhstan has not been a regular participant in landmine meetings in the past, '
         'attending as an observer the Mine Ban Treaty Second Review Conference in November–December 2009"',
         'mk:quote "Kazakhstan has not been a regular participant in landmine meetings in the past, '
         'attending as an observer the Mine Ban Treaty Second Review Conference in November-December 2009"')
    edit(fixture_tree, "Kazakhstan’s antipersonnel mine stockpile", "Kazakhstan’s antipersonnel mine\u00a0stockpile")
    edit(fixture_tree, 'mk:quote "The Republic of Kazakhstan has not acceded to the Mine Ban Treaty."',
         'mk:quote "Last updated: 18 December 2019 The Republic"')
    found = problems(fixture_tree)
    assert len(found) == 4, found
    by_cause = {cause: [m for m in found.values() if cause in m] for cause in (
        "likely cause: typographic vs straight apostrophe",
        "likely cause: a different dash (hyphen, en dash, em dash, minus)",
        "likely cause: a non-breaking space",
        "likely cause: a line break")}
    assert all(len(v) == 1 for v in by_cause.values()), found
    apostrophe = by_cause["likely cause: typographic vs straight apostrophe"][0]
    assert apostrophe == (
        f"quote not found in {KAZ_TEXT}: \"It has expressed support for the treaty's humanitarian objectives\"; "
        "first difference at character 40 of the quote, which has \"'\" (U+0027) where the text has \"’\" (U+2019): "
        "quote \"…r the treaty[']s humanitari…\" vs text \"…r the treaty[’]s humanitari…\"; "
        "likely cause: typographic vs straight apostrophe; "
        "closest passage: \"It has expressed support for the treaty’s humanitarian objectives\"")
    line_break = by_cause["likely cause: a line break"][0]
    assert ("which has U+0020 SPACE where the text has U+000A LINE FEED: "
            "quote \"…ecember 2019[ ]The Republic\" vs text \"…ecember 2019[\\n]\\n\\nThe Republ…\"") in line_break
    nbsp = by_cause["likely cause: a non-breaking space"][0]
    assert "which has U+00A0 NO-BREAK SPACE where the text has U+0020 SPACE" in nbsp


def test_the_build_error_names_file_line_statement_and_cause(fixture_tree):
    edit(fixture_tree, "treaty’s humanitarian objectives", "treaty's humanitarian objectives")
    result = cli(fixture_tree, "build")
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"minekg: error: {KAZ}:90: s:kazakhstan-2019-supports-humanitarian-aims: "
                               f"quote not found in {KAZ_TEXT}: "), lines[0]
    assert lines[0].endswith("likely cause: typographic vs straight apostrophe; closest passage: "
                             "\"It has expressed support for the treaty’s humanitarian objectives\"")
    assert not (fixture_tree / "build").exists()


def test_an_entity_described_in_two_files_names_both(fixture_tree):
    added = len((fixture_tree / KAZ).read_text(encoding="utf-8").splitlines()) + 2  # after the blank line
    with (fixture_tree / KAZ).open("a", encoding="utf-8") as f:
        f.write('\nplace:nagorno-karabakh a mk:Place ; rdfs:label "Nagorno-Karabakh region"@en .\n')
    result = cli(fixture_tree, "build")
    assert result.exit_code == 2
    assert result.stderr == (
        f"minekg: error: {KAZ}:{added}: place:nagorno-karabakh is also described in "
        "graph_data/reference/places.ttl:17; "
        "describe each entity in one file and refer to it elsewhere\n")


def test_adding_an_alias_in_another_file_is_not_describing_twice(fixture_tree):
    with (fixture_tree / KAZ).open("a", encoding="utf-8") as f:
        f.write('\nplace:nagorno-karabakh skos:altLabel "Artsakh"@en .\n')
    assert not assemble(Project(fixture_tree), derive=False).quote_problems


def test_near_labels():
    assert near("Donetsk", "Donetsk Oblast") == "nearly repeats the label of"
    assert near("Nagorno Karabakh", "Nagorno-Karabakh") == "has the same label as"
    assert near("Ministry of Defence", "Ministry of Defense") == "nearly repeats the label of"
    assert near("Lachin", "Aghdam") is None
    assert near("Oblast of Donetsk", "Donetsk") is None  # not the leading words, and far apart


def test_a_short_quote_leaves_a_long_sentence_partly_covered(fixture_tree):
    edit(fixture_tree, 'mk:quote "Kazakhstan is also not party to the Convention on Cluster Munitions."',
         'mk:quote "Convention on Cluster Munitions"')
    out = cli(fixture_tree, "coverage", "--format", "json")
    kaz = next(d for d in json.loads(out.output)["documents"] if d["document"] == "doc:kazakhstan-2019")
    assert kaz["partial"] == 1 and kaz["coverage"] < 1.0
    (partial,) = kaz["partly_covered"]
    assert partial["text"].startswith("Kazakhstan is also not party to the Convention on Cluster Munitions.")
    assert partial["share"] == round(len("Convention on Cluster Munitions") / (partial["end"] - partial["start"]), 4)
    assert kaz["uncovered"] == []
    assert kaz["characters_covered"] < kaz["characters"]
    table = cli(fixture_tree, "coverage").output
    header = table.splitlines()[0].split()
    assert header == ["document", "sentences", "covered", "excluded", "coverage", "partial", "characters"]
    assert "partly covered doc:kazakhstan-2019 [" in table and "% of its characters: Kazakhstan is also" in table
