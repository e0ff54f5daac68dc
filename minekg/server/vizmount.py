"""The who-alleges-what view at /viz/: the claims network drawn by minekg.viz (the library behind
`minekg viz`), generated at server start into a temporary folder and served from there. Should the
library be missing or fail, the server shows a panel saying why instead."""

from __future__ import annotations

from pathlib import Path

from minekg.errors import MinekgError
from minekg.project import Project


def prepare(
    project: Project, nquads: Path | None, endpoint: str | None, out: Path, timeout: float = 30.0
) -> tuple[Path | None, str]:
    """Generate the view into `out`: (folder, "") when it worked, (None, the reason) when not."""
    try:
        from minekg.query.graph import Graph
        from minekg.viz import drawing as viz
        from minekg.viz import network
    except ImportError as e:
        return None, f"This checkout has no visualisation library (minekg.viz): {e}"
    try:
        with Graph.open(endpoint=endpoint, path=nquads, project=project, timeout=timeout) as g:
            net = network.load(g, network.Filters())
        written = viz.write(net, out, project)
    except MinekgError as e:
        return None, f"The visualisation could not be generated: {e}"
    except Exception as e:  # noqa: BLE001 - another module's failure must not stop the server
        return None, f"The visualisation could not be generated ({type(e).__name__}: {e})"
    return written.folder, ""
