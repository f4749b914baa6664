"""The weight-decay explorer (notebook 13): the rate and the decay of normalised weights, by sliders."""

from __future__ import annotations

import numpy as np

from course_lib.explorers.base import GREEN, Explorer
from course_lib.explorers.controls import Control
from course_lib.plotting.style import STEP_LABEL, course_style, series_color
from course_lib.studies.weight_decay import OPTIMIZERS, ScaleInvariantRun, rms_turn, run_scale_invariant
from course_lib.training.weight_decay import equilibrium_angular_update

__all__ = ["WeightDecayExplorer", "explore_weight_decay"]

N_STEPS, SMOOTH = 3000, 100


class WeightDecayExplorer(Explorer):
    """SGD or AdamW with weight decay on the scale-invariant problem (``studies.run_scale_invariant``, seed 0,
    3000 updates from |w_0| = 1). Left: the norm |w|; right: the turn per update (RMS over 100 updates) with the
    steady value sqrt(2 lr wd) (times sqrt((1 - b1)/(1 + b1)) for AdamW) dotted. Controls: "lr", "weight_decay"
    (log sliders, train on release), "optimizer". ``last_result`` is the :class:`ScaleInvariantRun`.
    """

    figure_kind = "weight_decay"

    def __init__(self, lr: float = 0.1, weight_decay: float = 0.01, optimizer: str = "sgd") -> None:
        slow = dict(continuous=False)
        super().__init__(
            [
                Control("lr", "log", lr, 1e-3, 1.0, 0.1, label="lr", **slow),
                Control("weight_decay", "log", weight_decay, 1e-4, 1.0, 0.1, label="weight decay", **slow),
                Control("optimizer", "choice", optimizer, options=OPTIMIZERS),
            ],
            columns=[["lr", "weight_decay"], ["optimizer"]],
        )
        with course_style():
            left, right = self.axes
            (self.norm_line,) = left.plot([], [], color=series_color(0), label="|w|")
            (self.turn_line,) = right.plot([], [], color=series_color(1), label="turn per update (RMS of 100)")
            self.steady_line = right.axhline(1.0, color=series_color(1), ls=":", label="steady value predicted")
            left.set_xlabel(STEP_LABEL)
            left.set_ylabel("|w|")
            right.set_xlabel(STEP_LABEL)
            right.set_ylabel("turn per update (radians, log scale)")
            right.set_yscale("log")
            right.legend(loc="upper right")
        self.update()

    def compute(self, v: dict) -> ScaleInvariantRun:
        return run_scale_invariant(v["lr"], v["weight_decay"], N_STEPS, seeds=(0,), optimizer=v["optimizer"])

    def predicted(self, v: dict) -> float:
        """The steady turn per update (radians) the formula gives for these controls."""
        momentum = 0.9 if v["optimizer"] == "adamw" else 0.0
        return equilibrium_angular_update(v["lr"], min(v["weight_decay"], 0.99 / v["lr"]), momentum)

    def describe(self, run: ScaleInvariantRun, v: dict) -> tuple[str, str]:
        turn = float(rms_turn(run, N_STEPS // 2)[0])
        return (
            f"{v['optimizer']}, lr x wd = {v['lr'] * v['weight_decay']:.1e}: steady turn {turn:.4f} rad per update "
            f"(predicted {self.predicted(v):.4f}); steady |w| {run.norm[0, -N_STEPS // 2 :].mean():.2f}",
            GREEN,
        )

    def draw(self, run: ScaleInvariantRun, v: dict) -> None:
        left, right = self.axes
        self.norm_line.set_data(np.arange(N_STEPS + 1), run.norm[0])
        turn = np.sqrt(np.convolve(run.turn[0] ** 2, np.ones(SMOOTH) / SMOOTH, mode="valid"))
        self.turn_line.set_data(np.arange(SMOOTH, N_STEPS + 1), turn)
        self.steady_line.set_ydata([self.predicted(v)] * 2)
        for ax in (left, right):
            ax.relim()
            ax.autoscale_view()
        left.set_ylim(0, 1.1 * float(run.norm[0].max()))
        left.set_title("the norm finds its steady value", fontsize=12)
        right.set_title("the turn settles where the formula says", fontsize=12)


def explore_weight_decay(lr: float = 0.1, weight_decay: float = 0.01, optimizer: str = "sgd") -> WeightDecayExplorer:
    """A :class:`WeightDecayExplorer`: move the rate and the decay, watch the turn depend on their product."""
    return WeightDecayExplorer(lr=lr, weight_decay=weight_decay, optimizer=optimizer)
