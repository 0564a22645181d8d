"""Claims any section uses: reach, rankings, trends, divergence, comparisons beyond the
seed spread, across data sets, orders.

The conventions every claim follows are in lab1/study/claims.py, which gathers these claims
with those of the sections (tests/test_claims.py).
"""
import numpy as np

from .formatting import count, mean_std, percent
from .wording import DATASET_NAMES, capital, every, listing, noun, ties, value_text, values_text, verb


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


def ranking(scores, what, fmt=percent, higher_is_better=True, seeds=None):
    """Best and worst of {name: score}, ties said as ties; None for fewer than two names.

    what: the measure, e.g. 'mean accuracy'. Scores that read the same under fmt tie.
    seeds: {name: per-seed values behind its score} (nan left out): a name within the seed
    spread of the best (spread_order) is named with it, not below it, and so for the worst.
    """
    names = [n for n in scores if scores[n] is not None]
    if len(names) < 2:
        return None
    sign = 1 if higher_is_better else -1
    top, bottom = ("highest", "lowest") if higher_is_better else ("lowest", "highest")
    best = max(names, key=lambda n: sign * scores[n])
    worst = min(names, key=lambda n: sign * scores[n])

    def close(n, other):
        if ties(scores[n], scores[other], fmt):
            return True
        if seeds is None:
            return False
        a, b = (np.asarray(seeds[k], dtype=np.float64) for k in (n, other))
        return (np.isfinite(a).sum() + np.isfinite(b).sum() > 2 and np.isfinite(a).any() and np.isfinite(b).any()
                and spread_order(a, b) == 0)
    best_group = [n for n in names if close(n, best)]
    worst_group = [n for n in names if close(n, worst) and n not in best_group]
    if len(best_group) == len(names):
        if all(ties(scores[n], scores[best], fmt) for n in names):
            return f"The {what} is the same, {fmt(scores[best])}, for {listing(names)}: a tie."
        if len(names) == 2:
            return (f"On the {what}, {listing(f'{n} ({fmt(scores[n])})' for n in names)} are within the seed "
                    "spread of each other.")
        return (f"On the {what}, {listing(names)} are all within the seed spread of the {top}, "
                f"{fmt(scores[best])} ({best}).")

    def who(group, lead):
        tied = [n for n in group if ties(scores[n], scores[lead], fmt)]
        near = [n for n in group if n not in tied]
        text = listing(tied) + (" (a tie)" if len(tied) > 1 else "")
        if near:
            text += f", with {listing(f'{n} ({fmt(scores[n])})' for n in near)} within the seed spread of it"
        return text
    if not worst_group:
        worst_group = [worst]
    return (f"The {top} {what}, {fmt(scores[best])}, is reached by {who(best_group, best)}; the {bottom}, "
            f"{fmt(scores[worst])}, by {who(worst_group, worst)}.")


