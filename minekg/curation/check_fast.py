"""`minekg check SLUG` in about a second: the document's files rebuilt alone, swapped into the cached build
(check_cache.py), and only what they touch validated. The argument for why that gives the full
validation's findings about the document, and when the check falls back to the full one, is in
docs/validation.md ("Checking one document"); tests/test_check_fast.py compares the two."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS
from rdflib.term import Node

from minekg import atomic
from minekg.build import assembled, blanks, checks, grounding, shacl_data, shacl_sparql, states
from minekg.build.coverage import document_coverage
from minekg.build.validation import Finding, findings_from, load_shapes, report_graph
from minekg.curation import check_cache
from minekg.curation.check import CheckReport, _original_unchanged, _similar, check
from minekg.errors import MinekgError
from minekg.project import Project
from minekg.rdf.namespaces import DOC, ID, MK, ST, expand, shorten
from minekg.rdf.oxi import to_oxigraph, to_rdflib

ORDER = {"Violation": 0, "Warning": 1, "Info": 2}
QUOTE_SHAPE = "evidence quote found once in its source"


class Cached:
    """The cached store, its manifest and the document's files rebuilt, while one check runs."""

    def __init__(self, project: Project, where: Path, manifest: check_cache.Manifest, store: ox.Store,
                 shapes: Graph) -> None:
        self.project, self.where, self.manifest, self.store, self.shapes = project, where, manifest, store, shapes
        self.file_of = {g: f for f, g in manifest.graphs.items()}

    def graphs_of(self, node: Node, predicates=(None,)) -> set[str]:
        """The named graphs holding a triple about `node` (with one of `predicates`)."""
        out = set()
        for p in predicates:
            for q in self.store.quads_for_pattern(to_oxigraph(node), None if p is None else to_oxigraph(p), None):
                if isinstance(q.graph_name, ox.NamedNode):
                    out.add(q.graph_name.value)
        return out

    def graph(self, name: str, predicates=None) -> Graph:
        g = Graph()
        for p in predicates or (None,):
            for q in self.store.quads_for_pattern(None, None if p is None else to_oxigraph(p), None,
                                                  ox.NamedNode(name)):
                g.add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
        return g


def fast_check(slug: str, project: Project | None = None, cache: Path | None = None) -> CheckReport:
    """The check of doc:SLUG against the cached build (rebuilt first if anything but the document's own
    statements files changed); the full check (check.check) where the fast one cannot be sure."""
    project = project or Project.default()
    where = cache or check_cache.cache_dir(project)
    doc = URIRef(DOC[slug.removeprefix("doc:")])
    inputs = check_cache.input_hashes(project)
    manifest = check_cache.load(where)
    if manifest is None or manifest.changed(inputs, manifest.own_files(doc)):
        manifest = check_cache.rebuild(project, where)
    shapes = load_shapes(project)
    if set(manifest.derived_predicates) & shape_terms(shapes):
        return check(slug, project)  # a shape reads what rules derive: the document's change may reach it
    try:
        store = ox.Store(str(where / "store"))
    except OSError:  # another process holds the cache: check the slow way rather than wait
        return check(slug, project)
    try:
        return _check(Cached(project, where, manifest, store, shapes), slug, doc, inputs)
    finally:
        del store


def shape_terms(shapes: Graph) -> set[str]:
    """Every IRI the shapes name, in their triples or inside their SPARQL (prefixed mk: names too)."""
    terms = {str(t) for triple in shapes for t in triple if isinstance(t, URIRef)}
    for text in shapes.objects(None, URIRef("http://www.w3.org/ns/shacl#select")):
        terms |= {str(MK[name]) for name in re.findall(r"\bmk:(\w+)", str(text))}
        terms |= set(re.findall(r"<([^>\s]+)>", str(text)))
    return terms


def _check(c: Cached, slug: str, doc: URIRef, inputs: dict[str, str]) -> CheckReport:
    if not any(True for _ in c.store.quads_for_pattern(to_oxigraph(doc), to_oxigraph(MK.sourceFile), None)):
        raise MinekgError(f"{slug}: no document {shorten(str(doc))} is described in "
                          "graph_data/sources/ (add it with `minekg add-source`)")
    own = c.manifest.own_files(doc)
    asm, described = _rebuild_own(c, own, doc)
    removed = _swap(c, own, asm, inputs)
    files = [f for f in own if f in asm.files and str(doc) in check_cache.cites(asm.graphs[asm.files[f]])]
    citing = _citing(c, doc)
    concerned = {doc} | citing | {s for s, where in described.items() if set(where) & set(files)}
    found = _validate(c, asm, concerned, own)
    names = {shorten(str(n)) for n in concerned if isinstance(n, URIRef)}
    found = [f for f in found if f.focus in names or f.file in files]
    found.sort(key=lambda f: (ORDER.get(f.severity, 3), f.file, f.focus, f.path or "", f.message))
    added = sum(len(asm.graphs[g]) for f, g in asm.files.items() if f in own)
    report = CheckReport(shorten(str(doc)), [c.manifest.origin.get(str(doc), "graph_data/sources")] + files,
                         len(citing), c.manifest.triples - removed + added)
    report.note = (f"checked against the cached build ({c.manifest.triples} triples, "
                   f"{check_cache.CACHE_DIR}/), {len(own)} statements file(s) rebuilt; "
                   f"{len(citing)} statements cite this document")
    report.findings = _original_unchanged(c.project, asm, doc) + found
    report.similar = _similar_labels(c, asm, described, files) if files else []
    report.coverage = _coverage(c, asm, doc)
    c.manifest.triples = report.triples
    check_cache.save(c.where, c.manifest)
    return report


