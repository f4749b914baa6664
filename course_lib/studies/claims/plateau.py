"""Claims of notebook 08 §1 (reduce-on-plateau) drawn from runs with gradient noise.

>>> from course_lib import studies
>>> studies.claim("plateau.lowers_the_floor").set_size
1
"""

from __future__ import annotations

import numpy as np

from course_lib import studies
from course_lib.studies.replication import Claim, Runs, ratio_of_means

WINDOW = 400  # the floor: mean excess loss over the last 400 of 4000 steps


def plateau_vs_constant(seeds) -> Runs:
    """SGD (batch 1) on noisy_least_squares at a constant 0.1 and under ReduceLROnPlateau(0.1, 0.5, patience 2).

    The notebook runs one seed (its figure); a seed costs two runs of 4000 steps, so the claim replicates on
    30 fresh one-seed sets (``fresh_sets=30``) rather than 200.
    """
    pairs = [studies.run_plateau_experiment(lr=0.1, factor=0.5, patience=2, n_steps=4000, seed=s) for s in seeds]
    return Runs(
        seeds,
        constant=[c for c, _ in pairs],
        plateau=[p for _, p in pairs],  # the Histories, for the figure
        floor_constant=[np.mean(c.loss[-WINDOW:]) for c, _ in pairs],
        floor_plateau=[np.mean(p.loss[-WINDOW:]) for _, p in pairs],
    )


Claim(
    "plateau.lowers_the_floor",
    where="08_plateau_and_adam §1",
    statement="With the same gradient noise, the plateau policy ends with an excess loss more than 10 times below "
    "the constant rate's floor (mean of the last 400 of 4000 steps), seed by seed.",
    experiment=plateau_vs_constant,
    predicate=lambda r: bool(np.all(r["floor_plateau"] < r["floor_constant"] / 10)),
    effect=lambda r: ratio_of_means(r["floor_constant"], r["floor_plateau"], "floor: constant / plateau"),
    notebook_seeds=(0,),
    fresh_sets=30,
)
