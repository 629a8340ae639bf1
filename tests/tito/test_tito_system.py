"""`tito system info` and `tito system doctor`: what they report is what this machine
has, and every missing piece comes with the command that fixes it."""

from __future__ import annotations

import json
import os
import shutil
import sys
from importlib.metadata import version

from titocli import ROOT, assert_clean, tito

from tinytorch.datasets.mnist import DATA_DIR
from tito.environment import (
    all_checks,
    blas_libraries,
    browser_check,
    bundled_files,
    cache_check,
    data_checks,
    find_browser,
    node_checks,
    package_check,
    setup_check,
)

NO_THREAD_CHOICE = {k: "" for k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")}


def test_info_shows_versions_blas_and_data_files(tmp_path):
    done = tito("system", "info", cache=tmp_path, env=NO_THREAD_CHOICE)
    assert done.returncode == 0 and done.stderr == ""
    assert_clean(done)
    lines = done.stdout.splitlines()
    for package in ("numpy", "threadpoolctl", "tinytorch", "rich", "pillow", "jupyter-book"):
        assert any(f"│ {package} " in line and f"│ {version(package)} " in line for line in lines)
    assert f"{sys.version_info.major}.{sys.version_info.minor}." in done.stdout
    for lib in blas_libraries():
        assert lib["internal_api"] in done.stdout and lib["version"] in done.stdout
    assert "tinytorch lets it use 1 thread: its default (one)" in done.stdout
    for relative in bundled_files():
        row = next(line for line in lines if f"data {relative} " in line)
        assert "│ ok " in row and "SHA-256 matches" in row
    assert "cache folder" in done.stdout and str(tmp_path) in done.stdout


def test_info_shows_an_explicit_thread_choice(tmp_path):
    env = NO_THREAD_CHOICE | {"OPENBLAS_NUM_THREADS": "2"}
    done = tito("system", "info", cache=tmp_path, env=env)
    assert "tinytorch lets it use 2 threads: chosen by OPENBLAS_NUM_THREADS=2" in done.stdout


def test_doctor_names_the_missing_browser_and_its_fix(tmp_path):
    done = tito("system", "doctor", cache=tmp_path, env={"BROWSER_PATH": str(tmp_path / "nothing")})
    assert done.returncode == 1
    assert_clean(done)
    assert f"browser for the tests: BROWSER_PATH={tmp_path / 'nothing'} is not an executable file" in done.stdout
    assert "  fix: unset BROWSER_PATH, or set it to a Chromium-family browser" in done.stdout


def test_doctor_exit_code_says_whether_anything_is_missing(tmp_path, monkeypatch):
    browser = shutil.which("python3") or sys.executable  # any executable will do here
    monkeypatch.setenv("BROWSER_PATH", browser)
    monkeypatch.setenv("TINYTORCH_CACHE", str(tmp_path))
    missing = [check for check in all_checks() if not check.ok]
    done = tito("system", "doctor", cache=tmp_path, env={"BROWSER_PATH": browser})
    assert_clean(done)
    assert done.returncode == (1 if missing else 0)
    if missing:
        for check in missing:
            assert f"{check.name}: {check.detail}" in done.stdout and check.fix in done.stdout
    else:
        assert done.stdout.startswith("Nothing is missing: ")


def test_every_bundled_file_has_a_checksum():
    checks = data_checks()
    unchecked = [check.name for check in checks if "no checksum known" in check.detail]
    assert unchecked == []
    assert len(checks) == len(bundled_files()) >= 5 and all(check.ok for check in checks)


def test_damaged_and_missing_data_files_name_the_fix(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data, ignore=shutil.ignore_patterns("*.gz"))
    (data / "tinydigits.npz").write_bytes(b"not the file")
    (data / "stray.bin").write_bytes(b"?")
    checks = {check.name: check for check in data_checks(data)}
    tiny = checks["data tinydigits.npz"]
    assert not tiny.ok and "its content is not the bundled file (12 bytes)" in tiny.detail
    assert tiny.fix == "git checkout -- tinytorch/datasets/data/tinydigits.npz"
    gone = checks["data mnist/train-images-idx3-ubyte.gz"]
    assert not gone.ok and gone.detail == "file not found."
    assert gone.fix == "git checkout -- tinytorch/datasets/data/mnist/train-images-idx3-ubyte.gz"
    assert checks["data stray.bin"].ok and checks["data stray.bin"].detail == "not checked: no checksum known"


def test_packages_that_differ_from_the_pins_are_named(tmp_path):
    pins = tmp_path / "requirements.txt"
    pins.write_text(f"# pinned\nnumpy==0.0.1\nrich=={version('rich')}\n")
    check = package_check(pins)
    assert not check.ok
    assert check.detail == f"differ from requirements.txt: numpy {version('numpy')} (pinned 0.0.1)"
    assert check.fix.endswith(f"-m pip install -r {pins}")
    assert package_check(ROOT / "requirements.txt").ok  # `make setup` installed them


def test_site_assets_are_checked_against_package_json(tmp_path):
    (tmp_path / "package.json").write_text(json.dumps({"dependencies": {"mermaid": "11.12.1", "mathjax": "3.2.2"}}))
    (tmp_path / "node_modules" / "mermaid").mkdir(parents=True)
    (tmp_path / "node_modules" / "mermaid" / "package.json").write_text('{"version": "10.0.0"}')
    checks = {check.name: check for check in node_checks(tmp_path)}
    assert checks["site asset mermaid"].detail == "10.0.0 in node_modules, package.json pins 11.12.1"
    assert checks["site asset mathjax"].detail == "not in node_modules, package.json pins 3.2.2"
    assert all(checks[f"site asset {n}"].fix == "npm ci (or make setup)" for n in ("mermaid", "mathjax"))


def test_a_cache_folder_that_cannot_be_written_is_reported(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("TINYTORCH_CACHE", str(blocker / "cache"))
    check = cache_check()
    assert not check.ok and "TINYTORCH_CACHE" in check.fix
    monkeypatch.setenv("TINYTORCH_CACHE", str(tmp_path / "new" / "cache"))
    assert cache_check().ok  # a folder that does not exist yet, under one that can be written


def test_the_browser_is_browser_path_else_the_first_on_the_path(tmp_path, monkeypatch):
    for name in ("google-chrome", "chrome"):  # later in the order than chromium
        fake = tmp_path / name
        fake.write_text("#!/bin/sh\n")
        fake.chmod(0o755)
    monkeypatch.delenv("BROWSER_PATH", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert find_browser() == str(tmp_path / "google-chrome")
    monkeypatch.setenv("BROWSER_PATH", "/opt/my-chromium")
    assert find_browser() == "/opt/my-chromium"
    monkeypatch.delenv("BROWSER_PATH")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert find_browser() is None
    assert not browser_check().ok and browser_check().fix == "apt-get install chromium"


def test_make_setup_is_needed_until_it_has_run_since_the_pins_changed(tmp_path):
    (tmp_path / "Makefile").write_text("")
    (tmp_path / "requirements.txt").write_text("")
    [check] = setup_check(tmp_path)
    assert not check.ok and check.fix == "make setup" and check.detail == f"has not run in {tmp_path}"
    stamp = tmp_path / ".venv" / ".tinytorch-setup"
    stamp.parent.mkdir()
    stamp.write_text("")
    later = stamp.stat().st_mtime + 10
    os.utime(tmp_path / "requirements.txt", (later, later))
    [check] = setup_check(tmp_path)
    assert not check.ok and check.detail == "requirements.txt changed since it last ran"
    os.utime(stamp, (later + 10, later + 10))
    assert setup_check(tmp_path)[0].ok
    assert setup_check(tmp_path / "not-a-clone") == []
