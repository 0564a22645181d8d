"""The figures of the report's studies, drawn in lab1.plots' style.

The general figures (comparison, decision_boundary, learning_curves, architecture, ...),
``show``/``save`` and the shared style live in the core (lab1/plots.py); the figures here
draw what only the report's experiments produce: sweeps over one value (``sweep_colors``,
``dots_by_value``), learning-rate selection and seed bands of the Extra section, the
digits of the convolution section, and the comparisons of several data sets or variants.
Each builds a ``matplotlib.figure.Figure``, returns it, and writes it with
``lab1.plots.save`` when ``path=`` is given.
"""
import textwrap

import matplotlib
import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from .. import nn
from ..plots import (OKABE_ITO, RUN_COLORS, WIDTH, LabFigure, _finish, _labels_of, _limits, _marker_size,
                     _new_figure, _plane, _same_ticks, _scatter, class_colors, decision_boundary, pretty,
                     style)


def sweep_colors(values, palette=None):
    """One colour per value of a swept variable, the same in every figure of a study:
    call it once with all the values the study sweeps and pass the dict to each figure.
    Numbers get colours in order of size (a sequential map, dark to light, so order reads
    as order); other values (names) get the Okabe-Ito palette in the order given.
    palette: a list of colours to use instead. Returns {value: colour}.
    """
    values = list(dict.fromkeys(values))                 # unique, first occurrence kept
    if not values:
        raise ValueError("sweep_colors: no values given")
    numeric = all(isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)
                  for v in values)
    ordered = sorted(values) if numeric else values
    if palette is not None:
        palette = list(palette)
        if len(palette) < len(ordered):
            raise ValueError(f"sweep_colors: palette has {len(palette)} colours for "
                             f"{len(ordered)} values")
        colors = palette[:len(ordered)]
    elif numeric:
        cmap = matplotlib.colormaps["viridis"]
        spots = [0.45] if len(ordered) == 1 else np.linspace(0.0, 0.88, len(ordered))
        colors = [matplotlib.colors.to_hex(cmap(s)) for s in spots]
    else:
        colors = class_colors(max(len(ordered), 3))[:len(ordered)] if len(ordered) > 2 else \
            list(OKABE_ITO[:len(ordered)])
    return dict(zip(ordered, colors))


def _value_text(value):
    return f"{value:g}" if isinstance(value, (float, np.floating)) else str(pretty(value))


