"""The build under faults: killed at the swap, run twice at once, killed runs' leftovers, file modes.

Faults are real: the build runs as the installed console script under strace, which delivers SIGKILL (or
SIGSTOP) to it when it makes the chosen system call; nothing in minekg knows it is being tested.
"""

from __future__ import annotations

import fcntl
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from minekg import atomic
from minekg.build.assemble import build
from minekg.project import Project

from .conftest import require_tool

# Each test builds the seed two or three times, some under strace.
pytestmark = pytest.mark.slow

MINEKG = str(Path(sys.executable).parent / "minekg")
RENAMES = "/^rename"  # rename, renameat, renameat2: whichever the architecture has
UNLINKS = "/^(unlink|unlinkat|rmdir)$"
LABEL = 'rdfs:label "Aleh Shloma"@en'


def env(tree: Path) -> dict[str, str]:
    # No .pyc writes: Python renames them into place, which would count as the build's renames.
    return {**os.environ, "MINEKG_ROOT": str(tree), "PYTHONDONTWRITEBYTECODE": "1"}


def under_strace(tree: Path, syscalls: str, action: str) -> list[str]:
    strace = require_tool("strace", "apt-get install strace, as .ci/run does")
    return [strace, "-qq", "-o", os.devnull, "-e", f"trace={syscalls}", "-e", f"inject={syscalls}:{action}",
            MINEKG, "build"]


