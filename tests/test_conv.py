"""Conv2d, MaxPool2d and Flatten: gradients, a naive reference, torch, shapes and errors."""
import math

import numpy as np
import pytest

from lab1 import nn
from lab1.gradcheck import check_model, check_module
from lab1.nn.conv import Conv2d, Flatten, MaxPool2d

TOL = 1e-7

# (N, C, O, H, W, kernel_size, stride, padding, bias)
CONV_CASES = [
    (2, 1, 1, 5, 5, 3, 1, 0, True),
    (2, 3, 4, 6, 5, 3, 1, 1, True),
    (2, 3, 2, 7, 7, 3, 2, 0, True),
    (2, 2, 3, 7, 6, 3, 2, 1, False),
    (3, 2, 3, 6, 7, (2, 3), 1, 0, True),
    (2, 3, 2, 7, 8, (3, 2), (2, 1), (1, 0), False),
    (2, 4, 3, 4, 4, 1, 1, 0, True),
    (1, 2, 2, 5, 5, 5, 1, 2, True),
]
CASE_IDS = [f"N{c[0]}-C{c[1]}-O{c[2]}-{c[3]}x{c[4]}-k{c[5]}-s{c[6]}-p{c[7]}-bias{c[8]}"
            for c in CONV_CASES]


def make_conv(case, seed=0):
    n, c, o, h, w, k, s, p, bias = case
    conv = Conv2d(c, o, k, stride=s, padding=p, bias=bias, rng=seed)
    x = np.random.default_rng(seed + 1).standard_normal((n, c, h, w))
    return conv, x


def naive_conv(x, weight, bias, stride, padding):
    """Loop-over-everything reference: out[n, o, i, j] = sum(window * weight[o]) + bias[o]."""
    (sh, sw), (ph, pw) = stride, padding
    n, c, h, w = x.shape
    o, _, kh, kw = weight.shape
    xp = np.zeros((n, c, h + 2 * ph, w + 2 * pw))
    xp[:, :, ph:ph + h, pw:pw + w] = x
    ho, wo = (h + 2 * ph - kh) // sh + 1, (w + 2 * pw - kw) // sw + 1
    out = np.zeros((n, o, ho, wo))
    for b in range(n):
        for f in range(o):
            for i in range(ho):
                for j in range(wo):
                    window = xp[b, :, i * sh:i * sh + kh, j * sw:j * sw + kw]
                    out[b, f, i, j] = np.sum(window * weight[f]) + (0.0 if bias is None else bias[f])
    return out


def naive_maxpool(x, kernel, stride):
    (kh, kw), (sh, sw) = kernel, stride
    n, c, h, w = x.shape
    ho, wo = (h - kh) // sh + 1, (w - kw) // sw + 1
    out = np.zeros((n, c, ho, wo))
    for i in range(ho):
        for j in range(wo):
            out[:, :, i, j] = x[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw].max(axis=(2, 3))
    return out


def distinct(shape, seed=0):
    """Values at least 0.01 apart, so no window's maximum changes under a 2e-4 perturbation."""
    size = int(np.prod(shape))
    return np.random.default_rng(seed).permutation(size).reshape(shape) * 0.01 - 0.005 * size


# ---------------------------------------------------------------------------- gradients

@pytest.mark.parametrize("case", CONV_CASES, ids=CASE_IDS)
def test_conv_gradients(case):
    conv, x = make_conv(case)
    errors = check_module(conv, x, rng=2)
    assert set(errors) == {"x", "weight"} | ({"bias"} if case[-1] else set())
    assert max(errors.values()) < TOL, errors


@pytest.mark.parametrize("kernel,stride", [(2, None), (3, 1), ((2, 3), (1, 2)), (3, 2), (2, 3)])
def test_maxpool_gradients(kernel, stride):
    pool = MaxPool2d(kernel, stride)
    errors = check_module(pool, distinct((2, 3, 7, 8)), rng=3)
    assert errors["x"] < TOL, errors


def test_flatten_gradients():
    x = np.random.default_rng(0).standard_normal((3, 2, 4, 5))
    errors = check_module(Flatten(), x, rng=4)
    assert errors["x"] < TOL, errors


