"""fit(): the training loop. The trainer owns the data and the history; the model sees batches."""
import contextlib
import math
import os
import signal
import sys
import threading
import time
import warnings
from dataclasses import dataclass, field

import numpy as np

from . import metrics, nn
from .optim import SGD, Optimizer
from .seeding import as_generator


class DivergenceWarning(RuntimeWarning):
    """Training stopped (or a stacked model dropped out) because its loss became nan or inf."""


@dataclass
class History:
    """Per-epoch records of one fit. Arrays are (epochs,), or (epochs, M) for stacked models.

    stop_reason: "completed", "perfect" (every training point right), "patience"
    (validation loss stopped improving), "diverged" or "interrupted".
    first_perfect_epoch: first epoch with 100% training accuracy (None / -1 if never).
    diverged_epoch: epoch whose loss was nan/inf (None / -1 if never).
    """

    loss: np.ndarray
    accuracy: np.ndarray
    val_loss: np.ndarray
    val_accuracy: np.ndarray
    epochs: int
    stop_reason: str
    message: str
    first_perfect_epoch: object
    diverged_epoch: object
    seconds: float
    log: list = field(default_factory=list)

    def last_epochs(self, k=5):
        """The last k epochs in the TA's format: ['epoch 4996 loss : 0.0123', ...]."""
        first = max(self.epochs - k, 0)
        return [f"epoch {e + 1} loss : {_fmt(self.loss[e])}" for e in range(first, self.epochs)]

    @property
    def models(self):
        return None if self.loss.ndim == 1 else self.loss.shape[1]


def _fmt(value):
    value = np.asarray(value)
    return repr(float(value)) if value.ndim == 0 else f"mean {value.mean():.6g} over {value.size} models"


def _listing(values):
    """'0.1' or '0.1, 1' for the values of one or more models."""
    return ", ".join(f"{v:g}" for v in np.ravel(values))


def _check_data(name, x, y):
    x, y = np.asarray(x), np.asarray(y)
    if x.ndim < 2:
        raise ValueError(f"fit: {name} inputs must be (N, features), got shape {x.shape}")
    if len(x) != len(y):
        raise ValueError(f"fit: {name} inputs have {len(x)} samples but targets have {len(y)}")
    if len(x) == 0:
        raise ValueError(f"fit: {name} data is empty")
    x = x.astype(np.float64)
    if not np.isfinite(x).all():
        raise ValueError(f"fit: {name} inputs contain NaN or inf")
    if y.dtype.kind == "f" and not np.isfinite(y).all():
        raise ValueError(f"fit: {name} targets contain NaN or inf")
    return x, y


def _loss_target(loss_fn, y):
    """Targets as the loss wants them: class indices for cross-entropy, else float (N, K)."""
    if isinstance(loss_fn, nn.CrossEntropyLoss):
        return y
    y = y.astype(np.float64)
    return y.reshape(-1, 1) if y.ndim == 1 else y


@contextlib.contextmanager
def _deferred_interrupt(enabled, flag):
    """While active, the first Ctrl-C only sets flag, so the epoch in progress (its optimizer
    step included) completes; a second Ctrl-C raises KeyboardInterrupt as usual."""
    if not enabled or threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_sigint(signum, frame):
        if flag.is_set():
            raise KeyboardInterrupt
        flag.set()

    previous = signal.signal(signal.SIGINT, on_sigint)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _count_correct(out, labels, stacked):
    """Correctly classified samples: an int, or (M,) ints for stacked outputs."""
    right = metrics.predict_labels(out) == labels
    return right.sum(axis=-1) if stacked else np.count_nonzero(right)


