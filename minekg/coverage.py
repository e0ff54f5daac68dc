"""Sentence coverage: which sentences of each source document at least one evidence quote overlaps.

A document is split into lines (paragraphs, footnotes, headings, navigation lines) and each line into
sentences with pysbd, keeping character offsets. A sentence is covered when an evidence quote's span
overlaps it; a sentence deliberately left out is listed, with its reason, in
graph_data/coverage_exclusions/<document slug>.yaml and counted as excluded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pysbd
from rdflib import URIRef

from .build import Assembled
from .errors import MinekgError
from .loading import read_yaml
from .namespaces import MK, shorten
from .project import Project


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str


@dataclass
class DocumentCoverage:
    document: str
    sentences: int = 0
    covered: int = 0
    excluded: int = 0
    uncovered: list[Sentence] = field(default_factory=list)
    unused_exclusions: list[str] = field(default_factory=list)

    @property
    def coverage(self) -> float:
        denominator = self.sentences - self.excluded
        return 1.0 if denominator == 0 else self.covered / denominator

    def to_json(self) -> dict:
        return {
            "document": self.document, "sentences": self.sentences, "covered": self.covered,
            "excluded": self.excluded, "coverage": round(self.coverage, 4),
            "uncovered": [{"start": s.start, "end": s.end, "text": s.text} for s in self.uncovered],
            "unused_exclusions": self.unused_exclusions,
        }


_segmenter = pysbd.Segmenter(language="en", clean=False, char_span=True)


def sentences(text: str) -> list[Sentence]:
    """Sentences with offsets into `text`: each non-blank line split by pysbd."""
    found = []
    offset = 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        if body.strip():
            for span in _segmenter.segment(body):
                chunk = body[span.start : span.end]
                lead = len(chunk) - len(chunk.lstrip())
                stripped = chunk.strip()
                start = offset + span.start + lead
                # pysbd splits a trailing footnote marker ("... 2009.[1]") off as a sentence of its own:
                # it belongs to the sentence before it on the same line.
                if _MARKER.match(stripped) and found and found[-1].end >= offset:
                    prev = found[-1]
                    end = start + len(stripped)
                    found[-1] = Sentence(prev.start, end, text[prev.start : end])
                elif stripped:
                    found.append(Sentence(start, start + len(stripped), stripped))
        offset += len(line)
    return found


_MARKER = re.compile(r"^\[\d+\]$")
_LEADING_MARKER = re.compile(r"^\[\d+\]\s*")


def _norm(text: str) -> str:
    """Whitespace folded and a leading footnote number dropped, for matching exclusions."""
    return _LEADING_MARKER.sub("", " ".join(text.replace("\u00a0", " ").split()))


def load_exclusions(project: Project, slug: str) -> list[dict]:
    path = project.exclusions / f"{slug}.yaml"
    if not path.exists():
        return []
    shown = project.rel(path)
    data = read_yaml(path, shown) or []
    if not isinstance(data, list) or not all(isinstance(d, dict) and "sentence" in d and "reason" in d for d in data):
        raise MinekgError(f"{shown}: expected a list of {{sentence: ..., reason: ...}} entries")
    return data


def document_coverage(asm: Assembled, doc: URIRef) -> DocumentCoverage:
    src = asm.sources[doc]
    union = asm.union()
    spans = []
    for ev in union.subjects(MK.source, doc):
        start, end = union.value(ev, MK.startOffset), union.value(ev, MK.endOffset)
        if start is not None and end is not None:
            spans.append((int(start), int(end)))
    slug = str(doc).rsplit("/", 1)[-1]
    exclusions = load_exclusions(asm.project, _exclusion_slug(asm, doc, slug))
    used = [False] * len(exclusions)
    result = DocumentCoverage(shorten(str(doc)))
    for s in sentences(src.text):
        result.sentences += 1
        if any(a < s.end and s.start < b for a, b in spans):
            result.covered += 1
            continue
        text = _norm(s.text)
        hit = next((i for i, x in enumerate(exclusions) if text.startswith(_norm(str(x["sentence"])))
                    or _norm(str(x["sentence"])).startswith(text)), None)
        if hit is not None:
            used[hit] = True
            result.excluded += 1
        else:
            result.uncovered.append(s)
    result.unused_exclusions = [str(x["sentence"]) for x, u in zip(exclusions, used, strict=True) if not u]
    return result


def _exclusion_slug(asm: Assembled, doc: URIRef, slug: str) -> str:
    # Exclusion files are named like the statements file of the document (russia-2012.yaml for
    # doc:russia-2012; news-2025.yaml for doc:news-2025-russia-ukraine-landmines).
    for f, _gname in asm.files.items():
        stem = f.rsplit("/", 1)[-1].removesuffix(".ttl")
        if f.startswith("graph_data/statements/") and (stem == slug or slug.startswith(stem + "-")):
            if (asm.project.exclusions / f"{stem}.yaml").exists():
                return stem
    return slug


def coverage(asm: Assembled) -> list[DocumentCoverage]:
    """Coverage of every text source (reference tables, which are not prose, are left out)."""
    union = asm.union()
    docs = [d for d in sorted(asm.sources, key=str) if (d, None, MK.ReferenceTable) not in union
            and not (union.value(d, MK.sourceFile) or "").endswith(".csv")]
    return [document_coverage(asm, d) for d in docs]


def table(results: list[DocumentCoverage]) -> str:
    rows = [("document", "sentences", "covered", "excluded", "coverage")]
    for r in results:
        rows.append((r.document, str(r.sentences), str(r.covered), str(r.excluded), f"{100 * r.coverage:.1f}%"))
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    lines = ["  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True)))
             for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines) + "\n"
