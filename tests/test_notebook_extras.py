"""The Extra section's notebooks: 06_optimizers, 07_activations, 08_convolution.

Each runs with quick=True in a few seconds (08 trains the digits models for two epochs);
the models and the sentences are tested in tests/test_study_digits.py.
"""
import os
import re
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = REPO / "notebooks"
EXTRA = ("06_optimizers", "07_activations", "08_convolution")
HEADINGS = {"06_optimizers": ("# Extra", "## Implement different optimizers"),
            "07_activations": ("## Implement different activation functions",),
            "08_convolution": ("## Implement convolutional layers", "### Convolution on handwritten digits")}
NEEDLES = {"06_optimizers": ("Learning-rate selection", "optimizers at their chosen learning rates", "**Discussion.**"),
           "07_activations": ("hidden activations", "Dead units", "**Discussion.**"),
           "08_convolution": ("CNN versus MLP", "```python\n# Conv2d.forward", "def forward(self, x):",
                              "### Softmax for K classes")}


def _run(tmp_path, name, **parameters):
    papermill = pytest.importorskip("papermill")
    out = tmp_path / f"{name}_out.ipynb"
    env = {k: os.environ.pop(k) for k in ("MPLBACKEND",) if k in os.environ}
    try:
        papermill.execute_notebook(str(NOTEBOOKS / f"{name}.ipynb"), str(out), parameters=parameters,
                                   kernel_name="python3", cwd=str(NOTEBOOKS), progress_bar=False)
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


@pytest.mark.parametrize("name", EXTRA)
def test_headings_keep_the_rubric_numbering(name):
    """06 opens the Extra section; 07 and 08 continue it with `##`, so the report reads 5 A-C."""
    nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    headings = [line for line in markdown.splitlines() if line.startswith("#")]
    assert headings[:len(HEADINGS[name])] == list(HEADINGS[name])
    assert all(not line.startswith("# ") for line in headings) or name == "06_optimizers"


@pytest.mark.parametrize("name", EXTRA)
def test_notebook_runs_quick(tmp_path, name):
    nb = _run(tmp_path, name, quick=True)
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    text = "\n".join(_texts(nb))
    for needle in NEEDLES[name]:
        assert needle in text, needle
    assert " nan" not in text and "None" not in text
    # the report is byte-identical across builds: no wall-clock times; numbers in the
    # report's formats (no 9.9e-05, no course codes the reader would not know)
    assert not re.search(r"\d s\b|seconds|per second", text), "wall-clock time in the report"
    assert not re.search(r"\d(\.\d+)?e[-+]\d", text), "number in Python's e-notation"
    assert "ECE421" not in text and not re.search(r"\d x \d", text)
    assert not any("show_input" in c.metadata.get("tags", []) for c in nb.cells)
    images = [o for c in nb.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
    assert len(images) >= {"06_optimizers": 2, "07_activations": 2, "08_convolution": 4}[name]
    assert all("application/pdf" in o.data for o in images)
    if name == "08_convolution":
        # the CNN's train-test gap is the difference of the two accuracies its table row shows
        row = re.search(r"\| CNN \| [\d,]+ \| accuracy \| ([\d.]+)[^|]*\|[^|]*\| ([\d.]+)", text)
        gap = re.search(r"gap is (-?[\d.]+) points for the CNN", text)
        assert row and gap
        assert float(gap.group(1)) == pytest.approx(float(row.group(1)) - float(row.group(2)), abs=1e-9)


@pytest.mark.parametrize("name, parameter, value, allowed", [
    ("06_optimizers", "seeds", 0, "integer >= 1"),
    ("07_activations", "compare_epochs", 0, "integer >= 1"),
    ("08_convolution", "spiral", "yes", "True or False"),
])
def test_bad_parameter_fails_with_a_clear_message(tmp_path, name, parameter, value, allowed):
    papermill = pytest.importorskip("papermill")
    with pytest.raises(papermill.PapermillExecutionError) as info:
        _run(tmp_path, name, quick=True, **{parameter: value})
    assert info.value.ename == "ValueError"
    assert parameter in info.value.evalue and allowed in info.value.evalue


def test_misspelt_parameter_is_rejected(tmp_path):
    """papermill only warns about an unknown name; the notebook raises, naming its parameters."""
    papermill = pytest.importorskip("papermill")
    with pytest.raises(papermill.PapermillExecutionError) as info:
        _run(tmp_path, "08_convolution", quick=True, digit_seeds=2)
    assert "unknown parameter digit_seeds" in info.value.evalue and "digits_seeds" in info.value.evalue
