"""Claims of notebook 09 (choosing a schedule): the fair comparison, the budget cut, the WSD cool-down.

Every experiment here is the notebook's own, as a function of seeds. The runs behind them are cached
by seeds (``functools.lru_cache``): the notebook draws the histories (:func:`fair_comparison`,
:func:`half_budget_runs`, :func:`noise_limited_runs`, :func:`lm_runs`) and asserts the claims on the
same seeds without training twice, and claims that share an experiment share its runs.

* §2 (digits, a small MLP, Adam, 88 updates; torch): :func:`fair_comparison` tunes every schedule's
  peak on seed ``seeds[0]`` and reruns it on ``seeds[1:]``. One row per seed set.
* §4 (budget cut at T/2): digits at the cosine's tuned rate (torch, progress-limited) and noisy least
  squares (NumPy, noise-limited), one row per seed.
* §5 (a small Transformer LM, 300 Adam updates; torch): constant, cosine and WSD, paired by seed; the
  cosine and WSD branch from the constant run where their rates part from it (:data:`LM_BRANCHES`).
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

import numpy as np

from course_lib import problems, schedules, training
from course_lib.studies.replication import (
    Claim,
    Estimate,
    Runs,
    mean_interval,
    paired_difference,
    proportion,
    ratio_of_means,
)
from course_lib.studies.seed_batch import late_excess_losses

if TYPE_CHECKING:  # torch-backed: imported where used, so this module imports without torch
    from course_lib.studies.comparison import Budget
    from course_lib.studies.language_model import LMSetup

#: §2: the peak rates tried for every schedule, 3e-3 to 8e-2, a factor 2.27 apart.
GRID = np.geomspace(3e-3, 8e-2, 5)
#: §4: the rate of the digits budget cut, the cosine's tuned rate in §2 (the grid's middle, 0.0155).
CUT_LR = float(GRID[2])
#: the schedules of §2, in the notebook's order.
NAMES = tuple(schedules.STANDARD_SCHEDULES)
#: §4, noisy least squares: SGD with batch 1, T = 2000 updates planned, the cut at T/2, peak 0.2.
NOISE_LR, NOISE_T, NOISE_WINDOW = 0.2, 2000, 10


@functools.lru_cache(maxsize=1)
def digits_budget() -> Budget:
    """§1's budget: 8×8 digits, mlp(64, 10, hidden=(64,)), Adam, batch 128, 8 epochs (T = 88 updates)."""
    from course_lib.studies.comparison import Budget

    data = problems.load_digits()
    return Budget(
        data, lambda: training.mlp(64, 10, hidden=(64,), seed=None), epochs=8, batch_size=128, optimizer="adam"
    )


@functools.lru_cache(maxsize=16)
def fair_comparison(seeds: tuple[int, ...] = (0, 1, 2, 3), progress: bool = False):
    """§2's protocol: tune each schedule's peak on ``GRID`` with seed ``seeds[0]``, rerun it on ``seeds[1:]``.

    7 × (5 + 3) = 56 runs of 88 updates. Returns a :class:`~course_lib.studies.comparison.Comparison`.
    """
    from course_lib.studies.comparison import compare_schedules

    seeds = tuple(int(s) for s in seeds)
    return compare_schedules(
        schedules.STANDARD_SCHEDULES, GRID, digits_budget(), tune_seeds=seeds[:1], seeds=seeds[1:], progress=progress
    )


def comparison_runs(seeds: tuple[int, ...]) -> Runs:
    """One row per seed set: the evaluation runs' final validation loss and accuracy (schedule × seed),
    the tuning curves (schedule × rate), and the two rankings (by the tuning seed; by the evaluation mean)."""
    c = fair_comparison(tuple(seeds))
    loss = np.array([[h.final_val_loss for h in c.runs[n]] for n in NAMES])
    acc = np.array([[h.final_val_acc for h in c.runs[n]] for n in NAMES])
    diverged = sum(h.diverged for n in NAMES for h in c.runs[n])
    curves = np.array([c.sweeps[n].scores for n in NAMES])
    one_seed = [
        NAMES[i] for i in np.argsort([c.sweeps[n].scores[c.sweeps[n].best_index] for n in NAMES], kind="stable")
    ]
    return Runs(
        seeds, loss=[loss], acc=[acc], diverged=[diverged], curves=[curves], rankings_differ=[one_seed != c.ranking()]
    )


