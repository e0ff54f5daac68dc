"""The viz files (minekg/viz.py): read back with networkx, parsed as XML, HTML and PNG, byte-identical on a
second run, labels that do not overlap, and the `minekg viz` command's output and errors."""

from __future__ import annotations

import itertools
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import networkx as nx
import pytest

from minekg import resources
from minekg.viz import drawing as viz
from minekg.viz import network
from tests.seed import seed_path

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def written(net, project, tmp_path_factory):
    out = tmp_path_factory.mktemp("viz") / "viz"
    return viz.write(net, out, project)


def test_writes_every_file(written):
    assert sorted(p.name for p in written.folder.iterdir()) == sorted(viz.FILES)
    assert written.index == written.folder / "index.html"


def test_graphml_reads_back_with_every_attribute(written, net):
    g = nx.read_graphml(written.folder / "claims.graphml", force_multigraph=True)
    assert isinstance(g, nx.MultiDiGraph)
    assert (g.number_of_nodes(), g.number_of_edges()) == (net.graph.number_of_nodes(), net.graph.number_of_edges())
    arm = g.nodes["st:ARM"]
    assert arm["label"] == "Armenia" and arm["kind"] == "state"
    assert isinstance(arm["degree_centrality"], float) and isinstance(arm["allegations_received"], int)
    assert 0 <= arm["x"] <= 1 and 0 <= arm["y"] <= 1
    edge = g.edges["st:ARM", "st:AZE", "s:armenia-2023-arm-denies-use-2022-09"]
    assert edge["kind"] == "denial" and edge["status"] == "denied" and edge["act"] == "use"
    assert edge["asserted"] == "2022-09-13" and "Armenia denied these claims" in edge["quote"]
    assert edge["document"] == "doc:armenia-2023" and edge["evidence"].startswith("https://w3id.org/minekg/id/evidence/")


def test_gexf_reads_back_with_attributes_positions_and_colours(written, net):
    g = nx.read_gexf(written.folder / "claims.gexf")
    assert (g.number_of_nodes(), g.number_of_edges()) == (net.graph.number_of_nodes(), net.graph.number_of_edges())
    aze = g.nodes["st:AZE"]
    assert aze["label"] == "Azerbaijan" and aze["kind"] == "state" and aze["mutual_with"] == "st:ARM"
    assert set(aze["viz"]) >= {"position", "color", "size"}
    kinds = {d["kind"] for _, _, d in g.edges(data=True)}
    assert kinds == {"allegation", "denial", "acknowledgement", "assessment", "non-response"}
    assert all(d["quote"] for _, _, d in g.edges(data=True))
    # Gephi needs no modification date, and a date would make two runs differ
    meta = ET.parse(written.folder / "claims.gexf").getroot().find("{http://www.gexf.net/1.2draft}meta")
    assert "lastmodifieddate" not in meta.attrib


def test_node_link_json_reads_back(written, net):
    doc = json.loads((written.folder / "claims.json").read_text(encoding="utf-8"))
    g = nx.node_link_graph(doc, edges="edges")
    assert sorted(g.edges(keys=True)) == sorted(net.graph.edges(keys=True))


def test_outputs_are_byte_identical_on_a_second_run(written, claims, project, tmp_path):
    again = network.build(network.select(claims, network.Filters()), network.Filters())
    second = viz.write(again, tmp_path / "again", project)
    for name in viz.FILES:
        assert (second.folder / name).read_bytes() == (written.folder / name).read_bytes(), name


def test_static_labels_do_not_overlap(net, project):
    g = net.graph
    viz.node_sizes(g)
    pos = viz.layout(g)
    fig = viz.figure(net, pos, viz.curvatures(g), viz.palette(project), "seed")
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    labels = [t for t in ax.texts if t.get_text()]
    assert sorted(t.get_text() for t in labels) == sorted(d["label"] for _, d in g.nodes(data=True))
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in labels]
    for (a, ba), (b, bb) in itertools.combinations(boxes, 2):
        assert not ba.overlaps(bb), f"labels {a!r} and {b!r} overlap"
    page = fig.bbox
    for name, box in boxes:
        assert page.x0 <= box.x0 and box.x1 <= page.x1 and page.y0 <= box.y0 and box.y1 <= page.y1, name


def test_svg_and_png_are_real_images(written):
    root = ET.parse(written.folder / "claims.svg").getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert "Date" not in (written.folder / "claims.svg").read_text(encoding="utf-8")[:2000]
    from PIL import Image

    with Image.open(written.folder / "claims.png") as im:
        assert im.format == "PNG" and im.size == (1400, 900)


class _Resources(HTMLParser):
    """Every URL the page would load by itself (scripts, styles, images, frames): there must be none."""

    def __init__(self) -> None:
        super().__init__()
        self.loads: list[str] = []
        self.scripts: list[dict] = []
        self.csp = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script":
            self.scripts.append(a)
        for attr in ("src", "srcset", "data", "poster"):
            if a.get(attr):
                self.loads.append(a[attr])
        if tag == "link" and a.get("href"):
            self.loads.append(a["href"])
        if tag == "meta" and a.get("http-equiv", "").lower() == "content-security-policy":
            self.csp = a.get("content", "")


