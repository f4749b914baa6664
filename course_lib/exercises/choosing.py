"""Choosing a schedule: scenarios, the options, and the check that explains each wrong choice.

>>> from course_lib import exercises
>>> exercises.check_schedule_choice("warmup_stable_decay", scenario="unknown_budget", quiet=True).passed
True
>>> exercises.check_schedule_choice("cosine", scenario="no_budget", quiet=True).message
'A cosine needs T, which you do not have.'
>>> exercises.check_tuned_peak(0.1, quiet=True).passed
True
"""

from __future__ import annotations

import math
from typing import Any

from course_lib.exercises.framework import (
    LETTERS,
    CheckResult,
    Wrong,
    as_text,
    check_setup,
    exercise_check,
    interval_verdict,
    not_an_option,
    number_verdict,
    option_listing,
    passed,
)
from course_lib.validation import check_int, check_positive

__all__ = [
    "check_schedule_choice",
    "SCHEDULE_CHOICES",
    "SCHEDULE_SCENARIOS",
    "check_tuned_peak",
    "PEAK_GRID",
    "check_cosine_rate",
]


#: The schedules of notebook 09's decision guide, in order a, b, c, ...
SCHEDULE_CHOICES = (
    "constant",
    "step",
    "linear",
    "cosine",
    "warmup+cosine",
    "one-cycle",
    "SGDR",
    "WSD",
    "reduce-on-plateau",
)

_CHOICE_ALIASES = {
    "constant": ("constant", "fixed", "constantlr"),
    "step": ("step", "stepdecay", "multistep", "multistepdecay", "steplr"),
    "linear": ("linear", "lineardecay", "linearwithwarmup", "warmuplinear", "linearlr"),
    "cosine": ("cosine", "cosinedecay", "cosineannealing", "cosineannealinglr"),
    "warmup+cosine": (
        "warmupcosine",
        "cosinewithwarmup",
        "warmupandcosine",
        "warmupthencosine",
        "linearwarmupcosine",
        "cosinewarmup",
    ),
    "one-cycle": ("onecycle", "1cycle", "onecyclelr", "onecyclepolicy"),
    "SGDR": ("sgdr", "cosinerestarts", "warmrestarts", "cosineannealingwarmrestarts", "cosinewithrestarts"),
    "WSD": (
        "wsd",
        "warmupstabledecay",
        "trapezoidal",
        "constantthendecay",
        "constantdecay",
        "constantwithdecay",
        "constantplusdecay",
    ),
    "reduce-on-plateau": ("reduceonplateau", "plateau", "reducelronplateau", "reducelrplateau"),
}

