"""The schedule explorer: pick a catalog schedule, move its parameters, watch lr(t) change."""

from __future__ import annotations

import ipywidgets as widgets

from course_lib import schedules as S
from course_lib.explorers.base import Explorer, message_html
from course_lib.explorers.controls import Control, build_schedule, param_specs, short_name
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
        self._params = list(param_specs(schedule, self.n_steps))
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
        self._params = list(specs)
        return {}

    def compute(self, v: dict) -> S.Schedule | str:
        return build_schedule(
            v["schedule"], {k: v[k] for k in self._params}, n_steps=self.n_steps, warmup_steps=v["warmup"]
        )

    def draw(self, schedule: S.Schedule, v: dict) -> None:
        self.curves.update({v["schedule"]: schedule}, self.n_steps, log=v["log"], title=short_name(schedule))
        formula = schedule.formula
        if isinstance(schedule, S.Warmup):
            formula += "\n  with schedule: " + schedule.schedule.formula
        self.info.value = message_html(f"{schedule!r}\n{formula}")

    def on_message(self, message: str) -> None:
        self.info.value = ""


def explore_schedules(n_steps: int = 1000, schedule: str = "cosine_decay") -> ScheduleExplorer:
    """A :class:`ScheduleExplorer` (display it by leaving it last in a cell)."""
    return ScheduleExplorer(n_steps=n_steps, schedule=schedule)
