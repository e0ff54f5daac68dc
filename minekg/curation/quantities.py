"""Figures as the genre writes them: "4,492", "approximately 4.5 million", "at least 10", "eighteen",
with the qualifier the words before them give (mk:Exact unless the text says otherwise)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from rdflib import URIRef

from minekg.rdf.namespaces import MK

WORDS = {w: i for i, w in enumerate(
    ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
     "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"])}
SCALES = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}

# The qualifier phrase directly before a figure; the longest phrases first.
QUALIFIERS: list[tuple[str, URIRef]] = [
    ("more than", MK.MoreThan), ("over", MK.MoreThan), ("in excess of", MK.MoreThan),
    ("at least", MK.AtLeast), ("a minimum of", MK.AtLeast),
    ("approximately", MK.Approximately), ("about", MK.Approximately), ("around", MK.Approximately),
    ("an estimated", MK.Approximately), ("some", MK.Approximately), ("nearly", MK.Approximately),
    ("almost", MK.Approximately), ("roughly", MK.Approximately),
    ("up to", MK.UpTo), ("as many as", MK.UpTo), ("fewer than", MK.UpTo), ("less than", MK.UpTo),
]

_NUMBER = re.compile(
    r"(?<![\w/.,-])(?P<n>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?:\s+(?P<scale>thousand|million|billion))?(?![\w/-]|[.,]\d)"
    r"|\b(?P<w>" + "|".join(sorted(WORDS, key=len, reverse=True)) + r")\b",
    re.IGNORECASE)
_QUAL = re.compile(r"(?:" + "|".join(re.escape(q) for q, _ in QUALIFIERS) + r")\s+$", re.IGNORECASE)


@dataclass(frozen=True)
class Figure:
    start: int
    end: int
    value: int
    qualifier: URIRef


def _value(m: re.Match) -> int | None:
    if m.group("w"):
        return WORDS[m.group("w").lower()]
    number = Decimal(m.group("n").replace(",", ""))
    scale = SCALES.get((m.group("scale") or "").lower(), 1)
    total = number * scale
    return int(total) if total == int(total) else None


def find_figures(text: str, skip: list[tuple[int, int]] = ()) -> list[Figure]:
    """Figures in `text` outside the spans in `skip` (dates, resolution numbers), left to right."""
    found = []
    for m in _NUMBER.finditer(text):
        if any(a < m.end() and m.start() < b for a, b in skip):
            continue
        value = _value(m)
        if value is None:
            continue
        qual = _QUAL.search(text[max(0, m.start() - 20) : m.start()])
        qualifier = MK.Exact
        start = m.start()
        if qual:
            phrase = qual.group(0).strip().lower()
            qualifier = next(q for p, q in QUALIFIERS if p == phrase)
            start = m.start() - len(qual.group(0))
        found.append(Figure(start, m.end(), value, qualifier))
    return found
