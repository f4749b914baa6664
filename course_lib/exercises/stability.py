"""Checks on when fixed-rate gradient descent is stable: the limit 2/L and the three regimes.

>>> from course_lib import exercises
>>> exercises.check_stability_limit(0.2, L=10.0, quiet=True).passed
True
>>> exercises.check_gd_regime("b", lr=1.5, L=1.0, mu=0.1, quiet=True).passed
True
"""

from __future__ import annotations

import math
from numbers import Real
from typing import Any

import numpy as np

from course_lib.exercises.framework import (
    CheckResult,
    Wrong,
    as_text,
    check_setup,
    exercise_check,
    format_number,
    normalise_text,
    not_an_option,
    number_verdict,
    option_listing,
    passed,
)
from course_lib.exercises.generic import choice_verdict
from course_lib.validation import check_non_negative, check_positive

__all__ = ["check_stability_limit", "check_gd_regime", "GD_REGIME_OPTIONS", "check_lr_init", "LR_INIT_OPTIONS"]


def _curvature(problem: Any) -> float:
    """L, the largest curvature (Hessian eigenvalue) of a problem, for the stability limit 2/L.

    Taken from ``problem.L`` if the problem states it, else from
    ``problem.hessian`` (a matrix, or a method of w evaluated at w0), else
    estimated at ``problem.w0`` by power iteration on finite-difference
    Hessian-vector products of ``problem.grad`` (exact for quadratics).
    """
    for attr in ("L", "smoothness", "lipschitz"):
        value = getattr(problem, attr, None)
        if isinstance(value, Real) and not isinstance(value, bool):
            return check_positive(f"problem.{attr}", value)
    hessian = getattr(problem, "hessian", None)
    if hessian is not None:
        H = hessian(np.asarray(problem.w0, dtype=float)) if callable(hessian) else hessian
        H = np.atleast_2d(np.asarray(H, dtype=float))
        return check_positive("the largest Hessian eigenvalue", float(np.linalg.eigvalsh((H + H.T) / 2).max()))
    if not (hasattr(problem, "w0") and callable(getattr(problem, "grad", None))):
        raise TypeError(f"problem must have w0 and grad(w) (or L, or hessian), got {type(problem).__name__}")
    w0 = np.asarray(problem.w0, dtype=float)
    g0 = np.asarray(problem.grad(w0), dtype=float)
    v = np.random.default_rng(0).normal(size=w0.shape)
    v /= np.linalg.norm(v)
    eps, lam = 1e-4 * max(1.0, float(np.linalg.norm(w0))), 0.0
    for _ in range(500):
        hv = (np.asarray(problem.grad(w0 + eps * v), dtype=float) - g0) / eps
        new = float(np.linalg.norm(hv))
        if new == 0:
            break
        v = hv / new
        if abs(new - lam) <= 1e-10 * new:
            lam = new
            break
        lam = new
    return check_positive("the estimated curvature L", lam)


@exercise_check
def check_stability_limit(
    answer: Any,
    problem: Any = None,
    *,
    L: float | None = None,
    hint: str = "Gradient descent on a quadratic multiplies each eigen-direction "
    "by (1 - lr * h) every step; find where |1 - lr * L| = 1.",
) -> CheckResult:
    """The largest stable gradient-descent rate, 2 / L (L = the largest curvature).

    Give ``problem`` (L from problem.L, problem.hessian, or estimated at w0)
    or ``L`` directly. Tolerance 0.1%.
    """
    with check_setup():
        if L is not None:
            L = check_positive("L", L)
        elif problem is None:
            raise TypeError("check_stability_limit needs problem=... or L=...")
        else:
            L = _curvature(problem)
    return number_verdict(
        answer,
        2 / L,
        rtol=1e-3,
        mistakes=[
            (
                1 / L,
                "That is 1/L, the rate that is best for the stiffest direction; gradient "
                "descent still converges above it. Where does it start to diverge?",
            ),
            (L / 2, "That is L/2: the limit is a rate, so L belongs in the denominator."),
            (2 * L, "That is 2L: the limit is a rate, so L belongs in the denominator."),
        ],
        detail=f"Above 2/L = {format_number(2 / L)} the stiffest direction grows every step and the loss diverges.",
        hint=hint,
    )


#: The three behaviours of fixed-rate GD on a quadratic, for :func:`check_gd_regime` (in order a, b, c).
GD_REGIME_OPTIONS = ("converges without oscillating", "oscillates but converges", "diverges")


