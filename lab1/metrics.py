"""Accuracy for binary (one output, threshold 0.5) and multi-class (argmax) predictions."""
import numpy as np


def predict_labels(pred):
    """Class labels from outputs: (..., N, 1) -> (..., N) by p > 0.5; (..., N, K) -> argmax."""
    pred = np.asarray(pred)
    if pred.shape[-1] == 1:
        return (pred[..., 0] > 0.5).astype(np.int64)
    return pred.argmax(axis=-1)


def true_labels(target):
    """Class labels from targets: (N,) or (N, 1) labels as they are, one-hot (N, K) by argmax."""
    target = np.asarray(target)
    if target.ndim == 2 and target.shape[1] > 1:
        return target.argmax(axis=1)
    return (target.reshape(-1) > 0.5).astype(np.int64) if target.dtype.kind == "f" \
        else target.reshape(-1).astype(np.int64)


def accuracy(pred, target):
    """Fraction of correct labels: a float, or (M,) for predictions (M, N, K) of stacked models."""
    pred = np.asarray(pred)
    labels = true_labels(target)
    if pred.shape[-2] != labels.shape[0]:
        raise ValueError(f"accuracy: {pred.shape[-2]} predictions for {labels.shape[0]} targets")
    correct = predict_labels(pred) == labels
    return float(correct.mean()) if correct.ndim == 1 else correct.mean(axis=-1)


def confusion_matrix(pred, target, classes=None):
    """counts[i, j]: samples of true class i predicted as j, for one model's (N, K) outputs."""
    predicted, actual = predict_labels(pred), true_labels(target)
    k = classes or int(max(predicted.max(), actual.max()) + 1)
    counts = np.zeros((k, k), dtype=np.int64)
    np.add.at(counts, (actual, predicted), 1)
    return counts
