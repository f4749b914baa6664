"""Regressions with mini-batch gradients: noisy least squares and logistic regression.

Both have ``stochastic_grad(w, rng, batch_size)``, the mean gradient over a mini-batch drawn
with replacement, and an exact minimiser (least squares solved, logistic by Newton's method).

>>> from course_lib import problems
>>> p = problems.noisy_least_squares(n_samples=200, dim=2, seed=0)
>>> bool(np.allclose(p.grad(p.minimum), 0, atol=1e-10))
True
"""

from __future__ import annotations

from typing import Any

import numpy as np

from course_lib.problems.base import Problem, as_generator, frozen_array, newton_minimize, plot_box
from course_lib.validation import check_at_least, check_int, check_non_negative

__all__ = ["NoisyLeastSquares", "noisy_least_squares", "LogisticRegression", "logistic_regression"]


def _minibatch(problem: Problem, w: Any, rng: Any, batch_size: Any) -> tuple[np.ndarray, np.ndarray]:
    """(w checked, the row indices of one mini-batch drawn with replacement) for ``stochastic_grad``."""
    w, batch_size = problem._check_stochastic(w, batch_size)
    return w, as_generator(rng, seed_ok=False).integers(0, problem.n_samples, size=batch_size)


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

    def __init__(
        self, n_samples: int = 1000, dim: int = 10, noise: float = 0.5, condition_number: float = 10.0, seed: int = 0
    ) -> None:
        self.n_samples = check_int("n_samples", n_samples, minimum=1)
        self.dim = check_int("dim", dim, minimum=1)
        self.noise = check_non_negative("noise", noise)
        self.condition_number = check_at_least("condition_number", condition_number, 1.0)
        self.seed = check_int("seed", seed, minimum=0)
        rng = np.random.default_rng(self.seed)
        scales = np.sqrt(np.geomspace(1.0, 1.0 / self.condition_number, self.dim))
        rotation, _ = np.linalg.qr(rng.normal(size=(self.dim, self.dim)))
        self.X = frozen_array((rng.normal(size=(self.n_samples, self.dim)) * scales) @ rotation.T)
        self.w_true = frozen_array(rng.normal(size=self.dim))
        self.y = frozen_array(self.X @ self.w_true + self.noise * rng.normal(size=self.n_samples))
        self.H = frozen_array(self.X.T @ self.X / self.n_samples)
        eig = np.linalg.eigvalsh(self.H)
        self.L, self.mu = float(eig[-1]), float(max(eig[0], 0.0))
        self.minimum = frozen_array(np.linalg.lstsq(self.X, self.y, rcond=None)[0])
        self.min_loss = float(0.5 * np.mean((self.X @ self.minimum - self.y) ** 2))
        self.w0 = frozen_array(np.zeros(self.dim))
        self.bounds = plot_box(np.stack([self.w0, self.minimum])) if self.dim == 2 else None
        self.name = f"noisy least squares (n={self.n_samples}, dim={self.dim})"

    def stochastic_grad(self, w: Any, rng: Any, batch_size: int = 1) -> np.ndarray:
        """X_B^T (X_B w - y_B) / |B| on a mini-batch B of ``batch_size`` rows drawn with replacement.

        Args:
            w: one point, shape (dim,).
            rng: a numpy Generator (a seed is refused: a new one each step would repeat the noise).
            batch_size: rows per mini-batch, >= 1.
        """
        w, idx = _minibatch(self, w, rng, batch_size)
        Xb = self.X[idx]
        with np.errstate(over="ignore", invalid="ignore"):
            return Xb.T @ (Xb @ w - self.y[idx]) / batch_size

    def example_grads(self, w: Any) -> np.ndarray:
        """Every example's gradient at one point, shape (n_samples, dim): row i is x_i (x_i . w - y_i).

        Their mean is ``grad(w)``; their spread is the mini-batch noise: a batch of B rows drawn with
        replacement has covariance C(w) / B, C(w) the covariance of these rows (units: loss^2 / parameter^2).

        >>> p = noisy_least_squares(n_samples=50, dim=3)
        >>> bool(np.allclose(p.example_grads(p.w0).mean(axis=0), p.grad(p.w0)))
        True
        """
        w, _ = self._check_stochastic(w, 1)
        return self.X * (self.X @ w - self.y)[:, None]

    def sgd_steps(self, n_steps: int, rng: np.random.Generator, batch_size: int = 1) -> LeastSquaresSGD:
        """Plain mini-batch SGD on this problem, a stretch of steps per call (:class:`LeastSquaresSGD`):
        the run of n_steps updates ``w = w - lr_t * stochastic_grad(w, rng, batch_size)``, up to
        rounding, in array operations instead of a Python step per update.

        >>> p = noisy_least_squares()
        >>> path = p.sgd_steps(1000, np.random.default_rng(0))(p.w0, np.full(1000, 0.1))
        >>> path.shape, bool(p.loss(path[-1]) - p.min_loss < 0.1)
        ((1000, 10), True)
        """
        return LeastSquaresSGD(self, n_steps, batch_size, rng)

    def _params(self) -> dict[str, Any]:
        return {
            "n_samples": self.n_samples,
            "dim": self.dim,
            "noise": self.noise,
            "condition_number": self.condition_number,
            "seed": self.seed,
        }

    # f(w) = min_loss + 1/2 (w - w*)^T H (w - w*) exactly (w* the least-squares solution):
    # cheap over a grid, and accurate for the tiny excess losses near the minimum.
    def _loss(self, w: np.ndarray) -> np.ndarray:
        d = w - self.minimum
        return self.min_loss + 0.5 * np.einsum("...i,ij,...j->...", d, self.H, d)

    def _grad(self, w: np.ndarray) -> np.ndarray:
        return (w - self.minimum) @ self.H

    def _hessian(self, w: np.ndarray) -> np.ndarray:
        return np.broadcast_to(self.H, w.shape[:-1] + self.H.shape).copy()


