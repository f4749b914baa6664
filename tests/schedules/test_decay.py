"""Decay schedules: monotone shapes, ends, the article numbers, the aliases."""

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
@given(lr=lrs, step_size=steps, gamma=gammas)
def test_step_decay_monotone(lr, step_size, gamma):
    v = S.step_decay(lr, step_size, gamma)(np.arange(2000))
    assert np.all(np.diff(v) <= 0) and np.all(v >= 0) and v[0] == lr


@settings(max_examples=scaled(60), deadline=None)
@given(lr=lrs, gamma=gammas, decay_steps=st.floats(0.5, 100), stair=st.booleans())
def test_exponential_monotone_and_staircase_above(lr, gamma, decay_steps, stair):
    t = np.arange(1000)
    smooth = S.exponential_decay(lr, gamma, decay_steps)(t)
    steps_ = S.exponential_decay(lr, gamma, decay_steps, staircase=True)(t)
    assert np.all(np.diff(smooth) <= 0) and np.all(np.isfinite(smooth)) and np.all(smooth >= 0)
    assert np.all(steps_ >= smooth * (1 - 1e-12))


@settings(max_examples=scaled(60), deadline=None)
@given(lr=lrs, rate=st.floats(0, 10), decay_steps=st.floats(0.5, 100))
def test_inverse_decays_monotone_positive(lr, rate, decay_steps):
    t = np.arange(2000)
    for s in (S.inverse_time_decay(lr, rate, decay_steps), S.inverse_sqrt_decay(lr, rate, decay_steps)):
        v = s(t)
        assert np.all(np.diff(v) <= 0) and np.all(v > 0) and v[0] == pytest.approx(lr)


@settings(max_examples=scaled(60), deadline=None)
@given(lr=lrs, total=steps, frac=st.floats(0, 1), power=st.floats(0.1, 5))
def test_polynomial_linear_cosine_monotone_and_end(lr, total, frac, power):
    end = lr * frac
    t = np.arange(total + 50)
    for s in (
        S.polynomial_decay(lr, total, end, power),
        S.linear_decay(lr, total, end),
        S.cosine_decay(lr, total, end),
    ):
        v = s(t)
        assert np.all(np.diff(v) <= 1e-15 * lr), s
        assert v[0] == pytest.approx(lr) and v[total] == pytest.approx(end, abs=1e-12 * lr)
        assert np.all(v[total:] == v[total])  # holds past the horizon


def test_article_numbers():
    # article 003: 0.1 * 0.95**10 is about 0.0599, not 0.003
    assert S.exponential_decay(0.1, 0.95)(10) == pytest.approx(0.0599, abs=1e-4)
    # half-life of exponential decay: ln 2 / ln(1/gamma) steps
    gamma = 0.99
    half = math.log(2) / math.log(1 / gamma)
    assert S.exponential_decay(1.0, gamma)(half) == pytest.approx(0.5)


@settings(max_examples=scaled(40), deadline=None)
@given(lr=lrs, total=steps, frac=st.floats(0, 1))
def test_one_minus_sqrt_decay_shape(lr, total, frac):
    end = lr * frac
    s = S.one_minus_sqrt_decay(lr, total, end)
    v = s(np.arange(total + 20))
    assert v[0] == pytest.approx(lr) and np.all(np.diff(v) <= 1e-15 * lr)
    assert np.all(v[total:] == v[total]) and v[total] == pytest.approx(end, abs=1e-12 * lr)
    assert s(total / 4) == pytest.approx(end + (lr - end) / 2)  # 1 - sqrt(1/4) = 1/2


@pytest.mark.parametrize(
    "call,same",
    [
        (lambda: S.cosine_decay(0.1, T_max=50, eta_min=0.01), lambda: S.cosine_decay(0.1, 50, 0.01)),
        (lambda: S.cosine_decay(0.1, 50, end_lr=0.01), lambda: S.cosine_decay(0.1, 50, min_lr=0.01)),
        (lambda: S.linear_decay(0.1, total_iters=50, min_lr=0.01), lambda: S.linear_decay(0.1, 50, 0.01)),
        (lambda: S.polynomial_decay(0.1, 50, lr_end=0.01, power=2), lambda: S.polynomial_decay(0.1, 50, 0.01, 2)),
        (
            lambda: S.exponential_decay(initial_learning_rate=0.1, decay_rate=0.9, decay_steps=10),
            lambda: S.exponential_decay(0.1, 0.9, 10),
        ),
        (lambda: S.cosine_restarts(0.1, T_0=10, T_mult=2, eta_min=0.001), lambda: S.cosine_restarts(0.1, 10, 2, 0.001)),
        (
            lambda: S.one_cycle(lr=0.1, total_steps=100, anneal_strategy="linear"),
            lambda: S.one_cycle(0.1, 100, anneal="linear"),
        ),
        (
            lambda: S.warmup_stable_decay(
                0.1, num_training_steps=100, num_warmup_steps=10, num_decay_steps=20, decay_type="cosine"
            ),
            lambda: S.warmup_stable_decay(0.1, 100, 10, 20, decay="cosine"),
        ),
        (lambda: S.warmup(S.constant(0.1), num_warmup_steps=5), lambda: S.warmup(S.constant(0.1), 5)),
        (lambda: S.ramp(init_value=0.0, end_value=1.0, transition_steps=4), lambda: S.ramp(0.0, 1.0, 4)),
    ],
)
def test_other_libraries_names_are_documented_aliases(call, same):
    assert call() == same()


def test_an_alias_and_its_name_together_are_refused():
    with pytest.raises(TypeError, match="both min_lr= and its alias eta_min="):
        S.cosine_decay(0.1, 10, min_lr=0.0, eta_min=0.0)
    assert "T_max -> total_steps" in S.cosine_decay.__doc__
