"""lab1.experiments: parameter checks, stacked sweeps, summaries, linear-model facts."""
import itertools
import re
import warnings

import numpy as np
import pytest

from lab1 import experiments as ex
from lab1 import nn, optim
from lab1.train import fit

from histories import make_history


# --------------------------------------------------------------------------- parameters

@pytest.mark.parametrize("call, name", [
    (lambda: ex.check_choice("dataset", "nonsense", ("xor", "linear")), "dataset"),
    (lambda: ex.check_int("epochs", -5), "epochs"),
    (lambda: ex.check_int("epochs", 2.5), "epochs"),
    (lambda: ex.check_int("seeds", True), "seeds"),
    (lambda: ex.check_float("lr", 0.0), "lr"),
    (lambda: ex.check_float("lr", float("nan")), "lr"),
    (lambda: ex.check_float("lr", "1"), "lr"),
    (lambda: ex.check_list("lrs", [0.1, -1], ex.check_float), "lrs[1]"),
    (lambda: ex.check_list("lrs", [], ex.check_float), "lrs"),
    (lambda: ex.check_list("lrs", [1.0, 1.0], ex.check_float), "lrs"),
    (lambda: ex.check_list("hidden", 4, ex.check_int), "hidden"),
    (lambda: ex.datasets_for("spiral"), "dataset"),
])
def test_bad_parameters_name_the_parameter(call, name):
    with pytest.raises(ValueError, match="parameter " + re.escape(name)):
        call()


def test_check_choice_lists_the_choices():
    with pytest.raises(ValueError, match="'xor', 'linear'"):
        ex.check_choice("dataset", "x", ("xor", "linear"))


def test_good_parameters_pass_through():
    assert ex.check_int("epochs", np.int64(3)) == 3
    assert ex.check_float("lr", 1) == 1.0
    assert ex.check_list("lrs", (0.1, 1), ex.check_float) == [0.1, 1.0]
    assert ex.datasets_for("both") == ["xor", "linear"]
    assert ex.datasets_for("xor") == ["xor"]
    assert ex.seeds(3, start=10) == [10, 11, 12]


# --------------------------------------------------------------------------- data

def test_load_dataset():
    xor = ex.load_dataset("xor")
    assert xor.x.shape == (21, 2) and xor.y.shape == (21, 1)
    assert not xor.separate_validation and xor.title == "XOR"
    lin = ex.load_dataset("linear", n=50, seed=3)
    assert lin.x.shape == (50, 2) and lin.x_val.shape == (50, 2)
    assert lin.separate_validation
    assert not np.allclose(lin.x, lin.x_val)
    np.testing.assert_array_equal(lin.y.ravel(), (lin.x[:, 0] <= lin.x[:, 1]).astype(int))
    again = ex.load_dataset("linear", n=50, seed=3)
    np.testing.assert_array_equal(lin.x, again.x)
    with pytest.raises(ValueError, match="dataset"):
        ex.load_dataset("circle")


# --------------------------------------------------------------------------- training

def test_build_matches_single_models():
    stack = ex.build([2, 3, 3, 1], seeds=[4, 7], init="normal")
    for m, seed in enumerate([4, 7]):
        single = nn.mlp([2, 3, 3, 1], init="normal", rng=seed)
        for ps, p1 in zip(stack.parameters(), single.parameters()):
            np.testing.assert_array_equal(ps.data[m], p1.data)


def test_train_with_per_model_lr_follows_single_runs():
    data = ex.load_dataset("xor")
    lrs = np.array([0.5, 2.0])
    _, history = ex.train(data.x, data.y, [1, 2], lr=lrs, epochs=30)
    assert history.loss.shape == (30, 2)
    for m, (seed, lr) in enumerate(zip([1, 2], lrs)):
        single = nn.mlp([2, 4, 4, 1], init="normal", rng=seed)
        h = fit(single, data.x, data.y, optimizer=optim.SGD(single.parameters(), lr=lr), epochs=30)
        np.testing.assert_allclose(history.loss[:, m], h.loss[:, 0], rtol=1e-12, atol=1e-15)


def test_select_keeps_the_models_axis():
    data = ex.load_dataset("xor")
    _, history = ex.train(data.x, data.y, [0, 1, 2], epochs=5, validation=data.validation)
    part = history.select([0, 2])
    assert part.loss.shape == (5, 2) and part.val_accuracy.shape == (5, 2)
    np.testing.assert_array_equal(part.loss[:, 1], history.loss[:, 2])
    assert part.first_perfect_epoch.shape == (2,)


