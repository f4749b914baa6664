"""Library conventions: the transcribed rules against torch (and the libraries' own test values), the tracer."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from course_lib import schedules as S
from course_lib.references import libraries
from course_lib.schedules.torch_bridge import as_torch_scheduler

lr_sched = torch.optim.lr_scheduler
STEP_ORDER_WARNING = "Detected call of `lr_scheduler.step()` before `optimizer.step()`"


# ---------------------------------------------------------------------------
# trace_torch_lrs
# ---------------------------------------------------------------------------


def test_right_order_uses_schedule_from_zero_without_warnings():
    trace = libraries.trace_torch_lrs(lambda o: lr_sched.ExponentialLR(o, 0.5), 5, lr=0.1)
    assert np.allclose(trace.lrs, 0.1 * 0.5 ** np.arange(5))
    assert trace.applied.all() and trace.warnings == [] and trace.error is None


def test_wrong_order_skips_the_first_value_and_warns():
    right = libraries.trace_torch_lrs(lambda o: lr_sched.ExponentialLR(o, 0.5), 6)
    wrong = libraries.trace_torch_lrs(lambda o: lr_sched.ExponentialLR(o, 0.5), 5, order="scheduler_first")
    assert np.allclose(wrong.lrs, right.lrs[1:])
    assert any(STEP_ORDER_WARNING in w for w in wrong.warnings)


def test_grad_scaler_skip_gives_the_same_warning_in_the_right_order():
    trace = libraries.trace_torch_lrs(lambda o: lr_sched.ExponentialLR(o, 0.5), 4, amp_inf_steps=[0])
    assert trace.applied.tolist() == [False, True, True, True]
    assert any(STEP_ORDER_WARNING in w for w in trace.warnings)
    assert np.allclose(trace.lrs, 0.1 * 0.5 ** np.arange(4))  # the schedule advanced anyway
    clean = libraries.trace_torch_lrs(lambda o: lr_sched.ExponentialLR(o, 0.5), 4, amp_inf_steps=[2])
    assert clean.applied.tolist() == [True, True, False, True] and clean.warnings == []


def test_a_decay_function_never_applied_and_the_two_fixes():
    never = libraries.trace_torch_lrs(None, 10, lr=0.1)
    assert np.all(never.lrs == 0.1)
    by_hand = libraries.trace_torch_lrs(None, 10, lr=0.1, set_lr=lambda t: 0.1 * 0.95**t)
    bridged = libraries.trace_torch_lrs(lambda o: as_torch_scheduler(o, S.exponential_decay(0.1, 0.95)), 10)
    assert np.allclose(by_hand.lrs, 0.1 * 0.95 ** np.arange(10))
    assert np.allclose(bridged.lrs, by_hand.lrs, rtol=1e-12)


def test_one_cycle_past_total_steps_is_recorded_as_an_error():
    trace = libraries.trace_torch_lrs(lambda o: lr_sched.OneCycleLR(o, 0.1, total_steps=10), 15)
    assert trace.n_steps == 11 and trace.error.startswith("ValueError: Tried to step 11 times")
    assert np.allclose(trace.lrs, libraries.torch_one_cycle(np.arange(11), 0.1, 10), rtol=1e-12)
    assert "stopped: ValueError" in trace.summary()


def test_chained_multiplies_sequential_restarts():
    def chained(o):
        return lr_sched.ChainedScheduler(
            [lr_sched.ConstantLR(o, factor=0.1, total_iters=20), lr_sched.ExponentialLR(o, gamma=0.9)]
        )

    def sequential(o):
        return lr_sched.SequentialLR(
            o,
            [lr_sched.ConstantLR(o, factor=0.1, total_iters=20), lr_sched.ExponentialLR(o, gamma=0.9)],
            milestones=[20],
        )

    t = np.arange(23)
    ch = libraries.trace_torch_lrs(chained, 23, lr=0.05)
    sq = libraries.trace_torch_lrs(sequential, 23, lr=0.05)
    assert np.allclose(ch.lrs, 0.05 * np.where(t < 20, 0.1, 1.0) * 0.9**t)
    assert np.allclose(sq.lrs, np.where(t < 20, 0.005, 0.05 * 0.9 ** np.maximum(t - 20, 0)))
    join = S.join([S.constant(0.005), S.exponential_decay(0.05, 0.9)], [20])
    assert np.allclose(sq.lrs, join(t), rtol=1e-12)


def test_trace_arguments_are_validated():
    with pytest.raises(ValueError, match="order"):
        libraries.trace_torch_lrs(None, 3, order="whenever")
    with pytest.raises(ValueError, match="n_steps"):
        libraries.trace_torch_lrs(None, 0)
    with pytest.raises(TypeError, match="make_scheduler"):
        libraries.trace_torch_lrs(0.1, 3)
    with pytest.raises(ValueError, match="lr"):
        libraries.trace_torch_lrs(None, 3, lr=-1)


# ---------------------------------------------------------------------------
# Transcribed rules
# ---------------------------------------------------------------------------


def test_torch_cosine_matches_torch_and_rises_past_T():
    trace = libraries.trace_torch_lrs(lambda o: lr_sched.CosineAnnealingLR(o, T_max=50, eta_min=0.01), 200)
    t = np.arange(200)
    assert np.allclose(trace.lrs, libraries.torch_cosine_annealing(t, 0.1, 50, 0.01), rtol=1e-10, atol=1e-15)
    assert libraries.torch_cosine_annealing(100, 0.1, 50) == pytest.approx(0.1)
    assert np.allclose(S.cosine_decay(0.1, 50)(t[:51]), libraries.torch_cosine_annealing(t[:51], 0.1, 50))


def test_hf_cosine_matches_its_own_test_and_rises_past_N():
    expected = [0, 5, 10, 9.61, 8.53, 6.91, 5, 3.08, 1.46, 0.38]  # HF's test, lr 10, W=2, N=10
    assert np.allclose(libraries.hf_cosine_with_warmup(np.arange(10), 10.0, 2, 10), expected, atol=0.01)
    assert libraries.hf_cosine_with_warmup(10, 10.0, 2, 10) == pytest.approx(0.0, abs=1e-12)
    assert libraries.hf_cosine_with_warmup(14, 10.0, 2, 10) > 1.0
    same = S.warmup(S.cosine_decay(10.0, 8), 2)
    assert np.allclose(libraries.hf_cosine_with_warmup(np.arange(11), 10.0, 2, 10), same(np.arange(11)))


def test_torch_one_cycle_matches_torchs_own_test():
    expected = [1, 13, 25, 21.5, 18, 14.5, 11, 7.5, 4, 0.5]  # OneCycleLR(25, N=10, final_div=2, linear)
    got = libraries.torch_one_cycle(np.arange(10), 25.0, 10, final_div_factor=2, anneal="linear")
    assert np.allclose(got, expected)
    assert np.isnan(libraries.torch_one_cycle(11, 25.0, 10)) and not np.isnan(libraries.torch_one_cycle(10, 25.0, 10))


def test_multistep_conventions():
    expected = [0.05] * 2 + [0.005] * 3 + [0.0005] * 4 + [5e-5]  # torch's test
    trace = libraries.trace_torch_lrs(lambda o: lr_sched.MultiStepLR(o, [2, 5, 9]), 10, lr=0.05)
    assert np.allclose(trace.lrs, expected)
    assert np.allclose(libraries.torch_multistep(np.arange(10), 0.05, [2, 5, 9]), expected)
    assert libraries.switch_steps(lambda t: libraries.torch_multistep(t, 1.0, [5]), 12) == [5]
    assert libraries.switch_steps(lambda t: libraries.keras_piecewise_constant(t, [5], [1.0, 0.1]), 12) == [6]
    assert libraries.switch_steps(lambda t: libraries.timm_multistep(t, 1.0, [5]), 12) == [4]
    assert libraries.switch_steps(S.multistep_decay(1.0, [5]), 12) == [5]
    assert libraries.switch_steps(S.piecewise_constant([5], [1.0, 0.1]), 12) == [5]


def test_keras_legacy_decay_is_inverse_time():
    t = np.arange(500)
    assert np.allclose(libraries.keras_legacy_decay(t, 0.1, 0.1), S.inverse_time_decay(0.1, 0.1)(t))


@pytest.mark.parametrize("beta2", [0.999, 0.95, 0.9])
def test_radam_rectification_is_torch_radam_step_over_adam_step(beta2):
    """Under a constant gradient Adam steps lr every update; torch's RAdam steps lr * r_t once rho_t > 5."""

    def steps(optimizer_class, n=800, grad=0.01):
        w = torch.nn.Parameter(torch.ones(1, dtype=torch.float64))
        opt = optimizer_class([w], lr=0.01, betas=(0.9, beta2))
        sizes = []
        for _ in range(n):
            before, w.grad = w.item(), torch.full_like(w, grad)
            opt.step()
            sizes.append(abs(w.item() - before))
        return np.array(sizes)

    ratio = steps(torch.optim.RAdam) / steps(torch.optim.Adam)
    rect = libraries.torch_radam_rectification(np.arange(1, len(ratio) + 1), beta2)
    adaptive = rect > 0
    assert not adaptive[:5].any() and adaptive[5:].all()  # the first 5 updates: momentum steps lr * m_hat
    assert np.allclose(ratio[:5], 0.01, rtol=1e-4)  # lr * grad, not lr: not divided by sqrt(v_hat)
    assert np.allclose(ratio[adaptive], rect[adaptive], rtol=1e-4)  # torch adds eps to sqrt(v), not sqrt(v_hat)


