"""The shapes side of the SPARQL validation engine (shacl_sparql.py): the SHACL terms it compiles, the
shapes with targets and the deactivated ones, and the check, before any query runs, that every shape
reachable from a target uses only those terms (else Unsupported, naming the shape)."""

from __future__ import annotations

import re

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from minekg.build.shacl_messages import shapes_messages
from minekg.errors import MinekgError

# SHACL terms a shape may carry; a shape with any other sh: term names a feature this engine lacks.
TARGETS = {SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode}
ANNOTATIONS = {SH.name, SH.description, SH.severity, SH.message, SH.deactivated, SH.order, SH.group,
               SH.property, SH.path, SH.sparql}
COMPONENTS = {SH.minCount, SH.maxCount, SH["class"], SH.datatype, SH["or"], SH["in"], SH.hasValue, SH.node,
              SH.minLength, SH.minInclusive, SH.pattern, SH.flags, SH.uniqueLang, SH.languageIn}
# Components that only make sense on a property shape (pySHACL rejects uniqueLang on a node shape).
PROPERTY_ONLY = {SH.minCount, SH.maxCount, SH.hasValue, SH.uniqueLang}
SPARQL_EXTRA = {SH.select, SH.prefixes, SH.message, SH.name, SH.severity, SH.deactivated, SH.description}


class Unsupported(MinekgError):
    def __init__(self, shape: Node, what: str) -> None:
        name = f"<{shape}>" if isinstance(shape, URIRef) else f"blank shape {shape.n3()}"
        super().__init__(f"{name}: {what} is not supported by the fast engine: use --engine pyshacl")


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


def check_tree(shapes: Graph, shape: Node, seen: set[Node]) -> None:
    """Check `shape` and every shape it refers to (its property shapes, sh:node and sh:or members)."""
    if shape in seen:
        return
    seen.add(shape)
    check_supported(shapes, shape)
    for c in shapes.objects(shape, SH.sparql):
        _check_sparql(shapes, shape, c)
    for child in _children(shapes, shape):
        check_tree(shapes, child, seen)


def _children(shapes: Graph, shape: Node) -> list[Node]:
    out = list(shapes.objects(shape, SH.property)) + list(shapes.objects(shape, SH.node))
    for head in shapes.objects(shape, SH["or"]):
        out.extend(_list(shapes, head))
    return out


def _check_sparql(shapes: Graph, shape: Node, c: Node) -> None:
    for p, _ in shapes.predicate_objects(c):
        if str(p).startswith(str(SH)) and p not in SPARQL_EXTRA:
            raise Unsupported(shape, f"sh:{str(p)[len(str(SH)):]} in a SPARQL constraint")
    text = str(shapes.value(c, SH.select) or "")
    if not text:
        raise Unsupported(shape, "a SPARQL constraint without sh:select")
    if re.search(r"\$(shapesGraph|currentShape)\b|\bSELECT\b[^{]*\{[^}]*\bSELECT\b", text, re.I | re.S):
        raise Unsupported(shape, "a SPARQL constraint with a subquery or $shapesGraph/$currentShape")
    for m in shapes.objects(c, SH.message):
        if "{" in str(m):
            raise Unsupported(shape, "a sh:message template in a SPARQL constraint")
    if shapes_messages(shapes, shape) == () and not list(shapes.objects(c, SH.message)):
        raise Unsupported(shape, "a SPARQL constraint without sh:message")