def trend(points, what, step, fmt=percent, tolerance=0.0, seeds=None):
    """How a measure changes along a swept variable: 'falls with every step' only when it does,
    'falls with width, with a flat stretch: ...' when it falls or stays at every step, and
    'does not change in one direction' only when it both rises and falls.

    points: [(label, value)] in sweep order (values None are left out); what: 'the median';
    step: the variable, e.g. 'width'. Two values are equal when they read the same under
    fmt, or (tolerance > 0) differ by at most that share of the larger: then a stretch
    'stays at about' its first value. seeds: per-seed values behind each point (nan left
    out), in the order of points: a step then counts as a rise or a fall only when it is
    beyond the seed spread (spread_order) and the values move the same way; a step within
    it is 'about the same, within the seed spread', and a sweep with no step beyond it
    says so (with one seed per point there is no spread: seeds is then not used).
    """
    if seeds is not None:
        if len(seeds) != len(points):
            raise ValueError("trend: seeds needs one list of per-seed values per point")
        kept = [(p, s) for p, s in zip(points, seeds) if p[1] is not None]
        points, seeds = [p for p, _ in kept], [s for _, s in kept]
        if all(np.isfinite(np.asarray(s, dtype=np.float64)).sum() <= 1 for s in seeds):
            seeds = None            # one seed per point: no seed spread to judge a step by
    else:
        points = [(x, y) for x, y in points if y is not None]
    if len(points) < 2:
        return None
    moves = []          # [direction, first index, last index] of each monotone stretch
    for i in range(1, len(points)):
        way = _step(points[i - 1][1], points[i][1], fmt, tolerance)
        if seeds is not None and way != "stays" and not _beyond(seeds[i - 1], seeds[i], way):
            way = "within"
        elif seeds is not None and way == "stays" and not _beyond(seeds[i - 1], seeds[i], "rises") \
                and not _beyond(seeds[i - 1], seeds[i], "falls"):
            way = "within"      # near values within the spread: one stretch with the steps around it
        if moves and moves[-1][0] == way:
            moves[-1][2] = i
        else:
            moves.append([way, i - 1, i])
    about = "about " if tolerance else ""

    def at(i):
        return f"{fmt(points[i][1])} ({points[i][0]})"
    if seeds is not None and all(way in ("stays", "within") for way, _, _ in moves):
        if all(_step(a[1], b[1], fmt, tolerance) == "stays" for a, b in zip(points, points[1:])):
            return f"{capital(what)} is {about}the same at every {step}, {fmt(points[0][1])}."
        values = listing(at(i) for i in range(len(points)))
        if len(points) == 2:
            return f"{capital(what)} is {values}, within the seed spread of each other."
        text = (f"{capital(what)} is {values}: every difference from one {step} to the next lies within "
                "the seed spread.")
        ends = spread_order(seeds[0], seeds[-1])
        if ends:
            text += (f" From {points[0][0]} to {points[-1][0]} it {'falls' if ends > 0 else 'rises'} by more "
                     "than the seed spread.")
        return text
    if len(moves) == 1:
        way = moves[0][0]
        if way == "stays":
            return f"{capital(what)} is {about}the same at every {step}, {fmt(points[0][1])}."
        steps = " with every step in " + step if len(points) > 2 else ""   # two values: one step
        beyond = " by more than the seed spread" if seeds is not None else ""
        return f"{capital(what)} {way}{beyond}{steps}, from {at(0)} to {at(len(points) - 1)}."
    parts = []
    for way, i, j in moves:
        if way == "stays":
            parts.append(f"stays at {about}{fmt(points[i][1])} from {points[i][0]} to {points[j][0]}")
        elif way == "within":
            parts.append(f"is about the same, within the seed spread, from {at(i)} to {at(j)}" if j == i + 1 else
                         f"moves within the seed spread at each step from {at(i)} to {at(j)}")
        else:
            parts.append(f"{way} from {at(i)} to {at(j)}")
    ways = {way for way, _, _ in moves if way not in ("stays", "within")}
    if len(ways) == 1:                  # one direction, with flat stretches: not 'not one direction'
        way = ways.pop()
        if seeds is not None:
            return (f"{capital(what)} {way} with {step} by more than the seed spread only at some steps: "
                    f"it {listing(parts)}.")
        flat = sum(w == "stays" for w, _, _ in moves)
        stretches = "a flat stretch" if flat == 1 else "flat stretches"
        return f"{capital(what)} {way} with {step}, with {stretches}: it {listing(parts)}."
    beyond = ", counting the steps beyond the seed spread" if seeds is not None else ""
    return f"{capital(what)} does not change in one direction with {step}{beyond}: it {listing(parts)}."


def _step(a, b, fmt, tolerance):
    if ties(a, b, fmt) or abs(b - a) <= tolerance * max(abs(a), abs(b)):
        return "stays"
    return "rises" if b > a else "falls"


