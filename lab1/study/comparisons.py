"""Comparing variants of the reference network, each at its own best learning rate
(the Extra section's optimizers and activations): selection, tables and sentences.

A comparison is ``runs = {(dataset, key): tuned(...)}`` for the data sets in ``data``
({name: sweeps.Dataset}) and the variants ``keys`` (optimizer or activation names).
Every sentence is computed from the runs' summaries; thresholds come from terms.
"""
import numpy as np

from ..train import NEVER
from .formatting import loss_text, mean_std, percent
from .wording import capital, listing
from .summaries import summarize, summary_table
from .sweeps import seeds as seed_list
from .sweeps import sweep
from .terms import FLAT, FLAT_WINDOW, OSCILLATING, TAIL

TITLES = {"xor": "XOR", "linear": "Linear"}


def tail_losses(history, tail=TAIL):
    """(M,) mean training loss over the last ``tail`` fraction of the epochs (at least one)
    of a stacked History; a model whose loss is nan/inf anywhere there gives inf."""
    loss = np.asarray(history.loss, dtype=np.float64)
    loss = loss[:, None] if loss.ndim == 1 else loss
    last = loss[-max(1, int(round(tail * len(loss)))):]
    return np.where(np.all(np.isfinite(last), axis=0), last.mean(axis=0), np.inf)


def choose_lr(swept, tail=TAIL):
    """The swept learning rate whose seeds reach the lowest mean training loss at the end.

    swept: a sweeps.Sweep over "lr". "At the end" is the mean over the last ``tail``
    fraction of the epochs, so one lucky or unlucky last epoch of an oscillating run does
    not decide. A diverged seed counts as infinite loss, so a rate where any seed diverges
    is chosen only if every rate diverges somewhere. Ties go to the smaller rate.
    Returns (lr, {lr: mean over seeds of the tail loss}).
    """
    means = {v: float(np.mean(tail_losses(swept.histories[v], tail))) for v in swept.values}
    best = min(swept.values, key=lambda v: (means[v], v))
    return best, means


def tuned(dataset, lrs, seeds, epochs, **settings):
    """Sweep the learning rates over seeds 0..seeds-1 in one stacked fit; keep the best rate.

    Returns {"sweep", "lr", "means" (tail loss per rate), "history", "summary"}.
    """
    swept = sweep(dataset, "lr", lrs, seed_list(seeds), epochs=epochs, **settings)
    lr, means = choose_lr(swept)
    return dict(sweep=swept, lr=lr, means=means, history=swept.histories[lr],
                summary=summarize(swept.histories[lr]))


def lr_text(value):
    return f"{value:g}"


def keep_together(lines):
    """Raw LaTeX for the PDF: start a new page unless about ``lines`` lines fit, so a table's
    caption, the table and its note are set on one page (pandoc passes it through)."""
    return f"\\Needspace{{{int(lines)}\\baselineskip}}\n\n"


def run_table(runs, keys, names, data, d, header, extra=None):
    """The chosen runs on data set d in the report's summary table (lr and extra columns after
    the name; extra: {column: [cell per key]})."""
    rows = [dict(runs[d, k]["summary"], value=names[k]) for k in keys]
    columns = {"lr": [lr_text(runs[d, k]["lr"]) for k in keys], **(extra or {})}
    return summary_table(rows, value_header=header, validation=data[d].separate_validation,
                         extra=columns)


TABLE_NOTE = ("*accuracy*: after the last epoch; *at 100%*: runs at 100% at some epoch; "
              "*first epoch*: median (range); *loss rose*: share of epochs.")


def median_epochs(summary):
    return summary["epochs_to_perfect_median"] if summary["reached"] else None


def run_word(k):
    return "1 run" if k == 1 else f"{k} runs"


def epochs_text(summary):
    """'after a median of 184 epochs (5/5 runs)' or, for 'never reaches 100% ...', 'within 500
    epochs (0/5 runs)'."""
    if summary["reached"] == 0:
        return f"within {summary['epochs']} epochs (0/{summary['models']} runs)"
    return (f"after a median of {summary['epochs_to_perfect_median']:.0f} epochs "
            f"({summary['reached']}/{summary['models']} runs)")


