"""The convolution part's backward pass and gradient checks (notebooks/08_convolution.ipynb).

    backward_equations()        Conv2d (im2col), MaxPool2d and the fused softmax cross-entropy
    copies_text(conv, shape)    what im2col copies, from the layer's own sizes
    gradient_checks(seed)       the gradient-check rows: each layer at small shapes with stride
                                and padding variants, the loss, and a whole small CNN
    gradient_table(checks)      those rows as a Markdown table

The errors are gradcheck's relative errors, as Section 2 defines and uses them.
"""
from typing import NamedTuple

import numpy as np

from .. import gradcheck, nn
from .formatting import markdown_table, sci


def backward_equations():
    r"""The backward pass of the three new pieces, in LaTeX (Markdown with display maths).

    Notation as the im2col paragraph: K_mat (O, C kh kw), cols[n] (C kh kw, Ho Wo), delta the
    upstream gradient dL/dout, s the stride, p the padding.
    """
    return r"""
**Backward pass.** With $\delta = \partial L / \partial\,\text{out}$ reshaped like the output
matrix, $\delta[n]$ of shape $(O, H_o W_o)$, the convolution's gradients are two matrix products
and a scatter:

$$
\frac{\partial L}{\partial K_{\text{mat}}} = \sum_n \delta[n]\, \text{cols}[n]^\top, \qquad
\frac{\partial L}{\partial b_o} = \sum_{n, i, j} \delta[n]_{o, (i, j)}, \qquad
\frac{\partial L}{\partial\, \text{cols}[n]} = K_{\text{mat}}^\top\, \delta[n],
$$

$$
\frac{\partial L}{\partial x_{n, c, u, v}} = \sum_{\substack{a, b, i, j:\ u = i s + a - p,\\ v = j s + b - p}}
\Bigl(\frac{\partial L}{\partial\, \text{cols}[n]}\Bigr)_{(c, a, b), (i, j)} \quad \text{(col2im)},
$$

so every pixel collects the gradient of each window position it was copied to, and a pixel of the
zero padding collects into nothing. Max pooling passes each window's gradient to the position of
its maximum (the first one on ties), adding up where windows overlap:
$\partial L / \partial x_{n, c, u, v} = \sum_{(i, j):\ \operatorname{argmax}(\text{window } (i, j)) = (u, v)}
\delta_{n, c, i, j}$. The softmax and the cross-entropy are differentiated together: with
$p_{nk} = e^{z_{nk}} / \sum_j e^{z_{nj}}$ and $L = -\frac{1}{N} \sum_n \log p_{n, y_n}$,
$\log p_{n, y_n} = z_{n, y_n} - \log \sum_j e^{z_{nj}}$ gives

$$
\frac{\partial L}{\partial z_{nk}} = \frac{p_{nk} - [k = y_n]}{N},
$$

one subtraction for the whole batch instead of a $K \times K$ softmax Jacobian per sample.
"""


def copies_text(conv, input_shape):
    """What im2col copies for ``conv`` (an nn.Conv2d) on inputs of shape (C, H, W), per image.

    Reads the sizes from the layer, so the sentence holds for any kernel, stride and padding.
    """
    c, h, w = input_shape
    (kh, kw), (ph, pw) = conv.kernel_size, conv.padding
    ho, wo = conv.output_shape(h, w)
    rows = c * kh * kw + (conv.bias is not None)
    image = c * h * w
    cols = rows * ho * wo
    bias = ", the last row of ones carrying the bias" if conv.bias is not None else ""
    text = (f"The windows are read through a strided view of the input, which copies nothing; `cols` is "
            f"the copy, {rows} × {ho * wo} = {cols:,} numbers per image for `{conv!r}` on "
            f"{h} × {w} inputs{bias}, {cols / image:.1f} times the {image:,} of the input.")
    if ph or pw:
        padded = c * (h + 2 * ph) * (w + 2 * pw)
        text += (f" With padding, the zero-padded input ({h + 2 * ph} × {w + 2 * pw}, {padded:,} numbers "
                 "per image) is a second copy, made before `cols`.")
    else:
        text += " Without padding, `cols` is the only copy."
    return text


def setting(module):
    """A Conv2d's or MaxPool2d's options in words: '3 × 3, stride 2, pad 1' (the channels
    show in the input shape; a Conv2d without bias has no bias gradient in the table)."""
    def pair(value):
        return str(value[0]) if value[0] == value[1] else f"({value[0]}, {value[1]})"
    kh, kw = module.kernel_size
    parts = [f"{kh} × {kw}"]
    default_stride = module.kernel_size if isinstance(module, nn.MaxPool2d) else (1, 1)
    if module.stride != default_stride:
        parts.append(f"stride {pair(module.stride)}")
    if getattr(module, "padding", (0, 0)) != (0, 0):
        parts.append(f"pad {pair(module.padding)}")
    return ", ".join(parts)


class GradientCheck(NamedTuple):
    """One row of the table: a piece checked in a setting on an input, its relative errors.

    piece: "Conv2d", "MaxPool2d" or "softmax + CE" (cross-entropy); setting: its options in words;
    errors: {"x": err, "weight": err, "bias": err} (only the gradients the piece has;
    "x" is the gradient with respect to the logits for the loss).
    """
    piece: str
    setting: str
    input_shape: tuple
    errors: dict


