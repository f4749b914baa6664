"""Averaging against annealing at an equal budget: the runs behind the averaging lesson's claims.

Every arm spends the same ``n_steps`` mini-batch gradients of ``problems.noisy_least_squares()`` and is
scored by the excess loss f(w) - f* of the point it would deploy after the last update (loss units):

* ``"constant"``: SGD at a constant rate, its last iterate (it sits at the noise floor ~ lr sigma^2 tr(H) / 4B);
* ``"constant + tail average"``: the same run, Polyak–Ruppert mean of the second half of the iterates;
* ``"constant + EMA"``: the same run, an EMA of the iterates (``ema_decay``);
* ``"constant + SWA"``: the same run, the mean of one iterate every ``swa_every`` steps of the second half;
* ``"cosine"``: SGD under cosine decay from the rate to 0, its last iterate;
* ``"WSD"``: SGD held at the rate, then a linear decay to 0 over the last 20 % (no warm-up), its last iterate;
* ``"schedule-free"``: schedule-free SGD at the rate (``beta``), its x.

The runs of a study step together (:func:`~course_lib.studies.seed_batch.descent_paths`): the SGD
paths are those of ``training.run_gd(problem, schedule, n_steps, batch_size=B, seed=s)`` and the
schedule-free ones those of ``training.run_schedule_free(problem, lr, n_steps, batch_size=B, seed=s)``
(the same mini-batches; tests/studies/test_averaging.py checks both).

>>> from course_lib import problems
>>> finals = averaging_finals(problems.noisy_least_squares(), 0.05, 1000, seeds=[0, 1])
>>> sorted(finals) == sorted(ARMS), finals["constant"].shape
(True, (2,))
"""

from __future__ import annotations

import dataclasses
from typing import Any, Sequence

import numpy as np

from course_lib import schedules as S
from course_lib.studies.seed_batch import descent_paths, minibatch_rows
from course_lib.training.averaging import ema, schedule_free_path, swa, tail_average
from course_lib.training.history import History
from course_lib.validation import check_int, check_positive

__all__ = [
    "ARMS",
    "AVERAGING_ARMS",
    "SGD_ARMS",
    "averaged_history",
    "arm_schedules",
    "schedule_free_paths",
    "averaging_finals",
    "tuned_finals",
]

#: Every arm of the comparison, in the order figures and tables show them.
ARMS = (
    "constant",
    "constant + tail average",
    "constant + EMA",
    "constant + SWA",
    "cosine",
    "WSD",
    "schedule-free",
)
#: The same tuple under the name the studies room exports.
AVERAGING_ARMS = ARMS
#: The arms that anneal the rate (scored at their last iterate).
SGD_ARMS = ("constant", "cosine", "WSD")


def averaged_history(history: History, problem: Any, params: Any, label: str) -> History:
    """A copy of ``history`` whose params are an averaged path and whose loss is its excess f(w_bar_t) - f*.

    ``params``: the averaged path (``training.tail_average(history.params, ...)`` and the like), the shape of
    ``history.params``; ``loss[t]`` is the excess loss at ``params[t]``, t < n (loss units), ready for
    ``plotting.plot_runs(..., log=True)``.
    """
    params = np.asarray(params, dtype=np.float64)
    if history.params is None or params.shape != np.shape(history.params):
        raise ValueError(f"params must have the shape of history.params, got {params.shape}")
    excess = np.asarray(problem.loss(params[:-1]), dtype=np.float64) - problem.min_loss
    return dataclasses.replace(history, params=params, loss=excess, label=label)


