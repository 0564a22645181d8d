"""Claims of particular report sections, built on lab1.study.claims (terms, grammar, Finals).

Section 2 (one network per data set): generalizes, follows_diagonal, meets_requirement,
plateau_start, typical_seed, near_boundary.
Section 4.A learning rate: regions, loss_change, oscillation, one_label, stuck,
plateau, fails_first. Section 4.B width: two_units. Section 4.C no activation: line_bound,
beats_lines. Each returns its sentence only when its condition holds, or the true one.
"""
import numpy as np

from .formatting import count, loss_text, percent
from .claims_general import compare, spread_order, spread_text
from .terms import (FOLLOWS_DIAGONAL, GENERALIZATION_GAP, GENERALIZES, LONG_PLATEAU, OSCILLATING,
                    SATURATED, STUCK_ROSE, STUCK_SATURATED)
from .wording import DATASET_NAMES, capital, every, listing, noun, ordinal, values_text, verb

# --------------------------------------------------------------------------- single network

def generalizes(train_accuracy, val_accuracy, unseen="points it never saw"):
    """'... the network generalizes to points it never saw' only when the validation
    accuracy is at least GENERALIZES and within GENERALIZATION_GAP of the training accuracy."""
    numbers = f"The validation accuracy ends at {percent(val_accuracy)} against {percent(train_accuracy)} in training"
    gap = train_accuracy - val_accuracy
    if val_accuracy >= GENERALIZES and gap <= GENERALIZATION_GAP:
        return f"{numbers}: the network generalizes to {unseen}."
    if train_accuracy < GENERALIZES:
        return f"{numbers}: the network has not learned its training points, so there is nothing to generalize."
    return (f"{numbers}, {percent(gap)} lower: the network does not generalize to {unseen} "
            f"(it would need at least {percent(GENERALIZES, 0)}, within {percent(GENERALIZATION_GAP, 0)} "
            "of the training accuracy).")


def follows_diagonal(test_accuracy, points="test points"):
    """The linear data's boundary 'follows the diagonal' x1 = x2 only when it classifies at
    least FOLLOWS_DIAGONAL of the points as the diagonal does."""
    if test_accuracy >= FOLLOWS_DIAGONAL:
        return (f"The boundary follows the diagonal $x_1 = x_2$ that generated the labels: "
                f"{percent(test_accuracy)} of the {points} lie on its side for their label.")
    return (f"The boundary does not follow the diagonal $x_1 = x_2$ that generated the labels: "
            f"only {percent(test_accuracy)} of the {points} are classified as the diagonal does.")


def meets_requirement(accuracy, required=0.9, points="test points"):
    """'Every test point is classified correctly' / 'x% ..., above/below the 90% the demo requires'."""
    if accuracy == 1.0:
        return f"Every one of the {points} is classified correctly, above the {percent(required, 0)} the demo requires."
    side = "at or above" if accuracy >= required else "below"
    return f"{percent(accuracy)} of the {points} are classified correctly, {side} the {percent(required, 0)} the demo requires."


def plateau_start(epoch_below, epochs, level, constant_loss, share=0.1):
    """'It stays above 0.2 until epoch 1,234 (...): training starts on a plateau ...' only when
    the loss leaves the plateau after at least share of the epochs; None otherwise.
    epoch_below: first epoch with the loss below level, None if never."""
    if epoch_below is None:
        return (f"The loss never falls below {level:g} in {noun(epochs, 'epoch')} (a network that outputs "
                f"0.5 for every point has loss {constant_loss:.3g}): training stays on the plateau.")
    if epoch_below <= share * epochs:
        return None
    return (f"It stays above {level:g} until epoch {count(epoch_below)} (a network that outputs 0.5 for "
            f"every point has loss {constant_loss:.3g}): training starts on a plateau, where the gradient "
            "is small, before the loss drops.")


def typical_seed(seed, first_by_seed):
    """Is the report's seed typical? Where its first epoch at 100% ranks among the seeds that
    reach 100%, against their median. first_by_seed: {seed: first epoch or NEVER (-1)}."""
    reached = {k: e for k, e in first_by_seed.items() if e > 0}
    n = len(first_by_seed)
    if seed not in reached:
        return (f"Seed {seed} never reaches 100%, while {len(reached)} of the {n} seeds do."
                if reached else f"None of the {n} seeds reaches 100%, seed {seed} included.")
    order = sorted(reached.values())
    rank, median = order.index(reached[seed]) + 1, float(np.median(order))
    if len(reached) == 1:
        return f"Seed {seed} is the only one of the {n} seeds that reaches 100% (epoch {count(reached[seed])})."
    ratio = reached[seed] / median
    verdict = ("a typical seed" if len(order) / 4 < rank <= 3 * len(order) / 4 + 0.5 else
               "slower than most" if ratio > 1 else "faster than most")
    return (f"Seed {seed} first reaches 100% at epoch {count(reached[seed])}, {ordinal(rank)} of the "
            f"{len(reached)} seeds that get there ({len(reached)} of {n}) and {ratio:.1f} times their median "
            f"of {count(median)} epochs: {verdict}.")


