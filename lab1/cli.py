"""python -m lab1: train a network from the terminal and print what the lab asks for.

    python -m lab1 train --dataset xor --hidden 4 4 --activation sigmoid --lr 1
    python -m lab1 gradcheck

``train`` prints a header with every setting in effect, the loss every --log-every epochs
in the TA's format, the last epochs' losses, one line per test point (``Iter i | Ground
truth: y | prediction: p``) and the test loss and accuracy, then writes comparison,
decision-boundary and learning-curve figures to --out. It stops once every training point
is right unless --all-epochs. Bad options exit with status 2 and a one-line message on
stderr naming the option; a diverged run exits with status 1. Ctrl-C during training
stops it and still reports the model trained so far (status 0); a second Ctrl-C while
reporting stops with status 130.

Matplotlib is imported (through lab1.plots) only when figures are written.
"""
import argparse
import math
import os
import sys
import tempfile
import warnings

import numpy as np

from . import __version__, data, gradcheck, nn, optim
from .study import batch as study_batch
from .train import DivergenceWarning, evaluate, fit

DATASETS = ("linear", "xor", "uniform", "spiral", "digits")
TWO_D = ("linear", "xor", "uniform", "spiral")
DEFAULT_SAMPLES = {"linear": 100, "uniform": 5000, "spiral": 100}
DEFAULT_OUT = os.path.join("figures", "cli")
PART_NAMES = {"train": "training", "val": "validation", "test": "test"}


