"""course_lib schedules against the real torch schedulers, step by step.

For each factory with a torch twin: several parameter sets, steps 0..N, the
rate torch's scheduler puts on a dummy optimizer equals ours to 1e-12 relative
(plus an absolute 1e-15 * lr for values that are exactly zero at a trough).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch
from torch.optim import lr_scheduler as L

from course_lib import schedules as S
from course_lib.schedules.registry import REGISTRY
from course_lib.schedules.torch_twins import TWINS, NoTorchTwin, torch_twin

RTOL = 1e-12


def torch_lrs(make_scheduler, n_steps: int, lr: float = 1.0, momentum: float = 0.0):
    """Rates (and momenta) torch applies to updates 0..n_steps-1."""
    param = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([param], lr=lr, momentum=momentum)
    sched = make_scheduler(opt)
    lrs, moms = [], []
    for _ in range(n_steps):
        lrs.append(opt.param_groups[0]["lr"])
        moms.append(opt.param_groups[0]["momentum"])
        opt.step()
        sched.step()
    return np.array(lrs), np.array(moms)


def assert_same(ours, theirs, scale):
    np.testing.assert_allclose(ours, theirs, rtol=RTOL, atol=1e-15 * scale)


#: (catalog name, parameters, steps compared): every row with a torch twin, several parameter sets.
CASES = (
    [("constant", dict(lr=lr), 20) for lr in (0.1, 3e-4)]
    + [
        ("step_decay", dict(lr=lr, step_size=k, gamma=g), 120)
        for lr, k, g in [(0.1, 1, 0.1), (0.05, 3, 0.5), (1.0, 10, 0.9), (0.3, 7, 1.0), (2e-3, 25, 0.2), (0.5, 2, 0.01)]
    ]
    + [
        ("multistep_decay", dict(lr=lr, milestones=m, gamma=g), 80)
        for lr, m, g in [
            (0.05, [2, 5, 9], 0.1),
            (0.1, [1], 0.5),
            (1.0, [10, 20, 30, 40], 0.9),
            (0.3, [0, 3], 0.1),
            (2e-3, [50, 51, 52], 0.2),
        ]
    ]
    + [
        ("exponential_decay", dict(lr=lr, gamma=g), 150)
        for lr, g in [(0.1, 0.9), (0.05, 0.99), (1.0, 0.5), (3e-4, 0.999), (0.2, 1.0)]
    ]
    + [
        ("polynomial_decay", dict(lr=lr, total_steps=T, power=p), T + 20)
        for lr, T, p in [(0.1, 10, 1.0), (0.05, 50, 2.0), (1.0, 7, 0.5), (0.3, 100, 3.0), (2e-3, 1, 1.0)]
    ]
    + [
        ("linear_decay", dict(lr=lr, total_steps=T), T + 10)
        for lr, T in [(0.1, 10), (0.05, 50), (1.0, 7), (0.3, 100), (2e-3, 1)]
    ]
    # torch's CosineAnnealingLR rises again past T; we stay at min_lr (documented): compare up to T
    + [
        ("cosine_decay", dict(lr=lr, total_steps=T, min_lr=m), T + 1)
        for lr, T, m in [
            (0.1, 10, 0.0),
            (0.05, 50, 1e-3),
            (1.0, 7, 0.1),
            (0.3, 100, 0.0),
            (2e-3, 3, 1e-4),
            (1.0, 1, 0.0),
        ]
    ]
    + [
        ("cosine_restarts", dict(lr=lr, cycle_steps=t0, cycle_mult=mult, min_lr=m), 200)
        for lr, t0, mult, m in [
            (0.1, 10, 1, 0.0),
            (0.05, 5, 2, 1e-3),
            (1.0, 3, 3, 0.0),
            (0.3, 1, 2, 0.01),
            (2e-3, 7, 1, 1e-4),
        ]
    ]
    + [
        ("piecewise_constant", dict(boundaries=b, values=v), 60)
        for b, v in [([1], [0.3, 0.03]), ([0, 4], [9.0, 0.9, 0.09]), ([50], [1e-3, 1e-4]), ([3, 9], [1.0, 1.0, 1.0])]
    ]
    + [
        ("noam", dict(lr=lr, warmup_steps=w), T)
        for lr, w, T in [(1.0, 10, 100), (0.1, 2, 10), (3e-4, 100, 1000), (0.5, 1, 5)]
    ]
    + [
        ("warmup_stable_decay", dict(lr=lr, total_steps=T, warmup_steps=w, decay_steps=d, min_lr=m, decay=k), T + 5)
        for lr, T, w, d, m, k in [
            (0.1, 100, 10, 20, 0.0, "linear"),
            (1.0, 50, 0, 10, 0.1, "cosine"),
            (3e-4, 1000, 100, 100, 3e-5, "1-sqrt"),
            (0.5, 10, 3, 7, 0.0, "cosine"),
            (2.0, 40, 5, 1, 0.2, "linear"),
        ]
    ]
    # and every row with a twin, at its example parameters (a new row is checked without a test edit)
    + [
        (name, row.example, 60)
        for name, row in REGISTRY.items()
        if row.catalog
        and type(row.make()) in TWINS
        and name not in ("cyclic", "one_cycle", "cosine_decay", "piecewise_constant")
    ]
    # (cyclic, one_cycle: with momentum below; cosine: equal up to T only; piecewise: its example is not geometric)
)


@pytest.mark.parametrize("name,kwargs,n", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_rates_equal_the_registry_torch_twin(name, kwargs, n):
    ours = S.CATALOG[name](**kwargs)
    theirs, _ = torch_lrs(lambda o: torch_twin(o, ours), n)
    values = ours(np.arange(n))
    assert_same(values, theirs, float(values.max()))


@pytest.mark.parametrize(
    "schedule",
    [
        S.exponential_decay(0.1, 0.9, decay_steps=10),
        S.linear_decay(0.1, 10, 0.01),
        S.cosine_restarts(0.1, 10, 1.5),
        S.piecewise_constant([5, 9], [0.1, 0.05, 0.04]),
    ],
)
def test_a_twin_refuses_parameters_torch_cannot_express(schedule):
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=1.0)
    with pytest.raises(NoTorchTwin, match="no torch scheduler gives the rates of"):
        torch_twin(opt, schedule)


def test_multistep_matches_torch_own_example():
    got = S.multistep_decay(0.05, [2, 5, 9])(np.arange(10))
    np.testing.assert_allclose(got, [0.05] * 2 + [0.005] * 3 + [0.0005] * 4 + [5e-5], rtol=1e-12)


def test_cosine_decay_differs_from_torch_past_horizon_on_purpose():
    theirs, _ = torch_lrs(lambda o: L.CosineAnnealingLR(o, T_max=10), 15, 0.1)
    ours = S.cosine_decay(0.1, 10)(np.arange(15))
    assert theirs[14] > 0.01 and ours[14] == 0.0


def test_cosine_restarts_fractional_steps_match_torch_epoch_argument():
    param = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([param], lr=0.1)
    sched = L.CosineAnnealingWarmRestarts(opt, T_0=3, T_mult=2, eta_min=0.001)
    ours = S.cosine_restarts(0.1, 3, 2, 0.001)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for t in np.arange(0, 40, 0.1):
            sched.step(float(t))
            assert ours(float(t)) == pytest.approx(opt.param_groups[0]["lr"], rel=1e-9)


@pytest.mark.parametrize(
    "base,peak,up,down,mode,gamma",
    [
        (1.0, 5.0, 4, None, "triangular", 1.0),
        (0.01, 0.1, 5, 3, "triangular", 1.0),
        (0.001, 0.006, 4, 4, "triangular2", 1.0),
        (0.01, 0.1, 6, 2, "exp_range", 0.98),
        (0.1, 0.1, 1, 1, "triangular2", 1.0),
        (1e-4, 1.0, 10, 20, "exp_range", 0.999),
    ],
)
def test_cyclic_and_its_momentum(base, peak, up, down, mode, gamma):
    n = 100
    ours = S.cyclic(base, peak, up, down, mode, gamma)
    theirs, their_moms = torch_lrs(
        lambda o: torch_twin(o, ours, cycle_momentum=True, base_momentum=0.8, max_momentum=0.9),
        n,
        base,
        momentum=0.9,
    )
    assert_same(ours(np.arange(n)), theirs, peak)
    moms = S.cyclic_momentum(up, down, 0.8, 0.9, mode, gamma)(np.arange(n))
    np.testing.assert_allclose(moms, their_moms, rtol=RTOL)


def test_cyclic_matches_torch_own_example():
    np.testing.assert_allclose(S.cyclic(1, 5, 4)(np.arange(11)), [1, 2, 3, 4, 5, 4, 3, 2, 1, 2, 3])


@pytest.mark.parametrize(
    "peak,total,pct,div,final,anneal,three",
    [
        (0.1, 100, 0.3, 25.0, 1e4, "cos", False),
        (1.0, 10, 0.25, 10.0, 100.0, "linear", False),
        (0.05, 57, 0.4, 5.0, 1e3, "cos", True),
        (2.0, 200, 0.1, 25.0, 1e4, "linear", True),
        (0.3, 31, 0.5, 1.0, 1.0, "cos", False),
        (25.0, 10, 0.3, 25.0, 2.0, "linear", False),
    ],
)
def test_one_cycle_and_its_momentum(peak, total, pct, div, final, anneal, three):
    ours = S.one_cycle(peak, total, pct, div, final, anneal, three)
    theirs, their_moms = torch_lrs(
        lambda o: torch_twin(o, ours, cycle_momentum=True, base_momentum=0.85, max_momentum=0.95),
        total,
        peak,
        momentum=0.9,
    )
    assert_same(ours(np.arange(total)), theirs, peak)
    moms = S.one_cycle_momentum(total, pct, 0.85, 0.95, anneal, three)(np.arange(total))
    np.testing.assert_allclose(moms, their_moms, rtol=RTOL)


def test_one_cycle_matches_torch_own_example():
    got = S.one_cycle(25, 10, pct_start=0.3, final_div_factor=2, anneal="linear")(np.arange(10))
    np.testing.assert_allclose(got, [1, 13, 25, 21.5, 18, 14.5, 11, 7.5, 4, 0.5], rtol=1e-12)


def test_one_cycle_holds_past_the_end_where_torch_raises():
    s = S.one_cycle(0.1, 10)
    assert s(10) == s(9) == s(1000) == pytest.approx(s.final_lr)


@pytest.mark.parametrize(
    "boundaries,values",
    [
        ([2, 5], [1.0, 0.5, 0.1]),
        ([1], [0.3, 0.03]),
        ([10, 20, 30], [0.1, 0.05, 0.02, 0.01]),
        ([0, 4], [9.0, 0.2, 0.1]),
        ([50], [1e-3, 1e-4]),
    ],
)
def test_piecewise_constant_matches_multistep_convention(boundaries, values):
    n = 60
    ours = S.piecewise_constant(boundaries, values)(np.arange(n))
    expected = [values[int(np.sum(np.array(boundaries) <= t))] for t in range(n)]
    np.testing.assert_array_equal(ours, expected)
    if len(set(np.array(values[1:]) / np.array(values[:-1]))) == 1:  # geometric: a MultiStepLR
        gamma = values[1] / values[0]
        theirs, _ = torch_lrs(lambda o: L.MultiStepLR(o, boundaries, gamma), n, values[0])
        assert_same(ours, theirs, values[0])


def test_noam_needs_a_warmup():
    with pytest.raises(ValueError, match="warmup_steps"):
        S.noam(2.0, 0)


def _hf_cosine_with_warmup(warm, total):
    def f(step):
        if step < warm:
            return step / max(1, warm)
        progress = (step - warm) / max(1, total - warm)
        return max(0.0, 0.5 * (1.0 + np.cos(np.pi * 0.5 * 2.0 * progress)))

    return f


def _hf_linear_with_warmup(warm, total):
    def f(step):
        if step < warm:
            return step / max(1, warm)
        return max(0.0, (total - step) / max(1, total - warm))

    return f


@pytest.mark.parametrize("lr,warm,total", [(10.0, 2, 10), (0.1, 5, 50), (1e-3, 100, 1000), (0.5, 1, 3), (1.0, 30, 31)])
def test_warmup_cosine_is_hugging_face(lr, warm, total):
    theirs, _ = torch_lrs(lambda o: L.LambdaLR(o, _hf_cosine_with_warmup(warm, total)), total + 1, lr)
    ours = S.warmup(S.cosine_decay(lr, total - warm), warm)(np.arange(total + 1))
    assert_same(ours, theirs, lr)


def test_warmup_cosine_matches_hf_own_test_values():
    ours = S.warmup(S.cosine_decay(10.0, 8), 2)(np.arange(10))
    np.testing.assert_allclose(ours, [0, 5, 10, 9.61, 8.53, 6.91, 5, 3.08, 1.46, 0.38], atol=1e-2)


@pytest.mark.parametrize("lr,warm,total", [(10.0, 2, 10), (0.1, 5, 50), (1e-3, 100, 1000), (0.5, 1, 3), (1.0, 30, 31)])
def test_warmup_linear_is_hugging_face(lr, warm, total):
    theirs, _ = torch_lrs(lambda o: L.LambdaLR(o, _hf_linear_with_warmup(warm, total)), total + 5, lr)
    ours = S.warmup(S.linear_decay(lr, total - warm), warm)(np.arange(total + 5))
    assert_same(ours, theirs, lr)


@pytest.mark.parametrize(
    "lr,rate,steps,stair",
    [(0.1, 0.5, 10, False), (1.0, 1.0, 1, False), (0.1, 0.5, 10, True), (0.01, 2.0, 3, True), (0.3, 0.01, 1, False)],
)
def test_inverse_time_matches_keras_formula(lr, rate, steps, stair):
    t = np.arange(100)
    p = np.floor(t / steps) if stair else t / steps
    np.testing.assert_allclose(S.inverse_time_decay(lr, rate, steps, stair)(t), lr / (1 + rate * p), rtol=RTOL)


@pytest.mark.parametrize("lr,gamma,steps", [(0.1, 0.96, 100), (1.0, 0.5, 3), (0.01, 0.9, 7)])
def test_exponential_staircase_matches_keras_formula(lr, gamma, steps):
    t = np.arange(300)
    np.testing.assert_allclose(
        S.exponential_decay(lr, gamma, steps, staircase=True)(t), lr * gamma ** np.floor(t / steps), rtol=RTOL
    )
    np.testing.assert_allclose(S.exponential_decay(lr, gamma, steps)(t), lr * gamma ** (t / steps), rtol=RTOL)
