"""A new statement made through the curation page (no candidate needed), in real headless Chromium, on a
temporary copy of the project with the invented Mongolia profile (tests/fixtures/draft/): a quote
selected in the sentence that occurs more than once in the source is refused beside the form, a unique
selection is saved, the file builds, validates and query 019 returns the statement with its quote; a
save over a file changed on disk is refused (409)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph as RdfGraph
from rdflib import Literal, URIRef

from minekg.build.assemble import build
from minekg.build.validation import validate
from minekg.project import Project
from minekg.query.graph import Graph
from minekg.rdf.namespaces import MK, ST

from . import chromium
from .serve_server import ServeServer
from .test_curate_browser import SLUG, make_tree

pytestmark = [pytest.mark.browser, pytest.mark.server]

SENTENCE = "Mongolia is not party to the Convention on Cluster Munitions."
START = 648  # the sentence's offset in tests/fixtures/draft/profile-2030.txt
QUOTE = "not party to the Convention on Cluster Munitions"
NEW = f"https://w3id.org/minekg/id/statement/{SLUG}-new-000648-treaty-status"


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    return make_tree(tmp_path_factory.mktemp("curate-new"))


@pytest.fixture(scope="module")
def page(tree):
    sync_api = chromium.sync_api()
    server = ServeServer(None, "--curate", "--workers", "1", root=tree).start()
    with sync_api.sync_playwright() as p:
        browser = chromium.launch(p)
        pg = browser.new_page(viewport={"width": 1400, "height": 1000})
        errors: list[str] = []
        pg.on("pageerror", lambda e: errors.append(str(e)))
        pg.goto(server.url(f"/curate/{SLUG}"))
        pg.wait_for_selector(".item.candidate")
        yield pg, errors
        browser.close()
    assert server.stop() == 0, server.output


def _select(page, sentence, text: str) -> None:
    """Select `text` inside the sentence's text, as a curator's mouse would."""
    sentence.locator(".sentence-text").evaluate(
        """(node, text) => { const t = node.firstChild; const i = t.data.indexOf(text);
             const r = document.createRange(); r.setStart(t, i); r.setEnd(t, i + text.length);
             const s = window.getSelection(); s.removeAllRanges(); s.addRange(r); }""", text)


def _wait_status(page, text: str) -> str:
    page.wait_for_function("t => document.getElementById('curate-status').textContent.includes(t)", arg=text,
                           timeout=120_000)
    return page.inner_text("#curate-status")


def test_new_statement_on_a_sentence(page, tree):
    pg, errors = page
    statements = tree / "graph_data/statements" / f"{SLUG}.ttl"
    sentence = pg.locator(f'.sentence[data-start="{START}"]')
    assert sentence.locator(".sentence-text").inner_text() == SENTENCE

    # key s on the focused sentence, with "Mongolia" selected: a quote found many times in the source
    sentence.locator(".badge").click()
    _select(pg, sentence, "Mongolia")
    pg.keyboard.press("s")
    form = sentence.locator(".new-form")
    assert form.locator(".new-quote").input_value() == "Mongolia"
    form.locator(".new-kind-select").select_option("mk:TreatyStatus")
    # the fields the shapes require for a treaty status are offered at once; others on demand
    required = sorted(form.locator(".new-fields .field.required").evaluate_all("ns => ns.map(n => n.dataset.field)"))
    assert required == ["mk:actor", "mk:assertedBy", "mk:instrument", "mk:status"]
    assert form.locator('.new-fields select[data-key="mk:status"] option[value="mk:StatusNotParty"]').count() == 1
    form.locator('input[data-key="mk:actor"]').fill("st:MNG")
    form.locator('input[data-key="mk:assertedBy"]').fill("ag:monitor")
    form.locator('input[data-key="mk:instrument"]').fill("instr:ccm")
    form.locator('select[data-key="mk:status"]').select_option("mk:StatusNotParty")
    form.locator(".more-fields").select_option("mk:asOf")
    form.locator('input[data-key="mk:asOf"]').fill("2030-06-01")
    form.locator(".save-new").click()
    problem = sentence.locator(".text > .problems .problem")
    problem.wait_for()
    assert "'Mongolia'" in problem.inner_text() and "not once" in problem.inner_text()
    assert not statements.exists()

    # the curator selects a passage found once and uses it as the quote
    _select(pg, sentence, QUOTE)
    form.locator(".use-selection").click()
    assert form.locator(".new-quote").input_value() == QUOTE
    form.locator(".save-new").click()
    assert "made s:" in _wait_status(pg, "coverage now 1 of")
    assert sentence.locator(".made").inner_text().endswith(f"s:{SLUG}-new-000648-treaty-status")

    written = RdfGraph().parse(statements)
    s = URIRef(NEW)
    assert (s, MK.status, MK.StatusNotParty) in written and (s, MK.actor, ST.MNG) in written
    assert written.value(written.value(s, MK.evidence), MK.quote) == Literal(QUOTE)

    # it builds, validates, and query 019 returns it with its quote
    project = Project(tree)
    out = tree / "rebuilt"
    build(project, out=out)
    report = validate(project)
    assert report.conforms, report.to_text()
    with Graph.open(path=out / "minekg.nq", project=project) as g:
        rows = g.query("019", statement=NEW).dicts()
    assert [r["quote"] for r in rows] == [QUOTE]

    # a second one on the same sentence gets the next IRI; over a file changed on disk it is refused (409)
    edited = statements.read_text(encoding="utf-8") + "# a note added by hand\n"
    statements.write_text(edited, encoding="utf-8")
    pg.locator(f'.sentence[data-start="{START}"] .new-btn').click()
    form = sentence.locator(".new-form")
    form.locator(".new-kind-select").select_option("mk:TreatyStatus")
    form.locator(".save-new").click()
    assert "reload" in _wait_status(pg, "changed since this page was loaded").lower()
    assert statements.read_text(encoding="utf-8") == edited
    assert errors == []
