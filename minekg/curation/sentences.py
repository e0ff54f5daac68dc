"""The sentences a draft is made of: the coverage report's splitter (pysbd, one line at a time, with
offsets), each sentence with the footnote it belongs to."""

from __future__ import annotations

import re
from dataclasses import dataclass

from minekg.build import coverage

_FOOTNOTE_LINE = re.compile(r"^\[(\d+)\]\s")
_MARKER = re.compile(r"\[(\d+)\]")
# pysbd keeps two sentences together when a footnote marker follows a closing quote (".”[17] Armenia’s");
# split them there, so that each candidate's quote is one sentence.
_AFTER_MARKER = re.compile(r"(?<=[.!?][”\"’]\[\d\]) (?=[A-Z])|(?<=[.!?][”\"’]\[\d\d\]) (?=[A-Z])"
                           r"|(?<=[.!?]\[\d\]) (?=[A-Z])|(?<=[.!?]\[\d\d\]) (?=[A-Z])")


@dataclass(frozen=True)
class DraftSentence:
    start: int
    end: int
    text: str
    footnote: int | None  # the footnote whose text this is, or the one its marker cites


def _resplit(found: list[coverage.Sentence]) -> list[coverage.Sentence]:
    out = []
    for s in found:
        start = 0
        for m in _AFTER_MARKER.finditer(s.text):
            out.append(coverage.Sentence(s.start + start, s.start + m.start(), s.text[start : m.start()]))
            start = m.end()
        out.append(coverage.Sentence(s.start + start, s.end, s.text[start:]))
    return out


def split(text: str) -> list[DraftSentence]:
    """Every sentence of `text` (footnotes included), with its footnote number where it has one."""
    result = []
    for s in _resplit(coverage.sentences(text)):
        line_start = text.rfind("\n", 0, s.start) + 1
        in_note = _FOOTNOTE_LINE.match(text[line_start : line_start + 8])
        markers = _MARKER.findall(s.text)
        number = int(in_note.group(1)) if in_note else (int(markers[-1]) if markers else None)
        result.append(DraftSentence(s.start, s.end, s.text, number))
    return result
