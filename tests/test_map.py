"""`minekg map`: the world map of treaty status, as the command writes it (a child process, as a user runs
it) and as the library computes it from query 001; the SVG read back with an XML parser, the PNG with
Pillow."""

from __future__ import annotations

import datetime
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from minekg.viz import map as world
from minekg.viz import map_figure, map_status
from tests.seed import seed_path

ROOT = Path(__file__).resolve().parent.parent
SVG = "{http://www.w3.org/2000/svg}"
DAY = "2023-12-31"


@pytest.fixture(scope="module")
def cli_root(tmp_path_factory, built):
    """A project root whose build/ holds the freshly built graph (the repository's build/ is left alone)."""
    root = tmp_path_factory.mktemp("root")
    for name in ("queries", "ontology", "graph_data", "rules", "validate"):
        (root / name).symlink_to(seed_path(name))
    (root / "build").mkdir()
    (root / "build" / "minekg.nq").symlink_to(built)
    return root


def run_cli(root: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, MINEKG_ROOT=str(root))
    main = "import sys; from minekg.cli.root import main; sys.exit(main(prog_name='minekg'))"
    return subprocess.run([sys.executable, "-c", main, "map", *args], capture_output=True, text=True,
                          env=env, timeout=300)


@pytest.fixture(scope="module")
def drawn(cli_root, tmp_path_factory):
    out = tmp_path_factory.mktemp("map") / "mbt"
    done = run_cli(cli_root, "--date", DAY, "--out", str(out))
    assert done.returncode == 0, done.stderr
    return out, done


def _fill(root: ET.Element, gid: str) -> str:
    group = root.find(f".//{SVG}g[@id='{gid}']")
    assert group is not None, f"no <g id={gid!r}> in the SVG"
    path = group.find(f"{SVG}path")
    return re.search(r"fill:\s*(#[0-9a-f]{6})", path.get("style")).group(1)


def _texts(root: ET.Element, gid: str) -> list[str]:
    group = root.find(f".//{SVG}g[@id='{gid}']")
    assert group is not None, f"no <g id={gid!r}> in the SVG"
    return ["".join(t.itertext()) for t in group.iter(f"{SVG}text")]


def test_cli_writes_svg_png_and_page(drawn):
    out, done = drawn
    assert sorted(p.name for p in out.iterdir()) == sorted(world.FILES)
    assert done.stdout.strip().splitlines()[0] == f"197 states with a status on {DAY} (mbt)"
    from PIL import Image

    with Image.open(out / "map.png") as im:
        assert im.format == "PNG" and im.size == (1400, 900)


def test_svg_colours_states_by_their_status(drawn, project):
    root = ET.parse(drawn[0] / "map.svg").getroot()
    palette = map_figure.colours(project)["status"]
    assert _fill(root, "state-BLR") == palette["State Party"]  # in force for Belarus since 1 March 2004
    assert _fill(root, "state-USA") == palette["not party"]
    assert _fill(root, "state-RUS") == palette["not party"]
    assert _fill(root, "state-UKR") == palette["State Party"]
    # France and Norway are "-99" in Natural Earth's ISO_A3: joined all the same
    assert _fill(root, "state-FRA") == palette["State Party"] and _fill(root, "state-NOR") == palette["State Party"]
    # Greenland is no state of the graph: grey, as the legend says
    assert _fill(root, "state-GRL") == map_figure.colours(project)["unknown"]


def test_svg_has_title_legend_and_source(drawn):
    root = ET.parse(drawn[0] / "map.svg").getroot()
    assert _texts(root, "map-title") == ["Mine Ban Treaty: status of each state on 31 December 2023"]
    legend = _texts(root, "map-legend")
    assert legend[0] == "status (states)"
    assert "State Party (164)" in legend and "not party (32)" in legend and map_status.UNKNOWN in legend
    notes = " ".join(_texts(root, "map-notes"))
    assert "Source: minekg, query 001_treaty_status_on_date (date 2023-12-31, Mine Ban Treaty)" in notes
    assert "Natural Earth" in notes


def test_states_without_a_shape_are_listed_not_dropped(drawn, graph):
    out, done = drawn
    root = ET.parse(out / "map.svg").getroot()
    notes = " ".join(_texts(root, "map-notes"))
    shaped = {g.get("id")[len("state-"):] for g in root.iter(f"{SVG}g") if (g.get("id") or "").startswith("state-")}
    status = map_status.statuses(graph, "mbt", datetime.date(2023, 12, 31))
    missing = sorted(iso for iso in status if iso not in shaped)
    assert "SGP" in missing and "MLT" in missing  # too small for 1:110m
    for iso in missing:
        assert f"{status[iso].name} ({iso})" in notes.replace("\n", " ")
        assert f"({iso})" in done.stderr
    assert f"States with a status but no shape at this scale ({len(missing)})" in notes
    assert done.stderr.startswith(f"minekg map: {len(missing)} states have no shape")


def test_outputs_are_byte_identical_on_a_second_run(cli_root, drawn, tmp_path):
    again = tmp_path / "again"
    assert run_cli(cli_root, "--date", DAY, "--out", str(again)).returncode == 0
    for name in world.FILES:
        assert (again / name).read_bytes() == (drawn[0] / name).read_bytes(), name


