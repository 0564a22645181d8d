"""lab1/study/conv_report.py: the convolution section's backward pass and gradient checks."""
import numpy as np
import pytest

from lab1 import nn
from lab1.nn import conv as conv_module
from lab1.study import conv_report as cr

TOLERANCE = 1e-7      # Section 2's reading: errors around 1e-7 or below mean a right gradient


def test_every_piece_and_variant_is_checked_and_passes():
    checks = cr.gradient_checks()
    rows = [(c.piece, c.setting) for c in checks]
    assert ("Conv2d", "3 × 3, stride 2, pad 1") in rows
    assert ("Conv2d", "2 × 3, stride (2, 1), pad (1, 0)") in rows
    assert ("MaxPool2d", "3 × 3, stride 2") in rows, "overlapping windows"
    assert [p for p, _ in rows].count("softmax + CE") == 3
    for c in checks:
        expected = {"x", "weight", "bias"} if c.piece == "Conv2d" and "(2, 1)" not in c.setting \
            else {"x", "weight"} if c.piece == "Conv2d" else {"x"}
        assert set(c.errors) == expected, c
        assert max(c.errors.values()) < TOLERANCE, c
    rows, model, shape = cr.network_check()
    assert [name for name, _, _ in rows] == [name for name, _ in model.named_parameters()]
    assert max(err for _, _, err in rows) < TOLERANCE
    assert cr.worst_error(checks, rows) == max([e for c in checks for e in c.errors.values()]
                                               + [e for _, _, e in rows])


def test_a_wrong_backward_shows_in_the_table(monkeypatch):
    """Max pooling that spreads the gradient over its window instead of routing it to the
    maximum, and a convolution backward that forgets the padding's crop offset, both fail."""
    def spread(self, dout):
        kh, kw = self.kernel_size
        return np.repeat(np.repeat(dout, kh, axis=2), kw, axis=3)[..., :self._x_shape[2], :self._x_shape[3]] / (kh * kw)
    monkeypatch.setattr(nn.MaxPool2d, "backward", spread)
    original = conv_module._col2im

    def uncropped(dcols, x_shape, stride, padding):
        """The padded gradient cut at the top left instead of around the padding."""
        n, c, h, w = x_shape
        padded = (n, c, h + 2 * padding[0], w + 2 * padding[1])
        return original(dcols, padded, stride, (0, 0))[:, :, :h, :w]
    monkeypatch.setattr(conv_module, "_col2im", uncropped)
    errors = {(c.piece, c.setting): c.errors for c in cr.gradient_checks()}
    assert errors["MaxPool2d", "2 × 2"]["x"] > 0.1
    assert errors["Conv2d", "3 × 3, stride 2, pad 1"]["x"] > 0.1
    assert errors["Conv2d", "3 × 3"]["x"] < TOLERANCE, "only the padded variants catch it"


def test_checks_are_reproducible():
    a, b = cr.gradient_checks(seed=3), cr.gradient_checks(seed=3)
    assert a == b
    assert cr.gradient_checks(seed=4) != a


def test_table_has_a_row_per_check_and_dashes_for_missing_gradients():
    checks = cr.gradient_checks()
    table = cr.gradient_table(checks).splitlines()
    assert len(table) == 2 + len(checks)
    pool_row = next(line for line in table if "| MaxPool2d |" in line)
    assert pool_row.count("—") == 2 and "| 2, 2, 4, 4 |" in pool_row and "| 2 × 2 |" in pool_row
    no_bias = next(line for line in table if "pad (1, 0)" in line)
    assert no_bias.rstrip(" |").endswith("—") and no_bias.startswith("|  |"), "the piece is named once"
    assert sum(line.startswith("| Conv2d |") for line in table) == 1


@pytest.mark.parametrize("padding, stride, bias", [(1, 1, True), (0, 1, True), (2, 2, False)])
def test_copies_text_states_the_layer_own_sizes(padding, stride, bias):
    conv = nn.Conv2d(2, 4, 3, stride=stride, padding=padding, bias=bias, rng=0)
    x = np.zeros((1, 2, 8, 7))
    conv.forward(x)
    per_image = conv._cols[0].size
    text = cr.copies_text(conv, (2, 8, 7))
    assert f"= {per_image:,} numbers per image" in text
    assert f"{per_image / x.size:.1f} times" in text
    if padding:
        assert "second copy" in text and f"{(8 + 2 * padding) * (7 + 2 * padding) * 2:,} numbers" in text
        assert "only copy" not in text
    else:
        assert "only copy" in text and "second copy" not in text
    assert ("row of ones" in text) == bias


def test_backward_equations_state_the_three_rules():
    text = cr.backward_equations()
    assert r"\text{cols}[n]^\top" in text and "col2im" in text
    assert "argmax" in text
    assert r"\frac{p_{nk} - [k = y_n]}{N}" in text
    assert text.count("$$") % 2 == 0
