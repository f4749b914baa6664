"""Assertions and records the plotting tests share."""

from __future__ import annotations

import numpy as np

from course_lib import problems as P
from course_lib import schedules as S
from course_lib import training as T
from course_lib.training.history import History


def legend_texts(ax):
    legend = ax.get_legend()
    assert legend is not None, "expected a legend"
    return [t.get_text() for t in legend.get_texts()]


def assert_labelled(ax, x=None, y=None):
    assert ax.get_xlabel() and ax.get_ylabel()
    if x is not None:
        assert ax.get_xlabel() == x
    if y is not None:
        assert y in ax.get_ylabel()


def seeds_group(lr, n=3, steps=40):
    return T.run_many(T.run_gd, range(n), P.quadratic_bowl(), S.constant(lr), steps)


def val_history(acc, diverged=False):
    acc = np.asarray(acc, dtype=float)
    return History(
        steps=np.arange(10),
        lr=np.full(10, 0.1),
        loss=np.linspace(1, 0.1, 10),
        val_epochs=np.arange(1, len(acc) + 1),
        val_loss=1 - acc,
        val_acc=acc,
        diverged=diverged,
    )
