"""Notebook 02 under parameter sets chosen to break its prose: every finding it prints must
agree with the numbers of the same run (its results document, lab1/study/results.py).

Twelve runs through papermill, two at a time; short trainings, so about a minute in all.
"""
import concurrent.futures
import json
import re
from pathlib import Path

import pytest

papermill = pytest.importorskip("papermill")

REPO = Path(__file__).resolve().parent.parent
NOTEBOOK = REPO / "notebooks" / "02_results.ipynb"
SHORT = dict(robustness_seeds=3, uniform_epochs=0, log_every=100)

PARAMETER_SETS = {
    "defaults-quick": dict(quick=True),
    "hidden-1": dict(SHORT, hidden=1, lr=0.1, results_epochs=500),
    "xor-only": dict(SHORT, dataset="xor", results_epochs=300),
    "linear-only": dict(SHORT, dataset="linear", results_epochs=300, uniform_epochs=30),
    "identity": dict(SHORT, activation="identity", results_epochs=400),
    "relu": dict(SHORT, activation="relu", lr=0.1, results_epochs=600),
    "tanh-8-wide": dict(SHORT, activation="tanh", hidden=8, lr=0.5, results_epochs=1500),
    "huge-lr": dict(SHORT, lr=1000.0, results_epochs=200),
    "epochs-50": dict(SHORT, results_epochs=50),
    "succeeds": dict(SHORT, lr=10.0, results_epochs=2500),
    "seed-outside": dict(SHORT, seed=7, results_epochs=300),
    "bce-adam": dict(SHORT, loss="bce", optimizer="adam", lr=0.05, results_epochs=400),
}


def run(name, parameters, out_dir):
    out = Path(out_dir) / f"{name}.ipynb"
    papermill.execute_notebook(str(NOTEBOOK), str(out), parameters=parameters, kernel_name="python3",
                               cwd=str(NOTEBOOK.parent), progress_bar=False, log_output=False)
    return name, out


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    out_dir = tmp_path_factory.mktemp("prose")
    with concurrent.futures.ProcessPoolExecutor(2) as pool:
        futures = [pool.submit(run, name, p, out_dir) for name, p in PARAMETER_SETS.items()]
        return dict(f.result() for f in futures)


def texts(path):
    """(Markdown text, printed text) of an executed notebook's outputs and its results document."""
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    markdown, printed, document = [], [], None
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if "text/markdown" in data:
                markdown.append("".join(data["text/markdown"]))
            if out.get("output_type") == "stream":
                printed.append("".join(out["text"]))
            if "application/vnd.lab1.results+json" in data:
                document = data["application/vnd.lab1.results+json"]
    return " ".join(" ".join(markdown).split()), "".join(printed), document


def number(latex):
    """A number as the report writes it: '$0.267$' or '$9.40 \\times 10^{-5}$'."""
    match = re.fullmatch(r"\$(-?[\d.]+)(?: \\times 10\^\{(-?\d+)\})?\$", latex)
    assert match, latex
    return float(match.group(1)) * 10 ** int(match.group(2) or 0)


def percent(value):
    return f"{100 * value:.1f}%"


def paragraph(markdown, title):
    """The learning-curve findings of one data set: '**XOR** (Figure ...). ...' up to the caption."""
    match = re.search(rf"\*\*{title}\.\*\* (.*?)(?=<a id=|\*\*\w+\.\*\*|$)",
                      markdown)
    assert match, f"no findings paragraph for {title}"
    return match.group(1)


