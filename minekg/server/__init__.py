"""minekg serve: a read-only SPARQL 1.1 endpoint, dereferenceable linked-data pages and the analyst's
workbench, on one Starlette application run by uvicorn (see docs/serve.md)."""