def run(tree: Path, argv: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(argv, env=env(tree), capture_output=True, text=True, timeout=300)


def snapshot(tree: Path) -> tuple[bytes, bytes]:
    return ((tree / "build" / "minekg.nq").read_bytes(), (tree / "build" / "summary.json").read_bytes())


def leftovers(tree: Path) -> list[str]:
    return sorted(p.name for p in tree.iterdir() if p.name.startswith(".build.") and p.name != ".build.lock")


def old_and_new(tree: Path) -> tuple[tuple[bytes, bytes], tuple[bytes, bytes]]:
    """Build, note build/, change the data, build elsewhere to know what the new build/ holds."""
    assert run(tree, [MINEKG, "build"]).returncode == 0
    old = snapshot(tree)
    path = tree / "graph_data/statements/belarus-2022.ttl"
    path.write_text(path.read_text(encoding="utf-8").replace(LABEL, 'rdfs:label "Aleh Shloma (B)"@en'),
                    encoding="utf-8")
    build(Project(tree), out=tree.parent / "expected")
    new = ((tree.parent / "expected/minekg.nq").read_bytes(), (tree.parent / "expected/summary.json").read_bytes())
    assert old != new
    return old, new


@pytest.mark.parametrize("nth", [1, 2])
def test_a_kill_at_a_rename_leaves_the_old_or_the_new_build_whole(fixture_tree, nth):
    """The old swap renamed build/ aside, then the new one in: a kill between them left no build/."""
    old, new = old_and_new(fixture_tree)
    killed = run(fixture_tree, under_strace(fixture_tree, RENAMES, f"signal=KILL:when={nth}"))
    assert killed.returncode != 0 or nth > 1, "the build makes at least one rename"
    assert (fixture_tree / "build").is_dir(), "a kill at the swap must not leave the build missing"
    assert snapshot(fixture_tree) in (old, new)
    again = run(fixture_tree, [MINEKG, "build"])
    assert again.returncode == 0 and "Traceback" not in again.stderr, again.stderr
    assert snapshot(fixture_tree) == new
    assert leftovers(fixture_tree) == []


def test_a_kill_while_the_old_build_is_removed_leaves_the_new_one_and_the_next_build_cleans_up(fixture_tree):
    old, new = old_and_new(fixture_tree)
    killed = run(fixture_tree, under_strace(fixture_tree, UNLINKS, "signal=KILL:when=1"))
    assert killed.returncode != 0
    assert snapshot(fixture_tree) == new
    assert leftovers(fixture_tree), "the kill left the old build aside"
    assert run(fixture_tree, [MINEKG, "build"]).returncode == 0
    assert leftovers(fixture_tree) == [], "a killed build's temporary folders are removed by the next one"
    assert snapshot(fixture_tree) == new


def lock_held(tree: Path) -> bool:
    fd = os.open(tree / ".build.lock", os.O_RDWR | os.O_CREAT, 0o666)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # also releases the lock if this test got it
    return False


def test_a_second_build_waits_for_one_stopped_at_its_swap(fixture_tree):
    _, new = old_and_new(fixture_tree)
    first = subprocess.Popen(under_strace(fixture_tree, RENAMES, "signal=STOP:when=1"), env=env(fixture_tree),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 240  # a bound for a broken build, not a timing assertion
        while not lock_held(fixture_tree):  # it holds the lock until it has swapped, and strace stops it there
            assert first.poll() is None and time.monotonic() < deadline, "the first build never took the lock"
            time.sleep(0.05)
        second = subprocess.Popen([MINEKG, "build"], env=env(fixture_tree), stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
        # A blocking read: the second build says it waits before it would write anything.
        assert second.stderr.readline() == "minekg: another build is running (writing build/); waiting for it\n"
        tracee = int(Path(f"/proc/{first.pid}/task/{first.pid}/children").read_text().split()[0])
        while first.poll() is None:  # SIGCONT until strace has stopped it and lets it go on
            assert time.monotonic() < deadline, "the stopped build never went on"
            os.kill(tracee, signal.SIGCONT)
            try:
                first.wait(timeout=1)
            except subprocess.TimeoutExpired:
                continue
        _, err = second.communicate(timeout=300)
        assert first.returncode == 0 and second.returncode == 0, (first.stderr.read(), err)
        assert "Traceback" not in err
    finally:
        if first.poll() is None:
            first.kill()
    assert snapshot(fixture_tree) == new
    assert leftovers(fixture_tree) == []


def test_two_builds_at_once_both_succeed(fixture_tree):
    _, new = old_and_new(fixture_tree)
    procs = [subprocess.Popen([MINEKG, "build"], env=env(fixture_tree), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [(p.wait(timeout=300), p.stderr.read()) for p in procs]
    for code, err in results:
        assert code == 0 and "Traceback" not in err, err
        assert err in ("", "minekg: another build is running (writing build/); waiting for it\n")
    assert snapshot(fixture_tree) == new
    assert leftovers(fixture_tree) == []


@pytest.mark.parametrize(("umask", "folder", "file"), [(0o022, 0o755, 0o644), (0o027, 0o750, 0o640)])
def test_outputs_take_the_users_umask(fixture_tree, tmp_path, umask, folder, file):
    """build/ and export folders were made 0700 (tempfile.mkdtemp), files written whole 0600 (mkstemp)."""
    previous = os.umask(umask)
    try:
        build(Project(fixture_tree), out=tmp_path / "build")
        atomic.write_text(tmp_path / "some" / "file.txt", "text\n")
        with atomic.replace_dir(tmp_path / "export") as out:
            (out / "a.txt").write_text("a\n", encoding="utf-8")
    finally:
        os.umask(previous)
    for path in (tmp_path / "build", tmp_path / "export", tmp_path / "some"):
        assert stat.S_IMODE(path.stat().st_mode) == folder, path
    for path in (tmp_path / "build/minekg.nq", tmp_path / "export/a.txt", tmp_path / "some/file.txt"):
        assert stat.S_IMODE(path.stat().st_mode) == file, path


def test_a_failed_build_leaves_build_and_no_temporary_folder(fixture_tree):
    old, _ = old_and_new(fixture_tree)
    path = fixture_tree / "graph_data/statements/belarus-2022.ttl"
    path.write_text(path.read_text(encoding="utf-8") + "\ns:x mk:date \"2003-13-45\"^^xsd:date .\n", encoding="utf-8")
    failed = run(fixture_tree, [MINEKG, "build"])
    assert failed.returncode == 2
    assert snapshot(fixture_tree) == old and leftovers(fixture_tree) == []

