"""The 2-D surfaces: the quadratic bowl's stability limit, Rosenbrock's valley, the multi-basin landscape."""

from __future__ import annotations

import math

import numpy as np
import pytest

from course_lib import problems as P


def run_gd(problem, lr, n_steps):
    w = np.array(problem.w0)
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(n_steps):
            w = w - lr * problem.grad(w)
    return w


@pytest.mark.parametrize("L, kappa, angle", [(1.0, 10.0, 0.0), (4.0, 25.0, 0.5), (0.5, 1.0, 2.0)])
def test_quadratic_eigenvalues_and_stability_limit(L, kappa, angle):
    q = P.quadratic_bowl(condition_number=kappa, L=L, angle=angle)
    np.testing.assert_allclose(np.linalg.eigvalsh(q.A), sorted([L / kappa, L]), rtol=1e-12)
    assert (q.L, q.mu, q.condition_number) == (L, pytest.approx(L / kappa), kappa)
    assert q.stability_limit == pytest.approx(2 / L)
    assert q.optimal_lr == pytest.approx(2 / (L + L / kappa))
    assert np.linalg.norm(run_gd(q, 0.99 * q.stability_limit, 3000) - q.minimum) < 1e-6
    assert np.linalg.norm(run_gd(q, 1.01 * q.stability_limit, 3000) - q.minimum) > 1e3


def test_quadratic_contraction_is_the_observed_rate():
    q = P.quadratic_bowl(condition_number=10.0, L=1.0, angle=0.3)
    lrs = np.array([0.1, 1.0, 1.9, 2.1])
    np.testing.assert_allclose(q.contraction(lrs), [0.99, 0.9, 0.9, 1.1])
    assert isinstance(q.contraction(0.5), float)
    for lr in (0.5, 1.5):
        w1, w2 = run_gd(q, lr, 200), run_gd(q, lr, 201)
        assert np.linalg.norm(w2) / np.linalg.norm(w1) == pytest.approx(q.contraction(lr), rel=1e-6)
    grid = np.linspace(0.01, 1.99, 1981)
    assert grid[np.argmin(q.contraction(grid))] == pytest.approx(q.optimal_lr, abs=1e-3)
    assert q.contraction(q.optimal_lr) == pytest.approx((10 - 1) / (10 + 1))


def test_quadratic_defaults():
    q = P.quadratic_bowl()
    np.testing.assert_array_equal(q.w0, [-4.0, 3.0])
    np.testing.assert_array_equal(q.minimum, [0.0, 0.0])
    assert q.bounds == ((-5.0, 5.0), (-5.0, 5.0))
    assert q.loss(np.array([1.0, 0.0])) == 0.5 and q.loss(np.array([0.0, 1.0])) == pytest.approx(0.05)
    assert repr(P.Quadratic()) == repr(q)  # the class has the factory's defaults
    moved = P.quadratic_bowl(center=(2.0, 1.0), w0=(0.0, 0.0))
    np.testing.assert_array_equal(moved.minimum, [2.0, 1.0])
    assert moved.loss(moved.minimum) == 0.0


def test_rosenbrock_classic_values():
    r = P.rosenbrock()
    np.testing.assert_array_equal(r.minimum, [1.0, 1.0])
    np.testing.assert_array_equal(r.w0, [-1.5, 2.0])
    assert r.bounds == ((-2.0, 2.0), (-1.0, 3.0))
    assert r.loss(np.array([0.0, 0.0])) == 1.0
    assert r.loss(r.w0) == pytest.approx(2.5**2 + 100 * (2.0 - 2.25) ** 2)
    np.testing.assert_array_equal(P.rosenbrock(a=2.0).minimum, [2.0, 4.0])


