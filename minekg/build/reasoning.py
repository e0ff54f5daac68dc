"""OWL DL consistency of the ontology with the data, checked by the HermiT reasoner (owlready2, Java).

xsd:gYear and xsd:gYearMonth are outside the OWL 2 datatype map, so HermiT is told to ignore those
literals' values (--ignoreUnsupportedDatatypes); every class, property, disjointness and domain/range
axiom is still reasoned over. ontology/external_terms.ttl is left out: it declares standard
vocabulary terms for the build's term check, and some of them (rdf:type) are reserved in OWL.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from rdflib import Dataset, Graph

from minekg.build.assembled import ONTOLOGY_GRAPH
from minekg.errors import MinekgError
from minekg.project import Project

OWL_FILES = ("minekg.ttl", "vocabularies.ttl", "alignments.ttl")


def reasoner_input(project: Project, nquads: Path) -> Graph:
    g = Graph()
    for name in OWL_FILES:
        g.parse(project.ontology / name, format="turtle")
    ds = Dataset()
    ds.parse(nquads, format="nquads")
    for part in ds.graphs():
        if str(part.identifier) != ONTOLOGY_GRAPH:
            g += part
    return g


def consistent(graph: Graph) -> bool:
    """True if HermiT finds the graph consistent, False if inconsistent; MinekgError if it cannot run."""
    import owlready2

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "kb.nt"
        graph.serialize(path, format="nt", encoding="utf-8")
        world = owlready2.World()
        world.get_ontology(path.as_uri()).load()
        try:
            owlready2.sync_reasoner_hermit(world, ignore_unsupported_datatypes=True, debug=0)
        except owlready2.OwlReadyInconsistentOntologyError:
            return False
        except owlready2.OwlReadyJavaError as e:
            raise MinekgError(f"HermiT failed: {str(e).strip().splitlines()[-1]}") from None
        finally:
            world.close()
    return True
