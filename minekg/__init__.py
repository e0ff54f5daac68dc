"""minekg: a knowledge graph of the global ban on antipersonnel landmines."""

__version__ = "0.1.0"

from minekg.query.graph import Graph  # noqa: E402

__all__ = ["Graph", "__version__"]