def test_radam_rectification_counts_updates_from_one():
    assert float(libraries.torch_radam_rectification(556)) > 0.5 > float(libraries.torch_radam_rectification(555))
    with pytest.raises(ValueError, match="t counts updates from 1"):
        libraries.torch_radam_rectification(0)


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: libraries.torch_radam_rectification(1, beta2=1.0), "beta2"),
        (lambda: libraries.torch_cosine_annealing(1, 0.1, 0), "T_max"),
        (lambda: libraries.hf_cosine_with_warmup(1, 0.1, -1, 10), "warmup_steps"),
        (lambda: libraries.torch_multistep(1, 0.1, [5, 2]), "milestones"),
        (lambda: libraries.keras_piecewise_constant(1, [5], [0.1]), "values"),
        (lambda: libraries.timm_multistep(1, 0.1, [5], gamma=2), "gamma"),
        (lambda: libraries.keras_legacy_decay(1, 0.1, -1), "decay"),
        (lambda: libraries.convention_curves("linear", 10), "family"),
        (lambda: libraries.convention_curves("one_cycle", 1), "horizon"),
        (lambda: libraries.convention_table({}, []), "steps"),
    ],
)
def test_bad_arguments_name_the_argument(call, name):
    with pytest.raises((ValueError, TypeError), match=name):
        call()


# ---------------------------------------------------------------------------
# convention_curves / convention_table (the explorer's pure layer)
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("family", libraries.FAMILIES)
def test_curves_end_with_course_lib_and_agree_before_the_horizon(family):
    H, n = libraries.FAMILY_DEFAULTS[family]
    curves = libraries.convention_curves(family, H)
    assert list(curves)[-1].startswith("course_lib")
    ours = list(curves.values())[-1]
    assert isinstance(ours, S.Schedule)
    if family != "multistep":
        for fn in curves.values():
            assert np.allclose([fn(t) for t in range(H)], ours(np.arange(H)))
        library = float(list(curves.values())[0](H + 1))  # torch: rises again, or raises (nan)
        assert np.isnan(library) or library > ours(H + 1)


def test_table_marks_raising_steps():
    text = libraries.convention_table(libraries.convention_curves("one_cycle", 10), [9, 10, 11])
    lines = text.splitlines()
    assert len(lines) == 3 and "raises" in lines[1] and "raises" not in lines[2]
