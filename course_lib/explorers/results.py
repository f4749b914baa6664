"""The results explorer (notebook 09): browse a precomputed comparison of schedules (nothing trains)."""

from __future__ import annotations

from typing import Any

from course_lib.explorers.base import Explorer
from course_lib.explorers.controls import Control
from course_lib.plotting.diagnostics import plot_lr_sweeps
from course_lib.plotting.explorer_layout import place_marked_legends
from course_lib.plotting.legends import placed_later
from course_lib.plotting.live import Blit
from course_lib.plotting.runs import plot_runs
from course_lib.studies.results import RESULT_METRICS, describe_results, select_results
from course_lib.validation import check_in

__all__ = ["ResultsExplorer", "explore_results"]


class ResultsExplorer(Explorer):
    """Tuning curves (left) and mean ± spread curves (right) of an ``experiments.Comparison``.

    Controls: "schedules" (multiple choice; none selected means all), "metric" (val_loss, val_acc,
    loss, lr for the right panel) and "band" (std or min–max over seeds). The status lines give each
    schedule's rank, tuned lr and scores. ``last_result`` is the pair (sweeps, runs) drawn.

    Args:
        comparison: the comparison to browse.
        metric: the metric shown first.
    """

    figure_kind = "results"

    def __init__(self, comparison: Any, metric: str = "val_loss") -> None:
        select_results(comparison)  # checks the comparison
        check_in("metric", metric, RESULT_METRICS)
        self.comparison = comparison
        names = tuple(comparison.sweeps)
        super().__init__(
            [
                Control("schedules", "multi", names, options=names, width="300px"),
                Control("metric", "choice", metric, options=RESULT_METRICS, width="300px"),
                Control(
                    "band",
                    "choice",
                    "std",
                    options=(("mean ± std", "std"), ("min – max", "minmax")),
                    label="spread over seeds",
                    width="300px",
                ),
            ],
            columns=[["schedules"], ["metric", "band"]],
        )
        self.blit = Blit(self.figure)
        self._left_key: Any = None
        self.update()

    def compute(self, v: dict) -> tuple:
        return select_results(self.comparison, v["schedules"])

    def describe(self, result: tuple, v: dict) -> tuple[str, str]:
        return describe_results(self.comparison, v["schedules"]), "#222"

    def paint(self) -> None:
        """The tuning curves are the static layer (blitted, per selection); the right panel is drawn."""
        self.blit.paint(self._left_key, [self.axes[1]], [])

    def draw(self, result: tuple, v: dict) -> None:
        sweeps, runs = result
        left, right = self.axes
        redrawn = [right]
        with placed_later():  # the legends are placed below, in the frame's fixed layout (no layout drawn)
            if self._left_key != tuple(v["schedules"]):  # the tuning curves depend on the selection only
                self._left_key = tuple(v["schedules"])
                left.cla()
                plot_lr_sweeps(sweeps, ax=left)
                left.set_title("tuning: one run per rate", fontsize=12)
                redrawn.insert(0, left)
            right.cla()
            if runs:
                plot_runs(
                    runs,
                    metric=v["metric"],
                    ax=right,
                    band=v["band"],
                    log=v["metric"] in ("val_loss", "loss"),
                    smooth=10 if v["metric"] == "loss" else 0,
                )
        place_marked_legends(redrawn)


def explore_results(comparison: Any, metric: str = "val_loss") -> ResultsExplorer:
    """A :class:`ResultsExplorer` over ``comparison`` (from ``studies.compare_schedules``)."""
    return ResultsExplorer(comparison, metric=metric)