def test_sweep_lr_is_one_stacked_fit():
    data = ex.load_dataset("xor")
    runs = ex.sweep(data, "lr", [0.1, 1.0, 10.0], seeds=[0, 1], epochs=20)
    assert runs.fits == 1 and runs.values == [0.1, 1.0, 10.0]
    model_a, index_a = runs.model(1.0, seed_index=1)
    model_b, _ = runs.model(10.0)
    assert model_a is model_b and model_a.models == 6 and index_a == 3
    for v in runs.values:
        assert runs.histories[v].loss.shape == (20, 2)
        assert runs.histories[v].val_loss.size == 0   # XOR validates on its training points: skipped
    # each learning rate's seeds reproduce a separate sweep of that lr alone
    alone = ex.sweep(data, "lr", [10.0], seeds=[0, 1], epochs=20)
    np.testing.assert_allclose(alone.histories[10.0].loss, runs.histories[10.0].loss, rtol=1e-12)
    assert list(runs.curves()) == ["lr = 0.1", "lr = 1", "lr = 10"]


def test_sweep_hidden_builds_each_width():
    data = ex.load_dataset("linear", n=30)
    runs = ex.sweep(data, "hidden", [1, 3], seeds=[0, 1, 2], epochs=10, lr=1.0)
    assert runs.fits == 2
    model, _ = runs.model(3)
    assert model[0].weight.data.shape == (3, 2, 3) and model[2].weight.data.shape == (3, 3, 3)
    assert runs.histories[1].val_accuracy.shape == (10, 3)   # linear has its own validation set
    table = runs.table()
    assert table.splitlines()[0].startswith("| hidden units |") and "| validation |" in table
    assert len(table.splitlines()) == 4
    assert runs.label(3) == "$h$ = 3"          # italic h, as in the report's prose


def test_sweep_other_options_and_errors():
    data = ex.load_dataset("xor")
    runs = ex.sweep(data, "init", ["normal", "xavier_normal"], seeds=[0], epochs=5)
    assert runs.label("normal") == "normal"
    batch = ex.sweep(data, "batch_size", [None, 7], seeds=[0], epochs=3)
    assert batch.label(None) == "batch = full" and batch.label(7) == "batch = 7"
    with pytest.raises(ValueError, match="repeated"):
        ex.sweep(data, "lr", [1.0, 1.0], seeds=[0])
    with pytest.raises(ValueError, match="seeds"):
        ex.sweep(data, "lr", [1.0], seeds=[])
    with pytest.raises(ValueError, match="set by the sweep"):
        ex.sweep(data, "lr", [1.0], seeds=[0], lr=2.0)


# --------------------------------------------------------------------------- statistics

def _history(loss, acc, first, diverged, val_acc=None):
    return make_history(loss, acc, first, diverged, val_accuracy=val_acc)


def test_summarize_counts_and_excludes_diverged_models():
    loss = [[0.3, 0.3, 0.3], [0.2, 0.4, np.nan], [0.1, 0.2, np.nan], [0.05, 0.3, np.nan]]
    acc = [[0.5, 0.5, 0.5], [0.8, 0.5, 0.5], [1.0, 0.5, 0.5], [1.0, 0.75, 0.5]]
    s = ex.summarize(_history(loss, acc, first=[3, -1, -1], diverged=[-1, -1, 2]))
    assert s["models"] == 3 and s["diverged"] == 1 and list(s["diverged_epochs"]) == [2]
    assert s["final_accuracy_mean"] == pytest.approx(0.875)
    assert s["final_accuracy_min"] == 0.75 and s["perfect_at_end"] == 1
    assert s["final_loss_mean"] == pytest.approx(0.175)
    assert s["reached"] == 1 and s["epochs_to_perfect_median"] == 3.0
    # model 0 never rises, model 1 rises at 2 of 3 steps
    assert s["loss_increase_rate"] == pytest.approx(2 / 6)
    assert s["final_val_accuracy_mean"] is None


