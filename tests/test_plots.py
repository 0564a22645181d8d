"""lab1.plots: every figure builds, is labelled, saves deterministically."""
import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
from matplotlib.collections import PolyCollection  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from lab1 import data, nn, optim, plots  # noqa: E402
from lab1.train import fit  # noqa: E402
from histories import make_history  # noqa: E402


@pytest.fixture(scope="module")
def xor():
    return data.generate_XOR_easy()


@pytest.fixture(scope="module")
def trained(xor):
    x, y = xor
    model = nn.mlp([2, 4, 4, 1], rng=0)
    history = fit(model, x, y, optimizer=optim.SGD(model.parameters(), lr=1.0), epochs=300,
                  validation=(x, y))
    return model, history


@pytest.fixture(scope="module")
def stacked(xor):
    x, y = xor
    model = nn.mlp([2, 4, 4, 1], rng=[0, 1, 2], models=3)
    lr = np.array([0.1, 1.0, 3.0])
    history = fit(model, x, y, optimizer=optim.SGD(model.parameters(), lr=lr), epochs=50,
                  validation=(x, y))
    return model, history


def _ylabelled(axes):
    for ax in axes:
        assert ax.get_xlabel() and ax.get_ylabel() and ax.get_title(), ax


def test_comparison_panels_and_labels(xor):
    x, y = xor
    fig = plots.comparison(x, y, y, title="xor")
    assert isinstance(fig, Figure)
    left, right = fig.axes
    assert left.get_title() == "Ground truth"
    assert right.get_title().startswith("Predict result")
    assert "0 misclassified" in right.get_title()
    _ylabelled([left])
    assert left.get_xlabel() and right.get_xlabel() and right.get_title()
    assert left.get_aspect() == right.get_aspect() == 1.0
    assert fig.get_suptitle() == "xor"


def test_comparison_marks_misclassified_points(xor):
    x, y = xor
    wrong = np.zeros(len(y), bool)
    wrong[[0, 3, 7]] = True
    pred = np.where(wrong[:, None], 1 - y, y)
    fig = plots.comparison(x, y, pred)
    right = fig.axes[1]
    assert "3 misclassified" in right.get_title()
    rings = [c for c in right.collections if len(c.get_offsets()) == 3]
    assert len(rings) == 1
    np.testing.assert_allclose(np.sort(rings[0].get_offsets(), axis=0), np.sort(x[wrong], axis=0))
    assert "misclassified" in [t.get_text() for t in fig.legends[0].get_texts()]


def test_comparison_thresholds_probabilities(xor):
    x, y = xor
    prob = np.where(y == 1, 0.9, 0.2).astype(float)
    prob[0] = 0.7                                      # label 0 predicted as 1
    assert "1 misclassified" in plots.comparison(x, y, prob).axes[1].get_title()


def test_comparison_multiclass_and_high_dimensional_inputs():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(60, 5))
    y = np.repeat(np.arange(3), 20)
    scores = np.eye(3)[y]
    scores[:4] = np.eye(3)[(y[:4] + 1) % 3]
    fig = plots.comparison(x, y, scores)
    assert "4 misclassified" in fig.axes[1].get_title()
    assert "principal component" in fig.axes[0].get_xlabel()


def test_decision_boundary_binary(trained, xor):
    model, _ = trained
    x, y = xor
    fig = plots.decision_boundary(model, x, y, resolution=40)
    ax = fig.axes[0]
    _ylabelled([ax])
    colorbar = fig.axes[1]
    assert colorbar.get_ylabel() == "P(y = 1)"


def test_decision_boundary_multiclass_regions():
    x, y = np.random.default_rng(1).normal(size=(30, 2)), np.arange(30) % 3
    model = nn.mlp([2, 5, 3], output="identity", rng=0)
    fig = plots.decision_boundary(model, x, y, resolution=30)
    assert len(fig.axes) == 1                          # no colorbar for argmax regions
    _ylabelled(fig.axes)
    assert "argmax" in fig.axes[0].get_title()


def test_decision_boundary_stacked_model_index(stacked, xor):
    model, _ = stacked
    x, y = xor
    first = plots.decision_boundary(model, x, y, resolution=20)
    third = plots.decision_boundary(model, x, y, resolution=20, model_index=2)
    assert first.axes[0].get_title() and third.axes[0].get_title()
    with pytest.raises(ValueError, match="model_index"):
        plots.decision_boundary(model, x, y, resolution=20, model_index=3)