def ranking_sentences(runs, keys, names, data, d, what):
    """Sentences about speed and reliability on data set d, all from the measured summaries:
    runs at 100% at some epoch, runs still at 100% after the last epoch, and the others."""
    s = {k: runs[d, k]["summary"] for k in keys}
    always = [k for k in keys if s[k]["reached"] == s[k]["models"]]
    every = "all" if len(always) == len(keys) else f"{len(always)} of the"
    out = []
    if always:
        median = {k: s[k]["epochs_to_perfect_median"] for k in always}
        fastest = [k for k in always if median[k] == min(median.values())]     # ties named together
        slowest = [k for k in always if median[k] == max(median.values())]
        named = listing(f"{names[k]} (lr {lr_text(runs[d, k]['lr'])})" for k in fastest)
        out.append(f"On {TITLES[d]}, with {every} {len(keys)} {what} every run reaches 100% training accuracy "
                   f"at some epoch; " + (f"the fastest is {named}, " if len(fastest) == 1
                                        else f"the fastest, tied, are {named}, each ")
                   + epochs_text(s[fastest[0]]))
        if len(fastest) < len(always):
            out[-1] += f", the slowest {listing(names[k] for k in slowest)}, {epochs_text(s[slowest[0]])}"
        out[-1] += "."
    else:
        out.append(f"On {TITLES[d]}, with none of the {len(keys)} {what} does every run reach 100% training accuracy.")
    out.append(lost_sentence(s, keys, names))
    for k in keys:
        if k not in always:
            reach = ("never reaches 100% " if s[k]["reached"] == 0 else "reaches 100% ") + epochs_text(s[k])
            out.append(capital(f"{names[k]} (lr {lr_text(runs[d, k]['lr'])}) ends at "
                               f"{mean_std(s[k]['final_accuracy_mean'], s[k]['final_accuracy_std'])} and {reach}; "
                               f"{failed_runs(runs[d, k]['history'], len(data[d].y))}."))
    return " ".join(t for t in out if t)


def lost_runs(summary):
    """Runs that were at 100% at some epoch but are not after the last one."""
    return summary["reached"] - summary["perfect_at_end"]


def lost_sentence(s, keys, names):
    """'Of the 25 runs that reached 100% at some epoch, 22 are at 100% after the last epoch; ...'"""
    reached = sum(s[k]["reached"] for k in keys)
    at_end = sum(s[k]["perfect_at_end"] for k in keys)
    lost = [k for k in keys if lost_runs(s[k])]
    if not reached:
        return ""
    if not lost:
        return f"All {reached} runs that reached 100% are still at 100% after the last epoch."
    listed = ", ".join(f"{names[k]} {lost_runs(s[k])} of {s[k]['reached']}" for k in lost)
    return (f"Of the {reached} runs that reached 100% at some epoch, {at_end} are at 100% after the last epoch; "
            f"the other {run_word(reached - at_end)} lost points again ({listed}).")


def lost_explanation(runs, keys, again=False):
    """Why a run can leave 100% again; empty when no run did. again: the short form, after the first."""
    if not any(lost_runs(runs[dk]["summary"]) for dk in runs if dk[1] in keys):
        return ""
    if again:
        return ("Runs leave 100% again for the reason given for the optimizers: a full-batch step of fixed "
                "size can move the boundary past a point lying very close to it. ")
    return ("A run can lose points after reaching 100% because every full-batch step has a size set by the "
            "learning rate, not by how close the points are to the boundary: a step that lowers the total loss "
            "can move the boundary past a point lying very close to it, which then flips to the wrong side "
            "(and often back), a small oscillation just below 100%. ")


