"""The world map of treaty status: every state coloured by its status under an instrument on a date, from
the named query 001_treaty_status_on_date, as SVG, PNG and one self-contained interactive index.html
(see docs/map.md).

Country shapes are Natural Earth's 1:110m countries, vendored under minekg/assets/viz/vendor/naturalearth/ (with where
they came from), joined to the graph's states by ISO 3166-1 alpha-3 code and drawn in the Equal Earth
projection computed here (a dozen lines; no projection library). The page's HTML, CSS and JavaScript are
package data under minekg/assets/viz/map/; this module fills the template with a JSON blob, as minekg.viz does.
"""

from __future__ import annotations

import datetime
import io
import json
import math
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from minekg import atomic, resources
from minekg.build.assemble import load_built
from minekg.errors import MinekgError
from minekg.project import Project
from minekg.query import catalogue as named
from minekg.query.graph import Graph
from minekg.rdf.loading import read_text
from minekg.release.markings import released_nquads
from minekg.viz.page import _html_text

STATUS_QUERY = "001_treaty_status_on_date"
INSTRUMENTS = ("mbt", "ccw", "ccw-apii", "ccw-pv", "ccm")
DEFAULT_INSTRUMENT = "mbt"
INSTRUMENT_BASE = "https://w3id.org/minekg/id/instrument/"
STATE_BASE = "https://w3id.org/minekg/id/state/"
FIRST_YEAR = 1997  # the Mine Ban Treaty opened for signature on 3 December 1997: the slider starts there
FILES = ("index.html", "map.svg", "map.png")
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
# Not a state anyone tracks a treaty status for, and a fifth of the picture: left out, as analysts' maps do.
LEFT_OUT = ("ATA",)
_PLACEHOLDER = re.compile(r"\{\{(title|css|data|app_js)\}\}")


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


@dataclass(frozen=True)
class Shape:
    iso3: str | None
    name: str
    rings: tuple[tuple[tuple[float, float], ...], ...]  # projected, y up


@dataclass(frozen=True)
class Written:
    folder: Path
    index: Path
    states: int
    without_shape: tuple[str, ...]  # "Name (ISO)" of states with a status and no shape at 1:110m


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


# ------------------------------------------------------------------ shapes and projection


def equal_earth(lon: float, lat: float) -> tuple[float, float]:
    """Šavrič, Patterson and Jenny's Equal Earth projection (2018), on the unit sphere."""
    a1, a2, a3, a4 = 1.340264, -0.081106, 0.000893, 0.003796
    m = math.sqrt(3) / 2
    lam, phi = math.radians(lon), math.radians(lat)
    t = math.asin(m * math.sin(phi))
    t2, t6 = t * t, t**6
    x = 2 * math.sqrt(3) * lam * math.cos(t) / (3 * (a1 + 3 * a2 * t2 + t6 * (7 * a3 + 9 * a4 * t2)))
    y = t * (a1 + a2 * t2 + t6 * (a3 + a4 * t2))
    return x, y


def shapes(project: Project) -> tuple[list[Shape], str]:
    """The projected country shapes (Antarctica left out), and where they come from."""
    path = resources.asset("viz", "vendor", "naturalearth", "countries-110m.json")
    shown = resources.shown(path)
    doc = json.loads(read_text(path, shown))
    out = []
    for c in doc["countries"]:
        if c["iso3"] in LEFT_OUT:
            continue
        rings = tuple(tuple(equal_earth(lon, lat) for lon, lat in ring) for ring in c["rings"])
        out.append(Shape(c["iso3"], c["name"], rings))
    return out, doc["source"]


def svg_path(shape: Shape, scale: float, x0: float, y0: float) -> str:
    """The shape as an SVG path in page pixels (y down), 0.1 px precision."""
    parts = []
    for ring in shape.rings:
        pts = [f"{(x - x0) * scale:.1f},{(y0 - y) * scale:.1f}" for x, y in ring]
        parts.append("M" + "L".join(pts) + "Z")
    return "".join(parts)


def _extent(all_shapes: list[Shape]) -> tuple[float, float, float, float]:
    xs = [x for s in all_shapes for r in s.rings for x, _ in r]
    ys = [y for s in all_shapes for r in s.rings for _, y in r]
    return min(xs), min(ys), max(xs), max(ys)


# ------------------------------------------------------------------ the static figure


def colours(project: Project) -> dict:
    path = resources.asset("viz", "map", "palette.json")
    return json.loads(read_text(path, resources.shown(path)))


def title_of(label: str, date: datetime.date) -> str:
    return f"{label}: status of each state on {date.day} {date.strftime('%B %Y')}"


