"""The map's interactive page: the JSON the page's script reads (shapes as SVG paths, each state's status
at each slider stop, the allegations of the claims network) and the self-contained index.html made from the
template, CSS and JavaScript under minekg/assets/viz/map/.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

from minekg import resources
from minekg.errors import MinekgError
from minekg.project import Project
from minekg.query.graph import Graph
from minekg.rdf.loading import read_text
from minekg.viz.map_figure import extent, svg_path
from minekg.viz.map_status import INSTRUMENTS, STATE_BASE, STATUS_QUERY, UNKNOWN, Basis, instrument_iri
from minekg.viz.page import _html_text

if TYPE_CHECKING:
    from minekg.viz.map import MapData

_PLACEHOLDER = re.compile(r"\{\{(title|css|data|app_js)\}\}")


def page_data(md: MapData, allegations: list[dict]) -> dict:
    """What the page needs: shapes as SVG paths, the status of each state at each slider stop (the
    deciding statements kept once, referred to by index), and the allegations for the second mode."""
    x0, y0, x1, y1 = extent(md.shapes)
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
    from minekg.viz.claims import claims

    out = []
    for c in claims(graph):
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
