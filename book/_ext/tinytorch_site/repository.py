"""Where this site's source lives: the repository it was built from (on GitHub
Actions, the one that ran the build; elsewhere, the checkout's `origin` remote), for
the pages' link and the theme's button, and the commit, for the manifest."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx


def repository_url(root: Path) -> str | None:
    """The repository's web address, or None when nothing says where it lives."""
    server = os.environ.get("GITHUB_SERVER_URL")
    name = os.environ.get("GITHUB_REPOSITORY")
    if server and name:
        return f"{server}/{name}"
    remote = _git(root, "config", "--get", "remote.origin.url")
    if not remote:
        return None
    ssh = re.fullmatch(r"git@([^:]+):(.+?)(\.git)?", remote)
    if ssh:
        return f"https://{ssh[1]}/{ssh[2]}"
    return remote.removesuffix(".git") if remote.startswith("https://") else None


def commit(root: Path) -> str | None:
    """The commit the site was built from, marked -dirty when files differ from it."""
    return _git(root, "describe", "--always", "--dirty", "--abbrev=12")


def link_the_repository(app: Sphinx, config: Any) -> None:
    """The `{{ repository }}` substitution for the pages, and the theme's button."""
    url = repository_url(Path(app.confdir))
    if url is None:
        text = "the repository this copy was cloned from (it names no remote)"
    else:
        text = f"[{url.removeprefix('https://')}]({url})"
        button = {"repository_url": url, "use_repository_button": True}
        config.html_theme_options = {**config.html_theme_options, **button}
    config.myst_substitutions = {**config.myst_substitutions, "repository": text}


def _git(root: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True,
                              timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() or None if done.returncode == 0 else None
