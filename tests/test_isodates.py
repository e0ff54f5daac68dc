"""Dates are checked in one place (minekg/rdf/isodates.py): query parameters, register rows, a new document's
--date, the curation page's edits and the release description all agree on what a date is."""

from __future__ import annotations

import pytest
from rdflib import Literal
from rdflib.namespace import XSD

from minekg.curation import register_table
from minekg.curation.intake import date_literal
from minekg.errors import MinekgError
from minekg.query import catalogue as queries
from minekg.rdf import isodates

PARTIAL = {"2020": XSD.gYear, "2020-02": XSD.gYearMonth, "2020-02-29": XSD.date}
NOT_DATES = ("2021-02-29", "2020-13", "2020-02-30", "0000", "2020-1", "20200229", "2020-02-29T00:00", "")


def test_each_precision_has_its_datatype_and_the_calendar_is_checked():
    for value, datatype in PARTIAL.items():
        assert isodates.datatype(value) == datatype
    for value in NOT_DATES:
        assert isodates.datatype(value) is None, value


def test_every_consumer_judges_alike():
    date_param = queries.Param("day", "date", None)
    for value in NOT_DATES:
        with pytest.raises(MinekgError):
            date_literal(value)
        with pytest.raises(MinekgError, match=r"^parameter day: "):
            queries.to_term(date_param, value)
        assert register_table._check_date("date", value) is not None, value
    for value, datatype in PARTIAL.items():
        assert date_literal(value) == Literal(value, datatype=datatype)
    assert queries.to_term(date_param, "2020-02-29") == Literal("2020-02-29", datatype=XSD.date)
    assert register_table._check_date("date", "2020-02-29") is None
    assert register_table._check_date("date", "2021-02-29") == "date: '2021-02-29' is not a real calendar date"
    with pytest.raises(MinekgError, match="is not a date"):
        queries.to_term(date_param, "2020-02")  # a parameter of type date is a full date