def test_decision_boundary_into_given_axes(trained, xor):
    model, _ = trained
    x, y = xor
    fig = Figure()
    ax = fig.add_subplot()
    assert plots.decision_boundary(model, x, y, resolution=20, ax=ax) is fig
    assert ax.get_title()


def test_decision_boundary_grid_shares_one_colorbar(stacked, xor):
    model, _ = stacked
    x, y = xor
    with plots.style():
        fig = Figure(figsize=(plots.WIDTH, 4.0), layout="compressed")
        axes = fig.subplots(2, 2)
    axes[1, 1].set_visible(False)
    for i, ax in enumerate(axes.ravel()[:3]):
        plots.decision_boundary(model, x, y, resolution=20, ax=ax, model_index=i, colorbar=False)
    assert len(fig.axes) == 4                          # no bar per panel
    bar = plots.probability_colorbar(fig, axes)
    assert len(fig.axes) == 5 and bar.ax.get_ylabel() == "P(y = 1)"
    np.testing.assert_allclose(bar.get_ticks(), [0, 0.25, 0.5, 0.75, 1])
    with pytest.raises(ValueError, match="probability"):
        plots.probability_colorbar(fig, Figure().add_subplot())


def test_decision_boundary_without_colorbar_in_its_own_figure(trained, xor):
    model, _ = trained
    x, y = xor
    assert len(plots.decision_boundary(model, x, y, resolution=20, colorbar=False).axes) == 1


def _drawn(fig):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return canvas.get_renderer()


def test_plane_figures_share_limits_and_ticks(trained):
    x, y = data.generate_linear(n=100, rng=0)
    model = trained[0]
    panels = list(plots.comparison(x, y, y).axes) + [plots.decision_boundary(model, x, y, resolution=20).axes[0]]
    for ax in panels:
        _drawn(ax.figure)
        np.testing.assert_allclose(ax.get_xlim(), (-0.1, 1.1), atol=0.02)
        np.testing.assert_allclose(ax.get_ylim(), (-0.1, 1.1), atol=0.02)
        np.testing.assert_allclose(ax.get_xticks(), ax.get_yticks())   # the same ticks on x and y
        assert ax.get_aspect() == 1.0


def test_tick_labels_stay_readable_in_grids(stacked, xor):
    model, _ = stacked
    x, y = xor
    with plots.style():
        fig = Figure(figsize=(plots.WIDTH, 4.1), layout="compressed")
        axes = fig.subplots(2, 3)
    for i, ax in enumerate(axes.ravel()):
        plots.decision_boundary(model, x, y, resolution=20, ax=ax, model_index=i % 3, colorbar=False)
    plots.probability_colorbar(fig, axes)
    _drawn(fig)
    for ax in fig.axes:
        for label in ax.get_xticklabels() + ax.get_yticklabels():
            assert label.get_fontsize() >= 7
    assert plots.WIDTH <= 6.3                          # printed at its own size, not shrunk


def test_pretty_names():
    assert [plots.pretty(n) for n in ("sigmoid", "tanh", "relu", "leaky_relu", "identity")] == [
        "Sigmoid", "tanh", "ReLU", "leaky ReLU", "identity"]
    assert [plots.pretty(n) for n in ("mse", "bce", "sgd", "momentum", "adagrad", "rmsprop", "adam")] == [
        "MSE", "BCE", "SGD", "SGD + momentum", "Adagrad", "RMSprop", "Adam"]
    assert plots.pretty("lr = 0.1") == "lr = 0.1" and plots.pretty(None) is None


def test_learning_curves_legend_fits_the_figure(stacked):
    _, history = stacked
    runs = {"sigmoid": history, "identity hidden": history, "relu": history}
    fig = plots.learning_curves(runs)
    renderer = _drawn(fig)
    legend = fig.legends[0]
    box, page = legend.get_window_extent(renderer), fig.bbox
    assert page.x0 <= box.x0 and box.x1 <= page.x1 and page.y0 <= box.y0, (box, page)
    for ax in fig.axes:                                # the legend sits below the axes
        assert box.y1 <= ax.get_tightbbox(renderer).y0 + 1
    texts = [t.get_text() for t in legend.get_texts()]
    assert "Sigmoid (training), 3 models" in texts and "ReLU (validation), 3 models" in texts
    assert "mean over models, band min–max" in texts
    short = plots.learning_curves({"a": history, "b": history}, validation=False)
    assert short.legends[0]._ncols == 3 and short.get_size_inches()[1] == 2.8


