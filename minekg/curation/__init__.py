"""Curation: the steps between a new document and its statements in the graph.

This package owns taking a source document in (`intake`: `minekg add-source` copies it into
graph_data/sources/, turns a web page or PDF into text once, and describes it in sources.ttl), the
curator's check of one document (`check`: `minekg check SLUG` builds into a temporary folder and reports
the validation results and coverage that concern that document), the curation diagnostics the build and
the check share (`diagnose`: why a quote was not found, an entity described in two files, labels that
nearly repeat an existing one), and drafting statements from a document's text.
"""
