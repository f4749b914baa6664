"""Checks for the notebook exercises: "Correct!" or a hint, never a traceback.

In a notebook::

    from course_lib import exercises
    exercises.check_exponential_value(0.1 * 0.95 ** 10)      # prints "Correct! ..."
    exercises.check_linear_decay(my_linear_decay)             # a function of the step t

Feedback is graded, per exercise and per kernel: a first wrong answer gets the diagnosis of
its mistake and a hint, never the answer; the second wrong try adds the worked answer (the
value and the reference code from ``solutions.py``), and so does ``show_answer=True`` at
any time::

    exercises.check_total_steps(answer, n_examples=1000, batch_size=10, epochs=5, show_answer=True)

A notebook never writes an answer in its cells: each question has its own check, which knows
the answer (``tests/test_editions.py`` scans the notebooks).

Every check prints its verdict and returns a :class:`CheckResult`, which is truthy when the
answer is right (``assert exercises.check_...(...)`` works in tests). A wrong answer, an answer
of the wrong type, nan, ``None``, the ``...`` placeholder, or a learner function that raises,
all give a failed result with an explanation and a hint; nothing is raised. Only mistakes of
the *notebook author* (a bad parameter of the check itself, e.g. ``gamma=2``) raise a
``ValueError``/``TypeError`` naming the argument. Pass ``quiet=True`` to any check to return
the result without printing.

The room, by concept:

* ``grading``: graded feedback, per exercise and per kernel (:func:`reset_tries`, :func:`worked_answer`).
* ``framework``: :class:`CheckResult`, :func:`exercise_check` and the :data:`CHECKS` registry
  (name -> check) and the verdicts (:func:`number_verdict`, :func:`sequence_verdict`,
  :func:`schedule_verdict`); it re-exports ``answers``: :class:`Wrong` and the answer readers
  (:func:`as_number`, ...). Their texts are ``course_lib.i18n`` templates (Chinese in a Chinese kernel).
* ``generic``: :func:`check_value` (a number or an array), :func:`check_schedule_function`
  (a learner function of t against a reference schedule), :func:`check_choice` (one option):
  they take the answer as an argument, so they are for questions outside the notebooks.
* ``stability``: the stability limit 2/L, the regime of fixed-rate GD.
* ``schedules``: half-life, a decayed value, linear decay, warm-up, SGDR cycle ends, the
  one-cycle peak, the order of optimizer and scheduler steps, a run's total steps; and three
  experiments: the shortest warm-up that removes a spike, the smallest SGDR peak that escapes,
  the rates of a training loop with its schedule bug fixed.
* ``adaptive``: reduce-on-plateau's rates, Adam's first step; experiments: Adam's noise floor vs B, the
  update from which RAdam's step is half of Adam's (its built-in warm-up).
* ``pitfalls``: the rate of the first update with the two step() calls swapped, Keras' boundary convention.
* ``choosing``: where a cut cosine stands, which schedule fits a scenario; experiment: tune a cosine's peak on a grid.
* ``large_batch``: the linear scaling rule, and the rate for DDP; experiments: SGD's noise floor vs B,
  the critical batch size at a target.
* ``averaging``: experiment: how far the tail average of a constant-rate run lies below its last iterate.
* ``weight_decay``: experiment: the AdamW weight decay that turns normalised weights as fast as SGD's.
* ``width_transfer``: experiment: the µP-style MLP's best rate at a width the lesson did not run.

An *experiment* check judges a number the learner measured: it passes the spread the
experiment's seeds allow, and explains each typical wrong result (what it means, what to try).
* ``solutions``: one reference solution per check, written the way a learner would
  (``from course_lib.exercises import solutions``); the tests run each through its check.

Adding a check (the whole pattern), in the module of its concept::

    import math
    from course_lib.validation import check_int
    from course_lib.exercises.framework import exercise_check, check_setup, number_verdict

    @exercise_check
    def check_noam_peak(answer, d_model=512, warmup_steps=4000):
        '''The peak of the Transformer schedule: (d_model * warmup_steps) ** -0.5.'''
        with check_setup():                       # bad *author* arguments raise here
            d_model = check_int("d_model", d_model, minimum=1)
        expected = (d_model * warmup_steps) ** -0.5
        return number_verdict(answer, expected, rtol=1e-3,
                              mistakes=[(1 / math.sqrt(d_model), "that is d_model ** -0.5 alone ...")],
                              hint="Evaluate the formula at step = warmup_steps.")

* ``@exercise_check`` registers the function in :data:`CHECKS` under its name without the
  ``check_`` prefix, adds the ``quiet`` keyword, prints the verdict and turns any problem with
  the answer into a failed result.
* Inside, convert the learner's answer with :func:`as_number`, :func:`as_int`,
  :func:`as_numbers`, :func:`as_function` and call learner code through :func:`call_learner`:
  they raise :class:`Wrong` with a friendly message. ``raise Wrong(message, hint)`` yourself
  for any other wrong answer, and ``return passed(detail)`` for a right one (or reuse the
  verdicts, which do both).
* Re-export it below, add its solution to ``solutions.py`` (and to ``solutions.SOLUTION_OF``:
  the worked answer and the instructor edition come from there) and a row (solution, wrong
  answers) to the table in ``tests/exercises/cases.py``; a test fails until every registered
  check has one.

>>> from course_lib import exercises
>>> from course_lib.exercises import solutions
>>> exercises.check_half_life(solutions.half_life(0.95), gamma=0.95).passed
Correct! The rate halves every 13.5134 steps (first at or below half at step 14), wherever you start.
True
"""

