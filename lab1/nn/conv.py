"""2-D convolution, max pooling and flatten for NCHW float64 images, vectorized.

Conv2d uses im2col (CS231n's ``conv_forward_im2col``): every receptive field of
sample n becomes one column, so the convolution is one matrix product per sample
(np.matmul batches them; no Python loop over samples or pixels):

    cols[n, (c, a, b), (i, j)] = x_pad[n, c, i*sh + a, j*sw + b]      (N, C*kh*kw, Ho*Wo)
    out[n] = weight.reshape(O, C*kh*kw) @ cols[n] + bias[:, None]      (N, O, Ho*Wo)

Backward is two more products, dw = sum_n dout[n] @ cols[n].T and
dcols[n] = weight.T @ dout[n], then col2im adds every column back onto the input
positions it was copied from: one strided add per kernel offset (a, b), kh*kw in all.
"""
import numpy as np
from numpy.lib.stride_tricks import as_strided

from ..seeding import as_generator
from .linear import init_weights
from .module import Module, Parameter


def _pair(value, name, layer, minimum):
    """int or pair of ints (each >= minimum) -> (int, int)."""
    pair = (value, value) if isinstance(value, (int, np.integer)) else value
    ok = (isinstance(pair, (tuple, list)) and len(pair) == 2
          and all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in pair))
    if not ok or isinstance(value, bool) or min(pair) < minimum:
        kind = "positive" if minimum > 0 else "non-negative"
        raise ValueError(f"{layer}: {name} must be a {kind} int or a pair of them, got {value!r}")
    return int(pair[0]), int(pair[1])


def _show(pair):
    return pair[0] if pair[0] == pair[1] else pair


def _windows(x, kernel, stride, out_hw):
    """View (N, C, Ho, Wo, kh, kw) of the kernel-sized windows of x (N, C, H, W); no copy."""
    n, c, _, _ = x.shape
    s0, s1, s2, s3 = x.strides
    return as_strided(x, (n, c, out_hw[0], out_hw[1], kernel[0], kernel[1]),
                      (s0, s1, s2 * stride[0], s3 * stride[1], s2, s3), writeable=False)


def _check_input(layer, x, channels, kernel, padding):
    """Validate an NCHW input (channels None: any); returns it as float64."""
    x = np.asarray(x, dtype=np.float64)
    c = "C" if channels is None else channels
    if x.ndim != 4 or (channels is not None and x.shape[1] != channels):
        raise ValueError(f"{layer!r}: expected input (N, {c}, H, W), got {x.shape}")
    if 0 in x.shape:
        raise ValueError(f"{layer!r}: empty input {x.shape}")
    h, w = x.shape[2] + 2 * padding[0], x.shape[3] + 2 * padding[1]
    if h < kernel[0] or w < kernel[1]:
        padded = f" (padded to {h}x{w})" if any(padding) else ""
        raise ValueError(f"{layer!r}: input {x.shape}{padded} is smaller than the kernel "
                         f"{kernel[0]}x{kernel[1]}")
    return x


