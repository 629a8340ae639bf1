"""The built site, shared by the site and browser tests: one build per test session, one local server and one
browser per test module.

The build reuses the execution cache in ``_build/``, so it is quick when nothing changed since the last one.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from browsing import launched, serving
from sitebuild import ROOT, Site, build


@pytest.fixture(scope="session")
def site() -> Site:
    return build(ROOT)


@pytest.fixture(scope="module")
def server(site: Site) -> Iterator[str]:
    with serving(site.html) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with launched() as chromium:
        yield chromium
