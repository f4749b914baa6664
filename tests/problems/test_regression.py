"""Noisy least squares and logistic regression: their data, noise floor, exact minimiser."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from course_lib import problems as P


def test_least_squares_matches_its_data():
    p = P.noisy_least_squares(n_samples=300, dim=4, noise=0.3, condition_number=20.0, seed=3)
    assert p.X.shape == (300, 4) and p.y.shape == (300,) and p.w_true.shape == (4,)
    w = np.random.default_rng(0).normal(size=4)
    assert p.loss(w) == pytest.approx(0.5 * np.mean((p.X @ w - p.y) ** 2), rel=1e-10)
    np.testing.assert_allclose(p.grad(w), p.X.T @ (p.X @ w - p.y) / 300, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(p.minimum, np.linalg.lstsq(p.X, p.y, rcond=None)[0], atol=1e-10)
    eig = np.linalg.eigvalsh(p.X.T @ p.X / 300)
    assert p.L == pytest.approx(eig[-1]) and p.mu == pytest.approx(eig[0])
    assert 10 < p.L / p.mu < 40  # near the asked-for 20
    assert p.min_loss == pytest.approx(0.5 * 0.3**2, rel=0.3)  # the noise level
    assert np.linalg.norm(p.minimum - p.w_true) < 0.2
    same = P.noisy_least_squares(n_samples=300, dim=4, noise=0.3, condition_number=20.0, seed=3)
    np.testing.assert_array_equal(same.X, p.X)
    assert not np.array_equal(P.noisy_least_squares(n_samples=300, dim=4, seed=4).X, p.X)


def test_least_squares_noise_floor_grows_with_lr():
    p = P.noisy_least_squares()
    floors = []
    for lr in (0.01, 0.1):
        rng, w, excess = np.random.default_rng(0), np.array(p.minimum), []
        for _ in range(1500):
            w = w - lr * p.stochastic_grad(w, rng, 10)
            excess.append(p.excess_loss(w))
        floors.append(np.mean(excess[500:]))
    assert 4 < floors[1] / floors[0] < 25
    predicted = 0.1 * p.noise**2 * np.trace(p.H) / (4 * 10)  # the docstring's formula
    assert floors[1] == pytest.approx(predicted, rel=0.5)


def test_logistic_loss_formula_and_stability():
    p = P.logistic_regression(n_samples=200, dim=2, separation=2.0, seed=5, l2=0.01)
    assert set(np.unique(p.y)) == {0, 1} and p.y.dtype == np.int64
    w = np.array([0.5, -1.0])
    s = 2 * p.y - 1
    direct = np.mean(np.log1p(np.exp(-s * (p.X @ w)))) + 0.005 * w @ w
    assert p.loss(w) == pytest.approx(direct, rel=1e-12)
    far = np.array([1e4, -1e4])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.isfinite(p.loss(far)) and np.all(np.isfinite(p.grad(far)))
    assert p.mu == 0.01 and p.L >= np.linalg.eigvalsh(p.hessian(p.minimum))[-1]
    accuracy = np.mean((p.X @ p.minimum > 0) == (p.y == 1))
    assert accuracy > 0.75


def test_logistic_many_points_in_blocks():
    p = P.logistic_regression(n_samples=500)
    W = np.random.default_rng(0).normal(size=(70, 90, 2))  # 6300 points, several blocks
    loss = p.loss(W)
    assert loss.shape == (70, 90)
    assert loss[-1, -1] == pytest.approx(p.loss(W[-1, -1]), rel=1e-12)
    np.testing.assert_allclose(p.grad(W)[33, 44], p.grad(W[33, 44]), rtol=1e-12)


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: P.noisy_least_squares(n_samples=0), "n_samples"),
        (lambda: P.noisy_least_squares(dim=0), "dim"),
        (lambda: P.noisy_least_squares(noise=-1.0), "noise"),
        (lambda: P.noisy_least_squares(condition_number=0.9), "condition_number"),
        (lambda: P.logistic_regression(n_samples=-5), "n_samples"),
        (lambda: P.logistic_regression(l2=-1e-3), "l2"),
        (lambda: P.logistic_regression(separation=-1.0), "separation"),
    ],
)
def test_bad_arguments_name_the_argument(call, name):
    with pytest.raises(ValueError, match=name):
        call()


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: P.noisy_least_squares(n_samples=10.5), "n_samples"),
    ],
)
def test_wrong_types_name_the_argument(call, name):
    with pytest.raises(TypeError, match=name):
        call()


def _sgd_loop(p, w, lrs, rng, batch_size):
    """The step-by-step run that ``sgd_steps`` replaces."""
    path = []
    for lr in lrs:
        w = w - lr * p.stochastic_grad(w, rng, batch_size)
        path.append(w)
    return np.array(path)


@pytest.mark.parametrize("batch_size", [1, 3, 10])
def test_sgd_steps_is_the_step_by_step_run(batch_size):
    # stretches of different lengths and rates (as a plateau policy asks for them), across blocks
    p = P.noisy_least_squares()
    lrs = np.concatenate([np.full(150, 0.2), np.full(7, 0.05), np.full(300, 0.01), np.linspace(0.1, 0.0, 43)])
    expected = _sgd_loop(p, p.w0, lrs, np.random.default_rng(3), batch_size)
    advance = p.sgd_steps(len(lrs), np.random.default_rng(3), batch_size)
    w, parts, at = p.w0, [], 0
    for n in (150, 7, 1, 299, 43):
        parts.append(advance(w, lrs[at : at + n]))
        w, at = parts[-1][-1], at + n
    got = np.concatenate(parts)
    assert got.shape == expected.shape == (500, 10)
    np.testing.assert_allclose(got, expected, rtol=1e-11, atol=1e-13)


def test_sgd_steps_diverges_like_the_loop_and_refuses_extra_steps():
    p = P.noisy_least_squares()
    lrs = np.full(600, 2.5)  # far above 2 / L: the run overflows
    with np.errstate(all="ignore"):
        expected = _sgd_loop(p, p.w0, lrs, np.random.default_rng(0), 1)
        got = p.sgd_steps(600, np.random.default_rng(0))(p.w0, lrs)
        big = ~(np.linalg.norm(expected, axis=1) <= 1e6)
        first = int(np.argmax(big))
        assert big.any() and not np.linalg.norm(got[first]) <= 1e6
        assert np.all(np.linalg.norm(got[:first], axis=1) <= 1e6)
    np.testing.assert_allclose(got[:first], expected[:first], rtol=1e-8)
    with pytest.raises(ValueError, match="n_steps=3"):
        p.sgd_steps(3, np.random.default_rng(0))(p.w0, np.full(4, 0.1))
