"""Plotting: every function draws on small inputs, labels its axes, copes with divergence and zeros."""
from __future__ import annotations

import doctest
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_lib import training as LF  # noqa: E402
from course_lib import plotting as viz  # noqa: E402
from course_lib import problems as P  # noqa: E402
from course_lib import schedules as S  # noqa: E402
from course_lib import training as T  # noqa: E402
from course_lib.training.history import History  # noqa: E402
from course_lib.plotting.surfaces import _exit_point  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures(monkeypatch):
    """No test leaves a figure open, and no plotting function may call plt.show()."""
    def no_show(*args, **kwargs):
        raise AssertionError("plotting functions must not call plt.show()")

    monkeypatch.setattr(plt, "show", no_show)
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def bowl():
    return P.quadratic_bowl(condition_number=10.0)


@pytest.fixture(scope="module")
def runs(bowl):
    """A converging run and a diverging one (lr above 2/L) on the quadratic."""
    good = T.run_gd(bowl, S.cosine_decay(1.5, 60), 60, label="cosine")
    bad = T.run_gd(bowl, S.constant(2.5), 200, label="too big")
    assert bad.diverged and not good.diverged
    return good, bad


def legend_texts(ax):
    legend = ax.get_legend()
    assert legend is not None, "expected a legend"
    return [t.get_text() for t in legend.get_texts()]


def assert_labelled(ax, x=None, y=None):
    assert ax.get_xlabel() and ax.get_ylabel()
    if x is not None:
        assert ax.get_xlabel() == x
    if y is not None:
        assert y in ax.get_ylabel()


def test_doctests():
    assert doctest.testmod(viz).failed == 0


# ---------------------------------------------------------------------------
# Style
# ---------------------------------------------------------------------------

def test_course_style_context_restores_rcparams():
    before = matplotlib.rcParams["lines.linewidth"]
    with viz.course_style():
        assert matplotlib.rcParams["lines.linewidth"] == viz.COURSE_STYLE["lines.linewidth"]
        assert 12 <= matplotlib.rcParams["font.size"] <= 13
    assert matplotlib.rcParams["lines.linewidth"] == before


def test_use_course_style_sets_rcparams_globally():
    with matplotlib.rc_context():
        viz.use_course_style()
        assert tuple(matplotlib.rcParams["figure.figsize"]) == (8.0, 4.5)
        assert matplotlib.rcParams["axes.grid"] is True


def test_new_figures_have_the_course_size():
    ax = viz.plot_schedules([S.constant(0.1)], 10)
    assert tuple(ax.figure.get_size_inches()) == pytest.approx((8.0, 4.5))
    assert ax.lines[0].get_linewidth() == pytest.approx(2.0)


# ---------------------------------------------------------------------------
# Schedules
# ---------------------------------------------------------------------------

def test_plot_schedules_dict_labels_axes_and_legend():
    ax = viz.plot_schedules({"cosine": S.cosine_decay(0.1, 100), "step": S.step_decay(0.1, 30)}, 100,
                            title="two")
    assert_labelled(ax, x=viz.STEP_LABEL, y=viz.LR_LABEL)
    assert legend_texts(ax) == ["cosine", "step"]
    assert ax.get_title() == "two"
    np.testing.assert_allclose(ax.lines[0].get_ydata(), S.cosine_decay(0.1, 100)(np.arange(100)))


def test_plot_schedules_list_uses_shortened_repr():
    long = S.one_cycle(0.1, 1000, pct_start=0.25, div_factor=10.0, final_div_factor=100.0)
    ax = viz.plot_schedules([S.constant(0.1), long], 50)
    labels = legend_texts(ax)
    assert labels[0] == "Constant(lr=0.1)"
    assert labels[1].startswith("OneCycle(") and labels[1].endswith("...") and len(labels[1]) <= 48


def test_plot_schedules_uses_given_axes():
    fig, ax = plt.subplots()
    assert viz.plot_schedules({"c": S.constant(0.1)}, 10, ax=ax) is ax


