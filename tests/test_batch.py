"""Results as data (lab1/study/results.py) and python -m lab1 batch / collect."""
import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest

from lab1.study import batch, results

from histories import make_history

REPO = Path(__file__).resolve().parent.parent


# --------------------------------------------------------------------------- results

def test_results_record_every_seed_from_the_final_values():
    history = make_history([[0.3, 0.3], [0.1, np.nan]], [[0.5, 0.5], [1.0, 0.5]],
                           first=[2, -1], diverged=[-1, 2], final_loss=[0.05, np.nan],
                           final_accuracy=[1.0, np.nan])
    record = results.Results("03_learning_rate", {"lr": 1.0, "hidden": (4, 4)})
    record.add(history, "lr", "xor", [0, 1], setting={"lr": 10.0}, test=([0.2, 0.3], [0.9, 0.8]))
    doc = record.document()
    assert doc["schema"] == results.SCHEMA and doc["parameters"] == {"lr": 1.0, "hidden": [4, 4]}
    first, second = doc["runs"]
    assert first["train_loss"] == 0.05 and first["train_accuracy"] == 1.0    # final_*, not the curve
    assert first["first_perfect_epoch"] == 2 and first["diverged"] is False
    assert second["train_loss"] is None and second["diverged"] is True and second["diverged_epoch"] == 2
    assert second["first_perfect_epoch"] is None and second["test_accuracy"] == 0.8
    assert first["val_accuracy"] is None and first["setting"] == {"lr": 10.0} and second["seed"] == 1
    json.dumps(doc, allow_nan=False)           # strict JSON: no NaN
    with pytest.raises(ValueError, match="2 seeds for 1 models"):
        record.add(make_history([[0.1]], [[1.0]]), "lr", "xor", [0, 1])


def test_long_rows_one_per_run_and_metric():
    record = results.Results("nb", {})
    record.add(make_history([[0.3], [0.1]], [[0.5], [1.0]], first=[2]), "lr", "xor", [7], setting={"lr": 0.5})
    rows = results.long_rows(record.document(), {"dataset": "xor"})
    assert [r["metric"] for r in rows] == list(results.METRICS)
    assert rows[0] == dict(dataset="xor", notebook="nb", study="lr", data="xor", setting="lr=0.5", seed=7,
                           metric="train_accuracy", value="1.0")
    assert {r["metric"]: r["value"] for r in rows}["diverged"] == "0"
    assert {r["metric"]: r["value"] for r in rows}["test_loss"] == ""


def test_command_line_values():
    assert batch.parse_value("0.5") == 0.5 and batch.parse_value("True") is True
    assert batch.parse_value("[0.1,1]") == [0.1, 1] and batch.parse_value("xor") == "xor"
    runs = batch.grid([("dataset", ["xor", "linear"]), ("lrs", [[0.1, 1]])])
    assert runs == [{"dataset": "xor", "lrs": [0.1, 1]}, {"dataset": "linear", "lrs": [0.1, 1]}]
    assert [batch.run_name(r) for r in runs] == ["dataset=xor,lrs=[0.1,1]", "dataset=linear,lrs=[0.1,1]"]


# --------------------------------------------------------------------------- the command

def lab1(*args, cwd=REPO):
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    return subprocess.run([sys.executable, "-m", "lab1", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=600, env=env)


def read_numbers(path):
    with open(path, newline="") as f:
        return list(csv.reader(f, quoting=csv.QUOTE_NONNUMERIC))


def test_batch_runs_the_grid_and_collect_rebuilds_the_table(tmp_path):
    """The issue's check: two runs of 03 and a results.csv the csv module reads into numbers."""
    out = tmp_path / "runs"
    done = lab1("batch", "notebooks/03_learning_rate.ipynb", "--out", str(out),
                "-p", "dataset", "xor", "linear", "-p", "quick", "True", "--jobs", "2")
    assert done.returncode == 0, done.stdout + done.stderr
    folders = sorted(p.name for p in out.iterdir() if p.is_dir())
    assert folders == ["dataset=linear,quick=True", "dataset=xor,quick=True"]
    for folder in folders:
        files = {p.name for p in (out / folder).iterdir()}
        assert {"03_learning_rate.ipynb", "results.json", "run.json"} <= files
        assert "03_learning_rate.results.json" not in files
        assert any(name.endswith(".png") for name in files), "the run's figures in its folder"
    assert "[2/2]" in done.stdout and "failed" not in done.stdout
    table = read_numbers(out / "results.csv")
    header, rows = table[0], table[1:]
    assert header[:3] == ["run", "dataset", "quick"] and header[-2:] == ["metric", "value"]
    value, metric = header.index("value"), header.index("metric")
    accuracies = [r[value] for r in rows if r[metric] == "train_accuracy"]
    assert accuracies and all(isinstance(a, float) and 0 <= a <= 1 for a in accuracies)
    assert {r[1] for r in rows} == {"xor", "linear"} and len(header) == len(set(header))
    assert all(r[1] == r[header.index("data")] for r in rows)
    lrs = json.loads((out / "dataset=xor,quick=True" / "run.json").read_text())
    assert lrs["ok"] and lrs["parameters"] == {"dataset": "xor", "quick": True}
    first = (out / "results.csv").read_bytes()
    (out / "results.csv").unlink()
    again = lab1("collect", str(out))
    assert again.returncode == 0 and (out / "results.csv").read_bytes() == first


def test_a_failing_run_is_listed_with_its_cell_and_the_others_finish(tmp_path):
    out = tmp_path / "runs"
    done = lab1("batch", "notebooks/03_learning_rate.ipynb", "--out", str(out), "-p", "dataset", "xor",
                "-p", "lrs", "[0.5,1]", "[-1]", "-p", "quick", "True", "--jobs", "2")
    assert done.returncode == 1
    assert "1 of 2 runs failed" in done.stdout
    failed = [line for line in done.stdout.splitlines() if line.startswith("  dataset=xor,lrs=[-1]")]
    assert failed and "cell 2 (counting from 1" in failed[0] and "parameter lrs[0]" in failed[0]
    ok = out / "dataset=xor,lrs=[0.5,1],quick=True"
    assert (ok / "results.json").is_file()
    table = read_numbers(out / "results.csv")
    assert {r[0] for r in table[1:]} == {ok.name}
    nb = nbformat.read(ok / "03_learning_rate.ipynb", as_version=4)
    assert results.read_notebook(ok / "03_learning_rate.ipynb")["parameters"]["lrs"] == [0.5, 1.0]
    assert nb.cells


def test_batch_rejects_a_name_without_values(tmp_path):
    done = lab1("batch", "notebooks/03_learning_rate.ipynb", "--out", str(tmp_path), "-p", "quick")
    assert done.returncode == 2 and "-p quick needs at least one value" in done.stderr
