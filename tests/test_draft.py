"""`minekg draft`: candidate statements for a document, in the curated model, never loaded by the build.

The seed documents check quoting and shapes; the invented texts of tests/fixtures/draft/ (the genre's
phrasing in the project's own words) check that specific phrasings give the expected fields."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from minekg.build import evidence
from minekg.build.assemble import assemble
from minekg.curation import draft, write
from minekg.project import Project
from minekg.rdf.loading import read_text
from minekg.rdf.namespaces import MK
from tests.draft_support import candidate_violations

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "draft"
ID = "https://w3id.org/minekg/id/"
ST = ID + "state/"


def _tree(base: Path) -> Path:
    """A copy of the data tree with the invented test texts added as sources."""
    for name in ("ontology", "graph_data", "rules", "queries", "validate"):
        shutil.copytree(ROOT / name, base / name)
    shutil.copy(FIXTURES / "profile-2030.txt", base / "graph_data/sources/test-profile-2030.txt")
    shutil.copy(FIXTURES / "agency-2030.txt", base / "graph_data/sources/test-agency-2030.txt")
    with open(base / "graph_data/sources/sources.ttl", "a", encoding="utf-8") as f:
        f.write((FIXTURES / "sources.ttl").read_text(encoding="utf-8"))
    return base


@pytest.fixture(scope="module")
def own(tmp_path_factory) -> Project:
    return Project(_tree(tmp_path_factory.mktemp("draft")))


@pytest.fixture(scope="module")
def russia(project) -> Graph:
    return draft(project, "russia-2012")


def _candidates(g: Graph, kind: str) -> list[URIRef]:
    return sorted(s for s in g.subjects(RDF.type, MK[kind]) if (s, MK.draftRule, None) in g)


def _one(g: Graph, kind: str, **fields) -> URIRef:
    """The one candidate of `kind` whose fields have these values (local names of mk: terms or IRIs)."""
    found = []
    for s in _candidates(g, kind):
        if all(g.value(s, MK[p]) == v for p, v in fields.items()):
            found.append(s)
    assert len(found) == 1, f"{kind} {fields}: {found}"
    return found[0]


def test_seed_quotes_found_once_with_offsets(project, russia):
    text = read_text(project.sources / "000_a3e0c93445bc714a.txt")
    evs = sorted(set(russia.objects(None, MK.evidence)))
    assert len(evs) >= 20
    for ev in evs:
        quote = str(russia.value(ev, MK.quote))
        prefix = russia.value(ev, MK.quotePrefix)
        hits = evidence.locate(text, quote, prefix and str(prefix), None)
        assert hits == [int(russia.value(ev, MK.startOffset))], quote
        assert int(russia.value(ev, MK.endOffset)) == hits[0] + len(quote)
        assert russia.value(ev, MK.source) == URIRef(ID + "document/russia-2012")


def test_every_candidate_has_rule_confidence_and_evidence(russia):
    stmts = set(russia.subjects(MK.draftRule, None))
    assert stmts
    for s in stmts:
        conf = russia.value(s, MK.draftConfidence)
        assert conf.datatype == XSD.decimal and 0 < float(conf) <= 1
        assert russia.value(s, MK.evidence) is not None
        assert russia.value(s, MK.assertedBy) is not None


@pytest.mark.parametrize("slug", ["russia-2012", "armenia-2023", "news-2025-russia-ukraine-landmines"])
def test_draft_passes_the_statement_shapes(project, assembled, slug):
    """Drafts conform to shapes_violations.ttl: proposals are typed and labelled like any entity, so no
    violation is excused (docs/curation.md)."""
    assert candidate_violations(project, assembled, draft(project, slug)) == []


def test_profile_phrasings_give_the_fields(own):
    g = draft(own, "test-profile-2030")
    mng = URIRef(ST + "MNG")
    mbt = URIRef(ID + "instrument/mbt")
    _one(g, "TreatyAction", actor=mng, actionType=MK.Signature, instrument=mbt,
         date=Literal("2028-05-05", datatype=XSD.date))
    _one(g, "TreatyAction", actor=mng, actionType=MK.Ratification, date=Literal("2029-02-14", datatype=XSD.date))
    _one(g, "TreatyAction", actor=mng, actionType=MK.EntryIntoForce, date=Literal("2029-08-01", datatype=XSD.date))
    _one(g, "Vote", actor=mng, voteValue=MK.InFavour, resolution=URIRef(ID + "resolution/A-RES-84-12"),
         date=Literal("2029-12", datatype=XSD.gYearMonth))
    _one(g, "Vote", actor=mng, voteValue=MK.Abstained, resolution=URIRef(ID + "resolution/A-RES-83-40"))
    _one(g, "TreatyStatus", actor=mng, status=MK.StatusNotParty, instrument=URIRef(ID + "instrument/ccm"),
         asOf=Literal("2030-06-01", datatype=XSD.date))
    obs = _one(g, "MeetingParticipation", actor=mng, role=MK.Observer, attended=Literal(True))
    assert g.value(g.value(obs, MK.meeting), MK.proposedLabel) == Literal("Thirty-Fifth Meeting of States Parties")
    _one(g, "MeetingParticipation", actor=mng, attended=Literal(False))
    report = _one(g, "TransparencyReport", actor=mng, date=Literal("2030-01-30", datatype=XSD.date))
    covers = g.value(report, MK.coversPeriod)
    assert (g.value(covers, MK.start), g.value(covers, MK.end)) == (Literal("2028", datatype=XSD.gYear),
                                                                    Literal("2029", datatype=XSD.gYear))
    assert g.value(g.value(report, MK.evidence), MK.footnote) == URIRef(ID + "footnote/test-profile-2030-1")
    stock = _one(g, "StockpileFigure", actor=mng, assertedBy=mng)  # "Mongolia declared a stockpile of ..."
    q = g.value(stock, MK.quantity)
    assert (g.value(q, MK.value).toPython(), g.value(q, MK.qualifier)) == (12000, MK.Approximately)
    destroyed = _one(g, "Destruction", actor=mng, date=Literal("2029", datatype=XSD.gYear))
    assert g.value(g.value(destroyed, MK.quantity), MK.value).toPython() == 8500
    retained = _one(g, "RetainedMines", actor=mng, assertedBy=mng, asOf=Literal("2030-03", datatype=XSD.gYearMonth))
    parts = {(g.value(p, MK.mineType), g.value(g.value(p, MK.quantity), MK.value).toPython())
             for p in g.objects(retained, MK.part)}
    assert parts == {(URIRef(ID + "minetype/PMN"), 700), (URIRef(ID + "minetype/OZM-72"), 500)}
    per_type = {g.value(s, MK.mineType): g.value(g.value(s, MK.quantity), MK.value).toPython()
                for s in _candidates(g, "Destruction") if g.value(s, MK.date) == Literal("2030", datatype=XSD.gYear)}
    assert per_type[URIRef(ID + "minetype/PMN")] == 450  # a list of figures by type without a total
    mon = URIRef(ID + "minetype/proposed-mon-type")
    assert per_type[mon] == 300 and g.value(mon, MK.proposedLabel) == Literal("MON-type")
    unknown = _one(g, "StockpileFigure", actor=mng, assertedBy=URIRef(ID + "agent/monitor"),
                   asOf=Literal("2030-06-01", datatype=XSD.date))
    assert g.value(g.value(unknown, MK.quantity), MK.qualifier) == MK.UnknownQuantity
    assert g.value(g.value(unknown, MK.quantity), MK.value) is None
    _one(g, "Production", actor=mng, negated=Literal(True))
    finding = _one(g, "Assessment", assessment=MK.Unconfirmed, assertedBy=URIRef(ID + "agent/monitor"))
    content = g.value(finding, MK.content)
    assert (content, RDF.type, MK.MineUse) in g and g.value(content, MK.actor) == mng


def test_agency_phrasings_and_unknown_names_become_proposals(own):
    g = draft(own, "test-agency-2030")
    ukr = URIRef(ST + "UKR")
    allegation = _one(g, "Allegation", accused=ukr)
    speaker = g.value(allegation, MK.assertedBy)
    assert g.value(speaker, MK.proposedEntity) == Literal(True)
    assert g.value(speaker, MK.proposedLabel) == Literal("Defence Ministry of Borduria")
    content = g.value(allegation, MK.content)
    assert (content, RDF.type, MK.MineUse) in g and g.value(content, MK.actor) == ukr
    assert g.value(g.value(content, MK.period), MK.start) == Literal("2030-05", datatype=XSD.gYearMonth)
    denial = _one(g, "Denial", assertedBy=ukr)
    assert g.value(denial, MK.respondsTo) == allegation and g.value(denial, MK.content) == content
    silent = _one(g, "NonResponse")  # "X has not responded": X's non-response, X proposed as a new actor
    borduria = g.value(silent, MK.assertedBy)
    assert borduria == URIRef(ID + "agent/proposed-borduria") and g.value(borduria, MK.proposedEntity) == Literal(True)
    withdrawal = _one(g, "TreatyAction", actor=URIRef(ST + "POL"), actionType=MK.WithdrawalAnnouncement,
                      date=Literal("2030-03-20", datatype=XSD.date))
    publisher = g.value(withdrawal, MK.assertedBy)  # the report names no publisher: proposed, not invented
    assert g.value(publisher, MK.proposedEntity) == Literal(True)
    for code in ("FIN", "EST"):  # coordinated subjects: each state plans, and says so, for itself
        state = URIRef(ST + code)
        _one(g, "Production", actor=state, assertedBy=state, modality=MK.Planned,
             date=Literal("2031", datatype=XSD.gYear))
    # nothing the graph knows is proposed again
    assert all(not str(s).startswith(ST) for s in g.subjects(MK.proposedEntity, None))


def test_drafts_folder_is_not_loaded_by_the_build(own):
    path = write(own, "test-profile-2030", draft(own, "test-profile-2030"))
    assert path == own.graph_data / "drafts" / "test-profile-2030.ttl" and path.is_file()
    union = assemble(own, derive=False).union()
    assert (None, MK.draftRule, None) not in union
    assert (None, MK.proposedEntity, None) not in union


def _cli(root: Path, *args: str, seed: str = "0") -> subprocess.CompletedProcess:
    env = {**os.environ, "MINEKG_ROOT": str(root), "PYTHONHASHSEED": seed}
    command = [sys.executable, "-c", "from minekg.cli.root import main; main()", *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, cwd=root)


def test_same_input_gives_byte_identical_output(own):
    out = own.graph_data / "drafts" / "test-agency-2030.ttl"
    first = _cli(own.root, "draft", "test-agency-2030", seed="1")
    assert first.returncode == 0, first.stderr
    data = out.read_bytes()
    second = _cli(own.root, "draft", "test-agency-2030", seed="2")
    assert second.returncode == 0 and out.read_bytes() == data
    Graph().parse(data=data.decode("utf-8"), format="turtle")  # and it parses


def test_bad_slug_is_a_one_line_error(own):
    r = _cli(own.root, "draft", "no-such-doc")
    assert r.returncode == 2
    assert r.stderr.startswith("minekg: error: doc:no-such-doc: no such document") and r.stderr.count("\n") == 1
    assert not (own.graph_data / "drafts" / "no-such-doc.ttl").exists()