def _rows(runs: Runs, key: str):
    return [runs[key][i] for i in range(len(runs))]


def _peak_over_shape(loss: np.ndarray, acc: np.ndarray, diverged: int, curves: np.ndarray) -> bool:
    means = loss.mean(axis=1)
    finite = [c[np.isfinite(c)] for c in curves]
    return bool(
        diverged == 0
        and np.all(acc.mean(axis=1) > 0.95)
        and means.max() / means.min() < 1.5
        and all(f.max() / f.min() > 2.5 for f in finite)
    )


def _range_in_stds(runs: Runs) -> np.ndarray:
    """Per seed set: the range of the tuned schedules' mean val losses, in median seed standard deviations."""
    means, stds = runs["loss"].mean(axis=2), runs["loss"].std(axis=2, ddof=1)
    return np.ptp(means, axis=1) / np.median(stds, axis=1)


def _cost(curve: np.ndarray, k: int) -> float:
    """The worst loss increase ``k`` grid steps from the curve's best rate."""
    i = int(np.argmin(curve))
    return max(curve[j] - curve[i] for j in (i - k, i + k) if 0 <= j < len(curve))


def _rate_costs(runs: Runs) -> tuple[np.ndarray, np.ndarray]:
    """Per seed set: the largest cost, over the schedules, of one and of two grid steps off the best rate."""
    one = np.array([max(_cost(c, 1) for c in curves) for curves in _rows(runs, "curves")])
    two = np.array([max(_cost(c, 2) for c in curves) for curves in _rows(runs, "curves")])
    return one, two


def _shape_ratio(runs: Runs) -> np.ndarray:
    means = runs["loss"].mean(axis=2)
    return means.max(axis=1) / means.min(axis=1)


PEAK_OVER_SHAPE = Claim(
    "choosing.peak_over_shape",
    where="09_choosing_a_schedule §2",
    statement="At their tuned rates (3 evaluation seeds) the seven schedules end within 50% of each other in "
    "validation loss (about 20%), none diverges and all reach > 95% accuracy, while on every "
    "schedule's tuning curve (one tuning seed) the worst rate of the grid costs at least 2.5× the best "
    "one's loss: tune the peak first.",
    experiment=comparison_runs,
    predicate=lambda r: all(
        _peak_over_shape(*args)
        for args in zip(_rows(r, "loss"), _rows(r, "acc"), _rows(r, "diverged"), _rows(r, "curves"))
    ),
    effect=lambda r: mean_interval(_shape_ratio(r), "worst / best tuned schedule's mean val loss"),
    notebook_seeds=(0, 1, 2, 3),
    needs_torch=True,
    shares="choosing.comparison",  # fair_comparison's runs
)
# First stated with "the range between schedules is below 4 median seed standard deviations" and a 40%
# bound: 6 of 10 fresh sets (range 1.6-4.9 stds, one ratio 1.40). The range in stds is now only reported:
# studies.claims.choosing._range_in_stds(runs).


def _tuning_curves(curves: np.ndarray) -> bool:
    best = np.argmin(curves, axis=1)
    inside = bool(np.all((0 < best) & (best < curves.shape[1] - 1)))
    low = dict(zip(NAMES, curves[:, 0] / curves.min(axis=1)))  # the loss at 0.003 / the best loss
    early = [low[n] for n in ("cosine", "warmup+cosine", "step", "one-cycle", "SGDR")]
    return inside and min(early) > 2.5 and max(low["constant"], low["WSD"]) < min(early)