class Parser(argparse.ArgumentParser):
    """argparse with a one-line error: 'python -m lab1 train: error: ...' and exit status 2."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


class _Formatter(argparse.ArgumentDefaultsHelpFormatter):
    def _get_help_string(self, action):
        # "(default: None)" says nothing; those options explain their default in the help text
        if action.default is None or action.default is argparse.SUPPRESS:
            return action.help
        return super()._get_help_string(action)


def _number(convert, noun, accept, requirement):
    """An argparse type: text -> convert(text), with one-line errors naming the rule."""
    def parse(text):
        try:
            value = convert(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not {noun}") from None
        if not accept(value):
            raise argparse.ArgumentTypeError(f"must be {requirement}, got {text}")
        return value
    return parse


_positive_int = _number(int, "an integer", lambda v: v > 0, "a positive integer")
_non_negative_int = _number(int, "an integer", lambda v: v >= 0, ">= 0")
_positive_float = _number(float, "a number", lambda v: math.isfinite(v) and v > 0,
                          "a positive finite number")
_xor_points = _number(int, "an integer", lambda v: 1 <= v <= 21,
                      "between 1 and 21 (the TA's XOR set has 21 points)")
_fraction = _number(float, "a number", lambda v: 0 <= v < 1, "in [0, 1)")


def build_parser():
    parser = Parser(prog="python -m lab1", formatter_class=_Formatter,
                    description="Lab 1: back-propagation. Train the lab's network from the "
                                "terminal, or check its gradients.")
    parser.add_argument("--version", action="version", version=f"lab1 {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    train = commands.add_parser(
        "train", formatter_class=_Formatter, help="train a network and report its test results",
        description="Train a network, print the training log in the TA's format, every test "
                    "prediction and the test accuracy, and write the figures. Training stops "
                    "once every training point is classified correctly (--all-epochs: never "
                    "early). Randomness comes from --seed: initial weights use rng=SEED, the "
                    "mini-batch order rng=SEED+1, generated data rng=SEED+2, the linear test "
                    "set and the spiral/digits split rng=SEED+3. Ctrl-C stops training early "
                    "and still reports (exit status 0); a diverged run exits with status 1.")
    train.add_argument("--dataset", choices=DATASETS, default="xor",
                       help="xor: the TA's 21 points, tested on themselves; linear: "
                            "generate_linear(n) for training and a fresh generate_linear(n) "
                            "for testing; uniform: data.uniform_setup (train/validation/test); "
                            "spiral: 3-class spiral, digits: 8x8 digits (10 classes, 64 inputs), "
                            "both split 60/20/20 by class")
    train.add_argument("--samples", type=_positive_int, default=None,
                       help="points to generate: linear n (default 100, same for the test set), "
                            "uniform training+validation n (default 5000), spiral points per "
                            "class (default 100); xor and digits have fixed data and reject it")
    train.add_argument("--hidden", type=_positive_int, nargs="+", default=[4, 4], metavar="UNITS",
                       help="units of each hidden layer, e.g. --hidden 4 4 for the lab's "
                            "two hidden layers")
    train.add_argument("--activation", choices=sorted(nn.ACTIVATIONS), default="sigmoid",
                       help="hidden-layer activation ('identity' for none)")
    train.add_argument("--loss", choices=sorted(nn.LOSSES), default=None,
                       help="loss (default: mse for the 2-class data sets, as the lab, and "
                            "cross_entropy for spiral and digits). mse and bce use one sigmoid "
                            "output; cross_entropy uses one logit per class with softmax")
    train.add_argument("--optimizer", choices=sorted(optim.OPTIMIZERS), default="momentum",
                       help=f"update rule ('momentum' is sgd with momentum {optim.MOMENTUM:g} "
                            f"unless --momentum)")
    train.add_argument("--lr", type=_positive_float, default=1.0, help="learning rate")
    train.add_argument("--momentum", type=_fraction, default=None,
                       help=f"momentum for sgd/momentum (default: 0 for sgd, "
                            f"{optim.MOMENTUM:g} for momentum)")
    train.add_argument("--init", choices=sorted(nn.INITIALIZERS), default="uniform",
                       help="weight initializer (uniform: U(-1/sqrt(fan_in), 1/sqrt(fan_in)), torch's default)")
    train.add_argument("--epochs", type=_positive_int, default=20000,
                       help="most training epochs")
    train.add_argument("--all-epochs", action="store_true",
                       help="train all --epochs even after every training point is right")
    train.add_argument("--batch-size", type=_positive_int, default=None,
                       help="mini-batch size (default: full batch, the whole training set "
                            "per update)")
    train.add_argument("--seed", type=_non_negative_int, default=0,
                       help="seed of every random choice")
    train.add_argument("--log-every", type=_non_negative_int, default=500,
                       help="print 'epoch E loss : L' every this many epochs (0: never)")
    train.add_argument("--last-epochs", type=_non_negative_int, default=5,
                       help="how many of the final epochs' losses to print")
    train.add_argument("--out", default=None,
                       help=f"folder for comparison, decision_boundary (2-D data) and "
                            f"learning_curve figures (default: {DEFAULT_OUT})")
    train.add_argument("--format", choices=("pdf", "png"), default=None,
                       help="figure format (default: pdf)")
    train.add_argument("--no-figures", action="store_true", help="do not write figures")

    check = commands.add_parser(
        "gradcheck", formatter_class=_Formatter,
        help="compare back-propagated gradients with centred differences",
        description="Gradient check of the whole network: every parameter's back-propagated "
                    "gradient against centred differences on XOR points, as a relative error "
                    "with a floor of lab1.gradcheck.FLOOR times the largest gradient entry; "
                    "entries whose step crosses a ReLU kink are skipped and counted. Exits 1 "
                    "if any error exceeds --tolerance.")
    check.add_argument("--hidden", type=_positive_int, nargs="+", default=[4, 4], metavar="UNITS",
                       help="units of each hidden layer")
    check.add_argument("--activation", choices=sorted(nn.ACTIVATIONS), default="sigmoid",
                       help="hidden-layer activation")
    check.add_argument("--loss", choices=("mse", "bce"), default="mse", help="loss")
    check.add_argument("--points", type=_xor_points, default=6,
                       help="how many of the TA's 21 XOR points, evenly spaced (1 to 21)")
    check.add_argument("--step", type=_positive_float, default=gradcheck.STEP,
                       help="finite-difference step h")
    check.add_argument("--tolerance", type=_positive_float, default=gradcheck.TOLERANCE,
                       help="largest error that passes")
    check.add_argument("--seed", type=int, default=0, help="seed of the initial weights")
    study_batch.add_commands(commands)   # batch, collect: lab1/study/batch.py
    return parser


# ---------------------------------------------------------------- train

class OptionError(ValueError):
    """A bad combination of options; the message names the option."""


def check_options(args):
    """Reject options that do not apply, and an --out that cannot be written, before any work."""
    if args.samples is not None and args.dataset not in DEFAULT_SAMPLES:
        raise OptionError(f"--samples does not apply to --dataset {args.dataset} "
                          f"(its data are fixed); it applies to {', '.join(DEFAULT_SAMPLES)}")
    if args.momentum is not None and args.optimizer not in ("sgd", "momentum"):
        raise OptionError(f"--momentum applies to --optimizer sgd and momentum, not {args.optimizer}")
    if args.no_figures:
        given = [name for name, value in (("--out", args.out), ("--format", args.format)) if value]
        if given:
            raise OptionError(f"{' and '.join(given)} set with --no-figures, which writes none")
        return
    args.out = args.out or DEFAULT_OUT
    args.format = args.format or "pdf"
    check_writable_folder(args.out)


def check_writable_folder(path):
    """Create folder path if needed and make sure a file can be written in it."""
    if os.path.exists(path) and not os.path.isdir(path):
        raise OptionError(f"--out {path!r} is a file, not a folder")
    try:
        os.makedirs(path, exist_ok=True)
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as error:
        raise OptionError(f"--out {path!r} cannot be written: {error.strerror or error}") from None


def load_dataset(args):
    """{"train": (x, y), "val": (x, y) or None, "test": (x, y), "classes": K, "about": str}.

    x is (N, features) float64; y is (N, 1) for the 2-class sets, (N,) class indices for K classes.
    """
    name, seed = args.dataset, args.seed
    n = args.samples or DEFAULT_SAMPLES.get(name)
    if name == "xor":
        x, y = data.generate_XOR_easy()
        return {"train": (x, y), "val": None, "test": (x, y), "classes": 2,
                "about": "the 21 training points (the TA's XOR test)"}
    if name == "linear":
        return {"train": data.generate_linear(n, rng=seed + 2), "val": None,
                "test": data.generate_linear(n, rng=seed + 3), "classes": 2,
                "about": f"a fresh generate_linear({n}, rng=seed+3={seed + 3})"}
    if name == "uniform":
        parts = data.uniform_setup(n=n, rng=seed + 2)
        dataset = {"train": parts["train"], "val": parts["val"], "test": parts["test"], "classes": 2,
                   "about": f"the {len(parts['test'][0])} held-out points of uniform_setup(rng=seed+2)"}
    else:
        if name == "spiral":
            x, y = data.generate_spiral(n_per_class=n, classes=3, rng=seed + 2)
            about = f"20% of the spiral, stratified (rng=seed+3={seed + 3})"
        else:
            x, y = data.load_digits()
            x = x.reshape(len(x), -1)                      # the MLP sees the 64 pixels flat
            about = f"20% of the digits, stratified (rng=seed+3={seed + 3})"
        parts = data.stratified_split(y, (0.6, 0.2, 0.2), rng=seed + 3)
        dataset = {"train": (x[parts[0]], y[parts[0]]), "val": (x[parts[1]], y[parts[1]]),
                   "test": (x[parts[2]], y[parts[2]]), "classes": int(y.max()) + 1, "about": about}
    empty = [part for part in ("train", "val", "test") if len(dataset[part][0]) == 0]
    if empty:
        raise OptionError(f"--samples {n} is too small for --dataset {name}: the "
                          f"{' and '.join(PART_NAMES[p] for p in empty)} part{'s are' if len(empty) > 1 else ' is'} empty")
    return dataset


def build_model(args, n_inputs, classes):
    """The network and its loss name: one sigmoid output for mse/bce, K logits for cross_entropy."""
    loss = args.loss or ("mse" if classes == 2 else "cross_entropy")
    if classes > 2 and loss != "cross_entropy":
        raise OptionError(f"--loss {loss} needs two classes and --dataset {args.dataset} has "
                          f"{classes}: use --loss cross_entropy")
    outputs, output = (1, "sigmoid") if loss != "cross_entropy" else (classes, "identity")
    sizes = [n_inputs, *args.hidden, outputs]
    check_memory(sizes, len(data_points(args)))
    model = nn.mlp(sizes, activation=args.activation, output=output, init=args.init, rng=args.seed)
    return model, loss, output


def data_points(args):
    """A stand-in of the training set's length for the memory estimate (x is loaded already)."""
    return range(args.samples or DEFAULT_SAMPLES.get(args.dataset) or 1797)


