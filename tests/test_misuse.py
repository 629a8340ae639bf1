"""Library misuse, tried as a hostile new user would: every probe gets a clear error
whose message names what was wrong, and none gives a silently wrong result. PyTorch
is the reference: where it raises for the same misuse, tinytorch raises the same kind
of exception (a misuse PyTorch accepts is no probe: tests/compat checks that
tinytorch gives PyTorch's result instead)."""

from __future__ import annotations

import warnings
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


def quietly(fn: Callable, *args: object) -> object:
    """fn(*args) with warnings ignored (the probe is about the error after them)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args)


# (name, probe, the kind of error PyTorch raises for the same misuse, what the message must say)
PROBES: list = [
    # making tensors
    ("tensor of strings", lambda: tt.tensor(["a"]), ValueError, r"<U1 values .* booleans, integers or floats"),
    ("ragged list", lambda: tt.tensor([[1, 2], [3]]), ValueError, r"cannot make a tensor from list: .*inhomogeneous"),
    ("tensor of None", lambda: tt.tensor(None), RuntimeError, r"Could not infer dtype of NoneType"),
    ("complex values", lambda: tt.tensor([1j]), TypeError, r"complex128 values"),  # PyTorch has complex tensors; tinytorch refuses
    ("negative size", lambda: tt.zeros(-1), RuntimeError, r"zeros: Dimension size must be non-negative, got \(-1,\)"),
    ("fractional size", lambda: tt.ones(2.5), TypeError, r"sizes must be integers, got \(2.5,\)"),
    ("integers requiring grad", lambda: tt.tensor([1, 2], requires_grad=True), RuntimeError, r"only Tensors of floating point dtype can require gradients"),
    ("manual_seed 'x'", lambda: tt.manual_seed("x"), ValueError, r"invalid literal for int\(\)"),
    ("manual_seed None", lambda: tt.manual_seed(None), TypeError, r"int\(\) argument must be"),
    ("arange with step 0", lambda: tt.arange(0, 5, 0), RuntimeError, r"step must be nonzero"),
    ("arange the wrong way", lambda: tt.arange(5, 0), RuntimeError, r"inconsistent with step sign"),
    ("randint, low >= high", lambda: tt.randint(5, 3, (2,)), RuntimeError, r"from=5 >= to=3"),
    ("multinomial of a negative weight", lambda: tt.multinomial(tt.tensor([0.5, -0.5]), 1), RuntimeError, r"element < 0"),
    ("multinomial, too many without replacement", lambda: tt.multinomial(tt.tensor([0.5, 0.5]), 3), RuntimeError, r"samples without replacement"),
    # shapes and axes
    ("reshape to a wrong size", lambda: tt.zeros(2, 3).reshape(4), RuntimeError, r"cannot reshape \(2, 3\) \(6 elements\) into \(4,\)"),
    ("reshape with two -1", lambda: tt.zeros(2, 3).reshape(-1, -1), RuntimeError, r"into \(-1, -1\)"),
    ("sum over axis 5", lambda: tt.zeros(2, 3).sum(axis=5), IndexError, r"Dimension out of range \(expected to be in range of \[-2, 1\], but got 5\)"),
    ("mean over dim 5", lambda: tt.zeros(2, 3).mean(5), IndexError, r"but got 5"),
    ("axis given as text", lambda: tt.zeros(2).sum(axis="0"), TypeError, r"dim must be an int or a tuple of ints, got '0'"),
    ("axis named twice", lambda: tt.zeros(2, 3).sum(axis=(0, -2)), RuntimeError, r"dim 0 appears multiple times in the list of dims"),
    ("max of nothing", lambda: tt.zeros(0).max(), RuntimeError, r"max\(\): Expected reduction dim to be specified for input.numel\(\) == 0"),
    ("max over an empty dim", lambda: tt.zeros(2, 0).max(1), IndexError, r"max\(\): Expected reduction dim 1 to have non-zero size"),
    ("mean of integers", lambda: tt.tensor([1, 2]).mean(), RuntimeError, r"mean\(\): .*Input dtype must be either a floating point .* Got: int64"),
    ("var of integers", lambda: tt.tensor([1, 2]).var(), RuntimeError, r"std and var only support floating point"),
    ("softmax without a dim", lambda: tt.tensor(1.0).softmax(), TypeError, r"missing 1 required positional argument: 'dim'"),
    ("Softmax over a missing dim", lambda: nn.Softmax(dim=3)(tt.zeros(2, 3)), IndexError, r"but got 3"),
    ("transpose of one dim", lambda: tt.zeros(2, 3).transpose(0), TypeError, r"missing 1 required positional argument: 'dim1'"),
    ("view of a transposed tensor", lambda: tt.zeros(2, 3).t().view(-1), RuntimeError, r"view size is not compatible .* Use .reshape"),
    ("expand a size that is not 1", lambda: tt.zeros(2, 3).expand(2, 4), RuntimeError, r"expand: the tensor of shape \(2, 3\) cannot be expanded to \(2, 4\)"),
    ("cat of mismatched shapes", lambda: tt.cat([tt.zeros(2, 3), tt.zeros(1, 2)]), RuntimeError, r"cat: the tensors' sizes must match except in dimension 0"),
    ("stack of mismatched shapes", lambda: tt.stack([tt.zeros(2, 3), tt.zeros(1, 3)]), RuntimeError, r"stack expects each tensor to be equal size"),
    ("split sizes that do not add up", lambda: tt.zeros(2, 3).split([1, 1], 1), RuntimeError, r"split_sizes to sum exactly to 3"),
    ("tril of a vector", lambda: tt.zeros(3).tril(), RuntimeError, r"tril: input tensor must have at least 2 dimensions"),
    ("matmul, inner sizes differ", lambda: tt.zeros(3, 4) @ tt.zeros(5, 2), RuntimeError, r"matmul: shapes \(3, 4\) and \(5, 2\) .*inner"),
    ("batched matmul mismatch", lambda: tt.zeros(2, 3, 4) @ tt.zeros(3, 4, 6), RuntimeError, r"matmul: shapes \(2, 3, 4\) and \(3, 4, 6\) .*batch dimensions"),
    ("matmul with a 0-d tensor", lambda: tt.tensor(2.0) @ tt.zeros(3), RuntimeError, r"both operands need at least one dimension"),
    ("mm of a vector", lambda: tt.mm(tt.zeros(2, 3), tt.zeros(3)), RuntimeError, r"mat2 must be a matrix"),
    ("add, no broadcast", lambda: tt.zeros(3) + tt.zeros(4), RuntimeError, r"add: shapes \(3,\) and \(4,\) cannot be broadcast"),
    ("mul, no broadcast", lambda: tt.zeros(2, 3) * tt.zeros(3, 2), RuntimeError, r"mul: shapes \(2, 3\) and \(3, 2\)"),
    ("index out of range", lambda: tt.zeros(3)[5], IndexError, r"index 5 for a tensor of shape \(3,\)"),
    ("fractional index", lambda: tt.zeros(3)[1.5], IndexError, r"index 1.5 for a tensor of shape \(3,\)"),
    ("gather out of range", lambda: tt.zeros(2, 3).gather(1, tt.tensor([[0, 5]])), RuntimeError, r"index 5 is out of bounds for dimension 1 with size 3"),
    ("gather with float positions", lambda: tt.zeros(2, 3).gather(1, tt.tensor([[0.0]])), RuntimeError, r"Expected dtype int64 for index"),
    ("topk of more than there are", lambda: tt.zeros(3).topk(4), RuntimeError, r"selected index k out of range"),
    ("item of a vector", lambda: tt.zeros(3).item(), RuntimeError, r"a Tensor with 3 elements cannot be converted to Scalar"),
    ("len of a 0-d tensor", lambda: len(tt.tensor(1.0)), TypeError, r"len\(\) of a 0-d tensor"),
    # dtypes
    ("matmul of float32 and float64", lambda: tt.zeros(2, 2) @ tt.zeros(2, 2, dtype=tt.float64), RuntimeError, r"expected m1 and m2 to have the same dtype, but got: float32 != float64"),
    ("integers to a negative power", lambda: tt.tensor([2]) ** -1, RuntimeError, r"Integers to negative integer powers are not allowed"),
    ("negating booleans", lambda: -tt.tensor([True]), RuntimeError, r"Negation, the `-` operator, on a bool tensor is not supported"),
    ("where with an integer condition", lambda: tt.where(tt.tensor([1, 0]), 1.0, 0.0), RuntimeError, r"where expected condition to be a boolean tensor, but got a tensor with dtype int64"),
    ("masked_fill with an integer mask", lambda: tt.zeros(2).masked_fill(tt.tensor([1, 0]), 1.0), RuntimeError, r"masked_fill_ only supports boolean masks"),
    ("isclose of two dtypes", lambda: tt.isclose(tt.tensor([1, 2]), tt.tensor([1.0, 2.0])), RuntimeError, r"float32 did not match int64"),
    ("random floats of an integer dtype", lambda: tt.rand(2, dtype=tt.int64), RuntimeError, r"random floats cannot be of dtype"),
    # autograd
    ("backward of a vector", lambda: (tt.ones(2, requires_grad=True) * 2).backward(), RuntimeError, r"grad can be implicitly created only for scalar outputs: this tensor has shape \(2,\); reduce it first"),
    ("backward with a wrong gradient", lambda: (tt.ones(2, requires_grad=True) * 2).backward(np.ones(3)), RuntimeError, r"gradient of shape \(3,\) given for a tensor of shape \(2,\)"),
    ("backward with nothing to do", lambda: (tt.ones(2) * 2).sum().backward(), RuntimeError, r"does not require grad"),
    ("input edited after forward", edited_after_forward, RuntimeError, r"modified by an inplace operation: an input or output of Mul is at version 1; expected version 0"),
    ("editing an expanded tensor in place", lambda: tt.zeros(1).expand(3).add_(1), RuntimeError, r"more than one element of the written-to tensor refers to a single memory location"),
    ("editing a weight outside no_grad", lambda: assign(tt.zeros(2, requires_grad=True), 0, 1.0), RuntimeError, r"a leaf Variable that requires grad is being used in an in-place operation"),
    ("filling a weight outside no_grad", lambda: tt.zeros(2, requires_grad=True).zero_(), RuntimeError, r"a leaf Variable that requires grad"),
    ("storing floats in an int tensor", lambda: add_in_place(tt.tensor([1, 2]), 0.5), RuntimeError, r"result type float32 can't be cast to the desired output type int64"),
    (".data = a numpy array", lambda: set_data(tt.zeros(2), np.zeros(2)), TypeError, r"Variable data has to be a tensor"),
    (".data = ints for a weight", lambda: set_data(tt.zeros(2, requires_grad=True), tt.zeros(2, dtype=tt.int64)), RuntimeError, r"must be floating point"),
    ("gradcheck in float32", lambda: tt.gradcheck(lambda a: a.exp(), [tt.tensor([1.0], requires_grad=True)]), TypeError, r"input 0 is (tinytorch\.)?float32; use float64"),
    ("a numpy array into an op", lambda: nn.Linear(3, 2)(np.zeros((4, 3), np.float32)), TypeError, r"Linear: its inputs must be tensors, got \(ndarray"),
    # layers and modules
    ("Linear(2.5, 3)", lambda: nn.Linear(2.5, 3), TypeError, r"in_features must be an integer"),
    ("Linear on a 0-d tensor", lambda: nn.Linear(3, 2)(tt.tensor(1.0)), RuntimeError, r"linear: the input is 0-d; it needs a last axis of 3 features"),
    ("Linear, wrong features", lambda: nn.Linear(3, 2)(tt.zeros(4, 5)), RuntimeError, r"input of shape \(4, 5\) has 5 features, but the weight \(2, 3\) expects 3"),
    ("Linear on uint8 pixels", lambda: nn.Linear(3, 2)(tt.tensor(np.zeros((4, 3), np.uint8))), RuntimeError, r"same dtype, but got uint8 and float32: convert the input \(x.to\(tinytorch.float32\), pixel values scaled"),
    ("Linear on float64 data", lambda: nn.Linear(3, 2)(tt.tensor(np.zeros((4, 3)), dtype=np.float64)), RuntimeError, r"same dtype, but got float64 and float32: convert the input"),
    ("Sequential given a class", lambda: nn.Sequential(nn.ReLU), TypeError, r"0: type is not a Module subclass \(the class ReLU itself: did you forget the parentheses"),
    ("Dropout(1.5)", lambda: nn.Dropout(1.5), ValueError, r"got 1.5"),
    ("Dropout(-0.1)", lambda: nn.Dropout(-0.1), ValueError, r"dropout probability has to be between 0 and 1, but got -0.1"),
    ("Module.to(int64)", lambda: nn.Linear(2, 2).to(np.int64), TypeError, r"nn.Module.to only accepts floating point .* dtypes, but got desired dtype=tinytorch.int64"),
    ("Module.train('yes')", lambda: nn.Linear(2, 2).train("yes"), ValueError, r"training mode is expected to be boolean"),
    ("load_state_dict, keys missing", lambda: nn.Linear(2, 2).load_state_dict({}), RuntimeError, r'Missing key\(s\) in state_dict: "weight", "bias"'),
    ("load_state_dict, wrong shape", lambda: nn.Linear(2, 2).load_state_dict({"weight": tt.zeros(3, 2), "bias": tt.zeros(2)}), RuntimeError, r"size mismatch for weight"),
    ("load_state_dict, text values", lambda: nn.Linear(2, 2).load_state_dict({"weight": [["a", "b"], ["c", "d"]], "bias": np.zeros(2)}), RuntimeError, r'While copying the parameter named "weight", expected torch.Tensor or Tensor-like object'),
    ("a Module without forward", lambda: nn.Module()(1), NotImplementedError, r"is missing the required \"forward\" function"),
    # losses
    ("cross_entropy on integer logits", lambda: F.cross_entropy(tt.tensor([[1, 2]]), tt.tensor([0])), NotImplementedError, r"the scores are int64; they must be floating-point"),
    ("cross_entropy on float targets", lambda: F.cross_entropy(tt.zeros(2, 3), tt.tensor([0.0, 1.0])), RuntimeError, r"expected target dtype to be Long or Byte, but got float32"),
    ("cross_entropy on numpy targets", lambda: F.cross_entropy(tt.zeros(2, 3), np.array([0, 1])), TypeError, r"argument 'target' must be Tensor, not ndarray"),
    ("cross_entropy, target out of range", lambda: F.cross_entropy(tt.zeros(2, 3), tt.tensor([0, 3])), IndexError, r"Target 3 is out of bounds: the scores have 3 classes \(valid targets 0..2"),
    ("cross_entropy, negative target", lambda: F.cross_entropy(tt.zeros(2, 3), tt.tensor([0, -1])), IndexError, r"Target -1 is out of bounds"),
    ("cross_entropy, target count", lambda: F.cross_entropy(tt.zeros(2, 3), tt.tensor([0, 1, 2])), ValueError, r"Expected input batch_size \(2\) to match target batch_size \(3\)"),
    ("BCE on a probability above 1", lambda: F.binary_cross_entropy(tt.tensor([[1.5]]), tt.tensor([[1.0]])), RuntimeError, r"all elements of input should be between 0 and 1"),
    ("BCE, shapes differ", lambda: F.binary_cross_entropy(tt.tensor([[0.5], [0.4]]), tt.tensor([1.0, 0.0])), ValueError, r"Using a target size \(tinytorch.Size\(\[2\]\)\) that is different to the input size"),
    ("MSE, shapes that do not broadcast", lambda: quietly(F.mse_loss, tt.zeros(3), tt.zeros(4)), RuntimeError, r"\(3,\) and \(4,\)"),  # after PyTorch's warning
    # optimizers
    ("lr < 0", lambda: optim.SGD(PARAMS(), lr=-0.1), ValueError, r"Invalid learning rate: -0.1"),
    ("lr as text", lambda: optim.SGD(PARAMS(), lr="0.1"), TypeError, r"'<=' not supported between instances of 'float' and 'str'"),
    ("negative momentum", lambda: optim.SGD(PARAMS(), lr=0.1, momentum=-0.5), ValueError, r"Invalid momentum value: -0.5"),
    ("negative weight decay", lambda: optim.AdamW(PARAMS(), weight_decay=-1.0), ValueError, r"Invalid weight_decay value: -1.0"),
    ("Adam betas of 1.0", lambda: optim.Adam(PARAMS(), betas=(1.0, 0.999)), ValueError, r"Invalid beta parameter at index 0: 1.0"),
    ("Adam eps < 0", lambda: optim.Adam(PARAMS(), eps=-1), ValueError, r"Invalid epsilon value: -1"),
    ("an optimizer given a module", lambda: optim.SGD(nn.Linear(2, 1), lr=0.1), TypeError, r"should be an iterable of Tensors or dicts, but got Linear"),
    ("an empty parameter list", lambda: optim.SGD([], lr=0.1), ValueError, r"optimizer got an empty parameter list"),
    ("a computed tensor as a parameter", lambda: optim.SGD([tt.ones(2, requires_grad=True) * 2], lr=0.1), ValueError, r"can't optimize a non-leaf Tensor"),
    ("a .grad of the wrong shape", lambda: step_with(tt.ones(3)), RuntimeError, r"assigned grad has shape \(3,\)"),
    ("a float64 .grad for a float32 weight", lambda: step_with(tt.ones(1, 2, dtype=tt.float64)), RuntimeError, r"float64, the tensor \(1, 2\) and .*float32"),
    ("a numpy array as .grad", lambda: step_with(np.ones((1, 2), np.float32)), TypeError, r"assigned grad expected to be a Tensor or None but got grad of type ndarray"),
    # data (the errors of tinytorch's own checks where PyTorch's are incidental: an AssertionError, an IndexError)
    ("batch_size 2.5", lambda: DataLoader(TensorDataset(np.zeros(4)), batch_size=2.5), ValueError, r"batch_size should be a positive integer value, but got batch_size=2.5"),
    ("batch_size '4'", lambda: DataLoader(TensorDataset(np.zeros(4)), batch_size="4"), ValueError, r"but got batch_size=4"),
    ("batch_size 0", lambda: DataLoader(TensorDataset(np.zeros(4)), batch_size=0), ValueError, r"but got batch_size=0"),
    ("a fractional seed", lambda: DataLoader(TensorDataset(np.zeros(4)), 2, seed=1.5), TypeError, r"seed must be an integer, got 1.5"),
    ("arrays of different lengths", lambda: TensorDataset(np.zeros(3), np.zeros(4)), ValueError, r"different lengths \[3, 4\]"),
    ("a scalar dataset", lambda: TensorDataset(np.float32(3)), ValueError, r"needs one or more tensors with a first dimension"),
    ("make_blobs(0)", lambda: make_blobs(0), ValueError, r"make_blobs: n must be an integer >= 1, got 0"),
    ("make_xor(-5)", lambda: make_xor(-5), ValueError, r"make_xor: n must be an integer >= 1, got -5"),
    ("make_blobs, impossible margin", lambda: make_blobs(margin=5), ValueError, r"margin must be in \[0, sqrt\(2\)\)"),
    ("MNIST from an empty folder", lambda: load_mnist(root="/nonexistent", cache_dir="/nonexistent"), DatasetError, r"/nonexistent/train-images-idx3-ubyte.gz: file not found"),
    # training helpers
    ("fit for 0 epochs", lambda: fit(nn.Linear(2, 2), loader(), epochs=0), ValueError, r"fit: epochs must be an integer >= 1, got 0"),
    ("fit on an empty dataset", lambda: fit(nn.Linear(2, 2), loader(X4[:0], Y4[:0])), ValueError, r"train_epoch: the loader yielded no samples"),
    ("fit with a loss named as text", lambda: fit(nn.Linear(2, 2), loader(), "ce"), TypeError, r"loss_fn must be callable .* got str"),
    ("fit on float64 images", lambda: fit(nn.Linear(2, 2), loader(X4.astype(np.float64))), RuntimeError, r"same dtype, but got float64 and float32: convert the input"),
    ("fit BCE on integer labels", lambda: fit(nn.Sequential(nn.Linear(2, 1), nn.Sigmoid()), loader(y=np.zeros((4, 1), np.int64)), nn.BCELoss()), RuntimeError, r"Found dtype int64 but expected float32"),
    ("evaluate (N, 1) against (N,)", lambda: tt.evaluate(nn.Sequential(nn.Linear(2, 1), nn.Sigmoid()), loader(y=np.zeros(4, np.float32))), tt.ShapeError, r"outputs of shape \(2, 1\) and targets of shape \(2,\) do not pair up"),
    ("evaluate nothing", lambda: tt.evaluate(nn.Linear(2, 2), loader(X4[:0], Y4[:0])), ValueError, r"evaluate: the loader yielded no samples"),
    ("predict nothing", lambda: tt.predict(nn.Linear(2, 2), X4[:0]), ValueError, r"predict: x must hold one or more samples, got shape \(0, 2\)"),
    ("predict with batch_size 0", lambda: tt.predict(nn.Linear(2, 2), X4, batch_size=0), ValueError, r"predict: batch_size must be an integer >= 1, got 0"),
    ("set_num_threads(0)", lambda: tt.set_num_threads(0), RuntimeError, r"set_num_threads expects a positive integer, got 0"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "probe", "error", "message"), [p if hasattr(p, "marks") else pytest.param(*p, id=p[0]) for p in PROBES])
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
