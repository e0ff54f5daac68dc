"""minekg add-source: a source document taken in as text, web page or PDF, described in sources.ttl.

Every document here is written by the test, in the genre's style, in our own words.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, XSD

from minekg.cli.root import main
from minekg.curation.intake import propose_slug
from minekg.rdf.namespaces import AG, DOC, MK, SCHEMA, ST

PRESS_RELEASE = (
    "Ministry of Defence of Examplestan: press release\n"
    "The Ministry reports that its engineers destroyed 1,250 stockpiled antipersonnel mines in March 2024.\n"
    "The Ministry states that it will complete the destruction of its remaining stock by the end of 2025.\n"
)

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Intersessional meetings: summary</title></head>
<body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/meetings">Meetings</a></li><li>Contact us</li></ul></nav>
<main><article>
<h1>Intersessional meetings: summary of the session on stockpile destruction</h1>
<p>At the session on stockpile destruction, the delegation of Examplestan reported that it had destroyed
all of its stockpiled antipersonnel mines and that no mines remained in its arsenals.</p>
<p>The co-chairs welcomed the report and recalled that each State Party must destroy its stockpile within
four years of the Convention entering into force for it.</p>
<p>Several delegations asked for details of the methods used; Examplestan said that it would give them in
its next transparency report.</p>
</article></main>
<footer>Copyright notice. Cookie settings. Follow us.</footer>
</body></html>
"""

PDF_LINES = ["Article 7 report of Examplestan, Form B.", "Stockpiled antipersonnel mines: none."]


def handmade_pdf(lines: list[str]) -> bytes:
    """A one-page PDF with a text layer, written by hand (objects, content stream, cross-reference table)."""
    text = "BT /F1 12 Tf 72 720 Td 14 TL " + " ".join(f"({line}) Tj T*" for line in lines) + " ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(text) + text.encode("latin-1") + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def cli(tree: Path, *args: str):
    return CliRunner().invoke(main, ["add-source", *args], env={"MINEKG_ROOT": str(tree)})


def snapshot(tree: Path) -> dict[str, bytes]:
    folder = tree / "graph_data" / "sources"
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def description(tree: Path) -> Graph:
    g = Graph()
    g.parse(tree / "graph_data" / "sources" / "sources.ttl", format="turtle")
    return g


def one_line_error(result, *parts: str) -> str:
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("minekg: error: "), result.stderr
    for part in parts:
        assert part in lines[0], (part, lines[0])
    assert "Traceback" not in result.output
    return lines[0]


def test_plain_text_is_kept_byte_for_byte_and_described_like_the_seed(fixture_tree, tmp_path):
    source = tmp_path / "release.txt"
    source.write_bytes(PRESS_RELEASE.encode("utf-8"))
    before = set(snapshot(fixture_tree))
    result = cli(fixture_tree, str(source), "--type", "press-release", "--title", "Stockpile destruction in 2024",
                 "--publisher", "ag:monitor", "--date", "2024-04", "--url", "https://example.org/release",
                 "--about", "st:UKR")
    assert result.exit_code == 0, result.output
    sha = hashlib.sha256(PRESS_RELEASE.encode("utf-8")).hexdigest()
    new = set(snapshot(fixture_tree)) - before
    assert new == {f"005_{sha[:16]}.txt"}
    assert (fixture_tree / "graph_data/sources" / f"005_{sha[:16]}.txt").read_bytes() == PRESS_RELEASE.encode("utf-8")
    g = description(fixture_tree)
    doc = DOC["stockpile-destruction-in-2024"]
    assert set(g.objects(doc, RDF.type)) == {MK.PressReleaseDocument}
    assert g.value(doc, DCTERMS.title) == Literal("Stockpile destruction in 2024", lang="en")
    assert g.value(doc, DCTERMS.publisher) == AG.monitor
    assert g.value(doc, DCTERMS.date) == Literal("2024-04", datatype=XSD.gYearMonth)
    assert g.value(doc, MK.sha256) == Literal(sha)
    assert g.value(doc, MK.sourceFile) == Literal(f"sources/005_{sha[:16]}.txt")
    assert g.value(doc, SCHEMA.url) == Literal("https://example.org/release", datatype=XSD.anyURI)
    assert g.value(doc, MK.aboutActor) == ST.UKR
    # the seed documents' descriptions are untouched: the file only grew (and gained the schema: prefix)
    seed = (Path(__file__).parent / "fixtures/seed/graph_data/sources/sources.ttl").read_text(encoding="utf-8")
    now = (fixture_tree / "graph_data/sources/sources.ttl").read_text(encoding="utf-8")
    assert "\n@prefix schema: <https://schema.org/> .\n\n# The source documents" in now
    assert now.replace("@prefix schema: <https://schema.org/> .\n", "").startswith(seed.rstrip("\n"))


