"""Claims of notebook 13 §5: a rate per parameter group when fine-tuning (discriminative rates).

The experiment is :func:`course_lib.studies.fine_tuning.fine_tune_arms`: per seed, an MLP pre-trained on
``problems.transfer_tasks``' pre-training task, then fine-tuned with a new head on 50 examples of the shifted task,
once per arm of ``studies.FINE_TUNE_ARMS``: one rate for all layers at 3e-2, 1e-2, 3e-3, 1e-3 or 3e-4;
``slice(3e-4, 3e-2)`` (3e-4, 3e-3, 3e-2 from the input layer to the head); the body frozen, the head at 3e-2.
A seed costs about 2 s of pre-training and 7 fine-tunings of 0.2 s (one core, unloaded); a 3-seed set about 12 s.

The setting (4000 pre-training examples of 8 targets, shift 0.2, 50 fine-tuning examples, the rates) was chosen
on seeds 100-129, which neither the notebook (0-2) nor the replication (fresh seeds) uses: there the slice's mean
was below every one-rate arm's on 10 of 10 triples and below the frozen body's on 10 of 10 (by 1 % to 31 %).

>>> from course_lib import studies
>>> studies.claim("param_groups.slice_beats_one_rate").where
'13_weight_decay_and_groups §5'
"""

from __future__ import annotations

import numpy as np

from course_lib.studies.replication import Claim, Runs, ratio_of_means

NOTEBOOK = "13_weight_decay_and_groups"
SEEDS = (0, 1, 2)
#: 20 fresh 3-seed sets (60 seeds): the frozen-body comparison is the close one.
FRESH_SETS = 20


def fine_tuning_runs(seeds) -> Runs:
    """Per seed, the final validation loss of every arm of ``studies.FINE_TUNE_ARMS``.

    Columns: ``one`` (seeds, 5): one rate for all layers, from 3e-2 down to 3e-4; ``slice`` and ``frozen``
    (seeds,); ``runs``: per seed, the dict label -> ``FineTuneRun`` (for the notebook's table and plot).
    """
    from course_lib.studies.fine_tuning import ONE_RATES, fine_tune_arms

    per_seed = [fine_tune_arms(int(s)) for s in seeds]
    labels = list(per_seed[0])
    val = np.array([[arms[label].final_val_loss for label in labels] for arms in per_seed])
    runs = np.empty(len(per_seed), dtype=object)
    runs[:] = per_seed
    n = len(ONE_RATES)
    return Runs(seeds, one=val[:, :n], slice=val[:, n], frozen=val[:, n + 1], runs=runs)


def _slice_beats_one_rate(r: Runs) -> bool:
    return bool(r["slice"].mean() < r["one"].mean(axis=0).min())


slice_beats_one_rate = Claim(
    "param_groups.slice_beats_one_rate",
    where=f"{NOTEBOOK} §5",
    statement="fine-tuning a pre-trained MLP (two hidden layers of 64) with a new head on 50 examples of a shifted "
    "teacher-student task, 200 Adam updates on a cosine: slice(3e-4, 3e-2) (3e-4, 3e-3, 3e-2 from the input layer to "
    "the head) ends with a lower mean validation loss over 3 seeds than one rate for all layers at any of 3e-2, "
    "1e-2, 3e-3, 1e-3 and 3e-4",
    experiment=fine_tuning_runs,
    predicate=_slice_beats_one_rate,
    effect=lambda r: ratio_of_means(
        r["slice"], r["one"][:, 2], "final val loss, slice(3e-4, 3e-2) / one rate 3e-3 (the best one rate, paired)"
    ),
    notebook_seeds=SEEDS,
    needs_torch=True,
    fresh_sets=FRESH_SETS,
    shares="param_groups.fine_tuning",
)

body_frozen_ends_higher = Claim(
    "param_groups.frozen_body_ends_higher",
    where=f"{NOTEBOOK} §5",
    statement="in the same fine-tuning, the pre-trained layers frozen (the head alone at 3e-2) end with a higher mean "
    "validation loss over 3 seeds than slice(3e-4, 3e-2): the pre-trained features are worth keeping, but they "
    "need a small rate, not none",
    experiment=fine_tuning_runs,
    predicate=lambda r: bool(r["frozen"].mean() > r["slice"].mean()),
    effect=lambda r: ratio_of_means(
        r["frozen"], r["slice"], "final val loss, body frozen / slice(3e-4, 3e-2) (paired)"
    ),
    notebook_seeds=SEEDS,
    needs_torch=True,
    fresh_sets=FRESH_SETS,
    shares="param_groups.fine_tuning",
)
