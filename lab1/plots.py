"""The report's figures, drawn with matplotlib's object API.

Every function builds a ``matplotlib.figure.Figure`` (never pyplot's global state, so a
notebook shows it once), returns it, and writes it with ``save`` when ``path=`` is given.
All figures share one small style (``STYLE``), sized for the report's text width (``WIDTH``),
so they are printed at their own size: 8 pt tick labels stay 8 pt.
Colours: the TA's red for label 0 and blue for label 1; the Okabe-Ito colour-blind-friendly
palette for more classes and for several runs.

Names from the library's registries ("relu", "mse", "adam", ...) are shown through
``pretty`` ("ReLU", "MSE", "Adam"); notebooks can use it for their own titles.

This is the only core module of lab1 that imports matplotlib; the figures only the report's
studies draw are in lab1/study/figures.py, built on the helpers here.
"""
import base64
import contextlib
import io
import os
import sys
import textwrap
import warnings

import matplotlib
import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.contour import ContourSet
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.textpath import TextToPath
from matplotlib.ticker import EngFormatter, FixedLocator, MaxNLocator, MultipleLocator, NullLocator

from . import nn

RED, BLUE = "#d62728", "#1f77b4"                       # label 0, label 1 (the TA's figures)
OKABE_ITO = ("#D55E00", "#0072B2", "#009E73", "#E69F00",   # vermillion, blue, green, orange,
             "#CC79A7", "#56B4E9", "#F0E442", "#000000")   # purple, sky blue, yellow, black
RUN_COLORS = ("#0072B2", "#D55E00", "#009E73", "#E69F00", "#CC79A7", "#56B4E9", "#000000")
_TAB10 = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
          "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf")
WIDTH = 6.3                                             # inches: the report's text width (A4, 2.5 cm margins)
MAX_POINTS = 2000                                       # per line in learning_curves

STYLE = {
    "font.size": 9, "axes.titlesize": 10, "axes.labelsize": 9, "figure.titlesize": 10,
    "xtick.labelsize": 8, "ytick.labelsize": 8, "legend.fontsize": 8, "legend.frameon": False,
    "axes.spines.top": False, "axes.spines.right": False,
    "axes.grid": True, "grid.alpha": 0.3, "grid.linewidth": 0.5,
    "axes.prop_cycle": matplotlib.cycler(color=RUN_COLORS),
    "lines.linewidth": 1.2, "figure.dpi": 100, "savefig.dpi": 200,
}


# How figures name the library's registry entries (activations, losses, optimizers).
DISPLAY_NAMES = {
    "sigmoid": "Sigmoid", "tanh": "tanh", "relu": "ReLU", "leaky_relu": "leaky ReLU",
    "identity": "identity", "mse": "MSE", "bce": "BCE", "cross_entropy": "cross-entropy",
    "sgd": "SGD", "momentum": "SGD + momentum", "adagrad": "Adagrad", "rmsprop": "RMSprop",
    "adam": "Adam",
}


def pretty(name):
    """The display name of a registry name: pretty("relu") == "ReLU", pretty("mse") == "MSE",
    pretty("momentum") == "SGD + momentum". Anything else (other strings, None, numbers) is
    returned unchanged, so pretty(label) is safe on any label."""
    return DISPLAY_NAMES.get(name, name) if isinstance(name, str) else name


@contextlib.contextmanager
def style():
    """Apply STYLE for the duration of a with-block (figures keep it once drawn)."""
    with matplotlib.rc_context(STYLE):
        yield


def class_colors(k):
    """k colours, one per class: red, blue for two classes; Okabe-Ito (tab10 beyond 8) for more."""
    if k <= 2:
        return [RED, BLUE][:max(k, 1)]
    palette = OKABE_ITO if k <= len(OKABE_ITO) else _TAB10
    return [palette[i % len(palette)] for i in range(k)]


def save(fig, path):
    """Write fig to path as PNG or PDF (by extension), creating the folder.

    Timestamps and version stamps are left out, so the same figure gives the same bytes.
    Returns path.
    """
    path = os.fspath(path)
    ext = os.path.splitext(path)[1].lower()
    metadata = {".png": {"Software": None}, ".pdf": {"CreationDate": None}}.get(ext)
    if metadata is None:
        raise ValueError(f"save: path must end in .png or .pdf, got {path!r}")
    folder = os.path.dirname(path)
    if folder:
        os.makedirs(folder, exist_ok=True)
    # Layout engines measure text with the output's renderer and can take a few passes to
    # settle (grids of equal-aspect axes with "compressed" five or six), so render until two
    # passes agree: any sequence of saves gives the same bytes.
    previous = None
    for _ in range(12):
        buffer = io.BytesIO()
        with style():
            fig.savefig(buffer, format=ext[1:], metadata=metadata)
        if buffer.getvalue() == previous:
            break
        previous = buffer.getvalue()
    with open(path, "wb") as f:
        f.write(previous)
    return path


def show(fig, path=None):
    """Display fig once in Jupyter as PNG (for the screen) and PDF (the report embeds this
    vector version), and write the PNG to path when given. Each format is rendered once.
    """
    from IPython.display import display   # Jupyter only; the rest of the module works without it

    rendered = {}
    for fmt, metadata in (("png", {"Software": None}), ("pdf", {"CreationDate": None})):
        buffer = io.BytesIO()
        with style():
            fig.savefig(buffer, format=fmt, metadata=metadata)
        rendered[fmt] = buffer.getvalue()
    if path is not None:
        os.makedirs(os.path.dirname(os.fspath(path)) or ".", exist_ok=True)
        with open(path, "wb") as f:
            f.write(rendered["png"])
    sys.stdout.flush()   # text printed before the figure stays before it
    _displayed(fig)
    display({"image/png": base64.b64encode(rendered["png"]).decode("ascii"),
             "application/pdf": base64.b64encode(rendered["pdf"]).decode("ascii"),
             "text/plain": f"<figure {os.path.basename(os.fspath(path)) if path else ''}>"},
            metadata={"image/png": {"width": int(round(fig.get_figwidth() * 100))}}, raw=True)


# In a notebook, a figure made by lab1.plots shows itself when the cell that made it ends,
# as pyplot's figures do, unless it was displayed already in that cell (by ``show``, by
# ``display(fig)`` or as the cell's result): each figure appears once.
# Held strongly until the cell ends, as pyplot holds its figures: a figure nobody kept a
# reference to (``plots.learning_curves(h);``) still shows, whenever the collector runs.
_pending = []      # the LabFigures the running cell made and has not displayed


