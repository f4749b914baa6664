"""Problems: exact gradients, vectorisation, the quadratic's stability limit, data sets, errors."""
from __future__ import annotations

import doctest
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


# ---------------------------------------------------------------------------
# Every problem
# ---------------------------------------------------------------------------

def test_grad_matches_central_differences(problem):
    for w in sample_points(problem):
        g = problem.grad(w)
        fd = central_difference(problem.loss, w)
        scale = max(1.0, np.abs(fd).max())
        np.testing.assert_allclose(g, fd, rtol=1e-6, atol=1e-6 * scale)


def test_hessian_matches_differences_of_grad(problem):
    for w in sample_points(problem, n=3):
        H = problem.hessian(w)
        fd = central_difference(problem.grad, w)     # row i = d grad / d w_i
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
    assert problem.loss(list(problem.w0)) == value          # lists are fine too


def test_minimum_is_a_global_minimum(problem):
    g = problem.grad(problem.minimum)
    assert np.linalg.norm(g) < 1e-8
    assert problem.loss(problem.minimum) == pytest.approx(problem.min_loss, abs=1e-12)
    assert problem.excess_loss(problem.minimum) == pytest.approx(0.0, abs=1e-12)
    others = sample_points(problem, n=50, seed=3)
    assert np.all(problem.loss(others) >= problem.min_loss - 1e-12)
    assert problem.loss(problem.w0) > problem.min_loss      # the start is not already the answer


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


