"""The one-document check's cache: the last full build, kept in an on-disk Oxigraph store, with what it was
built from (see docs/validation.md, "Checking one document").

The cache lives in `.check-cache/` at the project root (never in build/, which `minekg build` replaces):

- `store/`: an Oxigraph store holding the assembled dataset, each source's statements in its own named graph,
  as `minekg build` writes it to build/minekg.nq;
- `written.nq`: the quads whose literal Oxigraph would give back in canonical form (numbers, durations),
  as written, for the validation engine (shacl_data.Data.written);
- `manifest.json`: the SHA-256 of every input (ontology/, graph_data/ but for coverage exclusions and
  drafts, rules/, validate/ and minekg's own code), and what a check needs of the files it does not rebuild.

The check rebuilds only the files of the document it checks and swaps their graphs in the store; when any
other input differs from the manifest, the whole cache is rebuilt once first."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import URIRef
from rdflib.namespace import RDF

from minekg import atomic, resources
from minekg.build import assemble as building
from minekg.build import assembled, shacl_data
from minekg.project import Project
from minekg.rdf import oxi
from minekg.rdf.namespaces import MK

CACHE_DIR = ".check-cache"
VERSION = 2  # 2: the membership rule's types are not derived predicates
PENDING = "pending"  # a hash no file has: set while a check swaps a file's graph, so a crash shows as a change


@dataclass
class Manifest:
    inputs: dict[str, str] = field(default_factory=dict)  # file -> SHA-256
    graphs: dict[str, str] = field(default_factory=dict)  # statements file -> its named graph
    cites: dict[str, list[str]] = field(default_factory=dict)  # statements file -> the documents it cites
    origin: dict[str, str] = field(default_factory=dict)  # IRI -> the file outside statements/ it is first described in
    described: dict[str, list[str]] = field(default_factory=dict)  # IRI -> files outside statements/ describing it
    derived_predicates: list[str] = field(default_factory=list)  # what the rules derive about nodes the data has
    triples: int = 0
    version: int = VERSION

    def own_files(self, doc: URIRef) -> list[str]:
        """The statements files of the document: every file that cites it (evidence or footnote)."""
        return sorted(f for f, docs in self.cites.items() if str(doc) in docs)

    def changed(self, inputs: dict[str, str], own: list[str]) -> list[str]:
        """Inputs other than the document's own files that differ from the cached build."""
        return sorted(f for f in inputs.keys() | self.inputs.keys()
                      if f not in own and inputs.get(f) != self.inputs.get(f))


def cache_dir(project: Project) -> Path:
    return project.root / CACHE_DIR


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _files(folder: Path):
    # os.walk follows the symbolic links a curation copy or the tests' frozen tree are made of
    for top, dirs, names in os.walk(folder, followlinks=True):
        dirs.sort()
        for name in sorted(names):
            yield Path(top) / name


def input_hashes(project: Project) -> dict[str, str]:
    """The SHA-256 of every file the build reads, and of minekg's code (a new version of a rule in the code
    makes the cached build stale too). Coverage exclusions and drafts are not the build's: the check reads
    them afresh, so excluding a sentence while curating does not rebuild the cache."""
    out = {}
    for folder in (project.ontology, project.reference, project.sources, project.statements, project.rules,
                   project.validate):
        if folder.is_dir():
            for path in _files(folder):
                out[project.rel(path)] = sha256(path)
    code = resources.package_root()
    for path in _files(code):
        if path.suffix in (".py", ".rq", ".yaml") and "__pycache__" not in path.parts:
            out["minekg/" + str(path.relative_to(code))] = sha256(path)
    return out


def load(where: Path) -> Manifest | None:
    try:
        data = json.loads((where / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("version") != VERSION or not (where / "store").is_dir():
        return None
    return Manifest(**data)


def save(where: Path, manifest: Manifest) -> None:
    atomic.write_text(where / "manifest.json", json.dumps(asdict(manifest), indent=1, sort_keys=True) + "\n")


def cites(graph) -> list[str]:
    from minekg.rdf.namespaces import MK

    return sorted({str(o) for p in (MK.source, MK.footnoteOf) for o in graph.objects(None, p)})


def written_lines(quads) -> list[str]:
    """The N-Quads lines of `quads` (s, p, o, graph) whose literal the store keeps only in canonical form."""
    return [line for line in oxi.nquads_lines(quads) if shacl_data.NUMERIC_LINE.search(line.encode("utf-8"))]


def rebuild(project: Project, where: Path) -> Manifest:
    """Assemble the whole project, as `minekg build` does, into a fresh cache (replaced whole, atomically)."""
    inputs = input_hashes(project)  # before assembling: a file edited meanwhile shows as changed next time
    asm = building.assemble(project)
    manifest = Manifest(inputs=inputs, triples=sum(len(g) for g in asm.graphs.values()))
    for shown, gname in sorted(asm.files.items()):
        if shown.startswith("graph_data/statements/"):
            manifest.graphs[shown] = gname
            manifest.cites[shown] = cites(asm.graphs[gname])
    statements = tuple(manifest.graphs)
    for s, shown in asm.origin.items():
        if isinstance(s, URIRef) and shown not in statements:
            manifest.origin[str(s)] = shown
    for s, files in asm.described.items():
        outside = [f for f in files if f not in statements]
        if isinstance(s, URIRef) and outside:
            manifest.described[str(s)] = outside
    manifest.derived_predicates = derived_about_data(asm)
    with atomic.replace_dir(where) as tmp:
        store = ox.Store(str(tmp / "store"))
        store.bulk_extend(ox.Quad(oxi.to_oxigraph(s), oxi.to_oxigraph(p), oxi.to_oxigraph(o), ox.NamedNode(g))
                     for s, p, o, g in asm.quads())
        store.flush()
        del store  # closes the store before the folder is moved into place
        (tmp / "written.nq").write_text("".join(written_lines(asm.quads())), encoding="utf-8")
        save(tmp, manifest)
    return manifest


def derived_about_data(asm: assembled.Assembled) -> list[str]:
    """The predicates of derived triples about nodes the curated data has (not nodes the rules mint): the
    only derived triples a check of one document could read (docs/validation.md)."""
    subjects = set()
    for gname, g in asm.graphs.items():
        if gname != assembled.DERIVED_GRAPH:
            subjects.update(g.subjects(unique=True))
    derived = asm.graphs.get(assembled.DERIVED_GRAPH)
    if derived is None:
        return []
    # rules/000_class_membership.rq types every statement mk:Statement and every actor mk:Actor by the
    # ontology's subclass axioms. SHACL reads class membership through rdfs:subClassOf* itself (targets and
    # sh:class), and the ontology is in the cached store, so these types change no result: not a reason to
    # fall back to the full check.
    entailed = {MK.Statement, MK.Actor}
    return sorted({str(p) for s, p, o in derived if s in subjects and not (p == RDF.type and o in entailed)})
