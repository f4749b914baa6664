"""course_lib's warnings blame the learner's line (here: this file's), however deep they are raised."""

from __future__ import annotations

import inspect
import os
import warnings
from pathlib import Path

import pytest

from course_lib import plotting, problems, training
from course_lib import schedules as S
from course_lib import warn as W


def _line() -> int:
    """The line number of the caller's line."""
    return inspect.currentframe().f_back.f_lineno


def _only(caught: list, category: type[Warning]) -> warnings.WarningMessage:
    ours = [w for w in caught if issubclass(w.category, category)]
    assert len(ours) == 1, [str(w.message) for w in caught]
    return ours[0]


def test_run_gd_blames_the_callers_line():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        line = _line() + 1
        training.run_gd(problems.quadratic_bowl(), S.cosine_decay(0.1, 100), 20)
    record = _only(caught, training.HorizonWarning)
    assert (record.filename, record.lineno) == (__file__, line)


def test_train_torch_blames_the_callers_line():
    pytest.importorskip("torch")
    from course_lib.training import models

    data, schedule = problems.moons_dataset(n_samples=40), S.cosine_decay(0.1, 5)  # 2 steps: 1 batch x 2 epochs
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        line = _line() + 1
        h = training.train_torch(lambda: models.mlp(2, 2, hidden=(4,)), data, schedule, epochs=2, batch_size=64)
    assert h.n_steps == 2
    record = _only(caught, training.HorizonWarning)
    assert (record.filename, record.lineno) == (__file__, line)


def test_a_warning_deep_in_a_plotting_call_blames_the_callers_line(monkeypatch):
    # course_lib's plotting raises no warning of its own today: stand one in, compiled as if it
    # were a plotting module (a frame inside the package), called from inside plot_schedules
    fake = os.path.join(W.PACKAGE_DIR, "plotting", "_stand_in.py")
    namespace: dict = {"warn": W.warn, "CourseWarning": W.CourseWarning, "real": plotting.schedules.schedule_values}
    source = "def schedule_values(s, n):\n    warn('a plotting warning', CourseWarning)\n    return real(s, n)\n"
    exec(compile(source, fake, "exec"), namespace)
    monkeypatch.setattr(plotting.schedules, "schedule_values", namespace["schedule_values"])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        line = _line() + 1
        plotting.plot_schedules(S.cosine_decay(0.1, 10), 10)
    record = _only(caught, W.CourseWarning)
    assert (record.filename, record.lineno) == (__file__, line)


def test_check_horizon_called_directly_blames_the_callers_line():
    with pytest.warns(training.HorizonWarning) as record:
        line = _line() + 1
        training.check_horizon(S.linear_decay(0.1, 10), 20)
    assert (record[0].filename, record[0].lineno) == (__file__, line)


def test_every_warning_in_course_lib_goes_through_warn():
    calls = []
    for path in sorted(Path(W.PACKAGE_DIR).rglob("*.py")):
        text = path.read_text()
        if path.name != "warn.py" and "warnings.warn(" in text:
            calls.append(path.name)
    assert calls == [], f"warnings.warn outside course_lib/warn.py (use course_lib.warn.warn): {calls}"


def test_warn_refuses_a_category_that_is_not_a_warning():
    with pytest.raises(TypeError, match="category must be a Warning subclass"):
        W.warn("text", ValueError)