def test_best_breaks_ties_by_the_loss():
    data = ex.load_dataset("xor")
    runs = ex.sweep(data, "lr", [0.01, 0.1, 1.0], seeds=[0], epochs=3)
    for v, loss in zip(runs.values, (0.30, 0.20, 0.25)):
        runs.histories[v].final_accuracies[:] = 0.5    # all three tie on accuracy
        runs.histories[v].final_losses[:] = loss
    assert runs.best() == 0.1                            # the lowest loss among the tie
    assert runs.best(among=[0.01, 1.0]) == 1.0
    runs.histories[0.01].final_accuracies[:] = 0.6
    assert runs.best() == 0.01                           # accuracy first
    with pytest.raises(ValueError, match="none of"):
        runs.best(among=[5.0])


def test_summary_table_columns():
    s = ex.summarize(_history([[0.3], [0.002]], [[0.5], [1.0]], first=[2], diverged=[-1],
                              val_acc=[[0.5], [0.98]]))
    table = ex.summary_table([dict(value=1.0, **s)], "lr", validation=True,
                             loss_header="loss at stop", first_epoch=False)
    header, _, row = table.splitlines()
    assert header == "| lr | accuracy | loss at stop | validation | at 100% | loss rose |"
    assert row == r"| 1 | 100.0% | $2.00 \times 10^{-3}$ | 98.0% | 1/1 | 0.0% |"


def test_summarize_all_diverged_and_table():
    s = ex.summarize(_history([[np.nan, np.inf]], [[0.5, 0.5]], first=[-1, -1], diverged=[1, 1]))
    assert s["final_accuracy_mean"] is None and s["diverged"] == 2
    table = ex.summary_table([dict(value=1.0, **s)], "lr")
    assert "n/a" in table and "| diverged |" in table and "2/2" in table and "never" in table
    assert "loss rose" in table
    assert "loss rose" not in ex.summary_table([dict(value=1.0, **s)], "lr", oscillation=False)


def test_summarize_single_model_history():
    data = ex.load_dataset("xor")
    model = nn.mlp([2, 4, 4, 1], init="normal", rng=0)
    h = fit(model, data.x, data.y, optimizer=optim.SGD(model.parameters(), lr=1.0), epochs=10)
    s = ex.summarize(h)
    assert s["models"] == 1 and s["diverged"] == 0 and s["reached"] == 0


def test_formatting_helpers():
    assert ex.mean_std(0.995, 0.01) == "99.5 ± 1.0%"
    assert ex.mean_std(1.0, 0.0) == "100.0%"
    assert ex.mean_std(None, None) == "n/a"
    table = ex.markdown_table(["a", "b"], [[1, 2]])
    assert table == "| a | b |\n|:---|----:|\n| 1 | 2 |"
    assert ex.percent(0.99849) == "99.8%" and ex.percent(1) == "100.0%" and ex.percent(None) == "n/a"


def test_loss_text_three_significant_digits_in_one_style():
    assert ex.loss_text(0.245) == "$0.245$" and ex.loss_text(0.25) == "$0.250$"
    assert ex.loss_text(0.0134) == r"$1.34 \times 10^{-2}$"
    assert ex.loss_text(0.00109) == r"$1.09 \times 10^{-3}$"
    assert ex.loss_text(0.099999) == "$0.100$"            # rounded before the style is chosen
    assert ex.loss_text(3.61e-5) == r"$3.61 \times 10^{-5}$"
    assert ex.loss_text(None) == ex.loss_text(float("nan")) == "n/a"
    assert "e-0" not in ex.loss_text(9.9e-5)


# Widths of cells as xelatex sets them in the report's table font (\small Latin Modern,
# 10 pt), measured with \settowidth: text_width must agree to within a few percent.
MEASURED_PT = {
    "66.6 ± 15.8%": 58.33, "1332 (815–1848)": 71.11, r"$2.45 \times 10^{-3}$": 50.74,
    "epoch of 100%:": 66.11, "100.0%": 31.11, "validation": 43.07, "identity / sigmoid": 78.67,
    "saturated": 41.2, "`xavier_normal`": 68.25, "0.43, 0.27, 0.24": 65.56,
}


@pytest.mark.parametrize("text, points", MEASURED_PT.items())
def test_text_width_matches_latex(text, points):
    assert ex.text_width(text) * ex.TABLE_FONT_PT == pytest.approx(points, rel=0.04)


