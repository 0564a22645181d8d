"""Finding sentences of Sections 1-3 (Introduction preview, Results), each returned only
when the numbers of the same run make it true (tests/test_claims_results.py).

Each claim takes plain numbers and returns a sentence (or None when there is nothing
true to say); grammar follows the numbers (lab1/study/wording.py).
"""
import numpy as np

from .formatting import count, loss_text, sci
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
    the 100 linear test points correctly (Table 3).' (Section 3 says how that compares with the
    demo's requirement: said once.)"""
    if not scores:
        return None
    parts = [correct_phrase(w, n, POINTS.get(k, f"{k} points")) for k, (w, n) in scores.items()]
    networks = "one network per data set" if len(scores) > 1 else "one network"
    text = f"With {setting_words}, {networks} classifies {listing(parts)} correctly."
    return cite(text, where) if where else text


def requirement(accuracy_by_dataset, required=REQUIRED):
    """'Both are above the 90% the demo requires.' / 'It is above ...' / 'The XOR network is
    below the 90% the demo requires, the linear one above it.' / 'Neither reaches ...'."""
    gone = [k for k, a in accuracy_by_dataset.items() if a is None or not np.isfinite(a)]
    if gone:
        rest = {k: a for k, a in accuracy_by_dataset.items() if k not in gone}
        names = listing(NAMES.get(k, k) for k in gone)
        head = (f"The {names} {'network' if len(gone) == 1 else 'networks'} diverged: "
                f"{'it has' if len(gone) == 1 else 'they have'} no test accuracy and "
                f"{'does' if len(gone) == 1 else 'do'} not reach the {required:.0%} the demo requires.")
        return head + (" " + requirement(rest, required) if rest else "")
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


def seeds_text(k):
    """The seeds 0 .. k-1 in words: 'seed 0', 'seeds 0 and 1', 'seeds 0 to 9'."""
    return "seed 0" if k == 1 else "seeds 0 and 1" if k == 2 else f"seeds 0 to {k - 1}"


def seed_rank(seed, first_by_seed, diverged_by_seed=None):
    """Where the report's seed ranks among the seeds that reach 100% training accuracy
    (issue 10: 'is seed 0 typical?'). first_by_seed: {seed: first epoch at 100%, or None};
    diverged_by_seed: {seed: epoch its training diverged, or None}.
    'Seed 0 first reaches 100% at epoch 3,067, 8th fastest of the 9 seeds that get there
    and 1.9 times their median (1,600).'"""
    diverged = {s: int(e) for s, e in (diverged_by_seed or {}).items() if e is not None and e > 0}
    reached = {s: int(e) for s, e in first_by_seed.items()
               if e is not None and e > 0 and (s not in diverged or e < diverged[s])}
    total = len(first_by_seed)
    if seed not in first_by_seed:
        return None
    if total == 1:
        if seed in diverged:
            return f"Seed {seed} diverges at epoch {diverged[seed]:,}; it is the only seed trained, so there is nothing to compare it with."
        if seed in reached:
            return (f"Seed {seed} first reaches 100% at epoch {reached[seed]:,}; it is the only seed "
                    "trained, so there is nothing to compare it with.")
        return (f"Seed {seed} never reaches 100% training accuracy; it is the only seed trained, so "
                "there is nothing to compare it with.")
    others_gone = sum(s != seed for s in diverged)
    if seed in diverged:
        if len(diverged) == total:
            return (f"Seed {seed} diverges at epoch {diverged[seed]:,}, and so do the other "
                    f"{noun(total - 1, 'seed')}: {'neither' if total == 2 else 'none'} reaches 100% training accuracy.")
        head = (f"Seed {seed} diverges at epoch {diverged[seed]:,}"
                + (", before reaching 100% training accuracy" if seed not in reached else ""))
        parts = [f"{noun(len(reached) - (seed in reached), 'other seed')} "
                 f"{verb(len(reached) - (seed in reached), 'reach')} 100%"]
        if others_gone:
            parts.append(f"{noun(others_gone, 'other')} {verb(others_gone, 'diverge')}")
        return f"{head}; of the {total} seeds, {listing(parts)}."
    if seed not in reached:
        gone = (f" ({count(others_gone)} of them {'diverges' if others_gone == 1 else 'diverge'})"
                if others_gone else "")
        if not reached:
            if others_gone == total - 1:
                return (f"Seed {seed} never reaches 100% training accuracy; the other "
                        f"{noun(total - 1, 'seed')} {'diverges' if total == 2 else 'all diverge'}.")
            return (f"Seed {seed} never reaches 100% training accuracy; none of the {total} seeds "
                    f"does{gone}.")
        return (f"Seed {seed} never reaches 100% training accuracy; "
                f"{noun(len(reached), 'other seed')} of {total} {verb(len(reached), 'do', 'does')}"
                + (f", and {noun(others_gone, 'other')} {verb(others_gone, 'diverge')}." if others_gone else "."))
    epoch = reached[seed]
    faster = sum(e < epoch for e in reached.values())
    ties = sum(e == epoch for s, e in reached.items() if s != seed)
    median = float(np.median(list(reached.values())))
    n = len(reached)
    if n == 1:
        return (f"Seed {seed} first reaches 100% at epoch {epoch:,}, the only one of the {total} seeds "
                "that does" + (f"; {noun(others_gone, 'other')} {verb(others_gone, 'diverge')}." if others_gone else "."))
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
    tail = (f"; {noun(lost, 'seed')} of {total} never {verb(lost, 'get')} there"
            + (f" ({count(others_gone)} of them {verb(others_gone, 'diverge')})" if others_gone else "")
            if lost else "")
    if ties == n - 1:
        return f"Seed {seed} first reaches 100% at epoch {epoch:,}, {place}{tail}."
    return f"Seed {seed} first reaches 100% at epoch {epoch:,}, {place}, {relation}{tail}."


