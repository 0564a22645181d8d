"""The report's diagram, flowchart and summary figures (lab1.plots, lab1.study.figures), checked
on their artists."""
import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
from matplotlib.patches import Circle, FancyBboxPatch, Polygon  # noqa: E402

from lab1 import nn, optim, plots  # noqa: E402
from lab1.study import figures  # noqa: E402


def texts(fig):
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def units(fig):
    """(solid unit circles, dashed bias circles) of an architecture figure."""
    circles = [p for p in fig.axes[0].patches if isinstance(p, Circle)]
    dashed = [c for c in circles if c.get_linestyle() == "--"]
    return [c for c in circles if c.get_linestyle() != "--"], dashed


def test_architecture_read_from_the_model():
    fig = plots.architecture(nn.mlp([2, 4, 4, 1], rng=0))
    solid, bias = units(fig)
    assert len(solid) == 2 + 4 + 4 + 1 and len(bias) == 3
    shown = texts(fig)
    assert "2 → 4 → 4 → 1 network, 37 parameters" in shown
    assert any("hidden 1\n4 units\nSigmoid" == t for t in shown)
    assert any(t.startswith("output\n1 unit\n") for t in shown)
    assert any("$W_{2}$: 4×4, $b_{2}$: 4\n20 parameters" == t for t in shown)
    assert shown.count("σ") == 4 + 4 + 1


def test_architecture_changes_with_the_setting():
    model = nn.mlp([2, 8, 8, 1], activation="tanh", rng=0)
    fig = plots.architecture(model)
    solid, bias = units(fig)
    assert len(solid) == 2 + 8 + 8 + 1
    shown = texts(fig)
    assert "2 → 8 → 8 → 1 network, 105 parameters" in shown
    assert any(t == "hidden 2\n8 units\ntanh" for t in shown)
    assert shown.count("tanh") == 16           # the unit marks, not the captions
    # the same drawing from sizes and names
    again = plots.architecture(sizes=[2, 8, 8, 1], activations="tanh")
    assert sorted(texts(again)) == sorted(shown)


def test_architecture_wide_layers_and_no_bias():
    model = nn.Sequential(nn.Linear(2, 32, rng=0), nn.ReLU(), nn.Linear(32, 1, bias=False, rng=0),
                          nn.Identity())
    fig = plots.architecture(model)
    solid, bias = units(fig)
    assert len(solid) == 2 + 6 + 1 and len(bias) == 1   # 32 units drawn as 3 + ⋮ + 3
    assert "⋮" in texts(fig)
    assert any(t == "$W_{2}$: 32×1\n32 parameters" for t in texts(fig))
    assert "2 → 32 → 1 network, 128 parameters" in texts(fig)


def test_architecture_rejects_bad_input():
    with pytest.raises(ValueError, match="sizes"):
        plots.architecture(sizes=[2])
    with pytest.raises(ValueError, match="2 hidden layers need 2 activations"):
        plots.architecture(sizes=[2, 4, 4, 1], activations=["tanh"])
    with pytest.raises(ValueError, match="unknown activation"):
        plots.architecture(sizes=[2, 4, 1], activations="swish")
    with pytest.raises(ValueError, match="not both"):
        plots.architecture(nn.mlp([2, 3, 1], rng=0), sizes=[2, 3, 1])
    with pytest.raises(ValueError, match="Conv2d"):
        plots.architecture(nn.Sequential(nn.Conv2d(1, 2, 3)))


def flowchart_parts(fig):
    ax = fig.axes[0]
    decisions = [p for p in ax.patches if isinstance(p, Polygon)]
    boxes = [p for p in ax.patches if isinstance(p, FancyBboxPatch)]
    return decisions, boxes, texts(fig)


def test_flowchart_draws_the_options_in_effect():
    model = nn.mlp([2, 4, 4, 1], rng=0)
    fig = plots.training_flowchart(optimizer=optim.SGD(model.parameters(), lr=1.0), loss="mse",
                                   epochs=5000, stop_when_perfect=True)
    decisions, boxes, shown = flowchart_parts(fig)
    assert len(decisions) == 3                 # finite loss, 100%, epoch limit
    assert {"stop: diverged", "stop: perfect", "stop: completed"} <= set(shown)
    assert "stop: patience" not in shown and "Validation" not in shown
    assert "epoch = 5,000?" in shown
    assert any("SGD, η = 1" in t for t in shown)
    assert any("MSE" in t for t in shown) and any("full batch" in t for t in shown)
    assert len(boxes) == 4 + 3                 # four steps, three stop boxes


def test_flowchart_follows_other_options():
    fig = plots.training_flowchart(optimizer="adam", lr=0.01, loss="bce", epochs=100,
                                   validation=(np.zeros((2, 2)), np.zeros((2, 1))), patience=50,
                                   batch_size=32)
    decisions, _, shown = flowchart_parts(fig)
    assert len(decisions) == 3                 # finite loss, patience, epoch limit
    assert "stop: patience" in shown and "stop: perfect" not in shown
    assert "Validation" in shown and any("mini-batches of 32" in t for t in shown)
    assert any("Adam, η = 0.01" in t for t in shown) and any("BCE" in t for t in shown)
    stacked = nn.mlp([2, 3, 1], rng=[0, 1], models=2)
    momentum = optim.SGD(stacked.parameters(), lr=np.array([0.5, 0.5]), momentum=0.9)
    shown = texts(plots.training_flowchart(optimizer=momentum, epochs=10))
    assert any("SGD + momentum μ = 0.9, η = 0.5" in t for t in shown)


