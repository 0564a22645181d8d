"""Finding sentences of Sections 1-3 (Introduction preview, Results), each returned only
when the numbers of the same run make it true (tests/test_claims_results.py).

Each claim takes plain numbers and returns a sentence (or None when there is nothing
true to say); grammar follows the numbers (lab1/study/wording.py).
"""
import numpy as np

from .formatting import loss_text, sci
from .terms import FOLLOWS_DIAGONAL, GENERALIZATION_GAP, GENERALIZES
from .wording import cite, listing, noun, ordinal, verb

REQUIRED = 0.9          # the demo's required accuracy
NAMES = {"xor": "XOR", "linear": "linear"}
POINTS = {"xor": "XOR points", "linear": "linear test points"}


def correct_phrase(wrong, n, points):
    """'all 21 XOR points', '99 of the 100 linear test points', 'none of the 21 XOR points'."""
    right = n - wrong
    if wrong == 0:
        return f"all {n:,} {points}" if n > 1 else f"the only one of the {points}"
    if right == 0:
        return f"none of the {n:,} {points}"
    return f"{right:,} of the {n:,} {points}"


def results_preview(scores, setting_words, where=None):
    """The Introduction's preview of Section 3. scores: {data set: (wrong, n)} for the data
    sets run. 'With <setting>, one network per data set classifies all 21 XOR points and 99 of
    the 100 linear test points correctly (Table 3). Both are above the 90% the demo requires.'"""
    if not scores:
        return None
    parts = [correct_phrase(w, n, POINTS.get(k, f"{k} points")) for k, (w, n) in scores.items()]
    networks = "one network per data set" if len(scores) > 1 else "one network"
    text = f"With {setting_words}, {networks} classifies {listing(parts)} correctly."
    text = cite(text, where) if where else text
    return text + " " + requirement({k: (n - w) / n for k, (w, n) in scores.items()})


def requirement(accuracy_by_dataset, required=REQUIRED):
    """'Both are above the 90% the demo requires.' / 'It is above ...' / 'The XOR network is
    below the 90% the demo requires, the linear one above it.' / 'Neither reaches ...'."""
    above = [k for k, a in accuracy_by_dataset.items() if a >= required]
    below = [k for k in accuracy_by_dataset if k not in above]
    level = f"{required:.0%}"
    if len(accuracy_by_dataset) == 1:
        name = NAMES.get(next(iter(accuracy_by_dataset)), next(iter(accuracy_by_dataset)))
        return (f"The {name} network's test accuracy is {'at or above' if above else 'below'} the "
                f"{level} the demo requires.")
    if not below:
        return f"{'Both are' if len(above) == 2 else 'All are'} at or above the {level} the demo requires."
    if not above:
        return f"{'Neither reaches' if len(below) == 2 else 'None reaches'} the {level} the demo requires."
    return (f"The {listing(NAMES.get(k, k) for k in below)} "
            f"{'network is' if len(below) == 1 else 'networks are'} below the {level} the demo "
            f"requires, the {listing(NAMES.get(k, k) for k in above)} "
            f"{'one' if len(above) == 1 else 'ones'} at or above it.")