def dots_by_value(results, xlabel, ylabel, title=None, colors=None, ylim=None, log_y=False,
                  unreached=None, path=None):
    """One dot per seed of a metric against a swept value, one panel per data set, all
    panels on the same y scale, the median of each value as a black bar.

    results: {dataset: {value: per-seed metrics (sequence, nan = no value, e.g. never
    reached 100%)}}, e.g. {"xor": {0.1: [...], 1: [...]}, "linear": {...}}. Values are
    placed evenly in the order given (so 0.01 ... 100 read as a sweep). colors: the
    study's ``sweep_colors`` (default: from these values). unreached: a label for the nan
    entries (e.g. "never 100%"): they are drawn as open markers in a row above the axis
    with their count; default: left out, and counted in the panel title.
    Returns the Figure.
    """
    if not results:
        raise ValueError("dots_by_value: no data sets given")
    panels = list(results.items())
    values = list(dict.fromkeys(v for _, by_value in panels for v in by_value))
    if not values:
        raise ValueError("dots_by_value: no values given")
    colors = sweep_colors(values) if colors is None else colors
    missing = [v for v in values if v not in colors]
    if missing:
        raise ValueError(f"dots_by_value: colors has no colour for {missing}")
    position = {v: i for i, v in enumerate(values)}
    finite_all = np.concatenate([np.asarray(m, dtype=float)[np.isfinite(np.asarray(m, dtype=float))]
                                 for _, by_value in panels for m in by_value.values()] or [[]])
    height = 2.6 + (0.25 if title else 0.0)
    fig = _new_figure(WIDTH, height)
    rng = np.random.default_rng(0)                        # fixed jitter: the same figure every time
    with style():
        axes = np.atleast_1d(fig.subplots(1, len(panels), sharey=True))
        for ax, (dataset, by_value) in zip(axes, panels):
            never = 0
            for value, metrics in by_value.items():
                metrics = np.asarray(metrics, dtype=float).reshape(-1)
                x0 = position[value]
                finite = metrics[np.isfinite(metrics)]
                jitter = rng.uniform(-0.18, 0.18, len(finite)) if len(finite) > 1 else np.zeros(len(finite))
                ax.scatter(x0 + jitter, finite, s=16, color=colors[value], edgecolors="white",
                           linewidths=0.4, zorder=3, alpha=0.9)
                if len(finite):
                    ax.plot([x0 - 0.3, x0 + 0.3], [np.median(finite)] * 2, color="black",
                            linewidth=1.6, zorder=4, solid_capstyle="butt")
                lost = len(metrics) - len(finite)
                never += lost
                if lost and unreached:
                    ax.scatter([x0], [1.05], transform=ax.get_xaxis_transform(), s=18,
                               facecolors="none", edgecolors=colors[value], linewidths=1.0,
                               clip_on=False, zorder=3)
                    ax.text(x0, 1.09, f"{lost}", transform=ax.get_xaxis_transform(), ha="center",
                            va="bottom", fontsize=6.5, color="0.3")
            ax.set_xticks(range(len(values)), [_value_text(v) for v in values])
            ax.set_xlim(-0.6, len(values) - 0.4)
            ax.set_xlabel(xlabel)
            name = {"xor": "XOR", "linear": "Linear"}.get(dataset, str(dataset))
            if never and not unreached:
                name += f" ({never} without a value)"
            ax.set_title(name, pad=20 if unreached else 4)
            ax.grid(axis="x", visible=False)
        axes[0].set_ylabel(ylabel)
        if log_y and (finite_all > 0).any():      # a log axis needs a positive value to scale
            axes[0].set_yscale("log")
            # plain numbers (30, 100, 300), not 3 x 10^1: these axes count epochs and the like
            axes[0].yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
            axes[0].yaxis.set_minor_formatter(FuncFormatter(
                lambda v, _: f"{v:g}" if f"{v:.0e}"[0] in "25" else ""))
        if ylim is not None:
            axes[0].set_ylim(*ylim)
        elif len(finite_all) and log_y and finite_all.min() > 0:
            axes[0].set_ylim(finite_all.min() / 1.5, finite_all.max() * 1.5)
        elif len(finite_all):
            lo, hi = finite_all.min(), finite_all.max()
            pad = 0.06 * (hi - lo) if hi > lo else max(abs(hi) * 0.05, 0.5)
            axes[0].set_ylim(lo - pad, hi + pad)
        handles = [Line2D([], [], color="black", linewidth=1.6, label="median over seeds"),
                   Line2D([], [], linestyle="", marker="o", markersize=4, color="0.4",
                          label="one seed")]
        if unreached:
            handles.append(Line2D([], [], linestyle="", marker="o", markersize=4, markerfacecolor="none",
                                  markeredgecolor="0.4", label=f"{unreached} (count above)"))
        fig.legend(handles=handles, loc="outside lower center", ncols=len(handles))
        if title:
            fig.suptitle(title)
    return _finish(fig, path)


# --------------------------------------------------------------------------- Extra section

