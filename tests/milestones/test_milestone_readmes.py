"""The milestone READMEs show each script's settings, the course's expectations and
the project's goals from the scripts themselves: generated, and never stale."""

from __future__ import annotations

import importlib.util

from conftest import ROOT


def test_every_readme_table_is_generated_from_its_scripts() -> None:
    spec = importlib.util.spec_from_file_location("milestone_readmes",
                                                  ROOT / "scripts" / "milestone_readmes.py")
    readmes = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(readmes)
    assert len(readmes.readmes()) >= 3
    for readme in readmes.readmes():
        assert readmes.updated(readme) == readme.read_text(encoding="utf-8"), (
            f"{readme} is stale: run python scripts/milestone_readmes.py")
