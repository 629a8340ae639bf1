"""A real browser for the site tests, offline: Chromium (Debian's ``chromium``, or Google Chrome) driven by
Playwright through ``executable_path``; Playwright's own browser download is never used.

Every request to a host other than the local server is blocked and counted as a problem, so a hidden CDN
dependency fails a test. Without a browser the tests skip, unless ``REQUIRE_BROWSER=1`` (set by ``.ci/run`` and
the CI workflow).
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from sitebuild import ROOT

# the search `tito system info` and `tito system doctor` show
from tito.environment import BROWSERS, find_browser

SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serving(folder: Path) -> Iterator[str]:
    """The URL of a local HTTP server of ``folder``, while the block runs."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(folder)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


@contextmanager
def launched() -> Iterator[Any]:
    """A headless Chromium, or a skip (a failure with ``REQUIRE_BROWSER=1``) when there is none."""
    executable = find_browser()
    if executable is None:
        message = f"no Chromium-family browser found (looked for {', '.join(BROWSERS)}; or set BROWSER_PATH)"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(message + ", and REQUIRE_BROWSER=1", pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:  # Playwright gives the browser a fresh temporary profile
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        try:
            yield browser
        finally:
            browser.close()


def watch(page: Any) -> list[str]:
    """Block every non-local request on ``page``; the returned list fills with its console errors, page errors,
    failed requests and HTTP errors."""
    problems: list[str] = []
    page.on("console", lambda msg: msg.type == "error" and problems.append(f"console: {msg.text}"))
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("requestfailed", lambda request: problems.append(f"failed: {request.url} ({request.failure})"))
    page.on("response", lambda r: r.status >= 400 and problems.append(f"HTTP {r.status}: {r.url}"))

    def only_local(route: Any) -> None:
        if urlparse(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            route.abort()  # reported by "requestfailed"

    page.route("**/*", only_local)
    return problems
