"""Sentence coverage: which sentences of each source document at least one evidence quote overlaps.

A document is split into lines (paragraphs, footnotes, headings, navigation lines) and each line into
sentences with pysbd, keeping character offsets. A sentence is covered when evidence quotes cover at
least COVERED_SHARE of its characters (so a one-word quote does not count a long sentence as covered);
one they touch less is "partly covered" and listed; a sentence deliberately left out is listed, with its
reason, in graph_data/coverage_exclusions/<document slug>.yaml and counted as excluded. The character
coverage of a document is the share of its counted (not excluded) sentences' characters inside a quote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pysbd
from rdflib import URIRef

from minekg.errors import MinekgError
from minekg.project import Project
from minekg.rdf.loading import read_yaml
from minekg.rdf.namespaces import MK, shorten

if TYPE_CHECKING:  # build imports the curation package, which splits sentences here: no cycle at run time
    from minekg.build.assembled import Assembled

# Half a sentence's characters: a quote may leave out a sentence's lead-in or its footnote marker, but a
# quote of a few words out of a long sentence leaves most of what it says unsupported.
COVERED_SHARE = 0.5


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Partial:
    sentence: Sentence
    share: float  # of its characters inside a quote, below COVERED_SHARE


@dataclass
class DocumentCoverage:
    document: str
    sentences: int = 0
    covered: int = 0
    excluded: int = 0
    uncovered: list[Sentence] = field(default_factory=list)
    partial: list[Partial] = field(default_factory=list)
    unused_exclusions: list[str] = field(default_factory=list)
    characters: int = 0  # of the sentences counted (not excluded)
    characters_covered: int = 0

    @property
    def coverage(self) -> float:
        denominator = self.sentences - self.excluded
        return 1.0 if denominator == 0 else self.covered / denominator

    @property
    def character_coverage(self) -> float:
        return 1.0 if self.characters == 0 else self.characters_covered / self.characters

    def to_json(self) -> dict:
        return {
            "document": self.document, "sentences": self.sentences, "covered": self.covered,
            "excluded": self.excluded, "coverage": round(self.coverage, 4),
            "uncovered": [{"start": s.start, "end": s.end, "text": s.text} for s in self.uncovered],
            "partial": len(self.partial), "characters": self.characters,
            "characters_covered": self.characters_covered,
            "character_coverage": round(self.character_coverage, 4),
            "partly_covered": [{"start": p.sentence.start, "end": p.sentence.end, "share": round(p.share, 4),
                                "text": p.sentence.text} for p in self.partial],
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
        inside = _covered_characters(s, spans)
        if inside >= COVERED_SHARE * (s.end - s.start):
            result.covered += 1
            result.characters += s.end - s.start
            result.characters_covered += inside
            continue
        text = _norm(s.text)
        hit = next((i for i, x in enumerate(exclusions) if text.startswith(_norm(str(x["sentence"])))
                    or _norm(str(x["sentence"])).startswith(text)), None)
        if hit is not None:
            used[hit] = True
            result.excluded += 1
            continue
        result.characters += s.end - s.start
        result.characters_covered += inside
        if inside:
            result.partial.append(Partial(s, inside / (s.end - s.start)))
        else:
            result.uncovered.append(s)
    result.unused_exclusions = [str(x["sentence"]) for x, u in zip(exclusions, used, strict=True) if not u]
    return result


def _covered_characters(s: Sentence, spans: list[tuple[int, int]]) -> int:
    """How many of the sentence's characters lie inside at least one quote (overlapping quotes count once)."""
    clipped = sorted((max(a, s.start), min(b, s.end)) for a, b in spans if a < s.end and s.start < b)
    total, reach = 0, s.start
    for a, b in clipped:
        a = max(a, reach)
        if b > a:
            total += b - a
            reach = b
    return total


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
    rows = [("document", "sentences", "covered", "excluded", "coverage", "partial", "characters")]
    for r in results:
        rows.append((r.document, str(r.sentences), str(r.covered), str(r.excluded), f"{100 * r.coverage:.1f}%",
                     str(len(r.partial)), f"{100 * r.character_coverage:.1f}%"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True)))
             for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines) + "\n"
