"""Finding sentences with their conditions: each claim states only what the numbers show.

A claim is a function of results -- plain numbers, per-seed arrays, or ``Finals`` (the
per-seed finals of one setting, lab1/study/finals.py) -- that returns its sentence when its condition holds,
the sentence that is true instead, or None when there is nothing to say. Notebooks call
claims; they never assemble a finding from an f-string, so a changed parameter cannot
make the prose false. Every claim is unit-tested on hand-made results (tests/test_claims.py).

Conventions, shared by every claim:
- Numbers go through one style: percentages ``percent`` (99.6%), counts ``count`` (1,185),
  mean ± population standard deviation over seeds ``mean_std`` (the ± is defined once,
  in Section 2).
- Two numbers *tie* when they read the same as the report prints them (``ties``): a
  ranking never puts 100.0% above 100.0%.
- Grammar follows the numbers: ``noun(1, "seed")`` is "1 seed", ``verb(2, "reach")`` "reach".
- A data set is named only when it was run: cross-data-set claims take {name: ...} dicts.
"""
import numpy as np

from .formatting import count, mean_std, percent, sci
from .wording import (DATASET_NAMES, capital, every, listing, noun, ties, value_text, values_text,
                      verb)


# --------------------------------------------------------------------------- general claims

def reach_phrase(finals, subject="seed"):
    """'every seed reaches 100%', '3 of 5 seeds reach 100%', 'no seed reaches 100%',
    'the only seed reaches 100%' (lower case, for the middle of a sentence)."""
    k, n = finals.reached, finals.seeds
    if n == 1:
        return f"the only {subject} {'reaches' if k else 'does not reach'} 100%"
    if k == n:
        return f"every {subject} reaches 100%"
    if k == 0:
        return f"no {subject} reaches 100%"
    return f"{k} of {noun(n, subject)} {verb(k, 'reach')} 100%"


def reach(finals, subject="seed", within=True):
    """'Every seed reaches 100% training accuracy within 2,000 epochs.', '3 of 5 seeds reach
    ...', 'No seed ...', 'The only seed does not reach ...' (within: say the epochs)."""
    tail = f" within {noun(finals.epochs, 'epoch')}" if within and finals.epochs else ""
    return capital(reach_phrase(finals, subject)) + f" training accuracy{tail}."


def reach_for(finals_by_value, name, noun_of_value="setting"):
    """Which values of the swept variable bring every seed to 100% training accuracy.

    finals_by_value: {value: Finals} in sweep order; name: the variable as prose writes
    it ('lr', '$h$'); noun_of_value: it in words ('learning rate').
    """
    values = list(finals_by_value)
    works = [v for v in values if finals_by_value[v].reached == finals_by_value[v].seeds]
    epochs = max(f.epochs or 0 for f in finals_by_value.values())
    within = f" within {noun(epochs, 'epoch')}" if epochs else ""
    subject = "the only seed" if {f.seeds for f in finals_by_value.values()} == {1} else "every seed"
    if not works:
        return f"No {noun_of_value} brings {subject} to 100% training accuracy{within}."
    if len(works) == len(values) > 1:
        return (f"{capital(subject)} reaches 100% training accuracy{within} at every "
                f"{noun_of_value} tried ({values_text(name, values)}).")
    only = "only " if len(works) == 1 < len(values) else ""
    return f"{capital(subject)} reaches 100% training accuracy{within} {only}at {values_text(name, works)}."


def ranking(scores, what, fmt=percent, higher_is_better=True):
    """Best and worst of {name: score}, ties said as ties; None for fewer than two names.

    what: the measure, e.g. 'mean accuracy'. Scores that read the same under fmt tie.
    """
    names = [n for n in scores if scores[n] is not None]
    if len(names) < 2:
        return None
    sign = 1 if higher_is_better else -1
    top, bottom = ("highest", "lowest") if higher_is_better else ("lowest", "highest")
    best = max(names, key=lambda n: sign * scores[n])
    worst = min(names, key=lambda n: sign * scores[n])
    best_group = [n for n in names if ties(scores[n], scores[best], fmt)]
    worst_group = [n for n in names if ties(scores[n], scores[worst], fmt)]
    if len(best_group) == len(names):
        return f"The {what} is the same, {fmt(scores[best])}, for {listing(names)}: a tie."

    def who(group):
        return listing(group) + (" (a tie)" if len(group) > 1 else "")
    return (f"The {top} {what}, {fmt(scores[best])}, is reached by {who(best_group)}; the {bottom}, "
            f"{fmt(scores[worst])}, by {who(worst_group)}.")


