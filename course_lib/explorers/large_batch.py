"""The large-batch explorer (notebook 11): does the linear scaling rule hold, and when does it need warm-up?"""

from __future__ import annotations

import matplotlib.pyplot as plt

from course_lib.explorers.base import GREEN, Explorer
from course_lib.explorers.controls import Control
from course_lib.plotting.explorer_layout import fixed_layout
from course_lib.plotting.legends import place_legend, placed_later
from course_lib.plotting.live import update_runs_by_epoch
from course_lib.plotting.runs import plot_runs_by_epoch
from course_lib.studies.large_batch import describe_large_batch, large_batch_steps, run_large_batch_experiment
from course_lib.validation import check_in, check_int

__all__ = ["LargeBatchExplorer", "explore_large_batch"]

#: the training loss is a moving average over this many epochs (the same number of examples at every k)
SMOOTH_EPOCHS = 0.25


class LargeBatchExplorer(Explorer):
    """Batch multiplier k and warm-up length, k workers simulated in one process.

    Runs :func:`course_lib.studies.run_large_batch_experiment` and draws
    :func:`course_lib.plotting.plot_runs_by_epoch` (rate, training loss, validation loss against
    epochs). Controls: "k" (1, 2, 4, 8, 16), "warmup_epochs", "base_lr", "epochs"; every slider
    trains on release. ``last_result`` is the dict of runs (or the message of a refused setting).
    The runs are memoised and warmed ahead (:attr:`Explorer.warm_ahead`): a slider's next step is
    trained while the learner looks at the frame. The figure is drawn once and updated in place
    (:func:`course_lib.plotting.live.update_runs_by_epoch`) while the runs fit it.
    """

    figure_kind = "large_batch"
    warm_ahead = True  # the runs are memoised: a next step of a slider is trained while the learner looks

    def __init__(self, k: int = 4, warmup_epochs: float = 5.0, base_lr: float = 0.02, epochs: int = 15) -> None:
        check_in("k", k, (1, 2, 4, 8, 16))
        epochs = check_int("epochs", epochs, minimum=5)
        slow = dict(continuous=False)
        self._epoch_figure = None  # the figure of plot_runs_by_epoch being shown, once drawn
        super().__init__(
            [
                Control("k", "steps", k, options=(1, 2, 4, 8, 16), label="batch multiplier k", **slow),
                Control(
                    "warmup_epochs", "float", warmup_epochs, 0, 10, 0.5, label="warm-up (epochs)", readout=".1f", **slow
                ),
                Control("base_lr", "log", base_lr, 10**-2.5, 0.1, 0.05, label="base lr (batch 32)", **slow),
                Control("epochs", "int", epochs, 5, 30, **slow),
            ],
            columns=[["k", "warmup_epochs"], ["base_lr", "epochs"]],
        )
        self.update()

    def compute(self, v: dict) -> dict | str:
        try:
            return run_large_batch_experiment(v["k"], _warmup(v), base_lr=v["base_lr"], epochs=v["epochs"])
        except (ValueError, TypeError) as err:
            return str(err)

    def warm_steps(self, v: dict) -> list:
        return large_batch_steps(v["k"], _warmup(v), base_lr=v["base_lr"], epochs=v["epochs"])  # one per run

    def describe(self, runs: dict, v: dict) -> tuple[str, str]:
        return describe_large_batch(runs), GREEN

    def draw(self, runs: dict, v: dict) -> None:
        title = f"k = {v['k']}: {v['k']} simulated workers x batch 32 (same math as DDP)"
        if self._epoch_figure is self.figure and update_runs_by_epoch(
            self.figure, runs, smooth_epochs=SMOOTH_EPOCHS
        ):  # the same panels and runs: new data in the lines, the figure and its layout kept
            self.figure.suptitle(title, fontsize=12)  # the same Text, new words
            place_legend(self.axes[0], outside=False, draw=False)
            return
        with placed_later():  # fixed_layout places the legends in the frame's own layout
            fig = plot_runs_by_epoch(runs, smooth_epochs=SMOOTH_EPOCHS)
        plt.close(fig)  # not pyplot's: the explorer shows it
        fig.suptitle(title, fontsize=12)
        self.figure, self.axes = fixed_layout(fig), fig.axes
        self._epoch_figure = fig


def _warmup(v: dict) -> float:
    """The warm-up of the runs: the slider's, clamped to the run (longer than the run: epochs - 1)."""
    return min(float(v["warmup_epochs"]), v["epochs"] - 1)


def explore_large_batch(**kwargs) -> LargeBatchExplorer:
    """A :class:`LargeBatchExplorer` (keyword arguments: the starting control values)."""
    return LargeBatchExplorer(**kwargs)
