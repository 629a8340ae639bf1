"""The everyday tensor surface against PyTorch: creation, random sampling (shapes,
dtypes, ranges and reproducibility, not PyTorch's numbers), shapes, selection,
pointwise math, comparisons, reductions and orderings, matrix products and einsum,
and the Tensor methods and in-place methods training code uses. Values, dtypes,
shapes, gradients and the kind of error are compared."""

from __future__ import annotations

import numpy as np
import pytest

from .harness import Case, case, check

X = np.array([[0.5, -1.25, 2.0], [3.5, 0.0, -2.5]], np.float32)  # (2, 3)
Y = np.array([[1.5, 0.25, -2.0], [0.5, 4.0, 1.0]], np.float32)
V = np.array([0.3, -0.7, 1.9, 0.1], np.float32)  # distinct values
B = np.random.default_rng(0).uniform(-1, 1, (2, 3, 4)).astype(np.float32)
HERE: list[Case] = []


def here(id: str, *names: str, **options) -> object:
    def register(run):
        made = case(id, *names, **options)(run)
        HERE.append(made)
        return made

    return register


def grad_of(m, array, f, dtype=None):
    """f(x) and x's gradient after backward of f(x) * weights (a fixed pattern)."""
    x = m.tensor(array, requires_grad=True, dtype=dtype)
    out = f(x)
    weights = np.arange(1, out.numel() + 1, dtype=np.float64).reshape(tuple(out.shape))
    (out * m.tensor(weights, dtype=out.dtype)).sum().backward()
    return out, x.grad


# ------------------------------------------------------------------ creation


@here("zeros, ones, empty, full: sizes and dtypes", "tinytorch.zeros", "tinytorch.ones",
      "tinytorch.empty", "tinytorch.full")  # fmt: skip
def _(m):
    e = m.empty(2, 3)
    return (m.zeros(2, 3), m.ones((2,)), m.zeros([]), m.ones(2, dtype=m.int64),
            m.full((2, 2), 7), m.full((2,), True), m.full((1,), 2.5), m.full((2,), 3, dtype=m.float64),
            e.shape, e.dtype, m.zeros(2, requires_grad=True).requires_grad)  # fmt: skip


@pytest.mark.parametrize(
    "bad", ["negative", "fractional", "int requires grad", "full of an int"]
)
def test_factories_refuse_as_pytorch(bad: str) -> None:
    run = {"negative": lambda m: m.zeros(-1), "fractional": lambda m: m.ones(2.5),
           "int requires grad": lambda m: m.zeros(2, dtype=m.int64, requires_grad=True),
           "full of an int": lambda m: m.full(2, 1.0)}[bad]  # fmt: skip
    check(Case(f"factory: {bad}", (), run))


@here("the _like factories keep shape and dtype", "tinytorch.zeros_like", "tinytorch.ones_like",
      "tinytorch.empty_like", "tinytorch.full_like")  # fmt: skip
def _(m):
    i = m.tensor([[1, 2]])
    x = m.tensor(X)
    return (m.zeros_like(i), m.ones_like(x), m.empty_like(i).shape, m.empty_like(x).dtype,
            m.full_like(x, 3), m.full_like(i, 2.7), m.zeros_like(i, dtype=m.float32),
            m.ones_like(x, requires_grad=True).requires_grad)  # fmt: skip


@here("new_* take the tensor's dtype", "tinytorch.Tensor.new_zeros", "tinytorch.Tensor.new_ones",
      "tinytorch.Tensor.new_full", "tinytorch.Tensor.new_tensor", "tinytorch.Tensor.new_empty")  # fmt: skip
def _(m):
    x = m.tensor(X, dtype=m.float64)
    return (x.new_zeros(2, 3), x.new_ones((2,)), x.new_full((2,), 5), x.new_tensor([1, 2]),
            x.new_empty(3).shape, x.new_empty(3).dtype, x.new_zeros(2, dtype=m.int64))  # fmt: skip


@here("arange: ends, steps, dtypes", "tinytorch.arange")
def _(m):
    return (m.arange(5), m.arange(2, 7), m.arange(0, 1, 0.1), m.arange(5.0), m.arange(10, 0, -3),
            m.arange(0, 5, dtype=m.float32), m.arange(2.5, dtype=m.int64), m.arange(m.tensor(3)),
            m.arange(0, 1, 0.25, dtype=m.float64))  # fmt: skip


@pytest.mark.parametrize("bad", ["zero step", "wrong sign", "infinite"])
def test_arange_refuses_as_pytorch(bad: str) -> None:
    run = {"zero step": lambda m: m.arange(0, 5, 0), "wrong sign": lambda m: m.arange(5, 0),
           "infinite": lambda m: m.arange(0, float("inf"))}[bad]  # fmt: skip
    check(Case(f"arange: {bad}", (), run))


@here(
    "linspace, logspace, eye",
    "tinytorch.linspace",
    "tinytorch.logspace",
    "tinytorch.eye",
)
def _(m):
    return (m.linspace(0, 1, 5), m.linspace(-2, 10, 7), m.linspace(0, 10, 4, dtype=m.int64),
            m.linspace(3, 3, 1), m.linspace(0, 1, 0), m.logspace(0, 2, 3), m.logspace(0, 3, 4, base=2),
            m.eye(3), m.eye(2, 3), m.eye(2, dtype=m.int64))  # fmt: skip


@here("linspace with negative steps", "tinytorch.linspace")
def _(m):
    return m.linspace(0, 1, -1)


# ------------------------------------------------------------------ random sampling


def _draws(m, generator=None):
    g = {} if generator is None else {"generator": generator}
    return (m.rand(3, 2, **g), m.randn(4, **g), m.randint(5, (6,), **g), m.randint(-3, 3, (2, 2), **g),
            m.randperm(5, **g), m.normal(0.0, 1.0, (3,), **g), m.normal(m.zeros(2, 2), 2.0, **g),
            m.multinomial(m.tensor([0.1, 0.2, 0.7]), 2, **g), m.bernoulli(m.full((3,), 0.5), **g))  # fmt: skip


def _summary(draws):
    """What the two libraries share: shapes, dtypes and ranges (not the numbers)."""
    rand, randn, ints, signed, perm, normal, normal_t, picks, coins = draws
    return ([(tuple(d.shape), d.dtype) for d in draws],
            bool(((rand >= 0) & (rand < 1)).all()), bool(((ints >= 0) & (ints < 5)).all()),
            bool(((signed >= -3) & (signed < 3)).all()), sorted(perm.tolist()),
            len(set(picks.tolist())), bool(((coins == 0) | (coins == 1)).all()))  # fmt: skip


@here("random factories: shapes, dtypes, ranges", "tinytorch.rand", "tinytorch.randn", "tinytorch.randint",
      "tinytorch.randperm", "tinytorch.normal", "tinytorch.multinomial", "tinytorch.bernoulli")  # fmt: skip
def _(m):
    return _summary(_draws(m))


@here("manual_seed repeats a run and returns the default generator", "tinytorch.manual_seed",
      "tinytorch.default_generator", "tinytorch.initial_seed", "tinytorch.seed")  # fmt: skip
