"""Claims of notebook 11 (large batches): linear scaling, warm-up, and where the rule stops working.

The notebook trains (b), (c) and (d) with two DDP workers; it builds the rows below from those runs
(``studies.Runs(SEEDS, val_loss=..., val_acc=..., spike=...)``, one row per seed, columns (a)–(d)) and
asserts these claims on them. Replication trains the same runs with
:func:`course_lib.studies.run_large_batch_experiment`, the single-process run with the global batch
(``training.train_simulated``): notebook 11 §3 checks it equals the DDP run to about 1e-7, and it
avoids a worker launch per seed set. Raw-pixel digits, ``mlp(64, 10, (64,))``, plain SGD, 15 epochs,
cosine to 0; base rate 0.02 at batch 32.
"""

from __future__ import annotations

import functools

import numpy as np

from course_lib import schedules, training
from course_lib.studies.measures import early_spike
from course_lib.studies.replication import Claim, Runs, mean_interval, paired_difference, proportion, ratio_of_means

BASE_LR, BASE_BATCH, EPOCHS, WARMUP_EPOCHS = 0.02, 32, 15, 5
SEEDS = (0, 1, 2)


@functools.lru_cache(maxsize=128)
def large_batch_runs(k: int, seed: int) -> tuple:
    """The runs (a), (b), (c), (d) of one seed for batch multiplier ``k`` (simulated in one process)."""
    from course_lib.studies.large_batch import run_large_batch_experiment  # torch: imported when run

    return tuple(run_large_batch_experiment(k=k, warmup_epochs=WARMUP_EPOCHS, seed=seed).values())


def rows(k: int, seeds: tuple[int, ...]) -> Runs:
    """One row per seed; columns (a), (b), (c), (d): final validation loss and accuracy, epoch-1 spike."""
    runs = [large_batch_runs(k, int(s)) for s in seeds]
    return Runs(
        seeds,
        val_loss=[[h.final_val_loss for h in r] for r in runs],
        val_acc=[[h.final_val_acc for h in r] for r in runs],
        spike=[[early_spike(h) for h in r] for r in runs],
    )


A, B, C, D = range(4)


def _col(runs: Runs, key: str, j: int) -> np.ndarray:
    return runs[key][:, j]


WARMUP_MATCHES = Claim(
    "large_batch.warmup_matches_small_batch",
    where="11_large_batch §3",
    statement="With 4× the batch, 4× the rate and a 5-epoch warm-up, (d) ends within 5% of the small batch's "
    "(a) final validation loss and within one point of its accuracy (means over 3 seeds), with a quarter "
    "of the updates.",
    experiment=lambda seeds: rows(4, seeds),
    predicate=lambda r: bool(
        _col(r, "val_loss", D).mean() <= 1.05 * _col(r, "val_loss", A).mean()
        and _col(r, "val_acc", D).mean() >= _col(r, "val_acc", A).mean() - 0.01
    ),
    effect=lambda r: ratio_of_means(_col(r, "val_loss", D), _col(r, "val_loss", A), "(d) / (a), final val loss"),
    notebook_seeds=SEEDS,
    needs_torch=True,
)

BASE_RATE_BEHIND = Claim(
    "large_batch.base_rate_behind",
    where="11_large_batch §3",
    statement="With 4× the batch at the base rate, (b) ends more than 1.3× the small batch's final validation "
    "loss after the same 15 epochs (means over 3 seeds).",
    experiment=lambda seeds: rows(4, seeds),
    predicate=lambda r: bool(_col(r, "val_loss", B).mean() > 1.3 * _col(r, "val_loss", A).mean()),
    effect=lambda r: ratio_of_means(_col(r, "val_loss", B), _col(r, "val_loss", A), "(b) / (a), final val loss"),
    notebook_seeds=SEEDS,
    needs_torch=True,
)

NO_WARMUP_SPIKES = Claim(
    "large_batch.no_warmup_spikes",
    where="11_large_batch §3",
    statement="Without warm-up, (c)'s training loss rises in the first epoch on most seeds (above 1.2× its first "
    "value on about 70% of seeds; in every set of 3 seeds at least one rises above 1.3×), while "
    "(d) never rises above 1.1× and (a) and (b) never above 1.2×.",
    experiment=lambda seeds: rows(4, seeds),
    predicate=lambda r: bool(
        _col(r, "spike", C).max() > 1.3
        and _col(r, "spike", D).max() < 1.1
        and max(_col(r, "spike", A).max(), _col(r, "spike", B).max()) < 1.2
    ),
    effect=lambda r: proportion(_col(r, "spike", C) > 1.2, "seeds where (c) rises above 1.2× in epoch 1"),
    notebook_seeds=SEEDS,
    needs_torch=True,
)
# Stated first as "(c) above 1.2× on every seed, the others below 1.1×": it held on 3 of 10 fresh sets
# ((c) did not rise on 7 of 30 fresh seeds, and (a) reached 1.12×), so it is restated at the strength it has.

