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

from .formatting import count, loss_text, mean_std, percent, sci
from .terms import FITS
from .wording import (DATASET_NAMES, capital, every, listing, noun, on_datasets, ties, value_text,
                      values_text, verb)


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
        steps = " with every step in " + step if len(points) > 2 else ""   # two values: one step
        return f"{capital(what)} {way}{steps}, from {at(0)} to {at(len(points) - 1)}."
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


# --------------------------------------------------------------------------- Extra (Section 5)
# Variants of the reference network compared each at its own best learning rate (optimizers,
# hidden activations: {display name: Finals} in the report's order), and the digits models.

def reach_by_variant(finals_by_name, where, kind="variant"):
    """Which variants bring every seed to 100% training accuracy on one data set.

    where: 'on XOR'; kind: a variant in words ('optimizer'). 'On XOR, every seed reaches 100%
    training accuracy within 500 epochs with each of the 5 optimizers.' / '... with SGD and
    Adam, but not with Adagrad (3 of 5 seeds) or RMSprop (none of 5).' / '... no optimizer
    brings every seed ...'.
    """
    finals = list(finals_by_name.values())
    epochs = max(f.epochs or 0 for f in finals)
    within = f" within {noun(epochs, 'epoch')}" if epochs else ""
    single = all(f.seeds == 1 for f in finals)
    subject = "the only seed" if single else "every seed"
    works = [n for n, f in finals_by_name.items() if f.reached == f.seeds]
    fails = [n for n in finals_by_name if n not in works]

    def how_many(name):
        f = finals_by_name[name]
        return name if single else f"{name} ({f.reached if f.reached else 'none'} of {noun(f.seeds, 'seed')})"
    if not fails:
        scope = f"both {kind}s" if len(works) == 2 else f"each of the {noun(len(works), kind)}"
        if len(works) == 1:
            scope = f"the only {kind}, {works[0]}"
        return f"{capital(where)}, {subject} reaches 100% training accuracy{within} with {scope}."
    missed = " or ".join([", ".join(how_many(n) for n in fails[:-1]), how_many(fails[-1])]
                         if len(fails) > 1 else [how_many(fails[0])])
    if not works:
        return f"{capital(where)}, no {kind} brings {subject} to 100% training accuracy{within}: not {missed}."
    return (f"{capital(where)}, {subject} reaches 100% training accuracy{within} with {listing(works)}, "
            f"but not with {missed}.")


def fastest_variant(finals_by_name, where):
    """Lowest and highest median first epoch at 100% among the variants that bring every seed
    there (ties as the report prints epochs); None for fewer than two such variants."""
    medians = {n: f.median_first() for n, f in finals_by_name.items() if f.reached == f.seeds and f.reached}
    sentence = ranking(medians, "median first epoch at 100%", fmt=count, higher_is_better=False)
    if sentence is None:
        return None
    scope = "" if len(medians) == len(finals_by_name) else f" among {listing(medians)}"
    return f"{capital(where)}{scope}, {sentence[0].lower()}{sentence[1:]}"


def equal_step(momentum, lr, mu, sgd_by_lr, where):
    """Momentum's speed-up read at equal effective step (issue 10 item 5).

    Along a steady gradient SGD + momentum at lr moves lr/(1 - mu) times the gradient per
    step, as plain SGD at lr/(1 - mu) does. momentum: Finals at lr; sgd_by_lr: {lr: Finals}
    of plain SGD; where: 'on XOR'. Compares the two at that equal step when SGD ran there,
    else says that a comparison with SGD mixes momentum's averaging with a larger step.
    """
    step = lr / (1 - mu)
    at = f"$\\eta/(1-\\mu)$ = {value_text(step)}"
    match = next((v for v in sgd_by_lr if np.isclose(v, step)), None)
    if match is None:
        return (f"{capital(where)}, plain SGD did not run at momentum's effective step {at} "
                f"({values_text('lr', sorted(sgd_by_lr))}), so a speed-up of momentum over SGD mixes its "
                "averaging with a larger step.")
    sgd = sgd_by_lr[match]
    compared = _faster(f"SGD + momentum at lr {value_text(lr)}", momentum, f"plain SGD at lr {value_text(match)}", sgd)
    text = f"{capital(where)}, at equal effective step {at}: {compared[0].lower()}{compared[1:]}"
    if momentum.reached != sgd.reached or momentum.reached < 2:
        return text
    order = spread_order(momentum.first_perfect[momentum.first_perfect > 0],
                         sgd.first_perfect[sgd.first_perfect > 0], higher_is_better=False)
    return text + {1: " Momentum gains more than its larger step.",
                   0: " Momentum's speed-up is that of its larger step.",
                   -1: " At equal step, momentum is the slower."}[order]


