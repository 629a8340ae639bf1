"""load_cifar10 against archives made here in the official format: served by a local
HTTP server on 127.0.0.1 (the real one is never contacted), damaged in transit,
unreachable, tampered with. Every failure is a DatasetError and leaves no file."""

from __future__ import annotations

import hashlib
import http.server
import pickle
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from datafiles import PER_BATCH, make_archive

from tinytorch.datasets import DatasetError, cifar, load_cifar10


@pytest.fixture
def archive(monkeypatch: pytest.MonkeyPatch) -> tuple[bytes, np.ndarray]:
    """The test archive, with its MD5 standing in for the published one."""
    data, images = make_archive()
    monkeypatch.setattr(cifar, "CIFAR10_MD5", hashlib.md5(data).hexdigest())
    return data, images


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict]:
    """An HTTP server on 127.0.0.1 that serves `served["body"]`; CIFAR10_URL points
    at it, so nothing leaves this machine."""
    served = {"body": b"", "requests": 0}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            served["requests"] += 1
            self.send_response(200)
            self.send_header("Content-Length", str(len(served["body"])))
            self.end_headers()
            self.wfile.write(served["body"])

        def log_message(self, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setattr(cifar, "CIFAR10_URL", f"http://127.0.0.1:{httpd.server_port}/cifar-10-python.tar.gz")
    yield served
    httpd.shutdown()
    httpd.server_close()
    thread.join()


def test_download_verifies_then_loads_the_archive(tmp_path: Path, archive, server) -> None:
    data, images = archive
    server["body"] = data
    x_train, y_train, x_test, y_test = load_cifar10(tmp_path / "cifar", download=True)
    assert server["requests"] == 1
    assert sorted(p.name for p in (tmp_path / "cifar").iterdir()) == ["cifar-10-python.tar.gz"]
    assert (tmp_path / "cifar" / "cifar-10-python.tar.gz").read_bytes() == data
    assert x_train.shape == (5 * PER_BATCH, 3, 32, 32) and x_test.shape == (PER_BATCH, 3, 32, 32)
    assert x_train.dtype == np.float32 and y_train.dtype == np.int64
    np.testing.assert_array_equal(x_train, images[:5].reshape(-1, 3, 32, 32) / np.float32(255))
    np.testing.assert_array_equal(x_test * 255, images[5])  # channels first: R, G, B planes
    assert y_train[:PER_BATCH].tolist() == [0, 1, 2, 3] and y_test.tolist() == [5, 6, 7, 8]
    # present now: loaded again without asking the server
    load_cifar10(tmp_path / "cifar", download=True)
    assert server["requests"] == 1


def test_numpy2_pickles_load_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data, images = make_archive(numpy1_names=False)
    monkeypatch.setattr(cifar, "CIFAR10_MD5", hashlib.md5(data).hexdigest())
    (tmp_path / "cifar-10-python.tar.gz").write_bytes(data)
    np.testing.assert_array_equal(load_cifar10(tmp_path)[2] * 255, images[5])


def test_a_corrupted_download_is_refused_and_nothing_is_kept(tmp_path: Path, archive, server) -> None:
    data, _ = archive
    damaged = bytearray(data)
    damaged[len(damaged) // 2] ^= 0xFF
    server["body"] = bytes(damaged)
    with pytest.raises(DatasetError, match=r"its MD5 is [0-9a-f]{32}, not the published [0-9a-f]{32}.*nothing was saved"):
        load_cifar10(tmp_path, download=True)
    assert list(tmp_path.iterdir()) == []  # no archive and no temp file


def test_a_dead_server_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as probe:  # a port that nothing listens on once it is closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/cifar-10-python.tar.gz"
    monkeypatch.setattr(cifar, "CIFAR10_URL", url)
    with pytest.raises(DatasetError, match=rf"Could not download {url} \(.*refused.*\)\. Without internet access"):
        load_cifar10(tmp_path, download=True)
    assert list(tmp_path.iterdir()) == []


def test_without_download_a_missing_archive_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match=r"CIFAR-10 is not here: .*cifar-10-python.tar.gz does not exist.*download=True.*--download"):
        load_cifar10(tmp_path)


def test_an_archive_with_another_md5_is_refused(tmp_path: Path, archive) -> None:
    data, _ = archive
    (tmp_path / "cifar-10-python.tar.gz").write_bytes(data[:-1] + b"!")
    with pytest.raises(DatasetError, match=r"not the official CIFAR-10 archive \(MD5 expected"):
        load_cifar10(tmp_path)


class Exploit:
    """A pickle that would run a command when loaded by an unrestricted Unpickler."""

    def __reduce__(self):
        import os

        return (os.system, ("echo pwned",))


def test_the_unpickler_refuses_anything_but_arrays(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data, _ = make_archive(extra=pickle.dumps({"data": Exploit(), "labels": []}, protocol=2))
    monkeypatch.setattr(cifar, "CIFAR10_MD5", hashlib.md5(data).hexdigest())
    (tmp_path / "cifar-10-python.tar.gz").write_bytes(data)
    with pytest.raises(DatasetError, match=r"cannot read it \(refused to load \w+\.system"):
        load_cifar10(tmp_path)