class Conv2d(Module):
    """2-D convolution (cross-correlation, as torch.nn.Conv2d) over NCHW float64 images.

    weight: (out_channels, in_channels, kh, kw); bias: (out_channels,).
    forward: x (N, in_channels, H, W) -> (N, out_channels, Ho, Wo) with
    Ho = (H + 2*ph - kh) // sh + 1 and Wo = (W + 2*pw - kw) // sw + 1.
    kernel_size, stride, padding: int or (height, width) pair; padding is zeros.
    init: a name of nn.INITIALIZERS (default "uniform": torch's U(+-1/sqrt(fan_in)) for
    weight and bias), with fan_in = in_channels*kh*kw and fan_out = out_channels*kh*kw.
    rng: seed, Generator or None.
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, bias=True,
                 init="uniform", rng=None):
        for name, value in (("in_channels", in_channels), ("out_channels", out_channels)):
            if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value <= 0:
                raise ValueError(f"Conv2d: {name} must be a positive integer, got {value!r}")
        self.in_channels, self.out_channels = int(in_channels), int(out_channels)
        self.kernel_size = _pair(kernel_size, "kernel_size", "Conv2d", 1)
        self.stride = _pair(stride, "stride", "Conv2d", 1)
        self.padding = _pair(padding, "padding", "Conv2d", 0)
        self.init = init
        kh, kw = self.kernel_size
        w, b = init_weights(init, (out_channels, in_channels, kh, kw), (out_channels,),
                            in_channels * kh * kw, out_channels * kh * kw, as_generator(rng))
        self.weight = Parameter(w)
        self.bias = Parameter(b) if bias else None
        self._params = {"weight": self.weight}
        if bias:
            self._params["bias"] = self.bias
        self._cols = None        # (N, C*kh*kw [+ 1 row of ones], Ho*Wo) im2col of the last input
        self._x_shape = None

    def output_shape(self, height, width):
        """(Ho, Wo) for an input of spatial size (height, width)."""
        (kh, kw), (sh, sw), (ph, pw) = self.kernel_size, self.stride, self.padding
        return (height + 2 * ph - kh) // sh + 1, (width + 2 * pw - kw) // sw + 1

    def forward(self, x):
        x = _check_input(self, x, self.in_channels, self.kernel_size, self.padding)
        n, c, h, w = x.shape
        (ph, pw), (kh, kw) = self.padding, self.kernel_size
        ho, wo = self.output_shape(h, w)
        if ph or pw:
            xp = np.zeros((n, c, h + 2 * ph, w + 2 * pw))
            xp[:, :, ph:ph + h, pw:pw + w] = x
        else:
            xp = x
        # im2col, the one copy: cols[n, (c, a, b), (i, j)]. An extra last row of ones
        # carries the bias through the same product (the bias is its weight column).
        k = c * kh * kw
        cols = np.empty((n, k + self._has_bias, ho * wo))
        # a reshape that only splits axes is always a view, so this writes into cols
        cols[:, :k].reshape(n, c, kh, kw, ho, wo)[...] = _windows(
            xp, self.kernel_size, self.stride, (ho, wo)).transpose(0, 1, 4, 5, 2, 3)
        if self._has_bias:
            cols[:, k] = 1.0
        out = np.matmul(self._weight_matrix(), cols)    # (N, O, Ho*Wo): one GEMM per sample
        self._cols, self._x_shape = cols, x.shape
        return out.reshape(n, self.out_channels, ho, wo)

    def backward(self, dout):
        cols = self._cols
        if cols is None:
            raise ValueError(f"{self!r}: backward called before forward")
        n, c, h, w = self._x_shape
        ho, wo = self.output_shape(h, w)
        o = self.out_channels
        if dout.shape != (n, o, ho, wo):
            raise ValueError(f"{self!r}: expected dout {(n, o, ho, wo)}, got {dout.shape}")
        dout = np.asarray(dout, dtype=np.float64).reshape(n, o, ho * wo)
        # dw (and db, from the row of ones) = sum over samples of dout[n] @ cols[n].T
        dwb = np.matmul(dout, cols.transpose(0, 2, 1)).sum(axis=0)     # (O, C*kh*kw [+ 1])
        k = c * self.kernel_size[0] * self.kernel_size[1]
        self.weight.grad = dwb[:, :k].reshape(self.weight.data.shape)
        if self._has_bias:
            self.bias.grad = dwb[:, k].copy()
        w2 = self.weight.data.reshape(o, k)
        dcols = np.matmul(w2.T, dout)                                   # (N, C*kh*kw, Ho*Wo)
        return _col2im(dcols.reshape(n, c, *self.kernel_size, ho, wo), (n, c, h, w),
                       self.stride, self.padding)

    @property
    def _has_bias(self):
        return self.bias is not None

    def _weight_matrix(self):
        """(O, C*kh*kw), with the bias appended as a last column when there is one."""
        w2 = self.weight.data.reshape(self.out_channels, -1)
        return np.concatenate([w2, self.bias.data[:, None]], axis=1) if self._has_bias else w2

    def extra_repr(self):
        s = f"{self.in_channels}, {self.out_channels}, kernel_size={_show(self.kernel_size)}"
        if self.stride != (1, 1):
            s += f", stride={_show(self.stride)}"
        if self.padding != (0, 0):
            s += f", padding={_show(self.padding)}"
        if self.bias is None:
            s += ", bias=False"
        return s


def _col2im(dcols, x_shape, stride, padding):
    """Sum dcols (N, C, kh, kw, Ho, Wo) back onto the positions im2col copied them from.

    Returns dx (N, C, H, W): one strided add per kernel offset (a, b).
    """
    n, c, h, w = x_shape
    (sh, sw), (ph, pw) = stride, padding
    _, _, kh, kw, ho, wo = dcols.shape
    dxp = np.zeros((n, c, h + 2 * ph, w + 2 * pw))
    for a in range(kh):
        for b in range(kw):
            dxp[:, :, a:a + sh * (ho - 1) + 1:sh, b:b + sw * (wo - 1) + 1:sw] += dcols[:, :, a, b]
    return dxp[:, :, ph:ph + h, pw:pw + w] if ph or pw else dxp


class MaxPool2d(Module):
    """Max over kernel-sized windows of each channel (no padding; partial windows dropped).

    forward: x (N, C, H, W) -> (N, C, Ho, Wo), Ho = (H - kh) // sh + 1, Wo likewise.
    stride defaults to kernel_size. Caches the argmax of each window (the first maximum on
    ties); backward routes dout to those positions (adding up where windows overlap).
    """

    def __init__(self, kernel_size, stride=None):
        self.kernel_size = _pair(kernel_size, "kernel_size", "MaxPool2d", 1)
        self.stride = self.kernel_size if stride is None else _pair(stride, "stride", "MaxPool2d", 1)
        self._argmax = None      # (N, C, Ho, Wo) flat offset a*kw + b of each window's maximum
        self._x_shape = None

    def forward(self, x):
        x = _check_input(self, x, None, self.kernel_size, (0, 0))
        n, c, h, w = x.shape
        (kh, kw), (sh, sw) = self.kernel_size, self.stride
        ho, wo = (h - kh) // sh + 1, (w - kw) // sw + 1
        windows = _windows(x, self.kernel_size, self.stride, (ho, wo)).reshape(n, c, ho, wo, kh * kw)
        argmax = windows.argmax(axis=-1)
        self._argmax, self._x_shape = argmax, x.shape
        return np.take_along_axis(windows, argmax[..., None], axis=-1)[..., 0]

    def backward(self, dout):
        argmax = self._argmax
        if argmax is None:
            raise ValueError(f"{self!r}: backward called before forward")
        if dout.shape != argmax.shape:
            raise ValueError(f"{self!r}: expected dout {argmax.shape}, got {dout.shape}")
        (kh, kw), (sh, sw) = self.kernel_size, self.stride
        _, _, ho, wo = argmax.shape
        dx = np.zeros(self._x_shape)
        for a in range(kh):
            for b in range(kw):
                dx[:, :, a:a + sh * (ho - 1) + 1:sh, b:b + sw * (wo - 1) + 1:sw] += \
                    np.where(argmax == a * kw + b, dout, 0.0)
        return dx

    def extra_repr(self):
        s = f"kernel_size={_show(self.kernel_size)}"
        return s if self.stride == self.kernel_size else s + f", stride={_show(self.stride)}"


class Flatten(Module):
    """(N, C, H, W) -> (N, C*H*W), or any (N, ...) -> (N, prod(...)); backward reshapes back."""

    def __init__(self):
        self._x_shape = None

    def forward(self, x):
        x = np.asarray(x)
        if x.ndim < 2:
            raise ValueError(f"{self!r}: expected input (N, ...) with at least 2 axes, got {x.shape}")
        self._x_shape = x.shape
        return x.reshape(x.shape[0], -1)

    def backward(self, dout):
        if self._x_shape is None:
            raise ValueError(f"{self!r}: backward called before forward")
        n, rest = self._x_shape[0], int(np.prod(self._x_shape[1:]))
        if dout.shape != (n, rest):
            raise ValueError(f"{self!r}: expected dout {(n, rest)}, got {dout.shape}")
        return dout.reshape(self._x_shape)
