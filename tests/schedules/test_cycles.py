"""Cycles: SGDR restarts, cyclical rates, one-cycle."""

from __future__ import annotations

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
@given(lr=lrs, cycle=steps, mult=st.sampled_from([1, 1.5, 2, 3]), decay=st.floats(0.1, 1.0))
def test_cosine_restarts_restart_at_cycle_starts(lr, cycle, mult, decay):
    s = S.cosine_restarts(lr, cycle, mult, 0.0, decay)
    start, length = 0.0, float(cycle)
    for i in range(4):
        assert s(start) == pytest.approx(lr * decay**i, rel=1e-9)
        inside = s(np.linspace(start, start + length * 0.999, 50))
        assert np.all(np.diff(inside) <= 1e-15 * lr)
        start += length
        length *= mult


def test_cosine_restarts_cycle_ends():
    assert S.cosine_restarts(0.1, 10, 2).cycle_ends(75) == [9, 29, 69]
    assert S.cosine_restarts(0.1, 5).cycle_ends(20) == [4, 9, 14, 19]


@settings(max_examples=scaled(60), deadline=None)
@given(
    base=lrs,
    ratio=st.floats(1, 100),
    up=steps,
    down=st.one_of(st.none(), steps),
    mode=st.sampled_from(["triangular", "triangular2", "exp_range"]),
    gamma=st.floats(0.9, 1.0),
)
def test_cyclic_stays_in_band(base, ratio, up, down, mode, gamma):
    v = S.cyclic(base, base * ratio, up, down, mode, gamma)(np.arange(2000))
    assert np.all(v >= base * (1 - 1e-12)) and np.all(v <= base * ratio * (1 + 1e-12))


@settings(max_examples=scaled(60), deadline=None)
@given(
    peak=lrs,
    total=st.integers(2, 2000),
    pct=st.floats(0.05, 0.45),
    three=st.booleans(),
    anneal=st.sampled_from(["cos", "linear"]),
)
def test_one_cycle_peak_and_ends(peak, total, pct, three, anneal):
    s = S.one_cycle(peak, total, pct, anneal=anneal, three_phase=three)
    v = s(np.arange(total + 10))
    assert np.all(np.isfinite(v)) and np.all(v > 0)
    assert v.max() <= peak * (1 + 1e-12)
    assert v[-1] == pytest.approx(s.final_lr)
