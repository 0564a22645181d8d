"""Accuracy for binary (one output, threshold 0.5) and multi-class (argmax) predictions."""
import numpy as np


def predict_labels(pred):
    """Class labels from outputs: (..., N, 1) -> (..., N) by p > 0.5; (..., N, K) -> argmax."""
    pred = np.asarray(pred)
    if pred.shape[-1] == 1:
        return (pred[..., 0] > 0.5).astype(np.int64)
    return pred.argmax(axis=-1)


def true_labels(target):
    """Class labels from targets: (N,) or (N, 1) labels as they are, one-hot (N, K) by argmax.

    Float labels (N,) or (N, 1) are read as 0/1 by the threshold 0.5; ``accuracy`` and
    ``confusion_matrix`` check that they are labels before they count them.
    """
    target = np.asarray(target)
    if target.ndim == 2 and target.shape[1] > 1:
        return target.argmax(axis=1)
    return (target.reshape(-1) > 0.5).astype(np.int64) if target.dtype.kind == "f" \
        else target.reshape(-1).astype(np.int64)


def _outputs(pred, name):
    """pred as a numeric array (N, K) or (M, N, K); ValueError naming the function."""
    if isinstance(pred, (str, bytes)):
        raise ValueError(f"{name}: predictions must be an array of numbers, got {pred!r}")
    try:
        pred = np.asarray(pred, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name}: predictions must be an array of numbers") from None
    if pred.ndim not in (2, 3) or pred.size == 0:
        raise ValueError(f"{name}: predictions must be a non-empty (N, K) or (M, N, K) array, "
                         f"got shape {pred.shape}")
    return pred


def _labels(target, classes, name):
    """Targets as int labels (N,) in [0, classes); ValueError naming what is out of range."""
    if isinstance(target, (str, bytes)):
        raise ValueError(f"{name}: targets must be labels, got {target!r}")
    target = np.asarray(target)
    if target.dtype.kind not in "biuf" or target.ndim not in (1, 2) or target.size == 0:
        raise ValueError(f"{name}: targets must be a non-empty (N,) or (N, 1) array of labels "
                         f"or (N, K) one-hot, got {target.dtype} of shape {target.shape}")
    if target.ndim == 2 and target.shape[1] > 1:
        if target.shape[1] != classes:
            raise ValueError(f"{name}: one-hot targets have {target.shape[1]} columns for "
                             f"predictions of {classes} classes")
        return target.argmax(axis=1)
    values = target.reshape(-1).astype(np.float64)
    valid = np.isfinite(values) & (values == np.round(values)) & (values >= 0) & (values < classes)
    if not valid.all():
        allowed = "0 or 1 (one output, threshold 0.5)" if classes == 2 else f"integers in [0, {classes})"
        raise ValueError(f"{name}: target labels must be {allowed}, got {values[~valid][:3].tolist()}")
    return values.astype(np.int64)


def accuracy(pred, target):
    """Fraction of correct labels: a float, or (M,) for predictions (M, N, K) of stacked models.

    pred: (N, 1) probabilities (label p > 0.5) or (N, K) scores (label argmax), or the
    same with a leading models axis. target: labels (N,) or (N, 1) (0/1 for one output,
    [0, K) for K outputs) or one-hot (N, K).
    """
    pred = _outputs(pred, "accuracy")
    labels = _labels(target, max(pred.shape[-1], 2), "accuracy")
    if pred.shape[-2] != labels.shape[0]:
        raise ValueError(f"accuracy: {pred.shape[-2]} predictions (shape {pred.shape}) for "
                         f"{labels.shape[0]} targets (shape {np.shape(target)})")
    correct = predict_labels(pred) == labels
    return float(correct.mean()) if correct.ndim == 1 else correct.mean(axis=-1)


def confusion_matrix(pred, target, classes=None):
    """counts[i, j]: samples of true class i predicted as j, for one model's (N, K) outputs.

    classes: the matrix size k (default: max(K, 2)); targets must be labels in [0, k).
    """
    pred = _outputs(pred, "confusion_matrix")
    if pred.ndim != 2:
        raise ValueError(f"confusion_matrix: predictions of one model (N, K) expected, got {pred.shape}")
    k = max(pred.shape[-1], 2)
    if classes is not None:
        if not isinstance(classes, (int, np.integer)) or isinstance(classes, bool) or classes < k:
            raise ValueError(f"confusion_matrix: classes must be an integer >= {k} "
                             f"(the predicted classes), got {classes!r}")
        k = int(classes)
    actual, predicted = _labels(target, k, "confusion_matrix"), predict_labels(pred)
    if len(actual) != len(predicted):
        raise ValueError(f"confusion_matrix: {len(predicted)} predictions for {len(actual)} targets")
    counts = np.zeros((k, k), dtype=np.int64)
    np.add.at(counts, (actual, predicted), 1)
    return counts
