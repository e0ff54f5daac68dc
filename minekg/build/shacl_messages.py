"""The messages of the SPARQL validation engine's results, word for word pySHACL's: a shape's own
sh:message, else pySHACL 0.40.1's default message for the constraint component that failed."""

from __future__ import annotations

from pyshacl.rdfutil.stringify import stringify_node
from rdflib import Graph, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from minekg.build.shacl_data import DataView


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


def generic(sg: Graph, view: DataView, shape: Node, component: URIRef, this: Node, value: Node | None) -> str:
    """pySHACL 0.40.1's default message for each component (constraints/core/*.py, make_generic_messages)."""
    g = view.text
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
    return _or_message(sg, view, shape, value)

def _or_message(sg: Graph, view: DataView, shape: Node, value: Node | None) -> str:
    lists = sorted(sg.objects(shape, SH["or"]), key=str)
    if len(lists) < 2:
        text = " , ".join(stringify_node(sg, m) for m in sg.items(lists[0]))
    else:
        text = " and ".join("(" + " , ".join(stringify_node(sg, m) for m in sg.items(a)) + ")" for a in lists)
    return f"Node {view.text(value)} must conform to one or more shapes in {text}"