def _displayed(fig):
    _pending[:] = [other for other in _pending if other is not fig]


def _forget_pending(info=None):
    _pending.clear()


def _show_pending(result=None):
    """post_run_cell: display the figures the cell made and nothing displayed."""
    figures = list(_pending)
    _pending.clear()
    for fig in figures:
        fig._ipython_display_()


def _notebook_shell():
    """The running Jupyter kernel's shell, or None (plain Python, terminal IPython, tests)."""
    ipython = sys.modules.get("IPython")      # a kernel has imported it; nobody else needs it
    shell = ipython.get_ipython() if ipython is not None else None
    return shell if getattr(shell, "kernel", None) is not None else None


def _install_notebook_display():
    """Register the cell hooks with the running kernel once (a module reload replaces them)."""
    shell = _notebook_shell()
    if shell is None:
        return
    for event, callback in (("pre_run_cell", _forget_pending), ("post_run_cell", _show_pending)):
        for old in [c for c in shell.events.callbacks[event]
                    if getattr(c, "__qualname__", None) == callback.__qualname__
                    and getattr(c, "__module__", None) == __name__]:
            shell.events.unregister(event, old)
        shell.events.register(event, callback)


class LabFigure(Figure):
    """A Figure that shows itself in Jupyter, once, without ``%matplotlib inline``.

    Displayed through IPython's formatters, so with the inline backend active its Figure
    formatter renders it (and honours ``InlineBackend.figure_formats``); ``_repr_png_`` is
    only the fallback. Made in a notebook cell and not displayed there, it is displayed when
    the cell ends.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if _notebook_shell() is not None:
            _pending.append(self)

    def _ipython_display_(self):
        from IPython import get_ipython                     # IPython calls this method
        from IPython.core.formatters import DisplayFormatter
        from IPython.display import publish_display_data

        _displayed(self)
        shell = get_ipython()
        formatter = shell.display_formatter if shell is not None else DisplayFormatter()
        # Each mime formatter directly: DisplayFormatter.format would call this method again.
        data, metadata = {}, {}
        for mime, mime_formatter in formatter.formatters.items():
            if mime not in formatter.active_types:
                continue
            value = mime_formatter(self)
            if isinstance(value, tuple):
                value, metadata[mime] = value
            if value is not None:
                data[mime] = value
        sys.stdout.flush()
        publish_display_data(data, metadata)

    def _repr_png_(self):
        buffer = io.BytesIO()
        self.savefig(buffer, format="png", bbox_inches="tight", metadata={"Software": None})
        return buffer.getvalue()


_install_notebook_display()


def _new_figure(width, height):
    with style():
        return LabFigure(figsize=(width, height), layout="constrained")


def _finish(fig, path):
    if path is not None:
        save(fig, path)
    return fig


def _labels_of(y, name):
    """(N,) int labels from (N,), (N, 1) labels, (N, 1) probabilities or (N, K) scores."""
    y = np.asarray(y)
    if y.ndim > 2:
        raise ValueError(f"{name}: expected (N,), (N, 1) or (N, K), got {y.shape}; "
                         f"for stacked models pass one model's outputs, e.g. out[0]")
    if y.ndim == 2 and y.shape[1] > 1:
        return y.argmax(axis=1)
    y = y.reshape(-1)
    if y.dtype.kind in "iub":
        return y.astype(np.int64)
    finite = y[np.isfinite(y)]                         # nan (a diverged model) counts as label 0
    if np.all((finite >= 0) & (finite <= 1)):
        return (y > 0.5).astype(np.int64)              # probabilities: threshold 0.5
    return np.rint(y).astype(np.int64)                 # float class labels 0., 1., 2., ...


def _plane(x):
    """Points in 2-D for scatter plots: x itself when (N, 2), else the first two principal
    components of the flattened inputs. Returns (points (N, 2), axis labels)."""
    x = np.asarray(x, dtype=np.float64)
    x = x.reshape(len(x), -1)
    if x.shape[1] == 2:
        return x, ("$x_1$", "$x_2$")
    centred = x - x.mean(axis=0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    return centred @ vt[:2].T, ("principal component 1", "principal component 2")


def _marker_size(n):
    return float(np.clip(3000.0 / max(n, 1), 4.0, 30.0))


def _scatter(ax, points, labels, colors, size, edge="white"):
    """One scatter per class; edges only while there are few points (else they drown the fill)."""
    width = 0.5 if len(points) <= 300 else 0.0
    for c in np.unique(labels):
        keep = labels == c
        ax.scatter(points[keep, 0], points[keep, 1], s=size, color=colors[c % len(colors)],
                   edgecolors=edge, linewidths=width, label=f"label {c}", zorder=3)


def _limits(points):
    """(lo, hi), each (2,): the plane shown around points, their range padded by 10% of it
    (at least 0.1) on every side. comparison and decision_boundary show the same plane."""
    lo, hi = points.min(axis=0), points.max(axis=0)
    pad = np.maximum(0.1 * (hi - lo), 0.1)
    return lo - pad, hi + pad


def _same_ticks(ax, lo, hi, width):
    """One tick step on both axes of an equal-aspect plane (about one tick per 0.45 in of an
    axes width inches wide), so x and y read alike."""
    nbins = int(np.clip(width / 0.45, 3, 8))
    ticks = MaxNLocator(nbins=nbins, steps=[1, 2, 5, 10]).tick_values(0.0, float(np.max(hi - lo)))
    step = float(ticks[1] - ticks[0])
    ax.xaxis.set_major_locator(MultipleLocator(step))
    ax.yaxis.set_major_locator(MultipleLocator(step))


def _fit_box(lo, hi, max_width, max_height, min_width, min_height):
    """Size (width, height) in inches of an equal-aspect axes box showing lo..hi, within the
    bounds; where a bound forces the box off the data's aspect, the limits widen instead.
    Returns width, height, lo, hi."""
    lo, hi = lo.astype(np.float64), hi.astype(np.float64)
    aspect = (hi[1] - lo[1]) / (hi[0] - lo[0])
    width = min(max_width, max_height / aspect)
    width = max(width, min_width)
    height = float(np.clip(width * aspect, min_height, max_height))
    # widen the short side's limits around their centre so that data units are square
    units = max((hi[0] - lo[0]) / width, (hi[1] - lo[1]) / height)
    for axis, size in ((0, width), (1, height)):
        centre, half = (lo[axis] + hi[axis]) / 2, units * size / 2
        lo[axis], hi[axis] = centre - half, centre + half
    return float(width), height, lo, hi


def comparison(x, y_true, y_pred, title=None, path=None, height=3.2):
    """Ground truth next to the predictions, the lab's comparison figure.

    x: (N, 2) points (other shapes are shown on their first two principal components).
    y_true: (N,) or (N, 1) labels. y_pred: (N,) or (N, 1) labels, (N, 1) probabilities
    (threshold 0.5) or (N, K) scores (argmax). Misclassified points get a black ring and
    their count goes into the right panel's title. Both panels show the plane
    decision_boundary shows, with equal units and the same ticks on both axes.
    height: the panels' largest height in inches (less for a compact page).
    Returns the Figure.
    """
    truth, pred = _labels_of(y_true, "comparison y_true"), _labels_of(y_pred, "comparison y_pred")
    points, (xlabel, ylabel) = _plane(x)
    if not len(points) == len(truth) == len(pred):
        raise ValueError(f"comparison: x, y_true, y_pred have {len(points)}, {len(truth)}, "
                         f"{len(pred)} samples")
    k = int(max(truth.max(initial=0), pred.max(initial=0))) + 1
    colors, size = class_colors(k), _marker_size(len(points))
    wrong = truth != pred
    # Placed by hand, in inches (as _plane_figure): the boxes have the data's aspect, so
    # equal units need no layout engine, and every save gives the same bytes.
    left, gap, right = 0.6, 0.25, 0.15                 # y label and ticks, between panels, edge
    bottom, top = 0.82, 0.34 + (0.3 if title else 0.0)  # x ticks, label and legend; titles
    width, height, lo, hi = _fit_box(*_limits(points), max_width=(WIDTH - left - gap - right) / 2,
                                     max_height=height, min_width=2.0, min_height=1.4)
    fig_h = bottom + height + top
    left += (WIDTH - left - gap - right - 2 * width) / 2      # centre narrow panels
    with style():
        fig = LabFigure(figsize=(WIDTH, fig_h))
        axes = [fig.add_axes(((left + i * (width + gap)) / WIDTH, bottom / fig_h, width / WIDTH,
                              height / fig_h)) for i in range(2)]
        for ax, labels, name in zip(axes, (truth, pred), ("Ground truth", "Predict result")):
            _scatter(ax, points, labels, colors, size)
            ax.set_xlim(lo[0], hi[0])
            ax.set_ylim(lo[1], hi[1])
            ax.set_aspect("equal", adjustable="box")
            _same_ticks(ax, lo, hi, width)
            ax.set_xlabel(xlabel)
            ax.set_title(name)
        axes[0].set_ylabel(ylabel)
        axes[1].tick_params(labelleft=False)
        axes[1].set_title(f"Predict result ({int(wrong.sum())} misclassified)")
        handles = [Line2D([], [], linestyle="", marker="o", markersize=6, color=colors[c % len(colors)],
                          label=f"label {c}") for c in np.unique(np.concatenate([truth, pred]))]
        if wrong.any():
            axes[1].scatter(points[wrong, 0], points[wrong, 1], s=size * 4, facecolors="none",
                            edgecolors="black", linewidths=1.0, zorder=4)
            handles.append(Line2D([], [], linestyle="", marker="o", markersize=9, markerfacecolor="none",
                                  markeredgecolor="black", label="misclassified"))
        fig.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 0.02 / fig_h),
                   ncols=min(len(handles), 6), borderaxespad=0.0)
        if title:
            fig.suptitle(title, y=1 - 0.06 / fig_h, va="top")
    return _finish(fig, path)


def _plane_figure(aspect, colorbar):
    """A figure with one equal-aspect axes (and a colorbar axes) placed by hand, in inches.

    The figure is sized to the data's aspect (height / width), so the axes box needs no
    shrinking and no layout engine runs: layout engines do not settle on equal-aspect
    axes, and every save would then move them a little.
    """
    left, right, bottom, top = 0.62, 0.15, 0.5, 0.32
    height = 2.9
    width = float(np.clip(height / aspect, 1.8, 4.6))
    height = float(np.clip(width * aspect, 1.2, 4.0))
    extra = 0.15 + 0.12 + 0.6 if colorbar else 0.0      # gap, bar, tick labels and label
    fig_w, fig_h = left + width + right + extra, bottom + height + top
    with style():
        fig = LabFigure(figsize=(fig_w, fig_h))
        ax = fig.add_axes((left / fig_w, bottom / fig_h, width / fig_w, height / fig_h))
        cax = fig.add_axes(((left + width + 0.15) / fig_w, bottom / fig_h, 0.12 / fig_w,
                            height / fig_h)) if colorbar else None
    return fig, ax, cax


PROBABILITY_LEVELS = np.linspace(0, 1, 11)             # the filled contours of P(y = 1)
PROBABILITY_TICKS = [0, 0.25, 0.5, 0.75, 1]


def decision_boundary(model, x, y, resolution=200, title=None, path=None, ax=None, model_index=None,
                      colorbar=True):
    """What the model predicts over the plane around 2-D data, with the data on top.

    model: a network mapping (N, 2) to (N, 1) probabilities or (N, K) logits; stacked
    models (model.models = M) show model ``model_index`` (default 0).
    x: (N, 2), y: (N,) or (N, 1) labels. One output: P(y = 1) as filled contours, the
    0.5 contour and a colorbar; K outputs: the argmax regions. The plane is the one
    comparison shows, with the same ticks on both axes. ax: draw into this Axes instead
    of a new figure. colorbar=False leaves the bar out: for a grid of panels, draw each
    with colorbar=False and add one shared bar with ``probability_colorbar(fig, axes)``.
    Returns the Figure.
    """
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2 or x.shape[1] != 2:
        raise ValueError(f"decision_boundary: needs 2-D inputs (N, 2), got {x.shape}")
    if not isinstance(resolution, (int, np.integer)) or resolution < 2:
        raise ValueError(f"decision_boundary: resolution must be an integer >= 2, got {resolution!r}")
    labels = _labels_of(y, "decision_boundary y")
    lo, hi = _limits(x)
    g0, g1 = np.meshgrid(np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution))
    out = np.asarray(model.forward(np.column_stack([g0.ravel(), g1.ravel()])))
    if out.ndim == 3:
        m = 0 if model_index is None else model_index
        if not 0 <= m < out.shape[0]:
            raise ValueError(f"decision_boundary: model_index {m} out of range for {out.shape[0]} models")
        out = out[m]
    elif model_index not in (None, 0):
        raise ValueError("decision_boundary: model_index given but the model is not stacked")

    binary = out.shape[1] == 1
    cax = None
    if ax is None:
        fig, ax, cax = _plane_figure((hi[1] - lo[1]) / (hi[0] - lo[0]), colorbar=binary and colorbar)
    fig = ax.figure
    with style():
        if binary:
            p = out[:, 0].reshape(g0.shape)
            label = "P(y = 1)"
            if p.min() < 0 or p.max() > 1:
                p, label = np.clip(p, 0, 1), "model output (clipped to [0, 1])"
            filled = ax.contourf(g0, g1, p, levels=PROBABILITY_LEVELS, cmap="RdBu", alpha=0.55)
            ax.contour(g0, g1, p, levels=[0.5], colors="black", linewidths=1.0)
            if colorbar:
                if cax is None:                        # a given axes: the bar follows its box
                    cax = ax.inset_axes((1.04, 0.0, 0.05, 1.0))
                fig.colorbar(filled, cax=cax, label=label, ticks=PROBABILITY_TICKS)
            colors = class_colors(2)
        else:
            k = out.shape[1]
            colors = class_colors(max(k, int(labels.max(initial=0)) + 1))
            region = out.argmax(axis=1).reshape(g0.shape)
            ax.contourf(g0, g1, region, levels=np.arange(k + 1) - 0.5,
                        cmap=ListedColormap(colors[:k]), alpha=0.35)
        ax.grid(False)
        _scatter(ax, x, labels, colors, _marker_size(len(x)), edge="black")
        ax.set_xlim(lo[0], hi[0])
        ax.set_ylim(lo[1], hi[1])
        ax.set_aspect("equal", adjustable="box")
        _same_ticks(ax, lo, hi, ax.get_position().width * fig.get_figwidth())
        ax.set_xlabel("$x_1$")
        ax.set_ylabel("$x_2$")
        ax.set_title(title or ("Decision boundary (P = 0.5)" if binary else "Decision regions (argmax)"))
    return _finish(fig, path)


def probability_colorbar(fig, axes, label="P(y = 1)"):
    """One P(y = 1) colorbar beside a grid of decision_boundary panels drawn with
    colorbar=False (instead of one bar per panel). axes: an Axes or a list or array of
    them (hidden ones are skipped); the bar spans them on the right, so use it with the
    figure's layout engine ("constrained" or "compressed"). Returns the Colorbar.

        fig = Figure(figsize=(plots.WIDTH, 4), layout="compressed")
        axes = fig.subplots(2, 3)
        for ax, (model, title) in zip(axes.ravel(), panels):
            plots.decision_boundary(model, x, y, ax=ax, title=title, colorbar=False)
        plots.probability_colorbar(fig, axes)
    """
    shown = [ax for ax in np.ravel(np.asarray(axes, dtype=object)) if ax.get_visible()]
    filled = next((artist for ax in shown for artist in ax.collections
                   if isinstance(artist, ContourSet) and artist.filled
                   and np.array_equal(artist.levels, PROBABILITY_LEVELS)), None)
    if filled is None:
        raise ValueError("probability_colorbar: none of the axes has a decision_boundary "
                         "panel of a one-output (probability) model")
    with style():
        return fig.colorbar(filled, ax=shown, label=label, ticks=PROBABILITY_TICKS,
                            shrink=0.9, aspect=30)


def _downsample(values, max_points=MAX_POINTS):
    """Indices of at most ~max_points entries of a 1-D series that keep its shape: the first
    and last, and the min and max of each of max_points/2 equal buckets (spikes survive)."""
    n = len(values)
    if n <= max_points:
        return np.arange(n)
    buckets = max(max_points // 2 - 1, 1)
    size = -(-n // buckets)
    padded = np.full(buckets * size, np.nan)
    padded[:n] = values
    padded = padded.reshape(buckets, size)
    offsets = np.arange(buckets) * size
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        finite = np.isfinite(padded).any(axis=1)
        filled = np.where(np.isfinite(padded), padded, np.nanmean(padded[finite]) if finite.any() else 0)
    picks = np.concatenate([[0, n - 1], offsets + filled.argmin(axis=1), offsets + filled.argmax(axis=1)])
    return np.unique(np.clip(picks, 0, n - 1))


def _series(values, band):
    """(centre, low, high) of a (E,) or (E, M) record; low/high None for a single model."""
    values = np.asarray(values, dtype=np.float64)
    if values.ndim == 1:
        return values, None, None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)   # all-nan epochs (every model diverged)
        centre = np.nanmean(values, axis=1)
        if band == "std":
            spread = np.nanstd(values, axis=1)
            return centre, centre - spread, centre + spread
        return centre, np.nanmin(values, axis=1), np.nanmax(values, axis=1)


def _text_width(text, size):
    """Width in inches of text (lines split at newlines) in the default font at size points,
    measured from the font itself: no renderer, the same on every machine with that font."""
    widths = [0.0]
    for line in text.split("\n"):
        ismath = line.count("$") >= 2 and line.count("$") % 2 == 0
        widths.append(_TEXT_TO_PATH.get_text_width_height_descent(
            line, FontProperties(size=size), ismath=ismath)[0])
    return max(widths) / 72.0


_TEXT_TO_PATH = TextToPath()
# matplotlib's legend geometry, in font sizes (rcParams legend.handlelength + handletextpad,
# columnspacing, borderpad, labelspacing)
_LEGEND_ENTRY, _LEGEND_COLUMN_GAP, _LEGEND_BORDER, _LEGEND_ROW_GAP = 2.0 + 0.8, 2.0, 0.4, 0.5


def _legend_columns(names, ncols):
    """The names of each column, as Legend fills them (the first len % ncols columns get the
    extra entry)."""
    return [list(column) for column in np.array_split(np.array(names, dtype=object), ncols)
            if len(column)]


def _legend_width(names, ncols, size):
    em = size / 72.0
    columns = _legend_columns(names, ncols)
    return (sum(_LEGEND_ENTRY * em + max(_text_width(n, size) for n in column) for column in columns)
            + (len(columns) - 1) * _LEGEND_COLUMN_GAP * em + 2 * _LEGEND_BORDER * em)


def _legend_layout(names, width, size, max_cols=4):
    """(names, ncols) of a legend set in rows below the axes that fits in width inches: the
    fewest columns that need no more rows than the most columns that fit; labels are wrapped
    only when even one column is too wide."""
    fitting = [n for n in range(1, min(len(names), max_cols) + 1) if _legend_width(names, n, size) <= width]
    if fitting:
        rows = -(-len(names) // max(fitting))
        return list(names), min(n for n in fitting if -(-len(names) // n) == rows)
    wrapped = []
    for name in names:
        chars = len(name)
        while chars > 8 and _legend_width([name], 1, size) > width:
            chars -= 2
            name = textwrap.fill(name.replace("\n", " "), chars)
        wrapped.append(name)
    return wrapped, 1


def _legend_extra_height(names, ncols, size):
    """Inches a legend of names in ncols columns is taller than one of a single row."""
    line, gap = 1.2 * size / 72.0, _LEGEND_ROW_GAP * size / 72.0
    heights = [sum(name.count("\n") + 1 for name in column) * line + (len(column) - 1) * gap
               for column in _legend_columns(names, ncols)]
    return max(heights) - line


def learning_curves(runs, path=None, title=None, validation=True, band="minmax", max_points=MAX_POINTS,
                    colors=None, accuracy_from=1):
    """Loss and accuracy per epoch of one History or of a dict {label: History}.
    colors: {label: colour} (e.g. from ``sweep_colors``), so that one setting has one
    colour in every figure of a study; labels missing from it take the run palette.

    Labels that are registry names ("relu", "adam") are shown as ``pretty`` names. The
    legend, below the axes, gets as many columns as fit the figure's width, and the figure
    grows by its extra rows.

    Training is solid, validation dashed (when recorded and validation=True). A stacked
    History (loss (epochs, M)) is drawn as the mean over models with a shaded band:
    band="minmax" (min to max over models) or "std" (mean +- 1 standard deviation).
    The loss axis turns logarithmic when the values span more than two decades. The accuracy
    axis spans the curves from epoch accuracy_from on (earlier, lower points run off its
    bottom), so late differences of a point or two stay visible. Each line keeps at most
    ~max_points points (the first and last epoch always). Returns the Figure.
    """
    if band not in ("minmax", "std"):
        raise ValueError(f"learning_curves: band must be 'minmax' or 'std', got {band!r}")
    if not isinstance(runs, dict):
        runs = {None: runs}
    if not runs:
        raise ValueError("learning_curves: no runs given")
    stacked = False
    fig = _new_figure(WIDTH, 2.8)
    positive, shown_accuracy = [], []
    with style():
        loss_ax, acc_ax = fig.subplots(1, 2)
        for i, (label, history) in enumerate(runs.items()):
            color = (colors or {}).get(label, RUN_COLORS[i % len(RUN_COLORS)])
            parts = [("training", "-", history.loss, history.accuracy)]
            if validation and len(history.val_loss):
                parts.append(("validation", "--", history.val_loss, history.val_accuracy))
            for part, linestyle, loss_values, acc_values in parts:
                name = part if label is None else f"{pretty(label)} ({part})"
                if history.stacked:
                    name += f", {history.models} models"
                    stacked = True
                for ax, values, scale in ((loss_ax, loss_values, 1.0), (acc_ax, acc_values, 100.0)):
                    centre, low, high = _series(values, band)
                    if not len(centre):
                        continue
                    keep = _downsample(centre, max_points)
                    epochs = keep + 1
                    ax.plot(epochs, centre[keep] * scale, linestyle=linestyle, color=color, label=name)
                    if low is not None:
                        ax.fill_between(epochs, low[keep] * scale, high[keep] * scale, color=color,
                                        alpha=0.12 if linestyle == "-" else 0.06, linewidth=0)   # the mean shows through
                    if ax is loss_ax:
                        finite = centre[np.isfinite(centre) & (centre > 0)]
                        positive.extend([finite.min(), finite.max()] if len(finite) else [])
                    else:
                        late = [v[accuracy_from - 1:] for v in (centre, low, high) if v is not None]
                        late = np.concatenate(late) * scale if late else np.array([])
                        shown_accuracy.extend(late[np.isfinite(late)])
        if positive and max(positive) > 100 * min(positive):
            loss_ax.set_yscale("log")
            low, high = np.floor(np.log10(min(positive))), np.ceil(np.log10(max(positive)))
            if high - low > 12:      # one tick every few decades, none past the float range
                step = np.ceil((high - low) / 6)
                loss_ax.yaxis.set_major_locator(FixedLocator(10.0 ** np.arange(low, min(high + step, 308), step)))
                loss_ax.yaxis.set_minor_locator(NullLocator())
                loss_ax.set_ylim(10.0 ** low, 10.0 ** min(high, 307))
        loss_ax.set_title("Loss")
        loss_ax.set_ylabel("loss")
        acc_ax.set_title("Accuracy")
        acc_ax.set_ylabel("accuracy (%)")
        if accuracy_from > 1 and shown_accuracy:
            lo, hi = min(shown_accuracy), max(shown_accuracy)
            pad = max(0.08 * (hi - lo), 0.5)
            acc_ax.set_ylim(lo - pad, min(hi + pad, 100.0 + pad))
        for ax in (loss_ax, acc_ax):
            ax.set_xlabel("epoch")
        for ax in (loss_ax, acc_ax):
            ax.xaxis.set_major_formatter(EngFormatter(sep=""))     # 20k, 100k: no crowded ticks
        handles, names = loss_ax.get_legend_handles_labels()
        if stacked:
            handles.append(Patch(color="0.5", alpha=0.3, linewidth=0))
            names.append("mean over models, band " + ("min–max" if band == "minmax" else "±1 std"))
        if len(handles) > 1:
            # As many columns as fit the figure's width (less the layout's padding), and the
            # figure taller by the legend's extra rows, so the legend is never clipped and the
            # axes keep their size.
            size = STYLE["legend.fontsize"]
            names, ncols = _legend_layout(names, WIDTH - 0.25, size)
            fig.set_size_inches(WIDTH, 2.8 + _legend_extra_height(names, ncols, size))
            fig.legend(handles, names, loc="outside lower center", ncols=ncols)
        if title:
            fig.suptitle(title)
    return _finish(fig, path)


def activation_functions(names=("sigmoid", "tanh", "relu", "leaky_relu", "identity"), path=None,
                         x_range=(-5.0, 5.0)):
    """Each activation next to its derivative, both computed by the library's modules:
    f from ``forward`` and f' from ``backward`` of a gradient of ones. Panels are titled
    with ``pretty`` names ("ReLU", "ReLU′"). Returns the Figure."""
    names = list(names)
    if not names:
        raise ValueError("activation_functions: no activation names given")
    modules = [nn.activation(name) for name in names]   # unknown names raise, listing choices
    x = np.linspace(x_range[0], x_range[1], 1001)[:, None]
    pairs_per_row = 1 if len(names) == 1 else 2
    rows = -(-len(names) // pairs_per_row)
    fig = _new_figure(WIDTH if pairs_per_row == 2 else WIDTH / 2, 1.45 * rows + 0.1)
    with style():
        axes = np.atleast_2d(fig.subplots(rows, 2 * pairs_per_row))
        for ax in axes.ravel()[2 * len(names):]:
            ax.set_visible(False)
        for i, (name, module) in enumerate(zip(names, modules)):
            label = pretty(name) if isinstance(name, str) else type(name).__name__
            f = module.forward(x.copy())
            df = module.backward(np.ones_like(x))
            ax_f, ax_df = axes.ravel()[2 * i], axes.ravel()[2 * i + 1]
            ax_f.plot(x[:, 0], np.broadcast_to(f, x.shape)[:, 0], color=RUN_COLORS[0])
            ax_df.plot(x[:, 0], np.broadcast_to(df, x.shape)[:, 0], color=RUN_COLORS[1])
            ax_f.set_title(label)
            ax_df.set_title(f"{label}′")
            if getattr(module, "negative_slope", None) is not None:
                ax_f.text(0.04, 0.9, f"slope {module.negative_slope:g}",
                          transform=ax_f.transAxes, fontsize=7, va="top")
            ax_f.set_ylabel("f(x)")
            ax_df.set_ylabel("f′(x)")
            for ax in (ax_f, ax_df):
                ax.set_xlabel("x")
                ax.axhline(0, color="0.6", linewidth=0.5, zorder=0)
                ax.axvline(0, color="0.6", linewidth=0.5, zorder=0)
    return _finish(fig, path)


# --------------------------------------------------------------------------- report figures
# The network diagram, the training-epoch flowchart, and the summary figures of a study
# (one dot per seed against a swept value, colours fixed per value across a study).

def _drawing(height):
    """A figure of the report's width whose one axes spans it, in inches, without axis lines:
    the canvas of the diagrams (architecture, flowchart). Returns (fig, ax)."""
    fig = LabFigure(figsize=(WIDTH, height))
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.set_xlim(0, WIDTH)
    ax.set_ylim(0, height)
    ax.set_axis_off()
    return fig, ax


def _layer_plan(model=None, sizes=None, activations=None, output=None):
    """(sizes, activation names per layer, biases per layer) of an MLP, read from model
    (a Sequential of Linear layers, each followed by its activation) or given directly:
    sizes [2, 4, 4, 1], activations "sigmoid" (every hidden layer) or one per hidden
    layer, output the last layer's activation (default "sigmoid")."""
    if model is not None:
        if sizes is not None or activations is not None or output is not None:
            raise ValueError("architecture: pass either model or sizes/activations/output, not both")
        layers = list(getattr(model, "layers", [model]))
        sizes, names, biases = [], [], []
        for i, layer in enumerate(layers):
            if isinstance(layer, nn.Linear):
                if not sizes:
                    sizes.append(layer.in_features)
                elif layer.in_features != sizes[-1]:
                    raise ValueError(f"architecture: layer {i} takes {layer.in_features} inputs "
                                     f"after a layer of {sizes[-1]} units")
                sizes.append(layer.out_features)
                names.append("identity")
                biases.append(layer.bias is not None)
            elif names and names[-1] == "identity" and len(names) == len(sizes) - 1:
                names[-1] = next((key for key, cls in nn.ACTIVATIONS.items() if type(layer) is cls),
                                 type(layer).__name__)
            else:
                raise ValueError(f"architecture: model layer {i} ({type(layer).__name__}) is "
                                 "not a Linear layer or the activation after one")
        if not sizes:
            raise ValueError("architecture: the model has no Linear layer")
        return sizes, names, biases
    if sizes is None:
        raise ValueError("architecture: pass a model or sizes, e.g. sizes=[2, 4, 4, 1]")
    sizes = list(sizes)
    if len(sizes) < 2 or any(not isinstance(s, (int, np.integer)) or s <= 0 for s in sizes):
        raise ValueError(f"architecture: sizes must be at least two positive integers, got {sizes}")
    hidden = len(sizes) - 2
    if activations is None or isinstance(activations, str):
        activations = [activations or "sigmoid"] * hidden
    activations = list(activations)
    if len(activations) != hidden:
        raise ValueError(f"architecture: {hidden} hidden layers need {hidden} activations, "
                         f"got {len(activations)}")
    for name in [*activations, output or "sigmoid"]:
        nn.activation(name)                               # unknown names raise, listing choices
    return sizes, [*activations, output or "sigmoid"], [True] * (len(sizes) - 1)


