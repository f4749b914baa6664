"""plotting.tables: results_table."""

from __future__ import annotations

import matplotlib.pyplot as plt  # noqa: F401
import numpy as np  # noqa: F401
import pytest  # noqa: F401

from course_lib import plotting as viz  # noqa: F401
from course_lib import problems as P  # noqa: F401
from course_lib import schedules as S  # noqa: F401
from course_lib import training as T  # noqa: F401
from course_lib.training.history import History  # noqa: F401

from .helpers import assert_labelled, legend_texts, seeds_group, val_history  # noqa: F401

# ---------------------------------------------------------------------------
# Table
# ---------------------------------------------------------------------------


def test_results_table_mean_std_and_nan_runs():
    table = viz.results_table(
        {
            "cosine": [val_history([0.8]), val_history([0.9])],
            "too big": [val_history([0.5]), History(diverged=True)],
            "none": [History()],
        }
    )
    lines = table.splitlines()
    assert lines[0].startswith("| configuration | runs | final_val_acc (mean ± std)")
    assert "| cosine | 2 | 0.850 ± 0.071 | 0.800 | 0.900 | 0 |" in lines
    assert "| too big | 2 | 0.5 ± 0 | 0.5 | 0.5 | 1 |" in lines
    assert "| none | 1 | n/a | n/a | n/a | 1 |" in lines


def test_results_table_ignores_the_last_finite_metrics_of_diverged_runs():
    """A diverged run keeps its last finite evaluation (0.3 here): it must not enter the table."""
    blew_up = History(val_acc=np.array([0.2, 0.3]), diverged=True, diverged_step=40, diverged_lr=2.7)
    table = viz.results_table(
        {"10x": [blew_up, blew_up], "mixed": [blew_up, val_history([0.9])], "mixed, nan": [blew_up, History()]}
    )
    lines = table.splitlines()
    assert "| 10x | 2 | diverged | diverged | diverged | 2 |" in lines
    assert "| mixed | 2 | 0.9 ± 0 | 0.9 | 0.9 | 1 |" in lines
    assert "| mixed, nan | 2 | n/a | n/a | n/a | 2 |" in lines


def test_results_table_callable_metric_and_errors():
    table = viz.results_table({"a": [val_history([0.5])]}, metric=lambda h: h.final_val_loss, digits=2)
    assert "0.5 ± 0" in table
    with pytest.raises(ValueError, match="groups"):
        viz.results_table({})
    with pytest.raises(ValueError, match=r"groups\['a'\]"):
        viz.results_table({"a": []})
    with pytest.raises(ValueError, match="metric"):
        viz.results_table({"a": [val_history([0.5])]}, metric="accuracy")


def test_mean_and_std_are_rounded_alike():
    """The newcomer review's "0.1159 ± 0.008177": mean and std to the same decimal place."""
    table = viz.results_table({"cosine": [History(val_acc=np.array([v])) for v in (0.1073, 0.1161, 0.1243)]}, digits=4)
    row = next(line for line in str(table).splitlines() if line.startswith("| cosine"))
    mean, std = row.split(" | ")[2].split(" ± ")
    assert len(mean.split(".")[1]) == len(std.split(".")[1]), row
    assert (mean, std) == ("0.1159", "0.0085"), row
