"""The Introduction's preview of the Discussion and the Extra (Sections 4 and 5), made from
the results documents of the executed notebooks (lab1/study/results.py), when the report is
built (report/build_preview.py).

``findings_preview(documents)`` takes {notebook name: results document} and returns one
Markdown paragraph, one sentence per finding, each citing its section -- or None when no
document holds the runs of any finding. Each sentence is a claim (see claims.py): computed
from the run records, stated only where they support it, ties said as ties, grammar from the
numbers. A study whose runs are missing leaves its sentence out. Runs are found by their
``study`` (the notebook that ran them does not matter); a study's section is SECTIONS.

Reading the records as the sections do: a seed "reaches 100%" when its first_perfect_epoch
is not null (Finals.reached); a diverged run's null accuracy is left out of a best or a mean.
"""
import math

import numpy as np

from .activations import ACTIVATION_NAMES
from .claims_general import spread_order
from .digits import matched_hidden, mlp_parameters
from .finals import Finals
from .formatting import count, percent
from .optimizers import OPTIMIZER_NAMES
from .wording import DATASET_NAMES, capital, cite, listing, noun, ties, values_text

# Where each study's findings are, as the report numbers its sections
SECTIONS = {"lr": "Section 4.A", "hidden": "Section 4.B", "no activation": "Section 4.C",
            "optimizer": "Section 5.A", "activation": "Section 5.B", "cnn": "Section 5.C"}


def findings_preview(documents):
    """One paragraph of the main findings of Sections 4 and 5 (Markdown), or None.

    documents: {notebook name: results document, or None}; any notebook may be missing.
    """
    documents = {name: doc for name, doc in (documents or {}).items() if doc}
    sentences = [learning_rates(documents), widths(documents), without_activations(documents),
                 fastest(documents, "optimizer", "optimizer", OPTIMIZER_NAMES),
                 fastest(documents, "activation", "hidden activation", ACTIVATION_NAMES),
                 digits(documents)]
    sentences = [s for s in sentences if s]
    return " ".join(sentences) if sentences else None


# --------------------------------------------------------------------------- records

def _runs(documents, study):
    """(document, runs) of the first document with runs of study, or (None, [])."""
    for doc in (documents or {}).values():
        if not doc:
            continue
        runs = [r for r in doc.get("runs", []) if r.get("study") == study]
        if runs:
            return doc, runs
    return None, []


def _key(value):
    return tuple(value) if isinstance(value, list) else value


def _grouped(runs, option):
    """{data set: {value of setting[option]: Finals}}, both in the order the runs come in."""
    groups = {}
    for run in runs:
        value = _key(run.get("setting", {}).get(option))
        groups.setdefault(run["dataset"], {}).setdefault(value, []).append(run)
    return {d: {v: Finals.of_runs(rs) for v, rs in by_value.items()} for d, by_value in groups.items()}


def _subject(finals):
    """'every seed', or 'the only seed' when each setting ran one seed (as claims.reach_for)."""
    return "the only seed" if {f.seeds for f in finals} == {1} else "every seed"


def _all_reach(f):
    return f.seeds > 0 and f.reached == f.seeds


def _name(dataset):
    return DATASET_NAMES.get(dataset, dataset)


# --------------------------------------------------------------------------- Section 4

def learning_rates(documents):
    """The learning rates at which every seed reaches 100% training accuracy, per data set:
    'Every seed reaches 100% training accuracy at lr = 1 and 10 on XOR and at lr = 1, 10 and
    20 on the linear data (Section 4.A).'"""
    _, runs = _runs(documents, "lr")
    if not runs:
        return None
    by_dataset = _grouped(runs, "lr")
    subject = _subject(f for by_lr in by_dataset.values() for f in by_lr.values())
    works = {d: [v for v, f in by_lr.items() if _all_reach(f)] for d, by_lr in by_dataset.items()}
    good = [f"at {values_text('lr', values)} on {_name(d)}" for d, values in works.items() if values]
    bad = [_name(d) for d, values in works.items() if not values]
    if not good:
        return cite(f"No learning rate brings {subject} to 100% training accuracy on {_or(bad)}.",
                    SECTIONS["lr"])
    text = f"{capital(subject)} reaches 100% training accuracy {listing(good)}"
    if bad:
        text += f"; on {_or(bad)} no learning rate does"
    return cite(text + ".", SECTIONS["lr"])


def _or(items):
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def _width(value):
    """A swept width as a number to order by ([8, 8] counts as 8)."""
    return max(value) if isinstance(value, tuple) else value


