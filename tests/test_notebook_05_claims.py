"""Notebook 05 (4.C, 4.D and the closing) under parameters chosen to break its prose.

Each parameter set runs through papermill (quick settings, three at a time); every
finding the run prints is then checked against the numbers the same run recorded in its
results document (lab1.study.results), not against the notebook's own variables:
bounds, best and mean accuracies, divergence counts, which seeds end alike, which
initializers and losses bring every seed to 100%, the tables' columns, and that every
figure or table a sentence cites is shown.
"""
import re
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat
import numpy as np
import pytest

from lab1.study import analysis, config, sweeps
from lab1.study import claims as c
from lab1.study.finals import Finals
from lab1.study.formatting import network_words, percent, value_text
from lab1.study.notebook import TITLES
from lab1.study.results import read_notebook
from lab1.study.wording import on_datasets

papermill = pytest.importorskip("papermill")
NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "05_no_activation.ipynb"

CASES = {
    "defaults": {},
    "epochs-50": dict(epochs=50, share=["loss"]),
    "linear-only": dict(dataset="linear", share=[]),
    "one-seed": dict(dataset="xor", seeds=1, share=["init"], inits=["uniform", "normal"], share_lrs=[10.0]),
    "huge-lrs": dict(dataset="xor", lrs=[1e4, 1e6], share=[]),
    "tiny-lrs": dict(lrs=[1e-7, 1e-6], share=[]),
    "identity-reference": dict(activation="identity", dataset="xor", share=[]),
    "hidden-1": dict(hidden=1, share=[]),
    "one-rate": dict(lrs=[0.5], dataset="xor", share=[]),
    "huge-reference-lr": dict(lr=1000.0, dataset="xor", share=["init"], inits=["normal", "xavier_normal"],
                              share_lrs=[0.1]),
    "share-linear": dict(dataset="xor", share=["init", "loss"], share_dataset="linear", inits=["he_normal"],
                         share_lrs=[10.0]),
    "identity-output": dict(output="identity", dataset="xor", share=["loss"], share_lrs=[3.0]),
    "tanh-8-4": dict(activation="tanh", hidden=[8, 4], dataset="linear", share=[]),
    # a reviewer's runs (/tmp/prose_review 05a-05d), at quick settings
    "one-seed-one-rate": dict(epochs=20, seeds=1, lrs=[0.001], share=["loss"], share_lrs=[3.0]),
    "huge-rates": dict(lr=100.0, lrs=[100.0, 1000.0], share_lrs=[100.0, 1000.0], share=["init"],
                       inits=["normal", "xavier_normal"]),
    "linear-loss-only": dict(dataset="linear", share_dataset="linear", share=["loss"], hidden=[1]),
    "identity-one-rate-grid": dict(activation="identity", seeds=2, inits=["normal"], share=["init"],
                                   share_lrs=[1.0], lrs=[1.0]),
}


def _run(name, folder):
    out = Path(folder) / f"{name}.ipynb"
    papermill.execute_notebook(str(NOTEBOOK), str(out), parameters=dict(CASES[name], quick=True),
                               kernel_name="python3", cwd=str(NOTEBOOK.parent), progress_bar=False)
    return str(out)


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("notebook05")
    with ProcessPoolExecutor(max_workers=3) as pool:
        futures = {name: pool.submit(_run, name, folder) for name in CASES}
        return {name: future.result() for name, future in futures.items()}


# --------------------------------------------------------------------------- reading a run

def outputs(path):
    """(prose: every Markdown the run displayed, captions: {label: caption metadata})."""
    nb = nbformat.read(path, as_version=4)
    prose, captions = [], {}
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            prose.append(cell.source)
        for out in cell.get("outputs", []):
            if "text/markdown" in out.get("data", {}):
                prose.append(out["data"]["text/markdown"])
            caption = out.get("metadata", {}).get("lab1_caption")
            if caption:
                captions[caption["label"]] = caption
    return "\n".join(prose), captions


def table_rows(caption):
    """The rows of a captioned pipe table as lists of cells (header first)."""
    lines = [line for line in caption["table"].splitlines() if line.startswith("|") and "---" not in line]
    return [[cell.strip() for cell in line.strip("|").split("|")] for line in lines]


def shown(sentence, text):
    """Whether a claim's sentence is in the text, whatever citation cite() added at its end
    (before the full stop, or inside a closing parenthesis)."""
    body = sentence[:-1] if sentence.endswith(".") else sentence
    return (body[:-1] if body.endswith(")") else body) in text


def runs_of(doc, study, dataset, **setting):
    return [r for r in doc["runs"] if r["study"] == study and r["dataset"] == dataset
            and all(r["setting"].get(k) == v for k, v in setting.items())]


def accuracies(runs):
    return np.array([np.nan if r["train_accuracy"] is None or r["diverged"] else r["train_accuracy"]
                     for r in runs], dtype=float)


def setting_of(doc):
    keys = config.setting().as_dict()
    return config.setting(**{k: v for k, v in doc["parameters"].items() if k in keys})


# --------------------------------------------------------------------------- the checks

