"""In a real kernel: lab1.plots figures show themselves once, fit's progress bar is an HTML bar."""
import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

SETUP = """\
from IPython.display import display
from lab1 import data, nn, plots
from lab1.train import fit
x, y = data.generate_XOR_easy()
model = nn.mlp([2, 3, 1], rng=0)
history = fit(model, x, y, epochs=5)"""

# (cell source, PNG images the cell must show)
CELLS = [
    ("fig = plots.learning_curves(history)", 1),                          # made, not the result
    ("plots.comparison(x, y, model(x))", 1),                              # the cell's result
    ("fig = plots.decision_boundary(model, x, y)\nplots.show(fig)", 1),   # shown by plots.show
    ("fig = plots.decision_boundary(model, x, y)\ndisplay(fig)", 1),     # displayed by hand
    ("fig = plots.decision_boundary(model, x, y)\nfig", 1),
    ("fig", 1),                                                           # asked again: shown again
    ("figs = [plots.learning_curves(history) for _ in range(2)]", 2),
    ("from matplotlib.figure import Figure\nother = Figure()\nother.add_subplot()", 0),  # not lab1's
    ("len(x)", 0),
    ("plots.learning_curves(history);", 1),                               # result hidden, figure kept
    ("import gc\nplots.learning_curves(history)\ngc.collect()", 1),       # no reference left
]


PROGRESS = ["h = fit(model, x, y, epochs=300, progress=True)",
            "import os\nos.environ['TQDM_DISABLE'] = '1'\nh = fit(model, x, y, epochs=300, progress=True)"]


@pytest.fixture(scope="module")
def cells():
    """One kernel runs SETUP, CELLS and PROGRESS; returns the executed cells."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in [SETUP] + [c for c, _ in CELLS] + PROGRESS]
    nbclient.NotebookClient(nb, kernel_name="python3", timeout=120).execute()
    return nb.cells


def test_lab1_figures_show_themselves_once_per_cell(cells):
    assert not cells[0].outputs
    for cell, (source, images) in zip(cells[1:], CELLS):
        shown = [o for o in cell.outputs if "image/png" in o.get("data", {})]
        assert len(shown) == images, (source, [o.output_type for o in cell.outputs])


def test_progress_bar_is_an_html_bar_updated_in_place_and_silent_in_builds(cells):
    bar, silent = cells[-2].outputs, cells[-1].outputs
    assert len(bar) == 1 and bar[0].output_type == "display_data"       # one output, updated in place
    assert '<progress value="300" max="300"' in bar[0].data["text/html"]
    assert not silent
