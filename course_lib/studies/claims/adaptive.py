"""Claims of notebook 08 §2–3 (Adam's noise floor; AdamW and schedules on digits), each a function of seeds.

>>> from course_lib import studies
>>> studies.claim("adaptive.schedule_helps_adamw").needs_torch
True
"""

from __future__ import annotations

import functools
import math

import numpy as np

from course_lib import problems, schedules, studies, training
from course_lib.studies.replication import Claim, Runs, paired_difference, ratio_of_means

# ---- §4 Adam's noise floor ------------------------------------------------------------------------------

N_NLS = 4000
ADAM_SCHEDULES = {
    "constant_003": schedules.constant(0.03),
    "constant_001": schedules.constant(0.01),
    "cosine_003": schedules.cosine_decay(0.03, N_NLS),
}
LABELS = {
    "constant_003": "Adam, constant 0.03",
    "constant_001": "Adam, constant 0.01",
    "cosine_003": "Adam, cosine from 0.03",
}


def adam_floors(seeds) -> Runs:
    """Adam (batch 1, 4000 steps) on noisy_least_squares: excess-loss Histories and floors (mean of the last 500).

    Each seed costs 3 runs of 4000 Adam steps (about a second). The claim replicates on the harness's
    default for NumPy claims: 67 fresh sets of the notebook's 3 seeds (201 seeds, about 2 minutes).
    """
    nls = problems.noisy_least_squares()
    out = {}
    for key, schedule in ADAM_SCHEDULES.items():
        runs = [
            studies.excess_loss(h, nls)
            for h in training.run_many(
                training.run_adaptive, seeds, nls, schedule, N_NLS, batch_size=1, label=LABELS[key]
            )
        ]
        out[key] = runs  # the Histories, for the figure
        out[f"floor_{key}"] = [np.mean(h.loss[-500:]) for h in runs]
    return Runs(seeds, **out)


def _adam_holds(r: Runs) -> bool:
    c03, c01, cos = r["floor_constant_003"], r["floor_constant_001"], r["floor_cosine_003"]
    return bool(
        c03.mean() > 2 * c01.mean()  # the floor grows with the rate
        and np.all(cos < c01)  # the cosine goes under both floors, every seed,
        and np.all(cos < c03 / 5)
    )  # > 5x under its own peak rate's floor


Claim(
    "adaptive.adam_noise_floor",
    shares="adaptive.adam_noise_floor",
    where="08_plateau_and_adam §2",
    statement="Adam's noise floor grows with the rate (constant 0.03 more than twice constant 0.01, on average), and "
    "a cosine from 0.03 ends under both floors on every seed, more than 5 times under the 0.03 floor (15 to 19 "
    "times on average over fresh seeds).",
    experiment=adam_floors,
    predicate=_adam_holds,
    effect=lambda r: ratio_of_means(
        r["floor_constant_003"], r["floor_cosine_003"], "floor: constant 0.03 / cosine from 0.03"
    ),
    notebook_seeds=(0, 1, 2),
)


# ---- §5 AdamW with and without a schedule on digits (torch) ---------------------------------------------

EPOCHS, BATCH = 20, 64
CONFIGS = ("SGD+momentum, cosine", "AdamW, constant", "AdamW, cosine", "AdamW + plateau")


def digits_configs(n_steps: int) -> dict:
    """The four configurations of 08 §3: name -> (schedule, optimizer settings)."""
    return {
        "SGD+momentum, cosine": (schedules.cosine_decay(0.1, n_steps), dict(optimizer="sgd", momentum=0.9)),
        "AdamW, constant": (schedules.constant(0.05), dict(optimizer="adamw", weight_decay=0.01)),
        "AdamW, cosine": (schedules.cosine_decay(0.05, n_steps), dict(optimizer="adamw", weight_decay=0.01)),
        "AdamW + plateau": (
            None,
            dict(
                optimizer="adamw",
                weight_decay=0.01,
                plateau=training.ReduceLROnPlateau(0.05, factor=0.5, patience=1, threshold=0.01),
            ),
        ),
    }


