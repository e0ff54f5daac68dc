"""The workbench shows the evidence (issue 18): at a 1,280 px viewport, query 004 for a state chosen by
name shows every quote in full, nothing scrolls sideways, and long answers are paged. Real Chromium
(Playwright on /usr/bin/chromium) against a real `minekg serve`; the `page` fixture of
test_serve_browser.py records requests that leave the server and script errors, and fails on either."""

from __future__ import annotations

import json
import math
import urllib.parse
import urllib.request

import pytest

from . import test_serve_browser as shared

pytestmark = [pytest.mark.browser, pytest.mark.server]

# The browser and its recording page (requests that leave the server, script errors) are shared fixtures.
browser, page = shared.browser, shared.page

QUERY = "004_allegations"
PAGE_SIZE = "5"


def api_rows(server, query: str, **params: str) -> list[dict]:
    """The query's answer as the API gives it to any client (SPARQL JSON), read with the json module."""
    qs = urllib.parse.urlencode({**params, "format": "json"})
    with urllib.request.urlopen(server.url(f"/api/queries/{query}?{qs}"), timeout=60) as r:
        return json.loads(r.read())["results"]["bindings"]


def open_query(pg, server, name: str) -> None:
    pg.set_viewport_size({"width": 1280, "height": 900})
    pg.goto(server.url("/"))
    pg.wait_for_selector(f'#query-select option[value="{name}"]', state="attached")
    pg.select_option("#query-select", name)


def pick_state(pg, param: str, typed: str) -> str:
    """Type into a state picker as a person would; the code the picker resolved it to."""
    pg.locator(f"#param-{param}").press_sequentially(typed)
    resolved = pg.locator(f"#param-{param}-resolved")
    resolved.locator("[data-code]").wait_for()
    return resolved.locator("[data-code]").get_attribute("data-code")


def words(text: str) -> str:
    return " ".join(text.split())


def shown_quotes(pg) -> list[str]:
    return [words(t) for t in pg.locator("#result-table .record .evidence-text").all_inner_texts()]


def test_state_list_comes_from_the_graph(server):
    with urllib.request.urlopen(server.url("/api/states"), timeout=60) as r:
        found = json.loads(r.read())
    by_code = {s["code"]: s for s in found}
    assert by_code["ARM"]["label"] == "Armenia" and by_code["ARM"]["iri"].endswith("/id/state/ARM")
    assert "Republic of Armenia" in by_code["ARM"]["altLabels"]
    assert by_code["BLR"]["label"] == "Belarus"
    assert [s["label"].casefold() for s in found] == sorted(s["label"].casefold() for s in found)


def test_picker_takes_a_name_or_a_code(page, server):
    open_query(page, server, QUERY)
    assert pick_state(page, "accused", "Armenia") == "ARM"
    page.fill("#param-accused", "")
    assert pick_state(page, "accused", "blr") == "BLR"
    assert "Belarus" in page.inner_text("#param-accused-resolved")
    page.fill("#param-accused", "")
    assert pick_state(page, "accused", "republic of armenia") == "ARM"
    page.fill("#param-accused", "")
    assert pick_state(page, "accused", "Belarus · BLR") == "BLR"  # as the line under the field shows it
    # a name the graph does not know is said so under the field, and no state is chosen
    page.fill("#param-accused", "")
    page.locator("#param-accused").press_sequentially("Narnia")
    page.wait_for_selector("#param-accused-resolved .unknown")
    assert page.locator("#param-accused-resolved [data-code]").count() == 0


def test_quotes_are_readable_without_horizontal_scrolling(page, server, output_dir):
    open_query(page, server, QUERY)
    assert pick_state(page, "accused", "Armenia") == "ARM"
    page.click("#run-named")
    page.wait_for_selector("#result-table .record")
    expected = api_rows(server, QUERY, accused="ARM")
    assert len(expected) > int(PAGE_SIZE), "the seed data should give 004 for Armenia more than one page"
    # every row is about Armenia; the accused is shown by its label and links to its page on this server
    for record in page.locator("#result-table .record").all():
        link = record.locator('[data-var="accused"] a')
        assert link.inner_text() == "Armenia" and link.get_attribute("href") == "/id/state/ARM"
    # a state IRI without a label column beside it is named from the picker's list of states, not as st:AZE
    claimant_of = page.locator('#result-table .record >> nth=0').locator('[data-var="claimantOf"] a')
    assert claimant_of.inner_text() == "Azerbaijan" and claimant_of.get_attribute("href") == "/id/state/AZE"
    sizes = page.evaluate(
        """() => {
          const root = document.scrollingElement, box = document.getElementById('result-table');
          const panel = document.getElementById('results');
          return {rootScroll: root.scrollWidth, rootClient: root.clientWidth,
                  boxScroll: box.scrollWidth, boxClient: box.clientWidth, panel: panel.clientWidth,
                  viewport: window.innerWidth,
                  quotes: [...box.querySelectorAll('.record .evidence')].map(q => {
                    const r = q.getBoundingClientRect();
                    return {width: r.width, left: r.left, right: r.right,
                            scroll: q.scrollWidth, client: q.clientWidth, text: q.innerText};
                  })};
        }"""
    )
    assert sizes["rootScroll"] <= sizes["rootClient"], "the page scrolls sideways"
    assert sizes["boxScroll"] <= sizes["boxClient"], "the results scroll sideways"
    assert sizes["quotes"], "no quote shown"
    for q in sizes["quotes"]:
        assert q["width"] >= 0.6 * sizes["panel"], f"quote squeezed into {q['width']} px: {q['text'][:60]}"
        assert q["scroll"] <= q["client"] and 0 <= q["left"] and q["right"] <= sizes["viewport"], q["text"][:60]
    page.screenshot(path=str(output_dir / "workbench_004_ARM.png"), full_page=True)


