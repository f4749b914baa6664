"""The language-model study on fast settings: paired runs over seeds, the levels, the measures."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from course_lib import schedules, studies
from course_lib.training.history import History

FAST = studies.LMSetup(steps=12, batch_size=4, context=8, n_layers=1, d_model=16, n_val=16)


def test_runs_are_paired_by_seed_and_reproducible():
    peak = 3e-3
    runs = studies.run_lm_schedules(
        FAST, {"constant": schedules.constant(peak), "WSD": schedules.warmup_stable_decay(peak, 12, 0, 4)}, seeds=[0, 1]
    )
    assert list(runs) == ["constant", "WSD"] and all(len(hs) == 2 for hs in runs.values())
    for c, w in zip(runs["constant"], runs["WSD"]):  # same schedule until the decay: the same run
        assert np.array_equal(c.loss[:9], w.loss[:9]) and not np.array_equal(c.lr, w.lr)
    assert not np.array_equal(runs["constant"][0].loss, runs["constant"][1].loss)  # seeds differ
    again = studies.train_lm(FAST, schedules.constant(peak), seed=1)
    assert np.array_equal(again.loss, runs["constant"][1].loss)


def test_a_branch_is_the_run_of_its_schedule_from_step_0():
    """run_lm_branches trains the shared updates once; each branch is train_lm's run of its schedule, bit for bit
    (09 §5: WSD leaves the constant run when its cool-down starts, the cosine when its warm-up ends)."""
    peak, T = 2e-2, FAST.steps
    trunk = schedules.warmup(schedules.constant(peak), 3)
    wsd = schedules.warmup_stable_decay(peak, T, 3, 3)  # the constant run until step 9
    cosine = schedules.warmup(schedules.cosine_decay(peak, T - 3), 3)  # the constant run until step 3
    assert np.array_equal(training_rates(trunk)[:3], training_rates(cosine)[:3])
    assert np.allclose(training_rates(trunk)[:9], training_rates(wsd)[:9], rtol=1e-15, atol=0)
    for options in ({}, {"optimizer": "adamw", "weight_decay": 0.1, "betas": (0.8, 0.95)}):
        branches = {"cosine": (cosine, 3), "WSD": (wsd, 9)}
        runs = studies.run_lm_branches(FAST, ("constant", trunk), branches, seed=1, **options)
        assert list(runs) == ["constant", "cosine", "WSD"]
        for label, schedule in (("constant", trunk), ("cosine", cosine), ("WSD", wsd)):
            alone = studies.train_lm(FAST, schedule, seed=1, **options)
            branch = runs[label]
            assert branch.n_steps == T and np.array_equal(branch.steps, np.arange(T))
            assert np.array_equal(branch.loss, alone.loss), label
            assert np.array_equal(branch.val_loss, alone.val_loss), label
            assert np.allclose(branch.lr, alone.lr, rtol=1e-15, atol=0), label
            assert np.array_equal(branch.momentum, alone.momentum), label
    assert runs["WSD"].config["branched_at"] == 9 and runs["WSD"].schedule == alone.schedule
    only = studies.run_lm_branches(
        FAST, ("constant", trunk), {"cosine": (cosine, 3)}, seed=1, keep_trunk=False, **options
    )
    assert list(only) == ["cosine"]  # the trunk trained to step 3 only, for a branch added later
    assert np.array_equal(only["cosine"].loss, runs["cosine"].loss)
    assert np.array_equal(only["cosine"].val_loss, runs["cosine"].val_loss)


def training_rates(schedule):
    from course_lib.training.plan import rates

    return rates(schedule, FAST.steps)


def test_a_setup_gives_its_data_model_and_levels():
    data = FAST.data()
    assert data.X_train.shape == (12 * 4, 8) and data.n_val == 16
    assert FAST.data() is data  # cached: every run of a setup reads the same text
    net = FAST.model()()
    assert tuple(net(torch.as_tensor(data.X_train[:2])).shape) == (2, 48, 8)
    levels = FAST.levels()
    assert levels["unigram"] > levels["bigram"] > levels["source"] > 0


def test_first_step_below_and_paired_drop():
    h = History(steps=np.arange(6), loss=np.array([4.0, 4.0, 3.0, 2.0, 2.0, 2.0]))
    assert studies.first_step_below(h, 3.5, window=2) == 2 + 1  # mean of steps 2, 3 = 2.5
    assert studies.first_step_below(h, 3.5, window=1) == 2
    assert studies.first_step_below(h, 1.0) is None
    a, b = History(val_loss=np.array([3.0])), History(val_loss=np.array([2.5]))
    assert studies.paired_drop([a], [b]).tolist() == [0.5]
    with pytest.raises(ValueError, match="paired"):
        studies.paired_drop([a], [])


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="steps"):
        studies.LMSetup(steps=0)
    with pytest.raises(TypeError, match="setup"):
        studies.train_lm("setup", 1e-3)
    with pytest.raises(ValueError, match="schedules"):
        studies.run_lm_schedules(FAST, {})
    with pytest.raises(ValueError, match=r"branches\['WSD'\]\[1\] must be a step before T = 12, got 12"):
        studies.run_lm_branches(FAST, ("constant", 1e-3), {"WSD": (1e-4, 12)})
    with pytest.raises(TypeError, match="trunk must be a pair"):
        studies.run_lm_branches(FAST, 1e-3, {"WSD": (1e-4, 6)})
