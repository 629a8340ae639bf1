"""``tito book build`` (the README's build command: jupyter-book with warnings as
errors; the TINYTORCH_BOOK_* settings pass through) and ``tito book serve`` (the
built site on http://127.0.0.1, with python's http.server)."""

from __future__ import annotations

import argparse
import functools
import os
import subprocess
import sys
from pathlib import Path

from . import REPOSITORY
from .output import TitoError, console

JUPYTER_BOOK = Path(sys.executable).parent / "jupyter-book"
SETTINGS_PREFIX = "TINYTORCH_BOOK_"


def build_command(
    output_root: Path | None = None, source: Path = REPOSITORY
) -> list[str]:
    """The command that builds the book into ``output_root/_build`` (default: the
    source's own), failing on any warning; `make site` and the site tests run it."""
    args = [str(JUPYTER_BOOK), "build", str(source), "-W", "-n", "--keep-going"]
    if output_root is None or Path(output_root) == source:
        return args
    return [*args, "--path-output", str(output_root)]


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``build`` and ``serve`` to the book group."""
    about = (
        "build the book into _build/html, running every chapter's training (as "
        "`make site` does; TINYTORCH_BOOK_EPOCHS=1 makes a quick build)"
    )
    build = commands.add_parser("build", help=about, description=about)
    build.set_defaults(handler=build_book, parser=build)
    about = "serve the built site on http://127.0.0.1 (Ctrl-C stops it)"
    serve = commands.add_parser("serve", help=about, description=about)
    serve.add_argument(
        "--port",
        type=_port,
        default=8000,
        help="the port (default 8000; 0 picks a free one)",
    )
    serve.set_defaults(handler=serve_book, parser=serve)
    for command in (build, serve):
        command.add_argument(
            "--path-output",
            type=Path,
            metavar="DIR",
            help="the book's _build folder is DIR/_build (default: the repository's)",
        )


def build_book(args: argparse.Namespace) -> int:
    """Build the book; its exit code is jupyter-book's."""
    _require_sources()
    if not JUPYTER_BOOK.is_file():
        raise TitoError(
            f"jupyter-book is not installed for {sys.executable}: run "
            f"`make setup` in {REPOSITORY}."
        )
    out = console()
    settings = [
        f"{k}={v}"
        for k, v in sorted(os.environ.items())
        if k.startswith(SETTINGS_PREFIX)
    ]
    command = build_command(args.path_output)
    shown = " ".join(["jupyter-book", *command[1:]])
    out.print(f"$ {' '.join([*settings, shown])}", style="dim")
    sys.stdout.flush()
    with subprocess.Popen(command, cwd=REPOSITORY) as process:
        try:
            code = process.wait()
        except KeyboardInterrupt:
            code = process.wait()
    if code == 0:
        out.print(
            f"The site is in {_html(args.path_output)}: tito book serve shows it."
        )
    return code


def serve_book(args: argparse.Namespace) -> int:
    """Serve the built site until Ctrl-C."""
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    if args.path_output is None:
        _require_sources()
    html = _html(args.path_output)
    if not (html / "index.html").is_file():
        raise TitoError(
            f"no built site in {html}: build it first with `tito book "
            "build` (or `make site`)."
        )
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(html))
    try:
        server = ThreadingHTTPServer(("127.0.0.1", args.port), handler)
    except OSError as err:
        raise TitoError(
            f"cannot serve on 127.0.0.1:{args.port} ({err.strerror or err})"
            ": choose another port with --port."
        ) from None
    with server:
        print(
            f"Serving {html} at http://127.0.0.1:{server.server_port}/ "
            "(Ctrl-C stops it)",
            flush=True,
        )
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            print("stopped.")
    return 0


def _require_sources() -> None:
    if not (REPOSITORY / "_config.yml").is_file():
        raise TitoError(
            f"the book's sources are not in {REPOSITORY}: `tito book` works in a "
            "clone of the TinyTorch repository, installed with `make setup`."
        )


def _html(output_root: Path | None) -> Path:
    return (REPOSITORY if output_root is None else output_root) / "_build" / "html"


def _port(text: str) -> int:
    port = int(text) if text.isdigit() else -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"a port is from 0 to 65535, got {text}")
    return port
