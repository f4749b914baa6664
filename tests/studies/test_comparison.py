"""course_lib.studies, notebook 09 section: budgets, the standard schedules, tuning and comparing."""

from __future__ import annotations

import math

import numpy as np
import pytest

from course_lib import problems as P
from course_lib import schedules as S
from course_lib import studies as X
from course_lib.training import models as M
from course_lib.training.history import History


@pytest.fixture(scope="module")
def data():
    return P.spirals_dataset(n_samples=200, n_classes=3, seed=0)  # 150 train -> 5 steps/epoch at batch 32


@pytest.fixture(scope="module")
def budget(data):
    return X.Budget(
        data,
        lambda: M.mlp(2, 3, hidden=(16,), seed=None),
        epochs=2,
        batch_size=32,
        optimizer="sgd",
        options=dict(momentum=0.9),
    )


@pytest.fixture(scope="module")
def comparison(budget):
    schedules = {k: S.STANDARD_SCHEDULES[k] for k in ("constant", "cosine", "WSD")}
    return X.compare_schedules(schedules, [0.01, 0.1, 1.0, 300.0], budget, seeds=(1, 2), tune_seeds=(0,))


def test_budget_counts_steps(budget):
    assert budget.steps_per_epoch == 5 and budget.total_steps == 10
    h = budget.train(S.constant(0.1), seed=1, label="x")
    assert h.n_steps == 10 and h.label == "x" and h.config["momentum"] == 0.9 and h.config["seed"] == 1
    assert budget.train(S.cosine_decay(0.1, 10), epochs=1).n_steps == 5


def test_budget_errors(data):
    build = lambda: M.mlp(2, 3, seed=None)  # noqa: E731
    with pytest.raises(TypeError, match="model"):
        X.Budget(data, M.mlp(2, 3), epochs=1)
    with pytest.raises(TypeError, match="data"):
        X.Budget("digits", build, epochs=1)
    with pytest.raises(ValueError, match="epochs"):
        X.Budget(data, build, epochs=0)
    with pytest.raises(ValueError, match="optimizer"):
        X.Budget(data, build, epochs=1, optimizer="lion")
    with pytest.raises(ValueError, match="options"):
        X.Budget(data, build, epochs=1, options=dict(seed=3))


@pytest.mark.parametrize("name", sorted(S.STANDARD_SCHEDULES))
@pytest.mark.parametrize("total", [50, 176, 1000])
def test_standard_schedules_peak_at_lr_and_fit_the_budget(name, total):
    schedule = S.STANDARD_SCHEDULES[name](0.5, total)
    assert isinstance(schedule, S.Schedule)
    rates = S.evaluate(schedule, total)
    assert rates.max() <= 0.5 + 1e-12 and rates.max() >= 0.45
    if name != "constant":  # every other one ends low: the last update is annealed
        assert rates[-1] < 0.5 * 0.15, (name, rates[-1])


def test_sgdr_has_three_cycles_and_wsd_holds():
    rates = S.evaluate(S.sgdr_schedule(1.0, 700), 700)
    assert np.flatnonzero(np.diff(rates) > 0.5).tolist() == [99, 299]  # restarts after 100 and 300 steps
    wsd = S.evaluate(S.wsd_schedule(1.0, 100), 100)
    assert wsd[0] == 0 and np.all(wsd[10:80] == 1.0) and wsd[-1] < 0.1
    assert S.evaluate(S.step_schedule(1.0, 100), 100)[[49, 50, 75]].tolist() == pytest.approx([1.0, 0.1, 0.01])


def test_run_score():
    assert X.run_score(History(val_loss=np.array([0.5, 0.3]))) == 0.3
    assert X.run_score(History(val_loss=np.array([0.5]), diverged=True)) == math.inf
    assert X.run_score(History()) == math.inf  # no validation: nan -> inf
    assert X.run_score(History(val_acc=np.array([0.9])), lambda h: 1 - h.final_val_acc) == pytest.approx(0.1)
    with pytest.raises(ValueError, match="metric"):
        X.run_score(History(), "final_val_acc")
    with pytest.raises(ValueError, match="metric"):
        X.run_score(History(), "val_loss")


