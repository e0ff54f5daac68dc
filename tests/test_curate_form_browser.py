"""The new-statement form of the curation page says what the old one could not, in real headless Chromium on
a copy of the frozen seed whose Kazakhstan profile has lost its statements (its things, footnotes and
cited works kept): a speech act (an acknowledgement) with its content statement made with it, two quotes
(the second the footnote's own text, selected in another sentence) and a footnote number on each. Saved,
the file holds exactly the curated statement, builds, validates, and query 018 returns the acknowledged
use with both quotes. A quote that is not in the source is refused beside the statement, the file untouched."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph as RdfGraph
from rdflib import Literal, URIRef
from rdflib.compare import isomorphic

from bench.curate_form import strip_statements
from minekg.build.assemble import build
from minekg.build.validation import validate
from minekg.project import Project
from minekg.query.graph import Graph
from minekg.rdf.namespaces import MK, S

from .chromium import CHROMIUM, FLAGS
from .seed import copy_tree
from .serve_server import ServeServer
from .test_curate_new_browser import _select

pytestmark = [pytest.mark.browser, pytest.mark.server]

SLUG = "kazakhstan-2019"
QUOTE = "Government officials have at times acknowledged the use of landmines in border areas"
FOOTNOTE = "For past statements, see, Landmine Monitor Report 2007, p. 862; and Landmine Monitor Report 2005, p. 770."
ACK = URIRef(f"{S}{SLUG}-acknowledges-use-border-areas")
USE = URIRef(f"{S}{SLUG}-use-border-areas")


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> tuple[Path, RdfGraph]:
    root = copy_tree(tmp_path_factory.mktemp("curate-form") / "tree")
    seed = strip_statements(Project(root), SLUG)
    build(Project(root))
    return root, seed


@pytest.fixture(scope="module")
def page(tree):
    from playwright.sync_api import sync_playwright

    server = ServeServer(None, "--curate", "--workers", "1", root=tree[0]).start()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        pg = browser.new_page(viewport={"width": 1400, "height": 1000})
        pg.set_default_timeout(120_000)  # each save runs the whole-graph check; a loaded machine is slow
        errors: list[str] = []
        pg.on("pageerror", lambda e: errors.append(str(e)))
        pg.goto(server.url(f"/curate/{SLUG}"))
        pg.wait_for_load_state("load")
        yield pg, errors
        browser.close()
    assert server.stop() == 0, server.output


def _sentence(pg, text: str):
    return pg.locator(".sentence", has=pg.locator(".sentence-text", has_text=text)).first


def _field(form, key: str):
    return form.locator(f':scope > .new-fields > .field[data-field="{key}"]')


def _wait_problem_or_made(pg, sentence) -> None:
    start = sentence.get_attribute("data-start")
    pg.wait_for_function("""s => { const x = document.querySelector(`.sentence[data-start="${s}"]`);
        return x.querySelector('.made') || x.querySelector('.text > .problems .problem'); }""", arg=start)


def test_a_quote_not_in_the_source_is_refused_beside_the_statement(page, tree):
    pg, errors = page
    statements = tree[0] / "graph_data/statements" / f"{SLUG}.ttl"
    before = statements.read_bytes()
    sentence = _sentence(pg, "Kazakhstan is also not party to the Convention on Cluster Munitions.")
    sentence.locator(".new-btn").click()
    form = sentence.locator(".new-form")
    form.locator(".new-kind-select").select_option("mk:TreatyStatus")
    _field(form, "mk:actor").locator("input.picker").fill("st:KAZ")
    _field(form, "mk:assertedBy").locator("input.picker").fill("ag:monitor")
    _field(form, "mk:instrument").locator("input.picker").fill("instr:ccm")
    _field(form, "mk:status").locator("select").select_option("mk:StatusNotParty")
    form.locator(".add-quote").click()
    form.locator(".extra-quote-text").fill("Kazakhstan has joined the Convention on Cluster Munitions.")
    form.locator(".save-new").click()
    _wait_problem_or_made(pg, sentence)
    problem = sentence.locator(".text > .problems .problem")
    assert problem.count() == 1
    assert "Kazakhstan has joined the Convention on Cluster Munitions." in problem.inner_text()
    assert "not found in the source" in problem.inner_text()
    assert sentence.locator(".made").count() == 0
    assert statements.read_bytes() == before
    form.locator(".cancel-new").click()
    assert errors == []


def test_speech_act_with_two_quotes_and_a_footnote(page, tree):
    pg, errors = page
    root, seed = tree
    statements = root / "graph_data/statements" / f"{SLUG}.ttl"
    sentence = _sentence(pg, QUOTE)
    sentence.locator(".badge").click()
    _select(pg, sentence, QUOTE)
    pg.keyboard.press("s")
    form = sentence.locator(".new-form")
    assert form.locator(".new-quote").input_value() == QUOTE
    form.locator(".new-kind-select").select_option("mk:Acknowledgement")
    # a speech act asks at once for its speaker and its content
    required = sorted(form.locator(":scope > .new-fields > .field.required").evaluate_all(
        "ns => ns.map(n => n.dataset.field)"))
    assert required == ["mk:assertedBy", "mk:content"]
    form.locator(".new-name").fill("acknowledges-use-border-areas")
    form.locator(".new-footnote").fill("7")
    # the second quote: the footnote's text, selected where it stands in the document
    form.locator(".add-quote").click()
    _select(pg, _sentence(pg, FOOTNOTE), FOOTNOTE)
    form.locator(".extra-quote .use-selection").click()
    assert form.locator(".extra-quote-text").input_value() == FOOTNOTE
    form.locator(".extra-footnote").fill("7")
    _field(form, "mk:assertedBy").locator("input.picker").fill("st:KAZ")
    form.locator(":scope > .more-fields").select_option("mk:summary")
    _field(form, "mk:summary").locator("input").fill(str(seed.value(ACK, MK.summary)))
    # the content: a mine use, made with the acknowledgement, with no speaker of its own
    content = _field(form, "mk:content").locator(".content-field")
    content.locator(".content-kind").select_option("mk:MineUse")
    content.locator(".content-name").fill("use-border-areas")
    box = content.locator(".fieldset")
    assert box.locator('.field[data-field="mk:assertedBy"]').count() == 0
    things = [("mk:actor", "st:KAZ"), ("mk:mineType", "mt:landmine"), ("mk:place", "place:kazakhstan-border-areas")]
    for key, value in things:
        box.locator(":scope > .more-fields").select_option(key)
        box.locator(f'.field[data-field="{key}"] input.picker').fill(value)
    box.locator(":scope > .more-fields").select_option("mk:summary")
    box.locator('.field[data-field="mk:summary"] input').fill(str(seed.value(USE, MK.summary)))
    form.locator(".save-new").click()
    _wait_problem_or_made(pg, sentence)
    problems = sentence.locator(".text > .problems")
    assert problems.locator(".problem").count() == 0, problems.inner_text()
    assert sentence.locator(".made").inner_text().endswith(f"s:{SLUG}-acknowledges-use-border-areas")

    # the file holds exactly the curated acknowledgement and its content: two quotes, each with footnote 7
    written = RdfGraph().parse(statements)
    def part(g: RdfGraph) -> RdfGraph:
        out = RdfGraph()
        for s in (ACK, USE, *g.objects(ACK, MK.evidence)):
            for t in g.triples((s, None, None)):
                out.add(t)
        return out
    assert len(list(written.objects(ACK, MK.evidence))) == 2
    assert isomorphic(part(written), part(seed))

    # it builds, validates, and query 018 (mine use and every account of it) returns both quotes
    project = Project(root)
    out = root / "rebuilt"
    build(project, out=out)
    report = validate(project)
    assert report.conforms, report.to_text()
    with Graph.open(path=out / "minekg.nq", project=project) as g:
        rows = [r for r in g.query("018", state="KAZ").dicts() if r["account"] == str(ACK)]
    assert {r["use"] for r in rows} == {str(USE)}
    assert {r["quote"] for r in rows} == {QUOTE, FOOTNOTE}
    assert errors == []


def test_edit_form_adds_fields_and_a_quote_before_accepting(page, tree):
    pg, errors = page
    statements = tree[0] / "graph_data/statements" / f"{SLUG}.ttl"
    item = pg.locator(".item.candidate", has=pg.locator(".head b", has_text="MeetingParticipation")).filter(
        has=pg.locator("mark", has_text="Fourteenth Meeting of States Parties")).first
    iri = URIRef(item.get_attribute("data-iri"))
    item.locator(".head").click()
    pg.keyboard.press("e")
    editor = item.locator(".editor")
    editor.locator(":scope > .more-fields").select_option("mk:madeStatement")
    editor.locator(':scope > .new-fields > .field[data-field="mk:madeStatement"] select').select_option("false")
    editor.locator(".add-quote").click()
    remark = "It did not make any formal remarks at these meetings."
    editor.locator(".extra-quote-text").fill(remark)
    item.locator(".accept-btn").click()
    pg.wait_for_function("""i => { const n = document.querySelector(`.item[data-iri="${i}"]`);
        return n.classList.contains('accepted') || n.querySelector('.problem'); }""", arg=str(iri))
    assert item.locator(".problem").count() == 0, item.locator(".problems").inner_text()
    written = RdfGraph().parse(statements)
    assert (iri, MK.madeStatement, Literal(False)) in written
    assert remark in {str(written.value(ev, MK.quote)) for ev in written.objects(iri, MK.evidence)}
    assert errors == []
