"""The SHACL shapes in validate/, tested as data (after pySHACL's test manifests).

Each tests/shapes/<case>.ttl holds a small data graph and, under the node typed sh:ValidationReport,
the report the shapes must give for it. test_case validates ontology/ + tests/shapes/_context.ttl +
the case data against the real shapes and requires the results to equal the expected ones exactly,
so a case fails both when its shape stops firing and when a shape fires where it should not.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib import namespace as rdfns
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, RDF, RDFS, SH
from rdflib.term import Node

from minekg.build import states
from minekg.build.checks import DECLARING_TYPES, _declared_terms
from minekg.build.validation import load_shapes, run_shacl, validate
from minekg.project import Project
from minekg.rdf.loading import parse_turtle
from minekg.rdf.namespaces import MK, ST, shorten

ROOT = Path(__file__).resolve().parent.parent
CASES_DIR = ROOT / "tests" / "shapes"
CONTEXT = CASES_DIR / "_context.ttl"
CASES = sorted(p for p in CASES_DIR.glob("*.ttl") if not p.name.startswith("_"))
SHAPES_NS = "https://w3id.org/minekg/shapes#"

# What a result is, for comparison: blank shapes are named by their sh:name, never by their label.
# (focus, severity, path, source shape, source constraint, constraint component)
Key = tuple[str, str, str | None, str, str | None, str]


# ------------------------------------------------------------------ loading


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes(Project(ROOT))


@pytest.fixture(scope="module")
def ontology() -> Graph:
    g = Graph()
    for path in sorted((ROOT / "ontology").glob("*.ttl")):
        g += parse_turtle(path, path.name)
    return g


@pytest.fixture(scope="module")
def context() -> Graph:
    return parse_turtle(CONTEXT, CONTEXT.name)


def split_case(g: Graph) -> tuple[Graph, Graph, Node]:
    """(data, expectation, report node): the expectation is the report, its results and the stand-ins
    for blank shapes ([ sh:name "..." ]) they name; everything else is data."""
    reports = list(g.subjects(RDF.type, SH.ValidationReport))
    assert len(reports) == 1, f"a case holds exactly one sh:ValidationReport, found {len(reports)}"
    report = reports[0]
    owned: set[Node] = {report}
    for result in g.objects(report, SH.result):
        owned.add(result)
        for p in (SH.sourceShape, SH.sourceConstraint):
            for o in g.objects(result, p):
                if isinstance(o, BNode):
                    owned.add(o)
    expected, data = Graph(), Graph()
    for t in g:
        (expected if t[0] in owned else data).add(t)
    return data, expected, report


def with_states(data: Graph) -> Graph:
    """Type the states a case mentions from ISO 3166, as the build does; a case that types a state by
    hand (to break it) keeps its own triples."""
    out = Graph()
    out += data
    for term in set(data.all_nodes()):
        if isinstance(term, URIRef) and str(term).startswith(str(ST)) and (term, RDF.type, None) not in data:
            code = str(term)[len(str(ST)):]
            if states.lookup(code) is not None:
                out += states.state_triples(code)
    return out


def run_case(data: Graph, ontology: Graph, context: Graph, shapes: Graph) -> Graph:
    g = Graph()
    g += ontology
    g += context
    g += with_states(data)
    return run_shacl(g, shapes)


# ------------------------------------------------------------------ comparing reports


def short(term: Node) -> str:
    return shorten(str(term)).replace(str(SH), "sh:").replace(SHAPES_NS, "shape:")


def shape_key(node: Node | None, *graphs: Graph) -> str | None:
    if node is None:
        return None
    if isinstance(node, URIRef):
        return short(node)
    for g in graphs:
        name = g.value(node, SH.name)
        if name is not None:
            return f'[ sh:name "{name}" ]'
    return "[ unnamed blank shape ]"


def term_key(node: Node | None) -> str | None:
    if node is None:
        return None
    if isinstance(node, BNode):
        return f"_:{node}"  # the same blank node object in the case file, the data and the results
    return short(node)


def result_keys(report: Graph, report_node: Node, *names: Graph) -> set[Key]:
    """The results of one report (not the sh:detail results nested in them), as comparable keys."""
    keys = set()
    for r in report.objects(report_node, SH.result):
        keys.add((
            term_key(report.value(r, SH.focusNode)),
            term_key(report.value(r, SH.resultSeverity)),
            term_key(report.value(r, SH.resultPath)),
            shape_key(report.value(r, SH.sourceShape), *names, report),
            shape_key(report.value(r, SH.sourceConstraint), *names, report),
            term_key(report.value(r, SH.sourceConstraintComponent)),
        ))
    return keys


def actual_keys(results: Graph, shapes: Graph) -> set[Key]:
    keys = set()
    for node in results.subjects(RDF.type, SH.ValidationReport):
        keys |= result_keys(results, node, shapes)
    return keys


def conforms(report: Graph) -> bool:
    node = next(report.subjects(RDF.type, SH.ValidationReport))
    return report.value(node, SH.conforms).toPython()


def show(keys: Iterable[Key]) -> str:
    return "\n".join("  " + " | ".join(str(x) for x in k) for k in sorted(keys, key=str)) or "  (none)"


# ------------------------------------------------------------------ the cases


@dataclass(frozen=True)
class Case:
    path: Path
    data: Graph
    expected: Graph
    report: Node


def load_case(path: Path) -> Case:
    data, expected, report = split_case(parse_turtle(path, path.name))
    return Case(path, data, expected, report)


def test_cases_exist():
    assert len(CASES) >= 20, "tests/shapes/ holds the shape cases"


def test_context_conforms(ontology, context, shapes):
    results = run_case(Graph(), ontology, context, shapes)
    assert actual_keys(results, shapes) == set()


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_case(path: Path, ontology, context, shapes):
    case = load_case(path)
    for r in case.expected.objects(case.report, SH.result):
        for p in (SH.focusNode, SH.resultSeverity, SH.sourceShape, SH.sourceConstraintComponent):
            assert case.expected.value(r, p) is not None, f"{path.name}: an expected result lacks {shorten(str(p))}"
    expected = result_keys(case.expected, case.report)
    results = run_case(case.data, ontology, context, shapes)
    actual = actual_keys(results, shapes)
    assert actual == expected, (
        f"{path.name}: results differ\nmissing (expected, not reported):\n{show(expected - actual)}\n"
        f"unexpected (reported, not expected):\n{show(actual - expected)}")
    declared = case.expected.value(case.report, SH.conforms)
    assert declared is not None, f"{path.name}: the expected report states sh:conforms"
    assert declared.toPython() == conforms(results), f"{path.name}: sh:conforms differs"


# ------------------------------------------------------------------ the shapes themselves

OPERAND_LISTS = (SH["or"], SH["and"], SH.xone)


def operand_shapes(shapes: Graph) -> set[Node]:
    """Shapes used only as operands of sh:or/sh:and/sh:xone/sh:not: they never report themselves."""
    out = set()
    for p in OPERAND_LISTS:
        for lst in shapes.objects(None, p):
            out.update(Collection(shapes, lst))
    out.update(shapes.objects(None, SH["not"]))
    return out


def reporting_shapes(shapes: Graph) -> dict[Node, str]:
    """Every shape or SPARQL constraint that can be the source of a result, with its kind."""
    kinds: dict[Node, str] = {}
    targets = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
    for s in shapes.subjects(RDF.type, SH.NodeShape):
        kinds[s] = "node"
    for p in targets:
        for s in shapes.subjects(p, None):
            kinds[s] = "node"
    for s in set(shapes.subjects(RDF.type, SH.PropertyShape)) | set(shapes.objects(None, SH.property)):
        kinds.setdefault(s, "property")
    for s in set(shapes.subjects(RDF.type, SH.SPARQLConstraint)) | set(shapes.objects(None, SH.sparql)):
        kinds.setdefault(s, "sparql")
    for s in operand_shapes(shapes):
        kinds.pop(s, None)
    return kinds


def test_every_shape_is_named_described_and_has_a_severity(shapes):
    problems = []
    for node, kind in sorted(reporting_shapes(shapes).items(), key=lambda kv: str(kv[0])):
        label = shape_key(node, shapes)
        if shapes.value(node, SH.name) is None:
            problems.append(f"{label} ({kind}): no sh:name")
        if kind == "node" and shapes.value(node, SH.description) is None:
            problems.append(f"{label}: node shape without sh:description")
        if shapes.value(node, SH.severity) is None:
            problems.append(f"{label} ({kind}): no explicit sh:severity")
    assert not problems, "\n".join(problems)


def test_shape_names_are_unique(shapes):
    # Blank property shapes are matched by name in the cases, so a name must pick out one shape.
    seen: dict[str, Node] = {}
    for node, name in shapes.subject_objects(SH.name):
        assert str(name) not in seen, f'two shapes are named "{name}"'
        seen[str(name)] = node


def test_severity_follows_the_file():
    """What must hold is a Violation (shapes_violations.ttl), what should hold a Warning (shapes_warnings.ttl)."""
    for name, severity in (("shapes_violations.ttl", SH.Violation), ("shapes_warnings.ttl", SH.Warning)):
        g = parse_turtle(ROOT / "validate" / name, name)
        wrong = [shape_key(s, g) for s, o in g.subject_objects(SH.severity) if o != severity]
        assert not wrong, f"{name}: shapes with another severity than {shorten(str(severity))}: {wrong}"


def test_sparql_constraints_share_their_shape_severity(shapes):
    for shape, constraint in shapes.subject_objects(SH.sparql):
        assert shapes.value(constraint, SH.severity) == shapes.value(shape, SH.severity), shape_key(constraint, shapes)


def expected_sources() -> set[tuple[str, str]]:
    """(shape or constraint, constraint component) of every expected result of every case."""
    found = set()
    for path in CASES:
        case = load_case(path)
        for r in case.expected.objects(case.report, SH.result):
            component = short(case.expected.value(r, SH.sourceConstraintComponent))
            for p in (SH.sourceShape, SH.sourceConstraint):
                key = shape_key(case.expected.value(r, p), case.expected)
                if key:
                    found.add((key, component))
    return found


def behind_sh_node(shapes: Graph) -> set[Node]:
    """Shapes used only through sh:node, and their property shapes: they report through the shape
    that uses them (a sh:NodeConstraintComponent result), never as a source themselves."""
    out = set(shapes.objects(None, SH.node))
    for node in list(out):
        out.update(shapes.objects(node, SH.property))
    return out


def test_every_named_shape_has_a_failing_case(shapes):
    """Each named shape or constraint is the source of an expected result in some case; a node shape
    counts as covered through its property shapes and SPARQL constraints, and a shape used through
    sh:node through the result of the shape that uses it."""
    sources = {key for key, _ in expected_sources()}
    covered = {node for node in shapes.subjects(SH.name, None) if shape_key(node, shapes) in sources}
    for node in list(covered):
        covered.update(shapes.subjects(SH.property, node))
        covered.update(shapes.subjects(SH.sparql, node))
    for user, used in shapes.subject_objects(SH.node):
        if shape_key(user, shapes) in sources:
            covered.add(used)
            covered.update(shapes.objects(used, SH.property))
    missing = sorted(shape_key(n, shapes) for n in set(shapes.subjects(SH.name, None)) - covered)
    assert not missing, "named shapes without a failing case in tests/shapes/:\n" + "\n".join(missing)


# The constraint component each shape parameter reports with. A parameter not listed here fails
# test_every_constraint_has_a_failing_case until it is listed and a case makes it fire.
COMPONENTS = {
    SH.minCount: SH.MinCountConstraintComponent, SH.maxCount: SH.MaxCountConstraintComponent,
    SH["class"]: SH.ClassConstraintComponent, SH.datatype: SH.DatatypeConstraintComponent,
    SH["in"]: SH.InConstraintComponent, SH.pattern: SH.PatternConstraintComponent,
    SH.minInclusive: SH.MinInclusiveConstraintComponent, SH.minLength: SH.MinLengthConstraintComponent,
    SH["or"]: SH.OrConstraintComponent, SH.node: SH.NodeConstraintComponent,
    SH.hasValue: SH.HasValueConstraintComponent, SH.languageIn: SH.LanguageInConstraintComponent,
    SH.uniqueLang: SH.UniqueLangConstraintComponent, SH.sparql: SH.SPARQLConstraintComponent,
}
NOT_PARAMETERS = {
    RDF.type, SH.name, SH.description, SH.severity, SH.message, SH.path, SH.property, SH.targetClass,
    SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode, SH.prefixes, SH.select, SH.ask, SH.declare,
    SH.deactivated, SH.order, SH.group,
}


def test_every_constraint_has_a_failing_case(shapes):
    """Stronger than naming: every parameter of every shape (its sh:minCount, its sh:class, ...) and
    every SPARQL constraint fires in some case, so loosening any one of them fails a case."""
    sources = expected_sources()
    hidden = behind_sh_node(shapes)
    missing = []
    for node, kind in reporting_shapes(shapes).items():
        if node in hidden:
            continue
        key = shape_key(node, shapes)
        if kind == "sparql":
            if (key, "sh:SPARQLConstraintComponent") not in sources:
                missing.append(f"{key}: never fires")
            continue
        for p in set(shapes.predicates(node, None)) - NOT_PARAMETERS - {SH.sparql}:
            component = COMPONENTS.get(p)
            if component is None:
                missing.append(f"{key}: parameter {short(p)} has no known component (list it in COMPONENTS)")
            elif (key, short(component)) not in sources:
                missing.append(f"{key}: {short(p)} never fires ({short(component)})")
    assert not missing, "constraints without a failing case in tests/shapes/:\n" + "\n".join(sorted(missing))


def test_sh_in_lists_cover_their_concept_scheme(shapes, ontology):
    """A value list of a shape names every value of the scheme its values come from (no valid value rejected)."""
    from rdflib.namespace import SKOS

    for shape, lst in shapes.subject_objects(SH["in"]):
        members = set(Collection(shapes, lst))
        schemes = {o for m in members for o in ontology.objects(m, SKOS.inScheme)}
        assert len(schemes) == 1, f"{shape_key(shape, shapes)}: sh:in values from {len(schemes)} schemes"
        scheme = schemes.pop()
        whole = set(ontology.subjects(SKOS.inScheme, scheme))
        left_out = sorted(shorten(str(x)) for x in whole - members)
        assert not left_out, f"{shape_key(shape, shapes)}: sh:in leaves out {left_out} of {shorten(str(scheme))}"


# ------------------------------------------------------------------ terms exist

PATH_PREDICATES = (SH.inversePath, SH.alternativePath, SH.zeroOrMorePath, SH.oneOrMorePath, SH.zeroOrOnePath)
TERM_OBJECTS = (SH.targetClass, SH["class"], SH.targetSubjectsOf, SH.targetObjectsOf, SH.hasValue)
PREFIXED = re.compile(r"(?<![\w:])mk:([A-Za-z_][\w-]*)")
FULL_IRI = re.compile(r"<([^<>\s]+)>")


def known_terms(ontology: Graph) -> set[Node]:
    """Terms declared in ontology/ (the core, its vocabularies and ontology/external_terms.ttl), and the
    meta-classes (owl:Class, owl:Ontology, ...) the build itself recognises."""
    return _declared_terms(ontology) | set(DECLARING_TYPES)


def path_terms(g: Graph, path: Node) -> Iterator[Node]:
    """The predicates a SHACL property path uses (an IRI, a sequence list, or a path node)."""
    if isinstance(path, URIRef):
        yield path
    elif isinstance(path, BNode):
        if (path, RDF.first, None) in g:
            for step in Collection(g, path):
                yield from path_terms(g, step)
        for p in PATH_PREDICATES:
            for o in g.objects(path, p):
                yield from path_terms(g, o)


def unknown_terms(g: Graph, known: set[Node], shapes: bool = False) -> list[str]:
    """Every term the graph uses that is not declared: predicates, classes, any mk: IRI; in shapes also
    SHACL's own terms (checked against the SHACL vocabulary), paths, target and value terms, datatypes,
    and the mk: terms inside SPARQL constraints. One sorted message per term; empty when all is well."""
    problems: dict[Node, str] = {}

    def need(term: Node, where: str) -> None:
        if not isinstance(term, URIRef):
            return
        if shapes and str(term).startswith(str(SH)):
            message = None if term in SH else f"{where}: {short(term)} is not a SHACL term"
        else:
            message = None if term in known else f"{where}: {short(term)} is not declared in ontology/"
        # say where the term is used (predicate, class, sh:path, ...) rather than just "term"
        if message and (term not in problems or problems[term].startswith("term:")):
            problems[term] = message

    for s, p, o in g:
        need(p, "predicate")
        if p == RDF.type:
            need(o, "class")
        for term in (s, o):
            if isinstance(term, URIRef) and str(term).startswith(str(MK)):
                need(term, "term")
        if not shapes:
            continue
        if p == SH.path:
            for t in path_terms(g, o):
                need(t, "sh:path")
        elif p in TERM_OBJECTS:
            need(o, short(p))
        elif p == SH.datatype and o not in rdfns.XSD and o != RDF.langString:
            problems[o] = f"sh:datatype: {short(o)} is not an XSD datatype"
        elif p == SH["in"]:
            for member in Collection(g, o):
                need(member, "sh:in")
        elif p in (SH.select, SH.ask) and isinstance(o, Literal):
            for local in PREFIXED.findall(str(o)):
                need(MK[local], "SPARQL constraint")
            for iri in FULL_IRI.findall(str(o)):
                if iri.startswith(str(MK)):
                    need(URIRef(iri), "SPARQL constraint")
    return sorted(problems.values())


def test_shapes_use_only_known_terms(ontology):
    known = known_terms(ontology)
    for path in sorted((ROOT / "validate").glob("*.ttl")):
        assert unknown_terms(parse_turtle(path, path.name), known, shapes=True) == [], path.name


def test_data_uses_only_known_terms(ontology):
    known = known_terms(ontology)
    files = sorted((ROOT / "graph_data").rglob("*.ttl"))
    assert files
    for path in files:
        assert unknown_terms(parse_turtle(path, path.name), known) == [], str(path.relative_to(ROOT))


def test_shape_cases_use_only_known_terms(ontology):
    known = known_terms(ontology)
    assert unknown_terms(parse_turtle(CONTEXT, CONTEXT.name), known) == []
    for path in CASES:
        assert unknown_terms(load_case(path).data, known) == [], path.name


def _first_replaced(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


@pytest.mark.parametrize(("old", "new", "message"), [
    ("sh:node shape:", "sh:shape shape:", "predicate: sh:shape is not a SHACL term"),
    ("sh:path mk:accused", "sh:path mk:acussed", "sh:path: mk:acussed is not declared in ontology/"),
    ("sh:class mk:Actor", "sh:class mk:Acter", "sh:class: mk:Acter is not declared in ontology/"),
    ("sh:datatype xsd:gYearMonth", "sh:datatype xsd:gYearmonth", "sh:datatype: xsd:gYearmonth is not an XSD datatype"),
    ("mk:Signature mk:Ratification", "mk:Signature mk:Ratificaton",
     "sh:in: mk:Ratificaton is not declared in ontology/"),
    ("$this mk:respondsTo ?allegation", "$this mk:respondTo ?allegation",
     "SPARQL constraint: mk:respondTo is not declared in ontology/"),
])
def test_term_check_catches_a_typo_in_the_shapes(old, new, message, ontology):
    path = ROOT / "validate" / "shapes_violations.ttl"
    g = Graph().parse(data=_first_replaced(path.read_text(encoding="utf-8"), old, new), format="turtle")
    assert unknown_terms(g, known_terms(ontology), shapes=True) == [message]


@pytest.mark.parametrize(("old", "new", "message"), [
    ("mk:accused st:", "mk:acussed st:", "predicate: mk:acussed is not declared in ontology/"),
    ("a mk:Allegation", "a mk:Alegation", "class: mk:Alegation is not declared in ontology/"),
    ("mk:qualifier mk:Exact", "mk:qualifier mk:Exactly", "term: mk:Exactly is not declared in ontology/"),
    ("skos:altLabel", "skos:altlabel", "predicate: skos:altlabel is not declared in ontology/"),
])
def test_term_check_catches_a_typo_in_the_data(old, new, message, ontology):
    files = sorted((ROOT / "graph_data" / "statements").glob("*.ttl")) + sorted((ROOT / "graph_data").rglob("*.ttl"))
    text = next(p.read_text(encoding="utf-8") for p in files if old in p.read_text(encoding="utf-8"))
    g = Graph().parse(data=_first_replaced(text, old, new), format="turtle")
    assert unknown_terms(g, known_terms(ontology)) == [message]


# ------------------------------------------------------------------ the real data


SPEECH_ACTS = {MK.Allegation, MK.Denial, MK.Acknowledgement, MK.Assessment, MK.NonResponse}
MONITOR = URIRef("https://w3id.org/minekg/id/agent/monitor")
WARNINGS = {"publisher", "Document date known", "missing footnote", "Relayed claim cites its source"}


@pytest.fixture(scope="module")
def real_report(assembled):
    return validate(Project(ROOT), asm=assembled)


def test_real_data_has_no_violation(real_report):
    assert real_report.violations == [], "\n".join(
        f"{f.file}: {f.focus} {f.path or ''}: {f.message} [{f.shape}]" for f in real_report.violations)


def test_real_data_warns_only_of_known_gaps(real_report, assembled):
    """The warnings are the gaps the data keeps as unknown: a publisher or date a document records as
    mk:unknown (the news report's), footnotes missing from their documents, and relayed claims that
    carry no footnote."""
    data = assembled.union()
    by_shape: dict[str, set[str]] = {}
    for f in real_report.warnings:
        by_shape.setdefault(f.shape, set()).add(f.focus)
    assert set(by_shape) <= WARNINGS, sorted(by_shape)
    documents = set(data.transitive_subjects(RDFS.subClassOf, MK.SourceDocument))
    for shape, field in (("publisher", DCTERMS.publisher), ("Document date known", DCTERMS.date)):
        declared = {short(d) for d in data.subjects(MK.unknown, field) if set(data.objects(d, RDF.type)) & documents}
        assert "doc:news-2025-russia-ukraine-landmines" in declared
        assert by_shape.get(shape) == declared, f"{shape}: warned for {by_shape.get(shape)}, unknown in {declared}"
    # every evidence that records a missing footnote is reported, and nothing else
    missing = {short(e) for e in data.subjects(MK.missingFootnoteNumber, None)}
    assert missing and by_shape.get("missing footnote") == missing
    # a relayed claim: a speech act someone other than the Monitor made, none of whose evidence has a footnote
    nodes = {short(s): s for s in data.subjects(RDF.type, None) if isinstance(s, URIRef)}
    for focus in by_shape.get("Relayed claim cites its source", set()):
        node = nodes[focus]
        assert set(data.objects(node, RDF.type)) & SPEECH_ACTS, focus
        assert set(data.objects(node, MK.assertedBy)) - {MONITOR}, focus
        assert not any(data.value(e, MK.footnote) for e in data.objects(node, MK.evidence)), focus


@pytest.mark.parametrize("path", sorted((ROOT / "validate").glob("shapes_*.ttl")), ids=lambda p: p.name)
def test_each_shapes_file_parses_and_runs_on_its_own(path: Path, context):
    # A SPARQL constraint's prefixes must be declared in its own file: a tool given only this file (or the
    # files in another order) must not depend on a declaration it never reads.
    alone = parse_turtle(path, path.name)
    for holder in set(alone.objects(None, SH.prefixes)):
        declared = next(alone.objects(holder, SH.declare), None)
        assert declared is not None, f"{path.name}: {short(holder)} declares nothing"
    run_shacl(context, alone)