def test_page_embeds_every_stop_and_makes_no_request(drawn):
    html = (drawn[0] / "index.html").read_text(encoding="utf-8")
    assert re.search(r"<(script|link|img|iframe)[^>]+(src|href)=", html) is None
    blob = re.search(r'<script id="map-data" type="application/json">(.*?)</script>', html, re.S).group(1)
    data = json.loads(blob)
    assert [s["date"] for s in data["stops"]] == [f"{y}-12-31" for y in range(1997, 2024)]
    last = data["stops"][-1]["states"]
    assert last["BLR"][0] == "State Party" and last["USA"][0] == "not party"
    first = data["bases"][last["BLR"][2][0]]
    assert first["quote"] == "becoming a State Party on 1 March 2004"  # a quoted passage before the register row


def test_library_status_and_deciding_statements(graph):
    status = map_status.statuses(graph, "mbt", datetime.date(2023, 12, 31))
    blr = status["BLR"]
    assert (blr.status, blr.since) == ("State Party", "2004-03-01")
    assert [b.row for b in blr.bases] == ["", "17"]  # the Monitor's quote, then the register's row 17
    assert status["USA"].status == "not party" and status["USA"].bases[0].row == "190"
    # before Belarus's accession took effect (entry into force 1 March 2004)
    assert map_status.statuses(graph, "mbt", datetime.date(2003, 12, 31))["BLR"].status != "State Party"


def test_several_rows_fold_by_the_documented_precedence():
    rows = [
        {"state": map_status.STATE_BASE + "XXA", "name": "A", "status": "signatory", "since": "2000-01-01",
         "basis": "s:1", "document": "d:1", "quote": "q1", "row": None},
        {"state": map_status.STATE_BASE + "XXA", "name": "A", "status": "State Party", "since": "2001-01-01",
         "basis": "s:2", "document": "d:2", "quote": None, "row": "5"},
        {"state": map_status.STATE_BASE + "XXA", "name": "A", "status": "State Party", "since": "2001-01-01",
         "basis": "s:3", "document": "d:3", "quote": "q3", "row": None},
    ]
    folded = map_status.fold(rows)["XXA"]
    assert (folded.status, folded.since) == ("State Party", "2001-01-01")
    assert [b.statement for b in folded.bases] == ["s:3", "s:2"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--instrument", "ottawa"), "instrument ottawa: unknown instrument (one of mbt, ccw, ccw-apii, ccw-pv"),
        (("--date", "2023-02-30"), "date 2023-02-30: not a date"),
        (("--date", "2023"), "date 2023: not a date"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(cli_root, tmp_path, args, message):
    out = tmp_path / "never"
    done = run_cli(cli_root, "--out", str(out), *args)
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1
    assert done.stderr.startswith("minekg: error: ") and message in done.stderr
    assert "Traceback" not in done.stderr and not out.exists()


def test_the_readme_map_is_committed():
    # docs/map.png is `minekg map --out build/map` (the MBT today) copied by hand; the README shows it
    shot = ROOT / "docs" / "map.png"
    assert shot.is_file() and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "docs/map.png" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_instrument_is_passed_once_001_declares_it(project):
    """h-treaties adds an `instrument` parameter to 001: from then on every instrument is passed to it; until
    then only the Mine Ban Treaty can be drawn, and another is a one-line error rather than MBT colours."""
    from dataclasses import replace

    from minekg.errors import MinekgError
    from minekg.query import catalogue as named

    today = named.find(map_status.STATUS_QUERY, project)
    day = datetime.date(2023, 12, 31)
    if not any(p.name == "instrument" for p in today.params):
        assert map_status._status_params(today, "mbt", day) == {"date": DAY}
        with pytest.raises(MinekgError, match="instrument ccm: query 001_treaty_status_on_date has no instrument"):
            map_status._status_params(today, "ccm", day)
    param = named.Param("instrument", "iri", map_status.INSTRUMENT_BASE + "mbt", "", False)
    later = replace(today, params=tuple(p for p in today.params if p.name != "instrument") + (param,))
    base = map_status.INSTRUMENT_BASE
    assert map_status._status_params(later, "ccm", day) == {"date": DAY, "instrument": base + "ccm"}
    assert named.bind(later, map_status._status_params(later, "ccw-apii", day))  # binds as an IRI


def test_draws_only_what_the_release_profile_allows(tmp_path_factory):
    """The map's quotes and allegations leave with it: over the embedded store it is drawn from what the
    profile releases (default CLEAR), as `minekg export` and `minekg push` send."""
    from tests.export_support import build_marked

    project, nquads = build_marked(tmp_path_factory)
    red = "https://w3id.org/minekg/id/statement/fixture-red-briefing-allegation"
    ask = f"ASK {{ GRAPH ?g {{ <{red}> ?p ?o }} }}"
    with map_status.released_graph(project, "oxigraph", None, 60.0, str(nquads), "CLEAR") as g:
        assert g.sparql(ask).boolean is False
    with map_status.released_graph(project, "oxigraph", None, 60.0, str(nquads), "RED") as g:
        assert g.sparql(ask).boolean is True


def test_unknown_profile_is_one_line(cli_root, tmp_path):
    out = tmp_path / "never"
    done = run_cli(cli_root, "--profile", "PINK", "--out", str(out))
    assert done.returncode == 2
    assert done.stderr.strip() == "minekg: error: unknown profile 'PINK' (one of: CLEAR, GREEN, AMBER, RED)"
    assert not out.exists()


def test_refuses_to_replace_a_folder_it_did_not_write(cli_root, tmp_path):
    keep = tmp_path / "notes"
    keep.mkdir()
    (keep / "notes.txt").write_text("mine", encoding="utf-8")
    done = run_cli(cli_root, "--out", str(keep))
    assert done.returncode == 2 and "is not a folder minekg map wrote" in done.stderr
    assert [p.name for p in keep.iterdir()] == ["notes.txt"]