def seed_rank(seed, first_by_seed):
    """Where the report's seed ranks among the seeds that reach 100% training accuracy
    (issue 10: 'is seed 0 typical?'). first_by_seed: {seed: first epoch at 100%, or None}.
    'Seed 0 first reaches 100% at epoch 3,067, 8th fastest of the 9 seeds that get there
    and 1.9 times their median (1,600).'"""
    reached = {s: int(e) for s, e in first_by_seed.items() if e is not None and e > 0}
    total = len(first_by_seed)
    if seed not in first_by_seed:
        return None
    if seed not in reached:
        return (f"Seed {seed} never reaches 100% training accuracy; "
                + (f"{noun(len(reached), 'other seed')} of {total} {verb(len(reached), 'do', 'does')}."
                   if reached else f"none of the {total} seeds does."))
    epoch = reached[seed]
    faster = sum(e < epoch for e in reached.values())
    ties = sum(e == epoch for s, e in reached.items() if s != seed)
    median = float(np.median(list(reached.values())))
    n = len(reached)
    if n == 1:
        return f"Seed {seed} first reaches 100% at epoch {epoch:,}, the only one of {noun(total, 'seed')} that does."
    if ties == n - 1:
        place = "as every other seed that gets there does"
    else:
        rank = faster + 1
        place = (f"{'the' if rank == 1 else ordinal(rank)} fastest of the {n} seeds that get there"
                 + (f" (tied with {noun(ties, 'other')})" if ties else ""))
    ratio = epoch / median
    relation = ("at their median" if epoch == median else
                f"{ratio:.1f} times their median ({median:,.0f})" if ratio >= 1.05 or ratio <= 0.95
                else f"close to their median ({median:,.0f})")
    lost = total - n
    tail = f"; {noun(lost, 'seed')} of {total} never {verb(lost, 'get')} there" if lost else ""
    if ties == n - 1:
        return f"Seed {seed} first reaches 100% at epoch {epoch:,}, {place}{tail}."
    return f"Seed {seed} first reaches 100% at epoch {epoch:,}, {place}, {relation}{tail}."


def loss_change(initial, final, epochs, below=None, below_epoch=None, diverged_epoch=None):
    """How the training loss moved. initial: the loss in epoch 1's forward pass (at the
    initial weights); final: the trained model's loss; below_epoch: first epoch under the
    level below (None: never). 'The loss falls from 0.262 at the initial weights to 0.0012
    after 5,000 epochs; it drops below 0.01 at epoch 2,140.'"""
    if diverged_epoch is not None:
        return f"Training diverges at epoch {diverged_epoch:,}: the loss becomes infinite or nan."
    start = f"{loss_text(initial)} at the initial weights"
    after = f"after {noun(epochs, 'epoch')}"
    if not np.isfinite(final):
        return None
    if final < initial:
        text = f"The loss falls from {start} to {loss_text(final)} {after}"
        if below is not None and below_epoch is not None:
            text += f"; it drops below {below:g} at epoch {below_epoch:,}"
        return text + "."
    if final == initial:
        return f"The loss stays at {loss_text(final)} from the initial weights to the end, {after}."
    return f"The loss does not fall: {start}, {loss_text(final)} {after}."


def plateau(leaves_at, epochs, level, constant_loss, final_loss=None, share=0.1):
    """For the squared error of a sigmoid output, whose constant output 0.5 has loss
    constant_loss: 'It stays above 0.2 until epoch 1,234 (...): training starts on a plateau
    ...' only when the loss leaves the plateau late (after share of the epochs); 'It stays
    near 0.25 ...: training does not leave the plateau' only when it never gets below level
    and ends within 0.02 of constant_loss; otherwise None."""
    if leaves_at is None:
        if final_loss is None or abs(final_loss - constant_loss) > 0.02:
            return None
        return (f"It never gets below {level:g} and ends near {constant_loss:g}, the loss of a network "
                f"that outputs 0.5 for every point: training does not leave this plateau in "
                f"{noun(epochs, 'epoch')}.")
    if leaves_at <= share * epochs:
        return None
    return (f"It stays above {level:g} until epoch {leaves_at:,} (a network that outputs 0.5 for "
            f"every point has loss {constant_loss:g}): training starts on a plateau, where the "
            "gradient is small, before the loss drops.")


def first_perfect(first_epoch, final_accuracy, epochs):
    """'Training accuracy first reaches 100% at epoch 812.' / '... never reaches 100% in 500
    epochs; it ends at 52.4%.' (and whether the trained model is still at 100%)."""
    if first_epoch is None:
        return (f"Training accuracy never reaches 100% in {noun(epochs, 'epoch')}; the trained "
                f"network scores {final_accuracy:.1%}.")
    text = f"Training accuracy first reaches 100% at epoch {first_epoch:,}"
    if final_accuracy < 1.0:
        return text + f", but the trained network scores {final_accuracy:.1%}."
    return text + "."


