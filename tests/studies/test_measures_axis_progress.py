"""experiments.axis_progress: steps to shrink each parameter's distance to the minimum."""

from __future__ import annotations

import numpy as np
import pytest

from course_lib import problems as P
from course_lib import studies as X
from course_lib import training as A
from course_lib import training as T
from course_lib.training.history import History

BOWL = P.quadratic_bowl(condition_number=100.0)


def test_gd_matches_the_closed_form_per_axis():
    # GD at lr = 1/L: the steep axis is exact after one step, the flat one shrinks by 0.99 a step
    steps = X.axis_progress(T.run_gd(BOWL, 1.0, 400), BOWL, fraction=0.1)
    assert steps == [1, int(np.ceil(np.log(0.1) / np.log(0.99)))]


def test_adam_brings_the_axes_together():
    gd = X.axis_progress(T.run_gd(BOWL, 1.0, 300), BOWL)
    adam = X.axis_progress(A.run_adaptive(BOWL, 0.1, 300), BOWL)
    assert gd[1] / gd[0] > 100 and 0.5 < adam[1] / adam[0] < 2


def test_never_reached_is_none_and_start_counts_as_zero():
    assert X.axis_progress(T.run_gd(BOWL, 1e-4, 10), BOWL) == [None, None]
    assert X.axis_progress(T.run_gd(BOWL, 1e-4, 10), BOWL, fraction=1.0) == [0, 0]


def test_errors_name_the_argument():
    h = T.run_gd(BOWL, 0.5, 5)
    with pytest.raises(ValueError, match="fraction"):
        X.axis_progress(h, BOWL, fraction=1.5)
    with pytest.raises(ValueError, match="fraction"):
        X.axis_progress(h, BOWL, fraction=0.0)
    with pytest.raises(ValueError, match="params"):
        X.axis_progress(History(loss=np.ones(2)), BOWL)
    with pytest.raises(TypeError, match="minimum"):
        X.axis_progress(h, object())
    with pytest.raises(TypeError, match="history"):
        X.axis_progress("run", BOWL)
