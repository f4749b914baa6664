"""The projector switch: COURSE_PROJECTOR=1 before Run All gives projector-sized static figures and
explorers whose every panel keeps the projector style after every redraw."""

from __future__ import annotations

import os
import subprocess
import sys

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from course_lib import explorers, plotting, schedules  # noqa: E402
from course_lib.plotting import style  # noqa: E402


@pytest.fixture
def projector():
    plotting.use_projector_style(True)
    yield
    plotting.use_projector_style(False)


def _sizes(fig) -> set[tuple[str, float]]:
    """(kind, font size) of every tick label and axis label with text in ``fig``."""
    out = set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            for tick in axis.get_major_ticks():
                if tick.label1.get_visible() and tick.label1.get_text():
                    out.add(("tick", tick.label1.get_fontsize()))
                if tick.label2.get_visible() and tick.label2.get_text():
                    out.add(("tick", tick.label2.get_fontsize()))
            if axis.label.get_text():
                out.add(("label", axis.label.get_fontsize()))
    return out


def _projector_sizes() -> set[tuple[str, float]]:
    s = style.PROJECTOR_STYLE
    return {("tick", s["xtick.labelsize"]), ("label", s["axes.labelsize"])}


def test_the_environment_variable_switches_the_projector_style_on_at_import():
    code = "from course_lib import plotting; print(plotting.projector_on())"
    env = {**os.environ, "COURSE_PROJECTOR": "1", "MPLBACKEND": "Agg"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"
    # the values that leave it off: what the import calls, here (a second interpreter cost seconds)
    style.use_projector_style(False)
    for value in ("0", "", "off", "no"):
        assert style.projector_from_environment({"COURSE_PROJECTOR": value}) is False, value


def test_static_figures_are_projector_sized(projector):
    ax = plotting.plot_schedules({"cosine": schedules.cosine_decay(0.1, 100)}, 100)
    fig = ax.figure
    fig.canvas.draw()
    assert tuple(fig.get_size_inches()) == style.PROJECTOR_STYLE["figure.figsize"]
    assert _sizes(fig) == _projector_sizes()


@pytest.mark.parametrize(
    "make, moves",
    [
        (
            lambda: explorers.explore_gd(),
            [("condition_number", 50.0), ("lr", 0.5), ("problem", "rosenbrock"), ("problem", "quadratic")],
        ),
        (lambda: explorers.explore_schedules(n_steps=200), [("lr", 0.3), ("log", True), ("schedule", "step_decay")]),
    ],
)
def test_explorer_frames_keep_the_projector_style_after_redraws(projector, make, moves):
    e = make()
    e.figure.canvas.draw()
    assert _sizes(e.figure) == _projector_sizes()
    for name, value in moves:
        e.controls[name].value = value
        assert e.last_error is None
        e.figure.canvas.draw()
        assert _sizes(e.figure) == _projector_sizes(), (name, value)


def test_lab_projector_sets_the_switch_and_larger_lab_text(tmp_path):
    import importlib.util
    import json
    from pathlib import Path

    spec = importlib.util.spec_from_file_location("course_script", Path(__file__).parents[2] / "course.py")
    course = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(course)
    env = course.projector_env(tmp_path)
    assert env["COURSE_PROJECTOR"] == "1"
    folder = Path(env["JUPYTERLAB_SETTINGS_DIR"]) / "@jupyterlab" / "apputils-extension"
    settings = folder / "themes.jupyterlab-settings"
    overrides = json.loads(settings.read_text())["overrides"]
    assert int(overrides["content-font-size1"].rstrip("px")) >= 20
