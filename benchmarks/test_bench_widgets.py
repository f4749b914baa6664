"""Widget explorers: one update as the learner waits for it, the frame encoded to PNG.

Each round moves one control to a new value (the observer runs ``update()``: compute, update the
figure's artists in place, render one frame: ``canvas.draw`` or a blit, then ``frame_png``: an RGB PNG at zlib level 1,
into the explorer's image widget). The "before" numbers in results.md were taken when every
update built a new figure and rendered it with savefig (and earlier, the inline backend's
``print_figure``, bbox_inches="tight": two passes). The control alternates between two values,
so no round can reuse the previous picture.

Besides the total, each benchmark records in ``extra_info`` the median of three phases:
compute (update minus draw and render), draw (updating the figure) and render (the PNG frame).

Every explorer class exported by ``course_lib.explorers`` is covered: the known ones by a recipe below,
any newer one by a generic recipe (built with no arguments, first numeric slider nudged).
"""

from __future__ import annotations

import inspect
import time
import warnings
from statistics import median

import ipywidgets as widgets
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from bench_config import QUICK, WARMUP_ROUNDS, WIDGET_ROUNDS, pedantic  # noqa: E402

from course_lib import explorers as W  # noqa: E402
from course_lib.explorers import base  # noqa: E402
from course_lib.plotting.explorer_layout import frame_png  # noqa: E402


def _small_comparison():
    """A comparison for the results explorer (as in tests/test_widgets_results.py; smaller if quick)."""
    from course_lib import problems as P
    from course_lib import studies as X
    from course_lib.training import models as M

    data = P.spirals_dataset(n_samples=100 if QUICK else 200, n_classes=3, seed=0)
    budget = X.Budget(
        data,
        lambda: M.mlp(2, 3, hidden=(8,), seed=None),
        epochs=1 if QUICK else 2,
        batch_size=32,
        options=dict(momentum=0.9),
    )
    schedules = {"constant": X.constant_schedule, "cosine": X.cosine_schedule, "WSD": X.wsd_schedule}
    return X.compare_schedules(
        schedules, [0.03, 0.3] if QUICK else [0.03, 0.1, 0.3], budget, seeds=(1,) if QUICK else (1, 2)
    )


#: name -> (class name, build the explorer, control moved, its two values)
RECIPES = {
    "explore_schedules": ("ScheduleExplorer", lambda: W.explore_schedules(), "lr", (0.1, 0.05)),
    "explore_schedules (log y)": (
        "ScheduleExplorer",
        lambda: _with(W.explore_schedules(), log=True),
        "lr",
        (0.1, 0.05),
    ),
    "explore_gd": ("GDExplorer", lambda: W.explore_gd(), "lr", (1.5, 1.0)),
    "explore_gd (rosenbrock)": ("GDExplorer", lambda: W.explore_gd("rosenbrock"), "lr", (1e-3, 10**-2.95)),
    "compare_schedules": ("CompareExplorer", lambda: W.explore_comparison(), "lr", (1.5, 1.0)),
    "explore_conventions": ("ConventionsExplorer", lambda: W.explore_conventions(), "horizon", (100, 90)),
    "explore_plateau": ("PlateauExplorer", lambda: W.explore_plateau(), "factor", (0.5, 0.45)),
    "explore_results": ("ResultsExplorer", lambda: W.explore_results(_small_comparison()), "band", ("std", "minmax")),
    "explore_large_batch": (
        "LargeBatchExplorer",
        lambda: W.explore_large_batch(epochs=5) if QUICK else W.explore_large_batch(),
        "warmup_epochs",
        (2.0, 1.5) if QUICK else (5.0, 4.5),
    ),
}


def _with(explorer, **values):
    for name, value in values.items():
        explorer.controls[name].value = value
    return explorer


def _explorer_classes() -> dict[str, type]:
    classes = {name: getattr(W, name) for name in W.__all__}
    return {
        name: cls
        for name, cls in classes.items()
        if inspect.isclass(cls) and issubclass(cls, base.Explorer) and cls is not base.Explorer
    }