def _(m):
    g = m.manual_seed(123)
    seeded = m.initial_seed()
    first = _draws(m)
    m.manual_seed(123)
    again = _draws(m)
    same = all(bool((a == b).all()) for a, b in zip(first, again, strict=True))
    fresh = m.seed()
    return (same, g is m.default_generator, seeded, isinstance(fresh, int),
            m.initial_seed() == fresh)  # fmt: skip


@here("a Generator of one's own", "tinytorch.Generator")
def _(m):
    g = m.Generator().manual_seed(7)
    a = _draws(m, g)
    m.rand(5)  # the default generator's draws leave g alone
    g.manual_seed(7)
    b = _draws(m, g)
    return (all(bool((x == y).all()) for x, y in zip(a, b, strict=True)), g.initial_seed(),
            m.Generator().manual_seed(-1).initial_seed(), _summary(a))  # fmt: skip


@here(
    "the _like random factories",
    "tinytorch.rand_like",
    "tinytorch.randn_like",
    "tinytorch.randint_like",
)
def _(m):
    x = m.zeros(2, 3, dtype=m.float64)
    r, n, i = m.rand_like(x), m.randn_like(x), m.randint_like(x, 4)
    return (r.shape, r.dtype, n.shape, n.dtype, i.dtype, bool(((i >= 0) & (i < 4)).all()),
            set(m.randint_like(x, 2, 3).tolist()[0]))  # fmt: skip


@pytest.mark.parametrize("bad", ["low >= high", "negative std", "negative weight", "zero weights",
                                 "too many without replacement", "3-d weights", "integer weights",
                                 "rand of ints"])  # fmt: skip
def test_sampling_refuses_as_pytorch(bad: str) -> None:
    run = {"low >= high": lambda m: m.randint(5, 3, (2,)), "negative std": lambda m: m.normal(0.0, -1.0, (2,)),
           "negative weight": lambda m: m.multinomial(m.tensor([0.5, -0.5]), 1),
           "zero weights": lambda m: m.multinomial(m.tensor([0.0, 0.0]), 1),
           "too many without replacement": lambda m: m.multinomial(m.tensor([0.2, 0.8]), 3),
           "3-d weights": lambda m: m.multinomial(m.ones(1, 1, 2), 1),
           "integer weights": lambda m: m.multinomial(m.tensor([1, 2]), 1),
           "rand of ints": lambda m: m.rand(2, dtype=m.int64)}[bad]  # fmt: skip
    check(Case(f"sampling: {bad}", (), run))


@here(
    "multinomial: rows, replacement, zero weights last", "tinytorch.Tensor.multinomial"
)
def _(m):
    m.manual_seed(0)
    p = m.tensor([[0.0, 1.0, 0.0], [0.5, 0.0, 0.5]])
    many = p.multinomial(50, replacement=True)
    drawn = m.tensor([0.0, 0.9, 0.1]).multinomial(3)
    return (many.shape, many.dtype, set(many[0].tolist()), set(many[1].tolist()) <= {0, 2},
            sorted(drawn.tolist()), drawn[0].item() in (1, 2), drawn[2].item())  # fmt: skip


@here("in-place random fills", "tinytorch.Tensor.uniform_", "tinytorch.Tensor.normal_",
      "tinytorch.Tensor.bernoulli_")  # fmt: skip
def _(m):
    w = m.zeros(100, dtype=m.float64)
    u = w.uniform_(-2, -1)
    inside = bool(((w >= -2) & (w < -1)).all())
    n = m.zeros(1000).normal_(3.0, 0.5)
    c = m.zeros(50).bernoulli_(0.5)
    return (u is w, inside, w.dtype, abs(n.mean().item() - 3) < 0.1, abs(n.std().item() - 0.5) < 0.1,
            bool(((c == 0) | (c == 1)).all()))  # fmt: skip


@pytest.mark.parametrize("bad", ["uniform_ from > to", "normal_ negative std", "uniform_ of ints",
                                 "uniform_ of a leaf that requires grad"])  # fmt: skip
def test_random_fills_refuse_as_pytorch(bad: str) -> None:
    run = {"uniform_ from > to": lambda m: m.zeros(2).uniform_(1, 0),
           "normal_ negative std": lambda m: m.zeros(2).normal_(0, -1),
           "uniform_ of ints": lambda m: m.zeros(2, dtype=m.int64).uniform_(),
           "uniform_ of a leaf that requires grad": lambda m: m.zeros(2, requires_grad=True).uniform_()}[bad]  # fmt: skip
    check(Case(bad, (), run))


# ------------------------------------------------------------------ shapes


@here("views: view, view_as, reshape_as, swapaxes, movedim, unflatten", "tinytorch.Tensor.view",
      "tinytorch.Tensor.view_as", "tinytorch.Tensor.reshape_as", "tinytorch.swapaxes", "tinytorch.swapdims",
      "tinytorch.movedim", "tinytorch.unflatten")  # fmt: skip
def _(m):
    b = m.tensor(B)
    return (b.view(4, 6), b.view(-1), b.view(2, -1, 2), b.view_as(m.zeros(6, 4)), b.reshape_as(m.zeros(24)),
            m.swapaxes(b, 0, 2), b.swapdims(1, -1), m.movedim(b, 0, -1), b.movedim((0, 1), (2, 0)),
            m.unflatten(b, 2, (2, 2)), b.unflatten(-1, (-1, 1)), b.flatten(1), m.flatten(b, 0, 1))  # fmt: skip


@pytest.mark.parametrize(
    "bad", ["view of a transpose", "view(dtype)", "unflatten sizes", "movedim lengths"]
)
def test_views_refuse_as_pytorch(bad: str) -> None:
    run = {"view of a transpose": lambda m: m.tensor(X).t().view(-1),
           "unflatten sizes": lambda m: m.tensor(X).unflatten(1, (2, 2)),
           "movedim lengths": lambda m: m.tensor(B).movedim((0, 1), 2)}.get(bad)  # fmt: skip
    if run is None:  # PyTorch reinterprets the bytes; tinytorch refuses (a difference)
        with pytest.raises(NotImplementedError, match=r"view\(dtype\).*\.to\(dtype\)"):
            __import__("tinytorch").tensor(X).view(__import__("tinytorch").int32)
        return
    check(Case(f"views: {bad}", (), run))


@here("views share memory and gradients flow", "tinytorch.Tensor.expand", "tinytorch.Tensor.expand_as",
      "tinytorch.broadcast_to", "tinytorch.select", "tinytorch.narrow", "tinytorch.unbind")  # fmt: skip
def _(m):
    x = m.tensor(X)
    e = x[:1].expand(3, -1)
    v = x.narrow(1, 1, 2)
    v[0, 0] = 9.0  # an edit through a view is an edit of x
    out, grad = grad_of(
        m, X, lambda t: t[:, :1].expand(2, 3) * t.expand_as(m.zeros(4, 2, 3))
    )
    return (e, m.broadcast_to(m.tensor(V), (2, 4)), x, m.select(x, 1, -1), x.select(0, 0), m.narrow(x, 1, -2, 2),
            m.unbind(x, 1), x.unbind(), out, grad, x[0].expand(2, 2, 3).shape)  # fmt: skip


