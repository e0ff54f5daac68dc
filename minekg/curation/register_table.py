"""A status table as read and checked: the register's columns (docs/register.md), the TableSchema the
register and the arms treaties' table share, and the row checks (an ISO 3166 state once, full dates, an
action with its deposit date, a confidence, http(s) or github: sources). parse() keeps the valid rows and
reports each malformed one with its line; row_problem() checks evidence citing a row of such a table."""

from __future__ import annotations

import csv
import functools
import io
import re
from dataclasses import dataclass, field

import pycountry
from rdflib.term import Node

from minekg.build import states
from minekg.errors import MinekgError
from minekg.rdf import isodates
from minekg.rdf.namespaces import ST, shorten

COLUMNS = ("state", "iso3", "signed", "ratified_or_acceded", "action", "entry_into_force",
           "withdrawal_notified", "withdrawal_effective", "source_urls", "confidence", "note")
DATE_COLUMNS = ("signed", "ratified_or_acceded", "entry_into_force", "withdrawal_notified",
                "withdrawal_effective")
ACTIONS = {"ratification": "Ratification", "accession": "Accession", "succession": "Succession"}
CONFIDENCE = {"high": "HighConfidence", "low": "LowConfidence"}
URL_SEPARATOR = " | "

_CODE = re.compile(r"^[A-Z]{3}$")
# A row's sources: http(s) URLs, or github:OWNER/REPO@COMMIT:PATH references with an optional "(what it is)".
# Nothing else (javascript:, data:, =HYPERLINK(...)) reaches mk:sourceUrl and the export's source_url column.
_URL = re.compile(r"https?://[A-Za-z0-9.-]+(?::\d+)?(?:[/?#]\S*)?")
_GITHUB = re.compile(r"github:[\w.-]+/[\w.-]+@[0-9a-f]{7,40}:\S+(?: \([^()]*\))?")


@dataclass(frozen=True)
class Row:
    line: int
    state: str
    iso3: str
    cells: dict[str, str]
    urls: tuple[str, ...]


@dataclass(frozen=True)
class TableSchema:
    """What a status table's rows must hold: the register's and the arms treaties' table share the checks.

    `headers` lists the headers accepted (a table may add optional columns); a row is one per `key`;
    `deposit` is the column dated exactly when `action` is given; `choices` restricts a column's values.
    """

    headers: tuple[tuple[str, ...], ...]
    date_columns: tuple[str, ...]
    actions: dict[str, str]
    deposit: str
    key: tuple[str, ...] = ("iso3",)
    choices: dict[str, tuple[str, ...]] = field(default_factory=dict)
    doc: str = "docs/register.md"


# The Mine Ban Treaty register's table (docs/register.md).
MBT_SCHEMA = TableSchema(headers=(COLUMNS,), date_columns=DATE_COLUMNS, actions=ACTIONS,
                         deposit="ratified_or_acceded")


@dataclass(frozen=True)
class Problem:
    line: int
    message: str


