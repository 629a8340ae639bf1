"""Library misuse, tried as a hostile new user would: every probe gets a clear error
of the right type whose message names what was wrong, and none gives a silently
wrong result. PyTorch's behaviour is the reference."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

import tinytorch as tt
from tinytorch import nn, optim
from tinytorch.datasets import DatasetError, load_mnist, make_blobs, make_xor
from tinytorch.nn import functional as F
from tinytorch.utils.data import DataLoader, Dataset, TensorDataset

X4 = np.zeros((4, 2), np.float32)
Y4 = np.zeros(4, np.int64)


def loader(x: np.ndarray = X4, y: np.ndarray = Y4, batch: int = 2) -> DataLoader:
    return DataLoader(TensorDataset(x, y), batch)


def fit(model: nn.Module, data: DataLoader, loss: object = None, epochs: int = 1) -> None:
    tt.fit(model, data, loss or nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1), epochs)


def edited_after_forward() -> None:
    w, x = tt.ones(2, requires_grad=True), tt.ones(2)
    y = (x * w).sum()
    x[0] = 3.0
    y.backward()


def step_with(grad: np.ndarray) -> None:
    layer = nn.Linear(2, 1)
    opt = optim.SGD(layer.parameters(), lr=0.1)
    layer.weight.grad = grad
    opt.step()


def set_data(t: tt.Tensor, values: object) -> None:
    t.data = values


def add_in_place(t: tt.Tensor, value: object) -> None:
    t += value


def assign(t: tt.Tensor, index: object, value: object) -> None:
    t[index] = value


PARAMS = nn.Linear(2, 1).parameters


PROBES: list[tuple[str, Callable[[], object], type[Exception], str]] = [
    # making tensors
    ("tensor of strings", lambda: tt.tensor(["a"]), TypeError, r"<U1 values .* booleans, integers or floats"),
    ("ragged list", lambda: tt.tensor([[1, 2], [3]]), TypeError, r"cannot make a tensor from list: .*inhomogeneous"),
    ("tensor of None", lambda: tt.tensor(None), TypeError, r"object values from NoneType"),
    ("complex values", lambda: tt.tensor([1j]), TypeError, r"complex128 values"),
    ("negative size", lambda: tt.zeros(-1), ValueError, r"zeros: sizes must be non-negative integers, got \(-1,\)"),
    ("fractional size", lambda: tt.ones(2.5), ValueError, r"ones: sizes must be non-negative integers, got \(2.5,\)"),
    ("integers requiring grad", lambda: tt.tensor([1, 2], requires_grad=True), TypeError, r"only floating-point tensors can require grad, got int64"),
    ("manual_seed 1.5", lambda: tt.manual_seed(1.5), ValueError, r"manual_seed: seed must be an integer, got 1.5"),
    ("manual_seed '3'", lambda: tt.manual_seed("3"), ValueError, r"seed must be an integer, got '3'"),
    # shapes and axes
    ("reshape to a wrong size", lambda: tt.zeros(2, 3).reshape(4), tt.ShapeError, r"cannot reshape \(2, 3\) \(6 elements\) into \(4,\)"),
    ("reshape with two -1", lambda: tt.zeros(2, 3).reshape(-1, -1), tt.ShapeError, r"into \(-1, -1\)"),
    ("sum over axis 5", lambda: tt.zeros(2, 3).sum(axis=5), tt.ShapeError, r"sum: axis 5 is out of range for 2 dimensions \(valid: -2..1\)"),
    ("mean over axis 5", lambda: tt.zeros(2, 3).mean(axis=5), tt.ShapeError, r"mean: axis 5 is out of range"),
    ("axis given as text", lambda: tt.zeros(2).sum(axis="0"), tt.ShapeError, r"axis '0' is out of range"),
    ("axis named twice", lambda: tt.zeros(2, 3).sum(axis=(0, -2)), tt.ShapeError, r"names a dimension twice"),
    ("max of nothing", lambda: tt.zeros(0).max(), ValueError, r"max: no elements to take the maximum of \(shape \(0,\)\)"),
    ("mean of nothing", lambda: tt.zeros(0).mean(), ValueError, r"mean: no elements to average over \(shape \(0,\)\)"),
    ("mean of integers", lambda: tt.tensor([1, 2]).mean(), TypeError, r"mean: needs a floating-point tensor, got int64"),
    ("softmax of a 0-d tensor", lambda: tt.tensor(1.0).softmax(), tt.ShapeError, r"softmax: axis -1 is out of range for 0 dimensions"),
    ("Softmax over a missing dim", lambda: nn.Softmax(dim=3)(tt.zeros(2, 3)), tt.ShapeError, r"softmax: axis 3"),
    ("transpose that is no permutation", lambda: tt.zeros(2, 3).transpose(0), tt.ShapeError, r"axes \(0,\) do not permute 2 dimensions"),
    ("matmul, inner sizes differ", lambda: tt.zeros(3, 4) @ tt.zeros(5, 2), tt.ShapeError, r"matmul: shapes \(3, 4\) and \(5, 2\) .*inner"),
    ("batched matmul mismatch", lambda: tt.zeros(2, 3, 4) @ tt.zeros(3, 4, 6), tt.ShapeError, r"matmul: shapes \(2, 3, 4\) and \(3, 4, 6\) .*batch dimensions"),
    ("matmul with a 0-d tensor", lambda: tt.tensor(2.0) @ tt.zeros(3), tt.ShapeError, r"both operands need at least one dimension"),
    ("add, no broadcast", lambda: tt.zeros(3) + tt.zeros(4), tt.ShapeError, r"add: shapes \(3,\) and \(4,\) cannot be broadcast"),
    ("mul, no broadcast", lambda: tt.zeros(2, 3) * tt.zeros(3, 2), tt.ShapeError, r"mul: shapes \(2, 3\) and \(3, 2\)"),
    ("index out of range", lambda: tt.zeros(3)[5], IndexError, r"index 5 for a tensor of shape \(3,\)"),
    ("fractional index", lambda: tt.zeros(3)[1.5], IndexError, r"index 1.5 for a tensor of shape \(3,\)"),
    ("item of a vector", lambda: tt.zeros(3).item(), ValueError, r"item\(\): the tensor has 3 elements, not 1"),
    ("len of a 0-d tensor", lambda: len(tt.tensor(1.0)), TypeError, r"len\(\) of a 0-d tensor"),
    # dtypes
    ("float32 + float64", lambda: tt.zeros(2) + tt.zeros(2, dtype=np.float64), TypeError, r"add: dtypes float32 and float64 differ; convert one with .float\(\) or .double\(\)"),
    ("tensor ** tensor", lambda: tt.zeros(3) ** tt.zeros(3), TypeError, r"tensor \*\* tensor is not supported"),
    ("negating booleans", lambda: -tt.tensor([True]), TypeError, r"negation of a boolean tensor"),
    # autograd
    ("backward of a vector", lambda: (tt.ones(2, requires_grad=True) * 2).backward(), RuntimeError, r"needs a scalar, but this tensor has shape \(2,\); reduce it first"),
    ("backward with a wrong gradient", lambda: (tt.ones(2, requires_grad=True) * 2).backward(np.ones(3)), tt.ShapeError, r"gradient of shape \(3,\) given for a tensor of shape \(2,\)"),
    ("backward with nothing to do", lambda: (tt.ones(2) * 2).sum().backward(), RuntimeError, r"does not require grad"),
    ("input edited after forward", edited_after_forward, RuntimeError, r"Mul: input 0 \(shape \(2,\)\) was modified in place after the forward pass"),
    ("editing .data in place", lambda: tt.ones(2).data.__setitem__(0, 5.0), ValueError, r"read-only"),
    ("editing a weight outside no_grad", lambda: assign(tt.zeros(2, requires_grad=True), 0, 1.0), RuntimeError, r"item assignment on a tensor that requires grad .*no_grad\(\)"),
    ("storing floats in an int tensor", lambda: add_in_place(tt.tensor([1, 2]), 0.5), TypeError, r"\+=: cannot store the result in this int64 tensor"),
    (".data = wrong shape", lambda: set_data(tt.zeros(2), np.zeros(3)), tt.ShapeError, r"new values of shape \(3,\) for a tensor of shape \(2,\)"),
    (".data = ints for a weight", lambda: set_data(tt.zeros(2, requires_grad=True), np.zeros(2, int)), TypeError, r"int64 values for a tensor that requires grad"),
    ("gradcheck in float32", lambda: tt.gradcheck(lambda a: a.exp(), [tt.tensor([1.0], requires_grad=True)]), TypeError, r"input 0 is float32; use float64"),
    ("a numpy array into an op", lambda: nn.Linear(3, 2)(np.zeros((4, 3), np.float32)), TypeError, r"Linear: its inputs must be tensors, got \(ndarray"),
    # layers and modules
    ("Linear(0, 3)", lambda: nn.Linear(0, 3), ValueError, r"Linear: in_features must be an integer >= 1, got 0"),
    ("Linear(2.5, 3)", lambda: nn.Linear(2.5, 3), ValueError, r"in_features must be an integer >= 1, got 2.5"),
    ("Linear on a 0-d tensor", lambda: nn.Linear(3, 2)(tt.tensor(1.0)), tt.ShapeError, r"linear: the input is 0-d; it needs a last axis of 3 features"),
    ("Linear, wrong features", lambda: nn.Linear(3, 2)(tt.zeros(4, 5)), tt.ShapeError, r"input of shape \(4, 5\) has 5 features, but the weight \(2, 3\) expects 3"),
    ("Linear on uint8 pixels", lambda: nn.Linear(3, 2)(tt.tensor(np.zeros((4, 3), np.uint8))), TypeError, r"the input is uint8, .* x.astype\(np.float32\) \(and scale pixel values"),
    ("Linear on float64 data", lambda: nn.Linear(3, 2)(tt.tensor(np.zeros((4, 3)), dtype=np.float64)), TypeError, r"the input is float64 but the weight is float32"),
    ("Sequential given a class", lambda: nn.Sequential(nn.ReLU), TypeError, r"item 0 is a type, not a Module \(did you pass a class"),
    ("Dropout(1.0)", lambda: nn.Dropout(1.0), ValueError, r"p must be a number in \[0, 1\), got 1.0"),
    ("Dropout(-0.1)", lambda: nn.Dropout(-0.1), ValueError, r"got -0.1"),
    ("Module.to(int64)", lambda: nn.Linear(2, 2).to(np.int64), TypeError, r"parameters must stay floating-point, got int64"),
    ("Module.train('yes')", lambda: nn.Linear(2, 2).train("yes"), TypeError, r"mode must be True or False, got 'yes'"),
    ("load_state_dict, keys missing", lambda: nn.Linear(2, 2).load_state_dict({}), KeyError, r"missing keys \['bias', 'weight'\]"),
    ("load_state_dict, wrong shape", lambda: nn.Linear(2, 2).load_state_dict({"weight": np.zeros((3, 2)), "bias": np.zeros(2)}), ValueError, r"weight has shape \(2, 2\) but the state has \(3, 2\)"),
    ("load_state_dict, text values", lambda: nn.Linear(2, 2).load_state_dict({"weight": [["a", "b"], ["c", "d"]], "bias": np.zeros(2)}), TypeError, r"weight is not numeric"),
    ("a Module without forward", lambda: nn.Module()(1), NotImplementedError, r"Module must define forward\(\)"),
    # losses
    ("cross_entropy on integer logits", lambda: F.cross_entropy(tt.tensor([[1, 2]]), np.array([0])), TypeError, r"the logits are int64; they must be floating-point"),
    ("cross_entropy on float targets", lambda: F.cross_entropy(tt.zeros(2, 3), np.array([0.0, 1.0])), TypeError, r"targets must be integer class indices, got dtype float64"),
    ("cross_entropy, target out of range", lambda: F.cross_entropy(tt.zeros(2, 3), np.array([0, 3])), ValueError, r"target 3 is out of range for 3 classes \(valid: 0..2\)"),
    ("cross_entropy, negative target", lambda: F.cross_entropy(tt.zeros(2, 3), np.array([0, -1])), ValueError, r"target -1 is out of range"),
    ("cross_entropy, empty batch", lambda: F.cross_entropy(tt.zeros(0, 3), np.zeros(0, np.int64)), ValueError, r"the batch is empty"),
    ("cross_entropy on 1-d logits", lambda: F.cross_entropy(tt.zeros(3), np.array([1])), tt.ShapeError, r"logits must be \(batch, classes\), got shape \(3,\)"),
    ("cross_entropy, target count", lambda: F.cross_entropy(tt.zeros(2, 3), np.array([0, 1, 2])), tt.ShapeError, r"need targets of shape \(2,\), got \(3,\)"),
    ("BCE on a probability above 1", lambda: F.binary_cross_entropy(tt.tensor([[1.5]]), tt.tensor([[1.0]])), ValueError, r"every probability must be in \[0, 1\], found 1.5; apply a sigmoid first"),
    ("BCE on a target of 2", lambda: F.binary_cross_entropy(tt.tensor([[0.5]]), tt.tensor([[2.0]])), ValueError, r"every target must be in \[0, 1\], found 2.0"),
    ("BCE, shapes differ", lambda: F.binary_cross_entropy(tt.tensor([[0.5], [0.4]]), tt.tensor([1.0, 0.0])), tt.ShapeError, r"prediction of shape \(2, 1\) and target of shape \(2,\) differ"),
    ("BCE with logits, target -1", lambda: F.binary_cross_entropy_with_logits(tt.tensor([[0.5]]), tt.tensor([[-1.0]])), ValueError, r"every target must be in \[0, 1\], found -1.0"),
    ("MSE with an integer target", lambda: F.mse_loss(tt.zeros(2), tt.tensor([1, 2])), TypeError, r"mse_loss: the target is int64 but the prediction is float32; convert the target"),
    ("MSE of nothing", lambda: F.mse_loss(tt.zeros(0), tt.zeros(0)), ValueError, r"mse_loss: the batch is empty"),
    # optimizers
    ("lr = nan", lambda: optim.SGD(PARAMS(), lr=float("nan")), ValueError, r"SGD: lr must be a finite number in \(0, inf\), got nan"),
    ("lr = inf", lambda: optim.Adam(PARAMS(), lr=float("inf")), ValueError, r"Adam: lr must be a finite number .* got inf"),
    ("lr < 0", lambda: optim.SGD(PARAMS(), lr=-0.1), ValueError, r"got -0.1"),
    ("lr as text", lambda: optim.SGD(PARAMS(), lr="0.1"), ValueError, r"got '0.1'"),
    ("negative momentum", lambda: optim.SGD(PARAMS(), lr=0.1, momentum=-0.5), ValueError, r"momentum must be a finite number in \[0, inf\), got -0.5"),
    ("negative weight decay", lambda: optim.AdamW(PARAMS(), weight_decay=-1.0), ValueError, r"weight_decay must be .* got -1.0"),
    ("Adam betas of 1.0", lambda: optim.Adam(PARAMS(), betas=(1.0, 0.999)), ValueError, r"betas\[0\] must be a finite number in \[0, 1\), got 1.0"),
    ("Adam, three betas", lambda: optim.Adam(PARAMS(), betas=(0.9, 0.9, 0.9)), ValueError, r"betas must be two numbers"),
    ("Adam eps < 0", lambda: optim.Adam(PARAMS(), eps=-1), ValueError, r"eps must be a finite number .* got -1"),
    ("an optimizer given a module", lambda: optim.SGD(nn.Linear(2, 1), lr=0.1), TypeError, r"params must be an iterable of tensors .* got Linear"),
    ("an empty parameter list", lambda: optim.SGD([], lr=0.1), ValueError, r"SGD got an empty parameter list"),
    ("a parameter listed twice", lambda: optim.SGD([PARAMS()[0]] * 2, lr=0.1), ValueError, r"a parameter appears more than once"),
    ("a computed tensor as a parameter", lambda: optim.SGD([tt.ones(2, requires_grad=True) * 2], lr=0.1), TypeError, r"parameter 0 is a computed tensor, not a leaf"),
    ("a step with a wrongly shaped grad", lambda: step_with(np.ones(3, np.float32)), ValueError, r"parameter 0 has shape \(1, 2\) \(float32\) but its .grad is \(3,\)"),
    ("a step with a float64 grad", lambda: step_with(np.ones((1, 2))), ValueError, r"its .grad is \(1, 2\) \(float64\)"),
    # data
    ("batch_size 2.5", lambda: DataLoader(TensorDataset(np.zeros(4)), batch_size=2.5), ValueError, r"batch_size must be an integer >= 1, got 2.5"),
    ("batch_size '4'", lambda: DataLoader(TensorDataset(np.zeros(4)), batch_size="4"), ValueError, r"got '4'"),
    ("batch_size 0", lambda: DataLoader(TensorDataset(np.zeros(4)), batch_size=0), ValueError, r"got 0"),
    ("a list as a dataset", lambda: DataLoader([1, 2, 3], batch_size=2), TypeError, r"dataset must be a Dataset .* got list"),
    ("shuffle='yes'", lambda: DataLoader(TensorDataset(np.zeros(4)), 2, shuffle="yes"), TypeError, r"shuffle must be True or False"),
    ("a fractional seed", lambda: DataLoader(TensorDataset(np.zeros(4)), 2, seed=1.5), ValueError, r"seed must be an integer, got 1.5"),
    ("arrays of different lengths", lambda: TensorDataset(np.zeros(3), np.zeros(4)), ValueError, r"different lengths \[3, 4\]"),
    ("a scalar dataset", lambda: TensorDataset(np.float32(3)), ValueError, r"needs one or more arrays with a first axis"),
    ("make_blobs(0)", lambda: make_blobs(0), ValueError, r"make_blobs: n must be an integer >= 1, got 0"),
    ("make_xor(-5)", lambda: make_xor(-5), ValueError, r"make_xor: n must be an integer >= 1, got -5"),
    ("make_blobs, impossible margin", lambda: make_blobs(margin=5), ValueError, r"margin must be in \[0, sqrt\(2\)\)"),
    ("MNIST from an empty folder", lambda: load_mnist(root="/nonexistent", cache_dir="/nonexistent"), DatasetError, r"/nonexistent/train-images-idx3-ubyte.gz: file not found"),
    # training helpers
    ("fit for 0 epochs", lambda: fit(nn.Linear(2, 2), loader(), epochs=0), ValueError, r"fit: epochs must be an integer >= 1, got 0"),
    ("fit on an empty dataset", lambda: fit(nn.Linear(2, 2), loader(X4[:0], Y4[:0])), ValueError, r"train_epoch: the loader yielded no samples"),
    ("fit with a loss named as text", lambda: fit(nn.Linear(2, 2), loader(), "ce"), TypeError, r"loss_fn must be callable .* got str"),
    ("fit on float64 images", lambda: fit(nn.Linear(2, 2), loader(X4.astype(np.float64))), TypeError, r"the input is float64 but the weight is float32"),
    ("fit BCE on integer labels", lambda: fit(nn.Sequential(nn.Linear(2, 1), nn.Sigmoid()), loader(y=np.zeros((4, 1), np.int64)), nn.BCELoss()), TypeError, r"binary_cross_entropy: the target is int64"),
    ("evaluate (N, 1) against (N,)", lambda: tt.evaluate(nn.Sequential(nn.Linear(2, 1), nn.Sigmoid()), loader(y=np.zeros(4, np.float32))), tt.ShapeError, r"outputs of shape \(2, 1\) and targets of shape \(2,\) do not pair up"),
    ("evaluate nothing", lambda: tt.evaluate(nn.Linear(2, 2), loader(X4[:0], Y4[:0])), ValueError, r"evaluate: the loader yielded no samples"),
    ("predict nothing", lambda: tt.predict(nn.Linear(2, 2), X4[:0]), ValueError, r"predict: x must hold one or more samples, got shape \(0, 2\)"),
    ("predict with batch_size 0", lambda: tt.predict(nn.Linear(2, 2), X4, batch_size=0), ValueError, r"predict: batch_size must be an integer >= 1, got 0"),
    ("set_num_threads(0)", lambda: tt.set_num_threads(0), ValueError, r"set_num_threads: threads must be an integer >= 1, got 0"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "probe", "error", "message"), PROBES, ids=[p[0] for p in PROBES])
def test_misuse_gets_a_clear_error(name: str, probe: Callable[[], object], error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        probe()


def test_there_are_enough_probes() -> None:
    assert len(PROBES) >= 100


# -------------------------------------------------- what used to be silently wrong


def test_integers_meet_floats_in_float32() -> None:
    assert (tt.tensor([1, 2]) + tt.tensor([0.5, 0.5])).dtype == np.float32
    assert (tt.tensor([1, 2]) * 0.5).data.tolist() == [0.5, 1.0]


def test_an_unshuffled_batch_edited_in_place_leaves_the_dataset_alone() -> None:
    x = np.arange(8, dtype=np.float32).reshape(4, 2)
    data = DataLoader(TensorDataset(x), batch_size=2)
    for (batch,) in data:
        batch[...] = -1.0
    assert [b.data.tolist() for (b,) in data] == [[[0, 1], [2, 3]], [[4, 5], [6, 7]]]


def test_evaluate_counts_one_probability_per_row() -> None:
    model = nn.Sequential(nn.Linear(2, 1), nn.Sigmoid())
    accuracy = tt.evaluate(model, loader(y=np.ones((4, 1), np.float32)))
    assert 0 <= accuracy <= 1


def test_a_generic_dataset_gives_copies_too() -> None:
    class Rows(Dataset):
        def __len__(self) -> int:
            return 2

        def __getitem__(self, i: int) -> tuple[np.ndarray]:
            return (np.full(2, i, np.float32),)

    (batch,) = next(iter(DataLoader(Rows(), 2)))
    batch[0] = 9.0
    assert Rows()[0][0].tolist() == [0.0, 0.0]
