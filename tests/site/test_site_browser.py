"""Every page in a real browser, offline: diagrams drawn, math typeset, images loaded, nothing fails.

Chromium (Debian's ``chromium``, or Google Chrome) is driven by Playwright through ``executable_path``; Playwright's
own browser download is never used. Every request to a host other than the local server is blocked and counted
as a failure, so a hidden CDN dependency fails the test. Full-page screenshots go to ``artifacts/screenshots/``.
Without a browser these tests skip, unless ``REQUIRE_BROWSER=1`` (set by ``.ci/run`` and the CI workflow).
"""

from __future__ import annotations

import functools
import os
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse

import pytest
from sitebuild import PAGES, ROOT, Site

pytestmark = [pytest.mark.slow, pytest.mark.browser]

SCREENSHOTS = ROOT / "artifacts" / "screenshots"
BROWSERS = ("chromium", "google-chrome", "google-chrome-stable", "chrome")
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


def find_browser() -> str | None:
    """``$BROWSER_PATH`` if set, else the first Chromium-family browser on the PATH."""
    if os.environ.get("BROWSER_PATH"):
        return os.environ["BROWSER_PATH"]
    return next(filter(None, map(shutil.which, BROWSERS)), None)


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server(site: Site) -> Iterator[str]:
    httpd = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(site.html))
    )
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    httpd.server_close()
    thread.join()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    executable = find_browser()
    if executable is None:
        message = f"no Chromium-family browser found (looked for {', '.join(BROWSERS)}; or set BROWSER_PATH)"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(message + ", and REQUIRE_BROWSER=1", pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with (
        sync_playwright() as playwright
    ):  # Playwright gives the browser a fresh temporary profile
        launched = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_FLAGS
        )
        yield launched
        launched.close()


@pytest.mark.parametrize("docname", PAGES)
def test_page_renders_offline_without_errors(
    browser: object, server: str, docname: str
) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems: list[str] = []
    page.on(
        "console",
        lambda msg: msg.type == "error" and problems.append(f"console: {msg.text}"),
    )
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on(
        "requestfailed",
        lambda request: problems.append(f"failed: {request.url} ({request.failure})"),
    )
    page.on(
        "response",
        lambda r: r.status >= 400 and problems.append(f"HTTP {r.status}: {r.url}"),
    )

    def only_local(route: object) -> None:
        if urlparse(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            route.abort()  # reported by "requestfailed"

    page.route("**/*", only_local)
    try:
        page.goto(f"{server}/{docname}.html", wait_until="networkidle")
        diagrams = page.locator(".mermaid")
        if diagrams.count():
            page.wait_for_function(
                "() => [...document.querySelectorAll('.mermaid')].every(d => d.querySelector('svg'))",
                timeout=20_000,
            )
            errors = page.locator(".mermaid svg[aria-roledescription='error']").count()
            assert errors == 0, (
                f"{errors} mermaid diagram(s) failed to parse on {docname}"
            )
            assert "Syntax error" not in diagrams.all_inner_texts()
        if page.locator(".math").count():
            page.wait_for_function(
                "() => document.querySelectorAll('mjx-container').length > 0",
                timeout=20_000,
            )
        broken = page.evaluate(
            "() => [...document.images].filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)"
        )
        assert not broken, f"images that did not load on {docname}: {broken}"
        page.wait_for_load_state("networkidle")
        scrolling = page.evaluate(
            "() => [...document.querySelectorAll('div.highlight pre')]"
            ".filter(p => p.scrollWidth > p.clientWidth + 1)"
            ".map(p => p.textContent.split('\\n').find(l => l.length > 80) || p.textContent.slice(0, 80))"
        )
        assert not scrolling, (
            f"code that scrolls sideways at 1280 px on {docname}: {scrolling}"
        )
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(
            path=str(SCREENSHOTS / f"{docname.replace('/', '__')}.png"), full_page=True
        )
        assert not problems, f"{docname}:\n" + "\n".join(problems)
    finally:
        page.close()
