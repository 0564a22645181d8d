"""The report's notebooks: committed clean, parameterized, runnable with quick=True,
and failing clearly on a bad parameter.

Execution tests run each notebook through papermill as report/build.py does (kernel
"python3", working directory notebooks/); quick=True keeps each run to a few seconds.
"""
import ast
import importlib.util
import json
import re
from pathlib import Path

import nbformat
import pytest

from lab1.study import results
from lab1.study.setting import NAMES

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = REPO / "notebooks"
ALL = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
_spec = importlib.util.spec_from_file_location("report_tables", REPO / "report" / "build_tables.py")
tables = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(tables)
# Notebooks whose parameters and behaviour these tests know; 06-08 have their own tests.
OURS = ["01_setup.ipynb", "02_results.ipynb", "03_learning_rate.ipynb",
        "04_hidden_units.ipynb", "05_no_activation.ipynb"]

papermill = pytest.importorskip("papermill")


def read(name):
    return nbformat.read(NOTEBOOKS / name, as_version=4)


def parameters_cell(nb):
    cells = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1, "exactly one cell tagged `parameters`"
    return cells[0]


def defaults(nb):
    """{name: literal value} assigned in the parameters cell."""
    tree = ast.parse(parameters_cell(nb).source)
    return {node.targets[0].id: ast.literal_eval(node.value)
            for node in tree.body if isinstance(node, ast.Assign)}


# --------------------------------------------------------------------------- static checks

def test_our_notebooks_exist():
    assert [p.name for p in ALL if p.name in OURS] == OURS


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name)
def test_committed_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name} cell {i} has outputs"
            assert cell.execution_count is None, f"{path.name} cell {i} has an execution count"


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name)
def test_parameters_cell_first_and_documented(path):
    nb = nbformat.read(path, as_version=4)
    cell = parameters_cell(nb)
    first_code = next(c for c in nb.cells if c.cell_type == "code")
    assert cell is first_code, "the parameters cell is the first code cell"
    assert "quick" in defaults(nb), "every notebook has a quick parameter for the tests"
    assert defaults(nb)["quick"] is False
    for line in cell.source.splitlines():
        if re.match(r"^\w+\s*=", line):
            assert "#" in line, f"{path.name}: parameter line without a comment: {line!r}"


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name)
def test_no_machine_paths(path):
    text = path.read_text(encoding="utf-8")
    for pattern in ("/work/", "/home/", "/root/", "/tmp/", "C:\\\\"):
        assert pattern not in text, f"{path.name} mentions {pattern}"


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name)
def test_plumbing_cell_sets_the_notebook_up(path):
    """The cell after `parameters` calls the one setup helper: names, setting and figures."""
    setup = [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"][1]
    assert "remove_cell" in setup.metadata.get("tags", [])
    assert f'notebook.setup(globals(), "{path.stem}")' in setup.source
    assert "def show" not in setup.source and "FIGURES" not in setup.source


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name)
def test_notebooks_read_the_reference_setting(path):
    """Every report notebook accepts every name of the reference setting, default None (the
    value in lab1/study/setting.py), and figures_dir; none restates a setting's value."""
    params = defaults(nbformat.read(path, as_version=4))
    for name in NAMES + ("figures_dir",):
        assert name in params and params[name] is None, f"{path.name}: {name}"


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name)
def test_markdown_cells_do_not_hard_code_the_setting(path):
    markdown = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown")
    for pattern in (r"2-4-4-1", r"2 → 4 → 4 → 1", r"2 \\to 4", r"\blr (?:=\s*)?1\b", r"learning rate 1\b",
                    r"with sigmoid activations"):
        assert not re.search(pattern, markdown), f"{path.name}: {pattern}"


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name)
def test_notebook_publishes_its_results_last(path):
    last = nbformat.read(path, as_version=4).cells[-1]
    assert last.source.startswith("nb.publish()") and "remove_cell" in last.metadata.get("tags", [])


# --------------------------------------------------------------------------- execution

def execute(name, tmp_path, **parameters):
    out = tmp_path / name
    return papermill.execute_notebook(
        str(NOTEBOOKS / name), str(out), parameters=parameters, kernel_name="python3",
        cwd=str(NOTEBOOKS), progress_bar=False, log_output=False)


# What `make report SET="hidden=8 activation=tanh lr=0.5"` passes to every notebook; the
# quick runs below use it for 01-03 (the full quick report, tests/test_report.py, runs the
# defaults), and the Markdown must then state that setting, never the reference's.
OVERRIDES = dict(hidden=8, activation="tanh", lr=0.5)
QUICK_RUNS = {"01_setup.ipynb": OVERRIDES, "02_results.ipynb": OVERRIDES, "03_learning_rate.ipynb": OVERRIDES,
              "04_hidden_units.ipynb": {}, "05_no_activation.ipynb": {}}


