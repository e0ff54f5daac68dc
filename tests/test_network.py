"""The claims network (minekg/network.py) over the real built graph, checked against rdflib's own reading
of the data and against what the source documents say."""

from __future__ import annotations

import datetime

import networkx as nx
import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import RDF, SKOS

from minekg.errors import MinekgError
from minekg.rdf.namespaces import MK, shorten
from minekg.viz import network
from minekg.viz.claims import STATUS_ORDER, date_bounds

ROLLUP = network.Filters(rollup=True)


@pytest.fixture(scope="module")
def rolled(claims):
    return network.build(network.select(claims, ROLLUP), ROLLUP)


@pytest.fixture(scope="module")
def dataset(built):
    ds = Dataset(default_union=True)
    ds.parse(str(built), format="nquads")
    return ds


def edges_of(net, claim: str) -> list[tuple[str, str, dict]]:
    return [(u, v, d) for u, v, d in net.graph.edges(data=True) if d["claim"] == claim]


def test_acts_are_the_vocabulary(project):
    vocab = Graph().parse(project.ontology / "vocabularies.ttl")
    scheme = {
        str(vocab.value(c, SKOS.prefLabel)): c for c in vocab.subjects(SKOS.inScheme, MK.ActKinds)
    }
    assert scheme == network.ACTS


def test_each_assessment_value_is_in_one_status_collection(project):
    # The statuses the network gives a judged claim are the vocabulary's groupings, one per value.
    vocab = Graph().parse(project.ontology / "vocabularies.ttl")
    values = set(vocab.subjects(SKOS.inScheme, MK.Assessments))
    groups = [g for g in vocab.subjects(RDF.type, SKOS.Collection) if set(vocab.objects(g, SKOS.member)) & values]
    members = [m for g in groups for m in vocab.objects(g, SKOS.member)]
    assert sorted(members) == sorted(values)  # each value in exactly one collection
    assert {str(vocab.value(g, SKOS.prefLabel)) for g in groups} <= set(STATUS_ORDER)


def test_an_assessments_status_is_its_collections_label(claims, project):
    vocab = Graph().parse(project.ontology / "vocabularies.ttl")
    label = {str(m): str(vocab.value(g, SKOS.prefLabel))
             for g in vocab.subjects(RDF.type, SKOS.Collection) for m in vocab.objects(g, SKOS.member)}
    assessed = [c for c in claims if c.kind == "assessment" and c.assessment]
    assert assessed and all(c.status == label[c.assessment] for c in assessed)


def test_every_allegation_is_an_edge_from_claimant_to_each_accused(net, dataset):
    expected = set()
    for a in dataset.subjects(RDF.type, MK.Allegation):
        for by in dataset.objects(a, MK.assertedBy):
            for accused in dataset.objects(a, MK.accused):
                expected.add((shorten(str(a)), shorten(str(by)), shorten(str(accused))))
    drawn = {(d["claim"], u, v) for u, v, d in net.graph.edges(data=True) if d["kind"] == "allegation"}
    assert expected and drawn == expected


def test_every_speech_act_is_drawn_or_kept_with_its_author(net, dataset):
    kinds = (MK.Allegation, MK.Denial, MK.Acknowledgement, MK.Assessment, MK.NonResponse)
    acts = {shorten(str(s)) for k in kinds for s in dataset.subjects(RDF.type, k)}
    drawn = {d["claim"] for _, _, d in net.graph.edges(data=True)}
    kept = {c.id for items in net.unpaired.values() for c, _ in items}
    assert drawn | kept == acts
    assert not drawn & kept


def test_a_denial_runs_from_the_denier_to_the_claimant(net):
    [(u, v, d)] = edges_of(net, "s:armenia-2023-arm-denies-use-2022-09")
    assert (u, v) == ("st:ARM", "st:AZE")
    assert d["target_role"] == "claimant" and d["status"] == "denied"
    assert d["answers"] == "s:armenia-2023-aze-alleges-use-2022-09"
    assert d["asserted"] == "2022-09-13"
    assert "Armenia denied these claims" in d["quote"]


def test_no_counterpart_is_invented(net):
    # Kazakhstan denied minefields exist: no recorded claimant, no actor in the content.
    assert not edges_of(net, "s:kazakhstan-2019-denies-minefields")
    reasons = {c.id: why for c, why in net.unpaired["st:KAZ"]}
    assert "no recorded claimant" in reasons["s:kazakhstan-2019-denies-minefields"]
    # Russia denied using mines in Georgia: the content is about Russia itself; not a self-loop.
    assert not edges_of(net, "s:russia-2012-denial-use-georgia-2008")
    assert any(c.id == "s:russia-2012-denial-use-georgia-2008" for c, _ in net.unpaired["st:RUS"])
    assert nx.number_of_selfloops(net.graph) == 0


