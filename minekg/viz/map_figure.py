"""The map's static figure: the vendored Natural Earth country shapes in the Equal Earth projection
(computed here, a dozen lines; no projection library), the palette, and the matplotlib drawing saved as
map.svg and map.png with its title, legend and notes (see docs/map.md).
"""

from __future__ import annotations

import datetime
import io
import json
import math
import re
from dataclasses import dataclass

from minekg import resources
from minekg.project import Project
from minekg.rdf.loading import read_text
from minekg.viz.map_status import STATUS_QUERY, UNKNOWN, StateStatus

# Not a state anyone tracks a treaty status for, and a fifth of the picture: left out, as analysts' maps do.
LEFT_OUT = ("ATA",)


@dataclass(frozen=True)
class Shape:
    iso3: str | None
    name: str
    rings: tuple[tuple[tuple[float, float], ...], ...]  # projected, y up


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


def extent(all_shapes: list[Shape]) -> tuple[float, float, float, float]:
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
    x0, y0, x1, y1 = extent(all_shapes)
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


def save(fig, fmt: str) -> bytes:
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
