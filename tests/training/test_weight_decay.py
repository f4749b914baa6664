"""Decoupled weight decay: the formulas, and the NumPy AdamW step against torch's AdamW."""

from __future__ import annotations

import math

import numpy as np
import pytest

from course_lib import schedules, training


def test_decay_factors_are_the_product_of_one_minus_lr_wd():
    f = training.decay_factors([0.1, 0.2, 0.0], 0.5)
    assert np.allclose(f, [1.0, 0.95, 0.95 * 0.9, 0.95 * 0.9])


def test_a_cosine_decays_about_half_as_much_as_the_constant_rate():
    T, lr, wd = 1000, 0.01, 0.1
    const = training.decay_factors(schedules.constant(lr)(np.arange(T)), wd)[-1]
    cos = training.decay_factors(schedules.cosine_decay(lr, T)(np.arange(T)), wd)[-1]
    assert math.isclose(math.log(cos) / math.log(const), 0.5, rel_tol=0.01)


@pytest.mark.parametrize("bad", [dict(lrs=[-0.1], weight_decay=0.1), dict(lrs=[0.1], weight_decay=-1)])
def test_decay_factors_refuse_negative_inputs(bad):
    with pytest.raises(ValueError):
        training.decay_factors(**bad)


def test_timescales():
    assert training.decay_timescale(1e-3, 0.1) == pytest.approx(1e4)
    wd = training.timescale_weight_decay(1e-3, tau_epochs=10, steps_per_epoch=100)
    assert training.decay_timescale(1e-3, wd) == pytest.approx(10 * 100)
    # twice the updates per epoch: half the decay keeps the timescale in epochs
    assert training.timescale_weight_decay(1e-3, 10, 200) == pytest.approx(wd / 2)


def test_equilibrium_angular_update():
    assert training.equilibrium_angular_update(0.1, 0.01) == pytest.approx(math.sqrt(2e-3 - 1e-6))
    with_momentum = training.equilibrium_angular_update(0.1, 0.01, momentum=0.9)
    assert with_momentum == pytest.approx(math.sqrt((2e-3 - 1e-6) * 0.1 / 1.9))
    with pytest.raises(ValueError):
        training.equilibrium_angular_update(10, 0.5)


def test_equilibrium_norm_balances_growth_and_decay():
    lr, wd, c = 0.1, 0.01, 2.0
    n = training.equilibrium_norm(lr, wd, c)
    assert 2 * lr * wd * n**2 == pytest.approx(lr**2 * c**2 / n**2)


def test_the_numpy_adamw_step_is_torchs():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    w0 = rng.standard_normal(5)
    p = torch.tensor(w0, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.AdamW([p], lr=0.05, weight_decay=0.3)
    w, m, v = w0.copy(), np.zeros(5), np.zeros(5)
    for t in range(1, 21):
        g = rng.standard_normal(5)
        p.grad = torch.tensor(g, dtype=torch.float64)
        opt.step()
        w, m, v = training.adamw_step(w, g, m, v, t, 0.05, 0.3)
    assert np.allclose(p.detach().numpy(), w, rtol=1e-12, atol=1e-12)


def test_torchs_adamw_decays_by_the_current_rate():
    """torch/optim/adam.py: param.mul_(1 - lr * weight_decay) with the group's lr at that step."""
    torch = pytest.importorskip("torch")
    T, wd = 50, 0.5
    s = schedules.cosine_decay(0.1, T)
    p = torch.ones(3, requires_grad=True)
    opt = torch.optim.AdamW([p], lr=0.1, weight_decay=wd)
    sched = schedules.as_torch_scheduler(opt, s)
    for _ in range(T):
        p.grad = torch.zeros(3)  # no gradient: Adam's step is 0, only the decay acts
        opt.step()
        sched.step()
    assert float(p.detach()[0]) == pytest.approx(training.decay_factors(s(np.arange(T)), wd)[-1], rel=1e-5)
