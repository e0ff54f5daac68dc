"""SHACL validation compiled to SPARQL and run on the embedded Oxigraph store.

pySHACL evaluates each constraint node by node in Python over rdflib: 442 s and 3 GB at 10^6 triples.
Here each constraint of the shapes in use is one SPARQL query over all its focus nodes at once (the
templates in minekg/sparql/validate/, one per constraint component), and a SHACL-SPARQL constraint's own SELECT
runs once with the shape's targets joined in. Where pySHACL's test is Python's own (a literal's lexical
form, a regular expression, a comparison), the query returns only the candidates that could fail and the
same Python test as pySHACL's decides them, so the results stay pySHACL's: same focus nodes, paths,
values, shapes, severities and messages (tests/test_validate_engines.py checks it).

Only the SHACL features the project's shapes use are compiled (see docs/validation.md); any other
feature is an error naming its shape, so a shape author knows to use `--engine pyshacl`."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

import pyoxigraph as ox
from pyshacl.rdfutil.stringify import stringify_node
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH, XSD
from rdflib.term import Node

from minekg import resources
from minekg.errors import MinekgError
from minekg.rdf.oxi import to_oxigraph, to_rdflib

TEMPLATES = resources.sparql("validate")

# SHACL terms a shape may carry; a shape with any other sh: term names a feature this engine lacks.
TARGETS = {SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode}
ANNOTATIONS = {SH.name, SH.description, SH.severity, SH.message, SH.deactivated, SH.order, SH.group,
               SH.property, SH.path, SH.sparql}
COMPONENTS = {SH.minCount, SH.maxCount, SH["class"], SH.datatype, SH["or"], SH["in"], SH.hasValue, SH.node,
              SH.minLength, SH.minInclusive, SH.pattern, SH.flags, SH.uniqueLang, SH.languageIn}
# Components that only make sense on a property shape (pySHACL rejects uniqueLang on a node shape).
PROPERTY_ONLY = {SH.minCount, SH.maxCount, SH.hasValue, SH.uniqueLang}
# Datatypes Oxigraph can cast to: a value equal to its own cast is surely well-formed.
CASTABLE = {XSD[t] for t in ("string", "boolean", "integer", "decimal", "double", "float", "date", "dateTime",
                             "gYear", "gYearMonth")}
# The engine's scratch graph: each shape's focus nodes, computed once (Oxigraph would compute the
# targets again in every query of the shape). Removed when validation ends; no query reads it by accident,
# as its one predicate is the engine's own.
SCRATCH = URIRef("urn:minekg:shacl-sparql:scratch")
MARK = URIRef("urn:minekg:shacl-sparql:focusOf")
FOCUS = URIRef("urn:minekg:shacl-sparql:restricted")  # what the nodes a caller restricts validation to are marked
SPARQL_EXTRA = {SH.select, SH.prefixes, SH.message, SH.name, SH.severity, SH.deactivated, SH.description}


@dataclass(frozen=True)
class Result:
    """One validation result, with what pySHACL's report says about it."""

    focus: Node
    path: Node | None
    value: Node | None
    shape: Node
    component: URIRef
    severity: URIRef
    messages: tuple[str, ...]
    constraint: Node | None = None

    def key(self) -> tuple:
        """A comparable form: focus, path, shape, severity, messages, value (and the SPARQL constraint)."""
        return tuple(str(x) if x is not None else "" for x in (
            self.focus, self.path, self.shape, self.severity, "\n".join(self.messages), self.value,
            self.constraint, self.component))


class Unsupported(MinekgError):
    def __init__(self, shape: Node, what: str) -> None:
        name = f"<{shape}>" if isinstance(shape, URIRef) else f"blank shape {shape.n3()}"
        super().__init__(f"{name}: {what} is not supported by the fast engine: use --engine pyshacl")


