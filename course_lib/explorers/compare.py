"""The comparison explorer: two or three schedules on the same problem, same peak lr, overlaid."""

from __future__ import annotations

from course_lib.explorers.controls import GD_SCHEDULES, Control
from course_lib.explorers.gd import GDRuns, problem_controls
from course_lib.validation import check_in

__all__ = ["CompareExplorer", "explore_comparison", "NONE"]

NONE = "(none)"


class CompareExplorer(GDRuns):
    """Controls: the GD explorer's problem controls plus "schedule_1", "schedule_2" and "schedule_3"
    (the third may be "(none)"). ``last_result`` is the list of Histories, labelled "1: name"...

    Args:
        problem: the problem shown first.
        schedules: two or three keys of GD_SCHEDULES shown first.
    """

    def __init__(
        self, problem: str = "quadratic", schedules: tuple[str, ...] = ("constant", "step_decay", "cosine_decay")
    ) -> None:
        schedules = tuple(schedules)
        if not 2 <= len(schedules) <= 3:
            raise ValueError(f"schedules must name 2 or 3 schedules, got schedules={schedules!r}")
        for i, s in enumerate(schedules):
            check_in(f"schedules[{i}]", s, tuple(GD_SCHEDULES))
        picks = [
            Control(
                f"schedule_{i + 1}",
                "choice",
                schedules[i] if i < len(schedules) else NONE,
                options=tuple(GD_SCHEDULES) + ((NONE,) if i == 2 else ()),
                label=f"schedule {i + 1}",
                width="300px",
            )
            for i in range(3)
        ]
        controls = problem_controls(problem)
        super().__init__(controls + picks, columns=[[c.name for c in controls], [c.name for c in picks]])
        self.update()

    def compute(self, v: dict) -> tuple:
        names = [v[f"schedule_{i}"] for i in (1, 2, 3) if v[f"schedule_{i}"] != NONE]
        runs, problem = self.run(v, names)
        for i, (h, name) in enumerate(zip(runs, names)):
            h.label = f"{i + 1}: {name}"
        return runs, problem

    def update(self) -> None:
        super().update()
        self.last_result = self.last_result[0]


def explore_comparison(
    problem: str = "quadratic", schedules: tuple[str, ...] = ("constant", "step_decay", "cosine_decay")
) -> CompareExplorer:
    """A :class:`CompareExplorer` on ``problem`` with two or three schedules."""
    return CompareExplorer(problem=problem, schedules=schedules)
