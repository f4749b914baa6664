"""course_lib.studies.replication: runs, estimates against hand computations, fresh seeds, replicate()."""

from __future__ import annotations

import math

import numpy as np
import pytest
from _toy_claims import ALWAYS_AHEAD, COIN_FAIR, COIN_MAJORITY
from scipy import stats

from course_lib.studies import replication as rp
from course_lib.studies.replication import FRESH_BASE, Claim, Estimate, Runs

Z = 1.959963984540054  # the 97.5 % point of the standard normal


# ---- Runs ---------------------------------------------------------------------------------------


def test_runs_hold_named_arrays_one_row_per_seed():
    r = Runs((3, 4, 5), loss=[0.5, 0.25, 1.0], hit=[True, False, True])
    assert len(r) == 3 and r.seeds == (3, 4, 5) and sorted(r) == ["hit", "loss"]
    assert r["loss"].dtype == float and r["hit"].tolist() == [True, False, True]
    assert "seeds=3–5" in repr(r) and "loss=" in repr(r)


def test_runs_refuse_values_of_different_lengths():
    with pytest.raises(ValueError, match="one row per run"):
        Runs((0, 1), a=[1, 2], b=[1, 2, 3])


def test_runs_concat_pools_rows_and_seeds_in_order():
    pooled = Runs.concat([Runs((0, 1), x=[1.0, 2.0]), Runs((7,), x=[3.0])])
    assert pooled.seeds == (0, 1, 7) and pooled["x"].tolist() == [1.0, 2.0, 3.0] and len(pooled) == 3


def test_runs_of_a_set_level_measurement_count_their_rows():
    r = Runs((0, 1, 2), curve=np.zeros((1, 50)))  # one row for the whole seed set
    assert len(r) == 1


# ---- estimates against hand computations --------------------------------------------------------


def test_mean_interval_is_the_t_interval_by_hand():
    x = np.array([1.0, 2.0, 4.0, 7.0])
    est = rp.mean_interval(x, "x")
    m, s, n = 3.5, math.sqrt(((x - 3.5) ** 2).sum() / 3), 4
    half = 3.182446305284263 * s / math.sqrt(n)  # t_{0.975, 3}
    assert est.value == pytest.approx(m) and est.n == 4 and est.method == "t"
    assert (est.low, est.high) == pytest.approx((m - half, m + half))


def test_mean_interval_of_a_constant_or_a_single_value_is_a_point():
    assert (rp.mean_interval([2.0, 2.0, 2.0]).low, rp.mean_interval([2.0]).high) == (2.0, 2.0)


def test_paired_difference_is_the_mean_interval_of_the_differences():
    a, b = np.array([1.0, 2.0, 3.5, 4.0]), np.array([0.5, 2.5, 1.0, 3.0])
    est, ref = rp.paired_difference(a, b, "a − b"), rp.mean_interval(a - b)
    assert (est.value, est.low, est.high) == pytest.approx((ref.value, ref.low, ref.high))
    assert est.method == "paired t" and est.label == "a − b"


def test_proportion_is_the_wilson_interval_by_hand():
    k, n = 7, 20
    est = rp.proportion([True] * k + [False] * (n - k))
    centre = (k + Z**2 / 2) / (n + Z**2)
    half = Z / (n + Z**2) * math.sqrt(k * (n - k) / n + Z**2 / 4)
    assert est.value == pytest.approx(0.35) and est.n == 20 and est.method == "Wilson"
    assert (est.low, est.high) == pytest.approx((centre - half, centre + half), abs=1e-9)


def test_twenty_of_twenty_means_a_rate_of_at_least_84_percent():
    est = rp.proportion([True] * 20)
    assert est.value == 1.0 and est.high == pytest.approx(1.0) and est.low == pytest.approx(0.8389, abs=1e-4)


def test_ratio_of_means_has_its_value_inside_a_bootstrap_interval():
    rng = np.random.default_rng(0)
    a, b = 2.0 + rng.normal(0, 0.1, 50), 1.0 + rng.normal(0, 0.1, 50)
    est = rp.ratio_of_means(a, b, "a / b")
    assert est.value == pytest.approx(a.mean() / b.mean())
    assert est.low < est.value < est.high and 1.8 < est.low and est.high < 2.2
    assert est.method == "bootstrap paired"
    assert rp.ratio_of_means(a, b, paired=False).method == "bootstrap"
    assert rp.ratio_of_means(a, b).low == est.low  # a fixed generator: the same interval every time