@functools.lru_cache(maxsize=256)
def digits_run(name: str, seed: int):
    """One run of 08 §3: configuration ``name`` (of :data:`CONFIGS`) on seed ``seed``, cached.

    Both claims of §5 run the same four configurations on the same seeds: cached by (configuration,
    seed), the second claim replicated in the same process (``scripts/replicate.py`` runs a topic's
    claims in one worker) trains nothing. A run is a function of its seed (``train_torch`` seeds the
    initialisation and the batch order, on one thread), so a cached run is the run.
    """
    digits = problems.load_digits()
    n_steps = EPOCHS * math.ceil(digits.n_train / BATCH)
    model = lambda: training.mlp(64, 10, hidden=(64,), seed=None)  # noqa: E731  a new initialisation per seed
    schedule, kw = digits_configs(n_steps)[name]
    return training.train_torch(
        model, digits, schedule, epochs=EPOCHS, batch_size=BATCH, seed=int(seed), label=name, **kw
    )


def digits_runs(seeds) -> Runs:
    """MLP 64-64-10 on digits, 20 epochs of batch 64, each configuration over ``seeds`` (cached: :func:`digits_run`).

    Returns Histories and final val loss/acc.
    """
    out = {}
    for name in CONFIGS:
        runs = [digits_run(name, int(s)) for s in seeds]
        out[name] = runs
        out[f"{name}: loss"] = [h.final_val_loss for h in runs]
        out[f"{name}: acc"] = [h.final_val_acc for h in runs]
        out[f"{name}: diverged"] = [h.diverged for h in runs]
    return Runs(seeds, **out)


def _schedule_helps(r: Runs) -> bool:
    loss = {name: r[f"{name}: loss"] for name in CONFIGS}
    return bool(
        not any(r[f"{name}: diverged"].any() for name in CONFIGS)
        and loss["AdamW, cosine"].mean() < 0.6 * loss["AdamW, constant"].mean()  # the decay helps AdamW,
        and loss["AdamW + plateau"].mean() < 0.6 * loss["AdamW, constant"].mean()  # and so does the plateau policy
        and loss["SGD+momentum, cosine"].mean() < loss["AdamW, constant"].mean()
    )


Claim(
    "adaptive.schedule_helps_adamw",
    shares="adaptive.digits",  # digits_run's runs
    where="08_plateau_and_adam §3",
    statement="On digits at AdamW's large rate 0.05, a cosine and the plateau policy each end with a mean validation "
    "loss under 0.6 times the constant rate's (about 0.3 times; seed by seed, below it on 29 of 30 fresh "
    "seeds each); SGD+momentum with a cosine ends below constant AdamW on average.",
    experiment=digits_runs,
    predicate=_schedule_helps,
    effect=lambda r: ratio_of_means(
        r["AdamW, cosine: loss"], r["AdamW, constant: loss"], "val loss: AdamW cosine / constant"
    ),
    notebook_seeds=(0, 1, 2),
    needs_torch=True,
)


def _sgd_lowest(r: Runs) -> bool:
    sgd = r["SGD+momentum, cosine: loss"].mean()
    return all(sgd < r[f"{name}: loss"].mean() for name in CONFIGS[1:])


Claim(
    "adaptive.sgd_cosine_lowest_loss",
    shares="adaptive.digits",
    where="08_plateau_and_adam §3",
    statement=(
        "On digits, SGD+momentum with a cosine ends with the lowest mean validation loss (over 3 seeds) "
        "of the four configurations."
    ),
    experiment=digits_runs,
    predicate=_sgd_lowest,
    effect=lambda r: paired_difference(
        r["SGD+momentum, cosine: loss"],
        np.minimum(r["AdamW, cosine: loss"], r["AdamW + plateau: loss"]),
        "val loss: SGD cosine − the better AdamW schedule",
    ),
    notebook_seeds=(0, 1, 2),
    needs_torch=True,
)
