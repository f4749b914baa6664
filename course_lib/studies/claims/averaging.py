"""Claims of the averaging lesson (notebook 14): averaging the iterates instead of annealing.

All runs: SGD at batch 1 on ``problems.noisy_least_squares()`` (1000 examples, 10 weights, sigma = 0.5),
from ``problem.w0``, a budget of T = 4000 updates, 10 seeds per set (the final point of one run is a
noisy number: 10 seeds keep a set's mean steady). Scores are final excess losses f(w_T) - f* of the
point each method deploys (:func:`course_lib.studies.averaging.averaging_finals`). The runs of a set
step together (:func:`~course_lib.studies.seed_batch.descent_paths`): seconds per set.

§2 and §3 run one constant rate, 0.1 (its floor ~ 0.25 * lr = 0.025); §5 tunes every arm's rate on
:data:`LRS` on the set's own seeds (so a fresh set re-tunes: the whole protocol replicates, not one
tuned number).
"""

from __future__ import annotations

import numpy as np

from course_lib import problems, schedules
from course_lib.studies.averaging import ARMS, tuned_finals
from course_lib.studies.replication import Claim, Runs, ratio_of_means
from course_lib.studies.seed_batch import descent_paths
from course_lib.training.averaging import ema, tail_average

NOTEBOOK = "14_averaging"
SEEDS = tuple(range(10))
#: The budget (updates) and the constant rate of §2-§3.
T, LR = 4000, 0.1
#: §3: the EMA decays (memories 10, 100, 500 steps).
EMA_DECAYS = (0.9, 0.99, 0.998)
#: §5: the rate grid every arm is tuned on.
LRS = (0.01, 0.02, 0.05, 0.1, 0.2)


def _excess(problem, w) -> np.ndarray:
    return np.asarray(problem.loss(w), dtype=np.float64) - problem.min_loss


# ---- §2-§3: one constant-rate run, averaged three ways -------------------------------------------


