"""The world map page in a real headless Chromium (Debian's, driven by Playwright): opened from the file
`minekg map` writes, and served by a real `minekg serve` at /map. It draws every shape, the slider
changes colours, hovering says the status and its deciding quote, a click opens the state's page, and it
asks nothing of any host but the server's."""

from __future__ import annotations

import datetime
from urllib.parse import urlparse

import pytest

from minekg.viz import map as world
from minekg.viz import map_figure, map_status

from . import chromium

pytestmark = pytest.mark.browser
sync_api = chromium.sync_api()

DAY = datetime.date(2023, 12, 31)


@pytest.fixture(scope="module")
def written(graph, project, tmp_path_factory):
    return world.write(graph, tmp_path_factory.mktemp("map") / "mbt", "mbt", DAY, project)


@pytest.fixture(scope="module")
def palette(project) -> dict:
    return map_figure.colours(project)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = chromium.launch(p)
        yield b
        b.close()


class MapPage:
    def __init__(self, browser, url: str) -> None:
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page = browser.new_page(viewport={"width": 1400, "height": 900})
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.goto(url, timeout=180_000)  # /map is made on its first request
        self.page.wait_for_function("window.minekgMap && window.minekgMap.ready", timeout=60_000)

    def fill(self, iso3: str) -> str | None:
        return self.page.evaluate(f"window.minekgMap.fill({iso3!r})")

    def close(self) -> None:
        self.page.close()


@pytest.fixture()
def from_file(browser, written):
    p = MapPage(browser, written.index.as_uri())
    yield p
    p.close()


def test_draws_every_shape_coloured_by_status(from_file, project, palette, output_dir):
    shapes, _ = map_figure.shapes(project)
    assert from_file.page.locator("#map path").count() == len(shapes)
    assert from_file.fill("BLR") == palette["status"]["State Party"]
    assert from_file.fill("USA") == palette["status"]["not party"]
    assert from_file.fill("GRL") == palette["unknown"]
    assert "31 December 2023" in from_file.page.locator("#title").inner_text()
    legend = from_file.page.locator("#legend").inner_text()
    assert "State Party (164)" in legend and map_status.UNKNOWN in legend
    assert legend.index("State Party") < legend.index("signatory") < legend.index("not party")
    assert "Singapore (SGP)" in from_file.page.locator("#notes").inner_text()
    from_file.page.screenshot(path=str(output_dir / "map-page.png"))
    assert from_file.errors == []
    assert all(urlparse(u).scheme in ("file", "data", "about") for u in from_file.requests), from_file.requests


def test_slider_changes_colours(from_file, palette):
    stops = from_file.page.evaluate("window.minekgMap.stops")
    assert stops[0] == "1997-12-31" and stops[-1] == DAY.isoformat()
    late = from_file.page.evaluate("window.minekgMap.colours()")
    from_file.page.locator("#when").fill("0")  # 31 December 1997: the treaty was not yet in force
    early = from_file.page.evaluate("window.minekgMap.colours()")
    assert early["BLR"] != palette["status"]["State Party"]  # Belarus acceded in 2003
    assert palette["status"]["State Party"] not in early.values()
    assert sum(1 for k in late if late[k] != early[k]) > 100
    assert "31 December 1997" in from_file.page.locator("#title").inner_text()
    assert from_file.errors == []


def test_hover_shows_status_and_deciding_quote(from_file):
    from_file.page.locator("#state-BLR").hover()
    tip = from_file.page.locator("#tooltip")
    tip.wait_for(state="visible")
    text = tip.inner_text()
    assert "Belarus" in text and "State Party since 1 March 2004" in text
    assert "becoming a State Party on 1 March 2004" in text  # the Monitor's sentence, quoted
    assert "document/belarus-2022" in text and "statement/belarus-2022-entry-into-force" in text
    from_file.page.locator("#state-USA").hover()
    text = tip.inner_text()
    assert "United States" in text and "not party" in text and "register row 190" in text


def test_allegations_mode_colours_the_accused(from_file, palette):
    from_file.page.locator("input[name=mode][value=allegations]").check()
    assert from_file.fill("ARM") != palette["allegations"][0]  # Azerbaijan's allegations against Armenia
    assert from_file.fill("ISL") == palette["allegations"][0]
    from_file.page.locator("#state-ARM").hover()
    assert "against it" in from_file.page.locator("#tooltip").inner_text()
    assert "Allegations made against each state, 1997–2023" in from_file.page.locator("#title").inner_text()
    # up to 1997 nobody had alleged anything against Armenia: every allegation was made (or reported) later
    from_file.page.locator("#when").fill("0")
    assert from_file.fill("ARM") == palette["allegations"][0]
    from_file.page.locator("#when").fill("26")  # back to 2023, from 2022: Azerbaijan's 2022-2023 allegations only
    from_file.page.locator("#from-year").select_option("2022")
    assert from_file.fill("ARM") != palette["allegations"][0]
    from_file.page.locator("input[name=side][value=by]").check()
    assert from_file.fill("AZE") != palette["allegations"][0] and from_file.fill("ARM") == palette["allegations"][0]
    assert from_file.errors == []


def test_served_map_clicks_through_to_the_state_page(browser, server, output_dir):
    p = MapPage(browser, server.base + "/map")
    try:
        assert p.fill("BLR") is not None
        with p.page.expect_navigation():
            p.page.locator("#state-BLR").click()
        assert urlparse(p.page.url).path == "/page/state/BLR"
        assert "Belarus" in p.page.locator("h1").inner_text()
        assert p.errors == []
        hosts = {urlparse(u).hostname for u in p.requests if urlparse(u).scheme in ("http", "https")}
        assert hosts == {"127.0.0.1"}, p.requests
    finally:
        p.close()


def test_workbench_links_to_the_map(browser, server):
    p = browser.new_page()
    try:
        p.goto(server.base + "/")
        assert p.locator("header nav a[href='/map']").count() == 1
    finally:
        p.close()


def test_served_map_refuses_an_unknown_instrument(server):
    import urllib.error
    import urllib.request

    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(server.base + "/map?instrument=ottawa", timeout=60)
    assert e.value.code == 400
    assert "unknown instrument" in e.value.read().decode("utf-8")
