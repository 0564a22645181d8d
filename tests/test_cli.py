"""python -m lab1: the terminal demo, run as a user would, in a subprocess."""
import os
import re
import signal
import subprocess
import sys
import time

import pytest

from lab1 import cli

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(*args, timeout=60):
    env = dict(os.environ, TQDM_DISABLE="1")
    env.pop("MPLBACKEND", None)
    return subprocess.run([sys.executable, "-m", "lab1", *args], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT, env=env)


def test_train_xor_prints_the_lab_output_and_writes_figures(tmp_path):
    out = tmp_path / "figs"
    result = run("train", "--dataset", "xor", "--epochs", "400", "--all-epochs", "--optimizer", "sgd",
                 "--log-every", "100", "--seed", "3", "--out", str(out))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    log = [line for line in lines if re.fullmatch(r"epoch \d+ loss : \S+", line)]
    assert [line.split()[1] for line in log][:4] == ["100", "200", "300", "400"]
    assert "last 5 epochs:" in lines
    assert "epoch 396 loss : " in result.stdout and "epoch 400 loss : " in result.stdout
    iters = [line for line in lines if line.startswith("Iter ")]
    assert len(iters) == 21                              # every XOR point
    assert iters[0].startswith("Iter 0 | Ground truth: 0 | prediction: ")
    assert re.fullmatch(r"Iter 1 \| Ground truth: 1 \| prediction: [01]\.\d{5}", iters[1])
    assert re.search(r"^loss=\S+ accuracy=\d+\.\d\d%$", result.stdout, re.M)
    assert sorted(os.listdir(out)) == ["comparison.pdf", "decision_boundary.pdf", "learning_curve.pdf"]
    assert all((out / name).read_bytes()[:4] == b"%PDF" for name in os.listdir(out))


