"""Optimizers with the update rules torch.optim documents.

Each updates ``param.data`` in place from ``param.grad`` and owns its state
(velocities, moments) in lists indexed like its parameter list.

Per-model hyper-parameters: for stacked models (parameters built with models=M), every
hyper-parameter (lr, momentum, eps, alpha, each of betas) may be an array of shape (M,):
model m's parameters, the slice [m], use value[m]. Parameters of a single model take
scalars only.
"""
import numpy as np

# the defaults, named once: the signatures and the "momentum" optimizer read them
SGD_LR = 0.1
MOMENTUM = 0.9          # of the "momentum" optimizer (SGD's own default is 0: plain SGD)
ADAGRAD_LR, ADAGRAD_EPS = 0.01, 1e-10
RMSPROP_LR, RMSPROP_ALPHA, RMSPROP_EPS = 0.01, 0.99, 1e-8
ADAM_LR, ADAM_BETAS, ADAM_EPS = 1e-3, (0.9, 0.999), 1e-8


def _hyper(name, value, low, high, low_open=False):
    """A hyper-parameter as a float or a 1-D float array of per-model values in the range;
    ValueError naming it otherwise."""
    if isinstance(value, (str, bytes, bool, np.bool_)):
        raise ValueError(f"{name} must be a number or an (M,) array of numbers, got {value!r}")
    try:
        values = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number or an (M,) array of numbers, got {value!r}") from None
    if values.ndim > 1 or values.size == 0:
        raise ValueError(f"{name} must be a number or an (M,) array of per-model values, "
                         f"got shape {values.shape}")
    ok = (values > low) if low_open else (values >= low)
    if not (np.all(ok) and np.all(values < high) and np.all(np.isfinite(values))):
        bracket = "(" if low_open else "["
        raise ValueError(f"{name} must lie in {bracket}{low}, {high}), got {value!r}")
    return float(values) if values.ndim == 0 else values


def _per_model(value, param, name):
    """A float, or an (M,) array reshaped to broadcast against a stacked parameter (M, ...)."""
    if np.ndim(value) == 0:
        return value
    if param.models is None:
        raise ValueError(f"{name} has {len(value)} per-model values, but a parameter of shape "
                         f"{param.data.shape} belongs to a single model: give one number")
    if len(value) != param.models:
        raise ValueError(f"{name} has {len(value)} per-model values for parameters of "
                         f"models={param.models} (shape {param.data.shape}): give {param.models}")
    return value.reshape((-1,) + (1,) * (param.data.ndim - 1))


class Optimizer:
    """Base class: holds the parameter list, lr, and the per-parameter hyper-parameters."""

    def __init__(self, params, lr):
        if isinstance(params, (str, bytes)) or not hasattr(params, "__iter__"):
            raise ValueError(f"{type(self).__name__}: params must be a list of Parameters "
                             f"(model.parameters()), got {type(params).__name__}")
        self.params = list(params)
        if not self.params:
            raise ValueError(f"{type(self).__name__}: got an empty parameter list")
        seen = set()
        for i, p in enumerate(self.params):
            if not hasattr(p, "data") or not hasattr(p, "grad"):
                raise ValueError(f"{type(self).__name__}: params[{i}] is {type(p).__name__}, "
                                 f"not a Parameter")
            if id(p) in seen:
                raise ValueError(f"{type(self).__name__}: params[{i}] {p!r} is listed twice; "
                                 f"it would be updated twice per step")
            seen.add(id(p))
        self.lr = _hyper("lr", lr, 0.0, np.inf, low_open=True)
        self._lr = self._spread("lr", self.lr)
        self.steps = 0

    def _spread(self, name, value):
        """[value for each parameter], per-model arrays shaped to broadcast against it."""
        return [_per_model(value, p, name) for p in self.params]

    def step(self):
        raise NotImplementedError

    def zero_grad(self):
        """Set every parameter's grad to 0. fit does not need it (backward overwrites the
        gradients); it is here for loops written the way torch.optim users write them."""
        for p in self.params:
            p.grad[...] = 0.0

    def __repr__(self):
        return f"{type(self).__name__}(lr={self.lr})"


