"""The back-propagation playground: train lab1's networks live in Jupyter and watch them learn.

TensorFlow Playground's controls (data set, layers, activation, learning rate, play) on the
library's own network, with what that playground lacks: several seeds trained together on
the models axis, the gradient reaching each layer, a gradient check, and the ``lab1`` code
that reproduces the setting.

    from lab1.playground import Playground
    Playground()          # the last line of a notebook cell: shows the controls and figures

``Run`` is the training state without any widget (a setting, its stacked network, the curves
and the per-layer signals); ``Playground`` puts widgets and two figures around a Run. The
figures are drawn once and then only updated in place (``set_data``, ``set_offsets``,
``set_segments``), and shown as PNG images, so they work wherever ipywidgets do (JupyterLab,
Notebook, Voila) with no matplotlib widget backend.

This module may import ipywidgets and matplotlib; the network code it drives does not.
"""
import dataclasses
import html
import io
import time
import warnings

import ipywidgets as widgets
import numpy as np
import PIL.Image
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.ticker import FormatStrFormatter, NullFormatter

from .. import data, gradcheck, nn, optim, plots
from ..train import NEVER, DivergenceWarning, fit

GRID = 48              # the plane is drawn as GRID x GRID pixels (decision and unit maps)
MAX_LAYERS = 4         # hidden layers
MAX_UNITS = 16         # units per hidden layer
MAPS_PER_LAYER = 8     # unit maps shown per layer (the first ones)
MAX_SEEDS = 32
MAX_EPOCHS_PER_STEP = 1000
GRADCHECK_POINTS = 50  # the gradient check runs on the first training points
BATCH_ORDER_SEED = 0   # fit(..., rng=0): the order of mini-batches
PLAY_INTERVAL_MS = 200
TICK_BUDGET_S = 0.25   # training time per play tick, at most (about)
CURVE_POINTS = 400     # epochs drawn per curve, evenly spaced
MAX_POINTS_SHOWN = 800  # training points drawn on the plane (every k-th of a larger set)
BOUNDED = {"sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0)}   # unit maps: the colour scale's ends
DPI = 72

# name -> (menu label, the lab1 lines that make x, y and validation)
DATASETS = {
    "xor": ("XOR (the TA's 21 points)", "x, y = data.generate_XOR_easy()\nvalidation = None"),
    "linear": ("linear (100 points)",
               "x, y = data.generate_linear(100, rng=0)\nvalidation = data.generate_linear(100, rng=1000)"),
    "spiral": ("spiral (3 classes, 300 points)",
               "x, y = data.generate_spiral(100, classes=3, noise=0.2, rng=0)\n"
               "(x, y), validation = data.split(x, y, (0.8, 0.2), rng=0)"),
    "uniform": ("uniform (5,000 points)",
                "sets = data.uniform_setup()\n(x, y), validation = sets[\"train\"], sets[\"val\"]"),
}

CLASSES = {"xor": 2, "linear": 2, "spiral": 3, "uniform": 2}

# menu label -> (output activation, loss name)
OUTPUTS = {
    "sigmoid + MSE": ("sigmoid", "mse"),
    "sigmoid + BCE": ("sigmoid", "bce"),
    "softmax + cross-entropy": ("identity", "cross_entropy"),
}


def load_dataset(name):
    """(x (N, 2), y (N, 1) or (N,) labels, validation (x_val, y_val) or None) of a DATASETS name."""
    if name == "xor":
        x, y = data.generate_XOR_easy()
        return x, y, None
    if name == "linear":
        x, y = data.generate_linear(100, rng=0)
        return x, y, data.generate_linear(100, rng=1000)
    if name == "spiral":
        x, y = data.generate_spiral(100, classes=3, noise=0.2, rng=0)
        (x, y), validation = data.split(x, y, (0.8, 0.2), rng=0)
        return x, y, validation
    if name == "uniform":
        sets = data.uniform_setup()
        return sets["train"][0], sets["train"][1], sets["val"]
    raise ValueError(f"dataset must be one of {sorted(DATASETS)}, got {name!r}")


@dataclasses.dataclass(frozen=True)
class Setting:
    """Everything that defines a run. hidden: units per hidden layer; batch_size None for
    the full batch; seeds: networks trained together, seeds 0 .. seeds-1."""

    dataset: str = "xor"
    hidden: tuple = (4, 4)
    activation: str = "sigmoid"
    output: str = "sigmoid + MSE"
    init: str = "normal"
    optimizer: str = "sgd"
    lr: float = 1.0
    batch_size: object = None
    seeds: int = 4
    epochs_per_step: int = 100

    def check(self):
        """This setting with its values as the controls read them; ValueError, naming the
        control, for a value a control refuses or a setting that cannot train."""
        for name, choices in (("dataset", DATASETS), ("activation", nn.ACTIVATIONS), ("output", OUTPUTS),
                              ("init", nn.INITIALIZERS), ("optimizer", optim.OPTIMIZERS)):
            if getattr(self, name) not in choices:
                raise ValueError(f"{name}: {getattr(self, name)!r} is not one of {', '.join(choices)}")
        classes = CLASSES[self.dataset]
        if classes > 2 and OUTPUTS[self.output][1] != "cross_entropy":
            raise ValueError(f"output: {self.output} has one output unit, for two classes; "
                             f"{self.dataset} has {classes}: use softmax + cross-entropy")
        # the values as the controls read them: hidden "4, 4" -> (4, 4), batch_size "full" -> None
        return dataclasses.replace(self, **{name: parse(show(getattr(self, name)))
                                            for name, (parse, show) in PARSERS.items()})

    def sizes(self, classes):
        """Layer sizes: 2 inputs, the hidden layers, 1 output (K logits for cross-entropy)."""
        cross_entropy = OUTPUTS[self.output][1] == "cross_entropy"
        return [2, *self.hidden, max(classes, 2) if cross_entropy else 1]

    def code(self, classes, epochs):
        """The lab1 calls that reproduce this setting trained for epochs epochs."""
        output, loss = OUTPUTS[self.output]
        seeds = list(range(self.seeds))
        return "\n".join([
            "from lab1 import data, nn, optim",
            "from lab1.train import fit",
            "",
            DATASETS[self.dataset][1],
            f"model = nn.mlp({self.sizes(classes)}, activation={self.activation!r}, output={output!r},",
            f"               init={self.init!r}, models={self.seeds}, rng={seeds})",
            f"optimizer = optim.make({self.optimizer!r}, model.parameters(), lr={self.lr!r})",
            f"history = fit(model, x, y, loss={loss!r}, optimizer=optimizer, epochs={epochs},",
            f"              batch_size={self.batch_size!r}, validation=validation, rng={BATCH_ORDER_SEED})",
        ])


def _labels(y):
    return np.asarray(y).reshape(-1).astype(np.int64)


class Run:
    """One setting's stacked network in training, with what the figures show.

    curves[name]: (epochs, M) for "loss", "accuracy", "val_loss", "val_accuracy" (the val
    ones have no rows without validation data; a diverged seed's entries are nan).
    signal_epochs: the S epochs at which deltas were measured (0 first); deltas: S arrays
    (layers, M), the mean |dL/dz| over the training set of each Linear layer's output z
    (hidden layers first, the output layer last); dead: per hidden layer an (M, units) bool
    array, the units whose output is 0 on every training point.
    """

    def __init__(self, setting):
        self.setting = setting
        self.x, self.y, self.validation = load_dataset(setting.dataset)
        self.classes = int(_labels(self.y).max()) + 1
        output, self.loss = OUTPUTS[setting.output]
        self.sizes = setting.sizes(self.classes)
        self.model = nn.mlp(self.sizes, activation=setting.activation, output=output, init=setting.init,
                            models=setting.seeds, rng=list(range(setting.seeds)))
        self.optimizer = optim.make(setting.optimizer, self.model.parameters(), lr=setting.lr)
        self.batch_order = np.random.default_rng(BATCH_ORDER_SEED)
        self.curves = {name: np.zeros((0, setting.seeds)) for name in
                       ("loss", "accuracy", "val_loss", "val_accuracy")}
        self.epoch, self.diverged, self.seconds = 0, np.zeros(setting.seeds, dtype=bool), 0.0
        self.last_epochs = 0       # epochs of the last step, which took seconds
        self.messages = []
        self.signal_epochs, self.deltas = [], []
        self._measure()

    @property
    def models(self):
        return self.setting.seeds

    def step(self, epochs):
        """Train every seed for epochs more epochs (fewer if all diverge). Returns self."""
        started = time.perf_counter()
        gone = self.diverged.copy()
        # fit refuses NaN parameters; a diverged seed's slice is independent of the others, so
        # zeroing it changes no other seed, and its curves stay nan below
        for p in self.model.parameters():
            p.data[gone] = np.where(np.isfinite(p.data[gone]), p.data[gone], 0.0)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", DivergenceWarning)
            history = fit(self.model, self.x, self.y, loss=self.loss, optimizer=self.optimizer,
                          epochs=epochs, batch_size=self.setting.batch_size,
                          validation=self.validation, rng=self.batch_order)
        self.messages = [str(w.message) for w in caught if issubclass(w.category, DivergenceWarning)]
        for name in self.curves:
            values = np.array(getattr(history, name), dtype=np.float64).reshape(-1, self.models)
            values[:, gone] = np.nan
            self.curves[name] = np.concatenate([self.curves[name], values])
        self.epoch += history.epochs
        self.last_epochs = history.epochs
        self.diverged |= np.asarray(history.diverged_epoch).reshape(-1) != NEVER
        self._measure()
        self.seconds = time.perf_counter() - started
        return self

    def _measure(self):
        """Forward and backward over the training set, layer by layer: record each Linear
        layer's mean |delta| and the hidden units that are dead."""
        loss_fn = nn.loss(self.loss)
        out, hidden = self.x, []
        with np.errstate(all="ignore"):
            for layer in self.model.layers:
                out = layer.forward(out)
                if not isinstance(layer, nn.Linear):
                    hidden.append(out)
            loss_fn.forward(out, self.y)
            dout, deltas = loss_fn.backward(), []
            for layer in reversed(self.model.layers):
                if isinstance(layer, nn.Linear):     # dout is dL/dz of this layer's output z
                    deltas.append(np.abs(dout).mean(axis=(-2, -1)))
                dout = layer.backward(dout)
        self.signal_epochs.append(self.epoch)
        self.deltas.append(np.array(deltas[::-1]))
        self.dead = [np.all(h == 0, axis=1) for h in hidden[:-1]]

    def plane(self):
        """(lo, hi): the plane shown, each (2,), as plots.decision_boundary shows it."""
        return plots._limits(self.x)

    def over_plane(self):
        """Every seed's outputs over the GRID x GRID plane: (probabilities (M, GRID*GRID, K)
        with K >= 2, hidden outputs [(M, GRID*GRID, units) per hidden layer])."""
        lo, hi = self.plane()
        g0, g1 = np.meshgrid(np.linspace(lo[0], hi[0], GRID), np.linspace(lo[1], hi[1], GRID))
        out, hidden = np.column_stack([g0.ravel(), g1.ravel()]), []
        with np.errstate(all="ignore"):
            for layer in self.model.layers:
                out = layer.forward(out)
                if not isinstance(layer, nn.Linear):
                    hidden.append(out)
            if out.shape[-1] == 1:
                p = np.clip(out, 0.0, 1.0)
                out = np.concatenate([1.0 - p, p], axis=-1)
            else:                                    # logits of cross-entropy
                out = nn.softmax(out)
        return out, hidden[:-1]

    def single_model(self, index):
        """Seed index's network as a model of its own (no models axis)."""
        output = OUTPUTS[self.setting.output][0]
        single = nn.mlp(self.sizes, activation=self.setting.activation, output=output,
                        init=self.setting.init, rng=index)
        single.load_state_dict({name: p.data[index] for name, p in self.model.named_parameters()})
        return single

    def gradient_check(self, index):
        """gradcheck.check_gradients on seed index's network and the first GRADCHECK_POINTS
        training points: rows [(name, shape, error, largest |gradient entry|, entries
        skipped at a ReLU kink)]."""
        x, y = self.x[:GRADCHECK_POINTS], self.y[:GRADCHECK_POINTS]
        target = y if self.loss == "cross_entropy" else np.asarray(y, dtype=np.float64).reshape(-1, 1)
        model = self.single_model(index)
        rows = gradcheck.check_gradients(model, self.loss, x, target)
        # check_gradients leaves the back-propagated gradients in .grad
        return [(row.name, row.shape, row.error, float(np.abs(p.grad).max()), row.skipped)
                for row, p in zip(rows, model.parameters())]


# --------------------------------------------------------------------------- drawing

def _tint(colors, labels, strength):
    """RGB pixels: each label's colour mixed with white, fully coloured at strength 1.
    colors (K, 3); labels, strength (P,). nan strength (a diverged seed) is grey."""
    rgb = 1.0 - strength[:, None] * (1.0 - colors[labels])
    rgb[~np.isfinite(strength)] = 0.8
    return rgb


def _edges(labels):
    """(rows, cols) of the pixels of a (GRID, GRID) label image whose right or upper
    neighbour has another label: the decision boundary."""
    change = np.zeros(labels.shape, dtype=bool)
    change[:, :-1] |= labels[:, 1:] != labels[:, :-1]
    change[:-1, :] |= labels[1:, :] != labels[:-1, :]
    return np.nonzero(change)


class _Figures:
    """The playground's two figures, built once per setting shape and updated in place."""

    def __init__(self):
        # fixed margins, no layout engine: it would re-measure every text at every frame
        self.training = Figure(figsize=(12.0, 3.1), dpi=DPI)
        self.backprop = Figure(figsize=(12.0, 3.1), dpi=DPI)
        self.training.subplots_adjust(left=0.05, right=0.975, bottom=0.15, top=0.9, wspace=0.3)
        self.backprop.subplots_adjust(left=0.05, right=0.88, bottom=0.15, top=0.9, wspace=0.15)
        FigureCanvasAgg(self.training)
        FigureCanvasAgg(self.backprop)
        with plots.style():
            self.decision_ax, self.spread_ax, self.loss_ax, self.acc_ax = self.training.subplots(
                1, 4, gridspec_kw={"width_ratios": [1, 1, 1.3, 1.3]})
            self.decision = self.decision_ax.imshow(np.ones((GRID, GRID, 3)), origin="lower")
            self.spread = self.spread_ax.imshow(np.ones((GRID, GRID, 3)), origin="lower")
            self.boundary = self.decision_ax.scatter([], [], s=0.8, color="black", zorder=2)
            self.boundaries = self.spread_ax.scatter([], [], s=1.0, color="0.25", alpha=0.5, zorder=2)
            self.points = [ax.scatter([], [], s=12, edgecolors="black", linewidths=0.3, zorder=3)
                           for ax in (self.decision_ax, self.spread_ax)]
            for ax in (self.decision_ax, self.spread_ax):
                ax.grid(False)
                ax.set_xlabel("x1")
            self.decision_ax.set_ylabel("x2")
            self.seed_curves = {}
            self.curves = {}
            for ax, name in ((self.loss_ax, "loss"), (self.acc_ax, "accuracy")):
                self.seed_curves[name] = ax.add_collection(LineCollection([], colors="0.7", linewidths=0.6))
                self.curves[name] = ax.plot([], [], color=plots.RUN_COLORS[0], label="training")[0]
                self.curves["val_" + name] = ax.plot([], [], color=plots.RUN_COLORS[1], linestyle="--",
                                                     label="validation")[0]
                ax.set_xlabel("epoch")
            self.loss_ax.set_yscale("log")
            self._plain_log_labels(self.loss_ax)
            self.loss_ax.set_title("Loss")
            self.acc_ax.set_title("Accuracy (%)")
            self.acc_ax.set_ylim(-2, 102)

            self.maps_ax, self.delta_ax = self.backprop.subplots(1, 2, gridspec_kw={"width_ratios": [1.6, 1]})
            self.maps = self.maps_ax.imshow(np.ones((GRID, GRID, 3)), origin="upper")
            self.dead_marks = self.maps_ax.scatter([], [], marker="x", s=60, color="black", zorder=3)
            self.maps_ax.grid(False)
            self.maps_ax.set_xticks([])
            self.delta_lines = [self.delta_ax.plot([], [], marker=".", markersize=3)[0]
                                for _ in range(MAX_LAYERS + 1)]
            self.delta_ax.set_yscale("log")
            self._plain_log_labels(self.delta_ax)
            self.delta_ax.set_xlabel("epoch")
            self.delta_ax.set_title("Mean |δ| reaching each layer (δ = ∂L/∂z)")
        # what changes from frame to frame, in drawing order; the rest is background
        self.dynamic_training = [self.decision, self.spread, self.boundary, self.boundaries, *self.points,
                                 self.decision_ax.title, self.spread_ax.title,
                                 *self.seed_curves.values(), *self.curves.values()]
        self.dynamic_backprop = [self.maps, self.dead_marks, *self.delta_lines]
        self.backgrounds, self.generation = {}, 0

    @staticmethod
    def _plain_log_labels(ax):
        """Log-axis labels as plain text ("0.01"): mathtext ("10^-2") is slow to draw at every frame."""
        ax.yaxis.set_major_formatter(FormatStrFormatter("%.2g"))
        ax.yaxis.set_minor_formatter(NullFormatter())

    def reset(self, run):
        """Fit the artists to a new run's data and layers (no artist is created)."""
        self.generation += 1          # legend and labels change: draw the backgrounds again
        lo, hi = run.plane()
        extent = (lo[0], hi[0], lo[1], hi[1])
        colors = np.array([to_rgb(c) for c in plots.class_colors(max(run.classes, 2))])
        for image in (self.decision, self.spread):
            image.set_extent(extent)
        lines = [self.curves["loss"]] + ([self.curves["val_loss"]] if run.validation is not None else [])
        with plots.style():
            self.loss_ax.legend(handles=lines, loc="upper right")
        shown = slice(None, None, -(-len(run.x) // MAX_POINTS_SHOWN))   # every k-th: frames stay fast
        for points in self.points:
            points.set_offsets(run.x[shown])
            points.set_facecolor(colors[_labels(run.y)[shown]])
            points.set_sizes([float(np.clip(1500.0 / len(run.x[shown]), 4.0, 20.0))])
        for ax in (self.decision_ax, self.spread_ax):
            ax.set_xlim(lo[0], hi[0])
            ax.set_ylim(lo[1], hi[1])
        self.step = (hi - lo) / (GRID - 1)
        self.origin = lo
        self.colors = colors
        hidden = len(run.sizes) - 2
        for k, line in enumerate(self.delta_lines):
            line.set_visible(k <= hidden)
            line.set_label(f"hidden layer {k + 1}" if k < hidden else "output layer")
        with plots.style():                   # beside the axes: the lines go anywhere
            self.delta_ax.legend(handles=self.delta_lines[:hidden + 1], loc="upper left", fontsize=7,
                                 bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0)
        shown = min(max(run.sizes[1:-1]), MAPS_PER_LAYER)
        self.maps_ax.set_yticks([(GRID + 4) * k + GRID / 2 for k in range(hidden)],
                                [f"layer {k + 1}" for k in range(hidden)])
        first = f"first {shown} per layer; " if max(run.sizes[1:-1]) > shown else ""
        self.maps_ax.set_title(f"Each hidden unit's output over the plane ({first}x: dead unit)")

    def update(self, run, seed):
        """Redraw every artist from run's state, seed's network in front."""
        probabilities, hidden = run.over_plane()
        k = probabilities.shape[-1]
        labels = probabilities.argmax(axis=-1)                               # (M, P)
        confidence = (probabilities.max(axis=-1) - 1.0 / k) / (1.0 - 1.0 / k)
        confidence[run.diverged] = np.nan
        self.decision.set_data(_tint(self.colors, labels[seed], confidence[seed]).reshape(GRID, GRID, 3))
        rows, cols = _edges(labels[seed].reshape(GRID, GRID))
        self.boundary.set_offsets(np.column_stack([self.origin[0] + cols * self.step[0],
                                                   self.origin[1] + rows * self.step[1]]))
        votes = np.stack([(labels == c).mean(axis=0) for c in range(k)])   # (K, P) share of seeds
        majority = votes.argmax(axis=0)
        agreement = (votes.max(axis=0) - 1.0 / k) / (1.0 - 1.0 / k)
        self.spread.set_data(_tint(self.colors, majority, agreement).reshape(GRID, GRID, 3))
        edges = [_edges(labels[m].reshape(GRID, GRID)) for m in range(run.models) if not run.diverged[m]]
        offsets = [np.column_stack([self.origin[0] + c * self.step[0], self.origin[1] + r * self.step[1]])
                   for r, c in edges]
        self.boundaries.set_offsets(np.concatenate(offsets) if offsets else np.zeros((0, 2)))
        self.decision_ax.set_title(f"Seed {seed}, epoch {run.epoch}" + (" (diverged)" if run.diverged[seed] else ""))
        self.spread_ax.set_title(f"{run.models} seeds: majority vote" if run.models > 1
                                 else "1 seed (add seeds to see a spread)")
        self._curves(run, seed)
        self._maps(run, seed, hidden)
        self._deltas(run, seed)

    def _curves(self, run, seed):
        # at most ~CURVE_POINTS epochs per line (and the last): long lines cost most of a frame
        keep = np.unique(np.r_[np.arange(0, run.epoch, -(-run.epoch // CURVE_POINTS) or 1), run.epoch - 1])
        keep = keep[keep >= 0]
        epochs = keep + 1
        for name in ("loss", "accuracy"):
            scale = 100.0 if name == "accuracy" else 1.0
            values = run.curves[name][keep] * scale
            self.seed_curves[name].set_segments([np.column_stack([epochs, values[:, m]])
                                                 for m in range(run.models)] if run.models > 1 else [])
            self.curves[name].set_data(epochs, values[:, seed])
            val = run.curves["val_" + name][keep] * scale if len(run.curves["val_" + name]) else []
            self.curves["val_" + name].set_data(epochs[:len(val)], val[:, seed] if len(val) else [])
        for ax in (self.loss_ax, self.acc_ax):
            ax.set_xlim(0, _round_up(run.epoch))
        losses = np.concatenate([run.curves["loss"].ravel(), run.curves["val_loss"].ravel()])
        self.loss_ax.set_ylim(*_decades(losses))

    def _maps(self, run, seed, hidden):
        """One mosaic image: a row per hidden layer, a GRID x GRID map per unit, each layer
        coloured on its activation's range (bounded ones) or its own largest |output|."""
        shown = min(max(run.sizes[1:-1]), MAPS_PER_LAYER)
        gap = 4
        mosaic = np.ones((len(hidden) * (GRID + gap) - gap, shown * (GRID + gap) - gap, 3))
        cmap = plots.matplotlib.colormaps["RdBu"]
        dead_at = []
        for k, outputs in enumerate(hidden):
            values = outputs[seed][:, :shown]                                # (P, units shown)
            if run.setting.activation in BOUNDED:
                low, high = BOUNDED[run.setting.activation]
                scaled = (values - low) / (high - low)
            else:
                top = np.nanmax(np.abs(values)) if np.isfinite(values).any() else 1.0
                scaled = 0.5 + 0.5 * values / max(top, 1e-12)
            for u in range(values.shape[1]):
                rgb = cmap(np.nan_to_num(scaled[:, u], nan=0.5))[:, :3].reshape(GRID, GRID, 3)[::-1]
                r0, c0 = k * (GRID + gap), u * (GRID + gap)
                mosaic[r0:r0 + GRID, c0:c0 + GRID] = rgb
                if run.dead[k][seed, u]:
                    dead_at.append((c0 + GRID / 2, r0 + GRID / 2))
        self.maps.set_data(mosaic)
        self.maps.set_extent((-0.5, mosaic.shape[1] - 0.5, mosaic.shape[0] - 0.5, -0.5))
        self.maps_ax.set_xlim(-0.5, mosaic.shape[1] - 0.5)
        self.maps_ax.set_ylim(mosaic.shape[0] - 0.5, -0.5)
        self.dead_marks.set_offsets(np.array(dead_at).reshape(-1, 2))

    def _deltas(self, run, seed):
        epochs = np.array(run.signal_epochs)
        deltas = np.array(run.deltas)[:, :, seed]                          # (S, layers)
        for k, line in enumerate(self.delta_lines):
            line.set_data(epochs, deltas[:, k]) if k < deltas.shape[1] else line.set_data([], [])
        self.delta_ax.set_ylim(*_decades(deltas))
        self.delta_ax.set_xlim(0, _round_up(run.epoch))

    def png(self):
        """(training figure, back-propagation figure) as PNG bytes.

        Axes, ticks and labels are drawn once into a background, kept while the limits stay
        (they move in steps: _round_up, _decades); each frame draws only the artists that
        change on top of it. Text is most of the cost of a full draw."""
        images = []
        for fig, dynamic in ((self.training, self.dynamic_training), (self.backprop, self.dynamic_backprop)):
            key = tuple((ax.get_xlim(), ax.get_ylim()) for ax in fig.axes) + (self.generation,)
            canvas = fig.canvas
            if self.backgrounds.get(fig, (None,))[0] != key:
                for artist in dynamic:
                    artist.set_animated(True)
                canvas.draw()
                self.backgrounds[fig] = key, canvas.copy_from_bbox(fig.bbox)
            else:
                canvas.restore_region(self.backgrounds[fig][1])
            for artist in dynamic:
                fig.draw_artist(artist)
            buffer = io.BytesIO()
            # light compression: encoding at PIL's default level takes as long as drawing
            PIL.Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba(), "raw", "RGBA", 0, 1) \
                .save(buffer, format="png", compress_level=1)
            images.append(buffer.getvalue())
        return images


def _round_up(epoch):
    """The axis end for epoch: the next of 10, 20, 50, 100, 200, ... (limits move rarely)."""
    end = 10
    while end < epoch:
        end = end * 5 // 2 if str(end)[0] == "2" else end * 2
    return end


def _decades(values):
    """(low, high) powers of ten around the positive finite values (1e-3, 1 without any)."""
    values = np.asarray(values, dtype=np.float64)
    values = values[np.isfinite(values) & (values > 0)]
    if not len(values):
        return 1e-3, 1.0
    return 10.0 ** np.floor(np.log10(values.min())), 10.0 ** np.ceil(np.log10(values.max()) + 1e-12)


# --------------------------------------------------------------------------- controls

def _parse_hidden(text):
    parts = str(text).replace(",", " ").split()
    if not parts or not all(p.isdigit() for p in parts):
        raise ValueError(f"hidden: {text!r} is not a list of unit counts such as '4, 4'")
    units = tuple(int(p) for p in parts)
    if len(units) > MAX_LAYERS or not all(1 <= u <= MAX_UNITS for u in units):
        raise ValueError(f"hidden: {text!r}: 1 to {MAX_LAYERS} layers of 1 to {MAX_UNITS} units each")
    return units


def _parse_batch(text):
    text = str(text).strip()
    if text == "full":
        return None
    if not text.isdigit() or int(text) < 1:
        raise ValueError(f"batch size: {text!r} is neither 'full' nor a positive integer")
    return int(text)


def _parse_lr(value):
    try:
        lr = float(value)
    except (TypeError, ValueError):
        lr = float("nan")
    if not (np.isfinite(lr) and 0 < lr <= 100):
        raise ValueError(f"learning rate: {value!r} must be a number in (0, 100]")
    return lr


def _int_parser(name, low, high):
    def parse(value):
        if not isinstance(value, (int, np.integer)) or not low <= value <= high:
            raise ValueError(f"{name}: {value!r} must lie in [{low}, {high}]")
        return int(value)
    return parse


def _show_hidden(units):
    return units if isinstance(units, str) else ", ".join(map(str, units))


# setting field -> (parser, how the widget shows a value)
PARSERS = {
    "hidden": (_parse_hidden, _show_hidden),
    "lr": (_parse_lr, lambda lr: lr),
    "batch_size": (_parse_batch, lambda b: "full" if b is None else str(b)),
    "seeds": (_int_parser("seeds", 1, MAX_SEEDS), lambda n: n),
    "epochs_per_step": (_int_parser("epochs per step", 1, MAX_EPOCHS_PER_STEP), lambda n: n),
}


class Playground:
    """Controls, two live figures and the buttons around a Run; display it in a notebook.

    controls: {setting field: widget}, plus "seed" (the seed drawn in front). play (Play),
    step_button (one epoch), reset_button, gradcheck_button, code_button; message shows
    why a value was refused; figures holds the matplotlib artists. Changing a setting
    starts a new run at epoch 0; "epochs_per_step" and "seed" only change what Play does
    and what is drawn.
    """

    def __init__(self, setting=None, **changes):
        self.setting = dataclasses.replace(setting or Setting(), **changes).check()
        self.figures = _Figures()
        wide = widgets.Layout(width="300px")
        self.controls = {
            "dataset": widgets.Dropdown(options=[(label, name) for name, (label, _) in DATASETS.items()],
                                        description="data set"),
            "hidden": widgets.Text(description="hidden", continuous_update=False,
                                   placeholder="units per layer, e.g. 4, 4"),
            "activation": widgets.Dropdown(options=list(nn.ACTIVATIONS), description="activation"),
            "output": widgets.Dropdown(options=list(OUTPUTS), description="output, loss"),
            "init": widgets.Dropdown(options=list(nn.INITIALIZERS), description="initializer"),
            "optimizer": widgets.Dropdown(options=list(optim.OPTIMIZERS), description="optimizer"),
            "lr": widgets.FloatText(description="learning rate"),
            "batch_size": widgets.Combobox(options=["full", "1", "8", "32", "128"], description="batch size",
                                           continuous_update=False, ensure_option=False),
            "seeds": widgets.IntText(description="seeds"),
            "epochs_per_step": widgets.IntText(description="epochs/step"),
        }
        for name, control in self.controls.items():
            control.layout = wide
            control.style = {"description_width": "100px"}
            show = PARSERS[name][1] if name in PARSERS else (lambda v: v)
            control.value = show(getattr(self.setting, name))
            control.observe(lambda change, name=name: self._on_control(name, change), names="value")
        self.controls["seed"] = widgets.IntSlider(min=0, max=self.setting.seeds - 1, description="seed shown",
                                                  style={"description_width": "100px"}, layout=wide)
        self.controls["seed"].observe(lambda change: self.redraw(), names="value")

        self.play = widgets.Play(interval=PLAY_INTERVAL_MS, min=0, max=10 ** 9, show_repeat=False,
                                 description="play")
        self.play.observe(self._on_play, names="value")
        self.step_button = widgets.Button(description="step 1 epoch", icon="step-forward")
        self.step_button.on_click(lambda _: self.step(1))
        self.reset_button = widgets.Button(description="reset", icon="undo")
        self.reset_button.on_click(lambda _: self.reset())
        self.gradcheck_button = widgets.Button(description="gradient check", icon="check")
        self.gradcheck_button.on_click(lambda _: self.gradient_check())
        self.code_button = widgets.Button(description="copy as code", icon="code")
        self.code_button.on_click(lambda _: self.show_code())
        self.status = widgets.HTML()
        self.message = widgets.HTML()
        self.gradcheck_table = widgets.HTML()
        self.code = widgets.Textarea(layout=widgets.Layout(width="900px", height="190px", display="none"))
        self.images = [widgets.Image(format="png") for _ in range(2)]
        self._reverting, self._tick_done = False, 0.0

        names = list(self.controls)
        self.widget = widgets.VBox([
            widgets.HBox([self.play, self.step_button, self.reset_button, self.status]),
            widgets.HBox([widgets.VBox([self.controls[n] for n in names[:6]]),
                          widgets.VBox([self.controls[n] for n in names[6:]])]),
            self.message,
            self.images[0],
            self.images[1],
            widgets.HBox([self.gradcheck_button, self.code_button]),
            self.gradcheck_table,
            self.code,
        ])
        self.widget.add_class("lab1-playground")
        self.reset()

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    # ----------------------------------------------------------------- actions

    def reset(self):
        """A new run of the current setting at epoch 0 (the same seeds: the same start)."""
        self.run = Run(self.setting)
        self.figures.reset(self.run)
        self.controls["seed"].max = self.setting.seeds - 1
        self.gradcheck_table.value = ""
        if self.code.layout.display != "none":
            self.show_code()
        self.redraw()

    def step(self, epochs=None):
        """Train epochs more epochs (default: epochs per step) and redraw."""
        self.run.step(epochs or self.setting.epochs_per_step)
        if self.run.messages:
            self._say(" ".join(self.run.messages), error=True)
        if self.run.diverged.all():
            self.play.playing = False
        self.redraw()

    def redraw(self):
        """Update the artists from the run, then the images and the status line."""
        run, seed = self.run, self.controls["seed"].value
        started = time.perf_counter()
        self.figures.update(run, seed)
        for image, png in zip(self.images, self.figures.png()):
            image.value = png
        status = f"<b>epoch {run.epoch}</b>"
        if run.epoch:
            loss, acc = run.curves["loss"][-1, seed], run.curves["accuracy"][-1, seed]
            status += (f" &middot; seed {seed}: loss {loss:.4g}, accuracy {100 * acc:.1f}%"
                       f" &middot; last step: {run.last_epochs} epoch{'s' if run.last_epochs != 1 else ''}, training {1000 * run.seconds:.0f} ms, "
                       f"drawing {1000 * (time.perf_counter() - started):.0f} ms")
        self.status.value = status

    def gradient_check(self):
        """Run the gradient check on the seed shown and show its table."""
        seed = self.controls["seed"].value
        rows = self.run.gradient_check(seed)
        body = "".join(
            f"<tr><td>{html.escape(name)}</td><td>{' x '.join(map(str, shape))}</td><td>{largest:.2e}</td>"
            f"<td>{error:.2e}</td><td>{'ok' if error <= gradcheck.TOLERANCE else 'above'}</td>"
            f"<td>{skipped or ''}</td></tr>"
            for name, shape, error, largest, skipped in rows)
        self.gradcheck_table.value = (
            f"<p>Gradient check of seed {seed} at epoch {self.run.epoch} on the first "
            f"{min(GRADCHECK_POINTS, len(self.run.x))} training points: back-propagated gradients "
            f"against centred differences; error max |a - n| / max(|a| + |n|, floor) per parameter, "
            f"the floor {gradcheck.FLOOR:g} times the network's largest gradient entry, ok up to "
            f"{gradcheck.TOLERANCE:g} (python -m lab1 gradcheck's measure). Entries whose step "
            f"h = {gradcheck.STEP:g} moves a ReLU input across 0 are skipped (counted in the last "
            f"column): there the difference straddles a kink and says nothing about back-propagation.</p>"
            f"<table><tr><th>parameter</th><th>shape</th><th>largest |gradient|</th>"
            f"<th>error</th><th></th><th>skipped at a kink</th></tr>{body}</table>")
        return rows

    def show_code(self):
        """Show (and return) the lab1 code that reproduces the current setting and epoch."""
        epochs = self.run.epoch or self.setting.epochs_per_step
        text = self.setting.code(self.run.classes, epochs)
        if not self.run.epoch:
            text += f"\n# not trained yet: epochs={epochs} is one step"
        self.code.value = text
        self.code.layout.display = None
        return text

    # ----------------------------------------------------------------- events

    def _say(self, text, error=False):
        color = "#b00020" if error else "#555555"
        self.message.value = f'<span style="color: {color}">{html.escape(text)}</span>' if text else ""

    def _on_control(self, name, change):
        if self._reverting:
            return
        note = ""
        try:
            value = PARSERS[name][0](change["new"]) if name in PARSERS else change["new"]
            setting = dataclasses.replace(self.setting, **{name: value})
            if name == "dataset" and CLASSES[value] > 2 and OUTPUTS[setting.output][1] != "cross_entropy":
                setting = dataclasses.replace(setting, output="softmax + cross-entropy")
                note = f"{value} has {CLASSES[value]} classes: output set to {setting.output}"
            setting = setting.check()
        except ValueError as error:
            self._say(f"refused: {error}; kept {change['old']!r}", error=True)
            self._set_quietly(name, change["old"])
            return
        self._set_quietly("output", setting.output)
        self._say(note)
        if setting == self.setting:
            return
        self.setting = setting
        if name != "epochs_per_step":
            self.reset()

    def _set_quietly(self, name, value):
        """Set a control's value without it counting as the user's change."""
        self._reverting = True
        try:
            self.controls[name].value = value
        finally:
            self._reverting = False

    def _on_play(self, change):
        if change["new"] <= change["old"]:          # the stop button rewinds the counter
            return
        # ticks queued while a slow step ran are dropped, so pause takes effect at once
        if time.monotonic() - self._tick_done < PLAY_INTERVAL_MS / 2000:
            return
        self.step(self._epochs_per_tick())
        self._tick_done = time.monotonic()

    def _epochs_per_tick(self):
        """Epochs per step, fewer when the last step's pace says they would take longer than
        TICK_BUDGET_S (large data sets, small batches): play stays responsive. The first
        tick of a run trains one epoch to learn the pace."""
        run, epochs = self.run, self.setting.epochs_per_step
        if not run.last_epochs:
            return 1                  # no pace known yet: one epoch measures it
        return min(epochs, max(1, int(TICK_BUDGET_S * run.last_epochs / max(run.seconds, 1e-9))))
