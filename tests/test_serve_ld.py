"""Linked data from `minekg serve`: every minekg IRI dereferences (303 to its page or its data), pages show
statements as sentences with their quotes and working local links, source documents highlight the quoted
passage, and the ontology IRI serves the ontology and its pyLODE documentation."""

from __future__ import annotations

import json
import re
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from minekg.rdf.namespaces import MK

from .conftest import require_tool
from .serve_server import ServeServer

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def server(built):
    s = ServeServer(built).start()
    yield s
    assert s.stop() == 0, s.output


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url: str, accept: str | None = None, follow: bool = True) -> tuple[int, dict[str, str], str]:
    opener = urllib.request.build_opener() if follow else urllib.request.build_opener(_NoRedirect)
    req = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    try:
        with opener.open(req, timeout=60) as r:
            return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read().decode("utf-8")


class Page(HTMLParser):
    """The parts of a page the tests read: links, headings, marked text, text by class."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.links: list[str] = []
        self.h1 = self.h2 = ""
        self.mark = ""
        self.text = ""
        self._in: list[str] = []
        self.h2s: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        self._in.append(tag)

    def handle_endtag(self, tag):
        if tag == "h2":
            self.h2s.append(self.h2.strip())
            self.h2 = ""
        while self._in and self._in.pop() != tag:
            pass

    def handle_data(self, data):
        self.text += data
        if "h1" in self._in:
            self.h1 += data
        if "h2" in self._in:
            self.h2 += data
        if "mark" in self._in:
            self.mark += data


def test_iri_dereferences_with_303_by_accept(server):
    cases = {
        "text/html": "/page/state/BLR",
        "text/html,application/xhtml+xml,*/*;q=0.8": "/page/state/BLR",
        None: "/page/state/BLR",
        "text/turtle": "/data/state/BLR.ttl",
        "application/ld+json": "/data/state/BLR.jsonld",
        "application/n-triples": "/data/state/BLR.nt",
        "application/rdf+xml": "/data/state/BLR.rdf",
        "text/turtle;q=0.9, text/html;q=0.1": "/data/state/BLR.ttl",
    }
    for accept, target in cases.items():
        status, headers, _ = fetch(server.url("/id/state/BLR"), accept, follow=False)
        assert status == 303, accept
        assert headers["location"] == target, accept
        assert "Accept" in headers["vary"]
    assert fetch(server.url("/id/state/BLR"), "image/png", follow=False)[0] == 406
    assert fetch(server.url("/id/state/XXX"), "text/html", follow=False)[0] == 404
    assert fetch(server.url("/id/statement/no-such-statement"), "text/turtle", follow=False)[0] == 404


def test_data_representations_describe_the_entity(server):
    iri = URIRef("https://w3id.org/minekg/id/state/BLR")
    for accept, fmt in (
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/rdf+xml", "xml"),
        ("application/ld+json", "json-ld"),
    ):
        status, headers, body = fetch(server.url("/id/state/BLR"), accept)
        assert status == 200 and headers["content-type"].startswith(accept), accept
        g = Graph()
        g.parse(data=body, format=fmt)
        assert (iri, RDFS.label, Literal("Belarus", lang="en")) in g, accept
        assert (iri, RDF.type, MK.State) in g, accept
    # a statement's description carries its blank nodes (period, quantity) whole
    status, _, body = fetch(server.url("/id/statement/armenia-2023-use-2020"), "text/turtle")
    g = Graph()
    g.parse(data=body, format="turtle")
    period = g.value(URIRef("https://w3id.org/minekg/id/statement/armenia-2023-use-2020"), MK.period)
    assert period is not None and str(g.value(period, MK.start)) == "2020-09"


def test_actor_page_shows_claims_made_and_received_with_quotes(server, graph):
    status, headers, html = fetch(server.url("/id/state/AZE"), "text/html")
    assert status == 200 and headers["content-type"].startswith("text/html")
    page = Page(html)
    assert page.h1.strip() == "Azerbaijan"
    made = [h for h in page.h2s if h.startswith("Claims made by Azerbaijan")]
    received = [h for h in page.h2s if h.startswith("Claims about Azerbaijan")]
    assert made and received, page.h2s
    # every allegation Azerbaijan makes is on the page, with its quote, in the "made" section
    rows = graph.sparql("""PREFIX mk: <https://w3id.org/minekg/ontology#>
        SELECT ?a ?quote WHERE { ?a a mk:Allegation ; mk:assertedBy <https://w3id.org/minekg/id/state/AZE> ;
                                 mk:evidence/mk:quote ?quote }""").dicts()
    assert rows
    made_part = html[html.index("Claims made by Azerbaijan") : html.index("Claims about Azerbaijan")]
    for row in rows:
        slug = row["a"].rsplit("/", 1)[-1]
        assert f'href="/id/statement/{slug}"' in made_part
        assert _html(row["quote"]) in made_part
    assert "alleges:" in made_part


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&#34;")


def test_every_local_link_on_a_page_works(server):
    _, _, html = fetch(server.url("/id/state/ARM"), "text/html")
    links = sorted({link.split("#")[0] for link in Page(html).links if link.startswith("/")})
    assert len(links) > 40
    assert not [link for link in Page(html).links if link.startswith("https://w3id.org/minekg/")]
    for link in links:
        status, _, _ = fetch(server.url(link), "text/html")
        assert status == 200, link


def test_statement_quote_leads_to_the_highlighted_passage(server, graph, project):
    iri = "https://w3id.org/minekg/id/statement/armenia-2023-arm-denies-use-2020"
    status, _, html = fetch(server.url("/id/statement/armenia-2023-arm-denies-use-2020"), "text/html")
    assert status == 200
    assert "denies:" in html
    page = Page(html)
    context = [link for link in page.links if link.startswith("/text/document/armenia-2023?evidence=")]
    assert len(context) >= 1
    quote, start, end, file = graph.sparql(f"""PREFIX mk: <https://w3id.org/minekg/ontology#>
        SELECT ?q ?s ?e ?f WHERE {{ <{iri}> mk:evidence ?ev . ?ev mk:quote ?q ; mk:startOffset ?s ;
            mk:endOffset ?e ; mk:source/mk:sourceFile ?f }}""").rows[0]
    status, _, text_html = fetch(server.url(context[0]), "text/html")
    assert status == 200
    text_page = Page(text_html)
    assert text_page.mark == str(quote)
    source = (project.graph_data / str(file)).read_text(encoding="utf-8")
    assert source[int(start) : int(end)] == text_page.mark
    assert 'id="quote"' in text_html
    # the whole document is there, not only the passage
    assert len(text_page.text) > len(source) * 0.9
    # evidence of another document is not highlighted in this one
    other = fetch(server.url("/text/document/belarus-2022?evidence=" + context[0].split("=")[1]), "text/html")
    assert other[0] == 404


def test_document_page_links_its_text(server):
    _, _, html = fetch(server.url("/id/document/belarus-2022"), "text/html")
    page = Page(html)
    assert page.h1.strip() == "Belarus: Mine Ban Policy"
    assert "/text/document/belarus-2022" in page.links
    assert any(h.startswith("Statements reported in") for h in page.h2s)


def test_ontology_iri_serves_the_ontology_and_its_documentation(server):
    status, headers, _ = fetch(server.url("/ontology"), "text/html", follow=False)
    assert status == 303 and headers["location"] == "/ontology.html"
    status, headers, _ = fetch(server.url("/ontology"), "text/turtle", follow=False)
    assert status == 303 and headers["location"] == "/ontology.ttl"
    status, _, body = fetch(server.url("/ontology"), "text/turtle")
    g = Graph()
    g.parse(data=body, format="turtle")
    assert (URIRef("https://w3id.org/minekg/ontology"), RDF.type, OWL.Ontology) in g
    assert (MK.Allegation, RDFS.subClassOf, MK.SpeechAct) in g
    # pyLODE runs once at start-up in the background: wait for it (bounded), then read the page
    deadline = time.monotonic() + 120
    while True:
        status, headers, html = fetch(server.url("/ontology.html"), "text/html")
        if status == 200 or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert status == 200, html
    assert 'id="State"' in html and 'id="Allegation"' in html
    assert 'href="https://w3id.org/minekg/' not in html  # links made local, so it browses offline
    assert "/ontology#SpeechAct" in html
    assert fetch(server.url("/ontology/0.1.0"), "text/html", follow=False)[0] == 303


def test_named_graph_iri_redirects_to_the_graph_store(server):
    status, headers, _ = fetch(server.url("/graph/document/kazakhstan-2019"), "text/turtle", follow=False)
    assert status == 303
    assert headers["location"] == "/graph-store?graph=" + urllib.parse.quote(
        "https://w3id.org/minekg/graph/document/kazakhstan-2019", safe=""
    )
    status, _, body = fetch(server.url("/graph/document/kazakhstan-2019"), "application/n-triples")
    assert status == 200 and "kazakhstan-2019" in body


def test_search_finds_states_people_and_mine_types(server):
    def search(q, kind):
        status, _, body = fetch(server.url("/api/search?" + urllib.parse.urlencode({"q": q, "kind": kind})))
        assert status == 200
        return json.loads(body)

    assert [r["href"] for r in search("belarus", "state")] == ["/id/state/BLR"]
    assert "/id/minetype/PMN-2" in [r["href"] for r in search("pmn", "minetype")]
    people = search("aliyev", "person")
    assert [r["label"] for r in people] == ["Ilham Aliyev"]
    assert fetch(server.url("/api/search?q=x&kind=planet"))[0] == 400


def test_hostile_paths_are_escaped_not_reflected(server):
    status, headers, html = fetch(server.url("/id/state/%3Cscript%3Ealert(1)%3C%2Fscript%3E"), "text/html")
    assert status == 404 and headers["content-type"].startswith("text/html")
    assert "<script>alert(1)" not in html
    status, _, html = fetch(server.url("/page/state/%22%3E%3Cimg%20src%3Dx%3E"), "text/html")
    assert status == 404 and "<img src=x>" not in html
    assert fetch(server.url("/data/state/BLR.exe"))[0] == 404
    assert fetch(server.url("/viz/%2e%2e/%2e%2e/%2e%2e/etc/passwd"))[0] == 404
    assert fetch(server.url("/viz/..%2f..%2fpyproject.toml"))[0] == 404


def test_turtle_description_parses_with_rapper(server, tmp_path):
    _, _, body = fetch(server.url("/id/statement/armenia-2023-aze-alleges-use-2020"), "text/turtle")
    rapper = require_tool("rapper", "raptor2-utils: apt-get install raptor2-utils, as .ci/run does")
    path = tmp_path / "d.ttl"
    path.write_text(body, encoding="utf-8")
    out = subprocess.run(
        [rapper, "-q", "-i", "turtle", "-o", "ntriples", str(path), "http://example.org/"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert re.search(
        r"<https://w3id.org/minekg/id/statement/armenia-2023-aze-alleges-use-2020> "
        r"<https://w3id.org/minekg/ontology#accused> <https://w3id.org/minekg/id/state/ARM>",
        out,
    )
