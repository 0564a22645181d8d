"""Text and tables of the convolution part of the Extra section
(notebooks/08_convolution.ipynb); the models and their training are in digits."""
import numpy as np

from .. import data, metrics, nn, optim
from ..train import fit
from . import digits as dg
from .formatting import loss_text, markdown_table, mean_std, percent


def data_text(x_all, y_all):
    pixels = x_all.shape[-1]
    return f"""
The data are the UCI {pixels} × {pixels} handwritten digits ({len(y_all):,} grayscale images, {len(np.unique(y_all))}
classes), in the copy that scikit-learn redistributes. The file ships inside `lab1` as a compressed NumPy
`.npz` archive and is loaded with NumPy only (`data.load_digits`, pixels scaled to [0, 1]).
"""


def split_text(split, y_all):
    counts = {k: len(v[1]) for k, v in split.items()}
    return f"""
The {len(y_all):,} images are split per class into {counts["train"]:,} training, {counts["val"]} validation
and {counts["test"]} test images (fractions {", ".join(f"{f:g}" for f in dg.DIGITS_FRACTIONS)},
`data.stratified_split`, seed {dg.SPLIT_SEED}). Choices were made on the validation set only;
the test set is evaluated once, after training.
"""


def architecture(model, input_shape):
    """Markdown table: layer, output shape of one image, parameters."""
    h = np.zeros((1,) + input_shape)
    rows = []
    for layer in model.layers:
        h = layer.forward(h)
        rows.append([repr(layer), "(" + ", ".join(map(str, h.shape[1:])) + ")", f"{layer.num_parameters():,}"])
    rows.append(["**total**", "", f"**{model.num_parameters():,}**"])
    return markdown_table(["layer", "output shape", "parameters"], rows, align="llr")


def width_selection(split, epochs):
    """{hidden width: mean validation accuracy over CNN_GRID_SEEDS} for MLP_WIDTHS_TRIED."""
    return {h: float(np.mean(dg.train_mlp(seeds=dg.CNN_GRID_SEEDS, split=split, hidden=h,
                                          epochs=epochs).val_accuracy))
            for h in dg.MLP_WIDTHS_TRIED}


def models_text(split, width_val, digits_epochs, digits_seeds):
    def grid_text(option):
        return "{" + ", ".join(f"{v:g}" for v in dg.CNN_GRID[option]) + "}"

    chosen_by = " or ".join(dg.CONV_INIT_NAMES[v] for v in dg.CNN_GRID["conv_init"])
    n_val = len(split["val"][1])
    width_spread = round((max(width_val.values()) - min(width_val.values())) * n_val)
    widths_text = ", ".join(f"{h:,}" for h in dg.MLP_WIDTHS_TRIED)
    width_accs = ", ".join(percent(v) for v in width_val.values())
    if width_spread <= 1:
        width_verdict = (f"within one of the {n_val} validation images of each other, so the width hardly matters "
                         "here and the narrower layer is kept")
    else:
        width_verdict = f"a spread of {width_spread} of the {n_val} validation images"
    cnn_shape = dg.build_cnn(0)
    small_hidden = dg.matched_hidden(cnn_shape.num_parameters())
    training = dg.TRAINING
    seeds = f"{dg.CNN_GRID_SEEDS[0]}–{dg.CNN_GRID_SEEDS[-1]}"
    return rf"""
**Models.** All three are trained the same way: softmax cross-entropy on the logits, SGD with
momentum {training["momentum"]:g} and lr {training["lr"]:g}, shuffled mini-batches of
{training["batch_size"]}, {digits_epochs} epochs, {digits_seeds} seeds each
(`lab1/study/digits.py`, which the tests use too).

* **CNN** (convolution weights He-normal, output layer Xavier-normal, zero biases). Its configuration
  was picked by mean validation accuracy (seeds {seeds}) from
  {grid_text("channels")} channels, padding {grid_text("padding")}, lr {grid_text("lr")} and
  convolution weights initialized {chosen_by}.

{architecture(cnn_shape, (1, dg.IMAGE_SIZE, dg.IMAGE_SIZE))}

* **MLP**: the flattened {dg.IMAGE_SIZE ** 2} pixels, one hidden layer of {dg.MLP["hidden"]} ReLU units and a
  softmax output, Xavier-initialized weights ($\mathcal N(0, 2/(n_\text{{in}} + n_\text{{out}}))$) and zero
  biases, SGD with momentum {training["momentum"]:g}, {dg.mlp_parameters(dg.MLP["hidden"]):,} parameters: a common
  baseline for {dg.CLASSES}-class image classification. Such baselines often use {dg.CLASSIC_HIDDEN:,} hidden units
  for 28 × 28 images; here {dg.MLP["hidden"]} (chosen on validation: {widths_text} units gave {width_accs}
  mean validation accuracy over seeds {seeds}, {width_verdict}).
* **Small MLP**: the same with {small_hidden} hidden units, the width whose parameter count
  ({dg.mlp_parameters(small_hidden):,}) is closest to the CNN's ({cnn_shape.num_parameters():,}).
"""


