"""Named queries: one .rq file each in queries/, with a header tooling reads, and typed parameters.

Header (comment lines starting with `#+`, YAML), after grlc and sib-swiss/sparql-examples:

    #+ summary: What is each state's Mine Ban Treaty status on a given date?
    #+ description: ...
    #+ tags: [treaty, status]
    #+ params:
    #+   - name: date
    #+     type: date
    #+     default: "2023-12-31"
    #+     description: the date to evaluate

Parameters are validated against their type, turned into RDF terms, and bound with a VALUES block
inserted at the top of the WHERE clause: a value is never pasted into the query text as text, so a
value built to break out of a string or IRI is rejected by validation or serialised inert.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from minekg.build import states
from minekg.errors import MinekgError
from minekg.project import Project
from minekg.rdf import isodates
from minekg.rdf.headers import parse_header
from minekg.rdf.loading import read_text
from minekg.rdf.namespaces import ST, expand
from minekg.rdf.oxi import nt_term

PARAM_TYPES = ("date", "year", "state", "iri", "string", "integer", "boolean")
HEADER_KEYS = {"summary", "description", "tags", "params", "endpoint", "method"}
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    default: str | None
    description: str = ""
    required: bool = False


@dataclass(frozen=True)
class NamedQuery:
    name: str  # file stem, e.g. 001_treaty_status_on_date
    path: Path
    summary: str
    description: str
    tags: tuple[str, ...]
    params: tuple[Param, ...]
    text: str
    form: str  # SELECT | CONSTRUCT | ASK | DESCRIBE
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def number(self) -> str:
        return self.name.split("_", 1)[0]

    @property
    def slug(self) -> str:
        return self.name.split("_", 1)[1] if "_" in self.name else self.name


def query_form(text: str) -> str:
    """SELECT, CONSTRUCT, ASK or DESCRIBE: the keyword after the prologue, as SPARQL's grammar reads it
    (rdflib's own Prologue rule: PREFIX and BASE declarations on any number of lines, comments anywhere).
    Only the head is parsed, so the catalogue loads fast; ad-hoc queries are parsed whole by the guard."""
    from pyparsing import ParseException

    try:
        return _form_head().parse_string(text)[-1].upper()
    except ParseException:
        raise MinekgError("query: cannot tell its form (SELECT, CONSTRUCT, ASK or DESCRIBE)") from None


@functools.cache
def _form_head():
    from pyparsing import CaselessKeyword, MatchFirst, rest_of_line
    from rdflib.plugins.sparql.parser import Prologue

    keyword = MatchFirst([CaselessKeyword(k) for k in ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE")])
    keyword.ignore("#" + rest_of_line)  # a fresh element: rdflib's shared grammar is left as it is
    return Prologue + keyword


def load_query(path: Path, shown: str | None = None) -> NamedQuery:
    shown = shown or str(path)
    text = read_text(path, shown)
    header = parse_header(text, shown, HEADER_KEYS)
    params = []
    for i, p in enumerate(header.get("params") or []):
        if not isinstance(p, dict) or "name" not in p or "type" not in p:
            raise MinekgError(f"{shown}: parameter {i + 1} needs a name and a type")
        if p["type"] not in PARAM_TYPES:
            raise MinekgError(f"{shown}: parameter {p['name']} has unknown type {p['type']!r} "
                              f"(one of {', '.join(PARAM_TYPES)})")
        default = p.get("default")
        params.append(Param(str(p["name"]), str(p["type"]), None if default is None else str(default),
                            str(p.get("description", "")), bool(p.get("required", False))))
    tags = header.get("tags") or []
    return NamedQuery(
        name=path.stem, path=path, summary=str(header.get("summary", "")).strip(),
        description=str(header.get("description", "")).strip(),
        tags=tuple(str(t) for t in (tags if isinstance(tags, list) else [tags])),
        params=tuple(params), text=text, form=query_form(text),
        extra={k: header[k] for k in ("endpoint", "method") if k in header},
    )


def catalog(project: Project | None = None) -> list[NamedQuery]:
    project = project or Project.default()
    files = sorted(project.queries.glob("[0-9][0-9][0-9]_*.rq"))
    # Parsed once per set of file versions: a changed, added or removed file is read again.
    return list(_catalog(project, tuple((p, p.stat().st_mtime_ns) for p in files)))


@functools.lru_cache(maxsize=8)
def _catalog(project: Project, versions: tuple[tuple[Path, int], ...]) -> tuple[NamedQuery, ...]:
    return tuple(load_query(p, project.rel(p)) for p, _ in versions)


def find(name: str, project: Project | None = None) -> NamedQuery:
    """A named query by file stem (001_treaty_status), number (001) or slug (treaty_status)."""
    queries = catalog(project)
    for q in queries:
        if name in (q.name, q.number, q.slug, q.name + ".rq"):
            return q
    raise MinekgError(f"query {name!r} not found (see `minekg queries`)")


# ------------------------------------------------------------------ parameters

_YEAR = re.compile(r"^\d{4}$")
_INT = re.compile(r"^[+-]?\d{1,18}$")
_IRI_BAD = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def to_term(param: Param, raw: str) -> Node:
    """Validate one parameter value against its type and return it as an RDF term."""
    name, kind = param.name, param.type
    if kind == "date":
        problem = isodates.full_date_problem(raw)
        if problem is not None:
            raise MinekgError(f"parameter {name}: {raw!r} {problem}")
        return Literal(raw, datatype=XSD.date)
    if kind == "year":
        if not _YEAR.match(raw):
            raise MinekgError(f"parameter {name}: {raw!r} is not a year (YYYY)")
        return Literal(raw, datatype=XSD.gYear)
    if kind == "integer":
        if not _INT.match(raw):
            raise MinekgError(f"parameter {name}: {raw!r} is not an integer")
        return Literal(int(raw), datatype=XSD.integer)
    if kind == "boolean":
        if raw.lower() not in ("true", "false"):
            raise MinekgError(f"parameter {name}: {raw!r} is not true or false")
        return Literal(raw.lower() == "true", datatype=XSD.boolean)
    if kind == "state":
        code = raw.strip().upper()
        if states.lookup(code) is None:
            raise MinekgError(f"parameter {name}: {raw!r} is not an ISO 3166 alpha-3 state code")
        return URIRef(ST[code])
    if kind == "iri":
        iri = expand(raw)
        if not re.match(r"^https?://[^/]", iri) or _IRI_BAD.search(iri):
            raise MinekgError(f"parameter {name}: {raw!r} is not an absolute http(s) IRI or a known prefixed name")
        return URIRef(iri)
    if kind == "string":
        if "\x00" in raw:
            raise MinekgError(f"parameter {name}: contains a NUL character")
        # rdflib decodes \uXXXX inside a query's string literals and Oxigraph does not, so such a value
        # would mean different things on different backends: refuse it rather than answer differently.
        if re.search(r"\\[uU]", raw):
            raise MinekgError(f"parameter {name}: contains a \\u or \\U escape, which SPARQL engines read "
                              "differently; give the character itself")
        return Literal(raw)
    raise MinekgError(f"parameter {name}: unknown type {kind}")


def bind(query: NamedQuery, given: dict[str, str]) -> str:
    """The query text with its parameters bound by a VALUES block (unbound where no value and no default)."""
    declared = {p.name: p for p in query.params}
    for name in given:
        if name not in declared:
            known = ", ".join(declared) or "none"
            raise MinekgError(f"parameter {name}: not a parameter of {query.name} (parameters: {known})")
    if not query.params:
        return query.text
    names, terms = [], []
    for p in query.params:
        raw = given.get(p.name, p.default)
        if raw is None and p.required:
            raise MinekgError(f"parameter {p.name}: missing (required by {query.name}); give --param {p.name}=…")
        names.append(f"?{p.name}")
        terms.append("UNDEF" if raw is None else nt_term(to_term(p, raw)))
    values = f"VALUES ({' '.join(names)}) {{ ({' '.join(terms)}) }}"
    return insert_values(query.text, values, query.name)


def insert_values(text: str, values: str, shown: str) -> str:
    # Where a line `# @params` stands (inside a subquery that filters on them), the VALUES block goes
    # there; otherwise at the top of the first WHERE { outside comments, the outermost group pattern.
    marker = re.search(r"^[ \t]*# @params[ \t]*$", text, re.M)
    if marker:
        return text[: marker.start()] + "  " + values + "\n" + text[marker.end() + 1 :]
    for m in re.finditer(r"\bWHERE\s*\{", text, re.I):
        line_start = text.rfind("\n", 0, m.start()) + 1
        if "#" in text[line_start : m.start()]:
            continue
        return text[: m.end()] + "\n  " + values + "\n" + text[m.end() :]
    raise MinekgError(f"{shown}: a parameterised query needs a `WHERE {{` clause to bind its parameters")