def test_module_doctests():
    result = doctest.testmod(P, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0


# ---------------------------------------------------------------------------
# Quadratic
# ---------------------------------------------------------------------------

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
    assert repr(P.Quadratic()) == repr(q)                    # the class has the factory's defaults
    moved = P.quadratic_bowl(center=(2.0, 1.0), w0=(0.0, 0.0))
    np.testing.assert_array_equal(moved.minimum, [2.0, 1.0])
    assert moved.loss(moved.minimum) == 0.0


# ---------------------------------------------------------------------------
# Rosenbrock
# ---------------------------------------------------------------------------

def test_rosenbrock_classic_values():
    r = P.rosenbrock()
    np.testing.assert_array_equal(r.minimum, [1.0, 1.0])
    np.testing.assert_array_equal(r.w0, [-1.5, 2.0])
    assert r.bounds == ((-2.0, 2.0), (-1.0, 3.0))
    assert r.loss(np.array([0.0, 0.0])) == 1.0
    assert r.loss(r.w0) == pytest.approx(2.5 ** 2 + 100 * (2.0 - 2.25) ** 2)
    np.testing.assert_array_equal(P.rosenbrock(a=2.0).minimum, [2.0, 4.0])


# ---------------------------------------------------------------------------
# Multi-basin
# ---------------------------------------------------------------------------

def test_multi_basin_layout():
    m = P.multi_basin()
    k = len(m.basin_centers)
    assert k >= 3 and m.basin_centers.shape == (k, 2) and m.basin_depths.shape == (k,)
    np.testing.assert_array_equal(m.basin_of(m.basin_centers), np.arange(k))
    assert m.basin_of(m.basin_centers[1] + 0.01) == 1
    assert m.deepest == int(np.argmin(m.basin_losses)) == int(np.argmax(m.basin_depths))
    assert len(set(np.round(m.basin_losses, 6))) == k                  # all depths differ
    np.testing.assert_array_equal(m.minimum, m.basin_centers[m.deepest])
    assert m.is_deepest(m.minimum) and not m.is_deepest(m.basin_centers[0])
    nearest_to_start = int(np.argmin(np.linalg.norm(m.basin_centers - m.w0, axis=1)))
    assert nearest_to_start != m.deepest
    for c in m.basin_centers:                                           # each centre is a local minimum
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
        return 0.05 * (1 + np.cos(np.pi * t / n_steps)) / 2            # cosine decay 0.05 -> 0
    return 0.5 * (1 + np.cos(np.pi * (t % 200) / 200)) / 2              # SGDR, peak 0.5, cycles of 200


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


# ---------------------------------------------------------------------------
# Noisy least squares
# ---------------------------------------------------------------------------

def test_least_squares_matches_its_data():
    p = P.noisy_least_squares(n_samples=300, dim=4, noise=0.3, condition_number=20.0, seed=3)
    assert p.X.shape == (300, 4) and p.y.shape == (300,) and p.w_true.shape == (4,)
    w = np.random.default_rng(0).normal(size=4)
    assert p.loss(w) == pytest.approx(0.5 * np.mean((p.X @ w - p.y) ** 2), rel=1e-10)
    np.testing.assert_allclose(p.grad(w), p.X.T @ (p.X @ w - p.y) / 300, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(p.minimum, np.linalg.lstsq(p.X, p.y, rcond=None)[0], atol=1e-10)
    eig = np.linalg.eigvalsh(p.X.T @ p.X / 300)
    assert p.L == pytest.approx(eig[-1]) and p.mu == pytest.approx(eig[0])
    assert 10 < p.L / p.mu < 40                                          # near the asked-for 20
    assert p.min_loss == pytest.approx(0.5 * 0.3 ** 2, rel=0.3)          # the noise level
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
    predicted = 0.1 * p.noise ** 2 * np.trace(p.H) / (4 * 10)           # the docstring's formula
    assert floors[1] == pytest.approx(predicted, rel=0.5)


# ---------------------------------------------------------------------------
# Logistic regression
# ---------------------------------------------------------------------------

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
    W = np.random.default_rng(0).normal(size=(70, 90, 2))        # 6300 points, several blocks
    loss = p.loss(W)
    assert loss.shape == (70, 90)
    assert loss[-1, -1] == pytest.approx(p.loss(W[-1, -1]), rel=1e-12)
    np.testing.assert_allclose(p.grad(W)[33, 44], p.grad(W[33, 44]), rtol=1e-12)


# ---------------------------------------------------------------------------
# Data sets
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("make, kwargs, n_features", [
    (P.make_spirals, dict(n_samples=301, n_classes=3), 2),
    (P.make_moons, dict(n_samples=301), 2),
])
def test_classification_sets(make, kwargs, n_features):
    X, y = make(**kwargs, seed=1)
    assert X.shape == (301, n_features) and X.dtype == np.float32
    assert y.shape == (301,) and y.dtype == np.int64
    counts = np.bincount(y)
    assert counts.max() - counts.min() <= 1
    X2, y2 = make(**kwargs, seed=1)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    assert not np.array_equal(make(**kwargs, seed=2)[0], X)


def test_noise_free_shapes():
    X, y = P.make_moons(n_samples=100, noise=0.0)
    radius = np.where(y == 0, np.hypot(X[:, 0], X[:, 1]), np.hypot(X[:, 0] - 1, X[:, 1] - 0.5))
    np.testing.assert_allclose(radius, 1.0, atol=1e-6)
    X, y = P.make_spirals(n_samples=100, noise=0.0)
    assert np.hypot(X[:, 0], X[:, 1]).max() == pytest.approx(1.0)


def test_teacher_student():
    X, y = P.teacher_student(n_samples=50, d_in=7, hidden=5, noise=0.0, seed=3)
    assert X.shape == (50, 7) and y.shape == (50, 1) and X.dtype == y.dtype == np.float32
    assert y.std() > 0.05
    np.testing.assert_array_equal(y, P.teacher_student(n_samples=50, d_in=7, hidden=5, noise=0.0, seed=3)[1])
    _, noisy = P.teacher_student(n_samples=50, d_in=7, hidden=5, noise=0.1, seed=3)
    assert 0.03 < np.std(noisy - y) < 0.3


def test_split_is_stratified_disjoint_and_seeded():
    X = np.arange(200, dtype=float).reshape(100, 2)
    y = np.repeat([0, 1, 2, 3], [10, 20, 30, 40])
    d = P.split(X, y, val_fraction=0.3, seed=0, name="toy")
    assert (d.n_train, d.n_val, d.n_features, d.n_classes, d.name) == (70, 30, 2, 4, "toy")
    np.testing.assert_array_equal(np.bincount(d.y_val), [3, 6, 9, 12])
    rows = np.concatenate([d.X_train[:, 0], d.X_val[:, 0]])
    np.testing.assert_array_equal(np.sort(rows), X[:, 0])                 # a partition
    np.testing.assert_array_equal(d.y_train, y[(d.X_train[:, 0] // 2).astype(int)])   # labels follow rows
    assert d.X_train.dtype == np.float32 and d.y_train.dtype == np.int64
    again = P.split(X, y, val_fraction=0.3, seed=0)
    np.testing.assert_array_equal(again.X_val, d.X_val)
    assert not np.array_equal(P.split(X, y, val_fraction=0.3, seed=1).X_val, d.X_val)
    assert repr(d) == "Dataset('toy': 70 train / 30 val, 2 features, 4 classes)"


def test_dataset_builders():
    s = P.spirals_dataset(n_samples=200, n_classes=3, val_fraction=0.2)
    assert (s.n_train, s.n_val, s.n_classes, s.n_features, s.name) == (160, 40, 3, 2, "spirals")
    m = P.moons_dataset(n_samples=100)
    assert (m.n_train, m.n_val, m.n_classes) == (75, 25, 2)
    t = P.teacher_student_dataset(n_samples=100, d_in=3)
    assert t.n_classes is None and t.y_train.shape == (75, 1) and t.y_train.dtype == np.float32
    assert "regression" in repr(t)


def test_load_digits():
    d = P.load_digits()
    assert (d.n_train, d.n_val, d.n_features, d.n_classes, d.name) == (1348, 449, 64, 10, "digits")
    assert d.X_train.dtype == np.float32 and d.y_train.dtype == np.int64
    assert set(np.unique(d.y_val)) == set(range(10))
    assert np.abs(d.X_train.mean(axis=0)).max() < 1e-4
    raw = P.load_digits(val_fraction=0.5, seed=1, standardize=False)
    assert raw.n_val == round(0.5 * 1797) and raw.X_train.min() == 0 and raw.X_train.max() == 16
    np.testing.assert_array_equal(P.load_digits().X_val, d.X_val)


# ---------------------------------------------------------------------------
# Bad arguments
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("call, name", [
    (lambda: P.quadratic_bowl(condition_number=0.5), "condition_number"),
    (lambda: P.quadratic_bowl(L=0.0), "L"),
    (lambda: P.quadratic_bowl(w0=(1.0, 2.0, 3.0)), "w0"),
    (lambda: P.quadratic_bowl(center=(np.nan, 0.0)), "center"),
    (lambda: P.rosenbrock(b=-1.0), "b"),
    (lambda: P.multi_basin(noise=-0.1), "noise"),
    (lambda: P.noisy_least_squares(n_samples=0), "n_samples"),
    (lambda: P.noisy_least_squares(dim=0), "dim"),
    (lambda: P.noisy_least_squares(noise=-1.0), "noise"),
    (lambda: P.noisy_least_squares(condition_number=0.9), "condition_number"),
    (lambda: P.logistic_regression(n_samples=-5), "n_samples"),
    (lambda: P.logistic_regression(l2=-1e-3), "l2"),
    (lambda: P.logistic_regression(separation=-1.0), "separation"),
    (lambda: P.make_spirals(n_samples=0), "n_samples"),
    (lambda: P.make_spirals(n_classes=1), "n_classes"),
    (lambda: P.make_spirals(noise=-0.2), "noise"),
    (lambda: P.make_moons(n_samples=1), "n_samples"),
    (lambda: P.teacher_student(hidden=0), "hidden"),
    (lambda: P.teacher_student(noise=-1.0), "noise"),
    (lambda: P.load_digits(val_fraction=0.0), "val_fraction"),
    (lambda: P.load_digits(val_fraction=1.0), "val_fraction"),
    (lambda: P.spirals_dataset(val_fraction=1.5), "val_fraction"),
    (lambda: P.split(np.zeros((3, 2)), np.zeros(3, dtype=int), val_fraction=0.1), "val_fraction"),
    (lambda: P.split(np.zeros((3, 2)), np.zeros(4, dtype=int)), "y"),
    (lambda: P.rosenbrock().random_start(), None),
    (lambda: P.noisy_least_squares().random_start(), "bounds"),
])
def test_bad_arguments_name_the_argument(call, name):
    if name is None:            # not an error: Rosenbrock has bounds, so random_start works
        assert call().shape == (2,)
        return
    with pytest.raises(ValueError, match=name):
        call()


@pytest.mark.parametrize("call, name", [
    (lambda: P.noisy_least_squares(n_samples=10.5), "n_samples"),
    (lambda: P.make_spirals(n_classes="2"), "n_classes"),
    (lambda: P.quadratic_bowl(L="big"), "L"),
    (lambda: P.multi_basin().stochastic_grad(np.zeros(2), "rng", 1), "rng"),
])
def test_wrong_types_name_the_argument(call, name):
    with pytest.raises(TypeError, match=name):
        call()


def test_stochastic_grad_refuses_a_seed_for_rng():
    """A seed re-made every step would repeat the same noise: only a Generator is accepted."""
    for problem in (P.multi_basin(), P.noisy_least_squares(n_samples=20, dim=2), P.logistic_regression(n_samples=20)):
        with pytest.raises(TypeError, match="rng"):
            problem.stochastic_grad(problem.w0, 0, 1)
