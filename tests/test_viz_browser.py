"""The interactive page in a real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright with
executable_path; never a downloaded browser): what it draws, its filters, a click, and that it makes no
request beyond its own file."""

from __future__ import annotations

from pathlib import Path

import pytest

from minekg.viz import drawing as viz
from minekg.viz import network
from minekg.viz.claims import claims as read_claims

from . import chromium

pytestmark = pytest.mark.browser
sync_api = chromium.sync_api()

# Counts requestAnimationFrame calls, to show the page goes idle once drawn (nothing keeps redrawing).
COUNT_FRAMES = """
window.__frames = 0;
const raf = window.requestAnimationFrame.bind(window);
window.requestAnimationFrame = (cb) => { window.__frames += 1; return raf(cb); };
"""


@pytest.fixture(scope="module")
def claims(graph):
    return read_claims(graph)


@pytest.fixture(scope="module")
def seed(claims, project, tmp_path_factory):
    net = network.build(network.select(claims, network.Filters()), network.Filters())
    written = viz.write(net, tmp_path_factory.mktemp("viz") / "seed", project)
    return net, written


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = chromium.launch(p)
        yield b
        b.close()


class Page:
    def __init__(self, browser, index: Path) -> None:
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page = browser.new_page(viewport={"width": 1280, "height": 800})
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.add_init_script(COUNT_FRAMES)
        self.page.goto(index.as_uri())
        self.page.wait_for_function("window.minekgViz && window.minekgViz.ready", timeout=30_000)

    def js(self, expression: str):
        return self.page.evaluate(expression)

    def drawn(self) -> dict:
        return self.js("window.minekgViz.drawn()")

    def close(self) -> None:
        self.page.close()


@pytest.fixture()
def page(browser, seed):
    p = Page(browser, seed[1].index)
    yield p
    p.close()


def test_draws_every_actor_and_claim(page, seed, output_dir):
    net, _ = seed
    assert page.drawn() == {"nodes": net.graph.number_of_nodes(), "edges": net.graph.number_of_edges()}
    assert page.js("window.minekgViz.expected") == page.drawn()
    assert page.page.locator("#counts").inner_text().startswith(
        f"{len(net.graph)} of {len(net.graph)} actors, {len(net.claims)} of {len(net.claims)} claims")
    page.page.screenshot(path=str(output_dir / "viz-seed.png"))
    assert page.errors == []


def test_makes_no_request_beyond_its_file(page, seed):
    page.page.mouse.move(640, 400)
    page.page.wait_for_timeout(300)
    allowed = ("file://", "data:", "about:", "http://127.0.0.1", "http://localhost")
    assert page.requests and all(u.startswith(allowed) for u in page.requests), page.requests
    assert page.requests[0] == seed[1].index.as_uri()
    assert page.js("window.minekgViz.violations") == []


def test_act_filter_changes_what_is_drawn(page, seed, claims):
    page.page.locator('#acts input[value="use"]').uncheck()
    without_use = network.build(network.select(claims, network.Filters(acts=("production", "transfer", "stockpiling",
                                                                                "other"))), network.Filters())
    assert page.drawn() == {"nodes": without_use.graph.number_of_nodes(), "edges": without_use.graph.number_of_edges()}
    assert page.drawn()["edges"] < seed[0].graph.number_of_edges()
    page.page.locator('#acts input[value="use"]').check()
    assert page.drawn()["edges"] == seed[0].graph.number_of_edges()


def test_time_filter_agrees_with_the_library(page, claims):
    # the same rule on both sides: a claim shows when all that is known of its date lies in the range
    page.page.locator("#time-from").fill("2022")
    since = network.build(network.select(claims, network.Filters(since="2022")), network.Filters())
    assert page.drawn() == {"nodes": since.graph.number_of_nodes(), "edges": since.graph.number_of_edges()}
    page.page.locator("#time-to").fill("2022")
    both = network.build(network.select(claims, network.Filters(since="2022", until="2022")), network.Filters())
    assert page.drawn() == {"nodes": both.graph.number_of_nodes(), "edges": both.graph.number_of_edges()}
    assert page.page.locator("#time-from-value").inner_text() == "2022"


def test_clicking_a_node_lists_its_claims_with_evidence(page, seed):
    net, _ = seed
    point = page.js("window.minekgViz.nodeViewport('st:ARM')")
    page.page.mouse.move(point["x"], point["y"])
    page.page.mouse.click(point["x"], point["y"])
    details = page.page.locator("#details")
    details.wait_for(state="visible")
    assert page.js("window.minekgViz.selected()") == "st:ARM"
    assert details.locator("h2").inner_text() == "Armenia"
    listed = details.locator("li[data-claim]").evaluate_all("els => els.map(e => e.dataset.claim)")
    g = net.graph
    expected = [d["claim"] for _, _, d in g.out_edges("st:ARM", data=True)] + [
        d["claim"] for _, _, d in g.in_edges("st:ARM", data=True)]
    assert sorted(listed) == sorted(expected)
    link = details.locator('li[data-claim="s:armenia-2023-arm-denies-use-2022-09"] a.evidence').first
    assert link.get_attribute("href").startswith("https://w3id.org/minekg/id/evidence/armenia-2023-")
    assert "Armenia denied these claims" in details.inner_text()


