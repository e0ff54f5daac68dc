"""Querying the built graph: the named-query catalogue, its typed parameters, the backends and the answers.

This package owns reading queries/ (catalogue), deciding what an ad-hoc query may do (guard), the three
backends behind one interface (stores: embedded Oxigraph, rdflib memory with its plan fixes, a SPARQL
endpoint), the Python entry point Graph (graph), and writing results as tables, CSV/TSV and SPARQL JSON
(results, csv_safe).
"""
