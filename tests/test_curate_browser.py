"""The curation page in real headless Chromium, on a temporary copy of the project with the invented
profile of tests/fixtures/draft/ as a new document: accept (by key and by button), edit (a new entity made
on purpose), reject with a reason (by key) and exclude a sentence through the page; then the statements
file builds, validates and answers query 019, the rejection keeps the candidate out of the next draft, and
a save over a file changed on disk is refused (409). The plain server refuses every curate route; the
curate routes refuse writes without the page's token or from another origin. No script may fail."""

from __future__ import annotations

import json
import re
import shutil
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml
from rdflib import Graph as RdfGraph
from rdflib import URIRef

from minekg.build.assemble import build
from minekg.build.coverage import document_coverage
from minekg.build.validation import validate
from minekg.curation import draft
from minekg.project import Project
from minekg.query.graph import Graph
from minekg.rdf.namespaces import MK

from . import chromium
from .seed import copy_tree
from .serve_server import ServeServer

pytestmark = [pytest.mark.browser, pytest.mark.server]

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "draft"
SLUG = "test-profile-2030"
S = "https://w3id.org/minekg/id/statement/"
PARTY = S + f"{SLUG}-draft-000078-status-party-mng"
RATIFICATION = S + f"{SLUG}-draft-000099-action-ratification-mng"
MON = S + f"{SLUG}-draft-000893-figure-destroyed-mng-proposed-mon-type"
ABROAD = S + f"{SLUG}-draft-000975-figure-stockpile-unknown-mng"
NEVER = S + f"{SLUG}-draft-001202-production-never-mng"


def make_tree(base: Path) -> Path:
    """A copy of the frozen seed project with the invented texts as sources, built."""
    copy_tree(base)  # the frozen seed project (tests/seed.py)
    add_sources(base)
    build(Project(base))
    return base


