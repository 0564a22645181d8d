"""Claims of Section 5 (Extra): variants of the reference network compared each at its own
best learning rate (optimizers, hidden activations: {display name: Finals} in the report's
order), and the digits models of the convolution study.

The conventions every claim follows are in lab1/study/claims.py, which gathers these claims
with the others (tests/test_claims.py).
"""
import numpy as np

from .claims_general import compare, faster, ranking, spread_order, spread_text
from .formatting import count, loss_text, percent, sci
from .terms import BLEW_UP, FITS
from .wording import (DATASET_NAMES, capital, every, listing, noun, on_datasets, ties, value_text, values_text,
                      verb)


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
    there (ties as the report prints epochs), then whether the lowest is faster than the others
    by the report's rule (fastest_verdict); None for fewer than two such variants."""
    reaching = {n: f for n, f in finals_by_name.items() if f.reached == f.seeds and f.reached}
    medians = {n: f.median_first() for n, f in reaching.items()}
    sentence = ranking(medians, "median first epoch at 100%", fmt=count, higher_is_better=False)
    if sentence is None:
        return None
    scope = "" if len(medians) == len(finals_by_name) else f" among {listing(medians)}"
    text = f"{capital(where)}{scope}, {sentence[0].lower()}{sentence[1:]}"
    lowest = [n for n in medians if ties(medians[n], min(medians.values()), count)]
    if len(lowest) == 1:
        text += " " + fastest_verdict({n: f.first_perfect[f.first_perfect > 0] for n, f in reaching.items()},
                                      lowest[0])
    return text


def fastest_verdict(first_by_name, fastest):
    """Whether ``fastest`` (the variant of lowest median) is faster than each other variant by the
    report's rule (terms.py): its seeds' first epochs at 100% lower by more than the seed spread.

    first_by_name: {name: first epochs at 100% of the seeds that got there}, two names or more.
    With one seed each there is no spread, and the sentence says so.
    """
    others = [n for n in first_by_name if n != fastest]
    if all(len(v) == 1 for v in first_by_name.values()):
        return "With one seed each, there is no seed spread to judge these differences by."
    close = [n for n in others if spread_order(first_by_name[fastest], first_by_name[n], higher_is_better=False) < 1]
    shown = [fastest] + close
    numbers = ", ".join(f"{spread_text(first_by_name[n], count)} for {n}" for n in shown)
    if not close:      # the tables give each variant's first epochs; the sentence stays short
        return f"{capital(fastest)} is the fastest, by more than the seed spread."
    return (f"{capital(fastest)} is not faster than {listing(close)} by more than the seed spread (first epoch at "
            f"100%, mean ± std: {numbers}), so no variant is the fastest by that rule.")


def blew_up(losses_by_name, where):
    """Variants whose loss blew up (terms.BLEW_UP: finite, but at least BLEW_UP times the loss of
    the initial weights). losses_by_name: {name: (initial (M,), final (M,))}, per seed the loss
    of the initial weights and of the returned model (nan or inf: diverged, not counted here).
    'On XOR, the loss blew up with SGD (3 of 3 seeds) and SGD + momentum (1 of 3 seeds): ...'
    None when no run blew up."""
    hits = {}
    for name, (initial, final) in losses_by_name.items():
        initial, final = (np.atleast_1d(np.asarray(v, dtype=np.float64)) for v in (initial, final))
        with np.errstate(invalid="ignore"):
            up = np.isfinite(final) & np.isfinite(initial) & (final >= BLEW_UP * initial)
        if up.any():
            hits[name] = (int(up.sum()), len(final), float(final[up].max()))
    if not hits:
        return None

    def how(name):
        k, n, _ = hits[name]
        return name if n == 1 else f"{name} ({k} of {noun(n, 'seed')})"
    largest = max(v[2] for v in hits.values())
    return (f"{capital(where)}, the loss blew up with {listing(how(n) for n in hits)}: it ended finite but at "
            f"least {BLEW_UP:g} times the loss of the initial weights (the largest final loss is "
            f"{loss_text(largest)}).")