class _Progress:
    """A progress bar redrawn at most 100 times: in a Jupyter kernel an HTML bar updated in
    place, elsewhere a one-line text bar on stderr. TQDM_DISABLE=1 (the report build) turns
    it off."""

    def __init__(self, total, enabled):
        self.total, self.every = total, max(total // 100, 1)
        self.enabled = enabled and not os.environ.get("TQDM_DISABLE")
        self._handle = None
        if self.enabled:
            display = self._notebook_display()
            if display is not None:
                self._handle = display(self._html(0, None), raw=True, display_id=True)

    @staticmethod
    def _notebook_display():
        """IPython's display function when running in a Jupyter kernel, else None.

        Only a kernel that is already running has IPython imported: no import here."""
        ipython = sys.modules.get("IPython")
        shell = ipython.get_ipython() if ipython is not None else None
        return ipython.display.display if getattr(shell, "kernel", None) is not None else None

    def _html(self, epoch, loss):
        text = f"epoch {epoch}/{self.total}" + ("" if loss is None else f" loss {np.mean(loss):.4g}")
        return {"text/html": f'<progress value="{epoch}" max="{self.total}" style="width: 20em">'
                             f'</progress> <code>{text}</code>',
                "text/plain": text}

    def update(self, epoch, loss):
        if self.enabled and (epoch % self.every == 0 or epoch == self.total):
            if self._handle is not None:
                self._handle.update(self._html(epoch, loss), raw=True)
                return
            done = int(30 * epoch / self.total)
            sys.stderr.write(f"\r[{'#' * done}{'.' * (30 - done)}] epoch {epoch}/{self.total} "
                             f"loss {np.mean(loss):.4g}")
            if epoch == self.total:
                sys.stderr.write("\n")
            sys.stderr.flush()


def fit(model, x, y, loss="mse", optimizer=None, epochs=1000, batch_size=None, shuffle=True,
        validation=None, rng=None, stop_when_perfect=False, patience=None, log_every=None,
        log=print, progress=False, raise_on_divergence=False, catch_interrupt=False):
    """Train model on (x, y) and return its History.

    x: (N, features) (or (N, C, H, W) for convolutional models); y: (N, 1) labels or
    targets, (N,) class indices for cross-entropy. loss: a Loss or its name.
    optimizer: an Optimizer over model.parameters() (default SGD, lr 0.1).
    batch_size: None for full batch, k for mini-batches, 1 for one sample at a time;
    mini-batches are drawn in a fresh order each epoch from rng when shuffle is True.
    validation: (x_val, y_val), evaluated after each epoch's updates.
    stop_when_perfect: stop once every training point is classified correctly
    (stacked: once every model is). patience: stop when the validation loss has not
    improved for that many epochs. log_every: log 'epoch E loss : L' every k epochs via log.
    On nan/inf loss training stops with a DivergenceWarning naming the epoch and lr
    (raise_on_divergence=True raises instead); catch_interrupt=True makes Ctrl-C end
    training after the current epoch (stop_reason "interrupted"; a second Ctrl-C stops
    mid-epoch). Stacked models (model.models = M) train together,
    each exactly as it would alone; one that diverges drops out, the others go on.
    """
    loss_fn = nn.loss(loss)
    if optimizer is None:
        optimizer = SGD(model.parameters(), lr=0.1)
    if not isinstance(optimizer, Optimizer):
        raise ValueError(f"fit: optimizer must be a lab1.optim optimizer, got {type(optimizer).__name__}")
    if not isinstance(epochs, (int, np.integer)) or epochs <= 0:
        raise ValueError(f"fit: epochs must be a positive integer, got {epochs!r}")
    if batch_size is not None and (not isinstance(batch_size, (int, np.integer)) or batch_size <= 0):
        raise ValueError(f"fit: batch_size must be a positive integer or None, got {batch_size!r}")
    if log_every is not None and (not isinstance(log_every, (int, np.integer)) or log_every <= 0):
        raise ValueError(f"fit: log_every must be a positive integer or None, got {log_every!r}")
    if patience is not None and validation is None:
        raise ValueError("fit: patience needs validation data")
    x, y = _check_data("training", x, y)
    target = _loss_target(loss_fn, y)
    if validation is not None:
        x_val, y_val = _check_data("validation", *validation)
        val_target = _loss_target(loss_fn, y_val)
    labels = metrics.true_labels(target)
    n, stacked = len(x), model.models is not None
    # per-epoch checks on a single model's float loss stay in plain Python: they run every epoch
    all_finite = (lambda v: np.isfinite(v).all()) if stacked else math.isfinite
    any_perfect = (lambda a: (a == 1.0).any()) if stacked else (lambda a: a == 1.0)
    full_batch = batch_size is None or batch_size >= n
    gen = as_generator(rng)

    losses, accuracies, val_losses, val_accuracies, lines = [], [], [], [], []
    shape = (model.models,) if stacked else ()
    first_perfect = np.full(shape, -1)
    diverged = np.full(shape, -1)
    best_val, stale = np.full(shape, np.inf), np.zeros(shape, dtype=int)
    bar = _Progress(epochs, progress)
    stop_reason, message, epoch = "completed", "", 0
    perfect_so_far = False      # every model has reached 100% training accuracy at least once
    started = time.perf_counter()

    def train_step(xb, tb):
        out = model.forward(xb)
        value = loss_fn.forward(out, tb)
        model.backward(loss_fn.backward())
        optimizer.step()
        return out, value

    interrupted = threading.Event()
    try:
        # overflow on the way to nan/inf is reported once, as divergence, not as numpy warnings
        with np.errstate(over="ignore", invalid="ignore"), _deferred_interrupt(catch_interrupt, interrupted):
            for epoch in range(1, epochs + 1):
                if full_batch:
                    out, value = train_step(x, target)
                    acc = _count_correct(out, labels, stacked) / n
                else:
                    order = gen.permutation(n) if shuffle else np.arange(n)
                    value, correct = 0.0, 0
                    for start in range(0, n, batch_size):
                        idx = order[start:start + batch_size]
                        out, batch_value = train_step(x[idx], target[idx])
                        value = value + batch_value * (len(idx) / n)
                        correct = correct + _count_correct(out, labels[idx], stacked)
                    acc = correct / n
                losses.append(value)
                accuracies.append(acc)

                if not all_finite(value):
                    newly = ~np.isfinite(value) & (diverged < 0)
                    if np.any(newly):
                        diverged[newly] = epoch
                        lrs = np.broadcast_to(np.asarray(optimizer.lr, dtype=float), shape)[newly]
                        which = f"models {np.flatnonzero(newly).tolist()} " if stacked else ""
                        message = (f"training {which}diverged at epoch {epoch}: loss is "
                                   f"{_listing(np.asarray(value)[newly])} with lr {_listing(lrs)}; "
                                   f"try a smaller learning rate")
                        if raise_on_divergence:
                            raise FloatingPointError(message)
                        warnings.warn(message, DivergenceWarning, stacklevel=2)
                    if np.all(diverged > 0):
                        stop_reason = "diverged"
                        break

                if not perfect_so_far and any_perfect(acc):
                    newly = (acc == 1.0) & (first_perfect < 0)
                    first_perfect[newly] = epoch
                    perfect_so_far = bool(np.all(first_perfect > 0))

                if validation is not None:
                    val_out = model.forward(x_val)
                    val_value = loss_fn.forward(val_out, val_target)
                    val_losses.append(val_value)
                    val_accuracies.append(metrics.accuracy(val_out, val_target))
                    if patience is not None:
                        improved = np.asarray(val_value) < best_val
                        best_val = np.where(improved, val_value, best_val)
                        stale = np.where(improved, 0, stale + 1)
                        if np.all(stale >= patience):
                            stop_reason = "patience"
                            message = f"validation loss did not improve for {patience} epochs"
                            break

                if log_every and epoch % log_every == 0:
                    lines.append(f"epoch {epoch} loss : {_fmt(value)}")
                    if log is not None:
                        log(lines[-1])
                if bar.enabled:
                    bar.update(epoch, value)
                if interrupted.is_set():
                    stop_reason, message = "interrupted", f"interrupted by the user after epoch {epoch}"
                    break
                if stop_when_perfect and perfect_so_far:
                    stop_reason = "perfect"
                    message = f"every training point classified correctly at epoch {epoch}"
                    break
    except KeyboardInterrupt:
        if not catch_interrupt:
            raise
        stop_reason, message = "interrupted", f"interrupted by the user at epoch {epoch}"
        epoch = len(losses)

    def as_array(values):
        return np.array(values, dtype=np.float64).reshape((len(values),) + shape)

    def per_model(values):
        return values if stacked else (int(values) if values > 0 else None)

    return History(
        loss=as_array(losses), accuracy=as_array(accuracies),
        val_loss=as_array(val_losses), val_accuracy=as_array(val_accuracies),
        epochs=len(losses), stop_reason=stop_reason, message=message,
        first_perfect_epoch=per_model(first_perfect), diverged_epoch=per_model(diverged),
        seconds=time.perf_counter() - started, log=lines)


def evaluate(model, x, y, loss="mse"):
    """Loss and accuracy of model on (x, y) without training: (loss, accuracy, outputs)."""
    loss_fn = nn.loss(loss)
    x, y = _check_data("evaluation", x, y)
    target = _loss_target(loss_fn, y)
    out = model.forward(x)
    return loss_fn.forward(out, target), metrics.accuracy(out, target), out