ACTIVATION_SYMBOLS = {"sigmoid": "σ", "tanh": "tanh", "relu": "ReLU", "leaky_relu": "LReLU",
                      "identity": "id"}
MAX_DRAWN_UNITS = 8                                      # wider layers show their ends and "⋮"


def _drawn_units(n):
    """Indices of the units drawn for a layer of n units (None marks the "⋮" gap)."""
    if n <= MAX_DRAWN_UNITS:
        return list(range(n))
    return [0, 1, 2, None, n - 3, n - 2, n - 1]


def architecture(model=None, sizes=None, activations=None, output=None, title=None, path=None):
    """The network as a diagram: one column of units per layer, every weight as a line,
    each layer's bias as a "+1" unit (dashed) above the column it follows, each unit
    marked with its activation, under each column its name, size and activation, and
    between columns the weight matrix W_k (in x out), the bias b_k and their count.
    Read from model (lab1.nn.mlp or any Sequential of Linear + activation pairs), or drawn
    from sizes=[2, 4, 4, 1] with activations (a name, or one per hidden layer) and output
    (default "sigmoid"). Layers wider than 8 units show their first and last three.
    Returns the Figure.
    """
    sizes, names, biases = _layer_plan(model, sizes, activations, output)
    columns = len(sizes)
    drawn = [_drawn_units(n) for n in sizes]
    tallest = max(len(d) for d in drawn) + 1              # + the bias unit
    pitch = min(0.42, 3.0 / (tallest - 1))                # inches between units: at most ~3.8 in tall
    radius = min(0.15, 0.36 * pitch)
    head = 0.35 if title is not False else 0.05
    foot = 0.72                                           # three lines of column captions
    fig_h = head + tallest * pitch + 0.2 + foot
    margin = 0.45
    xs = np.linspace(margin, WIDTH - margin, columns)
    centre = foot + 0.2 + (tallest - 1) * pitch / 2       # y of the middle of the unit columns
    with style():
        fig, ax = _drawing(fig_h)
        positions, bias_at = [], []
        for layer, units in enumerate(drawn):
            ys = [centre - pitch / 2 + ((len(units) - 1) / 2 - i) * pitch for i in range(len(units))]
            positions.append([(xs[layer], y) for unit, y in zip(units, ys) if unit is not None])
            for unit, y in zip(units, ys):
                if unit is None:
                    ax.text(xs[layer], y, "⋮", ha="center", va="center", fontsize=10)
            bias_at.append((xs[layer], ys[0] + pitch))
        for layer in range(columns - 1):                  # weights, then biases, under the units
            for x0, y0 in positions[layer]:
                for x1, y1 in positions[layer + 1]:
                    ax.plot([x0, x1], [y0, y1], color="0.65", linewidth=0.5, zorder=1)
            if biases[layer]:
                bx, by = bias_at[layer]
                for x1, y1 in positions[layer + 1]:
                    ax.plot([bx, x1], [by, y1], color=OKABE_ITO[3], linewidth=0.6, linestyle="--",
                            zorder=1)
                ax.add_patch(matplotlib.patches.Circle((bx, by), radius * 0.85, facecolor="white",
                                                       edgecolor="0.35", linestyle="--", zorder=3))
                ax.text(bx, by, "+1", ha="center", va="center", fontsize=7.5, zorder=4)
        for layer, points in enumerate(positions):
            face = "white" if layer == 0 else ("#E8F1FA" if layer < columns - 1 else "#FBE9E0")
            mark = "" if layer == 0 else ACTIVATION_SYMBOLS.get(names[layer - 1], names[layer - 1])
            for i, (x0, y0) in enumerate(points):
                ax.add_patch(matplotlib.patches.Circle((x0, y0), radius, facecolor=face,
                                                       edgecolor="0.2", linewidth=0.8, zorder=3))
                text = (f"$x_{{{i + 1}}}$" if sizes[0] <= MAX_DRAWN_UNITS else "") if layer == 0 else mark
                ax.text(x0, y0, text, ha="center", va="center", zorder=4,
                        fontsize=8.5 if len(mark) <= 2 or layer == 0 else 6)
        for layer, n in enumerate(sizes):
            if layer == 0:
                name, detail = "input", "features"
            else:
                name = "output" if layer == columns - 1 else f"hidden {layer}"
                detail = pretty(names[layer - 1])
            ax.text(xs[layer], foot, f"{name}\n{n} unit{'s' * (n != 1)}\n{detail}", ha="center",
                    va="top", fontsize=9, linespacing=1.2)
        for layer in range(columns - 1):
            n_in, n_out = sizes[layer], sizes[layer + 1]
            count = n_in * n_out + (n_out if biases[layer] else 0)
            text = f"$W_{{{layer + 1}}}$: {n_in}×{n_out}"
            text += f", $b_{{{layer + 1}}}$: {n_out}" if biases[layer] else ""
            ax.text((xs[layer] + xs[layer + 1]) / 2, foot - 0.12, f"{text}\n{count:,} parameters",
                    ha="center", va="top", fontsize=8, color="0.3", linespacing=1.2)
        total = sum(a * b + (b if bias else 0) for a, b, bias in zip(sizes[:-1], sizes[1:], biases))
        if title is not False:
            heading = title or (" → ".join(str(n) for n in sizes) + f" network, {total:,} parameters")
            ax.text(WIDTH / 2, fig_h - 0.06, heading, ha="center", va="top",
                    fontsize=STYLE["axes.titlesize"])
    return _finish(fig, path)


