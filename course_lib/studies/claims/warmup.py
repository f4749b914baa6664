"""Claims of notebook 05 (warm-up), §1.1 and §3 and Exercise 3: sharpness at the start, Adam's early spike.

* §1.1 ``warmup.sharpness_tracks_rate``: the digits MLP (128, 128) trained with SGD (batch 64) under a
  10-epoch cosine, on raw pixels at peak 0.1, on raw pixels at peak 0.02 (the control), and on
  standardised pixels at 0.1; the sharpness (top Hessian eigenvalue, ``studies.sharpness``) after
  every epoch. One seed per set (three runs of 10 epochs with 11 sharpness measurements: 3-6 s).
* §3 ``warmup.adam_spike_without_warmup`` and ``warmup.warmup_ends_lower``: the teacher-student MLP
  (64, 64) with Adam at peak 0.15, a 15-epoch cosine, with and without a 50-step warm-up (two runs of
  360 updates per seed, about 0.4 s each).
* §4 ``warmup.shortest_warmup_on_grid``: Exercise 3's reference answer (the shortest warm-up on
  ``exercises.WARMUP_GRID`` that removes the spike on every seed of a set), 3-epoch runs.

The teacher-student runs are cached by (schedule, seed, clip), so the clipping claims of notebook 06
§4 (``clipping.py``) reuse the same runs in the notebook and in a replication.
"""

from __future__ import annotations

import functools
import math
from typing import Any, NamedTuple

import numpy as np

from course_lib import problems, schedules, training
from course_lib.studies.replication import Claim, Runs, proportion, ratio_of_means

NOTEBOOK = "05_warmup"

# ---- §1.1: the sharpness at initialisation, and what the rate does to it ----------------------------

#: SGD (no momentum), batch 64, a cosine over 10 epochs from these peaks; the control runs at a 5x smaller peak.
SHARP_LR, SHARP_CONTROL_LR, SHARP_EPOCHS, SHARP_BATCH = 0.1, 0.02, 10, 64
#: label -> (pixels standardised?, peak rate) of the three runs of one seed.
SHARP_RUNS = {
    "raw pixels, lr 0.1": (False, SHARP_LR),
    "raw pixels, lr 0.02 (control)": (False, SHARP_CONTROL_LR),
    "standardised pixels, lr 0.1": (True, SHARP_LR),
}


def sharp_schedule(peak: float = SHARP_LR):
    """The cosine of §1.1: from ``peak`` to 0 over 10 epochs of batch-64 updates on the digits."""
    steps = math.ceil(problems.load_digits().n_train / SHARP_BATCH)
    return schedules.cosine_decay(peak, SHARP_EPOCHS * steps)


def sharpness_traces(seeds) -> Runs:
    """For each seed, the three runs of :data:`SHARP_RUNS` (one column of SharpnessTraces per label).

    Columns: ``raw``, ``control``, ``standardised`` (sharpness after epochs 0..10, one row per seed), and
    ``traces`` (per seed, a dict label -> ``studies.SharpnessTrace``, for plots).
    """
    from course_lib.studies.warmup import sharpness_during_training

    data = {False: problems.load_digits(standardize=False), True: problems.load_digits()}
    rows = []
    for s in seeds:
        rows.append(
            {
                label: sharpness_during_training(
                    training.mlp(64, 10, hidden=(128, 128), seed=s),
                    data[std],
                    sharp_schedule(peak),
                    epochs=SHARP_EPOCHS,
                    batch_size=SHARP_BATCH,
                    seed=s,
                    label=label,
                )
                for label, (std, peak) in SHARP_RUNS.items()
            }
        )
    raw, control, standard = ([r[label].sharpness for r in rows] for label in SHARP_RUNS)
    traces = np.empty(len(rows), dtype=object)
    traces[:] = rows
    return Runs(seeds, raw=raw, control=control, standardised=standard, traces=traces)


def _sharpness_holds(r: Runs) -> bool:
    raw, control, standard = r["raw"], r["control"], r["standardised"]
    return bool(
        np.all(raw[:, 0] > 2 / SHARP_LR)  # init: above the peak's limit 2/0.1 = 20
        and np.all(raw[:, -1] < 2 / SHARP_LR)  # ends below it (SGD settles below 2/lr)
        and np.all(control[:, -1] > 3 * raw[:, -1])  # the control (5x smaller rate) ends 3x+ sharper
        and np.all((raw[:, -1] > 0.35 * 2 / SHARP_LR) & (raw[:, -1] < 0.85 * 2 / SHARP_LR))
        and np.all((control[:, -1] > 0.35 * 2 / SHARP_CONTROL_LR) & (control[:, -1] < 0.85 * 2 / SHARP_CONTROL_LR))
        and np.all(standard[:, 0] < 1)
        and np.all(standard[:, -1] > 2 * standard[:, 0])
        and np.all(standard < 2 / SHARP_LR / 4)
    )


