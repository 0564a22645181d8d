"""One setup call for every report notebook: parameters checked, the setting in effect,
figure display and saving, and the results the notebook records.

    nb = notebook.setup(globals(), "03_learning_rate")   # in the cell after `parameters`
    lrs = study.check_list("lrs", lrs, study.check_float)  # the notebook's own checks
    nb.note_parameters(lrs=lrs)
    S = nb.setting            # config.Setting: the reference merged with the overrides
    nb.show(fig, "03_xor_lr_small")   # displayed; written to figures_dir/<name>.png if given
    nb.results.add_sweep(sweep, dataset="xor")
    nb.publish()              # last cell: the results as data (lab1.study.results)

The parameters cell of every report notebook assigns each name of setting.NAMES (None:
the reference value), ``figures_dir`` (None: figures are shown, not written) and
``quick``, before the notebook's own parameters.
"""
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path

from .. import plots
from ..train import DivergenceWarning
from . import report_helpers
from .config import check_bool, check_parameter_names, setting as make_setting
from .results import Results, plain
from .setting import NAMES

TITLES = {"xor": "XOR", "linear": "Linear"}


@dataclass
class Notebook:
    """What setup() returns: name, setting, quick, figures_dir (Path or None), results."""
    name: str
    setting: object
    quick: bool
    figures_dir: object
    results: Results

    def show(self, fig, name):
        """Display fig once (PNG on screen, PDF in the report); write figures_dir/<name>.png
        when a figures_dir was given."""
        plots.show(fig, None if self.figures_dir is None else self.figures_dir / f"{name}.png")

    def figure(self, fig, name, caption):
        """``show`` fig followed by its numbered caption (label ``fig:<name>``)."""
        report_helpers.figure(fig, caption, f"fig:{name}", show=lambda f: self.show(f, name))

    def table(self, markdown, caption, name):
        """Display a Markdown pipe table under its numbered caption (label ``tbl:<name>``)."""
        report_helpers.table(markdown, caption, f"tbl:{name}")

    def note_parameters(self, **values):
        """Record the notebook's own parameters (after their checks) with the results."""
        self.results.parameters.update(plain(values))

    def publish(self):
        """Display the recorded results as data (and write them to figures_dir, if given)."""
        self.results.publish(self.figures_dir)


def setup(namespace, name):
    """Check the notebook's parameter names and the setting's values; return a Notebook.

    namespace: the notebook's globals() (its parameters and IPython's input history
    ``_ih``); name: the notebook's file name without .ipynb. The notebook then checks its
    own parameters and records them with ``note_parameters``.
    Raises ValueError naming a misspelt parameter or a bad value.
    """
    if "_ih" in namespace:
        check_parameter_names(namespace["_ih"])   # papermill only warns about unknown names
    missing = [n for n in NAMES + ("figures_dir", "quick") if n not in namespace]
    if missing:
        raise ValueError(f"the parameters cell lacks {', '.join(missing)}")
    chosen = make_setting(**{n: namespace[n] for n in NAMES})
    quick = check_bool("quick", namespace["quick"])
    folder = namespace["figures_dir"]
    if folder is not None and not isinstance(folder, (str, Path)):
        raise ValueError(f"parameter figures_dir must be a folder name or None; got {folder!r}")
    folder = None if folder is None else Path(folder)
    _inline_figures()
    warnings.simplefilter("ignore", DivergenceWarning)   # tables and prose report divergence
    parameters = dict(chosen.as_dict(), quick=quick)
    return Notebook(name, chosen, quick, folder, Results(name, parameters))


def _inline_figures():
    """Figures as PNG on screen and PDF for the report (no-op outside IPython)."""
    shell = getattr(sys.modules.get("IPython"), "get_ipython", lambda: None)()
    if shell is not None:
        shell.run_line_magic("matplotlib", "inline")
        shell.run_line_magic("config", "InlineBackend.figure_formats = ['png', 'pdf']")
