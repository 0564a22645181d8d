"""Losses with mean reduction, as torch's defaults.

Call ``loss(pred, target)`` for the value, then ``loss.backward()`` for dL/dpred.
Accepted shapes, and no others (a target that would merely broadcast is an error):

    pred (N, K)      target (N, K)        one model: a float
    pred (M, N, K)   target (N, K)        M stacked models sharing the target: shape (M,)

CrossEntropyLoss also takes class indices (N,) or (N, 1) as the target. Each stacked
model's slice of the gradient is the gradient of its own loss.
"""
import numpy as np

from .module import Module, as_float_array


def _check_pair(name, pred, target):
    """pred (N, K) or (M, N, K) against target (N, K); ValueError naming both shapes."""
    if target.ndim != 2 or pred.shape[-2:] != target.shape or pred.ndim not in (2, 3):
        raise ValueError(f"{name}: prediction {pred.shape} and target {target.shape} do not "
                         f"match: expected prediction (N, K) or (M, N, K) with target (N, K)")


def _reduce(per_model_sum, count):
    """Sum over the sample axes divided by count: a float, or (M,) when stacked."""
    value = per_model_sum / count
    return float(value) if np.ndim(value) == 0 else value


class Loss(Module):
    """Base of the losses: ``loss(pred, target)`` is ``loss.forward(pred, target)``."""

    _checked = None     # the last target that passed its value checks (skipped when reused)

    def __call__(self, pred, target):
        return self.forward(pred, target)

    def _inputs(self, pred, target):
        """pred and target as float64 arrays of accepted shapes."""
        name = type(self).__name__
        pred = as_float_array(pred, f"{name}: prediction")
        target = as_float_array(target, f"{name}: target")
        _check_pair(name, pred, target)
        return pred, target

    def _cache(self, value):
        if value is None:
            raise ValueError(f"{type(self).__name__}: backward called before forward")
        return value


class MSELoss(Loss):
    """mean((pred - target)^2); dL/dpred = 2 (pred - target) / (N K)."""

    _diff = None

    def forward(self, pred, target):
        pred, target = self._inputs(pred, target)
        self._diff = diff = pred - target
        self._count = target.size
        if diff.ndim == 2:
            flat = diff.ravel()
            return float(flat @ flat) / self._count
        return np.einsum("mnk,mnk->m", diff, diff) / self._count

    def backward(self, dout=1.0):
        diff = self._cache(self._diff)
        return (2.0 * dout / self._count) * diff


class BCELoss(Loss):
    """Binary cross-entropy on probabilities p in [0, 1]; targets in [0, 1] (labels 0/1 or
    probabilities).

    Finite at p = 0 and p = 1: each log is clamped at -100 and the gradient's
    denominator p (1 - p) at 1e-12, as torch does.
    """

    _pred = None

    def forward(self, pred, target):
        pred, target = self._inputs(pred, target)
        if target is not self._checked:
            if not np.all((target >= 0) & (target <= 1)):
                bad = target[~((target >= 0) & (target <= 1))]
                raise ValueError(f"BCELoss: target values must lie in [0, 1] (labels 0/1), "
                                 f"got {bad[:3].tolist()}")
            self._checked = target
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
        p, t = self._cache(self._pred), self._target
        return (dout / self._count) * (p - t) / np.maximum(p * (1.0 - p), 1e-12)


def softmax(logits):
    """Row-wise softmax over the last axis, stable for large logits."""
    shifted = logits - logits.max(axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=-1, keepdims=True)


def log_softmax(logits):
    """log(softmax(logits)) over the last axis, computed without overflow."""
    shifted = logits - logits.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


class CrossEntropyLoss(Loss):
    """Softmax + cross-entropy on logits (N, K) (or (M, N, K)), fused.

    target: class indices (N,) or (N, 1), integers in [0, K) (floats with integer values
    are accepted), or one-hot / probabilities (N, K).
    dL/dlogits = (softmax(logits) - onehot) / N: no per-sample Jacobian.
    """

    _prob = None

    def forward(self, pred, target):
        pred = as_float_array(pred, "CrossEntropyLoss: prediction")
        target = np.asarray(target)
        if target.ndim == 1 or (target.ndim == 2 and target.shape[1] == 1 and pred.shape[-1] != 1):
            target = self._one_hot(target, pred.shape[-1])
        pred, target = self._inputs(pred, target)
        log_p = log_softmax(pred)
        self._prob, self._target, self._n = np.exp(log_p), target, target.shape[0]
        return _reduce(-(target * log_p).sum(axis=(-2, -1)), self._n)

    @staticmethod
    def _one_hot(target, k):
        """Class indices (N,) or (N, 1) -> one-hot (N, k); ValueError for other values."""
        if target.dtype.kind not in "iuf" or target.size == 0:
            raise ValueError(f"CrossEntropyLoss: class indices must be integers, got "
                             f"{target.dtype} array of shape {target.shape}")
        labels = target.reshape(-1)
        if target.dtype.kind == "f":
            if not np.all(np.isfinite(labels) & (labels == np.round(labels))):
                bad = labels[~(np.isfinite(labels) & (labels == np.round(labels)))]
                raise ValueError(f"CrossEntropyLoss: class indices must be integers, got "
                                 f"{bad[:3].tolist()}")
            labels = labels.astype(np.int64)
        if labels.min() < 0 or labels.max() >= k:
            raise ValueError(f"CrossEntropyLoss: class indices must lie in [0, {k}) for {k} "
                             f"logits, got range [{labels.min()}, {labels.max()}]")
        return np.eye(k)[labels]

    def backward(self, dout=1.0):
        prob = self._cache(self._prob)
        return (dout / self._n) * (prob - self._target)


LOSSES = {"mse": MSELoss, "bce": BCELoss, "cross_entropy": CrossEntropyLoss}


def loss(name):
    """A new loss by name; unknown names raise ValueError listing the choices."""
    if isinstance(name, Loss):
        return name
    if not isinstance(name, str) or name not in LOSSES:
        raise ValueError(f"unknown loss {name!r}; choose one of {sorted(LOSSES)}")
    return LOSSES[name]()
