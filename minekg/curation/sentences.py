"""The sentences a draft is made of: the coverage report's splitter (pysbd, one line at a time, with
offsets), each sentence with the footnote it belongs to."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .. import coverage

_FOOTNOTE_LINE = re.compile(r"^\[(\d+)\]\s")
_MARKER = re.compile(r"\[(\d+)\]")


@dataclass(frozen=True)
class DraftSentence:
    start: int
    end: int
    text: str
    footnote: int | None  # the footnote whose text this is, or the one its marker cites


def split(text: str) -> list[DraftSentence]:
    """Every sentence of `text` (footnotes included), with its footnote number where it has one."""
    result = []
    for s in coverage.sentences(text):
        line_start = text.rfind("\n", 0, s.start) + 1
        in_note = _FOOTNOTE_LINE.match(text[line_start : line_start + 8])
        markers = _MARKER.findall(s.text)
        number = int(in_note.group(1)) if in_note else (int(markers[-1]) if markers else None)
        result.append(DraftSentence(s.start, s.end, s.text, number))
    return result