def check_memory(sizes, points):
    """OptionError naming --hidden when the network and its activations would not fit in memory."""
    weights = sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:]))
    # weights, gradients and up to two optimizer states; activations and their gradients
    needed = 8 * (4 * weights + 4 * points * sum(sizes))
    try:
        available = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):      # no sysconf: MemoryError is still caught
        return
    if needed > available:
        raise OptionError(f"--hidden {' '.join(map(str, sizes[1:-1]))}: the network needs about "
                          f"{needed / 2**30:.1f} GiB to train, more than the "
                          f"{available / 2**30:.1f} GiB of memory available")


def build_optimizer(args, model):
    options = {} if args.momentum is None else {"momentum": args.momentum}
    return optim.make(args.optimizer, model.parameters(), lr=args.lr, **options)


def _say(line=""):
    print(line, flush=True)


def _describe(args, model, loss, output, optimizer, dataset):
    """The header: every setting in effect."""
    sizes = [model[0].in_features] + [layer.out_features for layer in model.layers
                                      if isinstance(layer, nn.Linear)]
    n = len(dataset["train"][0])
    if args.batch_size is None:
        batch = "full batch"
    elif args.batch_size >= n:
        batch = f"batch size {args.batch_size} (>= the {n} training points: full batch)"
    else:
        batch = f"batch size {args.batch_size}"
    settings = ", ".join(f"{name} {_setting(value)}" for name, value in optim.settings(optimizer).items()
                         if not (name == "nesterov" and not value))
    stop = "" if args.all_epochs else ", stop when every training point is right"
    return (f"lab1 train: {args.dataset} ({n} training points), network {'-'.join(map(str, sizes))} "
            f"{args.activation} ({output} output), init {args.init}, loss {loss}, "
            f"{args.optimizer} ({settings}), {batch}, at most {args.epochs} epochs{stop}, "
            f"seed {args.seed}")


