"""Every problem keeps the Problem contract: exact gradients, vectorisation, read-only arrays, errors."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from course_lib import problems as P

# (id, factory) for every objective; small sizes keep the module fast.
PROBLEMS = {
    "quadratic": lambda: P.quadratic_bowl(condition_number=10.0, L=2.0, angle=0.7, center=(1.0, -2.0)),
    "quadratic_default": P.quadratic_bowl,
    "rosenbrock": P.rosenbrock,
    "rosenbrock_a2": lambda: P.rosenbrock(a=2.0, b=10.0),
    "multi_basin": P.multi_basin,
    "least_squares": lambda: P.noisy_least_squares(n_samples=200, dim=5, seed=1),
    "least_squares_2d": lambda: P.noisy_least_squares(n_samples=200, dim=2),
    "logistic": lambda: P.logistic_regression(n_samples=300, dim=3, seed=2),
    "logistic_2d": P.logistic_regression,
}


@pytest.fixture(params=sorted(PROBLEMS), scope="module")
def problem(request):
    return PROBLEMS[request.param]()


def sample_points(problem, n=5, seed=0):
    """n points where the problem is interesting: in its plot box, or around its minimum."""
    rng = np.random.default_rng(seed)
    if problem.bounds is not None:
        return np.array([problem.random_start(rng) for _ in range(n)])
    return problem.minimum + rng.normal(scale=1.0, size=(n, problem.dim))


def central_difference(f, w, h=1e-6):
    out = []
    for i in range(len(w)):
        e = np.zeros_like(w)
        e[i] = h
        out.append((np.asarray(f(w + e)) - np.asarray(f(w - e))) / (2 * h))
    return np.array(out)


def test_grad_matches_central_differences(problem):
    for w in sample_points(problem):
        g = problem.grad(w)
        fd = central_difference(problem.loss, w)
        scale = max(1.0, np.abs(fd).max())
        np.testing.assert_allclose(g, fd, rtol=1e-6, atol=1e-6 * scale)


def test_hessian_matches_differences_of_grad(problem):
    for w in sample_points(problem, n=3):
        H = problem.hessian(w)
        fd = central_difference(problem.grad, w)  # row i = d grad / d w_i
        np.testing.assert_allclose(H, H.T, atol=1e-12)
        np.testing.assert_allclose(H, fd, rtol=1e-5, atol=1e-5 * max(1.0, np.abs(fd).max()))
        assert problem.curvature(w) == pytest.approx(np.linalg.eigvalsh(H)[-1])


def test_vectorised_over_a_grid_equals_pointwise(problem):
    W = sample_points(problem, n=12).reshape(3, 4, problem.dim)
    loss, grad, hess = problem.loss(W), problem.grad(W), problem.hessian(W)
    assert loss.shape == (3, 4) and grad.shape == (3, 4, problem.dim)
    assert hess.shape == (3, 4, problem.dim, problem.dim)
    for i in range(3):
        for j in range(4):
            assert loss[i, j] == pytest.approx(problem.loss(W[i, j]), rel=1e-12, abs=1e-12)
            np.testing.assert_allclose(grad[i, j], problem.grad(W[i, j]), rtol=1e-12, atol=1e-12)
            np.testing.assert_allclose(hess[i, j], problem.hessian(W[i, j]), rtol=1e-12, atol=1e-12)


def test_meshgrid_contour_call_works_for_2d_problems(problem):
    if problem.dim != 2:
        pytest.skip("2-D problems only")
    xs = np.linspace(*problem.bounds[0], 30)
    ys = np.linspace(*problem.bounds[1], 20)
    X, Y = np.meshgrid(xs, ys)
    Z = problem.loss(np.stack([X, Y], -1))
    assert Z.shape == (20, 30) and np.all(np.isfinite(Z))
    assert Z[7, 11] == pytest.approx(problem.loss(np.array([xs[11], ys[7]])))


def test_single_point_gives_a_float_and_a_vector(problem):
    value = problem.loss(problem.w0)
    assert isinstance(value, float)
    assert problem.grad(problem.w0).shape == (problem.dim,)
    assert problem.loss(list(problem.w0)) == value  # lists are fine too


def test_minimum_is_a_global_minimum(problem):
    g = problem.grad(problem.minimum)
    assert np.linalg.norm(g) < 1e-8
    assert problem.loss(problem.minimum) == pytest.approx(problem.min_loss, abs=1e-12)
    assert problem.excess_loss(problem.minimum) == pytest.approx(0.0, abs=1e-12)
    others = sample_points(problem, n=50, seed=3)
    assert np.all(problem.loss(others) >= problem.min_loss - 1e-12)
    assert problem.loss(problem.w0) > problem.min_loss  # the start is not already the answer


def test_bounds_contain_start_and_minimum(problem):
    if problem.dim != 2:
        assert problem.bounds is None
        return
    (x0, x1), (y0, y1) = problem.bounds
    for w in (problem.w0, problem.minimum):
        assert x0 < w[0] < x1 and y0 < w[1] < y1
    starts = np.array([problem.random_start(np.random.default_rng(s)) for s in range(20)])
    assert np.all((starts[:, 0] >= x0) & (starts[:, 0] <= x1) & (starts[:, 1] >= y0) & (starts[:, 1] <= y1))
    np.testing.assert_array_equal(problem.random_start(5), problem.random_start(np.random.default_rng(5)))


def test_arrays_are_read_only_and_repr_is_readable(problem):
    with pytest.raises(ValueError):
        problem.w0[0] = 1.0
    with pytest.raises(ValueError):
        problem.minimum[0] = 1.0
    text = repr(problem)
    assert text.startswith(type(problem).__name__ + "(") and "array" not in text and len(text) < 200
    assert isinstance(problem.name, str) and problem.name


def test_wrong_shape_raises_naming_w(problem):
    with pytest.raises(ValueError, match="w"):
        problem.loss(np.zeros(problem.dim + 1))
    with pytest.raises(ValueError, match="w"):
        problem.grad(1.0)


def test_diverged_points_give_inf_or_nan_without_warnings(problem):
    huge = np.full(problem.dim, 1e200)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        value = problem.loss(huge)
        problem.grad(huge)
        problem.loss(np.full(problem.dim, np.nan))
        if hasattr(problem, "stochastic_grad"):
            problem.stochastic_grad(huge, np.random.default_rng(0), 4)
    assert not np.isfinite(value) or value > 1e10


def test_stochastic_grad_is_unbiased(problem):
    if not hasattr(problem, "stochastic_grad"):
        assert problem.__class__.__name__ in ("Quadratic", "Rosenbrock")
        return
    w = sample_points(problem, n=1, seed=4)[0]
    rng = np.random.default_rng(0)
    draws = np.array([problem.stochastic_grad(w, rng, 8) for _ in range(4000)])
    assert draws.shape == (4000, problem.dim)
    spread = draws.std(axis=0).max() / math.sqrt(len(draws))
    np.testing.assert_allclose(draws.mean(axis=0), problem.grad(w), atol=5 * spread + 1e-12)
    a = problem.stochastic_grad(w, np.random.default_rng(1), 8)
    np.testing.assert_array_equal(a, problem.stochastic_grad(w, np.random.default_rng(1), 8))
    with pytest.raises(ValueError, match="batch_size"):
        problem.stochastic_grad(w, rng, 0)


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: P.rosenbrock().random_start(), None),
        (lambda: P.noisy_least_squares().random_start(), "bounds"),
    ],
)
def test_random_start_needs_bounds(call, name):
    if name is None:  # not an error: Rosenbrock has bounds, so random_start works
        assert call().shape == (2,)
        return
    with pytest.raises(ValueError, match=name):
        call()


def test_stochastic_grad_refuses_a_seed_for_rng():
    """A seed re-made every step would repeat the same noise: only a Generator is accepted."""
    for problem in (P.multi_basin(), P.noisy_least_squares(n_samples=20, dim=2), P.logistic_regression(n_samples=20)):
        with pytest.raises(TypeError, match="rng"):
            problem.stochastic_grad(problem.w0, 0, 1)
