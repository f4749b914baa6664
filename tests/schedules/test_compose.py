"""Composition: ramp, join, warm-up, WSD, noam, scaled; and the composites equal the old formulas."""

from __future__ import annotations

import math

import numpy as np
import pytest
from _fuzz import scaled
from hypothesis import given, settings
from hypothesis import strategies as st

from course_lib import schedules as S

lrs = st.floats(1e-6, 10.0)
steps = st.integers(1, 500)
gammas = st.floats(0.01, 1.0)


@settings(max_examples=scaled(60), deadline=None)
@given(lr=lrs, warm=st.integers(1, 200), inner=st.sampled_from(["cos", "exp", "const", "lin"]), start=st.floats(0, 1))
def test_warmup_reaches_wrapped_first_value_without_jump(lr, warm, inner, start):
    wrapped = {
        "cos": S.cosine_decay(lr, 300),
        "exp": S.exponential_decay(lr, 0.99),
        "const": S.constant(lr),
        "lin": S.linear_decay(lr, 100),
    }[inner]
    s = S.warmup(wrapped, warm, start_lr=start * lr)
    t = np.arange(warm + 5)
    v = s(t)
    assert v[0] == pytest.approx(start * lr, abs=1e-15)
    assert np.all(np.diff(v[: warm + 1]) >= -1e-15)  # rising
    assert s(warm) == pytest.approx(wrapped(0))
    jump = abs(s(warm) - s(warm - 1))
    assert jump <= (lr - start * lr) / warm * (1 + 1e-9) + 1e-15  # no bigger than one ramp step
    np.testing.assert_allclose(s(np.arange(warm, warm + 50)), wrapped(np.arange(50)))


@settings(max_examples=scaled(60), deadline=None)
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


@settings(max_examples=scaled(40), deadline=None)
@given(
    lr=lrs,
    total=st.integers(10, 1000),
    wfrac=st.floats(0, 0.5),
    dfrac=st.floats(0.01, 0.5),
    kind=st.sampled_from(["linear", "cosine", "1-sqrt"]),
)
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


def test_ramp_up_down_and_flat_after():
    up, down = S.ramp(0.0, 1.0, 4), S.ramp(1.0, 0.25, 3)
    assert up(np.arange(7)).tolist() == [0.0, 0.25, 0.5, 0.75, 1.0, 1.0, 1.0]
    assert down(np.arange(5)).tolist() == [1.0, 0.75, 0.5, 0.25, 0.25]


def test_composites_show_their_parts():
    wsd = S.warmup_stable_decay(0.1, 100, 10, 20, min_lr=0.01, decay="1-sqrt")
    assert isinstance(wsd.parts, S.Rescaled) and (wsd.parts.low, wsd.parts.high) == (0.01, 0.1)
    assert wsd.parts.shape.boundaries == (10, 80)
    assert [type(p).__name__ for p in wsd.parts.shape.schedules] == ["Ramp", "Constant", "OneMinusSqrtDecay"]
    assert S.warmup_stable_decay(0.1, 30, 0, 30).parts.shape.schedules == (S.linear_decay(1.0, 30),)
    assert S.warmup(S.constant(0.1), 0).parts == S.constant(0.1)
    assert repr(S.warmup(S.constant(0.1), 5)) == "Warmup(schedule=Constant(lr=0.1), warmup_steps=5, start_lr=0.0)"


# ---------------------------------------------------------------------------
# The composites against frozen copies of the closed forms they replaced (commit 423a876)
# ---------------------------------------------------------------------------


def _old_ramp(height, t, w):
    t = np.minimum(t, w)
    with np.errstate(over="ignore"):
        out = height * t / w
    big = np.isinf(out)
    if big.any():
        out[big] = height * (t[big] / w)
    return out


def old_warmup(schedule, w, start_lr, t):
    after = schedule(np.maximum(t - w, 0.0))
    if w == 0:
        return after
    target = schedule(0)
    return np.where(t < w, start_lr + _old_ramp(target - start_lr, t, w), after)


def old_wsd(lr, total, w, d, min_lr, decay, t):
    decay_start = total - d
    p = np.clip((t - decay_start) / d, 0.0, 1.0)
    down = {"linear": 1 - p, "cosine": (1 + np.cos(math.pi * p)) / 2, "1-sqrt": 1 - np.sqrt(p)}[decay]
    up = t / w if w > 0 else np.ones_like(t)
    factor = np.where(t < w, up, np.where(t < decay_start, 1.0, down))
    return min_lr + (lr - min_lr) * factor


def old_noam(lr, w, t):
    return np.where(t < w, _old_ramp(lr, t, w), lr * np.sqrt(w / np.maximum(t, w)))


#: every integer step to 3000, fractional steps, and far past every horizon
T_GRID = np.concatenate([np.arange(3000.0), np.arange(0, 300, 0.37), [1e4, 1e6, 1e9, 1e15]])


@pytest.mark.parametrize("lr", [0.1, 1.0, 3e-4, 0.37, 1e300])
@pytest.mark.parametrize("w", [0, 1, 3, 10, 57, 100])
@pytest.mark.parametrize("inner", ["cos", "lin", "exp", "const"])
def test_warmup_is_exactly_the_old_formula(lr, w, inner):
    wrapped = {
        "cos": S.cosine_decay(lr, 300),
        "lin": S.linear_decay(lr, 100),
        "exp": S.exponential_decay(lr, 0.99),
        "const": S.constant(lr),
    }[inner]
    for start in (0.0, lr / 7):
        np.testing.assert_array_equal(S.warmup(wrapped, w, start)(T_GRID), old_warmup(wrapped, w, start, T_GRID))


@pytest.mark.parametrize("lr", [0.1, 1.0, 3e-4, 0.37])
@pytest.mark.parametrize(
    "total,w,d",
    [
        (100, 10, 20),
        (50, 0, 10),
        (10, 3, 7),
        (40, 5, 1),
        (1000, 100, 100),
        (7, 0, 7),
        (30, 10, 20),
        (2, 1, 1),
        (1, 0, 1),
    ],
)
@pytest.mark.parametrize("decay", ["linear", "cosine", "1-sqrt"])
def test_wsd_is_exactly_the_old_formula(lr, total, w, d, decay):
    for min_lr in (0.0, lr / 10, lr / 3):
        np.testing.assert_array_equal(
            S.warmup_stable_decay(lr, total, w, d, min_lr, decay)(T_GRID),
            old_wsd(lr, total, w, d, min_lr, decay, T_GRID),
        )


@pytest.mark.parametrize("lr", [0.1, 1.0, 3e-4, 0.37, 1e300])
@pytest.mark.parametrize("w", [1, 3, 10, 57, 100, 4000])
def test_noam_is_the_old_formula_to_the_last_bits(lr, w):
    # The warm-up is the same arithmetic, so exactly equal. After it, the join's tail is
    # inverse_sqrt_decay(lr, 1, W) on the local clock u = t - W: lr / sqrt(1 + u / W), where
    # the old form was lr * sqrt(W / t). The same number, rounded in other places: they
    # differ by at most 2 ulp (3.8e-16 relative measured), so 1e-15 relative.
    new, old = S.noam(lr, w)(T_GRID), old_noam(lr, w, T_GRID)
    warm = T_GRID <= w
    np.testing.assert_array_equal(new[warm], old[warm])
    np.testing.assert_allclose(new, old, rtol=1e-15, atol=0)
