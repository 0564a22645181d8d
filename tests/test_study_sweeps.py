"""lab1.study sweeps and summaries: data sets, stacked training, sweeps, statistics, numbers."""
import numpy as np
import pytest

from lab1 import nn, optim, study
from lab1.train import fit

from histories import make_history


def test_load_dataset():
    xor = study.load_dataset("xor")
    assert xor.x.shape == (21, 2) and xor.y.shape == (21, 1)
    assert not xor.separate_validation and xor.title == "XOR"
    lin = study.load_dataset("linear", n=50, seed=3)
    assert lin.x.shape == (50, 2) and lin.x_val.shape == (50, 2)
    assert lin.separate_validation
    assert not np.allclose(lin.x, lin.x_val)
    np.testing.assert_array_equal(lin.y.ravel(), (lin.x[:, 0] <= lin.x[:, 1]).astype(int))
    again = study.load_dataset("linear", n=50, seed=3)
    np.testing.assert_array_equal(lin.x, again.x)
    with pytest.raises(ValueError, match="dataset"):
        study.load_dataset("circle")


def test_build_matches_single_models():
    stack = study.build([2, 3, 3, 1], seeds=[4, 7], init="normal")
    for m, seed in enumerate([4, 7]):
        single = nn.mlp([2, 3, 3, 1], init="normal", rng=seed)
        for ps, p1 in zip(stack.parameters(), single.parameters()):
            np.testing.assert_array_equal(ps.data[m], p1.data)


def test_train_with_per_model_lr_follows_single_runs():
    data = study.load_dataset("xor")
    lrs = np.array([0.5, 2.0])
    _, history = study.train(data.x, data.y, [1, 2], lr=lrs, epochs=30)
    assert history.loss.shape == (30, 2)
    for m, (seed, lr) in enumerate(zip([1, 2], lrs)):
        single = nn.mlp([2, 4, 4, 1], init="normal", rng=seed)
        h = fit(single, data.x, data.y, optimizer=optim.SGD(single.parameters(), lr=lr), epochs=30)
        np.testing.assert_allclose(history.loss[:, m], h.loss[:, 0], rtol=1e-12, atol=1e-15)


def test_select_keeps_the_models_axis():
    data = study.load_dataset("xor")
    _, history = study.train(data.x, data.y, [0, 1, 2], epochs=5, validation=data.validation)
    part = history.select([0, 2])
    assert part.loss.shape == (5, 2) and part.val_accuracy.shape == (5, 2)
    np.testing.assert_array_equal(part.loss[:, 1], history.loss[:, 2])
    assert part.first_perfect_epoch.shape == (2,)


def test_sweep_lr_is_one_stacked_fit():
    data = study.load_dataset("xor")
    runs = study.sweep(data, "lr", [0.1, 1.0, 10.0], seeds=[0, 1], epochs=20)
    assert runs.fits == 1 and runs.values == [0.1, 1.0, 10.0]
    model_a, index_a = runs.model(1.0, seed_index=1)
    model_b, _ = runs.model(10.0)
    assert model_a is model_b and model_a.models == 6 and index_a == 3
    for v in runs.values:
        assert runs.histories[v].loss.shape == (20, 2)
        assert runs.histories[v].val_loss.size == 0   # XOR validates on its training points: skipped
    # each learning rate's seeds reproduce a separate sweep of that lr alone
    alone = study.sweep(data, "lr", [10.0], seeds=[0, 1], epochs=20)
    np.testing.assert_allclose(alone.histories[10.0].loss, runs.histories[10.0].loss, rtol=1e-12)
    assert list(runs.curves()) == ["lr = 0.1", "lr = 1", "lr = 10"]


def test_sweep_hidden_builds_each_width():
    data = study.load_dataset("linear", n=30)
    runs = study.sweep(data, "hidden", [1, 3], seeds=[0, 1, 2], epochs=10, lr=1.0)
    assert runs.fits == 2
    model, _ = runs.model(3)
    assert model[0].weight.data.shape == (3, 2, 3) and model[2].weight.data.shape == (3, 3, 3)
    assert runs.histories[1].val_accuracy.shape == (10, 3)   # linear has its own validation set
    table = runs.table()
    assert table.splitlines()[0].startswith("| hidden units |") and "| validation |" in table
    assert len(table.splitlines()) == 4
    assert runs.label(3) == "$h$ = 3"          # italic h, as in the report's prose


def test_sweep_other_options_and_errors():
    data = study.load_dataset("xor")
    runs = study.sweep(data, "init", ["normal", "xavier_normal"], seeds=[0], epochs=5)
    assert runs.label("normal") == "normal"
    batch = study.sweep(data, "batch_size", [None, 7], seeds=[0], epochs=3)
    assert batch.label(None) == "batch = full" and batch.label(7) == "batch = 7"
    with pytest.raises(ValueError, match="repeated"):
        study.sweep(data, "lr", [1.0, 1.0], seeds=[0])
    with pytest.raises(ValueError, match="seeds"):
        study.sweep(data, "lr", [1.0], seeds=[])
    with pytest.raises(ValueError, match="set by the sweep"):
        study.sweep(data, "lr", [1.0], seeds=[0], lr=2.0)