FIT_OPTIONS = ("loss", "optimizer", "lr", "epochs", "batch_size", "shuffle", "validation",
               "stop_when_perfect", "patience", "raise_on_divergence", "log_every")


def _optimizer_text(optimizer, lr):
    """'SGD, η = 1' from an Optimizer instance or a registry name and lr."""
    if optimizer is None:
        name, lr = "SGD", 0.1 if lr is None else lr       # fit's default
    elif isinstance(optimizer, str):
        name = pretty(optimizer)
    else:
        name = type(optimizer).__name__
        momentum = getattr(optimizer, "momentum", 0.0)
        if name == "SGD" and momentum:
            name = f"SGD + momentum μ = {momentum:g}"
        lr = optimizer.lr if lr is None else lr
    if lr is None:
        return name
    lr = np.asarray(lr, dtype=float)
    rate = f"{float(lr):g}" if lr.ndim == 0 else (
        f"{lr.min():g}" if lr.min() == lr.max() else f"{lr.min():g}…{lr.max():g} per model")
    return f"{name}, η = {rate}"


def training_flowchart(title=None, path=None, **fit_options):
    """One epoch of ``fit`` as a flowchart, drawn from the options given to fit (the same
    keywords: loss, optimizer (an Optimizer or a name, with lr), epochs, batch_size,
    validation, stop_when_perfect, patience, raise_on_divergence): forward pass, loss,
    backward pass, update, then the stop rules in the order fit applies them, only those
    in effect: divergence (a non-finite loss), 100% training accuracy, validation
    patience, the epoch limit. Returns the Figure.

        options = dict(loss="mse", epochs=5000, stop_when_perfect=True)
        history = fit(model, x, y, optimizer=opt, **options)
        plots.training_flowchart(optimizer=opt, **options)
    """
    unknown = sorted(set(fit_options) - set(FIT_OPTIONS))
    if unknown:
        raise ValueError(f"training_flowchart: unknown option(s) {unknown}; fit's options are "
                         f"{list(FIT_OPTIONS)}")
    loss = fit_options.get("loss", "mse")
    loss_name = pretty(loss) if isinstance(loss, str) else type(loss).__name__
    epochs = fit_options.get("epochs", 1000)
    batch_size = fit_options.get("batch_size")
    validation = fit_options.get("validation") is not None and fit_options.get("validation") is not False
    patience = fit_options.get("patience")
    perfect = bool(fit_options.get("stop_when_perfect", False))
    raise_on = bool(fit_options.get("raise_on_divergence", False))
    if patience is not None and not validation:
        raise ValueError("training_flowchart: patience needs validation (as in fit)")
    batches = "full batch" if batch_size is None else (
        "one sample at a time" if batch_size == 1 else f"mini-batches of {batch_size}")
    steps = [
        ("Forward pass", f"$\\hat{{y}} = f(X;\\,\\theta)$\n{batches}"),
        ("Loss", f"$L = $ {loss_name}$(\\hat{{y}}, y)$\naccuracy of $\\hat{{y}}$"),
        ("Backward pass", "$\\nabla_\\theta L$ by the chain\nrule, last layer first"),
        ("Update", "$\\theta \\leftarrow \\theta - \\eta\\,\\nabla_\\theta L$\n"
                   + _optimizer_text(fit_options.get("optimizer"), fit_options.get("lr"))),
    ]
    if validation:
        steps.append(("Validation", "loss and accuracy\nafter the update"))
    # in the order fit applies them
    checks = [("loss finite?", "no", "stop: diverged" + (" (raise)" if raise_on else ""))]
    if patience is not None:
        checks.append((f"val. loss stale\n{patience} epochs?", "yes", "stop: patience"))
    if perfect:
        checks.append(("100% training\naccuracy?", "yes", "stop: perfect"))
    checks.append((f"epoch = {epochs:,}?", "yes", "stop: completed"))

    columns = max(len(steps), len(checks))
    box_w, box_h = min(1.12, (WIDTH - 0.45) / columns - 0.2), 0.62
    left = 0.32 + box_w / 2                               # room on the left for the loop back
    pitch = (WIDTH - 0.1 - box_w / 2 - left) / max(columns - 1, 1)
    head = 0.22 if title else 0.0
    fig_h = 2.75 + head
    diamond_w = min(box_w / 2 + 0.06, pitch / 2 - 0.14)      # half width; arrows between
    row1, row2, row3 = fig_h - head - 0.62, 1.2, 0.25
    with style():
        fig, ax = _drawing(fig_h)

        def box(x, y, text, body=None, face="#E8F1FA", height=box_h, diamond=False):
            if diamond:
                w, h = diamond_w, height / 2 + 0.04
                ax.add_patch(matplotlib.patches.Polygon(
                    [(x - w, y), (x, y + h), (x + w, y), (x, y - h)], closed=True, facecolor=face,
                    edgecolor="0.25", linewidth=0.8, zorder=2))
            else:
                ax.add_patch(matplotlib.patches.FancyBboxPatch(
                    (x - box_w / 2, y - height / 2), box_w, height, facecolor=face, edgecolor="0.25",
                    boxstyle="round,pad=0.02,rounding_size=0.08", linewidth=0.8, zorder=2))
            if body is None:
                ax.text(x, y, text, ha="center", va="center", fontsize=7 if diamond else 7.5,
                        linespacing=1.15, zorder=3)
                return
            ax.text(x, y + height / 2 - 0.07, text, ha="center", va="top", fontsize=8,
                    fontweight="bold", zorder=3)
            ax.text(x, y - 0.07, body, ha="center", va="center", fontsize=6.5, linespacing=1.2,
                    zorder=3)

        def line(points, label=None, at=0, offset=(0.0, 0.0), head=True):
            """A polyline through points with an arrow head at the end; label beside segment at."""
            xs_, ys_ = zip(*points)
            ax.plot(xs_[:-1 if head else None], ys_[:-1 if head else None], color="0.25",
                    linewidth=0.8, zorder=1)
            if head:
                ax.annotate("", xy=points[-1], xytext=points[-2], zorder=1,
                            arrowprops=dict(arrowstyle="-|>", color="0.25", linewidth=0.8,
                                            shrinkA=0, shrinkB=0))
            if label:
                (x0, y0), (x1, y1) = points[at], points[at + 1]
                ax.text((x0 + x1) / 2 + offset[0], (y0 + y1) / 2 + offset[1], label, fontsize=6.5,
                        ha="center", va="center", color="0.2",
                        bbox=dict(facecolor="white", edgecolor="none", pad=0.6), zorder=4)

        xs_steps = [left + i * pitch for i in range(len(steps))]
        for i, (head_text, body) in enumerate(steps):
            box(xs_steps[i], row1, head_text, body)
            if i:
                line([(xs_steps[i - 1] + box_w / 2, row1), (xs_steps[i] - box_w / 2, row1)])
        ax.text(xs_steps[0] - box_w / 2, row1 + box_h / 2 + 0.06, "epoch e = 1, 2, …", fontsize=7,
                ha="left", va="bottom", color="0.2")
        # the checks run right to left under the steps, in the order fit applies them
        xs_checks = [left + (columns - 1 - i) * pitch for i in range(len(checks))]
        line([(xs_steps[-1], row1 - box_h / 2), (xs_checks[0], row2 + box_h / 2 + 0.04)])
        for i, (question, stop_on, stop) in enumerate(checks):
            x = xs_checks[i]
            box(x, row2, question, face="#FFF6D8", diamond=True)
            box(x, row3, stop, face="#FBE9E0", height=0.32)
            line([(x, row2 - box_h / 2 - 0.04), (x, row3 + 0.16)], stop_on, offset=(0.14, 0.0))
            if i + 1 < len(checks):
                line([(x - diamond_w, row2), (xs_checks[i + 1] + diamond_w, row2)],
                     "no" if stop_on == "yes" else "yes")
        # the last check's "no" starts the next epoch: left, up, into the forward pass
        gutter = 0.14
        line([(xs_checks[-1] - diamond_w, row2), (gutter, row2), (gutter, row1),
              (xs_steps[0] - box_w / 2, row1)], "no: next epoch", at=0)
        if title:
            ax.text(WIDTH / 2, fig_h - 0.06, title, ha="center", va="top",
                    fontsize=STYLE["axes.titlesize"])
    return _finish(fig, path)
