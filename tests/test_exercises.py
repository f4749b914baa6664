"""Tests for course_lib.exercises: every solution passes its check, wrong answers get hints, nothing raises."""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest
import torch

from course_lib import exercises as E
from course_lib import schedules as S
from course_lib import solutions as sol


class Quadratic:
    """f(w) = 0.5 * sum(h_i w_i^2), a stand-in for course_lib.problems' quadratic (L = max h)."""

    def __init__(self, h=(1.0, 10.0)):
        self.h = np.asarray(h, dtype=float)
        self.dim = self.h.size
        self.w0 = np.ones(self.dim)

    def loss(self, w):
        return 0.5 * np.sum(self.h * np.asarray(w) ** 2, axis=-1)

    def grad(self, w):
        return self.h * w


class RotatedQuadratic(Quadratic):
    """0.5 w^T A w with a non-diagonal A (eigenvalues 1 and 25) and a hessian attribute."""

    def __init__(self):
        q, _ = np.linalg.qr(np.array([[1.0, 2.0], [3.0, 4.0]]))
        self.hessian = q @ np.diag([1.0, 25.0]) @ q.T
        self.dim, self.w0 = 2, np.array([1.0, -2.0])

    def loss(self, w):
        return 0.5 * np.einsum("...i,ij,...j->...", w, self.hessian, w)

    def grad(self, w):
        return self.hessian @ w


QUAD = Quadratic()


@dataclass
class Case:
    """How to call one check: the solution, the other arguments, and wrong answers (each must get a hint)."""

    solution: Any
    kwargs: dict[str, Any] = field(default_factory=dict)
    wrong: list[Any] = field(default_factory=list)


#: One row per registered check. Adding a check to course_lib.exercises means adding a row here.
CASES: dict[str, Case] = {
    "value": Case(0.5, dict(expected=0.5, hint="Halve it."), [0.4, -0.5, 5.0]),
    "schedule_function": Case(
        lambda t: 0.1 * 0.9 ** t,
        dict(reference_schedule=S.exponential_decay(0.1, 0.9), steps=30, hint="Use gamma ** t."),
        [lambda t: 0.1 * 0.9 ** (t + 1), lambda t: 0.1 - 0.01 * t, lambda t: 0.1]),
    "choice": Case("cosine", dict(correct="cosine", options=["step", "cosine", "constant"],
                                  hint="Which one is smooth?"), ["step", "c", "linear"]),
    "stability_limit": Case(sol.stability_limit(QUAD), dict(problem=QUAD), [1 / 10, 1.0, 5.0, 20.0]),
    "half_life": Case(sol.half_life(0.95), dict(gamma=0.95), [math.log(2) / 0.05, 10, 0.05]),
    "exponential_value": Case(sol.EXPONENTIAL_VALUE, {}, [0.003, 0.1 * 0.95 ** 9, 0.95]),
    "linear_decay": Case(sol.linear_decay_fn, {}, [
        lambda t: 0.1 * (1 - 0.01 * t),                       # article 000: goes negative
        lambda t: 0.1 + (0.01 - 0.1) * t / 100,               # forgets to stop at end_lr
        lambda t: 0.1 * (1 - min(t, 100) / 100),              # decays to 0, not end_lr
        lambda t: sol.linear_decay_fn(t + 1)]),               # one step ahead
    "warmup": Case(sol.warmup_cosine_fn, {}, [
        lambda t: 0.01 if t < 10 else sol.warmup_cosine_fn(t),      # article 002: flat, then jump
        lambda t: sol.warmup_cosine_fn(t, total_steps=110) if t >= 10 else sol.warmup_cosine_fn(t),
        lambda t: sol.warmup_cosine_fn(t + 1) if t < 10 else sol.warmup_cosine_fn(t),
        sol.linear_decay_fn]),
    "sgdr_cycle_ends": Case(sol.sgdr_cycle_ends(), {}, [[10, 30, 70, 150], [9, 19, 29, 39], [9, 29]]),
    "one_cycle_peak_step": Case(sol.one_cycle_peak_step(), {}, [300, 0.3, 999]),
    "scaled_lr": Case(sol.scaled_lr(), {}, [0.2, 0.025, 0.1]),
    "scheduler_order": Case(sol.SCHEDULER_ORDER, {}, ["scheduler.step() then optimizer.step()", "b",
                                                      "zero_grad"]),
    "total_steps": Case(sol.total_steps(), {}, [1797, 1797 * 10, 29, 280]),
    "gd_regime": Case(sol.gd_regime(), {}, ["diverges", "a", "converges without oscillating", "converges"]),
    "plateau_lrs": Case(sol.plateau_lrs(), {}, [
        sol.plateau_lrs(patience=1),                           # cuts one evaluation too early
        sol.plateau_lrs(threshold=0.0),                        # every decrease counted as a gain
        sol.plateau_lrs(cooldown=0),                           # no cooldown
        [0.1] * 12, [0.1] * 11]),
    "adam_first_step": Case(sol.adam_first_step(), {}, [
        1e-3 * 250.0,                                          # SGD's step
        1e-3 * 0.1 / 0.001 ** 0.5,                             # no bias correction (~3.16 lr)
        -1e-3, 0.0]),
    "schedule_choice": Case(sol.schedule_choice(), {}, ["cosine", "constant", "a", "warmup cosine"]),
    "ddp_lr": Case(sol.ddp_lr(), {}, [0.04, 0.01, 0.02, 0.02 * 2 ** 0.5]),
}

