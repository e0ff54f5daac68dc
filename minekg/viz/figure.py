"""The claims network as a static figure (SVG and PNG, matplotlib): nodes where the layout put them, curved
edges coloured by kind or status, labels placed so they do not overlap, and a legend."""

from __future__ import annotations

import io
import math
from collections.abc import Callable

import networkx as nx
import numpy as np

from minekg.viz.network import Network


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
    from matplotlib.figure import Figure

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
    sizes = {n: float(d["size"]) for n, d in g.nodes(data=True)}
    # marker area in points² from the page's pixel radius
    marker_pt = {n: (sizes[n] * 1.6) for n in g}
    _draw_edges(ax, g, pos, curv, colours, marker_pt)
    order = _draw_nodes(ax, g, pos, colours, marker_pt)
    _place_labels(fig, ax, [n for n in order][:max_labels], pos, marker_pt, {n: g.nodes[n]["label"] for n in g})
    _legend(fig, g, colours)
    return fig


def _draw_edges(
    ax,
    g: nx.MultiDiGraph,
    pos: dict[str, tuple[float, float]],
    curv: dict[str, float],
    colours: dict,
    marker_pt: dict[str, float],
) -> None:
    """One curved arrow per edge, thicker for a mutual accusation; thin straight lines past 1,500 edges."""
    from matplotlib.collections import LineCollection
    from matplotlib.patches import FancyArrowPatch

    large = g.number_of_edges() > 1500
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


def _draw_nodes(
    ax, g: nx.MultiDiGraph, pos: dict[str, tuple[float, float]], colours: dict, marker_pt: dict[str, float]
) -> list[str]:
    """The nodes, coloured by actor kind; returns them most connected first (the order labels are placed in)."""
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
    return order


def _legend(fig, g: nx.MultiDiGraph, colours: dict) -> None:
    """The actor kinds and claim kinds drawn, and the mutual accusation's thick line."""
    from matplotlib.lines import Line2D

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


_ANGLES = (0, 180, 90, 270, 30, 150, 210, 330, 60, 120, 240, 300)
_RINGS = (0, 8, 18, 30, 46, 66, 90)
Box = tuple[float, float, float, float]


def _place_labels(fig, ax, nodes: list[str], pos, marker_pt: dict[str, float], labels: dict[str, str]) -> None:
    """Offsets are in points, like fonts and markers, so the PNG (100 dpi) and the SVG (72) agree."""
    renderer = fig.canvas.get_renderer()
    scale = fig.dpi / 72.0
    frame = ax.get_window_extent(renderer)
    taken = np.zeros((0, 4))  # label boxes placed so far, in pixels
    centres = ax.transData.transform(np.array([pos[n] for n in pos]))
    radii = np.array([marker_pt.get(n, 4) * scale / 2 for n in pos])
    markers = np.column_stack([centres - radii[:, None], centres + radii[:, None]])
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
        dx, dy, box = _best_place(text, r, renderer, lambda box, taken=taken: _clash(box, frame, taken, markers))
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


def _best_place(text, r: float, renderer, clash: Callable[[Box], float]) -> tuple[float, float, Box]:
    """Puts the label at the first free position around its node, ring after ring, else at the cheapest;
    returns its offset and its box."""
    best = None
    free = False
    for ring in _RINGS:
        if free:
            break
        for deg in _ANGLES:
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
    return dx, dy, box


def _overlap(boxes: np.ndarray, box: Box, gap: float) -> np.ndarray:
    w = np.minimum(box[2], boxes[:, 2]) - np.maximum(box[0], boxes[:, 0]) + gap
    h = np.minimum(box[3], boxes[:, 3]) - np.maximum(box[1], boxes[:, 1]) + gap
    return np.where((w > 0) & (h > 0), w * h, 0.0)


def _clash(box: Box, frame, taken: np.ndarray, markers: np.ndarray) -> float:
    if box[0] < frame.x0 or box[2] > frame.x1 or box[1] < frame.y0 or box[3] > frame.y1:
        return 1e9
    labels_hit = _overlap(taken, box, 3)  # keep 3 px between labels
    # covering a node is allowed, but costs
    return float(np.count_nonzero(labels_hit) * 1e6 + labels_hit.sum() + _overlap(markers, box, 0).sum())


def save(fig, fmt: str) -> bytes:
    import matplotlib

    buf = io.BytesIO()
    with matplotlib.rc_context({"svg.hashsalt": "minekg", "svg.fonttype": "path"}):
        # No date or software version in the files: the same inputs give the same bytes.
        meta = {"Date": None} if fmt == "svg" else {"Software": None}
        fig.savefig(buf, format=fmt, metadata=meta)
    return buf.getvalue()
