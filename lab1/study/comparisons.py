"""Comparing variants of the reference network, each at its own best learning rate
(the Extra section's optimizers and activations): selection, tables and sentences.

A comparison is ``runs = {(dataset, key): tuned(...)}`` for the data sets in ``data``
({name: sweeps.Dataset}) and the variants ``keys`` (optimizer or activation names).
Every sentence is computed from the runs' summaries; thresholds come from terms.
"""
import numpy as np

from ..train import NEVER
from .claims_extra import fastest_verdict
from .formatting import count, loss_text, mean_std, percent
from .wording import capital, last_epochs, listing, noun
from .summaries import summarize, summary_table
from .sweeps import seeds as seed_list
from .sweeps import sweep
from .terms import BLEW_UP, FLAT, FLAT_WINDOW, OSCILLATING, TAIL

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
        return f"within {noun(summary['epochs'], 'epoch')} (0/{summary['models']} runs)"
    return (f"after a median of {noun(summary['epochs_to_perfect_median'], 'epoch')} "
            f"({summary['reached']}/{summary['models']} runs)")


def ranking_sentences(runs, keys, names, data, d, what):
    """Sentences about speed and reliability on data set d, all from the measured summaries:
    runs at 100% at some epoch (the lowest and highest median first epoch, and whether the lowest
    is faster than the others by the report's rule, claims_extra.fastest_verdict), runs still at
    100% after the last epoch, and the others."""
    s = {k: runs[d, k]["summary"] for k in keys}
    always = [k for k in keys if s[k]["reached"] == s[k]["models"]]
    scope = "all" if len(always) == len(keys) else f"{len(always)} of the"
    out = []
    if len(always) == 1:
        (k,) = always
        out.append(f"On {TITLES[d]}, with {scope} {len(keys)} {what} every run reaches 100% training accuracy "
                   f"at some epoch: {names[k]} (lr {lr_text(runs[d, k]['lr'])}), {epochs_text(s[k])}.")
    elif always:
        median = {k: s[k]["epochs_to_perfect_median"] for k in always}
        fastest = [k for k in always if count(median[k]) == count(min(median.values()))]   # ties as printed
        slowest = [k for k in always if count(median[k]) == count(max(median.values()))]
        named = listing(f"{names[k]}{chr(39) + 's' if len(fastest) == 1 else ''} (lr {lr_text(runs[d, k]['lr'])})"
                        for k in fastest)
        text = (f"On {TITLES[d]}, with {scope} {len(keys)} {what} every run reaches 100% training accuracy "
                f"at some epoch; the lowest median first epoch at 100% is " + (f"{named}, " if len(fastest) == 1
                                                                              else f"shared by {named}, ")
                + epochs_text(s[fastest[0]]).replace("after a median of ", ""))
        if len(fastest) < len(always):
            text += (f", the highest {listing(names[k] for k in slowest)}'s, "
                     + epochs_text(s[slowest[0]]).replace("after a median of ", ""))
        out.append(text + ".")
        if len(fastest) == 1:
            out.append(fastest_verdict({names[k]: np.asarray(s[k]["epochs_to_perfect"], dtype=np.float64)
                                        for k in always}, names[fastest[0]]))
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
    listed = ", ".join(f"{names[k]} {lost_runs(s[k])} of {s[k]['reached']}" for k in lost)
    if reached == 1:
        (k,) = [k for k in keys if s[k]["reached"]]
        return (f"The only run that reached 100% at some epoch ({names[k]}) "
                + ("lost points again after it." if lost else "is still at 100% after the last epoch."))
    if not lost:
        return f"All {reached} runs that reached 100% are still at 100% after the last epoch."
    return (f"Of the {reached} runs that reached 100% at some epoch, {at_end} {'is' if at_end == 1 else 'are'} at "
            f"100% after the last epoch; the other {run_word(reached - at_end)} lost points again ({listed}).")


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
    """What the runs that never reached 100% do: a run whose finite loss ends at least BLEW_UP
    times the loss of its initial weights blew up (terms.BLEW_UP); the others are described over
    the last FLAT_WINDOW of the epochs: flat (the loss changed by less than FLAT, relatively),
    still falling or rising, and how many of the n_points they miss. A flat loss is called stuck
    only below where it started."""
    span = max(1, int(round(FLAT_WINDOW * history.epochs)))
    loss, acc = history.loss, history.final_accuracies
    groups = {"blew": [], "flat": [], "falling": [], "rising": []}
    diverged = 0
    for m in np.flatnonzero(~(acc == 1) & (history.first_perfect_epoch == NEVER)):
        before, after = loss[-span - 1, m], loss[-1, m]
        if not (np.isfinite(after) and np.isfinite(acc[m])):
            diverged += 1
            continue
        wrong = int(round((1 - acc[m]) * n_points))
        if after >= BLEW_UP * loss[0, m]:
            groups["blew"].append((wrong, loss[0, m], after))
            continue
        change = (after - before) / before
        key = "flat" if abs(change) < FLAT else "falling" if change < 0 else "rising"
        groups[key].append((wrong, before, after, change, after < loss[0, m]))
    parts = []
    for key, verb in (("blew", ""), ("flat", "a flat loss"), ("falling", "a loss still falling"),
                      ("rising", "a rising loss")):
        if groups[key]:
            counts = [g[0] for g in groups[key]]
            same = len(set(counts)) == 1
            wrong = (str(counts[0]) if same
                     else ", ".join(map(str, counts[:-1])) + f" and {counts[-1]}")
            plural = len(groups[key]) > 1
            head = (f"{run_word(len(groups[key]))} that never reached it, "
                    f"{'each ' if same and len(counts) > 1 else ''}ending with {wrong} of {n_points} points wrong, ")
            if key == "blew":
                losses = "; ".join(f"from {loss_text(b)} to {loss_text(a)}" for _, b, a in groups[key])
                parts.append(head + f"blew up: {'their losses end' if plural else 'its loss ends'} at least "
                             f"{BLEW_UP:g} times the loss of the initial weights ({losses})")
                continue
            changes = "; ".join(f"{loss_text(b)} to {loss_text(a)}, {percent(abs(c))} {'higher' if c > 0 else 'lower'}"
                                for _, b, a, c, _ in groups[key])
            stuck = key == "flat" and all(g[4] for g in groups[key])   # settled below its start
            parts.append(head + f"{'have' if plural else 'has'} {verb} over {last_epochs(span)} ({changes})"
                         + (", stuck in a local minimum or on a wide plateau" if stuck else ""))
    if diverged:
        parts.append(f"{run_word(diverged)} diverged")
    return "; ".join(parts) if parts else "every run that ends below 100% had reached it at some epoch"