def test_plot_schedules_log_masks_zeros_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ax = viz.plot_schedules({"cosine": S.cosine_decay(0.1, 50), "noam": S.noam(0.1, 10)}, 80, log=True)
        ax.figure.canvas.draw()
    assert ax.get_yscale() == "log"
    cos = ax.lines[0].get_ydata()
    assert np.isnan(cos[50:]).all() and np.all(cos[:50] > 0)  # zero from step 50 on: masked
    assert np.isnan(ax.lines[1].get_ydata()[0])  # noam starts at 0
    assert "zeros not shown" in ax.get_ylabel()


def test_plot_schedules_plain_functions_and_broken_formulas():
    def inverse(t):
        return 0.1 / t  # ZeroDivisionError at t = 0, as in the article

    def negative(t):
        return 0.1 - 0.001 * t  # goes negative

    ax = viz.plot_schedules({"inverse": inverse, "negative": negative, "lam": lambda t: 0.05}, 200, log=True)
    y = ax.lines[0].get_ydata()
    assert np.isnan(y[0]) and y[1] == pytest.approx(0.1)
    assert np.isnan(ax.lines[1].get_ydata()[150])
    labels = viz.plot_schedules([inverse], 10).get_legend().get_texts()
    assert labels[0].get_text() == "inverse"


def test_plot_schedules_all_zero_log_does_not_crash():
    ax = viz.plot_schedules({"zero": lambda t: 0.0}, 10, log=True)
    ax.figure.canvas.draw()


@pytest.mark.parametrize("empty", [{}, [], ()])
def test_plot_schedules_empty_raises_naming_the_argument(empty):
    with pytest.raises(ValueError, match="schedules"):
        viz.plot_schedules(empty, 10)


def test_plot_schedules_bad_arguments():
    with pytest.raises(ValueError, match="n_steps"):
        viz.plot_schedules([S.constant(0.1)], 0)
    with pytest.raises(TypeError, match="schedules"):
        viz.plot_schedules({"x": 0.1}, 10)
    with pytest.raises(TypeError, match="ax"):
        viz.plot_schedules([S.constant(0.1)], 10, ax="left")


def test_gallery_one_panel_per_schedule():
    schedules = {name: S.CATALOG[name](0.1, 100) for name in ("linear_decay", "cosine_decay", "one_cycle")}
    schedules["constant"] = S.constant(0.1)
    schedules["step"] = S.step_decay(0.1, 30)
    fig = viz.plot_schedule_gallery(schedules, 100, ncols=2)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == 5 and len(fig.axes) == 6
    assert [ax.get_title() for ax in visible] == list(schedules)
    assert all(ax.get_ylabel() == viz.LR_LABEL for ax in visible[::2])
    assert visible[-1].get_xlabel() == viz.STEP_LABEL


def test_gallery_log_and_errors():
    fig = viz.plot_schedule_gallery({"cos": S.cosine_decay(0.1, 20)}, 30, log=True)
    assert fig.axes[0].get_yscale() == "log"
    with pytest.raises(ValueError, match="schedules"):
        viz.plot_schedule_gallery({}, 10)
    with pytest.raises(ValueError, match="ncols"):
        viz.plot_schedule_gallery({"c": S.constant(0.1)}, 10, ncols=0)


# ---------------------------------------------------------------------------
# Paths
# ---------------------------------------------------------------------------

def markers(ax):
    return [line.get_marker() for line in ax.lines]


def test_plot_path_marks_start_minimum_and_divergence(bowl, runs):
    good, bad = runs
    ax = viz.plot_path(bowl, [good, bad])
    assert_labelled(ax)
    labels = legend_texts(ax)
    assert "cosine" in labels and "minimum" in labels and "start" in labels
    assert f"too big (diverged at step {bad.diverged_step}, lr=2.5)" in labels
    assert "*" in markers(ax) and "X" in markers(ax)
    # the diverging path does not wreck the view: limits stay near the bounds
    (x0, x1), (y0, y1) = bowl.bounds
    lo, hi = ax.get_xlim()
    assert x0 - (x1 - x0) * 0.2 <= lo and hi <= x1 + (x1 - x0) * 0.2
    lo, hi = ax.get_ylim()
    assert y0 - (y1 - y0) * 0.2 <= lo and hi <= y1 + (y1 - y0) * 0.2
    ax.figure.canvas.draw()


