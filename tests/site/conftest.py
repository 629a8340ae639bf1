"""The built site, shared by the site and browser tests: one build per test session.

The build reuses the execution cache in ``_build/``, so it is quick when nothing changed since the last one.
"""

from __future__ import annotations

import pytest
from sitebuild import ROOT, Site, build


@pytest.fixture(scope="session")
def site() -> Site:
    return build(ROOT)
