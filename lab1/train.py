"""fit(): the training loop. The trainer owns the data and the history; the model sees batches."""
import contextlib
import os
import signal
import sys
import threading
import time
import warnings
from dataclasses import dataclass, field, replace

import numpy as np

from . import metrics, nn
from .optim import SGD, Optimizer
from .optim import make as make_optimizer
from .seeding import as_generator


class DivergenceWarning(RuntimeWarning):
    """Training stopped (or a stacked model dropped out) because its loss became nan or inf."""


NEVER = -1   # first_perfect_epoch / diverged_epoch of a model that never got there
# Stacked models train in groups of about this many (model, sample) pairs, so that a group's
# arrays (1 MB for layers 4 units wide) stay in the CPU cache: 1.5x faster at M=1024, N=1000.
GROUP_SIZE = 1 << 15


@dataclass(frozen=True)
class Divergence:
    """One divergence event: the models (indices) whose loss became nan/inf at epoch, their
    learning rates and losses. A single model is model 0."""

    epoch: int
    models: tuple
    lrs: tuple
    losses: tuple


@dataclass
class History:
    """What one fit recorded. One shape whatever the number of models: M = 1 for a single model.

    Per-epoch curves, float arrays (epochs, M):
      loss, accuracy: measured in each epoch's forward pass, i.e. *before* that epoch's
      update (mini-batches: the mean over the epoch's batches); val_loss, val_accuracy:
      after the epoch's updates ((0, M) without validation data). A diverged model's
      entries are nan from the epoch it diverged on.
    The trained model, as fit returns it (evaluated after the last update); a float for a
    single model, (M,) for stacked models; nan for a diverged model or missing validation:
      final_loss, final_accuracy, final_val_loss, final_val_accuracy.
    Per model, (M,) arrays: first_perfect_epoch (first epoch with 100% training accuracy in
    the curve above), diverged_epoch (NEVER = -1 when it did not happen), stop_reasons
    ("completed", "perfect", "patience", "diverged" or "interrupted").
    stop_reason: why training ended, the same words, or "partly diverged" when some but not
    all models diverged and the others ran on to their own end; divergences: every event.
    """

    loss: np.ndarray
    accuracy: np.ndarray
    val_loss: np.ndarray
    val_accuracy: np.ndarray
    final_losses: np.ndarray
    final_accuracies: np.ndarray
    final_val_losses: np.ndarray
    final_val_accuracies: np.ndarray
    first_perfect_epoch: np.ndarray
    diverged_epoch: np.ndarray
    stop_reasons: np.ndarray
    stop_reason: str
    message: str
    stacked: bool
    seconds: float
    divergences: list = field(default_factory=list)
    log: list = field(default_factory=list)

    @property
    def epochs(self):
        """Epochs run (the same for every model: stacked models train in lockstep)."""
        return self.loss.shape[0]

    @property
    def models(self):
        """M, the number of models (1 for a single model)."""
        return self.loss.shape[1]

    def _final(self, values):
        return values if self.stacked else float(values[0])

    @property
    def final_loss(self):
        return self._final(self.final_losses)

    @property
    def final_accuracy(self):
        return self._final(self.final_accuracies)

    @property
    def final_val_loss(self):
        return self._final(self.final_val_losses)

    @property
    def final_val_accuracy(self):
        return self._final(self.final_val_accuracies)

    def select(self, index):
        """The History of some models, keeping the models axis: index is a list/array of
        positions or a slice. Divergence events keep only the selected models (renumbered)."""
        positions = np.arange(self.models)[index]
        renumber = {int(old): new for new, old in enumerate(np.atleast_1d(positions))}
        events = [Divergence(e.epoch, *zip(*[(renumber[i], lr, v) for i, lr, v in
                                            zip(e.models, e.lrs, e.losses) if i in renumber]))
                  for e in self.divergences if renumber.keys() & set(e.models)]
        pick = np.atleast_1d(positions)
        return replace(
            self, loss=self.loss[:, pick], accuracy=self.accuracy[:, pick],
            val_loss=self.val_loss[:, pick], val_accuracy=self.val_accuracy[:, pick],
            final_losses=self.final_losses[pick], final_accuracies=self.final_accuracies[pick],
            final_val_losses=self.final_val_losses[pick],
            final_val_accuracies=self.final_val_accuracies[pick],
            first_perfect_epoch=self.first_perfect_epoch[pick],
            diverged_epoch=self.diverged_epoch[pick], stop_reasons=self.stop_reasons[pick],
            divergences=events, log=[])

    def model(self, index):
        """The History of model index alone: M = 1, stacked False, final_* floats."""
        if not -self.models <= index < self.models:
            raise ValueError(f"History.model: index {index} out of range for {self.models} models")
        one = self.select([index % self.models])
        reason = str(one.stop_reasons[0])
        return replace(one, stacked=False, stop_reason=reason, log=self.log,
                       message=self.message if reason == self.stop_reason else "")

    @classmethod
    def stack(cls, histories):
        """One stacked History from histories of equal length (e.g. models trained one by one)."""
        histories = list(histories)
        if not histories or len({h.epochs for h in histories}) != 1:
            raise ValueError(f"History.stack: needs histories of equal length, got epochs "
                             f"{[h.epochs for h in histories]}")
        columns = {name: np.concatenate([getattr(h, name) for h in histories], axis=-1) for name in
                   ("loss", "accuracy", "val_loss", "val_accuracy", "final_losses", "final_accuracies",
                    "final_val_losses", "final_val_accuracies", "first_perfect_epoch",
                    "diverged_epoch", "stop_reasons")}
        offsets = np.cumsum([0] + [h.models for h in histories])
        events = [replace(e, models=tuple(i + offset for i in e.models))
                  for h, offset in zip(histories, offsets) for e in h.divergences]
        gone = columns["diverged_epoch"] != NEVER
        reasons = {h.stop_reason for h in histories if h.stop_reason not in ("diverged", "partly diverged")}
        loop_reason = reasons.pop() if len(reasons) == 1 else "completed"
        return cls(**columns, stop_reason=_overall_reason(loop_reason, gone),
                   message="; ".join(filter(None, (h.message for h in histories))), stacked=True,
                   seconds=sum(h.seconds for h in histories), divergences=events, log=[])

    def last_epochs(self, k=5):
        """The last k epochs in the TA's format: ['epoch 4996 loss : 0.0123', ...]."""
        first = max(self.epochs - k, 0)
        return [f"epoch {e + 1} loss : {_fmt(self.loss[e])}" for e in range(first, self.epochs)]