@pytest.mark.parametrize("bad", ["expand too few", "expand a size", "expand -1 in front", "narrow past the end",
                                 "write into an expanded tensor"])  # fmt: skip
def test_expand_and_narrow_refuse_as_pytorch(bad: str) -> None:
    run = {"expand too few": lambda m: m.tensor(X).expand(3),
           "expand a size": lambda m: m.tensor(X).expand(2, 4),
           "expand -1 in front": lambda m: m.tensor(X).expand(-1, 2, 3),
           "narrow past the end": lambda m: m.tensor(X).narrow(1, 2, 2),
           "write into an expanded tensor": lambda m: m.tensor(V)[:1].expand(3).add_(1)}[bad]  # fmt: skip
    check(Case(f"shape: {bad}", (), run))


@here(
    "split, chunk",
    "tinytorch.split",
    "tinytorch.chunk",
    "tinytorch.Tensor.split",
    "tinytorch.Tensor.chunk",
)
def _(m):
    x, r = m.tensor(X), m.arange(6)
    return (x.split(2, 1), m.split(x, [1, 2], 1), x.split(1), r.chunk(4), m.chunk(m.arange(5), 3),
            x.chunk(2, dim=-1), grad_of(m, X, lambda t: t.split([2, 1], 1)[0] * 2))  # fmt: skip


@here("split sizes that do not add up", "tinytorch.split")
def _(m):
    return m.tensor(X).split([1, 1], 1)


@here("cat, concat, concatenate, stack", "tinytorch.cat", "tinytorch.concat", "tinytorch.concatenate",
      "tinytorch.stack")  # fmt: skip
def _(m):
    x, y = m.tensor(X), m.tensor(Y)
    wide = m.cat([x, m.zeros(1, 3, dtype=m.float64)])
    joined, grad = grad_of(m, X, lambda t: m.cat([t, t * 2, t[:, :1]], dim=1))
    stacked, grad2 = grad_of(m, X, lambda t: m.stack((t, t * t), -1))
    return (m.cat((x, y)), m.concat([x, y], dim=-1), m.concatenate([x, y], axis=1), m.cat([x, m.zeros(0)]),
            wide.dtype, m.stack([x, y]), m.stack([x, y], 2).shape, joined, grad, stacked, grad2)  # fmt: skip


@pytest.mark.parametrize(
    "bad", ["cat of nothing", "cat of 0-d", "cat sizes", "stack sizes"]
)
def test_joining_refuses_as_pytorch(bad: str) -> None:
    run = {"cat of nothing": lambda m: m.cat([]), "cat of 0-d": lambda m: m.cat([m.tensor(1.0)]),
           "cat sizes": lambda m: m.cat([m.zeros(2, 3), m.zeros(1, 2)]),
           "stack sizes": lambda m: m.stack([m.zeros(2, 3), m.zeros(1, 3)])}[bad]  # fmt: skip
    check(Case(f"joining: {bad}", (), run))


@here("flip, roll, repeat, repeat_interleave", "tinytorch.flip", "tinytorch.roll", "tinytorch.Tensor.repeat",
      "tinytorch.repeat_interleave")  # fmt: skip
def _(m):
    x = m.tensor(X)
    flipped = x.flip(0)
    flipped[0, 0] = 100.0  # a copy: x is unchanged
    return (flipped, x, m.flip(x, [0, 1]), x.roll(1), m.roll(x, -1, 1), x.roll((1, 1), (0, 1)),
            x.repeat(2, 1, 2), x.repeat(1, 1), m.repeat_interleave(x, 2), x.repeat_interleave(2, dim=0),
            x.repeat_interleave(m.tensor([1, 2]), dim=0), m.repeat_interleave(m.tensor([1, 2])),
            grad_of(m, X, lambda t: t.flip(1) * 3), grad_of(m, X, lambda t: t.roll(1, 1)),
            grad_of(m, X, lambda t: t.repeat(2, 2)), grad_of(m, X, lambda t: t.repeat_interleave(2, 1)))  # fmt: skip


@here("repeat with too few counts", "tinytorch.Tensor.repeat")
def _(m):
    return m.tensor(X).repeat(2)


@here(
    "tril, triu",
    "tinytorch.tril",
    "tinytorch.triu",
    "tinytorch.Tensor.tril_",
    "tinytorch.Tensor.triu_",
)
def _(m):
    x, b = m.tensor(X), m.tensor(B)
    big = m.tensor([[np.inf, 1.0], [2.0, -np.inf]])
    y = x.clone()
    y.tril_(1)
    return (x.tril(), m.tril(x, -1), b.triu(1), m.triu(x, diagonal=-1), big.tril(), big.triu(), y,
            m.ones(2, 2, dtype=m.int64).triu(), m.ones(3, 3, dtype=m.bool).tril(),
            grad_of(m, B, lambda t: t.tril(1)))  # fmt: skip


@here("tril of a vector", "tinytorch.tril")
def _(m):
    return m.tril(m.tensor(V))


# ------------------------------------------------------------------ selection


@here(
    "where: three arguments, one, numbers, promotion",
    "tinytorch.where",
    "tinytorch.Tensor.where",
)
def _(m):
    x, y = m.tensor(X), m.tensor(Y)
    c = x > 0
    out, grad = grad_of(m, X, lambda t: m.where(c, t, t * t))
    return (m.where(c, x, y), m.where(c, x, 0), m.where(c, 1.0, 0.0), m.where(c, 1, 0), m.where(c, 2, x),
            m.where(c, x, m.tensor(0.0, dtype=m.float64)).dtype, m.where(c, x, m.zeros(3, dtype=m.float64)).dtype,
            m.where(c), x.where(c, -1.0), out, grad,
            grad_of(m, X, lambda t: m.where(c, t, m.tensor(np.inf))))  # fmt: skip


@here("where with an integer condition", "tinytorch.where")
def _(m):
    return m.where(m.tensor([1, 0]), 1.0, 0.0)


@here("masked_fill, masked_select", "tinytorch.masked_fill", "tinytorch.masked_select",
      "tinytorch.Tensor.masked_fill_")  # fmt: skip
def _(m):
    x = m.tensor(X)
    mask = x > 1
    y = x.clone()
    y.masked_fill_(mask, -1.0)
    scores = grad_of(m, X, lambda t: t.masked_fill(mask, float("-inf")).softmax(-1))
    value = m.tensor(2.0, requires_grad=True)
    filled = x.masked_fill(mask, value)
    filled.sum().backward()
    return (x.masked_fill(mask, 1.5), m.masked_fill(x.long(), mask, 1.5), x.masked_fill(m.tensor([True, False, True]), 0),
            x[0].masked_fill(mask, -1), y, scores, value.grad, m.masked_select(x, mask),
            x.masked_select(m.tensor([True, False, True])), grad_of(m, X, lambda t: t.masked_select(t > 0)))  # fmt: skip