NO_WARMUP_WORSE = Claim(
    "large_batch.no_warmup_ends_worse",
    where="11_large_batch §3",
    statement="(c), the scaled rate without warm-up, ends with a higher validation loss than (d) on every seed.",
    experiment=lambda seeds: rows(4, seeds),
    predicate=lambda r: bool(np.all(_col(r, "val_loss", C) > _col(r, "val_loss", D))),
    effect=lambda r: paired_difference(_col(r, "val_loss", C), _col(r, "val_loss", D), "(c) − (d), final val loss"),
    notebook_seeds=SEEDS,
    needs_torch=True,
)


# ---- the sharpness at the start and after (d) ------------------------------------------------------


def sharpness_rows(seeds: tuple[int, ...]) -> Runs:
    """Per seed: the sharpness of the initial network, and after run (d) (k = 4), measured at its last epoch."""
    from course_lib.studies.large_batch import raw_digits  # torch-backed: imported when run
    from course_lib.studies.warmup import sharpness

    data = raw_digits()
    model = training.mlp_factory(64, 10, hidden=(64,))
    per_epoch = training.steps_per_epoch(data.n_train, 4 * BASE_BATCH)
    schedule = schedules.scaled_schedule(BASE_LR, 4, EPOCHS * per_epoch, WARMUP_EPOCHS * per_epoch)
    init, end = [], []
    for s in seeds:
        init.append(sharpness(training.mlp_factory(64, 10, hidden=(64,), seed=int(s))(), data))
        measured = {}

        def measure_at_end(epoch, net, metrics, measured=measured):  # a callback answers None: go on
            if epoch == EPOCHS:
                measured["end"] = sharpness(net, data)

        training.train_simulated(
            model,
            data,
            schedule,
            world_size=4,
            batch_size=BASE_BATCH,
            epochs=EPOCHS,
            seed=int(s),
            callback=measure_at_end,
        )
        end.append(measured["end"])
    return Runs(seeds, lam_init=init, lam_end=end)


SHARPNESS = Claim(
    "large_batch.sharpness_limits",
    where="11_large_batch §3",
    statement="On every seed the scaled rate 0.08 is more than 4× the initial stability limit 2/λmax (about "
    "0.014) and below the limit after run (d) (about 0.1), which 8× the base rate (0.16) exceeds.",
    experiment=sharpness_rows,
    predicate=lambda r: bool(
        np.all(4 * BASE_LR > 4 * 2 / r["lam_init"])
        and np.all(4 * BASE_LR < 2 / r["lam_end"])
        and np.all(8 * BASE_LR > 2 / r["lam_end"])
    ),
    effect=lambda r: mean_interval(2 / r["lam_end"], "2 / sharpness after (d)"),
    notebook_seeds=SEEDS,
    needs_torch=True,
)


# ---- §4: the two ends, k = 2 and k = 8 ------------------------------------------------------------


def ends_rows(seeds: tuple[int, ...]) -> Runs:
    """Per seed: :func:`rows` for k = 2 and k = 8, side by side (``val_loss_2``, ``spike_8``, ...)."""
    two, eight = rows(2, seeds), rows(8, seeds)
    return Runs(
        seeds, val_loss_2=two["val_loss"], spike_2=two["spike"], val_loss_8=eight["val_loss"], spike_8=eight["spike"]
    )


K2 = Claim(
    "large_batch.k2_warmup_barely_matters",
    where="11_large_batch §4",
    statement="At k = 2 (rate 0.04) the failure is mild: without warm-up the loss rises in epoch 1 by less than 2× "
    "on every seed (on about half the seeds not at all), and (c) ends within 25% of (d) on every seed "
    "(on average a few percent above it).",
    experiment=ends_rows,
    predicate=lambda r: bool(
        np.all(_col(r, "spike_2", C) < 2)
        and np.all(abs(_col(r, "val_loss_2", C) - _col(r, "val_loss_2", D)) < 0.25 * _col(r, "val_loss_2", D))
    ),
    effect=lambda r: ratio_of_means(
        _col(r, "val_loss_2", C), _col(r, "val_loss_2", D), "k = 2: (c) / (d), final val loss"
    ),
    notebook_seeds=SEEDS,
    needs_torch=True,
)
# First stated as "spike below 1.5× and (c) within 15% of (d) on every seed": 5 of 10 fresh sets (spikes up
# to 1.83×, (c) 21% above (d) on one seed). Restated from those sets, then replicated on other fresh seeds.

K8 = Claim(
    "large_batch.k8_too_large",
    where="11_large_batch §4",
    statement="At k = 8 (rate 0.16) warm-up removes the epoch-1 spike on every seed ((c) above 1.3×, (d) below "
    "1.1×), but on average over 3 seeds both (c) and (d) end more than 2.5× (a)'s final validation "
    "loss, and behind the unscaled (b).",
    experiment=ends_rows,
    predicate=lambda r: bool(
        np.all(_col(r, "spike_8", C) > 1.3)
        and np.all(_col(r, "spike_8", D) < 1.1)
        and min(_col(r, "val_loss_8", C).mean(), _col(r, "val_loss_8", D).mean())
        > max(2.5 * _col(r, "val_loss_8", A).mean(), _col(r, "val_loss_8", B).mean())
    ),
    effect=lambda r: ratio_of_means(
        _col(r, "val_loss_8", D), _col(r, "val_loss_8", A), "k = 8: (d) / (a), final val loss"
    ),
    notebook_seeds=SEEDS,
    needs_torch=True,
)
