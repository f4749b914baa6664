"""Every schedule knows its horizon (the steps it was built for), and the trainers ask it.

The table below has one row per registry schedule plus the classes the registry does not
list (ramp, join, scaled, rescaled, the momentum schedules); a new schedule class without a
row fails ``test_the_table_covers_every_schedule``.
"""

from __future__ import annotations

import warnings

import pytest

from course_lib import problems as P
from course_lib import schedules as S
from course_lib import training
from course_lib.schedules.base import Schedule
from course_lib.schedules.compose import Composite
from course_lib.schedules.registry import MOMENTUM_CATALOG, REGISTRY

#: (catalog name or class name, schedule, expected horizon)
HORIZONS = [
    ("constant", S.constant(0.1), None),
    ("step_decay", S.step_decay(0.1, 10), None),
    ("multistep_decay", S.multistep_decay(0.1, [10, 30]), None),
    ("exponential_decay", S.exponential_decay(0.1, 0.95), None),
    ("exponential_decay (optax floor)", S.exponential_decay(0.1, 0.95, transition_begin=10, end_lr=0.01), None),
    ("inverse_time_decay", S.inverse_time_decay(0.1, 0.5), None),
    ("inverse_sqrt_decay", S.inverse_sqrt_decay(0.1, 0.5), None),
    ("polynomial_decay", S.polynomial_decay(0.1, 50, power=2.0), 50),
    ("linear_decay", S.linear_decay(0.1, 50), 50),
    ("cosine_decay", S.cosine_decay(0.1, 50), 50),
    ("one_minus_sqrt_decay", S.one_minus_sqrt_decay(0.1, 50), 50),
    ("cosine_restarts", S.cosine_restarts(0.1, 10, cycle_mult=2), None),
    ("cyclic", S.cyclic(0.01, 0.1, 5), None),
    ("one_cycle", S.one_cycle(0.1, 50), 50),
    ("noam", S.noam(0.1, 10), None),
    ("piecewise_constant", S.piecewise_constant([10, 20], [0.1, 0.05, 0.01]), None),
    ("warmup", S.warmup(S.cosine_decay(0.1, 40), 10), 50),
    ("warmup (no steps)", S.warmup(S.cosine_decay(0.1, 40), 0), 40),
    ("warmup (of a constant)", S.warmup(S.constant(0.1), 10), None),
    ("warmup_stable_decay", S.warmup_stable_decay(0.1, 50, 5, 10), 50),
    ("warmup_stable_decay (all decay)", S.warmup_stable_decay(0.1, 50, 0, 50, decay="cosine"), 50),
    ("k_decay", S.k_decay(S.cosine_decay(0.1, 50), 2.0), 50),
    ("noisy", S.noisy(S.cosine_decay(0.1, 50), (10, 40)), 50),
    ("noisy (no end)", S.noisy(S.constant(0.1), 0), None),
    ("ramp", S.ramp(0.0, 0.1, 100), None),
    ("join", S.join([S.ramp(0.0, 0.1, 10), S.cosine_decay(0.1, 90)], [10]), 100),
    ("join (open end)", S.join([S.cosine_decay(0.1, 10), S.constant(0.01)], [10]), None),
    ("join (one piece)", S.join([S.linear_decay(0.1, 30)], []), 30),
    ("scaled", S.scaled(S.cosine_decay(0.1, 80), 2.0), 80),
    ("rescaled", S.rescaled(S.linear_decay(1.0, 60), 0.01, 0.1), 60),
    ("rescaled (no end)", S.rescaled(S.ramp(0.0, 1.0, 60), 0.01, 0.1), None),
    ("constant_momentum", S.constant_momentum(0.9), None),
    ("one_cycle_momentum", S.one_cycle_momentum(50), 50),
    ("cyclic_momentum", S.cyclic_momentum(5), None),
]


@pytest.mark.parametrize("name, schedule, expected", HORIZONS, ids=[row[0] for row in HORIZONS])
def test_horizon(name, schedule, expected):
    assert schedule.horizon == expected
    assert training.schedule_horizon(schedule) == expected
    if expected is not None:
        assert isinstance(schedule.horizon, int)


#: the bases, which no one builds
ABSTRACT = {Schedule, Composite}


def _subclasses(cls: type) -> set[type]:
    out = set()
    for sub in cls.__subclasses__():
        out |= {sub} | _subclasses(sub)
    return out


def test_the_table_covers_every_schedule():
    names = {row[0] for row in HORIZONS}
    missing = sorted((set(REGISTRY) | set(MOMENTUM_CATALOG)) - names)
    assert not missing, f"registry schedules without a horizon row: {missing}"
    covered = {type(row[1]) for row in HORIZONS}
    classes = {c for c in _subclasses(Schedule) if c.__module__.startswith("course_lib.")} - ABSTRACT
    assert len(classes) >= 20, classes
    missing = sorted(c.__name__ for c in classes - covered)
    assert not missing, f"schedule classes without a horizon row: {missing}"


def test_a_ramp_that_holds_its_end_does_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert training.check_horizon(S.ramp(0.0, 0.1, 100), 1000)
        training.run_gd(P.quadratic_bowl(), S.ramp(0.0, 0.1, 100), 1000)


def test_a_hand_made_join_cut_before_its_end_warns():
    joined = S.join([S.ramp(0.0, 0.1, 100), S.cosine_decay(0.1, 900)], [100])
    with pytest.warns(training.HorizonWarning, match=r"T = 1000 steps but this run makes 500 updates"):
        training.run_gd(P.quadratic_bowl(), joined, 500)


def test_a_rescaled_shape_cut_before_its_end_warns():
    shape = S.rescaled(S.join([S.constant(1.0), S.linear_decay(1.0, 200)], [800]), 0.001, 0.1)
    assert shape.horizon == 1000
    with pytest.warns(training.HorizonWarning, match=r"T = 1000 steps but this run makes 600 updates"):
        training.run_gd(P.quadratic_bowl(), shape, 600)


def test_a_plain_callable_has_no_horizon():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert training.check_horizon(lambda t: 0.1, 10)
        assert training.check_horizon(0.1, 10)


@pytest.mark.parametrize("bad", [0, -5])
def test_check_horizon_refuses_a_run_without_updates(bad):
    with pytest.raises(ValueError, match=rf"total_steps must be an integer >= 1, got total_steps={bad}"):
        training.check_horizon(S.cosine_decay(0.1, 100), bad)
