"""Taking a source document in: `minekg add-source FILE`.

The bytes are copied into graph_data/sources/ and described in graph_data/sources/sources.ttl the way the
seed documents are (class, title, publisher or mk:unknown, date at its precision, file and SHA-256). Plain
text is kept byte for byte. A web page or a PDF is turned into text once (trafilatura's main-text
extraction, pypdf's text layer): that text is the source quotes point into, and the original is kept
beside it with its own checksum. Nothing is written unless everything checks.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, XSD

from minekg import atomic
from minekg.build import states
from minekg.errors import MinekgError
from minekg.project import Project
from minekg.rdf import isodates
from minekg.rdf.loading import parse_turtle, read_bytes, read_text
from minekg.rdf.namespaces import DOC, MK, PREFIXES, SCHEMA, ST, shorten

# The genres a curator names, and the ontology's class for each (ontology/minekg.ttl, vocabularies.ttl).
TYPES: dict[str, URIRef] = {
    "country-profile": MK.CountryProfile,
    "news-report": MK.NewsReport,
    "press-release": MK.PressReleaseDocument,
    "treaty-body-page": MK.TreatyBodyPage,
    "compliance-report": MK.ComplianceReportDocument,
    "reference-table": MK.ReferenceTable,
}
DESCRIPTION_FILE = "sources.ttl"
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
HTML_MARKERS = (b"<!doctype html", b"<html", b"<head", b"<body")
# Plain text keeps these suffixes (a reference table stays .csv, which coverage and the register read as a
# table); any other plain text is stored as .txt.
TEXT_SUFFIXES = (".txt", ".csv", ".tsv", ".md")


@dataclass(frozen=True)
class Metadata:
    """What the curator says about the document (the add-source options)."""

    type: str
    title: str
    publisher: str | None = None  # "ag:slug", "st:XXX" or a full IRI; None with publisher_unknown
    publisher_unknown: bool = False
    republisher: str | None = None
    date: str = "unknown"  # YYYY, YYYY-MM, YYYY-MM-DD or "unknown"
    url: str | None = None
    slug: str | None = None
    about: tuple[str, ...] = ()


@dataclass(frozen=True)
class Received:
    """The file as it will be kept: the text quotes point into, and the original where it was converted."""

    text: bytes
    original: bytes | None = None
    media_type: str | None = None  # of the original
    extension: str | None = None  # of the original where converted, else of the plain text file kept


@dataclass
class Added:
    document: str
    text_file: str
    sha256: str
    original_file: str | None = None
    original_sha256: str | None = None
    written: list[Path] = field(default_factory=list)


# ------------------------------------------------------------------ reading what was given


def receive(path: Path, shown: str) -> Received:
    """Classify and convert the file: plain UTF-8 text as it is, HTML and PDF to text; else refuse."""
    data = read_bytes(path, shown)
    if not data.strip():
        raise MinekgError(f"{shown}: empty file; nothing written")
    if data.startswith(b"%PDF-"):
        return Received(_pdf_text(data, shown), data, "application/pdf", "pdf")
    if _looks_like_html(data):
        return Received(_html_text(data, shown), data, "text/html", "html")
    if b"\x00" in data:
        raise MinekgError(f"{shown}: a binary file that is neither HTML nor PDF (first bytes "
                          f"{data[:4].hex(' ')}); give plain UTF-8 text, a web page or a PDF; nothing written")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise MinekgError(f"{shown}:{line}: not valid UTF-8 (byte 0x{data[e.start]:02x} at offset {e.start}); "
                          "save the file as UTF-8; nothing written") from None
    return Received(data, extension=path.suffix.lower().lstrip(".") if path.suffix.lower() in TEXT_SUFFIXES else None)


def _looks_like_html(data: bytes) -> bool:
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return any(marker in head for marker in HTML_MARKERS)


def _html_text(data: bytes, shown: str) -> bytes:
    import trafilatura
    from trafilatura.settings import use_config

    config = use_config()
    # No signal-based timeout (it fails outside the main thread), and short pages (a press release) kept.
    config.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")
    config.set("DEFAULT", "MIN_EXTRACTED_SIZE", "1")
    text = trafilatura.extract(data, output_format="txt", include_comments=False, include_tables=True,
                               include_links=False, include_images=False, deduplicate=False, config=config)
    if not text or not text.strip():
        raise MinekgError(f"{shown}: no main text found in the web page; nothing written")
    return _tidy(text)


def _pdf_text(data: bytes, shown: str) -> bytes:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, OSError) as e:
        raise MinekgError(f"{shown}: not a readable PDF ({str(e).splitlines()[0] if str(e) else type(e).__name__}); "
                          "nothing written") from None
    text = "\n\n".join(p.strip() for p in pages if p.strip())
    if not text:
        raise MinekgError(f"{shown}: the PDF has no text layer (a scan?); nothing written")
    return _tidy(text)


def _tidy(text: str) -> bytes:
    """Extracted text with one line ending, no trailing spaces and one final newline (stable bytes)."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    body = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")
    return (body + "\n").encode("utf-8")


