"""The command line's own promises (--help at every level, a group without its
command, ``python -m tito``, small documented files), and `tito book build` and
`tito book serve`."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import signal
import subprocess
import urllib.request

import pytest
from titocli import ROOT, TITO, assert_clean, tito

import tito as tito_package
from tito.main import main, parser


def commands(node=None, path=()):
    """Every group and command of the parser, as argv prefixes."""
    node = node or parser()
    yield path
    for action in node._actions:
        if hasattr(action, "choices") and isinstance(action.choices, dict):
            for name, sub in action.choices.items():
                yield from commands(sub, (*path, name))


def test_every_group_and_command_has_help(capsys):
    paths = list(commands())
    assert ("milestones", "run") in paths and ("book", "serve") in paths and len(paths) == 13
    for path in paths:
        with pytest.raises(SystemExit) as exit:
            main([*path, "--help"])
        assert exit.value.code == 0
        out = capsys.readouterr().out
        assert out.startswith(f"usage: {' '.join(('tito', *path))} ")


def test_a_group_without_its_command_shows_its_help(tmp_path):
    done = tito("milestones", cache=tmp_path)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith("usage: tito milestones ")
    for command in ("list", "info", "run", "timeline", "status"):
        assert f"    {command} " in done.stderr
    assert_clean(done)


def test_python_dash_m_tito_is_tito(tmp_path):
    done = subprocess.run([str(TITO.parent / "python"), "-m", "tito", "--help"], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.startswith("usage: tito ")


def test_every_module_and_public_name_is_documented_and_files_stay_small():
    folder = ROOT / "tito"
    sizes = {p.name: len(p.read_text().splitlines()) for p in folder.glob("*.py")}
    assert {name: size for name, size in sizes.items() if size > 400} == {}
    names = [info.name for info in pkgutil.iter_modules([str(folder)], "tito.") if info.name != "tito.__main__"]
    undocumented = []
    for module in [tito_package, *map(importlib.import_module, names)]:
        public = [obj for name, obj in vars(module).items() if not name.startswith("_")
                  and (inspect.isfunction(obj) or inspect.isclass(obj)) and obj.__module__ == module.__name__]
        undocumented += [f"{module.__name__}.{obj.__name__}" for obj in public if not inspect.getdoc(obj)]
        undocumented += [module.__name__] if not (module.__doc__ or "").strip() else []
    assert len(names) >= 9 and undocumented == []


def test_serve_without_a_built_site_says_how_to_build_it(tmp_path):
    done = tito("book", "serve", "--path-output", str(tmp_path), cache=tmp_path)
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr == (f"tito: no built site in {tmp_path / '_build' / 'html'}: build it first with "
                           "`tito book build` (or `make site`).\n")


def test_serve_serves_the_built_site_on_localhost_until_ctrl_c(tmp_path):
    html = tmp_path / "_build" / "html"
    html.mkdir(parents=True)
    (html / "index.html").write_text("<p>the journey</p>")
    command = [str(TITO), "book", "serve", "--port", "0", "--path-output", str(tmp_path)]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as server:
        try:
            first = server.stdout.readline()
            url = first.split(" at ", 1)[1].split()[0]
            assert url.startswith("http://127.0.0.1:")
            with urllib.request.urlopen(url, timeout=30) as page:
                assert page.read() == b"<p>the journey</p>"
        finally:
            server.send_signal(signal.SIGINT)
            out, err = server.communicate(timeout=30)
    assert server.returncode == 0
    assert out == "stopped.\n" and "Traceback" not in err


@pytest.mark.slow
def test_build_passes_the_book_settings_and_jupyter_books_exit_code(tmp_path):
    done = tito("book", "build", "--path-output", str(tmp_path), cache=tmp_path, env={"TINYTORCH_BOOK_EPOCHS": "0"})
    assert done.returncode != 0
    assert done.stdout.startswith(f"$ TINYTORCH_BOOK_EPOCHS=0 jupyter-book build {ROOT} -W -n --keep-going --path-output {tmp_path}")
    assert "TINYTORCH_BOOK_EPOCHS='0' is not valid" in done.stdout + done.stderr
    assert "The site is in" not in done.stdout
