"""Interactive explorers (ipywidgets 8): move a slider, see the schedule or the run.

Three layers, so that everything but the wiring is testable without a browser:

1. pure functions turn control values into a result: :func:`param_specs` (which
   controls a schedule factory needs), :func:`build_schedule` (values -> Schedule, or
   a readable message instead of a traceback), :func:`gd_schedule`,
   :func:`make_problem`, :func:`run_gd_experiment` (values -> History) and
   :func:`describe_run` (History -> a status line);
2. :mod:`course_lib.plotting` draws the result;
3. the explorer classes only build controls and call 1 and 2 when a value changes.

Figures use the inline backend: each redraw clears an ``ipywidgets.Output`` and
calls ``plt.show()`` inside it. Controls that train use ``continuous_update=False``
(the run starts when you release the slider).

Every explorer has ``.controls`` (name -> widget), ``.update()`` (redraw from the
current values), ``.last_result`` (what was drawn last) and ``.widget`` (the
container to display); it displays itself in a notebook.

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> s = build_schedule("cosine_decay", {"lr": 0.1, "total_steps": 500})
>>> s
CosineDecay(lr=0.1, total_steps=500, min_lr=0.0)
>>> build_schedule("warmup_stable_decay", {"total_steps": 100, "warmup_steps": 60, "decay_steps": 60})[:60]
'Cannot build warmup_stable_decay: warmup_steps + decay_steps'
"""
from __future__ import annotations

import base64
import contextlib
import functools
import html
import inspect
import io
import math
import re
import warnings
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Mapping

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

from course_lib.references import libraries as C
from course_lib import plotting as viz
from course_lib import problems as P
from course_lib import schedules as S
from course_lib import training as T
from course_lib.validation import check_in, check_int, check_positive
from course_lib.training.history import History

__all__ = [
    "ParamSpec", "param_specs", "build_schedule", "GD_SCHEDULES", "PROBLEMS", "PROBLEM_DEFAULTS",
    "gd_schedule", "make_problem", "run_gd_experiment", "describe_run",
    "ScheduleExplorer", "GDExplorer", "CompareExplorer",
    "explore_schedules", "explore_gd", "explore_comparison",
    "ConventionsExplorer", "explore_conventions",
    "run_plateau_experiment", "describe_plateau", "PlateauExplorer", "explore_plateau",
    "RESULT_METRICS", "select_results", "describe_results", "ResultsExplorer", "explore_results",
    "run_large_batch_experiment", "describe_large_batch", "LargeBatchExplorer",
    "explore_large_batch", "figure_png",
]


# ---------------------------------------------------------------------------
# Layer 1: pure functions
# ---------------------------------------------------------------------------

# The schedule controls and presets live in the schedules package (one registry row per schedule).
from course_lib.schedules.controls import KINDS as _KINDS, ParamSpec, control_value as _convert  # noqa: E402
from course_lib.schedules.recipes import GD_SCHEDULES, gd_schedule  # noqa: E402
from course_lib.schedules.registry import build_schedule, param_specs  # noqa: E402


#: The 2-D problems of the GD explorers.
PROBLEMS = ("quadratic", "rosenbrock", "multi_basin")

#: A starting (lr, n_steps, noisy) for each problem that gives a readable picture.
PROBLEM_DEFAULTS: dict[str, dict[str, Any]] = {
    "quadratic": {"lr": 1.5, "n_steps": 100, "noisy": False},
    "rosenbrock": {"lr": 1e-3, "n_steps": 2000, "noisy": False},
    "multi_basin": {"lr": 0.5, "n_steps": 1000, "noisy": True},
}


@functools.lru_cache(maxsize=32)
def make_problem(name: str, condition_number: float = 10.0) -> P.Problem:
    """The 2-D problem ``name`` ("quadratic", "rosenbrock", "multi_basin"); cached.

    Args:
        name: one of PROBLEMS.
        condition_number: kappa of the quadratic bowl (>= 1; ignored by the others).

    Raises:
        ValueError: unknown name or condition_number < 1.
    """
    check_in("name", name, PROBLEMS)
    if name == "quadratic":
        return P.quadratic_bowl(condition_number=float(condition_number))
    if name == "rosenbrock":
        return P.rosenbrock()
    return P.multi_basin()


def run_gd_experiment(problem_name: str, lr: float, schedule_name: str, n_steps: int, *,
                      condition_number: float = 10.0, momentum: float = 0.0, noisy: bool = False,
                      seed: int = 0, label: str | None = None) -> History:
    """Run gradient descent on a named problem with a named schedule of peak rate ``lr``.

    Never raises on divergence: the History says where it happened.

    Args:
        problem_name: one of PROBLEMS.
        lr: peak learning rate (> 0).
        schedule_name: one of GD_SCHEDULES.
        n_steps: number of updates (>= 2).
        condition_number: kappa of the quadratic (>= 1).
        momentum: heavy-ball momentum in [0, 1).
        noisy: use the noisy gradient (batch size 1); only multi_basin has one.
        seed: seed of the gradient noise.
        label: legend label; default the schedule name.

    Returns:
        The History (params: the path, shape (n+1, 2)).

    Raises:
        ValueError: a bad name or value, or noisy=True on a problem without gradient noise.
    """
    problem = make_problem(problem_name, float(condition_number))
    if noisy and not hasattr(problem, "stochastic_grad"):
        raise ValueError(f"noisy=True needs a problem with gradient noise (multi_basin), "
                         f"got problem_name={problem_name!r}")
    schedule = gd_schedule(schedule_name, lr, n_steps)
    return T.run_gd(problem, schedule, int(n_steps), momentum=float(momentum),
                    batch_size=1 if noisy else None, seed=int(seed),
                    label=schedule_name if label is None else label)


def describe_run(history: History, problem: Any) -> str:
    """One status line: diverged at step k / converged / still going, plus problem facts.

    On the quadratic it adds the stability limit 2/L (constant-rate GD converges iff
    lr < 2/L); on multi_basin, the basin the run ended in.

    >>> h = run_gd_experiment("quadratic", 2.5, "constant", 100)
    >>> describe_run(h, make_problem("quadratic")).split(";")[0]
    'constant: DIVERGED at step 30 (lr=2.5)'
    """
    name = history.label or "run"
    if history.diverged:
        lr = "?" if history.diverged_lr is None else f"{history.diverged_lr:.3g}"
        text = f"{name}: DIVERGED at step {history.diverged_step} (lr={lr})"
    else:
        excess = history.final_loss - float(getattr(problem, "min_loss", 0.0))
        if abs(excess) < 1e-6:
            excess_all = np.asarray(history.loss) - float(getattr(problem, "min_loss", 0.0))
            k = int(np.argmax(np.abs(excess_all) < 1e-6))
            text = f"{name}: converged (loss within 1e-6 of the minimum from step {k})"
        else:
            text = (f"{name}: not converged after {history.n_steps} steps "
                    f"(loss {history.final_loss:.3g}, {excess:.2g} above the minimum)")
    peak = float(np.max(history.lr)) if len(history.lr) else float("nan")
    if hasattr(problem, "stability_limit"):
        side = "above" if peak >= problem.stability_limit else "below"
        text += (f"; peak lr {peak:.3g} is {side} the stability limit 2/L = {problem.stability_limit:.3g}"
                 f" (best constant lr 2/(L+mu) = {problem.optimal_lr:.3g})")
    elif hasattr(problem, "curvature") and not hasattr(problem, "basin_of") and history.params is not None:
        curvature = float(problem.curvature(history.params[0]))
        if curvature > 0:
            text += f"; local stability limit at the start 2/curvature = {2 / curvature:.3g}"
    if hasattr(problem, "basin_of") and history.params is not None and not history.diverged:
        basin = problem.basin_of(history.params[-1])
        kind = "the deepest" if basin == problem.deepest else "a shallow one"
        text += f"; ended in basin {basin} ({kind})"
    return text


