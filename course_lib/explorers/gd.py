"""The GD explorer: gradient descent on a 2-D problem, path and loss side by side, with a status line."""

from __future__ import annotations

from typing import Any, Sequence

from course_lib.explorers.base import GREEN, RED, Explorer
from course_lib.explorers.controls import GD_SCHEDULES, Control
from course_lib.plotting.live import Blit, LiveLoss, LivePaths
from course_lib.studies.gradient_descent import (
    PROBLEM_DEFAULTS,
    PROBLEMS,
    describe_run,
    make_problem,
    run_gd_experiment,
)
from course_lib.validation import check_in

__all__ = ["GDRuns", "problem_controls", "GDExplorer", "explore_gd"]

#: the controls shown only on some problems
PROBLEM_VISIBLE = {
    "condition_number": lambda v: v["problem"] == "quadratic",
    "noisy": lambda v: v["problem"] == "multi_basin",
}


def problem_controls(problem: str) -> list[Control]:
    """The controls of the GD explorers' problem (the sliders train on release)."""
    check_in("problem", problem, PROBLEMS)
    d = PROBLEM_DEFAULTS[problem]
    return [
        Control("problem", "choice", problem, options=PROBLEMS),
        Control("condition_number", "log", 10.0, 1.0, 1000.0, 0.05, label="condition number", continuous=False),
        Control("lr", "log", d["lr"], 1e-4, 10.0, 0.05, label="lr (peak)", continuous=False),
        Control("n_steps", "int", d["n_steps"], 10, 5000, 10, label="steps", continuous=False),
        Control("momentum", "float", 0.0, 0.0, 0.99, 0.01, readout=".2f", continuous=False),
        Control("noisy", "bool", d["noisy"], label="gradient noise (SGD, batch 1)"),
    ]


def _problem_defaults(problem: str) -> dict:
    return {k: PROBLEM_DEFAULTS[problem][k] for k in ("lr", "n_steps", "noisy")}


class GDRuns(Explorer):
    """What the GD and comparison explorers share: run the named schedules, draw paths and losses."""

    figure_kind = "gd"

    def __init__(self, controls: Sequence[Control], **layout: Any) -> None:
        super().__init__(controls, resets={"problem": _problem_defaults}, visible=PROBLEM_VISIBLE, **layout)
        self.paths, self.loss = LivePaths(self.axes[0]), LiveLoss(self.axes[1])
        self.blit = Blit(self.figure)

    def paint(self) -> None:
        """The contours are static per problem: blitted; the paths and the loss panel are drawn."""
        self.blit.paint(self.paths.key, [self.loss.lr_ax, self.axes[1]], self.paths.moving())

    def run(self, v: dict, names: Sequence[str]) -> tuple[list, Any]:
        problem = make_problem(v["problem"], float(v["condition_number"]))
        runs = [
            run_gd_experiment(
                v["problem"],
                v["lr"],
                name,
                v["n_steps"],
                condition_number=v["condition_number"],
                momentum=v["momentum"],
                noisy=bool(v["noisy"]) and v["problem"] == "multi_basin",
            )
            for name in names
        ]
        return runs, problem

    def draw(self, result: tuple, v: dict) -> None:
        runs, problem = result
        self.paths.set_problem(
            problem, (v["problem"], float(v["condition_number"])), log_levels=not hasattr(problem, "basin_of")
        )
        self.paths.update(runs)
        self.loss.update(runs)

    def describe(self, result: tuple, v: dict) -> tuple[str, str]:
        runs, problem = result
        return "\n".join(describe_run(h, problem) for h in runs), RED if any(h.diverged for h in runs) else GREEN


class GDExplorer(GDRuns):
    """Controls: "problem", "condition_number" (quadratic only), "schedule", "lr" (peak, log slider),
    "n_steps", "momentum", "noisy" (multi_basin only). Changing the problem resets lr, n_steps and
    noisy to :data:`PROBLEM_DEFAULTS`. ``last_result`` is the History.

    Args:
        problem: the problem shown first.
        schedule: the schedule shown first (a key of GD_SCHEDULES).
    """

    def __init__(self, problem: str = "quadratic", schedule: str = "constant") -> None:
        check_in("schedule", schedule, tuple(GD_SCHEDULES))
        controls = problem_controls(problem)
        controls.insert(
            2,
            Control("schedule", "choice", schedule, options=tuple((f"{k}  ({v})", k) for k, v in GD_SCHEDULES.items())),
        )
        super().__init__(controls)
        self.update()

    def compute(self, v: dict) -> tuple:
        return self.run(v, [v["schedule"]])

    def update(self) -> None:
        super().update()
        self.last_result = self.last_result[0][0]


def explore_gd(problem: str = "quadratic", schedule: str = "constant") -> GDExplorer:
    """A :class:`GDExplorer` on ``problem``."""
    return GDExplorer(problem=problem, schedule=schedule)