def test_proportion_difference_of_paired_hits():
    a, b = [True] * 30 + [False] * 10, [True] * 10 + [False] * 30
    est = rp.proportion_difference(a, b)
    assert est.value == pytest.approx(0.5) and est.low < 0.5 < est.high and est.low > 0


def test_fisher_counts_is_the_two_sided_hypergeometric_sum():
    a, b = [True] * 8 + [False] * 2, [True] * 1 + [False] * 5  # the table [[8, 2], [1, 5]]
    dist = stats.hypergeom(16, 9, 10)  # 16 runs, 9 hits, 10 in arm a
    observed = dist.pmf(8)
    by_hand = sum(dist.pmf(k) for k in range(0, 11) if dist.pmf(k) <= observed * (1 + 1e-7))
    assert rp.fisher_counts(a, b) == pytest.approx(by_hand)


def test_estimate_prints_and_knows_when_it_excludes_a_value():
    est = Estimate(0.5, 0.2, 0.8, "gap", "t", 10)
    assert str(est) == "gap: 0.5 [0.2, 0.8] (t, n=10)"
    assert est.excludes(0.0) and est.excludes(1.0) and not est.excludes(0.5)


# ---- fresh seeds and the default sizes -----------------------------------------------------------


@pytest.mark.parametrize("size,sets,start", [(1, 5, FRESH_BASE), (3, 67, FRESH_BASE), (100, 20, FRESH_BASE + 7)])
def test_fresh_seed_sets_are_disjoint_fresh_and_of_the_notebooks_size(size, sets, start):
    drawn = rp.fresh_seed_sets(size, sets, start)
    flat = [s for st in drawn for s in st]
    assert len(drawn) == sets and all(len(st) == size for st in drawn)
    assert len(set(flat)) == len(flat) and min(flat) >= FRESH_BASE


@pytest.mark.parametrize("size,sets", [(0, 5), (3, 0)])
def test_fresh_seed_sets_refuse_empty_sets(size, sets):
    with pytest.raises(ValueError, match="must be >= 1"):
        rp.fresh_seed_sets(size, sets)


def test_default_sets_give_200_seeds_and_20_sets_for_numpy_10_for_torch():
    assert rp.default_sets(ALWAYS_AHEAD) == 67  # 3 seeds per set: ceil(200 / 3)
    assert rp.default_sets(COIN_FAIR) == 20  # 20 seeds per set: 20 sets are 400 seeds
    torch_claim = Claim(
        "toy.torch",
        "00_start_here §2",
        "s",
        ALWAYS_AHEAD.experiment,
        ALWAYS_AHEAD.predicate,
        ALWAYS_AHEAD.effect,
        notebook_seeds=(0, 1, 2),
        needs_torch=True,
        register=False,
    )
    assert rp.default_sets(torch_claim) == rp.TORCH_SETS == 10
    capped = Claim(
        "toy.capped",
        "00_start_here §2",
        "s",
        ALWAYS_AHEAD.experiment,
        ALWAYS_AHEAD.predicate,
        ALWAYS_AHEAD.effect,
        notebook_seeds=(0,),
        fresh_sets=12,
        register=False,
    )
    assert rp.default_sets(capped) == 12


# ---- claims ----------------------------------------------------------------------------------------


def _claim(**changes):
    base = dict(
        name="toy.x",
        where="00_start_here §2",
        statement="s",
        experiment=COIN_FAIR.experiment,
        predicate=COIN_FAIR.predicate,
        effect=COIN_FAIR.effect,
        notebook_seeds=(0, 1),
        register=False,
    )
    return Claim(**{**base, **changes})


def test_a_claim_needs_the_notebooks_seeds_all_below_fresh_base():
    with pytest.raises(ValueError, match="notebook_seeds"):
        _claim(notebook_seeds=())
    with pytest.raises(ValueError, match="FRESH_BASE"):
        _claim(notebook_seeds=(0, FRESH_BASE))


def test_a_claims_experiment_must_return_runs():
    bad = _claim(experiment=lambda seeds: {"x": [1.0]})
    with pytest.raises(TypeError, match="must return Runs, got dict"):
        bad.run()


