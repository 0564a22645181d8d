"""Losses with mean reduction, as torch's defaults.

Call ``loss(pred, target)`` for the value, then ``loss.backward()`` for dL/dpred.
pred is (N, K), or (M, N, K) on the models axis; target is (N, K) (class indices (N,)
for cross-entropy) and is shared by every model. A single model gives a float;
stacked models give one value per model, shape (M,), and each model's slice of the
gradient is the gradient of its own loss.
"""
import numpy as np

from .module import Module


def _check_pair(name, pred, target):
    if pred.shape[-target.ndim:] != target.shape or pred.ndim not in (target.ndim, target.ndim + 1):
        raise ValueError(f"{name}: prediction {pred.shape} and target {target.shape} do not match")


def _reduce(per_model_sum, count):
    """Sum over the sample axes divided by count: a float, or (M,) when stacked."""
    value = per_model_sum / count
    return float(value) if np.ndim(value) == 0 else value


class Loss(Module):
    def __call__(self, pred, target):
        return self.forward(pred, target)


class MSELoss(Loss):
    """mean((pred - target)^2); dL/dpred = 2 (pred - target) / (N K)."""

    def forward(self, pred, target):
        target = np.asarray(target, dtype=np.float64)
        _check_pair("MSELoss", pred, target)
        self._diff = diff = pred - target
        self._count = target.size
        if diff.ndim == 2:
            flat = diff.ravel()
            return float(flat @ flat) / self._count
        return np.einsum("mnk,mnk->m", diff, diff) / self._count

    def backward(self, dout=1.0):
        return (2.0 * dout / self._count) * self._diff


class BCELoss(Loss):
    """Binary cross-entropy on probabilities p in [0, 1].

    Finite at p = 0 and p = 1: each log is clamped at -100 and the gradient's
    denominator p (1 - p) at 1e-12, as torch does.
    """

    def forward(self, pred, target):
        target = np.asarray(target, dtype=np.float64)
        _check_pair("BCELoss", pred, target)
        if np.any((pred < 0) | (pred > 1)):
            raise ValueError("BCELoss: predictions must be probabilities in [0, 1]; "
                             "use an output sigmoid, or CrossEntropyLoss on logits")
        self._pred, self._target, self._count = pred, target, target.size
        with np.errstate(divide="ignore"):
            log_p = np.maximum(np.log(pred), -100.0)
            log_q = np.maximum(np.log1p(-pred), -100.0)
        terms = target * log_p + (1.0 - target) * log_q
        return _reduce(-terms.sum(axis=(-2, -1)), self._count)

    def backward(self, dout=1.0):
        p, t = self._pred, self._target
        return (dout / self._count) * (p - t) / np.maximum(p * (1.0 - p), 1e-12)


def softmax(logits):
    """Row-wise softmax over the last axis, stable for large logits."""
    shifted = logits - logits.max(axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=-1, keepdims=True)


def log_softmax(logits):
    shifted = logits - logits.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


class CrossEntropyLoss(Loss):
    """Softmax + cross-entropy on logits (N, K), fused.

    target: class indices (N,) or (N, 1) of ints, or one-hot / probabilities (N, K).
    dL/dlogits = (softmax(logits) - onehot) / N: no per-sample Jacobian.
    """

    def forward(self, pred, target):
        target = np.asarray(target)
        k = pred.shape[-1]
        if np.issubdtype(target.dtype, np.integer):
            labels = target.reshape(-1)
            if target.ndim > 2 or (target.ndim == 2 and target.shape[1] != 1):
                raise ValueError(f"CrossEntropyLoss: class indices must be (N,) or (N, 1), got {target.shape}")
            if labels.size and (labels.min() < 0 or labels.max() >= k):
                raise ValueError(f"CrossEntropyLoss: class indices must lie in [0, {k}), "
                                 f"got range [{labels.min()}, {labels.max()}]")
            target = np.eye(k)[labels]
        target = target.astype(np.float64)
        _check_pair("CrossEntropyLoss", pred, target)
        log_p = log_softmax(pred)
        self._prob, self._target, self._n = np.exp(log_p), target, target.shape[0]
        return _reduce(-(target * log_p).sum(axis=(-2, -1)), self._n)

    def backward(self, dout=1.0):
        return (dout / self._n) * (self._prob - self._target)


LOSSES = {"mse": MSELoss, "bce": BCELoss, "cross_entropy": CrossEntropyLoss}


def loss(name):
    """A new loss by name; unknown names raise ValueError listing the choices."""
    if isinstance(name, Loss):
        return name
    if name not in LOSSES:
        raise ValueError(f"unknown loss {name!r}; choose one of {sorted(LOSSES)}")
    return LOSSES[name]()