def add_sources(base: Path) -> None:
    """The invented texts of tests/fixtures/draft/ as sources of the tree at `base`."""
    shutil.copy(FIXTURES / "profile-2030.txt", base / "graph_data/sources/test-profile-2030.txt")
    shutil.copy(FIXTURES / "agency-2030.txt", base / "graph_data/sources/test-agency-2030.txt")
    with open(base / "graph_data/sources/sources.ttl", "a", encoding="utf-8") as f:
        f.write((FIXTURES / "sources.ttl").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    return make_tree(tmp_path_factory.mktemp("curate"))


@pytest.fixture(scope="module")
def curate_server(tree):
    s = ServeServer(None, "--curate", "--workers", "1", root=tree).start()
    yield s
    assert s.stop() == 0, s.output


@pytest.fixture(scope="module")
def browser():
    with chromium.sync_api().sync_playwright() as p:
        b = chromium.launch(p)
        yield b
        b.close()


def _post(url: str, body: dict, headers: dict[str, str]) -> tuple[int, str]:
    req = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json", **headers})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def _wait_status(page, text: str) -> str:
    page.wait_for_function("t => document.getElementById('curate-status').textContent.includes(t)", arg=text,
                           timeout=120_000)
    return page.inner_text("#curate-status")


def test_review_a_draft_in_the_browser(browser, curate_server, tree, output_dir):
    project = Project(tree)
    statements = tree / "graph_data/statements" / f"{SLUG}.ttl"
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    requests, errors = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    page.set_default_timeout(120_000)  # each save runs the whole-graph check; a loaded machine is slow
    page.goto(curate_server.url("/curate"))
    page.click(f'a[href="/curate/{SLUG}"]')
    # The candidates are in the served HTML before curate.js has run: keys pressed earlier would be lost.
    page.wait_for_load_state("load")
    page.wait_for_selector(".item.candidate")
    assert page.locator(".sentence.not-covered").count() > 10
    # the picker offers the graph's things by label, the vocabularies' values are choices
    page.keyboard.press("j")
    assert page.get_attribute(".item.current", "data-iri") == PARTY
    assert "State Party" in page.inner_text(".item.current mark")

    # accept by key: the statement is written, the sentence's candidate is marked accepted
    page.keyboard.press("a")
    assert "accepted" in _wait_status(page, "accepted")
    assert page.locator(f'.item.accepted[data-iri="{PARTY}"]').count() == 1
    written = RdfGraph().parse(statements)
    assert (URIRef(PARTY), MK.status, MK.StatusParty) in written
    assert not set(written.predicates()) & {MK.draftRule, MK.draftConfidence, MK.proposedEntity, MK.proposedLabel}

    # accept by button
    page.click(f'.item[data-iri="{RATIFICATION}"] .accept-btn')
    _wait_status(page, "coverage now 2 of")

    # a candidate naming a proposed thing is refused beside the statement, the file unchanged ...
    before = statements.read_bytes()
    page.click(f'.item[data-iri="{MON}"] .accept-btn')
    problem = page.locator(f'.item[data-iri="{MON}"] .problem')
    problem.wait_for()
    assert "proposed" in problem.inner_text() and "mt:proposed-mon-type" in problem.inner_text()
    assert statements.read_bytes() == before
    # ... an edit that is not a date is refused too ...
    page.click(f'.item[data-iri="{MON}"] .edit-btn')
    editor = page.locator(f'.item[data-iri="{MON}"] .editor')
    assert editor.locator('input[data-key="mk:mineType"][list="entities"]').count() == 1
    assert page.locator('#entities option[value="st:MNG"]').get_attribute("label").startswith("Mongolia")
    assert editor.locator('.field[data-field="mk:actor"] .picked').inner_text() == "Mongolia"
    editor.locator('input[data-key="mk:date"]').fill("in 2030")
    page.click(f'.item[data-iri="{MON}"] .accept-btn')
    _wait_status(page, "a date is YYYY-MM-DD")
    assert statements.read_bytes() == before
    # ... and the curator makes the mine type on purpose, with its label and kind
    editor.locator('input[data-key="mk:date"]').fill("2030")
    mine_type = editor.locator('.field[data-field="mk:mineType"]')
    mine_type.locator(".new-entity").check()
    mine_type.locator(".new-label").fill("MON-type mine")
    mine_type.locator(".new-kind").select_option("mk:MineType")
    page.locator(f'.item[data-iri="{MON}"]').scroll_into_view_if_needed()
    page.evaluate("window.scrollBy(0, -250)")
    page.screenshot(path=str(output_dir / "curate_page.png"))
    page.click(f'.item[data-iri="{MON}"] .accept-btn')
    _wait_status(page, "coverage now 3 of")
    written = RdfGraph().parse(statements)
    new_type = URIRef("https://w3id.org/minekg/id/minetype/mon-type-mine")
    assert (URIRef(MON), MK.mineType, new_type) in written and (new_type, None, MK.MineType) in written

    # reject by key, with a reason
    page.click(f'.item[data-iri="{ABROAD}"] .head')
    page.keyboard.press("r")
    page.fill(f'.item[data-iri="{ABROAD}"] .reason-input', "the unknown figure is of forces abroad, not a stockpile")
    page.keyboard.press("Enter")
    _wait_status(page, "will not propose it again")
    assert page.locator(f'.item.rejected[data-iri="{ABROAD}"]').count() == 1

    # exclude a heading through the page
    heading = page.locator('.sentence:has-text("Stockpiling and destruction")')
    heading.locator(".exclude-btn").click()
    heading.locator(".reason-input").fill("Section heading.")
    heading.locator(".reason-input").press("Enter")
    _wait_status(page, "sentence excluded")
    assert "excluded" in heading.get_attribute("class")

    # what was written builds, validates and answers the named queries
    rejected = yaml.safe_load((tree / "graph_data/drafts" / f"{SLUG}.rejections.yaml").read_text(encoding="utf-8"))
    assert rejected[0]["candidate"] == ABROAD and "forces abroad" in rejected[0]["reason"]
    excluded = yaml.safe_load((tree / "graph_data/coverage_exclusions" / f"{SLUG}.yaml").read_text(encoding="utf-8"))
    assert excluded == [{"sentence": "Stockpiling and destruction", "reason": "Section heading."}]
    out = tree / "rebuilt"
    build(project, out=out)
    report = validate(project)
    assert report.conforms, report.to_text()
    from minekg.build.assemble import assemble

    cov = document_coverage(assemble(project), URIRef("https://w3id.org/minekg/id/document/" + SLUG))
    assert (cov.covered, cov.excluded) == (3, 1)
    with Graph.open(path=out / "minekg.nq", project=project) as g:
        rows = g.query("019", statement=PARTY).dicts()
    assert rows and rows[0]["quote"] == "State Party"
    assert ABROAD not in {str(s) for s in draft(project, SLUG).subjects(MK.draftRule, None)}

    # a save over a file changed on disk since the page was loaded is refused, and says so
    edited = statements.read_text(encoding="utf-8") + "# a note added by hand\n"
    statements.write_text(edited, encoding="utf-8")
    page.click(f'.item[data-iri="{NEVER}"] .accept-btn')
    message = _wait_status(page, "changed since this page was loaded")
    assert "reload" in message.lower() and page.locator("#reload-btn").count() == 1
    assert statements.read_text(encoding="utf-8") == edited

    page.locator(f'.item[data-iri="{NEVER}"]').scroll_into_view_if_needed()
    # the refusals above were answered by the page; the browser itself logs each refused request
    refused = "Failed to load resource: the server responded with a status of"
    unexpected = [e for e in errors if not e.startswith(refused)]
    assert unexpected == []
    assert sorted({re.search(r"status of (\d+)", e).group(1) for e in errors if e not in unexpected}) == [
        "400", "409", "422"]
    assert [u for u in requests if not u.startswith((curate_server.base + "/", "data:", "about:"))] == []
    context.close()


def test_curate_writes_only_from_its_own_page(curate_server, tree):
    url = curate_server.url(f"/curate/{SLUG}/reject")
    body = {"candidate": NEVER, "reason": "x", "digest": "absent"}
    rejections = tree / "graph_data/drafts" / f"{SLUG}.rejections.yaml"
    before = rejections.read_bytes() if rejections.exists() else None
    code, text = _post(url, body, {})
    assert code == 403 and "X-Minekg-Token" in text
    with urllib.request.urlopen(curate_server.url(f"/curate/{SLUG}"), timeout=120) as r:
        html = r.read().decode()
    token = html.split('name="minekg-token" content="', 1)[1].split('"', 1)[0]
    code, text = _post(url, body, {"X-Minekg-Token": token, "Origin": "http://evil.example"})
    assert code == 403 and "Origin http://evil.example" in text
    assert (rejections.read_bytes() if rejections.exists() else None) == before


def test_plain_server_refuses_every_curate_route(tree):
    statements = tree / "graph_data/statements" / f"{SLUG}.ttl"
    before = statements.read_bytes() if statements.exists() else None
    s = ServeServer(None, "--workers", "1", root=tree).start()
    try:
        for path in ("/curate", f"/curate/{SLUG}"):
            with pytest.raises(urllib.error.HTTPError) as e:
                urllib.request.urlopen(s.url(path), timeout=30)
            assert e.value.code == 403
        for action in ("accept", "reject", "exclude"):
            code, text = _post(s.url(f"/curate/{SLUG}/{action}"), {"candidate": NEVER, "digest": "absent"}, {})
            assert code == 403 and "--curate" in text
    finally:
        assert s.stop() == 0
    assert (statements.read_bytes() if statements.exists() else None) == before


def test_stopping_the_server_mid_save_leaves_a_whole_file(tmp_path):
    """Ctrl-C while an accept is being checked and written: the statements file is the old one or the new
    one, whole (it parses and holds the statement), never a part; no temporary file is left behind."""
    tree = make_tree(tmp_path / "tree")
    folder = tree / "graph_data/statements"
    statements = folder / f"{SLUG}.ttl"
    s = ServeServer(None, "--curate", "--workers", "1", root=tree).start()
    with urllib.request.urlopen(s.url(f"/curate/{SLUG}"), timeout=120) as r:
        token = r.read().decode().split('name="minekg-token" content="', 1)[1].split('"', 1)[0]
    sending = threading.Thread(target=_post, args=(s.url(f"/curate/{SLUG}/accept"),
                                                   {"candidate": PARTY, "edits": {}, "digest": "absent"},
                                                   {"X-Minekg-Token": token}))
    sending.start()
    time.sleep(1.0)  # the save has started: the check takes seconds
    s.stop()
    sending.join(60)
    if statements.exists():
        assert (URIRef(PARTY), MK.status, MK.StatusParty) in RdfGraph().parse(statements)
    assert sorted(p.name for p in folder.iterdir() if p.name.startswith(".")) == []
