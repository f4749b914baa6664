"""Fuzz the schedule catalog: every factory with any arguments, every schedule at any step.

A factory returns a schedule or raises ValueError/TypeError naming the argument; a schedule
returns finite rates >= 0 of the step's shape, or refuses the step (naming ``t``); never a
RuntimeWarning. Plain regression tests for the bugs the fuzzing found are at the end.
"""

from __future__ import annotations

import inspect
import math

import numpy as np
import pytest
from _fuzz import any_float, call, examples, junk, or_junk, rates, step_counts, steps
from hypothesis import given
from hypothesis import strategies as st

from course_lib import schedules as S

FACTORIES = {
    **S.CATALOG,
    **S.MOMENTUM_CATALOG,
    "warmup": S.warmup,
    "join": S.join,
    "scaled": S.scaled,
    "ramp": S.ramp,
    "rescaled": S.rescaled,
    "one_minus_sqrt_decay": S.one_minus_sqrt_decay,
}

_fractions = st.one_of(st.floats(-0.5, 1.5), any_float)
_by_name = {
    "lr": rates,
    "max_lr": rates,
    "low": rates,
    "high": rates,
    "base_lr": rates,
    "min_lr": rates,
    "end_lr": rates,
    "start_lr": rates,
    "gamma": _fractions,
    "cycle_decay": _fractions,
    "pct_start": _fractions,
    "decay_rate": any_float,
    "power": st.one_of(st.floats(-2, 50), any_float),
    "cycle_mult": st.one_of(st.floats(0, 10), any_float),
    "div_factor": st.one_of(st.floats(0, 1e6), any_float),
    "final_div_factor": st.one_of(st.floats(0, 1e8), any_float),
    "factor": st.one_of(st.floats(0, 1e6), any_float),
    "momentum": _fractions,
    "base_momentum": _fractions,
    "max_momentum": _fractions,
    "mode": st.sampled_from(["triangular", "triangular2", "exp_range", "cosine", ""]),
    "anneal": st.sampled_from(["cos", "linear", "exp"]),
    "decay": st.sampled_from(["linear", "cosine", "1-sqrt", "sqrt"]),
    "staircase": st.booleans(),
    "three_phase": st.booleans(),
    "milestones": st.lists(st.integers(-2, 10**6), max_size=4),
    "boundaries": st.lists(st.integers(-2, 10**6), max_size=4),
    "values": st.lists(rates, max_size=5),
}
_simple = st.sampled_from(
    [
        S.constant(0.1),
        S.cosine_decay(1.0, 100),
        S.exponential_decay(1e300, 0.5),
        S.linear_decay(0.5, 10),
        S.cyclic(1e-3, 1.0, 5),
    ]
)


def _arg(name: str) -> st.SearchStrategy:
    if name in ("schedule", "shape"):
        plain = _simple
    elif name == "schedules":
        plain = st.lists(_simple, min_size=0, max_size=3)
    else:
        plain = _by_name.get(name, step_counts)
    return or_junk(plain)


def _kwargs(name: str) -> st.SearchStrategy:
    params = inspect.signature(FACTORIES[name]).parameters
    return st.fixed_dictionaries(
        {p: _arg(p) for p in params if params[p].default is inspect.Parameter.empty},
        optional={p: _arg(p) for p in params if params[p].default is not inspect.Parameter.empty},
    )


def _assert_rates(schedule: S.Schedule, t, values) -> None:
    assert np.shape(values) == np.shape(t), (schedule, t)
    arr = np.asarray(values, dtype=float)
    assert np.all(np.isfinite(arr)) and np.all(arr >= 0), (schedule, t, values)


@pytest.mark.parametrize("name", sorted(FACTORIES))
@examples(60)
@given(data=st.data())
def test_factory_and_call(name, data):
    kwargs = data.draw(_kwargs(name), label="kwargs")
    schedule = call(FACTORIES[name], **kwargs)
    if schedule is None:
        return
    assert isinstance(schedule, S.Schedule)
    t = data.draw(steps, label="t")
    values = call(schedule, t)
    _assert_rates(schedule, t, values)
    repr(schedule)


