"""Release markings: a profile withholds what is marked above it, and nothing withheld leaks into any format.

The restricted fixtures (tests/fixtures/markings) are built into a copy of the tree: a TLP:RED source with
its own text, footnote, cited work, statements, a place and a person only it names; an AMBER and a GREEN
statement on a CLEAR document; an unmarked statement whose evidence partly rests on the RED source; an
AMBER content statement with an unmarked allegation of it; and an unmarked control statement. The
expectations below are written out by hand, not taken from the filter they test.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

from minekg.rdf.namespaces import MK, S
from minekg.release.export import FORMATS, files_for, write
from minekg.release.markings import filtered_quads, find_profile, profiles, read_nquads, release
from tests.export_support import PROFILES, ROOT, build_marked
from tests.oxigraph_server import OxigraphServer

ID = "https://w3id.org/minekg/id/"
RED_ONLY = [  # everything that only the RED source holds or names
    "document/fixture-red-briefing", "footnote/fixture-red-briefing-1", "work/fixture-red-letter",
    "place/fixture-red-site", "person/fixture-red-informant", "statement/fixture-red-briefing-use",
    "statement/fixture-red-briefing-allegation", "statement/fixture-red-briefing-stockpile",
    "statement/fixture-markings-mixed-evidence",
]
AMBER_ONLY = ["statement/fixture-markings-amber-planning", "statement/fixture-markings-amber-content",
              "statement/fixture-markings-alleges-amber-content"]
GREEN_ONLY = ["statement/fixture-markings-green-benefit"]
# Quotes, names, titles and dates the withheld nodes carry (raw UTF-8 in every format minekg writes).
RED_TEXTS = [
    "The Fixture NGO alleged that the Fixture armed group laid antipersonnel mines",
    "Склад Фікстури містить 4321 міну", "Олена Фікстура", "Fixture red site (test data)",
    "Letter to the fixture desk (test data)", "Fixture: restricted briefing (test data, not a real document)",
    "This file exists only to test that a release profile withholds",
    "commit to rules of engagement that permit use of antipersonnel mines", "Fixture red content",
    "Fixture mixed-evidence statement", "2030-01-15", "fixture_red_briefing.txt",
]
AMBER_TEXTS = ["participate in planning for use of antipersonnel mines", "Fixture amber statement",
               "accept orders to use, request others to use, or train others to use antipersonnel mines",
               "Fixture amber content", "Fixture allegation of amber content"]
GREEN_TEXTS = ["knowingly derive military benefit from use of the weapon by others",
               "Fixture green statement"]
ALWAYS = ["statement/fixture-markings-clear-control", "agent/fixture-ngo", "agent/fixture-group",
          "agent/fixture-other-group"]
ALWAYS_TEXTS = ["provide security, storage, transportation, or transit for antipersonnel mines",
                "Fixture clear control statement"]
AG = "https://w3id.org/minekg/id/agent/"
RED_DERIVED = (URIRef(AG + "fixture-ngo"), MK.allegesAgainst, URIRef(AG + "fixture-group"))
AMBER_DERIVED = (URIRef(AG + "fixture-ngo"), MK.allegesAgainst, URIRef(AG + "fixture-other-group"))


def expected_withheld(profile: str) -> tuple[list[str], list[str]]:
    """(IRI paths under id/, texts) that must be absent at `profile`."""
    iris, texts = [], []
    if profile != "RED":
        iris += RED_ONLY
        texts += RED_TEXTS
    if profile in ("CLEAR", "GREEN"):
        iris += AMBER_ONLY
        texts += AMBER_TEXTS
    if profile == "CLEAR":
        iris += GREEN_ONLY
        texts += GREEN_TEXTS
    return iris, texts


@pytest.fixture(scope="module")
def marked(tmp_path_factory):
    return build_marked(tmp_path_factory)


@pytest.fixture(scope="module")
def quads(marked):
    return read_nquads(marked[1])


@pytest.fixture(scope="module")
def exports(marked, quads, tmp_path_factory) -> dict[str, dict[str, Path]]:
    """profile -> format -> the export folder, written by the exporter for every profile and format."""
    project = marked[0]
    known = profiles(quads)
    out: dict[str, dict[str, Path]] = {}
    base = tmp_path_factory.mktemp("marked-exports")
    for name in PROFILES:
        rel = release(quads, known[name], known, project)
        out[name] = {}
        # Below RED, every format (that is where leaks would be); at RED, the description is enough.
        for fmt in FORMATS.values() if name != "RED" else [FORMATS["nquads"]]:
            folder = base / name / fmt.name
            write(files_for(rel, fmt, project), folder)
            out[name][fmt.name] = folder
    return out


def test_fixtures_are_built_with_their_markings(quads):
    # The fixtures really are in the build and marked as the tests assume (else every leak test is void).
    triples = {(s, p, o) for s, p, o, _g in quads}
    assert (URIRef(ID + "document/fixture-red-briefing"), MK.marking, MK.TLP_RED) in triples
    assert (URIRef(ID + "statement/fixture-markings-amber-planning"), MK.marking, MK.TLP_AMBER) in triples
    assert (URIRef(ID + "statement/fixture-markings-green-benefit"), MK.marking, MK.TLP_GREEN) in triples
    assert RED_DERIVED in triples and AMBER_DERIVED in triples
    text = "".join(str(o) for _s, _p, o, _g in quads if isinstance(o, Literal))
    for needle in RED_TEXTS + AMBER_TEXTS + GREEN_TEXTS + ALWAYS_TEXTS:
        assert needle in text, needle


@pytest.mark.parametrize("profile", PROFILES)
def test_release_withholds_exactly_what_is_marked_above_the_profile(marked, quads, profile):
    known = profiles(quads)
    rel = release(quads, known[profile], known, marked[0])
    nodes = {t for q in rel.quads for t in q[:3]}
    iris, _texts = expected_withheld(profile)
    for path in iris:
        assert URIRef(ID + path) not in nodes, f"{path} leaked at {profile}"
    for path in ALWAYS + [p for p in RED_ONLY + AMBER_ONLY + GREEN_ONLY if p not in iris]:
        assert URIRef(ID + path) in nodes, f"{path} withheld at {profile} but should be released"
    triples = {q[:3] for q in rel.quads}
    assert (RED_DERIVED in triples) == (profile == "RED"), "derived fact from a RED allegation"
    assert (AMBER_DERIVED in triples) == (profile in ("AMBER", "RED")), "derived from an AMBER allegation"
    # The derived mk:reportedIn of the withheld mixed statement goes too; the control's stays.
    reported = {(s, o) for s, p, o in triples if p == MK.reportedIn}
    assert (S["fixture-markings-clear-control"], URIRef(ID + "document/belarus-2022")) in reported


def test_red_releases_the_build_unchanged(marked, quads):
    known = profiles(quads)
    rel = release(quads, known["RED"], known, marked[0])
    assert sorted(map(str, rel.quads)) == sorted(map(str, quads))
    assert rel.withheld == set()


def test_withholding_removes_only_what_it_must(marked, quads):
    # Between RED and AMBER the only difference is the RED material: every other triple stays.
    known = profiles(quads)
    amber = {q for q in release(quads, known["AMBER"], known, marked[0]).quads}
    red_nodes = {URIRef(ID + p) for p in RED_ONLY}
    red_nodes |= {o for s, p, o, _g in quads if s in red_nodes and p == MK.evidence}  # their evidence
    lost = {q for q in quads if q not in amber}
    assert lost
    for s, p, o, g in lost:
        # Blank nodes (quantities, intervals) only hang from withheld statements here.
        touches_red = s in red_nodes or o in red_nodes or not isinstance(s, URIRef) or g.endswith("/derived")
        assert touches_red, f"AMBER lost an unrelated triple: {s} {p} {o}"


@pytest.mark.parametrize("profile", ["CLEAR", "GREEN", "AMBER"])
def test_no_withheld_iri_quote_or_literal_in_any_format(exports, profile):
    iris, texts = expected_withheld(profile)
    slugs = [p.rsplit("/", 1)[-1] for p in iris]
    for fmt, folder in exports[profile].items():
        for path in sorted(folder.rglob("*")):
            if not path.is_file():
                continue
            data = path.read_text(encoding="utf-8")
            for needle in slugs + texts:
                where = f"{fmt}/{path.relative_to(folder)}"
                assert needle not in data, f"{needle!r} leaked into {where} at {profile}"
        for needle in [p.rsplit("/", 1)[-1] for p in ALWAYS[:1]]:
            main = folder / FORMATS[fmt].file
            if fmt == "csv":
                main = folder / "tables" / "national_implementation.csv"
            assert needle in main.read_text(encoding="utf-8"), f"control missing from {fmt} at {profile}"


@pytest.mark.parametrize("profile", ["CLEAR", "GREEN", "AMBER"])
def test_parsed_exports_hold_no_withheld_term(exports, profile):
    """Each RDF export parsed (by Oxigraph's parsers): no withheld IRI, literal or derived fact, and no named
    graph of the RED document."""
    import pyoxigraph as ox

    iris, texts = expected_withheld(profile)
    forbidden = {ID + p for p in iris}
    syntaxes = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES,
                "nquads": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG, "rdfxml": ox.RdfFormat.RDF_XML}
    red_derived = ox.Triple(*(ox.NamedNode(str(t)) for t in RED_DERIVED))
    for fmt, syntax in syntaxes.items():
        path = exports[profile][fmt] / FORMATS[fmt].file
        quads = list(ox.parse(path=str(path), format=syntax, base_iri=path.as_uri()))
        assert quads, fmt
        terms = {t.value for q in quads for t in (q.subject, q.predicate, q.object)
                 if isinstance(t, ox.NamedNode)}
        assert not forbidden & terms, f"{fmt} at {profile}: {sorted(forbidden & terms)}"
        literals = " ".join(q.object.value for q in quads if isinstance(q.object, ox.Literal))
        assert not [x for x in texts if x in literals], fmt
        assert red_derived not in {ox.Triple(q.subject, q.predicate, q.object) for q in quads}, fmt
        graphs = {q.graph_name.value for q in quads if isinstance(q.graph_name, ox.NamedNode)}
        assert not [g for g in graphs if "fixture-red-briefing" in g], fmt


@pytest.mark.parametrize("profile", PROFILES)
def test_description_states_the_profile_and_takes_no_date_from_withheld_sources(exports, profile):
    g = Graph().parse(exports[profile]["nquads"] / "description.ttl", format="turtle")
    dataset = URIRef(f"https://w3id.org/minekg/dataset/{find_version()}/{profile.lower()}")
    assert (dataset, MK.marking, MK[f"TLP_{profile}"]) in g
    rights = " ".join(str(o) for o in g.objects(None, URIRef("http://www.w3.org/2000/01/rdf-schema#label")))
    assert f"TLP:{profile}" in rights
    modified = g.value(dataset, URIRef("http://purl.org/dc/terms/modified"))
    if profile == "RED":
        assert modified == Literal("2030-01-15", datatype=XSD.date)  # the RED fixture's date, the latest
    else:
        assert modified is not None and str(modified) < "2030"


def find_version() -> str:
    from minekg import __version__

    return __version__


def test_profile_names_and_unknown_profile(quads):
    known = profiles(quads)
    assert [p.name for p in known.values()] == ["CLEAR", "GREEN", "AMBER", "RED"]
    assert [p.rank for p in known.values()] == [0, 1, 2, 3]
    assert find_profile("amber", known).name == "AMBER"
    assert find_profile("TLP:GREEN", known).name == "GREEN"
    from minekg.errors import MinekgError

    with pytest.raises(MinekgError, match="unknown profile 'YELLOW'"):
        find_profile("YELLOW", known)


def test_unknown_marking_is_an_error(marked, tmp_path):
    nq = tmp_path / "bad.nq"
    text = marked[1].read_text(encoding="utf-8")
    nq.write_text(text + f"<{ID}statement/fixture-markings-clear-control> <{MK.marking}> <{MK.TLP_PURPLE}> "
                  "<https://w3id.org/minekg/graph/document/fixture-markings> .\n", encoding="utf-8")
    from minekg.errors import MinekgError

    with pytest.raises(MinekgError, match="mk:TLP_PURPLE is not a release marking"):
        filtered_quads(nq, "CLEAR", marked[0])


@pytest.mark.server
def test_push_with_profile_sends_a_partner_no_more_than_its_profile(marked, tmp_path):
    """`minekg push --profile CLEAR` into a real Oxigraph server: none of the withheld IRIs arrive."""
    project, nquads = marked
    server = OxigraphServer(tmp_path / "store")
    server.start()
    try:
        env = {"MINEKG_ROOT": str(project.root), "PATH": "/usr/bin:/bin"}
        done = subprocess.run([str(ROOT / ".venv" / "bin" / "minekg"), "push", "--profile", "CLEAR",
                               "--endpoint", server.query_url, "--nquads", str(nquads)],
                              capture_output=True, text=True, env=env, timeout=300)
        assert done.returncode == 0, done.stderr
        from minekg.query.stores import EndpointStore

        store = EndpointStore(server.query_url, timeout=60)
        iris, _texts = expected_withheld("CLEAR")
        values = " ".join(f"<{ID}{p}>" for p in iris)
        leaked = store.query(f"SELECT DISTINCT ?x WHERE {{ VALUES ?x {{ {values} }} "
                             "{ ?x ?p ?o } UNION { ?s ?p ?x } }").rows
        assert leaked == [], leaked
        control = store.query(f"ASK {{ <{ID}statement/fixture-markings-clear-control> ?p ?o }}")
        assert control.boolean is True
        count = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows[0][0]
        assert int(count) == len({q[:3] for q in filtered_quads(nquads, "CLEAR", project)})
    finally:
        server.stop()