def trend(points, what, step, fmt=percent, tolerance=0.0):
    """How a measure changes along a swept variable: 'falls with every step' only when it does.

    points: [(label, value)] in sweep order (values None are left out); what: 'the median';
    step: the variable, e.g. 'width'. Two values are equal when they read the same under
    fmt, or (tolerance > 0) differ by at most that share of the larger: then a stretch
    'stays at about' its first value.
    """
    points = [(x, y) for x, y in points if y is not None]
    if len(points) < 2:
        return None
    moves = []          # [direction, first index, last index] of each monotone stretch
    for i in range(1, len(points)):
        way = _step(points[i - 1][1], points[i][1], fmt, tolerance)
        if moves and moves[-1][0] == way:
            moves[-1][2] = i
        else:
            moves.append([way, i - 1, i])
    about = "about " if tolerance else ""

    def at(i):
        return f"{fmt(points[i][1])} ({points[i][0]})"
    if len(moves) == 1:
        way = moves[0][0]
        if way == "stays":
            return f"{capital(what)} is {about}the same at every {step}, {fmt(points[0][1])}."
        return f"{capital(what)} {way} with every step in {step}, from {at(0)} to {at(len(points) - 1)}."
    parts = []
    for way, i, j in moves:
        parts.append(f"stays at {about}{fmt(points[i][1])} from {points[i][0]} to {points[j][0]}"
                     if way == "stays" else f"{way} from {at(i)} to {at(j)}")
    return f"{capital(what)} does not change in one direction with {step}: it {listing(parts)}."


def _step(a, b, fmt, tolerance):
    if ties(a, b, fmt) or abs(b - a) <= tolerance * max(abs(a), abs(b)):
        return "stays"
    return "rises" if b > a else "falls"


def direction(points, fmt=percent, tolerance=0.0):
    """'falls', 'rises' or 'stays' when a measure moves one way at every step (equal values
    as in trend), else None. points: [(label, value)]."""
    values = [y for _, y in points if y is not None]
    steps = {_step(a, b, fmt, tolerance) for a, b in zip(values, values[1:])}
    return steps.pop() if len(steps) == 1 else None


def divergence(diverged_by_value, name):
    """'None of the 40 runs diverged: ...' or '3 of 40 runs diverged (loss nan or inf): 2 at
    lr = 10 and 1 at lr = 100.' diverged_by_value: {value: (diverged runs, runs)}."""
    total = sum(n for _, n in diverged_by_value.values())
    bad = sum(k for k, _ in diverged_by_value.values())
    if bad == 0:
        if total == 1:
            return "The run did not diverge: its loss stayed finite."
        return f"None of the {noun(total, 'run')} diverged: every loss stayed finite."
    if total == 1:
        return f"The run diverged (loss nan or inf) at {name} = {value_text(next(iter(diverged_by_value)))}."
    where = listing(f"{k} at {name} = {value_text(v)}" for v, (k, _) in diverged_by_value.items() if k)
    head = capital(every(total, "run")) if bad == total else f"{bad} of {noun(total, 'run')}"
    return f"{head} diverged (loss nan or inf): {where}."


def spread_order(a, b, higher_is_better=True):
    """+1 when a beats b by more than the seed spread, -1 when b beats a, 0 within it.

    a, b: per-seed values (nan, e.g. diverged, left out). The spread is the larger of the
    two population standard deviations; a difference that does not show in print is none.
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    a, b = a[np.isfinite(a)], b[np.isfinite(b)]
    if not a.size or not b.size:
        raise ValueError("spread_order: each side needs at least one finite value")
    gap = (a.mean() - b.mean()) * (1 if higher_is_better else -1)
    spread = max(a.std(), b.std())
    if abs(gap) <= spread or abs(gap) < 5e-4:
        return 0
    return 1 if gap > 0 else -1


def compare(a_name, a, b_name, b, what="mean accuracy", fmt=percent, higher_is_better=True):
    """'Mean accuracy is higher for A than for B (x ± s against y ± t), by more than the seed
    spread.' or 'On mean accuracy, A and B are within the seed spread of each other (...).'
    a, b: per-seed values (nan left out); what: the measure, a lower-case noun."""
    order = spread_order(a, b, higher_is_better)
    if order == 0:
        return (f"On {what}, {a_name} and {b_name} are within the seed spread of each other "
                f"({spread_text(a, fmt)} against {spread_text(b, fmt)}).")
    (better, x), (worse, y) = ((a_name, a), (b_name, b)) if order > 0 else ((b_name, b), (a_name, a))
    adjective = "higher" if higher_is_better else "lower"
    return (f"{capital(what)} is {adjective} for {better} than for {worse} ({spread_text(x, fmt)} against "
            f"{spread_text(y, fmt)}), by more than the seed spread.")


def spread_text(values, fmt=percent):
    """Mean ± population std of per-seed values (nan left out) in fmt; the ± part is left
    out when it reads as 0, as in the report's tables."""
    values = np.asarray(values, dtype=np.float64)
    values = values[np.isfinite(values)]
    if fmt is percent:
        return mean_std(values.mean(), values.std())
    return fmt(values.mean()) if values.std() == 0 or ties(values.std(), 0, fmt) \
        else f"{fmt(values.mean())} ± {fmt(values.std())}"


