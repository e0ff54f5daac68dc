"""The curation page's new-statement form can say every statement of the seed Kazakhstan profile (issue 15):
speech acts with their content, several quotes, footnote and missing-footnote numbers, editorial notes,
quantities with a qualifier or bounds, a vote's period, fields with several values. Each statement is made
from what a curator types (bench/curate_form.py) through the library the page calls, on a copy of the
frozen seed with the profile's statements removed; together with what the file kept they are the curated
file again, triple for triple, and its canonical bytes. Bad entries are refused with a problem, not saved."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from bench.curate_form import payload, statements, strip_statements
from minekg.curation import canonical, compose, review, review_writes
from minekg.errors import MinekgError
from minekg.project import Project
from minekg.rdf.loading import read_text
from minekg.rdf.namespaces import MK

from .seed import copy_tree

SLUG = "kazakhstan-2019"


@pytest.fixture(scope="module")
def stripped(tmp_path_factory) -> tuple[Project, Graph]:
    root = copy_tree(tmp_path_factory.mktemp("curate-form") / "tree", ("ontology", "graph_data", "validate"))
    project = Project(root)
    return project, strip_statements(project, SLUG)


def _make(project: Project, body: dict, taken: Graph) -> Graph:
    f = review.files(project, SLUG)
    _, g = compose.statement(project, f, body["kind"], body["start"], body["quote"], body["values"],
                             body.get("footnote"), taken, quotes=body["quotes"], name=body["name"],
                             missing_footnote=body.get("missingFootnote"))
    return g


def test_every_seed_statement_through_the_form(stripped):
    project, seed = stripped
    f = review.files(project, SLUG)
    text = read_text(f.source, SLUG)
    merged = review.curated(f)
    made: set = set()
    bodies = [payload(seed, s, SLUG, text, made) for s in statements(seed)]
    assert len(bodies) == 22
    # what the old form could not say is among them
    assert any(b["kind"] == "mk:Denial" and b["values"]["mk:content"]["kind"] == "mk:MineUse" for b in bodies)
    assert any(b["values"].get("mk:period") == {"start": "2007"} for b in bodies)
    assert any(b.get("missingFootnote") == "6" for b in bodies)
    for body in bodies:
        for t in _make(project, body, merged):
            merged.add(t)
    in_both, only_made, only_seed = graph_diff(to_isomorphic(merged), to_isomorphic(seed))
    assert not list(only_made) and not list(only_seed)
    assert isomorphic(merged, seed)
    assert canonical.serialize(merged) == canonical.serialize(seed)


def test_bad_entries_are_refused(stripped):
    project, seed = stripped
    f = review.files(project, SLUG)
    text = read_text(f.source, SLUG)
    ack = next(s for s in statements(seed) if str(s).endswith("acknowledges-use-border-areas"))
    good = payload(seed, ack, SLUG, text, set())
    taken = review.curated(f)
    with pytest.raises(review.Invalid, match="not found in the source"):
        _make(project, {**good, "quotes": [{"quote": "Kazakhstan has laid no mines at all."}]}, taken)
    with pytest.raises(review.Invalid, match="mk:assertedBy: required"):
        _make(project, {**good, "values": {k: v for k, v in good["values"].items() if k != "mk:assertedBy"}}, taken)
    with pytest.raises(MinekgError, match="not a number"):
        _make(project, {**good, "kind": "mk:StockpileFigure", "quotes": [],
                        "values": {"mk:actor": "st:KAZ", "mk:assertedBy": "ag:monitor",
                                   "mk:quantity": {"qualifier": "mk:Range", "minValue": "eight hundred"}}}, taken)
    with pytest.raises(MinekgError, match="not a field of mk:MineUse as a content statement"):
        content = {**good["values"]["mk:content"], "values": {**good["values"]["mk:content"]["values"],
                                                               "mk:assertedBy": "st:KAZ"}}
        _make(project, {**good, "values": {**good["values"], "mk:content": content}}, taken)
    with pytest.raises(MinekgError, match="name"):
        _make(project, {**good, "name": "Not A Slug"}, taken)


def test_the_edit_form_completes_a_candidate(stripped):
    """Accepting a drafted candidate with the edit form's additions: the fields it lacks (with their types,
    as the new-statement form makes them) and a second quote; a quote not in the source is refused."""
    from minekg.curation import draft

    project, _ = stripped
    f = review.files(project, SLUG)
    drafted = draft(project, SLUG)
    cand = next(c for c in sorted(drafted.subjects(MK.draftRule, None)) if (c, MK.role, MK.Observer) in drafted)
    new = review_writes.curated_form(drafted, cand)
    assert (cand, MK.madeStatement, None) not in new and len(list(new.objects(cand, MK.evidence))) == 1
    remark = "It did not make any formal remarks at these meetings."
    added = {"mk:madeStatement": "false", "mk:summary": "Kazakhstan attended as an observer."}
    compose.amend(project, f, new, cand, added, [{"quote": remark}])
    assert (cand, MK.madeStatement, Literal(False)) in new
    assert (cand, MK.summary, Literal("Kazakhstan attended as an observer.")) in new
    quotes = {str(new.value(ev, MK.quote)) for ev in new.objects(cand, MK.evidence)}
    assert len(quotes) == 2 and remark in quotes
    with pytest.raises(review.Invalid, match="not found in the source"):
        compose.amend(project, f, new, cand, {}, [{"quote": "It made a formal statement at these meetings."}])
    # its own quote narrowed to the passage the curator selects; the others stay
    as_drafted = review_writes.curated_form(drafted, cand)
    drafted_quote = str(as_drafted.value(as_drafted.value(cand, MK.evidence), MK.quote))
    passage = "attending as an observer the Mine Ban Treaty Second Review Conference in November–December 2009"
    assert passage in drafted_quote and passage != drafted_quote
    compose.amend(project, f, as_drafted, cand, {}, [{"quote": remark}], {"quote": passage})
    assert {str(as_drafted.value(ev, MK.quote)) for ev in as_drafted.objects(cand, MK.evidence)} == {passage, remark}
    with pytest.raises(MinekgError, match="its quote can be changed only when it has one"):
        compose.amend(project, f, as_drafted, cand, {}, [], {"quote": passage})
    with pytest.raises(MinekgError, match="mk:voteValue: not a field of mk:MeetingParticipation"):
        compose.amend(project, f, new, cand, {"mk:voteValue": "mk:InFavour"}, [])
