"""Text and tables of the convolution part of the Extra section
(notebooks/08_convolution.ipynb); the models and their training are in digits."""
import numpy as np

from .. import data, metrics, nn, optim
from ..train import fit
from . import digits as dg
from .formatting import loss_text, markdown_table, mean_std, percent
from .wording import noun


def data_text(x_all, y_all, split):
    """The digits and their split, in one paragraph."""
    pixels = x_all.shape[-1]
    counts = {k: len(v[1]) for k, v in split.items()}
    return f"""
The data are the UCI {pixels} × {pixels} handwritten digits ({len(y_all):,} grayscale images, {len(np.unique(y_all))}
classes; the copy scikit-learn redistributes ships inside `lab1` and loads with NumPy, `data.load_digits`),
split per class into {counts["train"]:,} training, {counts["val"]} validation and {counts["test"]} test images
(`data.stratified_split`, seed {dg.SPLIT_SEED}). Every choice below was made on the validation images; the
test images are evaluated once, after training.
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


def width_selection(split, epochs, widths=dg.MLP_WIDTHS_TRIED):
    """{hidden width: mean validation accuracy over CNN_GRID_SEEDS} of the MLP, per width."""
    return {h: float(np.mean(dg.train_mlp(seeds=dg.CNN_GRID_SEEDS, split=split, hidden=h,
                                          epochs=epochs).val_accuracy))
            for h in widths}


def models_text(hidden, digits_epochs, digits_seeds, layers="its table", choices="the appendix"):
    """The main text's 'Models' paragraph: the training shared by the three models, the CNN
    (``layers``: where its layers are listed, e.g. 'Table @tbl:08_cnn'), the MLP with ``hidden``
    units and the MLP of the CNN's size, named as in the results table (short_labels);
    ``choices`` is where model_choices_text is, e.g. 'Appendix @app:convolution'."""
    training = dg.TRAINING
    small_hidden = dg.matched_hidden(dg.build_cnn(0).num_parameters())
    return rf"""
**Models.** Three models, trained alike (`lab1/study/digits.py`): softmax cross-entropy on the logits,
SGD with momentum {training["momentum"]:g} and lr {training["lr"]:g}, shuffled mini-batches of
{training["batch_size"]}, {noun(digits_epochs, "epoch")}, {noun(digits_seeds, "seed")} each.
The **CNN** has the layers of {layers}; the **MLP-{hidden}** has one hidden layer of {hidden:,} ReLU units;
the **MLP-{small_hidden}**, with {small_hidden} units, has about the CNN's parameter count. {choices} gives how each
was chosen.
"""


def model_choices_text(hidden, width_sentence):
    """How the digits models were chosen: the CNN from CNN_GRID, the MLP's width ``hidden`` by
    the rule width_sentence states, the small MLP by parameter count (the appendix's paragraph)."""
    def grid_text(option):
        return "{" + ", ".join(f"{v:g}" for v in dg.CNN_GRID[option]) + "}"

    chosen_by = " or ".join(dg.CONV_INIT_NAMES[v] for v in dg.CNN_GRID["conv_init"])
    cnn_shape = dg.build_cnn(0)
    small_hidden = dg.matched_hidden(cnn_shape.num_parameters())
    seeds = f"{dg.CNN_GRID_SEEDS[0]}–{dg.CNN_GRID_SEEDS[-1]}"
    k = dg.CNN["kernel_size"]
    return rf"""
**How the digits models were chosen.**

* **CNN**: convolution weights He-normal, output layer Xavier-normal, zero biases; picked by mean
  validation accuracy (seeds {seeds}) from {grid_text("channels")} channels, padding {grid_text("padding")},
  lr {grid_text("lr")} and convolution weights {chosen_by}. Each {k} × {k} filter is applied at every position
  and pooling tolerates small shifts, so a CNN can learn a stroke detector once for the whole image, where an
  MLP, whose inputs are {dg.IMAGE_SIZE ** 2} unrelated pixels, must learn it for every place.
* **MLP-{hidden}**: the flattened {dg.IMAGE_SIZE ** 2} pixels, one hidden layer of {hidden:,} ReLU units and a
  softmax output, Xavier-normal weights, zero biases, {dg.mlp_parameters(hidden):,} parameters. One hidden
  layer of this kind is the usual baseline architecture for image classification; its width is this study's
  choice: {width_sentence}
* **MLP-{small_hidden}**: the same with {small_hidden} hidden units, the width whose parameter count
  ({dg.mlp_parameters(small_hidden):,}) is closest to the CNN's ({cnn_shape.num_parameters():,}).
"""


def short_labels(results):
    cnn, mlp, mlp_small = results
    return {"cnn": "CNN", "mlp": f"MLP-{mlp.config['hidden']}", "mlp_small": f"MLP-{mlp_small.config['hidden']}"}


def results_table(results):
    """Markdown table: accuracy (mean ± std over the seeds) and cross-entropy loss (mean) of
    each DigitsResult on each split."""
    labels = short_labels(results)
    rows = []
    for k, r in zip(dg.DIGITS_MODELS, results):
        rows.append([labels[k], f"{r.num_parameters:,}", "accuracy"]
                    + [mean_std(np.mean(r.accuracy[s]), np.std(r.accuracy[s])) for s in dg.SPLITS])
        rows.append(["", "", "loss"] + [loss_text(np.mean(r.loss[s])) for s in dg.SPLITS])
    return markdown_table(["model", "parameters", "", "training", "validation", "test"], rows, align="lrlrrr")


def confusion(result, seed_index=0, classes=dg.CLASSES):
    """(confusion matrix (K, K), predicted labels (n,)) of one seed's model on the test set."""
    predicted = result.predictions(seed_index)
    return metrics.confusion_matrix(np.eye(classes)[predicted], result.test_labels, classes=classes), predicted


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
The CNN and the MLPs end in a $K$-class softmax with the cross-entropy of Section 5.C, whose regions live
in {dg.IMAGE_SIZE ** 2} dimensions; in the plane they can be drawn. The same head on a {sizes} ReLU MLP
({model.num_parameters():,} parameters, He-normal weights, Adam with lr {SPIRAL["lr"]:g},
{history.epochs:,} full-batch epochs) separates {len(x)} points of {SPIRAL["classes"]} interleaved spiral
arms (`data.generate_spiral`, noise {SPIRAL["noise"]:g}): {percent(history.final_accuracy)} of the
training points lie in the region of their own class.
"""