def test_small_cnn_gradients_under_cross_entropy():
    model = nn.Sequential(
        Conv2d(1, 3, 3, padding=1, rng=1), nn.Tanh(), MaxPool2d(2),
        Conv2d(3, 4, (2, 3), stride=(1, 2), rng=2), nn.Tanh(),
        Flatten(), nn.Linear(4 * 3 * 1, 5, rng=3),
    )
    rng = np.random.default_rng(15)
    x = rng.standard_normal((4, 1, 8, 8))
    y = rng.integers(0, 5, size=4)
    # a numerical gradient is only valid if no pooling window's maximum changes hands under
    # the perturbation (a kink): this seed keeps every window's top two 3e-3 apart or more
    pooled_in = model[1].forward(model[0].forward(x)).reshape(4, 3, 4, 2, 4, 2)
    top2 = np.sort(pooled_in.transpose(0, 1, 2, 4, 3, 5).reshape(4, 3, 4, 4, 4), axis=-1)[..., -2:]
    assert (top2[..., 1] - top2[..., 0]).min() > 3e-3
    rows = check_model(model, nn.CrossEntropyLoss(), x, y)
    assert [name for name, _, _ in rows] == ["0.weight", "0.bias", "3.weight", "3.bias",
                                              "6.weight", "6.bias"]
    worst = max(err for _, _, err in rows)
    assert worst < TOL, rows


def test_backward_overwrites_gradients():
    conv, x = make_conv(CONV_CASES[1])
    dout = np.ones((2, 4, 6, 5))
    conv.forward(x)
    conv.backward(dout)
    first = conv.weight.grad.copy(), conv.bias.grad.copy()
    conv.forward(x)
    conv.backward(dout)
    np.testing.assert_array_equal(conv.weight.grad, first[0])
    np.testing.assert_array_equal(conv.bias.grad, first[1])


def test_bias_gradient_is_sum_of_dout():
    conv, x = make_conv(CONV_CASES[2])
    out = conv.forward(x)
    dout = np.random.default_rng(0).standard_normal(out.shape)
    conv.backward(dout)
    np.testing.assert_allclose(conv.bias.grad, dout.sum(axis=(0, 2, 3)), rtol=1e-12)


# ---------------------------------------------------------------------------- forward values

