"""The build: curated Turtle in, one checked dataset out.

assemble() loads the ontology, reference data and curated statements, makes the states from ISO 3166,
checks every term, type and source file, finds every evidence quote in its document, labels blank
nodes deterministically and applies the derivation rules. build() writes the result to build/.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from minekg import atomic
from minekg.build.assembled import (
    DERIVED_GRAPH,
    ONTOLOGY_GRAPH,
    REFERENCE_GRAPH,
    Assembled,
    _load_dir,
    _where,
    document_graph,
)
from minekg.build.blanks import _label_blank_nodes
from minekg.build.checks import (
    TERMS_FILE,
    _add_states,
    _allowed_terms,
    _check_described_once,
    _check_terms,
    _check_types,
    _declared_terms,
    _load_sources,
    _superclasses,
)
from minekg.build.derivation import derive_graph
from minekg.build.grounding import _ground_evidence
from minekg.errors import MinekgError
from minekg.project import Project
from minekg.rdf import oxi
from minekg.rdf.namespaces import MK, expand, shorten


def _derive(asm: Assembled) -> None:
    """Apply rules/*.rq (SPARQL CONSTRUCT) over everything, into the derived graph."""
    asm.graphs[DERIVED_GRAPH] = derive_graph(asm.quads(), asm.project)


def assemble(project: Project | None = None, derive: bool = True) -> Assembled:
    project = project or Project.default()
    asm = Assembled(project)
    for folder in (project.ontology, project.reference, project.sources, project.statements):
        if not folder.is_dir():
            raise MinekgError(f"{project.rel(folder)}: folder not found (is this a minekg checkout?)")
    _load_dir(asm, project.ontology, lambda p: ONTOLOGY_GRAPH, skip=(TERMS_FILE,))
    _load_dir(asm, project.reference, lambda p: REFERENCE_GRAPH)
    _load_dir(asm, project.sources, lambda p: REFERENCE_GRAPH)
    _load_dir(asm, project.statements, lambda p: document_graph(p.stem))
    _check_described_once(asm)
    ontology = asm.graphs[ONTOLOGY_GRAPH]
    _check_terms(asm, _declared_terms(ontology) | _allowed_terms(project))
    _add_states(asm)
    data = Graph()
    for gname, g in asm.graphs.items():
        if gname != ONTOLOGY_GRAPH:
            data += g
    _check_types(asm, data, ontology)
    _load_sources(asm)
    _ground_evidence(asm)
    for g in asm.graphs.values():
        _label_blank_nodes(asm, g)
    if derive:
        _derive(asm)
    return asm


def summarize(asm: Assembled) -> dict:
    union = asm.union()
    ontology = asm.graphs[ONTOLOGY_GRAPH]
    sup = _superclasses(ontology)
    statement_classes = {c for c, ups in sup.items() if MK.Statement in ups and c != MK.Statement}
    by_kind: Counter = Counter()
    by_doc: Counter = Counter()
    statements = set()
    for s in set(union.subjects(RDF.type)):
        types = set(union.objects(s, RDF.type)) & statement_classes
        if not types:
            continue
        statements.add(s)
        specific = [t for t in types if not any(t != u and t in sup.get(u, ()) for u in types)]
        for t in specific:
            by_kind[shorten(str(t)).removeprefix("mk:")] += 1
    for s in statements:
        docs = {union.value(ev, MK.source) for ev in union.objects(s, MK.evidence)}
        for d in docs - {None}:
            by_doc[shorten(str(d))] += 1
    return {
        "triples": sum(len(g) for g in asm.graphs.values()),
        "graphs": {name: len(g) for name, g in sorted(asm.graphs.items())},
        "statements": len(statements),
        "evidence": len(set(union.subjects(RDF.type, MK.Evidence))),
        "statements_by_kind": dict(sorted(by_kind.items())),
        "statements_by_document": dict(sorted(by_doc.items())),
        "files": dict(sorted(asm.files.items())),
    }


def build(project: Project | None = None, out: Path | None = None) -> dict:
    """Assemble and write build/ atomically: minekg.nq (sorted N-Quads) and summary.json."""
    project = project or Project.default()
    asm = assemble(project)
    if asm.quote_problems:
        first = asm.quote_problems[0]
        more = f" (and {len(asm.quote_problems) - 1} more quote problems)" if len(asm.quote_problems) > 1 else ""
        iri = URIRef(expand(first.statement))
        where = _where(asm, iri, [asm.origin.get(iri, "graph_data")])
        raise MinekgError(f"{where}: {first.statement}: {first.message}{more}")
    summary = summarize(asm)
    lines = oxi.nquads_lines(asm.quads())
    with atomic.replace_dir(out or project.build) as tmp:
        (tmp / "minekg.nq").write_text("".join(lines), encoding="utf-8")
        (tmp / "summary.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return summary


def load_built(project: Project | None = None) -> Path:
    """The built dataset's path; a clear error if there is none yet."""
    project = project or Project.default()
    path = project.build / "minekg.nq"
    if not path.is_file():
        raise MinekgError(f"{project.rel(path)}: no built dataset; run `minekg build` first")
    return path
