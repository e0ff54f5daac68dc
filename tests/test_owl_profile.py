"""The ontology is in OWL 2 DL: the OWL API's OWL2DLProfile (Debian's libowlapi-java, run on the system JDK
by tests/owl/OwlProfileCheck.java) finds no violation in ontology/*.ttl read together, as the build publishes
it: without ontology/external_terms.ttl, the term check's allow-list, which is no part of the ontology graph."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDFS

from minekg.build.checks import TERMS_FILE

from .conftest import missing_tool, require_tool

pytestmark = pytest.mark.reasoner

ROOT = Path(__file__).resolve().parent.parent
CHECKER = Path(__file__).resolve().parent / "owl" / "OwlProfileCheck.java"
JARS = Path("/usr/share/java")
# The OWL API and what it loads to parse Turtle and check a profile (libowlapi-java's dependencies).
CLASSPATH = ("owlapi-distribution", "guava", "caffeine", "commons-rdf-api", "slf4j-api", "slf4j-nop", "hppcrt",
             "xz", "atinject-jsr330-api", "jsr305", "commons-io", "commons-codec", "jackson-core",
             "jackson-databind", "jackson-annotations", "rdf4j-model", "rdf4j-model-api", "rdf4j-rio-api",
             "rdf4j-util")


def ontology() -> Graph:
    g = Graph()
    for path in sorted((ROOT / "ontology").glob("*.ttl")):
        if path.name != TERMS_FILE:
            g.parse(path, format="turtle")
    return g


def profile_check(g: Graph, tmp_path: Path) -> subprocess.CompletedProcess:
    java = require_tool("java", "install a JDK (apt-get install default-jdk-headless), as .ci/run does")
    missing = [name for name in CLASSPATH if not (JARS / f"{name}.jar").is_file()]
    if missing:
        missing_tool(f"the OWL API's jars {missing} are not in {JARS}: apt-get install libowlapi-java, as .ci/run does")
    merged = tmp_path / "ontology.ttl"
    g.serialize(merged, format="turtle")
    classpath = ":".join(str(JARS / f"{name}.jar") for name in CLASSPATH)
    return subprocess.run([java, "-cp", classpath, str(CHECKER), str(merged)], capture_output=True, text=True,
                          timeout=300)


def test_the_ontology_is_owl2_dl(tmp_path):
    result = profile_check(ontology(), tmp_path)
    assert result.stdout.strip().splitlines()[-1:] == ["0 violations"], result.stdout + result.stderr
    assert result.returncode == 0


def test_the_check_reports_an_undeclared_external_class(tmp_path):
    # The checker itself must see what the audit saw: a superclass from another vocabulary, undeclared.
    g = ontology()
    g.add((URIRef("https://w3id.org/minekg/ontology#Person"), RDFS.subClassOf,
           URIRef("http://example.org/vocabulary#Undeclared")))
    result = profile_check(g, tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "UseOfUndeclaredClass" in result.stdout and "http://example.org/vocabulary#Undeclared" in result.stdout
