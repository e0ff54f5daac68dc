"""A real Oxigraph server (the `oxigraph` PyPI package's CLI) on 127.0.0.1 and a free port, for tests and
the benchmark: started on a temporary location with the union default graph, stopped afterwards."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.marks import expect_mark


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def oxigraph_binary() -> str:
    beside = Path(sys.executable).parent / "oxigraph"
    found = str(beside) if beside.is_file() else shutil.which("oxigraph")
    if not found:
        raise RuntimeError("the oxigraph server is not installed: pip install -e '.[test]' (package `oxigraph`)")
    return found


class OxigraphServer:
    """`oxigraph serve --union-default-graph`, so queries see every named graph, as the embedded stores do."""

    def __init__(self, location: Path | None = None, startup_s: float = 30.0, timeout_s: int | None = None) -> None:
        self._own_location = location is None
        self.location = Path(tempfile.mkdtemp(prefix="minekg-oxigraph-")) if location is None else location
        self.startup_s = startup_s
        self.timeout_s = timeout_s  # the server's own limit per query (the benchmark's cap)
        self.port = 0
        self.process: subprocess.Popen | None = None
        self._log = tempfile.TemporaryFile()  # the server's stderr: a file, so it can never fill a pipe

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def query_url(self) -> str:
        return self.base + "/query"

    @property
    def update_url(self) -> str:
        return self.base + "/update"

    @property
    def store_url(self) -> str:
        return self.base + "/store"

    def start(self) -> OxigraphServer:
        expect_mark("server", "starts `oxigraph serve`")
        # A port found free can be taken before the server binds it: try a few.
        for _ in range(5):
            self.port = free_port()
            self.process = subprocess.Popen(
                [oxigraph_binary(), "serve", "--location", str(self.location), "--bind",
                 f"127.0.0.1:{self.port}", "--union-default-graph"]
                + ([] if self.timeout_s is None else ["--timeout-s", str(self.timeout_s)]),
                stdout=subprocess.DEVNULL, stderr=self._log)
            if self._wait_ready():
                return self
            self.stop(keep_location=True)
        self._log.seek(0)
        said = self._log.read().decode("utf-8", "replace").strip().splitlines()[-1:] or ["(no output)"]
        raise RuntimeError(f"oxigraph server did not start on 127.0.0.1 within {self.startup_s:g} s: {said[0]}")

    def _wait_ready(self) -> bool:
        deadline = time.monotonic() + self.startup_s
        probe = self.query_url + "?query=ASK%7B%7D"
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                return False
            try:
                with urllib.request.urlopen(probe, timeout=2) as r:
                    if r.status == 200:
                        return True
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.05)
        return False

    def stop(self, keep_location: bool = False) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None
        if self._own_location and not keep_location:
            shutil.rmtree(self.location, ignore_errors=True)

    def __enter__(self) -> OxigraphServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