#: Notebook 09's scenarios: key -> (situation, right choices, why, {wrong choice: why not}).
SCHEDULE_SCENARIOS: dict[str, tuple[str, tuple[str, ...], str, dict[str, str]]] = {
    "unknown_budget": (
        "You pre-train a model without knowing how long you will train: you may have to stop early, "
        "or want to continue later.",
        ("WSD",),
        "WSD's stable phase does not depend on the total length T: decay any checkpoint of it when you "
        "stop, or keep going from it.",
        {
            "cosine": "A cosine is planned for one T: stopped early it is still at a high rate (lr/2 at T/2), "
            "and continuing it means restarting the curve.",
            "warmup+cosine": "A cosine is planned for one T: stopped early it is still at a high rate, and it "
            "cannot be extended without changing the curve already run.",
            "linear": "Linear decay is planned for one T too: its rate at any step depends on T.",
            "one-cycle": "One-cycle is planned for one T: its peak and its annealing are placed by T.",
            "constant": "Close: a constant rate can be stopped anywhere, but it ends at a high rate. Which "
            "schedule keeps that and still ends with a decay?",
            "reduce-on-plateau": "Possible, but its cuts depend on noisy validation checks and it never gives a "
            "clean final anneal; a branch you can decay at any step is simpler.",
        },
    ),
    "known_budget": (
        "You train a CNN with SGD and momentum for exactly 90 epochs, a budget fixed in advance.",
        ("cosine", "warmup+cosine", "linear", "step"),
        "With a known T, a schedule planned for T (cosine or linear decay, possibly a short warm-up; the "
        "older step decay also works) anneals exactly at the end.",
        {
            "constant": "A constant rate never anneals: the run ends at its noise floor.",
            "WSD": "Fine, but it buys flexibility you do not need here; cosine or linear is the standard.",
            "SGDR": "Restarts put the rate back up; with one fixed budget a single decay is simpler and at "
            "least as good.",
            "reduce-on-plateau": "You know the budget: plan the decay instead of waiting for noisy plateaus.",
        },
    ),
    "adam_transformer": (
        "You train a Transformer with AdamW for a fixed number of steps.",
        ("warmup+cosine", "linear"),
        "Adam's first step takes the full rate in every coordinate, whatever the gradient, and its "
        "second-moment estimates are still poor: a warm-up keeps them from wrecking the start, "
        "then decay (cosine or linear, with warm-up) to the end of the budget.",
        {
            "cosine": "Close: but without a warm-up Adam's early updates at the full rate can destabilise a "
            "Transformer. Add a warm-up.",
            "constant": "No warm-up and no decay: the two things Transformers with Adam need.",
            "one-cycle": "It has a warm-up, but the standard recipe is warm-up then cosine or linear decay.",
            "WSD": "Possible if the budget may change, but for a fixed budget warm-up + cosine or linear is "
            "the standard.",
        },
    ),
    "small_fast": (
        "A few epochs on a small dataset (like notebook 09's digits, 88 updates): you want a good model fast, "
        "and you can afford a short grid over the peak rate.",
        ("cosine", "warmup+cosine", "linear", "WSD"),
        "With a known, short budget, a planned decay at a tuned peak is the simple standard. In notebook 09's "
        "fair comparison all seven tuned schedules ended within seed noise of each other: on a budget this "
        "small, tuning the peak rate matters far more than the shape.",
        {
            "one-cycle": "The course's data do not support it: in notebook 09's fair comparison one-cycle did not "
            "beat a plain cosine (it ranked last, within seed noise), and in notebook 07 a constant "
            "rate at a good peak did as well. Its strength there was tolerating a too-large peak, "
            "not a better model. Tune the peak of a plain decay instead.",
            "constant": "In notebook 09 a tuned constant did as well over 88 updates, because the run was still "
            "improving when it ended. But a constant rate never anneals: once a run reaches its noise "
            "floor, that costs you (notebook 09, section 4). Add a decay.",
            "reduce-on-plateau": "With a few epochs there are too few validation checks for it to react.",
        },
    ),
    "no_budget": (
        "You have no step budget: you train until the validation loss stops improving.",
        ("reduce-on-plateau",),
        "Without a T to plan for, let the validation loss decide: cut the rate when it stalls.",
        {
            "cosine": "A cosine needs T, which you do not have.",
            "linear": "Linear decay needs T, which you do not have.",
            "one-cycle": "One-cycle needs T, which you do not have.",
        },
    ),
}


def _schedule_choice_of(answer: str) -> str | None:
    """Which of SCHEDULE_CHOICES a text names (option, letter or a usual alias), else None."""
    t = "".join(ch for ch in answer.lower() if ch.isalnum())
    letters = LETTERS[: len(SCHEDULE_CHOICES)]
    if len(t) == 1 and t in letters:
        return SCHEDULE_CHOICES[letters.index(t)]
    for choice, aliases in _CHOICE_ALIASES.items():
        if t in aliases:
            return choice
    return None


@exercise_check
def check_schedule_choice(answer: Any, scenario: str = "unknown_budget", hint: str = "") -> CheckResult:
    """Which schedule fits a scenario of :data:`SCHEDULE_SCENARIOS`: one of :data:`SCHEDULE_CHOICES`.

    Accepts the option's name (case, spaces, "-", "+" and "_" ignored), its letter, or a
    usual alias ("warmup_stable_decay", "1cycle", "cosine_restarts", "ReduceLROnPlateau").
    """
    with check_setup():
        if scenario not in SCHEDULE_SCENARIOS:
            raise ValueError(f"scenario must be one of {sorted(SCHEDULE_SCENARIOS)}, got scenario={scenario!r}")
    situation, right, why, wrong_why = SCHEDULE_SCENARIOS[scenario]
    hint = (
        hint
        or "Ask two questions: do you know the total number of steps T in advance, and what does the "
        "optimizer need at the start?"
    )
    listing = option_listing(SCHEDULE_CHOICES, ", ")
    chosen = _schedule_choice_of(as_text(answer, listing, "a schedule's name", 'e.g. answer = "cosine"'))
    if chosen is None:
        raise not_an_option(answer, listing)
    if chosen not in right:
        raise Wrong(wrong_why.get(chosen, f"{chosen!r} does not fit this situation: {situation}"), hint)
    others = [r for r in right if r != chosen]
    return passed(why + (f" (Also fine: {', '.join(others)}.)" if others else ""))


