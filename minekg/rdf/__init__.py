"""RDF plumbing every other package shares: the IRI scheme, reading curated files, moving terms.

This package owns the one IRI scheme and its prefixes (namespaces), reading UTF-8 text and Turtle with
errors that name the file and line (loading), and the bridge between rdflib and pyoxigraph with the one
canonical N-Quads reader and writer (oxi). It imports nothing else from minekg but errors and project.
"""
