"""The playground driven from Python: its widgets, the artists they change, its notebook."""
import pathlib

import numpy as np
import pytest

pytest.importorskip("ipywidgets")
from traitlets import TraitError  # noqa: E402

from lab1 import gradcheck, nn  # noqa: E402
from lab1.playground import app as pgm  # noqa: E402
from lab1.playground import CLASSES, DATASETS, Playground, load_dataset  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[1]


@pytest.fixture
def real_png():
    """Requested by the tests that look at the images themselves."""


@pytest.fixture(autouse=True)
def no_png(monkeypatch, request):
    """Tests assert on the artists; only those requesting real_png pay for encoding images."""
    if "real_png" not in request.fixturenames:
        monkeypatch.setattr(pgm._Figures, "png", lambda self: [b"", b""])


def snapshot(pg):
    """What the figures show, as arrays (copies)."""
    f = pg.figures
    return {
        "decision": np.array(f.decision.get_array()),
        "spread": np.array(f.spread.get_array()),
        "points": np.array(f.points[0].get_offsets()),
        "loss": np.array(f.curves["loss"].get_ydata(), dtype=float),
        "epochs": np.array(f.curves["loss"].get_xdata(), dtype=float),
        "seed_curves": len(f.seed_curves["loss"].get_segments()),
        "maps": np.array(f.maps.get_array()),
        "deltas": [np.array(line.get_ydata(), dtype=float) for line in f.delta_lines if line.get_visible()],
    }


def same(a, b):
    return all(np.array_equal(a[k], b[k]) if k != "deltas" else
               len(a[k]) == len(b[k]) and all(map(np.array_equal, a[k], b[k])) for k in a)


@pytest.fixture(scope="module")
def stepped_default():
    pg = Playground()
    pg.step()
    return snapshot(pg)


# control, a valid new value, the snapshot entry it must change (after one step)
CHANGES = [
    ("dataset", "linear", "points"),
    ("hidden", "8, 8, 8", "maps"),
    ("activation", "tanh", "maps"),
    ("output", "sigmoid + BCE", "loss"),
    ("init", "xavier_uniform", "decision"),
    ("optimizer", "adam", "loss"),
    ("lr", 0.3, "loss"),
    ("batch_size", "4", "loss"),
    ("seeds", 7, "seed_curves"),
    ("epochs_per_step", 20, "epochs"),
    ("seed", 2, "decision"),
]


def test_every_setting_has_a_control_tested():
    fields = {f.name for f in pgm.dataclasses.fields(pgm.Setting)}
    assert fields | {"seed"} == {name for name, _, _ in CHANGES} == set(Playground().controls)


@pytest.mark.parametrize("name, value, entry", CHANGES, ids=[c[0] for c in CHANGES])
def test_each_control_changes_what_is_drawn(stepped_default, name, value, entry):
    pg = Playground()
    pg.controls[name].value = value
    assert pg.message.value == ""
    pg.step()
    now = snapshot(pg)
    assert not np.array_equal(now[entry], stepped_default[entry]) if entry != "seed_curves" \
        else now[entry] == 7 != stepped_default[entry]
    if name not in ("seed", "epochs_per_step"):
        assert getattr(pg.setting, name) == pgm.PARSERS.get(name, (lambda v: v,))[0](value)


def test_images_are_the_figures_as_png(real_png):
    pg = Playground()
    pg.step()
    from PIL import Image
    import io
    for image, fig in zip(pg.images, (pg.figures.training, pg.figures.backprop)):
        size = Image.open(io.BytesIO(image.value)).size
        assert size == tuple(round(v) for v in fig.get_size_inches() * pgm.DPI)


