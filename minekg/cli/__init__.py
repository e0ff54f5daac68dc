"""The command line: one module per command group, registered on the root group in cli/root.py.

This package owns what a user types and sees: the options, the output text, and the one-line
`minekg: error: ...` an error becomes. Every command is thin over the library (build, query, release,
viz, server, curation); none holds logic a Python caller would need. The package imports the library,
never the other way round, so importing any library module never loads click's commands.
"""
