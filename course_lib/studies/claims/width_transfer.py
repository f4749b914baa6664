"""Claims of the width-transfer lesson (notebook 15): does a tuned rate transfer to a wider model?

All runs (:func:`course_lib.studies.width_transfer.width_sweep`): an MLP with two hidden layers of width
16, 64 and 256 on ``problems.load_digits()``, Adam for 120 updates of batch 32, each width swept over the
rates 2^-11 ... 2^-3 (a factor 2 apart), under the standard parameterisation (SP) and the µP-style one
(base width 16), scored by the training cross-entropy after the last update (nats). A set is 3 seeds
(each seed its own init and batch order); a set's best rate is the grid rate with the lowest mean over
its seeds. One set trains 2 x 3 x 9 x 3 = 162 models, stepped together per width: about 25 s on one
busy core. Torch claims: 10 fresh sets (:data:`~course_lib.studies.replication.TORCH_SETS`).
"""

from __future__ import annotations

import functools

import numpy as np

from course_lib.studies.replication import Claim, Estimate, Runs, mean_interval, ratio_of_means

NOTEBOOK = "15_width_transfer"
SEEDS = (0, 1, 2)
#: The hidden widths, the rate grid (Adam units), the budget (updates) and the batch.
WIDTHS = (16, 64, 256)
LRS = tuple(2.0**k for k in range(-11, -2))
N_STEPS, BATCH = 120, 32


@functools.lru_cache(maxsize=64)
def _sweep_of_seed(parameterisation: str, seed: int) -> np.ndarray:
    from course_lib.studies.width_transfer import width_sweep

    return width_sweep(WIDTHS, LRS, parameterisation, seeds=[seed], n_steps=N_STEPS, batch_size=BATCH).final_loss[:, 0]


def width_sweeps(seeds) -> Runs:
    """Final training losses, one row per seed: ``SP`` and ``muP``, each (len(WIDTHS), len(LRS)) per seed."""
    seeds = tuple(int(s) for s in seeds)
    return Runs(
        seeds,
        SP=np.stack([_sweep_of_seed("SP", s) for s in seeds]),
        muP=np.stack([_sweep_of_seed("muP", s) for s in seeds]),
    )


def best_rates(runs: Runs, parameterisation: str) -> np.ndarray:
    """The best grid rate at each width of WIDTHS (lowest mean final loss over the runs' seeds)."""
    mean = np.asarray(runs[parameterisation]).mean(axis=0)
    return np.asarray(LRS)[np.argmin(mean, axis=1)]


def _per_seed_octaves(runs: Runs, parameterisation: str) -> np.ndarray:
    """log2(best rate at the widest / at the narrowest width), one per seed (each seed tuned alone)."""
    losses = np.asarray(runs[parameterisation])
    best = np.log2(np.asarray(LRS))[np.argmin(losses, axis=2)]  # (seeds, widths)
    return best[:, -1] - best[:, 0]


def _octaves_effect(parameterisation: str):
    def effect(runs: Runs) -> Estimate:
        return mean_interval(
            _per_seed_octaves(runs, parameterisation),
            f"{parameterisation}: octaves the best rate moves from width {WIDTHS[0]} to {WIDTHS[-1]} (per seed)",
        )

    return effect


def _sp_drifts(r: Runs) -> bool:
    best = best_rates(r, "SP")
    return bool(np.all(np.diff(best) <= 0) and best[-1] <= best[0] / 4)


sp_best_rate_drifts = Claim(
    "width_transfer.sp_best_rate_drifts",
    where=f"{NOTEBOOK} §2",
    statement="under the standard parameterisation (torch's init, one Adam rate for all layers), the best rate "
    "of the grid 2^-11..2^-3 never rises with width and is at least 4 times smaller at width 256 than at "
    "width 16 (MLP on digits, 120 updates, mean of 3 seeds)",
    experiment=width_sweeps,
    predicate=_sp_drifts,
    effect=_octaves_effect("SP"),
    notebook_seeds=SEEDS,
    needs_torch=True,
    fresh_sets=10,
)


def _mup_stays(r: Runs) -> bool:
    best = best_rates(r, "muP")
    return bool(best.max() / best.min() <= 2)


mup_best_rate_stays = Claim(
    "width_transfer.mup_best_rate_stays",
    where=f"{NOTEBOOK} §3",
    statement="under the µP-style parameterisation (hidden-layer rate / m, readout zero-initialised and "
    "multiplied by 1/m, m = width / 16), the best rates at widths 16, 64 and 256 lie within a factor 2 "
    "(one grid step) of each other (mean of 3 seeds)",
    experiment=width_sweeps,
    predicate=_mup_stays,
    effect=_octaves_effect("muP"),
    notebook_seeds=SEEDS,
    needs_torch=True,
    fresh_sets=10,
)


def transfer_cost(runs: Runs, parameterisation: str) -> tuple[np.ndarray, np.ndarray]:
    """Per seed, the widest model's final loss at the rate tuned at the narrowest width, and at its own best rate.

    Both rates are the set's (the runs' mean), so the two arrays are paired by seed.
    """
    from course_lib.studies.width_transfer import transfer_losses

    return transfer_losses(runs[parameterisation])


def _transfer_holds(r: Runs) -> bool:
    sp_moved, sp_own = (v.mean() for v in transfer_cost(r, "SP"))
    mup_moved, mup_own = (v.mean() for v in transfer_cost(r, "muP"))
    return bool(sp_moved > 1.5 * sp_own and mup_moved < 1.5 * mup_own and mup_moved < sp_moved)


transfer_costs_little_under_mup = Claim(
    "width_transfer.transfer_costs_little_under_mup",
    where=f"{NOTEBOOK} §4",
    statement="taking the rate tuned at width 16 to width 256: under SP the wide model ends more than 1.5 times "
    "above its own best loss, under µP less than 1.5 times above it, and lower under µP than under SP at the "
    "transferred rate (final training loss, mean of 3 seeds)",
    experiment=width_sweeps,
    predicate=_transfer_holds,
    effect=lambda r: ratio_of_means(
        *transfer_cost(r, "SP"), f"SP, width {WIDTHS[-1]}: loss at the rate tuned at {WIDTHS[0]} / at its own best"
    ),
    notebook_seeds=SEEDS,
    needs_torch=True,
    fresh_sets=10,
)

__all__ = [
    "WIDTHS",
    "LRS",
    "N_STEPS",
    "BATCH",
    "width_sweeps",
    "best_rates",
    "transfer_cost",
    "sp_best_rate_drifts",
    "mup_best_rate_stays",
    "transfer_costs_little_under_mup",
]
