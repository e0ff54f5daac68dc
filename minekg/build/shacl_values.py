"""pySHACL's own Python tests of one value (a literal's datatype, a lower bound, a language, a regular
expression), which the SPARQL validation engine applies to the candidates its queries return so that its
results stay pySHACL's."""

from __future__ import annotations

import re
from decimal import Decimal

from rdflib import Literal
from rdflib.namespace import RDF, XSD
from rdflib.term import Node


def _has_datatype(v: Node | None, dt: Node) -> bool:
    """pySHACL's DatatypeConstraintComponent test of one value (rdflib's parse of the lexical form)."""
    if not isinstance(v, Literal):
        return False
    if v.datatype == dt or (dt == XSD.string and v.datatype is None and not v.language):
        fresh = Literal(str(v), lang=v.language, datatype=v.datatype)  # parsed as pySHACL's rdflib parsed it
        if getattr(fresh, "ill_typed", None) is True:
            return False
        return _actual(fresh.value, dt)
    return dt == RDF.langString and bool(v.language) and _actual(v.value, dt)


def _actual(value: object, dt: Node) -> bool:
    from datetime import date, datetime, time

    kinds: dict[Node, type | tuple[type, ...]] = {
        XSD.string: (str, bytes), RDF.langString: (str, bytes), XSD.integer: int, XSD.float: float,
        XSD.decimal: Decimal, XSD.boolean: bool, XSD.date: date, XSD.time: time, XSD.dateTime: datetime}
    kind = kinds.get(dt)
    return True if kind is None else isinstance(value, kind)


def _at_least(v: Node | None, minimum: Node) -> bool:
    """pySHACL's MinInclusiveConstraintComponent test of one value."""
    from pyshacl.rdfutil.compare import compare_literal

    if not isinstance(v, Literal) or not isinstance(minimum, Literal):
        return False
    if isinstance(v.value, str) != isinstance(minimum.value, str):
        return False
    try:
        return compare_literal(v, minimum) >= 0
    except (TypeError, NotImplementedError):
        return False


def _lang_in(v: Node | None, langs: set[str]) -> bool:
    """pySHACL's LanguageInConstraintComponent test of one value."""
    if not isinstance(v, Literal) or not v.language:
        return False
    lang = v.language.lower()
    return "*" in langs or lang in langs or lang.split("-")[0] in langs


def _regex(pattern: str, flags: str) -> re.Pattern:
    table = {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL, "x": re.VERBOSE}
    bits = 0
    for f in flags:
        bits |= table.get(f, 0)
    return re.compile(pattern, bits)
