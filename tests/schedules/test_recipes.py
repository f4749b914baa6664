"""Recipes, each shape fitted to (peak lr, T); the lessons' tables give the old tables' values (commit 423a876)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from course_lib import schedules as S
from course_lib.schedules import recipes as R
from course_lib.schedules.registry import REGISTRY


# Frozen copies of the old tables: experiments.STANDARD_SCHEDULES' seven functions,
# distributed.scaled_schedule and experiments.budget_cut_schedules.
def old_standard(name, lr, T):
    if name == "constant":
        return S.constant(lr)
    if name == "step":
        return S.multistep_decay(lr, [T // 2, 3 * T // 4], gamma=0.1)
    if name == "cosine":
        return S.cosine_decay(lr, T)
    if name == "warmup+cosine":
        w = max(T // 10, 1)
        return S.warmup(S.cosine_decay(lr, T - w), w)
    if name == "one-cycle":
        return S.one_cycle(lr, T)
    if name == "SGDR":
        return S.cosine_restarts(lr, math.ceil(T / 7), cycle_mult=2)
    return S.warmup_stable_decay(lr, T, T // 10, max(T // 5, 1))


def old_scaled(base_lr, k, T, W):
    decay = S.cosine_decay(k * base_lr, T - W)
    return S.warmup(decay, W, start_lr=base_lr) if W else decay


HORIZONS = [4, 5, 7, 9, 10, 11, 23, 50, 99, 176, 1000, 1001]


@pytest.mark.parametrize("name", list(R.STANDARD_SCHEDULES))
@pytest.mark.parametrize("T", HORIZONS)
def test_standard_schedules_are_the_old_ones(name, T):
    for lr in (0.1, 0.5, 3e-4):
        new, old = R.STANDARD_SCHEDULES[name](lr, T), old_standard(name, lr, T)
        assert new == old and repr(new) == repr(old)
        t = np.concatenate([np.arange(T + 10), np.arange(0, T, 0.3)])
        np.testing.assert_array_equal(new(t), old(t))


def test_the_gd_explorers_offer_every_registry_recipe():
    """One table: the GD explorers' schedules are the registry rows with a recipe and a note."""
    assert S.GD_SCHEDULES == {name: row.note for name, row in REGISTRY.items() if row.fit and row.note}
    assert all(REGISTRY[name].fit for name in S.GD_SCHEDULES)


@pytest.mark.parametrize("name", list(S.GD_SCHEDULES))
@pytest.mark.parametrize("n", [2, 3, 5, 9, 10, 11, 100, 1001, 2000])
def test_gd_schedules_are_the_registry_recipes(name, n):
    for lr in (0.3, 1.5, 1e-3):
        s = S.gd_schedule(name, lr, n)
        assert s == REGISTRY[name].fit(lr, n)
        rates = s(np.arange(n))
        assert np.all(np.isfinite(rates)) and np.all(rates >= 0) and rates.max() <= lr * (1 + 1e-12)


def test_gd_cosine_restarts_is_the_registry_recipe_four_equal_cycles():
    """The row, the GD and compare explorers (notebook 07: "SGDR with 4 cycles") agree."""
    s = S.gd_schedule("cosine_restarts", 0.1, 400)
    assert s == REGISTRY["cosine_restarts"].fit(0.1, 400) == S.cosine_restarts(0.1, 100)
    assert s.cycle_ends(400) == [99, 199, 299, 399]


def test_gd_schedule_errors():
    with pytest.raises(ValueError, match="name"):
        S.gd_schedule("sgdr", 0.1, 100)
    with pytest.raises(ValueError, match="n_steps"):
        S.gd_schedule("constant", 0.1, 1)


@pytest.mark.parametrize("base,k,T,W", [(0.02, 4, 165, 55), (0.1, 1, 50, 0), (0.1, 8, 100, 20), (0.05, 2.5, 7, 6)])
def test_scaled_schedule_is_the_old_one(base, k, T, W):
    assert R.scaled_schedule(base, k, T, W) == old_scaled(base, k, T, W)


@pytest.mark.parametrize("T", [4, 5, 10, 200, 1001])
def test_budget_cut_schedules_are_the_old_ones(T):
    half = T // 2
    assert R.budget_cut_schedules(0.3, T) == {
        "cosine(T) stopped at T/2": S.cosine_decay(0.3, T),
        "cosine(T/2)": S.cosine_decay(0.3, half),
        "WSD branch at T/2": S.warmup_stable_decay(0.3, half, T // 10, max(half // 5, 1)),
        "constant": S.constant(0.3),
    }