class SGD(Optimizer):
    """p -= lr * g; with momentum: v = momentum * v + g (v = g at the first step),
    then p -= lr * v, or p -= lr * (g + momentum * v) with nesterov=True."""

    def __init__(self, params, lr=SGD_LR, momentum=0.0, nesterov=False):
        super().__init__(params, lr)
        self.momentum = _hyper("momentum", momentum, 0.0, 1.0)
        self._momentum = self._spread("momentum", self.momentum)
        if nesterov and np.any(np.asarray(self.momentum) == 0):
            raise ValueError(f"SGD: nesterov=True needs momentum > 0, got {momentum!r}")
        self.nesterov = bool(nesterov)
        self.velocities = [None] * len(self.params)

    def step(self):
        for i, (p, lr, mu) in enumerate(zip(self.params, self._lr, self._momentum)):
            g = p.grad
            if np.ndim(mu) or mu:
                v = self.velocities[i]
                if v is None:
                    v = self.velocities[i] = g.copy()
                else:
                    v *= mu
                    v += g
                g = g + mu * v if self.nesterov else v
            p.data -= lr * g
        self.steps += 1


class Adagrad(Optimizer):
    """sum += g^2; p -= lr * g / (sqrt(sum) + eps)."""

    def __init__(self, params, lr=ADAGRAD_LR, eps=ADAGRAD_EPS):
        super().__init__(params, lr)
        self.eps = _hyper("eps", eps, 0.0, np.inf, low_open=True)
        self._eps = self._spread("eps", self.eps)
        self.sums = [np.zeros_like(p.data) for p in self.params]

    def step(self):
        for p, lr, eps, s in zip(self.params, self._lr, self._eps, self.sums):
            g = p.grad
            s += g * g
            p.data -= lr * g / (np.sqrt(s) + eps)
        self.steps += 1


class RMSprop(Optimizer):
    """avg = alpha * avg + (1 - alpha) g^2; p -= lr * g / (sqrt(avg) + eps)."""

    def __init__(self, params, lr=RMSPROP_LR, alpha=RMSPROP_ALPHA, eps=RMSPROP_EPS):
        super().__init__(params, lr)
        self.alpha = _hyper("alpha", alpha, 0.0, 1.0)
        self.eps = _hyper("eps", eps, 0.0, np.inf, low_open=True)
        self._alpha, self._eps = self._spread("alpha", self.alpha), self._spread("eps", self.eps)
        self.square_avgs = [np.zeros_like(p.data) for p in self.params]

    def step(self):
        for p, lr, alpha, eps, avg in zip(self.params, self._lr, self._alpha, self._eps,
                                          self.square_avgs):
            g = p.grad
            avg *= alpha
            avg += (1.0 - alpha) * g * g
            p.data -= lr * g / (np.sqrt(avg) + eps)
        self.steps += 1


class Adam(Optimizer):
    """m, v: moving averages of g and g^2 with bias correction at step t:
    p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)."""

    def __init__(self, params, lr=ADAM_LR, betas=ADAM_BETAS, eps=ADAM_EPS):
        super().__init__(params, lr)
        if isinstance(betas, (str, bytes)) or not hasattr(betas, "__len__") or len(betas) != 2:
            raise ValueError(f"Adam: betas must be a pair, got {betas!r}")
        b1, b2 = _hyper("betas[0]", betas[0], 0.0, 1.0), _hyper("betas[1]", betas[1], 0.0, 1.0)
        self.betas = (b1, b2)
        self.eps = _hyper("eps", eps, 0.0, np.inf, low_open=True)
        self._b1, self._b2 = self._spread("betas[0]", b1), self._spread("betas[1]", b2)
        self._eps = self._spread("eps", self.eps)
        self.first_moments = [np.zeros_like(p.data) for p in self.params]
        self.second_moments = [np.zeros_like(p.data) for p in self.params]

    def step(self):
        self.steps += 1
        t = self.steps
        for p, lr, b1, b2, eps, m, v in zip(self.params, self._lr, self._b1, self._b2, self._eps,
                                            self.first_moments, self.second_moments):
            g = p.grad
            m *= b1
            m += (1.0 - b1) * g
            v *= b2
            v += (1.0 - b2) * g * g
            p.data -= (lr / (1.0 - b1 ** t)) * m / (np.sqrt(v) / np.sqrt(1.0 - b2 ** t) + eps)


OPTIMIZERS = {"sgd": SGD, "momentum": SGD, "adagrad": Adagrad, "rmsprop": RMSprop, "adam": Adam}


def make(name, params, lr, **options):
    """An optimizer by name ("momentum" is SGD with momentum MOMENTUM unless given)."""
    if not isinstance(name, str) or name not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {name!r}; choose one of {sorted(OPTIMIZERS)}")
    if name == "momentum":
        options.setdefault("momentum", MOMENTUM)
    return OPTIMIZERS[name](params, lr=lr, **options)


def settings(optimizer):
    """{hyper-parameter: value} in effect for an optimizer (lr first), for headers and logs."""
    names = ("lr", "momentum", "nesterov", "alpha", "betas", "eps")
    return {name: getattr(optimizer, name) for name in names if hasattr(optimizer, name)}
