"""The networks Section 3 trains: one per data set with the reference setting.

Notebook 01 previews their results in the Introduction and notebook 02 shows them, so
both train them here, the same way: same data, same seed, same epochs, same numbers.
"""
import numpy as np

from .. import data, nn
from ..train import NEVER, evaluate, fit

QUICK_EPOCHS = 200          # quick runs (tests) cap the epochs at this


def results_epochs(setting, quick):
    """Epochs of the Results networks: the setting's results_epochs (capped when quick)."""
    return min(setting.results_epochs, QUICK_EPOCHS) if quick else setting.results_epochs


def results_data(name, data_seed):
    """{train, val, test}: (x, y) pairs. XOR is trained and tested on its 21 points (there
    are no others; val None); linear gets fresh validation (seed +1000) and test (+2000) points."""
    if name == "xor":
        x, y = data.generate_XOR_easy()
        return dict(train=(x, y), val=None, test=(x, y))
    return dict(train=data.generate_linear(100, rng=data_seed),
                val=data.generate_linear(100, rng=data_seed + 1000),
                test=data.generate_linear(100, rng=data_seed + 2000))


def train_results_network(setting, name, seed, epochs, log_every=None):
    """Train the Results network of data set name. Returns (model, history, test) with test
    as test_results gives it."""
    sets = results_data(name, setting.data_seed)
    model = nn.mlp(list(setting.sizes), activation=setting.activation, output=setting.output,
                   init=setting.init, rng=seed)
    history = fit(model, *sets["train"], loss=setting.loss,
                  optimizer=setting.make_optimizer(model.parameters()), epochs=epochs,
                  validation=sets["val"], log_every=log_every, log=None)
    return model, history, test_results(model, history, *sets["test"], loss=setting.loss)


def test_results(model, history, x_test, y_test, loss="mse"):
    """The trained network on (x_test, y_test): dict(loss, accuracy, y_hat (N, 1) outputs,
    wrong (indices misclassified), n, diverged). A network whose training diverged (or whose
    outputs are not finite) has no loss or accuracy (nan, as History.final_* give) and
    classifies no point: every index is in wrong."""
    with np.errstate(over="ignore", invalid="ignore"):
        value, accuracy, y_hat = evaluate(model, x_test, y_test, loss=loss)
    diverged = bool(np.any(np.asarray(history.diverged_epoch) != NEVER)) or not np.all(np.isfinite(y_hat))
    if diverged:
        return dict(loss=np.nan, accuracy=np.nan, y_hat=y_hat, wrong=np.arange(len(x_test)),
                    n=len(x_test), diverged=True)
    wrong = np.flatnonzero((y_hat[:, 0] > 0.5).astype(int) != np.asarray(y_test)[:, 0])
    return dict(loss=float(value), accuracy=float(accuracy), y_hat=y_hat, wrong=wrong, n=len(x_test),
                diverged=False)


def training_log(history, log_every):
    """The TA-format log lines of a one-model history: every log_every epochs, and always the
    last epoch run (so a run shorter than log_every, or one that diverged, still logs one)."""
    lines = [f"epoch {e} loss : {float(history.loss[e - 1, 0])!r}"
             for e in range(log_every, history.epochs + 1, log_every)] if log_every else []
    if history.epochs and history.epochs % (log_every or history.epochs + 1) != 0:
        lines.append(f"epoch {history.epochs} loss : {float(history.loss[-1, 0])!r}")
    return lines