sharpness_tracks_rate = Claim(
    "warmup.sharpness_tracks_rate",
    where=f"{NOTEBOOK} §1.1",
    statement="digits MLP (128, 128), SGD batch 64, 10-epoch cosine: on raw pixels the sharpness at initialisation "
    "is above 2/lr = 20 of the peak 0.1 and ends below it; the same network at a 5 times smaller peak "
    "(0.02) ends 3 or more times sharper; both end "
    "between 0.35 and 0.85 of their peak's limit 2/lr (20 and 100); on "
    "standardised pixels the sharpness starts below 1, at least doubles, and stays below a quarter "
    "of the limit",
    experiment=sharpness_traces,
    predicate=_sharpness_holds,
    effect=lambda r: ratio_of_means(
        r["control"][:, -1], r["raw"][:, -1], "final sharpness, peak 0.02 / peak 0.1 (the rates' ratio is 5)"
    ),
    notebook_seeds=(0,),
    needs_torch=True,
)


# ---- §3: Adam at 0.15 on the teacher-student MLP, with and without warm-up ---------------------------

#: §3: Adam's peak, the warm-up length, epochs and batch (15 epochs of 24 updates: T = 360).
PEAK, WARM, EPOCHS, BATCH = 0.15, 50, 15, 64


@functools.lru_cache(maxsize=1)
def teacher_student():
    """The regression data of §3: 2000 examples (1500 train), 20 inputs, a tanh teacher of 32 units, noise 0.1."""
    return problems.teacher_student_dataset(n_samples=2000, d_in=20, hidden=32, noise=0.1)


def total_steps() -> int:
    return EPOCHS * math.ceil(teacher_student().n_train / BATCH)


def student_schedule(warm: int = WARM):
    """The cosine from PEAK to 0 at T, behind a ``warm``-step linear warm-up (none for ``warm=0``)."""
    if warm == 0:
        return schedules.cosine_decay(PEAK, total_steps())
    return schedules.warmup(schedules.cosine_decay(PEAK, total_steps() - warm), warm)


def student():
    """A fresh student MLP (20 -> 64 -> 64 -> 1); its initialisation comes from the run's seed."""
    return training.mlp(20, 1, hidden=(64, 64), seed=None)


@functools.lru_cache(maxsize=512)
def student_run(
    seed: int,
    warm: int = WARM,
    clip: float | None = None,
    epochs: int = EPOCHS,
    optimizer: str = "adam",
    beta2: float = 0.999,
):
    """One run of §3 (cached: §3, notebook 06's clipping and RAdam sections and the exercise share runs).

    ``optimizer`` "adam" or "radam" (torch's RAdam), ``beta2`` its second-moment decay.
    """
    label = "no warm-up" if warm == 0 else f"warm-up {warm} steps"
    if optimizer != "adam" or beta2 != 0.999:
        label = f"{'RAdam' if optimizer == 'radam' else 'Adam'}, β₂ = {beta2:g}, {label}"
    return training.train_torch(
        student,
        teacher_student(),
        student_schedule(warm),
        epochs=epochs,
        batch_size=BATCH,
        optimizer=optimizer,
        loss="mse",
        seed=int(seed),
        clip_grad_norm=clip,
        betas=(0.9, beta2),
        check_horizon=epochs == EPOCHS,
        label=label,
    )


class StudentSetup(NamedTuple):
    """§3's experiment as a later notebook (06, warm-up in practice) uses it without re-running §3.

    ``data`` is the teacher-student dataset; ``peak`` Adam's peak rate; ``warm`` the warm-up (updates);
    ``epochs`` and ``batch`` the run's length and batch size; ``steps_per_epoch`` and ``total`` the
    updates per epoch and in the run; ``schedule`` the warmed-up cosine (rate per update).
    """

    data: Any
    peak: float
    warm: int
    epochs: int
    batch: int
    steps_per_epoch: int
    total: int
    schedule: Any


def student_setup() -> StudentSetup:
    """The setting of §3 (one home: notebooks 05 and 06 both read it from here).

    >>> setup = student_setup()
    >>> setup.peak, setup.warm, setup.steps_per_epoch, setup.total
    (0.15, 50, 24, 360)
    """
    data = teacher_student()
    per_epoch = math.ceil(data.n_train / BATCH)
    return StudentSetup(data, PEAK, WARM, EPOCHS, BATCH, per_epoch, EPOCHS * per_epoch, student_schedule(WARM))


