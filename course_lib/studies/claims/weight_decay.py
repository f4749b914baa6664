"""Claims of notebook 13 (weight decay and the rate) drawn from runs with gradient noise.

The scale-invariant problem of :mod:`course_lib.studies.weight_decay`: 4000 updates from |w_0| = 1, the steady
state measured over the last 2000. A seed set costs about 2 s (all settings, the seeds stepped together).

>>> from course_lib import studies
>>> studies.claim("weight_decay.turn_is_sqrt_2_lr_wd").where
'13_weight_decay_and_groups §2'
"""

from __future__ import annotations

import numpy as np

from course_lib.studies.replication import Claim, Runs, mean_interval, ratio_of_means
from course_lib.studies.weight_decay import relaxation_step, rms_turn, run_scale_invariant
from course_lib.training.weight_decay import equilibrium_angular_update

N_STEPS, WINDOW = 4000, 2000
#: SGD: three (lr, wd) with lr * wd = 1e-3, then one with a product 4 times smaller
SGD_SETTINGS = ((0.1, 0.01), (0.01, 0.1), (0.4, 0.0025), (0.1, 0.0025))
#: AdamW (beta1 = 0.9): two settings with lr * wd = 1e-3, one with 2.5e-4
ADAMW_SETTINGS = ((0.01, 0.1), (0.04, 0.025), (0.01, 0.025))
WHERE = "13_weight_decay_and_groups §2"


def scale_invariant(seeds) -> Runs:
    """Every setting on ``seeds``: per seed and setting the RMS turn, its predicted value, the steady norm,
    the direction's late error and the relaxation step (|w| within 10 % of its steady value from there on)."""
    rows: dict[str, list] = {k: [] for k in ("turn", "predicted", "norm", "error", "relax")}
    for opt, settings in (("sgd", SGD_SETTINGS), ("adamw", ADAMW_SETTINGS)):
        for lr, wd in settings:
            r = run_scale_invariant(lr, wd, N_STEPS, seeds, optimizer=opt)
            rows["turn"].append(rms_turn(r, WINDOW))
            rows["predicted"].append(
                np.full(len(seeds), equilibrium_angular_update(lr, wd, 0.9 if opt == "adamw" else 0))
            )
            rows["norm"].append(r.norm[:, -WINDOW:].mean(axis=1))
            rows["error"].append(r.loss[:, -WINDOW:].mean(axis=1))
            rows["relax"].append(relaxation_step(r, WINDOW))
    return Runs(seeds, **{k: np.stack(v, axis=1) for k, v in rows.items()})  # (seeds, 7 settings)


def _turn_ratio(r: Runs) -> np.ndarray:
    return r["turn"] / r["predicted"]


def _turn_holds(r: Runs) -> bool:
    ratio = _turn_ratio(r)
    norm = r["norm"].mean(axis=0)
    expected = (0.1 / 0.01) ** 0.25 / (0.01 / 0.1) ** 0.25  # steady norms go as (lr / wd) ** (1/4): sqrt(10)
    return bool(
        np.all(np.abs(ratio[:, :4] - 1) < 0.05)
        and np.all(np.abs(ratio[:, 4:6] - 1) < 0.1)
        and abs(norm[0] / norm[1] / expected - 1) < 0.1
    )


Claim(
    "weight_decay.turn_is_sqrt_2_lr_wd",
    where=WHERE,
    statement="On the scale-invariant problem, once the norm is steady, SGD with weight decay turns the weights by "
    "sqrt(2 lr wd) per update (RMS, within 5 % on every seed, for lr * wd = 1e-3 at lr 0.01, 0.1 and 0.4 and for "
    "2.5e-4), AdamW (beta1 0.9) by sqrt(2 lr wd (1 - beta1) / (1 + beta1)) within 10 %, while the steady norms "
    "differ as (lr / wd) ** (1/4) within 10 %.",
    experiment=scale_invariant,
    predicate=_turn_holds,
    effect=lambda r: mean_interval(_turn_ratio(r)[:, :3].ravel(), "SGD turn / sqrt(2 lr wd) at lr wd = 1e-3"),
    notebook_seeds=(0, 1, 2),
    fresh_sets=20,
)


def _same_product_holds(r: Runs) -> bool:
    err = r["error"].mean(axis=0)  # mean over the set's seeds
    same = err[:3]
    return bool(same.max() / same.min() < 1.05 and err[3] < 0.7 * same.mean())


Claim(
    "weight_decay.same_product_same_error",
    where=WHERE,
    statement="SGD runs with the same lr * wd (lr 0.01, 0.1 and 0.4) reach the same late direction error within "
    "5 % (mean over 3 seeds), although their rates differ 40-fold; with lr * wd 4 times smaller the error is "
    "below 0.7 times theirs.",
    experiment=scale_invariant,
    predicate=_same_product_holds,
    effect=lambda r: ratio_of_means(r["error"][:, 3], r["error"][:, 0], "late error: lr wd 2.5e-4 / 1e-3"),
    notebook_seeds=(0, 1, 2),
    fresh_sets=20,
)


def _relax_holds(r: Runs) -> bool:
    ratio = r["relax"][:, 3].mean() / r["relax"][:, 0].mean()
    return bool(3.0 < ratio < 5.0)


Claim(
    "weight_decay.relaxation_follows_1_over_lr_wd",
    where="13_weight_decay_and_groups §3",
    statement="From |w_0| = 1, SGD's norm settles (stays within 10 % of its steady value) 3 to 5 times later "
    "when lr * wd is 4 times smaller (lr 0.1; wd 0.01 against 0.0025): the time scale is 1 / (lr wd).",
    experiment=scale_invariant,
    predicate=_relax_holds,
    effect=lambda r: ratio_of_means(r["relax"][:, 3], r["relax"][:, 0], "settling step: wd 0.0025 / 0.01"),
    notebook_seeds=(0, 1, 2),
    fresh_sets=20,
)
