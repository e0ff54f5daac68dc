"""Releasing the graph to others: release markings, export formats, the dataset description and push.

This package owns what leaves the project: which statements a release profile withholds (markings), the
deterministic RDF, JSON-LD and CSV exports (export and its export_* writers), the DCAT/VoID description
every export carries (description) and loading the dataset into a triple store (push). Every channel that
hands data out filters it through markings first.
"""
