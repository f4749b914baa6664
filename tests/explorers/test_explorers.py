"""Widgets: the pure layer without UI, then every explorer driven by setting control values."""

from __future__ import annotations

import base64
import inspect

import matplotlib

matplotlib.use("Agg")

import ipywidgets  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from _fuzz import scaled
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from course_lib import explorers as W  # noqa: E402
from course_lib import plotting as viz  # noqa: E402
from course_lib import schedules as S  # noqa: E402
from course_lib import studies  # noqa: E402
from course_lib.explorers import base, controls  # noqa: E402
from course_lib.schedules.controls import KINDS  # noqa: E402
from course_lib.training.history import History  # noqa: E402

N = 200  # steps for the schedule explorer in tests (small: fast)


# ---------------------------------------------------------------------------
# Pure layer: specs and build_schedule
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(S.CATALOG))
def test_every_catalog_factory_gets_specs(name):
    specs = W.param_specs(S.CATALOG[name], N)
    assert list(specs) == list(inspect.signature(S.CATALOG[name]).parameters)
    assert W.param_specs(name, N) == specs
    for spec in specs.values():
        assert spec.kind in KINDS
        if spec.kind in ("log", "float", "int", "optional_int"):
            assert spec.low <= spec.default <= spec.high, spec
        if spec.kind == "choice":
            assert spec.default in spec.options
    # the defaults draw a schedule, not a message: a sensible first picture
    assert isinstance(W.build_schedule(name, {}, n_steps=N), S.Schedule)


def test_specs_follow_parameter_names():
    specs = W.param_specs("cyclic", 500)
    assert specs["base_lr"].kind == specs["max_lr"].kind == "log"
    assert (specs["max_lr"].low, specs["max_lr"].high) == (1e-4, 1.0)
    assert specs["step_size_up"].kind == "int" and (specs["step_size_up"].low, specs["step_size_up"].high) == (1, 500)
    assert specs["step_size_down"].kind == "optional_int"
    assert specs["mode"].options == ("triangular", "triangular2", "exp_range")
    assert (specs["gamma"].low, specs["gamma"].high) == (0.01, 1.0)
    assert W.param_specs("polynomial_decay")["power"].low == 0.1
    assert W.param_specs("one_cycle")["three_phase"].kind == "bool"
    assert W.param_specs("multistep_decay", 300)["milestones"].default == "100, 200"
    assert W.param_specs("warmup_stable_decay")["decay"].options == ("linear", "cosine", "1-sqrt")


def test_param_specs_errors():
    with pytest.raises(ValueError, match="schedule"):
        W.param_specs("warmup")
    with pytest.raises(ValueError, match="n_steps"):
        W.param_specs("constant", 1)


def control_values(spec):
    """Every value a control for ``spec`` can be set to at its extremes."""
    if spec.kind in ("log", "float", "int", "optional_int"):
        return [spec.low, spec.high, spec.default]
    if spec.kind == "choice":
        return list(spec.options)
    if spec.kind == "bool":
        return [False, True]
    return [spec.default, "", "5", "10, 5", "abc", "1e-3, 0.5, 7"]


@pytest.mark.parametrize("name", sorted(S.CATALOG))
def test_build_schedule_never_raises_at_extremes(name):
    specs = W.param_specs(name, N)
    combos = [
        {p: s.low for p, s in specs.items() if s.low is not None},
        {p: s.high for p, s in specs.items() if s.high is not None},
    ]
    for p, spec in specs.items():
        combos += [{p: v} for v in control_values(spec)]
    for values in combos:
        for warmup in (0, 20):
            result = W.build_schedule(name, values, n_steps=N, warmup_steps=warmup)
            assert isinstance(result, (S.Schedule, str)), (values, result)
            if isinstance(result, str):
                assert result.startswith(f"Cannot build {name}: ") and "Traceback" not in result
            else:
                assert np.all(np.isfinite(result(np.arange(N))))


@settings(max_examples=scaled(150), deadline=None)
@given(data=st.data(), name=st.sampled_from(sorted(S.CATALOG)))
def test_build_schedule_never_raises_for_random_control_values(data, name):
    values = {}
    for p, spec in W.param_specs(name, N).items():
        if spec.kind in ("float", "log"):
            values[p] = data.draw(st.floats(spec.low, spec.high))
        elif spec.kind in ("int", "optional_int"):
            values[p] = data.draw(st.integers(int(spec.low), int(spec.high)))
        elif spec.kind == "choice":
            values[p] = data.draw(st.sampled_from(spec.options))
        elif spec.kind == "bool":
            values[p] = data.draw(st.booleans())
        else:
            values[p] = data.draw(st.text(max_size=12))
    assert isinstance(W.build_schedule(name, values, n_steps=N), (S.Schedule, str))