@cache
def template(name: str) -> str:
    """A template without its `#+` header (the header names placeholders, which must not be filled in)."""
    text = (TEMPLATES / f"{name}.rq").read_text(encoding="utf-8")
    return "\n".join(line for line in text.splitlines() if not line.startswith("#+"))


def fill(name: str, **parts: str) -> str:
    text = template(name)
    for key, value in parts.items():
        text = text.replace("{{" + key + "}}", value)
    return text


def n3(term: Node) -> str:
    return to_oxigraph(term).__str__()


# ------------------------------------------------------------------ the store


# Oxigraph stores a valid number in canonical form: "18"^^xsd:nonNegativeInteger comes back as
# "18"^^xsd:integer, "1.50" as "1.5". pySHACL sees the literal as written, so the engine keeps those
# literals as written, by subject and predicate, to give them back to the checks and the results.
NUMERIC = {XSD[t] for t in ("integer", "decimal", "float", "double", "nonNegativeInteger", "positiveInteger",
                            "nonPositiveInteger", "negativeInteger", "long", "int", "short", "byte",
                            "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte")}
# Durations too: "P18M" comes back as "P1Y6M".
CANONICALISED = NUMERIC | {XSD[t] for t in ("duration", "dayTimeDuration", "yearMonthDuration")}
Written = dict[tuple[Node, Node], list[Literal]]


@dataclass
class Data:
    store: ox.Store
    written: Written


def _keep_written(written: Written, s: Node, p: Node, o: Node) -> None:
    if isinstance(o, Literal) and o.datatype in CANONICALISED:
        written.setdefault((s, p), []).append(o)


def as_written(written: Written, this: Node, path: Node | None, value: Node | None) -> Node | None:
    """A value as the data wrote it (Oxigraph gives numbers and durations back in canonical form)."""
    if path is None or not isinstance(value, Literal) or value.datatype not in CANONICALISED:
        return value
    for original in written.get((this, path), []):
        if original == value or (original.value is not None and original.value == value.value
                                 and not original.ill_typed):
            return original
    return value


def data_of(graph: Graph) -> Data:
    """An Oxigraph store holding `graph` (its blank nodes keep their labels, so results point into it)."""
    store, written = ox.Store(), {}
    for s, p, o in graph:
        _keep_written(written, s, p, o)
    store.bulk_extend(ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)) for s, p, o in graph)
    return Data(store, written)


def data_from_nquads(path: Path, location: Path | None = None) -> Data:
    """An Oxigraph store loaded from an N-Quads file, its graphs read as one, with its numbers as written.
    Blank nodes keep the file's labels (Oxigraph's bulk loader would rename them). The quads go from
    Oxigraph's parser to its store without Python looking at each; only the lines with a number are
    parsed again, to keep those numbers as written. With `location` (an empty folder), the store is on
    disk there: 10^7 triples would not fit in a few GB of memory."""
    store, written = (ox.Store() if location is None else ox.Store(str(location))), {}
    store.bulk_extend(ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS))
    with path.open("rb") as f:
        numeric = b"".join(line for line in f if NUMERIC_LINE.search(line))
    for q in ox.parse(numeric, format=ox.RdfFormat.N_QUADS):
        _keep_written(written, to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object))
    return Data(store, written)


NUMERIC_LINE = re.compile(rb"\^\^<http://www\.w3\.org/2001/XMLSchema#(" + b"|".join(
    str(t)[len(str(XSD)):].encode() for t in sorted(CANONICALISED)) + rb")>")



