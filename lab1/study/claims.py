"""Finding sentences with their conditions: each claim states only what the numbers show.

A claim is a function of results -- plain numbers, per-seed arrays, or ``Finals`` (the
per-seed finals of one setting, lab1/study/finals.py) -- that returns its sentence when its condition holds,
the sentence that is true instead, or None when there is nothing to say. Notebooks call
claims; they never assemble a finding from an f-string, so a changed parameter cannot
make the prose false. Every claim is unit-tested on hand-made results (tests/test_claims.py).

Conventions, shared by every claim:
- Numbers go through one style: percentages ``percent`` (99.6%), counts ``count`` (1,185),
  mean ± population standard deviation over seeds ``mean_std`` (the ± is defined once,
  in Section 2).
- Two numbers *tie* when they read the same as the report prints them (``ties``): a
  ranking never puts 100.0% above 100.0%.
- Grammar follows the numbers: ``noun(1, "seed")`` is "1 seed", ``verb(2, "reach")`` "reach".
- A data set is named only when it was run: cross-data-set claims take {name: ...} dicts.

The claims live in modules by theme; this module gathers them, so a notebook or a test calls
``claims.X`` whichever module X is written in:

    claims_general.py        reach, rankings, trends, divergence, comparisons beyond the seed
                             spread, across data sets, orders (any section)
    claims_no_activation.py  Sections 4.C and 4.D: lines and rates, initializers and losses at
                             their own rate, divergence per variant, the collapse to one map
    claims_extra.py          Section 5 (Extra): variants at their own rate, the digits models

(claims_sections.py holds the claims of Sections 2 and 4, claims_results.py those of Sections
1-3; wording.py the grammar and the tie rule they all share.)
"""
from .claims_extra import (beats, blew_up, confusions, dead_units, equal_step, fastest_variant, fastest_verdict,
                           fit_and_gaps, gradients_agree, loss_change, lowest_final_loss, on_each,
                           reach_by_variant, width_rule)
from .claims_general import (compare, direction, divergence, faster, no_gain, ranking, reach, reach_for,
                             reach_phrase, same_order, spread_order, spread_text, trend, works_on_each)
from .claims_no_activation import (beats_linear, bend_lesson, collapses, linear_bound, most_accurate, own_rate,
                                   same_lines, same_path, scale_order, seed_decides, variant_divergence)
from .formatting import count, loss_text, mean_std, percent, sci
from .wording import (DATASET_NAMES, capital, every, listing, noun, on_datasets, ties, value_text,
                      values_text, verb)

__all__ = [
    "compare", "direction", "divergence", "faster", "no_gain", "ranking", "reach", "reach_for", "reach_phrase",
    "same_order", "spread_order", "spread_text", "trend", "works_on_each",
    "beats_linear", "bend_lesson", "collapses", "linear_bound", "most_accurate", "own_rate", "same_lines",
    "same_path", "scale_order", "seed_decides", "variant_divergence",
    "beats", "blew_up", "confusions", "dead_units", "equal_step", "fastest_variant", "fastest_verdict",
    "fit_and_gaps", "gradients_agree", "loss_change", "lowest_final_loss", "on_each", "reach_by_variant",
    "width_rule",
    # the numbers and grammar the claims use, for notebooks that word a sentence around one
    "count", "loss_text", "mean_std", "percent", "sci",
    "DATASET_NAMES", "capital", "every", "listing", "noun", "on_datasets", "ties", "value_text", "values_text",
    "verb",
]