def test_build_schedule_messages_and_conversions():
    msg = W.build_schedule("warmup_stable_decay", {"total_steps": 100, "warmup_steps": 60, "decay_steps": 60})
    assert isinstance(msg, str) and "warmup_steps + decay_steps" in msg
    assert "max_lr" in W.build_schedule("cyclic", {"base_lr": 0.5, "max_lr": 0.1})
    assert "milestones" in W.build_schedule("multistep_decay", {"milestones": "a, b"})
    s = W.build_schedule("multistep_decay", {"lr": 0.1, "milestones": "30, 60", "gamma": 0.5})
    assert s == S.multistep_decay(0.1, (30, 60), 0.5)
    assert W.build_schedule("cyclic", {"step_size_down": 0}).step_size_down is None
    assert W.build_schedule("cyclic", {"step_size_down": 7}).step_size_down == 7
    assert W.build_schedule("piecewise_constant", {"boundaries": "10", "values": "0.1, 0.01"}) == S.piecewise_constant(
        (10,), (0.1, 0.01)
    )
    wrapped = W.build_schedule("cosine_decay", {"total_steps": 100}, warmup_steps=10)
    assert isinstance(wrapped, S.Warmup) and wrapped(10) == pytest.approx(0.1)


def test_build_schedule_programming_errors_raise():
    with pytest.raises(ValueError, match="schedule"):
        W.build_schedule("no_such_schedule", {})
    with pytest.raises(ValueError, match="values"):
        W.build_schedule("constant", {"learning_rate": 0.1})


# ---------------------------------------------------------------------------
# Pure layer: GD experiments
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(W.GD_SCHEDULES))
@pytest.mark.parametrize("n", [10, 1001])
def test_gd_schedules_peak_at_lr(name, n):
    s = W.gd_schedule(name, 0.3, n)
    values = s(np.arange(n))
    assert np.all(np.isfinite(values)) and np.all(values >= 0)
    assert values.max() == pytest.approx(0.3, rel=0.02)


def test_gd_schedule_errors():
    with pytest.raises(ValueError, match="name"):
        W.gd_schedule("sgdr", 0.1, 100)
    with pytest.raises(ValueError, match="lr"):
        W.gd_schedule("constant", 0.0, 100)


def test_make_problem_is_cached_and_checked():
    assert studies.make_problem("quadratic", 10.0) is studies.make_problem("quadratic", 10.0)
    assert studies.make_problem("quadratic", 100.0).condition_number == 100.0
    with pytest.raises(ValueError, match="name"):
        studies.make_problem("himmelblau")


def test_run_gd_experiment_and_status():
    h = studies.run_gd_experiment("quadratic", 1.0, "cosine_decay", 50)
    assert isinstance(h, History) and h.params.shape == (51, 2) and h.label == "cosine_decay"
    status = studies.describe_run(h, studies.make_problem("quadratic"))
    assert "stability limit 2/L = 2" in status and "below" in status
    bad = studies.run_gd_experiment("quadratic", 3.0, "constant", 100, label="big")
    assert bad.diverged
    status = studies.describe_run(bad, studies.make_problem("quadratic"))
    assert status.startswith(f"big: DIVERGED at step {bad.diverged_step} (lr=3)") and "above" in status
    rb = studies.run_gd_experiment("rosenbrock", 1e-3, "constant", 20)
    assert "local stability limit at the start 2/curvature = 0.0009559" in studies.describe_run(
        rb, studies.make_problem("rosenbrock")
    )
    mb = studies.run_gd_experiment("multi_basin", 0.5, "cosine_restarts", 300, noisy=True)
    assert "ended in basin" in studies.describe_run(mb, studies.make_problem("multi_basin"))
    with pytest.raises(ValueError, match="noisy"):
        studies.run_gd_experiment("rosenbrock", 1e-3, "constant", 10, noisy=True)


