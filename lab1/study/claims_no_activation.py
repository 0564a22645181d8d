"""Claims of Sections 4.C and 4.D (networks without hidden activations): the line each seed
ends on at every learning rate, the rate against the path, initializers and losses each at
its own rate, divergence per variant, the collapse to one affine map.

The conventions every claim follows are in lab1/study/claims.py, which gathers these claims
with the others (tests/test_claims.py).
"""
import numpy as np

from .formatting import count, percent, sci
from .wording import listing, noun, ties, value_text, values_text, verb


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