def failed_runs(history, n_points):
    """What the runs that never reached 100% do over the last FLAT_WINDOW of the epochs: flat (the
    loss changed by less than FLAT, relatively), still falling or rising, and how many of the
    n_points they miss. A flat loss is called stuck only below where it started."""
    span = max(1, int(round(FLAT_WINDOW * history.epochs)))
    loss, acc = history.loss, history.final_accuracies
    groups = {"flat": [], "falling": [], "rising": []}
    diverged = 0
    for m in np.flatnonzero(~(acc == 1) & (history.first_perfect_epoch == NEVER)):
        before, after = loss[-span - 1, m], loss[-1, m]
        if not (np.isfinite(after) and np.isfinite(acc[m])):
            diverged += 1
            continue
        change = (after - before) / before
        key = "flat" if abs(change) < FLAT else "falling" if change < 0 else "rising"
        groups[key].append((int(round((1 - acc[m]) * n_points)), before, after, change, after < loss[0, m]))
    parts = []
    for key, verb in (("flat", "a flat loss"), ("falling", "a loss still falling"), ("rising", "a rising loss")):
        if groups[key]:
            counts = [g[0] for g in groups[key]]
            same = len(set(counts)) == 1
            wrong = (str(counts[0]) if same
                     else ", ".join(map(str, counts[:-1])) + f" and {counts[-1]}")
            changes = "; ".join(f"{loss_text(b)} to {loss_text(a)}, {percent(abs(c))} {'higher' if c > 0 else 'lower'}"
                                for _, b, a, c, _ in groups[key])
            plural = len(groups[key]) > 1
            stuck = key == "flat" and all(g[4] for g in groups[key])   # settled below its start
            parts.append(f"{run_word(len(groups[key]))} that never reached it, "
                         f"{'each ' if same and len(counts) > 1 else ''}ending with {wrong} of {n_points} "
                         f"points wrong, {'have' if plural else 'has'} {verb} over the last {span} "
                         f"{'epoch' if span == 1 else 'epochs'} ({changes})"
                         + (", stuck in a local minimum or on a wide plateau" if stuck else ""))
    if diverged:
        parts.append(f"{run_word(diverged)} diverged")
    return "; ".join(parts) if parts else "every run that ends below 100% had reached it at some epoch"


def flat_rule(epochs, again=False):
    """The rule behind 'flat' and 'falling', as the text states it."""
    span = max(1, int(round(FLAT_WINDOW * epochs)))
    if again:
        return (f"Flat, falling and rising are as above (a change of less or more than {percent(FLAT, 0)} "
                f"over the last {span} {'epoch' if span == 1 else 'epochs'}). ")
    return (f"A loss counts as flat when it changed by less than {percent(FLAT, 0)} over the last {span} "
            f"{'epoch' if span == 1 else 'epochs'}, and as still falling or rising otherwise. ")


def edge_sentence(runs, keys, grids, names, data):
    """Which chosen rates lie at the end of their grid (the grid may not bracket the best rate)."""
    top = [f"{names[k]} on {TITLES[d]}" for d in data for k in keys if runs[d, k]["lr"] == max(grids[k])]
    bottom = [f"{names[k]} on {TITLES[d]}" for d in data for k in keys if runs[d, k]["lr"] == min(grids[k])]
    out = []
    if top:
        out.append(f"the largest rate of its grid is chosen for {', '.join(top)}")
    if bottom:
        out.append(f"the smallest rate of its grid is chosen for {', '.join(bottom)}")
    if not out:
        return "Every chosen rate lies inside its grid, so the grids bracket the best rate."
    text = "; ".join(out)
    several = len(top) + len(bottom) > 1
    return (text[0].upper() + text[1:] + f": a wider grid could move {'those rates' if several else 'that rate'}, "
            f"so {'their numbers are' if several else 'its numbers are'} the best of the grid, not necessarily "
            "the best possible.")


def oscillation_sentence(runs, keys, names, data, threshold=OSCILLATING):
    """Settings whose loss rose in at least threshold of the epochs (terms.OSCILLATING), by data set."""
    groups = []
    for d in data:
        bumpy = [f"{names[k]} ({percent(runs[d, k]['summary']['loss_increase_rate'])})" for k in keys
                 if (runs[d, k]["summary"]["loss_increase_rate"] or 0) >= threshold]
        if bumpy:
            groups.append(f"on {TITLES[d]}: {', '.join(bumpy)}")
    if not groups:
        return ""
    return (f"Some chosen rates make the loss oscillate while it falls; the loss rose from one epoch to the next "
            f"in at least {percent(threshold, 0)} of the epochs {'; '.join(groups)}.")


def first_epochs(history):
    """(M,) first epoch at 100% training accuracy of each model, nan for a model that never
    got there (for figures.dots_by_value)."""
    first = np.atleast_1d(np.asarray(history.first_perfect_epoch, dtype=np.float64))
    return np.where(first > 0, first, np.nan)


def equal_step_lr(momentum_lr, mu, grid):
    """The rate of the SGD grid equal to momentum's effective step momentum_lr / (1 - mu), or None."""
    return next((v for v in grid if np.isclose(v, momentum_lr / (1 - mu))), None)


def chosen_rates(runs):
    """{data set: {variant: chosen learning rate}} of runs {(data set, variant): tuned()}."""
    out = {}
    for (d, key), run in runs.items():
        out.setdefault(d, {})[key] = run["lr"]
    return out
