"""Claims of notebook 06 §4 (gradient clipping): what a cap on the gradient does, and does not, rescue.

* ``clipping.rescues_far_starts``: gradient descent on Rosenbrock (b = 100) from 8 random starts far up the
  valley's wall (2 <= |x| <= 3, -1 <= y <= 1; start i drawn from ``default_rng(seed_i)``), 3000 steps at
  lr = 0.0015: the constant rate, a 300-step warm-up to it, and norm clipping at c = 100 (24 NumPy runs per set).
* ``clipping.bowl_limits``: the quadratic bowl of notebook 01 (L = 1, condition number 10) from random starts:
  clipping hides a rate above 2/L (it bounces for ever) and a tight cap slows a healthy rate.
* ``clipping.adam_spike_survives_clipping``: notebook 05 §3's Adam run without warm-up, with ``clip_grad_norm=1``
  (the runs without clipping are shared with ``warmup.py``'s cache).
"""

from __future__ import annotations

import numpy as np

from course_lib import problems, schedules, training
from course_lib.studies.claims.warmup import SEEDS, WARM, spike, student_run
from course_lib.studies.measures import steps_to_tolerance
from course_lib.studies.replication import Claim, Runs, ratio_of_means

NOTEBOOK = "06_warmup_in_practice"

# ---- Rosenbrock from far starts -----------------------------------------------------------------------

CLIP_LR, CLIP_STEPS, CLIP_WARM, CLIP_NORM = 0.0015, 3000, 300, 100.0
FAR_SETUPS = {
    "constant 0.0015": dict(schedule=CLIP_LR),
    "warm-up 300 steps": dict(schedule=schedules.warmup(schedules.constant(CLIP_LR), CLIP_WARM)),
    "clip_norm = 100": dict(schedule=CLIP_LR, clip_norm=CLIP_NORM),
}


def far_start(seed: int) -> np.ndarray:
    """A start far up Rosenbrock's wall: |x| uniform in [2, 3] with a random sign, y uniform in [-1, 1]."""
    r = np.random.default_rng(seed)
    return np.array([r.choice([-1, 1]) * r.uniform(2, 3), r.uniform(-1, 1)])


def far_runs(seeds) -> Runs:
    """One row per start: each set-up of :data:`FAR_SETUPS` (the Histories, and their numbers)."""
    rosen = problems.rosenbrock()
    rows = [
        {
            name: training.run_gd(rosen, n_steps=CLIP_STEPS, w0=far_start(s), label=name, check_horizon=False, **kw)
            for name, kw in FAR_SETUPS.items()
        }
        for s in seeds
    ]
    const, warm, clip = ([r[name] for r in rows] for name in FAR_SETUPS)
    runs = np.empty(len(rows), dtype=object)
    runs[:] = rows

    def final(hs):
        return [np.nan if h.diverged else h.final_loss for h in hs]

    return Runs(
        seeds,
        const_diverged_step=[h.diverged_step if h.diverged else -1 for h in const],
        warm_diverged=[h.diverged for h in warm],
        clip_diverged=[h.diverged for h in clip],
        warm_final=final(warm),
        clip_final=final(clip),
        runs=runs,
    )


def _far_holds(r: Runs) -> bool:
    blew_up = (r["const_diverged_step"] >= 0) & (r["const_diverged_step"] < 10)
    rescued = ~r["warm_diverged"] & ~r["clip_diverged"]
    return bool(np.all(blew_up) and np.all(rescued) and np.median(r["clip_final"]) < 3 * np.median(r["warm_final"]))


rescues_far_starts = Claim(
    "clipping.rescues_far_starts",
    where=f"{NOTEBOOK} §4",
    statement="Rosenbrock from 8 far starts at lr 0.0015: the constant rate diverges within 10 steps from every "
    "start; a 300-step warm-up and clip_norm = 100 both rescue every start, and clipping's median final "
    "loss is below 3 times the warm-up's",
    experiment=far_runs,
    predicate=_far_holds,
    effect=lambda r: ratio_of_means(r["clip_final"], r["warm_final"], "final loss, clipped / warm-up (per start)"),
    notebook_seeds=tuple(range(8)),
)  # about 1 s per set of 8 starts (24 runs of 3000 steps): not in make test


# ---- the bowl: clipping above the limit, and a cap too tight ---------------------------------------------


