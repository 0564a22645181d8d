"""lab1.study.config and setting: parameter checks and the reference setting in effect."""
import re

import numpy as np
import pytest

from lab1 import study
from lab1.study import config
from lab1.study.setting import NAMES, REFERENCE


@pytest.mark.parametrize("call, name", [
    (lambda: study.check_choice("dataset", "nonsense", ("xor", "linear")), "dataset"),
    (lambda: study.check_int("epochs", -5), "epochs"),
    (lambda: study.check_int("epochs", 2.5), "epochs"),
    (lambda: study.check_int("seeds", True), "seeds"),
    (lambda: study.check_float("lr", 0.0), "lr"),
    (lambda: study.check_float("lr", float("nan")), "lr"),
    (lambda: study.check_float("lr", "1"), "lr"),
    (lambda: study.check_list("lrs", [0.1, -1], study.check_float), "lrs[1]"),
    (lambda: study.check_list("lrs", [], study.check_float), "lrs"),
    (lambda: study.check_list("lrs", [1.0, 1.0], study.check_float), "lrs"),
    (lambda: study.check_list("hidden", 4, study.check_int), "hidden"),
    (lambda: study.datasets_for("spiral"), "dataset"),
])
def test_bad_parameters_name_the_parameter(call, name):
    with pytest.raises(ValueError, match="parameter " + re.escape(name)):
        call()


def test_check_choice_lists_the_choices():
    with pytest.raises(ValueError, match="'xor', 'linear'"):
        study.check_choice("dataset", "x", ("xor", "linear"))


def test_good_parameters_pass_through():
    assert study.check_int("epochs", np.int64(3)) == 3
    assert study.check_float("lr", 1) == 1.0
    assert study.check_list("lrs", (0.1, 1), study.check_float) == [0.1, 1.0]
    assert study.datasets_for("both") == ["xor", "linear"]
    assert study.datasets_for("xor") == ["xor"]
    assert study.seeds(3, start=10) == [10, 11, 12]


def test_check_bool():
    assert study.check_bool("quick", True) is True
    with pytest.raises(ValueError, match="parameter quick"):
        study.check_bool("quick", "yes")


def test_setting_defaults_are_the_reference():
    s = study.setting()
    assert s.sizes == (2, *REFERENCE["hidden"], 1) and s.lr == REFERENCE["lr"]
    assert s.epochs == REFERENCE["epochs"] and s.seeds == REFERENCE["seeds"]
    assert study.setting(**dict.fromkeys(NAMES)) == s          # None means "the reference"
    assert set(s.as_dict()) == set(NAMES)


def test_setting_overrides():
    s = study.setting(hidden=8, activation="tanh", lr=0.5)
    assert s.sizes == (2, 8, 8, 1) and s.layers_text == "2 → 8 → 8 → 1"
    assert s.activation == "tanh" and s.lr == 0.5
    assert study.setting(hidden=[8, 3, 2]).sizes == (2, 8, 3, 2, 1)
    one = study.setting(epochs=300)
    assert one.epochs == {"xor": 300, "linear": 300} and one.results_epochs == 300
    per_set = study.setting(epochs={"linear": 10})
    assert per_set.epochs == {"xor": REFERENCE["epochs"]["xor"], "linear": 10}
    assert per_set.results_epochs == REFERENCE["results_epochs"]
    network = study.setting(optimizer="sgd", momentum=0.9).network(without=("lr",))
    assert "lr" not in network and network["optimizer_options"] == {"momentum": 0.9}


@pytest.mark.parametrize("overrides, message", [
    (dict(hidden=0), "parameter hidden must be an integer >= 1"),
    (dict(hidden=[4, 0]), "parameter hidden[1]"),
    (dict(hidden=[]), "parameter hidden needs at least one width"),
    (dict(activation="swish"), "parameter activation must be one of"),
    (dict(output="softmax"), "parameter output"),
    (dict(loss="bce", output="identity"), "parameter loss 'bce' needs output 'sigmoid'"),
    (dict(lr=-1), "parameter lr"),
    (dict(momentum=-0.1), "parameter momentum"),
    (dict(epochs=0), "parameter epochs"),
    (dict(epochs={"spiral": 3}), "parameter epochs has unknown data set 'spiral'"),
    (dict(optimizer="lbfgs"), "parameter optimizer"),
    (dict(data_seed=-1), "parameter data_seed"),
    (dict(activaton="tanh"), "unknown setting activaton"),
])
def test_setting_rejects_bad_names_and_values_in_one_line(overrides, message):
    with pytest.raises(ValueError, match=re.escape(message)) as failure:
        study.setting(**overrides)
    assert "\n" not in str(failure.value)


def test_check_parameter_names_reads_the_injected_cell():
    cell = "hidden = None  # h\nquick = False  # q\n"
    config.check_parameter_names(["", cell, "# Parameters\nquick = True\n"])
    with pytest.raises(ValueError, match="unknown parameter hiden; this notebook's parameters are hidden, quick"):
        config.check_parameter_names(["", cell, "# Parameters\nhiden = 8\n"])
    config.check_parameter_names(["", cell])        # a Jupyter run: nothing injected