def _fmt(value):
    """One model's loss as Python prints it; several models' as their mean (nan ones skipped)."""
    value = np.ravel(value)
    if value.size == 1:
        return repr(float(value[0]))
    finite = value[np.isfinite(value)]
    mean = f"{finite.mean():.6g}" if finite.size else "nan"
    return f"mean {mean} over {finite.size} of {value.size} models" if finite.size < value.size \
        else f"mean {mean} over {value.size} models"


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


def _check_options(model, optimizer, lr, epochs, batch_size, log_every, patience, validation):
    """The optimizer fit will use; ValueError naming the first bad argument."""
    if isinstance(optimizer, str):
        optimizer = make_optimizer(optimizer, model.parameters(), lr=0.1 if lr is None else lr)
    elif lr is not None:
        raise ValueError("fit: lr= applies to an optimizer given by name (optimizer='adam'); "
                         "this optimizer already has its lr")
    elif optimizer is None:
        optimizer = SGD(model.parameters(), lr=0.1)
    if not isinstance(optimizer, Optimizer):
        raise ValueError(f"fit: optimizer must be a lab1.optim optimizer or its name, "
                         f"got {type(optimizer).__name__}")
    own = {id(p) for p in model.parameters()}
    foreign = [i for i, p in enumerate(optimizer.params) if id(p) not in own]
    if foreign:
        raise ValueError(f"fit: the optimizer's parameters {foreign} are not parameters of this "
                         f"model; build the optimizer from model.parameters()")
    for name, value, allow_none in (("epochs", epochs, False), ("batch_size", batch_size, True),
                                    ("log_every", log_every, True), ("patience", patience, True)):
        if value is None and allow_none:
            continue
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
            raise ValueError(f"fit: {name} must be a positive integer{' or None' if allow_none else ''}, "
                             f"got {value!r}")
    if validation is not None and (not isinstance(validation, (tuple, list)) or len(validation) != 2):
        raise ValueError(f"fit: validation must be an (x_val, y_val) pair, got {type(validation).__name__}"
                         + (f" of length {len(validation)}" if isinstance(validation, (tuple, list)) else ""))
    if patience is not None and validation is None:
        raise ValueError("fit: patience needs validation data")
    for name, p in model.named_parameters():
        if not np.isfinite(p.data).all():
            raise ValueError(f"fit: parameter {name} holds NaN or inf before training "
                             f"(loaded or set that way; not a learning-rate problem)")
    return optimizer


