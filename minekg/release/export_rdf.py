"""Deterministic RDF writers: Turtle, TriG and RDF/XML (N-Triples and N-Quads come from oxi.nquads_lines).

rdflib's serializers follow its store's iteration order; these writers sort instead, so the same graph
always gives the same bytes: subjects (IRIs, then blank nodes) and objects by their N-Triples form,
predicates with rdf:type first. Blank nodes keep the build's stable labels, except that one used once as
an object (a quantity, an interval, a breakdown part) is written inline where it is used, and a well-formed
RDF list as ( ... ).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from xml.sax.saxutils import escape as xml_escape

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.term import Node

from minekg.errors import MinekgError
from minekg.rdf.oxi import nt_term

Triple = tuple[Node, Node, Node]
_LOCAL = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")  # a safe subset of PN_LOCAL that every parser accepts
_NCNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
_BNODE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_-]*$")
_IRI_ESCAPE = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def sort_key(term: Node) -> tuple[int, str]:
    rank = 0 if isinstance(term, URIRef) else 1 if isinstance(term, BNode) else 2
    return rank, nt_term(term)


class Prefixes:
    """Prefixed names for the writers: the longest namespace that leaves a safe local name wins."""

    def __init__(self, prefixes: dict[str, str]) -> None:
        self.prefixes = dict(prefixes)
        self.used: set[str] = set()

    def qname(self, iri: str) -> str | None:
        best = None
        for prefix, ns in self.prefixes.items():
            longer = best is None or len(ns) > len(self.prefixes[best])
            if iri.startswith(ns) and _LOCAL.match(iri[len(ns):]) and longer:
                best = prefix
        if best is None:
            return None
        self.used.add(best)
        return f"{best}:{iri[len(self.prefixes[best]):]}"

    def header(self, keyword: str = "@prefix") -> str:
        return "".join(f"{keyword} {p}: <{self.prefixes[p]}> .\n" for p in sorted(self.used))


# ------------------------------------------------------------------ Turtle and TriG


def _escape_string(text: str) -> str:
    out = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", lambda m: f"\\u{ord(m.group()):04X}", out)


def _iriref(iri: str) -> str:
    return "<" + _IRI_ESCAPE.sub(lambda m: f"\\u{ord(m.group()):04X}", iri) + ">"


def bnode_label(node: BNode) -> str:
    label = str(node)
    if _BNODE.match(label):
        return label
    import hashlib

    return "b" + hashlib.sha256(label.encode("utf-8")).hexdigest()[:20]


class _TurtleBody:
    """Writes the triples of one graph (or the default graph) as Turtle statements."""

    def __init__(self, triples: Iterable[Triple], prefixes: Prefixes, inline_ok: set[BNode],
                 relative_to: str | None = None) -> None:
        self.by_subject: dict[Node, dict[Node, list[Node]]] = defaultdict(lambda: defaultdict(list))
        for s, p, o in set(triples):
            self.by_subject[s][p].append(o)
        self.prefixes = prefixes
        self.inline_ok = inline_ok
        self.relative_to = relative_to
        self.written: set[Node] = set()

    def term(self, t: Node, indent: str) -> str:
        if isinstance(t, URIRef):
            if self.relative_to and str(t).startswith(self.relative_to):
                return _iriref(str(t)[len(self.relative_to):])  # resolved against the file's own location
            return self.prefixes.qname(str(t)) or _iriref(str(t))
        if isinstance(t, Literal):
            lexical = f'"{_escape_string(str(t))}"'
            if t.language:
                return f"{lexical}@{t.language}"
            if t.datatype is not None and t.datatype != XSD.string:
                return f"{lexical}^^{self.term(URIRef(t.datatype), indent)}"
            return lexical
        if t in self.inline_ok and t not in self.written:
            items = self._list_items(t)
            if items is not None:
                self._mark_list(t)
                return "(" + "".join(" " + self.term(i, indent) for i in items) + " )"
            self.written.add(t)
            if not self.by_subject.get(t):
                return "[]"
            inner = indent + "    "
            return "[\n" + inner + self.predicates(t, inner) + "\n" + indent + "]"
        return "_:" + bnode_label(t)

    def _list_items(self, node: Node) -> list[Node] | None:
        items, seen = [], set()
        while node != RDF.nil:
            props = self.by_subject.get(node)
            if (not isinstance(node, BNode) or node in seen or node not in self.inline_ok or not props
                    or set(props) != {RDF.first, RDF.rest} or len(props[RDF.first]) != 1
                    or len(props[RDF.rest]) != 1):
                return None
            seen.add(node)
            items.append(props[RDF.first][0])
            node = props[RDF.rest][0]
        return items

    def _mark_list(self, node: Node) -> None:
        while node != RDF.nil:
            self.written.add(node)
            node = self.by_subject[node][RDF.rest][0]

    def predicates(self, s: Node, indent: str) -> str:
        props = self.by_subject[s]
        order = sorted(props, key=lambda p: (p != RDF.type, str(p)))
        parts = []
        for p in order:
            verb = "a" if p == RDF.type else self.term(p, indent)
            objects = [self.term(o, indent) for o in sorted(props[p], key=sort_key)]
            joiner = ",\n" + indent + "    " if len(objects) > 1 and any("\n" in x for x in objects) else ", "
            parts.append(f"{verb} {joiner.join(objects)}")
        return (" ;\n" + indent).join(parts)

    def statements(self, indent: str = "") -> list[str]:
        blocks = []
        subjects = sorted(self.by_subject, key=sort_key)
        for s in subjects:
            if s in self.inline_ok:
                continue  # written where it is used (or below, if nothing used it)
            self.written.add(s)
            blocks.append(indent + self.term(s, indent) + " " + self.predicates(s, indent + "    ") + " .\n")
        for s in subjects:  # inline candidates no one reached: a cycle of blank nodes
            if s not in self.written:
                self.written.add(s)
                label = "_:" + bnode_label(s)
                blocks.append(indent + label + " " + self.predicates(s, indent + "    ") + " .\n")
        return blocks


def _inlinable(quads: Iterable[tuple[Node, Node, Node, str | None]]) -> set[BNode]:
    """Blank nodes used exactly once as an object, and described (if at all) in that same graph only."""
    as_object: Counter = Counter()
    object_graph: dict[Node, str | None] = {}
    subject_graphs: dict[Node, set] = defaultdict(set)
    for s, _p, o, g in quads:
        if isinstance(o, BNode):
            as_object[o] += 1
            object_graph[o] = g
        if isinstance(s, BNode):
            subject_graphs[s].add(g)
    return {b for b, n in as_object.items()
            if n == 1 and subject_graphs.get(b, {object_graph[b]}) == {object_graph[b]}}


def turtle(triples: Iterable[Triple], prefixes: dict[str, str], relative_to: str | None = None) -> str:
    """Turtle; IRIs under `relative_to` are written relative, to resolve against the file's location."""
    triples = set(triples)
    names = Prefixes(prefixes)
    body = _TurtleBody(triples, names, _inlinable((s, p, o, None) for s, p, o in triples), relative_to)
    blocks = body.statements()
    return names.header() + "\n" + "\n".join(blocks)