# ------------------------------------------------------------------ checking the metadata


def propose_slug(title: str) -> str:
    """A readable slug from the title: ASCII, lower case, words joined by hyphens, at most 60 characters."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    words = re.findall(r"[a-z0-9]+", ascii_title.lower())
    slug = ""
    for word in words:
        if len(slug) + len(word) + 1 > 60:
            break
        slug = f"{slug}-{word}" if slug else word
    if not slug:
        raise MinekgError(f"--title {title!r}: no letters or digits to make a slug from; give --slug")
    return slug


def date_literal(value: str) -> Literal | None:
    """The date at the precision given (xsd:gYear, xsd:gYearMonth, xsd:date); None for "unknown"."""
    if value == "unknown":
        return None
    datatype = isodates.datatype(value)
    if datatype is None:
        raise MinekgError(f"--date {value}: not a date (YYYY, YYYY-MM or YYYY-MM-DD, or unknown)")
    return Literal(value, datatype=datatype)


def _expand(value: str) -> URIRef:
    prefix, sep, rest = value.partition(":")
    if sep and prefix in PREFIXES and not rest.startswith("//"):
        return URIRef(PREFIXES[prefix] + rest)
    return URIRef(value)


def _agent(option: str, value: str, defined: set) -> URIRef:
    """An agent the reference data defines (or a state by its ISO code): never a new name typed in passing."""
    iri = _expand(value)
    if str(iri).startswith(str(ST)):
        if states.lookup(str(iri)[len(str(ST)) :]) is None:
            raise MinekgError(f"{option} {value}: not an ISO 3166 alpha-3 state code")
        return iri
    if iri not in defined:
        raise MinekgError(f"{option} {value}: not defined in graph_data/reference/ "
                          "(add the agent to graph_data/reference/actors.ttl first)")
    return iri


def _defined(project: Project) -> set:
    g = Graph()
    for path in sorted(project.reference.glob("*.ttl")):
        g += parse_turtle(path, project.rel(path))
    return set(g.subjects(RDF.type))


# ------------------------------------------------------------------ what is there already


def _descriptions(project: Project) -> Graph:
    g = Graph()
    for path in sorted(project.sources.glob("*.ttl")):
        g += parse_turtle(path, project.rel(path))
    return g


def _refuse_duplicates(project: Project, known: Graph, doc: URIRef, received: Received, shown: str) -> None:
    if (doc, None, None) in known:
        raise MinekgError(f"--slug {str(doc)[len(str(DOC)):]}: {shorten(str(doc))} is already described in "
                          f"{project.rel(project.sources)}/; choose another slug; nothing written")
    mine = {hashlib.sha256(received.text).hexdigest()}
    if received.original is not None:
        mine.add(hashlib.sha256(received.original).hexdigest())
    for prop, file_prop in ((MK.sha256, MK.sourceFile), (MK.originalSha256, MK.originalFile)):
        for other, checksum in known.subject_objects(prop):
            if str(checksum) in mine:
                where = known.value(other, file_prop)
                raise MinekgError(f"{shown}: the same bytes are already graph_data/{where} "
                                  f"({shorten(str(other))}); nothing written")


def _next_number(project: Project) -> int:
    numbers = [int(p.name[:3]) for p in project.sources.iterdir() if re.match(r"^\d{3}_", p.name)]
    return max(numbers, default=-1) + 1


# ------------------------------------------------------------------ describing and writing


def describe(doc: URIRef, meta: Metadata, publisher: URIRef | None, republisher: URIRef | None,
             about: list[URIRef], files: dict[str, str]) -> Graph:
    """The document's description, as the seed documents in sources.ttl are described."""
    g = Graph(bind_namespaces="none")
    cls = TYPES[meta.type]
    g.add((doc, RDF.type, cls))
    g.add((doc, DCTERMS.title, Literal(meta.title, lang="en")))
    if publisher is not None:
        g.add((doc, DCTERMS.publisher, publisher))
    else:
        g.add((doc, MK.unknown, DCTERMS.publisher))
    if republisher is not None:
        g.add((doc, MK.republishedBy, republisher))
    date = date_literal(meta.date)
    if date is None:
        g.add((doc, MK.unknown, DCTERMS.date))
    elif cls == MK.CountryProfile and date.datatype == XSD.date:
        g.add((doc, MK.lastUpdated, date))  # a profile's own "Last updated" date, as the seed profiles
    else:
        g.add((doc, DCTERMS.date, date))
    for actor in about:
        g.add((doc, MK.aboutActor, actor))
    if meta.url:
        g.add((doc, SCHEMA.url, Literal(meta.url, datatype=XSD.anyURI)))
    g.add((doc, MK.sourceFile, Literal(files["text"])))
    g.add((doc, MK.sha256, Literal(files["sha256"])))
    if "original" in files:
        g.add((doc, MK.originalFile, Literal(files["original"])))
        g.add((doc, MK.originalSha256, Literal(files["original_sha256"])))
        g.add((doc, MK.originalMediaType, Literal(files["media_type"])))
    return g