def test_diverged_marker_sits_where_the_path_leaves_the_view():
    view = ((-1.0, 1.0), (-1.0, 1.0))
    leaving = np.array([[0.0, 0.0], [0.5, 0.5], [10.0, 0.5]])
    np.testing.assert_allclose(_exit_point(leaving, view), [1.0, 0.5])
    np.testing.assert_allclose(_exit_point(leaving[:2], view), [0.5, 0.5])  # end inside: the end
    np.testing.assert_allclose(_exit_point(np.array([[5.0, 5.0], [6.0, 7.0]]), view), [1.0, 1.0])


def test_plot_path_single_history_and_other_problems():
    for problem, schedule, n, kwargs in [
        (P.rosenbrock(), S.constant(1e-3), 300, {}),
        (P.multi_basin(), S.cosine_restarts(0.5, 50), 200, dict(batch_size=1)),
    ]:
        h = T.run_gd(problem, schedule, n, label="run", **kwargs)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            ax = viz.plot_path(problem, h, levels=10, grid_points=40)
            viz.plot_path(problem, h, levels=10, grid_points=40, log_levels=False)
        assert "run" in legend_texts(ax)
        assert ax.get_title() == problem.name


def test_plot_path_errors(bowl, runs):
    with pytest.raises(ValueError, match="histories"):
        viz.plot_path(bowl, [])
    with pytest.raises(TypeError, match="histories"):
        viz.plot_path(bowl, "not a history")
    with pytest.raises(ValueError, match=r"histories\[0\].params"):
        viz.plot_path(bowl, History(loss=np.ones(3)))
    with pytest.raises(ValueError, match="problem"):
        viz.plot_path(P.noisy_least_squares(n_samples=20, dim=3), runs[0])


# ---------------------------------------------------------------------------
# Loss curves
# ---------------------------------------------------------------------------

def test_plot_history_loss_and_lr_twin_axis(runs):
    good, bad = runs
    ax = viz.plot_history([good, bad])
    assert_labelled(ax, x=viz.STEP_LABEL, y="loss")
    assert ax.get_yscale() == "log"
    assert ax.lr_axis is not None and viz.LR_LABEL in ax.lr_axis.get_ylabel()
    assert len(ax.lr_axis.lines) == 2
    labels = legend_texts(ax)
    assert labels[:2] == ["cosine", "too big"] and "learning rate (right axis)" in labels
    texts = [t.get_text() for t in ax.texts]
    assert any(f"diverged at step {bad.diverged_step}" in t for t in texts)
    vlines = [line for line in ax.lines if line.get_linestyle() == ":"]
    assert len(vlines) == 1 and vlines[0].get_xdata()[0] == bad.diverged_step
    ax.figure.canvas.draw()


def test_plot_history_without_lr_and_unlabelled():
    h = History(steps=np.arange(5), lr=np.full(5, 0.1), loss=np.array([4.0, 2.0, 1.0, 0.5, 0.25]))
    ax = viz.plot_history(h, show_lr=False, log_loss=False)
    assert ax.lr_axis is None and ax.get_yscale() == "linear"
    assert legend_texts(ax) == ["run"]


