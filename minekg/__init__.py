"""minekg: a knowledge graph of the global ban on antipersonnel landmines."""

__version__ = "0.1.0"
