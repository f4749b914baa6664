"""The schedule protocol and the argument checks, over every row of the registry."""

from __future__ import annotations

import dataclasses
import inspect
import pickle

import numpy as np
import pytest

from course_lib import schedules as S
from course_lib.schedules.registry import REGISTRY

#: Each catalog schedule's example parameters: the registry's rows.
DEFAULTS = {name: row.example for name, row in REGISTRY.items() if row.catalog}


def make(name):
    return S.CATALOG[name](**DEFAULTS[name])


def test_defaults_cover_the_catalog():
    assert set(DEFAULTS) == set(S.CATALOG)


@pytest.mark.parametrize("name", sorted(DEFAULTS))
class TestEverySchedule:
    def test_scalar_int_float_and_array_agree(self, name):
        s = make(name)
        t = np.arange(120)
        values = s(t)
        assert values.dtype == np.float64 and values.shape == t.shape
        assert [s(int(k)) for k in t] == list(values)
        assert all(isinstance(s(k), float) for k in (0, 3, 7.5, np.int64(4), np.float32(2.0)))
        grid = s(t.reshape(10, 12))
        np.testing.assert_array_equal(grid.ravel(), values)

    def test_finite_non_negative_far_out(self, name):
        s = make(name)
        values = s(np.array([0, 1, 1e3, 1e6, 1e9, 1e12]))
        assert np.all(np.isfinite(values)) and np.all(values >= 0)

    def test_repr_eq_pickle_replace(self, name):
        s = make(name)
        assert repr(s).startswith(type(s).__name__ + "(")
        assert s == make(name) and hash(s) == hash(make(name))
        assert pickle.loads(pickle.dumps(s)) == s
        with pytest.raises(dataclasses.FrozenInstanceError):
            s.lr = 1.0  # type: ignore[misc]
        assert s.formula

    def test_negative_t_is_refused(self, name):
        s = make(name)
        with pytest.raises(ValueError, match="t must be >= 0"):
            s(-1)
        with pytest.raises(ValueError, match="t must be"):
            s(np.array([0.0, np.nan]))
        with pytest.raises(TypeError, match="t must be"):
            s("3")


def test_as_steps_and_shaped_like_round_trip():
    t = [[0, 1.5], [2, 3]]
    assert S.shaped_like(t, S.as_steps(t) * 2).tolist() == [[0, 3.0], [4, 6]]
    assert S.shaped_like(4, S.as_steps(4)) == 4.0


# ---------------------------------------------------------------------------
# Errors name the argument, the value and what is allowed
# ---------------------------------------------------------------------------

# ---------------------------------------------------------------------------
# Errors name the argument, the value and what is allowed
# ---------------------------------------------------------------------------

