"""ReduceLROnPlateau against torch's ReduceLROnPlateau, step for step."""

from __future__ import annotations

import math
import pickle

import numpy as np
import pytest
import torch
from _fuzz import scaled
from hypothesis import given, settings
from hypothesis import strategies as st

from course_lib.training.plateau import ReduceLROnPlateau


def torch_rates(metrics, lr, **kwargs):
    """The rate torch's ReduceLROnPlateau leaves on the optimizer after each step(metric)."""
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=lr)
    sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, **kwargs)
    out = []
    for m in metrics:
        opt.step()
        sched.step(m)
        out.append(opt.param_groups[0]["lr"])
    return out


def our_rates(metrics, lr, **kwargs):
    policy = ReduceLROnPlateau(lr, **kwargs)
    return [policy.step(m) for m in metrics]


# torch's own unit tests (test/optim/test_lrscheduler.py, test_reduce_lr_on_plateau1..7):
# (lr, kwargs, metrics, targets = rate after each step)
TORCH_CASES = [
    (
        0.5,
        dict(threshold_mode="abs", mode="min", threshold=0.01, patience=5, cooldown=5),
        [12 - i * 0.0167 for i in range(10)],
        [0.5] * 10,
    ),
    (
        0.5,
        dict(patience=5, cooldown=0, threshold_mode="abs", mode="min", threshold=0.1),
        [12 - i * 0.0165 for i in range(22)],
        [0.5] * 6 + [0.05] * 7 + [0.005] * 7 + [0.0005] * 2,
    ),
    (
        0.5,
        dict(mode="max", patience=5, cooldown=5, threshold_mode="abs"),
        [-0.8] * 2 + [-0.234] * 20,
        [0.5] * (2 + 6) + [0.05] * (5 + 6) + [0.005] * 3,
    ),
    (
        0.5,
        dict(mode="max", patience=3, threshold_mode="rel", threshold=0.1),
        [1.5 * (1.025**i) for i in range(20)],
        [0.5] * 20,
    ),
    (
        0.5,
        dict(mode="max", threshold_mode="rel", threshold=0.1, patience=5, cooldown=5),
        [1.5 * (1.005**i) for i in range(20)],
        [0.5] * 6 + [0.05] * (5 + 6) + [0.005] * 3,
    ),
    (0.5, dict(mode="min", threshold_mode="rel", threshold=0.1), [1.5 * (0.85**i) for i in range(20)], [0.5] * 20),
    (
        0.5,
        dict(mode="min", threshold_mode="rel", threshold=0.1, patience=5, cooldown=5),
        [1] * 7 + [0.6] + [0.5] * 12,
        [0.5] * 6 + [0.05] * (5 + 6) + [0.005] * 3,
    ),
]


@pytest.mark.parametrize("lr,kwargs,metrics,targets", TORCH_CASES)
def test_torch_unit_test_cases(lr, kwargs, metrics, targets):
    ours = our_rates(metrics, lr, **kwargs)
    assert ours == pytest.approx(targets, rel=1e-12)
    assert ours == torch_rates(metrics, lr, **kwargs)  # bit for bit


def test_the_case_from_the_brief_is_torchs_unit_test_2():
    metrics = [12 - i * 0.0165 for i in range(22)]
    ours = our_rates(metrics, 0.5, threshold_mode="abs", threshold=0.1, patience=5)
    assert ours == pytest.approx([0.5] * 6 + [0.05] * 7 + [0.005] * 7 + [0.0005] * 2)


PARAM_SETS = [
    dict(),
    dict(mode="max"),
    dict(factor=0.5, patience=2, cooldown=3),
    dict(factor=0.3, patience=0, threshold=0.05, threshold_mode="abs"),
    dict(mode="max", factor=0.7, patience=1, threshold=0.0, min_lr=0.02),
    dict(factor=0.9, patience=1, eps=0.01),  # eps swallows small reductions
    dict(factor=0.5, patience=0, min_lr=0.01, cooldown=1),
]