def trig(quads: Iterable[tuple[Node, Node, Node, str]], prefixes: dict[str, str]) -> str:
    quads = set(quads)
    names = Prefixes(prefixes)
    inline_ok = _inlinable(quads)
    by_graph: dict[str, set[Triple]] = defaultdict(set)
    for s, p, o, g in quads:
        by_graph[g or ""].add((s, p, o))
    chunks = []
    for g in sorted(by_graph):
        body = _TurtleBody(by_graph[g], names, inline_ok)
        if g:
            chunks.append(_iriref(g) + " {\n" + "\n".join(body.statements("    ")) + "}\n")
        else:
            chunks.append("\n".join(body.statements()))
    return names.header() + "\n" + "\n".join(chunks)


# ------------------------------------------------------------------ RDF/XML


def _split_predicate(iri: str, names: Prefixes, extra: dict[str, str]) -> tuple[str, str]:
    """(prefix, local) for a property element; namespaces without a prefix get ns1, ns2, ... in order."""
    best = None
    for prefix, ns in names.prefixes.items():
        if iri.startswith(ns) and _NCNAME.match(iri[len(ns):]):
            if best is None or len(ns) > len(names.prefixes[best]):
                best = prefix
    if best is not None:
        names.used.add(best)
        return best, iri[len(names.prefixes[best]):]
    m = re.match(r"^(.*?)([A-Za-z_][A-Za-z0-9_.-]*)$", iri)
    if not m or not m.group(1):
        raise MinekgError(f"RDF/XML cannot write the property <{iri}> (no XML name can end it)")
    ns = m.group(1)
    if ns not in extra:
        extra[ns] = f"ns{len(extra) + 1}"
    return extra[ns], m.group(2)