def near_boundary(distances_wrong, typical_distance, points="test points"):
    """'Both misclassified points lie within 0.0123 of the true boundary x1 = x2 (the median
    one of the test points is 0.250 away) ...' or 'None of the test points is misclassified.'"""
    k = len(distances_wrong)
    if not k:
        return f"None of the {points} is misclassified."
    who = {1: "The misclassified point lies", 2: "Both misclassified points lie"}.get(
        k, f"All {k} misclassified points lie")
    return (f"{who} within {max(distances_wrong):.4f} of the true boundary $x_1 = x_2$ (the median "
            f"one of the {points} is {typical_distance:.3f} away): the network cannot yet tell "
            f"{'it' if k == 1 else 'them'} apart from the boundary.")


# --------------------------------------------------------------------------- linear classifiers

def line_bound(bound, accuracies, networks="networks without hidden activations", points="XOR points"):
    """A linear classifier 'cannot exceed the best line's X%': said with the networks' best,
    and flagged if any network does exceed it (then it is not linear).

    bound: the best accuracy any line reaches; accuracies: per-network finals (nan: diverged);
    networks: who they are, a plural noun phrase ('networks ...', made singular for one).
    """
    acc = np.asarray(accuracies, dtype=np.float64)
    acc = acc[np.isfinite(acc)]
    if not acc.size:
        return f"No line classifies more than {percent(bound)} of the {points}; every one of the {networks} diverged."
    above = int(np.sum(acc > bound + 1e-9))
    if acc.size == 1:                   # one network: in the singular, no best or mean of one
        network = "the only " + networks.replace("networks", "network", 1)
        if above:
            return (f"{capital(network)} scores {percent(acc[0])}, above the best line's {percent(bound)}, "
                    "which a linear classifier cannot: it is not linear.")
        if bound == 1.0:
            reached = "and it gets there" if acc[0] == 1.0 else f"but it ends at {percent(acc[0])}"
            return f"A line separates the {points} (100.0% is possible), {reached}: {network}."
        at = ", exactly at the bound" if np.isclose(acc[0], bound) else ""
        return (f"No line classifies more than {percent(bound)} of the {points}, so {network} cannot exceed "
                f"the best line's {percent(bound)}: it ends at {percent(acc[0])}{at}.")
    if above:
        return (f"{above} of the {acc.size} {networks} {verb(above, 'score')} above the best line's "
                f"{percent(bound)}, which a linear classifier cannot: those networks are not linear.")
    at = int(np.sum(np.isclose(acc, bound)))
    where = f", {at} of them exactly at the bound" if at and bound < 1 else ""
    if bound == 1.0:
        reached = "and they get there" if acc.max() == 1.0 else "but none of them gets there"
        return (f"A line separates the {points} (100.0% is possible), {reached}: the best of the "
                f"{acc.size} {networks} ends at {percent(acc.max())}, the mean at {percent(acc.mean())}.")
    return (f"No line classifies more than {percent(bound)} of the {points}, so the {acc.size} {networks} "
            f"cannot exceed the best line's {percent(bound)}: the best ends at {percent(acc.max())}{where}.")


def beats_lines(reference_name, reference, linear_name, linear, bound):
    """'The reference networks beat every line ...' only when they score above the best
    line's accuracy and above the linear networks by more than the seed spread."""
    ref = np.asarray(reference, dtype=np.float64)
    ref = ref[np.isfinite(ref)]
    if not ref.size:
        return None
    order = spread_order(ref, linear)
    if order > 0 and ref.mean() > bound:
        return (f"The {reference_name} reach a mean of {spread_text(ref, percent)}, above the best "
                f"line's {percent(bound)} and above the {linear_name} ({spread_text(linear, percent)}) by more "
                "than the seed spread.")
    if order > 0:
        return (f"The {reference_name} ({spread_text(ref, percent)}) score above the {linear_name} "
                f"({spread_text(linear, percent)}) by more than the seed spread, but not above the best "
                f"line's {percent(bound)}.")
    return compare(f"the {reference_name}", ref, f"the {linear_name}", linear, what="mean accuracy")


# --------------------------------------------------------------------------- learning rate