def test_page_is_self_contained(written, net):
    html = written.index.read_text(encoding="utf-8")
    parser = _Resources()
    parser.feed(html)
    assert parser.loads == []
    assert len(parser.scripts) == 3 and all("src" not in s for s in parser.scripts)
    assert "default-src 'none'" in parser.csp
    assert not re.search(r"@import|url\(\s*['\"]?https?:", html)
    blob = re.search(r'<script type="application/json" id="minekg-data">(.*?)</script>', html, re.S).group(1)
    data = json.loads(blob)
    assert data["counts"]["nodes"] == net.graph.number_of_nodes()
    assert data["counts"]["edges"] == len(data["edges"]) == net.graph.number_of_edges()
    assert data["counts"]["claims"] == len(net.claims)
    assert data["aggregate"] is False
    edge = next(e for e in data["edges"] if e["claim"] == "s:armenia-2023-arm-denies-use-2022-09")
    assert edge["evidence"][0]["quote"].startswith("Armenia denied these claims")
    assert "MIT" in resources.asset("viz", "vendor", "LICENSES.txt").read_text(encoding="utf-8")


def test_data_cannot_close_the_script(claims, project, tmp_path):
    c = claims[0]
    old = c.summary
    c.summary = "</script><script>alert(1)</script>"
    try:
        net = network.build([c], network.Filters())
        out = viz.write(net, tmp_path / "v", project)
    finally:
        c.summary = old
    html = out.index.read_text(encoding="utf-8")
    assert html.count("</script>") == 3
    blob = re.search(r'id="minekg-data">(.*?)</script>', html, re.S).group(1)
    assert any(e["text"] == "</script><script>alert(1)</script>" for e in json.loads(blob)["edges"]) or any(
        u["text"] == "</script><script>alert(1)</script>" for n in json.loads(blob)["nodes"] for u in n["unpaired"]
    )


def test_empty_selection_says_so(claims, project, tmp_path):
    filters = network.Filters(actor="FRA")
    net = network.build(network.select(claims, filters), filters)
    assert net.empty
    out = viz.write(net, tmp_path / "empty", project)
    data = json.loads(re.search(r'id="minekg-data">(.*?)</script>', out.index.read_text(encoding="utf-8"), re.S)[1])
    assert data["nodes"] == [] and data["filters"] == "involving FRA" and data["title"].endswith("no claims match")
    assert nx.read_graphml(out.folder / "claims.graphml").number_of_nodes() == 0


def test_aggregation_threshold_is_in_the_page(net, project, tmp_path):
    out = viz.write(net, tmp_path / "agg", project, aggregate_above=10)
    data = json.loads(re.search(r'id="minekg-data">(.*?)</script>', out.index.read_text(encoding="utf-8"), re.S)[1])
    assert data["aggregate"] is True and data["aggregate_above"] == 10
    assert data["counts"]["pairs"] == len({(u, v) for u, v in net.graph.edges()}) < net.graph.number_of_edges()


def test_refuses_to_replace_a_folder_it_did_not_write(net, project, tmp_path):
    keep = tmp_path / "mine"
    keep.mkdir()
    (keep / "notes.txt").write_text("precious", encoding="utf-8")
    with pytest.raises(Exception, match="not a folder minekg viz wrote"):
        viz.write(net, keep, project)
    assert [p.name for p in keep.iterdir()] == ["notes.txt"]


# ------------------------------------------------------------------ the command


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
    return subprocess.run([sys.executable, "-c", main, "viz", *args], capture_output=True, text=True,
                          env=env, timeout=300)


def test_cli_writes_and_prints_the_page(cli_root):
    done = run_cli(cli_root, "--rollup", "--act", "use")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert lines[-1] == "build/viz/index.html"
    assert "bodies and officials rolled up" in lines[0] and "act use" in lines[0]
    g = nx.read_graphml(cli_root / "build" / "viz" / "claims.graphml", force_multigraph=True)
    assert {d["act"] for _, _, d in g.edges(data=True)} == {"use"}
    assert not any(n.startswith("ag:aze") for n in g)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--act", "mining"), "act 'mining': unknown"),
        (("--actor", "QQQ"), "actor 'QQQ': not an ISO 3166 alpha-3 code"),
        (("--actor", "ag:nobody"), "actor 'ag:nobody': no such actor"),
        (("--since", "2021-02-30"), "since '2021-02-30': not a date"),
    ],
)
def test_cli_bad_input_is_one_line_and_exit_2(cli_root, tmp_path, args, message):
    out = tmp_path / "never"
    done = run_cli(cli_root, "--out", str(out), *args)
    assert done.returncode == 2
    assert done.stderr.strip() == f"minekg: error: {done.stderr.strip()[len('minekg: error: '):]}"
    assert len(done.stderr.strip().splitlines()) == 1 and message in done.stderr
    assert "Traceback" not in done.stderr and not out.exists()


def test_the_readme_screenshot_is_committed():
    # docs/viz-seed.png is tests/output/viz-seed.png (written by tests/test_viz_browser.py) copied by hand
    shot = ROOT / "docs" / "viz-seed.png"
    assert shot.is_file() and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
