"""tinytorch.utils.data against PyTorch: datasets, samplers, the DataLoader's
batches (PyTorch's default collate for tensors, arrays, numbers, strings, tuples,
lists and dicts), its arguments and its errors. Shuffled orders come from
different generators, so those cases compare what is drawn, not its order."""

from __future__ import annotations

from collections import namedtuple

import numpy as np
import pytest

from .harness import Case, case, check

X = np.arange(20, dtype=np.float32).reshape(10, 2)
Y = np.arange(10) % 3
CASES_HERE: list[Case] = []
Point = namedtuple("Point", "x y")


def here(id: str, *names: str, **options) -> object:
    def register(run):
        made = case(id, *names, **options)(run)
        CASES_HERE.append(made)
        return made

    return register


def kinds(value):
    """The containers' types, which the comparison of values does not see."""
    if isinstance(value, dict):
        return {k: kinds(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value).__name__, [kinds(v) for v in value]
    return type(value).__name__


def pairs(m):
    return m.utils.data.TensorDataset(m.tensor(X), m.tensor(Y))


@here(
    "a TensorDataset's items are tuples of tensors",
    "tinytorch.utils.data.TensorDataset",
    "tinytorch.utils",
)
def _(m):
    data = pairs(m)
    return len(data), data[3], data[-1], type(data[0]).__name__, data[m.tensor(2)]


@here("batches of a TensorDataset, the last one short or dropped",
      "tinytorch.utils.data.DataLoader", "tinytorch.utils.data.TensorDataset")  # fmt: skip
def _(m):
    data = pairs(m)
    loader = m.utils.data.DataLoader(data, batch_size=4)
    dropped = m.utils.data.DataLoader(data, batch_size=4, drop_last=True)
    return (list(loader), len(loader), list(dropped), len(dropped), kinds(list(loader)),
            list(m.utils.data.DataLoader(data))[:2])  # fmt: skip


SAMPLES = {
    "one float64 array": lambda i: np.full(3, i, dtype=np.float64),
    "one int32 array": lambda i: np.arange(i, i + 2, dtype=np.int32),
    "a dict": lambda i: {"image": np.full((2, 2), i, np.float32), "label": i, "name": f"s{i}"},
    "a tuple of array and int": lambda i: (np.ones(2, np.float32) * i, i),
    "a tuple of float, bool and bytes": lambda i: (i / 3, i % 2 == 0, b"x"),
    "a list": lambda i: [i, float(i)],
    "a named tuple": lambda i: Point(np.float32(i), np.int64(i)),
    "numpy scalars": lambda i: np.float32(i) if i % 2 else np.float32(-i),
    "nested": lambda i: {"pair": (i, [np.ones(1) * i]), "meta": {"id": i}},
    "a string": lambda i: "abc"[i % 3],
}  # fmt: skip


@pytest.mark.parametrize("kind", SAMPLES)
def test_samples_batch_as_pytorch_batches_them(kind: str) -> None:
    def run(m):
        samples = [SAMPLES[kind](i) for i in range(5)]
        batched = list(m.utils.data.DataLoader(samples, batch_size=2))
        single = list(m.utils.data.DataLoader(samples, batch_size=None))
        return batched, single, kinds(batched), kinds(single)

    check(Case(kind, ("tinytorch.utils.data.DataLoader",), run))


@here("a Dataset subclass, fetched one item at a time", "tinytorch.utils.data.Dataset")
def _(m):
    class Squares(m.utils.data.Dataset):
        def __len__(self):
            return 5

        def __getitem__(self, i):
            return np.full(2, i * i, dtype=np.float32), i

    return list(m.utils.data.DataLoader(Squares(), batch_size=2))


@here("Dataset alone cannot give items", "tinytorch.utils.data.Dataset")
def _(m):
    return m.utils.data.Dataset()[0]


@here("samplers choose the order and the batches", "tinytorch.utils.data.SequentialSampler",
      "tinytorch.utils.data.BatchSampler", "tinytorch.utils.data.Sampler")  # fmt: skip
def _(m):
    data, d = pairs(m), m.utils.data
    in_order = d.SequentialSampler(data)
    batches = d.BatchSampler(in_order, batch_size=3, drop_last=False)
    by_list = d.DataLoader(data, sampler=[7, 2, 2, 9], batch_size=3)
    by_batches = d.DataLoader(data, batch_sampler=[[1, 0], [5, 6, 7]])
    return (list(in_order), len(in_order), list(batches), len(batches),
            list(d.BatchSampler(range(7), 3, True)), list(by_list), list(by_batches),
            len(by_batches), isinstance(in_order, d.Sampler))  # fmt: skip


@here("a random order has every sample once", "tinytorch.utils.data.RandomSampler",
      "tinytorch.utils.data.SubsetRandomSampler")  # fmt: skip
def _(m):
    d = m.utils.data
    data = pairs(m)
    order = list(d.RandomSampler(data))
    more = list(d.RandomSampler(data, num_samples=13))
    drawn = list(d.RandomSampler(data, replacement=True, num_samples=50))
    subset = list(d.SubsetRandomSampler([4, 8, 1]))
    return (sorted(order), sorted(set(more)), len(more), len(drawn),
            all(0 <= i < 10 for i in drawn), sorted(subset),
            len(d.RandomSampler(data, num_samples=13)))  # fmt: skip


@here("shuffled batches hold every sample once", "tinytorch.utils.data.DataLoader")
def _(m):
    loader = m.utils.data.DataLoader(pairs(m), batch_size=3, shuffle=True)
    batches = list(loader)
    xs = np.concatenate([x.numpy() for x, _ in batches])
    ys = np.concatenate([y.numpy() for _, y in batches])
    return (
        [len(y) for _, y in batches],
        sorted(xs[:, 0].tolist()),
        (xs[:, 0] // 2 % 3 == ys).all(),
    )


@here("a Generator repeats its shuffles and splits", "tinytorch.utils.data.DataLoader",
      "tinytorch.utils.data.random_split", "tinytorch.utils.data.RandomSampler")  # fmt: skip
def _(m):
    def order(seed):
        loader = m.utils.data.DataLoader(pairs(m), batch_size=4, shuffle=True,
                                         generator=m.Generator().manual_seed(seed))  # fmt: skip
        return [int(y) for _, ys in loader for y in ys]

    def split(seed):
        parts = m.utils.data.random_split(range(10), [0.5, 0.5],
                                          generator=m.Generator().manual_seed(seed))  # fmt: skip
        return [list(p) for p in parts]

    sampler = m.utils.data.RandomSampler(
        range(6), generator=m.Generator().manual_seed(3)
    )
    return (order(1) == order(1), order(1) != order(2), len(order(1)), split(5) == split(5),
            sorted(sum(split(5), [])), sorted(sampler) == list(range(6)))  # fmt: skip


@here(
    "Subset and random_split",
    "tinytorch.utils.data.Subset",
    "tinytorch.utils.data.random_split",
)
def _(m):
    d, data = m.utils.data, pairs(m)
    part = d.Subset(data, [9, 0, 4])
    by_count = d.random_split(data, [7, 3])
    by_fraction = d.random_split(range(11), [0.5, 0.3, 0.2])
    taken = sorted(int(part.indices[0]) for part in by_count for _ in [0]) and sorted(
        i for split in by_count for i in split.indices
    )
    return (len(part), part[1], list(d.DataLoader(part, batch_size=2)),
            [len(s) for s in by_count], taken, [len(s) for s in by_fraction],
            sorted(x for s in by_fraction for x in s), type(by_count[0]).__name__)  # fmt: skip


@here("random_split lengths must add up", "tinytorch.utils.data.random_split")
def _(m):
    m.utils.data.random_split(range(10), [3, 3])


@here("default_collate and default_convert by hand", "tinytorch.utils.data.default_collate",
      "tinytorch.utils.data.default_convert")  # fmt: skip
def _(m):
    d = m.utils.data
    return (d.default_collate([m.tensor([1]), m.tensor([1.5])]),
            d.default_collate([(1, 2.0), (3, 4.0)]), d.default_collate([True, 2]),
            d.default_convert((np.ones(2), 3, np.float64(2.5), "s", [np.zeros(1)])),
            d.default_convert(np.array(["a", "b"])).tolist())  # fmt: skip


BAD_COLLATE = {
    "strings in an array": [np.array(["a"])],
    "an object": [object()],
    "tensors of two shapes": "tensors",
    "tuples of two lengths": [(1, 2), (1,)],
    "None": [None, None],
    "nothing": [],
}


@pytest.mark.parametrize("what", BAD_COLLATE)
def test_what_default_collate_refuses(what: str) -> None:
    def run(m):
        batch = BAD_COLLATE[what]
        if batch == "tensors":
            batch = [m.ones(2), m.ones(3)]
        return m.utils.data.default_collate(batch)

    check(Case(what, ("tinytorch.utils.data.default_collate",), run))


@here("workers load the same batches; there are none to ask about",
      "tinytorch.utils.data.DataLoader", "tinytorch.utils.data.get_worker_info")  # fmt: skip
def _(m):
    data = pairs(m)
    loader = m.utils.data.DataLoader(data, batch_size=4, num_workers=2,
                                     persistent_workers=True, prefetch_factor=2)  # fmt: skip
    return list(loader), m.utils.data.get_worker_info()


@here(
    "pin_memory warns that it does nothing on the CPU",
    "tinytorch.utils.data.DataLoader",
)
def _(m):
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        batches = list(m.utils.data.DataLoader(pairs(m), batch_size=5, pin_memory=True))
    return batches, [str(w.message) for w in caught]


BAD_LOADER = {
    "sampler and shuffle": dict(sampler=[0, 1], shuffle=True),
    "batch_sampler and batch_size": dict(batch_sampler=[[0]], batch_size=2),
    "batch_sampler and drop_last": dict(batch_sampler=[[0]], drop_last=True),
    "no batches and drop_last": dict(batch_size=None, drop_last=True),
    "negative workers": dict(num_workers=-1),
    "negative timeout": dict(timeout=-1),
    "persistent workers without workers": dict(persistent_workers=True),
    "prefetch without workers": dict(prefetch_factor=2),
    "a context without workers": dict(multiprocessing_context="spawn"),
    "batch size 0": dict(batch_size=0),
    "batch size 2.5": dict(batch_size=2.5),
    "drop_last not a bool": dict(drop_last=1),
}


@pytest.mark.parametrize("what", BAD_LOADER)
def test_what_the_dataloader_refuses(what: str) -> None:
    run = lambda m: m.utils.data.DataLoader(pairs(m), **BAD_LOADER[what]) and None  # noqa: E731
    check(Case(what, ("tinytorch.utils.data.DataLoader",), run))


@here("RandomSampler's checks", "tinytorch.utils.data.RandomSampler")
def _(m):
    m.utils.data.RandomSampler(range(3), num_samples=0)


@pytest.mark.parametrize("c", CASES_HERE, ids=lambda c: c.id)
def test_against_pytorch(c: Case) -> None:
    check(c)
