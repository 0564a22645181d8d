"""Conv2d forward + backward throughput: lab1 (NumPy) against PyTorch CPU.

A digits-sized batch: N=256 images of 1x8x8, Conv2d(1, 16, 3, padding=1), float64, and
a random upstream gradient; one iteration is forward, then backward (weight, bias and
input gradients). lab1 runs with NumPy's default BLAS threads (whatever OPENBLAS_NUM_THREADS
/ OMP_NUM_THREADS say, else one per core); torch runs with torch.set_num_threads(1), in
float64 (same arithmetic as lab1) and, for reference, float32 (its default). Timed rounds of
lab1 and torch alternate, and the median round is reported.

    python benchmarks/bench_conv.py [repeats]
or, from the main benchmark (repo root on sys.path):
    from benchmarks.bench_conv import bench_conv; bench_conv(repeats=7)
"""
import os
import statistics
import sys
import time

import numpy as np

if __package__ in (None, ""):   # run as a script: make `lab1` importable from the repo root
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from lab1.nn.conv import Conv2d  # noqa: E402

CONFIG = dict(batch=256, in_channels=1, out_channels=16, kernel_size=3, padding=1, size=8)


def _numpy_threads():
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        if os.environ.get(var):
            return f"numpy default threads ({var}={os.environ[var]})"
    return f"numpy default threads (BLAS may use all {os.cpu_count()} cores)"


def _rounds(step, repeats, iters):
    """Seconds per iteration of each timed round, after a warm-up."""
    for _ in range(3):
        step()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(iters):
            step()
        times.append((time.perf_counter() - start) / iters)
    return times


def bench_conv(repeats=7, iters=20, verbose=True):
    """Images per second of Conv2d forward + backward, lab1 vs torch (None if absent).

    Returns a dict: config, lab1_images_per_s, lab1_threads, torch_images_per_s (float64,
    1 thread), torch_float32_images_per_s, torch_threads, ratio (lab1 / torch float64),
    ratio_float32 (lab1 / torch float32), max_abs_diff (lab1 vs torch outputs).
    """
    c = CONFIG
    n = c["batch"]
    rng = np.random.default_rng(0)
    x = rng.standard_normal((n, c["in_channels"], c["size"], c["size"]))
    conv = Conv2d(c["in_channels"], c["out_channels"], c["kernel_size"], padding=c["padding"], rng=0)
    dout = rng.standard_normal((n, c["out_channels"]) + conv.output_shape(c["size"], c["size"]))

    def lab1_step():
        conv.forward(x)
        conv.backward(dout)

    steps = {"lab1": lab1_step}
    result = dict(config=dict(c), lab1_images_per_s=None, lab1_threads=_numpy_threads(),
                  torch_images_per_s=None,
                  torch_float32_images_per_s=None, torch_threads=None, ratio=None,
                  ratio_float32=None, max_abs_diff=None)
    try:
        import torch
    except ImportError:
        torch = None
    threads_before = None
    if torch is not None:
        threads_before = torch.get_num_threads()
        torch.set_num_threads(1)
        result["torch_threads"] = 1
        for name, dtype in (("torch", torch.float64), ("torch_float32", torch.float32)):
            layer = torch.nn.Conv2d(c["in_channels"], c["out_channels"], c["kernel_size"],
                                    padding=c["padding"]).to(dtype)
            with torch.no_grad():
                layer.weight.copy_(torch.from_numpy(conv.weight.data))
                layer.bias.copy_(torch.from_numpy(conv.bias.data))
            tx = torch.from_numpy(x).to(dtype).requires_grad_(True)
            tdout = torch.from_numpy(dout).to(dtype)

            def torch_step(layer=layer, tx=tx, tdout=tdout):
                layer.zero_grad(set_to_none=True)
                tx.grad = None
                layer(tx).backward(tdout)

            steps[name] = torch_step
            if dtype == torch.float64:
                with torch.no_grad():
                    ref = layer(tx).numpy()
                result["max_abs_diff"] = float(np.abs(conv.forward(x) - ref).max())
    try:
        times = {name: [] for name in steps}
        for _ in range(repeats):                # alternate so load changes hit all alike
            for name, step in steps.items():
                times[name] += _rounds(step, 1, iters)
    finally:
        if threads_before is not None:
            torch.set_num_threads(threads_before)
    rate = {name: n / statistics.median(t) for name, t in times.items()}
    result["lab1_images_per_s"] = rate["lab1"]
    if torch is not None:
        result["torch_images_per_s"] = rate["torch"]
        result["torch_float32_images_per_s"] = rate["torch_float32"]
        result["ratio"] = rate["lab1"] / rate["torch"]
        result["ratio_float32"] = rate["lab1"] / rate["torch_float32"]
    if verbose:
        shape = f"N={n}, Conv2d({c['in_channels']}, {c['out_channels']}, {c['kernel_size']}, " \
                f"padding={c['padding']}), {c['size']}x{c['size']}, forward+backward"
        if torch is None:
            print(f"conv [{shape}]: lab1 {rate['lab1']:,.0f} images/s "
                  f"[{result['lab1_threads']}]; torch not installed, no comparison")
        else:
            print(f"conv [{shape}]: lab1 float64 {rate['lab1']:,.0f} images/s "
                  f"[{result['lab1_threads']}] | torch 1 thread: float64 {rate['torch']:,.0f}, "
                  f"float32 {rate['torch_float32']:,.0f} images/s | ratio lab1/torch "
                  f"{result['ratio']:.2f} (float64), {result['ratio_float32']:.2f} (float32)")
    return result


if __name__ == "__main__":
    bench_conv(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