@pytest.mark.parametrize("bad", ["masked_fill long mask", "masked_fill 1-d value", "masked_fill_ to a larger shape"])
def test_masked_fill_refuses_as_pytorch(bad: str) -> None:
    run = {"masked_fill long mask": lambda m: m.tensor(X).masked_fill((m.tensor(X) > 1).long(), 0),
           "masked_fill 1-d value": lambda m: m.tensor(X).masked_fill(m.tensor(X) > 1, m.tensor([1.0, 2.0])),
           "masked_fill_ to a larger shape": lambda m: m.tensor(V).masked_fill_(m.ones(2, 4, dtype=m.bool), 0)}[bad]  # fmt: skip
    check(Case(bad, (), run))


@here("gather, take_along_dim, index_select", "tinytorch.gather", "tinytorch.take_along_dim",
      "tinytorch.index_select")  # fmt: skip
def _(m):
    x = m.tensor(X)
    idx = m.tensor([[0, 0], [2, 1]])
    return (x.gather(1, idx), m.gather(x, 0, m.tensor([[1, 0, 1]])), x.gather(1, idx.int()),
            m.take_along_dim(x, m.tensor([[0], [2]]), 1), m.take_along_dim(x, m.tensor([5, 0])),
            m.take_along_dim(x, m.tensor([[0, 2]]), 1), x.index_select(1, m.tensor([2, 0, 2])),
            m.index_select(x, 0, m.tensor([1])), x.index_select(1, m.tensor(2)),
            grad_of(m, X, lambda t: t.gather(1, idx)), grad_of(m, X, lambda t: t.index_select(1, m.tensor([2, 0, 2]))),
            grad_of(m, X, lambda t: m.take_along_dim(t, m.tensor([[1], [1]]), 1)))  # fmt: skip


@pytest.mark.parametrize("bad", ["gather out of range", "gather of another rank", "index_select 2-d index",
                                 "gather of floats"])  # fmt: skip
def test_gather_refuses_as_pytorch(bad: str) -> None:
    run = {"gather out of range": lambda m: m.tensor(X).gather(1, m.tensor([[0, 5]])),
           "gather of another rank": lambda m: m.tensor(X).gather(1, m.tensor([0, 1])),
           "index_select 2-d index": lambda m: m.tensor(X).index_select(1, m.tensor([[2]])),
           "gather of floats": lambda m: m.tensor(X).gather(1, m.tensor([[0.0]]))}[bad]  # fmt: skip
    check(Case(bad, (), run))


@here("scatter, scatter_add", "tinytorch.scatter", "tinytorch.scatter_add", "tinytorch.Tensor.scatter_",
      "tinytorch.Tensor.scatter_add_")  # fmt: skip
def _(m):
    x = m.tensor(X)
    idx = m.tensor([[0], [2]])
    y = x.clone()
    y.scatter_(1, idx, 9.0)
    z = m.zeros(3, 3)
    z.scatter_add_(0, m.tensor([[0, 1, 2], [0, 0, 0]]), m.ones(2, 3))
    src = m.tensor(Y[:, :1], requires_grad=True)
    out, grad = grad_of(m, X, lambda t: t.scatter(1, idx, src))
    more = m.tensor(Y[:1], requires_grad=True)
    added, grad2 = grad_of(
        m, X, lambda t: m.scatter_add(t, 0, m.tensor([[0, 0, 0]]), more)
    )
    return (x.scatter(1, idx, 9.0), m.scatter(x, 1, idx, m.tensor([[7.0, 8.0], [9.0, 10.0]])), y, z,
            x.scatter(1, idx, m.tensor(Y)), out, grad, added, grad2, src.grad, more.grad)  # fmt: skip


@here("nonzero, argwhere", "tinytorch.nonzero", "tinytorch.argwhere")
def _(m):
    x = m.tensor(X)
    return (x.nonzero(), m.nonzero(x, as_tuple=True), m.argwhere(x > 1), m.tensor(3.0).nonzero(),
            m.zeros(2).nonzero().shape, x.nonzero().dtype)  # fmt: skip


@here("a 0-d integer tensor as an index is a view", "tinytorch.Tensor.__getitem__")
def _(m):
    x = m.tensor(X)
    row = x[m.tensor(1)]
    row[0] = 42.0
    return x, x[m.tensor(0), m.tensor(2)], [5, 6, 7][m.tensor(2)]


# ------------------------------------------------------------------ pointwise math

P = np.array([[0.3, 1.2, 2.5], [0.7, 1.9, 0.05]], np.float32)  # positive
U = np.array([[0.3, -0.6, 0.9], [-0.2, 0.5, -0.95]], np.float32)  # inside (-1, 1)
R = np.array([[-1.5, -0.5, 0.5], [1.5, 2.5, -2.7]], np.float32)  # halves: rounding
UNARY = {  # name: the inputs it is defined on
    "exp": X, "log": P, "log2": P, "log10": P, "log1p": P, "expm1": X, "sqrt": P, "rsqrt": P, "reciprocal": P,
    "square": X, "abs": X, "sign": X, "sin": X, "cos": X, "tan": U, "asin": U, "acos": U, "atan": X, "sinh": X,
    "cosh": X, "tanh": X, "sigmoid": X, "relu": X, "floor": R, "ceil": R, "trunc": R, "round": R, "frac": R,
}  # fmt: skip


def _unary_case(name: str, values: np.ndarray) -> None:
    @here(f"{name}: values, gradient, integers, in place", f"tinytorch.{name}", f"tinytorch.Tensor.{name}",
          f"tinytorch.Tensor.{name}_", rtol=2e-5)  # fmt: skip
    def _(m):
        fn = getattr(m, name)
        x = m.tensor(values)
        y = x.clone()
        getattr(y, f"{name}_")()
        ints = (
            m.tensor([[1, 2, 3]])
            if name not in ("log", "log2", "log10")
            else m.tensor([[1, 4, 8]])
        )
        return (
            fn(x),
            getattr(x, name)(),
            y,
            grad_of(m, values, fn),
            grad_of(m, values.astype(np.float64), fn),
            fn(ints),
        )


for _name, _values in UNARY.items():
    _unary_case(_name, _values)


@here("round to decimals, sign of zero and nan", "tinytorch.round", "tinytorch.sign")
def _(m):
    x = m.tensor([1.234, -5.678, 2.5, 0.0, float("nan")])
    return (
        m.round(x, decimals=1),
        x.round(decimals=2),
        m.sign(x),
        m.sign(m.tensor([True, False])),
    )


@here("abs of booleans", "tinytorch.abs")
def _(m):
    return m.abs(m.tensor([True]))


@here("arithmetic with tensors and numbers", "tinytorch.add", "tinytorch.sub", "tinytorch.mul", "tinytorch.div",
      "tinytorch.floor_divide", "tinytorch.neg", "tinytorch.pow")  # fmt: skip