def widths(documents):
    """The smallest hidden width from which every wider width tried brings every seed to
    100% training accuracy, per data set: 'From $h$ = 4 units per hidden layer on XOR and
    $h$ = 2 on the linear data, every width tried (up to $h$ = 32) brings every seed to 100%
    training accuracy (Section 4.B).' A data set where the widest width fails, or only the
    widest works, says which widths work, or that none does."""
    _, runs = _runs(documents, "hidden")
    if not runs:
        return None
    by_dataset = _grouped(runs, "hidden")
    subject = _subject(f for by_h in by_dataset.values() for f in by_h.values())
    widest = max((v for by_h in by_dataset.values() for v in by_h), key=_width)
    good, bad = [], []
    for d, by_h in by_dataset.items():
        order = sorted(by_h, key=_width)
        tail = []
        for value in reversed(order):          # the widths that work, from the widest down
            if not _all_reach(by_h[value]):
                break
            tail.insert(0, value)
        if len(tail) > 1:                      # a run of widths up to the widest
            good.append((d, tail[0]))
        else:
            bad.append((d, [v for v in order if _all_reach(by_h[v])]))

    def only(i, d, works):                     # the sentence's first clause names the accuracy
        goal = "100%" if good or i else "100% training accuracy"
        return (f"on {_name(d)} {subject} reaches {goal} only at {values_text('$h$', works)}" if works
                else f"on {_name(d)} no width brings {subject} to {goal}")
    bad = [only(i, d, works) for i, (d, works) in enumerate(bad)]
    if good:
        per_layer = f" unit{'' if _width(good[0][1]) == 1 else 's'} per hidden layer"
        starts = [f"{values_text('$h$', [h])}{per_layer if i == 0 else ''} on {_name(d)}"
                  for i, (d, h) in enumerate(good)]
        text = (f"From {listing(starts)}, every width tried (up to {values_text('$h$', [widest])}) brings "
                f"{subject} to 100% training accuracy")
        text += "".join(f"; {part}" for part in bad)
    else:
        text = capital("; ".join(bad))
    return cite(text + ".", SECTIONS["hidden"])


def without_activations(documents):
    """The best accuracy of the networks without hidden activations on XOR against the best
    of the reference networks (same seeds and epochs): 'On XOR, the best of the 21 networks
    without hidden activations that did not diverge ends at 76.2%, below the best reference
    network's 100.0% (Section 4.C).' (Diverged networks are left out.)"""
    _, runs = _runs(documents, "no activation")
    runs = [r for r in runs if r["dataset"] == "xor"]
    if not runs:
        return None
    accuracy = np.array([_number(r.get("train_accuracy")) for r in runs])
    finite = accuracy[np.isfinite(accuracy)]
    lost = len(runs) - finite.size
    where = SECTIONS["no activation"]
    if not finite.size:
        return cite(f"On XOR, {'the only network' if len(runs) == 1 else f'all {len(runs)} networks'} "
                    "without hidden activations diverged.", where)
    best = float(finite.max())
    kept = " that did not diverge" if lost else ""
    who = (f"the only network without hidden activations{kept} ends" if finite.size == 1 else
           f"the best of the {noun(finite.size, 'network')} without hidden activations{kept} ends")
    text = f"On XOR, {who} at {percent(best)}"
    _, reference = _runs(documents, "reference")
    reference = np.array([_number(r.get("train_accuracy")) for r in reference if r["dataset"] == "xor"])
    reference = reference[np.isfinite(reference)]
    if reference.size:
        top = float(reference.max())
        theirs = "the reference network's" if reference.size == 1 else "the best reference network's"
        relation = ("the same as" if ties(best, top) else "below" if best < top else "above")
        text += f", {relation} {theirs} {percent(top)}"
    return cite(text + ".", where)


def _number(value):
    return math.nan if value is None else float(value)


# --------------------------------------------------------------------------- Section 5

