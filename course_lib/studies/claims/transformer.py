"""Claims of notebook 06 §1: warm-up for a small Transformer language model, post-LN against pre-LN.

The setup (``studies.LMSetup``): 6 Transformer blocks of width 64 (4 heads, feed-forward 128), context 32,
Adam with torch's defaults, batch 16, T = 100 updates over fresh generated text, a cosine from 5e-3 to 0
at T, with or without a 30-step linear warm-up. One run costs about 5 s of CPU time on this machine's
cores (measured while shared; perhaps half that alone), and a set of 3 seeds is 6 runs per claim, so each
claim runs the minimum of 10 fresh sets (60 runs). What was cut to stay near the budget: the two placements
are two claims with no cross-comparison (the notebook used to assert that pre-LN without warm-up ends
below post-LN with it; that needed the post-LN runs in the pre-LN claim too), and no other rate, warm-up
length or horizon is run. Runs are cached by (placement, warm-up, seed).

Only this one rate (5e-3), one warm-up length (30) and one horizon (100 updates) are run; the claims say so.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import numpy as np

from course_lib import schedules
from course_lib.studies.claims.warmup import SEEDS
from course_lib.studies.replication import Claim, Runs, paired_difference

NOTEBOOK = "06_warmup_in_practice"

if TYPE_CHECKING:  # torch-backed: imported where used, so this module imports without torch
    from course_lib.studies.language_model import LMSetup

LM_PEAK, LM_T, LM_WARM = 5e-3, 100, 30


def lm_setup(norm_first: bool) -> LMSetup:
    """The 6-layer LM of §4: post-LN (``norm_first=False``) or pre-LN (``True``)."""
    from course_lib.studies.language_model import LMSetup

    return LMSetup(steps=LM_T, batch_size=16, context=32, n_layers=6, d_model=64, norm_first=norm_first)


def lm_schedule(warm: int):
    """The cosine from LM_PEAK to 0 at T, behind a ``warm``-step warm-up (none for 0)."""
    if warm == 0:
        return schedules.cosine_decay(LM_PEAK, LM_T)
    return schedules.warmup(schedules.cosine_decay(LM_PEAK, LM_T - warm), warm)


@functools.lru_cache(maxsize=1)
def unigram_level() -> float:
    """The validation loss (nats per token) of predicting every token by its frequency."""
    return lm_setup(False).levels()["unigram"]


@functools.lru_cache(maxsize=256)
def lm_run(norm_first: bool, warm: int, seed: int):
    """One run of §4 (cached)."""
    from course_lib.studies.language_model import train_lm

    label = "no warm-up" if warm == 0 else f"warm-up {warm} steps"
    return train_lm(lm_setup(norm_first), lm_schedule(warm), seed=int(seed), label=label)


def leaves_unigram(history) -> int:
    """The first step whose 10-step mean loss is 0.1 nats below the unigram level (-1: never)."""
    from course_lib.studies.language_model import first_step_below

    step = first_step_below(history, unigram_level() - 0.1)
    return -1 if step is None else step


def lm_runs(seeds, norm_first: bool) -> Runs:
    """Per seed, the runs without (``cold``) and with the 30-step warm-up (``warm``): final val losses,
    when each leaves the unigram level, and the Histories."""
    cold = [lm_run(norm_first, 0, s) for s in seeds]
    warm = [lm_run(norm_first, LM_WARM, s) for s in seeds]
    histories = {}
    for name, hs in (("cold", cold), ("warm", warm)):
        histories[name] = np.empty(len(hs), dtype=object)
        histories[name][:] = hs
    return Runs(
        seeds,
        cold_val=[h.final_val_loss for h in cold],
        warm_val=[h.final_val_loss for h in warm],
        cold_leaves=[leaves_unigram(h) for h in cold],
        warm_leaves=[leaves_unigram(h) for h in warm],
        **histories,
    )


def post_ln_runs(seeds) -> Runs:
    return lm_runs(seeds, norm_first=False)


def pre_ln_runs(seeds) -> Runs:
    return lm_runs(seeds, norm_first=True)


def _post_ln_holds(r: Runs) -> bool:
    cold, warm = r["cold_val"], r["warm_val"]
    return bool(
        np.sum(np.abs(cold - unigram_level()) < 0.05) >= 2 and np.all(cold > warm) and cold.mean() > warm.mean() + 0.1
    )


def strong_pattern(r: Runs) -> bool:
    """What seeds 0-2 show (and the notebook asserted before replication): every run without warm-up ends
    0.05 nats above every run with it, the gap of the means is 0.2 nats or more, 2 of 3 runs without warm-up
    end within 0.02 of the unigram level, and every warmed-up run leaves it. On fresh 3-seed sets this
    held on 8 of 10 sets (a run without warm-up sometimes escapes early; a warmed-up one once stayed)."""
    cold, warm = r["cold_val"], r["warm_val"]
    return bool(
        cold.min() > warm.max() + 0.05
        and cold.mean() > warm.mean() + 0.2
        and np.sum(np.abs(cold - unigram_level()) < 0.02) >= 2
        and np.all(r["warm_leaves"] >= 0)
    )


post_ln_needs_warmup = Claim(
    "transformer.post_ln_needs_warmup",
    where=f"{NOTEBOOK} §1",
    statement="6-layer post-LN Transformer LM, Adam at peak 5e-3, 100 updates: without warm-up at least 2 of 3 "
    "seeds end at the unigram level (within 0.05 nats: a collapse onto the unigram predictor), every seed "
    "ends above the same seed with a 30-step warm-up, and the mean by more than 0.1 nats (0.29 nats on "
    "average over 30 fresh seeds); the stronger pattern of seeds 0-2 (every run without warm-up above "
    "every run with it, every warmed-up run leaving the unigram level) holds on 80 % of fresh 3-seed "
    "sets",
    experiment=post_ln_runs,
    predicate=_post_ln_holds,
    shares="transformer.post_ln",  # no run in common with pre-LN: the two can run side by side
    effect=lambda r: paired_difference(
        r["cold_val"], r["warm_val"], "final val loss, no warm-up - 30-step warm-up (nats, paired)"
    ),
    notebook_seeds=SEEDS,
    needs_torch=True,
    fresh_sets=10,
)


def _pre_ln_holds(r: Runs) -> bool:
    cold, warm = r["cold_val"], r["warm_val"]
    return bool(
        np.all(np.abs(cold - warm) < 0.03)
        and np.all(r["cold_leaves"] >= 0)
        and np.all(r["cold_leaves"] < r["warm_leaves"])
    )


pre_ln_same_without_warmup = Claim(
    "transformer.pre_ln_same_without_warmup",
    where=f"{NOTEBOOK} §1",
    statement="the same LM with pre-LN, at 5e-3 over 100 updates: with and without the 30-step warm-up the final "
    "validation losses differ by less than 0.03 nats on every seed, and on every seed the run without "
    "warm-up leaves the unigram level earlier than the same seed with it",
    experiment=pre_ln_runs,
    predicate=_pre_ln_holds,
    shares="transformer.pre_ln",
    effect=lambda r: paired_difference(
        r["cold_val"], r["warm_val"], "final val loss, no warm-up - 30-step warm-up (nats, paired)"
    ),
    notebook_seeds=SEEDS,
    needs_torch=True,
    fresh_sets=10,
)