def test_train_linear_png_and_a_fresh_test_set(tmp_path):
    result = run("train", "--dataset", "linear", "--samples", "40", "--epochs", "300", "--lr", "1",
                 "--log-every", "0", "--format", "png", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "epoch 100 loss" not in result.stdout        # --log-every 0: no periodic log
    assert "rng=seed+3" in result.stdout                 # says where the test set comes from
    assert sum(line.startswith("Iter ") for line in result.stdout.splitlines()) == 40
    assert sorted(os.listdir(tmp_path)) == ["comparison.png", "decision_boundary.png",
                                            "learning_curve.png"]


def test_train_is_reproducible_with_a_seed():
    args = ("train", "--dataset", "linear", "--samples", "30", "--epochs", "50", "--log-every", "10",
            "--batch-size", "8", "--no-figures", "--seed", "5")

    def strip_time(text):
        return re.sub(r"in \d+\.\d s", "", text)
    first, second = run(*args), run(*args)
    assert first.returncode == 0, first.stderr
    assert strip_time(first.stdout) == strip_time(second.stdout)


@pytest.mark.parametrize("dataset", ["spiral", "digits"])
def test_train_multiclass_datasets(tmp_path, dataset):
    extra = ("--samples", "30") if dataset == "spiral" else ()
    result = run("train", "--dataset", dataset, *extra, "--epochs", "30", "--hidden", "16",
                 "--optimizer", "adam", "--lr", "0.01", "--log-every", "10", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "loss cross_entropy" in result.stdout
    assert re.search(r"^Iter 0 \| Ground truth: \d \| prediction: \d \(p = [01]\.\d{5}\)$",
                     result.stdout, re.M)
    assert re.search(r"^loss=\S+ accuracy=\d+\.\d\d%$", result.stdout, re.M)
    expected = {"comparison.pdf", "learning_curve.pdf"}
    if dataset == "spiral":
        expected.add("decision_boundary.pdf")            # 2-D data only
    assert set(os.listdir(tmp_path)) == expected


def test_train_uniform_reports_the_held_out_test_set():
    result = run("train", "--dataset", "uniform", "--samples", "200", "--epochs", "20",
                 "--log-every", "0", "--no-figures")
    assert result.returncode == 0, result.stderr
    assert "held-out" in result.stdout
    assert re.search(r"^loss=\S+ accuracy=", result.stdout, re.M)


def test_binary_cross_entropy_uses_two_logits():
    result = run("train", "--dataset", "xor", "--loss", "cross_entropy", "--epochs", "20",
                 "--log-every", "0", "--no-figures")
    assert result.returncode == 0, result.stderr
    assert "network 2-4-4-2" in result.stdout
    assert re.search(r"^Iter 0 \| Ground truth: 0 \| prediction: [01]\.\d{5}$", result.stdout, re.M)


@pytest.mark.parametrize("args, message", [
    (("--dataset", "moons"), "--dataset"),
    (("--activation", "swish"), "--activation"),
    (("--optimizer", "lbfgs"), "--optimizer"),
    (("--loss", "hinge"), "--loss"),
    (("--lr", "0"), "--lr"),
    (("--lr", "-0.1"), "--lr"),
    (("--lr", "nan"), "--lr"),
    (("--epochs", "0"), "--epochs"),
    (("--epochs", "ten"), "--epochs"),
    (("--hidden", "4", "0"), "--hidden"),
    (("--batch-size", "0"), "--batch-size"),
    (("--momentum", "1.5"), "--momentum"),
    (("--optimizer", "adam", "--momentum", "0.5"), "momentum"),     # caught from the library
    (("--dataset", "spiral", "--loss", "mse"), "--loss mse"),
    (("--seed", "-1"), "--seed"),
    (("--dataset", "xor", "--samples", "50"), "--samples"),
    (("--dataset", "digits", "--samples", "50"), "--samples"),
    (("--dataset", "spiral", "--samples", "3"), "--samples 3"),
    (("--dataset", "uniform", "--samples", "1"), "--samples 1"),
    (("--hidden", "100000", "100000"), "--hidden 100000 100000"),
    (("--out", "somewhere"), "--out"),                 # with --no-figures, which writes none
    (("--format", "png"), "--format"),
])
def test_bad_values_exit_2_with_one_line(args, message):
    result = run("train", "--epochs", "1", *args, "--no-figures")   # the last --epochs wins
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "error" in lines[0] and message in lines[0]


@pytest.mark.parametrize("make_out", [
    lambda tmp: tmp / "a-file",                          # exists, not a folder
    lambda tmp: tmp / "a-file" / "figures",              # its parent is a file
])
def test_an_impossible_out_is_named_before_training(tmp_path, make_out):
    (tmp_path / "a-file").write_text("not a folder")
    result = run("train", "--out", str(make_out(tmp_path)))
    assert result.returncode == 2 and result.stdout == ""    # nothing trained
    assert "--out" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_defaults_reach_90_percent_on_both_data_sets_for_seeds_0_to_9(capsys):
    for dataset in ("xor", "linear"):
        for seed in range(10):
            assert cli.main(["train", "--dataset", dataset, "--seed", str(seed), "--log-every", "0",
                             "--no-figures"]) == 0
            out = capsys.readouterr().out
            accuracy = float(re.search(r"^loss=\S+ accuracy=([\d.]+)%$", out, re.M).group(1))
            assert accuracy >= 90, (dataset, seed, accuracy)
            # every training point right, and it stopped there rather than running on
            assert "training stopped after" in out and "classified correctly" in out, out


def test_header_shows_every_setting_in_effect(capsys):
    cli.main(["train", "--epochs", "1", "--log-every", "0", "--no-figures"])
    header = capsys.readouterr().out.splitlines()[0]
    for setting in ("xor", "2-4-4-1 sigmoid", "sigmoid output", "init uniform", "loss mse",
                    "momentum (lr 1, momentum 0.9)", "full batch", "at most 1 epochs",
                    "stop when every training point is right", "seed 0"):
        assert setting in header, setting
    cli.main(["train", "--epochs", "1", "--optimizer", "adam", "--lr", "0.01", "--batch-size", "50",
              "--all-epochs", "--log-every", "0", "--no-figures"])
    header = capsys.readouterr().out.splitlines()[0]
    assert "adam (lr 0.01, betas (0.9, 0.999), eps 1e-08)" in header
    assert "batch size 50 (>= the 21 training points: full batch)" in header
    assert "stop when" not in header


def test_divergence_is_reported_with_nan_outputs_and_exit_1(capsys):
    code = cli.main(["train", "--loss", "cross_entropy", "--activation", "identity", "--optimizer",
                     "sgd", "--lr", "1e10", "--log-every", "0", "--no-figures"])
    out = capsys.readouterr().out
    assert code == 1
    assert "training DIVERGED after" in out and "try a smaller" in out
    assert re.search(r"^Iter 0 \| Ground truth: 0 \| prediction: nan$", out, re.M)
    assert "accuracy=n/a" in out and not re.search(r"accuracy=\d", out)


def test_a_network_too_large_for_memory_is_named(monkeypatch, capsys):
    def out_of_memory(*args, **kwargs):
        raise MemoryError
    monkeypatch.setattr(cli.nn, "mlp", out_of_memory)
    with pytest.raises(SystemExit) as stop:
        cli.main(["train", "--hidden", "8", "--no-figures"])
    assert stop.value.code == 2
    assert "--hidden 8" in capsys.readouterr().err


def test_library_value_errors_become_exit_2(monkeypatch, capsys):
    def broken(*args, **kwargs):
        raise ValueError("fit: something the library rejects")
    monkeypatch.setattr(cli, "fit", broken)
    with pytest.raises(SystemExit) as stop:
        cli.main(["train", "--epochs", "1", "--no-figures"])
    assert stop.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "something the library rejects" in err[0]


def test_help_mentions_every_option_and_default():
    result = run("train", "--help")
    assert result.returncode == 0
    parser = cli.build_parser()
    train = parser._subparsers._group_actions[0].choices["train"]
    for action in train._actions:
        for option in action.option_strings:
            assert option in result.stdout, option
    for default in ("(default: xor)", "(default: 1.0)", "(default: 20000)", "(default: momentum)",
                    "(default: sigmoid)", "(default: 500)", "(default: figures/cli)",
                    "full batch", "mse for the 2-class"):
        assert default in " ".join(result.stdout.split()), default
    top = run("--help")
    assert top.returncode == 0 and "train" in top.stdout and "gradcheck" in top.stdout
    check = run("gradcheck", "--help")
    assert check.returncode == 0 and "--tolerance" in check.stdout


def test_gradcheck_prints_the_table_and_passes():
    result = run("gradcheck")
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert "2-4-4-1 sigmoid" in lines[0] and "6 XOR points" in lines[0]
    assert "floor" in lines[1]                              # says how the error is measured
    assert lines[2].split() == ["parameter", "shape", "error"]
    rows = [line.split() for line in lines[3:-1]]
    assert [row[0] for row in rows] == ["0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"]
    assert all(float(row[-1]) < 1e-7 for row in rows)
    assert lines[-1].endswith("OK")


@pytest.mark.parametrize("points", ["0", "22"])
def test_gradcheck_points_out_of_range_are_rejected(points):
    result = run("gradcheck", "--points", points)
    assert result.returncode == 2 and "--points" in result.stderr and "21" in result.stderr


def test_gradcheck_uses_as_many_points_as_asked(capsys):
    assert cli.main(["gradcheck", "--points", "21", "--hidden", "8", "8", "--loss", "bce"]) == 0
    assert "21 XOR points" in capsys.readouterr().out
    x, _ = cli.gradcheck_points(21)
    assert len({tuple(p) for p in x}) == 21


def test_gradcheck_fails_above_the_tolerance():
    result = run("gradcheck", "--tolerance", "1e-30")
    assert result.returncode == 1
    assert "FAIL" in result.stdout


def test_ctrl_c_stops_training_and_still_reports(tmp_path):
    env = dict(os.environ, TQDM_DISABLE="1")
    proc = subprocess.Popen(
        [sys.executable, "-m", "lab1", "train", "--dataset", "xor", "--epochs", "100000000",
         "--all-epochs", "--log-every", "500", "--out", str(tmp_path)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env,
        # a shell running tests in the background may ignore SIGINT; the child must not
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        head = []
        deadline = time.monotonic() + 30
        for line in proc.stdout:                           # wait until training is under way
            head.append(line)
            if line.startswith("epoch ") or time.monotonic() > deadline:
                break
        time.sleep(0.5)
        proc.send_signal(signal.SIGINT)
        rest, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    out = "".join(head) + rest
    assert proc.returncode == 0, err
    assert "training interrupted (Ctrl-C)" in out
    assert re.search(r"^Iter 0 \| Ground truth: 0 \| prediction: ", out, re.M)
    assert re.search(r"^loss=\S+ accuracy=\d+\.\d\d%$", out, re.M)
    assert "learning_curve.pdf" in os.listdir(tmp_path)
    assert "Traceback" not in err


def test_cli_imports_matplotlib_only_to_write_figures():
    code = ("import sys; from lab1 import cli; "
            "cli.main(['train', '--epochs', '2', '--log-every', '0', '--no-figures']); "
            "print('matplotlib' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False"
