"""Properties of the schedule catalog: shapes, values, composition, errors."""
from __future__ import annotations

import dataclasses
import math
import pickle

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from course_lib import schedules as S

lrs = st.floats(1e-6, 10.0)
steps = st.integers(1, 500)
gammas = st.floats(0.01, 1.0)

DEFAULTS = {
    "constant": dict(lr=0.1),
    "step_decay": dict(lr=0.1, step_size=10),
    "multistep_decay": dict(lr=0.1, milestones=[10, 30]),
    "exponential_decay": dict(lr=0.1, gamma=0.95),
    "inverse_time_decay": dict(lr=0.1, decay_rate=0.5),
    "inverse_sqrt_decay": dict(lr=0.1, decay_rate=0.5),
    "polynomial_decay": dict(lr=0.1, total_steps=50, power=2.0),
    "linear_decay": dict(lr=0.1, total_steps=50),
    "cosine_decay": dict(lr=0.1, total_steps=50),
    "cosine_restarts": dict(lr=0.1, cycle_steps=10, cycle_mult=2),
    "cyclic": dict(base_lr=0.01, max_lr=0.1, step_size_up=5),
    "one_cycle": dict(max_lr=0.1, total_steps=50),
    "noam": dict(lr=0.1, warmup_steps=10),
    "piecewise_constant": dict(boundaries=[10, 20], values=[0.1, 0.05, 0.01]),
    "warmup_stable_decay": dict(lr=0.1, total_steps=50, warmup_steps=5, decay_steps=10),
}


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


@settings(max_examples=60, deadline=None)
@given(lr=lrs, step_size=steps, gamma=gammas)
def test_step_decay_monotone(lr, step_size, gamma):
    v = S.step_decay(lr, step_size, gamma)(np.arange(2000))
    assert np.all(np.diff(v) <= 0) and np.all(v >= 0) and v[0] == lr


@settings(max_examples=60, deadline=None)
@given(lr=lrs, gamma=gammas, decay_steps=st.floats(0.5, 100), stair=st.booleans())
def test_exponential_monotone_and_staircase_above(lr, gamma, decay_steps, stair):
    t = np.arange(1000)
    smooth = S.exponential_decay(lr, gamma, decay_steps)(t)
    steps_ = S.exponential_decay(lr, gamma, decay_steps, staircase=True)(t)
    assert np.all(np.diff(smooth) <= 0) and np.all(np.isfinite(smooth)) and np.all(smooth >= 0)
    assert np.all(steps_ >= smooth * (1 - 1e-12))


@settings(max_examples=60, deadline=None)
@given(lr=lrs, rate=st.floats(0, 10), decay_steps=st.floats(0.5, 100))
def test_inverse_decays_monotone_positive(lr, rate, decay_steps):
    t = np.arange(2000)
    for s in (S.inverse_time_decay(lr, rate, decay_steps), S.inverse_sqrt_decay(lr, rate, decay_steps)):
        v = s(t)
        assert np.all(np.diff(v) <= 0) and np.all(v > 0) and v[0] == pytest.approx(lr)


@settings(max_examples=60, deadline=None)
@given(lr=lrs, total=steps, frac=st.floats(0, 1), power=st.floats(0.1, 5))
def test_polynomial_linear_cosine_monotone_and_end(lr, total, frac, power):
    end = lr * frac
    t = np.arange(total + 50)
    for s in (S.polynomial_decay(lr, total, end, power), S.linear_decay(lr, total, end),
              S.cosine_decay(lr, total, end)):
        v = s(t)
        assert np.all(np.diff(v) <= 1e-15 * lr), s
        assert v[0] == pytest.approx(lr) and v[total] == pytest.approx(end, abs=1e-12 * lr)
        assert np.all(v[total:] == v[total])  # holds past the horizon