def loss_change(initial, final, epochs, below=None, below_epoch=None, diverged_epoch=None,
                planned=None):
    """How the training loss moved. initial: the loss in epoch 1's forward pass (at the
    initial weights); final: the trained model's loss; below_epoch: first epoch under the
    level below (None: never); planned: the epochs training was set to run. 'The loss falls
    from 0.262 at the initial weights to 0.0012 after 5,000 epochs; it drops below 0.01 at
    epoch 2,140.' A loss that prints the same at both ends 'stays at' it."""
    if diverged_epoch is not None:
        of = f" of the {count(planned)} planned" if planned is not None else ""
        return (f"Training diverges at epoch {diverged_epoch:,}{of}: the loss becomes infinite or nan, "
                "and training stops there.")
    start = f"{loss_text(initial)} at the initial weights"
    after = f"after {noun(epochs, 'epoch')}"
    if not np.isfinite(final):
        return None
    if loss_text(final) == loss_text(initial):
        return (f"The loss stays at {loss_text(final)}: after {noun(epochs, 'epoch')} it reads the same "
                "as at the initial weights.")
    if final < initial:
        text = f"The loss falls from {start} to {loss_text(final)} {after}"
        if below is not None and below_epoch is not None:
            text += f"; it drops below {below:g} at epoch {below_epoch:,}"
        return text + "."
    return f"The loss does not fall: {start}, {loss_text(final)} {after}."


def plateau(leaves_at, epochs, level, constant_loss, final_loss=None, outputs=None, share=0.1,
            near=0.05, spread=0.1):
    """For the squared error of a sigmoid output, whose constant output 0.5 has loss
    constant_loss: 'It stays above 0.2 until epoch 1,234 (...): training starts on a plateau
    ...' only when the loss leaves the plateau late (after share of the epochs). When it never
    gets below level, outputs (the trained network's outputs on its training points) decide:
    'ends near 0.25, the loss of a network that outputs 0.5 for every point ...' only when
    every output is within near of 0.5 and the loss within 0.02 of constant_loss; 'the network
    outputs between 0.338 and 0.363 on every training point' when they lie within spread of
    each other; otherwise None."""
    if leaves_at is None:
        if final_loss is None or outputs is None or not np.all(np.isfinite(outputs)):
            return None
        lo, hi = float(np.min(outputs)), float(np.max(outputs))
        span = f"{lo:.3f}" if f"{lo:.3f}" == f"{hi:.3f}" else f"between {lo:.3f} and {hi:.3f}"
        if max(abs(lo - 0.5), abs(hi - 0.5)) <= near and abs(final_loss - constant_loss) <= 0.02:
            return (f"It never gets below {level:g} and ends near {constant_loss:g}, the loss of a network "
                    f"that outputs 0.5 for every point (this one outputs {span}): training does not "
                    f"leave this plateau in {noun(epochs, 'epoch')}.")
        if hi - lo <= spread:
            return (f"It never gets below {level:g}: the trained network outputs {span} on every "
                    "training point, nearly the same value for all of them.")
        return None
    if leaves_at <= share * epochs:
        return None
    return (f"It stays above {level:g} until epoch {leaves_at:,} (a network that outputs 0.5 for "
            f"every point has loss {constant_loss:g}): training starts on a plateau, where the "
            "gradient is small, before the loss drops.")


def first_perfect(first_epoch, final_accuracy, epochs, diverged_epoch=None):
    """'Training accuracy first reaches 100% at epoch 812.' / '... never reaches 100% in 500
    epochs; it ends at 52.4%.' (and whether the trained model is still at 100%). A network
    whose training diverged (diverged_epoch) has no accuracy: it is not given one."""
    if diverged_epoch is not None:
        if first_epoch is not None and first_epoch < diverged_epoch:
            head = f"Training accuracy first reaches 100% at epoch {first_epoch:,}, before the divergence"
        else:
            head = "Training accuracy never reaches 100% before the divergence"
        return head + "; the diverged network has no accuracy."
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


