"""CIFAR-10: 60,000 colour images of 32x32 pixels in ten classes (Krizhevsky, 2009),
read from the official python-format archive. Not bundled (it is 163 MB): downloaded
only when asked, and used only if its MD5 is the published one.

The archive holds pickled batches, and unpickling can run arbitrary code, so they are
read by a restricted Unpickler: it allows only the four names a pickled numpy array
uses and refuses everything else.

Book: book/modules/08_data_loading.md
"""

from __future__ import annotations

import hashlib
import http.client
import io
import pickle
import tarfile
import urllib.request
from pathlib import Path
from typing import Any

import numpy as np

from ..files import open_atomically, remove_stale_temp_files
from .checks import DatasetError

CIFAR10_URL = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
CIFAR10_MD5 = "c58f30108f718f92721af3b95e74349a"  # published on the dataset's page
CIFAR10_ARCHIVE = "cifar-10-python.tar.gz"
CIFAR10_CLASSES = (
    "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship",
    "truck",
)  # fmt: skip
_BATCHES = [f"cifar-10-batches-py/data_batch_{i}" for i in range(1, 6)]
_TEST_BATCH = "cifar-10-batches-py/test_batch"


def load_cifar10(
    root: str | Path, download: bool = False
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """CIFAR-10 (x_train, y_train, x_test, y_test) from `root`/cifar-10-python.tar.gz:
    x float32 (N, 3, 32, 32) in [0, 1], y int64 (names in CIFAR10_CLASSES); 50,000
    training and 10,000 test images.

    With download=True a missing archive is fetched from CIFAR10_URL to a temp file,
    checked against CIFAR10_MD5, then renamed into place. Anything missing, damaged
    or unreachable is a DatasetError that says what to do.
    """
    archive = Path(root).absolute() / CIFAR10_ARCHIVE
    if not archive.is_file():
        if not download:
            raise DatasetError(
                f"CIFAR-10 is not here: {archive} does not exist. It is not bundled "
                f"with tinytorch (163 MB); download it with download=True (the "
                f"milestone scripts: --download), or put the official archive from "
                f"{CIFAR10_URL} there."
            )
        fetch(CIFAR10_URL, archive, CIFAR10_MD5)
    found = _md5(archive)
    if found != CIFAR10_MD5:
        raise DatasetError(
            f"Data file {archive}: not the official CIFAR-10 archive (MD5 expected "
            f"{CIFAR10_MD5}, found {found}). Delete it and download it again."
        )
    try:
        with tarfile.open(archive, "r:gz") as tar:
            batches = [_read_batch(tar, name) for name in [*_BATCHES, _TEST_BATCH]]
    except (tarfile.TarError, OSError, EOFError, KeyError, ValueError, TypeError,
            pickle.UnpicklingError) as err:  # fmt: skip
        raise DatasetError(f"Data file {archive}: cannot read it ({err}).") from None
    x_train = np.concatenate([x for x, _ in batches[:5]])
    y_train = np.concatenate([y for _, y in batches[:5]])
    return x_train, y_train, *batches[5]


def fetch(url: str, path: Path, md5: str) -> None:
    """Download `url` to `path` through a temp file, renamed only if its MD5 is
    `md5`: a broken or wrong download never looks like data."""
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temp_files(path.parent)  # of a download that was killed
    digest = hashlib.md5()
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            with open_atomically(path) as file:
                while chunk := response.read(1 << 20):
                    digest.update(chunk)
                    file.write(chunk)
                if digest.hexdigest() != md5:
                    raise DatasetError(
                        f"Downloaded {url}, but its MD5 is {digest.hexdigest()}, not "
                        f"the published {md5}: the download is damaged or not the "
                        f"archive; nothing was saved. Try again later."
                    )
    except (OSError, http.client.HTTPException) as err:  # URLError is an OSError
        reason = getattr(err, "reason", None) or err
        raise DatasetError(
            f"Could not download {url} ({reason}). Without internet access, fetch "
            f"it elsewhere and copy it to {path}."
        ) from None


def _md5(path: Path) -> str:
    digest = hashlib.md5()
    with open(path, "rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _read_batch(tar: tarfile.TarFile, name: str) -> tuple[np.ndarray, np.ndarray]:
    """One pickled batch: {"data": uint8 (n, 3072), "labels": [n ints], ...}, its
    images as float32 (n, 3, 32, 32) in [0, 1]."""
    member = tar.extractfile(name)
    if member is None:
        raise KeyError(f"{name} is not a file")
    batch = _ArrayUnpickler(io.BytesIO(member.read()), encoding="latin1").load()
    data, labels = np.asarray(batch["data"]), np.asarray(batch["labels"], np.int64)
    if data.dtype != np.uint8 or data.shape != (len(labels), 3072):
        raise ValueError(f"{name} holds {data.dtype} data of shape {data.shape}")
    if labels.size and not 0 <= labels.min() <= labels.max() <= 9:
        raise ValueError(f"{name} has labels outside 0..9")
    images = np.divide(data.reshape(-1, 3, 32, 32), np.float32(255), dtype=np.float32)
    return images, labels


def _empty_array(subtype: type, shape: tuple[int, ...], dtype: Any) -> np.ndarray:
    """What numpy's _reconstruct does for a plain array: an empty one, which the
    pickle then fills (ndarray.__setstate__)."""
    if subtype is not np.ndarray:
        raise pickle.UnpicklingError(f"refused an array of type {subtype!r}")
    return np.ndarray(shape, np.dtype(dtype))


class _ArrayUnpickler(pickle.Unpickler):
    """Unpickles dicts, lists, strings and numpy arrays, and nothing else."""

    ALLOWED: dict[tuple[str, str], Any] = {
        ("numpy.core.multiarray", "_reconstruct"): _empty_array,  # numpy 1 wrote it
        ("numpy._core.multiarray", "_reconstruct"): _empty_array,  # numpy 2 writes it
        ("numpy", "ndarray"): np.ndarray,
        ("numpy", "dtype"): np.dtype,
        ("_codecs", "encode"): lambda text, encoding: text.encode(encoding),  # bytes
    }

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in self.ALLOWED:
            raise pickle.UnpicklingError(
                f"refused to load {module}.{name}: a CIFAR-10 batch holds only numpy "
                f"arrays, lists and strings"
            )
        return self.ALLOWED[(module, name)]
