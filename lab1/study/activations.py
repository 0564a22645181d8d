"""The hidden-activation comparison of the Extra section (notebooks/07_activations.ipynb).

Same protocol as the optimizers (comparisons.tuned), plain SGD, only the hidden
activation changes; dead rectifier units are counted with analysis.inactive_units.
"""
import numpy as np

from .. import nn
from .comparisons import (TITLES, edge_sentence, flat_rule, lost_explanation, lr_text, median_epochs,
                          oscillation_sentence, ranking_sentences)
from .formatting import percent
from .terms import WORDS

ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu")
ACTIVATION_NAMES = {a: WORDS[a] for a in ACTIVATIONS}
ACTIVATION_LRS = (0.3, 1.0, 3.0, 10.0, 30.0)     # plain SGD, hidden activation varied


def leaky_slope():
    return nn.LeakyReLU().negative_slope


def dead_sentence(runs, data, d, hidden_units):
    """What the ReLU runs on data set d did, from the measured counts (runs[d, "relu"]["inactive"])."""
    run = runs[d, "relu"]
    inactive = run["inactive"]                                # (seeds, hidden layers)
    n, per_run = inactive.shape[0], sum(hidden_units)
    if not inactive.any():
        return f"On {TITLES[d]} no ReLU unit ended dead."
    with_dead = int((inactive.sum(axis=1) > 0).sum())
    if with_dead == n:
        text = (f"On {TITLES[d]}, all {n} ReLU runs end with dead units: {int(inactive.sum())} of their "
                f"{n * per_run} hidden units")
    else:
        text = (f"On {TITLES[d]}, {with_dead} of {n} ReLU runs end with dead units: {int(inactive.sum())} of "
                f"the {with_dead * per_run} hidden units of those {with_dead} runs ({n * per_run} in all {n} runs)")
    whole_layer = np.any(inactive == np.array(hidden_units), axis=1)
    if whole_layer.any():
        stuck = run["history"].final_accuracies[whole_layer]
        majority = max(data[d].y.mean(), 1 - data[d].y.mean())
        text += (f"; in {int(whole_layer.sum())} of them a whole hidden layer is dead, so the output no longer "
                 f"depends on the input and no gradient reaches the layers below: those runs end at "
                 f"{', '.join(percent(a) for a in stuck)} (always predicting one class gives {percent(majority)})")
    return text + "."


def leaky_sentence(runs, data, seeds):
    slope = leaky_slope()
    reached = {d: (runs[d, "leaky_relu"]["summary"]["reached"], runs[d, "relu"]["summary"]["reached"]) for d in data}
    better = [TITLES[d] for d in data if reached[d][0] > reached[d][1]]
    worse = [TITLES[d] for d in data if reached[d][0] < reached[d][1]]
    counts = "; ".join(f"{TITLES[d]}: {leaky} against {plain} of {seeds}" for d, (leaky, plain) in reached.items())
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
    parts = []
    for d in data:
        a = median_epochs(runs[d, "sigmoid"]["summary"])
        b = median_epochs(runs[d, "tanh"]["summary"])
        if a is None or b is None:
            continue
        lr_sig, lr_tanh = runs[d, "sigmoid"]["lr"], runs[d, "tanh"]["lr"]
        rates = (f"both at lr {lr_text(lr_tanh)}" if lr_tanh == lr_sig
                 else f"tanh at lr {lr_text(lr_tanh)}, sigmoid at {lr_text(lr_sig)}")
        part = (f"on {TITLES[d]} tanh is {'faster' if b < a else 'slower'} than sigmoid (median {b:.0f} against "
                f"{a:.0f} epochs, {rates}")
        if lr_sig > lr_tanh:
            part += ": sigmoid's larger rate makes up part of its smaller derivative"
        parts.append(part + ")")
    if not parts:
        return ""
    return ("Tanh's derivative reaches 1 instead of 1/4 and its output is centered on zero, so at the same "
            "learning rate a larger gradient reaches the first layer. With each activation at its own best rate, "
            + "; ".join(parts) + ".")


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