def _setting(value):
    if isinstance(value, tuple):
        return "(" + ", ".join(f"{v:g}" for v in value) + ")"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _prediction_lines(out, y, classes):
    """'Iter i | Ground truth: y | prediction: p' for each test point (nan outputs as nan)."""
    labels = [int(t) for t in np.ravel(y)]
    if out.shape[1] == 1:                                   # one sigmoid output: P(y = 1)
        return [f"Iter {i} | Ground truth: {t} | prediction: {p:.5f}"
                for i, (t, p) in enumerate(zip(labels, out[:, 0]))]
    prob = nn.softmax(out)
    if classes == 2:                                        # two logits: report P(y = 1)
        return [f"Iter {i} | Ground truth: {t} | prediction: {p:.5f}"
                for i, (t, p) in enumerate(zip(labels, prob[:, 1]))]
    return [f"Iter {i} | Ground truth: {t} | prediction: "
            + (f"{row.argmax()} (p = {row.max():.5f})" if np.all(np.isfinite(row)) else "nan")
            for i, (t, row) in enumerate(zip(labels, prob))]


def run_train(args, parser):
    try:
        check_options(args)
        dataset = load_dataset(args)
        x, y = dataset["train"]
        model, loss, output = build_model(args, x.shape[1], dataset["classes"])
        optimizer = build_optimizer(args, model)
    except MemoryError:
        parser.error(f"--hidden {' '.join(map(str, args.hidden))}: the network does not fit in memory")
    except ValueError as error:
        parser.error(str(error))
    _say(_describe(args, model, loss, output, optimizer, dataset))
    try:
        with warnings.catch_warnings():
            # the summary below says it once, with the epoch and lr
            warnings.simplefilter("ignore", DivergenceWarning)
            history = fit(model, x, y, loss=loss, optimizer=optimizer, epochs=args.epochs,
                          batch_size=args.batch_size, validation=dataset["val"], rng=args.seed + 1,
                          stop_when_perfect=not args.all_epochs, log_every=args.log_every or None,
                          log=_say, catch_interrupt=True)
    except MemoryError:
        parser.error(f"--hidden {' '.join(map(str, args.hidden))} with {len(x)} training points "
                     f"does not fit in memory; use fewer units or --batch-size")
    except ValueError as error:
        parser.error(str(error))

    diverged = history.stop_reason == "diverged"
    stopped = {"completed": "completed", "interrupted": "interrupted (Ctrl-C)",
               "perfect": "stopped", "diverged": "DIVERGED"}.get(history.stop_reason,
                                                                 history.stop_reason)
    detail = f": {history.message}" if history.message and history.stop_reason != "completed" else ""
    _say(f"training {stopped} after {history.epochs} epochs in {history.seconds:.1f} s{detail}")
    if args.last_epochs and history.epochs:
        _say(f"last {min(args.last_epochs, history.epochs)} epochs:")
        for line in history.last_epochs(args.last_epochs):
            _say(line)

    x_test, y_test = dataset["test"]
    with np.errstate(over="ignore", invalid="ignore"):
        test_loss, test_accuracy, out = evaluate(model, x_test, y_test, loss=loss)
    _say(f"test set: {dataset['about']}")
    for line in _prediction_lines(out, y_test, dataset["classes"]):
        _say(line)
    if diverged or not np.all(np.isfinite(out)):
        _say("loss=nan accuracy=n/a: the model diverged (its outputs are nan); "
             "try a smaller --lr")
        return 1
    _say(f"loss={test_loss:.6g} accuracy={100 * test_accuracy:.2f}%")

    if not args.no_figures:
        written = write_figures(args, model, history, dataset, out)
        _say("wrote " + ", ".join(written))
    return 0


