"""Reading the curated files: UTF-8 text and Turtle, with errors that name the file and line."""

from __future__ import annotations

import calendar
import logging
import re
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import rdflib
import yaml
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.plugins.parsers.notation3 import BadSyntax
from rdflib.term import Node

from minekg.errors import MinekgError


def read_bytes(path: Path, shown: str | None = None) -> bytes:
    """The file's bytes; a missing or unreadable file is a one-line error naming it."""
    shown = shown or str(path)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise MinekgError(f"{shown}: file not found") from None
    except OSError as e:
        raise MinekgError(f"{shown}: cannot read: {e.strerror}") from None


def read_text(path: Path, shown: str | None = None) -> str:
    """The file's text, decoded strictly as UTF-8 (sources are quoted against these exact characters)."""
    shown = shown or str(path)
    data = read_bytes(path, shown)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise MinekgError(
            f"{shown}:{line}: not valid UTF-8 (byte 0x{data[e.start]:02x} at offset {e.start}); "
            "save the file as UTF-8"
        ) from None


def parse_turtle(path: Path, shown: str | None = None, strict: bool = False) -> Graph:
    """The file's triples. `strict` (the curated files the build reads) also refuses, naming the line, an
    ill-typed literal or an IRI no store accepts; shape test cases hold such literals on purpose."""
    shown = shown or str(path)
    text = read_text(path, shown)
    g = Graph()
    try:
        with _quiet_rdflib():
            g.parse(data=text, format="turtle", publicID=path.resolve().as_uri())
    except BadSyntax as e:
        why = str(getattr(e, "_why", "bad syntax")).strip()
        raise MinekgError(f"{shown}:{e.lines + 1}: Turtle syntax error: {why}") from None
    except Exception as e:  # rdflib raises plain exceptions for bad IRIs, literals, prefixes
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise MinekgError(f"{shown}: Turtle error: {first}") from None
    if strict:
        _check_terms(g, text, shown)
    return g


@contextmanager
def _quiet_rdflib() -> Iterator[None]:
    """Parse literals as written. rdflib logs a traceback (and warns) for each ill-typed literal it reads;
    _check_terms reports them as one line instead, so the noise is held back. And it rewrites the literals
    it can read in its own form ("2021-04-05"^^xsd:dateTime became midnight of that day), which would hide
    what the curator wrote from that check and put in the graph what no source says."""
    logger = logging.getLogger("rdflib.term")
    level, normalize = logger.level, rdflib.NORMALIZE_LITERALS
    logger.setLevel(logging.CRITICAL)
    rdflib.NORMALIZE_LITERALS = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)
        rdflib.NORMALIZE_LITERALS = normalize


# ------------------------------------------------------------------ terms rdflib reads but should not

# Characters RFC 3987 does not allow in an IRI; rdflib accepts them, and the first store to see one fails.
_BAD_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_TZ = r"(Z|[+-]\d{2}:\d{2})?"
_DATE = re.compile(rf"-?\d{{4,}}-\d{{2}}-\d{{2}}{_TZ}")
_YEAR_MONTH = re.compile(rf"-?\d{{4,}}-\d{{2}}{_TZ}")
_YEAR_MONTH_PART = re.compile(r"-?\d{4,}-\d{2}")
_YEAR = re.compile(rf"-?\d{{4,}}{_TZ}")
_DATE_TIME = re.compile(rf"-?\d{{4,}}-\d{{2}}-\d{{2}}T\d{{2}}:\d{{2}}:\d{{2}}(\.\d+)?{_TZ}")
_INTEGER = re.compile(r"[+-]?\d+")
_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


def _calendar(value: str) -> bool:
    """True if the year-month-day `value` starts with is a real day (any year: XSD allows 0044 BC, 12000)."""
    m = re.match(r"(-?\d{4,})-(\d{2})-(\d{2})", value)
    if not m:
        return False
    year, month, day = (int(g) for g in m.groups())
    return 1 <= month <= 12 and 1 <= day <= calendar.monthrange(2000 if calendar.isleap(year) else 2001, month)[1]


def _clock(value: str) -> bool:
    h, m, s = value[11:19].split(":")
    return int(h) < 24 and int(m) < 60 and int(s) < 60


def _which_date(value: str) -> str:
    """The datatype `value` is written in, to say which one the curator meant."""
    for pattern, name in ((_DATE, "date"), (_YEAR_MONTH, "gYearMonth"), (_YEAR, "gYear")):
        if pattern.fullmatch(value):
            return name
    return ""


_HINTS = {"date": "for a day use \"{v}\"^^xsd:date", "gYearMonth": "for a month use \"{v}\"^^xsd:gYearMonth",
          "gYear": "for a year use \"{v}\"^^xsd:gYear"}