class LeastSquaresSGD:
    """Plain mini-batch SGD on a :class:`NoisyLeastSquares`, a stretch of steps per call.

    ``advance = problem.sgd_steps(n_steps, rng, batch_size)``; each ``advance(w, lrs)``
    returns the points after the next ``len(lrs)`` steps from ``w`` at rates ``lrs``, shape
    (len(lrs), dim): the run of ``w = w - lrs[t] * problem.stochastic_grad(w, rng, batch_size)``
    up to rounding (about 1e-15 relative). The mini-batches of all n_steps are drawn at once
    (the same stream as a draw per step), so the rates may depend on the run so far (a plateau
    policy) and the batches do not.

    Why it is fast: the update is linear in w, so within a block of steps from w every residual
    r_k = x_k . w_t(k) - y_k (one per sampled row k, t(k) its step) solves a unit lower-triangular
    system, and the points follow by a cumulative sum:

        r_k + sum over rows l of earlier steps of c_l (x_k . x_l) r_l = x_k . w - y_k,   c_l = lrs[t(l)] / batch_size,
        w_t = w - sum over rows l of steps before t of c_l r_l x_l.

    The Gram matrices x_k . x_l do not depend on the rates: built once per block, when first
    needed. A diverging run overflows to inf/nan as the step-by-step loop does.
    """

    #: rows (steps x batch) per block, and blocks whose Gram matrices are built at once: small
    #: enough that BLAS uses one thread (its threads stall on a busy machine)
    ROWS, GROUP = 64, 32

    def __init__(self, problem: NoisyLeastSquares, n_steps: int, batch_size: int, rng: np.random.Generator) -> None:
        self.b = b = check_int("batch_size", batch_size, minimum=1)
        self.n_steps = check_int("n_steps", n_steps, minimum=0)
        self.dim = problem.dim
        self.m = m = max(1, self.ROWS // b)  # steps per block
        k = -(-self.n_steps // m)  # blocks; the last one padded
        idx = as_generator(rng, seed_ok=False).integers(0, problem.n_samples, size=self.n_steps * b)
        idx = np.concatenate([idx, np.zeros(k * m * b - idx.size, dtype=idx.dtype)])
        self.Xs = problem.X[idx].reshape(k, m * b, self.dim)
        self.ys = problem.y[idx].reshape(k, m * b)
        step = np.repeat(np.arange(m), b)
        self._earlier = step[:, None] < step[None, :]  # [l, k]: row l's step comes before row k's
        self._grams: dict[int, np.ndarray] = {}
        self.t = 0  # steps done

    def _gram(self, block: int) -> np.ndarray:
        """[l, k] = x_l . x_k where row l's step comes before row k's, else 0 (upper triangular)."""
        group = block // self.GROUP
        if group not in self._grams:
            X = self.Xs[group * self.GROUP : (group + 1) * self.GROUP]
            self._grams[group] = (X @ X.transpose(0, 2, 1)) * self._earlier
        return self._grams[group][block % self.GROUP]

    def __call__(self, w: np.ndarray, lrs: np.ndarray) -> np.ndarray:
        from scipy.linalg.blas import dtrsv  # BLAS's triangular solve, without scipy.linalg's checks

        lrs = np.asarray(lrs, dtype=float)
        n, b = len(lrs), self.b
        if self.t + n > self.n_steps:
            raise ValueError(f"{n} more steps after {self.t} of n_steps={self.n_steps}")
        out = np.empty((n, self.dim))
        w, done = np.asarray(w, dtype=float), 0
        with np.errstate(all="ignore"):
            while done < n:
                block, first = divmod(self.t + done, self.m)
                take = min(self.m - first, n - done)
                rows = slice(first * b, (first + take) * b)
                X, y = self.Xs[block, rows], self.ys[block, rows]
                coef = lrs[done : done + take] / b
                if b > 1:
                    coef = np.repeat(coef, b)
                upper = self._gram(block)[rows, rows] * coef[:, None]  # a new C-ordered array
                r = dtrsv(upper.T, X @ w - y, lower=1, diag=1)  # .T: the lower system, Fortran-ordered
                moves = (r * coef)[:, None] * X
                if b > 1:
                    moves = moves.reshape(take, b, self.dim).sum(axis=1)
                out[done : done + take] = w - np.cumsum(moves, axis=0)
                w, done = out[done + take - 1], done + take
        self.t += n
        return out


def noisy_least_squares(
    n_samples: int = 1000, dim: int = 10, noise: float = 0.5, condition_number: float = 10.0, seed: int = 0
) -> NoisyLeastSquares:
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
    return NoisyLeastSquares(n_samples=n_samples, dim=dim, noise=noise, condition_number=condition_number, seed=seed)


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

    _CHUNK = 1 << 21  # floats per block when evaluating many points at once

    def __init__(
        self, n_samples: int = 1000, dim: int = 2, separation: float = 1.0, seed: int = 0, l2: float = 1e-3
    ) -> None:
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
        self.X = frozen_array(
            rng.normal(size=(self.n_samples, self.dim)) + self._signs[:, None] * (self.separation / 2) * u
        )
        self.L = float(np.linalg.eigvalsh(self.X.T @ self.X)[-1] / (4 * self.n_samples) + self.l2)
        self.mu = self.l2
        self.w0 = frozen_array(np.zeros(self.dim))
        self.minimum = frozen_array(newton_minimize(self, self.w0))
        self.min_loss = float(self.loss(self.minimum))
        self.bounds = plot_box(np.stack([self.w0, self.minimum]), margin=0.6) if self.dim == 2 else None
        self.name = f"logistic regression (n={self.n_samples}, dim={self.dim})"

    def stochastic_grad(self, w: Any, rng: Any, batch_size: int = 1) -> np.ndarray:
        """The gradient on a mini-batch of ``batch_size`` rows drawn with replacement (l2 term exact).

        Arguments as :meth:`NoisyLeastSquares.stochastic_grad`.
        """
        w, idx = _minibatch(self, w, rng, batch_size)
        s, Xb = self._signs[idx], self.X[idx]
        with np.errstate(over="ignore", invalid="ignore"):
            return -(s * _sigmoid_neg(s * (Xb @ w))) @ Xb / batch_size + self.l2 * w

    def _params(self) -> dict[str, Any]:
        return {
            "n_samples": self.n_samples,
            "dim": self.dim,
            "separation": self.separation,
            "seed": self.seed,
            "l2": self.l2,
        }

    def _blocks(self, w: np.ndarray):
        """Yield (slice, margins s_i x_i.w) over blocks of the flattened points, to bound memory."""
        flat = w.reshape(-1, self.dim)
        step = max(1, self._CHUNK // self.n_samples)
        for start in range(0, len(flat), step):
            block = flat[start : start + step]
            yield slice(start, start + step), block, (block @ self.X.T) * self._signs

    def _loss(self, w: np.ndarray) -> np.ndarray:
        out = np.empty(w.shape[:-1]).reshape(-1)
        for sl, block, m in self._blocks(w):
            out[sl] = np.mean(np.logaddexp(0.0, -m), axis=-1) + 0.5 * self.l2 * np.sum(block**2, axis=-1)
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


def logistic_regression(
    n_samples: int = 1000, dim: int = 2, separation: float = 1.0, seed: int = 0, l2: float = 1e-3
) -> LogisticRegression:
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
