"""Many seeds and rates of one mini-batch descent on a least-squares problem, as one array computation.

The replication claims about noise floors run SGD or Adam on ``problems.noisy_least_squares()`` for
thousands of steps, once per (rate, seed): a Python loop of small NumPy operations per step and per run.
Here every run of a study steps together: one Python loop over the steps, the runs along the leading
axes. Each run is the run of :func:`~course_lib.training.gd.run_gd` (or ``run_adaptive``) with the same
seed: the mini-batch rows come from ``np.random.default_rng(seed).integers(0, n, size=batch_size)`` drawn
step after step, which is the stream one ``integers(0, n, size=(n_steps, batch_size))`` gives at once;
the update is the same formula, so the late excess losses agree with the one-run-at-a-time loop to the
last bits (mostly exactly; a dot product's summation order can follow memory alignment, which moves the
last bit: tests/studies/test_seed_batch.py allows 1e-12 relative). About ten times faster for 3 seeds.

>>> from course_lib import problems as P
>>> nls = P.noisy_least_squares()
>>> floors = late_excess_losses(nls, [0.04, 0.01], 2000, seeds=[0, 1], batch_size=4, w0=nls.minimum, window=1500)
>>> floors.shape, bool(np.all((floors > 1e-4) & (floors < 1e-2)))   # (rates, seeds)
((2, 2), True)
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from course_lib.training.gd import DEFAULT_EPS
from course_lib.training.plan import rates
from course_lib.validation import check_in, check_int, check_positive

__all__ = ["minibatch_rows", "descent_paths", "late_excess_losses"]


def minibatch_rows(n_samples: int, n_steps: int, batch_size: int, seeds: Sequence[int]) -> np.ndarray:
    """The mini-batch rows each seed's run draws, shape (n_steps, len(seeds), batch_size).

    Row ``[t, i]`` is what ``problem.stochastic_grad(w, rng, batch_size)`` draws at step t of a run with
    ``rng = np.random.default_rng(seeds[i])`` (one ``integers`` call per step; drawn here in one call).
    """
    draws = [
        np.random.default_rng(check_int("seed", s, minimum=0)).integers(0, n_samples, size=(n_steps, batch_size))
        for s in seeds
    ]
    return np.stack(draws, axis=1)


def descent_paths(
    problem: Any,
    schedules: Sequence[Any],
    n_steps: int,
    seeds: Sequence[int],
    *,
    batch_size: int = 1,
    w0: Any = None,
    method: str = "sgd",
    momentum: float | Sequence[float] = 0.0,
    betas: tuple[float, float] = (0.9, 0.999),
) -> np.ndarray:
    """The parameter paths of every (schedule, seed) run, shape (n_steps + 1, len(schedules), len(seeds), dim).

    ``path[:, k, i]`` is ``run(problem, schedules[k], n_steps, w0=w0, batch_size=batch_size,
    seed=seeds[i]).params`` with ``run`` as in :func:`late_excess_losses` (same arguments), while no run
    diverges (a diverged run's path goes on with inf or nan: :func:`late_excess_losses` reports it).
    """
    method = check_in("method", method, ("sgd", "adam"))
    n_steps = check_int("n_steps", n_steps, minimum=1)
    batch_size = check_int("batch_size", batch_size, minimum=1)
    X, y = np.asarray(problem.X, dtype=np.float64), np.asarray(problem.y, dtype=np.float64)
    lrs = np.stack([rates(s, n_steps) for s in schedules])  # (K, T)
    moms = np.broadcast_to(np.asarray(momentum, dtype=np.float64), (len(lrs),))
    if not np.all((moms >= 0) & (moms < 1)):
        raise ValueError(f"momentum must be in [0, 1), one value or one per schedule, got momentum={momentum!r}")
    if method != "sgd" and np.any(moms > 0):
        raise ValueError(f"momentum is SGD's: method={method!r} needs momentum=0, got momentum={momentum!r}")
    heavy = moms[:, None, None]
    rows = minibatch_rows(len(X), n_steps, batch_size, seeds)  # (T, S, B)
    start = np.array(problem.w0 if w0 is None else w0, dtype=np.float64)
    w = np.array(np.broadcast_to(start, (len(lrs), len(seeds), len(start))))  # (K, S, d)
    path = np.empty((n_steps + 1,) + w.shape)
    path[0] = w
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    b1, b2 = betas
    eps = DEFAULT_EPS["adam"]
    with np.errstate(all="ignore"):
        for t in range(n_steps):
            Xb = X[rows[t]]  # (S, B, d); matmul, as stochastic_grad's Xb.T @ (Xb @ w - y_B) / B, run by run
            residual = (Xb @ w[..., None])[..., 0] - y[rows[t]]  # (K, S, B)
            g = (Xb.transpose(0, 2, 1) @ residual[..., None])[..., 0] / batch_size  # (K, S, d)
            lr = lrs[:, t, None, None]
            if method == "sgd" and not heavy.any():
                w = w - lr * g
            elif method == "sgd":  # update_rules.momentum_step: v = m v + g; w = w - lr v (m = 0: plain SGD)
                m = heavy * m + g
                w = w - lr * m
            else:  # update_rules.adam_step, elementwise
                m = b1 * m + (1 - b1) * g
                v = b2 * v + (1 - b2) * g * g
                m_hat = m / (1 - b1 ** (t + 1))
                v_hat = v / (1 - b2 ** (t + 1))
                w = w - lr * m_hat / (np.sqrt(v_hat) + eps)
            path[t + 1] = w
    return path


def late_excess_losses(
    problem: Any,
    schedules: Sequence[Any],
    n_steps: int,
    seeds: Sequence[int],
    *,
    batch_size: int = 1,
    w0: Any = None,
    window: int = 1000,
    method: str = "sgd",
    momentum: float | Sequence[float] = 0.0,
    betas: tuple[float, float] = (0.9, 0.999),
    max_norm: float = 1e6,
) -> np.ndarray:
    """Late excess loss of every (schedule, seed) run, shape (len(schedules), len(seeds)).

    Entry ``[k, i]`` is ``late_excess_loss(run(problem, schedules[k], n_steps, w0=w0,
    batch_size=batch_size, seed=seeds[i]), problem, window)`` with ``run`` = ``run_gd`` (``method="sgd"``,
    with ``momentum``) or ``run_adaptive(..., method="adam", betas=betas)``: the mean of loss - min_loss over
    the last ``window`` of the losses recorded before each update; ``inf`` for a run that diverged
    (a parameter norm above ``max_norm`` or a non-finite loss).

    Args:
        problem: a least-squares problem with ``X``, ``y``, ``minimum``, ``min_loss`` and a vectorised
            ``loss`` (``problems.noisy_least_squares()``).
        schedules: schedules or constant rates, one row of runs each.
        n_steps: updates per run (>= window).
        seeds: mini-batch seeds, one run per schedule each.
        batch_size: rows per mini-batch (>= 1).
        w0: the start of every run; default ``problem.w0``.
        window: final recorded steps averaged (>= 1).
        method: "sgd" or "adam".
        momentum: SGD's heavy-ball momentum in [0, 1) (torch's convention, ``update_rules.momentum_step``),
            one for every schedule or one per schedule.
        betas: Adam's (beta1, beta2).
        max_norm: a parameter norm above this counts as divergence.
    """
    window = check_int("window", window, minimum=1)
    n_steps = check_int("n_steps", n_steps, minimum=window)
    max_norm = check_positive("max_norm", max_norm)
    path = descent_paths(
        problem, schedules, n_steps, seeds, batch_size=batch_size, w0=w0, method=method, momentum=momentum, betas=betas
    )
    with np.errstate(all="ignore"):
        runs = np.ascontiguousarray(path[:n_steps].transpose(1, 2, 0, 3))  # (K, S, T, d): one run a row
        losses = problem.loss(runs.reshape(-1, path.shape[-1])).reshape(runs.shape[:-1])  # (K, S, T)
        late = losses[..., -window:].mean(axis=-1) - problem.min_loss
        sq = np.einsum("tksd,tksd->tks", path[1:], path[1:])
        diverged = ~np.all(sq <= max_norm * max_norm, axis=0) | ~np.all(np.isfinite(losses), axis=-1)
    return np.where(diverged, np.inf, late)