#: The grid of peak rates of :func:`check_tuned_peak` (log-spaced, a factor ~3 apart).
PEAK_GRID = (0.01, 0.03, 0.1, 0.3, 1.0)


@exercise_check
def check_tuned_peak(
    answer: Any,
    hint: str = "For each peak in exercises.PEAK_GRID run training.run_gd(nls, "
    "schedules.cosine_decay(peak, 1000), 1000, batch_size=1, seed=s) for 5 seeds, "
    "average studies.late_excess_loss(h, nls, window=100), and keep the peak with "
    "the lowest mean (a diverged run counts as inf).",
) -> CheckResult:
    """The best peak of a cosine decay on ``noisy_least_squares`` (notebook 04): 1000 steps, batch 1.

    Measured (5 seeds, mean excess loss over the last 100 steps, units of loss): 0.01 -> 0.064,
    0.03 -> 0.0034, 0.1 -> 0.0040, 0.3 -> 0.0079, 1.0 -> diverged. 0.03 and 0.1 are within
    seed noise of each other (spread about ±0.001), so any peak from 0.03 to 0.1 is accepted
    (a finer grid may land between them).
    """
    mistakes = [
        (
            0.0,
            0.02,
            "That peak is too small: after 1000 steps the run is still far from the minimum "
            "(progress-limited: about 20 times the best loss at 0.01). The schedule decays a rate "
            "that never got the run close.",
        ),
        (
            0.2,
            0.6,
            "That peak is too large for this budget: the cosine spends too long at a rate whose noise "
            "floor is high, and ends about twice above the best (noise-limited).",
        ),
        (
            0.6,
            1e300,
            "At that peak the runs diverge (the loss is inf): above the stability limit of a single "
            "example's curvature. A grid must include a rate that fails, and you must not pick it.",
        ),
        (-1e300, 0.0, "A learning rate is positive: pick one of exercises.PEAK_GRID."),
    ]
    return interval_verdict(
        answer,
        0.025,
        0.12,
        what="your peak",
        mistakes=mistakes,
        hint=hint,
        detail="0.03 and 0.1 end within seed noise of each other (about 0.0035 and 0.004), and a factor 3 "
        "either side costs 2 to 20 times more loss, or a divergence. The valley is wide at the bottom "
        "and steep at the edges: tune the peak on a log grid first, then the shape.",
    )


@exercise_check
def check_cosine_rate(
    answer: Any,
    lr: float = 0.1,
    t: int = 44,
    total_steps: int = 88,
    hint: str = "A cosine decay goes from lr at t = 0 to 0 at t = total_steps along half a cosine wave: "
    "how far along is t?",
) -> CheckResult:
    """The rate of a cosine decay from lr to 0 over total_steps, at update t (notebook 09: where a cut run stands)."""
    with check_setup():
        lr = check_positive("lr", lr)
        total_steps = check_int("total_steps", total_steps, minimum=1)
        t = check_int("t", t, minimum=0)
    expected = lr * (1 + math.cos(math.pi * min(t, total_steps) / total_steps)) / 2
    mistakes = [
        (lr, "That is the peak, the rate at t = 0: by update t the cosine has come down."),
        (0.0, "That is where the cosine ends, at t = total_steps; the run is cut before that."),
        (
            lr * math.cos(math.pi * t / total_steps),
            "That is lr * cos(...) alone: a cosine decay is shifted and halved so that it runs from lr down to 0.",
        ),
    ]
    mistakes = [(v, m) for v, m in mistakes if not math.isclose(v, expected, rel_tol=1e-3)]
    return number_verdict(answer, expected, rtol=1e-3, what="your rate", mistakes=mistakes, hint=hint)
