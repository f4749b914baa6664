"""experiments: sharpness, sharpness_during_training, adam_update_sizes, first_step_ratio (notebook 05)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from course_lib import problems as P
from course_lib import schedules as S
from course_lib import studies as X
from course_lib.training import adam_step
from course_lib.training import models as M


@pytest.fixture(scope="module")
def regression():
    return P.teacher_student_dataset(n_samples=120, d_in=5, hidden=4, seed=0)


@pytest.fixture(scope="module")
def classification():
    return P.moons_dataset(n_samples=120, seed=0)


def _flat(model):
    return torch.cat([p.detach().reshape(-1) for p in model.parameters()])


# ---------------------------------------------------------------------------
# sharpness
# ---------------------------------------------------------------------------


def test_sharpness_of_a_linear_model_with_mse_is_the_exact_top_eigenvalue(regression):
    # loss = mean (Xw + b - y)^2, so H = 2/n [X 1]^T [X 1] exactly.
    net = M.linear(5, 1, seed=0)
    Z = np.hstack([regression.X_train.astype(np.float64), np.ones((regression.n_train, 1))])
    exact = np.linalg.eigvalsh(2 / len(Z) * Z.T @ Z).max()
    assert X.sharpness(net, regression, loss="mse", n_iter=100) == pytest.approx(exact, rel=1e-3)


def test_sharpness_uses_the_first_n_examples(regression):
    net = M.linear(5, 1, seed=0)
    Z = np.hstack([regression.X_train[:30].astype(np.float64), np.ones((30, 1))])
    exact = np.linalg.eigvalsh(2 / 30 * Z.T @ Z).max()
    assert X.sharpness(net, regression, loss="mse", n_examples=30, n_iter=100) == pytest.approx(exact, rel=1e-3)


def test_sharpness_leaves_the_model_alone_and_is_deterministic(classification):
    net = M.mlp(2, 2, hidden=(8,), seed=1)
    before = _flat(net).clone()
    a = X.sharpness(net, classification)
    b = X.sharpness(net, classification)
    assert a == b and a > 0
    assert torch.equal(_flat(net), before)
    assert all(p.grad is None for p in net.parameters())
    assert torch.get_num_threads() >= 1


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(loss="hinge"), "loss"),
        (dict(n_iter=0), "n_iter"),
        (dict(n_examples=0), "n_examples"),
        (dict(seed=-1), "seed"),
    ],
)
def test_sharpness_bad_arguments(classification, kwargs, name):
    with pytest.raises((ValueError, TypeError), match=name):
        X.sharpness(M.mlp(2, 2, hidden=(4,)), classification, **kwargs)


def test_sharpness_needs_a_module_and_a_dataset(classification):
    with pytest.raises(TypeError, match="model"):
        X.sharpness(lambda: M.mlp(2, 2), classification)
    with pytest.raises(TypeError, match="data"):
        X.sharpness(M.mlp(2, 2), np.zeros((3, 2)))


# ---------------------------------------------------------------------------
# sharpness_during_training
# ---------------------------------------------------------------------------


def test_sharpness_during_training_measures_at_init_and_the_chosen_epochs(classification):
    net = M.mlp(2, 2, hidden=(8,), seed=0)
    init = X.sharpness(net, classification)
    schedule = S.cosine_decay(0.1, 3 * 4)
    trace = X.sharpness_during_training(
        net, classification, schedule, epochs=3, measure_epochs=[1, 3], batch_size=24, label="moons"
    )
    assert trace.epochs.tolist() == [0, 1, 3]
    assert trace.sharpness[0] == pytest.approx(init)
    assert trace.sharpness[-1] == pytest.approx(X.sharpness(net, classification))  # trained in place
    steps_per_epoch = math.ceil(classification.n_train / 24)
    assert np.allclose(trace.lr, schedule(trace.epochs * steps_per_epoch))
    assert np.allclose(trace.stability_ratio, trace.lr * trace.sharpness / 2)
    assert trace.history.n_steps == 3 * steps_per_epoch and trace.label == "moons"


def test_sharpness_during_training_default_measures_every_epoch_and_accepts_a_number(regression):
    trace = X.sharpness_during_training(
        M.mlp(5, 1, hidden=(4,), seed=0), regression, 0.01, epochs=2, loss="mse", n_iter=5
    )
    assert trace.epochs.tolist() == [0, 1, 2]
    assert np.allclose(trace.lr, 0.01)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(epochs=0), "epochs"),
        (dict(epochs=2, measure_epochs=[3]), "measure_epochs"),
        (dict(epochs=2, measure_epochs=[0]), "measure_epochs"),
    ],
)
def test_sharpness_during_training_bad_arguments(classification, kwargs, name):
    with pytest.raises(ValueError, match=name):
        X.sharpness_during_training(M.mlp(2, 2, hidden=(4,)), classification, 0.1, **kwargs)


def test_sharpness_during_training_needs_a_built_model(classification):
    with pytest.raises(TypeError, match="model"):
        X.sharpness_during_training(lambda: M.mlp(2, 2), classification, 0.1, epochs=1)


# ---------------------------------------------------------------------------
# adam_update_sizes
# ---------------------------------------------------------------------------


def test_adam_update_sizes_matches_adam_step():
    u = X.adam_update_sizes(20, n_params=5, signal=0.3, noise=1.0, seed=3)
    rng = np.random.default_rng(3)
    w, m, v = np.zeros(5), np.zeros(5), np.zeros(5)
    for t in range(1, 21):
        g = 0.3 + rng.standard_normal(5)
        new_w, m, v = adam_step(w, g, m, v, t, lr=1.0)
        assert np.allclose(u[t - 1], w - new_w)
    assert u.shape == (20, 5)


def test_adam_first_update_is_the_sign_of_the_gradient_and_later_ones_shrink():
    u = X.adam_update_sizes(600, n_params=3000)
    assert np.allclose(np.abs(u[0]), 1.0, atol=1e-4)
    steady = 0.6745 * math.sqrt(0.1 / 1.9)  # median |N(0, (1-b1)/(1+b1))|
    assert np.median(np.abs(u[200:])) == pytest.approx(steady, rel=0.1)


def test_adam_without_noise_moves_by_lr_every_step():
    u = X.adam_update_sizes(50, n_params=3, signal=-2.0, noise=0.0)
    assert np.allclose(u, -1.0, atol=1e-6)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(n_steps=0), "n_steps"),
        (dict(n_params=0), "n_params"),
        (dict(noise=-1.0), "noise"),
        (dict(signal=0.0, noise=0.0), "signal"),
        (dict(beta1=1.0), "beta1"),
        (dict(beta2=-0.1), "beta2"),
        (dict(eps=0.0), "eps"),
    ],
)
def test_adam_update_sizes_bad_arguments(kwargs, name):
    args = dict(n_steps=5) | kwargs
    with pytest.raises(ValueError, match=name):
        X.adam_update_sizes(**args)


# ---------------------------------------------------------------------------
# first_step_ratio
# ---------------------------------------------------------------------------


def test_first_step_ratio_adam_is_lr_times_sqrt_n_params_over_the_norm(regression):
    net = M.linear(5, 1, seed=0)  # every gradient coordinate is nonzero
    w0 = _flat(net)
    expected = 0.01 * math.sqrt(w0.numel()) / float(w0.norm())
    assert X.first_step_ratio(net, regression, 0.01, loss="mse") == pytest.approx(expected, rel=1e-4)
    assert torch.equal(_flat(net), w0)  # the model itself is not changed


def test_first_step_ratio_sgd_is_lr_times_the_gradient_norm(regression):
    net = M.linear(5, 1, seed=0)
    X_t = torch.as_tensor(regression.X_train[:64])
    y_t = torch.as_tensor(regression.y_train[:64])
    torch.nn.functional.mse_loss(net(X_t), y_t).backward()
    grad = torch.cat([p.grad.reshape(-1) for p in net.parameters()])
    net.zero_grad(set_to_none=True)
    expected = 0.05 * float(grad.norm()) / float(_flat(net).norm())
    assert X.first_step_ratio(net, regression, 0.05, optimizer="sgd", loss="mse") == pytest.approx(expected, rel=1e-4)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(lr=0.0), "lr"),
        (dict(lr=0.1, optimizer="rmsprop"), "optimizer"),
        (dict(lr=0.1, batch_size=0), "n_examples"),
    ],
)
def test_first_step_ratio_bad_arguments(classification, kwargs, name):
    with pytest.raises(ValueError, match=name):
        X.first_step_ratio(M.mlp(2, 2, hidden=(4,)), classification, **kwargs)