def seed_band_losses(runs, title, names, titles, ylabel="training loss (MSE)", path=None, colors=None):
    """Training loss per epoch, one panel per data set: mean over the seeds (line) and min–max
    band. runs: {data set: {key: History (epochs, seeds)}}; names: {key: legend label};
    titles: {data set: panel title}; colors: {key: colour}, the study's (default: RUN_COLORS
    in order). Returns the Figure."""
    fig = Figure(figsize=(WIDTH, 2.7), layout="constrained")
    with style():
        axes = np.atleast_1d(fig.subplots(1, len(runs)))
        for ax, (d, by_key) in zip(axes, runs.items()):
            for i, (key, history) in enumerate(by_key.items()):
                color = colors[key] if colors else RUN_COLORS[i % len(RUN_COLORS)]
                loss = np.where(np.isfinite(history.loss), history.loss, np.nan)
                epoch = np.arange(1, len(loss) + 1)
                ax.fill_between(epoch, np.nanmin(loss, axis=1), np.nanmax(loss, axis=1), color=color,
                                alpha=0.15, linewidth=0)
                ax.plot(epoch, np.nanmean(loss, axis=1), color=color, label=names[key])
            ax.set_yscale("log")
            ax.set_title(titles[d])
            ax.set_xlabel("epoch")
            ax.set_ylabel(ylabel)
        handles, labels = axes[0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside lower center", ncols=min(len(labels), 5))
        fig.suptitle(title)
    return _finish(fig, path)


def lr_selection(means, chosen, grids, names, titles, title, ylabel="training loss (MSE)", path=None,
                 colors=None):
    """Tail loss against learning rate, one panel per data set, one line per key; the chosen
    rate ringed in black, a diverged rate (infinite tail loss) as a cross on the top edge.

    means: {(data set, key): {lr: tail loss}}; chosen: {(data set, key): lr};
    grids: {key: learning rates}; names: {key: label}; titles: {data set: panel title};
    colors: {key: colour}, the study's (default: RUN_COLORS in order).
    """
    from matplotlib.ticker import LogLocator, NullFormatter

    keys = list(names)
    fig = Figure(figsize=(WIDTH, 2.75), layout="constrained")
    finite = [v for tails in means.values() for v in tails.values() if np.isfinite(v)]
    top = max(finite) * 3 if finite else 1.0          # the diverged crosses: one edge for every panel
    with style():
        axes = np.atleast_1d(fig.subplots(1, len(titles), sharey=True))   # panels compared on one scale
        for ax, d in zip(axes, titles):
            for i, k in enumerate(keys):
                color = colors[k] if colors else RUN_COLORS[i % len(RUN_COLORS)]
                lrs = np.array(grids[k], dtype=float)
                loss = np.array([means[d, k][v] for v in grids[k]])
                ok = np.isfinite(loss)
                ax.plot(lrs[ok], loss[ok], "o-", color=color, markersize=3.5, label=names[k])
                if not ok.all():
                    ax.plot(lrs[~ok], np.full((~ok).sum(), top), "x", color=color, markersize=6)
                best = chosen[d, k]
                if np.isfinite(means[d, k][best]):
                    ax.plot([best], [means[d, k][best]], "o", markersize=8, markerfacecolor="none",
                            markeredgecolor="black", markeredgewidth=1.0)
            ax.set_xscale("log")
            ax.xaxis.set_major_locator(LogLocator(base=10, numticks=12))
            ax.set_yscale("log")
            ax.yaxis.set_minor_formatter(NullFormatter())    # decades only: minor labels crowd
            ax.set_title(titles[d])
            ax.set_xlabel("learning rate")
        axes[0].set_ylabel(ylabel)
        handles, labels = axes[0].get_legend_handles_labels()
        handles.append(Line2D([], [], linestyle="", marker="o", markersize=8, markerfacecolor="none",
                              markeredgecolor="black"))
        labels.append("chosen")
        if any(not np.isfinite(v) for tails in means.values() for v in tails.values()):
            handles.append(Line2D([], [], linestyle="", marker="x", color="0.3"))
            labels.append("diverged")
        fig.legend(handles, labels, loc="outside lower center", ncols=(len(labels) + 1) // 2)
        fig.suptitle(title)
    return _finish(fig, path)


def activation_curves(names, x_range=(-3.0, 3.0), path=None, colors=None):
    """f (solid) and f' (dashed) of each activation in one panel per activation, computed by
    the library's modules (forward, and backward of a gradient of ones). colors: {name:
    colour}, the study's (default: f blue, f' vermillion). Returns the Figure."""
    x = np.linspace(x_range[0], x_range[1], 601)[:, None]
    fig = Figure(figsize=(WIDTH, 2.2), layout="constrained")
    with style():
        axes = np.atleast_1d(fig.subplots(1, len(names), sharey=True))
        for ax, name in zip(axes, names):
            module = nn.activation(name)
            f = module.forward(x.copy())
            df = module.backward(np.ones_like(x))
            ax.axhline(0, color="0.6", linewidth=0.5, zorder=0)
            ax.axvline(0, color="0.6", linewidth=0.5, zorder=0)
            f_color, df_color = (colors[name], colors[name]) if colors else RUN_COLORS[:2]
            ax.plot(x[:, 0], f[:, 0], color=f_color, label="$f(x)$")
            ax.plot(x[:, 0], df[:, 0], color=df_color, linestyle="--", label="$f'(x)$")
            slope = getattr(module, "negative_slope", None)
            ax.set_title(pretty(name) + (f" (slope {slope:g})" if slope else ""))
            ax.set_xlabel("$x$")
        axes[0].set_ylim(-1.2, 3.2)
        handles = [Line2D([], [], color="0.3", label="$f(x)$"),
                   Line2D([], [], color="0.3", linestyle="--", label="$f'(x)$")]
        fig.legend(handles=handles, loc="outside lower center", ncols=2)
    return _finish(fig, path)


def mosaic(images, columns, gap=2, top=0, frame=0.15):
    """One array showing images (n, h, w) in a grid: each image inside a one-pixel light grey
    frame, white (NaN) gaps, and ``top`` free rows above each image for a label. One imshow
    instead of n axes. Returns (canvas, cell height, cell width)."""
    n, h, w = images.shape
    rows = -(-n // columns)
    ch, cw = top + h + 2 + gap, w + 2 + gap
    canvas = np.full((rows * ch - gap, columns * cw - gap), np.nan)
    for k, image in enumerate(images):
        r, c = divmod(k, columns)
        y, x = r * ch + top, c * cw
        canvas[y:y + h + 2, x:x + w + 2] = frame
        canvas[y + 1:y + 1 + h, x + 1:x + 1 + w] = image
    return canvas, ch, cw


def _digit_cmap():
    return matplotlib.colormaps["gray_r"].with_extremes(bad="white")


def digit_samples(x, y, per_class=2, path=None):
    """The first per_class images of each class in one row per rank. x (n, 1, h, w), y (n,)."""
    classes = np.unique(y)
    samples = np.stack([x[np.flatnonzero(y == c)[r], 0] for r in range(per_class) for c in classes])
    pixels = x.shape[-1]
    fig = Figure(figsize=(WIDTH, 1.75), layout="constrained")
    with style():
        ax = fig.subplots()
        canvas, _, cw = mosaic(samples, len(classes), gap=1)
        ax.imshow(canvas, cmap=_digit_cmap(), vmin=0, vmax=1)
        ax.set_xticks(np.arange(len(classes)) * cw + 4.5, [str(c) for c in classes])
        ax.set_yticks([])
        ax.tick_params(length=0)
        ax.grid(False)
        for side in ax.spines.values():
            side.set_visible(False)
        ax.set_title(f"Digits: the first {'two' if per_class == 2 else per_class} images of each class "
                     f"({pixels} × {pixels} pixels, white 0, black 1)")
    return _finish(fig, path)


def confusion_and_errors(confusion, images, labels, predicted, title, shown=12, path=None):
    """A confusion matrix (diagonal in blue, errors on orange) beside the first ``shown``
    misclassified images labelled 'true → predicted'. confusion (K, K) counts, rows true;
    images (n, h, w), labels and predicted (n,)."""
    from matplotlib.patches import Rectangle

    k = len(confusion)
    wrong = np.flatnonzero(predicted != labels)
    picked = wrong[:shown]
    fig = Figure(figsize=(WIDTH, 2.9), layout="constrained")
    with style():
        left, right = fig.subfigures(1, 2, width_ratios=[1.05, 1])
        ax = left.subplots()
        # the diagonal (correct) in blue; errors on an orange background, so a single one stands out
        diagonal = np.where(np.eye(k, dtype=bool), confusion, np.nan)
        ax.imshow(diagonal, cmap=matplotlib.colormaps["Blues"].with_extremes(bad="white"), vmin=0)
        error_color = RUN_COLORS[1]
        for i in range(k):
            for j in range(k):
                if i != j and confusion[i, j]:
                    ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, facecolor=error_color,
                                           edgecolor="none", alpha=0.85))
                if confusion[i, j]:
                    ax.text(j, i, str(confusion[i, j]), ha="center", va="center", fontsize=8,
                            color="white" if i != j or confusion[i, j] > confusion.max() / 2 else "black",
                            fontweight="bold" if i != j else "normal")
        ax.set_xticks(range(k))
        ax.set_yticks(range(k))
        ax.set_xlabel("predicted")
        ax.set_ylabel("true")
        ax.grid(False)
        ax.set_title(title)
        if (confusion - np.diag(np.diag(confusion))).any():
            ax.legend(handles=[Patch(color=error_color, label="errors")], loc="upper left",
                      bbox_to_anchor=(1.0, 1.0), frameon=False, handlelength=1.0)
        if len(picked):
            ax = right.subplots()
            columns = len(picked) if len(picked) <= 3 else -(-len(picked) // 2)   # one row, or two even rows
            canvas, ch, cw = mosaic(images[picked], columns, gap=1, top=3)
            ax.imshow(canvas, cmap=_digit_cmap(), vmin=0, vmax=1)
            for n, i in enumerate(picked):
                r, col = divmod(n, columns)
                ax.text(col * cw + 4.5, r * ch + 1.0, f"{labels[i]} → {predicted[i]}", ha="center",
                        va="center", fontsize=8)
            ax.set_axis_off()
            ax.set_title(f"misclassified, true → predicted ({len(wrong)} in all)")
    return _finish(fig, path)


def regions_and_loss(model, x, y, loss, classes, path=None):
    """Decision regions of a K-class model (left, with a class legend) beside its training loss
    per epoch against ln K, the loss of a uniform softmax (right). x (n, 2), y (n,)."""
    # two panels placed by hand, in inches: a layout engine does not settle on equal-aspect axes
    width, height, box = WIDTH, 2.45, 1.75
    with style():
        fig = Figure(figsize=(width, height))
        ax_regions = fig.add_axes((0.62 / width, 0.45 / height, box / width, box / height))
        ax_loss = fig.add_axes((3.8 / width, 0.45 / height, (width - 3.9) / width, box / height))
    decision_boundary(model, x, y, ax=ax_regions, title="Regions: argmax of the softmax")
    (x0, x1), (y0, y1) = ax_regions.get_xlim(), ax_regions.get_ylim()
    box_w = min(box * (x1 - x0) / (y1 - y0), 2.0)        # the plane's own aspect, at the loss panel's height
    ax_regions.set_position((0.62 / width, 0.45 / height, box_w / width, box / height))
    class_handles = [Line2D([], [], linestyle="", marker="o", markersize=5, markeredgecolor="black",
                            markeredgewidth=0.5, color=color, label=f"class {c}")
                     for c, color in enumerate(class_colors(classes))]
    with style():
        ax_regions.legend(handles=class_handles, loc="upper left", bbox_to_anchor=(1.02, 1.0), frameon=False,
                          handletextpad=0.2, borderaxespad=0.0, fontsize=8)
        epoch = np.arange(1, len(loss) + 1)
        ax_loss.plot(epoch, loss, color=RUN_COLORS[0], label="training loss")
        ax_loss.axhline(np.log(classes), color="0.5", linestyle="--", linewidth=0.8,
                        label=f"$\\ln\\,{classes}$: uniform softmax")
        ax_loss.set_yscale("log")
        ax_loss.set_xlabel("epoch")
        ax_loss.set_ylabel("cross-entropy loss")
        ax_loss.set_title("Training loss")
        ax_loss.legend(loc="center right")
    return _finish(fig, path)


def comparisons(panels, height=1.35, path=None):
    """Ground truth next to prediction for several data sets in one row (two panels each),
    with the same markings as ``comparison`` (misclassified points ringed, their count in the
    prediction's title). panels: {title: (x (N, 2), y_true, y_pred)}. Returns the Figure."""
    if not panels:
        raise ValueError("comparisons: no data sets given")
    count = 2 * len(panels)
    left, gap, pair_gap, right, bottom, top = 0.45, 0.12, 0.35, 0.1, 0.72, 0.55
    width = (WIDTH - left - right - (len(panels) - 1) * pair_gap - len(panels) * gap) / count
    side = min(width, height)
    fig_h = bottom + side + top
    with style():
        fig = LabFigure(figsize=(WIDTH, fig_h))
        x0, handles = left, {}
        for title, (x, y_true, y_pred) in panels.items():
            truth, pred = _labels_of(y_true, "comparisons y_true"), _labels_of(y_pred, "comparisons y_pred")
            points, (xlabel, ylabel) = _plane(x)
            if not len(points) == len(truth) == len(pred):
                raise ValueError(f"comparisons: {title}: x, y_true, y_pred have {len(points)}, "
                                 f"{len(truth)}, {len(pred)} samples")
            colors = class_colors(int(max(truth.max(initial=0), pred.max(initial=0))) + 1)
            size = _marker_size(len(points)) * 0.5
            lo, hi = _limits(points)
            wrong = truth != pred
            for k, (labels, name) in enumerate(((truth, "ground truth"),
                                                (pred, f"prediction ({int(wrong.sum())} wrong)"))):
                ax = fig.add_axes(((x0 + k * (side + gap)) / WIDTH, bottom / fig_h, side / WIDTH, side / fig_h))
                _scatter(ax, points, labels, colors, size)
                if k == 1 and wrong.any():
                    ax.scatter(points[wrong, 0], points[wrong, 1], s=size * 4, facecolors="none",
                               edgecolors="black", linewidths=0.8, zorder=4)
                    handles["misclassified"] = Line2D([], [], linestyle="", marker="o", markersize=7,
                                                      markerfacecolor="none", markeredgecolor="black",
                                                      label="misclassified")
                ax.set_xlim(lo[0], hi[0])
                ax.set_ylim(lo[1], hi[1])
                ax.set_aspect("equal", adjustable="box")
                _same_ticks(ax, lo, hi, side)
                ax.set_title(f"{title}\n{name}", fontsize=8, linespacing=1.1)
                ax.set_xlabel(xlabel)
                ax.tick_params(labelsize=7, labelleft=(x0 == left and k == 0))
                if x0 == left and k == 0:
                    ax.set_ylabel(ylabel)
                for c in np.unique(labels):
                    handles.setdefault(f"label {c}", Line2D([], [], linestyle="", marker="o", markersize=5,
                                                            color=colors[c % len(colors)], label=f"label {c}"))
            x0 += 2 * side + gap + pair_gap
        ordered = sorted(handles.values(), key=lambda h: (h.get_label() == "misclassified", h.get_label()))
        fig.legend(handles=ordered, loc="lower center", bbox_to_anchor=(0.5, 0.02 / fig_h),
                   ncols=len(ordered), borderaxespad=0.0)
    return _finish(fig, path)


def accuracy_by_variant(panels, bounds, colors=None, ylabel="training accuracy (%)", path=None):
    """Final accuracy of each variant against its learning rates, one dot per seed, one panel
    per data set on one y scale, with the best accuracy any straight line reaches drawn as a
    dashed line and each setting's median as a black bar.

    panels: {dataset: {variant label: {lr: per-seed accuracies in [0, 1], nan = diverged}}};
    bounds: {dataset: best line's accuracy in [0, 1]}. colors: {lr: colour} (default
    sweep_colors of every rate), so each rate has one colour in every panel. Diverged
    seeds are counted above their rate as open markers. Returns the Figure.
    """
    if not panels:
        raise ValueError("accuracy_by_variant: no data sets given")
    missing = [d for d in panels if d not in bounds]
    if missing:
        raise ValueError(f"accuracy_by_variant: bounds has no value for {missing}")
    lrs = [lr for groups in panels.values() for by_lr in groups.values() for lr in by_lr]
    colors = sweep_colors(lrs) if colors is None else colors
    finite = [100 * a for groups in panels.values() for by_lr in groups.values()
              for acc in by_lr.values() for a in np.ravel(acc) if np.isfinite(a)]
    finite += [100 * b for b in bounds.values()]
    fig = _new_figure(WIDTH, 2.9)
    rng = np.random.default_rng(0)                        # fixed jitter: the same figure every time
    with style():
        axes = np.atleast_1d(fig.subplots(1, len(panels), sharey=True))
        for ax, (dataset, groups) in zip(axes, panels.items()):
            x0, ticks, labels = 0, [], []
            for variant, by_lr in groups.items():
                start = x0
                for lr, acc in by_lr.items():
                    acc = 100 * np.asarray(acc, dtype=float).reshape(-1)
                    kept = acc[np.isfinite(acc)]
                    jitter = rng.uniform(-0.2, 0.2, len(kept)) if len(kept) > 1 else np.zeros(len(kept))
                    ax.scatter(x0 + jitter, kept, s=16, color=colors[lr], edgecolors="white",
                               linewidths=0.4, zorder=3)
                    if len(kept):
                        ax.plot([x0 - 0.3, x0 + 0.3], [np.median(kept)] * 2, color="black",
                                linewidth=1.4, zorder=4, solid_capstyle="butt")
                    lost = len(acc) - len(kept)
                    if lost:
                        ax.scatter([x0], [1.0], transform=ax.get_xaxis_transform(), s=18,
                                   facecolors="none", edgecolors=colors[lr], linewidths=1.0,
                                   clip_on=False, zorder=3)
                        ax.text(x0 + 0.12, 1.0, str(lost), transform=ax.get_xaxis_transform(),
                                ha="left", va="center", fontsize=6.5, color="0.3")
                    ticks.append(x0)
                    labels.append(_value_text(lr))
                    x0 += 1
                ax.text((start + x0 - 1) / 2, -0.2, "\n".join(textwrap.wrap(variant, 14)),
                        transform=ax.get_xaxis_transform(), ha="center", va="top", fontsize=8)
                x0 += 0.6                                  # a gap between variants
            ax.axhline(100 * bounds[dataset], color="0.35", linestyle="--", linewidth=1.0, zorder=2)
            ax.set_xticks(ticks, labels)
            ax.set_xlim(-0.6, x0 - 0.6)
            ax.grid(axis="x", visible=False)
            ax.set_title({"xor": "XOR", "linear": "Linear"}.get(dataset, str(dataset)), pad=10)
            ax.text(-0.02, -0.04, "lr", transform=ax.transAxes, ha="right", va="top", fontsize=8)
        axes[0].set_ylabel(ylabel)
        lo, hi = min(finite), max(finite)
        pad = max(0.06 * (hi - lo), 1.0)
        axes[0].set_ylim(lo - pad, hi + pad)
        handles = [Line2D([], [], color="0.35", linestyle="--", label="best straight line"),
                   Line2D([], [], color="black", linewidth=1.4, label="median over seeds"),
                   Line2D([], [], linestyle="", marker="o", markersize=4, color="0.4", label="one seed"),
                   Line2D([], [], linestyle="", marker="o", markersize=4, markerfacecolor="none",
                          markeredgecolor="0.4", label="diverged (count)")]
        fig.legend(handles=handles, loc="outside lower center", ncols=len(handles))
    return _finish(fig, path)
