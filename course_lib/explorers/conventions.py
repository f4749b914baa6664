"""The conventions explorer: one schedule family as each library runs it, around its horizon."""

from __future__ import annotations

import ipywidgets as widgets

from course_lib.explorers.base import Explorer, message_html
from course_lib.explorers.controls import Control
from course_lib.plotting.live import LiveCurves
from course_lib.references import libraries as C
from course_lib.validation import check_in

__all__ = ["ConventionsExplorer", "explore_conventions"]


class ConventionsExplorer(Explorer):
    """Controls: "family" ("cosine", "one_cycle", "multistep"; changing it resets the two sliders to
    :data:`course_lib.references.libraries.FAMILY_DEFAULTS`), "horizon" (T_max / total_steps, or the
    milestone b) and "n_steps" (steps drawn). Under the plot a table gives every curve's value at
    t = horizon - 1 .. horizon + 2 ("raises" where torch raises). ``last_result``: label -> curve.

    Args:
        family: the family shown first.
    """

    figure_kind = "conventions"

    def __init__(self, family: str = "cosine") -> None:
        check_in("family", family, C.FAMILIES)
        horizon, n_steps = C.FAMILY_DEFAULTS[family]
        self.table = widgets.HTML()
        super().__init__(
            [
                Control("family", "choice", family, options=C.FAMILIES),
                Control(
                    "horizon",
                    "int",
                    horizon,
                    2,
                    500,
                    label="horizon / milestone",
                    help="T_max / total_steps, or the milestone b, in steps",
                ),
                Control("n_steps", "int", n_steps, 5, 1000, label="steps drawn"),
            ],
            columns=[["family"], ["horizon"], ["n_steps"]],
            below=[self.table],
            resets={"family": lambda f: dict(zip(("horizon", "n_steps"), C.FAMILY_DEFAULTS[f]))},
        )
        self.curves = LiveCurves(self.axes[0])
        self.update()

    def compute(self, v: dict) -> dict:
        return C.convention_curves(v["family"], v["horizon"])

    def draw(self, curves: dict, v: dict) -> None:
        note = " (nan/gap = torch raises)" if v["family"] == "one_cycle" else ""
        self.curves.update(curves, v["n_steps"], title=f"{v['family']}: horizon {v['horizon']}{note}")
        steps = range(max(v["horizon"] - 1, 0), v["horizon"] + 3)
        self.table.value = message_html(C.convention_table(curves, steps))


def explore_conventions(family: str = "cosine") -> ConventionsExplorer:
    """A :class:`ConventionsExplorer`: how torch, Hugging Face, Keras and timm differ from course_lib."""
    return ConventionsExplorer(family=family)