def figure(
    all_shapes: list[Shape], status: dict[str, StateStatus], palette: dict, title: str, notes: list[str]
):
    """A matplotlib Figure: one patch per country (gid state-ISO3, so the SVG can be read back), a legend
    with counts, and notes below the map."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch, PathPatch
    from matplotlib.path import Path as MPath

    fig = Figure(figsize=(14, 9), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.005, 0.16, 0.99, 0.78))
    ax.set_axis_off()
    ax.set_aspect("equal")
    x0, y0, x1, y1 = _extent(all_shapes)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    for shape in sorted(all_shapes, key=lambda s: (s.iso3 or "~", s.name)):
        verts, codes = [], []
        for ring in shape.rings:
            verts += list(ring) + [ring[0]]
            codes += [MPath.MOVETO] + [MPath.LINETO] * (len(ring) - 1) + [MPath.CLOSEPOLY]
        s = status.get(shape.iso3 or "")
        colour = palette["status"].get(s.status, palette["unknown"]) if s else palette["unknown"]
        patch = PathPatch(MPath(verts, codes), facecolor=colour, edgecolor=palette["border"], lw=0.4)
        patch.set_gid(f"state-{shape.iso3}" if shape.iso3 else f"shape-{_slug(shape.name)}")
        ax.add_patch(patch)
    fig.suptitle(title, x=0.01, y=0.975, ha="left", fontsize=14).set_gid("map-title")
    counts = {k: sum(1 for s in status.values() if s.status == k) for k in palette["status"]}
    handles = [
        Patch(facecolor=c, edgecolor="#999999", lw=0.5, label=f"{k} ({counts[k]})")
        for k, c in palette["status"].items()
        if counts[k]
    ]
    handles.append(Patch(facecolor=palette["unknown"], edgecolor="#999999", lw=0.5, label=UNKNOWN))
    legend = fig.legend(  # over the South Pacific, the map's empty lower left corner
        handles=handles,
        loc="lower left",
        bbox_to_anchor=(0.02, 0.17),
        frameon=False,
        fontsize=11,
        title="status (states)",
        title_fontsize=11,
        alignment="left",
    )
    legend.set_gid("map-legend")
    fig.text(0.01, 0.14, "\n".join(notes), ha="left", va="top", fontsize=8.5, color="#333333").set_gid("map-notes")
    return fig


def _save(fig, fmt: str) -> bytes:
    """As minekg.viz saves its figure (no date or software version: the same inputs give the same bytes),
    but with the SVG's text kept as text, so that the title, legend and notes can be read and searched."""
    import matplotlib

    buf = io.BytesIO()
    with matplotlib.rc_context({"svg.hashsalt": "minekg", "svg.fonttype": "none"}):
        fig.savefig(buf, format=fmt, metadata={"Date": None} if fmt == "svg" else {"Software": None})
    return buf.getvalue()


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def notes_for(without_shape: list[str], date: datetime.date, label: str, source: str) -> list[str]:
    missing = ", ".join(without_shape) if without_shape else "none"
    return _wrap(
        [
            f"Source: minekg, query {STATUS_QUERY} (date {date.isoformat()}, {label}): each state's status "
            "as its sources' dated treaty actions decide it; every status is attributed to a statement and "
            "its quote or register row.",
            f"Grey: {UNKNOWN} (territories, and states no source gives a step for).",
            f"States with a status but no shape at this scale ({len(without_shape)}): {missing}.",
            f"Shapes: {source}; Equal Earth projection.",
        ]
    )


def _wrap(lines: list[str], width: int = 200) -> list[str]:
    import textwrap

    return [w for line in lines for w in textwrap.wrap(line, width)]


# ------------------------------------------------------------------ the interactive page


def page_data(md: MapData, allegations: list[dict]) -> dict:
    """What the page needs: shapes as SVG paths, the status of each state at each slider stop (the
    deciding statements kept once, referred to by index), and the allegations for the second mode."""
    x0, y0, x1, y1 = _extent(md.shapes)
    scale = 1000 / (x1 - x0)
    bases: list[dict] = []
    index: dict[Basis, int] = {}
    names: dict[str, str] = {}
    stops = []
    for date, status in md.snapshots:
        states = {}
        for iso3, s in status.items():
            names[iso3] = s.name
            refs = []
            for b in s.bases:
                if b not in index:
                    index[b] = len(bases)
                    bases.append({"statement": b.statement, "document": b.document, "quote": b.quote, "row": b.row})
                refs.append(index[b])
            states[iso3] = [s.status, s.since, refs]
        stops.append({"date": date.isoformat(), "states": states})
    return {
        "title": md.title,
        "instrument": {"name": md.instrument, "label": md.label, "iri": instrument_iri(md.instrument)},
        "instruments": list(INSTRUMENTS),
        "size": [1000, round((y1 - y0) * scale, 1)],
        "shapes": [
            {"iso3": s.iso3, "name": s.name, "d": svg_path(s, scale, x0, y1)}
            for s in sorted(md.shapes, key=lambda s: (s.iso3 or "~", s.name))
        ],
        "names": dict(sorted(names.items())),
        "stops": stops,
        "bases": bases,
        "palette": md.palette,
        "statusOrder": list(md.palette["status"]),  # the legend's order (the JSON's keys are sorted)
        "unknown": UNKNOWN,
        "withoutShape": md.without_shape,
        "allegations": allegations,
        "source": md.source,
        "query": STATUS_QUERY,
        "stateBase": STATE_BASE,
    }