def test_a_step_trains_and_moves_the_artists():
    pg = Playground(seeds=3)
    start = snapshot(pg)
    assert start["loss"].size == 0 and pg.run.epoch == 0
    pg.step_button.click()                      # one epoch
    pg.step()                                   # epochs per step
    now = snapshot(pg)
    assert pg.run.epoch == 1 + pg.setting.epochs_per_step
    assert np.array_equal(now["epochs"], np.arange(1, pg.run.epoch + 1))
    assert np.array_equal(now["loss"], pg.run.curves["loss"][:, 0])
    assert not np.array_equal(now["decision"], start["decision"])
    assert [len(d) for d in now["deltas"]] == [3] * 3      # measured at epochs 0, 1 and 1 + epochs per step
    assert f"epoch {pg.run.epoch}" in pg.status.value


def test_reset_restores_the_start():
    pg = Playground(seeds=3, batch_size=8, optimizer="momentum", lr=0.5)
    start = snapshot(pg)
    for _ in range(3):
        pg.step()
    assert not same(snapshot(pg), start)
    pg.reset_button.click()
    assert same(snapshot(pg), start) and pg.run.epoch == 0


def test_play_steps_on_each_tick_and_drops_queued_ticks():
    pg = Playground()
    pg.play.value = 1                           # the first tick learns the pace: one epoch
    assert pg.run.epoch == 1
    pg.play.value = 2                           # arrived while the last step was being drawn
    assert pg.run.epoch == 1
    pg._tick_done = 0.0                         # as if the last step ended long ago
    pg.run.seconds = 1e-6                       # ... and was fast
    pg.play.value = 3
    assert pg.run.epoch == 1 + pg.setting.epochs_per_step
    pg._tick_done = 0.0
    pg.play.value = 0                           # the stop button rewinds: no step
    assert pg.run.epoch == 1 + pg.setting.epochs_per_step


def test_play_takes_fewer_epochs_when_a_step_would_be_slow():
    pg = Playground()
    pg.step()
    pg.run.seconds = pgm.TICK_BUDGET_S / 2                          # as if the step took half a budget
    assert pg._epochs_per_tick() == pg.setting.epochs_per_step
    pg.run.seconds = 10 * pgm.TICK_BUDGET_S                         # as if the step took 10 budgets
    assert pg._epochs_per_tick() == pg.setting.epochs_per_step // 10
    pg._tick_done = 0.0
    pg.play.value = 1
    assert pg.run.epoch == pg.setting.epochs_per_step + pg.setting.epochs_per_step // 10


BAD_VALUES = [
    ("hidden", "4, x", "hidden"), ("hidden", "0", "hidden"), ("hidden", "1, 2, 3, 4, 5", "hidden"),
    ("hidden", "", "hidden"), ("lr", 0.0, "learning rate"), ("lr", -1.0, "learning rate"),
    ("lr", 1e6, "learning rate"), ("batch_size", "abc", "batch size"), ("batch_size", "0", "batch size"),
    ("seeds", 0, "seeds"), ("seeds", 1000, "seeds"), ("epochs_per_step", 0, "epochs per step"),
    ("output", "sigmoid + MSE", "output"),       # on spiral: 3 classes need cross-entropy
]


@pytest.mark.parametrize("name, value, said", BAD_VALUES)
def test_a_bad_value_is_refused_in_the_widget(name, value, said):
    pg = Playground(dataset="spiral", output="softmax + cross-entropy") if name == "output" else Playground()
    pg.step()
    before, setting, epoch = pg.controls[name].value, pg.setting, pg.run.epoch
    pg.controls[name].value = value
    assert pg.controls[name].value == before
    assert pg.setting == setting and pg.run.epoch == epoch          # nothing was reset
    assert "refused" in pg.message.value and said in pg.message.value
    assert "b00020" in pg.message.value                              # shown in red


def test_a_menu_takes_only_its_choices():
    pg = Playground()
    for name in ("dataset", "activation", "output", "init", "optimizer"):
        before = pg.controls[name].value
        with pytest.raises(TraitError):
            pg.controls[name].value = "no such choice"
        assert pg.controls[name].value == before