def test_learning_curves_wraps_labels_wider_than_the_figure(trained):
    _, history = trained
    label = "a label far too long for one line of the legend under the two panels " * 2
    fig = plots.learning_curves({label: history})
    renderer = _drawn(fig)
    box = fig.legends[0].get_window_extent(renderer)
    assert fig.bbox.x0 <= box.x0 and box.x1 <= fig.bbox.x1
    assert all("\n" in t.get_text() for t in fig.legends[0].get_texts())


def test_decision_boundary_needs_2d_inputs(trained):
    with pytest.raises(ValueError, match="2-D"):
        plots.decision_boundary(trained[0], np.zeros((4, 3)), np.zeros(4, int))


def test_learning_curves_single_run(trained):
    _, history = trained
    fig = plots.learning_curves(history, title="xor")
    loss_ax, acc_ax = fig.axes
    _ylabelled([loss_ax, acc_ax])
    styles = [line.get_linestyle() for line in loss_ax.lines]
    assert styles == ["-", "--"]                        # training solid, validation dashed
    assert len(plots.learning_curves(history, validation=False).axes[0].lines) == 1


def test_learning_curves_dict_of_runs(trained, stacked):
    fig = plots.learning_curves({"one": trained[1], "three": stacked[1]})
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert any(label.startswith("one") for label in labels)
    assert any(label.startswith("three") for label in labels)


def test_learning_curves_stacked_history_draws_a_band(stacked):
    _, history = stacked
    assert history.loss.ndim == 2
    for band, name in (("minmax", "min–max"), ("std", "±1 std")):
        fig = plots.learning_curves(history, band=band)
        loss_ax = fig.axes[0]
        bands = [c for c in loss_ax.collections if isinstance(c, PolyCollection)]
        assert bands, "no band drawn"
        assert any(name in t.get_text() for t in fig.legends[0].get_texts())
        mean = loss_ax.lines[0].get_ydata()
        np.testing.assert_allclose(mean, history.loss.mean(axis=1))


def test_learning_curves_log_scale_when_loss_spans_decades(trained):
    _, history = trained
    spread = history.loss.max() / history.loss.min()
    assert plots.learning_curves(history).axes[0].get_yscale() == ("log" if spread > 100 else "linear")


def _fake_history(epochs, models=None):
    m = models or 1
    t = np.arange(1, epochs + 1, dtype=float)[:, None]
    loss = np.broadcast_to(1.0 / t, (epochs, m)) * (1 + 0.1 * np.sin(t))
    acc = np.broadcast_to(np.minimum(t / epochs, 1.0), (epochs, m))
    return make_history(np.array(loss), np.array(acc), val_accuracy=np.array(acc), stacked=models is not None)


def test_learning_curves_downsample_long_runs_keeping_first_and_last_epoch():
    history = _fake_history(100_000)
    fig = plots.learning_curves(history)
    loss_ax, acc_ax = fig.axes
    assert loss_ax.get_yscale() == "log"
    for line in loss_ax.lines + acc_ax.lines:
        epochs = line.get_xdata()
        assert len(epochs) <= 2000
        assert epochs[0] == 1 and epochs[-1] == 100_000
        assert np.all(np.diff(epochs) > 0)


def test_downsample_keeps_spikes():
    values = np.zeros(50_000)
    values[12_345] = 10.0
    values[40_000] = -5.0
    keep = plots._downsample(values, 2000)
    assert len(keep) <= 2000
    assert {0, 12_345, 40_000, 49_999} <= set(keep.tolist())


def test_learning_curves_stacked_long_run_is_fast():
    import time
    history = _fake_history(100_000, models=8)
    started = time.perf_counter()
    fig = plots.learning_curves(history)
    assert time.perf_counter() - started < 3.0
    assert all(len(line.get_xdata()) <= 2000 for line in fig.axes[0].lines)


