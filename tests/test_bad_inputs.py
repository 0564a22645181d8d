"""Bad or unusual inputs to the library: a clear ValueError naming the argument, or it works.

One test per case. Each asserts the error type and that the message names the argument
(or the layer) and, where it helps, the shapes or values.
"""
import zipfile

import numpy as np
import pytest

from lab1 import data, metrics, nn, optim
from lab1.train import fit


def raises(match, error=ValueError):
    return pytest.raises(error, match=match)


# ------------------------------------------------------------------ loss targets

@pytest.mark.parametrize("loss_fn, pred, target", [
    (nn.MSELoss(), np.zeros((21, 1)), np.ones(1)),
    (nn.MSELoss(), np.zeros((21, 1)), np.ones((1, 1))),
    (nn.MSELoss(), np.zeros((21, 1)), np.ones(21)),
    (nn.BCELoss(), np.full((21, 1), 0.5), np.ones(1)),
    (nn.BCELoss(), np.full((21, 1), 0.5), np.ones((1, 21))),
    (nn.CrossEntropyLoss(), np.zeros((21, 3)), np.eye(3)[:1]),
    (nn.MSELoss(), np.zeros((4, 21, 1)), np.ones((4, 21, 1))),     # stacked targets: not accepted
])
def test_loss_rejects_targets_that_only_broadcast(loss_fn, pred, target):
    with raises(r"prediction \(.*\) and target \(.*\) do not match"):
        loss_fn(pred, target)


def test_losses_accept_the_documented_shapes():
    rng = np.random.default_rng(0)
    pred, target = rng.uniform(0.1, 0.9, (5, 2)), (rng.random((5, 2)) > 0.5).astype(float)
    stacked = np.stack([pred, 1 - pred, pred ** 2])                   # (M, N, K) against (N, K)
    for loss_fn in (nn.MSELoss(), nn.BCELoss()):
        values = loss_fn(stacked, target)
        assert values.shape == (3,)
        assert values[1] == pytest.approx(type(loss_fn)()(1 - pred, target))
    logits, labels = rng.standard_normal((5, 3)), np.array([0, 2, 1, 1, 0])
    ce = nn.CrossEntropyLoss()
    assert ce(logits, labels) == pytest.approx(ce(logits, labels[:, None]))
    assert ce(logits, labels) == pytest.approx(ce(logits, labels.astype(float)))
    assert ce(np.stack([logits, -logits]), labels).shape == (2,)


@pytest.mark.parametrize("target", [[[2.0]], [[-1.0]], [[1.5]]])
def test_bce_rejects_targets_outside_0_1(target):
    with raises(r"BCELoss: target values must lie in \[0, 1\]"):
        nn.BCELoss()(np.full((1, 1), 0.5), np.array(target))


def test_cross_entropy_rejects_non_integer_class_indices():
    with raises(r"CrossEntropyLoss: class indices must be integers, got \[0.5\]"):
        nn.CrossEntropyLoss()(np.zeros((2, 3)), np.array([1.0, 0.5]))


@pytest.mark.parametrize("labels", [[0, 3], [-1, 0]])
def test_cross_entropy_rejects_class_indices_out_of_range(labels):
    with raises(r"class indices must lie in \[0, 3\)"):
        nn.CrossEntropyLoss()(np.zeros((2, 3)), np.array(labels))


@pytest.mark.parametrize("pred, target", [
    (np.full((2, 1), 0.7), np.array([[1], [2]])),
    (np.full((2, 1), 0.7), np.array([[1.0], [0.3]])),
    (np.zeros((2, 3)), np.array([0, 3])),
])
def test_accuracy_rejects_labels_outside_the_classes(pred, target):
    with raises(r"accuracy: target labels must be"):
        metrics.accuracy(pred, target)


def test_confusion_matrix_rejects_negative_labels():
    with raises(r"confusion_matrix: target labels must be integers in \[0, 3\), got \[-1"):
        metrics.confusion_matrix(np.eye(3), np.array([0, -1, 2]))


def test_confusion_matrix_rejects_too_few_classes():
    with raises(r"confusion_matrix: classes must be an integer >= 3"):
        metrics.confusion_matrix(np.eye(3), np.array([0, 1, 2]), classes=2)


