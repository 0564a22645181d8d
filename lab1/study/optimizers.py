"""The optimizer comparison of the Extra section (notebooks/06_optimizers.ipynb).

Every optimizer trains the reference network with its own learning rate, the best of
its grid (comparisons.choose_lr); the discussion is computed from the chosen runs.
"""
import inspect

import numpy as np

from .. import nn, optim
from .claims_extra import lowest_final_loss
from .claims_general import spread_order
from .formatting import count
from .wording import noun
from .comparisons import (TITLES, edge_sentence, flat_rule, lost_explanation,
                          lr_text, median_epochs, oscillation_sentence, ranking_sentences)

OPTIMIZERS = ("sgd", "momentum", "adagrad", "rmsprop", "adam")
OPTIMIZER_NAMES = {"sgd": "SGD", "momentum": "SGD + momentum", "adagrad": "Adagrad",
                   "rmsprop": "RMSprop", "adam": "Adam"}
# learning-rate grids, steps of about sqrt(10), placed around each rule's useful range
OPTIMIZER_LRS = {      # each grid brackets the rate chosen at the defaults; SGD's holds momentum's rate x 10
    "sgd": (1.0, 3.0, 10.0, 30.0, 100.0, 300.0),
    "momentum": (0.1, 0.3, 1.0, 3.0, 10.0, 30.0),
    "adagrad": (0.03, 0.1, 0.3, 1.0, 3.0),
    "rmsprop": (0.003, 0.01, 0.03, 0.1, 0.3),
    "adam": (0.01, 0.03, 0.1, 0.3, 1.0),
}
ADAPTIVE = ("adagrad", "rmsprop")


def latex_number(value):
    """1e-08 -> 10^{-8}, 0.5 -> 0.5 (for inline maths)."""
    mantissa, exponent = f"{value:.0e}".split("e")
    if float(value) == 10.0 ** int(exponent):
        return f"10^{{{int(exponent)}}}"
    return f"{value:g}"


def _default(cls, name):
    return inspect.signature(cls.__init__).parameters[name].default


def hyperparameters():
    """{"mu", "rms_alpha", "rms_eps", "ada_eps", "b1", "b2", "adam_eps"}: the library's defaults."""
    b1, b2 = _default(optim.Adam, "betas")
    return dict(mu=optim.make("momentum", [nn.Parameter(np.zeros(1))], 0.1).momentum,
                rms_alpha=_default(optim.RMSprop, "alpha"), rms_eps=_default(optim.RMSprop, "eps"),
                ada_eps=_default(optim.Adagrad, "eps"), b1=b1, b2=b2, adam_eps=_default(optim.Adam, "eps"))


def update_rules():
    """The five update rules in LaTeX, with the library's hyper-parameters."""
    p = hyperparameters()
    return rf"""
$$
\begin{{aligned}}
\text{{SGD:}}\quad & \theta_t = \theta_{{t-1}} - \eta\, g_t \\
\text{{SGD + momentum }}(\mu = {p['mu']:g})\text{{:}}\quad & v_t = \mu\, v_{{t-1}} + g_t \ (v_1 = g_1), \qquad \theta_t = \theta_{{t-1}} - \eta\, v_t \\
\text{{Adagrad:}}\quad & s_t = s_{{t-1}} + g_t^2, \qquad \theta_t = \theta_{{t-1}} - \eta\, \frac{{g_t}}{{\sqrt{{s_t}} + \epsilon}} \\
\text{{RMSprop }}(\alpha = {p['rms_alpha']:g})\text{{:}}\quad & s_t = \alpha\, s_{{t-1}} + (1 - \alpha)\, g_t^2, \qquad \theta_t = \theta_{{t-1}} - \eta\, \frac{{g_t}}{{\sqrt{{s_t}} + \epsilon}} \\
\text{{Adam }}(\beta_1 = {p['b1']:g},\ \beta_2 = {p['b2']:g})\text{{:}}\quad & m_t = \beta_1 m_{{t-1}} + (1 - \beta_1)\, g_t, \qquad v_t = \beta_2 v_{{t-1}} + (1 - \beta_2)\, g_t^2, \\
& \theta_t = \theta_{{t-1}} - \eta\, \frac{{\hat m_t}}{{\sqrt{{\hat v_t}} + \epsilon}}, \qquad \hat m_t = \frac{{m_t}}{{1 - \beta_1^t}}, \quad \hat v_t = \frac{{v_t}}{{1 - \beta_2^t}}
\end{{aligned}}
$$

Here $\epsilon$ is ${latex_number(p['ada_eps'])}$ (Adagrad) and ${latex_number(p['rms_eps'])}$ (RMSprop, Adam). Products,
squares and divisions are elementwise. Adagrad divides each coordinate's step by the root of all its past
squared gradients, RMSprop by a moving average of the recent ones, so their steps have a size set by
$\eta$ rather than by $|g|$; Adam does the same with a momentum-averaged gradient on top.
"""


