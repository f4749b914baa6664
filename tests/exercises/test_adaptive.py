"""Reduce-on-plateau's rates and Adam's first step: the solutions agree with the course's policy and optimizer."""

from __future__ import annotations

import numpy as np
import pytest

from course_lib import exercises as E
from course_lib.exercises import solutions as sol


def test_plateau_solution_matches_the_policy_and_torch_on_other_settings():
    from course_lib.training.plateau import ReduceLROnPlateau

    metrics = [1.0, 0.99, 0.98, 0.97, 0.5, 0.5, 0.6, 0.49, 0.48, 0.7, 0.7, 0.7, 0.7]
    for kw in (
        dict(patience=0, cooldown=0, threshold=0.0),
        dict(patience=1, cooldown=2, threshold=0.05),
        dict(patience=3, cooldown=0, threshold=1e-4, factor=0.1),
    ):
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
    assert E.check_adam_first_step(1e-3, quiet=True)  # "about lr" is the lesson, and within tolerance


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: E.check_plateau_lrs([0.1], metrics=[]), "metrics"),
        (lambda: E.check_plateau_lrs([0.1], factor=2.0), "factor"),
        (lambda: E.check_plateau_lrs([0.1], metrics=[1.0, "x"]), "metrics"),
        (lambda: E.check_adam_first_step(1e-3, grad=0.0), "grad"),
        (lambda: E.check_adam_first_step(1e-3, betas=(1.0, 0.9)), "betas"),
    ],
)
def test_notebook_08_author_mistakes_raise(call, name):
    with pytest.raises((ValueError, TypeError), match=name):
        call()
