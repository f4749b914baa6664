"""The schedule explorer: pick a catalog schedule, move its parameters, watch lr(t) change."""

from __future__ import annotations

import math

import ipywidgets as widgets
import numpy as np

from course_lib import schedules as S
from course_lib.explorers.base import Explorer, message_html
from course_lib.explorers.controls import Control, build_schedule, param_specs, readable_repr, short_name
from course_lib.plotting.live import LiveCurves
from course_lib.validation import check_in, check_int

__all__ = ["ScheduleExplorer", "explore_schedules"]


class ScheduleExplorer(Explorer):
    """Controls: "schedule" (dropdown over ``S.CATALOG``), one control per parameter of the chosen
    schedule (rebuilt when it changes), "warmup" (0: none; else that many steps of linear warm-up
    in front) and "log" (log y axis). The repr and the formula are shown under the plot; a
    combination the schedule refuses shows its message instead (``last_result`` is then that string).

    Args:
        n_steps: steps drawn (>= 2).
        schedule: the schedule shown first.
    """

    figure_kind = "schedule"

    def __init__(self, n_steps: int = 1000, schedule: str = "cosine_decay") -> None:
        self.n_steps = check_int("n_steps", n_steps, minimum=2)
        check_in("schedule", schedule, tuple(S.CATALOG))
        self.info = widgets.HTML()
        self._specs = dict(param_specs(schedule, self.n_steps))
        self._params = list(self._specs)
        self._top: float | None = None
        super().__init__(
            [
                Control("schedule", "choice", schedule, options=tuple(S.CATALOG)),
                *param_specs(schedule, self.n_steps).values(),
                Control(
                    "warmup",
                    "int",
                    0,
                    0,
                    self.n_steps // 2,
                    1,
                    label="extra warm-up steps",
                    help="0: no warm-up; else a linear warm-up in front",
                ),
                Control("log", "bool", False, label="log-scale y axis"),
            ],
            below=[self.info],
            image_beside=True,
            resets={"schedule": self._new_schedule},
        )
        self.curves = LiveCurves(self.axes[0])
        self.update()

    def _new_schedule(self, name: str) -> dict:
        specs = param_specs(name, self.n_steps)
        self.replace_controls(self._params, list(specs.values()))
        self._params, self._specs, self._top = list(specs), dict(specs), None
        return {}

    def compute(self, v: dict) -> S.Schedule | str:
        return build_schedule(
            v["schedule"], {k: v[k] for k in self._params}, n_steps=self.n_steps, warmup_steps=v["warmup"]
        )

    def y_limits(self, schedule: S.Schedule, v: dict) -> tuple[float, float] | None:
        """The y axis, fixed so that moving a rate moves the curve (not only the tick labels).

        Log scale: the range of the schedule's rate sliders (their lowest low to highest high).
        Linear: 0 to the first of 1, 2, 5 x 10^k at or above the curve's peak (x 1.05); it drops
        only when the peak falls below a fifth of it, so most moves of a rate keep the axis.
        None (fit the data) for a curve with no finite value.
        """
        rates = [self._specs[k] for k in self._params if self._specs[k].kind == "log"]
        if v["log"] and rates:
            return min(s.low for s in rates), max(s.high for s in rates)
        values = np.asarray(schedule(np.arange(self.n_steps)), dtype=np.float64)
        finite = values[np.isfinite(values)]
        if not finite.size or finite.max() <= 0:
            return None
        peak = 1.05 * float(finite.max())
        top = self._top
        if top is None or peak > top or peak < top / 5:
            exponent = math.floor(math.log10(peak))
            top = next(m * 10.0**exponent for m in (1, 2, 5, 10) if m * 10.0**exponent >= peak)
        self._top = top
        return min(0.0, float(finite.min())), top

    def draw(self, schedule: S.Schedule, v: dict) -> None:
        self.curves.update(
            {v["schedule"]: schedule},
            self.n_steps,
            log=v["log"],
            title=short_name(schedule),
            ylim=self.y_limits(schedule, v),
        )
        formula = schedule.formula
        if isinstance(schedule, S.Warmup):
            formula += "\n  with schedule: " + schedule.schedule.formula
        self.info.value = message_html(f"{readable_repr(schedule)}\n{formula}")

    def on_message(self, message: str) -> None:
        self.info.value = ""


def explore_schedules(n_steps: int = 1000, schedule: str = "cosine_decay") -> ScheduleExplorer:
    """A :class:`ScheduleExplorer` (display it by leaving it last in a cell)."""
    return ScheduleExplorer(n_steps=n_steps, schedule=schedule)
