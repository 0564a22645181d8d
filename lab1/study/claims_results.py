"""Finding sentences of Sections 1-3 (Introduction preview, Results), each returned only
when the numbers of the same run make it true (tests/test_claims_results.py).

Each claim takes plain numbers and returns a sentence (or None when there is nothing
true to say); grammar follows the numbers.
"""
import numpy as np

REQUIRED = 0.9          # the demo's required accuracy
NAMES = {"xor": "XOR", "linear": "linear"}
POINTS = {"xor": "XOR points", "linear": "linear test points"}


def plural(n, word, many=None):
    """'1 seed', '2 seeds' (many: the plural when it is not word + 's')."""
    return f"{n:,} {word if n == 1 else (many or word + 's')}"


def _and(parts):
    parts = list(parts)
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


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
    cite = f" ({where})" if where else ""
    text = f"With {setting_words}, {networks} classifies {_and(parts)} correctly{cite}."
    return text + " " + requirement({k: (n - w) / n for k, (w, n) in scores.items()})


def requirement(accuracy_by_dataset, required=REQUIRED):
    """'Both are above the 90% the demo requires.' / 'It is above ...' / 'The XOR network is
    below the 90% the demo requires, the linear one above it.' / 'Neither reaches ...'."""
    above = [k for k, a in accuracy_by_dataset.items() if a >= required]
    below = [k for k in accuracy_by_dataset if k not in above]
    level = f"{required:.0%}"
    if len(accuracy_by_dataset) == 1:
        return (f"That is {'at or above' if above else 'below'} the {level} the demo requires.")
    if not below:
        return f"{'Both are' if len(above) == 2 else 'All are'} at or above the {level} the demo requires."
    if not above:
        return f"{'Neither reaches' if len(below) == 2 else 'None reaches'} the {level} the demo requires."
    return (f"The {_and(NAMES.get(k, k) for k in below)} "
            f"{'network is' if len(below) == 1 else 'networks are'} below the {level} the demo "
            f"requires, the {_and(NAMES.get(k, k) for k in above)} "
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
                + (f"{plural(len(reached), 'other seed')} of {total} {'does' if len(reached) == 1 else 'do'}."
                   if reached else f"neither does any of the {total} seeds."))
    epoch = reached[seed]
    faster = sum(e < epoch for e in reached.values())
    ties = sum(e == epoch for s, e in reached.items() if s != seed)
    median = float(np.median(list(reached.values())))
    n = len(reached)
    if n == 1:
        return f"Seed {seed} first reaches 100% at epoch {epoch:,}, the only one of {plural(total, 'seed')} that does."
    if ties == n - 1:
        place = f"as every other seed that gets there does"
    else:
        rank = faster + 1
        place = (f"{_ordinal(rank)} fastest of the {n} seeds that get there"
                 + (f" (tied with {plural(ties, 'other')})" if ties else ""))
    ratio = epoch / median
    relation = ("their median" if epoch == median else
                f"{ratio:.1f} times their median ({median:,.0f})" if ratio >= 1.05 or ratio <= 0.95
                else f"close to their median ({median:,.0f})")
    lost = total - n
    tail = f"; {plural(lost, 'seed')} of {total} never {'gets' if lost == 1 else 'get'} there" if lost else ""
    if ties == n - 1:
        return f"Seed {seed} first reaches 100% at epoch {epoch:,}, {place}{tail}."
    return f"Seed {seed} first reaches 100% at epoch {epoch:,}, {place}, {relation}{tail}."


def _ordinal(n):
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
