"""The reduce-on-plateau explorer (notebook 08): patience, factor, cooldown, threshold on a noisy regression."""

from __future__ import annotations

from course_lib.explorers.base import GREEN, Explorer
from course_lib.explorers.controls import Control
from course_lib.plotting.live import LiveLoss
from course_lib.studies.plateau import describe_plateau, run_plateau_experiment
from course_lib.validation import check_int

__all__ = ["PlateauExplorer", "explore_plateau"]


class PlateauExplorer(Explorer):
    """SGD (batch 1) on noisy least squares: a constant rate stalls at its noise floor, the plateau
    policy cuts the rate when the loss stops improving and goes below it. The picture is the excess
    loss with the rates (dashed, right axis). Controls: "lr", "factor", "patience", "cooldown",
    "threshold", "threshold_mode", "plateau_every", "n_steps" (sliders train on release).
    ``last_result`` is [constant run, plateau run].
    """

    figure_kind = "plateau"
    warm_ahead = True  # the runs are memoised: a next step of a slider is trained while the learner looks
    warm_limit = 16  # a run takes tens of ms: one step either way on each of the eight controls

    def __init__(
        self,
        lr: float = 0.1,
        factor: float = 0.5,
        patience: int = 2,
        cooldown: int = 0,
        threshold: float = 1e-4,
        plateau_every: int = 100,
        n_steps: int = 4000,
    ) -> None:
        from course_lib.training.plateau import ReduceLROnPlateau

        ReduceLROnPlateau(lr, factor=factor, patience=patience, cooldown=cooldown, threshold=threshold)  # checks
        check_int("plateau_every", plateau_every, minimum=1)
        check_int("n_steps", n_steps, minimum=1)
        slow = dict(continuous=False)
        super().__init__(
            [
                Control("lr", "log", lr, 1e-3, 0.5, 0.05, label="starting lr", **slow),
                Control("factor", "float", factor, 0.05, 0.95, 0.05, readout=".2f", **slow),
                Control("patience", "int", patience, 0, 10, label="patience (evaluations)", **slow),
                Control("cooldown", "int", cooldown, 0, 10, label="cooldown (evaluations)", **slow),
                Control("threshold", "log", threshold, 1e-6, 1e-1, 0.25, readout=".1e", **slow),
                Control("threshold_mode", "choice", "rel", options=("rel", "abs")),
                Control("plateau_every", "int", plateau_every, 20, 1000, 10, label="steps per evaluation", **slow),
                Control("n_steps", "int", n_steps, 500, 10000, 500, label="steps", **slow),
            ],
            columns=[
                ["lr", "factor", "patience", "cooldown"],
                ["threshold", "threshold_mode", "plateau_every", "n_steps"],
            ],
        )
        self.loss = LiveLoss(self.axes[0])
        self.update()

    def compute(self, v: dict) -> list:
        return run_plateau_experiment(
            v["lr"],
            v["factor"],
            v["patience"],
            v["cooldown"],
            v["threshold"],
            threshold_mode=v["threshold_mode"],
            plateau_every=v["plateau_every"],
            n_steps=v["n_steps"],
        )

    def describe(self, runs: list, v: dict) -> tuple[str, str]:
        return describe_plateau(runs), GREEN

    def draw(self, runs: list, v: dict) -> None:
        self.loss.update(runs)
        ax = self.axes[0]
        ax.set_ylabel("excess loss f(w) - f* (log scale)")
        if not ax.get_title():
            ax.set_title("SGD, batch 1, noisy least squares: constant rate vs reduce-on-plateau", fontsize=12)


def explore_plateau(**kwargs) -> PlateauExplorer:
    """A :class:`PlateauExplorer` (keyword arguments: the starting control values)."""
    return PlateauExplorer(**kwargs)