def write_figures(args, model, history, dataset, out):
    from . import plots                                   # imports matplotlib, only here
    x, y = dataset["train"]
    x_test, y_test = dataset["test"]
    ext, written = args.format, []
    about = f"{args.dataset}, {args.activation}, {args.optimizer} lr {args.lr:g}"
    path = os.path.join(args.out, f"comparison.{ext}")
    plots.comparison(x_test, y_test, out, title=f"Test set ({about})", path=path)
    written.append(path)
    if args.dataset in TWO_D:
        path = os.path.join(args.out, f"decision_boundary.{ext}")
        plots.decision_boundary(model, x, y, title=f"Decision boundary ({args.dataset})", path=path)
        written.append(path)
    path = os.path.join(args.out, f"learning_curve.{ext}")
    plots.learning_curves(history, title=f"Learning curve ({about})", path=path)
    written.append(path)
    return written


# ---------------------------------------------------------------- gradcheck

def gradcheck_points(count):
    """count of the TA's 21 XOR points, evenly spaced in their order (all 21 for 21)."""
    x, y = data.generate_XOR_easy()
    idx = np.round(np.linspace(0, len(x) - 1, count)).astype(int)
    return x[idx], y[idx]


def run_gradcheck(args, parser):
    x, y = gradcheck_points(args.points)
    try:
        model = nn.mlp([2, *args.hidden, 1], activation=args.activation, rng=args.seed)
        rows = gradcheck.check_gradients(model, args.loss, x, y, h=args.step)
    except ValueError as error:
        parser.error(str(error))
    sizes = "-".join(map(str, [2, *args.hidden, 1]))
    print(f"gradient check: {sizes} {args.activation} network, {args.loss} loss, {len(x)} XOR "
          f"points, centred differences with h={args.step:g}")
    print(f"error = max |analytic - numeric| / max(|analytic| + |numeric|, floor), floor = "
          f"{gradcheck.FLOOR:g} x the largest gradient entry")
    width = max(len("parameter"), *(len(row.name) for row in rows))
    print(f"{'parameter':<{width}}  {'shape':<10}  error")
    for row in rows:
        if np.isnan(row.error):
            print(f"{row.name:<{width}}  {str(row.shape):<10}  not checked: every entry skipped")
            continue
        flag = "" if row.error <= args.tolerance else "  FAIL"
        skipped = f"  ({row.skipped} skipped)" if row.skipped else ""
        print(f"{row.name:<{width}}  {str(row.shape):<10}  {row.error:.3e}{flag}{skipped}")
    skipped = sum(row.skipped for row in rows)
    if skipped:
        print(f"skipped {skipped} entries: a step of +-2h moved a {args.activation} input across "
              f"its kink at 0, where the derivative is undefined and the difference quotient "
              f"measures the kink")
    checked = [row.error for row in rows if not np.isnan(row.error)]
    worst = max(checked, default=0.0)
    ok = worst <= args.tolerance
    print(f"max error {worst:.3e} {'<=' if ok else '>'} {args.tolerance:g}: "
          f"{'OK' if ok else 'FAILED'}")
    return 0 if ok else 1


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    sub = parser._subparsers._group_actions[0].choices[args.command]
    try:
        if "run" in args:                                 # a command registered with its runner
            return args.run(args)
        if args.command == "train":
            return run_train(args, sub)
        return run_gradcheck(args, sub)
    except KeyboardInterrupt:
        # Ctrl-C outside training (while loading, reporting or drawing): stop quietly
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:                               # e.g. python -m lab1 train | head
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