@pytest.mark.parametrize("case", list(CASES))
def test_every_claim_agrees_with_the_recorded_numbers(case, executed):
    text, captions = outputs(executed[case])
    doc = read_notebook(executed[case])
    p = doc["parameters"]
    S = setting_of(doc)
    datasets = ["xor", "linear"] if p["dataset"] == "both" else [p["dataset"]]

    # nothing cited that is not shown, no nan or None in a sentence, the setting as it is
    for label in re.findall(r"@((?:fig|tbl):[A-Za-z0-9_.-]*[A-Za-z0-9_])", text):
        assert label in captions, f"{case}: cites {label}, which the run does not show"
    sentences = [line for line in text.splitlines() if not line.startswith("|")]
    assert not [s for s in sentences if re.search(r"\bnan\b(?! or inf)|\bNone\b(?! of)|n/a%", s)], case
    assert network_words(S) in text
    if "xor" not in datasets:
        assert "XOR" not in text.split("## Anything you want to share")[0], f"{case}: XOR not run"

    for name in datasets:
        d = sweeps.load_dataset(name, seed=S.data_seed)
        bound = analysis.best_linear_accuracy(d.x, d.y)
        by_variant = {f"*{v}*": accuracies(runs_of(doc, "no activation", name, variant=v))
                      for v in ("identity hidden", "no activation")}
        linear = np.concatenate(list(by_variant.values()))
        points = "XOR points" if name == "xor" else "linear points"
        sentence = c.linear_bound(bound, by_variant, points=points)
        assert shown(sentence, text), f"{case}: {sentence}"
        if np.isfinite(linear).any():               # a variant every run of which diverged is not named
            for variant, acc in by_variant.items():
                assert (variant in sentence) == bool(np.isfinite(acc).any()), (case, variant)
        if np.isfinite(linear).any():
            assert f"{percent(np.nanmax(linear))}" in sentence
            assert np.nanmax(linear) <= bound + 1e-12           # a linear classifier never beats the best line
            assert f"the {int(np.isfinite(linear).sum())} " in sentence or np.isfinite(linear).sum() == 1, case

    first = datasets[0]
    d = sweeps.load_dataset(first, seed=S.data_seed)
    beats = c.beats_linear(f"reference networks on {TITLES[first]}", accuracies(runs_of(doc, "reference", first)),
                           "*identity hidden* networks at every rate",
                           accuracies(runs_of(doc, "no activation", first, variant="identity hidden")),
                           analysis.best_linear_accuracy(d.x, d.y), p["seeds_run"])
    if beats is not None:
        assert shown(beats, text), f"{case}: {beats}"
    if p["seeds_run"] == 1:                               # one seed: no seed spread to be beyond or within
        assert "by more than the seed spread" not in text and "within the seed spread" not in text, case

    _check_prose(case, text, doc, p, datasets)

    plain = [r for name in datasets for r in runs_of(doc, "no activation", name, variant="no activation")]
    diverged = {lr: (sum(r["diverged"] for r in plain if r["setting"]["lr"] == lr),
                     sum(r["setting"]["lr"] == lr for r in plain)) for lr in p["lrs"]}
    expected = c.variant_divergence(f"*no activation* {on_datasets(datasets)}", diverged, "lr")
    assert shown(expected, text), f"{case}: {expected}"
    assert sum(k for k, _ in diverged.values()) == sum(r["diverged"] for r in plain)

    if "xor" in datasets:
        _check_lines(case, text, captions, doc, p)
    if "init" in p["share"]:
        _check_tuned(case, text, captions["tbl:init"], doc, p, "init", S)
    if "loss" in p["share"]:
        _check_tuned(case, text, captions["tbl:loss"], doc, p, "loss", S)


def _check_prose(case, text, doc, p, datasets):
    """The sentences around the findings, under the run's parameters: plurals, the choices
    that ran, a grid of one rate, the network drawn and the closing lesson."""
    several = len(p["lrs"]) > 1
    assert ("at the learning rates " in text) == several, case
    assert ("the findings below say whether the rate changes them" in text) == (several and "xor" in datasets), case
    share = p["share"]
    if share:
        assert ("Two choices of the setup" in text) == (len(share) == 2), case
        assert ("One choice of the setup" in text) == (len(share) == 1), case
    assert "as the initializers are compared" not in text, case
    if "init" in share:
        assert ("(the initializers differ in both)" in text) == (len(p["inits"]) > 1), case
    grid = sorted(set(p["share_lrs"]))
    if share and len(grid) == 1:
        assert "every rate of the grid" not in text and "its own rate:" not in text, case
        assert "largest rate of its grid" not in text and "smallest rate of its grid" not in text, case
        assert "gives every initializer" not in text and "gives every loss" not in text, case
    if "loss" in share:                     # a mean ± std is not in the table of medians: the figure is cited
        for line in text.splitlines():
            if "first epoch at 100% is" in line or "on mean first epoch" in line:
                assert "mean first epoch at 100%" in line and "@fig:loss" in line and "@tbl:loss" not in line, case

    # the XOR clause of the closing lesson only when a reference network of this run separates XOR
    ref_xor = accuracies(runs_of(doc, "reference", "xor")) if "xor" in datasets else np.array([])
    lesson = next(line for line in text.splitlines() if line.startswith("- The hidden activations are"))
    assert ("on XOR" in lesson) == bool(np.any(ref_xor == 1.0)), case

    if "xor" in datasets:                   # the network drawn: ties said as ties
        hidden = accuracies(runs_of(doc, "no activation", "xor", variant="identity hidden"))
        hidden = hidden[np.isfinite(hidden)]
        if hidden.size:
            tied = int(np.sum([percent(a) == percent(hidden.max()) for a in hidden]))
            if tied > 1:
                assert f"One of the {tied} most accurate *identity hidden* networks on XOR ({tied} tie at " \
                       f"{percent(hidden.max())}" in text, case
            else:
                assert "The most accurate *identity hidden* network on XOR" in text, case
        checked = re.search(r"collapses to \$W = \((-?[0-9.]+), (-?[0-9.]+)\)\^\\top\$[^\n]*", text)
        if checked and float(checked.group(1)) == 0 and float(checked.group(2)) == 0:
            assert "straight line" not in checked.group(0) and "draws no line" in checked.group(0), case
            assert "One line, checked" not in text, case