def metric_sequences():
    rng = np.random.default_rng(0)
    n = 60
    t = np.arange(n)
    return {
        "decreasing": list(1.0 / (1 + t)),
        "flat": [1.0] * n,
        "noisy_decay": list(np.exp(-t / 20) + 0.05 * rng.standard_normal(n)),
        "rising": list(0.1 * t),
        "plateaus": list(np.repeat([1.0, 0.8, 0.79995, 0.5], n // 4)),
        "with_nan": [1.0, 0.9, float("nan"), 0.8, float("nan")] * 12,
        "integers": [int(v) for v in rng.integers(0, 5, n)],
    }


@pytest.mark.parametrize("kwargs", PARAM_SETS)
@pytest.mark.parametrize("name", list(metric_sequences()))
def test_matches_torch(kwargs, name):
    metrics = metric_sequences()[name]
    assert our_rates(metrics, 0.1, **kwargs) == torch_rates(metrics, 0.1, **kwargs)


def test_counters_match_torch():
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    theirs = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, factor=0.5, patience=2, cooldown=2)
    ours = ReduceLROnPlateau(0.1, factor=0.5, patience=2, cooldown=2)
    for m in [1.0, 1.0, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 0.1, 0.2]:
        opt.step()
        theirs.step(m)
        ours.step(m)
        assert (ours.best, ours.num_bad_epochs, ours.cooldown_counter, ours.last_epoch) == (
            theirs.best,
            theirs.num_bad_epochs,
            theirs.cooldown_counter,
            theirs.last_epoch,
        )


@settings(max_examples=scaled(150), deadline=None)
@given(
    metrics=st.lists(st.floats(-10, 10, allow_nan=False), min_size=1, max_size=40),
    mode=st.sampled_from(["min", "max"]),
    threshold_mode=st.sampled_from(["rel", "abs"]),
    threshold=st.sampled_from([0.0, 1e-4, 0.01, 0.5]),
    factor=st.sampled_from([0.1, 0.5, 0.9]),
    patience=st.integers(0, 4),
    cooldown=st.integers(0, 3),
    min_lr=st.sampled_from([0.0, 1e-3, 0.05]),
    eps=st.sampled_from([1e-8, 1e-3]),
)
def test_random_sequences_match_torch(metrics, **kwargs):
    # few distinct values make ties (no improvement) frequent
    metrics = [round(m, 1) for m in metrics]
    assert our_rates(metrics, 0.1, **kwargs) == torch_rates(metrics, 0.1, **kwargs)


def test_step_accepts_numpy_and_tensor_and_returns_lr():
    p = ReduceLROnPlateau(0.1, patience=0)
    assert p.step(np.float32(1.0)) == 0.1
    assert p.step(torch.tensor(2.0)) == pytest.approx(0.01)
    assert p.lr == pytest.approx(0.01)
    assert p.history == [0.1, p.lr]


def test_state_dict_round_trip_and_resume():
    metrics = [1.0, 0.9, 0.9, 0.95, 0.97, 0.8, 0.81, 0.82, 0.83, 0.84]
    full = ReduceLROnPlateau(0.1, factor=0.5, patience=1, cooldown=1)
    expected = [full.step(m) for m in metrics]
    first = ReduceLROnPlateau(0.1, factor=0.5, patience=1, cooldown=1)
    for m in metrics[:4]:
        first.step(m)
    state = pickle.loads(pickle.dumps(first.state_dict()))
    resumed = ReduceLROnPlateau(1.0)
    resumed.load_state_dict(state)
    assert resumed.history == expected[:4]
    assert [resumed.step(m) for m in metrics[4:]] == expected[4:]
    assert repr(resumed) == repr(full)
    first.step(0.0)  # the saved state is a copy
    assert state["history"] == expected[:4]


def test_load_state_dict_refuses_unknown_keys():
    with pytest.raises(ValueError, match="unknown keys"):
        ReduceLROnPlateau(0.1).load_state_dict({"bogus": 1})


def test_repr_is_readable():
    assert repr(ReduceLROnPlateau(0.1, patience=3)) == (
        "ReduceLROnPlateau(lr=0.1, mode='min', factor=0.1, patience=3, threshold=0.0001, "
        "threshold_mode='rel', cooldown=0, min_lr=0.0, eps=1e-08)"
    )


def test_min_lr_floor():
    p = ReduceLROnPlateau(1.0, factor=0.1, patience=0, min_lr=0.05)
    rates = [p.step(1.0) for _ in range(5)]
    assert rates == [1.0, 0.1, 0.05, 0.05, 0.05]


def test_nan_metric_is_never_an_improvement():
    p = ReduceLROnPlateau(1.0, patience=1)
    p.step(1.0)
    p.step(math.nan)
    assert p.num_bad_epochs == 1 and p.best == 1.0


@pytest.mark.parametrize(
    "kwargs,name",
    [
        (dict(lr=0.0), "lr"),
        (dict(lr=-1.0), "lr"),
        (dict(lr=float("nan")), "lr"),
        (dict(mode="minimum"), "mode"),
        (dict(factor=1.0), "factor"),
        (dict(factor=0.0), "factor"),
        (dict(patience=-1), "patience"),
        (dict(patience=1.5), "patience"),
        (dict(threshold=-0.1), "threshold"),
        (dict(threshold_mode="relative"), "threshold_mode"),
        (dict(cooldown=-2), "cooldown"),
        (dict(min_lr=-1e-3), "min_lr"),
        (dict(eps=-1.0), "eps"),
    ],
)
def test_bad_arguments_name_the_argument(kwargs, name):
    args = dict(lr=0.1) | kwargs
    with pytest.raises((ValueError, TypeError), match=rf"\b{name}\b"):
        ReduceLROnPlateau(**args)


def test_bad_metric_raises():
    with pytest.raises(TypeError, match="metric"):
        ReduceLROnPlateau(0.1).step("low")
