"""The claims network's interactive page: index.html with its CSS, the vendored graph libraries, the app script
and the network's JSON inlined, so it works offline from a file. Template, CSS and script are package data
under minekg/assets/viz/."""

from __future__ import annotations

import json
import re

from minekg import resources
from minekg.errors import MinekgError
from minekg.project import Project
from minekg.rdf.loading import read_text
from minekg.viz.claims import Claim
from minekg.viz.network import Network

_PLACEHOLDER = re.compile(r"\{\{(title|css|data|vendor_js|app_js)\}\}")


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


_METRIC_KEYS = (
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


def page_data(net: Network, pos, curv, colours: dict, title: str, aggregate_above: int) -> dict:
    """The JSON the page's script reads: nodes and edges with their claims, the counts, filters and palette."""
    g = net.graph
    nodes = _nodes_data(net, pos)
    edges = _edges_data(net, curv)
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


def _nodes_data(net: Network, pos) -> list[dict]:
    """Each node with its place, metrics and the claims it makes that have no counterpart."""
    g = net.graph
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
                "metrics": {k: d[k] for k in _METRIC_KEYS},
                "unpaired": unpaired,
            }
        )
    return nodes


def _edges_data(net: Network, curv) -> list[dict]:
    """Each edge with its claim's data, its ends and its curvature."""
    g = net.graph
    by_iri = {c.iri: c for c in net.claims}
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
    return edges


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