def _divergence(epoch, value, newly, lr, stacked):
    """The event for the models whose loss just became nan/inf (newly: (M,) bool), and its message."""
    which = np.flatnonzero(newly)
    lrs = np.broadcast_to(np.asarray(lr, dtype=float), newly.shape)[which]
    event = Divergence(epoch, tuple(which.tolist()), tuple(lrs.tolist()), tuple(value[which].tolist()))
    subject = f"models {which.tolist()} " if stacked else ""
    return event, (f"training {subject}diverged at epoch {epoch}: loss is {_listing(value[which])} "
                   f"with lr {_listing(lrs)}; try a smaller learning rate")


def _overall_reason(loop_reason, diverged):
    if diverged.all():
        return "diverged"
    return "partly diverged" if diverged.any() else loop_reason


def fit(model, x, y, loss="mse", optimizer=None, epochs=1000, batch_size=None, shuffle=True,
        validation=None, rng=None, stop_when_perfect=False, patience=None, log_every=None,
        log=print, progress=False, raise_on_divergence=False, catch_interrupt=False, lr=None):
    """Train model on (x, y) and return its History (see History for what each field means).

    model: a Module with forward(x) -> out, backward(dout) and parameters(); model.models is
    None or M stacked models. x: (N, features) (or (N, C, H, W) for convolutional models);
    y: (N, 1) labels or targets, (N,) class indices for cross-entropy. loss: a Loss or its name.
    optimizer: an Optimizer over model.parameters() with step(), or its name with lr=
    (default SGD, lr 0.1). batch_size: None for full batch, k for mini-batches, 1 for one
    sample at a time; mini-batches come in a fresh order each epoch from rng when shuffle.
    validation: (x_val, y_val), evaluated after each epoch's updates.
    stop_when_perfect: stop once every training point is classified correctly (stacked: once
    every model that has not diverged is). patience: stop when the validation loss has not
    improved for that many epochs. log_every: log 'epoch E loss : L' every k epochs via log.
    On nan/inf loss training stops with a DivergenceWarning naming the epoch and lr
    (raise_on_divergence=True raises FloatingPointError instead); stacked models train
    together, each exactly as it would alone, and one that diverges drops out alone; a large
    stack runs in groups of models that fit in the CPU cache (GROUP_SIZE, Module.select_models).
    catch_interrupt=True makes Ctrl-C end training after the current epoch (stop_reason
    "interrupted"; a second Ctrl-C stops mid-epoch).
    """
    loss_fn = nn.loss(loss)
    optimizer = _check_options(model, optimizer, lr, epochs, batch_size, log_every, patience,
                               validation)
    x, y = _check_data("training", x, y)
    target = _loss_target(loss_fn, y)
    if validation is not None:
        x_val, y_val = _check_data("validation", *validation)
        val_target = _loss_target(loss_fn, y_val)
    labels = metrics.true_labels(target)
    n, stacked = len(x), model.models is not None
    m = model.models or 1
    full_batch = batch_size is None or batch_size >= n
    gen = as_generator(rng)

    losses, accuracies, val_losses, val_accuracies, lines, events = [], [], [], [], [], []
    first_perfect, diverged = np.full(m, NEVER), np.full(m, NEVER)
    best_val, stale = np.full(m, np.inf), np.zeros(m, dtype=int)
    bar = _Progress(epochs, progress)
    loop_reason, loop_message, divergence_message, epoch = "completed", "", "", 0
    all_perfect = False       # every model that has not diverged has reached 100% at least once
    started = time.perf_counter()

    groups = _model_groups(model, n if full_batch else batch_size)

    def train_step(xb, tb):
        outs, values = [], []
        for index in groups:            # one group, the model itself, unless M is large
            part = _group(model, index)
            outs.append(part.forward(xb))
            values.append(loss_fn.forward(outs[-1], tb))
            part.backward(loss_fn.backward())
            if part is not model:       # gather the gradients for one optimizer step
                for p, q in zip(model.parameters(), part.parameters()):
                    p.grad[index] = q.grad
        optimizer.step()
        if len(groups) == 1:
            return outs[0], values[0]
        return np.concatenate(outs), np.concatenate(values)

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
                value = np.array(value, dtype=np.float64).reshape(m)
                acc = np.array(acc, dtype=np.float64).reshape(m)

                if events or not np.isfinite(value).all():
                    newly = ~np.isfinite(value) & (diverged == NEVER)
                    if newly.any():
                        diverged[newly] = epoch
                        event, divergence_message = _divergence(epoch, value, newly, optimizer.lr, stacked)
                        events.append(event)
                        all_perfect = bool(np.all((first_perfect != NEVER) | (diverged != NEVER)))
                        if raise_on_divergence:
                            raise FloatingPointError(divergence_message)
                        warnings.warn(divergence_message, DivergenceWarning, stacklevel=2)
                    gone = diverged != NEVER
                    value[gone], acc[gone] = np.nan, np.nan
                losses.append(value)
                accuracies.append(acc)
                if events and (diverged != NEVER).all():
                    break
                if not all_perfect and (acc == 1.0).any():
                    first_perfect[(acc == 1.0) & (first_perfect == NEVER)] = epoch
                    all_perfect = bool(np.all((first_perfect != NEVER) | (diverged != NEVER)))

                if validation is not None:
                    val_out = _forward(model, groups, x_val)
                    val_value = np.array(loss_fn.forward(val_out, val_target), dtype=np.float64).reshape(m)
                    val_acc = np.array(metrics.accuracy(val_out, val_target), dtype=np.float64).reshape(m)
                    gone = diverged != NEVER
                    val_value[gone], val_acc[gone] = np.nan, np.nan
                    val_losses.append(val_value)
                    val_accuracies.append(val_acc)
                    if patience is not None:
                        improved = val_value < best_val
                        best_val = np.where(improved, val_value, best_val)
                        stale = np.where(improved, 0, stale + 1)
                        if np.all(gone | (stale >= patience)):
                            loop_reason = "patience"
                            loop_message = f"validation loss did not improve for {patience} epochs"
                            break

                if log_every and epoch % log_every == 0:
                    lines.append(f"epoch {epoch} loss : {_fmt(value)}")
                    if log is not None:
                        log(lines[-1])
                if bar.enabled:
                    bar.update(epoch, value)
                if interrupted.is_set():
                    loop_reason, loop_message = "interrupted", f"interrupted by the user after epoch {epoch}"
                    break
                if stop_when_perfect and all_perfect:
                    loop_reason = "perfect"
                    loop_message = f"every training point classified correctly at epoch {epoch}"
                    break
    except KeyboardInterrupt:
        if not catch_interrupt:
            raise
        loop_reason, loop_message = "interrupted", f"interrupted by the user at epoch {epoch}"
        # an epoch cut short leaves no record: every curve keeps the epochs that completed
        done = min(len(losses), len(val_losses) if validation is not None else len(losses))
        del losses[done:], accuracies[done:], val_losses[done:], val_accuracies[done:]

    gone = diverged != NEVER
    finals = _evaluate_finals(model, groups, loss_fn, x, target, m, gone)
    val_finals = _evaluate_finals(model, groups, loss_fn, x_val, val_target, m, gone) \
        if validation is not None else (np.full(m, np.nan), np.full(m, np.nan))
    reasons = np.where(gone, "diverged", np.where((loop_reason == "perfect") & (first_perfect == NEVER),
                                                  "completed", loop_reason))
    if gone.all():
        message = divergence_message if len(events) == 1 else \
            f"{_divergence_summary(events)}; try a smaller learning rate"
    else:
        message = "; ".join(filter(None, [loop_message, events and _divergence_summary(events)]))

    def curve(values):
        return np.array(values, dtype=np.float64).reshape(len(values), m)

    return History(
        loss=curve(losses), accuracy=curve(accuracies),
        val_loss=curve(val_losses), val_accuracy=curve(val_accuracies),
        final_losses=finals[0], final_accuracies=finals[1],
        final_val_losses=val_finals[0], final_val_accuracies=val_finals[1],
        first_perfect_epoch=first_perfect, diverged_epoch=diverged, stop_reasons=reasons,
        stop_reason=_overall_reason(loop_reason, gone), message=message,
        stacked=stacked, seconds=time.perf_counter() - started, divergences=events, log=lines)


