"""The benchmark's reference: the GPT training step as a good student writes it in
plain numpy, forward and backward by hand, a textbook AdamW update."""

from __future__ import annotations

import math

import numpy as np

GELU_C, GELU_A = math.sqrt(2 / math.pi), 0.044715


class NumpyGPT:
    """nanoGPT's model (pre-norm blocks, GELU, causal attention) with its gradients
    written out layer by layer; weights as (in, out), numpy's usual layout."""

    def __init__(
        self,
        state: dict[str, np.ndarray],
        n_head: int,
        lr: float,
        weight_decay: float = 0.01,
    ) -> None:
        # linear weights transposed to (in, out): x @ W + b
        self.p = {
            k: np.ascontiguousarray(
                v.T if v.ndim == 2 and "wte" not in k and "wpe" not in k else v
            )
            for k, v in state.items()
        }
        self.n_head, self.lr, self.wd = n_head, lr, weight_decay
        self.layers = sorted(
            {int(k.split(".")[1]) for k in state if k.startswith("blocks")}
        )
        self.m = {k: np.zeros_like(v) for k, v in self.p.items()}
        self.v = {k: np.zeros_like(v) for k, v in self.p.items()}
        self.t = 0

    # ---------------------------------------------------------------- pieces
    @staticmethod
    def layer_norm(x, g, b):
        mu = x.mean(axis=-1, keepdims=True)
        xc = x - mu
        rstd = 1 / np.sqrt((xc * xc).mean(axis=-1, keepdims=True) + 1e-5)
        xhat = xc * rstd
        return xhat * g + b, (xhat, rstd, g)

    @staticmethod
    def layer_norm_back(d, cache):
        xhat, rstd, g = cache
        dxhat = d * g
        dx = rstd * (
            dxhat
            - dxhat.mean(axis=-1, keepdims=True)
            - xhat * (dxhat * xhat).mean(axis=-1, keepdims=True)
        )
        return dx, (d * xhat).sum(axis=(0, 1)), d.sum(axis=(0, 1))

    def attention(self, x, prefix):
        b, t, c = x.shape
        h, p = self.n_head, self.p
        q, k, v = (
            (x @ p[f"{prefix}.{n}_proj.weight"] + p[f"{prefix}.{n}_proj.bias"])
            .reshape(b, t, h, c // h)
            .transpose(0, 2, 1, 3)
            for n in "qkv"
        )
        att = q @ k.transpose(0, 1, 3, 2) / math.sqrt(c // h)
        att = np.where(np.tri(t, dtype=bool), att, -np.inf)
        att = np.exp(att - att.max(axis=-1, keepdims=True))
        att /= att.sum(axis=-1, keepdims=True)
        y = (att @ v).transpose(0, 2, 1, 3).reshape(b, t, c)
        out = y @ p[f"{prefix}.out_proj.weight"] + p[f"{prefix}.out_proj.bias"]
        return out, (x, q, k, v, att, y)

    def attention_back(self, d, cache, prefix, grads):
        x, q, k, v, att, y = cache
        b, t, c = x.shape
        p = self.p
        grads[f"{prefix}.out_proj.weight"] = y.reshape(-1, c).T @ d.reshape(-1, c)
        grads[f"{prefix}.out_proj.bias"] = d.sum(axis=(0, 1))
        dy = (d @ p[f"{prefix}.out_proj.weight"].T).reshape(b, t, self.n_head, -1)
        dy = dy.transpose(0, 2, 1, 3)
        dv = att.transpose(0, 1, 3, 2) @ dy
        datt = dy @ v.transpose(0, 1, 3, 2)
        dscores = att * (datt - (datt * att).sum(axis=-1, keepdims=True))
        dscores /= math.sqrt(c // self.n_head)
        dq, dk = dscores @ k, dscores.transpose(0, 1, 3, 2) @ q
        dx = np.zeros_like(x)
        for n, dh in zip("qkv", (dq, dk, dv), strict=True):
            dh = dh.transpose(0, 2, 1, 3).reshape(-1, c)
            grads[f"{prefix}.{n}_proj.weight"] = x.reshape(-1, c).T @ dh
            grads[f"{prefix}.{n}_proj.bias"] = dh.sum(axis=0)
            dx += (dh @ p[f"{prefix}.{n}_proj.weight"].T).reshape(b, t, c)
        return dx

    # ---------------------------------------------------------------- a step
    def forward(self, idx):
        """Logits (batch, time, vocab), and what the backward pass needs."""
        p = self.p
        t = idx.shape[1]
        x = p["wte.weight"][idx] + p["wpe.weight"][:t]
        caches = []
        for i in self.layers:
            pre = f"blocks.{i}"
            h1, ln1 = self.layer_norm(x, p[f"{pre}.ln_1.weight"], p[f"{pre}.ln_1.bias"])
            a, att = self.attention(h1, f"{pre}.attn")
            x = x + a
            h2, ln2 = self.layer_norm(x, p[f"{pre}.ln_2.weight"], p[f"{pre}.ln_2.bias"])
            u = h2 @ p[f"{pre}.mlp.0.weight"] + p[f"{pre}.mlp.0.bias"]
            th = np.tanh(GELU_C * (u + GELU_A * u * u * u))  # not u**3: slow in float32
            g = 0.5 * u * (1 + th)
            x = x + g @ p[f"{pre}.mlp.2.weight"] + p[f"{pre}.mlp.2.bias"]
            caches.append((ln1, att, ln2, h2, u, th, g))
        hf, lnf = self.layer_norm(x, p["ln_f.weight"], p["ln_f.bias"])
        return hf @ p["lm_head.weight"], (x, caches, hf, lnf)

    def loss_and_grads(self, idx, targets):
        """Forward and backward of one batch: (mean cross-entropy, gradients,
        correct next-token predictions)."""
        p, grads = self.p, {}
        t = idx.shape[1]
        logits, (x, caches, hf, lnf) = self.forward(idx)
        hits = int((logits.argmax(axis=-1) == targets).sum())
        z = logits.reshape(-1, logits.shape[-1])
        z = z - z.max(axis=1, keepdims=True)
        ez = np.exp(z)
        sums = ez.sum(axis=1, keepdims=True)
        rows, flat = np.arange(len(z)), targets.reshape(-1)
        loss = float(np.mean(np.log(sums[:, 0]) - z[rows, flat]))
        dz = ez / sums
        dz[rows, flat] -= 1
        dz /= len(z)
        dz = dz.reshape(logits.shape)
        c = x.shape[-1]
        grads["lm_head.weight"] = hf.reshape(-1, c).T @ dz.reshape(-1, dz.shape[-1])
        dx, grads["ln_f.weight"], grads["ln_f.bias"] = self.layer_norm_back(
            dz @ p["lm_head.weight"].T, lnf
        )
        for i, (ln1, att, ln2, h2, u, th, g) in reversed(
            list(zip(self.layers, caches, strict=True))
        ):
            pre = f"blocks.{i}"
            grads[f"{pre}.mlp.2.weight"] = g.reshape(-1, g.shape[-1]).T @ dx.reshape(
                -1, c
            )
            grads[f"{pre}.mlp.2.bias"] = dx.sum(axis=(0, 1))
            dg = dx @ p[f"{pre}.mlp.2.weight"].T
            du = dg * (
                0.5 * (1 + th)
                + 0.5 * u * (1 - th * th) * GELU_C * (1 + 3 * GELU_A * u * u)
            )
            grads[f"{pre}.mlp.0.weight"] = h2.reshape(-1, c).T @ du.reshape(
                -1, du.shape[-1]
            )
            grads[f"{pre}.mlp.0.bias"] = du.sum(axis=(0, 1))
            dh2, grads[f"{pre}.ln_2.weight"], grads[f"{pre}.ln_2.bias"] = (
                self.layer_norm_back(du @ p[f"{pre}.mlp.0.weight"].T, ln2)
            )
            dx = dx + dh2
            dh1 = self.attention_back(dx, att, f"{pre}.attn", grads)
            dh1, grads[f"{pre}.ln_1.weight"], grads[f"{pre}.ln_1.bias"] = (
                self.layer_norm_back(dh1, ln1)
            )
            dx = dx + dh1
        grads["wpe.weight"] = np.zeros_like(p["wpe.weight"])
        grads["wpe.weight"][:t] = dx.sum(axis=0)
        grads["wte.weight"] = np.zeros_like(p["wte.weight"])
        np.add.at(grads["wte.weight"], idx.reshape(-1), dx.reshape(-1, c))
        return loss, grads, hits

    def step(self, grads: dict[str, np.ndarray]) -> None:
        """AdamW (decoupled weight decay) as textbook numpy expressions."""
        self.t += 1
        b1, b2, eps = 0.9, 0.999, 1e-8
        for k, param in self.p.items():
            g, m, v = grads[k], self.m[k], self.v[k]
            param *= 1 - self.lr * self.wd
            m[:] = b1 * m + (1 - b1) * g
            v[:] = b2 * v + (1 - b2) * g * g
            m_hat = m / (1 - b1**self.t)
            v_hat = v / (1 - b2**self.t)
            param -= self.lr * m_hat / (np.sqrt(v_hat) + eps)


class NumpyRun:
    """The reference in training: batches in the given order, a step each."""

    def __init__(
        self,
        state: dict[str, np.ndarray],
        n_head: int,
        lr: float,
        x: np.ndarray,
        y: np.ndarray,
        batch_size: int,
    ) -> None:
        self.model, self.batch_size = NumpyGPT(state, n_head, lr), batch_size
        self.x, self.y = x, y

    def epoch(self, order: np.ndarray) -> tuple[float, float]:
        total, hits, seen = 0.0, 0, 0
        for start in range(0, len(order), self.batch_size):
            idx = order[start : start + self.batch_size]
            loss, grads, right = self.model.loss_and_grads(self.x[idx], self.y[idx])
            self.model.step(grads)
            total += loss * self.y[idx].size
            hits += right
            seen += self.y[idx].size
        return total / seen, hits / seen

    def accuracy(self, x: np.ndarray, y: np.ndarray) -> float:
        return float((self.model.forward(x)[0].argmax(axis=-1) == y).mean())
