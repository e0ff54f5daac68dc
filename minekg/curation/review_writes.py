"""The review's writes (review.py has the page they act on): accept() rewrites a candidate in the
curated model (curated_form), applies the curator's edits, and save() merges it into the statements file,
checks the result (check: the fast `minekg check` in a temporary copy of the project) and writes it
atomically; reject() and exclude() append to the rejections and exclusions files. Each write holds
review._LOCK and first checks the file is still the one the curator saw (else Stale)."""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD
from rdflib.term import Node

from minekg import atomic
from minekg.build import coverage
from minekg.curation import canonical, rejections
from minekg.curation.review import (
    _LOCK,
    DRAFT_ONLY,
    NEW_KINDS,
    RECORDED_BY_BUILD,
    VALUE_TYPES,
    Files,
    Invalid,
    Problem,
    _check_fresh,
    candidates,
    curated,
    digest,
    files,
)
from minekg.errors import MinekgError
from minekg.project import Project
from minekg.rdf import isodates
from minekg.rdf.loading import read_text
from minekg.rdf.namespaces import ID, MK, expand, shorten

# ------------------------------------------------------------------ accepting


def _owned(cand: Graph, root: URIRef) -> list[Node]:
    """The nodes an accepted candidate brings along: its values, evidence, footnote and content."""
    todo, seen = [root], []
    while todo:
        n = todo.pop()
        if n in seen:
            continue
        seen.append(n)
        for p, o in cand.predicate_objects(n):
            if isinstance(o, (URIRef, BNode)) and (p in (MK.evidence, MK.footnote, MK.content, MK.quantity, MK.part,
                                                          MK.period, MK.coversPeriod) or str(o).startswith(f"{n}-")):
                todo.append(o)
    return seen


def curated_form(cand: Graph, iri: URIRef) -> Graph:
    """The candidate as a curator would write it: draft-only terms and build-recorded offsets dropped,
    quantities, intervals, parts and evidence as blank nodes (the build names evidence itself)."""
    if (iri, MK.draftRule, None) not in cand:
        raise MinekgError(f"{shorten(str(iri))}: not an open candidate of this document (reload the page)")
    nodes = _owned(cand, iri)
    blank = {n: BNode() for n in nodes if set(cand.objects(n, RDF.type)) & VALUE_TYPES
             or (None, MK.evidence, n) in cand}
    out = Graph()
    for n in nodes:
        for p, o in cand.predicate_objects(n):
            if p in DRAFT_ONLY or p in RECORDED_BY_BUILD or (p == RDF.type and o == MK.Evidence):
                continue
            out.add((blank.get(n, n), p, blank.get(o, o)))
    return out


def _term(value: str, old: Node) -> Node:
    """An edited value, typed like the value it replaces."""
    value = value.strip()
    if isinstance(old, Literal):
        if old.datatype in (XSD.date, XSD.gYearMonth, XSD.gYear):
            dt = isodates.datatype(value)
            if dt is None:
                raise MinekgError(f"{value!r}: a date is YYYY-MM-DD, YYYY-MM or YYYY (keep the source's precision)")
            return Literal(value, datatype=dt)
        return Literal(value, datatype=old.datatype, lang=old.language)
    full = expand(value) if ":" in value and not value.startswith("http") else value
    if not full.startswith(("https://", "http://")):
        raise MinekgError(f"{value!r}: pick a value from the list")
    return URIRef(full)


def new_entity(g: Graph, label: str, kind: str) -> URIRef:
    """An entity created on purpose by the curator, with its label and kind."""
    label = " ".join(label.split())
    if not label or kind not in NEW_KINDS:
        raise MinekgError(f"new entity: give its label and one of the kinds {', '.join(NEW_KINDS)}")
    slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
    iri = URIRef(f"{ID}{NEW_KINDS[kind]}/{slug}")
    g.add((iri, RDF.type, URIRef(expand(kind))))
    g.add((iri, RDFS.label, Literal(label, lang="en")))
    return iri


def apply_edits(g: Graph, iri: URIRef, edits: dict) -> None:
    """Field edits from the page: {"mk:actor": "st:MNG" | {"label":…, "kind":…}, "mk:quantity": "1200"}."""
    for key, value in sorted(edits.items()):
        p = URIRef(expand(key))
        olds = list(g.objects(iri, p))
        if len(olds) != 1:
            raise MinekgError(f"{key}: not a single-valued field of {shorten(str(iri))}")
        old = olds[0]
        if p == MK.quantity:
            if not re.fullmatch(r"[0-9]+", str(value).strip()):
                raise MinekgError(f"{key}: a whole number, as the source gives it")
            g.set((old, MK.value, Literal(int(str(value).strip()), datatype=XSD.integer)))
            continue
        new = new_entity(g, value.get("label", ""), value.get("kind", "")) if isinstance(value, dict) \
            else _term(str(value), old)
        g.remove((iri, p, old))
        g.add((iri, p, new))


def _proposals(cand: Graph, g: Graph) -> list[Problem]:
    return [Problem(shorten(str(s)), f"{shorten(str(p))}: {shorten(str(o))} is a name the drafter proposed "
                    f"(\"{cand.value(o, MK.proposedLabel)}\"); pick a known one, or create it on purpose")
            for s, p, o in sorted(g) if (o, MK.proposedEntity, Literal(True)) in cand]