class DataView:
    """What pySHACL's messages show of a data node: an IRI as such, a blank node by its triples. Only the
    blank nodes a message names are copied out of the store, into a graph with rdflib's default prefixes
    (the graph pySHACL stringifies is a fresh rdflib Graph too)."""

    def __init__(self, store: ox.Store, written: Written) -> None:
        self.store = store
        self.written = written
        self.graph = Graph()
        self.copied: set[Node] = set()

    def text(self, node: Node) -> str:
        self._copy(node, 0)
        return stringify_node(self.graph, node)

    def _copy(self, node: Node, depth: int) -> None:
        if not isinstance(node, BNode) or node in self.copied or depth > 12:
            return
        self.copied.add(node)
        for q in self.store.quads_for_pattern(to_oxigraph(node), None, None):
            if q.graph_name == ox.NamedNode(str(SCRATCH)):
                continue
            p = to_rdflib(q.predicate)
            o = as_written(self.written, node, p, to_rdflib(q.object))
            self.graph.add((node, p, o))
            self._copy(o, depth + 1)


# ------------------------------------------------------------------ the shapes


def _list(shapes: Graph, head: Node) -> list[Node]:
    return list(Collection(shapes, head))


def check_supported(shapes: Graph, shape: Node) -> None:
    for p, o in shapes.predicate_objects(shape):
        if p == RDF.type:
            if o not in (SH.NodeShape, SH.PropertyShape):
                raise Unsupported(shape, f"a shape typed <{o}> (an implicit class target)")
            continue
        if str(p).startswith(str(SH)) and p not in TARGETS | ANNOTATIONS | COMPONENTS:
            raise Unsupported(shape, f"sh:{str(p)[len(str(SH)):]}")
    path = shapes.value(shape, SH.path)
    if path is not None and not isinstance(path, URIRef):
        raise Unsupported(shape, "a sh:path other than a single predicate")
    if path is None:
        for p in PROPERTY_ONLY:
            if shapes.value(shape, p) is not None:
                raise Unsupported(shape, f"sh:{str(p)[len(str(SH)):]} on a node shape")
    for m in shapes.objects(shape, SH.message):
        if "{" in str(m):
            raise Unsupported(shape, "a sh:message template")


def top_shapes(shapes: Graph) -> list[Node]:
    """Shapes with targets, in a fixed order (pySHACL validates each with its targets)."""
    found = {s for t in TARGETS for s in shapes.subjects(t, None)}
    return sorted(found, key=lambda s: (isinstance(s, BNode), str(s)))


def deactivated(shapes: Graph, shape: Node) -> bool:
    flag = shapes.value(shape, SH.deactivated)
    return isinstance(flag, Literal) and flag.toPython() is True


# ------------------------------------------------------------------ the engine


