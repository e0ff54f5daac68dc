"""The build: curated Turtle in, one checked dataset out, and the checks around it.

This package owns turning the project folder (ontology/, graph_data/, rules/) into build/minekg.nq:
assembling the sources, states from ISO 3166 and inferred statements (assemble), finding evidence quotes
in their documents (evidence), sentence coverage (coverage), SHACL validation on pySHACL or compiled to
SPARQL on Oxigraph (validation, shacl_sparql) and the OWL DL consistency check (reasoning).
"""