def generalization(train_accuracy, val_accuracy):
    """'The trained network's validation accuracy is 97.0%: it generalizes to points it never
    saw.' only when validation is at least 90% and within 5 points of training; else the
    numbers and what they show."""
    if val_accuracy is None or not np.isfinite(val_accuracy):
        return None
    text = f"The trained network's validation accuracy is {val_accuracy:.1%}"
    if val_accuracy >= GENERALIZES and train_accuracy - val_accuracy <= GENERALIZATION_GAP:
        return text + ": it generalizes to points it never saw."
    if val_accuracy >= GENERALIZES:
        return text + f", {train_accuracy - val_accuracy:.1%} below its training accuracy: it fits the training points better than new ones."
    return text + f" (training {train_accuracy:.1%}): it has not learned a boundary that holds for new points."


def diagonal(test_accuracy, nearest_distance, nearest_correct):
    """On the linear data: 'the boundary follows the diagonal x1 = x2 that generated the labels'
    only when at least 95% of the test points are on their label's side; the nearest test
    point's distance and whether it is right."""
    near = (f"the closest test point lies {nearest_distance:.4f} from the diagonal and is "
            f"{'classified correctly' if nearest_correct else 'misclassified'}")
    if test_accuracy >= FOLLOWS_DIAGONAL:
        return ("On the linear data the boundary follows the diagonal $x_1 = x_2$ that generated "
                f"the labels; {near}.")
    return (f"On the linear data the boundary does not follow the diagonal $x_1 = x_2$ that generated "
            f"the labels: only {test_accuracy:.1%} of the test points are on their label's side.")


def xor_boundary(wrong, n, margin):
    """On XOR: the boundary must bend; how many points it gets wrong, or the smallest margin
    |y_hat - 0.5| when it gets every point right."""
    head = "On XOR no straight line separates the two classes, so a boundary that gets every point right must bend"
    if wrong == 0:
        return head + f"; this one does, and the point closest to it still has $|\\hat y - 0.5| = {margin:.3f}$."
    share = f"all {n}" if wrong == n else f"{wrong} of the {n}"
    return head + f"; this one leaves {share} XOR points on the wrong side."


def near_boundary(distances_wrong, median_distance, wrong, n, points="test points"):
    """Where the misclassified points of the linear/uniform data lie: 'All 3 misclassified test
    points lie within 0.0123 of the true boundary x1 = x2 (the median test point is 0.210 away):
    the errors are points next to the boundary, not a wrong shape.' -- that reading only when
    every misclassified point is closer than a tenth of the median distance."""
    if wrong == 0:
        return f"No {points[:-1] if points.endswith('s') else points} is misclassified."
    farthest = float(np.max(distances_wrong))
    which = ("The misclassified" if wrong == 1 else "Both misclassified" if wrong == 2
             else f"All {wrong:,} misclassified")
    where = (f"{which} {points[:-1] if wrong == 1 else points} "
             f"{verb(wrong, 'lie')} within {farthest:.4f} of the true boundary $x_1 = x_2$ "
             f"(the median test point is {median_distance:.3f} away)")
    if farthest <= 0.1 * median_distance:
        return where + ": the errors are points next to the boundary, not a wrong shape."
    return where + f": {wrong:,} of {n:,} wrong, some far from the boundary, so the boundary itself is off."


def stacked_same(gap, models, epochs, tolerance=1e-12):
    """Stacked models against the same models trained one by one: 'follow the same loss curves
    over 300 epochs as the 3 trained separately: the largest difference is 1.1e-16' only when
    the largest difference is within tolerance (rounding); else how far they part."""
    if gap <= tolerance:
        size = "exactly 0" if gap == 0 else sci(gap)
        return (f"follow the same loss curves over {noun(epochs, 'epoch')} as the {models} trained "
                f"separately: the largest difference is {size}")
    return (f"do not follow the loss curves of the {models} trained separately: over "
            f"{noun(epochs, 'epoch')} they differ by up to {sci(gap)}")
