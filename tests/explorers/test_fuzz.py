"""Fuzz every explorer: random sequences of control moves over each control's whole range, and
junk in every text box, set as ``control.value`` in plain Python (observers fire without a kernel).

After each move the explorer shows a picture or a message: no exception, no RuntimeWarning, no
plotted line of nothing but NaNs. Regression tests for the bugs found are at the end.
"""

from __future__ import annotations

import math

import ipywidgets as widgets
import matplotlib
import pytest
from hypothesis import given
from hypothesis import strategies as st

matplotlib.use("Agg")

from _fuzz import assert_no_nan_plot, call, examples  # noqa: E402

from course_lib import explorers as W  # noqa: E402
from course_lib import plotting as viz  # noqa: E402
from course_lib import problems as P  # noqa: E402
from course_lib import schedules as S  # noqa: E402
from course_lib import studies  # noqa: E402
from course_lib import studies as X  # noqa: E402
from course_lib.training import models as M  # noqa: E402

_junk_text = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", "1e400", "nan", "-5, 3", "3, 2, 1", "0", "1,,2", "[1, 2]", "inf", "1e-400", "99999999999999"]),
)


def _value_for(control: widgets.Widget) -> st.SearchStrategy:
    """Any value the control can take, its ends included (a text box: any text)."""
    if isinstance(control, widgets.FloatLogSlider):
        ends = st.sampled_from([control.base**control.min, control.base**control.max])
        return st.one_of(ends, st.floats(control.min, control.max).map(lambda e: control.base**e))
    if isinstance(control, (widgets.IntSlider, widgets.FloatSlider)):
        make = st.integers if isinstance(control, widgets.IntSlider) else st.floats
        return st.one_of(st.sampled_from([control.min, control.max]), make(control.min, control.max))
    if isinstance(control, widgets.SelectMultiple):
        return st.lists(st.sampled_from(control.options), unique=True).map(tuple)
    if isinstance(control, (widgets.Dropdown, widgets.SelectionSlider)):
        values = [o[1] if isinstance(o, tuple) else o for o in control.options]
        return st.sampled_from(values)
    if isinstance(control, widgets.Checkbox):
        return st.booleans()
    if isinstance(control, widgets.Text):
        return _junk_text
    raise AssertionError(f"no strategy for {control!r}")


def _drive(explorer, shown, data, moves: int) -> None:
    """Make ``moves`` random control moves; after each, a picture or a message, never a NaN plot."""
    for _ in range(moves):
        name = data.draw(st.sampled_from(sorted(explorer.controls)), label="control")
        control = explorer.controls[name]  # the schedule explorer rebuilds its parameter controls
        junk = data.draw(st.integers(0, 7), label="junk?") == 0  # now and then None or NaN (issue 21 §2)
        value = data.draw(st.sampled_from([None, math.nan]) if junk else _value_for(control), label=f"{name}.value")
        before = control.value
        if not junk and value == before:
            continue  # no change, no redraw
        shown.clear()
        call(setattr, control, "value", value, names=("<no error expected>",))
        assert explorer.last_error is None, f"{name}={value!r}: {explorer.last_error!r}"  # shown, not raised
        if junk and not isinstance(control, widgets.Text):
            assert control.value is before or control.value == before, f"{name} took {value!r}"
            assert "is not a value this control takes" in explorer.status.value
            continue
        for fig in shown:
            assert_no_nan_plot(fig)
        assert shown or explorer.status.value, f"nothing shown after {name}={value!r}"


@examples(20)
@given(data=st.data())
def test_explore_schedules(shown, data):
    _drive(W.explore_schedules(n_steps=data.draw(st.integers(2, 400), label="n_steps")), shown, data, 6)


@examples(12)
@given(data=st.data())
def test_explore_gd(shown, data):
    _drive(W.explore_gd(data.draw(st.sampled_from(studies.PROBLEMS), label="problem")), shown, data, 4)


@examples(8)
@given(data=st.data())
def test_compare_schedules(shown, data):
    _drive(W.explore_comparison(data.draw(st.sampled_from(studies.PROBLEMS), label="problem")), shown, data, 3)


@examples(12)
@given(data=st.data())
def test_explore_conventions(shown, data):
    _drive(W.explore_conventions(), shown, data, 5)


@examples(6)
@given(data=st.data())
def test_explore_plateau(shown, data):
    _drive(W.explore_plateau(n_steps=500), shown, data, 3)


@pytest.fixture(scope="module")
def comparison():
    data = P.spirals_dataset(n_samples=120, n_classes=3, seed=0)
    budget = X.Budget(data, lambda: M.mlp(2, 3, hidden=(4,), seed=None), epochs=1, batch_size=32)
    return X.compare_schedules(
        {"constant": S.constant_schedule, "cosine": S.cosine_schedule}, [0.03, 1e4], budget, seeds=(1,)
    )


@examples(8)
@given(data=st.data())
def test_explore_results(comparison, shown, data):
    _drive(W.explore_results(comparison), shown, data, 4)


@examples(2)
@given(data=st.data())
def test_explore_large_batch(shown, data):
    _drive(W.explore_large_batch(epochs=5), shown, data, 1)


# ---------------------------------------------------------------------------
# Regression tests: one per bug the fuzzing found
# ---------------------------------------------------------------------------


def test_schedule_zero_at_every_drawn_step_on_a_log_axis_says_so(shown):
    # drew an all-NaN line (zeros are masked on a log axis): an empty picture, no word why
    explorer = W.explore_schedules(n_steps=2, schedule="warmup_stable_decay")
    explorer.controls["log"].value = True
    explorer.controls["warmup"].value = 1
    ax = shown[-1].axes[0]
    assert not ax.get_lines()
    assert any("no rate > 0 to show on a log axis" in text.get_text() for text in ax.texts)


@pytest.mark.parametrize("log, why", [(True, "no rate > 0 to show on a log axis"), (False, "no finite rate")])
def test_gallery_panel_with_nothing_to_draw_says_so(log, why):
    # plot_schedule_gallery drew an all-NaN line in that panel (plot_schedules already said why)
    fig = viz.plot_schedule_gallery(
        {"zero": lambda t: 0.0 if log else math.nan, "cos": S.cosine_decay(0.1, 20)}, 10, log=log
    )
    assert_no_nan_plot(fig)
    blank, drawn = fig.axes[:2]
    assert not blank.get_lines() and any(why in text.get_text() and "zero" in text.get_text() for text in blank.texts)
    assert len(drawn.get_lines()) == 1