def test_multi_basin_layout():
    m = P.multi_basin()
    k = len(m.basin_centers)
    assert k >= 3 and m.basin_centers.shape == (k, 2) and m.basin_depths.shape == (k,)
    np.testing.assert_array_equal(m.basin_of(m.basin_centers), np.arange(k))
    assert m.basin_of(m.basin_centers[1] + 0.01) == 1
    assert m.deepest == int(np.argmin(m.basin_losses)) == int(np.argmax(m.basin_depths))
    assert len(set(np.round(m.basin_losses, 6))) == k  # all depths differ
    np.testing.assert_array_equal(m.minimum, m.basin_centers[m.deepest])
    assert m.is_deepest(m.minimum) and not m.is_deepest(m.basin_centers[0])
    nearest_to_start = int(np.argmin(np.linalg.norm(m.basin_centers - m.w0, axis=1)))
    assert nearest_to_start != m.deepest
    for c in m.basin_centers:  # each centre is a local minimum
        assert np.linalg.norm(m.grad(c)) < 1e-8 and np.all(np.linalg.eigvalsh(m.hessian(c)) > 0)


def test_multi_basin_has_no_other_local_minimum():
    m = P.multi_basin()
    xs = np.linspace(-4, 4, 21)
    W = np.stack(np.meshgrid(xs, xs), -1).reshape(-1, 2)
    for _ in range(3000):
        W = W - 0.1 * m.grad(W)
    dist = np.min(np.linalg.norm(W[:, None] - m.basin_centers, axis=-1), axis=1)
    assert dist.max() < 1e-4


def test_multi_basin_noise():
    w = np.array([0.3, -0.2])
    exact = P.multi_basin(noise=0.0)
    np.testing.assert_array_equal(exact.stochastic_grad(w, np.random.default_rng(0), 1), exact.grad(w))
    m = P.multi_basin(noise=2.0)
    rng = np.random.default_rng(0)
    draws = np.array([m.stochastic_grad(w, rng, 4) for _ in range(4000)]) - m.grad(w)
    np.testing.assert_allclose(draws.std(axis=0), 2.0 / math.sqrt(4), rtol=0.05)
    assert m.n_samples is None and m.noise == 2.0


def sgd_lrs(kind, n_steps):
    t = np.arange(n_steps)
    if kind == "small":
        return 0.05 * (1 + np.cos(np.pi * t / n_steps)) / 2  # cosine decay 0.05 -> 0
    return 0.5 * (1 + np.cos(np.pi * (t % 200) / 200)) / 2  # SGDR, peak 0.5, cycles of 200


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_multi_basin_supports_the_restarts_lesson(seed):
    """From w0 a small decay stays in the nearby shallow basin; restarts reach the deepest one."""
    m = P.multi_basin()
    ends = {}
    for kind in ("small", "restarts"):
        rng, w = np.random.default_rng(seed), np.array(m.w0)
        for lr in sgd_lrs(kind, 600):
            w = w - lr * m.stochastic_grad(w, rng, 1)
        ends[kind] = m.basin_of(w)
    assert ends["small"] == m.basin_of(m.w0) != m.deepest
    assert ends["restarts"] == m.deepest


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: P.quadratic_bowl(condition_number=0.5), "condition_number"),
        (lambda: P.quadratic_bowl(L=0.0), "L"),
        (lambda: P.quadratic_bowl(w0=(1.0, 2.0, 3.0)), "w0"),
        (lambda: P.quadratic_bowl(center=(np.nan, 0.0)), "center"),
        (lambda: P.rosenbrock(b=-1.0), "b"),
        (lambda: P.multi_basin(noise=-0.1), "noise"),
    ],
)
def test_bad_arguments_name_the_argument(call, name):
    with pytest.raises(ValueError, match=name):
        call()


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: P.quadratic_bowl(L="big"), "L"),
        (lambda: P.multi_basin().stochastic_grad(np.zeros(2), "rng", 1), "rng"),
    ],
)
def test_wrong_types_name_the_argument(call, name):
    with pytest.raises(TypeError, match=name):
        call()
