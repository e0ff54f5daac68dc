"""Linked-data export for partners: `minekg export --format F --out DIR [--profile P]`.

Reads the built dataset (build/minekg.nq), keeps what the release profile allows (export_markings), and
writes one folder: the data in the chosen format, description.ttl (DCAT and VoID, export_description) and
SHA256SUMS. Formats: turtle, ntriples, nquads, trig (one named graph per source), rdfxml, jsonld (with
context.jsonld, framed: export_jsonld) and csv (one table per statement kind and a README: export_csv).
The same build gives the same bytes. The folder appears whole or not at all: it is written beside the
target and renamed over it; a non-empty target is replaced only with --force, and only if it is an export.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from minekg import __version__, atomic, resources
from minekg import formats as registry
from minekg.errors import MinekgError
from minekg.project import Project
from minekg.rdf import oxi
from minekg.rdf.namespaces import PREFIXES
from minekg.release import description as export_description
from minekg.release import export_csv, export_jsonld, export_rdf
from minekg.release.markings import DEFAULT_PROFILE, Release, find_profile, profiles, read_nquads, release

EXPORT_PREFIXES = {**PREFIXES, "vann": "http://purl.org/vocab/vann/", "foaf": "http://xmlns.com/foaf/0.1/"}
DESCRIPTION = "description.ttl"
CHECKSUMS = "SHA256SUMS"
# Marks a folder as an export, so that --force never replaces anything else.
EXPORT_MARKERS = (CHECKSUMS, DESCRIPTION)


@dataclass(frozen=True)
class Format:
    name: str
    file: str  # the main file
    summary: str


FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("turtle", "minekg.ttl", "Turtle, the union of all graphs"),
    Format("ntriples", "minekg.nt", "N-Triples, the union of all graphs, sorted"),
    Format("nquads", "minekg.nq", "N-Quads, one named graph per source, sorted"),
    Format("trig", "minekg.trig", "TriG, one named graph per source"),
    Format("rdfxml", "minekg.rdf", "RDF/XML, the union of all graphs"),
    Format("jsonld", "minekg.jsonld", "JSON-LD framed per statement, with context.jsonld"),
    Format("csv", "README.md", "CSV, one table per statement kind in tables/, with README.md"),
)}
# Other names come from the registry (minekg/formats.py: ttl, nt, nq, n-triples, json-ld, rdf/xml, ...);
# for a whole dataset `xml` can only mean RDF/XML (for query results it means SPARQL XML).
ALIASES = {"xml": "rdfxml"}


@dataclass
class ExportReport:
    out: Path
    format: str
    profile: str
    files: dict[str, int] = field(default_factory=dict)  # file -> bytes
    triples: int = 0
    withheld: int = 0  # IRIs and blank nodes the profile withheld


def find_format(name: str) -> Format:
    key = name.strip().lower()
    known = registry.find(ALIASES.get(key, key))
    if known is None or known.name not in FORMATS:
        raise MinekgError(f"unknown format {name!r} (one of: {', '.join(FORMATS)})")
    return FORMATS[known.name]


def export_folder() -> Path:
    """The JSON-LD context and frame, the CSV README template and the dataset description template: package
    data (minekg/assets/export/), the same for every project."""
    return resources.asset("export")


# ------------------------------------------------------------------ rendering


def _union(quads) -> set:
    return {(s, p, o) for s, p, o, _g in quads}


def render(rel: Release, fmt: Format, project: Project) -> dict[str, bytes]:
    """The data files of `fmt` for a release, as file name -> bytes (no description yet)."""
    folder = export_folder()
    shown = resources.shown(folder)
    if fmt.name == "nquads":
        return {fmt.file: "".join(oxi.nquads_lines(rel.quads)).encode("utf-8")}
    if fmt.name == "ntriples":
        lines = oxi.nquads_lines((s, p, o, None) for s, p, o in _union(rel.quads))
        return {fmt.file: "".join(lines).encode("utf-8")}
    if fmt.name == "turtle":
        return {fmt.file: export_rdf.turtle(_union(rel.quads), EXPORT_PREFIXES).encode("utf-8")}
    if fmt.name == "trig":
        return {fmt.file: export_rdf.trig(rel.quads, EXPORT_PREFIXES).encode("utf-8")}
    if fmt.name == "rdfxml":
        return {fmt.file: export_rdf.rdfxml(_union(rel.quads), EXPORT_PREFIXES).encode("utf-8")}
    if fmt.name == "jsonld":
        context_file, frame_file = export_jsonld.CONTEXT_FILE, export_jsonld.FRAME_FILE
        context_path = folder / context_file
        context = export_jsonld.load_json(context_path, f"{shown}/{context_file}")
        frame = export_jsonld.load_json(folder / frame_file, f"{shown}/{frame_file}")
        doc = export_jsonld.frame_dataset(rel.quads, context, frame)
        expected = len(_union(rel.quads))
        found = export_jsonld.count_triples(doc, context)
        if found != expected:  # a frame that drops nodes would lose data silently: refuse instead
            raise MinekgError(f"{shown}/{frame_file}: the framed JSON-LD holds {found} triples, "
                              f"not {expected}; the frame drops nodes")
        return {fmt.file: export_jsonld.jsonld_text(doc).encode("utf-8"),
                export_jsonld.CONTEXT_FILE: context_path.read_bytes()}
    if fmt.name == "csv":
        return export_csv.tables_files(rel.quads, folder, resources.sparql("export"), __version__, rel.profile.label,
                                       rel.profile.name)
    raise AssertionError(fmt.name)


def files_for(rel: Release, fmt: Format, project: Project, endpoint: str | None = None) -> dict[str, bytes]:
    """Every file of the export: the data, description.ttl and SHA256SUMS."""
    files = render(rel, fmt, project)
    folder = export_folder()
    files[DESCRIPTION] = export_description.describe(
        rel.quads, rel.profile, __version__, dict(files), folder / "dataset.ttl",
        f"{resources.shown(folder)}/dataset.ttl", endpoint).encode("utf-8")
    files[CHECKSUMS] = export_description.sha256sums(files).encode("utf-8")
    return files


# ------------------------------------------------------------------ writing


def _check_out(out: Path, force: bool) -> None:
    """Refuse before any work is done: a file in the way, a folder that cannot be written, or one that holds
    something else than an earlier export."""
    if out.exists() and not out.is_dir():
        raise MinekgError(f"{out}: exists and is not a folder")
    ancestor = out.absolute().parent
    while not ancestor.exists():
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise MinekgError(f"{out}: cannot write the export there ({ancestor} is a file)")
    if not os.access(ancestor, os.W_OK | os.X_OK):
        raise MinekgError(f"{out}: cannot write the export there (no permission on {ancestor})")
    if out.is_dir() and any(out.iterdir()):
        if not force:
            raise MinekgError(f"{out}: folder is not empty (use --force to replace it)")
        if not any((out / m).is_file() for m in EXPORT_MARKERS):
            raise MinekgError(f"{out}: not empty and not a minekg export (no {CHECKSUMS}): "
                              "refusing to replace it")


def _check_endpoint(endpoint: str | None) -> None:
    if endpoint is not None and not endpoint.startswith(("http://", "https://")):
        raise MinekgError(f"endpoint {endpoint!r}: not an http(s) URL")


def write(files: dict[str, bytes], out: Path) -> None:
    """Write `files` as the folder `out`, whole or not at all."""
    try:
        with atomic.replace_dir(out) as tmp:
            for name in sorted(files):
                path = tmp / name
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(files[name])
    except OSError as e:
        raise MinekgError(f"{out}: cannot write the export there ({e.strerror or e})") from None


def export(fmt: str, out: Path, profile: str = DEFAULT_PROFILE, endpoint: str | None = None,
           force: bool = False, project: Project | None = None, nquads: Path | None = None) -> ExportReport:
    """Export the built dataset (or `nquads`) in format `fmt` at release profile `profile` into `out`."""
    from minekg.build.assemble import load_built

    chosen = find_format(fmt)
    out = Path(out)
    _check_endpoint(endpoint)
    _check_out(out, force)
    project = project or Project.default()
    path = nquads or load_built(project)
    quads = read_nquads(path, project.rel(path))
    known = profiles(quads)
    rel = release(quads, find_profile(profile, known), known, project)
    files = files_for(rel, chosen, project, endpoint)
    write(files, out)
    return ExportReport(out, chosen.name, rel.profile.label, {k: len(v) for k, v in sorted(files.items())},
                        len(_union(rel.quads)), len(rel.withheld))
