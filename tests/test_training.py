"""Training behaviour: the lab's results, the mistakes public solutions made, the models axis."""
import ast
import pathlib
import warnings

import numpy as np
import pytest

from lab1 import data, nn, optim
from lab1 import metrics, train
from lab1.train import NEVER, DivergenceWarning, History, fit

# Documented configuration reaching 100% on both data sets: 2-4-4-1 sigmoid, MSE,
# full-batch SGD, lr 1.0, init "normal" (the N(0, 1) weights most students use), seed 1.
LAB_CONFIG = dict(lr=1.0, init="normal", seed=1, epochs=20000)


def lab_model(seed=LAB_CONFIG["seed"], **kwargs):
    return nn.mlp([2, 4, 4, 1], activation=kwargs.pop("activation", "sigmoid"),
                  init=LAB_CONFIG["init"], rng=seed, **kwargs)


@pytest.mark.parametrize("dataset", ["xor", "linear"])
def test_lab_network_reaches_100_percent(dataset):
    x, y = data.generate_XOR_easy() if dataset == "xor" else data.generate_linear(100, rng=0)
    model = lab_model()
    history = fit(model, x, y, optimizer=optim.SGD(model.parameters(), lr=LAB_CONFIG["lr"]),
                  epochs=LAB_CONFIG["epochs"], stop_when_perfect=True)
    assert history.stop_reason == "perfect"
    assert history.accuracy[-1, 0] == 1.0 and history.final_accuracy == 1.0
    assert history.first_perfect_epoch.tolist() == [history.epochs]


def test_no_activation_cannot_fit_xor():
    # a composition of linear maps is linear: no seed, lr or epoch count gets XOR to 100%
    x, y = data.generate_XOR_easy()
    seeds = list(range(8))
    model = nn.mlp([2, 4, 4, 1], activation="identity", output="sigmoid", init="normal",
                   rng=seeds, models=len(seeds))
    history = fit(model, x, y, optimizer=optim.SGD(model.parameters(), lr=0.1), epochs=3000)
    assert history.accuracy.max() < 1.0
    assert np.all(history.first_perfect_epoch == NEVER)


def test_output_delta_has_sigmoid_derivative_and_factor_two():
    # one-layer network: dL/dW = x^T [2 (y_hat - y) / N * y_hat (1 - y_hat)]
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((5, 3)), (rng.random((5, 1)) > 0.5).astype(float)
    model = nn.Sequential(nn.Linear(3, 1, rng=1), nn.Sigmoid())
    loss = nn.MSELoss()
    y_hat = model(x)
    loss(y_hat, y)
    model.backward(loss.backward())
    expected = x.T @ (2 * (y_hat - y) / 5 * y_hat * (1 - y_hat))
    np.testing.assert_allclose(model[0].weight.grad, expected, rtol=1e-12)


def test_identity_derivative_is_one_not_zero():
    dout = np.random.default_rng(0).standard_normal((4, 3))
    identity = nn.Identity()
    identity(np.zeros((4, 3)))
    np.testing.assert_array_equal(identity.backward(dout), dout)


def test_initializer_scale_applied_once():
    fan_in, fan_out, n = 200, 300, 10
    draws = {name: nn.Linear(fan_in, fan_out, init=name, rng=0).weight.data for name in
             ("xavier_normal", "he_normal", "xavier_uniform", "he_uniform")}
    expected_std = {"xavier_normal": np.sqrt(2 / (fan_in + fan_out)), "he_normal": np.sqrt(2 / fan_in),
                    "xavier_uniform": np.sqrt(6 / (fan_in + fan_out)) / np.sqrt(3),
                    "he_uniform": np.sqrt(6 / fan_in) / np.sqrt(3)}
    for name, weight in draws.items():
        assert weight.std() == pytest.approx(expected_std[name], rel=0.03), name
    assert n  # fan sizes large enough that 60000 draws pin the std to ~1%