def spike(history, window: int = WARM) -> float:
    """The worst loss of the first ``window`` updates over the first loss."""
    return float(np.max(history.loss[:window]) / history.loss[0])


def spike_step(history, factor: float = 100.0) -> int:
    """The first step whose loss exceeds ``factor`` times the first loss (-1 if none in the first 50)."""
    above = np.flatnonzero(history.loss[:WARM] > factor * history.loss[0])
    return int(above[0]) if above.size else -1


def _object_column(values) -> np.ndarray:
    column = np.empty(len(values), dtype=object)
    column[:] = list(values)
    return column


def warmup_runs(seeds) -> Runs:
    """Per seed: the run without warm-up (``cold``) and with the 50-step warm-up (``warm``), same seed.

    Numbers: ``cold_spike``, ``warm_spike`` (worst loss of the first 50 updates / first loss),
    ``cold_step30`` (the first step whose loss is 30x the first; the loss at step t is measured before
    update t, so step 3 is after three updates), ``cold_val``, ``warm_val`` (final validation loss).
    """
    cold = [student_run(s, 0) for s in seeds]
    warm = [student_run(s, WARM) for s in seeds]
    return Runs(
        seeds,
        cold_spike=[spike(h) for h in cold],
        warm_spike=[spike(h) for h in warm],
        cold_step30=[spike_step(h, 30) for h in cold],
        cold_val=[h.final_val_loss for h in cold],
        warm_val=[h.final_val_loss for h in warm],
        cold=_object_column(cold),
        warm=_object_column(warm),
    )


SEEDS = (0, 1, 2)

adam_spike_without_warmup = Claim(
    "warmup.adam_spike_without_warmup",
    shares="warmup.student_run",  # student_run's runs, also read by clipping.adam_spike_survives_clipping
    where=f"{NOTEBOOK} §3",
    statement="teacher-student MLP, Adam at peak 0.15: without warm-up the training loss rises more than 30-fold "
    "within the first three updates, on every seed; with a 50-step warm-up the loss of the first 50 "
    "updates stays below 3 times its first value, on every seed",
    experiment=warmup_runs,
    predicate=lambda r: bool(np.all((r["cold_step30"] >= 1) & (r["cold_step30"] <= 3)) and np.all(r["warm_spike"] < 3)),
    effect=lambda r: proportion(r["cold_spike"] > 100, "seeds whose early loss rises more than 100-fold"),
    notebook_seeds=SEEDS,
    needs_torch=True,
)


def _warm_ends_lower(r: Runs) -> bool:
    cold, warm = r["cold_val"], r["warm_val"]
    return bool(np.all(cold > warm) and warm.max() < 0.08 and cold.mean() > 1.4 * warm.mean())


warmup_ends_lower = Claim(
    "warmup.warmup_ends_lower",
    shares="warmup.student_run",
    where=f"{NOTEBOOK} §3",
    statement="teacher-student MLP, Adam at peak 0.15: with the 50-step warm-up every seed ends with a validation "
    "loss below 0.08 and below the same seed without warm-up, and the mean without warm-up is more "
    "than 1.4 times the mean with it",
    experiment=warmup_runs,
    predicate=_warm_ends_lower,
    effect=lambda r: ratio_of_means(
        r["cold_val"], r["warm_val"], "final val loss, no warm-up / warm-up (paired by seed)"
    ),
    notebook_seeds=SEEDS,
    needs_torch=True,
)


# ---- §9, Exercise 3: the shortest warm-up that removes the spike ---------------------------------------

#: Exercise 3's grid (``exercises.WARMUP_GRID``), its threshold on worst/first loss, and its 3-epoch runs.
WARMUP_GRID, SPIKE_THRESHOLD, SHORT_EPOCHS = (0, 2, 5, 10, 20, 50), 1.5, 3


def warmup_grid_spikes(seeds) -> Runs:
    """Per seed, worst/first loss of the first 50 updates for each W of the grid (3-epoch runs)."""
    return Runs(seeds, spike=[[spike(student_run(s, W, epochs=SHORT_EPOCHS)) for W in WARMUP_GRID] for s in seeds])


def shortest_warmup(r: Runs) -> int:
    """The smallest W of the grid whose spike stays below the threshold on every seed (-1: none)."""
    ok = np.all(r["spike"] < SPIKE_THRESHOLD, axis=0)
    return int(WARMUP_GRID[int(np.argmax(ok))]) if ok.any() else -1