def regions(finals_by_value):
    """Where the swept values stand against those that bring every seed to 100%.

    Returns {"works": values at which every seed reaches 100%, "small": values below the
    smallest of them, "large": above the largest, "between": failing values in between,
    "fails": every value when none works (the other lists are then empty)}.
    """
    values = list(finals_by_value)
    works = [v for v in values if finals_by_value[v].reached == finals_by_value[v].seeds]
    if not works:
        return dict(works=[], small=[], large=[], between=[], fails=values)
    low, high = min(works), max(works)
    return dict(works=works, small=[v for v in values if v < low], large=[v for v in values if v > high],
                between=[v for v in values if low < v < high and v not in works], fails=[])


def loss_change(start, end, constant_loss=None):
    """'falls from 0.250 to 0.249 (still near 0.25, the loss of the constant output 0.5)',
    'rises from ... to ...' or 'stays at ...'; constant_loss: that loss, if there is one."""
    if loss_text(start) == loss_text(end):
        text = f"stays at {loss_text(end)}"
    else:
        text = f"{'falls' if end < start else 'rises'} from {loss_text(start)} to {loss_text(end)}"
    if constant_loss is not None and abs(end - constant_loss) < 0.08 * constant_loss:
        text += f" (still near {loss_text(constant_loss)}, the loss of the constant output 0.5)"
    return text


def oscillation(rose_by_value, name, noun_of_value="setting", loss_by_value=None):
    """Which settings' loss oscillates: rose in at least OSCILLATING of the epochs.

    rose_by_value: {value: mean share of epochs whose loss rose} (None: every run diverged);
    name: the variable as prose writes it ('lr'); noun_of_value: it in words ('learning rate');
    loss_by_value: {value: (mean loss at the first epoch, mean loss of the returned models)}:
    a setting that rarely rose but ends above where it started is said to, not to descend.
    """
    known = {v: r for v, r in rose_by_value.items() if r is not None}
    if not known:
        return None
    loss_by_value = loss_by_value or {}
    bumpy = [v for v, r in known.items() if r >= OSCILLATING]
    higher = [v for v in known if v not in bumpy and v in loss_by_value
              and loss_by_value[v][1] > loss_by_value[v][0]]
    steady = [v for v in known if v not in bumpy and v not in higher]
    limit = percent(OSCILLATING, 0)
    sentences = []
    if bumpy:
        sentences.append(f"At {values_text(name, bumpy)} the loss rose in at least {limit} of the epochs: it "
                         "oscillates.")
    if steady and bumpy and not higher:
        sentences.append(f"At the other {noun(len(steady), noun_of_value)} it rose in fewer than {limit}: it "
                         "mostly descends or stays flat.")
    elif steady:
        sentences.append(f"At {values_text(name, steady)} the loss rose in fewer than {limit} of the epochs: it "
                         "mostly descends or stays flat" + ("." if bumpy else " rather than oscillating."))
    if higher:
        changes = listing(f"{loss_text(loss_by_value[v][0])} to {loss_text(loss_by_value[v][1])}" for v in higher)
        sentences.append(f"At {values_text(name, higher)} the loss rose in fewer than {limit} of the epochs, yet "
                         f"it ends higher than it started ({changes}): a few jumps up that it never recovers from.")
    return " ".join(sentences)


def one_label(by_class, networks, share, where=None):
    """'2 of 5 networks end predicting one label for every point: 1 predicts label 0, scoring
    52.4%; 1 predicts label 1, scoring 47.6%.' None when no network does.

    by_class: {label: networks predicting only it}; networks: how many there are; share:
    {label: its share of the points}; where: e.g. 'lr = 50 and 100', said first.
    """
    total = sum(by_class.values())
    if not total:
        return None
    if networks == 1:
        head = "the only network ends"
    elif total == networks:
        head = every(networks, "network") + " end"
    else:
        head = f"{total} of {noun(networks, 'network')} {verb(total, 'end')}"
    head = f"At {where}, {head}" if where else capital(head)
    groups = [(c, k) for c, k in sorted(by_class.items()) if k]
    if len(groups) == 1:
        c = groups[0][0]
        return f"{head} predicting label {c} for every point, scoring {percent(share[c])}."
    parts = [f"{k} {verb(k, 'predict')} label {c}, scoring {percent(share[c])}" for c, k in groups]
    return f"{head} predicting one label for every point: {'; '.join(parts)}."


def stuck(output_saturated, loss_rose, accuracy):
    """'training is stuck' only while the networks are wrong somewhere (mean accuracy below
    100%), the output unit is saturated on at least STUCK_SATURATED of the points and the
    loss rose in fewer than STUCK_ROSE of the epochs. A saturated output on a network that
    is right everywhere is confidence, not a stuck run."""
    if (loss_rose is None or accuracy is None or accuracy >= 1.0 or output_saturated < STUCK_SATURATED
            or loss_rose >= STUCK_ROSE):
        return None
    return (f"The output unit is saturated ($\\sigma' < {SATURATED:g}$) on {percent(output_saturated)} "
            "of the points, so almost no gradient flows back: training is stuck.")


