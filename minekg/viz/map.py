"""The world map of treaty status: every state coloured by its status under an instrument on a date, from
the named query 001_treaty_status_on_date, as SVG, PNG and one self-contained interactive index.html
(see docs/map.md).

Country shapes are Natural Earth's 1:110m countries, vendored under minekg/assets/viz/vendor/naturalearth/ (with where
they came from), joined to the graph's states by ISO 3166-1 alpha-3 code and drawn in the Equal Earth
projection (minekg.viz.map_figure). The statuses come from minekg.viz.map_status; the page's HTML, CSS and
JavaScript are package data under minekg/assets/viz/map/, filled with a JSON blob by minekg.viz.map_page.
This module gathers the map's data and writes its files.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from minekg import atomic
from minekg.errors import MinekgError
from minekg.project import Project
from minekg.query.graph import Graph
from minekg.viz.map_figure import Shape, colours, figure, notes_for, save, shapes, title_of
from minekg.viz.map_page import allegation_data, page_data, render_page
from minekg.viz.map_status import StateStatus, instrument_iri, instrument_label, snapshot_dates, statuses

FILES = ("index.html", "map.svg", "map.png")


@dataclass(frozen=True)
class Written:
    folder: Path
    index: Path
    states: int
    without_shape: tuple[str, ...]  # "Name (ISO)" of states with a status and no shape at 1:110m


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
        "map.svg": save(fig, "svg"),
        "map.png": save(fig, "png"),
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
