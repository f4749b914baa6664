"""course_lib.training.plan: the one home of steps per epoch and T, and the horizon check."""

import subprocess
import sys
import warnings

import numpy as np
import pytest

from course_lib import problems as P
from course_lib import schedules as S
from course_lib import training


def test_plan_counts_updates():
    plan = training.RunPlan(1797, 64, 8)
    assert (plan.steps_per_epoch, plan.total_steps) == (29, 232)
    assert training.steps_per_epoch(100, 10) == 10 and training.steps_per_epoch(101, 10) == 11
    with pytest.raises(ValueError, match="batch_size"):
        training.RunPlan(100, 0, 1)


def test_horizon_of_schedules():
    assert training.schedule_horizon(S.linear_decay(0.2, 500)) == 500
    assert training.schedule_horizon(S.constant(0.1)) is None
    assert training.schedule_horizon(0.1) is None


def test_run_gd_warns_on_the_notebook_10_mismatch():
    with pytest.warns(training.HorizonWarning, match=r"T = 1000 steps but this run makes 500 updates"):
        training.run_gd(P.quadratic_bowl(), S.linear_decay(0.2, 1000), 500)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        training.run_gd(P.quadratic_bowl(), S.linear_decay(0.2, 500), 500)
        training.run_gd(P.quadratic_bowl(), S.linear_decay(0.2, 1000), 500, check_horizon=False)


def test_train_torch_warns_when_epochs_were_passed_for_steps():
    data = P.load_digits()
    with pytest.warns(training.HorizonWarning, match=r"T = 2 steps but this run makes 44 updates"):
        h = training.train_torch(training.mlp(64, 10, seed=0), data, S.cosine_decay(0.1, 2), epochs=2)
    assert h.plan == training.RunPlan(len(data.X_train), 64, 2) and h.steps_per_epoch == 22


def test_history_records_the_schedule_as_a_config_that_rebuilds_it():
    schedule = S.cosine_decay(0.1, 50)
    h = training.run_gd(P.quadratic_bowl(), schedule, 50)
    assert h.schedule == {"class": "CosineDecay", "lr": 0.1, "total_steps": 50, "min_lr": 0.0}
    assert training.schedule_from_config(h.schedule) == schedule
    np.testing.assert_array_equal(training.schedule_from_config(h.schedule)(np.arange(50)), h.lr)


def test_the_numpy_trainer_does_not_import_torch():
    code = (
        "import sys, course_lib.training as t; from course_lib import problems as P; "
        "t.run_gd(P.quadratic_bowl(), 0.5, 10); t.run_adaptive(P.quadratic_bowl(), 0.1, 10); "
        "t.run_many(t.run_gd, [0, 1], P.quadratic_bowl(), 0.5, 5); "
        "assert 'torch' not in sys.modules, 'torch imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
