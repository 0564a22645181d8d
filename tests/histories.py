"""Hand-made History objects for tests of code that reads one (summaries, plots, claims)."""
import numpy as np

from lab1.train import NEVER, History


def make_history(loss, accuracy, first=None, diverged=None, val_accuracy=None, final_loss=None,
                 final_accuracy=None, stacked=True):
    """A History with curves (epochs, M); the finals default to the curves' last rows, as if
    the last update changed nothing; first / diverged default to NEVER for every model."""
    loss, accuracy = np.asarray(loss, float), np.asarray(accuracy, float)
    if loss.ndim == 1:
        loss, accuracy = loss[:, None], accuracy[:, None]
    m = loss.shape[1]
    val = np.zeros((0, m)) if val_accuracy is None else np.asarray(val_accuracy, float).reshape(-1, m)
    never = np.full(m, NEVER)
    first = never if first is None else np.asarray(first)
    diverged = never if diverged is None else np.asarray(diverged)
    last = (lambda a: a[-1].copy() if len(a) else np.full(m, np.nan))
    return History(
        loss=loss, accuracy=accuracy, val_loss=val, val_accuracy=val,
        final_losses=last(loss) if final_loss is None else np.asarray(final_loss, float),
        final_accuracies=last(accuracy) if final_accuracy is None else np.asarray(final_accuracy, float),
        final_val_losses=last(val), final_val_accuracies=last(val),
        first_perfect_epoch=first, diverged_epoch=diverged,
        stop_reasons=np.where(diverged != NEVER, "diverged", "completed"),
        stop_reason="completed", message="", stacked=stacked, seconds=0.0)
