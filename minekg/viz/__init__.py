"""Pictures of the graph: the claims network and the world map of treaty status.

This package owns building the who-alleges-what network from the named queries (network), drawing it as
GraphML, GEXF, JSON, SVG, PNG and a self-contained index.html (drawing), and the world map of treaty
status on a date (map). Their templates, palettes and vendored libraries are package data under
minekg/assets/viz/.
"""
