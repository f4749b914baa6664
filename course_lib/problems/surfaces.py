"""2-D surfaces to watch gradient descent on: the quadratic bowl, Rosenbrock's valley, several basins.

>>> from course_lib import problems
>>> p = problems.quadratic_bowl(condition_number=10.0, L=1.0)
>>> p.stability_limit, p.optimal_lr
(2.0, 1.8181818181818181)
>>> problems.rosenbrock().minimum.tolist()
[1.0, 1.0]
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from course_lib.display import readable_number
from course_lib.problems.base import Problem, as_generator, as_vector, frozen_array, newton_minimize
from course_lib.validation import check_at_least, check_non_negative, check_positive, check_real

__all__ = ["Quadratic", "quadratic_bowl", "Rosenbrock", "rosenbrock", "MultiBasin", "multi_basin"]


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

    def __init__(
        self, L: float = 1.0, condition_number: float = 10.0, angle: float = 0.0, center: Any = None, w0: Any = None
    ) -> None:
        self.L = check_positive("L", L)
        self.condition_number = check_at_least("condition_number", condition_number, 1.0)
        self.angle = check_real("angle", angle)
        self.mu = self.L / self.condition_number
        c, s = math.cos(self.angle), math.sin(self.angle)
        R = np.array([[c, -s], [s, c]])
        self.A = frozen_array(R @ np.diag([self.L, self.mu]) @ R.T)
        self.center = frozen_array(np.zeros(2) if center is None else as_vector("center", center, 2))
        self.w0 = frozen_array(self.center + np.array([-4.0, 3.0]) if w0 is None else as_vector("w0", w0, 2))
        self.minimum, self.min_loss, self.dim = self.center, 0.0, 2
        half = 1.25 * float(np.max(np.abs(self.w0 - self.center))) or 1.0
        self.bounds = (
            (float(self.center[0] - half), float(self.center[0] + half)),
            (float(self.center[1] - half), float(self.center[1] + half)),
        )
        self.stability_limit = 2.0 / self.L
        self.optimal_lr = 2.0 / (self.L + self.mu)
        self.name = f"quadratic (kappa={readable_number(self.condition_number)})"

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


def quadratic_bowl(
    condition_number: float = 10.0, L: float = 1.0, angle: float = 0.0, w0: Any = None, center: Any = None
) -> Quadratic:
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


class Rosenbrock(Problem):
    """f(x, y) = (a - x)^2 + b (y - x^2)^2: a curved, flat-bottomed valley; minimum (a, a^2), f = 0.

    The curvature across the valley is about 2b(1 + 4x^2) (200-1000 for b=100) and
    along it about 2, so the usable lr is ~1e-3 and progress along the floor is slow.
    """

    def __init__(self, a: float = 1.0, b: float = 100.0) -> None:
        self.a = check_real("a", a)
        self.b = check_positive("b", b)
        self.dim, self.min_loss = 2, 0.0
        self.minimum = frozen_array([self.a, self.a**2])
        self.w0 = frozen_array([-1.5, 2.0])
        self.bounds = (
            (min(-2.0, self.a - 1), max(2.0, self.a + 1)),
            (min(-1.0, self.a**2 - 1), max(3.0, self.a**2 + 1)),
        )
        self.name = "Rosenbrock" if (self.a, self.b) == (1.0, 100.0) else f"Rosenbrock (a={self.a:g}, b={self.b:g})"

    def _params(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b}

    def _loss(self, w: np.ndarray) -> np.ndarray:
        x, y = w[..., 0], w[..., 1]
        return (self.a - x) ** 2 + self.b * (y - x**2) ** 2

    def _grad(self, w: np.ndarray) -> np.ndarray:
        x, y = w[..., 0], w[..., 1]
        r = y - x**2
        return np.stack([-2 * (self.a - x) - 4 * self.b * x * r, 2 * self.b * r], axis=-1)

    def _hessian(self, w: np.ndarray) -> np.ndarray:
        x, y = w[..., 0], w[..., 1]
        hxx = 2 - 4 * self.b * (y - x**2) + 8 * self.b * x**2
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


#: The wells of :func:`multi_basin`: (centre x, centre y, depth, width).
#: Three narrow, shallow wells; one deep, wide one (the last), far from w0 = (-2.6, 1.2).
_WELLS = np.array(
    [
        [-2.2, 1.6, 1.0, 0.45],
        [-1.8, -1.9, 1.2, 0.45],
        [1.0, 2.2, 1.4, 0.45],
        [1.5, -1.2, 3.0, 1.0],
    ]
)


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
        self.well_centers = frozen_array(_WELLS[:, :2])
        self.well_depths = frozen_array(_WELLS[:, 2])
        self.well_widths = frozen_array(_WELLS[:, 3])
        self.deepest = int(np.argmax(self.well_depths))
        self._envelope_center = self.well_centers[self.deepest]
        minima = np.array([newton_minimize(self, c) for c in self.well_centers])
        self.basin_centers = frozen_array(minima)
        self.basin_depths = self.well_depths
        self.basin_losses = frozen_array(self.loss(minima))
        self.minimum = self.basin_centers[self.deepest]
        self.min_loss = float(self.basin_losses[self.deepest])
        self.w0 = frozen_array([-2.6, 1.2])
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
            return self._grad(w) + as_generator(rng, seed_ok=False).normal(
                scale=self.noise / math.sqrt(batch_size), size=2
            )

    def _params(self) -> dict[str, Any]:
        return {"noise": self.noise, "envelope": self.envelope}

    def _wells(self, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(w - c_k, d_k exp(-|w - c_k|^2 / (2 s_k^2))), shapes (..., k, 2) and (..., k)."""
        diff = w[..., None, :] - self.well_centers
        return diff, self.well_depths * np.exp(-np.sum(diff**2, axis=-1) / (2 * self.well_widths**2))

    def _loss(self, w: np.ndarray) -> np.ndarray:
        _, g = self._wells(w)
        return -g.sum(axis=-1) + 0.5 * self.envelope * np.sum((w - self._envelope_center) ** 2, axis=-1)

    def _grad(self, w: np.ndarray) -> np.ndarray:
        diff, g = self._wells(w)
        wells = np.sum((g / self.well_widths**2)[..., None] * diff, axis=-2)
        return wells + self.envelope * (w - self._envelope_center)

    def _hessian(self, w: np.ndarray) -> np.ndarray:
        diff, g = self._wells(w)
        s2 = self.well_widths**2
        outer = diff[..., :, None] * diff[..., None, :] / (s2**2)[:, None, None]
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