def _(m):
    x, y, i = m.tensor(X), m.tensor(Y), m.tensor([[7, -7, 3]])
    return (m.add(x, y, alpha=2), m.sub(x, 1.5), m.mul(x, y), m.div(x, y), m.div(i, 2),
            m.div(x, y, rounding_mode="floor"), m.div(x, y, rounding_mode="trunc"), m.div(i, 2, rounding_mode="floor"),
            m.div(i, -2, rounding_mode="trunc"), m.floor_divide(x, 0.75), m.neg(x), m.pow(x, 2), m.pow(i, 2),
            m.pow(m.tensor(P), m.tensor(Y)), 2 ** m.tensor(X), grad_of(m, P, lambda t: t ** m.tensor(Y)))  # fmt: skip


@here("div with an unknown rounding mode", "tinytorch.div")
def _(m):
    return m.div(m.tensor(X), 2, rounding_mode="round")


@here("remainder and fmod: signs, gradients, integers", "tinytorch.remainder", "tinytorch.fmod",
      "tinytorch.Tensor.fmod_")  # fmt: skip
def _(m):
    x, i = m.tensor(R), m.tensor([[5, -5, 7]])
    other = m.tensor(Y + 2, requires_grad=True)
    out, grad = grad_of(m, R, lambda t: m.remainder(t, other) + m.fmod(t, other))
    y = x.clone()
    y.fmod_(1.5)
    return (m.remainder(x, 1.5), m.fmod(x, 1.5), x % -1.5, m.remainder(i, 3), m.fmod(i, 3), m.remainder(i, -3),
            out, grad, other.grad, y)  # fmt: skip


@here("integer remainder by zero", "tinytorch.remainder")
def _(m):
    return m.tensor([5, -5]) % 0


@here(
    "maximum, minimum: ties split the gradient, nan wins",
    "tinytorch.maximum",
    "tinytorch.minimum",
)
def _(m):
    a = m.tensor([1.0, 2.0, 3.0, float("nan")], requires_grad=True)
    b = m.tensor([1.0, 5.0, 0.0, 1.0], requires_grad=True)
    (m.maximum(a, b) * m.tensor([1.0, 2.0, 3.0, 4.0])).sum().backward()
    ga, gb = a.grad.clone(), b.grad.clone()
    a.grad = b.grad = None
    (m.minimum(a, b) * m.tensor([1.0, 2.0, 3.0, 4.0])).sum().backward()
    return (m.maximum(a, b), m.minimum(a, b), ga, gb, a.grad, b.grad,
            m.maximum(m.tensor([1, 2]), m.tensor([1.5, 0.5])), m.tensor(X).maximum(m.tensor(Y)), m.max(a, b))  # fmt: skip


@here("maximum with a number", "tinytorch.maximum")
def _(m):
    return m.maximum(m.tensor(X), 1)


@here(
    "clamp with numbers and tensors",
    "tinytorch.clamp",
    "tinytorch.clip",
    "tinytorch.Tensor.clamp_",
)
def _(m):
    x = m.tensor([0.0, 5.0, 2.0, 1.0, -3.0, float("nan")], requires_grad=True)
    lo = m.tensor([1.0, 2.0, 3.0, 1.0, 1.0, 0.0], requires_grad=True)
    hi = m.tensor([1.0, 3.0, 2.0, 4.0, 0.0, 1.0], requires_grad=True)
    out = m.clamp(x, lo, hi)
    (out * m.arange(1.0, 7.0)).sum().backward()
    y = m.tensor(X)
    y.clamp_(max=1.0)
    return (out, x.grad, lo.grad, hi.grad, m.clamp(m.tensor(X), -1, 1), m.clip(m.tensor(X), min=0.0),
            m.clamp(m.tensor([1, 2, 3]), 1.5), m.clamp(m.tensor([1, 5]), 2, 4), m.clamp(m.tensor(X), 2.0, 1.0),
            m.clamp(m.tensor(X), min=m.tensor(0.0)), m.clamp(m.tensor(X), max=m.tensor([0.0, 1.0, 2.0])), y)  # fmt: skip


@here("clamp without bounds", "tinytorch.clamp")
def _(m):
    return m.clamp(m.tensor(X))


@here("lerp", "tinytorch.lerp", "tinytorch.Tensor.lerp_")
def _(m):
    start, end = m.tensor(X), m.tensor(Y)
    w = m.tensor([0.0, 0.3, 1.0], requires_grad=True)
    out, grad = grad_of(m, X, lambda t: m.lerp(t, end, w))
    y = start.clone()
    y.lerp_(end, 0.75)
    return m.lerp(start, end, 0.5), m.lerp(start, end, 1.0), out, grad, w.grad, y


# ------------------------------------------------------------------ comparisons


@here(
    "isclose, allclose, equal",
    "tinytorch.isclose",
    "tinytorch.allclose",
    "tinytorch.equal",
)
def _(m):
    a = m.tensor([1.0, 2.0, float("nan"), float("inf")])
    b = m.tensor([1.0 + 1e-6, 2.1, float("nan"), float("inf")])
    return (m.isclose(a, b), m.isclose(a, b, equal_nan=True), a.isclose(b, rtol=0.1), m.allclose(a[:1], b[:1]),
            m.allclose(a, b), a.allclose(b, rtol=0.1, equal_nan=True), m.equal(a[:2], a[:2].clone()),
            m.equal(m.tensor([1, 2]), m.tensor([1.0, 2.0])), m.equal(m.tensor([1, 2]), m.tensor([1, 2, 3])),
            m.tensor(X).equal(m.tensor(Y)))  # fmt: skip


@here("isclose of two dtypes", "tinytorch.isclose")
def _(m):
    return m.isclose(m.tensor([1, 2]), m.tensor([1.0, 2.0]))


@here("isnan, isinf, isfinite, logical ops", "tinytorch.isnan", "tinytorch.isinf", "tinytorch.isfinite",
      "tinytorch.logical_and", "tinytorch.logical_or", "tinytorch.logical_xor", "tinytorch.logical_not")  # fmt: skip
def _(m):
    a = m.tensor([1.0, float("nan"), float("inf"), -float("inf"), 0.0])
    i, f = m.tensor([1, 0, 2]), m.tensor([2.0, 3.0, 0.0])
    return (m.isnan(a), a.isinf(), m.isfinite(a), m.isnan(i), m.logical_and(i, f), i.logical_or(f),
            m.logical_xor(i, f), m.logical_not(f), (a > 0).logical_not(), m.tensor(X) >= m.tensor(Y),
            m.ne(m.tensor(X), 0.0), m.lt(m.tensor(X), 1), m.le(m.tensor(X), m.tensor(Y)), m.gt(m.tensor(X), 0),
            m.ge(m.tensor([1, 2]), 1.5))  # fmt: skip


@here("sort, argsort: stable, descending, nan last", "tinytorch.sort", "tinytorch.argsort",
      "tinytorch.return_types")  # fmt: skip
def _(m):
    x = m.tensor([[3.0, 1.0, 2.0, 1.0], [float("nan"), 0.0, -1.0, 0.0]])
    s = x.sort(stable=True)
    d = m.sort(x, dim=1, descending=True, stable=True)
    values, indices = m.sort(m.tensor(B), 0)
    return (s.values, s.indices, d, values, indices, m.argsort(x, stable=True), x.argsort(descending=True, stable=True),
            m.tensor([True, False]).sort(), m.tensor(3.0).sort(), isinstance(s, m.return_types.sort),
            grad_of(m, V, lambda t: t.sort(descending=True).values))  # fmt: skip