def plateau(epochs_below, epochs_run, label, level, constant_loss, below=None):
    """How long the loss takes to leave the plateau of the constant output 0.5.

    epochs_below: {dataset: median epochs until the loss is below level, None when some seed
    never got there}; epochs_run: {dataset: epochs}; below: {dataset: (seeds that got
    there, seeds)}, to say how many did where not all did. A data set 'starts on a long
    plateau' only when it needs at least LONG_PLATEAU times the epochs of every other data
    set (or not every seed gets there where the others do), and 'stays on the plateau'
    when no seed leaves it.
    """
    below = below or {}
    level_text = f"{level:g} (a network that outputs 0.5 everywhere has loss {constant_loss:.3g})"
    left = [f"after a median of {noun(e, 'epoch')} on {DATASET_NAMES.get(d, d)}"
            for d, e in epochs_below.items() if e is not None]
    stayed = [d for d, e in epochs_below.items() if e is None]

    def gets(d):
        k, n = below.get(d, (None, None))
        where = f"below it within {noun(epochs_run[d], 'epoch')} on {DATASET_NAMES.get(d, d)}"
        if k is None:
            return f"not every seed gets {where}"
        if k == 0:
            return f"the only seed does not get {where}" if n == 1 else f"no seed gets {where}"
        return f"only {k} of the {n} seeds {verb(k, 'get')} {where}"
    if left:
        text = f"At {label} the loss falls below {level_text} {listing(left)}"
        text += f"; {listing(gets(d) for d in stayed)}." if stayed else "."
    else:
        text = f"At {label} the loss does not fall below {level_text} for every seed: {listing(gets(d) for d in stayed)}."

    def slower(d, other):
        mine, theirs = epochs_below[d], epochs_below[other]
        return theirs is not None and (mine is None or mine >= LONG_PLATEAU * theirs)
    slow = [d for d in epochs_below if len(epochs_below) > 1
            and all(slower(d, o) for o in epochs_below if o != d)]
    if slow:
        name = capital(DATASET_NAMES.get(slow[0], slow[0]))
        if below.get(slow[0], (None,))[0] == 0:
            text += f" {name} stays on the plateau, where the gradient is small."
        else:
            text += f" {name} starts on a long plateau, where the gradient is small."
    return text


def fails_first(works, name, hard="xor", easy="linear"):
    """'On the linear data every seed reaches 100% at lr = 0.1, on XOR not: the small rates
    fail on XOR first.' Only when every such rate is below all that work on the hard set.

    works: {dataset: [values that bring every seed to 100%]}.
    """
    if hard not in works or easy not in works:
        return None
    only_easy = [v for v in works[easy] if v not in works[hard]]
    if not only_easy or (works[hard] and max(only_easy) >= min(works[hard])):
        return None
    return (f"On {DATASET_NAMES[easy]} every seed reaches 100% at {values_text(name, only_easy)}, "
            f"on {DATASET_NAMES[hard]} not: the small rates fail on {DATASET_NAMES[hard]} first.")


# --------------------------------------------------------------------------- width

def two_units(finals, wider_work=True):
    """XOR with 2 units per layer: representable, and how many seeds find such weights.
    wider_work: whether some wider width brings every seed to 100%; only then is the
    failure put down to the two units."""
    k, n = finals.reached, finals.seeds
    within = f" within {noun(finals.epochs, 'epoch')}" if finals.epochs else ""
    if n == 1:
        found = "and the only seed finds such weights" if k else "but the only seed does not find such weights"
    elif k == n:
        found = "and every seed finds such weights"
    elif k == 0:
        found = f"but none of the {n} seeds finds such weights"
    elif k <= n / 2:
        found = f"but only {k} of the {n} seeds {verb(k, 'find')} such weights"
    else:
        found = f"and {k} of the {n} seeds {verb(k, 'find')} such weights"
    scores = "accuracy" if n == 1 else "mean accuracy"
    text = (f"Two lines can enclose the diagonal, so a 2-unit network can represent XOR, "
            f"{found}{within} ({scores} {spread_text(finals.accuracy, percent)}).")
    if k < n / 2 and wider_work:
        starts = "every start here" if k == 0 else "most starts here"
        loss = finals.mean(finals.loss) if finals.loss is not None else None
        ends = f", ending at a mean loss of {loss_text(loss)}" if loss is not None else ""
        text += (" With only two units each one has to end up in exactly the right place, and from "
                 f"{starts} gradient descent does not get there{ends}.")
    return text
