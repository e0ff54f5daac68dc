"""The curator's check of one document: `minekg check SLUG`.

Builds the whole graph into a temporary folder (build/ is never touched), validates it, and reports only
what concerns the document: the validation results on its description, its statements and their
evidence, labels of the entities it introduces that nearly repeat existing ones, and its coverage.
Exit 0 when nothing is violated, 1 when something is, 2 when the build itself fails (as validate).
"""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from minekg.build import assemble as building
from minekg.build import assembled
from minekg.build.coverage import DocumentCoverage, document_coverage
from minekg.build.validation import Finding, validate
from minekg.curation.diagnose import SimilarLabel, similar_labels
from minekg.errors import MinekgError
from minekg.project import Project
from minekg.rdf import oxi
from minekg.rdf.namespaces import DOC, MK, shorten


@dataclass
class CheckReport:
    document: str
    files: list[str]
    statements: int
    triples: int
    findings: list[Finding] = field(default_factory=list)
    similar: list[tuple[str, SimilarLabel]] = field(default_factory=list)  # (file:line, finding)
    coverage: DocumentCoverage | None = None
    note: str | None = None  # how it was checked, when not by a full build (check_fast.py)

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "Violation"]

    def to_text(self) -> str:
        lines = [f"check {self.document}: {', '.join(self.files)}",
                 self.note or f"built {self.triples} triples into a temporary folder (build/ untouched); "
                 f"{self.statements} statements cite this document"]
        for severity in ("Violation", "Warning", "Info"):
            group = [f for f in self.findings if f.severity == severity]
            if group:
                lines.append(f"{severity}s ({len(group)}):")
                lines += [f"  {f.file}: {f.focus}{' ' + f.path if f.path else ''}: {f.message} [{f.shape}]"
                          for f in group]
        if self.similar:
            lines.append(f"Labels ({len(self.similar)}):")
            lines += [f"  {where}: {s.message()}" for where, s in self.similar]
        if self.coverage is not None:
            c = self.coverage
            lines.append(f"coverage: {c.covered} of {c.sentences - c.excluded} sentences covered "
                         f"({100 * c.coverage:.1f}%), {c.excluded} excluded, {len(c.partial)} partly covered, "
                         f"{100 * c.character_coverage:.1f}% of characters")
            lines += [f"  uncovered [{s.start}:{s.end}]: {s.text}" for s in c.uncovered]
            lines += [f"  partly covered [{p.sentence.start}:{p.sentence.end}] {100 * p.share:.0f}%: "
                      f"{p.sentence.text}" for p in c.partial]
        verdict = "does not conform" if self.violations else "conforms"
        warnings = len(self.findings) - len(self.violations) + len(self.similar)
        lines.append(f"{self.document} {verdict}: {len(self.violations)} violations, {warnings} warnings")
        return "\n".join(lines)


def document_iri(slug: str, asm: assembled.Assembled) -> URIRef:
    iri = URIRef(DOC[slug.removeprefix("doc:")])
    if (iri, MK.sourceFile, None) not in asm.graphs[assembled.REFERENCE_GRAPH]:
        raise MinekgError(f"{slug}: no document {shorten(str(iri))} is described in graph_data/sources/ "
                          "(add it with `minekg add-source`)")
    return iri


def _statement_files(asm: assembled.Assembled, doc: URIRef) -> list[str]:
    """The curated statements files that cite the document (evidence or footnotes pointing at it)."""
    files = []
    for shown, gname in sorted(asm.files.items()):
        if not shown.startswith("graph_data/statements/"):
            continue
        g = asm.graphs[gname]
        if (None, MK.source, doc) in g or (None, MK.footnoteOf, doc) in g:
            files.append(shown)
    return files


def _concerned(asm: assembled.Assembled, doc: URIRef, files: list[str]) -> set[str]:
    """Short names of the nodes the document's findings can be about: it, and what its files describe."""
    nodes: set[Node] = {doc}
    nodes |= {s for s, where in asm.described.items() if set(where) & set(files)}
    for g in asm.graphs.values():
        for stmt, ev in g.subject_objects(MK.evidence):
            if (ev, MK.source, doc) in g:
                nodes.add(stmt)
    return {shorten(str(n)) for n in nodes if isinstance(n, URIRef)}


def _similar(asm: assembled.Assembled, files: list[str], data: Graph | None = None) -> list[tuple[str, SimilarLabel]]:
    """`data`: the types and labels of the entities, when not the whole of `asm` (check_fast.py)."""
    new = {s for s, where in asm.described.items() if set(where) <= set(files) and isinstance(s, URIRef)}
    existing = {s for s, where in asm.described.items() if not set(where) <= set(files)}
    data = asm.union() if data is None else data
    ontology = asm.graphs[assembled.ONTOLOGY_GRAPH]
    found = similar_labels(data, ontology, new, existing)
    return [(assembled._where(asm, f.entity, [asm.origin.get(f.entity, files[0])]), f) for f in found]


def _original_unchanged(project: Project, asm: assembled.Assembled, doc: URIRef) -> list[Finding]:
    """The original a text was extracted from (a web page, a PDF) must still be the bytes recorded: the
    build reads only the text, so this is where an edited or lost original shows."""
    reference = asm.graphs[assembled.REFERENCE_GRAPH]
    rel, expected = reference.value(doc, MK.originalFile), reference.value(doc, MK.originalSha256)
    if rel is None:
        return []
    path = project.graph_data / str(rel)
    where = asm.origin.get(doc, "graph_data/sources")
    if not path.is_file():
        message = f"original file graph_data/{rel} not found"
    else:
        actual = hashlib.sha256(path.read_bytes()).hexdigest()
        if expected is not None and actual == str(expected):
            return []
        message = f"original file graph_data/{rel} has SHA-256 {actual[:12]}…, not the recorded {str(expected)[:12]}…"
    return [Finding("Violation", shorten(str(doc)), "mk:originalSha256", message, "original kept unchanged", where)]


def check(slug: str, project: Project | None = None) -> CheckReport:
    project = project or Project.default()
    asm = building.assemble(project)
    doc = document_iri(slug, asm)
    with tempfile.TemporaryDirectory(prefix="minekg-check-") as tmp:
        # The whole graph is written, as `minekg build` would, so a serialisation problem shows here too.
        (Path(tmp) / "minekg.nq").write_text("".join(oxi.nquads_lines(asm.quads())), encoding="utf-8")
    files = _statement_files(asm, doc)
    shown_files = [asm.origin.get(doc, "graph_data/sources")] + files
    concerned = _concerned(asm, doc, files)
    report = validate(project, asm)
    data = asm.union()
    statements = {s for s, ev in data.subject_objects(MK.evidence) if (ev, MK.source, doc) in data}
    result = CheckReport(shorten(str(doc)), shown_files, len(statements), sum(len(g) for g in asm.graphs.values()))
    result.findings = [f for f in report.findings if f.focus in concerned or f.file in files]
    result.findings = _original_unchanged(project, asm, doc) + result.findings
    result.similar = _similar(asm, files) if files else []
    is_table = (doc, RDF.type, MK.ReferenceTable) in data or str(data.value(doc, MK.sourceFile)).endswith(".csv")
    if not is_table:
        result.coverage = document_coverage(asm, doc)
    return result
