"""GD on the 2-D problems, as the GD and comparison explorers run it: a named problem, a named
schedule fitted to (peak lr, n_steps), and a status line that explains the run.

Pure functions (no widgets): :func:`make_problem`, :func:`run_gd_experiment`, :func:`describe_run`.
"""

from __future__ import annotations

import dataclasses
import functools
from typing import Any

import numpy as np

from course_lib import problems as P
from course_lib import training as T
from course_lib.display import readable_number

# the schedule presets fitted to (peak lr, n_steps): course_lib.schedules.registry after the merge
from course_lib.schedules.registry import gd_schedule
from course_lib.training.history import History
from course_lib.validation import check_in

__all__ = ["PROBLEMS", "PROBLEM_DEFAULTS", "make_problem", "run_gd_experiment", "describe_run"]


#: The 2-D problems of the GD explorers.
PROBLEMS = ("quadratic", "rosenbrock", "multi_basin")

#: A starting (lr, n_steps, noisy) for each problem that gives a readable picture.
PROBLEM_DEFAULTS: dict[str, dict[str, Any]] = {
    "quadratic": {"lr": 1.5, "n_steps": 100, "noisy": False},
    "rosenbrock": {"lr": 1e-3, "n_steps": 2000, "noisy": False},
    "multi_basin": {"lr": 0.5, "n_steps": 1000, "noisy": True},
}


@functools.lru_cache(maxsize=32)
def make_problem(name: str, condition_number: float = 10.0) -> P.Problem:
    """The 2-D problem ``name`` ("quadratic", "rosenbrock", "multi_basin"); cached.

    Args:
        name: one of PROBLEMS.
        condition_number: kappa of the quadratic bowl (>= 1; ignored by the others).

    Raises:
        ValueError: unknown name or condition_number < 1.
    """
    check_in("name", name, PROBLEMS)
    if name == "quadratic":
        return P.quadratic_bowl(condition_number=float(condition_number))
    if name == "rosenbrock":
        return P.rosenbrock()
    return P.multi_basin()


def run_gd_experiment(
    problem_name: str,
    lr: float,
    schedule_name: str,
    n_steps: int,
    *,
    condition_number: float = 10.0,
    momentum: float = 0.0,
    noisy: bool = False,
    seed: int = 0,
    label: str | None = None,
) -> History:
    """Run gradient descent on a named problem with a named schedule of peak rate ``lr``.

    Never raises on divergence: the History says where it happened.

    Args:
        problem_name: one of PROBLEMS.
        lr: peak learning rate (> 0).
        schedule_name: one of GD_SCHEDULES.
        n_steps: number of updates (>= 2).
        condition_number: kappa of the quadratic (>= 1).
        momentum: heavy-ball momentum in [0, 1).
        noisy: use the noisy gradient (batch size 1); only multi_basin has one.
        seed: seed of the gradient noise.
        label: legend label; default the schedule name.

    Returns:
        The History (params: the path, shape (n+1, 2)).

    Raises:
        ValueError: a bad name or value, or noisy=True on a problem without gradient noise.
    """
    problem = make_problem(problem_name, float(condition_number))
    if noisy and not hasattr(problem, "stochastic_grad"):
        raise ValueError(
            f"noisy=True needs a problem with gradient noise (multi_basin), got problem_name={problem_name!r}"
        )
    gd_schedule(schedule_name, lr, n_steps)  # checks the name, lr and n_steps before the cache sees them
    settings = (float(condition_number), float(momentum), bool(noisy), int(seed))
    run = _cached_run(problem_name, float(lr), schedule_name, int(n_steps), settings)
    return dataclasses.replace(run, label=schedule_name if label is None else label)  # a copy: callers may relabel


@functools.lru_cache(maxsize=64)
def _cached_run(problem_name: str, lr: float, schedule_name: str, n_steps: int, settings: tuple) -> History:
    """One run, remembered: an explorer moved back to settings it showed before does not train again."""
    kappa, momentum, noisy, seed = settings
    return T.run_gd(
        make_problem(problem_name, kappa),
        gd_schedule(schedule_name, lr, n_steps),
        n_steps,
        momentum=momentum,
        batch_size=1 if noisy else None,
        seed=seed,
        label=schedule_name,
    )


def describe_run(history: History, problem: Any) -> str:
    """One status line: diverged at step k / converged / still going, plus problem facts.

    On the quadratic it adds the stability limit 2/L (constant-rate GD converges iff
    lr < 2/L); on multi_basin, the basin the run ended in.

    >>> h = run_gd_experiment("quadratic", 2.5, "constant", 100)
    >>> describe_run(h, make_problem("quadratic")).split(";")[0]
    'constant: DIVERGED at step 30 (lr=2.5)'
    """
    name = history.label or "run"
    if history.diverged:
        lr = "?" if history.diverged_lr is None else readable_number(history.diverged_lr)
        text = f"{name}: DIVERGED at step {history.diverged_step} (lr={lr})"
    else:
        excess = history.final_loss - float(getattr(problem, "min_loss", 0.0))
        if abs(excess) < 1e-6:
            excess_all = np.asarray(history.loss) - float(getattr(problem, "min_loss", 0.0))
            k = int(np.argmax(np.abs(excess_all) < 1e-6))
            text = f"{name}: converged (loss within 1e-6 of the minimum from step {k})"
        else:
            text = (
                f"{name}: not converged after {history.n_steps} steps "
                f"(loss {history.final_loss:.3g}, {excess:.2g} above the minimum)"
            )
    peak = float(np.max(history.lr)) if len(history.lr) else float("nan")
    if hasattr(problem, "stability_limit"):
        side = "above" if peak >= problem.stability_limit else "below"
        text += (
            f"; peak lr {readable_number(peak)} is {side} the stability limit"
            f" 2/L = {readable_number(problem.stability_limit)}"
            f" (best constant lr 2/(L+mu) = {readable_number(problem.optimal_lr)})"
        )
    elif hasattr(problem, "curvature") and not hasattr(problem, "basin_of") and history.params is not None:
        curvature = float(problem.curvature(history.params[0]))
        if curvature > 0:
            text += f"; local stability limit at the start 2/curvature = {readable_number(2 / curvature)}"
    if hasattr(problem, "basin_of") and history.params is not None and not history.diverged:
        basin = problem.basin_of(history.params[-1])
        kind = "the deepest" if basin == problem.deepest else "a shallow one"
        text += f"; ended in basin {basin} ({kind})"
    return text
