"""A digit reader meeting a file that is not the one its build published, in a real browser: missing, cut short,
overwritten, from another build, unlisted, with NaN weights, naming a missing tensor, with a damaged header. The
page checks the bytes against manifest.json (book/_assets/common/published-file.mjs, SubtleCrypto's SHA-256)
before it uses them, and says what is wrong on the page itself.

The damaged copies replace the published file (and, where the manifest vouches for them, manifest.json) in the
browser's requests, so the one build every site test shares serves them all.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import safetensors.numpy
from browsing import watch
from sitebuild import MNIST_PAGE, Site

pytestmark = [pytest.mark.slow, pytest.mark.browser]

WEIGHTS = "mnist-mlp.safetensors"
READER = ".tt-digit-reader"
# what the page says, as regular expressions
AGAIN = re.escape("Reload the page; if this persists, rebuild the site (make site).")
REBUILD = re.escape("Rebuild the site (make site).")
WEIGHTS_RE = re.escape(WEIGHTS)


def rewritten(data: bytes, change: Callable[[dict, dict], None]) -> bytes:
    """The classifier file ``data`` written again after ``change(metadata, tensors)``."""
    length = int.from_bytes(data[:8], "little")
    metadata = json.loads(data[8 : 8 + length])["__metadata__"]
    tensors = safetensors.numpy.load(data)
    change(metadata, tensors)
    return safetensors.numpy.save(tensors, metadata=metadata)


def vouching(site: Site, data: bytes) -> dict:
    """This build's manifest, recording ``data`` as the published file: the page's own checks then pass."""
    manifest = copy.deepcopy(site.manifest)
    record = manifest["pages"][MNIST_PAGE]["files"][WEIGHTS]
    record.update(bytes=len(data), sha256=hashlib.sha256(data).hexdigest())
    return manifest


def overwritten(data: bytes) -> bytes:
    damaged = bytearray(data)
    damaged[-4000:-3000] = bytes(1000)  # the same size, other weights
    return bytes(damaged)


def nan_weights(metadata: dict, tensors: dict) -> None:
    tensors["0.weight"][3, 5] = np.nan


def missing_bias(metadata: dict, tensors: dict) -> None:
    metadata["layers"] = metadata["layers"].replace('"0.bias"', '"9.bias"')


def other_build(metadata: dict, tensors: dict) -> None:
    metadata["fingerprint"] = "0" * 64


def unlisted(site: Site) -> dict:
    manifest = copy.deepcopy(site.manifest)
    del manifest["pages"][MNIST_PAGE]["files"][WEIGHTS]
    return manifest


def recorded_from_other_sources(site: Site) -> dict:
    manifest = copy.deepcopy(site.manifest)
    manifest["pages"][MNIST_PAGE]["files"][WEIGHTS]["fingerprint"] = "0" * 64
    return manifest


def bad_header(data: bytes) -> bytes:
    return data[:8] + b"#" + data[9:]  # the header's opening brace


# name: (the file served, the manifest served: bytes, a dict or an HTTP status, None for the real one), what the
# page says after "The network was not loaded."
CASES: dict[str, tuple[Callable[[Site], Any], Callable[[Site, Any], Any], str]] = {
    "overwritten, same size": (
        lambda site: overwritten(site.published[WEIGHTS]), lambda site, data: None,
        rf"{WEIGHTS_RE} is damaged or not this build's: its SHA-256 is not the one manifest\.json records\. {AGAIN}",
    ),
    "cut short": (
        lambda site: site.published[WEIGHTS][:-1000], lambda site, data: None,
        rf"{WEIGHTS_RE} is damaged or not this build's: it has [\d,]+ bytes where manifest\.json records [\d,]+\. {AGAIN}",
    ),
    "missing": (lambda site: 404, lambda site, data: None, rf"The file {WEIGHTS_RE} is missing from this site \(HTTP 404\)\. {AGAIN}"),
    "manifest missing": (
        lambda site: None, lambda site, data: 404,
        rf"The site's manifest\.json, which vouches for its files, is missing from this site \(HTTP 404\)\. {AGAIN}",
    ),
    "not listed in the manifest": (
        lambda site: None, lambda site, data: unlisted(site), rf"{WEIGHTS_RE} is not this build's: manifest\.json lists no such file\. {AGAIN}",
    ),
    "recorded from other sources": (
        lambda site: None, lambda site, data: recorded_from_other_sources(site),
        rf"{WEIGHTS_RE} is not this build's: manifest\.json records it from sources 000000000000, the site was built from [0-9a-f]{{12}}\. {AGAIN}",
    ),
    "trained by another build": (
        lambda site: rewritten(site.published[WEIGHTS], other_build), vouching,
        rf"{WEIGHTS_RE} is not this build's: it was trained from sources 000000000000, the site was built from [0-9a-f]{{12}}\. {REBUILD}",
    ),
    "NaN weights": (
        lambda site: rewritten(site.published[WEIGHTS], nan_weights), vouching,
        rf"{WEIGHTS_RE} cannot be used: tensor 0\.weight holds NaN or infinite values\. {REBUILD}",
    ),
    "a listed tensor missing": (
        lambda site: rewritten(site.published[WEIGHTS], missing_bias), vouching,
        rf"{WEIGHTS_RE} cannot be used: layer 0 names the tensor 9\.bias, which the file does not hold\. {REBUILD}",
    ),
    "cut short, and vouched for": (
        lambda site: site.published[WEIGHTS][:-1000], vouching,
        rf"{WEIGHTS_RE} cannot be used: tensor \S+ ends beyond the file's [\d]+ bytes: the file is cut short\. {REBUILD}",
    ),
    "a damaged header, vouched for": (
        lambda site: bad_header(site.published[WEIGHTS]), vouching, rf"{WEIGHTS_RE} cannot be used: its header is damaged \(not JSON\)\. {REBUILD}",
    ),
}


def served(page: Any, pattern: str, body: Any, content_type: str) -> None:
    """Answer the page's requests for ``pattern`` with ``body``: bytes, a dict (as JSON) or an HTTP status."""
    if body is None:
        return
    if isinstance(body, int):
        page.route(pattern, lambda route: route.fulfill(status=body, body="not found"))
    else:
        data = json.dumps(body).encode() if isinstance(body, dict) else body
        page.route(pattern, lambda route: route.fulfill(status=200, body=data, content_type=content_type))


@pytest.mark.parametrize("case", CASES)
def test_the_reader_says_on_the_page_what_is_wrong_with_its_file(site: Site, browser: Any, server: str, case: str) -> None:
    weights, manifest, message = CASES[case]
    data = weights(site)
    context = browser.new_context()
    try:
        page = context.new_page()
        problems = watch(page)
        served(page, f"**/published/{WEIGHTS}", data, "application/octet-stream")
        served(page, "**/manifest.json", manifest(site, data), "application/json")
        page.goto(f"{server}/{MNIST_PAGE}.html", wait_until="networkidle")
        page.wait_for_selector(f"{READER}:is([data-state=ready], [data-state=error])", timeout=20_000)
        state = page.locator(READER).get_attribute("data-state")
        verdict = page.locator(".tt-dr-verdict")
        shown = verdict.inner_text() if verdict.is_visible() else ""
        pad = page.locator(".tt-dr-pad").is_visible()
    finally:
        context.close()
    assert state == "error", f"the reader is {state}: {shown}"
    assert re.fullmatch(rf"The network was not loaded\. {message}", shown), shown
    assert not pad, "the pad is offered with a file that failed its checks"
    assert [p for p in problems if not p.startswith(("console:", "HTTP 404"))] == []