# ---------------------------------------------------------------------------
# Layer 3: widgets (layer 2 is course_lib.plotting)
# ---------------------------------------------------------------------------

_WIDE = {"description_width": "initial"}


def make_control(spec: ParamSpec, *, continuous_update: bool = True) -> widgets.Widget:
    """The ipywidget for a ParamSpec (log slider, slider, dropdown, checkbox or text field)."""
    common = dict(description=spec.name, style=_WIDE, layout=widgets.Layout(width="380px"))
    if spec.kind == "log":
        return widgets.FloatLogSlider(value=spec.default, base=10, min=math.log10(spec.low),
                                      max=math.log10(spec.high), step=spec.step, readout_format=".3g",
                                      continuous_update=continuous_update, tooltip=spec.help, **common)
    if spec.kind == "float":
        return widgets.FloatSlider(value=spec.default, min=spec.low, max=spec.high, step=spec.step,
                                   readout_format=".3g", continuous_update=continuous_update,
                                   tooltip=spec.help, **common)
    if spec.kind in ("int", "optional_int"):
        return widgets.IntSlider(value=spec.default, min=int(spec.low), max=int(spec.high), step=1,
                                 continuous_update=continuous_update, tooltip=spec.help, **common)
    if spec.kind == "choice":
        return widgets.Dropdown(options=list(spec.options), value=spec.default, **common)
    if spec.kind == "bool":
        return widgets.Checkbox(value=bool(spec.default), indent=False, **common)
    return widgets.Text(value=str(spec.default), continuous_update=False, tooltip=spec.help, **common)



def _wide(width: str = "380px", **extra: Any) -> dict[str, Any]:
    """Keyword arguments of a control: wide description, its *own* Layout of ``width``.

    Each control needs a Layout of its own: a shared one is one object in the page, so hiding
    one control (``layout.display = "none"``) would hide every control that shares it.
    """
    return dict(style=_WIDE, layout=widgets.Layout(width=width), **extra)

def figure_png(fig: Any, dpi: float | None = None) -> bytes:
    """``fig`` as PNG bytes at ``dpi`` (default: the figure's own, as the inline backend uses).

    No ``bbox_inches="tight"``: the inline backend's default draws the figure twice (once to
    measure it, once to paint it), which was half of an explorer's redraw time. Explorer figures
    have fixed margins instead (:func:`_widget_layout`).
    """
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fig.savefig(buffer, format="png", dpi=dpi or fig.dpi)
    return buffer.getvalue()


def figure_img_html(png: bytes, alt: str) -> str:
    """An ``<img>`` of PNG bytes (inline, base64) with ``alt`` as its text alternative."""
    data = base64.b64encode(png).decode("ascii")
    return f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt, quote=True)}">'


def _show(fig: Any) -> None:
    """Show an explorer's figure in the current output (a kernel only), then free the figure.

    In a kernel the figure goes out as one PNG (:func:`figure_png`), the picture the inline
    backend would send, inside an ``<img>`` whose alt text is
    :func:`course_lib.plotting.describe_figure` (JupyterLab's PNG renderer has no alt text;
    its HTML renderer keeps ours). Outside a kernel (tests, scripts) there is nowhere to show it.
    """
    try:
        if _in_kernel():
            from IPython.display import display

            png = figure_png(fig)
            alt = viz.describe_figure(fig)
            display({"text/html": figure_img_html(png, alt), "text/plain": alt}, raw=True)
    finally:
        plt.close(fig)


#: Explorer figures use fixed spacing (inches) instead of constrained layout. Constrained layout
#: measures every tick label of every axes, at every draw, and the inline backend draws twice
#: (bbox_inches="tight"): that was most of the time a redraw took. The outer margins only need to
#: be roughly right, since the inline PNG is cropped to its content ("tight"); the gaps between
#: panels must hold a y axis' tick labels and label (and a twin axis' on the right).
_GAP_IN = 1.05          # between panels of a row: the next panel's y tick labels and label
_TWIN_IN = 0.95         # extra room for a right-hand (twin) y axis
_ROW_GAP_IN = 0.95      # between rows: x tick labels, x label and a title
_MARGINS_IN = dict(left=1.0, right=0.2, bottom=0.8, top=0.45)


def _widget_layout(fig: Any) -> Any:
    """Switch a figure from constrained layout to fixed spacing (see ``_GAP_IN``); returns ``fig``.

    Under the projector style the figure is first shrunk to fit a slide (:func:`plotting.fit_to_slide`).

    Figures whose axes are not on one grid (e.g. added by hand) are left as they are.
    """
    viz.fit_to_slide(fig)
    specs = [ax.get_subplotspec() for ax in fig.axes]
    if not specs or any(spec is None for spec in specs) or len({id(s.get_gridspec()) for s in specs}) != 1:
        return fig
    nrows, ncols = specs[0].get_gridspec().get_geometry()
    width, height = fig.get_size_inches()
    twin_columns = {spec.colspan.stop - 1 for ax, spec in zip(fig.axes, specs)
                    if ax.yaxis.get_label_position() == "right" and ax.yaxis.get_label().get_text()}
    right = _MARGINS_IN["right"] + (_TWIN_IN if ncols - 1 in twin_columns else 0.0)
    top = _MARGINS_IN["top"] + (0.35 if fig._suptitle is not None else 0.0)
    gap = _GAP_IN + (_TWIN_IN if twin_columns - {ncols - 1} else 0.0)
    row_gap = _ROW_GAP_IN
    inner_w = width - _MARGINS_IN["left"] - right
    inner_h = height - _MARGINS_IN["bottom"] - top
    panel_w = max((inner_w - (ncols - 1) * gap) / ncols, 0.5)
    panel_h = max((inner_h - (nrows - 1) * row_gap) / nrows, 0.5)
    fig.set_layout_engine("none")
    # what fig.subplots_adjust does (it refuses to run on a figure that had constrained layout)
    fig.subplotpars.update(left=_MARGINS_IN["left"] / width, right=1 - right / width,
                           bottom=_MARGINS_IN["bottom"] / height, top=1 - top / height,
                           wspace=gap / panel_w, hspace=row_gap / panel_h)
    for ax, spec in zip(fig.axes, specs):
        ax.set_position(spec.get_position(fig))
    return fig