def test_long_answers_are_paged(page, server):
    open_query(page, server, QUERY)
    pick_state(page, "accused", "Armenia")
    page.click("#run-named")
    page.wait_for_selector("#result-table .record")
    page.select_option("#page-size", PAGE_SIZE)
    expected = [words(b.get("quote", {}).get("value", "")) for b in api_rows(server, QUERY, accused="ARM")]
    size = int(PAGE_SIZE)
    pages = math.ceil(len(expected) / size)
    assert pages > 1
    seen: list[str] = []
    for n in range(1, pages + 1):
        assert page.inner_text("#page-position") == f"Page {n} of {pages}"
        records = page.locator("#result-table .record")
        assert records.count() == min(size, len(expected) - (n - 1) * size)
        seen += [words(r.locator(".evidence-text").inner_text()) if r.locator(".evidence-text").count() else ""
                 for r in records.all()]
        if n < pages:
            # from the keyboard: the Next button takes focus and Enter moves on
            page.focus("#page-next")
            page.keyboard.press("Enter")
    assert seen == expected, "paging skipped, repeated or reordered rows"
    assert page.is_disabled("#page-next")
    page.click("#page-previous")
    assert page.inner_text("#page-position") == f"Page {pages - 1} of {pages}"
    assert shown_quotes(page)[0] == expected[(pages - 2) * size]
    assert not page.is_disabled("#page-next")


CONTRAST = """() => {
  const rgb = (c) => c.match(/[\\d.]+/g).map(Number);
  const lum = (c) => {
    const [r, g, b] = rgb(c).slice(0, 3).map((x) => x / 255)
      .map((x) => (x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const background = (node) => {
    for (let n = node; n; n = n.parentElement) {
      const c = getComputedStyle(n).backgroundColor;
      if (rgb(c)[3] !== 0) return c;
    }
    return "rgb(255, 255, 255)";
  };
  const selector = "#results dt, #results dd, #results a, #results figcaption, #results blockquote, " +
    "#results button, #results label, #results span, .resolved span, .param small";
  return [...document.querySelectorAll(selector)].filter((n) => n.innerText.trim()).map((n) => {
    const [a, b] = [lum(getComputedStyle(n).color), lum(background(n))].sort((x, y) => y - x);
    return {text: n.innerText.trim().slice(0, 40), ratio: (a + 0.05) / (b + 0.05)};
  });
}"""


def test_workbench_is_accessible(page, server):
    open_query(page, server, QUERY)
    pick_state(page, "accused", "Armenia")
    page.click("#run-named")
    page.wait_for_selector("#result-table .record")
    # every control has a name a screen reader can say
    unnamed = page.evaluate(
        """() => [...document.querySelectorAll('input, select, textarea, button')]
             .filter((c) => !c.labels?.length && !c.getAttribute('aria-label') && !c.innerText?.trim())
             .map((c) => c.id || c.outerHTML.slice(0, 60))"""
    )
    assert unnamed == []
    # the picker's answer is tied to its field
    assert "param-accused-resolved" in page.get_attribute("#param-accused", "aria-describedby")
    checked = page.evaluate(CONTRAST)
    assert len(checked) > 50, "the contrast check found too little text to check"
    low = [c for c in checked if c["ratio"] < 4.5]
    assert low == [], "text below WCAG AA contrast"
    # the pager is reached with Tab and its focus is visible
    page.select_option("#page-size", PAGE_SIZE)
    page.focus("#page-size")
    page.keyboard.press("Shift+Tab")  # back over the row count (text) to Next
    assert page.evaluate("document.activeElement.id") == "page-next"
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