class Engine:
    def __init__(self, data: Data, shapes: Graph) -> None:
        self.store = data.store
        self.written = data.written
        self.shapes = shapes
        self.view = DataView(data.store, data.written)
        self.cache: dict[str, tuple[list[str], list[dict[str, Node]]]] = {}

    def as_written(self, this: Node, path: Node | None, value: Node | None) -> Node | None:
        return as_written(self.written, this, path, value)

    # ---------------------------------------------------------- running queries

    def solutions(self, query: str) -> tuple[list[str], list[dict[str, Node]]]:
        # The same text gives the same answer within one validation (the scratch graph only grows by
        # shapes the text does not name): several components read the same pairs, two shapes the same targets.
        if query not in self.cache:
            self.cache[query] = self._solutions(query)
        return self.cache[query]

    def _solutions(self, query: str) -> tuple[list[str], list[dict[str, Node]]]:
        found = self.store.query(query, use_default_graph_as_union=True)
        names = [v.value for v in found.variables]
        out = []
        for solution in found:
            out.append({n: to_rdflib(solution[n]) for n in names if solution[n] is not None})
        return names, out

    def rows(self, query: str) -> list[tuple[Node, Node | None]]:
        return [(s["this"], s.get("value")) for s in self.solutions(query)[1]]

    def focus_pattern(self, shape: Node, focus: Iterable[Node] | None) -> str:
        groups = []
        for cls in sorted(self.shapes.objects(shape, SH.targetClass), key=str):
            groups.append(fill("focus_class", CLASS=n3(cls)))
        for p in sorted(self.shapes.objects(shape, SH.targetSubjectsOf), key=str):
            groups.append(fill("focus_subjects_of", PATH=n3(p)))
        for p in sorted(self.shapes.objects(shape, SH.targetObjectsOf), key=str):
            groups.append(fill("focus_objects_of", PATH=n3(p)))
        nodes = sorted(self.shapes.objects(shape, SH.targetNode), key=str)
        if nodes:
            groups.append(fill("focus_nodes", NODES=" ".join(n3(n) for n in nodes)))
        targets = "\nUNION\n".join(groups)
        if focus is None:
            return fill("focus_union", TARGETS=targets)
        # The caller's nodes wait in the scratch graph (validate puts them there): SPARQL's VALUES cannot
        # hold the blank nodes (quantities, dates) one document's check must validate.
        restrict = fill("focus_materialized", SCRATCH=n3(SCRATCH), MARK=n3(MARK), SHAPE=n3(FOCUS))
        return fill("focus_restricted", RESTRICT=restrict, TARGETS=targets)

    # ---------------------------------------------------------- evaluating shapes

    def validate(self, focus: Iterable[Node] | None = None) -> list[Result]:
        shapes = top_shapes(self.shapes)
        for s in shapes:
            self._check_tree(s, set())
        focus = list(focus) if focus is not None else None
        results: list[Result] = []
        try:
            if focus is not None:
                graph, p, o = (to_oxigraph(t) for t in (SCRATCH, MARK, FOCUS))
                self.store.extend(ox.Quad(to_oxigraph(n), p, o, graph) for n in focus if not isinstance(n, Literal))
            for i, shape in enumerate(shapes):
                if deactivated(self.shapes, shape):
                    continue
                results.extend(self.evaluate(shape, self.materialized(i, self.focus_pattern(shape, focus))))
        finally:
            scratch = ox.NamedNode(str(SCRATCH))
            if scratch in set(self.store.named_graphs()):
                self.store.remove_graph(scratch)  # the caller's store is left as it was given
        return sorted(set(results), key=Result.key)

    def materialized(self, i: int, focus: str) -> str:
        """The focus nodes of the pattern kept in the scratch graph, and the pattern that reads them there."""
        nodes = [t for t, _ in self.rows(fill("focus_select", FOCUS=focus))]
        if any(isinstance(n, Literal) for n in nodes):
            return focus  # a literal cannot be a subject: keep the pattern as it is
        mark = URIRef(f"urn:minekg:shacl-sparql:shape{i}")
        graph, p, o = (to_oxigraph(t) for t in (SCRATCH, MARK, mark))
        quads = [ox.Quad(to_oxigraph(n), p, o, graph) for n in nodes]
        # the bulk loader writes files on an on-disk store: a few nodes go in faster one by one
        (self.store.extend if len(quads) < 10_000 else self.store.bulk_extend)(quads)
        return fill("focus_materialized", SCRATCH=n3(SCRATCH), MARK=n3(MARK), SHAPE=n3(mark))

    def _check_tree(self, shape: Node, seen: set[Node]) -> None:
        if shape in seen:
            return
        seen.add(shape)
        check_supported(self.shapes, shape)
        for c in self.shapes.objects(shape, SH.sparql):
            self._check_sparql(shape, c)
        for child in self._children(shape):
            self._check_tree(child, seen)

    def _children(self, shape: Node) -> list[Node]:
        out = list(self.shapes.objects(shape, SH.property)) + list(self.shapes.objects(shape, SH.node))
        for head in self.shapes.objects(shape, SH["or"]):
            out.extend(_list(self.shapes, head))
        return out

    def _check_sparql(self, shape: Node, c: Node) -> None:
        for p, _ in self.shapes.predicate_objects(c):
            if str(p).startswith(str(SH)) and p not in SPARQL_EXTRA:
                raise Unsupported(shape, f"sh:{str(p)[len(str(SH)):]} in a SPARQL constraint")
        text = str(self.shapes.value(c, SH.select) or "")
        if not text:
            raise Unsupported(shape, "a SPARQL constraint without sh:select")
        if re.search(r"\$(shapesGraph|currentShape)\b|\bSELECT\b[^{]*\{[^}]*\bSELECT\b", text, re.I | re.S):
            raise Unsupported(shape, "a SPARQL constraint with a subquery or $shapesGraph/$currentShape")
        for m in self.shapes.objects(c, SH.message):
            if "{" in str(m):
                raise Unsupported(shape, "a sh:message template in a SPARQL constraint")
        if shapes_messages(self.shapes, shape) == () and not list(self.shapes.objects(c, SH.message)):
            raise Unsupported(shape, "a SPARQL constraint without sh:message")

    def evaluate(self, shape: Node, focus: str, report: bool = True) -> list[Result]:
        """The results of one shape and of its property shapes, on the focus nodes of the pattern (with
        their messages when `report`: a nested shape's results only decide whether a node conforms)."""
        found: list[Result] = []
        for component, rows in self.violations(shape, focus):
            found.extend(self.result(shape, component, this, value, report) for this, value in rows)
        for c in sorted(self.shapes.objects(shape, SH.sparql), key=str):
            if not deactivated(self.shapes, c):
                found.extend(self.sparql(shape, c, focus, report))
        for prop in sorted(self.shapes.objects(shape, SH.property), key=str):
            if not deactivated(self.shapes, prop):
                found.extend(self.evaluate(prop, focus, report))
        return found

    def failing(self, shape: Node, focus: str) -> set[Node]:
        """The focus nodes that do not conform to `shape` (whatever its severity), for sh:node and sh:or."""
        if deactivated(self.shapes, shape):
            return set()
        return {r.focus for r in self.evaluate(shape, focus, report=False)}

    def violations(self, shape: Node, focus: str) -> list[tuple[URIRef, list[tuple[Node, Node | None]]]]:
        path = self.shapes.value(shape, SH.path)
        values = fill("values_path", PATH=n3(path)) if path is not None else template("values_self")
        out = []
        for param in sorted(set(self.shapes.predicates(shape, None)) & COMPONENTS, key=str):
            if param == SH.flags:
                continue
            for arg in sorted(self.shapes.objects(shape, param), key=str):
                out.append(self.component(shape, param, arg, focus, values, path))
        return out

    def component(self, shape: Node, param: URIRef, arg: Node, focus: str, values: str,
                  path: Node | None) -> tuple[URIRef, list[tuple[Node, Node | None]]]:
        name = str(param)[len(str(SH)):]
        component = SH[name[0].upper() + name[1:] + "ConstraintComponent"]
        if param == SH.minCount:
            name = "min_count_one" if int(arg) == 1 else "min_count"
            return component, self.rows(fill(name, FOCUS=focus, VALUES=values, N=str(int(arg))))
        if param == SH.maxCount:
            return component, self.rows(fill("max_count", FOCUS=focus, VALUES=values, N=str(int(arg))))
        if param == SH["class"]:
            return component, self.rows(fill("class", FOCUS=focus, VALUES=values, CLASS=n3(arg)))
        if param == SH.datatype:
            return component, self.datatype(focus, values, path, arg)
        if param == SH["in"]:
            members = " ".join(n3(m) for m in _list(self.shapes, arg))
            return component, self.rows(fill("in", FOCUS=focus, VALUES=values, LIST=members or "UNDEF"))
        if param == SH.hasValue:
            return component, [(t, None) for t, _ in self.rows(
                fill("has_value", FOCUS=focus, PATH=n3(path), VALUE=n3(arg)))]
        if param == SH.minLength:
            return component, self.rows(fill("min_length", FOCUS=focus, VALUES=values, N=str(int(arg))))
        if param == SH.minInclusive:
            rows = self.rows(fill("min_inclusive", FOCUS=focus, VALUES=values, N=n3(arg)))
            return component, [(t, v) for t, v in rows if not _at_least(self.as_written(t, path, v), arg)]
        if param == SH.pattern:
            flags = self.shapes.value(shape, SH.flags)
            regex = _regex(str(arg), str(flags) if flags is not None else "")
            rows = self.rows(fill("pairs", FOCUS=focus, VALUES=values))
            return component, [(t, v) for t, v in rows if isinstance(v, BNode) or not regex.search(str(v))]
        if param == SH.languageIn:
            langs = {str(x).lower() for x in _list(self.shapes, arg)}
            rows = self.rows(fill("pairs", FOCUS=focus, VALUES=values))
            return component, [(t, v) for t, v in rows if not _lang_in(v, langs)]
        if param == SH.uniqueLang:
            return component, self.unique_lang(focus, values, arg)
        if param == SH.node:
            return component, self.node(focus, values, path, arg)
        return component, self.any_of(focus, values, path, _list(self.shapes, arg))

    def datatype(self, focus: str, values: str, path: Node | None, dt: Node) -> list[tuple[Node, Node | None]]:
        # A number is checked as written: its canonical form may have another datatype.
        name = "datatype" if dt in CASTABLE and dt not in NUMERIC else "datatype_uncastable"
        rows = self.rows(fill(name, FOCUS=focus, VALUES=values, DATATYPE=n3(dt)))
        return [(t, v) for t, v in rows if not _has_datatype(self.as_written(t, path, v), dt)]

    def unique_lang(self, focus: str, values: str, flag: Node) -> list[tuple[Node, Node | None]]:
        if not (isinstance(flag, Literal) and isinstance(flag.toPython(), bool)):
            return []  # pySHACL ignores a sh:uniqueLang that is not a boolean
        langs: dict[Node, list[str]] = {}
        for t, v in self.rows(fill("pairs", FOCUS=focus, VALUES=values)):
            if isinstance(v, Literal) and v.language:
                langs.setdefault(t, []).append(v.language.lower())
        return [(t, None) for t, ls in langs.items() for lang in sorted(set(ls)) if ls.count(lang) > 1]

    def nested_focus(self, focus: str, path: Node | None) -> str:
        return focus if path is None else fill("focus_values_of", FOCUS=focus, PATH=n3(path))

    def node(self, focus: str, values: str, path: Node | None, shape: Node) -> list[tuple[Node, Node | None]]:
        bad = self.failing(shape, self.nested_focus(focus, path))
        return [(t, v) for t, v in self.rows(fill("pairs", FOCUS=focus, VALUES=values)) if v in bad]

    def any_of(self, focus: str, values: str, path: Node | None,
               members: list[Node]) -> list[tuple[Node, Node | None]]:
        nested = self.nested_focus(focus, path)
        bad: set[Node] | None = None
        for member in members:
            failed = self.failing(member, nested)
            bad = failed if bad is None else bad & failed
            if not bad:
                return []
        return [(t, v) for t, v in self.rows(fill("pairs", FOCUS=focus, VALUES=values)) if v in (bad or set())]

    def sparql(self, shape: Node, c: Node, focus: str, report: bool) -> list[Result]:
        query = self.sparql_query(c, focus)
        path = self.shapes.value(shape, SH.path)
        seen, out = set(), []
        for solution in self.solutions(query)[1]:
            row = tuple(sorted((k, str(v)) for k, v in solution.items()))
            if row in seen:
                continue  # pySHACL drops a solution that repeats another
            seen.add(row)
            this, value = solution["this"], solution.get("value")
            if value is None and path is None:
                value = this  # a node shape's result carries the focus node as its value
            out.append(self.result(shape, SH.SPARQLConstraintComponent, this, value, report, constraint=c,
                                   path=solution.get("path")))
        return out

    def sparql_query(self, c: Node, focus: str) -> str:
        """The constraint's SELECT with its prefixes, and the shape's focus nodes joined into its WHERE."""
        prefixes = []
        for holder in self.shapes.objects(c, SH.prefixes):
            for decl in self.shapes.objects(holder, SH.declare):
                prefixes.append(f"PREFIX {self.shapes.value(decl, SH.prefix)}: "
                                f"<{self.shapes.value(decl, SH.namespace)}>")
        text = str(self.shapes.value(c, SH.select))
        match = re.search(r"\bWHERE\s*\{", text, re.I)
        if match is None:
            raise Unsupported(c, "a SPARQL constraint without WHERE {")
        body = text[:match.end()] + "\n" + focus + "\n" + text[match.end():]
        return "\n".join(sorted(set(prefixes))) + "\n" + body

    # ---------------------------------------------------------- results and their messages

    def result(self, shape: Node, component: URIRef, this: Node, value: Node | None, report: bool,
               constraint: Node | None = None, path: Node | None = None) -> Result:
        path = path or self.shapes.value(shape, SH.path)
        severity = self.shapes.value(shape, SH.severity) or SH.Violation
        value = self.as_written(this, path, value)
        if not report:
            return Result(this, path, value, shape, component, severity, (), constraint)
        messages = list(shapes_messages(self.shapes, shape))
        if constraint is not None:
            messages += [str(m) for m in self.shapes.objects(constraint, SH.message) if str(m) not in messages]
        elif not messages:
            messages = [self.generic(shape, component, this, value)]
        return Result(this, path, value, shape, component, severity, tuple(sorted(messages)), constraint)

    def generic(self, shape: Node, component: URIRef, this: Node, value: Node | None) -> str:
        """pySHACL 0.40.1's default message for each component (constraints/core/*.py, make_generic_messages)."""
        sg, g = self.shapes, self.view.text
        path = sg.value(shape, SH.path)
        p = stringify_node(sg, path) if path is not None else None
        name = str(component)[len(str(SH)):-len("ConstraintComponent")]
        arg = sg.value(shape, SH[name[0].lower() + name[1:]])
        if name == "MinCount":
            return f"Less than {arg} values on {g(this)}->{p}" if p else f"Less than {arg} values on {g(this)}"
        if name == "MaxCount":
            return f"More than {arg} values on {g(this)}->{p}" if p else f"More than {arg} values on {g(this)}"
        if name == "Class":
            return _one_or_all(sg, shape, SH["class"], "Value does not have class {}",
                               "Value does not have all classes in {}")
        if name == "Datatype":
            return f"Value is not Literal with datatype {stringify_node(sg, arg)}"
        if name == "In":
            # pySHACL lists a Python set of the members: the same set, built alike, iterates alike.
            listed = [stringify_node(sg, v) for v in set(sg.items(arg))]
            return f"Value {g(value)} not in list {listed}"
        if name == "HasValue":
            listed = [stringify_node(sg, v) for v in sg.objects(shape, SH.hasValue)]
            return f"Node {g(this)}->{p} does not contain a value in the set: {listed}"
        if name == "Node":
            return _one_or_all(sg, shape, SH.node, "Value does not conform to Shape {}.",
                               "Value must conform to every Shape in ('{}').", "', '") + (
                " See details for more information.")
        if name == "MinLength":
            return f"String length not >= {stringify_node(sg, arg)}"
        if name == "MinInclusive":
            return _one_or_all(sg, shape, SH.minInclusive, "Value is not >= {}", "Value is not >= {}")
        if name == "Pattern":
            return _pattern_message(sg, shape)
        if name == "LanguageIn":
            return f"String language is not in {stringify_node(sg, arg)}"
        if name == "UniqueLang":
            return "More than one String shares the same Language"
        return self._or_message(shape, value)

    def _or_message(self, shape: Node, value: Node | None) -> str:
        sg = self.shapes
        lists = sorted(sg.objects(shape, SH["or"]), key=str)
        if len(lists) < 2:
            text = " , ".join(stringify_node(sg, m) for m in sg.items(lists[0]))
        else:
            text = " and ".join("(" + " , ".join(stringify_node(sg, m) for m in sg.items(a)) + ")" for a in lists)
        return f"Node {self.view.text(value)} must conform to one or more shapes in {text}"


