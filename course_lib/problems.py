"""Objectives a learner can see: 2-D surfaces, noisy regressions and small data sets.

Every problem is a :class:`Problem`: a loss ``f(w)`` with its exact (analytic)
gradient, a default start ``w0``, a global minimiser ``minimum`` and its loss
``min_loss``. ``loss`` and ``grad`` are vectorised: ``w`` of shape ``(dim,)``
gives a float and a ``(dim,)`` array; ``w`` of shape ``(..., dim)`` gives
arrays of shape ``(...)`` and ``(..., dim)``, so a contour plot is one call::

    X, Y = np.meshgrid(np.linspace(*p.bounds[0], 200), np.linspace(*p.bounds[1], 200))
    Z = p.loss(np.stack([X, Y], axis=-1))

Stochastic problems (:class:`MultiBasin`, :class:`NoisyLeastSquares`,
:class:`LogisticRegression`) also have ``stochastic_grad(w, rng, batch_size)``
and ``n_samples``; deterministic ones (:class:`Quadratic`, :class:`Rosenbrock`)
have no ``stochastic_grad`` at all, so a trainer asked for mini-batches on them
fails loudly instead of silently using the exact gradient.

The second half builds small data sets for torch models (spirals, moons, a
teacher network, the 8x8 digits) and returns them as a :class:`Dataset`.

>>> p = quadratic_bowl(condition_number=10.0, L=1.0)
>>> p.stability_limit, p.optimal_lr
(2.0, 1.8181818181818181)
>>> float(p.loss(p.minimum)), p.grad(np.array([1.0, 1.0])).tolist()
(0.0, [1.0, 0.1])
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from course_lib.validation import check_int, check_non_negative, check_positive, check_range, check_real

__all__ = [
    "Problem", "Quadratic", "Rosenbrock", "MultiBasin", "NoisyLeastSquares", "LogisticRegression",
    "quadratic_bowl", "rosenbrock", "multi_basin", "noisy_least_squares", "logistic_regression",
    "Dataset", "split", "make_spirals", "make_moons", "teacher_student",
    "spirals_dataset", "moons_dataset", "teacher_student_dataset", "load_digits",
]

Bounds = tuple[tuple[float, float], tuple[float, float]]


# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------

def _check_at_least(name: str, value: Any, low: float) -> float:
    """A finite float >= low."""
    value = check_real(name, value)
    if value < low:
        raise ValueError(f"{name} must be >= {low}, got {name}={value!r}")
    return value


def _vector(name: str, value: Any, dim: int) -> np.ndarray:
    """``value`` as a finite float64 array of shape (dim,)."""
    arr = np.array(value, dtype=np.float64)
    if arr.shape != (dim,) or not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be {dim} finite numbers, got {name}={value!r}")
    return arr


def _frozen(arr: Any) -> np.ndarray:
    """A read-only float64 copy (so nobody moves a problem's w0 or minimum by accident)."""
    out = np.array(arr, dtype=np.float64)
    out.setflags(write=False)
    return out


def _rng(rng: Any, *, seed_ok: bool = True) -> np.random.Generator:
    """Accept a Generator (or, where ``seed_ok``, an integer seed for a new one)."""
    if isinstance(rng, np.random.Generator):
        return rng
    if seed_ok and isinstance(rng, (int, np.integer)) and not isinstance(rng, bool):
        return np.random.default_rng(rng)
    allowed = "a numpy Generator or an integer seed" if seed_ok else (
        "a numpy Generator (e.g. np.random.default_rng(0), made once before the loop)")
    raise TypeError(f"rng must be {allowed}, got rng={rng!r} ({type(rng).__name__})")


def _box(points: np.ndarray, margin: float = 0.25) -> Bounds:
    """A square plot box around 2-D ``points`` (k, 2), with ``margin`` of its size free on each side."""
    low, high = points.min(axis=0), points.max(axis=0)
    mid, half = (low + high) / 2, (0.5 + margin) * max(float(np.max(high - low)), 1.0)
    return ((float(mid[0] - half), float(mid[0] + half)), (float(mid[1] - half), float(mid[1] + half)))


def _newton(problem: "Problem", w: np.ndarray, iters: int = 100, tol: float = 1e-12) -> np.ndarray:
    """Minimise a smooth problem from ``w`` by Newton steps with a backtracking line search.

    Falls back to a gradient step where the Hessian is not positive definite.
    """
    w = np.array(w, dtype=np.float64)
    for _ in range(iters):
        g = problem.grad(w)
        if np.linalg.norm(g) < tol:
            break
        H = problem.hessian(w)
        try:
            direction = -np.linalg.solve(H, g)
            if direction @ g >= 0:
                direction = -g
        except np.linalg.LinAlgError:
            direction = -g
        f, t = problem.loss(w), 1.0
        while problem.loss(w + t * direction) > f + 1e-4 * t * (direction @ g) and t > 1e-12:
            t /= 2
        w = w + t * direction
    return w


# ---------------------------------------------------------------------------
# The base class
# ---------------------------------------------------------------------------

class Problem:
    """An objective f(w) with its exact gradient, vectorised over leading axes.

    Attributes:
        name: a short readable name (for plot titles).
        dim: number of parameters.
        w0: the default start, shape (dim,), read-only.
        minimum: a global minimiser, shape (dim,), read-only.
        min_loss: f(minimum).
        bounds: ((x_min, x_max), (y_min, y_max)), a plot box for 2-D problems, else None.

    Subclasses implement ``_loss(w)`` and ``_grad(w)`` for ``w`` of shape (..., dim).
    """

    name: str = "problem"
    dim: int = 2
    w0: np.ndarray
    minimum: np.ndarray
    min_loss: float = 0.0
    bounds: Bounds | None = None

    # -- the public, checked, vectorised interface --------------------------

    def loss(self, w: Any) -> Any:
        """f(w): a float for w of shape (dim,), an array of shape (...) for w of shape (..., dim)."""
        w = self._points(w)
        with np.errstate(over="ignore", invalid="ignore"):
            out = self._loss(w)
        return float(out) if np.ndim(out) == 0 else out

    def grad(self, w: Any) -> np.ndarray:
        """The exact gradient of f at w: shape (dim,) or (..., dim), like w."""
        w = self._points(w)
        with np.errstate(over="ignore", invalid="ignore"):
            return self._grad(w)

    def hessian(self, w: Any) -> np.ndarray:
        """The exact Hessian of f at w: shape (dim, dim), or (..., dim, dim) for w of shape (..., dim)."""
        w = self._points(w)
        with np.errstate(over="ignore", invalid="ignore"):
            return self._hessian(w)

    def curvature(self, w: Any) -> Any:
        """The largest Hessian eigenvalue at w. Plain GD is locally stable there only if lr < 2 / curvature."""
        out = np.linalg.eigvalsh(self.hessian(w))[..., -1]
        return float(out) if np.ndim(out) == 0 else out

    def excess_loss(self, w: Any) -> Any:
        """f(w) - min_loss (>= 0 up to rounding): the distance to the best loss."""
        out = np.asarray(self.loss(w)) - self.min_loss
        return float(out) if np.ndim(out) == 0 else out

    def random_start(self, rng: Any = 0) -> np.ndarray:
        """A start point drawn uniformly in ``bounds`` (2-D problems only).

        Args:
            rng: a numpy Generator or an integer seed.
        """
        if self.bounds is None:
            raise ValueError(f"random_start needs a problem with bounds; {self.name} has bounds=None")
        (x0, x1), (y0, y1) = self.bounds
        return _rng(rng).uniform([x0, y0], [x1, y1])

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={v!r}" for k, v in self._params().items())
        return f"{type(self).__name__}({fields})"

    # -- for subclasses -------------------------------------------------------

    def _params(self) -> dict[str, Any]:
        return {}

    def _points(self, w: Any) -> np.ndarray:
        w = np.asarray(w, dtype=np.float64)
        if w.ndim == 0 or w.shape[-1] != self.dim:
            raise ValueError(f"w must have shape ({self.dim},) or (..., {self.dim}), got w.shape={w.shape}")
        return w

    def _loss(self, w: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _grad(self, w: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _hessian(self, w: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _check_stochastic(self, w: Any, batch_size: Any) -> tuple[np.ndarray, int]:
        w = self._points(w)
        if w.ndim != 1:
            raise ValueError(f"stochastic_grad takes one point, w of shape ({self.dim},); got w.shape={w.shape}")
        return w, check_int("batch_size", batch_size, minimum=1)


# ---------------------------------------------------------------------------
# 1. The quadratic bowl
# ---------------------------------------------------------------------------

class Quadratic(Problem):
    """f(w) = 1/2 (w - c)^T A (w - c) in 2-D; A has eigenvalues L and mu = L / condition_number.

    The L-direction is (cos angle, sin angle): angle=0 puts the steep axis along x.
    Plain gradient descent w <- w - lr * grad f(w) multiplies the error along each
    eigenvector by (1 - lr * lambda_i) per step, so:

    * it converges iff 0 < lr < 2 / L (``stability_limit``);
    * the slowest direction shrinks by ``contraction(lr)`` = max_i |1 - lr * lambda_i| per step;
    * that factor is smallest, (kappa - 1) / (kappa + 1), at lr = 2 / (L + mu) (``optimal_lr``).

    Attributes (besides :class:`Problem`'s): L, mu, condition_number, angle, center,
    A (the 2x2 Hessian), stability_limit, optimal_lr.
    """

    def __init__(self, L: float = 1.0, condition_number: float = 10.0, angle: float = 0.0,
                 center: Any = None, w0: Any = None) -> None:
        self.L = check_positive("L", L)
        self.condition_number = _check_at_least("condition_number", condition_number, 1.0)
        self.angle = check_real("angle", angle)
        self.mu = self.L / self.condition_number
        c, s = math.cos(self.angle), math.sin(self.angle)
        R = np.array([[c, -s], [s, c]])
        self.A = _frozen(R @ np.diag([self.L, self.mu]) @ R.T)
        self.center = _frozen(np.zeros(2) if center is None else _vector("center", center, 2))
        self.w0 = _frozen(self.center + np.array([-4.0, 3.0]) if w0 is None else _vector("w0", w0, 2))
        self.minimum, self.min_loss, self.dim = self.center, 0.0, 2
        half = 1.25 * float(np.max(np.abs(self.w0 - self.center))) or 1.0
        self.bounds = ((float(self.center[0] - half), float(self.center[0] + half)),
                       (float(self.center[1] - half), float(self.center[1] + half)))
        self.stability_limit = 2.0 / self.L
        self.optimal_lr = 2.0 / (self.L + self.mu)
        self.name = f"quadratic (kappa={self.condition_number:g})"

    def contraction(self, lr: Any) -> Any:
        """max(|1 - lr*L|, |1 - lr*mu|): per-step factor on the GD error (< 1 iff GD converges).

        Args:
            lr: a learning rate or an array of them.

        Returns:
            a float for a scalar lr, else an array shaped like lr.
        """
        lr = np.asarray(lr, dtype=np.float64)
        out = np.maximum(np.abs(1 - lr * self.L), np.abs(1 - lr * self.mu))
        return float(out) if out.ndim == 0 else out

    def _params(self) -> dict[str, Any]:
        params = {"L": self.L, "condition_number": self.condition_number, "angle": self.angle}
        if np.any(self.center != 0):
            params["center"] = self.center.tolist()
        return params | {"w0": self.w0.tolist()}

    def _loss(self, w: np.ndarray) -> np.ndarray:
        d = w - self.center
        return 0.5 * np.einsum("...i,ij,...j->...", d, self.A, d)

    def _grad(self, w: np.ndarray) -> np.ndarray:
        return (w - self.center) @ self.A

    def _hessian(self, w: np.ndarray) -> np.ndarray:
        return np.broadcast_to(self.A, w.shape[:-1] + (2, 2)).copy()


def quadratic_bowl(condition_number: float = 10.0, L: float = 1.0, angle: float = 0.0,
                   w0: Any = None, center: Any = None) -> Quadratic:
    """An ill-conditioned 2-D bowl f(w) = 1/2 (w - c)^T A (w - c), eig(A) = (L, L / condition_number).

    Args:
        condition_number: kappa = L / mu, >= 1 (1 is a round bowl).
        L: the largest curvature, > 0. Fixed-lr GD converges iff 0 < lr < 2 / L.
        angle: rotation of the steep axis from the x axis, in radians.
        w0: the default start (2 numbers); default center + (-4, 3).
        center: the minimiser c (2 numbers); default (0, 0).

    Returns:
        a :class:`Quadratic` (with L, mu, stability_limit, optimal_lr, contraction(lr)).

    Raises:
        ValueError: condition_number < 1, L <= 0, or a bad w0/center.

    >>> quadratic_bowl(condition_number=4.0).contraction(1.0)
    0.75
    """
    return Quadratic(L=L, condition_number=condition_number, angle=angle, center=center, w0=w0)


# ---------------------------------------------------------------------------
# 2. Rosenbrock's valley
# ---------------------------------------------------------------------------

class Rosenbrock(Problem):
    """f(x, y) = (a - x)^2 + b (y - x^2)^2: a curved, flat-bottomed valley; minimum (a, a^2), f = 0.

    The curvature across the valley is about 2b(1 + 4x^2) (200-1000 for b=100) and
    along it about 2, so the usable lr is ~1e-3 and progress along the floor is slow.
    """

    def __init__(self, a: float = 1.0, b: float = 100.0) -> None:
        self.a = check_real("a", a)
        self.b = check_positive("b", b)
        self.dim, self.min_loss = 2, 0.0
        self.minimum = _frozen([self.a, self.a ** 2])
        self.w0 = _frozen([-1.5, 2.0])
        self.bounds = ((min(-2.0, self.a - 1), max(2.0, self.a + 1)),
                       (min(-1.0, self.a ** 2 - 1), max(3.0, self.a ** 2 + 1)))
        self.name = "Rosenbrock" if (self.a, self.b) == (1.0, 100.0) else f"Rosenbrock (a={self.a:g}, b={self.b:g})"

    def _params(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b}

    def _loss(self, w: np.ndarray) -> np.ndarray:
        x, y = w[..., 0], w[..., 1]
        return (self.a - x) ** 2 + self.b * (y - x ** 2) ** 2

    def _grad(self, w: np.ndarray) -> np.ndarray:
        x, y = w[..., 0], w[..., 1]
        r = y - x ** 2
        return np.stack([-2 * (self.a - x) - 4 * self.b * x * r, 2 * self.b * r], axis=-1)

    def _hessian(self, w: np.ndarray) -> np.ndarray:
        x, y = w[..., 0], w[..., 1]
        hxx = 2 - 4 * self.b * (y - x ** 2) + 8 * self.b * x ** 2
        hxy = -4 * self.b * x
        hyy = np.full_like(x, 2 * self.b)
        return np.stack([np.stack([hxx, hxy], -1), np.stack([hxy, hyy], -1)], -2)


def rosenbrock(a: float = 1.0, b: float = 100.0) -> Rosenbrock:
    """Rosenbrock's banana f(x, y) = (a - x)^2 + b (y - x^2)^2; minimum (a, a^2); start (-1.5, 2).

    Args:
        a: where the minimum is, (a, a^2).
        b: steepness of the valley walls, > 0.

    Raises:
        ValueError: b <= 0.
    """
    return Rosenbrock(a=a, b=b)


# ---------------------------------------------------------------------------
# 3. Several basins of different depth
# ---------------------------------------------------------------------------

#: The wells of :func:`multi_basin`: (centre x, centre y, depth, width).
#: Three narrow, shallow wells; one deep, wide one (the last), far from w0 = (-2.6, 1.2).
_WELLS = np.array([
    [-2.2, 1.6, 1.0, 0.45],
    [-1.8, -1.9, 1.2, 0.45],
    [1.0, 2.2, 1.4, 0.45],
    [1.5, -1.2, 3.0, 1.0],
])


class MultiBasin(Problem):
    """f(w) = sum_k -d_k exp(-|w - c_k|^2 / (2 s_k^2)) + e/2 |w - m|^2: wells of different depth.

    Four Gaussian wells (centres c_k, depths d_k, widths s_k) on a mild bowl of
    curvature e = ``envelope`` centred at m (the deepest well's centre), so f is bounded
    below, far away the gradient points inward, and there is no other local minimum.
    The three shallow wells are narrow (sharp: curvature 5-7 at their minima, losses
    0.05, -0.65, -0.83); the deepest is wide (curvature 3.1, loss -3.0) and it is not
    the one nearest the default start w0 = (-2.6, 1.2) (that is well 0, the shallowest).

    ``stochastic_grad(w, rng, batch_size)`` = grad f(w) + N(0, (noise^2 / batch_size) I):
    an SGD step has a random part of size about lr * noise / sqrt(batch_size), so a
    large lr kicks the iterate out of the shallow wells and a small lr lets it settle.

    Scale, measured with noise=1.0, batch_size=1, 1000 steps, 40 uniform random starts
    (GD alone sends about 56% of the box to the deepest basin):

    * small rates, lr <= 0.1 (constant, or cosine_decay(0.05..0.1, 1000)): 55-62% of
      runs end in the deepest basin, i.e. each stays in the basin it started in; from
      w0, 0 of 20.
    * large-then-small, cosine_restarts(0.4..0.8, cycle_steps=100..200): 100%; from w0,
      20 of 20. Peak 0.2-0.25 is the transition (55-75%). A single cosine_decay(0.3, 1000)
      also gets 97%: what matters is time spent at a large rate, not the restarts.
    * noise=0 (plain GD): a large rate alone rarely escapes (the iterate rocks on a
      2-cycle in the well until the rate drops); it takes peak lr >= 0.7.

    Attributes (besides :class:`Problem`'s): well_centers, well_depths (d_k), well_widths
    (s_k), basin_centers (the local minima, near the well centres), basin_depths
    (= well_depths, bigger is deeper), basin_losses (f at each local minimum), deepest
    (index of the deepest basin), noise, envelope, n_samples (None: the noise is synthetic).
    """

    def __init__(self, noise: float = 1.0, envelope: float = 0.1) -> None:
        self.noise = check_non_negative("noise", noise)
        self.envelope = check_positive("envelope", envelope)
        self.dim, self.n_samples = 2, None
        self.well_centers = _frozen(_WELLS[:, :2])
        self.well_depths = _frozen(_WELLS[:, 2])
        self.well_widths = _frozen(_WELLS[:, 3])
        self.deepest = int(np.argmax(self.well_depths))
        self._envelope_center = self.well_centers[self.deepest]
        minima = np.array([_newton(self, c) for c in self.well_centers])
        self.basin_centers = _frozen(minima)
        self.basin_depths = self.well_depths
        self.basin_losses = _frozen(self.loss(minima))
        self.minimum = self.basin_centers[self.deepest]
        self.min_loss = float(self.basin_losses[self.deepest])
        self.w0 = _frozen([-2.6, 1.2])
        self.bounds = ((-4.0, 4.0), (-4.0, 4.0))
        self.name = "multi-basin"

    def basin_of(self, w: Any) -> Any:
        """Index of the basin a (settled) point is in: the nearest basin centre.

        Args:
            w: shape (2,) or (..., 2).

        Returns:
            an int for one point, else an int array of shape (...).
        """
        w = self._points(w)
        d2 = np.sum((w[..., None, :] - self.basin_centers) ** 2, axis=-1)
        out = np.argmin(d2, axis=-1)
        return int(out) if out.ndim == 0 else out

    def is_deepest(self, w: Any) -> Any:
        """True where w is in the deepest basin (bool, or bool array of shape (...))."""
        out = np.asarray(self.basin_of(w)) == self.deepest
        return bool(out) if out.ndim == 0 else out

    def stochastic_grad(self, w: Any, rng: Any, batch_size: int = 1) -> np.ndarray:
        """grad f(w) + Gaussian noise of std noise / sqrt(batch_size) per coordinate.

        Args:
            w: one point, shape (2,).
            rng: a numpy Generator (a seed is refused: a new one each step would repeat the noise).
            batch_size: the pretend mini-batch size, >= 1 (noise variance / batch_size).
        """
        w, batch_size = self._check_stochastic(w, batch_size)
        with np.errstate(over="ignore", invalid="ignore"):
            return self._grad(w) + _rng(rng, seed_ok=False).normal(scale=self.noise / math.sqrt(batch_size), size=2)

    def _params(self) -> dict[str, Any]:
        return {"noise": self.noise, "envelope": self.envelope}

    def _wells(self, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(w - c_k, d_k exp(-|w - c_k|^2 / (2 s_k^2))), shapes (..., k, 2) and (..., k)."""
        diff = w[..., None, :] - self.well_centers
        return diff, self.well_depths * np.exp(-np.sum(diff ** 2, axis=-1) / (2 * self.well_widths ** 2))

    def _loss(self, w: np.ndarray) -> np.ndarray:
        _, g = self._wells(w)
        return -g.sum(axis=-1) + 0.5 * self.envelope * np.sum((w - self._envelope_center) ** 2, axis=-1)

    def _grad(self, w: np.ndarray) -> np.ndarray:
        diff, g = self._wells(w)
        wells = np.sum((g / self.well_widths ** 2)[..., None] * diff, axis=-2)
        return wells + self.envelope * (w - self._envelope_center)

    def _hessian(self, w: np.ndarray) -> np.ndarray:
        diff, g = self._wells(w)
        s2 = self.well_widths ** 2
        outer = diff[..., :, None] * diff[..., None, :] / (s2 ** 2)[:, None, None]
        per_well = np.eye(2) / s2[:, None, None] - outer
        return np.sum(g[..., None, None] * per_well, axis=-3) + self.envelope * np.eye(2)


def multi_basin(noise: float = 1.0, envelope: float = 0.1) -> MultiBasin:
    """A fixed 2-D landscape with four basins of different depth (three shallow and sharp, one deep and wide).

    The lesson it supports: with the default gradient noise, from the same starts, a
    schedule that returns to a large rate (cosine_restarts with peak lr 0.4-0.8) leaves
    the shallow basins and ends in the deepest one far more often (100% of 40 random
    starts) than a small monotone decay (lr 0.05 -> 0: 62%, each run stays where it
    started). Large means lr >= ~0.3, small lr <= ~0.1. See :class:`MultiBasin` for the
    formula and the measurements.

    Args:
        noise: std of the gradient noise of ``stochastic_grad`` at batch_size=1, >= 0.
        envelope: curvature of the enclosing bowl, > 0.

    Raises:
        ValueError: noise < 0 or envelope <= 0.
    """
    return MultiBasin(noise=noise, envelope=envelope)


# ---------------------------------------------------------------------------
# 4. Noisy least squares
# ---------------------------------------------------------------------------

class NoisyLeastSquares(Problem):
    """f(w) = 1/(2n) |X w - y|^2 for data y = X w_true + noise * eps, eps ~ N(0, 1).

    The features have covariance eigenvalues spaced geometrically from 1 down to
    1 / condition_number (in random directions), so the Hessian H = X^T X / n has
    L ~ 1 and mu ~ 1 / condition_number (the attributes hold the exact values for this sample).
    ``stochastic_grad`` draws a mini-batch with replacement:
    g = X_B^T (X_B w - y_B) / |B|, an unbiased estimate of grad f(w) = X^T (X w - y) / n.
    Constant-lr SGD therefore stops improving at a noise floor, excess loss roughly
    proportional to lr: for lr well below 2 / L,

        mean excess loss ~ lr * noise^2 * trace(H) / (4 * batch_size)

    (defaults: trace(H) = 4.09, so ~0.25 * lr at batch 1). Measured over steps
    3000-4000 from w0 = 0: batch 1, lr 0.01 / 0.03 / 0.1 -> 2.5e-3 / 7.7e-3 / 3.0e-2;
    batch 10, lr 0.01 / 0.1 / 0.3 -> 2.7e-4 / 3.0e-3 / 1.0e-2. Batch 1 becomes erratic
    near lr 0.3 (3.4e-1) and diverges at lr 1. A decaying rate goes below the floor:
    cosine_decay(0.1, 4000) ends at 1.3e-3 (batch 1), 1.5e-4 (batch 10).

    Attributes (besides :class:`Problem`'s): X (n, dim), y (n,), w_true, noise, n_samples,
    condition_number, seed, L, mu (largest and smallest eigenvalues of H), H.
    ``minimum`` is the least-squares solution (not w_true), ``min_loss`` its loss.
    """

    def __init__(self, n_samples: int = 1000, dim: int = 10, noise: float = 0.5,
                 condition_number: float = 10.0, seed: int = 0) -> None:
        self.n_samples = check_int("n_samples", n_samples, minimum=1)
        self.dim = check_int("dim", dim, minimum=1)
        self.noise = check_non_negative("noise", noise)
        self.condition_number = _check_at_least("condition_number", condition_number, 1.0)
        self.seed = check_int("seed", seed, minimum=0)
        rng = np.random.default_rng(self.seed)
        scales = np.sqrt(np.geomspace(1.0, 1.0 / self.condition_number, self.dim))
        rotation, _ = np.linalg.qr(rng.normal(size=(self.dim, self.dim)))
        self.X = _frozen((rng.normal(size=(self.n_samples, self.dim)) * scales) @ rotation.T)
        self.w_true = _frozen(rng.normal(size=self.dim))
        self.y = _frozen(self.X @ self.w_true + self.noise * rng.normal(size=self.n_samples))
        self.H = _frozen(self.X.T @ self.X / self.n_samples)
        eig = np.linalg.eigvalsh(self.H)
        self.L, self.mu = float(eig[-1]), float(max(eig[0], 0.0))
        self.minimum = _frozen(np.linalg.lstsq(self.X, self.y, rcond=None)[0])
        self.min_loss = float(0.5 * np.mean((self.X @ self.minimum - self.y) ** 2))
        self.w0 = _frozen(np.zeros(self.dim))
        self.bounds = _box(np.stack([self.w0, self.minimum])) if self.dim == 2 else None
        self.name = f"noisy least squares (n={self.n_samples}, dim={self.dim})"

    def stochastic_grad(self, w: Any, rng: Any, batch_size: int = 1) -> np.ndarray:
        """X_B^T (X_B w - y_B) / |B| on a mini-batch B of ``batch_size`` rows drawn with replacement.

        Args:
            w: one point, shape (dim,).
            rng: a numpy Generator (a seed is refused: a new one each step would repeat the noise).
            batch_size: rows per mini-batch, >= 1.
        """
        w, batch_size = self._check_stochastic(w, batch_size)
        idx = _rng(rng, seed_ok=False).integers(0, self.n_samples, size=batch_size)
        Xb = self.X[idx]
        with np.errstate(over="ignore", invalid="ignore"):
            return Xb.T @ (Xb @ w - self.y[idx]) / batch_size

    def _params(self) -> dict[str, Any]:
        return {"n_samples": self.n_samples, "dim": self.dim, "noise": self.noise,
                "condition_number": self.condition_number, "seed": self.seed}

    # f(w) = min_loss + 1/2 (w - w*)^T H (w - w*) exactly (w* the least-squares solution):
    # cheap over a grid, and accurate for the tiny excess losses near the minimum.
    def _loss(self, w: np.ndarray) -> np.ndarray:
        d = w - self.minimum
        return self.min_loss + 0.5 * np.einsum("...i,ij,...j->...", d, self.H, d)

    def _grad(self, w: np.ndarray) -> np.ndarray:
        return (w - self.minimum) @ self.H

    def _hessian(self, w: np.ndarray) -> np.ndarray:
        return np.broadcast_to(self.H, w.shape[:-1] + self.H.shape).copy()


def noisy_least_squares(n_samples: int = 1000, dim: int = 10, noise: float = 0.5,
                        condition_number: float = 10.0, seed: int = 0) -> NoisyLeastSquares:
    """Linear regression y = X w_true + noise * eps; loss = mean squared error / 2 over all n samples.

    Args:
        n_samples: rows of X, >= 1.
        dim: number of weights, >= 1 (dim=2 gives a problem with bounds, for contour plots).
        noise: std of the label noise, >= 0 (0: SGD has no noise floor at the minimum).
        condition_number: spread of the feature variances (1 down to 1/condition_number), >= 1.
        seed: seed of the data.

    Returns:
        a :class:`NoisyLeastSquares` with X, y, w_true, minimum (lstsq), min_loss, L, mu.

    Raises:
        ValueError: n_samples < 1, dim < 1, noise < 0, condition_number < 1.
    """
    return NoisyLeastSquares(n_samples=n_samples, dim=dim, noise=noise,
                             condition_number=condition_number, seed=seed)


# ---------------------------------------------------------------------------
# 5. Logistic regression
# ---------------------------------------------------------------------------

def _sigmoid_neg(m: np.ndarray) -> np.ndarray:
    """sigmoid(-m) = 1 / (1 + exp(m)), without overflow."""
    return np.exp(-np.logaddexp(0.0, m))


class LogisticRegression(Problem):
    """f(w) = mean_i log(1 + exp(-s_i x_i.w)) + l2/2 |w|^2, labels y_i in {0, 1}, s_i = 2 y_i - 1.

    No bias term: the two classes are Gaussian blobs N(+-separation/2 * u, I) placed
    symmetrically about the origin (u a random unit vector), so the best separating
    line passes near the origin and w alone suffices; with dim=2 the whole problem is
    a 2-D picture. grad f(w) = -mean_i s_i sigmoid(-s_i x_i.w) x_i + l2 w.
    ``minimum`` is found by Newton's method at construction.

    Attributes (besides :class:`Problem`'s): X (n, dim), y (n,) in {0, 1}, separation, l2,
    n_samples, seed, L (= largest eigenvalue of X^T X / (4n) + l2, a bound on the curvature),
    mu (= l2, a lower bound).
    """

    _CHUNK = 1 << 21   # floats per block when evaluating many points at once

    def __init__(self, n_samples: int = 1000, dim: int = 2, separation: float = 1.0,
                 seed: int = 0, l2: float = 1e-3) -> None:
        self.n_samples = check_int("n_samples", n_samples, minimum=1)
        self.dim = check_int("dim", dim, minimum=1)
        self.separation = check_non_negative("separation", separation)
        self.seed = check_int("seed", seed, minimum=0)
        self.l2 = check_non_negative("l2", l2)
        rng = np.random.default_rng(self.seed)
        u = rng.normal(size=self.dim)
        u /= np.linalg.norm(u)
        self.y = rng.integers(0, 2, size=self.n_samples).astype(np.int64)
        self.y.setflags(write=False)
        self._signs = 2.0 * self.y - 1.0
        self.X = _frozen(rng.normal(size=(self.n_samples, self.dim))
                         + self._signs[:, None] * (self.separation / 2) * u)
        self.L = float(np.linalg.eigvalsh(self.X.T @ self.X)[-1] / (4 * self.n_samples) + self.l2)
        self.mu = self.l2
        self.w0 = _frozen(np.zeros(self.dim))
        self.minimum = _frozen(_newton(self, self.w0))
        self.min_loss = float(self.loss(self.minimum))
        self.bounds = _box(np.stack([self.w0, self.minimum]), margin=0.6) if self.dim == 2 else None
        self.name = f"logistic regression (n={self.n_samples}, dim={self.dim})"

    def stochastic_grad(self, w: Any, rng: Any, batch_size: int = 1) -> np.ndarray:
        """The gradient on a mini-batch of ``batch_size`` rows drawn with replacement (l2 term exact).

        Args:
            w: one point, shape (dim,).
            rng: a numpy Generator (a seed is refused: a new one each step would repeat the noise).
            batch_size: rows per mini-batch, >= 1.
        """
        w, batch_size = self._check_stochastic(w, batch_size)
        idx = _rng(rng, seed_ok=False).integers(0, self.n_samples, size=batch_size)
        s, Xb = self._signs[idx], self.X[idx]
        with np.errstate(over="ignore", invalid="ignore"):
            return -(s * _sigmoid_neg(s * (Xb @ w))) @ Xb / batch_size + self.l2 * w

    def _params(self) -> dict[str, Any]:
        return {"n_samples": self.n_samples, "dim": self.dim, "separation": self.separation,
                "seed": self.seed, "l2": self.l2}

    def _blocks(self, w: np.ndarray):
        """Yield (slice, margins s_i x_i.w) over blocks of the flattened points, to bound memory."""
        flat = w.reshape(-1, self.dim)
        step = max(1, self._CHUNK // self.n_samples)
        for start in range(0, len(flat), step):
            block = flat[start:start + step]
            yield slice(start, start + step), block, (block @ self.X.T) * self._signs

    def _loss(self, w: np.ndarray) -> np.ndarray:
        out = np.empty(w.shape[:-1]).reshape(-1)
        for sl, block, m in self._blocks(w):
            out[sl] = np.mean(np.logaddexp(0.0, -m), axis=-1) + 0.5 * self.l2 * np.sum(block ** 2, axis=-1)
        return out.reshape(w.shape[:-1])

    def _grad(self, w: np.ndarray) -> np.ndarray:
        out = np.empty((int(np.prod(w.shape[:-1])), self.dim))
        for sl, block, m in self._blocks(w):
            out[sl] = -(self._signs * _sigmoid_neg(m)) @ self.X / self.n_samples + self.l2 * block
        return out.reshape(w.shape)

    def _hessian(self, w: np.ndarray) -> np.ndarray:
        out = np.empty((int(np.prod(w.shape[:-1])), self.dim, self.dim))
        for sl, _, m in self._blocks(w):
            p = _sigmoid_neg(m)
            weights = p * (1 - p) / self.n_samples
            out[sl] = np.einsum("bn,ni,nj->bij", weights, self.X, self.X) + self.l2 * np.eye(self.dim)
        return out.reshape(w.shape + (self.dim,))


def logistic_regression(n_samples: int = 1000, dim: int = 2, separation: float = 1.0,
                        seed: int = 0, l2: float = 1e-3) -> LogisticRegression:
    """Binary logistic regression on two overlapping Gaussian blobs; mean log-loss + l2/2 |w|^2, no bias.

    Args:
        n_samples: number of points, >= 1.
        dim: number of features = number of weights, >= 1.
        separation: distance between the two class means (in units of their std), >= 0.
        seed: seed of the data.
        l2: weight decay, >= 0 (keep it > 0 if the classes might be separable).

    Returns:
        a :class:`LogisticRegression` (minimum found by Newton's method).

    Raises:
        ValueError: n_samples < 1, dim < 1, separation < 0, l2 < 0.
    """
    return LogisticRegression(n_samples=n_samples, dim=dim, separation=separation, seed=seed, l2=l2)


# ---------------------------------------------------------------------------
# Data sets for small torch models
# ---------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class Dataset:
    """A train/validation split, ready for torch (float32 features; int64 labels or float32 targets).

    Attributes:
        X_train, y_train, X_val, y_val: the arrays.
        n_features: columns of X.
        n_classes: number of classes, or None for a regression target.
        name: a short name.
    """

    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    n_features: int
    n_classes: int | None
    name: str = "data"

    @property
    def n_train(self) -> int:
        """Training examples."""
        return int(len(self.X_train))

    @property
    def n_val(self) -> int:
        """Validation examples."""
        return int(len(self.X_val))

    def __repr__(self) -> str:
        target = f"{self.n_classes} classes" if self.n_classes is not None else "regression"
        return (f"Dataset({self.name!r}: {self.n_train} train / {self.n_val} val, "
                f"{self.n_features} features, {target})")


def _check_val_fraction(val_fraction: Any) -> float:
    return check_range("val_fraction", val_fraction, 0.0, 1.0, low_open=True, high_open=True)


def _stratified_val_counts(counts: np.ndarray, n_val: int) -> np.ndarray:
    """Split n_val over classes in proportion to their counts (largest remainders get the spares)."""
    quota = counts * n_val / counts.sum()
    base = np.floor(quota).astype(int)
    spare = n_val - base.sum()
    base[np.argsort(-(quota - base), kind="stable")[:spare]] += 1
    return base


def split(X: Any, y: Any, val_fraction: float = 0.25, seed: int = 0, name: str = "data") -> Dataset:
    """Shuffle and split (X, y) into train and validation, stratified by class for integer labels.

    The validation set holds round(val_fraction * n) examples; with integer labels each
    class contributes in proportion to its size. X becomes float32; integer labels
    int64 (n_classes = max label + 1), other targets float32 (n_classes = None).

    Args:
        X: features, shape (n, n_features).
        y: labels (n,) or targets (n, ...).
        val_fraction: share of examples for validation, in (0, 1).
        seed: seed of the shuffle.
        name: the Dataset's name.

    Raises:
        ValueError: val_fraction outside (0, 1), X and y of different lengths, or too
            few examples to leave at least one on each side.
    """
    val_fraction = _check_val_fraction(val_fraction)
    seed = check_int("seed", seed, minimum=0)
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim != 2 or len(X) != len(y):
        raise ValueError(f"X must be (n, n_features) and y have the same n; got X.shape={X.shape}, y.shape={y.shape}")
    n = len(X)
    n_val = int(round(val_fraction * n))
    if not 0 < n_val < n:
        raise ValueError(f"val_fraction={val_fraction!r} of n={n} examples leaves an empty train or validation set")
    rng = np.random.default_rng(seed)
    classification = y.ndim == 1 and np.issubdtype(y.dtype, np.integer)
    if classification:
        classes, inverse = np.unique(y, return_inverse=True)
        per_class = _stratified_val_counts(np.bincount(inverse), n_val)
        val_parts, train_parts = [], []
        for k in range(len(classes)):
            members = rng.permutation(np.flatnonzero(inverse == k))
            val_parts.append(members[:per_class[k]])
            train_parts.append(members[per_class[k]:])
        val_idx = rng.permutation(np.concatenate(val_parts))
        train_idx = rng.permutation(np.concatenate(train_parts))
        y, n_classes = y.astype(np.int64), int(y.max()) + 1
    else:
        order = rng.permutation(n)
        val_idx, train_idx = order[:n_val], order[n_val:]
        y, n_classes = y.astype(np.float32), None
    X = X.astype(np.float32)
    return Dataset(X[train_idx], y[train_idx], X[val_idx], y[val_idx],
                   n_features=int(X.shape[1]), n_classes=n_classes, name=name)


def _check_n_samples(n_samples: Any, minimum: int = 1) -> int:
    return check_int("n_samples", n_samples, minimum=minimum)


def make_spirals(n_samples: int = 600, n_classes: int = 2, noise: float = 0.2,
                 seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Interleaved spiral arms in 2-D (the CS231n toy set), one arm per class.

    Class k: radius r = linspace(0, 1), angle t = 4 (k + r) + noise * N(0, 1) (radians);
    x = (r sin t, r cos t). Classes get n_samples // n_classes points (the first few one more).

    Args:
        n_samples: total points, >= n_classes.
        n_classes: number of arms, >= 2.
        noise: std of the angle noise in radians, >= 0.
        seed: seed.

    Returns:
        (X float32 (n, 2), y int64 (n,)), shuffled.
    """
    n_classes = check_int("n_classes", n_classes, minimum=2)
    n_samples = _check_n_samples(n_samples, minimum=n_classes)
    noise = check_non_negative("noise", noise)
    rng = np.random.default_rng(check_int("seed", seed, minimum=0))
    X, y = [], []
    for k in range(n_classes):
        m = n_samples // n_classes + (k < n_samples % n_classes)
        r = np.linspace(0.0, 1.0, m)
        t = 4.0 * (k + r) + noise * rng.normal(size=m)
        X.append(np.stack([r * np.sin(t), r * np.cos(t)], axis=1))
        y.append(np.full(m, k))
    order = rng.permutation(n_samples)
    return np.concatenate(X)[order].astype(np.float32), np.concatenate(y)[order].astype(np.int64)


def make_moons(n_samples: int = 600, noise: float = 0.15, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles (as sklearn's make_moons), plus Gaussian noise of std ``noise``.

    Class 0: (cos a, sin a); class 1: (1 - cos a, 1/2 - sin a), a in [0, pi].

    Args:
        n_samples: total points, >= 2 (class 0 gets the odd one).
        noise: std of the noise added to each coordinate, >= 0.
        seed: seed.

    Returns:
        (X float32 (n, 2), y int64 (n,)), shuffled.
    """
    n_samples = _check_n_samples(n_samples, minimum=2)
    noise = check_non_negative("noise", noise)
    rng = np.random.default_rng(check_int("seed", seed, minimum=0))
    n0 = n_samples - n_samples // 2
    a0, a1 = np.linspace(0, np.pi, n0), np.linspace(0, np.pi, n_samples - n0)
    X = np.concatenate([np.stack([np.cos(a0), np.sin(a0)], 1),
                        np.stack([1 - np.cos(a1), 0.5 - np.sin(a1)], 1)])
    y = np.concatenate([np.zeros(n0), np.ones(n_samples - n0)])
    X = X + noise * rng.normal(size=X.shape)
    order = rng.permutation(n_samples)
    return X[order].astype(np.float32), y[order].astype(np.int64)


def teacher_student(n_samples: int = 1000, d_in: int = 10, hidden: int = 16, noise: float = 0.1,
                    seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Regression targets from a random one-hidden-layer tanh "teacher" network.

    x ~ N(0, I); y = tanh(x W1 + b1) W2 + noise * N(0, 1), W1 ~ N(0, 1/d_in),
    b1 ~ N(0, 0.1^2), W2 ~ N(0, 1/hidden). A student with >= ``hidden`` units can reach
    the noise level: mean squared error noise^2.

    Args:
        n_samples: rows, >= 1.
        d_in: input features, >= 1.
        hidden: teacher hidden units, >= 1.
        noise: std of the target noise, >= 0.
        seed: seed (of both the teacher and the data).

    Returns:
        (X float32 (n, d_in), y float32 (n, 1)).
    """
    n_samples = _check_n_samples(n_samples)
    d_in = check_int("d_in", d_in, minimum=1)
    hidden = check_int("hidden", hidden, minimum=1)
    noise = check_non_negative("noise", noise)
    rng = np.random.default_rng(check_int("seed", seed, minimum=0))
    W1 = rng.normal(scale=1 / math.sqrt(d_in), size=(d_in, hidden))
    b1 = rng.normal(scale=0.1, size=hidden)
    W2 = rng.normal(scale=1 / math.sqrt(hidden), size=(hidden, 1))
    X = rng.normal(size=(n_samples, d_in))
    y = np.tanh(X @ W1 + b1) @ W2 + noise * rng.normal(size=(n_samples, 1))
    return X.astype(np.float32), y.astype(np.float32)


def spirals_dataset(n_samples: int = 600, n_classes: int = 2, noise: float = 0.2, seed: int = 0,
                    val_fraction: float = 0.25) -> Dataset:
    """:func:`make_spirals` split by :func:`split` (same seed)."""
    val_fraction = _check_val_fraction(val_fraction)
    X, y = make_spirals(n_samples, n_classes, noise, seed)
    return split(X, y, val_fraction, seed, name="spirals")


def moons_dataset(n_samples: int = 600, noise: float = 0.15, seed: int = 0,
                  val_fraction: float = 0.25) -> Dataset:
    """:func:`make_moons` split by :func:`split` (same seed)."""
    val_fraction = _check_val_fraction(val_fraction)
    X, y = make_moons(n_samples, noise, seed)
    return split(X, y, val_fraction, seed, name="moons")


def teacher_student_dataset(n_samples: int = 1000, d_in: int = 10, hidden: int = 16, noise: float = 0.1,
                            seed: int = 0, val_fraction: float = 0.25) -> Dataset:
    """:func:`teacher_student` split by :func:`split` (same seed); n_classes is None."""
    val_fraction = _check_val_fraction(val_fraction)
    X, y = teacher_student(n_samples, d_in, hidden, noise, seed)
    return split(X, y, val_fraction, seed, name="teacher-student")


def load_digits(val_fraction: float = 0.25, seed: int = 0, standardize: bool = True) -> Dataset:
    """scikit-learn's 8x8 handwritten digits (1797 images, 64 features, 10 classes), split stratified.

    Ships inside scikit-learn: nothing is downloaded.

    Args:
        val_fraction: share for validation, in (0, 1); 0.25 gives 1348 train / 449 val.
        seed: seed of the split.
        standardize: if True, each feature is shifted and scaled by the *training* mean and
            std (constant pixels are only shifted); if False, raw intensities 0..16.

    Returns:
        a :class:`Dataset` named "digits" (float32 X, int64 y).

    Raises:
        ValueError: val_fraction outside (0, 1).
    """
    val_fraction = _check_val_fraction(val_fraction)
    from sklearn.datasets import load_digits as sklearn_load_digits

    raw = sklearn_load_digits()
    data = split(raw.data, raw.target, val_fraction, seed, name="digits")
    if not standardize:
        return data
    mean = data.X_train.mean(axis=0)
    std = data.X_train.std(axis=0)
    std = np.where(std > 0, std, 1.0)
    return Dataset(((data.X_train - mean) / std).astype(np.float32), data.y_train,
                   ((data.X_val - mean) / std).astype(np.float32), data.y_val,
                   data.n_features, data.n_classes, data.name)