@here("topk: largest, smallest, along a dim", "tinytorch.topk")
def _(m):
    v = m.tensor(V)
    t = v.topk(2)
    b = m.topk(m.tensor(B), 3, dim=1, largest=False)
    return (t.values, t.indices, b, m.topk(v, 4), m.tensor(3.0).topk(1), isinstance(t, m.return_types.topk),
            grad_of(m, V, lambda x: x.topk(2).values), grad_of(m, B, lambda x: x.topk(2, 1).values))  # fmt: skip


@here("topk of too many", "tinytorch.topk")
def _(m):
    return m.tensor(V).topk(5)


# ------------------------------------------------------------------ reductions


@here("sum, mean, prod with dim and keepdim, numpy's names too", "tinytorch.sum", "tinytorch.mean",
      "tinytorch.prod")  # fmt: skip
def _(m):
    b, i = m.tensor(B), m.tensor([[1, 2], [3, 4]], dtype=m.int32)
    z = m.tensor([[2.0, 0.0, 3.0], [0.0, 0.0, 1.5]])
    return (b.sum((0, 2)), m.sum(b, -1, keepdim=True), b.sum(axis=1, keepdims=True), m.mean(b, (0, 1)),
            b.mean(dim=-1, keepdim=True), m.prod(b), b.prod(1), m.prod(b, -1, keepdim=True), i.prod(), i.prod(0),
            m.prod(m.tensor([True, False])), m.zeros(2, 0).prod(1), i.sum(dtype=m.float32),
            grad_of(m, B, lambda t: t.prod(1)), grad_of(m, np.asarray(z), lambda t: t.prod(1)),
            grad_of(m, np.asarray(z), lambda t: t.prod()), grad_of(m, B, lambda t: t.mean((0, 2))))  # fmt: skip


@here("max/min: values and indices; amax/amin split ties", "tinytorch.max", "tinytorch.min", "tinytorch.amax",
      "tinytorch.amin", "tinytorch.argmax", "tinytorch.argmin")  # fmt: skip
def _(m):
    t = m.tensor([[1.0, 5.0, 5.0], [7.0, 0.0, 7.0]])
    mx = t.max(1, keepdim=True)
    return (mx.values, mx.indices, m.min(t, 0), t.max(), m.min(t), m.amax(t, 1), t.amin((0, 1)), t.amax(-1, True),
            m.argmax(t), t.argmin(1), m.argmax(t, 0, keepdim=True), m.tensor([True, False]).min(),
            m.tensor([3, 1]).amax(), m.tensor(2.0).max(0), isinstance(mx, m.return_types.max),
            isinstance(t.min(0), m.return_types.min),
            grad_of(m, np.asarray(t), lambda x: x.amax(1)), grad_of(m, np.asarray(t), lambda x: x.max(1).values),
            grad_of(m, np.asarray(t), lambda x: x.max()), grad_of(m, np.asarray(t), lambda x: x.amin(0)))  # fmt: skip


@pytest.mark.parametrize("bad", ["max of nothing", "amax of nothing", "amax over an empty dim",
                                 "max over an empty dim", "mean of integers", "sum over a missing dim"])  # fmt: skip
def test_reductions_refuse_as_pytorch(bad: str) -> None:
    run = {"max of nothing": lambda m: m.zeros(0).max(), "amax of nothing": lambda m: m.zeros(0).amax(),
           "amax over an empty dim": lambda m: m.zeros(2, 0).amax(1),
           "max over an empty dim": lambda m: m.zeros(2, 0).max(1),
           "mean of integers": lambda m: m.tensor([1, 2]).mean(),
           "sum over a missing dim": lambda m: m.zeros(2, 3).sum(5)}[bad]  # fmt: skip
    check(Case(bad, (), run))


@here("var, std: correction, unbiased, var_mean, std_mean", "tinytorch.var", "tinytorch.std",
      "tinytorch.var_mean", "tinytorch.std_mean")  # fmt: skip
def _(m):
    b = m.tensor(B)
    return (b.var(), m.var(b, 1), b.var(1, keepdim=True), b.var((0, 2), correction=0), m.std(b, unbiased=False),
            b.std(-1, True, True), b.var(False), m.var(b, dim=1, correction=2),
            m.var_mean(b, 1), m.std_mean(b, (0, 1), correction=0), m.std(b, axis=0), b.var(dim=None, keepdim=True),
            grad_of(m, B, lambda t: t.var(1)), grad_of(m, B, lambda t: t.std(0, correction=0)))  # fmt: skip


@here("var of integers", "tinytorch.var")
def _(m):
    return m.tensor([1, 2]).var()


@here(
    "any, all, count_nonzero",
    "tinytorch.any",
    "tinytorch.all",
    "tinytorch.count_nonzero",
)
def _(m):
    x = m.tensor(X)
    return (x.any(), m.all(x), m.any(x > 2, 1), x.all(0, keepdim=True), m.any(x, dim=(0, 1)),
            m.tensor([1, 0], dtype=m.uint8).any(), m.tensor([1, 2]).all(0, True), m.count_nonzero(x),
            x.count_nonzero(1), m.count_nonzero(x, (0, 1)))  # fmt: skip


@here("cumsum, cumprod: dtypes, zeros in the gradient", "tinytorch.cumsum", "tinytorch.cumprod",
      "tinytorch.Tensor.cumsum_")  # fmt: skip
def _(m):
    b = m.tensor(B)
    z = np.array(
        [[2.0, 0.0, 3.0, 0.5], [0.0, 1.5, 0.0, 2.0], [1.0, 2.0, 3.0, 4.0]], np.float64
    )
    y = m.tensor(X)
    y.cumsum_(1)
    return (m.cumsum(b, 1), b.cumprod(-1), m.tensor([True, True]).cumsum(0), m.tensor([1, 2], dtype=m.int32).cumprod(0),
            m.tensor(3.0).cumsum(0), m.cumsum(b, 0, dtype=m.float64), y, grad_of(m, B, lambda t: t.cumsum(2)),
            grad_of(m, z, lambda t: t.cumprod(1)), grad_of(m, z, lambda t: t.cumprod(0)))  # fmt: skip


@here("logsumexp", "tinytorch.logsumexp")
def _(m):
    big = m.tensor(
        [[1000.0, 1000.0], [-float("inf"), -float("inf")], [0.0, -float("inf")]]
    )
    return (m.logsumexp(m.tensor(B), 1), m.tensor(B).logsumexp((0, 2), keepdim=True), big.logsumexp(1),
            m.tensor([[1, 2]]).logsumexp(1), grad_of(m, B, lambda t: t.logsumexp(-1)))  # fmt: skip


