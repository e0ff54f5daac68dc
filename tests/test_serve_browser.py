"""The workbench in real headless Chromium (Playwright driving /usr/bin/chromium): pick a named query, fill
its parameter, run it and see its rows; free SPARQL; search by label and open the entity's page. Every
request the browser makes must stay on this server (no CDN), and no script may fail. Screenshots are left
in tests/output/ for people to look at."""

from __future__ import annotations

import time
import urllib.request

import pytest

from . import chromium

pytestmark = [pytest.mark.browser, pytest.mark.server]


@pytest.fixture(scope="module")
def browser():
    with chromium.sync_api().sync_playwright() as p:
        b = chromium.launch(p)
        yield b
        b.close()


@pytest.fixture()
def page(browser, server):
    """A fresh page that records every request and every script error."""
    context = browser.new_context(viewport={"width": 1300, "height": 1000}, accept_downloads=True)
    pg = context.new_page()
    pg.requests, pg.errors = [], []
    pg.on("request", lambda r: pg.requests.append(r.url))
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    pg.on("console", lambda m: pg.errors.append(m.text) if m.type == "error" else None)
    yield pg
    local = (server.base + "/", "data:", "about:")
    assert [u for u in pg.requests if not u.startswith(local)] == [], "requests left this server"
    assert pg.errors == []
    context.close()


def test_workbench_runs_a_named_query_and_shows_its_rows(page, server, output_dir):
    page.goto(server.url("/"))
    page.wait_for_selector('#query-select option[value="001_treaty_status_on_date"]', state="attached")
    page.select_option("#query-select", "001_treaty_status_on_date")
    assert page.input_value("#param-date") == "2023-12-31"
    page.fill("#param-state", "BLR")
    page.click("#run-named")
    # 001 has a quote column: one record per row, its fields then its quote (test_workbench_browser.py)
    page.wait_for_selector("#result-table .record")
    fields = page.locator("#result-table .record >> nth=0").locator("dt").all_inner_texts()
    assert fields[:2] == ["state", "status"]  # `name` is the state link's text, not a field of its own
    rows = page.locator("#result-table .record").all_inner_texts()
    assert rows and all("Belarus" in r and "State Party" in r for r in rows)
    assert page.inner_text("#result-status").startswith(f"{len(rows)} row")
    # the state links to the state's page on this server, named by its label
    state = page.locator('#result-table .record [data-var="state"] a >> nth=0')
    assert state.get_attribute("href") == "/id/state/BLR" and state.inner_text() == "Belarus"
    # the downloads are the same query in CSV and JSON
    with page.expect_download() as info:
        page.click("#download-csv")
    csv_text = info.value.path().read_text(encoding="utf-8")
    assert csv_text.splitlines()[0].startswith("state,name,status") and "Belarus" in csv_text
    assert info.value.suggested_filename == "001_treaty_status_on_date.csv"
    json_href = page.get_attribute("#download-json", "href")
    assert "format=json" in json_href and "state=BLR" in json_href
    page.screenshot(path=str(output_dir / "serve_workbench.png"), full_page=True)


def test_workbench_shows_a_parameter_error_clearly(page, server):
    page.goto(server.url("/"))
    page.wait_for_selector('#query-select option[value="001_treaty_status_on_date"]', state="attached")
    page.select_option("#query-select", "001_treaty_status_on_date")
    page.fill("#param-state", "Narnia")
    page.click("#run-named")
    page.wait_for_selector("#result-status.error")
    assert "Error 400" in page.inner_text("#result-status")
    assert "ISO 3166" in page.inner_text("#result-status")
    page.errors.clear()  # the browser logs the 400 itself; the page handled it


def test_free_sparql_runs(page, server):
    page.goto(server.url("/"))
    page.fill(
        "#sparql-text",
        "PREFIX mk: <https://w3id.org/minekg/ontology#>\n"
        "SELECT ?d WHERE { ?d a mk:CountryProfile } ORDER BY ?d",
    )
    page.click("#run-sparql")
    page.wait_for_selector("table.result tbody tr")
    cells = page.locator("table.result tbody td").all_inner_texts()
    assert "doc:belarus-2022" in cells and "doc:armenia-2023" in cells


def test_search_by_label_opens_the_entity_page(page, server, output_dir):
    page.goto(server.url("/"))
    page.fill("#search-text", "pmn-2")
    page.select_option("#search-kind", "minetype")
    page.click("#run-search")
    page.wait_for_selector("#search-results a")
    page.click("#search-results a >> text=PMN-2")
    page.wait_for_selector("h1")
    assert page.url == server.url("/page/minetype/PMN-2")
    assert page.inner_text("h1") == "PMN-2"


def test_entity_page_in_the_browser(page, server, output_dir):
    page.goto(server.url("/id/state/ARM"))
    assert page.inner_text("h1") == "Armenia"
    titles = page.locator("section.statements h2").all_inner_texts()
    assert any(t.startswith("Claims made by Armenia") for t in titles)
    assert any(t.startswith("Claims about Armenia") for t in titles)
    assert page.locator("li.statement blockquote").count() > 10
    page.screenshot(path=str(output_dir / "serve_entity_ARM.png"), full_page=True)
    # follow a quote to its place in the source document
    page.click("a.in-context >> nth=0")
    page.wait_for_selector("mark#quote")
    assert page.url.startswith(server.url("/text/document/"))
    assert len(page.inner_text("mark#quote")) > 10
    assert page.evaluate("document.querySelector('mark#quote').getBoundingClientRect().top") < 1000
    page.screenshot(path=str(output_dir / "serve_document_highlight.png"))


def test_who_alleges_what_is_embedded(page, server):
    # the drawing is generated in the background at start-up: wait for it (bounded)
    deadline = time.monotonic() + 120
    while "being generated" in (
        body := urllib.request.urlopen(server.url("/viz/"), timeout=30).read().decode()
    ):
        assert time.monotonic() < deadline, "the who-alleges-what view was not generated in time"
        time.sleep(0.5)
    assert "not available" not in body, body
    assert "<title>Who alleges what:" in body
    page.goto(server.url("/"))
    page.frame_locator("#viz-frame").locator("body").wait_for()
    title = page.evaluate("document.getElementById('viz-frame').contentDocument.title")
    assert title.startswith("Who alleges what:") and "claims" in title