@pytest.mark.parametrize("name", OURS)
def test_runs_quick(name, tmp_path):
    folder = tmp_path / "figures"
    nb = execute(name, tmp_path, quick=True, figures_dir=str(folder), **QUICK_RUNS[name])
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    stderr = [o.text for o in outputs if o.output_type == "stream" and o.name == "stderr"]
    assert not stderr, f"{name} wrote to stderr (warnings or progress bars): {stderr[:2]}"
    figures = [o for o in outputs if "application/pdf" in o.get("data", {})]
    assert figures and all("image/png" in o.data for o in figures), "figures in PNG and PDF"
    text = "\n".join(o.data.get("text/markdown", "") for o in outputs if "data" in o)
    text += "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert "nan%" not in text and "None%" not in text, "a statistic rendered as nan or None"
    # numbers in prose and tables: losses as $1.23 \times 10^{-4}$, never Python's 1.23e-04
    assert not re.findall(r"\d[eE][-+]?\d", text), re.findall(r".{30}\d[eE][-+]?\d.{10}", text)
    # every table fits the page's width without wrapping a cell
    for headers, rows in tables.parse_pipe_tables(text):
        fits, needed, room = tables.table_fits(headers, rows)
        assert fits, f"{name}: table {headers} needs {needed:.1f} em, the page has {room:.1f}"
    # no wall-clock timings: they would make two builds of one commit differ
    printed = text + "\n".join(o.get("text", "") for o in outputs)
    assert not re.findall(r"\b\d+(?:\.\d+)?\s*(?:s|sec|seconds|ms)\b", printed)
    if QUICK_RUNS[name] == OVERRIDES:
        assert "2 → 8 → 8 → 1" in text and "2 → 4 → 4 → 1" not in text
        assert "tanh" in text and "0.5" in text
        assert not re.search(r"learning rate 1\b|with sigmoid activations", text)
    # results as data: one output in a cell the report removes, the same document in figures_dir
    shown = [o.data[results.MIME_TYPE] for c in nb.cells if "remove_cell" in c.metadata.get("tags", [])
             for o in c.outputs if results.MIME_TYPE in o.get("data", {})]
    assert len(shown) == 1
    doc = shown[0]
    assert doc == json.loads((folder / f"{Path(name).stem}.results.json").read_text())
    assert doc["schema"] == results.SCHEMA and doc["notebook"] == Path(name).stem
    assert doc["parameters"]["lr"] == QUICK_RUNS[name].get("lr", 1.0) and doc["parameters"]["quick"] is True
    for run in doc["runs"]:
        assert set(results.METRICS) <= set(run)
        assert (run["train_accuracy"] is None) == run["diverged"]      # a diverged model has no final value
        assert run["diverged"] or 0 <= run["train_accuracy"] <= 1
    # figures go to figures_dir, one PNG per figure shown
    assert len(list(folder.glob("*.png"))) == len(figures)


@pytest.mark.parametrize("name, parameter, value", [
    ("01_setup.ipynb", "hidden", -1),
    ("02_results.ipynb", "dataset", "nonsense"),
    ("02_results.ipynb", "epochs", -5),
    ("03_learning_rate.ipynb", "dataset", "nonsense"),
    ("03_learning_rate.ipynb", "lrs", [0.1, -1.0]),
    ("04_hidden_units.ipynb", "hidden_units", [0, 4]),
    ("05_no_activation.ipynb", "share", ["nonsense"]),
])
def test_bad_parameter_fails_clearly(name, parameter, value, tmp_path):
    with pytest.raises(papermill.PapermillExecutionError) as failure:
        execute(name, tmp_path, quick=True, **{parameter: value})
    message = str(failure.value)
    assert "ValueError" in message and f"parameter {parameter}" in message


def test_unknown_parameter_name_fails(tmp_path):
    # papermill itself only warns about a misspelt name and runs the defaults
    with pytest.raises(papermill.PapermillExecutionError) as failure:
        execute("03_learning_rate.ipynb", tmp_path, quick=True, datset="xor")
    message = str(failure.value)
    assert "unknown parameter datset" in message and "dataset" in message


def test_results_print_every_test_point_once(tmp_path):
    """02: the TA's 'Iter i | Ground truth: y | prediction: p' line for every test point
    (two per printed line), and each logged epoch once."""
    nb = execute("02_results.ipynb", tmp_path, quick=True)
    printed = "\n".join(o.text for c in nb.cells if c.cell_type == "code"
                        for o in c.outputs if o.output_type == "stream" and o.name == "stdout")
    iters = re.findall(r"Iter +(\d+) \| Ground truth: [01] \| prediction: [01]\.\d{4}", printed)
    assert sorted(map(int, iters)) == sorted(list(range(21)) + list(range(100)))
    assert max(map(len, printed.splitlines())) <= 96, "two columns fit the PDF's output width"
    for block in printed.split("Training on")[1:]:
        epochs = re.findall(r"^epoch (\d+) loss : ", block, flags=re.M)
        assert len(epochs) == len(set(epochs)) and epochs == sorted(epochs, key=int)


def test_dataset_choice_is_honoured(tmp_path):
    """What a TA runs: papermill notebooks/03_learning_rate.ipynb out.ipynb -p dataset xor."""
    nb = execute("03_learning_rate.ipynb", tmp_path, quick=True, dataset="xor")
    text = "\n".join(o.data.get("text/markdown", "") for c in nb.cells if c.cell_type == "code"
                     for o in c.outputs if "data" in o)
    assert "### XOR" in text and "### Linear" not in text
    # its results, per learning rate and seed, all on XOR (read back without executing)
    doc = results.read_notebook(tmp_path / "03_learning_rate.ipynb")
    lrs, seeds = doc["parameters"]["lrs"], min(doc["parameters"]["seeds"], 2)
    assert doc["parameters"]["dataset"] == "xor" and len(doc["runs"]) == len(lrs) * seeds
    assert {(r["setting"]["lr"], r["seed"]) for r in doc["runs"]} == {(v, k) for v in lrs for k in range(seeds)}
    assert all(r["dataset"] == "xor" and r["test_accuracy"] is None for r in doc["runs"])