#: Answers of every wrong kind; none may raise, none may pass.
WEIRD = [
    None, ..., "abc", "0.06", "", True, False, float("nan"), float("inf"), -float("inf"), -1e308,
    complex(1, 2), [1, 2, 3], [], np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([np.nan]), {}, {"a": 1},
    object(), int, lambda: 0, lambda t: 1 / 0, lambda t: "x", lambda t: None, lambda t: float("nan"),
    lambda t: [1, 2], lambda *a, **k: (_ for _ in ()).throw(RuntimeError("boom")),
    torch.tensor([1.0, 2.0]), torch.tensor(-3.0, requires_grad=True),
]


def test_every_registered_check_has_a_case():
    assert set(E.CHECKS) == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_solution_is_accepted(name, capsys):
    case = CASES[name]
    result = E.CHECKS[name](case.solution, **case.kwargs)
    assert result.passed, result.text
    assert bool(result) is True and result.name == name
    assert capsys.readouterr().out.startswith("Correct!")


@pytest.mark.parametrize("name", sorted(CASES))
def test_wrong_answers_are_rejected_with_a_hint(name):
    case = CASES[name]
    assert case.wrong, "each check needs at least one wrong answer"
    for answer in case.wrong:
        result = E.CHECKS[name](answer, **case.kwargs, quiet=True)
        assert not result, f"{name} accepted {answer!r}"
        assert result.message and result.hint, f"{name}: {result.text!r}"
        assert result.text.startswith("Not yet.") and "Hint:" in result.text


@pytest.mark.parametrize("name", sorted(CASES))
def test_weird_answers_never_raise(name):
    case = CASES[name]
    for answer in WEIRD:
        result = E.CHECKS[name](answer, **case.kwargs, quiet=True)
        assert isinstance(result, E.CheckResult)
        assert not result.passed, f"{name} accepted {answer!r}"
        assert result.message and "Traceback" not in result.text
        assert "could not be checked" not in result.message, (name, answer, result.message)


# ---------------------------------------------------------------------------
# Specific messages: the mistakes the course is about
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("name, answer, words", [
    ("exponential_value", 0.003, "article 003"),
    ("linear_decay", lambda t: 0.1 * (1 - 0.01 * t), "negative"),
    ("linear_decay", lambda t: 0.1 + (0.01 - 0.1) * t / 100, "keeps falling"),
    ("linear_decay", lambda t: sol.linear_decay_fn(t + 1), "one step ahead"),
    ("warmup", lambda t: 0.01 if t < 10 else sol.warmup_cosine_fn(t), "flat"),
    ("sgdr_cycle_ends", [10, 30, 70, 150], "next"),
    ("stability_limit", 0.1, "1/L"),
    ("half_life", math.log(2) / 0.05, "approximation"),
    ("scheduler_order", "lr_scheduler.step(); optimizer.step()", "schedule(1)"),
    ("total_steps", 1797, "training set"),
    ("scaled_lr", 0.2, "square-root"),
    ("one_cycle_peak_step", 300, "One too late"),
    ("plateau_lrs", sol.plateau_lrs(patience=1), "too early"),
    ("plateau_lrs", sol.plateau_lrs(patience=3), "too late"),
    ("plateau_lrs", sol.plateau_lrs(threshold=0.0), "threshold"),
    ("plateau_lrs", sol.plateau_lrs(cooldown=0), "cooldown"),
    ("adam_first_step", 1e-3 * 250.0, "SGD"),
    ("adam_first_step", 1e-3 * 0.1 / 0.001 ** 0.5, "bias correction"),
    ("adam_first_step", -1e-3, "signed"),
    ("ddp_lr", 0.04, "global batch"),
    ("ddp_lr", 0.01, "averages"),
])
def test_known_mistakes_get_their_own_message(name, answer, words):
    case = CASES[name]
    result = E.CHECKS[name](answer, **case.kwargs, quiet=True)
    assert not result and words in result.message, result.text