def _in_kernel() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with ipywidgets
        return False
    return getattr(get_ipython(), "kernel", None) is not None


def _message_html(text: str, color: str = "#222") -> str:
    return f"<div style='color:{color}; font-family:monospace; white-space:pre-wrap'>{html.escape(text)}</div>"


#: The DOM class of an explorer's outer box: the handle namer below works inside it only.
EXPLORER_CLASS = "course-explorer"

#: Names every slider handle inside its explorer after the slider's label. ipywidgets 8 draws a
#: slider with noUiSlider, whose handle (``div.noUi-handle[role=slider]``, the element that takes
#: the keyboard) has no accessible name: the description ``<label>`` is not tied to it, and
#: ipywidgets passes no ``handleAttributes`` (checked up to ipywidgets 8.1.9 / jupyterlab_widgets
#: 3.0.17). JupyterLab runs it as ``application/javascript`` inside a (trusted) Output widget,
#: with ``element`` bound to that output's node. It waits for the box to be attached, names the
#: handles, then watches the box, since sliders are re-created (a new schedule brings new
#: parameters). Anywhere else (no explorer around it) it gives up after a few seconds, quietly.
_NAME_HANDLES_JS = """(function (element) {
  var tries = 0;
  function nameHandles(root) {
    root.querySelectorAll('.widget-slider').forEach(function (slider) {
      var label = slider.querySelector('label.widget-label');
      var name = label ? label.textContent.trim() : '';
      if (!name) return;
      slider.querySelectorAll('.noUi-handle').forEach(function (handle) {
        if (handle.getAttribute('aria-label') !== name) handle.setAttribute('aria-label', name);
      });
    });
  }
  function start() {
    var root = element && element.closest ? element.closest('.%s') : null;
    if (!root) { if (++tries < 50) setTimeout(start, 100); return; }
    nameHandles(root);
    new MutationObserver(function () { nameHandles(root); }).observe(root, {childList: true, subtree: true});
  }
  start();
})(typeof element === 'undefined' ? null : element);
""" % EXPLORER_CLASS


def _handle_namer() -> widgets.Output:
    """A hidden Output holding :data:`_NAME_HANDLES_JS` (a widget's state is never stored in a
    notebook, so the script lives only in a live session: not on the website, not in the decks)."""
    namer = widgets.Output(layout=widgets.Layout(display="none"))
    namer.outputs = ({"output_type": "display_data", "metadata": {},
                      "data": {"application/javascript": _NAME_HANDLES_JS}},)
    return namer


