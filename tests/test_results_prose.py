"""Notebook 02 under parameter sets chosen to break its prose: every finding it prints must
agree with the numbers of the same run (its results document, lab1/study/results.py).

Fourteen runs through papermill, two at a time; short trainings, so about a minute in all.
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
    "xor-only": dict(SHORT, dataset="xor", results_epochs=300, uniform_epochs=20),
    "linear-only": dict(SHORT, dataset="linear", results_epochs=300, uniform_epochs=30, robustness_seeds=1),
    "identity": dict(SHORT, activation="identity", results_epochs=400),
    "relu": dict(SHORT, activation="relu", lr=0.1, results_epochs=600),
    "tanh-8-wide": dict(SHORT, activation="tanh", hidden=8, lr=0.5, results_epochs=1500),
    "huge-lr": dict(SHORT, lr=1000.0, results_epochs=200),
    "epochs-50": dict(SHORT, results_epochs=50),
    "succeeds": dict(SHORT, lr=10.0, results_epochs=2500),
    "seed-outside": dict(SHORT, seed=7, results_epochs=300),
    "bce-adam": dict(SHORT, loss="bce", optimizer="adam", lr=0.05, results_epochs=400),
    # the loss barely moves: equal printed losses, outputs far from 0.5, nothing logged by log_every
    "tiny-lr": dict(SHORT, lr=0.001, results_epochs=50, uniform_epochs=20),
    # every network diverges within a few epochs: no accuracy, no boundary
    "diverges": dict(SHORT, activation="identity", output="identity", lr=5.0, results_epochs=200,
                     uniform_epochs=20),
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
    parameters = document["parameters"]

    # a network with no number never gets one; grammar follows the counts
    assert "nan%" not in markdown and "nan%" not in printed
    for wrong_grammar in ("1 seeds", "seeds 0 to 0", "seeds 0 to 1)", "from 1 initial weights", "of 1 seed "):
        assert wrong_grammar not in markdown, wrong_grammar
    # the colour is a probability only with a sigmoid output
    assert "the colour is $\\hat y = P" not in markdown
    # the appendix log is never empty and always ends with the last epoch run
    assert "(no line logged)" not in printed
    for dataset, r in runs.items():
        assert printed.count(f"epoch {r['epochs']} loss :") >= 2, "the last epoch is not in the log"
    if "the loss of the last epoch only" in markdown:
        assert parameters["log_every"] >= min(r["epochs"] for r in runs.values())

    # numbers as the report writes them ($1.2 \\times 10^{-4}$), never Python's 1.2e-04
    assert not re.findall(r"\d[eE][-+]?\d", markdown)
    # data sets that were not run are never mentioned
    if "xor" not in runs:
        assert "XOR" not in markdown and "XOR" not in printed
    if "linear" not in runs:
        assert not re.search(r"\blinear\b", markdown, re.I), "the linear data is mentioned"

    for dataset, r in runs.items():
        findings = paragraph(markdown, titles[dataset])
        if r["diverged"]:
            # a diverged network: where it stopped, no accuracy, no boundary, no test score
            assert (f"Training diverges at epoch {r['diverged_epoch']:,} of the "
                    f"{r['epochs'] if parameters['results_epochs'] is None else parameters['results_epochs']:,} "
                    "planned") in findings
            assert "has no accuracy" in findings and not re.search(r"\d\.\d%", findings)
            assert r["test_accuracy"] is None and r["train_accuracy"] is None
            assert f"{titles[dataset]:7s} test accuracy: n/a" in printed
            assert re.search(rf"\| {titles[dataset]} \| n/a \| (—|n/a) \| n/a \| n/a \|", markdown)
            assert "no decision boundary" in markdown
            assert "XOR points on the wrong side" not in markdown or dataset != "xor"
            assert "follow the diagonal" not in markdown or dataset != "linear"
            continue
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
        # the outputs the findings give are the network's: near 0.5 for the constant-output
        # reading; on XOR (trained on its test points) the printed predictions' range
        outputs = re.search(r"outputs (?:between )?([\d.]+)(?: and ([\d.]+))?(?: on every|\))", findings)
        if "outputs 0.5 for every point (this one" in findings:
            assert outputs and all(abs(float(v) - 0.5) <= 0.05 for v in outputs.groups() if v)
        if outputs and dataset == "xor":
            block = printed.split("XOR: 21 test points")[1].split("\n\n")[0]
            shown = [float(v) for v in re.findall(r"prediction: ([\d.]+)", block)]
            assert len(shown) == 21
            lo, hi = outputs.group(1), outputs.group(2) or outputs.group(1)
            assert abs(min(shown) - float(lo)) <= 6e-4 and abs(max(shown) - float(hi)) <= 6e-4
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
    tests = {d: r["test_accuracy"] for d, r in runs.items() if not r["diverged"]}
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
            assert f"Seed {seed} is not among those trained here" in markdown
            continue
        mine = firsts[seed]
        line = re.search(rf"{titles[dataset]}: seed {seed} ([^.]*\.)", markdown)
        assert line, f"no seed sentence for {dataset}"
        gone = {r["seed"]: r["diverged_epoch"] for r in robust if r["dataset"] == dataset}
        if gone[seed] is not None:
            assert f"diverges at epoch {gone[seed]:,}" in line.group(1)
            if all(e is not None for e in gone.values()) and len(gone) > 1:
                assert f"so do the other {len(gone) - 1}" in line.group(1)
        elif mine is None:
            assert "never reaches 100%" in line.group(1)
        else:
            assert f"first reaches 100% at epoch {mine:,}" in line.group(1)
            reached = sorted(e for e in firsts.values() if e is not None)
            rank = 1 + sum(e < mine for e in reached)
            if len(reached) > 1 and len(set(reached)) > 1:
                ordinal = "the" if rank == 1 else rf"{rank}(st|nd|rd|th)"
                assert re.search(rf"{ordinal} fastest of the {len(reached)} seeds", line.group(1))


@pytest.mark.parametrize("name", [n for n, p in PARAMETER_SETS.items() if p.get("uniform_epochs", 1)])
def test_the_uniform_appendix_agrees_with_its_run(executed, name):
    markdown, printed, document = texts(executed[name])
    run = next(r for r in document["runs"] if r["study"] == "uniform")
    results = {r["dataset"] for r in document["runs"] if r["study"] == "results"}
    assert ("The linear data set above" in markdown) == ("linear" in results)
    assert "within" not in markdown.split("{#app:uniform}")[1] and "itself is off" not in markdown
    if run["diverged"]:
        assert f"Training diverges at epoch {run['diverged_epoch']:,}" in markdown
        assert "no accuracy and no decision boundary" in markdown
        assert "misclassifies" not in markdown.split("{#app:uniform}")[1]
        return
    wrong = round((1 - run["test_accuracy"]) * 1000)
    assert f"misclassifies {wrong:,} of the 1,000 test points (test accuracy {percent(run['test_accuracy'])})" in markdown
    if "next to the boundary, not a wrong shape" in markdown:
        assert run["test_accuracy"] > 0.5