BAD = [
    (S.constant, dict(lr=0), ValueError, r"lr must be > 0, got lr=0"),
    (S.constant, dict(lr=-0.1), ValueError, r"lr must be > 0, got lr=-0.1"),
    (S.constant, dict(lr=float("nan")), ValueError, r"lr must be finite"),
    (S.constant, dict(lr="0.1"), TypeError, r"lr must be a real number"),
    (S.step_decay, dict(lr=0.1, step_size=0), ValueError, r"step_size must be an integer >= 1, got step_size=0"),
    (S.step_decay, dict(lr=0.1, step_size=2.5), TypeError, r"step_size must be an integer"),
    (S.step_decay, dict(lr=0.1, step_size=5, gamma=1.5), ValueError, r"gamma must be in \(0.0, 1.0\], got gamma=1.5"),
    (S.step_decay, dict(lr=0.1, step_size=5, gamma=0), ValueError, r"gamma must be in \(0.0, 1.0\]"),
    (S.multistep_decay, dict(lr=0.1, milestones=[5, 3]), ValueError, r"milestones must be strictly increasing"),
    (S.multistep_decay, dict(lr=0.1, milestones=[-1, 3]), ValueError, r"milestones must all be >= 0"),
    (S.multistep_decay, dict(lr=0.1, milestones=5), TypeError, r"milestones must be a sequence"),
    (S.exponential_decay, dict(lr=0.1, gamma=1.01), ValueError, r"gamma must be in"),
    (S.exponential_decay, dict(lr=0.1, gamma=0.9, decay_steps=0), ValueError, r"decay_steps must be > 0"),
    (S.exponential_decay, dict(lr=0.1, gamma=0.9, staircase="yes"), TypeError, r"staircase must be True or False"),
    (S.inverse_time_decay, dict(lr=0.1, decay_rate=-1), ValueError, r"decay_rate must be >= 0, got decay_rate=-1"),
    (S.inverse_sqrt_decay, dict(lr=0.1, decay_rate=1, decay_steps=-2), ValueError, r"decay_steps must be > 0"),
    (S.polynomial_decay, dict(lr=0.1, total_steps=0), ValueError, r"total_steps must be an integer >= 1"),
    (S.polynomial_decay, dict(lr=0.1, total_steps=10, end_lr=0.2), ValueError, r"end_lr must be <= lr"),
    (S.polynomial_decay, dict(lr=0.1, total_steps=10, power=0), ValueError, r"power must be > 0"),
    (S.linear_decay, dict(lr=0.1, total_steps=10, end_lr=-0.01), ValueError, r"end_lr must be >= 0"),
    (
        S.cosine_decay,
        dict(lr=0.1, total_steps=-5),
        ValueError,
        r"total_steps must be an integer >= 1, got total_steps=-5",
    ),
    (S.cosine_decay, dict(lr=0.1, total_steps=10, min_lr=1.0), ValueError, r"min_lr must be <= lr"),
    (S.cosine_restarts, dict(lr=0.1, cycle_steps=10, cycle_mult=0.5), ValueError, r"cycle_mult must be >= 1"),
    (S.cosine_restarts, dict(lr=0.1, cycle_steps=0), ValueError, r"cycle_steps must be an integer >= 1"),
    (S.cosine_restarts, dict(lr=0.1, cycle_steps=5, cycle_decay=2), ValueError, r"cycle_decay must be in"),
    (S.cyclic, dict(base_lr=0.1, max_lr=0.01, step_size_up=5), ValueError, r"max_lr must be >= base_lr"),
    (
        S.cyclic,
        dict(base_lr=0.01, max_lr=0.1, step_size_up=5, mode="sine"),
        ValueError,
        r"mode must be one of 'triangular', 'triangular2', 'exp_range'; got mode='sine'",
    ),
    (S.cyclic, dict(base_lr=0.01, max_lr=0.1, step_size_up=0), ValueError, r"step_size_up must be an integer >= 1"),
    (
        S.one_cycle,
        dict(max_lr=0.1, total_steps=100, pct_start=1.0),
        ValueError,
        r"pct_start must be in \(0.0, 1.0\), got pct_start=1.0",
    ),
    (S.one_cycle, dict(max_lr=0.1, total_steps=100, pct_start=0), ValueError, r"pct_start must be in"),
    (
        S.one_cycle,
        dict(max_lr=0.1, total_steps=100, anneal="cosine"),
        ValueError,
        r"anneal must be one of 'cos', 'linear'",
    ),
    (S.one_cycle, dict(max_lr=0.1, total_steps=1), ValueError, r"total_steps must be an integer >= 2"),
    (S.one_cycle, dict(max_lr=0.1, total_steps=100, div_factor=0.5), ValueError, r"div_factor must be >= 1"),
    (
        S.one_cycle,
        dict(max_lr=0.1, total_steps=100, pct_start=0.6, three_phase=True),
        ValueError,
        r"pct_start must be < 0.5",
    ),
    (S.noam, dict(lr=0.1, warmup_steps=0), ValueError, r"warmup_steps must be an integer >= 1"),
    (
        S.piecewise_constant,
        dict(boundaries=[5, 10], values=[0.1, 0.01]),
        ValueError,
        r"values must have one more entry than boundaries: got 2 values for 2 boundaries",
    ),
    (
        S.piecewise_constant,
        dict(boundaries=[10, 5], values=[0.1, 0.01, 0.001]),
        ValueError,
        r"boundaries must be strictly increasing",
    ),
    (S.piecewise_constant, dict(boundaries=[5], values=[0.1, -0.01]), ValueError, r"values\[1\] must be > 0"),
    (S.warmup, dict(schedule=0.1, warmup_steps=5), TypeError, r"schedule must be a course_lib schedule"),
    (S.warmup, dict(schedule=S.constant(0.1), warmup_steps=-1), ValueError, r"warmup_steps must be an integer >= 0"),
    (S.warmup, dict(schedule=S.constant(0.1), warmup_steps=5, start_lr=-1), ValueError, r"start_lr must be >= 0"),
    (
        S.join,
        dict(schedules=[S.constant(0.1)], boundaries=[5]),
        ValueError,
        r"schedules must have one more entry than boundaries",
    ),
    (
        S.join,
        dict(schedules=[S.constant(0.1), "x"], boundaries=[5]),
        TypeError,
        r"schedules\[1\] must be a course_lib schedule",
    ),
    (
        S.join,
        dict(schedules=[S.constant(0.1), S.constant(0.2)], boundaries=[0]),
        ValueError,
        r"boundaries must all be > 0",
    ),
    (
        S.warmup_stable_decay,
        dict(lr=0.1, total_steps=100, warmup_steps=60, decay_steps=50),
        ValueError,
        r"warmup_steps \+ decay_steps must be <= total_steps \(100\); got warmup_steps=60, decay_steps=50",
    ),
    (
        S.warmup_stable_decay,
        dict(lr=0.1, total_steps=100, warmup_steps=10, decay_steps=10, decay="exp"),
        ValueError,
        r"decay must be one of 'linear', 'cosine', '1-sqrt'; got decay='exp'",
    ),
    (
        S.warmup_stable_decay,
        dict(lr=0.1, total_steps=100, warmup_steps=10, decay_steps=0),
        ValueError,
        r"decay_steps must be an integer >= 1",
    ),
    (S.scaled, dict(schedule=S.constant(0.1), factor=0), ValueError, r"factor must be > 0"),
    (
        S.one_cycle_momentum,
        dict(total_steps=100, base_momentum=0.99, max_momentum=0.9),
        ValueError,
        r"base_momentum must be <= max_momentum",
    ),
    (S.cyclic_momentum, dict(step_size_up=5, max_momentum=1.0), ValueError, r"max_momentum must be in \[0.0, 1.0\)"),
    (S.constant_momentum, dict(momentum=-0.1), ValueError, r"momentum must be in"),
]


