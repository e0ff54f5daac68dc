"""Curation diagnostics: saying exactly what is wrong, so a curator fixes it in one go.

Why a quote was not found (the first character where it parts from the closest passage, with context
on both sides, and the likely cause: a typographic apostrophe, quote mark or dash, a line break, a
non-breaking space); an entity described in two files (both places named); and labels that equal or
nearly equal an existing entity's (a place "Donetsk" beside "Donetsk Oblast"). The build and
`minekg check` use them; this module imports nothing from the build.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS
from rdflib.term import Node

from minekg.rdf.namespaces import MK, shorten

CONTEXT = 12  # characters shown on each side of the first difference
NEAR_RATIO = 0.9  # difflib ratio from which two labels read as the same name with a slip

APOSTROPHES = set("'\u2018\u2019\u02bc\u2032")
QUOTE_MARKS = set('"\u201c\u201d\u201e\u00ab\u00bb')
DASHES = set("-\u2010\u2011\u2012\u2013\u2014\u2212")
LINE_BREAKS = set("\n\r\u2028\u2029")
SPACES = set(" \u00a0\u202f\u2007\t")
CONTROL_NAMES = {"\n": "LINE FEED", "\r": "CARRIAGE RETURN", "\t": "TAB"}  # unicodedata has no name for them


# ------------------------------------------------------------------ quotes


@dataclass(frozen=True)
class Mismatch:
    offset: int  # in the quote
    quote_char: str | None  # None: the quote is longer than the passage
    text_char: str | None  # None: the document ends
    quote_context: str
    text_context: str
    cause: str | None


def _name(c: str | None) -> str:
    if c is None:
        return "nothing"
    if c.isprintable() and c != " ":
        return f"\"{c}\" (U+{ord(c):04X})"
    return f"U+{ord(c):04X} {CONTROL_NAMES.get(c) or unicodedata.name(c, 'control character')}"


def likely_cause(q: str | None, t: str | None) -> str | None:
    """What usually makes a copied quote differ from its document at this character."""
    pair = {q, t}
    if pair <= APOSTROPHES:
        return "typographic vs straight apostrophe"
    if pair <= QUOTE_MARKS:
        return "typographic vs straight quote mark"
    if pair <= DASHES:
        return "a different dash (hyphen, en dash, em dash, minus)"
    if pair & LINE_BREAKS:
        return "a line break"
    if pair <= SPACES and pair & {"\u00a0", "\u202f"}:
        return "a non-breaking space"
    if pair <= SPACES:
        return "a different space character"
    if q is not None and t is not None and q.casefold() == t.casefold():
        return "upper vs lower case"
    return None


def first_difference(text: str, quote: str) -> Mismatch:
    """Where `quote` parts from the passage of `text` it is most like (aligned on the longest common run)."""
    matcher = SequenceMatcher(None, text, quote, autojunk=False)
    m = matcher.find_longest_match(0, len(text), 0, len(quote))
    start = max(0, m.a - m.b)
    i = 0
    while i < len(quote) and start + i < len(text) and text[start + i] == quote[i]:
        i += 1
    q = quote[i] if i < len(quote) else None
    t = text[start + i] if start + i < len(text) else None
    return Mismatch(i, q, t, _around(quote, i), _around(text, start + i), likely_cause(q, t))


def _around(s: str, i: int) -> str:
    before = s[max(0, i - CONTEXT) : i]
    at = s[i : i + 1]
    after = s[i + 1 : i + 1 + CONTEXT]
    show = lambda part: part.replace("\n", "\\n").replace("\u00a0", "\\u00a0")  # noqa: E731
    lead = "…" if i > CONTEXT else ""
    tail = "…" if i + 1 + CONTEXT < len(s) else ""
    return f"{lead}{show(before)}[{show(at)}]{show(after)}{tail}"


def describe_mismatch(text: str, quote: str) -> str:
    d = first_difference(text, quote)
    cause = f"; likely cause: {d.cause}" if d.cause else ""
    return (f"first difference at character {d.offset + 1} of the quote, which has {_name(d.quote_char)} where "
            f"the text has {_name(d.text_char)}: quote \"{d.quote_context}\" vs text \"{d.text_context}\"{cause}")


# ------------------------------------------------------------------ entities


def described_twice(described: dict[Node, list[str]]) -> tuple[Node, str, str] | None:
    """The first IRI (in sorted order) whose triples come from two curated files, with both files."""
    for subject in sorted((s for s in described if isinstance(s, URIRef)), key=str):
        files = list(dict.fromkeys(described[subject]))
        if len(files) > 1:
            return subject, files[0], files[1]
    return None


@dataclass(frozen=True)
class SimilarLabel:
    entity: URIRef
    label: str
    other: URIRef
    other_label: str
    why: str

    def message(self) -> str:
        return (f"{shorten(str(self.entity))} \"{self.label}\" {self.why} {shorten(str(self.other))} "
                f"\"{self.other_label}\": the same thing? reuse it, or tell them apart in the label")


def _norm(label: str) -> str:
    folded = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode("ascii").casefold()
    return " ".join(re.findall(r"[a-z0-9]+", folded))


def near(a: str, b: str) -> str | None:
    """Why two labels read as one name: equal once folded, one the leading words of the other, or a slip."""
    x, y = _norm(a), _norm(b)
    if not x or not y:
        return None
    if x == y:
        return "has the same label as"
    short, long_ = sorted((x.split(), y.split()), key=len)
    if long_[: len(short)] == short:
        return "nearly repeats the label of"
    if SequenceMatcher(None, x, y).ratio() >= NEAR_RATIO:
        return "nearly repeats the label of"
    return None


def _kinds(ontology: Graph) -> dict[Node, frozenset]:
    """For each class, the top classes (members of an owl:AllDisjointClasses) it falls under."""
    tops = set()
    for node in ontology.subjects(RDF.type, OWL.AllDisjointClasses):
        tops.update(ontology.items(ontology.value(node, OWL.members)))
    kinds = {}
    for cls in set(ontology.subjects(RDF.type, OWL.Class)):
        ups = set(ontology.transitive_objects(cls, RDFS.subClassOf))
        kinds[cls] = frozenset(ups & tops)
    return kinds


def _labels(data: Graph, s: Node) -> list[str]:
    return sorted({str(v) for p in (RDFS.label, SKOS.prefLabel) for v in data.objects(s, p)})


def similar_labels(data: Graph, ontology: Graph, new: set[Node], existing: set[Node]) -> list[SimilarLabel]:
    """Entities in `new` whose label equals or nearly equals that of an entity of the same kind in `existing`
    (statements are left out: their labels, where any, describe rather than name)."""
    kinds = _kinds(ontology)

    def kind(s: Node) -> frozenset:
        out: set = set()
        for t in data.objects(s, RDF.type):
            out |= kinds.get(t, frozenset())
        return frozenset(out - {MK.Statement, MK.Evidence})

    found = []
    candidates = [(o, kind(o), _labels(data, o)) for o in sorted(existing - new, key=str)]
    for s in sorted(new, key=str):
        mine = kind(s)
        if not mine:
            continue
        for label in _labels(data, s):
            for other, theirs, their_labels in candidates:
                if not (mine & theirs):
                    continue
                for other_label in their_labels:
                    why = near(label, other_label)
                    if why:
                        found.append(SimilarLabel(s, label, other, other_label, why))
    return found
