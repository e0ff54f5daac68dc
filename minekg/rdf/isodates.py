"""Dates as minekg's inputs write them, checked in one place: YYYY, YYYY-MM or YYYY-MM-DD (the precision the
source gives: xsd:gYear, xsd:gYearMonth, xsd:date), each a real day, month or year of the calendar."""

from __future__ import annotations

import datetime
import re

from rdflib import URIRef
from rdflib.namespace import XSD

_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_FULL = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def datatype(value: str) -> URIRef | None:
    """xsd:date, xsd:gYearMonth or xsd:gYear for a real date written at that precision; None otherwise."""
    m = _PARTIAL.match(value)
    if m is None:
        return None
    year, month, day = m.groups()
    try:
        datetime.date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        return None
    return XSD.date if day else XSD.gYearMonth if month else XSD.gYear


def full_date_problem(value: str) -> str | None:
    """Why `value` is not a full date (YYYY-MM-DD, on the calendar), in words that follow it; None if it is."""
    if not _FULL.match(value):
        return "is not a date (YYYY-MM-DD)"
    if datatype(value) is None:
        return "is not a real calendar date"
    return None