def _check_lines(case, text, captions, doc, p):
    """The lines table and the same-lines sentence against each seed's recorded accuracies."""
    hidden = runs_of(doc, "no activation", "xor", variant="identity hidden")
    by_seed = {}
    for r in hidden:
        by_seed.setdefault(r["seed"], {})[r["setting"]["lr"]] = (
            None if r["diverged"] else r["train_accuracy"])
    listed = []
    for seeds, rates, _, acc in table_rows(captions["tbl:noact-lines"])[1:]:
        for seed in seeds.split(", "):
            for rate in rates.split(", "):
                recorded = by_seed[int(seed)][float(rate)]
                assert (acc == "n/a") if recorded is None else acc == percent(recorded), (case, seed, rate)
                listed.append((int(seed), float(rate)))
    assert sorted(listed) == sorted((seed, rate) for seed, by_rate in by_seed.items() for rate in by_rate), case
    same = re.search(r"(Each of the \d+ seeds ends|Both seeds end|The only seed ends) with the same labels", text)
    if same:                                  # the same labels give the same accuracy at every rate
        for seed, by_rate in by_seed.items():
            assert len({percent(a) for a in by_rate.values()}) == 1, (case, seed)
    stable = re.search(r"(\d+) of the (\d+) seeds? ends? with the same labels", text)
    if stable:
        alike = sum(len({percent(a) for a in by_rate.values()}) == 1 for by_rate in by_seed.values())
        assert int(stable.group(1)) <= alike, case
    if len(p["lrs"]) < 2:
        assert "same labels at every learning rate" not in text, case
    if "reach the same ends" in text:       # each seed ends at one accuracy at every rate it did not diverge at
        for seed, by_rate in by_seed.items():
            assert len({percent(a) for a in by_rate.values() if a is not None}) == 1, (case, seed)


def _check_tuned(case, text, caption, doc, p, study, S):
    """Tuned-rate tables and findings (4.D) recomputed from the recorded runs."""
    rows = table_rows(caption)
    header = rows[0]
    own_col, ref_col = header.index("own lr"), header.index(f"at 100%, lr {value_text(S.lr)}")
    values = p["inits"] if study == "init" else ["mse", "bce"]
    at_ref, at_own, chosen = {}, {}, {}
    for value, row in zip(values, rows[1:]):
        chosen[value] = float(row[own_col])
        at_ref[value] = Finals.of_runs(runs_of(doc, study, p["share_dataset"], **{study: value, "lr": S.lr}))
        at_own[value] = Finals.of_runs(runs_of(doc, study, p["share_dataset"], **{study: value, "lr": chosen[value]}))
        assert row[ref_col] == f"{at_ref[value].reached}/{at_ref[value].seeds}", (case, value)
        assert chosen[value] in [float(v) for v in p["share_lrs"]], (case, value)
    if study == "init":
        names = {i: f"`{i}`" for i in values}
        expected = [c.own_rate(at_ref, at_own, chosen, S.lr, names=names),
                    c.ranking({names[i]: at_own[i].median_first() for i in values},
                              "median first epoch at 100% at each initializer's own rate", fmt=c.count,
                              higher_is_better=False,
                              seeds={names[i]: np.where(at_own[i].first_perfect > 0, at_own[i].first_perfect, np.nan)
                                     for i in values})]
    else:
        expected = [c.faster(f"MSE at lr {value_text(S.lr)}", at_ref["mse"], f"BCE at lr {value_text(S.lr)}",
                             at_ref["bce"])]
        own = c.faster(f"MSE at its own lr {value_text(chosen['mse'])}", at_own["mse"],
                       f"BCE at its own lr {value_text(chosen['bce'])}", at_own["bce"])
        if chosen["mse"] == chosen["bce"] == S.lr:       # the same runs: said once
            assert not shown(own, text), case
        else:
            expected.append(own)
    for sentence in expected:
        if sentence is not None:
            assert shown(sentence, text), f"{case}: {sentence}"