def test_unregistered_claims_stay_out_of_the_registry_and_a_name_cannot_move():
    assert "toy.x" not in rp._REGISTRY and "toy.coin_fair" not in rp._REGISTRY
    try:
        _claim(name="toy.registered_once", register=True)
        _claim(name="toy.registered_once", register=True)  # the same claim re-imported: fine
        with pytest.raises(ValueError, match="already registered"):
            _claim(name="toy.registered_once", where="00_start_here §3", register=True)
    finally:
        rp._REGISTRY.pop("toy.registered_once", None)


def test_check_prints_whether_it_holds_and_the_effect():
    line = COIN_FAIR.check(COIN_FAIR.run())
    assert line.startswith("toy.coin_fair: holds; heads: ")


def test_unknown_claim_names_the_registered_ones():
    with pytest.raises(KeyError, match="no claim named 'toy.nowhere'"):
        rp.claim("toy.nowhere")


# ---- replicate -----------------------------------------------------------------------------------


def test_replicate_counts_the_sets_where_the_predicate_holds():
    calls = []
    rep = rp.replicate(COIN_MAJORITY, n_sets=12, progress=lambda done, total: calls.append((done, total)))
    sets = rp.fresh_seed_sets(7, 12)
    by_hand = [COIN_MAJORITY.holds(COIN_MAJORITY.run(s)) for s in sets]
    assert rep.held == tuple(by_hand) and rep.n_sets == 12 and calls[-1] == (12, 12) and len(calls) == 12
    assert rep.fresh_seeds == tuple(s for st in sets for s in st) and min(rep.fresh_seeds) >= FRESH_BASE
    ref = rp.proportion(by_hand)
    assert (rep.rate.value, rep.rate.low, rep.rate.high) == (ref.value, ref.low, ref.high)
    pooled = Runs.concat([COIN_MAJORITY.run(s) for s in sets])
    assert rep.effect == COIN_MAJORITY.effect(pooled) and rep.effect.n == 84
    assert rep.stands == (ref.value >= rp.STANDS_AT) and rep.notebook_holds is None and rep.seconds > 0


def test_replicate_is_deterministic_and_reports_the_notebooks_own_seeds_on_request():
    one = rp.replicate(ALWAYS_AHEAD, n_sets=10, start=FRESH_BASE + 300, with_notebook_seeds=True)
    two = rp.replicate(ALWAYS_AHEAD, n_sets=10, start=FRESH_BASE + 300)
    assert one.held == two.held and one.effect == two.effect
    assert one.notebook_holds == ALWAYS_AHEAD.holds(ALWAYS_AHEAD.run())


def test_a_claim_that_holds_by_chance_does_not_stand_and_a_safe_one_does():
    assert rp.replicate(COIN_FAIR, n_sets=20).stands
    weak = rp.replicate(ALWAYS_AHEAD, n_sets=40)
    assert not weak.stands and weak.rate.high < rp.STANDS_AT


def test_row_is_plain_data_for_the_table():
    row = rp.replicate(COIN_FAIR, n_sets=3).row()
    assert row["claim"] == "toy.coin_fair" and row["where"] == "00_start_here §2" and row["sets"] == 3
    assert row["notebook_seeds"] == "0–19" and row["fresh_seeds"] == f"{FRESH_BASE}–{FRESH_BASE + 59}"
    assert all(isinstance(v, (str, int, float, bool, type(None))) for v in row.values())


# ---- the wording rule for restated claims ----------------------------------------------------------


@pytest.mark.parametrize(
    "statement,ok",
    [
        ("on average over 200 seeds, SGDR and one cosine reach the deepest basin equally often", True),
        ("On average, warm-up lowers the early spike", True),
        ("SGDR is ahead on 55 % of 3-seed sets", True),
        ("holds on 62% of sets", True),
        ("one long cosine escapes better", False),
        ("every seed reaches the basin", False),
        ("the average loss is lower", False),  # "average" alone does not say how often
    ],
)
def test_worded_with_rate(statement, ok):
    assert rp.worded_with_rate(statement) is ok


def test_worded_with_rate_wants_a_string():
    with pytest.raises(TypeError, match="statement must be a str, got int"):
        rp.worded_with_rate(3)