def discussion(runs, data, epochs):
    """The optimizer discussion (Markdown) from runs {(data set, optimizer): comparisons.tuned()}."""
    names = OPTIMIZER_NAMES
    lines = [ranking_sentences(runs, OPTIMIZERS, names, data, d, "optimizers") for d in data]
    sgd_lr = {d: runs[d, "sgd"]["lr"] for d in data}
    summ = {(d, o): runs[d, o]["summary"] for d in data for o in OPTIMIZERS}
    quick_but_unreliable = [(d, o) for d in data for o in ADAPTIVE
                            if median_epochs(summ[d, o]) is not None and median_epochs(summ[d, "sgd"]) is not None
                            and spread_order(summ[d, o]["epochs_to_perfect"], summ[d, "sgd"]["epochs_to_perfect"],
                                             higher_is_better=False) > 0
                            and summ[d, o]["reached"] < summ[d, o]["models"]]
    adaptive_text = ""
    if quick_but_unreliable:
        listed = ", ".join(f"{names[o]} on {TITLES[d]} (median {noun(median_epochs(summ[d, o]), 'epoch')} "
                           f"against SGD's {count(median_epochs(summ[d, 'sgd']))}, in {summ[d, o]['reached']}/"
                           f"{summ[d, o]['models']} runs)" for d, o in quick_but_unreliable)
        adaptive_text = (f"The adaptive rules reach 100% sooner than SGD (by more than the seed spread) in the runs "
                         f"that get there, though not in "
                         f"every run: {listed}. Dividing each coordinate's step by its gradient size gives full-size "
                         "steps on the flat plateaus of the sigmoid network, where SGD's steps are tiny. ")
    lowest_loss_text = lowest_final_loss({d: {names[o]: summ[d, o]["final_loss_mean"] for o in OPTIMIZERS}
                                          for d in data}, "optimizer", TITLES) or ""
    sgd_chosen = ", ".join(f"{lr_text(sgd_lr[d])} on {TITLES[d]}" for d in data)
    if min(sgd_lr.values()) >= 3:
        sgd_text = (f"Plain SGD needs a large learning rate on this network (chosen: {sgd_chosen}): the sigmoid "
                    "derivative is at most 1/4 and the MSE gradient shrinks with the error, so raw gradients are small.")
    else:
        sgd_text = f"Plain SGD's chosen learning rates: {sgd_chosen}."
    mu = hyperparameters()["mu"]
    momentum_text = "Momentum (compared with plain SGD at equal step in the findings): "
    return f"""
**Details.** {" ".join(lines)}

{sgd_text}
{momentum_text}the
velocity adds up steps that point the same way, up to $1/(1-\\mu) = {1 / (1 - mu):g}$ times one step along a steady
gradient, and averages out steps that alternate. {adaptive_text}Adagrad's sum of squares only grows, so its steps
shrink as training goes on; RMSprop and Adam forget old gradients. {lowest_loss_text}
{lost_explanation(runs, OPTIMIZERS)}{flat_rule(epochs) if "never reached" in " ".join(lines) else ""}
{oscillation_sentence(runs, OPTIMIZERS, names, data)}
{edge_sentence(runs, OPTIMIZERS, OPTIMIZER_LRS, names, data)}
"""