@dataclass
class Parsed:
    rows: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _records(text: str):
    """(first line, cells) of each CSV record; a record's line is where it starts (the header is line 1)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    start = 1
    for cells in reader:
        yield start, cells
        start = reader.line_num + 1


def _check_date(column: str, value: str) -> str | None:
    problem = isodates.full_date_problem(value)
    return None if problem is None else f"{column}: {value!r} {problem}"


def parse(text: str, shown: str, territories: frozenset[str] = frozenset(),
          schema: TableSchema = MBT_SCHEMA) -> Parsed:
    """The table's valid rows and, for each malformed row, its line and what is wrong with it.

    A bad header makes the whole table unusable (MinekgError); a bad row is only skipped. Optional columns
    a table leaves out read as empty cells.
    """
    if text.startswith("\ufeff"):
        # Excel's "CSV UTF-8" adds one; refused rather than stripped, so the copy kept is the file given
        raise MinekgError(f"{shown}:1: the file starts with a UTF-8 BOM (byte order mark); "
                          "save it as UTF-8 without BOM")
    records = _records(text)
    first = next(records, None)
    header = tuple(c.strip() for c in first[1]) if first is not None else None
    if header not in schema.headers:
        raise MinekgError(f"{shown}:1: the header must be the columns "
                          + " or ".join(",".join(h) for h in schema.headers) + f" (see {schema.doc})")
    every = dict.fromkeys(c for h in schema.headers for c in h)
    parsed = Parsed()
    seen: dict[tuple[str, ...], int] = {}
    for line, cells in records:
        if not cells or (len(cells) == 1 and not cells[0].strip()):
            continue  # a blank line is not a row
        why = _row_problems(cells, header, seen, territories, schema)
        if why:
            parsed.problems.append(Problem(line, "; ".join(why)))
            continue
        values = {c: "" for c in every} | dict(zip(header, cells, strict=True))
        seen[tuple(values[k] for k in schema.key)] = line
        urls = tuple(u.strip() for u in values["source_urls"].split(URL_SEPARATOR) if u.strip())
        parsed.rows.append(Row(line, values["state"], values["iso3"], values, urls))
    return parsed


def _either(names) -> str:
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def _row_problems(cells: list[str], header: tuple[str, ...], seen: dict[tuple[str, ...], int],
                  territories: frozenset[str], schema: TableSchema) -> list[str]:
    if len(cells) != len(header):
        return [f"expected {len(header)} cells, found {len(cells)}"]
    values = dict(zip(header, cells, strict=True))
    why = []
    for column, value in values.items():
        # A note may run over lines; any other cell that does has most likely lost a closing quote.
        if column != "note" and ("\n" in value or "\r" in value):
            why.append(f"{column}: a cell spans several lines (an unbalanced quote?)")
    for column, allowed in schema.choices.items():
        if values[column] not in allowed:
            why.append(f"{column}: {values[column]!r} is not one of {', '.join(allowed)}")
    code = values["iso3"]
    key = tuple(values[k] for k in schema.key)
    if not _CODE.match(code) or pycountry.countries.get(alpha_3=code) is None:
        why.append(f"iso3: {code!r} is not an ISO 3166-1 alpha-3 code")
    elif code in territories:
        why.append(f"iso3: {code} is listed as a territory, not a state, in "
                   f"graph_data/{states.TERRITORIES_FILE}")
    elif key in seen:
        why.append(f"{', '.join(schema.key)}: {' '.join(key)} already has a row (line {seen[key]})")
    if not values["state"].strip():
        why.append("state: empty")
    for column in schema.date_columns:
        if values.get(column):
            problem = _check_date(column, values[column])
            if problem:
                why.append(problem)
    action, deposited = values["action"], values[schema.deposit]
    if action and action not in schema.actions:
        why.append(f"action: {action!r} is not one of {', '.join(schema.actions)}")
    elif action and not deposited:
        why.append(f"action: {action} without a {schema.deposit} date")
    elif deposited and not action:
        why.append(f"{schema.deposit}: a date without an action ({_either(schema.actions)})")
    if values["confidence"] not in CONFIDENCE:
        why.append(f"confidence: {values['confidence']!r} is not high or low")
    why += _source_problems(values["source_urls"])
    return why


def _source_problems(cell: str) -> list[str]:
    listed = [u.strip() for u in cell.split(URL_SEPARATOR) if u.strip()]
    return [f"source_urls: {u!r} is neither an http(s) URL nor a github: reference" for u in listed
            if not (_URL.fullmatch(u) or _GITHUB.fullmatch(u))]


@functools.lru_cache(maxsize=4)
def _row_index(text: str) -> dict[int, str] | None:
    """Line of each record -> its iso3 cell; None when the table has no iso3 column."""
    records = _records(text)
    first = next(records, None)
    if first is None or "iso3" not in first[1]:
        return None
    at = first[1].index("iso3")
    return {line: cells[at] for line, cells in records if len(cells) > at}


def row_problem(text: str | None, shown: str, row: Node, actor: Node | None) -> str | None:
    """Why evidence citing line `row` of a reference table does not hold for a statement about `actor`."""
    if text is None:
        return f"evidence cites row {row} of {shown}, which has no source file in graph_data/sources"
    index = _row_index(text)
    if index is None:
        return f"evidence cites row {row} of {shown}, which has no iso3 column"
    try:
        line = int(row)
    except (TypeError, ValueError):
        return f"evidence cites row {row!r} of {shown}, which is not a line number"
    if line not in index:
        return f"evidence cites row {line} of {shown}, which has no row starting on that line"
    code = index[line].strip()
    if actor is None or str(actor) != str(ST[code]):
        said = "no state" if actor is None else shorten(str(actor))
        return (f"evidence cites row {line} of {shown}, which is about st:{code}, "
                f"but the statement is about {said}")
    return None
