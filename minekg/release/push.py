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
import tempfile
import urllib.parse
import urllib.request
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from minekg import formats as registry
from minekg.errors import MinekgError
from minekg.query.remote import http_errors
from minekg.rdf.namespaces import GRAPH
from minekg.release.markings import graph_of, parse_nquads

GraphFilter = Collection[str] | Callable[[str], bool] | None
DEFAULT_GRAPH = ""  # the key of the default graph's triples (as markings.graph_of names it), sent with ?default
BATCH = 10_000  # quads serialised at a time while streaming


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
    """The dataset's graphs as N-Triples bodies, keyed by graph IRI ("" for the default graph). In memory:
    for a look at small datasets; push() itself streams."""
    import pyoxigraph as ox

    keep = _keep(graphs)
    quads: dict[str, list] = {}
    for q in parse_nquads(nquads_path):
        if keep(name := graph_of(q)):
            quads.setdefault(name, []).append(ox.Triple(q.subject, q.predicate, q.object))
    return {name: ox.serialize(ts, format=ox.RdfFormat.N_TRIPLES) or b"" for name, ts in sorted(quads.items())}


@dataclass
class _Kept:
    """What one streaming pass over the dataset found: the quads kept, written to `path` as N-Quads, their
    count per graph, and whether a blank node occurs in two of those graphs."""
    path: Path
    counts: dict[str, int] = field(default_factory=dict)
    shared: bool = False


def _copy_kept(nquads_path: Path, keep: Callable[[str], bool], out: Path) -> _Kept:
    """One pass, BATCH quads at a time: memory holds a batch and the blank nodes' graphs, never the dataset
    (10^7 triples as Python objects would take tens of GB; the file is about 2 GB)."""
    import pyoxigraph as ox

    kept = _Kept(out)
    owner: dict[str, str] = {}  # blank node label -> the first graph it occurred in
    batch: list = []
    with out.open("wb") as f:
        for q in parse_nquads(nquads_path):
            name = graph_of(q)
            if not keep(name):
                continue
            kept.counts[name] = kept.counts.get(name, 0) + 1
            if not kept.shared:
                for t in (q.subject, q.object):
                    if isinstance(t, ox.BlankNode) and owner.setdefault(t.value, name) != name:
                        kept.shared, owner = True, {}
                        break
            batch.append(q)
            if len(batch) == BATCH:
                f.write(ox.serialize(batch, format=ox.RdfFormat.N_QUADS) or b"")
                batch = []
        f.write(ox.serialize(batch, format=ox.RdfFormat.N_QUADS) or b"")
    kept.counts = dict(sorted(kept.counts.items()))
    return kept


def push(nquads_path: Path, store_url: str, graphs: GraphFilter = None, endpoint: str | None = None,
         timeout: float = 300.0) -> PushReport:
    """PUT each named graph of `nquads_path` (those `graphs` lets through: a set of IRIs or a predicate)
    to the graph store at `store_url`; with `endpoint`, delete minekg's graphs this push does not send.
    Streams: the dataset is read once into a temporary file of what is sent, which goes out from disk."""
    if not store_url.startswith(("http://", "https://")):
        raise MinekgError(f"endpoint {store_url}: not an http(s) URL")
    import pyoxigraph as ox

    report = PushReport(store_url)
    with tempfile.TemporaryDirectory(prefix="minekg-push-") as tmp:
        kept = _copy_kept(nquads_path, _keep(graphs), Path(tmp) / "kept.nq")
        if kept.shared:
            # A blank node in two graphs (the derived graph annotates the documents' date intervals) would
            # become two nodes if each graph went in its own request: blank node labels are scoped to one
            # document. So the graphs are deleted, then sent together as one N-Quads document, which Oxigraph,
            # Fuseki and RDF4J accept at the store URL. Not atomic: the graphs are briefly absent.
            for name in kept.counts:
                _request("DELETE", _graph_url(store_url, name), store_url, timeout, missing_ok=True)
            _send_file("POST", store_url, store_url, timeout, kept.path, registry.get("nquads").media_type)
        else:
            # One PUT per graph, each replacing its graph whole. The graphs are grouped by an on-disk
            # Oxigraph store (the file is in line order, its graphs interleaved), so memory stays bounded.
            store = ox.Store(str(Path(tmp) / "store"))
            store.bulk_load(path=str(kept.path), format=ox.RdfFormat.N_QUADS)
            body = Path(tmp) / "graph.nt"
            for name in kept.counts:
                store.dump(str(body), format=ox.RdfFormat.N_TRIPLES,
                           from_graph=ox.DefaultGraph() if name == DEFAULT_GRAPH else ox.NamedNode(name))
                _send_file("PUT", _graph_url(store_url, name), store_url, timeout, body,
                           registry.get("ntriples").media_type)
            del store
    report.graphs = kept.counts
    if endpoint:
        for stale in sorted(set(minekg_graphs(endpoint, timeout)) - set(kept.counts)):
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


def _send_file(method: str, url: str, shown: str, timeout: float, path: Path, content_type: str) -> None:
    """The file as the request body, read from disk as it is sent (urllib sends a file object in blocks),
    with its length declared."""
    with path.open("rb") as body:
        _request(method, url, shown, timeout, body, content_type, length=path.stat().st_size)


def _request(method: str, url: str, shown: str, timeout: float, body: bytes | BinaryIO | None = None,
             content_type: str | None = None, missing_ok: bool = False, length: int | None = None) -> None:
    req = urllib.request.Request(url, data=body, method=method)
    if length is not None:
        req.add_header("Content-Length", str(length))
    if content_type:
        req.add_header("Content-Type", content_type)
    user = os.environ.get("MINEKG_ENDPOINT_USER")
    if user is not None:
        token = base64.b64encode(f"{user}:{os.environ.get('MINEKG_ENDPOINT_PASSWORD', '')}".encode()).decode()
        req.add_header("Authorization", f"Basic {token}")
    with http_errors(shown, timeout, method, missing_ok), urllib.request.urlopen(req, timeout=timeout) as response:
        response.read()