def _regime_of(text: str) -> str | None:
    """Which of GD_REGIME_OPTIONS a free-text answer names (letter, option, or key word), else None."""
    t = normalise_text(text).strip(" .)")
    if t in ("a", "b", "c"):
        return GD_REGIME_OPTIONS["abc".index(t)]
    if any(w in t for w in ("without oscill", "no oscill", "not oscill", "monoton", "smooth")):
        return GD_REGIME_OPTIONS[0]
    if "diverg" in t or "blow" in t or "explod" in t:
        return GD_REGIME_OPTIONS[2]
    if "oscill" in t or "zig" in t or "bounc" in t:
        return GD_REGIME_OPTIONS[1]
    return None


@exercise_check
def check_gd_regime(
    answer: Any,
    lr: float = 1.5,
    L: float = 1.0,
    mu: float = 0.1,
    hint: str = "Compute 1 - lr * L and 1 - lr * mu. A negative factor flips the sign of that "
    "direction every step; a factor of size above 1 makes it grow.",
) -> CheckResult:
    """What fixed-rate GD does on a quadratic with curvatures L >= mu: one of :data:`GD_REGIME_OPTIONS`.

    lr <= 1/L: converges without oscillating; 1/L < lr < 2/L: oscillates (the steep
    direction changes sign each step) but converges; lr > 2/L: diverges. Accepts the
    option text, its letter, or a key word ("monotone", "oscillates", "diverges").
    """
    with check_setup():
        lr = check_positive("lr", lr)
        L = check_positive("L", L)
        mu = check_non_negative("mu", mu)
        if mu > L:
            raise ValueError(f"mu must be <= L ({L}), got mu={mu}")
        if math.isclose(lr * L, 2.0, rel_tol=1e-9):
            raise ValueError(
                f"lr must not be exactly 2/L = {format_number(2 / L)} (GD neither converges nor "
                f"diverges there), got lr={lr}"
            )
    listing = option_listing(GD_REGIME_OPTIONS)
    chosen = _regime_of(as_text(answer, listing, "one of the options", 'e.g. answer = "b"'))
    if chosen is None:
        if "converg" in normalise_text(answer):
            raise Wrong(
                "Converging is only half the answer: say also whether it oscillates on the way. "
                "Options: " + listing + ".",
                hint,
            )
        raise not_an_option(answer, listing)
    steep, flat = 1 - lr * L, 1 - lr * mu
    factors = f"1 - lr*L = {format_number(steep)} and 1 - lr*mu = {format_number(flat)}"
    if lr * L > 2:
        expected = GD_REGIME_OPTIONS[2]
        why = (
            f"{factors}: |1 - lr*L| = {format_number(abs(steep))} > 1, so the steep direction grows by that factor "
            f"every step (flipping sign as it goes): lr is above the stability limit 2/L = {format_number(2 / L)}."
        )
    elif lr * L > 1:
        expected = GD_REGIME_OPTIONS[1]
        why = (
            f"{factors}: the steep factor is negative, so that coordinate changes sign every step "
            f"(a zig-zag across the valley), but both have size < 1, so the error still shrinks: "
            f"1/L = {format_number(1 / L)} < lr < 2/L = {format_number(2 / L)}."
        )
    else:
        expected = GD_REGIME_OPTIONS[0]
        why = (
            f"{factors}: both are between 0 and 1, so every direction shrinks without changing sign: "
            f"lr <= 1/L = {format_number(1 / L)}."
        )
    if chosen != expected:
        # name the mistake, not the regime: the worked answer (second try) has the factors
        if chosen == GD_REGIME_OPTIONS[2]:
            mistake = "no direction grows at this rate: compare the size of each factor with 1."
        elif expected == GD_REGIME_OPTIONS[2]:
            mistake = "at this rate one direction does not shrink: compare the size of each factor with 1."
        else:
            mistake = "look at the sign of the steep direction's factor 1 - lr * L."
        raise Wrong(f"{chosen!r} is not what happens: {mistake}", hint)
    return passed(why)


#: What "learning-rate initialization" (article 000's term) could mean: the options of :func:`check_lr_init`.
LR_INIT_OPTIONS = (
    "setting an initial value for every weight of the network",
    "choosing the optimizer's step size eta before the first update",
    "choosing the random seed of the mini-batch order",
)


@exercise_check
def check_lr_init(
    answer: Any, hint: str = "How many numbers does each option set, and which one appears in w - eta * grad?"
) -> CheckResult:
    """What choosing the starting learning rate means (notebook 02): one of :data:`LR_INIT_OPTIONS`, or its letter."""
    mistakes = {
        LR_INIT_OPTIONS[0]: "That is weight initialisation: one starting value per weight. Article 000's term "
        "mixes the two up.",
        LR_INIT_OPTIONS[2]: "The seed fixes the order of the mini-batches: it changes which examples an update "
        "sees, not how far it moves.",
    }
    return choice_verdict(answer, LR_INIT_OPTIONS[1], LR_INIT_OPTIONS, hint, mistakes)