def header(f: Files) -> str:
    return (f"# Statements of doc:{f.doc} and what only it names ({f.project.rel(f.statements)}).\n"
            "# Canonical layout (minekg/curation/canonical.py), written by `minekg serve --curate`; "
            "comments are not kept.")


def accept(project: Project, slug: str, iri: str, edits: dict, expected: str,
           amend: Callable[[Files, Graph, URIRef], None] | None = None) -> dict:
    """`amend` adds what the edit form adds beyond changed values (fields, quotes: compose.amend)."""
    f = files(project, slug)
    with _LOCK:
        _check_fresh(f.statements, expected, project)
        cand = candidates(f)
        new = curated_form(cand, URIRef(iri))
        apply_edits(new, URIRef(iri), edits)
        if amend is not None:
            amend(f, new, URIRef(iri))
        problems = _proposals(cand, new)
        if problems:
            raise Invalid(problems)
        return save(project, f, curated(f), new)


def save(project: Project, f: Files, merged: Graph, new: Graph) -> dict:
    """`new` added to the statements file (`merged`, as read), checked, then written atomically in the
    canonical layout; the caller holds _LOCK and has checked the file is the one the curator saw."""
    for t in new:
        merged.add(t)
    text = canonical.serialize(merged, header(f))
    report = check(project, f, text)
    atomic.write_text(f.statements, text)
    return {"digest": digest(f.statements), "coverage": report}


# ------------------------------------------------------------------ rejecting and excluding


def _append(path: Path, first: str, entry: str, project: Project) -> None:
    old = read_text(path, project.rel(path)) if path.exists() else first
    atomic.write_text(path, old + ("" if old.endswith("\n") else "\n") + entry)


def reject(project: Project, slug: str, iri: str, reason: str, expected: str) -> dict:
    f = files(project, slug)
    if not reason.strip():
        raise MinekgError("reason: say why the candidate is rejected (the next draft will not propose it)")
    with _LOCK:
        _check_fresh(f.rejections, expected, project)
        cand = candidates(f)
        s = URIRef(iri)
        if (s, MK.draftRule, None) not in cand:
            raise MinekgError(f"{shorten(iri)}: not an open candidate of this document (reload the page)")
        quote = str(cand.value(cand.value(s, MK.evidence), MK.quote))
        r = rejections.Rejection(iri, str(cand.value(s, MK.draftRule)), quote, " ".join(reason.split()))
        _append(f.rejections, rejections.HEADER, rejections.entry(r), project)
    return {"digest": digest(f.rejections)}


def exclude(project: Project, slug: str, start: int, reason: str, expected: str) -> dict:
    f = files(project, slug)
    if not reason.strip():
        raise MinekgError("reason: say why the sentence is not turned into statements")
    text = read_text(f.source, project.rel(f.source))
    sent = next((s for s in coverage.sentences(text) if s.start == start), None)
    if sent is None:
        raise MinekgError(f"start={start}: no sentence of doc:{slug} starts there (reload the page)")
    with _LOCK:
        _check_fresh(f.exclusions, expected, project)
        entry = rejections.yaml_item({"sentence": sent.text, "reason": " ".join(reason.split())})
        _append(f.exclusions, f"# Sentences of doc:{slug} deliberately not turned into statements.\n", entry, project)
    return {"digest": digest(f.exclusions)}


# ------------------------------------------------------------------ checking before a write


def check(project: Project, f: Files, text: str) -> dict:
    """`minekg check` of the document (minekg/curation/check_fast.py: its statements files rebuilt into the
    project's cached build, what they touch validated, coverage) with `text` as its statements file, in a
    temporary copy of the project; Invalid lists what is violated, by statement."""
    from minekg.curation.check_cache import cache_dir
    from minekg.curation.check_fast import fast_check

    with tempfile.TemporaryDirectory(prefix="minekg-curate-") as tmp:
        root = Path(tmp).resolve()
        for name in ("ontology", "rules", "queries", "validate"):
            (root / name).symlink_to(project.root / name)
        (root / "graph_data" / "statements").mkdir(parents=True)
        for name in ("reference", "sources", "coverage_exclusions"):
            if (project.graph_data / name).exists():
                (root / "graph_data" / name).symlink_to(project.graph_data / name)
        for other in project.statements.glob("*.ttl"):
            if other.name != f.statements.name:
                shutil.copy(other, root / "graph_data" / "statements" / other.name)
        (root / "graph_data" / "statements" / f.statements.name).write_text(text, encoding="utf-8")
        try:
            report = fast_check(f.doc, Project(root), cache=cache_dir(project))
        except MinekgError as e:  # the build itself failed: a syntax error, an unknown term or ISO code
            raise Invalid([Problem(None, str(e))]) from None
        if report.violations:
            raise Invalid([Problem(v.focus, f"{v.path + ': ' if v.path else ''}{v.message} [{v.shape}]")
                           for v in report.violations])
        cov = report.coverage
        return {"sentences": cov.sentences, "covered": cov.covered, "excluded": cov.excluded,
                "coverage": round(cov.coverage, 4)} if cov else {}
