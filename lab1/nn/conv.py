"""2-D convolution, max pooling and flatten for NCHW images, vectorized with im2col.

im2col turns every receptive field into one row, so the convolution is a single
matrix product (CS231n's ``conv_forward_im2col``):

    cols[(n, i, j), (c, a, b)] = x_pad[n, c, i*sh + a, j*sw + b]        (N*Ho*Wo, C*kh*kw)
    out[(n, i, j), o] = cols @ weight.reshape(O, C*kh*kw).T + bias

and backward is two more products plus col2im, which adds each column back onto
the input positions it was copied from (one strided add per kernel offset, kh*kw
in all; no loop over samples or pixels).
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
    """Validate an NCHW input; returns it as float64."""
    x = np.asarray(x, dtype=np.float64)
    c = "C" if channels is None else channels
    if x.ndim != 4 or (channels is not None and x.shape[1] != channels):
        raise ValueError(f"{layer!r}: expected input (N, {c}, H, W), got {x.shape}")
    h, w = x.shape[2] + 2 * padding[0], x.shape[3] + 2 * padding[1]
    if h < kernel[0] or w < kernel[1] or 0 in x.shape:
        pad = f" (padded to {(h, w)})" if any(padding) else ""
        raise ValueError(f"{layer!r}: input {x.shape}{pad} is smaller than the kernel {kernel}"
                         if x.shape[0] else f"{layer!r}: empty input {x.shape}")
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
        self._cols = None        # (N*Ho*Wo, C*kh*kw) im2col rows of the last input
        self._x_shape = None

    def output_shape(self, height, width):
        """(Ho, Wo) for an input of spatial size (height, width)."""
        (kh, kw), (sh, sw), (ph, pw) = self.kernel_size, self.stride, self.padding
        return (height + 2 * ph - kh) // sh + 1, (width + 2 * pw - kw) // sw + 1

    def forward(self, x):
        x = _check_input(self, x, self.in_channels, self.kernel_size, self.padding)
        n, c, h, w = x.shape
        (ph, pw), k = self.padding, self.kernel_size
        ho, wo = self.output_shape(h, w)
        if ph or pw:
            xp = np.zeros((n, c, h + 2 * ph, w + 2 * pw))
            xp[:, :, ph:ph + h, pw:pw + w] = x
        else:
            xp = x
        # the one copy: windows laid out as rows (n, i, j), columns (c, a, b)
        cols = np.empty((n, ho, wo, c, k[0], k[1]))
        cols[...] = _windows(xp, k, self.stride, (ho, wo)).transpose(0, 2, 3, 1, 4, 5)
        cols = cols.reshape(n * ho * wo, -1)
        out = cols @ self.weight.data.reshape(self.out_channels, -1).T     # (N*Ho*Wo, O)
        if self.bias is not None:
            out += self.bias.data
        self._cols, self._x_shape = cols, x.shape
        return out.reshape(n, ho, wo, self.out_channels).transpose(0, 3, 1, 2)

    def backward(self, dout):
        cols = self._cols
        if cols is None:
            raise ValueError(f"{self!r}: backward called before forward")
        n, c, h, w = self._x_shape
        ho, wo = self.output_shape(h, w)
        o = self.out_channels
        if dout.shape != (n, o, ho, wo):
            raise ValueError(f"{self!r}: expected dout {(n, o, ho, wo)}, got {dout.shape}")
        dout_rows = np.ascontiguousarray(dout.transpose(0, 2, 3, 1)).reshape(-1, o)   # (N*Ho*Wo, O)
        w2 = self.weight.data.reshape(o, -1)
        self.weight.grad = (dout_rows.T @ cols).reshape(self.weight.data.shape)      # dw
        if self.bias is not None:
            self.bias.grad = dout_rows.sum(axis=0)                                   # db
        dcols = (dout_rows @ w2).reshape(n, ho, wo, c, *self.kernel_size)
        return _col2im(dcols, (n, c, h, w), self.kernel_size, self.stride, self.padding)

    def extra_repr(self):
        s = f"{self.in_channels}, {self.out_channels}, kernel_size={_show(self.kernel_size)}"
        if self.stride != (1, 1):
            s += f", stride={_show(self.stride)}"
        if self.padding != (0, 0):
            s += f", padding={_show(self.padding)}"
        if self.bias is None:
            s += ", bias=False"
        return s


def _col2im(dcols, x_shape, kernel, stride, padding):
    """Sum dcols (N, Ho, Wo, C, kh, kw) back onto the (padded) input; returns dx (N, C, H, W)."""
    n, c, h, w = x_shape
    (kh, kw), (sh, sw), (ph, pw) = kernel, stride, padding
    _, ho, wo = dcols.shape[:3]
    dxp = np.zeros((n, c, h + 2 * ph, w + 2 * pw))
    dcols = dcols.transpose(0, 3, 1, 2, 4, 5)        # (N, C, Ho, Wo, kh, kw), a view
    for a in range(kh):
        for b in range(kw):
            dxp[:, :, a:a + sh * (ho - 1) + 1:sh, b:b + sw * (wo - 1) + 1:sw] += dcols[..., a, b]
    return dxp[:, :, ph:ph + h, pw:pw + w] if ph or pw else dxp