def arm_schedules(lr: float, n_steps: int) -> dict[str, Any]:
    """The three SGD schedules of the comparison: constant, cosine to 0, WSD (hold, linear decay over the last 20 %)."""
    lr = check_positive("lr", lr)
    n_steps = check_int("n_steps", n_steps, minimum=5)
    return {
        "constant": S.constant(lr),
        "cosine": S.cosine_decay(lr, total_steps=n_steps),
        "WSD": S.warmup_stable_decay(lr, n_steps, 0, n_steps // 5),
    }


def schedule_free_paths(
    problem: Any,
    lr: Any,
    n_steps: int,
    seeds: Sequence[int],
    *,
    batch_size: int = 1,
    w0: Any = None,
    beta: float = 0.9,
    warmup_steps: int = 0,
) -> np.ndarray:
    """The x paths of schedule-free SGD for every seed, shape (n_steps + 1, len(seeds), dim).

    ``[:, i]`` is ``training.run_schedule_free(problem, lr, n_steps, beta=beta, warmup_steps=warmup_steps,
    batch_size=batch_size, seed=seeds[i], w0=w0).params`` (the same mini-batch rows as ``run_gd``).
    """
    X, y = np.asarray(problem.X, dtype=np.float64), np.asarray(problem.y, dtype=np.float64)
    rows = minibatch_rows(len(X), n_steps, batch_size, seeds)  # (T, S, B)
    start = np.array(problem.w0 if w0 is None else w0, dtype=np.float64)

    def grad(w: np.ndarray, t: int) -> np.ndarray:  # (S, d): stochastic_grad of each seed's run
        Xb = X[rows[t]]
        residual = (Xb @ w[..., None])[..., 0] - y[rows[t]]
        return (Xb.transpose(0, 2, 1) @ residual[..., None])[..., 0] / batch_size

    w = np.array(np.broadcast_to(start, (len(seeds), len(start))))
    xs, _, _ = schedule_free_path(grad, w, lr, n_steps, beta=beta, warmup_steps=warmup_steps)
    return xs


def averaging_finals(
    problem: Any,
    lr: float,
    n_steps: int,
    seeds: Sequence[int],
    *,
    batch_size: int = 1,
    ema_decay: float = 0.99,
    swa_every: int = 50,
    beta: float = 0.9,
) -> dict[str, np.ndarray]:
    """Arm name (:data:`ARMS`) -> the final excess loss f(w_T) - f* of each seed's run, shape (len(seeds),).

    Args:
        problem: ``problems.noisy_least_squares()`` (or any least-squares problem with X, y, loss, min_loss).
        lr: the rate of every arm (the constant rate, the peak of cosine and WSD, schedule-free's rate).
        n_steps: the budget T in updates (each arm takes T mini-batch gradients).
        seeds: mini-batch seeds (the same for every arm: the comparison is paired).
        batch_size: rows per mini-batch.
        ema_decay: the EMA's decay (memory 1 / (1 - decay) steps).
        swa_every: steps between two SWA samples (from T/2 on).
        beta: schedule-free's interpolation.

    A diverged run scores inf.
    """
    n_steps = check_int("n_steps", n_steps, minimum=5)
    sched = arm_schedules(lr, n_steps)
    paths = descent_paths(problem, list(sched.values()), n_steps, seeds, batch_size=batch_size)  # (T+1, K, S, d)
    constant = paths[:, 0]
    half = n_steps // 2
    last = {
        "constant": constant[-1],
        "constant + tail average": tail_average(constant, half)[-1],
        "constant + EMA": ema(constant, ema_decay)[-1],
        "constant + SWA": swa(constant, half, swa_every)[-1],
        "cosine": paths[-1, 1],
        "WSD": paths[-1, 2],
        "schedule-free": schedule_free_paths(problem, lr, n_steps, seeds, batch_size=batch_size, beta=beta)[-1],
    }
    with np.errstate(all="ignore"):
        out = {name: np.asarray(problem.loss(w), dtype=np.float64) - problem.min_loss for name, w in last.items()}
    return {name: np.where(np.isfinite(v), v, np.inf) for name, v in out.items()}


def tuned_finals(
    problem: Any, lrs: Sequence[float], n_steps: int, seeds: Sequence[int], **options: Any
) -> tuple[dict[str, float], dict[str, np.ndarray], np.ndarray]:
    """Each arm at its own best rate of ``lrs`` (lowest mean final excess loss over ``seeds``).

    Returns:
        (best rate per arm, final excess loss per arm at that rate (per seed), the whole table of shape
        (len(lrs), len(ARMS), len(seeds))).
    """
    table = np.stack(
        [np.stack([v for v in averaging_finals(problem, lr, n_steps, seeds, **options).values()]) for lr in lrs]
    )
    best = np.argmin(table.mean(axis=-1), axis=0)  # one rate index per arm
    rates = {arm: float(lrs[best[j]]) for j, arm in enumerate(ARMS)}
    finals = {arm: table[best[j], j] for j, arm in enumerate(ARMS)}
    return rates, finals, table