TUNING_CURVES = Claim(
    "choosing.tuning_curves",
    where="09_choosing_a_schedule §2",
    statement="On the tuning seed, every schedule's best rate lies inside the grid; at the lowest rate (0.003) "
    "the five schedules that spend much of the run below their peak lose more than 2.5× their best "
    "loss, and constant and WSD lose less than any of them.",
    experiment=comparison_runs,
    predicate=lambda r: all(_tuning_curves(c) for c in _rows(r, "curves")),
    effect=lambda r: proportion([_tuning_curves(c) for c in _rows(r, "curves")], "seed sets with this pattern"),
    notebook_seeds=(0, 1, 2, 3),
    needs_torch=True,
    shares="choosing.comparison",  # fair_comparison's runs
)
# First stated with "constant and WSD lose less than 2×" and "all best rates within one grid step": 8 of 10
# fresh sets (WSD lost 2.06× and 2.13× on two); with "less than any of them", 6 of 10 further fresh sets (the
# best rates spread over three grid values on four). Both parts are dropped from the claim; the notebook says
# "here" for them.


def _shape_range(runs: Runs) -> np.ndarray:
    means = runs["loss"].mean(axis=2)
    return np.ptp(means, axis=1)


RATE_COSTS = Claim(
    "choosing.rate_costs",
    where="09_choosing_a_schedule §2",
    statement="One grid step off the best rate (a factor 2.27) costs the most sensitive schedule more than twice "
    "the whole range between the seven tuned schedules, and two steps more than five times it.",
    experiment=comparison_runs,
    predicate=lambda r: bool(
        np.all(_rate_costs(r)[0] > 2 * _shape_range(r)) and np.all(_rate_costs(r)[1] > 5 * _shape_range(r))
    ),
    effect=lambda r: mean_interval(_rate_costs(r)[0], "largest cost of one grid step off the best rate"),
    notebook_seeds=(0, 1, 2, 3),
    needs_torch=True,
    shares="choosing.comparison",  # fair_comparison's runs
)
# First stated as "one step costs 0.04-0.1, two steps 0.3-0.8, the tuned means lie in 0.085-0.125": 2 of 10
# fresh sets (one step cost up to 0.2, two steps up to 0.92). Two steps: mean_interval(_rate_costs(runs)[1]).


ONE_SEED_RANKING = Claim(
    "choosing.one_seed_ranking_differs",
    where="09_choosing_a_schedule §2",
    statement="Ranking the seven tuned schedules by the tuning seed's run gives another order than ranking them "
    "by the mean of three fresh seeds.",
    experiment=comparison_runs,
    predicate=lambda r: bool(np.all(r["rankings_differ"])),
    effect=lambda r: proportion(r["rankings_differ"], "seed sets whose two rankings differ"),
    notebook_seeds=(0, 1, 2, 3),
    needs_torch=True,
    shares="choosing.comparison",  # fair_comparison's runs
)


def _one_cycle_minus_cosine(runs: Runs) -> tuple[np.ndarray, np.ndarray]:
    """Per seed set: one-cycle's mean val loss minus cosine's, and the median seed std of the seven."""
    i, j = NAMES.index("one-cycle"), NAMES.index("cosine")
    means, stds = runs["loss"].mean(axis=2), runs["loss"].std(axis=2, ddof=1)
    return means[:, i] - means[:, j], np.median(stds, axis=1)


ONE_CYCLE = Claim(
    "choosing.one_cycle_not_better",
    where="09_choosing_a_schedule §7",
    statement="On digits at this budget, tuned one-cycle does not beat a tuned plain cosine by more than one "
    "(median) seed standard deviation.",
    experiment=comparison_runs,
    predicate=lambda r: bool(np.all(_one_cycle_minus_cosine(r)[0] > -_one_cycle_minus_cosine(r)[1])),
    effect=lambda r: mean_interval(_one_cycle_minus_cosine(r)[0], "one-cycle − cosine, mean val loss"),
    notebook_seeds=(0, 1, 2, 3),
    needs_torch=True,
    shares="choosing.comparison",  # fair_comparison's runs
)