@here("norm: p, dims, zero vectors", "tinytorch.norm")
def _(m):
    b = m.tensor(B)
    zero = np.zeros((2, 3), np.float32)
    return (b.norm(), m.norm(b, dim=1), b.norm(1), b.norm(p=float("inf"), dim=-1), b.norm(-float("inf")),
            b.norm(0), b.norm(3, dim=(0, 1)), b.norm("fro", dim=(1, 2), keepdim=True), b.norm(dtype=m.float64),
            grad_of(m, B, lambda t: t.norm(dim=-1)), grad_of(m, B, lambda t: t.norm(1, 0)),
            grad_of(m, B, lambda t: t.norm(3)), grad_of(m, zero, lambda t: t.norm(dim=1)),
            grad_of(m, zero, lambda t: t.norm()))  # fmt: skip


@here("norm of integers", "tinytorch.norm")
def _(m):
    return m.tensor([1, 2]).norm()


# ------------------------------------------------------------------ matrix products


@here("matmul, mm, bmm, dot, outer", "tinytorch.matmul", "tinytorch.mm", "tinytorch.bmm", "tinytorch.dot",
      "tinytorch.outer")  # fmt: skip
def _(m):
    a, b3 = m.tensor(X), m.tensor(B)
    return (m.matmul(a, a.T), m.mm(a, m.tensor(Y).T), m.bmm(b3, b3.transpose(1, 2)), m.dot(m.tensor(V), m.tensor(V)),
            m.outer(m.tensor(V), m.tensor(V[:3])), a @ m.tensor(V[:3]), m.tensor([[1, 2]]) @ m.tensor([[3], [4]]),
            grad_of(m, X, lambda t: m.mm(t, t.T)), grad_of(m, V, lambda t: m.outer(t, t)))  # fmt: skip


@pytest.mark.parametrize("bad", ["mm of a vector", "bmm of matrices", "dot of two lengths", "dot of two dtypes",
                                 "matmul of two dtypes", "matmul inner sizes"])  # fmt: skip
def test_products_refuse_as_pytorch(bad: str) -> None:
    run = {"mm of a vector": lambda m: m.mm(m.ones(2, 3), m.ones(3)),
           "bmm of matrices": lambda m: m.bmm(m.ones(2, 2, 3), m.ones(3, 2)),
           "dot of two lengths": lambda m: m.dot(m.ones(2), m.ones(3)),
           "dot of two dtypes": lambda m: m.dot(m.ones(2), m.ones(2, dtype=m.float64)),
           "matmul of two dtypes": lambda m: m.ones(2, 2) @ m.ones(2, 2, dtype=m.float64),
           "matmul inner sizes": lambda m: m.ones(2, 3) @ m.ones(2, 3)}[bad]  # fmt: skip
    check(Case(bad, (), run))


EINSUMS = [("ij,jk->ik", [X, Y.T]), ("ij,jk", [X, Y.T]), ("bij,bkj->bik", [B, B]), ("ii->i", [B[0, :, :3]]),
           ("ii", [B[0, :, :3]]), ("ij->ji", [X]), ("ij->", [X]), ("i,j->ij", [V, V]), ("...ij,jk->...ik", [B, B[0].T]),
           ("bhqd,bhkd->bhqk", [B.reshape(1, 2, 3, 4), B.reshape(1, 2, 3, 4)]), ("ij,ij->i", [X, Y]),
           ("i j , j k -> i k", [X, Y.T]), ("ij,kj", [X[:1], Y]), ("...i,...i", [B, B[0]]), ("bi,bj->bij", [X, Y]),
           ("ijk->k", [B]), ("ij,jk,kl->il", [X, Y.T, X])]  # fmt: skip


@pytest.mark.parametrize(("equation", "arrays"), EINSUMS, ids=[e for e, _ in EINSUMS])
def test_einsum_against_pytorch(equation: str, arrays: list[np.ndarray]) -> None:
    def run(m):
        tensors = [m.tensor(a.astype(np.float64), requires_grad=True) for a in arrays]
        out = m.einsum(equation, *tensors)
        (
            out * m.arange(1.0, out.numel() + 1, dtype=m.float64).reshape(out.shape)
        ).sum().backward()
        return out, [t.grad for t in tensors]

    check(Case(f"einsum {equation}", ("tinytorch.einsum",), run))


@here("einsum: a list of operands, promotion", "tinytorch.einsum")
def _(m):
    return (m.einsum("ij,jk->ik", [m.tensor(X), m.tensor(Y).T]),
            m.einsum("bi,bj->bij", m.tensor(X), m.tensor(Y, dtype=m.float64)),
            m.einsum("i,i", m.tensor([1, 2]), m.tensor([3, 4])))  # fmt: skip


@pytest.mark.parametrize("bad", ["sizes differ", "too many operands"])
def test_einsum_refuses_as_pytorch(bad: str) -> None:
    run = {"sizes differ": lambda m: m.einsum("ij,jk->ik", m.ones(2, 3), m.ones(4, 4)),
           "too many operands": lambda m: m.einsum("ij->ij", m.ones(2, 3), m.ones(4, 4))}[bad]  # fmt: skip
    check(Case(bad, (), run))


# ------------------------------------------------------------------ the plumbing


@here("size, dim, numel, tolist, item, type_as", "tinytorch.Tensor.size", "tinytorch.Tensor.dim",
      "tinytorch.Tensor.numel", "tinytorch.Tensor.tolist", "tinytorch.Tensor.item", "tinytorch.Tensor.type_as")  # fmt: skip
def _(m):
    b = m.tensor(B)
    return (b.size(), b.size(1), b.size(-1), b.dim(), b.numel(), m.tensor(X).tolist(), m.tensor(2.5).item(),
            m.tensor([7]).item(), m.tensor(X).type_as(m.tensor([1])), m.tensor([1, 2]).type_as(m.tensor(X)))  # fmt: skip


@here("item of many values", "tinytorch.Tensor.item")
def _(m):
    return m.tensor(X).item()


@here("zero_, fill_, copy_ in place, in the graph", "tinytorch.Tensor.zero_", "tinytorch.Tensor.fill_",
      "tinytorch.Tensor.copy_")  # fmt: skip
def _(m):
    x = m.tensor(X)
    view = x[0]
    view.fill_(2.5)
    ints = m.zeros(3, dtype=m.int64)
    ints.fill_(2.7)
    w = m.tensor(V, requires_grad=True)
    y = w * 2
    y.zero_()
    z = m.zeros(2, 4)
    z.copy_(w * 3)  # broadcast, and in the graph
    (z.sum() + y.sum()).backward()
    c = m.zeros(2, dtype=m.int64)
    c.copy_(m.tensor([2.7, -1.5]))
    f = m.zeros(2)
    f.fill_(m.tensor(4.0))
    return x, ints, y, y.requires_grad, z, w.grad, c, f, m.zeros(3).copy_(m.tensor(2.0))


@pytest.mark.parametrize("bad", ["fill_ with a vector", "copy_ of another shape", "copy_ of a list",
                                 "zero_ of a leaf that requires grad"])  # fmt: skip