# ------------------------------------------------------------------ the document's files, built as the build does


def _rebuild_own(c: Cached, own: list[str], doc: URIRef) -> tuple[assembled.Assembled, dict[Node, list[str]]]:
    """The document's statements files parsed, checked against the rest of the cached build, grounded and
    labelled by the build's own functions; and what every file describes of what they describe."""
    asm = assembled.Assembled(c.project)
    ontology = c.graph(assembled.ONTOLOGY_GRAPH)
    asm.graphs[assembled.ONTOLOGY_GRAPH] = ontology
    for f in own:
        path = c.project.root / f
        if path.is_file():
            assembled._load_dir(asm, path.parent, lambda p: assembled.document_graph(p.stem), path.name)
    mine = [g for g in asm.graphs if g != assembled.ONTOLOGY_GRAPH]
    described = _described(c, asm, own)
    checks._check_described_once(_with(asm, described=described))
    declared = checks._declared_terms(ontology) | checks._allowed_terms(c.project)
    checks._check_terms(asm, declared, frozenset(_typed_elsewhere(c, asm, mine, own)))
    _check_state_codes(asm, mine)
    checks._check_types(asm, _with_types(c, asm, mine, own), ontology)
    asm.graphs[assembled.REFERENCE_GRAPH] = _reference(c, asm, mine, doc)
    for d, shown in c.manifest.origin.items():
        if URIRef(d) in asm.graphs[assembled.REFERENCE_GRAPH].subjects():
            asm.origin.setdefault(URIRef(d), shown)
    checks._load_sources(asm)
    grounding._ground_evidence(asm)
    for g in mine:
        blanks._label_blank_nodes(asm, asm.graphs[g])
    return asm, described


def _with(asm: assembled.Assembled, **changes) -> assembled.Assembled:
    copy = assembled.Assembled(asm.project, asm.graphs, asm.files, asm.origin, asm.sources, asm.quote_problems,
                              asm.namespaces, asm.described)
    for k, v in changes.items():
        setattr(copy, k, v)
    return copy


def _described(c: Cached, asm: assembled.Assembled, own: list[str]) -> dict[Node, list[str]]:
    """Each subject the document's files describe, with every file describing it, in the build's order
    (files outside statements/ first, then statements files by name)."""
    out = {}
    for s, mine in asm.described.items():
        others = {c.file_of[g] for g in c.graphs_of(s, (RDF.type, RDFS.label)) if g in c.file_of} - set(own)
        out[s] = c.manifest.described.get(str(s), []) + sorted(set(mine) | others)
    return out


def _typed_elsewhere(c: Cached, asm: assembled.Assembled, mine: list[str], own: list[str]) -> set[Node]:
    own_graphs = {c.manifest.graphs.get(f) for f in own} | set(mine)
    used = {o for g in mine for o in asm.graphs[g].objects() if isinstance(o, URIRef) and str(o).startswith(ID)}
    skip = own_graphs | {assembled.DERIVED_GRAPH, assembled.ONTOLOGY_GRAPH}
    return {o for o in used if c.graphs_of(o, (RDF.type,)) - skip}


def _check_state_codes(asm: assembled.Assembled, mine: list[str]) -> None:
    for g in mine:
        for term in sorted({t for t in asm.graphs[g].all_nodes() if isinstance(t, URIRef)}, key=str):
            code = str(term)[len(str(ST)):]
            if str(term).startswith(str(ST)) and states.lookup(code) is None:
                raise MinekgError(f"{assembled._where(asm, ST[code])}: st:{code} is not an ISO 3166 alpha-3 code "
                                  "(pycountry does not know it)")


