"""notebooks/06_extras.ipynb (the report's Extra section) and lab1/reference.py.

The reference tests train the documented configurations in full (the CNN: one seed,
20 epochs, about a second), so the accuracy the report states is the accuracy checked here.
"""
import os
import re
import warnings
from pathlib import Path
from types import SimpleNamespace

import nbformat
import numpy as np
import pytest

from lab1 import experiments as ex
from lab1 import nn
from lab1 import reference as ref

REPO = Path(__file__).resolve().parent.parent
NOTEBOOK = REPO / "notebooks" / "06_extras.ipynb"
HEADINGS = ("# Extra", "## Implement different optimizers", "## Implement different activation functions",
            "## Implement convolutional layers", "### Convolution on handwritten digits")


@pytest.fixture(scope="module")
def split():
    return ref.digits_split()


# --------------------------------------------------------------------------- reference configurations

def test_reference_cnn_reaches_97_percent_on_test(split):
    """The full reference CNN configuration (20 epochs, seed 0) on the held-out test images."""
    result = ref.train_cnn(seeds=(0,), split=split)
    assert result.num_parameters == 2730
    assert result.config["epochs"] == 20
    assert result.test_accuracy.shape == (1,)
    assert result.test_accuracy[0] >= 0.97, result.summary()
    assert result.history.loss.shape == (20, 1) and result.history.val_accuracy.shape == (20, 1)


def test_reference_mlp_reports_six_numbers(split):
    result = ref.train_mlp(seeds=(0, 1), split=split)
    summary = result.summary()
    for name in ref.SPLITS:
        for what in ("accuracy", "loss"):
            values = getattr(result, f"{name}_{what}")
            assert values.shape == (2,)
            assert np.isfinite(summary[f"{name}_{what}"])
    assert all(0.9 < summary[f"{s}_accuracy"] <= 1.0 for s in ref.SPLITS), summary
    assert all(summary[f"{s}_loss"] > 0 for s in ref.SPLITS)
    assert result.num_parameters == ref.mlp_parameters(ref.MLP["hidden"]) == 19210
    assert result.test_logits.shape == (2, len(split["test"][1]), 10)


def test_small_mlp_matches_the_cnn_size(split):
    cnn_params = ref.build_cnn(0).num_parameters()
    hidden = ref.matched_hidden(cnn_params)
    assert hidden == 36
    assert abs(ref.mlp_parameters(hidden) - cnn_params) <= min(
        abs(ref.mlp_parameters(h) - cnn_params) for h in (hidden - 1, hidden + 1))
    result = ref.train_digits("mlp_small", seeds=(0,), split=split, epochs=1)
    assert result.num_parameters == ref.mlp_parameters(36)


def test_split_is_stratified_and_disjoint(split):
    sizes = {k: len(v[1]) for k, v in split.items()}
    assert sizes == {"train": 1078, "val": 360, "test": 359}
    assert split["train"][0].shape[1:] == (1, 8, 8)
    for name in ref.SPLITS:
        assert set(np.unique(split[name][1])) == set(range(10))


def test_same_seed_same_cnn(split):
    a = ref.train_cnn(seeds=(3,), split=split, epochs=1)
    b = ref.train_cnn(seeds=(3,), split=split, epochs=1)
    np.testing.assert_array_equal(a.test_logits, b.test_logits)


def test_unknown_model_and_option_are_rejected(split):
    with pytest.raises(ValueError, match="cnn.*mlp.*mlp_small"):
        ref.train_digits("resnet")
    with pytest.raises(ValueError, match="unknown option.*chanels"):
        ref.train_cnn(split=split, chanels=8)


def test_choose_lr_takes_lowest_tail_loss_and_avoids_divergence():
    def history(*columns):
        return SimpleNamespace(loss=np.array(columns, dtype=float).T)

    sweep = SimpleNamespace(values=[0.1, 1.0, 10.0], histories={
        0.1: history([0.5] * 10, [0.5] * 10),
        1.0: history([0.4] * 9 + [0.01], [0.2] * 10),    # a lucky last epoch only: tail 0.205
        10.0: history([0.1] * 10, [0.1] * 9 + [np.nan]),  # one seed diverged at the end
    })
    lr, means = ref.choose_lr(sweep)
    assert lr == 1.0
    assert means[10.0] == np.inf
    assert means[1.0] == pytest.approx((0.01 + 0.2) / 2)


def test_choose_lr_on_a_real_sweep():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sweep = ex.sweep(ex.load_dataset("xor"), "lr", [1e-4, 3.0], ex.seeds(2), epochs=200)
    assert ref.choose_lr(sweep)[0] == 3.0