def lowest_final_loss(loss_by_dataset, kind="optimizer", names=None):
    """Which variant ends with the lowest mean final loss on each data set, ties as the report
    prints losses (loss_text). loss_by_dataset: {dataset: {name: mean final loss, None when
    every seed diverged}}; names: how data sets are named ({key: name}, DATASET_NAMES by default).
    None when no data set has a finite loss."""
    names = DATASET_NAMES if names is None else names
    groups = {}
    for d, losses in loss_by_dataset.items():
        finite = {n: v for n, v in losses.items() if v is not None and np.isfinite(v)}
        if finite:
            low = min(finite.values())
            groups[d] = ([n for n in finite if ties(finite[n], low, loss_text)], low, len(losses))
    if not groups:
        return None
    winners = {tuple(group) for group, _, _ in groups.values()}
    if len(groups) > 1 and len(winners) == 1 and len(next(iter(winners))) == 1:
        (winner,) = winners.pop()
        scope = "both data sets" if len(groups) == 2 else f"all {len(groups)} data sets"
        return (f"{capital(winner)} ends with the lowest mean final loss on {scope} ("
                + ", ".join(f"{loss_text(low)} on {names.get(d, d)}" for d, (_, low, _) in groups.items()) + ").")
    parts = []
    for d, (group, low, n) in groups.items():
        where = f"On {names.get(d, d)}"
        if len(group) == 1:
            parts.append(f"{where}, the lowest mean final loss is {group[0]}'s ({loss_text(low)}).")
        elif len(group) == n:
            parts.append(f"{where}, {every(n, kind)} end with the same mean final loss, {loss_text(low)}: a tie.")
        else:
            parts.append(f"{where}, {listing(group)} tie for the lowest mean final loss, {loss_text(low)}.")
    return " ".join(parts)


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
    compared = faster_or_one_seed(f"SGD + momentum at lr {value_text(lr)}", momentum, f"plain SGD at lr {value_text(match)}", sgd)
    text = f"{capital(where)}, at equal effective step {at}: {compared[0].lower()}{compared[1:]}"
    if momentum.reached != sgd.reached or momentum.reached < 2:
        return text
    order = spread_order(momentum.first_perfect[momentum.first_perfect > 0],
                         sgd.first_perfect[sgd.first_perfect > 0], higher_is_better=False)
    return text + {1: " Momentum gains more than its larger step.",
                   0: " Momentum's speed-up is that of its larger step.",
                   -1: " At equal step, momentum is the slower."}[order]


def seeds_text(seeds):
    """'seed 0', 'seeds 0 and 1', 'seeds 0–2' (consecutive seeds as a range)."""
    seeds = list(seeds)
    if len(seeds) == 1:
        return f"seed {seeds[0]}"
    if len(seeds) > 2 and seeds == list(range(seeds[0], seeds[0] + len(seeds))):
        return f"seeds {seeds[0]}–{seeds[-1]}"
    return f"seeds {listing(seeds)}"


def width_rule(scores, chosen, best, tolerance, validation, seeds=(0, 1, 2), table_seeds=None):
    """The MLP width as a stated rule applied to its numbers (issue 10 item 2).

    scores: {width: mean validation accuracy over ``seeds``} in the order tried; chosen, best:
    the rule's width and the best-scoring one; tolerance: the rule's margin (a fraction);
    validation: the number of validation images (the margin in images is tolerance *
    validation); table_seeds: the seeds the results table averages, named when they differ.
    """
    widths = listing(count(w) for w in scores)
    numbers = listing(percent(v) for v in scores.values())
    head = f"{widths} hidden {'unit' if list(scores) == [1] else 'units'} gave {numbers} mean validation accuracy " \
           f"over {seeds_text(seeds)}"
    if table_seeds is not None and list(table_seeds) != list(seeds):
        head += f" (the results table averages {seeds_text(table_seeds)}, so its validation column can differ)"
    if len(scores) == 1:
        return head + f"; with one width tried, the rule had nothing to choose and keeps {count(chosen)}."
    images = tolerance * validation
    points = f"{100 * tolerance:.1f} points"
    margin = (f"{noun(round(images), 'validation image')} ({points})" if np.isclose(images, round(images))
              else points)
    text = f"{head}; the rule, the narrowest width within {margin} of the best, keeps {count(chosen)}"
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


def faster_or_one_seed(a_name, a, b_name, b):
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
    points between the unrounded means (it may differ by 0.1 from the printed means'
    difference). 'All three fit their training set (at least 99%: ...), so they differ in
    generalization: the train-test gap is ...' only when every model fits."""
    names = list(train_by_name)
    train = {n: float(np.mean(train_by_name[n])) for n in names}
    test = {n: float(np.mean(test_by_name[n])) for n in names}
    gaps = listing(f"{100 * (train[n] - test[n]):.1f} points for {n}" for n in names)   # of the unrounded means
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
