"""The base of every problem: :class:`Problem` (a loss with its exact gradient, vectorised), and
the small helpers the concrete problems share.

>>> from course_lib import problems
>>> p = problems.quadratic_bowl(condition_number=10.0, L=1.0)
>>> float(p.excess_loss(p.w0)) > 0, p.curvature(p.w0)
(True, 1.0)
>>> frozen_array([1.0, 2.0]).flags.writeable
False
>>> plot_box(np.array([[0.0, 0.0], [2.0, 2.0]]))
((-0.5, 2.5), (-0.5, 2.5))
"""

from __future__ import annotations

from typing import Any

import numpy as np

from course_lib.validation import check_int

__all__ = ["Problem", "Bounds", "as_vector", "frozen_array", "as_generator", "plot_box", "newton_minimize"]

#: ((x_min, x_max), (y_min, y_max)): a plot box for a 2-D problem.
Bounds = tuple[tuple[float, float], tuple[float, float]]


def as_vector(name: str, value: Any, dim: int) -> np.ndarray:
    """``value`` as a finite float64 array of shape (dim,)."""
    arr = np.array(value, dtype=np.float64)
    if arr.shape != (dim,) or not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be {dim} finite numbers, got {name}={value!r}")
    return arr


def frozen_array(arr: Any) -> np.ndarray:
    """A read-only float64 copy (so nobody moves a problem's w0 or minimum by accident)."""
    out = np.array(arr, dtype=np.float64)
    out.setflags(write=False)
    return out


def as_generator(rng: Any, *, seed_ok: bool = True) -> np.random.Generator:
    """Accept a Generator (or, where ``seed_ok``, an integer seed for a new one)."""
    if isinstance(rng, np.random.Generator):
        return rng
    if seed_ok and isinstance(rng, (int, np.integer)) and not isinstance(rng, bool):
        return np.random.default_rng(rng)
    allowed = (
        "a numpy Generator or an integer seed"
        if seed_ok
        else ("a numpy Generator (e.g. np.random.default_rng(0), made once before the loop)")
    )
    raise TypeError(f"rng must be {allowed}, got rng={rng!r} ({type(rng).__name__})")


def plot_box(points: np.ndarray, margin: float = 0.25) -> Bounds:
    """A square plot box around 2-D ``points`` (k, 2), with ``margin`` of its size free on each side."""
    low, high = points.min(axis=0), points.max(axis=0)
    mid, half = (low + high) / 2, (0.5 + margin) * max(float(np.max(high - low)), 1.0)
    return ((float(mid[0] - half), float(mid[0] + half)), (float(mid[1] - half), float(mid[1] + half)))


def newton_minimize(problem: "Problem", w: np.ndarray, iters: int = 100, tol: float = 1e-12) -> np.ndarray:
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
        return as_generator(rng).uniform([x0, y0], [x1, y1])

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