def test_runs_are_remembered_but_handed_out_as_copies():
    a = studies.run_gd_experiment("quadratic", 1.0, "cosine_decay", 50, condition_number=20.0)
    a.label = "relabelled by a caller"
    b = studies.run_gd_experiment("quadratic", 1.0, "cosine_decay", 50, condition_number=20.0, label="b")
    assert b is not a and b.label == "b" and b.params is a.params  # the same run, not trained again
    assert studies.run_gd_experiment("quadratic", 1.0, "cosine_decay", 50, condition_number=20.0).label == (
        "cosine_decay"
    )
    with pytest.raises(ValueError, match="n_steps"):
        studies.run_gd_experiment("quadratic", 1.0, "cosine_decay", 1)


# ---------------------------------------------------------------------------
# Explorers, driven from code
# ---------------------------------------------------------------------------


def extremes(control):
    """The values to move a control to: slider ends, every option, both checkbox states."""
    if isinstance(control, (ipywidgets.FloatLogSlider,)):
        return [control.base**control.min, control.base**control.max]
    if isinstance(control, (ipywidgets.FloatSlider, ipywidgets.IntSlider)):
        return [control.min, control.max]
    if isinstance(control, ipywidgets.Dropdown):
        return (
            [value for _, value in control.options] if isinstance(control.options[0], tuple) else list(control.options)
        )
    if isinstance(control, ipywidgets.Checkbox):
        return [not control.value, control.value]
    if isinstance(control, ipywidgets.Text):
        return ["1, 2", "garbage", ""]
    raise AssertionError(f"unexpected control {control!r}")


def count_updates(explorer):
    calls = []
    original = explorer.update

    def counted():
        calls.append(1)
        original()

    explorer.update = counted
    return calls


def assert_explorer_protocol(explorer):
    assert isinstance(explorer.widget, ipywidgets.Widget)
    bundle, metadata = explorer._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert metadata["image/png"]["alt"].startswith("Figure")  # the picture's text alternative
    assert bundle["text/plain"] == metadata["image/png"]["alt"]  # not a repr of every control
    # the slider handles get names in the browser: the box is marked, its hidden last child names them
    assert base.EXPLORER_CLASS in explorer.widget._dom_classes
    namer = explorer.widget.children[-1]
    assert isinstance(namer, ipywidgets.Output) and namer.layout.display == "none"
    assert [o["data"]["application/javascript"] for o in namer.outputs] == [base.NAME_HANDLES_JS]
    png = base64.b64decode(bundle["image/png"])  # a picture for readers without a kernel
    assert png.startswith(b"\x89PNG")
    assert all(isinstance(c, ipywidgets.Widget) for c in explorer.controls.values())


def test_schedule_explorer_initial_picture(shown):
    ex = W.explore_schedules(n_steps=N, schedule="step_decay")
    assert isinstance(ex, W.ScheduleExplorer)
    assert_explorer_protocol(ex)
    assert ex.last_result == W.build_schedule("step_decay", {}, n_steps=N)
    ax = shown[-1].axes[0]
    assert ax.get_xlabel() == viz.STEP_LABEL and ax.get_ylabel() == viz.LR_LABEL
    assert "StepDecay(" in ex.info.value and "gamma" in ex.info.value


@pytest.mark.integration  # an exhaustive sweep (about 10 s): course.py test runs it, unit does not
def test_schedule_explorer_every_schedule_every_control(shown):
    ex = W.ScheduleExplorer(n_steps=N)
    calls = count_updates(ex)
    for name in ex.controls["schedule"].options:
        before = len(calls)
        ex.controls["schedule"].value = name
        if name != "cosine_decay":
            assert len(calls) == before + 1  # one redraw per schedule change
        assert set(ex.controls) == {"schedule", "log", "warmup"} | set(W.param_specs(name, N))
        for key, control in ex.controls.items():
            if key == "schedule":
                continue
            for value in extremes(control):
                previous, before = ex.last_result, len(calls)
                changed = control.value != value
                control.value = value
                assert isinstance(ex.last_result, (S.Schedule, str))
                if changed:
                    assert len(calls) == before + 1 and ex.last_result is not previous
                result = ex.last_result
                if isinstance(result, str):
                    assert result in ex.status.value or "&" in ex.status.value
                elif key not in ("log", "warmup") and ex.controls["warmup"].value == 0:
                    spec = W.param_specs(name, N)[key]
                    if spec.kind not in ("text", "optional_int"):
                        assert getattr(result, key) == pytest.approx(controls.convert(spec, control.value))
            with ex.hold():  # back to a drawable state for the next control, without a redraw
                control.value = (
                    W.param_specs(name, N)[key].default
                    if key in W.param_specs(name, N)
                    else {"log": False, "warmup": 0}[key]
                )