def no_gain(values_by_setting, what, noun_of_setting="setting"):
    """'No width after $h$ = 1 raises ...' only when every later setting is within the seed
    spread of the first (or below it); else which ones do.

    values_by_setting: {label: per-seed values} in sweep order, the first the baseline.
    """
    labels = list(values_by_setting)
    if len(labels) < 2:
        return None
    base = labels[0]
    better = [l for l in labels[1:] if spread_order(values_by_setting[l], values_by_setting[base]) > 0]
    if not better:
        return f"No {noun_of_setting} after {base} raises the {what} above it by more than the seed spread."
    numbers = listing(f"{spread_text(values_by_setting[l], percent)} at {l}" for l in [base] + better)
    return (f"The {what} is higher at {listing(better)} than at {base} by more than the seed spread "
            f"({numbers}).")


# --------------------------------------------------------------------------- data sets

def works_on_each(values_by_dataset, name, noun_of_value="setting"):
    """Which values bring every seed to 100% on each data set, and on all of them.

    values_by_dataset: {dataset: [values that do]} for the data sets run; None for fewer
    than two (the per-data-set claims say it).
    """
    if len(values_by_dataset) < 2:
        return None
    parts = [f"{'at ' + values_text(name, values) if values else 'at no ' + noun_of_value} "
             f"on {DATASET_NAMES.get(d, d)}" for d, values in values_by_dataset.items()]
    common = [v for v in next(iter(values_by_dataset.values()))
              if all(v in values for values in values_by_dataset.values())]
    where = "both" if len(values_by_dataset) == 2 else "all of them"
    text = f"Every seed reaches 100% training accuracy {listing(parts)}"
    if common:
        return text + f"; {values_text(name, common)} {verb(len(common), 'work')} on {where}."
    return text + f"; no {noun_of_value} works on {where}."


# --------------------------------------------------------------------------- orders

def faster(a_name, a, b_name, b):
    """Which of two settings (Finals) reaches 100% sooner: by how many seeds get there first,
    then by the first epochs of those that do (beyond the seed spread only)."""
    if a.reached != b.reached:
        (more, x), (fewer, y) = ((a_name, a), (b_name, b)) if a.reached > b.reached else ((b_name, b), (a_name, a))
        return (f"More seeds reach 100% with {more} ({x.reached} of {x.seeds}) than with {fewer} "
                f"({y.reached} of {y.seeds}).")
    if a.reached == 0:
        return f"No seed reaches 100% with {a_name} or with {b_name}."
    first_a, first_b = (f.first_perfect[f.first_perfect > 0] for f in (a, b))
    head = f"With both, {reach_phrase(a)}" if a.seeds == b.seeds else "As many seeds reach 100% with each"
    sentence = compare(a_name, first_a, b_name, first_b, what="first epoch at 100%", fmt=count,
                       higher_is_better=False)
    return f"{head}; {sentence[0].lower()}{sentence[1:]}"


def same_order(ranked, other, what):
    """'The order is exactly the order of <what>' only when ranked (names best first, no ties)
    and other (names in the order of the other measure) agree; else that it does not."""
    if len(ranked) < 2:
        return None
    if list(ranked) == list(other):
        return f"The order is exactly the order of {what}."
    return f"The order does not simply follow {what}."


# --------------------------------------------------------------------------- 4.C and 4.D: lines and rates