def bowl_runs(seeds) -> Runs:
    """Per start: lr 2.2 (> 2/L) clipped at 0.5, and lr 1.8 with and without a clip at 0.05."""
    bowl = problems.quadratic_bowl(condition_number=10.0, L=1.0)
    bounced, late_min, all_clipped, healthy, free, tight = [], [], [], [], [], []
    for s in seeds:
        w0 = bowl.random_start(s)
        h = training.run_gd(bowl, 2.2, 500, w0=w0, clip_norm=0.5)
        late = np.linalg.norm(bowl.grad(h.params[-201:-1]), axis=1)
        bounced.append(not h.diverged)
        late_min.append(h.loss[-200:].min())
        all_clipped.append(bool(np.all(late > 0.5)))
        healthy.append(training.run_gd(bowl, 1.8, 500, w0=w0, clip_norm=0.5).final_loss)
        free.append(steps_to_tolerance(training.run_gd(bowl, 1.8, 500, w0=w0), bowl, 1e-10))
        tight.append(steps_to_tolerance(training.run_gd(bowl, 1.8, 500, w0=w0, clip_norm=0.05), bowl, 1e-10))
    return Runs(
        seeds,
        not_diverged=bounced,
        late_min=late_min,
        all_clipped=all_clipped,
        healthy_final=healthy,
        free_steps=free,
        tight_steps=tight,
    )


bowl_limits = Claim(
    "clipping.bowl_limits",
    where=f"{NOTEBOOK} §4",
    statement="on the bowl (L = 1): at lr 2.2 > 2/L with clip_norm 0.5 no start diverges, none converges (loss "
    "above 0.1 over the last 200 steps) and every late step is clipped; at lr 1.8 the same cap is "
    "harmless; clip_norm 0.05 never reaches 1e-10 of the first loss sooner than no clipping, and on "
    "average over the starts it needs more than 1.1 times the steps (about 1.6 times pooled)",
    experiment=bowl_runs,
    predicate=lambda r: bool(
        np.all(r["not_diverged"])
        and np.all(r["late_min"] > 0.1)
        and np.all(r["all_clipped"])
        and np.all(r["healthy_final"] < 1e-20)
        and np.all(r["tight_steps"] >= r["free_steps"])
        and r["tight_steps"].mean() > 1.1 * r["free_steps"].mean()
    ),
    effect=lambda r: ratio_of_means(r["tight_steps"], r["free_steps"], "steps to 1e-10, clip 0.05 / no clipping"),
    notebook_seeds=SEEDS,
    fast=True,
)


# ---- Adam at 0.15 without warm-up, clipped -----------------------------------------------------------------


def _column(values) -> np.ndarray:
    column = np.empty(len(values), dtype=object)
    column[:] = list(values)
    return column


def clipped_adam_runs(seeds) -> Runs:
    """Per seed: §3's runs without warm-up (``cold``), clipped at 1 (``clipped``), and with warm-up (``warm``)."""
    cold = [student_run(s, 0) for s in seeds]
    clipped = [student_run(s, 0, clip=1.0) for s in seeds]
    warm = [student_run(s, WARM) for s in seeds]
    column = np.empty(len(seeds), dtype=object)
    column[:] = clipped
    return Runs(
        seeds,
        clip_spike=[spike(h) for h in clipped],
        cold_val=[h.final_val_loss for h in cold],
        clip_val=[h.final_val_loss for h in clipped],
        warm_val=[h.final_val_loss for h in warm],
        clipped=column,
        cold=_column(cold),
        warm=_column(warm),
    )


adam_spike_survives_clipping = Claim(
    "clipping.adam_spike_survives_clipping",
    shares="warmup.student_run",  # its runs without and with warm-up are warmup_runs' (same seeds)
    where=f"{NOTEBOOK} §4",
    statement="teacher-student MLP, Adam at 0.15 without warm-up, clip_grad_norm = 1: the early loss still rises "
    "above 100 times its first value on every seed; the clipped runs end with a mean validation loss "
    "below the unclipped runs' mean, but above the warm-up runs' mean",
    experiment=clipped_adam_runs,
    predicate=lambda r: bool(
        np.all(r["clip_spike"] > 100)
        and r["clip_val"].mean() < r["cold_val"].mean()
        and r["clip_val"].mean() > r["warm_val"].mean()
    ),
    effect=lambda r: ratio_of_means(r["clip_val"], r["warm_val"], "final val loss, clipped / warm-up (paired)"),
    notebook_seeds=SEEDS,
    needs_torch=True,
)
