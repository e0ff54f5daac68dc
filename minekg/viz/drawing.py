"""Drawing the claims network: the layout, GraphML and GEXF for Gephi and yEd, node-link JSON, and write(),
which puts them together with the static figure (minekg.viz.figure) and the interactive page
(minekg.viz.page) into one folder (see docs/viz.md). Positions are computed here, once, so the page never
runs a force simulation.
"""

from __future__ import annotations

import io
import json
import math
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import numpy as np

from minekg import atomic, resources
from minekg.errors import MinekgError
from minekg.project import Project
from minekg.rdf.loading import read_text
from minekg.viz.figure import figure, save
from minekg.viz.network import Network
from minekg.viz.page import page_data, render_page

DEFAULT_AGGREGATE_ABOVE = 5000  # claims; above this the page draws one edge per ordered pair of actors
FILES = ("index.html", "claims.graphml", "claims.gexf", "claims.json", "claims.svg", "claims.png")
LAYOUT_SEED = 20231222


@dataclass(frozen=True)
class Written:
    folder: Path
    index: Path
    nodes: int
    edges: int
    claims: int


def palette(project: Project) -> dict:
    path = resources.asset("viz", "palette.json")
    return json.loads(read_text(path, resources.shown(path)))


# ------------------------------------------------------------------ layout


def layout(g: nx.MultiDiGraph) -> dict[str, tuple[float, float]]:
    """Node positions in [0, 1]², deterministic. Each connected part is laid out on its own (see _force)
    with an area that grows with its number of actors, and the parts are packed in rows, biggest first:
    laid out together, a few actors with no edge would push the rest into a corner."""
    parts = sorted((sorted(c) for c in nx.weakly_connected_components(g)), key=lambda c: (-len(c), c[0]))
    placed: dict[str, tuple[float, float]] = {}
    boxes = []
    for nodes in parts:
        xy = _force(g, nodes)
        # one scale for every part: its typical edge about one unit long
        index = {v: i for i, v in enumerate(nodes)}
        lengths = [float(np.linalg.norm(xy[index[u]] - xy[index[v]])) for u, v in g.subgraph(nodes).edges() if u != v]
        scale = min(1.0 / max(float(np.median(lengths)), 1e-3), 1.5 * math.sqrt(len(nodes))) if lengths else 1.0
        margin = 1.5  # room for labels between parts
        boxes.append(
            (
                nodes,
                xy * scale,
                float(xy[:, 0].max()) * scale + margin,
                float(xy[:, 1].max()) * scale + margin,
            )
        )
    area = sum(w * h for _, _, w, h in boxes)
    row_width = max(max((w for _, _, w, _ in boxes), default=1.0), math.sqrt(area * 1.3))  # about 1.3:1, as a screen
    x = y = row_height = 0.0
    for nodes, xy, w, h in boxes:
        if x > 0 and x + w > row_width + 1e-9:
            x, y, row_height = 0.0, y + row_height, 0.0
        for i, v in enumerate(nodes):
            placed[v] = (x + float(xy[i, 0]), y + float(xy[i, 1]))
        x += w
        row_height = max(row_height, h)
    if not placed:
        return {}
    xs = [p[0] for p in placed.values()]
    ys = [p[1] for p in placed.values()]
    span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    # y grows upwards on the page and in the figure: the first row goes on top
    return {v: (round((px - min(xs)) / span, 5), round(1 - (py - min(ys)) / span, 5)) for v, (px, py) in placed.items()}


def _force(g: nx.MultiDiGraph, nodes: list[str]) -> np.ndarray:
    """Fruchterman-Reingold with a weak pull to the centre, float32 numpy, O(n²) per step, scaled into
    [0, 1]² keeping its aspect: 2,000 actors take about two seconds, where networkx's spring_layout needs
    scipy above 500 nodes and takes ten times as long."""
    n = len(nodes)
    if n == 1:
        return np.zeros((1, 2), dtype=np.float32)
    index = {v: i for i, v in enumerate(nodes)}
    a = np.zeros((n, n), dtype=np.float32)
    for u, v in g.subgraph(nodes).edges():
        if u != v:
            a[index[u], index[v]] += 1
            a[index[v], index[u]] += 1
    np.minimum(a, 2, out=a)  # many claims between two actors pull them together, but not into one point
    rng = np.random.default_rng(LAYOUT_SEED)
    pos = rng.random((n, 2)).astype(np.float32)
    k = np.float32(1.0 / math.sqrt(n))
    iterations = 300 if n <= 300 else 60
    t = np.float32(0.1)
    dt = t / (iterations + 1)
    for _ in range(iterations):
        dx = pos[:, 0, None] - pos[None, :, 0]
        dy = pos[:, 1, None] - pos[None, :, 1]
        d2 = dx * dx + dy * dy
        np.maximum(d2, 1e-5, out=d2)
        d = np.sqrt(d2)
        force = k * k / d2 - a * d / k
        disp = np.stack([(dx * force).sum(1), (dy * force).sum(1)], axis=1)
        disp -= (pos - pos.mean(0)) * np.float32(0.3)  # gravity
        length = np.linalg.norm(disp, axis=1)
        np.maximum(length, 1e-4, out=length)
        pos += disp * (t / length)[:, None]
        t -= dt
    # Turn the long axis horizontal, as screens are wide; but stand a part of two or three actors upright,
    # so that their labels (horizontal) do not run into each other.
    centred = pos - pos.mean(0)
    _, vectors = np.linalg.eigh(np.cov(centred.T.astype(np.float64)))
    pos = (centred @ (vectors if n <= 3 else vectors[:, ::-1])).astype(np.float32)
    pos -= pos.min(0)
    pos /= float(pos.max()) or 1.0
    return pos