def constant_rate_averages(seeds) -> Runs:
    """Final excess loss of SGD at lr = 0.1 (last iterate, tail average of the second half, EMAs of
    EMA_DECAYS) and of cosine decay from 0.1 (last iterate), one row per seed."""
    nls = problems.noisy_least_squares()
    paths = descent_paths(nls, [schedules.constant(LR), schedules.cosine_decay(LR, T)], T, seeds)
    constant = paths[:, 0]
    return Runs(
        seeds,
        last=_excess(nls, constant[-1]),
        tail=_excess(nls, tail_average(constant, T // 2)[-1]),
        ema=np.stack([_excess(nls, ema(constant, d)[-1]) for d in EMA_DECAYS], axis=1),
        cosine=_excess(nls, paths[-1, 1]),
    )


def _tail_holds(r: Runs) -> bool:
    return bool(
        r["tail"].mean() < r["last"].mean() / 10
        and np.all(r["tail"] < r["last"])
        and r["tail"].mean() < 1.5 * r["cosine"].mean()
    )


tail_average_below_floor = Claim(
    "averaging.tail_average_below_floor",
    where=f"{NOTEBOOK} §2",
    statement="at a constant rate 0.1 (batch 1, 4000 steps), the mean of the second half of the iterates ends more "
    "than 10 times below the last iterate (mean of 10 seeds) and below it on every seed, and less than 1.5 "
    "times cosine decay's last iterate from the same rate",
    experiment=constant_rate_averages,
    predicate=_tail_holds,
    effect=lambda r: ratio_of_means(r["last"], r["tail"], "last iterate / tail average (final excess loss)"),
    notebook_seeds=SEEDS,
    fresh_sets=20,
)


def _ema_holds(r: Runs) -> bool:
    mean = r["ema"].mean(axis=0)  # one mean per decay of EMA_DECAYS
    return bool(
        np.all(np.diff(mean) < 0)
        and mean[0] < r["last"].mean()
        and mean[-1] < r["last"].mean() / 8
        and r["tail"].mean() < mean[-1]
    )


ema_floor_falls_with_memory = Claim(
    "averaging.ema_floor_falls_with_memory",
    where=f"{NOTEBOOK} §3",
    statement="an EMA of the iterates at a constant rate 0.1 keeps a floor that falls as its memory grows: decays "
    "0.9, 0.99, 0.998 (memories 10, 100, 500 steps) end lower in that order, all below the last iterate, "
    "0.998 more than 8 times below it, and the tail average of 2000 iterates lower still (means of 10 seeds)",
    experiment=constant_rate_averages,
    predicate=_ema_holds,
    effect=lambda r: ratio_of_means(r["last"], r["ema"][:, -1], "last iterate / EMA 0.998 (final excess loss)"),
    notebook_seeds=SEEDS,
    fresh_sets=20,
)


# ---- §5: every method at its own tuned rate, equal budget ----------------------------------------


def equal_budget(seeds) -> Runs:
    """Final excess loss of every arm of ``studies.averaging.ARMS`` at its best rate of LRS on these seeds
    (``arm`` columns in ARMS order), and the rate each chose (the same on every row)."""
    rates, finals, _ = tuned_finals(problems.noisy_least_squares(), LRS, T, seeds)
    return Runs(
        seeds,
        final=np.stack([finals[a] for a in ARMS], axis=1),
        rate=[[rates[a] for a in ARMS]] * len(seeds),
    )


def finals_of(runs: Runs) -> dict[str, np.ndarray]:
    """arm -> final excess loss per seed (each arm at its tuned rate)."""
    return {arm: runs["final"][:, j] for j, arm in enumerate(ARMS)}


def _averages_match_cosine(r: Runs) -> bool:
    f = {a: v.mean() for a, v in finals_of(r).items()}
    averaged = ("constant + tail average", "constant + EMA", "constant + SWA", "schedule-free")
    return bool(
        all(0.5 < f[a] / f["cosine"] < 1.5 for a in ("constant + tail average", "constant + SWA"))
        and all(f[a] < f["constant"] for a in averaged)
    )


averages_match_cosine = Claim(
    "averaging.averages_match_cosine",
    where=f"{NOTEBOOK} §5",
    statement="at an equal budget of 4000 steps, each method at its own best rate of 0.01-0.2: the tail average and "
    "SWA of a constant-rate run end within a factor of 1.5 of cosine decay (either side), and every "
    "averaging method (tail, EMA 0.99, SWA, schedule-free) ends below the constant rate's last iterate "
    "(means of 10 seeds)",
    experiment=equal_budget,
    predicate=_averages_match_cosine,
    effect=lambda r: ratio_of_means(
        finals_of(r)["constant + tail average"], finals_of(r)["cosine"], "tail average / cosine (final excess loss)"
    ),
    notebook_seeds=SEEDS,
    fresh_sets=20,
)


def _schedule_free_between(r: Runs) -> bool:
    f = {a: v.mean() for a, v in finals_of(r).items()}
    return bool(f["cosine"] < f["schedule-free"] < f["constant"])


schedule_free_between = Claim(
    "averaging.schedule_free_between",
    where=f"{NOTEBOOK} §5",
    statement="on noisy least squares at an equal budget (each at its best rate, 10 seeds), schedule-free SGD ends "
    "between cosine decay (lower) and the constant rate's last iterate (higher): its uniform average "
    "still carries the first steps",
    experiment=equal_budget,
    predicate=_schedule_free_between,
    effect=lambda r: ratio_of_means(
        finals_of(r)["schedule-free"], finals_of(r)["cosine"], "schedule-free / cosine (final excess loss)"
    ),
    notebook_seeds=SEEDS,
    fresh_sets=20,
)

__all__ = [
    "constant_rate_averages",
    "equal_budget",
    "finals_of",
    "tail_average_below_floor",
    "ema_floor_falls_with_memory",
    "averages_match_cosine",
    "schedule_free_between",
]