def width_rule(scores, chosen, best, tolerance, validation):
    """The MLP width as a stated rule applied to its numbers (issue 10 item 2).

    scores: {width: mean validation accuracy} in the order tried; chosen, best: the rule's
    width and the best-scoring one; tolerance: the rule's margin (a fraction); validation:
    the number of validation images (the margin in images is tolerance * validation).
    """
    widths = listing(count(w) for w in scores)
    numbers = listing(percent(v) for v in scores.values())
    images = tolerance * validation
    points = f"{100 * tolerance:.1f} points"
    margin = (f"{noun(round(images), 'validation image')} ({points})" if np.isclose(images, round(images))
              else points)
    text = (f"{widths} hidden units gave {numbers} mean validation accuracy; the rule, the narrowest width "
            f"within {margin} of the best, keeps {count(chosen)}")
    if chosen == best:
        return text + ", the best."
    return text + f", {100 * (scores[best] - scores[chosen]):.1f} points below the best ({count(best)} units)."


def beats(a_name, a, b_name, b, what="test accuracy", fmt=percent):
    """compare() of per-seed values, saying when one seed leaves no spread to judge by."""
    a, b = np.atleast_1d(np.asarray(a, dtype=np.float64)), np.atleast_1d(np.asarray(b, dtype=np.float64))
    if min(len(a), len(b)) > 1:
        return compare(a_name, a, b_name, b, what=what, fmt=fmt)
    if ties(a.mean(), b.mean(), fmt):
        return f"{capital(what)} is the same for {a_name} and {b_name}, {fmt(a.mean())} (1 seed)."
    (hi, x), (lo, y) = ((a_name, a), (b_name, b)) if a.mean() > b.mean() else ((b_name, b), (a_name, a))
    return (f"{capital(what)} is higher for {hi} than for {lo} ({fmt(x.mean())} against {fmt(y.mean())}), from "
            "1 seed, so without a seed spread to judge the difference by.")


def loss_change(initial, final, what="training loss"):
    """'The training loss falls from X at the initial weights to Y after training.' (or rises,
    or stays): initial is the loss of the initial weights (History.loss[0]), final of the
    returned model (History.final_loss)."""
    if ties(initial, final, loss_text):
        return f"The {what} stays at {loss_text(final)} from the initial weights to the end of training."
    move = "falls" if final < initial else "rises"
    return f"The {what} {move} from {loss_text(initial)} at the initial weights to {loss_text(final)} after training."


def dead_units(inactive, hidden_units, where):
    """Dead ReLU units after training: inactive (seeds, hidden layers) counts of units whose
    input is negative on every training point; hidden_units: units per hidden layer.
    'On XOR, 2 of 5 ReLU runs end with dead hidden units, 3 of their 16; in 1 of them a whole
    hidden layer is dead.' / 'On XOR, no ReLU run ends with a dead hidden unit.'"""
    inactive = np.atleast_2d(np.asarray(inactive))
    runs, per_run = len(inactive), int(np.sum(hidden_units))
    with_dead = inactive.sum(axis=1) > 0
    k = int(with_dead.sum())
    if not k:
        return f"{capital(where)}, no ReLU run ends with a dead hidden unit."
    head = ("the only ReLU run ends" if runs == 1 else f"{every(runs, 'ReLU run')} end" if k == runs
            else f"{k} of {noun(runs, 'ReLU run')} {verb(k, 'end')}")
    units = f"{count(inactive.sum())} of {'its' if k == 1 else 'their'} {count(k * per_run)}"
    text = f"{capital(where)}, {head} with dead hidden units, {units}"
    whole = int(np.any(inactive == np.asarray(hidden_units), axis=1).sum())
    if whole:
        text += (f"; in {'it' if k == 1 else f'{whole} of them'} a whole hidden layer is dead, so no gradient "
                 "reaches the layers below")
    return text + "."


