"""Toy claims for the harness's own tests (never registered): cheap, NumPy only, known rates.

* ``toy.coin_fair``: a fair coin's heads fraction over 20 tosses lies in [0.2, 0.8] (holds ~99.6 %).
* ``toy.coin_majority``: heads are the majority over 7 tosses: holds on half the sets; worded with its
  rate, as a restated claim must be.
* ``toy.always_ahead``: "arm a always beats arm b" where a and b differ by noise only: an overstated claim.
"""

from __future__ import annotations

import numpy as np

from course_lib.studies.replication import Claim, Runs, paired_difference, proportion


def _tosses(seeds: tuple[int, ...]) -> Runs:
    return Runs(seeds, heads=[np.random.default_rng(s).random() < 0.5 for s in seeds])


def _arms(seeds: tuple[int, ...]) -> Runs:
    draws = np.array([np.random.default_rng(s).normal(size=2) for s in seeds])
    return Runs(seeds, a=draws[:, 0], b=draws[:, 1])


COIN_FAIR = Claim(
    "toy.coin_fair",
    where="00_start_here §2",
    statement="a fair coin lands heads on 20–80 % of 20 tosses",
    experiment=_tosses,
    predicate=lambda r: 0.2 <= r["heads"].mean() <= 0.8,
    effect=lambda r: proportion(r["heads"], "heads"),
    notebook_seeds=tuple(range(20)),
    fast=True,
    register=False,
)

COIN_MAJORITY = Claim(
    "toy.coin_majority",
    where="00_start_here §3",
    statement="heads win a majority of 7 tosses on about 50 % of seed sets",
    experiment=_tosses,
    predicate=lambda r: r["heads"].mean() > 0.5,
    effect=lambda r: proportion(r["heads"], "heads"),
    notebook_seeds=tuple(range(7)),
    fast=True,
    register=False,
)

ALWAYS_AHEAD = Claim(
    "toy.always_ahead",
    where="00_start_here §3",
    statement="arm a beats arm b on every seed",
    experiment=_arms,
    predicate=lambda r: bool(np.all(r["a"] > r["b"])),
    effect=lambda r: paired_difference(r["a"], r["b"], "a − b"),
    notebook_seeds=(0, 1, 2),
    register=False,
)

TOY_CLAIMS = {c.name: c for c in (COIN_FAIR, COIN_MAJORITY, ALWAYS_AHEAD)}