def _distinct(gen, shape, spacing=0.01):
    """Values spaced ``spacing`` apart in random order: a max-pooling window's maximum then
    stays the maximum under the check's steps of at most 2h (h = 1e-4)."""
    size = int(np.prod(shape))
    return (gen.permutation(size) * spacing).reshape(shape)


def _loss_check(logits, target):
    """Relative error of CrossEntropyLoss.backward() against numerical gradients of the loss."""
    loss = nn.CrossEntropyLoss()
    loss(logits, target)
    analytic = loss.backward()
    numeric = gradcheck.numerical_gradient(lambda: loss(logits, target), logits)
    return gradcheck.rel_error(analytic, numeric)


def gradient_checks(seed=0):
    """[GradientCheck] for Conv2d (plain, strided and padded, rectangular without bias),
    MaxPool2d (disjoint and overlapping windows) and the softmax cross-entropy (class
    indices, large logits, probability targets). Inputs are small: the numerical gradient
    costs four forward passes per entry. seed: the inputs, weights and upstream gradients.
    """
    gen = np.random.default_rng(seed)
    rows = []
    layers = [
        (nn.Conv2d(2, 3, 3, rng=gen), (2, 2, 5, 5)),
        (nn.Conv2d(2, 3, 3, stride=2, padding=1, rng=gen), (2, 2, 5, 5)),
        (nn.Conv2d(1, 2, (2, 3), stride=(2, 1), padding=(1, 0), bias=False, rng=gen), (2, 1, 4, 5)),
    ]
    for conv, shape in layers:
        errors = gradcheck.check_module(conv, gen.standard_normal(shape), rng=gen)
        rows.append(GradientCheck("Conv2d", setting(conv), shape, errors))
    for pool, shape in ((nn.MaxPool2d(2), (2, 2, 4, 4)), (nn.MaxPool2d(3, stride=2), (2, 2, 5, 5)),
                        (nn.MaxPool2d(2, stride=1), (1, 2, 3, 4))):
        errors = gradcheck.check_module(pool, _distinct(gen, shape), rng=gen)
        rows.append(GradientCheck("MaxPool2d", setting(pool), shape, errors))
    n, k = 4, 3
    labels = gen.integers(0, k, n)
    soft = gen.dirichlet(np.ones(k), n)
    for label, logits, target in (
            ("class labels", gen.standard_normal((n, k)), labels),
            ("logits near ±30", 30 * gen.standard_normal((n, k)), labels),
            ("probability targets", gen.standard_normal((n, k)), soft)):
        rows.append(GradientCheck("softmax + CE", label, logits.shape, {"x": _loss_check(logits, target)}))
    return rows


def small_cnn(seed=0, channels=2, size=4, classes=3):
    """Conv2d(1, channels, 3, padding=1) ReLU MaxPool2d(2) Flatten Linear(., classes):
    the reference CNN's shape at a size a numerical gradient checks in milliseconds."""
    gen = np.random.default_rng(seed)
    return nn.Sequential(nn.Conv2d(1, channels, 3, padding=1, rng=gen), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(channels * (size // 2) ** 2, classes, rng=gen))


def network_check(seed=0, samples=3, size=4, classes=3):
    """gradcheck.check_model of small_cnn under the softmax cross-entropy on random images:
    ([(parameter name, shape, error)], model, input shape)."""
    gen = np.random.default_rng(seed)
    model = small_cnn(seed, size=size, classes=classes)
    x = gen.standard_normal((samples, 1, size, size))
    y = gen.integers(0, classes, samples)
    return gradcheck.check_model(model, "cross_entropy", x, y), model, x.shape


GRADIENT_COLUMNS = (("x", r"$\partial L/\partial x$"), ("weight", r"$\partial L/\partial K$"),
                    ("bias", r"$\partial L/\partial b$"))


def gradient_table(checks):
    """The rows of gradient_checks as a Markdown table: piece (named on its first row),
    setting, input shape (N, C, H, W or N, K), one error per gradient to one significant digit
    ('—' where the piece has no such gradient, e.g. a Conv2d without bias)."""
    rows = [[c.piece if i == 0 or checks[i - 1].piece != c.piece else "", c.setting,
             ", ".join(map(str, c.input_shape))]
            + [sci(c.errors[key], 0) if key in c.errors else "—" for key, _ in GRADIENT_COLUMNS]
            for i, c in enumerate(checks)]
    return markdown_table(["checked", "setting", "input"] + [title for _, title in GRADIENT_COLUMNS], rows,
                          align="lllrrr")


def worst_error(checks, network_rows=()):
    """The largest relative error of all rows (and of check_model rows, if given)."""
    errors = [e for c in checks for e in c.errors.values()] + [row[2] for row in network_rows]
    return max(errors)


def narrowest_near_best(scores, tolerance):
    """The rule that picks the MLP's hidden width: the narrowest width whose score is within
    ``tolerance`` of the best score (a difference smaller than that is noise, and the
    narrower layer is cheaper). scores: {width: mean validation accuracy}.
    Returns (width, best width)."""
    if not scores:
        raise ValueError("narrowest_near_best: no scores given")
    best = max(scores, key=lambda w: (scores[w], -w))
    return min(w for w in scores if scores[w] >= scores[best] - tolerance), best