def test_fills_refuse_as_pytorch(bad: str) -> None:
    run = {"fill_ with a vector": lambda m: m.zeros(2).fill_(m.tensor([1.0, 2.0])),
           "copy_ of another shape": lambda m: m.zeros(3).copy_(m.ones(2, 3)),
           "copy_ of a list": lambda m: m.zeros(3).copy_([1, 2, 3]),
           "zero_ of a leaf that requires grad": lambda m: m.ones(2, requires_grad=True).zero_()}[bad]  # fmt: skip
    check(Case(bad, (), run))


@here("in-place arithmetic methods", "tinytorch.Tensor.add_", "tinytorch.Tensor.sub_", "tinytorch.Tensor.mul_",
      "tinytorch.Tensor.div_", "tinytorch.Tensor.clamp_", "tinytorch.Tensor.pow_", "tinytorch.Tensor.neg_")  # fmt: skip
def _(m):
    x = m.tensor(X)
    x.add_(m.tensor(Y), alpha=2).sub_(1).mul_(m.tensor(Y)).div_(2.0).clamp_(-3, 3).pow_(
        2
    ).neg_()
    w = m.tensor(V, requires_grad=True)
    y = w * 1
    y.mul_(w).add_(w, alpha=3).clamp_(max=1.0).div_(2)
    y.sum().backward()
    with m.no_grad():
        w.mul_(2)
    return x, y, w.grad, w


@here("in place: float results into integers are refused", "tinytorch.Tensor.div_")
def _(m):
    return m.tensor([1, 2]).div_(2)


@here("constants", "tinytorch.inf", "tinytorch.nan", "tinytorch.pi", "tinytorch.e")
def _(m):
    return m.inf, m.nan, m.pi, m.e, m.tensor([m.inf]).isinf()


@here(
    "the shape functions of the core, as functions",
    "tinytorch.reshape",
    "tinytorch.permute",
    "tinytorch.flatten",
    "tinytorch.squeeze",
    "tinytorch.unsqueeze",
    "tinytorch.t",
    "tinytorch.clone",
    "tinytorch.softmax",
    "tinytorch.log_softmax",
)
def _(m):
    b = m.tensor(B)
    return (m.reshape(b, (4, -1)), m.permute(b, (2, 0, 1)), m.flatten(b), m.squeeze(b[:1]),
            m.squeeze(b[:1], 0), m.unsqueeze(b, -1).shape, m.t(m.tensor(X)), m.clone(b),
            m.softmax(b, -1), m.log_softmax(b, dim=0))  # fmt: skip


@here(
    "comparisons as functions",
    "tinytorch.eq",
    "tinytorch.ne",
    "tinytorch.lt",
    "tinytorch.le",
    "tinytorch.gt",
    "tinytorch.ge",
)
def _(m):
    x, y = m.tensor(X), m.tensor(Y)
    return (m.eq(x, y), m.ne(x, 0.0), m.lt(x, y), m.le(x, 1), m.gt(x, m.tensor(0.5)),
            m.ge(m.tensor([1, 2]), 1.5), x == 0.5, x != y, x < 1, x <= y, x > y, x >= 0)  # fmt: skip


@here(
    "dtypes, sizes, devices and the submodules by their names",
    "tinytorch.dtype",
    "tinytorch.bool",
    "tinytorch.uint8",
    "tinytorch.int8",
    "tinytorch.int16",
    "tinytorch.short",
    "tinytorch.int32",
    "tinytorch.int",
    "tinytorch.int64",
    "tinytorch.long",
    "tinytorch.float16",
    "tinytorch.half",
    "tinytorch.float32",
    "tinytorch.float",
    "tinytorch.float64",
    "tinytorch.double",
    "tinytorch.get_default_dtype",
    "tinytorch.set_default_dtype",
    "tinytorch.Size",
    "tinytorch.Tensor",
    "tinytorch.device",
    "tinytorch.inference_mode",
    "tinytorch.cuda",
    "tinytorch.nn",
    "tinytorch.optim",
    "tinytorch.utils",
)
def _(m):
    kinds = [m.bool, m.uint8, m.int8, m.int16, m.short, m.int32, m.int, m.int64, m.long,
             m.float16, m.half, m.float32, m.float, m.float64, m.double]  # fmt: skip
    made = [m.zeros(1, dtype=k).dtype for k in kinds]
    m.set_default_dtype(m.float64)
    wide = m.tensor([1.5]).dtype, m.get_default_dtype()
    m.set_default_dtype(m.float32)
    with m.inference_mode():
        y = m.ones(2, requires_grad=True) * 2
    x = m.tensor(B)
    return (made, wide, m.get_default_dtype(), isinstance(m.float32, m.dtype), x.shape == m.Size([2, 3, 4]),
            isinstance(x, m.Tensor), m.device("cpu").type, x.device.type, y.requires_grad,
            m.cuda.is_available(), isinstance(m.nn.Linear(2, 2), m.nn.Module), hasattr(m.optim, "SGD"),
            hasattr(m.utils.data, "DataLoader"))  # fmt: skip


@here(
    "sizes and dims by keyword, and numpy's axis=",
    "tinytorch.Tensor.reshape",
    "tinytorch.Tensor.permute",
    "tinytorch.Tensor.flip",
    "tinytorch.Tensor.expand",
    "tinytorch.Tensor.repeat",
    "tinytorch.cat",
    "tinytorch.stack",
)
def _(m):
    x = m.tensor(X)
    i = m.tensor([[0, 1]])
    return (x.reshape(shape=(3, 2)), m.reshape(x, shape=(6,)), x.view(size=(3, 2)), x.permute(dims=(1, 0)),
            m.flip(x, dims=(0,)), x.flip(dims=[1]), x[:1].expand(size=(3, 3)), x.repeat(repeats=(2, 1)),
            m.cat([x, x], axis=1), m.stack([x, x], axis=1), x.cumsum(axis=0), x.cumprod(axis=1),
            x.sort(axis=0), x.argsort(axis=0), x.topk(1, axis=0), x.gather(axis=1, index=i),
            x.index_select(axis=1, index=m.tensor([0])), x.chunk(2, axis=0), x.unbind(axis=1),
            x.narrow(axis=1, start=1, length=2), x.count_nonzero(axis=0), x.amax(axis=0), x.var(0, keepdims=True),
            x.transpose(dim0=0, dim1=1), x.squeeze(dim=0), x.unsqueeze(dim=0))  # fmt: skip


@here(
    "factories take size= by keyword",
    "tinytorch.zeros",
    "tinytorch.rand",
    "tinytorch.randn",
    "tinytorch.randint",
)
def _(m):
    x = m.zeros(size=(2, 3))
    r = [m.rand(size=(2,)), m.randn(size=[3, 1]), m.randint(0, 10, size=(3,)), m.randint(10, size=(2, 2)),
         m.randint(low=2, high=3, size=(2,)), m.empty(size=(1,)), m.ones(size=(2,))]  # fmt: skip
    return (
        x,
        x.new_zeros(size=(1, 2)),
        x.new_ones(2, 2),
        [(t.shape, t.dtype) for t in r],
        r[4],
    )


@pytest.mark.parametrize("c", HERE, ids=lambda c: c.id)
def test_against_pytorch(c: Case) -> None:
    check(c)