def same_lines(ends_by_seed, lrs):
    """Whether each seed ends with the same labels (the same side of its line for every
    point) at every learning rate, and the accuracies that follow; None for one rate.

    ends_by_seed: {seed: [(accuracy, [lrs ending with these labels])]}, one entry per
    distinct labelling of the runs that did not diverge; lrs: every rate run.
    """
    lrs = list(lrs)
    if len(lrs) < 2:
        return None
    rates = values_text("lr", lrs)
    seeds = list(ends_by_seed)
    stable = [s for s, ends in ends_by_seed.items() if len(ends) == 1 and len(ends[0][1]) == len(lrs)]
    if len(stable) == len(seeds):
        by_accuracy = {}
        for s in seeds:
            by_accuracy.setdefault(percent(ends_by_seed[s][0][0]), []).append(s)
        if len(seeds) == 1:
            return (f"The only seed ends with the same labels at every learning rate ({rates}), "
                    f"at {percent(ends_by_seed[seeds[0]][0][0])}: the rate does not change the line.")
        groups = listing(f"{_seeds_text(group)} at {acc}" for acc, group in by_accuracy.items())
        head = "Both seeds end" if len(seeds) == 2 else f"Each of the {len(seeds)} seeds ends"
        return (f"{head} with the same labels at every learning rate ({rates}), so every rate gives the "
                f"same accuracies, {groups}: the seed, not the rate, decides the line.")
    if len(seeds) == 1:
        return (f"The only seed does not end with the same labels at every learning rate ({rates}): it "
                + ("ends with different labels at different rates." if len(ends_by_seed[seeds[0]]) > 1
                   else "diverges at some rate."))
    changed = [s for s in seeds if len(ends_by_seed[s]) > 1]
    partial = [s for s in seeds if s not in stable and s not in changed]
    parts = []
    if changed:
        parts.append(f"{_seeds_text(changed)} {verb(len(changed), 'end')} with different labels at different rates")
    if partial:
        parts.append(f"{_seeds_text(partial)} {verb(len(partial), 'diverge')} at some rate")
    head = (f"{len(stable)} of the {noun(len(seeds), 'seed')} {verb(len(stable), 'end')}" if stable
            else f"None of the {noun(len(seeds), 'seed')} ends")
    return f"{head} with the same labels at every learning rate ({rates}); {listing(parts)}."


def _seeds_text(seeds):
    """'seed 3', 'seeds 0, 1 and 2'."""
    return ("seed " if len(seeds) == 1 else "seeds ") + listing(seeds)


def same_path(at_time, final, time, slowest_lr):
    """Whether every run already has its final accuracy at the same "time" lr x epochs (the
    end of the slowest rate's runs): then a larger rate reaches the same end in fewer epochs.

    at_time: {lr: (M,) accuracy at epoch time / lr}; final: {lr: (M,) final accuracy}
    (nan: diverged, left out); None when fewer than two rates got that far.
    """
    if len(at_time) < 2:
        return None
    runs = same = 0
    for lr, acc in at_time.items():
        acc, end = np.asarray(acc, dtype=np.float64), np.asarray(final[lr], dtype=np.float64)
        kept = np.isfinite(acc) & np.isfinite(end)
        runs += int(kept.sum())
        same += int(np.sum(np.isclose(acc[kept], end[kept])))
    if not runs:
        return None
    when = f"At lr × epochs = {value_text(float(time))} (the end of the lr = {value_text(slowest_lr)} runs)"
    if same == runs:
        return (f"{when} every run at every rate already has its final accuracy: the larger rates reach "
                "the same ends, only in fewer epochs.")
    return f"{when} {same} of the {noun(runs, 'run')} already {verb(same, 'have', 'has')} their final accuracy."