@settings(max_examples=60, deadline=None)
@given(lr=lrs, cycle=steps, mult=st.sampled_from([1, 1.5, 2, 3]), decay=st.floats(0.1, 1.0))
def test_cosine_restarts_restart_at_cycle_starts(lr, cycle, mult, decay):
    s = S.cosine_restarts(lr, cycle, mult, 0.0, decay)
    start, length = 0.0, float(cycle)
    for i in range(4):
        assert s(start) == pytest.approx(lr * decay ** i, rel=1e-9)
        inside = s(np.linspace(start, start + length * 0.999, 50))
        assert np.all(np.diff(inside) <= 1e-15 * lr)
        start += length
        length *= mult


def test_cosine_restarts_cycle_ends():
    assert S.cosine_restarts(0.1, 10, 2).cycle_ends(75) == [9, 29, 69]
    assert S.cosine_restarts(0.1, 5).cycle_ends(20) == [4, 9, 14, 19]


@settings(max_examples=60, deadline=None)
@given(lr=lrs, warm=st.integers(1, 200), inner=st.sampled_from(["cos", "exp", "const", "lin"]),
       start=st.floats(0, 1))
def test_warmup_reaches_wrapped_first_value_without_jump(lr, warm, inner, start):
    wrapped = {"cos": S.cosine_decay(lr, 300), "exp": S.exponential_decay(lr, 0.99),
               "const": S.constant(lr), "lin": S.linear_decay(lr, 100)}[inner]
    s = S.warmup(wrapped, warm, start_lr=start * lr)
    t = np.arange(warm + 5)
    v = s(t)
    assert v[0] == pytest.approx(start * lr, abs=1e-15)
    assert np.all(np.diff(v[: warm + 1]) >= -1e-15)  # rising
    assert s(warm) == pytest.approx(wrapped(0))
    jump = abs(s(warm) - s(warm - 1))
    assert jump <= (lr - start * lr) / warm * (1 + 1e-9) + 1e-15  # no bigger than one ramp step
    np.testing.assert_allclose(s(np.arange(warm, warm + 50)), wrapped(np.arange(50)))


@settings(max_examples=60, deadline=None)
@given(lr=lrs, warm=st.integers(1, 100), total=st.integers(1, 400))
def test_join_continuous_where_parts_meet(lr, warm, total):
    ramp = S.linear_decay(lr, warm)  # a decay we mirror: use one that starts where the other ends
    tail_start = ramp(warm)
    if tail_start <= 0:
        tail = S.cosine_decay(lr, total)
        s = S.join([S.warmup(S.constant(lr), warm), tail], [warm])
        assert s(warm) == pytest.approx(s(warm - 1) + lr / warm) or s(warm) == pytest.approx(lr)
    first = S.cosine_decay(lr, warm, min_lr=lr / 2)
    second = S.cosine_decay(lr / 2, total)
    s = S.join([first, second], [warm])
    assert s(warm) == pytest.approx(first(warm))  # meets
    assert abs(s(warm) - s(warm - 1)) <= abs(first(warm) - first(warm - 1)) + 1e-12


def test_join_gives_each_piece_its_local_clock():
    s = S.join([S.constant(1.0), S.exponential_decay(0.5, 0.5), S.constant(0.01)], [3, 6])
    np.testing.assert_allclose(s(np.arange(8)), [1, 1, 1, 0.5, 0.25, 0.125, 0.01, 0.01])


@settings(max_examples=60, deadline=None)
@given(base=lrs, ratio=st.floats(1, 100), up=steps, down=st.one_of(st.none(), steps),
       mode=st.sampled_from(["triangular", "triangular2", "exp_range"]), gamma=st.floats(0.9, 1.0))
def test_cyclic_stays_in_band(base, ratio, up, down, mode, gamma):
    v = S.cyclic(base, base * ratio, up, down, mode, gamma)(np.arange(2000))
    assert np.all(v >= base * (1 - 1e-12)) and np.all(v <= base * ratio * (1 + 1e-12))


@settings(max_examples=60, deadline=None)
@given(peak=lrs, total=st.integers(2, 2000), pct=st.floats(0.05, 0.45), three=st.booleans(),
       anneal=st.sampled_from(["cos", "linear"]))