@pytest.mark.parametrize("name", list(PARAMETER_SETS))
def test_every_claim_agrees_with_the_numbers_of_its_run(executed, name):
    markdown, printed, document = texts(executed[name])
    assert document is not None, "the notebook published no results"
    runs = {r["dataset"]: r for r in document["runs"] if r["study"] == "results"}
    robust = [r for r in document["runs"] if r["study"] == "robustness"]
    titles = {"xor": "XOR", "linear": "Linear"}

    # numbers as the report writes them ($1.2 \\times 10^{-4}$), never Python's 1.2e-04
    assert not re.findall(r"\d[eE][-+]?\d", markdown)
    # data sets that were not run are never mentioned
    if "xor" not in runs:
        assert "XOR" not in markdown and "XOR" not in printed
    if "linear" not in runs:
        assert not re.search(r"\blinear\b", markdown, re.I), "the linear data is mentioned"

    for dataset, r in runs.items():
        findings = paragraph(markdown, titles[dataset])
        # first 100%: the epoch printed is the recorded one, or "never" when there is none
        first = r["first_perfect_epoch"]
        if first is None:
            assert "never reaches 100%" in findings
        else:
            assert f"first reaches 100% at epoch {first:,}" in findings
        assert percent(r["train_accuracy"]) in findings or (first is not None and r["train_accuracy"] == 1.0)
        # the loss falls only when the trained loss is below the initial one
        latex = r"(\$[^$]+\$)"
        falls = re.search(rf"The loss falls from {latex} at the initial weights to {latex}", findings)
        if falls:
            assert number(falls.group(2)) < number(falls.group(1))
            assert r["train_loss"] == pytest.approx(number(falls.group(2)), rel=0.01)
        stays = re.search(rf"does not fall: {latex} at the initial weights, {latex} after", findings)
        if stays:
            assert number(stays.group(2)) >= number(stays.group(1))
            assert r["train_loss"] == pytest.approx(number(stays.group(2)), rel=0.01)
        # the plateau of the constant output 0.5: squared error only, and only near its loss
        if "plateau" in findings:
            assert document["parameters"]["loss"] == "mse"
        if "does not leave this plateau" in findings:
            assert abs(r["train_loss"] - 0.25) <= 0.02
        # generalizes: only with validation >= 90% and within 5 points of training
        if "generalizes" in findings:
            assert r["val_accuracy"] >= 0.9 and r["train_accuracy"] - r["val_accuracy"] <= 0.05 + 1e-12
        if dataset == "linear" and r["val_accuracy"] is not None:
            assert percent(r["val_accuracy"]) in findings
        # the accuracy table and the printed test lines carry the recorded test accuracy
        assert f"{titles[dataset]:7s} test accuracy: {percent(r['test_accuracy'])}" in printed
        n = 21 if dataset == "xor" else 100
        wrong = round((1 - r["test_accuracy"]) * n)
        assert f"({wrong} of {n})" in printed
        if dataset == "linear":
            if "follows the diagonal" in markdown and "does not follow" not in markdown:
                assert r["test_accuracy"] >= 0.95
            if "does not follow the diagonal" in markdown:
                assert r["test_accuracy"] < 0.95
        if dataset == "xor":
            if "this one does" in markdown:
                assert r["test_accuracy"] == 1.0
            else:
                assert f"leaves {'all 21' if wrong == 21 else f'{wrong} of the 21'} XOR points" in markdown

    # the demo requirement sentence
    tests = {d: r["test_accuracy"] for d, r in runs.items()}
    if "Both are at or above the 90%" in markdown or "test accuracy is at or above" in markdown:
        assert all(a >= 0.9 for a in tests.values())
    if "Neither reaches the 90%" in markdown or "test accuracy is below" in markdown:
        assert all(a < 0.9 for a in tests.values())
    for dataset in tests:
        name_ = {"xor": "XOR", "linear": "linear"}[dataset]
        if f"The {name_} network is below the 90%" in markdown:
            assert tests[dataset] < 0.9
        if f"the {name_} one at or above it" in markdown:
            assert tests[dataset] >= 0.9

    # where the report's seed ranks among the robustness seeds
    seed = document["parameters"]["seed"]
    for dataset in runs:
        firsts = {r["seed"]: r["first_perfect_epoch"] for r in robust if r["dataset"] == dataset}
        if seed not in firsts:
            assert f"Seed {seed} is not among seeds" in markdown
            continue
        mine = firsts[seed]
        line = re.search(rf"{titles[dataset]}: seed {seed} ([^.]*\.)", markdown)
        assert line, f"no seed sentence for {dataset}"
        if mine is None:
            assert "never reaches 100%" in line.group(1)
        else:
            assert f"first reaches 100% at epoch {mine:,}" in line.group(1)
            reached = sorted(e for e in firsts.values() if e is not None)
            rank = 1 + sum(e < mine for e in reached)
            if len(reached) > 1 and len(set(reached)) > 1:
                ordinal = "the" if rank == 1 else rf"{rank}(st|nd|rd|th)"
                assert re.search(rf"{ordinal} fastest of the {len(reached)} seeds", line.group(1))