def _date_problem(value: str, datatype: str, pattern: re.Pattern, form: str) -> str | None:
    if pattern.fullmatch(value):
        if datatype == "gYear" or _calendar(value if datatype == "date" else _YEAR_MONTH_PART.match(value)[0] + "-01"):
            return None
        return f"not a real calendar {'month' if datatype == 'gYearMonth' else 'date'} ({form})"
    meant = _which_date(value)
    hint = f"; {_HINTS[meant].format(v=value)}" if meant and meant != datatype else ""
    return f"not an xsd:{datatype} ({form}){hint}"


def _date_time_problem(value: str) -> str | None:
    if _DATE_TIME.fullmatch(value):
        return None if _calendar(value) and _clock(value) else "not a real date and time (YYYY-MM-DDThh:mm:ss)"
    meant = _which_date(value)
    hint = f"; {_HINTS[meant].format(v=value)}" if meant else ""
    return f"not an xsd:dateTime (YYYY-MM-DDThh:mm:ss){hint}"


def _number_problem(value: str, datatype: str) -> str | None:
    if (_INTEGER if datatype == "integer" else _DECIMAL).fullmatch(value):
        return None
    if re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?", value):
        return f"not an xsd:{datatype}: write it without thousands separators"
    if datatype == "integer" and _DECIMAL.fullmatch(value):
        return f"not an xsd:integer (digits, optional sign); for a fraction use \"{value}\"^^xsd:decimal"
    form = "digits, optional sign" if datatype == "integer" else "digits with an optional decimal point"
    return f"not an xsd:{datatype} ({form})"


# The datatypes curators write, checked here with a message that says the right form; any other datatype
# is left to rdflib's own check (Literal.ill_typed).
_CHECKS: dict[URIRef, Callable[[str], str | None]] = {
    XSD.date: lambda v: _date_problem(v, "date", _DATE, "YYYY-MM-DD"),
    XSD.gYearMonth: lambda v: _date_problem(v, "gYearMonth", _YEAR_MONTH, "YYYY-MM"),
    XSD.gYear: lambda v: _date_problem(v, "gYear", _YEAR, "YYYY"),
    XSD.dateTime: _date_time_problem,
    XSD.integer: lambda v: _number_problem(v, "integer"),
    XSD.decimal: lambda v: _number_problem(v, "decimal"),
    XSD.boolean: lambda v: None if v in ("true", "false", "1", "0") else "not an xsd:boolean (true or false)",
}


def _literal_problem(lit: Literal) -> str | None:
    check = _CHECKS.get(lit.datatype) if lit.datatype is not None else None
    if check is not None:
        # XSD collapses whitespace around these values before reading them
        why = check(str(lit).strip())
    else:
        why = f"not a valid {_short(lit.datatype)}" if lit.ill_typed else None
    return f"\"{lit}\"^^{_short(lit.datatype)}: {why}" if why else None


def _short(datatype: Node | None) -> str:
    text = str(datatype)
    return "xsd:" + text[len(str(XSD)) :] if text.startswith(str(XSD)) else f"<{text}>"


def _term_problem(term: Node) -> tuple[list[str], str] | None:
    """(how the term may be written in the file, most precise first; what is wrong) for a term no store
    should be given."""
    if isinstance(term, Literal):
        why = _literal_problem(term)
        quoted = f"\"{term}\""
        return ([f"{quoted}^^{_short(term.datatype)}", f"{quoted}^^<{term.datatype}>", f"{quoted}^^", quoted],
                why) if why else None
    if isinstance(term, URIRef) and (bad := _BAD_IRI.search(str(term))):
        what = "a space" if bad.group() == " " else f"the character {bad.group()!r}"
        return [str(term)[: bad.start()].rsplit("/", 1)[-1] + bad.group()], (
            f"IRI <{term}> contains {what}, which IRIs cannot hold; use %20 or a hyphen")
    return None


def _check_terms(g: Graph, text: str, shown: str) -> None:
    """One line naming the first (by line) ill-typed literal or invalid IRI of a parsed file."""
    found = []
    for term in {t for triple in g for t in triple}:
        problem = _term_problem(term)
        if problem:
            found.append((_line(text, problem[0]), problem[1]))
    if found:
        line, why = min(found, key=lambda f: (f[0] or 10**9, f[1]))
        raise MinekgError(f"{shown}{f':{line}' if line else ''}: {why}")


def _line(text: str, needles: list[str]) -> int | None:
    for needle in needles:
        at = text.find(needle)
        if at >= 0:
            return text.count("\n", 0, at) + 1
    return None


def read_yaml(path: Path, shown: str | None = None):
    """The file's YAML data; a syntax error names the file and line."""
    shown = shown or str(path)
    try:
        return yaml.safe_load(read_text(path, shown))
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        raise MinekgError(f"{shown}{f':{mark.line + 1}' if mark else ''}: not valid YAML") from None
