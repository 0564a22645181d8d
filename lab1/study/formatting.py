"""Numbers and tables as the report writes them, in prose and tables alike.

Tables are plain Markdown pipe tables; how wide each column is set in the PDF is the
report build's business (report/build_tables.py), not the notebooks'.
"""
import math

import numpy as np

from .terms import WORDS


def value_text(value):
    """A swept value as table text: 0.1 -> '0.1', 1.0 -> '1', None (batch size) -> 'full'."""
    if value is None:
        return "full"
    if isinstance(value, (float, np.floating)):
        return f"{value:g}"
    return str(value)


def sci(value, digits=1):
    """A number in LaTeX maths for Markdown prose: 3.2e-10 -> '$3.2 \\times 10^{-10}$'.

    digits + 1 significant digits; numbers from 0.01 to 9999 are written out
    (0.0134 -> '$0.013$' with digits=1, '$0.0134$' with digits=2).
    """
    value = float(value)
    if value == 0 or not math.isfinite(value):
        return f"${value:g}$"
    exponent = math.floor(math.log10(abs(value)))
    mantissa = value / 10 ** exponent
    if round(mantissa, digits) >= 10:
        mantissa, exponent = mantissa / 10, exponent + 1
    if -2 <= exponent <= 3:
        return f"${value:.{max(digits - exponent, 0)}f}$"
    return f"${mantissa:.{digits}f} \\times 10^{{{exponent}}}$"


def loss_text(value):
    """A loss value as the report writes it, in tables and prose alike: three significant
    digits, values below 0.1 in scientific notation (0.245 -> '$0.245$', 0.0134 ->
    '$1.34 \\times 10^{-2}$'); 'n/a' for None, nan or inf."""
    if value is None or not math.isfinite(float(value)):
        return "n/a"
    value = float(f"{float(value):.3g}")          # rounded first: 0.09999 counts as 0.100
    if value == 0:
        return "$0$"
    if 0.1 <= abs(value) < 1000:
        return sci(value, 2)
    exponent = math.floor(math.log10(abs(value)))
    return f"${value / 10 ** exponent:.2f} \\times 10^{{{exponent}}}$"


def count(value):
    """A whole number as the report writes counts in prose and tables: 1185 -> '1,185'.

    (Epoch numbers in training logs stay raw, as the TA's format prints them.)
    """
    return f"{int(round(float(value))):,}"


def percent(value, digits=1):
    """A fraction as the report writes percentages: 0.996 -> '99.6%', 1 -> '100.0%'."""
    if value is None or not math.isfinite(float(value)):
        return "n/a"
    return f"{100 * float(value):.{digits}f}%"


def mean_std(mean, std, percent=True, digits=1):
    """'99.5 ± 1.0%' (percent) or '0.0123 ± 0.0040'; just '100.0%' when std rounds to 0."""
    if mean is None:
        return "n/a"
    if percent:
        if round(100 * std, digits) == 0:
            return f"{100 * mean:.{digits}f}%"
        return f"{100 * mean:.{digits}f} ± {100 * std:.{digits}f}%"
    return f"{mean:.3g} ± {std:.2g}"



def markdown_table(headers, rows, align=None):
    """A pipe table: headers [str], rows [[cell, ...]]; align a string of 'l', 'r', 'c' per column
    (default: the first column left, the others right)."""
    align = align or "l" + "r" * (len(headers) - 1)
    if len(align) != len(headers) or any(len(row) != len(headers) for row in rows):
        raise ValueError("markdown_table: every row and align need one entry per header")
    rule = [{"l": ":---", "r": "---:", "c": ":---:"}[a] for a in align]
    lines = ["| " + " | ".join(map(str, headers)) + " |", "|" + "|".join(rule) + "|"]
    lines += ["| " + " | ".join(map(str, row)) + " |" for row in rows]
    return "\n".join(lines)



def prediction_columns(truth, predicted, columns=2, gap="   "):
    """The TA's test lines 'Iter i | Ground truth: y | prediction: p', numbered from 0,
    in side-by-side columns (Iter 0.. down the first, the rest down the next).
    truth, predicted: (N,) labels and outputs."""
    width = len(str(len(truth) - 1))
    lines = [f"Iter {i:{width}d} | Ground truth: {t} | prediction: {p:.4f}"
             for i, (t, p) in enumerate(zip(truth, predicted))]
    rows = -(-len(lines) // columns)
    return "\n".join(gap.join(lines[r + c * rows] for c in range(columns) if r + c * rows < len(lines))
                     for r in range(rows))


def training_words(setting, lr=True):
    """The setting's training in words: 'mean squared error, full-batch gradient descent with
    learning rate 1' (momentum and other optimizers named); lr=False leaves the learning rate
    out (for a study that varies it)."""
    loss = WORDS[setting.loss]
    if setting.optimizer == "sgd":
        rule = "full-batch gradient descent" + (f" with momentum {setting.momentum:g}" if setting.momentum else "")
    else:
        rule = {"momentum": "full-batch gradient descent with momentum 0.9", "adagrad": "full-batch Adagrad",
                "rmsprop": "full-batch RMSprop", "adam": "full-batch Adam"}[setting.optimizer]
    if not lr:
        return f"{loss}, {rule}"
    joiner = " and" if " with " in rule else " with"
    return f"{loss}, {rule}{joiner} learning rate {setting.lr:g}"


def network_words(setting):
    """'layers 2 → 4 → 4 → 1 with sigmoid activations' (the output unit is named when it is
    not the lab's sigmoid)."""
    hidden = "no hidden activation" if setting.activation == "identity" else f"{WORDS[setting.activation]} activations"
    output = "" if setting.output == "sigmoid" else " and no output activation"   # the lab's output: sigmoid
    return f"layers {setting.layers_text} with {hidden}{output}"