def _with_types(c: Cached, asm: assembled.Assembled, mine: list[str], own: list[str]) -> Graph:
    """The document's triples with the types other files give their subjects (disjointness spans files)."""
    data = Graph()
    skip = {c.manifest.graphs.get(f) for f in own} | {assembled.DERIVED_GRAPH, assembled.ONTOLOGY_GRAPH}
    for g in mine:
        for s, o in asm.graphs[g].subject_objects(RDF.type):
            data.add((s, RDF.type, o))
    for s in set(data.subjects(RDF.type)):
        for q in c.store.quads_for_pattern(to_oxigraph(s), to_oxigraph(RDF.type), None):
            if q.graph_name.value not in skip:
                data.add((s, RDF.type, to_rdflib(q.object)))
    return data


def _reference(c: Cached, asm: assembled.Assembled, mine: list[str], doc: URIRef) -> Graph:
    """What the reference graph says of the documents the files cite and of the checked one: their text
    files and checksums, for the build's source loading and the check of the original."""
    docs = {doc} | {o for g in mine for p in (MK.source, MK.footnoteOf) for o in asm.graphs[g].objects(None, p)}
    ref = Graph()
    for d in docs:
        for p in (MK.sourceFile, MK.sha256, MK.originalFile, MK.originalSha256, RDF.type):
            for q in c.store.quads_for_pattern(to_oxigraph(d), to_oxigraph(p), None,
                                               ox.NamedNode(assembled.REFERENCE_GRAPH)):
                ref.add((d, p, to_rdflib(q.object)))
    return ref


# ------------------------------------------------------------------ the store


def _swap(c: Cached, own: list[str], asm: assembled.Assembled, inputs: dict[str, str]) -> int:
    """Replace the document's graphs in the store by the rebuilt ones; the number of triples removed. The
    manifest marks the files pending first, so a check killed half-way leaves a cache seen as changed."""
    for f in own:
        c.manifest.inputs[f] = check_cache.PENDING
    check_cache.save(c.where, c.manifest)
    old = {f"<{c.manifest.graphs[f]}> .\n" for f in own if f in c.manifest.graphs}
    removed = 0
    for f in own:
        name = c.manifest.graphs.get(f)
        if name and ox.NamedNode(name) in set(c.store.named_graphs()):
            removed += sum(1 for _ in c.store.quads_for_pattern(None, None, None, ox.NamedNode(name)))
            c.store.remove_graph(ox.NamedNode(name))
    c.store.extend(ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), ox.NamedNode(g))
                   for f, g in asm.files.items() if f in own for s, p, o in asm.graphs[g])
    c.store.flush()
    for f in own:
        if f in asm.files:
            c.manifest.inputs[f] = inputs.get(f, check_cache.PENDING)
            c.manifest.graphs[f] = asm.files[f]
            c.manifest.cites[f] = check_cache.cites(asm.graphs[asm.files[f]])
        else:  # the file is gone: so is its graph
            for table in (c.manifest.inputs, c.manifest.graphs, c.manifest.cites):
                table.pop(f, None)
    _rewrite_written(c, own, asm, old)
    return removed


def _rewrite_written(c: Cached, own: list[str], asm: assembled.Assembled, graphs: set[str]) -> None:
    path = c.where / "written.nq"
    kept = [line for line in path.read_text(encoding="utf-8").splitlines(keepends=True)
            if not any(line.endswith(g) for g in graphs)]
    fresh = check_cache.written_lines((s, p, o, g) for f, g in asm.files.items() if f in own
                                      for s, p, o in asm.graphs[g])
    atomic.write_text(path, "".join(sorted(set(kept + fresh))))


def _citing(c: Cached, doc: URIRef) -> set[Node]:
    """The statements whose evidence cites the document."""
    out = set()
    for q in c.store.quads_for_pattern(None, to_oxigraph(MK.source), to_oxigraph(doc)):
        for e in c.store.quads_for_pattern(None, to_oxigraph(MK.evidence), q.subject):
            out.add(to_rdflib(e.subject))
    return out


# ------------------------------------------------------------------ validating what the document touches


def focus_nodes(c: Cached, asm: assembled.Assembled, concerned: set[Node], own: list[str]) -> set[Node]:
    """Every node whose results the document's findings can hold: the subjects of its files' graphs, the
    nodes it concerns, and the blank nodes those reach (a quantity, a date, a relay step)."""
    nodes = set(concerned)
    for f, g in asm.files.items():
        if f in own:
            nodes |= set(asm.graphs[g].subjects(unique=True))
    todo = list(nodes)
    while todo:
        n = todo.pop()
        for q in c.store.quads_for_pattern(to_oxigraph(n), None, None):
            o = to_rdflib(q.object)
            if isinstance(o, BNode) and o not in nodes:
                nodes.add(o)
                todo.append(o)
    return {n for n in nodes if not isinstance(n, Literal)}


