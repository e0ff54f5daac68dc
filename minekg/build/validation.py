"""Validation: the SHACL shapes in validate/ (pySHACL) plus the evidence check of the build."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from pyshacl import validate as shacl_validate
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Node

from minekg.build import shacl_sparql
from minekg.build.assemble import assemble
from minekg.build.assembled import Assembled
from minekg.errors import MinekgError
from minekg.project import Project
from minekg.rdf.loading import parse_turtle
from minekg.rdf.namespaces import expand, shorten


@dataclass(frozen=True)
class Finding:
    severity: str  # "Violation" | "Warning" | "Info"
    focus: str
    path: str | None
    message: str
    shape: str
    file: str

    def to_json(self) -> dict:
        return {"severity": self.severity, "focus": self.focus, "path": self.path, "message": self.message,
                "shape": self.shape, "file": self.file}


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "Violation"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "Warning"]

    @property
    def conforms(self) -> bool:
        return not self.violations

    def to_json(self) -> dict:
        return {"conforms": self.conforms, "violations": len(self.violations), "warnings": len(self.warnings),
                "results": [f.to_json() for f in self.findings]}

    def to_text(self) -> str:
        lines = []
        for severity in ("Violation", "Warning", "Info"):
            group = [f for f in self.findings if f.severity == severity]
            if not group:
                continue
            lines.append(f"{severity}s ({len(group)}):")
            for f in group:
                path = f" {f.path}" if f.path else ""
                lines.append(f"  {f.file}: {f.focus}{path}: {f.message} [{f.shape}]")
        verdict = "conforms" if self.conforms else "does not conform"
        lines.append(f"{verdict}: {len(self.violations)} violations, {len(self.warnings)} warnings")
        return "\n".join(lines)


def load_shapes(project: Project) -> Graph:
    shapes = Graph()
    for path in sorted(project.validate.glob("shapes_*.ttl")):
        shapes += parse_turtle(path, project.rel(path))
    return shapes


def _named(focus: Node, data: Graph) -> Node:
    """The nearest IRI a blank focus node hangs from (a quantity's statement), for the report."""
    seen = 0
    while isinstance(focus, BNode) and seen < 10:
        parent = next(iter(sorted(data.subjects(None, focus), key=str)), None)
        if parent is None:
            break
        focus, seen = parent, seen + 1
    return focus


def _shape_name(shapes: Graph, shape: Node) -> str:
    name = shapes.value(shape, SH.name)
    if name is not None:
        return str(name)
    return shorten(str(shape)) if isinstance(shape, URIRef) else "shape"


@cache
def _prepared(text: str) -> Query:
    return prepareQuery(text)


class _ParsedOnce(Graph):
    """pySHACL sends a SPARQL constraint's same text once per focus node, and rdflib parsing it again
    each time was 90% of validation time: parse each text once."""

    def query(self, query_object, *args, **kwargs):  # type: ignore[override]
        if isinstance(query_object, str):
            query_object = _prepared(query_object)
        return super().query(query_object, *args, **kwargs)


ENGINES = ("sparql", "pyshacl")


def run_shacl(data: Graph, shapes: Graph, engine: str = "sparql") -> Graph:
    """The SHACL report graph (pySHACL's form) of `data` against `shapes`, by either engine: "sparql"
    (shacl_sparql, compiled to SPARQL on Oxigraph, the default) or "pyshacl" (the reference)."""
    if engine == "sparql":
        return report_graph(shacl_sparql.validate(data, shapes))
    if engine != "pyshacl":
        raise MinekgError(f"--engine: unknown engine {engine!r} (one of {', '.join(ENGINES)})")
    return _run_pyshacl(data, shapes)


def report_graph(results: list[shacl_sparql.Result]) -> Graph:
    """The results as pySHACL writes them: one sh:ValidationReport with an sh:result node each."""
    g = Graph()
    report = BNode("report")
    g.add((report, RDF.type, SH.ValidationReport))
    g.add((report, SH.conforms, Literal(not any(r.severity == SH.Violation for r in results))))
    for i, r in enumerate(results):
        node = BNode(f"result{i}")
        g.add((report, SH.result, node))
        g.add((node, RDF.type, SH.ValidationResult))
        g.add((node, SH.focusNode, r.focus))
        g.add((node, SH.resultSeverity, r.severity))
        g.add((node, SH.sourceShape, r.shape))
        g.add((node, SH.sourceConstraintComponent, r.component))
        for p, o in ((SH.resultPath, r.path), (SH.value, r.value), (SH.sourceConstraint, r.constraint)):
            if o is not None:
                g.add((node, p, o))
        for m in r.messages:
            g.add((node, SH.resultMessage, Literal(m)))
    return g


def result_tuples(results: Graph, shapes: Graph) -> list[tuple[str, ...]]:
    """A report graph's results as sorted (focus, path, shape, severity, message, value) tuples: what two
    engines must agree on. A blank shape is named by its sh:name (engines may copy the shapes graph)."""
    out = []
    for r in results.objects(next(results.subjects(RDF.type, SH.ValidationReport)), SH.result):
        shape = results.value(r, SH.sourceShape)
        name = shape if isinstance(shape, URIRef) else shapes.value(shape, SH.name) or results.value(shape, SH.name)
        out.append(tuple("" if x is None else str(x) for x in (
            results.value(r, SH.focusNode), results.value(r, SH.resultPath), name,
            results.value(r, SH.resultSeverity),
            "\n".join(sorted(str(m) for m in results.objects(r, SH.resultMessage))),
            results.value(r, SH.value))))
    return sorted(out)


def _run_pyshacl(data: Graph, shapes: Graph) -> Graph:
    target = _ParsedOnce()
    target += data  # the same terms (blank nodes included), so results point into `data`
    # inplace: otherwise advanced mode clones the graph into a plain one; nothing writes to it (no
    # rules, no inference) and it is a copy anyway.
    _, results, _ = shacl_validate(target, shacl_graph=shapes, inference="none", advanced=True,
                                   allow_warnings=True, abort_on_first=False, inplace=True)
    return results


def findings_from(results: Graph, shapes: Graph, data: Graph, origin: dict) -> list[Finding]:
    found = []
    for r in results.subjects(RDF.type, SH.ValidationResult):
        severity = str(results.value(r, SH.resultSeverity)).rsplit("#", 1)[-1]
        focus = results.value(r, SH.focusNode)
        path = results.value(r, SH.resultPath)
        shape = results.value(r, SH.sourceShape)
        message = results.value(r, SH.resultMessage)
        named = _named(focus, data)
        found.append(Finding(
            severity=severity,
            focus=shorten(str(named)) if isinstance(named, URIRef) else "(blank node)",
            path=shorten(str(path)) if isinstance(path, URIRef) else None,
            message=str(message) if message else "constraint not met",
            shape=_shape_name(shapes, shape),
            file=origin.get(named, origin.get(focus, "graph_data")),
        ))
    return found


def validate(project: Project | None = None, asm: Assembled | None = None, engine: str = "sparql") -> Report:
    project = project or Project.default()
    asm = asm or assemble(project)
    data = asm.union()
    shapes = load_shapes(project)
    results = run_shacl(data, shapes, engine)
    report = Report()
    for problem in asm.quote_problems:
        file = asm.origin.get(URIRef(expand(problem.statement)), "graph_data")
        report.findings.append(Finding("Violation", problem.statement, "mk:evidence", problem.message,
                                       "evidence quote found once in its source", file))
    report.findings.extend(findings_from(results, shapes, data, asm.origin))
    order = {"Violation": 0, "Warning": 1, "Info": 2}
    report.findings.sort(key=lambda f: (order.get(f.severity, 3), f.file, f.focus, f.path or "", f.message))
    return report