@examples(100)
@given(t=st.one_of(junk, any_float, st.integers(-(2**70), 2**70), st.lists(any_float, max_size=3)))
def test_any_schedule_refuses_a_bad_step_naming_t(t):
    for schedule in (S.constant(0.1), S.cosine_decay(0.1, 100), S.one_cycle(0.1, 100)):
        values = call(schedule, t, names=("t",))
        if values is not None:
            _assert_rates(schedule, t, values)


@examples(40)
@given(n=st.one_of(st.integers(-3, 10**5), st.floats(-1, 1e4), junk))  # no 8 GB arrays
def test_evaluate(n):
    values = call(S.evaluate, S.cosine_decay(0.1, 100), n, names=("n_steps",))
    if values is not None:
        assert values.shape == (int(n),) and np.all(np.isfinite(values))


# ---------------------------------------------------------------------------
# Regression tests: one per bug the fuzzing found
# ---------------------------------------------------------------------------


def test_a_list_of_steps_is_an_array_of_steps():
    s = S.step_decay(0.1, 1)
    assert np.allclose(s([0, 1, 2]), [0.1, 0.01, 0.001])
    assert math.isclose(s((2,))[0], 0.001)


@pytest.mark.parametrize("factory", [S.inverse_time_decay, S.inverse_sqrt_decay])
def test_inverse_decay_with_a_huge_rate_goes_to_zero_quietly(factory):
    # "RuntimeWarning: overflow encountered in multiply" (decay_rate * t past 1e308)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        values = factory(1.0, decay_rate=1e307)(np.array([0.0, 2.0, 1e15]))
        assert values[0] == 1.0 and 0 <= values[1] < 1e-150 and values[2] == 0.0


def test_warmup_in_front_of_a_huge_rate_quietly():
    # the ramp formula overflowed at steps past the warm-up (whose values are discarded)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        s = S.warmup(S.exponential_decay(1e300, 0.5), 10)
        assert np.all(np.isfinite(s(np.array([0.0, 5.0, 1e15]))))


def test_scaled_refuses_a_factor_that_overflows_the_rate():
    # returned inf rates (with an overflow warning)
    with pytest.raises(ValueError, match="factor \\* schedule\\(0\\) must be finite, got factor=1e\\+300"):
        S.scaled(S.constant(1e10), 1e300)


@pytest.mark.parametrize(
    "make",
    [
        lambda: S.cyclic(1e-3, 1.0, 5, mode="triangular2"),
        lambda: S.cyclic_momentum(5, base_momentum=0.85, max_momentum=0.95, mode="triangular2"),
    ],
)
def test_triangular2_far_out_settles_quietly(make):
    # "RuntimeWarning: overflow encountered in power" (2.0 ** (cycle - 1) at t = 1e15)
    import warnings

    s = make()
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        values = s(np.array([1e15, 1e300]))
    assert np.all(values == s(np.array([0.0, 0.0])))  # the cycle's amplitude has halved to nothing


def test_noam_with_a_huge_rate_quietly():
    # "RuntimeWarning: overflow encountered in multiply" (lr * t at t = 1e15, discarded past the peak)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        assert math.isclose(S.noam(1e300, 1)(1e15), 1e300 / math.sqrt(1e15))
        ramp = S.noam(1e300, 2**62)(np.array([0.0, 1e15]))
    assert ramp[0] == 0.0 and math.isclose(ramp[1], 1e300 * (1e15 / 2**62))


def test_warmup_of_a_huge_rate_over_a_long_ramp_is_finite():
    # returned inf: (target - start_lr) * t overflowed inside the warm-up itself
    s = S.warmup(S.exponential_decay(1e300, 0.5), warmup_steps=2**62)
    value = s(1e15)
    assert math.isfinite(value) and math.isclose(value, 1e300 * (1e15 / 2**62))
