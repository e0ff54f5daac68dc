"""A query worker: a process holding its own Oxigraph store, answering one query at a time.

pyoxigraph cannot be interrupted from Python while a query runs, so each query runs in a worker
process that the pool kills at the time limit (and replaces). The worker does the whole job, parsing,
evaluation, counting rows against the result-size limit and serialising, so the server's event loop
only moves bytes.

A worker first leaves the network (a fresh user and network namespace on Linux): the query guard refuses
SERVICE before a query gets here, and should a query get past it, the engine still has nowhere to connect.
"""

from __future__ import annotations

import os
import resource
import signal
import sys
from dataclasses import dataclass
from pathlib import Path

from minekg.errors import MinekgError, OutOfMemory, QueryFailure
from minekg.query import guard
from minekg.query.stores import OxigraphStore
from minekg.server import formats, native


@dataclass(frozen=True)
class Request:
    text: str
    accept: str | None
    fmt: str | None
    max_rows: int
    guard: bool = False  # someone's own query text: the worker parses it for the query guard first


@dataclass(frozen=True)
class Reply:
    status: int
    content_type: str
    body: bytes

    @classmethod
    def error(cls, status: int, message: str) -> Reply:
        return cls(status, "text/plain; charset=utf-8", (message.rstrip() + "\n").encode("utf-8"))


def answer(store: OxigraphStore, req: Request, max_bytes: int = 0) -> Reply:
    try:
        if req.guard:
            # Parsing takes up to seconds on a long query: here, under the time limit and outside the
            # server's process, rather than in the server where every request would wait for it.
            guard.inspect(req.text)
        res = store.run(req.text)
        media = formats.negotiate(formats.candidates_for(store.form(res)), req.accept, req.fmt)
        if media.name in native.NATIVE:  # SELECT/ASK: pyoxigraph writes them, no rdflib term is made
            body = native.serialize(res, media, req.max_rows, max_bytes)
        else:
            body = formats.serialize(store.convert(res, req.max_rows), media)
        return Reply(200, f"{media.media_type}; charset=utf-8", body)
    except MemoryError:
        return failed(OutOfMemory("the query needs more memory than a query worker may use; narrow it"))
    except MinekgError as e:
        return failed(e)


def failed(e: MinekgError) -> Reply:
    """The reply for a failure: its own HTTP status if it is a typed QueryFailure, else 400 (the query or
    its parameters are at fault)."""
    return Reply.error(e.status if isinstance(e, QueryFailure) else 400, str(e))


def capped(reply: Reply, max_bytes: int) -> Reply:
    """The reply, or a one-line refusal if its body is larger than `max_bytes` (0: no limit): checked here,
    in the worker, so an oversized answer never crosses to the server's process."""
    if max_bytes <= 0 or len(reply.body) <= max_bytes:
        return reply
    return failed(native.too_large(max_bytes))


CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000


def cut_network() -> str | None:
    """Move this process into a new, empty network namespace (Linux: unshare, with a user namespace so no
    privilege is needed), where no outgoing connection can be opened, not even to 127.0.0.1. The pipe
    to the server already exists and keeps working. None when done, else why not (the caller logs it).
    Must run while the process has a single thread (before the store loads: Oxigraph starts threads)."""
    if not sys.platform.startswith("linux"):
        return f"not on Linux ({sys.platform})"
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0:
            return f"unshare refused: {os.strerror(ctypes.get_errno())}"
    except (OSError, AttributeError) as e:
        return f"unshare unavailable: {e}"
    return None


def main(conn, nquads: str, memory_limit: int, max_answer_bytes: int = 0, *, isolate: bool = True) -> None:
    """Worker process entry point: cut the network, load, say ready, then answer requests until the
    pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C goes to the server, which stops the workers
    if isolate:
        why = cut_network()
        if why is not None:
            # The query guard still refuses SERVICE; this is the second wall, missing here.
            print(f"minekg serve: note: query worker {os.getpid()} keeps network access ({why})",
                  file=sys.stderr, flush=True)
    if memory_limit > 0:
        # A runaway query (a huge cartesian product held in memory) fails in this process alone.
        resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    store = OxigraphStore(Path(nquads))
    conn.send_bytes(b"ready")
    while True:
        try:
            req = conn.recv()
        except (EOFError, OSError):
            return
        if req is None:
            return
        conn.send(capped(answer(store, req, max_answer_bytes), max_answer_bytes))
