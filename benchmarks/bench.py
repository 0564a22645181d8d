"""make bench: lab1's speed against a plain NumPy loop and PyTorch CPU, measured side by side.

Workload: the lab's 2-4-4-1 sigmoid network, MSE, full-batch SGD (lr 0.1), per epoch one
forward, loss, backward and update, recording the loss and the accuracy (what fit records).
Every timing is the best of several repeats, so background load inflates nothing twice.
PyTorch runs in its default float32 with one thread (the fastest setting for tensors this
small); lab1 and the NumPy loop run in float64.

Stacked models: M = 16, 256, 1024 stacked 2-4-4-1 networks trained by one fit, against the
same sweep written for PyTorch (weights (M, in, out), torch.baddbmm, autograd, one thread,
each model's loss and accuracy recorded every epoch), at 21 (XOR) and 1000 (linear) points,
as model-epochs per second. Both run in float64 here: at these sizes the arrays no longer
fit in cache, so float32 would halve the memory traffic and compare precision, not code.
"""
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from lab1 import data, nn, optim  # noqa: E402
from lab1.train import fit  # noqa: E402

SIZES = [("xor", 21), ("linear", 100), ("linear", 1000), ("linear", 4000)]
LR = 0.1


def dataset(name, n):
    return data.generate_XOR_easy() if name == "xor" else data.generate_linear(n, rng=0)


def best_rate(run, epochs, repeats):
    """Epochs per second of run(epochs), best of repeats."""
    best = np.inf
    for _ in range(repeats):
        started = time.perf_counter()
        run(epochs)
        best = min(best, time.perf_counter() - started)
    return epochs / best


def best_rates(runs, epochs, repeats):
    """Epochs per CPU second of each run(epochs), best of repeats. The runs take turns and
    are timed by this process's CPU time, so other processes' load counts for none of them."""
    best = [np.inf] * len(runs)
    for _ in range(repeats):
        for i, run in enumerate(runs):
            started = time.process_time()
            run(epochs)
            best[i] = min(best[i], time.process_time() - started)
    return [epochs / seconds for seconds in best]


def lab1_fit(x, y):
    def run(epochs):
        model = nn.mlp([2, 4, 4, 1], rng=0)
        fit(model, x, y, optimizer=optim.SGD(model.parameters(), lr=LR), epochs=epochs)
    return run


def numpy_loop(x, y):
    """The same training written as one flat loop, as a student would."""
    def run(epochs):
        rng = np.random.default_rng(0)
        ws = [rng.uniform(-1, 1, (a, b)) / np.sqrt(a) for a, b in ((2, 4), (4, 4), (4, 1))]
        bs = [np.zeros(b) for b in (4, 4, 1)]
        labels = y > 0.5
        losses, accuracies = [], []
        for _ in range(epochs):
            a0 = x
            a1 = 1 / (1 + np.exp(-(a0 @ ws[0] + bs[0])))
            a2 = 1 / (1 + np.exp(-(a1 @ ws[1] + bs[1])))
            a3 = 1 / (1 + np.exp(-(a2 @ ws[2] + bs[2])))
            diff = a3 - y
            losses.append(float(np.mean(diff * diff)))
            accuracies.append(np.count_nonzero((a3 > 0.5) == labels) / len(y))
            d3 = 2 * diff / diff.size * a3 * (1 - a3)
            d2 = d3 @ ws[2].T * a2 * (1 - a2)
            d1 = d2 @ ws[1].T * a1 * (1 - a1)
            for w, b, a, d in ((ws[2], bs[2], a2, d3), (ws[1], bs[1], a1, d2), (ws[0], bs[0], a0, d1)):
                w -= LR * (a.T @ d)
                b -= LR * d.sum(axis=0)
    return run


def torch_loop(torch, x, y):
    xt, yt = torch.tensor(x, dtype=torch.float32), torch.tensor(y, dtype=torch.float32)

    def run(epochs):
        torch.manual_seed(0)
        model = torch.nn.Sequential(torch.nn.Linear(2, 4), torch.nn.Sigmoid(), torch.nn.Linear(4, 4),
                                    torch.nn.Sigmoid(), torch.nn.Linear(4, 1), torch.nn.Sigmoid())
        opt = torch.optim.SGD(model.parameters(), lr=LR)
        loss_fn = torch.nn.MSELoss()
        losses, accuracies = [], []
        for _ in range(epochs):
            opt.zero_grad()
            out = model(xt)
            loss = loss_fn(out, yt)
            loss.backward()
            opt.step()
            losses.append(loss.item())
            accuracies.append(((out > 0.5) == (yt > 0.5)).float().mean().item())
    return run


def stacking(models=64, epochs=1000, repeats=3):
    """M stacked models in one fit against M fits one after another (XOR, 2-4-4-1)."""
    x, y = data.generate_XOR_easy()
    seeds = list(range(models))

    def stacked(_):
        model = nn.mlp([2, 4, 4, 1], rng=seeds, models=models)
        fit(model, x, y, optimizer=optim.SGD(model.parameters(), lr=np.full(models, LR)), epochs=epochs)

    def one_by_one(_):
        for seed in seeds:
            model = nn.mlp([2, 4, 4, 1], rng=seed)
            fit(model, x, y, optimizer=optim.SGD(model.parameters(), lr=LR), epochs=epochs)

    fast, slow = best_rate(stacked, 1, repeats), best_rate(one_by_one, 1, repeats)
    return fast / slow