def test_hovering_an_edge_shows_the_claim_and_its_quote(page, seed):
    net, _ = seed
    [(u, v, d)] = [(u, v, d) for u, v, d in net.graph.edges(data=True)
                   if d["claim"] == "s:russia-2012-hrw-no-evidence-georgia-2008"]
    a = page.js(f"window.minekgViz.nodeViewport('{u}')")
    b = page.js(f"window.minekgViz.nodeViewport('{v}')")
    page.page.mouse.move((a["x"] + b["x"]) / 2, (a["y"] + b["y"]) / 2)
    tooltip = page.page.locator("#tooltip")
    tooltip.wait_for(state="visible")
    assert "assessment" in tooltip.inner_text() and d["quote"][:40] in tooltip.inner_text()


def test_mutual_highlight_and_colour_by_status(page, seed):
    net, _ = seed
    mutual = next(k for _, _, k, d in net.graph.edges(keys=True, data=True) if d["mutual"])
    other = next(k for _, _, k, d in net.graph.edges(keys=True, data=True) if not d["mutual"])
    colour = "(k) => window.minekgViz.renderer.getEdgeDisplayData(k).color"
    before = page.page.evaluate(colour, other)
    page.page.locator("#mutual-only").check()
    assert page.page.evaluate(colour, other) == "#e4e4e4" != before
    assert page.page.evaluate(colour, mutual) != "#e4e4e4"
    page.page.locator('input[name="colour-by"][value="status"]').check()
    assert "Claims, by status" in page.page.locator("#legend").inner_text()


def test_layout_is_still_and_the_page_goes_idle(page):
    first = page.js("window.minekgViz.nodePositions()")
    page.page.wait_for_timeout(500)
    frames = page.js("window.__frames")
    page.page.wait_for_timeout(1000)
    assert page.js("window.minekgViz.nodePositions()") == first
    assert page.js("window.__frames") - frames <= 1  # no animation loop once drawn


def test_empty_selection_page_says_so(browser, claims, project, tmp_path, output_dir):
    filters = network.Filters(actor="FRA")
    net = network.build(network.select(claims, filters), filters)
    written = viz.write(net, tmp_path / "empty", project)
    p = Page(browser, written.index)
    try:
        assert p.drawn() == {"nodes": 0, "edges": 0}
        assert p.page.locator("#empty").is_visible()
        assert "No claims match the filters (involving FRA)" in p.page.locator("#empty").inner_text()
        p.page.screenshot(path=str(output_dir / "viz-empty.png"))
        assert p.errors == []
    finally:
        p.close()



def test_aggregates_edges_by_pair_beyond_the_threshold(browser, seed, project, tmp_path):
    net, _ = seed
    written = viz.write(net, tmp_path / "agg", project, aggregate_above=10)
    p = Page(browser, written.index)
    try:
        pairs = len({(u, v) for u, v in net.graph.edges()})
        assert pairs < net.graph.number_of_edges()
        assert p.drawn() == {"nodes": net.graph.number_of_nodes(), "edges": pairs}
        assert "edges aggregated by pair" in p.page.locator("#counts").inner_text()
        p.page.locator('#acts input[value="use"]').uncheck()
        kept = {(u, v) for u, v, d in net.graph.edges(data=True) if d["act"] != "use"}
        assert p.drawn()["edges"] == len(kept)
        assert p.errors == []
    finally:
        p.close()


def test_every_label_is_readable_at_1280x800(page, seed):
    # every actor of the seed graph gets its label, no two labels overlap, and no label covers an actor
    labels = page.js("window.minekgViz.labelBoxes()")
    actors = page.js("window.minekgViz.nodeBoxes()")
    assert len(labels) == seed[0].graph.number_of_nodes()

    def overlap(a, b) -> bool:
        return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]

    for i, a in enumerate(labels):
        assert 0 <= a[0] and a[2] <= 1280 - 290 and 0 <= a[1]  # inside the drawing, right of the controls
        assert not any(overlap(a, b) for b in labels[i + 1:])
    covered = [n[4] for n in actors for a in labels if overlap(a, n)]
    # a label starts 3 px from its own actor, so touching is only ever another actor
    assert covered == []
