"""A real `minekg serve` process on 127.0.0.1 and a free port, for the serve tests (and the load test).

Started as the user starts it (the CLI in a child process), stopped as the user stops it (SIGINT, i.e.
Ctrl-C), and its exit status and leftover worker processes are checked by the caller.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.marks import expect_mark
from tests.seed import seed_root

ROOT = Path(__file__).resolve().parent.parent
MINEKG = str(Path(sys.executable).with_name("minekg"))  # the console script, as a user runs it
PORT_IN_USE = "minekg: error: cannot listen on 127.0.0.1:"  # what `minekg serve` says when its port is taken
PORT_TRIES = 5


class PortTaken(RuntimeError):
    """The free port was taken by another process before the server bound it."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServeServer:
    def __init__(self, data: Path | None = None, *extra: str, root: Path | None = None) -> None:
        # The tree it serves (MINEKG_ROOT): the frozen seed tree by default, or a test's marked copy.
        self.root = root if root is not None else seed_root()
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.args = [MINEKG, "serve", "--host", "127.0.0.1", "--port", str(self.port)]
        if data is not None:
            self.args += ["--data", str(data)]
        self.args += list(extra)
        self.proc: subprocess.Popen | None = None
        self.output = ""

    def start(self, wait: float = 120.0) -> ServeServer:
        expect_mark("server", "starts `minekg serve`")
        # A port found free can be taken before the server binds it (tests run in parallel): try a few.
        for _ in range(PORT_TRIES - 1):
            try:
                return self._start(wait)
            except PortTaken:
                self._new_port()
        return self._start(wait)

    def _new_port(self) -> None:
        old = self.args.index(str(self.port))
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.args[old] = str(self.port)

    def _start(self, wait: float) -> ServeServer:
        env = dict(os.environ, MINEKG_ROOT=str(self.root), PYTHONUNBUFFERED="1")
        # Output goes to a file, never a pipe nobody reads (a full pipe would block the server).
        self._log = tempfile.TemporaryFile(mode="w+", encoding="utf-8")
        self.proc = subprocess.Popen(
            self.args, cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT, text=True
        )
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                said = self.read_output()
                if PORT_IN_USE in said:
                    raise PortTaken(said)
                raise RuntimeError(f"minekg serve exited with {self.proc.returncode}: {said}")
            try:
                with urllib.request.urlopen(self.base + "/health", timeout=2) as r:
                    if r.status == 200:
                        return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"minekg serve did not answer within {wait:g} s")

    def url(self, path: str) -> str:
        return self.base + path

    def children(self) -> list[int]:
        """Process ids of the server's children (its query workers)."""
        assert self.proc is not None
        found = []
        for task in Path(f"/proc/{self.proc.pid}/task").glob("*"):
            try:
                found += [int(x) for x in (task / "children").read_text().split()]
            except OSError:
                pass
        return found

    def stop(self, wait: float = 30.0) -> int:
        """Ctrl-C, as a person would stop it; the exit status (the process is killed if it hangs)."""
        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(wait)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.output = self.read_output()
        return self.proc.returncode

    def read_output(self) -> str:
        self._log.seek(0)
        return self._log.read()


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"