def short_labels(results):
    cnn, mlp, mlp_small = results
    return {"cnn": "CNN", "mlp": f"MLP-{mlp.config['hidden']}", "mlp_small": f"MLP-{mlp_small.config['hidden']}"}


def results_table(results, digits_seeds):
    """The 'Digits after training' caption and table (accuracy and loss on each split)."""
    labels = short_labels(results)
    _, mlp, mlp_small = results
    rows = []
    for k, r in zip(dg.DIGITS_MODELS, results):
        rows.append([labels[k], f"{r.num_parameters:,}", "accuracy"]
                    + [mean_std(np.mean(r.accuracy[s]), np.std(r.accuracy[s])) for s in dg.SPLITS])
        rows.append(["", "", "loss"] + [loss_text(np.mean(r.loss[s])) for s in dg.SPLITS])
    return (f"**Digits after training**: accuracy (mean ± std over {digits_seeds} seeds) and cross-entropy loss "
            f"(mean over the seeds) on each split. MLP-{mlp.config['hidden']} is the MLP above, "
            f"MLP-{mlp_small.config['hidden']} the MLP of the CNN's size.\n\n"
            + markdown_table(["model", "parameters", "", "training", "validation", "test"], rows, align="lrlrrr"))


def confusion(result, seed_index=0, classes=dg.CLASSES):
    """(confusion matrix (K, K), predicted labels (n,)) of one seed's model on the test set."""
    predicted = result.predictions(seed_index)
    return metrics.confusion_matrix(np.eye(classes)[predicted], result.test_labels, classes=classes), predicted


def _shown_accuracy(result, split_name):
    """The mean accuracy over the seeds in percent, rounded as the table shows it."""
    return round(100 * float(np.mean(result.accuracy[split_name])), 1)