def test_unknown_publisher_and_date_stay_unknown_and_a_republisher_is_named(fixture_tree, tmp_path):
    source = tmp_path / "report.txt"
    source.write_text("A news report written for this test about mine clearance near a river.\n", encoding="utf-8")
    result = cli(fixture_tree, str(source), "--type", "news-report", "--title", "Clearance near the river",
                 "--publisher-unknown", "--republisher", "ag:hrw", "--date", "unknown", "--slug", "river-2024")
    assert result.exit_code == 0, result.output
    g = description(fixture_tree)
    doc = DOC["river-2024"]
    assert set(g.objects(doc, MK.unknown)) == {DCTERMS.publisher, DCTERMS.date}
    assert g.value(doc, DCTERMS.publisher) is None and g.value(doc, DCTERMS.date) is None
    assert g.value(doc, MK.republishedBy) == AG.hrw


def test_a_country_profile_keeps_its_last_updated_day_and_a_year_stays_a_year(fixture_tree, tmp_path):
    (tmp_path / "a.txt").write_text("Examplestan: Mine Ban Policy\nLast updated: 2 May 2024\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("A treaty-body page written for this test, dated only by its year.\n",
                                    encoding="utf-8")
    assert cli(fixture_tree, str(tmp_path / "a.txt"), "--type", "country-profile", "--title", "Examplestan profile",
               "--publisher", "ag:monitor", "--date", "2024-05-02").exit_code == 0
    assert cli(fixture_tree, str(tmp_path / "b.txt"), "--type", "treaty-body-page", "--title", "Treaty page",
               "--publisher", "ag:un", "--date", "2024").exit_code == 0
    g = description(fixture_tree)
    assert g.value(DOC["examplestan-profile"], MK.lastUpdated) == Literal("2024-05-02", datatype=XSD.date)
    assert g.value(DOC["treaty-page"], DCTERMS.date) == Literal("2024", datatype=XSD.gYear)
    assert (DOC["treaty-page"], RDF.type, MK.TreatyBodyPage) in g


def test_a_web_page_becomes_its_main_text_and_the_original_is_kept(fixture_tree, tmp_path):
    page = tmp_path / "page.html"
    page.write_text(PAGE, encoding="utf-8")
    result = cli(fixture_tree, str(page), "--type", "treaty-body-page", "--title", "Intersessional summary",
                 "--publisher", "ag:un", "--date", "2024-06-20")
    assert result.exit_code == 0, result.output
    g = description(fixture_tree)
    doc = DOC["intersessional-summary"]
    text_file = fixture_tree / "graph_data" / str(g.value(doc, MK.sourceFile))
    original = fixture_tree / "graph_data" / str(g.value(doc, MK.originalFile))
    text = text_file.read_text(encoding="utf-8")
    assert "the delegation of Examplestan reported that it had destroyed" in " ".join(text.split())
    assert "Cookie settings" not in text and "Contact us" not in text  # boilerplate left out
    assert original.suffix == ".html" and original.read_bytes() == PAGE.encode("utf-8")
    assert g.value(doc, MK.originalSha256) == Literal(hashlib.sha256(PAGE.encode("utf-8")).hexdigest())
    assert g.value(doc, MK.sha256) == Literal(hashlib.sha256(text_file.read_bytes()).hexdigest())
    assert g.value(doc, MK.originalMediaType) == Literal("text/html")


def test_a_pdf_becomes_its_text_layer_and_the_original_is_kept(fixture_tree, tmp_path):
    pdf = handmade_pdf(PDF_LINES)
    (tmp_path / "form-b.pdf").write_bytes(pdf)
    result = cli(fixture_tree, str(tmp_path / "form-b.pdf"), "--type", "compliance-report",
                 "--title", "Examplestan Article 7 report, Form B", "--publisher", "ag:un", "--date", "2024")
    assert result.exit_code == 0, result.output
    g = description(fixture_tree)
    doc = DOC["examplestan-article-7-report-form-b"]
    text = (fixture_tree / "graph_data" / str(g.value(doc, MK.sourceFile))).read_text(encoding="utf-8")
    for line in PDF_LINES:
        assert line in text
    assert (fixture_tree / "graph_data" / str(g.value(doc, MK.originalFile))).read_bytes() == pdf
    assert (doc, RDF.type, MK.ComplianceReportDocument) in g