def shapes_messages(shapes: Graph, shape: Node) -> tuple[str, ...]:
    return tuple(sorted(str(m) for m in shapes.objects(shape, SH.message)))


def _one_or_all(sg: Graph, shape: Node, param: URIRef, one: str, many: str, sep: str = ", ") -> str:
    args = list(sg.objects(shape, param))
    if len(args) < 2:
        return one.format(stringify_node(sg, args[0]))
    return many.format(sep.join(stringify_node(sg, a) for a in args))


def _pattern_message(sg: Graph, shape: Node) -> str:
    rules = list(sg.objects(shape, SH.pattern))
    if len(rules) < 2:
        return f"Value does not match pattern '{rules[0].value}'"
    return "Value does not match every pattern in ('{}')".format("', '".join(str(r.value) for r in rules))


# ------------------------------------------------------------------ pySHACL's own Python tests


def _has_datatype(v: Node | None, dt: Node) -> bool:
    """pySHACL's DatatypeConstraintComponent test of one value (rdflib's parse of the lexical form)."""
    if not isinstance(v, Literal):
        return False
    if v.datatype == dt or (dt == XSD.string and v.datatype is None and not v.language):
        fresh = Literal(str(v), lang=v.language, datatype=v.datatype)  # parsed as pySHACL's rdflib parsed it
        if getattr(fresh, "ill_typed", None) is True:
            return False
        return _actual(fresh.value, dt)
    return dt == RDF.langString and bool(v.language) and _actual(v.value, dt)


