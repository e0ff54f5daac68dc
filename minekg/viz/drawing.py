"""Drawing the claims network: GraphML and GEXF for Gephi and yEd, node-link JSON, a static SVG and PNG,
and one self-contained interactive index.html (see docs/viz.md).

The page's HTML, CSS and JavaScript are package data under minekg/assets/viz/template/; the graph libraries
are the bundle in minekg/assets/viz/vendor/ (built from the npm registry by viz/vendor-src/build.sh, committed
with their licences). This module only fills the template with a JSON blob. Positions are computed here, once,
so the page never runs a force simulation.
"""

from __future__ import annotations

import io
import json
import math
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import numpy as np

from minekg import atomic, resources
from minekg.errors import MinekgError
from minekg.project import Project
from minekg.rdf.loading import read_text
from minekg.viz.network import Claim, Network

DEFAULT_AGGREGATE_ABOVE = 5000  # claims; above this the page draws one edge per ordered pair of actors
FILES = ("index.html", "claims.graphml", "claims.gexf", "claims.json", "claims.svg", "claims.png")
LAYOUT_SEED = 20231222
_PLACEHOLDER = re.compile(r"\{\{(title|css|data|vendor_js|app_js)\}\}")


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


# ------------------------------------------------------------------ the static figure


def figure(
    net: Network,
    pos: dict[str, tuple[float, float]],
    curv: dict[str, float],
    colours: dict,
    title: str,
    max_labels: int = 60,
):
    """A matplotlib Figure of the network with a legend and labels placed so they do not overlap one
    another (each label tries positions around its node and keeps the first free one)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.collections import LineCollection
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import FancyArrowPatch

    g = net.graph
    fig = Figure(figsize=(14, 9), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.01, 0.02, 0.75, 0.9))
    ax.set_axis_off()
    if len(g):  # fit the drawing, as the page does; y grows upwards there too
        xs = [x for x, _ in pos.values()]
        ys = [y for _, y in pos.values()]
        pad = 0.06 * max(max(xs) - min(xs), max(ys) - min(ys), 0.1)
        ax.set_xlim(min(xs) - pad, max(xs) + pad)
        ax.set_ylim(min(ys) - pad, max(ys) + pad)
    fig.suptitle(title, x=0.01, y=0.975, ha="left", fontsize=13)
    if not len(g):
        ax.text(
            0.5,
            0.5,
            "No claims match the filters.\n" + net.filters.describe(),
            ha="center",
            va="center",
            fontsize=14,
            color="#444",
        )
        return fig
    large = g.number_of_edges() > 1500
    sizes = {n: float(d["size"]) for n, d in g.nodes(data=True)}
    # marker area in points² from the page's pixel radius
    marker_pt = {n: (sizes[n] * 1.6) for n in g}
    if large:
        segs, cols = [], []
        for u, v, d in g.edges(data=True):
            segs.append([pos[u], pos[v]])
            cols.append(colours["kind"][d["kind"]])
        ax.add_collection(LineCollection(segs, colors=cols, linewidths=0.3, alpha=0.35, zorder=1))
    else:
        for u, v, key, d in g.edges(keys=True, data=True):
            mutual = bool(d["mutual"])
            ax.add_patch(
                FancyArrowPatch(
                    pos[u],
                    pos[v],
                    connectionstyle=f"arc3,rad={-curv.get(key, 0.0)}",
                    arrowstyle="-|>",
                    mutation_scale=11,
                    lw=3.0 if mutual else 1.3,
                    color=colours["kind"][d["kind"]],
                    alpha=0.85,
                    shrinkA=marker_pt[u] / 2 + 1,
                    shrinkB=marker_pt[v] / 2 + 1,
                    zorder=2 if mutual else 1,
                )
            )
    order = sorted(g, key=lambda n: (-g.degree(n) - g.nodes[n]["unpaired"], n))
    xs = [pos[n][0] for n in order]
    ys = [pos[n][1] for n in order]
    ax.scatter(
        xs,
        ys,
        s=[marker_pt[n] ** 2 for n in order],
        zorder=3,
        linewidths=0.8,
        edgecolors="white",
        c=[colours["actor"].get(g.nodes[n]["kind"], colours["actor"]["actor"]) for n in order],
    )
    _place_labels(fig, ax, [n for n in order][:max_labels], pos, marker_pt, {n: g.nodes[n]["label"] for n in g})

    kinds_present = {d["kind"] for _, d in g.nodes(data=True)}
    handles = [
        Line2D([], [], marker="o", ls="", ms=9, mfc=c, mec="white", label=k)
        for k, c in colours["actor"].items()
        if k in kinds_present
    ]
    claim_kinds = {d["kind"] for _, _, d in g.edges(data=True)}
    handles += [Line2D([], [], color=c, lw=2, label=k) for k, c in colours["kind"].items() if k in claim_kinds]
    handles.append(Line2D([], [], color="#555555", lw=4, label="mutual accusation"))
    fig.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(0.77, 0.92),
        frameon=False,
        fontsize=10,
        title="actors and claims",
        title_fontsize=10,
        alignment="left",
    )
    return fig


def _place_labels(fig, ax, nodes: list[str], pos, marker_pt: dict[str, float], labels: dict[str, str]) -> None:
    """Offsets are in points, like fonts and markers, so the PNG (100 dpi) and the SVG (72) agree."""
    renderer = fig.canvas.get_renderer()
    scale = fig.dpi / 72.0
    frame = ax.get_window_extent(renderer)
    taken = np.zeros((0, 4))  # label boxes placed so far, in pixels
    centres = ax.transData.transform(np.array([pos[n] for n in pos]))
    radii = np.array([marker_pt.get(n, 4) * scale / 2 for n in pos])
    markers = np.column_stack([centres - radii[:, None], centres + radii[:, None]])

    def overlap(boxes: np.ndarray, box: tuple[float, float, float, float], gap: float) -> np.ndarray:
        w = np.minimum(box[2], boxes[:, 2]) - np.maximum(box[0], boxes[:, 0]) + gap
        h = np.minimum(box[3], boxes[:, 3]) - np.maximum(box[1], boxes[:, 1]) + gap
        return np.where((w > 0) & (h > 0), w * h, 0.0)

    def clash(box: tuple[float, float, float, float]) -> float:
        if box[0] < frame.x0 or box[2] > frame.x1 or box[1] < frame.y0 or box[3] > frame.y1:
            return 1e9
        labels_hit = overlap(taken, box, 3)  # keep 3 px between labels
        # covering a node is allowed, but costs
        return float(np.count_nonzero(labels_hit) * 1e6 + labels_hit.sum() + overlap(markers, box, 0).sum())

    angles = (0, 180, 90, 270, 30, 150, 210, 330, 60, 120, 240, 300)
    for n in nodes:
        r = marker_pt[n] / 2 + 2
        text = ax.annotate(
            labels[n],
            pos[n],
            xytext=(0, 0),
            textcoords="offset points",
            fontsize=9,
            zorder=4,
            color="#111111",
            annotation_clip=False,
        )
        best = None
        free = False
        for ring in (0, 8, 18, 30, 46, 66, 90):
            if free:
                break
            for deg in angles:
                rad = math.radians(deg)
                dx, dy = math.cos(rad) * (r + ring), math.sin(rad) * (r + ring)
                ha = "left" if dx > 0.5 else "right" if dx < -0.5 else "center"
                va = "bottom" if dy > 0.5 else "top" if dy < -0.5 else "center"
                text.set_ha(ha)
                text.set_va(va)
                text.xyann = (dx, dy)
                bb = text.get_window_extent(renderer)
                box = (bb.x0, bb.y0, bb.x1, bb.y1)
                cost = clash(box)
                if best is None or cost + ring < best[0]:
                    best = (cost + ring, dx, dy, ha, va, box)
                if cost == 0:  # the first free place, nearest first
                    free = True
                    break
        _, dx, dy, ha, va, box = best
        text.set_ha(ha)
        text.set_va(va)
        text.xyann = (dx, dy)
        if math.hypot(dx, dy) > r + 10:  # a label pushed away gets a leader line to its node
            ax.annotate(
                "",
                pos[n],
                xytext=(dx, dy),
                textcoords="offset points",
                zorder=3,
                annotation_clip=False,
                arrowprops={"arrowstyle": "-", "color": "#888888", "lw": 0.6, "shrinkA": 0, "shrinkB": 0},
            )
        taken = np.vstack([taken, box])


def _save(fig, fmt: str) -> bytes:
    import matplotlib

    buf = io.BytesIO()
    with matplotlib.rc_context({"svg.hashsalt": "minekg", "svg.fonttype": "path"}):
        # No date or software version in the files: the same inputs give the same bytes.
        meta = {"Date": None} if fmt == "svg" else {"Software": None}
        fig.savefig(buf, format=fmt, metadata=meta)
    return buf.getvalue()


# ------------------------------------------------------------------ the interactive page


def _claim_data(c: Claim) -> dict:
    return {
        "claim": c.id,
        "kind": c.kind,
        "status": c.status,
        "statuses": c.statuses,
        "act": c.act,
        "weapon": "; ".join(c.weapons),
        "place": "; ".join(c.places),
        "period": c.period,
        "asserted": c.asserted,
        "assessment": c.assessment_label,
        "earliest": c.earliest.isoformat() if c.earliest else None,
        "latest": c.latest.isoformat() if c.latest else None,
        "evidence": [
            {
                "id": e.iri.rsplit("/", 1)[-1],
                "iri": e.iri,
                "document": e.document.rsplit("/", 1)[-1],
                "document_title": e.document_title,
                "footnote": e.footnote,
                "quote": e.quote,
            }
            for e in c.evidence
        ],
    }


def page_data(net: Network, pos, curv, colours: dict, title: str, aggregate_above: int) -> dict:
    g = net.graph
    by_iri = {c.iri: c for c in net.claims}
    metric_keys = (
        "allegations_made",
        "allegations_received",
        "denials_made",
        "denials_received",
        "acknowledgements_made",
        "assessments_made",
        "assessments_received",
        "non_responses_made",
        "claims_made",
        "mutual_pairs",
        "mutual_with",
        "degree_centrality",
        "unpaired",
    )
    nodes = []
    for n, d in g.nodes(data=True):
        unpaired = []
        for c, reason in net.unpaired.get(n, []):
            item = _claim_data(c)
            item.update(text=c.text(), reason=reason)
            unpaired.append(item)
        nodes.append(
            {
                "id": n,
                "label": d["label"],
                "kind": d["kind"],
                "iri": d["iri"],
                "state": d["state"],
                "x": pos[n][0],
                "y": pos[n][1],
                "size": d["size"],
                "metrics": {k: d[k] for k in metric_keys},
                "unpaired": unpaired,
            }
        )
    edges = []
    for u, v, key, d in g.edges(keys=True, data=True):
        item = _claim_data(by_iri[d["claim_iri"]])
        item.update(
            id=key,
            source=u,
            target=v,
            mutual=d["mutual"],
            curvature=curv.get(key, 0.0),
            text=d["text"],
            role=d["target_role"],
            answers=d["answers"],
        )
        edges.append(item)
    bounds = [b for c in net.claims for b in (c.earliest, c.latest) if b]
    acts = sorted({c.act for c in net.claims if c.act}, key=lambda a: (a == "other", a))
    pairs = len({(u, v) for u, v in g.edges()})
    return {
        "title": title,
        "filters": net.filters.describe(),
        "palette": {k: colours[k] for k in ("actor", "kind", "status")},
        "counts": {
            "nodes": len(nodes),
            "edges": len(edges),
            "claims": len({c.iri for c in net.claims}),
            "pairs": pairs,
            "unpaired": sum(len(v) for v in net.unpaired.values()),
        },
        "aggregate": len(edges) > aggregate_above,
        "aggregate_above": aggregate_above,
        "acts": acts,
        "years": [min(bounds).year, max(bounds).year] if bounds else None,
        "nodes": nodes,
        "edges": edges,
    }


def render_page(data: dict, project: Project) -> str:
    """index.html: the template with its CSS, the vendored libraries, the app script and the data inlined."""
    folder = resources.asset("viz")
    shown = resources.shown(folder)
    parts = {
        "title": _html_text(data["title"]),
        "css": read_text(folder / "template" / "viz.css", f"{shown}/template/viz.css"),
        "vendor_js": read_text(folder / "vendor" / "graph-libs.min.js", f"{shown}/vendor/graph-libs.min.js"),
        "app_js": read_text(folder / "template" / "viz.js", f"{shown}/template/viz.js"),
        # "</" inside a <script> would end it early; JSON allows "<\/" for "</".
        "data": json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        .replace("</", "<\\/")
        .replace("<!--", "<\\u0021--"),
    }
    for name in ("vendor_js", "app_js"):
        if "</script" in parts[name].lower():
            raise MinekgError(f"viz: {name} contains '</script' and cannot be inlined")
    template = read_text(folder / "template" / "index.html", f"{shown}/template/index.html")
    return _PLACEHOLDER.sub(lambda m: parts[m.group(1)], template)


def _html_text(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


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
        "claims.svg": _save(fig, "svg"),
        "claims.png": _save(fig, "png"),
    }
    with atomic.replace_dir(out) as tmp:
        for name, content in files.items():
            (tmp / name).write_bytes(content)
    return Written(out, out / "index.html", len(g), g.number_of_edges(), claims)