@pytest.mark.parametrize("name, data, expected", [
    ("latin1.txt", "Déminage à Exampleville\n".encode("latin-1"),
     "latin1.txt:1: not valid UTF-8 (byte 0xe9 at offset 1)"),
    ("empty.txt", b"", "empty.txt: empty file; nothing written"),
    ("picture.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "picture.png: a binary file that is neither HTML nor PDF"),
])
def test_unusable_files_are_one_line_errors_and_nothing_is_written(fixture_tree, tmp_path, name, data, expected):
    (tmp_path / name).write_bytes(data)
    before = snapshot(fixture_tree)
    one_line_error(cli(fixture_tree, str(tmp_path / name), "--type", "news-report", "--title", "Anything",
                       "--publisher-unknown", "--date", "unknown"), expected)
    assert snapshot(fixture_tree) == before


def test_the_same_bytes_or_slug_twice_is_refused(fixture_tree, tmp_path):
    seed_text = fixture_tree / "graph_data/sources/001_468ac05468c00f4e.txt"
    before = snapshot(fixture_tree)
    one_line_error(cli(fixture_tree, str(seed_text), "--type", "country-profile", "--title", "Belarus again",
                       "--publisher", "ag:monitor", "--date", "2022"),
                   "the same bytes are already graph_data/sources/001_468ac05468c00f4e.txt (doc:belarus-2022)")
    (tmp_path / "new.txt").write_text("A different text written for this test.\n", encoding="utf-8")
    one_line_error(cli(fixture_tree, str(tmp_path / "new.txt"), "--type", "news-report", "--title", "x",
                       "--slug", "belarus-2022", "--publisher-unknown", "--date", "unknown"),
                   "--slug belarus-2022: doc:belarus-2022 is already described in graph_data/sources/")
    assert snapshot(fixture_tree) == before


@pytest.mark.parametrize("args, expected", [
    (["--date", "2024-13"], "--date 2024-13: not a date (YYYY, YYYY-MM or YYYY-MM-DD, or unknown)"),
    (["--date", "2024", "--publisher", "ag:nobody"], "--publisher ag:nobody: not defined in graph_data/reference/"),
    (["--date", "2024", "--type", "blog"], "--type blog: expected one of country-profile, news-report"),
])
def test_bad_metadata_is_a_one_line_error(fixture_tree, tmp_path, args, expected):
    (tmp_path / "t.txt").write_text("Text written for this test.\n", encoding="utf-8")
    base = {"--type": "news-report", "--title": "T", "--publisher": "ag:monitor"}
    for flag, value in zip(args[::2], args[1::2], strict=True):
        base[flag] = value
    flat = [x for pair in base.items() for x in pair]
    before = snapshot(fixture_tree)
    one_line_error(cli(fixture_tree, str(tmp_path / "t.txt"), *flat), expected)
    assert snapshot(fixture_tree) == before


def test_slug_proposed_from_the_title():
    proposed = propose_slug("Ukraine: Mine Ban Policy — Último informe, 2024")
    assert proposed == "ukraine-mine-ban-policy-ultimo-informe-2024"
    assert len(propose_slug("word " * 40)) <= 60


def test_intake_writes_the_same_bytes_every_time(fixture_tree, tmp_path):
    (tmp_path / "page.html").write_text(PAGE, encoding="utf-8")
    args = [str(tmp_path / "page.html"), "--type", "treaty-body-page", "--title", "Summary", "--publisher", "ag:un",
            "--date", "2024"]
    first = tmp_path / "first"
    shutil.copytree(fixture_tree, first, symlinks=True)
    assert cli(first, *args).exit_code == 0
    assert cli(fixture_tree, *args).exit_code == 0
    assert snapshot(first) == snapshot(fixture_tree)


def test_the_new_terms_are_declared(fixture_tree):
    g = Graph()
    for path in (fixture_tree / "ontology").glob("*.ttl"):
        g.parse(path, format="turtle")
    for term in (MK.PressReleaseDocument, MK.TreatyBodyPage, MK.ComplianceReportDocument, MK.republishedBy,
                 MK.originalFile, MK.originalSha256, MK.originalMediaType):
        assert (term, RDF.type, None) in g, term
    assert (MK.TreatyBodyPage, URIRef("http://www.w3.org/2000/01/rdf-schema#subClassOf"), MK.SourceDocument) in g


def test_the_check_reports_an_original_that_changed_after_intake(fixture_tree, tmp_path):
    (tmp_path / "page.html").write_text(PAGE, encoding="utf-8")
    assert cli(fixture_tree, str(tmp_path / "page.html"), "--type", "treaty-body-page", "--title", "Summary",
               "--publisher", "ag:un", "--date", "2024").exit_code == 0
    g = description(fixture_tree)
    original = fixture_tree / "graph_data" / str(g.value(DOC["summary"], MK.originalFile))
    original.write_bytes(PAGE.replace("destroyed", "retained").encode("utf-8"))
    result = CliRunner().invoke(main, ["check", "summary"], env={"MINEKG_ROOT": str(fixture_tree)})
    assert result.exit_code == 1, result.output
    rel = original.relative_to(fixture_tree)
    assert (f"  graph_data/sources/sources.ttl: doc:summary mk:originalSha256: original file {rel} has SHA-256 "
            in result.output)
    assert "[original kept unchanged]" in result.output


def test_a_reference_table_keeps_its_csv_suffix(fixture_tree, tmp_path):
    (tmp_path / "table.csv").write_text("state,status\nExamplestan,test row\n", encoding="utf-8")
    assert cli(fixture_tree, str(tmp_path / "table.csv"), "--type", "reference-table", "--title", "Test table",
               "--publisher", "ag:monitor", "--date", "unknown").exit_code == 0
    rel = str(description(fixture_tree).value(DOC["test-table"], MK.sourceFile))
    assert rel.startswith("sources/005_") and rel.endswith(".csv")
