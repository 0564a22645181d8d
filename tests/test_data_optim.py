"""The TA's generators, splits, and optimizer trajectories against torch.optim."""
import numpy as np
import pytest

from lab1 import data, nn, optim


def ta_generate_linear(n):
    # the TA's loop, restated: label 0 if x0 > x1 else 1
    pts = np.random.uniform(0, 1, (n, 2))
    labels = [0 if p[0] > p[1] else 1 for p in pts]
    return pts, np.array(labels).reshape(n, 1)


def test_generate_linear_reproduces_the_ta_data_from_the_global_seed():
    np.random.seed(42)
    expected_x, expected_y = ta_generate_linear(100)
    np.random.seed(42)
    x, y = data.generate_linear(n=100)
    np.testing.assert_array_equal(x, expected_x)
    np.testing.assert_array_equal(y, expected_y)
    assert x.shape == (100, 2) and y.shape == (100, 1) and x.dtype == np.float64


def test_generate_linear_seeded():
    a, b = data.generate_linear(30, rng=5), data.generate_linear(30, rng=5)
    np.testing.assert_array_equal(a[0], b[0])
    assert np.all((a[0][:, 0] > a[0][:, 1]) == (a[1][:, 0] == 0))


def test_generate_xor_easy_is_the_ta_set():
    x, y = data.generate_XOR_easy()
    assert x.shape == (21, 2) and y.shape == (21, 1)
    centre = np.all(np.isclose(x, 0.5), axis=1)
    assert centre.sum() == 1 and y[centre][0, 0] == 0
    diagonal = np.isclose(x[:, 0], x[:, 1])
    assert np.all(y[diagonal] == 0) and np.all(y[~diagonal] == 1)
    assert y.sum() == 10
    np.testing.assert_array_equal(x[:4], [[0.0, 0.0], [0.0, 1.0], [0.1, 0.1], [0.1, 0.9]])


def test_uniform_setup_sizes_and_disjoint_test_set():
    sets = data.uniform_setup()
    assert len(sets["train"][0]) == 4000 and len(sets["val"][0]) == 1000
    assert len(sets["test"][0]) == 1000
    seen = {tuple(p) for part in ("train", "val") for p in sets[part][0]}
    assert not any(tuple(p) in seen for p in sets["test"][0])
    np.testing.assert_array_equal(data.uniform_setup()["test"][0], sets["test"][0])


def test_split_by_counts_and_fractions():
    x, y = np.arange(20).reshape(10, 2), np.arange(10)
    (xa, ya), (xb, yb) = data.split(x, y, (7, 3), rng=0)
    assert len(xa) == 7 and len(xb) == 3
    assert sorted(np.concatenate([ya, yb]).tolist()) == list(range(10))
    np.testing.assert_array_equal(xa[:, 0] // 2, ya)
    parts = data.split(x, y, (0.5, 0.3, 0.2), shuffle=False)
    assert [len(p[1]) for p in parts] == [5, 3, 2] and parts[0][1].tolist() == [0, 1, 2, 3, 4]


TORCH_OPTIMIZERS = [
    ("sgd", lambda p: optim.SGD(p, lr=0.3), lambda t, p: t.optim.SGD(p, lr=0.3)),
    ("momentum", lambda p: optim.SGD(p, lr=0.1, momentum=0.9),
     lambda t, p: t.optim.SGD(p, lr=0.1, momentum=0.9)),
    ("nesterov", lambda p: optim.SGD(p, lr=0.1, momentum=0.8, nesterov=True),
     lambda t, p: t.optim.SGD(p, lr=0.1, momentum=0.8, nesterov=True)),
    ("adagrad", lambda p: optim.Adagrad(p, lr=0.2), lambda t, p: t.optim.Adagrad(p, lr=0.2)),
    ("rmsprop", lambda p: optim.RMSprop(p, lr=0.01), lambda t, p: t.optim.RMSprop(p, lr=0.01)),
    ("adam", lambda p: optim.Adam(p, lr=0.02), lambda t, p: t.optim.Adam(p, lr=0.02)),
]


@pytest.mark.parametrize("name, ours, theirs", TORCH_OPTIMIZERS, ids=[o[0] for o in TORCH_OPTIMIZERS])
def test_optimizer_trajectory_matches_torch(name, ours, theirs):
    torch = pytest.importorskip("torch", reason="PyTorch not installed: optimizer trajectory comparison skipped")
    x, y = data.generate_linear(40, rng=0)
    model = nn.mlp([2, 4, 4, 1], init="normal", rng=0)
    tensors = [torch.tensor(p.data.copy(), requires_grad=True) for p in model.parameters()]
    opt, torch_opt = ours(model.parameters()), theirs(torch, tensors)
    loss = nn.MSELoss()
    xt, yt = torch.tensor(x), torch.tensor(y, dtype=torch.float64)
    for _ in range(50):
        loss(model(x), y)
        model.backward(loss.backward())
        opt.step()
        torch_opt.zero_grad()
        h = xt
        for i in range(0, 6, 2):
            h = torch.sigmoid(h @ tensors[i] + tensors[i + 1])
        torch.nn.functional.mse_loss(h, yt).backward()
        torch_opt.step()
    for p, t in zip(model.parameters(), tensors):
        np.testing.assert_allclose(p.data, t.detach().numpy(), rtol=1e-9, atol=1e-12)


def test_zero_grad_clears_every_parameters_gradient():
    # part of the public contract (opt.step(); opt.zero_grad()), as in torch.optim
    model = nn.mlp([2, 3, 1], rng=0)
    model(np.ones((4, 2)))
    model.backward(np.ones((4, 1)))
    opt = optim.SGD(model.parameters(), lr=0.1)
    assert any(np.any(p.grad != 0) for p in model.parameters())
    opt.zero_grad()
    assert all(np.all(p.grad == 0) for p in model.parameters())
