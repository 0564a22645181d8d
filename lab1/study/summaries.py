"""Statistics over the seeds of a stacked History, and the report's summary table."""
import numpy as np

from ..train import NEVER
from .formatting import count, loss_text, markdown_table, mean_std, percent, value_text

def summarize(history):
    """Statistics over the seeds (models axis) of one History.

    Keys: models; diverged (how many models' loss became nan/inf) and diverged_epochs;
    over the models that did not diverge (None if all did): final_accuracy (array),
    final_accuracy_mean / _std / _min / _max, final_loss_mean / _std (History.final_*: the
    trained models after the last update),
    final_val_accuracy_mean / _std (None without validation); reached (how many models
    were at 100% training accuracy at some epoch), perfect_at_end (how many of the trained
    models, as fit returned them, classify every training point), epochs_to_perfect (first-100% epochs of those that reached
    it), epochs_to_perfect_median / _mean / _max (None if none reached);
    loss_increase_rate: the mean over the non-diverged models of the fraction of epochs
    whose loss rose above the previous epoch's (0 for a monotone descent, about 0.5 for
    a loss that oscillates); epochs. A single-model History counts as one model.
    """
    loss, m = history.loss, history.models
    first, div = history.first_perfect_epoch, history.diverged_epoch
    ok = div == NEVER
    out = dict(models=m, diverged=int(np.sum(~ok)), diverged_epochs=div[~ok], epochs=history.epochs,
               final_accuracy=np.array([]), final_accuracy_mean=None, final_accuracy_std=None,
               final_accuracy_min=None, final_accuracy_max=None,
               final_loss_mean=None, final_loss_std=None,
               final_val_accuracy_mean=None, final_val_accuracy_std=None,
               reached=int(np.sum(first != NEVER)), perfect_at_end=0,
               epochs_to_perfect=first[first != NEVER],
               epochs_to_perfect_median=None, epochs_to_perfect_mean=None, epochs_to_perfect_max=None,
               loss_increase_rate=None)
    reached = first[first != NEVER]
    if reached.size:
        out.update(epochs_to_perfect_median=float(np.median(reached)),
                   epochs_to_perfect_mean=float(np.mean(reached)),
                   epochs_to_perfect_max=int(reached.max()))
    if not ok.any():
        return out
    final_acc, final_loss = history.final_accuracies[ok], history.final_losses[ok]
    out.update(final_accuracy=final_acc,
               final_accuracy_mean=float(final_acc.mean()), final_accuracy_std=float(final_acc.std()),
               final_accuracy_min=float(final_acc.min()), final_accuracy_max=float(final_acc.max()),
               final_loss_mean=float(final_loss.mean()), final_loss_std=float(final_loss.std()),
               perfect_at_end=int(np.sum(final_acc == 1.0)),
               loss_increase_rate=float((np.diff(loss[:, ok], axis=0) > 0).mean()) if len(loss) > 1 else 0.0)
    if history.val_accuracy.size:
        final_val = history.final_val_accuracies[ok]
        out.update(final_val_accuracy_mean=float(final_val.mean()),
                   final_val_accuracy_std=float(final_val.std()))
    return out


def summary_table(rows, value_header="value", validation=False, extra=None, oscillation=True,
                  loss_header="loss", first_epoch=True):
    """Markdown table of summarize() rows (each with a "value" key), one row each.

    Columns: the value; extra ({header: [cell per row]}); accuracy after the last epoch
    (mean ± std over seeds); loss (mean, loss_text; headed loss_header); the mean
    validation accuracy (if validation); how many seeds reached 100% training accuracy; the first
    epoch they did (median and range; if first_epoch); the share of epochs whose loss rose
    (if oscillation); and, if any model diverged, how many did.
    """
    extra = extra or {}
    headers = [value_header, *extra, "accuracy", loss_header]
    if validation:
        headers.append("validation")
    headers += ["at 100%"] + (["first epoch at 100%"] if first_epoch else []) \
        + (["loss rose"] if oscillation else [])
    if any(r["diverged"] for r in rows):
        headers.append("diverged")
    table = []
    for i, r in enumerate(rows):
        epochs = r["epochs_to_perfect"]
        if epochs.size:
            span = f"{count(epochs.min())}–{count(epochs.max())}" if epochs.size > 1 else count(epochs[0])
            reach = f"{count(r['epochs_to_perfect_median'])} ({span})" if epochs.size > 1 else span
        else:
            reach = "never"
        row = [value_text(r["value"]), *(str(cells[i]) for cells in extra.values()),
               mean_std(r["final_accuracy_mean"], r["final_accuracy_std"]),
               loss_text(r["final_loss_mean"])]
        if validation:
            row.append(percent(r["final_val_accuracy_mean"]))
        rose = percent(r["loss_increase_rate"])
        row += [f"{r['reached']}/{r['models']}"] + ([reach] if first_epoch else []) \
            + ([rose] if oscillation else [])
        if "diverged" in headers:
            row.append(f"{r['diverged']}/{r['models']}")
        table.append(row)
    return markdown_table(headers, table)