def test_schedule_explorer_error_message_and_recovery(shown):
    ex = W.ScheduleExplorer(n_steps=100, schedule="warmup_stable_decay")
    assert ex.controls["warmup"] is not ex.controls["warmup_steps"]  # wrapper vs WSD parameter
    ex.controls["decay_steps"].value = 60
    n_before = len(shown)
    ex.controls["warmup_steps"].value = 50
    assert isinstance(ex.last_result, str) and "warmup_steps + decay_steps" in ex.last_result
    assert "warmup_steps + decay_steps" in ex.status.value and ex.info.value == ""
    assert len(shown) == n_before  # nothing drawn for a refused combination
    ex.controls["decay_steps"].value = 20
    assert isinstance(ex.last_result, S.WarmupStableDecay) and ex.status.value == ""


def test_gd_explorer_initial_picture_and_status(shown):
    ex = W.explore_gd()
    assert isinstance(ex, W.GDExplorer)
    assert_explorer_protocol(ex)
    assert isinstance(ex.last_result, History) and not ex.last_result.diverged
    assert "stability limit 2/L = 2" in ex.status.value and "converged" in ex.status.value
    fig = shown[-1]
    path_ax, loss_ax = fig.axes[0], fig.axes[1]
    assert path_ax.get_xlabel() and loss_ax.get_xlabel() == viz.STEP_LABEL
    ex.controls["lr"].value = 3.0
    assert ex.last_result.diverged
    assert f"DIVERGED at step {ex.last_result.diverged_step} (lr=3)" in ex.status.value


@pytest.mark.integration  # an exhaustive sweep (about 10 s): course.py test runs it, unit does not
def test_gd_explorer_every_control_to_its_extremes(shown):
    ex = W.GDExplorer()
    calls = count_updates(ex)
    for problem in ("quadratic", "rosenbrock", "multi_basin"):
        ex.controls["problem"].value = problem
        assert ex.controls["lr"].value == pytest.approx(studies.PROBLEM_DEFAULTS[problem]["lr"], rel=0.02)
        # every control on the quadratic; the sliders that change the run's cost on the others
        keys = list(ex.controls) if problem == "quadratic" else ["lr", "momentum", "noisy"]
        for key in keys:
            control = ex.controls[key]
            if key == "problem":
                continue
            start = control.value
            for value in extremes(control):
                before, previous = len(calls), ex.last_result
                changed = control.value != value
                control.value = value
                assert isinstance(ex.last_result, History)
                if changed:
                    assert len(calls) == before + 1 and ex.last_result is not previous
            with ex.hold():
                control.value = start
    assert ex.controls["noisy"].layout.display is None  # shown on multi_basin
    assert ex.controls["condition_number"].layout.display == "none"


@pytest.mark.parametrize(
    "make",
    [
        W.GDExplorer,
        W.CompareExplorer,
        W.ConventionsExplorer,
        W.PlateauExplorer,
        lambda: W.LargeBatchExplorer(k=2, epochs=5),
    ],
)
def test_no_two_controls_share_a_layout(shown, make):
    """A shared Layout is one object in the page: hiding one control would hide them all."""
    ex = make()
    layouts = [c.layout for c in ex.controls.values()]
    assert len({id(layout) for layout in layouts}) == len(layouts)


def test_gd_explorer_hides_only_the_controls_a_problem_does_not_use(shown):
    """Found in the browser: switching to rosenbrock used to hide every slider, not just kappa."""
    ex = W.GDExplorer()
    for problem, hidden in (
        ("rosenbrock", {"condition_number", "noisy"}),
        ("multi_basin", {"condition_number"}),
        ("quadratic", {"noisy"}),
    ):
        ex.controls["problem"].value = problem
        assert {k for k, c in ex.controls.items() if c.layout.display == "none"} == hidden, problem