def flat_rule(epochs, again=False):
    """The rule behind 'flat' and 'falling', as the text states it."""
    span = max(1, int(round(FLAT_WINDOW * epochs)))
    if again:
        return (f"Flat, falling and rising are as above (a change of less or more than {percent(FLAT, 0)} "
                f"over {last_epochs(span)}). ")
    return (f"A loss counts as flat when it changed by less than {percent(FLAT, 0)} over {last_epochs(span)}, "
            "and as still falling or rising otherwise. ")


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


def window_start(history):
    """(M,) training loss at the start of the last FLAT_WINDOW of the epochs, where flat, still
    falling and rising are measured from (failed_runs, oscillation_sentence)."""
    loss = np.asarray(history.loss, dtype=np.float64)
    loss = loss[:, None] if loss.ndim == 1 else loss
    return loss[-max(1, int(round(FLAT_WINDOW * history.epochs))) - 1]


def oscillation_sentence(runs, keys, names, data, threshold=OSCILLATING):
    """Settings whose loss rose in at least threshold of the epochs (terms.OSCILLATING), and
    whether it still falls while it oscillates: the returned model's loss more than FLAT below the
    loss at the start of the last FLAT_WINDOW of the epochs (the rule of 'still falling'), in every
    run that did not diverge, in none, or in some."""
    groups = {"falls": [], "none": [], "some": []}
    span = None
    for d in data:
        for k in keys:
            rate = runs[d, k]["summary"]["loss_increase_rate"]
            if rate is None or rate < threshold:
                continue
            history = runs[d, k]["history"]
            span = max(1, int(round(FLAT_WINDOW * history.epochs)))
            before, final = window_start(history), np.atleast_1d(np.asarray(history.final_losses, dtype=np.float64))
            ok = np.isfinite(before) & np.isfinite(final)
            fell = final[ok] < (1 - FLAT) * before[ok]
            entry = f"{names[k]} on {TITLES[d]} ({percent(rate)})"
            if fell.all():
                groups["falls"].append(entry)
            elif not fell.any():
                groups["none"].append(entry)
            else:
                groups["some"].append(f"{entry[:-1]}, falling in {fell.sum()} of {noun(len(fell), 'run')})")
    if not any(groups.values()):
        return ""
    parts = [f"{head} with {listing(groups[key])}" for key, head in (
        ("falls", "it oscillates while it still falls"), ("none", "it oscillates without still falling"),
        ("some", "it oscillates and still falls in some runs only")) if groups[key]]
    return (f"At some chosen rates the loss rose from one epoch to the next in at least {percent(threshold, 0)} of "
            f"the epochs. Counting a loss as still falling when it ends more than {percent(FLAT, 0)} below its value "
            f"at the start of {last_epochs(span)}, {'; '.join(parts)}.")


def first_epochs(history):
    """(M,) first epoch at 100% training accuracy of each model, nan for a model that never
    got there (for figures.dots_by_value)."""
    first = np.atleast_1d(np.asarray(history.first_perfect_epoch, dtype=np.float64))
    return np.where(first > 0, first, np.nan)


def equal_step_lr(momentum_lr, mu, grid):
    """The rate of the SGD grid equal to momentum's effective step momentum_lr / (1 - mu), or None."""
    return next((v for v in grid if np.isclose(v, momentum_lr / (1 - mu))), None)


def initial_losses(runs):
    """{data set: {variant: per-seed loss of the initial weights}} of runs {(data set, variant):
    tuned()} (the first entry of each chosen run's loss curve), for the results document."""
    out = {}
    for (d, key), run in runs.items():
        loss = np.asarray(run["history"].loss, dtype=np.float64)
        out.setdefault(d, {})[key] = (loss[0] if loss.ndim > 1 else loss[:1]).tolist()
    return out


def window_losses(runs):
    """{data set: {variant: per-seed loss at the start of the last FLAT_WINDOW}} (window_start)
    of runs {(data set, variant): tuned()}, for the results document."""
    out = {}
    for (d, key), run in runs.items():
        out.setdefault(d, {})[key] = window_start(run["history"]).tolist()
    return out


def blew_up_losses(runs, d, keys, names):
    """{name: (initial (M,), final (M,))} of the chosen runs on data set d, for claims.blew_up."""
    out = {}
    for k in keys:
        history = runs[d, k]["history"]
        loss = np.asarray(history.loss, dtype=np.float64)
        out[names[k]] = (loss[0] if loss.ndim > 1 else loss[:1], np.atleast_1d(history.final_losses))
    return out


def chosen_rates(runs):
    """{data set: {variant: chosen learning rate}} of runs {(data set, variant): tuned()}."""
    out = {}
    for (d, key), run in runs.items():
        out.setdefault(d, {})[key] = run["lr"]
    return out
