"""The report's experiments, on top of the core library (nothing in the core imports this).

One module per concern, each small enough to read at once:

    setting.py      THE reference setting (the one place a student edits it)
    config.py       parameter checks; setting(**overrides): the reference merged with overrides
    notebook.py     setup() for every report notebook: checks, setting, show(), results
    sweeps.py       data sets, stacked training, sweeps over one option (many seeds per fit)
    summaries.py    statistics over the seeds and the summary table
    formatting.py   numbers and pipe tables as the report writes them
    terms.py        thresholds behind words such as "oscillates", "saturated", "flat"
    claims.py       finding sentences with their conditions, gathered from claims_general.py
                    (reach, rankings, trends, divergence, comparisons beyond the seed spread),
                    claims_no_activation.py (Sections 4.C-4.D) and claims_extra.py (Section 5);
                    claims_sections.py: Sections 2 and 4; claims_results.py: Sections 1-3;
                    wording.py: grammar from the numbers, the tie rule; finals.py: the per-seed
                    results they read
    analysis.py     best straight line, collapse of a linear network, saturation, dead units
    listings.py     source listings, architecture tables, initializer formulas
    comparisons.py  variants at their own best learning rate (Extra: optimizers, activations)
    optimizers.py, activations.py, convolution.py, digits.py   the Extra section's studies
    figures.py      the studies' figures (sweeps, learning-rate selection, digits), in lab1.plots' style
    results.py      results as data (JSON schema), written by every notebook
    preview.py      the Introduction's preview of Sections 4 and 5, from the results documents
                    (the report build makes it: report/build_preview.py)
    batch.py        python -m lab1 batch / collect: grids of papermill runs, results.csv

The names notebooks use most are importable from the package itself
(``from lab1 import study``; ``study.sweep(...)``, ``study.percent(...)``).
"""
from .analysis import best_linear_accuracy, collapse_linear, inactive_units, sigmoid_saturation
from .config import (DATASETS, Setting, check_bool, check_choice, check_float, check_int, check_list,
                     check_parameter_names, datasets_for, setting)
from .formatting import count, loss_text, markdown_table, mean_std, percent, sci, value_text
from .listings import architecture_rows, architecture_table, init_formula, listings_markdown, source_listing
from .summaries import summarize, summary_table
from .sweeps import Dataset, Sweep, build, load_dataset, seeds, sweep, train

__all__ = [
    "best_linear_accuracy", "collapse_linear", "inactive_units", "sigmoid_saturation",
    "DATASETS", "Setting", "check_bool", "check_choice", "check_float", "check_int", "check_list",
    "check_parameter_names", "datasets_for", "setting",
    "count", "loss_text", "markdown_table", "mean_std", "percent", "sci", "value_text",
    "architecture_rows", "architecture_table", "init_formula", "listings_markdown", "source_listing",
    "summarize", "summary_table", "Dataset", "Sweep", "build", "load_dataset", "seeds",
    "sweep", "train",
]