class _Explorer:
    """Shared wiring: an output area, a status line, observers and display delegation."""

    def __init__(self) -> None:
        self.output = widgets.Output(layout=widgets.Layout(min_height="320px"))
        self.status = widgets.HTML()
        self.last_result: Any = None
        self._controls: dict[str, widgets.Widget] = {}
        self._holding = False
        self._widget: widgets.Widget = widgets.VBox()

    @property
    def widget(self) -> widgets.Widget:
        """The container to display (its last child is the hidden :func:`_handle_namer`)."""
        return self._widget

    @widget.setter
    def widget(self, box: widgets.Box) -> None:
        box.add_class(EXPLORER_CLASS)
        box.children = (*box.children, _handle_namer())
        self._widget = box

    @property
    def controls(self) -> dict[str, widgets.Widget]:
        """Control name -> widget (set ``.value`` to drive the explorer from code)."""
        return dict(self._controls)

    def _watch(self, *controls: widgets.Widget) -> None:
        for control in controls:
            control.observe(self._on_change, names="value")

    def _on_change(self, change: dict) -> None:
        if not self._holding:
            self.update()

    @contextlib.contextmanager
    def _hold(self) -> Iterator[None]:
        """Change several controls, redraw once (by the caller) afterwards."""
        before, self._holding = self._holding, True
        try:
            yield
        finally:
            self._holding = before

    def _clear(self, wait: bool = True) -> None:
        """Empty the output area (only in a kernel: outside one there is nothing to clear).

        wait=True keeps the old picture until the new one arrives (no flicker).
        """
        if _in_kernel():
            self.output.clear_output(wait=wait)

    def _draw(self, draw: Callable[[], Any]) -> None:
        """Clear the output area and show the figure ``draw()`` returns."""
        self._last_draw = draw
        self._clear()
        with self.output:
            fig = _widget_layout(draw())
            _show(fig)

    def snapshot_png(self, dpi: int = 72) -> bytes | None:
        """The current picture as PNG bytes (None if nothing is drawn), made without touching the UI."""
        snapshot = self.snapshot(dpi)
        return None if snapshot is None else snapshot[0]

    def snapshot(self, dpi: int = 72) -> tuple[bytes, str] | None:
        """The current picture as (PNG bytes, its description), or None if nothing is drawn.

        The description is :func:`course_lib.plotting.describe_figure` of the same figure.
        """
        draw = getattr(self, "_last_draw", None)
        if draw is None:
            return None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fig = _widget_layout(draw())
            try:
                return figure_png(fig, dpi=dpi), viz.describe_figure(fig)
            finally:
                plt.close(fig)

    def update(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        """The live widget, plus a PNG of its first picture for readers without a kernel.

        A live JupyterLab renders the widget (its mimetype ranks first); a stored
        notebook keeps the PNG (scripts/execute_notebooks.py drops the widget
        reference, whose model is not saved), so a browsed page still shows the plot.
        The PNG's metadata carries its description as ``alt`` (the website's alt text), and
        so does the plain text (rather than the repr of every control, and of the handle namer's script).
        """
        bundle = dict(self.widget._repr_mimebundle_(**kwargs))
        snapshot = self.snapshot()
        if snapshot is None:
            return bundle
        png, alt = snapshot
        bundle["image/png"] = base64.b64encode(png).decode("ascii")
        bundle["text/plain"] = alt
        return bundle, {"image/png": {"alt": alt}}


class ScheduleExplorer(_Explorer):
    """Pick a catalog schedule, move its parameters, watch lr(t) change.

    Controls: "schedule" (dropdown over ``S.CATALOG``), "log" (log y axis),
    "warmup" (0: none; else that many steps of linear warm-up in front), and one control per
    parameter of the chosen schedule (rebuilt when the schedule changes). The repr
    and the formula are shown under the plot; a combination the schedule refuses
    shows its message instead (``last_result`` is then that message string).

    Args:
        n_steps: steps drawn (>= 2).
        schedule: the schedule shown first.
    """

    def __init__(self, n_steps: int = 1000, schedule: str = "cosine_decay") -> None:
        super().__init__()
        self.n_steps = check_int("n_steps", n_steps, minimum=2)
        check_in("schedule", schedule, tuple(S.CATALOG))
        self.info = widgets.HTML()
        self._fixed = {
            "schedule": widgets.Dropdown(options=list(S.CATALOG), value=schedule, description="schedule",
                                         style=_WIDE, layout=widgets.Layout(width="380px")),
            "log": widgets.Checkbox(value=False, description="log-scale y axis", indent=False),
            "warmup": widgets.IntSlider(value=0, min=0, max=self.n_steps // 2, description="extra warm-up steps",
                                        style=_WIDE, layout=widgets.Layout(width="380px"),
                                        tooltip="0: no warm-up; else a linear warm-up in front"),
        }
        self._param_box = widgets.VBox()
        self._params: dict[str, widgets.Widget] = {}
        self._fixed["schedule"].observe(self._on_schedule, names="value")
        self._watch(self._fixed["log"], self._fixed["warmup"])
        self._build_params()
        left = widgets.VBox([self._fixed["schedule"], self._param_box, self._fixed["warmup"],
                             self._fixed["log"]], layout=widgets.Layout(width="400px"))
        self.widget = widgets.VBox([widgets.HBox([left, self.output], layout=widgets.Layout(flex_flow="row wrap")),
                                    self.info, self.status])
        self.update()

    def _build_params(self) -> None:
        for old in self._params.values():  # controls of the previous schedule: detach and free
            old.unobserve(self._on_change, names="value")
            old.close()
        specs = param_specs(self._fixed["schedule"].value, self.n_steps)
        self._params = {name: make_control(spec) for name, spec in specs.items()}
        self._watch(*self._params.values())
        self._param_box.children = tuple(self._params.values())
        self._controls = {**self._fixed, **self._params}

    def _on_schedule(self, change: dict) -> None:
        with self._hold():
            self._build_params()
        if not self._holding:
            self.update()

    def update(self) -> None:
        """Rebuild the schedule from the current control values and redraw."""
        name = self._fixed["schedule"].value
        values = {k: c.value for k, c in self._params.items()}
        result = build_schedule(name, values, n_steps=self.n_steps, warmup_steps=self._fixed["warmup"].value)
        self.last_result = result
        if isinstance(result, str):
            self._clear(wait=False)
            self.info.value = ""
            self.status.value = _message_html(result, color="#b00020")
            return
        log = self._fixed["log"].value
        self._draw(lambda: viz.plot_schedules({name: result}, self.n_steps, log=log,
                                              title=viz.shorten(repr(result), 70)).figure)
        formula = result.formula
        if isinstance(result, S.Warmup):
            formula += "\n  with schedule: " + result.schedule.formula
        self.info.value = _message_html(f"{result!r}\n{formula}")
        self.status.value = ""


def _problem_controls(problem: str) -> dict[str, widgets.Widget]:
    """The controls GDExplorer and CompareExplorer share (all continuous_update=False)."""
    check_in("problem", problem, PROBLEMS)
    defaults = PROBLEM_DEFAULTS[problem]
    return {
        "problem": widgets.Dropdown(options=list(PROBLEMS), value=problem, description="problem",
                                    style=_WIDE, layout=widgets.Layout(width="380px")),
        "condition_number": widgets.FloatLogSlider(value=10.0, base=10, min=0, max=3, step=0.05,
                                                   description="condition number", readout_format=".3g",
                                                   **_wide("380px", continuous_update=False)),
        "lr": widgets.FloatLogSlider(value=defaults["lr"], base=10, min=-4, max=1, step=0.05,
                                     description="lr (peak)", readout_format=".3g",
                                     **_wide("380px", continuous_update=False)),
        "n_steps": widgets.IntSlider(value=defaults["n_steps"], min=10, max=5000, step=10,
                                     description="steps", **_wide("380px", continuous_update=False)),
        "momentum": widgets.FloatSlider(value=0.0, min=0.0, max=0.99, step=0.01, description="momentum",
                                        **_wide("380px", continuous_update=False)),
        "noisy": widgets.Checkbox(value=defaults["noisy"], description="gradient noise (SGD, batch 1)",
                                  indent=False),
    }


class _GDBase(_Explorer):
    """Problem controls shared by GDExplorer and CompareExplorer."""

    def _setup_problem(self, problem: str) -> None:
        self._controls = _problem_controls(problem)
        self._controls["problem"].observe(self._on_problem, names="value")
        self._watch(*(c for k, c in self._controls.items() if k != "problem"))
        self._sync_visibility()

    def _sync_visibility(self) -> None:
        name = self._controls["problem"].value
        self._controls["condition_number"].layout.display = None if name == "quadratic" else "none"
        self._controls["noisy"].layout.display = None if name == "multi_basin" else "none"

    def _on_problem(self, change: dict) -> None:
        defaults = PROBLEM_DEFAULTS[change["new"]]
        with self._hold():
            for key in ("lr", "n_steps", "noisy"):
                self._controls[key].value = defaults[key]
            self._sync_visibility()
        if not self._holding:
            self.update()

    def _run(self, schedule_name: str) -> tuple[History, P.Problem]:
        c = {k: w.value for k, w in self._controls.items()}
        problem = make_problem(c["problem"], float(c["condition_number"]))
        h = run_gd_experiment(c["problem"], c["lr"], schedule_name, c["n_steps"],
                              condition_number=c["condition_number"], momentum=c["momentum"],
                              noisy=bool(c["noisy"]) and c["problem"] == "multi_basin", seed=0)
        return h, problem

    def _draw_runs(self, runs: list[History], problem: P.Problem) -> None:
        def draw():
            with viz.course_style():
                fig, (ax_path, ax_loss) = plt.subplots(1, 2, figsize=(13, 5), layout="constrained",
                                                       gridspec_kw={"width_ratios": [1, 1.25]})
            viz.plot_path(problem, runs, ax=ax_path, log_levels=not hasattr(problem, "basin_of"),
                          levels=20, grid_points=100)
            viz.plot_history(runs, ax=ax_loss)
            return fig

        self._draw(draw)


class GDExplorer(_GDBase):
    """Gradient descent on a 2-D problem: path and loss side by side, with a status line.

    Controls: "problem", "condition_number" (quadratic only), "schedule", "lr" (peak,
    log slider), "n_steps", "momentum", "noisy" (multi_basin only). Changing the
    problem resets lr and n_steps to :data:`PROBLEM_DEFAULTS`.

    Args:
        problem: the problem shown first.
        schedule: the schedule shown first (a key of GD_SCHEDULES).
    """

    def __init__(self, problem: str = "quadratic", schedule: str = "constant") -> None:
        super().__init__()
        check_in("schedule", schedule, tuple(GD_SCHEDULES))
        self._setup_problem(problem)
        self._controls["schedule"] = widgets.Dropdown(
            options=[(f"{k}  ({v})", k) for k, v in GD_SCHEDULES.items()], value=schedule,
            description="schedule", style=_WIDE, layout=widgets.Layout(width="380px"))
        self._watch(self._controls["schedule"])
        c = self._controls
        left = widgets.VBox([c["problem"], c["condition_number"], c["schedule"], c["lr"], c["n_steps"],
                             c["momentum"], c["noisy"]])
        self.widget = widgets.VBox([left, self.status, self.output])
        self.update()

    def update(self) -> None:
        """Run GD with the current control values and redraw path and loss."""
        h, problem = self._run(self._controls["schedule"].value)
        self.last_result = h
        color = "#b00020" if h.diverged else "#1b5e20"
        self.status.value = _message_html(describe_run(h, problem), color=color)
        self._draw_runs([h], problem)


_NONE = "(none)"


class CompareExplorer(_GDBase):
    """Two or three schedules on the same problem, same peak lr: paths and losses overlaid.

    Controls: the GDExplorer problem controls plus "schedule_1", "schedule_2" and
    "schedule_3" (the third may be "(none)"). ``last_result`` is the list of Histories.

    Args:
        problem: the problem shown first.
        schedules: two or three keys of GD_SCHEDULES shown first.
    """

    def __init__(self, problem: str = "quadratic",
                 schedules: tuple[str, ...] = ("constant", "step_decay", "cosine_decay")) -> None:
        super().__init__()
        schedules = tuple(schedules)
        if not 2 <= len(schedules) <= 3:
            raise ValueError(f"schedules must name 2 or 3 schedules, got schedules={schedules!r}")
        for i, s in enumerate(schedules):
            check_in(f"schedules[{i}]", s, tuple(GD_SCHEDULES))
        self._setup_problem(problem)
        for i in range(3):
            options = list(GD_SCHEDULES) + ([_NONE] if i == 2 else [])
            value = schedules[i] if i < len(schedules) else _NONE
            self._controls[f"schedule_{i + 1}"] = widgets.Dropdown(
                options=options, value=value, description=f"schedule {i + 1}", style=_WIDE,
                layout=widgets.Layout(width="300px"))
            self._watch(self._controls[f"schedule_{i + 1}"])
        c = self._controls
        left = widgets.VBox([c["problem"], c["condition_number"], c["lr"], c["n_steps"], c["momentum"],
                             c["noisy"]])
        right = widgets.VBox([c["schedule_1"], c["schedule_2"], c["schedule_3"]])
        self.widget = widgets.VBox([widgets.HBox([left, right]), self.status, self.output])
        self.update()

    def update(self) -> None:
        """Run every chosen schedule with the current values and redraw them overlaid."""
        names = [self._controls[f"schedule_{i}"].value for i in (1, 2, 3)]
        runs, problem = [], None
        for i, name in enumerate(n for n in names if n != _NONE):
            h, problem = self._run(name)
            h.label = f"{i + 1}: {name}"
            runs.append(h)
        self.last_result = runs
        lines = [describe_run(h, problem) for h in runs]
        color = "#b00020" if any(h.diverged for h in runs) else "#1b5e20"
        self.status.value = _message_html("\n".join(lines), color=color)
        self._draw_runs(runs, problem)


def explore_schedules(n_steps: int = 1000, schedule: str = "cosine_decay") -> ScheduleExplorer:
    """A :class:`ScheduleExplorer` (display it by leaving it last in a cell)."""
    return ScheduleExplorer(n_steps=n_steps, schedule=schedule)


def explore_gd(problem: str = "quadratic", schedule: str = "constant") -> GDExplorer:
    """A :class:`GDExplorer` on ``problem``."""
    return GDExplorer(problem=problem, schedule=schedule)


def explore_comparison(problem: str = "quadratic",
                      schedules: tuple[str, ...] = ("constant", "step_decay", "cosine_decay")) -> CompareExplorer:
    """A :class:`CompareExplorer` on ``problem`` with two or three schedules."""
    return CompareExplorer(problem=problem, schedules=schedules)


class ConventionsExplorer(_Explorer):
    """One schedule family as each library runs it, next to course_lib, around its horizon.

    Controls: "family" ("cosine", "one_cycle", "multistep"; changing it resets the
    two sliders to :data:`course_lib.references.libraries.FAMILY_DEFAULTS`), "horizon" (T_max /
    total_steps, or the milestone b) and "n_steps" (steps drawn). The pure layer is
    :func:`course_lib.references.libraries.convention_curves`; under the plot a table gives
    every curve's value at t = horizon - 1 .. horizon + 2 ("raises" where torch raises).
    ``last_result`` is the dict label -> curve drawn.

    Args:
        family: the family shown first.
    """

    def __init__(self, family: str = "cosine") -> None:
        super().__init__()
        check_in("family", family, C.FAMILIES)
        horizon, n_steps = C.FAMILY_DEFAULTS[family]
        self._controls = {
            "family": widgets.Dropdown(options=list(C.FAMILIES), value=family, description="family", **_wide("380px")),
            "horizon": widgets.IntSlider(value=horizon, min=2, max=500, description="horizon / milestone",
                                         tooltip="T_max / total_steps, or the milestone b, in steps", **_wide("380px")),
            "n_steps": widgets.IntSlider(value=n_steps, min=5, max=1000, description="steps drawn", **_wide("380px")),
        }
        self._controls["family"].observe(self._on_family, names="value")
        self._watch(self._controls["horizon"], self._controls["n_steps"])
        self.table = widgets.HTML()
        c = self._controls
        self.widget = widgets.VBox([widgets.HBox([c["family"], c["horizon"], c["n_steps"]],
                                                 layout=widgets.Layout(flex_flow="row wrap")),
                                    self.output, self.table])
        self.update()

    def _on_family(self, change: dict) -> None:
        horizon, n_steps = C.FAMILY_DEFAULTS[change["new"]]
        with self._hold():
            self._controls["horizon"].value = horizon
            self._controls["n_steps"].value = n_steps
        if not self._holding:
            self.update()

    def update(self) -> None:
        """Rebuild the curves from the current values and redraw plot and table."""
        family = self._controls["family"].value
        horizon = self._controls["horizon"].value
        n_steps = self._controls["n_steps"].value
        curves = C.convention_curves(family, horizon)
        self.last_result = curves
        title = f"{family}: horizon {horizon} (nan/gap = torch raises)" if family == "one_cycle" else \
            f"{family}: horizon {horizon}"
        self._draw(lambda: viz.plot_schedules(curves, n_steps, title=title).figure)
        steps = range(max(horizon - 1, 0), horizon + 3)
        self.table.value = _message_html(C.convention_table(curves, steps))


def explore_conventions(family: str = "cosine") -> ConventionsExplorer:
    """A :class:`ConventionsExplorer`: how torch, Hugging Face, Keras and timm differ from course_lib."""
    return ConventionsExplorer(family=family)


# ---------------------------------------------------------------------------
# Reduce-on-plateau explorer (notebook 05)
# ---------------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def _plateau_problem() -> P.NoisyLeastSquares:
    return P.noisy_least_squares()


def run_plateau_experiment(lr: float = 0.1, factor: float = 0.5, patience: int = 2, cooldown: int = 0,
                           threshold: float = 1e-4, *, threshold_mode: str = "rel", min_lr: float = 0.0,
                           plateau_every: int = 100, n_steps: int = 4000, batch_size: int = 1,
                           seed: int = 0) -> list[History]:
    """SGD on ``problems.noisy_least_squares()`` at a constant rate, and under ReduceLROnPlateau.

    Both runs start at rate ``lr`` and see the same gradient noise (same seed). The plateau
    policy is stepped every ``plateau_every`` steps with the mean training loss of that
    window (see :func:`course_lib.training.gd.run_gd`). The returned Histories hold the
    *excess* loss f(w) - f* (:func:`course_lib.studies.measures.excess_loss`), so the noise
    floor, and its drop after each cut, shows on a log axis.

    Args:
        lr: the starting rate (> 0).
        factor, patience, cooldown, threshold, threshold_mode, min_lr: the policy's settings
            (:class:`course_lib.training.plateau.ReduceLROnPlateau`).
        plateau_every: steps per evaluation (>= 1).
        n_steps: steps per run (>= 1).
        batch_size: examples per gradient (>= 1).
        seed: seed of the mini-batch sampling.

    Returns:
        [constant-rate run, plateau run], labelled.

    Raises:
        ValueError, TypeError: a bad setting, naming it.

    >>> const, plat = run_plateau_experiment(n_steps=1000)
    >>> bool(plat.lr[-1] < const.lr[-1])
    True
    """
    from course_lib import studies as X
    from course_lib.training.plateau import ReduceLROnPlateau

    policy = ReduceLROnPlateau(lr, factor=factor, patience=patience, threshold=threshold,
                               threshold_mode=threshold_mode, cooldown=cooldown, min_lr=min_lr)
    problem = _plateau_problem()
    common = dict(batch_size=batch_size, seed=seed)
    constant = T.run_gd(problem, lr, n_steps, label=f"constant lr {lr:.3g}", **common)
    plateau = T.run_gd(problem, None, n_steps, plateau=policy, plateau_every=plateau_every,
                       label="reduce on plateau", **common)
    return [X.excess_loss(constant, problem), X.excess_loss(plateau, problem)]


def describe_plateau(runs: list[History], window: int | None = None) -> str:
    """A status line per run: late excess loss, and for the plateau run its cuts and final rate.

    Args:
        runs: the Histories of :func:`run_plateau_experiment` (their loss is the excess loss).
        window: steps averaged at the end; default the last 10% of the run.
    """
    lines = []
    for h in runs:
        if h.diverged:
            lines.append(h.summary())
            continue
        n = window or max(h.n_steps // 10, 1)
        text = f"{h.label}: mean excess loss over the last {n} steps {np.mean(h.loss[-n:]):.3g}"
        cuts = np.flatnonzero(np.diff(h.lr) < 0) + 1
        if cuts.size:
            shown = ", ".join(str(int(c)) for c in cuts[:8]) + (", ..." if cuts.size > 8 else "")
            text += f"; {cuts.size} cut(s), at steps {shown}; final lr {h.lr[-1]:.3g}"
        lines.append(text)
    return "\n".join(lines)


class PlateauExplorer(_Explorer):
    """Reduce-on-plateau on a noisy regression: move patience, factor, cooldown, threshold.

    SGD (batch 1) on noisy least squares; a constant rate stalls at its noise floor, the
    plateau policy cuts the rate when the loss stops improving and goes below it. The
    figure is :func:`course_lib.plotting.plot_history` of the excess loss with the rates
    (dashed, right axis). Controls: "lr", "factor", "patience", "cooldown", "threshold",
    "threshold_mode", "plateau_every", "n_steps" (all ``continuous_update=False``).
    ``last_result`` is [constant run, plateau run].
    """

    def __init__(self, lr: float = 0.1, factor: float = 0.5, patience: int = 2, cooldown: int = 0,
                 threshold: float = 1e-4, plateau_every: int = 100, n_steps: int = 4000) -> None:
        super().__init__()
        from course_lib.training.plateau import ReduceLROnPlateau

        ReduceLROnPlateau(lr, factor=factor, patience=patience, cooldown=cooldown, threshold=threshold)  # checks
        check_int("plateau_every", plateau_every, minimum=1)
        check_int("n_steps", n_steps, minimum=1)
        self._controls = {
            "lr": widgets.FloatLogSlider(value=lr, base=10, min=-3, max=math.log10(0.5), step=0.05,
                                         description="starting lr", readout_format=".3g",
                                         **_wide("380px", continuous_update=False)),
            "factor": widgets.FloatSlider(value=factor, min=0.05, max=0.95, step=0.05, description="factor",
                                          readout_format=".2f", **_wide("380px", continuous_update=False)),
            "patience": widgets.IntSlider(value=patience, min=0, max=10, description="patience (evaluations)",
                                          **_wide("380px", continuous_update=False)),
            "cooldown": widgets.IntSlider(value=cooldown, min=0, max=10, description="cooldown (evaluations)",
                                          **_wide("380px", continuous_update=False)),
            "threshold": widgets.FloatLogSlider(value=threshold, base=10, min=-6, max=-1, step=0.25,
                                                description="threshold", readout_format=".1e",
                                                **_wide("380px", continuous_update=False)),
            "threshold_mode": widgets.Dropdown(options=["rel", "abs"], value="rel", description="threshold_mode",
                                               style=_WIDE, layout=widgets.Layout(width="380px")),
            "plateau_every": widgets.IntSlider(value=plateau_every, min=20, max=1000, step=10,
                                               description="steps per evaluation",
                                               **_wide("380px", continuous_update=False)),
            "n_steps": widgets.IntSlider(value=n_steps, min=500, max=10000, step=500, description="steps",
                                         **_wide("380px", continuous_update=False)),
        }
        self._watch(*self._controls.values())
        c = self._controls
        left = widgets.VBox([c["lr"], c["factor"], c["patience"], c["cooldown"]])
        right = widgets.VBox([c["threshold"], c["threshold_mode"], c["plateau_every"], c["n_steps"]])
        self.widget = widgets.VBox([widgets.HBox([left, right], layout=widgets.Layout(flex_flow="row wrap")),
                                    self.status, self.output])
        self.update()

    def update(self) -> None:
        """Run both with the current values and redraw."""
        c = {k: w.value for k, w in self._controls.items()}
        runs = run_plateau_experiment(c["lr"], c["factor"], c["patience"], c["cooldown"], c["threshold"],
                                      threshold_mode=c["threshold_mode"], plateau_every=c["plateau_every"],
                                      n_steps=c["n_steps"])
        self.last_result = runs
        self.status.value = _message_html(describe_plateau(runs), color="#1b5e20")

        def draw():
            ax = viz.plot_history(runs)
            ax.set_ylabel("excess loss f(w) - f* (log scale)")
            ax.set_title("SGD, batch 1, noisy least squares: constant rate vs reduce-on-plateau", fontsize=12)
            return ax.figure

        self._draw(draw)


def explore_plateau(**kwargs: Any) -> PlateauExplorer:
    """A :class:`PlateauExplorer` (keyword arguments: the starting control values)."""
    return PlateauExplorer(**kwargs)


# ---------------------------------------------------------------------------
# Results explorer (notebook 06): browse a precomputed comparison of schedules
# ---------------------------------------------------------------------------

RESULT_METRICS = ("val_loss", "val_acc", "loss", "lr")


def select_results(comparison: Any, names: Any = None) -> tuple[dict[str, Any], dict[str, list[History]]]:
    """The tuning sweeps and evaluation runs of the chosen schedules, in the comparison's order.

    Args:
        comparison: an ``experiments.Comparison`` (has ``sweeps`` and ``runs``, dicts by name).
        names: schedule names to keep; None (or empty) keeps them all.

    Returns:
        (sweeps, runs): dicts name -> LRSweep and name -> list of Histories; a schedule whose
        every rate diverged has no runs and is left out of ``runs``.

    Raises:
        TypeError: ``comparison`` is not a comparison.
        ValueError: an unknown name.
    """
    if not (isinstance(getattr(comparison, "sweeps", None), Mapping)
            and isinstance(getattr(comparison, "runs", None), Mapping)):
        raise TypeError(f"comparison must be an experiments.Comparison (sweeps, runs), got comparison={comparison!r}")
    if names is None or (not isinstance(names, str) and len(names) == 0):
        chosen = list(comparison.sweeps)
    else:
        names = [names] if isinstance(names, str) else list(names)
        for name in names:
            check_in("names", name, tuple(comparison.sweeps))
        chosen = [n for n in comparison.sweeps if n in names]
    sweeps = {n: comparison.sweeps[n] for n in chosen}
    runs = {n: list(comparison.runs[n]) for n in chosen if comparison.runs.get(n)}
    return sweeps, runs


def describe_results(comparison: Any, names: Any = None) -> str:
    """One line per chosen schedule: rank by mean final validation loss, tuned lr, loss and accuracy.

    Uses ``comparison.rows()`` (see ``experiments.Comparison``).
    """
    sweeps, _ = select_results(comparison, names)
    ranking = comparison.ranking() if hasattr(comparison, "ranking") else []
    lines = []
    for row in comparison.rows():
        if row["name"] not in sweeps:
            continue
        if not row["runs"]:
            lines.append(f"{row['name']}: every rate of the grid diverged")
            continue
        rank = f"#{ranking.index(row['name']) + 1} " if row["name"] in ranking else ""
        edge = " (edge of the grid: widen it)" if row["at_edge"] else ""
        lines.append(f"{rank}{row['name']}: lr {row['lr']:.3g}{edge}; val loss {row['val_loss']:.4f} "
                     f"± {row['val_loss_std']:.4f}; val acc {row['val_acc']:.4f} ± {row['val_acc_std']:.4f} "
                     f"({row['runs']} seeds)")
    return "\n".join(lines)


class ResultsExplorer(_Explorer):
    """Browse a comparison of schedules: tuning curves (left) and mean ± spread curves (right).

    Nothing is trained: it draws the runs of an ``experiments.Comparison``. Controls:
    "schedules" (multiple choice; none selected means all), "metric" (val_loss, val_acc,
    loss, lr for the right panel) and "band" (std or min–max over seeds). The status lines
    give each schedule's rank, tuned lr and scores. ``last_result`` is the pair (sweeps,
    runs) drawn.

    Args:
        comparison: the comparison to browse.
        metric: the metric shown first.
    """

    def __init__(self, comparison: Any, metric: str = "val_loss") -> None:
        super().__init__()
        select_results(comparison)  # checks the comparison
        check_in("metric", metric, RESULT_METRICS)
        self.comparison = comparison
        names = list(comparison.sweeps)
        self._controls = {
            "schedules": widgets.SelectMultiple(options=names, value=tuple(names), rows=min(len(names), 8),
                                                description="schedules", **_wide("300px")),
            "metric": widgets.Dropdown(options=list(RESULT_METRICS), value=metric, description="metric",
                                       **_wide("300px")),
            "band": widgets.Dropdown(options=[("mean ± std", "std"), ("min – max", "minmax")], value="std",
                                     description="spread over seeds", **_wide("300px")),
        }
        self._watch(*self._controls.values())
        c = self._controls
        self.widget = widgets.VBox([widgets.HBox([c["schedules"], widgets.VBox([c["metric"], c["band"]])]),
                                    self.status, self.output])
        self.update()

    def update(self) -> None:
        """Redraw for the current selection."""
        c = {k: w.value for k, w in self._controls.items()}
        sweeps, runs = select_results(self.comparison, c["schedules"])
        self.last_result = (sweeps, runs)
        self.status.value = _message_html(describe_results(self.comparison, c["schedules"]))

        def draw():
            with viz.course_style():
                fig, (left, right) = plt.subplots(1, 2, figsize=(13, 4.8), layout="constrained")
            viz.plot_lr_sweeps(sweeps, ax=left)
            left.set_title("tuning: one run per rate", fontsize=12)
            if runs:
                viz.plot_runs(runs, metric=c["metric"], ax=right, band=c["band"],
                              log=c["metric"] in ("val_loss", "loss"), smooth=10 if c["metric"] == "loss" else 0)
            return fig

        self._draw(draw)


def explore_results(comparison: Any, metric: str = "val_loss") -> ResultsExplorer:
    """A :class:`ResultsExplorer` over ``comparison`` (from ``experiments.compare_schedules``)."""
    return ResultsExplorer(comparison, metric=metric)


# ---------------------------------------------------------------------------
# Large batches: linear scaling and warm-up (notebook 08)
# ---------------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def _raw_digits() -> P.Dataset:
    return P.load_digits(standardize=False)


@functools.lru_cache(maxsize=8)
def _large_batch_base(base_lr: float, base_batch: int, epochs: int, hidden: tuple[int, ...], seed: int) -> History:
    """The small-batch reference run, cached: it does not depend on k or the warm-up."""
    from course_lib.training import distributed as D

    data = _raw_digits()
    total = T.RunPlan(data.n_train, base_batch, epochs).total_steps
    return T.train_torch(D.mlp_factory(64, 10, hidden=hidden), data, S.scaled_schedule(base_lr, 1, total),
                         epochs=epochs, batch_size=base_batch, seed=seed,
                         label=f"(a) batch {base_batch}, lr {base_lr:.3g}")


def run_large_batch_experiment(k: int = 4, warmup_epochs: float = 5.0, *, base_lr: float = 0.02,
                               base_batch: int = 32, epochs: int = 15, hidden: tuple[int, ...] = (64,),
                               seed: int = 0) -> dict[str, History]:
    """The four runs of notebook 08 for a batch multiplier k, simulated in one process.

    Raw-pixel digits, ``mlp(64, 10, hidden)``, plain SGD, a cosine decay to 0 over ``epochs``:

    (a) batch ``base_batch`` at ``base_lr`` (the reference; cached);
    (b) batch k * base_batch at base_lr;
    (c) batch k * base_batch at k * base_lr from the first step (linear scaling, no warm-up);
    (d) the same with a linear warm-up from base_lr over ``warmup_epochs``
        (:func:`course_lib.schedules.scaled_schedule`).

    A batch of k * base_batch in one process is the same computation as k DDP workers with
    base_batch each (:func:`course_lib.training.distributed.train_simulated`), so this is what the
    distributed runs would give, in a fraction of the time.

    Args:
        k: batch multiplier (>= 1).
        warmup_epochs: warm-up length of (d) in epochs (>= 0; rounded to whole steps).
        base_lr: rate of the small batch (> 0).
        base_batch: the small batch (>= 1).
        epochs: epochs of every run (>= 1).
        hidden: hidden-layer widths of the MLP.
        seed: seed of the initialisation and the batch order.

    Returns:
        label -> History, in the order (a), (b), (c), (d).

    Raises:
        ValueError, TypeError: a bad setting, naming it.

    >>> runs = run_large_batch_experiment(k=2, warmup_epochs=1, epochs=2)
    >>> [h.config["batch_size"] for h in runs.values()]
    [32, 64, 64, 64]
    """
    from course_lib.training import distributed as D

    k = check_int("k", k, minimum=1)
    base_batch = check_int("base_batch", base_batch, minimum=1)
    epochs = check_int("epochs", epochs, minimum=1)
    seed = check_int("seed", seed, minimum=0)
    base_lr = float(f"{check_positive('base_lr', base_lr):.6g}")  # a log slider's 0.020000000000000004 is 0.02
    if not (isinstance(warmup_epochs, (int, float)) and 0 <= warmup_epochs < epochs):
        raise ValueError(f"warmup_epochs must be a number in [0, epochs={epochs}), got warmup_epochs={warmup_epochs!r}")
    hidden = tuple(hidden)
    data = _raw_digits()
    per_epoch = T.steps_per_epoch(data.n_train, k * base_batch)
    total, warm = epochs * per_epoch, int(round(warmup_epochs * per_epoch))
    big = k * base_batch
    reference = _large_batch_base(base_lr, base_batch, epochs, hidden, seed)
    runs = {reference.label: reference}
    configs = {
        f"(b) batch {big}, lr {base_lr:.3g}": S.scaled_schedule(base_lr, 1, total),
        f"(c) batch {big}, lr {k * base_lr:.3g}, no warm-up": S.scaled_schedule(base_lr, k, total),
        f"(d) batch {big}, lr {k * base_lr:.3g}, warm-up {warmup_epochs:g} epochs":
            S.scaled_schedule(base_lr, k, total, min(warm, total - 1)),
    }
    for label, schedule in configs.items():
        runs[label] = _large_batch_run(label, schedule, k, base_batch, epochs, hidden, seed)
    return runs


@functools.lru_cache(maxsize=256)
def _large_batch_run(label: str, schedule: S.Schedule, k: int, base_batch: int, epochs: int,
                     hidden: tuple[int, ...], seed: int) -> History:
    """One simulated large-batch run, cached: an explorer's control moved back redraws at once."""
    from course_lib.training import distributed as D

    return D.train_simulated(D.mlp_factory(64, 10, hidden=hidden), _raw_digits(), schedule, world_size=k,
                             batch_size=base_batch, epochs=epochs, seed=seed, label=label)


def describe_large_batch(runs: Mapping[str, History]) -> str:
    """One line per run: final validation loss and accuracy, and the early spike of the training loss."""
    from course_lib import studies as X

    lines = []
    for label, h in runs.items():
        if h.diverged:
            lines.append(h.summary())
            continue
        lines.append(f"{label}: final val loss {h.final_val_loss:.4f}, val acc {h.final_val_acc:.3f}; "
                     f"worst training loss in epoch 1 = {X.early_spike(h):.2f} x the first")
    return "\n".join(lines)


class LargeBatchExplorer(_Explorer):
    """Batch multiplier k and warm-up length: does the linear scaling rule hold, and when does it need warm-up?

    Runs :func:`run_large_batch_experiment` (single-process simulation of k workers) and draws
    :func:`course_lib.plotting.plot_runs_by_epoch` (rate, training loss, validation loss against
    epochs). Controls: "k" (1, 2, 4, 8, 16), "warmup_epochs", "base_lr", "epochs"; every slider
    trains on release (``continuous_update=False``). ``last_result`` is the dict of runs.
    """

    def __init__(self, k: int = 4, warmup_epochs: float = 5.0, base_lr: float = 0.02, epochs: int = 15) -> None:
        super().__init__()
        check_in("k", k, (1, 2, 4, 8, 16))
        epochs = check_int("epochs", epochs, minimum=5)
        self._controls = {
            "k": widgets.SelectionSlider(options=[1, 2, 4, 8, 16], value=k, description="batch multiplier k",
                                         **_wide("380px", continuous_update=False)),
            "warmup_epochs": widgets.FloatSlider(value=warmup_epochs, min=0, max=10, step=0.5,
                                                 description="warm-up (epochs)", readout_format=".1f",
                                                 **_wide("380px", continuous_update=False)),
            "base_lr": widgets.FloatLogSlider(value=base_lr, base=10, min=-2.5, max=-1, step=0.05,
                                              description="base lr (batch 32)", readout_format=".3g",
                                              **_wide("380px", continuous_update=False)),
            "epochs": widgets.IntSlider(value=epochs, min=5, max=30, description="epochs",
                                        **_wide("380px", continuous_update=False)),
        }
        self._watch(*self._controls.values())
        c = self._controls
        self.widget = widgets.VBox([widgets.HBox([widgets.VBox([c["k"], c["warmup_epochs"]]),
                                                  widgets.VBox([c["base_lr"], c["epochs"]])],
                                                 layout=widgets.Layout(flex_flow="row wrap")),
                                    self.status, self.output])
        self.update()

    def update(self) -> None:
        """Train with the current values (the batch-32 reference is cached) and redraw."""
        c = {k: w.value for k, w in self._controls.items()}
        warm = min(float(c["warmup_epochs"]), c["epochs"] - 1)
        try:
            runs = run_large_batch_experiment(c["k"], warm, base_lr=c["base_lr"], epochs=c["epochs"])
        except (ValueError, TypeError) as err:
            self.last_result = str(err)
            self.status.value = _message_html(str(err), color="#b71c1c")
            return
        self.last_result = runs
        self.status.value = _message_html(describe_large_batch(runs), color="#1b5e20")

        def draw():
            fig = viz.plot_runs_by_epoch(runs, smooth_epochs=0.25)
            fig.suptitle(f"k = {c['k']}: {c['k']} simulated workers x batch 32 (same math as DDP)", fontsize=12)
            return fig

        self._draw(draw)


def explore_large_batch(**kwargs: Any) -> LargeBatchExplorer:
    """A :class:`LargeBatchExplorer` (keyword arguments: the starting control values)."""
    return LargeBatchExplorer(**kwargs)