def test_sigmoid_derivative_uses_cached_output_once():
    # the bug: sigma'(x) computed as sigma(sigma(x)) (1 - sigma(sigma(x)))
    x = np.array([[-2.0, 0.0, 3.0]])
    sigmoid = nn.Sigmoid()
    s = sigmoid(x)
    np.testing.assert_allclose(sigmoid.backward(np.ones_like(x)), s * (1 - s), rtol=1e-15)
    assert not np.allclose(s * (1 - s), sigmoid(s) * (1 - sigmoid(s)))


def test_same_seeds_give_identical_histories():
    x, y = data.generate_linear(50, rng=3)

    def run():
        model = lab_model(seed=7)
        return fit(model, x, y, optimizer=optim.SGD(model.parameters(), lr=0.5), epochs=200,
                   batch_size=8, rng=11)

    first, second = run(), run()
    np.testing.assert_array_equal(first.loss, second.loss)
    np.testing.assert_array_equal(first.accuracy, second.accuracy)


@pytest.mark.parametrize("make_optimizer", [
    lambda p, lr: optim.SGD(p, lr=lr),
    lambda p, lr: optim.SGD(p, lr=lr, momentum=0.9, nesterov=True),
    lambda p, lr: optim.Adagrad(p, lr=lr),
    lambda p, lr: optim.RMSprop(p, lr=lr * 0.1),
    lambda p, lr: optim.Adam(p, lr=lr * 0.1),
], ids=["sgd", "nesterov", "adagrad", "rmsprop", "adam"])
@pytest.mark.parametrize("batch_size", [None, 5])
def test_stacked_models_follow_their_solo_trajectories(make_optimizer, batch_size):
    x, y = data.generate_linear(20, rng=1)
    seeds, lrs = [3, 4, 5], np.array([0.05, 0.5, 2.0])
    stacked = lab_model(seed=seeds, models=3)
    history = fit(stacked, x, y, optimizer=make_optimizer(stacked.parameters(), lrs), epochs=60,
                  batch_size=batch_size, rng=9)
    assert history.loss.shape == (60, 3) and history.accuracy.shape == (60, 3)
    for m, (seed, lr) in enumerate(zip(seeds, lrs)):
        solo = lab_model(seed=seed)
        solo_history = fit(solo, x, y, optimizer=make_optimizer(solo.parameters(), lr), epochs=60,
                           batch_size=batch_size, rng=9)
        np.testing.assert_allclose(history.loss[:, m], solo_history.loss[:, 0], rtol=1e-10, atol=1e-14)
        np.testing.assert_allclose(history.final_losses[m], solo_history.final_loss, rtol=1e-10)
        for p_stacked, p_solo in zip(stacked.parameters(), solo.parameters()):
            np.testing.assert_allclose(p_stacked.data[m], p_solo.data, rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("batch_size, group_size", [(None, 60), (10, 20)])
def test_stacked_models_train_bit_for_bit_the_same_in_groups(monkeypatch, batch_size, group_size):
    """A large stack trains in groups of models (train.GROUP_SIZE (model, sample) pairs), each a
    view of the parameters; the result is the whole stack's training, exactly."""
    x, y = data.generate_linear(30, rng=2)
    validation = data.generate_linear(10, rng=3)
    lrs = np.array([0.05, 0.5, 2.0, 0.1, 1.0])
    runs = []
    for size in (10 ** 9, group_size):
        monkeypatch.setattr(train, "GROUP_SIZE", size)
        model = lab_model(seed=[0, 1, 2, 3, 4], models=5)
        groups = train._model_groups(model, batch_size or len(x))
        history = fit(model, x, y, optimizer=optim.SGD(model.parameters(), lr=lrs, momentum=0.9),
                      epochs=40, batch_size=batch_size, rng=7, validation=validation)
        runs.append((len(groups), history, model))
    (one, whole, whole_model), (three, grouped, grouped_model) = runs
    assert (one, three) == (1, 3)                  # groups of 2, 2 and 1 models
    for name in ("loss", "accuracy", "val_loss", "val_accuracy", "final_losses",
                 "final_accuracies", "final_val_losses", "first_perfect_epoch"):
        np.testing.assert_array_equal(getattr(grouped, name), getattr(whole, name), err_msg=name)
    for p, q in zip(grouped_model.parameters(), whole_model.parameters()):
        np.testing.assert_array_equal(p.data, q.data)
        np.testing.assert_array_equal(p.grad, q.grad)


def test_select_models_shares_parameters():
    x = np.random.default_rng(0).standard_normal((6, 2))
    model = lab_model(seed=[0, 1, 2, 3], models=4)
    part = model.select_models(slice(1, 3))
    assert part.models == 2 and len(part) == len(model)
    for p, q in zip(model.parameters(), part.parameters()):
        assert np.shares_memory(p.data, q.data) and q.data.shape[0] == 2
    np.testing.assert_array_equal(part.forward(x), model.forward(x)[1:3])
    part.parameters()[0].data += 1.0                 # an update through the view is the model's
    np.testing.assert_array_equal(model.parameters()[0].data[1:3], part.parameters()[0].data)
    with pytest.raises(NotImplementedError):
        nn.Linear(2, 3, rng=0).select_models(slice(0, 1))


def test_divergence_stops_with_message_and_keeps_history():
    x, y = data.generate_linear(30, rng=0)
    model = nn.mlp([2, 8, 1], activation="relu", output="identity", init="normal", rng=0)
    with pytest.warns(DivergenceWarning, match=r"diverged at epoch \d+.*lr 1000"):
        history = fit(model, x * 100, y, optimizer=optim.SGD(model.parameters(), lr=1000.0), epochs=500)
    assert history.stop_reason == "diverged"
    assert history.diverged_epoch.tolist() == [history.epochs] and history.epochs < 500
    assert len(history.loss) == history.epochs and not np.isfinite(history.loss[-1, 0])
    assert np.isnan(history.accuracy[-1, 0]) and np.isnan(history.final_accuracy)
    assert [e.epoch for e in history.divergences] == [history.epochs]
    with pytest.raises(FloatingPointError, match="diverged"):
        model = nn.mlp([2, 8, 1], activation="relu", output="identity", init="normal", rng=0)
        fit(model, x * 100, y, optimizer=optim.SGD(model.parameters(), lr=1000.0), epochs=500,
            raise_on_divergence=True)


def test_stacked_divergence_drops_only_that_model():
    x, y = data.generate_linear(30, rng=0)
    model = nn.mlp([2, 8, 1], activation="relu", output="identity", init="normal", rng=[0, 0], models=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DivergenceWarning)
        history = fit(model, x * 100, y, optimizer=optim.SGD(model.parameters(), lr=np.array([1e-6, 1000.0])),
                      epochs=100)
    assert history.diverged_epoch[0] == NEVER and history.diverged_epoch[1] > 0
    assert history.epochs == 100 and np.all(np.isfinite(history.loss[:, 0]))
    assert history.stop_reason == "partly diverged"
    assert history.stop_reasons.tolist() == ["completed", "diverged"]
    assert np.isnan(history.accuracy[history.diverged_epoch[1] - 1:, 1]).all()
    assert np.isnan(history.final_accuracies[1]) and history.final_accuracies[0] >= 0
    assert history.divergences[0].models == (1,) and history.divergences[0].lrs == (1000.0,)


def test_validation_patience_and_log_format():
    x, y = data.generate_linear(100, rng=0)
    xv, yv = data.generate_linear(50, rng=1)
    yv = 1 - yv   # validation labelled the other way: its loss rises as training succeeds
    model = lab_model()
    lines = []
    history = fit(model, x, y, optimizer=optim.SGD(model.parameters(), lr=1.0), epochs=4000,
                  validation=(xv, yv), patience=20, log_every=5, log=lines.append)
    assert history.stop_reason == "patience" and history.epochs < 4000
    assert len(history.val_loss) == len(history.val_accuracy) == history.epochs
    assert lines[0].startswith("epoch 5 loss : ") and float(lines[0].split(" : ")[1]) > 0
    assert history.last_epochs(3)[-1] == f"epoch {history.epochs} loss : {float(history.loss[-1, 0])!r}"


def test_one_sample_at_a_time_trains():
    x, y = data.generate_XOR_easy()
    model = lab_model()
    history = fit(model, x, y, optimizer=optim.SGD(model.parameters(), lr=0.5), epochs=3000,
                  batch_size=1, rng=0, stop_when_perfect=True)
    assert history.stop_reason == "perfect"


def test_cross_entropy_fit_multiclass():
    rng = np.random.default_rng(0)
    centres = np.array([[0, 0], [3, 0], [0, 3]])
    labels = rng.integers(0, 3, 150)
    x = centres[labels] + rng.normal(0, 0.5, (150, 2))
    model = nn.mlp([2, 16, 3], activation="relu", output="identity", init="he_normal", rng=0)
    history = fit(model, x, labels, loss="cross_entropy",
                  optimizer=optim.SGD(model.parameters(), lr=0.1, momentum=0.9), epochs=200)
    assert history.final_accuracy > 0.95 and history.final_loss < history.loss[0, 0]


def test_save_and_load_round_trip(tmp_path):
    model, other = lab_model(seed=1), lab_model(seed=2)
    model.save(tmp_path / "model.npz")
    other.load(tmp_path / "model.npz")
    x = np.random.default_rng(0).random((5, 2))
    np.testing.assert_array_equal(model(x), other(x))
    with pytest.raises(ValueError, match="expected parameters"):
        nn.mlp([2, 3, 1], rng=0).load(tmp_path / "model.npz")


@pytest.mark.parametrize("call, message", [
    (lambda: nn.Linear(2, 4, rng=0)(np.zeros((3, 5))), r"Linear\(2, 4.*expected input \(N, 2\), got \(3, 5\)"),
    (lambda: nn.mlp([2, 4, 1], rng=0)(np.zeros((3, 3))), r"expected input \(N, 2\), got \(3, 3\)"),
    (lambda: nn.MSELoss()(np.zeros((3, 1)), np.zeros((4, 1))), r"prediction \(3, 1\) and target \(4, 1\)"),
    (lambda: nn.activation("swish"), r"unknown activation 'swish'.*sigmoid"),
    (lambda: nn.Linear(2, 4, init="glorot"), r"unknown init 'glorot'.*xavier_normal"),
    (lambda: nn.loss("hinge"), r"unknown loss 'hinge'.*mse"),
    (lambda: nn.Linear(0, 4), r"in_features must be a positive integer"),
    (lambda: nn.mlp([2, -1, 1]), r"sizes must be positive"),
    (lambda: optim.SGD(nn.mlp([2, 1]).parameters(), lr=0), r"lr must lie in \(0"),
    (lambda: optim.SGD(nn.mlp([2, 1]).parameters(), lr=0.1, momentum=1.0), r"momentum must lie in \[0"),
    (lambda: optim.Adam(nn.mlp([2, 1]).parameters(), betas=(0.9, 1.5)), r"betas\[1\]"),
    (lambda: optim.make("lbfgs", nn.mlp([2, 1]).parameters(), 0.1), r"unknown optimizer 'lbfgs'"),
    (lambda: fit(nn.mlp([2, 1]), np.array([[np.nan, 0.0]]), np.array([[1]]), epochs=1), r"inputs contain NaN"),
    (lambda: fit(nn.mlp([2, 1]), np.zeros((3, 2)), np.zeros((4, 1)), epochs=1), r"3 samples but targets have 4"),
    (lambda: fit(nn.mlp([2, 1]), np.zeros((3, 2)), np.zeros((3, 1)), epochs=0), r"epochs must be a positive"),
    (lambda: data.split(np.zeros((10, 2)), np.zeros(10), (0.5, 0.3)), r"fractions .* sum to 0.8"),
    (lambda: data.split(np.zeros((10, 2)), np.zeros(10), (4, 5)), r"counts \[4, 5\] sum to 9"),
    (lambda: data.generate_linear(0), r"n must be a positive integer"),
])
def test_bad_input_names_the_problem(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_network_modules_import_only_numpy_and_stdlib():
    # the network code: everything in lab1 except figures, the CLI, the playground
    # (lab1/playground) and the report's studies (lab1/study): they may import matplotlib,
    # ipywidgets, papermill
    import sys
    root = pathlib.Path(__file__).resolve().parents[1] / "lab1"
    allowed = set(sys.stdlib_module_names) | {"numpy", "lab1"}
    outside = {"plots.py", "cli.py", "__main__.py"}
    checked = [path for path in root.rglob("*.py") if path.name not in outside
               and not {"study", "playground"} & set(path.relative_to(root).parts)]
    assert {"train.py", "optim.py", "module.py", "linear.py", "gradcheck.py"} <= {p.name for p in checked}
    for path in checked:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""] if node.level == 0 else ["lab1." + (node.module or "")]
            else:
                continue
            for name in names:
                assert name.split(".")[0] in allowed, f"{path.name} imports {name}"
                assert not name.startswith(("lab1.study", "lab1.plots")), f"{path.name} imports {name}"


def test_ctrl_c_ends_training_after_the_current_epoch():
    import os
    import signal
    x, y = data.generate_XOR_easy()
    model = lab_model()

    def press_ctrl_c(line):
        if line.startswith("epoch 10 "):
            os.kill(os.getpid(), signal.SIGINT)

    history = fit(model, x, y, optimizer=optim.SGD(model.parameters(), lr=1.0), epochs=1000,
                  log_every=1, log=press_ctrl_c, catch_interrupt=True)
    assert history.stop_reason == "interrupted" and history.epochs == 10
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


# ---------------------------------------------------------------- History: final means the returned model

def test_final_numbers_are_the_returned_models():
    x, y = data.generate_linear(40, rng=0)
    xv, yv = data.generate_linear(30, rng=1)
    model = lab_model()
    history = fit(model, x, y, optimizer=optim.SGD(model.parameters(), lr=2.0), epochs=40,
                  validation=(xv, yv))
    assert isinstance(history.final_accuracy, float) and history.loss.shape == (40, 1)
    assert history.final_accuracy == metrics.accuracy(model(x), y)
    assert history.final_loss == pytest.approx(nn.MSELoss()(model(x), y), rel=1e-12)
    assert history.final_val_accuracy == metrics.accuracy(model(xv), yv)
    # the curve's last entry is the forward pass before the last update: another model
    assert history.loss[-1, 0] != history.final_loss


def test_final_numbers_of_stacked_models_that_end_differently():
    x, y = data.generate_XOR_easy()
    lrs = np.array([0.005, 0.05, 0.2, 1e4])           # slow, fast, faster, diverging (identity output)
    model = nn.mlp([2, 6, 6, 1], activation="tanh", output="identity", init="normal",
                   rng=[0, 1, 2, 3], models=4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DivergenceWarning)
        history = fit(model, x, y, optimizer=optim.SGD(model.parameters(), lr=lrs), epochs=300)
    assert history.final_accuracies.shape == (4,) and history.stacked
    expected = metrics.accuracy(model(x), y)
    alive = history.diverged_epoch == NEVER
    assert alive.tolist() == [True, True, True, False]
    np.testing.assert_array_equal(history.final_accuracies[alive], expected[alive])
    assert len(set(history.final_accuracies[alive].tolist())) > 1      # they really end differently
    assert np.isnan(history.final_accuracies[3])
    one = history.model(1)
    assert not one.stacked and one.final_accuracy == expected[1] and one.loss.shape == (300, 1)


def test_diverged_model_does_not_block_stop_when_perfect():
    x, y = data.generate_XOR_easy()
    model = nn.mlp([2, 4, 4, 1], output="identity", init="normal", rng=[1, 1], models=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DivergenceWarning)
        history = fit(model, x, y, optimizer=optim.SGD(model.parameters(), lr=np.array([0.5, 1e5])),
                      epochs=20000, stop_when_perfect=True)
    assert history.epochs < 20000
    assert history.stop_reasons.tolist() == ["perfect", "diverged"]
    assert history.stop_reason == "partly diverged" and "diverged" in history.message


def test_every_divergence_event_is_kept():
    x, y = data.generate_linear(30, rng=0)
    model = nn.mlp([2, 8, 1], activation="relu", output="identity", init="normal", rng=[0, 0, 0], models=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DivergenceWarning)
        history = fit(model, x * 100, y, epochs=200,
                      optimizer=optim.SGD(model.parameters(), lr=np.array([1e-7, 1e3, 10.0])))
    events = history.divergences
    assert sum(len(e.models) for e in events) == int(np.sum(history.diverged_epoch != NEVER)) >= 2
    assert len(events) == 2 and events[0].epoch < events[1].epoch
    assert {m for e in events for m in e.models} == set(np.flatnonzero(history.diverged_epoch != NEVER))


def test_history_select_and_stack_round_trip():
    x, y = data.generate_XOR_easy()
    model = lab_model(seed=[0, 1, 2], models=3)
    history = fit(model, x, y, optimizer=optim.SGD(model.parameters(), lr=1.0), epochs=20)
    again = History.stack([history.model(i) for i in range(3)])
    np.testing.assert_array_equal(again.loss, history.loss)
    np.testing.assert_array_equal(again.final_accuracies, history.final_accuracies)
    part = history.select([2, 0])
    np.testing.assert_array_equal(part.loss[:, 0], history.loss[:, 2])
    assert part.models == 2 and part.final_accuracies[1] == history.final_accuracies[0]


@pytest.mark.parametrize("kwargs, match", [
    (dict(patience=0, validation="pair"), "patience must be a positive integer"),
    (dict(patience=-3), "patience must be a positive integer"),
    (dict(validation=(np.zeros((3, 2)),)), r"validation must be an \(x_val, y_val\) pair.*length 1"),
    (dict(validation=np.zeros((3, 2))), r"validation must be an \(x_val, y_val\) pair"),
    (dict(optimizer="adam", lr=-1.0), "lr must lie in"),
    (dict(optimizer="nadam", lr=0.1), "unknown optimizer 'nadam'"),
    (dict(lr=0.5), "lr= applies to an optimizer given by name"),
])
def test_fit_rejects_bad_options(kwargs, match):
    x, y = data.generate_XOR_easy()
    model = lab_model()
    if isinstance(kwargs.get("validation"), str):
        kwargs["validation"] = (x, y)
    with pytest.raises(ValueError, match=match):
        fit(model, x, y, epochs=5, **kwargs)


def test_fit_rejects_an_optimizer_over_another_models_parameters():
    x, y = data.generate_XOR_easy()
    model, other = lab_model(), lab_model()
    with pytest.raises(ValueError, match=r"optimizer's parameters \[0, 1, 2, 3, 4, 5\] are not parameters"):
        fit(model, x, y, optimizer=optim.SGD(other.parameters(), lr=1.0), epochs=5)


def test_nan_weights_are_not_called_a_learning_rate_problem(tmp_path):
    x, y = data.generate_XOR_easy()
    model = lab_model()
    model[0].weight.data[0, 0] = np.nan
    model.save(tmp_path / "broken.npz")
    loaded = lab_model(seed=5).load(tmp_path / "broken.npz")
    with pytest.raises(ValueError, match=r"parameter 0.weight holds NaN.*not a learning-rate problem") as error:
        fit(loaded, x, y, epochs=5)
    assert "smaller learning rate" not in str(error.value)


def test_optimizer_by_name():
    x, y = data.generate_XOR_easy()
    model = lab_model()
    history = fit(model, x, y, optimizer="adam", lr=0.05, epochs=300)
    assert history.final_loss < history.loss[0, 0]
