"""Claims of notebook 03 §1 (momentum) drawn from runs with gradient noise.

The momentum limits and the heavy-ball/Nesterov comparison of 03 §1 are deterministic (full-batch
gradient descent on a quadratic) and stay plain asserts in the notebook; only the noise floors are
claims.

>>> from course_lib import studies
>>> studies.claim("momentum.floor_follows_effective_rate").where
'03_momentum_and_adaptive §1'
"""

from __future__ import annotations

from course_lib import problems
from course_lib.studies.replication import Claim, Runs, ratio_of_means
from course_lib.studies.seed_batch import late_excess_losses

#: (lr, beta) with the same effective rate lr / (1 - beta) = 0.02, and a fixed rate with beta 0.9 added
SAME_EFFECTIVE_RATE = ((0.02, 0.0), (0.01, 0.5), (0.002, 0.9))
HEAVY = (0.02, 0.9)


def floors(seeds) -> Runs:
    """SGD noise floors on ``noisy_least_squares`` (batch 1, started at the minimum), one row per seed.

    Each seed costs 4 runs of 4000 steps (about a second one at a time; the runs of a set step together,
    :func:`~course_lib.studies.seed_batch.late_excess_losses`, the same numbers to 1e-12). The claim
    replicates on the harness's default for NumPy claims: 67 fresh sets of the notebook's 3 seeds (201 seeds).
    """
    nls = problems.noisy_least_squares()
    settings = SAME_EFFECTIVE_RATE + (HEAVY,)
    # studies.noise_floor(nls, lr, 1, momentum=beta, seeds=seeds) for every setting, the runs stepped together
    floor = late_excess_losses(
        nls, [lr for lr, _ in settings], 4000, seeds, w0=nls.minimum, window=3000, momentum=[b for _, b in settings]
    )
    return Runs(seeds, same_effective_rate=floor[:3].T, heavy=floor[3])


def _holds(r: Runs) -> bool:
    means = r["same_effective_rate"].mean(axis=0)
    return bool(means.max() / means.min() < 1.1 and r["heavy"].mean() > 10 * means[0])


Claim(
    "momentum.floor_follows_effective_rate",
    where="03_momentum_and_adaptive §1",
    statement="On noisy_least_squares (batch 1), lr 0.02 without momentum, lr 0.01 with beta 0.5 and lr 0.002 with "
    "beta 0.9 (the same lr/(1-beta)) reach mean noise floors within 10 % of each other, and adding "
    "beta 0.9 at lr 0.02 raises the floor more than tenfold.",
    experiment=floors,
    predicate=_holds,
    effect=lambda r: ratio_of_means(
        r["heavy"], r["same_effective_rate"][:, 0], "floor: lr 0.02 with beta 0.9 / without"
    ),
    notebook_seeds=(0, 1, 2),
)