def _actual(value: object, dt: Node) -> bool:
    from datetime import date, datetime, time

    kinds: dict[Node, type | tuple[type, ...]] = {
        XSD.string: (str, bytes), RDF.langString: (str, bytes), XSD.integer: int, XSD.float: float,
        XSD.decimal: Decimal, XSD.boolean: bool, XSD.date: date, XSD.time: time, XSD.dateTime: datetime}
    kind = kinds.get(dt)
    return True if kind is None else isinstance(value, kind)


def _at_least(v: Node | None, minimum: Node) -> bool:
    """pySHACL's MinInclusiveConstraintComponent test of one value."""
    from pyshacl.rdfutil.compare import compare_literal

    if not isinstance(v, Literal) or not isinstance(minimum, Literal):
        return False
    if isinstance(v.value, str) != isinstance(minimum.value, str):
        return False
    try:
        return compare_literal(v, minimum) >= 0
    except (TypeError, NotImplementedError):
        return False


def _lang_in(v: Node | None, langs: set[str]) -> bool:
    """pySHACL's LanguageInConstraintComponent test of one value."""
    if not isinstance(v, Literal) or not v.language:
        return False
    lang = v.language.lower()
    return "*" in langs or lang in langs or lang.split("-")[0] in langs


def _regex(pattern: str, flags: str) -> re.Pattern:
    table = {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL, "x": re.VERBOSE}
    bits = 0
    for f in flags:
        bits |= table.get(f, 0)
    return re.compile(pattern, bits)


# ------------------------------------------------------------------ entry point


def validate(data: Graph | Data, shapes: Graph, focus: Iterable[Node] | None = None) -> list[Result]:
    """Validate `data` (an rdflib graph, or a store from data_from_nquads, its graphs read as one) against
    `shapes`.

    `focus` restricts validation to those focus nodes (each shape still only checks the nodes its targets
    select): the results are exactly the full results whose focus node is one of them."""
    return Engine(data if isinstance(data, Data) else data_of(data), shapes).validate(focus)