def test_sweep_init_is_one_fit_matching_separate_runs():
    data = study.load_dataset("xor")
    runs = study.sweep(data, "init", ["uniform", "xavier_normal"], seeds=[0, 1], epochs=15)
    assert runs.fits == 1
    for init in runs.values:
        alone = study.sweep(data, "lr", [1.0], seeds=[0, 1], epochs=15, init=init)
        np.testing.assert_allclose(runs.histories[init].loss, alone.histories[1.0].loss, rtol=1e-12)
    with pytest.raises(ValueError, match="set by the sweep"):
        study.sweep(data, "init", ["normal"], seeds=[0], init="uniform")


def _history(loss, acc, first, diverged, val_acc=None):
    return make_history(loss, acc, first, diverged, val_accuracy=val_acc)


def test_summarize_counts_and_excludes_diverged_models():
    loss = [[0.3, 0.3, 0.3], [0.2, 0.4, np.nan], [0.1, 0.2, np.nan], [0.05, 0.3, np.nan]]
    acc = [[0.5, 0.5, 0.5], [0.8, 0.5, 0.5], [1.0, 0.5, 0.5], [1.0, 0.75, 0.5]]
    s = study.summarize(_history(loss, acc, first=[3, -1, -1], diverged=[-1, -1, 2]))
    assert s["models"] == 3 and s["diverged"] == 1 and list(s["diverged_epochs"]) == [2]
    assert s["final_accuracy_mean"] == pytest.approx(0.875)
    assert s["final_accuracy_min"] == 0.75 and s["perfect_at_end"] == 1
    assert s["final_loss_mean"] == pytest.approx(0.175)
    assert s["reached"] == 1 and s["epochs_to_perfect_median"] == 3.0
    # model 0 never rises, model 1 rises at 2 of 3 steps
    assert s["loss_increase_rate"] == pytest.approx(2 / 6)
    assert s["final_val_accuracy_mean"] is None


def test_best_breaks_ties_by_the_loss():
    data = study.load_dataset("xor")
    runs = study.sweep(data, "lr", [0.01, 0.1, 1.0], seeds=[0], epochs=3)
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
    s = study.summarize(_history([[0.3], [0.002]], [[0.5], [1.0]], first=[2], diverged=[-1],
                              val_acc=[[0.5], [0.98]]))
    table = study.summary_table([dict(value=1.0, **s)], "lr", validation=True,
                             loss_header="loss at stop", first_epoch=False)
    header, _, row = table.splitlines()
    assert header == "| lr | accuracy | loss at stop | validation | at 100% | loss rose |"
    assert row == r"| 1 | 100.0% | $2.00 \times 10^{-3}$ | 98.0% | 1/1 | 0.0% |"


def test_summarize_all_diverged_and_table():
    s = study.summarize(_history([[np.nan, np.inf]], [[0.5, 0.5]], first=[-1, -1], diverged=[1, 1]))
    assert s["final_accuracy_mean"] is None and s["diverged"] == 2
    table = study.summary_table([dict(value=1.0, **s)], "lr")
    assert "n/a" in table and "| diverged |" in table and "2/2" in table and "never" in table
    assert "loss rose" in table
    assert "loss rose" not in study.summary_table([dict(value=1.0, **s)], "lr", oscillation=False)


def test_summarize_single_model_history():
    data = study.load_dataset("xor")
    model = nn.mlp([2, 4, 4, 1], init="normal", rng=0)
    h = fit(model, data.x, data.y, optimizer=optim.SGD(model.parameters(), lr=1.0), epochs=10)
    s = study.summarize(h)
    assert s["models"] == 1 and s["diverged"] == 0 and s["reached"] == 0


def test_formatting_helpers():
    assert study.mean_std(0.995, 0.01) == "99.5 ± 1.0%"
    assert study.mean_std(1.0, 0.0) == "100.0%"
    assert study.mean_std(None, None) == "n/a"
    table = study.markdown_table(["a", "b"], [[1, 2]])
    assert table == "| a | b |\n|:---|---:|\n| 1 | 2 |"
    assert study.percent(0.99849) == "99.8%" and study.percent(1) == "100.0%" and study.percent(None) == "n/a"


def test_loss_text_three_significant_digits_in_one_style():
    assert study.loss_text(0.245) == "$0.245$" and study.loss_text(0.25) == "$0.250$"
    assert study.loss_text(0.0134) == r"$1.34 \times 10^{-2}$"
    assert study.loss_text(0.00109) == r"$1.09 \times 10^{-3}$"
    assert study.loss_text(0.099999) == "$0.100$"            # rounded before the style is chosen
    assert study.loss_text(3.61e-5) == r"$3.61 \times 10^{-5}$"
    assert study.loss_text(None) == study.loss_text(float("nan")) == "n/a"
    assert "e-0" not in study.loss_text(9.9e-5)


def test_sci():
    assert study.sci(3.2e-10) == r"$3.2 \times 10^{-10}$"
    assert study.sci(9.96e-8) == r"$1.0 \times 10^{-7}$"
    assert study.sci(0.25) == "$0.25$"
    assert study.sci(0.0134, 2) == "$0.0134$"


def test_count_uses_thousands_separators():
    assert study.count(1185) == "1,185"
    assert study.count(5000.0) == "5,000"
    assert study.count(37) == "37"
    assert study.count(1007.5) == "1,008"