def _divergence_summary(events):
    count = sum(len(e.models) for e in events)
    return f"{count} model{'s' if count != 1 else ''} diverged (first at epoch {events[0].epoch})"


def _model_groups(model, n):
    """Slices of a stacked model's models axis, each of about GROUP_SIZE (model, sample)
    pairs for batches of n samples; [None], the whole model at once, when one group holds
    them all or the model cannot select models (see Module.select_models)."""
    size = max(GROUP_SIZE // n, 1)
    if model.models is None or size >= model.models:
        return [None]
    try:
        model.select_models(slice(0, 1))
    except NotImplementedError:
        return [None]
    return [slice(start, start + size) for start in range(0, model.models, size)]


def _group(model, index):
    """The module computing models[index] (None: the model itself). Made when needed and
    dropped after use, so that one group's arrays at a time are alive, and reused."""
    return model if index is None else model.select_models(index)


def _forward(model, groups, x):
    """model.forward(x), computed group by group (see _model_groups)."""
    outs = [_group(model, index).forward(x) for index in groups]
    return outs[0] if len(outs) == 1 else np.concatenate(outs)


def _evaluate_finals(model, groups, loss_fn, x, target, m, gone):
    """(losses (M,), accuracies (M,)) of the model as it is now; nan for the models in gone (M,)."""
    with np.errstate(over="ignore", invalid="ignore"):
        out = _forward(model, groups, x)
        value = np.array(loss_fn.forward(out, target), dtype=float).reshape(m)
        acc = np.array(metrics.accuracy(out, target), dtype=float).reshape(m)
    gone = gone | ~np.isfinite(value)
    value[gone], acc[gone] = np.nan, np.nan
    return value, acc


def evaluate(model, x, y, loss="mse"):
    """Loss and accuracy of model on (x, y) without training: (loss, accuracy, outputs)."""
    loss_fn = nn.loss(loss)
    x, y = _check_data("evaluation", x, y)
    target = _loss_target(loss_fn, y)
    out = model.forward(x)
    return loss_fn.forward(out, target), metrics.accuracy(out, target), out
