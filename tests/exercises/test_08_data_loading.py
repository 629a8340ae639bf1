"""The exercises of book/modules/08_data_loading.md, done as a student would."""

from __future__ import annotations

import shutil

import pytest

import tinytorch as torch
from tinytorch.datasets import DatasetError, load_mnist
from tinytorch.datasets.mnist import DATA_DIR
from tinytorch.utils.data import DataLoader, Dataset, TensorDataset, random_split


def test_drop_last_changes_the_count() -> None:
    data = TensorDataset(torch.arange(10))
    loader = DataLoader(data, batch_size=4)
    assert len(loader) == 3
    assert [len(batch) for (batch,) in loader] == [4, 4, 2]
    dropped = DataLoader(data, batch_size=4, drop_last=True)
    assert len(dropped) == 2
    assert [len(batch) for (batch,) in dropped] == [4, 4]
    # an epoch's updates: one per batch
    many = TensorDataset(torch.zeros(4096, 1))
    assert len(DataLoader(many, batch_size=1)) == 64 * len(DataLoader(many, 64))


def epochs(loader: DataLoader, count: int) -> list[list[int]]:
    return [[i for (batch,) in loader for i in batch.tolist()] for _ in range(count)]


def test_a_seed_fixes_the_sequence_of_epochs() -> None:
    data = TensorDataset(torch.arange(20))

    def loader() -> DataLoader:
        return DataLoader(data, batch_size=5, shuffle=True,
                          generator=torch.Generator().manual_seed(0))  # fmt: skip

    first, second = loader(), loader()
    a, b = epochs(first, 2), epochs(second, 2)
    assert a == b  # the same seed, the same batches, epoch after epoch
    assert a[0] != a[1]  # but each epoch is a new order
    assert sorted(a[0]) == sorted(a[1]) == list(range(20))  # of every sample once


class Squares(Dataset):
    def __len__(self) -> int:
        return 6

    def __getitem__(self, i: int) -> dict:
        return {"x": torch.tensor([i, i * i, 1.0]), "y": i % 2}


def test_dict_samples_collate_field_by_field() -> None:
    batch = next(iter(DataLoader(Squares(), batch_size=4)))
    assert isinstance(batch, dict) and set(batch) == {"x", "y"}
    assert batch["x"].shape == (4, 3)
    assert batch["y"].shape == (4,) and batch["y"].dtype == torch.int64
    assert batch["y"].tolist() == [0, 1, 0, 1]


def test_workers_give_the_same_batches() -> None:
    data = TensorDataset(torch.arange(30))

    def batches(workers: int) -> list[list[int]]:
        loader = DataLoader(data, batch_size=8, shuffle=True, num_workers=workers,
                            generator=torch.Generator().manual_seed(3))  # fmt: skip
        return [batch.tolist() for (batch,) in loader]

    assert batches(2) == batches(0)


def test_random_split_is_disjoint_and_reproducible() -> None:
    data = TensorDataset(torch.arange(50))

    def split() -> tuple:
        return random_split(
            data, [0.9, 0.1], generator=torch.Generator().manual_seed(0)
        )

    train, held = split()
    assert (len(train), len(held)) == (45, 5)
    assert set(train.indices).isdisjoint(held.indices)
    assert sorted(train.indices + held.indices) == list(range(50))
    assert split()[1].indices == held.indices


@pytest.mark.slow  # decompresses MNIST
def test_one_flipped_byte_is_refused_by_name(tmp_path) -> None:
    for path in DATA_DIR.joinpath("mnist").glob("*.gz"):
        shutil.copy(path, tmp_path)
    damaged = tmp_path / "t10k-labels-idx1-ubyte.gz"
    data = bytearray(damaged.read_bytes())
    data[200] ^= 0x01
    damaged.write_bytes(bytes(data))
    with pytest.raises(DatasetError) as error:
        load_mnist(root=tmp_path, cache_dir=tmp_path / "cache")
    assert "t10k-labels-idx1-ubyte.gz" in str(error.value)
    assert "sha256" in str(error.value).lower() or "SHA" in str(error.value)