def test_markdown_table_dashes_follow_the_widest_cell():
    headers = ["lr", "accuracy", "first epoch at 100%"]
    rows = [["0.01", "66.6 ± 15.8%", "1332 (815–1848)"], ["1", "100.0%", "never"]]
    table = ex.markdown_table(headers, rows)
    dashes = [len(cell.strip(":")) for cell in table.splitlines()[1].strip("|").split("|")]
    widths = ex.column_widths(headers, rows)
    # proportional to the widths: each column's share of the dashes is at least its share of the width
    for d, w in zip(dashes, widths):
        assert d >= ex.DASHES_PER_EM * w and d < ex.DASHES_PER_EM * w + 1
    # a header may take two lines: the widest half counts, not the whole header
    assert widths[2] == pytest.approx(ex.text_width("1332 (815–1848)"))
    assert ex.column_widths(["first epoch at 100%"], [["1"]])[0] < ex.text_width("first epoch at 100%")
    assert ex.parse_pipe_tables("text\n\n" + table + "\n\nmore") == [(headers, rows)]


def test_table_fits_the_page():
    narrow = (["a", "b"], [["1", "2"]])
    assert ex.table_fits(*narrow)[0]
    wide = (["x"] * 9, [["66.6 ± 15.8%"] * 9])
    fits, needed, room = ex.table_fits(*wide)
    assert not fits and needed > room == pytest.approx((455 - 16 * 6) / 10)


def test_init_formulas_match_the_library():
    import math
    from lab1.nn.linear import INITIALIZERS
    assert set(ex.INIT_FORMULAS) == set(INITIALIZERS)
    expected = {   # the scale each formula states, for fan_in = 3, fan_out = 5
        "uniform": ("uniform", 1 / math.sqrt(3)), "normal": ("normal", 1.0),
        "xavier_uniform": ("uniform", math.sqrt(6 / 8)), "xavier_normal": ("normal", math.sqrt(2 / 8)),
        "he_uniform": ("uniform", math.sqrt(6 / 3)), "he_normal": ("normal", math.sqrt(2 / 3)),
    }
    for name, (distribution, scale_of, biases) in INITIALIZERS.items():
        assert (distribution, scale_of(3, 5)) == pytest.approx(expected[name]), name
        assert ex.init_formula(name).startswith("$U" if distribution == "uniform" else r"$\mathcal{N}")
    with pytest.raises(ValueError, match="parameter init"):
        ex.init_formula("nonsense")


# --------------------------------------------------------------------------- linear models

def test_best_linear_accuracy_of_xor_is_16_of_21():
    data = ex.load_dataset("xor")
    assert ex.best_linear_accuracy(data.x, data.y) == pytest.approx(16 / 21)


def test_best_linear_accuracy_of_separable_data_is_1():
    data = ex.load_dataset("linear")
    assert ex.best_linear_accuracy(data.x, data.y) == 1.0


def test_best_linear_accuracy_matches_brute_force():
    rng = np.random.default_rng(5)
    x = rng.uniform(size=(9, 2))
    y = rng.integers(0, 2, size=(9, 1))
    best = ex.best_linear_accuracy(x, y)
    # brute force: every labelling a line can make is a subset cut off by some line;
    # sample many random lines densely and check none beats the exact answer and one matches it
    angles = np.linspace(0, 2 * np.pi, 3600, endpoint=False)
    found = 0.0
    for t in angles:
        proj = x @ np.array([np.cos(t), np.sin(t)])
        for c in np.concatenate([proj, proj - 1e-9, proj + 1e-9]):
            found = max(found, np.mean((proj > c) == y.ravel().astype(bool)))
    assert found <= best + 1e-12
    assert found == pytest.approx(best)


def test_collapse_linear_reproduces_the_network():
    model = nn.mlp([2, 4, 4, 1], activation="identity", output="identity", init="normal", rng=3)
    x = np.random.default_rng(0).uniform(size=(10, 2))
    w, b = ex.collapse_linear(model)
    assert w.shape == (2, 1) and b.shape == (1,)
    np.testing.assert_allclose(x @ w + b, model(x), rtol=1e-12, atol=1e-12)
    stack = ex.build([2, 3, 3, 1], seeds=[1, 2], activation="identity", output="identity")
    w1, b1 = ex.collapse_linear(stack, model_index=1)
    np.testing.assert_allclose(x @ w1 + b1, stack(x)[1], rtol=1e-12, atol=1e-12)
    with pytest.raises(ValueError, match="model_index"):
        ex.collapse_linear(stack)
    with pytest.raises(ValueError, match="Sigmoid"):
        ex.collapse_linear(nn.mlp([2, 4, 1], rng=0))


