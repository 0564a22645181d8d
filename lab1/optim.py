"""Optimizers with the update rules torch.optim documents.

Each updates ``param.data`` in place from ``param.grad`` and owns its state
(velocities, moments) in lists indexed like its parameter list.

On the models axis, lr (and momentum-free hyper-parameters) may be an array of
shape (M,): model m's parameters, the slice [m], use lr[m].
"""
import numpy as np


def _per_model(value, param, name):
    """A scalar, or an (M,) array reshaped to broadcast against a stacked parameter (M, ...)."""
    value = np.asarray(value, dtype=np.float64)
    if value.ndim == 0:
        return float(value)
    if value.ndim != 1 or param.data.ndim < 2 or value.shape[0] != param.data.shape[0]:
        raise ValueError(f"{name} of shape {value.shape} does not match a parameter of shape "
                         f"{param.data.shape}: per-model values need shape (M,)")
    return value.reshape((-1,) + (1,) * (param.data.ndim - 1))


def _check_range(name, value, low, high, low_open=False):
    values = np.asarray(value, dtype=np.float64)
    ok = (values > low) if low_open else (values >= low)
    if not (np.all(ok) and np.all(values < high) and np.all(np.isfinite(values))):
        bracket = "(" if low_open else "["
        raise ValueError(f"{name} must lie in {bracket}{low}, {high}), got {value!r}")


class Optimizer:
    def __init__(self, params, lr):
        self.params = list(params)
        if not self.params:
            raise ValueError(f"{type(self).__name__}: got an empty parameter list")
        _check_range("lr", lr, 0.0, np.inf, low_open=True)
        self.lr = lr
        self._lr = [_per_model(lr, p, "lr") for p in self.params]
        self.steps = 0

    def zero_grad(self):
        for p in self.params:
            p.grad[...] = 0.0

    def step(self):
        raise NotImplementedError

    def __repr__(self):
        return f"{type(self).__name__}(lr={self.lr})"


class SGD(Optimizer):
    """p -= lr * g; with momentum: v = momentum * v + g (v = g at the first step),
    then p -= lr * v, or p -= lr * (g + momentum * v) with nesterov=True."""

    def __init__(self, params, lr=0.1, momentum=0.0, nesterov=False):
        super().__init__(params, lr)
        _check_range("momentum", momentum, 0.0, 1.0)
        if nesterov and momentum == 0:
            raise ValueError("SGD: nesterov=True needs momentum > 0")
        self.momentum, self.nesterov = float(momentum), nesterov
        self.velocities = [None] * len(self.params)

    def step(self):
        for i, (p, lr) in enumerate(zip(self.params, self._lr)):
            g = p.grad
            if self.momentum:
                v = self.velocities[i]
                if v is None:
                    v = self.velocities[i] = g.copy()
                else:
                    v *= self.momentum
                    v += g
                g = g + self.momentum * v if self.nesterov else v
            p.data -= lr * g
        self.steps += 1


class Adagrad(Optimizer):
    """sum += g^2; p -= lr * g / (sqrt(sum) + eps)."""

    def __init__(self, params, lr=0.01, eps=1e-10):
        super().__init__(params, lr)
        _check_range("eps", eps, 0.0, np.inf, low_open=True)
        self.eps = eps
        self.sums = [np.zeros_like(p.data) for p in self.params]

    def step(self):
        for p, lr, s in zip(self.params, self._lr, self.sums):
            g = p.grad
            s += g * g
            p.data -= lr * g / (np.sqrt(s) + self.eps)
        self.steps += 1


class RMSprop(Optimizer):
    """avg = alpha * avg + (1 - alpha) g^2; p -= lr * g / (sqrt(avg) + eps)."""

    def __init__(self, params, lr=0.01, alpha=0.99, eps=1e-8):
        super().__init__(params, lr)
        _check_range("alpha", alpha, 0.0, 1.0)
        _check_range("eps", eps, 0.0, np.inf, low_open=True)
        self.alpha, self.eps = alpha, eps
        self.square_avgs = [np.zeros_like(p.data) for p in self.params]

    def step(self):
        for p, lr, avg in zip(self.params, self._lr, self.square_avgs):
            g = p.grad
            avg *= self.alpha
            avg += (1.0 - self.alpha) * g * g
            p.data -= lr * g / (np.sqrt(avg) + self.eps)
        self.steps += 1


class Adam(Optimizer):
    """m, v: moving averages of g and g^2 with bias correction at step t:
    p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
        super().__init__(params, lr)
        if len(betas) != 2:
            raise ValueError(f"Adam: betas must be a pair, got {betas!r}")
        _check_range("betas[0]", betas[0], 0.0, 1.0)
        _check_range("betas[1]", betas[1], 0.0, 1.0)
        _check_range("eps", eps, 0.0, np.inf, low_open=True)
        self.betas, self.eps = (float(betas[0]), float(betas[1])), eps
        self.first_moments = [np.zeros_like(p.data) for p in self.params]
        self.second_moments = [np.zeros_like(p.data) for p in self.params]

    def step(self):
        self.steps += 1
        b1, b2 = self.betas
        correction1, correction2 = 1.0 - b1 ** self.steps, 1.0 - b2 ** self.steps
        for p, lr, m, v in zip(self.params, self._lr, self.first_moments, self.second_moments):
            g = p.grad
            m *= b1
            m += (1.0 - b1) * g
            v *= b2
            v += (1.0 - b2) * g * g
            p.data -= (lr / correction1) * m / (np.sqrt(v) / np.sqrt(correction2) + self.eps)


OPTIMIZERS = {"sgd": SGD, "momentum": SGD, "adagrad": Adagrad, "rmsprop": RMSprop, "adam": Adam}


def make(name, params, lr, **options):
    """An optimizer by name ("momentum" is SGD with momentum 0.9 unless given)."""
    if name not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {name!r}; choose one of {sorted(OPTIMIZERS)}")
    if name == "momentum":
        options.setdefault("momentum", 0.9)
    return OPTIMIZERS[name](params, lr=lr, **options)