# ---- §4: the budget cut at T/2 ---------------------------------------------------------------------

CUT_NAMES = tuple(schedules.budget_cut_schedules(1.0, 8))


@functools.lru_cache(maxsize=16)
def half_budget_runs(seeds: tuple[int, ...] = (1, 2, 3)) -> dict:
    """§4 on digits: the four :func:`~course_lib.schedules.budget_cut_schedules` at ``CUT_LR``, T/2 = 44 updates."""
    budget = digits_budget()
    cut = schedules.budget_cut_schedules(CUT_LR, budget.total_steps)
    return {
        name: training.run_many(budget.train, list(seeds), s, epochs=budget.epochs // 2, label=name)
        for name, s in cut.items()
    }


def half_budget_table(seeds: tuple[int, ...]) -> Runs:
    """One row per seed: the final validation loss of each cut schedule (columns: ``CUT_NAMES``)."""
    half = half_budget_runs(tuple(seeds))
    return Runs(seeds, val_loss=np.array([[h.final_val_loss for h in half[n]] for n in CUT_NAMES]).T)


def _progress_limited(runs: Runs) -> bool:
    d = dict(zip(CUT_NAMES, runs["val_loss"].mean(axis=0)))
    planned, wsd = d["cosine(T/2)"], d["WSD branch at T/2"]
    return bool(
        planned > d["cosine(T) stopped at T/2"] + 0.02
        and planned > d["constant"] + 0.02
        and min(d.values()) < wsd < max(d.values())
    )


PROGRESS_LIMITED = Claim(
    "choosing.progress_limited_cut",
    where="09_choosing_a_schedule §4",
    statement="On digits at T/2 = 44 updates (mean of 3 seeds), the cosine planned for T/2 ends more than 0.02 "
    "above both the cut cosine and the constant rate, and the WSD branch lies strictly between the "
    "best and the worst of the four.",
    experiment=half_budget_table,
    predicate=_progress_limited,
    effect=lambda r: paired_difference(
        r["val_loss"][:, 1], r["val_loss"][:, 0], "cosine(T/2) − cut cosine, final val loss"
    ),
    notebook_seeds=(1, 2, 3),
    needs_torch=True,
    shares="choosing.progress_limited_cut",
)


@functools.lru_cache(maxsize=32)
def noise_limited_runs(seeds: tuple[int, ...] = tuple(range(20))) -> dict:
    """§4 on noisy least squares: SGD, batch 1, the four cut schedules for T = 2000, trained for T/2 = 1000."""
    nls = problems.noisy_least_squares()
    return {
        name: training.run_many(
            training.run_gd, list(seeds), nls, s, NOISE_T // 2, batch_size=1, label=name, check_horizon=False
        )  # the cut at T/2 is the experiment
        for name, s in schedules.budget_cut_schedules(NOISE_LR, NOISE_T).items()
    }


def noise_limited_table(seeds: tuple[int, ...]) -> Runs:
    """One row per seed: each cut schedule's excess loss f(w) − f* over its last 10 updates (``CUT_NAMES``)."""
    nls = problems.noisy_least_squares()
    cut = schedules.budget_cut_schedules(NOISE_LR, NOISE_T)
    # late_excess_loss of noise_limited_runs(seeds), the runs stepped together (the same numbers to 1e-12)
    excess = late_excess_losses(nls, [cut[n] for n in CUT_NAMES], NOISE_T // 2, seeds, window=NOISE_WINDOW)
    return Runs(seeds, excess=excess.T)


def _noise_limited(runs: Runs) -> bool:
    stopped, planned, wsd, constant = runs["excess"].mean(axis=0)
    return bool(stopped > 3 * planned and wsd < 5 * planned and wsd < stopped / 2 and constant > 2 * stopped)


NOISE_LIMITED = Claim(
    "choosing.noise_limited_cut",
    where="09_choosing_a_schedule §4",
    statement="On noisy least squares at T/2 (mean over 20 seeds), the cut cosine ends more than 3× above the "
    "cosine planned for T/2 (about 9×), the WSD branch less than 5× above it (about 3×) and below half "
    "the cut cosine, and the constant rate more than 2× above the cut cosine.",
    experiment=noise_limited_table,
    predicate=_noise_limited,
    effect=lambda r: ratio_of_means(r["excess"][:, 2], r["excess"][:, 1], "WSD branch / cosine(T/2), excess loss"),
    notebook_seeds=tuple(range(20)),
    fresh_sets=10,
    shares="choosing.noise_limited_cut",
)
# 20 seeds × 4 runs of 1000 SGD steps, stepped together (seed_batch.late_excess_losses): 10 fresh sets are
# the 200 seeds.


def cut_ratio(runs: Runs) -> Estimate:
    """The cut cosine / cosine(T/2), excess loss, pooled over the seeds (§4's other ratio)."""
    return ratio_of_means(runs["excess"][:, 0], runs["excess"][:, 1], "cut cosine / cosine(T/2), excess loss")


# ---- §5: the WSD cool-down on a small Transformer LM ---------------------------------------------

LM_PEAK = 2e-2
LM_STEPS = 300


@functools.lru_cache(maxsize=1)
def lm_setup() -> LMSetup:
    """§5's model and budget: pre-LN, 2 blocks of width 64, batch 16, 32 tokens of context, T = 300 Adam updates."""
    from course_lib.studies.language_model import LMSetup

    return LMSetup(steps=LM_STEPS, batch_size=16, context=32, n_layers=2, d_model=64, norm_first=True)


def __getattr__(name: str) -> Any:
    """``LM``: §5's setup (:func:`lm_setup`), built on first use so importing this module needs no torch."""
    if name == "LM":
        return lm_setup()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def lm_schedules() -> dict:
    """§5's three schedules at the peak 2e-2: constant (30-step warm-up), warm-up + cosine, WSD."""
    T = LM_STEPS
    return {
        "constant": schedules.warmup(schedules.constant(LM_PEAK), T // 10),
        "cosine": schedules.warmup_cosine_schedule(LM_PEAK, T),
        "WSD": schedules.wsd_schedule(LM_PEAK, T),
    }


#: §5's branch points: the cosine leaves the constant run where its warm-up ends, WSD where its cool-down starts
#: (until there each has the constant run's rates: the cosine's bit for bit, WSD's to the last bits of a float64).
LM_BRANCHES = {"cosine": LM_STEPS // 10, "WSD": LM_STEPS - LM_STEPS // 5}


#: §5's seeds: the constant rate and WSD on three, the cosine on one (its claim is replicated seed by seed).
LM_SEEDS, LM_COSINE_SEEDS = (0, 1, 2), (0,)

#: seed -> label -> History: the runs of §5 made so far (every claim and cell of §5 reads them from here).
_LM_RUNS: dict[int, dict] = {}


def _lm_seed(seed: int, names: tuple[str, ...]) -> dict:
    """The runs ``names`` of §5 for one seed, trained once: the two LM claims and the notebook share them.

    The constant run is the trunk; the cosine and WSD branch from its state at :data:`LM_BRANCHES`
    (``studies.run_lm_branches``: each branch is the run of its schedule from step 0, bit for bit).
    A branch asked for later retrains the trunk only up to its branch point (30 updates for the
    cosine). Per seed: 360 updates for constant and WSD, 630 with the cosine (900 run by run).
    """
    from course_lib.studies.language_model import run_lm_branches

    have = _LM_RUNS.setdefault(int(seed), {})
    missing = [name for name in names if name not in have]
    if missing:
        s = lm_schedules()
        branches = {name: (s[name], k) for name, k in LM_BRANCHES.items() if name in missing}
        trunk = ("constant", s["constant"])
        have.update(run_lm_branches(lm_setup(), trunk, branches, seed=int(seed), keep_trunk="constant" in missing))
    return {name: have[name] for name in names}


def lm_runs(seeds: tuple[int, ...] = LM_SEEDS, cosine_seeds: tuple[int, ...] = LM_COSINE_SEEDS) -> dict:
    """label -> one History per seed: constant and WSD on ``seeds``, the cosine on ``cosine_seeds``."""
    for s in dict.fromkeys((*cosine_seeds, *seeds)):  # each seed once, with every run it needs
        _lm_seed(s, ("constant", "cosine", "WSD") if s in cosine_seeds else ("constant", "WSD"))
    return {
        "constant": [_lm_seed(s, ("constant",))["constant"] for s in seeds],
        "cosine": [_lm_seed(s, ("cosine",))["cosine"] for s in cosine_seeds],
        "WSD": [_lm_seed(s, ("WSD",))["WSD"] for s in seeds],
    }


def _lm_table(seeds: tuple[int, ...], names: tuple[str, ...]) -> Runs:
    values = {name: [_lm_seed(s, names)[name].final_val_loss for s in seeds] for name in names}
    return Runs(tuple(seeds), **values)


def _lm_drop(runs: Runs) -> bool:
    drop = runs["constant"] - runs["WSD"]
    spread = max(np.ptp(runs["constant"]), np.ptp(runs["WSD"]))
    return bool(drop.min() > 0.03 and drop.min() > spread)


LM_COOLDOWN = Claim(
    "choosing.lm_cooldown_drop",
    where="09_choosing_a_schedule §5",
    statement="On the small Transformer LM (T = 300, peak 2e-2, 3 seeds), WSD, the constant-rate run cooled down "
    "from step 240, ends lower than the constant rate on every seed, by more than 0.03 nats and by more "
    "than the seed spread of the final losses.",
    experiment=lambda seeds: _lm_table(seeds, ("constant", "WSD")),
    predicate=_lm_drop,
    effect=lambda r: paired_difference(r["constant"], r["WSD"], "constant − WSD, final val loss (nats)"),
    notebook_seeds=LM_SEEDS,
    needs_torch=True,
    shares="choosing.lm",  # _lm_seed's runs
)
# WSD branches from the constant run's step-240 state (studies.run_lm_branches): 360 updates per seed instead
# of 600. Until that design the statement
# said "WSD is the constant-rate run bit for bit until step 240", which held on every notebook and fresh seed;
# that is now how the run is made (tests/studies/test_language_model.py checks that a branch is its run).


def _lm_cosine(runs: Runs) -> bool:
    return bool(
        runs["cosine"].mean() < runs["constant"].mean() - 0.025
        and abs(runs["cosine"].mean() - runs["WSD"].mean()) < 0.03
    )


LM_COSINE = Claim(
    "choosing.lm_cosine_with_wsd",
    where="09_choosing_a_schedule §5",
    statement="On the same LM, seed by seed, the cosine ends more than 0.025 nats below the constant rate and "
    "within 0.03 of WSD.",
    experiment=lambda seeds: _lm_table(seeds, ("constant", "cosine", "WSD")),
    predicate=_lm_cosine,
    effect=lambda r: paired_difference(r["cosine"], r["WSD"], "cosine − WSD, final val loss (nats)"),
    notebook_seeds=LM_COSINE_SEEDS,
    needs_torch=True,
    fresh_sets=30,
    shares="choosing.lm",  # _lm_seed's runs
)
# Stated until the notebook's budget cut (issue 23) for the mean of 3 seeds (10 of 10 fresh sets of 3). The
# notebook now runs the cosine on one seed, a representative run, and the claim is made seed by seed: stronger
# per set, replicated on 30 fresh single seeds, the same seeds as choosing.lm_cooldown_drop's 10 sets of 3, so
# after that claim only the cosine branch is trained (30 + 270 updates per seed).
