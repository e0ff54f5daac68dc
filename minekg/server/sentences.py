"""Statements as readable sentences, from a page graph (rdflib) holding them and the labels they use.

A sentence is a list of Tokens, plain text or a link to another entity, so the page template links every
thing it names. The wording rules (verbs per kind, the lead and hidden roles) are in
minekg/assets/server/sentences.yaml.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS
from rdflib.term import Node

from minekg.rdf.namespaces import BASE, MK, shorten

LABELS = (RDFS.label, SKOS.prefLabel, DCTERMS.title)


@dataclass(frozen=True)
class Token:
    text: str
    href: str | None = None
    title: str | None = None  # the full IRI, shown on hover


@dataclass(frozen=True)
class Wording:
    verbs: dict[str, str]
    lead: tuple[str, ...]
    hidden: frozenset[str]
    negated: str


@cache
def wording(path: Path) -> Wording:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return Wording(dict(data["verbs"]), tuple(data["lead"]), frozenset(data["hidden"]), str(data["negated"]))


def local_href(iri: str) -> str:
    """Where the local server serves an IRI: minekg IRIs at their path under the base, others as they are."""
    return "/" + iri[len(BASE) :] if iri.startswith(BASE) else iri


def label(g: Graph, term: Node) -> str:
    for p in LABELS:
        # English or untagged first, then by text: the same label every time.
        values = sorted(g.objects(term, p), key=lambda v: (getattr(v, "language", None) not in (None, "en"), str(v)))
        if values:
            return str(values[0])
    if isinstance(term, URIRef):
        return shorten(str(term))
    return str(term)


def link(g: Graph, term: URIRef) -> Token:
    return Token(label(g, term), local_href(str(term)), str(term))


def local_name(iri: Node) -> str:
    text = str(iri)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def value_tokens(g: Graph, term: Node, depth: int = 0) -> list[Token]:
    """One value: a link for an IRI, its text for a literal, a short phrase for a blank node."""
    if isinstance(term, URIRef):
        return [link(g, term)]
    if isinstance(term, Literal):
        return [Token(str(term))]
    if depth > 3:
        return [Token("…")]
    types = set(g.objects(term, RDF.type))
    if MK.Interval in types or (term, MK.start, None) in g or (term, MK.end, None) in g:
        start, end = g.value(term, MK.start), g.value(term, MK.end)
        if start is not None and end is not None:
            return [Token(f"{start} – {end}")]
        if start is not None:
            return [Token(f"since {start}")]
        if end is not None:
            return [Token(f"until {end}")]
    if MK.Quantity in types or (term, MK.value, None) in g or (term, MK.qualifier, None) in g:
        return quantity_tokens(g, term)
    parts: list[Token] = []
    for p, o in sorted(g.predicate_objects(term), key=lambda po: (str(po[0]), str(po[1]))):
        if p == RDF.type:
            continue
        if parts:
            parts.append(Token(", "))
        parts.append(Token(label(g, p) + " "))
        parts += value_tokens(g, o, depth + 1)
    return parts or [Token("(unspecified)")]


def quantity_tokens(g: Graph, q: Node) -> list[Token]:
    value, low, high = g.value(q, MK.value), g.value(q, MK.minValue), g.value(q, MK.maxValue)
    qualifier, unit = g.value(q, MK.qualifier), g.value(q, MK.unit)
    out: list[Token] = []
    if value is not None:
        out.append(Token(f"{value}"))
    elif low is not None or high is not None:
        out.append(Token(f"{low if low is not None else '?'}–{high if high is not None else '?'}"))
    if unit is not None:
        out.append(Token(f" {unit}"))
    if qualifier is not None:
        out += [Token(" (" if out else ""), link(g, qualifier), Token(")" if out else "")]
    return out or [Token("(quantity not given)")]


def most_specific_kinds(g: Graph, node: Node) -> list[URIRef]:
    types = sorted(t for t in g.objects(node, RDF.type) if isinstance(t, URIRef))
    # Transitively: the build types every statement mk:Statement too (rules/000), above mk:SpeechAct.
    return [t for t in types
            if not any(u != t and t in g.transitive_objects(u, RDFS.subClassOf) for u in types)] or types


def attribution(g: Graph, st: Node) -> list[Token]:
    """'Azerbaijan, at <meeting>, 2021-06' — who asserts the statement, to whom, where and when."""
    who = sorted(g.objects(st, MK.assertedBy), key=str)
    out: list[Token] = []
    for i, w in enumerate(who):
        if i:
            out.append(Token(" and "))
        out += value_tokens(g, w)
    for p, word in (
        (MK.inCapacity, "as"),
        (MK.assertedTo, "to"),
        (MK.assertedAt, "at"),
        (MK.assertedDuring, "during"),
    ):
        for o in sorted(g.objects(st, p), key=str):
            out += [Token(f", {word} ")] + value_tokens(g, o)
    for o in sorted(g.objects(st, MK.assertedOn), key=str):
        out.append(Token(f", {o}"))
    return out


def sentence(g: Graph, st: Node, wording_file: Path) -> list[Token]:
    """The whole sentence of a statement: attribution, verb, and its content."""
    w = wording(wording_file)
    kinds = most_specific_kinds(g, st)
    verb = next((w.verbs[local_name(k)] for k in kinds if local_name(k) in w.verbs), w.verbs["default"])
    out = attribution(g, st)
    if not out:
        out = [Token("Unattributed")]  # content statements are asserted only through speech acts
        verb = "content"
    out.append(Token(f" {verb}: "))
    content = g.value(st, MK.content)
    if content is not None:
        out += content_tokens(g, content, w)
        extra = roles_tokens(g, st, w, skip={"accused"})
        if extra:
            out += [Token(" — ")] + extra
    else:
        out += content_tokens(g, st, w)
    return out


def content_tokens(g: Graph, st: Node, w: Wording) -> list[Token]:
    """'Armenia — mine use, not (place Nagorno-Karabakh; period 2020-09 – 2020-11)'."""
    out: list[Token] = []
    for role in w.lead:
        for o in sorted(g.objects(st, MK[role]), key=str):
            if out:
                out.append(Token(" and "))
            out += value_tokens(g, o)
    kinds = most_specific_kinds(g, st)
    kind_text = " / ".join(label(g, k) for k in kinds) or "statement"
    out.append(Token((" — " if out else "") + kind_text))
    if any(o.toPython() is True for o in g.objects(st, MK.negated) if isinstance(o, Literal)):
        out.append(Token(f", {w.negated}"))
    for m in sorted(g.objects(st, MK.modality), key=str):
        out += [Token(", ")] + value_tokens(g, m)
    roles = roles_tokens(g, st, w, skip=set(w.lead))
    if roles:
        out += [Token(" (")] + roles + [Token(")")]
    return out


def roles_tokens(g: Graph, st: Node, w: Wording, skip: set[str]) -> list[Token]:
    out: list[Token] = []
    by_role: dict[URIRef, list[Node]] = {}
    for p, o in g.predicate_objects(st):
        name = local_name(p)
        if name in w.hidden or name in skip or p in LABELS:
            continue
        by_role.setdefault(p, []).append(o)
    for p in sorted(by_role, key=lambda p: label(g, p)):
        if out:
            out.append(Token("; "))
        out.append(Token(label(g, p) + " "))
        for i, o in enumerate(sorted(by_role[p], key=str)):
            if i:
                out.append(Token(", "))
            out += value_tokens(g, o)
    return out
