"""The map's treaty statuses: its parameters (instrument, date), the released graph it reads, and each
state's status on a date from the named query 001_treaty_status_on_date, folded into one per state with the
statements deciding it (see docs/map.md). minekg.viz.map draws what this module reads.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from minekg import resources
from minekg.build.assemble import load_built
from minekg.errors import MinekgError
from minekg.project import Project
from minekg.query import catalogue as named
from minekg.query.graph import Graph
from minekg.release.markings import released_nquads

STATUS_QUERY = "001_treaty_status_on_date"
INSTRUMENTS = ("mbt", "ccw", "ccw-apii", "ccw-pv", "ccm")
DEFAULT_INSTRUMENT = "mbt"
INSTRUMENT_BASE = "https://w3id.org/minekg/id/instrument/"
STATE_BASE = "https://w3id.org/minekg/id/state/"
FIRST_YEAR = 1997  # the Mine Ban Treaty opened for signature on 3 December 1997: the slider starts there
# When a state's rows disagree on its status, the furthest step along the treaty's path wins (001 derives
# one status per state, so today they never disagree; this keeps the map well defined if that changes).
STATUS_PRECEDENCE = (
    "withdrawn",
    "withdrawal notified",
    "State Party",
    "ratified or acceded, not yet in force",
    "signatory",
    "not party",
)
UNKNOWN = "no known status"


@dataclass(frozen=True)
class Basis:
    """A statement deciding a state's status, with where it is said (a quote, or the register's row)."""

    statement: str
    document: str
    quote: str
    row: str


@dataclass
class StateStatus:
    iso3: str
    iri: str
    name: str
    status: str
    since: str
    bases: list[Basis] = field(default_factory=list)


# ------------------------------------------------------------------ parameters


def instrument_iri(name: str) -> str:
    if name not in INSTRUMENTS:
        raise MinekgError(f"instrument {name}: unknown instrument (one of {', '.join(INSTRUMENTS)})")
    return INSTRUMENT_BASE + name


def parse_date(value: str | None, today: datetime.date | None = None) -> datetime.date:
    if value is None:
        return today or datetime.date.today()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return datetime.date.fromisoformat(value)
    except ValueError:
        pass
    raise MinekgError(f"date {value}: not a date (YYYY-MM-DD, e.g. 2023-12-31)")


# ------------------------------------------------------------------ status from the graph


def _status_params(query: named.NamedQuery, instrument: str, date: datetime.date) -> dict[str, str]:
    """001's parameters. Its `instrument` parameter may not exist yet: then only the Mine Ban Treaty,
    which it has always answered for, can be drawn."""
    params = {"date": date.isoformat()}
    if any(p.name == "instrument" for p in query.params):
        params["instrument"] = instrument_iri(instrument)
    elif instrument != DEFAULT_INSTRUMENT:
        raise MinekgError(
            f"instrument {instrument}: query {query.name} has no instrument parameter in this checkout "
            f"(only {DEFAULT_INSTRUMENT} can be drawn)"
        )
    return params


def statuses(graph: Graph, instrument: str, date: datetime.date) -> dict[str, StateStatus]:
    """Each state's status on `date`, by ISO code: 001's rows folded into one per state."""
    query = named.find(STATUS_QUERY, graph.project)
    result = graph.store.query(named.bind(query, _status_params(query, instrument, date)))
    return fold(result.dicts())


def fold(rows: list[dict]) -> dict[str, StateStatus]:
    """One StateStatus per state: the status by STATUS_PRECEDENCE, its deciding statements in order (a
    quoted passage first, then the register's row; then by document and statement), without repeats."""
    out: dict[str, StateStatus] = {}
    for row in rows:
        iri = row["state"]
        iso3 = iri.rsplit("/", 1)[-1]
        s = out.get(iso3)
        if s is None or _rank(row["status"]) < _rank(s.status):  # a further step: its statements only
            s = out[iso3] = StateStatus(iso3, iri, row["name"], row["status"], row["since"] or "")
        if row["status"] == s.status and row["basis"]:
            b = Basis(row["basis"], row["document"] or "", row["quote"] or "", row["row"] or "")
            if b not in s.bases:
                s.bases.append(b)
    for s in out.values():
        s.bases.sort(key=lambda b: (not b.quote, b.document, b.statement, b.quote, b.row))
    return dict(sorted(out.items()))


def _rank(status: str) -> int:
    return STATUS_PRECEDENCE.index(status) if status in STATUS_PRECEDENCE else len(STATUS_PRECEDENCE)


@contextmanager
def released_graph(
    project: Project, store: str, endpoint: str | None, timeout: float, data: str | None, profile: str
) -> Iterator[Graph]:
    """The graph the map is drawn from: over the embedded store (--data or build/minekg.nq), only what
    `profile` releases (the release filter of `minekg export` and `minekg push`), since the map's quotes
    and allegations leave with it. An endpoint holds what was pushed to it, at the profile it was pushed with."""
    if endpoint:
        with Graph.open(store=store, endpoint=endpoint, project=project, timeout=timeout) as g:
            yield g
        return
    if data is not None and not Path(data).is_file():
        raise MinekgError(f"{data}: no such built dataset")  # as every --data option says it
    path = Path(data) if data else load_built(project)
    with released_nquads(path, profile, project) as released:
        with Graph.open(store=store, path=released, project=project, timeout=timeout) as g:
            yield g


def instrument_label(graph: Graph, instrument: str) -> str:
    path = resources.sparql("map", "instrument_label.rq")
    query = named.load_query(path, resources.shown(path))
    rows = graph.store.query(named.bind(query, {"instrument": instrument_iri(instrument)})).dicts()
    return rows[0]["label"] if rows else instrument


def snapshot_dates(date: datetime.date) -> list[datetime.date]:
    """The slider's stops: 31 December of each year from 1997 up to the year before `date`, then `date`."""
    return [datetime.date(y, 12, 31) for y in range(FIRST_YEAR, date.year)] + [date]