@pytest.mark.parametrize("case", CONV_CASES, ids=CASE_IDS)
def test_conv_matches_naive_loops(case):
    conv, x = make_conv(case)
    out = conv.forward(x)
    bias = conv.bias.data if conv.bias is not None else None
    ref = naive_conv(x, conv.weight.data, bias, conv.stride, conv.padding)
    assert out.shape == ref.shape == (x.shape[0], case[2]) + conv.output_shape(*x.shape[2:])
    np.testing.assert_allclose(out, ref, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("kernel,stride", [(2, None), (3, 1), ((2, 3), (1, 2)), (3, 2)])
def test_maxpool_matches_naive(kernel, stride):
    pool = MaxPool2d(kernel, stride)
    x = np.random.default_rng(0).standard_normal((2, 3, 7, 8))
    np.testing.assert_array_equal(pool.forward(x), naive_maxpool(x, pool.kernel_size, pool.stride))


def test_maxpool_stride_defaults_to_kernel_and_drops_partial_windows():
    pool = MaxPool2d(2)
    assert pool.stride == (2, 2)
    x = np.arange(2 * 5 * 5, dtype=float).reshape(1, 2, 5, 5)
    out = pool.forward(x)
    assert out.shape == (1, 2, 2, 2)
    np.testing.assert_array_equal(out[0, 0], [[6, 8], [16, 18]])
    dx = pool.backward(np.ones_like(out))
    assert dx.shape == x.shape and dx.sum() == out.size
    assert dx[0, 0, 1, 1] == 1 and dx[0, 0, 0, 0] == 0 and dx[0, 0, 4].sum() == 0


def test_maxpool_overlapping_windows_add_up():
    pool = MaxPool2d(2, stride=1)
    x = np.zeros((1, 1, 3, 3))
    x[0, 0, 1, 1] = 5.0                       # the maximum of all four windows
    out = pool.forward(x)
    dx = pool.backward(np.ones_like(out))
    assert dx[0, 0, 1, 1] == 4.0 and dx.sum() == 4.0


def test_flatten_shapes():
    flat = Flatten()
    x = np.random.default_rng(0).standard_normal((4, 3, 2, 5))
    out = flat.forward(x)
    assert out.shape == (4, 30)
    np.testing.assert_array_equal(out[1], x[1].ravel())
    assert flat.backward(out).shape == x.shape
    np.testing.assert_array_equal(flat.backward(out), x)


def test_conv_output_shape_and_repr():
    conv = Conv2d(1, 8, 3)
    assert repr(conv) == "Conv2d(1, 8, kernel_size=3)"
    assert repr(Conv2d(2, 4, (3, 2), stride=2, padding=(1, 0), bias=False)) == \
        "Conv2d(2, 4, kernel_size=(3, 2), stride=2, padding=(1, 0), bias=False)"
    assert repr(MaxPool2d(2)) == "MaxPool2d(kernel_size=2)"
    assert Conv2d(1, 1, 3, stride=2, padding=1).output_shape(8, 7) == (4, 4)
    out = Conv2d(1, 16, 3, padding=1, rng=0).forward(np.zeros((5, 1, 8, 8)))
    assert out.shape == (5, 16, 8, 8) and out.dtype == np.float64


# ---------------------------------------------------------------------------- torch oracle

def _torch():
    return pytest.importorskip("torch", reason="PyTorch not installed (optional oracle: make torch)")


@pytest.mark.parametrize("case", CONV_CASES, ids=CASE_IDS)
def test_conv_matches_torch(case):
    torch = _torch()
    conv, x = make_conv(case)
    out = conv.forward(x)
    dout = np.random.default_rng(7).standard_normal(out.shape)
    dx = conv.backward(dout)

    tx = torch.tensor(x, requires_grad=True)
    tw = torch.tensor(conv.weight.data, requires_grad=True)
    tb = torch.tensor(conv.bias.data, requires_grad=True) if conv.bias is not None else None
    tout = torch.nn.functional.conv2d(tx, tw, tb, stride=conv.stride, padding=conv.padding)
    tout.backward(torch.tensor(dout))
    np.testing.assert_allclose(out, tout.detach().numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(dx, tx.grad.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(conv.weight.grad, tw.grad.numpy(), rtol=1e-10, atol=1e-12)
    if tb is not None:
        np.testing.assert_allclose(conv.bias.grad, tb.grad.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("kernel,stride", [(2, None), (3, 1), ((2, 3), (1, 2))])
def test_maxpool_matches_torch(kernel, stride):
    torch = _torch()
    pool = MaxPool2d(kernel, stride)
    x = distinct((2, 3, 7, 8))
    out = pool.forward(x)
    dout = np.random.default_rng(8).standard_normal(out.shape)
    dx = pool.backward(dout)
    tx = torch.tensor(x, requires_grad=True)
    tout = torch.nn.functional.max_pool2d(tx, pool.kernel_size, pool.stride)
    tout.backward(torch.tensor(dout))
    np.testing.assert_array_equal(out, tout.detach().numpy())
    np.testing.assert_allclose(dx, tx.grad.numpy(), rtol=1e-12, atol=1e-12)


def test_default_init_matches_torch_scheme():
    conv = Conv2d(3, 5, (2, 4), rng=0)
    bound = 1 / math.sqrt(3 * 2 * 4)
    assert np.abs(conv.weight.data).max() <= bound and np.abs(conv.bias.data).max() <= bound
    assert np.abs(conv.weight.data).max() > 0.8 * bound


# ---------------------------------------------------------------------------- parameters, init

def test_parameters_and_state_dict():
    conv = Conv2d(2, 3, 3, rng=0)
    assert [p.shape for p in conv.parameters()] == [(3, 2, 3, 3), (3,)]
    assert list(conv.state_dict()) == ["weight", "bias"]
    assert conv.num_parameters() == 3 * 2 * 9 + 3
    assert conv.models is None
    no_bias = Conv2d(2, 3, 3, bias=False, rng=0)
    assert list(no_bias.state_dict()) == ["weight"] and no_bias.bias is None
    assert MaxPool2d(2).parameters() == [] and Flatten().parameters() == []
    other = Conv2d(2, 3, 3, rng=1)
    other.load_state_dict(conv.state_dict())
    np.testing.assert_array_equal(other.weight.data, conv.weight.data)


def test_seeding_is_deterministic():
    a, b, c = Conv2d(2, 3, 3, rng=0), Conv2d(2, 3, 3, rng=0), Conv2d(2, 3, 3, rng=1)
    np.testing.assert_array_equal(a.weight.data, b.weight.data)
    assert not np.array_equal(a.weight.data, c.weight.data)
    gen = np.random.default_rng(0)
    assert Conv2d(1, 2, 3, rng=gen).weight.shape == (2, 1, 3, 3)


@pytest.mark.parametrize("init", sorted(nn.INITIALIZERS))
def test_every_init_name(init):
    conv = Conv2d(4, 6, 3, init=init, rng=0)
    assert conv.weight.shape == (6, 4, 3, 3) and np.all(np.isfinite(conv.weight.data))
    assert conv.weight.data.std() > 0


def test_he_normal_uses_conv_fan_in():
    conv = Conv2d(16, 64, 3, init="he_normal", rng=0)
    expected = math.sqrt(2.0 / (16 * 9))
    assert abs(conv.weight.data.std() - expected) < 0.05 * expected
    np.testing.assert_array_equal(conv.bias.data, 0.0)


def test_unknown_init_lists_choices():
    with pytest.raises(ValueError, match="he_uniform"):
        Conv2d(1, 2, 3, init="glorot")


# ---------------------------------------------------------------------------- errors

@pytest.mark.parametrize("shape", [(5, 3, 8, 8), (5, 8, 8), (1, 8, 8, 1, 1)])
def test_conv_wrong_input_shape(shape):
    conv = Conv2d(1, 8, kernel_size=3)
    with pytest.raises(ValueError) as err:
        conv.forward(np.zeros(shape))
    assert str(err.value) == (f"Conv2d(1, 8, kernel_size=3): expected input (N, 1, H, W), "
                              f"got {shape}")


def test_conv_input_smaller_than_kernel():
    with pytest.raises(ValueError, match=r"Conv2d\(1, 2, kernel_size=5\).*\(2, 1, 4, 8\).*5x5"):
        Conv2d(1, 2, 5).forward(np.zeros((2, 1, 4, 8)))
    Conv2d(1, 2, 5, padding=1).forward(np.zeros((2, 1, 3, 3)))   # padded to 5x5: fine
    with pytest.raises(ValueError, match=r"MaxPool2d\(kernel_size=3\).*\(1, 2, 2, 5\)"):
        MaxPool2d(3).forward(np.zeros((1, 2, 2, 5)))


def test_empty_batch_rejected():
    with pytest.raises(ValueError, match=r"Conv2d.*empty input \(0, 1, 8, 8\)"):
        Conv2d(1, 2, 3).forward(np.zeros((0, 1, 8, 8)))


@pytest.mark.parametrize("kwargs,match", [
    (dict(in_channels=0, out_channels=2, kernel_size=3), "in_channels"),
    (dict(in_channels=1, out_channels=-1, kernel_size=3), "out_channels"),
    (dict(in_channels=1, out_channels=2, kernel_size=0), "kernel_size"),
    (dict(in_channels=1, out_channels=2, kernel_size=(3, 0)), "kernel_size"),
    (dict(in_channels=1, out_channels=2, kernel_size=(3, 3, 3)), "kernel_size"),
    (dict(in_channels=1, out_channels=2, kernel_size=3, stride=0), "stride"),
    (dict(in_channels=1, out_channels=2, kernel_size=3, padding=-1), "padding"),
    (dict(in_channels=1.5, out_channels=2, kernel_size=3), "in_channels"),
])
def test_conv_bad_sizes(kwargs, match):
    with pytest.raises(ValueError, match=f"Conv2d: {match}"):
        Conv2d(**kwargs)


def test_pool_bad_sizes():
    with pytest.raises(ValueError, match="MaxPool2d: kernel_size"):
        MaxPool2d(0)
    with pytest.raises(ValueError, match="MaxPool2d: stride"):
        MaxPool2d(2, stride=-1)


def test_wrong_dout_and_backward_before_forward():
    conv = Conv2d(1, 2, 3)
    with pytest.raises(ValueError, match="before forward"):
        conv.backward(np.zeros((1, 2, 6, 6)))
    conv.forward(np.zeros((1, 1, 8, 8)))
    with pytest.raises(ValueError, match=r"expected dout \(1, 2, 6, 6\), got \(1, 2, 8, 8\)"):
        conv.backward(np.zeros((1, 2, 8, 8)))
    pool = MaxPool2d(2)
    with pytest.raises(ValueError, match="before forward"):
        pool.backward(np.zeros((1, 2, 3, 3)))
    pool.forward(np.zeros((1, 2, 6, 6)))
    with pytest.raises(ValueError, match=r"MaxPool2d\(kernel_size=2\): expected dout"):
        pool.backward(np.zeros((1, 2, 6, 6)))
    with pytest.raises(ValueError, match=r"Flatten\(\): expected input"):
        Flatten().forward(np.zeros(5))