def test_an_assessment_goes_to_the_claimant_it_judges_or_the_subject(net):
    [(u, v, d)] = edges_of(net, "s:armenia-2023-monitor-pmn-e-unconfirmed")
    assert (u, v, d["target_role"], d["status"]) == ("ag:monitor", "ag:aze-mod", "claimant", "unconfirmed")
    [(u, v, d)] = edges_of(net, "s:russia-2012-hrw-no-evidence-georgia-2008")
    assert (u, v, d["target_role"], d["assessment"]) == ("ag:hrw", "st:RUS", "subject", "no evidence found")


def test_allegation_status_comes_from_the_responses(net):
    status = {d["claim"]: (d["status"], d["statuses"]) for _, _, d in net.graph.edges(data=True)}
    assert status["s:armenia-2023-aze-alleges-use-2020"][0] == "denied"
    assert status["s:armenia-2023-aze-alleges-use-2007-2008"][0] == "unconfirmed"
    assert status["s:news-2025-zakharova-alleges-ukr-use"][0] == "no response"
    assert status["s:news-2025-ukr-alleges-rus-use"][0] == "unanswered"
    # judged unconfirmed by the Monitor, then listed: both are kept, the stronger first
    assert status["s:armenia-2023-aze-mod-alleges-pmn-e-production"] == ("corroborated", "corroborated; unconfirmed")


def test_mutual_accusations(net, rolled):
    g = net.graph
    assert g.nodes["st:ARM"]["mutual_with"] == "st:AZE" and g.nodes["st:AZE"]["mutual_with"] == "st:ARM"
    assert {n for n, d in g.nodes(data=True) if d["mutual_pairs"]} == {"st:ARM", "st:AZE"}
    mutual = {d["claim"] for _, _, d in g.edges(data=True) if d["mutual"]}
    assert "s:armenia-2023-arm-alleges-aze-use-early-1990s" in mutual
    assert "s:armenia-2023-aze-mfa-alleges-use-khojavend" not in mutual  # the ministry, not the state
    # Rolled up, Maria Zakharova speaks for Russia, which Ukraine accuses: a mutual pair appears.
    r = rolled.graph
    assert r.nodes["st:RUS"]["mutual_with"] == "st:UKR"
    assert {d["claim"] for _, _, d in r.edges(data=True) if d["mutual"]} >= {
        "s:news-2025-zakharova-alleges-ukr-use",
        "s:news-2025-ukr-alleges-rus-use",
        "s:armenia-2023-aze-mfa-alleges-use-khojavend",
    }


def test_rollup_draws_bodies_and_officials_as_their_state(rolled, dataset):
    g = rolled.graph
    assert ("st:RUS", "st:UKR") in {(u, v) for u, v, d in g.edges(data=True) if d["kind"] == "allegation"}
    for body in dataset.subjects(MK.bodyOf, None):
        assert shorten(str(body)) not in g
    assert "person:maria-zakharova" not in g and "ag:aze-mfa" not in g
    assert "ag:monitor" in g  # an organisation of no state stays itself
    # Akopian acknowledged Armenia's own use: rolled up, that is Armenia about itself, not an edge.
    assert not edges_of(rolled, "s:armenia-2023-akopian-acknowledges-use-1992-1994")
    assert any(c.id == "s:armenia-2023-akopian-acknowledges-use-1992-1994" for c, _ in rolled.unpaired["st:ARM"])


def test_node_metrics(net):
    g = net.graph
    arm = g.nodes["st:ARM"]
    assert arm["allegations_received"] == sum(
        1 for _, v, d in g.in_edges("st:ARM", data=True) if d["kind"] == "allegation"
    )
    assert arm["allegations_made"] == 1 and arm["denials_made"] == 3
    neighbours = set(g.predecessors("st:ARM")) | set(g.successors("st:ARM"))
    assert arm["degree_centrality"] == round(len(neighbours) / (len(g) - 1), 6)
    assert g.nodes["st:KAZ"]["unpaired"] == 2 and g.degree("st:KAZ") == 0
    assert g.nodes["person:maria-zakharova"]["kind"] == "person"
    assert g.nodes["ag:aze-mfa"]["kind"] == "government body" and g.nodes["ag:aze-mfa"]["state"] == "st:AZE"


def test_filter_by_act(claims):
    kept = network.select(claims, network.Filters(acts=("production",)))
    assert kept and {c.act for c in kept} == {"production"}
    both = network.select(claims, network.Filters(acts=("production", "transfer")))
    assert {c.act for c in both} == {"production", "transfer"}