def curvatures(g: nx.MultiDiGraph) -> dict[str, float]:
    """A curvature per edge key so that parallel edges, and the two directions of a mutual pair, fan out
    instead of lying on one another. Positive bends left of the edge's own direction (sigma and
    matplotlib's arc3 agree on this)."""
    by_pair: dict[tuple[str, str], list[tuple[str, str, str]]] = defaultdict(list)
    for u, v, key in g.edges(keys=True):
        by_pair[(min(u, v), max(u, v))].append((u, v, key))
    out = {}
    for (a, _b), edges in by_pair.items():
        edges.sort(key=lambda e: (e[0] != a, e[2]))
        m = len(edges)
        step = 0.18 if m < 8 else 1.2 / m
        for i, (u, _v, key) in enumerate(edges):
            c = 0.0 if m == 1 else (i - (m - 1) / 2) * step
            # the same side of the line a-b for both directions: flip for edges that run b -> a
            out[key] = round(c if u == a else -c, 4)
    return out


# ------------------------------------------------------------------ files for Gephi, yEd and scripts


def _hex_rgb(colour: str) -> dict[str, int]:
    c = colour.lstrip("#")
    return {"r": int(c[0:2], 16), "g": int(c[2:4], 16), "b": int(c[4:6], 16)}


def graphml(g: nx.MultiDiGraph) -> bytes:
    buf = io.BytesIO()
    nx.write_graphml(g, buf, encoding="utf-8", prettyprint=True, named_key_ids=True)
    return buf.getvalue()


def gexf(g: nx.MultiDiGraph, colours: dict) -> bytes:
    """GEXF 1.2 with positions, colours and sizes in the viz namespace, and no modification date (the
    same inputs give the same bytes)."""
    h = g.copy()
    for _n, d in h.nodes(data=True):
        d["viz"] = {
            "position": {"x": d["x"] * 1000, "y": -d["y"] * 1000, "z": 0.0},
            "color": {**_hex_rgb(colours["actor"].get(d["kind"], colours["actor"]["actor"])), "a": 1.0},
            "size": float(d["size"]),
        }
    for _u, _v, d in h.edges(data=True):
        d["viz"] = {"color": {**_hex_rgb(colours["kind"][d["kind"]]), "a": 1.0}}
    writer = nx.readwrite.gexf.GEXFWriter(encoding="utf-8", prettyprint=True, version="1.2draft")
    writer.add_graph(h)
    meta = writer.xml.find("meta")
    if meta is not None:
        meta.attrib.pop("lastmodifieddate", None)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def node_link(g: nx.MultiDiGraph) -> bytes:
    doc = nx.node_link_data(g, edges="edges")
    return (json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


# ------------------------------------------------------------------ everything


def node_sizes(g: nx.MultiDiGraph) -> None:
    """A node's size grows with the claims it takes part in (drawn and unpaired)."""
    base, step, top = (3, 1.8, 14) if len(g) > 300 else (6, 2.2, 22)  # smaller when many share the screen
    for n, d in g.nodes(data=True):
        k = g.degree(n) + d["unpaired"]
        d["size"] = round(min(base + step * math.sqrt(k), top), 2)


def write(
    net: Network,
    out: Path,
    project: Project | None = None,
    aggregate_above: int = DEFAULT_AGGREGATE_ABOVE,
    title: str | None = None,
) -> Written:
    """Write the network's files into `out`, whole or not at all (a temporary folder renamed over it)."""
    project = project or Project.default()
    if aggregate_above < 0:
        raise MinekgError(f"aggregate above {aggregate_above}: must be 0 or more")
    out = Path(out)
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / "index.html").exists())):
        raise MinekgError(
            f"{out}: exists and is not a folder minekg viz wrote (no index.html); choose a new or empty folder"
        )
    colours = palette(project)
    g = net.graph
    node_sizes(g)
    pos = layout(g)
    for n, (x, y) in pos.items():
        g.nodes[n]["x"], g.nodes[n]["y"] = x, y
    curv = curvatures(g)
    for _u, _v, key, d in g.edges(keys=True, data=True):
        d["curvature"] = curv[key]
    claims = len({c.iri for c in net.claims})  # a claim asserted jointly is one claim
    g.graph.update({"name": "minekg claims network", "filters": net.filters.describe(), "claims": claims})
    title = title or ("Who alleges what: " + (f"{len(g)} actors, {claims} claims" if len(g) else "no claims match"))
    data = page_data(net, pos, curv, colours, title, aggregate_above)
    fig = figure(
        net,
        pos,
        curv,
        colours,
        title + (f" ({net.filters.describe()})" if net.filters.describe() != "all claims" else ""),
    )
    files = {
        "index.html": render_page(data, project).encode("utf-8"),
        "claims.graphml": graphml(g),
        "claims.gexf": gexf(g, colours),
        "claims.json": node_link(g),
        "claims.svg": save(fig, "svg"),
        "claims.png": save(fig, "png"),
    }
    with atomic.replace_dir(out) as tmp:
        for name, content in files.items():
            (tmp / name).write_bytes(content)
    return Written(out, out / "index.html", len(g), g.number_of_edges(), claims)
