"""Sizes and shared helpers of the benchmarks (imported by the benchmarks/test_bench_*.py modules).

``COURSE_BENCH_QUICK=1`` (set by ``run.py --quick``) shrinks every size so the whole
bench runs in seconds: the numbers are then only a smoke test, not a measurement.
"""

from __future__ import annotations

import os
import warnings

QUICK = os.environ.get("COURSE_BENCH_QUICK", "") == "1"

#: steps a schedule is evaluated over (vectorised), and steps the torch twin is stepped
#: (its time is scaled by N_SCHEDULE / N_TORCH: torch's cost per step is constant).
N_SCHEDULE = 10**4 if QUICK else 10**6
N_TORCH = 10**3 if QUICK else 10**5
TORCH_ROUNDS = 1 if QUICK else 3

#: run_gd steps on the quadratic bowl.
N_GD = 10**3 if QUICK else 10**4
#: run_gd's absolute budget: its fastest round of N_GD steps stays under this many seconds per
#: 10 000 steps (once a unit test, tests/training: timing asserts do not belong in the unit suite).
GD_BUDGET_S = 0.3

#: interleaved repetitions of the "ours vs hand-written" pairs (A B A B ...), so a change
#: of the machine's load during the run hits both sides alike.
REPS = 1 if QUICK else 7
PAIR_ROUNDS = 2 if QUICK else 7

#: rounds of one explorer update (+ render), per control (a 95th percentile needs a few).
WIDGET_ROUNDS = 1 if QUICK else 9
WARMUP_ROUNDS = 0 if QUICK else 1
#: seconds a learner looks at an explorer's frame before the next move (untimed): the kernel is
#: idle, and an explorer that warms ahead computes the next step of its sliders meanwhile.
THINK_S = 0.0 if QUICK else 2.0


def pedantic(benchmark, fn, *, rounds: int, warmup_rounds: int = WARMUP_ROUNDS, setup=None):
    """``benchmark.pedantic`` with one iteration per round (and a setup that is not timed)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return benchmark.pedantic(fn, setup=setup, rounds=rounds, iterations=1, warmup_rounds=warmup_rounds)
