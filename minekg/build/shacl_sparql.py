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
from functools import cache

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import SH, XSD
from rdflib.term import Node

from minekg import resources
from minekg.build.shacl_data import (
    FOCUS,
    MARK,
    NUMERIC,
    SCRATCH,
    Data,
    DataView,
    as_written,
    data_of,
)
from minekg.build.shacl_messages import generic, shapes_messages
from minekg.build.shacl_shapes import (
    COMPONENTS,
    Unsupported,
    _list,
    check_tree,
    deactivated,
    top_shapes,
)
from minekg.build.shacl_values import _at_least, _has_datatype, _lang_in, _regex
from minekg.rdf.oxi import to_oxigraph, to_rdflib

TEMPLATES = resources.sparql("validate")

# Datatypes Oxigraph can cast to: a value equal to its own cast is surely well-formed.
CASTABLE = {XSD[t] for t in ("string", "boolean", "integer", "decimal", "double", "float", "date", "dateTime",
                             "gYear", "gYearMonth")}


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
            check_tree(self.shapes, s, set())
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
            messages = [generic(self.shapes, self.view, shape, component, this, value)]
        return Result(this, path, value, shape, component, severity, tuple(sorted(messages)), constraint)


# ------------------------------------------------------------------ entry point


def validate(data: Graph | Data, shapes: Graph, focus: Iterable[Node] | None = None) -> list[Result]:
    """Validate `data` (an rdflib graph, or a store from data_from_nquads, its graphs read as one) against
    `shapes`.

    `focus` restricts validation to those focus nodes (each shape still only checks the nodes its targets
    select): the results are exactly the full results whose focus node is one of them."""
    return Engine(data if isinstance(data, Data) else data_of(data), shapes).validate(focus)
