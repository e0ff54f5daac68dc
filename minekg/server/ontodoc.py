"""The ontology's HTML documentation, generated with pyLODE (pinned: pylode==3.3.4).

pyLODE iterates over sets, so its page changes with Python's hash seed: it runs in a child process with
PYTHONHASHSEED=0, which makes the page byte-identical for the same ontology. Links to minekg terms are
made local (https://w3id.org/minekg/ontology#State becomes /ontology#State) so the page browses offline.

    python -m minekg.server.ontodoc ONTOLOGY.nt OUT.html
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from pathlib import Path

from minekg.errors import MinekgError
from minekg.rdf.namespaces import BASE, MK

ONTOLOGY_NS = str(MK)


class ChildProcesses:
    """Helper processes a server starts from worker threads, all ended when it stops; none starts after."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._procs: set[subprocess.Popen] = set()
        self._closed = False

    def start(self, args: list[str], **kwargs) -> subprocess.Popen:
        with self._lock:
            if self._closed:
                raise MinekgError("the server is stopping")
            proc = subprocess.Popen(args, **kwargs)
            self._procs.add(proc)
            return proc

    def done(self, proc: subprocess.Popen) -> None:
        with self._lock:
            self._procs.discard(proc)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            for proc in self._procs:
                proc.kill()


def generate(ontology_nt: Path, out: Path, children: ChildProcesses, timeout: float = 120.0) -> None:
    """Run pyLODE in a child process (registered in `children`, so a stopping server can end it)."""
    env = dict(os.environ, PYTHONHASHSEED="0")
    proc = children.start(
        [sys.executable, "-m", "minekg.server.ontodoc", str(ontology_nt), str(out)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise MinekgError(f"pyLODE did not finish within {timeout:g} s") from None
    finally:
        children.done(proc)
    if proc.returncode != 0:
        last = (stderr.strip().splitlines() or [f"exit status {proc.returncode}"])[-1]
        raise MinekgError(f"pyLODE failed: {last}")


def localise(html: str) -> str:
    return html.replace(f'href="{BASE}', 'href="/')


def _main(ontology_nt: str, out: str) -> None:
    import logging

    logging.disable(logging.CRITICAL)  # pyLODE logs every step at INFO on the root logger
    from pylode import OntPub
    from rdflib import Graph, URIRef
    from rdflib.namespace import OWL, RDF, SKOS

    from minekg.rdf.namespaces import ONTOLOGY_IRI

    g = Graph()
    g.parse(ontology_nt, format="nt")
    # pyLODE documents one ontology and takes its title from the last ontology or concept scheme it
    # meets: leave the minekg ontology the only one (the alignments module and the vocabularies' concept
    # schemes stay in the page as things, without competing for its title).
    for s in list(g.subjects(RDF.type, OWL.Ontology)):
        if s != URIRef(ONTOLOGY_IRI):
            g.remove((s, RDF.type, OWL.Ontology))
    g.remove((None, RDF.type, SKOS.ConceptScheme))
    doc = OntPub(ontology=g)
    html = localise(with_term_anchors(doc.make_html(), doc.fids))
    Path(out).write_text(html, encoding="utf-8")


def with_term_anchors(html: str, fids: dict[str, str]) -> str:
    """pyLODE names a term's section after its label (#allegation); minekg links terms by their local
    name (/ontology#Allegation), so each section also gets an anchor with the term's local name."""
    prefix = ONTOLOGY_NS
    used = set(re.findall(r' id="([^"]+)"', html))
    for iri, fid in sorted(fids.items()):
        if not iri.startswith(prefix):
            continue
        local = iri[len(prefix) :]
        if local in used or not re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", local):
            continue
        html, n = re.subn(f'( id="{re.escape(fid)}"[^>]*>)', rf'\1<a id="{local}"></a>', html, count=1)
        if n:
            used.add(local)
    return html


if __name__ == "__main__":
    _main(sys.argv[1], sys.argv[2])
