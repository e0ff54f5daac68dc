"""Before and after a refactor: the same commands on two checkouts of the project, their outputs compared
byte for byte and their times taken alternately (A B A B A B), so that drift in the machine's load hits both.

    python -m bench.compare_commits BEFORE AFTER    # two commits (or branches) of this repository

Each commit is checked out in a temporary git worktree and run with this checkout's virtual environment,
its own package first on the path (so an older layout, `minekg.cli:main`, runs as it was). Outputs: the
build (N-Quads and summary), validation and coverage as JSON, the export in every format, every named
query as CSV with its defaults, the claims network and the map. Issue 19 asked that the package's
reorganisation change none of them and no figure beyond noise; docs/architecture.md has what this gave.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUN = ("import sys\ntry:\n    from minekg.cli.root import main\nexcept ImportError:\n    from minekg.cli import main\n"
       "sys.argv[0] = 'minekg'\nmain()")
EXPORTS = ("turtle", "ntriples", "nquads", "trig", "rdfxml", "jsonld", "csv")


def cli(root: Path, *args: str, out: Path | None = None) -> float:
    """Run `minekg ARGS` from the checkout `root`; the seconds it took (exit 1, findings, is not a failure)."""
    env = dict(os.environ, PYTHONPATH=str(root), MINEKG_ROOT=str(root))
    t = time.perf_counter()
    p = subprocess.run([sys.executable, "-c", RUN, *args], cwd=root, env=env, capture_output=True, check=False)
    took = time.perf_counter() - t
    if p.returncode not in (0, 1):
        sys.exit(f"{root.name}: minekg {' '.join(args)}: exit {p.returncode}: {p.stderr.decode()[-400:]}")
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(p.stdout)
    return took


def outputs(root: Path, dest: Path) -> dict[str, str]:
    """Every output, written under `dest`, as {relative path: SHA-256}."""
    cli(root, "build")
    dest.mkdir(parents=True)
    for name in ("minekg.nq", "summary.json"):
        shutil.copy(root / "build" / name, dest / name)
    cli(root, "validate", "--format", "json", out=dest / "validate.json")
    cli(root, "coverage", "--format", "json", out=dest / "coverage.json")
    for fmt in EXPORTS:
        cli(root, "export", "--format", fmt, "--out", str(dest / "export" / fmt), "--force")
    for path in sorted((root / "queries").glob("[0-9]*.rq")):
        number = path.stem.split("_")[0]
        cli(root, "query", number, "--format", "csv", out=dest / "queries" / f"{number}.csv")
    cli(root, "viz", "--out", str(dest / "viz"))
    cli(root, "map", "--out", str(dest / "map"))
    return {str(f.relative_to(dest)): hashlib.sha256(f.read_bytes()).hexdigest()
            for f in sorted(dest.rglob("*")) if f.is_file()}


def timings(roots: list[Path], scratch: Path, runs: int = 3) -> dict[str, dict[str, float]]:
    steps = {
        "build": ("build",), "validate": ("validate",),
        "export turtle": ("export", "--format", "turtle", "--out", str(scratch / "x"), "--force"),
        "query 004": ("query", "004", "--format", "csv"), "query 201": ("query", "201", "--format", "csv"),
        "viz": ("viz", "--out", str(scratch / "v")),
    }
    taken: dict[str, dict[str, list[float]]] = {r.name: {s: [] for s in steps} for r in roots}
    for _ in range(runs):
        for step, args in steps.items():
            for r in roots:
                taken[r.name][step].append(cli(r, *args))
    return {r: {s: statistics.median(v) for s, v in d.items()} for r, d in taken.items()}


def main(before: str, after: str) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        roots = []
        for commit in (before, after):
            root = scratch / commit.replace("/", "_")
            subprocess.run(["git", "worktree", "add", "--detach", "-q", str(root), commit], cwd=ROOT, check=True)
            roots.append(root)
        try:
            a, b = (outputs(r, scratch / f"out-{r.name}") for r in roots)
            differ = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
            print(f"outputs: {len(a)} files before, {len(b)} after; differing: {json.dumps(differ)}")
            t = timings(roots, scratch)
            print(f"load average {os.getloadavg()[0]:.1f}; median of 3 runs, alternated")
            for step in t[roots[0].name]:
                x, y = t[roots[0].name][step], t[roots[1].name][step]
                print(f"  {step:14} {x:6.2f} s -> {y:6.2f} s  ({y / x:.2f}x)")
        finally:
            for r in roots:
                subprocess.run(["git", "worktree", "remove", "--force", str(r)], cwd=ROOT, check=False)
        return 1 if differ else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
