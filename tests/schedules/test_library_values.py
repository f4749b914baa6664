"""course_lib's schedules against the libraries' own rates (optax, timm, Hugging Face, pytorch_optimizer).

The rates are stored in library_values.json (made by _library_values.py with the libraries installed),
so these checks run without them; where a library is importable, its rates are recomputed and compared
with the stored ones too (a new library version that changes them fails here).
"""

from __future__ import annotations

import importlib.util
import json

import numpy as np
import pytest

from course_lib import schedules as S
from tests.schedules import _library_values as L

DATA = json.loads(L.FIXTURE.read_text())
CASES = DATA["cases"]

#: optax computes in float32: its rates agree with ours to float32 rounding
RTOL = {"optax": 1e-6, "timm": 1e-12, "transformers": 1e-12, "pytorch_optimizer": 1e-12}


def test_the_fixture_covers_every_case_and_its_call():
    assert set(CASES) == set(L.CASES) and DATA["steps"] == L.N
    for case, (library, call, ours) in L.CASES.items():
        assert CASES[case]["library"] == library and CASES[case]["call"] == call and CASES[case]["ours"] == ours
        assert len(CASES[case]["rates"]) == L.N


@pytest.mark.parametrize("case", list(L.CASES))
def test_course_rates_equal_the_library_rates(case):
    library, _, ours = L.CASES[case]
    schedule = eval(ours, {"S": S})  # the course_lib call written beside the library's, in _library_values.CASES
    expected = np.array(CASES[case]["rates"])
    np.testing.assert_allclose(schedule(np.arange(L.N)), expected, rtol=RTOL[library], atol=1e-15)


def test_wsd_defaults_are_the_libraries_or_differ_on_purpose():
    """HF's WSD decays with a cosine by default, pytorch_optimizer's and timm's with 1-sqrt; ours is linear, said so."""
    assert DATA["defaults"] == {
        "transformers.get_wsd_schedule decay_type": "cosine",
        "pytorch_optimizer.get_wsd_schedule cooldown_type": "1-sqrt",
        "timm.WSDLRScheduler decay_fn": "1-sqrt",
    }
    assert S.warmup_stable_decay(1.0, 40, 5, 10).decay == "linear"
    doc = " ".join(S.WarmupStableDecay.__doc__.split())
    assert 'differs from Hugging Face\'s on purpose: ours is "linear", theirs is "cosine"' in doc
    assert S.wsd_schedule(0.1, 100).decay == "linear"  # the recipe says its decay, not only the default


def test_the_1_sqrt_cooldown_is_attributed_to_the_libraries_that_ship_it():
    doc = " ".join(S.OneMinusSqrtDecay.__doc__.split())
    assert "timm's WSD default" not in doc
    assert "pytorch_optimizer's ``get_wsd_schedule`` (cooldown_type=\"1-sqrt\"" in doc
    assert "timm's ``WSDLRScheduler`` (decay_fn=\"1-sqrt\"" in doc


def test_the_noise_is_deterministic_multiplicative_and_bounded():
    base = S.cosine_decay(0.1, 50)
    s = S.noisy(base, (10, 40), noise_pct=0.3, noise_seed=7)
    t = np.arange(60)
    n = s.noise(t)
    assert np.all(n[:10] == 0) and np.all(n[40:] == 0) and np.all(n[10:40] != 0)
    assert np.all(np.abs(n) < 0.3)
    np.testing.assert_allclose(s(t), base(t) * (1 + n), rtol=1e-15)
    assert np.array_equal(s(t), S.noisy(base, [10, 40], noise_pct=0.3, noise_seed=7)(t))  # a rerun: the same rates
    assert s(12.5) == s(12) * base(12.5) / base(12)  # a fractional step uses floor(t)'s draw
    from course_lib.schedules.compose import timm_noise

    assert timm_noise(49) == timm_noise(49, "normal", 0.67, 1.0)
    assert s.horizon == 50


def test_k_decay_keeps_both_ends_and_warps_the_middle():
    base = S.cosine_decay(0.1, 100, min_lr=0.01)
    for k in (0.5, 2.0, 3):
        s = S.k_decay(base, k)
        assert s(0) == base(0) and s(100) == base(100) and s(150) == base(150) and s.horizon == 100
    assert S.k_decay(base, 2)(50) > base(50) > S.k_decay(base, 0.5)(50)
    assert np.array_equal(S.k_decay(base, 1)(np.arange(120)), base(np.arange(120)))


def test_exponential_floor_and_delay():
    s = S.exponential_decay(0.1, 0.5, end_value=0.02, transition_begin=4)
    assert s(0) == s(4) == 0.1 and s(5) == 0.05 and s(6) == 0.025 and s(7) == 0.02 and s(1000) == 0.02
    assert S.exponential_decay(0.1, 0.5, min_lr=0.02) == S.exponential_decay(0.1, 0.5, end_lr=0.02)


@pytest.mark.parametrize(
    "make,match",
    [
        (lambda: S.exponential_decay(0.1, 0.5, end_lr=0.2), "end_lr must be <= lr"),
        (lambda: S.exponential_decay(0.1, 0.5, transition_begin=-1), "transition_begin"),
        (lambda: S.k_decay(S.cosine_decay(0.1, 10), 0), "k"),
        (lambda: S.k_decay(S.constant(0.1), 2), "must have a horizon"),
        (lambda: S.noisy(S.constant(0.1), (5, 5)), "noise_range"),
        (lambda: S.noisy(S.constant(0.1), (1, 2, 3)), "a step or a pair"),
        (lambda: S.noisy(S.constant(0.1), 0, noise_type="gauss"), "noise_type"),
        (lambda: S.noisy(S.constant(0.1), 0, noise_pct=0), "noise_pct"),
    ],
)
def test_bad_arguments_name_the_argument(make, match):
    with pytest.raises((ValueError, TypeError), match=match):
        make()


@pytest.mark.parametrize("library", L.LIBRARIES)
def test_the_stored_rates_are_the_installed_library_rates(library):
    """Recomputed from the library itself when it is installed (not in the course's venv: skipped there)."""
    for name in {"optax": ("optax", "jax"), "timm": ("timm", "torch")}.get(library, (library, "torch")):
        if importlib.util.find_spec(name) is None:
            pytest.skip(f"{name} is not installed (stored rates from {DATA['versions']})")
    for case, rates in L.compute(library).items():
        np.testing.assert_allclose(rates, CASES[case]["rates"], rtol=1e-12, err_msg=case)
    if library == "transformers":
        assert L.defaults() == DATA["defaults"]