shortest_warmup_on_grid = Claim(
    "warmup.shortest_warmup_on_grid",
    where=f"{NOTEBOOK} §4",
    statement="Exercise 3's reference answer, 20 updates on seeds 0-2 (the shortest warm-up on the grid 0, 2, 5, 10, "
    "20, 50 whose first 50 losses stay below 1.5 times the first on every seed of 3), comes out on "
    "50 % of fresh 3-seed sets; on the others it is 50 or none",
    experiment=warmup_grid_spikes,
    predicate=lambda r: shortest_warmup(r) == 20,
    effect=lambda r: proportion(
        r["spike"][:, WARMUP_GRID.index(20)] < SPIKE_THRESHOLD,
        "seeds whose first 50 losses stay below 1.5x the first at W = 20",
    ),
    notebook_seeds=SEEDS,
    needs_torch=True,
)


# ---- notebook 06 §6: warm-up or RAdam? and beta2's unreliable window -----------------------------------

#: Ma & Yarats (2021): Adam's second moment is unreliable for about 2 / (1 - beta2) steps; warm up that long.
SHORT_BETA2 = 0.95
RULE_WARM = round(2 / (1 - SHORT_BETA2))  # 40 updates


def rectified_runs(seeds) -> Runs:
    """Per seed, §3's setting without warm-up under RAdam, and Adam at beta2 = 0.95 without and with 40 warm-up steps.

    Numbers: ``adam_spike``, ``radam_spike``, ``b95_spike``, ``b95_warm_spike`` (worst of the first 50
    losses / first loss), ``adam_val``, ``warm_val``, ``radam_val`` (final validation loss: Adam without and
    with the 50-step warm-up, RAdam without); the runs as object columns ``radam``, ``b95``, ``b95_warm``.
    """
    adam = [student_run(s, 0) for s in seeds]
    warm = [student_run(s, WARM) for s in seeds]
    radam = [student_run(s, 0, optimizer="radam") for s in seeds]
    b95 = [student_run(s, 0, beta2=SHORT_BETA2) for s in seeds]
    b95_warm = [student_run(s, RULE_WARM, beta2=SHORT_BETA2) for s in seeds]
    return Runs(
        seeds,
        adam_spike=[spike(h) for h in adam],
        radam_spike=[spike(h) for h in radam],
        b95_spike=[spike(h) for h in b95],
        b95_warm_spike=[spike(h) for h in b95_warm],
        adam_val=[h.final_val_loss for h in adam],
        warm_val=[h.final_val_loss for h in warm],
        radam_val=[h.final_val_loss for h in radam],
        radam=_object_column(radam),
        b95=_object_column(b95),
        b95_warm=_object_column(b95_warm),
    )


radam_needs_no_warmup = Claim(
    "warmup.radam_needs_no_warmup",
    shares="warmup.student_run",
    where="06_warmup_in_practice §6",
    statement="teacher-student MLP at peak 0.15, no warm-up: RAdam's first 50 losses stay below 3 times the first on "
    "every seed, where Adam's rise above 100 times on every seed, and RAdam's mean final validation loss is "
    "below Adam's (both without warm-up)",
    experiment=rectified_runs,
    predicate=lambda r: bool(
        np.all(r["radam_spike"] < 3) and np.all(r["adam_spike"] > 100) and r["radam_val"].mean() < r["adam_val"].mean()
    ),
    effect=lambda r: ratio_of_means(
        r["radam_val"], r["warm_val"], "final val loss, RAdam without warm-up / Adam with 50 warm-up steps (paired)"
    ),
    notebook_seeds=SEEDS,
    needs_torch=True,
)

beta2_sets_the_window = Claim(
    "warmup.beta2_sets_the_window",
    shares="warmup.student_run",
    where="06_warmup_in_practice §6",
    statement="teacher-student MLP, Adam at peak 0.15 with beta2 = 0.95: without warm-up the first 50 losses still "
    "rise above 100 times the first on every seed (Adam's first step is the full rate whatever beta2); with a "
    "warm-up of 2 / (1 - beta2) = 40 updates they stay below 3 times the first on every seed",
    experiment=rectified_runs,
    predicate=lambda r: bool(np.all(r["b95_spike"] > 100) and np.all(r["b95_warm_spike"] < 3)),
    effect=lambda r: proportion(r["b95_warm_spike"] < 3, "seeds below 3x their first loss with the 40-step warm-up"),
    notebook_seeds=SEEDS,
    needs_torch=True,
)
