"""The one way minekg's tests and benchmarks start a browser: Debian's Chromium (never a downloaded one),
headless, with background networking off so it makes no request of its own on this closed network."""

from __future__ import annotations

import os

CHROMIUM = os.environ.get("MINEKG_CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def launch(playwright):
    """Debian's Chromium, headless, through a running `sync_playwright()`; in a test, one marked `browser`,
    skipped (failed under CI=true) when the browser is not installed."""
    from tests.conftest import require_tool
    from tests.marks import expect_mark

    expect_mark("browser", "starts Chromium")
    require_tool(CHROMIUM, "install Debian's chromium (apt-get install chromium), as .ci/run does, "
                 "or set MINEKG_CHROMIUM")
    return playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)


def sync_api():
    """Playwright's sync API, or a skip (a failure under CI=true) when the test extra is not installed."""
    from tests.conftest import require_module

    return require_module("playwright.sync_api", "pip install -e '.[test]'")