def test_activation_functions_use_the_library_modules():
    fig = plots.activation_functions()
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == 2 * 5
    _ylabelled(visible)
    titles = [ax.get_title() for ax in visible]
    assert titles[:2] == ["Sigmoid", "Sigmoid′"]              # display names, see pretty()
    assert titles[4:8] == ["ReLU", "ReLU′", "leaky ReLU", "leaky ReLU′"]
    x = visible[0].lines[0].get_xdata()
    np.testing.assert_allclose(visible[0].lines[0].get_ydata(), 1 / (1 + np.exp(-x)))
    s = 1 / (1 + np.exp(-x))
    np.testing.assert_allclose(visible[1].lines[0].get_ydata(), s * (1 - s))
    identity_derivative = visible[9].lines[0].get_ydata()
    np.testing.assert_array_equal(identity_derivative, 1.0)   # not 0: a mistake this lab has seen


def test_activation_functions_rejects_unknown_names():
    with pytest.raises(ValueError, match="choose one of"):
        plots.activation_functions(["sigmoid", "swish"])


def _grid(model, x, y):
    with plots.style():
        fig = Figure(figsize=(plots.WIDTH, 2.2), layout="compressed")
        axes = fig.subplots(1, 3)
    for ax in axes:
        plots.decision_boundary(model, x, y, resolution=20, ax=ax, colorbar=False)
    plots.probability_colorbar(fig, axes)
    return fig


@pytest.mark.parametrize("ext", ["png", "pdf"])
def test_save_is_byte_identical(tmp_path, trained, xor, ext):
    model, history = trained
    x, y = xor
    builders = [lambda: plots.comparison(x, y, model(x), title="t"),
                lambda: plots.decision_boundary(model, x, y, resolution=30),
                lambda: plots.learning_curves(history),
                lambda: plots.learning_curves({"identity hidden": history, "leaky_relu": history}),
                lambda: plots.activation_functions(["relu"]),
                lambda: _grid(model, x, y)]
    for i, build in enumerate(builders):
        first, second = tmp_path / f"a{i}.{ext}", tmp_path / "sub" / f"b{i}.{ext}"
        # two figures built from scratch, then one figure saved twice
        plots.save(build(), first)
        fig = build()
        plots.save(fig, second)                        # creates the folder
        assert first.read_bytes() == second.read_bytes(), (i, ext)
        again = tmp_path / f"c{i}.{ext}"
        plots.save(fig, again)                         # the same figure saved twice
        assert again.read_bytes() == second.read_bytes(), (i, ext)
        assert first.read_bytes()[:4] == (b"\x89PNG" if ext == "png" else b"%PDF")


def test_save_leaves_out_timestamps_and_versions(tmp_path, xor):
    x, y = xor
    fig = plots.comparison(x, y, y)
    plots.save(fig, tmp_path / "f.pdf")
    plots.save(fig, tmp_path / "f.png")
    assert b"CreationDate" not in (tmp_path / "f.pdf").read_bytes()
    assert b"Software" not in (tmp_path / "f.png").read_bytes()


def test_path_argument_saves(tmp_path, xor):
    x, y = xor
    path = tmp_path / "out" / "cmp.png"
    plots.comparison(x, y, y, path=path)
    assert path.exists() and path.stat().st_size > 1000


def test_save_rejects_unknown_extensions(tmp_path, xor):
    x, y = xor
    with pytest.raises(ValueError, match=r"\.png or \.pdf"):
        plots.save(plots.comparison(x, y, y), tmp_path / "f.svg")


def test_figures_show_in_notebooks_without_magic(xor):
    x, y = xor
    png = plots.comparison(x, y, y)._repr_png_()
    assert png[:4] == b"\x89PNG"


def test_plots_is_the_only_module_importing_matplotlib():
    import subprocess
    import sys
    code = ("import sys, lab1, lab1.cli, lab1.train, lab1.gradcheck; "
            "print(any(m == 'matplotlib' or m.startswith('matplotlib.') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_figures_survive_interrupted_and_diverged_runs(xor):
    x, y = xor
    empty = _fake_history(0)                           # Ctrl-C before the first epoch ended
    assert plots.learning_curves(empty).axes[0].get_title()
    history = _fake_history(200, models=3)
    history.loss[100:, 1] = np.nan                      # model 1 diverged, then all of them
    history.loss[150:] = np.nan
    fig = plots.learning_curves(history)
    assert np.isfinite(fig.axes[0].lines[0].get_ydata()[:150]).all()
    prob = np.full((len(y), 1), np.nan)                 # a diverged model's outputs
    assert "misclassified" in plots.comparison(x, y, prob).axes[1].get_title()