def test_one_cycle_peak_and_ends(peak, total, pct, three, anneal):
    s = S.one_cycle(peak, total, pct, anneal=anneal, three_phase=three)
    v = s(np.arange(total + 10))
    assert np.all(np.isfinite(v)) and np.all(v > 0)
    assert v.max() <= peak * (1 + 1e-12)
    assert v[-1] == pytest.approx(s.final_lr)


@settings(max_examples=40, deadline=None)
@given(lr=lrs, total=st.integers(10, 1000), wfrac=st.floats(0, 0.5), dfrac=st.floats(0.01, 0.5),
       kind=st.sampled_from(["linear", "cosine", "1-sqrt"]))
def test_wsd_shape(lr, total, wfrac, dfrac, kind):
    warm, decay = int(total * wfrac), max(1, int(total * dfrac))
    s = S.warmup_stable_decay(lr, total, warm, decay, lr / 10, kind)
    v = s(np.arange(total + 5))
    assert v.max() == pytest.approx(lr)
    assert np.all(np.diff(v[warm:]) <= 1e-15 * lr)
    assert v[total] == pytest.approx(lr / 10) and v[0] == pytest.approx(lr / 10 if warm else lr)


def test_noam_peak_and_shape():
    s = S.noam(1.0, 100)
    assert s(0) == 0 and s(100) == 1.0 and s(400) == pytest.approx(0.5)
    v = s(np.arange(1000))
    assert np.argmax(v) == 100


def test_scaled_and_evaluate():
    s = S.scaled(S.cosine_decay(0.1, 10), 4)
    assert s(0) == pytest.approx(0.4)
    np.testing.assert_allclose(S.evaluate(lambda t: 0.1 * (1 - 0.2 * t), 3), [0.1, 0.08, 0.06])
    np.testing.assert_allclose(S.evaluate(S.constant(0.1), 3), [0.1] * 3)