def test_more_than_two_classes_switch_the_output_to_cross_entropy():
    pg = Playground()
    pg.controls["dataset"].value = "spiral"
    assert pg.controls["output"].value == pg.setting.output == "softmax + cross-entropy"
    assert "3 classes" in pg.message.value and pg.run.sizes[-1] == 3


def test_dataset_classes_table_matches_the_data():
    for name in DATASETS:
        x, y, _ = load_dataset(name)
        assert x.shape[1] == 2 and CLASSES[name] == len(np.unique(y))


def test_bad_setting_in_python_names_the_argument():
    with pytest.raises(ValueError, match="^hidden: "):
        Playground(hidden=(4, 0))
    with pytest.raises(ValueError, match="^dataset: 'moons'"):
        Playground(dataset="moons")


@pytest.mark.parametrize("changes", [
    dict(),
    dict(dataset="uniform", seeds=1, epochs_per_step=2, optimizer="rmsprop", lr=0.01, output="sigmoid + BCE"),
    dict(dataset="linear", seeds=3, batch_size=8, optimizer="adam", lr=0.05),
    dict(dataset="spiral", output="softmax + cross-entropy", hidden=(8,), activation="relu",
         init="he_normal", optimizer="momentum", lr=0.2, seeds=2),
])
def test_copied_code_reproduces_the_networks(changes):
    pg = Playground(**changes)
    pg.step()
    pg.step(3)
    pg.code_button.click()
    assert pg.code.layout.display != "none"
    namespace = {}
    exec(pg.code.value, namespace)
    for (name, p), q in zip(pg.run.model.named_parameters(), namespace["model"].parameters()):
        assert np.array_equal(p.data, q.data), name
    assert np.array_equal(namespace["history"].loss, pg.run.curves["loss"])


def test_gradient_check_button_shows_a_table_of_every_parameter():
    pg = Playground(hidden="3, 2", seeds=2)
    pg.step()
    pg.controls["seed"].value = 1
    pg.gradcheck_button.click()
    table = pg.gradcheck_table.value
    rows = pg.gradient_check()
    assert [(name, shape) for name, shape, *_ in rows] == \
        [(name, p.shape) for name, p in pg.run.single_model(1).named_parameters()]
    assert table.count("<tr>") == len(rows) + 1 and f"seed 1 at epoch {pg.run.epoch}" in table
    for name, _, error, _, _ in rows:
        verdict = "ok" if error <= gradcheck.TOLERANCE else "above"
        assert f"<td>{name}</td>" in table and f"<td>{error:.2e}</td><td>{verdict}</td>" in table
    assert max(error for _, _, error, _, _ in rows) < 1e-3    # a wrong backward gives errors near 1


def test_the_single_model_is_the_seed_of_the_stack():
    pg = Playground(seeds=3)
    pg.step()
    stacked = pg.run.model.forward(pg.run.x)
    assert np.array_equal(pg.run.single_model(2).forward(pg.run.x), stacked[2])


def test_deep_sigmoid_gradients_shrink_towards_the_input():
    pg = Playground(hidden="8, 8, 8, 8", seeds=2)
    deltas = pg.run.deltas[-1]                  # (layers, seeds), first hidden layer first
    assert np.all(np.diff(deltas, axis=0) > 0)
    lines = [line.get_ydata()[-1] for line in pg.figures.delta_lines if line.get_visible()]
    assert np.allclose(lines, deltas[:, 0])


def test_dead_relu_units_are_marked():
    pg = Playground(activation="relu", hidden="3", seeds=2)
    assert len(pg.figures.dead_marks.get_offsets()) == int(pg.run.dead[0][0].sum())
    first = pg.run.model.layers[0]
    first.weight.data[0, :, 1] = 0.0            # seed 0, unit 1: -1 on every point
    first.bias.data[0, 1] = -1.0
    pg.run._measure()
    pg.redraw()
    assert pg.run.dead[0][0, 1] and not pg.run.dead[0][1, 1]
    marks = pg.figures.dead_marks.get_offsets()
    assert len(marks) == int(pg.run.dead[0][0].sum())
    assert np.isclose(marks[:, 0], pgm.GRID + 4 + pgm.GRID / 2).any()   # the second map of the row