def _xml_text(text: str, where: str) -> str:
    if _XML_BAD.search(text):
        raise MinekgError(f"{where}: a literal holds a character XML 1.0 cannot carry (RDF/XML)")
    return xml_escape(text).replace("\r", "&#13;")


def _xml_attr(text: str, where: str) -> str:
    if _XML_BAD.search(text):
        raise MinekgError(f"{where}: an IRI holds a character XML 1.0 cannot carry (RDF/XML)")
    return xml_escape(text, {'"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})


def rdfxml(triples: Iterable[Triple], prefixes: dict[str, str]) -> str:
    """Striped RDF/XML: one rdf:Description per subject, sorted, with property elements in order."""
    by_subject: dict[Node, list[tuple[Node, Node]]] = defaultdict(list)
    for s, p, o in set(triples):
        by_subject[s].append((p, o))
    names = Prefixes({**prefixes, "rdf": str(RDF)})
    names.used.add("rdf")
    extra: dict[str, str] = {}
    # Namespaces first found in sorted order, so generated prefixes are stable.
    for s in sorted(by_subject, key=sort_key):
        for p, _o in sorted(by_subject[s], key=lambda po: (str(po[0]), sort_key(po[1]))):
            _split_predicate(str(p), names, extra)
    lines = []
    for s in sorted(by_subject, key=sort_key):
        where = nt_term(s)
        ref = (f'rdf:nodeID="{bnode_label(s)}"' if isinstance(s, BNode)
               else f'rdf:about="{_xml_attr(str(s), where)}"')
        lines.append(f"  <rdf:Description {ref}>\n")
        for p, o in sorted(by_subject[s], key=lambda po: (po[0] != RDF.type, str(po[0]), sort_key(po[1]))):
            prefix, local = _split_predicate(str(p), names, extra)
            tag = f"{prefix}:{local}"
            if isinstance(o, URIRef):
                lines.append(f'    <{tag} rdf:resource="{_xml_attr(str(o), where)}"/>\n')
            elif isinstance(o, BNode):
                lines.append(f'    <{tag} rdf:nodeID="{bnode_label(o)}"/>\n')
            else:
                attrs = ""
                if o.language:
                    attrs = f' xml:lang="{o.language}"'
                elif o.datatype is not None and o.datatype != XSD.string:
                    attrs = f' rdf:datatype="{_xml_attr(str(o.datatype), where)}"'
                lines.append(f"    <{tag}{attrs}>{_xml_text(str(o), where)}</{tag}>\n")
        lines.append("  </rdf:Description>\n")
    declared = {p: names.prefixes[p] for p in names.used} | {v: k for k, v in extra.items()}
    xmlns = "".join(f'\n    xmlns:{p}="{_xml_attr(ns, "namespace")}"' for p, ns in sorted(declared.items()))
    return f'<?xml version="1.0" encoding="utf-8"?>\n<rdf:RDF{xmlns}>\n' + "".join(lines) + "</rdf:RDF>\n"
