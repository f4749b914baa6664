"""Widget explorers, each control: one update as the learner waits for it, the frame encoded to PNG.

One benchmark per explorer x control (``explore_gd[lr]``, ``explore_gd[condition_number]``...).
Each round moves that control to a value it has not shown yet (sliders walk step by step away from
their start; dropdowns, checkboxes and multiple choices cycle through their options, so a choice
seen before may come from the explorers' caches, as it does for a learner who goes back), the
observer runs ``update()``: compute, update the figure's artists in place, render one frame
(``canvas.draw`` or a blit, then ``frame_png``: an RGB PNG at zlib level 1) into the explorer's
image widget. Each case starts from a fresh explorer at its default values. Between two rounds
(untimed) the learner looks at the frame: the idle kernel runs what the explorer left for it (the
training explorers warm their caches for the next step of each slider, ``Explorer.warm_ahead``)
for up to ``THINK_S``; the first round (a warm-up round) has nothing warmed: its time is ``cold``. The "before" numbers
in results.md were taken when every update built a new figure and rendered it with savefig.

Besides the total, each benchmark records in ``extra_info`` the median of three phases:
compute (update minus draw and render), draw (updating the figure) and render (the PNG frame),
the median CPU time of a round (less sensitive than the wall clock to a shared machine), and the
bare figure of the same size (the floor of a redraw; run.py scales the target by it).

Every explorer class exported by ``course_lib.explorers`` is covered: the known ones by a recipe below,
any newer one by a generic recipe (built with no arguments, first numeric slider moved).
"""

from __future__ import annotations

import functools
import inspect
import math
import time
import warnings
from statistics import median

import ipywidgets as widgets
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from bench_config import QUICK, THINK_S, WARMUP_ROUNDS, WIDGET_ROUNDS, pedantic  # noqa: E402

from course_lib import explorers as W  # noqa: E402
from course_lib.explorers import base  # noqa: E402
from course_lib.plotting.explorer_layout import frame_png  # noqa: E402


@functools.lru_cache(maxsize=1)
def _small_comparison():
    """A comparison for the results explorer (as in tests/test_widgets_results.py; smaller if quick)."""
    from course_lib import problems as P
    from course_lib import schedules as S
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
    schedules = {"constant": S.constant_schedule, "cosine": S.cosine_schedule, "WSD": S.wsd_schedule}
    return X.compare_schedules(
        schedules, [0.03, 0.3] if QUICK else [0.03, 0.1, 0.3], budget, seeds=(1,) if QUICK else (1, 2)
    )


#: name -> (class name, build the explorer, the controls moved (one benchmark each))
RECIPES = {
    "explore_schedules": (
        "ScheduleExplorer",
        lambda: W.explore_schedules(),
        ("schedule", "lr", "total_steps", "min_lr", "warmup", "log"),
    ),
    "explore_gd": (
        "GDExplorer",
        lambda: W.explore_gd(),
        ("problem", "condition_number", "schedule", "lr", "n_steps", "momentum"),
    ),
    "explore_gd (rosenbrock)": ("GDExplorer", lambda: W.explore_gd("rosenbrock"), ("lr", "n_steps", "momentum")),
    "explore_gd (multi_basin)": ("GDExplorer", lambda: W.explore_gd("multi_basin"), ("noisy",)),
    "compare_schedules": (
        "CompareExplorer",
        lambda: W.explore_comparison(),
        ("problem", "condition_number", "lr", "n_steps", "momentum", "schedule_1", "schedule_2", "schedule_3"),
    ),
    "explore_conventions": ("ConventionsExplorer", lambda: W.explore_conventions(), ("family", "horizon", "n_steps")),
    "explore_plateau": (
        "PlateauExplorer",
        lambda: W.explore_plateau(),
        ("lr", "factor", "patience", "cooldown", "threshold", "threshold_mode", "plateau_every", "n_steps"),
    ),
    "explore_results": (
        "ResultsExplorer",
        lambda: W.explore_results(_small_comparison()),
        ("schedules", "metric", "band"),
    ),
    "explore_large_batch": (
        "LargeBatchExplorer",
        lambda: W.explore_large_batch(epochs=5) if QUICK else W.explore_large_batch(),
        ("k", "warmup_epochs", "base_lr", "epochs"),
    ),
}


def _options(control) -> list:
    return [o[1] if isinstance(o, tuple) else o for o in control.options]