def test_unit_maps_show_each_units_output():
    pg = Playground(hidden="2", seeds=1)
    _, hidden = pg.run.over_plane()
    mosaic = pg.figures.maps.get_array()
    for unit in range(2):
        shown = mosaic[:pgm.GRID, unit * (pgm.GRID + 4):unit * (pgm.GRID + 4) + pgm.GRID]
        expected = pgm.plots.matplotlib.colormaps["RdBu"](hidden[0][0][:, unit])[:, :3]
        assert np.allclose(shown[::-1].reshape(-1, 3), expected)     # row 0 of the map is the top


def test_playground_module_keeps_the_network_code_apart():
    # the network modules never import the playground (ipywidgets stays out of the core)
    for path in (ROOT / "lab1").rglob("*.py"):
        if "playground" not in path.relative_to(ROOT / "lab1").parts:
            assert "playground" not in path.read_text().replace("lab1/playground", ""), path.name
    assert isinstance(Playground().run.model, nn.Sequential)


def test_notebook_runs_headless_with_papermill(tmp_path):
    papermill = pytest.importorskip("papermill")
    out = tmp_path / "playground.ipynb"
    papermill.execute_notebook(str(ROOT / "notebooks" / "playground.ipynb"), str(out), kernel_name="python3",
                               parameters={"dataset": "linear", "seeds": 2, "steps": 2},
                               progress_bar=False, cwd=str(tmp_path))
    import nbformat
    cells = [c for c in nbformat.read(out, as_version=4).cells if c.cell_type == "code"]
    outputs = [o for c in cells for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    widget = [o for o in outputs if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert len(widget) == 1
    last = [o.get("data", {}) for o in cells[-1].outputs]
    assert sum("image/png" in d for d in last) == 1                   # the figure, once
    assert any('<progress value="200" max="200"' in d.get("text/html", "") for d in last)


def test_notebook_rejects_a_misspelt_parameter(tmp_path):
    papermill = pytest.importorskip("papermill")
    with pytest.raises(papermill.PapermillExecutionError, match="unknown parameter datset"):
        papermill.execute_notebook(str(ROOT / "notebooks" / "playground.ipynb"), str(tmp_path / "o.ipynb"),
                                   kernel_name="python3", parameters={"datset": "xor"},
                                   progress_bar=False, cwd=str(tmp_path))


def diverge(pg, seed):
    """Make seed's loss nan in the next epoch: weights near the float64 maximum overflow."""
    for layer in pg.run.model.layers[::2]:
        layer.weight.data[seed] = 1e306


def test_a_diverged_seed_is_said_and_drawn_grey_and_play_stops_when_all_are():
    pg = Playground(seeds=3, activation="relu", output="softmax + cross-entropy")
    diverge(pg, 1)
    pg.play.playing = True
    pg.step()
    assert list(pg.run.diverged) == [False, True, False] and "diverged" in pg.message.value
    assert pg.play.playing and pg.run.epoch == pg.setting.epochs_per_step
    alone = Playground(seeds=3, activation="relu", output="softmax + cross-entropy")
    alone.step()
    pg.step()                                   # the others train on, exactly as without seed 1
    alone.step()
    for seed in (0, 2):
        assert np.array_equal(pg.run.curves["loss"][:, seed], alone.run.curves["loss"][:, seed])
    assert np.isnan(pg.run.curves["loss"][:, 1]).all()
    pg.controls["seed"].value = 1
    assert "(diverged)" in pg.figures.decision_ax.get_title()
    assert np.allclose(pg.figures.decision.get_array(), 0.8)            # grey: no prediction
    diverge(pg, 0)
    diverge(pg, 2)
    pg.step()
    assert pg.run.diverged.all() and not pg.play.playing