def test_tune_lr_scores_divergence_as_inf_and_picks_the_best(budget):
    sweep = X.tune_lr(S.cosine_schedule, [0.001, 0.1, 500.0], budget, seeds=(0, 1))
    assert sweep.scores.shape == (3,) and math.isinf(sweep.scores[-1])
    assert all(h.diverged for h in sweep.histories[-1])
    assert len(sweep.histories[0]) == 2 and sweep.best_lr == 0.1 and sweep.best_index == 1
    assert not sweep.at_edge and sweep.metric == "final_val_loss"
    edge = X.LRSweep(np.array([0.1, 0.2]), np.array([1.0, 2.0]), [[], []])
    assert edge.at_edge and edge.best_lr == 0.1
    none = X.LRSweep(np.array([0.1, 0.2]), np.array([np.inf, np.inf]), [[], []])
    assert none.best_index is None and math.isnan(none.best_lr) and not none.at_edge


def test_compare_schedules_structure(comparison, budget):
    assert list(comparison.runs) == ["constant", "cosine", "WSD"] and comparison.seeds == [1, 2]
    for name, runs in comparison.runs.items():
        assert [h.config["seed"] for h in runs] == [1, 2]
        assert all(h.label == name and h.n_steps == budget.total_steps for h in runs)
        sweep = comparison.sweeps[name]
        assert math.isinf(sweep.scores[-1]) and sweep.best_lr in (0.01, 0.1, 1.0)
        assert runs[0].config["schedule"] == repr(S.STANDARD_SCHEDULES[name](sweep.best_lr, budget.total_steps))
    rows = comparison.rows()
    assert [r["name"] for r in rows] == list(comparison.runs)
    for r in rows:
        assert r["runs"] == 2 and 0 < r["val_loss"] and 0 <= r["val_acc"] <= 1 and r["val_loss_std"] >= 0
    assert sorted(comparison.ranking()) == sorted(comparison.runs)
    assert comparison.best_lr == {k: s.best_lr for k, s in comparison.sweeps.items()}


def test_table_has_a_fixed_format(comparison):
    lines = comparison.table().splitlines()
    assert lines[0].startswith("| schedule | tuned lr |") and len(lines) == 2 + 3
    row = comparison.rows()[1]
    assert f"{row['val_loss']:.4f} ± {row['val_loss_std']:.4f}" in lines[3]


def test_compare_is_deterministic(budget):
    a = X.compare_schedules({"cosine": S.cosine_schedule}, [0.1, 1.0], budget, seeds=(1,))
    b = X.compare_schedules({"cosine": S.cosine_schedule}, [0.1, 1.0], budget, seeds=(1,))
    assert a.table() == b.table()
    np.testing.assert_array_equal(a.runs["cosine"][0].loss, b.runs["cosine"][0].loss)


def test_all_diverged_is_reported_not_raised(budget):
    c = X.compare_schedules({"constant": S.constant_schedule}, [500.0, 1000.0], budget, seeds=(1,))
    assert c.runs["constant"] == [] and math.isnan(c.best_lr["constant"])
    assert "all diverged" in c.table() and c.ranking() == []


def test_compare_errors(budget):
    with pytest.raises(ValueError, match="lrs"):
        X.compare_schedules(S.STANDARD_SCHEDULES, [0.1, 0.01], budget)
    with pytest.raises(ValueError, match="lrs"):
        X.tune_lr(S.cosine_schedule, [-0.1], budget)
    with pytest.raises(TypeError, match="schedules"):
        X.compare_schedules({}, [0.1], budget)
    with pytest.raises(TypeError, match="budget"):
        X.compare_schedules(S.STANDARD_SCHEDULES, [0.1], "budget")
    with pytest.raises(ValueError, match="seeds"):
        X.compare_schedules(S.STANDARD_SCHEDULES, [0.1], budget, seeds=())
    with pytest.raises(TypeError, match="make_schedule"):
        X.tune_lr(0.1, [0.1], budget)


@pytest.mark.parametrize("total", [50, 176, 2000])
def test_budget_cut_schedules(total):
    cut = S.budget_cut_schedules(0.3, total)
    half = total // 2
    assert list(cut) == ["cosine(T) stopped at T/2", "cosine(T/2)", "WSD branch at T/2", "constant"]
    assert cut["cosine(T) stopped at T/2"](half) == pytest.approx(0.15, rel=0.05)
    assert cut["cosine(T/2)"](half - 1) < 0.01 and cut["WSD branch at T/2"](half - 1) < 0.3 * 0.25
    branch_start = half - max(half // 5, 1)
    np.testing.assert_array_equal(
        S.evaluate(cut["WSD branch at T/2"], branch_start), S.evaluate(S.wsd_schedule(0.3, total), branch_start)
    )
    assert cut["WSD branch at T/2"](branch_start + 1) < S.wsd_schedule(0.3, total)(branch_start + 1)
    with pytest.raises(ValueError, match="total_steps"):
        S.budget_cut_schedules(0.3, 3)
