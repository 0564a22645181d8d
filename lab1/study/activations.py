"""The hidden-activation comparison of the Extra section (notebooks/07_activations.ipynb).

Same protocol as the optimizers (comparisons.tuned), plain SGD, only the hidden
activation changes; dead rectifier units are counted with analysis.inactive_units.
"""
import numpy as np

from .. import nn
from .claims_extra import faster_or_one_seed
from .comparisons import (TITLES, edge_sentence, flat_rule, lost_explanation, lr_text, oscillation_sentence,
                          ranking_sentences)
from .finals import Finals
from .formatting import count, percent
from .terms import WORDS
from .wording import every, listing, noun, verb

ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu")
ACTIVATION_NAMES = {a: WORDS[a] for a in ACTIVATIONS}
ACTIVATION_LRS = (0.1, 0.3, 1.0, 3.0, 10.0, 30.0)     # plain SGD; brackets every rate chosen at the defaults


def leaky_slope():
    return nn.LeakyReLU().negative_slope


def dead_sentence(runs, data, d, hidden_units):
    """What the ReLU runs on data set d did, from the measured counts (runs[d, "relu"]["inactive"])."""
    run = runs[d, "relu"]
    inactive = run["inactive"]                                # (seeds, hidden layers)
    n, per_run = inactive.shape[0], sum(hidden_units)
    if not inactive.any():
        return f"On {TITLES[d]}, no ReLU unit ended dead."
    with_dead = int((inactive.sum(axis=1) > 0).sum())
    dead = count(inactive.sum())
    if with_dead == n:
        head = "the only ReLU run ends" if n == 1 else f"{every(n, 'ReLU run')} end"
        text = (f"On {TITLES[d]}, {head} with dead units: {dead} of {'its' if n == 1 else 'their'} "
                f"{noun(n * per_run, 'hidden unit')}")
    else:
        those = "that run" if with_dead == 1 else f"those {with_dead} runs"
        text = (f"On {TITLES[d]}, {with_dead} of {noun(n, 'ReLU run')} {verb(with_dead, 'end')} with dead units: "
                f"{dead} of the {noun(with_dead * per_run, 'hidden unit')} of {those} ({count(n * per_run)} in "
                f"{every(n, 'run')})")
    whole_layer = np.any(inactive == np.array(hidden_units), axis=1)
    if whole_layer.any():
        k = int(whole_layer.sum())
        stuck = run["history"].final_accuracies[whole_layer]
        majority = max(data[d].y.mean(), 1 - data[d].y.mean())
        where = "it" if with_dead == 1 else f"{k} of them"
        text += (f"; in {where} a whole hidden layer is dead, so the output no longer depends on the input and no "
                 f"gradient reaches the layers below: {'that run ends' if k == 1 else 'those runs end'} at "
                 f"{listing(percent(a) for a in stuck)} (always predicting one class gives {percent(majority)})")
    return text + "."


def leaky_sentence(runs, data, seeds):
    slope = leaky_slope()
    reached = {d: (runs[d, "leaky_relu"]["summary"]["reached"], runs[d, "relu"]["summary"]["reached"]) for d in data}
    better = [TITLES[d] for d in data if reached[d][0] > reached[d][1]]
    worse = [TITLES[d] for d in data if reached[d][0] < reached[d][1]]
    counts = "; ".join(f"{TITLES[d]}: {leaky} against {plain} of {count(seeds)}" for d, (leaky, plain) in reached.items())
    if worse:
        return (f"Leaky ReLU reaches 100% in fewer runs than ReLU on {' and '.join(worse)}"
                + (f" and in more on {' and '.join(better)}" if better else "")
                + f" (runs reaching 100%, leaky against plain: {counts}): that a leaky unit with negative input "
                f"still passes {slope:g} times the gradient, and so can come back, does not decide success here.")
    if better:
        return (f"Leaky ReLU reaches 100% in more runs than ReLU on {' and '.join(better)} "
                f"(runs reaching 100%, leaky against plain: {counts}): a leaky unit with negative input still "
                f"passes {slope:g} times the gradient, so it can come back.")
    return (f"Runs reaching 100%, leaky ReLU against ReLU: {counts}; here the leak does not change how many "
            f"runs succeed, though a leaky unit with negative input still passes {slope:g} times the gradient.")


def tanh_sentence(runs, data):
    """Tanh against sigmoid, each at its own rate: faster only by the report's rule (more seeds at
    100%, or first epochs lower by more than the seed spread: claims.faster)."""
    parts, larger = [], []
    for d in data:
        sig, tanh = (Finals.of(runs[d, a]["history"]) for a in ("sigmoid", "tanh"))
        if not (sig.reached or tanh.reached):
            continue
        lr_sig, lr_tanh = runs[d, "sigmoid"]["lr"], runs[d, "tanh"]["lr"]
        rates = (f"both at lr {lr_text(lr_tanh)}" if lr_tanh == lr_sig
                 else f"tanh at lr {lr_text(lr_tanh)}, sigmoid at {lr_text(lr_sig)}")
        compared = faster_or_one_seed("tanh", tanh, "sigmoid", sig)
        part = f"On {TITLES[d]} ({rates}), {compared[0].lower()}{compared[1:]}"
        if lr_sig > lr_tanh:
            larger.append(TITLES[d])
        parts.append(part)
    if not parts:
        return ""
    if larger:       # said once, after the data sets it holds for
        parts.append(f"{'On ' + listing(larger) + ', s' if len(larger) < len(parts) else 'S'}igmoid's larger rate "
                     "makes up part of its smaller derivative.")
    return ("Tanh's derivative reaches 1 instead of 1/4 and its output is centered on zero, so at the same "
            "learning rate a larger gradient reaches the first layer. Each activation runs at its own best rate. "
            + " ".join(parts))


def discussion(runs, data, epochs, seeds, hidden_units):
    """The activation discussion (Markdown) from runs {(data set, activation): comparisons.tuned()}."""
    names = ACTIVATION_NAMES
    act_lines = [ranking_sentences(runs, ACTIVATIONS, names, data, d, "activations") for d in data]
    never = "never reached" in " ".join(act_lines)
    return f"""
**Details.** {" ".join(act_lines)}

{lost_explanation(runs, ACTIVATIONS, again=True)}{flat_rule(epochs, again=True) if never else ""}

{tanh_sentence(runs, data)} The rectifiers do not saturate for positive inputs, but a ReLU unit whose input is
negative for every training point outputs 0 and passes no gradient at all: it is dead, its incoming
weights stop changing, and only a change in the layers below can bring it back. {" ".join(dead_sentence(runs, data, d, hidden_units) for d in data)} {leaky_sentence(runs, data, seeds)}
{oscillation_sentence(runs, ACTIVATIONS, names, data)}
{edge_sentence(runs, ACTIVATIONS, {a: ACTIVATION_LRS for a in ACTIVATIONS}, names, data)}
"""