def test_plot_history_zeros_masked_and_negative_losses_linear():
    zeros = History(steps=np.arange(4), lr=np.ones(4), loss=np.array([1.0, 0.1, 0.0, 0.0]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ax = viz.plot_history(zeros)
        ax.figure.canvas.draw()
    assert ax.get_yscale() == "log" and np.isnan(ax.lines[0].get_ydata()[2])
    negative = History(steps=np.arange(3), lr=np.ones(3), loss=np.array([0.5, -1.0, -2.0]))
    ax = viz.plot_history(negative)
    assert ax.get_yscale() == "linear"


def test_plot_history_errors():
    with pytest.raises(ValueError, match="history_or_list"):
        viz.plot_history([])
    with pytest.raises(TypeError, match="history_or_list"):
        viz.plot_history({"a": 1})


def seeds_group(lr, n=3, steps=40):
    return T.run_many(T.run_gd, range(n), P.quadratic_bowl(), S.constant(lr), steps)


def val_history(acc, diverged=False):
    acc = np.asarray(acc, dtype=float)
    return History(steps=np.arange(10), lr=np.full(10, 0.1), loss=np.linspace(1, 0.1, 10),
                   val_epochs=np.arange(1, len(acc) + 1), val_loss=1 - acc, val_acc=acc, diverged=diverged)


def test_plot_runs_mean_and_band_with_a_diverged_run(bowl):
    ok = seeds_group(1.0)
    mixed = seeds_group(1.0, n=2) + [T.run_gd(bowl, 2.5, 40)]
    ax = viz.plot_runs({"lr=1": ok, "mixed": mixed}, log=True)
    assert_labelled(ax, x=viz.STEP_LABEL, y="training loss")
    assert legend_texts(ax) == ["lr=1 (n=3)", "mixed (n=3, 1 diverged)"]
    assert len(ax.collections) == 2  # one band per group
    assert ax.get_yscale() == "log"
    ax.figure.canvas.draw()


@pytest.mark.parametrize("band", ["std", "minmax", "none"])
def test_plot_runs_val_metrics_bands_and_smoothing(band):
    groups = {"a": [val_history([0.5, 0.6, 0.7]), val_history([0.4, 0.7, 0.8])],
              "b": [val_history([0.3, 0.5]), val_history([0.2, 0.6, 0.9], diverged=True)]}
    ax = viz.plot_runs(groups, metric="val_acc", band=band, smooth=2)
    assert_labelled(ax, x="epoch", y="validation accuracy")
    assert len(ax.collections) == (0 if band == "none" else 2)
    np.testing.assert_allclose(ax.lines[0].get_xdata(), [1, 2, 3])
    assert "moving average of 2" in ax.get_title()


def test_plot_runs_names_the_quantity_it_draws():
    ax = viz.plot_runs({"a": seeds_group(1.0)}, log=True, smooth=2, quantity="excess loss f(w) − f*")
    assert ax.get_title().startswith("excess loss f(w) − f*: mean ± std over seeds")
    assert "training loss" not in ax.get_title() + ax.get_ylabel()
    assert ax.get_ylabel() == "excess loss f(w) − f* (log scale)"
    for bad in ("", "  ", 3):
        with pytest.raises(ValueError, match="quantity"):
            viz.plot_runs({"a": seeds_group(1.0)}, quantity=bad)


def test_moving_average_is_trailing():
    np.testing.assert_allclose(T.moving_average(np.array([1.0, 3.0, 5.0, 7.0]), 2), [1, 2, 4, 6])
    np.testing.assert_allclose(T.moving_average(np.array([1.0, 3.0]), 0), [1, 3])


def test_plot_runs_errors():
    with pytest.raises(ValueError, match="groups"):
        viz.plot_runs({})
    with pytest.raises(ValueError, match=r"groups\['a'\]"):
        viz.plot_runs({"a": []})
    with pytest.raises(ValueError, match="metric"):
        viz.plot_runs({"a": [val_history([0.5])]}, metric="accuracy")
    with pytest.raises(ValueError, match="val_acc"):
        viz.plot_runs({"a": [History(loss=np.ones(3), steps=np.arange(3))]}, metric="val_acc")
    with pytest.raises(ValueError, match="smooth"):
        viz.plot_runs({"a": [val_history([0.5])]}, smooth=-1)
    with pytest.raises(ValueError, match="band"):
        viz.plot_runs({"a": [val_history([0.5])]}, band="iqr")


# ---------------------------------------------------------------------------
# Range test
# ---------------------------------------------------------------------------

def test_plot_range_test_real_result_shows_every_suggestion(bowl):
    result = LF.lr_range_test_numpy(bowl, num_steps=60)
    assert result.suggestions
    ax = viz.plot_range_test(result)
    assert ax.get_xscale() == "log"
    assert_labelled(ax, y="loss")
    assert viz.LR_LABEL in ax.get_xlabel()
    labels = legend_texts(ax)
    for name, lr in result.suggestions.items():
        assert f"{name}: {lr:.2g}" in labels
    ax.figure.canvas.draw()


def test_plot_range_test_diverged_result_and_no_suggestions():
    lrs = np.geomspace(1e-4, 1.0, 30)
    losses = np.concatenate([np.linspace(2.0, 0.5, 25), [1.0, 5.0, 50.0, np.inf, np.nan]])
    result = LF.RangeTestResult(lrs=lrs, losses=losses, smoothed=losses, stopped_early=True, stop_step=29,
                                suggestions={})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ax = viz.plot_range_test(result)
        ax.figure.canvas.draw()
    assert "stopped at step 29" in ax.get_title()
    assert ax.get_ylim()[1] < 50  # the blow-up does not flatten the curve
    with pytest.raises(ValueError, match="result"):
        viz.plot_range_test(LF.RangeTestResult(lrs=np.zeros(0), losses=np.zeros(0), smoothed=np.zeros(0),
                                               stopped_early=False, stop_step=None, suggestions={}))


# ---------------------------------------------------------------------------
# Table
# ---------------------------------------------------------------------------

def test_results_table_mean_std_and_nan_runs():
    table = viz.results_table({
        "cosine": [val_history([0.8]), val_history([0.9])],
        "too big": [val_history([0.5]), History(diverged=True)],
        "none": [History()],
    })
    lines = table.splitlines()
    assert lines[0].startswith("| configuration | runs | final_val_acc (mean ± std)")
    assert "| cosine | 2 | 0.85 ± 0.07071 | 0.8 | 0.9 | 0 |" in lines
    assert "| too big | 2 | 0.5 ± 0 | 0.5 | 0.5 | 1 |" in lines
    assert "| none | 1 | n/a | n/a | n/a | 1 |" in lines


def test_results_table_ignores_the_last_finite_metrics_of_diverged_runs():
    """A diverged run keeps its last finite evaluation (0.3 here): it must not enter the table."""
    blew_up = History(val_acc=np.array([0.2, 0.3]), diverged=True, diverged_step=40, diverged_lr=2.7)
    table = viz.results_table({"10x": [blew_up, blew_up], "mixed": [blew_up, val_history([0.9])],
                               "mixed, nan": [blew_up, History()]})
    lines = table.splitlines()
    assert "| 10x | 2 | diverged | diverged | diverged | 2 |" in lines
    assert "| mixed | 2 | 0.9 ± 0 | 0.9 | 0.9 | 1 |" in lines
    assert "| mixed, nan | 2 | n/a | n/a | n/a | 2 |" in lines


def test_results_table_callable_metric_and_errors():
    table = viz.results_table({"a": [val_history([0.5])]}, metric=lambda h: h.final_val_loss, digits=2)
    assert "0.5 ± 0" in table
    with pytest.raises(ValueError, match="groups"):
        viz.results_table({})
    with pytest.raises(ValueError, match=r"groups\['a'\]"):
        viz.results_table({"a": []})
    with pytest.raises(ValueError, match="metric"):
        viz.results_table({"a": [val_history([0.5])]}, metric="accuracy")


def test_plot_loss_levels_draws_a_labelled_line_per_level():
    import matplotlib.pyplot as plt

    from course_lib import plotting

    ax = plotting.plot_loss_levels({"unigram": 3.85, "bigram": 3.1})
    assert sorted(round(line.get_ydata()[0], 2) for line in ax.get_lines()) == [3.1, 3.85]
    assert {t.get_text() for t in ax.texts} == {"unigram 3.85", "bigram 3.10"}
    plt.close(ax.figure)
    with pytest.raises(ValueError, match="finite"):
        plotting.plot_loss_levels({"bad": float("nan")})