def test_learner_errors_are_explained():
    result = E.check_linear_decay(lambda t: 1 / 0, quiet=True)
    assert "ZeroDivisionError" in result.message and "f(0)" in result.message
    result = E.check_linear_decay(lambda t, lr: lr * t, quiet=True)
    assert "TypeError" in result.message and "one argument" in result.hint
    assert "forget" in E.check_linear_decay(lambda t: None, quiet=True).hint
    assert "placeholder" in E.check_half_life(..., quiet=True).message
    assert "quotes" in E.check_half_life("13.5", quiet=True).hint
    assert "without calling" in E.check_warmup(0.1, quiet=True).hint


# ---------------------------------------------------------------------------
# Accepted variants
# ---------------------------------------------------------------------------

def test_accepted_variants():
    assert E.check_half_life(14, 0.95, quiet=True)                 # the first whole step at half
    assert E.check_half_life(sol.half_life(0.9, 10), 0.9, 10, quiet=True)
    assert E.check_exponential_value(0.0599, quiet=True)           # rounded
    assert E.check_value(torch.tensor(0.5), 0.5, quiet=True)
    assert E.check_value(np.float32(0.5), 0.5, rtol=1e-6, quiet=True)
    assert E.check_value([1, 2, 3], np.array([1.0, 2.0, 3.0]), quiet=True)
    assert E.check_choice("  COSINE ", "cosine", ["step", "cosine"], quiet=True)
    assert E.check_choice("b)", "cosine", ["step", "cosine"], quiet=True)
    assert E.check_choice(2, 2, [1, 2, 3], quiet=True)
    for text in ["optimizer.step then scheduler.step", "opt.step(); sched.step()", "a",
                 "first optimizer.step(), then lr_scheduler.step()"]:
        assert E.check_scheduler_order(text, quiet=True), text
    assert E.check_schedule_function(S.cosine_decay(0.1, 50), S.cosine_decay(0.1, 50), steps=[0, 10, 60],
                                     quiet=True)


@pytest.mark.parametrize("params", [dict(lr=0.5, total_steps=20, end_lr=0.0), dict(lr=1.0, total_steps=7, end_lr=0.3)])
def test_linear_decay_with_other_parameters(params):
    assert E.check_linear_decay(functools.partial(sol.linear_decay_fn, **params), **params, quiet=True)


@pytest.mark.parametrize("params", [dict(lr=0.3, warmup_steps=5, total_steps=40, start_lr=0.01),
                                    dict(lr=1.0, warmup_steps=1, total_steps=3)])
def test_warmup_with_other_parameters(params):
    assert E.check_warmup(functools.partial(sol.warmup_cosine_fn, **params), **params, quiet=True)


@pytest.mark.parametrize("params", [dict(cycle_steps=5, cycle_mult=1, n=3), dict(cycle_steps=3, cycle_mult=1.5, n=5)])
def test_sgdr_with_other_parameters(params):
    assert E.check_sgdr_cycle_ends(sol.sgdr_cycle_ends(**params), **params, quiet=True)


@pytest.mark.parametrize("total, pct", [(1000, 0.3), (100, 0.25), (37, 0.3), (10, 0.5), (7, 0.1)])
def test_one_cycle_peak_with_other_parameters(total, pct):
    assert E.check_one_cycle_peak_step(sol.one_cycle_peak_step(total, pct), total, pct, quiet=True)