def test_architecture_table_counts_parameters():
    model = nn.mlp([2, 4, 4, 1], rng=0)
    rows = ex.architecture_rows(model)
    assert [r[-1] for r in rows] == [12, 0, 20, 0, 5, 0]
    table = ex.architecture_table(model)
    assert "**37**" in table and "(2, 4)" in table and "(4,)" in table
    stacked = ex.architecture_rows(ex.build([2, 4, 4, 1], seeds=[0, 1, 2]))
    assert [r[-1] for r in stacked] == [r[-1] for r in rows]


def test_divergence_is_reported_not_hidden():
    data = ex.load_dataset("xor")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        runs = ex.sweep(data, "lr", [0.01, 5.0], seeds=[0, 1], epochs=50,
                        activation="identity", output="identity")
    s = {row["value"]: row for row in runs.summary()}
    assert s[5.0]["diverged"] == 2 and s[0.01]["diverged"] == 0
    assert all(itertools.chain(s[5.0]["diverged_epochs"] > 0))


def test_sweep_init_is_one_fit_matching_separate_runs():
    data = ex.load_dataset("xor")
    runs = ex.sweep(data, "init", ["uniform", "xavier_normal"], seeds=[0, 1], epochs=15)
    assert runs.fits == 1
    for init in runs.values:
        alone = ex.sweep(data, "lr", [1.0], seeds=[0, 1], epochs=15, init=init)
        np.testing.assert_allclose(runs.histories[init].loss, alone.histories[1.0].loss, rtol=1e-12)
    with pytest.raises(ValueError, match="set by the sweep"):
        ex.sweep(data, "init", ["normal"], seeds=[0], init="uniform")


def test_check_bool_and_epochs():
    assert ex.check_bool("quick", True) is True
    with pytest.raises(ValueError, match="parameter quick"):
        ex.check_bool("quick", "yes")
    assert ex.check_epochs("epochs", None, "xor") == ex.DEFAULTS["epochs"]["xor"]
    assert ex.check_epochs("epochs", 7, "linear") == 7
    with pytest.raises(ValueError, match="parameter epochs"):
        ex.check_epochs("epochs", 0, "xor")


def test_sci():
    assert ex.sci(3.2e-10) == r"$3.2 \times 10^{-10}$"
    assert ex.sci(9.96e-8) == r"$1.0 \times 10^{-7}$"
    assert ex.sci(0.25) == "$0.25$"
    assert ex.sci(0.0134, 2) == "$0.0134$"


def test_sigmoid_saturation():
    x = np.random.default_rng(0).uniform(size=(8, 2))
    fresh = ex.build(seeds=[0, 1])
    assert ex.sigmoid_saturation(fresh, x).shape == (2,)
    blown = nn.mlp([2, 4, 4, 1], init="normal", rng=0)
    for p in blown.parameters():
        p.data *= 1000.0
    assert ex.sigmoid_saturation(blown, x) > 0.9
    assert ex.sigmoid_saturation(blown, x, layer="output") in (0.0, 1.0, 0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 0.875)
    with pytest.raises(ValueError, match="no hidden Sigmoid"):
        ex.sigmoid_saturation(nn.mlp([2, 3, 1], activation="identity", rng=0), x)


def test_source_listing_fits_the_width():
    listing = ex.source_listing(nn.Sigmoid.backward)
    assert listing.startswith("# Sigmoid.backward (lab1/nn/activations.py)\ndef backward(self, dout):")
    long = ex.source_listing(ex.sweep, width=60)
    code_lines = [line for line in long.splitlines() if line.strip().startswith("#")]
    assert all(len(line) <= 60 for line in code_lines)


def test_figures_dir_finds_the_repository(tmp_path, monkeypatch):
    root = tmp_path / "repo"
    (root / "lab1").mkdir(parents=True)
    (root / "pyproject.toml").write_text("")
    (root / "notebooks").mkdir()
    assert ex.figures_dir(root / "notebooks") == root / "figures"
    assert (root / "figures").is_dir()
    elsewhere = tmp_path / "other"
    elsewhere.mkdir()
    assert ex.figures_dir(elsewhere) == elsewhere / "figures"


def test_count_uses_thousands_separators():
    assert ex.count(1185) == "1,185"
    assert ex.count(5000.0) == "5,000"
    assert ex.count(37) == "37"
    assert ex.count(1007.5) == "1,008"