def test_flowchart_rejects_unknown_options():
    with pytest.raises(ValueError, match="unknown option"):
        plots.training_flowchart(epoch=10)
    with pytest.raises(ValueError, match="patience needs validation"):
        plots.training_flowchart(patience=5)


def test_sweep_colors_one_colour_per_value_in_any_figure():
    colors = figures.sweep_colors([10, 0.1, 1, 100, 1])
    assert list(colors) == [0.1, 1, 10, 100]   # ordered by size, duplicates once
    assert len(set(colors.values())) == 4
    assert figures.sweep_colors([1, 100, 10, 0.1]) == colors     # order of the call does not matter
    assert colors[1.0] == colors[1] and colors[np.float64(10.0)] == colors[10]
    names = figures.sweep_colors(["sgd", "adam"])
    assert list(names) == ["sgd", "adam"] and len(set(names.values())) == 2
    assert figures.sweep_colors([1, 2], palette=["red", "blue"]) == {1: "red", 2: "blue"}
    with pytest.raises(ValueError, match="palette has 1 colours for 2 values"):
        figures.sweep_colors([1, 2], palette=["red"])
    with pytest.raises(ValueError, match="no values"):
        figures.sweep_colors([])


def test_dots_by_value_one_dot_per_seed_shared_scale_and_medians():
    results = {"xor": {0.1: [100, 200, np.nan], 1.0: [50, 60, 70]},
               "linear": {0.1: [10, 20, 30], 1.0: [5, 6, 7], 10.0: [1, 2, 3]}}
    colors = figures.sweep_colors([0.1, 1.0, 10.0, 100.0])
    fig = figures.dots_by_value(results, "learning rate", "epochs to 100%", colors=colors,
                              unreached="never 100%")
    xor_ax, linear_ax = fig.axes
    assert xor_ax.get_title() == "XOR" and linear_ax.get_title() == "Linear"
    assert xor_ax.get_ylim() == linear_ax.get_ylim()                 # one y scale
    dots = [c for c in xor_ax.collections if c.get_offset_transform() == xor_ax.transData]
    plotted = sorted(float(y) for c in dots for y in c.get_offsets()[:, 1])
    assert plotted == [50, 60, 70, 100, 200]
    medians = sorted(line.get_ydata()[0] for line in linear_ax.lines)
    assert medians == [2, 6, 20]
    first = linear_ax.collections[0]
    assert matplotlib.colors.to_hex(first.get_facecolor()[0]) == colors[0.1]
    assert [t.get_text() for t in linear_ax.get_xticklabels()] == ["0.1", "1", "10"]
    assert "1" in [t.get_text() for t in xor_ax.texts]               # one seed never reached 100%
    low, high = xor_ax.get_ylim()
    assert low < 1 and 200 < high < 300


def test_dots_by_value_without_unreached_counts_in_title():
    fig = figures.dots_by_value({"xor": {1: [1.0, np.nan]}}, "x", "y")
    assert fig.axes[0].get_title() == "XOR (1 without a value)"
    with pytest.raises(ValueError, match="no colour for"):
        figures.dots_by_value({"xor": {1: [1.0]}}, "x", "y", colors={2: "red"})
    with pytest.raises(ValueError, match="no data sets"):
        figures.dots_by_value({}, "x", "y")


@pytest.mark.parametrize("make", [
    lambda: plots.architecture(sizes=[2, 4, 4, 1]),
    lambda: plots.training_flowchart(epochs=100, stop_when_perfect=True),
    lambda: figures.dots_by_value({"xor": {1: [1, 2]}, "linear": {1: [3, 4]}}, "x", "y"),
])
def test_report_figures_fit_the_text_width_and_save_deterministically(make, tmp_path):
    fig = make()
    assert fig.get_figwidth() == pytest.approx(plots.WIDTH)
    first = plots.save(fig, tmp_path / "a.png")
    second = plots.save(make(), tmp_path / "b.png")
    assert open(first, "rb").read() == open(second, "rb").read()


def test_learning_curves_take_the_study_colours():
    from lab1 import data
    from lab1.train import fit

    x, y = data.generate_XOR_easy()
    runs = {}
    for lr in (0.5, 10.0):
        model = nn.mlp([2, 3, 1], rng=0)
        runs[lr] = fit(model, x, y, optimizer=optim.SGD(model.parameters(), lr=lr), epochs=5)
    colors = figures.sweep_colors([0.1, 0.5, 10.0])
    fig = plots.learning_curves(runs, colors=colors)
    drawn = [matplotlib.colors.to_hex(line.get_color()) for line in fig.axes[0].lines]
    assert drawn == [colors[0.5], colors[10.0]]


def test_comparisons_one_row_two_panels_per_data_set():
    from lab1 import data

    x_lin, y_lin = data.generate_linear(100, rng=0)
    x_xor, y_xor = data.generate_XOR_easy()
    wrong = y_lin.copy()
    wrong[:3] = 1 - wrong[:3]
    fig = figures.comparisons({"XOR": (x_xor, y_xor, y_xor), "Linear": (x_lin, y_lin, wrong)})
    assert fig.get_figwidth() == pytest.approx(plots.WIDTH)
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == ["XOR\nground truth", "XOR\nprediction (0 wrong)", "Linear\nground truth",
                      "Linear\nprediction (3 wrong)"]
    rings = [c for c in fig.axes[3].collections if len(c.get_facecolor()) == 0]
    assert len(rings) == 1 and len(rings[0].get_offsets()) == 3
    assert [h.get_label() for h in fig.legends[0].legend_handles] == ["label 0", "label 1", "misclassified"]
    with pytest.raises(ValueError, match="samples"):
        figures.comparisons({"bad": (x_xor, y_xor[:5], y_xor)})
