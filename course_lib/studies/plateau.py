"""Reduce-on-plateau on a noisy regression (notebook 08): a constant rate against the plateau policy.

Pure functions (no widgets): :func:`run_plateau_experiment` and :func:`describe_plateau`; the
plateau explorer (``course_lib.explorers.plateau``) draws them.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from course_lib import problems as P
from course_lib import training as T
from course_lib.training.history import History

__all__ = ["run_plateau_experiment", "describe_plateau"]


@functools.lru_cache(maxsize=1)
def _plateau_problem() -> P.NoisyLeastSquares:
    return P.noisy_least_squares()


def run_plateau_experiment(
    lr: float = 0.1,
    factor: float = 0.5,
    patience: int = 2,
    cooldown: int = 0,
    threshold: float = 1e-4,
    *,
    threshold_mode: str = "rel",
    min_lr: float = 0.0,
    plateau_every: int = 100,
    n_steps: int = 4000,
    batch_size: int = 1,
    seed: int = 0,
) -> list[History]:
    """SGD on ``problems.noisy_least_squares()`` at a constant rate, and under ReduceLROnPlateau.

    Both runs start at rate ``lr`` and see the same gradient noise (same seed). The plateau
    policy is stepped every ``plateau_every`` steps with the mean training loss of that
    window (see :func:`course_lib.training.gd.run_gd`). The returned Histories hold the
    *excess* loss f(w) - f* (:func:`course_lib.studies.measures.excess_loss`), so the noise
    floor, and its drop after each cut, shows on a log axis.

    Args:
        lr: the starting rate (> 0).
        factor, patience, cooldown, threshold, threshold_mode, min_lr: the policy's settings
            (:class:`course_lib.training.plateau.ReduceLROnPlateau`).
        plateau_every: steps per evaluation (>= 1).
        n_steps: steps per run (>= 1).
        batch_size: examples per gradient (>= 1).
        seed: seed of the mini-batch sampling.

    Returns:
        [constant-rate run, plateau run], labelled.

    Raises:
        ValueError, TypeError: a bad setting, naming it.

    >>> const, plat = run_plateau_experiment(n_steps=1000)
    >>> bool(plat.lr[-1] < const.lr[-1])
    True
    """
    from course_lib.studies.measures import excess_loss

    settings = (factor, patience, cooldown, threshold, threshold_mode, min_lr)
    _policy(lr, settings)  # checks the settings (the runs below may come from the cache)
    problem = _plateau_problem()
    constant = _constant_run(float(lr), n_steps, batch_size, seed)
    plateau = _plateau_run(float(lr), settings, plateau_every, n_steps, batch_size, seed)
    return [excess_loss(constant, problem), excess_loss(plateau, problem)]  # new Histories: the cache stays intact


def _policy(lr: float, settings: tuple) -> Any:
    """A fresh ReduceLROnPlateau from ``settings`` = (factor, patience, cooldown, threshold, threshold_mode, min_lr)."""
    from course_lib.training.plateau import ReduceLROnPlateau

    factor, patience, cooldown, threshold, threshold_mode, min_lr = settings
    return ReduceLROnPlateau(
        lr,
        factor=factor,
        patience=patience,
        threshold=threshold,
        threshold_mode=threshold_mode,
        cooldown=cooldown,
        min_lr=min_lr,
    )


# Remembered runs (the explorer moves back and forth over the same settings): the constant run
# does not depend on the policy's settings, so moving those trains the plateau run only.
@functools.lru_cache(maxsize=128)
def _constant_run(lr: float, n_steps: int, batch_size: int, seed: int) -> History:
    return T.run_gd(_plateau_problem(), lr, n_steps, label=f"constant lr {lr:.3g}", batch_size=batch_size, seed=seed)


@functools.lru_cache(maxsize=128)
def _plateau_run(lr: float, settings: tuple, plateau_every: int, n_steps: int, batch_size: int, seed: int) -> History:
    policy = _policy(lr, settings)
    return T.run_gd(
        _plateau_problem(),
        None,
        n_steps,
        plateau=policy,
        plateau_every=plateau_every,
        label="reduce on plateau",
        batch_size=batch_size,
        seed=seed,
    )


def describe_plateau(runs: list[History], window: int | None = None) -> str:
    """A status line per run: late excess loss, and for the plateau run its cuts and final rate.

    Args:
        runs: the Histories of :func:`run_plateau_experiment` (their loss is the excess loss).
        window: steps averaged at the end; default the last 10% of the run.
    """
    lines = []
    for h in runs:
        if h.diverged:
            lines.append(h.summary())
            continue
        n = window or max(h.n_steps // 10, 1)
        text = f"{h.label}: mean excess loss over the last {n} steps {np.mean(h.loss[-n:]):.3g}"
        cuts = np.flatnonzero(np.diff(h.lr) < 0) + 1
        if cuts.size:
            shown = ", ".join(str(int(c)) for c in cuts[:8]) + (", ..." if cuts.size > 8 else "")
            text += f"; {cuts.size} cut(s), at steps {shown}; final lr {h.lr[-1]:.3g}"
        lines.append(text)
    return "\n".join(lines)
