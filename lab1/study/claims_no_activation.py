"""Claims of Sections 4.C and 4.D (networks without hidden activations): the line each seed
ends on at every learning rate, the rate against the path, the best line against the
networks that did not diverge, initializers and losses each at its own rate, divergence per
variant, the collapse to one affine map (or to a constant), the closing lesson.

The conventions every claim follows are in lab1/study/claims.py, which gathers these claims
with the others (tests/test_claims.py).
"""
import numpy as np

from .claims_general import reach_phrase, spread_order, spread_text
from .claims_sections import beats_lines
from .formatting import count, percent, sci
from .wording import capital, listing, noun, ties, value_text, values_text, verb


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


def same_path(at_time, final, time, slowest_lr, ends_by_seed):
    """Whether every run already has its final accuracy at the same "time" lr x epochs (the
    end of the slowest rate's runs) and each seed ends with the same labels at every rate:
    only then do the larger rates reach the same ends in fewer epochs.

    at_time: {lr: (M,) accuracy at epoch time / lr}; final: {lr: (M,) final accuracy}
    (nan: diverged, left out); ends_by_seed: as for same_lines, over every rate of final.
    None when fewer than two rates got that far.
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
    moved = [s for s, ends in ends_by_seed.items() if len(ends) > 1]
    when = f"At lr × epochs = {value_text(float(time))} (the end of the lr = {value_text(slowest_lr)} runs)"
    if same == runs and not moved:
        return (f"{when} every run at every rate already has its final accuracy, and each seed ends with the "
                "same labels at every rate it did not diverge at: the larger rates reach the same ends, only "
                "in fewer epochs. Full-batch gradient descent with a small step follows a path set by the "
                "initial weights; the learning rate sets how many epochs it takes to walk it.")
    text = (f"{when} every run at every rate already has its final accuracy" if same == runs else
            f"{when} {same} of the {noun(runs, 'run')} already {verb(same, 'have', 'has')} their final accuracy")
    if moved:
        return (text + f", but {_seeds_text(moved)} {verb(len(moved), 'end')} with different labels at different "
                "rates: the rate changes where a network ends, not only how many epochs it takes to get there.")
    return text + "."


def own_rate(at_reference, at_own, chosen, reference_lr, what="initializer", names=None):
    """Which settings bring every seed to 100% at the reference rate and at their own rate.

    at_reference, at_own: {setting: Finals}; chosen: {setting: its own lr}; names: {setting:
    display name} (default: the key). Says whether tuning the rate changes the verdict; when
    every own rate is the reference rate (e.g. a grid of one rate) there is one verdict.
    """
    names = names or {k: str(k) for k in at_own}
    keys = list(at_own)

    def full(finals):
        return [k for k in keys if finals[k].reached == finals[k].seeds]

    def who(group):
        return listing(names[k] for k in group) if group else f"no {what}"
    ref, own = full(at_reference), full(at_own)
    rate = f"lr = {value_text(reference_lr)}"
    if all(chosen[k] == reference_lr for k in keys):     # own rate = reference rate: one set of runs
        head = (f"The own rate of every {what} is the reference rate {rate}" if len(keys) > 1
                else f"The own rate of {names[keys[0]]} is the reference rate {rate}")
        if len(keys) == 1:
            return head + f": there {reach_phrase(at_reference[keys[0]])}."
        if len(ref) == len(keys):
            return head + f": there every {what} brings every seed to 100%."
        if not ref:
            return head + f": there no {what} brings every seed to 100%."
        return head + f": there every seed reaches 100% with {who(ref)} only."
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
        return text + f"; so at {rate} it was the step size that held back {listing(names[k] for k in gained)}."
    return text + "."


def scale_order(medians, scales, what="initial weight scale", seeds=None):
    """Whether the settings that reach 100% are, ordered by their median first epoch at
    100% (fastest first), in the order of their <what> (largest first); ties in print
    count as no order. medians: {name: median epoch, None for never}; scales: {name:
    scale}. None for fewer than two settings that reach 100%.

    seeds: {name: per-seed first epochs (nan: never)}: then only the pairs whose epochs differ
    by more than the seed spread (the report's rule) are ordered, and the others are named."""
    names = [n for n in medians if medians[n] is not None]
    if len(names) < 2:
        return None
    speed = sorted(names, key=lambda n: medians[n])
    subject = "they" if len(names) == len(medians) else f"the {len(names)} that reach it"
    if seeds is not None and any(np.sum(np.isfinite(seeds[n])) > 1 for n in names):
        pairs = [(a, b) for i, a in enumerate(speed) for b in speed[i + 1:]]
        faster = [(a, b) for a, b in pairs if spread_order(seeds[a], seeds[b], higher_is_better=False) == 1]
        close = [(a, b) for a, b in pairs if (a, b) not in faster and (b, a) not in faster
                 and spread_order(seeds[b], seeds[a], higher_is_better=False) != 1]
        if not faster:
            return (f"Their first epochs at 100% lie within the seed spread of each other, so there is no order by "
                    f"speed to compare with the {what}.")
        against = [(a, b) for a, b in faster if scales[a] <= scales[b]]
        if against:
            a, b = against[0]
            return (f"The order by first epoch at 100% does not follow the {what}: {a} is faster than {b} by more "
                    f"than the seed spread with a scale no larger.")
        within = ("; within the seed spread of each other: " + listing(f"{a} with {b}" for a, b in close)
                  if close else "")
        return (f"Ordered by their median first epoch at 100%, fastest first ({listing(speed)}), {subject} follow "
                f"their {what}, largest first, wherever the epochs differ by more than the seed spread{within}.")
    tied = any(ties(medians[a], medians[b], count) for a, b in zip(speed, speed[1:]))
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


def collapses(gap, tolerance=1e-9, weights=None, spread=None, digits=3):
    """'... reproduces the network's output on every point to within 1e-17: the network is one
    straight line' only when the largest difference gap between the collapsed map and the
    network is below tolerance and its weights W do not print as 0 (to digits decimals):
    with W = 0 there is no line, and the network outputs a constant (its output varies by
    spread, the largest difference between two training points, when given)."""
    if gap >= tolerance:
        return (f"The single affine map differs from the network's output by up to {sci(gap)}: the "
                "network is not one affine map.")
    text = f"The single affine map reproduces the network's output on every training point to within {sci(gap)}"
    w = None if weights is None else np.asarray(weights, dtype=np.float64).reshape(-1)
    if w is not None and np.all(np.round(np.abs(w), digits) == 0):
        varies = f" (its output varies by {sci(spread)} over the training points)" if spread is not None else ""
        return (text + f"; its W is 0 to the {digits} decimals printed, so it draws no line: the network "
                f"outputs a constant{varies}.")
    return text + ": the network is one straight line."


def linear_bound(bound, accuracy_by_variant, points="XOR points"):
    """A linear classifier 'cannot exceed the best line's X%': said of the networks without
    hidden activations that did not diverge, counting and naming only those (a variant every
    run of which diverged is left out), and flagged if any does exceed it (then it is not linear).

    bound: the best accuracy any line reaches; accuracy_by_variant: {variant: per-run finals,
    nan for a diverged run}, the variants named as the notebook prints them ('*no activation*').
    """
    finite = {v: np.asarray(a, dtype=np.float64)[np.isfinite(np.asarray(a, dtype=np.float64))]
              for v, a in accuracy_by_variant.items()}
    kept = {v: a for v, a in finite.items() if a.size}
    dropped = sum(np.asarray(a).size for a in accuracy_by_variant.values()) - sum(a.size for a in kept.values())
    if not kept:
        return (f"No line classifies more than {percent(bound)} of the {points}; every "
                f"{listing(accuracy_by_variant)} network diverged.")
    acc = np.concatenate(list(kept.values()))
    n = acc.size
    kind = f"{listing(kept)} {'network' if n == 1 else 'networks'}"
    rest = (" that did not diverge" if n > 1 else ", the only one that did not diverge,") if dropped else ""
    subject = f"the {n} {kind}{rest}" if n > 1 else f"the {kind}{rest}"
    above = int(np.sum(acc > bound + 1e-9))
    if above:
        return (f"{above} of {subject} {verb(above, 'score')} above the best line's {percent(bound)}, "
                f"which a linear classifier cannot: {'that network is' if above == 1 else 'those networks are'} "
                "not linear." if n > 1 else
                f"{capital(subject)} scores {percent(acc[0])}, above the best line's {percent(bound)}, which a "
                "linear classifier cannot: it is not linear.")
    if bound == 1.0:
        reached = "and they get there" if acc.max() == 1.0 else "but none of them gets there"
        if n == 1:
            reached = "and it gets there" if acc.max() == 1.0 else "but it does not get there"
            return (f"A line separates the {points} (100.0% is possible), {reached}: {subject} ends at "
                    f"{percent(acc[0])}.")
        return (f"A line separates the {points} (100.0% is possible), {reached}: the best of {subject} ends at "
                f"{percent(acc.max())}, the mean at {percent(acc.mean())}.")
    at = int(np.sum(np.isclose(acc, bound)))
    if n == 1:
        exactly = ", exactly the bound" if at else ""
        return (f"No line classifies more than {percent(bound)} of the {points}, so {subject} cannot exceed the "
                f"best line's {percent(bound)}: it ends at {percent(acc[0])}{exactly}.")
    where = f", {at} of them exactly at the bound" if at else ""
    return (f"No line classifies more than {percent(bound)} of the {points}, so {subject} cannot exceed the "
            f"best line's {percent(bound)}: the best ends at {percent(acc.max())}{where}.")


def beats_linear(reference_name, reference, linear_name, linear, bound, seeds):
    """claims_sections.beats_lines, except that with one seed per setting there is no seed
    spread: the two are then compared plainly, and the sentence says why."""
    if seeds > 1:
        return beats_lines(reference_name, reference, linear_name, linear, bound)
    ref = np.asarray(reference, dtype=np.float64)
    ref, lin = ref[np.isfinite(ref)], np.asarray(linear, dtype=np.float64)
    lin = lin[np.isfinite(lin)]
    if not ref.size or not lin.size:
        return None
    if ties(ref.mean(), lin.mean()):
        order = "score the same as"
    else:
        order = "score above" if ref.mean() > lin.mean() else "score below"
    line = "above" if ref.mean() > bound and not ties(ref.mean(), bound) else "not above"
    return (f"With one seed there is no seed spread to judge a difference by: the {reference_name} "
            f"({spread_text(ref)}) {order} the {linear_name} ({spread_text(lin)}), {line} the best line's "
            f"{percent(bound)}.")


def most_accurate(network, pick):
    """How the network drawn is chosen: 'The most accurate <network> (lr 1, seed 3)', or when
    several tie at the top (as printed) 'One of the 6 most accurate <network>s (6 tie at 76.2%;
    of those, the one with the lowest final loss: lr 1, seed 3)'. pick: from
    no_activation.most_accurate; network: e.g. '*identity hidden* network on XOR'."""
    where = f"lr {value_text(pick['lr'])}, seed {pick['seed']}"
    if pick["tied"] == 1:
        return f"The most accurate {network} ({where})"
    many = network.replace(" network", " networks", 1)
    return (f"One of the {pick['tied']} most accurate {many} ({pick['tied']} tie at {percent(pick['accuracy'])}; "
            f"of those, the one with the lowest final loss: {where})")


def bend_lesson(reference_xor, figure):
    """The closing lesson on hidden activations; it says the bend separates XOR ('as the
    reference network does on XOR in 4 of the 5 seeds') only when a reference network of
    this run reaches 100% on XOR. reference_xor: per-seed final accuracies (nan: diverged),
    None when XOR did not run; figure: the reference to the summary figure."""
    text = ("The hidden activations are what the hidden layers are for: without them a network of any depth is "
            f"one affine map and one straight line ({figure}), and only the bend they add lets a network "
            "separate classes that no line separates")
    if reference_xor is None:
        return text + "."
    acc = np.asarray(reference_xor, dtype=np.float64)
    k, n = int(np.sum(acc == 1.0)), acc.size
    if k == 0:
        return text + "."
    if n == 1:
        return text + ", as the reference network does on XOR."
    return text + (", as every reference network does on XOR." if k == n else
                   f", as the reference network does on XOR in {k} of the {noun(n, 'seed')}.")


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