@pytest.mark.parametrize("params", [dict(base_lr=0.1, base_batch=256, batch=8192),
                                    dict(base_lr=0.05, base_batch=128, batch=128)])
def test_scaled_lr_with_other_parameters(params):
    assert E.check_scaled_lr(sol.scaled_lr(**params), **params, quiet=True)


@pytest.mark.parametrize("params", [dict(n_examples=1000, batch_size=100, epochs=3),
                                    dict(n_examples=1001, batch_size=100, epochs=2, drop_last=True)])
def test_total_steps_with_other_parameters(params):
    assert E.check_total_steps(sol.total_steps(**params), **params, quiet=True)
    assert not E.check_total_steps(sol.total_steps(**params) + 1, **params, quiet=True)


def test_stability_limit_reads_L_hessian_or_estimates():
    rotated = RotatedQuadratic()
    assert sol.stability_limit(rotated) == pytest.approx(2 / 25, rel=1e-6)
    assert E.check_stability_limit(2 / 25, rotated, quiet=True)
    assert E.check_stability_limit(0.2, L=10.0, quiet=True)
    with_l = Quadratic((2.0, 4.0))
    with_l.L = 4.0
    assert E.check_stability_limit(0.5, with_l, quiet=True)
    no_hessian = Quadratic((3.0, 0.5, 8.0))
    assert E.check_stability_limit(2 / 8, no_hessian, quiet=True)   # estimated by power iteration


def test_stability_limit_with_course_problems_if_available():
    P = pytest.importorskip("course_lib.problems")
    candidates = [getattr(P, name) for name in ("quadratic", "Quadratic", "ill_conditioned_quadratic")
                  if callable(getattr(P, name, None))]
    if not candidates:
        pytest.skip("course_lib.problems has no quadratic factory yet")
    try:
        problem = candidates[0]()
    except TypeError:
        pytest.skip("quadratic factory needs arguments")
    assert E.check_stability_limit(sol.stability_limit(problem), problem, quiet=True)


# ---------------------------------------------------------------------------
# The result object, printing, author errors, extending
# ---------------------------------------------------------------------------

def test_result_prints_once_and_reads_well(capsys):
    result = E.check_scaled_lr(0.4)
    out = capsys.readouterr().out
    assert out.strip() == result.text and out.count("Correct!") == 1
    result._ipython_display_()                      # already printed: not shown again
    assert capsys.readouterr().out == ""
    quiet = E.check_scaled_lr(0.3, quiet=True)
    assert capsys.readouterr().out == ""
    quiet._ipython_display_()
    assert capsys.readouterr().out.startswith("Not yet.")
    assert repr(quiet).startswith("<check scaled_lr failed: Not yet.")
    assert str(result).startswith("Correct!")


@pytest.mark.parametrize("call, name", [
    (lambda: E.check_half_life(13.5, gamma=2.0), "gamma"),
    (lambda: E.check_exponential_value(0.06, lr=-1), "lr"),
    (lambda: E.check_value(1.0, float("nan")), "expected"),
    (lambda: E.check_value(1.0, 1.0, rtol=-1), "rtol"),
    (lambda: E.check_schedule_function(lambda t: 0.1, 0.1), "reference_schedule"),
    (lambda: E.check_schedule_function(lambda t: 0.1, S.constant(0.1), steps=0), "steps"),
    (lambda: E.check_choice("a", "z", ["a", "b"]), "correct"),
    (lambda: E.check_choice("a", "a", "ab"), "options"),
    (lambda: E.check_warmup(sol.warmup_cosine_fn, warmup_steps=100, total_steps=100), "warmup_steps"),
    (lambda: E.check_linear_decay(sol.linear_decay_fn, end_lr=1.0), "end_lr"),
    (lambda: E.check_sgdr_cycle_ends([9], cycle_mult=0.5), "cycle_mult"),
    (lambda: E.check_one_cycle_peak_step(299, pct_start=1.5), "pct_start"),
    (lambda: E.check_scaled_lr(0.4, batch=0), "batch"),
    (lambda: E.check_total_steps(290, batch_size=0), "batch_size"),
    (lambda: E.check_stability_limit(0.2), "problem"),
    (lambda: E.check_stability_limit(0.2, L=-1.0), "L"),
])
def test_author_mistakes_raise_naming_the_argument(call, name):
    with pytest.raises((ValueError, TypeError), match=name):
        call()