def no_boundary(names):
    """The data sets (prose names) whose training diverged: their networks output no usable
    value, so there is no decision boundary to describe. 'Training diverged on XOR: its
    network has no decision boundary.'"""
    if not names:
        return None
    return (f"Training diverged {'on ' + listing(names)}: "
            f"{'its network has' if len(names) == 1 else 'their networks have'} no decision boundary, "
            "as the outputs are not finite numbers.")


def near_boundary(distances_wrong, distances, points="test points", labels=None):
    """Where the misclassified points of the linear/uniform data lie, against all of them.
    distances_wrong: the misclassified points' distances to the true boundary x1 = x2;
    distances: every point's. 'The 3 misclassified test points lie 0.0012 to 0.0123 from the
    true boundary $x_1 = x_2$ (the median test point lies 0.2100 away): the errors are points
    next to the boundary, not a wrong shape.' -- that reading only when every misclassified
    point is closer than a tenth of the median distance; else how many points lie closer
    than the farthest error. labels: the predicted labels of all points; when they are all
    one label, that is said instead, as it explains every error."""
    wrong = np.sort(np.asarray(distances_wrong, dtype=float))
    distances = np.asarray(distances, dtype=float)
    one = points[:-1] if points.endswith("s") else points
    if wrong.size == 0:
        return f"No {one} is misclassified."
    if labels is not None and len(labels) > 1 and np.all(np.asarray(labels) == np.asarray(labels)[0]):
        return (f"The network predicts label {int(np.asarray(labels)[0])} for every {one}, so it has no "
                f"boundary among them: its {noun(wrong.size, 'error')} {'is' if wrong.size == 1 else 'are'} "
                f"the {'one point' if wrong.size == 1 else noun(wrong.size, 'point')} of the other label, "
                "near the true boundary or far from it.")
    median = float(np.median(distances))
    lo, hi = float(wrong[0]), float(wrong[-1])
    where = "$x_1 = x_2$"
    if wrong.size == 1:
        text = f"The misclassified {one} lies {hi:.4f} from the true boundary {where}"
    else:
        which = "Both" if wrong.size == 2 else f"The {count(wrong.size)}"
        span = f"{lo:.4f}" if f"{lo:.4f}" == f"{hi:.4f}" else f"{lo:.4f} {'and' if wrong.size == 2 else 'to'} {hi:.4f}"
        text = f"{which} misclassified {points} lie {span} from the true boundary {where}"
        if wrong.size > 2:
            text += f", {float(np.median(wrong)):.4f} at the median"
    text += f" (the median {one} lies {median:.4f} away)"
    if hi <= 0.1 * median:
        return text + ": the errors are points next to the boundary, not a wrong shape."
    closer = int(np.sum(distances < hi))
    subject = "it" if wrong.size == 1 else "the farthest"
    return (text + f": {subject} is farther from the boundary than {count(closer)} of the "
            f"{count(distances.size)} {points}, so the errors are not only points next to the true "
            "boundary, and the learned boundary departs from it.")


def uniform_errors(test, train, diverged_epoch=None, planned=None):
    """The uniform network's errors. test, train: (wrong, points, accuracy). 'The network
    misclassifies 3 of the 1,000 test points (test accuracy 99.7%) and 12 of the 4,000
    training points (99.7%).' A diverged network has no errors to count: 'Training diverges
    at epoch 5 of the 200 planned: the network has no accuracy and no decision boundary.'"""
    if diverged_epoch is not None:
        of = f" of the {count(planned)} planned" if planned is not None else ""
        return (f"Training diverges at epoch {diverged_epoch:,}{of}: the loss becomes infinite or nan, "
                "so the network has no accuracy and no decision boundary.")
    (wrong_t, n_t, acc_t), (wrong_r, n_r, acc_r) = test, train
    return (f"The network misclassifies {count(wrong_t)} of the {count(n_t)} test points (test accuracy "
            f"{acc_t:.1%}) and {count(wrong_r)} of the {count(n_r)} training points ({acc_r:.1%}).")


def log_note(log_every, epochs):
    """What the appendix's training log holds (reference_runs.training_log, which always ends
    with the last epoch): 'the loss every 1,000 epochs' / 'the loss of the last epoch only, as
    `log_every` = 1,000 is more than the 50 epochs'."""
    if log_every >= epochs:
        return (f"the loss of the last epoch only, as `log_every` = {count(log_every)} is "
                f"{'more than' if log_every > epochs else 'equal to'} the {noun(epochs, 'epoch')}")
    return ("the loss of every epoch" if log_every == 1 else
            f"the loss every {noun(log_every, 'epoch')} and at the last epoch run")


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