@pytest.mark.integration  # an exhaustive sweep (about 10 s): course.py test runs it, unit does not
def test_compare_explorer_every_control_to_its_extremes(shown):
    ex = W.explore_comparison(schedules=("constant", "cosine_decay"))
    assert isinstance(ex, W.CompareExplorer)
    assert_explorer_protocol(ex)
    assert [h.label for h in ex.last_result] == ["1: constant", "2: cosine_decay"]
    calls = count_updates(ex)
    for key, control in ex.controls.items():
        if key == "problem":
            continue
        start = control.value
        values = extremes(control)
        if key in ("schedule_1", "schedule_2"):  # same options as schedule_3, which tries them all
            values = [values[0], values[-1]]
        for value in values:
            before = len(calls)
            changed = control.value != value
            control.value = value
            assert all(isinstance(h, History) for h in ex.last_result)
            assert 2 <= len(ex.last_result) <= 3
            if changed:
                assert len(calls) == before + 1
        with ex.hold():
            control.value = start
    for problem in ("rosenbrock", "multi_basin"):
        ex.controls["problem"].value = problem
        assert len(ex.last_result) == 2 and len(ex.status.value.split("\n")) == 2
    # the same run twice: overlaid, both in the legend
    ex.controls["schedule_3"].value = "constant"
    assert len(ex.last_result) == 3 and len(shown[-1].axes[1].get_legend().get_texts()) == 4


def test_explorer_argument_errors():
    with pytest.raises(ValueError, match="problem"):
        W.GDExplorer(problem="himmelblau")
    with pytest.raises(ValueError, match="schedule"):
        W.GDExplorer(schedule="sgdr")
    with pytest.raises(ValueError, match="schedules"):
        W.CompareExplorer(schedules=("constant",))
    with pytest.raises(ValueError, match="schedule"):
        W.ScheduleExplorer(schedule="warmup")


# ---------------------------------------------------------------------------
# Rapid moves coalesce (timing itself is measured in benchmarks/test_bench_widgets.py)
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make, name, values",
    [
        (lambda: W.ScheduleExplorer(n_steps=N), "lr", [0.01 * (i + 1) for i in range(30)]),
        (W.GDExplorer, "lr", [0.1 * (i + 1) for i in range(12)]),
        (W.ConventionsExplorer, "horizon", list(range(20, 60))),
    ],
)
def test_rapid_moves_coalesce_into_one_redraw_of_the_latest_value(shown, make, name, values):
    """In a kernel a change is deferred to the event loop; changes that arrive before it runs
    replace it. Here ``defer`` collects the deferred redraws as the loop would hold them."""
    ex = make()
    pending = []
    ex.defer = lambda fn, *args: pending.append((fn, args))
    before, frames = ex.renders, len(shown)
    for value in values:
        ex.controls[name].value = value
    assert len(pending) == len(values) and ex.renders == before  # nothing drawn yet
    for fn, args in pending:  # the loop runs them in order
        fn(*args)
    assert ex.renders == before + 1 and len(shown) == frames + 1  # one redraw: the latest value's
    assert ex.values()[name] == pytest.approx(values[-1], rel=1e-2)
    expected = make()
    expected.controls[name].value = ex.controls[name].value
    assert ex.snapshot_png() == expected.snapshot_png()


def test_a_pending_change_is_drawn_before_the_explorer_is_displayed(shown):
    ex = W.ScheduleExplorer(n_steps=N)
    ex.defer = lambda fn, *args: None  # the loop never gets to it
    ex.controls["lr"].value = 0.5
    assert ex.last_result.lr != pytest.approx(0.5)
    ex._repr_mimebundle_()
    assert ex.last_result.lr == pytest.approx(0.5)


def test_titles_are_short():
    ex = W.ScheduleExplorer(n_steps=N, schedule="cosine_restarts")
    title = ex.axes[0].get_title()
    assert title == "cosine_restarts(lr=0.1, cycle_steps=50)" and len(title) < 60
    ex.controls["warmup"].value = 10
    assert ex.axes[0].get_title().startswith("warm-up 10 + cosine_restarts(")


def test_the_figure_is_updated_in_place():
    ex = W.GDExplorer()
    fig, line = ex.figure, ex.axes[1].get_lines()[0]
    ex.controls["lr"].value = 1.0
    assert ex.figure is fig and ex.axes[1].get_lines()[0] is line
    np.testing.assert_allclose(line.get_ydata()[:3], ex.last_result.loss[:3])


def test_a_foreign_event_loop_does_not_defer_redraws(shown, monkeypatch):
    """Only a kernel's loop coalesces: another loop running in the thread (Playwright's sync API
    keeps one while the browser tests run) must not get redraws that nobody will run."""
    from course_lib.explorers import base

    class ForeignLoop:
        def call_later(self, *args):
            raise AssertionError("a redraw was deferred to a loop that is not a Jupyter kernel's")

    monkeypatch.setattr(base.asyncio, "get_running_loop", lambda: ForeignLoop())
    ex = W.explore_schedules()
    before = len(shown)
    ex.controls["lr"].value = 0.05
    assert len(shown) - before == 1