def moves(control, n: int) -> list:
    """``n`` new values for ``control``, one per round, none its current value.

    A slider walks one step at a time away from its value (up, or down from its maximum); a
    dropdown or selection slider cycles through its other options, a checkbox flips, a multiple
    choice cycles through each single option and all of them.
    """
    value = control.value
    if isinstance(control, (widgets.FloatLogSlider, widgets.FloatSlider, widgets.IntSlider)):
        log = isinstance(control, widgets.FloatLogSlider)
        here = math.log(value, control.base) if log else value
        span = round((control.max - control.min) / control.step)
        at = round((here - control.min) / control.step)
        # up to the maximum, then down from the start (a slider near its end still gets new values)
        ticks = [t for t in range(at + 1, span + 1)] + [t for t in range(at - 1, -1, -1)]
        ticks = [ticks[i % len(ticks)] for i in range(n)]
        walk = [control.min + t * control.step for t in ticks]
        return [control.base**x for x in walk] if log else [type(value)(round(x, 10)) for x in walk]
    if isinstance(control, widgets.Checkbox):
        return [(not value) if i % 2 == 0 else value for i in range(n)]
    if isinstance(control, widgets.SelectMultiple):
        cycle = [(o,) for o in _options(control)] + [tuple(_options(control))]
        cycle = [c for c in cycle if c != tuple(value)] + [tuple(value)]
        return [cycle[i % len(cycle)] for i in range(n)]
    options = _options(control)
    start = options.index(value)
    return [options[(start + 1 + i) % len(options)] for i in range(n)]


def _explorer_classes() -> dict[str, type]:
    classes = {name: getattr(W, name) for name in W.__all__}
    return {
        name: cls
        for name, cls in classes.items()
        if inspect.isclass(cls) and issubclass(cls, base.Explorer) and cls is not base.Explorer
    }


def _generic(cls) -> tuple:
    """Recipe for an explorer without one: no-argument constructor, its first numeric slider."""
    for name, control in cls().controls.items():
        if isinstance(control, (widgets.IntSlider, widgets.FloatSlider, widgets.FloatLogSlider)):
            return (cls.__name__, cls, (name,))
    raise LookupError(f"{cls.__name__}: no numeric slider to move")


def _cases() -> list[tuple[str, str, tuple]]:
    """(explorer, control, recipe) for each benchmark."""
    recipes = dict(RECIPES)
    covered = {recipe[0] for recipe in RECIPES.values()}
    for name, cls in _explorer_classes().items():
        if name not in covered:
            recipes[f"{name} (generic)"] = name
    cases = []
    for explorer, recipe in recipes.items():
        controls = _generic(_explorer_classes()[recipe])[2] if isinstance(recipe, str) else recipe[2]
        cases += [(explorer, control, recipe) for control in controls[: 1 if QUICK else None]]  # quick: smoke
    return cases


CASES = _cases()


class Phases:
    """Times spent drawing (updating the figure) and rendering (the PNG frame) during the updates."""

    def __init__(self) -> None:
        self.draw = 0.0
        self.render = 0.0
        self.shape = None  # (size in inches, number of axes) of the last figure rendered


@functools.lru_cache(maxsize=None)
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


@pytest.mark.parametrize("name,control,recipe", CASES, ids=[f"{c[0]}[{c[1]}]" for c in CASES])
def test_explorer_update(benchmark, phases, name, control, recipe):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cls_name, build, _ = _generic(_explorer_classes()[recipe]) if isinstance(recipe, str) else recipe
        explorer = build()
    assert explorer.controls[control].layout.display != "none", f"{name}: {control} is hidden at the start"
    values = moves(explorer.controls[control], WIDGET_ROUNDS + WARMUP_ROUNDS)
    state = {"i": 0, "rounds": []}
    idle: list = []  # the work an explorer leaves for the kernel's idle time (warming ahead)
    explorer.idle = lambda fn, *args: idle.append((fn, args))

    def learner_looks():
        """Between two moves the learner looks at the frame: the idle kernel runs the explorer's
        warming (one setting per turn, at least one) until none is left or THINK_S have passed."""
        start = time.perf_counter()
        while idle:
            fn, args = idle.pop(0)
            fn(*args)
            if time.perf_counter() - start >= THINK_S:
                break
        idle.clear()  # the next move comes: what was not warmed is computed when asked

    def one_update():
        widget = explorer.controls[control]  # looked up each round: an explorer may rebuild its controls
        value = values[state["i"]]
        state["i"] += 1
        before = (phases.draw, phases.render)
        cpu, start = time.process_time(), time.perf_counter()
        widget.value = value
        total = time.perf_counter() - start
        cpu = time.process_time() - cpu
        draw, render = phases.draw - before[0], phases.render - before[1]
        state["rounds"].append((total - draw - render, draw, render, cpu))

    benchmark.group = "widgets"
    pedantic(benchmark, one_update, rounds=WIDGET_ROUNDS, warmup_rounds=WARMUP_ROUNDS, setup=learner_looks)
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
        cpu=median(r[3] for r in timed),
        cold=sum(state["rounds"][0][:3]),  # the first move: nothing warmed before it (a jump does this too)
        generic=isinstance(recipe, str),
        figure=f"{size[0]:g}x{size[1]:g} in, {n_axes} axes",
        bare=bare_figure_seconds(size, n_axes, 1 if QUICK else max(WIDGET_ROUNDS, 5)),
    )
