"""Dates as the genre writes them, kept at the precision the text gives.

Monitor profiles and agency reports write "3 September 2003", "September 3, 2003", "September 2003",
"2003", "November–December 2010", "from 2011 to 2012", "since 1992", "by 2010", "the end of 2006". A
general date library would turn "April 2022" into a day; here "April 2022" stays an xsd:gYearMonth.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rdflib import Literal
from rdflib.namespace import XSD

MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"], 1)}
_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
_YEAR = r"(?:1[89]\d\d|20\d\d)"
_DASH = r"\s*[-–—]\s*"

# Most specific forms first: a day-month-year is never read as a month-year plus a stray number.
_PATTERNS = [
    ("dmy", re.compile(rf"\b(?P<d>[0-3]?\d)\s+(?P<m>{_MONTH})\s+(?P<y>{_YEAR})\b")),
    ("mdy", re.compile(rf"\b(?P<m>{_MONTH})\s+(?P<d>[0-3]?\d),\s+(?P<y>{_YEAR})\b")),
    ("mmy", re.compile(rf"\b(?P<m>{_MONTH}){_DASH}(?P<m2>{_MONTH})\s+(?P<y>{_YEAR})\b")),
    ("my", re.compile(rf"\b(?P<m>{_MONTH})\s+(?P<y>{_YEAR})\b")),
    ("yy", re.compile(rf"\b(?P<y>{_YEAR}){_DASH}(?P<y2>{_YEAR})\b")),
    ("y", re.compile(rf"(?<![\d/,.])(?P<y>{_YEAR})(?![\d/]|,\d)")),
]


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    value: Literal  # the first (or only) date
    until: Literal | None = None  # the end of a range written as one mention ("November–December 2010")


def _lit(y: str, m: str | None = None, d: str | None = None) -> Literal:
    if d is not None and m is not None:
        return Literal(f"{int(y):04d}-{MONTHS[m.lower()]:02d}-{int(d):02d}", datatype=XSD.date)
    if m is not None:
        return Literal(f"{int(y):04d}-{MONTHS[m.lower()]:02d}", datatype=XSD.gYearMonth)
    return Literal(f"{int(y):04d}", datatype=XSD.gYear)


def _valid_day(y: str, m: str, d: str) -> bool:
    import calendar

    return 1 <= int(d) <= calendar.monthrange(int(y), MONTHS[m.lower()])[1]


def find_dates(text: str) -> list[DateMention]:
    """Every date mention in `text`, left to right, none overlapping another."""
    taken: list[tuple[int, int]] = []
    found: list[DateMention] = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            g = m.groupdict()
            if kind in ("dmy", "mdy"):
                if not _valid_day(g["y"], g["m"], g["d"]):
                    continue
                mention = DateMention(m.start(), m.end(), _lit(g["y"], g["m"], g["d"]))
            elif kind == "mmy":
                mention = DateMention(m.start(), m.end(), _lit(g["y"], g["m"]), _lit(g["y"], g["m2"]))
            elif kind == "my":
                mention = DateMention(m.start(), m.end(), _lit(g["y"], g["m"]))
            elif kind == "yy":
                mention = DateMention(m.start(), m.end(), _lit(g["y"]), _lit(g["y2"]))
            else:
                mention = DateMention(m.start(), m.end(), _lit(g["y"]))
            taken.append((m.start(), m.end()))
            found.append(mention)
    return sorted(found, key=lambda d: d.start)