def appended_description(current: str, block: Graph) -> str:
    """sources.ttl with the new document's block appended: rdflib's Turtle for it, under the file's own
    prefixes (the existing descriptions and their comments are left as they are)."""
    for prefix, ns in PREFIXES.items():  # minekg's usual prefixes where the file has none of its own
        block.bind(prefix, ns, override=True, replace=True)
    for prefix, ns in re.findall(r"^@prefix\s+(\S*):\s*<([^>]*)>", current, re.MULTILINE):
        if prefix:
            block.bind(prefix, ns, override=True, replace=True)
    turtle = block.serialize(format="turtle")
    lines = turtle.splitlines()
    body = "\n".join(line for line in lines if not line.startswith("@prefix")).strip("\n")
    known = set(re.findall(r"^@prefix\s+(\S*:)", current, re.MULTILINE))  # the file's own, not rdflib's defaults
    missing = [line for line in lines if line.startswith("@prefix") and line.split()[1] not in known]
    head = current.rstrip("\n")
    if missing:  # a prefix the file lacks (schema: for a URL) joins the file's own, after the last of them
        at = head.rfind("\n", 0, head.rfind("@prefix")) + 1
        end = head.index("\n", at)
        head = head[:end] + "\n" + "\n".join(missing) + head[end:]
    return head + "\n\n" + body + "\n"


def add_source(path: Path, meta: Metadata, project: Project | None = None) -> Added:
    project = project or Project.default()
    shown = str(path)
    if meta.type not in TYPES:
        raise MinekgError(f"--type {meta.type}: expected one of {', '.join(TYPES)}")
    if not meta.title.strip():
        raise MinekgError("--title: empty; give the document's title as it gives it")
    if (meta.publisher is None) == (not meta.publisher_unknown):
        raise MinekgError("--publisher: give the publisher (ag:slug) or --publisher-unknown, not both or neither")
    slug = meta.slug or propose_slug(meta.title)
    if not SLUG.match(slug):
        raise MinekgError(f"--slug {slug}: use lower-case letters, digits and single hyphens")
    date_literal(meta.date)  # checked before anything is read or written
    defined = _defined(project)
    publisher = _agent("--publisher", meta.publisher, defined) if meta.publisher else None
    republisher = _agent("--republisher", meta.republisher, defined) if meta.republisher else None
    about = [_agent("--about", a, defined) for a in meta.about]
    received = receive(path, shown)
    description_path = project.sources / DESCRIPTION_FILE
    current = read_text(description_path, project.rel(description_path))
    existing = parse_turtle(description_path, project.rel(description_path))
    doc = DOC[slug]
    _refuse_duplicates(project, _descriptions(project), doc, received, shown)
    return _write(project, doc, meta, publisher, republisher, about, received, current, existing)


def _write(project: Project, doc: URIRef, meta: Metadata, publisher, republisher, about, received: Received,
           current: str, existing: Graph) -> Added:
    number = _next_number(project)
    sha = hashlib.sha256(received.text).hexdigest()
    suffix = received.extension if received.original is None and received.extension else "txt"
    files = {"text": f"sources/{number:03d}_{sha[:16]}.{suffix}", "sha256": sha}
    if received.original is not None:
        osha = hashlib.sha256(received.original).hexdigest()
        files.update(original=f"sources/{number:03d}_{osha[:16]}.{received.extension}", original_sha256=osha,
                     media_type=received.media_type or "")
    block = describe(doc, meta, publisher, republisher, about, files)
    text = appended_description(current, block)
    _check_parses(text, existing, block, project)
    added = Added(shorten(str(doc)), f"graph_data/{files['text']}", sha,
                  f"graph_data/{files['original']}" if "original" in files else None, files.get("original_sha256"))
    try:
        for rel, data in ((files["text"], received.text), (files.get("original"), received.original)):
            if rel is not None and data is not None:
                atomic.write_bytes(project.graph_data / rel, data)
                added.written.append(project.graph_data / rel)
        atomic.write_text(project.sources / DESCRIPTION_FILE, text)
    except BaseException:
        for written in added.written:  # nothing half-written: the copies go if the description could not
            written.unlink(missing_ok=True)
        raise
    return added


def _check_parses(text: str, existing: Graph, block: Graph, project: Project) -> None:
    """The new sources.ttl must read back as the old triples plus the new block, exactly."""
    g = Graph()
    try:
        g.parse(data=text, format="turtle", publicID=(project.sources / DESCRIPTION_FILE).resolve().as_uri())
    except Exception:  # rdflib's parser raises several kinds; any of them means the same here
        g = Graph()
    expected = Graph()
    expected += existing
    expected += block
    if set(g) != set(expected):
        raise MinekgError(f"{project.rel(project.sources / DESCRIPTION_FILE)}: the new description would not "
                          "read back as written; nothing written")
