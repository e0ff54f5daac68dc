"""The one way minekg's tests and benchmarks start a browser: Debian's Chromium (never a downloaded one),
headless, with background networking off so it makes no request of its own on this closed network."""

from __future__ import annotations

import os

CHROMIUM = os.environ.get("MINEKG_CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
