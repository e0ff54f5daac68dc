"""The derivation rules: rules/*.rq (SPARQL CONSTRUCT) run in file order on a pyoxigraph store, each
seeing what the earlier ones derived, into the derived graph. Used by the build, the export (which
re-derives from what a release profile leaves) and the bench."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from minekg.build.assembled import DERIVED_GRAPH
from minekg.errors import MinekgError
from minekg.project import Project
from minekg.rdf import oxi
from minekg.rdf.headers import require_summary
from minekg.rdf.loading import read_text

# A rule's `#+` header says what it derives (summary) and why or from what (description); nothing else.
RULE_HEADER_KEYS = frozenset({"summary", "description"})


def derive_graph(quads, project: Project) -> Graph:
    """The triples rules/*.rq (SPARQL CONSTRUCT) derive from `quads` (s, p, o, graph IRI); also used by
    the export, which re-derives from what a release profile leaves so nothing derived from a withheld
    statement survives."""
    import pyoxigraph as ox

    store = ox.Store()
    store.bulk_extend(
        ox.Quad(oxi.to_oxigraph(s), oxi.to_oxigraph(p), oxi.to_oxigraph(o), ox.NamedNode(gname))
        for s, p, o, gname in quads
    )
    derived = Graph()
    for t in apply_rules(store, project.rules, project.rel):
        derived.add((oxi.to_rdflib(t.subject), oxi.to_rdflib(t.predicate), oxi.to_rdflib(t.object)))
    return derived


def apply_rules(store, rules: Path, shown=lambda p: p.name) -> list:
    """Run rules/*.rq (SPARQL CONSTRUCT over the union) in file order on a pyoxigraph store, adding what each
    derives to the store's derived graph, so that each rule sees what the earlier ones derived (070 reads
    050's date bounds); return every triple derived. The bench derives its synthetic graphs with this too."""
    import pyoxigraph as ox

    graph = ox.NamedNode(DERIVED_GRAPH)
    out = []
    for rule in sorted(rules.glob("*.rq")):
        text = read_text(rule, shown(rule))
        require_summary(text, shown(rule), RULE_HEADER_KEYS)
        try:
            result = store.query(text, use_default_graph_as_union=True)
        except SyntaxError as e:
            raise MinekgError(f"{shown(rule)}: SPARQL syntax error: {e}") from None
        if not isinstance(result, ox.QueryTriples):
            kind = "an ASK" if isinstance(result, ox.QueryBoolean) else "a SELECT"
            raise MinekgError(f"{shown(rule)}: a rule must be a SPARQL CONSTRUCT, not {kind} query")
        triples = list(result)
        # A triple the store holds already is not added again: in the union it would count twice.
        fresh = [t for t in dict.fromkeys(triples)
                 if next(store.quads_for_pattern(t.subject, t.predicate, t.object), None) is None]
        store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in fresh)
        out.extend(triples)
    return out