STACKED_MODELS = (16, 256, 1024)
STACKED_POINTS = (21, 1000)


def stacked_dataset(n):
    return data.generate_XOR_easy() if n == 21 else data.generate_linear(n, rng=0)


def stacked_epochs(models, n):
    """Enough epochs for about 0.2 s of work at either speed."""
    return int(np.clip(4e6 / (models * n), 3, 3000))


def lab1_stacked(x, y, models):
    def run(epochs):
        model = nn.mlp([2, 4, 4, 1], rng=0, models=models)
        fit(model, x, y, optimizer=optim.SGD(model.parameters(), lr=LR), epochs=epochs)
    return run


def torch_stacked(torch, x, y, models):
    """The same M models written for PyTorch: weights (M, in, out), torch.baddbmm, autograd,
    recording each model's loss and accuracy every epoch, as fit does."""
    xt = torch.tensor(x, dtype=torch.float64).expand(models, -1, -1)
    yt = torch.tensor(y, dtype=torch.float64)
    labels = yt > 0.5

    def run(epochs):
        gen = torch.Generator().manual_seed(0)
        params = []
        for a, b in ((2, 4), (4, 4), (4, 1)):
            bound = 1 / np.sqrt(a)
            params.append((torch.empty(models, a, b, dtype=torch.float64).uniform_(-bound, bound, generator=gen).requires_grad_(),
                           torch.empty(models, 1, b, dtype=torch.float64).uniform_(-bound, bound, generator=gen).requires_grad_()))
        losses, accuracies = [], []
        for _ in range(epochs):
            h = xt
            for w, b in params:
                h = torch.sigmoid(torch.baddbmm(b, h, w))
            per_model = ((h - yt) ** 2).mean(dim=(1, 2))          # (M,)
            per_model.sum().backward()                             # each model's own gradient
            with torch.no_grad():
                for w, b in params:
                    w -= LR * w.grad
                    b -= LR * b.grad
                    w.grad = None
                    b.grad = None
                losses.append(per_model.detach())
                accuracies.append(((h > 0.5) == labels).float().mean(dim=(1, 2)))
    return run


def stacked_rows(torch):
    """Model-epochs per second of M stacked models, lab1 against the PyTorch sweep."""
    print("stacked models (2-4-4-1, full-batch SGD, float64): model-epochs/s; torch uses "
          "batched matrix products (baddbmm), autograd, 1 thread")
    print(f"{'models':>7} {'points':>7} {'lab1':>12} {'torch':>12} {'lab1/torch':>11}")
    for n in STACKED_POINTS:
        x, y = stacked_dataset(n)
        for models in STACKED_MODELS:
            runs = [lab1_stacked(x, y, models)] + ([torch_stacked(torch, x, y, models)] if torch else [])
            rates = [models * rate for rate in best_rates(runs, stacked_epochs(models, n), 5)]
            ours, theirs = rates[0], (rates[1] if torch else None)
            print(f"{models:>7} {n:>7} {ours:12.0f} {theirs if theirs else float('nan'):12.0f} "
                  f"{(ours / theirs if theirs else float('nan')):10.2f}x")


def main():
    try:
        import torch
        torch.set_num_threads(1)
    except ImportError:
        torch = None
        print("PyTorch not installed: torch columns skipped (make torch installs it)")
    print(f"numpy {np.__version__}" + (f", torch {torch.__version__} (1 thread, float32)" if torch else ""))
    print(f"{'data':>14} {'lab1 ep/s':>10} {'numpy ep/s':>11} {'torch ep/s':>11} "
          f"{'lab1/numpy':>11} {'lab1/torch':>11}")
    for name, n in SIZES:
        x, y = dataset(name, n)
        epochs = 3000 if n <= 1000 else 1000
        ours = best_rate(lab1_fit(x, y), epochs, 5)
        plain = best_rate(numpy_loop(x, y), epochs, 5)
        theirs = best_rate(torch_loop(torch, x, y), epochs, 5) if torch else None
        print(f"{name + ' n=' + str(n):>14} {ours:10.0f} {plain:11.0f} "
              f"{theirs if theirs else float('nan'):11.0f} {ours / plain:10.2f}x "
              f"{(ours / theirs if theirs else float('nan')):10.2f}x")
    print(f"stacking: 64 models in one fit are {stacking():.1f}x faster than 64 fits one after another")
    stacked_rows(torch)
    try:
        from benchmarks.bench_conv import bench_conv
    except ImportError as error:
        print(f"conv benchmark unavailable: {error}")
    else:
        bench_conv(repeats=5)
    print("targets: lab1/torch >= 4x at n=21 and n=100, >= 1.2x at n=4000; "
          "lab1/numpy >= 0.67x (at most 1.5x slower); stacking >= 10x; stacked lab1/torch > 1x; "
          "conv >= 0.5x torch")


if __name__ == "__main__":
    main()
