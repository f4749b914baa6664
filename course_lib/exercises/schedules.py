"""Checks on schedules and their clock: half-life, decayed values, linear decay, warm-up, SGDR
cycle ends, the one-cycle peak, the order of optimizer and scheduler steps, a run's total steps.

>>> from course_lib import exercises
>>> exercises.check_exponential_value(0.1 * 0.95 ** 10, quiet=True).passed
True
>>> print(exercises.check_total_steps(1797, quiet=True).message)
That is the size of the training set (article 001's mistake); a schedule's T counts optimizer steps.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from course_lib import schedules
from course_lib.exercises.framework import (
    CheckResult,
    Wrong,
    as_int,
    as_number,
    as_numbers,
    check_setup,
    exercise_check,
    format_number,
    normalise_text,
    not_answered,
    number_verdict,
    passed,
    schedule_verdict,
    sequence_verdict,
    short_repr,
)
from course_lib.validation import check_int, check_positive, check_range

__all__ = [
    "check_half_life",
    "check_exponential_value",
    "check_linear_decay",
    "check_warmup",
    "check_sgdr_cycle_ends",
    "check_one_cycle_peak_step",
    "check_scheduler_order",
    "SCHEDULER_ORDER_OPTIONS",
    "check_total_steps",
    "check_shortest_warmup",
    "WARMUP_GRID",
    "check_sgdr_escape_peak",
    "SGDR_PEAK_GRID",
    "check_loop_rates",
]


@exercise_check
def check_half_life(
    answer: Any,
    gamma: float = 0.95,
    decay_steps: float = 1,
    hint: str = "Solve gamma ** (t / decay_steps) = 1/2 for t: take logarithms.",
) -> CheckResult:
    """Steps for exponential decay lr * gamma ** (t / decay_steps) to halve: decay_steps * ln 2 / ln(1/gamma).

    Accepts the exact value (0.1% tolerance) and the first whole step at which
    the rate is at most half (its ceiling).
    """
    with check_setup():
        gamma = check_range("gamma", gamma, 0.0, 1.0, low_open=True, high_open=True)
        decay_steps = check_positive("decay_steps", decay_steps)
    exact = decay_steps * math.log(2) / math.log(1 / gamma)
    value = as_number(answer)
    detail = (
        f"The rate halves every {format_number(exact)} steps (first at or below half at step "
        f"{math.ceil(exact - 1e-9)}), wherever you start."
    )
    if math.isclose(value, math.ceil(exact - 1e-9)) and not math.isclose(value, exact, rel_tol=1e-3):
        return passed(detail)
    return number_verdict(
        value,
        exact,
        rtol=1e-3,
        mistakes=[
            (
                decay_steps * math.log(2) / (1 - gamma),
                "Close: that is the approximation ln 2 / (1 - gamma), good only when gamma is near 1. "
                "Give the exact value.",
            ),
            (
                decay_steps * 0.5 / (1 - gamma),
                "Halving is not the same as losing 0.5 per step: the decay is multiplicative.",
            ),
        ],
        detail=detail,
        hint=hint,
    )


@exercise_check
def check_exponential_value(
    answer: Any,
    lr: float = 0.1,
    gamma: float = 0.95,
    t: int = 10,
    hint: str = "Evaluate lr * gamma ** t directly, e.g. in a code cell.",
) -> CheckResult:
    """The rate of exponential decay after t steps: lr * gamma ** t (0.1 * 0.95 ** 10 ≈ 0.0599). Tolerance 0.5%."""
    with check_setup():
        lr = check_positive("lr", lr)
        gamma = check_range("gamma", gamma, 0.0, 1.0, low_open=True)
        t = check_int("t", t, minimum=0)
    expected = lr * gamma**t
    mistakes = [
        (lr * gamma ** (t - 1), f"That is lr * gamma ** {t - 1}: one step too few (t = {t} updates have been done)."),
        (lr * gamma ** (t + 1), f"That is lr * gamma ** {t + 1}: one step too many."),
        (lr * gamma * t, "That multiplies by gamma * t; the decay raises gamma to the power t."),
        (lr * (1 - gamma) ** t, "That uses (1 - gamma) ** t; the rate keeps the fraction gamma each step."),
    ]
    if (lr, gamma, t) == (0.1, 0.95, 10):
        mistakes.insert(
            0,
            (
                0.003,
                "0.003 is what article 003 claims, but it is wrong: compute lr * gamma ** t "
                "yourself. (Keeping 95% per step for 10 steps cannot lose 97% of the rate.)",
            ),
        )
    return number_verdict(
        answer,
        expected,
        rtol=5e-3,
        mistakes=mistakes,
        detail=f"{lr} * {gamma} ** {t} = {format_number(expected)}.",
        hint=hint,
    )


@exercise_check
def check_linear_decay(
    fn: Any,
    lr: float = 0.1,
    total_steps: int = 100,
    end_lr: float = 0.01,
    hint: str = "Interpolate from lr to end_lr over total_steps, using min(t, total_steps) "
    "so the rate stays at end_lr afterwards.",
) -> CheckResult:
    """fn(t) = lr + (end_lr - lr) * min(t, T) / T: a straight line to end_lr, then flat (checked to t = 1.5 T)."""
    with check_setup():
        reference = schedules.linear_decay(lr, total_steps, end_lr)
    T, lr, end_lr = reference.total_steps, reference.lr, reference.end_lr
    steps = range(int(1.5 * T) + 1)
    no_clamp = lambda t: lr + (end_lr - lr) * t / T  # noqa: E731
    return schedule_verdict(
        fn,
        reference,
        list(steps),
        mistakes=[
            (
                no_clamp,
                f"Right until t = {T}, but the rate keeps falling after total_steps: "
                f"it must stay at end_lr = {end_lr} (article 000's lr0 * (1 - a t) even goes negative).",
            ),
            (lambda t: lr * (1 - min(t, T) / T), "Your rate decays to 0, not to end_lr."),
            (lambda t: lr * (1 - t / T), "Your rate decays past 0: it goes negative after total_steps."),
        ],
        detail=f"A straight line from {lr} to {end_lr} over {T} steps, then flat.",
        hint=hint,
    )


@exercise_check
def check_warmup(
    fn: Any,
    lr: float = 0.1,
    warmup_steps: int = 10,
    total_steps: int = 100,
    start_lr: float = 0.0,
    hint: str = "Ramp linearly from start_lr to lr during the first warmup_steps steps, then "
    "run a cosine decay over the remaining total_steps - warmup_steps steps, with its "
    "own clock t - warmup_steps.",
) -> CheckResult:
    """Linear warm-up into cosine decay: from start_lr up to lr over warmup_steps, then a cosine to 0.

    The reference is schedules.warmup(schedules.cosine_decay(lr, total_steps - warmup_steps),
    warmup_steps, start_lr).

    total_steps counts the whole run, warm-up included (Hugging Face's
    get_cosine_schedule_with_warmup). Checked for t = 0 .. total_steps + 10.
    """
    with check_setup():
        warmup_steps = check_int("warmup_steps", warmup_steps, minimum=1)
        total_steps = check_int("total_steps", total_steps, minimum=2)
        if warmup_steps >= total_steps:
            raise ValueError(f"warmup_steps must be < total_steps ({total_steps}), got warmup_steps={warmup_steps}")
        decay = schedules.cosine_decay(lr, total_steps - warmup_steps)
        reference = schedules.warmup(decay, warmup_steps, start_lr)
    W, T = warmup_steps, total_steps
    steps = list(range(T + 11))
    flat_then_jump = schedules.join([schedules.constant(start_lr if start_lr > 0 else lr / W), decay], [W])
    mistakes = [
        (
            flat_then_jump,
            "Your warm-up holds a flat rate and then jumps (article 002's version): ramp it linearly instead.",
        ),
        (
            schedules.warmup(schedules.cosine_decay(lr, T), W, start_lr),
            "The cosine lasts total_steps; it should last total_steps - warmup_steps, so the run ends at 0.",
        ),
        (
            lambda t: reference(t) if t < W else decay(t),
            "After the warm-up your cosine uses t instead of t - warmup_steps: it starts part-way down.",
        ),
        (
            lambda t: reference(t + 1) if t < W else reference(t),
            "Your ramp is one step ahead (it reaches lr at t = warmup_steps - 1): at t = 0 the rate "
            "should be start_lr.",
        ),
    ]

    def flat_warmup(values: np.ndarray, ref: np.ndarray) -> str | None:
        if W > 1 and np.allclose(values[:W], values[0]) and not np.isclose(values[W - 1], ref[W - 1]):
            return (
                "Your rate is flat during the warm-up (article 002's version, which then jumps): "
                "it should rise linearly from start_lr to lr."
            )
        return None

    return schedule_verdict(
        fn,
        reference,
        steps,
        mistakes=mistakes,
        diagnose=flat_warmup,
        detail=f"Warm-up over {W} steps, then cosine to 0 at step {T}.",
        hint=hint,
    )


@exercise_check
def check_sgdr_cycle_ends(
    answer: Any,
    cycle_steps: int = 10,
    cycle_mult: float = 2,
    n: int = 4,
    hint: str = "Cycle i lasts cycle_steps * cycle_mult ** i steps; add the lengths "
    "up and remember that steps are counted from 0.",
) -> CheckResult:
    """The last step of each of the first n SGDR cycles (cycle i lasts cycle_steps * cycle_mult ** i steps)."""
    with check_setup():
        schedule = schedules.cosine_restarts(1.0, cycle_steps, cycle_mult)
        n = check_int("n", n, minimum=1)
    lengths = [schedule.cycle_steps * schedule.cycle_mult**i for i in range(n)]
    total = sum(lengths)
    expected = schedule.cycle_ends(int(math.ceil(total)))[:n]
    restarts = np.cumsum(lengths)
    return sequence_verdict(
        answer,
        expected,
        mistakes=[
            (
                restarts,
                "Those are the steps at which the *next* cycle starts (the restarts); the "
                "question asks for the last step of each cycle, one earlier.",
            ),
            (
                np.arange(1, n + 1) * cycle_steps - 1,
                "Your cycles all have the same length; they grow by cycle_mult each time.",
            ),
            (
                np.array(lengths) - 1,
                "Those are the cycle lengths minus one; the ends are cumulative: add the lengths up.",
            ),
        ],
        what="your list",
        detail=f"The cycles end at steps {list(map(int, expected))}; the rate restarts at the next step.",
        hint=hint,
    )


@exercise_check
def check_one_cycle_peak_step(
    answer: Any,
    total_steps: int = 1000,
    pct_start: float = 0.3,
    hint: str = "In torch's OneCycleLR the first phase ends at step pct_start * total_steps - 1 (steps count from 0).",
) -> CheckResult:
    """The step at which the 1cycle rate peaks (torch OneCycleLR).

    float(pct_start * total_steps) - 1, at whole steps.
    """
    with check_setup():
        schedule = schedules.one_cycle(1.0, total_steps, pct_start)
    values = schedule(np.arange(schedule.total_steps))
    expected = int(np.argmax(values))
    value = as_number(answer)
    return number_verdict(
        value,
        expected,
        atol=1e-9,
        mistakes=[
            (
                expected + 1,
                "Off by one: where does the warm-up phase end when step 0 is the first update?",
            ),
            (pct_start, "That is the fraction pct_start; the question asks for a step number."),
        ],
        detail=f"The rate peaks at step {expected} of 0..{total_steps - 1}.",
        hint=hint,
    )


#: The two orders offered by :func:`check_scheduler_order` (the first is right).
SCHEDULER_ORDER_OPTIONS = ("optimizer.step() then scheduler.step()", "scheduler.step() then optimizer.step()")


@exercise_check
def check_scheduler_order(
    answer: Any,
    hint: str = "Since PyTorch 1.1 the scheduler steps after the optimizer: the first "
    "update must use the initial rate, schedule(0).",
) -> CheckResult:
    """Which call comes first in a torch training step: "optimizer.step then scheduler.step".

    Accepts any text naming both in order ("optimizer.step() -> scheduler.step()",
    "opt.step, sched.step"), or the letter of :data:`SCHEDULER_ORDER_OPTIONS`.
    """
    not_answered(answer, "your answer")
    if not isinstance(answer, str):
        raise Wrong(
            f"your answer is {short_repr(answer)}; write the order as text naming "
            f"optimizer.step() and scheduler.step(), e.g. 'X.step() then Y.step()'."
        )
    text = normalise_text(answer)
    if text.strip(" )") in ("a", "b"):
        text = normalise_text(SCHEDULER_ORDER_OPTIONS["ab".index(text.strip(" )"))])
    opt = min((i for i in (text.find("optim"), text.find("opt.")) if i >= 0), default=-1)
    sched = min((i for i in (text.find("sched"), text.find("lr_scheduler")) if i >= 0), default=-1)
    if opt < 0 or sched < 0:
        raise Wrong(
            f"{short_repr(answer)} does not name both optimizer.step and scheduler.step.",
            "Answer with one of: " + " / ".join(f"'{o}'" for o in SCHEDULER_ORDER_OPTIONS),
        )
    if sched < opt:
        raise Wrong(
            "With the scheduler first, the first update already uses schedule(1): the initial "
            "rate is skipped (and PyTorch warns about it).",
            hint,
        )
    return passed("Update with the current rate, then move the schedule on: the update at step t uses schedule(t).")


@exercise_check
def check_total_steps(
    answer: Any,
    n_examples: int = 1797,
    batch_size: int = 64,
    epochs: int = 10,
    drop_last: bool = False,
    hint: str = "Count optimizer updates: steps per epoch = ceil(n_examples / batch_size) "
    "(floor with drop_last), times the epochs.",
) -> CheckResult:
    """Total optimizer steps of a run, the T of a schedule: epochs * ceil(n / batch) (floor if drop_last).

    Article 001 calls T "the size of the training set": it counts steps.
    """
    with check_setup():
        n_examples = check_int("n_examples", n_examples, minimum=1)
        batch_size = check_int("batch_size", batch_size, minimum=1)
        epochs = check_int("epochs", epochs, minimum=1)
    per_epoch = n_examples // batch_size if drop_last else -(-n_examples // batch_size)
    other = -(-n_examples // batch_size) if drop_last else n_examples // batch_size
    mistakes = [
        (
            n_examples,
            "That is the size of the training set (article 001's mistake); a schedule's T counts optimizer steps.",
        ),
        (n_examples * epochs, "That counts examples seen, not optimizer steps: each step uses a whole mini-batch."),
        (per_epoch, "That is one epoch's steps; multiply by the number of epochs."),
    ]
    if other != per_epoch:
        mistakes.append(
            (other * epochs, f"Close: check how the last, incomplete batch is counted (drop_last={drop_last}).")
        )
    return number_verdict(
        as_int(answer),
        per_epoch * epochs,
        atol=1e-9,
        mistakes=mistakes,
        detail=f"{per_epoch} steps per epoch * {epochs} epochs = {per_epoch * epochs} steps.",
        hint=hint,
    )


# ---------------------------------------------------------------------------
# Experiments: the learner runs something and reports what it measured
# ---------------------------------------------------------------------------

#: Warm-up lengths (updates) of :func:`check_shortest_warmup`.
WARMUP_GRID = (0, 2, 5, 10, 20, 50)
#: Worst early loss / first loss, per seed 0, 1, 2, measured for each warm-up length (notebook 05's setting).
_WARMUP_SPIKES = {
    0: (598, 566, 422),
    2: (121, 101, 89),
    5: (28, 3.3, 1.6),
    10: (1.9, 2.7, 2.0),
    20: (1.07, 1.0, 1.0),
    50: (1.14, 1.0, 1.0),
}


@exercise_check
def check_shortest_warmup(
    answer: Any,
    hint: str = "For each W in exercises.WARMUP_GRID and seeds 0, 1, 2, train 3 epochs with "
    "schedules.warmup(schedules.cosine_decay(PEAK, TOTAL - W), W) (no warm-up "
    "for W = 0) and compute h.loss[:50].max() / h.loss[0]. Keep the smallest W "
    "where it is below 1.5 on every seed.",
) -> CheckResult:
    """The shortest linear warm-up (in updates) that removes notebook 05's early loss spike.

    Setting: the teacher-student MLP, Adam at peak 0.15, cosine decay, batch 64, 3 epochs,
    seeds 0-2; "removed" means the loss of the first 50 updates never exceeds 1.5 times the
    first loss, on every seed. Measured worst/first loss per seed: W = 0: ~500x; 2: ~100x;
    5: 28, 3.3, 1.6; 10: 1.9, 2.7, 2.0; 20: 1.07, 1.0, 1.0; 50: 1.14, 1.0, 1.0. The
    answer on the grid is 20 updates (less than one epoch of 24).
    """
    W = as_number(answer, "your warm-up length")
    spikes = ", ".join(f"{v:g}" for v in _WARMUP_SPIKES.get(int(W), ())) if W == int(W) else ""
    measured = f" (worst/first loss per seed measured at W = {int(W)}: {spikes})" if spikes else ""
    if W == 20:
        return passed(
            "20 updates, under one epoch, remove the spike on seeds 0-2; 10 still let one seed "
            "triple its loss. The spike is Adam's first full-size steps: a warm-up only has to "
            "last until the moment estimates are reliable, not for epochs. On other seed triples "
            "the answer varies (20 on about half of them: claim warmup.shortest_warmup_on_grid)."
        )
    if W < 0:
        raise Wrong("A warm-up length is a number of updates: 0 or more.", hint)
    if W == 0:
        raise Wrong(f"Without warm-up the loss jumps by hundreds of times{measured}: that is the spike.", hint)
    if W <= 10:
        raise Wrong(
            f"At W = {W:g} the loss still rises above 1.5 times its start on at least one seed{measured}. "
            "Check every seed, not the mean: one bad seed is a spike you would see in a real run.",
            hint,
        )
    if W < 20:
        raise Wrong(
            f"{W:g} is not on the grid {list(WARMUP_GRID)}. Between 10 and 20 the result is irregular "
            "(at 12, seed 1 still rises almost 6 times): report the shortest grid value that works on "
            "every seed.",
            hint,
        )
    raise Wrong(
        f"W = {W:g} removes the spike{measured}, but a shorter warm-up does too. The question asks for "
        "the shortest one: every warm-up update is an update at less than the peak rate.",
        hint,
    )


#: SGDR peaks of :func:`check_sgdr_escape_peak`.
SGDR_PEAK_GRID = (0.1, 0.2, 0.3, 0.4, 0.5)
#: Runs (of 20) from w0 that end in the deepest basin, per SGDR peak (cycles of 200, 1000 steps, batch 1).
_SGDR_DEEPEST = {0.1: 0, 0.2: 6, 0.3: 19, 0.4: 20, 0.5: 20}


@exercise_check
def check_sgdr_escape_peak(
    answer: Any,
    hint: str = "For each peak in exercises.SGDR_PEAK_GRID, run training.run_many("
    "training.run_gd, range(20), basin, schedules.cosine_restarts(peak, 200), "
    "1000, batch_size=1) and count basin.is_deepest of the final points; keep "
    "the smallest peak with at least 15 of 20.",
) -> CheckResult:
    """The smallest SGDR peak (cycles of 200) that reaches multi_basin's deepest basin in >= 15 of 20 runs.

    Measured from w0 (1000 steps, batch 1, seeds 0-19): 0.1 -> 0/20, 0.2 -> 6, 0.3 -> 19,
    0.4 -> 20, 0.5 -> 20. The answer on the grid is 0.3.
    """
    peak = as_number(answer, "your peak")
    count = next((n for p, n in _SGDR_DEEPEST.items() if math.isclose(p, peak)), None)
    measured = f" ({count} of 20 runs reached the deepest basin there)" if count is not None else ""
    if math.isclose(peak, 0.3):
        return passed(
            "0.3 escapes in about 19 of 20 runs, 0.2 in only about 6: escaping needs steps large "
            "enough to jump the barrier, for long enough. Restarting at a small peak re-kicks the "
            "run with steps too small to leave the well: a restart is only as good as its peak."
        )
    if peak <= 0:
        raise Wrong("A peak learning rate is positive: pick one of exercises.SGDR_PEAK_GRID.", hint)
    if peak < 0.3:
        raise Wrong(
            f"At {peak:g} too few runs escape{measured}: the restarts happen, but their steps are too "
            "small to leave the shallow well. Count the runs in the deepest basin, not the loss of one.",
            hint,
        )
    if count is None and peak < 0.4:
        raise Wrong(
            f"{peak:g} is not on the grid {list(SGDR_PEAK_GRID)}: report the smallest grid value that passes.", hint
        )
    raise Wrong(f"{peak:g} escapes{measured}, but a smaller peak does too: the question asks for the smallest.", hint)


def _cosine_rates(lr: float, total: int, steps: np.ndarray) -> np.ndarray:
    return lr * (1 + np.cos(np.pi * steps / total)) / 2


@exercise_check
def check_loop_rates(
    answer: Any,
    lr: float = 0.1,
    n_examples: int = 256,
    batch_size: int = 32,
    epochs: int = 4,
    hint: str = "Record opt.param_groups[0]['lr'] before each opt.step(), and compare the rates with the "
    "cosine that was meant: where do they first differ, and which line of the loop decides that?",
) -> CheckResult:
    """The rates a fixed training loop used: a cosine from lr to 0 over all the run's updates (notebook 09).

    Expected: lr * (1 + cos(pi * t / T)) / 2 for t = 0 .. T-1, T = epochs * ceil(n_examples / batch_size)
    (torch's CosineAnnealingLR with T_max = T, stepped once per update after optimizer.step()).
    The known bugs each get their own explanation: T_max = epochs (the rate rises again), a
    scheduler stepped once per epoch (a staircase), stepped before optimizer.step() (one step
    ahead), or a horizon longer than the run (ends far above 0).
    """
    with check_setup():
        lr = check_positive("lr", lr)
        n_examples = check_int("n_examples", n_examples, minimum=1)
        batch_size = check_int("batch_size", batch_size, minimum=1)
        epochs = check_int("epochs", epochs, minimum=1)
    per_epoch = -(-n_examples // batch_size)
    T = per_epoch * epochs
    rates = as_numbers(answer, "your list of rates")
    steps = np.arange(T)
    if rates.size != T:
        raise Wrong(
            f"your list has {rates.size} rates, but the run makes {T} updates ({epochs} epochs x "
            f"{per_epoch} batches): record the rate once per update.",
            hint,
        )
    expected = _cosine_rates(lr, T, steps)
    if np.allclose(rates, expected, rtol=1e-5, atol=1e-9):
        return passed(
            f"A cosine from {format_number(lr)} to 0 over all {T} updates: T_max counts updates, and the "
            "scheduler steps once per update, after the optimizer."
        )
    rises = np.flatnonzero(np.diff(rates) > 1e-12)
    if np.allclose(rates, _cosine_rates(lr, epochs, steps), rtol=1e-5, atol=1e-9) or rises.size:
        where = int(rises[0]) + 1 if rises.size else epochs
        raise Wrong(
            f"Your rate goes back up at update {where}: the cosine's horizon is shorter than the run. "
            f"T_max = epochs ({epochs}) counts epochs, but the scheduler steps once per update: the run "
            f"makes {T}.",
            hint,
        )
    if np.allclose(rates, _cosine_rates(lr, epochs, steps // per_epoch), rtol=1e-5, atol=1e-9):
        raise Wrong(
            "Your rate changes once per epoch (a staircase): the scheduler steps once per epoch. That is "
            "the old torch idiom; the exercise asks for a per-update cosine (T_max in updates, "
            "scheduler.step() after every optimizer.step()).",
            hint,
        )
    if np.allclose(rates, _cosine_rates(lr, T, steps + 1), rtol=1e-5, atol=1e-9):
        raise Wrong(
            f"Your rates are one step ahead: the first update used {format_number(rates[0])}, not "
            f"{format_number(lr)}. scheduler.step() runs before optimizer.step() (torch warns about it).",
            hint,
        )
    if rates[-1] > 0.1 * lr:
        raise Wrong(
            f"Your last update still used {format_number(rates[-1])}, {rates[-1] / lr:.0%} of the peak: the "
            f"horizon is longer than the run ({T} updates). T_max must be the run's number of updates, not "
            "of examples.",
            hint,
        )
    raise Wrong(
        f"Your rates are not a cosine from {format_number(lr)} to 0 over {T} updates (first: "
        f"{format_number(rates[0])}, last: {format_number(rates[-1])}).",
        hint,
    )
