"""Outputs appear whole or not at all: write beside the target, make it durable, then swap it in.

A kill at any moment leaves the old output or the new one, never a missing or half-written one:
- a file is written to a temporary name beside it, fsynced, renamed over the target, and its folder fsynced;
- a folder (build/, an export) is written whole beside the target under a lock, every file and folder in
  it fsynced, then exchanged with the target in one step (Linux renameat2 RENAME_EXCHANGE). Where the
  system cannot exchange, the old folder is renamed aside first, and the next run puts it back if a kill
  came between the two renames.
Temporary folders a killed run left behind are removed by the next run, under the same lock. Everything
is created with the user's umask (0755/0644 typically), as a plain `mkdir` or `open` would.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import os
import secrets
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from minekg.errors import MinekgError

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
_TMP, _OLD = "tmp", "old"


def write_bytes(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp, fd = _new_file(path.parent, f".{path.name}.part-")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        _fsync(path.parent)
    except OSError as e:
        raise _error(e, path) from None


def write_text(path: Path, text: str) -> None:
    write_bytes(path, text.encode("utf-8"))


@contextmanager
def replace_dir(target: Path) -> Iterator[Path]:
    """Yield an empty temporary folder beside `target`; on success it replaces `target` whole.

    On any error the temporary folder is removed and `target` is left as it was. Two runs writing the same
    target take turns (the second says it waits).
    """
    target = target.resolve()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with _locked(target):
            _recover(target)
            tmp = _new_dir(target.parent, _aside(target, _TMP))
            try:
                yield tmp
                _fsync_tree(tmp)
                old = _swap(tmp, target)
                _fsync(target.parent)
            except BaseException:
                shutil.rmtree(tmp, ignore_errors=True)
                raise
            _remove(old)
    except OSError as e:
        raise _error(e, target) from None


# ------------------------------------------------------------------ the lock and what a kill leaves


@contextmanager
def _locked(target: Path) -> Iterator[None]:
    """Hold an exclusive flock on .<name>.lock beside `target` (released by the kernel if the run dies)."""
    fd = os.open(target.parent / f".{target.name}.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            sys.stderr.write(f"minekg: another build is running (writing {target.name}/); waiting for it\n")
            sys.stderr.flush()
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _aside(target: Path, kind: str) -> str:
    return f".{target.name}.{kind}-"


def _recover(target: Path) -> None:
    """Under the lock, nobody else is writing: put back an old folder a kill left renamed aside (the
    fallback swap's window), then remove every temporary folder a killed run left."""
    olds = sorted(target.parent.glob(_aside(target, _OLD) + "*"), key=lambda p: p.lstat().st_mtime_ns)
    if olds and not os.path.lexists(target):
        os.rename(olds.pop(), target)
        _fsync(target.parent)
    for stale in olds + sorted(target.parent.glob(_aside(target, _TMP) + "*")):
        _remove(stale)


def _remove(path: Path | None) -> None:
    """Remove what is left aside; what cannot be removed now is removed by the next run."""
    if path is None or not os.path.lexists(path):
        return
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(OSError):
            path.unlink()


# ------------------------------------------------------------------ the swap


def _swap(new: Path, target: Path) -> Path | None:
    """Put `new` at `target` in one step; return where the old target now is (to be removed), if any."""
    if not os.path.lexists(target):
        os.rename(new, target)
        return None
    if _exchange(new, target):
        return new
    old = target.parent / (_aside(target, _OLD) + secrets.token_hex(4))
    os.rename(target, old)
    os.rename(new, target)
    return old


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically with renameat2(RENAME_EXCHANGE); False where the system cannot."""
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:  # not Linux, or a C library without it
        return False
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):  # old kernel, or a file system without it
        return False
    raise OSError(err, os.strerror(err), str(b))


# ------------------------------------------------------------------ durability and modes


def _new_dir(parent: Path, prefix: str) -> Path:
    # os.mkdir applies the umask (tempfile.mkdtemp would make it 0700, and the rename keeps that)
    while True:
        path = parent / (prefix + secrets.token_hex(4))
        try:
            os.mkdir(path, 0o777)
            return path
        except FileExistsError:
            continue


def _new_file(parent: Path, prefix: str) -> tuple[Path, int]:
    # os.open applies the umask (tempfile.mkstemp would make it 0600, and the rename keeps that)
    while True:
        path = parent / (prefix + secrets.token_hex(4))
        try:
            return path, os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
        except FileExistsError:
            continue


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_tree(root: Path) -> None:
    """fsync every file, then every folder from the deepest up, so the tree is on disk before it is named."""
    for folder, _, files in os.walk(root, topdown=False):
        for name in files:
            with contextlib.suppress(FileNotFoundError):
                _fsync(Path(folder) / name)
        _fsync(Path(folder))


def _error(e: OSError, path: Path) -> MinekgError:
    where = e.filename or path
    return MinekgError(f"{where}: cannot write: {e.strerror or e}")