def allegation_data(graph: Graph) -> list[dict]:
    """The allegations of the claims network (query 201), each with the states it is made by and against
    (bodies and officials rolled up to their state), its years, its text and first quote."""
    from minekg.viz import network

    out = []
    for c in network.claims(graph):
        if c.kind != "allegation":
            continue
        by = c.author.state
        against = sorted({p.state for p, role in c.targets if p.state and p.state != by})
        if not by and not against:  # between armed groups or organisations: no state to colour
            continue
        ev = c.evidence[0] if c.evidence else None
        out.append(
            {
                "id": c.id,
                "by": by.rsplit("/", 1)[-1] if by else None,
                "against": [a.rsplit("/", 1)[-1] for a in against],
                "from": c.earliest.year if c.earliest else None,
                "to": c.latest.year if c.latest else None,
                "text": c.text(),
                "quote": ev.quote if ev else "",
                "document": ev.document if ev else "",
            }
        )
    return sorted(out, key=lambda a: a["id"])


def render_page(data: dict, project: Project) -> str:
    folder = resources.asset("viz", "map")
    shown = resources.shown(folder)
    parts = {
        "title": _html_text(data["title"]),
        "css": read_text(folder / "map.css", f"{shown}/map.css"),
        "app_js": read_text(folder / "map.js", f"{shown}/map.js"),
        # "</" inside a <script> would end it early; JSON allows "<\/" for "</".
        "data": json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        .replace("</", "<\\/")
        .replace("<!--", "<\\u0021--"),
    }
    if "</script" in parts["app_js"].lower():
        raise MinekgError(f"map: {shown}/map.js contains '</script' and cannot be inlined")
    template = read_text(folder / "index.html", f"{shown}/index.html")
    return _PLACEHOLDER.sub(lambda m: parts[m.group(1)], template)


# ------------------------------------------------------------------ everything


@dataclass(frozen=True)
class MapData:
    """Everything drawn, for one instrument and date."""

    instrument: str
    date: datetime.date
    label: str
    snapshots: list[tuple[datetime.date, dict[str, StateStatus]]]  # the slider's stops, `date` last
    shapes: list[Shape]
    without_shape: list[str]  # "Name (ISO)" of states with a status on `date` and no shape at 1:110m
    source: str  # where the shapes come from
    palette: dict

    @property
    def status(self) -> dict[str, StateStatus]:
        return self.snapshots[-1][1]

    @property
    def title(self) -> str:
        return title_of(self.label, self.date)


def collect(graph: Graph, instrument: str, date: datetime.date, project: Project) -> MapData:
    instrument_iri(instrument)
    snapshots = [(d, statuses(graph, instrument, d)) for d in snapshot_dates(date)]
    all_shapes, source = shapes(project)
    shaped = {s.iso3 for s in all_shapes if s.iso3}
    without_shape = [f"{s.name} ({iso3})" for iso3, s in snapshots[-1][1].items() if iso3 not in shaped]
    label = instrument_label(graph, instrument)
    return MapData(instrument, date, label, snapshots, all_shapes, without_shape, source, colours(project))


def page(graph: Graph, md: MapData, project: Project) -> str:
    """The interactive index.html (also what `minekg serve` shows at /map)."""
    return render_page(page_data(md, allegation_data(graph)), project)


def build_files(graph: Graph, md: MapData, project: Project) -> dict[str, bytes]:
    notes = notes_for(md.without_shape, md.date, md.label, md.source)
    fig = figure(md.shapes, md.status, md.palette, md.title, notes)
    return {
        "index.html": page(graph, md, project).encode("utf-8"),
        "map.svg": _save(fig, "svg"),
        "map.png": _save(fig, "png"),
    }


def write(graph: Graph, out: Path, instrument: str, date: datetime.date, project: Project | None = None) -> Written:
    """Write the map's files into `out`, whole or not at all (a temporary folder renamed over it)."""
    project = project or graph.project
    out = Path(out)
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / "map.svg").exists())):
        raise MinekgError(
            f"{out}: exists and is not a folder minekg map wrote (no map.svg); choose a new or empty folder"
        )
    md = collect(graph, instrument, date, project)
    files = build_files(graph, md, project)
    with atomic.replace_dir(out) as tmp:
        for name, content in files.items():
            (tmp / name).write_bytes(content)
    return Written(out, out / "index.html", len(md.status), tuple(md.without_shape))