# ------------------------------------------------------------------ models and optimizers

def test_optimizer_rejects_a_parameter_listed_twice():
    model = nn.mlp([2, 3, 1], rng=0)
    params = model.parameters()
    with raises(r"SGD: params\[4\] Parameter\(shape=\(3, 1\)\) is listed twice"):
        optim.SGD(params + [params[2]], lr=0.1)


def test_sequential_rejects_one_module_used_twice():
    layer = nn.Linear(3, 3, rng=0)
    with raises(r"Sequential: item 2 uses the module Linear\(3, 3.*\) that item 0 already uses"):
        nn.Sequential(layer, nn.Sigmoid(), layer)


def test_sequential_rejects_a_module_reused_inside_a_nested_sequential():
    act = nn.Sigmoid()
    with raises(r"Sequential: item 1 uses the module Sigmoid\(\)"):
        nn.Sequential(nn.Sequential(nn.Linear(2, 2, rng=0), act), act)


def test_sequential_rejects_stacked_and_single_layers_mixed():
    with raises(r"must all be single or all stacked .* item 0: models=3, item 2: single"):
        nn.Sequential(nn.Linear(2, 4, rng=0, models=3), nn.Sigmoid(), nn.Linear(4, 1, rng=0))


@pytest.mark.parametrize("models, shape", [(None, (3, 5, 2)), (None, (2,)), (4, (3, 5, 2)), (None, (5, 3))])
def test_linear_rejects_inputs_the_model_does_not_take(models, shape):
    layer = nn.Linear(2, 4, rng=0, models=models)
    with raises(r"Linear\(2, 4.*\): expected input \(N, 2\).* got \(" + ", ".join(map(str, shape))):
        layer(np.zeros(shape))


@pytest.mark.parametrize("layer", [nn.Sigmoid(), nn.Tanh(), nn.ReLU(), nn.LeakyReLU()],
                         ids=lambda layer: type(layer).__name__)
def test_activation_backward_before_forward(layer):
    with raises(rf"{type(layer).__name__}\(.*\): backward called before forward"):
        layer.backward(np.ones((2, 2)))


@pytest.mark.parametrize("loss_fn", [nn.MSELoss(), nn.BCELoss(), nn.CrossEntropyLoss()],
                         ids=lambda loss_fn: type(loss_fn).__name__)
def test_loss_backward_before_forward(loss_fn):
    with raises(rf"{type(loss_fn).__name__}: backward called before forward"):
        loss_fn.backward()


@pytest.mark.parametrize("call, match", [
    (lambda: nn.MSELoss()(np.zeros((0, 1)), np.zeros((0, 1))), r"MSELoss: prediction is empty"),
    (lambda: nn.CrossEntropyLoss()(np.zeros((0, 3)), np.zeros(0, dtype=int)), r"CrossEntropyLoss: prediction is empty"),
    (lambda: metrics.accuracy(np.zeros((0, 1)), np.zeros(0)), r"accuracy: predictions must be a non-empty"),
    (lambda: metrics.confusion_matrix(np.zeros((0, 3)), np.zeros(0)), r"confusion_matrix: predictions"),
    (lambda: nn.Sigmoid()([]), r"Sigmoid\(\) input is empty"),
])
def test_empty_arrays(call, match):
    with raises(match):
        call()


def test_lists_are_taken_as_arrays():
    model = nn.mlp([2, 3, 1], rng=0)
    out = model([[0.0, 1.0], [1.0, 0.0]])
    np.testing.assert_array_equal(out, model(np.array([[0.0, 1.0], [1.0, 0.0]])))
    assert nn.MSELoss()(out.tolist(), [[0.0], [1.0]]) == pytest.approx(nn.MSELoss()(out, np.array([[0.0], [1.0]])))
    assert metrics.accuracy([[0.9], [0.2]], [1, 0]) == 1.0