def _beyond(a, b, way):
    """Whether the step from per-seed values a to b is beyond the seed spread in the direction
    way ('rises' or 'falls') of the values printed."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if not np.isfinite(a).any() or not np.isfinite(b).any():
        return False
    return spread_order(b, a) == (1 if way == "rises" else -1)


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

    values_by_setting: {label: per-seed values} in sweep order, the first the baseline; a
    setting whose every run diverged (all nan) is left out, and when all are, the sentence
    says so.
    """
    labels = [l for l in values_by_setting if np.isfinite(np.asarray(values_by_setting[l], dtype=np.float64)).any()]
    if not labels and len(values_by_setting) > 1:
        return f"Every run diverged at every {noun_of_setting}, so there is no {what} to compare."
    if len(labels) < 2:
        return None
    base = labels[0]
    one_seed = all(np.isfinite(np.asarray(values_by_setting[l], dtype=np.float64)).sum() == 1 for l in labels)
    beyond = "" if one_seed else " by more than the seed spread"     # one seed each: no spread to name
    better = [l for l in labels[1:] if spread_order(values_by_setting[l], values_by_setting[base]) > 0]
    if not better:
        worse = [l for l in labels[1:] if spread_order(values_by_setting[l], values_by_setting[base]) < 0]
        base_mean = float(np.nanmean(values_by_setting[base]))
        head = (f"The {what} is already {percent(base_mean)} at {base}, so no {noun_of_setting} after it can raise it"
                if base_mean >= 1 else
                f"No {noun_of_setting} after {base} raises the {what} above it{beyond}")
        if worse:
            numbers = listing(f"{spread_text(values_by_setting[l], percent)} at {l}" for l in [base] + worse)
            return head + f"; it is lower at {listing(worse)}{',' if beyond else ''}{beyond} ({numbers})."
        lowest = min(labels[1:], key=lambda l: float(np.nanmean(values_by_setting[l])))
        low_mean = float(np.nanmean(values_by_setting[lowest]))
        if percent(low_mean) != percent(base_mean):      # a drop that shows in print, within the spread
            return head + f"; the lowest, {percent(low_mean)} at {lowest}, is within the seed spread of it."
        return head + "."
    numbers = listing(f"{spread_text(values_by_setting[l], percent)} at {l}" for l in [base] + better)
    return f"The {what} is higher at {listing(better)} than at {base}{beyond} ({numbers})."


# --------------------------------------------------------------------------- data sets

def works_on_each(values_by_dataset, name, noun_of_value="setting"):
    """Which values bring every seed to 100% on each data set, and on all of them.

    values_by_dataset: {dataset: [values that do]} for the data sets run; None for fewer
    than two (the per-data-set claims say it).
    """
    if len(values_by_dataset) < 2:
        return None
    where = "both" if len(values_by_dataset) == 2 else "all of them"
    works = {d: v for d, v in values_by_dataset.items() if v}
    fails = [DATASET_NAMES.get(d, d) for d, v in values_by_dataset.items() if not v]
    if not works:
        either = "either data set" if len(values_by_dataset) == 2 else "any data set"
        return f"No {noun_of_value} tried brings every seed to 100% training accuracy on {either}."
    parts = [f"at {values_text(name, values)} on {DATASET_NAMES.get(d, d)}" for d, values in works.items()]
    text = f"Every seed reaches 100% training accuracy {listing(parts)}"
    if fails:
        return (text + f", and no {noun_of_value} tried brings every seed there on {listing(fails)}; so no "
                f"{noun_of_value} works on {where}.")
    common = [v for v in next(iter(values_by_dataset.values()))
              if all(v in values for values in values_by_dataset.values())]
    if common:
        return text + f"; {values_text(name, common)} {verb(len(common), 'work')} on {where}."
    return text + f"; no {noun_of_value} works on {where}."


# --------------------------------------------------------------------------- orders

def faster(a_name, a, b_name, b):
    """Which of two settings (Finals) reaches 100% sooner: by how many seeds get there first,
    then by the mean first epoch of those that do (beyond the seed spread only; a single seed
    at 100% on each side has no spread, and the sentence says so)."""
    if a.reached != b.reached:
        (more, x), (fewer, y) = ((a_name, a), (b_name, b)) if a.reached > b.reached else ((b_name, b), (a_name, a))
        return (f"More seeds reach 100% with {more} ({x.reached} of {x.seeds}) than with {fewer} "
                f"({y.reached} of {y.seeds}).")
    if a.reached == 0:
        return f"No seed reaches 100% with {a_name} or with {b_name}."
    first_a, first_b = (f.first_perfect[f.first_perfect > 0] for f in (a, b))
    if a.reached == 1:
        who = "the only seed reaches" if a.seeds == b.seeds == 1 else "1 seed reaches"
        return (f"With each, {who} 100%: with {a_name} at epoch {count(first_a[0])}, with {b_name} at epoch "
                f"{count(first_b[0])}, one seed each, so no seed spread to judge the difference by.")
    head = f"With both, {reach_phrase(a)}" if a.seeds == b.seeds else "As many seeds reach 100% with each"
    sentence = compare(a_name, first_a, b_name, first_b, what="mean first epoch at 100%", fmt=count,
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