def test_filter_by_date_keeps_what_is_certainly_inside(claims):
    since = {c.id for c in network.select(claims, network.Filters(since="2022"))}
    assert "s:armenia-2023-aze-alleges-use-2022-09" in since
    assert "s:armenia-2023-arm-denies-use-2020" not in since  # June 2021
    assert "s:armenia-2023-aze-alleges-use-2020" not in since  # undated: could be earlier
    until = {c.id for c in network.select(claims, network.Filters(until="2021-06"))}
    assert "s:armenia-2023-arm-denies-use-2020" in until  # "2021-06" lies inside
    assert "s:armenia-2023-aze-alleges-use-2022-09" not in until
    # undated, but reported by a profile of 11 October 2012: certainly made by then
    assert "s:russia-2012-denial-use-georgia-2008" in until
    # undated, reported in 2023: might be later than June 2021
    assert "s:armenia-2023-aze-alleges-use-2020" not in until
    day = {c.id for c in network.select(claims, network.Filters(since="2022-09-13", until="2022-09-13"))}
    assert day == {"s:armenia-2023-arm-denies-use-2022-09"}  # "2022-09" may be any day of the month


def test_filter_by_actor(claims):
    aze = network.select(claims, network.Filters(actor="AZE"))
    authors = {c.author.iri for c in aze}
    assert {shorten(a) for a in authors} >= {"st:AZE", "ag:aze-mfa", "ag:aze-mod", "st:ARM", "ag:monitor"}
    mod = {c.id for c in network.select(claims, network.Filters(actor="ag:aze-mod"))}
    assert mod == {
        "s:armenia-2023-aze-mod-alleges-find-2022-09",
        "s:armenia-2023-aze-mod-alleges-find-lachin-2022-08",  # the Lachin find, an allegation since issue 16
        "s:armenia-2023-aze-mod-alleges-pmn-e-production",
        "s:armenia-2023-monitor-pmn-e-unconfirmed",
    }
    full = network.select(claims, network.Filters(actor=str(URIRef("https://w3id.org/minekg/id/agent/aze-mod"))))
    assert {c.id for c in full} == mod
    assert network.select(claims, network.Filters(actor="fra")) == []  # a real state with no claims


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        (network.Filters(acts=("bombing",)), "act 'bombing': unknown (one of use, production"),
        (network.Filters(actor="XYZ"), "actor 'XYZ': not an ISO 3166 alpha-3 code"),
        (network.Filters(actor="ag:nobody"), "actor 'ag:nobody': no such actor in the claims network"),
        (network.Filters(since="2021-13"), "since '2021-13': not a date"),
        (network.Filters(until="yesterday"), "until 'yesterday': not a date"),
        (network.Filters(since="2023", until="2021"), "since 2023 is after until 2021"),
    ],
)
def test_bad_filters_fail_in_one_line(claims, filters, message):
    with pytest.raises(MinekgError) as e:
        network.select(claims, filters)
    assert str(e.value).startswith(message) and "\n" not in str(e.value) and e.value.code == 2


def test_date_bounds():
    d = datetime.date
    assert date_bounds("2021") == (d(2021, 1, 1), d(2021, 12, 31))
    assert date_bounds("2024-02") == (d(2024, 2, 1), d(2024, 2, 29))
    assert date_bounds("2023-02") == (d(2023, 2, 1), d(2023, 2, 28))
    assert date_bounds("2022-09-13") == (d(2022, 9, 13), d(2022, 9, 13))
    assert date_bounds("2022-02-30") is None
    assert date_bounds("13 Sept") is None


def test_the_memory_backend_gives_the_same_network(net, memory_graph):
    other = network.load(memory_graph)
    assert sorted(other.graph.edges(keys=True)) == sorted(net.graph.edges(keys=True))
    assert dict(other.graph.nodes(data=True)) == dict(net.graph.nodes(data=True))


def test_a_claim_asserted_jointly_is_drawn_from_each_author(claims):
    import dataclasses

    base = next(c for c in claims if c.id == "s:armenia-2023-aze-alleges-use-2020")
    monitor = next(c.author for c in claims if c.author.iri.endswith("/monitor"))
    rus = next(c.author for c in claims if c.author.iri.endswith("/state/RUS"))
    joint = [base, dataclasses.replace(base, author=monitor)]
    joint[1].targets = base.targets + [(rus, "accused")]
    net = network.build(joint, network.Filters())
    keys = sorted(k for _, _, k in net.graph.edges(keys=True))
    assert keys == sorted([
        "s:armenia-2023-aze-alleges-use-2020:st:AZE>st:ARM",
        "s:armenia-2023-aze-alleges-use-2020:ag:monitor>st:ARM",
        "s:armenia-2023-aze-alleges-use-2020:ag:monitor>st:RUS",
    ])