@pytest.mark.parametrize("call, match", [
    (lambda: nn.mlp([2, 3, 1], rng=0)("xor"), r"Sequential input must be an array of numbers, got the string 'xor'"),
    (lambda: nn.Linear(2, 3, rng=0)([[0, "a"]]), r"Linear\(2, 3.*\) input must be an array of numbers"),
    (lambda: nn.MSELoss()(np.zeros((1, 1)), "1"), r"MSELoss: target must be an array of numbers"),
    (lambda: optim.SGD(nn.mlp([2, 1], rng=0).parameters(), lr="0.1"), r"lr must be a number"),
    (lambda: optim.SGD(nn.mlp([2, 1], rng=0).parameters(), lr=0.1, momentum="high"), r"momentum must be a number"),
    (lambda: optim.SGD("weights", lr=0.1), r"SGD: params must be a list of Parameters"),
    (lambda: nn.LeakyReLU("0.1"), r"LeakyReLU: negative_slope must be a finite number"),
    (lambda: nn.mlp("2 4 1"), r"mlp: sizes must be a list of layer sizes"),
    (lambda: nn.mlp([2, "4", 1]), r"mlp: sizes must be positive integers"),
    (lambda: nn.activation(["relu"]), r"unknown activation \['relu'\]"),
    (lambda: nn.loss(["mse"]), r"unknown loss \['mse'\]"),
])
def test_strings_where_arrays_or_numbers_are_expected(call, match):
    with raises(match):
        call()


@pytest.mark.parametrize("models", [0, -2, True, 2.0])
def test_models_must_be_a_positive_integer(models):
    with raises(r"mlp: models must be a positive integer or None, got " + repr(models).replace(".", r"\.")):
        nn.mlp([2, 3, 1], rng=0, models=models)
    with raises(r"Linear: models must be a positive integer or None"):
        nn.Linear(2, 3, models=models)


def test_sizes_may_be_numpy_integers():
    sizes = np.array([2, 4, 4, 1])
    model = nn.mlp(sizes, rng=0, models=np.int64(3))
    assert model(np.zeros((5, 2))).shape == (3, 5, 1)
    assert type(model.models) is int and type(model[0].in_features) is int
    assert nn.Linear(np.int32(2), np.int64(3)).weight.shape == (2, 3)


def test_stacked_models_from_one_seed_differ_and_a_list_of_one_seed_repeated_starts_them_alike():
    different = nn.mlp([2, 4, 1], rng=0, models=3)[0].weight.data
    assert not np.allclose(different[0], different[1]) and not np.allclose(different[1], different[2])
    np.testing.assert_array_equal(different, nn.mlp([2, 4, 1], rng=0, models=3)[0].weight.data)
    same = nn.mlp([2, 4, 1], rng=[7] * 3, models=3)
    alone = nn.mlp([2, 4, 1], rng=7)
    for stacked_p, single_p in zip(same.parameters(), alone.parameters()):
        for m in range(3):
            np.testing.assert_array_equal(stacked_p.data[m], single_p.data)


# ------------------------------------------------------------------ per-model hyper-parameters

def _trained(model, optimizer, epochs=30):
    x = np.random.default_rng(1).random((8, 2))
    y = (x[:, :1] > x[:, 1:]).astype(float)
    fit(model, x, y, optimizer=optimizer, epochs=epochs)
    return model


@pytest.mark.parametrize("name, options, per_model", [
    ("sgd", {"momentum": 0.5}, {"momentum": [0.5, 0.9]}),
    ("sgd", {"momentum": 0.5, "nesterov": True}, {"momentum": [0.5, 0.9], "nesterov": True}),
    ("adagrad", {"eps": 1e-10}, {"eps": np.array([1e-10, 0.1])}),
    ("rmsprop", {"alpha": 0.99}, {"alpha": [0.99, 0.5], "eps": [1e-8, 1e-3]}),
    ("adam", {}, {"betas": ([0.9, 0.5], [0.999, 0.9]), "eps": [1e-8, 1e-2]}),
])
def test_per_model_hyper_parameters_give_each_model_its_own_run(name, options, per_model):
    stacked = nn.mlp([2, 3, 1], rng=[0, 0], models=2)
    _trained(stacked, optim.make(name, stacked.parameters(), lr=[0.1, 0.2], **per_model))
    for m in range(2):
        mine = {k: (v[m] if np.ndim(v) else v) for k, v in per_model.items() if k != "betas"}
        if "betas" in per_model:
            mine["betas"] = (per_model["betas"][0][m], per_model["betas"][1][m])
        alone = nn.mlp([2, 3, 1], rng=0)
        _trained(alone, optim.make(name, alone.parameters(), lr=[0.1, 0.2][m], **mine))
        for p, q in zip(stacked.parameters(), alone.parameters()):
            np.testing.assert_allclose(p.data[m], q.data, rtol=1e-12, atol=1e-14)