from __future__ import annotations

from course_lib.exercises.adaptive import (
    ADAM_SCHEDULE_OPTIONS,
    PLATEAU_METRICS,
    check_adam_first_step,
    check_adam_floor_batch,
    check_adam_schedule,
    check_plateau_lrs,
    check_radam_warmup_length,
)
from course_lib.exercises.averaging import check_tail_average_gain
from course_lib.exercises.choosing import (
    PEAK_GRID,
    SCHEDULE_CHOICES,
    SCHEDULE_SCENARIOS,
    check_cosine_rate,
    check_schedule_choice,
    check_tuned_peak,
)
from course_lib.exercises.framework import (
    CHECKS,
    CheckResult,
    CheckSetupError,
    Wrong,
    as_function,
    as_int,
    as_number,
    as_numbers,
    call_learner,
    check_setup,
    exercise_check,
    number_verdict,
    passed,
    schedule_verdict,
    sequence_verdict,
)
from course_lib.exercises.generic import check_choice, check_schedule_function, check_value
from course_lib.exercises.grading import reset_tries, worked_answer
from course_lib.exercises.large_batch import (
    check_critical_batch,
    check_ddp_lr,
    check_noise_floor_batch,
    check_scaled_lr,
)
from course_lib.exercises.pitfalls import check_keras_boundary, check_wrong_order_first_rate
from course_lib.exercises.schedules import (
    SCHEDULER_ORDER_OPTIONS,
    SGDR_PEAK_GRID,
    WARMUP_GRID,
    check_exponential_value,
    check_half_life,
    check_linear_decay,
    check_loop_rates,
    check_one_cycle_peak_step,
    check_scheduler_order,
    check_sgdr_cycle_ends,
    check_sgdr_escape_peak,
    check_shortest_warmup,
    check_total_steps,
    check_warmup,
)
from course_lib.exercises.stability import (
    GD_REGIME_OPTIONS,
    LR_INIT_OPTIONS,
    check_gd_regime,
    check_lr_init,
    check_stability_limit,
)
from course_lib.exercises.weight_decay import check_adamw_matching_decay
from course_lib.exercises.width_transfer import check_mup_wide_rate

__all__ = [
    "CheckResult",
    "Wrong",
    "CheckSetupError",
    "CHECKS",
    "worked_answer",
    "reset_tries",
    "exercise_check",
    "check_setup",
    "passed",
    "as_number",
    "as_int",
    "as_numbers",
    "as_function",
    "call_learner",
    "number_verdict",
    "sequence_verdict",
    "schedule_verdict",
    "check_value",
    "check_schedule_function",
    "check_choice",
    "check_stability_limit",
    "check_gd_regime",
    "GD_REGIME_OPTIONS",
    "check_lr_init",
    "LR_INIT_OPTIONS",
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
    "check_cosine_rate",
    "check_wrong_order_first_rate",
    "check_keras_boundary",
    "check_plateau_lrs",
    "PLATEAU_METRICS",
    "check_adam_first_step",
    "check_adam_schedule",
    "ADAM_SCHEDULE_OPTIONS",
    "check_adam_floor_batch",
    "check_radam_warmup_length",
    "check_schedule_choice",
    "check_tail_average_gain",
    "check_mup_wide_rate",
    "SCHEDULE_CHOICES",
    "SCHEDULE_SCENARIOS",
    "check_tuned_peak",
    "PEAK_GRID",
    "check_scaled_lr",
    "check_ddp_lr",
    "check_noise_floor_batch",
    "check_critical_batch",
    "check_adamw_matching_decay",
]
