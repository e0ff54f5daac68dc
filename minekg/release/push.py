"""Loading the built dataset into a triple store through the SPARQL 1.1 Graph Store Protocol.

Each named graph of build/minekg.nq is sent with one HTTP PUT to `STORE?graph=IRI`, which replaces that
graph whole: a second push leaves the store as the first did, never doubled. Where graphs share blank
nodes (the build's derived graph does), they are deleted and sent as one N-Quads POST instead (see push).
Given the query endpoint too, minekg's own graphs (under https://w3id.org/minekg/graph/) that this push
does not send are deleted, so the store ends up holding exactly the pushed graphs of minekg; graphs of
anyone else are never touched.

Credentials come from the environment only (MINEKG_ENDPOINT_USER, MINEKG_ENDPOINT_PASSWORD), as for
queries: a password on a command line ends up in shell histories and process lists.
"""

from __future__ import annotations

import base64
import os
import urllib.parse
import urllib.request
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path

from minekg import formats as registry
from minekg.errors import MinekgError
from minekg.query.remote import http_errors
from minekg.rdf.namespaces import GRAPH
from minekg.release.markings import parse_nquads

GraphFilter = Collection[str] | Callable[[str], bool] | None
DEFAULT_GRAPH = ""  # the key of the default graph's triples, sent with ?default


@dataclass
class PushReport:
    store_url: str
    graphs: dict[str, int] = field(default_factory=dict)  # graph IRI ("" default) -> triples sent
    removed: list[str] = field(default_factory=list)  # stale minekg graphs deleted

    @property
    def triples(self) -> int:
        return sum(self.graphs.values())


def store_url_for(endpoint: str) -> str:
    """The Graph Store Protocol URL beside a query endpoint: Oxigraph serves /query and /store."""
    parts = urllib.parse.urlsplit(endpoint)
    if parts.path.endswith("/query"):
        return urllib.parse.urlunsplit(parts._replace(path=parts.path[: -len("query")] + "store", query=""))
    raise MinekgError(f"endpoint {endpoint}: cannot derive its graph store URL (only from a .../query "
                      "endpoint, as Oxigraph serves); give --store-url")


def read_graphs(nquads_path: Path, graphs: GraphFilter = None) -> dict[str, bytes]:
    """The dataset's graphs as N-Triples bodies, keyed by graph IRI ("" for the default graph)."""
    import pyoxigraph as ox

    return {name: ox.serialize([ox.Triple(q.subject, q.predicate, q.object) for q in quads],
                               format=ox.RdfFormat.N_TRIPLES) or b""
            for name, quads in _read_quads(nquads_path, graphs).items()}


def _read_quads(nquads_path: Path, graphs: GraphFilter = None) -> dict[str, list]:
    import pyoxigraph as ox

    keep = _keep(graphs)
    quads: dict[str, list] = {}
    for q in parse_nquads(nquads_path):
        name = DEFAULT_GRAPH if isinstance(q.graph_name, ox.DefaultGraph) else q.graph_name.value
        if keep(name):
            quads.setdefault(name, []).append(q)
    return dict(sorted(quads.items()))


def _shares_blank_nodes(quads: dict[str, list]) -> bool:
    import pyoxigraph as ox

    owner: dict[str, str] = {}
    for name, qs in quads.items():
        for q in qs:
            for t in (q.subject, q.object):
                if isinstance(t, ox.BlankNode) and owner.setdefault(t.value, name) != name:
                    return True
    return False


def push(nquads_path: Path, store_url: str, graphs: GraphFilter = None, endpoint: str | None = None,
         timeout: float = 300.0) -> PushReport:
    """PUT each named graph of `nquads_path` (those `graphs` lets through: a set of IRIs or a predicate)
    to the graph store at `store_url`; with `endpoint`, delete minekg's graphs this push does not send."""
    if not store_url.startswith(("http://", "https://")):
        raise MinekgError(f"endpoint {store_url}: not an http(s) URL")
    import pyoxigraph as ox

    quads = _read_quads(nquads_path, graphs)
    report = PushReport(store_url)
    if _shares_blank_nodes(quads):
        # A blank node in two graphs (the derived graph annotates the documents' date intervals) would
        # become two nodes if each graph went in its own request: blank node labels are scoped to one
        # document. So the graphs are deleted, then sent together as one N-Quads document, which Oxigraph,
        # Fuseki and RDF4J accept at the store URL. Not atomic: the graphs are briefly absent.
        for name in quads:
            _request("DELETE", _graph_url(store_url, name), store_url, timeout, missing_ok=True)
        everything = [q for qs in quads.values() for q in qs]
        _request("POST", store_url, store_url, timeout, ox.serialize(everything, format=ox.RdfFormat.N_QUADS) or b"",
                 registry.get("nquads").media_type)
    else:
        for name, qs in quads.items():
            body = ox.serialize([ox.Triple(q.subject, q.predicate, q.object) for q in qs],
                                format=ox.RdfFormat.N_TRIPLES) or b""
            _request("PUT", _graph_url(store_url, name), store_url, timeout, body, registry.get("ntriples").media_type)
    report.graphs = {name: len(qs) for name, qs in quads.items()}
    if endpoint:
        for stale in sorted(set(minekg_graphs(endpoint, timeout)) - set(quads)):
            _request("DELETE", _graph_url(store_url, stale), store_url, timeout)
            report.removed.append(stale)
    return report


def minekg_graphs(endpoint: str, timeout: float = 30.0) -> list[str]:
    """minekg's named graphs (by their IRI namespace) that the store behind `endpoint` holds."""
    from minekg.query.stores import EndpointStore

    result = EndpointStore(endpoint, timeout=timeout).query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    return sorted(str(row[0]) for row in result.rows if row[0] is not None and str(row[0]).startswith(str(GRAPH)))


def _keep(graphs: GraphFilter) -> Callable[[str], bool]:
    if graphs is None:
        return lambda name: True
    if callable(graphs):
        return graphs
    chosen = set(graphs)
    return lambda name: name in chosen


def _graph_url(store_url: str, name: str) -> str:
    query = "default" if name == DEFAULT_GRAPH else urllib.parse.urlencode({"graph": name})
    return store_url + ("&" if "?" in store_url else "?") + query


def _request(method: str, url: str, shown: str, timeout: float, body: bytes | None = None,
             content_type: str | None = None, missing_ok: bool = False) -> None:
    req = urllib.request.Request(url, data=body, method=method)
    if content_type:
        req.add_header("Content-Type", content_type)
    user = os.environ.get("MINEKG_ENDPOINT_USER")
    if user is not None:
        token = base64.b64encode(f"{user}:{os.environ.get('MINEKG_ENDPOINT_PASSWORD', '')}".encode()).decode()
        req.add_header("Authorization", f"Basic {token}")
    with http_errors(shown, timeout, method, missing_ok), urllib.request.urlopen(req, timeout=timeout) as response:
        response.read()