def _generic(cls):
    """Recipe for an explorer without one: no-argument constructor, nudge the first numeric slider."""

    def build():
        return cls()

    explorer = build()
    for name, control in explorer.controls.items():
        if isinstance(control, (widgets.IntSlider, widgets.FloatSlider, widgets.FloatLogSlider)):
            value = control.value
            other = value + control.step if value + control.step <= control.max else value - control.step
            if isinstance(control, widgets.FloatLogSlider):
                other = value * control.base ** (
                    control.step if value * control.base**control.step <= control.base**control.max else -control.step
                )
            return (cls.__name__, lambda: explorer, name, (value, other))
    raise LookupError(f"{cls.__name__}: no numeric slider to move")


def _cases() -> list[tuple[str, tuple]]:
    cases = list(RECIPES.items())
    covered = {recipe[0] for recipe in RECIPES.values()}
    for name, cls in _explorer_classes().items():
        if name not in covered:
            cases.append((f"{name} (generic)", name))
    return cases


CASES = _cases()


class Phases:
    """Times spent drawing (updating the figure) and rendering (the PNG frame) during the updates."""

    def __init__(self) -> None:
        self.draw = 0.0
        self.render = 0.0
        self.shape = None  # (size in inches, number of axes) of the last figure rendered


def bare_figure_seconds(size: tuple[float, float], n_axes: int, rounds: int) -> float:
    """Median time to build and render a bare matplotlib figure of that size with n_axes axes.

    One 500-point line and two axis labels per axes, side by side, course style, same PNG
    call (canvas.draw + frame_png): the floor for one frame of that size.
    """
    import numpy as np

    line = np.linspace(0.0, 1.0, 500) ** 2
    times = []
    for _ in range(rounds + 1):
        start = time.perf_counter()
        fig, axes = plt.subplots(1, n_axes, figsize=size, squeeze=False)
        for ax in axes[0]:
            ax.plot(line)
            ax.set_xlabel("step")
            ax.set_ylabel("value")
        frame_png(fig)
        plt.close(fig)
        times.append(time.perf_counter() - start)
    return median(times[1:])


@pytest.fixture
def phases():
    p = Phases()
    original_draw, original_render = base.Explorer.update, base.Explorer.render

    def timed_render(self):
        start = time.perf_counter()
        try:
            original_render(self)
        finally:
            p.render += time.perf_counter() - start
            p.shape = (tuple(self.figure.get_size_inches()), len(self.figure.axes))

    def timed_update(self):
        draw = self.draw

        def timed_draw(*args, **kwargs):
            start = time.perf_counter()
            try:
                return draw(*args, **kwargs)
            finally:
                p.draw += time.perf_counter() - start

        self.draw = timed_draw
        try:
            original_draw(self)
        finally:
            del self.draw

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(base.Explorer, "render", timed_render)
        mp.setattr(base.Explorer, "update", timed_update)
        yield p
    plt.close("all")


@pytest.mark.parametrize("name,recipe", CASES, ids=[c[0] for c in CASES])
def test_explorer_update(benchmark, phases, name, recipe):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cls_name, build, control, values = _generic(_explorer_classes()[recipe]) if isinstance(recipe, str) else recipe
        explorer = build()
    widget = explorer.controls[control]
    widget.value = values[0]
    state = {"i": 0, "rounds": []}

    def one_update():
        state["i"] += 1
        before = (phases.draw, phases.render)
        start = time.perf_counter()
        widget.value = values[state["i"] % 2]
        total = time.perf_counter() - start
        draw, render = phases.draw - before[0], phases.render - before[1]
        state["rounds"].append((total - draw - render, draw, render))

    benchmark.group = "widgets"
    pedantic(benchmark, one_update, rounds=WIDGET_ROUNDS, warmup_rounds=WARMUP_ROUNDS)
    timed = state["rounds"][WARMUP_ROUNDS:]
    size, n_axes = phases.shape or ((8.0, 4.5), 1)
    benchmark.extra_info.update(
        kind="widget",
        explorer=name,
        cls=cls_name,
        control=control,
        compute=median(r[0] for r in timed),
        draw=median(r[1] for r in timed),
        render=median(r[2] for r in timed),
        generic=isinstance(recipe, str),
        figure=f"{size[0]:g}x{size[1]:g} in, {n_axes} axes",
        bare=bare_figure_seconds(size, n_axes, 1 if QUICK else max(WIDGET_ROUNDS, 5)),
    )
