"""Numbered, captioned figures and tables and references to them, for the notebooks.

In Jupyter each caption shows a number counted within the running notebook and its
label; ``make report`` renumbers every figure and table across the whole report and
replaces each reference by its number (report/build_captions.py). The caption's kind, label
and text travel in the output's metadata (``lab1_caption``), so the build never parses
the Jupyter text.

    figure(figures.dots_by_value(...), "Epochs to 100% against the learning rate.", "fig:lr-summary")
    table(markdown_table, "Final accuracy per learning rate.", "tbl:lr")
    Markdown(f"... as {ref('fig:lr-summary')} shows")   # "Figure @fig:lr-summary"

Markdown cells refer the same way: ``Figure @fig:lr-summary``, ``Table @tbl:lr``,
``Appendix @app:logs`` (an appendix heading ``## Training logs {#app:logs}``) and
``@ref:key`` for an entry of the reference list (a cell tagged ``references`` with
lines ``- <a id="ref:key"></a>Author, title, year.``).
"""
import re

from .. import plots

KINDS = {"fig": "Figure", "tbl": "Table"}
LABEL_RE = re.compile(r"^(fig|tbl):[A-Za-z0-9_.-]*[A-Za-z0-9_]$")
_numbers = {}        # label -> number within this kernel, so re-running a cell keeps it


def _number(label, caption):
    if not LABEL_RE.match(str(label)):
        raise ValueError(f"label must look like 'fig:name' or 'tbl:name' (letters, digits, _ . -), "
                         f"got {label!r}")
    if not isinstance(caption, str) or not caption.strip():
        raise ValueError(f"caption must be a non-empty string, got {caption!r}")
    kind = label.split(":")[0]
    if label not in _numbers:
        _numbers[label] = 1 + sum(other.startswith(kind + ":") for other in _numbers)
    return KINDS[kind], _numbers[label]


def caption_markdown(label, caption):
    """The caption as Jupyter shows it: '**Figure 2.** caption *(fig:name)*', with an anchor
    so that links to #fig:name land on it."""
    name, number = _number(label, caption)
    return f'<a id="{label}"></a>**{name} {number}.** {caption.strip()} *({label})*'


def figure(fig, caption, label, path=None, show=None):
    """Show fig followed by its numbered caption. label: 'fig:name'. show: the function
    that displays the figure (default ``plots.show(fig, path)``; a notebook's own
    ``show(fig, name)`` that also saves it: ``show=lambda f: nb.show(f, "02_xor")``)."""
    if not str(label).startswith("fig:"):
        raise ValueError(f"figure: label must start with 'fig:', got {label!r}")
    caption_markdown(label, caption)                     # checks label and caption first
    if show is None:
        plots.show(fig, path)
    else:
        show(fig)
    figure_caption(label, caption)


def figure_caption(label, caption):
    """The numbered caption of the figure just shown (by any display function)."""
    text = caption_markdown(label, caption)
    from IPython.display import display

    display({"text/markdown": text}, raw=True,
            metadata={"lab1_caption": {"kind": "figure", "label": label, "caption": caption.strip()}})


def table(markdown, caption, label):
    """Show a Markdown pipe table under its numbered caption. label: 'tbl:name'.
    The report sets it as pandoc's ``Table: caption`` (a longtable caption, kept with the table)."""
    if not str(label).startswith("tbl:"):
        raise ValueError(f"table: label must start with 'tbl:', got {label!r}")
    if "|" not in str(markdown):
        raise ValueError("table: markdown must be a pipe table ('| a | b |' rows)")
    text = caption_markdown(label, caption)
    from IPython.display import display

    display({"text/markdown": f"{text}\n\n{markdown.strip()}\n"}, raw=True,
            metadata={"lab1_caption": {"kind": "table", "label": label, "caption": caption.strip(),
                                       "table": markdown.strip()}})


def ref(label):
    """'Figure @fig:name' / 'Table @tbl:name' / 'Appendix @app:name' for generated prose; the
    report build replaces @label by the number."""
    kind = str(label).split(":")[0]
    names = {**KINDS, "app": "Appendix"}
    if kind not in names:
        raise ValueError(f"ref: label must start with fig:, tbl: or app:, got {label!r}")
    return f"{names[kind]} @{label}"