def test_missing_answer_argument_is_a_call_error():
    with pytest.raises(TypeError):
        E.check_half_life()


def test_new_checks_follow_the_documented_pattern():
    try:
        @E.exercise_check
        def check_noam_peak(answer, d_model=512, warmup_steps=4000, hint="Evaluate at step = W."):
            with E.check_setup():
                if d_model < 1:
                    raise ValueError(f"d_model must be >= 1, got d_model={d_model}")
            expected = (d_model * warmup_steps) ** -0.5
            return E.number_verdict(answer, expected, rtol=1e-3, hint=hint,
                                    mistakes=[(d_model ** -0.5, "That is d_model ** -0.5 alone.")])

        assert "noam_peak" in E.CHECKS
        assert check_noam_peak((512 * 4000) ** -0.5, quiet=True)
        wrong = check_noam_peak(512 ** -0.5, quiet=True)
        assert not wrong and "alone" in wrong.message and wrong.hint == "Evaluate at step = W."
        assert not check_noam_peak("x", quiet=True)
        with pytest.raises(ValueError, match="d_model"):
            check_noam_peak(0.1, d_model=0)

        @E.exercise_check
        def check_is_positive(answer):
            raise E.Wrong("negative", "think") if E.as_number(answer) <= 0 else None
            return True  # pragma: no cover

        @E.exercise_check
        def check_bool_style(answer):
            return E.as_number(answer) > 0

        assert check_bool_style(1, quiet=True) and not check_bool_style(-1, quiet=True)
        assert check_is_positive(-1, quiet=True).hint == "think"
    finally:
        for name in ("noam_peak", "is_positive", "bool_style"):
            E.CHECKS.pop(name, None)


def test_checks_keep_their_docs_and_signatures():
    import inspect

    for name, check in E.CHECKS.items():
        assert check.__doc__, name
        assert "quiet" in inspect.signature(check).parameters, name


def test_plateau_solution_matches_the_policy_and_torch_on_other_settings():
    from course_lib.training.plateau import ReduceLROnPlateau

    metrics = [1.0, 0.99, 0.98, 0.97, 0.5, 0.5, 0.6, 0.49, 0.48, 0.7, 0.7, 0.7, 0.7]
    for kw in (dict(patience=0, cooldown=0, threshold=0.0), dict(patience=1, cooldown=2, threshold=0.05),
               dict(patience=3, cooldown=0, threshold=1e-4, factor=0.1)):
        kw = {"factor": 0.5, **kw}
        mine = sol.plateau_lrs(metrics, lr=0.2, **kw)
        policy = ReduceLROnPlateau(0.2, **kw)
        assert mine == pytest.approx([policy.step(m) for m in metrics], rel=1e-12)
        assert E.check_plateau_lrs(mine, metrics, lr=0.2, **kw, quiet=True)


def test_adam_first_step_solution_matches_the_numpy_adam():
    from course_lib import training as A

    for g in (250.0, -0.004, 3e-7):
        w, _, _ = A.adam_step(np.zeros(1), np.array([g]), np.zeros(1), np.zeros(1), t=1, lr=1e-3)
        assert sol.adam_first_step(grad=g) == pytest.approx(abs(w[0]), rel=1e-12)
        assert E.check_adam_first_step(abs(w[0]), grad=g, quiet=True)
    assert E.check_adam_first_step(1e-3, quiet=True)   # "about lr" is the lesson, and within tolerance


@pytest.mark.parametrize("call, name", [
    (lambda: E.check_plateau_lrs([0.1], metrics=[]), "metrics"),
    (lambda: E.check_plateau_lrs([0.1], factor=2.0), "factor"),
    (lambda: E.check_plateau_lrs([0.1], metrics=[1.0, "x"]), "metrics"),
    (lambda: E.check_adam_first_step(1e-3, grad=0.0), "grad"),
    (lambda: E.check_adam_first_step(1e-3, betas=(1.0, 0.9)), "betas"),
])
def test_notebook_05_author_mistakes_raise(call, name):
    with pytest.raises((ValueError, TypeError), match=name):
        call()
