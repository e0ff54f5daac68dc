"""Names resolved against what the graph already knows.

States by their ISO 3166 names (pycountry: name, common and official names), the short names and
demonyms the genre uses (draft_rules.yaml), and every rdfs:label and skos:altLabel of the curated graph
(bodies, officials, organisations, meetings, resolutions, instruments, places, mine types). A name that
resolves to nothing is never invented: the drafter proposes it as a marked new entity (names.propose).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pycountry
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from minekg.project import Project
from minekg.rdf.loading import parse_turtle
from minekg.rdf.namespaces import ID, MK, ST

# What a named thing is, by its class; a class not listed here names nothing the drafter resolves.
CATEGORIES = {
    "actor": ["State", "FormerState", "Organisation", "InternationalOrganisation", "NonGovernmentalOrganisation",
              "NewsOutlet", "Company", "GovernmentBody", "NonStateArmedGroup", "Person"],
    "meeting": ["Meeting", "TreatyMeeting"],
    "resolution": ["UNGAResolution"],
    "instrument": ["TreatyInstrument"],
    "place": ["Place", "Territory"],
    "minetype": ["MineType"],
}
_CLASS_CATEGORY = {MK[c]: cat for cat, classes in CATEGORIES.items() for c in classes}


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    iri: URIRef
    category: str
    text: str


@dataclass
class Gazetteer:
    names: dict[str, dict[str, URIRef]] = field(default_factory=dict)  # category -> name -> IRI
    resolutions: dict[str, URIRef] = field(default_factory=dict)  # "66/29" -> res:A-RES-66-29
    state_of: dict[URIRef, URIRef] = field(default_factory=dict)  # a government body -> its state
    _patterns: dict[str, re.Pattern] = field(default_factory=dict)

    def add(self, category: str, name: str, iri: URIRef) -> None:
        name = " ".join(name.split())
        # Two-letter labels ("UN", "EU") are kept; one letter or a generic word would match everywhere.
        if len(name) >= 2:
            self.names.setdefault(category, {}).setdefault(name, iri)
            self._patterns.pop(category, None)

    def _pattern(self, category: str) -> re.Pattern | None:
        if category not in self._patterns:
            names = sorted(self.names.get(category, {}), key=lambda n: (-len(n), n))
            if not names:
                return None
            flags = re.IGNORECASE if category == "minetype" else 0
            self._patterns[category] = re.compile(
                r"(?<![\w-])(?:" + "|".join(re.escape(n) for n in names) + r")(?:s|es)?(?!\w|-[A-Z0-9])", flags)
        return self._patterns[category]

    def find(self, text: str, category: str) -> list[Mention]:
        """Mentions of `category` in `text`, longest names first, none overlapping."""
        pattern = self._pattern(category)
        if pattern is None:
            return []
        lookup = self.names[category]
        folded = {k.lower(): v for k, v in lookup.items()} if category == "minetype" else lookup
        found = []
        for m in pattern.finditer(text):
            name = m.group(0)
            key = name.lower() if category == "minetype" else name
            iri = folded.get(key) or folded.get(re.sub(r"(?:es|s)$", "", key)) or folded.get(key[:-1])
            if iri is not None:
                found.append(Mention(m.start(), m.end(), iri, category, name))
        return found


def _curated_graph(project: Project) -> Graph:
    g = Graph()
    for folder in (project.reference, project.statements):
        for path in sorted(folder.glob("*.ttl")):
            g += parse_turtle(path, project.rel(path))
    return g


def gazetteer(project: Project, aliases: dict) -> Gazetteer:
    """Every name the graph knows, plus the genre's state aliases and demonyms from the rules file."""
    gz = Gazetteer()
    for name, code in sorted(aliases.get("states", {}).items()):
        gz.add("actor", name, URIRef(ST[code]))
    for name, code in sorted(aliases.get("demonyms", {}).items()):
        gz.add("demonym", name, URIRef(ST[code]))
    for country in pycountry.countries:
        for attr in ("common_name", "name", "official_name"):
            value = getattr(country, attr, None)
            if value:
                gz.add("actor", value, URIRef(ST[country.alpha_3]))
    g = _curated_graph(project)
    for s, p, o in sorted(g.triples((None, None, None))):
        if p not in (RDFS.label, SKOS.altLabel) or not isinstance(o, Literal) or not isinstance(s, URIRef):
            continue
        for cls in sorted(g.objects(s, RDF.type)):
            category = _CLASS_CATEGORY.get(cls)
            if category:
                gz.add(category, str(o), s)
    _add_body_variants(gz, g, aliases)
    for person, post in sorted(g.subject_objects(MK.holdsPost)):
        where = g.value(post, MK.postIn)  # a post is in a body of a state, or in the state itself
        state = gz.state_of.get(where, where)
        if state is not None and str(state).startswith(str(ST)):
            gz.state_of[person] = state
    for res, number in sorted(g.subject_objects(MK.resolutionNumber)):
        gz.resolutions[str(number)] = res
    for name, local in sorted(aliases.get("minetypes", {}).items()):
        gz.add("minetype", name, URIRef(ID + "minetype/" + local))
    return gz


def _add_body_variants(gz: Gazetteer, g: Graph, aliases: dict) -> None:
    """A state's ministry as news writes it: "Ministry of Defense of Azerbaijan" is also "Azerbaijan's
    Ministry of Defense" and "Azerbaijani Ministry of Defense"; "Russian Foreign Ministry" is also
    "Russia's Foreign Ministry"."""
    state_names: dict[str, set[str]] = {}
    for name, iri in gz.names.get("actor", {}).items():
        if str(iri).startswith(str(ST)):
            state_names.setdefault(str(iri)[len(str(ST)):], set()).add(name)
    demonyms: dict[str, set[str]] = {}
    for name, code in aliases.get("demonyms", {}).items():
        demonyms.setdefault(code, set()).add(name)
    for body, state in sorted(g.subject_objects(MK.bodyOf)):
        gz.state_of[body] = state
        code = str(state)[len(str(ST)):]
        own, adjectives = sorted(state_names.get(code, ())), sorted(demonyms.get(code, ()))
        for label in sorted(str(x) for p in (RDFS.label, SKOS.altLabel) for x in g.objects(body, p)):
            heads = [label[: -len(f" of {n}")] for n in own if label.endswith(f" of {n}")]
            heads += [label[len(a) + 1 :] for a in adjectives if label.startswith(a + " ")]
            heads += [h.replace("Ministry", "Minister", 1) for h in heads if h.startswith("Ministry ")]
            for head in heads:
                for n in own:
                    gz.add("actor", f"{n}’s {head}", body)
                    gz.add("actor", f"{n}'s {head}", body)
                for a in adjectives:
                    gz.add("actor", f"{a} {head}", body)


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "unnamed"


def proposed_iri(kind: str, label: str) -> URIRef:
    return URIRef(f"{ID}{kind}/proposed-{slugify(label)}")


def propose(g: Graph, iri: URIRef, cls: URIRef, label: str) -> URIRef:
    """A new entity the graph does not know, marked as a proposal for the curator to accept or rename."""
    g.add((iri, RDF.type, cls))
    g.add((iri, RDFS.label, Literal(label, lang="en")))
    g.add((iri, MK.proposedLabel, Literal(label)))
    g.add((iri, MK.proposedEntity, Literal(True)))
    return iri