def gradients_agree(worst, tolerance, where="the table"):
    """'Every relative error in the table is below 1e-7 (the largest, 3.6e-9): ...' only when it is."""
    if worst < tolerance:
        return (f"Every relative error in {where} is below {sci(tolerance)} (the largest is {sci(worst)}), "
                "so each backward pass computes the gradient of its forward pass.")
    return (f"The largest relative error in {where}, {sci(worst)}, is above {sci(tolerance)}: a backward "
            "pass disagrees with its forward pass.")


def on_each(claim, by_dataset, *args, **kwargs):
    """A claim per data set, said once for all when it reads the same on each.

    claim(value, *args, where=..., **kwargs) for each {dataset: value}. Returns {(data sets,):
    sentence}: one sentence naming every data set ('On XOR and the linear data, ...') when
    they agree word for word, else one per data set ('On XOR, ...'); None results left out.
    """
    mark = "\x00"
    texts = {d: claim(v, *args, where=mark, **kwargs) for d, v in by_dataset.items()}

    def placed(text, names):
        where = on_datasets(names)
        return capital(text.replace(mark, where)) if text.startswith(mark) else text.replace(mark, where)
    if len(texts) > 1 and len(set(texts.values())) == 1 and next(iter(texts.values())) is not None:
        return {tuple(texts): placed(next(iter(texts.values())), texts)}
    return {(d,): placed(text, [d]) for d, text in texts.items() if text is not None}


def _faster(a_name, a, b_name, b):
    """faster(), except when each side has a single seed at 100%: then there is no spread to
    judge the two epochs by, and the sentence says so."""
    if a.reached != b.reached or a.reached != 1:
        return faster(a_name, a, b_name, b)
    who = "the only seed reaches" if a.seeds == b.seeds == 1 else "1 seed reaches"
    epochs = [int(f.first_perfect[f.first_perfect > 0][0]) for f in (a, b)]
    return (f"With each, {who} 100%: with {a_name} at epoch {count(epochs[0])}, with {b_name} at epoch "
            f"{count(epochs[1])}, one seed each, so no seed spread to judge the difference by.")


def fit_and_gaps(train_by_name, test_by_name):
    """Training fit and train-test gaps of models {name: per-seed accuracies}, the gap in
    points from the means as the report prints them. 'All three fit their training set (at
    least 99%: ...), so they differ in generalization: the train-test gap is ...' only when
    every model fits."""
    names = list(train_by_name)
    train = {n: float(np.mean(train_by_name[n])) for n in names}
    test = {n: float(np.mean(test_by_name[n])) for n in names}
    gaps = listing(f"{round(100 * train[n], 1) - round(100 * test[n], 1):.1f} points for {n}" for n in names)
    accuracies = listing(f"{percent(train[n])} for {n}" for n in names)
    if all(train[n] >= FITS for n in names):
        head = "both" if len(names) == 2 else f"all {len(names)}" if len(names) > 2 else "the model"
        return (f"{capital(head)} fit their training set (at least {percent(FITS, 0)}: {accuracies}), so they "
                f"differ in how they generalize: the train–test gap is {gaps}.")
    fitted = [n for n in names if train[n] >= FITS]
    return (f"Training accuracy is {accuracies}, so {'no model' if not fitted else 'not every model'} fits its "
            f"training set (at least {percent(FITS, 0)}); the train–test gap is {gaps}.")


def confusions(matrix, who="the CNN"):
    """The most frequent confusions of a confusion matrix (rows true, columns predicted), or
    that every error is a different pair, or that there is none."""
    matrix = np.asarray(matrix)
    k = len(matrix)
    pairs = sorted(((i, j, int(matrix[i, j])) for i in range(k) for j in range(k) if i != j and matrix[i, j]),
                   key=lambda t: (-t[2], t[0], t[1]))
    if not pairs:
        return f"{capital(who)} makes no error on the test set."
    wrong = sum(n for _, _, n in pairs)
    head = f"{capital(who)} makes {noun(wrong, 'test error')}"
    if wrong == 1:
        return f"{head}, {pairs[0][0]} taken for {pairs[0][1]}."
    if pairs[0][2] == 1:
        return f"{head}, all different pairs: " + listing(f"{i} taken for {j}" for i, j, _ in pairs) + "."
    repeated = [(i, j, n) for i, j, n in pairs if n > 1][:3]
    return (f"{head}; the most frequent {'confusion is' if len(repeated) == 1 else 'confusions are'} "
            + listing(f"{i} taken for {j} ({noun(n, 'time')})" for i, j, n in repeated) + ".")
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