def own_rate(at_reference, at_own, chosen, reference_lr, what="initializer", names=None):
    """Which settings bring every seed to 100% at the reference rate and at their own rate.

    at_reference, at_own: {setting: Finals}; chosen: {setting: its own lr}; names: {setting:
    display name} (default: the key). Says whether tuning the rate changes the verdict.
    """
    names = names or {k: str(k) for k in at_own}
    keys = list(at_own)

    def full(finals):
        return [k for k in keys if finals[k].reached == finals[k].seeds]

    def who(group):
        return listing(names[k] for k in group) if group else f"no {what}"
    ref, own = full(at_reference), full(at_own)
    rate = f"lr = {value_text(reference_lr)}"
    if len(keys) > 1 and len({chosen[k] for k in keys}) == 1:
        own_rates = f"lr = {value_text(chosen[keys[0]])} for every {what}"
    else:
        own_rates = listing(f"{names[k]} at lr = {value_text(chosen[k])}" for k in keys)
    if set(ref) == set(own):
        if len(own) == len(keys):
            return (f"Every {what} brings every seed to 100% both at the reference rate {rate} and at its "
                    f"own rate ({own_rates}).")
        if not own:
            return (f"No {what} brings every seed to 100%, neither at the reference rate {rate} nor at its own "
                    f"rate ({own_rates}).")
        return (f"Tuning the rate does not change which {what}s bring every seed to 100%: {who(own)} "
                f"{verb(len(own), 'do', 'does')} at the reference rate {rate} and at "
                f"{'its' if len(own) == 1 else 'their'} own {'rate' if len(own) == 1 else 'rates'} ({own_rates}).")
    gained = [k for k in own if k not in ref]
    lost = [k for k in ref if k not in own]
    text = (f"At the reference rate {rate} every seed reaches 100% with {who(ref)}; at its own rate "
            f"({own_rates}) with {who(own)}")
    if gained and not lost:
        return text + (f": what held {listing(names[k] for k in gained)} back at {rate} was the step size, "
                       f"not the {what}.")
    return text + "."


def scale_order(medians, scales, what="initial weight scale"):
    """Whether the settings that reach 100% are, ordered by their median first epoch at
    100% (fastest first), in the order of their <what> (largest first); ties in print
    count as no order. medians: {name: median epoch, None for never}; scales: {name:
    scale}. None for fewer than two settings that reach 100%."""
    names = [n for n in medians if medians[n] is not None]
    if len(names) < 2:
        return None
    speed = sorted(names, key=lambda n: medians[n])
    tied = any(ties(medians[a], medians[b], count) for a, b in zip(speed, speed[1:]))
    subject = "they" if len(names) == len(medians) else f"the {len(names)} that reach it"
    if not tied and speed == sorted(names, key=lambda n: -scales[n]):
        return (f"Ordered by their median first epoch at 100%, fastest first ({listing(speed)}), "
                f"{subject} follow their {what}, largest first.")
    return f"The order by median first epoch at 100% does not simply follow the {what}."


def variant_divergence(variant, diverged_by_value, name):
    """divergence() for the runs of one variant, naming it: 'Of the 15 *no activation*
    runs, 9 diverged (loss nan or inf): 4 at lr = 0.1 and 5 at lr = 1.'
    diverged_by_value: {value: (diverged runs, runs)}."""
    total = sum(n for _, n in diverged_by_value.values())
    bad = sum(k for k, _ in diverged_by_value.values())
    if total == 0:
        return None
    if bad == 0:
        if total == 1:
            return f"The only run of {variant} did not diverge: its loss stayed finite."
        return f"None of the {noun(total, 'run')} of {variant} diverged: every loss stayed finite."
    where = listing(f"{k} at {name} = {value_text(v)}" for v, (k, _) in diverged_by_value.items() if k)
    head = ("The only run" if total == 1 else f"All {noun(total, 'run')}") if bad == total else f"{bad} of the {noun(total, 'run')}"
    return f"{head} of {variant} diverged (loss nan or inf): {where}."


def collapses(gap, tolerance=1e-9):
    """'... reproduces the network's output on every point to within 1e-17' only when the
    largest difference gap between the collapsed map and the network is below tolerance."""
    if gap < tolerance:
        return (f"The single affine map reproduces the network's output on every training point to "
                f"within {sci(gap)}: the network is one straight line.")
    return (f"The single affine map differs from the network's output by up to {sci(gap)}: the "
            "network is not one affine map.")


def seed_decides(ends_by_seed, lrs):
    """'The seed alone decides ...' only when every seed ends with the same labels at every
    rate (two or more rates) and the seeds do not all end at one accuracy; else None.
    ends_by_seed: as for same_lines."""
    lrs = list(lrs)
    if len(lrs) < 2 or not ends_by_seed:
        return None
    if any(len(ends) != 1 or len(ends[0][1]) != len(lrs) for ends in ends_by_seed.values()):
        return None
    accuracies = {percent(ends[0][0]) for ends in ends_by_seed.values()}
    if len(accuracies) < 2:
        return None
    return ("Which line a network without hidden activations ends on is decided by its seed alone: each seed "
            f"ends with the same labels at all {len(lrs)} rates, and the seeds end at {len(accuracies)} "
            "different accuracies.")