def test_inactive_units_counts_dead_relus():
    model = nn.mlp([2, 3, 1], activation="relu", rng=0)
    x = np.random.default_rng(0).uniform(0, 1, (20, 2))
    first = model[0]
    first.weight.data[:, 0] = -1.0        # unit 0 negative on every input in [0, 1]^2
    first.bias.data[0] = -0.5
    first.weight.data[:, 1:] = 1.0
    first.bias.data[1:] = 0.1
    assert ref.inactive_units(model, x).tolist() == [1]
    stacked = nn.mlp([2, 3, 3, 1], activation="leaky_relu", rng=[0, 1], models=2)
    assert ref.inactive_units(stacked, x).shape == (2, 2)
    with pytest.raises(ValueError, match="no hidden ReLU"):
        ref.inactive_units(nn.mlp([2, 3, 1], rng=0), x)


def test_grids_cover_every_optimizer_and_activation():
    from lab1 import optim
    assert set(ref.OPTIMIZER_LRS) == set(ref.OPTIMIZERS) <= set(optim.OPTIMIZERS)
    assert set(ref.ACTIVATIONS) <= set(nn.ACTIVATIONS)
    assert all(list(g) == sorted(g) and len(g) >= 3 for g in ref.OPTIMIZER_LRS.values())


# --------------------------------------------------------------------------- the notebook

def test_notebook_is_committed_clean_with_documented_parameters():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    first = nb.cells[0]
    assert first.cell_type == "code" and "parameters" in first.metadata.get("tags", [])
    for line in first.source.splitlines():
        if line.strip():
            assert "=" in line and "#" in line.split("=", 1)[1], f"undocumented parameter: {line}"
    assert "quick = False" in first.source
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    for heading in HEADINGS:
        assert any(line == heading for line in markdown.splitlines()), heading
    assert str(REPO) not in NOTEBOOK.read_text()


def _run(tmp_path, **parameters):
    papermill = pytest.importorskip("papermill")
    out = tmp_path / "06_out.ipynb"
    env = {k: os.environ.pop(k) for k in ("MPLBACKEND",) if k in os.environ}
    try:
        papermill.execute_notebook(str(NOTEBOOK), str(out), parameters=parameters, kernel_name="python3",
                                   cwd=str(NOTEBOOK.parent), progress_bar=False)
    finally:
        os.environ.update(env)
    return nbformat.read(out, as_version=4)


def _texts(nb):
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            yield cell.source
        for output in cell.get("outputs", []):
            if output.get("name") == "stdout":
                yield output.text
            for mime in ("text/markdown", "text/plain"):
                if mime in output.get("data", {}):
                    yield output.data[mime]


def test_notebook_runs_quick(tmp_path):
    nb = _run(tmp_path, quick=True, save_figures=False)
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    text = "\n".join(_texts(nb))
    for needle in ("Learning-rate selection", "optimizers at their chosen learning rates",
                   "hidden activations", "CNN versus MLP", "```python\n# Conv2d.forward",
                   "def forward(self, x):", "### Softmax for K classes"):
        assert needle in text
    assert " nan" not in text and "None" not in text
    # the report is byte-identical across builds: no wall-clock times; numbers in the
    # report's formats (no 9.9e-05, no course codes the reader would not know)
    assert not re.search(r"\d s\b|seconds|per second", text), "wall-clock time in the report"
    assert not re.search(r"\d(\.\d+)?e[-+]\d", text), "number in Python's e-notation"
    assert "ECE421" not in text and not re.search(r"\d x \d", text)
    assert not any("show_input" in c.metadata.get("tags", []) for c in nb.cells)
    # the CNN's train-test gap is the difference of the two accuracies its table row shows
    row = re.search(r"\| CNN \| [\d,]+ \| accuracy \| ([\d.]+)[^|]*\|[^|]*\| ([\d.]+)", text)
    gap = re.search(r"gap is (-?[\d.]+) points for the CNN", text)
    assert row and gap
    assert float(gap.group(1)) == pytest.approx(float(row.group(1)) - float(row.group(2)), abs=1e-9)
    images = [o for c in nb.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
    assert len(images) >= 7 and all("application/pdf" in o.data for o in images)


@pytest.mark.parametrize("name, value, allowed", [
    ("seeds", 0, "integer >= 1"),
    ("spiral", "yes", "True or False"),
])
def test_bad_parameter_fails_with_a_clear_message(tmp_path, name, value, allowed):
    papermill = pytest.importorskip("papermill")
    with pytest.raises(papermill.PapermillExecutionError) as info:
        _run(tmp_path, quick=True, save_figures=False, **{name: value})
    assert info.value.ename == "ValueError"
    assert name in info.value.evalue and allowed in info.value.evalue


def test_misspelt_parameter_is_rejected(tmp_path):
    """papermill only warns about an unknown name; the notebook raises, naming its parameters."""
    papermill = pytest.importorskip("papermill")
    with pytest.raises(papermill.PapermillExecutionError) as info:
        _run(tmp_path, quick=True, save_figures=False, digit_seeds=2)
    assert "unknown parameter digit_seeds" in info.value.evalue and "digits_seeds" in info.value.evalue