def comparison_text(results, matrix, digits_seeds):
    """'CNN versus MLP' from the three DigitsResults and the CNN's confusion matrix."""
    cnn, mlp, mlp_small = results
    c, m, s = (r.summary() for r in results)
    n_test = len(cnn.test_labels)
    errors = {r.name: n_test * (1 - r.test_accuracy.mean()) for r in results}
    k_classes = len(matrix)
    pairs = sorted(((i, j, matrix[i, j]) for i in range(k_classes) for j in range(k_classes)
                    if i != j and matrix[i, j]), key=lambda t: (-t[2], t[0], t[1]))
    n_wrong = int(matrix.sum() - np.trace(matrix))
    if not pairs:
        confusion_text = "The CNN shown makes no error on the test set."
    elif pairs[0][2] > 1:
        confusion_text = ("Its most frequent confusions: " +
                          ", ".join(f"{i} taken for {j} ({k} times)" for i, j, k in pairs[:3] if k > 1) + ".")
    else:
        confusion_text = (f"Its {n_wrong} test errors are all different pairs: " +
                          ", ".join(f"{i} taken for {j}" for i, j, k in pairs) + ".")

    def gap(result):
        return _shown_accuracy(result, "train") - _shown_accuracy(result, "test")

    def test_accuracy(result):
        return mean_std(np.mean(result.test_accuracy), np.std(result.test_accuracy))

    k = dg.CNN["kernel_size"]
    test_losses = (c["test_loss"], m["test_loss"], s["test_loss"])
    same = c["test_loss"] < min(m["test_loss"], s["test_loss"])
    loss_sentence = (f"The test loss {'tells the same story' if same else 'reads'} "
                     f"({loss_text(test_losses[0])} against {loss_text(test_losses[1])} and "
                     f"{loss_text(test_losses[2])}).")
    train_accs = ", ".join(f"{_shown_accuracy(r, 'train'):.1f}%" for r in results)
    gaps = (f"the train–test gap is {gap(cnn):.1f} points for the CNN against {gap(mlp):.1f} and "
            f"{gap(mlp_small):.1f} for the MLPs")
    if min(r.summary()["train_accuracy"] for r in results) >= 0.99:
        fit_text = (f"All three fit the training set almost perfectly ({train_accs}), so the difference is in "
                    f"generalization: {gaps}.")
    else:
        fit_text = f"Training accuracies: {train_accs}; {gaps}."
    return f"""
**CNN versus MLP.** Over {digits_seeds} seeds, the CNN reaches {test_accuracy(cnn)} test accuracy with
{cnn.num_parameters:,} parameters. The MLP with {mlp.config["hidden"]} hidden units reaches {test_accuracy(mlp)}
with {mlp.num_parameters:,} parameters, {mlp.num_parameters / cnn.num_parameters:.0f} times as many,
and the MLP of the CNN's size {test_accuracy(mlp_small)}: on the {n_test} test images that is
{errors[cnn.name]:.1f} errors on average for the CNN against {errors[mlp.name]:.1f} and {errors[mlp_small.name]:.1f}.
{loss_sentence} {fit_text}
The convolution applies each {k} × {k} filter at every position and pooling tolerates small shifts, so the
CNN learns a stroke detector once for the whole image, where an MLP, whose inputs are {dg.IMAGE_SIZE ** 2}
unrelated pixels, has to learn it separately for every place. {confusion_text}
"""


# the spiral: a K-class softmax head drawn in the plane
SPIRAL = dict(classes=3, per_class=100, noise=0.2, lr=0.01, hidden=(32, 32), epochs=1000, quick_epochs=60)


def train_spiral(quick=False, seed=0):
    """Train SPIRAL's ReLU MLP with Adam; returns (model, x (n, 2), y (n,), History)."""
    sizes = [2, *SPIRAL["hidden"], SPIRAL["classes"]]
    x, y = data.generate_spiral(SPIRAL["per_class"], SPIRAL["classes"], noise=SPIRAL["noise"], rng=seed)
    model = nn.mlp(sizes, activation="relu", output="identity", init="he_normal", rng=seed)
    history = fit(model, x, y, loss="cross_entropy", optimizer=optim.Adam(model.parameters(), lr=SPIRAL["lr"]),
                  epochs=SPIRAL["quick_epochs"] if quick else SPIRAL["epochs"])
    return model, x, y, history


def spiral_text(model, x, history):
    sizes = "-".join(map(str, [2, *SPIRAL["hidden"], SPIRAL["classes"]]))
    return rf"""
### Softmax for K classes: decision regions on a spiral

The CNN and the MLPs above end in a $K$-class softmax with cross-entropy on the logits $z$,
$p_k = e^{{z_k}} / \sum_j e^{{z_j}}$ and $L = -\frac{{1}}{{N}} \sum_n \log p_{{n, y_n}}$, whose backward
`nn.CrossEntropyLoss` fuses into $\partial L / \partial z = (p - \text{{onehot}}(y)) / N$. On images its regions
live in {dg.IMAGE_SIZE ** 2} dimensions; in the plane they can be drawn.

The same head on a {sizes} ReLU MLP ({model.num_parameters():,} parameters,
He-normal weights, Adam with lr {SPIRAL["lr"]:g}, {history.epochs:,} full-batch epochs) separates {len(x)} points of
{SPIRAL["classes"]} interleaved spiral arms (`data.generate_spiral`, noise {SPIRAL["noise"]:g}). Below on the left, the
class of largest softmax probability (largest logit) at each point of the plane: {percent(history.final_accuracy)} of
the training points lie in the region of their own class. On the right, the loss falls from
{loss_text(history.loss[0, 0])} at the initial weights to {loss_text(history.final_loss)} after training.
"""
