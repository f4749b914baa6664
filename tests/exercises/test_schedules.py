"""Checks on schedules and their clock: half-life, linear decay, warm-up, SGDR, one-cycle, step order, total steps."""

from __future__ import annotations

import functools

import pytest

from course_lib import exercises as E
from course_lib.exercises import solutions as sol


def test_accepted_variants():
    assert E.check_half_life(14, 0.95, quiet=True)  # the first whole step at half
    assert E.check_half_life(sol.half_life(0.9, 10), 0.9, 10, quiet=True)
    assert E.check_exponential_value(0.0599, quiet=True)  # rounded
    for text in [
        "optimizer.step then scheduler.step",
        "opt.step(); sched.step()",
        "a",
        "first optimizer.step(), then lr_scheduler.step()",
    ]:
        assert E.check_scheduler_order(text, quiet=True), text


@pytest.mark.parametrize("params", [dict(lr=0.5, total_steps=20, end_lr=0.0), dict(lr=1.0, total_steps=7, end_lr=0.3)])
def test_linear_decay_with_other_parameters(params):
    assert E.check_linear_decay(functools.partial(sol.linear_decay_fn, **params), **params, quiet=True)


@pytest.mark.parametrize(
    "params", [dict(lr=0.3, warmup_steps=5, total_steps=40, start_lr=0.01), dict(lr=1.0, warmup_steps=1, total_steps=3)]
)
def test_warmup_with_other_parameters(params):
    assert E.check_warmup(functools.partial(sol.warmup_cosine_fn, **params), **params, quiet=True)


@pytest.mark.parametrize("params", [dict(cycle_steps=5, cycle_mult=1, n=3), dict(cycle_steps=3, cycle_mult=1.5, n=5)])
def test_sgdr_with_other_parameters(params):
    assert E.check_sgdr_cycle_ends(sol.sgdr_cycle_ends(**params), **params, quiet=True)


@pytest.mark.parametrize("total, pct", [(1000, 0.3), (100, 0.25), (37, 0.3), (10, 0.5), (7, 0.1)])
def test_one_cycle_peak_with_other_parameters(total, pct):
    assert E.check_one_cycle_peak_step(sol.one_cycle_peak_step(total, pct), total, pct, quiet=True)


@pytest.mark.parametrize(
    "params",
    [dict(n_examples=1000, batch_size=100, epochs=3), dict(n_examples=1001, batch_size=100, epochs=2, drop_last=True)],
)
def test_total_steps_with_other_parameters(params):
    assert E.check_total_steps(sol.total_steps(**params), **params, quiet=True)
    assert not E.check_total_steps(sol.total_steps(**params) + 1, **params, quiet=True)
