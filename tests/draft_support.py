"""What the tests of drafted and carried candidates share: their SHACL violations, read as a curator
would see them in the graph (with the ontology, the reference data, and the types and labels of what
they point at)."""

from __future__ import annotations

from rdflib import Graph
from rdflib.namespace import RDF, RDFS

from minekg.build.assembled import ONTOLOGY_GRAPH, REFERENCE_GRAPH, Assembled
from minekg.build.validation import findings_from, load_shapes, run_shacl
from minekg.project import Project
from minekg.rdf.namespaces import expand


def candidate_violations(project: Project, assembled: Assembled, g: Graph) -> list:
    """The violations of shapes_violations.ttl whose focus is a node of `g`."""
    data = Graph()
    data += assembled.graphs[ONTOLOGY_GRAPH]
    data += assembled.graphs[REFERENCE_GRAPH]
    union = assembled.union()
    for thing in set(g.objects()) - set(g.subjects()):  # what the candidates point at: its types and labels
        for p in (RDF.type, RDFS.label):
            for o in union.objects(thing, p):
                data.add((thing, p, o))
    data += g
    shapes = load_shapes(project)
    findings = findings_from(run_shacl(data, shapes), shapes, data, {})
    ours = {str(s) for s in g.subjects()}
    return [f for f in findings if f.severity == "Violation" and expand(f.focus) in ours]