def fastest(documents, study, kind, names):
    """Which variant (kind: 'optimizer', 'hidden activation'), each at its chosen learning rate
    (parameters["chosen_lr"][data set][variant]), brings every seed to 100% training accuracy
    fastest: the lowest median first epoch among the variants that bring every seed there (as
    Section 5 ranks them), on each data set where at least two do; ties (as epochs print) said
    as ties. 'With each optimizer at its chosen learning rate, Adam brings every seed to 100%
    training accuracy fastest on both data sets (median epoch 136 on XOR and 24 on the linear
    data; Section 5.A).'"""
    doc, runs = _runs(documents, study)
    chosen = (doc or {}).get("parameters", {}).get("chosen_lr") or {}
    if not runs or not chosen:
        return None
    picked = {}                                  # {data set: {variant: runs at its chosen rate}}
    for run in runs:
        variant, lr = run["setting"].get(study), run["setting"].get("lr")
        rate = chosen.get(run["dataset"], {}).get(variant)
        if rate is not None and lr is not None and math.isclose(lr, rate):
            picked.setdefault(run["dataset"], {}).setdefault(variant, []).append(run)
    picked = {d: {v: Finals.of_runs(rs) for v, rs in by_v.items()} for d, by_v in picked.items()}
    subject = _subject(f for by_v in picked.values() for f in by_v.values())
    median = "median epoch" if subject == "every seed" else "epoch"
    first = {}                       # {data set: ([the fastest variants], median, clear)}
    for d, by_v in picked.items():
        medians = {v: f.median_first() for v, f in by_v.items() if _all_reach(f)}
        if len(medians) < 2:                     # nothing to rank
            continue
        low = min(medians.values())
        tied = [v for v, m in medians.items() if ties(m, low, count)]
        epochs = {v: by_v[v].first_perfect for v in medians}
        # as Section 5: the lowest median is fastest only by more than the seed spread over every other
        clear = (all(len(e) == 1 for e in epochs.values())
                 or all(spread_order(epochs[tied[0]], epochs[v], higher_is_better=False) == 1
                        for v in medians if v not in tied))
        first[d] = ([names.get(v, v) for v in tied], low, clear)
    if not first:
        return None

    goal = f"{subject} to 100% training accuracy"
    leaders = {tuple(v) for v, _, clear in first.values() if clear}
    if (len(first) > 1 and all(clear for _, _, clear in first.values()) and len(leaders) == 1
            and len(next(iter(leaders))) == 1):
        numbers = listing(f"{count(m)} on {_name(d)}" for d, (_, m, _) in first.items())
        scope = "both data sets" if len(first) == 2 else "every data set"
        body = f"{next(iter(leaders))[0]} brings {goal} fastest on {scope} ({median} {numbers})"
    else:
        body, previous = "", None
        for d, (v, m, clear) in first.items():
            at = f"on {_name(d)} ({median} {count(m)})"
            if not clear:
                clause = (f"no {kind} brings {goal} faster than every other by more than the seed spread on "
                          f"{_name(d)} (the lowest {median}, {count(m)}, is {listing(v)}'s)")
            elif len(v) > 1:
                clause = f"{listing(v)} tie for fastest{f' to bring {goal}' if not body else ''} {at}"
            elif not body:
                clause = f"{v[0]} brings {goal} fastest {at}"
            else:
                clause = f"{v[0]} {at}" if previous == "one" else f"{v[0]} is fastest {at}"
            body += ("" if not body else " and " if previous == "one" and clear and len(v) == 1 else "; ") + clause
            previous = "one" if clear and len(v) == 1 else "other"
    return cite(f"With each {kind} at its chosen learning rate, {body}.", SECTIONS[study])


def _mlp_name(parameters):
    """'MLP-100' for the one-hidden-layer digits MLP of that many parameters (its width, as
    Section 5.C names it), else 'the MLP of <n> parameters'."""
    if parameters:
        hidden = matched_hidden(parameters)
        if mlp_parameters(hidden) == parameters:
            return f"MLP-{hidden}"
    return f"MLP of {count(parameters)} parameters" if parameters else "MLP"


def digits(documents):
    """The CNN's test accuracy on the digits (mean over seeds) against each MLP's: 'On the
    handwritten digits, the CNN's mean test accuracy over 3 seeds, 98.9%, is higher than the
    MLP-100's (96.4%) and the MLP-36's (96.0%; Section 5.C).' (equal as printed: 'the same
    as'; a diverged or unscored run is left out)."""
    means, seeds = {}, {}
    for study in ("cnn", "mlp", "mlp_small"):
        _, runs = _runs(documents, study)
        scores = np.array([_number(r.get("test_accuracy")) for r in runs if r["dataset"] == "digits"])
        scores = scores[np.isfinite(scores)]
        if scores.size:
            means[study], seeds[study] = float(scores.mean()), scores.size
            if study != "cnn":
                parameters = next((r["setting"].get("parameters") for r in runs), None)
                means[_mlp_name(parameters)] = means.pop(study)
    if "cnn" not in means or len(means) < 2:
        return None
    cnn = means.pop("cnn")
    over = f"mean test accuracy over {noun(seeds['cnn'], 'seed')}" if seeds["cnn"] > 1 else "test accuracy (1 seed)"
    groups = {"higher than": [], "the same as": [], "lower than": []}
    for name, mean in means.items():
        relation = "the same as" if ties(cnn, mean) else "higher than" if cnn > mean else "lower than"
        groups[relation].append(f"the {name}'s ({percent(mean)})")
    compared = listing(f"{relation} {listing(items)}" for relation, items in groups.items() if items)
    return cite(f"On the handwritten digits, the CNN's {over}, {percent(cnn)}, is {compared}.",
                SECTIONS["cnn"])