def _validate(c: Cached, asm: assembled.Assembled, concerned: set[Node], own: list[str]) -> list[Finding]:
    focus = focus_nodes(c, asm, concerned, own)
    shapes = c.shapes
    data = shacl_data.Data(c.store, _written(c, focus))
    results = shacl_sparql.validate(data, shapes, focus=focus)
    parents = _parents(c, [r.focus for r in results])
    origin = {}
    for r in results:
        for n in (r.focus, _named(parents, r.focus)):
            if (where := _origin(c, asm, n, own)) is not None:
                origin[n] = where
    found = [Finding("Violation", p.statement, "mk:evidence", p.message, QUOTE_SHAPE,
                     asm.origin.get(URIRef(expand(p.statement)), "graph_data")) for p in asm.quote_problems]
    return found + findings_from(report_graph(results), shapes, parents, origin)


def _written(c: Cached, focus: set[Node]) -> shacl_data.Written:
    """The numbers and durations of the focus nodes as written (what the cache keeps of them)."""
    starts = {to_oxigraph(n).__str__() + " " for n in focus}
    lines = [line for line in (c.where / "written.nq").read_text(encoding="utf-8").splitlines(keepends=True)
             if line[: line.find(" ") + 1] in starts]
    written: shacl_data.Written = {}
    for q in ox.parse("".join(lines).encode("utf-8"), format=ox.RdfFormat.N_QUADS):
        shacl_data._keep_written(written, to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object))
    return written


def _parents(c: Cached, nodes: list[Node]) -> Graph:
    """The triples leading to each blank result node, up to the IRI it hangs from (the report names that)."""
    g = Graph()
    todo = [n for n in nodes if isinstance(n, BNode)]
    seen = set(todo)
    while todo:
        n = todo.pop()
        for q in c.store.quads_for_pattern(None, None, to_oxigraph(n)):
            s = to_rdflib(q.subject)
            g.add((s, to_rdflib(q.predicate), n))
            if isinstance(s, BNode) and s not in seen:
                seen.add(s)
                todo.append(s)
    return g


def _named(parents: Graph, focus: Node) -> Node:
    from minekg.build.validation import _named as named

    return named(focus, parents)


def _origin(c: Cached, asm: assembled.Assembled, node: Node, own: list[str]) -> str | None:
    """The file a node is first described in, as the build's asm.origin says: a file outside statements/,
    else the first statements file (by name) it is a subject of."""
    if str(node) in c.manifest.origin:
        return c.manifest.origin[str(node)]
    files = {c.file_of[g] for g in c.graphs_of(node) if g in c.file_of and c.file_of[g] not in own}
    if node in asm.origin:
        files.add(asm.origin[node])
    return min(files) if files else None


# ------------------------------------------------------------------ labels and coverage


def _similar_labels(c: Cached, asm: assembled.Assembled, described: dict[Node, list[str]], files: list[str]):
    """check._similar over the entities the curated files describe, with their labels and types from the
    cached build (only the files' graphs are read: the rest of the store describes nothing)."""
    labels = Graph()
    everywhere = dict(described)
    found: dict[Node, list[str]] = {}
    for name, where in c.file_of.items():
        if where in files:
            continue
        for p in (RDFS.label, SKOS.prefLabel):  # an entity with no label has nothing to be near
            for q in c.store.quads_for_pattern(None, to_oxigraph(p), None, ox.NamedNode(name)):
                found.setdefault(to_rdflib(q.subject), []).append(where)
    for s in c.manifest.described:
        found.setdefault(URIRef(s), [])
    for s, where in sorted(found.items()):
        if s in described:
            continue
        everywhere[s] = list(dict.fromkeys(c.manifest.described.get(str(s), []) + sorted(set(where))))
        for p in (RDF.type, RDFS.label, SKOS.prefLabel):
            for q in c.store.quads_for_pattern(to_oxigraph(s), to_oxigraph(p), None):
                labels.add((s, p, to_rdflib(q.object)))
    for g in (g for f, g in asm.files.items() if f in files):
        for p in (RDF.type, RDFS.label, SKOS.prefLabel):
            for s, o in asm.graphs[g].subject_objects(p):
                labels.add((s, p, o))
    return _similar(_with(asm, described=everywhere), files, labels)


def _coverage(c: Cached, asm: assembled.Assembled, doc: URIRef):
    ref = asm.graphs[assembled.REFERENCE_GRAPH]
    if (doc, RDF.type, MK.ReferenceTable) in ref or str(ref.value(doc, MK.sourceFile)).endswith(".csv"):
        return None
    evidence = Graph()
    for q in c.store.quads_for_pattern(None, to_oxigraph(MK.source), to_oxigraph(doc)):
        for p in (MK.source, MK.startOffset, MK.endOffset):
            for t in c.store.quads_for_pattern(q.subject, to_oxigraph(p), None):
                evidence.add((to_rdflib(t.subject), p, to_rdflib(t.object)))
    files = dict.fromkeys(c.manifest.graphs, "") | asm.files
    return document_coverage(_with(asm, graphs={"evidence": evidence}, files=files), doc)