@pytest.mark.parametrize(
    "factory,kwargs,error,message", BAD, ids=[f"{f.__name__}-{i}" for i, (f, *_r) in enumerate(BAD)]
)
def test_bad_arguments_are_named(factory, kwargs, error, message):
    with pytest.raises(error, match=message):
        factory(**kwargs)


def test_replace_validates_too():
    with pytest.raises(ValueError, match="lr must be > 0"):
        dataclasses.replace(S.cosine_decay(0.1, 10), lr=-1)


def _schedule_class(obj):
    cls = getattr(obj, "__annotations__", {}).get("return")
    return cls if isinstance(cls, type) and issubclass(cls, S.Schedule) else None


#: Every public factory of the package and the class it builds.
FACTORIES = {name: _schedule_class(getattr(S, name)) for name in S.__all__ if _schedule_class(getattr(S, name))}


def test_every_public_schedule_has_its_factory():
    classes = {v for v in vars(S).values() if isinstance(v, type) and issubclass(v, S.Schedule)}
    assert classes - set(FACTORIES.values()) <= {S.Schedule, S.Composite}
    assert len(FACTORIES) >= len(S.CATALOG) + len(S.MOMENTUM_CATALOG) + 4  # + ramp, join, scaled, rescaled


@pytest.mark.parametrize("name", list(FACTORIES))
def test_a_factory_is_its_class(name):
    """One definition: the factory's parameters, defaults and docstring are its class's."""
    make, cls = getattr(S, name), FACTORIES[name]
    assert make.__name__ == name and make.__module__ == cls.__module__
    assert list(inspect.signature(make).parameters.values()) == list(inspect.signature(cls).parameters.values())
    assert make.__doc__.startswith(cls.__doc__)
    with pytest.raises(TypeError, match=rf"^{name}\(\) (missing a required argument|got an unexpected keyword)"):
        make(no_such=1)  # Python's own arity errors, naming the factory