def test_per_model_values_of_the_wrong_length_are_named():
    model = nn.mlp([2, 3, 1], rng=0, models=3)
    with raises(r"momentum has 2 per-model values for parameters of models=3"):
        optim.SGD(model.parameters(), lr=0.1, momentum=[0.5, 0.9])
    with raises(r"eps has 2 per-model values for parameters of models=3"):
        optim.Adagrad(model.parameters(), eps=np.array([1e-10, 1e-8]))


def test_per_model_values_for_a_single_model_are_rejected():
    # a (2,) lr must not silently act on the rows of a weight that happens to have 2 rows
    model = nn.mlp([2, 3, 1], rng=0)
    with raises(r"lr has 2 per-model values, but a parameter of shape \(2, 3\) belongs to a single model"):
        optim.SGD(model.parameters(), lr=[0.1, 0.2])


def test_momentum_default_is_named():
    model = nn.mlp([2, 1], rng=0)
    assert optim.make("momentum", model.parameters(), lr=0.1).momentum == optim.MOMENTUM


# ------------------------------------------------------------------ save and load

def test_save_then_load_by_the_same_name(tmp_path):
    model = nn.mlp([2, 3, 1], rng=0)
    path = str(tmp_path / "m")
    model.save(path)                                       # numpy writes m.npz
    other = nn.mlp([2, 3, 1], rng=1).load(path)
    for p, q in zip(model.parameters(), other.parameters()):
        np.testing.assert_array_equal(p.data, q.data)


def test_load_a_missing_file(tmp_path):
    with raises(r"no such file .*nothing", FileNotFoundError):
        nn.mlp([2, 1], rng=0).load(tmp_path / "nothing.npz")


@pytest.mark.parametrize("write", [
    lambda path, model: path.write_bytes(b"this is not a zip archive"),
    lambda path, model: (model.save(path), path.write_bytes(path.read_bytes()[:100])),
    lambda path, model: np.save(path, np.zeros(3)),
])
def test_load_rejects_corrupted_truncated_or_npy_files(tmp_path, write):
    model = nn.mlp([2, 3, 1], rng=0)
    path = tmp_path / "weights.npz"
    write(path, model)
    if not path.exists():                                  # np.save named it weights.npz.npy
        path = tmp_path / "weights.npz.npy"
    with raises(r"Sequential.load: '.*weights.npz.*' is not an .npz file of parameters"):
        model.load(path)


def test_load_rejects_another_models_file(tmp_path):
    nn.mlp([2, 8, 1], rng=0).save(tmp_path / "wide.npz")
    with raises(r"'.*wide.npz' does not fit this model: .*0.weight has shape \(2, 8\), expected \(2, 3\)"):
        nn.mlp([2, 3, 1], rng=0).load(tmp_path / "wide.npz")
    with zipfile.ZipFile(tmp_path / "foreign.npz", "w") as archive:
        archive.writestr("readme.txt", "hello")
    with raises(r"'.*foreign.npz' does not fit this model: .*expected parameters"):
        nn.mlp([2, 3, 1], rng=0).load(tmp_path / "foreign.npz")


# ------------------------------------------------------------------ data

@pytest.mark.parametrize("call, match", [
    (lambda: data.split(np.zeros((4, 2)), np.zeros(4), "0.5 0.5"), r"split: sizes must be a list"),
    (lambda: data.split(np.zeros((4, 2)), np.zeros(4), ["2", "2"]), r"split: sizes must be non-negative numbers"),
    (lambda: data.generate_spiral(10, noise="0.2"), r"generate_spiral: noise must be >= 0"),
    (lambda: data.generate_linear("100"), r"generate_linear: n must be a positive integer"),
])
def test_data_functions_name_a_bad_argument(call, match):
    with raises(match):
        call()


def test_split_takes_lists():
    parts = data.split([[0, 0], [1, 1], [2, 2], [3, 3]], [0, 1, 2, 3], (3, 1), shuffle=False)
    np.testing.assert_array_equal(parts[1][0], [[3, 3]])