def test_article_numbers():
    # article 003: 0.1 * 0.95**10 is about 0.0599, not 0.003
    assert S.exponential_decay(0.1, 0.95)(10) == pytest.approx(0.0599, abs=1e-4)
    # half-life of exponential decay: ln 2 / ln(1/gamma) steps
    gamma = 0.99
    half = math.log(2) / math.log(1 / gamma)
    assert S.exponential_decay(1.0, gamma)(half) == pytest.approx(0.5)


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
    (S.cosine_decay, dict(lr=0.1, total_steps=-5), ValueError, r"total_steps must be an integer >= 1, got total_steps=-5"),
    (S.cosine_decay, dict(lr=0.1, total_steps=10, min_lr=1.0), ValueError, r"min_lr must be <= lr"),
    (S.cosine_restarts, dict(lr=0.1, cycle_steps=10, cycle_mult=0.5), ValueError, r"cycle_mult must be >= 1"),
    (S.cosine_restarts, dict(lr=0.1, cycle_steps=0), ValueError, r"cycle_steps must be an integer >= 1"),
    (S.cosine_restarts, dict(lr=0.1, cycle_steps=5, cycle_decay=2), ValueError, r"cycle_decay must be in"),
    (S.cyclic, dict(base_lr=0.1, max_lr=0.01, step_size_up=5), ValueError, r"max_lr must be >= base_lr"),
    (S.cyclic, dict(base_lr=0.01, max_lr=0.1, step_size_up=5, mode="sine"), ValueError,
     r"mode must be one of 'triangular', 'triangular2', 'exp_range'; got mode='sine'"),
    (S.cyclic, dict(base_lr=0.01, max_lr=0.1, step_size_up=0), ValueError, r"step_size_up must be an integer >= 1"),
    (S.one_cycle, dict(max_lr=0.1, total_steps=100, pct_start=1.0), ValueError, r"pct_start must be in \(0.0, 1.0\), got pct_start=1.0"),
    (S.one_cycle, dict(max_lr=0.1, total_steps=100, pct_start=0), ValueError, r"pct_start must be in"),
    (S.one_cycle, dict(max_lr=0.1, total_steps=100, anneal="cosine"), ValueError, r"anneal must be one of 'cos', 'linear'"),
    (S.one_cycle, dict(max_lr=0.1, total_steps=1), ValueError, r"total_steps must be an integer >= 2"),
    (S.one_cycle, dict(max_lr=0.1, total_steps=100, div_factor=0.5), ValueError, r"div_factor must be >= 1"),
    (S.one_cycle, dict(max_lr=0.1, total_steps=100, pct_start=0.6, three_phase=True), ValueError, r"pct_start must be < 0.5"),
    (S.noam, dict(lr=0.1, warmup_steps=0), ValueError, r"warmup_steps must be an integer >= 1"),
    (S.piecewise_constant, dict(boundaries=[5, 10], values=[0.1, 0.01]), ValueError,
     r"values must have one more entry than boundaries: got 2 values for 2 boundaries"),
    (S.piecewise_constant, dict(boundaries=[10, 5], values=[0.1, 0.01, 0.001]), ValueError, r"boundaries must be strictly increasing"),
    (S.piecewise_constant, dict(boundaries=[5], values=[0.1, -0.01]), ValueError, r"values\[1\] must be > 0"),
    (S.warmup, dict(schedule=0.1, warmup_steps=5), TypeError, r"schedule must be a course_lib schedule"),
    (S.warmup, dict(schedule=S.constant(0.1), warmup_steps=-1), ValueError, r"warmup_steps must be an integer >= 0"),
    (S.warmup, dict(schedule=S.constant(0.1), warmup_steps=5, start_lr=-1), ValueError, r"start_lr must be >= 0"),
    (S.join, dict(schedules=[S.constant(0.1)], boundaries=[5]), ValueError, r"schedules must have one more entry than boundaries"),
    (S.join, dict(schedules=[S.constant(0.1), "x"], boundaries=[5]), TypeError, r"schedules\[1\] must be a course_lib schedule"),
    (S.join, dict(schedules=[S.constant(0.1), S.constant(0.2)], boundaries=[0]), ValueError, r"boundaries must all be > 0"),
    (S.warmup_stable_decay, dict(lr=0.1, total_steps=100, warmup_steps=60, decay_steps=50), ValueError,
     r"warmup_steps \+ decay_steps must be <= total_steps \(100\); got warmup_steps=60, decay_steps=50"),
    (S.warmup_stable_decay, dict(lr=0.1, total_steps=100, warmup_steps=10, decay_steps=10, decay="exp"), ValueError,
     r"decay must be one of 'linear', 'cosine', '1-sqrt'; got decay='exp'"),
    (S.warmup_stable_decay, dict(lr=0.1, total_steps=100, warmup_steps=10, decay_steps=0), ValueError, r"decay_steps must be an integer >= 1"),
    (S.scaled, dict(schedule=S.constant(0.1), factor=0), ValueError, r"factor must be > 0"),
    (S.one_cycle_momentum, dict(total_steps=100, base_momentum=0.99, max_momentum=0.9), ValueError, r"base_momentum must be <= max_momentum"),
    (S.cyclic_momentum, dict(step_size_up=5, max_momentum=1.0), ValueError, r"max_momentum must be in \[0.0, 1.0\)"),
    (S.constant_momentum, dict(momentum=-0.1), ValueError, r"momentum must be in"),
]


@pytest.mark.parametrize("factory,kwargs,error,message", BAD, ids=[f"{f.__name__}-{i}" for i, (f, *_r) in enumerate(BAD)])
def test_bad_arguments_are_named(factory, kwargs, error, message):
    with pytest.raises(error, match=message):
        factory(**kwargs)


def test_replace_validates_too():
    with pytest.raises(ValueError, match="lr must be > 0"):
        dataclasses.replace(S.cosine_decay(0.1, 10), lr=-1)
